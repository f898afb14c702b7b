//! The v1 wire format: the serde types exactly as a `.flow.json` file holds them, the JSON Schema,
//! `parse` with precise errors, and the conversion to and from the model.
//!
//! On the wire a node is flat: its kind-specific fields are optional members next to `id` and
//! `kind`. A field that belongs to another kind is rejected ([`kind_field_errors`]). Conversion to
//! the model fills a missing text field with `""`; conversion back writes every field of the kind,
//! so a normalized document round-trips byte for byte.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::kind::{ArchyAction, DataActionCall, FieldId, ModuleCall, NodeBody, NodeKind, Step};
use super::{ArchyKeys, Carried, PortName};
use super::{Edge, FlowType, Mapping, MenuChoice, Module, Queue, Variable, FORMAT_V1};
use crate::diagnostic::{Code, Diagnostic};

/// A whole `.flow.json` document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "Callflow Studio flow document v1")]
pub struct Document {
    /// Always `"callflow/v1"`.
    #[schemars(extend("const" = "callflow/v1"))]
    pub format: String,
    pub flow: Flow,
    /// The catalog of common modules (and workflows) this flow may call.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modules: Vec<Module>,
    /// The queues a transfer may name. Empty means "not known": any queue name is accepted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub queues: Vec<Queue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Flow {
    pub name: String,
    #[serde(rename = "type")]
    pub flow_type: FlowType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The Architect division, by name. Absent: the org's home division (the Archy export then
    /// leaves `division` out, and Archy uses the home division, whatever the org calls it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub division: String,
    #[serde(default = "default_language")]
    pub default_language: String,
    pub start_node_id: String,
    /// What the caller hears first, as text to speech. Absent: no greeting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_greeting: Option<String>,
    /// A common module's compatible flow types, in lower case (`inboundcall`, `workflow`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compatible_flow_types: Vec<String>,
    #[serde(default)]
    pub variables: Vec<Variable>,
    #[serde(default)]
    pub nodes: Vec<Node>,
    #[serde(default)]
    pub edges: Vec<Edge>,
    /// An imported flow's Archy keys that the designer does not model, kept as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archy: Option<ArchyKeys>,
    /// Saved simulator runs (docs/simulator.md).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scenarios: Vec<super::Scenario>,
}

pub(crate) fn default_language() -> String {
    "en-us".to_owned()
}

/// A node as on the wire: kind-specific fields are optional here, and [`kind_field_errors`] rejects
/// the ones that do not belong to the node's kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Node {
    pub id: String,
    pub kind: NodeKind,
    #[serde(default)]
    pub label: String,
    pub x: f64,
    pub y: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<MenuChoice>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variable: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module_id: Option<String>,
    /// `"latest"` or a published version such as `"3.0"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs: Option<Mapping>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outputs: Option<Mapping>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// 1–60 seconds; 10 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// A task's Archy `refId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ref_id: Option<String>,
    /// An Archy action's key (`evaluateScheduleGroup`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archy_action: Option<String>,
    /// An Archy action's output paths that are ports, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paths: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule_group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_digits: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_digits: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loop_count: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_variable: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lookup_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// A wait's length in whole seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_seconds: Option<String>,
    /// Participant data: attribute name → expression (set) or `Flow.` variable (get), in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Mapping>,
    /// A switch's cases: one boolean expression each, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cases: Option<Vec<String>>,
    /// An imported action's Archy keys that the designer does not model, kept as written (any kind).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archy: Option<ArchyKeys>,
    /// The node that followed this one in its Archy action list (any kind).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

