//! The browser's transport for the `callflow-deploy` protocols: `fetch` and `setTimeout`.

use callflow_deploy::http::{HttpRequest, HttpResponse};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Sends one request. A CORS refusal, a CSP block and network loss all reach us as the same
/// `TypeError`; the protocols treat it as a network failure.
pub async fn send(request: &HttpRequest) -> Result<HttpResponse, String> {
    let window = web_sys::window().ok_or("no window")?;
    let init = web_sys::RequestInit::new();
    init.set_method(request.method.as_str());
    init.set_mode(web_sys::RequestMode::Cors);
    let headers = web_sys::Headers::new().map_err(describe)?;
    for (name, value) in &request.headers {
        headers.append(name, value).map_err(describe)?;
    }
    init.set_headers(&headers);
    if let Some(body) = &request.body {
        init.set_body(&JsValue::from_str(body));
    }
    let answer = JsFuture::from(window.fetch_with_str_and_init(&request.url, &init)).await.map_err(describe)?;
    let response: web_sys::Response = answer.dyn_into().map_err(describe)?;
    let mut pairs = Vec::new();
    // The protocols read only these; CORS exposes no others anyway.
    for name in ["retry-after", "inin-correlation-id"] {
        if let Ok(Some(value)) = response.headers().get(name) {
            pairs.push((name.to_owned(), value));
        }
    }
    let text = JsFuture::from(response.text().map_err(describe)?).await.map_err(describe)?;
    Ok(HttpResponse { status: response.status(), headers: pairs, body: text.as_string().unwrap_or_default() })
}

fn describe(error: JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "the request could not be sent".to_owned())
}

/// Resolves after `millis` milliseconds.
pub async fn sleep(millis: u64) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, millis.min(i32::MAX as u64) as i32);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Fills `bytes` from the browser's CSPRNG (`crypto.getRandomValues`).
pub fn random_bytes(bytes: &mut [u8]) -> Result<(), String> {
    let crypto = web_sys::window().ok_or("no window")?.crypto().map_err(describe)?;
    crypto.get_random_values_with_u8_array(bytes).map_err(describe)?;
    Ok(())
}

pub fn now_ms() -> f64 {
    js_sys::Date::now()
}
