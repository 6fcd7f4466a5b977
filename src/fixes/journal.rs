//! Backups and the undo journal, in the tool's state folder ([`crate::state::state_dir`]):
//! `backups/` and `journal.json`. Every change to them happens under the state lock
//! ([`super::lock`]).
//!
//! The journal is written ahead: an entry is recorded (as `pending`) after the backups are taken
//! and before any file is changed, then marked `applied`. After a crash, undo still knows every
//! file the fix may have touched and puts back only those that changed.

use super::FixError;
use super::atomic::{self, SECRET_MODE};
use super::lock;
use crate::env::Environment;
use crate::files;
use crate::ids::FixId;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// Entries kept in the journal; older ones are dropped (their backups stay on disk).
const MAX_ENTRIES: usize = 200;

/// Where an applied fix stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryStatus {
    /// Backups taken, files being written (a crash leaves this).
    Pending,
    Applied,
    Undone,
}

/// One file a fix changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalFile {
    pub path: PathBuf,
    /// The copy of the original; `None` when the file did not exist or only its permissions
    /// changed.
    pub backup: Option<PathBuf>,
    /// `None`: the file did not exist before.
    pub before_sha256: Option<String>,
    /// `None`: the fix removed the file.
    pub after_sha256: Option<String>,
    pub mode_before: Option<u32>,
    pub mode_after: Option<u32>,
    /// Where `path` pointed when it was a symbolic link: undo of a removal puts the link back,
    /// not a copy of the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_target: Option<PathBuf>,
}

/// An applied fix, as recorded in the journal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UndoEntry {
    /// Also the backup folder's name: `<timestamp>-<fix>-<n>`.
    pub id: String,
    pub fix: FixId,
    /// When it was applied (RFC 3339, UTC).
    pub time: String,
    pub status: EntryStatus,
    pub backup_dir: PathBuf,
    pub files: Vec<JournalFile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undone_at: Option<String>,
    /// A macOS Keychain item the fix removed (backed up like a file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keychain: Option<super::keychain_store::JournalKeychain>,
}

impl UndoEntry {
    /// The entry `apply` returns for a plan that changes no file (it is not journaled).
    #[must_use]
    pub fn nothing(fix: FixId) -> Self {
        Self {
            id: String::new(),
            fix,
            time: now_rfc3339(),
            status: EntryStatus::Applied,
            backup_dir: PathBuf::new(),
            files: Vec::new(),
            undone_at: None,
            keychain: None,
        }
    }
}

/// What an undo did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UndoReport {
    pub entry: UndoEntry,
    /// Files put back as they were.
    pub restored: Vec<PathBuf>,
    /// Files that already were as before (a fix interrupted before it wrote them).
    pub unchanged: Vec<PathBuf>,
    /// What was tidied up first (state moved from an older version, leftover temp files).
    pub notes: Vec<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Journal {
    version: u32,
    entries: Vec<UndoEntry>,
}

const JOURNAL_FILE: &str = "journal.json";
const BACKUPS: &str = "backups";

fn journal_path(env: &Environment) -> PathBuf {
    crate::state::state_dir(env).join(JOURNAL_FILE)
}

/// The folder all backups go in.
#[must_use]
pub fn backups_dir(env: &Environment) -> PathBuf {
    crate::state::state_dir(env).join(BACKUPS)
}

fn io_err(what: &str, path: &Path, env: &Environment, e: &std::io::Error) -> FixError {
    FixError::Io(format!("{what} {}: {e}", env.display_path(path)))
}

/// The journal; until a fix or undo moves it, an older version's journal is read where it is.
fn load(env: &Environment) -> Result<Journal, FixError> {
    match load_file(env, &journal_path(env))? {
        Some(journal) => Ok(journal),
        None => Ok(
            load_file(env, &crate::state::legacy_state_dir(env).join(JOURNAL_FILE))?
                .unwrap_or_else(empty_journal),
        ),
    }
}

fn empty_journal() -> Journal {
    Journal {
        version: 1,
        entries: Vec::new(),
    }
}

/// `None`: there is no journal at `path`.
fn load_file(env: &Environment, path: &Path) -> Result<Option<Journal>, FixError> {
    match read_bounded(path, files::MAX_JOURNAL_BYTES) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
            FixError::Journal(format!(
                "{} is damaged ({e}); move it aside to start a new one",
                env.display_path(path)
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_err("cannot read", path, env, &e)),
    }
}

