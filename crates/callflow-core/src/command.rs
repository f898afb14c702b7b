//! Edits as values. Every change to a document is a [`Command`]; [`apply`] performs it and returns the
//! command that undoes it, so undo/redo is two stacks of commands. One user gesture is one command
//! (a [`Command::Batch`] when it touches several things), and so one undo step.
//!
//! Invariant: when `apply` fails the document is exactly as it was (a batch rolls back what it did).

use serde::{Deserialize, Serialize};

/// Ids are keyed with foldhash at a fixed seed, as in the index: deterministic and well spread.
type FxHashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;
type FxHashSet<K> = std::collections::HashSet<K, foldhash::fast::FixedState>;

use crate::document::{Document, Edge, Module, Node, Queue, Variable};

/// A position change for one node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeMove {
    pub id: String,
    pub x: f64,
    pub y: f64,
}

/// The flow's own properties, edited together in the inspector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowProperties {
    pub name: String,
    pub description: Option<String>,
    pub division: String,
    pub default_language: String,
    pub start_node_id: String,
    #[serde(default)]
    pub initial_greeting: Option<String>,
    /// A common module's compatible flow types.
    #[serde(default)]
    pub compatible_flow_types: Vec<String>,
}

impl FlowProperties {
    pub fn of(document: &Document) -> FlowProperties {
        let flow = &document.flow;
        FlowProperties {
            name: flow.name.clone(),
            description: flow.description.clone(),
            division: flow.division.clone(),
            default_language: flow.default_language.clone(),
            start_node_id: flow.start_node_id.clone(),
            initial_greeting: flow.initial_greeting.clone(),
            compatible_flow_types: flow.compatible_flow_types.clone(),
        }
    }
}

/// Every edit the designer, the CLI or a test can make. Ids address the first node with that id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Command {
    /// Appends a node.
    AddNode {
        node: Node,
    },
    /// Inserts a node at a position in `flow.nodes` (used by inverses to restore order).
    InsertNode {
        index: usize,
        node: Node,
    },
    /// Removes a node and every edge that touches it.
    RemoveNode {
        id: String,
    },
    /// Removes several nodes (the first node with each id) and every edge that touches one: one
    /// pass over the flow, however many nodes go.
    RemoveNodes {
        ids: Vec<String>,
    },
    /// Removes the nodes and edges at these positions (each list ascending), leaving other edges
    /// alone (the inverse of `RestoreNodes`).
    RemoveAt {
        nodes: Vec<usize>,
        edges: Vec<usize>,
    },
    /// Puts nodes and edges back at their positions (each list ascending by position): the inverse
    /// of `RemoveAt`, in one pass.
    RestoreNodes {
        nodes: Vec<(usize, Node)>,
        edges: Vec<(usize, Edge)>,
    },
    /// Removes the node at a position, leaving edges alone (the inverse of `InsertNode`).
    RemoveNodeAt {
        index: usize,
    },
    /// Moves nodes to absolute positions.
    MoveNodes {
        moves: Vec<NodeMove>,
    },
    /// Replaces a node's label, position and kind fields; `node.id` must equal `id`.
    UpdateNode {
        id: String,
        node: Node,
    },
    /// Gives a node a new id, updating its edges and `startNodeId`. Refused when a node has `to`.
    RenameNode {
        from: String,
        to: String,
    },
    /// Sets the id of the node at a position, touching nothing else (a step of `RenameNode`).
    SetNodeId {
        index: usize,
        id: String,
    },
    /// Inserts an edge (at the end when `index` is `None`).
    AddEdge {
        edge: Edge,
        index: Option<usize>,
    },
    RemoveEdge {
        index: usize,
    },
    /// Replaces the edge at `index`.
    SetEdge {
        index: usize,
        edge: Edge,
    },
    /// Connects a port to a node. A port holds one edge, so an existing edge from it is replaced.
    Connect {
        from: String,
        port: String,
        to: String,
    },
    /// Removes the edge that leaves `from` by `port`.
    Disconnect {
        from: String,
        port: String,
    },
    SetFlowProperties {
        properties: FlowProperties,
    },
    AddVariable {
        variable: Variable,
        index: Option<usize>,
    },
    RemoveVariable {
        index: usize,
    },
    UpdateVariable {
        index: usize,
        variable: Variable,
    },
    /// Replaces the whole module catalog (e.g. after loading it from the org).
    SetModules {
        modules: Vec<Module>,
    },
    AddModule {
        module: Module,
        index: Option<usize>,
    },
    RemoveModule {
        index: usize,
    },
    UpdateModule {
        index: usize,
        module: Module,
    },
    SetQueues {
        queues: Vec<Queue>,
    },
    /// Replaces the flow's saved scenarios (a saved run, a deleted one).
    SetScenarios {
        scenarios: Vec<crate::document::Scenario>,
    },
    /// Several commands as one step, applied in order, all or nothing.
    Batch {
        commands: Vec<Command>,
    },
}

