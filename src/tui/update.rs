//! The state machine: `update(&mut App, Msg) -> Vec<Effect>`. No I/O, no clock. Keys, clicks
//! and scrolling act on the geometry in the state, which `update` measures with the view's pure
//! layout functions whenever the state may have changed since the view last drew it.

use crate::checks;
use crate::ids::CheckId;
use crate::outcome::Status;
use crate::tui::app::{App, CheckState, Ending, Focus};
use crate::tui::effect::Effect;
use crate::tui::keys::{self, Action};
use crate::tui::modal::Modal;
use crate::tui::msg::Msg;
use crate::tui::{fix_flow, paste, view};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};

/// Lines the mouse wheel scrolls per notch.
const WHEEL_LINES: u16 = 3;

/// Applies one message; returns what the runtime must do.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    // The state may have changed since the view last drew it (or it was never drawn): keys act on
    // the screen this state shows.
    measure(app);
    let effects = handle(app, msg);
    // What the key table reads until the next frame is drawn.
    measure(app);
    effects
}

/// Records the geometry of the screen at the size `update` last heard of.
fn measure(app: &App) {
    app.record_geometry(view::measure(app, app.screen()));
}

fn handle(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Started => vec![app.run_checks(CheckId::ALL.to_vec())],
        Msg::Key(ev) => {
            if ev.kind == KeyEventKind::Release {
                return Vec::new();
            }
            match keys::lookup(app, &ev) {
                Some(binding) => apply_key(app, binding.action, Some(&ev)),
                None => {
                    type_into(app, ev);
                    Vec::new()
                }
            }
        }
        Msg::Mouse(ev) => mouse(app, ev),
        Msg::Paste(text) => {
            match &mut app.modal {
                Some(Modal::KeyInput(k)) if k.pending.is_none() => k.input.paste(text.as_str()),
                Some(Modal::PasteInput(input)) => input.paste(text.as_str()),
                // Nothing takes text here: drop it.
                _ => {}
            }
            Vec::new()
        }
        Msg::Resize { width, height } => {
            app.size = (width, height);
            clamp_scroll(app);
            Vec::new()
        }
        Msg::Tick => {
            if app.is_animating() {
                app.spinner = (app.spinner + 1) % crate::tui::app::SPINNER.len();
            }
            for row in app.rows.iter_mut().filter(|r| r.is_running()) {
                row.ticks = row.ticks.saturating_add(1);
            }
            Vec::new()
        }
        Msg::UndoAvailable(available) => {
            app.can_undo = available;
            Vec::new()
        }
        Msg::Resolved { run_id, header } => {
            app.set_header(run_id, header);
            Vec::new()
        }
        Msg::CheckFinished { run_id, outcome } => {
            let Some(row) = app
                .rows
                .iter_mut()
                .find(|r| r.id == outcome.id && r.run_id == run_id && r.is_running())
            else {
                return Vec::new(); // a stale run, or a check we never started
            };
            row.state = CheckState::Done(outcome);
            app.primary = checks::primary_cause(&app.outcomes());
            auto_select(app);
            clamp_scroll(app);
            Vec::new()
        }
        Msg::CrossChecked { run_id, outcome } => {
            let Some(row) = app.rows.iter_mut().find(|r| {
                r.id == outcome.id && r.run_id == run_id && matches!(r.state, CheckState::Done(_))
            }) else {
                return Vec::new(); // rerun or superseded since
            };
            row.state = CheckState::Done(outcome);
            app.primary = checks::primary_cause(&app.outcomes());
            auto_select(app);
            clamp_scroll(app);
            Vec::new()
        }
        Msg::FixPlanned { op, result } => fix_flow::planned(app, op, result),
        Msg::KeyRejected { op, reason } => fix_flow::key_rejected(app, op, &reason),
        Msg::FixApplied { op, result } => fix_flow::applied(app, op, result),
        Msg::UndoPlanned { op, result } => fix_flow::undo_planned(app, op, result),
        Msg::Undone { op, result } => fix_flow::undone(app, op, result),
        Msg::ReportSaved(result) => fix_flow::report_saved(app, result),
    }
}

