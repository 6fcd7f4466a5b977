//! The login host: logging in and refreshing a subscription login go to the OAuth host
//! (`https://platform.claude.com/v1/oauth/token`), not to the API host. A firewall, proxy or DNS
//! that blocks it breaks `/login` and every refresh while the API may still answer, so when an
//! OAuth login is in play the live check also tries to reach it, with no credential at all:
//! reachability, proxy and TLS only. Any HTTP answer means reachable.

use super::super::CheckCtx;
use super::plan::Plan;
use crate::classify::Reading;
use crate::http::{self, ErrorChain};
use crate::ids::CauseId;
use crate::outcome::{CheckOutcome, Status};
use crate::resolve::{Endpoint, Method};
use std::time::{Duration, Instant};

/// Where the CLI logs in and refreshes (verified in 2.1.197's code).
pub const OAUTH_TOKEN_URL: &str = "https://platform.claude.com/v1/oauth/token";
/// Points the probe elsewhere (tests, or a mirror of the OAuth host): a full URL.
pub const OAUTH_URL_OVERRIDE: &str = "CLAUDE_AUTH_TUI_OAUTH_URL";
/// The API host the CLI uses by default.
const DEFAULT_API_HOST: &str = "api.anthropic.com";

/// The URL to probe, when the login host matters for this setup: an OAuth credential is sent,
/// and the API check itself goes to the real Anthropic API (or the override names a host), so a
/// check aimed at a local gateway or stand-in never makes a request to the internet.
#[must_use]
pub(super) fn target(ctx: &CheckCtx, endpoint: &Endpoint, plan: &Plan) -> Option<reqwest::Url> {
    let oauth = plan
        .bearer
        .iter()
        .chain(plan.x_api_key.iter())
        .any(|h| h.cred.method == Method::Oauth);
    if !oauth {
        return None;
    }
    if let Some(url) = ctx.env.var(OAUTH_URL_OVERRIDE) {
        return reqwest::Url::parse(url.trim()).ok();
    }
    // The CLI's own switch of OAuth host (FedStart): its login host, whatever the API host.
    if let Some(url) = crate::checks::custom_oauth::CustomOauth::of(ctx).token_url() {
        return reqwest::Url::parse(&url).ok();
    }
    let api_is_default = reqwest::Url::parse(endpoint.base_url.trim())
        .is_ok_and(|u| u.host_str() == Some(DEFAULT_API_HOST));
    api_is_default
        .then(|| reqwest::Url::parse(OAUTH_TOKEN_URL).ok())
        .flatten()
}

/// What the probe found.
pub(super) enum Reach {
    /// Some HTTP answer came back.
    Reachable { status: u16, ms: u128 },
    /// No answer: why, in plain words.
    Unreachable(String),
}

/// Tries the login host once, without any credential.
pub(super) async fn probe(ctx: &CheckCtx, url: &reqwest::Url) -> Reach {
    let setup = match http::build(&ctx.env, ctx.opts.timeout) {
        Ok(s) => s,
        Err(e) => return Reach::Unreachable(e.to_string()),
    };
    let started = Instant::now();
    let fence = ctx.opts.timeout + Duration::from_secs(1);
    let sent = setup.client.get(url.clone()).send();
    match tokio::time::timeout(fence, sent).await {
        Ok(Ok(resp)) => {
            let status = resp.status().as_u16();
            let ms = started.elapsed().as_millis();
            if status == 407 {
                return Reach::Unreachable(
                    "a proxy wants credentials (407 Proxy Authentication Required)".to_string(),
                );
            }
            Reach::Reachable { status, ms }
        }
        Ok(Err(err)) => Reach::Unreachable(reason(&setup, url, &err)),
        Err(_) => Reach::Unreachable(format!(
            "no answer within {} s",
            ctx.opts.timeout.as_secs_f32()
        )),
    }
}

/// Why a request got no answer, in a few words (the shared signatures decide what the error
/// text means; the proxy URL is scrubbed).
fn reason(setup: &http::HttpSetup, url: &reqwest::Url, err: &reqwest::Error) -> String {
    let known: Vec<&str> = setup.proxy.iter().map(|p| p.url.as_str()).collect();
    let text = crate::secret::scrub(&http::error_chain(err), &known);
    if let Some(tls) = ErrorChain::new(err).find_map(|e| e.downcast_ref::<rustls::Error>()) {
        let store = url
            .host_str()
            .and_then(|h| setup.trust.verdict(h))
            .map_or_else(String::new, |v| format!("; {}", v.describe()));
        return format!("its TLS certificate is not accepted ({tls}){store}");
    }
    let said = Reading::of(&text);
    if said.names(CauseId::ProxyAuthRequired) {
        "a proxy wants credentials (407 Proxy Authentication Required)".to_string()
    } else if said.has("connect-tunnel-refused") {
        "the proxy refused to open a tunnel to it".to_string()
    } else if said.has("dns-failure") {
        "its name does not resolve (DNS)".to_string()
    } else if said.has("connection-refused") {
        "the connection was refused".to_string()
    } else if err.is_timeout() {
        "no answer in time".to_string()
    } else {
        text
    }
}

/// Adds what the probe found to the live check's outcome.
pub(super) fn report(url: &reqwest::Url, reach: Reach, out: &mut CheckOutcome) {
    let host = url.host_str().unwrap_or("?");
    let shown = http::redact_url(url.as_str());
    match reach {
        Reach::Reachable { status, ms } => out.detail(format!(
            "login host: {shown} reachable (HTTP {status} in {ms} ms, no credential sent)"
        )),
        Reach::Unreachable(why) => {
            out.detail(format!("login host: {shown} not reached: {why}"));
            let was_pass = out.status == Status::Pass;
            let summary = format!(
                "the login host {host} cannot be reached ({why}): /login and token refresh go \
                 there, not to the API host, so an expired login cannot be renewed; allow {host} \
                 through the firewall or proxy, or use an API key"
            );
            out.find(CauseId::LoginHostUnreachable, Status::Warn, summary);
            if was_pass {
                out.summary = format!(
                    "{}; but the login host {host} cannot be reached",
                    out.summary
                );
            }
        }
    }
}
