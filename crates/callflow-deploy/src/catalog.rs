//! Loading the org's common modules (and workflows) into the document's catalog: every page of
//! `GET /api/v2/flows?type=commonmodule&type=workflow&includeSchemas=true` (reference §B1, §B3),
//! each flow turned into a catalog entry with its published version, compatible flow types and the
//! inputs and outputs read from its JSON schemas.

use callflow_core::document::{Module, ModuleType, Parameter, TypeName, ValueType};
use serde_json::Value as Json;

use crate::http::{ApiError, HttpRequest, HttpResponse};
use crate::protocol::{Protocol, Step};
use crate::retry::{Retrier, RetryPolicy, Verdict};

/// Pages through the flows listing and collects catalog entries.
#[derive(Debug, Clone)]
pub struct CatalogLoader {
    api_base: String,
    token: String,
    policy: RetryPolicy,
    retrier: Retrier,
    page: u32,
    modules: Vec<Module>,
    /// Notes about schema properties that could not be typed, one per property.
    pub notes: Vec<String>,
}

pub const PAGE_SIZE: u32 = 100;

impl CatalogLoader {
    pub fn new(api_base: &str, token: &str, policy: RetryPolicy) -> CatalogLoader {
        CatalogLoader {
            api_base: api_base.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            policy,
            retrier: Retrier::default(),
            page: 1,
            modules: Vec::new(),
            notes: Vec::new(),
        }
    }

    fn request(&self) -> HttpRequest {
        HttpRequest::get(
            format!(
                "{}/api/v2/flows?type=commonmodule&type=workflow&includeSchemas=true&pageSize={PAGE_SIZE}&pageNumber={}&sortBy=name&sortOrder=asc",
                self.api_base, self.page
            ),
            &self.token,
        )
    }
}

/// Done with every page's catalog entries, in the listing's order (by name).
impl Protocol for CatalogLoader {
    type Output = Vec<Module>;

    fn start(&mut self) -> Step<Vec<Module>> {
        Step::Send(self.request())
    }

    fn resume(&mut self) -> Step<Vec<Module>> {
        Step::Send(self.request())
    }

    fn on_answer(&mut self, answer: Result<HttpResponse, String>) -> Step<Vec<Module>> {
        let response = match self.retrier.judge(&self.policy, "Loading modules (GET /api/v2/flows)", answer) {
            Verdict::Accept(response) => response,
            Verdict::Retry(wait) => return Step::Wait(wait),
            Verdict::Fail(error) => return Step::Failed(error),
        };
        let listing: Json = match serde_json::from_str(&response.body) {
            Ok(json) => json,
            Err(error) => {
                return Step::Failed(ApiError::Unexpected {
                    what: "the flows listing".to_owned(),
                    detail: error.to_string(),
                })
            }
        };
        for entity in listing["entities"].as_array().into_iter().flatten() {
            if let Some(module) = module_from_flow(entity, &mut self.notes) {
                self.modules.push(module);
            }
        }
        let page_count = listing["pageCount"].as_u64().unwrap_or(1);
        let has_next = listing["nextUri"].as_str().is_some_and(|uri| !uri.is_empty());
        if u64::from(self.page) < page_count || (has_next && u64::from(self.page) < 10_000) {
            self.page += 1;
            return Step::Send(self.request());
        }
        Step::Done(std::mem::take(&mut self.modules))
    }
}

