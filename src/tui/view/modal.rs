//! Drawing the dialog on top: a centred box over the panes, the action bar left visible below
//! it. Dialogs with long content (a plan's diff, a message, the verdict on a pasted error)
//! scroll; `scrolling` measures them for the geometry the keys and scrolling read.

use crate::classify::{self, Classification};
use crate::fixes;
use crate::knowledge;
use crate::outcome::Status;
use crate::tui::app::App;
use crate::tui::fix_results::{PlanView, UndoView};
use crate::tui::geometry::Scrolling;
use crate::tui::keys;
use crate::tui::modal::{Confirming, Explained, KeyInput, Message, Modal, Tone};
use crate::tui::theme::Theme;
use crate::tui::view::scrolled::scrolled_text;
use crate::tui::view::wrap::wrap;
use ratatui::Frame;
use ratatui::layout::{Margin, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph};

/// Rows of the key box in the key input.
const KEY_BOX_HEIGHT: u16 = 3;
/// The paste dialog's height, when the terminal has room.
const PASTE_HEIGHT: u16 = 20;

/// The screen above the action bar, where dialogs go.
fn stage(area: Rect) -> Rect {
    Rect::new(area.x, area.y, area.width, area.height.saturating_sub(1))
}

/// The widest a dialog gets, by kind.
fn max_width(modal: &Modal) -> u16 {
    match modal {
        Modal::FixMenu { .. } | Modal::Working { .. } => 72,
        Modal::KeyInput(_) | Modal::Message(_) => 80,
        Modal::Confirm(_) | Modal::PasteInput(_) | Modal::Explained(_) => 104,
    }
}

/// A box of `width` × `height` centred in `stage`.
fn centred(stage: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(stage.width);
    let height = height.min(stage.height);
    Rect::new(
        stage.x + (stage.width - width) / 2,
        stage.y + (stage.height - height) / 2,
        width,
        height,
    )
}

/// The text area inside a dialog's border and padding.
fn inner(popup: Rect) -> Rect {
    popup.inner(Margin::new(2, 1))
}

/// The dialog's box for a screen of size `area`.
#[must_use]
pub fn popup(app: &App, area: Rect) -> Option<Rect> {
    let modal = app.modal.as_ref()?;
    let stage = stage(area);
    let width = stage.width.saturating_sub(4).min(max_width(modal));
    let text_width = width.saturating_sub(4);
    let height = match modal {
        Modal::PasteInput(_) => PASTE_HEIGHT,
        Modal::KeyInput(k) => key_input_height(app, k, text_width) + 2,
        _ => u16::try_from(content(app, modal, text_width).len())
            .unwrap_or(u16::MAX)
            .saturating_add(2),
    };
    Some(centred(
        stage,
        width,
        height.min(stage.height.saturating_sub(2)),
    ))
}

/// The rows of text the dialog shows at once on a screen of `area`, and how far they scroll
/// (all zero without a dialog; `max_scroll` 0 for dialogs that don't scroll).
#[must_use]
pub fn scrolling(app: &App, area: Rect) -> Scrolling {
    let (Some(modal), Some(popup)) = (app.modal.as_ref(), popup(app, area)) else {
        return Scrolling::default();
    };
    let inner = inner(popup);
    let max_scroll = if modal.scroll().is_some() {
        let total = content(app, modal, inner.width).len();
        u16::try_from(total.saturating_sub(usize::from(inner.height))).unwrap_or(u16::MAX)
    } else {
        0
    };
    Scrolling {
        height: inner.height,
        max_scroll,
    }
}

/// How far the dialog's content can scroll at the size `update` last heard of.
#[must_use]
pub fn max_scroll(app: &App) -> u16 {
    scrolling(app, app.screen()).max_scroll
}

