//! Archy YAML for an `inboundCall` flow (reference §G).
//!
//! The graph becomes Architect's structure: a start-up task, one task per node that is entered from
//! more than one place (so loops too), one top-level menu per menu node, and `jumpToTask` /
//! `jumpToMenu` wherever a path enters one of those. A node entered from one place only is written
//! inline, so a straight flow reads as one task. The invoke `error` target becomes the flow's error
//! handling. Shapes marked [unverified] in docs/export.md are kept in one place here to change easily.

use rustc_hash::{FxHashMap, FxHashSet};

use super::yaml::YamlText;
use crate::document::{Document, Mapping, Node, NodeBody, NodeKind, PortName, TypeName, ValueType};
use crate::index::FlowIndex;

/// Branches nested deeper than this become tasks of their own, which bounds recursion (and the YAML's
/// indentation) whatever the input.
const MAX_INLINE_DEPTH: usize = 24;

/// The YAML text and the notes a user should read before pasting it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchyYaml {
    pub yaml: String,
    pub notes: Vec<String>,
}

/// Depth of the keys of a task or menu body under `tasks:` / `menus:` (see `YamlText`).
const UNIT_DEPTH: usize = 3;

/// Writes the Archy YAML. The caller has checked that the document has no errors.
pub(crate) fn write(document: &Document) -> ArchyYaml {
    write_indexed(document, &FlowIndex::build(document))
}

