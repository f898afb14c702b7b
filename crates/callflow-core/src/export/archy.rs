//! Archy YAML for an `inboundCall` flow (reference §G).
//!
//! The graph becomes Architect's structure: tasks (the start-up task, every task node, and every
//! node that would otherwise be written twice: entered from more than one place, loops too), one
//! top-level menu per menu node, and `jumpToTask` / `jumpToMenu` wherever a path enters one of
//! those. A node entered from one place only is written inline, so a straight flow reads as one
//! task. The invoke `error` target becomes the flow's error handling.
//!
//! An imported flow comes back as it was: its keys, its tasks and menus in their order, each action
//! list as it was (a node remembers which node followed it, and branches that ended there fall
//! through to it again), and every key the designer does not model as written
//! ([`crate::archy_codec`]). Shapes marked [unverified] in docs/export.md are kept in one place here.

use rustc_hash::FxHashMap;
use serde_json::Value as Json;

use super::yaml::YamlText;
use crate::archy_codec as codec;
use crate::document::{
    ArchyKeys, Document, MenuChoice, Node, NodeBody, NodeKind, PortName, TypeName, ValueType, DEFAULT_TIMEOUT_SECONDS,
};
use crate::index::FlowIndex;

/// Branches nested deeper than this become tasks of their own, which bounds recursion (and the YAML's
/// indentation) whatever the input.
const MAX_INLINE_DEPTH: usize = 24;

/// How many times the writer may find another node to make a task before it falls back to making
/// a task of every node entered from more than one place.
const MAX_PASSES: usize = 8;

/// How far the writer looks for the node a remembered continuation names.
const CONTINUATION_SEARCH: usize = 512;

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
    let mut heads = plan.heads.clone();
    let mut pass = 0;
    loop {
        let mut writer = Writer::new(&plan, document, heads);
        let written = writer.write_flow();
        if writer.repeated.is_empty() {
            return written;
        }
        heads = std::mem::take(&mut writer.heads);
        pass += 1;
        if pass >= MAX_PASSES {
            // Every node entered from more than one place: no node can be written twice then.
            for (node, count) in plan.incoming.iter().enumerate() {
                heads[node] |= *count >= 2;
            }
        }
        // Repeated nodes are never heads already, so each pass adds heads and the loop ends.
        for node in writer.repeated {
            heads[node] = true;
        }
    }
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

/// What `startUpRef` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    /// A task written for the start node's path (`refId: startup`).
    Startup,
    /// A task node or a menu the start leads to.
    Unit(usize),
}

/// What the writer needs to know about the graph, computed once.
struct Plan<'a> {
    document: &'a Document,
    index: &'a FlowIndex,
    /// Nodes written as tasks or menus of their own from the start.
    heads: Vec<bool>,
    /// Links entering each node from reachable nodes, error edges left out.
    incoming: Vec<u32>,
    entry: Entry,
    first: Option<usize>,
    error_handling: ErrorHandling,
    names: Vec<String>,
    /// The node each node continues with after its branches (an imported node's remembered one,
    /// when a path from the node leads there).
    after: Vec<Option<usize>>,
    /// Declared variables and their types ([`declared_types`]).
    types: FxHashMap<&'a str, TypeName>,
}

impl<'a> Plan<'a> {
    fn new(document: &'a Document, index: &'a FlowIndex) -> Plan<'a> {
        let flow = &document.flow;
        let count = flow.nodes.len();
        let mut incoming = vec![0u32; count];
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
        let first = index.start_node(document).and_then(|start| index.target(start, PortName::Next));
        let entry = match first {
            Some(node) if matches!(flow.nodes[node].kind(), NodeKind::Task | NodeKind::Menu) => Entry::Unit(node),
            _ => Entry::Startup,
        };
        let structural = (0..count)
            .map(|i| {
                matches!(flow.nodes[i].kind(), NodeKind::Menu | NodeKind::Task)
                    || error_handling == ErrorHandling::Task(i)
            })
            .collect();
        let names = names(document);
        let mut plan = Plan {
            document,
            index,
            heads: structural,
            incoming,
            entry,
            first,
            error_handling,
            names,
            after: vec![None; count],
            types: declared_types(document),
        };
        plan.after = (0..count).map(|i| plan.continuation(i)).collect();
        // A node entered from more than one place is a task of its own, unless a node's branches
        // fall through to it (then it follows that node in the same list).
        let mut continues = vec![false; count];
        for after in plan.after.iter().flatten() {
            continues[*after] = true;
        }
        // A loop is entered again by the end of its loop path: that is the next turn, not a jump.
        for (node, continues) in flow.nodes.iter().zip(continues.iter_mut()) {
            *continues |= node.kind() == NodeKind::Loop;
        }
        // A module's end is written where each branch reaches it (see `items`).
        for (index, ((head, &incoming), &continues)) in
            plan.heads.iter_mut().zip(&plan.incoming).zip(&continues).enumerate()
        {
            *head |= incoming >= 2 && !continues && flow.nodes[index].kind() != NodeKind::EndModule;
        }
        plan
    }

    fn target(&self, index: usize, port: PortName) -> Option<usize> {
        self.index.target(index, port)
    }

    fn name(&self, index: usize) -> &str {
        &self.names[index]
    }

    /// The node `index` continues with after its branches: an Archy action's `next`; for the
    /// designer's branching kinds, the node an import remembered, when one of the node's paths
    /// leads there (else none: the branches are written whole).
    fn continuation(&self, index: usize) -> Option<usize> {
        let node = &self.document.flow.nodes[index];
        match node.kind() {
            NodeKind::Archy => return self.target(index, PortName::Next),
            NodeKind::Decision | NodeKind::Transfer | NodeKind::DataAction => {}
            kind if kind.spec().archy.is_some() && !kind.spec().ports.iter().any(|p| p.name == PortName::Next) => {}
            _ => return None,
        }
        let after = node.carried.as_ref()?.after.as_deref()?;
        let wanted = self.index.node(self.document, after)?;
        if wanted == index || !self.index.is_reachable(wanted) {
            return None;
        }
        // A bounded search along the node's paths, not entering tasks or menus.
        let mut stack: Vec<usize> = self.index.links_from(index).map(|(_, to)| to).collect();
        let mut seen = 0;
        while let Some(at) = stack.pop() {
            if at == wanted {
                return Some(wanted);
            }
            seen += 1;
            if seen > CONTINUATION_SEARCH || at == index || self.heads_kind(at) {
                continue;
            }
            stack.extend(self.index.links_from(at).map(|(_, to)| to));
        }
        None
    }

    fn heads_kind(&self, index: usize) -> bool {
        matches!(self.document.flow.nodes[index].kind(), NodeKind::Menu | NodeKind::Task)
    }
}

