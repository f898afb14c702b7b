//! Archy import: every fixture in `tests/fixtures/import` (hand-written in the shapes of real
//! Architect exports) imports, checks without errors, and exports back to the same data; edits
//! change only what they touch; bad input is refused with what and where.

mod support;

use callflow_core::document::{FieldId, NodeBody};
use callflow_core::import::{import_archy, parse_yaml};
use callflow_core::{export, validate};
use serde_json::Value as Json;

fn fixtures() -> Vec<(String, String)> {
    let dir = support::fixtures_dir().join("import");
    let mut found: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .map(|path| (path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&path).unwrap()))
        .collect();
    found.sort();
    assert!(found.len() >= 2, "{found:?}");
    found
}

/// The exported YAML, read by a plain YAML parser (its tokens are quoted, so it is plain YAML).
fn exported(document: &callflow_core::Document) -> Json {
    let yaml = export::archy(document).unwrap_or_else(|blocked| panic!("blocked: {:?}", blocked.diagnostics)).yaml;
    serde_norway::from_str(&yaml).unwrap_or_else(|e| panic!("the export does not parse: {e}\n{yaml}"))
}

#[test]
fn every_fixture_round_trips_to_the_same_data() {
    for (name, text) in fixtures() {
        let imported = import_archy(&text).unwrap_or_else(|f| panic!("{name}: {}", f.to_text()));
        let errors: Vec<String> =
            validate(&imported.document).into_iter().filter(|d| d.is_error()).map(|d| d.to_text()).collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        let original = parse_yaml(&text).unwrap();
        let again = exported(&imported.document);
        assert_eq!(again, original, "{name}: the export differs from the file");
        // And through the flow document's JSON, as the app and the CLI store it.
        let reloaded = callflow_core::parse(&imported.document.to_json()).unwrap();
        assert_eq!(reloaded, imported.document, "{name}: the document does not survive its JSON");
    }
}

#[test]
fn substitution_tokens_stay_text() {
    let (_, text) = fixtures().into_iter().find(|(name, _)| name == "substitutions.yaml").unwrap();
    let imported = import_archy(&text).unwrap();
    assert_eq!(imported.document.flow.name, "{{flow_name}}");
    assert_eq!(imported.document.flow.initial_greeting.as_deref(), Some("Welcome to {{company}}."));
    let yaml = export::archy(&imported.document).unwrap().yaml;
    assert!(yaml.contains("\"{{data_action_category}}\":"), "{yaml}");
    assert!(yaml.contains("name: \"{{flow_name}}\""), "{yaml}");
}

#[test]
fn an_edit_changes_only_what_it_touches() {
    let (_, text) = fixtures().into_iter().find(|(name, _)| name == "business-hours-ivr.yaml").unwrap();
    let mut document = import_archy(&text).unwrap().document;
    let node = document.flow.nodes.iter_mut().find(|n| n.label == "Emergency notice").unwrap();
    node.body = NodeBody::Play { prompt: "We are closed today.".to_owned() };
    let mut expected = parse_yaml(&text).unwrap();
    let audio = &mut expected["inboundCall"]["tasks"][0]["task"]["actions"][0]["evaluateScheduleGroup"]["outputs"]
        ["emergency"]["actions"][0]["playAudio"]["audio"]["tts"];
    assert_eq!(audio.as_str(), Some("We are closed due to an emergency."));
    *audio = Json::String("We are closed today.".to_owned());
    assert_eq!(exported(&document), expected);
}

