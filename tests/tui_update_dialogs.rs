//! The wizard's dialogs as a state machine, without a terminal or tokio: the fix menu, the key
//! input, the confirm screen, undo, paste an error, the report (issues #4 and #5).

mod support;

use claude_auth_tui::fixes::{self, FixError};
use claude_auth_tui::ids::{CauseId, CheckId, FixId};
use claude_auth_tui::outcome::Status;
use claude_auth_tui::tui::app::App;
use claude_auth_tui::tui::effect::Effect;
use claude_auth_tui::tui::fix_flow;
use claude_auth_tui::tui::fix_flow::{Applied, CommandRun, ReportError, UndoView, Undone};
use claude_auth_tui::tui::modal::{Modal, Tone};
use claude_auth_tui::tui::msg::Msg;
use claude_auth_tui::tui::update::update;
use claude_auth_tui::tui::view;
use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use support::wizard::{
    applied, ch, confirm_state, ctrl, ctrl_c, finish, finished, key, outcome, plan_view, started,
    with_modal,
};
use support::{FAKE_API_KEY, assert_no_leak};

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
    let Effect::PlanFix { op, .. } = effects[0] else {
        unreachable!()
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
    update(
        &mut app,
        Msg::ReportSaved(Err(ReportError::Io("disk full".into()))),
    );
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
