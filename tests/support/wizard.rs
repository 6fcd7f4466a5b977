//! Builders for the wizard's tests: outcomes, key messages, apps in a known state, and frames
//! drawn on ratatui's `TestBackend`.

use super::secrets::FAKE_API_KEY;
use claude_auth_tui::ids::{CauseId, CheckId, FixId};
use claude_auth_tui::outcome::{CheckOutcome, Status};
use claude_auth_tui::secret;
use claude_auth_tui::tui::app::{App, Header};
use claude_auth_tui::tui::effect::Effect;
use claude_auth_tui::tui::fix_flow::{Applied, PlanView};
use claude_auth_tui::tui::modal::{Confirm, Confirming, Modal};
use claude_auth_tui::tui::msg::Msg;
use claude_auth_tui::tui::theme::Theme;
use claude_auth_tui::tui::{update, view};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use std::fmt::Write as _;

// ---------------------------------------------------------------------------------------------
// Outcomes.

/// An outcome with this status and summary, and a finding of `cause` when there is one.
pub fn outcome(id: CheckId, status: Status, cause: Option<CauseId>, summary: &str) -> CheckOutcome {
    let mut o = CheckOutcome::new(id);
    o.summary = summary.to_string();
    match cause {
        Some(cause) => o.find(cause, status, summary),
        None => o.status = status,
    }
    o
}

/// An outcome with this status and summary and no finding.
pub fn simple(id: CheckId, status: Status, summary: &str) -> CheckOutcome {
    outcome(id, status, None, summary)
}

/// A pass saying "fine".
pub fn pass(id: CheckId) -> CheckOutcome {
    outcome(id, Status::Pass, None, "fine")
}

/// shell-env failing: the key in ~/.zshrc:4 is never exported (export-key offered).
pub fn shell_env_failure() -> CheckOutcome {
    let mut o = CheckOutcome::new(CheckId::ShellEnv);
    o.detail("ANTHROPIC_API_KEY: not set in this shell");
    o.detail(format!(
        "~/.zshrc:4 assigns ANTHROPIC_API_KEY = {} without `export`",
        secret::mask(FAKE_API_KEY)
    ));
    o.find(
        CauseId::KeyNotExported,
        Status::Fail,
        "ANTHROPIC_API_KEY is set in ~/.zshrc:4 but never exported, so `claude` cannot see it",
    );
    o.offer(FixId::ExportKey);
    o.finish("")
}

// ---------------------------------------------------------------------------------------------
// Headers.

/// The header when Claude Code has no credential to send.
pub fn no_credential_header() -> Header {
    Header {
        method: None,
        masked: None,
        source: "Claude Code has no credential to send".into(),
        endpoint: "https://api.anthropic.com".into(),
        endpoint_source: "default".into(),
    }
}

/// An API key header whose source reads `source`.
pub fn header_named(source: &str) -> Header {
    Header {
        method: Some("API key"),
        masked: Some("sk-ant-api03-…AbCd".into()),
        source: source.into(),
        endpoint: "https://api.anthropic.com".into(),
        endpoint_source: "default".into(),
    }
}

// ---------------------------------------------------------------------------------------------
// Messages.

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

pub fn ctrl_c() -> Msg {
    ctrl('c')
}

/// Presses `code` (no modifier).
pub fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, key(code))
}

// ---------------------------------------------------------------------------------------------
// Apps.

