//! `validate(&Document) -> Vec<Diagnostic>`: every finding of spec §3, pinned to node, edge and field.
//!
//! Invariants: never panics, never stops at the first problem, and runs in time linear in
//! nodes + edges: ids are resolved once by the shared [`FlowIndex`]; one walk forward (in the index),
//! one backward; SCCs only over the nodes already known to be stuck; "did you mean" hints spend a
//! bounded number of comparisons per run.

use petgraph::graph::DiGraph;
use rustc_hash::FxHashSet;

/// Node ids, variable and module names are keyed with foldhash at a fixed seed: deterministic (no
/// randomness in the core) and well spread. FxHash clustered on ids such as `b12_menu`, `b12_play`,
/// which made validation superlinear.
type FxHashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

use crate::diagnostic::{Code, Diagnostic};
use crate::document::{
    DataActionCall, Document, FieldId, FieldInput, Mapping, MenuChoice, Module, ModuleCall, ModuleType, Node, NodeBody,
    NodeKind, PortName, Step, TypeName, FORMAT_V1,
};
use crate::expression::{self, Shape};
use crate::hint::{Hints, NODE_HINT_BUDGET};
use crate::index::{EdgeState, FlowIndex};

/// The flow type every v1 module must be compatible with.
const FLOW_TYPE: &str = "inboundcall";

/// Validates a document and returns every finding, errors and warnings mixed, in document order.
pub fn validate(document: &Document) -> Vec<Diagnostic> {
    validate_indexed(document, &FlowIndex::build(document))
}

/// [`validate`] with an index the caller already built for this revision of `document`.
pub fn validate_indexed(document: &Document, index: &FlowIndex) -> Vec<Diagnostic> {
    Validation::full(document, index).into_findings()
}

/// The findings of one validation, kept by section so that an edit of one node's content can be
/// re-checked alone ([`Validation::recheck_node`]) instead of the whole flow.
///
/// The order of [`Validation::findings`] is the order of a full run: the document and the flow
/// (name, variables, catalog, ids and start), then each node's own fields, the edges, each node's
/// required ports, the error handlers, each unreachable node, and the endless loops.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Validation {
    /// The node count the validation was made for.
    nodes: usize,
    head: Vec<Diagnostic>,
    /// Each node's position and fields (the checks that read only the node, the variables, the
    /// catalog and the queues).
    content: PerNode,
    edges: Vec<Diagnostic>,
    /// Required ports with nothing connected.
    required: PerNode,
    handlers: Vec<Diagnostic>,
    /// Unreachable-node warnings.
    unreachable: PerNode,
    loops: Vec<Diagnostic>,
}

/// Findings tagged with their node's position, in position order. Sparse: a clean flow of any size
/// stores nothing, and replacing one node's findings costs the findings, not the nodes.
#[derive(Debug, Clone, Default, PartialEq)]
struct PerNode(Vec<(u32, Diagnostic)>);

impl PerNode {
    fn extend(&mut self, position: usize, findings: Vec<Diagnostic>) {
        let tag = u32::try_from(position).unwrap_or(u32::MAX);
        self.0.extend(findings.into_iter().map(|finding| (tag, finding)));
    }

    /// Replaces the findings of the node at `position`.
    fn replace(&mut self, position: usize, findings: Vec<Diagnostic>) {
        let tag = u32::try_from(position).unwrap_or(u32::MAX);
        let start = self.0.partition_point(|(at, _)| *at < tag);
        let end = start + self.0[start..].partition_point(|(at, _)| *at == tag);
        self.0.splice(start..end, findings.into_iter().map(|finding| (tag, finding)));
    }

    fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().map(|(_, finding)| finding)
    }

    fn into_findings(self) -> impl Iterator<Item = Diagnostic> {
        self.0.into_iter().map(|(_, finding)| finding)
    }
}

impl Validation {
    /// Checks the whole document.
    pub fn full(document: &Document, index: &FlowIndex) -> Validation {
        let count = document.flow.nodes.len();
        let mut validator = Validator::new(document, index);
        let mut result = Validation { nodes: count, ..Validation::default() };
        validator.document_format();
        validator.flow_name();
        validator.variables();
        validator.catalog();
        validator.node_ids_and_start();
        result.head = validator.take();
        result.content = validator.per_node(count, Validator::node_content);
        result.graph(&mut validator);
        result
    }

    /// The sections that follow the graph: edges, required ports, error handlers, reachability and
    /// loops (the graph checks need a start node; `validator.start` says whether there is one).
    fn graph(&mut self, validator: &mut Validator<'_>) {
        validator.edges();
        self.edges = validator.take();
        self.required = validator.per_node(self.nodes, Validator::required_ports);
        validator.error_handlers();
        self.handlers = validator.take();
        self.unreachable = PerNode::default();
        self.loops = Vec::new();
        if let Some(can_exit) = validator.can_exit() {
            self.unreachable = validator.per_node(self.nodes, Validator::unreachable);
            validator.endless_loops(&can_exit);
            self.loops = validator.take();
        }
    }

    /// Re-checks node `position` after an edit that kept its id, its kind and its ports (so `index`,
    /// built before the edit, still describes the document, and no other node's findings can
    /// change). Any other edit needs [`Validation::full`]. The result equals a full run's.
    pub fn recheck_node(&mut self, document: &Document, index: &FlowIndex, position: usize) {
        if position >= document.flow.nodes.len() || self.nodes != document.flow.nodes.len() {
            *self = Validation::full(document, index);
            return;
        }
        let mut validator = Validator::new(document, index);
        validator.node_content(position);
        self.content.replace(position, validator.take());
        validator.required_ports(position);
        self.required.replace(position, validator.take());
        // Only the message changes here (it names the label); reachability is the index's.
        validator.start = validator.start_node();
        if validator.start.is_some() {
            validator.unreachable(position);
            self.unreachable.replace(position, validator.take());
        }
    }

    /// Re-checks the graph after an edit that changed only edges (see [`is_edge_edit`]), with
    /// `index` rebuilt for the edited document. The document's own sections and each node's fields
    /// cannot have changed and are kept. The result equals a full run's.
    pub fn recheck_graph(&mut self, document: &Document, index: &FlowIndex) {
        if self.nodes != document.flow.nodes.len() {
            *self = Validation::full(document, index);
            return;
        }
        let mut validator = Validator::new(document, index);
        validator.start = validator.start_node();
        self.graph(&mut validator);
    }