/// Action and task names: an imported node's label as it is (real flows repeat names); a drawn
/// node's label, made unique with the node id where labels repeat, or its kind and id when empty.
fn names(document: &Document) -> Vec<String> {
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
            if node.carried.is_some() {
                node.label.clone()
            } else if label.is_empty() {
                format!("{} {}", node.kind().title(), node.id)
            } else if counts.get(label).copied().unwrap_or(0) > 1 {
                format!("{label} ({})", node.id)
            } else {
                label.to_owned()
            }
        })
        .collect()
}

/// One key of an action, task or menu as the designer writes it.
enum Part {
    /// A value and its decoder: a carried value that decodes to the same is written instead, as
    /// it came.
    Value(Json, fn(&Json) -> Option<String>),
    /// A value always written as the designer has it.
    Fixed(Json),
    /// `actions:` from `entry`, falling through at `stop`.
    Actions { entry: Option<usize>, stop: Option<usize>, branch_depth: usize },
    /// `outputs:` with the connected paths that do not fall through; left out when none is left.
    Outputs { paths: Vec<(PortName, usize)>, stop: Option<usize>, branch_depth: usize },
    /// One top-level key of a table-described kind: its canonical value, and the fields (paths
    /// below the key) that say what it means.
    Step(Json, Vec<(&'static [&'static str], crate::document::ArchyForm)>),
    /// A switch's `evaluate: firstTrue:` with its cases and default, falling through at `stop`.
    Switch { node: usize, stop: Option<usize>, branch_depth: usize },
    /// A menu's `choices`.
    Choices(usize),
    /// A menu choice's inline `task:` (its kept keys and `actions` from `entry`).
    InlineTask { entry: usize, kept: Option<ArchyKeys> },
    /// Nothing: the key is left out (a carried one too).
    Omit,
}

struct Writer<'p, 'a> {
    plan: &'p Plan<'a>,
    document: &'a Document,
    heads: Vec<bool>,
    /// The task or menu being written.
    out: YamlText,
    /// Heads made here (not task or menu nodes) to write as tasks, in the order first needed.
    queue: Vec<usize>,
    queued: Vec<bool>,
    /// How often each node was written inline.
    written: Vec<u8>,
    /// Nodes written inline more than once in this pass: tasks of their own in the next.
    repeated: Vec<usize>,
    /// Tasks written while writing menus (their no-input paths), for the end of the task list.
    extra_tasks: String,
    /// Nodes a menu choice stands for (`menuDisconnect`, `menuTransferToAcd`).
    covered: Vec<bool>,
    notes: Vec<String>,
}

impl<'p, 'a> Writer<'p, 'a> {
    fn new(plan: &'p Plan<'a>, document: &'a Document, heads: Vec<bool>) -> Writer<'p, 'a> {
        let count = document.flow.nodes.len();
        Writer {
            plan,
            document,
            heads,
            out: YamlText::with_capacity(count * 400 + 1024),
            queue: Vec::new(),
            queued: vec![false; count],
            written: vec![0; count],
            repeated: Vec::new(),
            extra_tasks: String::new(),
            covered: vec![false; count],
            notes: Vec::new(),
        }
    }

    fn write_flow(&mut self) -> ArchyYaml {
        let document = self.document;
        let flow = &document.flow;
        let plan = self.plan;

        // A common module's main sequence is `startUpTaskActions`, not a task (docs/export.md).
        let module = flow.flow_type.is_module();
        let mut startup = String::new();
        if module {
            let entry = match plan.entry {
                Entry::Startup => plan.first,
                Entry::Unit(index) => Some(index),
            };
            self.part(1, false, "startUpTaskActions", Part::Actions { entry, stop: None, branch_depth: 0 }, None);
            startup = std::mem::take(&mut self.out.text);
        }
        // Tasks: the start-up task, every task node in order, then the heads made here.
        if plan.entry == Entry::Startup && !module {
            self.out.key(2, true, "task");
            self.out.scalar(UNIT_DEPTH, false, "name", "Start");
            self.out.scalar(UNIT_DEPTH, false, "refId", "startup");
            self.actions(UNIT_DEPTH, plan.first, None, 0);
        }
        if let ErrorHandling::Task(handler) = plan.error_handling {
            self.request(handler);
        }
        for (index, node) in flow.nodes.iter().enumerate() {
            if node.kind() == NodeKind::Task {
                self.task_node(index);
            }
        }
        let mut tasks = std::mem::take(&mut self.out.text);
        for (index, node) in flow.nodes.iter().enumerate() {
            if node.kind() == NodeKind::Menu {
                self.menu(index);
            }
        }
        let menus = std::mem::take(&mut self.out.text);
        let mut cursor = 0;
        while cursor < self.queue.len() {
            let index = self.queue[cursor];
            cursor += 1;
            self.out.key(2, true, "task");
            self.out.scalar(UNIT_DEPTH, false, "name", plan.name(index));
            self.out.scalar(UNIT_DEPTH, false, "refId", &ref_id(&flow.nodes[index]));
            self.out.key(UNIT_DEPTH, false, "actions");
            self.items(UNIT_DEPTH + 1, index, None, 0, true);
        }
        tasks.push_str(&self.out.text);
        tasks.push_str(&self.extra_tasks);
        self.out.text.clear();

        let root = if module { self.module_root(startup, menus, tasks) } else { self.root(menus, tasks) };
        let unwritten = (0..flow.nodes.len())
            .filter(|&i| {
                let kind = flow.nodes[i].kind();
                let written = self.written[i] > 0 || self.queued[i] || self.covered[i];
                let unit = matches!(kind, NodeKind::Start | NodeKind::Task | NodeKind::Menu);
                let handled = matches!(plan.error_handling, ErrorHandling::Queue(h) if h == i)
                    || (kind == NodeKind::Disconnect && plan.incoming[i] == 0);
                !(written || unit || handled)
            })
            .count();
        let mut notes = std::mem::take(&mut self.notes);
        let mut unverified: Vec<&'static str> = (0..flow.nodes.len())
            .filter(|&i| self.written[i] > 0 && flow.nodes[i].carried.is_none())
            .filter_map(|i| unverified_shape(&flow.nodes[i]))
            .collect();
        unverified.sort_unstable();
        unverified.dedup();
        notes.extend(unverified.into_iter().map(|what| {
            format!("{what}: no public Architect file confirms this shape (docs/export.md lists it); check it in Architect after publishing")
        }));
        if unwritten > 0 {
            notes.push(format!("{unwritten} node(s) that no path reaches are left out of the YAML"));
        }
        ArchyYaml { yaml: root, notes }
    }

