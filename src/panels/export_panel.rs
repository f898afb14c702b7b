//! The export panel: Archy YAML, the normalised document and Terraform, each computed by the core
//! from the current text. The platform-bound exports say why they are blocked while errors exist.

use callflow_core::diagnostic::{has_errors, Diagnostic};
use callflow_core::export;
use leptos::prelude::*;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Archy,
    Json,
    Terraform,
}

impl Format {
    const ALL: [Format; 3] = [Format::Archy, Format::Json, Format::Terraform];

    fn key(self) -> &'static str {
        match self {
            Format::Archy => "archy",
            Format::Json => "json",
            Format::Terraform => "terraform",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Format::Archy => "Archy YAML",
            Format::Json => "Flow JSON",
            Format::Terraform => "Terraform",
        }
    }
}

#[component]
pub fn ExportPanel(text: RwSignal<String>, findings: Memo<Vec<Diagnostic>>) -> impl IntoView {
    let format = RwSignal::new(Format::Archy);
    let output = Memo::new(move |_| {
        let chosen = format.get();
        let blocked = findings.with(|list| has_errors(list));
        text.with(|text| match callflow_core::parse(text) {
            Err(finding) => Err(format!("The document cannot be read: {}", finding.message)),
            Ok(_) if blocked && chosen != Format::Json => {
                Err("Blocked: the platform would refuse this flow. Fix the errors in the problems panel first."
                    .to_owned())
            }
            Ok(document) => Ok(match chosen {
                Format::Archy => export::archy(&document).map(|a| a.yaml).unwrap_or_default(),
                Format::Json => export::normalized_json(&document),
                Format::Terraform => export::terraform(&document)
                    .map(|t| format!("{}\n# {}:\n{}", t.hcl, t.yaml_file_name, t.yaml))
                    .unwrap_or_default(),
            }),
        })
    });
    view! {
        <section class="cf-export" aria-label="Export">
            <h2 class="cf-section-title">"Export"</h2>
            <div class="cf-export__tabs" role="tablist">
                {Format::ALL
                    .into_iter()
                    .map(|f| {
                        view! {
                            <button
                                class="cf-export__tab"
                                role="tab"
                                data-testid="export-tab"
                                data-format=f.key()
                                aria-selected=move || (format.get() == f).to_string()
                                on:click=move |_| format.set(f)
                            >
                                {f.title()}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            {move || match output.get() {
                Ok(text) => view! { <pre class="cf-export__text" data-testid="export-text">{text}</pre> }.into_any(),
                Err(reason) => view! { <p class="cf-export__blocked" data-testid="export-blocked" role="alert">{reason}</p> }.into_any(),
            }}
        </section>
    }
}
