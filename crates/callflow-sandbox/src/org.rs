//! The org's state and every rule of the emulated API, as plain methods on [`Org`]. The HTTP layer
//! (`server.rs`) only translates requests into these calls and their results into responses.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};
use sha2::{Digest, Sha256};

use crate::archy;
use crate::faults::Faults;
use crate::seed::{Client, Grant, Seed, SeedFlow, User};

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

/// A refusal in the platform's ErrorBody shape (reference §D1). The `code` values are the
/// sandbox's own; the platform publishes no list.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiErr {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    pub params: IndexMap<String, String>,
    pub retry_after: Option<u64>,
}

impl ApiErr {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> ApiErr {
        ApiErr { status, code, message: message.into(), params: IndexMap::new(), retry_after: None }
    }

    fn param(mut self, key: &str, value: &str) -> ApiErr {
        self.params.insert(key.to_owned(), value.to_owned());
        self
    }

    pub fn body(&self, context_id: &str) -> Json {
        let mut with_params = self.message.clone();
        for (key, value) in &self.params {
            with_params = with_params.replace(value.as_str(), &format!("{{{key}}}"));
        }
        json!({
            "message": self.message,
            "code": self.code,
            "status": self.status,
            "messageWithParams": with_params,
            "messageParams": self.params,
            "contextId": context_id,
            "details": [],
            "errors": [],
        })
    }
}

/// An OAuth error (RFC 6749 §5.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthErr {
    pub status: u16,
    pub error: &'static str,
    pub description: String,
}

fn oauth(status: u16, error: &'static str, description: impl Into<String>) -> OAuthErr {
    OAuthErr { status, error, description: description.into() }
}

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
struct CodeGrant {
    client_id: String,
    redirect_uri: String,
    challenge: String,
    user_id: String,
    expires_ms: u64,
}

#[derive(Debug, Clone)]
struct TokenRecord {
    user_id: Option<String>,
    client_id: String,
    scopes: Vec<String>,
    permissions: Vec<String>,
    expires_ms: u64,
}

/// Who is calling.
#[derive(Debug, Clone)]
pub struct Principal {
    pub token: String,
    pub user: Option<User>,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub permissions: Vec<String>,
}

/// A flow in the org.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowRecord {
    pub id: String,
    pub name: String,
    pub flow_type: String,
    pub description: String,
    /// Published versions, oldest first.
    pub versions: Vec<String>,
    pub compatible_flow_types: Vec<String>,
    pub input_schema: Option<Json>,
    pub output_schema: Option<Json>,
    pub output_data: Option<IndexMap<String, Json>>,
    pub yaml: Option<String>,
    pub date_modified_ms: u64,
}

impl FlowRecord {
    pub fn published_version(&self) -> Option<&str> {
        self.versions.last().map(String::as_str)
    }

