//! The HTTP face of the sandbox (axum): routes, CORS, faults and latency, the sign-in page.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};

use crate::faults::{Fault, FaultPlan};
use crate::org::{AuthorizeProblem, Org, Principal};
use crate::wire::{parse_query, random_uuid, ApiErr};

#[derive(Clone)]
pub struct Shared(Arc<Mutex<Org>>);

impl Shared {
    pub fn new(org: Org) -> Shared {
        Shared(Arc::new(Mutex::new(org)))
    }

    /// The org, even if a handler panicked while holding it (its state is still consistent:
    /// every method finishes its writes before it can fail).
    pub fn lock(&self) -> MutexGuard<'_, Org> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl IntoResponse for ApiErr {
    fn into_response(self) -> Response {
        let context_id = random_uuid();
        let mut response = (
            StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            Json(self.body(&context_id)),
        )
            .into_response();
        let headers = response.headers_mut();
        if let Ok(value) = HeaderValue::from_str(&context_id) {
            headers.insert("inin-correlation-id", value);
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

type ApiResult = Result<Json<Value>, ApiErr>;

pub fn router(shared: Shared) -> Router {
    let api = Router::new()
        .route("/api/v2/users/me", get(me))
        .route("/api/v2/flows", get(list_flows))
        .route("/api/v2/flows/jobs", post(register_job))
        .route("/api/v2/flows/jobs/{id}", get(job_state))
        .route("/api/v2/flows/executions", post(launch))
        .route("/api/v2/flows/executions/{id}", get(execution))
        .route("/api/v2/flows/{id}", get(get_flow))
        .route("/api/v2/routing/queues", get(queues))
        .route("/uploads/{id}", put(upload))
        .layer(DefaultBodyLimit::max(64 * 1024 * 1024))
        .layer(middleware::from_fn_with_state(shared.clone(), faults_and_latency));
    let cors_state = shared.clone();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin: &HeaderValue, parts| {
            // Browsers on loopback only: the app in development, in tests and in workshops.
            let loopback = origin.to_str().is_ok_and(|o| {
                o.starts_with("http://127.0.0.1:")
                    || o.starts_with("http://localhost:")
                    || o == "http://127.0.0.1"
                    || o == "http://localhost"
            });
            let refused_upload =
                parts.uri.path().starts_with("/uploads/") && cors_state.lock().faults.plan.refuse_browser_upload;
            loopback && !refused_upload
        }))
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::OPTIONS])
        .allow_headers(AllowHeaders::mirror_request())
        .expose_headers([header::RETRY_AFTER, header::HeaderName::from_static("inin-correlation-id")])
        .max_age(Duration::from_secs(600));
    Router::new()
        .route("/", get(home))
        .route("/oauth/authorize", get(authorize_page).post(authorize_decision))
        .route("/oauth/token", post(token))
        .route("/sandbox/state", get(admin_state))
        .route("/sandbox/faults", get(admin_faults).post(admin_set_faults))
        .route("/sandbox/clock", post(admin_clock))
        .route("/sandbox/reset", post(admin_reset))
        .merge(api)
        .layer(cors)
        .with_state(shared)
}

/// Faults and latency for API and upload calls, decided before the handler runs.
async fn faults_and_latency(State(shared): State<Shared>, request: Request, next: Next) -> Response {
    if request.method() == Method::OPTIONS {
        return next.run(request).await;
    }
    let (fault, latency) = {
        let mut org = shared.lock();
        let fault = org.faults.for_request(request.uri().path());
        (fault, org.faults.plan.latency_ms)
    };
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    match fault {
        Fault::None => next.run(request).await,
        Fault::RateLimit { retry_after_seconds } => {
            let mut error = ApiErr::new(429, "too.many.requests", "Rate limit exceeded (sandbox fault plan)");
            error.retry_after = Some(retry_after_seconds);
            error.into_response()
        }
        Fault::ServerError => {
            ApiErr::new(503, "service.unavailable", "The service is temporarily unavailable (sandbox fault plan)")
                .into_response()
        }
    }
}

fn authorization(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok())
}

fn who(shared: &Shared, headers: &HeaderMap) -> Result<Principal, ApiErr> {
    shared.lock().principal(authorization(headers))
}

