//! Google Vertex AI: one OAuth token exchange with the application-default credentials file,
//! as google-auth-library makes it before Claude Code's first model call (see [`adc_grant`]),
//! sent as a POST to the file's `token_uri` (Google's by default). No model is called; an access token
//! proves Google accepts the file. A refused grant is `vertex-credentials-rejected`, with what
//! to do for that kind of file. External accounts and impersonation are checked offline only.
//!
//! [`adc_grant`]: super::adc_grant

use super::super::CheckCtx;
use super::adc_grant::{Exchange, Prepared};
use super::answer::{self, Answer};
use super::transport;
use crate::checks::{adc, trust};
use crate::classify::Reading;
use crate::files::{self, FileRead};
use crate::http;
use crate::ids::{CauseId, CheckId};
use crate::outcome::{CheckOutcome, Status};
use crate::resolve::{self, Credential, Endpoint, Method, Mode, Origin, Provider};
use crate::secret;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Runs the exchange, or `None` when `CLAUDE_CODE_SKIP_VERTEX_AUTH` is on (a gateway adds the
/// token; the caller says how to check by hand).
pub(super) async fn run(ctx: &CheckCtx) -> Option<CheckOutcome> {
    let env = &ctx.env;
    if resolve::effective_truthy(
        "CLAUDE_CODE_SKIP_VERTEX_AUTH",
        env,
        &ctx.facts,
        Mode::Interactive,
    ) {
        return None;
    }
    let location = adc::locate(ctx);
    let shown = env.display_path(&location.path);
    // The file decides where its secrets go (`token_uri`): none leave for a file an untrusted
    // folder chose.
    if let Some((name, v)) = &location.chosen_by
        && resolve::from_untrusted_folder(&v.origin, ctx.auth.folder_trusted)
    {
        let mut out = CheckOutcome::new(CheckId::Live);
        out.find(
            CauseId::UntrustedFolder,
            Status::Warn,
            format!(
                "not sent: {name} ({shown}) comes from {} of a folder you have not trusted: \
                 this tool sends no credential from a file that an untrusted folder chose",
                v.origin.describe(env)
            ),
        );
        return Some(out.finish("not tested"));
    }
    let file = match files::read_text(&location.path) {
        FileRead::Text(t) => serde_json::from_str::<serde_json::Value>(&t.text).ok(),
        _ => None,
    };
    let prepared = file
        .as_ref()
        .filter(|v| adc::problem(v).is_none())
        .and_then(Prepared::from_file);
    let exchange = match prepared {
        Some(Prepared::Ready(exchange)) => exchange,
        Some(Prepared::OfflineOnly(kind)) => {
            return Some(not_exchanged(
                ctx,
                format!(
                    "{shown} holds a credential of type {kind}: checked offline only (the \
                     endpoint check); this tool makes no token exchange for it"
                ),
            ));
        }
        Some(Prepared::BadKey { client_email, why }) => {
            let mut out = CheckOutcome::new(CheckId::Live);
            out.find(
                CauseId::VertexCredentialsMissing,
                Status::Fail,
                format!(
                    "the private_key in {shown} is unreadable ({why}): Google cannot be asked \
                     for a token with it; create a new key for {client_email}, or point \
                     GOOGLE_APPLICATION_CREDENTIALS at another key file"
                ),
            );
            return Some(out.finish("not tested"));
        }
        None => {
            return Some(not_exchanged(
                ctx,
                format!(
                    "{} {shown} is missing or incomplete (see the endpoint check): nothing to \
                     exchange",
                    location.source
                ),
            ));
        }
    };
    // Named by the variable that chose the file, when one did.
    let cred = match &location.chosen_by {
        Some((name, v)) => Credential {
            method: Method::Vertex,
            source: (*name).to_string(),
            origin: v.origin.clone(),
            secret: None,
        },
        None => Credential {
            method: Method::Vertex,
            source: location.source.to_string(),
            origin: Origin::Default,
            secret: None,
        },
    };
    let mut out = CheckOutcome::new(CheckId::Live);
    out.detail(format!(
        "credentials: {shown} ({}; {})",
        exchange.kind,
        if location.chosen_by.is_some() {
            cred.describe(env)
        } else {
            location.source.to_string()
        }
    ));
    exchange_once(ctx, &exchange, (&location.path, &shown), &cred, out).await
}

/// The provider's "check by hand" outcome, with why nothing was sent first.
fn not_exchanged(ctx: &CheckCtx, why: String) -> CheckOutcome {
    let mut out = super::provider_skip(&ctx.endpoint).unwrap_or_else(|| {
        CheckOutcome::skipped(CheckId::Live, "not tested: no Google token exchange")
    });
    out.details.insert(0, why);
    out
}

async fn exchange_once(
    ctx: &CheckCtx,
    exchange: &Exchange,
    (path, shown): (&Path, &str),
    cred: &Credential,
    mut out: CheckOutcome,
) -> Option<CheckOutcome> {
    let token_uri = &exchange.token_uri;
    let url = match reqwest::Url::parse(token_uri.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => u,
        _ => {
            out.find(
                CauseId::VertexCredentialsMissing,
                Status::Fail,
                format!(
                    "the token_uri in {shown} is not an http(s) URL ({}): google-auth cannot \
                     ask it for a token",
                    http::redact_url(token_uri)
                ),
            );
            return Some(out.finish("not tested"));
        }
    };
    if url.scheme() == "http" && !url.host_str().is_some_and(trust::is_loopback_host) {
        out.find(
            CauseId::InsecureEndpoint,
            Status::Warn,
            format!(
                "not sent: the token_uri in {shown} is plain http:// to {}: the refresh token \
                 or signed key would cross the network unencrypted; use https://",
                url.host_str().unwrap_or("?")
            ),
        );
        return Some(out.finish("not tested"));
    }
    let setup = match http::build(&ctx.env, ctx.opts.timeout) {
        Ok(s) => s,
        Err(e) => {
            out.find(CauseId::EndpointUnreachable, Status::Fail, e.to_string());
            return Some(out.finish("not tested"));
        }
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let form = match exchange.form(now) {
        Ok(f) => f,
        Err(why) => {
            out.find(
                CauseId::VertexCredentialsMissing,
                Status::Fail,
                format!("the key in {shown} could not sign the token request: {why}"),
            );
            return Some(out.finish("not tested"));
        }
    };
    out.detail(format!(
        "token endpoint: POST {} ({})",
        http::redact_url(url.as_str()),
        if exchange.token_uri_in_file {
            "token_uri in the file"
        } else {
            "google-auth's default"
        }
    ));
    out.detail(format!("sent: {}", form.sent));
    let mut secrets: Vec<String> = exchange.secrets().into_iter().map(String::from).collect();
    secrets.extend(form.assertion.as_ref().map(|a| a.expose().to_string()));
    let started = Instant::now();
    let fence = ctx.opts.timeout + Duration::from_secs(1);
    let result =
        tokio::time::timeout(fence, answer::post_form(&setup, &url, form.body, started)).await;
    match result {
        Ok(Ok(a)) => {
            // An access token in the answer is a secret too, whatever is printed.
            if let Some(token) = access_token(&a) {
                secrets.push(token.to_string());
            }
            let known: Vec<&str> = secrets.iter().map(String::as_str).collect();
            let scrub = |t: &str| secret::scrub(t, &known);
            classify(&a, exchange, shown, &scrub, &mut out);
        }
        Ok(Err(err)) => {
            // No answer: the same transport reading as the Anthropic check, about token_uri.
            let endpoint = Endpoint {
                base_url: url.to_string(),
                provider: Provider::Vertex,
                source: "token_uri".to_string(),
                origin: if exchange.token_uri_in_file {
                    Origin::CredentialsFile(path.to_path_buf())
                } else {
                    Origin::Default
                },
            };
            transport::classify_provider_error(
                ctx,
                &endpoint,
                &url,
                &setup,
                cred,
                secrets.first(),
                &err,
                &mut out,
            );
        }
        Err(_) => out.find(
            CauseId::EndpointUnreachable,
            Status::Fail,
            format!(
                "no answer from Google's token endpoint within {} s",
                ctx.opts.timeout.as_secs_f32()
            ),
        ),
    }
    Some(out.finish("tested"))
}

fn access_token(a: &Answer) -> Option<&str> {
    a.json
        .as_ref()?
        .get("access_token")?
        .as_str()
        .filter(|t| !t.is_empty())
}

fn field<'a>(a: &'a Answer, name: &str) -> Option<&'a str> {
    a.json.as_ref()?.get(name)?.as_str()
}

