//! The deploy as plain HTTP requests, for people who send them with their own client (Postman,
//! curl, a pipeline): the same requests the [`crate::deploy::Deployer`] protocol sends, written
//! out with URL templates per region, headers without a token, and bodies; and a curl script that
//! runs them. A project's flows come in deploy order, modules first.

use serde::Serialize;
use serde_json::{json, Value as Json};

use crate::deploy::DeployPlan;
use crate::region::REGIONS;

/// One request of the deploy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestSpec {
    /// What this request does, in a few words.
    pub step: String,
    pub method: &'static str,
    /// With `{api}` for the region's API base and `{jobId}`, `{flowId}`, `{presignedUrl}` for what
    /// an earlier answer gave.
    pub url: String,
    /// Header name → value; `{token}` is the OAuth access token, which is never written here.
    pub headers: Vec<(String, String)>,
    /// The JSON body, or the file to send as the body (`@name.yaml`).
    pub body: Option<Json>,
    pub then: String,
}

/// The requests of a deploy of `plans`, in order, with the region table, as one JSON document.
pub fn deploy_requests(plans: &[DeployPlan]) -> Json {
    let auth = || vec![("Authorization".to_owned(), "Bearer {token}".to_owned())];
    let flows: Vec<Json> = plans
        .iter()
        .map(|plan| {
            let file = yaml_file(plan);
            let requests = vec![
                RequestSpec {
                    step: "Find the flow by name (create or update?)".to_owned(),
                    method: "GET",
                    url: format!(
                        "{{api}}/api/v2/flows?type={}&name={}&pageSize=100&pageNumber=1",
                        plan.flow_type.as_str(),
                        crate::http::encode_component(&plan.flow_name)
                    ),
                    headers: auth(),
                    body: None,
                    then: "an entity with this name and type: the job updates it; none: the job creates it".to_owned(),
                },
                RequestSpec {
                    step: "Register an Architect job".to_owned(),
                    method: "POST",
                    url: "{api}/api/v2/flows/jobs".to_owned(),
                    headers: [auth(), vec![("Content-Type".to_owned(), "application/json".to_owned())]].concat(),
                    body: Some(json!({})),
                    then: "keep id (jobId), presignedUrl and headers from the answer".to_owned(),
                },
                RequestSpec {
                    step: "Upload the Archy YAML to the job's URL".to_owned(),
                    method: "PUT",
                    url: "{presignedUrl}".to_owned(),
                    headers: vec![("{each header of the job's answer}".to_owned(), "{its value}".to_owned())],
                    body: Some(Json::String(format!("@{file}"))),
                    then: "the job starts: no token on this request, only the job's headers".to_owned(),
                },
                RequestSpec {
                    step: "Wait for the job".to_owned(),
                    method: "GET",
                    url: "{api}/api/v2/flows/jobs/{jobId}?expand=messages".to_owned(),
                    headers: auth(),
                    body: None,
                    then: "repeat every few seconds while status is Registered or Started; Success gives flow.id (flowId); Failure: messages[].text says why".to_owned(),
                },
                RequestSpec {
                    step: "Read the published version".to_owned(),
                    method: "GET",
                    url: "{api}/api/v2/flows/{flowId}".to_owned(),
                    headers: auth(),
                    body: None,
                    then: "publishedVersion.id is the version the job published".to_owned(),
                },
            ];
            json!({ "flow": plan.flow_name, "type": plan.flow_type.as_str(), "file": file, "requests": requests })
        })
        .collect();
    let regions: Vec<Json> = REGIONS
        .iter()
        .map(|r| json!({ "region": r.key, "name": r.label, "api": format!("https://api.{}", r.host) }))
        .collect();
    json!({
        "about": "Deploy with any HTTP client: for each flow in order (common modules first), send these requests. {token} is an OAuth access token (client credentials or Authorization Code with PKCE) with the permissions architect:job:create, architect:job:view and architect:flow:view; {api} is your region's API base.",
        "flows": flows,
        "regions": regions,
    })
}

