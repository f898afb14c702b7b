//! The payload doctor (spec §5): classifies any JSON payload a user pasted, explains finding by finding
//! what the real Genesys Cloud API expects, and gives a corrected payload where one can be made.
//! A tutorial-style node/edge graph is converted into a flow document v1 the designer can open.

use serde::Serialize;
use serde_json::{Map, Value as Json};

use crate::diagnostic::{Code, Diagnostic, Report};
use crate::document::{
    DataActionCall, Document, Edge, Flow, FlowType, ModuleCall, Node, NodeBody, NodeKind, FORMAT_V1,
};
use crate::validate::{is_valid_node_id, validate};

/// What the doctor took the payload for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PayloadKind {
    NotJson,
    FlowDocument,
    ExecutionRequest,
    DataAction,
    TutorialGraph,
    Unknown,
}

/// The doctor's answer: `check`'s shape plus `fixed`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DoctorReport {
    #[serde(flatten)]
    pub report: Report,
    pub fixed: Option<Json>,
    #[serde(skip)]
    pub kind: PayloadKind,
}

impl DoctorReport {
    fn new(kind: PayloadKind, diagnostics: Vec<Diagnostic>, fixed: Option<Json>) -> DoctorReport {
        DoctorReport { report: Report::new(diagnostics), fixed, kind }
    }
}

const EXECUTION_FIELDS: [&str; 4] = ["flowId", "flowVersion", "inputData", "name"];
const MISPLACED_INPUT_FIELDS: [&str; 4] = ["inputs", "variables", "parameters", "context"];

/// Reads a pasted payload and explains it.
pub fn doctor(text: &str) -> DoctorReport {
    let payload: Json = match serde_json::from_str(text) {
        Ok(payload) => payload,
        Err(error) => {
            let message = error.to_string();
            let message = message.rfind(" at line ").map_or(message.clone(), |cut| message[..cut].to_owned());
            return DoctorReport::new(
                PayloadKind::NotJson,
                vec![Diagnostic::error(
                    Code::InvalidDocument,
                    format!("not JSON (line {}, column {}): {message}", error.line(), error.column()),
                )],
                None,
            );
        }
    };
    let Json::Object(object) = &payload else {
        return DoctorReport::new(
            PayloadKind::NotJson,
            vec![Diagnostic::error(
                Code::InvalidDocument,
                format!("a payload is a JSON object; this is {}", json_kind(&payload)),
            )
            .with_field("")],
            None,
        );
    };
    if object.get("format").and_then(Json::as_str) == Some(FORMAT_V1) {
        return flow_document(text);
    }
    if object.get("nodes").is_some_and(Json::is_array) && object.get("edges").is_some_and(Json::is_array) {
        return tutorial_graph(object);
    }
    if is_data_action(object) {
        return data_action(object);
    }
    if EXECUTION_FIELDS.iter().chain(MISPLACED_INPUT_FIELDS.iter()).any(|key| object.contains_key(*key)) {
        return execution_request(object);
    }
    DoctorReport::new(
        PayloadKind::Unknown,
        vec![Diagnostic::warning(
            Code::UnknownPayload,
            "no known payload shape fits; tried: a flow document v1 (\"format\": \"callflow/v1\"), a flow execution launch request (flowId, inputData), a data action body (category, integrationId, config, contract), and a node/edge graph (nodes, edges)",
        )
        .with_field("")],
        None,
    )
}

