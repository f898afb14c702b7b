//! The import worker, seen from the designer: started on the first request, it answers
//! `callflow_core::import::worker_answer` requests one by one. Requests made before it is ready
//! wait in a queue; each answer goes to the callback of the request with its id.

use std::cell::RefCell;
use std::collections::VecDeque;

use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use web_sys::{MessageEvent, Worker};

type Answer = Box<dyn FnOnce(serde_json::Value)>;

#[derive(Default)]
struct Client {
    worker: Option<Worker>,
    ready: bool,
    next_id: u64,
    waiting: VecDeque<String>,
    callbacks: Vec<(u64, Answer)>,
}

thread_local! {
    static CLIENT: RefCell<Client> = RefCell::new(Client::default());
}

/// Sends `request` (a JSON object without its id) to the worker; `answer` gets the worker's answer,
/// or `{"error": ...}` when the worker cannot be started.
pub fn ask(mut request: serde_json::Value, answer: impl FnOnce(serde_json::Value) + 'static) {
    let started = CLIENT.with(|client| {
        let mut client = client.borrow_mut();
        client.next_id += 1;
        let id = client.next_id;
        request["id"] = serde_json::Value::from(id);
        client.callbacks.push((id, Box::new(answer)));
        let text = request.to_string();
        if client.worker.is_none() {
            match start() {
                Ok(worker) => client.worker = Some(worker),
                Err(message) => return Err((id, message)),
            }
        }
        if client.ready {
            if let Some(worker) = &client.worker {
                let _ = worker.post_message(&JsValue::from_str(&text));
            }
        } else {
            client.waiting.push_back(text);
        }
        Ok(())
    });
    if let Err((id, message)) = started {
        deliver(serde_json::json!({ "id": id, "error": message }));
    }
}

fn start() -> Result<Worker, String> {
    let worker = Worker::new("./import-worker-loader.js")
        .map_err(|_| "the import could not start (the browser refused the worker)".to_owned())?;
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let text = event.data().as_string().unwrap_or_default();
        if text == "ready" {
            CLIENT.with(|client| {
                let mut client = client.borrow_mut();
                client.ready = true;
                let waiting: Vec<String> = client.waiting.drain(..).collect();
                if let Some(worker) = &client.worker {
                    for request in waiting {
                        let _ = worker.post_message(&JsValue::from_str(&request));
                    }
                }
            });
            return;
        }
        deliver(serde_json::from_str(&text).unwrap_or(serde_json::Value::Null));
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    Ok(worker)
}

/// Hands an answer to the callback of its request (outside the borrow: the callback may ask again).
fn deliver(answer: serde_json::Value) {
    let id = answer.get("id").and_then(serde_json::Value::as_u64);
    let callback = CLIENT.with(|client| {
        let mut client = client.borrow_mut();
        let at = client.callbacks.iter().position(|(waiting, _)| Some(*waiting) == id)?;
        Some(client.callbacks.remove(at).1)
    });
    if let Some(callback) = callback {
        callback(answer);
    }
}
