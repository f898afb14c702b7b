//! Deploying a flow: find it by name, register an Architect job, upload the Archy YAML to the
//! job's presigned URL with the job's headers, poll the job, read the published version
//! (reference §B6). The job creates or updates the flow by name and publishes it, so running the
//! protocol again (or retrying any of its requests) updates the same flow instead of adding one.

use callflow_core::document::FlowType;
use callflow_core::{export, Diagnostic, Document};
use serde::Deserialize;
use serde_json::Value as Json;

use crate::http::{encode_component, ApiError, HttpRequest, HttpResponse, Method};
use crate::protocol::{Protocol, Step, Wait, WaitReason};
use crate::retry::{Retrier, RetryPolicy, Verdict};

/// What will be uploaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployPlan {
    pub flow_name: String,
    /// An inbound call flow or a common module: the lookup finds the flow of this type.
    pub flow_type: FlowType,
    pub yaml: String,
}

/// Builds the plan, or refuses with every error finding while any exist.
pub fn prepare(document: &Document) -> Result<DeployPlan, Vec<Diagnostic>> {
    let archy = export::archy(document).map_err(|blocked| blocked.diagnostics)?;
    Ok(DeployPlan { flow_name: document.flow.name.clone(), flow_type: document.flow.flow_type, yaml: archy.yaml })
}

/// Create a new flow, or update the one with the same name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Create,
    Update { flow_id: String, published_version: Option<String> },
}

/// The steps, in order, as the app lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    Lookup,
    Register,
    Upload,
    Poll,
    Confirm,
    Finished,
}

impl Phase {
    pub const STEPS: [Phase; 5] = [Phase::Lookup, Phase::Register, Phase::Upload, Phase::Poll, Phase::Confirm];

    pub fn title(self) -> &'static str {
        match self {
            Phase::Lookup => "Find the flow by name (GET /api/v2/flows)",
            Phase::Register => "Register an Architect job (POST /api/v2/flows/jobs)",
            Phase::Upload => "Upload the Archy YAML to the job's URL (PUT)",
            Phase::Poll => "Wait for the job (GET /api/v2/flows/jobs/{id})",
            Phase::Confirm => "Read the published version (GET /api/v2/flows/{id})",
            Phase::Finished => "Done",
        }
    }
}

/// A successful deploy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub flow_id: String,
    pub flow_name: String,
    pub version: Option<String>,
    pub created: bool,
    pub job_id: String,
    pub messages: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Job {
    id: String,
    upload_url: String,
    headers: Vec<(String, String)>,
}

#[derive(Deserialize)]
struct RegisterResponse {
    id: String,
    #[serde(rename = "presignedUrl")]
    presigned_url: String,
    #[serde(default)]
    headers: indexmap::IndexMap<String, String>,
}

#[derive(Deserialize)]
struct JobState {
    #[serde(default)]
    status: String,
    #[serde(default)]
    flow: Option<Reference>,
    #[serde(default)]
    messages: Vec<JobMessage>,
}

#[derive(Deserialize)]
struct Reference {
    id: String,
}

#[derive(Deserialize)]
struct JobMessage {
    #[serde(default)]
    text: String,
}

/// The deploy protocol ([`Protocol`]): done with the [`Outcome`] once the published version is read.
/// Its accessors show how far it got, for a shell that reports every step.
#[derive(Debug, Clone)]
pub struct Deployer {
    api_base: String,
    token: String,
    plan: DeployPlan,
    policy: RetryPolicy,
    phase: Phase,
    retrier: Retrier,
    action: Option<Action>,
    job: Option<Job>,
    flow_id: Option<String>,
    polls: u32,
    polled_ms: u64,
    job_status: Option<String>,
    job_messages: Vec<String>,
    log: Vec<String>,
}

