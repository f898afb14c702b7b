//! A test run of a workflow: `POST /api/v2/flows/executions` with the request the core builds,
//! then `GET /api/v2/flows/executions/{id}` until it leaves RUNNING (reference §C). A bad input is
//! not refused at launch; it shows up as a FAILED execution with `flowErrorInfo`.

use serde_json::Value as Json;

use crate::http::{encode_component, ApiError, HttpRequest, HttpResponse};
use crate::protocol::{Protocol, Step, Wait, WaitReason};
use crate::retry::{Retrier, RetryPolicy, Verdict};

/// How the execution ended.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResult {
    pub execution_id: String,
    /// `COMPLETED`, `FAILED`, `ERROR`, `TERMINATED`, …
    pub status: String,
    pub output_data: Option<Json>,
    pub flow_error_info: Option<Json>,
}

/// The test-run protocol: launch, then poll the execution until it ends.
#[derive(Debug, Clone)]
pub struct TestRun {
    api_base: String,
    token: String,
    request: Json,
    policy: RetryPolicy,
    retrier: Retrier,
    execution_id: Option<String>,
    polls: u32,
    polled_ms: u64,
}

impl TestRun {
    /// `request` is the `FlowExecutionLaunchRequest` (`callflow_core::export::execution_request`).
    pub fn new(api_base: &str, token: &str, request: Json, policy: RetryPolicy) -> TestRun {
        TestRun {
            api_base: api_base.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            request,
            policy,
            retrier: Retrier::default(),
            execution_id: None,
            polls: 0,
            polled_ms: 0,
        }
    }

    pub fn execution_id(&self) -> Option<&str> {
        self.execution_id.as_deref()
    }

    fn next_request(&self) -> HttpRequest {
        match &self.execution_id {
            None => HttpRequest::post_json(
                format!("{}/api/v2/flows/executions", self.api_base),
                &self.token,
                self.request.to_string(),
            ),
            Some(id) => HttpRequest::get(
                format!("{}/api/v2/flows/executions/{}", self.api_base, encode_component(id)),
                &self.token,
            ),
        }
    }
}

/// Done when the execution has left RUNNING, whatever its status.
impl Protocol for TestRun {
    type Output = RunResult;

    fn start(&mut self) -> Step<RunResult> {
        Step::Send(self.next_request())
    }

    fn resume(&mut self) -> Step<RunResult> {
        Step::Send(self.next_request())
    }

    fn on_answer(&mut self, answer: Result<HttpResponse, String>) -> Step<RunResult> {
        let what = if self.execution_id.is_none() { "Launching the workflow" } else { "Reading the execution" };
        let response = match self.retrier.judge(&self.policy, what, answer) {
            Verdict::Accept(response) => response,
            Verdict::Retry(wait) => return Step::Wait(wait),
            Verdict::Fail(error) => return Step::Failed(error),
        };
        let body: Json = match serde_json::from_str(&response.body) {
            Ok(body) => body,
            Err(error) => {
                return Step::Failed(ApiError::Unexpected { what: what.to_owned(), detail: error.to_string() })
            }
        };
        let Some(id) = self.execution_id.clone() else {
            return match body["id"].as_str() {
                Some(id) => {
                    self.execution_id = Some(id.to_owned());
                    Step::Send(self.next_request())
                }
                None => Step::Failed(ApiError::Unexpected {
                    what: what.to_owned(),
                    detail: "the launch answer has no execution id".to_owned(),
                }),
            };
        };
        let status = body["status"].as_str().unwrap_or("UNKNOWN").to_owned();
        if status == "RUNNING" {
            if self.polled_ms >= self.policy.poll_deadline_ms {
                return Step::Failed(ApiError::Unavailable(format!(
                    "execution {id} is still RUNNING after {} s",
                    self.polled_ms / 1_000
                )));
            }
            let millis = self.policy.poll_interval(self.polls);
            self.polls += 1;
            self.polled_ms += millis;
            return Step::Wait(Wait { millis, reason: WaitReason::Polling });
        }
        let present = |value: &Json| if value.is_null() { None } else { Some(value.clone()) };
        Step::Done(RunResult {
            execution_id: id,
            status,
            output_data: present(&body["outputData"]),
            flow_error_info: present(&body["flowErrorInfo"]),
        })
    }
}