impl Command {
    /// Does this command change anything validation looks at? Positions never do (spec §1), so a
    /// move needs no re-validation.
    pub fn affects_validation(&self) -> bool {
        match self {
            // Scenarios are replayed, not validated.
            Command::MoveNodes { .. } | Command::SetScenarios { .. } => false,
            Command::Batch { commands } => commands.iter().any(Command::affects_validation),
            _ => true,
        }
    }
}

/// Why a command could not be applied. The document is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// No node has this id.
    #[error("no node has the id \"{0}\"")]
    NoSuchNode(String),
    /// A position is past the end of a list.
    #[error("{what} position {index} is out of range (it must be below {limit})")]
    OutOfRange { what: &'static str, index: usize, limit: usize },
    /// The new id is already used by another node.
    #[error("the id \"{0}\" is already in use")]
    IdTaken(String),
    /// `UpdateNode` tried to change the id; use `RenameNode`.
    #[error("UpdateNode cannot change the id from \"{from}\" to \"{to}\"; rename the node instead")]
    IdChanged { from: String, to: String },
    /// No edge leaves this port.
    #[error("no edge leaves \"{from}\" by port \"{port}\"")]
    NoEdge { from: String, port: String },
    /// A position is not a finite number.
    #[error("the position of \"{0}\" is not a finite number")]
    NotFinite(String),
    /// The editor holds the document read-only (a shared link not yet copied).
    #[error("this flow is open read-only from a share link: make a copy to edit it")]
    ReadOnly,
    /// The designer is presenting the flow (presentation mode edits nothing).
    #[error("the flow is being presented: press Escape to leave presentation mode and edit")]
    Presenting,
}

