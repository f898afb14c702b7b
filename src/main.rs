//! Callflow Studio in the browser: mounts the app. Everything else lives in `app` and the core.

mod app;
mod panels;
mod templates;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
