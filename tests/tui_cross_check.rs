//! The wizard's background cross-check (`claude auth status`), as messages: it arrives after the
//! verdict, amends the finished `cli` row, and is dropped for a row that is running again.

mod support;

use claude_auth_tui::ids::{CauseId, CheckId};
use claude_auth_tui::outcome::{CheckOutcome, Status};
use claude_auth_tui::tui::app::App;
use claude_auth_tui::tui::effect::Effect;
use claude_auth_tui::tui::msg::Msg;
use claude_auth_tui::tui::update::update;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use support::wizard::pass;

/// Every check reported and passed.
fn all_passed() -> (App, u64) {
    let mut app = App::default();
    let effects = update(&mut app, Msg::Started);
    let [Effect::RunChecks { run_id, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let run_id = *run_id;
    for id in CheckId::ALL {
        update(
            &mut app,
            Msg::CheckFinished {
                run_id,
                outcome: pass(*id),
            },
        );
    }
    assert!(app.all_done() && app.primary.is_none());
    (app, run_id)
}

fn disagreeing_cli() -> CheckOutcome {
    let mut o = pass(CheckId::Cli);
    o.find(
        CauseId::CliDisagrees,
        Status::Warn,
        "`claude auth status` disagrees with this diagnosis: it says not logged in",
    );
    o
}

#[test]
fn the_cross_check_amends_the_finished_cli_row_and_counts_for_the_primary_cause() {
    let (mut app, run_id) = all_passed();
    update(
        &mut app,
        Msg::CrossChecked {
            run_id,
            outcome: disagreeing_cli(),
        },
    );
    let row = app.row(CheckId::Cli).unwrap();
    assert_eq!(row.status(), Some(Status::Warn));
    assert_eq!(
        app.primary.as_ref().map(|p| p.cause),
        Some(CauseId::CliDisagrees)
    );
}

#[test]
fn a_cross_check_for_a_row_running_again_or_of_another_run_is_dropped() {
    let (mut app, run_id) = all_passed();
    // Another run's answer: dropped.
    update(
        &mut app,
        Msg::CrossChecked {
            run_id: run_id + 7,
            outcome: disagreeing_cli(),
        },
    );
    assert_eq!(app.row(CheckId::Cli).unwrap().status(), Some(Status::Pass));
    // The cli row re-runs (Enter on the selected row): the old run's cross-check is stale.
    app.selected = CheckId::ALL
        .iter()
        .position(|c| *c == CheckId::Cli)
        .unwrap();
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    assert!(app.row(CheckId::Cli).unwrap().is_running());
    update(
        &mut app,
        Msg::CrossChecked {
            run_id,
            outcome: disagreeing_cli(),
        },
    );
    assert!(app.row(CheckId::Cli).unwrap().is_running());
}
