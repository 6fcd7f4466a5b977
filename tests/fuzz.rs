//! Fuzzing with proptest: a long, separate run over every parser, the error classifier and the
//! structural JSON edit; and a bounded-work check on 100 MB inputs that runs by default.
//!
//! # How to run
//!
//! ```sh
//! # The fuzz run: 100 000 cases per target (about 50 s in release on 2 cores).
//! cargo test --release --test fuzz -- --ignored
//! # More (or fewer) cases: PROPTEST_CASES sets the count per target.
//! PROPTEST_CASES=1000000 cargo test --release --test fuzz -- --ignored
//! # One target, with its own timing.
//! cargo test --release --test fuzz -- --ignored --exact fuzz_json_edit
//! ```
//!
//! The fuzz targets are `#[ignore]`d so that a plain `cargo test` stays fast; only
//! `huge_inputs_are_refused_or_bounded` runs by default (about 1.5 s in a debug build). A failing
//! case is shrunk, printed, and saved in `tests/fuzz.proptest-regressions`, which proptest
//! replays first on the next run (commit it with the fix).
//!
//! With a nightly toolchain and `cargo install cargo-fuzz`, the same targets also run under
//! libFuzzer (coverage-guided) from the separate `fuzz/` crate, which is its own workspace and
//! not part of the main build:
//!
//! ```sh
//! cd fuzz
//! cargo +nightly fuzz list
//! cargo +nightly fuzz run json_edit -- -max_total_time=300
//! ```
//!
//! Targets and what each asserts beyond "no panic, no hang":
//! - `credentials::parse`: `Parsed` exactly when the text is JSON with a `claudeAiOauth` object;
//!   a usable token is never empty and always has the inference scope.
//! - `settings::parse`: `Loaded` exactly when the text is a JSON object.
//! - `global_config::parse`: `Loaded` exactly for an object; `key_approval` agrees with the
//!   CLI's rule (the last 20 characters listed in `customApiKeyResponses`), restated here.
//! - `profiles::parse_line` for every shell kind: only tracked variables, a CRLF line keeps its
//!   `\r`, `$(…)` and backticks are dynamic, a `#` line is commented.
//! - `classify`: confidence in 0..=1 and consistent with the candidates (best first, at most
//!   6), and no fake secret in its output or in `explain`'s renderings of it.
//! - `json_edit::edit` with `Remove`/`RemoveString`/`PushString`: it succeeds exactly when the
//!   text is JSON and an independent model of the edit succeeds; the result then parses to the
//!   model's value; removals that remove nothing keep every byte.
//!
//! Inputs: raw bytes, JSON-ish token soups (awkward numbers, escapes, BOM, NUL, deep nesting),
//! well-formed documents with random whitespace, escaped keys and duplicates (sometimes
//! damaged), profile-like lines (quotes, escapes, `$(`, backticks, comments, CRLF), and
//! error-message-like text built from the real signature examples with ANSI codes, frames,
//! textual escapes, secrets and line wraps.
//!
//! Two known bugs are tolerated by switches below (`FLOAT_ROUNDTRIP_BUG_OPEN`,
//! `SPLIT_TOKEN_BUG_OPEN`) so the run can look for others; each names the ignored test that
//! shows the bug. Set the switch to `false` once that test passes.

mod support;

use claude_auth_tui::checks::{CheckCtx, CheckOptions, run_all};
use claude_auth_tui::classify::{self, Classification};
use claude_auth_tui::files::{self, FileRead};
use claude_auth_tui::fixes::json_edit::{self, EditMethod, JsonEditError, JsonOp};
use claude_auth_tui::sources::credentials::{self, CredentialsFile, CredentialsState};
use claude_auth_tui::sources::global_config::{self, GlobalConfig, GlobalState, KeyApproval};
use claude_auth_tui::sources::profiles::{self, ShellKind};
use claude_auth_tui::sources::settings::{self, Scope, SettingsFile, SettingsState};
use claude_auth_tui::sources::{Facts, global_config::key_tail};
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use serde_json::{Map, Value};
use std::io::Read as _;
use std::path::Path;
use std::sync::Arc;
use support::*;

/// Cases per fuzz target: `PROPTEST_CASES`, else 100 000.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(100_000);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

const SHELLS: [ShellKind; 4] = [
    ShellKind::Bash,
    ShellKind::Zsh,
    ShellKind::Fish,
    ShellKind::Sh,
];

fn lossy(bytes: &[u8]) -> String {
    files::decode(bytes).0
}

fn pick(items: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::sample::select(items).prop_map(str::to_string)
}

// ---------------------------------------------------------------------------------------------
// JSON-ish token soups: mostly structure, the keys the parsers look for, awkward literals.