    /// Every finding, in the order of a full run.
    pub fn findings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.head
            .iter()
            .chain(self.content.iter())
            .chain(&self.edges)
            .chain(self.required.iter())
            .chain(&self.handlers)
            .chain(self.unreachable.iter())
            .chain(&self.loops)
    }

    pub fn into_findings(self) -> Vec<Diagnostic> {
        let mut all = self.head;
        all.extend(self.content.into_findings());
        all.extend(self.edges);
        all.extend(self.required.into_findings());
        all.extend(self.handlers);
        all.extend(self.unreachable.into_findings());
        all.extend(self.loops);
        all
    }
}

/// Does `command` change only edges (so [`Validation::recheck_graph`] can follow it)?
pub fn is_edge_edit(command: &crate::command::Command) -> bool {
    use crate::command::Command;
    match command {
        Command::AddEdge { .. }
        | Command::RemoveEdge { .. }
        | Command::SetEdge { .. }
        | Command::Connect { .. }
        | Command::Disconnect { .. } => true,
        Command::Batch { commands } => commands.iter().all(is_edge_edit),
        _ => false,
    }
}

/// Can an edit that turned `before` into `after` be re-checked with [`Validation::recheck_node`]?
/// Yes when the id, the kind and the ports (in order) stay: then the flow's graph is unchanged.
pub fn is_content_edit(before: &Node, after: &Node) -> bool {
    // A task's or menu's refId is what kept actions refer to, and a task declares the `Task.`
    // variables other nodes write: changing a task or a menu's refId re-checks everything.
    let menu = before.kind() == NodeKind::Menu;
    before.id == after.id
        && before.kind() == after.kind()
        && before.kind() != NodeKind::Task
        && before.ports().eq(after.ports())
        && !(menu && crate::export::archy::unit_ref_id(before) != crate::export::archy::unit_ref_id(after))
}

struct Validator<'a> {
    document: &'a Document,
    index: &'a FlowIndex,
    findings: Vec<Diagnostic>,
    /// Declared `Flow.` variables and their types.
    variable_types: FxHashMap<&'a str, TypeName>,
    /// The scope of the flow's own variables: `Flow`, or `Common` in a common module.
    scope: &'static str,
    modules: FxHashMap<&'a str, &'a Module>,
    /// The start node's index, when `startNodeId` names a start node.
    start: Option<usize>,
    hints: Hints,
    /// The refIds of the tasks and menus, when a check needed them.
    units: Option<Vec<String>>,
    /// The variables the tasks declare, when a check needed them.
    tasks: Option<Vec<String>>,
}

impl<'a> Validator<'a> {
    fn new(document: &'a Document, index: &'a FlowIndex) -> Self {
        let flow = &document.flow;
        let variable_types =
            flow.variables.iter().map(|variable| (variable.name.as_str(), variable.value_type)).collect();
        let mut modules = FxHashMap::default();
        for module in &document.modules {
            modules.entry(module.name.as_str()).or_insert(module);
        }
        Validator {
            document,
            index,
            findings: Vec::new(),
            variable_types,
            scope: flow.flow_type.scope(),
            modules,
            start: None,
            hints: Hints::default(),
            units: None,
            tasks: None,
        }
    }

