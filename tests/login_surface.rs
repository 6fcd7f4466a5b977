//! Several sessions on one login (a fake /proc), and logging in where no browser can open
//! (SSH, containers, no display): the causes, and relogin's `claude setup-token` path.
#![allow(clippy::unwrap_used)] // tests: a panic is a failed test

mod support;

use claude_auth_tui::checks::{CheckCtx, CheckOptions, run_all};
use claude_auth_tui::env::{Environment, Platform};
use claude_auth_tui::fixes::{self, FixInput};
use claude_auth_tui::ids::{CauseId, CheckId, FixId};
use claude_auth_tui::outcome::{CheckOutcome, Status};
use std::path::Path;
use std::sync::Arc;
use support::*;

const NOW_MS: i64 = 1_800_000_000_000;

fn causes(env: Environment) -> (Vec<(CauseId, Status)>, CheckOutcome) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let outcomes = rt.block_on(async {
        let ctx = CheckCtx::new(
            Arc::new(env),
            CheckOptions {
                offline: true,
                ..CheckOptions::default()
            },
        );
        run_all(Arc::new(ctx)).await
    });
    let o = outcomes
        .into_iter()
        .find(|o| o.id == CheckId::Oauth)
        .unwrap();
    assert_no_leak(&format!(
        "{}\n{:?}\n{}",
        o.summary,
        o.findings,
        o.details.join("\n")
    ));
    (
        o.findings.iter().map(|f| (f.cause, f.severity)).collect(),
        o,
    )
}

/// A fake `/proc/<pid>` with `comm`, `cmdline` and `environ`.
fn fake_process(root: &Path, pid: u32, comm: &str, argv: &[&str], environ: &[String]) {
    let dir = root.join("proc").join(pid.to_string());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("comm"), format!("{comm}\n")).unwrap();
    std::fs::write(dir.join("cmdline"), argv.join("\0") + "\0").unwrap();
    std::fs::write(dir.join("environ"), environ.join("\0") + "\0").unwrap();
}

fn stub(home: &TempHome) {
    home.write_mode(
        ".claude/.credentials.json",
        r#"{"claudeAiOauth":{"accessToken":"","refreshToken":"","expiresAt":0,"scopes":["user:inference"]}}"#,
        0o600,
    );
}

fn desktop(home: &TempHome, root: &Path) -> claude_auth_tui::env::EnvironmentBuilder {
    home.env()
        .platform(Platform::Linux)
        .now_ms(NOW_MS)
        .var("DISPLAY", ":0")
        .system_root(root)
}

#[test]
fn a_logged_out_stub_while_other_sessions_run_is_named() {
    let home = TempHome::new();
    let root = home.root.path().join("sys");
    stub(&home);
    // Without other sessions: the dead refresh token, as before.
    let (found, _) = causes(desktop(&home, &root).build());
    assert_eq!(found, vec![(CauseId::OauthRefreshDead, Status::Fail)]);

    let same_home = format!("HOME={}", home.home().display());
    fake_process(
        &root,
        4242,
        "claude",
        &["claude"],
        std::slice::from_ref(&same_home),
    );
    fake_process(
        &root,
        4343,
        "node",
        &[
            "node",
            "/usr/lib/node_modules/@anthropic-ai/claude-code/cli.js",
        ],
        std::slice::from_ref(&same_home),
    );
    // Not sharing: another config dir, or not claude at all.
    fake_process(
        &root,
        5000,
        "claude",
        &["claude"],
        &[
            same_home.clone(),
            "CLAUDE_CONFIG_DIR=/elsewhere".to_string(),
        ],
    );
    fake_process(&root, 5001, "vim", &["vim", "claude"], &[same_home]);
    let (found, o) = causes(desktop(&home, &root).build());
    assert_eq!(
        found,
        vec![(CauseId::SessionsShareLogin, Status::Fail)],
        "{o:#?}"
    );
    let summary = &o.findings[0].summary;
    assert!(summary.contains("pid 4242, 4343"), "{summary}");
    assert!(
        summary.contains("refresh token works only once"),
        "{summary}"
    );
    assert!(o.fixes.contains(&FixId::Relogin));
}

#[test]
fn healthy_sessions_on_one_login_are_only_mentioned() {
    let home = TempHome::new();
    let root = home.root.path().join("sys");
    home.write_credentials(NOW_MS + 86_400_000);
    let same_home = format!("HOME={}", home.home().display());
    fake_process(
        &root,
        10,
        "claude",
        &["claude"],
        std::slice::from_ref(&same_home),
    );
    fake_process(&root, 11, "claude", &["claude", "-c"], &[same_home]);
    let (found, o) = causes(desktop(&home, &root).build());
    assert!(found.is_empty(), "{o:#?}");
    assert!(
        o.details
            .iter()
            .any(|d| d.contains("2 `claude` sessions use this login"))
    );
}

