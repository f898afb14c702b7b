//! The designer's state: one owner of the document, the undo history, the selection and the view.
//!
//! The document is one signal, changed only by core commands. What is derived from it is split so
//! that an interaction costs what it touches, not the size of the flow:
//! - the flow index and the validation are signals the studio sets after each command: a move
//!   changes neither; an edit of one node's fields that keeps its id, kind and ports keeps the index
//!   and re-checks that node alone (`Validation::recheck_node`, the same findings as a full run);
//!   an edit of edges only rebuilds the index and re-checks the graph (`recheck_graph`); anything
//!   else rebuilds both;
//! - the *layout revision* changes only when positions, sizes, the node set or the edges may have
//!   changed, so viewport culling and the minimap skip field edits;
//! - findings are grouped by node and edge once per validation; each view reads its own entry;
//! - a drag is two signals: the dragged ids (set when it starts and ends) and the offset (set per
//!   pointer move), which only the views of dragged nodes and their edges subscribe to;
//! - a refused command, and undo or redo with nothing to do, notify nothing.

pub mod history;
pub mod storage;
pub mod viewport;

use std::collections::BTreeSet;

use std::sync::Arc;

use callflow_core::command::{Command, CommandError};
use callflow_core::diagnostic::{Diagnostic, Severity};
use callflow_core::validate::{is_content_edit, is_edge_edit, Validation};
use callflow_core::{Document, FlowIndex, Node};
use leptos::prelude::*;
use rustc_hash::FxHashMap;

use self::history::History;
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

/// The worst severity of the findings pinned to each node and each edge, computed once per validation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Marks {
    pub nodes: FxHashMap<String, Severity>,
    pub edges: FxHashMap<usize, Severity>,
}

impl Marks {
    fn of(findings: &[Diagnostic]) -> Marks {
        let mut marks = Marks::default();
        let worse = |slot: &mut Severity, severity: Severity| *slot = (*slot).min(severity);
        for finding in findings {
            if let Some(node) = &finding.node {
                worse(marks.nodes.entry(node.clone()).or_insert(finding.severity), finding.severity);
            }
            if let Some(edge) = finding.edge {
                worse(marks.edges.entry(edge).or_insert(finding.severity), finding.severity);
            }
        }
        marks
    }
}

/// The index of one semantic revision. Each revision builds a new one, so two are equal only when
/// they are the same build (comparing contents would cost as much as building).
#[derive(Debug, Clone)]
pub struct RevisionIndex(pub Arc<FlowIndex>);

impl PartialEq for RevisionIndex {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for RevisionIndex {
    type Target = FlowIndex;

    fn deref(&self) -> &FlowIndex {
        &self.0
    }
}

/// A drag in progress: the dragged nodes are drawn shifted by `drag_offset` canvas units; the
/// document changes once, with one `MoveNodes` command, when the pointer is released.
pub type DragIds = Option<Arc<BTreeSet<String>>>;

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
    history: StoredValue<History>,
    /// (can undo, can redo), kept in a signal so the toolbar reacts.
    pub undo_state: RwSignal<(bool, bool)>,
    pub selection: RwSignal<Selection>,
    pub viewport: RwSignal<Viewport>,
    /// The nodes being dragged (set when a drag starts and ends).
    pub drag_ids: RwSignal<DragIds>,
    /// How far they are dragged, in canvas units (set on every pointer move of a drag).
    pub drag_offset: RwSignal<(f64, f64)>,
    pub snap: RwSignal<bool>,
    /// The shared index of the document (ids, links, reachability). Invariant: it always describes
    /// the current document; only `Studio` sets it.
    pub index: RwSignal<RevisionIndex>,
    validation: RwSignal<Validation>,
    pub findings: Memo<Vec<Diagnostic>>,
    /// The findings grouped by node and edge.
    pub marks: Memo<Marks>,
    /// Changes when node positions, sizes, the node set or the edges may have changed.
    pub layout: RwSignal<u64>,
    pub notice: RwSignal<Option<Notice>>,
    /// The id of the library entry being edited.
    pub library_id: RwSignal<String>,
}

/// What a command needs after it applied.
enum Recheck {
    /// A move: nothing validation reads changed.
    Layout,
    /// One node's fields changed (id, kind and ports kept): re-check that node.
    Node(usize),
    /// Only edges changed: rebuild the index and re-check the graph, keeping every node's fields.
    Graph,
    /// Rebuild the index and validate everything.
    Everything,
}

impl Studio {
    pub fn new(document: Document, library_id: String) -> Studio {
        let index = FlowIndex::build(&document);
        let validation = RwSignal::new(Validation::full(&document, &index));
        let findings = Memo::new(move |_| validation.with(|v| v.findings().cloned().collect::<Vec<_>>()));
        let marks = Memo::new(move |_| findings.with(|f| Marks::of(f)));
        Studio {
            document: RwSignal::new(document),
            history: StoredValue::new(History::default()),
            undo_state: RwSignal::new((false, false)),
            selection: RwSignal::new(Selection::default()),
            viewport: RwSignal::new(Viewport { pan_x: 40.0, pan_y: 40.0, zoom: 1.0 }),
            drag_ids: RwSignal::new(None),
            drag_offset: RwSignal::new((0.0, 0.0)),
            snap: RwSignal::new(true),
            index: RwSignal::new(RevisionIndex(Arc::new(index))),
            validation,
            findings,
            marks,
            layout: RwSignal::new(0),
            notice: RwSignal::new(None),
            library_id: RwSignal::new(library_id),
        }
    }