/// [`write`] with the index of this revision of `document`.
pub(crate) fn write_indexed(document: &Document, index: &FlowIndex) -> ArchyYaml {
    let plan = Plan::new(document, index);
    let flow = &document.flow;
    let mut writer = Writer {
        plan: &plan,
        document,
        out: YamlText::with_capacity(flow.nodes.len() * 400 + 1024),
        queue: Vec::new(),
        queued: FxHashSet::default(),
    };
    let mut notes = Vec::new();

    // The start-up task first, then every head in the order it was first needed.
    let mut tasks = YamlText::with_capacity(0);
    writer.out.key(2, true, "task");
    writer.out.scalar(UNIT_DEPTH, false, "name", "Start");
    writer.out.scalar(UNIT_DEPTH, false, "refId", "startup");
    let first = plan.start.and_then(|start| plan.target(start, PortName::Next));
    writer.actions(UNIT_DEPTH, first, 0);
    std::mem::swap(&mut tasks.text, &mut writer.out.text);

    let mut menus = YamlText::with_capacity(0);
    if let ErrorHandling::Task(handler) = plan.error_handling {
        writer.request(handler);
    }
    let mut cursor = 0;
    while cursor < writer.queue.len() {
        let index = writer.queue[cursor];
        cursor += 1;
        let node = &flow.nodes[index];
        if node.kind() == NodeKind::Menu {
            let no_input = writer.menu(index);
            menus.text.push_str(&writer.out.text);
            writer.out.text.clear();
            if let Some(target) = no_input {
                let name = format!("{} - no input", plan.name(index));
                writer.out.key(2, true, "task");
                writer.out.scalar(UNIT_DEPTH, false, "name", &name);
                writer.out.scalar(UNIT_DEPTH, false, "refId", &format!("{}_noInput", ref_id(node)));
                writer.actions(UNIT_DEPTH, Some(target), 1);
                notes.push(format!(
                    "menu \"{}\": its noInput path is the task \"{name}\"; point the menu's no-input handling at it in Architect (Archy's key for that is not verified)",
                    node.label
                ));
            }
        } else {
            writer.out.key(2, true, "task");
            writer.out.scalar(UNIT_DEPTH, false, "name", plan.name(index));
            writer.out.scalar(UNIT_DEPTH, false, "refId", &ref_id(node));
            writer.out.key(UNIT_DEPTH, false, "actions");
            writer.body(UNIT_DEPTH + 1, index, 0);
        }
        tasks.text.push_str(&writer.out.text);
        writer.out.text.clear();
    }

    let mut root = YamlText::with_capacity(tasks.text.len() + menus.text.len() + 1024);
    // The keys in the order Architect's own exports use (docs/export.md).
    root.key(0, false, "inboundCall");
    root.scalar(1, false, "name", &flow.name);
    if let Some(description) = flow.description.as_deref().filter(|d| !d.trim().is_empty()) {
        root.scalar(1, false, "description", description);
    }
    // Archy finds a division by name; without one it uses the org's home division, whatever its name.
    let division = flow.division.trim();
    if !division.is_empty() {
        root.scalar(1, false, "division", division);
        if division.eq_ignore_ascii_case("home") {
            notes.push(
                "division: Home is written because the flow names it; Archy looks a division up by name, and many orgs' home division has another name (Genesys' own examples use \"New Home\"). Clear the division to publish into the org's home division.".to_owned(),
            );
        }
    }
    root.scalar(1, false, "startUpRef", "/inboundCall/tasks/task[startup]");
    root.scalar(1, false, "defaultLanguage", &flow.default_language);
    root.key(1, false, "supportedLanguages");
    root.key(2, false, &flow.default_language);
    root.key(3, false, "defaultLanguageSkill");
    root.raw(4, false, "noValue", "true");
    if flow.default_language.eq_ignore_ascii_case("en-us") {
        root.key(3, false, "textToSpeech");
        root.key(4, false, "defaultEngine");
        root.scalar(5, false, "voice", "Jill");
    }
    root.key(1, false, "initialGreeting");
    match flow.initial_greeting.as_deref().filter(|text| !text.trim().is_empty()) {
        Some(text) => root.scalar(2, false, "tts", text),
        // No greeting, as a real file writes it: an audio expression with no value.
        None => root.scalar(2, false, "exp", "ToAudio(NOT_SET)"),
    }
    if !flow.variables.is_empty() {
        root.key(1, false, "variables");
        for variable in &flow.variables {
            root.key(2, true, &variable_key(variable.value_type));
            root.scalar(3, false, "name", &variable.name);
            root.key(3, false, "initialValue");
            root.raw(4, false, "noValue", "true");
        }
    }
    root.key(1, false, "settingsErrorHandling");
    root.key(2, false, "errorHandling");
    match plan.error_handling {
        ErrorHandling::Disconnect => {
            root.key(3, false, "disconnect");
            root.raw(4, false, "none", "true");
        }
        ErrorHandling::Queue(index) => {
            let queue = match &flow.nodes[index].body {
                NodeBody::Transfer { queue } => queue.as_str(),
                _ => "",
            };
            root.key(3, false, "queue");
            root.key(4, false, "targetQueue");
            root.key(5, false, "lit");
            root.scalar(6, false, "name", queue);
        }
        ErrorHandling::Task(index) => {
            // [unverified] Architect's "Jump to Reusable Task" error handling. The key is the
            // handling's choice name (`task`, as `disconnect` and `queue` are), per the Architect
            // Scripting SDK's list of error-handling choices; no public file shows it.
            root.key(3, false, "task");
            root.scalar(4, false, "targetTaskRef", &task_ref(&flow.nodes[index]));
            notes.push(format!(
                "the flow's error handling jumps to the task \"{}\" with the key errorHandling.task, which no public Archy file confirms; if Archy refuses it, make the error path a hang-up or a queue transfer, or set Event Handling in Architect",
                plan.name(index)
            ));
        }
    }
    if !menus.text.is_empty() {
        root.key(1, false, "menus");
        root.text.push_str(&menus.text);
    }
    root.key(1, false, "tasks");
    root.text.push_str(&tasks.text);

    let skipped = (0..flow.nodes.len()).filter(|&i| !plan.index.is_reachable(i)).count();
    if skipped > 0 {
        notes.push(format!("{skipped} node(s) that no path reaches are left out of the YAML"));
    }
    ArchyYaml { yaml: root.text, notes }
}

/// What the writer needs to know about the graph, computed once.
struct Plan<'a> {
    index: &'a FlowIndex,
    /// Nodes written as tasks (or menus) of their own.
    heads: Vec<bool>,
    start: Option<usize>,
    error_handling: ErrorHandling,
    names: Vec<String>,
}

/// What `settingsErrorHandling` does, from the target of the invoke `error` edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ErrorHandling {
    /// No error edge, or it leads straight to a disconnect: `disconnect: none: true`.
    Disconnect,
    /// A transfer with nothing on its failure path: `queue: targetQueue: ...`.
    Queue(usize),
    /// Anything else: the node becomes a task the handling jumps to.
    Task(usize),
}

