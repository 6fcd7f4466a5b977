//! The fixes that run commands (`relogin`, `open-console`), an apply really aborted in a child
//! process, and the `fix` / `undo` commands (`fixes::cli`) against throwaway homes.
#![cfg(unix)]
#![allow(clippy::unwrap_used)] // tests: a panic is a failed test

mod support;

use claude_auth_tui::checks::live::KeyCheckError;
use claude_auth_tui::env::Environment;
use claude_auth_tui::fixes::cli::{FixCliOptions, KeyValidator, run_fix, run_undo};
use claude_auth_tui::fixes::{self, EntryStatus, FAULT_VAR, FixInput, KEYS_URL};
use claude_auth_tui::ids::FixId;
use std::fs;
use std::io::Cursor;
use std::os::unix::fs::PermissionsExt;
use support::fix_cycle::*;
use support::{FAKE_API_KEY, FAKE_OAUTH_TOKEN, TempHome, assert_no_leak};

// ---------- relogin and open-console (commands only) ----------

#[test]
fn relogin_uses_the_cli_login_of_its_version() {
    let h = TempHome::new();
    // A desktop (a display): the browser login; headless sessions get setup-token instead.
    let env = h
        .env()
        .var("ANTHROPIC_API_KEY", FAKE_API_KEY)
        .var("DISPLAY", ":0")
        .build();
    let plan = fixes::plan(FixId::Relogin, &env, &FixInput::default()).unwrap();
    let command = plan.command.as_ref().unwrap();
    assert_eq!(command.display(), "claude auth login");
    assert!(command.interactive);
    assert!(
        plan.notes
            .iter()
            .any(|n| n.contains("claude setup-token") && n.contains("CLAUDE_CODE_OAUTH_TOKEN"))
    );
    assert!(plan.notes.iter().any(|n| n.contains("silence-env-key")));
    let preview = fixes::preview(&plan, &env);
    assert!(
        preview.starts_with("Runs: claude auth login\n"),
        "{preview}"
    );
    assert_plan_no_leak(&plan, &preview);
    let entry = fixes::apply(&plan, &env).unwrap();
    assert!(entry.files.is_empty());
    assert!(
        fixes::list_undo(&env).is_empty(),
        "a command is not journaled"
    );

    let old = FixInput {
        cli_version: Some("1.0.44 (Claude Code)".into()),
        ..FixInput::default()
    };
    let plan = fixes::plan(FixId::Relogin, &env, &old).unwrap();
    assert_eq!(plan.command.unwrap().display(), "claude");
}

#[test]
fn open_console_opens_a_browser_or_shows_the_url() {
    let h = TempHome::new();
    let opener = h.bin().join("xdg-open");
    fs::write(&opener, "#!/bin/sh\nexit 0\n").unwrap();
    fs::set_permissions(&opener, fs::Permissions::from_mode(0o755)).unwrap();

    let env = h.env().var("DISPLAY", ":0").build();
    let plan = fixes::plan(FixId::OpenConsole, &env, &FixInput::default()).unwrap();
    let command = plan.command.as_ref().expect("a browser can open");
    assert_eq!(command.display(), format!("xdg-open {KEYS_URL}"));
    assert!(fixes::run_command(command, &env).unwrap().success());

    for env in [
        h.env().build(),
        h.env()
            .var("DISPLAY", ":0")
            .var("SSH_CONNECTION", "10.0.0.1 22 10.0.0.2 5555")
            .build(),
    ] {
        let plan = fixes::plan(FixId::OpenConsole, &env, &FixInput::default()).unwrap();
        assert!(plan.command.is_none());
        assert!(plan.notes.iter().any(|n| n.contains(KEYS_URL)));
    }
}

// ---------- a really interrupted apply ----------

const CHILD_HOME_VAR: &str = "CLAUDE_AUTH_TUI_TEST_ABORT_HOME";

