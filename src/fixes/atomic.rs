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
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A file's bytes and permission bits, or `None` when it does not exist.
pub fn read_state(path: &Path) -> io::Result<Option<(Vec<u8>, Option<u32>)>> {
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(Some((fs::read(path)?, mode_of(&meta)))),
        Ok(_) => Err(io::Error::other("is not a regular file")),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if fs::symlink_metadata(path).is_ok() {
                Err(io::Error::other("is a symbolic link to nothing"))
            } else {
                Ok(None)
            }
        }
        Err(e) => Err(e),
    }
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
/// through, so the link stays a link.
fn resolve_target(path: &Path) -> io::Result<PathBuf> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => fs::canonicalize(path),
        _ => Ok(path.to_path_buf()),
    }
}

/// Writes `bytes` to `path` atomically with permissions `mode`, keeping the owner where allowed.
/// Missing parent folders are created. `fail_before_rename` is the fault-injection hook: the
/// temp file is written and synced, then the write is abandoned as a crash would.
pub fn write_atomic(
    path: &Path,
    bytes: &[u8],
    mode: u32,
    fail_before_rename: bool,
) -> io::Result<()> {
    let target = resolve_target(path)?;
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".claude-auth-tui-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.flush()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(mode))?;
        // Keep the original owner when we may (running under sudo); never fail over it.
        if let Ok(old) = fs::metadata(&target) {
            let new = tmp.as_file().metadata()?;
            if (old.uid(), old.gid()) != (new.uid(), new.gid()) {
                let _ = std::os::unix::fs::fchown(tmp.as_file(), Some(old.uid()), Some(old.gid()));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = mode;
    tmp.as_file().sync_all()?;
    if fail_before_rename {
        return Err(io::Error::other(
            "fault injected: stopped before the rename",
        ));
    }
    tmp.persist(&target).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
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
    if let Ok(d) = fs::File::open(dir) {
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
