//! The wizard's fix, undo and report effects as the runtime carries them out (`tui::work`),
//! over a temp home: the plan stays in the runtime and only scrubbed text comes back, applying
//! backs up and journals, the new terminal's view holds the key, undo restores the bytes and
//! refuses when a file changed, a key the API refuses is reported without the key, and the
//! report is written privately to the tool folder.

mod support;

use claude_auth_tui::checks::{self, CheckCtx, CheckOptions};
use claude_auth_tui::fixes::{FixError, FixInput};
use claude_auth_tui::ids::FixId;
use claude_auth_tui::tui::msg::Msg;
use claude_auth_tui::tui::work::{self, PlanRequest, PlanSlot};
use std::sync::Arc;
use std::time::Duration;
use support::server::{INVALID_KEY_BODY, Reply, Server, http};
use support::{FAKE_API_KEY, FAKE_OTHER_KEY, TempHome, assert_no_leak};
use tokio::sync::mpsc;

const ZSHRC: &str = "# my zsh\nalias ll='ls -l'\n";

fn zsh_home() -> (TempHome, Arc<claude_auth_tui::env::Environment>) {
    let tmp = TempHome::new();
    tmp.write(".zshrc", ZSHRC);
    tmp.write(
        ".bashrc",
        &format!("export ANTHROPIC_API_KEY={FAKE_OTHER_KEY}\n"),
    );
    let env = Arc::new(tmp.env().var("SHELL", "/bin/zsh").build());
    (tmp, env)
}

fn export_key(op: u64, check_key: bool) -> PlanRequest {
    PlanRequest {
        op,
        fix: FixId::ExportKey,
        input: FixInput {
            key: Some(FAKE_API_KEY.to_string()),
            ..FixInput::default()
        },
        check_key,
    }
}

