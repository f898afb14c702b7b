//! Projects (`callflow/project-v1`, docs/projects.md): the inbound call flows and the common
//! modules they call, authored together, with the org's catalog snapshot, the queues, and what was
//! last deployed.
//!
//! A project is a container of flows. Each flow is validated and exported as the flow document it
//! would be on its own ([`Project::document`]), with a catalog that holds the org's modules and the
//! project's own modules as they are now ([`Project::catalog`]). So a caller is always checked
//! against the module's current contract, and the flow checks stay the ones of a single flow.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Code, Diagnostic};
use crate::document::{wire, Document, Flow, FlowType, Module, NodeBody, Parameter, Queue, FORMAT_V1};

/// The `format` of a project document.
pub const FORMAT_PROJECT: &str = "callflow/project-v1";

/// A project: flows and modules, the org's catalog, queues and the deploy record.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    pub name: String,
    /// Inbound call flows and common modules, in the order the sidebar shows them.
    pub flows: Vec<Flow>,
    /// The org's modules (a catalog snapshot or written by hand), as in a flow document.
    pub modules: Vec<Module>,
    pub queues: Vec<Queue>,
    /// What the last deploys published, one entry per flow.
    pub published: Vec<Publication>,
}

/// What the project last published of one flow: the version the org gave it and, for a flow that
/// calls the project's modules, the version of each that was copied into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Publication {
    /// The flow's name.
    pub flow: String,
    /// The version the org gave the flow (`"1.0"`, `"2.0"`, ...).
    pub version: String,
    /// Module name → the module version this flow was published with.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub modules: BTreeMap<String, String>,
}

/// The contract of the module `flow`, published as `publication` says (see [`Project::contract`]).
/// It reads only the flow's name, compatible types and input and output variables.
pub fn module_contract(flow: &Flow, publication: Option<&Publication>) -> Module {
    let parameters = |pick: fn(&crate::document::Variable) -> bool| {
        flow.variables
            .iter()
            .filter(|v| pick(v))
            .map(|v| Parameter { name: v.name.clone(), value_type: v.value_type, required: v.input && v.required })
            .collect()
    };
    Module {
        id: None,
        name: flow.name.clone(),
        module_type: Default::default(),
        published: publication.is_some(),
        published_version: publication.map(|p| p.version.clone()),
        versions: Vec::new(),
        compatible_flow_types: flow.compatible_flow_types.clone(),
        inputs: parameters(|v| v.input),
        outputs: parameters(|v| v.output),
        unknown_contract: false,
        authored: true,
    }
}

/// A project as its file holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "Callflow Studio project v1")]
pub struct ProjectFile {
    /// Always `"callflow/project-v1"`.
    #[schemars(extend("const" = "callflow/project-v1"))]
    pub format: String,
    pub name: String,
    /// The flows, each as the `flow` of a flow document v1 (`type` `inboundcall` or `commonmodule`).
    pub flows: Vec<wire::Flow>,
    /// The org's catalog of common modules and workflows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modules: Vec<Module>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub queues: Vec<Queue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub published: Vec<Publication>,
}

impl Project {
    /// A flow document as a one-flow project (its catalog and queues become the project's).
    pub fn from_document(document: Document) -> Project {
        Project {
            name: document.flow.name.clone(),
            flows: vec![document.flow],
            modules: document.modules,
            queues: document.queues,
            published: Vec::new(),
        }
    }

    /// The flow called `name` (names are compared without regard to case, as the org does).
    pub fn flow_index(&self, name: &str) -> Option<usize> {
        self.flows.iter().position(|flow| flow.name.eq_ignore_ascii_case(name))
    }

    /// What the project last published of `name`.
    pub fn publication(&self, name: &str) -> Option<&Publication> {
        self.published.iter().find(|p| p.flow.eq_ignore_ascii_case(name))
    }

    /// The contract callers see of the project's module `flow`: its `input` and `output`
    /// variables, its compatible flow types, and whether (and at which version) it was published.
    pub fn contract(&self, flow: &Flow) -> Module {
        module_contract(flow, self.publication(&flow.name))
    }