    /// The flow's own keys, in the order Architect's exports use (or an imported flow's order).
    fn root(&mut self, menus: String, tasks: String) -> String {
        let flow = &self.document.flow;
        let carried = flow.archy.as_deref();
        // An imported flow without a key that the designer would write with its default value
        // stays without it.
        let had = |key: &str| carried.is_none_or(|keys| keys.contains_key(key));
        let mut parts: Vec<(&str, Part)> = Vec::new();
        parts.push(("name", Part::Fixed(Json::String(flow.name.clone()))));
        match flow.description.as_deref().filter(|d| !d.trim().is_empty() || (carried.is_some() && had("description")))
        {
            Some(description) => parts.push(("description", Part::Fixed(Json::String(description.to_owned())))),
            None => parts.push(("description", Part::Omit)),
        }
        // Archy finds a division by name; without one it uses the org's home division, whatever its name.
        let division = flow.division.trim();
        if division.is_empty() {
            parts.push(("division", Part::Omit));
        } else {
            parts.push(("division", Part::Fixed(Json::String(division.to_owned()))));
            if division.eq_ignore_ascii_case("home") {
                self.notes.push(
                    "division: Home is written because the flow names it; Archy looks a division up by name, and many orgs' home division has another name (Genesys' own examples use \"New Home\"). Clear the division to publish into the org's home division.".to_owned(),
                );
            }
        }
        let start_ref = match self.plan.entry {
            Entry::Startup => "/inboundCall/tasks/task[startup]".to_owned(),
            Entry::Unit(index) => unit_ref(self.document, &flow.nodes[index]),
        };
        parts.push(("startUpRef", Part::Value(Json::String(start_ref), reference)));
        parts.push(("defaultLanguage", Part::Fixed(Json::String(flow.default_language.clone()))));
        let mut language = serde_json::Map::new();
        language.insert("defaultLanguageSkill".to_owned(), serde_json::json!({ "noValue": true }));
        if flow.default_language.eq_ignore_ascii_case("en-us") {
            language.insert("textToSpeech".to_owned(), serde_json::json!({ "defaultEngine": { "voice": "Jill" } }));
        }
        let mut languages = serde_json::Map::new();
        languages.insert(flow.default_language.clone(), Json::Object(language));
        // An imported flow's languages stay as they were while its default language does.
        let kept_languages = carried
            .filter(|keys| keys.get("defaultLanguage").and_then(Json::as_str) == Some(flow.default_language.as_str()))
            .and_then(|keys| keys.get("supportedLanguages"));
        match kept_languages {
            Some(kept) => parts.push(("supportedLanguages", Part::Fixed(kept.clone()))),
            None if had("supportedLanguages") => {
                parts.push(("supportedLanguages", Part::Value(Json::Object(languages), supported_language)))
            }
            None => {}
        }
        let greeting = match flow.initial_greeting.as_deref().filter(|text| !text.trim().is_empty()) {
            Some(text) => codec::tts_value(text),
            // No greeting, as a real file writes it: an audio expression with no value.
            None => serde_json::json!({ "exp": "ToAudio(NOT_SET)" }),
        };
        if had("initialGreeting") || flow.initial_greeting.is_some() {
            parts.push(("initialGreeting", Part::Value(greeting, greeting_text)));
        }
        let carried_variables = carried.is_some_and(|keys| keys.contains_key("variables"));
        if flow.variables.is_empty() && !carried_variables {
            parts.push(("variables", Part::Omit));
        } else if flow.variables.is_empty() {
            // Kept as written when it holds only variables the designer does not model.
            parts.push(("variables", Part::Value(Json::Array(Vec::new()), variable_names)));
        } else {
            let variables = flow
                .variables
                .iter()
                .map(|variable| {
                    serde_json::json!({ variable_key(variable.value_type): {
                        "name": variable.name, "initialValue": { "noValue": true } } })
                })
                .collect();
            parts.push(("variables", Part::Value(Json::Array(variables), variable_names)));
        }
        if had("settingsErrorHandling") || self.plan.error_handling != ErrorHandling::Disconnect {
            parts.push(("settingsErrorHandling", Part::Value(self.error_handling(), error_handling_key)));
        }
        // Menus and tasks come from the graph, after the other keys.
        parts.push(("menus", Part::Omit));
        parts.push(("tasks", Part::Omit));
        self.out.text.clear();
        self.out.key(0, false, "inboundCall");
        self.keys(1, false, carried, parts);
        self.units(&menus, &tasks)
    }

    /// Appends the flow's `menus` and `tasks` (each left out when empty) and hands out the text.
    fn units(&mut self, menus: &str, tasks: &str) -> String {
        for (key, text) in [("menus", menus), ("tasks", tasks)] {
            if !text.is_empty() {
                self.out.key(1, false, key);
                self.out.text.push_str(text);
            }
        }
        std::mem::take(&mut self.out.text)
    }

    /// A common module's own keys, in the order of the real module files (docs/export.md): name,
    /// description, division, supportedLanguages, variables (each with `isInput` and `isOutput`),
    /// `settingsCommonModule.compatibleFlowTypes`, then `startUpTaskActions`.
    fn module_root(&mut self, startup: String, menus: String, tasks: String) -> String {
        let flow = &self.document.flow;
        let mut parts: Vec<(&str, Part)> = vec![("name", Part::Fixed(Json::String(flow.name.clone())))];
        if let Some(description) = flow.description.as_deref().filter(|d| !d.trim().is_empty()) {
            parts.push(("description", Part::Fixed(Json::String(description.to_owned()))));
        }
        if !flow.division.trim().is_empty() {
            parts.push(("division", Part::Fixed(Json::String(flow.division.trim().to_owned()))));
        }
        let mut languages = serde_json::Map::new();
        languages.insert(flow.default_language.clone(), serde_json::json!({ "none": true }));
        parts.push(("supportedLanguages", Part::Fixed(Json::Object(languages))));
        if !flow.variables.is_empty() {
            let variables = flow
                .variables
                .iter()
                .map(|variable| {
                    serde_json::json!({ variable_key(variable.value_type): {
                        "name": variable.name,
                        "initialValue": { "noValue": true },
                        "isInput": variable.input,
                        "isOutput": variable.output,
                    } })
                })
                .collect();
            parts.push(("variables", Part::Fixed(Json::Array(variables))));
        }
        let types: Vec<Json> = flow
            .compatible_flow_types
            .iter()
            .map(|t| serde_json::json!({ "flowType": t.to_ascii_lowercase() }))
            .collect();
        parts.push(("settingsCommonModule", Part::Fixed(serde_json::json!({ "compatibleFlowTypes": types }))));
        if !menus.is_empty() || !tasks.is_empty() {
            self.notes.push(
                "this module is written with tasks or menus besides its startUpTaskActions; the real module files have only startUpTaskActions, so check it in Architect".to_owned(),
            );
        }
        self.out.text.clear();
        self.out.key(0, false, "commonModule");
        self.keys(1, false, None, parts);
        self.out.text.push_str(&startup);
        self.units(&menus, &tasks)
    }

