//! Fault injection through the real binary: hostile servers on 127.0.0.1 and hostile files. Each
//! must end with a clear message, within the time limit, without a panic or a leak.

mod support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;
use support::*;

/// A server on 127.0.0.1 whose every connection is handled by `behave`.
fn server(behave: fn(TcpStream)) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || behave(stream));
        }
    });
    format!("http://127.0.0.1:{port}")
}

fn read_request(stream: &mut TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut buf = [0u8; 8192];
    let _ = stream.read(&mut buf);
}

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
    let url = server(|mut s| {
        read_request(&mut s);
        std::thread::sleep(Duration::from_secs(60));
    });
    let (code, doc) = live_check(&url, "1");
    assert_eq!(code, Some(1));
    assert_eq!(live_causes(&doc), vec!["endpoint-unreachable"], "{doc:#}");
}

#[test]
fn server_that_drips_one_byte_a_second_is_bounded() {
    let url = server(|mut s| {
        read_request(&mut s);
        for b in b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n"
            .iter()
            .cycle()
            .take(120)
        {
            if s.write_all(&[*b]).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_secs(1));
        }
    });
    let (_, doc) = live_check(&url, "2");
    assert_eq!(live_of(&doc)["status"], "fail", "{doc:#}");
}

#[test]
fn server_that_sends_garbage() {
    let url = server(|mut s| {
        read_request(&mut s);
        let _ = s.write_all(b"\x00\xff garbage that is not HTTP at all\r\n\r\n");
    });
    let (_, doc) = live_check(&url, "3");
    assert_eq!(live_of(&doc)["status"], "fail", "{doc:#}");
    assert!(!live_of(&doc)["summary"].as_str().unwrap().is_empty());
}

#[test]
fn server_that_closes_mid_body() {
    let url = server(|mut s| {
        read_request(&mut s);
        let _ = s.write_all(b"HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{\"type\":\"err");
    });
    let (_, doc) = live_check(&url, "3");
    assert_ne!(live_of(&doc)["status"], "pass", "{doc:#}");
}

#[test]
fn server_that_sends_ten_megabytes() {
    let url = server(|mut s| {
        read_request(&mut s);
        let size = 10 * 1024 * 1024;
        let head = format!(
            "HTTP/1.1 403 Forbidden\r\ncontent-type: text/html\r\ncontent-length: {size}\r\n\r\n<html>"
        );
        let _ = s.write_all(head.as_bytes());
        let chunk = vec![b'a'; 64 * 1024];
        for _ in 0..(size / chunk.len()) {
            if s.write_all(&chunk).is_err() {
                return;
            }
        }
    });
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
