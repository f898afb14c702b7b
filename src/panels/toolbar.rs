//! The toolbar: new, open, save, templates, undo, redo, zoom, fit, tidy, snap, present, theme, export, doctor, deploy.

use callflow_core::Document;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::canvas::{CanvasSize, FitRequest};
use crate::import::import_text;
use crate::state::viewport::ScreenPoint;
use crate::state::{storage, use_studio};
use crate::templates::TEMPLATES;
use crate::{DockTab, DoctorText, Theme};

#[component]
pub fn Toolbar() -> impl IntoView {
    let studio = use_studio();
    let dock = expect_context::<RwSignal<DockTab>>();
    let doctor_text = expect_context::<DoctorText>().0;
    let theme = expect_context::<RwSignal<Theme>>();
    let fit = expect_context::<FitRequest>();
    let connection = crate::deploy::use_connection();
    let file_input: NodeRef<leptos::html::Input> = NodeRef::new();

    let open_file = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
        input.set_value("");
        spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(text) => {
                    let text = text.as_string().unwrap_or_default();
                    crate::import::import_text_then(
                        studio,
                        dock,
                        doctor_text,
                        &text,
                        Some(Box::new(move || fit.open())),
                    );
                }
                Err(_) => studio.tell_error("That file could not be read. Your flow is unchanged."),
            }
        });
    };
    let save = move |_| {
        // A project downloads whole; a single inbound flow as its flow document.
        let (file, text) = studio.as_file(false);
        if let Err(error) = crate::clipboard::download(&file, &text, "application/json") {
            studio.tell_error(error);
        }
    };
    // The buttons zoom about the canvas's center.
    let canvas_size = expect_context::<CanvasSize>().0;
    let zoom = move |factor: f64| {
        let (width, height) = canvas_size.get_untracked();
        let center = ScreenPoint { x: width / 2.0, y: height / 2.0 };
        studio.viewport.update(|v| *v = v.zoom_about(center, factor));
    };
    let (undo_possible, redo_possible) = (move || studio.undo_state.get().0, move || studio.undo_state.get().1);

    view! {
        <header class="cf-toolbar" role="toolbar" aria-label="Flow">
            <h1 class="cf-toolbar__title">"Callflow Studio"</h1>
            <button class="cf-button" data-testid="new" on:click=move |_| {
                studio.replace_document(Document::empty("New inbound flow"), storage::fresh_id());
            }>"New"</button>
            <button class="cf-button" data-testid="open" on:click=move |_| { if let Some(input) = file_input.get() { input.click(); } }>"Open"</button>
            <input type="file" accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml" class="cf-hidden" node_ref=file_input data-testid="open-file" on:change=open_file />
            <button class="cf-button" data-testid="save" on:click=save>"Save"</button>
            <button class="cf-button" data-testid="share-link" title="Copy a link that holds this flow (nothing is uploaded)"
                on:click=move |_| crate::share::copy_link(studio)>"Share link"</button>
            <select class="cf-field__input" data-testid="template-select" aria-label="Templates"
                on:change:target=move |ev| {
                    let file = ev.target().value();
                    if let Some(template) = TEMPLATES.iter().find(|t| t.file == file) {
                        import_text(studio, dock, doctor_text, template.text);
                        fit.open();
                    }
                    ev.target().set_value("");
                }>
                <option value="">"Templates…"</option>
                {TEMPLATES.iter().map(|t| view! { <option value=t.file>{t.title}</option> }).collect_view()}
            </select>
            <span class="cf-toolbar__group">
                <button class="cf-button" data-testid="undo" aria-label="Undo (Ctrl+Z)" disabled=move || !undo_possible() on:click=move |_| studio.undo()>"Undo"</button>
                <button class="cf-button" data-testid="redo" aria-label="Redo (Ctrl+Shift+Z)" disabled=move || !redo_possible() on:click=move |_| studio.redo()>"Redo"</button>
            </span>
            <span class="cf-toolbar__group">
                <button class="cf-button" data-testid="zoom-out" aria-label="Zoom out" on:click=move |_| zoom(0.8)>"−"</button>
                <span class="cf-toolbar__zoom" data-testid="zoom-level">{move || format!("{:.0}%", studio.viewport.get().zoom * 100.0)}</span>
                <button class="cf-button" data-testid="zoom-in" aria-label="Zoom in" on:click=move |_| zoom(1.25)>"+"</button>
                <button class="cf-button" data-testid="fit" on:click=move |_| fit.all()>"Fit"</button>
                <button class="cf-button" data-testid="tidy" title="Tidy layout: the selection (two nodes or more), else the whole flow. One undo step."
                    disabled=move || studio.read_only.get()
                    on:click=move |_| {
                        let whole = studio.selection.with_untracked(|s| s.nodes.len() < 2);
                        if let Ok(count) = studio.tidy() {
                            if whole && count > 0 {
                                fit.all();
                            }
                        }
                    }>"Tidy"</button>
                <label class="cf-toolbar__check"><input type="checkbox" prop:checked=move || studio.snap.get() on:change:target=move |ev| studio.snap.set(ev.target().checked()) />" Snap"</label>
            </span>
            <span class="cf-grow"></span>
            <button class="cf-button" data-testid="present" title="Present: the canvas alone, read-only; arrows step through the flow (or the simulated call); Escape leaves"
                on:click=move |_| crate::panels::presenter::present(studio)>"Present"</button>
            <button class="cf-button" data-testid="export" on:click=move |_| dock.set(DockTab::Export)>"Export"</button>
            <button class="cf-button" data-testid="doctor-open" on:click=move |_| dock.set(DockTab::Doctor)>"Doctor"</button>
            {move || connection.session.get().map(|s| view! {
                <span class="cf-toolbar__user" data-testid="signed-in-user" title=s.place.clone()>{s.user.clone().unwrap_or_else(|| "signing in…".to_owned())}</span>
            })}
            <button class="cf-button" data-testid="deploy" on:click=move |_| dock.set(DockTab::Deploy)>"Deploy"</button>
            <button class="cf-button" data-testid="theme" aria-label="Switch between light and dark" title="Theme: the system's, light or dark" on:click=move |_| theme.update(|t| *t = t.next())>
                {move || theme.get().label()}
            </button>
        </header>
    }
}
