//! The flows catalog: the org's flow records (seeded or published by jobs), their `Flow` entity,
//! the flows listing with its filters and paging, one flow by id, and the queues listing.

use std::fmt;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};

use super::{Org, Principal};
use crate::job_check::ModuleContract;
use crate::seed::SeedFlow;
use crate::wire::{listing, parse_number, ApiErr};

/// A flow's type as the API writes it, upper case. The sandbox has rules for three of them; any
/// other type a seed names is kept as written. On the wire (API answers, the flows file) it is
/// the plain string, unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum FlowType {
    /// `INBOUNDCALL`: what Architect jobs publish.
    InboundCall,
    /// `COMMONMODULE`: what a `callCommonModule` action calls.
    CommonModule,
    /// `WORKFLOW`: the only type that can be launched.
    Workflow,
    /// Any other type, exactly as written.
    Other(String),
}

impl FlowType {
    pub fn as_str(&self) -> &str {
        match self {
            FlowType::InboundCall => "INBOUNDCALL",
            FlowType::CommonModule => "COMMONMODULE",
            FlowType::Workflow => "WORKFLOW",
            FlowType::Other(text) => text,
        }
    }
}

impl From<String> for FlowType {
    /// Exact match: a type written in another case stays [`FlowType::Other`], as it never matched
    /// the upper-case names before.
    fn from(text: String) -> FlowType {
        match text.as_str() {
            "INBOUNDCALL" => FlowType::InboundCall,
            "COMMONMODULE" => FlowType::CommonModule,
            "WORKFLOW" => FlowType::Workflow,
            _ => FlowType::Other(text),
        }
    }
}

impl From<FlowType> for String {
    fn from(flow_type: FlowType) -> String {
        match flow_type {
            FlowType::Other(text) => text,
            known => known.as_str().to_owned(),
        }
    }
}

impl fmt::Display for FlowType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A flow in the org.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowRecord {
    pub id: String,
    pub name: String,
    pub flow_type: FlowType,
    pub description: String,
    /// Published versions, oldest first.
    pub versions: Vec<String>,
    pub compatible_flow_types: Vec<String>,
    pub input_schema: Option<Json>,
    pub output_schema: Option<Json>,
    pub output_data: Option<IndexMap<String, Json>>,
    pub yaml: Option<String>,
    pub date_modified_ms: u64,
    /// For a flow published by a job: the version of each common module it calls that was copied
    /// into it (Architect embeds the module's latest version at publish time).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub module_versions: IndexMap<String, String>,
}

impl FlowRecord {
    pub fn published_version(&self) -> Option<&str> {
        self.versions.last().map(String::as_str)
    }

