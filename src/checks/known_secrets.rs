//! The secret values a diagnosis run can see, collected once per run ([`CheckCtx::secrets`])
//! so that every text shown (checks, report, wizard) is masked with the same list.

use super::CheckCtx;
use crate::secrets::Secrets;

/// Every secret value this run could see: credential variables, profile values, settings
/// values, stored tokens.
pub(super) fn collect(ctx: &CheckCtx) -> Secrets {
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
    Secrets::new(out)
}
