//! The sandbox over real loopback HTTP: OAuth refusals, error bodies, and the deploy, test-run,
//! catalog and users/me protocols of `callflow-deploy` driven against it, faults included.

use callflow_deploy::catalog::CatalogLoader;
use callflow_deploy::deploy::{self, Deployer, Outcome};
use callflow_deploy::execution::{RunResult, TestRun};
use callflow_deploy::http::{form_encode, parse_query, HttpRequest, HttpResponse, Method};
use callflow_deploy::native::{drive, Transport};
use callflow_deploy::whoami::WhoAmI;
use callflow_deploy::{pkce, ApiError, RetryPolicy, WaitReason};
use callflow_sandbox::{spawn, Limits, Org, Running, Seed};
use serde_json::{json, Value};

const CLIENT: &str = "callflow-studio-local";
const REDIRECT: &str = "http://127.0.0.1:8080/";
const ALEX: &str = "a11ce000-0000-4000-8000-000000000001";
const RILEY: &str = "a11ce000-0000-4000-8000-000000000002";

fn sandbox_with(limits: Limits) -> Running {
    spawn(Org::new(Seed::demo(), limits, Vec::new(), None)).expect("sandbox starts")
}

fn sandbox() -> Running {
    sandbox_with(Limits::default())
}

fn send(request: HttpRequest) -> HttpResponse {
    Transport::default().send(&request).expect("loopback answers")
}

fn get(url: String, token: &str) -> HttpResponse {
    send(HttpRequest::get(url, token))
}

fn admin(sandbox: &Running, path: &str, body: Value) -> Value {
    let request = HttpRequest {
        method: Method::Post,
        url: format!("{}{path}", sandbox.base_url()),
        headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
        body: Some(body.to_string()),
    };
    let response = send(request);
    assert_eq!(response.status, 200, "{path}: {}", response.body);
    serde_json::from_str(&response.body).unwrap()
}

fn json_of(response: &HttpResponse) -> Value {
    serde_json::from_str(&response.body).unwrap_or_else(|e| panic!("{e}: {}", response.body))
}

/// Walks the sign-in page as a browser would; returns the redirect's query pairs.
fn authorize(sandbox: &Running, params: &[(&str, &str)], user: &str) -> Result<Vec<(String, String)>, HttpResponse> {
    let query = form_encode(params);
    let page = send(HttpRequest {
        method: Method::Get,
        url: format!("{}/oauth/authorize?{query}", sandbox.base_url()),
        headers: vec![],
        body: None,
    });
    if page.status != 200 {
        return Err(page);
    }
    assert!(page.body.contains(&format!("sandbox-user-{user}")), "the page lists the demo users");
    let mut form: Vec<(&str, &str)> = params.to_vec();
    form.push(("user", user));
    let decision = send(HttpRequest::post_form(format!("{}/oauth/authorize", sandbox.base_url()), &form));
    assert_eq!(decision.status, 303, "{}", decision.body);
    let location = decision.header("location").unwrap().to_owned();
    let (_, query) = location.split_once('?').unwrap();
    Ok(parse_query(query))
}

struct Pkce {
    verifier: String,
    challenge: String,
}

fn pkce_pair(byte: u8) -> Pkce {
    let verifier = pkce::code_verifier(&[byte; pkce::VERIFIER_BYTES]).unwrap();
    Pkce { challenge: pkce::code_challenge(&verifier), verifier }
}

fn code_for(sandbox: &Running, pair: &Pkce, user: &str) -> String {
    let answer = authorize(
        sandbox,
        &[
            ("response_type", "code"),
            ("client_id", CLIENT),
            ("redirect_uri", REDIRECT),
            ("code_challenge", &pair.challenge),
            ("code_challenge_method", "S256"),
            ("state", "s-1"),
        ],
        user,
    )
    .unwrap();
    assert!(answer.contains(&("state".to_owned(), "s-1".to_owned())), "state comes back: {answer:?}");
    answer.into_iter().find(|(k, _)| k == "code").map(|(_, v)| v).expect("a code")
}

fn exchange(sandbox: &Running, code: &str, verifier: &str, redirect: &str) -> HttpResponse {
    send(pkce::token_request(&sandbox.base_url(), code, verifier, CLIENT, redirect))
}

fn user_token(sandbox: &Running, user: &str) -> String {
    let pair = pkce_pair(9);
    let code = code_for(sandbox, &pair, user);
    let response = exchange(sandbox, &code, &pair.verifier, REDIRECT);
    pkce::parse_token(&response).unwrap().access_token
}

fn client_token(sandbox: &Running, client: &str) -> String {
    let response = send(pkce::client_credentials_request(&sandbox.base_url(), client, "sandbox-ci-secret"));
    pkce::parse_token(&response).unwrap().access_token
}

