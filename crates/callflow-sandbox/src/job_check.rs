//! What the sandbox's Architect job checks in an uploaded Archy YAML file before publishing it:
//! the YAML parses, it is an `inboundCall` or a `commonModule` with a name (a module starts with
//! `startUpTaskActions`, names compatible flow types and calls no module), every `startUpRef`/`targetTaskRef`/
//! `targetMenuRef` resolves to a task or menu `refId`, every `callCommonModule` names a published
//! common module that is compatible with inbound call flows and passes only inputs it declares
//! (and all it requires), and every queue named by `transferToAcd` exists. These are the failures
//! users meet when they publish by hand; the message wording is the sandbox's own (reference §H).
//!
//! The check knows nothing of the org: the caller hands it the common modules' contracts and the
//! queue names as plain data, so `org` depends on this module and never the other way round.

use serde_json::Value as Json;

/// What the check needs to know of one common module in the org: its contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleContract<'a> {
    pub name: &'a str,
    /// Published versions, oldest first; empty when the module was never published.
    pub versions: &'a [String],
    pub compatible_flow_types: &'a [String],
    pub inputs: Vec<&'a str>,
    pub required_inputs: Vec<&'a str>,
    pub outputs: Vec<&'a str>,
}

impl ModuleContract<'_> {
    fn published_version(&self) -> Option<&str> {
        self.versions.last().map(String::as_str)
    }
}

/// A flow the job may publish.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub name: String,
    pub description: String,
    pub kind: CheckedKind,
}

/// What kind of flow the file holds, with what publishing it records.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckedKind {
    /// An `inboundCall`, with the common modules it calls (by name, as written).
    InboundCall { calls: Vec<String> },
    /// A `commonModule`: its compatible flow types (upper case, as the API writes them) and its
    /// contract as the API's JSON Schemas, from its `isInput` and `isOutput` variables.
    CommonModule { compatible_flow_types: Vec<String>, input_schema: Json, output_schema: Json },
}

