//! The CLI's own opinion as a cross-check, never a gate: `claude auth status --json` (it never
//! asks the server, so it can say "logged in" while every request fails), compared with what
//! this tool resolved. A disagreement is a finding of its own (`cli-disagrees`). Runs only when
//! asked: `check --cross-check`, and in the wizard after every other check has reported.

use super::CheckCtx;
use super::cli::{first_line, run_claude};
use crate::ids::CauseId;
use crate::outcome::{CheckOutcome, Status};
use crate::resolve::{EffectiveAuth, Method, Provider};

/// What `claude auth status --json` said.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CliOpinion {
    pub logged_in: Option<bool>,
    /// `none`, `api_key`, `oauth_token`, `claude.ai`, `api_key_helper`, `third_party` (2.1.197).
    pub auth_method: Option<String>,
    /// `firstParty`, `bedrock`, `vertex`, `foundry`.
    pub api_provider: Option<String>,
}

impl CliOpinion {
    /// Parses the JSON object; `None` when the output is not one.
    #[must_use]
    pub fn parse(stdout: &str) -> Option<Self> {
        let json: serde_json::Value = serde_json::from_str(stdout.trim()).ok()?;
        let text = |k: &str| json.get(k).and_then(|v| v.as_str()).map(str::to_string);
        json.is_object().then(|| Self {
            logged_in: json.get("loggedIn").and_then(serde_json::Value::as_bool),
            auth_method: text("authMethod"),
            api_provider: text("apiProvider"),
        })
    }
}

/// Runs `claude auth status --json` with the active install of `out.cli` and adds what it says,
/// and any disagreement, to `out`. Does nothing without an install.
pub async fn amend(ctx: &CheckCtx, out: &mut CheckOutcome) {
    let Some(program) = out.cli.as_ref().map(|c| c.active.path.clone()) else {
        return;
    };
    let (env, _) = super::cli::probe_env(ctx);
    match run_claude(&env, &program, &["auth", "status", "--json"]).await {
        Ok(answer) => match CliOpinion::parse(&answer.stdout) {
            Some(opinion) => record(ctx, out, &opinion),
            None => out.detail(format!(
                "`claude auth status --json` printed no JSON (exit {}): {}",
                answer.code,
                crate::secret::scrub(first_line(&answer.stderr), &[])
            )),
        },
        Err(why) => out.find(
            CauseId::CliUnresponsive,
            Status::Warn,
            format!("`claude auth status --json` {why}"),
        ),
    }
}

/// Like [`amend`] for an outcome already finished (the wizard's background cross-check): a new
/// warning becomes the row's summary.
pub async fn amend_finished(ctx: &CheckCtx, out: &mut CheckOutcome) {
    let before = out.status;
    amend(ctx, out).await;
    if out.status > before
        && let Some(summary) = out.worst_finding().map(|w| w.summary.clone())
    {
        out.summary = summary;
    }
}

fn record(ctx: &CheckCtx, out: &mut CheckOutcome, opinion: &CliOpinion) {
    let shown = |v: &Option<String>| v.clone().unwrap_or_else(|| "?".to_string());
    out.detail(format!(
        "Claude Code's own view (`claude auth status`): loggedIn={}, authMethod={}, apiProvider={}; it never asks the server, so it can say logged in while every request fails",
        opinion.logged_in.map_or_else(|| "?".to_string(), |b| b.to_string()),
        shown(&opinion.auth_method),
        shown(&opinion.api_provider),
    ));
    let differences = compare(ctx, opinion);
    if !differences.is_empty() {
        out.find(
            CauseId::CliDisagrees,
            Status::Warn,
            format!(
                "`claude auth status` disagrees with this diagnosis: {}",
                differences.join("; ")
            ),
        );
    }
}

/// What the CLI says that this tool does not find, in plain words; empty when they agree.
/// Values the CLI may add in later versions are not held against it.
#[must_use]
pub fn compare(ctx: &CheckCtx, opinion: &CliOpinion) -> Vec<String> {
    let modes = [&ctx.auth, &ctx.auth_print];
    let ours = describe_ours(&ctx.auth);
    let mut out = Vec::new();
    let we_have_one = modes.iter().any(|a| a.effective.is_some());
    if let Some(logged_in) = opinion.logged_in
        && logged_in != we_have_one
    {
        out.push(if logged_in {
            "it says logged in, but this tool finds no credential Claude Code would send (a login kept where this tool cannot read it, such as a keychain?)".to_string()
        } else {
            format!("it says not logged in, but this tool finds {ours}")
        });
    }
    if let Some(method) = opinion.auth_method.as_deref()
        && KNOWN_METHODS.contains(&method)
        && opinion.logged_in != Some(false)
        && we_have_one
        && !modes
            .iter()
            .any(|a| cli_methods(a.method()).contains(&method))
    {
        out.push(format!(
            "it says authMethod={method}, this tool finds {ours}"
        ));
    }
    if let Some(provider) = opinion.api_provider.as_deref()
        && let Some(theirs) = provider_of(provider)
        && theirs != ctx.endpoint.provider
    {
        out.push(format!(
            "it says apiProvider={provider}, this tool finds {}",
            ctx.endpoint.provider.as_str()
        ));
    }
    out
}

/// The `authMethod` values of 2.1.197.
const KNOWN_METHODS: &[&str] = &[
    "none",
    "api_key",
    "oauth_token",
    "claude.ai",
    "api_key_helper",
    "third_party",
];

/// The `authMethod` values the CLI may report for one of our methods.
fn cli_methods(method: Method) -> &'static [&'static str] {
    match method {
        Method::ApiKey => &["api_key"],
        Method::AuthToken => &["oauth_token"],
        // The login file is `claude.ai`; CLAUDE_CODE_OAUTH_TOKEN is a token source.
        Method::Oauth => &["claude.ai", "oauth_token"],
        Method::ApiKeyHelper => &["api_key_helper"],
        Method::Bedrock | Method::Vertex | Method::Foundry => &["third_party"],
        Method::None => &["none"],
    }
}

fn provider_of(api_provider: &str) -> Option<Provider> {
    match api_provider {
        "firstParty" => Some(Provider::Anthropic),
        "bedrock" => Some(Provider::Bedrock),
        "vertex" => Some(Provider::Vertex),
        "foundry" => Some(Provider::Foundry),
        _ => None,
    }
}

fn describe_ours(auth: &EffectiveAuth) -> String {
    match &auth.effective {
        Some(c) => format!("{} ({})", c.source, c.method.as_str()),
        None => "no credential".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_status_object_only() {
        let o = CliOpinion::parse(
            r#"{"loggedIn": true, "authMethod": "claude.ai", "apiProvider": "firstParty", "email": "a@b"}"#,
        )
        .unwrap();
        assert_eq!(o.logged_in, Some(true));
        assert_eq!(o.auth_method.as_deref(), Some("claude.ai"));
        assert_eq!(CliOpinion::parse("Not logged in"), None);
        assert_eq!(CliOpinion::parse("[1]"), None);
    }
}
