//! The Archy import in a web worker of its own wasm, so the YAML parser it needs is not part of
//! the designer's first load: the designer starts it on the first import and posts it requests
//! (`callflow_core::import::worker_answer` says what it answers).

#[cfg(target_arch = "wasm32")]
fn main() {
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let request = event.data().as_string().unwrap_or_default();
        let answer = callflow_core::import::worker_answer(&request);
        let _ = reply.post_message(&JsValue::from_str(&answer));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // Messages sent before the wasm runs are lost: the designer waits for this one first.
    let _ = scope.post_message(&JsValue::from_str("ready"));
}

/// Natively there is nothing to do: the worker exists only in the browser.
#[cfg(not(target_arch = "wasm32"))]
fn main() {}
