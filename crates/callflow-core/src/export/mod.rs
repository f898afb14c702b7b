//! Exports: Archy YAML, Terraform, a flow-execution launch request, and the normalised document.
//! Every export that ends up on the platform is blocked, with the findings, while errors exist.

pub(crate) mod archy;
mod yaml;

use indexmap::IndexMap;
use serde_json::{json, Value as Json};

use crate::diagnostic::{has_errors, Diagnostic};
use crate::document::{Document, Module, ModuleType, TypeName, ValueType};
use crate::hint::did_you_mean;
use crate::validate::validate;

pub use archy::ArchyYaml;

/// An export refused because the document has errors. Holds every finding, so the user sees why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the flow has {} error(s); fix them before exporting", .diagnostics.iter().filter(|d| d.is_error()).count())]
pub struct Blocked {
    pub diagnostics: Vec<Diagnostic>,
}

fn unblocked(document: &Document) -> Result<Vec<Diagnostic>, Blocked> {
    let diagnostics = validate(document);
    if has_errors(&diagnostics) {
        Err(Blocked { diagnostics })
    } else {
        Ok(diagnostics)
    }
}

/// Archy keys as block YAML (what the inspector shows of an action or a flow kept as written).
pub fn keys_yaml(keys: &crate::document::ArchyKeys) -> String {
    let mut out = yaml::YamlText::with_capacity(256);
    for (key, value) in keys {
        out.value(0, false, key, value);
    }
    out.text
}

/// The Archy YAML of the flow.
pub fn archy(document: &Document) -> Result<ArchyYaml, Blocked> {
    unblocked(document)?;
    Ok(archy::write(document))
}

/// The normalised document: defaults written out, stable key order. Never blocked: it is the
/// user's own work, errors included.
pub fn normalized_json(document: &Document) -> String {
    document.to_json()
}

/// The Terraform provider the export is written for (docs/export.md has the sources).
pub const PROVIDER_SOURCE: &str = "mypurecloud/genesyscloud";
/// The first provider version whose `genesyscloud_flow` computes `file_content_hash` itself (read-only).
pub const PROVIDER_VERSION: &str = ">= 1.68.5";

/// What `genesyscloud_flow` accepts in a configuration, from the provider's schema at v1.84.1
/// (`genesyscloud/architect_flow/resource_genesyscloud_architect_flow_schema.go`): the attributes a
/// configuration may set, and whether each is required. `file_content_hash` and `id` are read-only.
pub const FLOW_RESOURCE_ATTRIBUTES: &[(&str, bool)] = &[
    ("filepath", true),
    ("substitutions", false),
    ("force_unlock", false),
    ("update_trigger_hash", false),
    ("name", false),
    ("type", false),
];

/// A Terraform configuration that deploys the YAML with the `genesyscloud_flow` resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terraform {
    /// The `.tf` text.
    pub hcl: String,
    /// The file name the resource reads, relative to the module (`<slug>.yaml`).
    pub yaml_file_name: String,
    /// The YAML to write to that file.
    pub yaml: String,
}

/// The Terraform resource and the YAML file it points at.
pub fn terraform(document: &Document) -> Result<Terraform, Blocked> {
    let archy = archy(document)?;
    let slug = slug(&document.flow.name);
    let yaml_file_name = format!("{slug}.yaml");
    let hcl = format!(
        "# Deploys the {what} \"{name}\" from its Archy YAML with the genesyscloud_flow\n\
         # resource. Keep {file} beside this file. The provider hashes the file itself to see a change\n\
         # (file_content_hash is read-only from provider 1.68.5 on; setting it fails the plan).\n\
         {providers}\n\
         resource \"genesyscloud_flow\" \"{slug}\" {{\n  \
         filepath = \"${{path.module}}/{file}\"\n\
         }}\n",
        what = flow_kind_words(document.flow.flow_type),
        name = document.flow.name.replace('"', "'"),
        file = yaml_file_name,
        providers = required_providers(),
    );
    Ok(Terraform { hcl, yaml_file_name, yaml: archy.yaml })
}

/// The `terraform { required_providers { ... } }` block every Terraform export starts with.
fn required_providers() -> String {
    format!(
        "terraform {{\n  required_providers {{\n    genesyscloud = {{\n      source  = \"{PROVIDER_SOURCE}\"\n      version = \"{PROVIDER_VERSION}\"\n    }}\n  }}\n}}\n"
    )
}

fn flow_kind_words(flow_type: crate::document::FlowType) -> &'static str {
    if flow_type.is_module() {
        "common module"
    } else {
        "inbound call flow"
    }
}

