//! The call simulator on the bundled templates: digits through menus, outside answers, decisions
//! evaluated or asked, loops bounded, stepping back, and the order of the Archy export.

use std::path::Path;

use callflow_core::document::PortName;
use callflow_core::simulate::{Answer, Call, Ending, Event, Question};
use callflow_core::Document;

fn template(name: &str) -> Document {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../public/templates").join(name);
    callflow_core::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn label(document: &Document, node: usize) -> &str {
    &document.flow.nodes[node].label
}

fn outcome(port: PortName, outputs: &[(&str, &str)]) -> Answer {
    Answer::Outcome { port, outputs: outputs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() }
}

#[test]
fn seed_002_to_the_queue_and_to_a_hang_up() {
    let document = template("seed-002-verify-then-queue.flow.json");
    let mut call = Call::new(&document).unwrap();
    let Event::Asks(Question::Outcome { node, ports, outputs }) = call.start() else { panic!("the module is asked") };
    assert_eq!(label(&document, node), "Verify caller");
    assert_eq!(ports, [PortName::Complete, PortName::Error]);
    assert_eq!(outputs.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), ["Flow.verified"]);
    let ended = call.answer(outcome(PortName::Complete, &[("Flow.verified", "true")])).unwrap();
    let Event::Ended(Ending::Transferred { to, .. }) = ended else { panic!("{ended:?}") };
    assert_eq!(to, "Support");
    assert_eq!(call.state.variables["Flow.verified"].to_string(), "true");
    // Step back and take the module's error path instead: the call hangs up.
    assert!(matches!(call.back(), Some(Event::Asks(Question::Outcome { .. }))));
    let ended = call.answer(outcome(PortName::Error, &[])).unwrap();
    assert!(matches!(ended, Event::Ended(Ending::HungUp { .. })), "{ended:?}");
}

#[test]
fn pressing_digits_through_the_business_hours_menu() {
    let document = template("business-hours-menu.flow.json");
    let mut call = Call::new(&document).unwrap();
    let Event::Asks(Question::Outcome { ports, .. }) = call.start() else { panic!("the schedule group is asked") };
    assert_eq!(ports, [PortName::Open, PortName::Closed, PortName::Holiday]);
    let Event::Asks(Question::Digit { digits, .. }) = call.answer(outcome(PortName::Open, &[])).unwrap() else {
        panic!("the menu is asked")
    };
    assert_eq!(digits, ["1", "2", "*"]);
    // Star repeats the menu; then 1 collects the account number.
    assert!(matches!(call.answer(Answer::Digit("*".into())).unwrap(), Event::Asks(Question::Digit { .. })));
    let Event::Asks(Question::Digits { min, max, .. }) = call.answer(Answer::Digit("1".into())).unwrap() else {
        panic!("collect input is asked")
    };
    assert_eq!((min, max), (4, 10));
    let Event::Asks(Question::Outcome { ports, .. }) = call.answer(Answer::Digits("12345".into())).unwrap() else {
        panic!("the lookup is asked")
    };
    assert_eq!(call.state.variables["Flow.accountNumber"].to_string(), "\"12345\"");
    assert_eq!(ports, [PortName::Found, PortName::NotFound]);
    let Event::Asks(Question::Outcome { ports, .. }) = call.answer(outcome(PortName::NotFound, &[])).unwrap() else {
        panic!("the transfer is asked whether it worked")
    };
    assert_eq!(ports, [PortName::Next, PortName::Failure]);
    let ended = call.answer(outcome(PortName::Next, &[])).unwrap();
    assert_eq!(ended, Event::Ended(Ending::Transferred { node: 7, to: "Support".into() }));
    let said: Vec<&str> = call.state.transcript.iter().map(|l| l.text.as_str()).collect();
    assert!(said.contains(&"We could not find that account. Let me get you to someone who can help."), "{said:?}");
    // A menu timeout takes its no-input path: a hang-up.
    let mut quiet = Call::new(&document).unwrap();
    quiet.start();
    quiet.answer(outcome(PortName::Open, &[])).unwrap();
    assert!(matches!(quiet.answer(Answer::NoInput).unwrap(), Event::Ended(Ending::HungUp { .. })));
    // Answers that do not fit the question are refused, and nothing changes.
    assert!(quiet.answer(Answer::Digit("9".into())).is_err());
}

