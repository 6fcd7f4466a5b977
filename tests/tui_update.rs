//! The wizard's state machine, without a terminal or tokio: messages in, state and effects out.

use claude_auth_tui::ids::{CauseId, CheckId, FixId};
use claude_auth_tui::outcome::{CheckOutcome, Status};
use claude_auth_tui::tui::app::{App, CheckState, Header};
use claude_auth_tui::tui::effect::Effect;
use claude_auth_tui::tui::keys::{self, Action, BINDINGS, Key};
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
fn q_esc_and_ctrl_c_quit() {
    for msg in [ch('q'), key(KeyCode::Esc), ctrl_c()] {
        let mut app = finished();
        assert_eq!(update(&mut app, msg), vec![Effect::Quit]);
        assert!(app.quitting);
    }
    // A plain `c` is not Ctrl-C.
    let mut app = finished();
    assert!(update(&mut app, ch('c')).is_empty());
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
    update(&mut app, key(KeyCode::Enter));
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

/// A few states that between them satisfy every binding's condition.
fn states() -> Vec<App> {
    let mut help = finished();
    help.show_help = true;
    let (running, _) = started();
    vec![finished(), long_detail(), help, running]
}

/// What a key press can visibly change.
fn fingerprint(app: &App) -> String {
    format!(
        "{} {} {} {} {:?}",
        app.selected,
        app.detail_scroll,
        app.show_help,
        app.quitting,
        app.rows.iter().map(|r| r.run_id).collect::<Vec<_>>()
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
                    Action::ScrollUp => app.detail_scroll = 1,
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
        for (keys_text, _) in &shown {
            let binding = BINDINGS
                .iter()
                .find(|b| b.bar.is_some_and(|(k, _)| k == *keys_text))
                .expect("every bar entry comes from the table");
            assert!((binding.when)(&app), "{keys_text} shown but not valid");
        }
        for binding in BINDINGS.iter().filter(|b| b.bar.is_some()) {
            let (k, _) = binding.bar.unwrap();
            assert_eq!(
                (binding.when)(&app),
                shown.iter().any(|(s, _)| *s == k),
                "{k}"
            );
        }
    }
    // Narrow terminals keep the most important entries: quit and help.
    let shown = keys::bar_entries(&finished(), 24);
    assert!(shown.iter().any(|(_, l)| *l == "quit"), "{shown:?}");
    assert!(shown.iter().any(|(_, l)| *l == "help"), "{shown:?}");
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
