//! `validate(&Document) -> Vec<Diagnostic>`: every finding of spec §3, pinned to node, edge and field.
//!
//! Invariants: never panics, never stops at the first problem, and runs in time linear in
//! nodes + edges (hash maps keyed by borrowed ids; one BFS forward, one backward; SCCs only over the
//! nodes already known to be stuck).

use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::VecDeque;

use petgraph::visit::{Bfs, Reversed, Visitable};
use rustc_hash::FxHashSet;

/// Node ids, variable and module names are keyed with foldhash at a fixed seed: deterministic (no
/// randomness in the core) and well spread. FxHash clustered on ids such as `b12_menu`, `b12_play`,
/// which made validation superlinear.
type FxHashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

use crate::diagnostic::{Code, Diagnostic};
use crate::document::{
    is_menu_digit, kind_field_errors, Document, Module, ModuleType, Node, NodeKind, TypeName, FORMAT_V1,
};
use crate::expression::{self, Shape};
use crate::hint::did_you_mean;

/// The flow type every v1 module must be compatible with.
const FLOW_TYPE: &str = "inboundcall";

/// Validates a document and returns every finding, errors and warnings mixed, in document order.
pub fn validate(document: &Document) -> Vec<Diagnostic> {
    let mut validator = Validator::new(document);
    validator.document_shape();
    validator.flow_name();
    validator.variables();
    validator.catalog();
    validator.node_ids_and_start();
    validator.nodes();
    validator.edges();
    validator.required_ports();
    validator.error_handlers();
    validator.graph();
    validator.findings
}

struct Validator<'a> {
    document: &'a Document,
    findings: Vec<Diagnostic>,
    /// Node id → index of its first occurrence.
    node_index: FxHashMap<&'a str, usize>,
    /// Declared `Flow.` variables and their types.
    variable_types: FxHashMap<&'a str, TypeName>,
    modules: FxHashMap<&'a str, &'a Module>,
    /// The start node's index, when `startNodeId` names a start node.
    start: Option<usize>,
    /// Per node, the bit set of ports (by `Node::port_slot`) that carry an edge.
    used_ports: Vec<u32>,
    /// Per node, whether it is the first node with its id (later ones are duplicates).
    first: Vec<bool>,
    /// Valid edges as (from, to) node indices, for the graph pass.
    links: Vec<(usize, usize)>,
}

impl<'a> Validator<'a> {
    fn new(document: &'a Document) -> Self {
        let flow = &document.flow;
        let mut node_index = FxHashMap::default();
        node_index.reserve(flow.nodes.len());
        let mut first = Vec::with_capacity(flow.nodes.len());
        for (index, node) in flow.nodes.iter().enumerate() {
            let mut is_first = false;
            node_index.entry(node.id.as_str()).or_insert_with(|| {
                is_first = true;
                index
            });
            first.push(is_first);
        }
        let variable_types =
            flow.variables.iter().map(|variable| (variable.name.as_str(), variable.value_type)).collect();
        let mut modules = FxHashMap::default();
        for module in &document.modules {
            modules.entry(module.name.as_str()).or_insert(module);
        }
        Validator {
            document,
            findings: Vec::new(),
            node_index,
            variable_types,
            modules,
            start: None,
            used_ports: vec![0; flow.nodes.len()],
            first,
            links: Vec::with_capacity(flow.edges.len()),
        }
    }

    fn push(&mut self, finding: Diagnostic) {
        self.findings.push(finding);
    }

