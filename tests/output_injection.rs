//! No terminal injection: a stand-in API on 127.0.0.1 answers with escape sequences (OSC 52
//! clipboard write, OSC 0 title, CSI 2J, BEL, CR, U+009B, bidi overrides) in a JSON
//! `error.message`, a JSON `request_id`, an HTML `<title>` and its headers. Every output mode
//! (`check`, `check -v`, `check --json`, `report`, `report --json`, the summary printed after
//! the wizard) must show them escaped (`\x1b`, `\u{202e}`) and never raw.
#![cfg(unix)]

mod support;

use std::process::Stdio;
use support::pty::{Session, checks_done};
use support::server::{Reply, Server};
use support::*;

/// What a hostile server says: every kind of sequence a terminal acts on.
const PAYLOAD: &str = "pwn\u{1b}]52;c;aGFja2Vk\u{7}\u{1b}]0;owned title\u{7}\u{1b}[2J\u{1b}[31mred\rback\u{9b}2J\u{7}bell \u{202e}desrever\u{202c} \u{2066}iso\u{2069}\u{200e}\u{200f}\u{61c} done";

#[derive(Clone, Copy, Debug)]
enum Body {
    /// 401 with an Anthropic-shaped JSON error.
    Json,
    /// 403 with an HTML page (a proxy's block page).
    Html,
}

/// Starts the hostile stand-in; returns its base URL.
fn hostile_server(kind: Body) -> String {
    let (status, content_type, body) = match kind {
        Body::Json => (
            "401 Unauthorized",
            "application/json",
            serde_json::json!({
                "type": "error",
                "error": {"type": "authentication_error", "message": PAYLOAD},
                "request_id": format!("req_{PAYLOAD}"),
            })
            .to_string(),
        ),
        Body::Html => (
            "403 Forbidden",
            "text/html",
            format!("<html><head><title>{PAYLOAD}</title></head><body>blocked</body></html>"),
        ),
    };
    // Header values may carry bytes 0x80..0xff (obs-text): U+009B in UTF-8 is one.
    let mut response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(b"request-id: req_\xc2\x9b2J\xe2\x80\xaeHDR\r\n");
    response.extend_from_slice(b"x-should-retry: \xc2\x9b31m\r\n");
    response.extend_from_slice(b"location: /x\xc2\x9b2J\xe2\x80\xae\r\n");
    response.extend_from_slice(b"server: evil\xc2\x9b\r\n\r\n");
    response.extend_from_slice(body.as_bytes());
    Server::start(Reply::Raw(response)).url
}

/// A character a terminal must never receive raw from us: controls but `\n` and `\t`, and
/// the characters that reorder text.
fn is_dangerous(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// Fails when `text` holds a dangerous character, naming it and its line.
fn assert_inert(context: &str, text: &str) {
    if let Some(c) = text.chars().find(|&c| is_dangerous(c)) {
        let line = text
            .lines()
            .find(|l| l.contains(c))
            .unwrap_or_default()
            .escape_debug()
            .to_string();
        panic!("{context}: raw {c:?} reached the output, in line: {line}");
    }
}

/// The escaped forms of the payload that must be visible where the server's words are shown.
fn assert_shows_escaped(context: &str, text: &str) {
    for needle in ["\\x1b]52;c;aGFja2Vk\\x07", "\\x1b[2J", "\\u{202e}desrever"] {
        assert!(
            text.contains(needle),
            "{context}: {needle} not shown in:\n{text}"
        );
    }
}

/// Every string of a JSON document, as `jq -r` would print it.
fn json_strings(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| json_strings(v, out)),
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                out.push(k.clone());
                json_strings(v, out);
            }
        }
        _ => {}
    }
}

fn home_with_key(url: &str) -> (TempHome, Vec<(&'static str, String)>) {
    let home = TempHome::new();
    home.fake_claude_standard();
    let vars = vec![
        ("SHELL", "/bin/bash".to_string()),
        ("ANTHROPIC_API_KEY", FAKE_API_KEY.to_string()),
        ("ANTHROPIC_BASE_URL", url.to_string()),
    ];
    (home, vars)
}

/// Runs one mode; returns stdout and stderr, both checked for raw sequences and leaks.
fn run(home: &TempHome, vars: &[(&str, String)], args: &[&str]) -> (String, String) {
    let mut cmd = home.command();
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd
        .args(args)
        .args(["--timeout", "5"])
        .stdin(Stdio::null())
        .output()
        .expect("run the binary");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let context = format!("`{}`", args.join(" "));
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{context} exited {:?}:\n{stdout}\n{stderr}",
        out.status
    );
    assert_inert(&format!("{context} stdout"), &stdout);
    assert_inert(&format!("{context} stderr"), &stderr);
    assert_no_leak(&stdout);
    assert_no_leak(&stderr);
    (stdout, stderr)
}