    /// What a flow of this project may call: the org's modules, where the project's own module of
    /// the same name (without regard to case) takes the place of the org's, then the project's
    /// modules.
    pub fn catalog(&self) -> Vec<Module> {
        let authored: Vec<&Flow> = self.flows.iter().filter(|f| f.flow_type.is_module()).collect();
        let mut catalog: Vec<Module> = self
            .modules
            .iter()
            .filter(|m| !authored.iter().any(|f| f.name.eq_ignore_ascii_case(&m.name)))
            .cloned()
            .collect();
        catalog.extend(authored.into_iter().map(|flow| self.contract(flow)));
        catalog
    }

    /// Flow `index` as the flow document it is on its own: the flow, the project's catalog and queues.
    pub fn document(&self, index: usize) -> Option<Document> {
        let flow = self.flows.get(index)?;
        Some(Document {
            format: FORMAT_V1.to_owned(),
            flow: flow.clone(),
            modules: self.catalog(),
            queues: self.queues.clone(),
        })
    }

    /// The project's modules each flow calls: (caller index, module name, version), in flow order.
    pub fn calls(&self) -> Vec<(usize, &str, &str)> {
        let mut calls = Vec::new();
        for (index, flow) in self.flows.iter().enumerate() {
            for node in &flow.nodes {
                if let NodeBody::Invoke(call) = &node.body {
                    calls.push((index, call.module.as_str(), call.version.as_deref().unwrap_or("latest")));
                }
            }
        }
        calls
    }

    /// The project as its file, pretty JSON.
    pub fn to_json(&self) -> String {
        match serde_json::to_string_pretty(&ProjectFile::from(self)) {
            Ok(text) => text + "\n",
            Err(error) => format!("{{\"error\": \"{error}\"}}\n"),
        }
    }

    /// The same, compact (the app's local library).
    pub fn to_compact_json(&self) -> String {
        match serde_json::to_string(&ProjectFile::from(self)) {
            Ok(text) => text,
            Err(error) => format!("{{\"error\": \"{error}\"}}"),
        }
    }
}

impl From<&Project> for ProjectFile {
    fn from(project: &Project) -> ProjectFile {
        ProjectFile {
            format: FORMAT_PROJECT.to_owned(),
            name: project.name.clone(),
            flows: project
                .flows
                .iter()
                .map(|flow| {
                    let document = Document {
                        format: FORMAT_V1.to_owned(),
                        flow: flow.clone(),
                        modules: Vec::new(),
                        queues: Vec::new(),
                    };
                    wire::Document::from(&document).flow
                })
                .collect(),
            modules: project.modules.clone(),
            queues: project.queues.clone(),
            published: project.published.clone(),
        }
    }
}

/// Reads a project, or a flow document v1 as a one-flow project. On failure the single
/// `invalid-document` finding says what and where (`flows[1].nodes[3].kind`).
pub fn parse_project(text: &str) -> Result<Project, Diagnostic> {
    if !looks_like_project(text) {
        return crate::document::parse(text).map(Project::from_document);
    }
    parse_project_file(text)
}

/// Reads text whose `format` says it is a project.
fn parse_project_file(text: &str) -> Result<Project, Diagnostic> {
    let file: ProjectFile = match serde_json::from_str(text) {
        Ok(file) => file,
        Err(_) => wire::parse_tracking_path::<ProjectFile>(text, "not a project v1")?,
    };
    if file.format != FORMAT_PROJECT {
        return Err(Diagnostic::error(
            Code::InvalidDocument,
            format!("format is \"{}\", expected \"{FORMAT_PROJECT}\"", file.format),
        )
        .with_field("format"));
    }
    let mut flows = Vec::with_capacity(file.flows.len());
    for (index, flow) in file.flows.into_iter().enumerate() {
        let document = wire::Document { format: FORMAT_V1.to_owned(), flow, modules: Vec::new(), queues: Vec::new() };
        match wire::finish(document) {
            Ok(document) => flows.push(document.flow),
            Err(mut finding) => {
                finding.field = finding.field.map(|field| {
                    match field.strip_prefix("flow") {
                        Some(rest) => format!("flows[{index}]{rest}"),
                        None => format!("flows[{index}].{field}"),
                    }
                    .into_boxed_str()
                });
                return Err(finding);
            }
        }
    }
    Ok(Project { name: file.name, flows, modules: file.modules, queues: file.queues, published: file.published })
}