/// Reads a regular file of at most `limit` bytes through the one bounded reader: a FIFO, a
/// device (`/dev/zero`) or a huge file in the journal's or a backup's place is refused instead
/// of hanging or filling memory.
fn read_bounded(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    match files::read_bytes(path, limit)? {
        Some(file) => Ok(file.bytes),
        None => Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "does not exist",
        )),
    }
}

fn save(env: &Environment, journal: &Journal) -> Result<(), FixError> {
    let path = journal_path(env);
    let mut text = serde_json::to_vec_pretty(journal)
        .map_err(|e| FixError::Journal(format!("cannot encode the journal: {e}")))?;
    text.push(b'\n');
    atomic::create_private_dir(&crate::state::state_dir(env))
        .and_then(|()| atomic::write_atomic(&path, &text, SECRET_MODE, false))
        .map_err(|e| io_err("cannot write", &path, env, &e))
}

/// Loads the journal for a change. A damaged journal is moved aside (kept for the user) so that
/// fixes keep working.
fn load_for_update(env: &Environment) -> Result<Journal, FixError> {
    match load(env) {
        Err(FixError::Journal(_)) => {
            let path = journal_path(env);
            let aside = path.with_extension(format!("damaged-{}.json", timestamp()));
            fs::rename(&path, &aside).map_err(|e| io_err("cannot move aside", &path, env, &e))?;
            Ok(empty_journal())
        }
        other => other,
    }
}

/// Records a new entry (written ahead of the file changes).
pub(crate) fn append(env: &Environment, entry: &UndoEntry) -> Result<(), FixError> {
    let mut journal = load_for_update(env)?;
    journal.version = 1;
    journal.entries.push(entry.clone());
    let excess = journal.entries.len().saturating_sub(MAX_ENTRIES);
    journal.entries.drain(..excess);
    save(env, &journal)
}

/// Changes an entry's status; `None` drops it (a fix that failed cleanly and was rolled back).
pub(crate) fn update(
    env: &Environment,
    id: &str,
    status: Option<EntryStatus>,
) -> Result<Option<UndoEntry>, FixError> {
    let mut journal = load(env)?;
    let Some(index) = journal.entries.iter().position(|e| e.id == id) else {
        return Ok(None);
    };
    let result = if let Some(status) = status {
        let entry = &mut journal.entries[index];
        entry.status = status;
        if status == EntryStatus::Undone {
            entry.undone_at = Some(now_rfc3339());
        }
        Some(entry.clone())
    } else {
        journal.entries.remove(index);
        None
    };
    save(env, &journal)?;
    Ok(result)
}

/// Every recorded fix, newest first (undone ones included, marked as such).
#[must_use]
pub fn list_undo(env: &Environment) -> Vec<UndoEntry> {
    load(env)
        .map(|j| j.entries.into_iter().rev().collect())
        .unwrap_or_default()
}

/// A fresh backup folder `<timestamp>-<fix>-<n>` (mode 0700).
pub(crate) fn new_backup_dir(env: &Environment, fix: FixId) -> Result<(String, PathBuf), FixError> {
    let root = backups_dir(env);
    atomic::create_private_dir(&crate::state::state_dir(env))
        .and_then(|()| atomic::create_private_dir(&root))
        .map_err(|e| io_err("cannot create", &root, env, &e))?;
    let stamp = timestamp();
    for n in 1..1000 {
        let id = format!("{stamp}-{fix}-{n}");
        let dir = root.join(&id);
        match fs::create_dir(&dir) {
            Ok(()) => {
                atomic::set_mode(&dir, 0o700)
                    .map_err(|e| io_err("cannot protect", &dir, env, &e))?;
                return Ok((id, dir));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(io_err("cannot create", &dir, env, &e)),
        }
    }
    Err(FixError::Io(format!(
        "too many backups named {stamp}-{fix}-… in {}",
        env.display_path(&root)
    )))
}

/// Copies the original bytes into the backup folder (0600: every file we edit may hold a
/// credential), syncs them and reads them back to prove the copy.
pub(crate) fn write_backup(
    env: &Environment,
    dir: &Path,
    original: &Path,
    bytes: &[u8],
) -> Result<PathBuf, FixError> {
    let path = backup_name(dir, original);
    atomic::write_atomic(&path, bytes, SECRET_MODE, false)
        .map_err(|e| io_err("cannot write the backup", &path, env, &e))?;
    match read_bounded(&path, files::MAX_EDITED_FILE_BYTES) {
        Ok(copy) if copy == bytes => Ok(path),
        Ok(_) => Err(FixError::Io(format!(
            "the backup {} does not read back identical; nothing was changed",
            env.display_path(&path)
        ))),
        Err(e) => Err(io_err("cannot read back the backup", &path, env, &e)),
    }
}

/// Copies a file into the backup folder as it streams (a file of any size, in fixed memory):
/// 0600, synced, then read back. Returns the backup's path with the length and SHA-256 of what
/// was copied, for the caller to compare with the plan.
pub(crate) fn stream_backup(
    env: &Environment,
    dir: &Path,
    original: &Path,
) -> Result<(PathBuf, u64, String), FixError> {
    let path = backup_name(dir, original);
    let source =
        files::open_existing(original).map_err(|e| io_err("cannot read", original, env, &e))?;
    let mut hashing = super::span_edit::HashingReader::new(std::io::BufReader::new(source));
    atomic::write_atomic_from(
        &path,
        &mut hashing,
        SECRET_MODE,
        atomic::BeforeRename::Proceed,
    )
    .map_err(|e| io_err("cannot write the backup", &path, env, &e))?;
    let (len, sha) = hashing
        .finish()
        .map_err(|e| io_err("cannot read", original, env, &e))?;
    match atomic::fingerprint_state(&path) {
        Ok(Some((_, copy, _))) if copy == sha => Ok((path, len, sha)),
        Ok(_) => Err(FixError::Io(format!(
            "the backup {} does not read back identical; nothing was changed",
            env.display_path(&path)
        ))),
        Err(e) => Err(io_err("cannot read back the backup", &path, env, &e)),
    }
}

/// A free name in the backup folder for a copy of `original` (`name`, `name.2`, …).
fn backup_name(dir: &Path, original: &Path) -> PathBuf {
    let name = original
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let mut path = dir.join(&name);
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{name}.{n}"));
        n += 1;
    }
    path
}

