//! Careful file reading: never blocks on a FIFO, never loads a huge file, never fails on odd
//! encodings. Every problem becomes a value with a plain-words description.

use std::fs;
use std::io::{BufRead, Read};
use std::path::Path;

/// Files larger than this are not read: credentials, settings and profiles are small.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// The largest file a fix reads, changes or backs up (`~/.claude.json` of a heavy user can be
/// tens of MB).
pub const MAX_EDITED_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The largest undo journal read.
pub const MAX_JOURNAL_BYTES: u64 = 16 * 1024 * 1024;

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

/// Reads a text file with the default size limit. Directories, FIFOs, sockets and devices are
/// refused without blocking.
#[must_use]
pub fn read_text(path: &Path) -> FileRead {
    read_text_limited(path, MAX_FILE_BYTES)
}

/// Like [`read_text`] with an explicit limit.
#[must_use]
pub fn read_text_limited(path: &Path, limit: u64) -> FileRead {
    match read_bytes(path, limit) {
        Ok(None) => FileRead::Missing,
        Err(e) => FileRead::Problem(e.to_string()),
        Ok(Some(file)) => {
            let (text, utf8) = decode(&file.bytes);
            FileRead::Text(TextFile {
                text,
                utf8,
                mode: file.mode,
            })
        }
    }
}

/// Why a file could not be read. Its `Display` is plain words that follow the file's name
/// ("~/.bashrc is a directory, not a file").
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// A directory, FIFO, socket or device: never opened for reading, never waited on.
    NotRegular(&'static str),
    TooLarge {
        size: u64,
        limit: u64,
    },
    /// The size passed the limit while being read (a file still being written, a special file
    /// that claims size 0).
    Grew {
        limit: u64,
    },
    DanglingLink,
    Io(String),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotRegular(what) => write!(f, "{what}"),
            Self::TooLarge { size, limit } => write!(
                f,
                "is too large to be what it should be ({size} bytes; limit {limit})"
            ),
            Self::Grew { limit } => write!(f, "grew past the {limit}-byte limit while being read"),
            Self::DanglingLink => write!(f, "is a symbolic link to nothing"),
            Self::Io(why) => write!(f, "{why}"),
        }
    }
}

impl std::error::Error for ReadError {}

impl From<ReadError> for std::io::Error {
    fn from(e: ReadError) -> Self {
        Self::other(e.to_string())
    }
}

/// A whole file's bytes and its permission bits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BytesFile {
    pub bytes: Vec<u8>,
    pub mode: Option<u32>,
}

/// Reads a regular file of at most `limit` bytes; `Ok(None)` when it does not exist. The one
/// reader for every file the tool reads (settings, credentials, profiles, CA bundles, the
/// journal, backups, files a fix is about to change).
pub fn read_bytes(path: &Path, limit: u64) -> Result<Option<BytesFile>, ReadError> {
    let Some(OpenFile { file, meta }) = open_regular(path)? else {
        return Ok(None);
    };
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // The size may grow between fstat and read: still never read more than the limit.
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::Io(describe_io_error(&e)))?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::Grew { limit });
    }
    Ok(Some(BytesFile {
        bytes,
        mode: mode_of(&meta),
    }))
}

/// A regular file opened for reading, and its metadata (taken from the open file).
#[derive(Debug)]
pub struct OpenFile {
    pub file: fs::File,
    pub meta: fs::Metadata,
}

/// Opens a regular file for reading, without a size limit, for readers that stream (such as
/// `~/.claude.json`): FIFOs, devices, sockets and directories are refused without blocking;
/// `Ok(None)` when it does not exist.
///
/// Two steps, so that neither a special file nor a swap between them gets through: the path is
/// looked at first (a device is never even opened), then opened with `O_NONBLOCK` (opening a
/// FIFO does not wait for a writer) and the open file itself is checked. `O_NONBLOCK` changes
/// nothing for reading a regular file.
pub fn open_regular(path: &Path) -> Result<Option<OpenFile>, ReadError> {
    match fs::metadata(path) {
        Ok(meta) => refuse_special(&meta)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // A dangling symlink is "missing" to the CLI too, but say so.
            return match fs::symlink_metadata(path) {
                Ok(_) => Err(ReadError::DanglingLink),
                Err(_) => Ok(None),
            };
        }
        Err(e) => return Err(ReadError::Io(describe_io_error(&e))),
    }
    let file = match open_nonblocking(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(ReadError::Io(describe_io_error(&e))),
    };
    let meta = file
        .metadata()
        .map_err(|e| ReadError::Io(describe_io_error(&e)))?;
    refuse_special(&meta)?;
    Ok(Some(OpenFile { file, meta }))
}

