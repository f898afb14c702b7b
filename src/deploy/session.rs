//! The org connection: sign-in by Authorization Code + PKCE (verifier and state from the CSPRNG,
//! kept in sessionStorage until the callback uses them, then removed), the session (token in memory
//! and sessionStorage with its expiry, never localStorage), who signed in (the deploy crate's
//! users/me protocol), sign-out, and what a refused call does to the session.

use callflow_deploy::pkce::{self, Callback};
use callflow_deploy::whoami::WhoAmI;
use callflow_deploy::{ApiError, RetryPolicy};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::driver::{drive, Progress};
use super::fetch;
use super::settings::{on_this_origin, this_origin, Settings};
use crate::state::storage::{self, Area};

const SESSION_KEY: &str = "callflow.session";
const PENDING_KEY: &str = "callflow.pkce";

/// A signed-in session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub api_base: String,
    pub place: String,
    pub token: String,
    pub expires_at_ms: f64,
    /// Who signed in, once users/me has answered.
    pub user: Option<String>,
}

impl Session {
    pub fn is_expired(&self) -> bool {
        fetch::now_ms() >= self.expires_at_ms
    }
}

/// A sign-in on its way: what the callback needs, in sessionStorage while the login page is open.
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

impl Connection {
    /// Restores the settings and a live session, and finishes a sign-in if the URL is a callback.
    pub fn start() -> Connection {
        let session = storage::read_json::<Session>(Area::Session, SESSION_KEY).filter(|s| !s.is_expired());
        let connection = Connection {
            settings: RwSignal::new(Settings::load()),
            session: RwSignal::new(session),
            message: RwSignal::new(None),
        };
        connection.finish_sign_in();
        connection
    }

    pub fn save_settings(&self, settings: Settings) {
        settings.save();
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
            storage::write_json(
                Area::Session,
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
        let pending = storage::read_json::<Pending>(Area::Session, PENDING_KEY);
        storage::forget(Area::Session, PENDING_KEY);
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
                // Made here, under the app's owner: the task below runs outside it.
                let progress = RwSignal::new(Progress::default());
                leptos::task::spawn_local(async move {
                    // The code is single use, so the exchange is sent once and not retried.
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
                            connection.load_user(progress).await;
                        }
                        Err(error) => connection.message.set(Some((true, error))),
                    }
                });
            }
        }
    }

    fn set_session(&self, session: Option<Session>) {
        match &session {
            Some(session) => storage::write_json(Area::Session, SESSION_KEY, session),
            None => storage::forget(Area::Session, SESSION_KEY),
        }
        self.session.set(session);
    }

    /// Reads who signed in (users/me, with the retry rule) into the session. Its retries wait
    /// unseen, in `progress`, which nothing shows: "Signing in…" stays up meanwhile.
    async fn load_user(&self, progress: RwSignal<Progress>) {
        let Some(session) = self.session.get_untracked() else { return };
        let mut whoami = WhoAmI::new(&session.api_base, &session.token, RetryPolicy::default());
        match drive(&mut whoami, progress, |_| {}).await {
            Ok(user) => {
                let name = user.display_name().to_owned();
                let mut signed_in = session;
                signed_in.user = Some(name.clone());
                self.set_session(Some(signed_in));
                self.message.set(Some((false, format!("Signed in as {name}"))));
            }
            // 5xx or network loss after the retries: the session stays, without a name.
            Err(ApiError::Unavailable(detail)) => {
                self.message.set(Some((true, format!("Signed in, but the name is unknown. {detail}"))))
            }
            Err(error) => self.refused(error),
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