/// A started app; returns it with the run id of the first run.
pub fn started() -> (App, u64) {
    let mut app = App::default();
    let effects = update(&mut app, Msg::Started);
    let [Effect::RunChecks { run_id, checks }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(checks.as_slice(), CheckId::ALL);
    (app, *run_id)
}

pub fn finish(app: &mut App, run_id: u64, outcome: CheckOutcome) -> Vec<Effect> {
    update(app, Msg::CheckFinished { run_id, outcome })
}

/// The app after a resize to `width` × `height`.
pub fn sized(mut app: App, width: u16, height: u16) -> App {
    update(&mut app, Msg::Resize { width, height });
    app
}

/// Every check finished; shell-env failed (key-not-exported), the CLI is missing too.
pub fn finished() -> App {
    let (mut app, run) = started();
    for id in CheckId::ALL {
        let o = match id {
            CheckId::Cli => outcome(*id, Status::Fail, Some(CauseId::CliMissing), "no claude"),
            CheckId::ShellEnv => {
                let mut o = outcome(
                    *id,
                    Status::Fail,
                    Some(CauseId::KeyNotExported),
                    "the key in ~/.zshrc is never exported",
                );
                o.offer(FixId::ExportKey);
                o
            }
            _ => pass(*id),
        };
        finish(&mut app, run, o);
    }
    app
}

/// An offline run over a setup where the key in ~/.zshrc is not exported, every check done
/// (the CLI passes, shell-env fails with its evidence, no credential in the header).
pub fn finished_key_not_exported(theme: Theme) -> App {
    let mut app = App::new(theme);
    update(&mut app, Msg::Started);
    update(
        &mut app,
        Msg::Resolved {
            run_id: 1,
            header: no_credential_header(),
        },
    );
    for o in [
        simple(
            CheckId::Cli,
            Status::Pass,
            "Claude Code 2.1.197 at ~/.local/bin/claude",
        ),
        shell_env_failure(),
        simple(
            CheckId::Oauth,
            Status::Skip,
            "no login stored (that is fine with a key)",
        ),
        simple(CheckId::Live, Status::Skip, "skipped: --offline"),
        simple(
            CheckId::ConfigScope,
            Status::Pass,
            "2 settings files read; no override of your key or endpoint",
        ),
        simple(
            CheckId::Endpoint,
            Status::Pass,
            "requests go to https://api.anthropic.com (default)",
        ),
    ] {
        finish(&mut app, 1, o);
    }
    app
}

/// Checks streaming in: the CLI passed, the rest still running, the spinner turned 3 times.
pub fn running() -> App {
    let mut app = App::new(Theme::default());
    update(&mut app, Msg::Started);
    finish(
        &mut app,
        1,
        simple(
            CheckId::Cli,
            Status::Pass,
            "Claude Code 2.1.197 at ~/.local/bin/claude",
        ),
    );
    for _ in 0..3 {
        update(&mut app, Msg::Tick);
    }
    app
}

/// [`finished`] with this dialog open.
pub fn with_modal(modal: Modal) -> App {
    let mut app = finished();
    app.modal = Some(modal);
    app
}

/// [`finished`] asking to confirm an approve-key plan of `preview_lines` lines, scrolled.
pub fn confirm_state(scroll: u16, preview_lines: usize) -> App {
    with_modal(Modal::Confirm(Confirm {
        op: 1,
        what: Confirming::Fix(plan_view(FixId::ApproveKey, preview_lines)),
        scroll,
    }))
}

// ---------------------------------------------------------------------------------------------
// Fix results as the runtime reports them.

/// A plan as the runtime would show it: `preview_lines` added lines in ~/.zshrc.
pub fn plan_view(fix: FixId, preview_lines: usize) -> PlanView {
    let mut preview = String::new();
    for i in 0..preview_lines {
        let _ = writeln!(preview, "+line {i}");
    }
    PlanView {
        fix,
        summary: format!("Change something for {fix}."),
        preview,
        notes: vec!["A note.".to_string()],
        command: None,
        interactive: false,
        files: vec!["~/.zshrc".to_string()],
        key_check: None,
        url: None,
        view_only: false,
    }
}

/// A fix applied to ~/.zshrc, backed up under `entry_id`.
pub fn applied(fix: FixId, entry_id: &str) -> Applied {
    Applied {
        fix,
        entry_id: entry_id.to_string(),
        files: vec!["~/.zshrc".to_string()],
        backup_dir: Some(format!("~/.claude-auth-tui/backups/{entry_id}/")),
        command: None,
        reload: Some("source ~/.zshrc".to_string()),
        url: None,
        view_label: Some("as a new terminal will see it".to_string()),
    }
}

// ---------------------------------------------------------------------------------------------
// Frames.

/// One frame of `app` on a `width` × `height` test terminal.
pub fn draw(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| view(app, f)).unwrap();
    terminal
}

/// A buffer's text, row by row.
pub fn text(buffer: &Buffer) -> String {
    let width = usize::from(buffer.area.width);
    buffer
        .content()
        .chunks(width)
        .map(|row| {
            row.iter()
                .map(ratatui::buffer::Cell::symbol)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The text of one frame of `app` at `width` × `height`.
pub fn frame_text(app: &App, width: u16, height: u16) -> String {
    text(draw(app, width, height).backend().buffer())
}
