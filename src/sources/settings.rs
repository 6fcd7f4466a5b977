//! The settings files the CLI reads, in its precedence order, parsed without ever failing.

use crate::env::Environment;
use crate::files::{self, FileRead};
use serde_json::Value;
use std::path::PathBuf;

/// A settings scope. Declared in precedence order: later scopes win.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    User,
    Project,
    Local,
    Managed,
}

impl Scope {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Project => "project",
            Self::Local => "project-local",
            Self::Managed => "managed",
        }
    }

    /// Interactively, project and local files set auth variables only once the folder is
    /// trusted.
    #[must_use]
    pub fn needs_trust(self) -> bool {
        matches!(self, Self::Project | Self::Local)
    }
}

/// What a settings file held.
#[derive(Clone, Debug, PartialEq)]
pub enum SettingsState {
    Missing,
    /// Exists but could not be read (permissions, a directory, too large, …).
    Unreadable(String),
    /// Not valid JSON, or not an object: the CLI silently drops such a file, `env` and all.
    Corrupt(String),
    Loaded {
        value: serde_json::Map<String, Value>,
        text: String,
    },
}

/// One settings file.
#[derive(Clone, Debug, PartialEq)]
pub struct SettingsFile {
    pub scope: Scope,
    pub path: PathBuf,
    pub state: SettingsState,
}

/// Variables in a settings `env` block that bear on authentication or the endpoint.
pub const AUTH_ENV_KEYS: &[&str] = &[
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_AUTH_TOKEN",
    "CLAUDE_CODE_OAUTH_TOKEN",
    "ANTHROPIC_BASE_URL",
    "CLAUDE_CODE_USE_BEDROCK",
    "CLAUDE_CODE_USE_VERTEX",
    "CLAUDE_CODE_USE_FOUNDRY",
    "AWS_BEARER_TOKEN_BEDROCK",
    "AWS_PROFILE",
    "AWS_REGION",
    "ANTHROPIC_VERTEX_PROJECT_ID",
    "CLOUD_ML_REGION",
    "ANTHROPIC_FOUNDRY_API_KEY",
    "HTTPS_PROXY",
    "HTTP_PROXY",
    "NO_PROXY",
    "NODE_EXTRA_CA_CERTS",
    "NODE_TLS_REJECT_UNAUTHORIZED",
];

/// Top-level settings keys that bear on authentication.
pub const AUTH_TOP_KEYS: &[&str] = &[
    "apiKeyHelper",
    "forceLoginMethod",
    "forceLoginOrgUUID",
    "awsAuthRefresh",
    "awsCredentialExport",
    "gcpAuthRefresh",
    "otelHeadersHelper",
];

/// Variables that the CLI's trust rule keeps out of untrusted project and local files (READ in
/// its code). Informational: interactive use requires accepting the trust dialog, so resolution
/// applies these files as they will apply once trusted (see `resolve::Mode::Interactive`), and
/// this tool's own safety rule (`checks::trust`) keeps their commands and endpoints at bay.
pub const TRUST_GATED_VARS: &[&str] = &[
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_AUTH_TOKEN",
    "ANTHROPIC_BASE_URL",
    "CLAUDE_CODE_OAUTH_TOKEN",
    "HTTPS_PROXY",
    "HTTP_PROXY",
    "NODE_EXTRA_CA_CERTS",
    "NODE_TLS_REJECT_UNAUTHORIZED",
];

impl SettingsFile {
    /// Reads and parses one file.
    #[must_use]
    pub fn load(scope: Scope, path: PathBuf) -> Self {
        let state = match files::read_text(&path) {
            FileRead::Missing => SettingsState::Missing,
            FileRead::Problem(p) => SettingsState::Unreadable(p),
            FileRead::Text(t) => parse(&t.text),
        };
        Self { scope, path, state }
    }

    /// The `env` block's value for a variable (numbers and booleans as text, as the CLI does).
    #[must_use]
    pub fn env_value(&self, name: &str) -> Option<String> {
        let env = self.object()?.get("env")?.as_object()?;
        value_as_text(env.get(name)?)
    }

    /// A top-level string setting, such as `apiKeyHelper`.
    #[must_use]
    pub fn top_value(&self, key: &str) -> Option<String> {
        value_as_text(self.object()?.get(key)?)
    }

    /// The 1-based line where `"name"` first appears, for evidence.
    #[must_use]
    pub fn line_of_key(&self, name: &str) -> Option<usize> {
        match &self.state {
            SettingsState::Loaded { text, .. } => files::line_of(text, &format!("\"{name}\"")),
            _ => None,
        }
    }

    #[must_use]
    pub fn object(&self) -> Option<&serde_json::Map<String, Value>> {
        match &self.state {
            SettingsState::Loaded { value, .. } => Some(value),
            _ => None,
        }
    }
}

fn value_as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Parses settings JSON; an error names the line and column.
#[must_use]
pub fn parse(text: &str) -> SettingsState {
    if text.trim().is_empty() {
        return SettingsState::Corrupt("is empty (not JSON)".to_string());
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(value)) => SettingsState::Loaded {
            value,
            text: text.to_string(),
        },
        Ok(_) => SettingsState::Corrupt("is valid JSON but not an object".to_string()),
        Err(e) => SettingsState::Corrupt(describe_json_error(&e)),
    }
}

