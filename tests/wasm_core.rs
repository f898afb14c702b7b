//! The shared core compiled to WebAssembly and run in headless Chromium (wasm-bindgen-test): the
//! same validator and exports the designer uses, on the bundled templates and on broken input.
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