/// Does `text` hold a project (its `format` says so) rather than a flow document? Read cheaply: the
/// first `"format"` member decides.
pub fn looks_like_project(text: &str) -> bool {
    #[derive(Deserialize)]
    struct Format {
        #[serde(default)]
        format: String,
    }
    serde_json::from_str::<Format>(text).is_ok_and(|f| f.format == FORMAT_PROJECT)
}

/// Every finding of every flow (each named by `flow`), then the project's own: two flows with one
/// name, and a module that no flow calls.
pub fn validate_project(project: &Project) -> Vec<Diagnostic> {
    let catalog = project.catalog();
    let mut findings: Vec<Diagnostic> =
        (0..project.flows.len()).flat_map(|index| flow_findings(project, &catalog, index)).collect();
    findings.extend(project_findings(&project.flows.iter().collect::<Vec<_>>()));
    findings
}

/// The findings of flow `index` checked with `catalog` (see [`Project::catalog`]), named by flow.
pub fn flow_findings(project: &Project, catalog: &[Module], index: usize) -> Vec<Diagnostic> {
    let Some(flow) = project.flows.get(index) else { return Vec::new() };
    let document = Document {
        format: FORMAT_V1.to_owned(),
        flow: flow.clone(),
        modules: catalog.to_vec(),
        queues: project.queues.clone(),
    };
    crate::validate(&document).into_iter().map(|d| d.in_flow(&flow.name)).collect()
}

/// The project's own findings over its flows (given as references, so the app can pass the open
/// flow without copying it into the project): two flows with one name, and unused modules.
pub fn project_findings(flows: &[&Flow]) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for (index, flow) in flows.iter().enumerate() {
        if let Some(first) = flows[..index].iter().find(|f| f.name.eq_ignore_ascii_case(&flow.name)) {
            findings.push(
                Diagnostic::error(
                    Code::DuplicateFlowName,
                    format!("two flows of the project are called \"{}\"; the org names a flow once", first.name),
                )
                .in_flow(&flow.name)
                .with_field(format!("flows[{index}].name"))
                .with_hint("rename one of them"),
            );
        }
    }
    for (index, flow) in flows.iter().enumerate().filter(|(_, f)| f.flow_type == FlowType::Commonmodule) {
        let called = flows.iter().enumerate().any(|(caller, other)| {
            caller != index
                && other
                    .nodes
                    .iter()
                    .any(|n| matches!(&n.body, NodeBody::Invoke(call) if call.module.eq_ignore_ascii_case(&flow.name)))
        });
        if !called {
            findings.push(
                Diagnostic::warning(
                    Code::UnusedModule,
                    format!("no flow of the project calls the module \"{}\"", flow.name),
                )
                .in_flow(&flow.name)
                .with_hint("call it from a flow with a Call common module step, or delete it"),
            );
        }
    }
    findings
}

/// Parses then validates a project or a flow document: what `callflow check` shows for either.
pub fn check_project(text: &str) -> Vec<Diagnostic> {
    if !looks_like_project(text) {
        return crate::check(text);
    }
    match parse_project_file(text) {
        Ok(project) => validate_project(&project),
        Err(finding) => vec![finding],
    }
}

/// The order a project deploys in: its common modules first (callers copy a module when they are
/// published, so it must exist before them), then the other flows, each group in project order.
pub fn deploy_order(project: &Project) -> Vec<usize> {
    let modules = (0..project.flows.len()).filter(|&i| project.flows[i].flow_type.is_module());
    let others = (0..project.flows.len()).filter(|&i| !project.flows[i].flow_type.is_module());
    modules.chain(others).collect()
}