/// A key no binding took goes to the open text input, if any.
fn type_into(app: &mut App, ev: KeyEvent) {
    match &mut app.modal {
        Some(Modal::KeyInput(k)) if k.pending.is_none() => {
            k.input.input(ev);
            k.error = None;
        }
        Some(Modal::PasteInput(input)) => input.input(ev),
        _ => {}
    }
}

/// Applies a key-table action.
pub fn apply(app: &mut App, action: Action) -> Vec<Effect> {
    apply_key(app, action, None)
}

/// Applies a key-table action; `ev` is the key that triggered it (a digit picks that fix).
fn apply_key(app: &mut App, action: Action, ev: Option<&KeyEvent>) -> Vec<Effect> {
    match action {
        Action::SelectPrev => {
            select(app, app.selected.saturating_sub(1));
            Vec::new()
        }
        Action::SelectNext => {
            select(app, (app.selected + 1).min(app.rows.len() - 1));
            Vec::new()
        }
        Action::Rerun => vec![app.run_checks(vec![app.selected_id()])],
        Action::RerunAll => vec![app.run_checks(CheckId::ALL.to_vec())],
        Action::ScrollUp => {
            let page = page(app);
            scroll_by(app, -i32::from(page));
            Vec::new()
        }
        Action::ScrollDown => {
            let page = page(app);
            scroll_by(app, i32::from(page));
            Vec::new()
        }
        Action::LineUp => {
            scroll_by(app, -1);
            Vec::new()
        }
        Action::LineDown => {
            scroll_by(app, 1);
            Vec::new()
        }
        Action::ShowHelp => {
            app.show_help = true;
            Vec::new()
        }
        Action::CloseHelp => {
            app.show_help = false;
            Vec::new()
        }
        Action::OpenFixes => fix_flow::open_fixes(app),
        Action::PickFix => {
            let n = match ev.map(|e| e.code) {
                Some(KeyCode::Char(c)) => c.to_digit(10).map_or(1, |d| d as usize),
                _ => 1,
            };
            fix_flow::pick(app, n)
        }
        Action::MenuPrev => {
            fix_flow::move_menu(app, -1);
            Vec::new()
        }
        Action::MenuNext => {
            fix_flow::move_menu(app, 1);
            Vec::new()
        }
        Action::MenuChoose => fix_flow::choose(app),
        Action::Submit => match app.modal {
            Some(Modal::KeyInput(_)) => fix_flow::submit_key(app),
            Some(Modal::PasteInput(_)) => paste::submit(app),
            _ => Vec::new(),
        },
        Action::Confirm => fix_flow::confirm(app),
        Action::Cancel => fix_flow::cancel(app),
        Action::CloseDialog => match app.modal {
            Some(Modal::Explained(_)) => paste::close(app),
            _ => {
                app.modal = None;
                Vec::new()
            }
        },
        Action::Undo => fix_flow::plan_undo(app),
        Action::PasteError => paste::open(app),
        Action::SaveReport => save_report(app),
        Action::Copy => fix_flow::copy(app),
        Action::Quit => quit(app, Ending::Quit),
        Action::Interrupt => quit(app, Ending::Interrupted),
        Action::ToggleFocus => {
            app.focus = match app.focus {
                Focus::Checklist => Focus::Detail,
                Focus::Detail => Focus::Checklist,
            };
            Vec::new()
        }
        Action::First => {
            match app.focus {
                Focus::Checklist => select(app, 0),
                Focus::Detail => app.detail_scroll = 0,
            }
            Vec::new()
        }
        Action::Last => {
            match app.focus {
                Focus::Checklist => select(app, app.rows.len() - 1),
                Focus::Detail => {
                    app.detail_scroll = u16::MAX;
                    clamp_scroll(app);
                }
            }
            Vec::new()
        }
    }
}