/// How one file stands against its journal record.
enum FileStanding {
    /// Holds what the fix wrote: put the original back.
    AsWritten,
    /// Already holds the original (the fix never got to it, or it was put back by hand).
    AsBefore,
}

fn standing(env: &Environment, file: &JournalFile) -> Result<FileStanding, FixError> {
    let shown = env.display_path(&file.path);
    // Streamed: a big `~/.claude.json` is compared without being loaded.
    let state = atomic::fingerprint_state(&file.path)
        .map_err(|e| FixError::Changed(format!("{shown} {e}")))?;
    let hash = state.as_ref().map(|(_, sha, _)| sha.clone());
    let mode = state.as_ref().and_then(|(_, _, mode)| *mode);
    let mode_only = file.before_sha256 == file.after_sha256;
    if hash == file.after_sha256 && (!mode_only || mode == file.mode_after) {
        Ok(FileStanding::AsWritten)
    } else if hash == file.before_sha256 && (!mode_only || mode == file.mode_before) {
        Ok(FileStanding::AsBefore)
    } else if state.is_none() {
        Err(FixError::Changed(format!(
            "{shown} was removed after the fix; undo would not know what to keep"
        )))
    } else {
        Err(FixError::Changed(format!(
            "{shown} changed after the fix (its contents or permissions are not what the fix \
             left); undo refuses so that your later edits are not lost. The original is kept in \
             {}",
            file.backup
                .as_deref()
                .map_or_else(|| "the journal".to_string(), |b| env.display_path(b))
        )))
    }
}

/// Puts one file back as it was before the fix. Used by undo and by a failed apply's rollback.
pub(crate) fn restore(env: &Environment, file: &JournalFile) -> Result<(), FixError> {
    let shown = env.display_path(&file.path);
    match (&file.before_sha256, &file.backup) {
        // The fix created the file: remove it.
        (None, _) => match atomic::remove_durably(&file.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(io_err("cannot remove", &file.path, env, &e))
            }
            _ => Ok(()),
        },
        (Some(sha), Some(backup)) => {
            // Streamed, so a backup of any size is restored in fixed memory: proven to be the
            // original first, then copied (and hashed again while copied).
            let backup_sha = atomic::fingerprint_state(backup)
                .map_err(|e| io_err("cannot read the backup", backup, env, &e))?
                .map(|(_, sha, _)| sha);
            if backup_sha.as_ref() != Some(sha) {
                return Err(FixError::Journal(format!(
                    "the backup {} of {shown} is not the original any more; nothing was restored",
                    env.display_path(backup)
                )));
            }
            if let Some(link) = &file.link_target {
                restore_link(env, file, link)?;
                // The link's target may still hold the original: then it is back as it was.
                if atomic::fingerprint_state(&file.path)
                    .ok()
                    .flatten()
                    .is_some_and(|(_, now, _)| &now == sha)
                {
                    return Ok(());
                }
            }
            let mode = file.mode_before.unwrap_or(SECRET_MODE);
            let source = files::open_existing(backup)
                .map_err(|e| io_err("cannot read the backup", backup, env, &e))?;
            let mut checked = super::span_edit::HashingReader::new(std::io::BufReader::new(source));
            atomic::write_atomic_from(
                &file.path,
                &mut checked,
                mode,
                atomic::BeforeRename::Proceed,
            )
            .map_err(|e| io_err("cannot restore", &file.path, env, &e))?;
            let (_, copied) = checked
                .finish()
                .map_err(|e| io_err("cannot read the backup", backup, env, &e))?;
            if &copied != sha {
                // Changed while being copied: say so rather than claim the original is back.
                return Err(FixError::Journal(format!(
                    "the backup {} of {shown} changed while it was being restored; run undo \
                     again",
                    env.display_path(backup)
                )));
            }
            Ok(())
        }
        // Only the permissions changed.
        (Some(_), None) => match file.mode_before {
            Some(mode) => atomic::set_mode(&file.path, mode)
                .map_err(|e| io_err("cannot chmod", &file.path, env, &e)),
            None => Ok(()),
        },
    }
}

