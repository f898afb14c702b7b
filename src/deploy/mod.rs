//! Sign-in and the org connection in the browser: the connect settings, Authorization Code + PKCE
//! (verifier and state from the CSPRNG, kept in sessionStorage until the callback uses them), the
//! session (token in memory and sessionStorage with its expiry, never localStorage), and the
//! driver that runs `callflow-deploy` protocols with `fetch`, reporting every step.

pub mod fetch;

use callflow_deploy::pkce::{self, Callback};
use callflow_deploy::region::{Endpoints, REGIONS, SANDBOX_DEFAULT};
use callflow_deploy::{ApiError, HttpResponse, Step, Wait, WaitReason};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

const SETTINGS_KEY: &str = "callflow.connect";
const SESSION_KEY: &str = "callflow.session";
const PENDING_KEY: &str = "callflow.pkce";
pub const LOCAL_REGION: &str = "local";

/// What the connect form remembers (localStorage: nothing secret in it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub region: String,
    pub sandbox_url: String,
    pub client_id: String,
    pub redirect_uri: String,
}

impl Settings {
    fn defaults() -> Settings {
        Settings {
            region: LOCAL_REGION.to_owned(),
            sandbox_url: SANDBOX_DEFAULT.to_owned(),
            client_id: "callflow-studio-local".to_owned(),
            redirect_uri: this_page(),
        }
    }

    pub fn endpoints(&self) -> Result<(Endpoints, String), String> {
        if self.region == LOCAL_REGION {
            let url = self.sandbox_url.trim();
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(format!("The sandbox address must start with http:// (got \"{url}\")"));
            }
            return Ok((Endpoints::sandbox(url), format!("Local sandbox ({})", url.trim_end_matches('/'))));
        }
        let region =
            REGIONS.iter().find(|r| r.key == self.region).ok_or_else(|| format!("Unknown region {}", self.region))?;
        Ok((Endpoints::for_region(region), format!("{} — {}", region.label, region.host)))
    }
}

/// A signed-in session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub api_base: String,
    pub place: String,
    pub token: String,
    pub expires_at_ms: f64,
    pub user: Option<String>,
}

