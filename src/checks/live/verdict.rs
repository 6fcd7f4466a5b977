//! How an answer that arrived is classified. What the server's message means comes from the
//! same signatures `explain` uses (`assets/signatures.json`, read through
//! [`crate::classify::Reading`]); this file only adds what the request tells us besides the
//! text: the status, which headers went out, whether a settings file forced the value.

use super::super::CheckCtx;
use super::answer::{Answer, snippet};
use super::plan::Header;
use super::scene::Scene;
use crate::classify::Reading;
use crate::ids::{CauseId, FixId};
use crate::outcome::{CheckOutcome, Status};
use crate::resolve::{Credential, Method};
use crate::secret;

/// Signatures of a server that wants the key in `x-api-key`.
const WANTS_X_API_KEY: &[&str] = &["invalid-x-api-key", "x-api-key-required"];
/// Signatures of an organization that turned subscription (OAuth) access off.
const ORG_DISABLED_OAUTH: &[&str] = &["oauth-org-not-allowed", "org-disabled-subscription"];
/// Signatures of a refusal decided by an organization's policy (only an admin can change it).
const ORG_POLICY: &[&str] = &[
    "request-not-allowed",
    "org-disabled",
    "org-disabled-subscription",
    "oauth-org-not-allowed",
    "org-disabled-api-key-auth",
    "managed-org-mismatch",
];

