//! Properties over random and mangled input: commands undo exactly, JSON round trips are lossless,
//! and parse / validate / export / doctor never panic.

use callflow_core::command::{apply, Command, FlowProperties, NodeMove};
use callflow_core::document::{
    DataActionCall, Document, Edge, Mapping, MenuChoice, Module, ModuleCall, Node, NodeBody, NodeKind, Parameter,
    TypeName, Variable,
};
use callflow_core::{export, validate};
use proptest::prelude::*;

const IDS: [&str; 7] = ["start", "a", "b", "c", "d", "bye", "bad id"];
const PORTS: [&str; 10] =
    ["next", "complete", "error", "yes", "no", "success", "failure", "timeout", "digit_1", "noInput"];
const TYPES: [&str; 6] = ["string", "integer", "boolean", "decimal", "date[]", "duration"];
const EXPRESSIONS: [&str; 9] = ["Call.Ani", "\"text\"", "42", "4.5", "true", "NOT_SET", "Flow.v0", "(\"", ""];

fn id() -> impl Strategy<Value = String> {
    prop::sample::select(&IDS[..]).prop_map(str::to_owned)
}

fn expression() -> impl Strategy<Value = String> {
    prop::sample::select(&EXPRESSIONS[..]).prop_map(str::to_owned)
}

fn type_name() -> impl Strategy<Value = TypeName> {
    prop::sample::select(&TYPES[..]).prop_map(|t| TypeName::parse(t).unwrap())
}

fn mapping() -> impl Strategy<Value = Option<Mapping>> {
    prop::option::of(prop::collection::vec(
        (prop::sample::select(&["Common.callerId", "callerId", "Common.verified", "Flow.v0"][..]), expression()),
        0..3,
    ))
    .prop_map(|pairs| pairs.map(|pairs| pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()))
}

fn node() -> impl Strategy<Value = Node> {
    (
        id(),
        prop::sample::select(&NodeKind::ALL[..]),
        -1e4f64..1e4,
        -1e4f64..1e4,
        expression(),
        mapping(),
        mapping(),
        prop::option::of(-5i64..100),
        prop::collection::vec(prop::sample::select(&["1", "2", "1", "*", "#", "x"][..]), 0..4),
    )
        .prop_map(|(id, kind, x, y, text, inputs, outputs, timeout, digits)| {
            let mut node = Node::new(id, kind, x, y);
            let inputs = inputs.unwrap_or_default();
            let outputs: Mapping =
                outputs.unwrap_or_default().into_iter().map(|(k, _)| (k, "Flow.v0".to_owned())).collect();
            node.body = match kind {
                NodeKind::Play => NodeBody::Play { prompt: text },
                NodeKind::Menu => NodeBody::Menu {
                    prompt: text,
                    choices: digits
                        .into_iter()
                        .map(|d| MenuChoice { digit: d.to_owned(), label: String::new(), archy: None })
                        .collect(),
                },
                NodeKind::Decision => NodeBody::Decision { expression: text },
                NodeKind::SetVariable => NodeBody::SetVariable { variable: "Flow.v0".to_owned(), expression: text },
                NodeKind::Invoke => NodeBody::Invoke(Box::new(ModuleCall {
                    module: if timeout.is_some() { "M" } else { "Missing" }.to_owned(),
                    module_id: None,
                    version: Some(if x > 0.0 { "latest" } else { "9" }.to_owned()),
                    inputs,
                    outputs,
                })),
                NodeKind::DataAction => NodeBody::DataAction(Box::new(DataActionCall {
                    category: "Web Services".to_owned(),
                    action: "Get".to_owned(),
                    inputs,
                    outputs: Mapping::default(),
                    timeout_seconds: timeout,
                })),
                NodeKind::Transfer => NodeBody::Transfer { queue: text },
                NodeKind::Task => NodeBody::Task { ref_id: String::new() },
                NodeKind::Archy => NodeBody::Archy(Box::new(callflow_core::document::ArchyAction {
                    action: if timeout.is_some() { "evaluateScheduleGroup" } else { "" }.to_owned(),
                    paths: vec![callflow_core::document::PortName::Emergency],
                })),
                NodeKind::Start | NodeKind::Disconnect | NodeKind::JumpToTask | NodeKind::JumpToMenu => {
                    NodeBody::new(kind)
                }
                // Table-described kinds: every field from the generated text (valid or not).
                _ => {
                    let mut body = NodeBody::new(kind);
                    for spec in kind.spec().fields {
                        body.set_text(spec.id, text.clone());
                    }
                    body
                }
            };
            node
        })
}

