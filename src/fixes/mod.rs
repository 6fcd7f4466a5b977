//! Fixes: plan → preview → confirm → backup → atomic write → undo entry.
//!
//! A fix is first a [`FixPlan`]: the exact bytes of every file before and after, or the command
//! it runs. [`preview`] shows it as a masked diff; [`apply`] takes the state lock, checks the
//! files are still as planned, backs them up under the state folder's `backups/`
//! ([`crate::state::state_dir`]), journals ahead, writes each file atomically and returns the
//! [`UndoEntry`]; [`undo_last`] restores the exact bytes and
//! permissions, and refuses if a file changed since. A plan with nothing to do is
//! [`FixError::NothingToDo`], which makes applying a fix twice the same as applying it once.

mod apply;
mod apply_span;
mod approve_key;
pub mod atomic;
pub mod cli;
mod drop_override;
mod export_key;
pub mod journal;
pub mod json_edit;
pub mod keychain_store;
pub mod lock;
mod open_console;
pub mod plan;
pub mod preview;
mod profile_edit;
mod relogin;
mod remove_credentials;
pub mod repair_base_url;
mod repair_key;
mod silence_env_key;
pub mod span_edit;
mod tighten_permissions;

#[doc(hidden)]
pub use apply::{FAULT_VAR, Fault};
pub use apply::{apply, apply_with_notes};
pub use drop_override::{HELPER_KEY, OVERRIDE_ENV_KEYS};
pub use export_key::validate_key_shape;
pub use journal::{
    EntryStatus, JournalFile, UndoEntry, UndoReport, backups_dir, list_undo, pending_undo,
    undo_confirmed, undo_last,
};
pub use open_console::{KEYS_URL, is_headless};
pub use plan::{CommandSpec, FileEdit, FixPlan};
pub use preview::preview;
pub use silence_env_key::MARK as SILENCE_MARK;

use crate::env::Environment;
use crate::ids::{CheckId, FixId};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitStatus;

/// Why a fix was not planned or not applied. Messages are plain words and never hold a secret.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FixError {
    /// Nothing needs changing (already fixed, or nothing of the kind found).
    #[error("Nothing to do: {0}")]
    NothingToDo(String),
    /// The input cannot be used (a malformed key, an unknown variable).
    #[error("{0}")]
    InvalidInput(String),
    /// The fix would not be safe here (a file it cannot parse, managed settings).
    #[error("Not done: {0}")]
    Refused(String),
    /// A file changed since the plan or the fix; nothing was overwritten.
    #[error("{0}")]
    Changed(String),
    #[error("{0}")]
    Io(String),
    /// The undo journal could not be read or written.
    #[error("Undo journal: {0}")]
    Journal(String),
}

/// What a fix needs beyond the environment. Everything is optional: each fix finds its own
/// target when none is given.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct FixInput {
    /// The API key for export-key (or the key to approve). A secret: never printed.
    pub key: Option<String>,
    /// The file to change (a profile, a settings file, a credentials file).
    pub target: Option<PathBuf>,
    /// The variable or settings key to act on (`ANTHROPIC_BASE_URL`, `apiKeyHelper`, …).
    pub var: Option<String>,
    /// `claude --version` output, which decides the login command (2.x when unknown).
    pub cli_version: Option<String>,
}

impl fmt::Debug for FixInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FixInput")
            .field("key", &self.key.as_deref().map(crate::secret::mask))
            .field("target", &self.target)
            .field("var", &self.var)
            .field("cli_version", &self.cli_version)
            .finish()
    }
}