/// Classifies an answer that arrived (any status).
pub(super) fn classify(scene: &Scene<'_>, a: &Answer, out: &mut CheckOutcome) {
    out.detail(format!("answer: HTTP {} in {} ms", a.status, a.latency_ms));
    if let Some(id) = &a.request_id {
        out.detail(format!("request-id: {}", scene.scrub(id)));
    }
    if a.is_api_error() {
        let kind = a.error_type().unwrap_or("error");
        let msg = a.error_message().unwrap_or("");
        out.detail(format!(
            "server said: {}: {}",
            scene.scrub(kind),
            scene.scrub(msg)
        ));
    } else if !a.is_empty() {
        out.detail(format!(
            "body ({}): {}",
            a.content_type.as_deref().unwrap_or("no content type"),
            scene.scrub(&snippet(&a.body))
        ));
    } else {
        out.detail("body: empty");
    }
    if let Some(e) = &a.body_error {
        out.detail(format!(
            "the connection broke while reading the body: {}",
            scene.scrub(e)
        ));
    }

    let status = a.status;
    // What the message means, by the shared signatures.
    let said = Reading::of(&a.text());
    let where_ = scene.host_port();
    let custom = scene.endpoint.is_custom();
    let ms = a.latency_ms;
    let server_msg = a
        .error_message()
        .map_or_else(|| format!("HTTP {status}"), |m| scene.scrub(m));

    if matches!(status, 401 | 403) && a.should_retry.as_deref() != Some("false") {
        out.detail(
            "the answer has no `x-should-retry: false`: the CLI retries it up to 10 times \
             (about 3 minutes) before showing the error",
        );
    }

    // A proxy asking for credentials, whatever its body.
    if status == 407 {
        let summary = match &scene.via {
            Some(p) => format!(
                "the proxy {} wants credentials (407 Proxy Authentication Required): put \
                 user:password in the proxy URL, or ask IT which proxy to use",
                p.describe()
            ),
            None => format!(
                "{where_} answered 407 Proxy Authentication Required: a proxy in front of it \
                 wants credentials"
            ),
        };
        out.find(CauseId::ProxyAuthRequired, Status::Fail, summary);
        return;
    }
    if status == 404 && scene.base_ends_in_v1() {
        out.find(
            CauseId::BaseUrlInvalid,
            Status::Fail,
            format!(
                "{} ends in /v1: the CLI appends /v1/messages, so it posts to …/v1/v1/messages \
                 and gets 404 (\"There's an issue with the selected model\"); remove the \
                 trailing /v1",
                scene.base_var()
            ),
        );
        // Exported by a profile: name the line, and offer to repair it there.
        if let Some(a) = crate::checks::endpoint::base_url_profile_line(scene.ctx) {
            let file = scene.env.display_path(&a.path);
            out.detail(format!("{} is exported at {file}:{}", a.var, a.line));
            if crate::fixes::repair_base_url::corrected(&a.value).is_some() {
                out.offer(FixId::RepairBaseUrl);
            }
        }
        return;
    }
    if (300..400).contains(&status) {
        let to = a
            .location
            .as_deref()
            .and_then(|l| reqwest::Url::parse(l).ok())
            .and_then(|u| u.host_str().map(str::to_string))
            .map_or_else(String::new, |h| format!(" to {h}"));
        out.find(
            CauseId::GatewayBlocked,
            Status::Fail,
            format!(
                "{where_} redirected the API call (HTTP {status}{to}): the API never redirects, \
                 so a proxy, captive portal or single-sign-on gateway answered"
            ),
        );
        return;
    }
    // A page or plain text from a gateway: whoever answered is not the Anthropic API.
    let truncated = a.body_error.is_some();
    if custom && a.is_foreign() && !truncated {
        out.find(
            CauseId::GatewayBlocked,
            Status::Fail,
            format!(
                "{where_} answered HTTP {status} with {}: the gateway or a proxy/WAF in front of \
                 it answered, not the Anthropic API ({})",
                a.body_kind(),
                scene.base_var()
            ),
        );
        return;
    }

    match status {
        200..=299 => {
            if a.json.is_some() || truncated {
                if let Some(e) = &a.body_error {
                    out.find(
                        CauseId::EndpointUnreachable,
                        Status::Warn,
                        format!(
                            "authenticated (HTTP {status}), but the connection broke mid-answer: {}",
                            scene.scrub(e)
                        ),
                    );
                } else {
                    out.summary = format!("authenticated in {ms} ms");
                }
            } else {
                out.find(
                    CauseId::GatewayBlocked,
                    Status::Fail,
                    format!(
                        "{where_} answered HTTP {status} with {}, not the API's JSON: a proxy or \
                         portal is answering in its place",
                        a.body_kind()
                    ),
                );
            }
        }
        400 => classify_400(scene, a, &said, &server_msg, out),
        401 => classify_401(scene, &said, &server_msg, out),
        403 => classify_403(scene, a, &said, &server_msg, out),
        404 => {
            out.status = Status::Warn;
            out.summary = format!(
                "{where_} has no /v1/models (HTTP 404): a gateway that does not serve the models \
                 list, so the credential could not be confirmed"
            );
        }
        429 => out.find(
            CauseId::RateLimited,
            Status::Warn,
            format!(
                "rate limited (429): the credential works, but requests are being refused for now \
                 ({server_msg})"
            ),
        ),
        529 => out.find(
            CauseId::ServerError,
            Status::Warn,
            format!(
                "the API is overloaded (529 {server_msg}): usually temporary; the credential could \
                 not be confirmed"
            ),
        ),
        500..=599 => {
            let hint = if custom {
                format!("; if it persists, check the gateway at {where_}")
            } else {
                String::new()
            };
            out.find(
                CauseId::ServerError,
                Status::Warn,
                format!(
                    "server error {status} ({server_msg}): usually temporary, the credential \
                     could not be confirmed{hint}"
                ),
            );
        }
        _ => {
            out.status = Status::Warn;
            out.summary = format!("unexpected answer HTTP {status} ({server_msg})");
        }
    }
    if status != 200 && a.body_error.is_some() && out.findings.is_empty() {
        out.find(
            CauseId::EndpointUnreachable,
            Status::Warn,
            "the connection broke while the answer was being read",
        );
    }
}

fn classify_400(
    scene: &Scene<'_>,
    a: &Answer,
    said: &Reading,
    server_msg: &str,
    out: &mut CheckOutcome,
) {
    if said.has("credit-balance-low") {
        out.find(
            CauseId::CreditLow,
            Status::Fail,
            format!(
                "the credential works, but the account's credit balance is too low (400): add \
                 credits in the Console ({})",
                scene.plan.primary.describe(scene.env)
            ),
        );
        out.offer(FixId::OpenConsole);
    } else if said.has("claude-code-only-credential") {
        // The API knows the token and refuses it only because this is not Claude Code.
        out.status = Status::Pass;
        out.summary = format!(
            "the token authenticates (HTTP 400 in {} ms): the API accepts it only from Claude \
             Code (\"only authorized for use with Claude Code\"), which proves it is valid",
            a.latency_ms
        );
    } else if said.has("org-disabled") {
        out.find(
            CauseId::PermissionDenied,
            Status::Fail,
            format!(
                "{} belongs to a disabled organization (400): only an organization admin can \
                 re-enable it; use a key from another organization meanwhile",
                scene.plan.primary.describe(scene.env)
            ),
        );
    } else {
        out.status = Status::Warn;
        out.summary = format!("unexpected answer HTTP 400 ({server_msg})");
    }
}

