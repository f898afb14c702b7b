//! Flow document v1: the model the designer, the CLI and the validator work on.
//!
//! Three layers, as in rust-analyzer's syntax → HIR split:
//! - [`wire`]: the v1 serde types exactly as on disk (flat nodes, the JSON Schema, precise parse
//!   errors). Nothing else reads them.
//! - this module: the model. A [`Node`] holds its kind-specific data as a closed enum ([`NodeBody`]);
//!   ids stay strings, so duplicate ids and dangling edges stay representable and reportable.
//!   The model serializes through the wire types, so files round-trip byte for byte.
//! - [`crate::index::FlowIndex`]: what is derived from one revision (dense node indices, port
//!   targets, predecessors), shared by validation, export and the canvas.
//!
//! Every kind is described once, in [`kind::KINDS`].

pub mod kind;
pub mod port;
pub mod value_type;
pub mod wire;

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use kind::{
    ArchyAction, ArchyField, ArchyForm, ArchyShape, DataActionCall, FieldId, FieldInput, FieldSpec, KindSpec,
    ModuleCall, NodeBody, NodeKind, PaletteGroup, Sim, Step, KINDS,
};
pub use port::{digit_port, is_menu_digit, Port, PortName, PortSet, MAX_CASES, PORT_SLOTS};
pub use value_type::{TypeName, ValueType};
pub use wire::{kind_field_errors, parse};

/// The only accepted value of `format`.
pub const FORMAT_V1: &str = "callflow/v1";

/// The default data action timeout, in seconds.
pub const DEFAULT_TIMEOUT_SECONDS: i64 = 10;

/// Module inputs/outputs and data action mappings keep the order the author wrote them in.
pub type Mapping = IndexMap<String, String>;

/// Archy keys kept as written (an imported flow's, action's or menu choice's), in their order.
pub type ArchyKeys = serde_json::Map<String, serde_json::Value>;

/// What an imported node keeps of its Archy action besides what the designer models: its other
/// keys, written back as they came, and the node that followed it in its action list (so the export
/// rebuilds the same list; ignored when that node is gone or no path leads there).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Carried {
    pub after: Option<String>,
    pub keys: ArchyKeys,
}

/// A whole flow document. Serialized and deserialized through [`wire::Document`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "wire::Document", into = "wire::Document")]
pub struct Document {
    /// Always `"callflow/v1"` in a parsed document.
    pub format: String,
    pub flow: Flow,
    /// The catalog of common modules (and workflows) this flow may call.
    pub modules: Vec<Module>,
    /// The queues a transfer may name. Empty means "not known": any queue name is accepted.
    pub queues: Vec<Queue>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    pub name: String,
    pub flow_type: FlowType,
    pub description: Option<String>,
    pub division: String,
    pub default_language: String,
    pub start_node_id: String,
    /// The initial greeting's text to speech; `None` is no greeting.
    pub initial_greeting: Option<String>,
    /// A common module's compatible flow types (`inboundcall`, `workflow`, ...); empty otherwise.
    pub compatible_flow_types: Vec<String>,
    pub variables: Vec<Variable>,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// An imported flow's own Archy keys (settings, languages, ...), written back as they came.
    pub archy: Option<Box<ArchyKeys>>,
    /// Saved simulator runs that `callflow test` and the Tests tab replay (docs/simulator.md).
    pub scenarios: Vec<Scenario>,
}

/// A saved call: the caller's inputs and the outcomes chosen, in order, and how it must end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    /// One answer per question the call asks, in order.
    #[serde(default)]
    pub answers: Vec<ScenarioAnswer>,
    pub expect: ScenarioExpect,
}

/// One answer of a scenario, as the simulator asks: a menu digit, collected digits, no input, an
/// outside outcome (a port, and outputs as typed), a condition's truth, a loop's count or an
/// update's value.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScenarioAnswer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digits: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_input: bool,
    /// The port an outside answer takes (`complete`, `found`, `next` for a transfer that worked, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    #[serde(default, skip_serializing_if = "Mapping::is_empty")]
    pub outputs: Mapping,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<bool>,
    /// How many turns a loop runs, when the simulator could not evaluate its count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    /// The value an update gives its variable, when the simulator could not evaluate it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// How a scenario's call must end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScenarioExpect {
    /// `transferred`, `hungUp`, `returned`, `stuck` or `stepLimit`.
    pub end: String,
    /// The id of the node the call ends at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// Where a transfer sends the call (a queue's name, a number, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Variable → value at the end, as typed (`true`, `3`, `"text"` or text).
    #[serde(default, skip_serializing_if = "Mapping::is_empty")]
    pub variables: Mapping,
}

/// A node: identity, label, position, and its kind's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "wire::Node", into = "wire::Node")]
pub struct Node {
    pub id: String,
    pub label: String,
    pub x: f64,
    pub y: f64,
    pub body: NodeBody,
    /// What an imported action keeps besides its modeled fields; `None` for a drawn node.
    pub carried: Option<Box<Carried>>,
}

impl Node {
    /// A node of `kind` as the palette adds it ([`NodeBody::new`]), labelled with the kind's title.
    pub fn new(id: impl Into<String>, kind: NodeKind, x: f64, y: f64) -> Node {
        Node { id: id.into(), label: kind.title().to_owned(), x, y, body: NodeBody::new(kind), carried: None }
    }

