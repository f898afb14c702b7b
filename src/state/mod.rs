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
use callflow_core::document::{Flow, FlowType, Module};
use callflow_core::validate::{is_content_edit, is_edge_edit, Validation};
use callflow_core::{Document, FlowIndex, Node, Project};
use leptos::prelude::*;
use rustc_hash::FxHashMap;

use self::history::{Direction, Entry, History};
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

/// A small window over the designer: the find bar or the shortcut sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Overlay {
    #[default]
    None,
    Find,
    Help,
}

/// The sidebar's view of the project: each flow's name and type, and which one is open.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outline {
    pub name: String,
    pub flows: Vec<(String, FlowType)>,
    pub active: usize,
}

/// The app-wide state, provided as context.
#[derive(Clone, Copy)]
pub struct Studio {
    /// The project around the open flow. Invariant: every flow but `outline.active` is current
    /// here; the open one lives in `document` (its slot holds it as it was last synced), and the
    /// org's catalog is `document.modules` without the project's own modules.
    project: StoredValue<Project>,
    pub outline: RwSignal<Outline>,
    /// The findings of the flows that are not open, and the project's own, each named by flow.
    pub other_findings: RwSignal<Vec<Diagnostic>>,
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
    /// Opened from a share link and not copied yet: nothing edits it, nothing saves it.
    pub read_only: RwSignal<bool>,
    pub overlay: RwSignal<Overlay>,
    /// Presentation mode: panels hidden, nothing edits the flow (`panels/presenter.rs`).
    pub presenting: RwSignal<bool>,
    /// Counts the flows opened (a file, a template, a flow of the project, a project edit): what
    /// belongs to one open flow, such as a simulated call or an image snapshot, ends when it changes.
    pub opened: RwSignal<u64>,
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
    pub fn new(project: Project, library_id: String) -> Studio {
        let document = project.document(0).unwrap_or_else(|| Document::empty("New inbound flow"));
        let index = FlowIndex::build(&document);
        let validation = RwSignal::new(Validation::full(&document, &index));
        let findings = Memo::new(move |_| validation.with(|v| v.findings().cloned().collect::<Vec<_>>()));
        let marks = Memo::new(move |_| findings.with(|f| Marks::of(f)));
        let outline = RwSignal::new(outline_of(&project, 0));
        let studio = Studio {
            project: StoredValue::new(project),
            outline,
            other_findings: RwSignal::new(Vec::new()),
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
            read_only: RwSignal::new(false),
            overlay: RwSignal::new(Overlay::None),
            presenting: RwSignal::new(false),
            opened: RwSignal::new(0),
        };
        studio.refresh_others();
        studio
    }

    /// Is more than a single inbound flow open (a project with several flows, or a module)?
    pub fn is_project(&self) -> bool {
        self.outline.with_untracked(|o| o.flows.len() > 1 || o.flows.iter().any(|(_, t)| t.is_module()))
    }

    /// Puts the open flow and the org's catalog back into the project.
    fn sync_open(&self) {
        let active = self.outline.with_untracked(|o| o.active);
        self.document.with_untracked(|document| {
            self.project.update_value(|project| {
                if let Some(slot) = project.flows.get_mut(active) {
                    *slot = document.flow.clone();
                }
                project.modules = document.modules.iter().filter(|m| !m.authored).cloned().collect();
                project.queues = document.queues.clone();
            });
        });
    }

    /// The whole project as it is now (the open flow included).
    pub fn current_project(&self) -> Project {
        self.sync_open();
        self.project.get_value()
    }

    /// The open work as a file: a project as `<name>.project.json`, a single inbound flow as
    /// `<name>.flow.json` (pretty), or, with `compact`, the same JSON without indentation.
    pub fn as_file(&self, compact: bool) -> (String, String) {
        let slug = callflow_core::export::slug;
        if self.is_project() {
            let project = self.current_project();
            let text = if compact { project.to_compact_json() } else { project.to_json() };
            (format!("{}.project.json", slug(&project.name)), text)
        } else {
            self.document.with_untracked(|d| {
                let text = if compact { d.to_compact_json() } else { d.to_json() };
                (format!("{}.flow.json", slug(&d.flow.name)), text)
            })
        }
    }

    /// Opens flow `index` of the project (the history stays: it is the project's).
    pub fn open_flow(&self, index: usize) {
        self.sync_open();
        let Some(document) = self.project.with_value(|p| p.document(index)) else { return };
        self.document.set(document);
        self.outline.update(|o| o.active = index);
        self.recheck(Recheck::Everything);
        self.selection.set(Selection::default());
        self.refresh_others();
        self.opened.update(|n| *n += 1);
    }

