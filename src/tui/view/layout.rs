//! Where each part of the screen goes: a pure function of the terminal size and the state, so
//! the view and `update` (measuring between frames) agree.

use crate::tui::app::App;
use crate::tui::view::{checklist, header, status};
use ratatui::layout::{Constraint, Layout, Rect};

/// Below this the panes don't fit and a message replaces them.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

/// Where each part goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    pub checklist: Rect,
    pub detail: Rect,
    /// The status line (zero rows when there is none).
    pub status: Rect,
    pub action_bar: Rect,
}

/// The layout for a terminal of this size, or `None` when it is too small.
#[must_use]
pub fn layout(area: Rect) -> Option<Areas> {
    layout_with_status(area, 0)
}

/// The layout with `status_rows` rows of status line above the action bar, the checklist as
/// wide as its titles.
#[must_use]
pub fn layout_with_status(area: Rect, status_rows: u16) -> Option<Areas> {
    layout_with(area, status_rows, checklist::content_width(None))
}

/// The layout with a checklist `list_width` columns wide (its content, borders included),
/// never more than half the screen.
#[must_use]
pub fn layout_with(area: Rect, status_rows: u16, list_width: u16) -> Option<Areas> {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return None;
    }
    let [header, body, status, action_bar] = Layout::vertical([
        Constraint::Length(header::HEIGHT),
        Constraint::Min(0),
        Constraint::Length(status_rows),
        Constraint::Length(1),
    ])
    .areas(area);
    // As narrow as its content: the detail pane gets the rest.
    let list_width = list_width.min((area.width / 2).max(32));
    let [checklist, detail] =
        Layout::horizontal([Constraint::Length(list_width), Constraint::Min(0)]).areas(body);
    Some(Areas {
        header,
        checklist,
        detail,
        status,
        action_bar,
    })
}

/// The layout of the whole screen for this state.
#[must_use]
pub fn layout_for(app: &App, area: Rect) -> Option<Areas> {
    layout_with(
        area,
        status::height(app, area.width),
        checklist::content_width(Some(app)),
    )
}

/// The layout for the size `update` last heard of.
#[must_use]
pub fn app_layout(app: &App) -> Option<Areas> {
    layout_for(app, app.screen())
}