impl Session {
    pub fn is_expired(&self) -> bool {
        fetch::now_ms() >= self.expires_at_ms
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Pending {
    verifier: String,
    state: String,
    login_base: String,
    api_base: String,
    place: String,
    client_id: String,
    redirect_uri: String,
}

/// The org connection, app-wide.
#[derive(Clone, Copy)]
pub struct Connection {
    pub settings: RwSignal<Settings>,
    pub session: RwSignal<Option<Session>>,
    /// The last sign-in problem or news, shown in the deploy panel.
    pub message: RwSignal<Option<(bool, String)>>,
}

pub fn use_connection() -> Connection {
    expect_context::<Connection>()
}

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn read<T: for<'de> Deserialize<'de>>(storage: Option<web_sys::Storage>, key: &str) -> Option<T> {
    storage?.get_item(key).ok().flatten().and_then(|text| serde_json::from_str(&text).ok())
}

fn write<T: Serialize>(storage: Option<web_sys::Storage>, key: &str, value: &T) {
    if let (Some(storage), Ok(text)) = (storage, serde_json::to_string(value)) {
        let _ = storage.set_item(key, &text);
    }
}

fn remove(storage: Option<web_sys::Storage>, key: &str) {
    if let Some(storage) = storage {
        let _ = storage.remove_item(key);
    }
}

/// This page's origin, `http://127.0.0.1:8080`.
fn this_origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

fn on_this_origin(uri: &str) -> bool {
    uri.strip_prefix(&this_origin()).is_some_and(|rest| rest.starts_with('/'))
}

/// This page's address without query or fragment: the default redirect URI.
pub fn this_page() -> String {
    web_sys::window()
        .and_then(|w| Some(format!("{}{}", w.location().origin().ok()?, w.location().pathname().ok()?)))
        .unwrap_or_else(|| "http://127.0.0.1:8080/".to_owned())
}

impl Connection {
    /// Restores the settings and a live session, and finishes a sign-in if the URL is a callback.
    pub fn start() -> Connection {
        let mut settings = read::<Settings>(local(), SETTINGS_KEY).unwrap_or_else(Settings::defaults);
        // The answer must come back to this origin (the verifier waits in its sessionStorage), so a
        // redirect URI remembered from another address (another port, say) is replaced.
        if !on_this_origin(&settings.redirect_uri) {
            settings.redirect_uri = this_page();
        }
        let session = read::<Session>(session_storage(), SESSION_KEY).filter(|s| !s.is_expired());
        let connection = Connection {
            settings: RwSignal::new(settings),
            session: RwSignal::new(session),
            message: RwSignal::new(None),
        };
        connection.finish_sign_in();
        connection
    }

    pub fn save_settings(&self, settings: Settings) {
        write(local(), SETTINGS_KEY, &settings);
        self.settings.set(settings);
    }

    /// Step one: a fresh verifier and state, kept for the callback; then off to the login page.
    pub fn begin_sign_in(&self) {
        let settings = self.settings.get_untracked();
        let result = (|| -> Result<String, String> {
            let (endpoints, place) = settings.endpoints()?;
            if !on_this_origin(settings.redirect_uri.trim()) {
                return Err(format!(
                    "The redirect URI must be on this page's origin ({}): the sign-in answer has to come back to this tab",
                    this_origin()
                ));
            }
            if settings.client_id.trim().is_empty() {
                return Err("Enter the OAuth client id (an Authorization Code + PKCE client of your org)".to_owned());
            }
            let mut verifier_bytes = [0u8; pkce::VERIFIER_BYTES];
            let mut state_bytes = [0u8; pkce::STATE_BYTES];
            fetch::random_bytes(&mut verifier_bytes)?;
            fetch::random_bytes(&mut state_bytes)?;
            let verifier = pkce::code_verifier(&verifier_bytes).map_err(|e| e.to_string())?;
            let state = pkce::state(&state_bytes);
            let url = pkce::authorize_url(
                &endpoints.login_base,
                settings.client_id.trim(),
                settings.redirect_uri.trim(),
                &pkce::code_challenge(&verifier),
                &state,
            );
            write(
                session_storage(),
                PENDING_KEY,
                &Pending {
                    verifier,
                    state,
                    login_base: endpoints.login_base,
                    api_base: endpoints.api_base,
                    place,
                    client_id: settings.client_id.trim().to_owned(),
                    redirect_uri: settings.redirect_uri.trim().to_owned(),
                },
            );
            Ok(url)
        })();
        match result {
            Ok(url) => {
                self.save_settings(settings);
                if let Some(window) = web_sys::window() {
                    let _ = window.location().assign(&url);
                }
            }
            Err(error) => self.message.set(Some((true, error))),
        }
    }

    /// Step two, on the page the login host sent back to: check `state`, strip `code` and `state`
    /// from the address bar, exchange the code, read who signed in.
    fn finish_sign_in(&self) {
        let Some(window) = web_sys::window() else { return };
        let search = window.location().search().unwrap_or_default();
        let Some(callback) = Callback::parse(&search) else { return };
        // Out of the address bar (and history) at once, whatever happens next.
        let clean = format!(
            "{}{}{}",
            window.location().pathname().unwrap_or_default(),
            pkce::strip_callback_params(&search),
            window.location().hash().unwrap_or_default()
        );
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&clean));
        }
        let pending = read::<Pending>(session_storage(), PENDING_KEY);
        remove(session_storage(), PENDING_KEY);
        let connection = *self;
        match (callback, pending) {
            (_, None) => connection.message.set(Some((
                true,
                "A sign-in answer arrived, but this tab did not start a sign-in (or it was already used). Sign in again.".to_owned(),
            ))),
            (Callback::Error { error, description, .. }, Some(_)) => connection.message.set(Some((
                true,
                format!("Sign-in refused: {error}{}", description.map(|d| format!(" — {d}")).unwrap_or_default()),
            ))),
            (Callback::Code { state, .. }, Some(pending)) if state != pending.state => connection.message.set(Some((
                true,
                "The sign-in answer's state does not match the one this tab sent; it was ignored. Sign in again.".to_owned(),
            ))),
            (Callback::Code { code, .. }, Some(pending)) => {
                connection.message.set(Some((false, "Signing in…".to_owned())));
                leptos::task::spawn_local(async move {
                    let request = pkce::token_request(&pending.login_base, &code, &pending.verifier, &pending.client_id, &pending.redirect_uri);
                    let token = match fetch::send(&request).await {
                        Ok(response) => pkce::parse_token(&response).map_err(|e| e.to_string()),
                        Err(network) => Err(format!("The login host could not be reached ({network})")),
                    };
                    match token {
                        Ok(token) => {
                            let session = Session {
                                api_base: pending.api_base,
                                place: pending.place,
                                token: token.access_token,
                                expires_at_ms: fetch::now_ms() + token.expires_in.unwrap_or(3_600) as f64 * 1_000.0,
                                user: None,
                            };
                            connection.set_session(Some(session));
                            connection.load_user().await;
                        }
                        Err(error) => connection.message.set(Some((true, error))),
                    }
                });
            }
        }
    }

    fn set_session(&self, session: Option<Session>) {
        match &session {
            Some(session) => write(session_storage(), SESSION_KEY, session),
            None => remove(session_storage(), SESSION_KEY),
        }
        self.session.set(session);
    }

    async fn load_user(&self) {
        let Some(session) = self.session.get_untracked() else { return };
        let request =
            callflow_deploy::HttpRequest::get(format!("{}/api/v2/users/me", session.api_base), &session.token);
        match fetch::send(&request).await {
            Ok(response) if response.is_success() => {
                let me: serde_json::Value = serde_json::from_str(&response.body).unwrap_or_default();
                let name = me["name"].as_str().or(me["email"].as_str()).unwrap_or("(unnamed user)").to_owned();
                let mut signed_in = session;
                signed_in.user = Some(name.clone());
                self.set_session(Some(signed_in));
                self.message.set(Some((false, format!("Signed in as {name}"))));
            }
            Ok(response) => self.refused(ApiError::from_response(&response)),
            Err(network) => {
                self.message.set(Some((true, format!("Signed in, but /api/v2/users/me failed: {network}"))))
            }
        }
    }

    /// Forgets the token (memory and sessionStorage).
    pub fn sign_out(&self) {
        self.set_session(None);
        self.message.set(Some((false, "Signed out. The token is forgotten.".to_owned())));
    }

    /// The session, unless it is missing or expired (then a message says to sign in).
    pub fn live_session(&self) -> Option<Session> {
        match self.session.get_untracked() {
            Some(session) if !session.is_expired() => Some(session),
            Some(_) => {
                self.set_session(None);
                self.message.set(Some((true, "Your sign-in expired. Sign in again; your flow is kept.".to_owned())));
                None
            }
            None => {
                self.message.set(Some((true, "Sign in first.".to_owned())));
                None
            }
        }
    }

    /// A refused call: a 401 ends the session (sign in again; the flow is autosaved and kept).
    pub fn refused(&self, error: ApiError) {
        if error.is_sign_in_needed() {
            self.set_session(None);
        }
        self.message.set(Some((true, error.to_string())));
    }
}

