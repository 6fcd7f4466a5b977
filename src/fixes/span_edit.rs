//! Edits of files too big to hold in memory (a heavy user's `~/.claude.json` has tens of MB of
//! project history): the plan keeps only the changed spans and a fingerprint of the whole file
//! (length and SHA-256); applying streams the file through, replacing the spans, so memory
//! does not grow with the file. Backup, journal and undo are the same as for any edit.

use sha2::{Digest, Sha256};
use std::fmt;
use std::io::{self, Read};
use std::path::PathBuf;

/// Files bigger than this are edited as spans; smaller ones are planned with their whole
/// bytes (which gives the full diff preview).
pub const SPAN_EDIT_ABOVE: u64 = 4 * 1024 * 1024;

/// One replaced run of bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct Span {
    /// Where the old bytes start in the file.
    pub offset: u64,
    pub old: Vec<u8>,
    pub new: Vec<u8>,
}

/// A change to an existing file, as spans over its current bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct SpanEdit {
    pub path: PathBuf,
    /// What the spans are, in the file's own words (`customApiKeyResponses`), for the preview.
    pub what: String,
    /// The file's length and SHA-256 when the plan was made: `apply` refuses if it differs.
    pub before_len: u64,
    pub before_sha256: String,
    /// Sorted by offset, not overlapping.
    pub spans: Vec<Span>,
}

impl SpanEdit {
    /// The length the file has after the edit.
    #[must_use]
    pub fn after_len(&self) -> u64 {
        self.spans.iter().fold(self.before_len, |len, s| {
            len + s.new.len() as u64 - s.old.len() as u64
        })
    }

    /// Whether the spans are in order, inside the file and not overlapping.
    #[must_use]
    pub fn is_well_formed(&self) -> bool {
        let mut end = 0;
        for span in &self.spans {
            if span.offset < end {
                return false;
            }
            end = span.offset + span.old.len() as u64;
        }
        end <= self.before_len
    }
}

impl fmt::Debug for SpanEdit {
    // Spans hold key tails: only where and how big.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let spans: Vec<(u64, usize, usize)> = self
            .spans
            .iter()
            .map(|s| (s.offset, s.old.len(), s.new.len()))
            .collect();
        f.debug_struct("SpanEdit")
            .field("path", &self.path)
            .field("before_len", &self.before_len)
            .field("spans(offset, old, new)", &spans)
            .finish_non_exhaustive()
    }
}

/// A reader that hashes what passes through it.
pub struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    len: u64,
}

impl<R: Read> HashingReader<R> {
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
            len: 0,
        }
    }

    /// Reads what is left (so the hash covers the whole input), then gives the length and the
    /// SHA-256 as lowercase hex.
    pub fn finish(mut self) -> io::Result<(u64, String)> {
        io::copy(&mut self, &mut io::sink())?;
        let digest = self.hasher.finalize();
        Ok((self.len, crate::secret::lower_hex(&digest)))
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }
}

/// Length and SHA-256 of everything `reader` yields.
pub fn fingerprint(reader: impl Read) -> io::Result<(u64, String)> {
    HashingReader::new(reader).finish()
}

/// A reader over the original bytes that yields the edited ones: each span's old bytes are
/// checked (an error if they are not there) and replaced by its new bytes.
pub struct SplicedReader<'a, R> {
    source: R,
    spans: &'a [Span],
    /// Position in the source.
    at: u64,
    /// New bytes of the current span still to hand out.
    pending: &'a [u8],
}

impl<'a, R: Read> SplicedReader<'a, R> {
    pub fn new(source: R, spans: &'a [Span]) -> Self {
        Self {
            source,
            spans,
            at: 0,
            pending: &[],
        }
    }
}

impl<R: Read> Read for SplicedReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if !self.pending.is_empty() {
                let n = self.pending.len().min(buf.len());
                buf[..n].copy_from_slice(&self.pending[..n]);
                self.pending = &self.pending[n..];
                return Ok(n);
            }
            let Some((span, rest)) = self.spans.split_first() else {
                return self.source.read(buf);
            };
            if self.at == span.offset {
                let mut old = vec![0; span.old.len()];
                self.source.read_exact(&mut old)?;
                if old != span.old {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "the file no longer holds what the edit replaces",
                    ));
                }
                self.at += old.len() as u64;
                self.pending = &span.new;
                self.spans = rest;
                continue;
            }
            let room = usize::try_from(span.offset - self.at)
                .unwrap_or(usize::MAX)
                .min(buf.len());
            let n = self.source.read(&mut buf[..room])?;
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the file is shorter than when the edit was planned",
                ));
            }
            self.at += n as u64;
            return Ok(n);
        }
    }
}

/// Length and SHA-256 of the edited bytes, streamed from the original.
pub fn after_fingerprint(source: impl Read, spans: &[Span]) -> io::Result<(u64, String)> {
    fingerprint(SplicedReader::new(source, spans))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixes::atomic::sha256_hex;

    /// A reader that hands out at most `step` bytes a call, as a slow pipe would.
    struct Trickle<'a>(&'a [u8], usize);
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.len().min(self.1).min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn spans() -> Vec<Span> {
        vec![
            Span {
                offset: 2,
                old: b"cd".to_vec(),
                new: b"XYZ".to_vec(),
            },
            Span {
                offset: 6,
                old: b"gh".to_vec(),
                new: Vec::new(),
            },
        ]
    }

    #[test]
    fn splices_in_any_read_sizes() {
        for step in 1..12 {
            let mut out = Vec::new();
            SplicedReader::new(Trickle(b"abcdefghij", step), &spans())
                .read_to_end(&mut out)
                .unwrap();
            assert_eq!(out, b"abXYZefij", "step {step}");
        }
    }

    #[test]
    fn refuses_when_the_old_bytes_are_not_there() {
        let mut out = Vec::new();
        let err = SplicedReader::new(&b"abQQefghij"[..], &spans())
            .read_to_end(&mut out)
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        let err = SplicedReader::new(&b"abcd"[..], &spans())
            .read_to_end(&mut out)
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
    }

    #[test]
    fn fingerprints_agree_with_the_whole_bytes() {
        let (len, sha) = after_fingerprint(&b"abcdefghij"[..], &spans()).unwrap();
        assert_eq!((len, sha), (9, sha256_hex(b"abXYZefij")));
        let edit = SpanEdit {
            path: PathBuf::from("f"),
            what: "x".to_string(),
            before_len: 10,
            before_sha256: sha256_hex(b"abcdefghij"),
            spans: spans(),
        };
        assert_eq!(edit.after_len(), 9);
        assert!(edit.is_well_formed());
        let mut overlapping = edit.clone();
        overlapping.spans[1].offset = 3;
        assert!(!overlapping.is_well_formed());
        assert!(!format!("{edit:?}").contains("XYZ"), "Debug shows no bytes");
    }
}
