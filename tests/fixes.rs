//! The fix engine and the `fix` / `undo` commands, against throwaway homes: previews, apply,
//! backups, idempotence, undo (exact bytes and permissions), refusal over changed files, and
//! interrupted applies (injected faults and a really aborted process).
#![cfg(unix)]

mod support;

use claude_auth_tui::env::Environment;
use claude_auth_tui::fixes::cli::{FixCliOptions, KeyValidator, run_fix, run_undo};
use claude_auth_tui::fixes::{
    self, EntryStatus, FAULT_VAR, FixError, FixInput, FixPlan, KEYS_URL, SILENCE_MARK,
};
use claude_auth_tui::ids::FixId;
use claude_auth_tui::sources::global_config::key_tail;
use std::fs;
use std::io::Cursor;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use support::{
    FAKE_API_KEY, FAKE_AUTH_TOKEN, FAKE_OAUTH_TOKEN, FAKE_OTHER_KEY, TempHome, assert_no_leak,
    skipped,
};

// ---------- helpers ----------

type State = Option<(Vec<u8>, u32)>;

fn state(path: &Path) -> State {
    let meta = fs::metadata(path).ok()?;
    Some((fs::read(path).ok()?, meta.permissions().mode() & 0o7777))
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

fn zsh(h: &TempHome) -> Environment {
    h.env().var("SHELL", "/bin/zsh").build()
}

fn with_key(key: &str) -> FixInput {
    FixInput {
        key: Some(key.to_string()),
        ..FixInput::default()
    }
}

fn with_fault(h: &TempHome, shell: &str, fault: &str) -> Environment {
    h.env().var("SHELL", shell).var(FAULT_VAR, fault).build()
}

fn text(path: &Path) -> String {
    String::from_utf8(fs::read(path).unwrap()).unwrap()
}

fn assert_plan_no_leak(plan: &FixPlan, preview: &str) {
    assert_no_leak(preview);
    assert_no_leak(&plan.summary);
    assert_no_leak(&plan.notes.join("\n"));
    assert_no_leak(&format!("{plan:?}"));
}

fn nothing_to_do(env: &Environment, fix: FixId, input: &FixInput) -> String {
    match fixes::plan(fix, env, input) {
        Err(FixError::NothingToDo(why)) => {
            assert_no_leak(&why);
            why
        }
        other => panic!("expected NothingToDo, got {other:?}"),
    }
}

/// The whole life of a fix: plan, preview, apply, backups identical, apply twice = once, the
/// same plan refused, undo restores exact bytes and permissions, nothing left to undo.
/// Returns the plan and its preview for fix-specific assertions.
fn full_cycle(env: &Environment, fix: FixId, input: &FixInput) -> (FixPlan, String) {
    let plan = fixes::plan(fix, env, input).expect("plan");
    let preview = fixes::preview(&plan, env);
    assert_plan_no_leak(&plan, &preview);
    assert!(!plan.edits.is_empty(), "{fix} plans a file change");
    let originals: Vec<(PathBuf, State)> = plan
        .edits
        .iter()
        .map(|e| (e.path.clone(), state(&e.path)))
        .collect();

    let entry = fixes::apply(&plan, env).expect("apply");
    assert_eq!(entry.status, EntryStatus::Applied);
    assert_eq!(entry.fix, fix);
    assert!(
        entry
            .backup_dir
            .starts_with(env.home().join(".local/state/claude-auth-tui/backups"))
    );
    assert_eq!(mode(&entry.backup_dir), 0o700);
    for (edit, (file, (_, original))) in plan.edits.iter().zip(entry.files.iter().zip(&originals)) {
        assert_eq!(
            fs::read(&edit.path).ok(),
            edit.after,
            "{} after apply",
            edit.path.display()
        );
        if let Some(backup) = &file.backup {
            assert_eq!(
                fs::read(backup).unwrap(),
                original.as_ref().unwrap().0,
                "backup is byte-identical"
            );
            assert_eq!(mode(backup), 0o600, "backups are private");
        }
    }
    let listed = fixes::list_undo(env);
    assert_eq!(listed[0].id, entry.id, "the newest entry is listed first");

    // Apply twice = apply once.
    nothing_to_do(env, fix, input);
    if plan.edits.iter().any(fixes::FileEdit::changes_content) {
        assert!(matches!(
            fixes::apply(&plan, env),
            Err(FixError::Changed(_))
        ));
    }

    // Undo restores the exact bytes and permissions.
    let report = fixes::undo_last(env).expect("undo");
    assert_eq!(report.entry.status, EntryStatus::Undone);
    for (path, original) in &originals {
        assert_eq!(&state(path), original, "{} after undo", path.display());
    }
    assert!(matches!(
        fixes::undo_last(env),
        Err(FixError::NothingToDo(_))
    ));
    (plan, preview)
}

/// Apply, then change the first file behind the tool's back: undo must refuse and keep it.
fn undo_refuses_after_change(env: &Environment, fix: FixId, input: &FixInput) {
    let plan = fixes::plan(fix, env, input).expect("plan");
    fixes::apply(&plan, env).expect("apply");
    let path = &plan.edits[0].path;
    let mut changed = fs::read(path).unwrap_or_default();
    changed.extend_from_slice(b"\n# the user's own later edit\n");
    fs::write(path, &changed).unwrap();
    match fixes::undo_last(env) {
        Err(FixError::Changed(msg)) => {
            assert!(msg.contains(&env.display_path(path)), "{msg}");
            assert_no_leak(&msg);
        }
        other => panic!("undo should refuse, got {other:?}"),
    }
    assert_eq!(fs::read(path).unwrap(), changed, "the user's edit is kept");
}

/// An apply that fails right after the backup (fault injection) loses nothing: every file is
/// as before, the backup is identical, no journal entry is left, and the fix can still be
/// planned.
fn interrupted_apply_loses_nothing(env: &Environment, fix: FixId, input: &FixInput) {
    if !cfg!(feature = "fault-injection") {
        skipped("fault not injected: run `cargo test --all-features` to test interrupted applies");
        return;
    }
    let plan = fixes::plan(fix, env, input).expect("plan");
    let originals: Vec<State> = plan.edits.iter().map(|e| state(&e.path)).collect();
    let journal_before = fixes::list_undo(env);
    let before_backups: Vec<PathBuf> = fs::read_dir(fixes::backups_dir(env))
        .map(|dir| dir.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    assert!(fixes::apply(&plan, env).is_err());
    for (edit, original) in plan.edits.iter().zip(&originals) {
        assert_eq!(&state(&edit.path), original);
    }
    let backups: Vec<PathBuf> = fs::read_dir(fixes::backups_dir(env))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !before_backups.contains(p))
        .collect();
    assert_eq!(backups.len(), 1, "one new backup folder");
    for (edit, original) in plan.edits.iter().zip(&originals) {
        if let Some((bytes, _)) = original {
            let name = edit.path.file_name().unwrap();
            assert_eq!(&fs::read(backups[0].join(name)).unwrap(), bytes);
        }
    }
    assert_eq!(
        fixes::list_undo(env),
        journal_before,
        "a failed apply leaves no undo entry"
    );
    assert!(fixes::plan(fix, env, input).is_ok(), "still to do");
}

/// Both failure paths, each on a fresh home prepared by `setup` (zsh, plus `vars`): undo
/// refuses over a changed file, and an apply interrupted after the backup loses nothing.
fn failure_paths(setup: impl Fn(&TempHome), vars: &[(&str, &str)], fix: FixId, input: &FixInput) {
    let build = |h: &TempHome, fault: Option<&str>| {
        let mut b = h.env().var("SHELL", "/bin/zsh");
        for (name, value) in vars {
            b = b.var(name, value);
        }
        if let Some(fault) = fault {
            b = b.var(FAULT_VAR, fault);
        }
        b.build()
    };
    let h = TempHome::new();
    setup(&h);
    undo_refuses_after_change(&build(&h, None), fix, input);
    let h = TempHome::new();
    setup(&h);
    interrupted_apply_loses_nothing(&build(&h, Some("after-backup")), fix, input);
}

/// No stray temp files next to a file.
fn no_temp_files(dir: &Path) {
    for entry in fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name();
        assert!(
            !name.to_string_lossy().starts_with(".claude-auth-tui-"),
            "temp file left: {name:?}"
        );
    }
}

