//! A big `~/.claude.json` (tens of MB of project history) is normal: the CLI reads it, and so
//! must the diagnosis, in one streaming pass whose memory does not grow with the file.
#![allow(clippy::unwrap_used)] // tests: a panic is a failed test

mod support;

use claude_auth_tui::sources::global_config::{GlobalConfig, GlobalState, KeyApproval, key_tail};
use serde_json::Value;
use std::fmt::Write as _;
use support::*;

/// One project entry of realistic shape (history, MCP servers, numbers).
fn project(i: usize) -> String {
    format!(
        "    \"/home/u/src/repo-{i}\": {{\n      \"allowedTools\": [],\n      \"history\": [{}],\n      \"lastCost\": 0.{i},\n      \"lastSessionId\": \"{i:08x}-aaaa-bbbb\",\n      \"hasTrustDialogAccepted\": false\n    }}",
        (0..20)
            .map(|n| format!("{{\"display\": \"fix the bug number {n} in \\\"module\\\" {i}\", \"pastedContents\": {{}}}}"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// A `~/.claude.json` of about `mb` MB: history first, the trusted cwd in the middle, the key
/// and the declined-key list last.
fn big_config(mb: usize, cwd: &str) -> String {
    let mut out = String::from("{\n  \"numStartups\": 812,\n  \"projects\": {\n");
    let mut i = 0;
    while out.len() < mb * 1024 * 1024 {
        out.push_str(&project(i));
        out.push_str(",\n");
        if i == 500 {
            let _ = writeln!(
                out,
                "    {}: {{\"hasTrustDialogAccepted\": true}},",
                serde_json::to_string(cwd).unwrap()
            );
        }
        i += 1;
    }
    out.push_str(&project(i));
    let _ = write!(
        out,
        "\n  }},\n  \"hasCompletedOnboarding\": true,\n  \"oauthAccount\": {{\"emailAddress\": \"u@example.com\"}},\n  \"customApiKeyResponses\": {{\"approved\": [], \"rejected\": [\"{}\"]}},\n  \"primaryApiKey\": \"{FAKE_API_KEY}\"\n}}\n",
        key_tail(FAKE_OTHER_KEY)
    );
    out
}

#[test]
fn a_twelve_mb_file_is_read_and_its_primary_api_key_used() {
    let home = TempHome::new();
    let cwd = home.cwd().display().to_string();
    let text = big_config(12, &cwd);
    assert!(text.len() > 12 * 1024 * 1024);
    home.write(".claude.json", &text);

    let env = home.env().build();
    let cfg = GlobalConfig::load(&env);
    assert!(
        matches!(cfg.state, GlobalState::Loaded(_)),
        "{:?}",
        cfg.state
    );
    assert_eq!(cfg.primary_api_key(), Some(FAKE_API_KEY));
    assert!(cfg.is_trusted(&home.cwd()));
    assert!(!cfg.is_trusted(std::path::Path::new("/home/u/src/repo-3")));
    assert_eq!(cfg.key_approval(FAKE_OTHER_KEY), KeyApproval::Rejected);
    assert_eq!(cfg.account_email(), Some("u@example.com"));
    assert_eq!(cfg.has_completed_onboarding(), Some(true));
    let line = cfg.line_of("\"primaryApiKey\"").unwrap();
    assert_eq!(
        text.lines()
            .nth(line - 1)
            .map(|l| l.contains("primaryApiKey")),
        Some(true)
    );

    // The binary agrees: the key is the effective credential, no corrupt-config finding.
    let out = home
        .command()
        .args(["check", "--json", "--offline"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_no_leak(&stdout);
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["effective_auth"]["method"], "api_key", "{doc:#}");
    assert!(!stdout.contains("global-config-corrupt"), "{stdout}");
}

#[test]
fn corrupt_json_deep_in_a_big_file_is_still_reported() {
    let home = TempHome::new();
    let mut text = big_config(6, "/nowhere");
    // A stray comma far into the history.
    let at = text.len() / 2;
    let cut = text[at..].find("\"pastedContents\": {}").unwrap() + at;
    text.insert_str(cut, "\"broken\": [1,], ");
    home.write(".claude.json", &text);
    let cfg = GlobalConfig::load(&home.env().build());
    let GlobalState::Corrupt(why) = &cfg.state else {
        panic!("{:?}", cfg.state)
    };
    let line = text[..cut].lines().count();
    assert!(
        why.contains(&format!("line {line}")),
        "{why} (expected line {line})"
    );
    let out = home
        .command()
        .args(["check", "--json", "--offline"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("global-config-corrupt"));
}
