//! A bounded load on the sandbox: concurrent clients run whole deploy cycles of flows that share a
//! few names, with faults on. Used by the `load` example (figures) and a test (correctness only).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use callflow_deploy::deploy::{self, Deployer};
use callflow_deploy::http::{HttpRequest, Method};
use callflow_deploy::native::{drive, Transport};
use callflow_deploy::{pkce, ApiError, RetryPolicy};
use callflow_sandbox::faults::FaultPlan;
use callflow_sandbox::{spawn, Limits, Org, Seed};
use serde_json::Value;

// The test reads the correctness fields, the example all of them.
#[allow(dead_code)]
pub struct LoadReport {
    pub cycles: usize,
    pub clients: usize,
    pub elapsed: Duration,
    pub latencies_ms: Vec<f64>,
    pub published: u64,
    pub gave_up: u64,
    pub job_retries: u64,
    pub flows_per_name: Vec<(String, usize, usize)>,
    pub sandbox_state: Value,
}

pub fn run(cycles: usize, clients: usize, names: usize, faults: FaultPlan) -> LoadReport {
    let limits = Limits { requests_per_minute: 1_000_000, ..Limits::default() };
    let mut org = Org::new(Seed::demo(), limits, Vec::new(), None);
    org.faults.replace(faults);
    let sandbox = spawn(org).expect("sandbox starts");
    let base = sandbox.base_url();
    let template_path =
        format!("{}/../../public/templates/seed-002-verify-then-queue.flow.json", env!("CARGO_MANIFEST_DIR"));
    let template = callflow_core::parse(&std::fs::read_to_string(template_path).expect("template")).expect("valid");
    let published = Arc::new(AtomicU64::new(0));
    let gave_up = Arc::new(AtomicU64::new(0));
    let job_retries = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|client| {
            let (base, template) = (base.clone(), template.clone());
            let (published, gave_up, job_retries) = (published.clone(), gave_up.clone(), job_retries.clone());
            std::thread::spawn(move || {
                let transport = Transport::default();
                let token = loop {
                    let answer =
                        transport.send(&pkce::client_credentials_request(&base, "callflow-ci", "sandbox-ci-secret"));
                    if let Ok(token) =
                        answer.map_err(|e| e.to_string()).and_then(|r| pkce::parse_token(&r).map_err(|e| e.to_string()))
                    {
                        break token.access_token;
                    }
                };
                let mut latencies = Vec::new();
                for cycle in (client..cycles).step_by(clients) {
                    let mut document = template.clone();
                    document.flow.name = format!("Load flow {:02}", cycle % names);
                    let plan = deploy::prepare(&document).expect("valid");
                    let begun = Instant::now();
                    let mut done = false;
                    // A job failure is the platform's answer, not a transport fault: run the whole
                    // deploy again, which updates the same flow by name.
                    for _attempt in 0..5 {
                        let mut deployer = Deployer::new(&base, &token, plan.clone(), RetryPolicy::fast());
                        match drive(&mut deployer, &transport, |_, _| {}) {
                            Ok(_) => {
                                done = true;
                                break;
                            }
                            Err(ApiError::JobFailed { .. }) => {
                                job_retries.fetch_add(1, Ordering::Relaxed);
                            }
                            Err(_) => break,
                        }
                    }
                    latencies.push(begun.elapsed().as_secs_f64() * 1_000.0);
                    if done {
                        published.fetch_add(1, Ordering::Relaxed);
                    } else {
                        gave_up.fetch_add(1, Ordering::Relaxed);
                    }
                }
                latencies
            })
        })
        .collect();
    let mut latencies_ms: Vec<f64> = workers.into_iter().flat_map(|w| w.join().expect("worker")).collect();
    let elapsed = started.elapsed();
    latencies_ms.sort_by(f64::total_cmp);
    let state_answer = Transport::default()
        .send(&HttpRequest { method: Method::Get, url: format!("{base}/sandbox/state"), headers: vec![], body: None })
        .expect("state");
    let sandbox_state: Value = serde_json::from_str(&state_answer.body).expect("json");
    let flows_per_name = (0..names)
        .map(|n| {
            let name = format!("Load flow {n:02}");
            let matching: Vec<&Value> = sandbox_state["flows"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|f| f["name"] == name.as_str())
                .collect();
            let versions = matching.iter().map(|f| f["versions"].as_array().map_or(0, Vec::len)).sum();
            (name, matching.len(), versions)
        })
        .collect();
    LoadReport {
        cycles,
        clients,
        elapsed,
        latencies_ms,
        published: published.load(Ordering::Relaxed),
        gave_up: gave_up.load(Ordering::Relaxed),
        job_retries: job_retries.load(Ordering::Relaxed),
        flows_per_name,
        sandbox_state,
    }
}

/// The faults of a load run: a few percent of everything, deterministic from the seed.
pub fn faults(seed: u64) -> FaultPlan {
    FaultPlan {
        seed,
        rate_limit_percent: 2,
        retry_after_seconds: 1,
        server_error_percent: 3,
        job_failure_percent: 3,
        ..FaultPlan::default()
    }
}
