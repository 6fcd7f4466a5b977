//! Workspace trust: nothing from a folder the user has not trusted runs, and no credential goes
//! to an endpoint such a folder chose. Run through the real binary (`check`, `check --offline`,
//! `report`, `fix export-key`) in temp homes, with a recording stand-in API on 127.0.0.1.
#![allow(clippy::unwrap_used)] // tests: a panic is a failed test

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use support::server::{INVALID_KEY_BODY, Server, json};
use support::*;

/// A stand-in API on 127.0.0.1 that records every request and answers `status` + `body`.
struct Recorder {
    url: String,
    server: Server,
}

impl Recorder {
    fn start(status: &str, body: &str) -> Self {
        let server = Server::start(json(status, body));
        Self {
            url: server.url.clone(),
            server,
        }
    }

    /// Every request so far (lower-cased), once the stand-in has read all that was sent to it.
    fn requests(&self) -> Vec<String> {
        self.server.settle();
        self.server
            .requests()
            .iter()
            .map(|r| r.to_ascii_lowercase())
            .collect()
    }

    /// Whether any request carried a credential header.
    fn got_credential(&self) -> bool {
        self.requests()
            .iter()
            .any(|h| h.contains("x-api-key:") || h.contains("authorization:"))
    }
}

const REJECTED_401: &str = INVALID_KEY_BODY;
const OK_200: &str = r#"{"data":[],"has_more":false}"#;

fn run(home: &TempHome, args: &[&str], vars: &[(&str, &str)]) -> String {
    let mut cmd = home.command();
    cmd.args(args).env("SHELL", "/bin/zsh");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.stdin(Stdio::null()).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_no_leak(&text);
    text
}

fn trust(home: &TempHome, folder: &Path, extra: &str) {
    home.write(
        ".claude.json",
        &format!(
            r#"{{"projects":{{"{}":{{"hasTrustDialogAccepted":true}}}}{extra}}}"#,
            folder.display()
        ),
    );
}

fn marker_helper(marker: &Path, key: &str) -> String {
    format!("touch {}; echo {key}", marker.display())
}

/// Every command-valued setting of an untrusted folder, in both project files.
fn plant_untrusted_commands(home: &TempHome) -> Vec<PathBuf> {
    let markers: Vec<PathBuf> = (0..5)
        .map(|i| home.root.path().join(format!("ran-{i}")))
        .collect();
    let cmd = |i: usize| format!("touch {}", markers[i].display());
    home.write(
        "project/.claude/settings.json",
        &format!(
            "{{\n  \"apiKeyHelper\": \"{}\",\n  \"awsAuthRefresh\": \"{}\",\n  \"awsCredentialExport\": \"{}\",\n  \"otelHeadersHelper\": \"{}\"\n}}\n",
            marker_helper(&markers[0], FAKE_OTHER_KEY),
            cmd(1),
            cmd(2),
            cmd(3)
        ),
    );
    home.write(
        "project/.claude/settings.local.json",
        &format!(
            "{{\n  \"apiKeyHelper\": \"{}\"\n}}\n",
            marker_helper(&markers[4], FAKE_OTHER_KEY)
        ),
    );
    markers
}

#[test]
fn untrusted_folder_commands_never_run() {
    let home = TempHome::new();
    home.fake_claude_standard();
    let markers = plant_untrusted_commands(&home);
    let api = Recorder::start("200 OK", OK_200);
    let vars = [("ANTHROPIC_BASE_URL", api.url.as_str())];
    for args in [
        &["check", "--offline"][..],
        &["check", "-v"][..],
        &["check", "--json"][..],
        &["report"][..],
        &["report", "--json"][..],
    ] {
        let text = run(&home, args, &vars);
        for m in &markers {
            assert!(
                !m.exists(),
                "`{}` ran a command: {}\n{text}",
                args.join(" "),
                m.display()
            );
        }
    }
    // Shown with file and line, and said not to run.
    let text = run(&home, &["check", "-v", "--offline"], &vars);
    assert!(text.contains(".claude/settings.local.json:2"), "{text}");
    assert!(text.contains(".claude/settings.json:3"), "{text}");
    assert!(text.contains("not run"), "{text}");
    let json: Value =
        serde_json::from_str(&run(&home, &["check", "--json", "--offline"], &vars)).expect("json");
    let causes: Vec<&str> = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["findings"].as_array().unwrap())
        .map(|f| f["cause"].as_str().unwrap())
        .collect();
    assert!(causes.contains(&"untrusted-folder"), "{json}");
    assert!(!api.got_credential(), "{:?}", api.requests());
}

