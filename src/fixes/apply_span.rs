//! Applying a [`SpanEdit`] (a file too big to hold): the same steps and guarantees as any edit
//! (the file as planned, the user's own, backed up and proven, journaled ahead, replaced
//! atomically, undoable), with every pass over the file streamed so memory stays flat.

use super::FixError;
use super::apply::{Fault, after_journal, fail, injected, rename_hook, respects};
use super::atomic::{self, SECRET_MODE};
use super::journal::{self, EntryStatus, JournalFile, UndoEntry};
use super::span_edit::{self, SpanEdit, SplicedReader};
use crate::env::Environment;
use crate::ids::FixId;
use std::io::BufReader;

/// Applies `edit` for `fix`; the caller holds the state lock.
pub(super) fn apply_locked(
    fix: FixId,
    edit: &SpanEdit,
    env: &Environment,
) -> Result<UndoEntry, FixError> {
    let shown = env.display_path(&edit.path);
    if !edit.is_well_formed() {
        return Err(FixError::Refused(format!(
            "the planned edit of {shown} is inconsistent (a bug in claude-auth-tui; please \
             report it)"
        )));
    }
    let fault = Fault::from_env(env);
    respects(&edit.path, true, &shown)?;
    let changed = || {
        FixError::Changed(format!(
            "{shown} changed since this fix was planned; nothing was written. Plan it again to \
             see the current contents"
        ))
    };
    let mode_before = match atomic::fingerprint_state(&edit.path) {
        Ok(Some((len, sha, mode))) if len == edit.before_len && sha == edit.before_sha256 => mode,
        Ok(_) => return Err(changed()),
        Err(e) => return Err(FixError::Io(format!("{shown} {e}"))),
    };

    // 1. The backup, streamed and proven to be the planned original.
    let (id, backup_dir) = journal::new_backup_dir(env, fix)?;
    let (backup, len, sha) = journal::stream_backup(env, &backup_dir, &edit.path)?;
    if len != edit.before_len || sha != edit.before_sha256 {
        return Err(changed());
    }
    // 2. What the file will hold, from the (verified) backup: its fingerprint goes in the
    //    journal before anything is written.
    let open_backup = || -> Result<BufReader<std::fs::File>, FixError> {
        crate::files::open_existing(&backup)
            .map(BufReader::new)
            .map_err(|e| {
                FixError::Io(format!(
                    "cannot read back the backup {}: {e}",
                    env.display_path(&backup)
                ))
            })
    };
    let (_, after_sha) = span_edit::after_fingerprint(open_backup()?, &edit.spans)
        .map_err(|e| FixError::Refused(format!("{shown} {e}; nothing was written")))?;
    let mode_after = mode_before.unwrap_or(SECRET_MODE);
    let mut entry = UndoEntry {
        id,
        fix,
        time: journal::now_rfc3339(),
        status: EntryStatus::Pending,
        backup_dir,
        files: vec![JournalFile {
            path: edit.path.clone(),
            backup: Some(backup.clone()),
            before_sha256: Some(edit.before_sha256.clone()),
            after_sha256: Some(after_sha.clone()),
            mode_before,
            mode_after: Some(mode_after),
            link_target: None,
        }],
        undone_at: None,
        keychain: None,
    };

    // 3. Journal ahead of the write.
    journal::append(env, &entry)?;
    after_journal(fault, env, &entry)?;

    // 4. The write: checked once more right before (the CLI itself writes this file), then the
    //    edited stream from the backup into a temp file renamed over the original.
    match atomic::fingerprint_state(&edit.path) {
        Ok(Some((_, sha, _))) if sha == edit.before_sha256 => {}
        _ => {
            let _ = journal::update(env, &entry.id, None);
            return Err(FixError::Changed(format!(
                "{shown} changed while the fix was being applied; it was left as it is now"
            )));
        }
    }
    let hook = rename_hook(fault, true);
    let mut spliced = SplicedReader::new(open_backup()?, &edit.spans);
    if let Err(e) = atomic::write_atomic_from(&edit.path, &mut spliced, mode_after, hook) {
        let error = FixError::Io(format!("cannot write {shown}: {e}"));
        // Put the original back only if it was touched (a hard-linked file is written in place).
        let untouched = atomic::fingerprint_state(&edit.path)
            .ok()
            .flatten()
            .is_some_and(|(_, sha, _)| sha == edit.before_sha256);
        return Err(fail(env, &entry, usize::from(!untouched), error));
    }
    if fault == Some(Fault::AfterFirstWrite) {
        return Err(fail(env, &entry, 1, injected(Fault::AfterFirstWrite)));
    }

    // 5. Done.
    if let Some(updated) = journal::update(env, &entry.id, Some(EntryStatus::Applied))? {
        entry = updated;
    }
    Ok(entry)
}
