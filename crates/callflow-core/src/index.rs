//! [`FlowIndex`]: what one revision of a flow's graph derives, built once and shared by validation,
//! the Archy export and the designer's canvas.
//!
//! It resolves every id once: node id → dense index (the first node with the id; later ones are
//! duplicates and stay reportable), every edge's ends and port, which edges are *links* (the edges
//! the call can really take), each node's outgoing and incoming links, and which nodes the start
//! reaches. After building, nothing on a per-node or per-edge path hashes a string.
//!
//! The table stores indices only and finds an id by comparing against the document's own strings,
//! so the index owns no copy of any id and can live beside the document (the app keeps one per
//! revision in a memo).

use foldhash::fast::FixedState;
use hashbrown::HashTable;
use std::hash::BuildHasher;

use crate::document::{Document, NodeKind, PortName, PortSet};

/// What an edge is, as the graph sees it. Validation reports every state but `Link`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeState {
    /// A path the call can take.
    Link,
    /// `from` names no node.
    DanglingFrom,
    /// The source has no such port (or the edge omits the port of a node without `next`).
    UnknownPort,
    /// An earlier edge already leaves the source by this port.
    DuplicatePort,
    /// `to` names no node.
    DanglingTo,
    /// The edge enters a start node.
    IntoStart,
}

/// One edge, resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EdgeEnds {
    pub from: Option<u32>,
    pub to: Option<u32>,
    /// The port, when the source node has it.
    pub port: Option<PortName>,
    pub state: EdgeState,
}

/// The derived graph of one revision of a document. Build it with [`FlowIndex::build`]; it is only
/// meaningful for the document it was built from.
#[derive(Debug, Clone, Default)]
pub struct FlowIndex {
    table: HashTable<u32>,
    /// Per node: is it the first node with its id?
    first: Vec<bool>,
    /// The node `startNodeId` names (of any kind).
    start: Option<u32>,
    edges: Vec<EdgeEnds>,
    /// Per node, the bit set of ports that carry an edge (the first edge on a port counts).
    used_ports: Vec<PortSet>,
    /// Per node, the bit set of its required ports.
    required_ports: Vec<PortSet>,
    /// Links grouped by source: `out_edges[out_start[n]..out_start[n + 1]]` are edge indices.
    out_start: Vec<u32>,
    out_edges: Vec<u32>,
    /// Links grouped by target, likewise.
    in_start: Vec<u32>,
    in_edges: Vec<u32>,
    /// Per node: does a path of links lead to it from the start node?
    reachable: Vec<bool>,
}

fn hash_of(id: &str) -> u64 {
    FixedState::with_seed(0x5eed_f10c).hash_one(id)
}

