//! Faults on demand. Counted faults (`rateLimitNext`, `serverErrorNext`, `failNextJobs`) hit the
//! next matching requests; percentages draw from a SplitMix64 stream seeded by `seed`, so the same
//! seed and the same request order give the same faults.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct FaultPlan {
    pub seed: u64,
    /// Only requests whose path starts with this are touched (default: every API and upload call).
    pub path_prefix: Option<String>,
    pub rate_limit_next: u32,
    pub retry_after_seconds: u64,
    pub server_error_next: u32,
    pub fail_next_jobs: u32,
    pub latency_ms: u64,
    pub rate_limit_percent: u32,
    pub server_error_percent: u32,
    pub job_failure_percent: u32,
    /// Answer the upload URL without CORS headers, as a storage host that refuses browsers would.
    pub refuse_browser_upload: bool,
}

/// What to do with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    RateLimit { retry_after_seconds: u64 },
    ServerError,
}

#[derive(Debug, Clone)]
pub struct Faults {
    pub plan: FaultPlan,
    rng: SplitMix64,
    pub injected_rate_limits: u64,
    pub injected_server_errors: u64,
    pub injected_job_failures: u64,
}

impl Default for Faults {
    fn default() -> Self {
        Faults::new(FaultPlan::default())
    }
}

impl Faults {
    pub fn new(plan: FaultPlan) -> Faults {
        Faults {
            rng: SplitMix64(plan.seed),
            plan,
            injected_rate_limits: 0,
            injected_server_errors: 0,
            injected_job_failures: 0,
        }
    }

    pub fn replace(&mut self, plan: FaultPlan) {
        let counts = (self.injected_rate_limits, self.injected_server_errors, self.injected_job_failures);
        *self = Faults::new(plan);
        (self.injected_rate_limits, self.injected_server_errors, self.injected_job_failures) = counts;
    }

    pub fn for_request(&mut self, path: &str) -> Fault {
        if let Some(prefix) = &self.plan.path_prefix {
            if !path.starts_with(prefix.as_str()) {
                return Fault::None;
            }
        }
        let retry_after_seconds = self.plan.retry_after_seconds.max(1);
        if self.plan.rate_limit_next > 0 {
            self.plan.rate_limit_next -= 1;
            self.injected_rate_limits += 1;
            return Fault::RateLimit { retry_after_seconds };
        }
        if self.plan.server_error_next > 0 {
            self.plan.server_error_next -= 1;
            self.injected_server_errors += 1;
            return Fault::ServerError;
        }
        if self.chance(self.plan.rate_limit_percent) {
            self.injected_rate_limits += 1;
            return Fault::RateLimit { retry_after_seconds };
        }
        if self.chance(self.plan.server_error_percent) {
            self.injected_server_errors += 1;
            return Fault::ServerError;
        }
        Fault::None
    }

    /// Whether the job being finished now is forced to fail.
    pub fn fail_job(&mut self) -> bool {
        if self.plan.fail_next_jobs > 0 {
            self.plan.fail_next_jobs -= 1;
            self.injected_job_failures += 1;
            return true;
        }
        let fail = self.chance(self.plan.job_failure_percent);
        self.injected_job_failures += u64::from(fail);
        fail
    }

    fn chance(&mut self, percent: u32) -> bool {
        percent > 0 && self.rng.next() % 100 < u64::from(percent.min(100))
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough for fault dice.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_faults() {
        let plan = FaultPlan { seed: 7, rate_limit_percent: 20, server_error_percent: 20, ..FaultPlan::default() };
        let draw = |plan: &FaultPlan| {
            let mut faults = Faults::new(plan.clone());
            (0..200).map(|_| faults.for_request("/api/v2/flows")).collect::<Vec<_>>()
        };
        assert_eq!(draw(&plan), draw(&plan));
        let faults = draw(&plan);
        assert!(faults.contains(&Fault::ServerError));
        assert!(faults.iter().any(|f| matches!(f, Fault::RateLimit { .. })));
        assert!(faults.contains(&Fault::None));
    }

    #[test]
    fn counted_faults_come_first_and_run_out() {
        let mut faults = Faults::new(FaultPlan { rate_limit_next: 2, retry_after_seconds: 3, ..FaultPlan::default() });
        assert_eq!(faults.for_request("/api/v2/x"), Fault::RateLimit { retry_after_seconds: 3 });
        assert_eq!(faults.for_request("/api/v2/x"), Fault::RateLimit { retry_after_seconds: 3 });
        assert_eq!(faults.for_request("/api/v2/x"), Fault::None);
    }
}
