//! `explain` through the real binary: argument or stdin, text or JSON, exit codes.

mod support;

use std::io::Write;
use std::process::Stdio;
use support::*;

#[test]
fn explain_from_args_and_stdin() {
    let home = TempHome::new();
    let out = home
        .command()
        .args(["explain", "Invalid API key · Fix external API key"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("key-invalid"), "{text}");

    let mut child = home
        .command()
        .args(["explain", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let pasted = format!(
        "$ claude -p hi\n\x1b[31mAPI Error: 401 {{\"type\":\"error\",\"error\":{{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}}}\x1b[0m\nkey was {FAKE_API_KEY}\n"
    );
    child
        .stdin
        .take()
        .unwrap()
        .write_all(pasted.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_no_leak(&text);
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["cause"], "key-invalid");
    assert!(doc["confidence"].as_f64().unwrap() > 0.5);
    assert!(doc["candidates"].is_array());
}

#[test]
fn explain_unknown_text_exits_1() {
    let home = TempHome::new();
    let out = home
        .command()
        .args(["explain", "--json", "the weather is nice today"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["cause"].is_null());
}
