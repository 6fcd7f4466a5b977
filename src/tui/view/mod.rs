//! Drawing: `view(&App, &mut Frame)` reads the state and changes nothing in it but the geometry
//! it records (where the checklist's rows are, how far things scroll), which the keys read.

pub mod action_bar;
pub mod checklist;
pub mod detail;
pub mod fit;
pub mod header;
pub mod help;
pub mod layout;
pub mod modal;
pub mod scrolled;
pub mod status;
pub mod too_small;
pub mod wrap;

use crate::tui::app::App;
use crate::tui::geometry::{Geometry, Scrolling};
use ratatui::Frame;
use ratatui::layout::Rect;

// The layout is its own module so the panes can use it without importing this one; its items
// keep their paths here (`view::layout_for`, …).
pub use layout::{
    Areas, MIN_HEIGHT, MIN_WIDTH, app_layout, layout, layout_for, layout_with, layout_with_status,
};

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
