//! "Tidy layout": a layered (Sugiyama-style) layout of a flow or of a selection of it.
//!
//! The steps, each linear in nodes + edges but the per-layer sorts:
//! 1. **Happy path.** From the entry, a depth-first walk over the ports in display order that
//!    skips error ports (`error`, `failure`, `timeout`, `notFound`, `noInput`) finds the first
//!    transfer to ACD (else any transfer, else any node that ends the call, else the deepest
//!    node). The path to it is the happy path: it is drawn on one straight row.
//! 2. **Cycle breaking.** A depth-first walk that goes down the happy path first marks the edges
//!    that close a loop; those are left out of the layering, so happy-path edges always point right.
//! 3. **Layering.** Longest path: a node sits one column right of its furthest predecessor.
//! 4. **Bands.** Each node is *happy* (on the path), *branch* (reached from the entry without an
//!    error port) or *error* (reached only through one, or not from the entry at all). The happy
//!    row is on top, branches below it, and error paths below every branch.
//! 5. **Ordering.** Within each column and band, nodes are ordered by the barycenter of their
//!    neighbours' ranks, sweeping right then left, five times (the usual crossing-reduction
//!    heuristic). Long edges have no dummy nodes: they count by their two ends only, which keeps a
//!    flow whose every error goes to one handler linear instead of quadratic.
//! 6. **Placement.** Columns are a fixed width apart; in a column, each node goes as near to the
//!    mean height of its placed predecessors as the nodes above it allow, so nothing overlaps.
//!
//! Everything is decided by document order and port order: the same flow always gets the same
//! layout. The result is a list of absolute moves, which the designer applies as one command.

use crate::command::NodeMove;
use crate::document::{Document, Node, NodeKind, PortName};
use crate::index::{EdgeState, FlowIndex};

/// The drawn size of nodes, which only the designer knows.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    pub width: f64,
    /// Height of a node with this many output ports.
    pub height: fn(usize) -> f64,
    /// Every coordinate is a multiple of this (the canvas grid).
    pub grid: f64,
}

/// The space between columns and between nodes in a column.
const COLUMN_GAP: f64 = 80.0;
const ROW_GAP: f64 = 40.0;
/// Odd, so the last sweep goes left to right and ports keep their order.
const SWEEPS: usize = 5;

