//! Archy YAML for an `inboundCall` flow (reference §G).
//!
//! The graph becomes Architect's structure: a start-up task, one task per node that is entered from
//! more than one place (so loops too), one top-level menu per menu node, and `jumpToTask` /
//! `jumpToMenu` wherever a path enters one of those. A node entered from one place only is written
//! inline, so a straight flow reads as one task. The invoke `error` target becomes the flow's error
//! handling. Shapes marked [unverified] in docs/export.md are kept in one place here to change easily.

use rustc_hash::{FxHashMap, FxHashSet};
use serde_norway::{Mapping, Value};

use crate::document::{Document, Node, NodeKind, TypeName, ValueType};

/// Branches nested deeper than this become tasks of their own, which bounds recursion (and the YAML's
/// indentation) whatever the input.
const MAX_INLINE_DEPTH: usize = 24;

/// The YAML text and the notes a user should read before pasting it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchyYaml {
    pub yaml: String,
    pub notes: Vec<String>,
}

/// Writes the Archy YAML. The caller has checked that the document has no errors.
pub(crate) fn write(document: &Document) -> ArchyYaml {
    let plan = Plan::new(document);
    let mut writer = Writer { plan: &plan, document, queue: Vec::new(), queued: FxHashSet::default() };
    let mut notes = Vec::new();

    let startup_actions = match plan.start.and_then(|start| plan.target(start, "next")) {
        Some(first) => writer.enter(first, 0),
        None => vec![disconnect("Disconnect")],
    };
    let mut tasks = vec![task("Start", "startup", startup_actions)];
    let mut menus = Vec::new();
    if let Some(handler) = plan.error_handler {
        writer.request(handler);
    }
    let mut cursor = 0;
    while cursor < writer.queue.len() {
        let index = writer.queue[cursor];
        cursor += 1;
        let node = &document.flow.nodes[index];
        if node.kind == NodeKind::Menu {
            let (menu_value, no_input) = writer.menu(index);
            menus.push(menu_value);
            if let Some(no_input_actions) = no_input {
                tasks.push(task(
                    &format!("{} - no input", plan.name(index)),
                    &format!("{}_noInput", ref_id(node)),
                    no_input_actions,
                ));
                notes.push(format!(
                    "menu \"{}\": its noInput path is the task \"{} - no input\"; point the menu's no-input handling at it in Architect (Archy's key for that is not verified)",
                    node.label,
                    plan.name(index)
                ));
            }
        } else {
            let actions = writer.body(index, 0);
            tasks.push(task(&plan.name(index), &ref_id(node), actions));
        }
    }

    let flow = &document.flow;
    let mut root = Mapping::new();
    root.insert(s("name"), s(&flow.name));
    if let Some(description) = flow.description.as_deref().filter(|d| !d.trim().is_empty()) {
        root.insert(s("description"), s(description));
    }
    root.insert(s("division"), s(&flow.division));
    root.insert(s("startUpRef"), s("/inboundCall/tasks/task[startup]"));
    root.insert(s("defaultLanguage"), s(&flow.default_language));
    root.insert(s("supportedLanguages"), supported_languages(&flow.default_language));
    root.insert(s("settingsErrorHandling"), error_handling(&plan, document));
    if !flow.variables.is_empty() {
        let variables = flow
            .variables
            .iter()
            .map(|variable| {
                one(
                    &variable_key(variable.value_type),
                    map([("name", s(&variable.name)), ("initialValue", one("noValue", Value::Bool(true)))]),
                )
            })
            .collect();
        root.insert(s("variables"), Value::Sequence(variables));
    }
    if !menus.is_empty() {
        root.insert(s("menus"), Value::Sequence(menus));
    }
    root.insert(s("tasks"), Value::Sequence(tasks));

    let skipped = plan.reachable.iter().filter(|r| !**r).count();
    if skipped > 0 {
        notes.push(format!("{skipped} node(s) that no path reaches are left out of the YAML"));
    }
    let top = one("inboundCall", Value::Mapping(root));
    // Invariant: the tree holds only strings, booleans, integers, sequences and string-keyed maps,
    // which the YAML serializer always accepts.
    let yaml = serde_norway::to_string(&top).unwrap_or_default();
    ArchyYaml { yaml, notes }
}

