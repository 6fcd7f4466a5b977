//! The request: build the URL and the client, send once within the time limit, and hand the
//! answer (or the error) to its classifier.

use super::super::CheckCtx;
use super::answer;
use super::plan::{OAUTH_BETA, Plan};
use super::scene::{Scene, settings_only_var};
use super::{transport, verdict};
use crate::http::{self, HttpSetup};
use crate::ids::{CauseId, FixId};
use crate::outcome::{CheckOutcome, Status};
use crate::resolve::Endpoint;
use crate::secret;
use std::time::{Duration, Instant};

/// Sends the request and classifies what comes back.
pub(super) async fn probe(
    ctx: &CheckCtx,
    endpoint: &Endpoint,
    plan: &Plan,
    mut out: CheckOutcome,
) -> CheckOutcome {
    let env = &*ctx.env;
    let base = endpoint.base_url.trim();
    let url =
        match reqwest::Url::parse(&format!("{}/v1/models?limit=1", base.trim_end_matches('/'))) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => u,
            _ => {
                out.find(
                    CauseId::BaseUrlInvalid,
                    Status::Fail,
                    format!(
                        "{} is not a valid http(s) URL: {}",
                        endpoint.source,
                        secret::scrub(&http::redact_url(base), &plan.secrets())
                    ),
                );
                out.detail(format!(
                    "{} from {}",
                    endpoint.source,
                    endpoint.origin.describe(env)
                ));
                return out.finish("not tested");
            }
        };

    let setup = match http::build(env, ctx.opts.timeout) {
        Ok(s) => s,
        Err(e @ http::BuildError::BadProxy { .. }) => {
            out.find(CauseId::EndpointUnreachable, Status::Fail, e.to_string());
            return out.finish("not tested");
        }
        Err(e) => {
            out.status = Status::Warn;
            out.summary = format!("not tested: {e}");
            return out;
        }
    };
    let via = http::proxy_for(env, url.as_str());
    let scene = Scene {
        env,
        ctx,
        endpoint,
        url: &url,
        plan,
        via,
        timeout: ctx.opts.timeout,
    };
    let headers = match plan.headers() {
        Ok(h) => h,
        Err(bad) => {
            out.detail(format!(
                "not sent: {} ({})",
                secret::mask(bad.value.trim()),
                bad.cred.describe(env)
            ));
            out.find(
                CauseId::KeyMalformed,
                Status::Fail,
                format!(
                    "{} cannot be sent in an HTTP header: it holds a line break or another \
                     control character (often a stray newline from copy-paste)",
                    bad.cred.describe(env)
                ),
            );
            out.offer(FixId::RepairKey);
            return out.finish("not tested");
        }
    };
    describe_request(&scene, &setup, &mut out);

    let started = Instant::now();
    // reqwest's own timeouts bound this; the outer one is a second fence around the whole read.
    let fence = scene.timeout + Duration::from_secs(1);
    let result = tokio::time::timeout(fence, answer::fetch(&setup, &url, headers, started)).await;
    // Which store trusted or refused the server's chain (nothing when no handshake happened).
    if let Some(verdict) = url.host_str().and_then(|h| setup.trust.verdict(h)) {
        out.detail(format!("TLS: {}", verdict.describe()));
    }
    match result {
        Ok(Ok(answer)) => verdict::classify(&scene, &answer, &mut out),
        Ok(Err(err)) => transport::classify_error(&scene, &setup, &err, &mut out),
        Err(_) => {
            out.find(
                CauseId::EndpointUnreachable,
                Status::Fail,
                format!(
                    "no answer from {} within {} s",
                    scene.host_port(),
                    scene.timeout.as_secs_f32()
                ),
            );
        }
    }
    out.finish("tested")
}

/// Details about the request: where, how, with what.
fn describe_request(scene: &Scene<'_>, setup: &HttpSetup, out: &mut CheckOutcome) {
    let env = scene.env;
    let origin = if scene.endpoint.is_custom() {
        format!(
            " ({} from {})",
            scene.endpoint.source,
            scene.endpoint.origin.describe(env)
        )
    } else {
        " (default)".to_string()
    };
    out.detail(format!(
        "endpoint: GET {}{origin}",
        scene.scrub(&http::redact_url(scene.url.as_str()))
    ));
    match (&scene.via, &setup.proxy) {
        (Some(p), _) => out.detail(format!("route: through the proxy {}", p.describe())),
        (None, Some(p)) => out.detail(format!(
            "route: direct ({} is set, but {} exempts {})",
            p.describe(),
            setup.no_proxy.as_ref().map_or("NO_PROXY", |n| n.var),
            scene.url.host_str().unwrap_or("the host")
        )),
        (None, None) => out.detail("route: direct (no proxy variable in this shell)"),
    }
    if let Some(name) = settings_only_var(
        scene.ctx,
        &["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"],
    ) {
        out.detail(format!(
            "note: {name} is not applied to the CLI's API calls from a settings file; only the \
             shell's value counts"
        ));
    }
    if scene.url.scheme() == "https" {
        out.detail(format!("TLS trust: {}", setup.trust.describe()));
        if let Some(ca) = &setup.extra_ca {
            out.detail(ca.describe());
        }
    }
    if let Some(h) = &scene.plan.x_api_key {
        out.detail(format!(
            "sent x-api-key: {} ({}, {})",
            secret::mask(&h.value),
            h.cred.method.as_str(),
            h.cred.describe(env)
        ));
    }
    if let Some(h) = &scene.plan.bearer {
        out.detail(format!(
            "sent Authorization: Bearer {} ({}, {})",
            secret::mask(&h.value),
            h.cred.method.as_str(),
            h.cred.describe(env)
        ));
    }
    if scene.plan.oauth_beta {
        out.detail(format!("sent anthropic-beta: {OAUTH_BETA}"));
    }
}