impl Project {
    /// Records that the flow `name` was published as `version` (a deploy's outcome). A flow that
    /// calls the project's modules remembers the version of each it was published with: Architect
    /// copies the module's latest published version into the caller at that moment.
    pub fn record_publication(&mut self, name: &str, version: &str) {
        let Some(index) = self.flow_index(name) else { return };
        let calls = self.calls();
        let mut modules = BTreeMap::new();
        for (_, module, _) in calls.iter().filter(|(caller, _, _)| *caller == index) {
            let authored = self.flow_index(module).is_some_and(|m| self.flows[m].flow_type.is_module());
            if let (true, Some(publication)) = (authored, self.publication(module)) {
                modules.insert(publication.flow.clone(), publication.version.clone());
            }
        }
        let publication = Publication { flow: self.flows[index].name.clone(), version: version.to_owned(), modules };
        match self.published.iter_mut().find(|p| p.flow.eq_ignore_ascii_case(name)) {
            Some(existing) => *existing = publication,
            None => self.published.push(publication),
        }
    }
}

/// One module of the project and the flows that call it (`callflow impact`, the impact panel).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModuleImpact {
    pub module: String,
    /// The module's version last published by the project, if it was.
    pub published_version: Option<String>,
    pub callers: Vec<CallerImpact>,
}

/// One call of a module: which flow, which node, which version it names, which inputs it passes,
/// and whether the flow must be published again to pick the module's latest version up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallerImpact {
    pub flow: String,
    pub node: String,
    /// `latest` or a pinned version.
    pub version: String,
    pub inputs: Vec<String>,
    /// The module version the caller was last published with (none: never published by the project).
    pub published_with: Option<String>,
    /// Published with an older version than the module's latest: republish the caller to pick it up.
    pub stale: bool,
}

/// For each of the project's modules: who calls it, at which version, with which inputs, and which
/// callers hold an older copy of it than the one last published.
pub fn impact(project: &Project) -> Vec<ModuleImpact> {
    let mut modules = Vec::new();
    for module in project.flows.iter().filter(|f| f.flow_type.is_module()) {
        let published_version = project.publication(&module.name).map(|p| p.version.clone());
        let mut callers = Vec::new();
        for flow in project.flows.iter().filter(|f| !f.name.eq_ignore_ascii_case(&module.name)) {
            for node in &flow.nodes {
                let NodeBody::Invoke(call) = &node.body else { continue };
                if !call.module.eq_ignore_ascii_case(&module.name) {
                    continue;
                }
                let version = call.version.clone().unwrap_or_else(|| "latest".to_owned());
                let published_with = project
                    .publication(&flow.name)
                    .and_then(|p| p.modules.iter().find(|(name, _)| name.eq_ignore_ascii_case(&module.name)))
                    .map(|(_, version)| version.clone());
                let stale = version == "latest"
                    && published_with.is_some()
                    && published_version.is_some()
                    && published_with != published_version;
                callers.push(CallerImpact {
                    flow: flow.name.clone(),
                    node: node.id.clone(),
                    version,
                    inputs: call.inputs.keys().cloned().collect(),
                    published_with,
                    stale,
                });
            }
        }
        modules.push(ModuleImpact { module: module.name.clone(), published_version, callers });
    }
    modules
}

/// The flows to publish again so that they hold the latest published version of every module they
/// call, in project order, each once.
pub fn stale_callers(project: &Project) -> Vec<String> {
    let stale: Vec<String> =
        impact(project).into_iter().flat_map(|m| m.callers).filter(|c| c.stale).map(|c| c.flow).collect();
    project.flows.iter().map(|f| f.name.clone()).filter(|name| stale.contains(name)).collect()
}

/// The impact as text, one module per paragraph (`callflow impact --format text`).
pub fn impact_text(project: &Project) -> String {
    let mut text = String::new();
    for module in impact(project) {
        text.push_str(&format!(
            "module \"{}\": {}\n",
            module.module,
            match &module.published_version {
                Some(version) => format!("published as {version}"),
                None => "not deployed yet".to_owned(),
            }
        ));
        if module.callers.is_empty() {
            text.push_str("  no flow calls it\n");
        }
        for caller in &module.callers {
            let state = match (&caller.published_with, caller.stale) {
                (Some(with), true) => format!("published with {with}: republish to pick up the latest"),
                (Some(with), false) => format!("published with {with}: current"),
                (None, _) => "not deployed yet".to_owned(),
            };
            text.push_str(&format!(
                "  \"{}\" (node {}) calls {} with {}; {state}\n",
                caller.flow,
                caller.node,
                caller.version,
                if caller.inputs.is_empty() { "no inputs".to_owned() } else { caller.inputs.join(", ") },
            ));
        }
    }
    let stale = stale_callers(project);
    if !stale.is_empty() {
        text.push_str(&format!("republish: {}\n", stale.join(", ")));
    }
    text
}

