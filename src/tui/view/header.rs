//! The header: the credential the CLI will send (masked), where it comes from, the endpoint.

use crate::tui::app::App;
use crate::tui::view::fit::fit;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph};

/// Three lines inside a border.
pub const HEIGHT: u16 = 5;

const LABEL_WIDTH: usize = 12;

pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let theme = app.theme;
    let mut title = vec![Span::styled(" claude-auth-tui ", theme.title())];
    if let Some(demo) = &app.demo {
        title.push(Span::styled(format!(" DEMO: {demo} "), theme.badge()));
        title.push(Span::raw(" "));
    }
    if let Some(label) = &app.view_label {
        title.push(Span::styled(format!(" {label} "), theme.badge()));
        title.push(Span::raw(" "));
    }
    let block = Block::bordered()
        .border_style(theme.border())
        .padding(Padding::horizontal(1))
        .title(Line::from(title));
    let label = |text: &str| Span::styled(format!("{text:<LABEL_WIDTH$}"), theme.label());
    // Inside the border and padding, after the label: long values are fitted, never cut
    // silently (a path keeps its file name and line).
    let room = usize::from(area.width.saturating_sub(4)).saturating_sub(LABEL_WIDTH);
    let lines = match &app.header {
        None => vec![
            Line::from(vec![
                label("Credential"),
                Span::styled("reading your setup…", theme.dim()),
            ]),
            Line::from(label("Source")),
            Line::from(label("Endpoint")),
        ],
        Some(h) => {
            let credential = match (h.method, &h.masked) {
                (Some(method), Some(masked)) => {
                    let method = fit(&format!("  ({method})"), room.saturating_sub(masked.len()));
                    vec![
                        Span::styled(masked.clone(), theme.value()),
                        Span::styled(method, theme.dim()),
                    ]
                }
                (Some(method), None) => vec![Span::styled(method, theme.value())],
                (None, _) => vec![Span::styled(
                    "none",
                    theme.status(crate::outcome::Status::Fail),
                )],
            };
            let endpoint = fit(&h.endpoint, room);
            let endpoint_source = fit(
                &format!("  ({})", h.endpoint_source),
                room.saturating_sub(endpoint.chars().count()),
            );
            vec![
                Line::from([vec![label("Credential")], credential].concat()),
                Line::from(vec![label("Source"), Span::raw(fit(&h.source, room))]),
                Line::from(vec![
                    label("Endpoint"),
                    Span::styled(endpoint, theme.value()),
                    Span::styled(endpoint_source, theme.dim()),
                ]),
            ]
        }
    };
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
