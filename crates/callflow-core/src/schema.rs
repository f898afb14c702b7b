//! The JSON Schemas of flow document v1 and project v1, generated from the types. The committed
//! copies live at `public/schema/flow-v1.json` and `public/schema/project-v1.json`; a test fails
//! when one is stale (`cargo xtask schema` rewrites them).

use crate::document::wire::Document;
use crate::project::ProjectFile;

/// The flow document schema as pretty JSON text, ending in a newline.
pub fn flow_v1_schema() -> String {
    with_id(schemars::schema_for!(Document).to_value(), "https://callflow.studio/schema/flow-v1.json")
}

/// The project schema as pretty JSON text, ending in a newline.
pub fn project_v1_schema() -> String {
    with_id(schemars::schema_for!(ProjectFile).to_value(), "https://callflow.studio/schema/project-v1.json")
}

fn with_id(mut value: serde_json::Value, id: &str) -> String {
    if let Some(object) = value.as_object_mut() {
        object.insert("$id".to_owned(), serde_json::Value::String(id.to_owned()));
    }
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}