fn edge() -> impl Strategy<Value = Edge> {
    (id(), prop::option::of(prop::sample::select(&PORTS[..])), id())
        .prop_map(|(from, port, to)| Edge::new(from, port, to))
}

fn module() -> impl Strategy<Value = Module> {
    (any::<bool>(), type_name(), any::<bool>()).prop_map(|(published, value_type, required)| Module {
        id: None,
        name: "M".to_owned(),
        module_type: Default::default(),
        published,
        published_version: published.then(|| "1.0".to_owned()),
        versions: Vec::new(),
        compatible_flow_types: vec!["inboundcall".to_owned()],
        inputs: vec![Parameter { name: "Common.callerId".to_owned(), value_type, required }],
        outputs: vec![Parameter { name: "Common.verified".to_owned(), value_type, required: false }],
        unknown_contract: false,
        authored: false,
    })
}

/// `text` with random edits: remove, insert or replace a character, or cut the rest.
fn mangle(text: &str, edits: &[(prop::sample::Index, u8, char)]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for (at, operation, c) in edits {
        if chars.is_empty() {
            break;
        }
        let index = at.index(chars.len());
        match operation {
            0 => {
                chars.remove(index);
            }
            1 => chars.insert(index, *c),
            2 => chars[index] = *c,
            _ => chars.truncate(index),
        }
    }
    chars.into_iter().collect()
}

fn document() -> impl Strategy<Value = Document> {
    (
        prop::collection::vec(node(), 0..10),
        prop::collection::vec(edge(), 0..14),
        prop::collection::vec(type_name(), 0..3),
        prop::collection::vec(module(), 0..2),
        "[a-zA-Z ]{0,12}",
        id(),
    )
        .prop_map(|(nodes, edges, types, modules, name, start)| {
            let mut document = Document::empty(&name);
            document.flow.start_node_id = start;
            document.flow.nodes.extend(nodes);
            document.flow.edges = edges;
            document.flow.variables = types
                .into_iter()
                .enumerate()
                .map(|(i, value_type)| Variable::new(format!("Flow.v{i}"), value_type))
                .collect();
            document.modules = modules;
            document
        })
}

