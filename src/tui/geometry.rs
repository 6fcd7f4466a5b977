//! The screen as last drawn: where the checklist's rows are, and how far the detail pane and the
//! dialog can scroll. The view records it in the state; the key table and scrolling read it, so
//! neither lays out or wraps text to know whether something scrolls.

use ratatui::layout::Rect;

/// A text area that scrolls.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Scrolling {
    /// Rows of text it shows at once.
    pub height: u16,
    /// How far it can scroll: 0 when its text fits.
    pub max_scroll: u16,
}

/// What keys, clicks and scrolling need to know of the screen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Geometry {
    /// The checklist's rows, inside its border (empty when the panes don't fit).
    pub checklist_rows: Rect,
    pub detail: Scrolling,
    /// The dialog's text: all zero without a dialog, `max_scroll` 0 for one that doesn't scroll.
    pub dialog: Scrolling,
}

impl Geometry {
    /// The checklist row under a click at (`column`, `row`), of `rows` rows, if any.
    #[must_use]
    pub fn checklist_row_at(&self, column: u16, row: u16, rows: usize) -> Option<usize> {
        let area = self.checklist_rows;
        let inside =
            column >= area.x && column < area.right() && row >= area.y && row < area.bottom();
        let index = usize::from(row.checked_sub(area.y)?);
        (inside && index < rows).then_some(index)
    }
}
