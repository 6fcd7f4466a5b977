//! Several credentials at once, as the real CLI sends them (verified on 2026-11-30): an auth
//! token with a `primaryApiKey` sends both headers; a refused `CLAUDE_CODE_OAUTH_TOKEN` is
//! followed by a retry with the stored login. Through the real binary against a stand-in API on
//! 127.0.0.1 that answers by the credential it got.
#![allow(clippy::unwrap_used)] // tests: a panic is a failed test

mod support;

use serde_json::Value;
use std::process::Stdio;
use support::server::{Reply, Server, http};
use support::*;

/// A `claude setup-token` token that has been revoked (fake).
const STALE_SETUP_TOKEN: &str =
    "sk-ant-oat01-STALEsetupTOKEN5555555555555555555555555555555555555555555555555555555-St05";

type Answer = fn(&str) -> (&'static str, &'static str);

/// Answers each request with what `answer` says for it (lower-cased), as JSON.
fn stand_in(answer: Answer) -> Server {
    Server::start_with(move |request| {
        let (status, body) = answer(&request.to_ascii_lowercase());
        Reply::Raw(http(
            status,
            &[
                ("content-type", "application/json"),
                ("x-should-retry", "false"),
            ],
            body,
        ))
    })
}

/// Every request the stand-in got, lower-cased.
fn received(api: &Server) -> Vec<String> {
    api.requests()
        .iter()
        .map(|r| r.to_ascii_lowercase())
        .collect()
}

fn check_json(home: &TempHome, vars: &[(&str, &str)]) -> Value {
    let mut cmd = home.command();
    cmd.args(["check", "--json"]).env("SHELL", "/bin/zsh");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.stdin(Stdio::null()).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_no_leak(&text);
    assert!(!text.contains(&STALE_SETUP_TOKEN[14..40]), "{text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn live_check(doc: &Value) -> &Value {
    doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "live")
        .unwrap()
}

fn has_finding(check: &Value, cause: &str, severity: &str) -> bool {
    check["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["cause"] == cause && f["severity"] == severity)
}

#[test]
fn auth_token_with_primary_api_key_sends_both_and_blames_the_right_one() {
    let home = TempHome::new();
    home.fake_claude_standard();
    home.write(
        ".claude.json",
        &format!(r#"{{"primaryApiKey":"{FAKE_API_KEY}"}}"#),
    );
    let api = stand_in(|_| {
        (
            "401 Unauthorized",
            r#"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#,
        )
    });
    let doc = check_json(
        &home,
        &[
            ("ANTHROPIC_AUTH_TOKEN", FAKE_AUTH_TOKEN),
            ("ANTHROPIC_BASE_URL", &api.url),
        ],
    );
    let head = received(&api)[0].clone();
    assert!(
        head.contains(&format!("x-api-key: {}", FAKE_API_KEY.to_ascii_lowercase())),
        "{head}"
    );
    assert!(
        head.contains(&format!(
            "authorization: bearer {}",
            FAKE_AUTH_TOKEN.to_ascii_lowercase()
        )),
        "{head}"
    );
    let eff = &doc["effective_auth"];
    assert_eq!(eff["method"], "auth_token");
    assert!(
        eff["also_sent"][0]["source"]
            .as_str()
            .unwrap()
            .contains("primaryApiKey"),
        "{eff}"
    );
    // The gateway refused the x-api-key: that is the primaryApiKey, not the token.
    let live = live_check(&doc);
    assert!(has_finding(live, "key-invalid", "fail"), "{live}");
    assert!(
        live["summary"].as_str().unwrap().contains("primaryApiKey"),
        "{live}"
    );
}

#[test]
fn refused_setup_token_is_retried_with_the_stored_login() {
    let home = TempHome::new();
    home.fake_claude_standard();
    home.write_credentials(4_000_000_000_000);
    // The stored login works; the setup token does not.
    let api = stand_in(|head| {
        if head.contains(&FAKE_OAUTH_TOKEN.to_ascii_lowercase()) {
            ("200 OK", r#"{"data":[],"has_more":false}"#)
        } else {
            (
                "401 Unauthorized",
                r#"{"type":"error","error":{"type":"authentication_error","message":"Invalid bearer token"}}"#,
            )
        }
    });
    let vars = [
        ("CLAUDE_CODE_OAUTH_TOKEN", STALE_SETUP_TOKEN),
        ("ANTHROPIC_BASE_URL", api.url.as_str()),
    ];
    let doc = check_json(&home, &vars);
    let heads = received(&api);
    assert_eq!(heads.len(), 2, "{heads:?}");
    assert!(heads[0].contains(&STALE_SETUP_TOKEN.to_ascii_lowercase()));
    assert!(heads[1].contains(&FAKE_OAUTH_TOKEN.to_ascii_lowercase()));
    let live = live_check(&doc);
    assert_eq!(live["status"], "warn", "{live}");
    assert!(has_finding(live, "token-invalid", "warn"), "{live}");

    // Both refused: a failure.
    let home = TempHome::new();
    home.fake_claude_standard();
    home.write_credentials(4_000_000_000_000);
    let api = stand_in(|_| {
        (
            "401 Unauthorized",
            r#"{"type":"error","error":{"type":"authentication_error","message":"Invalid bearer token"}}"#,
        )
    });
    let vars = [
        ("CLAUDE_CODE_OAUTH_TOKEN", STALE_SETUP_TOKEN),
        ("ANTHROPIC_BASE_URL", api.url.as_str()),
    ];
    let doc = check_json(&home, &vars);
    assert_eq!(received(&api).len(), 2);
    let live = live_check(&doc);
    assert_eq!(live["status"], "fail", "{live}");
}