impl Node {
    /// The kind fields that are set, as on the wire.
    fn set_fields(&self) -> impl Iterator<Item = FieldId> + '_ {
        FieldId::ALL.into_iter().filter(|field| match field {
            FieldId::Prompt => self.prompt.is_some(),
            FieldId::Choices => self.choices.is_some(),
            FieldId::Expression => self.expression.is_some(),
            FieldId::Variable => self.variable.is_some(),
            FieldId::Module => self.module.is_some(),
            FieldId::ModuleId => self.module_id.is_some(),
            FieldId::Version => self.version.is_some(),
            FieldId::Inputs => self.inputs.is_some(),
            FieldId::Outputs => self.outputs.is_some(),
            FieldId::Category => self.category.is_some(),
            FieldId::Action => self.action.is_some(),
            FieldId::TimeoutSeconds => self.timeout_seconds.is_some(),
            FieldId::Queue => self.queue.is_some(),
            FieldId::RefId => self.ref_id.is_some(),
            FieldId::ArchyAction => self.archy_action.is_some(),
            FieldId::Paths => self.paths.is_some(),
            FieldId::Attributes => self.attributes.is_some(),
            FieldId::Cases => self.cases.is_some(),
            other => self.text_field(*other).is_some(),
        })
    }

    /// The wire slot of a text field of the table-described kinds.
    fn text_field(&self, field: FieldId) -> &Option<String> {
        match field {
            FieldId::Prompt => &self.prompt,
            FieldId::Variable => &self.variable,
            FieldId::Queue => &self.queue,
            FieldId::ScheduleGroup => &self.schedule_group,
            FieldId::MinDigits => &self.min_digits,
            FieldId::MaxDigits => &self.max_digits,
            FieldId::LoopCount => &self.loop_count,
            FieldId::IndexVariable => &self.index_variable,
            FieldId::Table => &self.table,
            FieldId::LookupKey => &self.lookup_key,
            FieldId::Number => &self.number,
            FieldId::FlowName => &self.flow_name,
            FieldId::Schedule => &self.schedule,
            FieldId::Script => &self.script,
            FieldId::User => &self.user,
            FieldId::Language => &self.language,
            FieldId::DurationSeconds => &self.duration_seconds,
            _ => &None,
        }
    }

    fn text_field_mut(&mut self, field: FieldId) -> Option<&mut Option<String>> {
        Some(match field {
            FieldId::Prompt => &mut self.prompt,
            FieldId::Variable => &mut self.variable,
            FieldId::Queue => &mut self.queue,
            FieldId::ScheduleGroup => &mut self.schedule_group,
            FieldId::MinDigits => &mut self.min_digits,
            FieldId::MaxDigits => &mut self.max_digits,
            FieldId::LoopCount => &mut self.loop_count,
            FieldId::IndexVariable => &mut self.index_variable,
            FieldId::Table => &mut self.table,
            FieldId::LookupKey => &mut self.lookup_key,
            FieldId::Number => &mut self.number,
            FieldId::FlowName => &mut self.flow_name,
            FieldId::Schedule => &mut self.schedule,
            FieldId::Script => &mut self.script,
            FieldId::User => &mut self.user,
            FieldId::Language => &mut self.language,
            FieldId::DurationSeconds => &mut self.duration_seconds,
            _ => return None,
        })
    }

    /// The first field set on this node that its kind does not have.
    fn foreign_field(&self) -> Option<FieldId> {
        self.set_fields().find(|field| !self.kind.has_field(*field))
    }

    fn foreign_field_error(&self, index: Option<usize>, field: FieldId) -> Diagnostic {
        let accepted: Vec<&str> = self.kind.field_names().collect();
        let accepted = if accepted.is_empty() { "none".to_owned() } else { accepted.join(", ") };
        let path = index.map(|index| format!("flow.nodes[{index}].{}", field.wire_name()));
        invalid_document(
            format!(
                "unknown field `{}` on node \"{}\": a {} node has the fields {accepted}",
                field.wire_name(),
                self.id,
                self.kind.as_str()
            ),
            path,
        )
        .with_node(&self.id)
    }

    /// The model node, moving every string. Fields of other kinds must have been rejected before.
    fn into_model(mut self) -> super::Node {
        let (id, label) = (std::mem::take(&mut self.id), std::mem::take(&mut self.label));
        let carried = match (self.archy.take(), self.after.take()) {
            (None, None) => None,
            (keys, after) => Some(Box::new(Carried { after, keys: keys.unwrap_or_default() })),
        };
        super::Node { id, label, x: self.x, y: self.y, body: self.into_body(), carried }
    }

    /// The first path name of an Archy action that is not a known output path.
    fn unknown_path(&self) -> Option<&str> {
        self.paths.iter().flatten().map(String::as_str).find(|name| PortName::parse(name).is_none())
    }

    fn into_body(mut self) -> NodeBody {
        let text = |value: Option<String>| value.unwrap_or_default();
        match self.kind {
            NodeKind::Start => NodeBody::Start,
            NodeKind::Play => NodeBody::Play { prompt: text(self.prompt) },
            NodeKind::Menu => NodeBody::Menu { prompt: text(self.prompt), choices: self.choices.unwrap_or_default() },
            NodeKind::Decision => NodeBody::Decision { expression: text(self.expression) },
            NodeKind::SetVariable => {
                NodeBody::SetVariable { variable: text(self.variable), expression: text(self.expression) }
            }
            NodeKind::Invoke => NodeBody::Invoke(Box::new(ModuleCall {
                module: text(self.module),
                module_id: self.module_id,
                version: self.version,
                inputs: self.inputs.unwrap_or_default(),
                outputs: self.outputs.unwrap_or_default(),
            })),
            NodeKind::DataAction => NodeBody::DataAction(Box::new(DataActionCall {
                category: text(self.category),
                action: text(self.action),
                inputs: self.inputs.unwrap_or_default(),
                outputs: self.outputs.unwrap_or_default(),
                timeout_seconds: self.timeout_seconds,
            })),
            NodeKind::Transfer => NodeBody::Transfer { queue: text(self.queue) },
            NodeKind::Disconnect => NodeBody::Disconnect,
            NodeKind::EndModule => NodeBody::EndModule,
            NodeKind::Task => NodeBody::Task { ref_id: text(self.ref_id) },
            NodeKind::JumpToTask => NodeBody::JumpToTask,
            NodeKind::JumpToMenu => NodeBody::JumpToMenu,
            NodeKind::CallTask => NodeBody::CallTask,
            NodeKind::Archy => NodeBody::Archy(Box::new(ArchyAction {
                action: text(self.archy_action),
                paths: self.paths.iter().flatten().filter_map(|name| PortName::parse(name)).collect(),
            })),
            kind => {
                let mut step = Step::new(kind);
                for (slot, spec) in kind.spec().fields.iter().enumerate() {
                    if spec.id == FieldId::Cases {
                        step.values[slot] = self.cases.take().unwrap_or_default().join("\n");
                    } else if spec.id == FieldId::Attributes {
                        let pairs = self.attributes.take().unwrap_or_default();
                        step.values[slot] =
                            pairs.iter().map(|(n, v)| format!("{n} = {v}")).collect::<Vec<_>>().join("\n");
                    } else if let Some(Some(value)) = self.text_field_mut(spec.id).map(Option::take) {
                        step.values[slot] = value;
                    }
                }
                NodeBody::Step(Box::new(step))
            }
        }
    }
}