/// One flow of the listing as a catalog entry; `None` for other flow types.
pub fn module_from_flow(flow: &Json, notes: &mut Vec<String>) -> Option<Module> {
    let module_type = match flow["type"].as_str()?.to_ascii_lowercase().as_str() {
        "commonmodule" => ModuleType::Commonmodule,
        "workflow" => ModuleType::Workflow,
        _ => return None,
    };
    let name = flow["name"].as_str()?.to_owned();
    let published = &flow["publishedVersion"];
    let published_version = published["id"].as_str().or_else(|| published["name"].as_str()).map(str::to_owned);
    // The published version's contract is what callers get; the flow-level schema is the fallback.
    let schema = |key: &str| {
        let versioned = &published[key];
        if versioned.is_object() {
            versioned.clone()
        } else {
            flow[key].clone()
        }
    };
    let types = if published["compatibleFlowTypes"].is_array() {
        &published["compatibleFlowTypes"]
    } else {
        &flow["compatibleFlowTypes"]
    };
    Some(Module {
        id: flow["id"].as_str().map(str::to_owned),
        name: name.clone(),
        module_type,
        published: published_version.is_some(),
        published_version,
        versions: Vec::new(),
        compatible_flow_types: types
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t.as_str())
            .map(str::to_ascii_lowercase)
            .collect(),
        inputs: parameters(&schema("inputSchema"), &name, notes),
        outputs: parameters(&schema("outputSchema"), &name, notes),
        unknown_contract: false,
        authored: false,
    })
}

/// The properties of a JSON schema as parameters, in the schema's order, `required` honoured.
pub fn parameters(schema: &Json, module: &str, notes: &mut Vec<String>) -> Vec<Parameter> {
    let required: Vec<&str> = schema["required"].as_array().into_iter().flatten().filter_map(|r| r.as_str()).collect();
    let Some(properties) = schema["properties"].as_object() else {
        return Vec::new();
    };
    properties
        .iter()
        .map(|(name, property)| {
            let value_type = type_of(property).unwrap_or_else(|| {
                notes
                    .push(format!("{module}: {name} has a schema type this designer does not know; treated as string"));
                TypeName { base: ValueType::String, list: false }
            });
            Parameter { name: name.clone(), value_type, required: required.contains(&name.as_str()) }
        })
        .collect()
}

fn type_of(property: &Json) -> Option<TypeName> {
    let scalar = |property: &Json| -> Option<ValueType> {
        Some(match property["type"].as_str()? {
            "string" => match property["format"].as_str() {
                Some("date") => ValueType::Date,
                Some("date-time") => ValueType::DateTime,
                Some("duration") => ValueType::Duration,
                _ => ValueType::String,
            },
            "integer" => ValueType::Integer,
            "number" => ValueType::Decimal,
            "boolean" => ValueType::Boolean,
            _ => return None,
        })
    };
    if property["type"].as_str() == Some("array") {
        return Some(TypeName { base: scalar(&property["items"])?, list: true });
    }
    Some(TypeName { base: scalar(property)?, list: false })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flow_with_schemas_becomes_a_catalog_entry() {
        let flow = json!({
            "id": "f1", "name": "Verify Caller", "type": "COMMONMODULE",
            "publishedVersion": {"id": "3.0", "compatibleFlowTypes": ["INBOUNDCALL"],
                "inputSchema": {"type": "object", "required": ["Common.callerId"], "properties": {
                    "Common.callerId": {"type": "string"},
                    "Common.dates": {"type": "array", "items": {"type": "string", "format": "date"}},
                    "Common.blob": {"type": "object"}}},
                "outputSchema": {"type": "object", "properties": {"Common.verified": {"type": "boolean"}}}}
        });
        let mut notes = Vec::new();
        let module = module_from_flow(&flow, &mut notes).unwrap();
        assert_eq!(module.published_version.as_deref(), Some("3.0"));
        assert!(module.published);
        assert_eq!(module.compatible_flow_types, vec!["inboundcall"]);
        assert_eq!(module.inputs.len(), 3);
        assert!(module.inputs[0].required);
        assert_eq!(module.inputs[1].value_type, TypeName { base: ValueType::Date, list: true });
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(module.outputs[0].value_type, TypeName { base: ValueType::Boolean, list: false });
    }

    #[test]
    fn unpublished_module_and_other_types() {
        let mut notes = Vec::new();
        let module = module_from_flow(&json!({"name": "Draft", "type": "COMMONMODULE"}), &mut notes).unwrap();
        assert!(!module.published);
        assert!(module_from_flow(&json!({"name": "X", "type": "INBOUNDCALL"}), &mut notes).is_none());
    }
}