/// The dialog's title.
fn title(app: &App, modal: &Modal) -> String {
    match modal {
        Modal::FixMenu { check, .. } => format!(" Fixes for: {} ", check.title()),
        Modal::KeyInput(k) => format!(" {} ({}) ", fixes::title(k.fix), k.fix),
        Modal::Working { .. } => " Working ".to_string(),
        Modal::Confirm(c) => match &c.what {
            Confirming::Fix(view) => format!(" {} ({}) ", fixes::title(view.fix), view.fix),
            Confirming::Undo(view) => format!(" Undo {} ", view.fix),
        },
        Modal::Message(m) => format!(" {} ", m.title),
        Modal::PasteInput(_) => " Paste an error message ".to_string(),
        Modal::Explained(e) => match e.classification.cause {
            Some(_) => " What this error means ".to_string(),
            None => " No match ".to_string(),
        },
    }
    .chars()
    .take(usize::from(app.size.0.saturating_sub(8)))
    .collect()
}

/// The keys that work in the dialog, from the key table (quitting left to the action bar).
fn keys_hint(app: &App, width: u16) -> Line<'static> {
    let theme = app.theme;
    let mut spans = vec![Span::raw(" ")];
    for (key, label) in keys::bar_entries(app, width.saturating_sub(2))
        .into_iter()
        .filter(|(k, _)| *k != "q")
    {
        spans.push(Span::styled(format!(" {key} "), theme.key()));
        spans.push(Span::raw(format!(" {label}  ")));
    }
    Line::from(spans).right_aligned()
}

pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let Some(modal) = app.modal.as_ref() else {
        return;
    };
    let Some(popup) = popup(app, area) else {
        return;
    };
    let theme = app.theme;
    let border = match modal {
        Modal::Message(Message {
            tone: Tone::Problem,
            ..
        }) => theme.status(Status::Fail),
        _ => theme.value(),
    };
    let block = Block::bordered()
        .border_style(border)
        .padding(Padding::horizontal(1))
        .title(Span::styled(title(app, modal), theme.title()))
        .title_bottom(keys_hint(app, popup.width));
    frame.render_widget(Clear, popup);
    let inner = inner(popup);
    match modal {
        Modal::KeyInput(k) => {
            frame.render_widget(block, popup);
            render_key_input(app, k, frame, inner);
        }
        Modal::PasteInput(input) => {
            frame.render_widget(block, popup);
            let intro = wrap(
                &[Span::raw(
                    "Paste what Claude Code printed (or type it). Keys and tokens in it are \
                     masked as they arrive.",
                )],
                inner.width,
                0,
            );
            let intro_height = u16::try_from(intro.len()).unwrap_or(1).min(inner.height);
            frame.render_widget(
                Paragraph::new(intro),
                Rect::new(inner.x, inner.y, inner.width, intro_height),
            );
            let boxed = Rect::new(
                inner.x,
                inner.y + intro_height,
                inner.width,
                inner.height.saturating_sub(intro_height),
            );
            let frame_block = Block::bordered().border_style(theme.border());
            let text_area = frame_block.inner(boxed);
            frame.render_widget(frame_block, boxed);
            frame.render_widget(input.textarea(), text_area);
        }
        _ => {
            let lines = content(app, modal, inner.width);
            scrolled_text(
                frame,
                popup,
                inner.height,
                block,
                lines,
                usize::from(modal.scroll().unwrap_or(0)),
                theme,
            );
        }
    }
}

