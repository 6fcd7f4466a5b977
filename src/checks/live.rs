//! `live`: one cheap authenticated request to the effective endpoint, classified.
//!
//! The request is `GET {base}/v1/models?limit=1` with `anthropic-version: 2023-06-01` and the
//! credential headers exactly as the CLI sends them (`x-api-key`, `Authorization: Bearer`, the
//! OAuth beta, an `apiKeyHelper`'s output in both). The answer, or the failure to get one, is
//! turned into a root cause: a 401 on a key that a settings file forces over the shell's own is
//! `settings-override`, not `key-invalid`; an HTML 403 is a proxy or gateway, not Anthropic.

use super::CheckCtx;
use crate::env::Environment;
use crate::http::{self, ErrorChain, ExtraCaState, HttpSetup, ProxySetting};
use crate::ids::{CauseId, CheckId, FixId};
use crate::outcome::{CheckOutcome, Status};
use crate::resolve::{self, Credential, EffectiveAuth, Endpoint, Method, Mode, Provider};
use crate::secret;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::time::{Duration, Instant};

/// The API version header the CLI sends.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";
/// The beta flag that makes the API accept an OAuth (subscription) token.
pub const OAUTH_BETA: &str = "oauth-2025-04-20";
/// How much of an answer's body we read: the errors are small; a page is not worth more.
const MAX_BODY: usize = 64 * 1024;

