//! Careful file reading: never blocks on a FIFO, never loads a huge file, never fails on odd
//! encodings. Every problem becomes a value with a plain-words description.

use std::fs;
use std::io::Read;
use std::path::Path;

/// Files larger than this are not read: credentials, settings and profiles are small.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// A text file as read, or why it could not be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileRead {
    Missing,
    Text(TextFile),
    Problem(String),
}

/// A file's contents (decoded lossily when not UTF-8) and its mode bits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextFile {
    pub text: String,
    /// Whether the bytes were valid UTF-8 (a BOM is stripped and counts as valid).
    pub utf8: bool,
    /// Unix permission bits, when known.
    pub mode: Option<u32>,
}

impl FileRead {
    #[must_use]
    pub fn text(&self) -> Option<&str> {
        match self {
            Self::Text(t) => Some(&t.text),
            _ => None,
        }
    }

    #[must_use]
    pub fn exists(&self) -> bool {
        !matches!(self, Self::Missing)
    }
}

/// Reads a text file with a size limit. Directories, FIFOs, sockets and devices are refused
/// before opening, so nothing blocks.
#[must_use]
pub fn read_text(path: &Path) -> FileRead {
    read_text_limited(path, MAX_FILE_BYTES)
}

/// Like [`read_text`] with an explicit limit.
#[must_use]
pub fn read_text_limited(path: &Path, limit: u64) -> FileRead {
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // A dangling symlink is "missing" to the CLI too, but say so.
            return match fs::symlink_metadata(path) {
                Ok(_) => FileRead::Problem("is a symbolic link to nothing".to_string()),
                Err(_) => FileRead::Missing,
            };
        }
        Err(e) => return FileRead::Problem(describe_io_error(&e)),
    };
    if meta.is_dir() {
        return FileRead::Problem("is a directory, not a file".to_string());
    }
    if !meta.is_file() {
        return FileRead::Problem("is not a regular file (a FIFO, socket or device)".to_string());
    }
    if meta.len() > limit {
        return FileRead::Problem(format!(
            "is too large to be what it should be ({} bytes; limit {limit})",
            meta.len()
        ));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    let file = match fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return FileRead::Problem(describe_io_error(&e)),
    };
    // The size may grow between stat and read: still never read more than the limit.
    if let Err(e) = file.take(limit + 1).read_to_end(&mut bytes) {
        return FileRead::Problem(describe_io_error(&e));
    }
    if bytes.len() as u64 > limit {
        return FileRead::Problem(format!("grew past the {limit}-byte limit while being read"));
    }
    let (text, utf8) = decode(&bytes);
    FileRead::Text(TextFile {
        text,
        utf8,
        mode: mode_of(&meta),
    })
}

/// Decodes bytes as UTF-8 (dropping a BOM); UTF-16 with a BOM is decoded too; anything else
/// lossily.
#[must_use]
pub fn decode(bytes: &[u8]) -> (String, bool) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return decode(rest);
    }
    if let Some(utf16) = decode_utf16_bom(bytes) {
        return (utf16, false);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), true),
        Err(_) => (String::from_utf8_lossy(bytes).into_owned(), false),
    }
}

fn decode_utf16_bom(bytes: &[u8]) -> Option<String> {
    let little = match bytes.get(..2)? {
        [0xFF, 0xFE] => true,
        [0xFE, 0xFF] => false,
        _ => return None,
    };
    let units: Vec<u16> = bytes[2..]
        .chunks_exact(2)
        .map(|c| {
            if little {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        })
        .collect();
    Some(String::from_utf16_lossy(&units))
}

#[cfg(unix)]
fn mode_of(meta: &fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    Some(meta.permissions().mode() & 0o7777)
}

#[cfg(not(unix))]
fn mode_of(_meta: &fs::Metadata) -> Option<u32> {
    None
}

/// Plain words for an I/O error.
#[must_use]
pub fn describe_io_error(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "cannot be read (permission denied)".to_string(),
        std::io::ErrorKind::NotFound => "does not exist".to_string(),
        _ if e.raw_os_error() == Some(40) => {
            "cannot be read (too many levels of symbolic links)".to_string()
        }
        _ => format!("cannot be read ({e})"),
    }
}

/// Finds the 1-based line of the first occurrence of `needle`, for `file:line` evidence.
#[must_use]
pub fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_directory_and_large_files() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(read_text(&tmp.path().join("nope")), FileRead::Missing);
        assert!(matches!(read_text(tmp.path()), FileRead::Problem(p) if p.contains("directory")));
        let big = tmp.path().join("big");
        fs::write(&big, vec![b'a'; 2048]).unwrap();
        assert!(
            matches!(read_text_limited(&big, 1024), FileRead::Problem(p) if p.contains("too large"))
        );
    }

    #[cfg(unix)]
    #[test]
    fn fifo_is_refused_without_blocking() {
        let tmp = tempfile::tempdir().unwrap();
        let fifo = tmp.path().join("fifo");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        assert!(matches!(read_text(&fifo), FileRead::Problem(p) if p.contains("FIFO")));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loop_and_dangling_link() {
        let tmp = tempfile::tempdir().unwrap();
        let a = tmp.path().join("a");
        let b = tmp.path().join("b");
        std::os::unix::fs::symlink(&b, &a).unwrap();
        std::os::unix::fs::symlink(&a, &b).unwrap();
        assert!(matches!(read_text(&a), FileRead::Problem(_)));
        let dangling = tmp.path().join("d");
        std::os::unix::fs::symlink(tmp.path().join("gone"), &dangling).unwrap();
        assert!(matches!(read_text(&dangling), FileRead::Problem(p) if p.contains("nothing")));
    }

    #[test]
    fn decodes_bom_utf16_and_invalid_utf8() {
        assert_eq!(decode(b"\xEF\xBB\xBF{}"), ("{}".to_string(), true));
        let utf16: Vec<u8> = [0xFF, 0xFE, b'{', 0, b'}', 0].to_vec();
        assert_eq!(decode(&utf16).0, "{}");
        let (text, ok) = decode(b"ab\xFFcd");
        assert!(!ok);
        assert!(text.starts_with("ab"));
    }

    #[test]
    fn line_numbers_are_one_based() {
        assert_eq!(line_of("a\nb\nc", "c"), Some(3));
        assert_eq!(line_of("a", "z"), None);
    }
}
