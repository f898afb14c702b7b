//! Any bytes through parse → validate → every export, and through the doctor. Nothing may panic,
//! and an export must be refused exactly when validation reports an error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = callflow_core::doctor(text);
    let Ok(document) = callflow_core::parse(text) else { return };
    let findings = callflow_core::validate(&document);
    let has_errors = findings.iter().any(|f| f.is_error());
    let archy = callflow_core::export::archy(&document);
    assert_eq!(archy.is_err(), has_errors);
    let _ = callflow_core::export::terraform(&document);
    let again = callflow_core::parse(&document.to_json()).expect("the normalised document parses");
    assert_eq!(again, document);
});
