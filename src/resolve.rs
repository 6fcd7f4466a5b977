//! Which credential and endpoint the CLI will actually use, following its precedence exactly
//! (see the README's "How Claude Code picks a credential"). Pure: `Environment` + `Facts` in,
//! values out.

use crate::env::{Environment, is_truthy};
use crate::secret;
use crate::sources::Facts;
use crate::sources::global_config::KeyApproval;
use crate::sources::settings::Scope;
use serde::Serialize;
use std::path::PathBuf;

/// The CLI's two ways of running, which treat keys differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `claude`: asks before using `ANTHROPIC_API_KEY`. It also asks to trust the folder, and
    /// declining exits, so any real interactive session runs with the folder's project and local
    /// settings applied: they are resolved as they will apply once trusted.
    Interactive,
    /// `claude -p`: uses every key and every settings file without asking.
    Print,
}

/// The trust lookup: whether `~/.claude.json` (which moves with `CLAUDE_CONFIG_DIR`) records
/// `projects["<this folder or a parent>"].hasTrustDialogAccepted: true`. An unreadable or
/// corrupt file counts as untrusted.
#[must_use]
pub fn folder_trusted(env: &Environment, facts: &Facts) -> bool {
    facts.global.is_trusted(env.cwd())
}

/// True when a value comes from the working folder's project or local settings and the folder
/// is not trusted: its commands must not run and its endpoint must not get a credential.
#[must_use]
pub fn from_untrusted_folder(origin: &Origin, trusted: bool) -> bool {
    !trusted && matches!(origin, Origin::Settings { scope, .. } if scope.needs_trust())
}

/// Where a value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// This process's environment (the shell).
    Shell,
    /// A settings file's `env` block or top-level key.
    Settings {
        scope: Scope,
        path: PathBuf,
        line: Option<usize>,
    },
    /// `~/.claude.json` (`primaryApiKey`, or its legacy `env`).
    GlobalConfig { path: PathBuf, line: Option<usize> },
    /// The OAuth credentials file.
    CredentialsFile(PathBuf),
    /// The macOS Keychain item holding the login.
    Keychain(crate::sources::keychain::KeychainItem),
    /// Built in to the CLI.
    Default,
}

impl Origin {
    /// Plain words, with `~` for the home folder and `:line` where known.
    #[must_use]
    pub fn describe(&self, env: &Environment) -> String {
        match self {
            Self::Shell => "this shell's environment".to_string(),
            Self::Settings { scope, path, line } => format!(
                "{} settings {}{}",
                scope.label(),
                env.display_path(path),
                line.map(|l| format!(":{l}")).unwrap_or_default()
            ),
            Self::GlobalConfig { path, line } => format!(
                "{}{}",
                env.display_path(path),
                line.map(|l| format!(":{l}")).unwrap_or_default()
            ),
            Self::CredentialsFile(path) => env.display_path(path),
            Self::Keychain(item) => item.describe(),
            Self::Default => "built-in default".to_string(),
        }
    }

    /// The stored login (the credentials file or the macOS Keychain item).
    #[must_use]
    pub fn is_stored_login(&self) -> bool {
        matches!(self, Self::CredentialsFile(_) | Self::Keychain(_))
    }

    #[must_use]
    pub fn is_settings(&self) -> bool {
        matches!(self, Self::Settings { .. })
    }
}

/// A variable's value and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvValue {
    pub value: String,
    pub origin: Origin,
}

/// Every value a variable has, lowest precedence first: shell, legacy `~/.claude.json` env,
/// user, project, local, managed settings. An empty value in a settings `env` block is kept: it
/// unsets the variable for the CLI (see [`effective_var`]).
#[must_use]
pub fn env_candidates(name: &str, env: &Environment, facts: &Facts) -> Vec<EnvValue> {
    let mut out = Vec::new();
    if let Some(v) = env.var(name) {
        out.push(EnvValue {
            value: v.to_string(),
            origin: Origin::Shell,
        });
    }
    if let Some(v) = facts
        .global
        .legacy_env_value(name)
        .filter(|v| !v.is_empty())
    {
        out.push(EnvValue {
            value: v,
            origin: Origin::GlobalConfig {
                path: facts.global.path.clone(),
                line: facts.global.line_of(&format!("\"{name}\"")),
            },
        });
    }
    for file in &facts.settings {
        if let Some(v) = file.env_value(name) {
            out.push(EnvValue {
                value: v,
                origin: Origin::Settings {
                    scope: file.scope,
                    path: file.path.clone(),
                    line: file.line_of_key(name),
                },
            });
        }
    }
    out
}