fn to_u32(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

impl FlowIndex {
    pub fn build(document: &Document) -> FlowIndex {
        let flow = &document.flow;
        let nodes = &flow.nodes;
        let mut table: HashTable<u32> = HashTable::with_capacity(nodes.len());
        let mut first = Vec::with_capacity(nodes.len());
        // What the edge pass needs of each node, gathered in this one walk over the nodes so that
        // the edge pass, which visits nodes in no order, reads small arrays instead of the nodes:
        // each node's ports as bit sets (a menu's come from its choices) and whether it is a start.
        let mut port_masks = Vec::with_capacity(nodes.len());
        let mut required_ports = Vec::with_capacity(nodes.len());
        let mut is_start = Vec::with_capacity(nodes.len());
        for (index, node) in nodes.iter().enumerate() {
            let (ports, required) = node.body.port_masks();
            port_masks.push(ports);
            required_ports.push(required);
            is_start.push(node.kind() == NodeKind::Start);
            // One probe: the entry is either the earlier node with this id or the free slot.
            let entry = table.entry(
                hash_of(&node.id),
                |&other| nodes[other as usize].id == node.id,
                |&other| hash_of(&nodes[other as usize].id),
            );
            let vacant = matches!(entry, hashbrown::hash_table::Entry::Vacant(_));
            if let hashbrown::hash_table::Entry::Vacant(slot) = entry {
                slot.insert(to_u32(index));
            }
            first.push(vacant);
        }
        let lookup = |id: &str| table.find(hash_of(id), |&other| nodes[other as usize].id == id).copied();
        let start = lookup(&flow.start_node_id);
        // Edges are usually listed by source, so consecutive edges often share `from`: the last
        // answer is kept and reused when the id is the same (a string compare, not a hash).
        let mut last_from: Option<(&str, Option<u32>)> = None;

        let mut used_ports: Vec<PortSet> = vec![0; nodes.len()];
        let mut edges = Vec::with_capacity(flow.edges.len());
        let mut out_count = vec![0u32; nodes.len() + 1];
        let mut in_count = vec![0u32; nodes.len() + 1];
        for edge in &flow.edges {
            let from = match last_from {
                Some((id, found)) if id == edge.from => found,
                _ => {
                    let found = lookup(&edge.from);
                    last_from = Some((&edge.from, found));
                    found
                }
            };
            let to = lookup(&edge.to);
            let mut ends = EdgeEnds { from, to, port: None, state: EdgeState::Link };
            ends.state = match from {
                None => EdgeState::DanglingFrom,
                Some(from) => {
                    let mask = port_masks[from as usize];
                    // An edge without a port means `next`, and only a node with `next` may omit it.
                    let port = PortName::parse(edge.port_name()).filter(|port| mask & port.bit() != 0);
                    ends.port = port;
                    match port {
                        None => EdgeState::UnknownPort,
                        Some(port) if used_ports[from as usize] & port.bit() != 0 => EdgeState::DuplicatePort,
                        Some(port) => {
                            used_ports[from as usize] |= port.bit();
                            match to {
                                None => EdgeState::DanglingTo,
                                Some(to) if is_start[to as usize] => EdgeState::IntoStart,
                                Some(to) => {
                                    out_count[from as usize] += 1;
                                    in_count[to as usize] += 1;
                                    EdgeState::Link
                                }
                            }
                        }
                    }
                }
            };
            edges.push(ends);
        }

        let (out_start, out_edges) = group(&out_count, &edges, |ends| ends.from);
        let (in_start, in_edges) = group(&in_count, &edges, |ends| ends.to);
        let mut index = FlowIndex {
            table,
            first,
            start,
            edges,
            used_ports,
            required_ports,
            out_start,
            out_edges,
            in_start,
            in_edges,
            reachable: Vec::new(),
        };
        index.reachable = index.reach_from_start(document);
        index
    }

    fn reach_from_start(&self, document: &Document) -> Vec<bool> {
        let count = document.flow.nodes.len();
        let mut reachable = vec![false; count];
        let Some(start) = self.start_node(document) else { return reachable };
        let mut stack = vec![start];
        reachable[start] = true;
        while let Some(node) = stack.pop() {
            for (_, target) in self.links_from(node) {
                if !reachable[target] {
                    reachable[target] = true;
                    stack.push(target);
                }
            }
        }
        reachable
    }

    /// The index of the first node with `id`.
    pub fn node(&self, document: &Document, id: &str) -> Option<usize> {
        let nodes = &document.flow.nodes;
        self.table
            .find(hash_of(id), |&other| nodes.get(other as usize).is_some_and(|n| n.id == id))
            .map(|&i| i as usize)
    }

    /// Is the node at `index` the first with its id (later ones are duplicates)?
    pub fn is_first(&self, index: usize) -> bool {
        self.first.get(index).copied().unwrap_or(false)
    }

    /// The node `startNodeId` names, of any kind.
    pub fn start_id_target(&self) -> Option<usize> {
        self.start.map(|i| i as usize)
    }

    /// The start node: what `startNodeId` names, when it is a start node.
    pub fn start_node(&self, document: &Document) -> Option<usize> {
        self.start_id_target().filter(|&i| document.flow.nodes[i].kind() == NodeKind::Start)
    }

    /// Every edge, resolved, in document order.
    pub fn edges(&self) -> &[EdgeEnds] {
        &self.edges
    }

    /// The ports of the node at `index` that carry an edge.
    pub fn used_ports(&self, index: usize) -> PortSet {
        self.used_ports.get(index).copied().unwrap_or(0)
    }

    /// The required ports of the node at `index` that carry no edge.
    pub fn missing_required(&self, index: usize) -> PortSet {
        self.required_ports.get(index).copied().unwrap_or(0) & !self.used_ports(index)
    }

    /// The links leaving the node at `index`, as (edge index, target node index), in document order.
    pub fn links_from(&self, index: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.span(&self.out_start, &self.out_edges, index)
            .map(|edge| (edge, self.edges[edge].to.map_or(0, |to| to as usize)))
    }

    /// The links entering the node at `index`, as (edge index, source node index), in document order.
    pub fn links_into(&self, index: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.span(&self.in_start, &self.in_edges, index)
            .map(|edge| (edge, self.edges[edge].from.map_or(0, |from| from as usize)))
    }

    fn span<'s>(&'s self, start: &'s [u32], list: &'s [u32], index: usize) -> impl Iterator<Item = usize> + 's {
        let begin = start.get(index).copied().unwrap_or(0) as usize;
        let end = start.get(index + 1).copied().unwrap_or(0) as usize;
        list.get(begin..end).unwrap_or_default().iter().map(|&edge| edge as usize)
    }

    /// Where the node at `index` goes by `port`.
    pub fn target(&self, index: usize, port: PortName) -> Option<usize> {
        self.links_from(index).find(|&(edge, _)| self.edges[edge].port == Some(port)).map(|(_, target)| target)
    }

    /// Does a path of links lead from the start node to the node at `index`?
    pub fn is_reachable(&self, index: usize) -> bool {
        self.reachable.get(index).copied().unwrap_or(false)
    }
}