#[test]
fn decisions_evaluate_what_they_can_and_ask_the_rest() {
    let document = template("data-action-lookup.flow.json");
    let mut call = Call::new(&document).unwrap();
    call.start();
    // The data action returns a VIP: the decision reads Flow.isVip and needs no question.
    let ended = call.answer(outcome(PortName::Success, &[("Flow.isVip", "true"), ("Flow.accountId", "A-1")])).unwrap();
    assert!(matches!(ended, Event::Asks(Question::Outcome { .. })), "the VIP transfer is asked: {ended:?}");
    assert_eq!(label(&document, call.state.current.unwrap()), "Queue to VIP desk");
    // A decision the subset cannot run is asked.
    let mut document = document.clone();
    if let callflow_core::NodeBody::Decision { expression } = &mut document.flow.nodes[2].body {
        *expression = "Contains(Flow.accountId, \"A\")".into();
    }
    let mut call = Call::new(&document).unwrap();
    call.start();
    let asked = call.answer(outcome(PortName::Success, &[("Flow.accountId", "A-1")])).unwrap();
    let Event::Asks(Question::Condition { why, .. }) = asked else { panic!("{asked:?}") };
    assert!(why.contains("Contains"), "{why}");
    // False takes the decision's no path: the Support transfer, asked whether it worked.
    assert!(matches!(call.answer(Answer::Condition(false)).unwrap(), Event::Asks(Question::Outcome { .. })));
    assert_eq!(label(&document, call.state.current.unwrap()), "Queue to Support");
}

#[test]
fn a_loop_with_no_way_out_stops_at_the_step_limit() {
    let mut document = Document::empty("Loop");
    let mut a = callflow_core::Node::new("a", callflow_core::NodeKind::SetVariable, 0.0, 0.0);
    a.body = callflow_core::NodeBody::SetVariable { variable: "Flow.n".into(), expression: "1".into() };
    let mut b = a.clone();
    b.id = "b".into();
    document.flow.nodes.extend([a, b]);
    for (from, to) in [("start", "a"), ("a", "b"), ("b", "a")] {
        document.flow.edges.push(callflow_core::Edge::new(from, None, to));
    }
    let refused = Call::new(&document).unwrap_err();
    assert!(refused.iter().any(|d| d.code.as_str() == "no-exit-loop"), "{refused:?}");
    let mut call = Call::insisting(&document);
    assert_eq!(call.start(), Event::Ended(Ending::StepLimit));
}

