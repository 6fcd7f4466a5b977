//! Several credentials at once, as the real CLI sends them (verified on 2026-11-30): an auth
//! token with a `primaryApiKey` sends both headers; a refused `CLAUDE_CODE_OAUTH_TOKEN` is
//! followed by a retry with the stored login. Through the real binary against a stand-in API on
//! 127.0.0.1 that answers by the credential it got.

mod support;

use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use support::*;

/// A `claude setup-token` token that has been revoked (fake).
const STALE_SETUP_TOKEN: &str =
    "sk-ant-oat01-STALEsetupTOKEN5555555555555555555555555555555555555555555555555555555-St05";

type Answer = fn(&str) -> (&'static str, &'static str);

/// Records each request head (lower-cased) and answers what `answer` says for it.
fn stand_in(answer: Answer) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten() {
            let mut buf = vec![0u8; 16384];
            let n = s.read(&mut buf).unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]).to_ascii_lowercase();
            let (status, body) = answer(&head);
            log.lock().unwrap().push(head);
            let _ = write!(
                s,
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\nx-should-retry: false\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (format!("http://127.0.0.1:{port}"), seen)
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
    let (url, seen) = stand_in(|_| {
        (
            "401 Unauthorized",
            r#"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#,
        )
    });
    let doc = check_json(
        &home,
        &[
            ("ANTHROPIC_AUTH_TOKEN", FAKE_AUTH_TOKEN),
            ("ANTHROPIC_BASE_URL", &url),
        ],
    );
    let head = seen.lock().unwrap()[0].clone();
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
    let (url, seen) = stand_in(|head| {
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
        ("ANTHROPIC_BASE_URL", url.as_str()),
    ];
    let doc = check_json(&home, &vars);
    let heads = seen.lock().unwrap().clone();
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
    let (url, seen) = stand_in(|_| {
        (
            "401 Unauthorized",
            r#"{"type":"error","error":{"type":"authentication_error","message":"Invalid bearer token"}}"#,
        )
    });
    let vars = [
        ("CLAUDE_CODE_OAUTH_TOKEN", STALE_SETUP_TOKEN),
        ("ANTHROPIC_BASE_URL", url.as_str()),
    ];
    let doc = check_json(&home, &vars);
    assert_eq!(seen.lock().unwrap().len(), 2);
    let live = live_check(&doc);
    assert_eq!(live["status"], "fail", "{live}");
}
