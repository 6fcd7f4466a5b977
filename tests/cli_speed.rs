//! The `cli` check never waits on starting the CLI: the version is read from each install
//! layout, `claude --version` runs only for an unknown layout and is cached per binary, and
//! `claude auth status` runs only for `--cross-check`. Every stand-in `claude` counts its runs
//! in a file, so "not started" is a fact, not a timing.
#![cfg(unix)]
#![allow(clippy::unwrap_used)] // tests: a panic is a failed test

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;
use support::*;

/// A stand-in `claude` at `path` that appends its arguments to `runs` (one line per run),
/// prints `version_line` for `--version` and `status` for `auth status --json`.
fn counting_claude(path: &Path, runs: &Path, version_line: &str, status: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        path,
        format!(
            r#"#!/bin/sh
echo "$*" >> '{}'
case "$1 $2" in
  "--version "*) echo "{version_line}";;
  "auth status") echo '{status}';;
  *) exit 1;;
esac
"#,
            runs.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

const LOGGED_IN_KEY: &str =
    r#"{"loggedIn": true, "authMethod": "api_key", "apiProvider": "firstParty"}"#;
const NOT_LOGGED_IN: &str =
    r#"{"loggedIn": false, "authMethod": "none", "apiProvider": "firstParty"}"#;

fn runs(file: &Path) -> Vec<String> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

fn check(home: &TempHome, extra: &[&str], vars: &[(&str, &str)]) -> (Output, Value) {
    let mut cmd = home.command();
    cmd.args(["check", "--json", "--offline"]).args(extra);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run binary");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_no_leak(&text);
    assert_no_leak(&String::from_utf8_lossy(&out.stderr));
    let doc = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}:\n{text}"));
    (out, doc)
}

fn cli_check(doc: &Value) -> &Value {
    doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "cli")
        .expect("cli check")
}