/// The simulator runs a straight flow in the order the Archy export lists its actions.
#[test]
fn a_straight_flow_runs_in_the_order_of_its_archy_actions() {
    use callflow_core::{Edge, Node, NodeBody, NodeKind};
    let mut document = Document::empty("Straight");
    document.flow.variables.push(callflow_core::document::Variable::new(
        "Flow.n",
        callflow_core::document::TypeName::scalar(callflow_core::document::ValueType::Integer),
    ));
    let mut previous = "start".to_owned();
    for i in 0..8 {
        let id = format!("n{i}");
        let mut node =
            Node::new(&id, if i % 2 == 0 { NodeKind::Play } else { NodeKind::SetVariable }, 100.0 * i as f64, 0.0);
        node.label = format!("Step {i}");
        node.body = if i % 2 == 0 {
            NodeBody::Play { prompt: format!("Prompt {i}") }
        } else {
            NodeBody::SetVariable { variable: "Flow.n".into(), expression: format!("{i}") }
        };
        document.flow.nodes.push(node);
        document.flow.edges.push(Edge::new(previous.clone(), None, id.clone()));
        previous = id;
    }
    let mut queue = Node::new("queue", NodeKind::Transfer, 900.0, 0.0);
    queue.label = "To Support".into();
    queue.body = NodeBody::Transfer { queue: "Support".into() };
    document.flow.nodes.push(queue);
    document.flow.edges.push(Edge::new(previous, None, "queue"));

    let mut call = Call::new(&document).unwrap();
    assert!(matches!(call.start(), Event::Ended(Ending::Transferred { .. })));
    let ran: Vec<&str> = call.state.path.iter().skip(1).map(|&i| document.flow.nodes[i].label.as_str()).collect();
    let yaml: serde_json::Value =
        serde_norway::from_str(&callflow_core::export::archy(&document).unwrap().yaml).unwrap();
    let written: Vec<String> = yaml["inboundCall"]["tasks"][0]["task"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|action| action.as_object()?.values().next()?["name"].as_str().map(str::to_owned))
        .collect();
    // After the transfer the export writes the hang-up its failure would run into.
    assert_eq!(written.last().map(String::as_str), Some("To Support failed: disconnect"));
    assert_eq!(ran, written[..written.len() - 1].iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(call.state.variables["Flow.n"].to_string(), "7");
}

mod random_runs {
    use callflow_core::simulate::{Answer, Call, Ending, Event, Question};
    use proptest::prelude::*;

    /// Answers a question with the choice `pick` selects among those offered.
    fn answer(question: &Question, pick: usize) -> Answer {
        match question {
            Question::Digit { digits, .. } if !digits.is_empty() => Answer::Digit(digits[pick % digits.len()].clone()),
            Question::Digit { .. } => Answer::NoInput,
            Question::Digits { min, .. } if pick.is_multiple_of(3) => Answer::Digits("7".repeat(*min)),
            Question::Digits { .. } => Answer::NoInput,
            Question::Outcome { ports, outputs, .. } => Answer::Outcome {
                port: ports[pick % ports.len()],
                outputs: outputs
                    .iter()
                    .map(|(name, t)| (name.clone(), callflow_core::simulate::sample_value(*t)))
                    .collect(),
            },
            Question::Condition { .. } => Answer::Condition(pick.is_multiple_of(2)),
            Question::Count { .. } => Answer::Count((pick % 4) as i64),
            Question::Value { .. } => Answer::Value(pick.to_string()),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// On the generated valid flows (both shapes), any sequence of answers ends the call at a
        /// transfer or a hang-up, or at the step limit: never stuck on a path to nowhere.
        #[test]
        fn every_run_of_a_valid_flow_ends_at_an_end(size in 11usize..300, chain in any::<bool>(), picks in prop::collection::vec(0usize..50, 64)) {
            let document = if chain { callflow_core::testing::chain_flow(size) } else { callflow_core::testing::large_flow(size) };
            let mut call = Call::new(&document).unwrap();
            let mut event = call.start();
            let mut asked = 0;
            while let Event::Asks(question) = &event {
                let pick = picks.get(asked).copied().unwrap_or(asked);
                asked += 1;
                prop_assert!(asked < 20_000, "the run never ends");
                event = call.answer(answer(question, pick)).unwrap();
            }
            let Event::Ended(ending) = event else { unreachable!() };
            prop_assert!(
                matches!(ending, Ending::Transferred { .. } | Ending::HungUp { .. } | Ending::StepLimit),
                "ended {:?} after {:?}", ending, call.state.path
            );
            // Every step of the path follows an edge of the flow.
            let ids: Vec<&str> = call.state.path.iter().map(|&i| document.flow.nodes[i].id.as_str()).collect();
            for pair in ids.windows(2) {
                prop_assert!(
                    document.flow.edges.iter().any(|e| e.from == pair[0] && e.to == pair[1]),
                    "{} → {} is not an edge", pair[0], pair[1]
                );
            }
            // And the export agrees: each step is one the Archy file can take next.
            let archy = super::archy_order::Graph::of(&document);
            if let Err(problem) = archy.check(&document, &call.state.path) {
                prop_assert!(false, "{}", problem);
            }
        }
    }
}

/// The fixtures in `tests/fixtures/scenarios/` (README there): a small flow per kind, each port to
/// its own end, one saved scenario per port. Every file checks clean, every scenario passes, and
/// together they take every output port of every kind of the kind table.
#[test]
fn every_kind_and_every_port_has_a_passing_scenario() {
    use std::collections::BTreeSet;

    use callflow_core::document::{Sim, KINDS};
    use callflow_core::simulate::run_scenarios;

    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.to_string_lossy().ends_with(".flow.json"))
        .collect();
    files.sort();
    assert!(files.len() >= 25, "{} fixture files", files.len());
    // (kind, port) taken by some scenario, and the ports each kind's fixture nodes have.
    let mut taken: BTreeSet<(String, String)> = BTreeSet::new();
    let mut ports: BTreeSet<(String, String)> = BTreeSet::new();
    let mut scenarios = 0;
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(file).unwrap();
        assert_eq!(callflow_core::check(&text), Vec::new(), "{name} checks clean");
        let document = callflow_core::parse(&text).unwrap();
        assert!(!document.flow.scenarios.is_empty(), "{name} has scenarios");
        for result in run_scenarios(&document) {
            assert!(result.passed, "{name}: {} — {}: {:?}", result.name, result.ended, result.problems);
            scenarios += 1;
        }
        let index = callflow_core::FlowIndex::build(&document);
        for node in &document.flow.nodes {
            for port in node.ports() {
                ports.insert((node.kind().as_str().to_owned(), port.name.as_str().to_owned()));
            }
        }
        // Replay each scenario to see which port each step left by.
        for scenario in &document.flow.scenarios {
            let (call, event) = replay(&document, scenario);
            let path = &call.state.path;
            for pair in path.windows(2) {
                if let Some((edge, _)) = index.links_from(pair[0]).find(|&(_, to)| to == pair[1]) {
                    let port = index.edges()[edge].port.unwrap();
                    taken.insert((document.flow.nodes[pair[0]].kind().as_str().to_owned(), port.as_str().to_owned()));
                }
            }
            // A called task comes back to the call task's `next`: taken when the path reaches it later.
            for (at, &node) in path.iter().enumerate() {
                if document.flow.nodes[node].kind().spec().sim == Sim::CallTask {
                    if let Some(back) = index.target(node, callflow_core::document::PortName::Next) {
                        if path[at + 1..].contains(&back) {
                            taken.insert((document.flow.nodes[node].kind().as_str().to_owned(), "next".to_owned()));
                        }
                    }
                }
            }
            if let Event::Ended(Ending::Transferred { node, .. }) = event {
                taken.insert((document.flow.nodes[node].kind().as_str().to_owned(), "next".to_owned()));
            }
            if let Some(&last) = path.last() {
                taken.insert((document.flow.nodes[last].kind().as_str().to_owned(), "(end)".to_owned()));
            }
        }
    }
    let seen: BTreeSet<&str> =
        ports.iter().map(|(kind, _)| kind.as_str()).chain(taken.iter().map(|(k, _)| k.as_str())).collect();
    for spec in KINDS {
        assert!(seen.contains(spec.name), "no fixture has a {} node", spec.name);
        if spec.sim == Sim::Transfer {
            assert!(
                taken.contains(&(spec.name.to_owned(), "next".to_owned())),
                "no scenario transfers at a {}",
                spec.name
            );
        }
        if spec.terminal && spec.sim != Sim::Transfer {
            assert!(taken.contains(&(spec.name.to_owned(), "(end)".to_owned())), "no scenario ends at a {}", spec.name);
        }
    }
    let missing: Vec<String> =
        ports.iter().filter(|key| !taken.contains(*key)).map(|(kind, port)| format!("{kind}.{port}")).collect();
    assert_eq!(missing, Vec::<String>::new(), "ports no scenario takes");
    assert!(scenarios >= 70, "{scenarios} scenarios");
}

