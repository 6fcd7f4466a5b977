//! The `live` check against tiny HTTP servers on 127.0.0.1: every answer class, the headers the
//! server received, proxies, TLS trust, timeouts and broken connections.

mod support;

use claude_auth_tui::checks::{CheckCtx, CheckOptions, run_check};
use claude_auth_tui::env::{Environment, EnvironmentBuilder};
use claude_auth_tui::ids::{CauseId, CheckId, FixId};
use claude_auth_tui::outcome::{CheckOutcome, Status};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::{
    FAKE_API_KEY, FAKE_AUTH_TOKEN, FAKE_OAUTH_TOKEN, FAKE_OTHER_KEY, TempHome, assert_no_leak,
};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::rustls;

// ---------------------------------------------------------------------------------------------
// A tiny server: records each request head, answers with fixed bytes (or never).

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

#[derive(Clone)]
enum Reply {
    /// Write these bytes, then close.
    Raw(Vec<u8>),
    /// Read the request, then say nothing (until the test ends).
    Hang,
    /// Write these bytes at once, without reading anything (a server that speaks first).
    Blurt(Vec<u8>),
}

struct Server {
    url: String,
    port: u16,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn requests(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }

    /// The first request's head.
    fn head(&self) -> String {
        self.requests()
            .into_iter()
            .next()
            .expect("the server got a request")
    }
}

async fn serve(reply: Reply) -> Server {
    serve_with(reply, None).await
}

async fn serve_with(reply: Reply, tls: Option<tokio_rustls::TlsAcceptor>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let scheme = if tls.is_some() { "https" } else { "http" };
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let reply = reply.clone();
            let log = Arc::clone(&log);
            let tls = tls.clone();
            tokio::spawn(async move {
                let io: Box<dyn Io> = match tls {
                    Some(acceptor) => match acceptor.accept(stream).await {
                        Ok(s) => Box::new(s),
                        Err(_) => return,
                    },
                    None => Box::new(stream),
                };
                handle(io, reply, log).await;
            });
        }
    });
    Server {
        url: format!("{scheme}://127.0.0.1:{port}"),
        port,
        seen,
    }
}

async fn handle(mut io: Box<dyn Io>, reply: Reply, log: Arc<Mutex<Vec<String>>>) {
    if let Reply::Blurt(bytes) = &reply {
        let _ = io.write_all(bytes).await;
        let _ = io.shutdown().await;
        return;
    }
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 65536 {
        match tokio::time::timeout(Duration::from_secs(5), io.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => buf.extend_from_slice(&chunk[..n]),
            _ => return,
        }
    }
    log.lock()
        .unwrap()
        .push(String::from_utf8_lossy(&buf).into_owned());
    match reply {
        Reply::Raw(bytes) => {
            let _ = io.write_all(&bytes).await;
            let _ = io.shutdown().await;
        }
        Reply::Hang => tokio::time::sleep(Duration::from_secs(30)).await,
        Reply::Blurt(_) => {}
    }
}

fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut text = format!(
        "HTTP/1.1 {status} Test\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        text.push_str(&format!("{k}: {v}\r\n"));
    }
    text.push_str("Connection: close\r\n\r\n");
    text.push_str(body);
    Reply::Raw(text.into_bytes())
}

/// An Anthropic-shaped error answer with a request id.
fn api_error(status: u16, kind: &str, message: &str) -> Reply {
    let body = format!(
        r#"{{"type":"error","error":{{"type":"{kind}","message":"{message}"}},"request_id":"req_011TEST"}}"#
    );
    response(
        status,
        &[
            ("Content-Type", "application/json"),
            ("request-id", "req_011TEST"),
            ("x-should-retry", "false"),
        ],
        &body,
    )
}

fn ok_models() -> Reply {
    response(
        200,
        &[
            ("Content-Type", "application/json"),
            ("request-id", "req_ok"),
        ],
        r#"{"data":[{"type":"model","id":"claude-test"}],"has_more":true}"#,
    )
}

fn html(status: u16, title: &str) -> Reply {
    response(
        status,
        &[("Content-Type", "text/html")],
        &format!("<html><head><title>{title}</title></head><body>nope</body></html>"),
    )
}

/// The value of a header in a recorded request head (case-insensitive name).
fn header(head: &str, name: &str) -> Option<String> {
    head.lines().skip(1).find_map(|line| {
        let (k, v) = line.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_string())
    })
}

fn request_line(head: &str) -> String {
    head.lines().next().unwrap_or("").to_string()
}

// ---------------------------------------------------------------------------------------------
// Running the check.

const TIMEOUT: Duration = Duration::from_secs(5);

fn with_key(home: &TempHome, base: &str) -> EnvironmentBuilder {
    home.env()
        .var("ANTHROPIC_API_KEY", FAKE_API_KEY)
        .var("ANTHROPIC_BASE_URL", base)
}

async fn live(env: Environment) -> CheckOutcome {
    live_with(env, TIMEOUT).await
}