/// The lines of a dialog drawn as text (every kind but the two inputs).
#[must_use]
pub fn content(app: &App, modal: &Modal, width: u16) -> Vec<Line<'static>> {
    let theme = app.theme;
    match modal {
        Modal::FixMenu {
            fixes, selected, ..
        } => {
            let mut out = Vec::new();
            for (i, fix) in fixes.iter().enumerate() {
                let line = Line::from(vec![
                    Span::styled(format!(" {} ", i + 1), theme.key()),
                    Span::raw(" "),
                    Span::styled(format!("{:<20}", fix.as_str()), theme.code()),
                    Span::raw(fixes::title(*fix)),
                ]);
                out.push(if i == *selected {
                    line.patch_style(theme.selected())
                } else {
                    line
                });
            }
            out.push(Line::default());
            out.extend(wrap(
                &[Span::styled(
                    "Each fix shows what it will change and asks before anything is written.",
                    theme.dim(),
                )],
                width,
                0,
            ));
            out
        }
        Modal::Working { label, .. } => vec![Line::from(vec![
            Span::styled(app.spinner_frame(), theme.running()),
            Span::raw(" "),
            Span::raw(label.clone()),
        ])],
        Modal::Confirm(c) => match &c.what {
            Confirming::Fix(view) => plan_lines(theme, view, width),
            Confirming::Undo(view) => undo_lines(theme, view, width),
        },
        Modal::Message(m) => message_lines(theme, m, width),
        Modal::Explained(e) => explained_lines(app, e, width),
        Modal::KeyInput(_) | Modal::PasteInput(_) => Vec::new(),
    }
}

fn heading(out: &mut Vec<Line<'static>>, theme: Theme, text: &str) {
    out.push(Line::default());
    out.push(Line::from(Span::styled(text.to_string(), theme.heading())));
}

fn bullet(out: &mut Vec<Line<'static>>, text: &str, width: u16) {
    out.extend(wrap(&[Span::raw(format!("  • {text}"))], width, 4));
}

/// A diff line, coloured by its kind.
fn diff_line(theme: Theme, line: &str, width: u16) -> Vec<Line<'static>> {
    let style = if line.starts_with("+++") || line.starts_with("---") {
        theme.value()
    } else if line.starts_with("@@") {
        theme.code()
    } else if line.starts_with('+') {
        theme.status(Status::Pass)
    } else if line.starts_with('-') {
        theme.status(Status::Fail)
    } else if line.starts_with('(') {
        theme.dim()
    } else {
        Style::new()
    };
    // Continuation lines line up under the text, past the diff marker or the indent.
    let indent = line.len() - line.trim_start_matches([' ', '+', '-']).len();
    let indent = u16::try_from(indent.clamp(1, 8)).unwrap_or(1);
    wrap(&[Span::styled(line.to_string(), style)], width, indent)
}

fn plan_lines(theme: Theme, view: &PlanView, width: u16) -> Vec<Line<'static>> {
    let mut out = wrap(&[Span::raw(view.summary.clone())], width, 0);
    if let Some(check) = &view.key_check {
        out.push(Line::default());
        out.extend(wrap(&[Span::styled(check.clone(), theme.dim())], width, 0));
    }
    if !view.preview.trim().is_empty() {
        heading(
            &mut out,
            theme,
            if view.files.is_empty() {
                "What runs"
            } else {
                "Changes"
            },
        );
        for line in view.preview.lines() {
            out.extend(diff_line(theme, line, width));
        }
    }
    if let (Some(command), true) = (&view.command, view.interactive) {
        out.push(Line::default());
        out.extend(wrap(
            &[Span::raw(format!(
                "The wizard steps aside while `{command}` runs in this terminal, and comes back \
                 when it ends."
            ))],
            width,
            0,
        ));
    }
    if !view.files.is_empty() {
        out.push(Line::default());
        out.extend(wrap(
            &[Span::styled(
                "The originals are backed up first; u undoes the fix afterwards.",
                theme.dim(),
            )],
            width,
            0,
        ));
    }
    if !view.notes.is_empty() {
        heading(&mut out, theme, "Good to know");
        for note in &view.notes {
            bullet(&mut out, note, width);
        }
    }
    out
}

