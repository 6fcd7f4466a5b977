//! `live`: one cheap authenticated request to the effective endpoint, classified.
//!
//! The request is `GET {base}/v1/models?limit=1` with `anthropic-version: 2023-06-01` and the
//! credential headers exactly as the CLI sends them (`x-api-key`, `Authorization: Bearer`, the
//! OAuth beta, an `apiKeyHelper`'s output in both). The answer, or the failure to get one, is
//! turned into a root cause: a 401 on a key that a settings file forces over the shell's own is
//! `settings-override`, not `key-invalid`; an HTML 403 is a proxy or gateway, not Anthropic.
//!
//! Layout, one concern per file:
//! - `mod.rs` (here): the entry [`run`], which credential and endpoint are tested, providers
//!   this check does not speak;
//! - [`plan`]: what to send (the headers, the `apiKeyHelper`'s value);
//! - [`probe`]: the request itself and what is said about it;
//! - [`answer`]: what came back, read and bounded;
//! - [`verdict`]: how an answer is classified (server messages through `assets/signatures.json`);
//! - [`transport`]: no answer at all (DNS, refused, timeouts, TLS, proxy);
//! - [`bedrock`] (with [`sigv4`]): the Amazon Bedrock request, when AWS credentials are set;
//! - [`vertex`] (with [`adc_grant`]): the Google token exchange with the application-default
//!   credentials, when Vertex AI is on;
//! - [`login_host`]: whether the OAuth host that logs in and refreshes can be reached;
//! - [`scene`]: the facts classification needs besides the answer.

mod adc_grant;
mod answer;
mod bedrock;
pub mod login_host;
mod plan;
mod probe;
mod scene;
mod sigv4;
mod transport;
mod verdict;
mod vertex;

use super::CheckCtx;
use crate::env::Environment;
use crate::http;
use crate::ids::CheckId;
use crate::outcome::{CheckOutcome, Status};
use crate::resolve::{self, Credential, Endpoint, Method, Mode, Provider};
use plan::Plan;
use std::time::Duration;

pub use plan::{ANTHROPIC_VERSION, OAUTH_BETA};

/// Runs the live check.
pub async fn run(ctx: &CheckCtx) -> CheckOutcome {
    if ctx.opts.offline {
        return CheckOutcome::skipped(CheckId::Live, "offline (--offline)");
    }
    if ctx.endpoint.provider == Provider::Bedrock
        && let Some(out) = bedrock::run(ctx, &ctx.endpoint).await
    {
        return out;
    }
    // Only when the Google credential is what is tested: a key being validated for the
    // export-key fix is not judged by Google's answer.
    let google = ctx
        .auth
        .effective
        .as_ref()
        .is_some_and(|c| c.method == Method::Vertex);
    if ctx.endpoint.provider == Provider::Vertex
        && google
        && let Some(out) = vertex::run(ctx).await
    {
        return out;
    }
    if let Some(out) = provider_skip(&ctx.endpoint) {
        return out;
    }
    // What an interactive session sends; when that is nothing but `claude -p` has a credential
    // (a declined key, an untrusted folder), test that one: it tells whether the key is good.
    let (auth, endpoint, print_only) = if ctx.auth.effective.is_some() {
        (&ctx.auth, ctx.endpoint.clone(), false)
    } else if ctx.auth_print.effective.is_some() {
        let endpoint = resolve::endpoint(&ctx.env, &ctx.facts, Mode::Print);
        if let Some(out) = provider_skip(&endpoint) {
            return out;
        }
        (&ctx.auth_print, endpoint, true)
    } else {
        return CheckOutcome::skipped(CheckId::Live, "no credential to test");
    };
    if let Some(out) = super::trust::live_guard(ctx, auth, &endpoint) {
        return out;
    }

    let mut out = CheckOutcome::new(CheckId::Live);
    if print_only {
        out.detail(
            "an interactive `claude` sends no credential here (see the other checks); testing what \
             `claude -p` sends",
        );
    }
    let plan = match Plan::build(ctx, auth).await {
        Ok(plan) => plan,
        Err(stop) => {
            stop.apply(&mut out);
            return out.finish("not tested");
        }
    };
    // The login host is tried alongside (never after: the check has one time limit).
    let login = login_host::target(ctx, &endpoint, &plan);
    let login_probe = async {
        match &login {
            Some(url) => Some(login_host::probe(ctx, url).await),
            None => None,
        }
    };
    let (mut out, reach) = tokio::join!(probe::probe(ctx, &endpoint, &plan, out), login_probe);
    if let (Some(url), Some(reach)) = (login, reach) {
        login_host::report(&url, reach, &mut out);
    }
    out
}

