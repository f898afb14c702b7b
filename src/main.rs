//! Callflow Studio in the browser: the designer. `app` lays it out; `state` owns the document;
//! `canvas` draws and edits it; `panels` hold the inspector, problems, exports, deploy and the doctor;
//! `deploy` signs in to an org and carries the `callflow-deploy` protocols over `fetch`.

mod app;
mod canvas;
mod clipboard;
mod deploy;
mod import;
mod panels;
mod share;
mod state;
mod templates;
mod worker;

/// The tabs of the bottom dock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DockTab {
    Problems,
    Export,
    Doctor,
    Library,
    Source,
    Deploy,
    Impact,
    Simulate,
    Tests,
}

impl DockTab {
    pub const ALL: [DockTab; 9] = [
        DockTab::Problems,
        DockTab::Simulate,
        DockTab::Tests,
        DockTab::Export,
        DockTab::Deploy,
        DockTab::Impact,
        DockTab::Doctor,
        DockTab::Library,
        DockTab::Source,
    ];

    pub fn key(self) -> &'static str {
        match self {
            DockTab::Problems => "problems",
            DockTab::Export => "export",
            DockTab::Doctor => "doctor",
            DockTab::Library => "library",
            DockTab::Source => "source",
            DockTab::Deploy => "deploy",
            DockTab::Impact => "impact",
            DockTab::Simulate => "simulate",
            DockTab::Tests => "tests",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            DockTab::Problems => "Problems",
            DockTab::Export => "Export",
            DockTab::Doctor => "Doctor",
            DockTab::Library => "Library",
            DockTab::Source => "JSON",
            DockTab::Deploy => "Deploy",
            DockTab::Impact => "Modules",
            DockTab::Simulate => "Simulate",
            DockTab::Tests => "Tests",
        }
    }
}

/// The text in the doctor panel (imports that are not flows land there).
#[derive(Clone, Copy)]
pub struct DoctorText(pub leptos::prelude::RwSignal<String>);

/// The colour theme: follow the system, or forced light or dark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    pub fn next(self) -> Theme {
        match self {
            Theme::System => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::System,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            // Short, so the toolbar keeps to one line at 1,400 pixels; the button's title says more.
            Theme::System => "◐ System",
            Theme::Light => "☀ Light",
            Theme::Dark => "☾ Dark",
        }
    }

    /// The `data-theme` attribute on the root element; none follows the system.
    pub fn attribute(self) -> Option<&'static str> {
        match self {
            Theme::System => None,
            Theme::Light => Some("light"),
            Theme::Dark => Some("dark"),
        }
    }
}

fn main() {
    console_error_panic_hook::set_once();
    // Marks where the wasm starts and where the first view is built, so the open time splits into
    // loading the app and building the flow (the browser benchmark reads them).
    let performance = web_sys::window().and_then(|w| w.performance());
    if let Some(performance) = &performance {
        let _ = performance.mark("callflow:wasm-started");
    }
    leptos::mount::mount_to_body(app::App);
    if let Some(performance) = &performance {
        let _ = performance.mark("callflow:mounted");
    }
}