    /// Edits the project's set of flows as one undo step; `edit` returns the flow to open.
    pub fn edit_project(&self, edit: impl FnOnce(&mut Project) -> Result<usize, String>) {
        if self.read_only.get_untracked() || self.presenting.get_untracked() {
            self.tell_error(CommandError::ReadOnly.to_string());
            return;
        }
        let before = self.current_project();
        let active = self.outline.with_untracked(|o| o.active);
        let mut after = before.clone();
        match edit(&mut after) {
            Ok(open) => {
                self.history.update_value(|h| h.push_project(before, active));
                self.put_project(after, open);
                self.refresh_undo_state();
            }
            Err(error) => self.tell_error(error),
        }
    }

    /// Replaces the project (an edit of its flows, or undoing one) and opens flow `open`.
    fn put_project(&self, project: Project, open: usize) {
        let open = open.min(project.flows.len().saturating_sub(1));
        let document = project.document(open).unwrap_or_else(|| Document::empty("New inbound flow"));
        self.outline.set(outline_of(&project, open));
        self.project.set_value(project);
        self.document.set(document);
        self.recheck(Recheck::Everything);
        self.selection.set(Selection::default());
        self.refresh_others();
        self.opened.update(|n| *n += 1);
    }

    /// Re-checks the flows that are not open, against the open flow as it is now, and the
    /// project's own rules. Nothing to do for a single inbound flow.
    pub fn refresh_others(&self) {
        if !self.is_project() {
            self.other_findings.maybe_update(|f| {
                let changed = !f.is_empty();
                f.clear();
                changed
            });
            return;
        }
        self.sync_open();
        let active = self.outline.with_untracked(|o| o.active);
        let findings = self.project.with_value(|project| {
            let catalog = project.catalog();
            let mut findings: Vec<Diagnostic> = (0..project.flows.len())
                .filter(|&i| i != active)
                .flat_map(|i| callflow_core::project::flow_findings(project, &catalog, i))
                .collect();
            findings.extend(callflow_core::project::project_findings(&project.flows.iter().collect::<Vec<_>>()));
            findings
        });
        self.other_findings.set(findings);
        // The open flow's catalog holds the project's modules as they are now.
        let catalog = self.project.with_value(Project::catalog);
        self.document.maybe_update(|d| {
            let changed = d.modules != catalog;
            if changed {
                d.modules = catalog;
            }
            changed
        });
    }

    /// Records what a deploy published (flow name, version), in order: callers remember the
    /// version of each module they were published with. Not an undo step: it is what the org holds.
    pub fn record_published(&self, published: &[(String, String)]) {
        self.sync_open();
        self.project.update_value(|project| {
            for (flow, version) in published {
                project.record_publication(flow, version);
            }
        });
        self.refresh_others();
        // Autosave and the impact panel follow the outline.
        self.outline.update(|_| {});
    }

    /// A module's contract as callers see it (name, compatible types, inputs and outputs).
    /// (Read from the open flow without copying it: this runs before and after every edit in a
    /// project.)
    fn open_contract(&self) -> Option<Module> {
        self.document.with_untracked(|d| {
            d.flow.flow_type.is_module().then(|| callflow_core::project::module_contract(&d.flow, None))
        })
    }

