//! The deploy protocol against scripted answers: each case is a list of (expected request, answer)
//! pairs run through one helper (the crate's own `protocol::drive`, with the script as transport),
//! then the expected end. No network.

use callflow_deploy::deploy::{Action, DeployPlan, Deployer, DryRun, Outcome};
use callflow_deploy::protocol::drive;
use callflow_deploy::{ApiError, HttpResponse, Method, RetryPolicy, WaitReason};

/// One exchange: the request the protocol must send (method and a piece of its URL), and the
/// answer to give it (`Err` is a network failure).
type Exchange = (Method, &'static str, Result<(u16, &'static str, &'static str), &'static str>);

/// A script and the test its error must pass.
type Case = (Vec<Exchange>, fn(&ApiError) -> bool);

const LOOKUP_EMPTY: &str = r#"{"entities": [], "pageCount": 1}"#;
const LOOKUP_FOUND: &str = r#"{"entities": [{"id": "f1", "name": "inbound - support", "type": "INBOUNDCALL", "publishedVersion": {"id": "4.0"}}]}"#;
const REGISTERED: &str = r#"{"id": "j1", "presignedUrl": "https://upload.example/j1", "headers": {"x-key": "k"}}"#;
const STARTED: &str = r#"{"id": "j1", "status": "Started", "messages": []}"#;
const SUCCESS: &str = r#"{"id": "j1", "status": "Success", "flow": {"id": "f1"}, "messages": [{"text": "published"}]}"#;
const FAILURE: &str = r#"{"id": "j1", "status": "Failure", "messages": [{"text": "Common module 'X' not found"}]}"#;
const FLOW_V1: &str = r#"{"id": "f1", "name": "Inbound - Support", "publishedVersion": {"id": "1.0"}}"#;
const FLOW_V5: &str = r#"{"id": "f1", "name": "Inbound - Support", "publishedVersion": {"id": "5.0"}}"#;

/// Runs the deployer through the script with the crate's one blocking loop; returns its end and
/// every wait it asked for.
fn run(script: &[Exchange], policy: RetryPolicy) -> (Result<Outcome, ApiError>, Vec<WaitReason>) {
    let plan = DeployPlan {
        flow_name: "Inbound - Support".to_owned(),
        flow_type: callflow_core::document::FlowType::Inboundcall,
        yaml: "inboundCall: {}\n".to_owned(),
    };
    let mut deployer = Deployer::new("https://api.example/", "t0ken", plan, policy);
    let mut waits = Vec::new();
    let mut script = script.iter();
    let end = drive(
        &mut deployer,
        |request| {
            let (method, url_part, answer) = script.next().unwrap_or_else(|| panic!("unscripted request {request:?}"));
            assert_eq!(request.method, *method, "{}", request.url);
            assert!(request.url.contains(url_part), "{} should contain {url_part}", request.url);
            if request.method == Method::Put {
                assert!(request.headers.contains(&("x-key".to_owned(), "k".to_owned())), "the job's headers are sent");
                assert!(!request.headers.iter().any(|(k, _)| k == "Authorization"), "no token to the storage host");
            } else {
                assert!(request.headers.contains(&("Authorization".to_owned(), "Bearer t0ken".to_owned())));
            }
            answer
                .map(|(status, retry_after, body)| HttpResponse {
                    status,
                    headers: if retry_after.is_empty() {
                        vec![]
                    } else {
                        vec![("Retry-After".to_owned(), retry_after.to_owned())]
                    },
                    body: body.to_owned(),
                })
                .map_err(str::to_owned)
        },
        |_, wait| waits.push(wait.reason),
    );
    (end, waits)
}

use Method::{Get, Post, Put};

#[test]
fn creates_a_flow() {
    let (end, waits) = run(
        &[
            (Get, "/api/v2/flows?type=inboundcall&name=Inbound%20-%20Support", Ok((200, "", LOOKUP_EMPTY))),
            (Post, "/api/v2/flows/jobs", Ok((200, "", REGISTERED))),
            (Put, "https://upload.example/j1", Ok((200, "", ""))),
            (Get, "/api/v2/flows/jobs/j1?expand=messages", Ok((200, "", STARTED))),
            (Get, "/api/v2/flows/jobs/j1", Ok((200, "", SUCCESS))),
            (Get, "/api/v2/flows/f1", Ok((200, "", FLOW_V1))),
        ],
        RetryPolicy::default(),
    );
    let outcome = end.unwrap();
    assert!(outcome.created);
    assert_eq!((outcome.flow_id.as_str(), outcome.version.as_deref()), ("f1", Some("1.0")));
    assert_eq!(outcome.messages, vec!["published"]);
    assert_eq!(waits, vec![WaitReason::Polling]);
}

#[test]
fn updates_the_flow_with_the_same_name_and_rides_out_faults() {
    let (end, waits) = run(
        &[
            (Get, "/api/v2/flows?", Ok((429, "3", ""))),
            (Get, "/api/v2/flows?", Ok((200, "", LOOKUP_FOUND))),
            (Post, "/api/v2/flows/jobs", Ok((503, "", ""))),
            (Post, "/api/v2/flows/jobs", Ok((200, "", REGISTERED))),
            (Put, "upload.example", Err("connection reset")),
            (Put, "upload.example", Ok((200, "", ""))),
            (Get, "/jobs/j1", Ok((200, "", SUCCESS))),
            (Get, "/api/v2/flows/f1", Ok((200, "", FLOW_V5))),
        ],
        RetryPolicy::default(),
    );
    let outcome = end.unwrap();
    assert!(!outcome.created);
    assert_eq!(outcome.version.as_deref(), Some("5.0"));
    assert_eq!(
        waits,
        vec![
            WaitReason::RateLimited { retry_after_seconds: 3 },
            WaitReason::Backoff { attempt: 2 },
            WaitReason::Backoff { attempt: 2 },
        ]
    );
}

