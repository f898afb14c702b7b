//! The one retry rule every protocol shares: which answers are accepted, waited for (429's
//! `Retry-After`, backoff after a 5xx or network loss) or given up on, within a [`RetryPolicy`].

use crate::http::{ApiError, HttpResponse};
use crate::protocol::{Wait, WaitReason};

/// Bounds for retries, backoff and polling. Times are in milliseconds of waiting the protocol asked
/// for; it has no clock, so a deadline is the sum of its own waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per request for 5xx and network loss (the first one included).
    pub max_attempts: u32,
    pub backoff_base_ms: u64,
    pub backoff_max_ms: u64,
    /// How many 429 answers in a row one request may get before giving up.
    pub max_rate_limited: u32,
    /// When a 429 has no Retry-After.
    pub default_retry_after_s: u64,
    pub poll_first_ms: u64,
    pub poll_max_ms: u64,
    /// Give up waiting for a job or an execution after this much polling.
    pub poll_deadline_ms: u64,
}

impl Default for RetryPolicy {
    /// Serialised calls, polling every few seconds (reference §D3 design advice); Terraform waits
    /// up to 16 minutes for a flow job, and so do we.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            backoff_base_ms: 1_000,
            backoff_max_ms: 8_000,
            max_rate_limited: 6,
            default_retry_after_s: 5,
            poll_first_ms: 1_000,
            poll_max_ms: 5_000,
            poll_deadline_ms: 16 * 60 * 1_000,
        }
    }
}

impl RetryPolicy {
    /// Quick waits for tests and load runs against the local sandbox.
    pub fn fast() -> Self {
        RetryPolicy {
            backoff_base_ms: 5,
            backoff_max_ms: 40,
            default_retry_after_s: 0,
            poll_first_ms: 2,
            poll_max_ms: 10,
            poll_deadline_ms: 60_000,
            ..RetryPolicy::default()
        }
    }

    /// The n-th poll interval: doubling from `poll_first_ms` up to `poll_max_ms`.
    pub fn poll_interval(&self, poll: u32) -> u64 {
        self.poll_first_ms.saturating_mul(1u64 << poll.min(16)).min(self.poll_max_ms)
    }
}

/// What to do with an answer to one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Accept(HttpResponse),
    Retry(Wait),
    Fail(ApiError),
}

/// Counts the attempts of the request in flight. Reset it when a new request starts.
#[derive(Debug, Clone, Default)]
pub struct Retrier {
    attempts: u32,
    rate_limited: u32,
}

impl Retrier {
    pub fn reset(&mut self) {
        *self = Retrier::default();
    }

    /// Decides on an answer: 2xx is accepted; 429 waits for Retry-After; 5xx and network loss back
    /// off; the rest fails at once with the platform's reason. `what` names the step for messages.
    pub fn judge(&mut self, policy: &RetryPolicy, what: &str, answer: Result<HttpResponse, String>) -> Verdict {
        match answer {
            Ok(response) if response.is_success() => {
                self.reset();
                Verdict::Accept(response)
            }
            Ok(response) if response.status == 429 => {
                self.rate_limited += 1;
                if self.rate_limited > policy.max_rate_limited {
                    return Verdict::Fail(ApiError::Unavailable(format!(
                        "{what}: still rate limited (429) after {} waits; try again later",
                        policy.max_rate_limited
                    )));
                }
                let seconds = response.retry_after_seconds().unwrap_or(policy.default_retry_after_s);
                Verdict::Retry(Wait {
                    millis: seconds * 1_000,
                    reason: WaitReason::RateLimited { retry_after_seconds: seconds },
                })
            }
            Ok(response) if response.status >= 500 => {
                let detail = format!("{what}: the org answered {}", response.status);
                self.backoff(policy, detail)
            }
            Ok(response) => Verdict::Fail(ApiError::from_response(&response)),
            Err(network) => self.backoff(policy, format!("{what}: network error ({network})")),
        }
    }

    fn backoff(&mut self, policy: &RetryPolicy, detail: String) -> Verdict {
        self.attempts += 1;
        if self.attempts >= policy.max_attempts {
            return Verdict::Fail(ApiError::Unavailable(format!(
                "{detail}; gave up after {} attempts",
                policy.max_attempts
            )));
        }
        let millis =
            policy.backoff_base_ms.saturating_mul(1u64 << (self.attempts - 1).min(16)).min(policy.backoff_max_ms);
        Verdict::Retry(Wait { millis, reason: WaitReason::Backoff { attempt: self.attempts + 1 } })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, headers: &[(&str, &str)]) -> Result<HttpResponse, String> {
        Ok(HttpResponse {
            status,
            headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            body: String::new(),
        })
    }

    #[test]
    fn rate_limit_waits_for_retry_after_then_gives_up() {
        let policy = RetryPolicy::default();
        let mut retrier = Retrier::default();
        for _ in 0..policy.max_rate_limited {
            let verdict = retrier.judge(&policy, "x", answer(429, &[("Retry-After", "7")]));
            assert_eq!(
                verdict,
                Verdict::Retry(Wait { millis: 7_000, reason: WaitReason::RateLimited { retry_after_seconds: 7 } })
            );
        }
        assert!(matches!(retrier.judge(&policy, "x", answer(429, &[])), Verdict::Fail(ApiError::Unavailable(_))));
    }

    #[test]
    fn server_errors_back_off_exponentially_and_are_bounded() {
        let policy = RetryPolicy::default();
        let mut retrier = Retrier::default();
        let waits: Vec<Verdict> = (0..4).map(|_| retrier.judge(&policy, "x", Err("reset".to_owned()))).collect();
        assert_eq!(waits[0], Verdict::Retry(Wait { millis: 1_000, reason: WaitReason::Backoff { attempt: 2 } }));
        assert_eq!(waits[1], Verdict::Retry(Wait { millis: 2_000, reason: WaitReason::Backoff { attempt: 3 } }));
        assert_eq!(waits[2], Verdict::Retry(Wait { millis: 4_000, reason: WaitReason::Backoff { attempt: 4 } }));
        assert!(matches!(&waits[3], Verdict::Fail(ApiError::Unavailable(m)) if m.contains("4 attempts")));
    }

    #[test]
    fn client_errors_fail_at_once() {
        let mut retrier = Retrier::default();
        assert!(matches!(
            retrier.judge(&RetryPolicy::default(), "x", answer(401, &[])),
            Verdict::Fail(ApiError::Unauthorized { .. })
        ));
        assert!(matches!(retrier.judge(&RetryPolicy::default(), "x", answer(200, &[])), Verdict::Accept(_)));
    }
}
