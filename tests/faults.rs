//! Fault injection through the real binary: hostile servers on 127.0.0.1 and hostile files. Each
//! must end with a clear message, within the time limit, without a panic or a leak.
#![allow(clippy::unwrap_used)] // tests: a panic is a failed test

mod support;

use std::time::Duration;
use support::server::{Reply, Server};
use support::*;

fn live_check(url: &str, timeout: &str) -> (Option<i32>, serde_json::Value) {
    let home = TempHome::new();
    home.fake_claude_standard();
    let out = home
        .command()
        .args(["check", "--json", "--timeout", timeout])
        .env("ANTHROPIC_API_KEY", FAKE_API_KEY)
        .env("ANTHROPIC_BASE_URL", url)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert_no_leak(&text);
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    (out.status.code(), doc)
}

fn live_of(doc: &serde_json::Value) -> serde_json::Value {
    doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "live")
        .unwrap()
        .clone()
}

fn live_causes(doc: &serde_json::Value) -> Vec<String> {
    live_of(doc)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["cause"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn server_that_never_answers_is_bounded_by_timeout() {
    let url = Server::start(Reply::Hang).url;
    let (code, doc) = live_check(&url, "1");
    assert_eq!(code, Some(1));
    assert_eq!(live_causes(&doc), vec!["endpoint-unreachable"], "{doc:#}");
}

#[test]
fn server_that_drips_one_byte_a_second_is_bounded() {
    let url = Server::start(Reply::Drip {
        bytes: b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n"
            .iter()
            .copied()
            .cycle()
            .take(120)
            .collect(),
        every: Duration::from_secs(1),
    })
    .url;
    let (_, doc) = live_check(&url, "2");
    assert_eq!(live_of(&doc)["status"], "fail", "{doc:#}");
}

#[test]
fn server_that_sends_garbage() {
    let url = Server::start(Reply::Raw(
        b"\x00\xff garbage that is not HTTP at all\r\n\r\n".to_vec(),
    ))
    .url;
    let (_, doc) = live_check(&url, "3");
    assert_eq!(live_of(&doc)["status"], "fail", "{doc:#}");
    assert!(!live_of(&doc)["summary"].as_str().unwrap().is_empty());
}

#[test]
fn server_that_closes_mid_body() {
    let url = Server::start(Reply::Raw(
        b"HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{\"type\":\"err".to_vec(),
    ))
    .url;
    let (_, doc) = live_check(&url, "3");
    assert_ne!(live_of(&doc)["status"], "pass", "{doc:#}");
}

#[test]
fn server_that_sends_ten_megabytes() {
    let size = 10 * 1024 * 1024;
    let mut reply = format!(
        "HTTP/1.1 403 Forbidden\r\ncontent-type: text/html\r\ncontent-length: {size}\r\n\r\n<html>"
    )
    .into_bytes();
    reply.resize(reply.len() + size, b'a');
    let url = Server::start(Reply::Raw(reply)).url;
    let (_, doc) = live_check(&url, "5");
    assert_eq!(live_of(&doc)["status"], "fail", "{doc:#}");
}

#[test]
fn hostile_files_are_reported_not_fatal() {
    let home = TempHome::new();
    home.fake_claude_standard();
    let claude = home.home().join(".claude");
    std::fs::create_dir_all(&claude).unwrap();
    // A FIFO as credentials (would block a naive reader), a symlink loop as settings, an
    // unreadable profile, a directory as ~/.claude.json.
    assert!(
        std::process::Command::new("mkfifo")
            .arg(claude.join(".credentials.json"))
            .status()
            .unwrap()
            .success()
    );
    std::os::unix::fs::symlink(claude.join("loop-b"), claude.join("settings.json")).unwrap();
    std::os::unix::fs::symlink(claude.join("settings.json"), claude.join("loop-b")).unwrap();
    home.write_mode(".zshrc", "export ANTHROPIC_API_KEY=x\n", 0o000);
    std::fs::create_dir_all(home.home().join(".claude.json")).unwrap();
    let out = home
        .command()
        .args(["check", "--json", "--offline"])
        .env("SHELL", "/bin/zsh")
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let all = serde_json::to_string(&doc).unwrap();
    assert!(all.contains("FIFO"), "{all}");
    assert!(
        all.contains("symbolic links") || all.contains("cannot be read"),
        "{all}"
    );
    assert!(all.contains("directory"), "{all}");
    assert_eq!(out.status.code(), Some(1));
}
