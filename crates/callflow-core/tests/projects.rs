//! Projects in the core: editing the set of flows keeps callers wired and names unique; the deploy
//! record drives impact and stale callers.

use std::path::Path;

use callflow_core::document::FlowType;
use callflow_core::project::{impact, stale_callers};
use callflow_core::{parse_project, validate_project, NodeBody, Project};

fn workshop() -> Project {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../public/templates/verify-caller-workshop.project.json");
    parse_project(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn called_modules(project: &Project) -> Vec<String> {
    project
        .flows
        .iter()
        .flat_map(|f| &f.nodes)
        .filter_map(|n| match &n.body {
            NodeBody::Invoke(call) => Some(call.module.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn renaming_a_module_renames_its_calls() {
    let mut project = workshop();
    let module = project.flow_index("Verify Caller").unwrap();
    project.rename_flow(module, "Verify Customer").unwrap();
    assert_eq!(called_modules(&project), ["Verify Customer", "Verify Customer"]);
    assert!(!validate_project(&project).iter().any(|d| d.is_error()));
    assert_eq!(
        project.rename_flow(module, "support line").unwrap_err(),
        "the project already has a flow called \"support line\""
    );
    assert!(project.rename_flow(module, "  ").is_err());
}

#[test]
fn adding_duplicating_and_removing_flows() {
    let mut project = workshop();
    let added = project.add_flow(FlowType::Commonmodule);
    let again = project.add_flow(FlowType::Commonmodule);
    assert_eq!(
        (project.flows[added].name.as_str(), project.flows[again].name.as_str()),
        ("New common module", "New common module 2")
    );
    // A new module is whole: it starts, ends, and is compatible with inbound call flows.
    let findings: Vec<String> =
        validate_project(&project).iter().filter(|d| d.is_error()).map(|d| d.to_text()).collect();
    assert!(findings.is_empty(), "{findings:#?}");
    let copy = project.duplicate_flow(0).unwrap();
    assert_eq!(project.flows[copy].name, "Support Line (copy)");
    let mut single = Project::from_document(callflow_core::Document::empty("Only"));
    assert!(single.remove_flow(0).is_err());
    assert_eq!(project.remove_flow(copy).unwrap().name, "Support Line (copy)");
}

#[test]
fn a_new_module_version_makes_its_callers_stale() {
    let mut project = workshop();
    for (flow, version) in [("Verify Caller", "1.0"), ("Support Line", "1.0"), ("Billing Line", "1.0")] {
        project.record_publication(flow, version);
    }
    assert!(stale_callers(&project).is_empty());
    let modules = impact(&project);
    assert_eq!(
        modules[0].callers.iter().map(|c| c.published_with.as_deref()).collect::<Vec<_>>(),
        [Some("1.0"), Some("1.0")]
    );
    project.record_publication("Verify Caller", "2.0");
    assert_eq!(stale_callers(&project), ["Support Line", "Billing Line"]);
    project.record_publication("Billing Line", "2.0");
    assert_eq!(stale_callers(&project), ["Support Line"]);
    // A caller pinned to a version is never stale.
    let support = project.flow_index("Support Line").unwrap();
    for node in &mut project.flows[support].nodes {
        if let NodeBody::Invoke(call) = &mut node.body {
            call.version = Some("1.0".to_owned());
        }
    }
    assert!(stale_callers(&project).is_empty());
}