/// Runs the live check.
pub async fn run(ctx: &CheckCtx) -> CheckOutcome {
    if ctx.opts.offline {
        return CheckOutcome::skipped(CheckId::Live, "offline (--offline)");
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
    probe(ctx, &endpoint, &plan, out).await
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

/// One credential header about to be sent.
#[derive(Clone, Debug)]
struct Header {
    cred: Credential,
    value: String,
}

/// The headers the CLI would send, with the credential behind each.
#[derive(Clone, Debug)]
struct Plan {
    /// The credential that decides success.
    primary: Credential,
    x_api_key: Option<Header>,
    bearer: Option<Header>,
    oauth_beta: bool,
}

/// Why no request is sent.
struct Stop {
    cause: CauseId,
    severity: Status,
    summary: String,
    details: Vec<String>,
}

impl Stop {
    fn apply(self, out: &mut CheckOutcome) {
        for d in self.details {
            out.detail(d);
        }
        out.find(self.cause, self.severity, self.summary);
    }
}

impl Plan {
    async fn build(ctx: &CheckCtx, auth: &EffectiveAuth) -> Result<Self, Stop> {
        let Some(primary) = auth.effective.clone() else {
            return Err(Stop {
                cause: CauseId::NoCredentials,
                severity: Status::Warn,
                summary: "no credential to test".to_string(),
                details: Vec::new(),
            });
        };
        let mut plan = Self {
            primary: primary.clone(),
            x_api_key: None,
            bearer: None,
            oauth_beta: false,
        };
        for cred in std::iter::once(&primary).chain(auth.also_sent.iter()) {
            match cred.method {
                Method::ApiKey => {
                    if let Some(v) = &cred.secret {
                        plan.x_api_key.get_or_insert(Header {
                            cred: cred.clone(),
                            value: v.clone(),
                        });
                    }
                }
                Method::AuthToken | Method::Oauth => {
                    if plan.bearer.is_none()
                        && let Some(v) = &cred.secret
                    {
                        plan.bearer = Some(Header {
                            cred: cred.clone(),
                            value: v.clone(),
                        });
                        plan.oauth_beta = cred.method == Method::Oauth;
                    }
                }
                Method::ApiKeyHelper => {
                    let value = helper_value(ctx, cred).await?;
                    let header = Header {
                        cred: cred.clone(),
                        value,
                    };
                    if plan.x_api_key.is_none() {
                        plan.x_api_key = Some(header.clone());
                    }
                    if plan.bearer.is_none() {
                        plan.bearer = Some(header);
                    }
                }
                _ => {}
            }
        }
        if plan.x_api_key.is_none() && plan.bearer.is_none() {
            return Err(Stop {
                cause: CauseId::NoCredentials,
                severity: Status::Warn,
                summary: format!("{} has no value to send", primary.describe(&ctx.env)),
                details: Vec::new(),
            });
        }
        Ok(plan)
    }

    /// Every secret sent, for scrubbing.
    fn secrets(&self) -> Vec<&str> {
        self.x_api_key
            .iter()
            .chain(self.bearer.iter())
            .map(|h| h.value.as_str())
            .collect()
    }

    /// The header map, or the credential whose value cannot be a header.
    fn headers(&self) -> Result<HeaderMap, &Header> {
        let mut map = HeaderMap::new();
        map.insert(
            HeaderName::from_static("anthropic-version"),
            HeaderValue::from_static(ANTHROPIC_VERSION),
        );
        if let Some(h) = &self.x_api_key {
            let mut v = HeaderValue::from_str(&h.value).map_err(|_| h)?;
            v.set_sensitive(true);
            map.insert(HeaderName::from_static("x-api-key"), v);
        }
        if let Some(h) = &self.bearer {
            let mut v = HeaderValue::from_str(&format!("Bearer {}", h.value)).map_err(|_| h)?;
            v.set_sensitive(true);
            map.insert(reqwest::header::AUTHORIZATION, v);
        }
        if self.oauth_beta {
            map.insert(
                HeaderName::from_static("anthropic-beta"),
                HeaderValue::from_static(OAUTH_BETA),
            );
        }
        Ok(map)
    }
}

/// Runs the `apiKeyHelper` (once per run) and returns its value, or why there is none.
async fn helper_value(ctx: &CheckCtx, cred: &Credential) -> Result<String, Stop> {
    let where_ = cred.origin.describe(&ctx.env);
    match ctx.helper_run().await {
        Some(run) => match run.value() {
            Some(v) => Ok(v.to_string()),
            None => Err(Stop {
                cause: CauseId::ApiKeyHelperFailed,
                severity: Status::Fail,
                summary: format!("apiKeyHelper ({where_}) {}", run.describe()),
                details: vec![
                    format!("apiKeyHelper from {where_}: {}", run.describe()),
                    "no request sent: the CLI would send a blank key and report \
                     \"Invalid API key · Fix external API key\""
                        .to_string(),
                ],
            }),
        },
        None => Err(Stop {
            cause: CauseId::ApiKeyHelperFailed,
            severity: Status::Fail,
            summary: format!("apiKeyHelper ({where_}) could not be run"),
            details: Vec::new(),
        }),
    }
}

/// What the server said, as far as we read it.
#[derive(Debug, Default)]
struct Answer {
    status: u16,
    latency_ms: u128,
    content_type: Option<String>,
    request_id: Option<String>,
    should_retry: Option<String>,
    location: Option<String>,
    body: String,
    /// The body cut short: the connection broke while reading it.
    body_error: Option<String>,
    json: Option<serde_json::Value>,
}

impl Answer {
    fn error_type(&self) -> Option<&str> {
        let j = self.json.as_ref()?;
        j.pointer("/error/type")
            .and_then(|v| v.as_str())
            .or_else(|| {
                j.get("type")
                    .and_then(|v| v.as_str())
                    .filter(|t| *t != "error")
            })
    }

    fn error_message(&self) -> Option<&str> {
        let j = self.json.as_ref()?;
        j.pointer("/error/message")
            .and_then(|v| v.as_str())
            .or_else(|| j.get("message").and_then(|v| v.as_str()))
            .or_else(|| j.get("error").and_then(|v| v.as_str()))
    }

    /// The body has the shape of an Anthropic error: `{"type":"error","error":{"type":…}}`.
    fn is_api_error(&self) -> bool {
        self.json.as_ref().is_some_and(|j| {
            j.pointer("/error/type")
                .is_some_and(serde_json::Value::is_string)
                || j.pointer("/error/message")
                    .is_some_and(serde_json::Value::is_string)
        })
    }

    fn is_html(&self) -> bool {
        let ct = self
            .content_type
            .as_deref()
            .unwrap_or("")
            .to_ascii_lowercase();
        let head = self
            .body
            .trim_start()
            .get(..64)
            .unwrap_or(self.body.trim_start());
        let head = head.to_ascii_lowercase();
        ct.contains("html") || head.starts_with("<!doctype") || head.starts_with("<html")
    }

    fn is_empty(&self) -> bool {
        self.body.trim().is_empty()
    }

    /// A non-empty body that is not JSON (an HTML page, plain text).
    fn is_foreign(&self) -> bool {
        !self.is_empty() && self.json.is_none()
    }

    /// The lower-cased text to search: the JSON message, else the raw body.
    fn text(&self) -> String {
        self.error_message()
            .map_or_else(|| self.body.clone(), str::to_string)
            .to_ascii_lowercase()
    }

    /// "an HTML page (title: 403 Forbidden)", "no body", "a non-Anthropic JSON body".
    fn body_kind(&self) -> String {
        if self.is_empty() {
            "no body".to_string()
        } else if self.is_html() {
            match html_title(&self.body) {
                Some(t) => format!("an HTML page (\"{t}\")"),
                None => "an HTML page".to_string(),
            }
        } else if self.json.is_some() {
            "a JSON body that is not an Anthropic API error".to_string()
        } else {
            "a non-JSON body".to_string()
        }
    }
}

fn html_title(body: &str) -> Option<String> {
    let lower = body.to_ascii_lowercase();
    let start = lower.find("<title")?;
    let open_end = start + lower[start..].find('>')? + 1;
    let end = open_end + lower[open_end..].find("</title")?;
    let title: String = body
        .get(open_end..end)?
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (!title.is_empty()).then(|| title.chars().take(80).collect())
}

/// One line of the body for the report: whitespace collapsed, cut to 160 characters.
fn snippet(body: &str) -> String {
    let one: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() > 160 {
        format!("{}…", one.chars().take(160).collect::<String>())
    } else {
        one
    }
}

/// The facts that classification needs besides the answer.
struct Scene<'a> {
    env: &'a Environment,
    ctx: &'a CheckCtx,
    endpoint: &'a Endpoint,
    url: &'a reqwest::Url,
    plan: &'a Plan,
    /// The proxy the request went through, if any.
    via: Option<ProxySetting>,
    timeout: Duration,
}

impl Scene<'_> {
    fn host_port(&self) -> String {
        host_port(self.url)
    }

    fn scrub(&self, text: &str) -> String {
        let mut known = self.plan.secrets();
        if let Some(p) = &self.via {
            known.push(p.url.as_str());
        }
        secret::scrub(text, &known)
    }

    /// Whether the base URL's path ends in `/v1`.
    fn base_ends_in_v1(&self) -> bool {
        reqwest::Url::parse(&self.endpoint.base_url)
            .map(|u| u.path().trim_end_matches('/').ends_with("/v1"))
            .unwrap_or(false)
    }

    fn base_var(&self) -> String {
        if self.endpoint.is_custom() {
            format!(
                "{} from {}",
                self.endpoint.source,
                self.endpoint.origin.describe(self.env)
            )
        } else {
            "the default endpoint".to_string()
        }
    }
}

