//! Masking, fingerprinting and scrubbing of secrets, so that no key leaves the program whole.

use regex::Regex;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
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
    format!("{}…{tail}", kept_prefix(secret))
}

/// The prefix [`mask`] keeps of `secret` (`sk-ant-api03-`), or `""`.
fn kept_prefix(secret: &str) -> &'static str {
    let n = secret.chars().count();
    let tail_len = if n < 12 { 2 } else { 4 };
    KNOWN_PREFIXES
        .iter()
        .find(|p| secret.starts_with(**p) && p.chars().count() + tail_len + 4 <= n)
        .copied()
        .unwrap_or("")
}

/// A short SHA-256 prefix: the same key gives the same fingerprint on two machines.
#[must_use]
pub fn fingerprint(secret: &str) -> String {
    lower_hex(&Sha256::digest(secret.as_bytes())[..4])
}

/// Bytes as lowercase hex (digests, fingerprints).
#[must_use]
pub fn lower_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

/// Masked form plus fingerprint: `sk-ant-api03-…wxyz (sha256:1a2b3c4d)`.
#[must_use]
pub fn describe(secret: &str) -> String {
    format!("{} (sha256:{})", mask(secret), fingerprint(secret))
}

/// Shortest run of a known secret's characters that counts as a leak: no output may hold
/// [`FRAGMENT_MIN`] or more consecutive characters of a known secret, except the prefix its
/// masked form shows (`sk-ant-api03-`).
pub const FRAGMENT_MIN: usize = 12;

/// Replaces every value of `known` with its masked form, every run of [`FRAGMENT_MIN`] or more
/// of its characters (a key echoed in pieces, wrapped, or cut) with `…`, and every
/// secret-looking token with its masked form. The last line of defence before anything is
/// printed.
#[must_use]
pub fn scrub(text: &str, known: &[&str]) -> String {
    let mut out = text.to_string();
    for secret in known {
        let secret = secret.trim();
        if secret.len() >= 8 && out.contains(secret) {
            out = out.replace(secret, &mask(secret));
        }
    }
    let out = mask_fragments(&out, known);
    let out = secret_pattern().replace_all(&out, |caps: &regex::Captures<'_>| mask(&caps[0]));
    let out = url_password_pattern().replace_all(&out, "${1}****@");
    mask_random_tokens(&out)
}

/// Every window of [`FRAGMENT_MIN`] characters of the known secrets, but those wholly inside
/// the prefix a masked form shows.
fn fragment_windows(known: &[&str]) -> HashSet<Vec<char>> {
    let mut windows = HashSet::new();
    for secret in known {
        let secret = secret.trim();
        let chars: Vec<char> = secret.chars().collect();
        let public = kept_prefix(secret).chars().count();
        for start in 0..=chars.len().saturating_sub(FRAGMENT_MIN) {
            if chars.len() >= FRAGMENT_MIN && start + FRAGMENT_MIN > public {
                windows.insert(chars[start..start + FRAGMENT_MIN].to_vec());
            }
        }
    }
    windows
}

/// Replaces each maximal run of text made of known-secret windows with `…`.
fn mask_fragments(text: &str, known: &[&str]) -> String {
    let windows = fragment_windows(known);
    if windows.is_empty() || text.len() < FRAGMENT_MIN {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let is_fragment = |start: usize| {
        start + FRAGMENT_MIN <= chars.len() && windows.contains(&chars[start..start + FRAGMENT_MIN])
    };
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if is_fragment(i) {
            // Extend while the window ending at the next character is a fragment too.
            let mut end = i + FRAGMENT_MIN;
            while end < chars.len() && is_fragment(end + 1 - FRAGMENT_MIN) {
                end += 1;
            }
            out.push('…');
            i = end;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Secret-looking values written in `text`, for a text whose secrets nobody told us (a pasted
/// error): keys and tokens by shape, URL passwords, values given to a `*KEY*`, `*TOKEN*`,
/// `*SECRET*` or `*PASSWORD*` name or after `Bearer`, the key tails `~/.claude.json` keeps in
/// `customApiKeyResponses`, and long random tokens, also when a terminal wrapped one across
/// two lines. Passed to [`scrub`] as known secrets, every piece of them is masked wherever it
/// shows up, even cut or glued to other text.
#[must_use]
pub fn secrets_in(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut add = |value: &str| {
        let value = value.trim_matches(|c: char| matches!(c, '"' | '\'' | ',' | ';'));
        if value.chars().count() >= 8 && found.len() < 256 && !found.iter().any(|f| f == value) {
            found.push(value.to_string());
        }
    };
    for m in secret_pattern().find_iter(text) {
        add(m.as_str());
    }
    for caps in url_password_pattern().captures_iter(text) {
        add(&caps[2]);
    }
    for caps in named_value_pattern().captures_iter(text) {
        // A value, not a word: `api_key_source: environment` is no secret.
        let value = &caps[1];
        let mixed = value.chars().any(|c| c.is_ascii_uppercase())
            && value.chars().any(|c| c.is_ascii_lowercase());
        if mixed || value.chars().any(|c| c.is_ascii_digit()) {
            add(value);
        }
    }
    for caps in key_responses_pattern().captures_iter(text) {
        for tail in caps[1].split(',') {
            add(tail.trim());
        }
    }
    // Each line, and the lines glued together: a token wrapped by a terminal is whole there.
    let joined: String = text.lines().map(str::trim_end).collect();
    for hay in [text, joined.as_str()] {
        for token in hay.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_')) {
            if looks_random(token) && !is_own_file_name(token) {
                add(token);
            }
        }
    }
    found.sort_by_key(|s| std::cmp::Reverse(s.len()));
    found
}

/// `ANTHROPIC_AUTH_TOKEN="value"`, `x-api-key: value`, `Authorization: Bearer value`.
fn named_value_pattern() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        Regex::new(
            r#"(?i)(?:[a-z_-]*(?:key|token|secret|password|passwd)[a-z_-]*["']?\s*[=:]\s*(?:bearer\s+)?|\bbearer\s+)["']?([A-Za-z0-9][^\s"'<>,;}\]]{7,})"#,
        )
        .expect("static regex")
    })
}

/// `"approved": ["tail1", "tail2"]` and `"rejected": […]` of `~/.claude.json`.
fn key_responses_pattern() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        Regex::new(r#""(?:approved|rejected)"\s*:\s*\[([^\]]*)\]"#).expect("static regex")
    })
}

