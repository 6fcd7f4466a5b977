//! The state lock: one fix or undo at a time, across processes.
//!
//! `apply` and `undo` hold an exclusive `flock` on `<state dir>/lock` from the check that the
//! files are still as planned through the writes and the journal. A second process waits a
//! short time, then refuses and names the holder (its pid and command line are written into
//! the lock file). The lock is released when the guard is dropped, and by the kernel when the
//! process dies, so a `kill -9` never leaves it stuck.
//!
//! Holding it, the run also tidies up after earlier runs: it moves the state of older versions
//! (`~/.claude-auth-tui/`) into the state folder and removes temp files left by killed runs.

use super::FixError;
use super::atomic;
use super::journal;
use crate::env::Environment;
use std::fs;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a second fix waits for the first before refusing.
pub const LOCK_WAIT: Duration = Duration::from_secs(5);
const POLL: Duration = Duration::from_millis(50);
/// The lock file's name in the state folder.
pub const LOCK_FILE: &str = "lock";

/// Held while files are checked, backed up, written and journaled. Dropping it unlocks.
#[derive(Debug)]
pub struct StateLock {
    _file: fs::File,
    /// What was tidied up on the way in (moved state, removed temp files), in plain words.
    pub notes: Vec<String>,
}

/// Takes the state lock, waiting up to [`LOCK_WAIT`]. Refuses when HOME is not a real home
/// folder. `touched` are the files the caller is about to change: their folders are searched
/// for temp files left by killed runs, with the home, config and state folders.
pub fn acquire(env: &Environment, touched: &[&Path]) -> Result<StateLock, FixError> {
    super::home_refusal(env)?;
    let dir = crate::state::state_dir(env);
    let shown = env.display_path(&dir);
    atomic::create_private_dir(&dir)
        .map_err(|e| FixError::Io(format!("cannot create {shown}: {e}")))?;
    let path = dir.join(LOCK_FILE);
    let mut file = open_lock_file(&path)
        .map_err(|e| FixError::Io(format!("cannot open {}: {e}", env.display_path(&path))))?;
    let deadline = Instant::now() + LOCK_WAIT;
    loop {
        match try_lock(&file) {
            Ok(true) => break,
            Ok(false) if Instant::now() < deadline => std::thread::sleep(POLL),
            Ok(false) => return Err(busy(env, &path, &mut file)),
            Err(e) => {
                return Err(FixError::Io(format!(
                    "cannot lock {}: {e}",
                    env.display_path(&path)
                )));
            }
        }
    }
    // Who holds it, for the message a second process shows. Best effort.
    let _ = file
        .set_len(0)
        .and_then(|()| file.rewind())
        .and_then(|()| file.write_all(holder_text().as_bytes()));

    let mut notes = Vec::new();
    if let Some(moved) = journal::adopt_legacy(env)? {
        notes.push(moved);
    }
    let removed = atomic::remove_stale_temps(&leftover_dirs(env, touched));
    if !removed.is_empty() {
        let names: Vec<String> = removed.iter().map(|p| env.display_path(p)).collect();
        notes.push(format!(
            "Removed {} temp file(s) left by an interrupted claude-auth-tui run: {}",
            removed.len(),
            names.join(", ")
        ));
    }
    Ok(StateLock { _file: file, notes })
}

/// Opens (or creates, 0600) the lock file without following a symlink and without blocking on
/// a FIFO, and makes sure it is a regular file.
fn open_lock_file(path: &Path) -> std::io::Result<fs::File> {
    #[cfg(unix)]
    let file = {
        use rustix::fs::{Mode, OFlags};
        let flags =
            OFlags::RDWR | OFlags::CREATE | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
        fs::File::from(rustix::fs::open(path, flags, Mode::from_raw_mode(0o600))?)
    };
    #[cfg(not(unix))]
    let file = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other("is not a regular file"));
    }
    Ok(file)
}

/// `Ok(false)`: another process holds it.
fn try_lock(file: &fs::File) -> std::io::Result<bool> {
    #[cfg(unix)]
    {
        use rustix::fs::{FlockOperation, flock};
        match flock(file, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => Ok(true),
            Err(rustix::io::Errno::WOULDBLOCK) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
    #[cfg(not(unix))]
    {
        match file.try_lock() {
            Ok(()) => Ok(true),
            Err(fs::TryLockError::WouldBlock) => Ok(false),
            Err(fs::TryLockError::Error(e)) => Err(e),
        }
    }
}

/// `pid <n>\n<command line>\n`, the command line cut short and without control characters.
fn holder_text() -> String {
    let command: String = std::env::args()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    format!("pid {}\n{command}\n", std::process::id())
}

fn busy(env: &Environment, path: &Path, file: &mut fs::File) -> FixError {
    let mut text = String::new();
    let _ = file
        .rewind()
        .and_then(|()| file.take(1024).read_to_string(&mut text));
    let mut lines = text.lines();
    let pid = lines
        .next()
        .and_then(|l| l.strip_prefix("pid "))
        .and_then(|p| p.trim().parse::<u32>().ok());
    // Written by another process: shown without control characters.
    let command: String = lines
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    let who = match (pid, command.is_empty()) {
        (Some(pid), false) => format!("process {pid} (`{command}`)"),
        (Some(pid), true) => format!("process {pid}"),
        (None, _) => "another claude-auth-tui process".to_string(),
    };
    FixError::Refused(format!(
        "another fix or undo is running: {who} holds {} (waited {} s). Nothing was changed; \
         run it again when that one has finished",
        env.display_path(path),
        LOCK_WAIT.as_secs()
    ))
}

/// Folders where a killed run may have left temp files: the home, the config and state
/// folders (and the backup folders in it), and the folders of the files about to change and of
/// every file in the journal (their real folders too, when they are symlinks).
fn leftover_dirs(env: &Environment, touched: &[&Path]) -> Vec<PathBuf> {
    let state = crate::state::state_dir(env);
    let mut dirs = vec![
        env.home().to_path_buf(),
        env.claude_config_dir(),
        state.clone(),
    ];
    if let Ok(entries) = fs::read_dir(journal::backups_dir(env)) {
        dirs.extend(entries.flatten().map(|e| e.path()));
    }
    let journaled = journal::journaled_paths(env);
    for file in touched
        .iter()
        .copied()
        .chain(journaled.iter().map(PathBuf::as_path))
    {
        if let Some(parent) = file.parent() {
            dirs.push(parent.to_path_buf());
        }
        if let Some(parent) = fs::canonicalize(file)
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
        {
            dirs.push(parent);
        }
    }
    dirs.sort();
    dirs.dedup();
    dirs
}
