//! Amazon Bedrock: with `AWS_BEARER_TOKEN_BEDROCK` or static AWS keys, one cheap authenticated
//! request to the Bedrock runtime endpoint the CLI uses (`ANTHROPIC_BEDROCK_BASE_URL` when set):
//! `GET /async-invoke?maxResults=1`, a free list call on the same host as the model calls, so
//! the route, proxy and TLS are the CLI's. AWS checks the credentials before the permission: a
//! rejected token is `bedrock-credentials-missing` ("expired or wrong"), an `AccessDenied` still
//! proves the credentials are valid. Profiles, SSO and instance roles are not resolved here.

use super::super::CheckCtx;
use super::answer::{self, Answer};
use super::sigv4::{self, AwsKeys};
use super::transport;
use crate::classify::Reading;
use crate::http;
use crate::ids::{CauseId, CheckId};
use crate::outcome::{CheckOutcome, Status};
use crate::resolve::{self, Credential, Endpoint, Method, Mode, Origin};
use crate::secret;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::time::{Duration, Instant};

/// The `SigV4` service name of the Bedrock runtime.
const SERVICE: &str = "bedrock";

/// How the request is authenticated.
enum AwsAuth {
    Bearer(String),
    Keys {
        id: String,
        secret: String,
        session: Option<String>,
    },
}

fn var(ctx: &CheckCtx, name: &str) -> Option<(String, Origin)> {
    resolve::effective_var(name, &ctx.env, &ctx.facts, Mode::Interactive)
        .filter(|v| !v.value.trim().is_empty())
        .map(|v| (v.value.trim().to_string(), v.origin))
}

/// Runs the Bedrock check, or `None` when there is nothing it can send (profiles, SSO, roles).
pub(super) async fn run(ctx: &CheckCtx, endpoint: &Endpoint) -> Option<CheckOutcome> {
    let (auth, cred) = if let Some((token, origin)) = var(ctx, "AWS_BEARER_TOKEN_BEDROCK") {
        let cred = credential("AWS_BEARER_TOKEN_BEDROCK", origin, &token);
        (AwsAuth::Bearer(token), cred)
    } else {
        let (id, origin) = var(ctx, "AWS_ACCESS_KEY_ID")?;
        let (secret, _) = var(ctx, "AWS_SECRET_ACCESS_KEY")?;
        let session = var(ctx, "AWS_SESSION_TOKEN").map(|(v, _)| v);
        let cred = credential("AWS_ACCESS_KEY_ID", origin, &id);
        (
            AwsAuth::Keys {
                id,
                secret,
                session,
            },
            cred,
        )
    };
    // The same rule as the Anthropic request: no credential to an endpoint an untrusted folder
    // chose (its `env.ANTHROPIC_BEDROCK_BASE_URL`).
    if let Some(why) = crate::checks::trust::endpoint_refusal(ctx, endpoint) {
        let mut out = CheckOutcome::new(CheckId::Live);
        out.find(
            CauseId::UntrustedFolder,
            Status::Warn,
            format!("not sent: {why}"),
        );
        return Some(out.finish("not tested"));
    }
    let region = var(ctx, "AWS_REGION")
        .or_else(|| var(ctx, "AWS_DEFAULT_REGION"))
        .map_or_else(|| "us-east-1".to_string(), |(v, _)| v);
    let mut out = CheckOutcome::new(CheckId::Live);
    let base = endpoint.base_url.trim().trim_end_matches('/');
    let Ok(url) = reqwest::Url::parse(&format!("{base}/async-invoke?maxResults=1")) else {
        out.find(
            CauseId::BaseUrlInvalid,
            Status::Fail,
            format!(
                "{} is not a valid URL: {}",
                endpoint.source,
                http::redact_url(base)
            ),
        );
        return Some(out.finish("not tested"));
    };
    let setup = match http::build(&ctx.env, ctx.opts.timeout) {
        Ok(s) => s,
        Err(e) => {
            out.find(CauseId::EndpointUnreachable, Status::Fail, e.to_string());
            return Some(out.finish("not tested"));
        }
    };
    let (mut headers, mut secrets, how) = match &auth {
        AwsAuth::Bearer(token) => {
            let mut map = HeaderMap::new();
            let Ok(mut v) = HeaderValue::from_str(&format!("Bearer {token}")) else {
                out.find(
                    CauseId::KeyMalformed,
                    Status::Fail,
                    "AWS_BEARER_TOKEN_BEDROCK holds a line break or another control character",
                );
                return Some(out.finish("not tested"));
            };
            v.set_sensitive(true);
            map.insert(reqwest::header::AUTHORIZATION, v);
            (
                map,
                vec![token.clone()],
                format!("Authorization: Bearer {}", secret::mask(token)),
            )
        }
        AwsAuth::Keys {
            id,
            secret: key,
            session,
        } => {
            let now = time::OffsetDateTime::now_utc();
            let amz_date = now
                .format(time::macros::format_description!(
                    "[year][month][day]T[hour][minute][second]Z"
                ))
                .unwrap_or_default();
            let keys = AwsKeys {
                access_key_id: id,
                secret_access_key: key,
                session_token: session.as_deref(),
            };
            let mut map = HeaderMap::new();
            for (name, value) in sigv4::sign_get(&url, &keys, &region, SERVICE, &amz_date) {
                if let Ok(mut v) = HeaderValue::from_str(&value) {
                    v.set_sensitive(name != "x-amz-date");
                    map.insert(HeaderName::from_static(name), v);
                }
            }
            let mut secrets = vec![id.clone(), key.clone()];
            secrets.extend(session.iter().cloned());
            (
                map,
                secrets,
                format!(
                    "AWS SigV4 with the access key {}{} (region {region})",
                    secret::mask(id),
                    if session.is_some() {
                        " and a session token"
                    } else {
                        ""
                    }
                ),
            )
        }
    };
    out.detail(format!(
        "endpoint: GET {} ({})",
        http::redact_url(url.as_str()),
        if endpoint.is_custom() {
            format!(
                "{} from {}",
                endpoint.source,
                endpoint.origin.describe(&ctx.env)
            )
        } else {
            "default".to_string()
        }
    ));
    out.detail(format!("sent: {how} ({})", cred.describe(&ctx.env)));
    // Verified against the CLI: a set ANTHROPIC_API_KEY still goes out as `x-api-key` on the
    // Bedrock requests. AWS ignores it, but a gateway in front of Bedrock sees (and may judge) it.
    if let Some((key, origin)) = var(ctx, "ANTHROPIC_API_KEY") {
        match HeaderValue::from_str(&key) {
            Ok(mut v) => {
                v.set_sensitive(true);
                headers.insert(HeaderName::from_static("x-api-key"), v);
                out.detail(format!(
                    "also sent: x-api-key {} (ANTHROPIC_API_KEY {}): Claude Code sends it to the \
                     Bedrock endpoint too; AWS ignores it, but it leaves this machine for {}",
                    secret::mask(&key),
                    origin.describe(&ctx.env),
                    http::redact_url(base)
                ));
                secrets.push(key);
            }
            Err(_) => out.detail(
                "ANTHROPIC_API_KEY holds a line break or another control character: not sent \
                 along (the CLI would fail before sending it)",
            ),
        }
    }
    let started = Instant::now();
    let fence = ctx.opts.timeout + Duration::from_secs(1);
    let result = tokio::time::timeout(fence, answer::fetch(&setup, &url, headers, started)).await;
    let scrub = |t: &str| {
        let known: Vec<&str> = secrets.iter().map(String::as_str).collect();
        secret::scrub(t, &known)
    };
    match result {
        Ok(Ok(a)) => classify(&a, &cred, ctx, &scrub, &mut out),
        Ok(Err(err)) => {
            // No answer: the same transport reading as the Anthropic check.
            transport::classify_provider_error(
                ctx,
                endpoint,
                &url,
                &setup,
                &cred,
                secrets.first(),
                &err,
                &mut out,
            );
        }
        Err(_) => out.find(
            CauseId::EndpointUnreachable,
            Status::Fail,
            format!(
                "no answer from the Bedrock endpoint within {} s",
                ctx.opts.timeout.as_secs_f32()
            ),
        ),
    }
    Some(out.finish("tested"))
}

