//! Criterion benchmarks: validation at 1k / 10k / 100k nodes on both generated shapes, one field
//! edit re-checked incrementally at 10k, one edge edit with the graph re-checked at 10k, the index alone, bulk move and delete of 10k selected nodes, Archy export at 2k nodes, a project's re-check after a module contract edit (4 flows of 2k nodes), and parsing.
//! Goals (issue 8): validate 10k ≤ 1 ms native, 100k ≤ 10× the 10k time, incremental edit at 10k
//! ≤ 1 ms. Run:
//! `cargo bench -p callflow-core`.

use callflow_core::command::{apply, Command, NodeMove};
use callflow_core::testing::{chain_flow, large_flow};
use criterion::{black_box, criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};

fn validate(c: &mut Criterion) {
    let mut group = c.benchmark_group("validate");
    for size in [1_000usize, 10_000, 100_000] {
        for (shape, document) in [("grid", large_flow(size)), ("chain", chain_flow(size))] {
            assert!(callflow_core::validate(&document).is_empty());
            group.throughput(Throughput::Elements(document.flow.nodes.len() as u64));
            group.bench_with_input(BenchmarkId::new(shape, size), &document, |b, document| {
                b.iter(|| callflow_core::validate(black_box(document)))
            });
        }
    }
    group.finish();
}

/// One field edit in the designer at 10k nodes: the `UpdateNode` command, then the incremental
/// re-check of that node (the index is reused) and the findings listed again.
fn incremental(c: &mut Criterion) {
    use callflow_core::validate::{is_content_edit, Validation};
    let mut group = c.benchmark_group("incremental_edit");
    for (shape, document, id) in [("grid", large_flow(10_000), "b700_play"), ("chain", chain_flow(10_000), "p2000")] {
        let index = callflow_core::FlowIndex::build(&document);
        let at = index.node(&document, id).expect("the generator makes this node");
        let mut document = document.clone();
        let mut validation = Validation::full(&document, &index);
        let mut round = 0u64;
        group.bench_function(BenchmarkId::new(shape, 10_000), |b| {
            b.iter(|| {
                round += 1;
                let before = document.flow.nodes[at].clone();
                let mut node = before.clone();
                node.label = format!("Edited {}", round % 2);
                let _ = apply(&mut document, &Command::UpdateNode { id: id.to_owned(), node });
                assert!(is_content_edit(&before, &document.flow.nodes[at]));
                validation.recheck_node(&document, &index, at);
                validation.findings().count()
            })
        });
    }
    group.finish();
}

/// One edge edit in the designer at 10k nodes: reconnect a port (`Connect`), rebuild the index and
/// re-check the graph, keeping every node's own findings.
fn graph_edit(c: &mut Criterion) {
    use callflow_core::validate::{is_edge_edit, Validation};
    let mut group = c.benchmark_group("edge_edit");
    for (shape, document, from, port, targets) in [
        ("grid", large_flow(10_000), "b700_check", "no", ["b700_lookup", "b700_count"]),
        ("chain", chain_flow(10_000), "m2000", "error", ["handler", "bye"]),
    ] {
        let mut document = document.clone();
        let index = callflow_core::FlowIndex::build(&document);
        let mut validation = Validation::full(&document, &index);
        let mut round = 0usize;
        group.bench_function(BenchmarkId::new(shape, 10_000), |b| {
            b.iter(|| {
                round += 1;
                let command = Command::Connect {
                    from: from.to_owned(),
                    port: port.to_owned(),
                    to: targets[round % 2].to_owned(),
                };
                assert!(is_edge_edit(&command));
                let _ = apply(&mut document, &command);
                let index = callflow_core::FlowIndex::build(&document);
                validation.recheck_graph(&document, &index);
                validation.findings().count()
            })
        });
    }
    group.finish();
}

fn index(c: &mut Criterion) {
    let document = large_flow(10_000);
    c.bench_function("flow_index/10000", |b| b.iter(|| callflow_core::FlowIndex::build(black_box(&document))));
}

