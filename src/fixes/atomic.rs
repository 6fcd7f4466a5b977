//! Crash-safe file writes: a temp file in the same folder, fsync, permissions, rename, fsync of
//! the folder. A reader (or a crash) sees the old bytes or the new ones, never a mix.

use sha2::{Digest, Sha256};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The permissions of a file that holds a secret and is created by us.
pub const SECRET_MODE: u32 = 0o600;

/// SHA-256 of some bytes, as lowercase hex.
#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    crate::secret::lower_hex(&Sha256::digest(bytes))
}

/// A file's bytes and permission bits, or `None` when it does not exist.
pub fn read_state(path: &Path) -> io::Result<Option<(Vec<u8>, Option<u32>)>> {
    let file = crate::files::read_bytes(path, crate::files::MAX_EDITED_FILE_BYTES)?;
    Ok(file.map(|f| (f.bytes, f.mode)))
}

/// A file's length, SHA-256 and permission bits, streamed (any size), or `None` when it does
/// not exist. Special files are refused as by every reader.
pub fn fingerprint_state(path: &Path) -> io::Result<Option<(u64, String, Option<u32>)>> {
    let Some(open) = crate::files::open_regular(path)? else {
        return Ok(None);
    };
    let mode = mode_of(&open.meta);
    let (len, sha) = super::span_edit::fingerprint(io::BufReader::new(open.file))?;
    Ok(Some((len, sha, mode)))
}

/// Permission bits of a file, when the platform has them.
#[cfg(unix)]
#[must_use]
pub fn mode_of(meta: &fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    Some(meta.permissions().mode() & 0o7777)
}

#[cfg(not(unix))]
#[must_use]
pub fn mode_of(_meta: &fs::Metadata) -> Option<u32> {
    None
}

/// Sets permission bits (a no-op where the platform has none).
pub fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = (path, mode);
        Ok(())
    }
}

/// Where a write to `path` really lands: a symlinked profile (dotfile managers) is written
/// through, so the link stays a link. A dangling link is written at the place it points to.
fn resolve_target(path: &Path) -> io::Result<PathBuf> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => match fs::canonicalize(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let link = fs::read_link(path)?;
                Ok(path.parent().unwrap_or(Path::new("")).join(link))
            }
            other => other,
        },
        _ => Ok(path.to_path_buf()),
    }
}

/// How our temp files start: `.claude-auth-tui-<pid>-<random>.tmp`. The pid lets a later run
/// tell the leftovers of a killed run from the temp file of a run still going.
pub const TEMP_PREFIX: &str = ".claude-auth-tui-";
const TEMP_SUFFIX: &str = ".tmp";

/// Writes `bytes` to `path` atomically with permissions `mode`, keeping the owner where allowed.
/// Missing parent folders are created. The temp file stays 0600 until just before the rename,
/// so a run killed half-way never leaves a readable copy of a secret. A hard-linked file is
/// written in place instead, so every link keeps seeing it (see [`write_in_place`]).
/// `fail_before_rename` is the fault-injection hook: the temp file is written and synced, then
/// the write is abandoned as a crash would.
pub fn write_atomic(
    path: &Path,
    bytes: &[u8],
    mode: u32,
    fail_before_rename: bool,
) -> io::Result<()> {
    let hook = if fail_before_rename {
        BeforeRename::Fail
    } else {
        BeforeRename::Proceed
    };
    write_atomic_with(path, bytes, mode, hook)
}

/// What happens between the temp file's sync and its rename: the fault-injection points of
/// tests that prove an interrupted write leaves nothing readable behind.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BeforeRename {
    #[default]
    Proceed,
    /// Give up with an error (the temp file is removed, as after any failed write).
    Fail,
    /// Abort the process, as a crash or `kill -9` would: the temp file stays behind.
    Abort,
}

/// [`write_atomic`] with a fault-injection point.
#[doc(hidden)]
pub fn write_atomic_with(
    path: &Path,
    bytes: &[u8],
    mode: u32,
    hook: BeforeRename,
) -> io::Result<()> {
    write_atomic_from(path, &mut &bytes[..], mode, hook)
}

