//! approve-key on a `~/.claude.json` too big to hold (heavy users have tens of MB of project
//! history there): planned and applied as a span edit, every other byte kept, backed up,
//! journaled, undoable, and refused when the file changed in between.
#![allow(clippy::unwrap_used)] // tests: a panic is a failed test

mod support;

use claude_auth_tui::fixes::{self, FixError, FixInput};
use claude_auth_tui::ids::FixId;
use claude_auth_tui::sources::global_config::key_tail;
use std::fmt::Write as _;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use support::*;

/// About 6 MB of realistic project history, above the span-edit threshold.
fn history() -> String {
    let mut out = String::from("  \"projects\": {\n");
    for i in 0..40_000 {
        let _ = writeln!(
            out,
            "    \"/home/u/src/repo-{i}\": {{\"history\": [{{\"display\": \"fix the bug in {i} — ünïcode\"}}], \"lastCost\": 0.{i}, \"n\": 123456789012345678901234567890}},"
        );
    }
    out.push_str("    \"/last\": {}\n  }");
    out
}

fn responses(approved: &[&str], rejected: &[&str]) -> String {
    let list = |items: &[&str]| {
        items
            .iter()
            .map(|t| format!("\n      \"{t}\""))
            .collect::<Vec<_>>()
            .join(",")
    };
    format!(
        "{{\n    \"approved\": [{}\n    ],\n    \"rejected\": [{}\n    ]\n  }}",
        list(approved),
        list(rejected)
    )
}

fn document(history: &str, responses: &str) -> String {
    format!(
        "{{\n  \"numStartups\": 7,\n{history},\n  \"customApiKeyResponses\": {responses},\n  \"theme\": \"dark\"\n}}\n"
    )
}