    fn error_handling(&mut self) -> Json {
        let flow = &self.document.flow;
        let handling = match self.plan.error_handling {
            ErrorHandling::Disconnect => serde_json::json!({ "disconnect": { "none": true } }),
            ErrorHandling::Queue(index) => {
                let queue = match &flow.nodes[index].body {
                    NodeBody::Transfer { queue } => queue.as_str(),
                    _ => "",
                };
                serde_json::json!({ "queue": { "targetQueue": codec::literal_name_value(queue) } })
            }
            ErrorHandling::Task(index) => {
                // [unverified] Architect's "Jump to Reusable Task" error handling. The key is the
                // handling's choice name (`task`, as `disconnect` and `queue` are), per the Architect
                // Scripting SDK's list of error-handling choices; no public file shows it.
                self.notes.push(format!(
                    "the flow's error handling jumps to the task \"{}\" with the key errorHandling.task, which no public Archy file confirms; if Archy refuses it, make the error path a hang-up or a queue transfer, or set Event Handling in Architect",
                    self.plan.name(index)
                ));
                serde_json::json!({ "task": { "targetTaskRef": unit_ref(self.document, &flow.nodes[index]) } })
            }
        };
        serde_json::json!({ "errorHandling": handling })
    }

    /// Writes keys at `depth`: the carried keys in their order, each modeled one where the carried
    /// one was (the carried value when it means the same), then the modeled keys not carried.
    fn keys(&mut self, depth: usize, item: bool, carried: Option<&ArchyKeys>, mut parts: Vec<(&str, Part)>) {
        let mut first = item;
        if let Some(carried) = carried {
            for (key, value) in carried {
                if let Some(at) = parts.iter().position(|(name, _)| name == key) {
                    let (name, part) = parts.remove(at);
                    first &= !self.part(depth, first, name, part, Some(value));
                } else if key == "outputs" {
                    // Rebuilt from the graph (an imported action's unknown paths are kept with its paths).
                } else {
                    self.out.value(depth, first, key, value);
                    first = false;
                }
            }
        }
        for (name, part) in parts {
            first &= !self.part(depth, first, name, part, None);
        }
    }

    /// Writes one modeled key; false when it wrote nothing.
    fn part(&mut self, depth: usize, item: bool, name: &str, part: Part, carried: Option<&Json>) -> bool {
        match part {
            Part::Omit => false,
            Part::Fixed(value) => {
                self.out.value(depth, item, name, &value);
                true
            }
            Part::Value(value, decode) => {
                let meaning = decode(&value);
                match carried.filter(|old| meaning.is_some() && decode(old) == meaning) {
                    Some(old) => self.out.value(depth, item, name, old),
                    None => self.out.value(depth, item, name, &value),
                }
                true
            }
            Part::Actions { entry, stop, branch_depth } => {
                self.out.key(depth, item, name);
                match entry {
                    Some(entry) => self.items(depth + 1, entry, stop, branch_depth, false),
                    None => self.disconnect(depth + 1, "Disconnect"),
                }
                true
            }
            Part::Step(value, fields) => {
                let meaning = |v: &Json| -> Option<Vec<String>> {
                    fields
                        .iter()
                        .map(|(path, form)| codec::at_path(v, path).and_then(|v| codec::read_form(*form, v)))
                        .collect()
                };
                let new_meaning = meaning(&value);
                match carried.filter(|old| new_meaning.is_some() && meaning(old) == new_meaning) {
                    Some(old) => self.out.value(depth, item, name, old),
                    None => self.out.value(depth, item, name, &value),
                }
                true
            }
            Part::Switch { node, stop, branch_depth } => {
                self.switch(depth, item, name, node, stop, branch_depth);
                true
            }
            Part::Choices(menu) => {
                let choices = match &self.document.flow.nodes[menu].body {
                    NodeBody::Menu { choices, .. } => choices.as_slice(),
                    _ => &[],
                };
                self.choices(depth, item, menu, choices);
                true
            }
            Part::InlineTask { entry, kept } => {
                self.out.key(depth, item, name);
                let actions = Part::Actions { entry: Some(entry), stop: None, branch_depth: 1 };
                self.keys(depth + 1, false, kept.as_ref(), vec![("actions", actions)]);
                true
            }
            Part::Outputs { paths, stop, branch_depth } => {
                let kept = carried.and_then(Json::as_object);
                let written: Vec<(PortName, usize)> =
                    paths.into_iter().filter(|&(_, target)| Some(target) != stop).collect();
                let unknown: Vec<(&String, &Json)> =
                    kept.into_iter().flatten().filter(|(key, _)| PortName::parse(key).is_none()).collect();
                if written.is_empty() && unknown.is_empty() {
                    return false;
                }
                self.out.key(depth, item, name);
                for (port, target) in written {
                    self.out.key(depth + 1, false, port.as_str());
                    self.out.key(depth + 2, false, "actions");
                    self.items(depth + 3, target, stop, branch_depth + 1, false);
                }
                for (key, value) in unknown {
                    self.out.value(depth + 1, false, key, value);
                }
                true
            }
        }
    }

    fn request(&mut self, index: usize) {
        let kind = self.document.flow.nodes[index].kind();
        if !matches!(kind, NodeKind::Task | NodeKind::Menu) && !self.queued[index] {
            self.queued[index] = true;
            self.queue.push(index);
        }
    }

    /// `actions:` at `depth` from `entry` (a disconnect when nothing is connected: real files never
    /// write an empty action list).
    fn actions(&mut self, depth: usize, entry: Option<usize>, stop: Option<usize>, branch_depth: usize) {
        self.part(depth, false, "actions", Part::Actions { entry, stop, branch_depth }, None);
    }

    fn disconnect(&mut self, depth: usize, name: &str) {
        self.out.key(depth, true, "disconnect");
        self.out.scalar(depth + 1, false, "name", name);
    }

    /// A jump into a task or menu (a node written as one).
    fn jump(&mut self, depth: usize, index: usize) {
        let node = &self.document.flow.nodes[index];
        let name = format!("Go to {}", self.plan.name(index));
        self.request(index);
        if node.kind() == NodeKind::Menu {
            self.out.key(depth, true, "jumpToMenu");
            self.out.scalar(depth + 1, false, "name", &name);
            self.out.scalar(depth + 1, false, "targetMenuRef", &unit_ref(self.document, node));
        } else {
            self.out.key(depth, true, "jumpToTask");
            self.out.scalar(depth + 1, false, "name", &name);
            self.out.scalar(depth + 1, false, "targetTaskRef", &unit_ref(self.document, node));
        }
    }