/// Puts back a symbolic link the fix removed (a removed link, not its target, is what
/// remove-credentials takes away from a symlinked `.credentials.json`).
fn restore_link(env: &Environment, file: &JournalFile, link: &Path) -> Result<(), FixError> {
    match fs::symlink_metadata(&file.path) {
        Ok(meta) if meta.file_type().is_symlink() => Ok(()),
        Ok(_) => Ok(()), // a file is there again: written through below, as before.
        Err(_) => {
            #[cfg(unix)]
            {
                std::os::unix::fs::symlink(link, &file.path)
                    .map_err(|e| io_err("cannot recreate the link", &file.path, env, &e))
            }
            #[cfg(not(unix))]
            {
                let _ = (env, link);
                Ok(())
            }
        }
    }
}

/// The fix `undo_last` would undo, checked: every file still holds what the fix left (or the
/// original). Changes nothing.
pub fn pending_undo(env: &Environment) -> Result<UndoEntry, FixError> {
    let journal = load(env)?;
    let entry = journal
        .entries
        .iter()
        .rev()
        .find(|e| e.status != EntryStatus::Undone)
        .ok_or_else(|| FixError::NothingToDo("there is no fix to undo".to_string()))?;
    for file in &entry.files {
        standing(env, file)?;
    }
    if let Some(item) = &entry.keychain {
        super::keychain_store::needs_restore(env, item)?;
    }
    Ok(entry.clone())
}

/// Undoes the most recent fix that is not undone yet: restores each file's exact bytes and
/// permissions, only if every file still holds what the fix left. Marks the entry undone.
pub fn undo_last(env: &Environment) -> Result<UndoReport, FixError> {
    undo(env, None)
}

/// [`undo_last`], only if the fix to undo is still `expected_id` (the one the user was shown
/// and confirmed): checked under the lock, so a fix or undo run meanwhile by another process
/// is never taken back unseen.
pub fn undo_confirmed(env: &Environment, expected_id: &str) -> Result<UndoReport, FixError> {
    undo(env, Some(expected_id))
}

fn undo(env: &Environment, expected_id: Option<&str>) -> Result<UndoReport, FixError> {
    // The same lock as apply: an undo never interleaves with a fix or another undo, and what
    // was checked below is still true when it writes.
    let lock = lock::acquire(env, &[])?;
    let entry = pending_undo(env)?;
    if expected_id.is_some_and(|id| id != entry.id) {
        return Err(FixError::Changed(
            "the undo journal changed since you were shown what undo would restore (another \
             fix or undo ran); nothing was restored. Run undo again to see what it would undo \
             now"
            .to_string(),
        ));
    }
    let mut restored = Vec::new();
    let mut unchanged = Vec::new();
    for file in entry.files.iter().rev() {
        match standing(env, file)? {
            FileStanding::AsWritten => {
                restore(env, file)?;
                restored.push(file.path.clone());
            }
            FileStanding::AsBefore => unchanged.push(file.path.clone()),
        }
    }
    if let Some(item) = &entry.keychain {
        let shown = PathBuf::from(item.item.describe());
        if super::keychain_store::needs_restore(env, item)? {
            super::keychain_store::restore(env, item)?;
            restored.push(shown);
        } else {
            unchanged.push(shown);
        }
    }
    let entry = update(env, &entry.id, Some(EntryStatus::Undone))?.unwrap_or(entry);
    Ok(UndoReport {
        entry,
        restored,
        unchanged,
        notes: lock.notes,
    })
}

