//! Removing the macOS Keychain login and putting it back: the Keychain counterpart of a file
//! edit, with the same promises (verified against the plan, backed up 0600 in the tool's
//! backups, journaled ahead, undone only when nobody changed the item since).

use super::FixError;
use super::atomic::sha256_hex;
use super::journal::{self, EntryStatus, UndoEntry};
use super::plan::FixPlan;
use crate::env::Environment;
use crate::sources::keychain::{self, KeychainItem, KeychainState};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The item a plan removes and the exact password it held when planned.
#[derive(Clone, PartialEq, Eq)]
pub struct KeychainRemoval {
    pub item: KeychainItem,
    /// The stored login: a secret, never printed.
    pub before: Vec<u8>,
}

impl std::fmt::Debug for KeychainRemoval {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeychainRemoval")
            .field("item", &self.item)
            .field("before_bytes", &self.before.len())
            .finish()
    }
}

/// The journal's record of a removed Keychain item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalKeychain {
    pub item: KeychainItem,
    /// The 0600 copy of the password.
    pub backup: PathBuf,
    pub before_sha256: String,
}

/// The item's password now, `None` when there is no item.
pub fn current(env: &Environment, item: &KeychainItem) -> Result<Option<Vec<u8>>, FixError> {
    match keychain::read_password(env, item) {
        Ok(printed) => Ok(Some(keychain::password_bytes(&printed))),
        Err(KeychainState::NotFound) => Ok(None),
        Err(KeychainState::Locked) => Err(FixError::Refused(format!(
            "the macOS Keychain is locked, so {} cannot be read or changed; unlock it with \
             `security unlock-keychain ~/Library/Keychains/login.keychain-db`",
            item.describe()
        ))),
        Err(KeychainState::Failed(why)) => Err(FixError::Io(why)),
        Err(KeychainState::Found(_)) => Err(FixError::Io("unexpected answer".to_string())),
    }
}

/// Applies a plan that removes a Keychain item (it has no file edits).
pub fn apply(
    plan: &FixPlan,
    removal: &KeychainRemoval,
    env: &Environment,
) -> Result<UndoEntry, FixError> {
    let shown = removal.item.describe();
    if current(env, &removal.item)?.as_deref() != Some(removal.before.as_slice()) {
        return Err(FixError::Changed(format!(
            "{shown} changed since this fix was planned; nothing was changed. Plan it again"
        )));
    }
    let (id, backup_dir) = journal::new_backup_dir(env, plan.fix)?;
    let name = format!("keychain-{}.json", removal.item.service);
    let backup = journal::write_backup(env, &backup_dir, Path::new(&name), &removal.before)?;
    let mut entry = UndoEntry {
        keychain: Some(JournalKeychain {
            item: removal.item.clone(),
            backup,
            before_sha256: sha256_hex(&removal.before),
        }),
        ..UndoEntry::nothing(plan.fix)
    };
    entry.id = id;
    entry.backup_dir = backup_dir;
    entry.status = EntryStatus::Pending;
    journal::append(env, &entry)?;
    let args = [
        "delete-generic-password",
        "-a",
        removal.item.account.as_str(),
        "-s",
        removal.item.service.as_str(),
    ];
    match keychain::run_security(env, &args) {
        Ok(out) if out.code == Some(0) => {}
        other => {
            let _ = journal::update(env, &entry.id, None);
            let why = match other {
                Ok(out) => String::from_utf8_lossy(&out.stderr).trim().to_string(),
                Err(e) => format!("{e:?}"),
            };
            return Err(FixError::Io(format!("cannot remove {shown}: {why}")));
        }
    }
    Ok(journal::update(env, &entry.id, Some(EntryStatus::Applied))?.unwrap_or(entry))
}

/// Whether undo has to put the item back (`true`), finds it as before (`false`), or must
/// refuse because someone stored another login there since.
pub fn needs_restore(env: &Environment, record: &JournalKeychain) -> Result<bool, FixError> {
    match current(env, &record.item)? {
        None => Ok(true),
        Some(bytes) if sha256_hex(&bytes) == record.before_sha256 => Ok(false),
        Some(_) => Err(FixError::Changed(format!(
            "{} holds a new login since the fix; undo refuses so that it is not lost. The old one \
             is kept in {}",
            record.item.describe(),
            env.display_path(&record.backup)
        ))),
    }
}

/// Puts the backed-up password back with `security -i`, so the secret goes through stdin and
/// never onto a command line (`add-generic-password -U` replaces any item of that name).
pub fn restore(env: &Environment, record: &JournalKeychain) -> Result<(), FixError> {
    let bytes = std::fs::read(&record.backup).map_err(|e| {
        FixError::Io(format!(
            "cannot read the backup {}: {e}",
            env.display_path(&record.backup)
        ))
    })?;
    if sha256_hex(&bytes) != record.before_sha256 {
        return Err(FixError::Journal(format!(
            "the backup {} is not the original any more; nothing was restored",
            env.display_path(&record.backup)
        )));
    }
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let line = format!(
        "add-generic-password -U -a {} -s {} -X {}\n",
        quote(&record.item.account),
        quote(&record.item.service),
        keychain::encode_hex(&bytes)
    );
    match keychain::run_security_with_input(env, &["-i"], Some(line.as_bytes())) {
        Ok(out) if out.code == Some(0) => Ok(()),
        Ok(out) => Err(FixError::Io(format!(
            "cannot put back {}: {}",
            record.item.describe(),
            String::from_utf8_lossy(&out.stderr).trim()
        ))),
        Err(e) => Err(FixError::Io(format!(
            "cannot put back {}: {e:?}",
            record.item.describe()
        ))),
    }
}