fn json_kind(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

/// A JSON pointer (RFC 6901) from path segments.
fn pointer(segments: &[&str]) -> String {
    segments.iter().map(|segment| format!("/{}", segment.replace('~', "~0").replace('/', "~1"))).collect()
}

fn flow_document(text: &str) -> DoctorReport {
    let diagnostics = match crate::document::parse(text) {
        Ok(document) => validate(&document),
        Err(finding) => vec![finding],
    };
    DoctorReport::new(PayloadKind::FlowDocument, diagnostics, None)
}

fn is_data_action(object: &Map<String, Json>) -> bool {
    object.get("type").and_then(Json::as_str) == Some("invoke")
        || object.contains_key("moduleRef")
        || object.contains_key("moduleId")
        || ["integrationId", "config", "contract", "category"].iter().filter(|key| object.contains_key(**key)).count()
            >= 2
}

fn data_action(object: &Map<String, Json>) -> DoctorReport {
    let mut diagnostics = Vec::new();
    let invoke_type = object.get("type").and_then(Json::as_str) == Some("invoke");
    let hint = "data actions call web services (Web Services, Lambda, the Genesys Cloud Data Actions integration, ...); add a \"Call common module (shared flow)\" node in the flow instead: Archy `callCommonModule`, module referenced by name with `ver_latestPublished`, inputs and outputs named Common.<name>";
    if invoke_type {
        diagnostics.push(
            Diagnostic::error(
                Code::DataActionInvoke,
                "a data action has no \"type\": \"invoke\"; a data action cannot call a common module",
            )
            .with_field(pointer(&["type"]))
            .with_hint(hint),
        );
    }
    for key in ["moduleRef", "moduleId"] {
        if object.contains_key(key) {
            diagnostics.push(
                Diagnostic::error(
                    Code::DataActionInvoke,
                    format!("a data action has no \"{key}\"; there is no module path or module API to point at"),
                )
                .with_field(pointer(&[key]))
                .with_hint(hint),
            );
        }
    }
    DoctorReport::new(PayloadKind::DataAction, diagnostics, None)
}

fn execution_request(object: &Map<String, Json>) -> DoctorReport {
    let mut diagnostics = Vec::new();
    // Inputs gathered from wherever the user put them, with the pointer they came from.
    let mut gathered: Vec<(String, Json, String)> = Vec::new();

    let flow_id = object.get("flowId").and_then(Json::as_str).filter(|id| !id.trim().is_empty());
    if flow_id.is_none() {
        diagnostics.push(
            Diagnostic::error(
                Code::ExecutionMissingFlowId,
                "the launch request has no flowId: it names the workflow to run and is required",
            )
            .with_field(pointer(&["flowId"]))
            .with_hint("GET /api/v2/flows?type=workflow&name=... gives the id"),
        );
    }

    for (key, value) in object {
        let key = key.as_str();
        if key == "inputData" {
            gather_inputs(value, "inputData", &mut gathered, &mut diagnostics);
        } else if MISPLACED_INPUT_FIELDS.contains(&key) {
            diagnostics.push(
                Diagnostic::error(
                    Code::ExecutionInputsField,
                    format!("the API reads inputs only from \"inputData\"; \"{key}\" is ignored, so the workflow's inputs stay NOT_SET and it fails at run time"),
                )
                .with_field(pointer(&[key]))
                .with_hint(format!("move the values of \"{key}\" into \"inputData\"")),
            );
            gather_inputs(value, key, &mut gathered, &mut diagnostics);
        } else if !EXECUTION_FIELDS.contains(&key) {
            diagnostics.push(
                Diagnostic::warning(
                    Code::ExecutionUnknownField,
                    format!("a launch request has no field \"{key}\"; it has flowId, flowVersion, inputData and name"),
                )
                .with_field(pointer(&[key]))
                .with_hint(if key == "conversationId" {
                    "a workflow launched by the API is not tied to a conversation; pass the id as an input if the workflow needs it".to_owned()
                } else {
                    format!("remove \"{key}\"")
                }),
            );
        }
    }

    let fixed = flow_id.map(|flow_id| {
        let mut request = Map::new();
        request.insert("flowId".to_owned(), Json::String(flow_id.to_owned()));
        for key in ["flowVersion", "name"] {
            if let Some(value) = object.get(key) {
                request.insert(key.to_owned(), value.clone());
            }
        }
        let mut input_data = Map::new();
        for (name, value, _) in &gathered {
            input_data.insert(name.clone(), value.clone());
        }
        request.insert("inputData".to_owned(), Json::Object(input_data));
        Json::Object(request)
    });
    DoctorReport::new(PayloadKind::ExecutionRequest, diagnostics, fixed)
}

/// Collects `Flow.`-qualified inputs from an inputs object, reporting unprefixed and nested keys.
fn gather_inputs(
    value: &Json,
    field: &str,
    gathered: &mut Vec<(String, Json, String)>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Json::Object(inputs) = value else {
        if value.is_array() {
            // `variables: [{name, value}]`, as some tutorials show.
            for (index, item) in value.as_array().into_iter().flatten().enumerate() {
                if let (Some(name), Some(item_value)) = (item.get("name").and_then(Json::as_str), item.get("value")) {
                    let at = pointer(&[field, &index.to_string()]);
                    add_input(name, item_value.clone(), &at, gathered, diagnostics);
                }
            }
        }
        return;
    };
    for (key, inner) in inputs {
        let at = pointer(&[field, key]);
        if key.eq_ignore_ascii_case("Flow") {
            if let Json::Object(nested) = inner {
                diagnostics.push(
                    Diagnostic::error(
                        Code::ExecutionNestedInput,
                        format!(
                            "inputs nested under \"{key}\" are not read: the keys must be flat, like \"Flow.{}\"",
                            nested.keys().next().map_or("customerId", String::as_str)
                        ),
                    )
                    .with_field(at.clone())
                    .with_hint(
                        "the launch succeeds but the workflow fails with error.workflow.expression.unexpectedNull",
                    ),
                );
                for (name, nested_value) in nested {
                    gathered.push((format!("Flow.{name}"), nested_value.clone(), pointer(&[field, key, name])));
                }
                continue;
            }
        }
        add_input(key, inner.clone(), &at, gathered, diagnostics);
    }
}

fn add_input(
    key: &str,
    value: Json,
    at: &str,
    gathered: &mut Vec<(String, Json, String)>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if let Some(rest) = key.strip_prefix("Flow.") {
        if !rest.is_empty() {
            gathered.push((key.to_owned(), value, at.to_owned()));
            return;
        }
    }
    let bare = match (key.get(..5), key.get(5..)) {
        (Some(prefix), Some(rest)) if prefix.eq_ignore_ascii_case("flow.") && !rest.is_empty() => rest,
        _ => key,
    };
    let fixed = format!("Flow.{bare}");
    diagnostics.push(
        Diagnostic::error(
            Code::ExecutionUnprefixedKey,
            format!("the inputData key \"{key}\" must be the workflow's variable name with its scope: \"{fixed}\""),
        )
        .with_field(at.to_owned())
        .with_hint(format!("{key} → {fixed}")),
    );
    gathered.push((fixed, value, at.to_owned()));
}

// ---- tutorial graphs ----

fn text_of<'a>(object: &'a Map<String, Json>, keys: &[&str]) -> Option<&'a str> {
    keys.iter().find_map(|key| object.get(*key).and_then(Json::as_str))
}

