//! Tidy layout on the templates, on scrambled copies of them and on large generated flows: no two
//! nodes overlap, the happy path is one level row that ends at the transfer, error paths lie below
//! everything else, and the result does not depend on where the nodes were.

use std::path::Path;

use callflow_core::command::{apply, Command};
use callflow_core::document::NodeKind;
use callflow_core::layout::{is_error_port, tidy, Sizes};
use callflow_core::testing::{chain_flow, large_flow};
use callflow_core::{Document, FlowIndex};

fn height(ports: usize) -> f64 {
    (SIZES.height)(ports)
}

const SIZES: Sizes = {
    // The designer's node size (src/canvas/geometry.rs), as `testing::designer_sizes` has it.
    fn height(ports: usize) -> f64 {
        40.0 + ports.max(1) as f64 * 20.0 + 6.0
    }
    Sizes { width: 168.0, height, grid: 20.0 }
};

fn template(name: &str) -> Document {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../public/templates").join(name);
    callflow_core::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
}

const TEMPLATES: [&str; 5] = [
    "seed-002-verify-then-queue.flow.json",
    "business-hours-menu.flow.json",
    "data-action-lookup.flow.json",
    "three-modules.flow.json",
    "every-step.flow.json",
];

fn tidied(document: &Document, selection: Option<&[usize]>) -> Document {
    let index = FlowIndex::build(document);
    let moves = tidy(document, &index, selection, &SIZES);
    let mut after = document.clone();
    apply(&mut after, &Command::MoveNodes { moves }).unwrap();
    after
}

/// Scatters the nodes deterministically (a linear congruential walk), as a trainee's canvas.
fn scrambled(document: &Document) -> Document {
    let mut scattered = document.clone();
    let mut seed: u64 = 0x2545_f491;
    for node in &mut scattered.flow.nodes {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        node.x = (seed >> 33) as f64 % 1_200.0;
        node.y = (seed >> 13) as f64 % 900.0;
    }
    scattered
}

/// The document with only the nodes at the positions `keep` accepts (to check a part of a layout).
fn keep_nodes(document: &Document, keep: impl Fn(usize) -> bool) -> Document {
    let mut part = document.clone();
    part.flow.nodes =
        document.flow.nodes.iter().enumerate().filter(|&(i, _)| keep(i)).map(|(_, n)| n.clone()).collect();
    part
}

fn overlaps(document: &Document) -> Vec<(String, String)> {
    let boxes: Vec<(f64, f64, f64, f64, &str)> = document
        .flow
        .nodes
        .iter()
        .map(|n| (n.x, n.y, n.x + SIZES.width, n.y + height(n.body.port_count()), n.id.as_str()))
        .collect();
    let mut sorted: Vec<usize> = (0..boxes.len()).collect();
    sorted.sort_by(|&a, &b| boxes[a].0.total_cmp(&boxes[b].0));
    let mut found = Vec::new();
    for (i, &a) in sorted.iter().enumerate() {
        for &b in &sorted[i + 1..] {
            if boxes[b].0 >= boxes[a].2 {
                break;
            }
            if boxes[a].1 < boxes[b].3 && boxes[b].1 < boxes[a].3 {
                found.push((boxes[a].4.to_owned(), boxes[b].4.to_owned()));
            }
        }
    }
    found
}

/// The happy path as the layout defines it, checked independently: from the start, the first
/// non-error port of each node, stopping at the transfer.
fn first_port_walk(document: &Document) -> Vec<usize> {
    let index = FlowIndex::build(document);
    let mut at = index.start_node(document).unwrap();
    let mut path = vec![at];
    while document.flow.nodes[at].kind() != NodeKind::Transfer && path.len() < 100 {
        let node = &document.flow.nodes[at];
        let next = node
            .ports()
            .filter(|p| !is_error_port(p.name))
            .find_map(|p| index.target(at, p.name))
            .unwrap_or_else(|| panic!("{} has no way on", node.id));
        path.push(next);
        at = next;
    }
    path
}

