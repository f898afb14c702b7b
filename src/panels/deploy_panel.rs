//! Deploy: load the org's common modules into the catalog (one undoable command), publish the flow
//! through an Architect job (refused while errors exist), and show every step, retry, countdown
//! and job message; then the flow id and version. The run lives in `DeployState` so it survives
//! switching tabs.

use callflow_core::document::ModuleType;
use callflow_core::{Command, Severity};
use callflow_deploy::catalog::CatalogLoader;
use callflow_deploy::deploy::{self, Action, DeployPlan, Deployer, Outcome, Phase};
use callflow_deploy::{ApiError, RetryPolicy};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::deploy::{drive, use_connection, Progress};
use crate::panels::connect_panel::ConnectPanel;
use crate::panels::test_run_panel::TestRunPanel;
use crate::state::use_studio;
use crate::DockTab;

/// The current or last deploy, app-wide.
#[derive(Clone, Copy)]
pub struct DeployState {
    pub running: RwSignal<bool>,
    pub phase: RwSignal<Option<Phase>>,
    pub failed_at: RwSignal<Option<Phase>>,
    pub log: RwSignal<Vec<String>>,
    pub job_messages: RwSignal<Vec<String>>,
    pub outcome: RwSignal<Option<Outcome>>,
    pub error: RwSignal<Option<ApiError>>,
    pub plan: RwSignal<Option<DeployPlan>>,
    /// Create or update, once the lookup has answered.
    pub action: RwSignal<Option<Action>>,
    pub progress: RwSignal<Progress>,
    pub catalog: RwSignal<Option<(bool, String)>>,
    pub loading_catalog: RwSignal<bool>,
    /// The current or last deploy of a whole project (or of its stale callers).
    pub project: RwSignal<crate::panels::impact_panel::ProjectRun>,
}

impl DeployState {
    pub fn new() -> DeployState {
        DeployState {
            running: RwSignal::new(false),
            phase: RwSignal::new(None),
            failed_at: RwSignal::new(None),
            log: RwSignal::new(Vec::new()),
            job_messages: RwSignal::new(Vec::new()),
            outcome: RwSignal::new(None),
            error: RwSignal::new(None),
            plan: RwSignal::new(None),
            action: RwSignal::new(None),
            progress: RwSignal::new(Progress::default()),
            catalog: RwSignal::new(None),
            loading_catalog: RwSignal::new(false),
            project: RwSignal::new(Default::default()),
        }
    }

    fn observe(&self, deployer: &Deployer) {
        self.phase.set(Some(deployer.phase()));
        if self.action.with_untracked(|a| a.as_ref() != deployer.action()) {
            self.action.set(deployer.action().cloned());
        }
        if self.log.with_untracked(|log| log.len()) != deployer.log().len() {
            self.log.set(deployer.log().to_vec());
        }
        if self.job_messages.with_untracked(|m| m.as_slice() != deployer.job_messages()) {
            self.job_messages.set(deployer.job_messages().to_vec());
        }
    }
}

fn step_state(run: DeployState, step: Phase) -> &'static str {
    match (run.phase.get(), run.failed_at.get()) {
        (_, Some(failed)) if failed == step => "failed",
        (_, Some(failed)) if step > failed => "pending",
        (Some(phase), _) if phase > step => "done",
        (Some(phase), _) if phase == step && run.running.get() => "active",
        _ => "pending",
    }
}