/// How to launch each workflow of `document`'s catalog (`POST /api/v2/flows/executions`, then the
/// status poll), with example input values of the declared types. Workflows with no id in the
/// catalog are left out: `flowId` is required.
pub fn launch_requests(document: &callflow_core::Document) -> Vec<Json> {
    document
        .workflow_names()
        .iter()
        .filter_map(|name| {
            let body = callflow_core::export::execution_example(document, name).ok()?;
            let auth = vec![("Authorization".to_owned(), "Bearer {token}".to_owned())];
            let requests = vec![
                RequestSpec {
                    step: "Launch the workflow".to_owned(),
                    method: "POST",
                    url: "{api}/api/v2/flows/executions".to_owned(),
                    headers: [auth.clone(), vec![("Content-Type".to_owned(), "application/json".to_owned())]].concat(),
                    body: Some(body),
                    then: "keep id (flowExecutionId); needs the permission architect:flow:launch".to_owned(),
                },
                RequestSpec {
                    step: "Read the execution".to_owned(),
                    method: "GET",
                    url: "{api}/api/v2/flows/executions/{flowExecutionId}".to_owned(),
                    headers: auth,
                    body: None,
                    then: "status; outputData when it completed, flowErrorInfo when it failed".to_owned(),
                },
            ];
            Some(json!({ "workflow": name, "requests": requests }))
        })
        .collect()
}

/// The file each flow's YAML is saved as (the export's name for it).
pub fn yaml_file(plan: &DeployPlan) -> String {
    format!("{}.yaml", callflow_core::export::slug(&plan.flow_name))
}

/// A bash script that deploys `plans` with curl and jq, in order, stopping at the first failure.
/// The token comes from `GENESYS_TOKEN` and the API base from `GENESYS_API`; neither is written in.
pub fn curl_script(plans: &[DeployPlan]) -> String {
    let mut script = String::from(
        r#"#!/usr/bin/env bash
# Deploys with Genesys Cloud's Architect jobs API (POST /api/v2/flows/jobs, PUT the YAML to the job's
# URL, poll the job), in order: common modules before the flows that call them. Needs curl and jq.
#   GENESYS_API    your region's API base, e.g. https://api.mypurecloud.com or https://api.mypurecloud.de
#   GENESYS_TOKEN  an OAuth access token with architect:job:create, architect:job:view, architect:flow:view
# Each flow's YAML file must sit beside this script (Export → Archy for each flow).
set -euo pipefail
: "${GENESYS_API:?set GENESYS_API to the API base of your region, e.g. https://api.mypurecloud.com}"
: "${GENESYS_TOKEN:?set GENESYS_TOKEN to an OAuth access token}"
cd "$(dirname "$0")"

deploy() { # $1 flow name, $2 YAML file
  local job id url status answer why version
  job=$(curl -sS --fail-with-body -X POST "$GENESYS_API/api/v2/flows/jobs" \
    -H "Authorization: Bearer $GENESYS_TOKEN" -H "Content-Type: application/json" -d '{}')
  id=$(jq -r .id <<<"$job")
  url=$(jq -r .presignedUrl <<<"$job")
  local lines headers=()
  lines=$(jq -r '(.headers // {}) | to_entries[] | "\(.key): \(.value)"' <<<"$job")
  while IFS= read -r header; do [ -n "$header" ] && headers+=(-H "$header"); done <<<"$lines"
  curl -sS --fail-with-body -X PUT "$url" "${headers[@]}" --data-binary "@$2" >/dev/null
  while :; do
    answer=$(curl -sS --fail-with-body "$GENESYS_API/api/v2/flows/jobs/$id?expand=messages" -H "Authorization: Bearer $GENESYS_TOKEN")
    status=$(jq -r .status <<<"$answer")
    case "$status" in
      Success) break ;;
      Failure)
        why=$(jq -r '[.messages[]?.text] | join(" | ")' <<<"$answer")
        echo "$1: the job failed: $why" >&2
        return 1 ;;
      *) sleep "${GENESYS_POLL_SECONDS:-3}" ;;
    esac
  done
  local flow
  flow=$(jq -r .flow.id <<<"$answer")
  answer=$(curl -sS --fail-with-body "$GENESYS_API/api/v2/flows/$flow" -H "Authorization: Bearer $GENESYS_TOKEN")
  version=$(jq -r .publishedVersion.id <<<"$answer")
  echo "published \"$1\" version $version (flow id $flow)"
}

"#,
    );
    for plan in plans {
        script.push_str(&format!("deploy {} {}\n", shell_quote(&plan.flow_name), shell_quote(&yaml_file(plan))));
    }
    script
}

/// `text` as one single-quoted shell word.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}
