//! The life of a fix as the fix tests check it: plan, preview, apply, backups, idempotence,
//! undo, refusal over a changed file, an apply interrupted after the backup; and the small
//! helpers around them.
#![cfg(unix)]

use super::home::TempHome;
use super::secrets::{FAKE_API_KEY, FAKE_AUTH_TOKEN, FAKE_OTHER_KEY, assert_no_leak};
use super::skipped;
use claude_auth_tui::env::Environment;
use claude_auth_tui::fixes::{self, EntryStatus, FAULT_VAR, FixError, FixInput, FixPlan};
use claude_auth_tui::ids::FixId;
use claude_auth_tui::sources::global_config::key_tail;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

pub type State = Option<(Vec<u8>, u32)>;

pub fn state(path: &Path) -> State {
    let meta = fs::metadata(path).ok()?;
    Some((fs::read(path).ok()?, meta.permissions().mode() & 0o7777))
}

pub fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

pub fn zsh(h: &TempHome) -> Environment {
    h.env().var("SHELL", "/bin/zsh").build()
}

pub fn with_key(key: &str) -> FixInput {
    FixInput {
        key: Some(key.to_string()),
        ..FixInput::default()
    }
}

pub fn with_fault(h: &TempHome, shell: &str, fault: &str) -> Environment {
    h.env().var("SHELL", shell).var(FAULT_VAR, fault).build()
}

pub fn text(path: &Path) -> String {
    String::from_utf8(fs::read(path).unwrap()).unwrap()
}

pub fn assert_plan_no_leak(plan: &FixPlan, preview: &str) {
    assert_no_leak(preview);
    assert_no_leak(&plan.summary);
    assert_no_leak(&plan.notes.join("\n"));
    assert_no_leak(&format!("{plan:?}"));
}

pub fn nothing_to_do(env: &Environment, fix: FixId, input: &FixInput) -> String {
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
pub fn full_cycle(env: &Environment, fix: FixId, input: &FixInput) -> (FixPlan, String) {
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
pub fn undo_refuses_after_change(env: &Environment, fix: FixId, input: &FixInput) {
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
pub fn interrupted_apply_loses_nothing(env: &Environment, fix: FixId, input: &FixInput) {
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
pub fn failure_paths(
    setup: impl Fn(&TempHome),
    vars: &[(&str, &str)],
    fix: FixId,
    input: &FixInput,
) {
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
#[allow(clippy::unnecessary_debug_formatting)] // a stray name may hold odd bytes: shown escaped
pub fn no_temp_files(dir: &Path) {
    for entry in fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name();
        assert!(
            !name.to_string_lossy().starts_with(".claude-auth-tui-"),
            "temp file left: {name:?}"
        );
    }
}

// Homes for several fixes.

/// A `~/.claude.json` (0644) that approved one key and rejected `FAKE_API_KEY`.
pub fn claude_json_with_rejected(h: &TempHome) -> PathBuf {
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

/// User settings and local project settings, each overriding a credential.
pub fn two_settings_files(h: &TempHome) -> (PathBuf, PathBuf) {
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
