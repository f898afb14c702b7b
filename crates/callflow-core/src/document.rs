//! Flow document v1: the wire types, their defaults, and parsing with precise errors.
//!
//! The spec (`flow-document.md` §1–2) is the contract. These types are both the wire format and the
//! editing model: the document is plain data, every field is public, and edits go through
//! [`crate::command::Command`]. Unknown fields are rejected; a field that exists on some node kinds but
//! not on this node's kind is rejected too (see [`kind_field_errors`]).

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Code, Diagnostic};

/// The only accepted value of `format`.
pub const FORMAT_V1: &str = "callflow/v1";

/// Module inputs/outputs and data action mappings keep the order the author wrote them in.
pub type Mapping = IndexMap<String, String>;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FlowType {
    Inboundcall,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Flow {
    pub name: String,
    #[serde(rename = "type")]
    pub flow_type: FlowType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default = "default_division")]
    pub division: String,
    #[serde(default = "default_language")]
    pub default_language: String,
    pub start_node_id: String,
    #[serde(default)]
    pub variables: Vec<Variable>,
    #[serde(default)]
    pub nodes: Vec<Node>,
    #[serde(default)]
    pub edges: Vec<Edge>,
}

fn default_division() -> String {
    "Home".to_owned()
}

fn default_language() -> String {
    "en-us".to_owned()
}

/// The value types of variables, module inputs and outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueType {
    String,
    Integer,
    Decimal,
    Boolean,
    Date,
    DateTime,
    Duration,
}

/// A value type, or a list of one (`string[]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TypeName {
    pub base: ValueType,
    pub list: bool,
}

impl ValueType {
    pub const ALL: [ValueType; 7] = [
        ValueType::String,
        ValueType::Integer,
        ValueType::Decimal,
        ValueType::Boolean,
        ValueType::Date,
        ValueType::DateTime,
        ValueType::Duration,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ValueType::String => "string",
            ValueType::Integer => "integer",
            ValueType::Decimal => "decimal",
            ValueType::Boolean => "boolean",
            ValueType::Date => "date",
            ValueType::DateTime => "datetime",
            ValueType::Duration => "duration",
        }
    }
}

impl TypeName {
    pub const fn scalar(base: ValueType) -> Self {
        TypeName { base, list: false }
    }

    pub fn parse(text: &str) -> Option<TypeName> {
        let (base_text, list) = match text.strip_suffix("[]") {
            Some(base) => (base, true),
            None => (text, false),
        };
        let base = ValueType::ALL.into_iter().find(|t| t.as_str() == base_text)?;
        Some(TypeName { base, list })
    }

    /// Every accepted spelling, for error messages and the JSON Schema.
    pub fn all_names() -> Vec<String> {
        ValueType::ALL.iter().flat_map(|t| [t.as_str().to_owned(), format!("{}[]", t.as_str())]).collect()
    }
}

impl TypeName {
    /// The type with its article, for messages: "an integer", "a string", "a list of date".
    pub fn with_article(self) -> String {
        if self.list {
            return format!("a list of {}", self.base.as_str());
        }
        match self.base {
            ValueType::Integer => "an integer".to_owned(),
            other => format!("a {}", other.as_str()),
        }
    }
}

impl std::fmt::Display for TypeName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.base.as_str())?;
        if self.list {
            f.write_str("[]")?;
        }
        Ok(())
    }
}

impl Serialize for TypeName {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TypeName {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        TypeName::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown type \"{text}\", expected one of {}",
                TypeName::all_names().join(", ")
            ))
        })
    }
}

impl JsonSchema for TypeName {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "TypeName".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "enum": TypeName::all_names(),
            "description": "A value type, or a list of one written with []."
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Variable {
    /// `Flow.<identifier>`.
    pub name: String,
    #[serde(rename = "type")]
    pub value_type: TypeName,
}

/// The node kinds of spec §2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum NodeKind {
    Start,
    Play,
    Menu,
    Decision,
    SetVariable,
    Invoke,
    DataAction,
    Transfer,
    Disconnect,
}