/// A whole project for Terraform: one `genesyscloud_flow` per flow and module, and the YAML file
/// each points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectTerraform {
    pub hcl: String,
    /// (file name, Archy YAML), in deploy order.
    pub files: Vec<(String, String)>,
}

/// The project's flows for Terraform, modules first; a flow that calls the project's modules
/// `depends_on` their resources, so Terraform publishes a module before its callers (the wiring of
/// GenesysCloudBlueprints/send-message-transcript-by-email, `terraform/modules/flow/flow.tf`).
/// Blocked while any flow has an error.
pub fn project_terraform(project: &crate::project::Project) -> Result<ProjectTerraform, Blocked> {
    let diagnostics = crate::project::validate_project(project);
    if has_errors(&diagnostics) {
        return Err(Blocked { diagnostics });
    }
    let mut hcl = format!(
        "# Deploys the project \"{name}\": each flow and common module from its Archy YAML with the\n\
         # genesyscloud_flow resource, modules before the flows that call them (depends_on). Keep the\n\
         # .yaml files beside this file. A new module version reaches a caller only when the caller is\n\
         # published again: Architect copies the module into each caller at publish time.\n\
         {providers}",
        name = project.name.replace('"', "'"),
        providers = required_providers(),
    );
    let mut files = Vec::new();
    let calls = project.calls();
    for index in crate::project::deploy_order(project) {
        let Some(document) = project.document(index) else { continue };
        let flow = &project.flows[index];
        let slug = slug(&flow.name);
        let file = format!("{slug}.yaml");
        let mut depends: Vec<String> = calls
            .iter()
            .filter(|(caller, _, _)| *caller == index)
            .filter_map(|(_, module, _)| project.flow_index(module))
            .filter(|&module| project.flows[module].flow_type.is_module())
            .map(|module| format!("genesyscloud_flow.{}", self::slug(&project.flows[module].name)))
            .collect();
        depends.sort();
        depends.dedup();
        hcl.push_str(&format!(
            "\n# The {what} \"{name}\".\nresource \"genesyscloud_flow\" \"{slug}\" {{\n  filepath = \"${{path.module}}/{file}\"\n",
            what = flow_kind_words(flow.flow_type),
            name = flow.name.replace('"', "'"),
        ));
        if !depends.is_empty() {
            hcl.push_str(&format!("  depends_on = [{}]\n", depends.join(", ")));
        }
        hcl.push_str("}\n");
        files.push((file, archy::write(&document).yaml));
    }
    Ok(ProjectTerraform { hcl, files })
}

/// A name usable as a Terraform resource name and a file name: lower case, `_` between words.
pub fn slug(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('_') && !slug.is_empty() {
            slug.push('_');
        }
    }
    let slug = slug.trim_end_matches('_').to_owned();
    match slug.chars().next() {
        None => "flow".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("flow_{slug}"),
        Some(_) => slug,
    }
}

/// Why a flow-execution request could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExecutionError {
    /// No catalog entry has that name.
    #[error("no workflow named \"{name}\" in the catalog{}", hint_suffix(.hint))]
    UnknownWorkflow { name: String, hint: Option<String> },
    /// The entry is a common module; only workflows are launched by the executions API.
    #[error("\"{0}\" is a common module: POST /api/v2/flows/executions launches workflows; a call flow calls a common module with Call Common Module")]
    NotAWorkflow(String),
    /// The workflow's id is unknown, and `flowId` is required.
    #[error("the workflow \"{0}\" has no id in the catalog; flowId is required (load the catalog from the org)")]
    MissingFlowId(String),
    /// A value was given for an input the workflow does not declare.
    #[error("the workflow has no input \"{name}\"{}", hint_suffix(.hint))]
    UnknownInput { name: String, hint: Option<String> },
    /// A value does not parse as the input's type.
    #[error("{name} is {expected}: {reason}")]
    BadValue { name: String, expected: String, reason: String },
    /// Required inputs with no value.
    #[error("required input(s) without a value: {}", .0.join(", "))]
    MissingInputs(Vec<String>),
}

fn hint_suffix(hint: &Option<String>) -> String {
    hint.as_ref().map(|h| format!(" ({h})")).unwrap_or_default()
}