/// Groups the links by one end (counting sort): `(starts, edge indices)`, stable in document order.
fn group(counts: &[u32], edges: &[EdgeEnds], end: impl Fn(&EdgeEnds) -> Option<u32>) -> (Vec<u32>, Vec<u32>) {
    let mut starts = Vec::with_capacity(counts.len());
    let mut total = 0u32;
    for &count in counts {
        starts.push(total);
        total += count;
    }
    let mut fill = starts.clone();
    let mut list = vec![0u32; total as usize];
    for (index, ends) in edges.iter().enumerate() {
        if ends.state != EdgeState::Link {
            continue;
        }
        if let Some(node) = end(ends) {
            let slot = &mut fill[node as usize];
            list[*slot as usize] = to_u32(index);
            *slot += 1;
        }
    }
    (starts, list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Edge, Node};

    fn document(nodes: &[(&str, NodeKind)], edges: &[(&str, Option<&str>, &str)]) -> Document {
        let mut document = Document::empty("t");
        document.flow.nodes = nodes.iter().map(|(id, kind)| Node::new(*id, *kind, 0.0, 0.0)).collect();
        document.flow.edges = edges.iter().map(|(from, port, to)| Edge::new(*from, *port, *to)).collect();
        document
    }

    #[test]
    fn resolves_ids_ports_and_reachability() {
        use NodeKind::*;
        let doc = document(
            &[("start", Start), ("d", Decision), ("x", Disconnect), ("d", Play), ("lost", Play)],
            &[
                ("start", None, "d"),
                ("d", Some("yes"), "x"),
                ("d", Some("yes"), "x"),
                ("d", Some("maybe"), "x"),
                ("ghost", None, "x"),
                ("d", Some("no"), "nowhere"),
                ("lost", None, "start"),
            ],
        );
        let index = FlowIndex::build(&doc);
        assert_eq!(index.node(&doc, "d"), Some(1));
        assert!(!index.is_first(3));
        let states: Vec<EdgeState> = index.edges().iter().map(|e| e.state).collect();
        use EdgeState::*;
        assert_eq!(states, [Link, Link, DuplicatePort, UnknownPort, DanglingFrom, DanglingTo, IntoStart]);
        assert_eq!(index.target(1, PortName::Yes), Some(2));
        assert_eq!(index.links_into(2).collect::<Vec<_>>(), [(1, 1)]);
        assert!(index.is_reachable(2) && !index.is_reachable(4));
        assert_eq!(index.used_ports(1), PortName::Yes.bit() | PortName::No.bit());
    }
}