/// The order of the Archy export, as a graph of actions: which action can run after which. The
/// simulator's path must be a walk through it, so a call runs what the exported flow would run, in
/// the same order. The graph over-approximates (a branching action may also fall through; any
/// action may go to the flow's error-handling task), so it checks order, not which branch.
mod archy_order {
    use std::collections::{BTreeMap, BTreeSet};

    use callflow_core::{Document, NodeKind};
    use serde_json::Value as Json;

    #[derive(Debug, Clone)]
    enum Target {
        Action(usize),
        Task(String),
        Menu(String),
        End,
    }

    #[derive(Debug, Default)]
    pub struct Graph {
        /// Each action written (not the jumps): its name and what may run after it.
        actions: Vec<(String, Vec<Target>)>,
        tasks: BTreeMap<String, Target>,
        menus: BTreeMap<String, usize>,
        start: Option<Target>,
        /// Where the flow's error handling goes: its task, or a hang-up or queue it folds in.
        error: Vec<Target>,
    }

    /// A node the export folds into a menu choice or the error handling, not writing it as an action.
    const FOLDED_HANG_UP: &str = "(a folded hang-up)";
    const FOLDED_TRANSFER: &str = "(a folded queue transfer)";

    fn reference(text: &str) -> (bool, String) {
        // "/inboundCall/tasks/task[ref]" or "/inboundCall/menus/menu[ref]"
        let is_menu = text.contains("/menus/");
        let inner = text.rsplit_once('[').map(|(_, r)| r.trim_end_matches(']')).unwrap_or(text);
        (is_menu, inner.to_owned())
    }

    fn target_of(text: &str) -> Target {
        match reference(text) {
            (true, id) => Target::Menu(id),
            (false, id) => Target::Task(id),
        }
    }

