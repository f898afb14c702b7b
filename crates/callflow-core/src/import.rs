//! Archy YAML → flow document: `callflow import` and the designer's open, paste and drop.
//!
//! An `inboundCall` becomes a graph: each task a `task` node, each menu a `menu` node, each action a
//! node of the kind that models it, or an `archy` node that keeps it exactly as written when the
//! designer does not model it (or not in the form it has). Sequence becomes `next`-style edges, an
//! output path an edge from its port, and the end of a path an edge to the action after the
//! branching one (Archy falls through to it), which each node also remembers (`after`) so that the
//! export writes the same lists. Every key the designer does not model is carried as written, so an
//! import followed by an export gives back the same data ([`crate::archy_codec`]).
//!
//! Archy substitution tokens (`{{name}}`) are not YAML until Archy or Terraform replaces them; they
//! are masked before parsing and restored after, so they stay text through import and export.
//! Terraform template references (`${name}`) are plain YAML text already.

use serde_json::Value as Json;

use crate::archy_codec as codec;
use crate::diagnostic::{Code, Diagnostic};
use crate::document::{
    ArchyAction, ArchyForm, ArchyKeys, Carried, DataActionCall, Document, Edge, FieldId, Flow, FlowType, MenuChoice,
    Module, ModuleCall, Node, NodeBody, NodeKind, PortName, Queue, Step, TypeName, ValueType, Variable, FORMAT_V1,
};

/// An imported flow, and what the user should know about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub document: Document,
    pub notes: Vec<String>,
}

/// Flow types Archy knows that the importer refuses (for now), with the designer's name for them.
const OTHER_FLOW_TYPES: [(&str, &str); 14] = [
    ("commonModule", "common module"),
    ("inqueueCall", "in-queue call flow"),
    ("outboundCall", "outbound call flow"),
    ("secureCall", "secure call flow"),
    ("workflow", "workflow"),
    ("inboundShortMessage", "inbound message flow"),
    ("inboundEmail", "inbound email flow"),
    ("inboundChat", "inbound chat flow"),
    ("botFlow", "bot flow"),
    ("digitalBot", "digital bot flow"),
    ("inqueueShortMessage", "in-queue message flow"),
    ("inqueueEmail", "in-queue email flow"),
    ("workitem", "workitem flow"),
    ("surveyInvite", "survey invite flow"),
];

const MASK_OPEN: &str = "\u{e000}\u{e000}";
const MASK_CLOSE: &str = "\u{e001}\u{e001}";

/// Reads an Archy YAML file. Broken YAML is `invalid-document` with line and column; a flow of
/// another type is refused with its name. Nothing is partial: either a whole document or an error.
pub fn import_archy(text: &str) -> Result<Imported, Diagnostic> {
    let value = parse_yaml(text)?;
    let Some(root) = value.as_object() else {
        return Err(invalid("the file is not an Archy flow: its top level is not a mapping"));
    };
    let Some(flow) = root.get("inboundCall") else {
        for key in root.keys() {
            if let Some((_, name)) = OTHER_FLOW_TYPES.iter().find(|(k, _)| k == key) {
                return Err(invalid(&format!(
                    "this is a {name} (`{key}`); only inbound call flows (`inboundCall`) can be imported so far"
                )));
            }
        }
        let keys: Vec<&str> = root.keys().map(String::as_str).collect();
        return Err(invalid(&format!(
            "the file is not an Archy inbound call flow: its top-level key is {}, not inboundCall",
            if keys.is_empty() { "missing".to_owned() } else { keys.join(", ") }
        )));
    };
    let Some(flow) = flow.as_object() else {
        return Err(invalid("inboundCall is not a mapping of the flow's keys"));
    };
    Importer::default().flow(flow)
}

/// Does `text` look like an Archy flow file (its first key, past comments, is a flow type)? What
/// the designer uses to send a paste or a dropped file to the import rather than the JSON parser.
pub fn looks_like_archy(text: &str) -> bool {
    let first = text
        .lines()
        .map(str::trim_end)
        .find(|line| !line.trim().is_empty() && !line.trim_start().starts_with('#') && line.trim() != "---");
    let Some(line) = first else { return false };
    let Some(key) = line.strip_suffix(':') else { return false };
    key == "inboundCall" || OTHER_FLOW_TYPES.iter().any(|(k, _)| *k == key)
}