impl NodeKind {
    pub const ALL: [NodeKind; 9] = [
        NodeKind::Start,
        NodeKind::Play,
        NodeKind::Menu,
        NodeKind::Decision,
        NodeKind::SetVariable,
        NodeKind::Invoke,
        NodeKind::DataAction,
        NodeKind::Transfer,
        NodeKind::Disconnect,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Start => "start",
            NodeKind::Play => "play",
            NodeKind::Menu => "menu",
            NodeKind::Decision => "decision",
            NodeKind::SetVariable => "setVariable",
            NodeKind::Invoke => "invoke",
            NodeKind::DataAction => "dataAction",
            NodeKind::Transfer => "transfer",
            NodeKind::Disconnect => "disconnect",
        }
    }

    /// What the designer shows for this kind.
    pub fn title(self) -> &'static str {
        match self {
            NodeKind::Start => "Start",
            NodeKind::Play => "Play audio",
            NodeKind::Menu => "Menu",
            NodeKind::Decision => "Decision",
            NodeKind::SetVariable => "Update data",
            NodeKind::Invoke => "Call common module (shared flow)",
            NodeKind::DataAction => "Call data action",
            NodeKind::Transfer => "Transfer to ACD",
            NodeKind::Disconnect => "Disconnect",
        }
    }

    /// `transfer` (on success) and `disconnect` end the call.
    pub fn is_terminal(self) -> bool {
        matches!(self, NodeKind::Transfer | NodeKind::Disconnect)
    }

    /// [`NodeKind::fields`] as a bit set in [`KIND_FIELDS`] order.
    /// (A test checks it against `fields`.)
    pub(crate) fn field_mask(self) -> u16 {
        const PROMPT: u16 = 1;
        const CHOICES: u16 = 1 << 1;
        const EXPRESSION: u16 = 1 << 2;
        const VARIABLE: u16 = 1 << 3;
        const MODULE: u16 = 1 << 4;
        const MODULE_ID: u16 = 1 << 5;
        const VERSION: u16 = 1 << 6;
        const INPUTS: u16 = 1 << 7;
        const OUTPUTS: u16 = 1 << 8;
        const CATEGORY: u16 = 1 << 9;
        const ACTION: u16 = 1 << 10;
        const TIMEOUT: u16 = 1 << 11;
        const QUEUE: u16 = 1 << 12;
        match self {
            NodeKind::Start | NodeKind::Disconnect => 0,
            NodeKind::Play => PROMPT,
            NodeKind::Menu => PROMPT | CHOICES,
            NodeKind::Decision => EXPRESSION,
            NodeKind::SetVariable => VARIABLE | EXPRESSION,
            NodeKind::Invoke => MODULE | MODULE_ID | VERSION | INPUTS | OUTPUTS,
            NodeKind::DataAction => CATEGORY | ACTION | INPUTS | OUTPUTS | TIMEOUT,
            NodeKind::Transfer => QUEUE,
        }
    }

    /// The kind-specific fields this kind accepts (camelCase, as on the wire).
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            NodeKind::Start | NodeKind::Disconnect => &[],
            NodeKind::Play => &["prompt"],
            NodeKind::Menu => &["prompt", "choices"],
            NodeKind::Decision => &["expression"],
            NodeKind::SetVariable => &["variable", "expression"],
            NodeKind::Invoke => &["module", "moduleId", "version", "inputs", "outputs"],
            NodeKind::DataAction => &["category", "action", "inputs", "outputs", "timeoutSeconds"],
            NodeKind::Transfer => &["queue"],
        }
    }
}

/// One port of a node: its name and whether an edge must leave from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    pub name: String,
    pub required: bool,
}

impl Port {
    fn new(name: &str, required: bool) -> Port {
        Port { name: name.to_owned(), required }
    }
}

/// A menu digit and the port it opens: `"1"` → `digit_1`, `"*"` → `digit_star`, `"#"` → `digit_pound`.
pub fn digit_port(digit: &str) -> String {
    match digit {
        "*" => "digit_star".to_owned(),
        "#" => "digit_pound".to_owned(),
        other => format!("digit_{other}"),
    }
}

