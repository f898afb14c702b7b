//! The org's starting content, read from a JSON seed file (`seed/demo-org.json` is built in).

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

pub const DEMO_SEED: &str = include_str!("../seed/demo-org.json");

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Seed {
    pub org: OrgInfo,
    pub users: Vec<User>,
    pub clients: Vec<Client>,
    pub flows: Vec<SeedFlow>,
    #[serde(default)]
    pub queues: Vec<Queue>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrgInfo {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct User {
    pub id: String,
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub title: String,
    pub permissions: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grant {
    /// Authorization Code with PKCE, a public client (no secret).
    Code,
    ClientCredentials,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Client {
    pub id: String,
    pub name: String,
    pub grant: Grant,
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    #[serde(default)]
    pub secret: Option<String>,
    pub scopes: Vec<String>,
    /// For client credentials: the role's permissions. Code clients act as the signed-in user.
    #[serde(default)]
    pub permissions: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedFlow {
    pub id: String,
    pub name: String,
    /// Upper case, as the API writes it: COMMONMODULE, WORKFLOW, INBOUNDCALL.
    #[serde(rename = "type")]
    pub flow_type: String,
    #[serde(default)]
    pub description: String,
    /// Oldest first; the last one is the published version. Empty: saved but never published.
    #[serde(default)]
    pub published_versions: Vec<String>,
    #[serde(default)]
    pub compatible_flow_types: Vec<String>,
    #[serde(default)]
    pub input_schema: Option<Json>,
    #[serde(default)]
    pub output_schema: Option<Json>,
    /// For workflows: what a completed execution returns.
    #[serde(default)]
    pub output_data: Option<IndexMap<String, Json>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Queue {
    pub id: String,
    pub name: String,
}

impl Seed {
    pub fn parse(text: &str) -> Result<Seed, String> {
        serde_json::from_str(text).map_err(|error| format!("seed file: {error}"))
    }

    pub fn demo() -> Seed {
        // Invariant: the built-in seed is checked by a test; a broken one is a build defect.
        Seed::parse(DEMO_SEED).unwrap_or_else(|error| panic!("built-in seed: {error}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_seed_parses() {
        let seed = Seed::demo();
        assert!(seed.flows.iter().any(|f| f.flow_type == "WORKFLOW"));
    }
}
