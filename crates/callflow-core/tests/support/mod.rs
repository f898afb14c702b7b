//! The one fixture helper: a `.case` file is a header (description, payload, expectations), and
//! either patches a base document or keeps its payload after a `---` line.
//!
//! ```text
//! # an invoke has no success port
//! base: seed-002
//! set: /flow/edges/1/port = "success"
//! expect: unknown-port node=auth edge=1 field=port
//! absent: duplicate-port-edge
//! ```
//!
//! `base: NAME` reads `base/NAME.project.json` (a project) or `base/NAME.flow.json` beside the case; the patch lines then apply in order,
//! each at a JSON Pointer (RFC 6901) into the base parsed as a `serde_json::Value`:
//! - `set: /pointer = JSON` replaces the value there, or adds the key at the end of an object;
//! - `remove: /pointer` removes an object key (the others keep their order) or an array element;
//! - `insert: /pointer/N = JSON` inserts into an array at index N (`-` for the end).
//!
//! The patched value, as `serde_json::to_string_pretty` text, is the payload. A case with `base:`
//! has no `---` section. A case keeps a literal payload after `---` where the exact text matters
//! (invalid JSON, line and column positions), and doctor cases always do:
//!
//! ```text
//! # a missing comma is reported with line and column
//! expect: invalid-document message~line 3
//! ---
//! { ...payload... }
//! ```
//!
//! Expectations are exact, as in rust-analyzer's `check_diagnostics`: every finding must match an
//! `expect:` line (else it is a false positive) and every `expect:` line a finding (else it is a
//! false negative); each pairs at most once, the lines with the most attributes first.
//! - `expect: CODE key=value key~text ...`: `key=value` must match exactly, `key~text` must be
//!   contained. Keys: node, edge, field, hint, message, severity. A value may contain spaces.
//! - `expect: none`: the payload has no findings at all.
//! - `absent: CODE`: a code the case comes close to without triggering. Exactness already implies
//!   it; it documents the near miss, and the coverage test counts it as the code's passing case.
//! - `fixed: RULE` (doctor only): `null`, `opens`, `~substring` or `!~substring` of the corrected
//!   payload.
//!
//! A case with no `expect:` and no `absent:` line asserts nothing and fails.

#![allow(dead_code)]

use std::fmt::Display;
use std::path::{Path, PathBuf};

use callflow_core::diagnostic::{Diagnostic, Severity};
use serde_json::Value;

pub struct Case {
    pub path: PathBuf,
    pub description: String,
    pub expects: Vec<Expectation>,
    /// `expect: none`: no findings at all.
    pub expects_none: bool,
    pub absents: Vec<String>,
    pub fixed: Vec<String>,
    pub payload: String,
}

pub struct Expectation {
    pub code: String,
    pub attributes: Vec<(String, bool, String)>,
    pub line: String,
}

/// One patch line of a case built on a base document.
enum Patch {
    Set(String, Value),
    Remove(String),
    Insert(String, Value),
}

const KEYS: [&str; 7] = ["flow", "node", "edge", "field", "hint", "message", "severity"];

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

fn fail(path: &Path, problem: impl Display) -> ! {
    panic!("{}: {problem}", path.display())
}

fn parse_case(path: &Path) -> Case {
    let text = std::fs::read_to_string(path).unwrap();
    let (header, literal) = match text.split_once("\n---\n") {
        Some((header, payload)) => (header, Some(payload.trim_end_matches('\n'))),
        None => (text.as_str(), None),
    };
    let mut case = Case {
        path: path.to_owned(),
        description: String::new(),
        expects: Vec::new(),
        expects_none: false,
        absents: Vec::new(),
        fixed: Vec::new(),
        payload: String::new(),
    };
    let mut base = None;
    let mut patches = Vec::new();
    for line in header.lines() {
        if let Some(rest) = line.strip_prefix("# ") {
            case.description = rest.to_owned();
        } else if let Some(rest) = line.strip_prefix("base: ") {
            base = Some(rest.trim());
        } else if let Some(rest) = line.strip_prefix("set: ") {
            let (pointer, value) = pointer_and_value(path, rest);
            patches.push(Patch::Set(pointer, value));
        } else if let Some(rest) = line.strip_prefix("remove: ") {
            patches.push(Patch::Remove(rest.trim().to_owned()));
        } else if let Some(rest) = line.strip_prefix("insert: ") {
            let (pointer, value) = pointer_and_value(path, rest);
            patches.push(Patch::Insert(pointer, value));
        } else if line.trim_end() == "expect: none" {
            case.expects_none = true;
        } else if let Some(rest) = line.strip_prefix("expect: ") {
            case.expects.push(parse_expectation(rest));
        } else if let Some(rest) = line.strip_prefix("absent: ") {
            case.absents.push(rest.trim().to_owned());
        } else if let Some(rest) = line.strip_prefix("fixed: ") {
            case.fixed.push(rest.to_owned());
        } else if !line.trim().is_empty() {
            fail(path, format!("cannot read header line {line:?}"));
        }
    }
    if case.expects_none && !case.expects.is_empty() {
        fail(path, "`expect: none` and other `expect:` lines");
    }
    case.payload = match (base, literal) {
        (Some(name), None) => patched_base(path, name, &patches),
        (None, Some(payload)) if patches.is_empty() => payload.to_owned(),
        (None, Some(_)) => fail(path, "set:, remove: and insert: lines need a base: line"),
        (Some(_), Some(_)) => fail(path, "a case with a base: line has no --- payload"),
        (None, None) => fail(path, "neither a base: line nor a --- line before the payload"),
    };
    case
}