/// The value the CLI ends up with for a variable: the highest-precedence candidate, and nothing
/// when that candidate is an empty settings value (which unsets the shell's). Both modes see
/// the folder's project and local settings (see [`Mode::Interactive`]).
#[must_use]
pub fn effective_var(name: &str, env: &Environment, facts: &Facts, mode: Mode) -> Option<EnvValue> {
    let _ = mode;
    env_candidates(name, env, facts)
        .into_iter()
        .next_back()
        .filter(|c| !c.value.is_empty())
}

/// The settings file whose empty value unsets a variable set elsewhere, if one does.
#[must_use]
pub fn unset_by_settings(name: &str, env: &Environment, facts: &Facts) -> Option<Origin> {
    let candidates = env_candidates(name, env, facts);
    let last = candidates.last()?;
    (last.value.is_empty() && candidates.iter().any(|c| !c.value.is_empty()))
        .then(|| last.origin.clone())
}

/// True when the effective value of a boolean variable is truthy.
#[must_use]
pub fn effective_truthy(name: &str, env: &Environment, facts: &Facts, mode: Mode) -> bool {
    effective_var(name, env, facts, mode).is_some_and(|v| is_truthy(&v.value))
}

/// How a credential is sent. Serialised as the contract's `method` strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    ApiKey,
    AuthToken,
    Oauth,
    ApiKeyHelper,
    Bedrock,
    Vertex,
    Foundry,
    None,
}

impl Method {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ApiKey => "api_key",
            Self::AuthToken => "auth_token",
            Self::Oauth => "oauth",
            Self::ApiKeyHelper => "api_key_helper",
            Self::Bedrock => "bedrock",
            Self::Vertex => "vertex",
            Self::Foundry => "foundry",
            Self::None => "none",
        }
    }
}

/// One credential the CLI could send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credential {
    pub method: Method,
    /// Short source name: `ANTHROPIC_API_KEY`, `apiKeyHelper`, `~/.claude/.credentials.json`, …
    pub source: String,
    pub origin: Origin,
    /// The secret, when known without running anything. Never printed: use [`Credential::masked`].
    pub secret: Option<String>,
}

impl Credential {
    #[must_use]
    pub fn masked(&self) -> Option<String> {
        self.secret.as_deref().map(secret::mask)
    }

    /// "`ANTHROPIC_API_KEY` from user settings ~/.claude/settings.json:3".
    #[must_use]
    pub fn describe(&self, env: &Environment) -> String {
        format!("{} from {}", self.source, self.origin.describe(env))
    }
}

/// The provider that serves requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Provider {
    Anthropic,
    Bedrock,
    Vertex,
    Foundry,
}

impl Provider {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Anthropic => "anthropic",
            Self::Bedrock => "bedrock",
            Self::Vertex => "vertex",
            Self::Foundry => "foundry",
        }
    }
}

/// The provider in the CLI's order: bedrock, foundry, vertex, then Anthropic.
#[must_use]
pub fn provider(env: &Environment, facts: &Facts, mode: Mode) -> Provider {
    if effective_truthy("CLAUDE_CODE_USE_BEDROCK", env, facts, mode) {
        Provider::Bedrock
    } else if effective_truthy("CLAUDE_CODE_USE_FOUNDRY", env, facts, mode) {
        Provider::Foundry
    } else if effective_truthy("CLAUDE_CODE_USE_VERTEX", env, facts, mode) {
        Provider::Vertex
    } else {
        Provider::Anthropic
    }
}

