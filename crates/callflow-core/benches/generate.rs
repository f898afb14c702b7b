//! Deterministic generator of large, valid flows for benchmarks and scale tests: repeating blocks of
//! menu → play → invoke → decision → data action → update → loop decision, with shared nodes, loops
//! that have exits, one error handler and one final transfer. No randomness: the same size always gives
//! the same document.

#![allow(dead_code)]

use callflow_core::document::{
    Document, Edge, Mapping, MenuChoice, Module, Node, NodeKind, Parameter, Queue, TypeName, ValueType, Variable,
};

const BLOCK: usize = 7;

fn map(pairs: &[(&str, &str)]) -> Option<Mapping> {
    Some(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
}

/// A valid flow with about `nodes` nodes (at least one block).
pub fn large_flow(nodes: usize) -> Document {
    let blocks = (nodes.saturating_sub(4) / BLOCK).max(1);
    let mut document = Document::empty(&format!("Generated flow ({nodes} nodes)"));
    let flow = &mut document.flow;
    flow.variables = vec![
        Variable { name: "Flow.verified".into(), value_type: TypeName::scalar(ValueType::Boolean) },
        Variable { name: "Flow.count".into(), value_type: TypeName::scalar(ValueType::Integer) },
    ];
    let position = |index: usize| ((index % 40) as f64 * 220.0, (index / 40) as f64 * 140.0);
    let push = |flow: &mut callflow_core::document::Flow, node: Node| flow.nodes.push(node);
    let edge = |from: &str, port: Option<&str>, to: &str| Edge::new(from, port, to);

    for block in 0..blocks {
        let id = |name: &str| format!("b{block}_{name}");
        let base = 1 + block * BLOCK;
        let node = |name: &str, kind: NodeKind, offset: usize| {
            let (x, y) = position(base + offset);
            let mut node = Node::new(id(name), kind, x, y);
            node.label = format!("{} {block}", kind.title());
            node
        };
        let mut menu = node("menu", NodeKind::Menu, 0);
        menu.prompt = Some("Press 1 to continue, 2 to skip.".into());
        menu.choices = Some(vec![
            MenuChoice { digit: "1".into(), label: "Continue".into() },
            MenuChoice { digit: "2".into(), label: "Skip".into() },
        ]);
        let mut play = node("play", NodeKind::Play, 1);
        play.prompt = Some(format!("Step {block}."));
        let mut invoke = node("invoke", NodeKind::Invoke, 2);
        invoke.module = Some("Verify Caller".into());
        invoke.version = Some("latest".into());
        invoke.inputs = map(&[("Common.callerId", "Call.Ani")]);
        invoke.outputs = map(&[("Common.verified", "Flow.verified")]);
        let mut check = node("check", NodeKind::Decision, 3);
        check.expression = Some("Flow.verified".into());
        let mut lookup = node("lookup", NodeKind::DataAction, 4);
        lookup.category = Some("Web Services".into());
        lookup.action = Some("Get Account".into());
        lookup.inputs = map(&[("ani", "Call.Ani")]);
        lookup.timeout_seconds = Some(10);
        let mut count = node("count", NodeKind::SetVariable, 5);
        count.variable = Some("Flow.count".into());
        count.expression = Some("Flow.count + 1".into());
        let mut again = node("again", NodeKind::Decision, 6);
        again.expression = Some("Flow.count < 3".into());
        for node in [menu, play, invoke, check, lookup, count, again] {
            push(flow, node);
        }
        let next_block = if block + 1 < blocks { format!("b{}_menu", block + 1) } else { "queue".to_owned() };
        flow.edges.extend([
            edge(&id("menu"), Some("digit_1"), &id("play")),
            edge(&id("menu"), Some("digit_2"), &id("invoke")),
            edge(&id("menu"), Some("noInput"), &id("invoke")),
            edge(&id("play"), None, &id("invoke")),
            edge(&id("invoke"), Some("complete"), &id("check")),
            edge(&id("invoke"), Some("error"), "oops"),
            edge(&id("check"), Some("yes"), &id("count")),
            edge(&id("check"), Some("no"), &id("lookup")),
            edge(&id("lookup"), Some("success"), &id("count")),
            edge(&id("lookup"), Some("failure"), &id("count")),
            edge(&id("lookup"), Some("timeout"), &id("count")),
            edge(&id("count"), None, &id("again")),
            edge(&id("again"), Some("yes"), &id("play")),
            edge(&id("again"), Some("no"), &next_block),
        ]);
    }
    flow.edges.insert(0, edge("start", None, "b0_menu"));
    let (x, y) = position(blocks * BLOCK + 1);
    let mut queue = Node::new("queue", NodeKind::Transfer, x, y);
    queue.queue = Some("Support".into());
    let mut oops = Node::new("oops", NodeKind::Play, x, y + 140.0);
    oops.prompt = Some("Sorry, something went wrong.".into());
    let bye = Node::new("bye", NodeKind::Disconnect, x + 220.0, y);
    flow.nodes.extend([queue, oops, bye]);
    flow.edges.extend([edge("queue", Some("failure"), "bye"), edge("oops", None, "queue")]);

    document.modules = vec![Module {
        id: Some("0d4c6a8e-5b8e-4f0e-9a51-2f7d6c1b9e10".into()),
        name: "Verify Caller".into(),
        module_type: Default::default(),
        published: true,
        published_version: Some("3.0".into()),
        versions: Vec::new(),
        compatible_flow_types: vec!["inboundcall".into()],
        inputs: vec![Parameter {
            name: "Common.callerId".into(),
            value_type: TypeName::scalar(ValueType::String),
            required: true,
        }],
        outputs: vec![Parameter {
            name: "Common.verified".into(),
            value_type: TypeName::scalar(ValueType::Boolean),
            required: false,
        }],
    }];
    document.queues = vec![Queue { id: None, name: "Support".into() }];
    document
}
