//! The one output sanitiser: text that came from outside (server bodies and headers, files,
//! helper output, paths, variable values) is made inert before it reaches a terminal, a
//! report or a JSON consumer.
//!
//! Every C0 and C1 control character (so ESC, and with it every escape sequence: OSC 52
//! clipboard writes, OSC 0 titles, CSI 2J; BEL, CR, U+009B), DEL, and every character that
//! reorders or hides text (bidi overrides and isolates, direction marks, line and paragraph
//! separators) is shown visibly escaped: `\x1b`, `\u{202e}`. Only `\n` and `\t` pass (in
//! [`escape`]; [`escape_line`] escapes them too). Escaping character by character needs no
//! parsing of sequences: once ESC is `\x1b`, what followed it is plain text. JSON gets the same
//! escaping inside its string values ([`escape_json`]): a JSON `\u001b` is turned back into a
//! raw ESC by `jq -r`.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must not reach a terminal as is (`\n` and `\t` aside, see [`escape`]).
#[must_use]
pub fn is_unsafe(c: char) -> bool {
    c.is_control() // C0, DEL, C1 (U+0080..U+009F)
        || matches!(
            c,
            '\u{061c}' // Arabic letter mark
            | '\u{200e}' | '\u{200f}' // LRM, RLM
            | '\u{202a}'..='\u{202e}' // embeddings and overrides
            | '\u{2066}'..='\u{2069}' // isolates
            | '\u{2028}' | '\u{2029}' // line and paragraph separators
        )
}

/// `text` with every unsafe character visibly escaped; line breaks and tabs kept.
#[must_use]
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_with(text, |c| matches!(c, '\n' | '\t'))
}

/// `text` on one line: like [`escape`], and `\n` and `\t` escaped too (a table cell, a value).
#[must_use]
pub fn escape_line(text: &str) -> Cow<'_, str> {
    escape_with(text, |_| false)
}