    /// Applies one edit as one undo step. A refused command changes nothing and says why.
    pub fn dispatch(&self, command: Command) -> Result<(), CommandError> {
        // A field edit of one node is re-checked alone when it keeps the node's id, kind and ports.
        let before: Option<(usize, Node)> = match &command {
            Command::UpdateNode { id, .. } => {
                let index = self.index.get_untracked();
                self.document.with_untracked(|d| index.node(d, id).map(|at| (at, d.flow.nodes[at].clone())))
            }
            _ => None,
        };
        let history = self.history;
        // Notifies only when the command applied: a refused one leaves every view alone.
        let result = self
            .document
            .try_maybe_update(|document| {
                let result = history.try_update_value(|h| h.apply(document, &command)).unwrap_or(Ok(()));
                (result.is_ok(), result)
            })
            .unwrap_or(Ok(()));
        match &result {
            Ok(()) => {
                let recheck = match before {
                    _ if !command.affects_validation() => Recheck::Layout,
                    // A field edit that leaves the node where it is (an `UpdateNode` carries x and y too).
                    Some((at, before))
                        if self.document.with_untracked(|d| {
                            d.flow
                                .nodes
                                .get(at)
                                .is_some_and(|n| is_content_edit(&before, n) && n.x == before.x && n.y == before.y)
                        }) =>
                    {
                        Recheck::Node(at)
                    }
                    _ if is_edge_edit(&command) => Recheck::Graph,
                    _ => Recheck::Everything,
                };
                self.recheck(recheck);
            }
            Err(error) => self.tell_error(format!("That edit was refused: {error}")),
        }
        self.refresh_undo_state();
        result
    }

    fn recheck(&self, recheck: Recheck) {
        match recheck {
            Recheck::Layout => self.layout.update(|n| *n += 1),
            Recheck::Node(at) => {
                let index = self.index.get_untracked();
                self.document.with_untracked(|d| self.validation.update(|v| v.recheck_node(d, &index, at)));
            }
            Recheck::Graph => {
                let index = self.document.with_untracked(FlowIndex::build);
                self.document.with_untracked(|d| self.validation.update(|v| v.recheck_graph(d, &index)));
                self.index.set(RevisionIndex(Arc::new(index)));
                self.layout.update(|n| *n += 1);
            }
            Recheck::Everything => {
                let (index, validation) = self.document.with_untracked(|d| {
                    let index = FlowIndex::build(d);
                    let validation = Validation::full(d, &index);
                    (index, validation)
                });
                self.index.set(RevisionIndex(Arc::new(index)));
                self.validation.set(validation);
                self.layout.update(|n| *n += 1);
            }
        }
    }

    pub fn undo(&self) {
        if !self.history.with_value(History::can_undo) {
            return;
        }
        let history = self.history;
        let applied = self.document.try_maybe_update(|document| {
            let applied = history.try_update_value(|h| h.undo(document)).flatten();
            (applied.is_some(), applied)
        });
        self.after_history_step(applied.flatten());
    }

    pub fn redo(&self) {
        if !self.history.with_value(History::can_redo) {
            return;
        }
        let history = self.history;
        let applied = self.document.try_maybe_update(|document| {
            let applied = history.try_update_value(|h| h.redo(document)).flatten();
            (applied.is_some(), applied)
        });
        self.after_history_step(applied.flatten());
    }

    fn after_history_step(&self, applied: Option<Command>) {
        let Some(applied) = applied else {
            self.refresh_undo_state();
            return;
        };
        // Undo and redo rebuild what a move does not touch (the step before is not at hand here).
        self.recheck(if applied.affects_validation() { Recheck::Everything } else { Recheck::Layout });
        // Undo may remove selected nodes or edges; keep only what still exists.
        let index = self.index.get_untracked();
        self.selection.maybe_update(|s| {
            let before = (s.nodes.len(), s.edge);
            self.document.with_untracked(|d| {
                s.nodes.retain(|id| index.node(d, id).is_some());
                if s.edge.is_some_and(|e| e >= d.flow.edges.len()) {
                    s.edge = None;
                }
            });
            before != (s.nodes.len(), s.edge)
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
        self.recheck(Recheck::Everything);
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
        let index = self.index.get_untracked();
        self.document.with_untracked(|d| {
            let taken = |id: &str| index.node(d, id).is_some();
            if !taken(base) {
                return base.to_owned();
            }
            (2..).map(|n| format!("{base}{n}")).find(|id| !taken(id)).unwrap_or_default()
        })
    }

    /// The node with `id`, cloned (tracks the document).
    pub fn node(&self, id: &str) -> Option<callflow_core::Node> {
        let index = self.index.get();
        self.document.with(|d| index.node(d, id).and_then(|i| d.flow.nodes.get(i).cloned()))
    }
}

/// The studio from context. Invariant: `App` provides it before any child is built.
pub fn use_studio() -> Studio {
    expect_context::<Studio>()
}
