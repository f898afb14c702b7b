//! The JSON Schema of flow document v1, generated from the types. The committed copy lives at
//! `public/schema/flow-v1.json`; a test fails when it is stale (`cargo xtask schema` rewrites it).

use crate::document::wire::Document;

/// The schema as pretty JSON text, ending in a newline.
pub fn flow_v1_schema() -> String {
    let schema = schemars::schema_for!(Document);
    let mut value = schema.to_value();
    if let Some(object) = value.as_object_mut() {
        object.insert(
            "$id".to_owned(),
            serde_json::Value::String("https://callflow.studio/schema/flow-v1.json".to_owned()),
        );
    }
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}