    /// The actions from `first` on, as items of an action list at `depth`, until `stop` (where the
    /// list falls through to the enclosing one), a jump or an end. `own` is set when `first` is the
    /// head whose task this is. A straight chain is written in a loop, so it costs no stack; only
    /// branches recurse, and those are bounded by `MAX_INLINE_DEPTH`.
    fn items(&mut self, depth: usize, first: usize, stop: Option<usize>, branch_depth: usize, own: bool) {
        let document = self.document;
        let mut current = first;
        let mut steps = 0usize;
        let mut at_own_head = own;
        loop {
            // Invariant: validation guarantees every cycle has a head, so a chain ends within the node
            // count; the bound only keeps a broken caller from hanging.
            steps += 1;
            if steps > document.flow.nodes.len() + 1 {
                self.disconnect(depth, "Disconnect");
                return;
            }
            if (self.heads[current] && !at_own_head) || branch_depth > MAX_INLINE_DEPTH {
                self.jump(depth, current);
                return;
            }
            at_own_head = false;
            if !own || current != first {
                self.written[current] = self.written[current].saturating_add(1);
                // A module's end is one line (`endTask`), written at the end of each branch that
                // reaches it, as real module files end their lists; never a task of its own.
                if self.written[current] == 2 && document.flow.nodes[current].kind() != NodeKind::EndModule {
                    self.repeated.push(current);
                }
                // A pass that repeats nodes is written again, so once it has repeated some there is
                // no point in writing on (a graph of merges would repeat exponentially).
                if self.repeated.len() > 64 {
                    return;
                }
            }
            let next = self.action(depth, current, stop, branch_depth);
            match next {
                Some(next) if Some(next) == stop => return,
                Some(next) if next == first && own => {
                    self.jump(depth, next);
                    return;
                }
                Some(next) => current = next,
                None => return,
            }
        }
    }