fn command() -> impl Strategy<Value = Command> {
    let leaf = prop_oneof![
        node().prop_map(|node| Command::AddNode { node }),
        (0usize..12, node()).prop_map(|(index, node)| Command::InsertNode { index, node }),
        id().prop_map(|id| Command::RemoveNode { id }),
        (0usize..12).prop_map(|index| Command::RemoveNodeAt { index }),
        prop::collection::vec((id(), -100f64..100.0, -100f64..100.0), 0..4).prop_map(|moves| Command::MoveNodes {
            moves: moves.into_iter().map(|(id, x, y)| NodeMove { id, x, y }).collect()
        }),
        (id(), node()).prop_map(|(id, mut node)| {
            node.id = id.clone();
            Command::UpdateNode { id, node }
        }),
        (id(), id()).prop_map(|(from, to)| Command::RenameNode { from, to }),
        (edge(), prop::option::of(0usize..16)).prop_map(|(edge, index)| Command::AddEdge { edge, index }),
        (0usize..16).prop_map(|index| Command::RemoveEdge { index }),
        (0usize..16, edge()).prop_map(|(index, edge)| Command::SetEdge { index, edge }),
        (id(), prop::sample::select(&PORTS[..]), id()).prop_map(|(from, port, to)| Command::Connect {
            from,
            port: port.to_owned(),
            to
        }),
        (id(), prop::sample::select(&PORTS[..]))
            .prop_map(|(from, port)| Command::Disconnect { from, port: port.to_owned() }),
        ("[a-z ]{0,8}", id()).prop_map(|(name, start_node_id)| Command::SetFlowProperties {
            properties: FlowProperties {
                name,
                description: None,
                division: String::new(),
                default_language: "en-us".to_owned(),
                start_node_id,
                initial_greeting: None,
                compatible_flow_types: Vec::new(),
            }
        }),
        (type_name(), prop::option::of(0usize..4)).prop_map(|(value_type, index)| Command::AddVariable {
            variable: Variable::new("Flow.added", value_type),
            index
        }),
        (0usize..4).prop_map(|index| Command::RemoveVariable { index }),
        prop::collection::vec(module(), 0..3).prop_map(|modules| Command::SetModules { modules }),
        (module(), prop::option::of(0usize..3)).prop_map(|(module, index)| Command::AddModule { module, index }),
        (0usize..3).prop_map(|index| Command::RemoveModule { index }),
        prop::collection::vec(id(), 0..5).prop_map(|ids| Command::RemoveNodes { ids }),
        (0usize..12, id()).prop_map(|(index, id)| Command::SetNodeId { index, id }),
        (0usize..4, type_name()).prop_map(|(index, value_type)| Command::UpdateVariable {
            index,
            variable: Variable::new("Flow.changed", value_type)
        }),
        (0usize..3, module()).prop_map(|(index, module)| Command::UpdateModule { index, module }),
        prop::collection::vec("[A-Za-z]{1,6}", 0..3).prop_map(|names| Command::SetQueues {
            queues: names.into_iter().map(|name| callflow_core::document::Queue { id: None, name }).collect()
        }),
    ];
    leaf.prop_recursive(2, 12, 4, |inner| {
        prop::collection::vec(inner, 0..4).prop_map(|commands| Command::Batch { commands })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn apply_then_inverse_restores_the_document(original in document(), commands in prop::collection::vec(command(), 1..6)) {
        let mut document = original.clone();
        let mut undo = Vec::new();
        for command in &commands {
            let before = document.clone();
            match apply(&mut document, command) {
                Ok(inverse) => undo.push(inverse),
                // A refused command leaves the document exactly as it was.
                Err(_) => prop_assert_eq!(&document, &before),
            }
        }
        for inverse in undo.iter().rev() {
            prop_assert!(apply(&mut document, inverse).is_ok());
        }
        prop_assert_eq!(document, original);
    }

    #[test]
    fn redo_after_undo_gives_the_same_document(original in document(), command in command()) {
        let mut document = original.clone();
        if let Ok(inverse) = apply(&mut document, &command) {
            let after = document.clone();
            let redo = apply(&mut document, &inverse).unwrap();
            prop_assert_eq!(&document, &original);
            apply(&mut document, &redo).unwrap();
            prop_assert_eq!(document, after);
        }
    }

    #[test]
    fn random_documents_never_panic_and_round_trip(document in document()) {
        let findings = validate(&document);
        let archy = export::archy(&document);
        // Exports are blocked exactly when validation reports an error.
        prop_assert_eq!(archy.is_err(), findings.iter().any(|f| f.is_error()));
        let _ = export::terraform(&document);
        let text = document.to_json();
        let parsed = callflow_core::parse(&text).unwrap();
        prop_assert_eq!(&parsed, &document);
        let _ = callflow_core::doctor(&text);
    }

    #[test]
    fn mangled_text_never_panics(seed in 0usize..6, edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..4, any::<char>()), 1..8)) {
        let templates = [
            include_str!("../../../public/templates/seed-002-verify-then-queue.flow.json"),
            include_str!("../../../public/templates/business-hours-menu.flow.json"),
            include_str!("../../../public/templates/data-action-lookup.flow.json"),
            include_str!("../../../public/templates/three-modules.flow.json"),
            include_str!("fixtures/export/retry-loop.flow.json"),
            "{\"flowId\": \"f\", \"inputs\": {\"customerId\": 1}}",
        ];
        let text = mangle(templates[seed], &edits);
        let findings = callflow_core::check(&text);
        if let Ok(document) = callflow_core::parse(&text) {
            let _ = export::archy(&document);
            let _ = export::terraform(&document);
        } else {
            prop_assert!(findings.iter().any(|f| f.code.as_str() == "invalid-document"));
        }
        let _ = callflow_core::doctor(&text);
    }

    /// Mangled Archy files never make the import panic: it imports or says what is wrong, and what
    /// it imports exports without panicking.
    #[test]
    fn mangled_archy_never_panics(seed in 0usize..2, edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..4, any::<char>()), 1..8)) {
        let files = [
            include_str!("fixtures/import/business-hours-ivr.yaml"),
            include_str!("fixtures/import/substitutions.yaml"),
        ];
        let text = mangle(files[seed], &edits);
        match callflow_core::import::import_archy(&text) {
            Ok(imported) => {
                let _ = callflow_core::validate(&imported.document);
                let _ = export::archy(&imported.document);
            }
            Err(finding) => prop_assert_eq!(finding.code.as_str(), "invalid-document"),
        }
    }
}