#[component]
pub fn DeployPanel() -> impl IntoView {
    let studio = use_studio();
    let connection = use_connection();
    let run = expect_context::<DeployState>();
    let dock = expect_context::<RwSignal<DockTab>>();
    let errors = Memo::new(move |_| {
        studio.findings.with(|findings| {
            findings.iter().filter(|d| d.severity == Severity::Error).map(|d| d.to_text()).collect::<Vec<_>>()
        })
    });
    let signed_in = move || connection.session.with(Option::is_some);
    // Only a change between one flow and a project rebuilds the project section.
    let is_project =
        Memo::new(move |_| studio.outline.with(|o| o.flows.len() > 1 || o.flows.iter().any(|(_, t)| t.is_module())));

    let load_modules = move |_| {
        let Some(session) = connection.live_session() else { return };
        run.loading_catalog.set(true);
        run.catalog.set(Some((false, "Loading common modules and workflows from the org…".to_owned())));
        spawn_local(async move {
            let mut loader = CatalogLoader::new(&session.api_base, &session.token, RetryPolicy::default());
            let result = drive(&mut loader, run.progress, |_| {}).await;
            run.loading_catalog.set(false);
            match result {
                Ok(modules) => {
                    let count = modules.len();
                    let unpublished = modules.iter().filter(|m| !m.published).count();
                    let workflows = modules.iter().filter(|m| m.module_type == ModuleType::Workflow).count();
                    let notes = loader.notes.join("; ");
                    if studio.dispatch(Command::SetModules { modules }).is_ok() {
                        run.catalog.set(Some((
                            false,
                            format!(
                                "Loaded {count} entries from the org ({workflows} workflow(s), {unpublished} unpublished). Validation ran again; Undo restores the previous catalog.{}",
                                if notes.is_empty() { String::new() } else { format!(" Notes: {notes}") }
                            ),
                        )));
                    }
                }
                Err(error) => {
                    run.catalog.set(Some((true, format!("Loading modules failed: {error}"))));
                    connection.refused(error);
                }
            }
        });
    };

    let start_deploy = move |_| {
        let Some(session) = connection.live_session() else { return };
        let plan = match studio.document.with_untracked(deploy::prepare) {
            Ok(plan) => plan,
            Err(diagnostics) => {
                studio.tell_error(format!(
                    "Deploy refused: the flow has {} error(s); see Problems.",
                    diagnostics.iter().filter(|d| d.is_error()).count()
                ));
                return;
            }
        };
        run.running.set(true);
        run.phase.set(Some(Phase::Lookup));
        run.failed_at.set(None);
        run.log.set(Vec::new());
        run.job_messages.set(Vec::new());
        run.outcome.set(None);
        run.error.set(None);
        run.plan.set(Some(plan.clone()));
        run.action.set(None);
        spawn_local(async move {
            let mut deployer = Deployer::new(&session.api_base, &session.token, plan, RetryPolicy::default());
            let result = drive(&mut deployer, run.progress, |d| run.observe(d)).await;
            run.observe(&deployer);
            run.running.set(false);
            match result {
                Ok(outcome) => {
                    // In a project the deploy record follows: the impact panel reads it.
                    if studio.is_project() {
                        if let Some(version) = &outcome.version {
                            studio.record_published(&[(outcome.flow_name.clone(), version.clone())]);
                        }
                    }
                    run.outcome.set(Some(outcome))
                }
                Err(error) => {
                    run.failed_at.set(Some(deployer.phase()));
                    if error.is_sign_in_needed() {
                        connection.refused(error.clone());
                    }
                    run.error.set(Some(error));
                }
            }
        });
    };

    let download_yaml = move |_| {
        if let Some(plan) = run.plan.get_untracked() {
            let name = format!("{}.yaml", callflow_core::export::slug(&plan.flow_name));
            if let Err(error) = crate::clipboard::download(&name, &plan.yaml, "application/yaml") {
                studio.tell_error(error);
            }
        }
    };

    view! {
        <div class="cf-deploy" data-testid="deploy-panel">
            <ConnectPanel />
            <section class="cf-deploy__section" aria-label="Publish">
                <h3 class="cf-deploy__title">"Publish to the org"</h3>
                <p>
                    <button class="cf-button" data-testid="load-modules" disabled=move || !signed_in() || run.loading_catalog.get() on:click=load_modules>
                        "Load modules from org"
                    </button>
                    " "
                    <button class="cf-button cf-button--primary" data-testid="deploy-run"
                        disabled=move || !signed_in() || run.running.get() || !errors.with(Vec::is_empty)
                        on:click=start_deploy>
                        {move || format!("Publish “{}”", studio.document.with(|d| d.flow.name.clone()))}
                    </button>
                </p>
                {move || run.catalog.get().map(|(is_error, text)| view! {
                    <p class=if is_error { "cf-deploy__error" } else { "cf-deploy__news" } data-testid="load-modules-status">{text}</p>
                })}
                <Show when=move || !errors.with(Vec::is_empty)>
                    <div class="cf-deploy__error" data-testid="deploy-refused" role="alert">
                        {move || format!("Deploy is refused while the flow has {} error(s):", errors.with(Vec::len))}
                        <ul>{move || errors.get().into_iter().take(8).map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
                        <button class="cf-link" on:click=move |_| dock.set(DockTab::Problems)>"Open Problems"</button>
                    </div>
                </Show>
                {move || run.action.get().map(|action| {
                    let name = run.plan.with(|p| p.as_ref().map(|p| p.flow_name.clone()).unwrap_or_default());
                    let text = match action {
                        Action::Create => format!("Plan: create “{name}” (version 1.0)"),
                        Action::Update { flow_id, published_version } => format!(
                            "Plan: update “{name}” ({flow_id}), now at version {}; the job publishes the next one",
                            published_version.unwrap_or_else(|| "none".to_owned())
                        ),
                    };
                    view! { <p class="cf-deploy__plan" data-testid="deploy-plan"><strong>{text}</strong></p> }
                })}
                <Show when=move || run.phase.with(Option::is_some)>
                    <ol class="cf-steps" data-testid="deploy-steps">
                        {Phase::STEPS.into_iter().map(|step| view! {
                            <li class="cf-steps__step" data-testid="deploy-step" data-state=move || step_state(run, step)>{step.title()}</li>
                        }).collect_view()}
                    </ol>
                </Show>
                {move || run.progress.get().retrying.map(|text| view! {
                    <p class="cf-deploy__wait" role="status" data-testid="deploy-countdown">{text}</p>
                })}
                <Show when=move || !run.log.with(Vec::is_empty)>
                    <ul class="cf-deploy__log" data-testid="deploy-log">
                        {move || run.log.get().into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                    </ul>
                </Show>
                <Show when=move || !run.job_messages.with(Vec::is_empty)>
                    <div data-testid="deploy-job-messages">
                        <strong>"Job messages"</strong>
                        <ul>{move || run.job_messages.get().into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
                    </div>
                </Show>
                {move || run.outcome.get().map(|o| view! {
                    <p class="cf-deploy__news" data-testid="deploy-result" role="status">
                        {format!("{} “{}” — published version {} · flow id {}",
                            if o.created { "Created" } else { "Updated" }, o.flow_name, o.version.clone().unwrap_or_else(|| "unknown".to_owned()), o.flow_id)}
                    </p>
                })}
                {move || run.error.get().map(|error| {
                    let upload_refused = matches!(error, ApiError::UploadRefused { .. });
                    let commands = run.plan.get().map(|p| deploy::manual_commands(&p, &format!("{}.yaml", callflow_core::export::slug(&p.flow_name))));
                    view! {
                        <div class="cf-deploy__error" data-testid="deploy-error" role="alert">
                            <p>{error.to_string()}</p>
                            {upload_refused.then(|| view! {
                                <p><button class="cf-button" data-testid="deploy-download-yaml" on:click=download_yaml>"Download the YAML"</button></p>
                                <pre class="cf-export__text">{commands}</pre>
                            })}
                        </div>
                    }
                })}
            </section>
            <Show when=move || is_project.get()>
                <crate::panels::impact_panel::ProjectDeploy />
            </Show>
            <TestRunPanel />
        </div>
    }
}