    /// The findings since the last take.
    fn take(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.findings)
    }

    /// Runs a per-node check for every node, keeping each node's findings under its position.
    fn per_node(&mut self, count: usize, mut check: impl FnMut(&mut Self, usize)) -> PerNode {
        let mut found = PerNode::default();
        for position in 0..count {
            check(self, position);
            if !self.findings.is_empty() {
                let findings = self.take();
                found.extend(position, findings);
            }
        }
        found
    }

    fn push(&mut self, finding: Diagnostic) {
        self.findings.push(finding);
    }

    /// A check a parsed document cannot fail but a document built in memory can.
    fn document_format(&mut self) {
        if self.document.format != FORMAT_V1 {
            self.push(
                Diagnostic::error(
                    Code::InvalidDocument,
                    format!("format is \"{}\", expected \"{FORMAT_V1}\"", self.document.format),
                )
                .with_field("format"),
            );
        }
    }

    fn flow_name(&mut self) {
        let length = self.document.flow.name.trim().chars().count();
        if length == 0 {
            self.push(Diagnostic::error(Code::EmptyName, "the flow has no name").with_field("flow.name"));
        } else if length > 200 {
            self.push(
                Diagnostic::error(
                    Code::EmptyName,
                    format!("the flow name has {length} characters; at most 200 are allowed"),
                )
                .with_field("flow.name"),
            );
        }
    }

    fn variables(&mut self) {
        let mut seen = FxHashSet::default();
        for (index, variable) in self.document.flow.variables.iter().enumerate() {
            if !expression::is_scoped_name(&variable.name, self.scope) {
                self.push(
                    Diagnostic::error(
                        Code::InvalidVariableName,
                        format!("\"{}\" is not a {} variable name", variable.name, self.scope),
                    )
                    .with_field(format!("flow.variables[{index}].name"))
                    .with_hint(flow_name_hint(&variable.name, self.scope)),
                );
            } else if !seen.insert(variable.name.as_str()) {
                self.push(
                    Diagnostic::error(
                        Code::InvalidVariableName,
                        format!("the variable \"{}\" is declared twice", variable.name),
                    )
                    .with_field(format!("flow.variables[{index}].name")),
                );
            }
        }
    }

    /// The catalog's own names: `Common.x` for common modules, `Flow.x` for workflows.
    fn catalog(&mut self) {
        for (module_index, module) in self.document.modules.iter().enumerate() {
            let scope = module.module_type.scope();
            for (side, parameters) in [("inputs", &module.inputs), ("outputs", &module.outputs)] {
                for (index, parameter) in parameters.iter().enumerate() {
                    if !expression::is_scoped_name(&parameter.name, scope) {
                        self.push(
                            Diagnostic::error(
                                Code::InvalidVariableName,
                                format!(
                                    "module \"{}\" declares {} \"{}\", which is not a {scope}.<name> variable",
                                    module.name,
                                    &side[..side.len() - 1],
                                    parameter.name
                                ),
                            )
                            .with_field(format!("modules[{module_index}].{side}[{index}].name"))
                            .with_hint(format!("{scope}.<letter, then letters, digits or _>")),
                        );
                    }
                }
            }
        }
    }

    fn node_ids_and_start(&mut self) {
        let flow = &self.document.flow;
        let mut first_start: Option<&str> = None;
        for (index, node) in flow.nodes.iter().enumerate() {
            if !is_valid_node_id(&node.id) {
                self.push(
                    Diagnostic::error(Code::InvalidNodeId, format!("the node id \"{}\" breaks the id rule", node.id))
                        .with_node(&node.id)
                        .with_field(format!("flow.nodes[{index}].id"))
                        .with_hint("1 to 64 characters of A-Z a-z 0-9 _ -"),
                );
            }
            if !self.index.is_first(index) {
                self.push(
                    Diagnostic::error(
                        Code::DuplicateNodeId,
                        format!("another node already has the id \"{}\"", node.id),
                    )
                    .with_node(&node.id)
                    .with_field(format!("flow.nodes[{index}].id")),
                );
            }
            if node.kind() == NodeKind::Start {
                match first_start {
                    None => first_start = Some(&node.id),
                    Some(first) => self.push(
                        Diagnostic::error(
                            Code::MultipleStart,
                            format!("a flow has one start node; \"{first}\" is already one"),
                        )
                        .with_node(&node.id),
                    ),
                }
            }
        }
        let start_id = flow.start_node_id.as_str();
        match self.index.start_id_target() {
            Some(index) if flow.nodes[index].kind() == NodeKind::Start => self.start = Some(index),
            // (`start_node` below is the same rule, for a re-check that skips this section.)
            Some(index) => self.push(
                Diagnostic::error(
                    Code::MissingStart,
                    format!(
                        "startNodeId names \"{start_id}\", a {} node, not a start node",
                        flow.nodes[index].kind().as_str()
                    ),
                )
                .with_field("flow.startNodeId")
                .with_hint_opt(first_start.map(|id| format!("did you mean \"{id}\"?"))),
            ),
            None => {
                let hint = match first_start {
                    Some(id) => Some(format!("did you mean \"{id}\"?")),
                    None => Some("add a start node and name it in startNodeId".to_owned()),
                };
                self.push(
                    Diagnostic::error(
                        Code::MissingStart,
                        if start_id.is_empty() {
                            "startNodeId is empty".to_owned()
                        } else {
                            format!("startNodeId names \"{start_id}\", and no node has that id")
                        },
                    )
                    .with_field("flow.startNodeId")
                    .with_hint_opt(hint),
                );
            }
        }
    }

    /// The start node, by the rule of `node_ids_and_start`.
    fn start_node(&self) -> Option<usize> {
        self.index.start_id_target().filter(|&i| self.document.flow.nodes[i].kind() == NodeKind::Start)
    }

    /// Node `position`'s own checks: its position and its fields. Each node gets its own hint
    /// budget, so a node's findings do not depend on the nodes before it (a re-check of one node
    /// gives what a full run gives).
    fn node_content(&mut self, position: usize) {
        let node = &self.document.flow.nodes[position];
        self.hints = Hints::with_budget(NODE_HINT_BUDGET);
        if !node.x.is_finite() || !node.y.is_finite() {
            self.push(
                Diagnostic::error(Code::InvalidDocument, "the position is not a finite number")
                    .with_node(&node.id)
                    .with_field(format!("flow.nodes[{position}].x")),
            );
        }
        match &node.body {
            NodeBody::Start | NodeBody::Disconnect => {}
            NodeBody::EndModule if !self.document.flow.flow_type.is_module() => self.push(
                Diagnostic::error(
                    Code::EndOutsideModule,
                    format!("\"{}\" ends a common module, but this is an inbound call flow", node.label),
                )
                .with_node(&node.id)
                .with_hint("end an inbound call with a transfer or a disconnect"),
            ),
            NodeBody::EndModule => {}
            NodeBody::Invoke(_) if self.document.flow.flow_type.is_module() => self.push(
                Diagnostic::error(Code::ModuleCallsModule, "a common module cannot call another common module")
                    .with_node(&node.id)
                    .with_field("module")
                    .with_hint(
                        "call both modules from the flow, one after the other, or move the logic into this module",
                    ),
            ),
            NodeBody::Play { prompt } => self.prompt(node, prompt),
            NodeBody::Menu { prompt, choices } => self.menu(node, prompt, choices),
            NodeBody::Decision { expression } => {
                self.expression(node, Field::Name("expression"), expression);
            }
            NodeBody::SetVariable { variable, expression } => {
                self.write_target(node, Field::Name("variable"), variable);
                self.expression(node, Field::Name("expression"), expression);
            }
            NodeBody::Invoke(call) => self.invoke(node, call),
            NodeBody::DataAction(call) => self.data_action(node, call),
            NodeBody::Transfer { queue } => self.transfer(node, queue),
            NodeBody::Task { .. } | NodeBody::JumpToTask | NodeBody::JumpToMenu | NodeBody::CallTask => {}
            NodeBody::Archy(action) => {
                self.archy_action(node, &action.action);
                self.kept_references(node);
            }
            NodeBody::Step(step) => self.step(node, step),
        }
    }

    fn prompt(&mut self, node: &Node, prompt: &str) {
        if prompt.trim().is_empty() {
            self.push(
                Diagnostic::warning(Code::EmptyPrompt, "the prompt is empty: the caller hears nothing")
                    .with_node(&node.id)
                    .with_field("prompt"),
            );
        }
    }

    fn menu(&mut self, node: &Node, prompt: &str, choices: &[MenuChoice]) {
        self.prompt(node, prompt);
        if choices.is_empty() {
            self.push(
                Diagnostic::error(Code::MissingPath, "the menu has no choices: the caller cannot go anywhere")
                    .with_node(&node.id)
                    .with_field("choices"),
            );
        }
        // Per digit slot, the first choice that uses it.
        let mut seen: [Option<usize>; 12] = [None; 12];
        for (index, choice) in choices.iter().enumerate() {
            let Some(PortName::Digit(slot)) = PortName::of_digit(&choice.digit) else {
                self.push(
                    Diagnostic::error(Code::InvalidDocument, format!("\"{}\" is not a menu digit", choice.digit))
                        .with_node(&node.id)
                        .with_field(format!("choices[{index}].digit"))
                        .with_hint("a digit is one of 0-9, * or #"),
                );
                continue;
            };
            let cell = &mut seen[usize::from(slot).min(11)];
            // Like a map insert: the latest choice with the digit is the one the next repeat names.
            if let Some(first) = cell.replace(index) {
                self.push(
                    Diagnostic::error(
                        Code::DuplicateMenuDigit,
                        format!("digit {} is used by choice {} and choice {}", choice.digit, first + 1, index + 1),
                    )
                    .with_node(&node.id)
                    .with_field(format!("choices[{index}].digit")),
                );
            }
        }
    }

    /// Checks a required expression and the flow variables it reads. Returns its shape when well formed.
    fn expression<'e>(&mut self, node: &Node, field: Field<'_>, text: &'e str) -> Option<Shape<'e>> {
        if let Err(error) = expression::check(text) {
            self.push(
                Diagnostic::error(Code::BadExpression, error.to_string()).with_node(&node.id).with_field(field.text()),
            );
            return None;
        }
        for variable in expression::scoped_variables(text, self.scope) {
            self.read(node, field, variable);
        }
        Some(expression::shape(text))
    }

    fn read(&mut self, node: &Node, field: Field<'_>, variable: &str) {
        if !self.variable_types.contains_key(variable) {
            let hint = self.hints.did_you_mean(variable, variable_names(self.document), Some(self.scope));
            self.push(
                Diagnostic::warning(
                    Code::UndeclaredVariable,
                    format!("{variable} is read but not declared in flow.variables"),
                )
                .with_node(&node.id)
                .with_field(field.text())
                .with_hint(hint.unwrap_or_else(|| format!("declare {variable} in the variables panel"))),
            );
        }
    }

    /// A variable written by the node: must be `Flow.x` (or `Task.x`, a variable a task of an
    /// imported flow declares), and should be declared.
    fn write_target(&mut self, node: &Node, field: Field<'_>, target: &str) {
        if expression::is_scoped_name(target, "Task") {
            if !self.task_variables().iter().any(|name| name == target) {
                self.push(
                    Diagnostic::warning(
                        Code::UndeclaredVariable,
                        format!("{target} is written but no task declares it"),
                    )
                    .with_node(&node.id)
                    .with_field(field.text())
                    .with_hint("declare it in the task's variables, or use a Flow. variable"),
                );
            }
            return;
        }
        if !expression::is_scoped_name(target, self.scope) {
            let message = if target.is_empty() {
                "no variable is chosen to receive the value".to_owned()
            } else {
                format!("\"{target}\" is not a {} variable name", self.scope)
            };
            self.push(
                Diagnostic::error(Code::InvalidVariableName, message)
                    .with_node(&node.id)
                    .with_field(field.text())
                    .with_hint(flow_name_hint(target, self.scope)),
            );
        } else if !self.variable_types.contains_key(target) {
            let hint = self.hints.did_you_mean(target, variable_names(self.document), Some(self.scope));
            self.push(
                Diagnostic::warning(
                    Code::UndeclaredVariable,
                    format!("{target} is written but not declared in flow.variables"),
                )
                .with_node(&node.id)
                .with_field(field.text())
                .with_hint(hint.unwrap_or_else(|| format!("declare {target} in the variables panel"))),
            );
        }
    }

    fn invoke(&mut self, node: &Node, call: &ModuleCall) {
        let name = call.module.as_str();
        if name.trim().is_empty() {
            self.push(
                Diagnostic::error(Code::UnknownModule, "no common module is chosen")
                    .with_node(&node.id)
                    .with_field("module")
                    .with_hint("pick a module from the catalog"),
            );
            return;
        }
        let Some(&module) = self.modules.get(name) else {
            let hint = self.hints.did_you_mean(name, self.document.modules.iter().map(|m| m.name.as_str()), None);
            self.push(
                Diagnostic::error(
                    Code::UnknownModule,
                    format!("no common module named \"{name}\" in the catalog (the platform answers 404)"),
                )
                .with_node(&node.id)
                .with_field("module")
                .with_hint(
                    hint.unwrap_or_else(|| {
                        "load the org's modules, or add the module to the catalog by hand".to_owned()
                    }),
                ),
            );
            return;
        };
        if module.unknown_contract {
            return;
        }
        self.module_state(node, call, module);
        self.module_inputs(node, &call.inputs, module);
        self.module_outputs(node, &call.outputs, module);
    }

    fn module_state(&mut self, node: &Node, call: &ModuleCall, module: &Module) {
        if module.module_type == ModuleType::Workflow {
            self.push(
                Diagnostic::error(
                    Code::ModuleIncompatible,
                    format!(
                        "\"{}\" is a workflow: a call flow cannot call it; workflows are started with POST /api/v2/flows/executions",
                        module.name
                    ),
                )
                .with_node(&node.id)
                .with_field("module")
                .with_hint("move the shared logic into a common module"),
            );
        } else if !module.compatible_flow_types.iter().any(|flow_type| flow_type.eq_ignore_ascii_case(FLOW_TYPE)) {
            let types = if module.compatible_flow_types.is_empty() {
                "no flow types".to_owned()
            } else {
                module.compatible_flow_types.join(", ")
            };
            self.push(
                Diagnostic::error(
                    Code::ModuleIncompatible,
                    format!("\"{}\" is compatible with {types}, not with inbound call flows", module.name),
                )
                .with_node(&node.id)
                .with_field("module")
                .with_hint("add Inbound Call to the module's compatible flow types in Architect and republish it"),
            );
        }
        let published = module.published && module.published_version.is_some();
        if !published && module.authored {
            // Not a blocker: a project deploy publishes its modules before the flows that call them.
            self.push(
                Diagnostic::warning(
                    Code::ModuleNotDeployed,
                    format!(
                        "\"{}\" is a module of this project that has not been deployed yet; a flow can only call a published module",
                        module.name
                    ),
                )
                .with_node(&node.id)
                .with_field("module")
                .with_hint("deploy the project: modules are published first, then the flows that call them"),
            );
            return;
        }
        if !published {
            self.push(
                Diagnostic::error(
                    Code::ModuleNotPublished,
                    format!("\"{}\" has no published version; a flow can only call a published module", module.name),
                )
                .with_node(&node.id)
                .with_field("module")
                .with_hint("publish the module in Architect, then reload the catalog"),
            );
            return;
        }
        let version = call.version.as_deref().unwrap_or("latest");
        let known = version == "latest"
            || module.published_version.as_deref() == Some(version)
            || module.versions.iter().any(|v| v == version);
        if !known {
            let mut versions: Vec<&str> = module.versions.iter().map(String::as_str).collect();
            if let Some(latest) = module.published_version.as_deref() {
                if !versions.contains(&latest) {
                    versions.push(latest);
                }
            }
            self.push(
                Diagnostic::error(
                    Code::ModuleNotPublished,
                    format!("\"{}\" has no published version \"{version}\"", module.name),
                )
                .with_node(&node.id)
                .with_field("version")
                .with_hint(format!("use \"latest\" or one of: {}", versions.join(", "))),
            );
        }
    }

    fn module_inputs(&mut self, node: &Node, inputs: &Mapping, module: &Module) {
        let scope = module.module_type.scope();
        for (key, value) in inputs {
            let field = Field::Keyed("inputs", key);
            let Some(parameter) = module.inputs.iter().find(|p| &p.name == key) else {
                let hint = self.hints.did_you_mean(key, module.inputs.iter().map(|p| p.name.as_str()), Some(scope));
                self.push(
                    Diagnostic::error(Code::UnknownInput, format!("module \"{}\" has no input \"{key}\"", module.name))
                        .with_node(&node.id)
                        .with_field(field.text())
                        .with_hint_opt(hint),
                );
                continue;
            };
            let Some(shape) = self.expression(node, field, value) else {
                continue;
            };
            let actual = match shape {
                Shape::Literal(base) => Some(TypeName::scalar(base)),
                Shape::Variable(variable) => {
                    self.variable_types.get(variable).copied().or_else(|| expression::builtin_type(variable))
                }
                Shape::NotSet => {
                    if parameter.required {
                        self.push(
                            Diagnostic::error(
                                Code::InputTypeMismatch,
                                format!("{key} is required, so it cannot be NOT_SET"),
                            )
                            .with_node(&node.id)
                            .with_field(field.text()),
                        );
                    }
                    None
                }
                Shape::Other => None,
            };
            if let Some(actual) = actual {
                if !expression::assignable(parameter.value_type, actual) {
                    self.push(
                        Diagnostic::error(
                            Code::InputTypeMismatch,
                            format!(
                                "{key} is {}, but {} is {}",
                                parameter.value_type.with_article(),
                                value.trim(),
                                actual.with_article()
                            ),
                        )
                        .with_node(&node.id)
                        .with_field(field.text())
                        .with_hint_opt(conversion_hint(parameter.value_type, actual)),
                    );
                }
            }
        }
        for parameter in module.inputs.iter().filter(|p| p.required) {
            if !inputs.contains_key(&parameter.name) {
                self.push(
                    Diagnostic::error(
                        Code::MissingRequiredInput,
                        format!(
                            "module \"{}\" requires the input {} ({})",
                            module.name, parameter.name, parameter.value_type
                        ),
                    )
                    .with_node(&node.id)
                    .with_field(format!("inputs.{}", parameter.name)),
                );
            }
        }
    }

    fn module_outputs(&mut self, node: &Node, outputs: &Mapping, module: &Module) {
        let scope = module.module_type.scope();
        for (key, target) in outputs {
            let field = Field::Keyed("outputs", key);
            if !module.outputs.iter().any(|p| &p.name == key) {
                let hint = self.hints.did_you_mean(key, module.outputs.iter().map(|p| p.name.as_str()), Some(scope));
                self.push(
                    Diagnostic::error(
                        Code::UnknownOutput,
                        format!("module \"{}\" has no output \"{key}\"", module.name),
                    )
                    .with_node(&node.id)
                    .with_field(field.text())
                    .with_hint_opt(hint),
                );
            }
            self.write_target(node, field, target);
        }
    }

    fn data_action(&mut self, node: &Node, call: &DataActionCall) {
        if let Some(timeout) = call.timeout_seconds {
            if !(1..=60).contains(&timeout) {
                self.push(
                    Diagnostic::error(
                        Code::InvalidTimeout,
                        format!("timeoutSeconds is {timeout}; a data action waits 1 to 60 seconds"),
                    )
                    .with_node(&node.id)
                    .with_field("timeoutSeconds"),
                );
            }
        }
        for (key, value) in &call.inputs {
            self.expression(node, Field::Keyed("inputs", key), value);
        }
        for (key, target) in &call.outputs {
            self.write_target(node, Field::Keyed("outputs", key), target);
        }
    }

    /// A table-described kind: each field by its input, then the kind's own rules.
    fn step(&mut self, node: &Node, step: &Step) {
        let voicemail_user = (step.kind == NodeKind::TransferToVoicemail)
            .then(|| step.get(FieldId::User).unwrap_or_default().trim())
            .filter(|user| !user.is_empty());
        for (spec, value) in step.kind.spec().fields.iter().zip(&step.values) {
            let field = Field::Name(spec.id.wire_name());
            match (spec.id, spec.input) {
                // A voicemail goes to a queue's or a person's mailbox: one of the two.
                (FieldId::Queue, _) if voicemail_user.is_some() && value.trim().is_empty() => {}
                (FieldId::User, _)
                    if voicemail_user.is_some() && !step.get(FieldId::Queue).unwrap_or_default().trim().is_empty() =>
                {
                    self.push(
                        Diagnostic::error(
                            Code::AmbiguousDestination,
                            format!("\"{}\" names both a queue and a user; a voicemail goes to one", node.label),
                        )
                        .with_node(&node.id)
                        .with_field(field.text())
                        .with_hint("clear the queue to leave the message with the user, or clear the user"),
                    )
                }
                (FieldId::User, _) if step.kind == NodeKind::TransferToVoicemail => {}
                (FieldId::Queue, _) => self.transfer(node, value),
                (FieldId::DurationSeconds, _) if !value.trim().parse::<u32>().is_ok_and(|seconds| seconds >= 1) => self
                    .push(
                        Diagnostic::error(
                            Code::BadDuration,
                            format!(
                                "wait \"{}\" seconds: a wait is a whole number of seconds, 1 or more",
                                value.trim()
                            ),
                        )
                        .with_node(&node.id)
                        .with_field(field.text()),
                    ),
                (FieldId::DurationSeconds, _) => {}
                (FieldId::Prompt, _) => self.prompt(node, value),
                (FieldId::Variable, _) if value.trim().is_empty() => self.push(
                    Diagnostic::error(
                        Code::MissingInputVariable,
                        format!(
                            "{} \"{}\" has no variable to store what the caller enters",
                            node.kind().title(),
                            node.label
                        ),
                    )
                    .with_node(&node.id)
                    .with_field(field.text())
                    .with_hint("a Flow. variable, such as Flow.accountNumber"),
                ),
                (FieldId::IndexVariable, _) if value.trim().is_empty() => {}
                (_, FieldInput::Lines) => {
                    for (position, case) in node.body.cases().enumerate() {
                        let field = format!("cases[{position}]");
                        if let Err(error) = expression::check(case) {
                            self.push(
                                Diagnostic::error(Code::BadExpression, error.to_string())
                                    .with_node(&node.id)
                                    .with_field(field),
                            );
                        } else {
                            for variable in expression::scoped_variables(case, self.scope) {
                                self.read(node, Field::Keyed("cases", variable), variable);
                            }
                        }
                    }
                }
                (_, FieldInput::Pairs) => {
                    for (name, item) in crate::archy_codec::pairs(value) {
                        if name.is_empty() {
                            self.push(
                                Diagnostic::error(
                                    Code::EmptyAttributeName,
                                    format!("an attribute of \"{}\" has no name", node.label),
                                )
                                .with_node(&node.id)
                                .with_field(field.text())
                                .with_hint("write each attribute as name = value, one per line"),
                            );
                        } else if step.kind == NodeKind::GetParticipantData {
                            self.write_target(node, Field::Keyed("attributes", &name), &item);
                        } else {
                            self.expression(node, Field::Keyed("attributes", &name), &item);
                        }
                    }
                }
                (_, FieldInput::VariableTarget) => self.write_target(node, field, value),
                (_, FieldInput::Expression) => {
                    if let Some(Shape::Literal(crate::document::ValueType::String)) =
                        self.expression(node, field, value)
                    {
                        if spec.id == FieldId::Number && !is_phone_number(value) {
                            self.push(
                                Diagnostic::error(
                                    Code::BadNumber,
                                    format!("{value} is not a phone number: digits, with an optional + and spaces or dashes"),
                                )
                                .with_node(&node.id)
                                .with_field(field.text())
                                .with_hint("\"+13175550100\", or an expression such as ToPhoneNumber(Flow.number)"),
                            );
                        }
                    }
                }
                (FieldId::MinDigits | FieldId::MaxDigits, _) => {}
                _ if value.trim().is_empty() => self.push(
                    Diagnostic::error(
                        Code::MissingTarget,
                        format!("{} \"{}\" names no {}", node.kind().title(), node.label, spec.label.to_lowercase()),
                    )
                    .with_node(&node.id)
                    .with_field(field.text()),
                ),
                _ => {}
            }
        }
        if step.kind == NodeKind::CollectInput {
            let digits = |field| step.get(field).and_then(|v| v.trim().parse::<u32>().ok());
            match (digits(FieldId::MinDigits), digits(FieldId::MaxDigits)) {
                (Some(min), Some(max)) if (1..=50).contains(&min) && (min..=50).contains(&max) => {}
                (min, max) => self.push(
                    Diagnostic::error(
                        Code::BadDigitRange,
                        match (min, max) {
                            (Some(min), Some(max)) => {
                                format!("collect {min} to {max} digits: the range must be 1 to 50, fewest first")
                            }
                            _ => "the fewest and most digits must be whole numbers from 1 to 50".to_owned(),
                        },
                    )
                    .with_node(&node.id)
                    .with_field(if min.is_none() { "minDigits" } else { "maxDigits" }),
                ),
            }
        }
    }

    /// The task and menu references an action kept as written holds must name a task or a menu of
    /// the flow (the export writes them as they are).
    fn kept_references(&mut self, node: &Node) {
        let Some(keys) = node.archy_keys() else { return };
        let mut references = Vec::new();
        collect_in_map(keys, &mut references);
        if references.is_empty() {
            return;
        }
        let units = self.unit_refs();
        let unknown: Vec<(&str, String)> = references
            .into_iter()
            .filter(|(_, reference)| {
                !crate::archy_codec::ref_id_of(reference).is_some_and(|id| units.iter().any(|u| u == id))
            })
            .collect();
        for (key, reference) in unknown {
            {
                self.push(
                    Diagnostic::error(
                        Code::UnresolvedReference,
                        format!("{key} \"{reference}\" names no task or menu of this flow"),
                    )
                    .with_node(&node.id)
                    .with_field(key)
                    .with_hint("name a task's or menu's refId, as /inboundCall/tasks/task[refId]"),
                );
            }
        }
    }

    /// The `Task.` variables the flow's tasks declare (an imported task keeps its `variables`),
    /// gathered on first use.
    fn task_variables(&mut self) -> &[String] {
        let document = self.document;
        self.tasks.get_or_insert_with(|| {
            document.flow.nodes.iter().flat_map(Node::task_variables).map(|(_, name)| name.to_owned()).collect()
        })
    }

    /// The refIds of the flow's tasks and menus, gathered on first use.
    fn unit_refs(&mut self) -> &[String] {
        let document = self.document;
        self.units.get_or_insert_with(|| {
            document
                .flow
                .nodes
                .iter()
                .filter(|n| matches!(n.kind(), NodeKind::Task | NodeKind::Menu))
                .map(crate::export::archy::unit_ref_id)
                .collect()
        })
    }

    /// An Archy action is named by its key: letters and digits, starting with a letter.
    fn archy_action(&mut self, node: &Node, action: &str) {
        if !expression::is_identifier(action) {
            self.push(
                Diagnostic::error(
                    Code::InvalidDocument,
                    if action.is_empty() {
                        "the Archy action has no action key".to_owned()
                    } else {
                        format!("\"{action}\" is not an Archy action key")
                    },
                )
                .with_node(&node.id)
                .with_field("archyAction")
                .with_hint("an action key such as evaluateScheduleGroup"),
            );
        }
    }

    fn transfer(&mut self, node: &Node, queue: &str) {
        let queue = queue.trim();
        if queue.is_empty() {
            self.push(
                Diagnostic::error(Code::MissingQueue, "the transfer names no queue")
                    .with_node(&node.id)
                    .with_field("queue"),
            );
            return;
        }
        let queues = &self.document.queues;
        if !queues.is_empty() && !queues.iter().any(|q| q.name == queue) {
            let hint = self.hints.did_you_mean(queue, queues.iter().map(|q| q.name.as_str()), None);
            self.push(
                Diagnostic::error(Code::MissingQueue, format!("no queue named \"{queue}\" in the queue catalog"))
                    .with_node(&node.id)
                    .with_field("queue")
                    .with_hint_opt(hint),
            );
        }
    }

    fn edges(&mut self) {
        let flow = &self.document.flow;
        let index = self.index;
        self.hints = Hints::default();
        for (position, (edge, ends)) in flow.edges.iter().zip(index.edges()).enumerate() {
            for (end, id, found) in [("from", &edge.from, ends.from), ("to", &edge.to, ends.to)] {
                if found.is_none() {
                    let hint = self.hints.did_you_mean(id, flow.nodes.iter().map(|n| n.id.as_str()), None);
                    self.push(
                        Diagnostic::error(Code::DanglingEdge, format!("edge {end} \"{id}\": no node has that id"))
                            .with_edge(position)
                            .with_field(end)
                            .with_hint_opt(hint),
                    );
                }
            }
            let Some(from) = ends.from else { continue };
            let source = &flow.nodes[from as usize];
            let port = edge.port_name();
            match ends.state {
                EdgeState::UnknownPort => {
                    let kind = source.kind().as_str();
                    let ports: Vec<&str> = source.ports().map(|p| p.name.as_str()).collect();
                    let message = if edge.port.is_none() {
                        format!("an edge from a {kind} node must name its port")
                    } else {
                        format!("a {kind} node has no port \"{port}\"")
                    };
                    let hint = if ports.is_empty() {
                        format!("a {kind} node has no outputs")
                    } else {
                        crate::hint::did_you_mean(port, ports.iter().copied(), None)
                            .unwrap_or_else(|| format!("its ports are: {}", ports.join(", ")))
                    };
                    self.push(
                        Diagnostic::error(Code::UnknownPort, message)
                            .with_node(&source.id)
                            .with_edge(position)
                            .with_field("port")
                            .with_hint(hint),
                    );
                }
                EdgeState::DuplicatePort => self.push(
                    Diagnostic::error(
                        Code::DuplicatePortEdge,
                        format!("port \"{port}\" of \"{}\" already has an edge; a port holds one", source.id),
                    )
                    .with_node(&source.id)
                    .with_edge(position)
                    .with_field("port"),
                ),
                EdgeState::IntoStart => {
                    let target = ends.to.map_or("", |to| flow.nodes[to as usize].id.as_str());
                    self.push(
                        Diagnostic::error(
                            Code::EdgeIntoStart,
                            "an edge enters the start node; the flow only begins there",
                        )
                        .with_node(target)
                        .with_edge(position)
                        .with_field("to"),
                    );
                }
                EdgeState::Link | EdgeState::DanglingFrom | EdgeState::DanglingTo => {}
            }
        }
    }

    fn required_ports(&mut self, position: usize) {
        let node = &self.document.flow.nodes[position];
        if !self.index.is_first(position) {
            return;
        }
        if node.kind() == NodeKind::DataAction && self.index.used_ports(position) & PortName::Timeout.bit() == 0 {
            self.push(
                Diagnostic::warning(
                    Code::UnhandledTimeout,
                    format!(
                        "data action \"{}\" has nothing on its timeout path: on a timeout the call goes on with the next action, with the action's outputs unset",
                        node.label
                    ),
                )
                .with_node(&node.id)
                .with_field("ports.timeout")
                .with_hint("connect the timeout port, or check the outputs before using them"),
            );
        }
        let wanted = match node.kind() {
            NodeKind::JumpToTask | NodeKind::CallTask => Some(NodeKind::Task),
            NodeKind::JumpToMenu => Some(NodeKind::Menu),
            _ => None,
        };
        if let (Some(wanted), Some(target)) = (wanted, self.index.target(position, PortName::Target)) {
            let found = self.document.flow.nodes[target].kind();
            if found != wanted {
                self.push(
                    Diagnostic::error(
                        Code::JumpTarget,
                        format!(
                            "{} \"{}\" leads to a {} node; it can only lead to a {} node",
                            node.kind().title(),
                            node.label,
                            found.as_str(),
                            wanted.as_str()
                        ),
                    )
                    .with_node(&node.id)
                    .with_field("ports.target"),
                );
            }
        }
        let missing = self.index.missing_required(position);
        if missing == 0 {
            return;
        }
        for port in node.ports().filter(|port| port.required) {
            if missing & port.name.bit() != 0 {
                self.push(
                    Diagnostic::error(
                        Code::MissingPath,
                        format!(
                            "{} \"{}\" has nothing connected to \"{}\"",
                            node.kind().title(),
                            node.label,
                            port.name
                        ),
                    )
                    .with_node(&node.id)
                    .with_field(format!("ports.{}", port.name)),
                );
            }
        }
    }

    /// Call Common Module has no failure path of its own: every invoke `error` edge must lead to the
    /// one node that becomes the flow's error handler.
    fn error_handlers(&mut self) {
        let flow = &self.document.flow;
        let mut handler: Option<&str> = None;
        for (index, (edge, ends)) in flow.edges.iter().zip(self.index.edges()).enumerate() {
            if edge.port.as_deref() != Some("error") {
                continue;
            }
            let is_invoke = ends.from.is_some_and(|i| flow.nodes[i as usize].kind() == NodeKind::Invoke);
            if !is_invoke {
                continue;
            }
            match handler {
                None => handler = Some(&edge.to),
                Some(first) if first != edge.to => self.push(
                    Diagnostic::error(
                        Code::ConflictingErrorHandlers,
                        format!(
                            "this error path leads to \"{}\", another to \"{first}\"; a failure in any common module goes to the flow's single error handler",
                            edge.to
                        ),
                    )
                    .with_node(&edge.from)
                    .with_edge(index)
                    .with_field("to")
                    .with_hint(format!("connect every error port to \"{first}\"")),
                ),
                Some(_) => {}
            }
        }
    }

    /// Which nodes can reach an exit, when the flow has a start node (the graph checks need one).
    ///
    /// Exits: terminal nodes, and nodes with a missing required port (already reported as
    /// missing-path; counting them as exits keeps one mistake from being reported twice). Then
    /// everything that leads to an exit, walking the links backwards.
    fn can_exit(&self) -> Option<Vec<bool>> {
        self.start?;
        let flow = &self.document.flow;
        let index = self.index;
        let mut can_exit = vec![false; flow.nodes.len()];
        let mut stack = Vec::new();
        for (position, node) in flow.nodes.iter().enumerate() {
            let missing_required = index.missing_required(position) != 0;
            if node.kind().is_terminal() || missing_required {
                can_exit[position] = true;
                stack.push(position);
            }
        }
        while let Some(node) = stack.pop() {
            for (_, source) in index.links_into(node) {
                if !can_exit[source] {
                    can_exit[source] = true;
                    stack.push(source);
                }
            }
        }
        Some(can_exit)
    }

    fn unreachable(&mut self, position: usize) {
        let node = &self.document.flow.nodes[position];
        if !self.index.is_reachable(position) && node.kind() != NodeKind::Start && self.index.is_first(position) {
            self.push(
                Diagnostic::warning(
                    Code::UnreachableNode,
                    format!("no path from the start reaches \"{}\"", node.label),
                )
                .with_node(&node.id),
            );
        }
    }

    /// Reports each loop among the stuck nodes (reachable, and no exit ahead) once, pinned to its
    /// first node in document order.
    fn endless_loops(&mut self, can_exit: &[bool]) {
        let flow = &self.document.flow;
        let index = self.index;
        let stuck: Vec<usize> = (0..flow.nodes.len()).filter(|&i| index.is_reachable(i) && !can_exit[i]).collect();
        if stuck.is_empty() {
            return;
        }
        const NONE: u32 = u32::MAX;
        let mut position = vec![NONE; flow.nodes.len()];
        let mut sub: DiGraph<usize, ()> = DiGraph::with_capacity(stuck.len(), stuck.len());
        for &node in &stuck {
            position[node] = u32::try_from(sub.add_node(node).index()).unwrap_or(NONE);
        }
        for &node in &stuck {
            for (_, target) in index.links_from(node) {
                if position[target] != NONE {
                    let a = petgraph::graph::NodeIndex::new(position[node] as usize);
                    let b = petgraph::graph::NodeIndex::new(position[target] as usize);
                    sub.add_edge(a, b, ());
                }
            }
        }
        let mut components = petgraph::algo::tarjan_scc(&sub);
        components
            .retain(|component| component.len() > 1 || component.first().is_some_and(|&n| sub.contains_edge(n, n)));
        let mut loops: Vec<Vec<usize>> = components
            .into_iter()
            .map(|component| {
                let mut members: Vec<usize> = component.into_iter().map(|n| sub[n]).collect();
                members.sort_unstable();
                members
            })
            .collect();
        loops.sort();
        for members in loops {
            let names: Vec<&str> = members.iter().map(|&i| flow.nodes[i].id.as_str()).collect();
            let first = &flow.nodes[members[0]];
            self.push(
                Diagnostic::error(
                    Code::NoExitLoop,
                    format!(
                        "the call can go round {} forever: no transfer or disconnect can be reached from it",
                        names.join(" → ")
                    ),
                )
                .with_node(&first.id)
                .with_hint("give the loop a way out, e.g. a decision that leads to a transfer or disconnect"),
            );
        }
    }
}

