//! The help overlay: the main screen's keys from the key table, plus the mouse.

use crate::tui::app::App;
use crate::tui::keys::BINDINGS;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph, Wrap};

const KEYS_WIDTH: usize = 14;

/// The overlay's lines (the keys, then the mouse).
#[must_use]
pub fn lines(app: &App) -> Vec<Line<'static>> {
    let theme = app.theme;
    let row = |keys: &str, what: &str| {
        Line::from(vec![
            Span::styled(format!("  {keys:<KEYS_WIDTH$}"), theme.code()),
            Span::raw(what.to_string()),
        ])
    };
    let mut out = vec![Line::from(Span::styled("Keys", theme.heading()))];
    out.extend(
        BINDINGS
            .iter()
            .filter(|b| b.in_help)
            .map(|b| row(b.keys_label, b.description)),
    );
    out.push(Line::default());
    out.push(Line::from(Span::styled("Mouse", theme.heading())));
    out.push(row("wheel", "scroll the details"));
    out.push(row("click", "select a check"));
    out.push(row("Shift+drag", "select text to copy (most terminals)"));
    out.push(Line::from(Span::styled(
        "In a dialog, the bar at the bottom shows its keys.",
        theme.dim(),
    )));
    out
}

pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let theme = app.theme;
    let content = lines(app);
    let width = area.width.saturating_sub(4).min(64);
    let wanted = u16::try_from(content.len()).unwrap_or(u16::MAX) + 2;
    let height = wanted.min(area.height.saturating_sub(2));
    let popup = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    let block = Block::bordered()
        .border_style(theme.value())
        .padding(Padding::horizontal(1))
        .title(Span::styled(" Help ", theme.title()))
        .title_bottom(Line::from(Span::styled(" Esc or ? to close ", theme.dim())).right_aligned());
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(content)
            .block(block)
            .wrap(Wrap { trim: false }),
        popup,
    );
}