impl Deployer {
    pub fn new(api_base: &str, token: &str, plan: DeployPlan, policy: RetryPolicy) -> Deployer {
        Deployer {
            api_base: api_base.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            plan,
            policy,
            phase: Phase::Lookup,
            retrier: Retrier::default(),
            action: None,
            job: None,
            flow_id: None,
            polls: 0,
            polled_ms: 0,
            job_status: None,
            job_messages: Vec::new(),
            log: Vec::new(),
        }
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Create or update, once the lookup has answered.
    pub fn action(&self) -> Option<&Action> {
        self.action.as_ref()
    }

    pub fn job_id(&self) -> Option<&str> {
        self.job.as_ref().map(|job| job.id.as_str())
    }

    pub fn job_status(&self) -> Option<&str> {
        self.job_status.as_deref()
    }

    /// The job's messages, as the platform wrote them.
    pub fn job_messages(&self) -> &[String] {
        &self.job_messages
    }

    /// One line per thing that happened, retries included.
    pub fn log(&self) -> &[String] {
        &self.log
    }

    pub fn plan(&self) -> &DeployPlan {
        &self.plan
    }

    fn request(&self) -> HttpRequest {
        let api = &self.api_base;
        match (&self.phase, &self.job) {
            (Phase::Lookup, _) => HttpRequest::get(
                format!(
                    "{api}/api/v2/flows?type={}&name={}&pageSize=100&pageNumber=1",
                    self.plan.flow_type.as_str(),
                    encode_component(&self.plan.flow_name)
                ),
                &self.token,
            ),
            (Phase::Upload, Some(job)) => HttpRequest {
                method: Method::Put,
                url: job.upload_url.clone(),
                headers: job.headers.clone(),
                body: Some(self.plan.yaml.clone()),
            },
            (Phase::Poll, Some(job)) => HttpRequest::get(
                format!("{api}/api/v2/flows/jobs/{}?expand=messages", encode_component(&job.id)),
                &self.token,
            ),
            (Phase::Confirm, _) => HttpRequest::get(
                format!("{api}/api/v2/flows/{}", encode_component(self.flow_id.as_deref().unwrap_or_default())),
                &self.token,
            ),
            // Register, and the states that cannot have a job yet.
            _ => HttpRequest::post_json(format!("{api}/api/v2/flows/jobs"), &self.token, "{}".to_owned()),
        }
    }

    fn fail(&mut self, error: ApiError) -> Step<Outcome> {
        let error = match (self.phase, error) {
            (Phase::Upload, ApiError::Unavailable(detail)) => ApiError::UploadRefused { detail },
            (_, error) => error,
        };
        self.log.push(format!("Failed: {error}"));
        Step::Failed(error)
    }

    fn on_lookup(&mut self, response: &HttpResponse) -> Result<Step<Outcome>, ApiError> {
        let listing: Json = parse("the flow lookup", response)?;
        let existing = listing["entities"].as_array().into_iter().flatten().find(|entity| {
            entity["name"].as_str().is_some_and(|name| name.eq_ignore_ascii_case(&self.plan.flow_name))
                && entity["type"].as_str().is_none_or(|t| t.eq_ignore_ascii_case(self.plan.flow_type.as_str()))
        });
        let action = match existing.and_then(|e| e["id"].as_str().map(|id| (id, e))) {
            Some((id, entity)) => Action::Update {
                flow_id: id.to_owned(),
                published_version: entity["publishedVersion"]["id"].as_str().map(str::to_owned),
            },
            None => Action::Create,
        };
        self.log.push(match &action {
            Action::Create => format!(
                "Plan: create a new {} \"{}\"",
                if self.plan.flow_type.is_module() { "common module" } else { "inbound call flow" },
                self.plan.flow_name
            ),
            Action::Update { flow_id, published_version } => format!(
                "Plan: update \"{}\" ({flow_id}, published version {})",
                self.plan.flow_name,
                published_version.as_deref().unwrap_or("none")
            ),
        });
        self.action = Some(action);
        self.phase = Phase::Register;
        Ok(Step::Send(self.request()))
    }

    fn on_register(&mut self, response: &HttpResponse) -> Result<Step<Outcome>, ApiError> {
        let registered: RegisterResponse = parse("POST /api/v2/flows/jobs", response)?;
        self.log.push(format!("Job {} registered", registered.id));
        self.job = Some(Job {
            id: registered.id,
            upload_url: registered.presigned_url,
            headers: registered.headers.into_iter().collect(),
        });
        self.phase = Phase::Upload;
        Ok(Step::Send(self.request()))
    }

    fn on_poll(&mut self, response: &HttpResponse) -> Result<Step<Outcome>, ApiError> {
        let state: JobState = parse("the job status", response)?;
        if self.job_status.as_deref() != Some(state.status.as_str()) {
            self.log.push(format!("Job status: {}", state.status));
        }
        self.job_status = Some(state.status.clone());
        self.job_messages = state.messages.into_iter().map(|m| m.text).filter(|t| !t.is_empty()).collect();
        let job_id = self.job_id().unwrap_or_default().to_owned();
        match state.status.as_str() {
            "Success" => {
                let flow = state.flow.ok_or_else(|| ApiError::Unexpected {
                    what: "the job status".to_owned(),
                    detail: "Success without a flow id".to_owned(),
                })?;
                self.flow_id = Some(flow.id);
                self.phase = Phase::Confirm;
                Ok(Step::Send(self.request()))
            }
            "Failure" => Err(ApiError::JobFailed { job_id, messages: self.job_messages.clone() }),
            _ if self.polled_ms >= self.policy.poll_deadline_ms => Err(ApiError::Unavailable(format!(
                "job {job_id} is still {} after {} s of waiting; look at it in Architect",
                state.status,
                self.polled_ms / 1_000
            ))),
            _ => {
                let millis = self.policy.poll_interval(self.polls);
                self.polls += 1;
                self.polled_ms += millis;
                Ok(Step::Wait(Wait { millis, reason: WaitReason::Polling }))
            }
        }
    }

    fn on_confirm(&mut self, response: &HttpResponse) -> Result<Step<Outcome>, ApiError> {
        let flow: Json = parse("GET /api/v2/flows/{id}", response)?;
        let version = flow["publishedVersion"]["id"].as_str().map(str::to_owned);
        let outcome = Outcome {
            flow_id: self.flow_id.clone().unwrap_or_default(),
            flow_name: flow["name"].as_str().unwrap_or(&self.plan.flow_name).to_owned(),
            version: version.clone(),
            created: matches!(self.action, Some(Action::Create)),
            job_id: self.job_id().unwrap_or_default().to_owned(),
            messages: self.job_messages.clone(),
        };
        self.log.push(format!(
            "Published \"{}\" version {} ({})",
            outcome.flow_name,
            version.as_deref().unwrap_or("unknown"),
            outcome.flow_id
        ));
        self.phase = Phase::Finished;
        Ok(Step::Done(outcome))
    }
}

/// Runs the deploy from the lookup to the published version.
impl Protocol for Deployer {
    type Output = Outcome;

