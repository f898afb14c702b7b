//! Who signed in: `GET /api/v2/users/me` with the new token, read into the name the app shows.
//! Like every request to the org, it follows the one retry rule (429, 5xx and network loss wait and
//! try again). It needs a user's token: a client-credentials token has no user, and the org refuses
//! it (400).

use serde_json::Value as Json;

use crate::http::{HttpRequest, HttpResponse};
use crate::protocol::{Protocol, Step};
use crate::retry::{Retrier, RetryPolicy, Verdict};

/// The signed-in user, as far as the answer says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct User {
    pub id: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
}

impl User {
    /// Reads the answer's body. The sign-in has already succeeded and who it is only gets shown, so
    /// a body without these fields (or not JSON at all) is an unnamed user, not a failure.
    pub fn from_body(body: &str) -> User {
        let me: Json = serde_json::from_str(body).unwrap_or_default();
        let text = |key: &str| me[key].as_str().map(str::to_owned);
        User { id: text("id"), name: text("name"), email: text("email") }
    }

    /// What to call the user: the name, else the email, else `(unnamed user)`.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().or(self.email.as_deref()).unwrap_or("(unnamed user)")
    }
}

/// The users/me protocol: one request, done with the [`User`].
#[derive(Debug, Clone)]
pub struct WhoAmI {
    api_base: String,
    token: String,
    policy: RetryPolicy,
    retrier: Retrier,
}

impl WhoAmI {
    pub fn new(api_base: &str, token: &str, policy: RetryPolicy) -> WhoAmI {
        WhoAmI {
            api_base: api_base.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            policy,
            retrier: Retrier::default(),
        }
    }

    fn request(&self) -> HttpRequest {
        HttpRequest::get(format!("{}/api/v2/users/me", self.api_base), &self.token)
    }
}

impl Protocol for WhoAmI {
    type Output = User;

    fn start(&mut self) -> Step<User> {
        self.retrier.reset();
        Step::Send(self.request())
    }

    fn resume(&mut self) -> Step<User> {
        Step::Send(self.request())
    }

    fn on_answer(&mut self, answer: Result<HttpResponse, String>) -> Step<User> {
        match self.retrier.judge(&self.policy, "Reading who signed in (GET /api/v2/users/me)", answer) {
            Verdict::Accept(response) => Step::Done(User::from_body(&response.body)),
            Verdict::Retry(wait) => Step::Wait(wait),
            Verdict::Fail(error) => Step::Failed(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{ApiError, Method};
    use crate::protocol::{drive, Wait, WaitReason};

    fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> Result<HttpResponse, String> {
        Ok(HttpResponse {
            status,
            headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            body: body.to_owned(),
        })
    }

    /// Runs the protocol against `answers` in order; returns its end, the requests and the waits.
    fn run(answers: Vec<Result<HttpResponse, String>>) -> (Result<User, ApiError>, Vec<HttpRequest>, Vec<WaitReason>) {
        let mut answers = answers.into_iter();
        let mut sent = Vec::new();
        let mut waits = Vec::new();
        let mut whoami = WhoAmI::new("https://api.example/", "t0ken", RetryPolicy::default());
        let end = drive(
            &mut whoami,
            |request| {
                sent.push(request.clone());
                answers.next().expect("an answer for every request")
            },
            |_, wait: Wait| waits.push(wait.reason),
        );
        (end, sent, waits)
    }

    #[test]
    fn asks_users_me_with_the_token_and_reads_the_name() {
        let (end, sent, waits) =
            run(vec![answer(200, &[], r#"{"id": "u1", "name": "Alex Architect", "email": "alex@example.com"}"#)]);
        let user = end.unwrap();
        assert_eq!(user.id.as_deref(), Some("u1"));
        assert_eq!(user.display_name(), "Alex Architect");
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].method, Method::Get);
        assert_eq!(sent[0].url, "https://api.example/api/v2/users/me");
        assert!(sent[0].headers.contains(&("Authorization".to_owned(), "Bearer t0ken".to_owned())));
        assert!(waits.is_empty());
    }

    #[test]
    fn falls_back_to_the_email_then_to_unnamed() {
        assert_eq!(User::from_body(r#"{"email": "riley@example.com"}"#).display_name(), "riley@example.com");
        assert_eq!(User::from_body(r#"{"name": null}"#).display_name(), "(unnamed user)");
        assert_eq!(User::from_body("<html>gateway</html>"), User::default());
    }

    #[test]
    fn rides_out_a_429_and_a_network_failure() {
        let (end, sent, waits) = run(vec![
            answer(429, &[("Retry-After", "2")], ""),
            Err("connection reset".to_owned()),
            answer(200, &[], r#"{"name": "Alex Architect"}"#),
        ]);
        assert_eq!(end.unwrap().display_name(), "Alex Architect");
        assert_eq!(sent.len(), 3);
        assert_eq!(waits, vec![WaitReason::RateLimited { retry_after_seconds: 2 }, WaitReason::Backoff { attempt: 2 }]);
    }

    #[test]
    fn refusals_end_it_with_the_reason() {
        let (end, _, _) = run(vec![answer(401, &[], r#"{"message": "expired", "status": 401}"#)]);
        assert!(end.unwrap_err().is_sign_in_needed());
        let client_credentials = r#"{"message": "This request requires a user context.", "status": 400}"#;
        let (end, _, _) = run(vec![answer(400, &[], client_credentials)]);
        assert!(
            matches!(end, Err(ApiError::Rejected { status: 400, ref message }) if message.contains("user context"))
        );
    }
}
