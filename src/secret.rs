//! Masking, fingerprinting and scrubbing of secrets, so that no key leaves the program whole.

use regex::Regex;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// Prefixes kept in a masked value, longest first, so a reader can tell what kind of key it is.
const KNOWN_PREFIXES: &[&str] = &[
    "sk-ant-admin01-",
    "sk-ant-api03-",
    "sk-ant-oat01-",
    "sk-ant-ort01-",
    "sk-ant-sid01-",
    "sk-ant-",
    "sk-",
    "ABSK",
    "AKIA",
    "ASIA",
    "ya29.",
];

/// Masks a secret: a recognisable prefix (such as `sk-ant-api03-`) and the last 4 characters.
///
/// Short values show less: under 12 characters only the last 2, under 6 nothing at all.
#[must_use]
pub fn mask(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    let n = chars.len();
    if n == 0 {
        return "(empty)".to_string();
    }
    if n < 6 {
        return "…".to_string();
    }
    let tail_len = if n < 12 { 2 } else { 4 };
    let tail: String = chars[n - tail_len..].iter().collect();
    let prefix = KNOWN_PREFIXES
        .iter()
        .find(|p| secret.starts_with(**p) && p.chars().count() + tail_len + 4 <= n)
        .copied()
        .unwrap_or("");
    format!("{prefix}…{tail}")
}

/// A short SHA-256 prefix: the same key gives the same fingerprint on two machines.
#[must_use]
pub fn fingerprint(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().take(4).map(|b| format!("{b:02x}")).collect()
}

/// Masked form plus fingerprint: `sk-ant-api03-…wxyz (sha256:1a2b3c4d)`.
#[must_use]
pub fn describe(secret: &str) -> String {
    format!("{} (sha256:{})", mask(secret), fingerprint(secret))
}

/// Replaces every secret-looking token in `text` with its masked form, and every value of
/// `known` with its masked form. The last line of defence before anything is printed.
#[must_use]
pub fn scrub(text: &str, known: &[&str]) -> String {
    let mut out = text.to_string();
    for secret in known {
        let secret = secret.trim();
        if secret.len() >= 8 && out.contains(secret) {
            out = out.replace(secret, &mask(secret));
        }
    }
    let out = secret_pattern().replace_all(&out, |caps: &regex::Captures<'_>| mask(&caps[0]));
    let out = url_password_pattern().replace_all(&out, "${1}****@");
    mask_random_tokens(&out)
}

/// `scheme://user:password@host` → `scheme://user:****@host` (proxy and gateway URLs).
fn url_password_pattern() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        Regex::new(r"([A-Za-z][A-Za-z0-9+.\-]*://[^\s/:@]*:)([^\s@/]+)@").expect("static regex")
    })
}

/// Masks long random-looking tokens nobody told us about (gateway tokens, AWS secret keys):
/// 32 or more characters of `[A-Za-z0-9_-]` mixing upper case, lower case and digits. Paths
/// and URLs are split at `/`, so their words are judged one by one.
fn mask_random_tokens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(rest.len());
        if len == 0 {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let token = &rest[..len];
        if looks_random(token) {
            out.push_str(&mask(token));
        } else {
            out.push_str(token);
        }
        rest = &rest[len..];
    }
    out
}

fn looks_random(token: &str) -> bool {
    token.len() >= 32
        && token.chars().any(|c| c.is_ascii_uppercase())
        && token.chars().any(|c| c.is_ascii_lowercase())
        && token.chars().any(|c| c.is_ascii_digit())
}

fn secret_pattern() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        // Anthropic keys and tokens, AWS access keys, Google access tokens, bearer values.
        Regex::new(
            r"sk-ant-[A-Za-z0-9]{2,8}-[A-Za-z0-9_\-]{8,}|sk-ant-[A-Za-z0-9_\-]{12,}|\b(?:AKIA|ASIA)[A-Z0-9]{16}\b|ya29\.[A-Za-z0-9_\-]{10,}",
        )
        .expect("static regex")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk-ant-api03-FAKEFAKEFAKEFAKEFAKEFAKE-abcd";

    #[test]
    fn mask_keeps_prefix_and_last_four() {
        assert_eq!(mask(KEY), "sk-ant-api03-…abcd");
        assert_eq!(mask("sk-ant-oat01-xyzxyzxyzxyz1234"), "sk-ant-oat01-…1234");
        assert_eq!(mask("plainsecretvalue9876"), "…9876");
        assert_eq!(mask("short1"), "…t1");
        assert_eq!(mask("abc"), "…");
        assert_eq!(mask(""), "(empty)");
    }

    #[test]
    fn mask_never_shows_more_than_prefix_and_tail() {
        let m = mask(KEY);
        let alnum = m.chars().filter(char::is_ascii_alphanumeric).count();
        assert!(alnum <= 24, "{m}");
        assert!(!m.contains("FAKEFAKE"));
    }

    #[test]
    fn fingerprint_is_stable_and_short() {
        assert_eq!(fingerprint(KEY), fingerprint(KEY));
        assert_eq!(fingerprint(KEY).len(), 8);
        assert_ne!(fingerprint(KEY), fingerprint("sk-ant-api03-other"));
    }

    #[test]
    fn scrub_masks_known_and_pattern_secrets() {
        let text =
            format!("key={KEY} token=sk-ant-oat01-ZZZZZZZZZZZZZZZZ9999 custom=hunter2hunter2");
        let out = scrub(&text, &["hunter2hunter2"]);
        assert!(!out.contains("FAKEFAKE"));
        assert!(!out.contains("ZZZZZZZZ"));
        assert!(!out.contains("hunter2hunter2"));
        assert!(out.contains("sk-ant-api03-…abcd"));
    }

    #[test]
    fn scrub_masks_url_passwords_and_unknown_random_tokens() {
        let out = scrub(
            "proxy http://bob:s3cretPass@proxy:8080 token gw-FAKEgatewayTOKEN4444444444444444-Gt03 path /home/user/projects",
            &[],
        );
        assert!(out.contains("http://bob:****@proxy:8080"), "{out}");
        assert!(!out.contains("s3cretPass"), "{out}");
        assert!(!out.contains("FAKEgatewayTOKEN"), "{out}");
        assert!(out.contains("/home/user/projects"), "{out}");
        assert_eq!(
            scrub("req_011CSHxD9rXnXQV7S5Nnmq", &[]),
            "req_011CSHxD9rXnXQV7S5Nnmq"
        );
    }
}