fn classify_401(scene: &Scene<'_>, said: &Reading, server_msg: &str, out: &mut CheckOutcome) {
    let plan = scene.plan;
    let env = scene.env;
    if said.any(ORG_DISABLED_OAUTH) {
        org_disabled_oauth(scene, out);
        return;
    }
    let bearer = plan.bearer.as_ref();
    let key = plan.x_api_key.as_ref();
    let primary_header = || {
        key.filter(|k| k.cred == plan.primary)
            .or_else(|| bearer.filter(|b| b.cred == plan.primary))
            .or(key)
            .or(bearer)
    };
    let (cause, blamed): (CauseId, Option<&Header>) = if said.has("oauth-token-expired") {
        (CauseId::OauthExpired, bearer.or_else(primary_header))
    } else if said.any(&["invalid-bearer-token", "oauth-token-revoked"]) {
        (CauseId::TokenInvalid, bearer.or_else(primary_header))
    } else if said.any(WANTS_X_API_KEY) {
        match key {
            Some(k) => (CauseId::KeyInvalid, Some(k)),
            // Only a Bearer went out and the server wants x-api-key.
            None => (CauseId::TokenInvalid, bearer),
        }
    } else {
        let h = primary_header();
        match h.map(|h| h.cred.method) {
            Some(Method::AuthToken | Method::Oauth) => (CauseId::TokenInvalid, h),
            _ => (CauseId::KeyInvalid, h),
        }
    };
    let Some(blamed) = blamed else {
        out.find(cause, Status::Fail, format!("rejected (401): {server_msg}"));
        return;
    };
    let who = blamed.cred.describe(env);
    let masked = secret::mask(&blamed.value);

    // Root cause: a settings file forces this value over the one the user set themselves.
    if cause != CauseId::OauthExpired
        && let Some(theirs) = overridden_value(scene.ctx, &blamed.cred, &blamed.value)
    {
        out.find(
            CauseId::SettingsOverride,
            Status::Fail,
            format!(
                "{} from {} ({masked}) overrides {theirs} and was rejected (401: {server_msg})",
                blamed.cred.source,
                blamed.cred.origin.describe(env)
            ),
        );
        out.offer(FixId::DropOverride);
        return;
    }

    match cause {
        CauseId::OauthExpired => {
            out.find(
                cause,
                Status::Fail,
                format!(
                    "the OAuth token ({who}, {masked}) has expired (401: {server_msg}); log in \
                     again"
                ),
            );
            out.offer(FixId::Relogin);
        }
        CauseId::TokenInvalid => {
            let wants_key = key.is_none() && said.any(WANTS_X_API_KEY);
            let summary = if wants_key {
                format!(
                    "{who} ({masked}) is sent as Authorization: Bearer, but {} wants an \
                     x-api-key (401: {server_msg}); an Anthropic API key belongs in \
                     ANTHROPIC_API_KEY, not ANTHROPIC_AUTH_TOKEN",
                    scene.host_port()
                )
            } else {
                format!("the bearer token ({who}, {masked}) was rejected (401: {server_msg})")
            };
            out.find(cause, Status::Fail, summary);
            if blamed.cred.method == Method::Oauth {
                out.offer(FixId::Relogin);
            }
        }
        _ => {
            let summary = if blamed.cred.method == Method::ApiKeyHelper {
                format!(
                    "the key printed by apiKeyHelper ({}, {masked}) was rejected (401: \
                     {server_msg})",
                    blamed.cred.origin.describe(env)
                )
            } else {
                format!("the API key ({who}, {masked}) was rejected (401: {server_msg})")
            };
            out.find(CauseId::KeyInvalid, Status::Fail, summary);
            if blamed.cred.method != Method::ApiKeyHelper {
                out.offer(FixId::ExportKey);
            }
            out.offer(FixId::OpenConsole);
        }
    }
}