// ---------- export-key ----------

#[test]
fn export_key_appends_to_zshrc_and_previews_masked() {
    let h = TempHome::new();
    let zshrc = h.write_mode(
        ".zshrc",
        "alias ll='ls -l'\nexport PATH=\"$HOME/bin:$PATH\"\n",
        0o644,
    );
    let env = zsh(&h);
    let (plan, preview) = full_cycle(&env, FixId::ExportKey, &with_key(FAKE_API_KEY));
    assert_eq!(
        preview,
        "--- ~/.zshrc\n+++ ~/.zshrc\n@@ -1,2 +1,4 @@\n alias ll='ls -l'\n export PATH=\"$HOME/bin:$PATH\"\n+# added by claude-auth-tui\n+export ANTHROPIC_API_KEY='sk-ant-api03-…AbCd'\n"
    );
    assert!(plan.summary.contains("~/.zshrc"), "{}", plan.summary);
    assert!(
        plan.notes
            .iter()
            .any(|n| n.contains("source ~/.zshrc") && n.contains("new terminal")),
        "{:?}",
        plan.notes
    );
    assert!(
        plan.notes.iter().any(|n| n.contains("0644")),
        "warns the profile is readable"
    );

    // Applied for real: the mode of an existing profile is kept.
    let plan = fixes::plan(FixId::ExportKey, &env, &with_key(FAKE_API_KEY)).unwrap();
    fixes::apply(&plan, &env).unwrap();
    assert_eq!(mode(&zshrc), 0o644);
    assert!(text(&zshrc).ends_with(&format!(
        "# added by claude-auth-tui\nexport ANTHROPIC_API_KEY='{FAKE_API_KEY}'\n"
    )));
    no_temp_files(&h.home());
}

#[test]
fn export_key_creates_a_private_profile_when_none_exists() {
    let h = TempHome::new();
    let env = zsh(&h);
    let (plan, preview) = full_cycle(&env, FixId::ExportKey, &with_key(FAKE_API_KEY));
    assert!(
        preview.starts_with("--- /dev/null\n+++ ~/.zshrc\n"),
        "{preview}"
    );
    assert!(
        preview.contains("(new file, permissions 0600)"),
        "{preview}"
    );
    assert_eq!(plan.edits[0].mode, Some(0o600));
    assert!(
        !h.home().join(".zshrc").exists(),
        "undo removed the file it created"
    );

    let plan = fixes::plan(FixId::ExportKey, &env, &with_key(FAKE_API_KEY)).unwrap();
    fixes::apply(&plan, &env).unwrap();
    assert_eq!(mode(&h.home().join(".zshrc")), 0o600);
}