    fn start(&mut self) -> Step<Outcome> {
        self.phase = Phase::Lookup;
        self.retrier.reset();
        Step::Send(self.request())
    }

    /// After a `Wait`: send the current step's request again (or the next poll).
    fn resume(&mut self) -> Step<Outcome> {
        Step::Send(self.request())
    }

    fn on_answer(&mut self, answer: Result<HttpResponse, String>) -> Step<Outcome> {
        let what = self.phase.title();
        let response = match self.retrier.judge(&self.policy, what, answer) {
            Verdict::Accept(response) => response,
            Verdict::Retry(wait) => {
                self.log.push(match wait.reason {
                    WaitReason::RateLimited { retry_after_seconds } => {
                        format!(
                            "Rate limited (429): waiting {retry_after_seconds} s as Retry-After asks, then retrying"
                        )
                    }
                    WaitReason::Backoff { attempt } => {
                        format!("{what}: failed; attempt {attempt} in {} ms", wait.millis)
                    }
                    WaitReason::Polling => String::new(),
                });
                return Step::Wait(wait);
            }
            Verdict::Fail(error) => return self.fail(error),
        };
        let next = match self.phase {
            Phase::Lookup => self.on_lookup(&response),
            Phase::Register => self.on_register(&response),
            Phase::Upload => {
                self.log.push(format!("Uploaded {} bytes of Archy YAML", self.plan.yaml.len()));
                self.phase = Phase::Poll;
                Ok(Step::Send(self.request()))
            }
            Phase::Poll => self.on_poll(&response),
            Phase::Confirm => self.on_confirm(&response),
            Phase::Finished => Err(ApiError::Unexpected {
                what: "the deploy".to_owned(),
                detail: "an answer arrived after the deploy had finished".to_owned(),
            }),
        };
        next.unwrap_or_else(|error| self.fail(error))
    }
}

/// A dry run: the deploy's lookup alone, done with the [`Action`] a deploy would take (create, or
/// update the flow of the same name). Nothing is registered, uploaded or published; the wrapped
/// [`Deployer`]'s log says what was found.
#[derive(Debug, Clone)]
pub struct DryRun {
    deployer: Deployer,
}

impl DryRun {
    pub fn new(deployer: Deployer) -> DryRun {
        DryRun { deployer }
    }