/// Not a test on its own: the body of the child process that `apply_aborted_in_a_child_process`
/// starts (it does nothing unless that variable is set).
#[test]
fn child_process_that_aborts_mid_apply() {
    let Ok(home) = std::env::var(CHILD_HOME_VAR) else {
        return;
    };
    let env = Environment::builder(&home)
        .var("SHELL", "/bin/zsh")
        .var(FAULT_VAR, "abort-after-backup")
        .build();
    let plan = fixes::plan(FixId::ExportKey, &env, &with_key(FAKE_API_KEY)).unwrap();
    let _ = fixes::apply(&plan, &env);
    unreachable!("apply aborts the process");
}

#[test]
#[cfg_attr(
    not(feature = "fault-injection"),
    ignore = "needs the fault-injection feature: cargo test --all-features"
)]
fn apply_aborted_in_a_child_process_loses_nothing() {
    let h = TempHome::new();
    let original = "alias a=b\nexport ANTHROPIC_API_KEY=old-key-value\n";
    let zshrc = h.write_mode(".zshrc", original, 0o644);
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "child_process_that_aborts_mid_apply",
            "--exact",
            "--test-threads=1",
            "--nocapture",
        ])
        .env_clear()
        .env(CHILD_HOME_VAR, h.home())
        .env("HOME", h.home())
        .current_dir(h.root.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(!status.success(), "the child aborted");
    assert_eq!(text(&zshrc), original);
    assert_eq!(mode(&zshrc), 0o644);
    no_temp_files(&h.home());

    let env = zsh(&h);
    let entries = fixes::list_undo(&env);
    assert_eq!(entries.len(), 1);
    assert_eq!(
        entries[0].status,
        EntryStatus::Pending,
        "the crash left the entry pending"
    );
    let backup = entries[0].files[0].backup.clone().unwrap();
    assert_eq!(text(&backup), original);

    // Undo copes: the file never changed, so nothing is restored and the entry is closed.
    let report = fixes::undo_last(&env).unwrap();
    assert!(report.restored.is_empty());
    assert_eq!(report.unchanged, vec![zshrc.clone()]);
    assert_eq!(text(&zshrc), original);
}

// ---------- the command line ----------

struct Run {
    code: i32,
    out: String,
}

fn fix_cli(
    env: &Environment,
    fix: FixId,
    opts: FixCliOptions,
    stdin: &str,
    tty: bool,
    validator: Option<KeyValidator<'_>>,
) -> Run {
    let mut input = Cursor::new(stdin.as_bytes().to_vec());
    let mut out = Vec::new();
    let code = run_fix(env, fix, opts, &mut input, &mut out, tty, validator).unwrap();
    let out = String::from_utf8(out).unwrap();
    assert_no_leak(&out);
    Run { code, out }
}

fn undo_cli(env: &Environment, list: bool, yes: bool, stdin: &str, tty: bool) -> Run {
    let mut input = Cursor::new(stdin.as_bytes().to_vec());
    let mut out = Vec::new();
    let code = run_undo(env, list, yes, &mut input, &mut out, tty).unwrap();
    let out = String::from_utf8(out).unwrap();
    assert_no_leak(&out);
    Run { code, out }
}

fn yes() -> FixCliOptions {
    FixCliOptions {
        yes: true,
        offline: true,
        ..FixCliOptions::default()
    }
}