/// Prefixes that start a key being typed: once a word begins with one, what follows the
/// known prefix is hidden as it is typed.
const TYPED_TRIGGERS: &[&str] = &["sk-", "AKIA", "ASIA", "ABSK", "ya29"];

/// Shortest word mixing upper case, lower case and digits that [`mask_typed`] hides.
const TYPED_RANDOM_MIN: usize = 12;

/// A line as an input box may show it while a secret is typed into it, one character at a
/// time (or pasted without bracketed paste, which arrives the same way): a word that starts
/// like a key (`sk-`, `AKIA`…) keeps only the part every key of its kind shares
/// (`sk-ant-api03-`), a word of 12 or more characters mixing upper case, lower case and
/// digits is hidden whole, and a word already partly hidden stays hidden as it grows. Hidden
/// characters become `•`, one for one, so the cursor stays where it was.
#[must_use]
pub fn mask_typed(line: &str) -> String {
    let is_word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '•');
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if !is_word(c) {
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let len = rest.find(|c: char| !is_word(c)).unwrap_or(rest.len());
        let word = &rest[..len];
        match typed_visible(word) {
            Some(visible) => {
                out.push_str(&word[..visible]);
                out.extend(word[visible..].chars().map(|_| '•'));
            }
            None => out.push_str(word),
        }
        rest = &rest[len..];
    }
    out
}

/// How many leading bytes of `word` may stay visible, or `None` when it is no secret.
fn typed_visible(word: &str) -> Option<usize> {
    if TYPED_TRIGGERS.iter().any(|t| word.starts_with(t)) {
        // The longest start shared with a known prefix: `sk-ant-a` may still become
        // `sk-ant-api03-`; nothing typed after that shows.
        let shared = KNOWN_PREFIXES
            .iter()
            .map(|p| {
                word.bytes()
                    .zip(p.bytes())
                    .take_while(|(a, b)| a == b)
                    .count()
            })
            .max()
            .unwrap_or(0);
        return (shared < word.len()).then_some(shared);
    }
    if word.contains('•') {
        return Some(0);
    }
    (word.chars().count() >= TYPED_RANDOM_MIN
        && word.chars().any(|c| c.is_ascii_uppercase())
        && word.chars().any(|c| c.is_ascii_lowercase())
        && word.chars().any(|c| c.is_ascii_digit()))
    .then_some(0)
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
        if looks_random(token) && !is_own_file_name(token) {
            out.push_str(&mask(token));
        } else {
            out.push_str(token);
        }
        rest = &rest[len..];
    }
    out
}

