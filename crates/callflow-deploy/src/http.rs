//! Requests and responses as plain values, URL and form encoding, and the platform's ErrorBody.

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
        }
    }
}

/// A request for a shell to send. `body` is sent as is, with the headers given here only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

impl HttpRequest {
    pub fn get(url: String, token: &str) -> HttpRequest {
        HttpRequest { method: Method::Get, url, headers: vec![bearer(token)], body: None }
    }

    pub fn post_json(url: String, token: &str, body: String) -> HttpRequest {
        HttpRequest {
            method: Method::Post,
            url,
            headers: vec![bearer(token), ("Content-Type".to_owned(), "application/json".to_owned())],
            body: Some(body),
        }
    }

    pub fn post_form(url: String, pairs: &[(&str, &str)]) -> HttpRequest {
        HttpRequest {
            method: Method::Post,
            url,
            headers: vec![("Content-Type".to_owned(), "application/x-www-form-urlencoded".to_owned())],
            body: Some(form_encode(pairs)),
        }
    }
}

fn bearer(token: &str) -> (String, String) {
    ("Authorization".to_owned(), format!("Bearer {token}"))
}

/// What came back. Header names are compared without regard to case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// `Retry-After` as whole seconds (the platform sends integers, reference §D2).
    pub fn retry_after_seconds(&self) -> Option<u64> {
        self.header("retry-after").and_then(|value| value.trim().parse().ok())
    }
}

/// The platform's error body (reference §D1); every field is optional when reading.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ErrorBody {
    pub message: Option<String>,
    pub message_params: Option<indexmap::IndexMap<String, String>>,
    pub context_id: Option<String>,
}

/// A refused API call, read from its status and ErrorBody.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// 401: the token is missing, expired or revoked. Sign in again; nothing was changed.
    #[error("the org refused the token (401{}); sign in again — your flow is kept", context(.context_id))]
    Unauthorized { context_id: Option<String> },
    /// 403: the user or client lacks a permission, or the token lacks a scope.
    #[error("not allowed (403): {message}{}", needs(.permission, .scope))]
    Forbidden { message: String, permission: Option<String>, scope: Option<String> },
    /// 404.
    #[error("not found (404): {0}")]
    NotFound(String),
    /// 400 and other 4xx that retrying cannot fix.
    #[error("the org rejected the request ({status}): {message}")]
    Rejected { status: u16, message: String },
    /// 5xx, 429 or network loss, still failing after the bounded retries.
    #[error("{0}")]
    Unavailable(String),
    /// The Architect job ended in `Failure`; its messages say why.
    #[error("the job {job_id} failed: {}", if .messages.is_empty() { "no messages".to_owned() } else { .messages.join(" | ") })]
    JobFailed { job_id: String, messages: Vec<String> },
    /// The upload URL could not be reached from here. In a browser this is usually CORS or the page's
    /// Content-Security-Policy refusing a storage host that is neither the login nor the API host.
    #[error("the YAML upload to the job's URL did not get through ({detail}). If you are in a browser, the upload host may refuse cross-origin uploads: download the YAML and publish it with Archy or Terraform instead")]
    UploadRefused { detail: String },
    /// A 2xx whose body is not what the API documents.
    #[error("unexpected answer from {what}: {detail}")]
    Unexpected { what: String, detail: String },
    /// A project deploy stopped at one flow; the flows from it on were not deployed.
    #[error("{error}; not deployed: {not_deployed}")]
    ProjectStopped { error: Box<ApiError>, not_deployed: String },
}

fn context(context_id: &Option<String>) -> String {
    context_id.as_ref().map(|id| format!(", contextId {id}")).unwrap_or_default()
}

fn needs(permission: &Option<String>, scope: &Option<String>) -> String {
    match (permission, scope) {
        (Some(p), Some(s)) => format!(" — needs the permission {p} and the OAuth scope {s}"),
        (Some(p), None) => format!(" — needs the permission {p}"),
        (None, Some(s)) => format!(" — needs the OAuth scope {s}"),
        (None, None) => String::new(),
    }
}

impl ApiError {
    /// Reads a non-2xx answer that will not be retried.
    pub fn from_response(response: &HttpResponse) -> ApiError {
        let body: ErrorBody = serde_json::from_str(&response.body).unwrap_or_default();
        let message = body.message.clone().unwrap_or_else(|| {
            let text = response.body.trim();
            if text.is_empty() {
                format!("HTTP {}", response.status)
            } else {
                text.chars().take(300).collect()
            }
        });
        match response.status {
            401 => ApiError::Unauthorized { context_id: body.context_id },
            403 => {
                let params = body.message_params.unwrap_or_default();
                ApiError::Forbidden {
                    message,
                    permission: params.get("permission").cloned(),
                    scope: params.get("scope").cloned(),
                }
            }
            404 => ApiError::NotFound(message),
            status => ApiError::Rejected { status, message },
        }
    }

    pub fn is_sign_in_needed(&self) -> bool {
        matches!(self, ApiError::Unauthorized { .. })
    }
}

/// Percent-encodes a URL component (RFC 3986 unreserved characters stay).
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// `a=1&b=2`, each part encoded.
pub fn form_encode(pairs: &[(&str, &str)]) -> String {
    pairs.iter().map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v))).collect::<Vec<_>>().join("&")
}

/// Decodes a query string or form body (`+` is a space; bad escapes stay as written).
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (key, value) = part.split_once('=').unwrap_or((part, ""));
            (decode_component(key), decode_component(value))
        })
        .collect()
}

pub fn decode_component(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => out.push(b' '),
            b'%' if index + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(value) => {
                        out.push(value);
                        index += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_round_trips() {
        for text in ["Inbound - Support", "a&b=c", "ünï/çødé?", "%zz", ""] {
            assert_eq!(decode_component(&encode_component(text)), text);
        }
        assert_eq!(
            parse_query("?code=a%2Fb&state=x+y&flag"),
            vec![
                ("code".to_owned(), "a/b".to_owned()),
                ("state".to_owned(), "x y".to_owned()),
                ("flag".to_owned(), String::new()),
            ]
        );
        assert_eq!(decode_component("100%"), "100%");
        assert_eq!(decode_component("%4"), "%4");
    }

    #[test]
    fn forbidden_names_permission_and_scope() {
        let response = HttpResponse {
            status: 403,
            headers: vec![],
            body: r#"{"message":"Missing permission","status":403,"messageParams":{"permission":"architect:job:create","scope":"architect"}}"#.to_owned(),
        };
        let error = ApiError::from_response(&response);
        assert!(error.to_string().contains("architect:job:create"), "{error}");
        assert!(error.to_string().contains("scope architect"), "{error}");
    }
}