    impl Graph {
        pub fn of(document: &Document) -> Graph {
            let yaml = callflow_core::export::archy(document).expect("a valid flow exports").yaml;
            let root: Json = serde_norway::from_str(&yaml).expect("the export is YAML");
            let flow = root.as_object().and_then(|o| o.values().next()).expect("one flow").clone();
            let mut graph = Graph::default();
            let handling = flow.pointer("/settingsErrorHandling/errorHandling").cloned().unwrap_or(Json::Null);
            if let Some(r) = handling.pointer("/task/targetTaskRef").and_then(Json::as_str) {
                graph.error.push(target_of(r));
            }
            for (key, folded) in
                [("disconnect", FOLDED_HANG_UP), ("queue", FOLDED_TRANSFER), ("transferToAcd", FOLDED_TRANSFER)]
            {
                if handling.get(key).is_some() {
                    graph.actions.push((folded.to_owned(), Vec::new()));
                    graph.error.push(Target::Action(graph.actions.len() - 1));
                }
            }
            // Menus first (choices refer to tasks by reference only).
            let mut menu_tasks: Vec<(usize, Vec<Json>)> = Vec::new();
            for entry in flow["menus"].as_array().into_iter().flatten() {
                let menu = &entry["menu"];
                let name = menu["name"].as_str().unwrap_or_default().to_owned();
                let id = graph.actions.len();
                graph.actions.push((name.clone(), Vec::new()));
                graph.menus.insert(menu["refId"].as_str().unwrap_or_default().to_owned(), id);
                menu_tasks.push((id, menu["choices"].as_array().cloned().unwrap_or_default()));
            }
            for (menu, choices) in menu_tasks {
                let mut next = Vec::new();
                for choice in choices {
                    let Some((_, body)) = choice.as_object().and_then(|o| o.iter().next()) else { continue };
                    if let Some(actions) = body.pointer("/task/actions").and_then(Json::as_array) {
                        next.push(graph.list(actions, Target::End));
                    }
                    if let Some(r) = body["targetTaskRef"].as_str().or(body["targetMenuRef"].as_str()) {
                        next.push(target_of(r));
                    }
                    // A choice that hangs up or transfers folds in the node the menu's port led to.
                    let folded = if choice.get("menuDisconnect").is_some() {
                        Some(FOLDED_HANG_UP)
                    } else if choice.get("menuTransferToAcd").is_some() {
                        Some(FOLDED_TRANSFER)
                    } else {
                        None
                    };
                    if let Some(folded) = folded {
                        graph.actions.push((folded.to_owned(), Vec::new()));
                        next.push(Target::Action(graph.actions.len() - 1));
                    }
                }
                // The menu's no-input path is the task the export names after it.
                let no_input = format!("{} - no input", graph.actions[menu].0);
                for entry in flow["tasks"].as_array().into_iter().flatten() {
                    if entry["task"]["name"].as_str() == Some(no_input.as_str()) {
                        next.push(Target::Task(entry["task"]["refId"].as_str().unwrap_or_default().to_owned()));
                    }
                }
                graph.actions[menu].1 = next;
            }
            for entry in flow["tasks"].as_array().into_iter().flatten() {
                let task = &entry["task"];
                let actions = task["actions"].as_array().cloned().unwrap_or_default();
                let first = graph.list(&actions, Target::End);
                graph.tasks.insert(task["refId"].as_str().unwrap_or_default().to_owned(), first);
            }
            graph.start = flow["startUpRef"].as_str().map(target_of);
            graph
        }

        /// Adds a list of actions; returns where it starts (`cont` when it is empty).
        fn list(&mut self, actions: &[Json], cont: Target) -> Target {
            let mut next = cont;
            for action in actions.iter().rev() {
                let Some((kind, body)) = action.as_object().and_then(|o| o.iter().next()) else { continue };
                next = match kind.as_str() {
                    "jumpToTask" | "jumpToMenu" => {
                        let r = body["targetTaskRef"].as_str().or(body["targetMenuRef"].as_str()).unwrap_or_default();
                        target_of(r)
                    }
                    _ => {
                        let id = self.actions.len();
                        self.actions.push((body["name"].as_str().unwrap_or_default().to_owned(), Vec::new()));
                        let mut after = vec![next.clone()];
                        if let Some(r) = body["targetTaskRef"].as_str() {
                            after.push(target_of(r));
                        }
                        for (output_name, output) in body["outputs"].as_object().into_iter().flatten() {
                            if let Some(path) = output["actions"].as_array() {
                                // A loop's body ends where the next turn starts: at the loop.
                                let cont = if kind == "loop" && output_name == "loop" {
                                    Target::Action(id)
                                } else {
                                    next.clone()
                                };
                                let entry = self.list(path, cont);
                                after.push(entry);
                            }
                        }
                        if let Some(cases) = body.pointer("/evaluate/firstTrue/cases").and_then(Json::as_array) {
                            for case in cases {
                                if let Some(path) = case.pointer("/case/actions").and_then(Json::as_array) {
                                    let entry = self.list(path, next.clone());
                                    after.push(entry);
                                }
                            }
                        }
                        if let Some(path) = body.pointer("/evaluate/firstTrue/default/actions").and_then(Json::as_array)
                        {
                            let entry = self.list(path, next.clone());
                            after.push(entry);
                        }
                        self.actions[id].1 = after;
                        Target::Action(id)
                    }
                };
            }
            next
        }

        /// The written actions `target` leads to first (through jumps).
        fn resolve(&self, target: &Target, into: &mut BTreeSet<usize>, seen: &mut BTreeSet<String>) {
            match target {
                Target::Action(id) => {
                    into.insert(*id);
                }
                Target::Menu(r) => {
                    if let Some(id) = self.menus.get(r) {
                        into.insert(*id);
                    }
                }
                Target::Task(r) => {
                    if seen.insert(r.clone()) {
                        if let Some(first) = self.tasks.get(r) {
                            self.resolve(first, into, seen);
                        }
                    }
                }
                Target::End => {}
            }
        }

