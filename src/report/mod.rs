//! A whole diagnosis (every check, the effective credential, the primary cause) and its
//! renderings: `check` text, `check --json`.

pub mod json;
pub mod markdown;
pub mod text;

use crate::checks::{self, CheckCtx, CheckOptions, PrimaryCause};
use crate::env::Environment;
use crate::outcome::CheckOutcome;
use crate::resolve::{EffectiveAuth, Endpoint};
use std::sync::Arc;

/// The result of running every check once.
#[derive(Debug)]
pub struct Diagnosis {
    pub env: Arc<Environment>,
    pub outcomes: Vec<CheckOutcome>,
    pub primary: Option<PrimaryCause>,
    pub auth: EffectiveAuth,
    pub auth_print: EffectiveAuth,
    pub endpoint: Endpoint,
    /// The files read for this run (settings scopes for the report).
    pub facts: crate::sources::Facts,
    /// Every secret value seen, so any text can be scrubbed of them before it is shown.
    pub secrets: Vec<String>,
}

impl Diagnosis {
    /// Runs every check concurrently.
    pub async fn run(env: Arc<Environment>, opts: CheckOptions) -> Self {
        let gather_env = Arc::clone(&env);
        let ctx = tokio::task::spawn_blocking(move || CheckCtx::new(gather_env, opts))
            .await
            .unwrap_or_else(|_| {
                CheckCtx::from_facts(Arc::clone(&env), crate::sources::Facts::gather(&env), opts)
            });
        let ctx = Arc::new(ctx);
        let outcomes = checks::run_all(Arc::clone(&ctx)).await;
        let helper_value = ctx
            .helper_run()
            .await
            .and_then(|h| h.value().map(str::to_string));
        Self::from_parts(&ctx, outcomes, helper_value)
    }

    /// Assembles a diagnosis from a context and finished outcomes (the wizard does this too).
    #[must_use]
    pub fn from_parts(
        ctx: &CheckCtx,
        outcomes: Vec<CheckOutcome>,
        helper_value: Option<String>,
    ) -> Self {
        let primary = checks::primary_cause(&outcomes);
        let mut secrets = known_secrets(ctx);
        let (mut auth, mut auth_print) = (ctx.auth.clone(), ctx.auth_print.clone());
        if let Some(value) = &helper_value {
            // The helper's output is the credential: show it masked like any other.
            auth.set_helper_value(value);
            auth_print.set_helper_value(value);
        }
        secrets.extend(helper_value);
        Self {
            env: Arc::clone(&ctx.env),
            outcomes,
            primary,
            auth,
            auth_print,
            endpoint: ctx.endpoint.clone(),
            facts: ctx.facts.clone(),
            secrets,
        }
    }

    /// Masks every known secret (and anything secret-shaped) in `text`, and escapes its
    /// control characters and bidi overrides: for every text from outside.
    #[must_use]
    pub fn scrub(&self, text: &str) -> String {
        let known: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
        crate::sanitize::shown(text, &known)
    }

    /// For text meant to be shared: secrets masked and the home folder shown as `~`.
    #[must_use]
    pub fn redact(&self, text: &str) -> String {
        let scrubbed = self.scrub(text);
        let home = self.env.home().to_string_lossy();
        if home.len() > 1 {
            scrubbed.replace(home.as_ref(), "~")
        } else {
            scrubbed
        }
    }

    /// Every string of a JSON document passed through [`Self::scrub`].
    pub fn scrub_json(&self, value: &mut serde_json::Value) {
        map_strings(value, &|s| self.scrub(s));
    }

    /// Every string of a JSON document passed through [`Self::redact`].
    pub fn redact_json(&self, value: &mut serde_json::Value) {
        map_strings(value, &|s| self.redact(s));
    }

    /// A whole rendered text, last: secrets masked once more (a fragment may have been put
    /// together from two fields) and unsafe characters escaped. The colour sequences of
    /// `check --color` stay: every outside text in it went through [`Self::scrub`] already.
    #[must_use]
    pub fn finish(&self, text: &str) -> String {
        let known: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
        let scrubbed = crate::secret::scrub(text, &known);
        crate::sanitize::escape_keeping_colors(&scrubbed).into_owned()
    }

    /// What the `cli` check found about the installed Claude Code, if it ran and found one.
    #[must_use]
    pub fn cli(&self) -> Option<&crate::outcome::CliInfo> {
        self.outcomes
            .iter()
            .find(|o| o.id == crate::ids::CheckId::Cli)?
            .cli
            .as_ref()
    }

    /// The CLI version the `cli` check found, if any.
    #[must_use]
    pub fn cli_version(&self) -> Option<String> {
        self.cli()?.version().map(str::to_string)
    }

    /// Exit status for `check`: 0 no failure, 1 a check failed.
    #[must_use]
    pub fn exit_code(&self) -> i32 {
        i32::from(
            self.outcomes
                .iter()
                .any(|o| o.status == crate::outcome::Status::Fail),
        )
    }
}

fn map_strings(value: &mut serde_json::Value, f: &dyn Fn(&str) -> String) {
    use serde_json::Value;
    match value {
        Value::String(s) => *s = f(s),
        Value::Array(items) => items.iter_mut().for_each(|v| map_strings(v, f)),
        Value::Object(map) => map.values_mut().for_each(|v| map_strings(v, f)),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Every secret value this run could see: credential variables, profile values, settings
/// values, stored tokens.
#[must_use]
pub fn known_secrets(ctx: &CheckCtx) -> Vec<String> {
    const VARS: &[&str] = &[
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_AUTH_TOKEN",
        "CLAUDE_CODE_OAUTH_TOKEN",
        "AWS_BEARER_TOKEN_BEDROCK",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "ANTHROPIC_FOUNDRY_API_KEY",
    ];
    let mut out: Vec<String> = Vec::new();
    for var in VARS {
        if let Some(v) = ctx.env.raw_var(var) {
            out.push(v.to_string());
        }
        for c in crate::resolve::env_candidates(var, &ctx.env, &ctx.facts) {
            out.push(c.value);
        }
    }
    // Profiles also trace ANTHROPIC_BASE_URL, which is not a secret: only credential values.
    out.extend(
        ctx.facts
            .profile_assignments
            .iter()
            .filter(|a| crate::checks::shell_env::CREDENTIAL_VARS.contains(&a.var.as_str()))
            .map(|a| a.value.clone()),
    );
    if let Some(t) = ctx.facts.credentials.tokens() {
        out.extend(t.access_token.clone());
        out.extend(t.refresh_token.clone());
    }
    if let Some(t) = ctx.facts.misplaced_credentials.tokens() {
        out.extend(t.access_token.clone());
        out.extend(t.refresh_token.clone());
    }
    // The macOS Keychain login.
    if let Some(t) = ctx.facts.keychain.as_ref().and_then(|k| k.tokens()) {
        out.extend(t.access_token.clone());
        out.extend(t.refresh_token.clone());
    }
    out.extend(ctx.facts.global.primary_api_key().map(str::to_string));
    out.retain(|s| s.trim().len() >= 8);
    // Longest first, so a key is masked before any substring of it.
    out.sort_by_key(|s| std::cmp::Reverse(s.len()));
    out.dedup();
    out
}
