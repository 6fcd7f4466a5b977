//! The detail pane for the selected check: its summary, the evidence, and for its worst finding
//! the plain-words explanation, commands to check it by hand, and the fixes that apply.

use crate::fixes;
use crate::knowledge;
use crate::outcome::{CheckOutcome, Status};
use crate::tui::app::{App, CheckState};
use crate::tui::geometry::Scrolling;
use crate::tui::offers::{self, is_prose};
use crate::tui::view::fit::fit;
use crate::tui::view::layout::app_layout;
use crate::tui::view::scrolled::scrolled_text;
use crate::tui::view::wrap::wrap;
use ratatui::Frame;
use ratatui::layout::{Margin, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding};

/// The status in words, for the detail pane's first line.
#[must_use]
pub fn status_word(status: Status) -> &'static str {
    match status {
        Status::Pass => "Pass",
        Status::Warn => "Warning",
        Status::Fail => "Fail",
        Status::Skip => "Skipped",
    }
}

/// The text area: inside the border, one column of padding on each side (the scrollbar sits on
/// the right border).
fn inner(area: Rect) -> Rect {
    area.inner(Margin::new(2, 1))
}

/// The rows a detail pane of `area` shows at once, and how far its text scrolls.
#[must_use]
pub fn scrolling(app: &App, area: Rect) -> Scrolling {
    let inner = inner(area);
    let total = lines(app, inner.width).len();
    Scrolling {
        height: inner.height,
        max_scroll: u16::try_from(total.saturating_sub(usize::from(inner.height)))
            .unwrap_or(u16::MAX),
    }
}

/// How far the detail pane can scroll at the size `update` last heard of.
#[must_use]
pub fn max_scroll(app: &App) -> u16 {
    app_layout(app).map_or(0, |a| scrolling(app, a.detail).max_scroll)
}

pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let theme = app.theme;
    let row = app.selected_row();
    let block = Block::bordered()
        .border_style(theme.border())
        .padding(Padding::horizontal(1))
        // A narrow pane shows the title cut with `…`, never cut silently mid-word.
        .title(Span::styled(
            format!(
                " {} ",
                fit(row.id.title(), usize::from(area.width.saturating_sub(4)))
            ),
            theme.title(),
        ))
        .title_bottom(
            Line::from(Span::styled(format!(" {} ", row.id), theme.dim())).right_aligned(),
        );
    let inner = inner(area);
    let content = lines(app, inner.width);
    scrolled_text(
        frame,
        area,
        inner.height,
        block,
        content,
        usize::from(app.detail_scroll),
        theme,
    );
}

/// The selected check's content, wrapped to `width`.
#[must_use]
pub fn lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let theme = app.theme;
    let row = app.selected_row();
    let mut out = Vec::new();
    match &row.state {
        CheckState::Pending => {
            out.extend(wrap(
                &[Span::styled("· Waiting to start…", theme.pending())],
                width,
                2,
            ));
        }
        CheckState::Running { previous } => {
            out.extend(wrap(
                &[
                    Span::styled(app.spinner_frame(), theme.running()),
                    Span::styled(format!(" {}", waiting_for(app, row)), theme.running()),
                ],
                width,
                2,
            ));
            if let Some(previous) = previous {
                out.push(Line::default());
                out.push(Line::from(Span::styled(
                    "Last result, before this re-run:",
                    theme.dim(),
                )));
                out.extend(outcome_lines(app, previous, width, false));
            }
        }
        CheckState::Done(outcome) => out.extend(outcome_lines(app, outcome, width, true)),
    }
    out
}

