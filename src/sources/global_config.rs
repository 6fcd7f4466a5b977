//! `~/.claude.json`: the CLI's global state, with `primaryApiKey`, the approved/rejected custom
//! API keys, the OAuth account and per-folder workspace trust.

use crate::env::Environment;
use crate::files::{self, FileRead};
use crate::sources::settings::describe_json_error;
use serde_json::Value;
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
    Loaded {
        value: serde_json::Map<String, Value>,
        text: String,
    },
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
        let state = match files::read_text(&path) {
            FileRead::Missing => GlobalState::Missing,
            FileRead::Problem(p) => GlobalState::Unreadable(p),
            FileRead::Text(t) => parse(&t.text),
        };
        Self { path, state }
    }

    fn object(&self) -> Option<&serde_json::Map<String, Value>> {
        match &self.state {
            GlobalState::Loaded { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The `/login managed key`, sent as `x-api-key` when nothing stronger is set.
    #[must_use]
    pub fn primary_api_key(&self) -> Option<&str> {
        self.object()?
            .get("primaryApiKey")?
            .as_str()
            .filter(|s| !s.is_empty())
    }

    fn responses(&self, list: &str) -> Vec<String> {
        self.object()
            .and_then(|o| o.get("customApiKeyResponses"))
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
        let Some(projects) = self.object().and_then(|o| o.get("projects")) else {
            return false;
        };
        cwd.ancestors().any(|dir| {
            projects
                .get(dir.to_string_lossy().as_ref())
                .and_then(|p| p.get("hasTrustDialogAccepted"))
                .and_then(Value::as_bool)
                .unwrap_or(false)
        })
    }

    /// The login account's e-mail, if recorded.
    #[must_use]
    pub fn account_email(&self) -> Option<&str> {
        self.object()?
            .get("oauthAccount")?
            .get("emailAddress")?
            .as_str()
    }

    /// A legacy top-level `env` block, applied before all settings files.
    #[must_use]
    pub fn legacy_env_value(&self, name: &str) -> Option<String> {
        self.object()?
            .get("env")?
            .get(name)?
            .as_str()
            .map(str::to_string)
    }

    #[must_use]
    pub fn line_of(&self, needle: &str) -> Option<usize> {
        match &self.state {
            GlobalState::Loaded { text, .. } => files::line_of(text, needle),
            _ => None,
        }
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

#[must_use]
pub fn parse(text: &str) -> GlobalState {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(value)) => GlobalState::Loaded {
            value,
            text: text.to_string(),
        },
        Ok(_) => GlobalState::Corrupt("is valid JSON but not an object".to_string()),
        Err(e) => GlobalState::Corrupt(describe_json_error(&e)),
    }
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
