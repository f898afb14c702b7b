//! Copy, paste and duplicate of nodes, keeping the edges inside the selection, and the system
//! clipboard for exports (Clipboard API, with a fallback for pages where it is refused).

use std::cell::RefCell;
use std::collections::BTreeMap;

use callflow_core::command::Command;
use callflow_core::document::{Edge, Node};
use leptos::prelude::*;

use crate::state::{Selection, Studio};

thread_local! {
    /// The copied nodes and the edges among them. The app runs on one thread.
    static COPIED: RefCell<(Vec<Node>, Vec<Edge>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// Copies the selected nodes; false when nothing is selected (the key then keeps its usual meaning).
pub fn copy_selection(studio: Studio) -> bool {
    let ids = studio.selection.with_untracked(|s| s.nodes.clone());
    if ids.is_empty() {
        return false;
    }
    let copied = studio.document.with_untracked(|d| {
        let nodes: Vec<Node> = d.flow.nodes.iter().filter(|n| ids.contains(&n.id)).cloned().collect();
        let edges: Vec<Edge> =
            d.flow.edges.iter().filter(|e| ids.contains(&e.from) && ids.contains(&e.to)).cloned().collect();
        (nodes, edges)
    });
    COPIED.with(|c| *c.borrow_mut() = copied);
    true
}

/// Pastes the copied nodes with fresh ids, 40 units down and right: one undo step. False when
/// nothing was copied.
pub fn paste(studio: Studio) -> bool {
    let (nodes, edges) = COPIED.with(|c| c.borrow().clone());
    if nodes.is_empty() {
        return false;
    }
    let mut renamed: BTreeMap<String, String> = BTreeMap::new();
    let mut taken: std::collections::BTreeSet<String> =
        studio.document.with_untracked(|d| d.flow.nodes.iter().map(|n| n.id.clone()).collect());
    let mut commands = Vec::new();
    for mut node in nodes {
        let base = node.id.trim_end_matches(|c: char| c.is_ascii_digit()).to_owned();
        let base = if base.is_empty() { "node".to_owned() } else { base };
        let id = (2..).map(|n| format!("{base}{n}")).find(|id| !taken.contains(id)).unwrap_or_default();
        taken.insert(id.clone());
        renamed.insert(node.id.clone(), id.clone());
        node.id = id;
        node.x += 40.0;
        node.y += 40.0;
        commands.push(Command::AddNode { node });
    }
    for edge in edges {
        let (Some(from), Some(to)) = (renamed.get(&edge.from), renamed.get(&edge.to)) else { continue };
        commands.push(Command::AddEdge {
            edge: Edge { id: None, from: from.clone(), port: edge.port, to: to.clone() },
            index: None,
        });
    }
    if studio.dispatch(Command::Batch { commands }).is_ok() {
        studio.selection.set(Selection { nodes: renamed.into_values().collect(), edge: None });
    }
    true
}

/// Writes text to the system clipboard. Tries the Clipboard API, then a hidden textarea with
/// `execCommand("copy")`; says which worked.
pub async fn write_text(text: String) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    let window = web_sys::window().ok_or("no window")?;
    let promise = window.navigator().clipboard().write_text(&text);
    if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
        return Ok(());
    }
    let document = window.document().ok_or("no document")?;
    let area = document
        .create_element("textarea")
        .map_err(|_| "cannot create a textarea")?
        .dyn_into::<web_sys::HtmlTextAreaElement>()
        .map_err(|_| "cannot create a textarea")?;
    area.set_value(&text);
    let body = document.body().ok_or("no body")?;
    let _ = body.append_child(&area);
    area.select();
    let copied = document.dyn_ref::<web_sys::HtmlDocument>().and_then(|d| d.exec_command("copy").ok()).unwrap_or(false);
    area.remove();
    if copied {
        Ok(())
    } else {
        Err("the browser refused the clipboard: select the text and copy it by hand".to_owned())
    }
}

/// Offers `text` as a file download named `file_name`.
pub fn download(file_name: &str, text: &str, mime: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|_| "cannot make a file")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "cannot make a file")?;
    let result = download_url(file_name, &url);
    let _ = web_sys::Url::revoke_object_url(&url);
    result
}

/// Offers what `url` (an object or data URL) holds as a file download named `file_name`.
pub fn download_url(file_name: &str, url: &str) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let link = document
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        .ok_or("cannot make a link")?;
    link.set_href(url);
    link.set_download(file_name);
    link.click();
    Ok(())
}