/// Plain words for a JSON error, with its position.
#[must_use]
pub fn describe_json_error(e: &serde_json::Error) -> String {
    let what = match e.classify() {
        serde_json::error::Category::Eof => "ends too early (truncated?)",
        serde_json::error::Category::Syntax => "is not valid JSON",
        serde_json::error::Category::Data => "has a value of the wrong type",
        serde_json::error::Category::Io => "could not be read",
    };
    format!("{what}: line {}, column {}", e.line(), e.column())
}

/// All settings files, lowest precedence first: user, project, local, managed (+ drop-ins).
#[must_use]
pub fn load_all(env: &Environment) -> Vec<SettingsFile> {
    let user = env.claude_config_dir().join("settings.json");
    let project = env.cwd().join(".claude/settings.json");
    let mut out = vec![SettingsFile::load(Scope::User, user.clone())];
    // Run from the home folder, the project file is the user file: read it once, as the user's
    // own (it must not be taken for an untrusted folder's file).
    if !same_file(&user, &project) {
        out.push(SettingsFile::load(Scope::Project, project));
    }
    out.extend([
        SettingsFile::load(Scope::Local, env.cwd().join(".claude/settings.local.json")),
        SettingsFile::load(
            Scope::Managed,
            env.managed_dir().join("managed-settings.json"),
        ),
    ]);
    // Drop-ins are merged after the main managed file, in name order.
    let dropin_dir = env.managed_dir().join("managed-settings.d");
    if let Ok(entries) = std::fs::read_dir(&dropin_dir) {
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        out.extend(
            paths
                .into_iter()
                .take(64)
                .map(|p| SettingsFile::load(Scope::Managed, p)),
        );
    }
    out
}

/// Whether two paths name one file, also when it does not exist yet (no settings file in
/// `~/.claude/`) and one path goes through a symlink (a home folder reached by a link).
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    // The folder holding each, resolved, plus the file name: the folder exists when the file
    // does not.
    let resolved = |p: &std::path::Path| {
        let parent = p.parent()?;
        let dir = std::fs::canonicalize(parent)
            .or_else(|_| {
                // `~/.claude/` itself may be missing: resolve its parent.
                let grand = parent.parent().ok_or(std::io::ErrorKind::NotFound)?;
                std::fs::canonicalize(grand).map(|g| g.join(parent.file_name().unwrap_or_default()))
            })
            .ok()?;
        Some(dir.join(p.file_name()?))
    };
    a == b || matches!((resolved(a), resolved(b)), (Some(x), Some(y)) if x == y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_reports_position_and_kind() {
        match parse("{\"env\": {") {
            SettingsState::Corrupt(msg) => assert!(msg.contains("truncated"), "{msg}"),
            other => panic!("{other:?}"),
        }
        match parse("{\"env\": }") {
            SettingsState::Corrupt(msg) => assert!(msg.contains("line 1"), "{msg}"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(parse("[]"), SettingsState::Corrupt(_)));
        assert!(matches!(parse(""), SettingsState::Corrupt(_)));
    }

    #[test]
    fn env_and_top_values_with_lines() {
        let text = "{\n  \"apiKeyHelper\": \"echo hi\",\n  \"env\": {\n    \"ANTHROPIC_BASE_URL\": \"http://x\",\n    \"CLAUDE_CODE_USE_BEDROCK\": 1\n  }\n}";
        let file = SettingsFile {
            scope: Scope::User,
            path: PathBuf::from("/s.json"),
            state: parse(text),
        };
        assert_eq!(file.top_value("apiKeyHelper").as_deref(), Some("echo hi"));
        assert_eq!(
            file.env_value("ANTHROPIC_BASE_URL").as_deref(),
            Some("http://x")
        );
        assert_eq!(
            file.env_value("CLAUDE_CODE_USE_BEDROCK").as_deref(),
            Some("1")
        );
        assert_eq!(file.line_of_key("ANTHROPIC_BASE_URL"), Some(4));
    }

    #[test]
    fn run_from_home_no_settings_file_is_listed_twice() {
        // A home reached through a symlink, run from its real folder, with or without a
        // `~/.claude/settings.json`: each file once, `settings.json` as the user's.
        let root = tempfile::tempdir().unwrap();
        let real = root.path().join("real-home");
        std::fs::create_dir_all(&real).unwrap();
        let link = root.path().join("home");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        for with_files in [false, true] {
            if with_files {
                std::fs::create_dir_all(real.join(".claude")).unwrap();
                std::fs::write(real.join(".claude/settings.json"), "{}").unwrap();
                std::fs::write(real.join(".claude/settings.local.json"), "{}").unwrap();
            }
            let env = Environment::builder(&link)
                .cwd(&real)
                .managed_dir(root.path().join("managed"))
                .build();
            let files = load_all(&env);
            let scopes: Vec<Scope> = files.iter().map(|f| f.scope).collect();
            assert_eq!(
                scopes,
                [Scope::User, Scope::Local, Scope::Managed],
                "{files:?}"
            );
            assert!(files[1].path.ends_with(".claude/settings.local.json"));
        }
    }
}