/// Editing a project's set of flows (the app's sidebar). Each keeps names unique and never leaves
/// the project empty.
impl Project {
    /// A name not used by any flow of the project: `base`, `base 2`, ...
    pub fn fresh_name(&self, base: &str) -> String {
        first_free(base, " ", |name| self.flow_index(name).is_some())
    }

    /// Adds a new inbound call flow or common module at the end; returns its index.
    pub fn add_flow(&mut self, flow_type: FlowType) -> usize {
        let flow = match flow_type {
            FlowType::Inboundcall => Document::empty(&self.fresh_name("New inbound flow")).flow,
            FlowType::Commonmodule => new_module(&self.fresh_name("New common module")),
        };
        self.flows.push(flow);
        self.flows.len() - 1
    }

    /// A copy of flow `index`, named "… (copy)", after it; returns the copy's index.
    pub fn duplicate_flow(&mut self, index: usize) -> Option<usize> {
        let mut flow = self.flows.get(index)?.clone();
        flow.name = self.fresh_name(&format!("{} (copy)", flow.name));
        self.flows.insert(index + 1, flow);
        Some(index + 1)
    }

    /// Renames flow `index`. A module's callers are renamed with it, so they still call it.
    pub fn rename_flow(&mut self, index: usize, name: &str) -> Result<(), String> {
        let name = name.trim();
        if name.is_empty() {
            return Err("a flow needs a name".to_owned());
        }
        if self.flow_index(name).is_some_and(|other| other != index) {
            return Err(format!("the project already has a flow called \"{name}\""));
        }
        let Some(flow) = self.flows.get_mut(index) else { return Err("no such flow".to_owned()) };
        let old = std::mem::replace(&mut flow.name, name.to_owned());
        if flow.flow_type.is_module() {
            for flow in &mut self.flows {
                for node in &mut flow.nodes {
                    if let NodeBody::Invoke(call) = &mut node.body {
                        if call.module.eq_ignore_ascii_case(&old) {
                            call.module = name.to_owned();
                        }
                    }
                }
            }
        }
        if let Some(publication) = self.published.iter_mut().find(|p| p.flow.eq_ignore_ascii_case(&old)) {
            publication.flow = name.to_owned();
        }
        Ok(())
    }

    /// Removes flow `index`; the last flow of a project stays.
    pub fn remove_flow(&mut self, index: usize) -> Result<Flow, String> {
        if self.flows.len() <= 1 {
            return Err("a project keeps at least one flow".to_owned());
        }
        if index >= self.flows.len() {
            return Err("no such flow".to_owned());
        }
        let flow = self.flows.remove(index);
        self.published.retain(|p| !p.flow.eq_ignore_ascii_case(&flow.name));
        Ok(flow)
    }
}

/// `base` when `taken` says it is free, else `base<separator>2`, `base<separator>3`, …: the first
/// free one (flow names use a space, node ids nothing).
pub fn first_free(base: &str, separator: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_owned();
    }
    (2..).map(|n| format!("{base}{separator}{n}")).find(|name| !taken(name)).unwrap_or_default()
}

/// A new common module: a start node and an End module node, compatible with inbound call flows.
pub fn new_module(name: &str) -> Flow {
    let mut flow = Document::empty(name).flow;
    flow.flow_type = FlowType::Commonmodule;
    flow.compatible_flow_types = vec!["inboundcall".to_owned()];
    flow.nodes.push(crate::Node::new("done", crate::NodeKind::EndModule, 320.0, 160.0));
    flow.edges.push(crate::Edge::new("start", None, "done"));
    flow
}