fn causes(check: &Value) -> Vec<String> {
    check["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["cause"].as_str().unwrap().to_string())
        .collect()
}

fn symlink(target: &Path, link: &Path) {
    std::fs::create_dir_all(link.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, link).unwrap();
}

#[test]
fn native_installer_version_is_read_from_the_versions_folder() {
    let home = TempHome::new();
    let count = home.root.path().join("runs");
    let target = home.home().join(".local/share/claude/versions/2.1.197");
    // It would answer another version: the one shown can only come from the folder.
    counting_claude(&target, &count, "9.9.9 (Claude Code)", LOGGED_IN_KEY);
    symlink(&target, &home.bin().join("claude"));
    let (_, doc) = check(&home, &[], &[]);
    let cli = &cli_check(&doc)["cli"];
    assert_eq!(cli["version"], "2.1.197", "{doc:#}");
    assert_eq!(cli["install"], "native");
    assert_eq!(cli["version_from"], "layout");
    assert!(runs(&count).is_empty(), "started: {:?}", runs(&count));
}

#[test]
fn npm_package_json_beside_the_binary() {
    let home = TempHome::new();
    let count = home.root.path().join("runs");
    let pkg = home
        .root
        .path()
        .join("npm/lib/node_modules/@anthropic-ai/claude-code");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(
        pkg.join("package.json"),
        r#"{"name": "@anthropic-ai/claude-code", "version": "2.1.190", "bin": {"claude": "bin/claude.exe"}}"#,
    )
    .unwrap();
    counting_claude(
        &pkg.join("bin/claude.exe"),
        &count,
        "9.9.9 (Claude Code)",
        LOGGED_IN_KEY,
    );
    symlink(
        Path::new("../npm/lib/node_modules/@anthropic-ai/claude-code/bin/claude.exe"),
        &home.bin().join("claude"),
    );
    let (_, doc) = check(&home, &[], &[]);
    let cli = &cli_check(&doc)["cli"];
    assert_eq!(
        (&cli["version"], &cli["install"]),
        (&Value::from("2.1.190"), &Value::from("npm")),
        "{doc:#}"
    );
    assert!(runs(&count).is_empty(), "started: {:?}", runs(&count));
}

#[test]
fn unknown_layout_asks_once_then_the_cache_answers_until_the_binary_changes() {
    use std::time::{Duration, SystemTime};
    let home = TempHome::new();
    let count = home.root.path().join("runs");
    let claude: PathBuf = home.bin().join("claude");
    counting_claude(&claude, &count, "2.1.150 (Claude Code)", LOGGED_IN_KEY);

    let (_, doc) = check(&home, &[], &[]);
    let cli = &cli_check(&doc)["cli"];
    assert_eq!(
        (&cli["version"], &cli["version_from"]),
        (&Value::from("2.1.150"), &Value::from("command"))
    );
    assert_eq!(runs(&count), vec!["--version"]);
    assert!(
        home.home()
            .join(".local/state/claude-auth-tui/cli-versions.json")
            .is_file()
    );

    // A second run: answered from the cache, nothing started.
    let (_, doc) = check(&home, &[], &[]);
    assert_eq!(cli_check(&doc)["cli"]["version_from"], "cache", "{doc:#}");
    assert_eq!(cli_check(&doc)["cli"]["version"], "2.1.150");
    assert_eq!(runs(&count).len(), 1);

    // Updated in place (same size, new mtime): asked again.
    let file = std::fs::File::options().append(true).open(&claude).unwrap();
    file.set_modified(SystemTime::now() + Duration::from_secs(5))
        .unwrap();
    drop(file);
    let (_, doc) = check(&home, &[], &[]);
    assert_eq!(cli_check(&doc)["cli"]["version_from"], "command");
    assert_eq!(runs(&count).len(), 2);

    // Replaced by another version (another size): asked again, the new answer shown.
    counting_claude(
        &claude,
        &count,
        "2.1.151 (Claude Code) and more",
        LOGGED_IN_KEY,
    );
    let (_, doc) = check(&home, &[], &[]);
    assert_eq!(cli_check(&doc)["cli"]["version"], "2.1.151");
    assert_eq!(runs(&count).len(), 3);
    let (_, doc) = check(&home, &[], &[]);
    assert_eq!(cli_check(&doc)["cli"]["version_from"], "cache");
    assert_eq!(runs(&count).len(), 3);
}

#[test]
fn several_installs_are_found_and_compared_without_starting_them() {
    let home = TempHome::new();
    let count = home.root.path().join("runs");
    let native = home.home().join(".local/share/claude/versions/2.1.197");
    counting_claude(&native, &count, "9.9.9", LOGGED_IN_KEY);
    symlink(&native, &home.bin().join("claude"));
    let cask = home
        .root
        .path()
        .join("opt/homebrew/Caskroom/claude-code/2.1.100/claude");
    counting_claude(&cask, &count, "9.9.9", LOGGED_IN_KEY);
    let brew_bin = home.root.path().join("opt/homebrew/bin");
    symlink(&cask, &brew_bin.join("claude"));
    let path = format!(
        "{}:{}:/usr/bin:/bin",
        home.bin().display(),
        brew_bin.display()
    );
    let (_, doc) = check(&home, &[], &[("PATH", &path)]);
    let cli = cli_check(&doc);
    assert!(
        causes(cli).contains(&"multiple-installs".to_string()),
        "{cli:#}"
    );
    let summary = cli["findings"][0]["summary"].as_str().unwrap();
    assert!(
        summary.contains("2.1.197, native") && summary.contains("2.1.100, homebrew"),
        "{summary}"
    );
    assert_eq!(cli["cli"]["shadowed"][0]["version"], "2.1.100");
    assert!(runs(&count).is_empty(), "started: {:?}", runs(&count));
}

#[test]
fn npm_placeholder_binary_is_named() {
    let home = TempHome::new();
    let pkg = home
        .root
        .path()
        .join("npm/node_modules/@anthropic-ai/claude-code");
    std::fs::create_dir_all(pkg.join("bin")).unwrap();
    std::fs::write(
        pkg.join("package.json"),
        r#"{"name": "@anthropic-ai/claude-code", "version": "2.1.197"}"#,
    )
    .unwrap();
    // The package's real placeholder, as shipped before its install step replaces it.
    let stub = pkg.join("bin/claude.exe");
    std::fs::write(
        &stub,
        "echo \"Error: claude native binary not installed.\" >&2\necho \"\" >&2\nexit 1\n",
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&stub, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    symlink(&stub, &home.bin().join("claude"));
    let (_, doc) = check(&home, &[], &[]);
    let cli = cli_check(&doc);
    assert!(
        causes(cli).contains(&"cli-unresponsive".to_string()),
        "{cli:#}"
    );
    assert!(
        cli["summary"].as_str().unwrap().contains("placeholder"),
        "{cli:#}"
    );
}

#[test]
fn auth_status_runs_only_for_cross_check_and_a_disagreement_is_reported() {
    let home = TempHome::new();
    let count = home.root.path().join("runs");
    let native = home.home().join(".local/share/claude/versions/2.1.197");
    counting_claude(&native, &count, "2.1.197 (Claude Code)", NOT_LOGGED_IN);
    symlink(&native, &home.bin().join("claude"));
    let key = [("ANTHROPIC_API_KEY", FAKE_API_KEY)];

    let (_, doc) = check(&home, &[], &key);
    assert!(runs(&count).is_empty(), "started: {:?}", runs(&count));
    assert!(!causes(cli_check(&doc)).contains(&"cli-disagrees".to_string()));

    let (_, doc) = check(&home, &["--cross-check"], &key);
    assert_eq!(runs(&count), vec!["auth status --json"]);
    let cli = cli_check(&doc);
    assert!(
        causes(cli).contains(&"cli-disagrees".to_string()),
        "{cli:#}"
    );
    let finding = cli["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["cause"] == "cli-disagrees")
        .unwrap();
    assert_eq!(finding["severity"], "warn");
    assert!(
        finding["summary"]
            .as_str()
            .unwrap()
            .contains("it says not logged in, but this tool finds ANTHROPIC_API_KEY"),
        "{finding:#}"
    );

    // When they agree, nothing is reported.
    counting_claude(&native, &count, "2.1.197 (Claude Code)", LOGGED_IN_KEY);
    let (_, doc) = check(&home, &["--cross-check"], &key);
    let cli = cli_check(&doc);
    assert!(
        !causes(cli).contains(&"cli-disagrees".to_string()),
        "{cli:#}"
    );
    assert!(
        cli["details"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d.as_str().unwrap().contains("loggedIn=true")),
        "{cli:#}"
    );
}

#[test]
fn fix_gets_the_cli_version() {
    // A 1.x CLI has no `auth login`: relogin must plan the old way, which it can only do when
    // `fix` knows the version.
    let home = TempHome::new();
    let count = home.root.path().join("runs");
    let target = home.home().join(".local/share/claude/versions/1.0.44");
    counting_claude(&target, &count, "1.0.44 (Claude Code)", LOGGED_IN_KEY);
    symlink(&target, &home.bin().join("claude"));
    // A desktop session (a display): without one, relogin offers `claude setup-token` instead.
    let out = home
        .command()
        .args(["fix", "relogin", "--dry-run"])
        .env("DISPLAY", ":0")
        .output()
        .expect("run binary");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("type /login"), "{text}");
    assert!(!text.contains("claude auth login"), "{text}");
    assert!(!home.home().join(".local/state/claude-auth-tui").exists());
}