/// How a token exchange is spoiled, and the OAuth error it must get.
enum Spoil {
    WrongVerifier,
    Replay,
    WrongRedirect,
    Expired,
    ShortVerifier,
}

#[test]
fn token_exchange_refusals() {
    let cases = [
        (Spoil::WrongVerifier, "invalid_grant", "does not match"),
        (Spoil::Replay, "invalid_grant", "already used"),
        (Spoil::WrongRedirect, "invalid_grant", "redirect_uri"),
        (Spoil::Expired, "invalid_grant", "expired"),
        (Spoil::ShortVerifier, "invalid_request", "43 to 128"),
    ];
    let sandbox = sandbox();
    for (spoil, error, words) in cases {
        let pair = pkce_pair(1);
        let code = code_for(&sandbox, &pair, ALEX);
        let response = match spoil {
            Spoil::WrongVerifier => exchange(&sandbox, &code, &pkce_pair(2).verifier, REDIRECT),
            Spoil::Replay => {
                let first = exchange(&sandbox, &code, &pair.verifier, REDIRECT);
                let token = pkce::parse_token(&first).unwrap().access_token;
                assert_eq!(get(format!("{}/api/v2/users/me", sandbox.base_url()), &token).status, 200);
                let replay = exchange(&sandbox, &code, &pair.verifier, REDIRECT);
                assert_eq!(
                    get(format!("{}/api/v2/users/me", sandbox.base_url()), &token).status,
                    401,
                    "a replayed code revokes the token it gave"
                );
                replay
            }
            Spoil::WrongRedirect => exchange(&sandbox, &code, &pair.verifier, "http://127.0.0.1:8080/other"),
            Spoil::Expired => {
                admin(&sandbox, "/sandbox/clock", json!({"advanceSeconds": 61}));
                exchange(&sandbox, &code, &pair.verifier, REDIRECT)
            }
            Spoil::ShortVerifier => exchange(&sandbox, &code, "too-short", REDIRECT),
        };
        let refused = pkce::parse_token(&response).unwrap_err();
        assert_eq!(response.status, 400);
        assert_eq!(refused.error, error, "{refused}");
        assert!(refused.to_string().contains(words), "{refused}");
    }
}

#[test]
fn authorize_refusals() {
    let sandbox = sandbox();
    let challenge = pkce_pair(3).challenge;
    let base = [
        ("response_type", "code"),
        ("client_id", CLIENT),
        ("redirect_uri", REDIRECT),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
        ("state", "st"),
    ];
    let with = |key: &str, value: &'static str| -> Vec<(&str, &str)> {
        base.iter().map(|(k, v)| if *k == key { (*k, value) } else { (*k, *v) }).collect()
    };
    // Unknown client or redirect URI: an error page, never a redirect.
    for params in [with("client_id", "nobody"), with("redirect_uri", "http://evil.example/")] {
        let page = authorize(&sandbox, &params, ALEX).unwrap_err();
        assert_eq!(page.status, 400);
        assert!(page.header("location").is_none());
    }
    // Other problems go back to the app with error, error_description and state.
    for (params, error) in [
        (with("code_challenge_method", "plain"), "invalid_request"),
        (with("response_type", "token"), "unsupported_response_type"),
        (with("code_challenge", "short"), "invalid_request"),
    ] {
        let query = form_encode(&params);
        let response = send(HttpRequest {
            method: Method::Get,
            url: format!("{}/oauth/authorize?{query}", sandbox.base_url()),
            headers: vec![],
            body: None,
        });
        assert_eq!(response.status, 303);
        let callback = pkce::Callback::parse(response.header("location").unwrap().split_once('?').unwrap().1).unwrap();
        assert!(
            matches!(&callback, pkce::Callback::Error { error: e, state: Some(s), .. } if e == error && s == "st"),
            "{callback:?}"
        );
    }
}

