//! Word wrapping of styled text into exact lines, so the detail pane knows its height (for
//! scrolling and the scrollbar) without rendering.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

/// Wraps `spans` (one logical line) to `width` columns. Continuation lines start with
/// `indent` spaces; a word longer than a line is split.
#[must_use]
pub fn wrap(spans: &[Span<'_>], width: u16, indent: u16) -> Vec<Line<'static>> {
    let width = usize::from(width.max(1));
    let indent = usize::from(indent).min(width.saturating_sub(1));
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut current: Vec<Span<'static>> = Vec::new();
    let mut used = 0usize;
    for span in spans {
        for token in tokens(&span.content) {
            let is_space = token.starts_with(' ');
            let w = token.width();
            if used + w <= width {
                push(&mut current, token, span.style);
                used += w;
                continue;
            }
            if is_space {
                // A break here: drop the spaces.
                used = break_line(&mut lines, &mut current, indent);
                continue;
            }
            if used > indent && w <= width - indent {
                used = break_line(&mut lines, &mut current, indent);
                push(&mut current, token, span.style);
                used += w;
                continue;
            }
            // Too long for any line: start it on a line of its own, and break it after a
            // `-`, `_`, `.`, `:`, `=` or `,` where one fits; only a run with none of them is
            // split between characters.
            if used > indent {
                used = break_line(&mut lines, &mut current, indent);
            }
            let mut rest = token;
            while rest.width() > width - used {
                let room = width - used;
                let (piece, tail) = rest.split_at(safe_break(rest, room));
                push(&mut current, piece, span.style);
                used = break_line(&mut lines, &mut current, indent);
                rest = tail;
            }
            push(&mut current, rest, span.style);
            used += rest.width();
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(Line::from(current));
    }
    for line in &mut lines {
        trim_end(line);
    }
    lines
}

/// Where to cut `word` so its first part fits `room` columns (at least one character): after
/// the last `-`, `_`, `.`, `:`, `=` or `,` that fits, when that keeps at least a third of the
/// line; else at the last character that fits.
fn safe_break(word: &str, room: usize) -> usize {
    let mut used = 0;
    let mut last_fit = 0;
    let mut last_safe = None;
    for (i, c) in word.char_indices() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + cw > room {
            break;
        }
        used += cw;
        last_fit = i + c.len_utf8();
        if matches!(c, '-' | '_' | '.' | ':' | '=' | ',') && used * 3 >= room {
            last_safe = Some(last_fit);
        }
    }
    let first = word.chars().next().map_or(0, char::len_utf8);
    last_safe.unwrap_or(last_fit).max(first).min(word.len())
}

/// Ends the current line and starts the next with the indent; returns the width used.
fn break_line(
    lines: &mut Vec<Line<'static>>,
    current: &mut Vec<Span<'static>>,
    indent: usize,
) -> usize {
    lines.push(Line::from(std::mem::take(current)));
    if indent > 0 {
        current.push(Span::raw(" ".repeat(indent)));
    }
    indent
}

/// Words and runs of spaces, in order.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_space = None;
    for (i, c) in text.char_indices() {
        let space = c == ' ';
        if in_space.is_some_and(|s| s != space) {
            out.push(&text[start..i]);
            start = i;
        }
        in_space = Some(space);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    // A long path breaks after a `/` rather than in the middle of a name.
    out.into_iter().flat_map(split_after_slashes).collect()
}

/// `~/project/.claude/settings.json` → `~/`, `project/`, `.claude/`, `settings.json`.
fn split_after_slashes(word: &str) -> Vec<&str> {
    // Short paths (`~/.zshrc:4`) stay whole: they move to the next line instead.
    if word.starts_with(' ') || !word.contains('/') || word.width() <= 20 {
        return vec![word];
    }
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in word.char_indices() {
        // Not after a leading `~/`, `./` or `/`, nor inside `//`.
        if c == '/' && i >= 2 && i + 1 < word.len() && !word[i + 1..].starts_with('/') {
            out.push(&word[start..=i]);
            start = i + 1;
        }
    }
    out.push(&word[start..]);
    out
}

fn push(current: &mut Vec<Span<'static>>, text: &str, style: Style) {
    match current.last_mut() {
        Some(last) if last.style == style => last.content.to_mut().push_str(text),
        _ => current.push(Span::styled(text.to_string(), style)),
    }
}

fn trim_end(line: &mut Line<'static>) {
    while let Some(last) = line.spans.last_mut() {
        let trimmed = last.content.trim_end_matches(' ').len();
        if trimmed == 0 {
            line.spans.pop();
        } else {
            last.content.to_mut().truncate(trimmed);
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn wraps_words_with_hanging_indent() {
        let spans = [Span::raw(
            "✗ Fail  the quick brown fox jumps over the lazy dog",
        )];
        assert_eq!(
            text(&wrap(&spans, 20, 2)),
            vec![
                "✗ Fail  the quick",
                "  brown fox jumps",
                "  over the lazy dog"
            ]
        );
    }

    #[test]
    fn splits_overlong_words_and_keeps_styles() {
        let bold = Style::new().bold();
        let spans = [Span::raw("see "), Span::styled("abcdefghijklmnop", bold)];
        let lines = wrap(&spans, 8, 0);
        assert_eq!(text(&lines), vec!["see", "abcdefgh", "ijklmnop"]);
        assert_eq!(lines[1].spans[0].style, bold);
    }

    #[test]
    fn overlong_words_break_after_a_safe_character() {
        let spans = [Span::raw(
            "model claude-sonnet-4-20250514-experimental-preview-build is unknown",
        )];
        let lines = text(&wrap(&spans, 24, 2));
        assert_eq!(
            lines,
            vec![
                "model",
                "  claude-sonnet-4-",
                "  20250514-experimental-",
                "  preview-build is",
                "  unknown"
            ]
        );
    }

    #[test]
    fn long_paths_break_after_a_slash() {
        let spans = [Span::raw("see ~/project/.claude/settings.json:3 now")];
        assert_eq!(
            text(&wrap(&spans, 22, 2)),
            vec!["see ~/project/.claude/", "  settings.json:3 now"]
        );
    }

    #[test]
    fn empty_gives_one_empty_line() {
        assert_eq!(wrap(&[], 10, 0).len(), 1);
    }
}