    /// Writes node `index`'s action as one list item at `depth`; returns the node the list goes on
    /// with, if any. `enclosing` is where the list falls through: a branching node that ends its
    /// list (no continuation of its own) falls through there too, so its paths stop there (a loop
    /// body's nested branch that comes back to the loop is the next turn, not a second copy).
    fn action(&mut self, depth: usize, index: usize, enclosing: Option<usize>, branch_depth: usize) -> Option<usize> {
        let document = self.document;
        let plan = self.plan;
        let node = &document.flow.nodes[index];
        let carried = node.carried.as_deref().map(|c| &c.keys);
        let name = plan.name(index).to_owned();
        let name_part = if node.carried.is_some() && name.is_empty() {
            Part::Omit
        } else {
            Part::Fixed(Json::String(name.clone()))
        };
        let d = depth;
        let target = |port| plan.target(index, port);
        match &node.body {
            NodeBody::Start => target(PortName::Next),
            NodeBody::Task { .. } | NodeBody::Menu { .. } => {
                // Tasks and menus are heads: a list never holds one; jump to be safe.
                self.jump(d, index);
                None
            }
            NodeBody::Play { prompt } => {
                let parts = vec![("name", name_part), ("audio", Part::Value(codec::tts_value(prompt), codec::tts))];
                self.out.key(d, true, "playAudio");
                self.keys(d + 1, false, carried, parts);
                target(PortName::Next)
            }
            NodeBody::SetVariable { variable, expression } => {
                // The type decides the statement's key; string when nothing declares the variable.
                let value_type =
                    plan.types.get(variable.as_str()).copied().unwrap_or(TypeName::scalar(ValueType::String));
                let statements = codec::statement_value(&type_word(value_type), variable, expression);
                let parts = vec![("name", name_part), ("statements", Part::Value(statements, statement_text))];
                self.out.key(d, true, "updateData");
                self.keys(d + 1, false, carried, parts);
                target(PortName::Next)
            }
            NodeBody::Invoke(call) => {
                let reference = codec::ModuleRef {
                    module: call.module.clone(),
                    version: call.version.clone().unwrap_or_else(|| "latest".to_owned()),
                    inputs: call.inputs.clone(),
                    outputs: call.outputs.clone(),
                };
                let parts = vec![
                    ("name", name_part),
                    ("commonModule", Part::Value(codec::module_ref_value(&reference), module_text)),
                ];
                self.out.key(d, true, "callCommonModule");
                self.keys(d + 1, false, carried, parts);
                target(PortName::Complete)
            }
            NodeBody::DataAction(call) => {
                let reference = codec::DataActionRef {
                    category: call.category.clone(),
                    action: call.action.clone(),
                    inputs: call.inputs.clone(),
                    outputs: call.outputs.clone(),
                };
                let seconds = call.timeout_seconds.unwrap_or(DEFAULT_TIMEOUT_SECONDS);
                // Drawn: success goes on in the list. Imported: the node the list went on with.
                let stop = match plan.after[index] {
                    Some(after) => Some(after),
                    None => target(PortName::Success),
                };
                let paths: Vec<(PortName, usize)> = [PortName::Success, PortName::Failure, PortName::Timeout]
                    .into_iter()
                    .filter_map(|port| target(port).map(|t| (port, t)))
                    .collect();
                let parts = vec![
                    ("name", name_part),
                    ("timeout", Part::Value(codec::seconds_value(seconds), seconds_text)),
                    ("category", Part::Value(codec::data_action_ref_value(&reference), data_action_text)),
                    ("outputs", Part::Outputs { paths, stop, branch_depth }),
                ];
                self.out.key(d, true, "callData");
                self.keys(d + 1, false, carried, parts);
                stop
            }
            NodeBody::Decision { expression } => {
                let stop = plan.after[index].or(enclosing);
                let paths =
                    [PortName::Yes, PortName::No].into_iter().filter_map(|p| target(p).map(|t| (p, t))).collect();
                let parts = vec![
                    ("name", name_part),
                    ("condition", Part::Value(codec::expression_value(expression), codec::expression)),
                    ("outputs", Part::Outputs { paths, stop, branch_depth }),
                ];
                self.out.key(d, true, "decision");
                self.keys(d + 1, false, carried, parts);
                stop
            }
            NodeBody::Transfer { queue } => {
                let stop = plan.after[index];
                let failure = target(PortName::Failure);
                let paths = failure.map(|t| (PortName::Failure, t)).into_iter().collect();
                let parts = vec![
                    ("name", name_part),
                    ("targetQueue", Part::Value(codec::literal_name_value(queue), codec::literal_name)),
                    ("outputs", Part::Outputs { paths, stop, branch_depth }),
                ];
                self.out.key(d, true, "transferToAcd");
                self.keys(d + 1, false, carried, parts);
                if stop.is_none() && failure.is_none() {
                    // With nothing on the failure path Architect would fall off the end of the task.
                    self.disconnect(d, &format!("{name} failed: disconnect"));
                }
                stop
            }
            NodeBody::EndModule => {
                self.out.key(d, true, "endTask");
                self.keys(d + 1, false, carried, vec![("name", name_part)]);
                None
            }
            NodeBody::Disconnect => {
                self.out.key(d, true, "disconnect");
                match (carried, node.carried.is_some() && name.is_empty()) {
                    // A nameless imported disconnect: `disconnect: none: true`, or its keys.
                    (Some(keys), true) if keys.is_empty() => self.out.raw(d + 1, false, "none", "true"),
                    _ => self.keys(d + 1, false, carried, vec![("name", name_part)]),
                }
                None
            }
            NodeBody::CallTask => {
                let reference = target(PortName::Target).map(|t| unit_ref(document, &document.flow.nodes[t]));
                let reference_part = match reference {
                    Some(reference) => Part::Value(Json::String(reference), self::reference),
                    None => Part::Omit,
                };
                self.out.key(d, true, "callTask");
                self.keys(d + 1, false, carried, vec![("name", name_part), ("targetTaskRef", reference_part)]);
                target(PortName::Next)
            }
            NodeBody::JumpToTask | NodeBody::JumpToMenu => {
                let (key, reference_key) = match node.kind() {
                    NodeKind::JumpToTask => ("jumpToTask", "targetTaskRef"),
                    _ => ("jumpToMenu", "targetMenuRef"),
                };
                let reference = target(PortName::Target).map(|t| unit_ref(document, &document.flow.nodes[t]));
                let reference_part = match reference {
                    Some(reference) => Part::Value(Json::String(reference), self::reference),
                    None => Part::Omit,
                };
                self.out.key(d, true, key);
                self.keys(d + 1, false, carried, vec![("name", name_part), (reference_key, reference_part)]);
                None
            }
            NodeBody::Step(step) if step.kind == NodeKind::Switch => {
                let stop = plan.after[index].or(enclosing);
                let parts = vec![("name", name_part), ("evaluate", Part::Switch { node: index, stop, branch_depth })];
                self.out.key(d, true, "switch");
                self.keys(d + 1, false, carried, parts);
                stop
            }
            NodeBody::Step(step) => {
                let spec = step.kind.spec();
                let shape = spec.archy?;
                let linear = spec.ports.iter().any(|p| p.name == PortName::Next);
                let next = if linear {
                    target(PortName::Next)
                } else if spec.terminal {
                    plan.after[index]
                } else {
                    plan.after[index].or(enclosing)
                };
                // A loop's path ends at the loop itself: the next turn.
                let stop = if step.kind == NodeKind::Loop { Some(index) } else { next };
                let paths: Vec<(PortName, usize)> = spec
                    .ports
                    .iter()
                    .filter(|p| p.name != PortName::Next)
                    .filter_map(|p| target(p.name).map(|t| (p.name, t)))
                    .collect();
                let mut parts = vec![("name", name_part)];
                let mut keys: Vec<&'static str> = Vec::new();
                for field in shape.fields {
                    if !keys.contains(&field.path[0]) {
                        keys.push(field.path[0]);
                    }
                }
                for key in keys {
                    let fields: Vec<_> = shape.fields.iter().filter(|f| f.path[0] == key).collect();
                    let empty = fields.iter().all(|f| step.get(f.field).is_none_or(str::is_empty));
                    if empty && carried.is_some_and(|keys| !keys.contains_key(key)) {
                        continue;
                    }
                    // A default for the same key (a drawn node's) is the base the fields go into.
                    let default = shape.defaults.iter().find(|(name, _)| *name == key);
                    let mut value = match (carried, default) {
                        (None, Some((_, text))) => serde_json::from_str::<Json>(text).unwrap_or(Json::Null),
                        _ => Json::Null,
                    };
                    // Of alternative fields (a voicemail's queue or user) only the set one is
                    // written; with none set, the first, so the key still shows what is missing.
                    let first_optional = fields.iter().position(|f| f.optional);
                    let fields: Vec<_> = fields
                        .into_iter()
                        .enumerate()
                        .filter(|(position, f)| {
                            !f.optional
                                || step.get(f.field).is_some_and(|text| !text.is_empty())
                                || (empty && Some(*position) == first_optional)
                        })
                        .map(|(_, f)| f)
                        .collect();
                    for field in &fields {
                        let text = step.get(field.field).unwrap_or_default();
                        insert_at(&mut value, &field.path[1..], codec::write_form(field.form, text));
                    }
                    let meaning = fields.iter().map(|f| (&f.path[1..], f.form)).collect();
                    parts.push((key, Part::Step(value, meaning)));
                }
                if carried.is_none() {
                    for (key, text) in
                        shape.defaults.iter().filter(|(key, _)| !shape.fields.iter().any(|f| f.path[0] == *key))
                    {
                        if let Ok(value) = serde_json::from_str::<Json>(text) {
                            parts.push((key, Part::Fixed(value)));
                        }
                    }
                }
                parts.push(("outputs", Part::Outputs { paths, stop, branch_depth }));
                self.out.key(d, true, spec.archy_action.unwrap_or("unknownAction"));
                self.keys(d + 1, false, carried, parts);
                if spec.terminal && next.is_none() && target(PortName::Failure).is_none() {
                    // With nothing on the failure path Architect would fall off the end of the task.
                    self.disconnect(d, &format!("{name} failed: disconnect"));
                }
                next
            }
            NodeBody::Archy(action) => {
                let next = target(PortName::Next);
                let paths = action.paths.iter().filter_map(|&p| target(p).map(|t| (p, t))).collect();
                let parts = vec![("name", name_part), ("outputs", Part::Outputs { paths, stop: next, branch_depth })];
                let key = if action.action.is_empty() { "unknownAction" } else { action.action.as_str() };
                match carried {
                    // `- someAction: none: true` and other bodies that are not a mapping of keys.
                    Some(keys) if keys.is_empty() && name.is_empty() => self.out.raw(d, true, key, "{}"),
                    _ => {
                        self.out.key(d, true, key);
                        self.keys(d + 1, false, carried, parts);
                    }
                }
                next
            }
        }
    }