/// Builds `{flowId, flowVersion?, inputData: {"Flow.x": value}, name?}` (reference §C) for a workflow
/// of the catalog. `values` are text, as typed by a user; each is converted to the JSON type of its
/// input (`integer` → number, `boolean` → true/false, lists as JSON arrays). A key may omit its
/// `Flow.` prefix; the request always carries the flat, prefixed name.
pub fn execution_request(
    document: &Document,
    workflow: &str,
    values: &IndexMap<String, String>,
    flow_version: Option<&str>,
    execution_name: Option<&str>,
) -> Result<Json, ExecutionError> {
    let module = find_workflow(document, workflow)?;
    let flow_id = module.id.clone().ok_or_else(|| ExecutionError::MissingFlowId(module.name.clone()))?;
    let mut input_data = serde_json::Map::new();
    for (key, text) in values {
        let name = if key.starts_with("Flow.") { key.clone() } else { format!("Flow.{key}") };
        let Some(parameter) = module.inputs.iter().find(|p| p.name == name) else {
            return Err(ExecutionError::UnknownInput {
                name: key.clone(),
                hint: did_you_mean(key, module.inputs.iter().map(|p| p.name.as_str()), Some("Flow")),
            });
        };
        let value = typed_value(text, parameter.value_type).map_err(|reason| ExecutionError::BadValue {
            name: name.clone(),
            expected: parameter.value_type.with_article(),
            reason,
        })?;
        input_data.insert(name, value);
    }
    let missing: Vec<String> = module
        .inputs
        .iter()
        .filter(|p| p.required && !input_data.contains_key(&p.name))
        .map(|p| p.name.clone())
        .collect();
    if !missing.is_empty() {
        return Err(ExecutionError::MissingInputs(missing));
    }
    let mut request = serde_json::Map::new();
    request.insert("flowId".to_owned(), json!(flow_id));
    if let Some(version) = flow_version.filter(|v| !v.is_empty()) {
        request.insert("flowVersion".to_owned(), json!(version));
    }
    request.insert("inputData".to_owned(), Json::Object(input_data));
    if let Some(name) = execution_name.filter(|n| !n.is_empty()) {
        request.insert("name".to_owned(), json!(name));
    }
    Ok(Json::Object(request))
}

/// A request with an example value of the right type for every input: what the designer shows first.
pub fn execution_example(document: &Document, workflow: &str) -> Result<Json, ExecutionError> {
    let module = find_workflow(document, workflow)?;
    let values = module.inputs.iter().map(|p| (p.name.clone(), example_text(p.value_type))).collect();
    execution_request(document, workflow, &values, None, Some("callflow-studio test run"))
}

fn find_workflow<'d>(document: &'d Document, workflow: &str) -> Result<&'d Module, ExecutionError> {
    let Some(module) = document.module(workflow) else {
        return Err(ExecutionError::UnknownWorkflow {
            name: workflow.to_owned(),
            hint: did_you_mean(
                workflow,
                document.modules.iter().filter(|m| m.module_type == ModuleType::Workflow).map(|m| m.name.as_str()),
                None,
            ),
        });
    };
    if module.module_type != ModuleType::Workflow {
        return Err(ExecutionError::NotAWorkflow(module.name.clone()));
    }
    Ok(module)
}

fn example_text(value_type: TypeName) -> String {
    if value_type.list {
        return "[]".to_owned();
    }
    match value_type.base {
        ValueType::String => "example".to_owned(),
        ValueType::Integer => "0".to_owned(),
        ValueType::Decimal => "0.0".to_owned(),
        ValueType::Boolean => "false".to_owned(),
        ValueType::Date => "2026-01-01".to_owned(),
        ValueType::DateTime => "2026-01-01T00:00:00.000Z".to_owned(),
        ValueType::Duration => "PT0S".to_owned(),
    }
}

/// Converts a typed-in value to the JSON the platform expects for `value_type`.
pub fn typed_value(text: &str, value_type: TypeName) -> Result<Json, String> {
    if value_type.list {
        let items: Vec<Json> = serde_json::from_str(text)
            .map_err(|_| format!("write a list as a JSON array, e.g. [\"a\", \"b\"]; got {text}"))?;
        let scalar = TypeName::scalar(value_type.base);
        return items
            .into_iter()
            .map(|item| match item {
                Json::String(inner) => typed_value(&inner, scalar),
                other => typed_value(&other.to_string(), scalar),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Json::Array);
    }
    let trimmed = text.trim();
    match value_type.base {
        ValueType::String | ValueType::Date | ValueType::DateTime | ValueType::Duration => {
            Ok(Json::String(text.to_owned()))
        }
        ValueType::Integer => {
            trimmed.parse::<i64>().map(Json::from).map_err(|_| format!("\"{text}\" is not a whole number"))
        }
        ValueType::Decimal => trimmed
            .parse::<f64>()
            .ok()
            .and_then(|v| serde_json::Number::from_f64(v).map(Json::Number))
            .ok_or_else(|| format!("\"{text}\" is not a number")),
        ValueType::Boolean => match trimmed {
            "true" => Ok(Json::Bool(true)),
            "false" => Ok(Json::Bool(false)),
            _ => Err(format!("\"{text}\" is not true or false")),
        },
    }
}