fn credential(source: &str, origin: Origin, value: &str) -> Credential {
    Credential {
        method: Method::Bedrock,
        source: source.to_string(),
        origin,
        secret: Some(value.to_string()),
    }
}

fn classify(
    a: &Answer,
    cred: &Credential,
    ctx: &CheckCtx,
    scrub: &dyn Fn(&str) -> String,
    out: &mut CheckOutcome,
) {
    let status = a.status;
    let message = scrub(
        &a.error_message()
            .map_or_else(|| answer::snippet(&a.body), str::to_string),
    );
    out.detail(format!("answer: HTTP {status} in {} ms", a.latency_ms));
    if !message.is_empty() {
        out.detail(format!("server said: {message}"));
    }
    let who = cred.describe(&ctx.env);
    let said = Reading::of(&message);
    match status {
        200..=299 => out.summary = format!("AWS accepted the credentials in {} ms", a.latency_ms),
        _ if said.names(CauseId::BedrockCredentialsMissing) => {
            out.find(
                CauseId::BedrockCredentialsMissing,
                Status::Fail,
                format!(
                    "AWS rejected {who} (HTTP {status}: {message}): the credentials are expired \
                     or wrong; refresh them (a new Bedrock API key, `aws sso login`, or new \
                     access keys) in the shell that starts claude"
                ),
            );
        }
        400..=403 if said.has("aws-access-denied") => {
            out.summary = format!(
                "the credentials authenticate ({who}): AWS knows them and refused only the \
                 listing (AccessDenied), which model calls do not need; model access is not \
                 tested here"
            );
        }
        _ if a.is_foreign() && !a.is_empty() => out.find(
            CauseId::GatewayBlocked,
            Status::Fail,
            format!(
                "the Bedrock endpoint answered HTTP {status} with {}: a proxy or gateway \
                 answered, not AWS",
                a.body_kind()
            ),
        ),
        404 => {
            out.status = Status::Warn;
            out.summary = "the endpoint has no /async-invoke (HTTP 404): a gateway that only \
                           forwards model calls, so the credentials could not be confirmed"
                .to_string();
        }
        429 => out.find(
            CauseId::RateLimited,
            Status::Warn,
            format!("throttled by AWS (429: {message})"),
        ),
        500..=599 => out.find(
            CauseId::ServerError,
            Status::Warn,
            format!("AWS server error {status} ({message}): usually temporary"),
        ),
        _ => {
            out.status = Status::Warn;
            out.summary = format!("unexpected answer HTTP {status} ({message})");
        }
    }
}