/// Like [`escape`], but the colour sequences (SGR: `ESC [ digits;… m`) are kept: for a text
/// whose outside parts were escaped already and whose only sequences are the colours this tool
/// added (`check --color`). A colour cannot write the clipboard, retitle or clear the screen.
#[must_use]
pub fn escape_keeping_colors(text: &str) -> Cow<'_, str> {
    if !text.contains('\u{1b}') {
        return escape(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(at) = rest.find('\u{1b}') {
        out.push_str(&escape(&rest[..at]));
        let after = &rest[at + 1..];
        let params = after.strip_prefix('[').map(|p| {
            p.len()
                - p.trim_start_matches(|c: char| c.is_ascii_digit() || c == ';')
                    .len()
        });
        match params {
            Some(n) if after[1 + n..].starts_with('m') => {
                out.push_str(&rest[at..=(at + 1 + 1 + n)]);
                rest = &rest[at + 1 + 1 + n + 1..];
            }
            _ => {
                out.push_str("\\x1b");
                rest = after;
            }
        }
    }
    out.push_str(&escape(rest));
    Cow::Owned(out)
}

fn escape_with(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(|c| is_unsafe(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe(c) && !keep(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `\x1b` for C0 and DEL, `\u{9b}` for everything above (C1, bidi).
fn push_escaped(out: &mut String, c: char) {
    let code = u32::from(c);
    if code < 0x80 {
        let _ = write!(out, "\\x{code:02x}");
    } else {
        let _ = write!(out, "\\u{{{code:x}}}");
    }
}

/// Escapes every string in a JSON document, object keys included, in place. Line breaks
/// inside values are escaped too: a consumer printing a value with `jq -r` gets one line.
pub fn escape_json(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::String(s) => {
            if let Cow::Owned(clean) = escape_line(s) {
                *s = clean;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(escape_json),
        Value::Object(map) => {
            let unsafe_keys: Vec<String> = map
                .keys()
                .filter(|k| k.chars().any(is_unsafe))
                .cloned()
                .collect();
            for key in unsafe_keys {
                if let Some(v) = map.remove(&key) {
                    map.insert(escape_line(&key).into_owned(), v);
                }
            }
            map.values_mut().for_each(escape_json);
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// The text shown for something from outside: secrets masked (`known` whole and in
/// fragments, and anything secret-shaped), then unsafe characters escaped.
#[must_use]
pub fn shown(text: &str, known: &[&str]) -> String {
    escape(&crate::secret::scrub(text, known)).into_owned()
}

/// A writer that escapes what passes through it, for output written piece by piece (a fix's
/// progress, `undo`). A UTF-8 sequence split across two writes is held until it is whole.
pub struct EscapingWriter<W: std::io::Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: std::io::Write> EscapingWriter<W> {
    pub fn new(inner: W) -> Self {
        Self {
            inner,
            pending: Vec::new(),
        }
    }

    /// The wrapped writer (an unfinished UTF-8 sequence still held is dropped).
    pub fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: std::io::Write> std::io::Write for EscapingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let valid_up_to = match std::str::from_utf8(&self.pending) {
            Ok(_) => self.pending.len(),
            // An incomplete sequence at the end waits for the next write; an invalid one is
            // replaced (lossy) so it cannot stall the output.
            Err(e) if e.error_len().is_none() && self.pending.len() - e.valid_up_to() < 4 => {
                e.valid_up_to()
            }
            Err(_) => self.pending.len(),
        };
        let ready: Vec<u8> = self.pending.drain(..valid_up_to).collect();
        let text = String::from_utf8_lossy(&ready);
        self.inner.write_all(escape(&text).as_bytes())?;
        Ok(buf.len())
    }

    /// Flushes what is whole; an unfinished UTF-8 sequence keeps waiting for its end.
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_sequences_and_bidi_visibly() {
        let raw = "a\u{1b}]52;c;aGk=\u{7}b\u{1b}[2J\rc\u{9b}31md\u{202e}e\u{2066}f\u{200f}\u{61c}";
        let out = escape(raw);
        assert_eq!(
            out,
            "a\\x1b]52;c;aGk=\\x07b\\x1b[2J\\x0dc\\u{9b}31md\\u{202e}e\\u{2066}f\\u{200f}\\u{61c}"
        );
    }

    #[test]
    fn colours_may_stay_nothing_else() {
        let text =
            "\u{1b}[31m✗\u{1b}[0m \u{1b}[1;32mok\u{1b}[m \u{1b}]52;c;eA==\u{7} \u{1b}[2J \u{1b}[";
        assert_eq!(
            escape_keeping_colors(text),
            "\u{1b}[31m✗\u{1b}[0m \u{1b}[1;32mok\u{1b}[m \\x1b]52;c;eA==\\x07 \\x1b[2J \\x1b["
        );
    }

    #[test]
    fn keeps_plain_text_newlines_and_tabs() {
        let text = "line one\n\tline two: café, 日本, ✓";
        assert!(matches!(escape(text), Cow::Borrowed(_)));
        assert_eq!(escape_line("a\nb\tc"), "a\\x0ab\\x09c");
    }

    #[test]
    fn json_values_and_keys_are_escaped() {
        let mut v = serde_json::json!({"m\u{1b}": ["x\u{9b}y", {"t": "\u{7}"}], "n": 1});
        escape_json(&mut v);
        assert_eq!(
            v,
            serde_json::json!({"m\\x1b": ["x\\u{9b}y", {"t": "\\x07"}], "n": 1})
        );
    }

    #[test]
    fn the_writer_escapes_across_split_writes() {
        use std::io::Write;
        let mut out = EscapingWriter::new(Vec::new());
        let bytes = "x\u{9b}y\u{1b}z".as_bytes();
        for b in bytes {
            out.write_all(std::slice::from_ref(b)).unwrap();
        }
        out.flush().unwrap();
        assert_eq!(String::from_utf8(out.inner).unwrap(), "x\\u{9b}y\\x1bz");
    }
}