        fn after(&self, id: usize) -> BTreeSet<usize> {
            let mut into = BTreeSet::new();
            let mut seen = BTreeSet::new();
            for target in &self.actions[id].1 {
                self.resolve(target, &mut into, &mut seen);
            }
            for target in &self.error {
                self.resolve(target, &mut into, &mut BTreeSet::new());
            }
            into
        }

        /// Is the simulator's `path` (node indices) a walk through the export, by action name?
        pub fn check(&self, document: &Document, path: &[usize]) -> Result<(), String> {
            // The start, tasks and jumps are the file's structure, not actions.
            let steps: Vec<&callflow_core::Node> = path
                .iter()
                .map(|&n| &document.flow.nodes[n])
                .filter(|n| {
                    !matches!(n.kind(), NodeKind::Start | NodeKind::Task | NodeKind::JumpToTask | NodeKind::JumpToMenu)
                })
                .collect();
            // An action is written under the node's label, or its label and id when labels repeat.
            let is = |id: usize, node: &callflow_core::Node| {
                let name = self.actions[id].0.as_str();
                name == node.label
                    || name == format!("{} ({})", node.label, node.id)
                    || (name == FOLDED_HANG_UP && node.kind() == NodeKind::Disconnect)
                    || (name == FOLDED_TRANSFER && node.kind() == NodeKind::Transfer)
            };
            let names: Vec<&str> = steps.iter().map(|n| n.label.as_str()).collect();
            let Some(first) = names.first() else { return Ok(()) };
            let mut start = BTreeSet::new();
            if let Some(target) = &self.start {
                self.resolve(target, &mut start, &mut BTreeSet::new());
            }
            let mut at: BTreeSet<usize> = start.into_iter().filter(|&id| is(id, steps[0])).collect();
            if at.is_empty() {
                return Err(format!("the export does not start with \"{first}\""));
            }
            for (step, pair) in names.windows(2).enumerate() {
                let next: BTreeSet<usize> =
                    at.iter().flat_map(|&id| self.after(id)).filter(|&id| is(id, steps[step + 1])).collect();
                if next.is_empty() {
                    return Err(format!("the simulator went \"{}\" → \"{}\"; the export cannot", pair[0], pair[1]));
                }
                at = next;
            }
            Ok(())
        }
    }
}

/// The simulator's paths through the templates are walks through their Archy exports, on every
/// saved scenario and on the fixtures of every kind that export (modules aside).
#[test]
fn scenario_paths_follow_the_archy_export() {
    let mut files: Vec<std::path::PathBuf> =
        ["seed-002-verify-then-queue.flow.json", "business-hours-menu.flow.json", "every-step.flow.json"]
            .iter()
            .map(|name| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../public/templates").join(name))
            .collect();
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scenarios");
    files.extend(
        std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with(".flow.json")),
    );
    files.sort();
    let mut checked = 0;
    let mut problems = Vec::new();
    for file in files {
        let document = callflow_core::parse(&std::fs::read_to_string(&file).unwrap()).unwrap();
        if document.flow.flow_type.is_module() {
            continue;
        }
        let graph = archy_order::Graph::of(&document);
        for scenario in &document.flow.scenarios {
            let (call, _) = replay(&document, scenario);
            checked += 1;
            if let Err(problem) = graph.check(&document, &call.state.path) {
                problems.push(format!("{}: {}: {problem}", file.file_name().unwrap().to_string_lossy(), scenario.name));
            }
        }
    }
    assert_eq!(problems, Vec::<String>::new());
    assert!(checked >= 60, "{checked} scenarios");
}

/// Replays a saved scenario's answers (until the call ends) and returns the call and its last event.
fn replay<'d>(document: &'d Document, scenario: &callflow_core::document::Scenario) -> (Call<'d>, Event) {
    let mut call = Call::insisting(document);
    let mut event = call.start();
    for saved in &scenario.answers {
        if matches!(event, Event::Ended(_)) {
            break;
        }
        event = call.answer(callflow_core::simulate::answer_of(saved).unwrap()).unwrap();
    }
    (call, event)
}

/// A small flow from its nodes and edges (JSON), for the return-stack cases below.
fn flow(variables: &str, nodes: &str, edges: &str) -> Document {
    let text = format!(
        r#"{{"format": "callflow/v1", "flow": {{"name": "Case", "type": "inboundcall", "defaultLanguage": "en-us",
        "startNodeId": "start", "variables": {variables}, "nodes": {nodes}, "edges": {edges}}}}}"#
    );
    callflow_core::parse(&text).unwrap()
}