/// Applies `command` to `document` and returns its inverse.
pub fn apply(document: &mut Document, command: &Command) -> Result<Command, CommandError> {
    let flow = &mut document.flow;
    match command {
        Command::AddNode { node } => {
            let index = flow.nodes.len();
            check_finite(node)?;
            flow.nodes.push(node.clone());
            Ok(Command::RemoveNodeAt { index })
        }
        Command::InsertNode { index, node } => {
            check_finite(node)?;
            check_index("node", *index, flow.nodes.len() + 1)?;
            flow.nodes.insert(*index, node.clone());
            Ok(Command::RemoveNodeAt { index: *index })
        }
        Command::RemoveNodeAt { index } => {
            check_index("node", *index, flow.nodes.len())?;
            let node = flow.nodes.remove(*index);
            Ok(Command::InsertNode { index: *index, node })
        }
        Command::RemoveNode { id } => apply(document, &Command::RemoveNodes { ids: vec![id.clone()] }),
        Command::RemoveNodes { ids } => {
            let positions = NodePositions::new(document, ids.len());
            let mut nodes = Vec::with_capacity(ids.len());
            let mut removed: FxHashSet<&str> = FxHashSet::default();
            for id in ids {
                if removed.insert(id.as_str()) {
                    nodes.push(positions.get(document, id)?);
                }
            }
            nodes.sort_unstable();
            let edges: Vec<usize> = document
                .flow
                .edges
                .iter()
                .enumerate()
                .filter(|(_, edge)| removed.contains(edge.from.as_str()) || removed.contains(edge.to.as_str()))
                .map(|(index, _)| index)
                .collect();
            apply(document, &Command::RemoveAt { nodes, edges })
        }
        Command::RemoveAt { nodes, edges } => {
            check_ascending("node", nodes, flow.nodes.len())?;
            check_ascending("edge", edges, flow.edges.len())?;
            let nodes = take_at(&mut flow.nodes, nodes);
            let edges = take_at(&mut flow.edges, edges);
            Ok(Command::RestoreNodes { nodes, edges })
        }
        Command::RestoreNodes { nodes, edges } => {
            for (_, node) in nodes {
                check_finite(node)?;
            }
            let node_positions: Vec<usize> = nodes.iter().map(|(index, _)| *index).collect();
            let edge_positions: Vec<usize> = edges.iter().map(|(index, _)| *index).collect();
            check_ascending("node", &node_positions, flow.nodes.len() + nodes.len())?;
            check_ascending("edge", &edge_positions, flow.edges.len() + edges.len())?;
            put_at(&mut flow.nodes, nodes);
            put_at(&mut flow.edges, edges);
            Ok(Command::RemoveAt { nodes: node_positions, edges: edge_positions })
        }
        Command::MoveNodes { moves } => {
            let positions = NodePositions::new(document, moves.len());
            let mut indices = Vec::with_capacity(moves.len());
            let mut previous = Vec::with_capacity(moves.len());
            for step in moves {
                if !step.x.is_finite() || !step.y.is_finite() {
                    return Err(CommandError::NotFinite(step.id.clone()));
                }
                let index = positions.get(document, &step.id)?;
                let node = &document.flow.nodes[index];
                indices.push(index);
                previous.push(NodeMove { id: step.id.clone(), x: node.x, y: node.y });
            }
            for (step, index) in moves.iter().zip(indices) {
                let node = &mut document.flow.nodes[index];
                node.x = step.x;
                node.y = step.y;
            }
            // Moving the same node twice in one command: undo must restore the first old position.
            previous.reverse();
            Ok(Command::MoveNodes { moves: previous })
        }
        Command::UpdateNode { id, node } => {
            if &node.id != id {
                return Err(CommandError::IdChanged { from: id.clone(), to: node.id.clone() });
            }
            check_finite(node)?;
            let index = node_position(document, id)?;
            let old = std::mem::replace(&mut document.flow.nodes[index], node.clone());
            Ok(Command::UpdateNode { id: id.clone(), node: old })
        }
        Command::RenameNode { from, to } => {
            let index = node_position(document, from)?;
            if from != to && document.flow.nodes.iter().any(|n| &n.id == to) {
                return Err(CommandError::IdTaken(to.clone()));
            }
            // Built from primitives, so the inverse restores exactly what changed (also when ids repeat).
            let mut steps = vec![Command::SetNodeId { index, id: to.clone() }];
            for (edge_index, edge) in document.flow.edges.iter().enumerate() {
                if &edge.from == from || &edge.to == from {
                    let mut renamed = edge.clone();
                    if &renamed.from == from {
                        renamed.from = to.clone();
                    }
                    if &renamed.to == from {
                        renamed.to = to.clone();
                    }
                    steps.push(Command::SetEdge { index: edge_index, edge: renamed });
                }
            }
            if &document.flow.start_node_id == from {
                let mut properties = FlowProperties::of(document);
                properties.start_node_id = to.clone();
                steps.push(Command::SetFlowProperties { properties });
            }
            apply(document, &Command::Batch { commands: steps })
        }
        Command::SetNodeId { index, id } => {
            check_index("node", *index, flow.nodes.len())?;
            let old = std::mem::replace(&mut flow.nodes[*index].id, id.clone());
            Ok(Command::SetNodeId { index: *index, id: old })
        }
        Command::AddEdge { edge, index } => {
            let index = index.unwrap_or(flow.edges.len());
            check_index("edge", index, flow.edges.len() + 1)?;
            flow.edges.insert(index, edge.clone());
            Ok(Command::RemoveEdge { index })
        }
        Command::RemoveEdge { index } => {
            check_index("edge", *index, flow.edges.len())?;
            let edge = flow.edges.remove(*index);
            Ok(Command::AddEdge { edge, index: Some(*index) })
        }
        Command::SetEdge { index, edge } => {
            check_index("edge", *index, flow.edges.len())?;
            let old = std::mem::replace(&mut flow.edges[*index], edge.clone());
            Ok(Command::SetEdge { index: *index, edge: old })
        }
        Command::Connect { from, port, to } => {
            node_position(document, from)?;
            node_position(document, to)?;
            let port = port.as_str();
            let edge = Edge::new(from.clone(), (port != "next").then_some(port), to.clone());
            match edge_from_port(document, from, port) {
                Some(index) => apply(document, &Command::SetEdge { index, edge }),
                None => apply(document, &Command::AddEdge { edge, index: None }),
            }
        }
        Command::Disconnect { from, port } => match edge_from_port(document, from, port) {
            Some(index) => apply(document, &Command::RemoveEdge { index }),
            None => Err(CommandError::NoEdge { from: from.clone(), port: port.clone() }),
        },
        Command::SetFlowProperties { properties } => {
            let old = FlowProperties::of(document);
            let flow = &mut document.flow;
            flow.name = properties.name.clone();
            flow.description = properties.description.clone();
            flow.division = properties.division.clone();
            flow.default_language = properties.default_language.clone();
            flow.start_node_id = properties.start_node_id.clone();
            flow.initial_greeting = properties.initial_greeting.clone();
            flow.compatible_flow_types = properties.compatible_flow_types.clone();
            Ok(Command::SetFlowProperties { properties: old })
        }
        Command::AddVariable { variable, index } => {
            let index = index.unwrap_or(flow.variables.len());
            check_index("variable", index, flow.variables.len() + 1)?;
            flow.variables.insert(index, variable.clone());
            Ok(Command::RemoveVariable { index })
        }
        Command::RemoveVariable { index } => {
            check_index("variable", *index, flow.variables.len())?;
            let variable = flow.variables.remove(*index);
            Ok(Command::AddVariable { variable, index: Some(*index) })
        }
        Command::UpdateVariable { index, variable } => {
            check_index("variable", *index, flow.variables.len())?;
            let old = std::mem::replace(&mut flow.variables[*index], variable.clone());
            Ok(Command::UpdateVariable { index: *index, variable: old })
        }
        Command::SetModules { modules } => {
            let old = std::mem::replace(&mut document.modules, modules.clone());
            Ok(Command::SetModules { modules: old })
        }
        Command::AddModule { module, index } => {
            let modules = &mut document.modules;
            let index = index.unwrap_or(modules.len());
            check_index("module", index, modules.len() + 1)?;
            modules.insert(index, module.clone());
            Ok(Command::RemoveModule { index })
        }
        Command::RemoveModule { index } => {
            check_index("module", *index, document.modules.len())?;
            let module = document.modules.remove(*index);
            Ok(Command::AddModule { module, index: Some(*index) })
        }
        Command::UpdateModule { index, module } => {
            check_index("module", *index, document.modules.len())?;
            let old = std::mem::replace(&mut document.modules[*index], module.clone());
            Ok(Command::UpdateModule { index: *index, module: old })
        }
        Command::SetQueues { queues } => {
            let old = std::mem::replace(&mut document.queues, queues.clone());
            Ok(Command::SetQueues { queues: old })
        }
        Command::SetScenarios { scenarios } => {
            let old = std::mem::replace(&mut document.flow.scenarios, scenarios.clone());
            Ok(Command::SetScenarios { scenarios: old })
        }
        Command::Batch { commands } => {
            let mut inverses: Vec<Command> = Vec::with_capacity(commands.len());
            for step in commands {
                match apply(document, step) {
                    Ok(inverse) => inverses.push(inverse),
                    Err(error) => {
                        for inverse in inverses.iter().rev() {
                            // Invariant: an inverse applies to the state its command produced.
                            let _ = apply(document, inverse);
                        }
                        return Err(error);
                    }
                }
            }
            inverses.reverse();
            Ok(Command::Batch { commands: inverses })
        }
    }
}