impl<'a> Plan<'a> {
    fn new(document: &'a Document, index: &'a FlowIndex) -> Plan<'a> {
        let flow = &document.flow;
        let count = flow.nodes.len();
        let start = index.start_id_target();
        let mut incoming = vec![0usize; count];
        for from in (0..count).filter(|&from| index.is_reachable(from)) {
            // An error edge is not a path in the YAML: the flow's error handling takes it.
            for (edge, to) in index.links_from(from) {
                if index.edges()[edge].port != Some(PortName::Error) {
                    incoming[to] += 1;
                }
            }
        }
        let error_handler = index
            .edges()
            .iter()
            .filter(|ends| ends.port == Some(PortName::Error))
            .filter_map(|ends| {
                let from = ends.from? as usize;
                (flow.nodes[from].kind() == NodeKind::Invoke && index.is_reachable(from)).then_some(())?;
                ends.to.map(|to| to as usize)
            })
            .next();
        let error_handling = match error_handler {
            None => ErrorHandling::Disconnect,
            Some(i) => match flow.nodes[i].kind() {
                NodeKind::Disconnect => ErrorHandling::Disconnect,
                NodeKind::Transfer if index.target(i, PortName::Failure).is_none() => ErrorHandling::Queue(i),
                _ => ErrorHandling::Task(i),
            },
        };
        let heads = (0..count)
            .map(|i| {
                incoming[i] >= 2 || flow.nodes[i].kind() == NodeKind::Menu || error_handling == ErrorHandling::Task(i)
            })
            .collect();
        let names = unique_names(document);
        Plan { index, heads, start, error_handling, names }
    }

    fn target(&self, index: usize, port: PortName) -> Option<usize> {
        self.index.target(index, port)
    }

    fn name(&self, index: usize) -> &str {
        &self.names[index]
    }
}

/// Task and action names: the node's label, made unique with the node id where labels repeat.
fn unique_names(document: &Document) -> Vec<String> {
    let mut counts: FxHashMap<&str, usize> = FxHashMap::default();
    for node in &document.flow.nodes {
        *counts.entry(node.label.trim()).or_default() += 1;
    }
    document
        .flow
        .nodes
        .iter()
        .map(|node| {
            let label = node.label.trim();
            if label.is_empty() {
                format!("{} {}", node.kind().title(), node.id)
            } else if counts.get(label).copied().unwrap_or(0) > 1 {
                format!("{label} ({})", node.id)
            } else {
                label.to_owned()
            }
        })
        .collect()
}

struct Writer<'p, 'a> {
    plan: &'p Plan<'a>,
    document: &'a Document,
    /// The task or menu being written.
    out: YamlText,
    /// Heads to write as tasks or menus, in the order they were first needed.
    queue: Vec<usize>,
    queued: FxHashSet<usize>,
}

impl Writer<'_, '_> {
    fn request(&mut self, index: usize) {
        if self.queued.insert(index) {
            self.queue.push(index);
        }
    }

    /// `actions:` at `depth`, then the actions that take the call into `entry`, or a disconnect when
    /// nothing is connected (real files never write an empty action list).
    fn actions(&mut self, depth: usize, entry: Option<usize>, branch_depth: usize) {
        self.out.key(depth, false, "actions");
        match entry {
            Some(index) => self.enter(depth + 1, index, branch_depth),
            None => self.disconnect(depth + 1, "Disconnect"),
        }
    }

    /// The actions that take the call into `index`: a jump when it is a head, else its body.
    fn enter(&mut self, depth: usize, index: usize, branch_depth: usize) {
        if self.plan.heads[index] || branch_depth > MAX_INLINE_DEPTH {
            self.request(index);
            self.jump(depth, index);
        } else {
            self.body(depth, index, branch_depth);
        }
    }

    fn jump(&mut self, depth: usize, index: usize) {
        let node = &self.document.flow.nodes[index];
        let name = format!("Go to {}", self.plan.name(index));
        if node.kind() == NodeKind::Menu {
            self.out.key(depth, true, "jumpToMenu");
            self.out.scalar(depth + 1, false, "name", &name);
            self.out.scalar(depth + 1, false, "targetMenuRef", &format!("/inboundCall/menus/menu[{}]", ref_id(node)));
        } else {
            self.out.key(depth, true, "jumpToTask");
            self.out.scalar(depth + 1, false, "name", &name);
            self.out.scalar(depth + 1, false, "targetTaskRef", &task_ref(node));
        }
    }

    fn disconnect(&mut self, depth: usize, name: &str) {
        self.out.key(depth, true, "disconnect");
        self.out.scalar(depth + 1, false, "name", name);
    }

