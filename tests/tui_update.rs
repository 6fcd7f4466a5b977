//! The wizard's state machine, without a terminal or tokio: messages in, state and effects out.
//! Navigation, runs, the key table and the conventions of the whole wizard; its dialogs (fix,
//! undo, paste, report) are in `tui_update_dialogs.rs`.

mod support;

use claude_auth_tui::classify::classify;
use claude_auth_tui::fixes::{self};
use claude_auth_tui::ids::{CauseId, CheckId, FixId};
use claude_auth_tui::outcome::Status;
use claude_auth_tui::tui::app::{App, CheckRow, CheckState, Ending, Focus, Header, StatusLine};
use claude_auth_tui::tui::effect::Effect;
use claude_auth_tui::tui::fix_flow;
use claude_auth_tui::tui::fix_flow::Undone;
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
use support::wizard::{
    applied, ch, confirm_state, ctrl_c, finish, finished, header_named, key, outcome, pass,
    plan_view, started, with_modal,
};

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
    assert!(app.rows.iter().all(CheckRow::is_running));
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

// ---- issue 13: flows that end in the right place, conventions of loved TUIs ----

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
