//! The local library of named flows and projects in localStorage: every change is saved, the last
//! one reopens on load. Keys: `callflow.library` (the list), `callflow.flow.<id>` (each document: a
//! flow document v1, or a project when it holds more than one inbound flow), `callflow.current`.
//! Also the app's one way to keep small JSON values in localStorage or sessionStorage
//! ([`read_json`], [`write_json`], [`forget`]), which the deploy code uses for its settings and
//! session.

use callflow_core::{Document, Project};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

const LIBRARY_KEY: &str = "callflow.library";
const CURRENT_KEY: &str = "callflow.current";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    pub name: String,
}

fn storage() -> Option<web_sys::Storage> {
    Area::Local.storage()
}

fn flow_key(id: &str) -> String {
    format!("callflow.flow.{id}")
}

/// The library list, in the order flows were created.
pub fn library() -> Vec<Entry> {
    storage()
        .and_then(|s| s.get_item(LIBRARY_KEY).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

fn write_library(entries: &[Entry]) -> Result<(), String> {
    let text = serde_json::to_string(entries).unwrap_or_default();
    set(LIBRARY_KEY, &text)
}

fn set(key: &str, value: &str) -> Result<(), String> {
    let storage = storage().ok_or("this browser gives the page no local storage; use Download to keep your work")?;
    storage.set_item(key, value).map_err(|_| {
        "local storage is full: your last change is not saved. Download the flow, or delete flows you no longer need from the library".to_owned()
    })
}

/// Saves a document under its library id (adding it to the library when new) and marks it current.
/// Stored compact (the pretty form is for files people read): local storage is read and written
/// whole, and a 10,000-node flow pretty-printed would fill most of its quota.
pub fn save(id: &str, document: &Document) -> Result<(), String> {
    set(&flow_key(id), &document.to_compact_json())?;
    let mut entries = library();
    match entries.iter_mut().find(|e| e.id == id) {
        Some(entry) if entry.name == document.flow.name => {}
        Some(entry) => {
            entry.name = document.flow.name.clone();
            write_library(&entries)?;
        }
        None => {
            entries.push(Entry { id: id.to_owned(), name: document.flow.name.clone() });
            write_library(&entries)?;
        }
    }
    set(CURRENT_KEY, id)
}

/// Saves a project: a single inbound flow as its flow document (as before projects existed), else
/// the project file, compact.
pub fn save_project(id: &str, project: &Project) -> Result<(), String> {
    let single = project.flows.len() == 1 && !project.flows[0].flow_type.is_module() && project.published.is_empty();
    if single {
        if let Some(document) = project.document(0) {
            return save(id, &document);
        }
    }
    set(&flow_key(id), &project.to_compact_json())?;
    let mut entries = library();
    match entries.iter_mut().find(|e| e.id == id) {
        Some(entry) if entry.name == project.name => {}
        Some(entry) => {
            entry.name = project.name.clone();
            write_library(&entries)?;
        }
        None => {
            entries.push(Entry { id: id.to_owned(), name: project.name.clone() });
            write_library(&entries)?;
        }
    }
    set(CURRENT_KEY, id)
}

/// The stored flow or project of a library entry (a flow reads as a one-flow project). A stored
/// text that no longer parses is kept as is and reported, never thrown away.
pub fn load(id: &str) -> Option<Result<Project, String>> {
    let text = storage()?.get_item(&flow_key(id)).ok().flatten()?;
    Some(callflow_core::parse_project(&text).map_err(|finding| finding.message))
}

/// The flow or project that was open last.
pub fn current() -> Option<(String, Project)> {
    let id = storage()?.get_item(CURRENT_KEY).ok().flatten()?;
    let project = load(&id)?.ok()?;
    Some((id, project))
}

pub fn remove(id: &str) -> Result<(), String> {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&flow_key(id));
    }
    let entries: Vec<Entry> = library().into_iter().filter(|e| e.id != id).collect();
    write_library(&entries)
}

/// A library id not in use: `flow-1`, `flow-2`, ...
pub fn fresh_id() -> String {
    let entries = library();
    (1..).map(|n| format!("flow-{n}")).find(|id| !entries.iter().any(|e| &e.id == id)).unwrap_or_default()
}

/// One of the browser's two stores: localStorage (kept across visits) or sessionStorage (this tab
/// only, gone when it closes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Local,
    Session,
}

impl Area {
    fn storage(self) -> Option<web_sys::Storage> {
        let window = web_sys::window()?;
        match self {
            Area::Local => window.local_storage(),
            Area::Session => window.session_storage(),
        }
        .ok()
        .flatten()
    }
}

/// The JSON value stored under `key`; `None` when it is missing, unreadable or of another shape.
pub fn read_json<T: DeserializeOwned>(area: Area, key: &str) -> Option<T> {
    let text = area.storage()?.get_item(key).ok().flatten()?;
    serde_json::from_str(&text).ok()
}

/// Stores `value` as JSON under `key`, best effort: without the store, or with it full, nothing is
/// kept (the caller's state in memory is unaffected).
pub fn write_json<T: Serialize>(area: Area, key: &str, value: &T) {
    if let (Some(storage), Ok(text)) = (area.storage(), serde_json::to_string(value)) {
        let _ = storage.set_item(key, &text);
    }
}

/// Removes `key`, if the store is there.
pub fn forget(area: Area, key: &str) {
    if let Some(storage) = area.storage() {
        let _ = storage.remove_item(key);
    }
}
