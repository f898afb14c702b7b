//! The app shell: provides the studio state, lays out toolbar, palette, canvas, inspector and the
//! bottom dock (problems, export, deploy, doctor, library, JSON), and syncs outward: autosave to local
//! storage, the theme on the root element.

use callflow_core::Document;
use leptos::prelude::*;

use crate::canvas::{Canvas, CanvasSize, FitMode, FitRequest, PaletteDrag};
use crate::deploy::Connection;
use crate::panels::deploy_panel::{DeployPanel, DeployState};
use crate::panels::doctor_panel::DoctorPanel;
use crate::panels::export_panel::ExportPanel;
use crate::panels::inspector::Inspector;
use crate::panels::library_panel::LibraryPanel;
use crate::panels::palette::Palette;
use crate::panels::problems_panel::ProblemsPanel;
use crate::panels::source_panel::SourcePanel;
use crate::panels::toolbar::Toolbar;
use crate::state::{storage, Studio};
use crate::templates::TEMPLATES;
use crate::{DockTab, DoctorText, Theme};

/// How long the document must stay unchanged before it is written to local storage.
pub const AUTOSAVE_DELAY_MS: u64 = 300;

#[component]
pub fn App() -> impl IntoView {
    // Reopen the last flow; the first visit opens the seed 002 template.
    // A share link opens its flow read-only, beside the user's own work (which stays saved as it
    // was); otherwise the last flow reopens, and the first visit opens the seed 002 template.
    let shared = crate::share::from_location();
    let (library_id, project) = match &shared {
        Some(Ok(project)) => (storage::fresh_id(), project.clone()),
        _ => storage::current().unwrap_or_else(|| {
            let document =
                callflow_core::parse(TEMPLATES[0].text).unwrap_or_else(|_| Document::empty("New inbound flow"));
            (storage::fresh_id(), callflow_core::Project::from_document(document))
        }),
    };
    let studio = Studio::new(project, library_id);
    match shared {
        Some(Ok(_)) => studio.read_only.set(true),
        Some(Err(error)) => {
            studio.tell_error(format!("The share link could not be opened: {error}. Your own flow is open."))
        }
        None => {}
    }
    provide_context(studio);
    provide_context(PaletteDrag(RwSignal::new(None)));
    provide_context(FitRequest(RwSignal::new((0, FitMode::Open))));
    provide_context(CanvasSize(RwSignal::new((1200.0, 700.0))));
    let dock = RwSignal::new(DockTab::Problems);
    provide_context(dock);
    let doctor_text = RwSignal::new(String::new());
    provide_context(DoctorText(doctor_text));
    let theme = RwSignal::new(Theme::System);
    provide_context(theme);
    // After the document: a sign-in callback finishes here, with the autosaved flow already open.
    let connection = Connection::start();
    provide_context(connection);
    provide_context(DeployState::new());
    let simulation = crate::panels::simulator_panel::Simulation::new();
    provide_context(simulation);
    // A call belongs to the flow it was placed on: opening another flow (or another file) ends it.
    Effect::new(move |previous: Option<u64>| {
        let now = studio.opened.get();
        if previous.is_some_and(|previous| previous != now) {
            simulation.run.set(None);
        }
        now
    });
    if connection.message.get_untracked().is_some() {
        dock.set(DockTab::Deploy);
    }

    // Autosave: a change is written once typing or dragging pauses for a moment (serializing a
    // large flow costs milliseconds, which must not land on a keystroke or a drop), and at once when
    // the page is hidden or closed. Storage refusing is said plainly.
    // Each save is recorded as a `callflow:autosave` performance measure, so the benchmark (and
    // anyone in the browser's performance panel) sees what the pause costs.
    let save_now = move || {
        // A shared flow is saved only once the user makes a copy.
        if studio.read_only.get_untracked() {
            return;
        }
        let performance = web_sys::window().and_then(|w| w.performance());
        if let Some(performance) = &performance {
            let _ = performance.mark("callflow:autosave:start");
        }
        let id = studio.library_id.get_untracked();
        let result = if studio.is_project() {
            storage::save_project(&id, &studio.current_project())
        } else {
            studio.document.with_untracked(|document| storage::save(&id, document))
        };
        if let Some(performance) = &performance {
            let _ = performance.measure_with_start_mark("callflow:autosave", "callflow:autosave:start");
            performance.clear_marks_with_mark_name("callflow:autosave:start");
        }
        if let Err(error) = result {
            studio.tell_error(error);
        }
    };
    let pending: StoredValue<Option<TimeoutHandle>> = StoredValue::new(None);
    Effect::new(move |first_run: Option<()>| {
        studio.library_id.track();
        studio.document.track();
        studio.outline.track();
        studio.read_only.track();
        if first_run.is_none() {
            return;
        }
        if let Some(handle) = pending.try_update_value(Option::take).flatten() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                pending.set_value(None);
                save_now();
            },
            std::time::Duration::from_millis(AUTOSAVE_DELAY_MS),
        );
        pending.set_value(handle.ok());
    });
    let flush = move || {
        if let Some(handle) = pending.try_update_value(Option::take).flatten() {
            handle.clear();
            save_now();
        }
    };
    let hide_handle = window_event_listener(leptos::ev::pagehide, move |_| flush());
    let visibility_handle = window_event_listener(leptos::ev::visibilitychange, move |_| flush());
    on_cleanup(move || {
        hide_handle.remove();
        visibility_handle.remove();
    });
    Effect::new(move |_| {
        let value = theme.get().attribute();
        if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let _ = match value {
                Some(value) => root.set_attribute("data-theme", value),
                None => root.remove_attribute("data-theme"),
            };
        }
    });
    Effect::new(move |_| {
        let name = studio.document.with(|d| d.flow.name.clone());
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            document.set_title(&format!("{name} · Callflow Studio"));
        }
    });

    let fit_after_import = expect_context::<FitRequest>();
    let drop_file = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        // A presentation changes nothing: Escape first.
        if studio.presenting.get_untracked() {
            return;
        }
        let Some(file) = ev.data_transfer().and_then(|t| t.files()).and_then(|f| f.get(0)) else { return };
        leptos::task::spawn_local(async move {
            if let Ok(text) = wasm_bindgen_futures::JsFuture::from(file.text()).await {
                let fit = fit_after_import;
                crate::import::import_text_then(
                    studio,
                    dock,
                    doctor_text,
                    &text.as_string().unwrap_or_default(),
                    Some(Box::new(move || fit.open())),
                );
            }
        });
    };
    // Pasting JSON or Archy YAML anywhere outside a text field imports it (never destructively). On the window,
    // because a paste with nothing focused goes to the body, outside the app's element.
    let paste_handle = window_event_listener(leptos::ev::paste, move |ev: leptos::ev::ClipboardEvent| {
        use wasm_bindgen::JsCast;
        let in_field = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA"));
        if in_field || studio.presenting.get_untracked() {
            return;
        }
        if let Some(text) = ev.clipboard_data().and_then(|d| d.get_data("text/plain").ok()) {
            if text.trim_start().starts_with('{') || callflow_core::import::looks_like_archy(&text) {
                ev.prevent_default();
                let fit = fit_after_import;
                crate::import::import_text_then(studio, dock, doctor_text, &text, Some(Box::new(move || fit.open())));
            }
        }
    });
    on_cleanup(move || paste_handle.remove());

    view! {
        {move || studio.read_only.get().then(|| view! {
            <div class="cf-shared" role="status" data-testid="shared-banner">
                "A shared flow, read-only: nothing you do changes it, and your own work is kept as it was. "
                <button class="cf-button cf-button--primary" data-testid="make-copy" on:click=move |_| crate::share::make_copy(studio)>"Make a copy"</button>
            </div>
        })}
        <crate::panels::find_panel::Overlays />
        <div class="cf-app" class:cf-app--presenting=move || studio.presenting.get() data-dock=move || dock.get().key() on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default() on:drop=drop_file>
            <Toolbar />
            <Palette />
            <main class="cf-stage">
                <Canvas />
            </main>
            <Show when=move || studio.presenting.get()>
                <crate::panels::presenter::Presenter />
            </Show>
            <Inspector />
            <section class="cf-dock" aria-label="Problems and output">
                <div class="cf-dock__tabs" role="tablist">
                    {DockTab::ALL.into_iter().map(|tab| view! {
                        <button class="cf-dock__tab" role="tab" data-testid="dock-tab" data-tab=tab.key()
                            aria-selected=move || (dock.get() == tab).to_string()
                            on:click=move |_| dock.set(tab)>
                            {tab.title()}
                            {(tab == DockTab::Problems).then(|| view! {
                                <span class="cf-dock__count">{move || {
                                    let count = studio.findings.with(Vec::len) + studio.other_findings.with(Vec::len);
                                    if count == 0 { String::new() } else { format!(" ({count})") }
                                }}</span>
                            })}
                        </button>
                    }).collect_view()}
                    <span class="cf-grow"></span>
                    {move || studio.notice.get().map(|n| view! {
                        <span class=if n.is_error { "cf-notice cf-notice--error" } else { "cf-notice" } role="status" data-testid="notice">
                            {n.text}
                            <button class="cf-link" aria-label="Dismiss" on:click=move |_| studio.notice.set(None)>" ×"</button>
                        </span>
                    })}
                </div>
                <div class="cf-dock__body">
                    {move || match dock.get() {
                        DockTab::Problems => view! { <ProblemsPanel /> }.into_any(),
                        DockTab::Export => view! { <ExportPanel /> }.into_any(),
                        DockTab::Doctor => view! { <DoctorPanel text=doctor_text /> }.into_any(),
                        DockTab::Library => view! { <LibraryPanel /> }.into_any(),
                        DockTab::Source => view! { <SourcePanel /> }.into_any(),
                        DockTab::Deploy => view! { <DeployPanel /> }.into_any(),
                        DockTab::Impact => view! { <crate::panels::impact_panel::ImpactPanel /> }.into_any(),
                        DockTab::Simulate => view! { <crate::panels::simulator_panel::SimulatorPanel /> }.into_any(),
                        DockTab::Tests => view! { <crate::panels::simulator_panel::TestsPanel /> }.into_any(),
                    }}
                </div>
            </section>
            <datalist id="cf-variables">
                {move || studio.document.with(|d| d.flow.variables.iter().map(|v| view! { <option value=v.name.clone() /> }).collect_view())}
                {BUILTINS.iter().map(|b| view! { <option value=*b /> }).collect_view()}
            </datalist>
        </div>
    }
}

const BUILTINS: [&str; 5] = ["Call.Ani", "Call.Dnis", "Call.ConversationId", "Call.CalledAddress", "Call.Language"];