async fn live_with(env: Environment, timeout: Duration) -> CheckOutcome {
    let ctx = Arc::new(CheckCtx::new(
        Arc::new(env),
        CheckOptions {
            offline: false,
            timeout,
            ..CheckOptions::default()
        },
    ));
    let out = run_check(CheckId::Live, ctx).await;
    let mut text = format!("{}\n{}", out.summary, out.details.join("\n"));
    for f in &out.findings {
        text.push('\n');
        text.push_str(&f.summary);
    }
    assert_no_leak(&text);
    assert_eq!(out.id, CheckId::Live);
    out
}

/// The worst finding's cause.
fn cause(out: &CheckOutcome) -> Option<CauseId> {
    out.worst_finding().map(|f| f.cause)
}

#[track_caller]
fn expect(out: &CheckOutcome, status: Status, cause_id: CauseId) {
    assert_eq!(out.status, status, "{out:#?}");
    assert_eq!(cause(out), Some(cause_id), "{out:#?}");
}

fn has_detail(out: &CheckOutcome, needle: &str) -> bool {
    out.details.iter().any(|d| d.contains(needle))
}

// ---------------------------------------------------------------------------------------------
// Answers.

#[tokio::test]
async fn ok_200_passes_and_sends_the_key_as_x_api_key() {
    let server = serve(ok_models()).await;
    let home = TempHome::new();
    let out = live(with_key(&home, &server.url).build()).await;
    assert_eq!(out.status, Status::Pass, "{out:#?}");
    assert!(
        out.summary.starts_with("authenticated in "),
        "{}",
        out.summary
    );
    assert!(out.findings.is_empty());
    let head = server.head();
    assert_eq!(request_line(&head), "GET /v1/models?limit=1 HTTP/1.1");
    assert_eq!(header(&head, "x-api-key").as_deref(), Some(FAKE_API_KEY));
    assert_eq!(header(&head, "authorization"), None);
    assert_eq!(header(&head, "anthropic-beta"), None);
    assert_eq!(
        header(&head, "anthropic-version").as_deref(),
        Some("2023-06-01")
    );
    assert!(
        header(&head, "user-agent")
            .unwrap()
            .starts_with("claude-auth-tui/")
    );
    assert!(has_detail(&out, "HTTP 200"), "{:#?}", out.details);
    assert!(has_detail(&out, "request-id: req_ok"));
    assert!(has_detail(&out, "sk-ant-api03-…AbCd"), "{:#?}", out.details);
    assert!(has_detail(&out, "ANTHROPIC_API_KEY from this shell"));
    assert!(has_detail(&out, &format!("{}/v1/models", server.url)));
}

#[tokio::test]
async fn invalid_x_api_key_is_key_invalid() {
    let server = serve(api_error(401, "authentication_error", "invalid x-api-key")).await;
    let home = TempHome::new();
    let out = live(with_key(&home, &server.url).build()).await;
    expect(&out, Status::Fail, CauseId::KeyInvalid);
    assert!(out.fixes.contains(&FixId::ExportKey));
    assert!(out.fixes.contains(&FixId::OpenConsole));
    assert!(out.summary.contains("invalid x-api-key"), "{}", out.summary);
    assert!(has_detail(&out, "authentication_error: invalid x-api-key"));
    assert!(has_detail(&out, "request-id: req_011TEST"));
    assert!(has_detail(&out, "HTTP 401"));
}

#[cfg(unix)]
#[tokio::test]
async fn expired_login_token_is_oauth_expired_and_sent_with_the_oauth_beta() {
    let server = serve(api_error(
        401,
        "authentication_error",
        "OAuth token has expired. Please obtain a new token or refresh your existing token.",
    ))
    .await;
    let home = TempHome::new();
    home.write_credentials(4_102_444_800_000); // 2100: the file itself looks fine
    let env = home.env().var("ANTHROPIC_BASE_URL", &server.url).build();
    let out = live(env).await;
    expect(&out, Status::Fail, CauseId::OauthExpired);
    assert_eq!(out.fixes, vec![FixId::Relogin]);
    let head = server.head();
    assert_eq!(
        header(&head, "authorization"),
        Some(format!("Bearer {FAKE_OAUTH_TOKEN}"))
    );
    assert_eq!(
        header(&head, "anthropic-beta").as_deref(),
        Some("oauth-2025-04-20")
    );
    assert_eq!(header(&head, "x-api-key"), None);
}

#[tokio::test]
async fn invalid_bearer_token_is_token_invalid() {
    let server = serve(api_error(
        401,
        "authentication_error",
        "Invalid bearer token",
    ))
    .await;
    let home = TempHome::new();
    let env = home
        .env()
        .var("ANTHROPIC_AUTH_TOKEN", FAKE_AUTH_TOKEN)
        .var("ANTHROPIC_BASE_URL", &server.url)
        .build();
    let out = live(env).await;
    expect(&out, Status::Fail, CauseId::TokenInvalid);
    // A gateway token is not fixed by logging in again.
    assert!(!out.fixes.contains(&FixId::Relogin));
    let head = server.head();
    assert_eq!(
        header(&head, "authorization"),
        Some(format!("Bearer {FAKE_AUTH_TOKEN}"))
    );
    assert_eq!(header(&head, "anthropic-beta"), None);
    assert_eq!(header(&head, "x-api-key"), None);
}