/// Sends the request and classifies what comes back.
async fn probe(
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
    let result = tokio::time::timeout(fence, fetch(&setup, &url, headers, started)).await;
    match result {
        Ok(Ok(answer)) => classify(&scene, &answer, &mut out),
        Ok(Err(err)) => classify_error(&scene, &setup, &err, &mut out),
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

async fn fetch(
    setup: &HttpSetup,
    url: &reqwest::Url,
    headers: HeaderMap,
    started: Instant,
) -> Result<Answer, reqwest::Error> {
    let mut resp = setup
        .client
        .get(url.clone())
        .headers(headers)
        .send()
        .await?;
    let latency_ms = started.elapsed().as_millis();
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let mut answer = Answer {
        status: resp.status().as_u16(),
        latency_ms,
        content_type: header("content-type"),
        request_id: header("request-id").or_else(|| header("x-request-id")),
        should_retry: header("x-should-retry"),
        location: header("location"),
        ..Answer::default()
    };
    let mut bytes: Vec<u8> = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                let room = MAX_BODY.saturating_sub(bytes.len());
                bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if bytes.len() >= MAX_BODY {
                    break;
                }
            }
            Ok(None) => break,
            Err(e) => {
                answer.body_error = Some(http::error_chain(&e));
                break;
            }
        }
    }
    answer.body = String::from_utf8_lossy(&bytes).into_owned();
    answer.json = serde_json::from_str(&answer.body).ok();
    if answer.request_id.is_none() {
        answer.request_id = answer
            .json
            .as_ref()
            .and_then(|j| j.get("request_id"))
            .and_then(|v| v.as_str())
            .map(str::to_string);
    }
    Ok(answer)
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

