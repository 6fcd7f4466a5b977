//! The wizard's state machine, without a terminal or tokio: messages in, state and effects out.

mod support;

use claude_auth_tui::classify::classify;
use claude_auth_tui::fixes::{self, FixError};
use claude_auth_tui::ids::{CauseId, CheckId, FixId};
use claude_auth_tui::outcome::{CheckOutcome, Status};
use claude_auth_tui::tui::app::{App, CheckState, Ending, Focus, Header, StatusLine};
use claude_auth_tui::tui::effect::Effect;
use claude_auth_tui::tui::fix_flow;
use claude_auth_tui::tui::fix_flow::{Applied, CommandRun, PlanView, UndoView, Undone};
use claude_auth_tui::tui::keys::{self, Action, BINDINGS, Key};
use claude_auth_tui::tui::modal::{
    Confirm, Confirming, Explained, KeyInput, Message, Modal, PasteInput, SecretInput, Tone,
};
use claude_auth_tui::tui::msg::Msg;
use claude_auth_tui::tui::update::update;
use claude_auth_tui::tui::view;
use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

fn outcome(id: CheckId, status: Status, cause: Option<CauseId>, summary: &str) -> CheckOutcome {
    let mut o = CheckOutcome::new(id);
    o.summary = summary.to_string();
    match cause {
        Some(cause) => o.find(cause, status, summary),
        None => o.status = status,
    }
    o
}

fn pass(id: CheckId) -> CheckOutcome {
    outcome(id, Status::Pass, None, "fine")
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

fn ctrl_c() -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL))
}

