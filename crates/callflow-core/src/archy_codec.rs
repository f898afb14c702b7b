//! How the designer's fields read and write Archy keys, shared by the import and the export so that
//! the two cannot disagree.
//!
//! Each modeled key has a decoder (Archy value → the field's value, `None` when the value has a
//! form the designer does not model) and the export writes the key's canonical form. An imported
//! action keeps its keys as written; on export a modeled key is written as it came whenever it
//! still decodes to the node's current value, so an import → export without edits gives back the
//! same data, and an edit changes only the keys it touched.

use serde_json::{json, Map, Value as Json};

use crate::document::{ArchyKeys, Mapping};

/// The text of a `tts` audio (`audio: {tts: ...}`).
pub fn tts(value: &Json) -> Option<String> {
    let map = value.as_object()?;
    (map.len() == 1).then(|| map.get("tts")?.as_str().map(str::to_owned))?
}

pub fn tts_value(text: &str) -> Json {
    json!({ "tts": text })
}

/// An expression slot: `{exp: text}`, or a literal (`{lit: true}`, `{lit: 3}`, `{lit: "a"}`) as the
/// expression that means the same.
pub fn expression(value: &Json) -> Option<String> {
    let map = value.as_object()?;
    if map.len() != 1 {
        return None;
    }
    match (map.get("exp"), map.get("lit")) {
        (Some(Json::String(text)), None) => Some(text.clone()),
        (None, Some(Json::Bool(flag))) => Some(flag.to_string()),
        (None, Some(Json::Number(number))) => Some(number.to_string()),
        (None, Some(Json::String(text))) if !text.contains('"') => Some(quote(text)),
        _ => None,
    }
}

pub fn expression_value(text: &str) -> Json {
    json!({ "exp": text })
}

/// A string literal as an Architect expression (text with a quote in it is not decoded).
fn quote(text: &str) -> String {
    format!("\"{text}\"")
}

/// A named literal (`targetQueue: {lit: {name: Support}}`).
pub fn literal_name(value: &Json) -> Option<String> {
    let map = value.as_object()?;
    let lit = map.get("lit")?.as_object()?;
    if map.len() != 1 || lit.len() != 1 {
        return None;
    }
    lit.get("name")?.as_str().map(str::to_owned)
}

pub fn literal_name_value(name: &str) -> Json {
    json!({ "lit": { "name": name } })
}

/// A duration in whole seconds (`{lit: {seconds: 10}}` or `{lit: {minutes: 1}}`).
pub fn seconds(value: &Json) -> Option<i64> {
    let lit = value.as_object()?.get("lit")?.as_object()?;
    if lit.len() != 1 {
        return None;
    }
    if let Some(seconds) = lit.get("seconds") {
        return seconds.as_i64();
    }
    lit.get("minutes")?.as_i64().map(|minutes| minutes * 60)
}

pub fn seconds_value(seconds: i64) -> Json {
    json!({ "lit": { "seconds": seconds } })
}

/// A bound output (`{var: Flow.x}`).
pub fn variable(value: &Json) -> Option<String> {
    let map = value.as_object()?;
    (map.len() == 1).then(|| map.get("var")?.as_str().map(str::to_owned))?
}

/// `{name: {exp: ...}}` → name → expression, in order.
pub fn expression_mapping(value: Option<&Json>) -> Option<Mapping> {
    let Some(value) = value else { return Some(Mapping::new()) };
    value.as_object()?.iter().map(|(name, slot)| Some((name.clone(), expression(slot)?))).collect()
}

/// `{name: {var: ...}}` → name → variable, in order.
pub fn variable_mapping(value: Option<&Json>) -> Option<Mapping> {
    let Some(value) = value else { return Some(Mapping::new()) };
    value.as_object()?.iter().map(|(name, slot)| Some((name.clone(), variable(slot)?))).collect()
}

fn mapping_value(mapping: &Mapping, wrapper: &str) -> Json {
    Json::Object(mapping.iter().map(|(name, value)| (name.clone(), json!({ wrapper: value }))).collect())
}

/// A module call's `commonModule` key: `{<module>: {ver_<version>: {inputs, outputs} | {none: true}}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleRef {
    pub module: String,
    /// `"latest"` for `ver_latestPublished`.
    pub version: String,
    pub inputs: Mapping,
    pub outputs: Mapping,
}