/// The `apiKeyHelper` that applies, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelperSpec {
    pub command: String,
    pub origin: Origin,
    /// False when it comes from an untrusted folder's project or local settings: it is what
    /// the CLI would run once the folder is trusted, and this tool never runs it.
    pub may_run: bool,
}

/// The winning `apiKeyHelper` (a project or local one applies once the folder is trusted).
#[must_use]
pub fn api_key_helper(env: &Environment, facts: &Facts, mode: Mode) -> Option<HelperSpec> {
    let _ = mode;
    let trusted = folder_trusted(env, facts);
    facts.settings.iter().rev().find_map(|file| {
        let command = file
            .top_value("apiKeyHelper")
            .filter(|c| !c.trim().is_empty())?;
        let origin = Origin::Settings {
            scope: file.scope,
            path: file.path.clone(),
            line: file.line_of_key("apiKeyHelper"),
        };
        Some(HelperSpec {
            command,
            may_run: !from_untrusted_folder(&origin, trusted),
            origin,
        })
    })
}

/// What the CLI will send and what it ignores.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EffectiveAuth {
    pub mode: Mode,
    pub provider: Provider,
    /// The credential that decides success; `None` means the CLI has nothing to send.
    pub effective: Option<Credential>,
    /// Credentials sent alongside the effective one (both headers go out).
    pub also_sent: Vec<Credential>,
    /// Credentials present but not used.
    pub shadowed: Vec<Credential>,
    /// How the CLI treats `ANTHROPIC_API_KEY` interactively, when one is set.
    pub api_key_approval: Option<KeyApproval>,
    pub helper: Option<HelperSpec>,
    /// Whether the working folder is trusted (see [`folder_trusted`]).
    pub folder_trusted: bool,
    /// A credential the CLI falls back to when the effective one is rejected (the stored login
    /// after a refused `CLAUDE_CODE_OAUTH_TOKEN`).
    pub fallback: Option<Credential>,
}

impl EffectiveAuth {
    #[must_use]
    pub fn method(&self) -> Method {
        self.effective.as_ref().map_or(Method::None, |c| c.method)
    }

    /// True when the effective credential comes from the folder's project or local settings and
    /// the folder is not trusted yet: the CLI sends it once the trust dialog is accepted (and
    /// `-p` now).
    #[must_use]
    pub fn awaits_trust(&self) -> bool {
        self.effective
            .as_ref()
            .is_some_and(|c| self.awaits_trust_for(c))
    }

    /// Whether this credential applies only once the folder is trusted.
    #[must_use]
    pub fn awaits_trust_for(&self, c: &Credential) -> bool {
        from_untrusted_folder(&c.origin, self.folder_trusted)
    }

    /// Fills in the value an `apiKeyHelper` printed, so the helper's credential is shown (masked)
    /// like any other.
    pub fn set_helper_value(&mut self, value: &str) {
        for c in self
            .effective
            .iter_mut()
            .chain(self.also_sent.iter_mut())
            .chain(self.shadowed.iter_mut())
            .filter(|c| c.method == Method::ApiKeyHelper)
        {
            c.secret = Some(trim_header_value(value).to_string());
        }
    }
}

/// What the CLI puts in a header: the value without leading and trailing spaces, CR and LF
/// (verified: a key with a trailing newline works). A line break inside stays and fails.
#[must_use]
pub fn trim_header_value(value: &str) -> &str {
    value.trim_matches([' ', '\t', '\r', '\n'])
}

fn env_credential(name: &str, method: Method, v: EnvValue) -> Credential {
    Credential {
        method,
        source: name.to_string(),
        origin: v.origin,
        secret: Some(trim_header_value(&v.value).to_string()),
    }
}

