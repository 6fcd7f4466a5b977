//! A request that got no answer: DNS, a refused or reset connection, a timeout, a proxy that
//! refused the tunnel or wants credentials, a TLS certificate that is not trusted.

use super::scene::{Scene, host_port, settings_only_var};
use crate::classify::Reading;
use crate::http::{self, ErrorChain, ExtraCaState, HttpSetup, ProxySetting, TrustStore};
use crate::ids::CauseId;
use crate::outcome::{CheckOutcome, Status};
use std::fmt::Write as _;

/// A provider's own request (Bedrock, Google's token endpoint) that got no answer, read as the
/// Anthropic check reads one: `cred` was sent (as `secret`, when it has one) to `url`.
#[allow(clippy::too_many_arguments)] // the whole scene of one request, each part distinct
pub(super) fn classify_provider_error(
    ctx: &crate::checks::CheckCtx,
    endpoint: &crate::resolve::Endpoint,
    url: &reqwest::Url,
    setup: &HttpSetup,
    cred: &crate::resolve::Credential,
    secret: Option<&String>,
    err: &reqwest::Error,
    out: &mut CheckOutcome,
) {
    let plan = super::plan::Plan {
        primary: cred.clone(),
        x_api_key: None,
        bearer: secret.map(|s| super::plan::Header {
            cred: cred.clone(),
            value: s.clone(),
        }),
        oauth_beta: false,
    };
    let scene = Scene {
        env: &ctx.env,
        ctx,
        endpoint,
        url,
        plan: &plan,
        via: http::proxy_for(&ctx.env, url.as_str()),
        timeout: ctx.opts.timeout,
    };
    classify_error(&scene, setup, err, out);
}

