//! Deterministic generators of large, valid flows for benchmarks and scale tests (feature
//! `testing`; used by the benches, the tests, `cargo xtask gen-flow` and the browser benchmark).
//!
//! Two shapes, because a canvas and a validator meet different costs in each:
//! - [`large_flow`], the grid: repeating blocks of menu → play → invoke → decision → data action →
//!   update → loop decision, with shared nodes, loops that have exits, one error handler and one
//!   final transfer, laid out 40 nodes to a row.
//! - [`chain_flow`]: one long chain of prompts and module calls in a single row, every invoke's
//!   error port wired to one handler, so a few nodes have thousands of edges and edges span the
//!   whole canvas.
//!
//! No randomness: the same size always gives the same document.

use crate::document::{
    Document, Edge, Mapping, MenuChoice, Module, ModuleCall, Node, NodeBody, NodeKind, Parameter, Queue, TypeName,
    ValueType, Variable,
};

const BLOCK: usize = 7;

fn map(pairs: &[(&str, &str)]) -> Mapping {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn verify_call() -> ModuleCall {
    ModuleCall {
        module: "Verify Caller".into(),
        module_id: None,
        version: Some("latest".into()),
        inputs: map(&[("Common.callerId", "Call.Ani")]),
        outputs: map(&[("Common.verified", "Flow.verified")]),
    }
}

/// A valid flow with about `nodes` nodes (at least one block).
pub fn large_flow(nodes: usize) -> Document {
    let blocks = (nodes.saturating_sub(4) / BLOCK).max(1);
    let mut document = Document::empty(&format!("Generated flow ({nodes} nodes)"));
    let flow = &mut document.flow;
    flow.variables = vec![
        Variable::new("Flow.verified", TypeName::scalar(ValueType::Boolean)),
        Variable::new("Flow.count", TypeName::scalar(ValueType::Integer)),
    ];
    let position = |index: usize| ((index % 40) as f64 * 220.0, (index / 40) as f64 * 140.0);
    let push = |flow: &mut crate::document::Flow, node: Node| flow.nodes.push(node);
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
        menu.body = NodeBody::Menu {
            prompt: "Press 1 to continue, 2 to skip.".into(),
            choices: vec![
                MenuChoice { digit: "1".into(), label: "Continue".into(), archy: None },
                MenuChoice { digit: "2".into(), label: "Skip".into(), archy: None },
            ],
        };
        let mut play = node("play", NodeKind::Play, 1);
        play.body = NodeBody::Play { prompt: format!("Step {block}.") };
        let mut invoke = node("invoke", NodeKind::Invoke, 2);
        invoke.body = NodeBody::Invoke(Box::new(verify_call()));
        let mut check = node("check", NodeKind::Decision, 3);
        check.body = NodeBody::Decision { expression: "Flow.verified".into() };
        let mut lookup = node("lookup", NodeKind::DataAction, 4);
        lookup.body = NodeBody::DataAction(Box::new(crate::document::DataActionCall {
            category: "Web Services".into(),
            action: "Get Account".into(),
            inputs: map(&[("ani", "Call.Ani")]),
            outputs: Mapping::default(),
            timeout_seconds: Some(10),
        }));
        let mut count = node("count", NodeKind::SetVariable, 5);
        count.body = NodeBody::SetVariable { variable: "Flow.count".into(), expression: "Flow.count + 1".into() };
        let mut again = node("again", NodeKind::Decision, 6);
        again.body = NodeBody::Decision { expression: "Flow.count < 3".into() };
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
    queue.body = NodeBody::Transfer { queue: "Support".into() };
    let mut oops = Node::new("oops", NodeKind::Play, x, y + 140.0);
    oops.body = NodeBody::Play { prompt: "Sorry, something went wrong.".into() };
    let bye = Node::new("bye", NodeKind::Disconnect, x + 220.0, y);
    flow.nodes.extend([queue, oops, bye]);
    flow.edges.extend([edge("queue", Some("failure"), "bye"), edge("oops", None, "queue")]);

    add_catalog(&mut document);
    document
}

fn add_catalog(document: &mut Document) {
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
        unknown_contract: false,
        authored: false,
    }];
    document.queues = vec![Queue { id: None, name: "Support".into() }];
}

/// A valid flow of about `nodes` nodes in one row: start, then play → invoke pairs, then a transfer;
/// every invoke's `error` port leads to one handler, which hangs up.
pub fn chain_flow(nodes: usize) -> Document {
    let pairs = (nodes.saturating_sub(4) / 2).max(1);
    let mut document = Document::empty(&format!("Generated chain ({nodes} nodes)"));
    let flow = &mut document.flow;
    flow.variables = vec![Variable::new("Flow.verified", TypeName::scalar(ValueType::Boolean))];
    let x = |index: usize| index as f64 * 220.0;
    flow.nodes[0].x = 0.0;
    flow.nodes[0].y = 0.0;
    let mut previous = "start".to_owned();
    for pair in 0..pairs {
        let play_id = format!("p{pair}");
        let invoke_id = format!("m{pair}");
        let mut play = Node::new(play_id.clone(), NodeKind::Play, x(1 + pair * 2), 0.0);
        play.label = format!("Step {pair}");
        play.body = NodeBody::Play { prompt: format!("Step {pair}.") };
        let mut invoke = Node::new(invoke_id.clone(), NodeKind::Invoke, x(2 + pair * 2), 0.0);
        invoke.label = format!("Verify {pair}");
        invoke.body = NodeBody::Invoke(Box::new(verify_call()));
        flow.nodes.extend([play, invoke]);
        let port = (pair > 0).then_some("complete");
        flow.edges.push(Edge::new(previous, port, play_id.clone()));
        flow.edges.push(Edge::new(play_id, None, invoke_id.clone()));
        flow.edges.push(Edge::new(invoke_id.clone(), Some("error"), "handler"));
        previous = invoke_id;
    }
    let end = x(1 + pairs * 2);
    let mut queue = Node::new("queue", NodeKind::Transfer, end, 0.0);
    queue.body = NodeBody::Transfer { queue: "Support".into() };
    let mut handler = Node::new("handler", NodeKind::Play, end / 2.0, 400.0);
    handler.label = "Sorry".into();
    handler.body = NodeBody::Play { prompt: "Sorry, something went wrong.".into() };
    let bye = Node::new("bye", NodeKind::Disconnect, end / 2.0 + 220.0, 400.0);
    flow.nodes.extend([queue, handler, bye]);
    flow.edges.push(Edge::new(previous, Some("complete"), "queue"));
    flow.edges.push(Edge::new("queue", Some("failure"), "bye"));
    flow.edges.push(Edge::new("handler", None, "bye"));
    add_catalog(&mut document);
    document
}

/// The designer's node sizes (`src/canvas/geometry.rs`), for tidy-layout tests and benchmarks.
pub fn designer_sizes() -> crate::layout::Sizes {
    fn height(ports: usize) -> f64 {
        40.0 + ports.max(1) as f64 * 20.0 + 6.0
    }
    crate::layout::Sizes { width: 168.0, height, grid: 20.0 }
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_shapes_are_valid_at_every_size() {
        for size in [10, 100, 1_000] {
            for document in [super::large_flow(size), super::chain_flow(size)] {
                assert_eq!(crate::validate(&document), Vec::new(), "{}", document.flow.name);
            }
        }
    }
}