/// Resolves the credential the CLI will send, in the given mode.
#[must_use]
pub fn effective_auth(env: &Environment, facts: &Facts, mode: Mode) -> EffectiveAuth {
    let provider = provider(env, facts, mode);
    let api_key = effective_var("ANTHROPIC_API_KEY", env, facts, mode);
    let approval = api_key
        .as_ref()
        .map(|k| facts.global.key_approval(&k.value));
    let api_key_active =
        api_key.is_some() && (mode == Mode::Print || approval != Some(KeyApproval::Rejected));
    let auth_token = effective_var("ANTHROPIC_AUTH_TOKEN", env, facts, mode)
        .map(|v| env_credential("ANTHROPIC_AUTH_TOKEN", Method::AuthToken, v));
    let oauth_env = effective_var("CLAUDE_CODE_OAUTH_TOKEN", env, facts, mode)
        .map(|v| env_credential("CLAUDE_CODE_OAUTH_TOKEN", Method::Oauth, v));
    let helper = api_key_helper(env, facts, mode);
    let helper_cred = helper.as_ref().map(|h| Credential {
        method: Method::ApiKeyHelper,
        source: "apiKeyHelper".to_string(),
        origin: h.origin.clone(),
        secret: None,
    });
    let login = facts.stored_login();
    let stored = login
        .tokens()
        .and_then(|t| t.usable_token())
        .map(|token| Credential {
            method: Method::Oauth,
            source: "login credentials".to_string(),
            origin: login.origin(),
            secret: Some(token.to_string()),
        });
    let primary = facts.global.primary_api_key().map(|k| Credential {
        method: Method::ApiKey,
        source: "primaryApiKey (/login managed key)".to_string(),
        origin: Origin::GlobalConfig {
            path: facts.global.path.clone(),
            line: facts.global.line_of("\"primaryApiKey\""),
        },
        secret: Some(k.to_string()),
    });
    let api_key_cred = api_key.map(|v| env_credential("ANTHROPIC_API_KEY", Method::ApiKey, v));

    let mut present: Vec<Credential> = [
        api_key_cred.clone(),
        auth_token.clone(),
        oauth_env.clone(),
        helper_cred.clone(),
        stored.clone(),
        primary.clone(),
    ]
    .into_iter()
    .flatten()
    .collect();

    let (effective, also_sent) = if provider == Provider::Anthropic {
        let active_key = api_key_cred.filter(|_| api_key_active);
        first_party_choice(
            active_key,
            auth_token,
            oauth_env.clone(),
            helper_cred,
            stored.clone(),
            primary,
        )
    } else {
        (
            Some(provider_credential(provider, env, facts, mode)),
            Vec::new(),
        )
    };
    // A refused CLAUDE_CODE_OAUTH_TOKEN is followed by a retry with the stored login (verified).
    let fallback = stored.filter(|_| effective.is_some() && effective == oauth_env);
    // The fallback stays listed as shadowed: it is sent only after the first one is refused.
    present.retain(|c| Some(c) != effective.as_ref() && !also_sent.contains(c));
    EffectiveAuth {
        mode,
        provider,
        effective,
        also_sent,
        shadowed: present,
        api_key_approval: approval,
        helper,
        folder_trusted: folder_trusted(env, facts),
        fallback,
    }
}

/// The first-party chain: x-api-key from the API key (or helper, or primaryApiKey), Bearer from
/// the auth token (or OAuth env token, or helper, or the stored login). The login is used only
/// when no auth token, active API key or helper is set. An auth token with a `primaryApiKey`
/// sends both headers on the same request (verified).
fn first_party_choice(
    api_key: Option<Credential>,
    auth_token: Option<Credential>,
    oauth_env: Option<Credential>,
    helper: Option<Credential>,
    stored: Option<Credential>,
    primary: Option<Credential>,
) -> (Option<Credential>, Vec<Credential>) {
    match (api_key, auth_token) {
        (Some(key), Some(token)) => (Some(key), vec![token]),
        (None, Some(token)) => (Some(token), primary.into_iter().collect()),
        (Some(key), None) => {
            // With `-p`, an API key plus a helper sends the helper's output as Bearer.
            (Some(key), helper.into_iter().collect())
        }
        (None, None) => (helper.or(oauth_env).or(stored).or(primary), Vec::new()),
    }
}