fn undo_lines(theme: Theme, view: &UndoView, width: u16) -> Vec<Line<'static>> {
    let mut out = wrap(
        &[Span::raw(format!(
            "Undo {} ({}), applied {}:",
            view.fix,
            fixes::title(view.fix),
            view.time
        ))],
        width,
        0,
    );
    for restore in &view.restores {
        bullet(&mut out, restore, width);
    }
    out.push(Line::default());
    out.extend(wrap(
        &[Span::styled(
            "Each file gets back exactly the bytes and permissions it had before the fix.",
            theme.dim(),
        )],
        width,
        0,
    ));
    out
}

fn message_lines(theme: Theme, m: &Message, width: u16) -> Vec<Line<'static>> {
    let style = match m.tone {
        Tone::Problem => theme.status(Status::Fail),
        Tone::Success => theme.status(Status::Pass),
        Tone::Info => Style::new(),
    };
    let mut out = Vec::new();
    for (i, paragraph) in m.lines.iter().enumerate() {
        if i > 0 {
            out.push(Line::default());
        }
        let style = if i == 0 { style } else { Style::new() };
        out.extend(wrap(&[Span::styled(paragraph.clone(), style)], width, 0));
    }
    if let Some(copy) = &m.copy {
        out.push(Line::default());
        let mut spans = vec![
            Span::styled("c copies: ", theme.dim()),
            Span::styled(copy.clone(), theme.code()),
        ];
        if m.copied {
            spans.push(Span::styled("  (copied)", theme.dim()));
        }
        out.extend(wrap(&spans, width, 2));
    }
    out
}

fn explained_lines(app: &App, e: &Explained, width: u16) -> Vec<Line<'static>> {
    let theme = app.theme;
    let c: &Classification = &e.classification;
    let label = |text: &str| Span::styled(format!("{text:<12}"), theme.label());
    let mut out = Vec::new();
    let Some(cause) = c.cause else {
        out.extend(wrap(
            &[Span::styled(
                "No known Claude Code error message was recognised in this text.",
                theme.value(),
            )],
            width,
            0,
        ));
        if !c.candidates.is_empty() {
            heading(&mut out, theme, "Nearest causes, by the words in it");
            for candidate in &c.candidates {
                out.extend(wrap(
                    &[
                        Span::raw("  • "),
                        Span::styled(candidate.cause.as_str(), theme.code()),
                        Span::raw(format!("  {}", knowledge::cause(candidate.cause).title)),
                    ],
                    width,
                    4,
                ));
            }
        }
        out.push(Line::default());
        out.extend(wrap(
            &[Span::styled(
                "Paste the whole output of the command that failed, including the line with the \
                 error; the checks on the main screen test your setup directly either way.",
                theme.dim(),
            )],
            width,
            0,
        ));
        return out;
    };
    let info = knowledge::cause(cause);
    out.extend(wrap(
        &[
            label("Cause"),
            Span::styled(cause.as_str(), theme.code()),
            Span::raw("  "),
            Span::styled(info.title.clone(), theme.value()),
        ],
        width,
        12,
    ));
    out.push(Line::from(vec![
        label("Confidence"),
        Span::raw(format!("{:.0}%", c.confidence * 100.0)),
    ]));
    if let Some(matched) = &c.matched {
        out.extend(wrap(
            &[
                label("Matched"),
                Span::styled(format!("“{}”", matched.replace('\n', " ")), theme.code()),
            ],
            width,
            12,
        ));
    }
    heading(&mut out, theme, "What this means");
    for paragraph in info.explanation.split("\n\n") {
        out.extend(wrap(&[Span::raw(paragraph.replace('\n', " "))], width, 0));
    }
    if let Some(note) = c
        .signature
        .and_then(classify::signature)
        .map(|s| s.note.as_str())
        .filter(|n| !n.is_empty())
    {
        out.push(Line::default());
        out.extend(wrap(
            &[Span::styled(note.to_string(), theme.dim())],
            width,
            0,
        ));
    }
    if !info.fixes.is_empty() {
        heading(&mut out, theme, "Fixes");
        for fix in &info.fixes {
            out.extend(wrap(
                &[
                    Span::raw("  • "),
                    Span::styled(fix.as_str(), theme.code()),
                    Span::raw(format!("  {}", fixes::title(*fix))),
                ],
                width,
                4,
            ));
        }
    }
    let others: Vec<&str> = c
        .candidates
        .iter()
        .filter(|k| k.cause != cause)
        .map(|k| k.cause.as_str())
        .collect();
    if !others.is_empty() {
        out.push(Line::default());
        out.extend(wrap(
            &[Span::styled(
                format!("It could also be: {}.", others.join(", ")),
                theme.dim(),
            )],
            width,
            0,
        ));
    }
    out.push(Line::default());
    out.extend(wrap(
        &[Span::styled(
            format!(
                "Enter shows the check “{}”, where its fixes are offered when it finds this.",
                info.check.title()
            ),
            theme.dim(),
        )],
        width,
        0,
    ));
    out
}