#[tokio::test]
async fn other_401_is_blamed_by_method() {
    let server = serve(api_error(
        401,
        "authentication_error",
        "authentication failed",
    ))
    .await;
    let home = TempHome::new();
    let out = live(with_key(&home, &server.url).build()).await;
    expect(&out, Status::Fail, CauseId::KeyInvalid);

    let env = home
        .env()
        .var("ANTHROPIC_AUTH_TOKEN", FAKE_AUTH_TOKEN)
        .var("ANTHROPIC_BASE_URL", &server.url)
        .build();
    let out = live(env).await;
    expect(&out, Status::Fail, CauseId::TokenInvalid);
}

#[tokio::test]
async fn revoked_login_token_over_env_is_token_invalid_with_relogin() {
    let server = serve(api_error(
        401,
        "authentication_error",
        "OAuth token has been revoked",
    ))
    .await;
    let home = TempHome::new();
    let env = home
        .env()
        .var("CLAUDE_CODE_OAUTH_TOKEN", FAKE_OAUTH_TOKEN)
        .var("ANTHROPIC_BASE_URL", &server.url)
        .build();
    let out = live(env).await;
    expect(&out, Status::Fail, CauseId::TokenInvalid);
    assert!(out.fixes.contains(&FixId::Relogin));
    assert_eq!(
        header(&server.head(), "anthropic-beta").as_deref(),
        Some("oauth-2025-04-20")
    );
}

#[tokio::test]
async fn auth_token_where_a_key_is_wanted_says_so() {
    let server = serve(api_error(401, "authentication_error", "invalid x-api-key")).await;
    let home = TempHome::new();
    let env = home
        .env()
        .var("ANTHROPIC_AUTH_TOKEN", FAKE_AUTH_TOKEN)
        .var("ANTHROPIC_BASE_URL", &server.url)
        .build();
    let out = live(env).await;
    expect(&out, Status::Fail, CauseId::TokenInvalid);
    assert!(out.summary.contains("ANTHROPIC_API_KEY"), "{}", out.summary);
}

#[tokio::test]
async fn json_403_is_permission_denied() {
    let server = serve(api_error(
        403,
        "permission_error",
        "Your API key does not have permission to use the specified resource.",
    ))
    .await;
    let home = TempHome::new();
    let out = live(with_key(&home, &server.url).build()).await;
    expect(&out, Status::Fail, CauseId::PermissionDenied);
    assert!(out.summary.contains("admin"), "{}", out.summary);
}

#[tokio::test]
async fn org_policy_403_says_only_an_admin_can_fix_it() {
    let server = serve(api_error(
        403,
        "permission_error",
        "OAuth authentication is currently not allowed for this organization.",
    ))
    .await;
    let home = TempHome::new();
    let env = home
        .env()
        .var("CLAUDE_CODE_OAUTH_TOKEN", FAKE_OAUTH_TOKEN)
        .var("ANTHROPIC_BASE_URL", &server.url)
        .build();
    let out = live(env).await;
    expect(&out, Status::Fail, CauseId::OauthOrgDisabled);
    assert!(
        out.summary.contains("only an organization admin"),
        "{}",
        out.summary
    );
}

#[tokio::test]
async fn org_disabled_subscription_is_its_own_cause_and_relogin_is_not_offered() {
    let server = serve(api_error(
        403,
        "permission_error",
        "Your organization has disabled Claude subscription access for Claude Code.",
    ))
    .await;
    let home = TempHome::new();
    let env = home
        .env()
        .var("CLAUDE_CODE_OAUTH_TOKEN", FAKE_OAUTH_TOKEN)
        .var("ANTHROPIC_BASE_URL", &server.url)
        .build();
    let out = live(env).await;
    expect(&out, Status::Fail, CauseId::OauthOrgDisabled);
    assert!(
        out.summary.contains("logging in again does not help") && out.summary.contains("API key"),
        "{}",
        out.summary
    );
    assert!(!out.fixes.contains(&FixId::Relogin), "{:?}", out.fixes);
}

#[tokio::test]
async fn html_403_is_a_gateway_not_anthropic() {
    let server = serve(html(403, "403 Forbidden")).await;
    let home = TempHome::new();
    let out = live(with_key(&home, &server.url).build()).await;
    expect(&out, Status::Fail, CauseId::GatewayBlocked);
    assert!(out.summary.contains("403 Forbidden"), "{}", out.summary);
    assert!(out.summary.contains("not Anthropic") || out.summary.contains("not the Anthropic"));
}

