//! The part of Architect's expression language the validator understands: literals, single
//! variables, balanced quotes and parentheses, and the variables an expression mentions.
//! A longer expression is otherwise taken as is (spec §1).

use crate::document::{TypeName, ValueType};

/// What a whole expression is, as far as the validator can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape<'a> {
    /// `"text"`, `42`, `4.5`, `true`, `false`.
    Literal(ValueType),
    /// `NOT_SET`.
    NotSet,
    /// A single variable such as `Call.Ani` or `Flow.verified`.
    Variable(&'a str),
    /// Anything longer.
    Other,
}

/// Why an expression is malformed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpressionError {
    Empty,
    UnclosedQuote { at: usize },
    UnbalancedParenthesis { at: usize },
    UnclosedParenthesis { count: usize },
}

impl std::fmt::Display for ExpressionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExpressionError::Empty => write!(f, "the expression is empty"),
            ExpressionError::UnclosedQuote { at } => {
                write!(f, "the quote opened at character {} is never closed", at + 1)
            }
            ExpressionError::UnbalancedParenthesis { at } => {
                write!(f, "the \")\" at character {} closes nothing", at + 1)
            }
            ExpressionError::UnclosedParenthesis { count } => {
                write!(f, "{count} \"(\" never closed")
            }
        }
    }
}

/// Checks quotes and parentheses. Architect string literals use double quotes; a doubled `""` inside
/// one is an escaped quote, which this scan handles naturally (close, then reopen).
pub fn check(expression: &str) -> Result<(), ExpressionError> {
    if expression.trim().is_empty() {
        return Err(ExpressionError::Empty);
    }
    let mut depth = 0usize;
    let mut quote_start: Option<usize> = None;
    for (index, byte) in expression.bytes().enumerate() {
        match (quote_start, byte) {
            (Some(_), b'"') => quote_start = None,
            (Some(_), _) => {}
            (None, b'"') => quote_start = Some(index),
            (None, b'(') => depth += 1,
            (None, b')') => {
                if depth == 0 {
                    return Err(ExpressionError::UnbalancedParenthesis { at: index });
                }
                depth -= 1;
            }
            (None, _) => {}
        }
    }
    if let Some(at) = quote_start {
        return Err(ExpressionError::UnclosedQuote { at });
    }
    if depth > 0 {
        return Err(ExpressionError::UnclosedParenthesis { count: depth });
    }
    Ok(())
}

/// Classifies a well-formed expression. It looks at the first byte to try only the shape that can
/// match (this runs for every expression and mapping of a flow on every full validation).
pub fn shape(expression: &str) -> Shape<'_> {
    let text = expression.trim();
    match text.as_bytes().first() {
        Some(b'"') if text.len() >= 2 && text.ends_with('"') && is_single_string(text) => {
            return Shape::Literal(ValueType::String);
        }
        Some(b'-' | b'0'..=b'9') => {
            if is_integer(text) {
                return Shape::Literal(ValueType::Integer);
            }
            if is_decimal(text) {
                return Shape::Literal(ValueType::Decimal);
            }
        }
        Some(first) if first.is_ascii_alphabetic() => match text {
            "true" | "false" => return Shape::Literal(ValueType::Boolean),
            "NOT_SET" => return Shape::NotSet,
            _ if is_variable(text) => return Shape::Variable(text),
            _ => {}
        },
        _ => {}
    }
    Shape::Other
}

/// `"a"` is one literal; `"a" + "b"` is not.
fn is_single_string(text: &str) -> bool {
    let inner = &text[1..text.len() - 1];
    // Inside, quotes may only appear doubled (escaped).
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' {
            if chars.peek() == Some(&'"') {
                chars.next();
            } else {
                return false;
            }
        }
    }
    true
}

