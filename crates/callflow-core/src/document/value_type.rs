//! The value types of variables, module inputs and outputs: `string`, `integer`, … and lists of one
//! (`string[]`), with the spellings, articles and JSON Schema the wire format uses.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The value types of variables, module inputs and outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueType {
    String,
    Integer,
    Decimal,
    Boolean,
    Date,
    DateTime,
    Duration,
}

/// A value type, or a list of one (`string[]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TypeName {
    pub base: ValueType,
    pub list: bool,
}

impl ValueType {
    pub const ALL: [ValueType; 7] = [
        ValueType::String,
        ValueType::Integer,
        ValueType::Decimal,
        ValueType::Boolean,
        ValueType::Date,
        ValueType::DateTime,
        ValueType::Duration,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ValueType::String => "string",
            ValueType::Integer => "integer",
            ValueType::Decimal => "decimal",
            ValueType::Boolean => "boolean",
            ValueType::Date => "date",
            ValueType::DateTime => "datetime",
            ValueType::Duration => "duration",
        }
    }
}

impl TypeName {
    pub const fn scalar(base: ValueType) -> Self {
        TypeName { base, list: false }
    }

    pub fn parse(text: &str) -> Option<TypeName> {
        let (base_text, list) = match text.strip_suffix("[]") {
            Some(base) => (base, true),
            None => (text, false),
        };
        let base = ValueType::ALL.into_iter().find(|t| t.as_str() == base_text)?;
        Some(TypeName { base, list })
    }

    /// Every accepted spelling, for error messages and the JSON Schema.
    pub fn all_names() -> Vec<String> {
        ValueType::ALL.iter().flat_map(|t| [t.as_str().to_owned(), format!("{}[]", t.as_str())]).collect()
    }
}

impl TypeName {
    /// The type with its article, for messages: "an integer", "a string", "a list of date".
    pub fn with_article(self) -> String {
        if self.list {
            return format!("a list of {}", self.base.as_str());
        }
        match self.base {
            ValueType::Integer => "an integer".to_owned(),
            other => format!("a {}", other.as_str()),
        }
    }
}

impl std::fmt::Display for TypeName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.base.as_str())?;
        if self.list {
            f.write_str("[]")?;
        }
        Ok(())
    }
}

impl Serialize for TypeName {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TypeName {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        TypeName::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown type \"{text}\", expected one of {}",
                TypeName::all_names().join(", ")
            ))
        })
    }
}

impl JsonSchema for TypeName {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "TypeName".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "enum": TypeName::all_names(),
            "description": "A value type, or a list of one written with []."
        })
    }
}
