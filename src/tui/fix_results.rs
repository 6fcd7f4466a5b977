//! What the runtime reports back about fixes, as the `Msg`s carry it: the plan or undo entry to
//! confirm, and what applying or undoing did. Every text is already scrubbed of secrets; plans
//! themselves (an export-key plan holds the key) never leave the runtime.

use crate::ids::FixId;

/// A plan as the wizard shows it: texts scrubbed of every secret, no file contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanView {
    pub fix: FixId,
    pub summary: String,
    /// The diff of each file, or the command it runs (secrets masked).
    pub preview: String,
    pub notes: Vec<String>,
    /// The command line it runs, as a user would type it.
    pub command: Option<String>,
    /// The command needs the terminal (the wizard steps aside while it runs).
    pub interactive: bool,
    /// The files it changes, `~`-relative.
    pub files: Vec<String>,
    /// What the live check of a new key said.
    pub key_check: Option<String>,
    /// A page to open by hand when nothing here can open it (open-console), or the command
    /// that loads a profile (`source ~/.bashrc`): what `c` copies.
    pub url: Option<String>,
    /// Confirming changes no file: the checks run again as a new terminal will see the setup
    /// (a key a profile already exports, which this shell has not read).
    pub view_only: bool,
}

impl PlanView {
    /// A plan that only tells what to do (no file, no command, nothing to look at anew).
    #[must_use]
    pub fn changes_nothing(&self) -> bool {
        self.files.is_empty() && self.command.is_none() && !self.view_only
    }
}

/// The fix `undo` would take back, as the confirm screen shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UndoView {
    pub entry_id: String,
    pub fix: FixId,
    /// When it was applied (RFC 3339).
    pub time: String,
    /// One line per file: what happens to it.
    pub restores: Vec<String>,
}

/// How a command a fix ran ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandRun {
    pub display: String,
    /// `Ok("exit status: 0")`, or why it could not start.
    pub result: Result<String, CommandStartError>,
    pub success: bool,
}

/// Why a fix's command did not run at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CommandStartError {
    /// The operating system refused to start it (not found, not executable).
    #[error("{0}")]
    Spawn(String),
    /// The task running it was lost.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Why the Markdown report was not saved.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("no check has finished yet")]
    NothingToReport,
    /// Creating the folder or writing the file failed (the message names which).
    #[error("{0}")]
    Io(String),
    /// The task writing it was lost.
    #[error("internal error: {0}")]
    Internal(String),
}

/// A fix that was applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    pub fix: FixId,
    /// The undo journal entry; empty when no file changed.
    pub entry_id: String,
    pub files: Vec<String>,
    pub backup_dir: Option<String>,
    pub command: Option<CommandRun>,
    /// The command that loads the change into a shell that is already open.
    pub reload: Option<String>,
    /// The page it opened (open-console).
    pub url: Option<String>,
    /// What the checks look at from now on ("as a new terminal will see it"), if not this shell.
    pub view_label: Option<String>,
}

/// An undo that was done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Undone {
    pub entry_id: String,
    pub fix: FixId,
    pub restored: Vec<String>,
    pub unchanged: Vec<String>,
    pub view_label: Option<String>,
}
