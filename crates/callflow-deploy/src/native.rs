//! A blocking transport for the protocols (ureq) and [`drive`], which runs any protocol over it:
//! the CLI and the native tests use them.

use std::time::Duration;

use crate::http::{ApiError, HttpRequest, HttpResponse, Method};
use crate::protocol::{self, Protocol, Wait};

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

/// Runs a protocol to its end over `transport`, sleeping through its waits: [`protocol::drive`]
/// with this transport. `on_wait` sees every wait before it is slept (the CLI prints the log and
/// the Retry-After there).
pub fn drive<P: Protocol>(
    protocol: &mut P,
    transport: &Transport,
    mut on_wait: impl FnMut(&P, Wait),
) -> Result<P::Output, ApiError> {
    protocol::drive(
        protocol,
        |request| transport.send(request),
        |protocol, wait| {
            on_wait(protocol, wait);
            std::thread::sleep(Duration::from_millis(wait.millis));
        },
    )
}