/// Checks `yaml` against the org's common modules (`modules`, looked up by name without regard to
/// case) and queue names. The flow to publish, or every problem found.
pub fn check(yaml: &str, modules: &[ModuleContract<'_>], queues: &[String]) -> Result<Checked, Vec<String>> {
    let document: Json =
        serde_norway::from_str(yaml).map_err(|error| vec![format!("The YAML could not be parsed: {error}")])?;
    let Some(root) = document.as_object() else {
        return Err(vec!["The file is not a YAML mapping with a flow type at the top".to_owned()]);
    };
    let (root_key, flow) = match (root.get("inboundCall"), root.get("commonModule")) {
        (Some(flow), _) => ("inboundCall", flow),
        (None, Some(flow)) => ("commonModule", flow),
        (None, None) => {
            let keys: Vec<&str> = root.keys().map(String::as_str).collect();
            return Err(vec![format!(
                "The sandbox publishes inboundCall flows and commonModule flows only; the file's top-level key is {}",
                if keys.is_empty() { "missing".to_owned() } else { keys.join(", ") }
            )]);
        }
    };
    let module = root_key == "commonModule";
    let mut problems = Vec::new();
    let name = flow["name"].as_str().unwrap_or_default().trim().to_owned();
    if name.is_empty() {
        problems.push(format!("{root_key}.name is missing or empty"));
    }
    let mut targets = Vec::new();
    for (list, item, kind) in [("tasks", "task", "tasks/task"), ("menus", "menu", "menus/menu")] {
        for entry in flow[list].as_array().into_iter().flatten() {
            match entry[item]["refId"].as_str() {
                Some(ref_id) => targets.push(format!("/{root_key}/{kind}[{ref_id}]")),
                None => problems.push(format!("A {item} under {root_key}.{list} has no refId")),
            }
        }
    }
    check_error_handling(&flow["settingsErrorHandling"]["errorHandling"], &mut problems);
    if module {
        // Real module files hold their main sequence in `startUpTaskActions`, with no startUpRef.
        if flow["startUpTaskActions"].as_array().is_none_or(|actions| actions.is_empty()) {
            problems.push(
                "commonModule.startUpTaskActions is missing or empty: a module starts with its actions".to_owned(),
            );
        }
    } else {
        match flow["startUpRef"].as_str() {
            Some(reference) => check_reference(root_key, "startUpRef", reference, &targets, &mut problems),
            None => problems.push("inboundCall.startUpRef is missing".to_owned()),
        }
    }
    let mut calls = Vec::new();
    walk(flow, &mut |key, value| match key {
        // Real files leave an empty path out and mark an empty object with `none: true`; an empty
        // list or mapping in these places is refused, as Archy refuses it.
        "actions" | "outputs" | "choices" if is_empty(value) => {
            problems.push(format!("{key} is empty; leave an empty path out instead of writing an empty {key}"))
        }
        _ if key.starts_with("ver_") && is_empty(value) => problems
            .push(format!("the module version {key} is an empty mapping; write `none: true` when nothing is mapped")),
        "targetTaskRef" | "targetMenuRef" => match value.as_str() {
            Some(reference) => check_reference(root_key, key, reference, &targets, &mut problems),
            None => problems.push(format!("{key} is not a reference string")),
        },
        "callCommonModule" if module => problems.push(format!(
            "callCommonModule \"{}\": a common module cannot call another common module",
            action_name(value)
        )),
        "callCommonModule" => {
            calls.extend(value["commonModule"].as_object().into_iter().flatten().map(|(name, _)| name.clone()));
            check_module_call(value, modules, &mut problems)
        }
        "transferToAcd" | "menuTransferToAcd" => {
            if let Some(queue) = value["targetQueue"]["lit"]["name"].as_str() {
                if !queues.iter().any(|q| q.eq_ignore_ascii_case(queue)) {
                    problems.push(format!(
                        "transferToAcd \"{}\": no queue named \"{queue}\" in this org",
                        action_name(value)
                    ));
                }
            }
        }
        _ => {}
    });
    let kind = if module {
        let compatible_flow_types: Vec<String> = flow["settingsCommonModule"]["compatibleFlowTypes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|item| item["flowType"].as_str())
            .map(str::to_ascii_uppercase)
            .collect();
        if compatible_flow_types.is_empty() {
            problems.push(
                "commonModule.settingsCommonModule.compatibleFlowTypes names no flow type: no flow could call the module"
                    .to_owned(),
            );
        }
        let (input_schema, output_schema) = module_schemas(&flow["variables"], &mut problems);
        CheckedKind::CommonModule { compatible_flow_types, input_schema, output_schema }
    } else {
        calls.sort();
        calls.dedup();
        CheckedKind::InboundCall { calls }
    };
    if problems.is_empty() {
        Ok(Checked { name, description: flow["description"].as_str().unwrap_or_default().to_owned(), kind })
    } else {
        Err(problems)
    }
}

/// A module's contract as the API writes it: JSON Schemas of its `isInput` and `isOutput`
/// variables (`{type: object, properties: {Common.x: {type}}}`). Module variables are `Common.x`.
fn module_schemas(variables: &Json, problems: &mut Vec<String>) -> (Json, Json) {
    let mut inputs = serde_json::Map::new();
    let mut outputs = serde_json::Map::new();
    for item in variables.as_array().into_iter().flatten() {
        let Some((key, body)) = item.as_object().and_then(|map| map.iter().next()) else { continue };
        let Some(name) = body["name"].as_str() else { continue };
        if !name.starts_with("Common.") {
            problems.push(format!("the module variable {name} is not a Common. variable"));
            continue;
        }
        let schema = schema_type(key);
        if body["isInput"].as_bool() == Some(true) {
            inputs.insert(name.to_owned(), schema.clone());
        }
        if body["isOutput"].as_bool() == Some(true) {
            outputs.insert(name.to_owned(), schema);
        }
    }
    let object = |properties| serde_json::json!({ "type": "object", "properties": Json::Object(properties) });
    (object(inputs), object(outputs))
}

/// The JSON Schema of an Archy variable key (`stringVariable` → `{type: string}`).
fn schema_type(key: &str) -> Json {
    let (base, list) = match key.strip_suffix("CollectionVariable") {
        Some(base) => (base, true),
        None => (key.strip_suffix("Variable").unwrap_or(key), false),
    };
    let scalar = match base {
        "integer" => serde_json::json!({ "type": "integer" }),
        "decimal" => serde_json::json!({ "type": "number" }),
        "boolean" => serde_json::json!({ "type": "boolean" }),
        "date" => serde_json::json!({ "type": "string", "format": "date" }),
        "dateTime" => serde_json::json!({ "type": "string", "format": "date-time" }),
        "duration" => serde_json::json!({ "type": "string", "format": "duration" }),
        _ => serde_json::json!({ "type": "string" }),
    };
    if list {
        serde_json::json!({ "type": "array", "items": scalar })
    } else {
        scalar
    }
}

fn is_empty(value: &Json) -> bool {
    match value {
        Json::Object(map) => map.is_empty(),
        Json::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// The flow's error handling names one choice. `disconnect` (every real inbound call file) and
/// `queue` (real in-queue and chat files) are confirmed; `task` and `menu` are the Architect
/// Scripting SDK's names for jump to a reusable task or a menu, which no public file shows
/// (docs/export.md lists them as unverified). Anything else, such as `jumpToTask`, is refused.
fn check_error_handling(handling: &Json, problems: &mut Vec<String>) {
    let Some(map) = handling.as_object() else { return };
    for (choice, body) in map {
        match choice.as_str() {
            "disconnect" => {}
            "queue" if body["targetQueue"].is_object() => {}
            "task" if body["targetTaskRef"].is_string() => {}
            "menu" if body["targetMenuRef"].is_string() => {}
            "queue" | "task" | "menu" => {
                problems.push(format!("settingsErrorHandling.errorHandling.{choice} has no target"))
            }
            other => problems.push(format!(
                "settingsErrorHandling.errorHandling.{other} is not an error handling choice (disconnect, queue, task or menu)"
            )),
        }
    }
}

fn action_name(action: &Json) -> &str {
    action["name"].as_str().unwrap_or("(unnamed)")
}

fn check_reference(root_key: &str, key: &str, reference: &str, targets: &[String], problems: &mut Vec<String>) {
    let absolute = match reference.strip_prefix("./") {
        Some(relative) => format!("/{root_key}/{relative}"),
        None => reference.to_owned(),
    };
    if !targets.contains(&absolute) {
        problems.push(format!("{key} \"{reference}\" does not resolve to any task or menu refId in the file"));
    }
}

fn check_module_call(call: &Json, modules: &[ModuleContract<'_>], problems: &mut Vec<String>) {
    let action = action_name(call);
    let Some(called) = call["commonModule"].as_object() else {
        problems.push(format!("callCommonModule \"{action}\" has no commonModule mapping"));
        return;
    };
    for (module_name, versions) in called {
        let Some(module) = modules.iter().find(|m| m.name.eq_ignore_ascii_case(module_name)) else {
            problems.push(format!(
                "callCommonModule \"{action}\": no common module named \"{module_name}\" exists in this org"
            ));
            continue;
        };
        let Some(published) = module.published_version() else {
            problems.push(format!(
                "callCommonModule \"{action}\": the common module \"{module_name}\" has no published version; publish it first"
            ));
            continue;
        };
        if !module.compatible_flow_types.iter().any(|t| t.eq_ignore_ascii_case("INBOUNDCALL")) {
            problems.push(format!(
                "callCommonModule \"{action}\": \"{module_name}\" is not compatible with inbound call flows (it is for {})",
                module.compatible_flow_types.join(", ")
            ));
            continue;
        }
        for (selector, mapping) in versions.as_object().into_iter().flatten() {
            let version = selector.strip_prefix("ver_").unwrap_or(selector);
            if version != "latestPublished" && !module.versions.iter().any(|v| v == version) {
                problems.push(format!(
                    "callCommonModule \"{action}\": \"{module_name}\" has no version {version} (latest published is {published})"
                ));
            }
            let declared = &module.inputs;
            let given: Vec<&str> =
                mapping["inputs"].as_object().into_iter().flatten().map(|(k, _)| k.as_str()).collect();
            for input in &given {
                if !declared.contains(input) {
                    problems.push(format!("callCommonModule \"{action}\": \"{module_name}\" has no input {input}"));
                }
            }
            for required in &module.required_inputs {
                if !given.contains(required) {
                    problems.push(format!(
                        "callCommonModule \"{action}\": the required input {required} of \"{module_name}\" is not set"
                    ));
                }
            }
            let outputs = &module.outputs;
            for output in mapping["outputs"].as_object().into_iter().flatten().map(|(k, _)| k.as_str()) {
                if !outputs.contains(&output) {
                    problems.push(format!("callCommonModule \"{action}\": \"{module_name}\" has no output {output}"));
                }
            }
        }
    }
}

/// Visits every key/value pair of every mapping, depth first, with an explicit stack.
fn walk(root: &Json, visit: &mut impl FnMut(&str, &Json)) {
    let mut stack = vec![root];
    while let Some(value) = stack.pop() {
        match value {
            Json::Object(map) => {
                for (key, child) in map {
                    visit(key, child);
                    stack.push(child);
                }
            }
            Json::Array(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
}
