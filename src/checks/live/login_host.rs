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
/// and the API check itself goes out to the network (the real Anthropic API, or a gateway such
/// as a company's), or the override names a host. A check aimed at this machine or at a name
/// that cannot be a real host never makes a request to the real login host.
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
    goes_out(&endpoint.base_url)
        .then(|| reqwest::Url::parse(OAUTH_TOKEN_URL).ok())
        .flatten()
}

/// Whether requests to this API base URL leave the machine for a real host: the Anthropic API,
/// or a gateway (a company's proxy, an IP address on the network). Not: this machine (a local
/// proxy or a stand-in), a single-label name, or the names reserved for examples and tests
/// (RFC 2606 and 6761), which no real gateway has.
fn goes_out(base_url: &str) -> bool {
    let Some(host) = reqwest::Url::parse(base_url.trim())
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
    else {
        return false;
    };
    if let Ok(ip) = host.trim_matches(['[', ']']).parse::<std::net::IpAddr>() {
        return !ip.is_loopback() && !ip.is_unspecified();
    }
    let name = host.trim_end_matches('.');
    if name == DEFAULT_API_HOST {
        return true;
    }
    let reserved_tld = name
        .rsplit('.')
        .next()
        .is_some_and(|tld| matches!(tld, "example" | "invalid" | "test" | "localhost" | "local"));
    let reserved_domain = ["example.com", "example.net", "example.org"]
        .iter()
        .any(|d| name == *d || name.ends_with(&format!(".{d}")));
    name.contains('.') && !reserved_tld && !reserved_domain
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

#[cfg(test)]
mod tests {
    use super::goes_out;

    #[test]
    fn the_real_api_and_gateways_go_out_local_and_example_names_do_not() {
        for out in [
            "https://api.anthropic.com",
            "https://API.anthropic.com./v1",
            "https://llm-gateway.corp.acme.io",
            "https://gw.corp.internal:8443",
            "http://10.20.30.40:4000",
            "https://[2001:db8::1]",
        ] {
            assert!(goes_out(out), "{out}");
        }
        for local in [
            "http://127.0.0.1:9",
            "http://[::1]:8080",
            "http://localhost:4000",
            "http://0.0.0.0:4000",
            "https://gw.example",
            "https://gateway.internal.example.com",
            "http://api.example.invalid",
            "http://gw.test",
            "http://printer.local",
            "https://gw",
            "not a url",
        ] {
            assert!(!goes_out(local), "{local}");
        }
    }
}