const JSON_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    " ",
    "\n",
    "\r\n",
    "\t",
    "\u{feff}",
    "\u{0}",
    "\"claudeAiOauth\"",
    "\"accessToken\"",
    "\"refreshToken\"",
    "\"expiresAt\"",
    "\"scopes\"",
    "\"user:inference\"",
    "\"subscriptionType\"",
    "\"env\"",
    "\"ANTHROPIC_API_KEY\"",
    "\"ANTHROPIC_BASE_URL\"",
    "\"apiKeyHelper\"",
    "\"primaryApiKey\"",
    "\"customApiKeyResponses\"",
    "\"approved\"",
    "\"rejected\"",
    "\"projects\"",
    "\"hasTrustDialogAccepted\"",
    "\"/a\"",
    "\"/a/b\"",
    "\"0123456789abcdefghij\"",
    "\"sk-ant-api03-x\"",
    "\"\\u0000\"",
    "\"\\ud800\"",
    "\"\\ud83d\\ude00\"",
    "\"\\\"\"",
    "\"\\\\\"",
    "\"\\x\"",
    "\"",
    "\\",
    "1e400",
    "-1e400",
    "1.5e-7",
    "-0",
    "0",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "123456789012345678901234567890",
    "\"1795647947424\"",
    "\" 42 \"",
    "true",
    "false",
    "null",
    "nul",
    "NaN",
    "Infinity",
];

fn jsonish() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            8 => pick(JSON_TOKENS),
            1 => "\"[^\"\\\\]{0,12}\"",
            1 => "\\PC{0,6}",
            // Deep nesting, past serde_json's recursion limit of 128 and the scanner's.
            1 => (1usize..300, prop::bool::ANY)
                .prop_map(|(n, obj)| if obj { "{\"a\":".repeat(n) } else { "[".repeat(n) }),
        ],
        0..64,
    )
    .prop_map(|parts| parts.concat())
}

fn raw_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..1024)
}

// ---------------------------------------------------------------------------------------------
// Well-formed JSON documents with random whitespace, escapes and duplicate keys, rendered as
// text; optionally damaged. These reach deep into the edit scanner.

const KEYS: &[&str] = &[
    "env",
    "A",
    "B",
    "customApiKeyResponses",
    "approved",
    "rejected",
    "apiKeyHelper",
    "a\"b",
    "é",
    "",
];

const STRINGS: &[&str] = &[
    "",
    "x",
    "k",
    "sk-ant-api03-x",
    "a\"b",
    "}",
    "]",
    ",",
    "\\",
    "é😀",
    "\u{0}",
    "\u{2028}",
    "0123456789abcdefghij",
];

const SCALARS: &[&str] = &[
    "null",
    "true",
    "false",
    "0",
    "-1",
    "1.5",
    "1e3",
    "-0",
    "1E-2",
    "123456789012345678901234",
    "2.1963605259460954",
];

const WS: &[&str] = &["", "", "", " ", " ", "\n  ", "\r\n\t", "  \n    ", "\t"];

#[derive(Clone, Debug)]
enum Doc {
    Scalar(String),
    Str {
        text: String,
        escape_all: bool,
    },
    Array {
        items: Vec<(String, Doc, String)>,
        empty_ws: String,
    },
    Object {
        members: Vec<Member>,
        empty_ws: String,
    },
}

#[derive(Clone, Debug)]
struct Member {
    ws: [String; 4],
    key: String,
    escape_key: bool,
    value: Doc,
}

fn ws() -> impl Strategy<Value = String> {
    pick(WS)
}

fn doc() -> impl Strategy<Value = Doc> {
    let leaf = prop_oneof![
        pick(SCALARS).prop_map(Doc::Scalar),
        (pick(STRINGS), prop::bool::weighted(0.2))
            .prop_map(|(text, escape_all)| Doc::Str { text, escape_all }),
    ];
    leaf.prop_recursive(5, 48, 5, |inner| {
        prop_oneof![
            (
                prop::collection::vec((ws(), inner.clone(), ws()), 0..5),
                ws()
            )
                .prop_map(|(items, empty_ws)| Doc::Array { items, empty_ws }),
            (
                prop::collection::vec(
                    (
                        [ws(), ws(), ws(), ws()],
                        pick(KEYS),
                        prop::bool::weighted(0.15),
                        inner
                    )
                        .prop_map(|(ws, key, escape_key, value)| Member {
                            ws,
                            key,
                            escape_key,
                            value
                        }),
                    0..5
                ),
                ws()
            )
                .prop_map(|(members, empty_ws)| Doc::Object { members, empty_ws }),
        ]
    })
}

