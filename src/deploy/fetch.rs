//! The browser's IO for the deploy code: its transport for the `callflow-deploy` protocols
//! (`fetch`, through gloo-net), its timer (`setTimeout`, through gloo-timers), the CSPRNG and the
//! clock. It only carries bytes: what to send and what an answer means is the deploy crate's.

use callflow_deploy::http::{HttpRequest, HttpResponse, Method};
use gloo_net::http::{Headers, Method as FetchMethod, RequestBuilder};
use wasm_bindgen::{JsCast, JsValue};

/// Sends one request as given: its method, headers and body, in `cors` mode with the default
/// credentials mode (`same-origin`: no cookies go to the org). A CORS refusal, a CSP block and
/// network loss all reach us as the same `TypeError`; its message is the failure the protocols
/// treat as network loss.
pub async fn send(request: &HttpRequest) -> Result<HttpResponse, String> {
    let method = match request.method {
        Method::Get => FetchMethod::GET,
        Method::Post => FetchMethod::POST,
        Method::Put => FetchMethod::PUT,
    };
    // Appended here rather than with the builder's `header`, which throws on a name or value the
    // browser refuses: such a request fails like any other that cannot be sent.
    let headers = web_sys::Headers::new().map_err(js_message)?;
    for (name, value) in &request.headers {
        headers.append(name, value).map_err(js_message)?;
    }
    let builder = RequestBuilder::new(&request.url)
        .method(method)
        .mode(web_sys::RequestMode::Cors)
        .headers(Headers::from_raw(headers));
    let built = match &request.body {
        Some(body) => builder.body(body.as_str()),
        None => builder.build(),
    };
    let response = built.map_err(describe)?.send().await.map_err(describe)?;
    let mut pairs = Vec::new();
    // The protocols read only these; CORS exposes no others anyway.
    for name in ["retry-after", "inin-correlation-id"] {
        if let Some(value) = response.headers().get(name) {
            pairs.push((name.to_owned(), value));
        }
    }
    let body = response.text().await.map_err(describe)?;
    Ok(HttpResponse { status: response.status(), headers: pairs, body })
}

/// A failure as the user reads it: the JavaScript error's message alone (`Failed to fetch`).
fn describe(error: gloo_net::Error) -> String {
    match error {
        gloo_net::Error::JsError(error) => error.message,
        other => other.to_string(),
    }
}

/// Resolves after `millis` milliseconds (at most `i32::MAX`, the longest `setTimeout` waits).
pub async fn sleep(millis: u64) {
    gloo_timers::future::TimeoutFuture::new(millis.min(i32::MAX as u64) as u32).await;
}

/// Fills `bytes` from the browser's CSPRNG (`crypto.getRandomValues`).
pub fn random_bytes(bytes: &mut [u8]) -> Result<(), String> {
    let crypto = web_sys::window().ok_or("no window")?.crypto().map_err(js_message)?;
    crypto.get_random_values_with_u8_array(bytes).map_err(js_message)?;
    Ok(())
}

fn js_message(error: JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "the request could not be sent".to_owned())
}

/// Milliseconds since the Unix epoch, from the browser's clock.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}
