//! Drawing: `view(&App, &mut Frame)` reads the state and changes nothing in it but the geometry
//! it records (where the checklist's rows are, how far things scroll), which the keys read. The
//! layout is a pure function of the terminal size, which `update` measures with too.

pub mod action_bar;
pub mod checklist;
pub mod detail;
pub mod fit;
pub mod header;
pub mod help;
pub mod modal;
pub mod status;
pub mod too_small;
pub mod wrap;

use crate::tui::app::App;
use crate::tui::geometry::{Geometry, Scrolling};
use ratatui::Frame;
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

/// What a screen of `area` shows of this state, as keys, clicks and scrolling need it.
#[must_use]
pub fn measure(app: &App, area: Rect) -> Geometry {
    let panes = layout_for(app, area);
    Geometry {
        checklist_rows: panes.map_or_else(Rect::default, |p| checklist::rows_area(p.checklist)),
        detail: panes.map_or_else(Scrolling::default, |p| detail::scrolling(app, p.detail)),
        dialog: modal::scrolling(app, area),
    }
}

/// Draws the whole wizard.
pub fn view(app: &App, frame: &mut Frame<'_>) {
    let area = frame.area();
    // First: the action bar and the dialog's key hint ask the key table what works now, and it
    // reads the geometry.
    app.record_geometry(measure(app, area));
    let Some(areas) = layout_for(app, area) else {
        too_small::render(app, frame, area);
        return;
    };
    header::render(app, frame, areas.header);
    checklist::render(app, frame, areas.checklist);
    detail::render(app, frame, areas.detail);
    status::render(app, frame, areas.status);
    action_bar::render(app, frame, areas.action_bar);
    if app.show_help {
        help::render(app, frame, area);
    } else if app.modal.is_some() {
        modal::render(app, frame, area);
    }
}

/// A paragraph scrolled by `scroll` lines (clamped), with a scrollbar when it overflows: the
/// detail pane and the dialogs draw their text the same way.
pub fn scrolled_text(
    frame: &mut Frame<'_>,
    area: Rect,
    viewport_height: u16,
    block: ratatui::widgets::Block<'_>,
    content: Vec<ratatui::text::Line<'static>>,
    scroll: usize,
    theme: crate::tui::theme::Theme,
) {
    use ratatui::layout::Margin;
    use ratatui::widgets::{Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState};
    let max = content.len().saturating_sub(usize::from(viewport_height));
    let scroll = scroll.min(max);
    frame.render_widget(
        Paragraph::new(content)
            .block(block)
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0)),
        area,
    );
    if max > 0 {
        let mut state = ScrollbarState::new(max + 1)
            .position(scroll)
            .viewport_content_length(usize::from(viewport_height));
        frame.render_stateful_widget(
            Scrollbar::new(ScrollbarOrientation::VerticalRight)
                .begin_symbol(Some("▲"))
                .end_symbol(Some("▼"))
                .thumb_style(theme.value())
                .track_style(theme.border()),
            area.inner(Margin::new(0, 1)),
            &mut state,
        );
    }
}