async fn me(State(shared): State<Shared>, headers: HeaderMap) -> ApiResult {
    let principal = who(&shared, &headers)?;
    Org::me(&principal).map(Json)
}

async fn list_flows(State(shared): State<Shared>, headers: HeaderMap, RawQuery(query): RawQuery) -> ApiResult {
    let principal = who(&shared, &headers)?;
    shared.lock().list_flows(&principal, &parse_query(&query.unwrap_or_default())).map(Json)
}

async fn get_flow(State(shared): State<Shared>, headers: HeaderMap, Path(id): Path<String>) -> ApiResult {
    let principal = who(&shared, &headers)?;
    shared.lock().get_flow(&principal, &id).map(Json)
}

async fn queues(State(shared): State<Shared>, headers: HeaderMap, RawQuery(query): RawQuery) -> ApiResult {
    let principal = who(&shared, &headers)?;
    shared.lock().queues(&principal, &parse_query(&query.unwrap_or_default())).map(Json)
}

fn origin_of(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1:8787");
    format!("http://{host}")
}

async fn register_job(State(shared): State<Shared>, headers: HeaderMap) -> ApiResult {
    let principal = who(&shared, &headers)?;
    shared.lock().register_job(&principal, &origin_of(&headers)).map(Json)
}

async fn upload(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiErr> {
    let pairs: Vec<(String, String)> =
        headers.iter().map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned())).collect();
    let text = String::from_utf8(body.to_vec())
        .map_err(|_| ApiErr::new(400, "bad.request", "The upload is not UTF-8 text"))?;
    shared.lock().upload(&id, &pairs, text).map(|()| StatusCode::OK)
}

async fn job_state(State(shared): State<Shared>, headers: HeaderMap, Path(id): Path<String>) -> ApiResult {
    let principal = who(&shared, &headers)?;
    shared.lock().job_state(&principal, &id).map(Json)
}

async fn launch(State(shared): State<Shared>, headers: HeaderMap, body: String) -> ApiResult {
    let principal = who(&shared, &headers)?;
    shared.lock().launch(&principal, &body).map(Json)
}

async fn execution(State(shared): State<Shared>, headers: HeaderMap, Path(id): Path<String>) -> ApiResult {
    let principal = who(&shared, &headers)?;
    shared.lock().execution(&principal, &id).map(Json)
}

// ---- OAuth ----

async fn authorize_page(State(shared): State<Shared>, RawQuery(query): RawQuery) -> Response {
    let params = parse_query(&query.unwrap_or_default());
    let org = shared.lock();
    match org.check_authorize(&params) {
        Err(AuthorizeProblem::Page(message)) => error_page(&message),
        Err(AuthorizeProblem::Redirect(url)) => Redirect::to(&url).into_response(),
        Ok(request) => {
            let hidden: String = params
                .iter()
                .filter(|(k, _)| k != "user" && k != "decision")
                .map(|(k, v)| format!("<input type=\"hidden\" name=\"{}\" value=\"{}\">", escape(k), escape(v)))
                .collect();
            let users: String = org
                .users()
                .iter()
                .map(|u| {
                    format!(
                        "<li><button type=\"submit\" name=\"user\" value=\"{id}\" data-testid=\"sandbox-user-{id}\"><strong>{name}</strong><br><small>{email} — {title}</small></button></li>",
                        id = escape(&u.id),
                        name = escape(&u.name),
                        email = escape(&u.email),
                        title = escape(&u.title)
                    )
                })
                .collect();
            Html(format!(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\"><title>Sign in — {org_name}</title>{STYLE}</head><body><main>\
                 <h1>Sign in to {org_name}</h1><p>This is the local sandbox org. <strong>{client}</strong> asks to act for you. Pick a demo user:</p>\
                 <form method=\"post\" action=\"/oauth/authorize\">{hidden}<ul>{users}</ul>\
                 <button type=\"submit\" name=\"decision\" value=\"deny\" class=\"deny\" data-testid=\"sandbox-deny\">Deny</button></form></main></body></html>",
                org_name = escape(org.org_name()),
                client = escape(&request.client.name),
            ))
            .into_response()
        }
    }
}