#[test]
fn a_deep_chain_of_decisions_exports_without_exhausting_the_stack() {
    // 20,000 nested decisions: the writer makes deep branches tasks of their own.
    let mut document = Document::empty("deep");
    let count = 20_000;
    for i in 0..count {
        let mut node = Node::new(format!("d{i}"), NodeKind::Decision, 0.0, 0.0);
        node.body = NodeBody::Decision { expression: "true".to_owned() };
        document.flow.nodes.push(node);
    }
    document.flow.nodes.push(Node::new("bye", NodeKind::Disconnect, 0.0, 0.0));
    document.flow.edges.push(Edge::new("start", None, "d0"));
    for i in 0..count {
        let next = if i + 1 < count { format!("d{}", i + 1) } else { "bye".to_owned() };
        document.flow.edges.push(Edge::new(format!("d{i}"), Some("yes"), next));
        document.flow.edges.push(Edge::new(format!("d{i}"), Some("no"), "bye"));
    }
    assert!(validate(&document).is_empty());
    let archy = export::archy(&document).unwrap();
    // Every decision is written, down to the last one (deep ones become tasks of their own).
    assert!(archy.yaml.contains("name: Decision (d19999)"), "the last decision is missing");
    // And a straight chain of 100,000 plays costs no stack either.
    let mut chain = Document::empty("chain");
    for i in 0..100_000 {
        let mut node = Node::new(format!("p{i}"), NodeKind::Play, 0.0, 0.0);
        node.body = NodeBody::Play { prompt: "hi".to_owned() };
        chain.flow.nodes.push(node);
        let from = if i == 0 { "start".to_owned() } else { format!("p{}", i - 1) };
        chain.flow.edges.push(Edge::new(from, None, format!("p{i}")));
    }
    chain.flow.nodes.push(Node::new("bye", NodeKind::Disconnect, 0.0, 0.0));
    chain.flow.edges.push(Edge::new("p99999", None, "bye"));
    assert!(validate(&chain).is_empty());
    assert!(export::archy(&chain).is_ok());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, .. ProptestConfig::default() })]

    /// Any text a user types (labels, prompts, module and queue names) reads back from the YAML unchanged.
    #[test]
    fn yaml_scalars_read_back_exactly(label in any::<String>(), prompt in any::<String>(), queue in "\\PC{1,20}") {
        let mut document = Document::empty("quoting");
        let mut play = Node::new("p", NodeKind::Play, 0.0, 0.0);
        play.label = label.clone();
        let prompt = if prompt.trim().is_empty() { "x".to_owned() } else { prompt.clone() };
        play.body = NodeBody::Play { prompt: prompt.clone() };
        let mut transfer = Node::new("t", NodeKind::Transfer, 0.0, 0.0);
        let queue = if queue.trim().is_empty() { "q".to_owned() } else { queue.clone() };
        transfer.body = NodeBody::Transfer { queue: queue.clone() };
        document.flow.nodes.extend([play.clone(), transfer.clone()]);
        document.flow.edges.extend([Edge::new("start", None, "p"), Edge::new("p", None, "t")]);
        prop_assume!(validate(&document).iter().all(|f| !f.is_error()));
        let yaml = export::archy(&document).unwrap().yaml;
        let value: serde_norway::Value = serde_norway::from_str(&yaml).map_err(|e| TestCaseError::fail(format!("{e}\n{yaml}")))?;
        let actions = &value["inboundCall"]["tasks"][0]["task"]["actions"];
        prop_assert_eq!(actions[0]["playAudio"]["audio"]["tts"].as_str(), Some(prompt.as_str()));
        let expected_name = if label.trim().is_empty() { "Play audio p".to_owned() } else { label.trim().to_owned() };
        prop_assert_eq!(actions[0]["playAudio"]["name"].as_str(), Some(expected_name.as_str()));
        prop_assert_eq!(actions[1]["transferToAcd"]["targetQueue"]["lit"]["name"].as_str(), Some(queue.as_str()));
    }
}

