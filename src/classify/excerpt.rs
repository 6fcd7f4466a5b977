//! The excerpt shown beside a cause: the matched text with some context, secrets masked.

use crate::secret;
use std::ops::Range;

/// Context kept on each side of a match in the excerpt.
const EXCERPT_CONTEXT: usize = 100;
/// Longest excerpt, in bytes (before the ellipses).
const EXCERPT_MAX: usize = 320;

/// The matched text with some context from its line, secrets masked, at most ~320 bytes.
pub(super) fn excerpt(hay: &str, m: Range<usize>, secrets: &[String]) -> String {
    let line_start = hay[..m.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = hay[m.end..].find('\n').map_or(hay.len(), |i| m.end + i);
    // Context shrinks as the match grows; a match longer than the limit is cut.
    let context = EXCERPT_MAX.saturating_sub(m.len()) / 2;
    let context = context.min(EXCERPT_CONTEXT);
    let mut start = line_start.max(m.start.saturating_sub(context));
    let mut end = line_end.min(m.end + context).min(start + EXCERPT_MAX);
    while !hay.is_char_boundary(start) {
        start += 1;
    }
    while !hay.is_char_boundary(end) {
        end -= 1;
    }
    // Do not cut a word (or a key) in half at the edges of the window.
    if start > line_start
        && !hay[..start].ends_with(char::is_whitespace)
        && let Some(i) = hay[start..m.start.max(start)].find(char::is_whitespace)
    {
        start += i + 1;
    }
    let mut end = end.max(start);
    if end < line_end && !hay[end..].starts_with(char::is_whitespace) {
        let keep = m.start.max(start);
        if let Some(i) = hay[keep..end].rfind(char::is_whitespace) {
            end = keep + i;
        }
    }
    let mut text = hay[start..end].trim().replace('\n', " ⏎ ");
    if start > line_start {
        text.insert(0, '…');
    }
    if end < line_end {
        text.push('…');
    }
    sanitize(&text, secrets)
}

/// Masks secrets: the shared scrubber with the secrets found in the input (whole and every
/// piece of 12 or more characters), then long random-looking tokens it does not know (AWS
/// secret keys, gateway tokens, JWTs), judged with `+` and `/` as part of a token.
pub(super) fn sanitize(text: &str, secrets: &[String]) -> String {
    let known: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let scrubbed = secret::scrub(text, &known);
    let mut out = String::with_capacity(scrubbed.len());
    let mut rest = scrubbed.as_str();
    while !rest.is_empty() {
        let token_len = rest.find(|c: char| !is_token_char(c)).unwrap_or(rest.len());
        if token_len == 0 {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let token = &rest[..token_len];
        if looks_random(token) {
            out.push_str(&secret::mask(token));
        } else {
            out.push_str(token);
        }
        rest = &rest[token_len..];
    }
    out
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '/')
}

/// A long token mixing upper case, lower case and digits, and not a path, URL or UUID.
fn looks_random(token: &str) -> bool {
    token.len() >= 32
        && !token.contains("//")
        && !token.starts_with('/')
        && token.chars().any(|c| c.is_ascii_uppercase())
        && token.chars().any(|c| c.is_ascii_lowercase())
        && token.chars().any(|c| c.is_ascii_digit())
}
