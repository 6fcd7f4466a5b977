//! `~/.claude.json`: the CLI's global state, with `primaryApiKey`, the approved/rejected custom
//! API keys, the OAuth account, onboarding and per-folder workspace trust.
//!
//! The file is read in one streaming pass (see [`super::global_stream`]) that checks its syntax
//! and keeps only those members: heavy users have tens of MB of project history in it, which
//! the CLI reads without complaint, so its size is never a reason to refuse it.

use super::global_stream::{self, Captured, ScanError};
use crate::env::Environment;
use crate::files;
use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};

/// How the CLI treats an `ANTHROPIC_API_KEY` in interactive sessions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyApproval {
    Approved,
    Rejected,
    /// Never answered: the CLI will ask "Detected a custom API key…" (default No).
    Unasked,
}

#[derive(Clone, Debug, PartialEq)]
pub enum GlobalState {
    Missing,
    Unreadable(String),
    /// Corrupt JSON here is fatal for the CLI ("Configuration error in …").
    Corrupt(String),
    /// Valid: the members the diagnosis uses (the rest of the file was checked, not kept).
    Loaded(Box<Captured>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct GlobalConfig {
    pub path: PathBuf,
    pub state: GlobalState,
}

impl GlobalConfig {
    #[must_use]
    pub fn load(env: &Environment) -> Self {
        let path = env.global_config_path();
        // Only the current folder and its parents can grant trust here.
        let folders: Vec<String> = env
            .cwd()
            .ancestors()
            .map(|d| d.to_string_lossy().into_owned())
            .collect();
        // The shared non-blocking opener (FIFOs, devices and folders refused), then streamed.
        let state = match files::open_regular(&path) {
            Ok(None) => GlobalState::Missing,
            Err(problem) => GlobalState::Unreadable(problem.to_string()),
            Ok(Some(open)) => from_reader(std::io::BufReader::new(open.file), Some(&folders)),
        };
        Self { path, state }
    }

    fn captured(&self) -> Option<&Captured> {
        match &self.state {
            GlobalState::Loaded(c) => Some(c),
            _ => None,
        }
    }

    /// A wanted top-level member (the last one, as in any JSON reader).
    fn member(&self, key: &str) -> Option<&Value> {
        self.captured()?
            .members
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// The `/login managed key`, sent as `x-api-key` when nothing stronger is set.
    #[must_use]
    pub fn primary_api_key(&self) -> Option<&str> {
        self.member("primaryApiKey")?
            .as_str()
            .filter(|s| !s.is_empty())
    }

    fn responses(&self, list: &str) -> Vec<String> {
        self.member("customApiKeyResponses")
            .and_then(|r| r.get(list))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every stored key tail, approved or rejected (each is part of some key: a secret).
    #[must_use]
    pub fn response_tails(&self) -> Vec<String> {
        let mut all = self.responses("approved");
        all.extend(self.responses("rejected"));
        all
    }

    /// Whether the CLI will use this key interactively (matched on its last 20 characters).
    #[must_use]
    pub fn key_approval(&self, key: &str) -> KeyApproval {
        let tail = key_tail(key);
        if self.responses("approved").iter().any(|t| t == tail) {
            KeyApproval::Approved
        } else if self.responses("rejected").iter().any(|t| t == tail) {
            KeyApproval::Rejected
        } else {
            KeyApproval::Unasked
        }
    }

    /// Whether this folder (or a parent) passed the workspace-trust dialog.
    #[must_use]
    pub fn is_trusted(&self, cwd: &Path) -> bool {
        let Some(captured) = self.captured() else {
            return false;
        };
        cwd.ancestors().any(|dir| {
            let dir = dir.to_string_lossy();
            captured
                .projects
                .iter()
                .rev()
                .find(|(k, _)| *k == dir)
                .and_then(|(_, p)| p.get("hasTrustDialogAccepted"))
                .and_then(Value::as_bool)
                .unwrap_or(false)
        })
    }

    /// The login account's e-mail, if recorded.
    #[must_use]
    pub fn account_email(&self) -> Option<&str> {
        self.member("oauthAccount")?.get("emailAddress")?.as_str()
    }

    /// `hasCompletedOnboarding`, when the file records it.
    #[must_use]
    pub fn has_completed_onboarding(&self) -> Option<bool> {
        self.member("hasCompletedOnboarding")?.as_bool()
    }

    /// A legacy top-level `env` block, applied before all settings files.
    #[must_use]
    pub fn legacy_env_value(&self, name: &str) -> Option<String> {
        self.member("env")?.get(name)?.as_str().map(str::to_string)
    }

    /// The line of `needle`: a wanted top-level key (`"primaryApiKey"`), else text inside the
    /// legacy `env` block.
    #[must_use]
    pub fn line_of(&self, needle: &str) -> Option<usize> {
        let captured = self.captured()?;
        let bare = needle.trim_matches('"');
        if let Some((_, line)) = captured.key_lines.iter().rev().find(|(k, _)| k == bare) {
            return Some(*line);
        }
        let (start, text) = captured.env_text.as_ref()?;
        files::line_of(text, needle).map(|l| start + l - 1)
    }
}

fn from_reader(reader: impl Read, folders: Option<&[String]>) -> GlobalState {
    match global_stream::scan(reader, folders) {
        Ok(captured) => GlobalState::Loaded(Box::new(captured)),
        Err(why @ ScanError::Unreadable(_)) => GlobalState::Unreadable(why.to_string()),
        Err(why @ ScanError::Invalid(_)) => GlobalState::Corrupt(why.to_string()),
    }
}

/// The last 20 characters of a key: what `customApiKeyResponses` stores.
#[must_use]
pub fn key_tail(key: &str) -> &str {
    let n = key.chars().count();
    if n <= 20 {
        return key;
    }
    let start = key.char_indices().nth(n - 20).map_or(0, |(i, _)| i);
    &key[start..]
}

/// Parses a whole document held in memory (every `projects` entry kept).
#[must_use]
pub fn parse(text: &str) -> GlobalState {
    from_reader(text.as_bytes(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn approval_matches_last_twenty_chars() {
        let key = "sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-0123456789abcdefghij";
        let cfg = GlobalConfig {
            path: PathBuf::from("/x"),
            state: parse(&format!(
                r#"{{"customApiKeyResponses":{{"approved":[],"rejected":["{}"]}}}}"#,
                key_tail(key)
            )),
        };
        assert_eq!(key_tail(key), "0123456789abcdefghij");
        assert_eq!(cfg.key_approval(key), KeyApproval::Rejected);
        assert_eq!(cfg.key_approval("sk-other-key"), KeyApproval::Unasked);
    }

    #[test]
    fn trust_applies_to_children() {
        let cfg = GlobalConfig {
            path: PathBuf::from("/x"),
            state: parse(r#"{"projects":{"/work":{"hasTrustDialogAccepted":true}}}"#),
        };
        assert!(cfg.is_trusted(Path::new("/work/app")));
        assert!(!cfg.is_trusted(Path::new("/other")));
    }
}