    /// `evaluate: firstTrue:` of a switch: `default` (when it goes somewhere) before `cases`, as
    /// real files write them; each case its `value` and its actions.
    fn switch(&mut self, depth: usize, item: bool, name: &str, index: usize, stop: Option<usize>, branch_depth: usize) {
        let node = &self.document.flow.nodes[index];
        let cases: Vec<String> = node.body.cases().map(str::to_owned).collect();
        self.out.key(depth, item, name);
        self.out.key(depth + 1, false, "firstTrue");
        let d = depth + 2;
        if let Some(target) = self.plan.target(index, PortName::Default).filter(|&t| Some(t) != stop) {
            self.out.key(d, false, "default");
            self.out.key(d + 1, false, "actions");
            self.items(d + 2, target, stop, branch_depth + 1, false);
        }
        if cases.is_empty() {
            self.out.raw(d, false, "cases", "[]");
            return;
        }
        self.out.key(d, false, "cases");
        for (position, case) in cases.iter().enumerate() {
            self.out.key(d + 1, true, "case");
            self.out.key(d + 2, false, "value");
            self.out.scalar(d + 3, false, "exp", case);
            // [unverified] a case that goes straight on (no actions of its own) is written without
            // `actions`; every real case has actions.
            let port = PortName::Case(u8::try_from(position).unwrap_or(u8::MAX));
            if let Some(target) = self.plan.target(index, port).filter(|&t| Some(t) != stop) {
                self.out.key(d + 2, false, "actions");
                self.items(d + 3, target, stop, branch_depth + 1, false);
            }
        }
    }

    /// A task node: `task:` with its name, refId, kept keys and actions.
    fn task_node(&mut self, index: usize) {
        let node = &self.document.flow.nodes[index];
        let entry = self.plan.target(index, PortName::Next);
        let parts = vec![
            ("name", Part::Fixed(Json::String(self.plan.name(index).to_owned()))),
            ("refId", Part::Fixed(Json::String(unit_ref_id(node)))),
            ("actions", Part::Actions { entry, stop: None, branch_depth: 0 }),
        ];
        self.out.key(2, true, "task");
        self.keys(UNIT_DEPTH, false, node.archy_keys(), parts);
    }

    /// A top-level menu.
    fn menu(&mut self, index: usize) {
        let node = &self.document.flow.nodes[index];
        let prompt = match &node.body {
            NodeBody::Menu { prompt, .. } => prompt.as_str(),
            _ => "",
        };
        let parts = vec![
            ("name", Part::Fixed(Json::String(self.plan.name(index).to_owned()))),
            ("refId", Part::Fixed(Json::String(unit_ref_id(node)))),
            ("audio", Part::Value(codec::tts_value(prompt), menu_audio)),
            ("choices", Part::Choices(index)),
        ];
        self.out.key(2, true, "menu");
        self.keys(UNIT_DEPTH, false, node.archy_keys(), parts);
        if let Some(target) = self.plan.target(index, PortName::NoInput) {
            let name = format!("{} - no input", self.plan.name(index));
            let menu = std::mem::replace(&mut self.out, YamlText::with_capacity(0));
            self.out.key(2, true, "task");
            self.out.scalar(UNIT_DEPTH, false, "name", &name);
            self.out.scalar(UNIT_DEPTH, false, "refId", &format!("{}_noInput", ref_id(node)));
            self.actions(UNIT_DEPTH, Some(target), None, 1);
            // The no-input task goes to the end of the task list.
            let task = std::mem::replace(&mut self.out, menu);
            self.extra_tasks.push_str(&task.text);
            self.notes.push(format!(
                "menu \"{}\": its noInput path is the task \"{name}\"; point the menu's no-input handling at it in Architect (Archy's key for that is not verified)",
                node.label
            ));
        }
    }

    fn choices(&mut self, depth: usize, item: bool, index: usize, choices: &[MenuChoice]) {
        if choices.is_empty() {
            self.out.raw(depth, item, "choices", "[]");
            return;
        }
        self.out.key(depth, item, "choices");
        let d = depth + 1;
        for choice in choices {
            let port = PortName::of_digit(&choice.digit);
            let target = port.and_then(|port| self.plan.target(index, port));
            let label =
                if choice.label.trim().is_empty() { format!("Press {}", choice.digit) } else { choice.label.clone() };
            let kept = choice.archy.as_ref().and_then(codec::single);
            let kept_as = |wanted: &str| {
                kept.filter(|(key, _)| key.as_str() == wanted).and_then(|(_, body)| body.as_object()).cloned()
            };
            let name = Part::Fixed(Json::String(label));
            let dtmf = Part::Fixed(Json::String(dtmf(&choice.digit)));
            match target {
                // An imported choice with nothing connected: as it came, with its name and digit.
                None if !choice.needs_path() && kept.is_some_and(|(_, body)| body.is_object()) => {
                    let Some((key, Json::Object(keys))) = kept else { continue };
                    self.out.key(d, true, key);
                    self.keys(d + 1, false, Some(keys), vec![("name", name), ("dtmf", dtmf)]);
                }
                // A choice leads somewhere in a valid flow; one that does not hangs up.
                None => {
                    self.out.key(d, true, "menuDisconnect");
                    self.keys(d + 1, false, None, vec![("name", name), ("dtmf", dtmf)]);
                }
                // A drawn choice straight to a hang-up, or to a queue transfer with nothing on its
                // failure path, is written as the menu's own choice kind, as Architect's exports do.
                Some(target)
                    if choice.archy.is_none() && self.document.flow.nodes[target].kind() == NodeKind::Disconnect =>
                {
                    self.covered[target] = true;
                    self.out.key(d, true, "menuDisconnect");
                    self.keys(d + 1, false, None, vec![("name", name), ("dtmf", dtmf)]);
                }
                Some(target)
                    if choice.archy.is_none()
                        && self.document.flow.nodes[target].kind() == NodeKind::Transfer
                        && self.plan.target(target, PortName::Failure).is_none() =>
                {
                    self.covered[target] = true;
                    let queue = match &self.document.flow.nodes[target].body {
                        NodeBody::Transfer { queue } => queue.clone(),
                        _ => String::new(),
                    };
                    let parts = vec![
                        ("name", name),
                        ("dtmf", dtmf),
                        ("targetQueue", Part::Fixed(codec::literal_name_value(&queue))),
                    ];
                    self.out.key(d, true, "menuTransferToAcd");
                    self.keys(d + 1, false, None, parts);
                }
                Some(target) if self.document.flow.nodes[target].kind() == NodeKind::Task => {
                    let keys = kept_as("menuJumpToTask");
                    let reference = Part::Value(
                        Json::String(unit_ref(self.document, &self.document.flow.nodes[target])),
                        reference,
                    );
                    let parts = vec![("name", name), ("dtmf", dtmf), ("targetTaskRef", reference)];
                    self.out.key(d, true, "menuJumpToTask");
                    self.keys(d + 1, false, keys.as_ref(), parts);
                }
                Some(target) => {
                    let keys = kept_as("menuTask");
                    let task_keys = keys.as_ref().and_then(|k| k.get("task")).and_then(Json::as_object).cloned();
                    let parts = vec![
                        ("name", name),
                        ("dtmf", dtmf),
                        ("task", Part::InlineTask { entry: target, kept: task_keys }),
                    ];
                    self.out.key(d, true, "menuTask");
                    self.keys(d + 1, false, keys.as_ref(), parts);
                }
            }
        }
    }
}