/// `index` must name an existing element of a list of `len` (or, with `len + 1`, an insert position).
fn check_index(what: &'static str, index: usize, limit: usize) -> Result<(), CommandError> {
    if index < limit {
        Ok(())
    } else {
        Err(CommandError::OutOfRange { what, index, limit })
    }
}

fn check_finite(node: &Node) -> Result<(), CommandError> {
    if node.x.is_finite() && node.y.is_finite() {
        Ok(())
    } else {
        Err(CommandError::NotFinite(node.id.clone()))
    }
}

/// Positions must be strictly ascending and below `limit`.
fn check_ascending(what: &'static str, positions: &[usize], limit: usize) -> Result<(), CommandError> {
    let mut previous: Option<usize> = None;
    for &index in positions {
        check_index(what, index, limit)?;
        if previous.is_some_and(|p| p >= index) {
            return Err(CommandError::OutOfRange { what, index, limit: previous.map_or(0, |p| p + 1) });
        }
        previous = Some(index);
    }
    Ok(())
}

/// Takes the elements at ascending `positions` out of `list`, keeping the order of the rest: one pass.
fn take_at<T>(list: &mut Vec<T>, positions: &[usize]) -> Vec<(usize, T)> {
    if positions.is_empty() {
        return Vec::new();
    }
    let mut taken = Vec::with_capacity(positions.len());
    let mut kept = Vec::with_capacity(list.len() - positions.len());
    let mut next = positions.iter().peekable();
    for (index, item) in std::mem::take(list).into_iter().enumerate() {
        if next.peek() == Some(&&index) {
            next.next();
            taken.push((index, item));
        } else {
            kept.push(item);
        }
    }
    *list = kept;
    taken
}