impl TryFrom<Node> for super::Node {
    type Error = String;

    fn try_from(node: Node) -> Result<Self, String> {
        if let Some(field) = node.foreign_field() {
            return Err(node.foreign_field_error(None, field).message);
        }
        if let Some(path) = node.unknown_path() {
            return Err(format!("node \"{}\": \"{path}\" is not an output path name", node.id));
        }
        Ok(node.into_model())
    }
}

impl From<&super::Node> for Node {
    fn from(node: &super::Node) -> Node {
        let mut wire = Node {
            id: node.id.clone(),
            kind: node.kind(),
            label: node.label.clone(),
            x: node.x,
            y: node.y,
            prompt: None,
            choices: None,
            expression: None,
            variable: None,
            module: None,
            module_id: None,
            version: None,
            inputs: None,
            outputs: None,
            category: None,
            action: None,
            timeout_seconds: None,
            queue: None,
            ref_id: None,
            archy_action: None,
            paths: None,
            schedule_group: None,
            min_digits: None,
            max_digits: None,
            loop_count: None,
            index_variable: None,
            table: None,
            lookup_key: None,
            number: None,
            flow_name: None,
            schedule: None,
            script: None,
            user: None,
            language: None,
            duration_seconds: None,
            attributes: None,
            cases: None,
            archy: node.carried.as_ref().map(|carried| carried.keys.clone()).filter(|keys| !keys.is_empty()),
            after: node.carried.as_ref().and_then(|carried| carried.after.clone()),
        };
        match &node.body {
            NodeBody::Start | NodeBody::Disconnect | NodeBody::EndModule => {}
            NodeBody::Play { prompt } => wire.prompt = Some(prompt.clone()),
            NodeBody::Menu { prompt, choices } => {
                wire.prompt = Some(prompt.clone());
                wire.choices = Some(choices.clone());
            }
            NodeBody::Decision { expression } => wire.expression = Some(expression.clone()),
            NodeBody::SetVariable { variable, expression } => {
                wire.variable = Some(variable.clone());
                wire.expression = Some(expression.clone());
            }
            NodeBody::Invoke(call) => {
                wire.module = Some(call.module.clone());
                wire.module_id.clone_from(&call.module_id);
                wire.version.clone_from(&call.version);
                wire.inputs = Some(call.inputs.clone());
                wire.outputs = Some(call.outputs.clone());
            }
            NodeBody::DataAction(call) => {
                wire.category = Some(call.category.clone());
                wire.action = Some(call.action.clone());
                wire.inputs = Some(call.inputs.clone());
                wire.outputs = Some(call.outputs.clone());
                wire.timeout_seconds = call.timeout_seconds;
            }
            NodeBody::Transfer { queue } => wire.queue = Some(queue.clone()),
            NodeBody::Task { ref_id } => wire.ref_id = Some(ref_id.clone()).filter(|r| !r.is_empty()),
            NodeBody::JumpToTask | NodeBody::JumpToMenu | NodeBody::CallTask => {}
            NodeBody::Archy(action) => {
                wire.archy_action = Some(action.action.clone());
                wire.paths = Some(action.paths.iter().map(|p| p.as_str().to_owned()).collect());
            }
            NodeBody::Step(step) => {
                for (spec, value) in step.kind.spec().fields.iter().zip(&step.values) {
                    if spec.id == FieldId::Cases {
                        wire.cases = Some(value.lines().map(str::to_owned).collect());
                    } else if spec.id == FieldId::Attributes {
                        wire.attributes = Some(crate::archy_codec::pairs(value).into_iter().collect());
                    } else if value.is_empty() && step.kind.spec().is_optional(spec.id) {
                        // One of two alternatives (a voicemail's queue or user): the unused one is
                        // left out, so a document that never used it saves as it did.
                    } else if let Some(slot) = wire.text_field_mut(spec.id) {
                        *slot = Some(value.clone());
                    }
                }
            }
        }
        wire
    }
}