/// True for `"0"`–`"9"`, `"*"` and `"#"`.
pub fn is_menu_digit(digit: &str) -> bool {
    matches!(digit.as_bytes(), [b'0'..=b'9'] | [b'*'] | [b'#'])
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MenuChoice {
    /// `"0"`–`"9"`, `"*"` or `"#"`.
    pub digit: String,
    #[serde(default)]
    pub label: String,
}

/// A node. Kind-specific fields are optional here; [`kind_field_errors`] rejects the ones that do not
/// belong to the node's kind, so a document keeps one flat, easily edited shape.
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
}

/// The default data action timeout, in seconds.
pub const DEFAULT_TIMEOUT_SECONDS: i64 = 10;

impl Node {
    /// A node of `kind` with no kind fields set.
    pub fn new(id: impl Into<String>, kind: NodeKind, x: f64, y: f64) -> Node {
        Node {
            id: id.into(),
            kind,
            label: kind.title().to_owned(),
            x,
            y,
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
        }
    }

    /// The node's output ports, in display order.
    pub fn ports(&self) -> Vec<Port> {
        match self.kind {
            NodeKind::Start | NodeKind::Play | NodeKind::SetVariable => vec![Port::new("next", true)],
            NodeKind::Menu => {
                let mut ports: Vec<Port> =
                    self.choices.iter().flatten().map(|choice| Port::new(&digit_port(&choice.digit), true)).collect();
                ports.push(Port::new("noInput", false));
                ports
            }
            NodeKind::Decision => vec![Port::new("yes", true), Port::new("no", true)],
            NodeKind::Invoke => vec![Port::new("complete", true), Port::new("error", false)],
            NodeKind::DataAction => {
                vec![Port::new("success", true), Port::new("failure", true), Port::new("timeout", false)]
            }
            NodeKind::Transfer => vec![Port::new("failure", false)],
            NodeKind::Disconnect => vec![],
        }
    }

    /// Does this node have a port called `name`?
    pub fn has_port(&self, name: &str) -> bool {
        self.port_slot(name).is_some()
    }

    /// A small number for each port of this node (below 13), so validation can keep the used ports of
    /// a node in one bit set instead of hashing names. `None` when the node has no such port.
    pub fn port_slot(&self, name: &str) -> Option<u32> {
        let slot = match (self.kind, name) {
            (NodeKind::Start | NodeKind::Play | NodeKind::SetVariable, "next") => 0,
            (NodeKind::Decision, "yes") | (NodeKind::Invoke, "complete") | (NodeKind::DataAction, "success") => 0,
            (NodeKind::Transfer, "failure") => 0,
            (NodeKind::Decision, "no") | (NodeKind::Invoke, "error") | (NodeKind::DataAction, "failure") => 1,
            (NodeKind::DataAction, "timeout") => 2,
            (NodeKind::Menu, "noInput") => MENU_NO_INPUT_SLOT,
            (NodeKind::Menu, _) => {
                let slot = digit_slot_of_port(name)?;
                let chosen = self.choices.iter().flatten().any(|choice| digit_slot(&choice.digit) == Some(slot));
                return chosen.then_some(slot);
            }
            _ => return None,
        };
        Some(slot)
    }

    /// The bit set (by [`Node::port_slot`]) of the ports that must carry an edge.
    pub fn required_port_mask(&self) -> u32 {
        match self.kind {
            NodeKind::Start | NodeKind::Play | NodeKind::SetVariable | NodeKind::Invoke => 0b1,
            NodeKind::Decision | NodeKind::DataAction => 0b11,
            NodeKind::Transfer | NodeKind::Disconnect => 0,
            NodeKind::Menu => self
                .choices
                .iter()
                .flatten()
                .filter_map(|choice| digit_slot(&choice.digit))
                .fold(0, |mask, slot| mask | (1 << slot)),
        }
    }