#[test]
fn cli_export_key_reads_stdin_applies_and_undoes() {
    let h = TempHome::new();
    let zshrc = h.write(".zshrc", "alias a=b\n");
    let env = zsh(&h);
    let run = fix_cli(
        &env,
        FixId::ExportKey,
        yes(),
        &format!("{FAKE_API_KEY}\n"),
        false,
        None,
    );
    assert_eq!(run.code, 0, "{}", run.out);
    assert!(run.out.contains("sk-ant-api03-…AbCd"), "{}", run.out);
    assert!(run.out.contains("--offline"), "{}", run.out);
    assert!(
        run.out
            .contains("backed up in ~/.local/state/claude-auth-tui/backups/"),
        "{}",
        run.out
    );
    assert!(run.out.contains("claude-auth-tui undo"), "{}", run.out);
    assert!(run.out.contains("source ~/.zshrc"), "{}", run.out);
    assert!(text(&zshrc).contains(FAKE_API_KEY));

    let again = fix_cli(
        &env,
        FixId::ExportKey,
        yes(),
        &format!("{FAKE_API_KEY}\n"),
        false,
        None,
    );
    assert_eq!(again.code, 0);
    assert!(again.out.contains("Nothing to do"), "{}", again.out);

    let list = undo_cli(&env, true, false, "", false);
    assert!(list.out.contains("export-key"), "{}", list.out);
    assert!(list.out.contains("applied"), "{}", list.out);
    assert_eq!(
        undo_cli(&env, false, false, "", false).code,
        2,
        "no tty, no --yes"
    );
    let undo = undo_cli(&env, false, false, "y\n", true);
    assert_eq!(undo.code, 0, "{}", undo.out);
    assert!(undo.out.contains("Restored ~/.zshrc."), "{}", undo.out);
    assert_eq!(text(&zshrc), "alias a=b\n");
    let none = undo_cli(&env, false, true, "", false);
    assert_eq!((none.code, none.out.trim()), (0, "Nothing to undo."));
}

#[test]
fn cli_confirmation_dry_run_and_refusals() {
    let h = TempHome::new();
    let zshrc = h.write(".zshrc", "alias a=b\n");
    let env = zsh(&h);
    let key_line = format!("{FAKE_API_KEY}\n");
    let untouched = || assert_eq!(text(&zshrc), "alias a=b\n");

    let run = fix_cli(
        &env,
        FixId::ExportKey,
        FixCliOptions::default(),
        &key_line,
        false,
        None,
    );
    assert_eq!(run.code, 2, "no terminal and no --yes");
    assert!(run.out.contains("--yes"), "{}", run.out);
    untouched();

    let dry = FixCliOptions {
        dry_run: true,
        ..FixCliOptions::default()
    };
    let run = fix_cli(&env, FixId::ExportKey, dry, &key_line, false, None);
    assert_eq!(run.code, 0);
    assert!(
        run.out
            .contains("+export ANTHROPIC_API_KEY='sk-ant-api03-…AbCd'"),
        "{}",
        run.out
    );
    assert!(
        run.out.contains("Dry run: nothing was changed."),
        "{}",
        run.out
    );
    untouched();

    let run = fix_cli(
        &env,
        FixId::ExportKey,
        FixCliOptions::default(),
        &format!("{key_line}n\n"),
        true,
        None,
    );
    assert_eq!(run.code, 0);
    assert!(run.out.contains("Paste your API key"), "{}", run.out);
    assert!(run.out.contains("Apply this change? [y/N]"), "{}", run.out);
    assert!(run.out.contains("Nothing was changed."), "{}", run.out);
    untouched();

    let run = fix_cli(&env, FixId::ExportKey, yes(), "\n", false, None);
    assert_eq!(run.code, 2, "no key on stdin");
    let run = fix_cli(
        &env,
        FixId::ExportKey,
        yes(),
        &format!("{FAKE_OAUTH_TOKEN}\n"),
        false,
        None,
    );
    assert_eq!(run.code, 2, "{}", run.out);
    assert!(run.out.contains("OAuth"), "{}", run.out);
    untouched();

    let run = fix_cli(
        &env,
        FixId::ExportKey,
        FixCliOptions::default(),
        &format!("{key_line}yes\n"),
        true,
        None,
    );
    assert_eq!(run.code, 0, "{}", run.out);
    assert!(text(&zshrc).contains(FAKE_API_KEY));
}

