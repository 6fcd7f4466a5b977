//! The real binary's `check` and `check --json`, run with a cleared environment in several temp
//! homes. The JSON shape asserted here is the public contract (schema 1).
#![allow(clippy::unwrap_used)] // tests: a panic is a failed test

mod support;

use serde_json::Value;
use std::process::Output;
use support::*;

const METHODS: &[&str] = &[
    "api_key",
    "auth_token",
    "oauth",
    "api_key_helper",
    "bedrock",
    "vertex",
    "foundry",
    "none",
];
const STATUSES: &[&str] = &["pass", "warn", "fail", "skip"];
const CHECK_IDS: &[&str] = &[
    "cli",
    "shell-env",
    "oauth",
    "live",
    "config-scope",
    "endpoint",
];

fn kebab(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The contract of `check --json`, as the shared validator states it.
fn assert_contract(doc: &Value) {
    assert_eq!(doc["schema"], 1);
    let eff = &doc["effective_auth"];
    assert!(METHODS.contains(&eff["method"].as_str().unwrap()), "{eff}");
    assert!(eff["source"].is_string());
    match &eff["masked"] {
        Value::Null => {}
        Value::String(m) => {
            let alnum = m.chars().filter(char::is_ascii_alphanumeric).count();
            assert!(alnum <= 24, "masked shows too much: {m}");
        }
        other => panic!("masked must be a string or null: {other}"),
    }
    assert!(eff["shadowed"].is_array());
    for s in eff["shadowed"].as_array().unwrap() {
        assert!(METHODS.contains(&s["method"].as_str().unwrap()));
        assert!(s["source"].is_string());
    }
    assert!(doc["endpoint"]["base_url"].is_string());
    assert!(doc["endpoint"]["provider"].is_string());
    assert!(doc["endpoint"]["source"].is_string());
    let checks = doc["checks"].as_array().expect("checks list");
    assert!(!checks.is_empty());
    let ids: Vec<&str> = checks.iter().map(|c| c["id"].as_str().unwrap()).collect();
    for id in CHECK_IDS {
        assert!(ids.contains(id), "missing check {id}");
    }
    for c in checks {
        assert!(kebab(c["id"].as_str().unwrap()));
        assert!(STATUSES.contains(&c["status"].as_str().unwrap()));
        assert!(!c["title"].as_str().unwrap().is_empty());
        assert!(!c["summary"].as_str().unwrap().is_empty());
        assert!(
            c["details"]
                .as_array()
                .unwrap()
                .iter()
                .all(Value::is_string)
        );
        assert!(
            c["fixes"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| kebab(f.as_str().unwrap()))
        );
    }
    match &doc["primary_cause"] {
        Value::Null => {}
        pc => {
            assert!(kebab(pc["cause"].as_str().unwrap()));
            assert!(ids.contains(&pc["check"].as_str().unwrap()));
            assert!(pc["summary"].is_string());
        }
    }
}

fn run(home: &TempHome, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut cmd = home.command();
    cmd.args(args);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.output().expect("run binary")
}

fn json(out: &Output) -> Value {
    let text = String::from_utf8_lossy(&out.stdout);
    assert_no_leak(&text);
    assert_no_leak(&String::from_utf8_lossy(&out.stderr));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not one JSON object ({e}):\n{text}"))
}

#[test]
fn empty_home_fails_with_no_credentials() {
    let home = TempHome::new();
    home.fake_claude_standard();
    let out = run(&home, &["check", "--json", "--offline"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    assert_contract(&doc);
    assert_eq!(doc["effective_auth"]["method"], "none");
    assert_eq!(doc["primary_cause"]["cause"], "no-credentials");
}

#[test]
fn healthy_api_key_passes_offline() {
    let home = TempHome::new();
    home.fake_claude_standard();
    home.write(
        ".zshrc",
        &format!("export ANTHROPIC_API_KEY='{FAKE_API_KEY}'\n"),
    );
    let out = run(
        &home,
        &["check", "--json", "--offline"],
        &[("ANTHROPIC_API_KEY", FAKE_API_KEY), ("SHELL", "/bin/zsh")],
    );
    let doc = json(&out);
    assert_contract(&doc);
    assert_eq!(out.status.code(), Some(0), "{doc:#}");
    assert_eq!(doc["effective_auth"]["method"], "api_key");
    assert_eq!(doc["effective_auth"]["masked"], "sk-ant-api03-…AbCd");
    assert!(doc["primary_cause"].is_null());
}

#[test]
fn key_not_exported_and_shadowed_login_in_json() {
    let home = TempHome::new();
    home.fake_claude_standard();
    home.write(
        ".zshrc",
        &format!("export ANTHROPIC_API_KEY={FAKE_API_KEY}\n"),
    );
    let out = run(
        &home,
        &["check", "--json", "--offline"],
        &[("SHELL", "/bin/zsh")],
    );
    let doc = json(&out);
    assert_contract(&doc);
    assert_eq!(doc["primary_cause"]["cause"], "key-not-exported");
    assert_eq!(doc["primary_cause"]["check"], "shell-env");

    let home = TempHome::new();
    home.fake_claude_standard();
    home.write_credentials(4_102_444_800_000);
    let out = run(
        &home,
        &["check", "--json", "--offline"],
        &[("ANTHROPIC_API_KEY", FAKE_API_KEY)],
    );
    let doc = json(&out);
    assert_contract(&doc);
    assert_eq!(doc["primary_cause"]["cause"], "env-shadows-login");
    let shadowed = doc["effective_auth"]["shadowed"].as_array().unwrap();
    assert!(shadowed.iter().any(|s| s["method"] == "oauth"), "{doc:#}");
    assert_eq!(out.status.code(), Some(0), "a warning is not a failure");
}

#[test]
fn settings_override_names_the_file() {
    let home = TempHome::new();
    home.fake_claude_standard();
    home.write(
        ".claude/settings.json",
        &format!("{{\"env\": {{\"ANTHROPIC_API_KEY\": \"{FAKE_OTHER_KEY}\", \"ANTHROPIC_BASE_URL\": \"http://127.0.0.1:9/v1\"}}}}"),
    );
    let out = run(
        &home,
        &["check", "--json", "--offline"],
        &[("ANTHROPIC_API_KEY", FAKE_API_KEY)],
    );
    let doc = json(&out);
    assert_contract(&doc);
    assert_eq!(doc["effective_auth"]["masked"], "sk-ant-api03-…WxYz");
    assert!(
        doc["effective_auth"]["origin"]
            .as_str()
            .unwrap()
            .contains("~/.claude/settings.json")
    );
    assert_eq!(doc["endpoint"]["source"], "ANTHROPIC_BASE_URL");
    let causes: Vec<String> = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["findings"].as_array().unwrap().clone())
        .map(|f| f["cause"].as_str().unwrap().to_string())
        .collect();
    assert!(
        causes.contains(&"settings-override".to_string()),
        "{causes:?}"
    );
    assert!(
        causes.contains(&"base-url-invalid".to_string()),
        "{causes:?}"
    );
}

#[test]
fn readable_report_and_verbose_evidence() {
    let home = TempHome::new();
    home.fake_claude_standard();
    home.write(
        ".zshrc",
        &format!("export ANTHROPIC_API_KEY={FAKE_API_KEY}\n"),
    );
    let out = run(&home, &["check", "--offline"], &[("SHELL", "/bin/zsh")]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_no_leak(&text);
    assert!(text.contains("✗ API key in this shell"), "{text}");
    assert!(text.contains("Primary cause: key-not-exported"), "{text}");
    assert!(text.contains("claude-auth-tui fix export-key"), "{text}");
    let out = run(
        &home,
        &["check", "--offline", "-v"],
        &[("SHELL", "/bin/zsh")],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_no_leak(&text);
    assert!(text.contains("~/.zshrc:1"), "{text}");
    assert!(text.contains("Check it yourself"), "{text}");
}

#[test]
fn usage_errors_exit_2() {
    let home = TempHome::new();
    let out = run(&home, &["check", "--timeout", "abc"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&home, &["no-such-command"], &[]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn home_that_is_not_a_directory_still_answers() {
    let home = TempHome::new();
    let file = home.root.path().join("not-a-dir");
    std::fs::write(&file, "x").unwrap();
    let out = home
        .command()
        .env("HOME", &file)
        .args(["check", "--json", "--offline"])
        .output()
        .unwrap();
    let doc = json(&out);
    assert_contract(&doc);
}

#[test]
fn non_utf8_environment_values_do_not_crash() {
    use std::os::unix::ffi::OsStrExt;
    let home = TempHome::new();
    let out = home
        .command()
        .env(
            "ANTHROPIC_API_KEY",
            std::ffi::OsStr::from_bytes(b"sk-ant-api03-\xff\xfe"),
        )
        .args(["check", "--json", "--offline"])
        .output()
        .unwrap();
    let doc = json(&out);
    assert_contract(&doc);
    assert_eq!(out.status.code(), Some(1));
}