    /// Checks a parsed document cannot fail but a document built in memory can.
    fn document_shape(&mut self) {
        if self.document.format != FORMAT_V1 {
            self.push(
                Diagnostic::error(
                    Code::InvalidDocument,
                    format!("format is \"{}\", expected \"{FORMAT_V1}\"", self.document.format),
                )
                .with_field("format"),
            );
        }
        self.findings.extend(kind_field_errors(self.document));
        for (index, node) in self.document.flow.nodes.iter().enumerate() {
            if !node.x.is_finite() || !node.y.is_finite() {
                self.push(
                    Diagnostic::error(Code::InvalidDocument, "the position is not a finite number")
                        .with_node(&node.id)
                        .with_field(format!("flow.nodes[{index}].x")),
                );
            }
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
            if !expression::is_scoped_name(&variable.name, "Flow") {
                self.push(
                    Diagnostic::error(
                        Code::InvalidVariableName,
                        format!("\"{}\" is not a flow variable name", variable.name),
                    )
                    .with_field(format!("flow.variables[{index}].name"))
                    .with_hint(flow_name_hint(&variable.name)),
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
            if !self.first[index] {
                self.push(
                    Diagnostic::error(
                        Code::DuplicateNodeId,
                        format!("another node already has the id \"{}\"", node.id),
                    )
                    .with_node(&node.id)
                    .with_field(format!("flow.nodes[{index}].id")),
                );
            }
            if node.kind == NodeKind::Start {
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
        match self.node_index.get(start_id) {
            Some(&index) if flow.nodes[index].kind == NodeKind::Start => self.start = Some(index),
            Some(&index) => self.push(
                Diagnostic::error(
                    Code::MissingStart,
                    format!(
                        "startNodeId names \"{start_id}\", a {} node, not a start node",
                        flow.nodes[index].kind.as_str()
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

    fn nodes(&mut self) {
        let nodes = &self.document.flow.nodes;
        for node in nodes {
            match node.kind {
                NodeKind::Start | NodeKind::Disconnect => {}
                NodeKind::Play => self.prompt(node),
                NodeKind::Menu => self.menu(node),
                NodeKind::Decision => {
                    self.expression(node, Field::Name("expression"), node.expression.as_deref());
                }
                NodeKind::SetVariable => {
                    self.write_target(node, Field::Name("variable"), node.variable.as_deref());
                    self.expression(node, Field::Name("expression"), node.expression.as_deref());
                }
                NodeKind::Invoke => self.invoke(node),
                NodeKind::DataAction => self.data_action(node),
                NodeKind::Transfer => self.transfer(node),
            }
        }
    }

    fn prompt(&mut self, node: &Node) {
        if node.prompt.as_deref().is_none_or(|prompt| prompt.trim().is_empty()) {
            self.push(
                Diagnostic::warning(Code::EmptyPrompt, "the prompt is empty: the caller hears nothing")
                    .with_node(&node.id)
                    .with_field("prompt"),
            );
        }
    }

    fn menu(&mut self, node: &Node) {
        self.prompt(node);
        let choices = node.choices.as_deref().unwrap_or_default();
        if choices.is_empty() {
            self.push(
                Diagnostic::error(Code::MissingPath, "the menu has no choices: the caller cannot go anywhere")
                    .with_node(&node.id)
                    .with_field("choices"),
            );
        }
        let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
        for (index, choice) in choices.iter().enumerate() {
            if !is_menu_digit(&choice.digit) {
                self.push(
                    Diagnostic::error(Code::InvalidDocument, format!("\"{}\" is not a menu digit", choice.digit))
                        .with_node(&node.id)
                        .with_field(format!("choices[{index}].digit"))
                        .with_hint("a digit is one of 0-9, * or #"),
                );
            } else if let Some(first) = seen.insert(choice.digit.as_str(), index) {
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
    fn expression<'e>(&mut self, node: &Node, field: Field<'_>, text: Option<&'e str>) -> Option<Shape<'e>> {
        let text = text.unwrap_or("");
        if let Err(error) = expression::check(text) {
            self.push(
                Diagnostic::error(Code::BadExpression, error.to_string()).with_node(&node.id).with_field(field.text()),
            );
            return None;
        }
        for variable in expression::flow_variables(text) {
            self.read(node, field, variable);
        }
        Some(expression::shape(text))
    }

    fn read(&mut self, node: &Node, field: Field<'_>, variable: &str) {
        if !self.variable_types.contains_key(variable) {
            let hint = did_you_mean(variable, self.variable_names(), Some("Flow"));
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

    /// A variable written by the node: must be `Flow.x`, and should be declared.
    fn write_target(&mut self, node: &Node, field: Field<'_>, target: Option<&str>) {
        let target = target.unwrap_or("");
        if !expression::is_scoped_name(target, "Flow") {
            let message = if target.is_empty() {
                "no variable is chosen to receive the value".to_owned()
            } else {
                format!("\"{target}\" is not a flow variable name")
            };
            self.push(
                Diagnostic::error(Code::InvalidVariableName, message)
                    .with_node(&node.id)
                    .with_field(field.text())
                    .with_hint(flow_name_hint(target)),
            );
        } else if !self.variable_types.contains_key(target) {
            let hint = did_you_mean(target, self.variable_names(), Some("Flow"));
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

    fn variable_names(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.document.flow.variables.iter().map(|variable| variable.name.as_str())
    }

    fn invoke(&mut self, node: &Node) {
        let name = node.module.as_deref().unwrap_or("");
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
            let hint = did_you_mean(name, self.document.modules.iter().map(|m| m.name.as_str()), None);
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
        self.module_state(node, module);
        self.module_inputs(node, module);
        self.module_outputs(node, module);
    }

    fn module_state(&mut self, node: &Node, module: &Module) {
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
        let version = node.version.as_deref().unwrap_or("latest");
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

    fn module_inputs(&mut self, node: &Node, module: &Module) {
        let scope = module.module_type.scope();
        let empty = Default::default();
        let inputs = node.inputs.as_ref().unwrap_or(&empty);
        for (key, value) in inputs {
            let field = Field::Keyed("inputs", key);
            let Some(parameter) = module.inputs.iter().find(|p| &p.name == key) else {
                let hint = did_you_mean(key, module.inputs.iter().map(|p| p.name.as_str()), Some(scope));
                self.push(
                    Diagnostic::error(Code::UnknownInput, format!("module \"{}\" has no input \"{key}\"", module.name))
                        .with_node(&node.id)
                        .with_field(field.text())
                        .with_hint_opt(hint),
                );
                continue;
            };
            let Some(shape) = self.expression(node, field, Some(value)) else {
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

    fn module_outputs(&mut self, node: &Node, module: &Module) {
        let scope = module.module_type.scope();
        let Some(outputs) = &node.outputs else { return };
        for (key, target) in outputs {
            let field = Field::Keyed("outputs", key);
            if !module.outputs.iter().any(|p| &p.name == key) {
                let hint = did_you_mean(key, module.outputs.iter().map(|p| p.name.as_str()), Some(scope));
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
            self.write_target(node, field, Some(target));
        }
    }

    fn data_action(&mut self, node: &Node) {
        if let Some(timeout) = node.timeout_seconds {
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
        if let Some(inputs) = &node.inputs {
            for (key, value) in inputs {
                self.expression(node, Field::Keyed("inputs", key), Some(value));
            }
        }
        if let Some(outputs) = &node.outputs {
            for (key, target) in outputs {
                self.write_target(node, Field::Keyed("outputs", key), Some(target));
            }
        }
    }

    fn transfer(&mut self, node: &Node) {
        let queue = node.queue.as_deref().unwrap_or("").trim();
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
            let hint = did_you_mean(queue, queues.iter().map(|q| q.name.as_str()), None);
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
        for (index, edge) in flow.edges.iter().enumerate() {
            let from = self.node_index.get(edge.from.as_str()).copied();
            let to = self.node_index.get(edge.to.as_str()).copied();
            for (end, id, found) in [("from", &edge.from, from), ("to", &edge.to, to)] {
                if found.is_none() {
                    let hint = did_you_mean(id, flow.nodes.iter().map(|n| n.id.as_str()), None);
                    self.push(
                        Diagnostic::error(Code::DanglingEdge, format!("edge {end} \"{id}\": no node has that id"))
                            .with_edge(index)
                            .with_field(end)
                            .with_hint_opt(hint),
                    );
                }
            }
            let Some(from) = from else { continue };
            let source = &flow.nodes[from];
            let port = edge.port_name();
            let slot = source.port_slot(port).filter(|_| edge.port.is_some() || source.has_port("next"));
            let Some(slot) = slot else {
                let ports: Vec<String> = source.ports().into_iter().map(|p| p.name).collect();
                let message = if edge.port.is_none() {
                    format!("an edge from a {} node must name its port", source.kind.as_str())
                } else {
                    format!("a {} node has no port \"{port}\"", source.kind.as_str())
                };
                let hint = if ports.is_empty() {
                    format!("a {} node has no outputs", source.kind.as_str())
                } else {
                    did_you_mean(port, ports.iter().map(String::as_str), None)
                        .unwrap_or_else(|| format!("its ports are: {}", ports.join(", ")))
                };
                self.push(
                    Diagnostic::error(Code::UnknownPort, message)
                        .with_node(&source.id)
                        .with_edge(index)
                        .with_field("port")
                        .with_hint(hint),
                );
                continue;
            };
            if self.used_ports[from] & (1 << slot) != 0 {
                self.push(
                    Diagnostic::error(
                        Code::DuplicatePortEdge,
                        format!("port \"{port}\" of \"{}\" already has an edge; a port holds one", source.id),
                    )
                    .with_node(&source.id)
                    .with_edge(index)
                    .with_field("port"),
                );
                continue;
            }
            self.used_ports[from] |= 1 << slot;
            let Some(to) = to else { continue };
            if flow.nodes[to].kind == NodeKind::Start {
                self.push(
                    Diagnostic::error(Code::EdgeIntoStart, "an edge enters the start node; the flow only begins there")
                        .with_node(&flow.nodes[to].id)
                        .with_edge(index)
                        .with_field("to"),
                );
                continue;
            }
            self.links.push((from, to));
        }
    }

    fn required_ports(&mut self) {
        let flow = &self.document.flow;
        for (index, node) in flow.nodes.iter().enumerate() {
            let missing = node.required_port_mask() & !self.used_ports[index];
            if !self.first[index] || missing == 0 {
                continue;
            }
            for port in node.ports().into_iter().filter(|port| port.required) {
                if node.port_slot(&port.name).is_some_and(|slot| missing & (1 << slot) != 0) {
                    self.push(
                        Diagnostic::error(
                            Code::MissingPath,
                            format!(
                                "{} \"{}\" has nothing connected to \"{}\"",
                                node.kind.title(),
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
    }

    /// Call Common Module has no failure path of its own: every invoke `error` edge must lead to the
    /// one node that becomes the flow's error handler.
    fn error_handlers(&mut self) {
        let flow = &self.document.flow;
        let mut handler: Option<&str> = None;
        for (index, edge) in flow.edges.iter().enumerate() {
            if edge.port.as_deref() != Some("error") {
                continue;
            }
            let is_invoke =
                self.node_index.get(edge.from.as_str()).is_some_and(|&i| flow.nodes[i].kind == NodeKind::Invoke);
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

    fn graph(&mut self) {
        let Some(start) = self.start else { return };
        let flow = &self.document.flow;
        let count = flow.nodes.len();
        let mut graph: DiGraph<(), ()> = DiGraph::with_capacity(count, self.links.len());
        for _ in 0..count {
            graph.add_node(());
        }
        for &(from, to) in &self.links {
            graph.add_edge(NodeIndex::new(from), NodeIndex::new(to), ());
        }

        let mut reachable = vec![false; count];
        let mut bfs = Bfs::new(&graph, NodeIndex::new(start));
        while let Some(index) = bfs.next(&graph) {
            reachable[index.index()] = true;
        }

        // Exits: terminal nodes, and nodes with a missing required port (already reported as
        // missing-path; counting them as exits keeps one mistake from being reported twice).
        let mut can_exit = vec![false; count];
        let reversed = Reversed(&graph);
        let mut back = Bfs { stack: VecDeque::new(), discovered: reversed.visit_map() };
        for (index, node) in flow.nodes.iter().enumerate() {
            let missing_required = node.required_port_mask() & !self.used_ports[index] != 0;
            if node.kind.is_terminal() || missing_required {
                can_exit[index] = true;
                back.stack.push_back(NodeIndex::new(index));
                back.discovered.insert(index);
            }
        }
        while let Some(index) = back.next(reversed) {
            can_exit[index.index()] = true;
        }

        for (index, node) in flow.nodes.iter().enumerate() {
            if !reachable[index] && node.kind != NodeKind::Start && self.first[index] {
                self.push(
                    Diagnostic::warning(
                        Code::UnreachableNode,
                        format!("no path from the start reaches \"{}\"", node.label),
                    )
                    .with_node(&node.id),
                );
            }
        }

        let stuck: Vec<usize> = (0..count).filter(|&i| reachable[i] && !can_exit[i]).collect();
        if stuck.is_empty() {
            return;
        }
        self.endless_loops(&stuck);
    }

    /// Reports each loop among the stuck nodes once, pinned to its first node in document order.
    fn endless_loops(&mut self, stuck: &[usize]) {
        let flow = &self.document.flow;
        let mut position = FxHashMap::default();
        let mut sub: DiGraph<usize, ()> = DiGraph::with_capacity(stuck.len(), stuck.len());
        for &index in stuck {
            position.insert(index, sub.add_node(index));
        }
        for &(from, to) in &self.links {
            if let (Some(&a), Some(&b)) = (position.get(&from), position.get(&to)) {
                sub.add_edge(a, b, ());
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

/// Node ids: 1 to 64 characters of `A-Z a-z 0-9 _ -`.
pub fn is_valid_node_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn flow_name_hint(name: &str) -> String {
    let bare = name.rsplit('.').next().unwrap_or(name);
    if expression::is_identifier(bare) {
        format!("flow variables are written Flow.<name>, e.g. \"Flow.{bare}\"")
    } else {
        "flow variables are written Flow.<letter, then letters, digits or _>".to_owned()
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