/// One step of an editing session: any command, or an edit of one node's fields that keeps its
/// kind and ports (the edit the designer re-checks incrementally).
#[derive(Debug, Clone)]
enum Edit {
    Command(Command),
    Fields { node: prop::sample::Index, label: String, text: String, inputs: Option<Mapping> },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        1 => command().prop_map(Edit::Command),
        3 => (any::<prop::sample::Index>(), "[a-z ]{0,6}", expression(), mapping())
            .prop_map(|(node, label, text, inputs)| Edit::Fields { node, label, text, inputs }),
    ]
}

/// The `UpdateNode` a field edit makes of the current document, if it has nodes.
fn field_edit(
    document: &Document,
    node: &prop::sample::Index,
    label: &str,
    text: &str,
    inputs: &Option<Mapping>,
) -> Option<Command> {
    if document.flow.nodes.is_empty() {
        return None;
    }
    let mut updated = document.flow.nodes[node.index(document.flow.nodes.len())].clone();
    updated.label = label.to_owned();
    for spec in updated.kind().spec().fields {
        updated.body.set_text(spec.id, text.to_owned());
    }
    if let (NodeBody::Invoke(call), Some(inputs)) = (&mut updated.body, inputs) {
        call.inputs = inputs.clone();
    }
    Some(Command::UpdateNode { id: updated.id.clone(), node: updated })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    /// The designer keeps a `Validation` across edits: it re-checks one node after a field edit,
    /// the graph after an edge edit, and everything after any other edit; it must always equal a
    /// full run.
    #[test]
    fn incremental_validation_equals_a_full_run(original in document(), edits in prop::collection::vec(edit(), 1..12)) {
        use callflow_core::index::FlowIndex;
        use callflow_core::validate::{is_content_edit, is_edge_edit, validate_indexed, Validation};
        let mut document = original;
        let mut index = FlowIndex::build(&document);
        let mut validation = Validation::full(&document, &index);
        for edit in &edits {
            let command = match edit {
                Edit::Command(command) => command.clone(),
                Edit::Fields { node, label, text, inputs } => match field_edit(&document, node, label, text, inputs) {
                    Some(command) => command,
                    None => continue,
                },
            };
            // What the designer does: find the node by the index before the edit.
            let before = match &command {
                Command::UpdateNode { id, .. } => index.node(&document, id).map(|at| (at, document.flow.nodes[at].clone())),
                _ => None,
            };
            if apply(&mut document, &command).is_err() {
                continue;
            }
            match before {
                Some((at, before)) if is_content_edit(&before, &document.flow.nodes[at]) => {
                    validation.recheck_node(&document, &index, at);
                }
                _ if is_edge_edit(&command) => {
                    index = FlowIndex::build(&document);
                    validation.recheck_graph(&document, &index);
                }
                _ => {
                    index = FlowIndex::build(&document);
                    validation = Validation::full(&document, &index);
                }
            }
            let incremental: Vec<_> = validation.findings().cloned().collect();
            prop_assert_eq!(incremental, validate_indexed(&document, &FlowIndex::build(&document)));
        }
    }
}
