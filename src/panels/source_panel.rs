//! The document as JSON. Applying an edited text replaces the flow only when it reads as a v1
//! document; otherwise it says what and where, and the flow stays as it was.

use leptos::prelude::*;

use crate::state::use_studio;

#[component]
pub fn SourcePanel() -> impl IntoView {
    let studio = use_studio();
    let draft = RwSignal::new(None::<String>);
    let shown = move || draft.get().unwrap_or_else(|| studio.document.with(|d| d.to_json()));
    let problem = Memo::new(move |_| draft.with(|d| d.as_ref().and_then(|text| callflow_core::parse(text).err())));
    let apply = move |_| {
        let Some(text) = draft.get_untracked() else { return };
        match callflow_core::parse(&text) {
            Ok(document) => {
                let id = studio.library_id.get_untracked();
                studio.replace_document(document, id);
                draft.set(None);
                studio.tell("Applied the edited document.");
            }
            Err(finding) => studio.tell_error(format!("Not applied: {}", finding.message)),
        }
    };
    view! {
        <section class="cf-source" aria-label="Document JSON">
            <div class="cf-row">
                <button class="cf-button" data-testid="source-apply" disabled=move || draft.with(Option::is_none) on:click=apply>"Apply"</button>
                <button class="cf-button" disabled=move || draft.with(Option::is_none) on:click=move |_| draft.set(None)>"Discard edits"</button>
                {move || problem.get().map(|p| view! { <span class="cf-export__blocked" data-testid="source-problem">{p.message}</span> })}
            </div>
            <textarea class="cf-source__text" data-testid="document-text" spellcheck="false" aria-label="Flow document JSON"
                prop:value=shown on:input:target=move |ev| draft.set(Some(ev.target().value()))></textarea>
        </section>
    }
}
