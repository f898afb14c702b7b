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

mod extract {
    use std::collections::BTreeSet;

    use callflow_core::document::{Edge, Node, NodeKind, TypeName, ValueType, Variable};
    use callflow_core::extract::extract_module;
    use callflow_core::{validate, validate_project, Document, NodeBody, Project};
    use proptest::prelude::*;

    fn set(id: &str, variable: &str, expression: &str, x: f64) -> Node {
        let mut node = Node::new(id, NodeKind::SetVariable, x, 0.0);
        node.body = NodeBody::SetVariable { variable: variable.into(), expression: expression.into() };
        node
    }

    /// start → nodes… → queue, each node a `Flow.vW = Flow.vA + Flow.vB`.
    fn chain(steps: &[(usize, usize, usize)]) -> Document {
        let mut document = Document::empty("Chain");
        document.flow.variables =
            (0..5).map(|i| Variable::new(format!("Flow.v{i}"), TypeName::scalar(ValueType::Integer))).collect();
        let mut previous = "start".to_owned();
        for (i, (write, a, b)) in steps.iter().enumerate() {
            let id = format!("n{i}");
            document.flow.nodes.push(set(
                &id,
                &format!("Flow.v{write}"),
                &format!("Flow.v{a} + Flow.v{b}"),
                100.0 * i as f64,
            ));
            document.flow.edges.push(Edge::new(previous, None, id.clone()));
            previous = id;
        }
        let mut queue = Node::new("queue", NodeKind::Transfer, 0.0, 0.0);
        queue.body = NodeBody::Transfer { queue: "Support".into() };
        document.flow.nodes.push(queue);
        document.flow.edges.push(Edge::new(previous, None, "queue"));
        document
    }