/// Puts `items` back at their ascending positions (in the list as it will be): one pass.
fn put_at<T: Clone>(list: &mut Vec<T>, items: &[(usize, T)]) {
    if items.is_empty() {
        return;
    }
    let mut merged = Vec::with_capacity(list.len() + items.len());
    let mut rest = std::mem::take(list).into_iter();
    for (index, item) in items {
        while merged.len() < *index {
            match rest.next() {
                Some(kept) => merged.push(kept),
                None => break,
            }
        }
        merged.push(item.clone());
    }
    merged.extend(rest);
    *list = merged;
}

/// Finds nodes by id for a command that names many: a map built once when there are several ids,
/// a scan when there is one.
struct NodePositions<'a> {
    first: Option<FxHashMap<&'a str, usize>>,
}

impl<'a> NodePositions<'a> {
    fn new(document: &'a Document, lookups: usize) -> Self {
        if lookups < 4 {
            return NodePositions { first: None };
        }
        let mut first = FxHashMap::default();
        for (index, node) in document.flow.nodes.iter().enumerate() {
            first.entry(node.id.as_str()).or_insert(index);
        }
        NodePositions { first: Some(first) }
    }

    fn get(&self, document: &Document, id: &str) -> Result<usize, CommandError> {
        match &self.first {
            Some(first) => first.get(id).copied().ok_or_else(|| CommandError::NoSuchNode(id.to_owned())),
            None => node_position(document, id),
        }
    }
}

fn node_position(document: &Document, id: &str) -> Result<usize, CommandError> {
    document.flow.nodes.iter().position(|node| node.id == id).ok_or_else(|| CommandError::NoSuchNode(id.to_owned()))
}

/// The first edge that leaves `from` by `port` (`next` matches an edge with no port).
pub fn edge_from_port(document: &Document, from: &str, port: &str) -> Option<usize> {
    document.flow.edges.iter().position(|edge| edge.from == from && edge.port_name() == port)
}

/// "Make a task starting here": the command that puts a task node in front of node `entry`, so that
/// everything from `entry` on is written as a reusable task that each path into it jumps to. Every
/// edge that entered `entry` enters the task instead (the start's edge too). One command, so one
/// undo step. `None` when `entry` names no node, is a start, or is a task already.
pub fn make_task(document: &Document, entry: &str, name: &str) -> Option<Command> {
    use crate::document::{Node, NodeBody, NodeKind};
    let node = document.flow.nodes.iter().find(|n| n.id == entry)?;
    if matches!(node.kind(), NodeKind::Start | NodeKind::Task) {
        return None;
    }
    let taken = |id: &str| document.flow.nodes.iter().any(|n| n.id == id);
    let base = format!("task_{entry}").chars().take(60).collect::<String>();
    let mut id = base.clone();
    let mut counter = 2;
    while taken(&id) {
        id = format!("{base}_{counter}");
        counter += 1;
    }
    let mut task = Node::new(id.clone(), NodeKind::Task, node.x - 200.0, node.y);
    task.label = if name.trim().is_empty() { node.label.clone() } else { name.trim().to_owned() };
    task.body = NodeBody::Task { ref_id: String::new() };
    let mut commands = vec![Command::AddNode { node: task }];
    for (index, edge) in document.flow.edges.iter().enumerate() {
        if edge.to == entry {
            let mut moved = edge.clone();
            moved.to = id.clone();
            commands.push(Command::SetEdge { index, edge: moved });
        }
    }
    commands.push(Command::AddEdge { edge: crate::document::Edge::new(id.as_str(), None, entry), index: None });
    Some(Command::Batch { commands })
}
