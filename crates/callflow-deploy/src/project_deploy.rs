//! Deploying a project: its common modules first, then the flows that call them, each with the
//! one-flow [`Deployer`] protocol, in [`callflow_core::project::deploy_order`]. Architect copies a
//! module into a caller when the caller is published, so a module must be published before its
//! callers, and a changed module reaches a caller only when the caller is published again.
//!
//! The deploy stops at the first flow the org refuses, and says which flows were not deployed.
//! Every flow is created or updated by name, so running it again never makes a second flow.

use callflow_core::{Diagnostic, Project};

use crate::deploy::{self, DeployPlan, Deployer, Outcome};
use crate::http::ApiError;
use crate::protocol::{Protocol, Step};
use crate::retry::RetryPolicy;

/// The plans of a project deploy, in order, or every error finding of the project while any exist.
pub fn prepare_project(project: &Project, only: Option<&[String]>) -> Result<Vec<DeployPlan>, Vec<Diagnostic>> {
    let findings = callflow_core::validate_project(project);
    if findings.iter().any(Diagnostic::is_error) {
        return Err(findings.into_iter().filter(Diagnostic::is_error).collect());
    }
    let mut plans = Vec::new();
    for index in callflow_core::project::deploy_order(project) {
        let name = &project.flows[index].name;
        if only.is_some_and(|names| !names.iter().any(|n| n.eq_ignore_ascii_case(name))) {
            continue;
        }
        if let Some(document) = project.document(index) {
            plans.push(deploy::prepare(&document)?);
        }
    }
    Ok(plans)
}

/// The project deploy protocol: one [`Deployer`] after another; done with every [`Outcome`].
#[derive(Debug, Clone)]
pub struct ProjectDeployer {
    api_base: String,
    token: String,
    policy: RetryPolicy,
    plans: Vec<DeployPlan>,
    current: Option<Deployer>,
    outcomes: Vec<Outcome>,
}

impl ProjectDeployer {
    pub fn new(api_base: &str, token: &str, plans: Vec<DeployPlan>, policy: RetryPolicy) -> ProjectDeployer {
        ProjectDeployer {
            api_base: api_base.to_owned(),
            token: token.to_owned(),
            policy,
            plans,
            current: None,
            outcomes: Vec::new(),
        }
    }

    /// The flows published so far, in order.
    pub fn outcomes(&self) -> &[Outcome] {
        &self.outcomes
    }

    /// The flow being deployed now, if any.
    pub fn current(&self) -> Option<&Deployer> {
        self.current.as_ref()
    }

    /// The flows not published (yet, or because the deploy stopped): the one being deployed, then
    /// the ones after it.
    pub fn remaining(&self) -> Vec<&str> {
        self.plans[self.outcomes.len().min(self.plans.len())..].iter().map(|p| p.flow_name.as_str()).collect()
    }

    /// Starts the next flow, or finishes.
    fn next(&mut self) -> Step<Vec<Outcome>> {
        match self.plans.get(self.outcomes.len()) {
            Some(plan) => {
                let mut deployer = Deployer::new(&self.api_base, &self.token, plan.clone(), self.policy);
                let step = deployer.start();
                self.current = Some(deployer);
                self.relay(step)
            }
            None => {
                self.current = None;
                Step::Done(self.outcomes.clone())
            }
        }
    }

    /// Passes the current flow's step on; its end starts the next flow, its failure stops all.
    fn relay(&mut self, step: Step<Outcome>) -> Step<Vec<Outcome>> {
        match step {
            Step::Send(request) => Step::Send(request),
            Step::Wait(wait) => Step::Wait(wait),
            Step::Done(outcome) => {
                self.outcomes.push(outcome);
                self.next()
            }
            Step::Failed(error) => {
                let remaining = self.remaining().join(", ");
                Step::Failed(ApiError::ProjectStopped { error: Box::new(error), not_deployed: remaining })
            }
        }
    }
}

impl Protocol for ProjectDeployer {
    type Output = Vec<Outcome>;

    fn start(&mut self) -> Step<Vec<Outcome>> {
        self.outcomes.clear();
        self.next()
    }

    fn on_answer(&mut self, answer: Result<crate::http::HttpResponse, String>) -> Step<Vec<Outcome>> {
        match self.current.as_mut() {
            Some(deployer) => {
                let step = deployer.on_answer(answer);
                self.relay(step)
            }
            None => Step::Done(self.outcomes.clone()),
        }
    }

    fn resume(&mut self) -> Step<Vec<Outcome>> {
        match self.current.as_mut() {
            Some(deployer) => {
                let step = deployer.resume();
                self.relay(step)
            }
            None => Step::Done(self.outcomes.clone()),
        }
    }
}
