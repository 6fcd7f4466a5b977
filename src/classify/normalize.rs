//! Cleaning a paste before matching: terminal escapes and frames stripped, escaped text
//! unescaped, wrapped lines joined, a huge input cut to its head and tail.

use crate::secret;
use regex::Regex;
use std::ops::Range;

/// Bytes read from the start of a huge input (the command that failed is usually there).
const HEAD_BYTES: usize = 64 * 1024;
/// Bytes read from the end of a huge input (the final error is usually there).
const TAIL_BYTES: usize = 448 * 1024;

/// The input in two cleaned forms. `lines` keeps line breaks (one per line, whitespace
/// collapsed, frame characters trimmed); `joined` glues the lines together with nothing in
/// between, so that a message the terminal wrapped in the middle of a word still matches.
pub(super) struct Normalized {
    pub(super) lines: String,
    pub(super) joined: String,
}

impl Normalized {
    pub(super) fn new(input: &str) -> Self {
        let clean = clean(&bounded(input));
        let mut lines = String::with_capacity(clean.len());
        let mut joined = String::with_capacity(clean.len());
        for raw in clean.split('\n') {
            let line = tidy_line(raw);
            if line.is_empty() {
                continue;
            }
            if !lines.is_empty() {
                lines.push('\n');
            }
            lines.push_str(&line);
            joined.push_str(&line);
        }
        Self { lines, joined }
    }

    /// The joined form, when it differs from the other (the text has several lines).
    pub(super) fn joined(&self) -> Option<&str> {
        self.lines.contains('\n').then_some(self.joined.as_str())
    }

    /// The forms to match: with line breaks, then joined (when there were breaks).
    pub(super) fn forms(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.lines.as_str()).chain(self.joined())
    }

    /// The first match, preferring the form with line breaks: (form, its text, where).
    pub(super) fn find(&self, regex: &Regex) -> Option<(usize, &str, Range<usize>)> {
        std::iter::once(self.lines.as_str())
            .chain(self.joined())
            .enumerate()
            .find_map(|(form, hay)| regex.find(hay).map(|m| (form, hay, m.range())))
    }

    /// Secret-looking values in the text, and in its joined form: a key the terminal wrapped
    /// is whole there, so its pieces can be recognised in an excerpt of the other form.
    pub(super) fn secrets(&self) -> Vec<String> {
        secret::secrets_in(&self.lines)
    }
}

/// Replaces every non-ASCII character with an ASCII stand-in: middle dots and dashes (which
/// patterns know as separators) with `-`, anything else with `~`. Used to pick the signatures
/// worth locating in the real text: automatons stay small on ASCII. No pattern names another
/// non-ASCII character (a test checks it) and `clean` already made all spaces ASCII, so a
/// pattern that matches the real text matches its fold too (the reverse need not hold).
pub(super) fn ascii_fold(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() {
        return text.into();
    }
    text.chars()
        .map(|c| match c {
            c if c.is_ascii() => c,
            '·' | '•' | '∙' | '⋅' | '–' | '—' => '-',
            _ => '~',
        })
        .collect::<String>()
        .into()
}

/// The part of a huge input worth reading: its head and its tail.
pub(super) fn bounded(input: &str) -> std::borrow::Cow<'_, str> {
    if input.len() <= HEAD_BYTES + TAIL_BYTES {
        return input.into();
    }
    let mut head_end = HEAD_BYTES;
    while !input.is_char_boundary(head_end) {
        head_end -= 1;
    }
    let mut tail_start = input.len() - TAIL_BYTES;
    while !input.is_char_boundary(tail_start) {
        tail_start += 1;
    }
    format!("{}\n{}", &input[..head_end], &input[tail_start..]).into()
}

