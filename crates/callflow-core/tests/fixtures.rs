//! Every diagnostic and doctor code, as data: `tests/fixtures/{check,doctor}/*.case`, whose findings
//! must match their `expect:` lines exactly (see `support`). Check cases patch the base documents in
//! `tests/fixtures/check/base`.

mod support;

use callflow_core::diagnostic::{Code, Severity};
use support::{run_folder, verify, Case};

/// Severities are part of the contract (spec §3 and §5).
fn expected_severity(code: Code) -> Severity {
    match code {
        Code::UnreachableNode
        | Code::UndeclaredVariable
        | Code::EmptyPrompt
        | Code::UnhandledTimeout
        | Code::UnusedModule
        | Code::ModuleNotDeployed
        | Code::UnknownPayload
        | Code::ExecutionUnknownField
        | Code::TutorialGraph => Severity::Warning,
        _ => Severity::Error,
    }
}

fn severity_problems(findings: &[callflow_core::Diagnostic]) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f.severity != expected_severity(f.code))
        .map(|f| format!("{} has severity {:?}", f.code, f.severity))
        .collect()
}

/// A code needs a case that expects it and a passing case that names it in an `absent:` line.
fn covered(cases: &[Case], code: Code) -> (bool, bool) {
    let fails = cases.iter().any(|c| c.expects.iter().any(|e| e.code == code.as_str()));
    let passes = cases.iter().any(|c| c.absents.iter().any(|a| a == code.as_str()));
    (fails, passes)
}

#[test]
fn check_cases() {
    let cases = run_folder("check", |case| {
        // Flow documents and projects alike, as `callflow check` reads them.
        let findings = callflow_core::project::check_project(&case.payload);
        let mut problems = verify(case, &findings);
        problems.extend(severity_problems(&findings));
        problems
    });
    let mut missing = Vec::new();
    for &code in Code::ALL.iter().filter(|c| c.is_validation()) {
        let (fails, passes) = covered(&cases, code);
        if !fails || !passes {
            missing.push(format!("{code}: failing case {fails}, passing case {passes}"));
        }
    }
    assert!(missing.is_empty(), "codes without cases:\n{}", missing.join("\n"));
}

#[test]
fn doctor_cases() {
    let cases = run_folder("doctor", |case| {
        let answer = callflow_core::doctor(&case.payload);
        let mut problems = verify(case, &answer.report.diagnostics);
        problems.extend(severity_problems(&answer.report.diagnostics));
        let fixed_text = answer.fixed.as_ref().map(|f| serde_json::to_string(f).unwrap());
        for rule in &case.fixed {
            let ok = match (rule.as_str(), &fixed_text) {
                ("null", fixed) => fixed.is_none(),
                ("opens", Some(fixed)) => callflow_core::parse(fixed).is_ok(),
                (rule, Some(fixed)) if rule.starts_with("!~") => !fixed.contains(&rule[2..]),
                (rule, Some(fixed)) if rule.starts_with('~') => fixed.contains(&rule[1..]),
                _ => false,
            };
            if !ok {
                problems.push(format!("fixed: {rule} does not hold for {fixed_text:?}"));
            }
        }
        problems
    });
    let mut missing = Vec::new();
    for &code in Code::ALL.iter().filter(|c| c.is_doctor_only() || **c == Code::InvalidDocument) {
        let (fails, passes) = covered(&cases, code);
        if !fails || !passes {
            missing.push(format!("{code}: failing case {fails}, passing case {passes}"));
        }
    }
    assert!(missing.is_empty(), "doctor codes without cases:\n{}", missing.join("\n"));
}

#[test]
fn codes_round_trip_through_their_text() {
    for &code in Code::ALL {
        assert_eq!(Code::parse(code.as_str()), Some(code));
        let json = serde_json::to_string(&code).unwrap();
        assert_eq!(json, format!("\"{}\"", code.as_str()));
    }
}