    /// The bit set of kind fields that are set, in [`KIND_FIELDS`] order.
    fn set_field_mask(&self) -> u16 {
        let set = [
            self.prompt.is_some(),
            self.choices.is_some(),
            self.expression.is_some(),
            self.variable.is_some(),
            self.module.is_some(),
            self.module_id.is_some(),
            self.version.is_some(),
            self.inputs.is_some(),
            self.outputs.is_some(),
            self.category.is_some(),
            self.action.is_some(),
            self.timeout_seconds.is_some(),
            self.queue.is_some(),
        ];
        set.iter().enumerate().fold(0, |mask, (bit, set)| mask | (u16::from(*set) << bit))
    }

    /// The names of the kind fields that are set, as on the wire.
    pub fn set_fields(&self) -> impl Iterator<Item = &'static str> {
        let mask = self.set_field_mask();
        KIND_FIELDS.iter().enumerate().filter(move |(bit, _)| mask & (1 << bit) != 0).map(|(_, name)| *name)
    }

    /// True when a field of another kind is set (checked for every node, so kept to a few bit operations).
    pub fn has_foreign_fields(&self) -> bool {
        self.set_field_mask() & !self.kind.field_mask() != 0
    }
}

/// Every kind field, in wire order.
const KIND_FIELDS: [&str; 13] = [
    "prompt",
    "choices",
    "expression",
    "variable",
    "module",
    "moduleId",
    "version",
    "inputs",
    "outputs",
    "category",
    "action",
    "timeoutSeconds",
    "queue",
];

const MENU_NO_INPUT_SLOT: u32 = 12;

/// `"0"`–`"9"` → 0–9, `"*"` → 10, `"#"` → 11.
fn digit_slot(digit: &str) -> Option<u32> {
    match digit.as_bytes() {
        [d @ b'0'..=b'9'] => Some(u32::from(d - b'0')),
        [b'*'] => Some(10),
        [b'#'] => Some(11),
        _ => None,
    }
}

/// `digit_3` → 3, `digit_star` → 10, `digit_pound` → 11.
fn digit_slot_of_port(port: &str) -> Option<u32> {
    match port.strip_prefix("digit_")? {
        "star" => Some(10),
        "pound" => Some(11),
        rest => digit_slot(rest).filter(|slot| *slot < 10),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Edge {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub from: String,
    /// May be omitted only where the source node has the single port `next`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    pub to: String,
}

impl Edge {
    pub fn new(from: impl Into<String>, port: Option<&str>, to: impl Into<String>) -> Edge {
        Edge { id: None, from: from.into(), port: port.map(str::to_owned), to: to.into() }
    }

    /// The port this edge leaves from, `next` when omitted.
    pub fn port_name(&self) -> &str {
        self.port.as_deref().unwrap_or("next")
    }
}

/// What kind of flow a catalog entry is. Common modules are called with Call Common Module;
/// workflows are launched with `POST /api/v2/flows/executions` and cannot be called from a call flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ModuleType {
    #[default]
    Commonmodule,
    Workflow,
}

impl ModuleType {
    fn is_default(&self) -> bool {
        *self == ModuleType::Commonmodule
    }

    /// The variable scope of this flow type's inputs and outputs.
    pub fn scope(self) -> &'static str {
        match self {
            ModuleType::Commonmodule => "Common",
            ModuleType::Workflow => "Flow",
        }
    }
}