fn every_cli_mode(kind: Body) {
    let url = hostile_server(kind);
    let (home, vars) = home_with_key(&url);
    let (plain, _) = run(&home, &vars, &["check"]);
    assert!(plain.contains("Live check against the API"), "{plain}");
    let (verbose, _) = run(&home, &vars, &["check", "-v"]);
    assert_shows_escaped(&format!("{kind:?}: check -v"), &verbose);
    let (report, _) = run(&home, &vars, &["report"]);
    assert_shows_escaped(&format!("{kind:?}: report"), &report);
    for args in [&["check", "--json"][..], &["report", "--json"]] {
        let (text, _) = run(&home, &vars, args);
        let doc: serde_json::Value = serde_json::from_str(&text).expect("one JSON document");
        let mut strings = Vec::new();
        json_strings(&doc, &mut strings);
        let context = format!("{kind:?}: {args:?} (a value printed with jq -r)");
        for s in &strings {
            assert_inert(&context, s);
        }
        assert_shows_escaped(&context, &strings.join("\n"));
    }
}

/// `check --color always`: the status marks are coloured (SGR), and that is the only kind of
/// sequence in the output; the server's are shown escaped.
#[test]
fn coloured_check_output_keeps_only_its_own_colours() {
    let url = hostile_server(Body::Json);
    let (home, vars) = home_with_key(&url);
    let sgr = regex::Regex::new("\u{1b}\\[[0-9;]*m").unwrap();
    for args in [
        &["--color", "always", "check"][..],
        &["--color", "always", "check", "-v"],
    ] {
        let mut cmd = home.command();
        for (k, v) in &vars {
            cmd.env(k, v);
        }
        let out = cmd
            .args(args)
            .args(["--timeout", "5"])
            .stdin(Stdio::null())
            .output()
            .expect("run the binary");
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            sgr.is_match(&stdout),
            "{args:?}: no colour at all:\n{stdout}"
        );
        let without_colours = sgr.replace_all(&stdout, "");
        assert_inert(&format!("{args:?} (colours aside)"), &without_colours);
        assert_shows_escaped(&format!("{args:?}"), &stdout);
        assert_no_leak(&stdout);
    }
}

#[test]
fn a_json_error_message_is_shown_escaped_in_every_mode() {
    every_cli_mode(Body::Json);
}

#[test]
fn an_html_title_is_shown_escaped_in_every_mode() {
    every_cli_mode(Body::Html);
}

/// `report -o FILE`: the file someone later `cat`s is as inert as the terminal output.
#[test]
fn a_report_file_is_escaped_too() {
    let url = hostile_server(Body::Json);
    let (home, vars) = home_with_key(&url);
    let path = home.root.path().join("report.md");
    run(&home, &vars, &["report", "-o", path.to_str().unwrap()]);
    let written = std::fs::read_to_string(&path).unwrap();
    assert_inert("report -o (the file)", &written);
    assert_shows_escaped("report -o (the file)", &written);
}

/// Paths and variable values come from outside too: a profile file whose name and a variable
/// whose value hold escape sequences.
#[test]
fn paths_and_variable_values_are_escaped() {
    let home = TempHome::new();
    home.fake_claude_standard();
    let evil_dir = "conf\u{1b}]0;x\u{7}\u{202e}dir";
    std::fs::create_dir_all(home.home().join(evil_dir)).unwrap();
    let vars = vec![
        ("SHELL", "/bin/zsh\u{1b}[2J".to_string()),
        ("ANTHROPIC_API_KEY", FAKE_API_KEY.to_string()),
        (
            "ANTHROPIC_BASE_URL",
            "http://127.0.0.1:9/\u{1b}]52;c;eA==\u{7}".to_string(),
        ),
        (
            "CLAUDE_CONFIG_DIR",
            home.home().join(evil_dir).display().to_string(),
        ),
    ];
    for args in [
        &["check", "--offline"][..],
        &["check", "-v", "--offline"],
        &["report", "--offline"],
    ] {
        run(&home, &vars, args);
    }
    for args in [
        &["check", "--json", "--offline"][..],
        &["report", "--json", "--offline"],
    ] {
        let (text, _) = run(&home, &vars, args);
        let doc: serde_json::Value = serde_json::from_str(&text).expect("one JSON document");
        let mut strings = Vec::new();
        json_strings(&doc, &mut strings);
        for s in &strings {
            assert_inert(&format!("{args:?} value"), s);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The summary printed after the wizard, in a real pseudo-terminal.

#[test]
fn the_summary_after_the_wizard_is_escaped() {
    let url = hostile_server(Body::Json);
    let (home, vars) = home_with_key(&url);
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut session = Session::start_with(&home, &["--timeout", "5"], &vars);
    // Every check done (the live check's summary quotes the server), then quit.
    session.wait_for("the wizard to finish its checks", checks_done);
    session.send(b"q");
    session.wait_exit();
    let raw = session.raw();
    // The summary is what follows the last mode change back from the alternate screen.
    let left = raw
        .windows(8)
        .rposition(|w| w == b"\x1b[?1049l")
        .expect("the alternate screen was left");
    let after = String::from_utf8_lossy(&raw[left + 8..]).to_string();
    let summary_start = after.find("claude-auth-tui: ").expect("a summary");
    // The terminal turns each `\n` into `\r\n`; that CR is the terminal's, not ours.
    let summary = after[summary_start..].replace("\r\n", "\n");
    assert_inert("the summary after the wizard", &summary);
    assert!(
        summary.contains("\\x1b") || summary.contains("\\u{"),
        "the server's words are not shown escaped:\n{summary}"
    );
    assert_no_leak(&summary);
}
