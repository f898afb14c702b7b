//! The project sidebar: the inbound flows and common modules of the project, the open one marked.
//! Click one to open it; add a flow or a module; rename (a module's callers follow), duplicate or
//! delete the open one. Every change of the set of flows is one undo step of the project's history.

use callflow_core::document::FlowType;
use leptos::prelude::*;

use crate::state::use_studio;

#[component]
pub fn ProjectPanel() -> impl IntoView {
    let studio = use_studio();
    let renaming = RwSignal::new(false);
    let add = move |flow_type: FlowType| {
        studio.edit_project(move |project| Ok(project.add_flow(flow_type)));
    };
    let active = move || studio.outline.with(|o| o.active);
    let rename = move |name: String| {
        renaming.set(false);
        let index = active();
        studio.edit_project(move |project| project.rename_flow(index, &name).map(|()| index));
    };
    view! {
        <section class="cf-project" aria-label="Project" data-testid="project">
            <h2 class="cf-section-title">"Project"</h2>
            <ul class="cf-project__list">
                {move || studio.outline.with(|outline| outline.flows.iter().enumerate().map(|(index, (name, flow_type))| {
                    let current = index == outline.active;
                    let kind = flow_type.as_str();
                    view! {
                        <li class="cf-project__item" class:cf-project__item--current=current
                            class:cf-project__item--module=flow_type.is_module()
                            data-testid="project-item" data-kind=kind data-name=name.clone()
                            aria-current=current.then_some("true")>
                            <button class="cf-link" on:click=move |_| {
                                if index != studio.outline.with_untracked(|o| o.active) {
                                    studio.open_flow(index);
                                }
                            }>
                                <span class="cf-project__kind">{if flow_type.is_module() { "Module" } else { "Flow" }}</span>
                                {name.clone()}
                            </button>
                        </li>
                    }
                }).collect_view())}
            </ul>
            <div class="cf-project__actions">
                <button class="cf-button cf-button--small" data-testid="project-add-flow" on:click=move |_| add(FlowType::Inboundcall)>"+ Flow"</button>
                <button class="cf-button cf-button--small" data-testid="project-add-module" on:click=move |_| add(FlowType::Commonmodule)>"+ Module"</button>
            </div>
            {move || if renaming.get() {
                let name = studio.outline.with_untracked(|o| o.flows.get(o.active).map(|f| f.0.clone()).unwrap_or_default());
                view! {
                    <input class="cf-field__input" data-testid="project-rename-input" aria-label="New name" prop:value=name
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                            use wasm_bindgen::JsCast;
                            let value = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()).map(|i| i.value());
                            match ev.key().as_str() {
                                "Enter" => rename(value.unwrap_or_default()),
                                "Escape" => renaming.set(false),
                                _ => {}
                            }
                        } />
                }.into_any()
            } else {
                view! {
                    <div class="cf-project__actions">
                        <button class="cf-button cf-button--small" data-testid="project-rename" on:click=move |_| renaming.set(true)>"Rename"</button>
                        <button class="cf-button cf-button--small" data-testid="project-duplicate" on:click=move |_| {
                            let index = active();
                            studio.edit_project(move |project| project.duplicate_flow(index).ok_or_else(|| "no such flow".to_owned()));
                        }>"Duplicate"</button>
                        <button class="cf-button cf-button--small cf-button--danger" data-testid="project-delete"
                            disabled=move || studio.outline.with(|o| o.flows.len() <= 1)
                            on:click=move |_| {
                                let index = active();
                                studio.edit_project(move |project| project.remove_flow(index).map(|_| index.saturating_sub(1)));
                            }>"Delete"</button>
                    </div>
                }.into_any()
            }}
        </section>
    }
}