/// A field of a tutorial node, looked up on the node and on its `action` object.
fn node_field<'a>(node: &'a Map<String, Json>, keys: &[&str]) -> Option<&'a str> {
    text_of(node, keys).or_else(|| node.get("action").and_then(Json::as_object).and_then(|a| text_of(a, keys)))
}

fn kind_for(tutorial_type: &str) -> Option<NodeKind> {
    let lower = tutorial_type.to_ascii_lowercase().replace(['_', '-', ' '], "");
    Some(match lower.as_str() {
        "start" | "entry" | "begin" => NodeKind::Start,
        "invoke" | "sharedflow" | "commonmodule" | "callcommonmodule" | "module" | "subflow" => NodeKind::Invoke,
        "queue" | "transfer" | "transfertoacd" | "acd" => NodeKind::Transfer,
        "hangup" | "disconnect" | "end" | "exit" => NodeKind::Disconnect,
        "play" | "prompt" | "message" | "playaudio" | "say" => NodeKind::Play,
        "decision" | "condition" | "if" | "branch" => NodeKind::Decision,
        "menu" | "ivrmenu" => NodeKind::Menu,
        "dataaction" | "calldataaction" | "calldata" => NodeKind::DataAction,
        "setvariable" | "updatedata" | "assign" => NodeKind::SetVariable,
        _ => return None,
    })
}

fn port_for(kind: NodeKind, edge_type: &str) -> &'static str {
    let lower = edge_type.to_ascii_uppercase();
    let failure = lower.contains("ERROR") || lower.contains("FAIL");
    let timeout = lower.contains("TIMEOUT");
    match kind {
        NodeKind::Invoke if failure || timeout => "error",
        NodeKind::Invoke => "complete",
        NodeKind::DataAction if timeout => "timeout",
        NodeKind::DataAction if failure => "failure",
        NodeKind::DataAction => "success",
        NodeKind::Transfer => "failure",
        NodeKind::Decision if failure || lower.contains("NO") || lower.contains("FALSE") => "no",
        NodeKind::Decision => "yes",
        _ => "next",
    }
}

