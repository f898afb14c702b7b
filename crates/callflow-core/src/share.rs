//! Share links: a flow document or a project, compressed into a URL fragment, so a link carries the
//! whole thing and nothing is sent to any server (the fragment never leaves the browser). The text
//! is deflated (miniz_oxide, the compressor behind flate2) and written as URL-safe base64:
//! `#share=v1.<data>`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// What a share fragment starts with.
pub const PREFIX: &str = "#share=v1.";

/// The longest fragment written: links past this are cut by mail and chat clients, so a larger
/// flow is downloaded as a file instead.
pub const MAX_FRAGMENT: usize = 32_768;

/// The most a fragment may inflate to (a guard against a crafted link).
const MAX_TEXT: usize = 32 * 1024 * 1024;

/// Why a link could not be made or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShareError {
    #[error("the flow is {size} characters as a link; a link holds at most {limit}: download the file instead")]
    TooLarge { size: usize, limit: usize },
    #[error("this is not a Callflow Studio share link")]
    NotALink,
    #[error("the link is damaged: {0}")]
    Damaged(String),
}

/// The fragment (`#share=v1.…`) for the document or project `text` (its compact JSON).
pub fn encode(text: &str) -> Result<String, ShareError> {
    let compressed = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9);
    let fragment = format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(compressed));
    if fragment.len() > MAX_FRAGMENT {
        return Err(ShareError::TooLarge { size: fragment.len(), limit: MAX_FRAGMENT });
    }
    Ok(fragment)
}

/// The text a fragment holds.
pub fn decode(fragment: &str) -> Result<String, ShareError> {
    let data = fragment.trim().strip_prefix(PREFIX).ok_or(ShareError::NotALink)?;
    let compressed = URL_SAFE_NO_PAD.decode(data).map_err(|e| ShareError::Damaged(e.to_string()))?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&compressed, MAX_TEXT)
        .map_err(|e| ShareError::Damaged(format!("{e:?}")))?;
    String::from_utf8(bytes).map_err(|_| ShareError::Damaged("not text".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_gives_back_the_text_and_refuses_what_it_cannot_hold() {
        let text = r#"{"format":"callflow/v1","flow":{"name":"Ünïcode ✓"}}"#;
        let fragment = encode(text).unwrap();
        assert!(fragment.starts_with(PREFIX));
        assert!(fragment[PREFIX.len()..].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(decode(&fragment).unwrap(), text);
        assert_eq!(decode("#other"), Err(ShareError::NotALink));
        assert!(matches!(decode("#share=v1.@@@"), Err(ShareError::Damaged(_))));
        assert!(matches!(decode("#share=v1.AAAA"), Err(ShareError::Damaged(_))));
        // Text that does not compress (every byte different) past the limit is refused.
        let noise: String = (0..60_000u32).map(|i| char::from_u32(0x4E00 + (i * 7919) % 20_000).unwrap()).collect();
        assert!(matches!(encode(&noise), Err(ShareError::TooLarge { .. })));
    }
}
