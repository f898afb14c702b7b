//! A small block-style YAML writer for the Archy export.
//!
//! Why not a YAML crate's serializer: building a `Value` tree and serializing it with serde_norway (a
//! maintained fork of serde_yaml) took about 28–40 ms for a 2,000-node flow; writing the text directly
//! takes a small fraction of that. Every emitted document is parsed back with serde_norway in the tests
//! (and property-tested with arbitrary strings), so the writer cannot drift from what YAML parsers read.
//!
//! Layout: two spaces per level; a sequence item puts `- ` in the last two columns of its first key's
//! indentation. Scalars are written plain only when that is unambiguous, otherwise double-quoted.

pub(crate) struct YamlText {
    pub text: String,
}

impl YamlText {
    pub fn with_capacity(capacity: usize) -> YamlText {
        YamlText { text: String::with_capacity(capacity) }
    }

    fn start(&mut self, depth: usize, item: bool, key: &str) {
        let spaces = depth * 2;
        if item && spaces >= 2 {
            push_spaces(&mut self.text, spaces - 2);
            self.text.push_str("- ");
        } else {
            push_spaces(&mut self.text, spaces);
        }
        push_scalar(&mut self.text, key);
        self.text.push(':');
    }

    /// `key:` opening a nested mapping or sequence.
    pub fn key(&mut self, depth: usize, item: bool, key: &str) {
        self.start(depth, item, key);
        self.text.push('\n');
    }

    /// `key: value` with a string value.
    pub fn scalar(&mut self, depth: usize, item: bool, key: &str, value: &str) {
        self.start(depth, item, key);
        self.text.push(' ');
        push_scalar(&mut self.text, value);
        self.text.push('\n');
    }

    /// `key: <value>` for any JSON value (carried Archy keys): scalars inline, mappings and lists as
    /// blocks, empty ones as `{}` and `[]`.
    pub fn value(&mut self, depth: usize, item: bool, key: &str, value: &serde_json::Value) {
        use serde_json::Value;
        match value {
            Value::String(text) => self.scalar(depth, item, key, text),
            Value::Object(map) if map.is_empty() => self.raw(depth, item, key, "{}"),
            Value::Array(items) if items.is_empty() => self.raw(depth, item, key, "[]"),
            Value::Object(map) => {
                self.key(depth, item, key);
                for (inner, child) in map {
                    self.value(depth + 1, false, inner, child);
                }
            }
            Value::Array(items) => {
                self.key(depth, item, key);
                for child in items {
                    self.sequence_item(depth + 1, child);
                }
            }
            scalar => self.raw(depth, item, key, &scalar.to_string()),
        }
    }

    /// One item of a block sequence whose items' keys sit at `depth`.
    pub fn sequence_item(&mut self, depth: usize, value: &serde_json::Value) {
        use serde_json::Value;
        match value {
            Value::Object(map) if !map.is_empty() => {
                for (index, (key, child)) in map.iter().enumerate() {
                    self.value(depth, index == 0, key, child);
                }
            }
            other => {
                push_spaces(&mut self.text, depth.saturating_sub(1) * 2);
                self.text.push_str("- ");
                match other {
                    Value::String(text) => push_scalar(&mut self.text, text),
                    // Empty mappings and lists, numbers, booleans, null and nested lists: JSON is YAML.
                    other => self.text.push_str(&other.to_string()),
                }
                self.text.push('\n');
            }
        }
    }

    /// `key: 42` or `key: true`: a value written as is.
    pub fn raw(&mut self, depth: usize, item: bool, key: &str, value: &str) {
        self.start(depth, item, key);
        self.text.push(' ');
        self.text.push_str(value);
        self.text.push('\n');
    }
}

fn push_spaces(out: &mut String, count: usize) {
    const SPACES: &str = "                                                                ";
    let mut left = count;
    while left > 0 {
        let chunk = left.min(SPACES.len());
        out.push_str(&SPACES[..chunk]);
        left -= chunk;
    }
}

/// Writes `text` as a YAML scalar that always reads back as this exact string.
pub(crate) fn push_scalar(out: &mut String, text: &str) {
    if is_plain_safe(text) {
        out.push_str(text);
        return;
    }
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if !is_printable(c) || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Plain scalars are kept to a conservative subset: no indicator at the start, no `: ` or ` #`, no
/// leading or trailing space, nothing that YAML 1.1 or 1.2 would read as a bool, null or number.
fn is_plain_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else { return false };
    if first.is_whitespace() || text.ends_with(char::is_whitespace) || text.ends_with(':') {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) || first.is_ascii_digit() || matches!(first, '+' | '.') {
        return false;
    }
    let bytes = text.as_bytes();
    for (index, &byte) in bytes.iter().enumerate() {
        let next = bytes.get(index + 1).copied();
        let unsafe_ascii = match byte {
            b':' => next == Some(b' '),
            b' ' => next == Some(b'#'),
            0x20..=0x7e | 0x80..=0xff => false,
            _ => true,
        };
        if unsafe_ascii {
            return false;
        }
    }
    let special = |c: char| !is_printable(c) || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}');
    if !text.is_ascii() && text.chars().any(special) {
        return false;
    }
    !(text.len() <= 5
        && ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"]
            .iter()
            .any(|word| word.eq_ignore_ascii_case(text)))
}

/// YAML's printable set (YAML 1.2 §5.1), less the line breaks, which are never written raw.
fn is_printable(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}