#[test]
fn refusals_end_the_deploy_with_the_reason() {
    let cases: Vec<Case> = vec![
        (vec![(Get, "/api/v2/flows?", Ok((401, "", r#"{"message": "expired", "status": 401}"#)))], |e| {
            e.is_sign_in_needed()
        }),
        (
            vec![
                (Get, "/api/v2/flows?", Ok((200, "", LOOKUP_EMPTY))),
                (
                    Post,
                    "/jobs",
                    Ok((
                        403,
                        "",
                        r#"{"message": "no", "messageParams": {"permission": "architect:job:create", "scope": "architect"}}"#,
                    )),
                ),
            ],
            |e| matches!(e, ApiError::Forbidden { permission: Some(p), scope: Some(s), .. } if p == "architect:job:create" && s == "architect"),
        ),
        (
            vec![
                (Get, "/api/v2/flows?", Ok((200, "", LOOKUP_EMPTY))),
                (Post, "/jobs", Ok((200, "", REGISTERED))),
                (Put, "upload", Err("TypeError: Failed to fetch")),
                (Put, "upload", Err("TypeError: Failed to fetch")),
                (Put, "upload", Err("TypeError: Failed to fetch")),
                (Put, "upload", Err("TypeError: Failed to fetch")),
            ],
            |e| matches!(e, ApiError::UploadRefused { .. }),
        ),
        (
            vec![
                (Get, "/api/v2/flows?", Ok((200, "", LOOKUP_EMPTY))),
                (Post, "/jobs", Ok((200, "", REGISTERED))),
                (Put, "upload", Ok((200, "", ""))),
                (Get, "/jobs/j1", Ok((200, "", FAILURE))),
            ],
            |e| matches!(e, ApiError::JobFailed { messages, .. } if messages[0].contains("not found")),
        ),
        (
            vec![
                (Get, "/api/v2/flows?", Ok((200, "", LOOKUP_EMPTY))),
                (Post, "/jobs", Ok((200, "", "<html>gateway</html>"))),
            ],
            |e| matches!(e, ApiError::Unexpected { .. }),
        ),
        (vec![(Get, "/api/v2/flows?", Ok((404, "", "")))], |e| matches!(e, ApiError::NotFound(_))),
    ];
    for (script, expected) in cases {
        let (end, _) = run(&script, RetryPolicy::default());
        let error = end.unwrap_err();
        assert!(expected(&error), "{error:?}");
    }
}

#[test]
fn a_job_that_never_finishes_hits_the_deadline() {
    let policy = RetryPolicy { poll_deadline_ms: 4_000, ..RetryPolicy::default() };
    let mut script: Vec<Exchange> = vec![
        (Get, "/api/v2/flows?", Ok((200, "", LOOKUP_EMPTY))),
        (Post, "/jobs", Ok((200, "", REGISTERED))),
        (Put, "upload", Ok((200, "", ""))),
    ];
    script.extend(std::iter::repeat_n((Get, "/jobs/j1", Ok((200, "", STARTED))), 4));
    let (end, waits) = run(&script, policy);
    assert!(matches!(end, Err(ApiError::Unavailable(ref m)) if m.contains("still Started")), "{end:?}");
    assert_eq!(waits.len(), 3, "1 s + 2 s + 4 s of polling passes the 4 s deadline");
}

#[test]
fn a_dry_run_stops_after_the_lookup() {
    let plan = DeployPlan {
        flow_name: "Inbound - Support".to_owned(),
        flow_type: callflow_core::document::FlowType::Inboundcall,
        yaml: "inboundCall: {}\n".to_owned(),
    };
    let mut waits = Vec::new();
    let mut sent = Vec::new();
    let mut dry_run = DryRun::new(Deployer::new("https://api.example", "t0ken", plan, RetryPolicy::default()));
    let mut answers = [(429, LOOKUP_EMPTY), (200, LOOKUP_FOUND)].into_iter();
    let action = drive(
        &mut dry_run,
        |request| {
            sent.push((request.method, request.url.clone()));
            let (status, body) = answers.next().expect("only the lookup is sent");
            Ok(HttpResponse { status, headers: vec![], body: body.to_owned() })
        },
        |_, wait| waits.push(wait.reason),
    );
    assert_eq!(action, Ok(Action::Update { flow_id: "f1".to_owned(), published_version: Some("4.0".to_owned()) }));
    assert!(sent.iter().all(|(method, url)| *method == Get && url.contains("/api/v2/flows?")), "{sent:?}");
    assert_eq!(waits, vec![WaitReason::RateLimited { retry_after_seconds: 5 }]);
    assert!(
        dry_run.deployer().log().iter().any(|line| line.starts_with("Plan: update")),
        "{:?}",
        dry_run.deployer().log()
    );
}