/// A variable set in a settings file but not in this shell (`Some(name + where)`).
fn settings_only_var(ctx: &CheckCtx, names: &[&str]) -> Option<String> {
    if names.iter().any(|n| ctx.env.var(n).is_some()) {
        return None;
    }
    names.iter().find_map(|n| {
        resolve::env_candidates(n, &ctx.env, &ctx.facts)
            .into_iter()
            .rev()
            .find(|c| c.origin.is_settings())
            .map(|c| format!("{n} in {}", c.origin.describe(&ctx.env)))
    })
}

fn host_port(url: &reqwest::Url) -> String {
    let host = url.host_str().unwrap_or("?");
    match url.port_or_known_default() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    }
}

/// Classifies an answer that arrived (any status).
fn classify(scene: &Scene<'_>, a: &Answer, out: &mut CheckOutcome) {
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
    let text = a.text();
    let where_ = scene.host_port();
    let custom = scene.endpoint.is_custom();
    let ms = a.latency_ms;
    let server_msg = a
        .error_message()
        .map(|m| scene.scrub(m))
        .unwrap_or_else(|| format!("HTTP {status}"));

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
        400 => classify_400(scene, a, &text, &server_msg, out),
        401 => classify_401(scene, &text, &server_msg, out),
        403 => classify_403(scene, a, &text, &server_msg, out),
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
    text: &str,
    server_msg: &str,
    out: &mut CheckOutcome,
) {
    if text.contains("credit balance is too low") {
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
    } else if text.contains("only authorized for use with claude code") {
        // The API knows the token and refuses it only because this is not Claude Code.
        out.status = Status::Pass;
        out.summary = format!(
            "the token authenticates (HTTP 400 in {} ms): the API accepts it only from Claude \
             Code (\"only authorized for use with Claude Code\"), which proves it is valid",
            a.latency_ms
        );
    } else if text.contains("organization has been disabled") {
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

fn classify_401(scene: &Scene<'_>, text: &str, server_msg: &str, out: &mut CheckOutcome) {
    let plan = scene.plan;
    let env = scene.env;
    if text.contains("oauth authentication is currently not allowed for this organization") {
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
    let (cause, blamed): (CauseId, Option<&Header>) = if text.contains("oauth token has expired") {
        (CauseId::OauthExpired, bearer.or_else(primary_header))
    } else if text.contains("invalid bearer token") || text.contains("revoked") {
        (CauseId::TokenInvalid, bearer.or_else(primary_header))
    } else if text.contains("x-api-key") {
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
            let wants_key = key.is_none() && text.contains("x-api-key");
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

fn org_disabled_oauth(scene: &Scene<'_>, out: &mut CheckOutcome) {
    out.find(
        CauseId::PermissionDenied,
        Status::Fail,
        format!(
            "your organization has disabled Claude subscription access for Claude Code (\"OAuth \
             authentication is currently not allowed for this organization\"): only an \
             organization admin can change that policy; meanwhile use an API key ({})",
            scene.plan.primary.describe(scene.env)
        ),
    );
}

fn classify_403(
    scene: &Scene<'_>,
    a: &Answer,
    text: &str,
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
    if text.contains("oauth token has been revoked") {
        out.find(
            CauseId::TokenInvalid,
            Status::Fail,
            format!("the OAuth token ({who}) has been revoked (403); log in again"),
        );
        out.offer(FixId::Relogin);
    } else if text.contains("oauth authentication is currently not allowed for this organization") {
        org_disabled_oauth(scene, out);
    } else if text.contains("api key authentication is disabled") {
        out.find(
            CauseId::PermissionDenied,
            Status::Fail,
            format!(
                "your organization has disabled API key authentication (403: {server_msg}): only \
                 an organization admin can change that policy; log in with /login instead ({who})"
            ),
        );
    } else {
        let policy = if text.contains("request not allowed") || text.contains("organization") {
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

/// Classifies a request that got no answer.
fn classify_error(
    scene: &Scene<'_>,
    setup: &HttpSetup,
    err: &reqwest::Error,
    out: &mut CheckOutcome,
) {
    let chain: Vec<&(dyn std::error::Error + 'static)> = ErrorChain::new(err).collect();
    let text = scene.scrub(&http::error_chain(err));
    out.detail(format!("error: {text}"));
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
    if lower.contains("proxy authorization required") {
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
    if lower.contains("tunnel error") && lower.contains("unsuccessful") {
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
    if io_kind == Some(std::io::ErrorKind::ConnectionRefused)
        || lower.contains("connection refused")
    {
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
    if lower.contains("dns error")
        || lower.contains("failed to lookup address")
        || lower.contains("name or service not known")
        || lower.contains("nodename nor servname")
        || lower.contains("no such host")
    {
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

/// Tests a key the user is about to save (the export-key fix), against the endpoint Claude Code
/// would use, with the same request and classification as the live check. `Err` holds a
/// plain-words reason without the key.
pub async fn validate_api_key(
    env: std::sync::Arc<Environment>,
    key: &str,
    timeout: Duration,
) -> Result<String, String> {
    let opts = super::CheckOptions {
        offline: false,
        timeout,
        ..super::CheckOptions::default()
    };
    let mut ctx = tokio::task::spawn_blocking(move || CheckCtx::new(env, opts))
        .await
        .map_err(|e| format!("internal error: {e}"))?;
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
    match outcome.status {
        Status::Fail => Err(crate::secret::scrub(&outcome.summary, &[key])),
        _ if super::trust::not_sent(&outcome) => {
            Err(crate::secret::scrub(&outcome.summary, &[key]))
        }
        _ => Ok(crate::secret::scrub(&outcome.summary, &[key])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str, ct: Option<&str>) -> Answer {
        Answer {
            status,
            body: body.to_string(),
            content_type: ct.map(str::to_string),
            json: serde_json::from_str(body).ok(),
            ..Answer::default()
        }
    }

    #[test]
    fn recognises_api_errors_html_and_empty_bodies() {
        let a = answer(
            401,
            r#"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#,
            Some("application/json"),
        );
        assert!(a.is_api_error());
        assert_eq!(a.error_type(), Some("authentication_error"));
        assert_eq!(a.text(), "invalid x-api-key");
        let h = answer(
            403,
            "<html><head><title>403\n Forbidden</title></head></html>",
            None,
        );
        assert!(h.is_html() && h.is_foreign() && !h.is_api_error());
        assert_eq!(h.body_kind(), "an HTML page (\"403 Forbidden\")");
        let e = answer(403, "", None);
        assert!(e.is_empty() && !e.is_foreign());
        assert_eq!(e.body_kind(), "no body");
        let j = answer(403, r#"{"message":"Forbidden"}"#, None);
        assert!(!j.is_api_error());
    }

    #[test]
    fn snippets_are_short_and_single_line() {
        let s = snippet(&format!("a\n  b {}", "x".repeat(400)));
        assert!(s.starts_with("a b x"));
        assert!(s.chars().count() <= 161);
    }
}
