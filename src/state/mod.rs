//! The designer's state: one owner of the document, the undo history, the selection and the view.
//! Findings are a memo over the document; storage and the page title are synced by effects.

pub mod history;
pub mod storage;
pub mod viewport;

use std::collections::BTreeSet;

use callflow_core::command::{Command, CommandError};
use callflow_core::diagnostic::Diagnostic;
use callflow_core::Document;
use leptos::prelude::*;
use rustc_hash::FxHashMap;

use self::history::{affects_validation, History};
use self::viewport::Viewport;

/// What is selected: nodes by id, or one edge by index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub nodes: BTreeSet<String>,
    pub edge: Option<usize>,
}

impl Selection {
    pub fn node(id: &str) -> Selection {
        Selection { nodes: BTreeSet::from([id.to_owned()]), edge: None }
    }

    pub fn edge(index: usize) -> Selection {
        Selection { nodes: BTreeSet::new(), edge: Some(index) }
    }
}

/// A drag in progress: the selected nodes are drawn shifted by (dx, dy) canvas units; the document
/// changes once, with one `MoveNodes` command, when the pointer is released.
#[derive(Debug, Clone, PartialEq)]
pub struct DragPreview {
    pub ids: std::sync::Arc<BTreeSet<String>>,
    pub dx: f64,
    pub dy: f64,
}

/// A short message for the user (saved, copied, refused, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub is_error: bool,
}

/// The app-wide state, provided as context.
#[derive(Clone, Copy)]
pub struct Studio {
    pub document: RwSignal<Document>,
    /// Bumped by every change validation can see; moves do not bump it.
    semantic_revision: RwSignal<u64>,
    history: StoredValue<History>,
    /// (can undo, can redo), kept in a signal so the toolbar reacts.
    pub undo_state: RwSignal<(bool, bool)>,
    pub selection: RwSignal<Selection>,
    pub viewport: RwSignal<Viewport>,
    pub drag: RwSignal<Option<DragPreview>>,
    pub snap: RwSignal<bool>,
    pub findings: Memo<Vec<Diagnostic>>,
    /// How long the last validation took in wasm, in milliseconds (shown for benchmarks).
    pub validation_ms: StoredValue<f64>,
    /// Node id → index in `flow.nodes`, recomputed when the document changes (never during a drag).
    pub node_index: Memo<FxHashMap<String, usize>>,
    pub notice: RwSignal<Option<Notice>>,
    /// The id of the library entry being edited.
    pub library_id: RwSignal<String>,
}

impl Studio {
    pub fn new(document: Document, library_id: String) -> Studio {
        let document = RwSignal::new(document);
        let semantic_revision = RwSignal::new(0u64);
        let validation_ms = StoredValue::new(0.0);
        let findings = Memo::new(move |_| {
            semantic_revision.track();
            let clock = web_sys::window().and_then(|w| w.performance());
            let started = clock.as_ref().map_or(0.0, |c| c.now());
            let findings = document.with_untracked(callflow_core::validate);
            validation_ms.set_value(clock.map_or(0.0, |c| c.now()) - started);
            findings
        });
        let node_index = Memo::new(move |_| {
            document.with(|d| {
                let mut index = FxHashMap::default();
                for (i, node) in d.flow.nodes.iter().enumerate() {
                    index.entry(node.id.clone()).or_insert(i);
                }
                index
            })
        });
        Studio {
            document,
            semantic_revision,
            history: StoredValue::new(History::default()),
            undo_state: RwSignal::new((false, false)),
            selection: RwSignal::new(Selection::default()),
            viewport: RwSignal::new(Viewport { pan_x: 40.0, pan_y: 40.0, zoom: 1.0 }),
            drag: RwSignal::new(None),
            snap: RwSignal::new(true),
            findings,
            validation_ms,
            node_index,
            notice: RwSignal::new(None),
            library_id: RwSignal::new(library_id),
        }
    }

    /// Applies one edit as one undo step. A refused command changes nothing and says why.
    pub fn dispatch(&self, command: Command) -> Result<(), CommandError> {
        let mut result = Ok(());
        let history = self.history;
        self.document.update(|document| {
            history.update_value(|h| result = h.apply(document, &command));
        });
        match &result {
            Ok(()) if affects_validation(&command) => self.semantic_revision.update(|r| *r += 1),
            Ok(()) => {}
            Err(error) => self.tell_error(format!("That edit was refused: {error}")),
        }
        self.refresh_undo_state();
        result
    }

    pub fn undo(&self) {
        let history = self.history;
        let mut applied = None;
        self.document.update(|document| history.update_value(|h| applied = h.undo(document)));
        self.after_history_step(applied);
    }

    pub fn redo(&self) {
        let history = self.history;
        let mut applied = None;
        self.document.update(|document| history.update_value(|h| applied = h.redo(document)));
        self.after_history_step(applied);
    }

    fn after_history_step(&self, applied: Option<Command>) {
        if applied.is_none_or(|command| affects_validation(&command)) {
            self.semantic_revision.update(|r| *r += 1);
        }
        // Undo may remove selected nodes or edges; keep only what still exists.
        let (ids, edges) = self
            .document
            .with(|d| (d.flow.nodes.iter().map(|n| n.id.clone()).collect::<BTreeSet<_>>(), d.flow.edges.len()));
        self.selection.update(|s| {
            s.nodes.retain(|id| ids.contains(id));
            if s.edge.is_some_and(|e| e >= edges) {
                s.edge = None;
            }
        });
        self.refresh_undo_state();
    }

    fn refresh_undo_state(&self) {
        let state = self.history.with_value(|h| (h.can_undo(), h.can_redo()));
        self.undo_state.set(state);
    }

    /// Replaces the whole document (open, import, template, library switch): a fresh history.
    pub fn replace_document(&self, document: Document, library_id: String) {
        self.history.update_value(History::clear);
        self.document.set(document);
        self.semantic_revision.update(|r| *r += 1);
        self.selection.set(Selection::default());
        self.library_id.set(library_id);
        self.refresh_undo_state();
    }

    pub fn tell(&self, text: impl Into<String>) {
        self.notice.set(Some(Notice { text: text.into(), is_error: false }));
    }

    pub fn tell_error(&self, text: impl Into<String>) {
        self.notice.set(Some(Notice { text: text.into(), is_error: true }));
    }

    /// A node id not used yet, from the kind's name: `invoke`, `invoke2`, ...
    pub fn fresh_id(&self, base: &str) -> String {
        self.node_index.with(|index| {
            if !index.contains_key(base) {
                return base.to_owned();
            }
            (2..).map(|n| format!("{base}{n}")).find(|id| !index.contains_key(id)).unwrap_or_default()
        })
    }
}

/// The studio from context. Invariant: `App` provides it before any child is built.
pub fn use_studio() -> Studio {
    expect_context::<Studio>()
}