#[test]
fn templates_tidy_without_overlaps_on_a_level_happy_path() {
    for name in TEMPLATES {
        let document = scrambled(&template(name));
        let after = tidied(&document, None);
        assert_eq!(overlaps(&after), Vec::<(String, String)>::new(), "{name}");
        let index = FlowIndex::build(&after);
        let start = index.start_node(&after).unwrap();
        let row = after.flow.nodes[start].y;
        // Every node on the first-port walk to the transfer sits on the start's row, left to right.
        if name != "every-step.flow.json" {
            let path = first_port_walk(&after);
            for pair in path.windows(2) {
                let (a, b) = (&after.flow.nodes[pair[0]], &after.flow.nodes[pair[1]]);
                assert_eq!(b.y, row, "{name}: {} is off the happy row", b.id);
                assert!(b.x > a.x, "{name}: {} is not right of {}", b.id, a.id);
            }
        }
        // Nothing is above the happy row, and every node sits on the grid.
        for node in &after.flow.nodes {
            assert!(node.y >= row, "{name}: {} is above the happy row", node.id);
            assert_eq!((node.x % 20.0, node.y % 20.0), (0.0, 0.0), "{name}: {}", node.id);
        }
        // Validation does not care where nodes are.
        assert_eq!(callflow_core::validate(&after), callflow_core::validate(&document), "{name}");
    }
}

#[test]
fn error_paths_lie_below_the_branches() {
    // seed 002: the module's error path leads to the hang-up, reached by no other path; business
    // hours: the menu's silence and every failed transfer lead to a hang-up that the holiday
    // message reaches too, so that one is a branch.
    let after = tidied(&scrambled(&template("seed-002-verify-then-queue.flow.json")), None);
    let index = FlowIndex::build(&after);
    let at = |id: &str| after.flow.nodes.iter().position(|n| n.id == id).unwrap();
    let error_only = [at("bye")];
    let bottom_of_others = after
        .flow
        .nodes
        .iter()
        .enumerate()
        .filter(|(i, _)| !error_only.contains(i))
        .map(|(_, n)| n.y + height(n.body.port_count()))
        .fold(f64::MIN, f64::max);
    for &node in &error_only {
        assert!(
            after.flow.nodes[node].y >= bottom_of_others,
            "{} sits below every other node",
            after.flow.nodes[node].id
        );
    }
    assert!(index.start_node(&after).is_some());
}

#[test]
fn the_layout_is_deterministic_and_ignores_old_positions() {
    for name in TEMPLATES {
        let document = template(name);
        let once = tidied(&scrambled(&document), None);
        let mut other = document.clone();
        for node in &mut other.flow.nodes {
            node.x = 0.0;
            node.y = 0.0;
        }
        let twice = tidied(&other, None);
        let positions = |d: &Document| d.flow.nodes.iter().map(|n| (n.x, n.y)).collect::<Vec<_>>();
        // Same shape (the corner is kept, so compare relative to the start node).
        let relative = |d: &Document| {
            let start = FlowIndex::build(d).start_node(d).unwrap();
            let (sx, sy) = (d.flow.nodes[start].x, d.flow.nodes[start].y);
            positions(d).into_iter().map(|(x, y)| (x - sx, y - sy)).collect::<Vec<_>>()
        };
        assert_eq!(relative(&once), relative(&twice), "{name}");
        assert_eq!(positions(&tidied(&once, None)), positions(&once), "{name}: tidying a tidy flow moves nothing");
    }
}

#[test]
fn a_selection_moves_only_its_nodes() {
    let document = scrambled(&template("business-hours-menu.flow.json"));
    let chosen: Vec<usize> = (1..document.flow.nodes.len().min(5)).collect();
    let after = tidied(&document, Some(&chosen));
    for (i, (before, now)) in document.flow.nodes.iter().zip(&after.flow.nodes).enumerate() {
        if !chosen.contains(&i) {
            assert_eq!((before.x, before.y), (now.x, now.y), "{} moved", before.id);
        }
    }
    let selected = keep_nodes(&after, |i| chosen.contains(&i));
    assert!(overlaps(&selected).is_empty());
    // The selection keeps its corner.
    let corner = |d: &Document| chosen.iter().map(|&i| d.flow.nodes[i].x).fold(f64::INFINITY, f64::min);
    assert_eq!(corner(&after), (corner(&document) / 20.0).round() * 20.0);
}

#[test]
fn large_flows_tidy_without_overlaps() {
    for document in [large_flow(2_000), chain_flow(2_000), scrambled(&large_flow(500))] {
        let after = tidied(&document, None);
        assert!(overlaps(&after).is_empty(), "{} nodes", document.flow.nodes.len());
        let index = FlowIndex::build(&after);
        let start = index.start_node(&after).unwrap();
        assert!(after.flow.nodes.iter().all(|n| n.y >= after.flow.nodes[start].y));
    }
}