    /// The node's own action and what follows it, as items of an action list at `depth`. A straight
    /// chain is written in a loop, so it costs no stack; only branches recurse, and those are bounded
    /// by `MAX_INLINE_DEPTH`.
    fn body(&mut self, depth: usize, first: usize, branch_depth: usize) {
        let document = self.document;
        let mut current = first;
        let mut steps = 0usize;
        let d = depth;
        loop {
            // Invariant: validation guarantees every cycle has a head, so a chain ends within the node
            // count; the bound only keeps a broken caller from hanging.
            steps += 1;
            if steps > document.flow.nodes.len() {
                self.disconnect(d, "Disconnect");
                return;
            }
            let node = &document.flow.nodes[current];
            let plan = self.plan;
            let name = plan.name(current);
            let next = match &node.body {
                NodeBody::Start => self.plan.target(current, PortName::Next),
                NodeBody::Play { prompt } => {
                    self.out.key(d, true, "playAudio");
                    self.out.scalar(d + 1, false, "name", name);
                    self.out.key(d + 1, false, "audio");
                    self.out.scalar(d + 2, false, "tts", prompt);
                    self.plan.target(current, PortName::Next)
                }
                NodeBody::SetVariable { variable, expression } => {
                    let value_type = document
                        .flow
                        .variables
                        .iter()
                        .find(|v| &v.name == variable)
                        .map_or(TypeName::scalar(ValueType::String), |v| v.value_type);
                    self.out.key(d, true, "updateData");
                    self.out.scalar(d + 1, false, "name", name);
                    self.out.key(d + 1, false, "statements");
                    self.out.key(d + 2, true, &type_word(value_type));
                    self.out.scalar(d + 3, false, "variable", variable);
                    self.out.key(d + 3, false, "value");
                    self.out.scalar(d + 4, false, "exp", expression);
                    self.plan.target(current, PortName::Next)
                }
                NodeBody::Invoke(call) => {
                    let version = match call.version.as_deref() {
                        None | Some("latest") => "ver_latestPublished".to_owned(),
                        Some(version) => format!("ver_{version}"),
                    };
                    self.out.key(d, true, "callCommonModule");
                    self.out.scalar(d + 1, false, "name", name);
                    self.out.key(d + 1, false, "commonModule");
                    self.out.key(d + 2, false, &call.module);
                    self.mappings(
                        d + 3,
                        &version,
                        [("inputs", "exp", &call.inputs), ("outputs", "var", &call.outputs)],
                    );
                    self.plan.target(current, PortName::Complete)
                }
                NodeBody::DataAction(call) => {
                    let seconds = call.timeout_seconds.unwrap_or(crate::document::DEFAULT_TIMEOUT_SECONDS);
                    self.out.key(d, true, "callData");
                    self.out.scalar(d + 1, false, "name", name);
                    self.out.key(d + 1, false, "timeout");
                    self.out.key(d + 2, false, "lit");
                    self.out.raw(d + 3, false, "seconds", &seconds.to_string());
                    self.out.key(d + 1, false, "category");
                    self.out.key(d + 2, false, &call.category);
                    self.out.key(d + 3, false, "dataAction");
                    self.mappings(
                        d + 4,
                        &call.action,
                        [("inputs", "exp", &call.inputs), ("successOutputs", "var", &call.outputs)],
                    );
                    let paths =
                        [PortName::Failure, PortName::Timeout].map(|port| (port, self.plan.target(current, port)));
                    self.outputs(d + 1, &paths, branch_depth);
                    self.plan.target(current, PortName::Success)
                }
                NodeBody::Decision { expression } => {
                    self.out.key(d, true, "decision");
                    self.out.scalar(d + 1, false, "name", name);
                    self.out.key(d + 1, false, "condition");
                    self.out.scalar(d + 2, false, "exp", expression);
                    let paths = [PortName::Yes, PortName::No].map(|port| (port, self.plan.target(current, port)));
                    self.outputs(d + 1, &paths, branch_depth);
                    return;
                }
                NodeBody::Transfer { queue } => {
                    let failure = self.plan.target(current, PortName::Failure);
                    self.out.key(d, true, "transferToAcd");
                    self.out.scalar(d + 1, false, "name", name);
                    self.out.key(d + 1, false, "targetQueue");
                    self.out.key(d + 2, false, "lit");
                    self.out.scalar(d + 3, false, "name", queue);
                    self.outputs(d + 1, &[(PortName::Failure, failure)], branch_depth);
                    if failure.is_none() {
                        // With nothing on the failure path Architect would fall off the end of the task.
                        self.disconnect(d, &format!("{name} failed: disconnect"));
                    }
                    return;
                }
                NodeBody::Disconnect => {
                    self.disconnect(d, name);
                    return;
                }
                NodeBody::Menu { .. } => {
                    // Menus are always heads, so a body never starts at one; jump to be safe.
                    self.request(current);
                    self.jump(d, current);
                    return;
                }
            };
            match next {
                Some(next) if self.plan.heads[next] => {
                    self.request(next);
                    self.jump(d, next);
                    return;
                }
                Some(next) => current = next,
                None => {
                    self.disconnect(d, "Disconnect");
                    return;
                }
            }
        }
    }

