//! Scrolling text with a scrollbar: the detail pane and the dialogs draw their text the same way.

use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Margin, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState};

/// A paragraph scrolled by `scroll` lines (clamped), with a scrollbar when it overflows: the
/// detail pane and the dialogs draw their text the same way.
pub fn scrolled_text(
    frame: &mut Frame<'_>,
    area: Rect,
    viewport_height: u16,
    block: Block<'_>,
    content: Vec<Line<'static>>,
    scroll: usize,
    theme: Theme,
) {
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