#[test]
fn broken_flows_do_not_panic() {
    let mut document = template("every-step.flow.json");
    document.flow.edges.push(callflow_core::Edge {
        from: "nowhere".into(),
        to: "nothing".into(),
        port: None,
        ..document.flow.edges[0].clone()
    });
    document.flow.start_node_id = "missing".into();
    let after = tidied(&document, None);
    assert!(overlaps(&after).is_empty());
    let mut empty = keep_nodes(&document, |_| false);
    empty.flow.edges.clear();
    assert!(tidy(&empty, &FlowIndex::build(&empty), None, &SIZES).is_empty());
}

#[test]
fn a_presentation_walks_the_happy_path_first_and_every_node_once() {
    for name in TEMPLATES {
        let document = template(name);
        let index = FlowIndex::build(&document);
        let order = callflow_core::layout::walk_order(&document, &index);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..document.flow.nodes.len()).collect::<Vec<_>>(), "{name}: each node once");
        if name != "every-step.flow.json" {
            let happy = first_port_walk(&document);
            assert_eq!(order[..happy.len()], happy[..], "{name}: the happy path comes first");
        }
    }
}

#[test]
fn branches_keep_the_order_of_their_ports() {
    // The schedule group's closed path is drawn above its holiday path, as its ports are.
    let after = tidied(&scrambled(&template("business-hours-menu.flow.json")), None);
    let at = |id: &str| after.flow.nodes.iter().find(|n| n.id == id).map(|n| (n.x, n.y)).unwrap();
    assert_eq!(at("closed").0, at("holiday").0, "one column");
    assert!(at("closed").1 < at("holiday").1, "closed {:?} above holiday {:?}", at("closed"), at("holiday"));
}

#[test]
fn repeated_ids_self_links_and_a_missing_start_do_not_overlap() {
    let mut document = template("business-hours-menu.flow.json");
    // A second node with the id of the menu, a self-link, and no start.
    let mut copy = document.flow.nodes.iter().find(|n| n.id == "main").unwrap().clone();
    copy.label = "A second main".into();
    document.flow.nodes.push(copy);
    document.flow.edges.push(callflow_core::Edge {
        id: None,
        from: "welcome".into(),
        port: None,
        to: "welcome".into(),
    });
    document.flow.start_node_id = "nowhere".into();
    let after = tidied(&scrambled(&document), None);
    let index = FlowIndex::build(&after);
    // The repeated id is left where it was (moves are by id); every other node is laid out.
    let laid_out = keep_nodes(&after, |i| index.is_first(i));
    assert_eq!(overlaps(&laid_out), Vec::<(String, String)>::new());
    assert_eq!(
        after.flow.nodes.last().map(|n| (n.x, n.y)),
        scrambled(&document).flow.nodes.last().map(|n| (n.x, n.y)),
        "the repeated id did not move"
    );
}

mod random_graphs {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Any wiring of the every-kind template's nodes (their heights differ), any start, any
        /// selection: no two laid-out nodes overlap, and tidying again moves nothing.
        #[test]
        fn any_graph_tidies_without_overlaps(
            links in prop::collection::vec((0usize..64, 0usize..64, 0usize..8), 0..120),
            start in 0usize..64,
            chosen in prop::collection::vec(any::<bool>(), 64),
            whole in any::<bool>(),
        ) {
            let mut document = template("every-step.flow.json");
            let count = document.flow.nodes.len();
            document.flow.edges.clear();
            for (from, to, port) in links {
                let (from, to) = (from % count, to % count);
                let ports: Vec<_> = document.flow.nodes[from].ports().map(|p| p.name.as_str().to_owned()).collect();
                let port = (!ports.is_empty()).then(|| ports[port % ports.len()].clone());
                let (from, to) = (document.flow.nodes[from].id.clone(), document.flow.nodes[to].id.clone());
                document.flow.edges.push(callflow_core::Edge { id: None, from, port, to });
            }
            document.flow.start_node_id = document.flow.nodes[start % count].id.clone();
            let document = scrambled(&document);
            let selection: Vec<usize> = (0..count).filter(|&i| chosen[i]).collect();
            let selection = if whole { None } else { Some(selection.as_slice()) };
            let after = tidied(&document, selection);
            let moved: Vec<usize> = match selection {
                Some(chosen) => chosen.to_vec(),
                None => (0..count).collect(),
            };
            let laid_out = keep_nodes(&after, |i| moved.contains(&i));
            prop_assert_eq!(overlaps(&laid_out), Vec::<(String, String)>::new());
            // Nor does a tidied selection land on the nodes around it (first ids: moves are by id).
            let index = FlowIndex::build(&after);
            let firsts = keep_nodes(&after, |i| index.is_first(i));
            let moved_ids: std::collections::BTreeSet<&str> = moved.iter().map(|&i| after.flow.nodes[i].id.as_str()).collect();
            let onto_others: Vec<(String, String)> = overlaps(&firsts)
                .into_iter()
                .filter(|(a, b)| moved_ids.contains(a.as_str()) != moved_ids.contains(b.as_str()))
                .collect();
            prop_assert_eq!(onto_others, Vec::<(String, String)>::new());
            let again = tidied(&after, selection);
            let positions = |d: &Document| d.flow.nodes.iter().map(|n| (n.x, n.y)).collect::<Vec<_>>();
            prop_assert_eq!(positions(&again), positions(&after));
        }
    }
}

