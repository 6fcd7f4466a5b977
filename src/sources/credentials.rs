//! The OAuth login credentials file (`~/.claude/.credentials.json`), parsed without failing.

use crate::env::Environment;
use crate::files::{self, FileRead};
use crate::sources::settings::describe_json_error;
use serde_json::Value;
use std::path::PathBuf;

/// The scope the CLI needs before it uses a login token for requests.
pub const INFERENCE_SCOPE: &str = "user:inference";

/// The parsed `claudeAiOauth` section. Every field is optional: a broken file is a diagnosis.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OAuthTokens {
    pub access_token: Option<String>,
    pub refresh_token: Option<String>,
    pub expires_at_ms: Option<i64>,
    pub scopes: Option<Vec<String>>,
    pub subscription_type: Option<String>,
}

impl OAuthTokens {
    #[must_use]
    pub fn has_inference_scope(&self) -> bool {
        self.scopes
            .as_ref()
            .is_some_and(|s| s.iter().any(|x| x == INFERENCE_SCOPE))
    }

    /// The dead-refresh signature: the CLI blanked the tokens after `invalid_grant`.
    #[must_use]
    pub fn is_blanked(&self) -> bool {
        self.access_token.as_deref().is_none_or(str::is_empty)
    }

    /// Fields the CLI needs that are absent.
    #[must_use]
    pub fn missing_fields(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.access_token.is_none() {
            out.push("accessToken");
        }
        if self.refresh_token.is_none() {
            out.push("refreshToken");
        }
        if self.expires_at_ms.is_none() {
            out.push("expiresAt");
        }
        if self.scopes.is_none() {
            out.push("scopes");
        }
        out
    }

    /// The token the CLI would send, if any.
    #[must_use]
    pub fn usable_token(&self) -> Option<&str> {
        let token = self.access_token.as_deref().filter(|t| !t.is_empty())?;
        self.has_inference_scope().then_some(token)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CredentialsState {
    Missing,
    Unreadable(String),
    /// Not JSON (the CLI silently treats it as absent).
    NotJson {
        reason: String,
        truncated: bool,
    },
    /// JSON, but no `claudeAiOauth` object.
    NoOauthSection,
    Parsed(OAuthTokens),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialsFile {
    pub path: PathBuf,
    pub state: CredentialsState,
    pub mode: Option<u32>,
}

impl CredentialsFile {
    /// Reads the file the CLI reads.
    #[must_use]
    pub fn load(env: &Environment) -> Self {
        Self::load_path(env.credentials_path())
    }

    /// Reads a credentials file at any path (the misplaced one too).
    #[must_use]
    pub fn load_path(path: PathBuf) -> Self {
        let (state, mode) = match files::read_text(&path) {
            FileRead::Missing => (CredentialsState::Missing, None),
            FileRead::Problem(p) => (CredentialsState::Unreadable(p), None),
            FileRead::Text(t) => (parse(&t.text), t.mode),
        };
        Self { path, state, mode }
    }

    /// Whether something is at the path (even a broken file).
    #[must_use]
    pub fn state_exists(&self) -> bool {
        self.state != CredentialsState::Missing
    }

    #[must_use]
    pub fn tokens(&self) -> Option<&OAuthTokens> {
        match &self.state {
            CredentialsState::Parsed(t) => Some(t),
            _ => None,
        }
    }
}

/// Parses the credentials JSON.
#[must_use]
pub fn parse(text: &str) -> CredentialsState {
    let value = match serde_json::from_str::<Value>(text) {
        Ok(v) => v,
        Err(e) => {
            return CredentialsState::NotJson {
                truncated: e.classify() == serde_json::error::Category::Eof,
                reason: if text.trim().is_empty() {
                    "is empty".to_string()
                } else {
                    describe_json_error(&e)
                },
            };
        }
    };
    let Some(section) = value.get("claudeAiOauth").and_then(Value::as_object) else {
        return CredentialsState::NoOauthSection;
    };
    let text_field = |k: &str| section.get(k).and_then(Value::as_str).map(str::to_string);
    let expires_at_ms = section.get("expiresAt").and_then(|v| {
        v.as_i64()
            // JavaScript may write the milliseconds as a float; whole milliseconds are enough.
            .or_else(|| {
                #[allow(clippy::cast_possible_truncation)]
                v.as_f64().map(|f| f as i64)
            })
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
    });
    let scopes = section.get("scopes").map(|s| match s {
        Value::Array(a) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        Value::String(s) => s.split_whitespace().map(str::to_string).collect(),
        _ => Vec::new(),
    });
    CredentialsState::Parsed(OAuthTokens {
        access_token: text_field("accessToken"),
        refresh_token: text_field("refreshToken"),
        expires_at_ms,
        scopes,
        subscription_type: text_field("subscriptionType"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_cli_shape() {
        let state = parse(
            r#"{"claudeAiOauth":{"accessToken":"sk-ant-oat01-x","refreshToken":"sk-ant-ort01-y","expiresAt":1795647947424,"scopes":["user:inference","user:profile"],"subscriptionType":"max"}}"#,
        );
        let CredentialsState::Parsed(t) = state else {
            panic!()
        };
        assert_eq!(t.expires_at_ms, Some(1_795_647_947_424));
        assert_eq!(t.usable_token(), Some("sk-ant-oat01-x"));
        assert!(t.missing_fields().is_empty());
    }

    #[test]
    fn blanked_truncated_and_scopeless() {
        let CredentialsState::Parsed(t) = parse(
            r#"{"claudeAiOauth":{"accessToken":"","refreshToken":"","expiresAt":0,"scopes":["user:inference"]}}"#,
        ) else {
            panic!()
        };
        assert!(t.is_blanked());
        assert!(matches!(
            parse(r#"{"claudeAiOauth":{"accessTo"#),
            CredentialsState::NotJson {
                truncated: true,
                ..
            }
        ));
        let CredentialsState::Parsed(t) =
            parse(r#"{"claudeAiOauth":{"accessToken":"a","scopes":["user:profile"]}}"#)
        else {
            panic!()
        };
        assert_eq!(t.usable_token(), None);
        assert_eq!(parse("{}"), CredentialsState::NoOauthSection);
    }
}