#[test]
fn error_bodies_have_the_platform_shape() {
    let sandbox = sandbox_with(Limits { requests_per_minute: 3, ..Limits::default() });
    let base = sandbox.base_url();
    let check = |response: &HttpResponse, status: u16, words: &str| {
        assert_eq!(response.status, status, "{}", response.body);
        let body = json_of(response);
        assert_eq!(body["status"], status);
        assert!(
            body["code"].is_string() && body["contextId"].is_string() && body["messageParams"].is_object(),
            "{body}"
        );
        assert!(body["message"].as_str().unwrap().contains(words), "{body}");
        assert!(response.header("inin-correlation-id").is_some());
        body
    };
    check(&get(format!("{base}/api/v2/flows"), "not-a-token"), 401, "token");
    let riley = user_token(&sandbox, RILEY);
    let forbidden = check(
        &send(HttpRequest::post_json(format!("{base}/api/v2/flows/jobs"), &riley, "{}".into())),
        403,
        "architect:job:create",
    );
    assert_eq!(forbidden["messageParams"]["permission"], "architect:job:create");
    let readonly_client = client_token(&sandbox, "callflow-ci-readonly");
    let scope = check(
        &send(HttpRequest::post_json(format!("{base}/api/v2/flows/jobs"), &readonly_client, "{}".into())),
        403,
        "scope architect",
    );
    assert_eq!(scope["messageParams"]["scope"], "architect");
    let alex = user_token(&sandbox, ALEX);
    check(&get(format!("{base}/api/v2/flows/00000000-0000-4000-8000-000000000000"), &alex), 404, "not found");
    check(&get(format!("{base}/api/v2/flows?pageSize=0"), &alex), 400, "pageSize");
    assert_eq!(get(format!("{base}/api/v2/users/me"), &alex).status, 200, "the third request of the minute");
    let limited = check(&get(format!("{base}/api/v2/flows"), &alex), 429, "3 requests per minute");
    assert_eq!(limited["messageParams"]["limit"], "3");
    let retry_after = get(format!("{base}/api/v2/flows"), &alex);
    assert!((1..=60).contains(&retry_after.retry_after_seconds().unwrap()));
    // Another token has its own budget.
    assert_eq!(get(format!("{base}/api/v2/users/me"), &riley).status, 200);
    // A client-credentials token has no user behind it.
    let ci = client_token(&sandbox, "callflow-ci");
    check(&get(format!("{base}/api/v2/users/me"), &ci), 400, "requires a user context");
}

#[test]
fn listing_pages_and_schemas() {
    let sandbox = sandbox();
    let token = user_token(&sandbox, ALEX);
    let page = json_of(&get(
        format!("{}/api/v2/flows?type=commonmodule&pageSize=2&pageNumber=2&includeSchemas=true", sandbox.base_url()),
        &token,
    ));
    assert_eq!(page["total"], 5);
    assert_eq!(page["pageCount"], 3);
    assert_eq!(page["entities"].as_array().unwrap().len(), 2);
    assert!(page["nextUri"].as_str().unwrap().contains("pageNumber=3"));
    assert!(page["entities"][0]["inputSchema"].is_object());
    let me = json_of(&get(format!("{}/api/v2/users/me", sandbox.base_url()), &token));
    assert_eq!(me["name"], "Alex Architect");
    let queues = json_of(&get(format!("{}/api/v2/routing/queues", sandbox.base_url()), &token));
    assert_eq!(queues["total"], 3);
}

#[test]
fn whoami_names_the_signed_in_user_and_refuses_a_client_token() {
    let sandbox = sandbox();
    let mut whoami = WhoAmI::new(&sandbox.base_url(), &user_token(&sandbox, ALEX), RetryPolicy::fast());
    let user = drive(&mut whoami, &Transport::default(), |_, _| {}).unwrap();
    assert_eq!(user.display_name(), "Alex Architect");
    let mut whoami = WhoAmI::new(&sandbox.base_url(), &client_token(&sandbox, "callflow-ci"), RetryPolicy::fast());
    let refused = drive(&mut whoami, &Transport::default(), |_, _| {}).unwrap_err();
    assert!(matches!(refused, ApiError::Rejected { status: 400, .. }), "{refused:?}");
}