impl From<super::Node> for Node {
    fn from(node: super::Node) -> Node {
        Node::from(&node)
    }
}

impl From<&super::Document> for Document {
    fn from(document: &super::Document) -> Document {
        let flow = &document.flow;
        Document {
            format: document.format.clone(),
            flow: Flow {
                name: flow.name.clone(),
                flow_type: flow.flow_type,
                description: flow.description.clone(),
                division: flow.division.clone(),
                default_language: flow.default_language.clone(),
                start_node_id: flow.start_node_id.clone(),
                initial_greeting: flow.initial_greeting.clone(),
                compatible_flow_types: flow.compatible_flow_types.clone(),
                variables: flow.variables.clone(),
                nodes: flow.nodes.iter().map(Node::from).collect(),
                edges: flow.edges.clone(),
                archy: flow.archy.as_deref().cloned(),
                scenarios: flow.scenarios.clone(),
            },
            modules: document.modules.clone(),
            queues: document.queues.clone(),
        }
    }
}

impl From<super::Document> for Document {
    fn from(document: super::Document) -> Document {
        Document::from(&document)
    }
}

impl TryFrom<Document> for super::Document {
    type Error = String;

    /// Refuses a field of another kind (the message names it); `parse` reports it with its path.
    fn try_from(document: Document) -> Result<Self, String> {
        if let Some(finding) = kind_field_errors(&document).into_iter().next() {
            return Err(finding.message);
        }
        Ok(into_model(document))
    }
}

/// The model of a wire document whose nodes have only their own kind's fields.
fn into_model(document: Document) -> super::Document {
    let flow = document.flow;
    super::Document {
        format: document.format,
        flow: super::Flow {
            name: flow.name,
            flow_type: flow.flow_type,
            description: flow.description,
            division: flow.division,
            default_language: flow.default_language,
            start_node_id: flow.start_node_id,
            initial_greeting: flow.initial_greeting,
            compatible_flow_types: flow.compatible_flow_types,
            variables: flow.variables,
            nodes: flow.nodes.into_iter().map(Node::into_model).collect(),
            edges: flow.edges,
            archy: flow.archy.map(Box::new),
            scenarios: flow.scenarios,
        },
        modules: document.modules,
        queues: document.queues,
    }
}

