//! API access: who is calling (the bearer token), the per-token rate limit, the permission and
//! scope every endpoint requires, and users/me.

use serde_json::{json, Value as Json};

use super::Org;
use crate::seed::User;
use crate::wire::ApiErr;

/// Who is calling.
#[derive(Debug, Clone)]
pub struct Principal {
    pub token: String,
    pub user: Option<User>,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub permissions: Vec<String>,
}

impl Org {
    /// Reads the bearer token and counts the request against the token's rate limit.
    pub fn principal(&mut self, authorization: Option<&str>) -> Result<Principal, ApiErr> {
        self.stats.requests += 1;
        let unauthorized = |message: &str| ApiErr::new(401, "authentication.required", message);
        let token = authorization
            .and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
            .map(str::trim)
            .ok_or_else(|| unauthorized("No authentication bearer token specified in authorization header."))?;
        let now = self.now_ms();
        let record = self
            .tokens
            .get(token)
            .filter(|r| r.expires_ms > now)
            .cloned()
            .ok_or_else(|| unauthorized("Authentication failed: the token is unknown, expired or revoked."))?;
        let window = self.windows.entry(token.to_owned()).or_insert((now, 0));
        if now >= window.0 + 60_000 {
            *window = (now, 0);
        }
        window.1 += 1;
        if window.1 > self.limits.requests_per_minute {
            self.stats.rate_limited += 1;
            let retry_after = (window.0 + 60_000 - now).div_ceil(1_000).max(1);
            let mut error = ApiErr::new(
                429,
                "too.many.requests",
                format!(
                    "Rate limit exceeded the maximum of {} requests per minute for this token",
                    self.limits.requests_per_minute
                ),
            )
            .param("limit", &self.limits.requests_per_minute.to_string());
            error.retry_after = Some(retry_after);
            return Err(error);
        }
        Ok(Principal {
            token: token.to_owned(),
            user: record.user_id.as_ref().and_then(|id| self.seed.users.iter().find(|u| &u.id == id).cloned()),
            client_id: record.client_id,
            scopes: record.scopes,
            permissions: record.permissions,
        })
    }

    /// 403 naming what is missing: the user's permission, or the client's scope.
    pub fn require(principal: &Principal, permission: &str, scope: &str) -> Result<(), ApiErr> {
        let scope_ok = principal
            .scopes
            .iter()
            .any(|s| s == scope || scope.strip_suffix(":readonly").is_some_and(|write| s == write));
        if !scope_ok {
            return Err(ApiErr::new(
                403,
                "missing.scope",
                format!("The OAuth client {} lacks the scope {scope}, which this request needs", principal.client_id),
            )
            .param("scope", scope));
        }
        if !principal.permissions.iter().any(|p| p == permission) {
            let who = principal.user.as_ref().map(|u| u.name.clone()).unwrap_or_else(|| principal.client_id.clone());
            return Err(ApiErr::new(
                403,
                "missing.permissions",
                format!("{who} lacks the permission {permission}, which this request needs"),
            )
            .param("permission", permission)
            .param("scope", scope));
        }
        Ok(())
    }

    pub fn me(principal: &Principal) -> Result<Json, ApiErr> {
        let Some(user) = &principal.user else {
            return Err(ApiErr::new(
                400,
                "bad.request",
                "This request requires a user context. Client credentials cannot be used for requests to this resource.",
            ));
        };
        Ok(json!({
            "id": user.id, "name": user.name, "email": user.email, "username": user.email,
            "title": user.title, "state": "active", "selfUri": format!("/api/v2/users/{}", user.id),
        }))
    }
}