/// Reads the `/pointer = JSON` of a `set:` or `insert:` line.
fn pointer_and_value(path: &Path, text: &str) -> (String, Value) {
    let Some((pointer, json)) = text.split_once(" = ") else {
        fail(path, format!("{text:?} is not `/pointer = JSON`"));
    };
    let value: Value = serde_json::from_str(json).unwrap_or_else(|error| fail(path, format!("{text:?}: {error}")));
    (pointer.trim().to_owned(), value)
}

/// The base document named by the case, patched, as pretty JSON text.
fn patched_base(path: &Path, name: &str, patches: &[Patch]) -> String {
    // A project base (`NAME.project.json`) or a flow document (`NAME.flow.json`).
    let project_path = path.with_file_name("base").join(format!("{name}.project.json"));
    let base_path = if project_path.exists() {
        project_path
    } else {
        path.with_file_name("base").join(format!("{name}.flow.json"))
    };
    let text = std::fs::read_to_string(&base_path)
        .unwrap_or_else(|error| fail(path, format!("cannot read {}: {error}", base_path.display())));
    let mut document: Value = serde_json::from_str(&text).unwrap_or_else(|error| fail(&base_path, error));
    for patch in patches {
        if let Err(problem) = apply(&mut document, patch) {
            fail(path, problem);
        }
    }
    serde_json::to_string_pretty(&document).unwrap()
}

/// Applies one patch line; the error names the pointer that does not fit the document.
fn apply(document: &mut Value, patch: &Patch) -> Result<(), String> {
    let pointer = match patch {
        Patch::Set(pointer, _) | Patch::Remove(pointer) | Patch::Insert(pointer, _) => pointer,
    };
    let Some((parent_pointer, last)) = pointer.rsplit_once('/').filter(|_| pointer.starts_with('/')) else {
        return Err(format!("{pointer:?} is not a JSON Pointer"));
    };
    let key = last.replace("~1", "/").replace("~0", "~");
    let Some(parent) = document.pointer_mut(parent_pointer) else {
        return Err(format!("{pointer:?}: the base has nothing at {parent_pointer:?}"));
    };
    let applied = match (patch, parent) {
        (Patch::Set(_, value), Value::Object(map)) => {
            map.insert(key, value.clone());
            true
        }
        (Patch::Set(_, value), Value::Array(list)) => {
            match key.parse().ok().and_then(|index: usize| list.get_mut(index)) {
                Some(slot) => {
                    *slot = value.clone();
                    true
                }
                None => false,
            }
        }
        (Patch::Remove(_), Value::Object(map)) => map.shift_remove(&key).is_some(),
        (Patch::Remove(_), Value::Array(list)) => match key.parse::<usize>() {
            Ok(index) if index < list.len() => {
                list.remove(index);
                true
            }
            _ => false,
        },
        (Patch::Insert(_, value), Value::Array(list)) => {
            let index = if key == "-" { Ok(list.len()) } else { key.parse::<usize>() };
            match index {
                Ok(index) if index <= list.len() => {
                    list.insert(index, value.clone());
                    true
                }
                _ => false,
            }
        }
        _ => false,
    };
    if applied {
        Ok(())
    } else {
        Err(format!("{pointer:?} does not fit the document"))
    }
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
        "flow" => finding.flow.as_deref().map(str::to_owned),
        "node" => finding.node.clone(),
        "edge" => finding.edge.map(|e| e.to_string()),
        "field" => finding.field.as_deref().map(str::to_owned),
        "hint" => finding.hint.as_deref().map(str::to_owned),
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

/// The `expect:` line that pins a finding by its code, node, edge and field.
fn expect_line(finding: &Diagnostic) -> String {
    let mut line = finding.code.as_str().to_owned();
    for key in ["flow", "node", "edge", "field"] {
        if let Some(value) = attribute_of(finding, key) {
            line.push_str(&format!(" {key}={value}"));
        }
    }
    line
}

/// Pairs the findings with the case's `expect:` lines; returns the problems, one each: the false
/// negatives (lines no finding matched), then the false positives (findings no line matched).
pub fn verify(case: &Case, findings: &[Diagnostic]) -> Vec<String> {
    let mut problems = Vec::new();
    if case.expects.is_empty() && case.absents.is_empty() && !case.expects_none {
        problems.push("the case asserts nothing".to_owned());
    }
    for code in &case.absents {
        if case.expects.iter().any(|expectation| &expectation.code == code) {
            problems.push(format!("`absent: {code}` contradicts an `expect: {code}` line"));
        }
    }
    // The lines with the most attributes pair first, so a bare `expect: CODE` cannot take the
    // finding a longer line needs.
    let mut order: Vec<usize> = (0..case.expects.len()).collect();
    order.sort_by_key(|&index| std::cmp::Reverse(case.expects[index].attributes.len()));
    let mut taken = vec![false; findings.len()];
    let mut unmatched = Vec::new();
    for index in order {
        let expectation = &case.expects[index];
        let found = findings.iter().zip(&taken).position(|(finding, taken)| !*taken && matches(finding, expectation));
        match found {
            Some(finding) => taken[finding] = true,
            None => unmatched.push(index),
        }
    }
    unmatched.sort_unstable();
    for index in unmatched {
        problems.push(format!("false negative: no finding matches `expect: {}`", case.expects[index].line));
    }
    for (finding, taken) in findings.iter().zip(&taken) {
        if !*taken {
            problems.push(format!(
                "false positive: {}\n    (pin it with `expect: {}`)",
                finding.to_text(),
                expect_line(finding)
            ));
        }
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