/// Every file path in the journal (where killed runs may have left temp files).
pub(crate) fn journaled_paths(env: &Environment) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = load(env)
        .map(|j| {
            j.entries
                .into_iter()
                .flat_map(|e| e.files.into_iter().map(|f| f.path))
                .collect()
        })
        .unwrap_or_default();
    paths.sort();
    paths.dedup();
    paths
}

/// Moves the state of versions before 0.2 (`~/.claude-auth-tui/`: backups, journal, reports)
/// into the state folder, merging with what is there, and points the journal's backup paths at
/// their new place. Returns what it did in plain words; `None` when there was nothing to move.
/// Runs under the state lock. A move that fails stops the fix (nothing is lost or changed).
pub(crate) fn adopt_legacy(env: &Environment) -> Result<Option<String>, FixError> {
    let legacy = crate::state::legacy_state_dir(env);
    let state = crate::state::state_dir(env);
    let is_dir = fs::symlink_metadata(&legacy).is_ok_and(|m| m.is_dir());
    if legacy == state || !is_dir {
        return Ok(None);
    }
    atomic::create_private_dir(&state).map_err(|e| io_err("cannot create", &state, env, &e))?;
    let mut left = Vec::new();
    let entries = fs::read_dir(&legacy).map_err(|e| io_err("cannot read", &legacy, env, &e))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let (from, to) = (entry.path(), state.join(&name));
        if name == JOURNAL_FILE {
            continue;
        }
        if name == "lock" {
            let _ = fs::remove_file(&from);
        } else if name == BACKUPS && to.is_dir() {
            for child in fs::read_dir(&from).into_iter().flatten().flatten() {
                move_if_absent(env, &child.path(), &to.join(child.file_name()), &mut left)?;
            }
            let _ = fs::remove_dir(&from);
        } else {
            move_if_absent(env, &from, &to, &mut left)?;
        }
    }
    let old_journal = legacy.join(JOURNAL_FILE);
    let old = match load_file(env, &old_journal) {
        // Kept for the user, beside the new journal, as a damaged current one would be.
        Err(FixError::Journal(_)) => {
            let aside = state.join(format!("journal.damaged-{}.json", timestamp()));
            move_if_absent(env, &old_journal, &aside, &mut left)?;
            None
        }
        other => other?,
    };
    if let Some(old) = old {
        let mut journal = load_file(env, &journal_path(env))?.unwrap_or_else(empty_journal);
        let rebase = |p: &mut PathBuf| {
            if let Ok(rest) = p.strip_prefix(&legacy) {
                let moved = state.join(rest);
                if fs::symlink_metadata(&moved).is_ok() {
                    *p = moved;
                }
            }
        };
        let mut merged: Vec<UndoEntry> = old
            .entries
            .into_iter()
            .filter(|e| !journal.entries.iter().any(|n| n.id == e.id))
            .map(|mut e| {
                rebase(&mut e.backup_dir);
                e.files
                    .iter_mut()
                    .filter_map(|f| f.backup.as_mut())
                    .for_each(rebase);
                e
            })
            .collect();
        merged.append(&mut journal.entries);
        let excess = merged.len().saturating_sub(MAX_ENTRIES);
        merged.drain(..excess);
        journal.version = 1;
        journal.entries = merged;
        save(env, &journal)?;
        fs::remove_file(&old_journal)
            .map_err(|e| io_err("cannot remove", &old_journal, env, &e))?;
    }
    let _ = fs::remove_dir(&legacy);
    let mut note = format!(
        "Moved claude-auth-tui's backups, undo history and reports from {}/ to {}/.",
        env.display_path(&legacy),
        env.display_path(&state)
    );
    if !left.is_empty() {
        let _ = write!(
            note,
            " Left in place (a file of that name is already there): {}.",
            left.join(", ")
        );
    }
    Ok(Some(note))
}

fn move_if_absent(
    env: &Environment,
    from: &Path,
    to: &Path,
    left: &mut Vec<String>,
) -> Result<(), FixError> {
    if fs::symlink_metadata(to).is_ok() {
        left.push(env.display_path(from));
        return Ok(());
    }
    fs::rename(from, to).map_err(|e| {
        FixError::Io(format!(
            "cannot move {} to {}: {e}; move it there by hand (nothing was changed)",
            env.display_path(from),
            env.display_path(to)
        ))
    })
}

fn timestamp() -> String {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    time::OffsetDateTime::now_utc()
        .format(&format)
        .unwrap_or_else(|_| "00000000T000000Z".to_string())
}

pub(crate) fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}
