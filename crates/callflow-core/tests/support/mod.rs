//! The one fixture helper: `.case` files hold expectations, `---`, then the payload.
//!
//! ```text
//! # what the case shows
//! expect: unknown-input node=auth field=inputs.customerId hint~Common.customerId
//! absent: missing-path
//! fixed: ~"Flow.customerId"        (doctor only: null | opens | ~substring | !~substring)
//! ---
//! { ...payload... }
//! ```
//! `key=value` must match exactly, `key~text` must be contained. Keys: node, edge, field, hint,
//! message, severity. A value may contain spaces.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use callflow_core::diagnostic::{Diagnostic, Severity};

pub struct Case {
    pub path: PathBuf,
    pub description: String,
    pub expects: Vec<Expectation>,
    pub absents: Vec<String>,
    pub fixed: Vec<String>,
    pub payload: String,
}

pub struct Expectation {
    pub code: String,
    pub attributes: Vec<(String, bool, String)>,
    pub line: String,
}

const KEYS: [&str; 6] = ["node", "edge", "field", "hint", "message", "severity"];

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn load_cases(folder: &str) -> Vec<Case> {
    let dir = fixtures_dir().join(folder);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "case"))
        .collect();
    paths.sort();
    paths.into_iter().map(|path| parse_case(&path)).collect()
}

fn parse_case(path: &Path) -> Case {
    let text = std::fs::read_to_string(path).unwrap();
    let (header, payload) = text
        .split_once("\n---\n")
        .unwrap_or_else(|| panic!("{}: no --- line between expectations and payload", path.display()));
    let mut case = Case {
        path: path.to_owned(),
        description: String::new(),
        expects: Vec::new(),
        absents: Vec::new(),
        fixed: Vec::new(),
        payload: payload.trim_end_matches('\n').to_owned(),
    };
    for line in header.lines() {
        if let Some(rest) = line.strip_prefix("# ") {
            case.description = rest.to_owned();
        } else if let Some(rest) = line.strip_prefix("expect: ") {
            case.expects.push(parse_expectation(rest));
        } else if let Some(rest) = line.strip_prefix("absent: ") {
            case.absents.push(rest.trim().to_owned());
        } else if let Some(rest) = line.strip_prefix("fixed: ") {
            case.fixed.push(rest.to_owned());
        } else if !line.trim().is_empty() {
            panic!("{}: cannot read header line {line:?}", path.display());
        }
    }
    case
}

fn parse_expectation(text: &str) -> Expectation {
    let mut tokens = text.split(' ');
    let code = tokens.next().unwrap_or_default().to_owned();
    let mut attributes: Vec<(String, bool, String)> = Vec::new();
    for token in tokens {
        let start = KEYS.iter().find_map(|key| {
            let rest = token.strip_prefix(key)?;
            if let Some(value) = rest.strip_prefix('=') {
                Some((key.to_string(), false, value.to_owned()))
            } else {
                rest.strip_prefix('~').map(|value| (key.to_string(), true, value.to_owned()))
            }
        });
        match (start, attributes.last_mut()) {
            (Some(attribute), _) => attributes.push(attribute),
            (None, Some(last)) => {
                last.2.push(' ');
                last.2.push_str(token);
            }
            (None, None) => panic!("expectation {text:?}: {token:?} is not key=value"),
        }
    }
    Expectation { code, attributes, line: text.to_owned() }
}

fn attribute_of(finding: &Diagnostic, key: &str) -> Option<String> {
    match key {
        "node" => finding.node.clone(),
        "edge" => finding.edge.map(|e| e.to_string()),
        "field" => finding.field.clone(),
        "hint" => finding.hint.clone(),
        "message" => Some(finding.message.clone()),
        "severity" => Some(match finding.severity {
            Severity::Error => "error".to_owned(),
            Severity::Warning => "warning".to_owned(),
        }),
        _ => None,
    }
}

fn matches(finding: &Diagnostic, expectation: &Expectation) -> bool {
    finding.code.as_str() == expectation.code
        && expectation.attributes.iter().all(|(key, contains, wanted)| match attribute_of(finding, key) {
            Some(actual) if *contains => actual.contains(wanted.as_str()),
            Some(actual) => &actual == wanted,
            None => false,
        })
}

/// Checks the findings against the case; returns the problems, one line each.
pub fn verify(case: &Case, findings: &[Diagnostic]) -> Vec<String> {
    let mut problems = Vec::new();
    let shown = || findings.iter().map(|f| format!("    {}", f.to_text())).collect::<Vec<_>>().join("\n");
    for expectation in &case.expects {
        if !findings.iter().any(|finding| matches(finding, expectation)) {
            problems.push(format!("expected `{}`, got:\n{}", expectation.line, shown()));
        }
    }
    for code in &case.absents {
        if findings.iter().any(|finding| finding.code.as_str() == code) {
            problems.push(format!("expected no `{code}`, got:\n{}", shown()));
        }
    }
    if case.expects.is_empty() && case.absents.is_empty() {
        problems.push("the case asserts nothing".to_owned());
    }
    problems
}

/// Runs every case of a folder through `run` and fails with all problems at once.
pub fn run_folder(folder: &str, mut run: impl FnMut(&Case) -> Vec<String>) -> Vec<Case> {
    let cases = load_cases(folder);
    assert!(!cases.is_empty(), "no cases in {folder}");
    let mut failures = Vec::new();
    for case in &cases {
        for problem in run(case) {
            failures.push(format!("{} ({}): {problem}", case.path.display(), case.description));
        }
    }
    assert!(failures.is_empty(), "{} problem(s):\n{}", failures.len(), failures.join("\n"));
    cases
}