/// A JSON string literal; with `escape_all`, every character as `\uXXXX` (surrogate pairs too).
fn quote(text: &str, escape_all: bool) -> String {
    if !escape_all {
        return serde_json::to_string(text).expect("a string serialises");
    }
    let mut out = String::from("\"");
    for unit in text.encode_utf16() {
        out.push_str(&format!("\\u{unit:04x}"));
    }
    out.push('"');
    out
}

fn render(doc: &Doc, out: &mut String) {
    match doc {
        Doc::Scalar(s) => out.push_str(s),
        Doc::Str { text, escape_all } => out.push_str(&quote(text, *escape_all)),
        Doc::Array { items, empty_ws } => {
            out.push('[');
            if items.is_empty() {
                out.push_str(empty_ws);
            }
            for (i, (before, item, after)) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(before);
                render(item, out);
                out.push_str(after);
            }
            out.push(']');
        }
        Doc::Object { members, empty_ws } => {
            out.push('{');
            if members.is_empty() {
                out.push_str(empty_ws);
            }
            for (i, m) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&m.ws[0]);
                out.push_str(&quote(&m.key, m.escape_key));
                out.push_str(&m.ws[1]);
                out.push(':');
                out.push_str(&m.ws[2]);
                render(&m.value, out);
                out.push_str(&m.ws[3]);
            }
            out.push('}');
        }
    }
}

/// Damage to a rendered document: cut a few bytes, or insert a token, at a relative position.
#[derive(Clone, Debug)]
enum Damage {
    None,
    Cut(u16, u8),
    Insert(u16, String),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        6 => Just(Damage::None),
        1 => (any::<u16>(), 1u8..4).prop_map(|(at, n)| Damage::Cut(at, n)),
        1 => (any::<u16>(), pick(JSON_TOKENS)).prop_map(|(at, t)| Damage::Insert(at, t)),
    ]
}

/// A char boundary at about `at / 65536` of the way through `text`.
fn boundary(text: &str, at: u16) -> usize {
    let mut i = text.len() * usize::from(at) / 65536;
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply_damage(mut text: String, damage: &Damage) -> String {
    match damage {
        Damage::None => {}
        Damage::Cut(at, n) => {
            let from = boundary(&text, *at);
            let mut to = (from + usize::from(*n)).min(text.len());
            while !text.is_char_boundary(to) {
                to += 1;
            }
            text.replace_range(from..to, "");
        }
        Damage::Insert(at, token) => {
            let i = boundary(&text, *at);
            text.insert_str(i, token);
        }
    }
    text
}

/// A document as text: usually an object, sometimes anything; maybe a BOM, maybe damaged.
fn document_text() -> impl Strategy<Value = String> {
    (
        doc(),
        prop::bool::weighted(0.85),
        prop::bool::weighted(0.1),
        ws(),
        ws(),
        damage(),
    )
        .prop_map(|(doc, force_object, bom, lead, trail, dmg)| {
            let doc = match doc {
                d @ Doc::Object { .. } => d,
                d if force_object => Doc::Object {
                    members: vec![Member {
                        ws: Default::default(),
                        key: "env".into(),
                        escape_key: false,
                        value: d,
                    }],
                    empty_ws: String::new(),
                },
                d => d,
            };
            let mut text = String::new();
            if bom {
                text.push('\u{feff}');
            }
            text.push_str(&lead);
            render(&doc, &mut text);
            text.push_str(&trail);
            apply_damage(text, &dmg)
        })
}

// ---------------------------------------------------------------------------------------------
// The structural JSON edit, against an independent model.

fn op() -> impl Strategy<Value = JsonOp> {
    let path = || prop::collection::vec(pick(KEYS), 0..4);
    prop_oneof![
        path().prop_map(JsonOp::Remove),
        (path(), pick(STRINGS)).prop_map(|(p, s)| JsonOp::RemoveString(p, s)),
        (path(), pick(STRINGS)).prop_map(|(p, s)| JsonOp::PushString(p, s)),
    ]
}

/// Walks object keys from the root; `create` makes missing objects. `Ok(None)`: a key is
/// missing. `Err`: something on the way (or at the end) is not an object.
fn model_object<'v>(
    mut current: &'v mut Value,
    path: &[String],
    create: bool,
) -> Result<Option<&'v mut Map<String, Value>>, ()> {
    for key in path {
        let Value::Object(map) = current else {
            return Err(());
        };
        if !map.contains_key(key) {
            if !create {
                return Ok(None);
            }
            map.insert(key.clone(), Value::Object(Map::new()));
        }
        current = map.get_mut(key).ok_or(())?;
    }
    match current {
        Value::Object(map) => Ok(Some(map)),
        _ => Err(()),
    }
}

