//! The app shell: one owner of the document text, the core's findings and exports as memos over it.
//! The full canvas designer is built on the same state (issue 3); this screen edits the document as
//! JSON and shows what the core says about it on every keystroke.

use callflow_core::diagnostic::Diagnostic;
use leptos::prelude::*;

use crate::panels::export_panel::ExportPanel;
use crate::panels::problems_panel::ProblemsPanel;
use crate::templates::TEMPLATES;

#[component]
pub fn App() -> impl IntoView {
    let text = RwSignal::new(TEMPLATES[0].text.to_owned());
    let findings: Memo<Vec<Diagnostic>> = Memo::new(move |_| text.with(|text| callflow_core::check(text)));

    let choose_template = move |file: String| {
        if let Some(template) = TEMPLATES.iter().find(|t| t.file == file) {
            text.set(template.text.to_owned());
        }
    };

    view! {
        <header class="cf-header">
            <h1 class="cf-header__title">"Callflow Studio"</h1>
            <label class="cf-header__template">
                "Template "
                <select
                    data-testid="template-select"
                    on:change:target=move |ev| choose_template(ev.target().value())
                >
                    {TEMPLATES
                        .iter()
                        .map(|t| view! { <option value=t.file>{t.title}</option> })
                        .collect_view()}
                </select>
            </label>
        </header>
        <main class="cf-main">
            <section class="cf-editor" aria-label="Flow document">
                <h2 class="cf-section-title">"Flow document (callflow/v1)"</h2>
                <textarea
                    class="cf-editor__text"
                    data-testid="document-text"
                    spellcheck="false"
                    aria-label="Flow document JSON"
                    prop:value=move || text.get()
                    on:input:target=move |ev| text.set(ev.target().value())
                ></textarea>
            </section>
            <ProblemsPanel findings=findings />
            <ExportPanel text=text findings=findings />
        </main>
    }
}