/// Works out a fix against the current files. Reads only; changes nothing. Every fix but
/// open-console is refused when HOME is not a real home folder.
pub fn plan(fix: FixId, env: &Environment, input: &FixInput) -> Result<FixPlan, FixError> {
    if fix != FixId::OpenConsole {
        home_refusal(env)?;
    }
    match fix {
        FixId::ExportKey => export_key::plan(env, input),
        FixId::RepairKey => repair_key::plan(env, input),
        FixId::SilenceEnvKey => silence_env_key::plan(env, input),
        FixId::RemoveCredentials => remove_credentials::plan(env, input),
        FixId::Relogin => relogin::plan(env, input),
        FixId::DropOverride => drop_override::plan(env, input),
        FixId::TightenPermissions => tighten_permissions::plan(env, input),
        FixId::OpenConsole => open_console::plan(env, input),
        FixId::ApproveKey => approve_key::plan(env, input),
        FixId::RepairBaseUrl => repair_base_url::plan(env, input),
    }
}

/// Fixes and undo write only into a real home folder: not when HOME is unset (the account's
/// home from the password database is not assumed), relative, `/`, missing or not a folder.
pub fn home_refusal(env: &Environment) -> Result<(), FixError> {
    match crate::checks::shell_env::home_problem(env) {
        None => Ok(()),
        Some(problem) => Err(FixError::Refused(format!(
            "{problem}. Fixes write only into your real home folder: set HOME to it (an \
             absolute path to an existing folder) and run this again. Nothing was changed"
        ))),
    }
}

/// A short title for menus and headings.
#[must_use]
pub fn title(fix: FixId) -> &'static str {
    match fix {
        FixId::ExportKey => "Save an API key in your shell profile",
        FixId::RepairKey => "Repair a malformed key in your shell profile",
        FixId::SilenceEnvKey => "Stop a shell key from shadowing your login",
        FixId::RemoveCredentials => "Remove a broken or misplaced credentials file",
        FixId::Relogin => "Log in again",
        FixId::DropOverride => "Remove an overriding key or endpoint from settings",
        FixId::TightenPermissions => "Make credentials files private (0600)",
        FixId::OpenConsole => "Open the Console's API key page",
        FixId::ApproveKey => "Approve a declined API key",
        FixId::RepairBaseUrl => {
            "Remove a doubled /v1 from ANTHROPIC_BASE_URL in your shell profile"
        }
    }
}

/// The checks to run again after a fix, to show it worked.
#[must_use]
pub fn affected_checks(fix: FixId) -> &'static [CheckId] {
    match fix {
        FixId::ExportKey | FixId::RepairKey | FixId::SilenceEnvKey => {
            &[CheckId::ShellEnv, CheckId::ConfigScope, CheckId::Live]
        }
        FixId::RemoveCredentials | FixId::Relogin | FixId::TightenPermissions => {
            &[CheckId::Oauth, CheckId::Live]
        }
        FixId::DropOverride => &[CheckId::ConfigScope, CheckId::Endpoint, CheckId::Live],
        FixId::ApproveKey => &[CheckId::ShellEnv, CheckId::ConfigScope, CheckId::Live],
        FixId::OpenConsole => &[],
        FixId::RepairBaseUrl => &[CheckId::Endpoint, CheckId::Live],
    }
}

/// Runs a plan's command with the snapshot's environment and working folder. An interactive
/// command shares the terminal (the caller suspends any full-screen UI around it); a
/// non-interactive one runs with no input and its output discarded.
pub fn run_command(spec: &CommandSpec, env: &Environment) -> std::io::Result<ExitStatus> {
    use std::process::{Command, Stdio};
    let mut command = Command::new(&spec.program);
    command
        .args(&spec.args)
        .env_clear()
        .envs(env.vars())
        .current_dir(env.cwd());
    if !spec.interactive {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
    }
    command.status()
}

/// A file's bytes as a plan's `before` (`None`: absent). An unreadable file stops the plan.
pub(crate) fn read_before(env: &Environment, path: &Path) -> Result<Option<Vec<u8>>, FixError> {
    atomic::read_state(path)
        .map(|state| state.map(|(bytes, _)| bytes))
        .map_err(|e| FixError::Refused(format!("{} {e}", env.display_path(path))))
}
