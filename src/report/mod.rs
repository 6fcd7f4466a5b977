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
    pub secrets: crate::secrets::Secrets,
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
        let (mut auth, mut auth_print) = (ctx.auth.clone(), ctx.auth_print.clone());
        if let Some(value) = &helper_value {
            // The helper's output is the credential: show it masked like any other.
            auth.set_helper_value(value);
            auth_print.set_helper_value(value);
        }
        let secrets = ctx.secrets().with(helper_value);
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
        self.secrets.shown(text)
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
        let scrubbed = self.secrets.scrub(text);
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