fn bulk_edits(c: &mut Criterion) {
    let document = large_flow(10_000);
    let ids: Vec<String> = document.flow.nodes.iter().map(|n| n.id.clone()).collect();
    let moves: Vec<NodeMove> =
        document.flow.nodes.iter().map(|n| NodeMove { id: n.id.clone(), x: n.x + 20.0, y: n.y }).collect();
    let mut group = c.benchmark_group("bulk");
    group.sample_size(20);
    group.bench_function("move_all/10000", |b| {
        b.iter_batched_ref(
            || document.clone(),
            |d| apply(d, &Command::MoveNodes { moves: moves.clone() }).is_ok(),
            BatchSize::LargeInput,
        )
    });
    group.bench_function("delete_all/10000", |b| {
        b.iter_batched_ref(
            || document.clone(),
            |d| apply(d, &Command::RemoveNodes { ids: ids.clone() }).is_ok(),
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

fn export(c: &mut Criterion) {
    let document = large_flow(2_000);
    c.bench_function("archy_export/2000", |b| {
        b.iter(|| callflow_core::export::archy(black_box(&document)).map(|a| a.yaml.len()))
    });
}

/// Import and re-export of an Archy file of about 2,000 actions (the generator's flow, exported).
fn import(c: &mut Criterion) {
    let yaml = callflow_core::export::archy(&large_flow(2_000)).map(|a| a.yaml).unwrap_or_default();
    c.bench_function("archy_import/2000", |b| {
        b.iter(|| callflow_core::import::import_archy(black_box(&yaml)).map(|i| i.document.flow.nodes.len()))
    });
    let document = callflow_core::import::import_archy(&yaml).map(|i| i.document).unwrap_or_else(|_| large_flow(1));
    c.bench_function("archy_reexport/2000", |b| {
        b.iter(|| callflow_core::export::archy(black_box(&document)).map(|a| a.yaml.len()))
    });
}

/// What the designer does when the open module's contract changes in a project: every other flow
/// is checked again against the new catalog, then the project's own rules. One module and four
/// flows of 2,000 nodes; a single inbound flow never pays this.
fn project_recheck(c: &mut Criterion) {
    use callflow_core::project::{flow_findings, new_module, project_findings};
    let mut project = callflow_core::Project::from_document(large_flow(2_000));
    for i in 1..4 {
        let mut flow = large_flow(2_000).flow;
        flow.name = format!("Flow {i}");
        project.flows.push(flow);
    }
    project.flows.push(new_module("Module"));
    let open = project.flows.len() - 1;
    c.bench_function("project_recheck/4x2000", |b| {
        b.iter(|| {
            let catalog = black_box(&project).catalog();
            let others: usize = (0..project.flows.len())
                .filter(|&i| i != open)
                .map(|i| flow_findings(&project, &catalog, i).len())
                .sum();
            others + project_findings(&project.flows.iter().collect::<Vec<_>>()).len()
        })
    });
}

/// A simulated call of about 10,000 steps (9,998: a counter set to 0, then a loop of 4,997 turns
/// around one update, under the simulator's 10,000-step limit), the measure.
fn simulate(c: &mut Criterion) {
    use callflow_core::document::{Edge, Node, NodeBody, NodeKind, TypeName, ValueType, Variable};
    let mut document = callflow_core::Document::empty("Loop");
    document.flow.variables.push(Variable::new("Flow.n", TypeName::scalar(ValueType::Integer)));
    let mut turn = Node::new("turn", NodeKind::Loop, 200.0, 0.0);
    turn.body.set_text(callflow_core::document::FieldId::LoopCount, "4997".to_owned());
    let mut init = Node::new("init", NodeKind::SetVariable, 100.0, 0.0);
    init.body = NodeBody::SetVariable { variable: "Flow.n".into(), expression: "0".into() };
    let mut add = Node::new("add", NodeKind::SetVariable, 400.0, 0.0);
    add.body = NodeBody::SetVariable { variable: "Flow.n".into(), expression: "Flow.n + 1".into() };
    let mut queue = Node::new("queue", NodeKind::Transfer, 600.0, 0.0);
    queue.body = NodeBody::Transfer { queue: "Support".into() };
    document.flow.nodes.extend([init, turn, add, queue]);
    for (from, port, to) in [
        ("start", None, "init"),
        ("init", None, "turn"),
        ("turn", Some("loop"), "add"),
        ("add", None, "turn"),
        ("turn", Some("next"), "queue"),
    ] {
        document.flow.edges.push(Edge::new(from, port, to));
    }
    let mut check = callflow_core::simulate::Call::insisting(&document);
    assert!(matches!(
        check.start(),
        callflow_core::simulate::Event::Ended(callflow_core::simulate::Ending::Transferred { .. })
    ));
    assert_eq!(check.state.path.len(), 9_998);
    c.bench_function("simulate/10000_steps", |b| {
        b.iter(|| {
            let mut call = callflow_core::simulate::Call::insisting(black_box(&document));
            call.start();
            call.state.path.len()
        })
    });
}

/// Tidy layout of the grid and of the chain (every module error to one handler), whole flow.
fn tidy(c: &mut Criterion) {
    let sizes = callflow_core::testing::designer_sizes();
    let mut group = c.benchmark_group("tidy");
    for size in [500, 2_000] {
        for (shape, document) in [("grid", large_flow(size)), ("chain", chain_flow(size))] {
            let index = callflow_core::FlowIndex::build(&document);
            group.bench_with_input(BenchmarkId::new(shape, size), &document, |b, document| {
                b.iter(|| callflow_core::layout::tidy(black_box(document), &index, None, &sizes).len())
            });
        }
    }
    group.finish();
}

fn parse(c: &mut Criterion) {
    let text = large_flow(10_000).to_json();
    c.bench_function("parse/10000", |b| b.iter(|| callflow_core::parse(black_box(&text)).is_ok()));
}

criterion_group!(
    benches,
    validate,
    incremental,
    graph_edit,
    index,
    bulk_edits,
    export,
    import,
    project_recheck,
    simulate,
    tidy,
    parse
);
criterion_main!(benches);
