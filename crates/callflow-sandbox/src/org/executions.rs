//! Flow executions: launching a published workflow and reading how the run went.

use serde_json::{json, Value as Json};

use super::{FlowType, Org, Principal};
use crate::wire::{iso, random_uuid, ApiErr};

#[derive(Debug, Clone)]
pub(super) struct Execution {
    id: String,
    name: String,
    flow_id: String,
    version: String,
    input_data: serde_json::Map<String, Json>,
    launched_ms: u64,
    reads: u32,
}

impl Org {
    pub fn launch(&mut self, principal: &Principal, body: &str) -> Result<Json, ApiErr> {
        Org::require(principal, "architect:flow:launch", "architect")?;
        let request: Json = serde_json::from_str(body)
            .map_err(|error| ApiErr::new(400, "bad.request", format!("The request body is not JSON: {error}")))?;
        let Some(flow_id) = request["flowId"].as_str() else {
            return Err(ApiErr::new(400, "bad.request", "flowId is required").param("field", "flowId"));
        };
        let Some(flow) = self.flows.iter().find(|f| f.id == flow_id) else {
            return Err(
                ApiErr::new(404, "not.found", format!("The flow {flow_id} was not found")).param("flowId", flow_id)
            );
        };
        if flow.flow_type != FlowType::Workflow {
            return Err(ApiErr::new(
                400,
                "bad.request",
                format!("The flow {} is of type {}; only workflows can be launched", flow.name, flow.flow_type),
            ));
        }
        let Some(latest) = flow.published_version() else {
            return Err(ApiErr::new(
                400,
                "bad.request",
                format!("The workflow {} has no published version", flow.name),
            ));
        };
        let version = match request["flowVersion"].as_str() {
            Some(v) if !flow.versions.iter().any(|known| known == v) => {
                return Err(ApiErr::new(400, "bad.request", format!("The workflow {} has no version {v}", flow.name)))
            }
            Some(v) => v.to_owned(),
            None => latest.to_owned(),
        };
        let input_data = match &request["inputData"] {
            Json::Null => serde_json::Map::new(),
            Json::Object(map) => map.clone(),
            _ => return Err(ApiErr::new(400, "bad.request", "inputData must be an object").param("field", "inputData")),
        };
        let id = random_uuid();
        let name = request["name"].as_str().unwrap_or("").to_owned();
        let execution = Execution {
            id: id.clone(),
            name: name.clone(),
            flow_id: flow_id.to_owned(),
            version: version.clone(),
            input_data,
            launched_ms: self.now_ms(),
            reads: 0,
        };
        self.executions.insert(id.clone(), execution);
        self.stats.executions += 1;
        Ok(json!({
            "id": id,
            "name": name,
            "flowVersion": {"id": version, "name": version, "selfUri": format!("/api/v2/flows/{flow_id}/versions/{version}")},
            "selfUri": format!("/api/v2/flows/executions/{id}"),
        }))
    }

    /// RUNNING on the first read, then COMPLETED, or FAILED when a required input never arrived
    /// (as the platform does: the launch is accepted and the flow fails at runtime, reference §C3).
    pub fn execution(&mut self, principal: &Principal, id: &str) -> Result<Json, ApiErr> {
        Org::require(principal, "architect:flowExecution:view", "architect:readonly")?;
        let now = self.now_ms();
        let Some(execution) = self.executions.get_mut(id) else {
            return Err(ApiErr::new(404, "not.found", format!("The flow execution {id} was not found")));
        };
        execution.reads += 1;
        let flow = self.flows.iter().find(|f| f.id == execution.flow_id);
        let version = json!({"id": execution.version, "name": execution.version,
            "selfUri": format!("/api/v2/flows/{}/versions/{}", execution.flow_id, execution.version)});
        let mut body = json!({
            "id": execution.id, "name": execution.name, "flowVersion": version,
            "dateLaunched": iso(execution.launched_ms), "status": "RUNNING",
            "flowErrorInfo": null, "conversation": null,
            "selfUri": format!("/api/v2/flows/executions/{}", execution.id),
        });
        if execution.reads < 2 {
            return Ok(body);
        }
        body["dateCompleted"] = json!(iso(now));
        let missing = flow.and_then(|f| {
            f.required_inputs()
                .into_iter()
                .find(|name| execution.input_data.get(*name).is_none_or(Json::is_null))
                .map(str::to_owned)
        });
        match missing {
            Some(name) => {
                body["status"] = json!("FAILED");
                body["completionReason"] = json!("Error");
                body["flowErrorInfo"] = json!({
                    "message": format!("An expression resulted in a null near position 0 in expression '{name}'."),
                    "code": "error.workflow.expression.unexpectedNull",
                    "status": 400,
                    "messageWithParams": "An expression resulted in a null near position {pos} in expression '{expression}'.",
                    "messageParams": {"expression": name, "pos": "0"},
                });
            }
            None => {
                body["status"] = json!("COMPLETED");
                body["completionReason"] = json!("Success");
                body["outputData"] = json!(flow.and_then(|f| f.output_data.clone()).unwrap_or_default());
            }
        }
        Ok(body)
    }
}