/// Classifies a request that got no answer.
pub(super) fn classify_error(
    scene: &Scene<'_>,
    setup: &HttpSetup,
    err: &reqwest::Error,
    out: &mut CheckOutcome,
) {
    let chain: Vec<&(dyn std::error::Error + 'static)> = ErrorChain::new(err).collect();
    let text = scene.scrub(&http::error_chain(err));
    out.detail(format!("error: {text}"));
    // What the error text means, by the shared signatures (DNS, refused, proxy answers).
    let said = Reading::of(&text);
    let lower = text.to_ascii_lowercase();
    let where_ = scene.host_port();
    let secs = scene.timeout.as_secs_f32();
    let target = match &scene.via {
        Some(p) => format!("the proxy {}", p.describe()),
        None => where_.clone(),
    };

    let io_kind = chain
        .iter()
        .find_map(|e| e.downcast_ref::<std::io::Error>().map(std::io::Error::kind));
    let tls = chain.iter().find_map(|e| e.downcast_ref::<rustls::Error>());

    if let Some(tls) = tls {
        classify_tls(scene, setup, tls, out);
        return;
    }
    if said.names(CauseId::ProxyAuthRequired) {
        let p = scene.via.as_ref().map_or_else(
            || "the proxy".to_string(),
            |p| format!("the proxy {}", p.describe()),
        );
        out.find(
            CauseId::ProxyAuthRequired,
            Status::Fail,
            format!(
                "{p} wants credentials (407 Proxy Authentication Required) before it opens a \
                 tunnel to {where_}: put user:password in the proxy URL, or ask IT"
            ),
        );
        return;
    }
    if said.has("connect-tunnel-refused") {
        let p = scene.via.as_ref().map_or_else(
            || "the proxy".to_string(),
            |p| format!("the proxy {}", p.describe()),
        );
        out.find(
            CauseId::GatewayBlocked,
            Status::Fail,
            format!(
                "{p} refused to open a tunnel (CONNECT) to {where_}: the proxy blocks this host, \
                 not Anthropic (the CLI shows \"403 status code (no body)\")"
            ),
        );
        return;
    }
    let timed_out = err.is_timeout() || io_kind == Some(std::io::ErrorKind::TimedOut);
    if timed_out {
        let summary = if err.is_connect() {
            format!("could not connect to {target} within {secs} s")
        } else {
            format!(
                "no answer from {target} within {secs} s (it accepted the connection, then said nothing)"
            )
        };
        out.find(CauseId::EndpointUnreachable, Status::Fail, summary);
        proxy_note(scene, out);
        return;
    }
    if io_kind == Some(std::io::ErrorKind::ConnectionRefused) || said.has("connection-refused") {
        let summary = match &scene.via {
            Some(p) => format!(
                "the proxy {} refused the connection: nothing listens at {}",
                p.describe(),
                proxy_host_port(p)
            ),
            None => format!(
                "connection refused at {where_}: nothing listens there ({})",
                scene.base_var()
            ),
        };
        out.find(CauseId::EndpointUnreachable, Status::Fail, summary);
        proxy_note(scene, out);
        return;
    }
    if said.has("dns-failure") {
        let summary = match &scene.via {
            Some(p) => format!(
                "name not found: the proxy host in {} does not resolve (DNS)",
                p.describe()
            ),
            None => format!(
                "name not found: {} does not resolve (DNS) — check the spelling in {}, or the \
                 network/VPN",
                scene.url.host_str().unwrap_or("?"),
                scene.base_var()
            ),
        };
        out.find(CauseId::EndpointUnreachable, Status::Fail, summary);
        return;
    }
    // The rest only chooses the wording (the cause is the same): hyper's own phrases.
    let garbled = lower.contains("invalid http")
        || lower.contains("parse")
        || lower.contains("invalid status")
        || lower.contains("invalid header");
    let summary = if garbled {
        format!("{target} did not answer with HTTP (wrong port, or http:// vs https:// mixed up?)")
    } else if lower.contains("connection closed")
        || lower.contains("connection reset")
        || lower.contains("broken pipe")
        || matches!(
            io_kind,
            Some(
                std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::ConnectionAborted
                    | std::io::ErrorKind::UnexpectedEof
                    | std::io::ErrorKind::BrokenPipe
            )
        )
    {
        format!("{target} closed the connection without an answer")
    } else {
        format!("could not reach {target}: {text}")
    };
    out.find(CauseId::EndpointUnreachable, Status::Fail, summary);
}

fn proxy_note(scene: &Scene<'_>, out: &mut CheckOutcome) {
    if scene.via.is_none()
        && let Some(name) = settings_only_var(
            scene.ctx,
            &["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"],
        )
    {
        out.detail(format!(
            "{name} is ignored for API calls: export the proxy in the shell that starts claude"
        ));
    }
}

fn proxy_host_port(p: &ProxySetting) -> String {
    let raw = if p.url.contains("://") {
        p.url.clone()
    } else {
        format!("http://{}", p.url)
    };
    reqwest::Url::parse(&raw).map_or_else(|_| p.display(), |u| host_port(&u))
}

/// A TLS failure: name the reason rustls gave, and what would make it trusted.
fn classify_tls(scene: &Scene<'_>, setup: &HttpSetup, tls: &rustls::Error, out: &mut CheckOutcome) {
    use rustls::CertificateError as C;
    let host = scene.url.host_str().unwrap_or("?");
    let where_ = scene.host_port();
    let rustls::Error::InvalidCertificate(cert) = tls else {
        let hint = if matches!(tls, rustls::Error::InvalidMessage(_)) {
            " (is it a plain http:// server?)"
        } else {
            ""
        };
        out.find(
            CauseId::EndpointUnreachable,
            Status::Fail,
            format!("the TLS handshake with {where_} failed: {tls}{hint}"),
        );
        return;
    };
    let reason = match cert {
        C::UnknownIssuer => "UnknownIssuer: the certificate is self-signed or issued by a CA \
                             that is not trusted (typical of a corporate TLS-inspection proxy)"
            .to_string(),
        C::Expired | C::ExpiredContext { .. } => {
            "Expired: the server's certificate has expired".to_string()
        }
        C::NotValidYet | C::NotValidYetContext { .. } => {
            "NotValidYet: the certificate is not valid yet (check this machine's clock)".to_string()
        }
        C::NotValidForName | C::NotValidForNameContext { .. } => format!(
            "NotValidForName: the certificate does not cover {host} (is a proxy address used as \
             the base URL?)"
        ),
        C::Revoked => "Revoked: the certificate has been revoked".to_string(),
        C::BadSignature | C::BadEncoding => {
            "the certificate is malformed or its signature does not verify".to_string()
        }
        C::InvalidPurpose | C::InvalidPurposeContext { .. } => {
            "InvalidPurpose: the certificate is not meant for TLS servers".to_string()
        }
        other => format!("{other:?}"),
    };
    let mut advice = String::new();
    if matches!(cert, C::UnknownIssuer | C::BadSignature) {
        advice = match (
            &setup.extra_ca,
            settings_only_var(scene.ctx, &[http::EXTRA_CA_VAR]),
        ) {
            (Some(ca), _) if matches!(ca.state, ExtraCaState::Loaded(_)) => {
                format!(
                    "; {} but none of them issued this certificate",
                    ca.describe()
                )
            }
            (Some(ca), _) => format!("; {}", ca.describe()),
            (None, Some(name)) => format!(
                "; {name} has no effect on API calls: export it in the shell that starts claude"
            ),
            (None, None) => "; export NODE_EXTRA_CA_CERTS=/path/to/corporate-ca.pem in the shell \
                             that starts claude (a settings file does not work)"
                .to_string(),
        };
        if !setup.trust.choice.stores.contains(&TrustStore::System) {
            let _ = write!(
                advice,
                "; the system store is not used ({}): a CA installed in the OS is not trusted",
                setup.trust.choice.reason
            );
        } else if !setup.trust.choice.stores.contains(&TrustStore::Bundled) {
            let _ = write!(
                advice,
                "; only the system store is used ({})",
                setup.trust.choice.reason
            );
        }
    }
    let mut severity = Status::Fail;
    if scene.env.var("NODE_TLS_REJECT_UNAUTHORIZED") == Some("0") {
        severity = Status::Warn;
        advice.push_str(
            "; the CLI gets through only because NODE_TLS_REJECT_UNAUTHORIZED=0 turns \
             verification off (unsafe); no credential was sent here",
        );
    }
    out.find(
        CauseId::TlsUntrusted,
        severity,
        format!("the certificate of {where_} is not trusted — {reason}{advice}"),
    );
}