#[test]
fn cli_live_check_gates_export_key() {
    let h = TempHome::new();
    let zshrc = h.write(".zshrc", "alias a=b\n");
    let env = zsh(&h);
    let seen = std::cell::RefCell::new(String::new());
    let refuse = |key: &str| -> Result<(), KeyCheckError> {
        *seen.borrow_mut() = key.to_string();
        Err(KeyCheckError::Rejected("401 invalid x-api-key".to_string()))
    };
    let online = FixCliOptions {
        yes: true,
        ..FixCliOptions::default()
    };
    let run = fix_cli(
        &env,
        FixId::ExportKey,
        online.clone(),
        &format!("{FAKE_API_KEY}\n"),
        false,
        Some(&refuse),
    );
    assert_eq!(run.code, 1, "{}", run.out);
    assert!(run.out.contains("401 invalid x-api-key"), "{}", run.out);
    assert_eq!(
        seen.borrow().as_str(),
        FAKE_API_KEY,
        "the trimmed key is checked"
    );
    assert_eq!(text(&zshrc), "alias a=b\n");

    let accept = |_: &str| -> Result<(), KeyCheckError> { Ok(()) };
    let run = fix_cli(
        &env,
        FixId::ExportKey,
        online,
        &format!("{FAKE_API_KEY}\n"),
        false,
        Some(&accept),
    );
    assert_eq!(run.code, 0, "{}", run.out);
    assert!(run.out.contains("The API accepted the key."), "{}", run.out);
}

#[test]
fn cli_every_fix_prints_nothing_secret() {
    let h = TempHome::new();
    h.write(
        ".zshrc",
        &format!("export ANTHROPIC_API_KEY=\"{FAKE_API_KEY} \"\n"),
    );
    h.write_mode(
        ".claude/credentials.json",
        &format!("{{\"t\":\"{FAKE_OAUTH_TOKEN}\"}}"),
        0o644,
    );
    two_settings_files(&h);
    claude_json_with_rejected(&h);
    let env = h
        .env()
        .var("SHELL", "/bin/zsh")
        .var("ANTHROPIC_API_KEY", FAKE_API_KEY)
        .build();
    for fix in [
        FixId::RepairKey,
        FixId::TightenPermissions,
        FixId::RemoveCredentials,
        FixId::DropOverride,
        FixId::ApproveKey,
        FixId::SilenceEnvKey,
        FixId::OpenConsole,
    ] {
        let run = fix_cli(&env, fix, yes(), "", false, None);
        assert_eq!(run.code, 0, "{fix}: {}", run.out);
        let list = undo_cli(&env, true, false, "", false);
        assert!(
            list.out.contains(fix.as_str()) || fix == FixId::OpenConsole,
            "{}",
            list.out
        );
    }
    // Undo them all, newest first.
    for _ in 0..6 {
        let run = undo_cli(&env, false, true, "", false);
        assert_eq!(run.code, 0, "{}", run.out);
        assert!(run.out.contains("Undone."), "{}", run.out);
    }
    assert_eq!(
        undo_cli(&env, false, true, "", false).out.trim(),
        "Nothing to undo."
    );
}

#[test]
fn cli_relogin_runs_the_login_command_with_the_snapshot_env() {
    let h = TempHome::new();
    let log = h.root.path().join("claude-args");
    h.fake_claude(&format!("echo \"$*\" > '{}'", log.display()));
    let env = h.env().var("DISPLAY", ":0").build();
    let run = fix_cli(&env, FixId::Relogin, yes(), "", false, None);
    assert_eq!(run.code, 0, "{}", run.out);
    assert!(
        run.out.contains("Running `claude auth login`"),
        "{}",
        run.out
    );
    assert_eq!(fs::read_to_string(&log).unwrap().trim(), "auth login");

    h.fake_claude("exit 1");
    let run = fix_cli(&env, FixId::Relogin, yes(), "", false, None);
    assert_eq!(run.code, 1, "{}", run.out);
}
