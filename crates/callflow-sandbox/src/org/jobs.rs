//! Architect jobs: registration with a presigned upload, the upload itself, and the job's state,
//! which checks the uploaded YAML (`crate::job_check`) and publishes the flow.

use serde::Serialize;
use serde_json::{json, Value as Json};

use indexmap::IndexMap;

use super::{FlowRecord, FlowType, Org, Principal};
use crate::job_check::{self, CheckedKind, ModuleContract};
use crate::wire::{iso, random_token, random_uuid, ApiErr};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum JobStatus {
    Registered,
    Started,
    Success,
    Failure,
}

#[derive(Debug, Clone)]
pub(super) struct Job {
    id: String,
    client_id: String,
    permissions: Vec<String>,
    upload_key: String,
    status: JobStatus,
    yaml: Option<String>,
    flow_id: Option<String>,
    messages: Vec<(u64, &'static str, String)>,
}

impl Org {
    pub fn register_job(&mut self, principal: &Principal, upload_base: &str) -> Result<Json, ApiErr> {
        Org::require(principal, "architect:job:create", "architect")?;
        let id = random_uuid();
        let upload_key = random_token(24);
        self.jobs.insert(
            id.clone(),
            Job {
                id: id.clone(),
                client_id: principal.client_id.clone(),
                permissions: principal.permissions.clone(),
                upload_key: upload_key.clone(),
                status: JobStatus::Registered,
                yaml: None,
                flow_id: None,
                messages: Vec::new(),
            },
        );
        self.stats.jobs_registered += 1;
        Ok(json!({
            "id": id,
            "presignedUrl": format!("{upload_base}/uploads/{id}"),
            "headers": {"Content-Type": "text/plain; charset=utf-8", "x-sandbox-upload-key": upload_key},
            "selfUri": format!("/api/v2/flows/jobs/{id}"),
        }))
    }

    /// The PUT to the presigned URL. Every header the job handed out must come back. Uploading the
    /// same file again is harmless (a retried PUT); a different file after the job started is not.
    pub fn upload(&mut self, job_id: &str, headers: &[(String, String)], body: String) -> Result<(), ApiErr> {
        let header = |name: &str| headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
        let Some(job) = self.jobs.get_mut(job_id) else {
            return Err(ApiErr::new(404, "not.found", format!("No upload is expected for job {job_id}")));
        };
        if header("x-sandbox-upload-key") != Some(job.upload_key.as_str()) {
            return Err(ApiErr::new(
                403,
                "signature.mismatch",
                "The x-sandbox-upload-key header is missing or wrong: send every header the job registration returned",
            )
            .param("header", "x-sandbox-upload-key"));
        }
        if !header("content-type").is_some_and(|v| v.starts_with("text/plain")) {
            return Err(ApiErr::new(
                403,
                "signature.mismatch",
                "The Content-Type header differs from the one the job registration returned",
            )
            .param("header", "Content-Type"));
        }
        match (&job.yaml, job.status) {
            (Some(previous), _) if *previous == body => Ok(()),
            (_, JobStatus::Registered) => {
                job.yaml = Some(body);
                Ok(())
            }
            _ => Err(ApiErr::new(409, "conflict", "This job already has a different file")),
        }
    }

    pub fn job_state(&mut self, principal: &Principal, job_id: &str) -> Result<Json, ApiErr> {
        Org::require(principal, "architect:job:view", "architect:readonly")?;
        let Some(job) = self.jobs.get(job_id) else {
            return Err(ApiErr::new(404, "not.found", format!("The job {job_id} was not found")).param("jobId", job_id));
        };
        match (job.status, job.yaml.is_some()) {
            (JobStatus::Registered, true) => {
                let now = self.now_ms();
                if let Some(job) = self.jobs.get_mut(job_id) {
                    job.status = JobStatus::Started;
                    job.messages.push((now, "INFO", "Archy job started".to_owned()));
                }
            }
            (JobStatus::Started, _) => self.finish_job(job_id),
            _ => {}
        }
        let job = &self.jobs[job_id];
        Ok(json!({
            "id": job.id,
            "status": job.status,
            "command": "Publish",
            "flow": job.flow_id.as_ref().map(|id| json!({"id": id, "selfUri": format!("/api/v2/flows/{id}")})),
            "messages": job.messages.iter().map(|(at, kind, text)| json!({"dateTime": iso(*at), "type": kind, "text": text, "details": []})).collect::<Vec<_>>(),
            "selfUri": format!("/api/v2/flows/jobs/{}", job.id),
        }))
    }