    pub fn deployer(&self) -> &Deployer {
        &self.deployer
    }

    /// The deployer's step, cut short once the lookup has decided the action.
    fn cut(&self, step: Step<Outcome>) -> Step<Action> {
        if let Some(action) = self.deployer.action() {
            return Step::Done(action.clone());
        }
        match step {
            Step::Send(request) => Step::Send(request),
            Step::Wait(wait) => Step::Wait(wait),
            Step::Failed(error) => Step::Failed(error),
            // The lookup decides the action before anything else can finish; kept total all the same.
            Step::Done(_) => Step::Failed(ApiError::Unexpected {
                what: "the dry run".to_owned(),
                detail: "the deploy finished without a plan".to_owned(),
            }),
        }
    }
}

impl Protocol for DryRun {
    type Output = Action;

    fn start(&mut self) -> Step<Action> {
        let step = self.deployer.start();
        self.cut(step)
    }

    fn resume(&mut self) -> Step<Action> {
        let step = self.deployer.resume();
        self.cut(step)
    }

    fn on_answer(&mut self, answer: Result<HttpResponse, String>) -> Step<Action> {
        let step = self.deployer.on_answer(answer);
        self.cut(step)
    }
}

/// Reads a 2xx body; one that is not what the API documents is `Unexpected`.
fn parse<T: serde::de::DeserializeOwned>(what: &str, response: &HttpResponse) -> Result<T, ApiError> {
    serde_json::from_str(&response.body)
        .map_err(|error| ApiError::Unexpected { what: what.to_owned(), detail: error.to_string() })
}

/// The commands that do the same deploy by hand, for when the browser cannot (reference §B6, §G).
pub fn manual_commands(plan: &DeployPlan, file_name: &str) -> String {
    format!(
        "# Archy (https://developer.genesys.cloud/devapps/archy/commandOverview), with a client-credentials OAuth client:\narchy publish --file {file_name} --clientId <id> --clientSecret <secret>\n\n# Terraform (CX as Code, provider mypurecloud/genesyscloud >= 1.68.5): genesyscloud_flow with\n#   filepath = \"{file_name}\"\n# (the provider hashes the file itself; file_content_hash is read-only)\n\n# Or this project's CLI, with a client-credentials OAuth client (same deploy, no browser):\ncallflow deploy {}.flow.json --region <region> --client-id <id> --client-secret <secret>\n# flow name: {}\n",
        callflow_core::export::slug(&plan.flow_name),
        plan.flow_name
    )
}
