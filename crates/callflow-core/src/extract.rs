//! "Extract common module": a selection of an inbound flow becomes a common module of the project,
//! and the selection is replaced by one invoke node wired to the same entry and exit.
//!
//! The module's inputs are the flow variables the selection reads before it sets them (on some
//! path from its entry); its outputs are the flow variables it sets that a node outside it reads.
//! In the module they are `Common.` variables of the same names and types; the invoke passes the
//! flow's variables in and takes the outputs back. A selection qualifies when it has one way in and
//! one way out, and holds no step that ends the call, calls a module, or belongs to the flow's
//! structure (tasks, jumps, menus, actions kept as written from an imported file).

use std::collections::BTreeSet;

use crate::document::{Edge, FieldInput, Flow, ModuleCall, Node, NodeBody, NodeKind, TypeName, ValueType, Variable};
use crate::expression;
use crate::project::{first_free, Project};

/// The flow variables a node reads and writes (`Flow.x`), in field order.
pub fn reads_and_writes(node: &Node) -> (Vec<String>, Vec<String>) {
    let mut reads = Vec::new();
    let mut writes = Vec::new();
    let mut read = |text: &str| reads.extend(expression::flow_variables(text).map(str::to_owned));
    match &node.body {
        NodeBody::Decision { expression } => read(expression),
        NodeBody::SetVariable { variable, expression } => {
            read(expression);
            writes.push(variable.clone());
        }
        NodeBody::Invoke(_) | NodeBody::DataAction(_) => {
            if let Some((inputs, outputs)) = node.body.mappings() {
                inputs.values().for_each(|value| read(value));
                writes.extend(outputs.values().cloned());
            }
        }
        NodeBody::Step(step) => {
            for (spec, value) in step.kind.spec().fields.iter().zip(&step.values) {
                match spec.input {
                    FieldInput::Expression | FieldInput::Lines => read(value),
                    FieldInput::VariableTarget if !value.trim().is_empty() => writes.push(value.trim().to_owned()),
                    FieldInput::Pairs => {
                        for (_, item) in crate::archy_codec::pairs(value) {
                            if step.kind == NodeKind::GetParticipantData {
                                writes.push(item);
                            } else {
                                read(&item);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
    writes.retain(|w| expression::is_scoped_name(w, "Flow"));
    (reads, writes)
}

/// What an extraction makes: the module's contract, by variable name (without scope).
#[derive(Debug, Clone, PartialEq)]
pub struct Extracted {
    /// The project with the new module (last) and the flow's selection replaced.
    pub project: Project,
    /// The module's index in the project.
    pub module: usize,
    /// The id of the invoke node that replaced the selection.
    pub invoke: String,
    /// `Flow.x` read before set: the module's inputs.
    pub inputs: Vec<String>,
    /// `Flow.x` set and read after: the module's outputs.
    pub outputs: Vec<String>,
}

/// Extracts the nodes `selected` (ids) of flow `flow` of `project` into a new common module called
/// `name`. The reason is given when the selection does not qualify.
pub fn extract_module(
    project: &Project,
    flow: usize,
    selected: &BTreeSet<String>,
    name: &str,
) -> Result<Extracted, String> {
    let source = project.flows.get(flow).ok_or("no such flow")?;
    if source.flow_type.is_module() {
        return Err("a common module cannot call another module, so nothing is extracted from one".to_owned());
    }
    if selected.is_empty() {
        return Err("select the steps to move into the module first".to_owned());
    }
    let inside = |id: &str| selected.contains(id);
    let nodes: Vec<&Node> = source.nodes.iter().filter(|n| inside(&n.id)).collect();
    if nodes.len() != selected.len() {
        return Err("the selection names a node the flow does not have (or one id twice)".to_owned());
    }
    for node in &nodes {
        let kind = node.kind();
        let refuse = |why: &str| Err(format!("\"{}\" cannot go into a module: {why}", node.label));
        if node.id == source.start_node_id || kind == NodeKind::Start {
            return refuse("it is the flow's start");
        }
        if kind.is_terminal() {
            return refuse("it ends the call, and a module must return to the flow that called it");
        }
        match kind {
            NodeKind::Invoke => return refuse("a module cannot call another module"),
            NodeKind::Menu | NodeKind::Task | NodeKind::JumpToTask | NodeKind::JumpToMenu | NodeKind::CallTask => {
                return refuse("menus, tasks and jumps belong to the flow's structure")
            }
            NodeKind::Archy => return refuse("an action kept as written from an imported file stays in its flow"),
            _ => {}
        }
        if node.carried.is_some() {
            return refuse("an imported action keeps keys the module could not rename; it stays in its flow");
        }
    }
    // One way in: every edge from outside enters the same node; one way out: every edge leaving
    // goes to the same node.
    let entry = one_end(
        source.edges.iter().filter(|e| !inside(&e.from) && inside(&e.to)).map(|e| e.to.as_str()).collect(),
        "no step outside the selection leads into it",
        |ends| format!("the selection has more than one way in ({ends})"),
    )?;
    let exit = one_end(
        source.edges.iter().filter(|e| inside(&e.from) && !inside(&e.to)).map(|e| e.to.as_str()).collect(),
        "nothing leads out of the selection: a module returns to its caller, which goes on",
        |ends| format!("the selection has more than one way out (to {ends}); a module call goes on one way"),
    )?;
    let (inputs, outputs) = contract(source, selected, &entry);

    // The module: a start, the selected nodes renamed to Common., End module where it returns.
    let mut module = crate::project::new_module(name);
    module.nodes.clear();
    module.edges.clear();
    module.description = Some(format!("Extracted from \"{}\".", source.name));
    let taken: BTreeSet<&str> = selected.iter().map(String::as_str).collect();
    let fresh = |base: &str| first_free(base, "", |id| taken.contains(id));
    let (start, done) = (fresh("start"), fresh("done"));
    let entry_node = nodes.iter().find(|n| n.id == entry).copied();
    let (ex, ey) = entry_node.map(|n| (n.x, n.y)).unwrap_or((0.0, 0.0));
    module.start_node_id = start.clone();
    module.nodes.push(Node::new(start.clone(), NodeKind::Start, ex - 200.0, ey));
    let right = nodes.iter().map(|n| n.x).fold(ex, f64::max);
    for node in &nodes {
        module.nodes.push(to_common(node));
    }
    module.nodes.push(Node::new(done.clone(), NodeKind::EndModule, right + 240.0, ey));
    module.edges.push(Edge::new(start, None, entry.clone()));
    for edge in source.edges.iter().filter(|e| inside(&e.from)) {
        let to = if inside(&edge.to) { edge.to.clone() } else { done.clone() };
        module.edges.push(Edge { to, ..edge.clone() });
    }
    let declared = |name: &str| source.variables.iter().find(|v| v.name == name).map(|v| v.value_type);
    let mut used: Vec<String> = Vec::new();
    for node in &nodes {
        let (reads, writes) = reads_and_writes(node);
        for variable in reads.into_iter().chain(writes) {
            if !used.contains(&variable) {
                used.push(variable);
            }
        }
    }
    module.variables = used
        .iter()
        .map(|flow_name| {
            let value_type = declared(flow_name).unwrap_or(TypeName::scalar(ValueType::String));
            let mut variable = Variable::new(common_name(flow_name), value_type);
            variable.input = inputs.contains(flow_name);
            variable.required = variable.input;
            variable.output = outputs.contains(flow_name);
            variable
        })
        .collect();

    // The flow: the selection goes, one invoke takes its place and its entry and exit edges.
    let mut project = project.clone();
    let module_name = project.fresh_name(name);
    module.name = module_name.clone();
    let flow_taken: BTreeSet<String> = source.nodes.iter().map(|n| n.id.clone()).collect();
    let invoke = first_free(&crate::export::slug(&module_name), "", |id| flow_taken.contains(id));
    let call = ModuleCall {
        module: module_name,
        module_id: None,
        version: Some("latest".to_owned()),
        inputs: inputs.iter().map(|v| (common_name(v), v.clone())).collect(),
        outputs: outputs.iter().map(|v| (common_name(v), v.clone())).collect(),
    };
    let target = &mut project.flows[flow];
    let mut invoke_node = Node::new(invoke.clone(), NodeKind::Invoke, ex, ey);
    invoke_node.label = format!("Call {}", call.module);
    invoke_node.body = NodeBody::Invoke(Box::new(call));
    let position = target.nodes.iter().position(|n| inside(&n.id)).unwrap_or(target.nodes.len());
    target.nodes.retain(|n| !inside(&n.id));
    target.nodes.insert(position.min(target.nodes.len()), invoke_node);
    let mut edges = Vec::new();
    let mut wired_exit = false;
    for edge in std::mem::take(&mut target.edges) {
        match (inside(&edge.from), inside(&edge.to)) {
            (false, false) => edges.push(edge),
            (false, true) => edges.push(Edge { to: invoke.clone(), ..edge }),
            (true, false) if !wired_exit => {
                wired_exit = true;
                edges.push(Edge::new(invoke.clone(), Some("complete"), exit.clone()));
            }
            _ => {}
        }
    }
    target.edges = edges;
    project.flows.push(module);
    Ok(Extracted { module: project.flows.len() - 1, project, invoke, inputs, outputs })
}

/// The one node a set of edge ends names, or why there is not exactly one.
fn one_end(ends: BTreeSet<&str>, none: &str, many: impl FnOnce(String) -> String) -> Result<String, String> {
    match ends.len() {
        0 => Err(none.to_owned()),
        1 => Ok(ends.into_iter().next().unwrap_or_default().to_owned()),
        _ => Err(many(ends.into_iter().collect::<Vec<_>>().join(", "))),
    }
}

/// The selection's inputs (read on some path from the entry before any write) and outputs (written
/// inside, read by a node outside).
fn contract(flow: &Flow, selected: &BTreeSet<String>, entry: &str) -> (Vec<String>, Vec<String>) {
    let inside = |id: &str| selected.contains(id);
    let node_of = |id: &str| flow.nodes.iter().find(|n| n.id == id);
    let successors = |id: &str| -> Vec<&str> {
        flow.edges.iter().filter(|e| e.from == id && inside(&e.to)).map(|e| e.to.as_str()).collect()
    };
    let mut all_reads: Vec<String> = Vec::new();
    let mut all_writes: Vec<String> = Vec::new();
    for node in flow.nodes.iter().filter(|n| inside(&n.id)) {
        let (reads, writes) = reads_and_writes(node);
        for read in reads {
            if !all_reads.contains(&read) {
                all_reads.push(read);
            }
        }
        for write in writes {
            if !all_writes.contains(&write) {
                all_writes.push(write);
            }
        }
    }
    // A variable is an input when some path from the entry reaches a read of it before a write.
    let inputs = all_reads
        .iter()
        .filter(|variable| {
            let mut seen = BTreeSet::new();
            let mut stack = vec![entry];
            while let Some(id) = stack.pop() {
                if !seen.insert(id) {
                    continue;
                }
                let Some(node) = node_of(id) else { continue };
                let (reads, writes) = reads_and_writes(node);
                if reads.contains(variable) {
                    return true;
                }
                if writes.contains(variable) {
                    continue;
                }
                stack.extend(successors(id));
            }
            false
        })
        .cloned()
        .collect();
    let read_outside: BTreeSet<String> =
        flow.nodes.iter().filter(|n| !inside(&n.id)).flat_map(|n| reads_and_writes(n).0).collect();
    let outputs = all_writes.into_iter().filter(|w| read_outside.contains(w)).collect();
    (inputs, outputs)
}

/// `Flow.x` → `Common.x`.
fn common_name(flow_name: &str) -> String {
    match flow_name.strip_prefix("Flow.") {
        Some(rest) => format!("Common.{rest}"),
        None => flow_name.to_owned(),
    }
}

/// Every `Flow.x` of an expression as `Common.x` (string literals untouched).
fn rename_in(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut last = 0;
    for variable in expression::flow_variables(text) {
        // The iterator hands out slices of `text`: their offset is where they start.
        let start = variable.as_ptr() as usize - text.as_ptr() as usize;
        out.push_str(&text[last..start]);
        out.push_str(&common_name(variable));
        last = start + variable.len();
    }
    out.push_str(&text[last..]);
    out
}

/// A copy of `node` whose expressions and targets read and write `Common.` variables.
fn to_common(node: &Node) -> Node {
    let mut node = node.clone();
    match &mut node.body {
        NodeBody::Decision { expression } => *expression = rename_in(expression),
        NodeBody::SetVariable { variable, expression } => {
            *expression = rename_in(expression);
            *variable = common_name(variable);
        }
        NodeBody::DataAction(call) => {
            call.inputs.values_mut().for_each(|v| *v = rename_in(v));
            call.outputs.values_mut().for_each(|v| *v = common_name(v));
        }
        NodeBody::Step(step) => {
            let kind = step.kind;
            for (spec, value) in kind.spec().fields.iter().zip(step.values.iter_mut()) {
                match spec.input {
                    FieldInput::Expression | FieldInput::Lines | FieldInput::VariableTarget => {
                        *value = value.lines().map(rename_in).collect::<Vec<_>>().join("\n")
                    }
                    FieldInput::Pairs => *value = value.lines().map(rename_in).collect::<Vec<_>>().join("\n"),
                    _ => {}
                }
            }
        }
        _ => {}
    }
    node
}