pub fn module_ref(value: &Json) -> Option<ModuleRef> {
    let map = value.as_object()?;
    let (module, versions) = single(map)?;
    let (version_key, body) = single(versions.as_object()?)?;
    let version = version_key.strip_prefix("ver_")?;
    let version = if version == "latestPublished" { "latest" } else { version };
    let body = body.as_object()?;
    let (inputs, outputs) = if body.get("none") == Some(&Json::Bool(true)) && body.len() == 1 {
        (Mapping::new(), Mapping::new())
    } else {
        if body.keys().any(|key| key != "inputs" && key != "outputs") {
            return None;
        }
        (expression_mapping(body.get("inputs"))?, variable_mapping(body.get("outputs"))?)
    };
    Some(ModuleRef { module: module.clone(), version: version.to_owned(), inputs, outputs })
}

pub fn module_ref_value(call: &ModuleRef) -> Json {
    let version = match call.version.as_str() {
        "" | "latest" => "ver_latestPublished".to_owned(),
        other => format!("ver_{other}"),
    };
    let mut body = Map::new();
    if !call.inputs.is_empty() {
        body.insert("inputs".to_owned(), mapping_value(&call.inputs, "exp"));
    }
    if !call.outputs.is_empty() {
        body.insert("outputs".to_owned(), mapping_value(&call.outputs, "var"));
    }
    if body.is_empty() {
        body.insert("none".to_owned(), Json::Bool(true));
    }
    json!({ call.module.clone(): { version: body } })
}

/// A data action's `category` key: `{<category>: {dataAction: {<action>: {inputs, successOutputs}}}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct DataActionRef {
    pub category: String,
    pub action: String,
    pub inputs: Mapping,
    pub outputs: Mapping,
}

pub fn data_action_ref(value: &Json) -> Option<DataActionRef> {
    let (category, body) = single(value.as_object()?)?;
    let data_action = body.as_object()?;
    if data_action.len() != 1 {
        return None;
    }
    let (action, mappings) = single(data_action.get("dataAction")?.as_object()?)?;
    let mappings = mappings.as_object()?;
    if mappings.keys().any(|key| key != "inputs" && key != "successOutputs") {
        return None;
    }
    Some(DataActionRef {
        category: category.clone(),
        action: action.clone(),
        inputs: expression_mapping(mappings.get("inputs"))?,
        outputs: variable_mapping(mappings.get("successOutputs"))?,
    })
}

pub fn data_action_ref_value(call: &DataActionRef) -> Json {
    let mut mappings = Map::new();
    if !call.inputs.is_empty() {
        mappings.insert("inputs".to_owned(), mapping_value(&call.inputs, "exp"));
    }
    if !call.outputs.is_empty() {
        mappings.insert("successOutputs".to_owned(), mapping_value(&call.outputs, "var"));
    }
    json!({ call.category.clone(): { "dataAction": { call.action.clone(): mappings } } })
}

/// `updateData` with one statement: `[{<type>: {variable, value: {exp|lit}}}]` → (type word,
/// variable, expression).
pub fn single_statement(value: &Json) -> Option<(String, String, String)> {
    let items = value.as_array()?;
    let [item] = items.as_slice() else { return None };
    let (type_word, body) = single(item.as_object()?)?;
    let body = body.as_object()?;
    if body.len() != 2 {
        return None;
    }
    let variable = body.get("variable")?.as_str()?.to_owned();
    Some((type_word.clone(), variable, expression(body.get("value")?)?))
}

pub fn statement_value(type_word: &str, variable: &str, expression: &str) -> Json {
    json!([{ type_word: { "variable": variable, "value": expression_value(expression) } }])
}

/// The refId a reference names: `/inboundCall/tasks/task[Main_1]` and `./tasks/task[Main_1]` → `Main_1`.
pub fn ref_id_of(reference: &str) -> Option<&str> {
    let open = reference.rfind('[')?;
    reference[open + 1..].strip_suffix(']')
}

/// The one entry of a one-entry mapping.
pub fn single(map: &ArchyKeys) -> Option<(&String, &Json)> {
    let mut entries = map.iter();
    let first = entries.next()?;
    entries.next().is_none().then_some(first)
}

/// The value at `path` under `value` (`[]` is `value` itself).
pub fn at_path<'v>(value: &'v Json, path: &[&str]) -> Option<&'v Json> {
    path.iter().try_fold(value, |value, key| value.as_object()?.get(*key))
}