    /// Applies one edit as one undo step. A refused command changes nothing and says why.
    pub fn dispatch(&self, command: Command) -> Result<(), CommandError> {
        if self.read_only.get_untracked() {
            self.tell_error(CommandError::ReadOnly.to_string());
            return Err(CommandError::ReadOnly);
        }
        if self.presenting.get_untracked() {
            self.tell_error(CommandError::Presenting.to_string());
            return Err(CommandError::Presenting);
        }
        // A field edit of one node is re-checked alone when it keeps the node's id, kind and ports.
        let before: Option<(usize, Node)> = match &command {
            Command::UpdateNode { id, .. } => {
                let index = self.index.get_untracked();
                self.document.with_untracked(|d| index.node(d, id).map(|at| (at, d.flow.nodes[at].clone())))
            }
            _ => None,
        };
        let history = self.history;
        let active = self.outline.with_untracked(|o| o.active);
        // A module's contract before the edit: when it changes, its callers are checked again.
        let contract = self.is_project().then(|| self.open_contract()).flatten();
        // Notifies only when the command applied: a refused one leaves every view alone.
        let result = self
            .document
            .try_maybe_update(|document| {
                let result = history.try_update_value(|h| h.apply(active, document, &command)).unwrap_or(Ok(()));
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
                let structural = matches!(recheck, Recheck::Everything);
                self.recheck(recheck);
                // The sidebar shows the open flow's name (the flow inspector renames it).
                if let Command::SetFlowProperties { .. } = &command {
                    let name = self.document.with_untracked(|d| d.flow.name.clone());
                    self.outline.maybe_update(|o| match o.flows.get_mut(active) {
                        Some((current, _)) if *current != name => {
                            *current = name;
                            true
                        }
                        _ => false,
                    });
                }
                if self.is_project() && (structural || self.open_contract() != contract) {
                    self.refresh_others();
                }
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

    /// "Tidy layout" of the selection (two nodes or more) or of the whole flow, as one undo step.
    /// Returns how many nodes were laid out.
    pub fn tidy(&self) -> Result<usize, CommandError> {
        let index = self.index.get_untracked();
        // Recorded as a `callflow:tidy` performance measure (the layout alone, in wasm), for the
        // browser benchmark and the browser's performance panel.
        let performance = web_sys::window().and_then(|w| w.performance());
        if let Some(performance) = &performance {
            let _ = performance.mark("callflow:tidy:start");
        }
        let moves = self.document.with_untracked(|d| {
            let chosen: Vec<usize> =
                self.selection.with_untracked(|s| s.nodes.iter().filter_map(|id| index.node(d, id)).collect());
            let selection = (chosen.len() >= 2).then_some(chosen.as_slice());
            callflow_core::layout::tidy(d, &index, selection, &crate::canvas::geometry::SIZES)
        });
        if let Some(performance) = &performance {
            let _ = performance.measure_with_start_mark("callflow:tidy", "callflow:tidy:start");
            performance.clear_marks_with_mark_name("callflow:tidy:start");
        }
        let count = moves.len();
        // Only the nodes that move: tidying a tidy flow adds no undo step.
        let moves: Vec<_> = self.document.with_untracked(|d| {
            moves
                .into_iter()
                .filter(|m| {
                    index.node(d, &m.id).is_some_and(|at| (d.flow.nodes[at].x, d.flow.nodes[at].y) != (m.x, m.y))
                })
                .collect()
        });
        if !moves.is_empty() {
            self.dispatch(Command::MoveNodes { moves })?;
        }
        Ok(count)
    }

    pub fn undo(&self) {
        self.history_step(Direction::Undo);
    }

    pub fn redo(&self) {
        self.history_step(Direction::Redo);
    }

    /// Takes one step of the project's history: a flow step opens its flow first; a project step
    /// puts the whole project back.
    fn history_step(&self, direction: Direction) {
        if self.read_only.get_untracked() {
            return;
        }
        let next = self.history.with_value(|h| match h.peek(direction) {
            Some(Entry::Flow(flow, _)) => Some(Some(*flow)),
            Some(Entry::Project(..)) => Some(None),
            None => None,
        });
        match next {
            None => self.refresh_undo_state(),
            Some(None) => {
                let current = self.current_project();
                let active = self.outline.with_untracked(|o| o.active);
                if let Some((project, open)) =
                    self.history.try_update_value(|h| h.step_project(direction, current, active)).flatten()
                {
                    self.put_project(project, open);
                }
                self.refresh_undo_state();
            }
            Some(Some(flow)) => {
                if flow != self.outline.with_untracked(|o| o.active) {
                    self.open_flow(flow);
                }
                let contract = self.is_project().then(|| self.open_contract()).flatten();
                let history = self.history;
                let applied = self.document.try_maybe_update(|document| {
                    let applied = history.try_update_value(|h| h.step_flow(direction, document)).flatten();
                    (applied.is_some(), applied)
                });
                self.after_history_step(applied.flatten());
                if self.is_project() && self.open_contract() != contract {
                    self.refresh_others();
                }
            }
        }
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

    /// Replaces the whole document (open, import, template, library switch): a one-flow project
    /// and a fresh history.
    pub fn replace_document(&self, document: Document, library_id: String) {
        self.replace_project(Project::from_document(document), library_id);
    }

    /// Opens a project (its first flow), with a fresh history.
    pub fn replace_project(&self, project: Project, library_id: String) {
        self.read_only.set(false);
        self.history.update_value(History::clear);
        self.put_project(project, 0);
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
        self.document.with_untracked(|d| callflow_core::project::first_free(base, "", |id| index.node(d, id).is_some()))
    }

    /// The node with `id`, cloned (tracks the document).
    pub fn node(&self, id: &str) -> Option<callflow_core::Node> {
        let index = self.index.get();
        self.document.with(|d| index.node(d, id).and_then(|i| d.flow.nodes.get(i).cloned()))
    }
}

fn outline_of(project: &Project, active: usize) -> Outline {
    Outline {
        name: project.name.clone(),
        flows: project.flows.iter().map(|f: &Flow| (f.name.clone(), f.flow_type)).collect(),
        active,
    }
}

/// The studio from context. Invariant: `App` provides it before any child is built.
pub fn use_studio() -> Studio {
    expect_context::<Studio>()
}