/// What the document should be after `ops`, or `Err` when the edit cannot be made.
fn model(mut value: Value, ops: &[JsonOp]) -> Result<Value, ()> {
    for op in ops {
        match op {
            JsonOp::Remove(path) => {
                let (key, parent) = path.split_last().ok_or(())?;
                if let Some(map) = model_object(&mut value, parent, false)? {
                    map.shift_remove(key);
                }
            }
            JsonOp::RemoveString(path, s) => {
                let (key, parent) = path.split_last().ok_or(())?;
                if let Some(map) = model_object(&mut value, parent, false)? {
                    match map.get_mut(key) {
                        None => {}
                        Some(Value::Array(items)) => items.retain(|v| v.as_str() != Some(s)),
                        Some(_) => return Err(()),
                    }
                }
            }
            JsonOp::PushString(path, s) => {
                let (key, parent) = path.split_last().ok_or(())?;
                let map = model_object(&mut value, parent, true)?.ok_or(())?;
                match map
                    .entry(key.clone())
                    .or_insert_with(|| Value::Array(Vec::new()))
                {
                    Value::Array(items) => items.push(Value::String(s.clone())),
                    _ => return Err(()),
                }
            }
        }
    }
    Ok(value)
}

/// Set to `false` once `tests/faults_env.rs`'s `json_edit_fallback_keeps_every_number` passes (serde_json parses with
/// `float_roundtrip`): until then, a re-serialised document may move a float by one ULP, and
/// the fuzz target tolerates exactly that so it can look for other faults.
const FLOAT_ROUNDTRIP_BUG_OPEN: bool = false;