/// A node id that keeps to the id rule, unique among `taken`.
fn safe_id(raw: &str, taken: &mut rustc_hash::FxHashSet<String>) -> String {
    let mut id: String =
        raw.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' }).take(64).collect();
    if id.is_empty() {
        id = "node".to_owned();
    }
    let base = id.chars().take(58).collect::<String>();
    let mut counter = 2;
    while !is_valid_node_id(&id) || taken.contains(&id) {
        id = format!("{base}_{counter}");
        counter += 1;
    }
    taken.insert(id.clone());
    id
}

fn tutorial_graph(object: &Map<String, Json>) -> DoctorReport {
    let mut diagnostics = Vec::new();
    let mut taken = rustc_hash::FxHashSet::default();
    let mut id_map: rustc_hash::FxHashMap<String, (String, NodeKind)> = rustc_hash::FxHashMap::default();
    let mut nodes = Vec::new();
    let mut unknown_types = Vec::new();
    let raw_nodes = object.get("nodes").and_then(Json::as_array).cloned().unwrap_or_default();

    for (index, raw) in raw_nodes.iter().enumerate() {
        let Some(raw) = raw.as_object() else { continue };
        let original_id =
            text_of(raw, &["id", "node_id", "nodeId"]).map_or_else(|| format!("node{index}"), str::to_owned);
        let type_text = text_of(raw, &["type", "kind", "nodeType"]).unwrap_or("");
        let kind = kind_for(type_text).unwrap_or_else(|| {
            unknown_types.push(format!("{original_id} ({type_text})"));
            NodeKind::Play
        });
        let id = safe_id(&original_id, &mut taken);
        let mut node = Node::new(id.clone(), kind, 0.0, 0.0);
        if let Some(label) = text_of(raw, &["name", "label", "title"]) {
            node.label = label.to_owned();
        }
        let field = |names: &[&str]| node_field(raw, names).unwrap_or("").to_owned();
        node.body = match kind {
            NodeKind::Invoke => NodeBody::Invoke(Box::new(ModuleCall {
                module: field(&["module", "moduleName", "flow_name", "flowName"]),
                module_id: node_field(raw, &["flow_id", "flowId", "module_id", "moduleId"]).map(str::to_owned),
                version: Some("latest".to_owned()),
                ..ModuleCall::default()
            })),
            NodeKind::Transfer => {
                NodeBody::Transfer { queue: field(&["queue", "queue_name", "queueName", "queue_id", "queueId"]) }
            }
            NodeKind::Play | NodeKind::Menu => {
                let prompt = node_field(raw, &["prompt", "text", "tts", "message"]).map_or_else(
                    || {
                        if kind_for(type_text).is_none() {
                            format!("(a \"{type_text}\" node from the tutorial)")
                        } else {
                            String::new()
                        }
                    },
                    str::to_owned,
                );
                if kind == NodeKind::Menu {
                    NodeBody::Menu { prompt, choices: Vec::new() }
                } else {
                    NodeBody::Play { prompt }
                }
            }
            NodeKind::Decision => NodeBody::Decision { expression: field(&["expression", "condition"]) },
            NodeKind::SetVariable => {
                NodeBody::SetVariable { variable: field(&["variable"]), expression: field(&["expression", "value"]) }
            }
            NodeKind::DataAction => NodeBody::DataAction(Box::new(DataActionCall {
                category: field(&["category"]),
                action: field(&["action_name", "actionName", "name"]),
                ..DataActionCall::default()
            })),
            // The tutorials' graphs have no other kinds: an empty body of the kind.
            other => NodeBody::empty(other),
        };
        id_map.entry(original_id).or_insert((id, kind));
        nodes.push(node);
    }

    let mut edges = Vec::new();
    for raw in object.get("edges").and_then(Json::as_array).into_iter().flatten() {
        let Some(raw) = raw.as_object() else { continue };
        let from = text_of(raw, &["from_node_id", "fromNodeId", "from", "source", "sourceId"]).unwrap_or("");
        let to = text_of(raw, &["to_node_id", "toNodeId", "to", "target", "targetId"]).unwrap_or("");
        let edge_type = text_of(raw, &["type", "kind", "port", "label"]).unwrap_or("TRANSITION");
        let (from_id, port) = match id_map.get(from) {
            Some((id, kind)) => (id.clone(), port_for(*kind, edge_type)),
            None => (from.to_owned(), "next"),
        };
        let to_id = id_map.get(to).map_or_else(|| to.to_owned(), |(id, _)| id.clone());
        edges.push(Edge::new(from_id, (port != "next").then_some(port), to_id));
    }

    let start_raw = text_of(object, &["start_node_id", "startNodeId", "start"]);
    let start_node_id = start_raw
        .and_then(|raw| id_map.get(raw).map(|(id, _)| id.clone()))
        .or_else(|| nodes.iter().find(|n| n.kind() == NodeKind::Start).map(|n| n.id.clone()))
        .unwrap_or_default();
    layout(&mut nodes, &edges, &start_node_id);

    let document = Document {
        format: FORMAT_V1.to_owned(),
        flow: Flow {
            name: text_of(object, &["name", "flowName"]).unwrap_or("Imported flow").to_owned(),
            flow_type: FlowType::Inboundcall,
            description: text_of(object, &["description"]).map(str::to_owned),
            division: String::new(),
            default_language: "en-us".to_owned(),
            start_node_id,
            initial_greeting: None,
            compatible_flow_types: Vec::new(),
            variables: Vec::new(),
            nodes,
            edges,
            archy: None,
            scenarios: Vec::new(),
        },
        modules: Vec::new(),
        queues: Vec::new(),
    };
    let remaining = validate(&document).iter().filter(|d| d.is_error()).count();
    let mut message = "this is a node/edge graph as tutorials show; Genesys Cloud has no API that accepts one (there is no POST /api/v2/routing/flows and no FlowNode/FlowEdge types). Flows are authored as Archy YAML and deployed with POST /api/v2/flows/jobs. `fixed` is this graph as a flow document v1 to open in the designer".to_owned();
    if remaining > 0 {
        message.push_str(&format!(
            "; it still has {remaining} error(s) to fix there (e.g. pick each invoke's common module by name)"
        ));
    }
    diagnostics.push(Diagnostic::warning(Code::TutorialGraph, message).with_field(pointer(&["nodes"])));
    if !unknown_types.is_empty() {
        diagnostics.push(
            Diagnostic::warning(
                Code::TutorialGraph,
                format!("node types with no Architect counterpart became play nodes: {}", unknown_types.join(", ")),
            )
            .with_field(pointer(&["nodes"])),
        );
    }
    let fixed = serde_json::to_value(&document).ok();
    DoctorReport::new(PayloadKind::TutorialGraph, diagnostics, fixed)
}