#[tokio::test]
async fn empty_403_is_a_gateway() {
    let server = serve(response(403, &[], "")).await;
    let home = TempHome::new();
    let out = live(with_key(&home, &server.url).build()).await;
    expect(&out, Status::Fail, CauseId::GatewayBlocked);
    assert!(out.summary.contains("no body"), "{}", out.summary);
}

#[tokio::test]
async fn non_anthropic_json_403_is_a_gateway() {
    let server = serve(response(
        403,
        &[("Content-Type", "application/json")],
        r#"{"message":"Forbidden"}"#,
    ))
    .await;
    let home = TempHome::new();
    let out = live(with_key(&home, &server.url).build()).await;
    expect(&out, Status::Fail, CauseId::GatewayBlocked);
}

#[tokio::test]
async fn html_from_a_custom_base_url_is_a_gateway_whatever_the_status() {
    for status in [200, 401, 502] {
        let server = serve(html(status, "Sign in")).await;
        let home = TempHome::new();
        let out = live(with_key(&home, &server.url).build()).await;
        expect(&out, Status::Fail, CauseId::GatewayBlocked);
    }
}

#[tokio::test]
async fn redirect_is_a_gateway_and_not_followed() {
    let server = serve(response(
        302,
        &[("Location", "https://sso.example.invalid/login")],
        "",
    ))
    .await;
    let home = TempHome::new();
    let out = live(with_key(&home, &server.url).build()).await;
    expect(&out, Status::Fail, CauseId::GatewayBlocked);
    assert!(
        out.summary.contains("sso.example.invalid"),
        "{}",
        out.summary
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn low_credit_is_credit_low() {
    let server = serve(api_error(
        400,
        "invalid_request_error",
        "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.",
    ))
    .await;
    let home = TempHome::new();
    let out = live(with_key(&home, &server.url).build()).await;
    expect(&out, Status::Fail, CauseId::CreditLow);
    assert!(out.fixes.contains(&FixId::OpenConsole));
}

#[tokio::test]
async fn claude_code_only_token_passes_because_it_authenticated() {
    let server = serve(api_error(
        400,
        "invalid_request_error",
        "This credential is only authorized for use with Claude Code and cannot be used for other API requests.",
    ))
    .await;
    let home = TempHome::new();
    let env = home
        .env()
        .var("CLAUDE_CODE_OAUTH_TOKEN", FAKE_OAUTH_TOKEN)
        .var("ANTHROPIC_BASE_URL", &server.url)
        .build();
    let out = live(env).await;
    assert_eq!(out.status, Status::Pass, "{out:#?}");
    assert!(out.findings.is_empty());
    assert!(out.summary.contains("authenticates"), "{}", out.summary);
    let head = server.head();
    assert_eq!(
        header(&head, "authorization"),
        Some(format!("Bearer {FAKE_OAUTH_TOKEN}"))
    );
    assert_eq!(
        header(&head, "anthropic-beta").as_deref(),
        Some("oauth-2025-04-20")
    );
}

#[tokio::test]
async fn base_url_ending_in_v1_is_base_url_invalid() {
    let server = serve(response(404, &[], "Not Found")).await;
    let home = TempHome::new();
    let base = format!("{}/v1", server.url);
    let out = live(with_key(&home, &base).build()).await;
    expect(&out, Status::Fail, CauseId::BaseUrlInvalid);
    assert!(out.summary.contains("/v1/v1/messages"), "{}", out.summary);
    assert_eq!(
        request_line(&server.head()),
        "GET /v1/v1/models?limit=1 HTTP/1.1"
    );
}

#[tokio::test]
async fn other_404_warns_without_a_cause() {
    let server = serve(api_error(404, "not_found_error", "Not found")).await;
    let home = TempHome::new();
    let out = live(with_key(&home, &server.url).build()).await;
    assert_eq!(out.status, Status::Warn, "{out:#?}");
    assert!(out.findings.is_empty());
    assert!(
        out.summary.contains("could not be confirmed"),
        "{}",
        out.summary
    );
}

#[tokio::test]
async fn status_407_is_proxy_auth_required() {
    let server = serve(response(407, &[("Proxy-Authenticate", "Basic")], "")).await;
    let home = TempHome::new();
    let out = live(with_key(&home, &server.url).build()).await;
    expect(&out, Status::Fail, CauseId::ProxyAuthRequired);
}

#[tokio::test]
async fn status_429_warns_that_the_credential_works() {
    let server = serve(api_error(
        429,
        "rate_limit_error",
        "Number of request tokens has exceeded your per-minute rate limit",
    ))
    .await;
    let home = TempHome::new();
    let out = live(with_key(&home, &server.url).build()).await;
    expect(&out, Status::Warn, CauseId::RateLimited);
    assert!(out.summary.contains("credential works"), "{}", out.summary);
}

#[tokio::test]
async fn status_500_and_529_are_server_errors() {
    let server = serve(api_error(500, "api_error", "Internal server error")).await;
    let home = TempHome::new();
    let out = live(with_key(&home, &server.url).build()).await;
    expect(&out, Status::Warn, CauseId::ServerError);

    let server = serve(api_error(529, "overloaded_error", "Overloaded")).await;
    let out = live(with_key(&home, &server.url).build()).await;
    expect(&out, Status::Warn, CauseId::ServerError);
    assert!(out.summary.contains("overloaded"), "{}", out.summary);
}

// ---------------------------------------------------------------------------------------------
// No answer.

#[tokio::test]
async fn a_hung_server_is_bounded_by_the_timeout() {
    let server = serve(Reply::Hang).await;
    let home = TempHome::new();
    let out = live_with(with_key(&home, &server.url).build(), Duration::from_secs(1)).await;
    expect(&out, Status::Fail, CauseId::EndpointUnreachable);
    assert!(out.summary.contains("within 1 s"), "{}", out.summary);
}

#[tokio::test]
async fn a_closed_port_is_unreachable_naming_host_and_port() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let home = TempHome::new();
    let base = format!("http://127.0.0.1:{port}");
    let out = live(with_key(&home, &base).build()).await;
    expect(&out, Status::Fail, CauseId::EndpointUnreachable);
    assert!(out.summary.contains("refused"), "{}", out.summary);
    assert!(
        out.summary.contains(&format!("127.0.0.1:{port}")),
        "{}",
        out.summary
    );
}

#[tokio::test]
async fn an_unknown_name_is_unreachable() {
    let home = TempHome::new();
    let out = live(with_key(&home, "http://nonexistent.invalid").build()).await;
    expect(&out, Status::Fail, CauseId::EndpointUnreachable);
    assert!(out.summary.contains("name not found"), "{}", out.summary);
}

#[tokio::test]
async fn garbage_instead_of_http_is_unreachable() {
    let server = serve(Reply::Raw(
        b"SSH-2.0-OpenSSH_9.6\r\n\x00\x01garbage".to_vec(),
    ))
    .await;
    let home = TempHome::new();
    let out = live(with_key(&home, &server.url).build()).await;
    expect(&out, Status::Fail, CauseId::EndpointUnreachable);
}

#[tokio::test]
async fn a_connection_closed_mid_body_is_reported() {
    let server = serve(Reply::Raw(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"data\":["
            .to_vec(),
    ))
    .await;
    let home = TempHome::new();
    let out = live(with_key(&home, &server.url).build()).await;
    assert!(
        matches!(out.status, Status::Warn | Status::Fail),
        "{out:#?}"
    );
    assert_eq!(cause(&out), Some(CauseId::EndpointUnreachable), "{out:#?}");
}

#[tokio::test]
async fn a_connection_closed_before_any_answer_is_reported() {
    let server = serve(Reply::Raw(Vec::new())).await;
    let home = TempHome::new();
    let out = live(with_key(&home, &server.url).build()).await;
    expect(&out, Status::Fail, CauseId::EndpointUnreachable);
}

// ---------------------------------------------------------------------------------------------
// Proxies.

#[tokio::test]
async fn plain_http_through_a_proxy_that_wants_auth() {
    let proxy = serve(response(407, &[("Proxy-Authenticate", "Basic")], "")).await;
    let home = TempHome::new();
    let env = with_key(&home, "http://api.example.invalid")
        .var("HTTPS_PROXY", &proxy.url)
        .build();
    let out = live(env).await;
    expect(&out, Status::Fail, CauseId::ProxyAuthRequired);
    assert!(
        out.summary
            .contains(&format!("HTTPS_PROXY=http://127.0.0.1:{}", proxy.port)),
        "{}",
        out.summary
    );
    // Plain http through a proxy: absolute-form, not CONNECT.
    assert_eq!(
        request_line(&proxy.head()),
        "GET http://api.example.invalid/v1/models?limit=1 HTTP/1.1"
    );
    assert!(has_detail(&out, "through the proxy HTTPS_PROXY="));
}

#[tokio::test]
async fn https_through_a_proxy_that_refuses_connect_is_a_gateway() {
    let proxy = serve(response(403, &[], "")).await;
    let home = TempHome::new();
    let env = with_key(&home, "https://api.example.invalid")
        .var("https_proxy", &proxy.url)
        .build();
    let out = live(env).await;
    expect(&out, Status::Fail, CauseId::GatewayBlocked);
    assert!(
        request_line(&proxy.head()).starts_with("CONNECT api.example.invalid:443"),
        "{}",
        proxy.head()
    );
    // The key never reached the proxy: it would travel inside the tunnel.
    assert_eq!(header(&proxy.head(), "x-api-key"), None);
}

#[tokio::test]
async fn https_through_a_proxy_that_wants_auth_for_connect() {
    let proxy = serve(response(407, &[("Proxy-Authenticate", "Basic")], "")).await;
    let home = TempHome::new();
    let env = with_key(&home, "https://api.example.invalid")
        .var("HTTPS_PROXY", &proxy.url)
        .build();
    let out = live(env).await;
    expect(&out, Status::Fail, CauseId::ProxyAuthRequired);
}

#[tokio::test]
async fn a_dead_proxy_is_named() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let home = TempHome::new();
    let env = with_key(&home, "http://api.example.invalid")
        .var(
            "HTTP_PROXY",
            &format!("http://user:proxypass99@127.0.0.1:{port}"),
        )
        .build();
    let out = live(env).await;
    expect(&out, Status::Fail, CauseId::EndpointUnreachable);
    assert!(out.summary.contains("proxy"), "{}", out.summary);
    assert!(
        out.summary.contains(&format!("127.0.0.1:{port}")),
        "{}",
        out.summary
    );
    let all = format!("{}\n{}", out.summary, out.details.join("\n"));
    assert!(!all.contains("proxypass99"), "{all}");
}