/// The organization turned subscription (OAuth) access off: a policy, not a bad login.
fn org_disabled_oauth(scene: &Scene<'_>, out: &mut CheckOutcome) {
    out.find(
        CauseId::OauthOrgDisabled,
        Status::Fail,
        format!(
            "your organization has disabled Claude subscription access for Claude Code (\"OAuth \
             authentication is currently not allowed for this organization\"): the login ({}) is \
             valid, so logging in again does not help; only an organization admin can change \
             that policy (support can say why it is off); meanwhile use an API key",
            scene.plan.primary.describe(scene.env)
        ),
    );
}

fn classify_403(
    scene: &Scene<'_>,
    a: &Answer,
    said: &Reading,
    server_msg: &str,
    out: &mut CheckOutcome,
) {
    let env = scene.env;
    if !a.is_api_error() {
        let via = scene.via.as_ref().map_or_else(String::new, |p| {
            format!(" (through the proxy {})", p.describe())
        });
        out.find(
            CauseId::GatewayBlocked,
            Status::Fail,
            format!(
                "HTTP 403 with {} from {}{via}: a proxy, firewall/WAF or gateway refused the \
                 request, not Anthropic (the CLI shows this as an authentication failure)",
                a.body_kind(),
                scene.host_port()
            ),
        );
        return;
    }
    let who = scene.plan.primary.describe(env);
    if said.has("oauth-token-revoked") {
        out.find(
            CauseId::TokenInvalid,
            Status::Fail,
            format!("the OAuth token ({who}) has been revoked (403); log in again"),
        );
        out.offer(FixId::Relogin);
    } else if said.any(ORG_DISABLED_OAUTH) {
        org_disabled_oauth(scene, out);
    } else if said.has("org-disabled-api-key-auth") {
        out.find(
            CauseId::PermissionDenied,
            Status::Fail,
            format!(
                "your organization has disabled API key authentication (403: {server_msg}): only \
                 an organization admin can change that policy; log in with /login instead ({who})"
            ),
        );
    } else {
        let policy = if said.any(ORG_POLICY) {
            "; this is an organization policy: only an organization admin can change it"
        } else {
            "; an organization admin can grant it in the Console"
        };
        out.find(
            CauseId::PermissionDenied,
            Status::Fail,
            format!(
                "the credential authenticated but is not allowed (403: {server_msg}) ({who}){policy}"
            ),
        );
    }
}

/// When `cred` comes from a settings file and the user set their own, different value (this
/// shell, or a shell profile): a description of theirs.
fn overridden_value(ctx: &CheckCtx, cred: &Credential, sent: &str) -> Option<String> {
    if !cred.origin.is_settings() {
        return None;
    }
    let var = cred.source.as_str();
    if !matches!(
        var,
        "ANTHROPIC_API_KEY" | "ANTHROPIC_AUTH_TOKEN" | "CLAUDE_CODE_OAUTH_TOKEN"
    ) {
        return None;
    }
    if let Some(shell) = ctx.env.var(var) {
        return (shell.trim() != sent.trim())
            .then(|| format!("this shell's {var} ({})", secret::mask(shell)));
    }
    ctx.facts
        .profile_assignments
        .iter()
        .filter(|a| a.var == var && !a.commented)
        .find(|a| a.dynamic || a.value.trim() != sent.trim())
        .map(|a| {
            format!(
                "the {var} set in {}:{}",
                ctx.env.display_path(&a.path),
                a.line
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_signature_named_here_exists() {
        for id in WANTS_X_API_KEY
            .iter()
            .chain(ORG_POLICY)
            .chain(ORG_DISABLED_OAUTH)
        {
            assert!(crate::classify::signature(id).is_some(), "{id}");
        }
    }

    #[test]
    fn server_messages_are_read_through_the_shared_signatures() {
        let said = Reading::of("OAuth token has expired. Please obtain a new token");
        assert!(said.has("oauth-token-expired"));
        assert_eq!(said.cause(), Some(CauseId::OauthExpired));
        let said = Reading::of("invalid x-api-key");
        assert!(said.any(WANTS_X_API_KEY));
    }
}
