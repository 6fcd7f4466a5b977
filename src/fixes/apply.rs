//! Applying a plan: under the state lock, check the files are as planned and ours to change,
//! back them up, journal ahead, write each one atomically, then mark the journal entry applied.
//! A clean failure rolls back what was written.

use super::FixError;
use super::atomic::{self, BeforeRename, SECRET_MODE, sha256_hex};
use super::journal::{self, EntryStatus, JournalFile, UndoEntry};
use super::lock;
use super::plan::{FileEdit, FixPlan};
use crate::env::Environment;

/// The environment variable (read from the snapshot) that injects a fault, for tests that prove
/// an interrupted apply loses nothing. Only a build with the `fault-injection` cargo feature (the
/// test suite's) reads it; the shipped binary ignores it and does not contain the fault names.
#[doc(hidden)]
pub const FAULT_VAR: &str = "CLAUDE_AUTH_TUI_FAULT";

/// Where an injected fault strikes.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Return an error after the backups and the journal entry, before any file is written.
    AfterBackup,
    /// Abort the process at the same point, as a crash or `kill -9` would.
    AbortAfterBackup,
    /// Write the temp file of the first edit, then fail before its rename.
    BeforeRename,
    /// Write the temp file of the first edit, then abort before its rename (a `kill -9`).
    AbortBeforeRename,
    /// Fail after the first file was written (exercises the rollback).
    AfterFirstWrite,
}

impl Fault {
    #[doc(hidden)]
    #[must_use]
    #[cfg(feature = "fault-injection")]
    pub fn from_env(env: &Environment) -> Option<Self> {
        match env.var(FAULT_VAR)? {
            "after-backup" => Some(Self::AfterBackup),
            "abort-after-backup" => Some(Self::AbortAfterBackup),
            "before-rename" => Some(Self::BeforeRename),
            "abort-before-rename" => Some(Self::AbortBeforeRename),
            "after-first-write" => Some(Self::AfterFirstWrite),
            _ => None,
        }
    }

    /// Without the `fault-injection` feature no fault is ever injected.
    #[doc(hidden)]
    #[must_use]
    #[cfg(not(feature = "fault-injection"))]
    pub fn from_env(_env: &Environment) -> Option<Self> {
        None
    }
}

pub(super) fn injected(fault: Fault) -> FixError {
    FixError::Io(format!("fault injected ({fault:?})"))
}

/// The faults that strike once the journal entry is written, before any file is.
pub(super) fn after_journal(
    fault: Option<Fault>,
    env: &Environment,
    entry: &UndoEntry,
) -> Result<(), FixError> {
    match fault {
        Some(Fault::AbortAfterBackup) => std::process::abort(),
        Some(Fault::AfterBackup) => Err(fail(env, entry, 0, injected(Fault::AfterBackup))),
        _ => Ok(()),
    }
}

/// What happens before the rename of the first file's write, when a fault is injected there.
pub(super) fn rename_hook(fault: Option<Fault>, first: bool) -> BeforeRename {
    match fault {
        Some(Fault::BeforeRename) if first => BeforeRename::Fail,
        Some(Fault::AbortBeforeRename) if first => BeforeRename::Abort,
        _ => BeforeRename::Proceed,
    }
}

/// Applies a plan. Returns the journal entry that `undo_last` will use. A plan without file
/// edits (a command, or a URL to open) changes nothing here and is not journaled: its entry has
/// no files; run its command with [`super::run_command`].
pub fn apply(plan: &FixPlan, env: &Environment) -> Result<UndoEntry, FixError> {
    apply_with_notes(plan, env).map(|(entry, _)| entry)
}

/// [`apply`], also returning what was tidied up first (state moved from an older version, temp
/// files left by an interrupted run), for the caller to show.
pub fn apply_with_notes(
    plan: &FixPlan,
    env: &Environment,
) -> Result<(UndoEntry, Vec<String>), FixError> {
    if let Some(removal) = &plan.keychain {
        // The same lock as file edits: the journal entry and the removal are one step.
        let lock = lock::acquire(env, &[])?;
        return super::keychain_store::apply(plan, removal, env).map(|entry| (entry, lock.notes));
    }
    if let Some(span_edit) = &plan.span_edit {
        let lock = lock::acquire(env, &[span_edit.path.as_path()])?;
        return super::apply_span::apply_locked(plan.fix, span_edit, env)
            .map(|entry| (entry, lock.notes));
    }
    if plan.edits.is_empty() {
        return Ok((UndoEntry::nothing(plan.fix), Vec::new()));
    }
    let touched: Vec<&std::path::Path> = plan.edits.iter().map(|e| e.path.as_path()).collect();
    // Held until the journal says applied: a second fix or undo waits, then refuses.
    let lock = lock::acquire(env, &touched)?;
    apply_locked(plan, env).map(|entry| (entry, lock.notes))
}

