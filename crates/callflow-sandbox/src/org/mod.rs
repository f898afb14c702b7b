//! The org's state and every rule of the emulated API, as plain methods on [`Org`]. The HTTP layer
//! (`server.rs`) only translates requests into these calls and their results into responses.
//!
//! This file holds the [`Org`] itself (construction, reset, clock, the admin summary), its
//! [`Limits`] and its [`Stats`] counters. The rules are spread by area, each file an `impl Org`
//! block: `oauth.rs` (authorize, codes, tokens, PKCE), `access.rs` (the bearer token, rate limits,
//! permissions and scopes, users/me), `flows.rs` (the flow records, the flows and queues
//! listings), `jobs.rs` (Architect jobs: register, upload, check and publish), `executions.rs`
//! (workflow launches and their results) and `persist.rs` (the optional flows file). Wire shapes
//! and helpers (ErrorBody, encoding, paging, ids, dates) are in `crate::wire`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde_json::{json, Value as Json};

use crate::faults::Faults;
use crate::seed::{Seed, User};

mod access;
mod executions;
mod flows;
mod jobs;
mod oauth;
mod persist;

pub use access::Principal;
pub use flows::{FlowRecord, FlowType};
pub use jobs::JobStatus;
pub use oauth::{AuthorizeProblem, AuthorizeRequest};

use executions::Execution;
use jobs::Job;
use oauth::{CodeGrant, TokenRecord};

/// Limits and lifetimes. Defaults follow the platform: 300 requests per token per minute, tokens
/// for a day; authorization codes live 60 seconds here (the platform's value is not published).
#[derive(Debug, Clone)]
pub struct Limits {
    pub requests_per_minute: u32,
    pub code_ttl_seconds: u64,
    pub token_ttl_seconds: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { requests_per_minute: 300, code_ttl_seconds: 60, token_ttl_seconds: 86_399 }
    }
}

/// Counters for the admin endpoint and the load test.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    pub requests: u64,
    pub rate_limited: u64,
    pub jobs_registered: u64,
    pub jobs_succeeded: u64,
    pub jobs_failed: u64,
    pub flows_created: u64,
    pub flows_updated: u64,
    pub executions: u64,
}

pub struct Org {
    seed: Seed,
    pub flows: Vec<FlowRecord>,
    jobs: HashMap<String, Job>,
    executions: HashMap<String, Execution>,
    codes: HashMap<String, CodeGrant>,
    /// Codes already exchanged, with the tokens they gave: a replay revokes them (RFC 6749 §4.1.2).
    spent_codes: HashMap<String, Vec<String>>,
    tokens: HashMap<String, TokenRecord>,
    windows: HashMap<String, (u64, u32)>,
    pub faults: Faults,
    clock_offset_ms: i64,
    pub limits: Limits,
    extra_redirects: Vec<String>,
    data_dir: Option<PathBuf>,
    pub stats: Stats,
}

impl Org {
    pub fn new(seed: Seed, limits: Limits, extra_redirects: Vec<String>, data_dir: Option<PathBuf>) -> Org {
        let flows = seed.flows.iter().map(FlowRecord::from_seed).collect();
        let mut org = Org {
            seed,
            flows,
            jobs: HashMap::new(),
            executions: HashMap::new(),
            codes: HashMap::new(),
            spent_codes: HashMap::new(),
            tokens: HashMap::new(),
            windows: HashMap::new(),
            faults: Faults::default(),
            clock_offset_ms: 0,
            limits,
            extra_redirects,
            data_dir,
            stats: Stats::default(),
        };
        org.load();
        org
    }

    pub fn org_name(&self) -> &str {
        &self.seed.org.name
    }

    pub fn users(&self) -> &[User] {
        &self.seed.users
    }

    pub fn now_ms(&self) -> u64 {
        let real = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
        (real + self.clock_offset_ms).max(0) as u64
    }

    pub fn advance_clock(&mut self, seconds: i64) {
        self.clock_offset_ms += seconds * 1_000;
    }

    /// Back to the seed: flows, jobs, executions, codes, tokens and faults.
    pub fn reset(&mut self) {
        let fresh = Org::new(self.seed.clone(), self.limits.clone(), self.extra_redirects.clone(), None);
        let data_dir = self.data_dir.take();
        *self = fresh;
        self.data_dir = data_dir;
        self.save();
    }

    /// For the admin endpoint and the load test: every flow with its versions, and the counters.
    pub fn summary(&self) -> Json {
        json!({
            "org": self.seed.org.name,
            "flows": self.flows.iter().map(|f| json!({"id": f.id, "name": f.name, "type": f.flow_type, "versions": f.versions})).collect::<Vec<_>>(),
            "jobs": self.jobs.len(),
            "executions": self.executions.len(),
            "tokens": self.tokens.len(),
            "stats": self.stats,
            "faults": {"plan": self.faults.plan, "injectedRateLimits": self.faults.injected_rate_limits,
                "injectedServerErrors": self.faults.injected_server_errors, "injectedJobFailures": self.faults.injected_job_failures},
        })
    }
}
