//! `report`: Markdown and JSON, redacted (fingerprints only, home as `~`), over several homes.

mod support;

use support::*;

fn homes() -> Vec<(TempHome, Vec<(&'static str, &'static str)>)> {
    let mut out = Vec::new();

    let h = TempHome::new();
    h.fake_claude_standard();
    h.write(
        ".zshrc",
        &format!("export ANTHROPIC_API_KEY={FAKE_API_KEY}\n"),
    );
    h.write_credentials(4_102_444_800_000);
    out.push((
        h,
        vec![("ANTHROPIC_API_KEY", FAKE_API_KEY), ("SHELL", "/bin/zsh")],
    ));

    let h = TempHome::new();
    h.write(
        ".claude/settings.json",
        &format!(r#"{{"env":{{"ANTHROPIC_AUTH_TOKEN":"{FAKE_AUTH_TOKEN}","ANTHROPIC_API_KEY":"{FAKE_OTHER_KEY}"}},"apiKeyHelper":"echo {FAKE_API_KEY}"}}"#),
    );
    h.write(
        ".claude.json",
        &format!(r#"{{"primaryApiKey":"{FAKE_API_KEY}"}}"#),
    );
    out.push((h, vec![("CLAUDE_CODE_OAUTH_TOKEN", FAKE_OAUTH_TOKEN)]));

    let h = TempHome::new();
    h.write_mode(".claude/credentials.json", &format!(r#"{{"claudeAiOauth":{{"accessToken":"{FAKE_OAUTH_TOKEN}","refreshToken":"{FAKE_REFRESH_TOKEN}"}}}}"#), 0o644);
    out.push((h, vec![]));
    out
}

#[test]
fn reports_never_leak_and_hide_the_home() {
    for (home, vars) in homes() {
        for args in [
            vec!["report", "--offline"],
            vec!["report", "--offline", "--json"],
            vec!["check", "--offline", "-v"],
            vec!["check", "--offline", "--json"],
        ] {
            let mut cmd = home.command();
            cmd.args(&args);
            for (k, v) in &vars {
                cmd.env(k, v);
            }
            let out = cmd.output().unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert_no_leak(&text);
            assert_no_leak(&String::from_utf8_lossy(&out.stderr));
            if args[0] == "report" {
                assert_eq!(out.status.code(), Some(0), "{args:?}");
                assert!(
                    !text.contains(&home.home().display().to_string()),
                    "home path shown in {args:?}:\n{text}"
                );
            }
        }
    }
}

#[test]
fn markdown_report_has_fingerprints_and_scopes() {
    let (home, vars) = homes().into_iter().next().unwrap();
    let mut cmd = home.command();
    cmd.args(["report", "--offline"]);
    for (k, v) in &vars {
        cmd.env(k, v);
    }
    let text = String::from_utf8(cmd.output().unwrap().stdout).unwrap();
    let fp = claude_auth_tui::secret::fingerprint(FAKE_API_KEY);
    assert!(
        text.contains(&format!("sk-ant-api03-…AbCd (sha256:{fp})")),
        "{text}"
    );
    assert!(text.contains("## Settings scopes"), "{text}");
    assert!(text.contains("| Claude Code | 2.1.197 |"), "{text}");
    assert!(text.contains("~/.claude/settings.json"), "{text}");
}

#[test]
fn json_report_is_one_object_with_extras() {
    let (home, vars) = homes().into_iter().nth(1).unwrap();
    let mut cmd = home.command();
    cmd.args(["report", "--offline", "--json"]);
    for (k, v) in &vars {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["schema"], 1);
    let creds = doc["credentials"].as_array().unwrap();
    assert!(creds.iter().any(|c| c["role"] == "used"));
    assert!(
        creds.iter().all(|c| c["fingerprint"].is_null()
            || c["fingerprint"].as_str().unwrap().contains("sha256:"))
    );
    assert_eq!(doc["settings_scopes"].as_array().unwrap().len(), 4);
}

#[test]
fn report_to_a_file() {
    let home = TempHome::new();
    let target = home.root.path().join("report.md");
    let out = home
        .command()
        .args(["report", "--offline", "-o"])
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .starts_with("# Claude Code authentication report")
    );
    let out = home
        .command()
        .args(["report", "--offline", "-o", "/nonexistent-dir/x.md"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write the report"));
}
