//! The status line above the action bar: what the last fix, undo or report did, and what `c`
//! copies. Up to three lines; it takes no room when there is nothing to say.

use crate::tui::app::App;
use crate::tui::modal::Tone;
use crate::tui::view::wrap::wrap;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Most lines the status takes.
const MAX_LINES: usize = 3;

/// The status, wrapped to `width` (at most three lines; empty when there is none).
#[must_use]
pub fn lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let Some(status) = &app.status else {
        return Vec::new();
    };
    let theme = app.theme;
    let style = match status.tone {
        Tone::Info => theme.dim(),
        Tone::Success => theme.status(crate::outcome::Status::Pass),
        Tone::Problem => theme.status(crate::outcome::Status::Fail),
    };
    let mut spans = vec![Span::raw(" "), Span::styled(status.text.clone(), style)];
    if status.copied {
        spans.push(Span::styled("  (copied)", theme.dim()));
    }
    let mut out = wrap(&spans, width.saturating_sub(1).max(1), 1);
    if out.len() > MAX_LINES {
        out.truncate(MAX_LINES);
        if let Some(last) = out.last_mut() {
            last.spans.push(Span::styled("…", theme.dim()));
        }
    }
    out
}

/// Rows the status takes at this width.
#[must_use]
pub fn height(app: &App, width: u16) -> u16 {
    u16::try_from(lines(app, width).len()).unwrap_or(0)
}

pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    frame.render_widget(Paragraph::new(lines(app, area.width)), area);
}
