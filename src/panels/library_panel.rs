//! The local library of named flows: new, open, rename (the flow name), duplicate, delete.

use callflow_core::Document;
use leptos::prelude::*;

use crate::state::{storage, use_studio};

#[component]
pub fn LibraryPanel() -> impl IntoView {
    let studio = use_studio();
    // Re-read the list whenever the document or the current entry changes (saves happen then).
    let entries = Memo::new(move |_| {
        studio.document.track();
        studio.library_id.track();
        storage::library()
    });
    let new_flow = move |_| {
        let id = storage::fresh_id();
        studio.replace_document(Document::empty("New inbound flow"), id);
    };
    view! {
        <section class="cf-library" aria-label="Library" data-testid="library">
            <button class="cf-button" data-testid="library-new" on:click=new_flow>"New flow"</button>
            <ul class="cf-list">
                {move || entries.get().into_iter().map(|entry| {
                    let current = entry.id == studio.library_id.get();
                    let (open_id, copy_id, delete_id) = (entry.id.clone(), entry.id.clone(), entry.id.clone());
                    view! {
                        <li class="cf-row" class:cf-row--current=current data-testid="library-entry" data-id=entry.id.clone()>
                            <button class="cf-link cf-grow" on:click=move |_| match storage::load(&open_id) {
                                Some(Ok(project)) => studio.replace_project(project, open_id.clone()),
                                Some(Err(error)) => studio.tell_error(format!("This saved flow no longer reads as a document ({error}); it is kept, unchanged.")),
                                None => studio.tell_error("This flow is no longer in local storage."),
                            }>{entry.name.clone()}</button>
                            <button class="cf-button cf-button--small" on:click=move |_| {
                                if let Some(Ok(mut project)) = storage::load(&copy_id) {
                                    project.name = format!("{} (copy)", project.name);
                                    if project.flows.len() == 1 {
                                        project.flows[0].name = project.name.clone();
                                    }
                                    studio.replace_project(project, storage::fresh_id());
                                }
                            }>"Duplicate"</button>
                            <button class="cf-button cf-button--small" disabled=current on:click=move |_| {
                                if let Err(error) = storage::remove(&delete_id) { studio.tell_error(error); }
                                studio.library_id.update(|_| {});
                            }>"Delete"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p class="cf-muted">"Flows are saved in this browser on every change. Rename a flow in the inspector (click the canvas background)."</p>
        </section>
    }
}