/// The names this tool gives its own backup folders, `<timestamp>-<fix id>-<n>`
/// (`20261130T115828Z-drop-override-1`), and saved reports (`claude-auth-report-<timestamp>`): long and mixed like a token, but made by us and
/// needed whole to find the backup. Only the exact shape with a known fix id passes; a known
/// secret inside it was already masked by the fragment rule before this is asked.
fn is_own_file_name(token: &str) -> bool {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    let pattern = PATTERN.get_or_init(|| {
        Regex::new(r"^(?:[0-9]{8}T[0-9]{6}Z-([a-z][a-z-]*[a-z])-[0-9]{1,3}|claude-auth-report-[0-9]{8}T[0-9]{6}Z(?:-[0-9]{1,3})?)$")
            .expect("static regex")
    });
    pattern.captures(token).is_some_and(|caps| {
        caps.get(1)
            .is_none_or(|fix| crate::ids::FixId::parse(fix.as_str()).is_some())
    })
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
    fn scrub_masks_every_fragment_of_twelve_or_more() {
        let chunks: Vec<String> = KEY
            .chars()
            .collect::<Vec<_>>()
            .chunks(12)
            .map(|c| c.iter().collect())
            .collect();
        let echoed = format!("you sent: {}", chunks.join(" "));
        let out = scrub(&echoed, &[KEY]);
        for start in 0..=KEY.len() - FRAGMENT_MIN {
            let piece = &KEY[start..start + FRAGMENT_MIN];
            if !"sk-ant-api03-".contains(piece) {
                assert!(!out.contains(piece), "{piece:?} in {out}");
            }
        }
        // The masked form itself stays readable.
        assert_eq!(scrub(&mask(KEY), &[KEY]), mask(KEY));
        // Eleven characters are not a leak: they stay.
        assert_eq!(scrub("FAKEFAKEFAK", &[KEY]), "FAKEFAKEFAK");
    }

    #[test]
    fn secrets_in_finds_wrapped_named_and_stored_values() {
        let token = "gw-FAKEgatewayTOKEN4444444444444444-Gt03";
        let text = format!(
            "Invalid bearer token {}\n{}\nHTTPS_PROXY=http://al:pr0xyPASS99@proxy:3128\n\
             export MY_TOKEN=\"s3cretValue42\"\n\"rejected\": [\"-Tail20xDistinctQ7zZ\"]\n\
             api_key_source: environment req_011CSHxD9rXnXQV7S5Nnmq",
            &token[..30],
            &token[30..]
        );
        let found = secrets_in(&text);
        for expected in [
            token,
            "pr0xyPASS99",
            "s3cretValue42",
            "-Tail20xDistinctQ7zZ",
        ] {
            // (A token wrapped at a line's end may come glued to the next line's first word.)
            assert!(
                found.iter().any(|f| f.contains(expected)),
                "{expected} not in {found:?}"
            );
        }
        assert!(!found.iter().any(|f| f == "environment"), "{found:?}");
        let known: Vec<&str> = found.iter().map(String::as_str).collect();
        let out = scrub(&text, &known);
        assert!(!out.contains(&token[..30]), "{out}");
        assert!(out.contains("req_011CSHxD9rXnXQV7S5Nnmq"), "{out}");
    }

    #[test]
    fn mask_typed_hides_keys_as_they_grow() {
        assert_eq!(mask_typed("key sk-ant-a"), "key sk-ant-a");
        assert_eq!(mask_typed("key sk-ant-api03-AB"), "key sk-ant-api03-••");
        assert_eq!(mask_typed("sk-ant-oat01-x y"), "sk-ant-oat01-• y");
        assert_eq!(mask_typed("AbCdEf123456 ok"), "•••••••••••• ok");
        assert_eq!(mask_typed("••••x"), "•••••");
        // Words of an error message stay.
        let plain = "Invalid API key · Fix external API key (x-api-key, claude-sonnet-4-20250514)";
        assert_eq!(mask_typed(plain), plain);
    }

    #[test]
    fn scrub_keeps_the_tools_own_backup_folder_names_whole() {
        let path =
            "backup in ~/.local/state/claude-auth-tui/backups/20261130T115828Z-drop-override-1/";
        assert_eq!(scrub(path, &[]), path);
        assert!(secrets_in(path).is_empty(), "{:?}", secrets_in(path));
        let report =
            "saved ~/.local/state/claude-auth-tui/claude-auth-report-20261130T115828Z-2.md";
        assert_eq!(scrub(report, &[]), report);
        // The same shape with no fix id of ours, or anything glued to it, is still a token.
        let forged = "20261130T115828Z-FAKEgatewayTOKEN-abcd-1";
        assert!(!scrub(forged, &[]).contains("FAKEgatewayTOKEN"));
        let glued = "20261130T115828Z-drop-override-1FAKEgatewayTOKEN";
        assert!(!scrub(glued, &[]).contains("FAKEgatewayTOKEN"));
        // A known secret never hides behind the shape: the 12-character rule still applies.
        let secret = "20261130T115828Z-drop-override-7";
        assert!(!scrub(secret, &[secret]).contains("115828Z-drop"));
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