/// Plans `request` and returns the one message it sends.
async fn plan(
    env: &Arc<claude_auth_tui::env::Environment>,
    slot: &PlanSlot,
    request: PlanRequest,
) -> Msg {
    let (tx, mut rx) = mpsc::unbounded_channel();
    work::plan_fix(
        Arc::clone(env),
        Duration::from_secs(5),
        request,
        Arc::clone(slot),
        tx,
    )
    .await;
    let msg = rx.recv().await.expect("a message");
    assert!(rx.try_recv().is_err(), "one message only");
    assert_no_leak(&format!("{msg:?}"));
    msg
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_key_is_planned_applied_viewed_and_undone() {
    let (tmp, env) = zsh_home();
    let slot = PlanSlot::default();
    let Msg::FixPlanned {
        op: 7,
        result: Ok(view),
    } = plan(&env, &slot, export_key(7, false)).await
    else {
        panic!("no plan")
    };
    assert_eq!(view.files, vec!["~/.zshrc".to_string()]);
    assert!(
        view.preview
            .contains("+export ANTHROPIC_API_KEY='sk-ant-api03-…AbCd'"),
        "{}",
        view.preview
    );
    assert!(view.key_check.as_deref().unwrap().contains("--offline"));
    assert!(view.notes.iter().any(|n| n.contains("source ~/.zshrc")));

    // The plan waits in the runtime, for its own operation only.
    work::discard_plan(&slot, 8);
    assert!(work::take_plan(&slot, 8).is_none());
    let pending = work::take_plan(&slot, 7).expect("the plan of op 7");
    assert!(work::take_plan(&slot, 7).is_none(), "taken once");

    let applied = work::apply_edits(&pending, &env).await.unwrap();
    assert_no_leak(&format!("{applied:?}"));
    assert_eq!(applied.files, vec!["~/.zshrc".to_string()]);
    assert!(
        applied
            .backup_dir
            .as_deref()
            .unwrap()
            .starts_with("~/.local/state/claude-auth-tui/backups/")
    );
    let written = std::fs::read_to_string(tmp.home().join(".zshrc")).unwrap();
    assert!(written.starts_with(ZSHRC), "{written}");
    assert!(written.contains(&format!("export ANTHROPIC_API_KEY='{FAKE_API_KEY}'")));

    // A new terminal will have the key; an open one needs `source`.
    let (view_env, reload) = work::after_fix(&pending, &env);
    assert_eq!(
        view_env.unwrap().var("ANTHROPIC_API_KEY"),
        Some(FAKE_API_KEY)
    );
    assert_eq!(reload.as_deref(), Some("source ~/.zshrc"));

    let undo = work::plan_undo(Arc::clone(&env)).await.unwrap();
    assert_eq!(undo.entry_id, applied.entry_id);
    assert_eq!(undo.fix, FixId::ExportKey);
    assert!(
        undo.restores[0]
            .starts_with("~/.zshrc: restored from ~/.local/state/claude-auth-tui/backups/"),
        "{:?}",
        undo.restores
    );
    // An undo confirmed for another entry is refused (the journal moved on).
    let stale = work::undo(Arc::clone(&env), "not-that-one".into()).await;
    assert!(matches!(stale, Err(FixError::Changed(_))), "{stale:?}");
    let done = work::undo(Arc::clone(&env), applied.entry_id.clone())
        .await
        .unwrap();
    assert_eq!(done.restored, vec!["~/.zshrc".to_string()]);
    assert_eq!(
        std::fs::read(tmp.home().join(".zshrc")).unwrap(),
        ZSHRC.as_bytes()
    );
    let nothing = work::plan_undo(Arc::clone(&env)).await;
    assert!(
        matches!(nothing, Err(FixError::NothingToDo(_))),
        "{nothing:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undo_refuses_when_the_file_changed_since() {
    let (tmp, env) = zsh_home();
    let slot = PlanSlot::default();
    plan(&env, &slot, export_key(1, false)).await;
    let pending = work::take_plan(&slot, 1).unwrap();
    work::apply_edits(&pending, &env).await.unwrap();
    let zshrc = tmp.home().join(".zshrc");
    let mut edited = std::fs::read_to_string(&zshrc).unwrap();
    edited.push_str("alias gs='git status'\n");
    std::fs::write(&zshrc, &edited).unwrap();

    let refused = work::plan_undo(Arc::clone(&env)).await.unwrap_err();
    assert!(matches!(refused, FixError::Changed(_)), "{refused:?}");
    let text = refused.to_string();
    assert!(text.contains("~/.zshrc changed after the fix"), "{text}");
    assert_no_leak(&text);
    assert_eq!(
        std::fs::read_to_string(&zshrc).unwrap(),
        edited,
        "untouched"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_that_changes_nothing_says_so() {
    let (tmp, env) = zsh_home();
    tmp.write(
        ".zshrc",
        &format!("export ANTHROPIC_API_KEY='{FAKE_API_KEY}'\n"),
    );
    let slot = PlanSlot::default();
    let Msg::FixPlanned {
        result: Err(FixError::NothingToDo(why)),
        ..
    } = plan(&env, &slot, export_key(2, false)).await
    else {
        panic!("expected nothing to do")
    };
    assert!(why.contains("already exports this key"), "{why}");
    assert!(work::take_plan(&slot, 2).is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silence_env_key_views_a_terminal_without_the_key() {
    let tmp = TempHome::new();
    tmp.write(
        ".zshrc",
        &format!("export ANTHROPIC_API_KEY={FAKE_OTHER_KEY}\n"),
    );
    let env = Arc::new(
        tmp.env()
            .var("SHELL", "/bin/zsh")
            .var("ANTHROPIC_API_KEY", FAKE_OTHER_KEY)
            .build(),
    );
    let slot = PlanSlot::default();
    let request = PlanRequest {
        op: 3,
        fix: FixId::SilenceEnvKey,
        input: FixInput::default(),
        check_key: false,
    };
    let Msg::FixPlanned {
        result: Ok(view), ..
    } = plan(&env, &slot, request).await
    else {
        panic!("no plan")
    };
    assert!(view.preview.contains("# silenced by claude-auth-tui"));
    let pending = work::take_plan(&slot, 3).unwrap();
    let (view_env, reload) = work::after_fix(&pending, &env);
    assert_eq!(view_env.unwrap().var("ANTHROPIC_API_KEY"), None);
    assert_eq!(reload.as_deref(), Some("unset ANTHROPIC_API_KEY"));
}

/// A stand-in API on 127.0.0.1 that refuses every key.
fn refusing_api() -> String {
    Server::start(Reply::Raw(http(
        "401 Unauthorized",
        &[
            ("content-type", "application/json"),
            ("x-should-retry", "false"),
        ],
        INVALID_KEY_BODY,
    )))
    .url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_the_api_refuses_is_reported_and_nothing_is_planned() {
    let tmp = TempHome::new();
    let url = refusing_api();
    let env = Arc::new(
        tmp.env()
            .var("SHELL", "/bin/zsh")
            .var("ANTHROPIC_BASE_URL", &url)
            .build(),
    );
    let slot = PlanSlot::default();
    let Msg::KeyRejected { op: 4, reason } = plan(&env, &slot, export_key(4, true)).await else {
        panic!("expected a refusal")
    };
    assert!(reason.contains("401"), "{reason}");
    assert!(work::take_plan(&slot, 4).is_none(), "nothing waits");
    assert!(!tmp.home().join(".zshrc").exists(), "nothing written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[allow(clippy::case_sensitive_file_extension_comparisons)] // the name the tool makes, exactly
async fn the_report_is_written_privately_to_the_tool_folder() {
    let (tmp, _) = zsh_home();
    let env = Arc::new(
        tmp.env()
            .var("SHELL", "/bin/zsh")
            .var("ANTHROPIC_API_KEY", FAKE_API_KEY)
            .build(),
    );
    let opts = CheckOptions {
        offline: true,
        ..CheckOptions::default()
    };
    let ctx_env = Arc::clone(&env);
    let ctx = Arc::new(
        tokio::task::spawn_blocking(move || CheckCtx::new(ctx_env, opts))
            .await
            .unwrap(),
    );
    let outcomes = checks::run_all(Arc::clone(&ctx)).await;
    let shown = work::save_report(
        Some(ctx),
        outcomes,
        Some("as a new terminal will see it".into()),
        Arc::clone(&env),
    )
    .await
    .unwrap();
    assert!(
        shown.starts_with("~/.local/state/claude-auth-tui/claude-auth-report-")
            && shown.ends_with(".md"),
        "{shown}"
    );
    let path = tmp.home().join(shown.trim_start_matches("~/"));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("# Claude Code authentication report"));
    assert!(
        text.contains("as a new terminal will see your setup"),
        "{text}"
    );
    assert_no_leak(&text);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
    }
    // Without a finished run there is nothing to report.
    let none = work::save_report(None, Vec::new(), None, env).await;
    assert!(none.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_the_profile_already_exports_is_checked_as_a_new_terminal_will_see_it() {
    // ~/.zshrc exports the key; this zsh was started before: nothing to write, but confirming
    // looks at the setup with the key a new terminal will have.
    let (tmp, env) = zsh_home();
    tmp.write(
        ".zshrc",
        &format!("{ZSHRC}export ANTHROPIC_API_KEY='{FAKE_API_KEY}'\n"),
    );
    let before = std::fs::read(tmp.home().join(".zshrc")).unwrap();
    let slot = PlanSlot::default();
    let request = PlanRequest {
        op: 4,
        fix: FixId::ExportKey,
        input: FixInput::default(),
        check_key: false,
    };
    let Msg::FixPlanned {
        op: 4,
        result: Ok(view),
    } = plan(&env, &slot, request).await
    else {
        panic!("no plan")
    };
    assert!(view.view_only && !view.changes_nothing(), "{view:?}");
    assert!(view.summary.contains("already exports"), "{}", view.summary);
    assert_eq!(view.url.as_deref(), Some("source ~/.zshrc"));
    let pending = work::take_plan(&slot, 4).expect("a plan to confirm");
    let applied = work::apply_edits(&pending, &env).await.unwrap();
    assert!(applied.files.is_empty() && applied.entry_id.is_empty());
    assert_eq!(std::fs::read(tmp.home().join(".zshrc")).unwrap(), before);
    let (view_env, reload) = work::after_fix(&pending, &env);
    let view_env = view_env.expect("a new terminal's environment");
    assert_eq!(view_env.var("ANTHROPIC_API_KEY"), Some(FAKE_API_KEY));
    assert_eq!(reload.as_deref(), Some("source ~/.zshrc"));
    // Over that environment the key is no longer missing.
    let opts = CheckOptions {
        offline: true,
        ..CheckOptions::default()
    };
    let view_env = Arc::new(view_env);
    let ctx = tokio::task::spawn_blocking(move || CheckCtx::new(view_env, opts))
        .await
        .unwrap();
    let outcomes = checks::run_all(Arc::new(ctx)).await;
    let shell = outcomes
        .iter()
        .find(|o| o.id == claude_auth_tui::ids::CheckId::ShellEnv)
        .unwrap();
    assert!(
        !shell
            .findings
            .iter()
            .any(|f| f.cause == claude_auth_tui::ids::CauseId::KeyNotExported),
        "{shell:?}"
    );
}
