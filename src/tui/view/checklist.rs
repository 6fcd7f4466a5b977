//! The checklist: one row per check with its mark (a spinner while it runs), the primary cause
//! marked, and a short tally underneath.

use crate::outcome::Status;
use crate::tui::app::{App, CheckRow, CheckState};
use crate::tui::view::wrap;
use ratatui::Frame;
use ratatui::layout::{Margin, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use unicode_width::UnicodeWidthStr;

/// The word at the end of the primary cause's row: a word, not an arrow, so that it never
/// reads as the cursor (the selection is reverse video, which works without colour).
const PRIMARY_MARK: &str = "cause";

/// Columns the checklist needs, borders included: its longest row (with the primary-cause
/// word on the row that has it).
#[must_use]
pub fn content_width(app: Option<&App>) -> u16 {
    let primary = app.and_then(|a| a.primary.as_ref()).map(|p| p.check);
    let widest = crate::ids::CheckId::ALL
        .iter()
        .map(|&id| {
            let mark = if primary == Some(id) {
                PRIMARY_MARK.width() + 1
            } else {
                0
            };
            3 + id.title().width() + mark + 1
        })
        .max()
        .unwrap_or(0);
    // The footer ("1 failed, 3 passed, 2 skipped") wraps, but not narrower than this.
    u16::try_from(widest.max(22) + 2).unwrap_or(u16::MAX)
}

/// Where the rows go in a checklist pane of `area`: inside its border.
#[must_use]
pub fn rows_area(area: Rect) -> Rect {
    area.inner(Margin::new(1, 1))
}

pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let theme = app.theme;
    let block = Block::bordered()
        .border_style(theme.border())
        .title(Span::styled(" Checks ", theme.title()));
    let inner = rows_area(area);
    let width = usize::from(inner.width);
    let mut lines: Vec<Line<'static>> = app
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| row_line(app, row, i == app.selected, width))
        .collect();

    let footer = footer(app, inner.width.saturating_sub(1));
    let room = usize::from(inner.height).saturating_sub(lines.len());
    if room > footer.len() {
        lines.push(Line::default());
        lines.extend(footer);
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// The mark of a row: status glyph, spinner, or a dot while waiting.
fn mark(app: &App, row: &CheckRow) -> Span<'static> {
    let theme = app.theme;
    match &row.state {
        CheckState::Pending => Span::styled("·", theme.pending()),
        CheckState::Running { .. } => Span::styled(app.spinner_frame(), theme.running()),
        CheckState::Done(o) => Span::styled(o.status.mark(), theme.status(o.status)),
    }
}

fn row_line(app: &App, row: &CheckRow, selected: bool, width: usize) -> Line<'static> {
    let theme = app.theme;
    let is_primary = app.primary.as_ref().is_some_and(|p| p.check == row.id);
    let title = row.id.title();
    let title_style = if is_primary {
        theme.primary()
    } else {
        Style::new()
    };
    let mut spans = vec![
        Span::raw(" "),
        mark(app, row),
        Span::raw(" "),
        Span::styled(title, title_style),
    ];
    let used = 3 + title.width();
    if is_primary && used + 1 + PRIMARY_MARK.width() <= width {
        // The word at the right edge; when the title leaves no room, the footer names it.
        let marker = format!(" {PRIMARY_MARK}");
        spans.push(Span::raw(
            " ".repeat(width.saturating_sub(used + marker.width())),
        ));
        spans.push(Span::styled(marker, theme.primary()));
    } else {
        spans.push(Span::raw(" ".repeat(width.saturating_sub(used))));
    }
    let line = Line::from(spans);
    if selected {
        line.patch_style(theme.selected())
    } else {
        line
    }
}

/// "3 of 6 running…" or the tally, then the primary cause.
fn footer(app: &App, width: u16) -> Vec<Line<'static>> {
    let theme = app.theme;
    let running = app.rows.iter().filter(|r| r.is_running()).count();
    let mut out = Vec::new();
    if running > 0 {
        out.push(Line::from(vec![
            Span::raw(" "),
            Span::styled(app.spinner_frame(), theme.running()),
            Span::styled(
                format!(" {} of {} done", app.done_count(), app.rows.len()),
                theme.dim(),
            ),
        ]));
    } else {
        let count = |s: Status| app.rows.iter().filter(|r| r.status() == Some(s)).count();
        let mut parts = Vec::new();
        for (status, word) in [
            (Status::Fail, "failed"),
            (Status::Warn, "warned"),
            (Status::Pass, "passed"),
            (Status::Skip, "skipped"),
        ] {
            let n = count(status);
            if n > 0 {
                parts.push(format!("{n} {word}"));
            }
        }
        out.extend(wrap::wrap(
            &[Span::styled(format!(" {}", parts.join(", ")), theme.dim())],
            width,
            1,
        ));
    }
    if let Some(primary) = &app.primary {
        let label = if app.all_done() {
            " Primary cause"
        } else {
            " Likely cause so far"
        };
        out.push(Line::from(Span::styled(label, theme.heading())));
        out.extend(wrap::wrap(
            &[
                Span::raw(" "),
                Span::styled(primary.cause.as_str().to_string(), theme.primary()),
            ],
            width,
            1,
        ));
    } else if app.all_done() {
        out.push(Line::from(Span::styled(
            " No problem found",
            theme.status(Status::Pass),
        )));
    }
    out
}