    /// The Archy keys this node keeps as written (empty for a drawn node).
    pub fn archy_keys(&self) -> Option<&ArchyKeys> {
        self.carried.as_deref().map(|carried| &carried.keys)
    }

    /// The variables a task node declares (an imported task keeps its `variables`), as
    /// (Archy type key such as `stringVariable`, name); none for other nodes.
    pub fn task_variables(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        let items = match self.kind() {
            NodeKind::Task => self.archy_keys().and_then(|keys| keys.get("variables")).and_then(|v| v.as_array()),
            _ => None,
        };
        items.into_iter().flatten().filter_map(|item| {
            let mut entries = item.as_object()?.iter();
            let (key, body) = entries.next()?;
            entries.next().is_none().then_some(())?;
            Some((key.as_str(), body.get("name")?.as_str()?))
        })
    }

    pub fn kind(&self) -> NodeKind {
        self.body.kind()
    }

    /// The node's output ports, in display order.
    pub fn ports(&self) -> impl Iterator<Item = Port> + '_ {
        self.body.ports()
    }

    /// Does this node have a port called `name`?
    pub fn has_port(&self, name: &str) -> bool {
        self.port(name).is_some()
    }

    /// The port called `name`, when this node has it.
    pub fn port(&self, name: &str) -> Option<PortName> {
        PortName::parse(name).filter(|port| self.body.port_mask() & port.bit() != 0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FlowType {
    Inboundcall,
    /// A common module: called from other flows with Call Common Module, its variables are
    /// `Common.x`, and it returns to its caller (spec extension, docs/projects.md).
    Commonmodule,
}

impl FlowType {
    /// The scope of the flow's own variables: `Flow` in an inbound call flow, `Common` in a module.
    pub fn scope(self) -> &'static str {
        match self {
            FlowType::Inboundcall => "Flow",
            FlowType::Commonmodule => "Common",
        }
    }

    pub fn is_module(self) -> bool {
        self == FlowType::Commonmodule
    }

    /// The lower-case name of the API (`inboundcall`, `commonmodule`).
    pub fn as_str(self) -> &'static str {
        match self {
            FlowType::Inboundcall => "inboundcall",
            FlowType::Commonmodule => "commonmodule",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Variable {
    /// `Flow.<identifier>` (`Common.<identifier>` in a common module).
    pub name: String,
    #[serde(rename = "type")]
    pub value_type: TypeName,
    /// A common module's input: the caller passes it (`isInput` in Archy).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub input: bool,
    /// A common module's output: returned to the caller (`isOutput` in Archy).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub output: bool,
    /// An input every caller must pass.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
}

impl Variable {
    /// A variable that is neither a module input nor an output.
    pub fn new(name: impl Into<String>, value_type: TypeName) -> Variable {
        Variable { name: name.into(), value_type, input: false, output: false, required: false }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MenuChoice {
    /// `"0"`–`"9"`, `"*"` or `"#"`.
    pub digit: String,
    #[serde(default)]
    pub label: String,
    /// An imported choice as written (`{"menuDisconnect": {...}}`). A choice that keeps one needs no
    /// edge: with nothing connected it is written back as it came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archy: Option<ArchyKeys>,
}

impl MenuChoice {
    /// Does this choice need an edge from its digit port? Yes, unless it keeps an imported choice
    /// that goes nowhere in the flow (`menuDisconnect`, `menuTransferToAcd`, ...): a `menuTask`
    /// or `menuJumpToTask` leads somewhere.
    pub fn needs_path(&self) -> bool {
        match &self.archy {
            None => true,
            Some(keys) => keys.keys().any(|key| key == "menuTask" || key == "menuJumpToTask"),
        }
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
    /// Named by an imported flow, with a contract nobody has loaded yet: calls to it are not
    /// checked against inputs, outputs, versions or publication until the catalog is loaded.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unknown_contract: bool,
    /// Authored in the project (its contract is the module flow's current one); never on the wire.
    #[serde(skip)]
    pub authored: bool,
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
                division: String::new(),
                default_language: wire::default_language(),
                start_node_id: "start".to_owned(),
                initial_greeting: None,
                compatible_flow_types: Vec::new(),
                variables: Vec::new(),
                nodes: vec![Node::new("start", NodeKind::Start, 40.0, 160.0)],
                edges: Vec::new(),
                archy: None,
                scenarios: Vec::new(),
            },
            modules: Vec::new(),
            queues: Vec::new(),
        }
    }

    /// The document as pretty JSON, the normalized form (defaults written out, key order fixed).
    pub fn to_json(&self) -> String {
        // Invariant: every field is a string, number, bool, list or string map; serde_json cannot
        // fail on those, and the only floats come from the parser or from finite positions.
        match serde_json::to_string_pretty(&wire::Document::from(self)) {
            Ok(text) => text + "\n",
            Err(error) => format!("{{\"error\": \"{error}\"}}\n"),
        }
    }

    /// The document as compact JSON (no indentation): the same document as [`Document::to_json`]
    /// in about 57% of the bytes, for storage that is read and written whole (the app's local
    /// library), where the size is time and quota.
    pub fn to_compact_json(&self) -> String {
        match serde_json::to_string(&wire::Document::from(self)) {
            Ok(text) => text,
            Err(error) => format!("{{\"error\": \"{error}\"}}"),
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

// Every per-node pass walks `flow.nodes`: keep a node small (the call bodies are boxed for this).
const _: () = assert!(std::mem::size_of::<Node>() <= 128);