/// `s`: a demo's report would go into its throwaway home, deleted on quit, so a demo says so
/// instead of pretending to keep it.
fn save_report(app: &mut App) -> Vec<Effect> {
    if app.demo.is_some() {
        app.status = Some(crate::tui::app::StatusLine::new(
            crate::tui::modal::Tone::Info,
            "Not saved: this is a demo, and its folder is deleted when you quit. Run \
             claude-auth-tui without --demo and press s to save a report of your own setup.",
        ));
        return Vec::new();
    }
    vec![Effect::SaveReport]
}

/// Leaves the wizard; `ending` decides the exit status.
pub fn quit(app: &mut App, ending: Ending) -> Vec<Effect> {
    app.quitting = true;
    app.ending = ending;
    vec![Effect::Quit]
}

/// A selection made by the user: it sticks.
fn select(app: &mut App, index: usize) {
    app.manual_selection = true;
    if index != app.selected {
        app.selected = index;
        app.detail_scroll = 0;
    }
}

/// Until the user moves, the selection follows the trouble: the first failing check in
/// checklist order while checks run, the primary cause once every check is done.
fn auto_select(app: &mut App) {
    if app.manual_selection {
        return;
    }
    let primary = app
        .primary
        .as_ref()
        .filter(|_| app.all_done())
        .and_then(|p| app.rows.iter().position(|r| r.id == p.check));
    let first_failing = || {
        app.rows
            .iter()
            .position(|r| r.status() == Some(Status::Fail))
    };
    if let Some(index) = primary.or_else(first_failing)
        && index != app.selected
    {
        app.selected = index;
        app.detail_scroll = 0;
    }
}

/// A page of whatever scrolls: the dialog's content, else the detail pane.
fn page(app: &App) -> u16 {
    let geometry = app.geometry();
    let height = if app.modal.is_some() {
        geometry.dialog.height
    } else {
        geometry.detail.height
    };
    height.saturating_sub(1).max(1)
}

/// Scrolls the dialog's content (when one is open) or the detail pane, within bounds.
fn scroll_by(app: &mut App, delta: i32) {
    let geometry = app.geometry();
    if let Some(scroll) = app.modal.as_mut().and_then(Modal::scroll_mut) {
        *scroll = step(*scroll, delta).min(geometry.dialog.max_scroll);
    } else if app.modal.is_none() {
        app.detail_scroll = step(app.detail_scroll, delta).min(geometry.detail.max_scroll);
    }
}

fn step(value: u16, delta: i32) -> u16 {
    u16::try_from((i32::from(value) + delta).max(0)).unwrap_or(u16::MAX)
}

/// Keeps both scroll positions within bounds after the content or the size changed.
fn clamp_scroll(app: &mut App) {
    measure(app);
    let geometry = app.geometry();
    app.detail_scroll = app.detail_scroll.min(geometry.detail.max_scroll);
    if let Some(scroll) = app.modal.as_mut().and_then(Modal::scroll_mut) {
        *scroll = (*scroll).min(geometry.dialog.max_scroll);
    }
}

fn mouse(app: &mut App, ev: MouseEvent) -> Vec<Effect> {
    let wheel = i32::from(WHEEL_LINES);
    match ev.kind {
        MouseEventKind::ScrollDown if !app.show_help => scroll_by(app, wheel),
        MouseEventKind::ScrollUp if !app.show_help => scroll_by(app, -wheel),
        MouseEventKind::Down(MouseButton::Left) if app.show_help => app.show_help = false,
        MouseEventKind::Down(MouseButton::Left) if app.modal.is_none() => {
            let rows = app.rows.len();
            if let Some(index) = app.geometry().checklist_row_at(ev.column, ev.row, rows) {
                select(app, index);
            }
        }
        _ => {}
    }
    Vec::new()
}