#[test]
fn the_graph_is_what_the_yaml_says() {
    let (_, text) = fixtures().into_iter().find(|(name, _)| name == "business-hours-ivr.yaml").unwrap();
    let imported = import_archy(&text).unwrap();
    let document = &imported.document;
    let kinds = |kind: &str| document.flow.nodes.iter().filter(|n| n.kind().as_str() == kind).count();
    assert_eq!((kinds("task"), kinds("menu"), kinds("jumpToMenu")), (2, 1, 2));
    // The schedule group, the voicemail transfer, the lookup and the collect input (into the
    // variable its task declares) are the designer's kinds; kept as written: the play whose audio
    // is an expression.
    assert_eq!(
        (kinds("scheduleGroup"), kinds("transferToVoicemail"), kinds("dataTableLookup"), kinds("collectInput")),
        (1, 1, 1, 1)
    );
    let kept: Vec<&str> = document
        .flow
        .nodes
        .iter()
        .filter_map(|n| match &n.body {
            NodeBody::Archy(action) => Some(action.action.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(kept, ["playAudio"]);
    // The decision's missing "no" path goes on with the jump after it, as Archy does.
    let decision = document.flow.nodes.iter().find(|n| n.label == "Known caller?").unwrap();
    let no = document.flow.edges.iter().find(|e| e.from == decision.id && e.port.as_deref() == Some("no")).unwrap();
    let target = document.flow.nodes.iter().find(|n| n.id == no.to).unwrap();
    assert_eq!(target.label, "Go to main menu");
    // Queues named by the flow become the catalog; the three menu choices without a path need none.
    let queues: Vec<&str> = document.queues.iter().map(|q| q.name.as_str()).collect();
    assert_eq!(queues, ["Billing", "Accounts"]);
}

#[test]
fn the_other_actions_are_the_designers_kinds() {
    let (_, text) = fixtures().into_iter().find(|(name, _)| name == "more-actions.yaml").unwrap();
    let document = import_archy(&text).unwrap().document;
    let kinds: Vec<&str> = document.flow.nodes.iter().map(|n| n.kind().as_str()).collect();
    for kind in ["setParticipantData", "schedule", "loop", "dataTableLookup", "screenPop", "wait", "switch"] {
        assert!(kinds.contains(&kind), "{kind} is not among {kinds:?}");
    }
    assert!(!kinds.contains(&"archy"), "an action was kept as written: {kinds:?}");
    let voicemail = document.flow.nodes.iter().find(|n| n.kind().as_str() == "transferToVoicemail").unwrap();
    assert_eq!(voicemail.body.text(FieldId::User), Some("Ana Diaz"));
    assert_eq!(voicemail.body.text(FieldId::Queue), Some(""));
}

#[test]
fn bad_input_is_refused_with_what_and_where() {
    let broken = "inboundCall:\n  name: X\n  tasks:\n    - task: [unclosed\n";
    let finding = import_archy(broken).unwrap_err();
    assert_eq!(finding.code.as_str(), "invalid-document");
    assert!(finding.message.contains("line 5") || finding.message.contains("line 4"), "{}", finding.message);
    let module = import_archy("commonModule:\n  name: Verify\n").unwrap_err();
    assert!(module.message.contains("common module (`commonModule`)"), "{}", module.message);
    let other = import_archy("flow:\n  name: X\n").unwrap_err();
    assert!(other.message.contains("top-level key is flow"), "{}", other.message);
    assert!(import_archy("").is_err());
    assert!(import_archy("- a\n- b\n").is_err());
    let nameless = import_archy("inboundCall:\n  defaultLanguage: en-us\n").unwrap_err();
    assert!(nameless.message.contains("no name"), "{}", nameless.message);
}

/// The designer's import worker: one answer per request, with the request's id.
#[test]
fn the_worker_answers_imports_and_key_checks() {
    let (_, text) = fixtures().into_iter().find(|(name, _)| name == "substitutions.yaml").unwrap();
    let request = serde_json::json!({ "id": 7, "import": text }).to_string();
    let answer: Json = serde_json::from_str(&callflow_core::import::worker_answer(&request)).unwrap();
    assert_eq!(answer["id"], 7);
    let document = callflow_core::parse(answer["document"].as_str().unwrap()).unwrap();
    assert_eq!(document.flow.name, "{{flow_name}}");
    let broken = serde_json::json!({ "id": 8, "import": "inboundCall: [oops\n" }).to_string();
    let answer: Json = serde_json::from_str(&callflow_core::import::worker_answer(&broken)).unwrap();
    assert!(answer["error"].as_str().unwrap().contains("line 2"), "{answer}");
    let keys = serde_json::json!({ "id": 9, "keys": "name: Jump\ntargetTaskRef: ./tasks/task[a]\n" }).to_string();
    let answer: Json = serde_json::from_str(&callflow_core::import::worker_answer(&keys)).unwrap();
    assert_eq!(answer["keys"]["name"], "Jump");
    let list = serde_json::json!({ "id": 10, "keys": "- a\n" }).to_string();
    let answer: Json = serde_json::from_str(&callflow_core::import::worker_answer(&list)).unwrap();
    assert!(answer["error"].as_str().unwrap().contains("mapping"));
}