fn provider_credential(
    provider: Provider,
    env: &Environment,
    facts: &Facts,
    mode: Mode,
) -> Credential {
    let var = |name: &str| effective_var(name, env, facts, mode);
    let from = |method: Method, name: &str, v: EnvValue, secret: bool| Credential {
        method,
        source: name.to_string(),
        origin: v.origin,
        secret: secret.then_some(v.value),
    };
    let fallback = |method: Method, source: &str| Credential {
        method,
        source: source.to_string(),
        origin: Origin::Default,
        secret: None,
    };
    match provider {
        Provider::Bedrock => {
            if let Some(v) = var("AWS_BEARER_TOKEN_BEDROCK") {
                from(Method::Bedrock, "AWS_BEARER_TOKEN_BEDROCK", v, true)
            } else if let Some(v) = var("AWS_ACCESS_KEY_ID") {
                from(Method::Bedrock, "AWS_ACCESS_KEY_ID", v, true)
            } else if let Some(v) = var("AWS_PROFILE") {
                let source = format!("AWS_PROFILE={}", v.value);
                from(Method::Bedrock, &source, v, false)
            } else {
                fallback(Method::Bedrock, "AWS default credential chain")
            }
        }
        Provider::Vertex => {
            if let Some(v) = var("GOOGLE_APPLICATION_CREDENTIALS") {
                let source = format!("GOOGLE_APPLICATION_CREDENTIALS={}", v.value);
                from(Method::Vertex, &source, v, false)
            } else {
                fallback(Method::Vertex, "Google application default credentials")
            }
        }
        Provider::Foundry => {
            if let Some(v) = var("ANTHROPIC_FOUNDRY_API_KEY") {
                from(Method::Foundry, "ANTHROPIC_FOUNDRY_API_KEY", v, true)
            } else {
                fallback(Method::Foundry, "Azure default credential chain")
            }
        }
        Provider::Anthropic => fallback(Method::None, "none"),
    }
}

/// The default first-party endpoint.
pub const DEFAULT_BASE_URL: &str = "https://api.anthropic.com";

/// Where requests go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub base_url: String,
    pub provider: Provider,
    /// The variable that set it, or "default".
    pub source: String,
    pub origin: Origin,
}

impl Endpoint {
    /// A base URL other than the provider's default (a gateway or proxy).
    #[must_use]
    pub fn is_custom(&self) -> bool {
        self.origin != Origin::Default
    }
}

/// Resolves the endpoint.
#[must_use]
pub fn endpoint(env: &Environment, facts: &Facts, mode: Mode) -> Endpoint {
    let provider = provider(env, facts, mode);
    let var = |name: &str| effective_var(name, env, facts, mode);
    let (name, default) = match provider {
        Provider::Anthropic => ("ANTHROPIC_BASE_URL", DEFAULT_BASE_URL.to_string()),
        Provider::Bedrock => {
            let region = var("AWS_REGION")
                .or_else(|| var("AWS_DEFAULT_REGION"))
                .map_or_else(|| "us-east-1".to_string(), |v| v.value);
            (
                "ANTHROPIC_BEDROCK_BASE_URL",
                format!("https://bedrock-runtime.{region}.amazonaws.com"),
            )
        }
        Provider::Vertex => {
            let region = var("CLOUD_ML_REGION").map_or_else(|| "us-east5".to_string(), |v| v.value);
            (
                "ANTHROPIC_VERTEX_BASE_URL",
                format!("https://{region}-aiplatform.googleapis.com"),
            )
        }
        Provider::Foundry => {
            let resource = var("ANTHROPIC_FOUNDRY_RESOURCE")
                .map_or_else(|| "<resource>".to_string(), |v| v.value);
            (
                "ANTHROPIC_FOUNDRY_BASE_URL",
                format!("https://{resource}.services.ai.azure.com/anthropic"),
            )
        }
    };
    match var(name) {
        Some(v) => Endpoint {
            base_url: v.value,
            provider,
            source: name.to_string(),
            origin: v.origin,
        },
        None => Endpoint {
            base_url: default,
            provider,
            source: "default".to_string(),
            origin: Origin::Default,
        },
    }
}
