//! What replaces the panes when the terminal is below the minimum size.

use crate::tui::app::App;
use crate::tui::view::layout::{MIN_HEIGHT, MIN_WIDTH};
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let theme = app.theme;
    let lines = vec![
        Line::from(Span::styled("Terminal too small", theme.value())),
        Line::from(format!(
            "{}×{} here; the wizard needs at least {MIN_WIDTH}×{MIN_HEIGHT}.",
            area.width, area.height
        )),
        Line::from("Enlarge the window, or press q to quit."),
    ];
    let height = 5.min(area.height);
    let top = area.y + (area.height - height) / 2;
    let centre = Rect::new(area.x, top, area.width, area.height - (top - area.y));
    frame.render_widget(
        Paragraph::new(lines)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        centre,
    );
}
