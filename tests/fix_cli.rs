//! `fix` and `undo` through the real binary: key from stdin, live validation against a stand-in
//! server on 127.0.0.1, undo restoring the exact bytes.

mod support;

use support::server::{INVALID_KEY_BODY, Server, json};
use support::*;

/// A stand-in API answering every request with `status` and a JSON `body`.
fn stand_in(status: &str, body: &str) -> String {
    Server::start(json(status, body)).url
}

fn export_key(home: &TempHome, url: &str, key: &str) -> (Option<i32>, String) {
    let (out, text) = run_with_input(
        home.command()
            .args(["fix", "export-key", "--yes"])
            .env("SHELL", "/bin/zsh")
            .env("ANTHROPIC_BASE_URL", url),
        &format!("{key}\n"),
    );
    assert_no_leak(&text);
    (out.status.code(), text)
}

#[test]
fn a_rejected_key_is_not_saved() {
    let home = TempHome::new();
    let original = "export PATH=$PATH:/opt/bin\n";
    home.write(".zshrc", original);
    let url = stand_in("401 Unauthorized", INVALID_KEY_BODY);
    let (code, text) = export_key(&home, &url, FAKE_API_KEY);
    assert_ne!(code, Some(0), "{text}");
    assert_eq!(
        std::fs::read_to_string(home.home().join(".zshrc")).unwrap(),
        original
    );
}

#[test]
fn an_accepted_key_is_saved_and_undone() {
    let home = TempHome::new();
    let original =
        format!("export PATH=$PATH:/opt/bin\nexport ANTHROPIC_API_KEY={FAKE_OTHER_KEY}\n");
    home.write(".zshrc", &original);
    let url = stand_in("200 OK", r#"{"data":[],"has_more":false}"#);
    let (code, text) = export_key(&home, &url, FAKE_API_KEY);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("source ~/.zshrc"), "{text}");
    let saved = std::fs::read_to_string(home.home().join(".zshrc")).unwrap();
    assert!(saved.contains(&format!("export ANTHROPIC_API_KEY='{FAKE_API_KEY}'")));
    assert_eq!(
        saved.matches("ANTHROPIC_API_KEY").count(),
        1,
        "replaced, not added"
    );

    // The check now finds the key in the profile (this shell has not loaded it yet).
    let out = home
        .command()
        .args(["check", "--json", "--offline"])
        .env("SHELL", "/bin/zsh")
        .env("ANTHROPIC_API_KEY", FAKE_API_KEY)
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let shell = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "shell-env")
        .unwrap()
        .clone();
    assert_eq!(shell["status"], "pass", "{shell:#}");

    let out = home.command().args(["undo", "--yes"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(home.home().join(".zshrc")).unwrap(),
        original
    );
}

#[test]
fn unknown_fix_id_is_a_usage_error() {
    let home = TempHome::new();
    let out = home
        .command()
        .args(["fix", "reboot-the-moon"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("export-key"));
}
