//! Test run of a workflow: the launch request (built by the core from the catalog's input
//! contract, editable), `POST /api/v2/flows/executions`, polling, then `outputData` or
//! `flowErrorInfo`. Only workflows can be launched this way (reference §C4).

use callflow_core::export;
use callflow_core::Document;
use callflow_deploy::execution::{RunResult, TestRun};
use callflow_deploy::RetryPolicy;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::deploy::{drive, use_connection, Progress};
use crate::state::use_studio;

#[component]
pub fn TestRunPanel() -> impl IntoView {
    let studio = use_studio();
    let connection = use_connection();
    let workflows = Memo::new(move |_| studio.document.with(Document::workflow_names));
    let chosen = RwSignal::new(String::new());
    let request = RwSignal::new(String::new());
    let running = RwSignal::new(false);
    let result = RwSignal::new(None::<Result<RunResult, String>>);
    let progress = RwSignal::new(Progress::default());
    // A fresh example request when the workflow or its contract changes; a memo, so that other
    // edits of the flow (moving a node) leave a request the user is editing alone.
    let example = Memo::new(move |_| {
        let name = chosen.get();
        let name = if name.is_empty() { workflows.with(|w| w.first().cloned().unwrap_or_default()) } else { name };
        studio.document.with(|d| match export::execution_example(d, &name) {
            Ok(json) => serde_json::to_string_pretty(&json).unwrap_or_default(),
            Err(error) => format!("// {error}"),
        })
    });
    Effect::new(move |_| request.set(example.get()));
    let launch = move |_| {
        let Some(session) = connection.live_session() else { return };
        let body: serde_json::Value = match serde_json::from_str(&request.get_untracked()) {
            Ok(body) => body,
            Err(error) => {
                result.set(Some(Err(format!(
                    "The request is not JSON (line {}, column {}): {error}",
                    error.line(),
                    error.column()
                ))));
                return;
            }
        };
        running.set(true);
        result.set(None);
        spawn_local(async move {
            let mut test_run = TestRun::new(&session.api_base, &session.token, body, RetryPolicy::default());
            let outcome = drive(&mut test_run, progress, |_| {}).await;
            running.set(false);
            match outcome {
                Ok(done) => result.set(Some(Ok(done))),
                Err(error) => {
                    result.set(Some(Err(error.to_string())));
                    connection.refused(error);
                }
            }
        });
    };

    view! {
        <section class="cf-deploy__section" aria-label="Test run a workflow">
            <h3 class="cf-deploy__title">"Test run a workflow"</h3>
            <Show when=move || !workflows.with(Vec::is_empty)
                fallback=|| view! { <p class="cf-muted">"No workflow in the catalog. Load modules from the org: its workflows come with them."</p> }>
                <label class="cf-field">
                    <span class="cf-field__label">"Workflow"</span>
                    <select class="cf-field__input" data-testid="test-run-workflow" on:change:target=move |ev| chosen.set(ev.target().value())>
                        {move || workflows.get().into_iter().map(|w| view! { <option value=w.clone()>{w.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="cf-field">
                    <span class="cf-field__label">"Launch request (POST /api/v2/flows/executions)"</span>
                    <textarea class="cf-doctor__text cf-deploy__request" data-testid="test-run-request" spellcheck="false"
                        prop:value=move || request.get() on:input:target=move |ev| request.set(ev.target().value())></textarea>
                </label>
                <button class="cf-button" data-testid="test-run" disabled=move || running.get() || !connection.session.with(Option::is_some) on:click=launch>
                    {move || if running.get() { "Running…" } else { "Launch" }}
                </button>
                {move || progress.get().retrying.map(|text| view! { <p class="cf-deploy__wait">{text}</p> })}
                {move || result.get().map(|outcome| match outcome {
                    Ok(done) => {
                        let detail = done.output_data.as_ref().or(done.flow_error_info.as_ref())
                            .map(|v| serde_json::to_string_pretty(v).unwrap_or_default()).unwrap_or_default();
                        let failed = done.status != "COMPLETED";
                        view! {
                            <div class=if failed { "cf-deploy__error" } else { "cf-deploy__news" } data-testid="test-run-result">
                                <p>{format!("Execution {}: {}", done.execution_id, done.status)}</p>
                                <p>{if failed { "flowErrorInfo:" } else { "outputData:" }}</p>
                                <pre class="cf-export__text">{detail}</pre>
                            </div>
                        }.into_any()
                    }
                    Err(error) => view! { <p class="cf-deploy__error" data-testid="test-run-result">{error}</p> }.into_any(),
                })}
            </Show>
        </section>
    }
}