fn template(name: &str) -> callflow_core::Document {
    let path = format!("{}/../../public/templates/{name}", env!("CARGO_MANIFEST_DIR"));
    callflow_core::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn run_deploy(
    sandbox: &Running,
    token: &str,
    document: &callflow_core::Document,
    waits: &mut Vec<WaitReason>,
) -> Result<Outcome, ApiError> {
    let plan = deploy::prepare(document).expect("the template is valid");
    let mut deployer = Deployer::new(&sandbox.base_url(), token, plan, RetryPolicy::fast());
    drive(&mut deployer, &Transport::default(), |_, wait| waits.push(wait.reason))
}

fn flows_named(sandbox: &Running, name: &str) -> Vec<Value> {
    let state = json_of(&send(HttpRequest {
        method: Method::Get,
        url: format!("{}/sandbox/state", sandbox.base_url()),
        headers: vec![],
        body: None,
    }));
    state["flows"].as_array().unwrap().iter().filter(|f| f["name"] == name).cloned().collect()
}

#[test]
fn deploy_creates_then_updates_the_same_flow() {
    let sandbox = sandbox();
    let token = user_token(&sandbox, ALEX);
    let document = template("seed-002-verify-then-queue.flow.json");
    let first = run_deploy(&sandbox, &token, &document, &mut Vec::new()).unwrap();
    assert!(first.created);
    assert_eq!(first.version.as_deref(), Some("1.0"));
    let second = run_deploy(&sandbox, &token, &document, &mut Vec::new()).unwrap();
    assert!(!second.created);
    assert_eq!((second.flow_id.as_str(), second.version.as_deref()), (first.flow_id.as_str(), Some("2.0")));
    assert_eq!(flows_named(&sandbox, "Inbound - Support").len(), 1);
}

#[test]
fn deploy_waits_out_rate_limits_and_server_errors() {
    let sandbox = sandbox();
    let token = user_token(&sandbox, ALEX);
    admin(&sandbox, "/sandbox/faults", json!({"rateLimitNext": 2, "retryAfterSeconds": 1, "serverErrorNext": 2}));
    let mut waits = Vec::new();
    let outcome = run_deploy(&sandbox, &token, &template("seed-002-verify-then-queue.flow.json"), &mut waits).unwrap();
    assert_eq!(outcome.version.as_deref(), Some("1.0"));
    let rate_limited = waits.iter().filter(|w| matches!(w, WaitReason::RateLimited { retry_after_seconds: 1 })).count();
    let backoffs = waits.iter().filter(|w| matches!(w, WaitReason::Backoff { .. })).count();
    assert_eq!((rate_limited, backoffs), (2, 2), "{waits:?}");
    assert_eq!(flows_named(&sandbox, "Inbound - Support").len(), 1);

    admin(&sandbox, "/sandbox/faults", json!({"serverErrorNext": 10}));
    let error =
        run_deploy(&sandbox, &token, &template("seed-002-verify-then-queue.flow.json"), &mut Vec::new()).unwrap_err();
    assert!(matches!(&error, ApiError::Unavailable(m) if m.contains("503") && m.contains("4 attempts")), "{error}");
}

#[test]
fn failing_jobs_report_their_messages() {
    let sandbox = sandbox();
    let token = user_token(&sandbox, ALEX);
    // The template's own catalog says Collect Survey Consent is published; this org never published it.
    let error = run_deploy(&sandbox, &token, &template("three-modules.flow.json"), &mut Vec::new()).unwrap_err();
    let ApiError::JobFailed { messages, .. } = &error else { panic!("{error}") };
    assert!(
        messages.iter().any(|m| m.contains("Collect Survey Consent") && m.contains("no published version")),
        "{messages:?}"
    );

    admin(&sandbox, "/sandbox/faults", json!({"failNextJobs": 1}));
    let error =
        run_deploy(&sandbox, &token, &template("seed-002-verify-then-queue.flow.json"), &mut Vec::new()).unwrap_err();
    assert!(error.to_string().contains("Injected failure"), "{error}");
    assert!(flows_named(&sandbox, "Inbound - Support").is_empty(), "a failed job publishes nothing");

    let riley = user_token(&sandbox, RILEY);
    let error =
        run_deploy(&sandbox, &riley, &template("seed-002-verify-then-queue.flow.json"), &mut Vec::new()).unwrap_err();
    assert!(
        matches!(&error, ApiError::Forbidden { permission: Some(p), .. } if p == "architect:job:create"),
        "{error}"
    );
}

#[test]
fn bad_yaml_and_unresolved_references_fail_the_job() {
    let sandbox = sandbox();
    let token = user_token(&sandbox, ALEX);
    let cases = [
        ("inboundCall: [unclosed", "could not be parsed"),
        ("workflow:\n  name: X\n", "inboundCall flows and commonModule flows only"),
        ("commonModule:\n  name: X\n", "startUpTaskActions is missing"),
        ("inboundCall:\n  name: X\n  startUpRef: /inboundCall/tasks/task[nowhere]\n  tasks: []\n", "does not resolve"),
        (
            "inboundCall:\n  name: X\n  startUpRef: /inboundCall/tasks/task[a]\n  tasks:\n  - task:\n      name: A\n      refId: a\n      actions:\n      - callCommonModule:\n          name: Call\n          commonModule:\n            Chat Greeting:\n              ver_latestPublished:\n                none: true\n",
            "not compatible with inbound call flows",
        ),
        (
            "inboundCall:\n  name: X\n  startUpRef: /inboundCall/tasks/task[a]\n  tasks:\n  - task:\n      name: A\n      refId: a\n      actions:\n      - callCommonModule:\n          name: Call\n          commonModule:\n            Nope Module:\n              ver_latestPublished:\n                none: true\n",
            "no common module named \"Nope Module\"",
        ),
        (
            concat!(
                "inboundCall:\n  name: X\n  startUpRef: /inboundCall/tasks/task[a]\n  tasks:\n  - task:\n      name: A\n      refId: a\n      actions:\n",
                "      - callCommonModule:\n          name: Call\n          commonModule:\n            Verify Caller:\n              ver_latestPublished:\n                inputs:\n                  Common.callerID:\n                    exp: Call.Ani\n",
            ),
            "has no input Common.callerID",
        ),
        (
            concat!(
                "inboundCall:\n  name: X\n  startUpRef: /inboundCall/tasks/task[a]\n  tasks:\n  - task:\n      name: A\n      refId: a\n      actions:\n",
                "      - callCommonModule:\n          name: Call\n          commonModule:\n            Verify Caller:\n              ver_latestPublished: {}\n",
            ),
            "required input Common.callerId of \"Verify Caller\" is not set",
        ),
        (
            concat!(
                "inboundCall:\n  name: X\n  startUpRef: /inboundCall/tasks/task[a]\n  tasks:\n  - task:\n      name: A\n      refId: a\n      actions:\n",
                "      - callCommonModule:\n          name: Call\n          commonModule:\n            Lookup Account:\n              ver_9.9:\n                inputs:\n                  Common.accountId:\n                    exp: Call.Ani\n",
            ),
            "has no version 9.9",
        ),
        (
            concat!(
                "inboundCall:\n  name: X\n  startUpRef: /inboundCall/tasks/task[a]\n  tasks:\n  - task:\n      name: A\n      refId: a\n      actions:\n",
                "      - transferToAcd:\n          name: Queue\n          targetQueue:\n            lit:\n              name: Sales\n",
            ),
            "no queue named \"Sales\"",
        ),
        ("inboundCall:\n  startUpRef: /inboundCall/tasks/task[a]\n  tasks:\n  - task:\n      refId: a\n", "name is missing"),
        // What real files never write: an empty path, an empty version mapping, a made-up handling.
        (
            concat!(
                "inboundCall:\n  name: X\n  startUpRef: /inboundCall/tasks/task[a]\n  tasks:\n  - task:\n      name: A\n      refId: a\n      actions:\n",
                "      - transferToAcd:\n          name: Queue\n          targetQueue:\n            lit:\n              name: Support\n          outputs:\n            failure:\n              actions: []\n",
            ),
            "actions is empty",
        ),
        (
            concat!(
                "inboundCall:\n  name: X\n  startUpRef: /inboundCall/tasks/task[a]\n  tasks:\n  - task:\n      name: A\n      refId: a\n      actions:\n",
                "      - callCommonModule:\n          name: Call\n          commonModule:\n            Lookup Account:\n              ver_latestPublished: {}\n",
            ),
            "write `none: true`",
        ),
        (
            concat!(
                "inboundCall:\n  name: X\n  startUpRef: /inboundCall/tasks/task[a]\n  settingsErrorHandling:\n    errorHandling:\n      jumpToTask:\n        targetTaskRef: /inboundCall/tasks/task[a]\n",
                "  tasks:\n  - task:\n      name: A\n      refId: a\n      actions:\n      - disconnect:\n          name: Bye\n",
            ),
            "errorHandling.jumpToTask is not an error handling choice",
        ),
    ];
    let transport = Transport::default();
    for (yaml, words) in cases {
        let registered = json_of(&send(HttpRequest::post_json(
            format!("{}/api/v2/flows/jobs", sandbox.base_url()),
            &token,
            "{}".into(),
        )));
        let headers: Vec<(String, String)> = registered["headers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect();
        let url = registered["presignedUrl"].as_str().unwrap().to_owned();
        let missing_header = transport
            .send(&HttpRequest { method: Method::Put, url: url.clone(), headers: vec![], body: Some(yaml.into()) })
            .unwrap();
        assert_eq!(missing_header.status, 403, "the upload checks the job's headers");
        let put = transport.send(&HttpRequest { method: Method::Put, url, headers, body: Some(yaml.into()) }).unwrap();
        assert_eq!(put.status, 200);
        let job_url =
            format!("{}/api/v2/flows/jobs/{}?expand=messages", sandbox.base_url(), registered["id"].as_str().unwrap());
        assert_eq!(json_of(&get(job_url.clone(), &token))["status"], "Started");
        let finished = json_of(&get(job_url, &token));
        assert_eq!(finished["status"], "Failure");
        let texts: Vec<&str> =
            finished["messages"].as_array().unwrap().iter().filter_map(|m| m["text"].as_str()).collect();
        assert!(texts.iter().any(|t| t.contains(words)), "{words}: {texts:?}");
    }
}

fn run(sandbox: &Running, token: &str, request: Value) -> Result<RunResult, ApiError> {
    let mut test_run = TestRun::new(&sandbox.base_url(), token, request, RetryPolicy::fast());
    drive(&mut test_run, &Transport::default(), |_, _| {})
}

#[test]
fn workflow_test_runs() {
    let sandbox = sandbox();
    let token = user_token(&sandbox, ALEX);
    let workflow = "8824ba71-1f0e-4d3c-9b2a-7c6d5e4f3a21";
    let done = run(&sandbox, &token, json!({"flowId": workflow, "inputData": {"Flow.customerId": "C-1"}})).unwrap();
    assert_eq!(done.status, "COMPLETED");
    assert_eq!(done.output_data.unwrap()["Flow.statusCode"], "200");
    // Nested or unprefixed input is accepted at launch and fails at runtime, as on the platform.
    let failed =
        run(&sandbox, &token, json!({"flowId": workflow, "inputData": {"Flow": {"customerId": "C-1"}}})).unwrap();
    assert_eq!(failed.status, "FAILED");
    let info = failed.flow_error_info.unwrap();
    assert_eq!(info["code"], "error.workflow.expression.unexpectedNull");
    assert_eq!(info["messageParams"]["expression"], "Flow.customerId");
    let refused = run(&sandbox, &token, json!({"inputData": {}})).unwrap_err();
    assert!(refused.to_string().contains("flowId is required"), "{refused}");
    let not_workflow = run(&sandbox, &token, json!({"flowId": "0d4c6a8e-5b8e-4f0e-9a51-2f7d6c1b9e10"})).unwrap_err();
    assert!(not_workflow.to_string().contains("only workflows"), "{not_workflow}");
}

#[test]
fn catalog_loads_every_module_with_its_contract() {
    let sandbox = sandbox();
    let token = user_token(&sandbox, ALEX);
    let mut loader = CatalogLoader::new(&sandbox.base_url(), &token, RetryPolicy::fast());
    let modules = drive(&mut loader, &Transport::default(), |_, _| {}).unwrap();
    assert_eq!(modules.len(), 6);
    let consent = modules.iter().find(|m| m.name == "Collect Survey Consent").unwrap();
    assert!(!consent.published);
    let verify = modules.iter().find(|m| m.name == "Verify Caller").unwrap();
    assert_eq!(verify.published_version.as_deref(), Some("3.0"));
    assert!(verify.inputs.iter().any(|p| p.name == "Common.callerId" && p.required));
    // With the org's catalog, the three-modules template now fails validation.
    let mut document = template("three-modules.flow.json");
    assert!(callflow_core::validate(&document).iter().all(|d| d.severity != callflow_core::Severity::Error));
    callflow_core::apply(&mut document, &callflow_core::Command::SetModules { modules }).unwrap();
    let findings = callflow_core::validate(&document);
    assert!(findings.iter().any(|d| d.code == callflow_core::Code::ModuleNotPublished), "{findings:?}");
}

#[test]
fn published_flows_survive_a_restart_with_a_data_dir() {
    let dir = std::env::temp_dir().join(format!("callflow-sandbox-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let first = spawn(Org::new(Seed::demo(), Limits::default(), Vec::new(), Some(dir.clone()))).unwrap();
    let token = user_token(&first, ALEX);
    run_deploy(&first, &token, &template("seed-002-verify-then-queue.flow.json"), &mut Vec::new()).unwrap();
    let second = spawn(Org::new(Seed::demo(), Limits::default(), Vec::new(), Some(dir.clone()))).unwrap();
    assert_eq!(flows_named(&second, "Inbound - Support").len(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[path = "support/load.rs"]
mod load;

#[test]
fn concurrent_deploys_with_faults_lose_nothing_and_duplicate_nothing() {
    let report = load::run(60, 6, 4, load::faults(7));
    assert_eq!(report.published + report.gave_up, 60);
    for (name, flows, versions) in &report.flows_per_name {
        assert_eq!(*flows, 1, "{name} exists exactly once");
        assert!(*versions >= 1, "{name} was published");
    }
    let versions: usize = report.flows_per_name.iter().map(|(_, _, v)| v).sum();
    assert_eq!(versions as u64, report.published, "every successful deploy is one published version");
    let faults = &report.sandbox_state["faults"];
    assert!(
        faults["injectedServerErrors"].as_u64().unwrap() + faults["injectedRateLimits"].as_u64().unwrap() > 0,
        "faults were on"
    );
}

/// The sandbox publishes what the designer writes for every kind of step: the business-hours
/// template (schedule group, collect input, data table lookup, voicemail) and the fixture that has
/// every other table kind, a switch, tasks and a call task.
#[test]
fn every_kind_of_step_publishes() {
    let sandbox = sandbox();
    let token = user_token(&sandbox, ALEX);
    let steps = format!("{}/../callflow-core/tests/fixtures/export/steps.flow.json", env!("CARGO_MANIFEST_DIR"));
    let tasks = format!("{}/../callflow-core/tests/fixtures/export/tasks.flow.json", env!("CARGO_MANIFEST_DIR"));
    let documents = [
        template("business-hours-menu.flow.json"),
        template("every-step.flow.json"),
        callflow_core::parse(&std::fs::read_to_string(steps).unwrap()).unwrap(),
        callflow_core::parse(&std::fs::read_to_string(tasks).unwrap()).unwrap(),
    ];
    for document in &documents {
        let outcome = run_deploy(&sandbox, &token, document, &mut Vec::new())
            .unwrap_or_else(|error| panic!("{}: {error:?}", document.flow.name));
        assert!(outcome.created, "{}", document.flow.name);
    }
}

fn project(name: &str) -> callflow_core::Project {
    let path = format!("{}/../../public/templates/{name}", env!("CARGO_MANIFEST_DIR"));
    callflow_core::parse_project(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn deploy_project(
    sandbox: &Running,
    token: &str,
    project: &mut callflow_core::Project,
    only: Option<&[String]>,
) -> Result<Vec<Outcome>, ApiError> {
    use callflow_deploy::project_deploy::{prepare_project, ProjectDeployer};
    let plans = prepare_project(project, only).expect("the project has no errors");
    let mut deployer = ProjectDeployer::new(&sandbox.base_url(), token, plans, RetryPolicy::fast());
    let result = drive(&mut deployer, &Transport::default(), |_, _| {});
    for outcome in deployer.outcomes() {
        project.record_publication(&outcome.flow_name, outcome.version.as_deref().unwrap());
    }
    result
}

/// The workshop project: the module is published first, then both callers, which the org records
/// as holding that module version; a changed module makes both callers stale until they are
/// republished.
#[test]
fn a_project_deploys_modules_first_and_republishes_stale_callers() {
    let sandbox = sandbox();
    let token = user_token(&sandbox, ALEX);
    let mut workshop = project("verify-caller-workshop.project.json");
    let outcomes = deploy_project(&sandbox, &token, &mut workshop, None).unwrap();
    let order: Vec<(&str, Option<&str>)> =
        outcomes.iter().map(|o| (o.flow_name.as_str(), o.version.as_deref())).collect();
    // The demo org already holds "Verify Caller" 2.0 and 3.0: the project's module updates it.
    assert_eq!(order, [("Verify Caller", Some("4.0")), ("Support Line", Some("1.0")), ("Billing Line", Some("1.0"))]);
    {
        let org = sandbox.shared.lock();
        let module = org.flows.iter().find(|f| f.name == "Verify Caller").unwrap();
        assert_eq!(module.input_names(), ["Common.callerId"]);
        assert_eq!(module.output_names(), ["Common.verified", "Common.customerName"]);
        let support = org.flows.iter().find(|f| f.name == "Support Line").unwrap();
        assert_eq!(support.module_versions.get("Verify Caller").map(String::as_str), Some("4.0"));
    }
    assert!(callflow_core::project::stale_callers(&workshop).is_empty());

    // A new module version: only the module is deployed; both callers now hold 4.0 of 5.0.
    let module = workshop.flow_index("Verify Caller").unwrap();
    workshop.flows[module].description = Some("Verifies the caller (second edition).".to_owned());
    let outcomes = deploy_project(&sandbox, &token, &mut workshop, Some(&["Verify Caller".to_owned()])).unwrap();
    assert_eq!(outcomes[0].version.as_deref(), Some("5.0"));
    let stale = callflow_core::project::stale_callers(&workshop);
    assert_eq!(stale, ["Support Line", "Billing Line"]);
    let outcomes = deploy_project(&sandbox, &token, &mut workshop, Some(&stale)).unwrap();
    assert_eq!(outcomes.iter().map(|o| o.version.as_deref()).collect::<Vec<_>>(), [Some("2.0"), Some("2.0")]);
    assert!(callflow_core::project::stale_callers(&workshop).is_empty());
    let org = sandbox.shared.lock();
    let billing = org.flows.iter().find(|f| f.name == "Billing Line").unwrap();
    assert_eq!(billing.module_versions.get("Verify Caller").map(String::as_str), Some("5.0"));
    // Never a second flow of one name.
    assert_eq!(org.flows.iter().filter(|f| f.name == "Support Line").count(), 1);
}

/// The org refuses a caller whose module is not published, a module that calls a module, and a
/// module with no compatible flow type; a project deploy stops at the first refusal and names the
/// flows it did not deploy.
#[test]
fn the_org_checks_modules_and_their_callers() {
    let sandbox = sandbox();
    let token = user_token(&sandbox, ALEX);
    let mut workshop = project("verify-caller-workshop.project.json");
    // A module name the org has never seen: the module must go first, so deploy the callers alone.
    for flow in &mut workshop.flows {
        if flow.name == "Verify Caller" {
            flow.name = "Verify Caller Two".to_owned();
        }
        for node in &mut flow.nodes {
            if let callflow_core::NodeBody::Invoke(call) = &mut node.body {
                call.module = "Verify Caller Two".to_owned();
            }
        }
    }
    let error = deploy_project(&sandbox, &token, &mut workshop, Some(&["Support Line".to_owned()])).unwrap_err();
    let text = error.to_string();
    assert!(text.contains("no common module named \"Verify Caller Two\""), "{text}");
    assert!(text.contains("not deployed: Support Line"), "{text}");

    let check = |yaml: &str| callflow_sandbox::job_check::check(yaml, &[], &[]).map(|c| c.name);
    let calls_a_module = "commonModule:\n  name: M\n  settingsCommonModule:\n    compatibleFlowTypes:\n    - flowType: inboundcall\n  startUpTaskActions:\n  - callCommonModule:\n      name: Inner\n      commonModule:\n        Other:\n          ver_latestPublished:\n            none: true\n";
    let problems = check(calls_a_module).unwrap_err();
    assert!(problems.iter().any(|p| p.contains("cannot call another common module")), "{problems:?}");
    let no_types = "commonModule:\n  name: M\n  startUpTaskActions:\n  - endTask:\n      name: Done\n";
    let problems = check(no_types).unwrap_err();
    assert!(problems.iter().any(|p| p.contains("compatibleFlowTypes names no flow type")), "{problems:?}");
    let no_actions =
        "commonModule:\n  name: M\n  settingsCommonModule:\n    compatibleFlowTypes:\n    - flowType: inboundcall\n";
    let problems = check(no_actions).unwrap_err();
    assert!(problems.iter().any(|p| p.contains("startUpTaskActions is missing")), "{problems:?}");
}

/// The deploy written out as HTTP requests, and its curl script run for real against the sandbox:
/// the project's module, then its two callers, each published.
#[test]
fn the_curl_script_deploys_a_project_with_curl_and_jq() {
    use callflow_deploy::project_deploy::prepare_project;
    use callflow_deploy::requests::{curl_script, deploy_requests, yaml_file};
    for tool in ["curl", "jq", "bash"] {
        let found = std::process::Command::new(tool).arg("--version").output().is_ok();
        assert!(found, "{tool} is needed for this test (apt-get install curl jq)");
    }
    let sandbox = sandbox();
    let token = client_token(&sandbox, "callflow-ci");
    let workshop = project("verify-caller-workshop.project.json");
    let plans = prepare_project(&workshop, None).unwrap();

    let requests = deploy_requests(&plans);
    let flows: Vec<&str> = requests["flows"].as_array().unwrap().iter().map(|f| f["flow"].as_str().unwrap()).collect();
    assert_eq!(flows, ["Verify Caller", "Support Line", "Billing Line"]);
    let first = &requests["flows"][0]["requests"];
    assert_eq!(first[0]["url"], "{api}/api/v2/flows?type=commonmodule&name=Verify%20Caller&pageSize=100&pageNumber=1");
    assert_eq!(
        (first[1]["method"].as_str(), first[1]["url"].as_str()),
        (Some("POST"), Some("{api}/api/v2/flows/jobs"))
    );
    assert_eq!(first[3]["url"], "{api}/api/v2/flows/jobs/{jobId}?expand=messages");
    assert!(!requests.to_string().contains(&token), "no token is written");
    assert_eq!(requests["regions"].as_array().unwrap().len(), 18);

    let dir = std::env::temp_dir().join(format!("callflow-curl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for plan in &plans {
        std::fs::write(dir.join(yaml_file(plan)), &plan.yaml).unwrap();
    }
    let script = dir.join("deploy.sh");
    std::fs::write(&script, curl_script(&plans)).unwrap();
    let output = std::process::Command::new("bash")
        .arg(&script)
        .env("GENESYS_API", sandbox.base_url())
        .env("GENESYS_TOKEN", &token)
        .env("GENESYS_POLL_SECONDS", "0")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let lines: Vec<&str> = stdout.lines().map(|l| l.split(" (flow id").next().unwrap()).collect();
    assert_eq!(
        lines,
        [
            "published \"Verify Caller\" version 4.0",
            "published \"Support Line\" version 1.0",
            "published \"Billing Line\" version 1.0"
        ]
    );
    assert_eq!(sandbox.shared.lock().flows.iter().filter(|f| f.name == "Support Line").count(), 1);
    // Without a token the script says what is missing and sends nothing.
    let refused = std::process::Command::new("bash")
        .arg(&script)
        .env("GENESYS_API", sandbox.base_url())
        .env_remove("GENESYS_TOKEN")
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("GENESYS_TOKEN"));
    std::fs::remove_dir_all(&dir).ok();
}
