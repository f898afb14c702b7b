//! What every protocol of this crate is, and the one loop that runs it where sending blocks.
//!
//! A protocol ([`crate::deploy::Deployer`], [`crate::execution::TestRun`],
//! [`crate::catalog::CatalogLoader`], [`crate::whoami::WhoAmI`]) is a state machine over plain
//! values: [`Protocol::start`] hands out the first [`Step`], and each answer
//! ([`Protocol::on_answer`]) or finished wait ([`Protocol::resume`]) hands out the next, until
//! [`Step::Done`] or [`Step::Failed`]. A shell carries the steps with its own IO. Each transport
//! has one loop that does so: [`drive`] here, for a blocking `send` (the native transport in
//! `native.rs` and the scripted tests), and the browser app's async driver.

use crate::http::{ApiError, HttpRequest, HttpResponse};

/// The next thing for the shell to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Step<T> {
    /// Send this request and hand the answer (or the network failure) to [`Protocol::on_answer`].
    Send(HttpRequest),
    /// Wait, then call [`Protocol::resume`].
    Wait(Wait),
    /// Finished.
    Done(T),
    /// Stopped; the error says why and what to do.
    Failed(ApiError),
}

/// A pause a protocol asks for; it has no clock, so the shell sleeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    pub millis: u64,
    pub reason: WaitReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitReason {
    /// 429: the org's `Retry-After`, to be shown as a countdown.
    RateLimited { retry_after_seconds: u64 },
    /// 5xx or network loss: backoff before attempt `attempt` (2, 3, …).
    Backoff { attempt: u32 },
    /// Waiting for an asynchronous job or execution to move on.
    Polling,
}

/// A conversation with the org, as a state machine that does no IO.
pub trait Protocol {
    /// What the protocol hands back when it is done.
    type Output;

    /// The first step. Call it once, before anything else.
    fn start(&mut self) -> Step<Self::Output>;

    /// The answer to the request of the last [`Step::Send`]; `Err` is a network failure (the
    /// transport's description of it).
    fn on_answer(&mut self, answer: Result<HttpResponse, String>) -> Step<Self::Output>;

    /// After a [`Step::Wait`] has been waited: the request to send again, or the next poll.
    fn resume(&mut self) -> Step<Self::Output>;
}

/// Runs a protocol to its end with a blocking transport. `send` carries one request; `wait` sees
/// every wait, with the protocol as it is then, and is expected to let that much time pass (the
/// native transport sleeps; a scripted test records the wait and returns at once).
pub fn drive<P: Protocol>(
    protocol: &mut P,
    mut send: impl FnMut(&HttpRequest) -> Result<HttpResponse, String>,
    mut wait: impl FnMut(&P, Wait),
) -> Result<P::Output, ApiError> {
    let mut step = protocol.start();
    loop {
        step = match step {
            Step::Send(request) => {
                let answer = send(&request);
                protocol.on_answer(answer)
            }
            Step::Wait(pause) => {
                wait(protocol, pause);
                protocol.resume()
            }
            Step::Done(value) => return Ok(value),
            Step::Failed(error) => return Err(error),
        }
    }
}