/// [`write_atomic_with`] from a stream: the new contents are copied from `source` as they are
/// read, so a file of any size is written in fixed memory. An error from `source` abandons the
/// write (the temp file is removed; a hard-linked file, written in place, is left part-written
/// for the caller's backup to restore).
pub fn write_atomic_from(
    path: &Path,
    source: &mut dyn io::Read,
    mode: u32,
    hook: BeforeRename,
) -> io::Result<()> {
    let fail_before_rename = hook == BeforeRename::Fail;
    let target = resolve_target(path)?;
    if is_hard_linked(&target) {
        if fail_before_rename {
            return Err(io::Error::other(
                "fault injected: stopped before the in-place write",
            ));
        }
        return write_in_place(&target, source, mode);
    }
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let mut tmp = new_temp(dir)?;
    {
        let mut out = io::BufWriter::with_capacity(256 * 1024, tmp.as_file_mut());
        io::copy(source, &mut out)?;
        out.flush()?;
    }
    tmp.as_file().sync_all()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Keep the original owner when we may (running under sudo); never fail over it.
        if let Ok(old) = fs::metadata(&target) {
            let new = tmp.as_file().metadata()?;
            if (old.uid(), old.gid()) != (new.uid(), new.gid()) {
                let _ = std::os::unix::fs::fchown(tmp.as_file(), Some(old.uid()), Some(old.gid()));
            }
        }
    }
    match hook {
        BeforeRename::Proceed => {}
        BeforeRename::Fail => {
            return Err(io::Error::other(
                "fault injected: stopped before the rename",
            ));
        }
        BeforeRename::Abort => std::process::abort(),
    }
    // The kept mode, only now: until here the temp file was private.
    set_file_mode(tmp.as_file(), mode)?;
    tmp.persist(&target).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
}

/// A new private (0600) temp file in `dir`, named after this process.
fn new_temp(dir: &Path) -> io::Result<tempfile::NamedTempFile> {
    let prefix = format!("{TEMP_PREFIX}{}-", std::process::id());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(TEMP_SUFFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(SECRET_MODE));
    }
    builder.tempfile_in(dir)
}

fn set_file_mode(file: &fs::File, mode: u32) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = (file, mode);
        Ok(())
    }
}

/// Whether `path` is a regular file with more than one hard link (a dotfiles checkout linked
/// into the home folder): replacing it by rename would cut the link and leave the other copy
/// stale.
#[must_use]
pub fn is_hard_linked(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        fs::metadata(path).is_ok_and(|m| m.is_file() && m.nlink() > 1)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

/// Rewrites a file's own bytes (same inode, so every hard link sees the change), then syncs it.
/// Not atomic: the caller has a verified backup and a journal entry first, so an interrupted
/// write is put right by `undo`.
fn write_in_place(path: &Path, source: &mut dyn io::Read, mode: u32) -> io::Result<()> {
    let mut file = fs::OpenOptions::new().write(true).open(path)?;
    let written = {
        let mut out = io::BufWriter::with_capacity(256 * 1024, &mut file);
        let n = io::copy(source, &mut out)?;
        out.flush()?;
        n
    };
    file.set_len(written)?;
    file.sync_all()?;
    let current = mode_of(&file.metadata()?);
    if current.is_some_and(|m| m != mode) {
        set_file_mode(&file, mode)?;
    }
    Ok(())
}

/// Removes the temp files (`.claude-auth-tui-<pid>-*.tmp`) that runs killed half-way left in
/// `dirs`, and returns them. A temp file of a process still running is left alone. Call it
/// while holding the state lock, so no other fix is writing.
#[must_use]
pub fn remove_stale_temps(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for dir in dirs {
        if !seen.insert(dir.clone()) {
            continue;
        }
        let Ok(entries) = fs::read_dir(dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let is_ours = name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX);
            let is_file = entry.file_type().is_ok_and(|t| t.is_file());
            if is_ours && is_file && !writer_is_alive(name) {
                let path = entry.path();
                if fs::remove_file(&path).is_ok() {
                    removed.push(path);
                }
            }
        }
    }
    removed
}

/// Whether the process that named this temp file is still running (then it is not a leftover).
/// Names without a pid come from older versions: always leftovers.
fn writer_is_alive(name: &str) -> bool {
    let rest = &name[TEMP_PREFIX.len()..];
    let Some(pid) = rest
        .split_once('-')
        .and_then(|(pid, _)| pid.parse::<i32>().ok())
    else {
        return false;
    };
    if u32::try_from(pid).ok() == Some(std::process::id()) {
        // Our own: we hold the lock and are not writing right now, unless another thread of
        // this process (the wizard saving a report) is; leave those.
        return true;
    }
    process_alive(pid)
}

#[cfg(unix)]
fn process_alive(pid: i32) -> bool {
    match rustix::process::Pid::from_raw(pid) {
        Some(pid) => !matches!(
            rustix::process::test_kill_process(pid),
            Err(rustix::io::Errno::SRCH)
        ),
        None => false,
    }
}

#[cfg(not(unix))]
fn process_alive(_pid: i32) -> bool {
    true
}

/// Removes a file and makes the removal durable.
pub fn remove_durably(path: &Path) -> io::Result<()> {
    fs::remove_file(path)?;
    if let Some(dir) = path.parent() {
        sync_dir(dir);
    }
    Ok(())
}

/// fsyncs a folder so a rename or removal in it survives a crash (best effort: some file systems
/// refuse to sync a folder, and the rename has happened either way).
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = crate::files::open_directory(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Creates a folder (and parents) readable only by the user.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    set_mode(dir, 0o700)
}