fn is_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn is_decimal(text: &str) -> bool {
    let body = text.strip_prefix('-').unwrap_or(text);
    match body.split_once('.') {
        Some((whole, fraction)) => {
            !whole.is_empty()
                && !fraction.is_empty()
                && whole.bytes().all(|b| b.is_ascii_digit())
                && fraction.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// An identifier: a letter followed by letters, digits or `_`.
pub fn is_identifier(text: &str) -> bool {
    let mut bytes = text.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic()) && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// `Scope.identifier`, optionally with more `.identifier` parts (`Call.Ani`, `Flow.customer`).
pub fn is_variable(text: &str) -> bool {
    // One pass over the bytes: every part starts with a letter, the rest of a part is letters,
    // digits or `_`, and there are at least two parts.
    let mut parts = 1;
    let mut at_part_start = true;
    for byte in text.bytes() {
        if at_part_start {
            if !byte.is_ascii_alphabetic() {
                return false;
            }
            at_part_start = false;
        } else if byte == b'.' {
            parts += 1;
            at_part_start = true;
        } else if !(byte.is_ascii_alphanumeric() || byte == b'_') {
            return false;
        }
    }
    !at_part_start && parts >= 2
}

/// Is `name` `<scope>.<identifier>` exactly?
pub fn is_scoped_name(name: &str, scope: &str) -> bool {
    name.strip_prefix(scope).and_then(|rest| rest.strip_prefix('.')).is_some_and(is_identifier)
}

/// The `Flow.x` variables an expression reads, outside string literals, in order of appearance.
pub fn flow_variables(expression: &str) -> FlowVariables<'_> {
    scoped_variables(expression, "Flow")
}

/// The `<scope>.x` variables an expression reads (`Common.x` in a common module), as
/// [`flow_variables`] does for `Flow`.
pub fn scoped_variables<'a>(expression: &'a str, scope: &'static str) -> FlowVariables<'a> {
    FlowVariables { expression, scope: scope.as_bytes(), index: 0, in_string: false }
}

/// Iterator over the variables of one scope in an expression (no allocation).
pub struct FlowVariables<'a> {
    expression: &'a str,
    /// The scope's name (`Flow`), matched before a `.`.
    scope: &'static [u8],
    index: usize,
    in_string: bool,
}

impl<'a> Iterator for FlowVariables<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let bytes = self.expression.as_bytes();
        while self.index < bytes.len() {
            let index = self.index;
            let byte = bytes[index];
            self.index += 1;
            if byte == b'"' {
                self.in_string = !self.in_string;
                continue;
            }
            if self.in_string || Some(&byte) != self.scope.first() {
                continue;
            }
            let starts_word = index == 0 || !is_word_byte(bytes[index - 1]);
            let prefix = self.scope.len() + 1;
            if starts_word
                && bytes[index..].starts_with(self.scope)
                && bytes.get(index + self.scope.len()) == Some(&b'.')
            {
                let mut end = index + prefix;
                while end < bytes.len() && is_word_byte(bytes[end]) {
                    end += 1;
                }
                self.index = end;
                if end > index + prefix {
                    // Both ends are ASCII bytes, so they are char boundaries.
                    return Some(&self.expression[index..end]);
                }
            }
        }
        None
    }
}

fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'.'
}

/// The types of the built-in call variables the validator knows.
pub fn builtin_type(variable: &str) -> Option<TypeName> {
    let base = match variable {
        "Call.Ani"
        | "Call.Dnis"
        | "Call.CalledAddress"
        | "Call.CalledAddressOriginal"
        | "Call.CallingAddress"
        | "Call.CallingAddressOriginal"
        | "Call.CallingParty"
        | "Call.ConversationId"
        | "Call.Language"
        | "Call.RemoteName" => ValueType::String,
        "Call.CurrentLanguage" => ValueType::String,
        _ => return None,
    };
    Some(TypeName::scalar(base))
}

/// Can a value of type `actual` be given where `expected` is declared? Integers widen to decimals.
pub fn assignable(expected: TypeName, actual: TypeName) -> bool {
    expected == actual
        || (expected.list == actual.list && expected.base == ValueType::Decimal && actual.base == ValueType::Integer)
}