#[test]
fn no_browser_here_is_named_and_relogin_offers_setup_token() {
    let home = TempHome::new();
    let root = home.root.path().join("sys");
    let (found, _) = causes(desktop(&home, &root).build());
    assert_eq!(found, vec![(CauseId::NoCredentials, Status::Fail)]);

    let ssh = desktop(&home, &root)
        .var("SSH_CONNECTION", "10.0.0.1 50000 10.0.0.2 22")
        .build();
    let (found, o) = causes(ssh.clone());
    assert_eq!(
        found,
        vec![
            (CauseId::NoCredentials, Status::Fail),
            (CauseId::LoginNeedsBrowser, Status::Warn)
        ]
    );
    assert!(o.findings[1].summary.contains("claude setup-token"));

    let plan = fixes::plan(FixId::Relogin, &ssh, &FixInput::default()).unwrap();
    let command = plan.command.as_ref().unwrap();
    assert_eq!(command.display(), "claude setup-token");
    assert!(plan.summary.contains("an SSH session"), "{}", plan.summary);
    let desktop_plan = fixes::plan(
        FixId::Relogin,
        &desktop(&home, &root).build(),
        &FixInput::default(),
    )
    .unwrap();
    assert_eq!(desktop_plan.command.unwrap().display(), "claude auth login");
}

#[test]
fn the_setup_token_goes_into_the_profile_and_undo_takes_it_out() {
    let home = TempHome::new();
    let root = home.root.path().join("sys");
    let profile = home.write(".zshrc", "alias ll='ls -l'\n");
    let env = home
        .env()
        .platform(Platform::Linux)
        .system_root(&root)
        .var("SHELL", "/bin/zsh")
        .build();
    let bad = FixInput {
        key: Some(FAKE_API_KEY.to_string()),
        ..FixInput::default()
    };
    assert!(matches!(
        fixes::plan(FixId::Relogin, &env, &bad),
        Err(fixes::FixError::InvalidInput(_))
    ));
    let input = FixInput {
        key: Some(FAKE_OAUTH_TOKEN.to_string()),
        ..FixInput::default()
    };
    let plan = fixes::plan(FixId::Relogin, &env, &input).unwrap();
    assert_no_leak(&format!(
        "{}\n{}",
        plan.summary,
        fixes::preview(&plan, &env)
    ));
    fixes::apply(&plan, &env).unwrap();
    let text = std::fs::read_to_string(&profile).unwrap();
    assert!(text.starts_with("alias ll='ls -l'\n"), "{text}");
    assert!(
        text.contains(&format!(
            "export CLAUDE_CODE_OAUTH_TOKEN={FAKE_OAUTH_TOKEN}"
        )) || text.contains(&format!(
            "export CLAUDE_CODE_OAUTH_TOKEN='{FAKE_OAUTH_TOKEN}'"
        )),
        "{text}"
    );
    fixes::undo_last(&env).unwrap();
    assert_eq!(
        std::fs::read_to_string(&profile).unwrap(),
        "alias ll='ls -l'\n"
    );
}

#[test]
fn the_cli_reads_the_token_from_stdin_where_no_browser_opens() {
    use std::io::Write;
    let home = TempHome::new();
    let profile = home.write(".zshrc", "");
    let mut child = home
        .command()
        .args(["fix", "relogin", "--yes"])
        .env("SHELL", "/bin/zsh")
        .env("SSH_CONNECTION", "10.0.0.1 50000 10.0.0.2 22")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{FAKE_OAUTH_TOKEN}").unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_no_leak(&stdout);
    assert_no_leak(&String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stdout}");
    assert!(
        std::fs::read_to_string(&profile)
            .unwrap()
            .contains("CLAUDE_CODE_OAUTH_TOKEN")
    );
}

#[test]
fn a_container_without_onboarding_is_named() {
    let home = TempHome::new();
    let root = home.root.path().join("sys");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join(".dockerenv"), "").unwrap();
    home.write_credentials(NOW_MS + 86_400_000);
    home.write(".claude.json", "{\"numStartups\": 1}\n");
    let env = desktop(&home, &root).build();
    let (found, o) = causes(env.clone());
    assert_eq!(
        found,
        vec![(CauseId::OnboardingIncomplete, Status::Warn)],
        "{o:#?}"
    );
    home.write(".claude.json", "{\"hasCompletedOnboarding\": true}\n");
    let (found, _) = causes(env);
    assert!(found.is_empty());
}