/// What a running protocol shows while it works.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    /// A 429's countdown or a backoff, as shown.
    pub retrying: Option<String>,
}

/// Runs a protocol with `fetch`, calling `observe` after every step; a 429's Retry-After becomes a
/// visible countdown in `progress`.
pub async fn drive<P, T>(
    protocol: &mut P,
    start: fn(&mut P) -> Step<T>,
    on_answer: fn(&mut P, Result<HttpResponse, String>) -> Step<T>,
    resume: fn(&mut P) -> Step<T>,
    progress: RwSignal<Progress>,
    observe: impl Fn(&P),
) -> Result<T, ApiError> {
    let mut step = start(protocol);
    loop {
        observe(protocol);
        step = match step {
            Step::Send(request) => {
                let answer = fetch::send(&request).await;
                on_answer(protocol, answer)
            }
            Step::Wait(Wait { millis, reason }) => {
                match reason {
                    WaitReason::RateLimited { retry_after_seconds } => {
                        for left in (1..=retry_after_seconds).rev() {
                            progress
                                .set(Progress { retrying: Some(format!("Rate limited (429): retrying in {left} s")) });
                            fetch::sleep(1_000).await;
                        }
                    }
                    WaitReason::Backoff { attempt } => {
                        progress.set(Progress {
                            retrying: Some(format!(
                                "The org did not answer; attempt {attempt} in {:.1} s",
                                millis as f64 / 1_000.0
                            )),
                        });
                        fetch::sleep(millis).await;
                    }
                    WaitReason::Polling => fetch::sleep(millis).await,
                }
                progress.set(Progress::default());
                resume(protocol)
            }
            Step::Done(value) => {
                progress.set(Progress::default());
                return Ok(value);
            }
            Step::Failed(error) => {
                progress.set(Progress::default());
                return Err(error);
            }
        }
    }
}