    fn schema_names(schema: &Option<Json>) -> Vec<&str> {
        schema
            .as_ref()
            .and_then(|s| s["properties"].as_object())
            .map(|p| p.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

    pub fn input_names(&self) -> Vec<&str> {
        Self::schema_names(&self.input_schema)
    }

    pub fn output_names(&self) -> Vec<&str> {
        Self::schema_names(&self.output_schema)
    }

    pub fn required_inputs(&self) -> Vec<&str> {
        self.input_schema
            .as_ref()
            .and_then(|s| s["required"].as_array())
            .map(|r| r.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default()
    }

    pub(super) fn from_seed(seed: &SeedFlow) -> FlowRecord {
        FlowRecord {
            id: seed.id.clone(),
            name: seed.name.clone(),
            flow_type: FlowType::from(seed.flow_type.to_ascii_uppercase()),
            description: seed.description.clone(),
            versions: seed.published_versions.clone(),
            compatible_flow_types: seed.compatible_flow_types.clone(),
            input_schema: seed.input_schema.clone(),
            output_schema: seed.output_schema.clone(),
            output_data: seed.output_data.clone(),
            yaml: None,
            date_modified_ms: 0,
            module_versions: IndexMap::new(),
        }
    }

    /// This flow's contract as the job check reads it, for a `callCommonModule` that names it.
    pub(super) fn contract(&self) -> ModuleContract<'_> {
        ModuleContract {
            name: &self.name,
            versions: &self.versions,
            compatible_flow_types: &self.compatible_flow_types,
            inputs: self.input_names(),
            required_inputs: self.required_inputs(),
            outputs: self.output_names(),
        }
    }

    /// The API's `Flow` entity.
    pub fn to_json(&self, include_schemas: bool) -> Json {
        let self_uri = format!("/api/v2/flows/{}", self.id);
        let version = |id: &str, kind: &str| {
            let mut version = json!({
                "id": id, "name": id, "type": kind, "secure": false, "debug": false,
                "compatibleFlowTypes": self.compatible_flow_types,
                "selfUri": format!("{self_uri}/versions/{id}"),
            });
            if include_schemas {
                version["inputSchema"] = self.input_schema.clone().unwrap_or(Json::Null);
                version["outputSchema"] = self.output_schema.clone().unwrap_or(Json::Null);
            }
            version
        };
        let mut flow = json!({
            "id": self.id,
            "name": self.name,
            "type": self.flow_type,
            "division": {"id": "00000000-0000-4000-8000-00000000d1v1", "name": "Home"},
            "description": self.description,
            "active": self.published_version().is_some(),
            "system": false,
            "deleted": false,
            "lockedUser": null,
            "lockedClient": null,
            "publishedVersion": self.published_version().map(|v| version(v, "PUBLISH")),
            "savedVersion": version("draft", "SAVE"),
            "compatibleFlowTypes": self.compatible_flow_types,
            "supportedLanguages": [{"language": "en-us", "isDefault": true}],
            "selfUri": self_uri,
        });
        if include_schemas {
            flow["inputSchema"] = self.input_schema.clone().unwrap_or(Json::Null);
            flow["outputSchema"] = self.output_schema.clone().unwrap_or(Json::Null);
        }
        flow
    }
}

impl Org {
    pub fn list_flows(&self, principal: &Principal, query: &[(String, String)]) -> Result<Json, ApiErr> {
        Org::require(principal, "architect:flow:view", "architect:readonly")?;
        let values = |name: &str| -> Vec<String> {
            query
                .iter()
                .filter(|(k, _)| k == name)
                .flat_map(|(_, v)| v.split(',').map(|s| s.trim().to_owned()))
                .collect()
        };
        let one = |name: &str| values(name).into_iter().next();
        let types: Vec<String> = values("type").iter().map(|t| t.to_ascii_uppercase()).collect();
        let name = one("name");
        let include_schemas = one("includeSchemas").as_deref() == Some("true");
        let page_size = parse_number(one("pageSize"), 25, "pageSize", 1..=500)?;
        let page_number = parse_number(one("pageNumber"), 1, "pageNumber", 1..=1_000_000)?;
        let mut matching: Vec<&FlowRecord> = self
            .flows
            .iter()
            .filter(|f| types.is_empty() || types.iter().any(|t| t == f.flow_type.as_str()))
            .filter(|f| name.as_ref().is_none_or(|n| f.name.eq_ignore_ascii_case(n)))
            .collect();
        if one("sortBy").as_deref() == Some("name") {
            matching.sort_by_key(|f| f.name.to_ascii_lowercase());
        }
        if one("sortOrder").as_deref() == Some("desc") {
            matching.reverse();
        }
        Ok(listing(&matching, page_size, page_number, "/api/v2/flows", query, |f| f.to_json(include_schemas)))
    }

    pub fn get_flow(&self, principal: &Principal, id: &str) -> Result<Json, ApiErr> {
        Org::require(principal, "architect:flow:view", "architect:readonly")?;
        self.flows
            .iter()
            .find(|f| f.id == id)
            .map(|f| f.to_json(true))
            .ok_or_else(|| ApiErr::new(404, "not.found", format!("The flow {id} was not found")).param("flowId", id))
    }

    pub fn queues(&self, principal: &Principal, query: &[(String, String)]) -> Result<Json, ApiErr> {
        Org::require(principal, "routing:queue:view", "routing:readonly")?;
        let one = |name: &str| query.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let page_size = parse_number(one("pageSize"), 25, "pageSize", 1..=500)?;
        let page_number = parse_number(one("pageNumber"), 1, "pageNumber", 1..=1_000_000)?;
        let name = one("name");
        let queues: Vec<&crate::seed::Queue> =
            self.seed.queues.iter().filter(|q| name.as_ref().is_none_or(|n| q.name.eq_ignore_ascii_case(n))).collect();
        Ok(listing(
            &queues,
            page_size,
            page_number,
            "/api/v2/routing/queues",
            query,
            |q| json!({"id": q.id, "name": q.name, "selfUri": format!("/api/v2/routing/queues/{}", q.id)}),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_type_is_the_plain_string_on_the_wire() {
        for text in ["INBOUNDCALL", "COMMONMODULE", "WORKFLOW", "INBOUNDEMAIL", "workflow"] {
            let flow_type: FlowType = serde_json::from_value(json!(text)).unwrap();
            assert_eq!(flow_type.as_str(), text);
            assert_eq!(serde_json::to_value(&flow_type).unwrap(), json!(text));
        }
        assert_eq!(FlowType::from("workflow".to_owned()), FlowType::Other("workflow".to_owned()));
    }
}