/// Strips terminal escapes and control characters, turns escaped text (`\u001b[31m`, `\"`,
/// `\u00b7`, `\n` inside JSON strings, a few HTML entities) into what it stands for, and
/// folds typographic quotes and odd spaces into plain ones.
fn clean(input: &str) -> String {
    let unescaped = unescape(input);
    let mut out = String::with_capacity(unescaped.len());
    let mut chars = unescaped.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            '\u{9b}' => skip_csi(&mut chars),
            '\r' => {
                // A lone CR (progress output) starts a new line too.
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            // Every Unicode space becomes an ASCII one, so `\s` needs no Unicode (see
            // `ascii_fold`).
            '\n' | '\u{85}' | '\u{2028}' | '\u{2029}' => out.push('\n'),
            '\t'
            | '\u{b}'
            | '\u{c}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}' => out.push(' '),
            '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' => {}
            '‘' | '’' | '‚' | '‛' | '′' => out.push('\''),
            '“' | '”' | '„' | '‟' => out.push('"'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// Skips an escape sequence after ESC: CSI, OSC/DCS-like strings, or a short one.
fn skip_escape(chars: &mut Chars<'_>) {
    match chars.peek() {
        Some('[') => {
            chars.next();
            skip_csi(chars);
        }
        Some(']' | 'P' | 'X' | '^' | '_') => {
            chars.next();
            // Ends at BEL or ESC \; bounded, and never past a line break, so a stray ESC ]
            // cannot eat the rest of the paste.
            for _ in 0..4096 {
                match chars.peek() {
                    None | Some('\n') => return,
                    Some('\u{7}') => {
                        chars.next();
                        return;
                    }
                    Some('\u{1b}') => {
                        chars.next();
                        if chars.peek() == Some(&'\\') {
                            chars.next();
                        }
                        return;
                    }
                    Some(_) => {
                        chars.next();
                    }
                }
            }
        }
        _ => {
            while chars
                .peek()
                .is_some_and(|c| ('\u{20}'..='\u{2f}').contains(c))
            {
                chars.next();
            }
            if chars
                .peek()
                .is_some_and(|c| ('\u{30}'..='\u{7e}').contains(c))
            {
                chars.next();
            }
        }
    }
}

/// Skips the rest of a CSI sequence: parameters, intermediates, one final byte.
fn skip_csi(chars: &mut Chars<'_>) {
    for _ in 0..64 {
        match chars.peek() {
            Some(c) if ('\u{20}'..='\u{3f}').contains(c) => {
                chars.next();
            }
            Some(c) if ('\u{40}'..='\u{7e}').contains(c) => {
                chars.next();
                return;
            }
            _ => return,
        }
    }
}

/// Undoes the escaping of text that went through JSON, logs or HTML.
fn unescape(input: &str) -> String {
    const PAIRS: &[(&str, &str)] = &[
        ("\\u001b", "\u{1b}"),
        ("\\u001B", "\u{1b}"),
        ("\\x1b", "\u{1b}"),
        ("\\x1B", "\u{1b}"),
        ("\\033", "\u{1b}"),
        ("\\e[", "\u{1b}["),
        ("^[[", "\u{1b}["),
        ("\\u00b7", "·"),
        ("\\u00B7", "·"),
        ("\\u2019", "'"),
        ("\\u2014", "—"),
        ("\\u003c", "<"),
        ("\\u003e", ">"),
        ("\\u0026", "&"),
        ("\\\"", "\""),
        ("\\r\\n", "\n"),
        ("\\n", "\n"),
        ("\\t", " "),
        ("&#39;", "'"),
        ("&#x27;", "'"),
        ("&quot;", "\""),
        ("&amp;", "&"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&nbsp;", " "),
    ];
    // One pass: only `\`, `^` and `&` can start a pair.
    let mut out = String::with_capacity(input.len());
    let mut rest = input;
    while let Some(pos) = rest.find(['\\', '^', '&']) {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        if let Some((from, to)) = PAIRS.iter().find(|(from, _)| rest.starts_with(from)) {
            out.push_str(to);
            rest = &rest[from.len()..];
        } else {
            // The special character is ASCII, so slicing after it stays on a boundary.
            out.push_str(&rest[..1]);
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// Characters that frame terminal output (boxes, tree branches, bullets, prompt marks): noise
/// at the edges of a line, and in the way of joining a wrapped message.
fn is_frame(c: char) -> bool {
    c.is_whitespace()
        || ('\u{2500}'..='\u{257f}').contains(&c)
        || matches!(
            c,
            '⎿' | '⏺'
                | '●'
                | '•'
                | '✗'
                | '✘'
                | '✔'
                | '✓'
                | '⚠'
                | '❯'
                | '›'
                | '>'
                | '|'
                | '▌'
                | '▐'
        )
}

fn tidy_line(line: &str) -> String {
    let trimmed = line.trim_matches(is_frame);
    let mut out = String::with_capacity(trimmed.len());
    let mut space = false;
    for c in trimmed.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}