/// [`open_regular`] for a file that must exist (a backup, a file a fix streams): a missing one
/// is an error too.
pub fn open_existing(path: &Path) -> std::io::Result<fs::File> {
    match open_regular(path)? {
        Some(open) => Ok(open.file),
        None => Err(std::io::ErrorKind::NotFound.into()),
    }
}

/// The longest line read from standard input (a key, a yes/no answer).
pub const MAX_LINE_BYTES: u64 = 64 * 1024;

/// Reads one line of at most [`MAX_LINE_BYTES`]: standard input that is `/dev/zero` or a
/// stream without line breaks ends the read instead of filling memory.
pub fn read_line_bounded(input: &mut dyn BufRead, line: &mut String) -> std::io::Result<usize> {
    input.take(MAX_LINE_BYTES).read_line(line)
}

/// Opens a directory (to fsync it after a rename). Anything else is refused at once, a FIFO
/// put in its place included, instead of blocking.
pub fn open_directory(path: &Path) -> std::io::Result<fs::File> {
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt;
        let flags = (OFlags::DIRECTORY | OFlags::NONBLOCK).bits();
        fs::OpenOptions::new()
            .read(true)
            .custom_flags(i32::try_from(flags).unwrap_or(0))
            .open(path)
    }
    #[cfg(not(unix))]
    {
        fs::File::open(path)
    }
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<fs::File> {
    use rustix::fs::OFlags;
    use std::os::unix::fs::OpenOptionsExt;
    // NOCTTY: a terminal device swapped in must not become our controlling terminal.
    let flags = (OFlags::NONBLOCK | OFlags::NOCTTY).bits();
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(i32::try_from(flags).unwrap_or(0))
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<fs::File> {
    fs::File::open(path)
}

fn refuse_special(meta: &fs::Metadata) -> Result<(), ReadError> {
    if meta.is_file() {
        return Ok(());
    }
    if meta.is_dir() {
        return Err(ReadError::NotRegular("is a directory, not a file"));
    }
    Err(ReadError::NotRegular(special_kind(meta)))
}

#[cfg(unix)]
fn special_kind(meta: &fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_fifo() {
        "is a FIFO (named pipe), not a regular file"
    } else if t.is_char_device() || t.is_block_device() {
        "is a device (such as /dev/zero), not a regular file"
    } else if t.is_socket() {
        "is a socket, not a regular file"
    } else {
        "is not a regular file"
    }
}

#[cfg(not(unix))]
fn special_kind(_meta: &fs::Metadata) -> &'static str {
    "is not a regular file"
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
#[allow(clippy::unnecessary_wraps)] // `None` where the platform has no permission bits
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
    fn devices_are_refused_by_every_entry_point() {
        let tmp = tempfile::tempdir().unwrap();
        let zero = tmp.path().join("zero");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        let device = ReadError::NotRegular("is a device (such as /dev/zero), not a regular file");
        assert_eq!(read_bytes(&zero, 1 << 20), Err(device.clone()));
        assert_eq!(open_regular(&zero).unwrap_err(), device);
        assert!(matches!(read_text(&zero), FileRead::Problem(p) if p.contains("device")));
        assert!(open_directory(&zero).is_err());
        assert!(open_directory(tmp.path()).is_ok());
        assert_eq!(read_bytes(&tmp.path().join("nope"), 10), Ok(None));
        let small = tmp.path().join("small");
        fs::write(&small, b"12345").unwrap();
        assert_eq!(
            read_bytes(&small, 4),
            Err(ReadError::TooLarge { size: 5, limit: 4 })
        );
        assert_eq!(read_bytes(&small, 5).unwrap().unwrap().bytes, b"12345");
    }

    #[test]
    fn a_line_from_endless_input_is_bounded() {
        let mut endless = std::io::BufReader::new(std::io::repeat(b'k'));
        let mut line = String::new();
        let n = read_line_bounded(&mut endless, &mut line).unwrap();
        assert_eq!(n as u64, MAX_LINE_BYTES);
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