fn classify(
    a: &Answer,
    exchange: &Exchange,
    shown: &str,
    scrub: &dyn Fn(&str) -> String,
    out: &mut CheckOutcome,
) {
    let status = a.status;
    out.detail(format!("answer: HTTP {status} in {} ms", a.latency_ms));
    if (200..300).contains(&status) && access_token(a).is_some() {
        out.summary = format!(
            "Google issued an access token from {shown} ({})",
            exchange.kind
        );
        out.detail(
            "the token is not used: whether this identity may call Vertex AI (its IAM role, \
             the API enabled in the project) is not tested here",
        );
        return;
    }
    // OAuth errors are `{"error": "invalid_grant", "error_description": "…"}`.
    let code = field(a, "error");
    let message = scrub(&match (code, field(a, "error_description")) {
        (Some(c), Some(d)) => format!("{c}: {d}"),
        (Some(c), None) => c.to_string(),
        _ => a
            .error_message()
            .map_or_else(|| answer::snippet(&a.body), str::to_string),
    });
    if !message.is_empty() && !(200..300).contains(&status) {
        out.detail(format!("server said: {message}"));
    }
    let said = Reading::of(&message);
    let client_email = exchange.client_email();
    match status {
        200..=299 => {
            out.status = Status::Warn;
            out.summary = format!(
                "HTTP {status} from the token endpoint without an access_token ({})",
                a.body_kind()
            );
        }
        400..=499 if code == Some("invalid_grant") => {
            let fix = match client_email {
                None => "the login expired or was revoked, or Google wants you to sign in \
                         again; run `gcloud auth application-default login` again"
                    .to_string(),
                Some(_) if clock_skew(&message) => "the JWT's times were refused: this \
                     machine's clock is off; set it right (the key itself was not judged)"
                    .to_string(),
                Some(email) => format!(
                    "the key was deleted or disabled: create a new key for {email} or use \
                     another credential"
                ),
            };
            out.find(
                CauseId::VertexCredentialsRejected,
                Status::Fail,
                format!(
                    "Google refused the {} in {shown} (HTTP {status} {message}): {fix}",
                    what(exchange)
                ),
            );
        }
        400..=499 if matches!(code, Some("invalid_client" | "deleted_client")) => {
            let fix = match client_email {
                None => "the OAuth client in the file was deleted; run `gcloud auth \
                         application-default login` again (it writes gcloud's own client)"
                    .to_string(),
                Some(email) => format!(
                    "the service account {email} was deleted or disabled: create a key for \
                     an existing service account or use another credential"
                ),
            };
            out.find(
                CauseId::VertexCredentialsRejected,
                Status::Fail,
                format!(
                    "Google does not know the client in {shown} (HTTP {status} {message}): {fix}"
                ),
            );
        }
        _ if a.is_foreign() && !a.is_empty() => out.find(
            CauseId::GatewayBlocked,
            Status::Fail,
            format!(
                "the token endpoint answered HTTP {status} with {}: a proxy or gateway \
                 answered, not Google",
                a.body_kind()
            ),
        ),
        400..=499 if said.names(CauseId::VertexCredentialsRejected) => out.find(
            CauseId::VertexCredentialsRejected,
            Status::Fail,
            format!(
                "Google refused the {} in {shown} (HTTP {status} {message})",
                what(exchange)
            ),
        ),
        404 => {
            out.status = Status::Warn;
            out.summary = "the token endpoint has no such path (HTTP 404): check token_uri in \
                           the file; the credentials could not be confirmed"
                .to_string();
        }
        429 => out.find(
            CauseId::RateLimited,
            Status::Warn,
            format!("throttled by Google's token endpoint (429: {message})"),
        ),
        500..=599 => out.find(
            CauseId::ServerError,
            Status::Warn,
            format!("Google server error {status} ({message}): usually temporary"),
        ),
        _ => {
            out.status = Status::Warn;
            out.summary =
                format!("unexpected answer from the token endpoint: HTTP {status} ({message})");
        }
    }
}

/// "refresh token", "service-account key".
fn what(exchange: &Exchange) -> &'static str {
    if exchange.client_email().is_some() {
        "service-account key"
    } else {
        "refresh token"
    }
}

/// Google's answer to a JWT whose `iat`/`exp` are off: "Invalid JWT: Token must be a
/// short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values".
fn clock_skew(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    lower.contains("reasonable timeframe") || lower.contains("iat and exp")
}