#[test]
fn export_key_replaces_the_existing_line_in_place() {
    let h = TempHome::new();
    let bashrc = h.write_mode(
        ".bashrc",
        &format!("# mine\n  export ANTHROPIC_API_KEY=\"{FAKE_OTHER_KEY}\"\nalias x=y\n"),
        0o640,
    );
    let env = h.env().var("SHELL", "/bin/bash").build();
    let (_, preview) = full_cycle(&env, FixId::ExportKey, &with_key(FAKE_API_KEY));
    assert_eq!(
        preview,
        "--- ~/.bashrc\n+++ ~/.bashrc\n@@ -1,3 +1,3 @@\n # mine\n-  export ANTHROPIC_API_KEY=\"sk-ant-api03-…WxYz\"\n+  export ANTHROPIC_API_KEY='sk-ant-api03-…AbCd'\n alias x=y\n"
    );
    let plan = fixes::plan(FixId::ExportKey, &env, &with_key(FAKE_API_KEY)).unwrap();
    fixes::apply(&plan, &env).unwrap();
    assert_eq!(
        text(&bashrc),
        format!("# mine\n  export ANTHROPIC_API_KEY='{FAKE_API_KEY}'\nalias x=y\n")
    );
    assert_eq!(mode(&bashrc), 0o640, "permissions kept");
}

#[test]
fn export_key_replaces_the_line_in_a_sourced_file() {
    let h = TempHome::new();
    h.write(".zshrc", "source ~/.secrets\n");
    let secrets = h.write(
        ".secrets",
        &format!("export ANTHROPIC_API_KEY={FAKE_OTHER_KEY}\n"),
    );
    let env = zsh(&h);
    let plan = fixes::plan(FixId::ExportKey, &env, &with_key(FAKE_API_KEY)).unwrap();
    assert_eq!(plan.edits[0].path, secrets);
    full_cycle(&env, FixId::ExportKey, &with_key(FAKE_API_KEY));
}

#[test]
fn export_key_handles_crlf_and_missing_final_newline() {
    let h = TempHome::new();
    let zshrc = h.write(
        ".zshrc",
        "a=1\r\nexport ANTHROPIC_API_KEY=old-value-1234\r\nb=2",
    );
    let env = zsh(&h);
    let (_, preview) = full_cycle(&env, FixId::ExportKey, &with_key(FAKE_API_KEY));
    assert!(
        preview.contains("-export ANTHROPIC_API_KEY=…1234␍"),
        "{preview}"
    );
    assert!(
        preview.contains("\\ No newline at end of file"),
        "{preview}"
    );
    let plan = fixes::plan(FixId::ExportKey, &env, &with_key(FAKE_API_KEY)).unwrap();
    fixes::apply(&plan, &env).unwrap();
    assert_eq!(
        text(&zshrc),
        format!("a=1\r\nexport ANTHROPIC_API_KEY='{FAKE_API_KEY}'\nb=2"),
        "the replaced line loses its \\r; other lines and the missing final newline stay"
    );

    let h = TempHome::new();
    let zshrc = h.write(".zshrc", "alias x=y");
    let env = zsh(&h);
    full_cycle(&env, FixId::ExportKey, &with_key(FAKE_API_KEY));
    let plan = fixes::plan(FixId::ExportKey, &env, &with_key(FAKE_API_KEY)).unwrap();
    fixes::apply(&plan, &env).unwrap();
    assert!(text(&zshrc).starts_with("alias x=y\n# added by claude-auth-tui\n"));
}

#[test]
fn export_key_targets_follow_the_shell() {
    // fish: config.fish, created with its folder, `set -gx`.
    let h = TempHome::new();
    let env = h.env().var("SHELL", "/usr/bin/fish").build();
    let (plan, _) = full_cycle(&env, FixId::ExportKey, &with_key(FAKE_API_KEY));
    assert_eq!(
        plan.edits[0].path,
        h.home().join(".config/fish/config.fish")
    );
    let after = String::from_utf8(plan.edits[0].after.clone().unwrap()).unwrap();
    assert!(after.contains(&format!("set -gx ANTHROPIC_API_KEY '{FAKE_API_KEY}'")));

    // bash with a .bash_profile that does not load .bashrc: the key goes there.
    let h = TempHome::new();
    h.write(".bash_profile", "export PATH=$PATH:~/bin\n");
    let env = h.env().var("SHELL", "/bin/bash").build();
    let plan = fixes::plan(FixId::ExportKey, &env, &with_key(FAKE_API_KEY)).unwrap();
    assert_eq!(plan.edits[0].path, h.home().join(".bash_profile"));
    // … and when it loads .bashrc, into .bashrc.
    h.write(".bash_profile", "[ -f ~/.bashrc ] && . ~/.bashrc\n");
    let plan = fixes::plan(FixId::ExportKey, &env, &with_key(FAKE_API_KEY)).unwrap();
    assert_eq!(plan.edits[0].path, h.home().join(".bashrc"));

    // Unknown or unset shell: ~/.profile.
    let h = TempHome::new();
    let env = h.env().build();
    let plan = fixes::plan(FixId::ExportKey, &env, &with_key(FAKE_API_KEY)).unwrap();
    assert_eq!(plan.edits[0].path, h.home().join(".profile"));
}

