//! The state machine: `update(&mut App, Msg) -> Vec<Effect>`. No I/O, no clock; every
//! layout-dependent decision uses the same pure layout functions as the view.

use crate::checks;
use crate::ids::CheckId;
use crate::outcome::Status;
use crate::tui::app::{App, CheckState};
use crate::tui::effect::Effect;
use crate::tui::keys::{self, Action};
use crate::tui::msg::Msg;
use crate::tui::view;
use crossterm::event::{KeyEventKind, MouseButton, MouseEvent, MouseEventKind};

/// Lines the mouse wheel scrolls per notch.
const WHEEL_LINES: u16 = 3;

/// Applies one message; returns what the runtime must do.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Started => run(app, CheckId::ALL.to_vec()),
        Msg::Key(ev) => {
            if ev.kind == KeyEventKind::Release {
                return Vec::new();
            }
            match keys::lookup(app, &ev) {
                Some(binding) => apply(app, binding.action),
                None => Vec::new(),
            }
        }
        Msg::Mouse(ev) => mouse(app, ev),
        // Nothing takes pasted text yet (a later issue pastes error messages); drop it.
        Msg::Paste(_) => Vec::new(),
        Msg::Resize { width, height } => {
            app.size = (width, height);
            clamp_scroll(app);
            Vec::new()
        }
        Msg::Tick => {
            if app.is_animating() {
                app.spinner = (app.spinner + 1) % crate::tui::app::SPINNER.len();
            }
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
    }
}

/// Applies a key-table action.
pub fn apply(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::SelectPrev => {
            select(app, app.selected.saturating_sub(1));
            Vec::new()
        }
        Action::SelectNext => {
            select(app, (app.selected + 1).min(app.rows.len() - 1));
            Vec::new()
        }
        Action::Rerun => run(app, vec![app.selected_id()]),
        Action::RerunAll => run(app, CheckId::ALL.to_vec()),
        Action::ScrollUp => {
            app.detail_scroll = app.detail_scroll.saturating_sub(page(app));
            Vec::new()
        }
        Action::ScrollDown => {
            app.detail_scroll = app.detail_scroll.saturating_add(page(app));
            clamp_scroll(app);
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
        Action::Quit => {
            app.quitting = true;
            vec![Effect::Quit]
        }
    }
}

fn run(app: &mut App, checks: Vec<CheckId>) -> Vec<Effect> {
    let run_id = app.begin_run(&checks);
    app.primary = checks::primary_cause(&app.outcomes());
    vec![Effect::RunChecks { run_id, checks }]
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

fn page(app: &App) -> u16 {
    view::detail::viewport_height(app).saturating_sub(1).max(1)
}

fn clamp_scroll(app: &mut App) {
    app.detail_scroll = app.detail_scroll.min(view::detail::max_scroll(app));
}

fn mouse(app: &mut App, ev: MouseEvent) -> Vec<Effect> {
    match ev.kind {
        MouseEventKind::ScrollDown if !app.show_help => {
            app.detail_scroll = app.detail_scroll.saturating_add(WHEEL_LINES);
            clamp_scroll(app);
        }
        MouseEventKind::ScrollUp if !app.show_help => {
            app.detail_scroll = app.detail_scroll.saturating_sub(WHEEL_LINES);
        }
        MouseEventKind::Down(MouseButton::Left) if app.show_help => app.show_help = false,
        MouseEventKind::Down(MouseButton::Left) => {
            if let Some(index) = view::checklist::row_at(app, ev.column, ev.row) {
                select(app, index);
            }
        }
        _ => {}
    }
    Vec::new()
}
