//! A blocking transport for the protocols (ureq): the CLI and native tests drive them with it.

use std::time::Duration;

use crate::http::{HttpRequest, HttpResponse, Method};
use crate::retry::{Step, Wait};

/// Sends requests; HTTP error statuses are answers, not errors.
pub struct Transport {
    agent: ureq::Agent,
}

impl Default for Transport {
    fn default() -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        Transport { agent }
    }
}

impl Transport {
    pub fn send(&self, request: &HttpRequest) -> Result<HttpResponse, String> {
        let mut builder = ureq::http::Request::builder().method(request.method.as_str()).uri(&request.url);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let body = request.body.clone().unwrap_or_default();
        let built = builder.body(body).map_err(|error| format!("bad request: {error}"))?;
        let result = match request.method {
            Method::Get => {
                let (parts, _) = built.into_parts();
                self.agent.run(ureq::http::Request::from_parts(parts, ()))
            }
            Method::Post | Method::Put => self.agent.run(built),
        };
        let mut response = result.map_err(|error| error.to_string())?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), value.to_str().unwrap_or_default().to_owned()))
            .collect();
        let body = response.body_mut().read_to_string().map_err(|error| error.to_string())?;
        Ok(HttpResponse { status, headers, body })
    }
}

/// Runs a protocol to its end. `start`, `on_answer` and `resume` are the protocol's methods;
/// `on_wait` sees every wait before it is slept (the CLI prints the Retry-After countdown there).
pub fn drive<P, T>(
    protocol: &mut P,
    transport: &Transport,
    start: fn(&mut P) -> Step<T>,
    on_answer: fn(&mut P, Result<HttpResponse, String>) -> Step<T>,
    resume: fn(&mut P) -> Step<T>,
    mut on_wait: impl FnMut(&P, Wait),
) -> Result<T, crate::ApiError> {
    let mut step = start(protocol);
    loop {
        step = match step {
            Step::Send(request) => {
                let answer = transport.send(&request);
                on_answer(protocol, answer)
            }
            Step::Wait(wait) => {
                on_wait(protocol, wait);
                std::thread::sleep(Duration::from_millis(wait.millis));
                resume(protocol)
            }
            Step::Done(value) => return Ok(value),
            Step::Failed(error) => return Err(error),
        }
    }
}