    /// Checks the YAML and publishes: create or update by name, all under the org's one lock, so
    /// concurrent jobs for one name never make two flows.
    fn finish_job(&mut self, job_id: &str) {
        let now = self.now_ms();
        let queues: Vec<String> = self.seed.queues.iter().map(|q| q.name.clone()).collect();
        let Some(job) = self.jobs.get(job_id).cloned() else { return };
        let yaml = job.yaml.clone().unwrap_or_default();
        let modules: Vec<ModuleContract<'_>> =
            self.flows.iter().filter(|f| f.flow_type == FlowType::CommonModule).map(FlowRecord::contract).collect();
        let mut result = job_check::check(&yaml, &modules, &queues);
        if result.is_ok() && !job.permissions.iter().any(|p| p == "architect:flow:publish") {
            result = Err(vec![format!("{} lacks the permission architect:flow:publish", job.client_id)]);
        }
        if result.is_ok() && self.faults.fail_job() {
            result =
                Err(vec!["Injected failure (sandbox fault plan): the Archy job stopped with exit code 100".to_owned()]);
        }
        let Some(job) = self.jobs.get_mut(job_id) else { return };
        match result {
            Err(problems) => {
                job.status = JobStatus::Failure;
                job.messages.extend(problems.into_iter().map(|p| (now, "ERROR", p)));
                self.stats.jobs_failed += 1;
            }
            Ok(checked) => {
                let flow_type = match &checked.kind {
                    CheckedKind::InboundCall { .. } => FlowType::InboundCall,
                    CheckedKind::CommonModule { .. } => FlowType::CommonModule,
                };
                // The version of each called module that publishing copies into this flow.
                let module_versions: IndexMap<String, String> = match &checked.kind {
                    CheckedKind::InboundCall { calls } => calls
                        .iter()
                        .filter_map(|called| {
                            let module = self.flows.iter().find(|f| {
                                f.flow_type == FlowType::CommonModule && f.name.eq_ignore_ascii_case(called)
                            })?;
                            Some((module.name.clone(), module.published_version()?.to_owned()))
                        })
                        .collect(),
                    CheckedKind::CommonModule { .. } => IndexMap::new(),
                };
                let existing = self
                    .flows
                    .iter_mut()
                    .find(|f| f.flow_type == flow_type && f.name.eq_ignore_ascii_case(&checked.name));
                let (flow_id, version, verb) = match existing {
                    Some(flow) => {
                        let version = format!("{}.0", next_major(&flow.versions));
                        flow.versions.push(version.clone());
                        flow.yaml = Some(yaml);
                        flow.description = checked.description;
                        flow.date_modified_ms = now;
                        flow.module_versions = module_versions;
                        if let CheckedKind::CommonModule { compatible_flow_types, input_schema, output_schema } =
                            checked.kind
                        {
                            flow.compatible_flow_types = compatible_flow_types;
                            flow.input_schema = Some(input_schema);
                            flow.output_schema = Some(output_schema);
                        }
                        self.stats.flows_updated += 1;
                        (flow.id.clone(), version, "updated")
                    }
                    None => {
                        let (compatible_flow_types, input_schema, output_schema) = match checked.kind {
                            CheckedKind::CommonModule { compatible_flow_types, input_schema, output_schema } => {
                                (compatible_flow_types, Some(input_schema), Some(output_schema))
                            }
                            CheckedKind::InboundCall { .. } => (Vec::new(), None, None),
                        };
                        let flow = FlowRecord {
                            id: random_uuid(),
                            name: checked.name.clone(),
                            flow_type,
                            description: checked.description,
                            versions: vec!["1.0".to_owned()],
                            compatible_flow_types,
                            input_schema,
                            output_schema,
                            output_data: None,
                            yaml: Some(yaml),
                            date_modified_ms: now,
                            module_versions,
                        };
                        let id = flow.id.clone();
                        self.flows.push(flow);
                        self.stats.flows_created += 1;
                        (id, "1.0".to_owned(), "created")
                    }
                };
                job.status = JobStatus::Success;
                job.flow_id = Some(flow_id);
                job.messages.push((
                    now,
                    "INFO",
                    format!("Flow \"{}\" {verb} and published as version {version}", checked.name),
                ));
                self.stats.jobs_succeeded += 1;
                self.save();
            }
        }
    }
}

/// The major number after the highest published version (`["2.0", "3.0"]` → 4), so a new version
/// never repeats one a seed already holds.
fn next_major(versions: &[String]) -> u64 {
    versions.iter().filter_map(|v| v.split('.').next()?.parse::<u64>().ok()).max().unwrap_or(0) + 1
}
