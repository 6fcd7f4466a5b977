//! The action bar: the keys valid right now, straight from the key table.

use crate::tui::app::App;
use crate::tui::keys;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let theme = app.theme;
    let mut spans = Vec::new();
    for (key, label) in keys::bar_entries(app, area.width) {
        spans.push(Span::styled(format!(" {key} "), theme.key()));
        spans.push(Span::raw(format!("{label} ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
