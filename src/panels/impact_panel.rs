//! Modules and their callers (the impact panel), and deploying a project: its modules first, then
//! the flows that call them. Architect copies a module into each caller when the caller is
//! published, so after a new module version the panel lists the callers that still hold the old
//! copy, and "Republish callers" deploys them.

use callflow_core::project::{impact, stale_callers};
use callflow_deploy::project_deploy::{prepare_project, ProjectDeployer};
use callflow_deploy::RetryPolicy;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::deploy::{drive, use_connection};
use crate::panels::deploy_panel::DeployState;
use crate::state::{use_studio, Studio};

/// What a project deploy did, for the panels.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectRun {
    pub running: bool,
    /// One line per flow published.
    pub published: Vec<String>,
    pub error: Option<String>,
}

/// Deploys the project (or only the flows named in `only`), modules first, with the signed-in
/// session; records each publication in the project as it lands.
pub fn deploy_project(
    studio: Studio,
    connection: crate::deploy::Connection,
    run: DeployState,
    only: Option<Vec<String>>,
    state: RwSignal<ProjectRun>,
) {
    let Some(session) = connection.live_session() else {
        state.set(ProjectRun { error: Some("Sign in first (Deploy tab).".to_owned()), ..Default::default() });
        return;
    };
    let project = studio.current_project();
    let plans = match prepare_project(&project, only.as_deref()) {
        Ok(plans) => plans,
        Err(errors) => {
            state.set(ProjectRun {
                error: Some(format!("Deploy refused: the project has {} error(s); see Problems.", errors.len())),
                ..Default::default()
            });
            return;
        }
    };
    let order: Vec<String> = plans.iter().map(|p| p.flow_name.clone()).collect();
    state.set(ProjectRun { running: true, published: vec![format!("Order: {}", order.join(" → "))], error: None });
    spawn_local(async move {
        let mut deployer = ProjectDeployer::new(&session.api_base, &session.token, plans, RetryPolicy::default());
        // Each flow is reported and recorded as it lands, so a stop part way keeps what was done.
        let recorded = StoredValue::new(0usize);
        let report = move |deployer: &ProjectDeployer| {
            let done = deployer.outcomes().len();
            if done == recorded.get_value() {
                return;
            }
            let landed: Vec<(String, String)> = deployer.outcomes()[recorded.get_value()..]
                .iter()
                .map(|o| (o.flow_name.clone(), o.version.clone().unwrap_or_default()))
                .collect();
            recorded.set_value(done);
            studio.record_published(&landed);
            state.update(|s| {
                s.published
                    .extend(landed.iter().map(|(flow, version)| format!("Published “{flow}” as version {version}")));
            });
        };
        let result = drive(&mut deployer, run.progress, report).await;
        report(&deployer);
        state.update(|s| {
            s.running = false;
            if let Err(error) = &result {
                s.error = Some(error.to_string());
            }
        });
        if let Err(error) = result {
            if error.is_sign_in_needed() {
                connection.refused(error);
            }
        }
    });
}

/// The deploy of the whole project, for the deploy panel.
#[component]
pub fn ProjectDeploy() -> impl IntoView {
    let studio = use_studio();
    let connection = use_connection();
    let run = expect_context::<DeployState>();
    let state = run.project;
    view! {
        <section class="cf-deploy__section" aria-label="Publish the project" data-testid="project-deploy">
            <h3 class="cf-deploy__title">"Publish the project"</h3>
            <p class="cf-muted">"Every module first, then the flows that call them: a flow copies a module when it is published."</p>
            <button class="cf-button cf-button--primary" data-testid="deploy-project"
                disabled=move || connection.session.with(Option::is_none) || state.with(|s| s.running)
                on:click=move |_| deploy_project(studio, connection, run, None, state)>"Publish all flows and modules"</button>
            <RunReport state=state />
        </section>
    }
}

#[component]
fn RunReport(state: RwSignal<ProjectRun>) -> impl IntoView {
    view! {
        <ul class="cf-deploy__log" data-testid="project-deploy-log">
            {move || state.with(|s| s.published.iter().map(|line| view! { <li>{line.clone()}</li> }).collect_view())}
        </ul>
        {move || state.with(|s| s.error.clone()).map(|error| view! {
            <p class="cf-deploy__error" data-testid="project-deploy-error" role="alert">{error}</p>
        })}
    }
}

#[component]
pub fn ImpactPanel() -> impl IntoView {
    let studio = use_studio();
    let connection = use_connection();
    let run = expect_context::<DeployState>();
    let state = run.project;
    // Read while the panel is open: the whole project, after each edit (a clone per edit, and only
    // while this tab shows).
    let modules = Memo::new(move |_| {
        studio.document.track();
        studio.outline.track();
        let project = studio.current_project();
        (impact(&project), stale_callers(&project))
    });
    view! {
        <section class="cf-impact" aria-label="Modules and their callers" data-testid="impact">
            {move || modules.with(|(modules, _)| modules.is_empty()).then(|| view! {
                <p class="cf-muted">"This project has no common module of its own. Add one with “+ Module”, or select steps and “Extract common module”."</p>
            })}
            {move || modules.with(|(modules, _)| modules.iter().map(|module| view! {
                <div class="cf-impact__module" data-testid="impact-module" data-module=module.module.clone()>
                    <h3 class="cf-deploy__title">{format!("{} — {}", module.module, module.published_version.as_ref().map(|v| format!("published as {v}")).unwrap_or_else(|| "not deployed yet".to_owned()))}</h3>
                    {module.callers.is_empty().then(|| view! { <p class="cf-muted">"No flow calls it."</p> })}
                    <table class="cf-impact__table">
                        <thead><tr><th>"Flow"</th><th>"Version"</th><th>"Inputs"</th><th>"Published with"</th></tr></thead>
                        <tbody>
                            {module.callers.iter().map(|caller| view! {
                                <tr data-testid="impact-caller" data-module=module.module.clone() data-flow=caller.flow.clone()
                                    data-stale=caller.stale.to_string() class:cf-impact__stale=caller.stale>
                                    <td>{caller.flow.clone()}</td>
                                    <td>{caller.version.clone()}</td>
                                    <td>{if caller.inputs.is_empty() { "none".to_owned() } else { caller.inputs.join(", ") }}</td>
                                    <td>{match (&caller.published_with, caller.stale) {
                                        (Some(with), true) => format!("{with}: republish to pick up the latest"),
                                        (Some(with), false) => format!("{with} (current)"),
                                        (None, _) => "not deployed yet".to_owned(),
                                    }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }).collect_view())}
            {move || {
                let stale = modules.with(|(_, stale)| stale.clone());
                (!stale.is_empty()).then(|| {
                    let names = stale.join(", ");
                    view! {
                        <p data-testid="impact-stale">{format!("To republish: {names}")}</p>
                        <button class="cf-button cf-button--primary" data-testid="republish-callers"
                            disabled=move || connection.session.with(Option::is_none) || state.with(|s| s.running)
                            on:click=move |_| deploy_project(studio, connection, run, Some(stale.clone()), state)>"Republish callers"</button>
                    }
                })
            }}
            <RunReport state=state />
        </section>
    }
}
