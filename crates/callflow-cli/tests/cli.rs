//! The command-line contract (spec §4–5): output shape and exit codes, one table of cases.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn template(name: &str) -> String {
    repo().join("public/templates").join(name).display().to_string()
}

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

fn callflow(args: &[&str], stdin: Option<&str>) -> Outcome {
    let mut child = Command::new(env!("CARGO_BIN_EXE_callflow"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    let output = child.wait_with_output().unwrap();
    Outcome {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn broken_seed() -> String {
    std::fs::read_to_string(template("seed-002-verify-then-queue.flow.json"))
        .unwrap()
        .replace("\"Common.callerId\": \"Call.Ani\"", "\"customerId\": \"Call.Ani\"")
}

/// (arguments, standard input, exit code, text that standard output contains, text that standard error contains)
type Case = (Vec<String>, Option<String>, i32, &'static str, &'static str);

#[test]
fn exit_codes_and_outputs() {
    let seed = template("seed-002-verify-then-queue.flow.json");
    let cases: Vec<Case> = vec![
        (vec!["check".into(), seed.clone()], None, 0, "ok: 0 error(s), 0 warning(s)", ""),
        (vec!["check".into(), "-".into()], Some(broken_seed()), 1, "error[unknown-input] node auth", ""),
        (vec!["check".into(), "-".into()], Some("{ nope".into()), 1, "error[invalid-document]", ""),
        (vec!["check".into(), "/no/such/file.flow.json".into()], None, 2, "", "cannot open /no/such/file.flow.json"),
        (vec!["check".into()], None, 2, "", "Usage"),
        (vec!["check".into(), seed.clone(), "--format".into(), "xml".into()], None, 2, "", "invalid value"),
        (vec!["export".into(), seed.clone(), "--format".into(), "archy".into()], None, 0, "callCommonModule:", ""),
        (
            vec!["import".into(), "-".into()],
            Some("inboundCall:\n  name: Imported\n  startUpRef: ./tasks/task[t]\n  tasks:\n    - task:\n        name: T\n        refId: t\n        actions:\n          - disconnect:\n              name: Bye\n".into()),
            0,
            "\"kind\": \"task\"",
            "imported \"Imported\": 3 node(s), 0 error(s)",
        ),
        (vec!["import".into(), "-".into()], Some("inboundCall: [oops\n".into()), 1, "", "the YAML does not parse (line"),
        (vec!["import".into(), "-".into()], Some("workflow:\n  name: W\n".into()), 1, "", "this is a workflow"),
        (
            vec!["export".into(), "-".into(), "--format".into(), "archy".into()],
            Some(broken_seed()),
            1,
            "",
            "export refused",
        ),
        (
            vec!["export".into(), "-".into(), "--format".into(), "json".into()],
            Some(broken_seed()),
            0,
            "\"customerId\"",
            "",
        ),
        (
            vec!["export".into(), seed.clone(), "--format".into(), "terraform".into()],
            None,
            0,
            "resource \"genesyscloud_flow\"",
            "",
        ),
        (
            vec!["doctor".into(), "-".into()],
            Some(r#"{"flowId": "f", "inputData": {"Flow.a": 1}}"#.into()),
            0,
            "ok: 0 error(s)",
            "",
        ),
        (
            vec!["doctor".into(), "-".into()],
            Some(r#"{"type": "invoke", "moduleRef": "x"}"#.into()),
            1,
            "error[data-action-invoke]",
            "",
        ),
        (vec!["doctor".into(), "-".into()], Some("not json".into()), 1, "error[invalid-document]", ""),
    ];
    let mut failures = Vec::new();
    for (args, stdin, code, out, err) in cases {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let outcome = callflow(&refs, stdin.as_deref());
        if outcome.code != code || !outcome.stdout.contains(out) || !outcome.stderr.contains(err) {
            failures.push(format!(
                "callflow {}: exit {} (want {code}), stdout {:?} (want {out:?}), stderr {:?} (want {err:?})",
                args.join(" "),
                outcome.code,
                outcome.stdout.chars().take(300).collect::<String>(),
                outcome.stderr.chars().take(300).collect::<String>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn check_json_is_one_object_with_the_contract_keys() {
    let outcome = callflow(&["check", "-", "--format", "json"], Some(&broken_seed()));
    assert_eq!(outcome.code, 1);
    let value: serde_json::Value = serde_json::from_str(&outcome.stdout).expect("stdout is one JSON object");
    let keys: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["ok", "errors", "warnings", "diagnostics"]);
    assert_eq!(value["ok"], false);
    assert_eq!(value["errors"], 2);
    let finding = &value["diagnostics"][0];
    let keys: Vec<&str> = finding.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["severity", "code", "node", "edge", "field", "message", "hint"]);
    assert_eq!(finding["code"], "unknown-input");
    assert_eq!(finding["field"], "inputs.customerId");
    assert_eq!(finding["hint"], "did you mean \"Common.customerId\"?");
    assert_eq!(finding["edge"], serde_json::Value::Null);
}

#[test]
fn doctor_json_adds_the_corrected_payload() {
    let seed_004 = r#"{"flowId": "e3b2c1a0-4567-89ab-cdef-1234567890ab", "inputs": {"customerId": "CUST-99887"}}"#;
    let outcome = callflow(&["doctor", "-", "--format", "json"], Some(seed_004));
    assert_eq!(outcome.code, 1);
    let value: serde_json::Value = serde_json::from_str(&outcome.stdout).unwrap();
    let keys: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["ok", "errors", "warnings", "diagnostics", "fixed"]);
    assert_eq!(
        value["fixed"],
        serde_json::json!({"flowId": "e3b2c1a0-4567-89ab-cdef-1234567890ab", "inputData": {"Flow.customerId": "CUST-99887"}})
    );
    let codes: Vec<&str> =
        value["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["execution-inputs-field", "execution-unprefixed-key"]);
}

#[test]
fn terraform_with_output_writes_the_yaml_beside_it() {
    let dir = std::env::temp_dir().join(format!("callflow-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let tf = dir.join("main.tf");
    let outcome = callflow(
        &[
            "export",
            &template("seed-002-verify-then-queue.flow.json"),
            "--format",
            "terraform",
            "-o",
            tf.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(std::fs::read_to_string(&tf).unwrap().contains("inbound_support.yaml"));
    assert!(std::fs::read_to_string(dir.join("inbound_support.yaml")).unwrap().starts_with("inboundCall:"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn execution_request_for_a_workflow_of_the_catalog() {
    let catalog: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo().join("public/catalog/demo-catalog.json")).unwrap())
            .unwrap();
    let mut document: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(template("seed-002-verify-then-queue.flow.json")).unwrap())
            .unwrap();
    document["modules"] = catalog["modules"].clone();
    let text = document.to_string();
    // The API requests export names the launch of each workflow of the catalog too.
    let api = callflow(&["export", "-", "--format", "api"], Some(&text));
    let api: serde_json::Value = serde_json::from_str(&api.stdout).unwrap();
    let launch = &api["launches"][0];
    assert_eq!(launch["workflow"], "Customer Callback Workflow");
    assert_eq!(launch["requests"][0]["url"], "{api}/api/v2/flows/executions");
    assert!(launch["requests"][0]["body"]["inputData"]["Flow.customerId"].is_string());
    let outcome = callflow(
        &[
            "export",
            "-",
            "--format",
            "execution",
            "--workflow",
            "Customer Callback Workflow",
            "--input",
            "Flow.customerId=C-123",
            "--input",
            "attempts=2",
        ],
        Some(&text),
    );
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let request: serde_json::Value = serde_json::from_str(&outcome.stdout).unwrap();
    assert_eq!(
        request,
        serde_json::json!({
            "flowId": "8824ba71-1f0e-4d3c-9b2a-7c6d5e4f3a21",
            "inputData": {"Flow.customerId": "C-123", "Flow.attempts": 2}
        })
    );
    let outcome = callflow(&["export", "-", "--format", "execution", "--workflow", "Verify Caller"], Some(&text));
    assert_eq!(outcome.code, 1);
    assert!(outcome.stderr.contains("is a common module"), "{}", outcome.stderr);
}

/// `callflow deploy` against a sandbox org on loopback: publish, update, refusals, bad secret.
#[test]
fn deploy_to_the_sandbox() {
    use callflow_sandbox::{spawn, Limits, Org, Seed};
    let sandbox = spawn(Org::new(Seed::demo(), Limits::default(), Vec::new(), None)).unwrap();
    let region = format!("local={}", sandbox.base_url());
    let seed = template("seed-002-verify-then-queue.flow.json");
    let deploy = |file: &str, secret: &str, extra: &[&str]| {
        let mut args =
            vec!["deploy", file, "--region", &region, "--client-id", "callflow-ci", "--client-secret", secret];
        args.extend_from_slice(extra);
        callflow(&args, None)
    };
    let cases: [(&str, &str, &[&str], i32, &str); 5] = [
        (&seed, "sandbox-ci-secret", &["--dry-run"], 0, "Plan: create"),
        (&seed, "sandbox-ci-secret", &[], 0, "version 1.0"),
        (&seed, "sandbox-ci-secret", &[], 0, "updated \"Inbound - Support\" version 2.0"),
        (&seed, "wrong", &[], 1, "invalid_client"),
        (&template("three-modules.flow.json"), "sandbox-ci-secret", &[], 1, "no published version"),
    ];
    for (file, secret, extra, code, words) in cases {
        let outcome = deploy(file, secret, extra);
        assert_eq!(outcome.code, code, "{words}: {} {}", outcome.stdout, outcome.stderr);
        assert!(
            outcome.stdout.contains(words) || outcome.stderr.contains(words),
            "{words}: {} {}",
            outcome.stdout,
            outcome.stderr
        );
    }
    let broken = deploy("-", "sandbox-ci-secret", &[]);
    assert_eq!(broken.code, 1, "an empty document is refused before any request");
    let region_error =
        callflow(&["deploy", &seed, "--region", "mars", "--client-id", "x", "--client-secret", "y"], None);
    assert_eq!(region_error.code, 2);
    assert!(region_error.stderr.contains("eu_central_1"));
}

/// A project through the CLI: check names the flow of each finding, export needs a flow (or all of
/// them as Terraform), deploy publishes the module first and records what it published in the
/// file, and impact reads that record.
#[test]
fn projects_check_export_deploy_and_impact() {
    use callflow_sandbox::{spawn, Limits, Org, Seed};
    let dir = std::env::temp_dir().join(format!("callflow-cli-project-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("workshop.project.json");
    std::fs::copy(template("verify-caller-workshop.project.json"), &file).unwrap();
    let file = file.display().to_string();

    let check = callflow(&["check", &file, "--format", "json"], None);
    assert_eq!(check.code, 0, "{}", check.stderr);
    let report: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
    let flows: Vec<&str> =
        report["diagnostics"].as_array().unwrap().iter().filter_map(|d| d["flow"].as_str()).collect();
    assert_eq!(flows, ["Support Line", "Billing Line"], "module-not-deployed, named by flow");

    let no_flow = callflow(&["export", &file, "--format", "archy"], None);
    assert_eq!(no_flow.code, 2);
    assert!(no_flow.stderr.contains("name one with --flow"), "{}", no_flow.stderr);
    let module = callflow(&["export", &file, "--format", "archy", "--flow", "verify caller"], None);
    assert_eq!(module.code, 0, "{}", module.stderr);
    assert!(module.stdout.starts_with("commonModule:\n  name: Verify Caller\n"), "{}", module.stdout);
    let unknown = callflow(&["export", &file, "--format", "archy", "--flow", "Nope"], None);
    assert_eq!(unknown.code, 2);
    // The deploy as HTTP requests and as a curl script: the whole project, module first.
    let api = callflow(&["export", &file, "--format", "api"], None);
    let api: serde_json::Value = serde_json::from_str(&api.stdout).unwrap();
    let order: Vec<&str> = api["flows"].as_array().unwrap().iter().map(|f| f["flow"].as_str().unwrap()).collect();
    assert_eq!(order, ["Verify Caller", "Support Line", "Billing Line"]);
    let curl = callflow(&["export", &file, "--format", "curl", "--flow", "Support Line"], None);
    assert!(curl.stdout.ends_with("deploy 'Support Line' 'support_line.yaml'\n"), "{}", curl.stdout);

    let sandbox = spawn(Org::new(Seed::demo(), Limits::default(), Vec::new(), None)).unwrap();
    let region = format!("local={}", sandbox.base_url());
    let deploy = |extra: &[&str]| {
        let mut args = vec![
            "deploy",
            &file,
            "--region",
            &region,
            "--client-id",
            "callflow-ci",
            "--client-secret",
            "sandbox-ci-secret",
        ];
        args.extend_from_slice(extra);
        callflow(&args, None)
    };
    let deployed = deploy(&[]);
    assert_eq!(deployed.code, 0, "{} {}", deployed.stdout, deployed.stderr);
    assert!(
        deployed.stderr.contains("deploy order: Verify Caller → Support Line → Billing Line"),
        "{}",
        deployed.stderr
    );
    let impact = callflow(&["impact", &file, "--format", "json"], None);
    let impact: serde_json::Value = serde_json::from_str(&impact.stdout).unwrap();
    assert_eq!(impact["modules"][0]["publishedVersion"], "4.0");
    assert_eq!(impact["modules"][0]["callers"][1]["publishedWith"], "4.0");
    assert_eq!(impact["republish"], serde_json::json!([]));
    let nothing = deploy(&["--republish"]);
    assert_eq!(nothing.code, 0);
    assert!(nothing.stdout.contains("nothing to republish"), "{}", nothing.stdout);
    std::fs::remove_dir_all(&dir).ok();
}

/// `callflow test`: the template's saved scenarios pass (exit 0); a scenario that expects another
/// end, and the same flow with an edge gone, fail (exit 1) with what differs, as text and JSON.
#[test]
fn test_replays_the_saved_scenarios() {
    let file = template("business-hours-menu.flow.json");
    let passing = callflow(&["test", &file, "--format", "json"], None);
    assert_eq!(passing.code, 0, "{}", passing.stdout);
    let report: serde_json::Value = serde_json::from_str(&passing.stdout).unwrap();
    assert_eq!(
        (report["ok"].as_bool(), report["passed"].as_u64(), report["failed"].as_u64()),
        (Some(true), Some(3), Some(0))
    );

    let mut document: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    document["flow"]["scenarios"][1]["expect"]["end"] = serde_json::json!("transferred");
    let failing = callflow(&["test", "-"], Some(&document.to_string()));
    assert_eq!(failing.code, 1);
    assert!(failing.stdout.contains("FAIL Silence at the menu hangs up: hungUp at bye"), "{}", failing.stdout);
    assert!(failing.stdout.contains("expected the call to end transferred, it ended hungUp"), "{}", failing.stdout);

    // Break the flow: the lookup's not-found path is gone, so the first scenario stops there.
    let mut broken: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let edges = broken["flow"]["edges"].as_array_mut().unwrap();
    edges.retain(|e| !(e["from"] == "lookup" && e["port"] == "notFound"));
    let outcome = callflow(&["test", "-", "--format", "json"], Some(&broken.to_string()));
    assert_eq!(outcome.code, 1);
    let report: serde_json::Value = serde_json::from_str(&outcome.stdout).unwrap();
    let first = &report["results"][0];
    assert_eq!(first["passed"], false);
    assert!(first["problems"][0].as_str().unwrap().contains("answer 4"), "{first}");
    let unreadable = callflow(&["test", "-"], Some("{"));
    assert_eq!(unreadable.code, 1);
}