/// Ports that lead down an error path.
pub fn is_error_port(port: PortName) -> bool {
    matches!(port, PortName::Error | PortName::Failure | PortName::Timeout | PortName::NotFound | PortName::NoInput)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Band {
    Happy,
    Branch,
    Error,
}

/// One link between laid-out nodes, in local numbering.
#[derive(Debug, Clone, Copy)]
struct Link {
    from: usize,
    to: usize,
    /// The port's place in its node's display order.
    rank: usize,
    error: bool,
}

/// The part of the flow being laid out or walked: its nodes (the first with each id: moves are by
/// id, so a repeated id is left where it is), the links among them in port order, where it is
/// entered, and its happy path.
struct Part {
    members: Vec<usize>,
    out: Vec<Vec<Link>>,
    entry: usize,
    happy: Vec<usize>,
}

impl Part {
    fn of(document: &Document, index: &FlowIndex, chosen: &[usize]) -> Option<Part> {
        let nodes = &document.flow.nodes;
        let mut members: Vec<usize> =
            chosen.iter().copied().filter(|&i| i < nodes.len() && index.is_first(i)).collect();
        members.sort_unstable();
        members.dedup();
        if members.is_empty() {
            return None;
        }
        let mut local = vec![usize::MAX; nodes.len()];
        for (position, &node) in members.iter().enumerate() {
            local[node] = position;
        }
        let count = members.len();
        let mut out: Vec<Vec<Link>> = vec![Vec::new(); count];
        let mut has_outside_in = vec![false; count];
        let mut has_inside_in = vec![false; count];
        for ends in index.edges() {
            if ends.state != EdgeState::Link {
                continue;
            }
            let (Some(from), Some(to)) = (ends.from, ends.to) else { continue };
            let (from, to) = (from as usize, to as usize);
            let (Some(&lf), Some(&lt)) = (local.get(from), local.get(to)) else { continue };
            if lt == usize::MAX {
                continue;
            }
            if lf == usize::MAX {
                has_outside_in[lt] = true;
                continue;
            }
            let port = ends.port.unwrap_or(PortName::Next);
            let rank = nodes[from].ports().position(|p| p.name == port).unwrap_or(usize::MAX);
            has_inside_in[lt] = true;
            out[lf].push(Link { from: lf, to: lt, rank, error: is_error_port(port) });
        }
        for links in &mut out {
            links.sort_by_key(|link| link.rank);
        }
        let entry = entry_of(document, index, &local, &has_outside_in, &has_inside_in);
        let happy = happy_path(entry, &out, |l| &nodes[members[l]]);
        Some(Part { members, out, entry, happy })
    }

    /// Each node's successor on the happy path.
    fn happy_next(&self) -> Vec<Option<usize>> {
        let mut next = vec![None; self.members.len()];
        for pair in self.happy.windows(2) {
            next[pair[0]] = Some(pair[1]);
        }
        next
    }
}

/// The positions that tidy `selection` (node indices; `None` for the whole flow). The laid-out
/// nodes keep the top-left corner of their current bounding box. Nodes outside the selection do
/// not move. Returns one move per laid-out node, in document order.
pub fn tidy(document: &Document, index: &FlowIndex, selection: Option<&[usize]>, sizes: &Sizes) -> Vec<NodeMove> {
    let nodes = &document.flow.nodes;
    let chosen: Vec<usize> = match selection {
        Some(chosen) => chosen.to_vec(),
        None => (0..nodes.len()).collect(),
    };
    let Some(part) = Part::of(document, index, &chosen) else { return Vec::new() };
    let happy_next = part.happy_next();
    let Part { members, out, entry, happy } = part;
    let count = members.len();

    // Cycle breaking: a walk from the entry (down the happy path first), then from every node not
    // yet seen, in document order. An edge into a node still on the walk's stack closes a loop.
    let mut back = vec![Vec::<bool>::new(); count];
    for (node, links) in out.iter().enumerate() {
        back[node] = vec![false; links.len()];
    }
    {
        let mut state = vec![0u8; count]; // 0 new, 1 on stack, 2 done
        let roots = std::iter::once(entry).chain(0..count);
        for root in roots {
            if state[root] != 0 {
                continue;
            }
            // (node, the order its links are visited in, how many are done)
            let mut stack: Vec<(usize, Vec<usize>, usize)> = Vec::new();
            state[root] = 1;
            stack.push((root, visit_order(&out[root], happy_next[root]), 0));
            while let Some((node, order, done)) = stack.last_mut() {
                let node = *node;
                if *done == order.len() {
                    state[node] = 2;
                    stack.pop();
                    continue;
                }
                let link = order[*done];
                *done += 1;
                let to = out[node][link].to;
                match state[to] {
                    0 => {
                        state[to] = 1;
                        stack.push((to, visit_order(&out[to], happy_next[to]), 0));
                    }
                    1 => back[node][link] = true,
                    _ => {}
                }
            }
        }
    }

    // Longest-path layering over the forward links (Kahn's order).
    let mut indegree = vec![0usize; count];
    for (node, links) in out.iter().enumerate() {
        for (i, link) in links.iter().enumerate() {
            if !back[node][i] {
                indegree[link.to] += 1;
            }
        }
    }
    let mut layer = vec![0usize; count];
    let mut queue: std::collections::VecDeque<usize> = (0..count).filter(|&n| indegree[n] == 0).collect();
    while let Some(node) = queue.pop_front() {
        for (i, link) in out[node].iter().enumerate() {
            if back[node][i] {
                continue;
            }
            layer[link.to] = layer[link.to].max(layer[node] + 1);
            indegree[link.to] -= 1;
            if indegree[link.to] == 0 {
                queue.push_back(link.to);
            }
        }
    }

    // Bands: reached from the entry without an error port, or not.
    let mut band = vec![Band::Error; count];
    {
        let mut stack = vec![entry];
        band[entry] = Band::Branch;
        while let Some(node) = stack.pop() {
            for link in &out[node] {
                if !link.error && band[link.to] == Band::Error {
                    band[link.to] = Band::Branch;
                    stack.push(link.to);
                }
            }
        }
        for &node in &happy {
            band[node] = Band::Happy;
        }
    }

    // Columns, each first in document order.
    let columns = layer.iter().copied().max().unwrap_or(0) + 1;
    let mut column: Vec<Vec<usize>> = vec![Vec::new(); columns];
    for node in 0..count {
        column[layer[node]].push(node);
    }
    // Each node's predecessors, with the place of the port they leave by (a fraction of a rank,
    // so the targets of one node's ports keep the ports' order).
    let mut incoming: Vec<Vec<(usize, f64)>> = vec![Vec::new(); count];
    for links in &out {
        for link in links {
            incoming[link.to].push((link.from, link.rank.min(63) as f64 / 64.0));
        }
    }
    // Rank of each node within its column.
    let mut rank = vec![0f64; count];
    let order_column = |nodes: &mut Vec<usize>, rank: &mut [f64], neighbours: &dyn Fn(usize) -> Vec<(usize, f64)>| {
        let key: Vec<(Band, f64, usize)> = nodes
            .iter()
            .map(|&n| {
                let near = neighbours(n);
                let mean = if near.is_empty() {
                    rank[n]
                } else {
                    near.iter().map(|&(m, offset)| rank[m] + offset).sum::<f64>() / near.len() as f64
                };
                (band[n], mean, n)
            })
            .collect();
        let mut keyed: Vec<(Band, f64, usize)> = key;
        keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)));
        for (position, (_, _, n)) in keyed.iter().enumerate() {
            nodes[position] = *n;
            rank[*n] = position as f64;
        }
    };
    for nodes in &mut column {
        nodes.sort_by_key(|&n| (band[n], n));
        for (position, &n) in nodes.iter().enumerate() {
            rank[n] = position as f64;
        }
    }
    for sweep in 0..SWEEPS {
        if sweep % 2 == 0 {
            for (c, slot) in column.iter_mut().enumerate().skip(1) {
                let mut nodes = std::mem::take(slot);
                order_column(&mut nodes, &mut rank, &|n| {
                    incoming[n].iter().copied().filter(|&(m, _)| layer[m] < c).collect()
                });
                *slot = nodes;
            }
        } else {
            for c in (0..columns.saturating_sub(1)).rev() {
                let mut nodes = std::mem::take(&mut column[c]);
                order_column(&mut nodes, &mut rank, &|n| {
                    out[n].iter().map(|l| (l.to, 0.0)).filter(|&(m, _)| layer[m] > c).collect()
                });
                column[c] = nodes;
            }
        }
    }

    // Placement: the happy row at 0, branches from below the tallest happy node, then error paths
    // from below every branch.
    let height = |n: usize| snap_up((sizes.height)(nodes[members[n]].body.port_count()), sizes.grid);
    let happy_bottom = happy.iter().map(|&n| height(n)).fold(0.0, f64::max);
    let mut y = vec![0f64; count];
    let mut placed = vec![false; count];
    let place_band = |wanted: Band, top: f64, y: &mut Vec<f64>, placed: &mut Vec<bool>| {
        let mut bottom = top;
        for nodes in &column {
            let mut cursor = top;
            for &n in nodes {
                if band[n] != wanted {
                    continue;
                }
                let preds: Vec<f64> = incoming[n].iter().filter(|&&(m, _)| placed[m]).map(|&(m, _)| y[m]).collect();
                let desired = if preds.is_empty() { top } else { preds.iter().sum::<f64>() / preds.len() as f64 };
                let at = snap_up(desired.max(cursor), sizes.grid);
                y[n] = at;
                placed[n] = true;
                cursor = at + height(n) + ROW_GAP;
                bottom = bottom.max(at + height(n));
            }
        }
        bottom
    };
    for &n in &happy {
        y[n] = 0.0;
        placed[n] = true;
    }
    let branch_top = if happy.is_empty() { 0.0 } else { happy_bottom + ROW_GAP };
    let branch_bottom = place_band(Band::Branch, branch_top, &mut y, &mut placed);
    let error_top = if branch_bottom > branch_top { branch_bottom + ROW_GAP } else { branch_top };
    place_band(Band::Error, snap_up(error_top, sizes.grid), &mut y, &mut placed);

    // Keep the top-left corner of what was laid out.
    let left = members.iter().map(|&i| nodes[i].x).fold(f64::INFINITY, f64::min);
    let top = members.iter().map(|&i| nodes[i].y).fold(f64::INFINITY, f64::min);
    let (left, top) = if left.is_finite() && top.is_finite() { (left, top) } else { (0.0, 0.0) };
    let (left, mut top) = (snap(left, sizes.grid), snap(top, sizes.grid));
    let step = snap_up(sizes.width + COLUMN_GAP, sizes.grid);
    let x = |l: usize| left + layer[l] as f64 * step;
    // A tidied selection must not land on the nodes around it: it moves down, past what it would
    // cover, a few times at most, and then below everything.
    if selection.is_some() {
        let mut inside = vec![false; nodes.len()];
        for &i in &members {
            inside[i] = true;
        }
        let outside: Vec<(f64, f64, f64, f64)> = nodes
            .iter()
            .enumerate()
            .filter(|&(i, _)| !inside[i])
            .map(|(_, n)| (n.x, n.y, n.x + sizes.width, n.y + (sizes.height)(n.body.port_count())))
            .collect();
        let covered = |top: f64| -> Option<f64> {
            let mut lowest: Option<f64> = None;
            for (l, &row) in y.iter().enumerate() {
                let (x0, y0) = (x(l), top + row);
                let (x1, y1) = (x0 + sizes.width, y0 + height(l));
                for &(a0, b0, a1, b1) in &outside {
                    if x0 < a1 && a0 < x1 && y0 < b1 && b0 < y1 {
                        lowest = Some(lowest.map_or(b1, |low: f64| low.max(b1)));
                    }
                }
            }
            lowest
        };
        let mut moved = 0;
        while let Some(bottom) = covered(top) {
            moved += 1;
            top = snap_up(
                if moved < 8 { bottom } else { outside.iter().map(|o| o.3).fold(bottom, f64::max) } + ROW_GAP,
                sizes.grid,
            );
            if moved >= 8 {
                break;
            }
        }
    }
    members.iter().enumerate().map(|(l, &i)| NodeMove { id: nodes[i].id.clone(), x: x(l), y: top + y[l] }).collect()
}

