//! What a check returns: a status, a one-line summary, evidence, findings and applicable fixes.

use crate::ids::{CauseId, CheckId, FixId};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A check's verdict. Ordered so that `max` gives the worst.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Skip,
    Pass,
    Warn,
    Fail,
}

impl Status {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Warn => "warn",
            Self::Fail => "fail",
            Self::Skip => "skip",
        }
    }

    /// A one-character mark for plain-text output.
    #[must_use]
    pub fn mark(self) -> &'static str {
        match self {
            Self::Pass => "✓",
            Self::Warn => "!",
            Self::Fail => "✗",
            Self::Skip => "-",
        }
    }
}

/// A cause a check found, with how bad it is and a plain-words summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub cause: CauseId,
    pub severity: Status,
    pub summary: String,
    /// The profile line the finding is about, when it is about one: a typed fact the wizard
    /// acts on, so nothing has to read the wording.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_line: Option<ProfileLine>,
}

/// A shell profile line that sets a variable, and whether this shell has its value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileLine {
    pub var: String,
    /// `~`-relative, as shown.
    pub file: String,
    pub line: usize,
    pub state: ProfileLineState,
}

/// How the shell treats a profile line that sets a variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProfileLineState {
    /// Set without `export`: programs never see it; adding `export` fixes it.
    NotExported,
    /// Exported in a profile this shell reads, but the shell was started before the line was
    /// there (or the line did not run): a new terminal has it.
    ExportedNotLoaded,
    /// Only in another shell's profile: this shell never reads it.
    OtherShell,
    /// The line does not run at start-up (inside a function or condition) or is unset again
    /// later: a new terminal does not have it either.
    NotInEffect,
    /// The line this shell's value came from (a wrong value is repaired there).
    Loaded,
}

/// The result of one check. A failing check is a value, never an error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckOutcome {
    pub id: CheckId,
    pub status: Status,
    pub summary: String,
    /// Evidence, one line each: `file:line`, variable names, masked values.
    pub details: Vec<String>,
    pub findings: Vec<Finding>,
    pub fixes: Vec<FixId>,
    pub elapsed_ms: u64,
    /// What the `cli` check found out about the installed Claude Code, typed (only that check
    /// sets it): the fix flow and the report read the version here, never from a detail line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cli: Option<CliInfo>,
}

/// How a `claude` binary was installed, as told by where it lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InstallKind {
    /// The native installer: `~/.local/bin/claude` → `~/.local/share/claude/versions/<version>`.
    Native,
    /// The npm package `@anthropic-ai/claude-code` (npm, pnpm, yarn, bun, nvm, volta…).
    Npm,
    /// Homebrew's cask: `Caskroom/claude-code/<version>/`.
    Homebrew,
    /// A Nix store path `…-claude-code-<version>/`.
    Nix,
    /// A version manager's folder (mise, asdf): `installs/claude…/<version>/`.
    VersionManager,
    /// No layout we know: the version came from `claude --version`.
    Unknown,
}

impl InstallKind {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Native => "native",
            Self::Npm => "npm",
            Self::Homebrew => "homebrew",
            Self::Nix => "nix",
            Self::VersionManager => "version-manager",
            Self::Unknown => "unknown",
        }
    }
}

/// Where a version number came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VersionSource {
    /// Read from the installation's files (no process started).
    Layout,
    /// A cached `claude --version` answer for this very binary (same path, size and mtime).
    Cache,
    /// `claude --version`, run just now.
    Command,
}

/// One `claude` found on PATH.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CliInstall {
    /// As found on PATH.
    pub path: PathBuf,
    /// After following symlinks.
    pub resolved: PathBuf,
    pub kind: InstallKind,
    /// e.g. `2.1.197`; `None` when neither the layout nor `claude --version` told it.
    pub version: Option<String>,
    pub version_from: Option<VersionSource>,
}

/// The Claude Code the user runs (the first `claude` on PATH) and any others PATH also holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CliInfo {
    pub active: CliInstall,
    /// Further installs later on PATH, which the first one shadows.
    pub shadowed: Vec<CliInstall>,
}

impl CliInfo {
    /// The version of the `claude` that runs.
    #[must_use]
    pub fn version(&self) -> Option<&str> {
        self.active.version.as_deref()
    }
}

impl CheckOutcome {
    /// Starts an outcome; the status follows from the findings unless set explicitly.
    #[must_use]
    pub fn new(id: CheckId) -> Self {
        Self {
            id,
            status: Status::Pass,
            summary: String::new(),
            details: Vec::new(),
            findings: Vec::new(),
            fixes: Vec::new(),
            elapsed_ms: 0,
            cli: None,
        }
    }

    /// A skipped check with its reason.
    #[must_use]
    pub fn skipped(id: CheckId, reason: impl Into<String>) -> Self {
        let mut out = Self::new(id);
        out.status = Status::Skip;
        out.summary = reason.into();
        out
    }

    pub fn detail(&mut self, line: impl Into<String>) {
        self.details.push(line.into());
    }

    /// Records a finding and raises the status to at least its severity.
    pub fn find(&mut self, cause: CauseId, severity: Status, summary: impl Into<String>) {
        let summary = summary.into();
        if self.status < severity || self.status == Status::Skip {
            self.status = severity;
        }
        self.findings.push(Finding {
            cause,
            severity,
            summary,
            profile_line: None,
        });
    }

    /// Records a finding about a profile line (see [`ProfileLine`]).
    pub fn find_in_profile(
        &mut self,
        cause: CauseId,
        severity: Status,
        summary: impl Into<String>,
        line: ProfileLine,
    ) {
        self.find(cause, severity, summary);
        if let Some(last) = self.findings.last_mut() {
            last.profile_line = Some(line);
        }
    }

    /// Offers a fix, once.
    pub fn offer(&mut self, fix: FixId) {
        if !self.fixes.contains(&fix) {
            self.fixes.push(fix);
        }
    }

    /// The worst finding, first among equals.
    #[must_use]
    pub fn worst_finding(&self) -> Option<&Finding> {
        let worst = self.findings.iter().map(|f| f.severity).max()?;
        self.findings.iter().find(|f| f.severity == worst)
    }

    /// Uses the worst finding's summary when no summary was set.
    #[must_use]
    pub fn finish(mut self, default_summary: &str) -> Self {
        if self.summary.is_empty() {
            self.summary = match self.worst_finding() {
                Some(f) if f.severity >= Status::Warn => f.summary.clone(),
                _ => default_summary.to_string(),
            };
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_raise_status_and_summary_defaults_to_worst() {
        let mut out = CheckOutcome::new(CheckId::Oauth);
        out.find(CauseId::OauthExpiringSoon, Status::Warn, "expires soon");
        out.find(CauseId::OauthExpired, Status::Fail, "expired");
        out.find(CauseId::CredentialsPermissions, Status::Warn, "0644");
        let out = out.finish("fine");
        assert_eq!(out.status, Status::Fail);
        assert_eq!(out.summary, "expired");
    }

    #[test]
    fn fixes_are_offered_once() {
        let mut out = CheckOutcome::new(CheckId::ShellEnv);
        out.offer(FixId::ExportKey);
        out.offer(FixId::ExportKey);
        assert_eq!(out.fixes, vec![FixId::ExportKey]);
    }
}