/// The key input's lines above and below the box.
fn key_input_parts(
    app: &App,
    k: &KeyInput,
    width: u16,
) -> (Vec<Line<'static>>, Vec<Line<'static>>) {
    let theme = app.theme;
    let above = wrap(
        &[Span::raw(
            "Paste your Anthropic API key (it starts with sk-ant-api03-). It shows as dots, and \
             is saved only in your shell profile, after you have seen the change and said yes.",
        )],
        width,
        0,
    );
    let mut below = Vec::new();
    let hint = match k.input.tail() {
        Some(tail) => format!("ends in …{tail} · {}", characters(k.input.len())),
        None if k.input.is_empty() => "nothing entered yet".to_string(),
        None => characters(k.input.len()),
    };
    below.push(Line::from(Span::styled(hint, theme.dim())));
    if let Some(error) = &k.error {
        below.extend(wrap(
            &[Span::styled(
                format!("✗ {error}"),
                theme.status(Status::Fail),
            )],
            width,
            2,
        ));
    }
    if k.pending.is_some() {
        let label = if app.offline {
            " working out the change…"
        } else {
            " checking the key with the API…"
        };
        below.push(Line::from(vec![
            Span::styled(app.spinner_frame(), theme.running()),
            Span::styled(label, theme.running()),
        ]));
    } else if app.offline {
        below.extend(wrap(
            &[Span::styled(
                "--offline: the key is not checked against the API before it is saved.",
                theme.dim(),
            )],
            width,
            0,
        ));
    }
    (above, below)
}

fn key_input_height(app: &App, k: &KeyInput, width: u16) -> u16 {
    let (above, below) = key_input_parts(app, k, width);
    u16::try_from(above.len() + below.len()).unwrap_or(u16::MAX) + KEY_BOX_HEIGHT
}

fn render_key_input(app: &App, k: &KeyInput, frame: &mut Frame<'_>, inner: Rect) {
    let (above, below) = key_input_parts(app, k, inner.width);
    let above_h = u16::try_from(above.len()).unwrap_or(0).min(inner.height);
    frame.render_widget(
        Paragraph::new(above),
        Rect::new(inner.x, inner.y, inner.width, above_h),
    );
    let box_y = inner.y + above_h;
    let box_h = KEY_BOX_HEIGHT.min(inner.bottom().saturating_sub(box_y));
    let boxed = Rect::new(inner.x, box_y, inner.width, box_h);
    let block = Block::bordered().border_style(app.theme.border());
    let field = block.inner(boxed);
    frame.render_widget(block, boxed);
    frame.render_widget(k.input.textarea(), field);
    let below_y = box_y + box_h;
    frame.render_widget(
        Paragraph::new(below),
        Rect::new(
            inner.x,
            below_y,
            inner.width,
            inner.bottom().saturating_sub(below_y),
        ),
    );
}

/// "1 character", "2 characters".
fn characters(n: usize) -> String {
    if n == 1 {
        "1 character".to_string()
    } else {
        format!("{n} characters")
    }
}