/// A catalog entry: a common module (or a workflow) with its input/output contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Module {
    /// The flow id in the org, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    /// `commonmodule` (the default) or `workflow`.
    #[serde(default, rename = "type", skip_serializing_if = "ModuleType::is_default")]
    pub module_type: ModuleType,
    #[serde(default)]
    pub published: bool,
    /// The latest published version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_version: Option<String>,
    /// Older published versions that may still be named by `version`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
    #[serde(default)]
    pub compatible_flow_types: Vec<String>,
    #[serde(default)]
    pub inputs: Vec<Parameter>,
    #[serde(default)]
    pub outputs: Vec<Parameter>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Parameter {
    pub name: String,
    #[serde(rename = "type")]
    pub value_type: TypeName,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Queue {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
}

impl Document {
    /// A new, empty flow with a start node: what "New" opens.
    pub fn empty(name: &str) -> Document {
        Document {
            format: FORMAT_V1.to_owned(),
            flow: Flow {
                name: name.to_owned(),
                flow_type: FlowType::Inboundcall,
                description: None,
                division: default_division(),
                default_language: default_language(),
                start_node_id: "start".to_owned(),
                variables: Vec::new(),
                nodes: vec![Node::new("start", NodeKind::Start, 40.0, 160.0)],
                edges: Vec::new(),
            },
            modules: Vec::new(),
            queues: Vec::new(),
        }
    }

    /// The document as pretty JSON, the normalised form (defaults written out, key order fixed).
    pub fn to_json(&self) -> String {
        // Invariant: every field is a string, number, bool, list or string map; serde_json cannot
        // fail on those, and the only floats come from the parser or from finite positions.
        match serde_json::to_string_pretty(self) {
            Ok(text) => text + "\n",
            Err(error) => format!("{{\"error\": \"{error}\"}}\n"),
        }
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.flow.nodes.iter().find(|node| node.id == id)
    }

    /// The names of the catalog's workflows (what `POST /api/v2/flows/executions` can launch).
    pub fn workflow_names(&self) -> Vec<String> {
        self.modules.iter().filter(|m| m.module_type == ModuleType::Workflow).map(|m| m.name.clone()).collect()
    }

    pub fn module(&self, name: &str) -> Option<&Module> {
        self.modules.iter().find(|module| module.name == name)
    }
}

/// Where in the text a parse error was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextPosition {
    pub line: usize,
    pub column: usize,
}

/// Parses a flow document. On failure the single `invalid-document` finding says what and where:
/// line and column for syntax and type errors, and the path (`flow.nodes[2].kind`) in `field`.
pub fn parse(text: &str) -> Result<Document, Diagnostic> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let document: Document = match serde_path_to_error::deserialize(&mut deserializer) {
        Ok(document) => document,
        Err(error) => return Err(parse_error_finding(&error)),
    };
    if let Err(error) = deserializer.end() {
        return Err(invalid_document(format!("unexpected text after the document at {}", position_of(&error)), None));
    }
    if document.format != FORMAT_V1 {
        return Err(invalid_document(
            format!("format is \"{}\", expected \"{FORMAT_V1}\"", document.format),
            Some("format".to_owned()),
        ));
    }
    if let Some(finding) = kind_field_errors(&document).into_iter().next() {
        return Err(finding);
    }
    if let Some(finding) = non_finite_positions(&document) {
        return Err(finding);
    }
    Ok(document)
}

fn position_of(error: &serde_json::Error) -> String {
    format!("line {}, column {}", error.line(), error.column())
}

fn parse_error_finding(error: &serde_path_to_error::Error<serde_json::Error>) -> Diagnostic {
    let inner = error.inner();
    let path = error.path().to_string();
    let field = if path == "." || path.is_empty() { None } else { Some(path.clone()) };
    let what = match inner.classify() {
        serde_json::error::Category::Syntax => "JSON syntax error",
        serde_json::error::Category::Eof => "the document ends too early",
        serde_json::error::Category::Data => "not a flow document v1",
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
        if !node.has_foreign_fields() {
            continue;
        }
        let allowed = node.kind.fields();
        for field in node.set_fields() {
            if !allowed.contains(&field) {
                let accepted = if allowed.is_empty() { "none".to_owned() } else { allowed.join(", ") };
                findings.push(
                    invalid_document(
                        format!(
                            "unknown field `{field}` on node \"{}\": a {} node has the fields {accepted}",
                            node.id,
                            node.kind.as_str()
                        ),
                        Some(format!("flow.nodes[{index}].{field}")),
                    )
                    .with_node(&node.id),
                );
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_masks_match_the_field_lists() {
        for kind in NodeKind::ALL {
            let from_names = kind
                .fields()
                .iter()
                .map(|field| KIND_FIELDS.iter().position(|known| known == field).unwrap())
                .fold(0u16, |mask, bit| mask | (1 << bit));
            assert_eq!(kind.field_mask(), from_names, "{kind:?}");
        }
    }
}
