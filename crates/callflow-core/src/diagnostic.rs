//! Findings: the stable codes of spec §3 and §5, and the finding shape shared by `check` and `doctor`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

macro_rules! codes {
    ($( $variant:ident = $text:literal, )*) => {
        /// Every finding code. The text is stable; messages are for people and may change.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Code {
            $( #[serde(rename = $text)] $variant, )*
        }

        impl Code {
            pub const ALL: &'static [Code] = &[$( Code::$variant, )*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $( Code::$variant => $text, )*
                }
            }

            pub fn parse(text: &str) -> Option<Code> {
                match text {
                    $( $text => Some(Code::$variant), )*
                    _ => None,
                }
            }
        }
    };
}

codes! {
    InvalidDocument = "invalid-document",
    EmptyName = "empty-name",
    DuplicateNodeId = "duplicate-node-id",
    InvalidNodeId = "invalid-node-id",
    MissingStart = "missing-start",
    MultipleStart = "multiple-start",
    DanglingEdge = "dangling-edge",
    UnknownPort = "unknown-port",
    DuplicatePortEdge = "duplicate-port-edge",
    EdgeIntoStart = "edge-into-start",
    MissingPath = "missing-path",
    UnreachableNode = "unreachable-node",
    NoExitLoop = "no-exit-loop",
    UnknownModule = "unknown-module",
    ModuleNotPublished = "module-not-published",
    ModuleIncompatible = "module-incompatible",
    MissingRequiredInput = "missing-required-input",
    UnknownInput = "unknown-input",
    UnknownOutput = "unknown-output",
    InputTypeMismatch = "input-type-mismatch",
    InvalidVariableName = "invalid-variable-name",
    UndeclaredVariable = "undeclared-variable",
    BadExpression = "bad-expression",
    ConflictingErrorHandlers = "conflicting-error-handlers",
    MissingQueue = "missing-queue",
    DuplicateMenuDigit = "duplicate-menu-digit",
    InvalidTimeout = "invalid-timeout",
    EmptyPrompt = "empty-prompt",
    UnhandledTimeout = "unhandled-timeout",
    JumpTarget = "jump-target",
    MissingTarget = "missing-target",
    MissingInputVariable = "missing-input-variable",
    BadNumber = "bad-number",
    BadDigitRange = "bad-digit-range",
    UnresolvedReference = "unresolved-reference",
    EmptyAttributeName = "empty-attribute-name",
    BadDuration = "bad-duration",
    AmbiguousDestination = "ambiguous-destination",
    ModuleCallsModule = "module-calls-module",
    EndOutsideModule = "end-outside-module",
    UnusedModule = "unused-module",
    ModuleNotDeployed = "module-not-deployed",
    DuplicateFlowName = "duplicate-flow-name",
    // Doctor codes (spec §5).
    UnknownPayload = "unknown-payload",
    ExecutionMissingFlowId = "execution-missing-flow-id",
    ExecutionInputsField = "execution-inputs-field",
    ExecutionUnprefixedKey = "execution-unprefixed-key",
    ExecutionNestedInput = "execution-nested-input",
    ExecutionUnknownField = "execution-unknown-field",
    DataActionInvoke = "data-action-invoke",
    TutorialGraph = "tutorial-graph",
}

impl Code {
    /// The codes `validate` may return (spec §3).
    pub fn is_validation(self) -> bool {
        !self.is_doctor_only()
    }

    /// The codes only the doctor returns (spec §5; `invalid-document` is shared).
    pub fn is_doctor_only(self) -> bool {
        matches!(
            self,
            Code::UnknownPayload
                | Code::ExecutionMissingFlowId
                | Code::ExecutionInputsField
                | Code::ExecutionUnprefixedKey
                | Code::ExecutionNestedInput
                | Code::ExecutionUnknownField
                | Code::DataActionInvoke
                | Code::TutorialGraph
        )
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding, pinned to a node, an edge (its index in `flow.edges`) and a field where it can be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    /// In a project: the name of the flow or module the finding is in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow: Option<Box<str>>,
    pub node: Option<String>,
    pub edge: Option<usize>,
    pub field: Option<Box<str>>,
    pub message: String,
    /// Boxed, as `flow` is, so a finding stays 128 bytes (findings are returned in `Result`s).
    pub hint: Option<Box<str>>,
}

impl Diagnostic {
    pub fn new(severity: Severity, code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity,
            code,
            flow: None,
            node: None,
            edge: None,
            field: None,
            message: message.into(),
            hint: None,
        }
    }

    pub fn error(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, code, message)
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Warning, code, message)
    }

    /// Names the flow of a project the finding is in.
    pub fn in_flow(mut self, flow: &str) -> Diagnostic {
        self.flow = Some(flow.into());
        self
    }

    pub fn with_node(mut self, node: &str) -> Diagnostic {
        self.node = Some(node.to_owned());
        self
    }

    pub fn with_edge(mut self, edge: usize) -> Diagnostic {
        self.edge = Some(edge);
        self
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Diagnostic {
        self.field = Some(field.into().into_boxed_str());
        self
    }

    pub fn with_field_opt(mut self, field: Option<String>) -> Diagnostic {
        self.field = field.map(String::into_boxed_str);
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into().into_boxed_str());
        self
    }

    pub fn with_hint_opt(mut self, hint: Option<String>) -> Diagnostic {
        self.hint = hint.map(String::into_boxed_str);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// One line for people: `error[unknown-input] node auth, inputs.customerId: message (hint)`.
    pub fn to_text(&self) -> String {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut place = Vec::new();
        if let Some(flow) = &self.flow {
            place.push(format!("flow \"{flow}\""));
        }
        if let Some(node) = &self.node {
            place.push(format!("node {node}"));
        }
        if let Some(edge) = self.edge {
            place.push(format!("edge {edge}"));
        }
        if let Some(field) = &self.field {
            place.push(field.to_string());
        }
        let mut line = format!("{severity}[{}]", self.code);
        if !place.is_empty() {
            line.push(' ');
            line.push_str(&place.join(", "));
        }
        line.push_str(": ");
        line.push_str(&self.message);
        if let Some(hint) = &self.hint {
            line.push_str("\n  hint: ");
            line.push_str(hint);
        }
        line
    }
}

/// The summary object of `callflow check --format json` (spec §4) and `callflow doctor` (with `fixed`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub ok: bool,
    pub errors: usize,
    pub warnings: usize,
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    pub fn new(diagnostics: Vec<Diagnostic>) -> Report {
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        Report { ok: errors == 0, errors, warnings: diagnostics.len() - errors, diagnostics }
    }
}

/// Does the list hold at least one error?
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}