/// The order a node's links are walked in: the happy successor first, then port order.
fn visit_order(links: &[Link], happy_next: Option<usize>) -> Vec<usize> {
    let mut order: Vec<usize> = (0..links.len()).collect();
    order.sort_by_key(|&i| (Some(links[i].to) != happy_next, links[i].error, links[i].rank));
    order
}

/// Where the laid-out part is entered: the flow's start when it is a member; else the first member
/// entered from outside; else the first with no link from inside; else the first.
fn entry_of(document: &Document, index: &FlowIndex, local: &[usize], outside_in: &[bool], inside_in: &[bool]) -> usize {
    if let Some(start) = index.start_node(document) {
        if let Some(&l) = local.get(start) {
            if l != usize::MAX {
                return l;
            }
        }
    }
    (0..outside_in.len())
        .find(|&l| outside_in[l])
        .or_else(|| (0..inside_in.len()).find(|&l| !inside_in[l]))
        .unwrap_or(0)
}

/// The happy path from `entry` (see the module docs), as local node numbers.
fn happy_path<'d>(entry: usize, out: &[Vec<Link>], node: impl Fn(usize) -> &'d Node) -> Vec<usize> {
    let count = out.len();
    let mut parent = vec![usize::MAX; count];
    let mut depth = vec![0usize; count];
    let mut seen = vec![false; count];
    let mut preorder = Vec::new();
    // Iterative depth-first walk in port order, error ports skipped.
    let mut stack = vec![(entry, 0usize)];
    seen[entry] = true;
    preorder.push(entry);
    while let Some((n, next)) = stack.last_mut() {
        let n = *n;
        let links: Vec<&Link> = out[n].iter().filter(|l| !l.error).collect();
        if *next >= links.len() {
            stack.pop();
            continue;
        }
        let to = links[*next].to;
        *next += 1;
        if !seen[to] {
            seen[to] = true;
            parent[to] = n;
            depth[to] = depth[n] + 1;
            preorder.push(to);
            stack.push((to, 0));
        }
    }
    let spec = |n: usize| node(n).kind().spec();
    let end = preorder
        .iter()
        .copied()
        .find(|&n| node(n).kind() == NodeKind::Transfer)
        .or_else(|| preorder.iter().copied().find(|&n| spec(n).sim == crate::document::kind::Sim::Transfer))
        .or_else(|| preorder.iter().copied().find(|&n| spec(n).terminal))
        .unwrap_or_else(|| preorder.iter().copied().max_by_key(|&n| (depth[n], usize::MAX - n)).unwrap_or(entry));
    let mut path = vec![end];
    let mut at = end;
    while parent[at] != usize::MAX {
        at = parent[at];
        path.push(at);
    }
    path.reverse();
    path
}