const STYLE: &str = "<style>body{font:15px system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}main{max-width:34rem;margin:3rem auto;background:#fff;padding:1.5rem 2rem;border-radius:8px;box-shadow:0 1px 4px #0002}ul{list-style:none;padding:0}li{margin:.5rem 0}button{width:100%;text-align:left;padding:.7rem 1rem;border:1px solid #c5cad6;border-radius:6px;background:#fff;cursor:pointer;font:inherit}button:hover{border-color:#3060d0}.deny{width:auto;margin-top:1rem}</style>";

async fn authorize_decision(State(shared): State<Shared>, body: String) -> Response {
    let params = parse_query(&body);
    let result = shared.lock().approve(&params);
    match result {
        Ok(url) | Err(AuthorizeProblem::Redirect(url)) => Redirect::to(&url).into_response(),
        Err(AuthorizeProblem::Page(message)) => error_page(&message),
    }
}

fn error_page(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Html(format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\"><title>Sign-in error</title>{STYLE}</head><body><main><h1>Sign-in cannot continue</h1><p data-testid=\"sandbox-error\">{}</p></main></body></html>",
            escape(message)
        )),
    )
        .into_response()
}

async fn token(State(shared): State<Shared>, headers: HeaderMap, body: String) -> Response {
    let basic = authorization(&headers)
        .and_then(|h| h.strip_prefix("Basic "))
        .and_then(|b| STANDARD.decode(b.trim()).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|pair| pair.split_once(':').map(|(id, secret)| (id.to_owned(), secret.to_owned())));
    let result = shared.lock().token(&parse_query(&body), basic);
    match result {
        Ok(answer) => ([(header::CACHE_CONTROL, "no-store")], Json(answer)).into_response(),
        Err(error) => (
            StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST),
            [(header::CACHE_CONTROL, "no-store")],
            Json(json!({"error": error.error, "error_description": error.description})),
        )
            .into_response(),
    }
}

// ---- Admin (loopback only; no token) ----

async fn home(State(shared): State<Shared>) -> Html<String> {
    let org = shared.lock();
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\"><title>{name}</title>{STYLE}</head><body><main><h1>{name}</h1>\
         <p>A local Genesys Cloud org for Callflow Studio. Sign in from the designer: Deploy → region <em>Local sandbox</em>, client id <code>callflow-studio-local</code>.</p>\
         <p>Admin: <a href=\"/sandbox/state\">/sandbox/state</a>, POST /sandbox/faults, POST /sandbox/clock, POST /sandbox/reset.</p></main></body></html>",
        name = escape(org.org_name())
    ))
}

async fn admin_state(State(shared): State<Shared>) -> Json<Value> {
    Json(shared.lock().summary())
}

async fn admin_faults(State(shared): State<Shared>) -> Json<FaultPlan> {
    Json(shared.lock().faults.plan.clone())
}

async fn admin_set_faults(State(shared): State<Shared>, body: String) -> Response {
    match serde_json::from_str::<FaultPlan>(&body) {
        Ok(plan) => {
            shared.lock().faults.replace(plan.clone());
            Json(plan).into_response()
        }
        Err(error) => ApiErr::new(400, "bad.request", format!("fault plan: {error}")).into_response(),
    }
}

async fn admin_clock(State(shared): State<Shared>, body: String) -> Response {
    let seconds = serde_json::from_str::<Value>(&body).ok().and_then(|v| v["advanceSeconds"].as_i64());
    match seconds {
        Some(seconds) => {
            shared.lock().advance_clock(seconds);
            Json(json!({"advancedSeconds": seconds})).into_response()
        }
        None => ApiErr::new(400, "bad.request", "send {\"advanceSeconds\": N}").into_response(),
    }
}

async fn admin_reset(State(shared): State<Shared>) -> Json<Value> {
    let mut org = shared.lock();
    org.reset();
    Json(org.summary())
}

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// Binds and serves until the process ends.
pub async fn serve(shared: Shared, address: SocketAddr, on_ready: impl FnOnce(SocketAddr)) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(address).await?;
    on_ready(listener.local_addr()?);
    axum::serve(listener, router(shared)).await
}
