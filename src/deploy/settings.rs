//! What the connect form remembers, in localStorage (nothing secret: region, sandbox address,
//! client id, redirect URI), and the addresses of this page that the redirect URI must match.

use callflow_deploy::region::{Endpoints, REGIONS, SANDBOX_DEFAULT};
use serde::{Deserialize, Serialize};

use crate::state::storage::{self, Area};

const SETTINGS_KEY: &str = "callflow.connect";

/// The region key of the local sandbox org in [`Settings::region`].
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

    /// The remembered settings, or the defaults. The answer must come back to this origin (the
    /// verifier waits in its sessionStorage), so a redirect URI remembered from another address
    /// (another port, say) is replaced by this page.
    pub fn load() -> Settings {
        let mut settings = storage::read_json::<Settings>(Area::Local, SETTINGS_KEY).unwrap_or_else(Settings::defaults);
        if !on_this_origin(&settings.redirect_uri) {
            settings.redirect_uri = this_page();
        }
        settings
    }

    pub fn save(&self) {
        storage::write_json(Area::Local, SETTINGS_KEY, self);
    }

    /// The login and API hosts to use, and how to name the place to the user.
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

/// This page's origin, `http://127.0.0.1:8080`.
pub fn this_origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// Whether `uri` is a page of this origin.
pub fn on_this_origin(uri: &str) -> bool {
    uri.strip_prefix(&this_origin()).is_some_and(|rest| rest.starts_with('/'))
}

/// This page's address without query or fragment: the default redirect URI.
pub fn this_page() -> String {
    web_sys::window()
        .and_then(|w| Some(format!("{}{}", w.location().origin().ok()?, w.location().pathname().ok()?)))
        .unwrap_or_else(|| "http://127.0.0.1:8080/".to_owned())
}