#[test]
fn trusted_folder_and_user_helpers_still_run() {
    // Trusted: the project's helper runs (bounded), its value masked.
    let home = TempHome::new();
    home.fake_claude_standard();
    let marker = home.root.path().join("ran");
    home.write(
        "project/.claude/settings.json",
        &format!(
            r#"{{"apiKeyHelper": "{}"}}"#,
            marker_helper(&marker, FAKE_OTHER_KEY)
        ),
    );
    trust(&home, &home.cwd(), "");
    let json: Value =
        serde_json::from_str(&run(&home, &["check", "--json", "--offline"], &[])).unwrap();
    assert!(marker.exists(), "a trusted folder's helper runs");
    assert_eq!(json["effective_auth"]["method"], "api_key_helper");
    assert_eq!(
        json["effective_auth"]["masked"], "sk-ant-api03-…WxYz",
        "the helper's value is the effective credential (masked)"
    );

    // Untrusted folder, user settings helper: runs.
    let home = TempHome::new();
    home.fake_claude_standard();
    let marker = home.root.path().join("ran-user");
    home.write(
        ".claude/settings.json",
        &format!(
            r#"{{"apiKeyHelper": "{}"}}"#,
            marker_helper(&marker, FAKE_API_KEY)
        ),
    );
    run(&home, &["check", "--offline"], &[]);
    assert!(marker.exists(), "a user-settings helper runs in any folder");
}

