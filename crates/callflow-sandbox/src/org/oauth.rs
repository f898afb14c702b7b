//! OAuth as the login host does it: the authorize request and the user's decision (Authorization
//! Code with PKCE S256), the token endpoint (code exchange, client credentials), and the issued
//! codes and tokens.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value as Json};
use sha2::{Digest, Sha256};

use super::Org;
use crate::seed::{Client, Grant};
use crate::wire::{encode, oauth, random_token, OAuthErr};

/// Why an authorize request cannot go on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizeProblem {
    /// Unknown client or redirect URI: never redirect (RFC 6749 §4.1.2.1); show this instead.
    Page(String),
    /// Anything else goes back to the app as `?error=…&error_description=…&state=…`.
    Redirect(String),
}

/// A checked authorize request.
#[derive(Debug, Clone)]
pub struct AuthorizeRequest {
    pub client: Client,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub code_challenge: String,
}

#[derive(Debug, Clone)]
pub(super) struct CodeGrant {
    client_id: String,
    redirect_uri: String,
    challenge: String,
    user_id: String,
    expires_ms: u64,
}

#[derive(Debug, Clone)]
pub(super) struct TokenRecord {
    pub(super) user_id: Option<String>,
    pub(super) client_id: String,
    pub(super) scopes: Vec<String>,
    pub(super) permissions: Vec<String>,
    pub(super) expires_ms: u64,
}

impl Org {
    fn client(&self, id: &str) -> Option<&Client> {
        self.seed.clients.iter().find(|c| c.id == id)
    }

    fn redirect_allowed(&self, client: &Client, uri: &str) -> bool {
        client.redirect_uris.iter().chain(self.extra_redirects.iter()).any(|allowed| allowed == uri)
    }

