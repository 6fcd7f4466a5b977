//! What a fix intends to do, before anything is touched: the files it changes (with their exact
//! bytes before and after), the command it runs, and what to tell the user.
//!
//! `Debug` never prints file contents or secrets: plans carry keys.

use crate::ids::FixId;
use std::fmt;
use std::path::PathBuf;

/// A fix, fully worked out and not yet applied.
#[derive(Clone, PartialEq, Eq)]
pub struct FixPlan {
    pub fix: FixId,
    /// One plain-words paragraph: what will change and what that means.
    pub summary: String,
    pub edits: Vec<FileEdit>,
    pub command: Option<CommandSpec>,
    /// What to do afterwards, e.g. "run `source ~/.zshrc` or open a new terminal".
    pub notes: Vec<String>,
    /// Secret values this plan knows about (keys written or removed). They are masked in every
    /// preview and message and never printed.
    pub secrets: Vec<String>,
    /// A macOS Keychain item the fix removes (remove-credentials on macOS), instead of files.
    pub keychain: Option<super::keychain_store::KeychainRemoval>,
    /// A file too big to hold, changed as spans (approve-key on a big `~/.claude.json`),
    /// instead of `edits`.
    pub span_edit: Option<super::span_edit::SpanEdit>,
}

impl FixPlan {
    /// A plan with a summary and nothing else yet.
    #[must_use]
    pub fn new(fix: FixId, summary: impl Into<String>) -> Self {
        Self {
            fix,
            summary: summary.into(),
            edits: Vec::new(),
            command: None,
            notes: Vec::new(),
            secrets: Vec::new(),
            keychain: None,
            span_edit: None,
        }
    }

    /// Whether applying it changes stored state (files or a Keychain item), as opposed to only
    /// running a command or showing notes.
    #[must_use]
    pub fn changes_storage(&self) -> bool {
        !self.edits.is_empty() || self.keychain.is_some() || self.span_edit.is_some()
    }

    /// Every file the plan changes, in order.
    pub fn changed_paths(&self) -> impl Iterator<Item = &std::path::Path> {
        self.edits
            .iter()
            .map(|e| e.path.as_path())
            .chain(self.span_edit.iter().map(|s| s.path.as_path()))
    }

    /// The secrets as `&str`, for [`crate::secret::scrub`].
    #[must_use]
    pub fn secret_refs(&self) -> Vec<&str> {
        self.secrets.iter().map(String::as_str).collect()
    }

    /// Records a secret to mask. Surrounding spaces and quotes are dropped, so that a quoted
    /// value is masked as the key itself; empty and duplicate values are ignored.
    pub fn add_secret(&mut self, value: &str) {
        let value =
            value.trim_matches(|c: char| c.is_whitespace() || matches!(c, '\'' | '"' | '`'));
        if !value.is_empty() && !self.secrets.iter().any(|s| s == value) {
            self.secrets.push(value.to_string());
        }
    }
}

impl fmt::Debug for FixPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FixPlan")
            .field("fix", &self.fix)
            .field(
                "summary",
                &crate::secret::scrub(&self.summary, &self.secret_refs()),
            )
            .field("edits", &self.edits)
            .field("command", &self.command)
            .field("keychain", &self.keychain)
            .field("span_edit", &self.span_edit)
            .field("notes", &self.notes.len())
            .field(
                "secrets",
                &format_args!("[{} redacted]", self.secrets.len()),
            )
            .finish()
    }
}

/// One file's change. `before` is what the file held when the plan was made; `apply` refuses if
/// the file no longer holds exactly that.
#[derive(Clone, PartialEq, Eq)]
pub struct FileEdit {
    pub path: PathBuf,
    /// `None`: the file does not exist and is created.
    pub before: Option<Vec<u8>>,
    /// `None`: the file is removed.
    pub after: Option<Vec<u8>>,
    /// The permissions the file ends with; `None` keeps the current ones (a new file gets 0600).
    pub mode: Option<u32>,
}

impl FileEdit {
    /// An existing file rewritten with new contents, permissions kept.
    #[must_use]
    pub fn rewrite(path: PathBuf, before: Vec<u8>, after: Vec<u8>) -> Self {
        Self {
            path,
            before: Some(before),
            after: Some(after),
            mode: None,
        }
    }

    /// Whether the bytes change (a permissions-only edit does not).
    #[must_use]
    pub fn changes_content(&self) -> bool {
        self.before != self.after
    }
}

impl fmt::Debug for FileEdit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let len = |b: &Option<Vec<u8>>| b.as_ref().map(Vec::len);
        f.debug_struct("FileEdit")
            .field("path", &self.path)
            .field("before_bytes", &len(&self.before))
            .field("after_bytes", &len(&self.after))
            .field("mode", &self.mode.map(|m| format!("{m:04o}")))
            .finish()
    }
}

/// A command the fix runs (or asks the user to run).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandSpec {
    pub program: String,
    pub args: Vec<String>,
    /// Needs the terminal (the wizard suspends its screen around it).
    pub interactive: bool,
    /// Plain words: what the command does.
    pub explanation: String,
}

impl CommandSpec {
    /// The command line as a user would type it.
    #[must_use]
    pub fn display(&self) -> String {
        std::iter::once(self.program.as_str())
            .chain(self.args.iter().map(String::as_str))
            .map(|w| {
                shlex::try_quote(w).map_or_else(|_| w.to_string(), std::borrow::Cow::into_owned)
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}