fn apply_locked(plan: &FixPlan, env: &Environment) -> Result<UndoEntry, FixError> {
    let fault = Fault::from_env(env);
    for (i, edit) in plan.edits.iter().enumerate() {
        if plan.edits[..i].iter().any(|e| e.path == edit.path) {
            return Err(FixError::Refused(format!(
                "the plan changes {} twice (a bug in claude-auth-tui; please report it)",
                env.display_path(&edit.path)
            )));
        }
    }

    // 1. Every file must still be exactly as planned (checked under the lock, so another fix
    //    cannot slip in between), and be the user's own, writable, file.
    let mut current_modes = Vec::with_capacity(plan.edits.len());
    for edit in &plan.edits {
        let shown = env.display_path(&edit.path);
        respects_the_file(edit, &shown)?;
        let state =
            atomic::read_state(&edit.path).map_err(|e| FixError::Io(format!("{shown} {e}")))?;
        let (bytes, mode) = state.map_or((None, None), |(b, m)| (Some(b), m));
        if bytes != edit.before {
            return Err(FixError::Changed(format!(
                "{shown} changed since this fix was planned; nothing was written. Plan it again \
                 to see the current contents"
            )));
        }
        current_modes.push(mode);
    }

    // 2. Backups, proven identical.
    let (id, backup_dir) = journal::new_backup_dir(env, plan.fix)?;
    let mut files = Vec::with_capacity(plan.edits.len());
    for (edit, mode_before) in plan.edits.iter().zip(&current_modes) {
        let backup = match &edit.before {
            Some(before) if edit.changes_content() => {
                Some(journal::write_backup(env, &backup_dir, &edit.path, before)?)
            }
            _ => None,
        };
        let mode_after = edit.after.as_ref().map(|_| final_mode(edit, *mode_before));
        files.push(JournalFile {
            path: edit.path.clone(),
            backup,
            before_sha256: edit.before.as_deref().map(sha256_hex),
            after_sha256: edit.after.as_deref().map(sha256_hex),
            mode_before: *mode_before,
            mode_after,
            link_target: std::fs::symlink_metadata(&edit.path)
                .ok()
                .filter(|m| m.file_type().is_symlink())
                .and_then(|_| std::fs::read_link(&edit.path).ok()),
        });
    }

    // 3. Journal ahead of the writes.
    let mut entry = UndoEntry {
        id,
        fix: plan.fix,
        time: journal::now_rfc3339(),
        status: EntryStatus::Pending,
        backup_dir,
        files,
        undone_at: None,
        keychain: None,
    };
    journal::append(env, &entry)?;
    after_journal(fault, env, &entry)?;

    // 4. The writes.
    for (i, (edit, file)) in plan.edits.iter().zip(&entry.files).enumerate() {
        let hook = rename_hook(fault, i == 0);
        if let Err(e) = write_one(env, edit, file, hook) {
            return Err(fail(env, &entry, i, e));
        }
        if i == 0 && fault == Some(Fault::AfterFirstWrite) {
            return Err(fail(env, &entry, 1, injected(Fault::AfterFirstWrite)));
        }
    }

    // 5. Done.
    if let Some(updated) = journal::update(env, &entry.id, Some(EntryStatus::Applied))? {
        entry = updated;
    }
    Ok(entry)
}

/// Refuses to change a file the user has marked read-only, or one that belongs to someone else
/// (replacing it would hand it to the user). Checked on the file itself, through a symlink.
fn respects_the_file(edit: &FileEdit, shown: &str) -> Result<(), FixError> {
    let writes_content = edit.after.is_none() || edit.changes_content();
    respects(&edit.path, writes_content, shown)
}

/// [`respects_the_file`] for a path; `writes_content` is false for a permissions-only change.
pub(super) fn respects(
    path: &std::path::Path,
    writes_content: bool,
    shown: &str,
) -> Result<(), FixError> {
    let Ok(meta) = std::fs::metadata(path) else {
        return Ok(()); // absent: created as the user's own
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let me = rustix::process::geteuid().as_raw();
        if meta.uid() != me {
            return Err(FixError::Refused(format!(
                "{shown} belongs to another user (uid {}), not to you (uid {me}); claude-auth-tui \
                 changes only your own files. Nothing was changed; edit it as its owner",
                meta.uid()
            )));
        }
    }
    if writes_content && meta.permissions().readonly() {
        let mode = atomic::mode_of(&meta).map_or_else(String::new, |m| format!(" ({m:04o})"));
        return Err(FixError::Refused(format!(
            "{shown} is read-only{mode}, which usually means it is kept that way on purpose. \
             Nothing was changed; make it writable (chmod u+w) and run the fix again if you \
             want it changed"
        )));
    }
    Ok(())
}

/// The permissions a file ends with: the plan's, else the current ones, else 0600 (new file).
fn final_mode(edit: &FileEdit, current: Option<u32>) -> u32 {
    edit.mode.or(current).unwrap_or(SECRET_MODE)
}

fn write_one(
    env: &Environment,
    edit: &FileEdit,
    file: &JournalFile,
    hook: BeforeRename,
) -> Result<(), FixError> {
    let shown = env.display_path(&edit.path);
    // Checked again right before the write: other programs (the CLI itself, for
    // ~/.claude.json) may have written the file since step 1.
    let current =
        atomic::read_state(&edit.path).map_err(|e| FixError::Io(format!("{shown} {e}")))?;
    if current.map(|(bytes, _)| bytes) != edit.before {
        return Err(FixError::Changed(format!(
            "{shown} changed while the fix was being applied; it was left as it is now"
        )));
    }
    let result = match (&edit.after, file.mode_after) {
        (None, _) => atomic::remove_durably(&edit.path),
        (Some(_), Some(mode)) if !edit.changes_content() => atomic::set_mode(&edit.path, mode),
        (Some(after), mode) => {
            atomic::write_atomic_with(&edit.path, after, mode.unwrap_or(SECRET_MODE), hook)
        }
    };
    result.map_err(|e| FixError::Io(format!("cannot write {shown}: {e}")))
}

/// A clean failure: put back the first `written` files and drop the journal entry. The backups
/// stay on disk. If the rollback itself fails, the entry stays so that undo can finish it.
pub(super) fn fail(
    env: &Environment,
    entry: &UndoEntry,
    written: usize,
    error: FixError,
) -> FixError {
    for file in entry.files[..written].iter().rev() {
        if let Err(e) = journal::restore(env, file) {
            return FixError::Io(format!(
                "{error}; putting back the files written so far also failed ({e}); run \
                 `claude-auth-tui undo` to finish"
            ));
        }
    }
    let _ = journal::update(env, &entry.id, None);
    error
}