/// Sets the value at `path` under `value`, making mappings on the way (`[]` replaces `value`).
fn insert_at(value: &mut Json, path: &[&str], leaf: Json) {
    let Some((first, rest)) = path.split_first() else {
        *value = leaf;
        return;
    };
    if !value.is_object() {
        *value = Json::Object(serde_json::Map::new());
    }
    if let Json::Object(map) = value {
        insert_at(map.entry((*first).to_owned()).or_insert(Json::Null), rest, leaf);
    }
}

/// The refId of a node written as a task or menu (what references in Archy keys name).
pub(crate) fn unit_ref_id(node: &Node) -> String {
    match &node.body {
        NodeBody::Task { ref_id } if !ref_id.is_empty() => ref_id.clone(),
        _ => match node.archy_keys().and_then(|keys| keys.get("refId")).and_then(Json::as_str) {
            Some(ref_id) => ref_id.to_owned(),
            None => ref_id(node),
        },
    }
}

/// The absolute reference to a node written as a task or menu of `document`'s flow.
fn unit_ref(document: &Document, node: &Node) -> String {
    let root = root_key(document);
    match node.kind() {
        NodeKind::Menu => format!("/{root}/menus/menu[{}]", unit_ref_id(node)),
        _ => format!("/{root}/tasks/task[{}]", unit_ref_id(node)),
    }
}

/// The flow's top-level key: `inboundCall`, or `commonModule` for a common module.
fn root_key(document: &Document) -> &'static str {
    if document.flow.flow_type.is_module() {
        "commonModule"
    } else {
        "inboundCall"
    }
}

/// A made-up refId for a drawn node written as a task or menu (ids are already reference-safe).
fn ref_id(node: &Node) -> String {
    match node.kind() {
        NodeKind::Menu => format!("menu_{}", node.id),
        // A task node's id is already a task's name.
        NodeKind::Task => node.id.clone(),
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
    // [unverified] the collection spelling of statements (`stringCollectionVariable` is real).
    if value_type.list {
        format!("{base}Collection")
    } else {
        base.to_owned()
    }
}

/// The variables the flow and its tasks declare, with their types: flow variables first, then
/// each task's (an imported task keeps its `variables`). Read once per export.
fn declared_types(document: &Document) -> FxHashMap<&str, TypeName> {
    let mut types: FxHashMap<&str, TypeName> =
        document.flow.variables.iter().map(|v| (v.name.as_str(), v.value_type)).collect();
    let declared = document
        .flow
        .nodes
        .iter()
        .flat_map(Node::task_variables)
        .filter_map(|(key, name)| Some((name, crate::import::variable_type(key)?)));
    for (name, value_type) in declared {
        types.entry(name).or_insert(value_type);
    }
    types
}

fn variable_key(value_type: TypeName) -> String {
    format!("{}Variable", type_word(value_type))
}

// Decoders for `Part::Value`: what a key means, so a carried value that means the same is kept.

fn reference(value: &Json) -> Option<String> {
    value.as_str().and_then(codec::ref_id_of).map(str::to_owned)
}

/// A menu's prompt: its text to speech, or empty for audio of another form (which the import leaves
/// as written, so it stays while the prompt is empty).
fn menu_audio(value: &Json) -> Option<String> {
    codec::tts(value).or_else(|| value.is_object().then(String::new))
}

fn greeting_text(value: &Json) -> Option<String> {
    match codec::tts(value) {
        Some(text) => Some(text),
        None => Some(String::new()).filter(|_| value.get("exp").is_some() || value.get("noValue").is_some()),
    }
}

/// The default language is what the designer models of `supportedLanguages`.
fn supported_language(value: &Json) -> Option<String> {
    value.as_object().and_then(|map| map.keys().next().cloned())
}

/// The declared flow variables the designer models (names and types), in order: an imported list
/// with other types in it (`jsonVariable`, task variables) stays as written while these do.
fn variable_names(value: &Json) -> Option<String> {
    let items = value.as_array()?;
    let mut text = String::new();
    for item in items {
        let (key, body) = codec::single(item.as_object()?)?;
        let name = body.get("name")?.as_str()?;
        if let (Some(value_type), true) = (crate::import::variable_type(key), name.starts_with("Flow.")) {
            text.push_str(&variable_key(value_type));
            text.push(' ');
            text.push_str(name);
            text.push('\n');
        }
    }
    Some(text)
}

fn error_handling_key(value: &Json) -> Option<String> {
    let handling = value.get("errorHandling")?.as_object()?;
    let (choice, body) = codec::single(handling)?;
    Some(match choice.as_str() {
        "queue" => format!("queue {}", codec::literal_name(body.get("targetQueue")?)?),
        "task" => format!("task {}", reference(body.get("targetTaskRef")?)?),
        other => other.to_owned(),
    })
}

fn statement_text(value: &Json) -> Option<String> {
    codec::single_statement(value).map(|(_, variable, expression)| format!("{variable} = {expression}"))
}

fn module_text(value: &Json) -> Option<String> {
    codec::module_ref(value).map(|call| format!("{call:?}"))
}

fn data_action_text(value: &Json) -> Option<String> {
    codec::data_action_ref(value).map(|call| format!("{call:?}"))
}

fn seconds_text(value: &Json) -> Option<String> {
    codec::seconds(value).map(|seconds| seconds.to_string())
}

/// What a drawn node writes that no real file shows (the export's notes say so), by kind.
fn unverified_shape(node: &Node) -> Option<&'static str> {
    match node.kind() {
        NodeKind::TransferToNumber => Some("transferToNumber with targetNumber"),
        NodeKind::TransferToUser => Some("transferToUser with targetUser"),
        NodeKind::SetLanguage => Some("setLanguage with language"),
        NodeKind::Wait => Some("wait in an inbound call flow (real files have it in workflows)"),
        NodeKind::TransferToVoicemail
            if !node.body.text(crate::document::FieldId::User).unwrap_or_default().is_empty() =>
        {
            Some("transferToVoicemail to a user's voicemail")
        }
        _ => None,
    }
}
