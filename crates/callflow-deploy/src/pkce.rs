//! OAuth 2.0 Authorization Code with PKCE (RFC 7636, S256) and the client-credentials grant, as the
//! platform's login host speaks them (reference §E1–E2). Random bytes come in from the caller (the
//! browser's CSPRNG), so this module stays deterministic and testable.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::http::{encode_component, parse_query, HttpRequest, HttpResponse};

/// Random bytes for a 128-character verifier (96 bytes → 128 base64url characters), the SDK's length.
pub const VERIFIER_BYTES: usize = 96;
/// Random bytes for the `state` parameter.
pub const STATE_BYTES: usize = 24;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PkceError {
    /// RFC 7636 §4.1: 43 to 128 characters.
    #[error("a code verifier needs 32 to 96 random bytes (43–128 characters); got {0} bytes")]
    VerifierLength(usize),
}

/// The code verifier: base64url without padding of the given random bytes, from the unreserved set.
pub fn code_verifier(random: &[u8]) -> Result<String, PkceError> {
    if !(32..=96).contains(&random.len()) {
        return Err(PkceError::VerifierLength(random.len()));
    }
    Ok(URL_SAFE_NO_PAD.encode(random))
}

/// S256: base64url(SHA-256(verifier)) without padding.
pub fn code_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// An opaque `state` value.
pub fn state(random: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(random)
}

/// The authorize URL to send the browser to. No `scope` parameter: the platform takes the scopes
/// from the OAuth client's configuration, as the SDK does.
pub fn authorize_url(login_base: &str, client_id: &str, redirect_uri: &str, challenge: &str, state: &str) -> String {
    format!(
        "{login_base}/oauth/authorize?response_type=code&client_id={}&redirect_uri={}&code_challenge={}&code_challenge_method=S256&state={}",
        encode_component(client_id),
        encode_component(redirect_uri),
        encode_component(challenge),
        encode_component(state),
    )
}

/// The token exchange: a form POST without a client secret.
pub fn token_request(login_base: &str, code: &str, verifier: &str, client_id: &str, redirect_uri: &str) -> HttpRequest {
    HttpRequest::post_form(
        format!("{login_base}/oauth/token"),
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("code_verifier", verifier),
            ("client_id", client_id),
            ("redirect_uri", redirect_uri),
        ],
    )
}

/// The client-credentials grant for pipelines: HTTP Basic with the client id and secret.
pub fn client_credentials_request(login_base: &str, client_id: &str, client_secret: &str) -> HttpRequest {
    let mut request =
        HttpRequest::post_form(format!("{login_base}/oauth/token"), &[("grant_type", "client_credentials")]);
    let basic = STANDARD.encode(format!("{client_id}:{client_secret}"));
    request.headers.push(("Authorization".to_owned(), format!("Basic {basic}")));
    request
}

/// A bearer token and how long it lives.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Token {
    pub access_token: String,
    #[serde(default)]
    pub expires_in: Option<u64>,
}

/// Why a token request failed, in the words of the login host.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("sign-in failed ({status}): {error}{}", .description.as_ref().map(|d| format!(" — {d}")).unwrap_or_default())]
pub struct OAuthError {
    pub status: u16,
    pub error: String,
    pub description: Option<String>,
}

#[derive(Deserialize)]
struct OAuthErrorBody {
    error: Option<String>,
    error_description: Option<String>,
    message: Option<String>,
}

pub fn parse_token(response: &HttpResponse) -> Result<Token, OAuthError> {
    if response.is_success() {
        return serde_json::from_str::<Token>(&response.body).map_err(|error| OAuthError {
            status: response.status,
            error: "invalid_response".to_owned(),
            description: Some(format!("the token answer has no access_token: {error}")),
        });
    }
    let body: Option<OAuthErrorBody> = serde_json::from_str(&response.body).ok();
    Err(OAuthError {
        status: response.status,
        error: body.as_ref().and_then(|b| b.error.clone()).unwrap_or_else(|| format!("HTTP {}", response.status)),
        description: body.and_then(|b| b.error_description.or(b.message)),
    })
}

/// What the login host put in the redirect's query string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    Code { code: String, state: String },
    Error { error: String, description: Option<String>, state: Option<String> },
}

impl Callback {
    /// `None` when the query carries no sign-in answer at all.
    pub fn parse(query: &str) -> Option<Callback> {
        let pairs = parse_query(query);
        let get = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        if let Some(error) = get("error") {
            return Some(Callback::Error { error, description: get("error_description"), state: get("state") });
        }
        Some(Callback::Code { code: get("code")?, state: get("state").unwrap_or_default() })
    }
}

/// The query string without the sign-in parameters, for `history.replaceState` after a callback.
pub fn strip_callback_params(query: &str) -> String {
    let kept: Vec<String> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|part| !part.is_empty())
        .filter(|part| {
            let key = part.split('=').next().unwrap_or("");
            !matches!(key, "code" | "state" | "error" | "error_description")
        })
        .map(str::to_owned)
        .collect();
    if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_vector() {
        let random: [u8; 32] = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191,
            240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        let verifier = code_verifier(&random).unwrap();
        assert_eq!(verifier, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(code_challenge(&verifier), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn verifier_length_is_43_to_128() {
        assert_eq!(code_verifier(&[7; VERIFIER_BYTES]).unwrap().len(), 128);
        assert_eq!(code_verifier(&[7; 32]).unwrap().len(), 43);
        assert_eq!(code_verifier(&[7; 31]), Err(PkceError::VerifierLength(31)));
        assert_eq!(code_verifier(&[7; 97]), Err(PkceError::VerifierLength(97)));
    }

    #[test]
    fn callback_parsing_and_stripping() {
        assert_eq!(
            Callback::parse("?code=abc&state=xyz"),
            Some(Callback::Code { code: "abc".to_owned(), state: "xyz".to_owned() })
        );
        assert_eq!(
            Callback::parse("?error=access_denied&error_description=The+user+said+no&state=s"),
            Some(Callback::Error {
                error: "access_denied".to_owned(),
                description: Some("The user said no".to_owned()),
                state: Some("s".to_owned())
            })
        );
        assert_eq!(Callback::parse("?flow=x"), None);
        assert_eq!(strip_callback_params("?code=abc&state=xyz"), "");
        assert_eq!(strip_callback_params("?share=1&code=abc&state=xyz"), "?share=1");
    }

    #[test]
    fn authorize_url_carries_every_parameter() {
        let url = authorize_url("https://login.mypurecloud.de", "client 1", "http://127.0.0.1:8080/", "ch", "st");
        assert!(url.starts_with("https://login.mypurecloud.de/oauth/authorize?response_type=code&client_id=client%201"));
        assert!(url.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2F"));
        assert!(url.contains("code_challenge_method=S256"));
    }
}
