//! Share links in the designer: "Share link" copies a link whose fragment holds the open flow (or
//! project), compressed by the core (`callflow_core::share`); opening such a link shows that flow
//! read-only, without touching the user's own saved work, until "Make a copy".

use callflow_core::Project;
use leptos::prelude::*;

use crate::state::{storage, Studio};

/// The project a share link in the address bar holds, if the page was opened from one.
pub fn from_location() -> Option<Result<Project, String>> {
    let hash = web_sys::window()?.location().hash().ok()?;
    if !hash.starts_with(callflow_core::share::PREFIX) {
        return None;
    }
    Some(
        callflow_core::share::decode(&hash)
            .map_err(|e| e.to_string())
            .and_then(|text| callflow_core::parse_project(&text).map_err(|finding| finding.message)),
    )
}

/// Copies the link to the open flow or project; one too large for a link is downloaded instead.
pub fn copy_link(studio: Studio) {
    let (_, text) = studio.as_file(true);
    match callflow_core::share::encode(&text) {
        Ok(fragment) => {
            let Some(location) = web_sys::window().map(|w| w.location()) else { return };
            let base = format!(
                "{}{}",
                location.origin().unwrap_or_default(),
                location.pathname().unwrap_or_else(|_| "/".to_owned())
            );
            let link = format!("{base}{fragment}");
            leptos::task::spawn_local(async move {
                match crate::clipboard::write_text(link.clone()).await {
                    Ok(()) => studio.tell(format!(
                        "Share link copied ({} characters). It holds the whole flow; nothing is uploaded.",
                        link.len()
                    )),
                    Err(error) => studio.tell_error(error),
                }
            });
        }
        Err(error) => {
            studio.tell_error(format!("{error}."));
            let (file, json) = studio.as_file(false);
            if let Err(error) = crate::clipboard::download(&file, &json, "application/json") {
                studio.tell_error(error);
            }
        }
    }
}

/// Makes the shared flow the user's own: a new library entry, editable, saved from now on; the
/// link leaves the address bar.
pub fn make_copy(studio: Studio) {
    studio.library_id.set(storage::fresh_id());
    studio.read_only.set(false);
    if let Some(window) = web_sys::window() {
        let path = window.location().pathname().unwrap_or_else(|_| "/".to_owned());
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
        }
    }
    studio.tell("This copy is yours: it is saved in your library, and the shared link is unchanged.");
}
