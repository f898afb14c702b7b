//! Golden exports for every template and export fixture, YAML that parses back with every reference
//! resolved, lossless JSON round trips, execution requests, and the committed JSON Schema.
//!
//! `UPDATE_GOLDEN=1 cargo test -p callflow-core --test exports` rewrites the goldens.

mod support;

use std::path::{Path, PathBuf};

use callflow_core::export;
use callflow_core::Document;
use indexmap::IndexMap;
use serde_norway::Value;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.flow.json` that must export: the bundled templates and the export fixtures.
fn exportable_documents() -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    for dir in [repo_root().join("public/templates"), support::fixtures_dir().join("export")] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if let Some(stem) = name.strip_suffix(".flow.json") {
                found.push((stem.to_owned(), path));
            }
        }
    }
    found.sort();
    assert!(found.len() >= 6, "expected the templates and export fixtures, found {found:?}");
    found
}

fn load(path: &Path) -> Document {
    let text = std::fs::read_to_string(path).unwrap();
    callflow_core::parse(&text).unwrap_or_else(|finding| panic!("{}: {}", path.display(), finding.to_text()))
}

fn compare_golden(name: &str, extension: &str, actual: &str, failures: &mut Vec<String>) {
    let path = support::fixtures_dir().join("export/golden").join(format!("{name}.{extension}"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    match std::fs::read_to_string(&path) {
        Ok(expected) if expected == actual => {}
        Ok(expected) => failures.push(format!("{} differs:\n{}", path.display(), first_difference(&expected, actual))),
        Err(_) => failures.push(format!("{} is missing (UPDATE_GOLDEN=1 writes it)", path.display())),
    }
}

fn first_difference(expected: &str, actual: &str) -> String {
    for (number, (e, a)) in expected.lines().zip(actual.lines()).enumerate() {
        if e != a {
            return format!("  line {}: expected {e:?}\n  line {}:   actual {a:?}", number + 1, number + 1);
        }
    }
    format!("  lengths differ: {} vs {} lines", expected.lines().count(), actual.lines().count())
}

#[test]
fn golden_exports() {
    let mut failures = Vec::new();
    for (name, path) in exportable_documents() {
        let document = load(&path);
        let archy = export::archy(&document).unwrap_or_else(|blocked| panic!("{name} is blocked: {blocked:?}"));
        compare_golden(&name, "archy.yaml", &archy.yaml, &mut failures);
        let terraform = export::terraform(&document).unwrap();
        compare_golden(&name, "tf", &terraform.hcl, &mut failures);
        compare_golden(&name, "normalized.json", &export::normalized_json(&document), &mut failures);
    }
    // Each project template: its Terraform (modules first, callers depending on them) and the Archy
    // YAML of every flow and module, as the files beside it.
    for entry in std::fs::read_dir(repo_root().join("public/templates")).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(stem) = file.strip_suffix(".project.json") else { continue };
        let project = callflow_core::parse_project(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let terraform = export::project_terraform(&project).unwrap_or_else(|b| panic!("{stem}: {b:?}"));
        compare_golden(&format!("{stem}.project"), "tf", &terraform.hcl, &mut failures);
        for (yaml_file, yaml) in &terraform.files {
            compare_golden(&format!("{stem}.project"), &yaml_file.replace(".yaml", ".archy.yaml"), yaml, &mut failures);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Collects every refId and every reference (startUpRef, targetTaskRef, targetMenuRef) of the YAML.
fn references(value: &Value, ids: &mut Vec<String>, refs: &mut Vec<String>, parent: Option<&str>) {
    match value {
        Value::Mapping(mapping) => {
            for (key, inner) in mapping {
                let key = key.as_str().unwrap_or_default();
                match (key, inner) {
                    ("refId", Value::String(id)) => {
                        let kind = if parent == Some("menu") { "menus/menu" } else { "tasks/task" };
                        ids.push(format!("/inboundCall/{kind}[{id}]"));
                    }
                    ("startUpRef" | "targetTaskRef" | "targetMenuRef", Value::String(target)) => {
                        refs.push(target.clone())
                    }
                    _ => references(inner, ids, refs, Some(key)),
                }
            }
        }
        Value::Sequence(items) => items.iter().for_each(|item| references(item, ids, refs, parent)),
        _ => {}
    }
}

fn assert_yaml_is_whole(name: &str, yaml: &str) {
    let value: Value = serde_norway::from_str(yaml).unwrap_or_else(|e| panic!("{name}: YAML does not parse: {e}"));
    let mut ids = Vec::new();
    let mut refs = Vec::new();
    references(&value, &mut ids, &mut refs, None);
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "{name}: duplicate refIds in {ids:?}");
    for reference in &refs {
        assert!(ids.contains(reference), "{name}: {reference} resolves to nothing; refIds: {ids:?}");
    }
    if let Some(module) = value.get("commonModule") {
        // A module's main sequence is `startUpTaskActions`, as real module files hold it.
        assert!(module.get("startUpRef").is_none(), "{name}: a module has no startUpRef");
        let actions = module.get("startUpTaskActions").and_then(Value::as_sequence);
        assert!(actions.is_some_and(|a| !a.is_empty()), "{name}: no startUpTaskActions");
        return;
    }
    let start = value["inboundCall"]["startUpRef"].as_str().unwrap_or_else(|| panic!("{name}: no startUpRef"));
    assert!(refs.iter().any(|r| r == start), "{name}: startUpRef is not among the references");
    let flow = value.get("inboundCall").unwrap_or_else(|| panic!("{name}: no inboundCall"));
    assert!(flow.get("tasks").is_some_and(Value::is_sequence), "{name}: no tasks");
}

#[test]
fn every_yaml_parses_back_and_every_reference_resolves() {
    for (name, path) in exportable_documents() {
        let archy = export::archy(&load(&path)).unwrap();
        assert_yaml_is_whole(&name, &archy.yaml);
    }
    // Large generated flows too: many shared nodes, loops and long chains.
    for size in [50, 500, 2_000] {
        let document = callflow_core::testing::large_flow(size);
        let archy = export::archy(&document).unwrap();
        assert_yaml_is_whole(&format!("generated {size}"), &archy.yaml);
    }
}

#[test]
fn seed_002_calls_the_module_by_name_with_common_variables() {
    let document = load(&repo_root().join("public/templates/seed-002-verify-then-queue.flow.json"));
    let yaml = export::archy(&document).unwrap().yaml;
    let value: Value = serde_norway::from_str(&yaml).unwrap();
    let call = &value["inboundCall"]["tasks"][0]["task"]["actions"][0]["callCommonModule"];
    let version = &call["commonModule"]["Verify Caller"]["ver_latestPublished"];
    assert_eq!(version["inputs"]["Common.callerId"]["exp"].as_str(), Some("Call.Ani"));
    assert_eq!(version["outputs"]["Common.verified"]["var"].as_str(), Some("Flow.verified"));
    // The module's error path hangs up: the flow's error handling is the confirmed disconnect form,
    // and the hang-up node needs no task of its own.
    let handling = &value["inboundCall"]["settingsErrorHandling"]["errorHandling"];
    assert_eq!(handling["disconnect"]["none"].as_bool(), Some(true), "{yaml}");
    assert!(!yaml.contains("task_bye"), "{yaml}");
}

/// The error path's target decides the error handling: a hang-up and a plain queue transfer use
/// the forms real files show; anything else jumps to a task, with a note that the key is unverified.
#[test]
fn error_handling_prefers_the_confirmed_forms() {
    let base = load(&repo_root().join("public/templates/seed-002-verify-then-queue.flow.json"));
    let handling = |document: &Document| {
        let archy = export::archy(document).unwrap();
        let value: Value = serde_norway::from_str(&archy.yaml).unwrap();
        (value["inboundCall"]["settingsErrorHandling"]["errorHandling"].clone(), archy.notes)
    };
    let (disconnect, notes) = handling(&base);
    assert_eq!(serde_norway::to_string(&disconnect).unwrap(), "disconnect:\n  none: true\n");
    assert!(notes.is_empty(), "{notes:?}");

    // The error edge to the queue transfer: `queue` with the queue's name.
    let mut queue = base.clone();
    let error_edge = queue.flow.edges.iter().position(|e| e.port.as_deref() == Some("error")).unwrap();
    queue.flow.edges[error_edge].to = "queue".to_owned();
    let (queue_handling, _) = handling(&queue);
    assert_eq!(queue_handling["queue"]["targetQueue"]["lit"]["name"].as_str(), Some("Support"));

    // To a prompt, then the hang-up: a task, and a note that says the key is not confirmed.
    let mut play = base.clone();
    play.flow.nodes.push(callflow_core::document::Node {
        body: callflow_core::document::NodeBody::Play { prompt: "Sorry.".to_owned() },
        ..callflow_core::document::Node::new("sorry", callflow_core::document::NodeKind::Play, 0.0, 0.0)
    });
    play.flow.edges[error_edge].to = "sorry".to_owned();
    play.flow.edges.push(callflow_core::document::Edge::new("sorry", None, "bye"));
    let (task, notes) = handling(&play);
    assert_eq!(task["task"]["targetTaskRef"].as_str(), Some("/inboundCall/tasks/task[task_sorry]"));
    assert!(notes.iter().any(|n| n.contains("errorHandling.task")), "{notes:?}");
}

/// Real files leave an empty path out (and `outputs` when no path is left), never write an empty
/// action list, and always have an initial greeting.
#[test]
fn exports_have_the_shapes_of_real_files() {
    fn visit(value: &Value, path: &str, problems: &mut Vec<String>) {
        match value {
            Value::Mapping(map) => {
                for (key, child) in map {
                    let key = key.as_str().unwrap_or("?");
                    let here = format!("{path}/{key}");
                    let empty = match child {
                        Value::Mapping(inner) => inner.is_empty(),
                        Value::Sequence(items) => items.is_empty(),
                        _ => false,
                    };
                    if empty && (matches!(key, "outputs" | "actions" | "choices") || key.starts_with("ver_")) {
                        problems.push(here.clone());
                    }
                    visit(child, &here, problems);
                }
            }
            Value::Sequence(items) => items.iter().for_each(|item| visit(item, path, problems)),
            _ => {}
        }
    }
    for (name, path) in exportable_documents() {
        let yaml = export::archy(&load(&path)).unwrap().yaml;
        let value: Value = serde_norway::from_str(&yaml).unwrap();
        let mut problems = Vec::new();
        visit(&value, "", &mut problems);
        assert!(problems.is_empty(), "{name}: empty {problems:?}");
        if value.get("commonModule").is_none() {
            assert!(value["inboundCall"]["initialGreeting"].is_mapping(), "{name} has no initialGreeting");
        }
    }
}

#[test]
fn the_division_is_written_only_when_the_flow_names_one() {
    let mut document = load(&repo_root().join("public/templates/seed-002-verify-then-queue.flow.json"));
    assert!(document.flow.division.is_empty());
    let archy = export::archy(&document).unwrap();
    assert!(!archy.yaml.contains("division"), "{}", archy.yaml);
    document.flow.division = "Home".to_owned();
    let archy = export::archy(&document).unwrap();
    assert!(archy.yaml.contains("\n  division: Home\n"));
    assert!(archy.notes.iter().any(|n| n.contains("New Home")), "{:?}", archy.notes);
    document.flow.division = "Support EMEA".to_owned();
    let archy = export::archy(&document).unwrap();
    assert!(archy.yaml.contains("\n  division: Support EMEA\n") && archy.notes.is_empty());
}

#[test]
fn a_shared_node_becomes_a_task_entered_by_jump() {
    let document = load(&support::fixtures_dir().join("export/retry-loop.flow.json"));
    let yaml = export::archy(&document).unwrap().yaml;
    assert_eq!(yaml.matches("targetTaskRef: /inboundCall/tasks/task[task_lookup]").count(), 2, "{yaml}");
    assert_eq!(yaml.matches("refId: task_lookup").count(), 1);
}

#[test]
fn exports_are_blocked_with_the_findings_while_errors_exist() {
    let mut document = load(&repo_root().join("public/templates/seed-002-verify-then-queue.flow.json"));
    document.flow.nodes[1].body.set_text(callflow_core::document::FieldId::Module, "Nope".to_owned());
    let blocked = export::archy(&document).unwrap_err();
    assert!(blocked.diagnostics.iter().any(|d| d.code.as_str() == "unknown-module"));
    assert!(export::terraform(&document).is_err());
    // The normalised document is the user's work: never blocked.
    assert!(export::normalized_json(&document).contains("\"Nope\""));
}

#[test]
fn terraform_wraps_the_yaml_file() {
    let document = load(&repo_root().join("public/templates/seed-002-verify-then-queue.flow.json"));
    let terraform = export::terraform(&document).unwrap();
    assert_eq!(terraform.yaml_file_name, "inbound_support.yaml");
    assert!(terraform.hcl.contains("resource \"genesyscloud_flow\" \"inbound_support\" {"));
    assert!(terraform.hcl.contains("filepath = \"${path.module}/inbound_support.yaml\""));
    assert!(terraform.hcl.contains("source  = \"mypurecloud/genesyscloud\""));
    assert!(terraform.hcl.contains("version = \">= 1.68.5\""));
    assert_eq!(terraform.yaml, export::archy(&document).unwrap().yaml);

    // Every attribute the resource block sets is one the provider's schema lets a configuration
    // set, and every required one is set (file_content_hash is read-only from 1.68.5 on).
    let block = terraform.hcl.split("resource \"genesyscloud_flow\"").nth(1).unwrap();
    let set: Vec<&str> = block
        .lines()
        .filter_map(|line| line.split_once('=').map(|(name, _)| name.trim()))
        .filter(|name| !name.is_empty() && !name.starts_with('#'))
        .collect();
    for name in &set {
        assert!(
            export::FLOW_RESOURCE_ATTRIBUTES.iter().any(|(attribute, _)| attribute == name),
            "genesyscloud_flow has no settable attribute {name}"
        );
    }
    for (attribute, required) in export::FLOW_RESOURCE_ATTRIBUTES {
        assert!(!required || set.contains(attribute), "the required {attribute} is not set");
    }
    assert!(!terraform.hcl.contains("file_content_hash ="));
}

#[test]
fn json_round_trip_is_lossless() {
    for (name, path) in exportable_documents() {
        let document = load(&path);
        let again = callflow_core::parse(&document.to_json()).unwrap();
        assert_eq!(again, document, "{name}");
        assert_eq!(again.to_json(), document.to_json(), "{name}");
    }
}

fn demo_document() -> Document {
    let catalog: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo_root().join("public/catalog/demo-catalog.json")).unwrap())
            .unwrap();
    let mut document = load(&repo_root().join("public/templates/seed-002-verify-then-queue.flow.json"));
    document.modules = serde_json::from_value(catalog["modules"].clone()).unwrap();
    document
}

#[test]
fn execution_request_is_typed_per_the_input_schema() {
    let document = demo_document();
    let mut values = IndexMap::new();
    values.insert("customerId".to_owned(), "C-123".to_owned());
    values.insert("Flow.attempts".to_owned(), "3".to_owned());
    values.insert("Flow.dates".to_owned(), "[\"2025-06-01\"]".to_owned());
    let request =
        export::execution_request(&document, "Customer Callback Workflow", &values, Some("2.0"), Some("test run"))
            .unwrap();
    assert_eq!(
        request,
        serde_json::json!({
            "flowId": "8824ba71-1f0e-4d3c-9b2a-7c6d5e4f3a21",
            "flowVersion": "2.0",
            "inputData": { "Flow.customerId": "C-123", "Flow.attempts": 3, "Flow.dates": ["2025-06-01"] },
            "name": "test run"
        })
    );
    // Keys keep the request's field names: never `inputs`.
    assert!(request.get("inputs").is_none());
}

#[test]
fn execution_request_errors_say_what_is_wrong() {
    let document = demo_document();
    let none = IndexMap::new();
    let error = export::execution_request(&document, "Customer Callback Workflow", &none, None, None).unwrap_err();
    assert_eq!(error.to_string(), "required input(s) without a value: Flow.customerId");
    let error = export::execution_request(&document, "Verify Caller", &none, None, None).unwrap_err();
    assert!(error.to_string().contains("is a common module"), "{error}");
    let mut bad = IndexMap::new();
    bad.insert("Flow.customerId".to_owned(), "x".to_owned());
    bad.insert("Flow.attempts".to_owned(), "three".to_owned());
    let error = export::execution_request(&document, "Customer Callback Workflow", &bad, None, None).unwrap_err();
    assert_eq!(error.to_string(), "Flow.attempts is an integer: \"three\" is not a whole number");
    let example = export::execution_example(&document, "Customer Callback Workflow").unwrap();
    assert_eq!(example["inputData"]["Flow.attempts"], serde_json::json!(0));
}

#[test]
fn committed_schemas_are_current() {
    for (file, generated) in [
        ("flow-v1.json", callflow_core::schema::flow_v1_schema()),
        ("project-v1.json", callflow_core::schema::project_v1_schema()),
    ] {
        let path = repo_root().join("public/schema").join(file);
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(committed == generated, "public/schema/{file} is stale: run `cargo xtask schema`");
    }
}

#[test]
fn generated_flows_are_valid_at_every_size() {
    for size in [11, 100, 1_000, 10_000] {
        let document = callflow_core::testing::large_flow(size);
        let findings = callflow_core::validate(&document);
        assert!(findings.is_empty(), "size {size}: {:?}", &findings[..findings.len().min(3)]);
        assert!(document.flow.nodes.len() >= size * 9 / 10, "size {size}: {}", document.flow.nodes.len());
    }
}

/// The wire format did not move when the model got typed bodies: every committed normalized document
/// (templates, goldens, check bases) reads and writes back byte for byte, and every check fixture's
/// document survives serialize → parse unchanged.
#[test]
fn committed_documents_round_trip_byte_for_byte() {
    let root = repo_root();
    let core = root.join("crates/callflow-core/tests/fixtures");
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in [root.join("public/templates"), core.join("export/golden"), core.join("check/base")] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".flow.json") || name.ends_with(".normalized.json") {
                files.push(path);
            }
        }
    }
    assert!(files.len() >= 10, "too few documents found: {files:?}");
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let document = callflow_core::parse(&text).unwrap_or_else(|f| panic!("{}: {}", path.display(), f.message));
        assert_eq!(document.to_json(), text, "{} does not round-trip byte for byte", path.display());
        // The compact form the app stores reads back as the same document.
        let compact = document.to_compact_json();
        assert!(compact.len() < text.len() && !compact.contains('\n'), "{}", path.display());
        assert_eq!(callflow_core::parse(&compact).unwrap(), document, "{}: compact form", path.display());
    }
    for entry in std::fs::read_dir(core.join("export")).unwrap() {
        let path = entry.unwrap().path();
        if path.to_string_lossy().ends_with(".flow.json") {
            let document = load(&path);
            assert_eq!(callflow_core::parse(&document.to_json()).unwrap(), document, "{}", path.display());
        }
    }
    // Projects too: the template and the check bases.
    let projects: Vec<PathBuf> = [root.join("public/templates"), core.join("check/base")]
        .iter()
        .flat_map(|dir| std::fs::read_dir(dir).unwrap())
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.to_string_lossy().ends_with(".project.json"))
        .collect();
    assert!(projects.len() >= 2, "too few projects found: {projects:?}");
    for path in &projects {
        let text = std::fs::read_to_string(path).unwrap();
        let project =
            callflow_core::parse_project(&text).unwrap_or_else(|f| panic!("{}: {}", path.display(), f.message));
        assert_eq!(project.to_json(), text, "{} does not round-trip byte for byte", path.display());
        assert_eq!(callflow_core::parse_project(&project.to_compact_json()).unwrap(), project, "{}", path.display());
    }
}

/// A flow document opens as a one-flow project, unchanged; a bad flow in a project is refused
/// with the flow's place in the file.
#[test]
fn a_flow_document_is_a_one_flow_project() {
    let path = repo_root().join("public/templates/seed-002-verify-then-queue.flow.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let project = callflow_core::parse_project(&text).unwrap();
    let document = load(&path);
    assert_eq!(project.flows, vec![document.flow.clone()]);
    assert_eq!((project.modules.clone(), project.queues.clone()), (document.modules.clone(), document.queues.clone()));
    assert_eq!(project.document(0).unwrap(), document);
    let workshop = repo_root().join("public/templates/verify-caller-workshop.project.json");
    let mut value: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(workshop).unwrap()).unwrap();
    value["flows"][1]["nodes"][2]["kind"] = serde_json::json!("teleport");
    let finding = callflow_core::parse_project(&value.to_string()).unwrap_err();
    assert_eq!(finding.code.as_str(), "invalid-document");
    assert_eq!(finding.field.as_deref(), Some("flows[1].nodes[2].kind"), "{}", finding.message);
}

/// A drawn menu choice straight to a hang-up or to a plain queue transfer is written as the menu's
/// own choice kind (`menuDisconnect`, `menuTransferToAcd`), as Architect's exports write them.
#[test]
fn menu_choices_use_the_real_choice_kinds() {
    use callflow_core::document::{Edge, MenuChoice, NodeBody};
    let mut document = load(&repo_root().join("public/templates/business-hours-menu.flow.json"));
    // Billing's transfer loses its failure path; a new choice 9 hangs up.
    document.flow.edges.retain(|e| !(e.from == "toBilling" && e.port.as_deref() == Some("failure")));
    let menu = document.flow.nodes.iter_mut().find(|n| n.id == "main").unwrap();
    if let NodeBody::Menu { choices, .. } = &mut menu.body {
        choices.push(MenuChoice { digit: "9".into(), label: "Hang up".into(), archy: None });
    }
    document.flow.edges.push(Edge::new("main", Some("digit_9"), "bye"));
    let archy = export::archy(&document).unwrap();
    let value: Value = serde_norway::from_str(&archy.yaml).unwrap();
    let choices = value["inboundCall"]["menus"][0]["menu"]["choices"].as_sequence().unwrap();
    let billing = &choices[1]["menuTransferToAcd"];
    assert_eq!(billing["dtmf"].as_str(), Some("digit_2"));
    assert_eq!(billing["targetQueue"]["lit"]["name"].as_str(), Some("Billing"));
    assert_eq!(choices[3]["menuDisconnect"]["dtmf"].as_str(), Some("digit_9"));
    assert!(!archy.notes.iter().any(|n| n.contains("left out")), "{:?}", archy.notes);
    assert_yaml_is_whole("menu choice kinds", &archy.yaml);
}

/// "Make a task starting here": the account lookup of the business-hours menu becomes a task the
/// menu choice jumps to; one command, and its inverse puts the flow back.
#[test]
fn a_node_group_becomes_a_task() {
    let mut document = load(&repo_root().join("public/templates/business-hours-menu.flow.json"));
    let before = document.clone();
    let command = callflow_core::command::make_task(&document, "account", "Account lookup").unwrap();
    let inverse = callflow_core::apply(&mut document, &command).unwrap();
    assert!(callflow_core::validate(&document).iter().all(|d| !d.is_error()));
    let yaml = export::archy(&document).unwrap().yaml;
    let value: Value = serde_norway::from_str(&yaml).unwrap();
    let tasks = value["inboundCall"]["tasks"].as_sequence().unwrap();
    let task = tasks.iter().find(|t| t["task"]["name"].as_str() == Some("Account lookup")).unwrap();
    assert!(task["task"]["actions"][0]["collectInput"].is_mapping(), "{yaml}");
    let choice = &value["inboundCall"]["menus"][0]["menu"]["choices"][0];
    assert_eq!(choice["menuJumpToTask"]["targetTaskRef"].as_str(), Some("/inboundCall/tasks/task[task_account]"));
    callflow_core::apply(&mut document, &inverse).unwrap();
    assert_eq!(document, before);
    assert!(callflow_core::command::make_task(&document, "start", "x").is_none());
}

/// A drawn node whose Archy shape no public file confirms is named in the export's notes, once per
/// shape; the confirmed ones are not.
#[test]
fn unverified_shapes_are_named_in_the_notes() {
    let document = load(&repo_root().join("crates/callflow-core/tests/fixtures/export/steps.flow.json"));
    let notes = export::archy(&document).unwrap().notes;
    let named: Vec<&str> = notes
        .iter()
        .filter(|n| n.contains("no public Architect file confirms"))
        .map(|n| n.split(':').next().unwrap_or_default())
        .collect();
    assert_eq!(
        named,
        [
            "setLanguage with language",
            "transferToNumber with targetNumber",
            "transferToUser with targetUser",
            "transferToVoicemail to a user's voicemail",
            "wait in an inbound call flow (real files have it in workflows)",
        ],
        "{notes:#?}"
    );
}