fn id<'d>(document: &'d Document, call: &Call<'_>) -> &'d str {
    call.state.current.map(|n| document.flow.nodes[n].id.as_str()).unwrap_or_default()
}

/// A long loop whose body path simply ends runs without recursion: 4,000 turns (8,000 steps), then on.
#[test]
fn a_long_loop_whose_body_ends_does_not_grow_the_stack() {
    let document = flow(
        r#"[{"name": "Flow.i", "type": "integer"}]"#,
        r#"[{"id": "start", "kind": "start", "label": "Start", "x": 0, "y": 0},
            {"id": "repeat", "kind": "loop", "label": "Many", "x": 240, "y": 0, "loopCount": "4000", "indexVariable": "Flow.i"},
            {"id": "say", "kind": "play", "label": "Tick", "x": 480, "y": 120, "prompt": "Tick."},
            {"id": "bye", "kind": "disconnect", "label": "Bye", "x": 480, "y": 0}]"#,
        r#"[{"from": "start", "to": "repeat"}, {"from": "repeat", "port": "loop", "to": "say"}, {"from": "repeat", "to": "bye"}]"#,
    );
    // A thread with a small stack: recursion per turn would overflow it.
    let ended = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            // Insisting: the body's open `next` is the point (a valid flow would connect it back).
            let mut call = Call::insisting(&document);
            let event = call.start();
            (format!("{event:?}"), call.state.variables["Flow.i"].to_string())
        })
        .unwrap()
        .join()
        .expect("no stack overflow");
    assert!(ended.0.contains("HungUp"), "{}", ended.0);
    assert_eq!(ended.1, "3999", "the last turn's index");
}

/// A called task without `next`, at the end of a loop's body: the turn ends, the loop goes on.
#[test]
fn a_called_task_ending_a_loop_body_starts_the_next_turn() {
    let document = flow(
        r#"[{"name": "Flow.i", "type": "integer"}]"#,
        r#"[{"id": "start", "kind": "start", "label": "Start", "x": 0, "y": 0},
            {"id": "repeat", "kind": "loop", "label": "Twice", "x": 240, "y": 0, "loopCount": "2", "indexVariable": "Flow.i"},
            {"id": "call", "kind": "callTask", "label": "Call Helper", "x": 480, "y": 120},
            {"id": "helper", "kind": "task", "label": "Helper", "x": 720, "y": 240, "refId": "Helper_1"},
            {"id": "hi", "kind": "play", "label": "Hi", "x": 960, "y": 240, "prompt": "Hi."},
            {"id": "bye", "kind": "disconnect", "label": "Bye", "x": 480, "y": 0}]"#,
        r#"[{"from": "start", "to": "repeat"}, {"from": "repeat", "port": "loop", "to": "call"},
            {"from": "call", "port": "target", "to": "helper"}, {"from": "helper", "to": "hi"}, {"from": "repeat", "to": "bye"}]"#,
    );
    let mut call = Call::insisting(&document);
    let event = call.start();
    assert!(matches!(event, Event::Ended(Ending::HungUp { .. })), "{event:?}");
    let said: Vec<&str> = call.state.transcript.iter().map(|l| l.text.as_str()).filter(|t| *t == "Hi.").collect();
    assert_eq!(said.len(), 2, "the helper ran on both turns");
}

/// A count the simulator cannot evaluate is asked once per run of the loop; leaving the loop by a
/// jump and coming back starts a new run, which asks again. Stepping back restores the question.
#[test]
fn an_asked_count_is_asked_again_after_a_jump_out_and_back() {
    let document = flow(
        r#"[{"name": "Flow.times", "type": "integer"}, {"name": "Flow.again", "type": "boolean"}]"#,
        r#"[{"id": "start", "kind": "start", "label": "Start", "x": 0, "y": 0},
            {"id": "main", "kind": "task", "label": "Main", "x": 240, "y": 0, "refId": "Main_1"},
            {"id": "repeat", "kind": "loop", "label": "Some", "x": 480, "y": 0, "loopCount": "Flow.times + 1", "indexVariable": ""},
            {"id": "ask", "kind": "decision", "label": "Again?", "x": 720, "y": 120, "expression": "Flow.again"},
            {"id": "back", "kind": "jumpToTask", "label": "Back to Main", "x": 960, "y": 120},
            {"id": "bye", "kind": "disconnect", "label": "Bye", "x": 720, "y": 0}]"#,
        r#"[{"from": "start", "to": "main"}, {"from": "main", "to": "repeat"}, {"from": "repeat", "port": "loop", "to": "ask"},
            {"from": "ask", "port": "yes", "to": "back"}, {"from": "back", "port": "target", "to": "main"}, {"from": "repeat", "to": "bye"}]"#,
    );
    let mut call = Call::insisting(&document);
    assert!(matches!(call.start(), Event::Asks(Question::Count { .. })));
    assert!(matches!(call.answer(Answer::Count(3)).unwrap(), Event::Asks(Question::Condition { .. })));
    // Step back: the count is asked again, and a new answer counts.
    assert!(matches!(call.back(), Some(Event::Asks(Question::Count { .. }))));
    assert!(matches!(call.answer(Answer::Count(2)).unwrap(), Event::Asks(Question::Condition { .. })));
    // Yes: jump out of the loop to Main, which starts the loop afresh and asks its count again.
    assert!(
        matches!(call.answer(Answer::Condition(true)).unwrap(), Event::Asks(Question::Count { .. })),
        "at {}",
        id(&document, &call)
    );
    assert!(matches!(call.answer(Answer::Count(1)).unwrap(), Event::Asks(Question::Condition { .. })));
    // No: the decision's no path is open, so the turn ends; one turn was all, so the loop ends.
    let ended = call.answer(Answer::Condition(false)).unwrap();
    assert!(matches!(ended, Event::Ended(Ending::HungUp { .. })), "{ended:?}");
}