/// Parses Archy YAML with its substitution tokens kept as text. Broken YAML is `invalid-document`
/// with line and column.
pub fn parse_yaml(text: &str) -> Result<Json, Diagnostic> {
    let masked = mask_tokens(text);
    let mut value: Json = serde_norway::from_str(&masked).map_err(|error| {
        let message = error.to_string().replace(MASK_OPEN, "{{").replace(MASK_CLOSE, "}}");
        let (line, column) = error.location().map_or((0, 0), |at| (at.line(), at.column()));
        let position = if line > 0 { format!("line {line}, column {column}: ") } else { String::new() };
        Diagnostic::error(Code::InvalidDocument, format!("the YAML does not parse ({position}{message})"))
    })?;
    unmask(&mut value);
    Ok(value)
}

fn invalid(message: &str) -> Diagnostic {
    Diagnostic::error(Code::InvalidDocument, message.to_owned())
}

/// `{{name}}` → masked, so that YAML reads it as text.
fn mask_tokens(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        match after.find("}}") {
            Some(close) if !after[..close].contains(['\n', '{', '}']) => {
                out.push_str(&rest[..open]);
                out.push_str(MASK_OPEN);
                out.push_str(&after[..close]);
                out.push_str(MASK_CLOSE);
                rest = &after[close + 2..];
            }
            _ => {
                out.push_str(&rest[..open + 2]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn unmask(value: &mut Json) {
    let restore = |text: &str| text.replace(MASK_OPEN, "{{").replace(MASK_CLOSE, "}}");
    match value {
        Json::String(text) if text.contains('\u{e000}') => *text = restore(text),
        Json::Array(items) => items.iter_mut().for_each(unmask),
        Json::Object(map) => {
            if map.keys().any(|key| key.contains('\u{e000}')) {
                let entries = std::mem::take(map);
                for (key, mut child) in entries {
                    unmask(&mut child);
                    map.insert(restore(&key), child);
                }
            } else {
                map.values_mut().for_each(unmask);
            }
        }
        _ => {}
    }
}

/// Canvas spacing of the import's layout.
const COLUMN: f64 = 220.0;
/// The space between two rows, below the taller of their nodes.
const ROW_GAP: f64 = 44.0;
/// A node's height on the canvas: a header and a row per port (the designer's canvas draws it so).
fn node_height(node: &Node) -> f64 {
    40.0 + node.ports().count().max(1) as f64 * 20.0 + 6.0
}

#[derive(Default)]
struct Importer {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    taken: std::collections::HashSet<String>,
    counters: std::collections::HashMap<String, usize>,
    /// refId → task node index, menu node index.
    tasks: Vec<(String, usize)>,
    menus: Vec<(String, usize)>,
    /// Jumps to resolve once every task and menu exists: (node index, reference).
    jumps: Vec<(usize, String)>,
    queues: Vec<String>,
    modules: Vec<String>,
    notes: Vec<String>,
    /// The next free canvas row, and each node's row.
    row: usize,
    rows: Vec<usize>,
}

impl Importer {
    fn flow(mut self, flow: &ArchyKeys) -> Result<Imported, Diagnostic> {
        let name = flow.get("name").and_then(Json::as_str).unwrap_or_default().to_owned();
        if name.trim().is_empty() {
            return Err(invalid("inboundCall has no name"));
        }
        let text = |key: &str| flow.get(key).and_then(Json::as_str).map(str::to_owned);
        let start = self.add_node(Node::new("start", NodeKind::Start, 40.0, 40.0));

        // Units first, so that jumps and menu choices can find them; their actions after.
        let menus = list_of(flow.get("menus"), "menu");
        let tasks = list_of(flow.get("tasks"), "task");
        let mut units = Vec::new();
        for (ref_id, body) in &menus {
            let index = self.menu_node(ref_id, body);
            self.menus.push((ref_id.clone(), index));
            units.push((index, *body));
        }
        for (ref_id, body) in &tasks {
            let label = body.get("name").and_then(Json::as_str).unwrap_or_default();
            let mut node = Node::new(self.fresh_id("task", ref_id), NodeKind::Task, 0.0, 0.0);
            node.label = label.to_owned();
            node.body = NodeBody::Task { ref_id: ref_id.clone() };
            node.carried = Some(Box::new(Carried { after: None, keys: kept_keys(body, &["actions"]) }));
            let index = self.add_node(node);
            self.tasks.push((ref_id.clone(), index));
            units.push((index, *body));
        }
        for (unit, body) in units {
            let row = self.row;
            self.row_start(unit);
            if self.nodes[unit].kind() == NodeKind::Task {
                let actions = actions_of(body.get("actions"));
                let entry = self.list(actions, None, 2);
                self.link(unit, PortName::Next, entry);
            } else {
                self.menu_choices(unit, body);
            }
            // The next region starts below this one, even when it had no list of its own.
            if self.row == row {
                self.row += 1;
            }
        }
        for (index, reference) in std::mem::take(&mut self.jumps) {
            let target = self.unit(&reference);
            match target {
                Some(target) => self.link(index, PortName::Target, Some(target)),
                None => self.notes.push(format!("\"{reference}\" names no task or menu in the file")),
            }
        }
        // The start goes where startUpRef points.
        let start_ref = text("startUpRef").unwrap_or_default();
        match self.unit(&start_ref) {
            Some(target) => self.link(start, PortName::Next, Some(target)),
            None => self.notes.push(format!("startUpRef \"{start_ref}\" names no task or menu in the file")),
        }

        self.place_rows();
        let variables = variables(flow.get("variables"));
        let greeting = flow.get("initialGreeting").and_then(codec::tts);
        // Menus and tasks are the graph's now; the export writes them after the other keys.
        let mut keys = kept_keys(flow, &["menus", "tasks"]);
        keys.shift_remove("menus");
        keys.shift_remove("tasks");
        let document = Document {
            format: FORMAT_V1.to_owned(),
            flow: Flow {
                name,
                flow_type: FlowType::Inboundcall,
                description: text("description"),
                division: text("division").unwrap_or_default(),
                default_language: text("defaultLanguage").unwrap_or_else(|| "en-us".to_owned()),
                start_node_id: "start".to_owned(),
                initial_greeting: greeting,
                compatible_flow_types: Vec::new(),
                variables,
                nodes: self.nodes,
                edges: self.edges,
                archy: Some(Box::new(keys)),
                scenarios: Vec::new(),
            },
            modules: self.modules.iter().map(|name| unknown_module(name)).collect(),
            queues: self.queues.iter().map(|name| Queue { id: None, name: name.clone() }).collect(),
        };
        Ok(Imported { document, notes: self.notes })
    }

    fn unit(&self, reference: &str) -> Option<usize> {
        let ref_id = codec::ref_id_of(reference)?;
        let list = if reference.contains("menus/menu[") { &self.menus } else { &self.tasks };
        list.iter().find(|(id, _)| id == ref_id).map(|&(_, index)| index)
    }

    /// A task or menu starts a region: the unit in the second column, its first list beside it.
    fn row_start(&mut self, unit: usize) {
        self.nodes[unit].x = 40.0 + COLUMN;
        self.rows[unit] = self.row;
    }

    fn menu_node(&mut self, ref_id: &str, body: &ArchyKeys) -> usize {
        let mut node = Node::new(self.fresh_id("menu", ref_id), NodeKind::Menu, 0.0, 0.0);
        node.label = body.get("name").and_then(Json::as_str).unwrap_or_default().to_owned();
        let prompt = body.get("audio").and_then(codec::tts).unwrap_or_default();
        node.body = NodeBody::Menu { prompt, choices: Vec::new() };
        node.carried = Some(Box::new(Carried { after: None, keys: kept_keys(body, &["choices"]) }));
        self.add_node(node)
    }

    fn menu_choices(&mut self, menu: usize, body: &ArchyKeys) {
        let mut choices = Vec::new();
        let mut links = Vec::new();
        for item in body.get("choices").and_then(Json::as_array).into_iter().flatten() {
            let Some((kind, choice)) = item.as_object().and_then(codec::single) else { continue };
            let empty = ArchyKeys::new();
            let choice = choice.as_object().unwrap_or(&empty);
            let digit = choice.get("dtmf").and_then(Json::as_str).map(digit_of).unwrap_or_default();
            let label = choice.get("name").and_then(Json::as_str).unwrap_or_default().to_owned();
            let port = PortName::of_digit(&digit);
            let mut kept = ArchyKeys::new();
            match kind.as_str() {
                "menuTask" => {
                    let actions = actions_of(choice.get("task").and_then(|task| task.get("actions")));
                    let mut body = kept_keys(choice, &["task"]);
                    if let Some(Json::Object(task)) = choice.get("task") {
                        body.insert("task".to_owned(), Json::Object(kept_keys(task, &["actions"])));
                    }
                    kept.insert(kind.clone(), Json::Object(body));
                    let entry = self.list(actions, None, 2);
                    links.push((port, entry));
                }
                "menuJumpToTask" => {
                    let reference = choice.get("targetTaskRef").and_then(Json::as_str).unwrap_or_default();
                    kept.insert(kind.clone(), Json::Object(choice.clone()));
                    match self.unit(reference) {
                        Some(task) => links.push((port, Some(task))),
                        None => self.notes.push(format!("menu choice \"{label}\": \"{reference}\" names no task")),
                    }
                }
                _ => {
                    if kind == "menuTransferToAcd" {
                        if let Some(queue) = choice.get("targetQueue").and_then(codec::literal_name) {
                            self.note_queue(&queue);
                        }
                    }
                    kept.insert(kind.clone(), Json::Object(choice.clone()));
                }
            }
            choices.push(MenuChoice { digit, label, archy: Some(kept) });
        }
        if let NodeBody::Menu { choices: slot, .. } = &mut self.nodes[menu].body {
            *slot = choices;
        }
        for (port, entry) in links {
            if let Some(port) = port {
                self.link(menu, port, entry);
            }
        }
    }
}

impl Importer {
    fn add_node(&mut self, node: Node) -> usize {
        self.taken.insert(node.id.clone());
        self.nodes.push(node);
        self.rows.push(0);
        self.nodes.len() - 1
    }

    /// Each row as high as its tallest node, so that no two nodes overlap.
    fn place_rows(&mut self) {
        let mut heights = vec![0.0f64; self.row + 1];
        for (node, &row) in self.nodes.iter().zip(&self.rows) {
            heights[row] = heights[row].max(node_height(node));
        }
        let mut tops = Vec::with_capacity(heights.len());
        let mut top = 40.0;
        for height in heights {
            tops.push(top);
            top += height + ROW_GAP;
        }
        for (node, &row) in self.nodes.iter_mut().zip(&self.rows) {
            node.y = tops[row];
        }
    }

    /// A node id from a prefix and a name: `task_Main_Menu_10`, unique, within the id rule.
    fn fresh_id(&mut self, prefix: &str, name: &str) -> String {
        let mut base = String::with_capacity(prefix.len() + name.len() + 1);
        base.push_str(prefix);
        base.push('_');
        for c in name.chars() {
            if c.is_ascii_alphanumeric() || c == '-' {
                base.push(c);
            } else if !base.ends_with('_') {
                base.push('_');
            }
        }
        let mut base: String = base.trim_end_matches('_').chars().take(56).collect();
        if base.is_empty() {
            base = prefix.to_owned();
        }
        let mut id = base.clone();
        // The next number to try for this base, so that many actions of one name cost one probe each.
        let counter = self.counters.entry(base.clone()).or_insert(2);
        while self.taken.contains(&id) {
            id = format!("{base}_{counter}");
            *counter += 1;
        }
        id
    }

    fn link(&mut self, from: usize, port: PortName, to: Option<usize>) {
        let Some(to) = to else { return };
        let port = (port != PortName::Next).then(|| port.as_str());
        let edge = Edge::new(self.nodes[from].id.as_str(), port, self.nodes[to].id.as_str());
        self.edges.push(edge);
    }

    /// One path of node `index`: its action list when it has one (falling through to `cont`), else
    /// straight on to `cont`, linked from `port`.
    fn path(&mut self, index: usize, port: PortName, actions: Option<&Vec<Json>>, cont: Option<usize>, column: usize) {
        let entry = match actions {
            Some(actions) => self.list(actions, cont, column),
            None => cont,
        };
        self.link(index, port, entry);
    }

    fn note_queue(&mut self, name: &str) {
        if !name.is_empty() && !self.queues.iter().any(|q| q == name) {
            self.queues.push(name.to_owned());
        }
    }

    fn note_module(&mut self, name: &str) {
        if !name.is_empty() && !self.modules.iter().any(|m| m == name) {
            self.modules.push(name.to_owned());
        }
    }

    /// Imports an action list on a canvas row of its own; returns its first node, or `cont` when
    /// the list is empty. `cont` is where the list falls through at its end.
    fn list(&mut self, actions: &[Json], cont: Option<usize>, column: usize) -> Option<usize> {
        if actions.is_empty() {
            return cont;
        }
        let row = self.row;
        self.row += 1;
        // Every node of the list first, so each knows the one after it; then their paths. Bodies
        // are borrowed from the parsed file, never copied: a deep file would be copied once per level.
        let empty = ArchyKeys::new();
        let mut made: Vec<(usize, Shape, &ArchyKeys)> = Vec::with_capacity(actions.len());
        for (offset, item) in actions.iter().enumerate() {
            let (key, body) = match item.as_object().and_then(codec::single) {
                Some((key, Json::Object(body))) => (key.as_str(), body),
                Some((key, _)) => (key.as_str(), &empty),
                None => ("unknownAction", &empty),
            };
            let (node, shape) = self.action_node(key, body);
            let index = self.add_node(node);
            self.nodes[index].x = 40.0 + (column + offset) as f64 * COLUMN;
            self.rows[index] = row;
            made.push((index, shape, body));
        }
        for position in 0..made.len() {
            let successor = made.get(position + 1).map(|(index, _, _)| *index).or(cont);
            let (index, shape, body) = (made[position].0, made[position].1.clone(), made[position].2);
            let outputs = body.get("outputs").and_then(Json::as_object);
            let path_list = |port: PortName| {
                outputs.and_then(|o| o.get(port.as_str())).and_then(|p| p.get("actions")).and_then(Json::as_array)
            };
            match shape {
                Shape::Linear(port) => self.link(index, port, successor),
                Shape::Terminal => {}
                Shape::Branching(ports) => {
                    for port in ports {
                        self.path(index, port, path_list(port), successor, column + position + 1);
                    }
                    let after = successor.map(|after| self.nodes[after].id.clone());
                    if let (Some(carried), Some(after)) = (self.nodes[index].carried.as_mut(), after) {
                        carried.after = Some(after);
                    }
                }
                Shape::Switch => {
                    let first_true = body.get("evaluate").and_then(|e| e.get("firstTrue"));
                    let cases = first_true
                        .and_then(|f| f.get("cases"))
                        .and_then(Json::as_array)
                        .map(Vec::as_slice)
                        .unwrap_or_default();
                    for (number, item) in cases.iter().enumerate() {
                        let actions = item.get("case").and_then(|c| c.get("actions")).and_then(Json::as_array);
                        self.path(
                            index,
                            PortName::Case(u8::try_from(number).unwrap_or(u8::MAX)),
                            actions,
                            successor,
                            column + position + 1,
                        );
                    }
                    let default = first_true
                        .and_then(|f| f.get("default"))
                        .and_then(|d| d.get("actions"))
                        .and_then(Json::as_array);
                    self.path(index, PortName::Default, default, successor, column + position + 1);
                    let after = successor.map(|after| self.nodes[after].id.clone());
                    if let (Some(carried), Some(after)) = (self.nodes[index].carried.as_mut(), after) {
                        carried.after = Some(after);
                    }
                }
                Shape::Looping => {
                    self.path(index, PortName::Loop, path_list(PortName::Loop), Some(index), column + position + 1);
                    self.link(index, PortName::Next, successor);
                }
                Shape::Kept(paths) => {
                    for port in paths {
                        self.path(index, port, path_list(port), successor, column + position + 1);
                    }
                    self.link(index, PortName::Next, successor);
                }
            }
        }
        made.first().map(|(index, _, _)| *index)
    }

    /// The node for one action, and how its paths continue. An action the designer models in the
    /// form it has becomes a node of that kind; any other becomes an `archy` node kept as written.
    fn action_node(&mut self, key: &str, body: &ArchyKeys) -> (Node, Shape) {
        let label = body.get("name").and_then(Json::as_str).unwrap_or_default().to_owned();
        let id_name = if label.is_empty() { key } else { label.as_str() };
        let id = self.fresh_id(key, id_name);
        let modeled = self.modeled(key, body);
        let (node_body, shape) = match modeled {
            Some(found) => found,
            None => {
                // Kept as written: its known paths are ports, the rest of its keys are carried.
                let paths: Vec<PortName> = body
                    .get("outputs")
                    .and_then(Json::as_object)
                    .into_iter()
                    .flatten()
                    .filter_map(|(name, _)| PortName::parse(name))
                    .filter(|port| !matches!(port, PortName::Digit(_) | PortName::Next))
                    .collect();
                let action = ArchyAction { action: key.to_owned(), paths: paths.clone() };
                (NodeBody::Archy(Box::new(action)), Shape::Kept(paths))
            }
        };
        // The known paths are edges now; only unknown ones stay with the keys (and nothing below a
        // known path is copied). A switch's cases and default are its ports: `evaluate` keeps only
        // its place.
        let switch = matches!(&node_body, NodeBody::Step(step) if step.kind == NodeKind::Switch);
        let mut keys = ArchyKeys::new();
        for (name, value) in body {
            match (name.as_str(), value) {
                ("evaluate", _) if switch => {
                    keys.insert(name.clone(), Json::Null);
                }
                ("outputs", Json::Object(outputs)) => {
                    let unknown: ArchyKeys = outputs
                        .iter()
                        .filter(|(path, _)| PortName::parse(path).is_none())
                        .map(|(path, value)| (path.clone(), value.clone()))
                        .collect();
                    if !unknown.is_empty() {
                        keys.insert(name.clone(), Json::Object(unknown));
                    }
                }
                _ => {
                    keys.insert(name.clone(), value.clone());
                }
            }
        }
        let node =
            Node { id, label, x: 0.0, y: 0.0, body: node_body, carried: Some(Box::new(Carried { after: None, keys })) };
        (node, shape)
    }

    fn modeled(&mut self, key: &str, body: &ArchyKeys) -> Option<(NodeBody, Shape)> {
        let get = |name: &str| body.get(name);
        Some(match key {
            "playAudio" => (NodeBody::Play { prompt: codec::tts(get("audio")?)? }, Shape::Linear(PortName::Next)),
            "decision" => (
                NodeBody::Decision { expression: codec::expression(get("condition")?)? },
                Shape::Branching(vec![PortName::Yes, PortName::No]),
            ),
            "transferToAcd" => {
                let queue = codec::literal_name(get("targetQueue")?)?;
                self.note_queue(&queue);
                (NodeBody::Transfer { queue }, Shape::Branching(vec![PortName::Failure]))
            }
            "callData" => {
                let call = codec::data_action_ref(get("category")?)?;
                if !call.outputs.values().all(|variable| is_modeled_variable(variable)) {
                    return None;
                }
                let seconds = codec::seconds(get("timeout")?)?;
                let body = DataActionCall {
                    category: call.category,
                    action: call.action,
                    inputs: call.inputs,
                    outputs: call.outputs,
                    timeout_seconds: Some(seconds),
                };
                (
                    NodeBody::DataAction(Box::new(body)),
                    Shape::Branching(vec![PortName::Success, PortName::Failure, PortName::Timeout]),
                )
            }
            "callCommonModule" => {
                let call = codec::module_ref(get("commonModule")?)?;
                if !call.outputs.values().all(|variable| is_modeled_variable(variable)) {
                    return None;
                }
                self.note_module(&call.module);
                let body = ModuleCall {
                    module: call.module,
                    module_id: None,
                    version: Some(call.version),
                    inputs: call.inputs,
                    outputs: call.outputs,
                };
                (NodeBody::Invoke(Box::new(body)), Shape::Linear(PortName::Complete))
            }
            "updateData" => {
                let (_, variable, expression) = codec::single_statement(get("statements")?)?;
                if !is_modeled_variable(&variable) {
                    return None;
                }
                (NodeBody::SetVariable { variable, expression }, Shape::Linear(PortName::Next))
            }
            "disconnect" => (NodeBody::Disconnect, Shape::Terminal),
            "switch" => {
                // `evaluate: firstTrue:` with expression cases; other forms are kept as written.
                let first_true =
                    get("evaluate")?.as_object().filter(|e| e.len() == 1)?.get("firstTrue")?.as_object()?;
                if first_true.keys().any(|key| key != "cases" && key != "default") {
                    return None;
                }
                let mut cases = Vec::new();
                for item in first_true.get("cases").and_then(Json::as_array).map(Vec::as_slice).unwrap_or_default() {
                    let case = item.as_object()?.get("case")?.as_object()?;
                    if case.keys().any(|key| key != "value" && key != "actions") {
                        return None;
                    }
                    let expression = codec::expression(case.get("value")?)?;
                    if expression.contains('\n') || expression.trim().is_empty() || expression.trim() != expression {
                        return None;
                    }
                    cases.push(expression);
                }
                if cases.len() > crate::document::MAX_CASES {
                    return None;
                }
                let mut step = Step::new(NodeKind::Switch);
                step.set(FieldId::Cases, cases.join("\n"));
                (NodeBody::Step(Box::new(step)), Shape::Switch)
            }
            _ if step_kind(key).is_some() => {
                let kind = step_kind(key)?;
                let shape = kind.spec().archy?;
                let mut step = Step::new(kind);
                for field in shape.fields {
                    let Some(value) = body.get(field.path[0]).and_then(|v| codec::at_path(v, &field.path[1..])) else {
                        // A bare value the designer needs (a digit count, a flow's name) must be
                        // there: `digits: exact: 1` is another form, kept as written.
                        if field.form == ArchyForm::Plain {
                            return None;
                        }
                        continue;
                    };
                    let text = codec::read_form(field.form, value)?;
                    if field.form == ArchyForm::Variable && !is_modeled_variable(&text) {
                        return None;
                    }
                    if field.form == ArchyForm::GetAttributes
                        && !codec::pairs(&text).iter().all(|(_, variable)| is_modeled_variable(variable))
                    {
                        return None;
                    }
                    if field.field == FieldId::Queue {
                        self.note_queue(&text);
                    }
                    step.set(field.field, text);
                }
                let ports = kind.spec().ports;
                let shape = if kind == NodeKind::Loop {
                    Shape::Looping
                } else if ports.iter().any(|p| p.name == PortName::Next) {
                    Shape::Linear(PortName::Next)
                } else {
                    Shape::Branching(ports.iter().map(|p| p.name).collect())
                };
                (NodeBody::Step(Box::new(step)), shape)
            }
            "callTask" => {
                let reference = get("targetTaskRef")?.as_str()?.to_owned();
                let index = self.nodes.len();
                self.jumps.push((index, reference));
                (NodeBody::CallTask, Shape::Linear(PortName::Next))
            }
            "jumpToTask" | "jumpToMenu" => {
                let reference_key = if key == "jumpToTask" { "targetTaskRef" } else { "targetMenuRef" };
                let reference = get(reference_key)?.as_str()?.to_owned();
                // Resolved once every task and menu exists (see `flow`).
                let index = self.nodes.len();
                self.jumps.push((index, reference));
                let kind = if key == "jumpToTask" { NodeBody::JumpToTask } else { NodeBody::JumpToMenu };
                (kind, Shape::Terminal)
            }
            _ => return None,
        })
    }
}

/// How an imported action's paths continue.
#[derive(Debug, Clone)]
enum Shape {
    /// One way on (`next` or `complete`) to the action after it.
    Linear(PortName),
    /// Ends its list (disconnect, jumps).
    Terminal,
    /// The designer's branching kinds: each path, and an absent path goes to the action after it.
    Branching(Vec<PortName>),
    /// An action kept as written: its paths, and `next` to the action after it.
    Kept(Vec<PortName>),
    /// A loop: its `loop` path comes back to it (the next turn), `next` goes on after it.
    Looping,
    /// A switch: each case's actions and the default's, under `evaluate: firstTrue:`.
    Switch,
}

/// The table-described kind written as Archy action `key`.
fn step_kind(key: &str) -> Option<NodeKind> {
    NodeKind::ALL.into_iter().find(|kind| kind.spec().archy.is_some() && kind.spec().archy_action == Some(key))
}

/// A copy of `keys` without what the graph now holds: each key in `held` keeps its place as null,
/// and nothing below it is copied (a task's actions, a menu's choices: the whole file otherwise).
fn kept_keys(keys: &ArchyKeys, held: &[&str]) -> ArchyKeys {
    keys.iter()
        .map(|(key, value)| {
            let value = if held.contains(&key.as_str()) { Json::Null } else { value.clone() };
            (key.clone(), value)
        })
        .collect()
}

/// A variable the designer's fields can hold: a flow variable, or a task variable (tasks of an
/// imported flow declare them in their kept `variables`).
fn is_modeled_variable(name: &str) -> bool {
    crate::expression::is_scoped_name(name, "Flow") || crate::expression::is_scoped_name(name, "Task")
}

/// `digit_3` → `3`, `star` → `*`, `pound` → `#`.
fn digit_of(dtmf: &str) -> String {
    match dtmf {
        "star" => "*".to_owned(),
        "pound" => "#".to_owned(),
        other => other.strip_prefix("digit_").unwrap_or(other).to_owned(),
    }
}

/// The items of a `menus` or `tasks` list as (refId, body), in order; an item without a refId gets
/// its name as one.
fn list_of<'v>(value: Option<&'v Json>, item: &str) -> Vec<(String, &'v ArchyKeys)> {
    value
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.get(item)?.as_object())
        .map(|body| {
            let ref_id =
                body.get("refId").or_else(|| body.get("name")).and_then(Json::as_str).unwrap_or_default().to_owned();
            (ref_id, body)
        })
        .collect()
}

fn actions_of(value: Option<&Json>) -> &[Json] {
    value.and_then(Json::as_array).map(Vec::as_slice).unwrap_or_default()
}

fn unknown_module(name: &str) -> Module {
    Module {
        id: None,
        name: name.to_owned(),
        module_type: Default::default(),
        published: true,
        published_version: None,
        versions: Vec::new(),
        compatible_flow_types: vec!["inboundcall".to_owned()],
        inputs: Vec::new(),
        outputs: Vec::new(),
        unknown_contract: true,
        authored: false,
    }
}

/// The flow variables the designer models (`Flow.` names of the v1 types), in order.
fn variables(value: Option<&Json>) -> Vec<Variable> {
    let mut found = Vec::new();
    for item in value.and_then(Json::as_array).into_iter().flatten() {
        let Some((key, body)) = item.as_object().and_then(codec::single) else { continue };
        let Some(name) = body.get("name").and_then(Json::as_str) else { continue };
        if let (Some(value_type), true) = (variable_type(key), name.starts_with("Flow.")) {
            found.push(Variable::new(name, value_type));
        }
    }
    found
}

/// `stringVariable` → string, `integerCollectionVariable` → integer[]; other types are not modeled.
pub fn variable_type(key: &str) -> Option<TypeName> {
    let base = key.strip_suffix("Variable")?;
    let (base, list) = match base.strip_suffix("Collection") {
        Some(base) => (base, true),
        None => (base, false),
    };
    let base = match base {
        "string" => ValueType::String,
        "integer" => ValueType::Integer,
        "decimal" => ValueType::Decimal,
        "boolean" => ValueType::Boolean,
        "date" => ValueType::Date,
        "dateTime" => ValueType::DateTime,
        "duration" => ValueType::Duration,
        _ => return None,
    };
    Some(TypeName { base, list })
}

/// What the designer's import worker answers (it runs the YAML parser off the first load): a
/// request is `{"id": n, "import": text}` or `{"id": n, "keys": text}`; the answer is
/// `{"id": n, "document": <flow document JSON text>, "notes": [...]}`, `{"id": n, "keys": {...}}`,
/// or `{"id": n, "error": message}`. Pure, so it is tested natively.
pub fn worker_answer(request: &str) -> String {
    let request: Json = serde_json::from_str(request).unwrap_or(Json::Null);
    let id = request.get("id").cloned().unwrap_or(Json::Null);
    let answer = if let Some(text) = request.get("import").and_then(Json::as_str) {
        match import_archy(text) {
            Ok(imported) => serde_json::json!({
                "id": id, "document": imported.document.to_compact_json(), "notes": imported.notes
            }),
            Err(finding) => serde_json::json!({ "id": id, "error": finding.message }),
        }
    } else if let Some(text) = request.get("keys").and_then(Json::as_str) {
        match parse_yaml(text) {
            Ok(Json::Object(keys)) => serde_json::json!({ "id": id, "keys": keys }),
            Ok(Json::Null) if text.trim().is_empty() => serde_json::json!({ "id": id, "keys": {} }),
            Ok(_) => serde_json::json!({
                "id": id, "error": "the action's keys must be a YAML mapping (key: value lines)"
            }),
            Err(finding) => serde_json::json!({ "id": id, "error": finding.message }),
        }
    } else {
        serde_json::json!({ "id": id, "error": "the import worker got a request it does not know" })
    };
    answer.to_string()
}
