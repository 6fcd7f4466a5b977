//! One streaming pass over `~/.claude.json` that keeps only what the diagnosis needs.
//!
//! Heavy users have tens of MB of project history there, and the CLI reads it fine, so size is
//! never a reason to refuse it. The whole document is checked for JSON syntax while it streams
//! through a fixed buffer; only the wanted top-level members (and the current folder's entries
//! under `projects`) are captured and parsed. Memory stays flat whatever the file's size.

use memchr::memchr2;
use serde_json::Value;
use std::io::Read;

/// Top-level members kept (everything else is checked and skipped).
pub const WANTED: &[&str] = &[
    "primaryApiKey",
    "customApiKeyResponses",
    "oauthAccount",
    "hasCompletedOnboarding",
    "env",
];
/// A captured value larger than this is not kept (no real one comes close).
const CAPTURE_LIMIT: usize = 4 * 1024 * 1024;
const BUFFER: usize = 256 * 1024;
const MAX_DEPTH: usize = 256;
/// A capture that grew past the limit is replaced by this one byte (no JSON starts with NUL).
const OVERFLOWED: u8 = 0;

/// Why the pass stopped. Its `Display` is plain words that follow the file's name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    /// Reading the file failed part-way.
    #[error("could not be read: {0}")]
    Unreadable(String),
    /// Not a JSON object, or not JSON at all ("is not valid JSON: line 3: …").
    #[error("{0}")]
    Invalid(String),
}

/// What the pass kept.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Captured {
    /// Wanted top-level members, the last one winning as in any JSON reader.
    pub members: Vec<(String, Value)>,
    /// The line each wanted top-level key is on.
    pub key_lines: Vec<(String, usize)>,
    /// The line the `env` value starts on and its text, for `line_of` inside it.
    pub env_text: Option<(usize, String)>,
    /// `projects` entries whose key is one of the wanted folders.
    pub projects: Vec<(String, Value)>,
}

/// Reads the document from `reader`, keeping the wanted members and the `projects` entries
/// named in `folders` (all of them when `None`). `Err` is a plain-words syntax problem ("is not valid JSON: line 3, …").
pub fn scan(reader: impl Read, folders: Option<&[String]>) -> Result<Captured, ScanError> {
    let mut s = Stream::new(reader);
    let mut out = Captured::default();
    s.open_document()?;
    s.members(0, true, |s, key| {
        if key == "projects" {
            return s.projects(folders, &mut out.projects);
        }
        if !WANTED.contains(&key) {
            return s.value(1);
        }
        let line = s.line;
        let text = s.captured_value(1)?;
        if let Some(text) = text {
            let value: Value =
                serde_json::from_slice(&text).map_err(|e| ScanError::Invalid(e.to_string()))?;
            if key == "env" {
                out.env_text = Some((line, String::from_utf8_lossy(&text).into_owned()));
            }
            out.members.push((key.to_string(), value));
        }
        out.key_lines.push((key.to_string(), line));
        Ok(())
    })?;
    s.close_document()?;
    Ok(out)
}

