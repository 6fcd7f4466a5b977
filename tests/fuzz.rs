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
//! The fuzz targets are `#[ignore]`d so that a plain `cargo test` stays fast; by default run
//! only `huge_inputs_are_refused_or_bounded` (about 1.5 s in a debug build) and a short
//! property run: no panic on arbitrary bytes in credentials, settings, `~/.claude.json` and
//! shell profiles, parsed directly (512 cases each) or read from a temp home by the whole
//! diagnosis (24 cases). A failing case is shrunk, printed, and saved in
//! `tests/fuzz.proptest-regressions`, which proptest replays first on the next run (commit it
//! with the fix). The strategies live in `tests/support/strategies.rs`.
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
#![allow(clippy::unwrap_used)] // tests: a panic is a failed test

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
use support::memory::peak_rss_kib;
use support::strategies::{
    document_text, error_text, jsonish, jsonish_small, lossy, op, profile_line, raw_bytes,
};
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

// ---------------------------------------------------------------------------------------------
// The structural JSON edit, against an independent model.

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

/// Set to `false` once `tests/faults_env.rs`'s `json_edit_fallback_keeps_every_number` passes (`serde_json` parses with
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

#[allow(clippy::float_cmp)] // exact: no match scores exactly zero, not "about zero"
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
    fn fuzz_classifier(text in error_text(SPLIT_TOKEN_BUG_OPEN), bytes in raw_bytes()) {
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

// ---------------------------------------------------------------------------------------------
// A short property run that goes with every `cargo test`: no panic on arbitrary bytes.

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn credentials_parser_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512), text in jsonish_small()) {
        let _ = credentials::parse(&lossy(&bytes));
        if let credentials::CredentialsState::Parsed(t) = credentials::parse(&text) {
            let _ = (t.usable_token(), t.missing_fields(), t.is_blanked());
        }
    }

    #[test]
    fn settings_and_global_parsers_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512), text in jsonish_small()) {
        let _ = settings::parse(&lossy(&bytes));
        let _ = settings::parse(&text);
        let cfg = global_config::GlobalConfig { path: "/x".into(), state: global_config::parse(&text) };
        let _ = (cfg.primary_api_key(), cfg.key_approval("sk-ant-api03-x"), cfg.is_trusted(std::path::Path::new("/a/b")));
    }

    #[test]
    fn profile_lines_never_panic(line in "\\PC{0,200}", shell in 0usize..4) {
        let kind = [profiles::ShellKind::Bash, profiles::ShellKind::Zsh, profiles::ShellKind::Fish, profiles::ShellKind::Sh][shell];
        let _ = profiles::parse_line(&line, kind);
        let _ = profiles::parse_line(&format!("export ANTHROPIC_API_KEY={line}"), kind);
        let _ = profiles::parse_line(&format!("set -gx ANTHROPIC_API_KEY {line}"), kind);
    }
}

proptest! {
    // Each case builds a temp home and runs every offline check: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn whole_diagnosis_survives_arbitrary_files(
        creds in prop::collection::vec(any::<u8>(), 0..256),
        settings_bytes in prop::collection::vec(any::<u8>(), 0..256),
        profile in prop::collection::vec(any::<u8>(), 0..256),
        global in jsonish_small(),
    ) {
        let home = TempHome::new();
        std::fs::create_dir_all(home.home().join(".claude")).unwrap();
        std::fs::write(home.home().join(".claude/.credentials.json"), &creds).unwrap();
        std::fs::write(home.home().join(".claude/settings.json"), &settings_bytes).unwrap();
        std::fs::write(home.home().join(".zshrc"), &profile).unwrap();
        std::fs::write(home.home().join(".claude.json"), &global).unwrap();
        let env = home.env().var("SHELL", "/bin/zsh").build();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let outcomes = rt.block_on(async {
            let ctx = Arc::new(CheckCtx::new(Arc::new(env), CheckOptions { offline: true, ..CheckOptions::default() }));
            run_all(ctx).await
        });
        prop_assert_eq!(outcomes.len(), 6);
        for o in &outcomes {
            prop_assert!(!o.summary.is_empty());
        }
    }
}