fn snap(value: f64, grid: f64) -> f64 {
    if grid > 0.0 {
        (value / grid).round() * grid
    } else {
        value
    }
}

fn snap_up(value: f64, grid: f64) -> f64 {
    if grid > 0.0 {
        (value / grid).ceil() * grid
    } else {
        value
    }
}

/// The order a presentation steps through the flow: depth first from the start, the happy path
/// first (the tidy layout's: see the module docs), then at each node its other ports, plain ones
/// before error ones, each in display order; then the nodes the start does not reach, in document
/// order. Every node appears once (a repeated id at the end, in document order).
pub fn walk_order(document: &Document, index: &FlowIndex) -> Vec<usize> {
    let nodes = &document.flow.nodes;
    let all: Vec<usize> = (0..nodes.len()).collect();
    let Some(part) = Part::of(document, index, &all) else { return all };
    let happy_next = part.happy_next();
    let count = part.members.len();
    let mut seen = vec![false; count];
    let mut order = Vec::with_capacity(nodes.len());
    for root in std::iter::once(part.entry).chain(0..count) {
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            if std::mem::replace(&mut seen[node], true) {
                continue;
            }
            order.push(part.members[node]);
            // Pushed last-first, so the first in visit order is walked first.
            let links = &part.out[node];
            stack.extend(
                visit_order(links, happy_next[node]).into_iter().rev().map(|i| links[i].to).filter(|&to| !seen[to]),
            );
        }
    }
    order.extend((0..nodes.len()).filter(|&i| !index.is_first(i)));
    order
}