/// A finding's field, formatted only when a finding is made (validation of a clean flow allocates none).
#[derive(Clone, Copy)]
enum Field<'k> {
    Name(&'static str),
    Keyed(&'static str, &'k str),
}

impl Field<'_> {
    fn text(self) -> String {
        match self {
            Field::Name(name) => name.to_owned(),
            Field::Keyed(prefix, key) => format!("{prefix}.{key}"),
        }
    }
}

/// Every `targetTaskRef` / `targetMenuRef` string under `value`, with its key.
fn collect_references(value: &serde_json::Value, found: &mut Vec<(&'static str, String)>) {
    match value {
        serde_json::Value::Object(map) => collect_in_map(map, found),
        serde_json::Value::Array(items) => items.iter().for_each(|item| collect_references(item, found)),
        _ => {}
    }
}

fn collect_in_map(map: &crate::document::ArchyKeys, found: &mut Vec<(&'static str, String)>) {
    for (key, child) in map {
        match (key.as_str(), child) {
            ("targetTaskRef", serde_json::Value::String(text)) => found.push(("targetTaskRef", text.clone())),
            ("targetMenuRef", serde_json::Value::String(text)) => found.push(("targetMenuRef", text.clone())),
            _ => collect_references(child, found),
        }
    }
}

/// A string literal that can be dialled: `"+1 317-555-0100"` (quotes included), digits with an
/// optional leading `+`, and spaces, dashes, dots or parentheses between.
fn is_phone_number(literal: &str) -> bool {
    let inner = literal.trim().trim_matches('"');
    let digits = inner.chars().filter(char::is_ascii_digit).count();
    let body = inner.strip_prefix('+').unwrap_or(inner);
    (3..=20).contains(&digits) && body.chars().all(|c| c.is_ascii_digit() || " -.()".contains(c))
}

/// Node ids: 1 to 64 characters of `A-Z a-z 0-9 _ -`.
pub fn is_valid_node_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn variable_names(document: &Document) -> impl ExactSizeIterator<Item = &str> {
    document.flow.variables.iter().map(|variable| variable.name.as_str())
}

fn flow_name_hint(name: &str, scope: &str) -> String {
    let bare = name.rsplit('.').next().unwrap_or(name);
    let whose = if scope == "Flow" { "flow" } else { "a common module's" };
    if expression::is_identifier(bare) {
        format!("{whose} variables are written {scope}.<name>, e.g. \"{scope}.{bare}\"")
    } else {
        format!("{whose} variables are written {scope}.<letter, then letters, digits or _>")
    }
}

fn conversion_hint(expected: TypeName, actual: TypeName) -> Option<String> {
    use crate::document::ValueType as T;
    if expected.list || actual.list {
        return None;
    }
    let function = match expected.base {
        T::String => "ToString",
        T::Integer => "ToInt",
        T::Decimal => "ToDecimal",
        T::Boolean => "ToBool",
        T::Date => "ToDate",
        T::DateTime => "ToDateTime",
        T::Duration => "ToDuration",
    };
    Some(format!("convert it, e.g. {function}(...), or pass {}", expected.with_article()))
}