#[test]
fn export_key_rejects_malformed_keys_without_echoing_them() {
    let h = TempHome::new();
    let env = zsh(&h);
    for (bad, why) in [
        (String::new(), "nothing"),
        (
            format!("{} {}", &FAKE_API_KEY[..40], &FAKE_API_KEY[40..]),
            "spaces",
        ),
        (format!("'{FAKE_API_KEY}'"), "quotes"),
        (FAKE_OAUTH_TOKEN.to_string(), "login (OAuth) token"),
        ("sk-ant-api03-short".to_string(), "too short"),
        (FAKE_AUTH_TOKEN.to_string(), "sk-ant-api03-"),
        (format!("{FAKE_API_KEY}é"), "characters"),
    ] {
        let input = FixInput {
            key: Some(bad),
            ..FixInput::default()
        };
        match fixes::plan(FixId::ExportKey, &env, &input) {
            Err(FixError::InvalidInput(msg)) => {
                assert!(msg.contains(why), "{msg}");
                assert_no_leak(&msg);
            }
            other => panic!("{why}: {other:?}"),
        }
    }
    assert!(matches!(
        fixes::plan(FixId::ExportKey, &env, &FixInput::default()),
        Err(FixError::InvalidInput(_))
    ));
}

#[test]
fn export_key_undo_refuses_after_change_and_survives_faults() {
    let setup = |h: &TempHome| {
        h.write(".zshrc", "alias a=b\n");
    };
    failure_paths(setup, &[], FixId::ExportKey, &with_key(FAKE_API_KEY));

    let h = TempHome::new();
    setup(&h);
    let env = with_fault(&h, "/bin/zsh", "before-rename");
    interrupted_apply_loses_nothing(&env, FixId::ExportKey, &with_key(FAKE_API_KEY));
    no_temp_files(&h.home());
}