/// One top-level member's value as it stands in the file: where it starts and its bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct MemberSpan {
    /// Byte offset of the value's first byte in the file.
    pub offset: u64,
    /// The value's bytes, exactly as in the file.
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for MemberSpan {
    // The value may hold key tails or a key: only its place and size.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemberSpan")
            .field("offset", &self.offset)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// Every occurrence of the top-level member `key`, with its byte span, in one streaming pass
/// that also checks the whole document's syntax. What a fix needs to edit one member of a file
/// too big to load. `Err` as for [`scan`]; a value over the capture limit is an error too.
pub fn member_spans(reader: impl Read, key: &str) -> Result<Vec<MemberSpan>, ScanError> {
    let mut s = Stream::new(reader);
    let mut spans = Vec::new();
    s.open_document()?;
    s.members(0, true, |s, name| {
        if name != key {
            return s.value(1);
        }
        let offset = s.offset();
        match s.captured_value(1)? {
            Some(bytes) => {
                spans.push(MemberSpan { offset, bytes });
                Ok(())
            }
            None => Err(ScanError::Invalid(format!(
                "has a `{key}` too large to edit"
            ))),
        }
    })?;
    s.close_document()?;
    Ok(spans)
}

struct Stream<R> {
    reader: R,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    line: usize,
    /// The bytes of the value being captured, when one is.
    capture: Option<Vec<u8>>,
    eof: bool,
    /// Bytes of the file before `buf[0]`.
    consumed: u64,
}

impl<R: Read> Stream<R> {
    fn new(reader: R) -> Self {
        Self {
            reader,
            buf: vec![0; BUFFER],
            pos: 0,
            len: 0,
            line: 1,
            capture: None,
            eof: false,
            consumed: 0,
        }
    }

    /// Where the next byte is in the file.
    fn offset(&self) -> u64 {
        self.consumed + self.pos as u64
    }

    /// Up to the top-level object's `{` (a BOM and white space skipped); anything but an
    /// object is an error that says what it is.
    fn open_document(&mut self) -> Result<(), ScanError> {
        self.skip_ws()?;
        if self.peek()? == Some(0xEF) {
            // A UTF-8 BOM (the CLI reads such files).
            for expected in [0xEF, 0xBB, 0xBF] {
                self.expect(expected)?;
            }
            self.skip_ws()?;
        }
        match self.peek()? {
            Some(b'{') => Ok(()),
            Some(_) => {
                // Valid JSON that is not an object is still not a config; say which.
                self.value(0)?;
                self.skip_ws()?;
                Err(match self.peek()? {
                    None => ScanError::Invalid("is valid JSON but not an object".to_string()),
                    Some(_) => self.syntax("unexpected text after the value"),
                })
            }
            None => Err(ScanError::Invalid(
                "ends too early (truncated?): line 1, column 0".to_string(),
            )),
        }
    }

    /// After the top-level object: only white space may follow.
    fn close_document(&mut self) -> Result<(), ScanError> {
        self.skip_ws()?;
        match self.peek()? {
            None => Ok(()),
            Some(_) => Err(self.syntax("unexpected text after the closing brace")),
        }
    }

    fn fill(&mut self) -> Result<bool, ScanError> {
        if self.pos < self.len {
            return Ok(true);
        }
        if self.eof {
            return Ok(false);
        }
        loop {
            match self.reader.read(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.consumed += self.len as u64;
                    self.pos = 0;
                    self.len = n;
                    return Ok(true);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(ScanError::Unreadable(e.to_string())),
            }
        }
    }

    fn peek(&mut self) -> Result<Option<u8>, ScanError> {
        Ok(if self.fill()? {
            Some(self.buf[self.pos])
        } else {
            None
        })
    }

    /// Consumes `n` bytes of the current buffer (copied when a value is being captured).
    fn advance(&mut self, n: usize) {
        if let Some(c) = self.capture.as_mut()
            && c.first() != Some(&OVERFLOWED)
        {
            if c.len() + n <= CAPTURE_LIMIT {
                c.extend_from_slice(&self.buf[self.pos..self.pos + n]);
            } else {
                *c = vec![OVERFLOWED];
            }
        }
        self.pos += n;
    }

    /// Appends an inner capture to the outer one, if there is one.
    fn merge_capture(&mut self, inner: &[u8]) {
        if let Some(c) = self.capture.as_mut()
            && c.first() != Some(&OVERFLOWED)
        {
            if inner.first() != Some(&OVERFLOWED) && c.len() + inner.len() <= CAPTURE_LIMIT {
                c.extend_from_slice(inner);
            } else {
                *c = vec![OVERFLOWED];
            }
        }
    }

    fn next_byte(&mut self) -> Result<u8, ScanError> {
        match self.peek()? {
            Some(b) => {
                self.advance(1);
                if b == b'\n' {
                    self.line += 1;
                }
                Ok(b)
            }
            None => Err(self.eof_error()),
        }
    }

    fn eof_error(&self) -> ScanError {
        ScanError::Invalid(format!("ends too early (truncated?): line {}", self.line))
    }

    fn syntax(&self, what: &str) -> ScanError {
        ScanError::Invalid(format!("is not valid JSON: line {}: {what}", self.line))
    }

    fn expect(&mut self, byte: u8) -> Result<(), ScanError> {
        let got = self.next_byte()?;
        if got == byte {
            Ok(())
        } else {
            Err(self.syntax(&format!(
                "expected `{}`, found `{}`",
                byte as char,
                got.escape_ascii()
            )))
        }
    }

    fn skip_ws(&mut self) -> Result<(), ScanError> {
        while let Some(b) = self.peek()? {
            match b {
                b'\n' => {
                    self.line += 1;
                    self.advance(1);
                }
                b' ' | b'\t' | b'\r' => self.advance(1),
                _ => break,
            }
        }
        Ok(())
    }

    /// Skips a string (the opening quote is next), fast: whole runs up to a quote or backslash.
    fn string(&mut self) -> Result<(), ScanError> {
        self.expect(b'"')?;
        loop {
            if !self.fill()? {
                return Err(self.eof_error());
            }
            let window = &self.buf[self.pos..self.len];
            match memchr2(b'"', b'\\', window) {
                None => {
                    if window.contains(&b'\n') {
                        return Err(self.syntax("a line break inside a string"));
                    }
                    self.advance(window.len());
                }
                Some(i) => {
                    if window[..i].contains(&b'\n') {
                        return Err(self.syntax("a line break inside a string"));
                    }
                    let quote = window[i] == b'"';
                    self.advance(i + 1);
                    if quote {
                        return Ok(());
                    }
                    match self.next_byte()? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                        b'u' => {
                            for _ in 0..4 {
                                if !self.next_byte()?.is_ascii_hexdigit() {
                                    return Err(self.syntax("a bad \\u escape"));
                                }
                            }
                        }
                        _ => return Err(self.syntax("a bad escape in a string")),
                    }
                }
            }
        }
    }

    /// A string's decoded text (keys: short; a huge one is decoded lossily and never matches).
    fn key(&mut self) -> Result<String, ScanError> {
        let outer = self.capture.replace(Vec::new());
        let result = self.string();
        let raw = std::mem::replace(&mut self.capture, outer).unwrap_or_default();
        self.merge_capture(&raw);
        result?;
        Ok(serde_json::from_slice::<String>(&raw).unwrap_or_default())
    }

    fn scalar(&mut self) -> Result<(), ScanError> {
        let mut token = [0u8; 64];
        let mut len = 0;
        while let Some(b) = self.peek()? {
            if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                break;
            }
            if len == token.len() {
                return Err(self.syntax("an overlong number or word"));
            }
            token[len] = b;
            len += 1;
            self.advance(1);
        }
        let token = &token[..len];
        let ok = match token {
            b"true" | b"false" | b"null" => true,
            t => {
                matches!(t.first(), Some(b'-' | b'0'..=b'9'))
                    && serde_json::from_slice::<serde::de::IgnoredAny>(t).is_ok()
            }
        };
        if ok {
            Ok(())
        } else {
            Err(self.syntax(&format!("unexpected `{}`", String::from_utf8_lossy(token))))
        }
    }

    /// Checks and skips any value.
    fn value(&mut self, depth: usize) -> Result<(), ScanError> {
        if depth > MAX_DEPTH {
            return Err(self.syntax("nested too deeply"));
        }
        self.skip_ws()?;
        match self.peek()? {
            None => Err(self.eof_error()),
            Some(b'"') => self.string(),
            Some(b'{') => self.members(depth, false, |s, _| s.value(depth + 1)),
            Some(b'[') => {
                self.advance(1);
                self.skip_ws()?;
                if self.peek()? == Some(b']') {
                    self.advance(1);
                    return Ok(());
                }
                loop {
                    self.value(depth + 1)?;
                    self.skip_ws()?;
                    match self.next_byte()? {
                        b',' => {}
                        b']' => return Ok(()),
                        other => {
                            return Err(self.syntax(&format!(
                                "expected `,` or `]`, found `{}`",
                                other.escape_ascii()
                            )));
                        }
                    }
                }
            }
            Some(_) => self.scalar(),
        }
    }

    /// Walks an object (`{` next), calling `on_member` with each key once the value is next.
    fn members(
        &mut self,
        depth: usize,
        want_keys: bool,
        mut on_member: impl FnMut(&mut Self, &str) -> Result<(), ScanError>,
    ) -> Result<(), ScanError> {
        self.expect(b'{')?;
        self.skip_ws()?;
        if self.peek()? == Some(b'}') {
            self.advance(1);
            return Ok(());
        }
        loop {
            self.skip_ws()?;
            if self.peek()? != Some(b'"') {
                return Err(self.syntax("expected a member name in quotes"));
            }
            // Keys deep in the history are only checked: decoding them would cost an
            // allocation each.
            let key = if want_keys {
                self.key()?
            } else {
                self.string()?;
                String::new()
            };
            self.skip_ws()?;
            self.expect(b':')?;
            self.skip_ws()?;
            if depth > MAX_DEPTH {
                return Err(self.syntax("nested too deeply"));
            }
            on_member(self, &key)?;
            self.skip_ws()?;
            match self.next_byte()? {
                b',' => {}
                b'}' => return Ok(()),
                other => {
                    return Err(self.syntax(&format!(
                        "expected `,` or `}}`, found `{}`",
                        other.escape_ascii()
                    )));
                }
            }
        }
    }

    /// Skips a value while keeping its bytes; `None` when it was too large to keep.
    fn captured_value(&mut self, depth: usize) -> Result<Option<Vec<u8>>, ScanError> {
        let outer = self.capture.replace(Vec::new());
        let result = self.value(depth);
        let mine = std::mem::replace(&mut self.capture, outer).unwrap_or_default();
        self.merge_capture(&mine);
        result?;
        Ok((mine.first() != Some(&OVERFLOWED)).then_some(mine))
    }

    /// `projects`: every entry checked, only the wanted folders' entries kept.
    fn projects(
        &mut self,
        folders: Option<&[String]>,
        out: &mut Vec<(String, Value)>,
    ) -> Result<(), ScanError> {
        if self.peek()? != Some(b'{') {
            return self.value(1);
        }
        self.members(1, true, |s, folder| {
            if folders.is_some_and(|wanted| !wanted.iter().any(|f| f == folder)) {
                return s.value(2);
            }
            if let Some(text) = s.captured_value(2)? {
                let value: Value =
                    serde_json::from_slice(&text).map_err(|e| ScanError::Invalid(e.to_string()))?;
                out.push((folder.to_string(), value));
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Result<Captured, ScanError> {
        scan(text.as_bytes(), Some(&["/work".to_string()]))
    }

    #[test]
    fn keeps_the_wanted_members_and_folders_only() {
        let got = run(
            "{\n \"numStartups\": 3,\n \"projects\": {\"/other\": {\"hasTrustDialogAccepted\": true}, \"/work\": {\"hasTrustDialogAccepted\": true, \"x\": [1, 2.5e3, null]}},\n \"primaryApiKey\": \"k\\\"1\",\n \"env\": {\"A\": \"b\"}\n}\n",
        )
        .unwrap();
        assert_eq!(
            got.members,
            vec![
                ("primaryApiKey".to_string(), Value::from("k\"1")),
                ("env".to_string(), serde_json::json!({"A": "b"}))
            ]
        );
        assert_eq!(got.projects.len(), 1);
        assert_eq!(got.projects[0].0, "/work");
        assert!(got.key_lines.contains(&("primaryApiKey".to_string(), 4)));
        assert_eq!(got.env_text.as_ref().map(|(l, _)| *l), Some(5));
    }

    #[test]
    fn every_syntax_error_is_reported() {
        for bad in [
            "{",
            "{\"a\": tru}",
            "{\"a\": 1,}",
            "{\"a\": [1 2]}",
            "{\"a\": \"x\ny\"}",
            "{\"a\": \"\\q\"}",
            "{\"projects\": {\"/x\": {]}}",
            "{} x",
            "",
        ] {
            assert!(run(bad).is_err(), "{bad:?} was accepted");
        }
        assert_eq!(
            run("[1]").unwrap_err().to_string(),
            "is valid JSON but not an object"
        );
        assert!(run("\u{feff}{\"a\": 1}").is_ok());
    }

    #[test]
    fn agrees_with_serde_json_on_validity() {
        for text in [
            r#"{"a": {"b": [true, false, null, -1, 0.5, "\u00e9"]}, "c": {}}"#,
            r#"{"a": 01}"#,
            r#"{"a": 1.}"#,
            r#"{"a": -}"#,
            r#"{"a": [}"#,
            r#"{"a" 1}"#,
        ] {
            let ours = run(text).is_ok();
            let theirs = serde_json::from_str::<Value>(text).is_ok_and(|v| v.is_object());
            assert_eq!(ours, theirs, "{text}");
        }
    }

    /// Hands out at most `step` bytes a call, so values straddle buffer refills.
    struct Trickle<'a>(&'a [u8], usize);
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.len().min(self.1).min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn member_spans_point_at_the_exact_bytes() {
        let text =
            "\u{feff}{\"a\": 1, \"r\": {\"x\": [\"é\"]},\n \"big\": \"zzz\", \"r\" :[ 2 ]}\n";
        for step in [1, 3, 7, 1000] {
            let spans = member_spans(Trickle(text.as_bytes(), step), "r").unwrap();
            let found: Vec<&str> = spans
                .iter()
                .map(|s| {
                    let at = usize::try_from(s.offset).unwrap();
                    let slice = &text.as_bytes()[at..at + s.bytes.len()];
                    assert_eq!(slice, &s.bytes[..], "step {step}");
                    std::str::from_utf8(slice).unwrap()
                })
                .collect();
            assert_eq!(found, ["{\"x\": [\"é\"]}", "[ 2 ]"], "step {step}");
        }
        assert!(member_spans("{\"r\": 1,}".as_bytes(), "r").is_err());
        assert!(member_spans("[1]".as_bytes(), "r").is_err());
    }
}
