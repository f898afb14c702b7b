//! The browser's one driver for the `callflow-deploy` protocols: it carries each request with
//! [`fetch::send`], sleeps through each wait, and shows a 429's Retry-After as a countdown (and a
//! backoff as a notice) in a [`Progress`] signal.

use callflow_deploy::{ApiError, Protocol, Step, Wait, WaitReason};
use leptos::prelude::*;

use super::fetch;

/// What a running protocol shows while it works.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    /// A 429's countdown or a backoff, as shown.
    pub retrying: Option<String>,
}

/// Runs a protocol to its end, calling `observe` after every step; a 429's Retry-After becomes a
/// visible countdown in `progress`, one second at a time, and `progress` is cleared when the wait
/// is over and when the protocol ends.
pub async fn drive<P: Protocol>(
    protocol: &mut P,
    progress: RwSignal<Progress>,
    observe: impl Fn(&P),
) -> Result<P::Output, ApiError> {
    let mut step = protocol.start();
    loop {
        observe(protocol);
        step = match step {
            Step::Send(request) => {
                let answer = fetch::send(&request).await;
                protocol.on_answer(answer)
            }
            Step::Wait(wait) => {
                wait_out(wait, progress).await;
                progress.set(Progress::default());
                protocol.resume()
            }
            Step::Done(value) => {
                progress.set(Progress::default());
                return Ok(value);
            }
            Step::Failed(error) => {
                progress.set(Progress::default());
                return Err(error);
            }
        }
    }
}

/// Sleeps through one wait, saying why in `progress` when it is a retry.
async fn wait_out(Wait { millis, reason }: Wait, progress: RwSignal<Progress>) {
    match reason {
        WaitReason::RateLimited { retry_after_seconds } => {
            for left in (1..=retry_after_seconds).rev() {
                progress.set(Progress { retrying: Some(format!("Rate limited (429): retrying in {left} s")) });
                fetch::sleep(1_000).await;
            }
        }
        WaitReason::Backoff { attempt } => {
            progress.set(Progress {
                retrying: Some(format!(
                    "The org did not answer; attempt {attempt} in {:.1} s",
                    millis as f64 / 1_000.0
                )),
            });
            fetch::sleep(millis).await;
        }
        WaitReason::Polling => fetch::sleep(millis).await,
    }
}
