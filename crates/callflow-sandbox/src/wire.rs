//! The platform's wire conventions, apart from the org's rules: the ErrorBody and OAuth error
//! shapes, query decoding and percent-encoding, `…EntityListing` paging, random ids and secrets
//! from the OS CSPRNG, and ISO 8601 timestamps. `org/` and `server.rs` both use these; none of
//! them knows about the org.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use indexmap::IndexMap;
use serde_json::{json, Value as Json};

/// A refusal in the platform's ErrorBody shape (reference §D1). The `code` values are the
/// sandbox's own; the platform publishes no list.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiErr {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    pub params: IndexMap<String, String>,
    pub retry_after: Option<u64>,
}

impl ApiErr {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> ApiErr {
        ApiErr { status, code, message: message.into(), params: IndexMap::new(), retry_after: None }
    }

    pub(crate) fn param(mut self, key: &str, value: &str) -> ApiErr {
        self.params.insert(key.to_owned(), value.to_owned());
        self
    }

    pub fn body(&self, context_id: &str) -> Json {
        let mut with_params = self.message.clone();
        for (key, value) in &self.params {
            with_params = with_params.replace(value.as_str(), &format!("{{{key}}}"));
        }
        json!({
            "message": self.message,
            "code": self.code,
            "status": self.status,
            "messageWithParams": with_params,
            "messageParams": self.params,
            "contextId": context_id,
            "details": [],
            "errors": [],
        })
    }
}

/// An OAuth error (RFC 6749 §5.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthErr {
    pub status: u16,
    pub error: &'static str,
    pub description: String,
}

pub(crate) fn oauth(status: u16, error: &'static str, description: impl Into<String>) -> OAuthErr {
    OAuthErr { status, error, description: description.into() }
}

pub fn random_token(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    // getrandom reads the OS CSPRNG; if that fails the server cannot issue secrets at all.
    getrandom::fill(&mut buffer).unwrap_or_else(|error| panic!("the OS random source failed: {error}"));
    URL_SAFE_NO_PAD.encode(buffer)
}

pub fn random_uuid() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).unwrap_or_else(|error| panic!("the OS random source failed: {error}"));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

pub(crate) fn iso(ms: u64) -> String {
    // A small civil-from-days conversion (H. Hinnant) so no date crate is needed.
    let seconds = ms / 1_000;
    let days = (seconds / 86_400) as i64;
    let rem = seconds % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60,
        ms % 1_000
    )
}

pub(crate) fn parse_number(
    value: Option<String>,
    default: u32,
    name: &str,
    range: std::ops::RangeInclusive<u32>,
) -> Result<u32, ApiErr> {
    match value {
        None => Ok(default),
        Some(text) => text.parse::<u32>().ok().filter(|n| range.contains(n)).ok_or_else(|| {
            ApiErr::new(
                400,
                "bad.request",
                format!("{name} must be a number from {} to {}", range.start(), range.end()),
            )
            .param("field", name)
        }),
    }
}

/// An `…EntityListing` page with the platform's paging fields.
pub(crate) fn listing<T>(
    items: &[T],
    page_size: u32,
    page_number: u32,
    path: &str,
    query: &[(String, String)],
    to_json: impl Fn(&T) -> Json,
) -> Json {
    let total = items.len() as u32;
    let page_count = total.div_ceil(page_size).max(1);
    let start = ((page_number - 1) * page_size) as usize;
    let entities: Vec<Json> = items.iter().skip(start).take(page_size as usize).map(to_json).collect();
    let rest: String = query
        .iter()
        .filter(|(k, _)| k != "pageNumber" && k != "pageSize")
        .map(|(k, v)| format!("&{}={}", encode(k), encode(v)))
        .collect();
    let uri = |n: u32| format!("{path}?pageSize={page_size}&pageNumber={n}{rest}");
    json!({
        "entities": entities,
        "pageSize": page_size,
        "pageNumber": page_number,
        "total": total,
        "pageCount": page_count,
        "firstUri": uri(1),
        "lastUri": uri(page_count),
        "selfUri": uri(page_number),
        "nextUri": if page_number < page_count { Json::String(uri(page_number + 1)) } else { Json::Null },
        "previousUri": if page_number > 1 { Json::String(uri(page_number - 1)) } else { Json::Null },
    })
}

/// Percent-encoding. The sandbox keeps its own (the client has one too in callflow-deploy) so that
/// a bug in one side's encoding cannot hide behind the same bug in the other.
pub fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Decodes a query string or form body.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|part| {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(value) => {
                        out.push(value);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        assert_eq!(iso(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
    }
}