/// What the whole-file path (a small `~/.claude.json`) makes of the same member: the big
/// file's edit must give the same bytes.
fn member_after_small_edit(responses: &str) -> String {
    let home = TempHome::new();
    let small_history = "  \"projects\": {}";
    let path = home.write(".claude.json", &document(small_history, responses));
    let env = home.env().var("ANTHROPIC_API_KEY", FAKE_API_KEY).build();
    let plan = fixes::plan(FixId::ApproveKey, &env, &FixInput::default()).expect("a plan");
    assert!(plan.span_edit.is_none(), "a small file is planned whole");
    fixes::apply(&plan, &env).expect("applied");
    let after = std::fs::read_to_string(path).unwrap();
    let (head, tail) = document(small_history, "@")
        .split_once('@')
        .map(|(h, t)| (h.to_string(), t.to_string()))
        .unwrap();
    after
        .strip_prefix(&head)
        .and_then(|rest| rest.strip_suffix(&tail))
        .expect("only the member changed")
        .to_string()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

#[test]
fn a_big_file_is_edited_as_a_span_and_undone_byte_for_byte() {
    let home = TempHome::new();
    let other = key_tail(FAKE_OTHER_KEY);
    let tail = key_tail(FAKE_API_KEY);
    let history = history();
    let original = document(&history, &responses(&[other], &[tail]));
    assert!(original.len() > 5_000_000, "{}", original.len());
    let path = home.write_mode(".claude.json", &original, 0o644);
    let env = home.env().var("ANTHROPIC_API_KEY", FAKE_API_KEY).build();

    let plan = fixes::plan(FixId::ApproveKey, &env, &FixInput::default()).expect("a plan");
    assert!(plan.edits.is_empty(), "the big file is not held whole");
    let span_edit = plan.span_edit.as_ref().expect("a span edit");
    assert_eq!(span_edit.spans.len(), 1);
    assert!(
        span_edit.spans[0].old.len() < 200,
        "only the member is kept"
    );

    let preview = fixes::preview(&plan, &env);
    assert!(
        preview.contains("only its customApiKeyResponses changes"),
        "{preview}"
    );
    assert!(preview.contains("+    \"rejected\": []"), "{preview}");
    assert!(
        !preview.contains(tail) && !preview.contains(other),
        "{preview}"
    );
    assert_no_leak(&preview);
    assert_no_leak(&format!("{plan:?}"));

    let entry = fixes::apply(&plan, &env).expect("applied");
    let expected = document(
        &history,
        &member_after_small_edit(&responses(&[other], &[tail])),
    );
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(after == expected, "only the member changed");
    assert_eq!(mode(&path), 0o644, "permissions kept");
    let backup = entry.files[0].backup.as_ref().expect("a backup");
    assert!(std::fs::read(backup).unwrap() == original.as_bytes());
    assert_eq!(mode(backup), 0o600);

    // Applying again has nothing to do; undo puts every byte back.
    let again = fixes::plan(FixId::ApproveKey, &env, &FixInput::default()).unwrap_err();
    assert!(matches!(again, FixError::NothingToDo(_)), "{again}");
    fixes::undo_last(&env).expect("undone");
    assert!(std::fs::read_to_string(&path).unwrap() == original);
    assert_eq!(mode(&path), 0o644);
}

#[test]
fn a_big_file_that_changed_after_the_plan_is_left_alone() {
    let home = TempHome::new();
    let tail = key_tail(FAKE_API_KEY);
    let original = document(&history(), &responses(&[], &[tail]));
    let path = home.write(".claude.json", &original);
    let env = home.env().var("ANTHROPIC_API_KEY", FAKE_API_KEY).build();
    let plan = fixes::plan(FixId::ApproveKey, &env, &FixInput::default()).expect("a plan");

    // The CLI writes the file meanwhile (a byte far from the member).
    let changed = original.replacen("\"numStartups\": 7", "\"numStartups\": 8", 1);
    std::fs::write(&path, &changed).unwrap();
    let err = fixes::apply(&plan, &env).unwrap_err();
    assert!(matches!(err, FixError::Changed(_)), "{err}");
    assert!(std::fs::read_to_string(&path).unwrap() == changed);
    assert!(fixes::list_undo(&env).is_empty(), "nothing journaled");
}

#[test]
fn a_hard_linked_big_file_keeps_its_inode_and_its_other_link() {
    use std::os::unix::fs::MetadataExt;
    let home = TempHome::new();
    let tail = key_tail(FAKE_API_KEY);
    let original = document(&history(), &responses(&[], &[tail]));
    let path = home.write(".claude.json", &original);
    let other_link = home.home().join("dotfiles-claude.json");
    std::fs::hard_link(&path, &other_link).unwrap();
    let inode = std::fs::metadata(&path).unwrap().ino();
    let env = home.env().var("ANTHROPIC_API_KEY", FAKE_API_KEY).build();

    let plan = fixes::plan(FixId::ApproveKey, &env, &FixInput::default()).expect("a plan");
    fixes::apply(&plan, &env).expect("applied");
    let expected = document(
        &history(),
        &member_after_small_edit(&responses(&[], &[tail])),
    );
    assert_eq!(std::fs::metadata(&path).unwrap().ino(), inode);
    assert!(std::fs::read_to_string(&other_link).unwrap() == expected);
    fixes::undo_last(&env).expect("undone");
    assert!(std::fs::read_to_string(&other_link).unwrap() == original);
}

#[test]
fn an_interrupted_big_edit_loses_nothing() {
    for fault in ["after-backup", "before-rename", "after-first-write"] {
        let home = TempHome::new();
        let tail = key_tail(FAKE_API_KEY);
        let original = document(&history(), &responses(&[], &[tail]));
        let path = home.write(".claude.json", &original);
        let env = home
            .env()
            .var("ANTHROPIC_API_KEY", FAKE_API_KEY)
            .var(fixes::FAULT_VAR, fault)
            .build();
        let plan = fixes::plan(FixId::ApproveKey, &env, &FixInput::default()).expect("a plan");
        let err = fixes::apply(&plan, &env).unwrap_err();
        assert!(err.to_string().contains("fault injected"), "{fault}: {err}");
        assert!(
            std::fs::read_to_string(&path).unwrap() == original,
            "{fault}: the original is in place"
        );
        let leftovers: Vec<_> = std::fs::read_dir(home.home())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{fault}: {leftovers:?}");
    }
}

/// The wizard shows and applies the span edit like any other: the file is listed, the preview
/// says what changes, and applying goes through the same engine (journaled, undoable).
#[tokio::test(flavor = "multi_thread")]
async fn the_wizard_shows_and_applies_a_big_file_edit() {
    use claude_auth_tui::tui::work::{PendingPlan, apply_edits, plan_view};
    use std::sync::Arc;
    let home = TempHome::new();
    let tail = key_tail(FAKE_API_KEY);
    let original = document(&history(), &responses(&[], &[tail]));
    let path = home.write(".claude.json", &original);
    let env = Arc::new(home.env().var("ANTHROPIC_API_KEY", FAKE_API_KEY).build());
    let plan = fixes::plan(FixId::ApproveKey, &env, &FixInput::default()).expect("a plan");

    let view = plan_view(&plan, &env, None);
    assert_eq!(view.files, ["~/.claude.json"]);
    assert!(
        view.preview
            .contains("only its customApiKeyResponses changes"),
        "{}",
        view.preview
    );
    assert_no_leak(&format!("{view:?}"));

    let pending = PendingPlan {
        op: 1,
        plan,
        key: None,
        var: None,
        exported_in: None,
    };
    let applied = apply_edits(&pending, &env).await.expect("applied");
    assert_eq!(applied.files, ["~/.claude.json"]);
    assert!(!applied.entry_id.is_empty(), "journaled");
    assert!(std::fs::read_to_string(&path).unwrap() != original);
    fixes::undo_last(&env).expect("undone");
    assert!(std::fs::read_to_string(&path).unwrap() == original);
}