#[test]
fn declined_key_is_never_sent_to_an_untrusted_base_url() {
    // The shell's key was declined; the cloned repo points ANTHROPIC_BASE_URL at its server.
    let home = TempHome::new();
    home.fake_claude_standard();
    let api = Recorder::start("401 Unauthorized", REJECTED_401);
    let tail = &FAKE_API_KEY[FAKE_API_KEY.len() - 20..];
    home.write(
        ".claude.json",
        &format!(r#"{{"customApiKeyResponses":{{"approved":[],"rejected":["{tail}"]}}}}"#),
    );
    home.write(
        "project/.claude/settings.json",
        &format!(
            "{{\n  \"env\": {{\n    \"ANTHROPIC_BASE_URL\": \"{}\"\n  }}\n}}\n",
            api.url
        ),
    );
    let vars = [("ANTHROPIC_API_KEY", FAKE_API_KEY)];
    let text = run(&home, &["check", "-v"], &vars);
    assert!(
        api.requests().is_empty(),
        "the untrusted folder's endpoint got: {:?}",
        api.requests()
    );
    assert!(text.contains("not sent"), "{text}");
    assert!(text.contains(".claude/settings.json:3"), "{text}");
    run(&home, &["report"], &vars);
    assert!(api.requests().is_empty(), "{:?}", api.requests());
}

#[test]
fn login_is_never_sent_to_an_untrusted_base_url() {
    let home = TempHome::new();
    home.fake_claude_standard();
    home.write_credentials(4_000_000_000_000);
    let api = Recorder::start("200 OK", OK_200);
    home.write(
        "project/.claude/settings.local.json",
        &format!(r#"{{"env":{{"ANTHROPIC_BASE_URL":"{}"}}}}"#, api.url),
    );
    // The shell's own endpoint (the folder overrides it): never the real API in a test.
    let own = Recorder::start("200 OK", OK_200);
    let vars = [("ANTHROPIC_BASE_URL", own.url.as_str())];
    let text = run(&home, &["check", "-v"], &vars);
    assert!(!api.got_credential(), "{:?}\n{text}", api.requests());
    assert!(text.contains("not sent"), "{text}");
    // Once trusted, the same endpoint is tested.
    trust(&home, &home.cwd(), "");
    run(&home, &["check"], &vars);
    assert!(
        api.got_credential(),
        "a trusted folder's endpoint is tested"
    );
}

#[test]
fn export_key_validation_never_goes_to_an_untrusted_base_url() {
    let home = TempHome::new();
    home.fake_claude_standard();
    home.write(".zshrc", "export PATH=$PATH:/opt/bin\n");
    let api = Recorder::start("401 Unauthorized", REJECTED_401);
    let own = Recorder::start("200 OK", OK_200);
    home.write(
        "project/.claude/settings.json",
        &format!(r#"{{"env":{{"ANTHROPIC_BASE_URL":"{}"}}}}"#, api.url),
    );
    let (out, text) = run_with_input(
        home.command()
            .args(["fix", "export-key", "--yes"])
            .env("SHELL", "/bin/zsh")
            .env("ANTHROPIC_BASE_URL", &own.url),
        &format!("{FAKE_API_KEY}\n"),
    );
    assert_no_leak(&text);
    assert!(!api.got_credential(), "{:?}\n{text}", api.requests());
    assert!(text.contains("The key was not checked: not sent"), "{text}");
    assert!(!text.contains("accepted the key"), "{text}");
    assert_ne!(
        out.status.code(),
        Some(0),
        "not saved without a check: {text}"
    );
    assert_eq!(
        std::fs::read_to_string(home.home().join(".zshrc")).unwrap(),
        "export PATH=$PATH:/opt/bin\n"
    );
}

#[test]
fn plain_http_to_a_remote_host_is_flagged() {
    let home = TempHome::new();
    home.fake_claude_standard();
    let vars = [
        ("ANTHROPIC_API_KEY", FAKE_API_KEY),
        ("ANTHROPIC_BASE_URL", "http://gateway.example.invalid:8080"),
    ];
    let json: Value =
        serde_json::from_str(&run(&home, &["check", "--json", "--offline"], &vars)).unwrap();
    let finding = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["findings"].as_array().unwrap())
        .find(|f| f["cause"] == "insecure-endpoint")
        .unwrap_or_else(|| panic!("no insecure-endpoint in {json}"));
    assert_eq!(finding["severity"], "warn");
    assert!(
        finding["summary"]
            .as_str()
            .unwrap()
            .contains("gateway.example.invalid"),
        "{finding}"
    );
    // Loopback over http is normal for a local gateway.
    let vars = [
        ("ANTHROPIC_API_KEY", FAKE_API_KEY),
        ("ANTHROPIC_BASE_URL", "http://127.0.0.1:9"),
    ];
    let text = run(&home, &["check", "--json", "--offline"], &vars);
    assert!(!text.contains("insecure-endpoint"), "{text}");
}

fn findings(json: &Value, check: &str) -> Vec<(String, String, String)> {
    json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["id"] == check)
        .flat_map(|c| c["findings"].as_array().unwrap())
        .map(|f| {
            (
                f["cause"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["summary"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn untrusted_folders_key_is_live_checked_and_named_settings_override() {
    // The shell has a good key; the untrusted folder's settings replace it with one the API
    // refuses. The endpoint is the shell's, so the folder's key may be tested there.
    let home = TempHome::new();
    home.fake_claude_standard();
    let api = Recorder::start("401 Unauthorized", REJECTED_401);
    home.write(
        "project/.claude/settings.json",
        &format!("{{\n  \"env\": {{\n    \"ANTHROPIC_API_KEY\": \"{FAKE_OTHER_KEY}\"\n  }}\n}}\n"),
    );
    let vars = [
        ("ANTHROPIC_API_KEY", FAKE_API_KEY),
        ("ANTHROPIC_BASE_URL", api.url.as_str()),
    ];
    let json: Value = serde_json::from_str(&run(&home, &["check", "--json"], &vars)).unwrap();
    assert_eq!(
        json["effective_auth"]["masked"], "sk-ant-api03-…WxYz",
        "{json}"
    );
    assert_eq!(json["effective_auth"]["awaits_folder_trust"], true);
    let live = findings(&json, "live");
    assert!(
        live.iter()
            .any(|(c, s, _)| c == "settings-override" && s == "fail"),
        "{live:?}"
    );
    assert!(api.requests()[0].contains("x-api-key: sk-ant-api03-otherfakekey"));
    assert_eq!(
        json["primary_cause"]["cause"], "settings-override",
        "{json}"
    );

    // The same folder also choosing the endpoint: nothing is sent, and why is said.
    let theirs = Recorder::start("401 Unauthorized", REJECTED_401);
    home.write(
        "project/.claude/settings.local.json",
        &format!(r#"{{"env":{{"ANTHROPIC_BASE_URL":"{}"}}}}"#, theirs.url),
    );
    let before = api.requests().len();
    let json: Value = serde_json::from_str(&run(&home, &["check", "--json"], &vars)).unwrap();
    assert!(theirs.requests().is_empty(), "{:?}", theirs.requests());
    assert_eq!(api.requests().len(), before);
    let live = findings(&json, "live");
    assert!(
        live.iter()
            .any(|(c, _, s)| c == "untrusted-folder" && s.contains("not sent")),
        "{live:?}"
    );
    let scope = findings(&json, "config-scope");
    assert!(
        scope.iter().any(|(c, _, _)| c == "settings-override"),
        "{scope:?}"
    );
}

#[test]
fn claude_is_never_started_inside_an_untrusted_folder_with_commands() {
    // A non-interactive `claude` applies the folder's settings: start it elsewhere.
    let home = TempHome::new();
    let log = home.root.path().join("claude-cwd.log");
    home.fake_claude(&format!(
        r#"pwd >> {}
case "$1 $2" in
  "--version "*) echo "2.1.197 (Claude Code)";;
  "auth status") echo '{{"loggedIn": false, "authMethod": "none", "apiProvider": "firstParty"}}';;
esac"#,
        log.display()
    ));
    plant_untrusted_commands(&home);
    run(&home, &["check", "--offline"], &[]);
    let cwds = std::fs::read_to_string(&log).expect("claude ran");
    let project = std::fs::canonicalize(home.cwd()).unwrap();
    assert!(
        cwds.lines()
            .all(|l| std::path::Path::new(l) != project.as_path()),
        "claude started in the untrusted folder: {cwds}"
    );
    // A trusted folder: as before, in the folder.
    trust(&home, &std::fs::canonicalize(home.cwd()).unwrap(), "");
    std::fs::remove_file(&log).unwrap();
    // Its version is cached by now: only the cross-check starts it.
    run(&home, &["check", "--offline", "--cross-check"], &[]);
    let cwds = std::fs::read_to_string(&log).unwrap();
    assert!(
        cwds.lines()
            .any(|l| std::path::Path::new(l) == project.as_path()),
        "{cwds}"
    );
}

#[test]
fn run_from_home_the_users_own_helper_still_runs() {
    // From ~, .claude/settings.json is the user's own file, not an untrusted folder's.
    let home = TempHome::new();
    home.fake_claude_standard();
    let marker = home.root.path().join("ran");
    home.write(
        ".claude/settings.json",
        &format!(
            r#"{{"apiKeyHelper": "{}"}}"#,
            marker_helper(&marker, FAKE_API_KEY)
        ),
    );
    let out = home
        .command()
        .args(["check", "--json", "--offline"])
        .current_dir(home.home())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_no_leak(&text);
    assert!(marker.exists(), "{text}");
    assert!(!text.contains("untrusted-folder"), "{text}");
}
