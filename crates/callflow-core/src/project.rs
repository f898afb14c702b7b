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
        let publication = self.publication(&flow.name);
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
                finding.field = finding.field.map(|field| match field.strip_prefix("flow") {
                    Some(rest) => format!("flows[{index}]{rest}"),
                    None => format!("flows[{index}].{field}"),
                }
                .into_boxed_str());
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
    let mut findings = Vec::new();
    let catalog = project.catalog();
    for flow in &project.flows {
        let document = Document {
            format: FORMAT_V1.to_owned(),
            flow: flow.clone(),
            modules: catalog.clone(),
            queues: project.queues.clone(),
        };
        findings.extend(crate::validate(&document).into_iter().map(|d| d.in_flow(&flow.name)));
    }
    for (index, flow) in project.flows.iter().enumerate() {
        if let Some(first) = project.flows[..index].iter().find(|f| f.name.eq_ignore_ascii_case(&flow.name)) {
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
    let calls = project.calls();
    for (index, flow) in project.flows.iter().enumerate() {
        let called =
            calls.iter().any(|(caller, module, _)| *caller != index && module.eq_ignore_ascii_case(&flow.name));
        if flow.flow_type == FlowType::Commonmodule && !called {
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
    match parse_project(text) {
        Ok(project) if !looks_like_project(text) => {
            project.document(0).map(|d| crate::validate(&d)).unwrap_or_default()
        }
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