    #[test]
    fn a_selection_becomes_a_module_with_its_inputs_and_outputs() {
        let mut document = Document::empty("Greeter");
        let string = TypeName::scalar(ValueType::String);
        document.flow.variables = ["Flow.first", "Flow.last", "Flow.full", "Flow.greeting"]
            .iter()
            .map(|n| Variable::new(*n, string))
            .collect();
        document.flow.nodes.push(set("full", "Flow.full", "Flow.first + \" \" + Flow.last", 200.0));
        document.flow.nodes.push(set("greet", "Flow.greeting", "\"Hi Flow.first \" + Flow.full", 400.0));
        let mut check = Node::new("check", NodeKind::Decision, 600.0, 0.0);
        check.body = NodeBody::Decision { expression: "Flow.greeting != \"\"".into() };
        document.flow.nodes.push(check);
        document.flow.nodes.push(Node::new("bye", NodeKind::Disconnect, 800.0, 0.0));
        document.flow.nodes.push(Node::new("sorry", NodeKind::Play, 800.0, 200.0));
        for (from, port, to) in [
            ("start", None, "full"),
            ("full", None, "greet"),
            ("greet", None, "check"),
            ("check", Some("yes"), "bye"),
            ("check", Some("no"), "sorry"),
            ("sorry", None, "bye"),
        ] {
            document.flow.edges.push(Edge::new(from, port, to));
        }
        let project = Project::from_document(document);
        let selection: BTreeSet<String> = ["full", "greet"].iter().map(|s| s.to_string()).collect();
        let extracted = extract_module(&project, 0, &selection, "Make Greeting").unwrap();
        assert_eq!(extracted.inputs, ["Flow.first", "Flow.last"]);
        assert_eq!(extracted.outputs, ["Flow.greeting"]);
        let module = &extracted.project.flows[extracted.module];
        let flags: Vec<(&str, bool, bool)> =
            module.variables.iter().map(|v| (v.name.as_str(), v.input, v.output)).collect();
        assert_eq!(
            flags,
            [
                ("Common.first", true, false),
                ("Common.last", true, false),
                ("Common.full", false, false),
                ("Common.greeting", false, true)
            ]
        );
        // Expressions read Common. variables; a string literal keeps its text.
        let greet = module.nodes.iter().find(|n| n.id == "greet").unwrap();
        assert_eq!(
            greet.body,
            NodeBody::SetVariable {
                variable: "Common.greeting".into(),
                expression: "\"Hi Flow.first \" + Common.full".into()
            }
        );
        let flow = &extracted.project.flows[0];
        let invoke = flow.nodes.iter().find(|n| n.id == extracted.invoke).unwrap();
        let NodeBody::Invoke(call) = &invoke.body else { panic!("not an invoke") };
        assert_eq!(
            call.inputs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>(),
            ["Common.first=Flow.first", "Common.last=Flow.last"]
        );
        assert_eq!(
            call.outputs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>(),
            ["Common.greeting=Flow.greeting"]
        );
        let errors: Vec<String> =
            validate_project(&extracted.project).iter().filter(|d| d.is_error()).map(|d| d.to_text()).collect();
        assert!(errors.is_empty(), "{errors:#?}");
        // Selections that cannot be a module call are refused with the reason.
        let refused =
            |ids: &[&str]| extract_module(&project, 0, &ids.iter().map(|s| s.to_string()).collect(), "M").unwrap_err();
        assert!(refused(&["check"]).contains("more than one way out"), "{}", refused(&["check"]));
        assert!(refused(&["greet", "sorry"]).contains("more than one way in"), "{}", refused(&["greet", "sorry"]));
        assert!(
            refused(&["greet", "check", "bye"]).contains("ends the call"),
            "{}",
            refused(&["greet", "check", "bye"])
        );
        assert!(refused(&["start"]).contains("start"));
        assert!(refused(&[]).contains("select"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Random chains and random stretches of them: the extraction succeeds, the flow gets no new
        /// error, the module has none, and its contract is what a scan of the stretch in order says.
        #[test]
        fn extraction_keeps_the_flow_valid_and_the_contract_exact(
            steps in prop::collection::vec((0usize..5, 0usize..5, 0usize..5), 2..12),
            cut in (0usize..100, 1usize..100),
        ) {
            let document = chain(&steps);
            let before: BTreeSet<String> = validate(&document).iter().filter(|d| d.is_error()).map(|d| d.code.to_string()).collect();
            let start = cut.0 % steps.len();
            let end = (start + 1 + cut.1 % (steps.len() - start)).min(steps.len());
            let selection: BTreeSet<String> = (start..end).map(|i| format!("n{i}")).collect();
            let project = Project::from_document(document);
            let extracted = extract_module(&project, 0, &selection, "Stretch").unwrap();
            let after: BTreeSet<String> = validate_project(&extracted.project)
                .iter()
                .filter(|d| d.is_error())
                .map(|d| d.code.to_string())
                .collect();
            prop_assert!(after.is_subset(&before), "new errors: {:?} (before {:?})", after, before);
            // The oracle: read before written, scanning the stretch in order; written and read elsewhere.
            let mut inputs = Vec::new();
            let mut written = Vec::new();
            for &(write, a, b) in &steps[start..end] {
                for read in [a, b] {
                    let name = format!("Flow.v{read}");
                    if !written.contains(&name) && !inputs.contains(&name) {
                        inputs.push(name);
                    }
                }
                let name = format!("Flow.v{write}");
                if !written.contains(&name) {
                    written.push(name);
                }
            }
            let read_elsewhere: BTreeSet<String> = steps
                .iter()
                .enumerate()
                .filter(|(i, _)| *i < start || *i >= end)
                .flat_map(|(_, &(_, a, b))| [format!("Flow.v{a}"), format!("Flow.v{b}")])
                .collect();
            let outputs: Vec<String> = written.into_iter().filter(|w| read_elsewhere.contains(w)).collect();
            let mut got_inputs = extracted.inputs.clone();
            got_inputs.sort();
            inputs.sort();
            prop_assert_eq!(got_inputs, inputs);
            let mut got_outputs = extracted.outputs.clone();
            got_outputs.sort();
            let mut outputs = outputs;
            outputs.sort();
            prop_assert_eq!(got_outputs, outputs);
        }
    }
}