mod crossings {
    use super::*;
    use proptest::prelude::*;

    /// Pairs of edges between neighbouring columns that cross in the drawing (by the height of
    /// their ends; edges leaving one node or entering one node never count).
    fn crossings(document: &Document) -> usize {
        let index = FlowIndex::build(document);
        let nodes = &document.flow.nodes;
        let mut segments = Vec::new();
        for ends in index.edges() {
            let (Some(from), Some(to)) = (ends.from, ends.to) else { continue };
            let (a, b) = (&nodes[from as usize], &nodes[to as usize]);
            let port = ends.port.map(|p| a.ports().position(|q| q.name == p).unwrap_or(0)).unwrap_or(0);
            segments.push((from, to, a.x, a.y + 50.0 + 20.0 * port as f64, b.x, b.y));
        }
        let mut count = 0;
        for (i, s) in segments.iter().enumerate() {
            for t in &segments[i + 1..] {
                let same_columns = s.2 == t.2 && s.4 == t.4;
                if !same_columns || s.0 == t.0 || s.1 == t.1 {
                    continue;
                }
                if (s.3 - t.3).signum() * (s.5 - t.5).signum() < 0.0 {
                    count += 1;
                }
            }
        }
        count
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// A tree of plain paths (no error ports) always has a drawing without crossings; tidy
        /// finds it, whatever the document order and the old positions.
        #[test]
        fn a_tree_tidies_without_crossings(parents in prop::collection::vec((0usize..1000, 0usize..8), 1..40)) {
            let every = template("every-step.flow.json");
            // Branching kinds only, so that every node has plain ports to hang children on.
            let kinds: Vec<&callflow_core::Node> = every
                .flow
                .nodes
                .iter()
                .filter(|n| n.ports().filter(|p| !is_error_port(p.name)).count() >= 2)
                .collect();
            let mut document = every.clone();
            document.flow.nodes = Vec::new();
            document.flow.edges = Vec::new();
            let mut start = every.flow.nodes.iter().find(|n| n.kind() == NodeKind::Start).unwrap().clone();
            start.id = "n0".into();
            document.flow.nodes.push(start);
            document.flow.start_node_id = "n0".into();
            let mut free: Vec<Vec<String>> = vec![vec!["next".to_owned()]];
            for (i, (parent, port)) in parents.into_iter().enumerate() {
                let mut node = kinds[i % kinds.len()].clone();
                node.id = format!("n{}", i + 1);
                // Hang it on a free plain port of an earlier node.
                let owners: Vec<usize> = (0..free.len()).filter(|&o| !free[o].is_empty()).collect();
                if owners.is_empty() {
                    break;
                }
                let owner = owners[parent % owners.len()];
                let slot = port % free[owner].len();
                let port_name = free[owner].remove(slot);
                let from = document.flow.nodes[owner].id.clone();
                let edge_port = (port_name != "next" || owner != 0).then_some(port_name);
                document.flow.edges.push(callflow_core::Edge { id: None, from, port: edge_port, to: node.id.clone() });
                free.push(node.ports().filter(|p| !is_error_port(p.name)).map(|p| p.name.as_str().to_owned()).collect());
                document.flow.nodes.push(node);
            }
            // Document order reversed, so the order the tree was built in does not help.
            document.flow.nodes.reverse();
            let after = tidied(&scrambled(&document), None);
            prop_assert_eq!(crossings(&after), 0);
            prop_assert_eq!(overlaps(&after), Vec::<(String, String)>::new());
        }
    }
}