    /// `outputs:` with one entry per connected path, in order, or nothing at all when no path is
    /// connected: real files leave an empty path out, and `outputs` with it (docs/export.md).
    fn outputs(&mut self, depth: usize, paths: &[(PortName, Option<usize>)], branch_depth: usize) {
        if paths.iter().all(|(_, target)| target.is_none()) {
            return;
        }
        self.out.key(depth, false, "outputs");
        for &(port, target) in paths {
            if let Some(target) = target {
                self.out.key(depth + 1, false, port.as_str());
                self.actions(depth + 2, Some(target), branch_depth + 1);
            }
        }
    }

    /// `key:` then its non-empty mappings (`inputs: {name: {exp: ...}}`), or `key: none: true` when
    /// none (Archy's empty-object marker; real files never write `{}`).
    fn mappings(&mut self, depth: usize, key: &str, parts: [(&str, &str, &Mapping); 2]) {
        let present: Vec<_> = parts.iter().filter(|(_, _, mapping)| !mapping.is_empty()).collect();
        if present.is_empty() {
            self.out.key(depth, false, key);
            self.out.raw(depth + 1, false, "none", "true");
            return;
        }
        self.out.key(depth, false, key);
        for &&(name, wrapper, mapping) in &present {
            self.out.key(depth + 1, false, name);
            for (variable, value) in mapping {
                self.out.key(depth + 2, false, variable);
                self.out.scalar(depth + 3, false, wrapper, value);
            }
        }
    }

    /// A top-level menu into `self.out`; returns the noInput target when one is connected.
    fn menu(&mut self, index: usize) -> Option<usize> {
        let document = self.document;
        let node = &document.flow.nodes[index];
        self.out.key(2, true, "menu");
        self.out.scalar(UNIT_DEPTH, false, "name", self.plan.name(index));
        self.out.scalar(UNIT_DEPTH, false, "refId", &ref_id(node));
        self.out.key(UNIT_DEPTH, false, "audio");
        let (prompt, choices) = match &node.body {
            NodeBody::Menu { prompt, choices } => (prompt.as_str(), choices.as_slice()),
            _ => ("", &[][..]),
        };
        self.out.scalar(UNIT_DEPTH + 1, false, "tts", prompt);
        if choices.is_empty() {
            self.out.raw(UNIT_DEPTH, false, "choices", "[]");
        } else {
            self.out.key(UNIT_DEPTH, false, "choices");
        }
        for choice in choices {
            let port = PortName::of_digit(&choice.digit);
            let label =
                if choice.label.trim().is_empty() { format!("Press {}", choice.digit) } else { choice.label.clone() };
            let d = UNIT_DEPTH + 1;
            let target = port.and_then(|port| self.plan.target(index, port));
            // A choice leads somewhere in a valid flow; one that does not hangs up.
            self.out.key(d, true, if target.is_some() { "menuTask" } else { "menuDisconnect" });
            self.out.scalar(d + 1, false, "name", &label);
            self.out.scalar(d + 1, false, "dtmf", &dtmf(&choice.digit));
            if target.is_some() {
                self.out.key(d + 1, false, "task");
                self.actions(d + 2, target, 1);
            }
        }
        self.plan.target(index, PortName::NoInput)
    }
}

fn task_ref(node: &Node) -> String {
    format!("/inboundCall/tasks/task[{}]", ref_id(node))
}

/// A task's or menu's refId: the node id (ids are already reference-safe).
fn ref_id(node: &Node) -> String {
    match node.kind() {
        NodeKind::Menu => format!("menu_{}", node.id),
        _ => format!("task_{}", node.id),
    }
}

fn dtmf(digit: &str) -> String {
    match digit {
        "*" => "star".to_owned(),
        "#" => "pound".to_owned(),
        other => format!("digit_{other}"),
    }
}

fn type_word(value_type: TypeName) -> String {
    let base = match value_type.base {
        ValueType::String => "string",
        ValueType::Integer => "integer",
        ValueType::Decimal => "decimal",
        ValueType::Boolean => "boolean",
        ValueType::Date => "date",
        ValueType::DateTime => "dateTime",
        ValueType::Duration => "duration",
    };
    // [unverified] the collection spelling.
    if value_type.list {
        format!("{base}Collection")
    } else {
        base.to_owned()
    }
}

fn variable_key(value_type: TypeName) -> String {
    format!("{}Variable", type_word(value_type))
}