/// Bedrock, Vertex and Foundry speak their own APIs with cloud credentials: say how to check.
fn provider_skip(endpoint: &Endpoint) -> Option<CheckOutcome> {
    let (summary, how): (&str, &[&str]) = match endpoint.provider {
        Provider::Anthropic => return None,
        Provider::Bedrock => (
            "not tested: Amazon Bedrock uses AWS credentials; check by hand with `aws sts get-caller-identity`",
            &[
                "aws sts get-caller-identity",
                "aws bedrock list-inference-profiles --region \"$AWS_REGION\"",
            ],
        ),
        Provider::Vertex => (
            "not tested: Vertex AI uses Google credentials; check by hand with `gcloud auth application-default print-access-token`",
            &[
                "gcloud auth application-default print-access-token",
                "gcloud config get-value project",
            ],
        ),
        Provider::Foundry => (
            "not tested: Microsoft Foundry uses Azure credentials; check by hand with `az account get-access-token`",
            &[
                "az account get-access-token --resource https://cognitiveservices.azure.com",
                "az account show",
            ],
        ),
    };
    let mut out = CheckOutcome::skipped(CheckId::Live, summary);
    out.detail(format!(
        "provider {}: the live check speaks only the Anthropic API",
        endpoint.provider.as_str()
    ));
    out.detail(format!(
        "endpoint: {}",
        http::redact_url(&endpoint.base_url)
    ));
    for cmd in how {
        out.detail(format!("check by hand: {cmd}"));
    }
    Some(out)
}

/// Why a key about to be saved was not accepted. `Display` is plain words without the key.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyCheckError {
    /// The API refused it, or could not be reached: the live check's summary.
    #[error("{0}")]
    Rejected(String),
    /// Not sent at all (an untrusted folder chose the endpoint): why.
    #[error("{0}")]
    NotSent(String),
    #[error("internal error: {0}")]
    Internal(String),
}

/// Tests a key the user is about to save (the export-key fix), against the endpoint Claude Code
/// would use, with the same request and classification as the live check. `Ok` is the live
/// check's summary; neither it nor the error holds the key.
pub async fn validate_api_key(
    env: std::sync::Arc<Environment>,
    key: &str,
    timeout: Duration,
) -> Result<String, KeyCheckError> {
    let opts = super::CheckOptions {
        offline: false,
        timeout,
        ..super::CheckOptions::default()
    };
    let mut ctx = tokio::task::spawn_blocking(move || CheckCtx::new(env, opts))
        .await
        .map_err(|e| KeyCheckError::Internal(e.to_string()))?;
    let candidate = Credential {
        method: Method::ApiKey,
        source: "the new key".to_string(),
        origin: crate::resolve::Origin::Shell,
        secret: Some(key.to_string()),
    };
    for auth in [&mut ctx.auth, &mut ctx.auth_print] {
        auth.effective = Some(candidate.clone());
        auth.also_sent.clear();
        auth.shadowed.clear();
        auth.helper = None;
    }
    let outcome = run(&ctx).await;
    let summary = crate::secret::scrub(&outcome.summary, &[key]);
    match outcome.status {
        Status::Fail => Err(KeyCheckError::Rejected(summary)),
        _ if super::trust::not_sent(&outcome) => Err(KeyCheckError::NotSent(summary)),
        _ => Ok(summary),
    }
}