/// An update's value the simulator cannot evaluate is asked, typed by the variable's declaration.
#[test]
fn an_asked_value_keeps_its_declared_type() {
    let document = flow(
        r#"[{"name": "Flow.account", "type": "string"}, {"name": "Flow.n", "type": "integer"}]"#,
        r#"[{"id": "start", "kind": "start", "label": "Start", "x": 0, "y": 0},
            {"id": "a", "kind": "setVariable", "label": "Account", "x": 240, "y": 0, "variable": "Flow.account", "expression": "Substring(Call.Ani, 1, 5)"},
            {"id": "b", "kind": "setVariable", "label": "N", "x": 480, "y": 0, "variable": "Flow.n", "expression": "Round(2.5)"},
            {"id": "bye", "kind": "disconnect", "label": "Bye", "x": 720, "y": 0}]"#,
        r#"[{"from": "start", "to": "a"}, {"from": "a", "to": "b"}, {"from": "b", "to": "bye"}]"#,
    );
    let mut call = Call::insisting(&document);
    assert!(matches!(call.start(), Event::Asks(Question::Value { .. })));
    assert!(matches!(call.answer(Answer::Value("12345".into())).unwrap(), Event::Asks(Question::Value { .. })));
    assert!(matches!(call.answer(Answer::Value("3".into())).unwrap(), Event::Ended(Ending::HungUp { .. })));
    assert_eq!(call.state.variables["Flow.account"], callflow_core::evaluate::Value::Str("12345".into()));
    assert_eq!(call.state.variables["Flow.n"], callflow_core::evaluate::Value::Int(3));
}

/// A scenario saved before counts and values were asked replays with the old defaults.
#[test]
fn scenarios_saved_before_counts_and_values_were_asked_still_replay() {
    let mut document = flow(
        r#"[{"name": "Flow.when", "type": "string"}, {"name": "Flow.i", "type": "integer"}]"#,
        r#"[{"id": "start", "kind": "start", "label": "Start", "x": 0, "y": 0},
            {"id": "when", "kind": "setVariable", "label": "When", "x": 240, "y": 0, "variable": "Flow.when", "expression": "GetCurrentDateTimeUtc()"},
            {"id": "repeat", "kind": "loop", "label": "Some", "x": 480, "y": 0, "loopCount": "ToInt(Flow.when)", "indexVariable": "Flow.i"},
            {"id": "tick", "kind": "play", "label": "Tick", "x": 720, "y": 120, "prompt": "Tick."},
            {"id": "bye", "kind": "disconnect", "label": "Bye", "x": 720, "y": 0}]"#,
        r#"[{"from": "start", "to": "when"}, {"from": "when", "to": "repeat"}, {"from": "repeat", "port": "loop", "to": "tick"}, {"from": "repeat", "to": "bye"}]"#,
    );
    document.flow.scenarios = serde_json::from_str(
        r#"[{"name": "old", "answers": [], "expect": {"end": "hungUp", "node": "bye", "variables": {"Flow.when": "NOT_SET", "Flow.i": "0"}}},
            {"name": "new", "answers": [{"value": "x"}, {"count": 3}], "expect": {"end": "hungUp", "node": "bye", "variables": {"Flow.when": "x", "Flow.i": "2"}}}]"#,
    )
    .unwrap();
    let results = callflow_core::simulate::run_scenarios(&document);
    assert!(results.iter().all(|r| r.passed), "{results:?}");
}