#[tokio::test]
async fn no_proxy_exempts_the_endpoint() {
    let server = serve(ok_models()).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead = listener.local_addr().unwrap().port();
    drop(listener);
    let home = TempHome::new();
    let env = with_key(&home, &server.url)
        .var("HTTPS_PROXY", &format!("http://127.0.0.1:{dead}"))
        .var("NO_PROXY", "localhost 127.0.0.1")
        .build();
    let out = live(env).await;
    assert_eq!(out.status, Status::Pass, "{out:#?}");
    assert!(has_detail(&out, "route: direct"), "{:#?}", out.details);
    assert!(
        has_detail(&out, "NO_PROXY exempts 127.0.0.1"),
        "{:#?}",
        out.details
    );
}

// ---------------------------------------------------------------------------------------------
// Which headers go out.

#[tokio::test]
async fn api_key_and_auth_token_are_both_sent() {
    let server = serve(ok_models()).await;
    let home = TempHome::new();
    let env = with_key(&home, &server.url)
        .var("ANTHROPIC_AUTH_TOKEN", FAKE_AUTH_TOKEN)
        .build();
    let out = live(env).await;
    assert_eq!(out.status, Status::Pass, "{out:#?}");
    let head = server.head();
    assert_eq!(header(&head, "x-api-key").as_deref(), Some(FAKE_API_KEY));
    assert_eq!(
        header(&head, "authorization"),
        Some(format!("Bearer {FAKE_AUTH_TOKEN}"))
    );
    assert_eq!(header(&head, "anthropic-beta"), None);
}

