//! The shared core of Callflow Studio: flow document v1 (spec `flow-document.md`), edits as
//! commands with inverses, validation with stable diagnostic codes, exports (Archy YAML, Terraform,
//! flow-execution requests, the normalised document) and the payload doctor.
//!
//! Invariants:
//! - The core does no IO: no files, no network, no clock, no randomness. Callers pass text in and
//!   get values out; the browser app, the CLI and the sandbox all share it unchanged.
//! - Nothing here panics on any input: parse errors and bad documents become findings.
//! - Validation and export are linear in nodes + edges: ids are resolved once per revision by
//!   [`index::FlowIndex`], and hints spend a bounded number of comparisons.

pub mod archy_codec;
pub mod command;
pub mod diagnostic;
pub mod doctor;
pub mod document;
pub mod evaluate;
pub mod export;
pub mod expression;
pub mod extract;
pub mod hint;
pub mod import;
pub mod index;
pub mod layout;
pub mod project;
pub mod schema;
pub mod share;
pub mod simulate;
#[cfg(feature = "testing")]
pub mod testing;
pub mod validate;

pub use command::{apply, Command, CommandError};
pub use diagnostic::{Code, Diagnostic, Report, Severity};
pub use doctor::{doctor, DoctorReport};
pub use document::{parse, Document, Edge, Module, Node, NodeBody, NodeKind};
pub use index::FlowIndex;
pub use project::{parse_project, validate_project, Project};
pub use validate::validate;

/// Parses then validates: what `callflow check` and the designer's problems panel show.
pub fn check(text: &str) -> Vec<Diagnostic> {
    match parse(text) {
        Ok(document) => validate(&document),
        Err(finding) => vec![finding],
    }
}