/// What the writer needs to know about the graph, computed once.
struct Plan<'a> {
    /// (node index, port) → target node index, over the edges of reachable nodes.
    targets: FxHashMap<(usize, &'a str), usize>,
    /// Nodes written as tasks (or menus) of their own.
    heads: Vec<bool>,
    reachable: Vec<bool>,
    start: Option<usize>,
    error_handler: Option<usize>,
    names: Vec<String>,
}

impl<'a> Plan<'a> {
    fn new(document: &'a Document) -> Plan<'a> {
        let flow = &document.flow;
        let count = flow.nodes.len();
        let mut index_of: FxHashMap<&str, usize> = FxHashMap::default();
        for (index, node) in flow.nodes.iter().enumerate() {
            index_of.entry(node.id.as_str()).or_insert(index);
        }
        let mut targets = FxHashMap::default();
        let mut successors: Vec<Vec<usize>> = vec![Vec::new(); count];
        for edge in &flow.edges {
            if let (Some(&from), Some(&to)) = (index_of.get(edge.from.as_str()), index_of.get(edge.to.as_str())) {
                targets.entry((from, edge.port_name())).or_insert(to);
                successors[from].push(to);
            }
        }
        let start = index_of.get(flow.start_node_id.as_str()).copied();
        let mut reachable = vec![false; count];
        let mut stack: Vec<usize> = start.into_iter().collect();
        while let Some(index) = stack.pop() {
            if std::mem::replace(&mut reachable[index], true) {
                continue;
            }
            stack.extend(successors[index].iter().copied().filter(|&next| !reachable[next]));
        }
        let mut incoming = vec![0usize; count];
        for (from, next) in successors.iter().enumerate() {
            if reachable[from] {
                for &to in next {
                    incoming[to] += 1;
                }
            }
        }
        let error_handler = flow
            .edges
            .iter()
            .filter(|edge| edge.port.as_deref() == Some("error"))
            .filter_map(|edge| {
                let from = *index_of.get(edge.from.as_str())?;
                (flow.nodes[from].kind == NodeKind::Invoke && reachable[from]).then_some(())?;
                index_of.get(edge.to.as_str()).copied()
            })
            .next();
        let heads = (0..count)
            .map(|i| incoming[i] >= 2 || flow.nodes[i].kind == NodeKind::Menu || Some(i) == error_handler)
            .collect();
        let names = unique_names(document);
        Plan { targets, heads, reachable, start, error_handler, names }
    }

    fn target(&self, index: usize, port: &str) -> Option<usize> {
        self.targets.get(&(index, port)).copied()
    }

    fn name(&self, index: usize) -> String {
        self.names[index].clone()
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
                format!("{} {}", node.kind.title(), node.id)
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

    /// The actions that take the call into `index`: a jump when it is a head, else its body.
    fn enter(&mut self, index: usize, depth: usize) -> Vec<Value> {
        if self.plan.heads[index] || depth > MAX_INLINE_DEPTH {
            self.request(index);
            vec![self.jump(index)]
        } else {
            self.body(index, depth)
        }
    }

    fn jump(&self, index: usize) -> Value {
        let node = &self.document.flow.nodes[index];
        let name = format!("Go to {}", self.plan.name(index));
        if node.kind == NodeKind::Menu {
            one(
                "jumpToMenu",
                map([("name", s(&name)), ("targetMenuRef", s(&format!("/inboundCall/menus/menu[{}]", ref_id(node))))]),
            )
        } else {
            one(
                "jumpToTask",
                map([("name", s(&name)), ("targetTaskRef", s(&format!("/inboundCall/tasks/task[{}]", ref_id(node))))]),
            )
        }
    }

    /// The node's own actions and, for nodes that continue, what follows, written iteratively so a
    /// long straight chain costs no stack.
    fn body(&mut self, first: usize, depth: usize) -> Vec<Value> {
        let mut actions = Vec::new();
        let mut current = first;
        let mut steps = 0usize;
        loop {
            // Invariant: validation guarantees every cycle has a head, so a chain ends within the node
            // count; the bound only keeps a broken caller from hanging.
            steps += 1;
            if steps > self.document.flow.nodes.len() {
                actions.push(disconnect("Disconnect"));
                return actions;
            }
            let node = &self.document.flow.nodes[current];
            let name = self.plan.name(current);
            let next = match node.kind {
                NodeKind::Start => self.plan.target(current, "next"),
                NodeKind::Play => {
                    actions.push(one(
                        "playAudio",
                        map([("name", s(&name)), ("audio", tts(node.prompt.as_deref().unwrap_or("")))]),
                    ));
                    self.plan.target(current, "next")
                }
                NodeKind::SetVariable => {
                    actions.push(self.update_data(node, &name));
                    self.plan.target(current, "next")
                }
                NodeKind::Invoke => {
                    actions.push(call_common_module(node, &name));
                    self.plan.target(current, "complete")
                }
                NodeKind::DataAction => {
                    let action = self.call_data(current, node, &name, depth);
                    actions.push(action);
                    self.plan.target(current, "success")
                }
                NodeKind::Decision => {
                    let yes = self.branch(current, "yes", depth);
                    let no = self.branch(current, "no", depth);
                    actions.push(one(
                        "decision",
                        map([
                            ("name", s(&name)),
                            ("condition", one("exp", s(node.expression.as_deref().unwrap_or("false")))),
                            ("outputs", map([("yes", actions_of(yes)), ("no", actions_of(no))])),
                        ]),
                    ));
                    return actions;
                }
                NodeKind::Transfer => {
                    let failure = self.branch(current, "failure", depth);
                    let failure_connected = !failure.is_empty();
                    actions.push(one(
                        "transferToAcd",
                        map([
                            ("name", s(&name)),
                            ("targetQueue", one("lit", one("name", s(node.queue.as_deref().unwrap_or(""))))),
                            ("outputs", map([("failure", actions_of(failure))])),
                        ]),
                    ));
                    if !failure_connected {
                        // With nothing on the failure path Architect would fall off the end of the task.
                        actions.push(disconnect(&format!("{name} failed: disconnect")));
                    }
                    return actions;
                }
                NodeKind::Disconnect => {
                    actions.push(disconnect(&name));
                    return actions;
                }
                NodeKind::Menu => {
                    // Menus are always heads, so a body never starts at one; jump to be safe.
                    self.request(current);
                    actions.push(self.jump(current));
                    return actions;
                }
            };
            match next {
                Some(next) if self.plan.heads[next] => {
                    self.request(next);
                    actions.push(self.jump(next));
                    return actions;
                }
                Some(next) => current = next,
                None => {
                    actions.push(disconnect("Disconnect"));
                    return actions;
                }
            }
        }
    }

    fn branch(&mut self, index: usize, port: &str, depth: usize) -> Vec<Value> {
        match self.plan.target(index, port) {
            Some(target) => self.enter(target, depth + 1),
            None => Vec::new(),
        }
    }

    fn update_data(&self, node: &Node, name: &str) -> Value {
        let variable = node.variable.as_deref().unwrap_or("");
        let value_type = self
            .document
            .flow
            .variables
            .iter()
            .find(|v| v.name == variable)
            .map(|v| v.value_type)
            .unwrap_or(TypeName::scalar(ValueType::String));
        let statement = one(
            &statement_key(value_type),
            map([("variable", s(variable)), ("value", one("exp", s(node.expression.as_deref().unwrap_or(""))))]),
        );
        one("updateData", map([("name", s(name)), ("statements", Value::Sequence(vec![statement]))]))
    }

    fn call_data(&mut self, index: usize, node: &Node, name: &str, depth: usize) -> Value {
        let seconds = node.timeout_seconds.unwrap_or(crate::document::DEFAULT_TIMEOUT_SECONDS);
        let mut contract = Mapping::new();
        if let Some(inputs) = node.inputs.as_ref().filter(|m| !m.is_empty()) {
            contract.insert(s("inputs"), mapping_of(inputs, "exp"));
        }
        if let Some(outputs) = node.outputs.as_ref().filter(|m| !m.is_empty()) {
            contract.insert(s("successOutputs"), mapping_of(outputs, "var"));
        }
        let category = node.category.as_deref().unwrap_or("");
        let action = node.action.as_deref().unwrap_or("");
        let mut outputs = Mapping::new();
        outputs.insert(s("failure"), actions_of(self.branch(index, "failure", depth)));
        if self.plan.target(index, "timeout").is_some() {
            outputs.insert(s("timeout"), actions_of(self.branch(index, "timeout", depth)));
        }
        one(
            "callData",
            map([
                ("name", s(name)),
                ("timeout", one("lit", one("seconds", Value::Number(seconds.into())))),
                ("category", one(category, one("dataAction", one(action, Value::Mapping(contract))))),
                ("outputs", Value::Mapping(outputs)),
            ]),
        )
    }

    /// A top-level menu, and the actions of its noInput path when one is connected.
    fn menu(&mut self, index: usize) -> (Value, Option<Vec<Value>>) {
        let document = self.document;
        let node = &document.flow.nodes[index];
        let choices = node
            .choices
            .iter()
            .flatten()
            .map(|choice| {
                let port = crate::document::digit_port(&choice.digit);
                let actions = self.branch(index, &port, 0);
                let label = if choice.label.trim().is_empty() {
                    format!("Press {}", choice.digit)
                } else {
                    choice.label.clone()
                };
                one(
                    "menuTask",
                    map([
                        ("name", s(&label)),
                        ("dtmf", s(&dtmf(&choice.digit))),
                        ("task", map([("actions", Value::Sequence(actions))])),
                    ]),
                )
            })
            .collect();
        let no_input = self.plan.target(index, "noInput").map(|target| self.enter(target, 1));
        let menu = one(
            "menu",
            map([
                ("name", s(&self.plan.name(index))),
                ("refId", s(&ref_id(node))),
                ("audio", tts(node.prompt.as_deref().unwrap_or(""))),
                ("choices", Value::Sequence(choices)),
            ]),
        );
        (menu, no_input)
    }
}

fn call_common_module(node: &Node, name: &str) -> Value {
    let module = node.module.as_deref().unwrap_or("");
    let version = match node.version.as_deref() {
        None | Some("latest") => "ver_latestPublished".to_owned(),
        Some(version) => format!("ver_{version}"),
    };
    let mut mappings = Mapping::new();
    if let Some(inputs) = node.inputs.as_ref().filter(|m| !m.is_empty()) {
        mappings.insert(s("inputs"), mapping_of(inputs, "exp"));
    }
    if let Some(outputs) = node.outputs.as_ref().filter(|m| !m.is_empty()) {
        mappings.insert(s("outputs"), mapping_of(outputs, "var"));
    }
    one(
        "callCommonModule",
        map([("name", s(name)), ("commonModule", one(module, one(&version, Value::Mapping(mappings))))]),
    )
}

fn error_handling(plan: &Plan<'_>, document: &Document) -> Value {
    let handling = match plan.error_handler {
        Some(index) => {
            let node = &document.flow.nodes[index];
            // [unverified] the key for "jump to a task" in settingsErrorHandling.
            one("jumpToTask", one("targetTaskRef", s(&format!("/inboundCall/tasks/task[{}]", ref_id(node)))))
        }
        None => one("disconnect", one("none", Value::Bool(true))),
    };
    one("errorHandling", handling)
}

fn supported_languages(language: &str) -> Value {
    let mut settings = Mapping::new();
    settings.insert(s("defaultLanguageSkill"), one("noValue", Value::Bool(true)));
    if language.eq_ignore_ascii_case("en-us") {
        settings.insert(s("textToSpeech"), one("defaultEngine", one("voice", s("Jill"))));
    }
    one(language, Value::Mapping(settings))
}

/// A task's or menu's refId: the node id (ids are already reference-safe).
fn ref_id(node: &Node) -> String {
    match node.kind {
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

fn statement_key(value_type: TypeName) -> String {
    type_word(value_type)
}

fn task(name: &str, ref_id: &str, actions: Vec<Value>) -> Value {
    one(
        "task",
        map([("name", s(name)), ("refId", s(ref_id)), ("actions", Value::Sequence(actions))]),
    )
}

fn disconnect(name: &str) -> Value {
    one("disconnect", one("name", s(name)))
}

fn tts(text: &str) -> Value {
    one("tts", s(text))
}

fn actions_of(actions: Vec<Value>) -> Value {
    one("actions", Value::Sequence(actions))
}

fn mapping_of(pairs: &crate::document::Mapping, wrapper: &str) -> Value {
    let mut mapping = Mapping::with_capacity(pairs.len());
    for (key, value) in pairs {
        mapping.insert(s(key), one(wrapper, s(value)));
    }
    Value::Mapping(mapping)
}

fn s(text: &str) -> Value {
    Value::String(text.to_owned())
}

fn one(key: &str, value: Value) -> Value {
    let mut mapping = Mapping::with_capacity(1);
    mapping.insert(s(key), value);
    Value::Mapping(mapping)
}

fn map<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    let mut mapping = Mapping::with_capacity(N);
    for (key, value) in pairs {
        mapping.insert(s(key), value);
    }
    Value::Mapping(mapping)
}
