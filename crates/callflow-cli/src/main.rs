//! `callflow`: glue between the command line, `callflow-core` (spec §4–5) and `callflow-deploy`.
//!
//! Exit status: 0 no errors (warnings allowed), 1 at least one error (an unreadable document is an
//! `invalid-document` error; an export refused while errors exist), 2 usage errors and files that
//! cannot be opened or written.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use callflow_core::diagnostic::{Diagnostic, Report};
use callflow_core::export;
use callflow_deploy::deploy::{self, Deployer, DryRun};
use callflow_deploy::native::{drive, Transport};
use callflow_deploy::region::Endpoints;
use callflow_deploy::{pkce, RetryPolicy, WaitReason};
use clap::{Parser, Subcommand, ValueEnum};
use indexmap::IndexMap;

#[derive(Parser)]
#[command(
    name = "callflow",
    version,
    about = "Check, export and explain Genesys Cloud call flow documents (callflow/v1)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a flow document or a project (every flow and module, and the calls between them);
    /// `-` reads standard input.
    Check {
        file: String,
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
    },
    /// Export a flow: Archy YAML, the normalised document, Terraform, or a flow-execution request.
    /// For a project: `--flow NAME` exports one of its flows or modules; Terraform exports them all.
    Export {
        file: String,
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// In a project: the flow or module to export (by name).
        #[arg(long)]
        flow: Option<String>,
        /// Write here instead of standard output. For terraform, the YAML is written beside it.
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
        /// For `--format execution`: the workflow (by name, from the document's catalog).
        #[arg(long)]
        workflow: Option<String>,
        /// For `--format execution`: an input value, `Flow.name=value` (repeatable).
        #[arg(long = "input", value_name = "NAME=VALUE")]
        inputs: Vec<String>,
        /// For `--format execution`: the workflow version to run (latest published when absent).
        #[arg(long)]
        flow_version: Option<String>,
    },
    /// Publish the flow to an org: client-credentials sign-in, then the Archy job (create or update
    /// by name). A project deploys its modules first, then the flows that call them, and records
    /// what it published in the project file. For pipelines; people use the designer's Deploy panel.
    Deploy {
        file: String,
        /// In a project: deploy only the flows that hold an older copy of a module than the one
        /// last published (what `callflow impact` lists under "republish").
        #[arg(long)]
        republish: bool,
        /// A region key (eu_central_1), its host (mypurecloud.de), or local[=http://127.0.0.1:8787].
        #[arg(long)]
        region: String,
        #[arg(long, env = "CALLFLOW_CLIENT_ID")]
        client_id: String,
        /// Better given through the environment than on the command line.
        #[arg(long, env = "CALLFLOW_CLIENT_SECRET", hide_env_values = true)]
        client_secret: String,
        /// Check the flow and print the plan (create or update) without publishing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Turn an Archy `inboundCall` YAML file into a flow document (everything the designer does
    /// not model is kept as written, so exporting it gives the same YAML data back).
    Import {
        file: String,
        /// Write here instead of standard output.
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// Replay the scenarios saved with a flow (or every flow of a project) in the call simulator;
    /// exit 1 when any of them does not end as it expects.
    Test {
        file: String,
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
    },
    /// A project's modules: which flows call them, at which version, with which inputs, and which
    /// callers must be published again to pick up a module's latest version.
    Impact {
        file: String,
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
    },
    /// Explain any pasted JSON payload against what the real Genesys Cloud API expects.
    Doctor {
        file: String,
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum OutputFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ExportFormat {
    Archy,
    Json,
    Terraform,
    Execution,
    /// The deploy as HTTP requests (JSON): URL templates per region, headers without a token, bodies.
    Api,
    /// A bash script that deploys with curl and jq (`GENESYS_API`, `GENESYS_TOKEN`).
    Curl,
}

/// A failure that is the user's invocation or the file system, not the document: exit 2.
struct UsageError(String);

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(UsageError(message)) => {
            eprintln!("callflow: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<u8, UsageError> {
    match cli.command {
        Command::Check { file, format } => {
            let text = read_input(&file)?;
            let report = Report::new(callflow_core::project::check_project(&text));
            print_report(&report, format, None);
            Ok(u8::from(!report.ok))
        }
        Command::Import { file, output } => {
            let text = read_input(&file)?;
            match callflow_core::import::import_archy(&text) {
                Ok(imported) => {
                    for note in &imported.notes {
                        eprintln!("note: {note}");
                    }
                    let findings = callflow_core::validate(&imported.document);
                    let errors = findings.iter().filter(|d| d.is_error()).count();
                    eprintln!(
                        "imported \"{}\": {} node(s), {errors} error(s), {} warning(s)",
                        imported.document.flow.name,
                        imported.document.flow.nodes.len(),
                        findings.len() - errors
                    );
                    write_output(output.as_deref(), &imported.document.to_json()).map(|()| 0)
                }
                Err(finding) => Ok(refuse("import", &[finding])),
            }
        }
        Command::Doctor { file, format } => {
            let text = read_input(&file)?;
            let answer = callflow_core::doctor(&text);
            print_report(&answer.report, format, Some(&answer));
            Ok(u8::from(!answer.report.ok))
        }
        Command::Test { file, format } => {
            let text = read_input(&file)?;
            let project = match callflow_core::parse_project(&text) {
                Ok(project) => project,
                Err(finding) => return Ok(refuse("test", &[finding])),
            };
            let several = project.flows.len() > 1;
            let mut results = Vec::new();
            for index in 0..project.flows.len() {
                let Some(document) = project.document(index) else { continue };
                for result in callflow_core::simulate::run_scenarios(&document) {
                    results.push((several.then(|| document.flow.name.clone()), result));
                }
            }
            let failed = results.iter().filter(|(_, r)| !r.passed).count();
            match format {
                OutputFormat::Json => {
                    let answer = serde_json::json!({
                        "ok": failed == 0,
                        "passed": results.len() - failed,
                        "failed": failed,
                        "results": results.iter().map(|(flow, result)| {
                            let mut value = serde_json::to_value(result).unwrap_or_default();
                            if let Some(flow) = flow {
                                value["flow"] = serde_json::Value::String(flow.clone());
                            }
                            value
                        }).collect::<Vec<_>>(),
                    });
                    println!("{}", serde_json::to_string_pretty(&answer).unwrap_or_default());
                }
                OutputFormat::Text => {
                    for (flow, result) in &results {
                        let place = flow.as_ref().map(|f| format!("{f}: ")).unwrap_or_default();
                        println!(
                            "{} {place}{}: {}",
                            if result.passed { "pass" } else { "FAIL" },
                            result.name,
                            result.ended
                        );
                        for problem in &result.problems {
                            println!("    {problem}");
                        }
                    }
                    if results.is_empty() {
                        println!("no scenarios: save a simulator run as a scenario to test it here");
                    } else {
                        println!("{} passed, {failed} failed", results.len() - failed);
                    }
                }
            }
            Ok(u8::from(failed > 0))
        }
        Command::Impact { file, format } => {
            let text = read_input(&file)?;
            let project = match callflow_core::parse_project(&text) {
                Ok(project) => project,
                Err(finding) => return Ok(refuse("impact", &[finding])),
            };
            match format {
                OutputFormat::Text => print!("{}", callflow_core::project::impact_text(&project)),
                OutputFormat::Json => {
                    let answer = serde_json::json!({
                        "modules": callflow_core::project::impact(&project),
                        "republish": callflow_core::project::stale_callers(&project),
                    });
                    println!("{}", serde_json::to_string_pretty(&answer).unwrap_or_default());
                }
            }
            Ok(0)
        }
        Command::Deploy { file, republish, region, client_id, client_secret, dry_run } => {
            let text = read_input(&file)?;
            if callflow_core::project::looks_like_project(&text) {
                let project = match callflow_core::parse_project(&text) {
                    Ok(project) => project,
                    Err(finding) => return Ok(refuse("deploy", &[finding])),
                };
                let endpoints = Endpoints::parse(&region).map_err(UsageError)?;
                let target = (file != "-").then(|| PathBuf::from(&file));
                return deploy_project(
                    project,
                    target.as_deref(),
                    republish,
                    &endpoints,
                    &client_id,
                    &client_secret,
                    dry_run,
                );
            }
            if republish {
                return Err(UsageError("--republish is for projects (callflow/project-v1)".to_owned()));
            }
            let document = match callflow_core::parse(&text) {
                Ok(document) => document,
                Err(finding) => return Ok(refuse("deploy", &[finding])),
            };
            let endpoints = Endpoints::parse(&region).map_err(UsageError)?;
            deploy(&document, &endpoints, &client_id, &client_secret, dry_run)
        }
        Command::Export { file, format, flow, output, workflow, inputs, flow_version } => {
            let text = read_input(&file)?;
            let document = if callflow_core::project::looks_like_project(&text) {
                let project = match callflow_core::parse_project(&text) {
                    Ok(project) => project,
                    Err(finding) => return Ok(refuse("export", &[finding])),
                };
                match (flow, format) {
                    (None, ExportFormat::Terraform) => return export_project_terraform(&project, output.as_deref()),
                    (None, ExportFormat::Api | ExportFormat::Curl) => {
                        let plans = match callflow_deploy::project_deploy::prepare_project(&project, None) {
                            Ok(plans) => plans,
                            Err(diagnostics) => return Ok(refuse("export", &diagnostics)),
                        };
                        return write_requests(&plans, format, output.as_deref());
                    }
                    (None, ExportFormat::Json) => {
                        return write_output(output.as_deref(), &project.to_json()).map(|()| 0);
                    }
                    (None, _) => {
                        let names: Vec<&str> = project.flows.iter().map(|f| f.name.as_str()).collect();
                        return Err(UsageError(format!(
                            "the project holds {} flow(s) ({}): name one with --flow, or export them all with --format terraform",
                            names.len(),
                            names.join(", ")
                        )));
                    }
                    (Some(name), _) => {
                        let index = project
                            .flow_index(&name)
                            .ok_or_else(|| UsageError(format!("the project has no flow or module named \"{name}\"")))?;
                        // Checked as part of the project: callers against the modules' current contracts.
                        let errors: Vec<Diagnostic> =
                            callflow_core::validate_project(&project).into_iter().filter(|d| d.is_error()).collect();
                        if !errors.is_empty() {
                            return Ok(refuse("export", &errors));
                        }
                        project.document(index).unwrap_or_else(|| callflow_core::Document::empty(&name))
                    }
                }
            } else {
                match callflow_core::parse(&text) {
                    Ok(document) => document,
                    Err(finding) => return Ok(refuse("export", &[finding])),
                }
            };
            match format {
                ExportFormat::Api | ExportFormat::Curl => match deploy::prepare(&document) {
                    Ok(plan) if format == ExportFormat::Api => {
                        // A flow's deploy, and how to launch each workflow of its catalog.
                        let mut requests = callflow_deploy::requests::deploy_requests(std::slice::from_ref(&plan));
                        requests["launches"] =
                            serde_json::Value::Array(callflow_deploy::requests::launch_requests(&document));
                        if let Some(path) = &output {
                            write_output(
                                Some(&path.with_file_name(callflow_deploy::requests::yaml_file(&plan))),
                                &plan.yaml,
                            )?;
                        }
                        let text = serde_json::to_string_pretty(&requests).unwrap_or_default() + "\n";
                        write_output(output.as_deref(), &text).map(|()| 0)
                    }
                    Ok(plan) => write_requests(&[plan], format, output.as_deref()),
                    Err(diagnostics) => Ok(refuse("export", &diagnostics)),
                },
                ExportFormat::Json => write_output(output.as_deref(), &export::normalized_json(&document)).map(|()| 0),
                ExportFormat::Archy => match export::archy(&document) {
                    Ok(archy) => {
                        for note in &archy.notes {
                            eprintln!("note: {note}");
                        }
                        write_output(output.as_deref(), &archy.yaml).map(|()| 0)
                    }
                    Err(blocked) => Ok(refuse("export", &blocked.diagnostics)),
                },
                ExportFormat::Terraform => {
                    match export::terraform(&document) {
                        Ok(terraform) => {
                            if let Some(path) = &output {
                                let yaml_path = path.with_file_name(&terraform.yaml_file_name);
                                write_output(Some(&yaml_path), &terraform.yaml)?;
                                eprintln!("wrote {} and {}", path.display(), yaml_path.display());
                            } else {
                                eprintln!("note: write the Archy YAML to {} beside this file (callflow export --format archy)", terraform.yaml_file_name);
                            }
                            write_output(output.as_deref(), &terraform.hcl).map(|()| 0)
                        }
                        Err(blocked) => Ok(refuse("export", &blocked.diagnostics)),
                    }
                }
                ExportFormat::Execution => {
                    let workflow = workflow.ok_or_else(|| {
                        UsageError(
                            "--format execution needs --workflow NAME (a workflow of the document's catalog)"
                                .to_owned(),
                        )
                    })?;
                    let mut values = IndexMap::new();
                    for input in &inputs {
                        let (name, value) = input
                            .split_once('=')
                            .ok_or_else(|| UsageError(format!("--input \"{input}\" must be NAME=VALUE")))?;
                        values.insert(name.trim().to_owned(), value.to_owned());
                    }
                    match export::execution_request(&document, &workflow, &values, flow_version.as_deref(), None) {
                        Ok(request) => {
                            let text = serde_json::to_string_pretty(&request).unwrap_or_default() + "\n";
                            write_output(output.as_deref(), &text).map(|()| 0)
                        }
                        Err(error) => {
                            eprintln!("error: {error}");
                            Ok(1)
                        }
                    }
                }
            }
        }
    }
}

/// A project as one Terraform file and the Archy YAML of each flow beside it (written next to `-o`,
/// or only listed when the HCL goes to standard output).
fn export_project_terraform(project: &callflow_core::Project, output: Option<&Path>) -> Result<u8, UsageError> {
    match export::project_terraform(project) {
        Ok(terraform) => {
            match output {
                Some(path) => {
                    for (file, yaml) in &terraform.files {
                        write_output(Some(&path.with_file_name(file)), yaml)?;
                    }
                    let files: Vec<&str> = terraform.files.iter().map(|(file, _)| file.as_str()).collect();
                    eprintln!("wrote {} and {}", path.display(), files.join(", "));
                }
                None => {
                    let files: Vec<&str> = terraform.files.iter().map(|(file, _)| file.as_str()).collect();
                    eprintln!(
                        "note: write {} beside this file (callflow export --flow NAME --format archy, or -o FILE.tf)",
                        files.join(", ")
                    );
                }
            }
            write_output(output, &terraform.hcl).map(|()| 0)
        }
        Err(blocked) => Ok(refuse("export", &blocked.diagnostics)),
    }
}

/// The deploy as HTTP requests or as a curl script; with `-o`, each flow's YAML is written beside it.
fn write_requests(
    plans: &[callflow_deploy::deploy::DeployPlan],
    format: ExportFormat,
    output: Option<&Path>,
) -> Result<u8, UsageError> {
    use callflow_deploy::requests::{curl_script, deploy_requests, yaml_file};
    let text = match format {
        ExportFormat::Curl => curl_script(plans),
        _ => serde_json::to_string_pretty(&deploy_requests(plans)).unwrap_or_default() + "\n",
    };
    if let Some(path) = output {
        for plan in plans {
            write_output(Some(&path.with_file_name(yaml_file(plan))), &plan.yaml)?;
        }
    }
    write_output(output, &text).map(|()| 0)
}

fn read_input(file: &str) -> Result<String, UsageError> {
    let mut text = String::new();
    if file == "-" {
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|error| UsageError(format!("cannot read standard input: {error}")))?;
        return Ok(text);
    }
    let bytes = std::fs::read(file).map_err(|error| UsageError(format!("cannot open {file}: {error}")))?;
    String::from_utf8(bytes).map_err(|error| {
        UsageError(format!(
            "{file} is not UTF-8 text (invalid byte at offset {}); flow documents are UTF-8 JSON",
            error.utf8_error().valid_up_to()
        ))
    })
}

fn write_output(path: Option<&Path>, text: &str) -> Result<(), UsageError> {
    match path {
        Some(path) => {
            std::fs::write(path, text).map_err(|error| UsageError(format!("cannot write {}: {error}", path.display())))
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
                .map_err(|error| UsageError(format!("cannot write standard output: {error}")))
        }
    }
}

fn deploy(
    document: &callflow_core::Document,
    endpoints: &Endpoints,
    client_id: &str,
    client_secret: &str,
    dry_run: bool,
) -> Result<u8, UsageError> {
    let plan = match deploy::prepare(document) {
        Ok(plan) => plan,
        Err(diagnostics) => return Ok(refuse("deploy", &diagnostics)),
    };
    let transport = Transport::default();
    let answer = transport.send(&pkce::client_credentials_request(&endpoints.login_base, client_id, client_secret));
    let token = match answer
        .map_err(|network| network.to_string())
        .and_then(|response| pkce::parse_token(&response).map_err(|error| error.to_string()))
    {
        Ok(token) => token.access_token,
        Err(error) => {
            eprintln!("callflow: cannot sign in at {}: {error}", endpoints.login_base);
            return Ok(1);
        }
    };
    let mut deployer = Deployer::new(&endpoints.api_base, &token, plan, RetryPolicy::default());
    let mut printed = 0;
    let mut show_log = |deployer: &Deployer| {
        for line in &deployer.log()[printed..] {
            eprintln!("{line}");
        }
        printed = deployer.log().len();
    };
    if dry_run {
        // Only the lookup runs: it says whether the deploy would create or update.
        let mut dry_run = DryRun::new(deployer);
        let result = drive(&mut dry_run, &transport, |_, _| {});
        show_log(dry_run.deployer());
        return match result {
            Ok(_) => {
                println!("dry run: nothing was published");
                Ok(0)
            }
            Err(error) => {
                eprintln!("callflow: {error}");
                Ok(1)
            }
        };
    }
    let result = drive(&mut deployer, &transport, |deployer, wait| {
        show_log(deployer);
        if let WaitReason::RateLimited { retry_after_seconds } = wait.reason {
            eprintln!("waiting {retry_after_seconds} s (Retry-After)");
        }
    });
    show_log(&deployer);
    match result {
        Ok(outcome) => {
            print_outcome(&outcome);
            Ok(0)
        }
        Err(error) => {
            eprintln!("callflow: deploy failed: {error}");
            if error.is_sign_in_needed() {
                eprintln!("callflow: check the client id and secret, and that the client is allowed in this org");
            }
            Ok(1)
        }
    }
}

fn sign_in(endpoints: &Endpoints, client_id: &str, client_secret: &str) -> Result<String, u8> {
    let transport = Transport::default();
    let answer = transport.send(&pkce::client_credentials_request(&endpoints.login_base, client_id, client_secret));
    answer
        .map_err(|network| network.to_string())
        .and_then(|response| pkce::parse_token(&response).map_err(|error| error.to_string()))
        .map(|token| token.access_token)
        .map_err(|error| {
            eprintln!("callflow: cannot sign in at {}: {error}", endpoints.login_base);
            1
        })
}

/// Deploys a project in dependency order and records each publication in the project file.
fn deploy_project(
    mut project: callflow_core::Project,
    file: Option<&Path>,
    republish: bool,
    endpoints: &Endpoints,
    client_id: &str,
    client_secret: &str,
    dry_run: bool,
) -> Result<u8, UsageError> {
    use callflow_deploy::project_deploy::{prepare_project, ProjectDeployer};
    let only = republish.then(|| callflow_core::project::stale_callers(&project));
    if only.as_ref().is_some_and(Vec::is_empty) {
        println!("nothing to republish: every caller holds the latest published version of its modules");
        return Ok(0);
    }
    let plans = match prepare_project(&project, only.as_deref()) {
        Ok(plans) => plans,
        Err(diagnostics) => return Ok(refuse("deploy", &diagnostics)),
    };
    let order: Vec<&str> = plans.iter().map(|p| p.flow_name.as_str()).collect();
    eprintln!("deploy order: {}", order.join(" → "));
    if dry_run {
        println!("dry run: nothing was published");
        return Ok(0);
    }
    let token = match sign_in(endpoints, client_id, client_secret) {
        Ok(token) => token,
        Err(code) => return Ok(code),
    };
    let mut deployer = ProjectDeployer::new(&endpoints.api_base, &token, plans, RetryPolicy::default());
    let transport = Transport::default();
    let result = drive(&mut deployer, &transport, |_, wait| {
        if let WaitReason::RateLimited { retry_after_seconds } = wait.reason {
            eprintln!("waiting {retry_after_seconds} s (Retry-After)");
        }
    });
    // What was published is recorded even when the deploy stopped part way.
    for outcome in deployer.outcomes() {
        print_outcome(outcome);
        if let Some(version) = &outcome.version {
            project.record_publication(&outcome.flow_name, version);
        }
    }
    if let (Some(path), false) = (file, deployer.outcomes().is_empty()) {
        write_output(Some(path), &project.to_json())?;
        eprintln!("recorded the published versions in {}", path.display());
    }
    match result {
        Ok(_) => Ok(0),
        Err(error) => {
            eprintln!("callflow: deploy stopped: {error}");
            Ok(1)
        }
    }
}

/// One published flow, on standard output.
fn print_outcome(outcome: &callflow_deploy::deploy::Outcome) {
    println!(
        "{} \"{}\" version {} (flow id {})",
        if outcome.created { "created" } else { "updated" },
        outcome.flow_name,
        outcome.version.as_deref().unwrap_or("unknown"),
        outcome.flow_id
    );
}

/// An export or deploy refused while errors exist: the findings on standard error, exit 1.
fn refuse(what: &str, diagnostics: &[Diagnostic]) -> u8 {
    let report = Report::new(diagnostics.to_vec());
    eprintln!("callflow: {what} refused: the flow has {} error(s)", report.errors);
    for finding in diagnostics.iter().filter(|d| d.is_error()) {
        eprintln!("{}", finding.to_text());
    }
    1
}

fn print_report(report: &Report, format: OutputFormat, doctor: Option<&callflow_core::DoctorReport>) {
    match format {
        OutputFormat::Json => {
            let text = match doctor {
                Some(answer) => serde_json::to_string_pretty(answer),
                None => serde_json::to_string_pretty(report),
            };
            println!("{}", text.unwrap_or_default());
        }
        OutputFormat::Text => {
            for finding in &report.diagnostics {
                println!("{}", finding.to_text());
            }
            if let Some(fixed) = doctor.and_then(|answer| answer.fixed.as_ref()) {
                println!("\ncorrected payload:\n{}", serde_json::to_string_pretty(fixed).unwrap_or_default());
            }
            let verdict = if report.ok { "ok" } else { "failed" };
            println!("{verdict}: {} error(s), {} warning(s)", report.errors, report.warnings);
        }
    }
}
