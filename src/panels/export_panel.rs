//! Exports: Archy YAML, the flow JSON, Terraform, API requests, an image (SVG or PNG), and a flow-execution request for a workflow of the
//! catalog. Copy (Clipboard API, with a fallback) and Download on each. The platform-bound exports
//! say why they are blocked while errors exist.

use callflow_core::diagnostic::has_errors;
use callflow_core::export;
use callflow_core::Document;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::clipboard;
use crate::state::use_studio;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Archy,
    Json,
    Terraform,
    Execution,
    Api,
    /// A picture of the flow (its own controls, `image_export.rs`).
    Image,
}

impl Format {
    const ALL: [Format; 6] =
        [Format::Archy, Format::Json, Format::Terraform, Format::Api, Format::Execution, Format::Image];

    fn key(self) -> &'static str {
        match self {
            Format::Archy => "archy",
            Format::Json => "json",
            Format::Terraform => "terraform",
            Format::Execution => "execution",
            Format::Api => "api",
            Format::Image => "image",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Format::Archy => "Archy YAML",
            Format::Json => "Flow JSON",
            Format::Terraform => "Terraform",
            Format::Execution => "Workflow launch request",
            Format::Api => "API requests",
            Format::Image => "Image",
        }
    }
}

#[component]
pub fn ExportPanel() -> impl IntoView {
    let studio = use_studio();
    let format = RwSignal::new(Format::Archy);
    let workflow = RwSignal::new(String::new());
    let copied = RwSignal::new(None::<Result<(), String>>);
    let workflows = Memo::new(move |_| studio.document.with(Document::workflow_names));
    // (file name, text) or the reason it is blocked.
    let output = Memo::new(move |_| {
        let chosen = format.get();
        let blocked = studio.findings.with(|f| has_errors(f));
        studio.document.with(|document| {
            let slug = export::slug(&document.flow.name);
            match chosen {
                Format::Image => Err(String::new()),
                Format::Json => Ok((format!("{slug}.flow.json"), export::normalized_json(document))),
                Format::Archy | Format::Terraform if blocked => Err(format!(
                    "Blocked: the platform would refuse this flow. Fix the {} error(s) in the problems panel first.",
                    studio.findings.with(|f| f.iter().filter(|d| d.is_error()).count())
                )),
                Format::Archy => export::archy(document).map(|a| (format!("{slug}.yaml"), a.yaml)).map_err(|e| e.to_string()),
                Format::Api => {
                    // The deploy as HTTP requests, and the curl script that sends them: the open
                    // flow, or in a project every flow and module in deploy order.
                    let plans = if studio.is_project() {
                        callflow_deploy::project_deploy::prepare_project(&studio.current_project(), None)
                    } else {
                        callflow_deploy::deploy::prepare(document).map(|plan| vec![plan])
                    };
                    plans
                        .map(|plans| {
                            let mut requests = callflow_deploy::requests::deploy_requests(&plans);
                            requests["launches"] = serde_json::Value::Array(callflow_deploy::requests::launch_requests(document));
                            let requests = serde_json::to_string_pretty(&requests).unwrap_or_default();
                            let script = callflow_deploy::requests::curl_script(&plans);
                            (format!("{slug}-deploy.sh"), format!("{script}\n# The same requests, one by one (any HTTP client):\n#\n{}\n", requests.lines().map(|l| format!("# {l}")).collect::<Vec<_>>().join("\n")))
                        })
                        .map_err(|errors| format!("Blocked: fix the {} error(s) in the problems panel first.", errors.len()))
                }
                // In a project: every flow and module, callers depending on their modules.
                Format::Terraform if studio.is_project() => {
                    let project = studio.current_project();
                    export::project_terraform(&project)
                        .map(|t| {
                            let files = t.files.iter().map(|(file, yaml)| {
                                format!("\n# ---- {file} (save beside this file):\n{}", yaml.lines().map(|l| format!("# {l}")).collect::<Vec<_>>().join("\n"))
                            }).collect::<String>();
                            (format!("{}.tf", export::slug(&project.name)), format!("{}{files}\n", t.hcl))
                        })
                        .map_err(|b| format!("Blocked: fix the {} error(s) in the problems panel first.", b.diagnostics.iter().filter(|d| d.is_error()).count()))
                }
                Format::Terraform => export::terraform(document)
                    .map(|t| (format!("{slug}.tf"), format!("{}\n# Save the Archy YAML beside it as {}:\n#\n{}", t.hcl, t.yaml_file_name,
                        t.yaml.lines().map(|l| format!("# {l}")).collect::<Vec<_>>().join("\n"))))
                    .map_err(|e| e.to_string()),
                Format::Execution => {
                    let name = workflow.get();
                    let name = if name.is_empty() { workflows.with(|w| w.first().cloned()).unwrap_or_default() } else { name };
                    if name.is_empty() {
                        return Err("No workflow in the catalog. POST /api/v2/flows/executions launches workflows (not call flows or common modules): load the demo catalog or your org's workflows.".to_owned());
                    }
                    export::execution_example(document, &name)
                        .map(|request| (format!("{}-launch.json", export::slug(&name)), serde_json::to_string_pretty(&request).unwrap_or_default() + "\n"))
                        .map_err(|e| e.to_string())
                }
            }
        })
    });
    let copy = move |_| {
        let Ok((_, text)) = output.get_untracked() else { return };
        spawn_local(async move {
            let result = clipboard::write_text(text).await;
            copied.set(Some(result));
        });
    };
    let download = move |_| {
        if let Ok((name, text)) = output.get_untracked() {
            if let Err(error) = clipboard::download(&name, &text, "text/plain") {
                studio.tell_error(error);
            }
        }
    };
    view! {
        <section class="cf-export" aria-label="Export">
            <div class="cf-export__tabs" role="tablist">
                {Format::ALL.into_iter().map(|f| view! {
                    <button class="cf-export__tab" role="tab" data-testid="export-tab" data-format=f.key()
                        aria-selected=move || (format.get() == f).to_string()
                        on:click=move |_| { format.set(f); copied.set(None); }>
                        {f.title()}
                    </button>
                }).collect_view()}
                <span class="cf-grow"></span>
                <Show when=move || format.get() == Format::Execution && workflows.with(|w| w.len() > 1)>
                    <select class="cf-field__input" aria-label="Workflow" on:change:target=move |ev| workflow.set(ev.target().value())>
                        {move || workflows.get().into_iter().map(|w| view! { <option value=w.clone()>{w.clone()}</option> }).collect_view()}
                    </select>
                </Show>
                <Show when=move || format.get() != Format::Image>
                    <button class="cf-button" data-testid="copy" disabled=move || output.with(Result::is_err) on:click=copy>"Copy"</button>
                    <button class="cf-button" data-testid="download" disabled=move || output.with(Result::is_err) on:click=download>"Download"</button>
                </Show>
            </div>
            {move || copied.get().map(|result| match result {
                Ok(()) => view! { <p class="cf-export__copied" role="status" data-testid="copied">"Copied to the clipboard."</p> }.into_any(),
                Err(reason) => view! { <p class="cf-export__blocked" role="alert">{reason}</p> }.into_any(),
            })}
            {move || match output.get() {
                _ if format.get() == Format::Image => view! { <crate::panels::image_export::ImageExport /> }.into_any(),
                Ok((_, text)) => view! { <pre class="cf-export__text" data-testid="export-text" tabindex="0">{text}</pre> }.into_any(),
                Err(reason) => view! { <p class="cf-export__blocked" data-testid="export-blocked" role="alert">{reason}</p> }.into_any(),
            }}
        </section>
    }
}
