//! The CLI's second try: a `CLAUDE_CODE_OAUTH_TOKEN` the API refuses is followed by a retry with
//! the stored login (verified). The live check does the same, so a stale setup token next to a
//! good login is a warning ("works, on the second try"), not a failure.

use super::{CheckCtx, live};
use crate::ids::{CauseId, CheckId};
use crate::outcome::{CheckOutcome, Status};
use std::sync::Arc;

/// Runs the live check; when the effective credential was refused and the CLI has a fallback,
/// runs it again with that one and merges both answers.
pub async fn run(ctx: &Arc<CheckCtx>) -> CheckOutcome {
    let first = live::run(ctx).await;
    let Some(fallback) = ctx.auth.fallback.clone() else {
        return first;
    };
    let refused = first.findings.iter().any(|f| {
        f.severity == Status::Fail
            && matches!(f.cause, CauseId::TokenInvalid | CauseId::OauthExpired)
    });
    if !refused {
        return first;
    }
    let mut retry = CheckCtx::from_facts(Arc::clone(&ctx.env), ctx.facts.clone(), ctx.opts);
    for auth in [&mut retry.auth, &mut retry.auth_print] {
        auth.effective = Some(fallback.clone());
        auth.also_sent.clear();
        auth.fallback = None;
        auth.helper = None;
    }
    let second = live::run(&retry).await;
    merge(first, second, &fallback.describe(&ctx.env))
}

fn merge(first: CheckOutcome, second: CheckOutcome, fallback: &str) -> CheckOutcome {
    let mut out = CheckOutcome::new(CheckId::Live);
    out.details = first.details;
    out.detail(format!(
        "then, as Claude Code does after a refused CLAUDE_CODE_OAUTH_TOKEN, retried with {fallback}:"
    ));
    out.details
        .extend(second.details.iter().map(|d| format!("  {d}")));
    let works = matches!(second.status, Status::Pass | Status::Warn)
        && second.findings.iter().all(|f| f.severity < Status::Fail);
    for f in first.findings {
        // The session still works through the login: the refused token is a warning.
        let severity = if works { Status::Warn } else { f.severity };
        out.find(f.cause, severity, f.summary);
    }
    for f in second.findings {
        out.find(f.cause, f.severity, f.summary);
    }
    for fix in first.fixes.into_iter().chain(second.fixes) {
        out.offer(fix);
    }
    if works {
        out.summary = format!(
            "CLAUDE_CODE_OAUTH_TOKEN was refused; Claude Code then falls back to {fallback}, \
             which works ({}): remove or renew the token",
            second.summary
        );
    }
    out.finish("tested")
}