/// Places converted nodes in columns by distance from the start, so the designer shows a readable graph.
fn layout(nodes: &mut [Node], edges: &[Edge], start: &str) {
    let index: rustc_hash::FxHashMap<String, usize> =
        nodes.iter().enumerate().map(|(i, n)| (n.id.clone(), i)).collect();
    let mut depth: Vec<Option<usize>> = vec![None; nodes.len()];
    let mut queue = std::collections::VecDeque::new();
    if let Some(&s) = index.get(start) {
        depth[s] = Some(0);
        queue.push_back(s);
    }
    while let Some(current) = queue.pop_front() {
        let next_depth = depth[current].unwrap_or(0) + 1;
        for edge in edges.iter().filter(|e| e.from == nodes[current].id) {
            if let Some(&target) = index.get(&edge.to) {
                if depth[target].is_none() {
                    depth[target] = Some(next_depth);
                    queue.push_back(target);
                }
            }
        }
    }
    let max_depth = depth.iter().flatten().copied().max().unwrap_or(0);
    let mut rows = vec![0usize; max_depth + 2];
    for (i, node) in nodes.iter_mut().enumerate() {
        let column = depth[i].unwrap_or(max_depth + 1);
        node.x = 40.0 + 240.0 * column as f64;
        node.y = 60.0 + 140.0 * rows[column] as f64;
        rows[column] += 1;
    }
}