/// `text` within `width` columns, with `…` where it was cut.
fn clip(text: &str, width: usize) -> (String, bool) {
    use unicode_width::UnicodeWidthChar;
    if unicode_width::UnicodeWidthStr::width(text) <= width {
        return (text.to_string(), false);
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    (out, true)
}

/// What a running check waits for: the live check names the address, the time so far and
/// the limit ("Waiting for http://… to answer: 4.2 s of 10 s").
#[must_use]
pub fn waiting_for(app: &App, row: &crate::tui::app::CheckRow) -> String {
    let tenths = u64::from(row.ticks)
        * u64::try_from(crate::tui::app::TICK.as_millis()).unwrap_or(100)
        / 100;
    let elapsed = format!("{}.{} s", tenths / 10, tenths % 10);
    match (row.id, &app.header) {
        (crate::ids::CheckId::Live, Some(header)) => format!(
            "Waiting for {} to answer: {elapsed} of {} s",
            header.endpoint, app.live_limit_secs
        ),
        _ => format!("Checking… {elapsed}"),
    }
}

fn heading(app: &App, out: &mut Vec<Line<'static>>, text: &'static str) {
    out.push(Line::default());
    out.push(Line::from(Span::styled(text, app.theme.heading())));
}

/// `current`: the finished result (its fixes can be started), not the one shown while it re-runs.
fn outcome_lines(
    app: &App,
    outcome: &CheckOutcome,
    width: u16,
    current: bool,
) -> Vec<Line<'static>> {
    let theme = app.theme;
    let mut out = Vec::new();
    let status = outcome.status;
    let summary = if outcome.summary.is_empty() {
        "(no summary)"
    } else {
        outcome.summary.as_str()
    };
    out.extend(wrap(
        &[
            Span::styled(
                format!("{} {}", status.mark(), status_word(status)),
                theme.status(status),
            ),
            Span::raw("  "),
            Span::styled(summary.to_string(), theme.value()),
        ],
        width,
        2,
    ));

    if !outcome.details.is_empty() {
        heading(app, &mut out, "Evidence");
        for detail in &outcome.details {
            out.extend(wrap(&[Span::raw(format!("  {detail}"))], width, 4));
        }
    }

    let notable: Vec<_> = outcome
        .findings
        .iter()
        .filter(|f| f.severity >= Status::Warn)
        .collect();
    if notable.len() > 1 {
        heading(app, &mut out, "Findings");
        for f in &notable {
            out.extend(wrap(
                &[
                    Span::raw("  "),
                    Span::styled(f.severity.mark(), theme.status(f.severity)),
                    Span::raw(" "),
                    Span::styled(f.cause.as_str(), theme.code()),
                    Span::raw(format!("  {}", f.summary)),
                ],
                width,
                4,
            ));
        }
    }

    let worst = outcome
        .worst_finding()
        .filter(|f| f.severity >= Status::Warn);
    if let Some(finding) = worst {
        let info = knowledge::cause(finding.cause);
        heading(app, &mut out, "What this means");
        out.extend(wrap(
            &[
                Span::styled(info.title.clone(), theme.value()),
                Span::styled(format!("  ({})", finding.cause), theme.dim()),
            ],
            width,
            2,
        ));
        for paragraph in info.explanation.split("\n\n") {
            out.extend(wrap(&[Span::raw(paragraph.replace('\n', " "))], width, 0));
        }
        if !info.verify.is_empty() {
            heading(app, &mut out, "Check it yourself");
            let mut clipped = false;
            for item in &info.verify {
                if is_prose(item) {
                    out.extend(wrap(&[Span::raw(format!("  {item}"))], width, 2));
                    continue;
                }
                // A command is never broken across lines (copying that gives broken code): it
                // is cut at the edge instead, and `c` copies it whole.
                let (shown, cut) = clip(item, usize::from(width).saturating_sub(4));
                clipped |= cut;
                out.push(Line::from(vec![
                    Span::styled("  $ ", theme.dim()),
                    Span::styled(shown, theme.code()),
                ]));
            }
            let hint = if clipped {
                "c copies these commands whole (a long one is cut at the edge)."
            } else {
                "c copies these commands."
            };
            out.extend(wrap(&[Span::styled(hint, theme.dim())], width, 0));
        }
        let fixes = offers::fixes_for(outcome);
        if !fixes.is_empty() {
            heading(app, &mut out, "Fixes");
            for (i, fix) in fixes.iter().enumerate() {
                out.extend(wrap(
                    &[
                        Span::raw("  "),
                        Span::styled(format!(" {} ", i + 1), theme.key()),
                        Span::raw(" "),
                        Span::styled(fix.as_str(), theme.code()),
                        Span::raw(format!("  {}", fixes::title(*fix))),
                    ],
                    width,
                    6,
                ));
            }
            let how = if !current {
                "Once the check has run again, press its number to start a fix."
            } else if fixes.len() == 1 {
                "Press 1 or f: it shows the change and asks before anything is written."
            } else {
                "Press a number, or f to choose: each shows the change and asks first."
            };
            out.extend(wrap(&[Span::styled(how, theme.dim())], width, 0));
        }
    } else if status == Status::Pass {
        out.push(Line::default());
        out.push(Line::from(Span::styled(
            "Nothing to fix here.",
            theme.status(Status::Pass),
        )));
    }
    out
}