#[test]
fn apply_refuses_a_file_changed_since_the_plan() {
    let h = TempHome::new();
    let zshrc = h.write(".zshrc", "alias a=b\n");
    let env = zsh(&h);
    let plan = fixes::plan(FixId::ExportKey, &env, &with_key(FAKE_API_KEY)).unwrap();
    fs::write(&zshrc, "alias a=c\n").unwrap();
    match fixes::apply(&plan, &env) {
        Err(FixError::Changed(msg)) => assert!(msg.contains("~/.zshrc"), "{msg}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(text(&zshrc), "alias a=c\n");
    assert!(fixes::list_undo(&env).is_empty());
}

// ---------- repair-key ----------

#[test]
fn repair_key_rewrites_malformed_values_in_place() {
    let h = TempHome::new();
    let zshrc = h.write(
        ".zshrc",
        &format!(
            "alias x=y\nexport ANTHROPIC_API_KEY=\"'{FAKE_API_KEY}'\" # work\nexport ANTHROPIC_AUTH_TOKEN={FAKE_AUTH_TOKEN}\r\nexport CLAUDE_CODE_OAUTH_TOKEN= {FAKE_OAUTH_TOKEN}\nexport ANTHROPIC_BASE_URL=\" http://x \"\n"
        ),
    );
    let env = zsh(&h);
    let (plan, preview) = full_cycle(&env, FixId::RepairKey, &FixInput::default());
    assert_eq!(
        preview,
        "--- ~/.zshrc\n+++ ~/.zshrc\n@@ -1,5 +1,5 @@\n alias x=y\n-export ANTHROPIC_API_KEY=\"'sk-ant-api03-…AbCd'\" # work\n-export ANTHROPIC_AUTH_TOKEN=…Gt03␍\n-export CLAUDE_CODE_OAUTH_TOKEN= sk-ant-oat01-…Oa01\n+export ANTHROPIC_API_KEY='sk-ant-api03-…AbCd' # work\n+export ANTHROPIC_AUTH_TOKEN='…Gt03'\n+export CLAUDE_CODE_OAUTH_TOKEN='sk-ant-oat01-…Oa01'\n export ANTHROPIC_BASE_URL=\" http://x \"\n"
    );
    assert!(
        plan.summary.contains("quotes inside the value"),
        "{}",
        plan.summary
    );
    assert!(
        plan.summary.contains("Windows line ending"),
        "{}",
        plan.summary
    );
    assert!(plan.summary.contains("space after `=`"), "{}", plan.summary);

    let plan = fixes::plan(FixId::RepairKey, &env, &FixInput::default()).unwrap();
    fixes::apply(&plan, &env).unwrap();
    assert_eq!(
        text(&zshrc),
        format!(
            "alias x=y\nexport ANTHROPIC_API_KEY='{FAKE_API_KEY}' # work\nexport ANTHROPIC_AUTH_TOKEN='{FAKE_AUTH_TOKEN}'\nexport CLAUDE_CODE_OAUTH_TOKEN='{FAKE_OAUTH_TOKEN}'\nexport ANTHROPIC_BASE_URL=\" http://x \"\n"
        )
    );
}

#[test]
fn repair_key_fish_escapes_and_nothing_to_do() {
    let h = TempHome::new();
    let config = h.write(
        ".config/fish/config.fish",
        &format!("set -gx ANTHROPIC_API_KEY \"{FAKE_API_KEY}\\n\""),
    );
    let env = h.env().var("SHELL", "/usr/bin/fish").build();
    full_cycle(&env, FixId::RepairKey, &FixInput::default());
    let plan = fixes::plan(FixId::RepairKey, &env, &FixInput::default()).unwrap();
    fixes::apply(&plan, &env).unwrap();
    assert_eq!(
        text(&config),
        format!("set -gx ANTHROPIC_API_KEY '{FAKE_API_KEY}'"),
        "no final newline added"
    );

    let h = TempHome::new();
    h.write(
        ".zshrc",
        &format!("export ANTHROPIC_API_KEY='{FAKE_API_KEY}'\n"),
    );
    nothing_to_do(&zsh(&h), FixId::RepairKey, &FixInput::default());
}

#[test]
fn repair_key_undo_refusal_and_fault() {
    let setup = |h: &TempHome| {
        h.write(
            ".zshrc",
            &format!("export ANTHROPIC_API_KEY=\" {FAKE_API_KEY}\"\n"),
        );
    };
    failure_paths(setup, &[], FixId::RepairKey, &FixInput::default());
}

// ---------- silence-env-key ----------

#[test]
fn silence_env_key_comments_out_the_login_shells_line() {
    let h = TempHome::new();
    h.write_credentials(i64::MAX / 2);
    let zshrc = h.write(
        ".zshrc",
        &format!("alias x=y\n  export ANTHROPIC_API_KEY={FAKE_API_KEY}\n"),
    );
    let bashrc_text = format!("export ANTHROPIC_API_KEY={FAKE_OTHER_KEY}\n");
    let bashrc = h.write(".bashrc", &bashrc_text);
    let env = h
        .env()
        .var("SHELL", "/bin/zsh")
        .var("ANTHROPIC_API_KEY", FAKE_API_KEY)
        .build();
    let (plan, preview) = full_cycle(&env, FixId::SilenceEnvKey, &FixInput::default());
    assert_eq!(
        preview,
        "--- ~/.zshrc\n+++ ~/.zshrc\n@@ -1,2 +1,2 @@\n alias x=y\n-  export ANTHROPIC_API_KEY=sk-ant-api03-…AbCd\n+  # export ANTHROPIC_API_KEY=sk-ant-api03-…AbCd # silenced by claude-auth-tui\n"
    );
    assert!(
        plan.notes
            .iter()
            .any(|n| n.contains("unset ANTHROPIC_API_KEY"))
    );
    let plan = fixes::plan(FixId::SilenceEnvKey, &env, &FixInput::default()).unwrap();
    fixes::apply(&plan, &env).unwrap();
    assert!(text(&zshrc).contains(SILENCE_MARK));
    assert_eq!(
        text(&bashrc),
        bashrc_text,
        "zsh does not read .bashrc: left alone"
    );
}

#[test]
fn silence_env_key_explains_a_key_from_elsewhere() {
    let h = TempHome::new();
    let env = h
        .env()
        .var("SHELL", "/usr/bin/fish")
        .var("ANTHROPIC_API_KEY", FAKE_API_KEY)
        .build();
    let why = nothing_to_do(&env, FixId::SilenceEnvKey, &FixInput::default());
    assert!(why.contains("set -e ANTHROPIC_API_KEY"), "{why}");
}

#[test]
fn silence_env_key_undo_refusal_and_fault() {
    let setup = |h: &TempHome| {
        h.write(
            ".zshrc",
            &format!("export ANTHROPIC_API_KEY={FAKE_API_KEY}\r\n"),
        );
    };
    failure_paths(setup, &[], FixId::SilenceEnvKey, &FixInput::default());
}

// ---------- remove-credentials ----------

#[test]
fn remove_credentials_misplaced_file_first() {
    let h = TempHome::new();
    let content = format!(r#"{{"claudeAiOauth":{{"accessToken":"{FAKE_OAUTH_TOKEN}"}}}}"#);
    let misplaced = h.write_mode(".claude/credentials.json", &content, 0o600);
    let env = zsh(&h);
    let (plan, preview) = full_cycle(&env, FixId::RemoveCredentials, &FixInput::default());
    assert_eq!(
        preview,
        format!(
            "--- ~/.claude/credentials.json\n+++ /dev/null\n(the file is removed: 1 lines, {} bytes; a copy is kept in the backups)\n",
            content.len()
        )
    );
    assert!(plan.summary.contains("no leading dot"), "{}", plan.summary);
    assert!(plan.notes.iter().any(|n| n.contains("claude auth login")));
    assert_eq!(mode(&misplaced), 0o600, "undo restored the mode");
}

#[test]
fn remove_credentials_corrupt_blanked_expired_and_valid() {
    let now = 1_800_000_000_000;
    for (content, expect) in [
        (r#"{"claudeAiOauth":{"accessTo"#.to_string(), "truncated"),
        (
            r#"{"claudeAiOauth":{"accessToken":"","refreshToken":"","expiresAt":0,"scopes":["user:inference"]}}"#
                .to_string(),
            "blanked",
        ),
        (
            format!(
                r#"{{"claudeAiOauth":{{"accessToken":"{FAKE_OAUTH_TOKEN}","refreshToken":"r","expiresAt":{},"scopes":["user:inference"]}}}}"#,
                now - 1
            ),
            "expired",
        ),
    ] {
        let h = TempHome::new();
        h.write_mode(".claude/.credentials.json", &content, 0o600);
        let env = h.env().now_ms(now).build();
        let (plan, _) = full_cycle(&env, FixId::RemoveCredentials, &FixInput::default());
        assert!(plan.summary.contains(expect), "{}", plan.summary);
    }
    let h = TempHome::new();
    h.write_credentials(now + 3_600_000);
    let env = h.env().now_ms(now).build();
    let why = nothing_to_do(&env, FixId::RemoveCredentials, &FixInput::default());
    assert!(why.contains("fine"), "{why}");
}

#[test]
fn remove_credentials_undo_refuses_over_a_new_login_and_survives_faults() {
    let setup = |h: &TempHome| {
        h.write_mode(".claude/.credentials.json", "not json", 0o600);
    };
    failure_paths(setup, &[], FixId::RemoveCredentials, &FixInput::default());
}

// ---------- tighten-permissions ----------

#[test]
fn tighten_permissions_sets_0600_and_undo_restores_0644() {
    let h = TempHome::new();
    let creds = h.write_credentials(i64::MAX / 2);
    fs::set_permissions(&creds, fs::Permissions::from_mode(0o644)).unwrap();
    let env = zsh(&h);
    let (_, preview) = full_cycle(&env, FixId::TightenPermissions, &FixInput::default());
    assert_eq!(
        preview,
        "~/.claude/.credentials.json: permissions 0644 → 0600 (contents unchanged)\n"
    );
    assert_eq!(mode(&creds), 0o644, "undo put 0644 back");

    let plan = fixes::plan(FixId::TightenPermissions, &env, &FixInput::default()).unwrap();
    let entry = fixes::apply(&plan, &env).unwrap();
    assert_eq!(mode(&creds), 0o600);
    assert!(
        entry.files[0].backup.is_none(),
        "no copy of the tokens for a chmod"
    );
    // A later chmod by the user makes undo refuse.
    fs::set_permissions(&creds, fs::Permissions::from_mode(0o640)).unwrap();
    assert!(matches!(fixes::undo_last(&env), Err(FixError::Changed(_))));
}

// ---------- approve-key ----------

fn claude_json_with_rejected(h: &TempHome) -> PathBuf {
    h.write_mode(
        ".claude.json",
        &format!(
            "{{\n  \"numStartups\": 4,\n  \"customApiKeyResponses\": {{\n    \"approved\": [\n      \"{}\"\n    ],\n    \"rejected\": [\n      \"{}\"\n    ]\n  }},\n  \"theme\": \"dark\"\n}}\n",
            key_tail(FAKE_OTHER_KEY),
            key_tail(FAKE_API_KEY)
        ),
        0o644,
    )
}

#[test]
fn approve_key_moves_the_tail_structurally() {
    let h = TempHome::new();
    let path = claude_json_with_rejected(&h);
    let env = h.env().var("ANTHROPIC_API_KEY", FAKE_API_KEY).build();
    let (plan, preview) = full_cycle(&env, FixId::ApproveKey, &FixInput::default());
    assert!(!preview.contains(key_tail(FAKE_API_KEY)), "{preview}");
    assert!(!preview.contains(key_tail(FAKE_OTHER_KEY)), "{preview}");
    assert!(plan.summary.contains("billed"), "says what approving means");
    assert_eq!(
        preview,
        "--- ~/.claude.json\n+++ ~/.claude.json\n@@ -2,11 +2,10 @@\n   \"numStartups\": 4,\n   \"customApiKeyResponses\": {\n     \"approved\": [\n-      \"…WxYz\"\n-    ],\n-    \"rejected\": [\n+      \"…WxYz\",\n       \"…AbCd\"\n-    ]\n+    ],\n+    \"rejected\": []\n   },\n   \"theme\": \"dark\"\n }\n"
    );
    let plan = fixes::plan(FixId::ApproveKey, &env, &FixInput::default()).unwrap();
    fixes::apply(&plan, &env).unwrap();
    assert_eq!(
        text(&path),
        format!(
            "{{\n  \"numStartups\": 4,\n  \"customApiKeyResponses\": {{\n    \"approved\": [\n      \"{}\",\n      \"{}\"\n    ],\n    \"rejected\": []\n  }},\n  \"theme\": \"dark\"\n}}\n",
            key_tail(FAKE_OTHER_KEY),
            key_tail(FAKE_API_KEY)
        )
    );
    assert_eq!(mode(&path), 0o644);
}

#[test]
fn approve_key_nothing_to_do_cases_undo_refusal_and_fault() {
    let h = TempHome::new();
    h.write(".claude.json", "{\"numStartups\": 1}");
    let env = h.env().var("ANTHROPIC_API_KEY", FAKE_API_KEY).build();
    let why = nothing_to_do(&env, FixId::ApproveKey, &FixInput::default());
    assert!(why.contains("answering Yes"), "{why}");
    nothing_to_do(&h.env().build(), FixId::ApproveKey, &FixInput::default());

    failure_paths(
        |h| {
            claude_json_with_rejected(h);
        },
        &[("ANTHROPIC_API_KEY", FAKE_API_KEY)],
        FixId::ApproveKey,
        &FixInput::default(),
    );
}

// ---------- drop-override ----------

fn two_settings_files(h: &TempHome) -> (PathBuf, PathBuf) {
    let user = h.write(
        ".claude/settings.json",
        &format!(
            "{{\n  \"model\": \"opus\",\n  \"env\": {{\n    \"ANTHROPIC_API_KEY\": \"{FAKE_API_KEY}\",\n    \"DISABLE_TELEMETRY\": \"1\"\n  }},\n  \"permissions\": {{\"allow\": []}}\n}}\n"
        ),
    );
    let local = h.write(
        "project/.claude/settings.local.json",
        &format!(
            "{{\"apiKeyHelper\": \"~/bin/key.sh\", \"env\": {{\"ANTHROPIC_AUTH_TOKEN\": \"{FAKE_AUTH_TOKEN}\"}}}}"
        ),
    );
    (user, local)
}

#[test]
fn drop_override_edits_every_editable_file_structurally() {
    let h = TempHome::new();
    let (user, local) = two_settings_files(&h);
    let env = zsh(&h);
    let (plan, preview) = full_cycle(&env, FixId::DropOverride, &FixInput::default());
    assert_eq!(plan.edits.len(), 2);
    assert_eq!(plan.edits[0].path, local, "highest precedence first");
    assert!(
        preview.contains(
            "-{\"apiKeyHelper\": \"~/bin/key.sh\", \"env\": {\"ANTHROPIC_AUTH_TOKEN\": \"…Gt03\"}}"
        ),
        "{preview}"
    );
    assert!(preview.contains("+{\"env\": {}}"), "{preview}");
    assert!(plan.notes.iter().any(|n| n.contains("repository")));

    let plan = fixes::plan(FixId::DropOverride, &env, &FixInput::default()).unwrap();
    fixes::apply(&plan, &env).unwrap();
    assert_eq!(
        text(&local),
        "{\"env\": {}}",
        "an emptied env block stays as {{}}"
    );
    assert_eq!(
        text(&user),
        "{\n  \"model\": \"opus\",\n  \"env\": {\n    \"DISABLE_TELEMETRY\": \"1\"\n  },\n  \"permissions\": {\"allow\": []}\n}\n",
        "other keys, order and formatting kept"
    );
}

#[test]
fn drop_override_one_key_managed_refusal_and_rollback() {
    let h = TempHome::new();
    let (user, _) = two_settings_files(&h);
    let env = zsh(&h);
    let input = FixInput {
        var: Some("ANTHROPIC_API_KEY".to_string()),
        ..FixInput::default()
    };
    let (plan, _) = full_cycle(&env, FixId::DropOverride, &input);
    assert_eq!(plan.edits.len(), 1);
    assert_eq!(plan.edits[0].path, user);
    assert!(matches!(
        fixes::plan(
            FixId::DropOverride,
            &env,
            &FixInput {
                var: Some("PATH".into()),
                ..FixInput::default()
            }
        ),
        Err(FixError::InvalidInput(_))
    ));

    // The second file fails to be written: the first one is put back.
    let env = with_fault(&h, "/bin/zsh", "after-first-write");
    interrupted_apply_loses_nothing(&env, FixId::DropOverride, &FixInput::default());

    let h = TempHome::new();
    fs::write(
        h.managed().join("managed-settings.json"),
        "{\"env\": {\"ANTHROPIC_BASE_URL\": \"https://gw.example\"}}",
    )
    .unwrap();
    match fixes::plan(FixId::DropOverride, &zsh(&h), &FixInput::default()) {
        Err(FixError::Refused(msg)) => assert!(msg.contains("administrator"), "{msg}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn drop_override_from_the_home_folder_edits_the_file_once() {
    // Run from the home folder, project settings and user settings are one file.
    let h = TempHome::new();
    h.write(
        ".claude/settings.json",
        &format!("{{\"env\": {{\"ANTHROPIC_API_KEY\": \"{FAKE_API_KEY}\"}}}}"),
    );
    let env = h.env().cwd(h.home()).build();
    let (plan, _) = full_cycle(&env, FixId::DropOverride, &FixInput::default());
    assert_eq!(plan.edits.len(), 1);
    assert!(plan.summary.contains("user settings"), "{}", plan.summary);
}

#[test]
fn preview_shows_a_carriage_return_inside_a_value_on_its_line() {
    let h = TempHome::new();
    h.write(
        ".zshrc",
        &format!("export ANTHROPIC_API_KEY=\"{FAKE_API_KEY}\r\"\n"),
    );
    let (_, preview) = full_cycle(&zsh(&h), FixId::RepairKey, &FixInput::default());
    assert_eq!(
        preview,
        "--- ~/.zshrc\n+++ ~/.zshrc\n@@ -1 +1 @@\n-export ANTHROPIC_API_KEY=\"sk-ant-api03-…AbCd␍\"\n+export ANTHROPIC_API_KEY='sk-ant-api03-…AbCd'\n"
    );
}

#[test]
fn drop_override_undo_refusal() {
    failure_paths(
        |h| {
            two_settings_files(h);
        },
        &[],
        FixId::DropOverride,
        &FixInput::default(),
    );
}

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
    let refuse = |key: &str| -> Result<(), String> {
        *seen.borrow_mut() = key.to_string();
        Err("401 invalid x-api-key".to_string())
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

    let accept = |_: &str| -> Result<(), String> { Ok(()) };
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

// ---------- properties ----------

mod properties {
    use super::*;
    use proptest::prelude::*;
    use support::strategies::profile_bytes;

    fn split(bytes: &[u8]) -> Vec<Vec<u8>> {
        bytes
            .split_inclusive(|&b| b == b'\n')
            .map(|l| l.strip_suffix(b"\n").unwrap_or(l).to_vec())
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        #[test]
        fn export_key_keeps_every_other_line_and_undo_restores(original in profile_bytes()) {
            let h = TempHome::new();
            let zshrc = h.home().join(".zshrc");
            fs::write(&zshrc, &original).unwrap();
            let env = zsh(&h);
            let input = with_key(FAKE_API_KEY);
            let plan = match fixes::plan(FixId::ExportKey, &env, &input) {
                // The random text left a block, string or heredoc open at the end: refused.
                Err(FixError::Refused(why)) => {
                    prop_assert!(why.contains("unfinished"), "{}", why);
                    return Ok(());
                }
                other => other.unwrap(),
            };
            prop_assert_eq!(&plan.edits[0].path, &zshrc);
            assert_no_leak(&fixes::preview(&plan, &env));
            fixes::apply(&plan, &env).unwrap();
            let after = fs::read(&zshrc).unwrap();

            let (old, new) = (split(&original), split(&after));
            let export = format!("export ANTHROPIC_API_KEY='{FAKE_API_KEY}'").into_bytes();
            if new.len() == old.len() {
                // One line replaced, and it was an ANTHROPIC_API_KEY line.
                let changed: Vec<usize> = (0..old.len()).filter(|&i| old[i] != new[i]).collect();
                prop_assert_eq!(changed.len(), 1);
                let i = changed[0];
                prop_assert!(String::from_utf8_lossy(&old[i]).contains("ANTHROPIC_API_KEY="));
                prop_assert!(new[i].ends_with(&export));
            } else {
                // Two lines added (at the end, or after the block holding the last line that
                // sets the key): every old line is still there, in order.
                prop_assert_eq!(new.len(), old.len() + 2);
                let at = (0..new.len()).find(|&i| new[i] == export).unwrap() - 1;
                let mut kept = new.clone();
                kept.drain(at..at + 2);
                // An unterminated last line gains its newline; compare the text only.
                prop_assert_eq!(&kept, &old);
            }

            // Apply twice = apply once.
            prop_assert!(matches!(fixes::plan(FixId::ExportKey, &env, &input), Err(FixError::NothingToDo(_))));
            // undo(apply(x)) == x
            fixes::undo_last(&env).unwrap();
            prop_assert_eq!(fs::read(&zshrc).unwrap(), original);
        }

        #[test]
        fn json_edit_keeps_other_members(keys in proptest::collection::btree_set("[a-zA-Z_]{1,8}", 1..6), pretty in any::<bool>()) {
            let mut map = serde_json::Map::new();
            for (i, k) in keys.iter().enumerate() {
                map.insert(k.clone(), serde_json::json!(i));
            }
            map.insert("ANTHROPIC_API_KEY".into(), serde_json::json!("x"));
            let doc = serde_json::json!({"env": map, "z": [1, 2]});
            let text = if pretty { serde_json::to_string_pretty(&doc).unwrap() } else { doc.to_string() };
            let (out, how) = fixes::json_edit::edit(
                &text,
                &[fixes::json_edit::JsonOp::Remove(vec!["env".into(), "ANTHROPIC_API_KEY".into()])],
            ).unwrap();
            prop_assert_eq!(how, fixes::json_edit::EditMethod::InPlace);
            let mut expected = doc.clone();
            expected["env"].as_object_mut().unwrap().shift_remove("ANTHROPIC_API_KEY");
            prop_assert_eq!(serde_json::from_str::<serde_json::Value>(&out).unwrap(), expected);
        }
    }
}

#[test]
fn repair_base_url_drops_the_extra_v1_in_the_profile_line() {
    let h = TempHome::new();
    let bashrc = h.write(
        ".bashrc",
        "alias x=y\nexport ANTHROPIC_BASE_URL=https://gw.example/v1 # team gateway\n",
    );
    let env = h
        .env()
        .var("SHELL", "/bin/bash")
        .var("ANTHROPIC_BASE_URL", "https://gw.example/v1")
        .build();
    let (plan, preview) = full_cycle(&env, FixId::RepairBaseUrl, &FixInput::default());
    assert!(
        plan.summary.contains("~/.bashrc line 2"),
        "{}",
        plan.summary
    );
    assert!(
        preview.contains("+export ANTHROPIC_BASE_URL='https://gw.example' # team gateway"),
        "{preview}"
    );
    let plan = fixes::plan(FixId::RepairBaseUrl, &env, &FixInput::default()).unwrap();
    fixes::apply(&plan, &env).unwrap();
    assert_eq!(
        text(&bashrc),
        "alias x=y\nexport ANTHROPIC_BASE_URL='https://gw.example' # team gateway\n"
    );
    // A URL without the extra /v1 is left alone.
    let why = nothing_to_do(&env, FixId::RepairBaseUrl, &FixInput::default());
    assert!(why.contains("/v1"), "{why}");
}