/// A table-described field's text from its Archy value (`None` when the value has another form).
pub fn read_form(form: crate::document::ArchyForm, value: &Json) -> Option<String> {
    use crate::document::ArchyForm;
    match form {
        ArchyForm::Tts => tts(value),
        ArchyForm::Expression => expression(value),
        ArchyForm::LiteralName => literal_name(value),
        ArchyForm::Variable => variable(value),
        ArchyForm::Plain => match value {
            Json::String(text) => Some(text.clone()),
            Json::Number(number) => Some(number.to_string()),
            _ => None,
        },
        ArchyForm::Key => single(value.as_object()?).map(|(key, _)| key.clone()),
        ArchyForm::Seconds => seconds(value).map(|seconds| seconds.to_string()),
        ArchyForm::SetAttributes | ArchyForm::GetAttributes => {
            let mut lines = Vec::new();
            for item in value.as_array()? {
                let body = item.as_object()?.get("attribute")?.as_object()?;
                let name = body.get("name")?.as_object()?.get("lit")?.as_str()?;
                let value = if form == ArchyForm::SetAttributes {
                    (body.len() == 2).then_some(())?;
                    expression(body.get("value")?)?
                } else {
                    (body.len() == 2).then_some(())?;
                    body.get("variable")?.as_str()?.to_owned()
                };
                if name.contains('\n') || name.contains(" = ") || value.contains('\n') {
                    return None;
                }
                lines.push(format!("{name} = {value}"));
            }
            Some(lines.join("\n"))
        }
    }
}

/// `name = value` lines as pairs, in order (blank lines skipped; a line without ` = ` is a name
/// with no value).
pub fn pairs(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| match line.split_once('=') {
            Some((name, value)) => (name.trim().to_owned(), value.trim().to_owned()),
            None => (line.trim().to_owned(), String::new()),
        })
        .collect()
}

/// A table-described field's canonical Archy value.
pub fn write_form(form: crate::document::ArchyForm, text: &str) -> Json {
    use crate::document::ArchyForm;
    match form {
        ArchyForm::Tts => tts_value(text),
        ArchyForm::Expression => expression_value(text),
        ArchyForm::LiteralName => literal_name_value(text),
        ArchyForm::Variable => json!({ "var": text }),
        ArchyForm::Plain => match text.parse::<i64>() {
            Ok(number) => json!(number),
            Err(_) => Json::String(text.to_owned()),
        },
        ArchyForm::Key => json!({ text: {} }),
        ArchyForm::Seconds => match text.trim().parse::<i64>() {
            Ok(seconds) => seconds_value(seconds),
            // Not a number yet (the validator says so): written as typed, so nothing is lost.
            Err(_) => json!({ "lit": { "seconds": text } }),
        },
        ArchyForm::SetAttributes => Json::Array(
            pairs(text)
                .into_iter()
                .map(|(name, value)| json!({ "attribute": { "name": { "lit": name }, "value": expression_value(&value) } }))
                .collect(),
        ),
        ArchyForm::GetAttributes => Json::Array(
            pairs(text)
                .into_iter()
                .map(|(name, variable)| json!({ "attribute": { "name": { "lit": name }, "variable": variable } }))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_canonical_form_decodes_to_its_value() {
        assert_eq!(tts(&tts_value("Hi")), Some("Hi".to_owned()));
        assert_eq!(expression(&expression_value("Flow.x > 2")), Some("Flow.x > 2".to_owned()));
        assert_eq!(expression(&json!({"lit": true})), Some("true".to_owned()));
        assert_eq!(literal_name(&literal_name_value("Support")), Some("Support".to_owned()));
        assert_eq!(seconds(&seconds_value(8)), Some(8));
        assert_eq!(seconds(&json!({"lit": {"minutes": 1}})), Some(60));
        let call = ModuleRef {
            module: "Verify Caller".into(),
            version: "latest".into(),
            inputs: [("Common.a".to_owned(), "Call.Ani".to_owned())].into_iter().collect(),
            outputs: Mapping::new(),
        };
        assert_eq!(module_ref(&module_ref_value(&call)), Some(call.clone()));
        let empty = ModuleRef { inputs: Mapping::new(), ..call };
        assert_eq!(module_ref_value(&empty)["Verify Caller"]["ver_latestPublished"], json!({"none": true}));
        assert_eq!(module_ref(&module_ref_value(&empty)), Some(empty));
        let data = DataActionRef {
            category: "Web".into(),
            action: "Get".into(),
            inputs: Mapping::new(),
            outputs: [("isVip".to_owned(), "Flow.vip".to_owned())].into_iter().collect(),
        };
        assert_eq!(data_action_ref(&data_action_ref_value(&data)), Some(data));
        let statement = statement_value("string", "Flow.a", "\"x\"");
        assert_eq!(single_statement(&statement), Some(("string".into(), "Flow.a".into(), "\"x\"".into())));
        assert_eq!(ref_id_of("./tasks/task[Main_1]"), Some("Main_1"));
    }
}