#[cfg(unix)]
#[tokio::test]
async fn api_key_helper_output_goes_in_both_headers() {
    let server = serve(ok_models()).await;
    let home = TempHome::new();
    home.write(
        ".claude/settings.json",
        &format!(r#"{{"apiKeyHelper": "printf %s {FAKE_OTHER_KEY}"}}"#),
    );
    let env = home.env().var("ANTHROPIC_BASE_URL", &server.url).build();
    let out = live(env).await;
    assert_eq!(out.status, Status::Pass, "{out:#?}");
    let head = server.head();
    assert_eq!(header(&head, "x-api-key").as_deref(), Some(FAKE_OTHER_KEY));
    assert_eq!(
        header(&head, "authorization"),
        Some(format!("Bearer {FAKE_OTHER_KEY}"))
    );
}

#[cfg(unix)]
#[tokio::test]
async fn a_rejected_helper_key_is_key_invalid() {
    let server = serve(api_error(401, "authentication_error", "invalid x-api-key")).await;
    let home = TempHome::new();
    home.write(
        ".claude/settings.json",
        &format!(r#"{{"apiKeyHelper": "printf %s {FAKE_OTHER_KEY}"}}"#),
    );
    let env = home.env().var("ANTHROPIC_BASE_URL", &server.url).build();
    let out = live(env).await;
    expect(&out, Status::Fail, CauseId::KeyInvalid);
    assert!(out.summary.contains("apiKeyHelper"), "{}", out.summary);
}

#[cfg(unix)]
#[tokio::test]
async fn a_failing_helper_stops_before_any_request() {
    let server = serve(ok_models()).await;
    let home = TempHome::new();
    home.write(
        ".claude/settings.json",
        r#"{"apiKeyHelper": "echo vault is sealed >&2; exit 3"}"#,
    );
    let env = home.env().var("ANTHROPIC_BASE_URL", &server.url).build();
    let out = live(env).await;
    expect(&out, Status::Fail, CauseId::ApiKeyHelperFailed);
    assert!(out.summary.contains("exited 3"), "{}", out.summary);
    assert!(out.summary.contains("vault is sealed"), "{}", out.summary);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_settings_key_over_the_shell_key_is_the_root_cause() {
    let server = serve(api_error(401, "authentication_error", "invalid x-api-key")).await;
    let home = TempHome::new();
    home.write(
        ".claude/settings.json",
        &format!("{{\n  \"env\": {{\n    \"ANTHROPIC_API_KEY\": \"{FAKE_OTHER_KEY}\"\n  }}\n}}\n"),
    );
    let out = live(with_key(&home, &server.url).build()).await;
    expect(&out, Status::Fail, CauseId::SettingsOverride);
    assert_eq!(out.fixes, vec![FixId::DropOverride]);
    assert!(
        out.summary.contains("~/.claude/settings.json:3"),
        "{}",
        out.summary
    );
    assert!(out.summary.contains("this shell's ANTHROPIC_API_KEY"));
    assert_eq!(
        header(&server.head(), "x-api-key").as_deref(),
        Some(FAKE_OTHER_KEY)
    );
}

#[tokio::test]
async fn a_settings_key_alone_is_just_key_invalid() {
    let server = serve(api_error(401, "authentication_error", "invalid x-api-key")).await;
    let home = TempHome::new();
    home.write(
        ".claude/settings.json",
        &format!(r#"{{"env": {{"ANTHROPIC_API_KEY": "{FAKE_OTHER_KEY}"}}}}"#),
    );
    let env = home.env().var("ANTHROPIC_BASE_URL", &server.url).build();
    let out = live(env).await;
    expect(&out, Status::Fail, CauseId::KeyInvalid);
    assert!(out.summary.contains("settings.json"), "{}", out.summary);
}

#[tokio::test]
async fn a_key_with_a_newline_is_malformed_and_not_sent() {
    let server = serve(ok_models()).await;
    let home = TempHome::new();
    // Around the key, the CLI trims it (verified): sent trimmed, and it works.
    let env = home
        .env()
        .var("ANTHROPIC_API_KEY", &format!("{FAKE_API_KEY}\r\n"))
        .var("ANTHROPIC_BASE_URL", &server.url)
        .build();
    let out = live(env).await;
    assert_eq!(out.status, Status::Pass, "{out:#?}");
    assert!(
        server
            .head()
            .contains(&format!("x-api-key: {FAKE_API_KEY}\r\n")),
        "{}",
        server.head()
    );
    // Inside the key, it breaks the request: not sent.
    let server = serve(ok_models()).await;
    let (head, tail) = FAKE_API_KEY.split_at(50);
    let env = home
        .env()
        .var("ANTHROPIC_API_KEY", &format!("{head}\n{tail}"))
        .var("ANTHROPIC_BASE_URL", &server.url)
        .build();
    let out = live(env).await;
    expect(&out, Status::Fail, CauseId::KeyMalformed);
    assert!(out.fixes.contains(&FixId::RepairKey));
    assert!(!has_detail(&out, "sent x-api-key"), "{:#?}", out.details);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_key_declined_interactively_is_tested_as_claude_p_sends_it() {
    let server = serve(ok_models()).await;
    let home = TempHome::new();
    let tail = &FAKE_API_KEY[FAKE_API_KEY.len() - 20..];
    home.write(
        ".claude.json",
        &format!(r#"{{"customApiKeyResponses": {{"approved": [], "rejected": ["{tail}"]}}}}"#),
    );
    let out = live(with_key(&home, &server.url).build()).await;
    assert_eq!(out.status, Status::Pass, "{out:#?}");
    assert!(has_detail(&out, "claude -p"), "{:#?}", out.details);
    assert_eq!(
        header(&server.head(), "x-api-key").as_deref(),
        Some(FAKE_API_KEY)
    );
}

// ---------------------------------------------------------------------------------------------
// Skips.

#[tokio::test]
async fn offline_skips() {
    let home = TempHome::new();
    let env = with_key(&home, "http://nonexistent.invalid").build();
    let ctx = Arc::new(CheckCtx::new(
        Arc::new(env),
        CheckOptions {
            offline: true,
            timeout: TIMEOUT,
            ..CheckOptions::default()
        },
    ));
    let out = run_check(CheckId::Live, ctx).await;
    assert_eq!(out.status, Status::Skip);
    assert_eq!(out.summary, "offline (--offline)");
}

#[tokio::test]
async fn no_credential_skips() {
    let home = TempHome::new();
    let env = home
        .env()
        .var("ANTHROPIC_BASE_URL", "http://nonexistent.invalid")
        .build();
    let out = live(env).await;
    assert_eq!(out.status, Status::Skip);
    assert_eq!(out.summary, "no credential to test");
}

#[tokio::test]
async fn cloud_providers_skip_with_a_command_to_run() {
    let home = TempHome::new();
    let cases = [
        ("CLAUDE_CODE_USE_BEDROCK", "aws sts get-caller-identity"),
        (
            "CLAUDE_CODE_USE_VERTEX",
            "gcloud auth application-default print-access-token",
        ),
        ("CLAUDE_CODE_USE_FOUNDRY", "az account get-access-token"),
    ];
    for (var, command) in cases {
        let env = with_key(&home, "http://nonexistent.invalid")
            .var(var, "1")
            .build();
        let out = live(env).await;
        assert_eq!(out.status, Status::Skip, "{out:#?}");
        assert!(out.summary.contains(command), "{}", out.summary);
    }
}

// ---------------------------------------------------------------------------------------------
// TLS.

fn tls_acceptor(
    cert: rustls::pki_types::CertificateDer<'static>,
    key: &rcgen::KeyPair,
) -> tokio_rustls::TlsAcceptor {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert],
            rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        )
        .unwrap();
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

/// A CA, and a leaf for 127.0.0.1 signed by it (valid, or expired).
fn ca_and_leaf(expired: bool) -> (String, tokio_rustls::TlsAcceptor) {
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Test Corp Inspection CA");
    ca_params.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::DigitalSignature,
    ];
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, rcgen::KeyPair::generate().unwrap())
        .unwrap();
    let mut leaf = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
    if expired {
        leaf.not_before = rcgen::date_time_ymd(2020, 1, 1);
        leaf.not_after = rcgen::date_time_ymd(2021, 1, 1);
    }
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = leaf.signed_by(&key, &ca).unwrap();
    (ca.pem(), tls_acceptor(cert.der().clone(), &key))
}

#[tokio::test]
async fn a_self_signed_certificate_is_untrusted() {
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    let acceptor = tls_acceptor(certified.cert.der().clone(), &certified.signing_key);
    let server = serve_with(ok_models(), Some(acceptor)).await;
    let home = TempHome::new();
    let out = live(with_key(&home, &server.url).build()).await;
    expect(&out, Status::Fail, CauseId::TlsUntrusted);
    assert!(out.summary.contains("UnknownIssuer"), "{}", out.summary);
    assert!(
        out.summary.contains("NODE_EXTRA_CA_CERTS"),
        "{}",
        out.summary
    );
    assert!(
        server.requests().is_empty(),
        "no request may pass an untrusted TLS"
    );
}

#[tokio::test]
async fn a_corporate_ca_is_trusted_through_node_extra_ca_certs() {
    let (ca_pem, acceptor) = ca_and_leaf(false);
    let server = serve_with(ok_models(), Some(acceptor)).await;
    let home = TempHome::new();

    let out = live(with_key(&home, &server.url).build()).await;
    expect(&out, Status::Fail, CauseId::TlsUntrusted);

    let ca_path = home.write("corp-ca.pem", &ca_pem);
    let env = with_key(&home, &server.url)
        .var("NODE_EXTRA_CA_CERTS", &ca_path.display().to_string())
        .build();
    let out = live(env).await;
    assert_eq!(out.status, Status::Pass, "{out:#?}");
    assert!(
        has_detail(&out, "1 certificate added"),
        "{:#?}",
        out.details
    );
    assert_eq!(
        header(&server.head(), "x-api-key").as_deref(),
        Some(FAKE_API_KEY)
    );
}

#[tokio::test]
async fn extra_ca_only_in_settings_is_pointed_out() {
    let (ca_pem, acceptor) = ca_and_leaf(false);
    let server = serve_with(ok_models(), Some(acceptor)).await;
    let home = TempHome::new();
    let ca_path = home.write("corp-ca.pem", &ca_pem);
    home.write(
        ".claude/settings.json",
        &format!(
            r#"{{"env": {{"NODE_EXTRA_CA_CERTS": "{}"}}}}"#,
            ca_path.display()
        ),
    );
    let out = live(with_key(&home, &server.url).build()).await;
    expect(&out, Status::Fail, CauseId::TlsUntrusted);
    assert!(out.summary.contains("has no effect"), "{}", out.summary);
}

#[tokio::test]
async fn tls_off_in_the_shell_downgrades_to_a_warning_and_sends_nothing() {
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    let acceptor = tls_acceptor(certified.cert.der().clone(), &certified.signing_key);
    let server = serve_with(ok_models(), Some(acceptor)).await;
    let home = TempHome::new();
    let env = with_key(&home, &server.url)
        .var("NODE_TLS_REJECT_UNAUTHORIZED", "0")
        .build();
    let out = live(env).await;
    expect(&out, Status::Warn, CauseId::TlsUntrusted);
    assert!(
        out.summary.contains("NODE_TLS_REJECT_UNAUTHORIZED=0"),
        "{}",
        out.summary
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn https_to_a_plain_http_server_fails_the_handshake() {
    let server = serve(Reply::Blurt(
        b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".to_vec(),
    ))
    .await;
    let home = TempHome::new();
    let base = format!("https://127.0.0.1:{}", server.port);
    let out = live(with_key(&home, &base).build()).await;
    expect(&out, Status::Fail, CauseId::EndpointUnreachable);
    assert!(out.summary.contains("TLS"), "{}", out.summary);
}

#[tokio::test]
async fn an_expired_certificate_is_named() {
    let (ca_pem, acceptor) = ca_and_leaf(true);
    let server = serve_with(ok_models(), Some(acceptor)).await;
    let home = TempHome::new();
    let ca_path = home.write("corp-ca.pem", &ca_pem);
    let env = with_key(&home, &server.url)
        .var("NODE_EXTRA_CA_CERTS", &ca_path.display().to_string())
        .build();
    let out = live(env).await;
    expect(&out, Status::Fail, CauseId::TlsUntrusted);
    assert!(out.summary.contains("Expired"), "{}", out.summary);
}