/// JSON equality; while the float bug is open, floats may differ in their last bit or two.
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if FLOAT_ROUNDTRIP_BUG_OPEN && x != y => {
            match (x.as_f64(), y.as_f64()) {
                (Some(x), Some(y)) if x.is_finite() && y.is_finite() => {
                    (x.to_bits().abs_diff(y.to_bits()) <= 2)
                        && x.is_sign_negative() == y.is_sign_negative()
                }
                _ => false,
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_json(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

fn check_edit(text: &str, ops: &[JsonOp]) -> Result<(), TestCaseError> {
    let result = json_edit::edit(text, ops);
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let original = serde_json::from_str::<Value>(body).ok();
    let expected = original.clone().map(|v| model(v, ops));
    match (&result, &expected) {
        (Ok((out, method)), Some(Ok(expected))) => {
            let had_bom = text.starts_with('\u{feff}');
            prop_assert_eq!(
                out.starts_with('\u{feff}'),
                had_bom,
                "BOM kept or not added"
            );
            let out_body = out.strip_prefix('\u{feff}').unwrap_or(out);
            let parsed: Value = serde_json::from_str(out_body).map_err(|e| {
                TestCaseError::fail(format!("the edit produced invalid JSON ({e}):\n{out}"))
            })?;
            prop_assert!(
                same_json(&parsed, expected),
                "edit result differs from the model:\n{:?}\n{:?}\nfrom {:?} with {:?}:\n{}",
                parsed,
                expected,
                text,
                ops,
                out
            );
            let removals_only = ops.iter().all(|op| !matches!(op, JsonOp::PushString(..)));
            if removals_only && Some(expected) == original.as_ref() {
                // Nothing to remove: every byte is kept.
                prop_assert_eq!(*method, EditMethod::InPlace);
                prop_assert_eq!(out.as_str(), text);
            }
        }
        (Err(JsonEditError::Invalid(_)), None) => {}
        (Err(JsonEditError::Shape(_)), Some(Err(()))) => {}
        _ => {
            return Err(TestCaseError::fail(format!(
                "edit and model disagree on {text:?} with {ops:?}: edit {result:?}, model {expected:?}"
            )));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Shell-profile lines.

const PROFILE_PREFIX: &[&str] = &[
    "",
    "export ",
    "export  ",
    "declare -x ",
    "declare -gx ",
    "typeset -x ",
    "typeset -gx ",
    "setenv ",
    "set ",
    "set -gx ",
    "set -x ",
    "set -Ux ",
    "set --global --export ",
    "set --export ",
    "# ",
    "#",
    "  # export ",
    "\t",
    "   ",
    "source ",
    ". ",
    "local ",
    "readonly ",
    "alias ",
];

const PROFILE_VARS: &[&str] = &[
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_AUTH_TOKEN",
    "CLAUDE_CODE_OAUTH_TOKEN",
    "ANTHROPIC_BASE_URL",
    "ANTHROPIC_API_KEY_2",
    "PATH",
    "",
];

const PROFILE_SEP: &[&str] = &["=", " ", "= ", "==", "\t", "=\"", "='"];

const PROFILE_PIECES: &[&str] = &[
    "sk-ant-api03-FAKEtestKEY",
    "-AbCd",
    "'",
    "\"",
    "\\",
    "\\\"",
    "\\'",
    "$(",
    ")",
    "$(op read op://vault/key)",
    "`",
    "`cat ~/.key`",
    "$HOME",
    "${HOME}",
    "${X:-y}",
    "$",
    "#",
    " # a comment",
    " #",
    "#not-a-comment",
    ";",
    " && echo hi",
    "|",
    "\r",
    "\u{0}",
    "é",
    "😀",
    "\u{feff}",
    " ",
    "\t",
    "~/x",
    "http://gw.example:8080/v1",
];

const PROFILE_SUFFIX: &[&str] = &["", "", "\r", " # comment", ";", " \r", "\\"];

fn profile_line() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (
            pick(PROFILE_PREFIX),
            pick(PROFILE_VARS),
            pick(PROFILE_SEP),
            prop::collection::vec(pick(PROFILE_PIECES), 0..8),
            pick(PROFILE_SUFFIX),
        )
            .prop_map(|(prefix, var, sep, pieces, suffix)| {
                format!("{prefix}{var}{sep}{}{suffix}", pieces.concat())
            }),
        1 => "\\PC{0,120}",
        1 => raw_bytes().prop_map(|b| lossy(&b)),
    ]
}

fn check_profile_line(line: &str, shell: ShellKind) -> Result<(), TestCaseError> {
    let _ = profiles::unquote(line);
    let Some(a) = profiles::parse_line(line, shell) else {
        return Ok(());
    };
    prop_assert!(
        profiles::TRACKED_VARS.contains(&a.var.as_str()),
        "untracked variable {:?} from {:?}",
        a.var,
        line
    );
    prop_assert_eq!(a.shell, shell);
    prop_assert_eq!(a.commented, line.trim_start().starts_with('#'));
    if line.ends_with('\r') {
        prop_assert!(a.value.ends_with('\r'), "CRLF lost in {:?}", line);
    }
    if a.raw_value.contains("$(") || a.raw_value.contains('`') {
        prop_assert!(a.dynamic, "{:?} is computed at run time", line);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Error-message-like text: real signature examples, wrapped, coloured, framed, escaped, with
// secrets in between.

const NOISE: &[&str] = &[
    "\u{1b}[31m",
    "\u{1b}[0m",
    "\u{1b}[1;38;5;196m",
    "\u{1b}[2K\r",
    "\u{1b}]0;claude\u{7}",
    "\u{1b}]8;;https://x\u{1b}\\",
    "\u{1b}]",
    "\u{1b}[",
    "\u{1b}",
    "\u{1b}P",
    "\\u001b[31m",
    "\\x1b[0m",
    "\\033[1m",
    "^[[33m",
    "\\n",
    "\\\"",
    "&quot;",
    "&#39;",
    "&amp;",
    "\n",
    "\r\n",
    "\r",
    "\n\n\n",
    "  ",
    "\t",
    "│ ",
    " │",
    "╭──╮",
    "⎿ ",
    "⏺ ",
    "● ",
    "> ",
    "❯ ",
    " · ",
    "\u{200b}",
    "\u{a0}",
    "\u{2028}",
    "\u{feff}",
    "’",
    "“",
    "API Error: 401",
    "status: 403",
    "x-api-key: ",
    "Authorization: Bearer ",
    "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"",
    "\"}}",
    "<html><body>",
    "    at Ab.run (file:///opt/claude/cli.js:407:12)",
    "$ claude -p hi",
];

const WRAPS: &[&str] = &["\n", "\r\n", "\n  ", " │\n│ ", "\u{1b}[0m\n\u{1b}[31m"];

#[derive(Clone, Debug)]
enum Piece {
    Example(usize),
    Noise(String),
    Secret(usize, bool),
    Free(String),
}

fn error_text() -> impl Strategy<Value = String> {
    let n = classify::signatures().len();
    let piece = prop_oneof![
        3 => (0..n).prop_map(Piece::Example),
        4 => pick(NOISE).prop_map(Piece::Noise),
        1 => (0..ALL_FAKE_SECRETS.len(), prop::bool::ANY).prop_map(|(i, spaced)| Piece::Secret(i, spaced)),
        1 => "\\PC{0,24}".prop_map(Piece::Free),
    ];
    (
        prop::collection::vec(piece, 0..12),
        // Line breaks anywhere, as a terminal wraps a long line (in a frame, or in colour).
        prop::collection::vec((any::<u16>(), pick(WRAPS)), 0..4),
    )
        .prop_map(|(pieces, inserts)| {
            let sigs = classify::signatures();
            let mut text: String = pieces
                .iter()
                .map(|p| match p {
                    Piece::Example(i) => sigs[*i].example.clone(),
                    Piece::Noise(s) | Piece::Free(s) => s.clone(),
                    // While the bug is open, a secret glued to a path or damaged by a broken
                    // escape sequence before it is that known leak: keep secrets on their own
                    // line (the terminal may still wrap them anywhere).
                    Piece::Secret(i, _) if SPLIT_TOKEN_BUG_OPEN => {
                        format!("\n{}\n", ALL_FAKE_SECRETS[*i])
                    }
                    Piece::Secret(i, false) => ALL_FAKE_SECRETS[*i].to_string(),
                    Piece::Secret(i, true) => format!(" {} ", ALL_FAKE_SECRETS[*i]),
                })
                .collect();
            for (at, what) in inserts {
                let i = boundary(&text, at);
                text.insert_str(i, &what);
            }
            text
        })
}

fn check_classification(text: &str) -> Result<(), TestCaseError> {
    let c: Classification = classify::classify(text);
    prop_assert!((0.0..=1.0).contains(&c.confidence), "{}", c.confidence);
    prop_assert!(c.candidates.len() <= 6);
    for k in &c.candidates {
        prop_assert!((0.0..=1.0).contains(&k.score));
    }
    prop_assert!(
        c.candidates.windows(2).all(|w| w[0].score >= w[1].score),
        "candidates not best first: {:?}",
        c.candidates
    );
    match c.cause {
        None => {
            prop_assert_eq!(c.confidence, 0.0);
            prop_assert!(c.matched.is_none());
        }
        Some(cause) => {
            prop_assert!(c.matched.is_some());
            prop_assert_eq!(c.candidates.first().map(|k| k.cause), Some(cause));
            prop_assert_eq!(c.candidates.first().map(|k| k.score), Some(c.confidence));
        }
    }
    // Whatever was pasted, nothing shown may hold a secret.
    let shown = format!(
        "{:?}\n{}\n{}",
        c.matched,
        claude_auth_tui::explain::render_text(&c),
        claude_auth_tui::explain::render_json(&c)
    );
    for k in &c.candidates {
        no_leak(&k.matched)?;
    }
    no_leak(&shown)
}

/// Set to `false` once `tests/leak_guard.rs`'s `explain_masks_a_wrapped_gateway_token` passes:
/// until then `explain` shows a non-Anthropic token whole when it is glued to a path
/// (`/login<token>`, `https://gw/<token>`), and its pieces when the paste split it (a line
/// break, an escape sequence, a zero-width space) into parts shorter than 32 characters; an
/// `sk-ant-` key whose prefix a broken escape sequence ate (`/login\x1b[sk-ant-…`) is shown
/// too. Meanwhile the fuzz target skips the gateway token and keeps each secret on a line of
/// its own (wrapped anywhere still), so it can look for other leaks.
const SPLIT_TOKEN_BUG_OPEN: bool = true;

/// `assert_no_leak` as a proptest failure, so the case is shrunk.
fn no_leak(shown: &str) -> Result<(), TestCaseError> {
    for secret in ALL_FAKE_SECRETS {
        if SPLIT_TOKEN_BUG_OPEN && *secret == FAKE_AUTH_TOKEN {
            continue;
        }
        prop_assert!(
            !shown.contains(secret),
            "secret leaked whole in:\n{}",
            shown
        );
        let middle = &secret[14..30];
        prop_assert!(
            !shown.contains(middle),
            "slice {:?} leaked in:\n{}",
            middle,
            shown
        );
    }
    Ok(())
}

/// The CLI's rule, restated: a key is approved (or rejected) when its last 20 characters are a
/// string in `customApiKeyResponses.approved` (or `.rejected`); approved wins.
fn model_approval(config: Option<&Value>, key: &str) -> KeyApproval {
    let chars: Vec<char> = key.chars().collect();
    let tail: String = chars[chars.len().saturating_sub(20)..].iter().collect();
    let listed = |list: &str| {
        config
            .and_then(|c| c.get("customApiKeyResponses"))
            .and_then(|r| r.get(list))
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|v| v.as_str() == Some(tail.as_str())))
    };
    if listed("approved") {
        KeyApproval::Approved
    } else if listed("rejected") {
        KeyApproval::Rejected
    } else {
        KeyApproval::Unasked
    }
}

// ---------------------------------------------------------------------------------------------
// The fuzz targets (ignored: a separate, long run).

proptest! {
    #![proptest_config(config())]

    #[test]
    #[ignore = "fuzz run: cargo test --release --test fuzz -- --ignored"]
    fn fuzz_credentials_parser(bytes in raw_bytes(), soup in jsonish(), doc in document_text()) {
        for text in [lossy(&bytes), soup, doc] {
            let state = credentials::parse(&text);
            let value = serde_json::from_str::<Value>(&text).ok();
            let has_section = value
                .as_ref()
                .and_then(|v| v.get("claudeAiOauth"))
                .is_some_and(Value::is_object);
            prop_assert_eq!(matches!(state, CredentialsState::Parsed(_)), has_section);
            match &state {
                CredentialsState::Parsed(t) => {
                    let _ = (t.missing_fields(), t.is_blanked(), t.has_inference_scope());
                    if let Some(token) = t.usable_token() {
                        prop_assert!(!token.is_empty());
                        prop_assert!(t.has_inference_scope());
                    }
                }
                CredentialsState::NotJson { reason, .. } => {
                    prop_assert!(value.is_none());
                    prop_assert!(!reason.is_empty());
                }
                _ => {}
            }
        }
    }

    #[test]
    #[ignore = "fuzz run: cargo test --release --test fuzz -- --ignored"]
    fn fuzz_settings_parser(bytes in raw_bytes(), soup in jsonish(), doc in document_text()) {
        for text in [lossy(&bytes), soup, doc] {
            let state = settings::parse(&text);
            let is_object = serde_json::from_str::<Value>(&text)
                .ok()
                .is_some_and(|v| v.is_object());
            prop_assert_eq!(matches!(state, SettingsState::Loaded { .. }), is_object);
            let file = SettingsFile { scope: Scope::User, path: "/s.json".into(), state };
            for name in ["ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "A", ""] {
                let _ = (file.env_value(name), file.line_of_key(name));
            }
            let _ = file.top_value("apiKeyHelper");
        }
    }

    #[test]
    #[ignore = "fuzz run: cargo test --release --test fuzz -- --ignored"]
    fn fuzz_global_config_parser(
        bytes in raw_bytes(),
        soup in jsonish(),
        doc in document_text(),
        key in "\\PC{0,40}",
        cwd in "(/[a-zé.]{0,3}){0,4}",
    ) {
        for text in [lossy(&bytes), soup, doc] {
            let state = global_config::parse(&text);
            let is_object = serde_json::from_str::<Value>(&text)
                .ok()
                .is_some_and(|v| v.is_object());
            prop_assert_eq!(matches!(state, GlobalState::Loaded { .. }), is_object);
            let cfg = GlobalConfig { path: "/x".into(), state };
            if let Some(k) = cfg.primary_api_key() {
                prop_assert!(!k.is_empty());
            }
            let value = serde_json::from_str::<Value>(&text).ok().filter(Value::is_object);
            for k in [key.as_str(), FAKE_API_KEY, "", "0123456789abcdefghij"] {
                prop_assert_eq!(cfg.key_approval(k), model_approval(value.as_ref(), k));
            }
            let _ = (
                cfg.is_trusted(Path::new(&cwd)),
                cfg.is_trusted(Path::new("/a/b")),
                cfg.account_email(),
                cfg.legacy_env_value("ANTHROPIC_API_KEY"),
                cfg.line_of("primaryApiKey"),
            );
        }
        prop_assert!(key_tail(&key).chars().count() <= 20);
        prop_assert!(key.ends_with(key_tail(&key)));
    }

    #[test]
    #[ignore = "fuzz run: cargo test --release --test fuzz -- --ignored"]
    fn fuzz_profile_line_parser(line in profile_line()) {
        for shell in SHELLS {
            check_profile_line(&line, shell)?;
            check_profile_line(&format!("export ANTHROPIC_API_KEY={line}"), shell)?;
            check_profile_line(&format!("set -gx ANTHROPIC_API_KEY {line}"), shell)?;
            check_profile_line(&format!("{line}\r"), shell)?;
        }
    }

    #[test]
    #[ignore = "fuzz run: cargo test --release --test fuzz -- --ignored"]
    fn fuzz_classifier(text in error_text(), bytes in raw_bytes()) {
        check_classification(&text)?;
        check_classification(&lossy(&bytes))?;
    }

    #[test]
    #[ignore = "fuzz run: cargo test --release --test fuzz -- --ignored"]
    fn fuzz_json_edit(
        doc in document_text(),
        soup in jsonish(),
        ops in prop::collection::vec(op(), 0..4),
    ) {
        check_edit(&doc, &ops)?;
        check_edit(&soup, &ops)?;
    }
}

// ---------------------------------------------------------------------------------------------
// 100 MB inputs: the real file-reading path refuses them by size, the classifier reads a
// bounded part; peak memory stays bounded and every call returns.

/// The process's peak resident set (`VmHWM`), in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

const HUNDRED_MB: u64 = 100 * 1024 * 1024;

/// A 100 MB file that starts with `head` (sparse after it: no disk is spent, and the size is
/// what `read_text` judges by).
fn huge_file(path: &Path, head: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, head).unwrap();
    let file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    file.set_len(HUNDRED_MB).unwrap();
}

fn too_large(problem: &str) -> bool {
    problem.contains("too large")
}

/// Memory bound, above the peak at the start: the 100 MB string is held once (100 MiB), the
/// classifier reads at most ~512 KiB of it and `explain` keeps at most 16 MiB of its input;
/// allocator slack and the test harness account for the rest. A reader that loaded any of the
/// 100 MB files, or a classifier that copied its input a few times, would pass 400 MiB.
const MEMORY_BOUND_KIB: u64 = 400 * 1024;

#[test]
fn huge_inputs_are_refused_or_bounded() {
    let start = peak_rss_kib();
    let home = TempHome::new();
    let secret_line = format!("export ANTHROPIC_API_KEY={FAKE_API_KEY}\n");
    let creds = home.home().join(".claude/.credentials.json");
    huge_file(
        &creds,
        &format!("{{\"claudeAiOauth\":{{\"accessToken\":\"{FAKE_OAUTH_TOKEN}\","),
    );
    let user_settings = home.home().join(".claude/settings.json");
    huge_file(&user_settings, "{\"env\": {\"ANTHROPIC_API_KEY\": \"");
    huge_file(&home.home().join(".claude.json"), "{\"primaryApiKey\": \"");
    let zshrc = home.home().join(".zshrc");
    huge_file(&zshrc, &secret_line);
    huge_file(&home.home().join(".bashrc"), &secret_line);

    // The file reader itself.
    for path in [&creds, &user_settings, &zshrc] {
        match files::read_text(path) {
            FileRead::Problem(p) => assert!(too_large(&p), "{p}"),
            other => panic!("a 100 MB file was not refused: {other:?}"),
        }
    }
    // Every source that reads these files.
    match CredentialsFile::load_path(creds.clone()).state {
        CredentialsState::Unreadable(p) => assert!(too_large(&p), "{p}"),
        other => panic!("{other:?}"),
    }
    match SettingsFile::load(Scope::User, user_settings.clone()).state {
        SettingsState::Unreadable(p) => assert!(too_large(&p), "{p}"),
        other => panic!("{other:?}"),
    }
    let env = home.env().var("SHELL", "/bin/zsh").build();
    // ~/.claude.json is streamed whatever its size (the CLI reads big ones): this one is
    // judged by its contents, an unterminated string.
    match GlobalConfig::load(&env).state {
        GlobalState::Corrupt(p) => assert!(p.contains("ends too early"), "{p}"),
        other => panic!("{other:?}"),
    }
    assert!(
        profiles::scan_all(&env).is_empty(),
        "a refused profile yields no assignment"
    );
    // The whole offline diagnosis over that home returns, reporting the refusals.
    let facts = Facts::gather(&env);
    assert!(matches!(
        facts.credentials.state,
        CredentialsState::Unreadable(_)
    ));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let outcomes = rt.block_on(async {
        let ctx = CheckCtx::new(
            Arc::new(env),
            CheckOptions {
                offline: true,
                ..CheckOptions::default()
            },
        );
        run_all(Arc::new(ctx)).await
    });
    let all = format!("{outcomes:?}");
    assert!(too_large(&all), "{all}");
    assert_no_leak(&all);

    // `explain`'s input reader over 100 MB of standard input keeps a bounded part.
    let stdin = std::io::Read::chain(
        std::io::repeat(b'x').take(HUNDRED_MB),
        &b"\nCredit balance is too low\n"[..],
    );
    let input = claude_auth_tui::explain::read_input(&[], stdin).unwrap();
    assert!(
        input.len() <= claude_auth_tui::explain::MAX_INPUT,
        "{}",
        input.len()
    );
    assert_eq!(
        classify::classify(&input).cause,
        Some(claude_auth_tui::ids::CauseId::CreditLow)
    );
    drop(input);

    // The classifier over a 100 MB string: framed, coloured, multi-byte lines (so the head and
    // tail cuts fall inside characters), the real error at the very end.
    let line = "│ \u{1b}[2m⠋ reading… ünïcödé ✗ noise noise noise\u{1b}[0m │\r\n";
    let size = usize::try_from(HUNDRED_MB).unwrap();
    let mut text = String::with_capacity(size + 256);
    while text.len() + line.len() < size {
        text.push_str(line);
    }
    text.push_str("API Error: 401 {\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"OAuth token has expired\"}}\n");
    let c = classify::classify(&text);
    assert_eq!(
        c.cause,
        Some(claude_auth_tui::ids::CauseId::OauthExpired),
        "{c:?}"
    );
    drop(text);

    if let (Some(start), Some(end)) = (start, peak_rss_kib()) {
        let growth = end.saturating_sub(start);
        eprintln!(
            "peak RSS grew by {} MiB (bound {} MiB)",
            growth / 1024,
            MEMORY_BOUND_KIB / 1024
        );
        assert!(
            growth < MEMORY_BOUND_KIB,
            "peak memory grew by {growth} KiB on 100 MB inputs"
        );
    }
}