/// A started app; returns it with the run id of the first run.
fn started() -> (App, u64) {
    let mut app = App::default();
    let effects = update(&mut app, Msg::Started);
    let [Effect::RunChecks { run_id, checks }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(checks.as_slice(), CheckId::ALL);
    (app, *run_id)
}

fn finish(app: &mut App, run_id: u64, outcome: CheckOutcome) -> Vec<Effect> {
    update(app, Msg::CheckFinished { run_id, outcome })
}

/// Every check finished; shell-env failed (key-not-exported), the CLI is missing too.
fn finished() -> App {
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

#[test]
fn started_runs_every_check_at_once() {
    let (app, run) = started();
    assert_eq!(run, 1);
    assert!(app.rows.iter().all(|r| r.is_running() && r.run_id == run));
    assert!(app.is_animating());
}

#[test]
fn arrows_and_jk_move_the_selection_within_bounds() {
    let (mut app, _) = started();
    assert_eq!(app.selected, 0);
    update(&mut app, key(KeyCode::Up));
    assert_eq!(app.selected, 0);
    update(&mut app, key(KeyCode::Down));
    update(&mut app, ch('j'));
    assert_eq!(app.selected, 2);
    update(&mut app, ch('k'));
    assert_eq!(app.selected, 1);
    for _ in 0..20 {
        update(&mut app, ch('j'));
    }
    assert_eq!(app.selected, CheckId::ALL.len() - 1);
    assert!(app.manual_selection);
}

#[test]
fn key_releases_are_ignored() {
    let (mut app, _) = started();
    let mut ev = KeyEvent::new(KeyCode::Down, KeyModifiers::NONE);
    ev.kind = KeyEventKind::Release;
    update(&mut app, Msg::Key(ev));
    assert_eq!(app.selected, 0);
}

#[test]
fn results_of_a_stale_run_are_dropped() {
    let (mut app, first) = started();
    finish(&mut app, first, pass(CheckId::Cli));
    // Re-run the CLI check: a new run id for that row only.
    let effects = update(&mut app, key(KeyCode::Enter));
    let [
        Effect::RunChecks {
            run_id: second,
            checks,
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(checks, &vec![CheckId::Cli]);
    assert!(*second > first);
    // The first run's late answer for the CLI row is stale.
    finish(
        &mut app,
        first,
        outcome(
            CheckId::Cli,
            Status::Fail,
            Some(CauseId::CliMissing),
            "stale",
        ),
    );
    assert!(app.rows[0].is_running());
    // The first run is still current for the other rows.
    finish(&mut app, first, pass(CheckId::Oauth));
    assert_eq!(
        app.row(CheckId::Oauth).unwrap().status(),
        Some(Status::Pass)
    );
    finish(&mut app, *second, pass(CheckId::Cli));
    assert_eq!(app.rows[0].status(), Some(Status::Pass));
    // A second answer for a finished row is dropped too.
    finish(
        &mut app,
        *second,
        outcome(CheckId::Cli, Status::Fail, None, "duplicate"),
    );
    assert_eq!(app.rows[0].status(), Some(Status::Pass));
}

#[test]
fn the_previous_result_is_kept_while_a_check_reruns() {
    let (mut app, run) = started();
    finish(&mut app, run, pass(CheckId::Cli));
    update(&mut app, key(KeyCode::Enter));
    match &app.rows[0].state {
        CheckState::Running {
            previous: Some(previous),
        } => assert_eq!(previous.summary, "fine"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn selection_follows_the_first_failure_then_jumps_to_the_primary_cause() {
    let (mut app, run) = started();
    finish(&mut app, run, pass(CheckId::Oauth));
    assert_eq!(app.selected, 0, "nothing failed yet");
    finish(
        &mut app,
        run,
        outcome(
            CheckId::Live,
            Status::Fail,
            Some(CauseId::KeyInvalid),
            "401",
        ),
    );
    assert_eq!(app.selected_id(), CheckId::Live);
    finish(
        &mut app,
        run,
        outcome(
            CheckId::Cli,
            Status::Fail,
            Some(CauseId::CliMissing),
            "no claude",
        ),
    );
    assert_eq!(
        app.selected_id(),
        CheckId::Cli,
        "first failure in checklist order"
    );
    for id in [CheckId::ShellEnv, CheckId::ConfigScope, CheckId::Endpoint] {
        finish(&mut app, run, pass(id));
    }
    // All done: the primary cause weighs the live 401 over a missing CLI.
    assert!(app.all_done());
    assert_eq!(app.primary.as_ref().unwrap().cause, CauseId::KeyInvalid);
    assert_eq!(app.selected_id(), CheckId::Live);
    assert!(!app.is_animating());
}

#[test]
fn a_manual_move_stops_the_automatic_jumps() {
    let (mut app, run) = started();
    update(&mut app, ch('j'));
    update(&mut app, ch('j'));
    assert_eq!(app.selected, 2);
    finish(
        &mut app,
        run,
        outcome(CheckId::Cli, Status::Fail, Some(CauseId::CliMissing), "x"),
    );
    for id in &CheckId::ALL[1..] {
        finish(&mut app, run, pass(*id));
    }
    assert!(app.primary.is_some());
    assert_eq!(app.selected, 2);
}

#[test]
fn enter_reruns_the_selected_check_and_r_reruns_all() {
    let mut app = finished();
    update(&mut app, ch('j'));
    let selected = app.selected_id();
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(matches!(
        effects.as_slice(),
        [Effect::RunChecks { checks, .. }] if checks == &vec![selected]
    ));
    assert!(app.selected_row().is_running());
    // Enter on a running check does nothing (and the bar doesn't offer it).
    assert!(update(&mut app, key(KeyCode::Enter)).is_empty());
    assert!(
        !keys::bar_entries(&app, 200)
            .iter()
            .any(|(k, _)| *k == "Enter")
    );
    let effects = update(&mut app, ch('r'));
    assert!(matches!(
        effects.as_slice(),
        [Effect::RunChecks { checks, .. }] if checks.as_slice() == CheckId::ALL
    ));
    assert!(app.rows.iter().all(|r| r.is_running()));
}

#[test]
fn q_and_ctrl_c_quit_with_their_exit_statuses_and_esc_never_quits() {
    for (msg, ending, code) in [
        (ch('q'), Ending::Quit, 0),
        (ctrl_c(), Ending::Interrupted, 130),
    ] {
        let mut app = finished();
        assert_eq!(update(&mut app, msg), vec![Effect::Quit]);
        assert!(app.quitting);
        assert_eq!(app.ending, ending);
        assert_eq!(app.ending.exit_code(), code);
    }
    assert_eq!(Ending::Terminated.exit_code(), 143);
    // Esc goes back; on the main screen there is nowhere to go back to.
    let mut app = finished();
    assert!(update(&mut app, key(KeyCode::Esc)).is_empty());
    assert!(!app.quitting);
    // Ctrl-C quits from a text input too.
    let mut app = finished();
    update(&mut app, ch('f'));
    assert!(app.is_typing(), "{:?}", app.modal);
    assert_eq!(update(&mut app, ctrl_c()), vec![Effect::Quit]);
    assert_eq!(app.ending, Ending::Interrupted);
    // A plain `c` is not Ctrl-C.
    let mut app = finished();
    assert!(!update(&mut app, ch('c')).contains(&Effect::Quit));
    assert!(!app.quitting);
}

#[test]
fn help_opens_and_closes_and_captures_navigation() {
    let mut app = finished();
    update(&mut app, ch('?'));
    assert!(app.show_help);
    let before = app.selected;
    update(&mut app, ch('j'));
    assert_eq!(app.selected, before, "keys behind the overlay do nothing");
    // Esc closes help rather than quitting.
    assert!(update(&mut app, key(KeyCode::Esc)).is_empty());
    assert!(!app.show_help);
    update(&mut app, ch('?'));
    update(&mut app, ch('?'));
    assert!(!app.show_help);
    // q quits even with help open; so does Ctrl-C.
    update(&mut app, ch('?'));
    assert_eq!(update(&mut app, ctrl_c()), vec![Effect::Quit]);
}

/// A finished app whose selected check has far more evidence than fits.
fn long_detail() -> App {
    let (mut app, run) = started();
    let mut o = outcome(
        CheckId::Cli,
        Status::Warn,
        Some(CauseId::MultipleInstalls),
        "two installs",
    );
    for i in 0..80 {
        o.detail(format!("evidence line {i}"));
    }
    finish(&mut app, run, o);
    for id in &CheckId::ALL[1..] {
        finish(&mut app, run, pass(*id));
    }
    app.selected = 0;
    app
}

#[test]
fn page_keys_and_the_wheel_scroll_the_detail_within_bounds() {
    let mut app = long_detail();
    let max = view::detail::max_scroll(&app);
    assert!(max > 0);
    update(&mut app, key(KeyCode::PageDown));
    let page = app.detail_scroll;
    assert!(page > 0);
    for _ in 0..50 {
        update(&mut app, key(KeyCode::PageDown));
    }
    assert_eq!(app.detail_scroll, max);
    update(&mut app, key(KeyCode::PageUp));
    assert_eq!(app.detail_scroll, max - page);
    let wheel = |kind| {
        Msg::Mouse(MouseEvent {
            kind,
            column: 50,
            row: 10,
            modifiers: KeyModifiers::NONE,
        })
    };
    update(&mut app, wheel(MouseEventKind::ScrollUp));
    assert_eq!(app.detail_scroll, max - page - 3);
    update(&mut app, wheel(MouseEventKind::ScrollDown));
    assert_eq!(app.detail_scroll, max - page);
    // Moving the selection starts the next check's detail at the top.
    update(&mut app, ch('j'));
    assert_eq!(app.detail_scroll, 0);
    // A short detail offers no scrolling at all.
    assert!(update(&mut app, key(KeyCode::PageDown)).is_empty());
    assert_eq!(app.detail_scroll, 0);
    assert!(
        !keys::bar_entries(&app, 200)
            .iter()
            .any(|(k, _)| k.contains("PgUp"))
    );
}

#[test]
fn shrinking_the_terminal_clamps_the_scroll() {
    let mut app = long_detail();
    update(
        &mut app,
        Msg::Resize {
            width: 120,
            height: 30,
        },
    );
    for _ in 0..50 {
        update(&mut app, key(KeyCode::PageDown));
    }
    let max_small = app.detail_scroll;
    update(
        &mut app,
        Msg::Resize {
            width: 120,
            height: 60,
        },
    );
    assert!(app.detail_scroll < max_small);
    assert_eq!(app.detail_scroll, view::detail::max_scroll(&app));
    update(
        &mut app,
        Msg::Resize {
            width: 50,
            height: 12,
        },
    );
    assert_eq!(app.detail_scroll, 0, "too small: nothing to scroll");
}

#[test]
fn a_click_on_a_checklist_row_selects_it() {
    let mut app = finished();
    let areas = view::app_layout(&app).unwrap();
    let click = |column, row| {
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    let first_row = areas.checklist.y + 1;
    update(&mut app, click(areas.checklist.x + 3, first_row + 3));
    assert_eq!(app.selected, 3);
    assert!(app.manual_selection);
    // The border, the detail pane and rows past the list select nothing.
    update(&mut app, click(areas.checklist.x, first_row + 1));
    update(&mut app, click(areas.detail.x + 2, first_row + 1));
    update(&mut app, click(areas.checklist.x + 3, first_row + 6));
    assert_eq!(app.selected, 3);
    // With help open, a click closes it and selects nothing.
    update(&mut app, ch('?'));
    update(&mut app, click(areas.checklist.x + 3, first_row));
    assert!(!app.show_help);
    assert_eq!(app.selected, 3);
}

#[test]
fn the_spinner_turns_only_while_a_check_runs() {
    let (mut app, _) = started();
    update(&mut app, Msg::Tick);
    update(&mut app, Msg::Tick);
    assert_eq!(app.spinner, 2);
    let mut app = finished();
    let before = app.spinner;
    update(&mut app, Msg::Tick);
    assert_eq!(app.spinner, before);
    assert!(!app.is_animating());
}

#[test]
fn pasted_text_is_dropped() {
    let mut app = finished();
    assert!(update(&mut app, Msg::Paste("sk-ant-api03-whatever".into())).is_empty());
    assert!(!format!("{app:?}").contains("sk-ant-api03-whatever"));
}

#[test]
fn an_older_runs_header_never_replaces_a_newer_one() {
    let (mut app, first) = started();
    update(&mut app, ch('r'));
    let header = |source: &str| Header {
        method: Some("API key"),
        masked: Some("sk-ant-api03-…AbCd".into()),
        source: source.into(),
        endpoint: "https://api.anthropic.com".into(),
        endpoint_source: "default".into(),
    };
    update(
        &mut app,
        Msg::Resolved {
            run_id: first + 1,
            header: header("new"),
        },
    );
    update(
        &mut app,
        Msg::Resolved {
            run_id: first,
            header: header("old"),
        },
    );
    assert_eq!(app.header.unwrap().source, "new");
}

/// A plan as the runtime would show it.
fn plan_view(fix: FixId, preview_lines: usize) -> PlanView {
    let preview: String = (0..preview_lines).map(|i| format!("+line {i}\n")).collect();
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

fn with_modal(modal: Modal) -> App {
    let mut app = finished();
    app.modal = Some(modal);
    app
}

fn confirm_state(scroll: u16, preview_lines: usize) -> App {
    with_modal(Modal::Confirm(Confirm {
        op: 1,
        what: Confirming::Fix(plan_view(FixId::ApproveKey, preview_lines)),
        scroll,
    }))
}

/// A few states that between them satisfy every binding's condition.
fn states() -> Vec<App> {
    let mut help = finished();
    help.show_help = true;
    let mut detail_focused = finished();
    detail_focused.focus = Focus::Detail;
    let mut undoable = finished();
    undoable.can_undo = true;
    let (running, _) = started();
    let menu = |selected| {
        with_modal(Modal::FixMenu {
            check: CheckId::Live,
            fixes: vec![FixId::ExportKey, FixId::OpenConsole],
            selected,
        })
    };
    let mut key_input = KeyInput {
        fix: FixId::ExportKey,
        input: SecretInput::new(),
        error: None,
        pending: None,
    };
    key_input.input.paste("too-short");
    let mut checking = key_input.clone();
    checking.pending = Some(7);
    let mut paste_input = PasteInput::new();
    paste_input.paste("Invalid API key · Fix external API key");
    let mut message = Message::new("Open the Console", Tone::Info, vec!["Open it.".into()]);
    message.copy = Some(fixes::KEYS_URL.to_string());
    let mut copyable = finished();
    let mut status = StatusLine::new(Tone::Success, "saved");
    status.copy = Some("source ~/.zshrc".into());
    copyable.status = Some(status);
    vec![
        finished(),
        long_detail(),
        help,
        running,
        menu(0),
        menu(1),
        with_modal(Modal::FixMenu {
            check: CheckId::Live,
            fixes: FixId::ALL.to_vec(),
            selected: 0,
        }),
        with_modal(Modal::KeyInput(key_input)),
        with_modal(Modal::KeyInput(checking)),
        with_modal(Modal::Working {
            op: 3,
            label: "Working…".into(),
        }),
        with_modal(Modal::PasteInput(paste_input)),
        confirm_state(0, 2),
        confirm_state(1, 200),
        with_modal(Modal::Message(message)),
        with_modal(Modal::Explained(Explained {
            classification: classify("Invalid API key · Fix external API key"),
            scroll: 0,
        })),
        copyable,
        detail_focused,
        undoable,
    ]
}

/// What a key press can visibly change.
fn fingerprint(app: &App) -> String {
    format!(
        "{:?} {} {} {} {} {:?} {:?} {:?}",
        app.focus,
        app.selected,
        app.detail_scroll,
        app.show_help,
        app.quitting,
        app.rows.iter().map(|r| r.run_id).collect::<Vec<_>>(),
        app.modal,
        app.status,
    )
}

#[test]
fn every_key_in_the_key_table_dispatches_something() {
    for binding in BINDINGS {
        for k in binding.keys {
            let mut dispatched = false;
            for mut app in states() {
                if !(binding.when)(&app) {
                    continue;
                }
                // Leave room to move or scroll in the binding's direction.
                match binding.action {
                    Action::SelectPrev => app.selected = 1,
                    Action::SelectNext => app.selected = 0,
                    Action::ScrollUp | Action::LineUp => app.detail_scroll = 1,
                    Action::First => app.selected = 1,
                    _ => {}
                }
                let found = keys::lookup(&app, &k.event()).map(|b| b.action);
                if found != Some(binding.action) {
                    continue;
                }
                let before = fingerprint(&app);
                let effects = update(&mut app, Msg::Key(k.event()));
                if !effects.is_empty() || fingerprint(&app) != before {
                    dispatched = true;
                    break;
                }
            }
            assert!(
                dispatched,
                "{:?} ({}) never dispatches {:?}",
                k, binding.keys_label, binding.action
            );
        }
    }
}

#[test]
fn the_action_bar_shows_exactly_the_keys_valid_now() {
    for app in states() {
        let shown = keys::bar_entries(&app, 500);
        for entry in &shown {
            assert!(
                BINDINGS
                    .iter()
                    .any(|b| b.bar == Some(*entry) && (b.when)(&app)),
                "{entry:?} shown but not valid"
            );
        }
        for binding in BINDINGS.iter().filter(|b| b.bar.is_some()) {
            let entry = binding.bar.unwrap();
            if (binding.when)(&app) {
                assert!(shown.contains(&entry), "{entry:?} valid but not shown");
            }
        }
    }
    // Narrow terminals keep the most important entries: quit, and help saying there is more.
    let shown = keys::bar_entries(&finished(), 24);
    assert!(shown.iter().any(|(_, l)| *l == "quit"), "{shown:?}");
    assert!(shown.contains(&("?", keys::MORE)), "{shown:?}");
}

#[test]
fn key_matching_ignores_shift_but_not_ctrl_or_alt() {
    let q = Key::ch('?');
    assert!(q.matches(&KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT)));
    assert!(!q.matches(&KeyEvent::new(KeyCode::Char('?'), KeyModifiers::ALT)));
    assert!(Key::ctrl('c').matches(&KeyEvent::new(KeyCode::Char('C'), KeyModifiers::CONTROL)));
    assert!(!Key::ch('c').matches(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)));
}

#[test]
fn events_that_change_nothing_never_reach_update() {
    use claude_auth_tui::tui::runtime::to_msg;
    use crossterm::event::Event;
    let mouse = |kind| {
        Event::Mouse(MouseEvent {
            kind,
            column: 1,
            row: 1,
            modifiers: KeyModifiers::NONE,
        })
    };
    assert!(to_msg(mouse(MouseEventKind::Moved)).is_none());
    assert!(to_msg(mouse(MouseEventKind::Drag(MouseButton::Left))).is_none());
    assert!(to_msg(mouse(MouseEventKind::Up(MouseButton::Left))).is_none());
    assert!(to_msg(Event::FocusGained).is_none());
    let mut release = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    release.kind = KeyEventKind::Release;
    assert!(to_msg(Event::Key(release)).is_none());
    assert!(matches!(
        to_msg(mouse(MouseEventKind::ScrollDown)),
        Some(Msg::Mouse(_))
    ));
    assert!(matches!(
        to_msg(Event::Resize(100, 30)),
        Some(Msg::Resize {
            width: 100,
            height: 30
        })
    ));
    assert!(matches!(
        to_msg(Event::Paste("x".into())),
        Some(Msg::Paste(_))
    ));
}

/// A scripted session with a fake effect executor: results stream in out of order, a re-run
/// overtakes the first run, and the wizard ends up on the primary cause.
#[test]
fn scenario_with_a_fake_executor() {
    let mut app = App::default();
    let mut pending: Vec<(u64, CheckId)> = Vec::new();
    let execute = |effects: Vec<Effect>, pending: &mut Vec<(u64, CheckId)>| {
        for effect in effects {
            if let Effect::RunChecks { run_id, checks } = effect {
                pending.extend(checks.into_iter().map(|c| (run_id, c)));
            }
        }
    };
    let answer = |id: CheckId| match id {
        CheckId::Oauth => outcome(id, Status::Fail, Some(CauseId::OauthExpired), "expired"),
        _ => pass(id),
    };
    let effects = update(&mut app, Msg::Started);
    execute(effects, &mut pending);
    // The user re-runs all before anything finished: every first-run result is now stale.
    let effects = update(&mut app, ch('r'));
    execute(effects, &mut pending);
    // Deliver in reverse order, stale ones included.
    while let Some((run_id, id)) = pending.pop() {
        let effects = finish(&mut app, run_id, answer(id));
        execute(effects, &mut pending);
    }
    assert!(app.all_done());
    assert!(app.rows.iter().all(|r| r.run_id == 2));
    assert_eq!(app.primary.as_ref().unwrap().cause, CauseId::OauthExpired);
    assert_eq!(app.selected_id(), CheckId::Oauth);
}

// ---- Fixes, undo, paste, report (issues #4 and #5) ----

use support::{FAKE_API_KEY, assert_no_leak};

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        update(app, ch(c));
    }
}

/// The finished app with the key input of export-key open.
fn key_input_open() -> App {
    let mut app = finished();
    assert_eq!(app.selected_id(), CheckId::ShellEnv);
    assert!(update(&mut app, ch('f')).is_empty());
    assert!(
        matches!(app.modal, Some(Modal::KeyInput(_))),
        "{:?}",
        app.modal
    );
    app
}

/// Submits `FAKE_API_KEY` (pasted) and returns the plan effect's op.
fn submit_key(app: &mut App) -> u64 {
    update(app, Msg::Paste(format!("{FAKE_API_KEY}\n").into()));
    let effects = update(app, key(KeyCode::Enter));
    let [Effect::PlanFix { op, fix, input, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(*fix, FixId::ExportKey);
    assert_eq!(input.key.as_deref(), Some(FAKE_API_KEY));
    *op
}

fn applied(fix: FixId, entry_id: &str) -> Applied {
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

#[test]
fn f_with_one_fix_opens_it_and_with_several_a_menu() {
    let app = key_input_open();
    assert!(app.manual_selection, "the fixed check stays selected");
    // A check with two fixes: the menu, moved with j/k, picked with Enter or a digit.
    let (mut app, run) = started();
    let mut live = outcome(
        CheckId::Live,
        Status::Fail,
        Some(CauseId::KeyInvalid),
        "401",
    );
    live.offer(FixId::ExportKey);
    live.offer(FixId::OpenConsole);
    finish(&mut app, run, live);
    app.selected = CheckId::ALL
        .iter()
        .position(|c| *c == CheckId::Live)
        .unwrap();
    update(&mut app, ch('f'));
    let Some(Modal::FixMenu { fixes, .. }) = &app.modal else {
        panic!("{:?}", app.modal)
    };
    assert_eq!(fixes, &vec![FixId::ExportKey, FixId::OpenConsole]);
    update(&mut app, ch('j'));
    update(&mut app, ch('j'));
    assert!(matches!(
        app.modal,
        Some(Modal::FixMenu { selected: 1, .. })
    ));
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::PlanFix {
                fix: FixId::OpenConsole,
                check_key: false,
                ..
            }]
        ),
        "{effects:?}"
    );
    assert!(matches!(app.modal, Some(Modal::Working { .. })));
    // Esc stops waiting, and the late plan is dropped (and discarded in the runtime).
    let op = match effects[0] {
        Effect::PlanFix { op, .. } => op,
        _ => unreachable!(),
    };
    assert_eq!(
        update(&mut app, key(KeyCode::Esc)),
        vec![Effect::DiscardPlan { op }]
    );
    assert!(app.modal.is_none());
    let late = update(
        &mut app,
        Msg::FixPlanned {
            op,
            result: Ok(plan_view(FixId::OpenConsole, 1)),
        },
    );
    assert_eq!(late, vec![Effect::DiscardPlan { op }]);
    assert!(app.modal.is_none(), "a stale plan opens nothing");
    // Digits pick directly; one past the list says what there is.
    update(&mut app, ch('2'));
    assert!(matches!(app.modal, Some(Modal::Working { .. })));
    update(&mut app, key(KeyCode::Esc));
    assert!(update(&mut app, ch('3')).is_empty());
    assert!(
        app.status.as_ref().unwrap().text.contains("offers 2 fixes"),
        "{:?}",
        app.status
    );
}

#[test]
fn keys_go_to_the_key_input_while_it_is_open() {
    let mut app = key_input_open();
    let selected = app.selected;
    type_text(&mut app, "qjk?rfups");
    assert!(!app.quitting, "q is typed, not quit");
    assert_eq!(app.selected, selected);
    assert!(!app.show_help);
    let Some(Modal::KeyInput(k)) = &app.modal else {
        panic!()
    };
    assert_eq!(k.input.len(), 9);
    // Esc cancels the input rather than quitting; nothing was asked of the runtime.
    assert!(update(&mut app, key(KeyCode::Esc)).is_empty());
    assert!(app.modal.is_none());
    assert!(!app.quitting);
    // Ctrl-C still quits while typing.
    let mut app = key_input_open();
    assert_eq!(update(&mut app, ctrl_c()), vec![Effect::Quit]);
}

#[test]
fn a_pasted_key_is_checked_then_planned_and_never_shows_in_debug() {
    let mut app = key_input_open();
    update(&mut app, Msg::Paste(format!(" {FAKE_API_KEY}\r\n").into()));
    let Some(Modal::KeyInput(k)) = &app.modal else {
        panic!()
    };
    assert_eq!(k.input.len(), FAKE_API_KEY.len(), "trimmed, one line");
    assert_eq!(k.input.tail().as_deref(), Some("AbCd"));
    assert_no_leak(&format!("{app:?}"));
    assert_no_leak(&format!(
        "{:?}",
        Msg::Paste(FAKE_API_KEY.to_string().into())
    ));

    let effects = update(&mut app, key(KeyCode::Enter));
    assert_no_leak(&format!("{effects:?}"));
    let [
        Effect::PlanFix {
            op,
            input,
            check_key,
            ..
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert!(
        *check_key,
        "online: the key is checked against the API first"
    );
    assert_eq!(input.key.as_deref(), Some(FAKE_API_KEY));
    // The input gave its text up: the app holds no key any more.
    let Some(Modal::KeyInput(k)) = &app.modal else {
        panic!()
    };
    assert!(k.input.is_empty());
    assert_eq!(k.pending, Some(*op));
    assert!(app.is_animating(), "a spinner while the key is checked");
    assert!(!format!("{app:?}").contains(&FAKE_API_KEY[20..40]));
    // Keys do nothing while it is checked; Esc gives up waiting.
    let op = *op;
    update(&mut app, ch('x'));
    let Some(Modal::KeyInput(k)) = &app.modal else {
        panic!()
    };
    assert!(k.input.is_empty());

    // The API refuses it: the reason shows and the input is open again.
    update(
        &mut app,
        Msg::KeyRejected {
            op: op + 100,
            reason: "stale".into(),
        },
    );
    let Some(Modal::KeyInput(k)) = &app.modal else {
        panic!()
    };
    assert_eq!(k.pending, Some(op), "a stale answer changes nothing");
    update(
        &mut app,
        Msg::KeyRejected {
            op,
            reason: "401: invalid x-api-key".into(),
        },
    );
    let Some(Modal::KeyInput(k)) = &app.modal else {
        panic!()
    };
    assert!(k.pending.is_none());
    assert!(
        k.error
            .as_deref()
            .unwrap()
            .contains("401: invalid x-api-key"),
        "{:?}",
        k.error
    );
    // Offline, the key is not checked.
    let mut app = key_input_open();
    app.offline = true;
    update(&mut app, Msg::Paste(FAKE_API_KEY.into()));
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(matches!(
        effects.as_slice(),
        [Effect::PlanFix {
            check_key: false,
            ..
        }]
    ));
}

#[test]
fn a_malformed_key_is_refused_before_anything_runs() {
    let mut app = key_input_open();
    type_text(&mut app, "sk-ant-oat01-notakey");
    assert!(update(&mut app, key(KeyCode::Enter)).is_empty());
    let Some(Modal::KeyInput(k)) = &app.modal else {
        panic!()
    };
    assert!(k.input.is_empty(), "the bad text is not kept");
    assert!(
        k.error.as_deref().unwrap().contains("not a usable API key"),
        "{:?}",
        k.error
    );
    // Typing again clears the error.
    update(&mut app, ch('s'));
    let Some(Modal::KeyInput(k)) = &app.modal else {
        panic!()
    };
    assert!(k.error.is_none());
}

#[test]
fn plan_confirm_apply_rerun_and_the_new_terminal_view() {
    let mut app = key_input_open();
    let op = submit_key(&mut app);
    update(
        &mut app,
        Msg::FixPlanned {
            op,
            result: Ok(plan_view(FixId::ExportKey, 3)),
        },
    );
    assert!(matches!(app.modal, Some(Modal::Confirm(_))));
    let effects = update(&mut app, ch('y'));
    assert_eq!(effects, vec![Effect::ApplyFix { op }]);
    assert!(matches!(app.modal, Some(Modal::Working { .. })));

    let effects = update(
        &mut app,
        Msg::FixApplied {
            op,
            result: Ok(applied(FixId::ExportKey, "20261125T000000Z-export-key-1")),
        },
    );
    assert!(app.modal.is_none());
    // The checks now look at a new terminal's environment: every one runs again.
    assert!(
        matches!(effects.as_slice(), [Effect::RunChecks { checks, .. }] if checks.as_slice() == CheckId::ALL),
        "{effects:?}"
    );
    assert_eq!(
        app.view_label.as_deref(),
        Some("as a new terminal will see it")
    );
    let status = app.status.clone().unwrap();
    assert_eq!(status.tone, Tone::Success);
    for expected in [
        "Backed up to ~/.claude-auth-tui/backups/",
        "press u to undo",
        "`source ~/.zshrc`",
    ] {
        assert!(
            status.text.contains(expected),
            "{expected}: {}",
            status.text
        );
    }
    // c copies the command through the terminal.
    assert_eq!(
        update(&mut app, ch('c')),
        vec![Effect::Copy("source ~/.zshrc".into())]
    );
    assert!(app.status.as_ref().unwrap().copied);
    assert_eq!(app.applied.len(), 1);
    let text = claude_auth_tui::tui::summary::summary(&app);
    assert!(
        text.contains("export-key (~/.zshrc)") && text.contains("claude-auth-tui undo"),
        "{text}"
    );
}

#[test]
fn a_fix_that_changes_no_view_still_reruns_every_check() {
    let mut app = finished();
    let effects = fix_flow::start(&mut app, FixId::ApproveKey);
    let [Effect::PlanFix { op, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let op = *op;
    update(
        &mut app,
        Msg::FixPlanned {
            op,
            result: Ok(plan_view(FixId::ApproveKey, 2)),
        },
    );
    update(&mut app, key(KeyCode::Enter));
    let mut done = applied(FixId::ApproveKey, "e1");
    done.reload = None;
    done.view_label = None;
    let effects = update(
        &mut app,
        Msg::FixApplied {
            op,
            result: Ok(done),
        },
    );
    assert!(
        matches!(effects.as_slice(), [Effect::RunChecks { checks, .. }] if checks.as_slice() == CheckId::ALL),
        "{effects:?}"
    );
}

#[test]
fn nothing_to_do_is_news_and_a_refusal_says_so() {
    let mut app = finished();
    let effects = fix_flow::start(&mut app, FixId::SilenceEnvKey);
    let [Effect::PlanFix { op, .. }] = effects.as_slice() else {
        panic!()
    };
    update(
        &mut app,
        Msg::FixPlanned {
            op: *op,
            result: Err(FixError::NothingToDo(
                "no profile your shell reads exports ANTHROPIC_API_KEY.".into(),
            )),
        },
    );
    let Some(Modal::Message(m)) = &app.modal else {
        panic!("{:?}", app.modal)
    };
    assert_eq!(m.title, "Nothing to do");
    assert_eq!(m.tone, Tone::Info);
    assert!(
        m.lines[0].starts_with("No profile your shell reads"),
        "{m:?}"
    );
    update(&mut app, key(KeyCode::Enter));
    assert!(app.modal.is_none());

    let effects = fix_flow::start(&mut app, FixId::DropOverride);
    let [Effect::PlanFix { op, .. }] = effects.as_slice() else {
        panic!()
    };
    update(
        &mut app,
        Msg::FixPlanned {
            op: *op,
            result: Err(FixError::Refused(
                "managed settings cannot be changed here".into(),
            )),
        },
    );
    let Some(Modal::Message(m)) = &app.modal else {
        panic!()
    };
    assert_eq!(m.tone, Tone::Problem);
    assert!(m.lines.iter().any(|l| l.contains("Nothing was changed")));
}

#[test]
fn cancelling_a_confirm_discards_the_plan() {
    let mut app = confirm_state(0, 2);
    let effects = update(&mut app, ch('n'));
    assert_eq!(effects, vec![Effect::DiscardPlan { op: 1 }]);
    assert!(app.modal.is_none());
    assert!(
        app.status
            .as_ref()
            .unwrap()
            .text
            .contains("nothing was changed")
    );
}

#[test]
fn a_plan_that_only_tells_shows_a_message_with_something_to_copy() {
    let mut app = finished();
    let effects = fix_flow::start(&mut app, FixId::OpenConsole);
    let [Effect::PlanFix { op, .. }] = effects.as_slice() else {
        panic!()
    };
    let op = *op;
    let mut view = plan_view(FixId::OpenConsole, 0);
    view.files.clear();
    view.url = Some(fixes::KEYS_URL.to_string());
    view.notes = vec![format!(
        "No browser can be opened: open {}",
        fixes::KEYS_URL
    )];
    let effects = update(
        &mut app,
        Msg::FixPlanned {
            op,
            result: Ok(view),
        },
    );
    assert_eq!(effects, vec![Effect::DiscardPlan { op }]);
    assert!(matches!(app.modal, Some(Modal::Message(_))));
    assert_eq!(
        update(&mut app, ch('c')),
        vec![Effect::Copy(fixes::KEYS_URL.to_string())]
    );
    update(&mut app, key(KeyCode::Esc));
    assert!(app.modal.is_none());
    assert!(!app.quitting, "Esc closed the message, it did not quit");
}

#[test]
fn relogin_reports_the_exit_status_and_reruns_everything() {
    let mut app = finished();
    let effects = fix_flow::start(&mut app, FixId::Relogin);
    let [Effect::PlanFix { op, .. }] = effects.as_slice() else {
        panic!()
    };
    let op = *op;
    let mut view = plan_view(FixId::Relogin, 0);
    view.files.clear();
    view.command = Some("claude auth login".into());
    view.interactive = true;
    update(
        &mut app,
        Msg::FixPlanned {
            op,
            result: Ok(view),
        },
    );
    assert_eq!(update(&mut app, ch('y')), vec![Effect::ApplyFix { op }]);
    let Some(Modal::Working { label, .. }) = &app.modal else {
        panic!()
    };
    assert!(label.contains("claude auth login"));
    let effects = update(
        &mut app,
        Msg::FixApplied {
            op,
            result: Ok(Applied {
                fix: FixId::Relogin,
                entry_id: String::new(),
                files: Vec::new(),
                backup_dir: None,
                command: Some(CommandRun {
                    display: "claude auth login".into(),
                    result: Ok("exit status: 1".into()),
                    success: false,
                }),
                reload: None,
                url: None,
                view_label: None,
            }),
        },
    );
    assert!(
        matches!(effects.as_slice(), [Effect::RunChecks { checks, .. }] if checks.as_slice() == CheckId::ALL)
    );
    let status = app.status.unwrap();
    assert_eq!(status.tone, Tone::Problem);
    assert!(
        status.text.contains("ended with exit status: 1"),
        "{}",
        status.text
    );
    assert!(app.applied.is_empty(), "nothing to undo for a command");
}

#[test]
fn undo_asks_first_and_says_plainly_when_it_refuses() {
    let mut app = finished();
    app.can_undo = true;
    app.view_label = Some("as a new terminal will see it".into());
    app.applied.push(claude_auth_tui::tui::app::AppliedFix {
        fix: FixId::ExportKey,
        entry_id: "e1".into(),
        files: vec!["~/.zshrc".into()],
        backup_dir: None,
        undone: false,
    });
    let effects = update(&mut app, ch('u'));
    let [Effect::PlanUndo { op }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let op = *op;
    // Nothing to undo is news.
    update(
        &mut app,
        Msg::UndoPlanned {
            op,
            result: Err(FixError::NothingToDo("there is no fix to undo".into())),
        },
    );
    let Some(Modal::Message(m)) = &app.modal else {
        panic!()
    };
    assert_eq!((m.title.as_str(), m.tone), ("Nothing to undo", Tone::Info));
    update(&mut app, key(KeyCode::Enter));

    // A file changed since: refused, plainly.
    let effects = update(&mut app, ch('u'));
    let [Effect::PlanUndo { op }] = effects.as_slice() else {
        panic!()
    };
    update(
        &mut app,
        Msg::UndoPlanned {
            op: *op,
            result: Err(FixError::Changed(
                "~/.zshrc changed after the fix; undo refuses so that your later edits are not lost"
                    .into(),
            )),
        },
    );
    let Some(Modal::Message(m)) = &app.modal else {
        panic!()
    };
    assert_eq!((m.title.as_str(), m.tone), ("Cannot undo", Tone::Problem));
    assert!(
        m.lines[0].contains("~/.zshrc changed after the fix"),
        "{m:?}"
    );
    assert!(m.lines.iter().any(|l| l == "Nothing was restored."));
    update(&mut app, key(KeyCode::Esc));

    // The undo shown, confirmed, done.
    let effects = update(&mut app, ch('u'));
    let [Effect::PlanUndo { op }] = effects.as_slice() else {
        panic!()
    };
    let op = *op;
    update(
        &mut app,
        Msg::UndoPlanned {
            op,
            result: Ok(UndoView {
                entry_id: "e1".into(),
                fix: FixId::ExportKey,
                time: "2026-11-25T00:00:00Z".into(),
                restores: vec![
                    "~/.zshrc: restored from ~/.claude-auth-tui/backups/e1/.zshrc".into(),
                ],
            }),
        },
    );
    assert!(matches!(app.modal, Some(Modal::Confirm(_))));
    assert_eq!(
        update(&mut app, ch('y')),
        vec![Effect::Undo {
            op,
            entry_id: "e1".into()
        }]
    );
    let effects = update(
        &mut app,
        Msg::Undone {
            op,
            result: Ok(Undone {
                entry_id: "e1".into(),
                fix: FixId::ExportKey,
                restored: vec!["~/.zshrc".into()],
                unchanged: Vec::new(),
                view_label: None,
            }),
        },
    );
    assert!(app.modal.is_none());
    assert!(app.view_label.is_none(), "back to this shell's view");
    assert!(
        matches!(effects.as_slice(), [Effect::RunChecks { checks, .. }] if checks.as_slice() == CheckId::ALL)
    );
    assert!(app.applied[0].undone);
    let status = app.status.clone().unwrap();
    assert!(
        status.text.contains("Undid export-key: restored ~/.zshrc"),
        "{}",
        status.text
    );
    let text = claude_auth_tui::tui::summary::summary(&app);
    assert!(text.contains("undone"), "{text}");

    // A failed undo is shown too.
    let effects = update(&mut app, ch('u'));
    let [Effect::PlanUndo { op }] = effects.as_slice() else {
        panic!()
    };
    update(
        &mut app,
        Msg::Undone {
            op: *op,
            result: Err(FixError::Changed(
                "the undo journal changed since you asked".into(),
            )),
        },
    );
    let Some(Modal::Message(m)) = &app.modal else {
        panic!()
    };
    assert_eq!(m.title, "Cannot undo");
}

#[test]
fn paste_an_error_classify_it_and_jump_to_its_check() {
    let mut app = finished();
    assert!(update(&mut app, ch('p')).is_empty());
    assert!(matches!(app.modal, Some(Modal::PasteInput(_))));
    // Keys are typed, not obeyed; Enter is a new line.
    type_text(&mut app, "q?r");
    update(&mut app, key(KeyCode::Enter));
    assert!(!app.quitting && !app.show_help);
    update(
        &mut app,
        Msg::Paste(
            format!(
                "$ claude -p hi\r\nInvalid API key · Fix external API key\r\n(key {FAKE_API_KEY})"
            )
            .into(),
        ),
    );
    assert_no_leak(&format!("{app:?}"));
    let Some(Modal::PasteInput(input)) = &app.modal else {
        panic!()
    };
    assert_no_leak(&input.text());
    assert!(input.text().contains("Invalid API key"));
    assert!(update(&mut app, ctrl('s')).is_empty());
    let Some(Modal::Explained(e)) = &app.modal else {
        panic!("{:?}", app.modal)
    };
    assert_eq!(e.classification.cause, Some(CauseId::KeyInvalid));
    assert_no_leak(&format!("{:?}", e.classification));
    update(&mut app, key(KeyCode::Enter));
    assert!(app.modal.is_none());
    assert_eq!(
        app.selected_id(),
        claude_auth_tui::knowledge::cause(CauseId::KeyInvalid).check
    );
    assert!(app.manual_selection);

    // No match: an honest verdict, and closing it moves nothing.
    let selected = app.selected;
    update(&mut app, ch('p'));
    type_text(&mut app, "my cat sat on the keyboard");
    update(&mut app, ctrl('s'));
    let Some(Modal::Explained(e)) = &app.modal else {
        panic!()
    };
    assert_eq!(e.classification.cause, None);
    update(&mut app, key(KeyCode::Esc));
    assert!(app.modal.is_none());
    assert_eq!(app.selected, selected);

    // An empty paste input does not submit; Esc cancels it.
    update(&mut app, ch('p'));
    update(&mut app, ctrl('s'));
    assert!(matches!(app.modal, Some(Modal::PasteInput(_))));
    update(&mut app, key(KeyCode::Esc));
    assert!(app.modal.is_none());
}

#[test]
fn s_saves_a_report_once_every_check_is_done() {
    let (mut app, _) = started();
    assert!(update(&mut app, ch('s')).is_empty(), "not while checks run");
    let mut app = finished();
    assert_eq!(update(&mut app, ch('s')), vec![Effect::SaveReport]);
    update(
        &mut app,
        Msg::ReportSaved(Ok(
            "~/.claude-auth-tui/claude-auth-report-20261125T000000Z.md".into(),
        )),
    );
    let status = app.status.clone().unwrap();
    assert!(
        status
            .text
            .contains("Report saved to ~/.claude-auth-tui/claude-auth-report-")
    );
    assert_eq!(
        update(&mut app, ch('c')),
        vec![Effect::Copy(
            "~/.claude-auth-tui/claude-auth-report-20261125T000000Z.md".into()
        )]
    );
    update(&mut app, Msg::ReportSaved(Err("disk full".into())));
    assert_eq!(app.status.unwrap().tone, Tone::Problem);
}

#[test]
fn dialogs_scroll_with_keys_and_the_wheel_within_bounds() {
    let mut app = confirm_state(0, 200);
    let max = view::modal::max_scroll(&app);
    assert!(max > 0);
    update(&mut app, key(KeyCode::Down));
    assert_eq!(app.modal.as_ref().unwrap().scroll(), Some(1));
    update(&mut app, key(KeyCode::PageDown));
    assert!(app.modal.as_ref().unwrap().scroll().unwrap() > 1);
    for _ in 0..100 {
        update(&mut app, key(KeyCode::PageDown));
    }
    assert_eq!(app.modal.as_ref().unwrap().scroll(), Some(max));
    update(
        &mut app,
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::ScrollUp,
            column: 40,
            row: 10,
            modifiers: KeyModifiers::NONE,
        }),
    );
    assert_eq!(app.modal.as_ref().unwrap().scroll(), Some(max - 3));
    assert_eq!(app.detail_scroll, 0, "the pane behind did not move");
    // Clicks behind a dialog select nothing.
    let before = app.selected;
    let areas = view::app_layout(&app).unwrap();
    update(
        &mut app,
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: areas.checklist.x + 3,
            row: areas.checklist.y + 1,
            modifiers: KeyModifiers::NONE,
        }),
    );
    assert_eq!(app.selected, before);
}

#[test]
fn the_spinner_turns_while_a_dialog_waits() {
    let mut app = with_modal(Modal::Working {
        op: 1,
        label: "Working…".into(),
    });
    assert!(app.is_animating());
    let before = app.spinner;
    update(&mut app, Msg::Tick);
    assert_ne!(app.spinner, before);
}

// ---- issue 13: flows that end in the right place, conventions of loved TUIs ----

fn header_named(source: &str) -> Header {
    Header {
        method: Some("API key"),
        masked: Some("sk-ant-api03-…AbCd".into()),
        source: source.into(),
        endpoint: "https://api.anthropic.com".into(),
        endpoint_source: "default".into(),
    }
}

#[test]
fn a_partial_rerun_never_replaces_the_header_of_the_run_the_checklist_shows() {
    let (mut app, first) = started();
    update(
        &mut app,
        Msg::Resolved {
            run_id: first,
            header: header_named("full run"),
        },
    );
    for id in CheckId::ALL {
        finish(&mut app, first, pass(*id));
    }
    // Enter re-runs one check: its reading of the setup must not replace the header that the
    // other five rows (and the primary cause) come from.
    let effects = update(&mut app, key(KeyCode::Enter));
    let [Effect::RunChecks { run_id, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    update(
        &mut app,
        Msg::Resolved {
            run_id: *run_id,
            header: header_named("one check"),
        },
    );
    assert_eq!(app.header.as_ref().unwrap().source, "full run");
}

#[test]
fn after_a_fix_header_checklist_and_primary_cause_come_from_one_new_run() {
    // The api-key-helper-failed flow: drop-override applied; every check runs again.
    let mut app = finished();
    app.header = Some(header_named("apiKeyHelper from user settings"));
    let effects = fix_flow::applied(&mut app, 0, Ok(applied(FixId::DropOverride, "e1")));
    let [Effect::RunChecks { run_id, checks }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(checks.as_slice(), CheckId::ALL, "a fix re-runs every check");
    assert!(app.rows.iter().all(|r| r.run_id == *run_id));
    let none = Header {
        method: None,
        masked: None,
        source: "Claude Code has no credential to send".into(),
        endpoint: "https://api.anthropic.com".into(),
        endpoint_source: "default".into(),
    };
    update(
        &mut app,
        Msg::Resolved {
            run_id: *run_id,
            header: none.clone(),
        },
    );
    assert_eq!(app.header, Some(none));
    for id in CheckId::ALL {
        let o = if *id == CheckId::ShellEnv {
            outcome(
                *id,
                Status::Fail,
                Some(CauseId::NoCredentials),
                "no credential",
            )
        } else {
            pass(*id)
        };
        finish(&mut app, *run_id, o);
    }
    assert_eq!(
        app.primary.as_ref().map(|p| p.cause),
        Some(CauseId::NoCredentials),
        "the primary cause agrees with the header"
    );
}

#[test]
fn an_undo_reruns_every_check_too() {
    let mut app = finished();
    let effects = fix_flow::undone(
        &mut app,
        0,
        Ok(Undone {
            entry_id: "e1".into(),
            fix: FixId::ApproveKey,
            restored: vec!["~/.claude.json".into()],
            unchanged: vec![],
            view_label: None,
        }),
    );
    assert!(
        matches!(effects.as_slice(), [Effect::RunChecks { checks, .. }] if checks.as_slice() == CheckId::ALL),
        "{effects:?}"
    );
}

#[test]
fn esc_and_q_close_dialogs_menus_and_help_without_quitting() {
    let message = Message::new("Done", Tone::Info, vec!["ok".into()]);
    let dialogs = [
        Modal::FixMenu {
            check: CheckId::Live,
            fixes: vec![FixId::ExportKey, FixId::OpenConsole],
            selected: 0,
        },
        Modal::Message(message),
    ];
    for close in [key(KeyCode::Esc), ch('q')] {
        for modal in dialogs.clone() {
            let mut app = finished();
            app.modal = Some(modal);
            let effects = update(&mut app, close.clone());
            assert!(!effects.contains(&Effect::Quit), "{effects:?}");
            assert!(app.modal.is_none());
            assert!(!app.quitting);
        }
        let mut app = finished();
        app.modal = Some(Modal::Confirm(Confirm {
            op: 4,
            what: Confirming::Fix(plan_view(FixId::ApproveKey, 2)),
            scroll: 0,
        }));
        let effects = update(&mut app, close.clone());
        assert_eq!(effects, vec![Effect::DiscardPlan { op: 4 }]);
        assert!(app.modal.is_none() && !app.quitting);

        let mut app = finished();
        app.show_help = true;
        assert!(update(&mut app, close.clone()).is_empty());
        assert!(!app.show_help && !app.quitting);
    }
    // In a text input `q` is a letter.
    let mut app = finished();
    update(&mut app, ch('f'));
    assert!(app.is_typing());
    assert!(update(&mut app, ch('q')).is_empty());
    assert!(app.modal.is_some() && !app.quitting);
}

#[test]
fn g_and_end_jump_to_the_first_and_last_check() {
    let mut app = finished();
    update(&mut app, ch('G'));
    assert_eq!(app.selected, app.rows.len() - 1);
    update(&mut app, ch('g'));
    assert_eq!(app.selected, 0);
    update(&mut app, key(KeyCode::End));
    assert_eq!(app.selected, app.rows.len() - 1);
    update(&mut app, key(KeyCode::Home));
    assert_eq!(app.selected, 0);
}

#[test]
fn tab_moves_the_arrows_to_the_detail_pane_which_scrolls_line_by_line() {
    let mut app = finished();
    app.size = (80, 24);
    let selected = app.selected;
    assert!(
        view::detail::max_scroll(&app) > 2,
        "the test needs a long detail"
    );
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(app.focus, Focus::Detail);
    update(&mut app, ch('j'));
    update(&mut app, key(KeyCode::Down));
    assert_eq!(app.detail_scroll, 2);
    update(&mut app, ch('k'));
    assert_eq!(app.detail_scroll, 1);
    assert_eq!(app.selected, selected, "the selection stays");
    update(&mut app, ch('G'));
    assert_eq!(app.detail_scroll, view::detail::max_scroll(&app));
    update(&mut app, ch('g'));
    assert_eq!(app.detail_scroll, 0);
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(app.focus, Focus::Checklist);
    update(&mut app, ch('j'));
    assert_eq!(app.selected, selected + 1);
}

#[test]
fn the_bar_offers_undo_only_when_there_is_something_to_undo() {
    let mut app = finished();
    let has_undo = |app: &App| keys::bar_entries(app, 500).contains(&("u", "undo"));
    assert!(!has_undo(&app));
    assert!(update(&mut app, ch('u')).is_empty());
    update(&mut app, Msg::UndoAvailable(true));
    assert!(has_undo(&app));
    // A fix applied in the wizard can be undone.
    let mut app = finished();
    fix_flow::applied(&mut app, 0, Ok(applied(FixId::ApproveKey, "e1")));
    assert!(has_undo(&app));
}

#[test]
fn help_lists_each_key_once() {
    let mut seen = std::collections::BTreeMap::new();
    for binding in BINDINGS.iter().filter(|b| b.in_help) {
        for k in binding.keys {
            if let Some(previous) = seen.insert(format!("{k:?}"), binding.description) {
                panic!(
                    "{k:?} is listed twice: {previous:?} and {:?}",
                    binding.description
                );
            }
        }
    }
}

#[test]
fn a_demo_never_advises_about_the_real_home_and_s_says_it_does_not_save() {
    let mut app = finished().with_demo("key-not-exported");
    let effects = update(&mut app, ch('s'));
    assert!(effects.is_empty(), "{effects:?}");
    let status = app.status.as_ref().unwrap().text.clone();
    assert!(
        status.contains("Not saved") && status.contains("demo"),
        "{status}"
    );
    fix_flow::applied(&mut app, 0, Ok(applied(FixId::ExportKey, "e1")));
    let summary = claude_auth_tui::tui::summary::summary(&app);
    for never in [
        "claude-auth-tui fix",
        "claude-auth-tui undo",
        "check --verbose",
    ] {
        assert!(!summary.contains(never), "{never:?} in a demo:\n{summary}");
    }
    assert!(summary.contains("without --demo"), "{summary}");
    // Outside a demo, `s` saves.
    let mut app = finished();
    assert_eq!(update(&mut app, ch('s')), vec![Effect::SaveReport]);
}

#[test]
fn a_removed_file_is_said_to_be_removed_not_changed() {
    let mut app = finished();
    let mut done = applied(FixId::RemoveCredentials, "e1");
    done.files = vec!["~/.claude/.credentials.json (removed)".into()];
    done.reload = None;
    fix_flow::applied(&mut app, 0, Ok(done));
    let text = app.status.as_ref().unwrap().text.clone();
    assert!(
        text.contains("removed ~/.claude/.credentials.json"),
        "{text}"
    );
    assert!(!text.contains("(removed) changed"), "{text}");
}

#[test]
fn c_copies_the_commands_to_check_by_hand() {
    let mut app = finished();
    app.status = None;
    let effects = update(&mut app, ch('c'));
    let [Effect::Copy(text)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert!(!text.is_empty());
    assert!(
        text.lines()
            .all(|l| !l.starts_with(|c: char| c.is_ascii_uppercase())),
        "prose is not a command: {text}"
    );
}