    pub fn check_authorize(&self, params: &[(String, String)]) -> Result<AuthorizeRequest, AuthorizeProblem> {
        let get = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let client_id = get("client_id").unwrap_or_default();
        let Some(client) = self.client(&client_id).filter(|c| c.grant == Grant::Code) else {
            return Err(AuthorizeProblem::Page(format!(
                "The OAuth client \"{client_id}\" does not exist in this org or is not an Authorization Code client."
            )));
        };
        let redirect_uri = get("redirect_uri").unwrap_or_default();
        if !self.redirect_allowed(client, &redirect_uri) {
            return Err(AuthorizeProblem::Page(format!(
                "The redirect URI \"{redirect_uri}\" is not registered for {}. Registered: {}.",
                client.id,
                client.redirect_uris.join(", ")
            )));
        }
        let state = get("state");
        let back = |error: &str, description: &str| {
            let mut url = format!(
                "{redirect_uri}{}error={error}&error_description={}",
                if redirect_uri.contains('?') { '&' } else { '?' },
                encode(description)
            );
            if let Some(state) = &state {
                url.push_str(&format!("&state={}", encode(state)));
            }
            AuthorizeProblem::Redirect(url)
        };
        if get("response_type").as_deref() != Some("code") {
            return Err(back("unsupported_response_type", "response_type must be code"));
        }
        if get("code_challenge_method").as_deref() != Some("S256") {
            return Err(back("invalid_request", "code_challenge_method must be S256"));
        }
        let code_challenge = get("code_challenge").unwrap_or_default();
        if code_challenge.len() != 43
            || !code_challenge.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(back(
                "invalid_request",
                "code_challenge must be base64url(SHA-256(code_verifier)) without padding, 43 characters",
            ));
        }
        Ok(AuthorizeRequest { client: client.clone(), redirect_uri, state, code_challenge })
    }

    /// The user approved (or denied): the redirect back to the app.
    pub fn approve(&mut self, params: &[(String, String)]) -> Result<String, AuthorizeProblem> {
        let request = self.check_authorize(params)?;
        let get = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let separator = if request.redirect_uri.contains('?') { '&' } else { '?' };
        let state = request.state.as_ref().map(|s| format!("&state={}", encode(s))).unwrap_or_default();
        if get("decision").as_deref() == Some("deny") {
            return Ok(format!(
                "{}{separator}error=access_denied&error_description={}{state}",
                request.redirect_uri,
                encode("The user did not allow access")
            ));
        }
        let user_id = get("user").unwrap_or_default();
        if !self.seed.users.iter().any(|u| u.id == user_id) {
            return Err(AuthorizeProblem::Page(format!("No user \"{user_id}\" in this org.")));
        }
        let code = random_token(32);
        self.codes.insert(
            code.clone(),
            CodeGrant {
                client_id: request.client.id.clone(),
                redirect_uri: request.redirect_uri.clone(),
                challenge: request.code_challenge,
                user_id,
                expires_ms: self.now_ms() + self.limits.code_ttl_seconds * 1_000,
            },
        );
        Ok(format!("{}{separator}code={code}{state}", request.redirect_uri))
    }

    /// `POST /oauth/token`. `basic` is the decoded `Authorization: Basic` pair, if any.
    pub fn token(&mut self, form: &[(String, String)], basic: Option<(String, String)>) -> Result<Json, OAuthErr> {
        let get = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        match get("grant_type").as_deref() {
            Some("authorization_code") => self.exchange_code(&get),
            Some("client_credentials") => {
                let (id, secret) = basic
                    .or_else(|| Some((get("client_id")?, get("client_secret")?)))
                    .ok_or_else(|| oauth(401, "invalid_client", "client authentication is required (HTTP Basic)"))?;
                let client = self
                    .client(&id)
                    .filter(|c| c.grant == Grant::ClientCredentials && c.secret.as_deref() == Some(secret.as_str()))
                    .cloned()
                    .ok_or_else(|| oauth(401, "invalid_client", "unknown client or wrong secret"))?;
                Ok(self.issue(None, &client.id, client.scopes.clone(), client.permissions.clone()))
            }
            Some(other) => Err(oauth(400, "unsupported_grant_type", format!("grant_type {other} is not supported"))),
            None => Err(oauth(400, "invalid_request", "grant_type is required")),
        }
    }

    fn exchange_code(&mut self, get: &dyn Fn(&str) -> Option<String>) -> Result<Json, OAuthErr> {
        let client_id = get("client_id").ok_or_else(|| oauth(400, "invalid_request", "client_id is required"))?;
        let client = self
            .client(&client_id)
            .filter(|c| c.grant == Grant::Code)
            .cloned()
            .ok_or_else(|| oauth(401, "invalid_client", format!("unknown client {client_id}")))?;
        let code = get("code").ok_or_else(|| oauth(400, "invalid_request", "code is required"))?;
        let Some(grant) = self.codes.remove(&code) else {
            if let Some(tokens) = self.spent_codes.get(&code) {
                for token in tokens.clone() {
                    self.tokens.remove(&token);
                }
                return Err(oauth(
                    400,
                    "invalid_grant",
                    "the authorization code was already used; the tokens it gave are revoked",
                ));
            }
            return Err(oauth(400, "invalid_grant", "unknown authorization code"));
        };
        // Spent from here on, whether or not the rest checks out.
        self.spent_codes.insert(code.clone(), Vec::new());
        if self.now_ms() > grant.expires_ms {
            return Err(oauth(400, "invalid_grant", "the authorization code has expired"));
        }
        if grant.client_id != client.id {
            return Err(oauth(400, "invalid_grant", "the code was issued to another client"));
        }
        if get("redirect_uri").as_deref() != Some(grant.redirect_uri.as_str()) {
            return Err(oauth(400, "invalid_grant", "redirect_uri does not match the one of the authorize request"));
        }
        let verifier = get("code_verifier").unwrap_or_default();
        let well_formed = (43..=128).contains(&verifier.len())
            && verifier.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
        if !well_formed {
            return Err(oauth(400, "invalid_request", "code_verifier must be 43 to 128 unreserved characters"));
        }
        if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != grant.challenge {
            return Err(oauth(400, "invalid_grant", "code_verifier does not match the code_challenge (S256)"));
        }
        let user = self.seed.users.iter().find(|u| u.id == grant.user_id).cloned();
        let permissions = user.as_ref().map(|u| u.permissions.clone()).unwrap_or_default();
        let answer = self.issue(Some(grant.user_id), &client.id, client.scopes.clone(), permissions);
        if let (Some(token), Some(spent)) = (answer["access_token"].as_str(), self.spent_codes.get_mut(&code)) {
            spent.push(token.to_owned());
        }
        Ok(answer)
    }

    fn issue(
        &mut self,
        user_id: Option<String>,
        client_id: &str,
        scopes: Vec<String>,
        permissions: Vec<String>,
    ) -> Json {
        let token = random_token(32);
        let ttl = self.limits.token_ttl_seconds;
        self.tokens.insert(
            token.clone(),
            TokenRecord {
                user_id,
                client_id: client_id.to_owned(),
                scopes,
                permissions,
                expires_ms: self.now_ms() + ttl * 1_000,
            },
        );
        json!({"access_token": token, "token_type": "bearer", "expires_in": ttl})
    }
}
