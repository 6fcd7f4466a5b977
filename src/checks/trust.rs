//! Workspace trust from this tool's side: a folder the user has not trusted (a repository just
//! cloned) may hold settings that run commands or move requests to its own server. This tool
//! never runs such a command and never sends a credential to such an endpoint; it shows them
//! with their file and line instead. Also: plain `http://` to a remote host with a credential.

use super::CheckCtx;
use crate::ids::{CauseId, CheckId};
use crate::outcome::{CheckOutcome, Status};
use crate::resolve::{EffectiveAuth, Endpoint, Method, Origin, from_untrusted_folder};
use crate::secret;

/// Settings whose value is a command the CLI runs.
pub const COMMAND_KEYS: &[&str] = &[
    "apiKeyHelper",
    "awsAuthRefresh",
    "awsCredentialExport",
    "otelHeadersHelper",
    "gcpAuthRefresh",
];

/// Variables that decide which credential is sent, or where.
const ROUTING_VARS: &[&str] = &[
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_AUTH_TOKEN",
    "CLAUDE_CODE_OAUTH_TOKEN",
    "ANTHROPIC_BASE_URL",
    "ANTHROPIC_BEDROCK_BASE_URL",
    "ANTHROPIC_VERTEX_BASE_URL",
    "ANTHROPIC_FOUNDRY_BASE_URL",
    // Vertex: which Google credentials file is read (its `token_uri` is where they go).
    "GOOGLE_APPLICATION_CREDENTIALS",
    "CLOUDSDK_CONFIG",
];

/// A command-valued setting in an untrusted folder's settings: shown, never run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UntrustedCommand {
    pub key: &'static str,
    /// Scrubbed of anything secret-shaped.
    pub command: String,
    /// `project settings ~/x/.claude/settings.json:3`.
    pub place: String,
}

/// Every command setting in the folder's project and local settings, when it is not trusted.
#[must_use]
pub fn untrusted_commands(ctx: &CheckCtx) -> Vec<UntrustedCommand> {
    if ctx.auth.folder_trusted {
        return Vec::new();
    }
    let mut out = Vec::new();
    for file in ctx.facts.settings.iter().filter(|f| f.scope.needs_trust()) {
        for key in COMMAND_KEYS {
            let Some(command) = file.top_value(key) else {
                continue;
            };
            let origin = Origin::Settings {
                scope: file.scope,
                path: file.path.clone(),
                line: file.line_of_key(key),
            };
            out.push(UntrustedCommand {
                key,
                command: secret::scrub(&command, &[]),
                place: origin.describe(&ctx.env),
            });
        }
    }
    out
}

/// Variables an untrusted folder's settings set that change the credential or its destination,
/// as `NAME (place)`.
#[must_use]
pub fn untrusted_routing(ctx: &CheckCtx) -> Vec<String> {
    if ctx.auth.folder_trusted {
        return Vec::new();
    }
    let mut out = Vec::new();
    for file in ctx.facts.settings.iter().filter(|f| f.scope.needs_trust()) {
        for var in ROUTING_VARS {
            if file.env_value(var).is_some() {
                let origin = Origin::Settings {
                    scope: file.scope,
                    path: file.path.clone(),
                    line: file.line_of_key(var),
                };
                out.push(format!("{var} ({})", origin.describe(&ctx.env)));
            }
        }
    }
    out
}

/// Why no credential may go to `endpoint`, when an untrusted folder chose it.
#[must_use]
pub fn endpoint_refusal(ctx: &CheckCtx, endpoint: &Endpoint) -> Option<String> {
    from_untrusted_folder(&endpoint.origin, ctx.auth.folder_trusted).then(|| {
        format!(
            "{} ({}) comes from {} of a folder you have not trusted: this tool sends no \
             credential to an endpoint that an untrusted folder chose",
            endpoint.source,
            crate::http::redact_url(&endpoint.base_url),
            endpoint.origin.describe(&ctx.env)
        )
    })
}

/// True when the live check sent nothing because an untrusted folder chose the endpoint: a key
/// being validated was then not checked (and must not be reported as accepted).
#[must_use]
pub fn not_sent(out: &CheckOutcome) -> bool {
    out.findings
        .iter()
        .any(|f| f.cause == CauseId::UntrustedFolder && f.summary.starts_with(NOT_SENT))
}

const NOT_SENT: &str = "not sent: ";

/// The live check's gate, called before any request is planned: `Some` (the finished outcome)
/// when nothing may be sent or run.
#[must_use]
pub fn live_guard(
    ctx: &CheckCtx,
    auth: &EffectiveAuth,
    endpoint: &Endpoint,
) -> Option<CheckOutcome> {
    if let Some(why) = endpoint_refusal(ctx, endpoint) {
        let mut out = CheckOutcome::new(CheckId::Live);
        if let Some(c) = &auth.effective {
            out.detail(format!(
                "not sent: {} ({})",
                c.describe(&ctx.env),
                c.method.as_str()
            ));
        }
        out.detail(
            "once you trust this folder (or with `claude -p`), Claude Code sends its credential \
             there: trust only a folder whose settings you have read",
        );
        out.find(
            CauseId::UntrustedFolder,
            Status::Warn,
            format!("not sent: {why}"),
        );
        return Some(out.finish("not tested"));
    }
    let uses_helper = auth
        .effective
        .iter()
        .chain(&auth.also_sent)
        .any(|c| c.method == Method::ApiKeyHelper);
    match &auth.helper {
        Some(h) if uses_helper && !h.may_run => {
            let mut out = CheckOutcome::skipped(
                CheckId::Live,
                "not tested: the apiKeyHelper of this untrusted folder was not run",
            );
            out.detail(format!(
                "apiKeyHelper from {}: Claude Code would run `{}` once you trust this folder; \
                 this tool does not run commands from an untrusted folder",
                h.origin.describe(&ctx.env),
                secret::scrub(&h.command, &[])
            ));
            Some(out)
        }
        _ => None,
    }
}

/// Plain `http://` to a host that is not this machine, with a credential to send: the key
/// crosses the network unencrypted. Adds an `insecure-endpoint` warning naming the host.
pub fn flag_insecure_endpoint(out: &mut CheckOutcome, ctx: &CheckCtx) {
    let ep = &ctx.endpoint;
    let has_credential = ctx.auth.effective.is_some() || ctx.auth_print.effective.is_some();
    let Ok(url) = reqwest::Url::parse(ep.base_url.trim()) else {
        return;
    };
    if url.scheme() != "http" || !has_credential {
        return;
    }
    let Some(host) = url.host_str() else { return };
    if is_loopback_host(host) {
        return;
    }
    out.find(
        CauseId::InsecureEndpoint,
        Status::Warn,
        format!(
            "{} ({} from {}) is plain http:// to {host}: Claude Code sends your credential \
             there unencrypted, readable by anyone on the network path; use https://",
            crate::http::redact_url(&ep.base_url),
            ep.source,
            ep.origin.describe(&ctx.env)
        ),
    );
}

/// `localhost`, `*.localhost`, 127.0.0.0/8 or `[::1]`: traffic that never leaves this machine.
#[must_use]
pub fn is_loopback_host(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let lower = bare.to_ascii_lowercase();
    lower == "localhost"
        || lower.ends_with(".localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for host in [
            "localhost",
            "LocalHost",
            "api.localhost",
            "127.0.0.1",
            "127.8.9.10",
            "[::1]",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "gateway.example",
            "10.0.0.5",
            "192.168.1.1",
            "[::2]",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }
}