    fn schema_names(schema: &Option<Json>) -> Vec<&str> {
        schema
            .as_ref()
            .and_then(|s| s["properties"].as_object())
            .map(|p| p.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

    pub fn input_names(&self) -> Vec<&str> {
        Self::schema_names(&self.input_schema)
    }

    pub fn output_names(&self) -> Vec<&str> {
        Self::schema_names(&self.output_schema)
    }

    pub fn required_inputs(&self) -> Vec<&str> {
        self.input_schema
            .as_ref()
            .and_then(|s| s["required"].as_array())
            .map(|r| r.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default()
    }

    fn from_seed(seed: &SeedFlow) -> FlowRecord {
        FlowRecord {
            id: seed.id.clone(),
            name: seed.name.clone(),
            flow_type: seed.flow_type.to_ascii_uppercase(),
            description: seed.description.clone(),
            versions: seed.published_versions.clone(),
            compatible_flow_types: seed.compatible_flow_types.clone(),
            input_schema: seed.input_schema.clone(),
            output_schema: seed.output_schema.clone(),
            output_data: seed.output_data.clone(),
            yaml: None,
            date_modified_ms: 0,
        }
    }

    /// The API's `Flow` entity.
    pub fn to_json(&self, include_schemas: bool) -> Json {
        let self_uri = format!("/api/v2/flows/{}", self.id);
        let version = |id: &str, kind: &str| {
            let mut version = json!({
                "id": id, "name": id, "type": kind, "secure": false, "debug": false,
                "compatibleFlowTypes": self.compatible_flow_types,
                "selfUri": format!("{self_uri}/versions/{id}"),
            });
            if include_schemas {
                version["inputSchema"] = self.input_schema.clone().unwrap_or(Json::Null);
                version["outputSchema"] = self.output_schema.clone().unwrap_or(Json::Null);
            }
            version
        };
        let mut flow = json!({
            "id": self.id,
            "name": self.name,
            "type": self.flow_type,
            "division": {"id": "00000000-0000-4000-8000-00000000d1v1", "name": "Home"},
            "description": self.description,
            "active": self.published_version().is_some(),
            "system": false,
            "deleted": false,
            "lockedUser": null,
            "lockedClient": null,
            "publishedVersion": self.published_version().map(|v| version(v, "PUBLISH")),
            "savedVersion": version("draft", "SAVE"),
            "compatibleFlowTypes": self.compatible_flow_types,
            "supportedLanguages": [{"language": "en-us", "isDefault": true}],
            "selfUri": self_uri,
        });
        if include_schemas {
            flow["inputSchema"] = self.input_schema.clone().unwrap_or(Json::Null);
            flow["outputSchema"] = self.output_schema.clone().unwrap_or(Json::Null);
        }
        flow
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum JobStatus {
    Registered,
    Started,
    Success,
    Failure,
}

#[derive(Debug, Clone)]
struct Job {
    id: String,
    client_id: String,
    permissions: Vec<String>,
    upload_key: String,
    status: JobStatus,
    yaml: Option<String>,
    flow_id: Option<String>,
    messages: Vec<(u64, &'static str, String)>,
}

#[derive(Debug, Clone)]
struct Execution {
    id: String,
    name: String,
    flow_id: String,
    version: String,
    input_data: serde_json::Map<String, Json>,
    launched_ms: u64,
    reads: u32,
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

pub fn random_token(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    // getrandom reads the OS CSPRNG; if that fails the server cannot issue secrets at all.
    getrandom::fill(&mut buffer).unwrap_or_else(|error| panic!("the OS random source failed: {error}"));
    URL_SAFE_NO_PAD.encode(buffer)
}

pub fn random_uuid() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).unwrap_or_else(|error| panic!("the OS random source failed: {error}"));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

fn iso(ms: u64) -> String {
    // A small civil-from-days conversion (H. Hinnant) so no date crate is needed.
    let seconds = ms / 1_000;
    let days = (seconds / 86_400) as i64;
    let rem = seconds % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60,
        ms % 1_000
    )
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

    fn state_file(&self) -> Option<PathBuf> {
        self.data_dir.as_ref().map(|dir| dir.join("flows.json"))
    }

    fn load(&mut self) {
        let Some(path) = self.state_file() else { return };
        if let Ok(text) = std::fs::read_to_string(&path) {
            match serde_json::from_str::<Vec<FlowRecord>>(&text) {
                Ok(flows) => self.flows = flows,
                Err(error) => eprintln!("callflow-sandbox: ignoring {}: {error}", path.display()),
            }
        }
    }

    fn save(&self) {
        let Some(path) = self.state_file() else { return };
        let text = serde_json::to_string_pretty(&self.flows).unwrap_or_default();
        let temporary = path.with_extension("json.tmp");
        let written = std::fs::create_dir_all(path.parent().unwrap_or(&path))
            .and_then(|()| std::fs::write(&temporary, text))
            .and_then(|()| std::fs::rename(&temporary, &path));
        if let Err(error) = written {
            eprintln!("callflow-sandbox: cannot save {}: {error}", path.display());
        }
    }

    fn client(&self, id: &str) -> Option<&Client> {
        self.seed.clients.iter().find(|c| c.id == id)
    }

    fn redirect_allowed(&self, client: &Client, uri: &str) -> bool {
        client.redirect_uris.iter().chain(self.extra_redirects.iter()).any(|allowed| allowed == uri)
    }

    // ---- OAuth ----

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

    // ---- API access ----

    /// Reads the bearer token and counts the request against the token's rate limit.
    pub fn principal(&mut self, authorization: Option<&str>) -> Result<Principal, ApiErr> {
        self.stats.requests += 1;
        let unauthorized = |message: &str| ApiErr::new(401, "authentication.required", message);
        let token = authorization
            .and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
            .map(str::trim)
            .ok_or_else(|| unauthorized("No authentication bearer token specified in authorization header."))?;
        let now = self.now_ms();
        let record = self
            .tokens
            .get(token)
            .filter(|r| r.expires_ms > now)
            .cloned()
            .ok_or_else(|| unauthorized("Authentication failed: the token is unknown, expired or revoked."))?;
        let window = self.windows.entry(token.to_owned()).or_insert((now, 0));
        if now >= window.0 + 60_000 {
            *window = (now, 0);
        }
        window.1 += 1;
        if window.1 > self.limits.requests_per_minute {
            self.stats.rate_limited += 1;
            let retry_after = (window.0 + 60_000 - now).div_ceil(1_000).max(1);
            let mut error = ApiErr::new(
                429,
                "too.many.requests",
                format!(
                    "Rate limit exceeded the maximum of {} requests per minute for this token",
                    self.limits.requests_per_minute
                ),
            )
            .param("limit", &self.limits.requests_per_minute.to_string());
            error.retry_after = Some(retry_after);
            return Err(error);
        }
        Ok(Principal {
            token: token.to_owned(),
            user: record.user_id.as_ref().and_then(|id| self.seed.users.iter().find(|u| &u.id == id).cloned()),
            client_id: record.client_id,
            scopes: record.scopes,
            permissions: record.permissions,
        })
    }

    /// 403 naming what is missing: the user's permission, or the client's scope.
    pub fn require(principal: &Principal, permission: &str, scope: &str) -> Result<(), ApiErr> {
        let scope_ok = principal
            .scopes
            .iter()
            .any(|s| s == scope || scope.strip_suffix(":readonly").is_some_and(|write| s == write));
        if !scope_ok {
            return Err(ApiErr::new(
                403,
                "missing.scope",
                format!("The OAuth client {} lacks the scope {scope}, which this request needs", principal.client_id),
            )
            .param("scope", scope));
        }
        if !principal.permissions.iter().any(|p| p == permission) {
            let who = principal.user.as_ref().map(|u| u.name.clone()).unwrap_or_else(|| principal.client_id.clone());
            return Err(ApiErr::new(
                403,
                "missing.permissions",
                format!("{who} lacks the permission {permission}, which this request needs"),
            )
            .param("permission", permission)
            .param("scope", scope));
        }
        Ok(())
    }

    pub fn me(principal: &Principal) -> Result<Json, ApiErr> {
        let Some(user) = &principal.user else {
            return Err(ApiErr::new(
                400,
                "bad.request",
                "This request requires a user context. Client credentials cannot be used for requests to this resource.",
            ));
        };
        Ok(json!({
            "id": user.id, "name": user.name, "email": user.email, "username": user.email,
            "title": user.title, "state": "active", "selfUri": format!("/api/v2/users/{}", user.id),
        }))
    }

    pub fn list_flows(&self, principal: &Principal, query: &[(String, String)]) -> Result<Json, ApiErr> {
        Org::require(principal, "architect:flow:view", "architect:readonly")?;
        let values = |name: &str| -> Vec<String> {
            query
                .iter()
                .filter(|(k, _)| k == name)
                .flat_map(|(_, v)| v.split(',').map(|s| s.trim().to_owned()))
                .collect()
        };
        let one = |name: &str| values(name).into_iter().next();
        let types: Vec<String> = values("type").iter().map(|t| t.to_ascii_uppercase()).collect();
        let name = one("name");
        let include_schemas = one("includeSchemas").as_deref() == Some("true");
        let page_size = parse_number(one("pageSize"), 25, "pageSize", 1..=500)?;
        let page_number = parse_number(one("pageNumber"), 1, "pageNumber", 1..=1_000_000)?;
        let mut matching: Vec<&FlowRecord> = self
            .flows
            .iter()
            .filter(|f| types.is_empty() || types.contains(&f.flow_type))
            .filter(|f| name.as_ref().is_none_or(|n| f.name.eq_ignore_ascii_case(n)))
            .collect();
        if one("sortBy").as_deref() == Some("name") {
            matching.sort_by_key(|f| f.name.to_ascii_lowercase());
        }
        if one("sortOrder").as_deref() == Some("desc") {
            matching.reverse();
        }
        Ok(listing(&matching, page_size, page_number, "/api/v2/flows", query, |f| f.to_json(include_schemas)))
    }

    pub fn get_flow(&self, principal: &Principal, id: &str) -> Result<Json, ApiErr> {
        Org::require(principal, "architect:flow:view", "architect:readonly")?;
        self.flows
            .iter()
            .find(|f| f.id == id)
            .map(|f| f.to_json(true))
            .ok_or_else(|| ApiErr::new(404, "not.found", format!("The flow {id} was not found")).param("flowId", id))
    }

    pub fn queues(&self, principal: &Principal, query: &[(String, String)]) -> Result<Json, ApiErr> {
        Org::require(principal, "routing:queue:view", "routing:readonly")?;
        let one = |name: &str| query.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let page_size = parse_number(one("pageSize"), 25, "pageSize", 1..=500)?;
        let page_number = parse_number(one("pageNumber"), 1, "pageNumber", 1..=1_000_000)?;
        let name = one("name");
        let queues: Vec<&crate::seed::Queue> =
            self.seed.queues.iter().filter(|q| name.as_ref().is_none_or(|n| q.name.eq_ignore_ascii_case(n))).collect();
        Ok(listing(
            &queues,
            page_size,
            page_number,
            "/api/v2/routing/queues",
            query,
            |q| json!({"id": q.id, "name": q.name, "selfUri": format!("/api/v2/routing/queues/{}", q.id)}),
        ))
    }

    // ---- Architect jobs ----

    pub fn register_job(&mut self, principal: &Principal, upload_base: &str) -> Result<Json, ApiErr> {
        Org::require(principal, "architect:job:create", "architect")?;
        let id = random_uuid();
        let upload_key = random_token(24);
        self.jobs.insert(
            id.clone(),
            Job {
                id: id.clone(),
                client_id: principal.client_id.clone(),
                permissions: principal.permissions.clone(),
                upload_key: upload_key.clone(),
                status: JobStatus::Registered,
                yaml: None,
                flow_id: None,
                messages: Vec::new(),
            },
        );
        self.stats.jobs_registered += 1;
        Ok(json!({
            "id": id,
            "presignedUrl": format!("{upload_base}/uploads/{id}"),
            "headers": {"Content-Type": "text/plain; charset=utf-8", "x-sandbox-upload-key": upload_key},
            "selfUri": format!("/api/v2/flows/jobs/{id}"),
        }))
    }

    /// The PUT to the presigned URL. Every header the job handed out must come back. Uploading the
    /// same file again is harmless (a retried PUT); a different file after the job started is not.
    pub fn upload(&mut self, job_id: &str, headers: &[(String, String)], body: String) -> Result<(), ApiErr> {
        let header = |name: &str| headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
        let Some(job) = self.jobs.get_mut(job_id) else {
            return Err(ApiErr::new(404, "not.found", format!("No upload is expected for job {job_id}")));
        };
        if header("x-sandbox-upload-key") != Some(job.upload_key.as_str()) {
            return Err(ApiErr::new(
                403,
                "signature.mismatch",
                "The x-sandbox-upload-key header is missing or wrong: send every header the job registration returned",
            )
            .param("header", "x-sandbox-upload-key"));
        }
        if !header("content-type").is_some_and(|v| v.starts_with("text/plain")) {
            return Err(ApiErr::new(
                403,
                "signature.mismatch",
                "The Content-Type header differs from the one the job registration returned",
            )
            .param("header", "Content-Type"));
        }
        match (&job.yaml, job.status) {
            (Some(previous), _) if *previous == body => Ok(()),
            (_, JobStatus::Registered) => {
                job.yaml = Some(body);
                Ok(())
            }
            _ => Err(ApiErr::new(409, "conflict", "This job already has a different file")),
        }
    }

    pub fn job_state(&mut self, principal: &Principal, job_id: &str) -> Result<Json, ApiErr> {
        Org::require(principal, "architect:job:view", "architect:readonly")?;
        let Some(job) = self.jobs.get(job_id) else {
            return Err(ApiErr::new(404, "not.found", format!("The job {job_id} was not found")).param("jobId", job_id));
        };
        match (job.status, job.yaml.is_some()) {
            (JobStatus::Registered, true) => {
                let now = self.now_ms();
                if let Some(job) = self.jobs.get_mut(job_id) {
                    job.status = JobStatus::Started;
                    job.messages.push((now, "INFO", "Archy job started".to_owned()));
                }
            }
            (JobStatus::Started, _) => self.finish_job(job_id),
            _ => {}
        }
        let job = &self.jobs[job_id];
        Ok(json!({
            "id": job.id,
            "status": job.status,
            "command": "Publish",
            "flow": job.flow_id.as_ref().map(|id| json!({"id": id, "selfUri": format!("/api/v2/flows/{id}")})),
            "messages": job.messages.iter().map(|(at, kind, text)| json!({"dateTime": iso(*at), "type": kind, "text": text, "details": []})).collect::<Vec<_>>(),
            "selfUri": format!("/api/v2/flows/jobs/{}", job.id),
        }))
    }

    /// Checks the YAML and publishes: create or update by name, all under the org's one lock, so
    /// concurrent jobs for one name never make two flows.
    fn finish_job(&mut self, job_id: &str) {
        let now = self.now_ms();
        let queues: Vec<String> = self.seed.queues.iter().map(|q| q.name.clone()).collect();
        let Some(job) = self.jobs.get(job_id).cloned() else { return };
        let yaml = job.yaml.clone().unwrap_or_default();
        let mut result = archy::check(&yaml, &self.flows, &queues);
        if result.is_ok() && !job.permissions.iter().any(|p| p == "architect:flow:publish") {
            result = Err(vec![format!("{} lacks the permission architect:flow:publish", job.client_id)]);
        }
        if result.is_ok() && self.faults.fail_job() {
            result =
                Err(vec!["Injected failure (sandbox fault plan): the Archy job stopped with exit code 100".to_owned()]);
        }
        let Some(job) = self.jobs.get_mut(job_id) else { return };
        match result {
            Err(problems) => {
                job.status = JobStatus::Failure;
                job.messages.extend(problems.into_iter().map(|p| (now, "ERROR", p)));
                self.stats.jobs_failed += 1;
            }
            Ok(checked) => {
                let existing = self
                    .flows
                    .iter_mut()
                    .find(|f| f.flow_type == "INBOUNDCALL" && f.name.eq_ignore_ascii_case(&checked.name));
                let (flow_id, version, verb) = match existing {
                    Some(flow) => {
                        let version = format!("{}.0", flow.versions.len() + 1);
                        flow.versions.push(version.clone());
                        flow.yaml = Some(yaml);
                        flow.description = checked.description;
                        flow.date_modified_ms = now;
                        self.stats.flows_updated += 1;
                        (flow.id.clone(), version, "updated")
                    }
                    None => {
                        let flow = FlowRecord {
                            id: random_uuid(),
                            name: checked.name.clone(),
                            flow_type: "INBOUNDCALL".to_owned(),
                            description: checked.description,
                            versions: vec!["1.0".to_owned()],
                            compatible_flow_types: Vec::new(),
                            input_schema: None,
                            output_schema: None,
                            output_data: None,
                            yaml: Some(yaml),
                            date_modified_ms: now,
                        };
                        let id = flow.id.clone();
                        self.flows.push(flow);
                        self.stats.flows_created += 1;
                        (id, "1.0".to_owned(), "created")
                    }
                };
                job.status = JobStatus::Success;
                job.flow_id = Some(flow_id);
                job.messages.push((
                    now,
                    "INFO",
                    format!("Flow \"{}\" {verb} and published as version {version}", checked.name),
                ));
                self.stats.jobs_succeeded += 1;
                self.save();
            }
        }
    }

    // ---- Flow executions ----

    pub fn launch(&mut self, principal: &Principal, body: &str) -> Result<Json, ApiErr> {
        Org::require(principal, "architect:flow:launch", "architect")?;
        let request: Json = serde_json::from_str(body)
            .map_err(|error| ApiErr::new(400, "bad.request", format!("The request body is not JSON: {error}")))?;
        let Some(flow_id) = request["flowId"].as_str() else {
            return Err(ApiErr::new(400, "bad.request", "flowId is required").param("field", "flowId"));
        };
        let Some(flow) = self.flows.iter().find(|f| f.id == flow_id) else {
            return Err(
                ApiErr::new(404, "not.found", format!("The flow {flow_id} was not found")).param("flowId", flow_id)
            );
        };
        if flow.flow_type != "WORKFLOW" {
            return Err(ApiErr::new(
                400,
                "bad.request",
                format!("The flow {} is of type {}; only workflows can be launched", flow.name, flow.flow_type),
            ));
        }
        let Some(latest) = flow.published_version() else {
            return Err(ApiErr::new(
                400,
                "bad.request",
                format!("The workflow {} has no published version", flow.name),
            ));
        };
        let version = match request["flowVersion"].as_str() {
            Some(v) if !flow.versions.iter().any(|known| known == v) => {
                return Err(ApiErr::new(400, "bad.request", format!("The workflow {} has no version {v}", flow.name)))
            }
            Some(v) => v.to_owned(),
            None => latest.to_owned(),
        };
        let input_data = match &request["inputData"] {
            Json::Null => serde_json::Map::new(),
            Json::Object(map) => map.clone(),
            _ => return Err(ApiErr::new(400, "bad.request", "inputData must be an object").param("field", "inputData")),
        };
        let id = random_uuid();
        let name = request["name"].as_str().unwrap_or("").to_owned();
        let execution = Execution {
            id: id.clone(),
            name: name.clone(),
            flow_id: flow_id.to_owned(),
            version: version.clone(),
            input_data,
            launched_ms: self.now_ms(),
            reads: 0,
        };
        self.executions.insert(id.clone(), execution);
        self.stats.executions += 1;
        Ok(json!({
            "id": id,
            "name": name,
            "flowVersion": {"id": version, "name": version, "selfUri": format!("/api/v2/flows/{flow_id}/versions/{version}")},
            "selfUri": format!("/api/v2/flows/executions/{id}"),
        }))
    }

    /// RUNNING on the first read, then COMPLETED, or FAILED when a required input never arrived
    /// (as the platform does: the launch is accepted and the flow fails at runtime, reference §C3).
    pub fn execution(&mut self, principal: &Principal, id: &str) -> Result<Json, ApiErr> {
        Org::require(principal, "architect:flowExecution:view", "architect:readonly")?;
        let now = self.now_ms();
        let Some(execution) = self.executions.get_mut(id) else {
            return Err(ApiErr::new(404, "not.found", format!("The flow execution {id} was not found")));
        };
        execution.reads += 1;
        let flow = self.flows.iter().find(|f| f.id == execution.flow_id);
        let version = json!({"id": execution.version, "name": execution.version,
            "selfUri": format!("/api/v2/flows/{}/versions/{}", execution.flow_id, execution.version)});
        let mut body = json!({
            "id": execution.id, "name": execution.name, "flowVersion": version,
            "dateLaunched": iso(execution.launched_ms), "status": "RUNNING",
            "flowErrorInfo": null, "conversation": null,
            "selfUri": format!("/api/v2/flows/executions/{}", execution.id),
        });
        if execution.reads < 2 {
            return Ok(body);
        }
        body["dateCompleted"] = json!(iso(now));
        let missing = flow.and_then(|f| {
            f.required_inputs()
                .into_iter()
                .find(|name| execution.input_data.get(*name).is_none_or(Json::is_null))
                .map(str::to_owned)
        });
        match missing {
            Some(name) => {
                body["status"] = json!("FAILED");
                body["completionReason"] = json!("Error");
                body["flowErrorInfo"] = json!({
                    "message": format!("An expression resulted in a null near position 0 in expression '{name}'."),
                    "code": "error.workflow.expression.unexpectedNull",
                    "status": 400,
                    "messageWithParams": "An expression resulted in a null near position {pos} in expression '{expression}'.",
                    "messageParams": {"expression": name, "pos": "0"},
                });
            }
            None => {
                body["status"] = json!("COMPLETED");
                body["completionReason"] = json!("Success");
                body["outputData"] = json!(flow.and_then(|f| f.output_data.clone()).unwrap_or_default());
            }
        }
        Ok(body)
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

fn parse_number(
    value: Option<String>,
    default: u32,
    name: &str,
    range: std::ops::RangeInclusive<u32>,
) -> Result<u32, ApiErr> {
    match value {
        None => Ok(default),
        Some(text) => text.parse::<u32>().ok().filter(|n| range.contains(n)).ok_or_else(|| {
            ApiErr::new(
                400,
                "bad.request",
                format!("{name} must be a number from {} to {}", range.start(), range.end()),
            )
            .param("field", name)
        }),
    }
}

/// An `…EntityListing` page with the platform's paging fields.
fn listing<T>(
    items: &[T],
    page_size: u32,
    page_number: u32,
    path: &str,
    query: &[(String, String)],
    to_json: impl Fn(&T) -> Json,
) -> Json {
    let total = items.len() as u32;
    let page_count = total.div_ceil(page_size).max(1);
    let start = ((page_number - 1) * page_size) as usize;
    let entities: Vec<Json> = items.iter().skip(start).take(page_size as usize).map(to_json).collect();
    let rest: String = query
        .iter()
        .filter(|(k, _)| k != "pageNumber" && k != "pageSize")
        .map(|(k, v)| format!("&{}={}", encode(k), encode(v)))
        .collect();
    let uri = |n: u32| format!("{path}?pageSize={page_size}&pageNumber={n}{rest}");
    json!({
        "entities": entities,
        "pageSize": page_size,
        "pageNumber": page_number,
        "total": total,
        "pageCount": page_count,
        "firstUri": uri(1),
        "lastUri": uri(page_count),
        "selfUri": uri(page_number),
        "nextUri": if page_number < page_count { Json::String(uri(page_number + 1)) } else { Json::Null },
        "previousUri": if page_number > 1 { Json::String(uri(page_number - 1)) } else { Json::Null },
    })
}

/// Percent-encoding. The sandbox keeps its own (the client has one too in callflow-deploy) so that
/// a bug in one side's encoding cannot hide behind the same bug in the other.
pub fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Decodes a query string or form body.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|part| {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(value) => {
                        out.push(value);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        assert_eq!(iso(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
    }

    #[test]
    fn demo_seed_parses() {
        let seed = Seed::demo();
        assert!(seed.flows.iter().any(|f| f.flow_type == "WORKFLOW"));
    }
}
