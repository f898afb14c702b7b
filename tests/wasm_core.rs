//! The shared core compiled to WebAssembly and run in headless Chromium (wasm-bindgen-test): the
//! same validator and exports the designer uses, on the bundled templates and on broken input, and
//! the cost of validation in wasm at 10,000 nodes (printed, never asserted: timings are not tests).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const TEMPLATES: [&str; 4] = [
    include_str!("../public/templates/seed-002-verify-then-queue.flow.json"),
    include_str!("../public/templates/business-hours-menu.flow.json"),
    include_str!("../public/templates/data-action-lookup.flow.json"),
    include_str!("../public/templates/three-modules.flow.json"),
];

#[wasm_bindgen_test]
fn templates_validate_clean_and_export_in_wasm() {
    for text in TEMPLATES {
        assert!(callflow_core::check(text).is_empty());
        let document = callflow_core::parse(text).unwrap();
        let yaml = callflow_core::export::archy(&document).unwrap().yaml;
        assert!(yaml.starts_with("inboundCall:\n"));
    }
}

#[wasm_bindgen_test]
fn broken_input_becomes_findings_in_wasm() {
    let findings = callflow_core::check("{\"format\": \"callflow/v1\", \"flow\": 3}");
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].code.as_str(), "invalid-document");
    let answer = callflow_core::doctor("{\"flowId\": \"f\", \"inputs\": {\"customerId\": \"C-1\"}}");
    assert_eq!(answer.fixed.unwrap()["inputData"]["Flow.customerId"], "C-1");
}

/// Full validation and one incremental field edit at 10,000 nodes of both generated shapes, in
/// wasm: the results are checked, the medians printed (`cargo xtask test` shows them).
#[wasm_bindgen_test]
fn validation_at_10k_nodes_in_wasm() {
    use callflow_core::command::{apply, Command};
    use callflow_core::validate::{is_content_edit, Validation};
    use callflow_core::FlowIndex;
    let performance = web_sys::window().and_then(|w| w.performance()).expect("a browser has performance");
    let median = |mut times: Vec<f64>| {
        times.sort_by(f64::total_cmp);
        times[times.len() / 2]
    };
    for (shape, mut document, id) in [
        ("grid", callflow_core::testing::large_flow(10_000), "b700_play"),
        ("chain", callflow_core::testing::chain_flow(10_000), "p2000"),
    ] {
        let mut full = Vec::new();
        for _ in 0..15 {
            let started = performance.now();
            let findings = callflow_core::validate(&document);
            full.push(performance.now() - started);
            assert!(findings.is_empty());
        }
        let index = FlowIndex::build(&document);
        let at = index.node(&document, id).unwrap();
        let mut validation = Validation::full(&document, &index);
        let mut incremental = Vec::new();
        for round in 0..15 {
            let before = document.flow.nodes[at].clone();
            let mut node = before.clone();
            node.label = format!("Edited {round}");
            let started = performance.now();
            apply(&mut document, &Command::UpdateNode { id: id.to_owned(), node }).unwrap();
            assert!(is_content_edit(&before, &document.flow.nodes[at]));
            validation.recheck_node(&document, &index, at);
            let count = validation.findings().count();
            incremental.push(performance.now() - started);
            assert_eq!(count, 0);
        }
        console_log!(
            "wasm, {shape} of 10,000 nodes: full validation median {:.2} ms; one field edit re-checked {:.3} ms",
            median(full),
            median(incremental)
        );
    }
}