/// Parses a flow document. On failure the single `invalid-document` finding says what and where:
/// line and column for syntax and type errors, and the path (`flow.nodes[2].kind`) in `field`.
pub fn parse(text: &str) -> Result<super::Document, Diagnostic> {
    // The fast path reads a good document without tracking where it is (tracking the path costs
    // about as much as the parse itself); only a document that fails is read again, with the path,
    // to say where.
    let document: Document = match serde_json::from_str(text) {
        Ok(document) => document,
        Err(_) => parse_tracking_path(text, "not a flow document v1")?,
    };
    if document.format != FORMAT_V1 {
        return Err(invalid_document(
            format!("format is \"{}\", expected \"{FORMAT_V1}\"", document.format),
            Some("format".to_owned()),
        ));
    }
    finish(document)
}

/// The checks serde cannot make (fields of another kind, positions, path names), then the model.
pub(crate) fn finish(document: Document) -> Result<super::Document, Diagnostic> {
    if let Some(finding) = kind_field_errors(&document).into_iter().next() {
        return Err(finding);
    }
    if let Some(finding) = non_finite_positions(&document) {
        return Err(finding);
    }
    if let Some((index, node, path)) =
        document.flow.nodes.iter().enumerate().find_map(|(i, n)| n.unknown_path().map(|p| (i, n, p)))
    {
        return Err(invalid_document(
            format!("node \"{}\": \"{path}\" is not an output path name", node.id),
            Some(format!("flow.nodes[{index}].paths")),
        )
        .with_node(&node.id));
    }
    Ok(into_model(document))
}

/// Reads `text` keeping the path of every value, so that an error names where it is; `not_what`
/// says what a document of the wrong shape is not ("not a flow document v1").
pub(crate) fn parse_tracking_path<T: serde::de::DeserializeOwned>(text: &str, not_what: &str) -> Result<T, Diagnostic> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let document: T = match serde_path_to_error::deserialize(&mut deserializer) {
        Ok(document) => document,
        Err(error) => return Err(parse_error_finding(&error, not_what)),
    };
    if let Err(error) = deserializer.end() {
        return Err(invalid_document(format!("unexpected text after the document at {}", position_of(&error)), None));
    }
    Ok(document)
}

fn position_of(error: &serde_json::Error) -> String {
    format!("line {}, column {}", error.line(), error.column())
}

fn parse_error_finding(error: &serde_path_to_error::Error<serde_json::Error>, not_what: &str) -> Diagnostic {
    let inner = error.inner();
    let path = error.path().to_string();
    let field = if path == "." || path.is_empty() { None } else { Some(path.clone()) };
    let what = match inner.classify() {
        serde_json::error::Category::Syntax => "JSON syntax error",
        serde_json::error::Category::Eof => "the document ends too early",
        serde_json::error::Category::Data => not_what,
        serde_json::error::Category::Io => "could not read the document",
    };
    // serde_json appends " at line L column C" to its messages; we state the position once, ourselves.
    let message = inner.to_string();
    let message = match message.rfind(" at line ") {
        Some(cut) => message[..cut].to_owned(),
        None => message,
    };
    let location = match &field {
        Some(path) => format!(" at {path}"),
        None => String::new(),
    };
    invalid_document(format!("{what}{location} ({}): {message}", position_of(inner)), field)
}

fn invalid_document(message: String, field: Option<String>) -> Diagnostic {
    Diagnostic::error(Code::InvalidDocument, message).with_field_opt(field)
}

/// Kind fields set on a node whose kind does not have them: `invalid-document` findings, one per field.
pub fn kind_field_errors(document: &Document) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for (index, node) in document.flow.nodes.iter().enumerate() {
        if node.foreign_field().is_none() {
            continue;
        }
        for field in node.set_fields().filter(|field| !node.kind.has_field(*field)) {
            findings.push(node.foreign_field_error(Some(index), field));
        }
    }
    findings
}

fn non_finite_positions(document: &Document) -> Option<Diagnostic> {
    document.flow.nodes.iter().enumerate().find_map(|(index, node)| {
        (!node.x.is_finite() || !node.y.is_finite()).then(|| {
            invalid_document(
                format!("node \"{}\" has a position that is not a finite number", node.id),
                Some(format!("flow.nodes[{index}].x")),
            )
        })
    })
}
