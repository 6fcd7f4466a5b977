//! The `live` check against stand-in servers on 127.0.0.1: every answer class, the headers the
//! server received, proxies, TLS trust, timeouts and broken connections.
//!
//! One table per theme: each case says what the stand-in answers, which home and variables the
//! check runs over, and what it must conclude. A failing case is reported by name; every case
//! of the table runs even when one fails.

mod support;

use claude_auth_tui::checks::{CheckCtx, CheckOptions, run_check};
use claude_auth_tui::env::Environment;
use claude_auth_tui::ids::{CauseId, CheckId, FixId};
use claude_auth_tui::outcome::{CheckOutcome, Status};
use futures_util::FutureExt as _;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;
use support::server::{
    Reply, Server, api_error, ca_and_leaf_named, closed_port, header, html, ok_models,
    request_line, response, self_signed,
};
use support::{
    FAKE_API_KEY, FAKE_AUTH_TOKEN, FAKE_OAUTH_TOKEN, FAKE_OTHER_KEY, TempHome, assert_no_leak,
};

// ---------------------------------------------------------------------------------------------
// A case.

/// How the stand-in speaks.
#[derive(Clone, Copy, Debug)]
enum Tls {
    /// Plain HTTP.
    None,
    /// TLS with a self-signed certificate no store trusts.
    SelfSigned,
    /// TLS with a leaf signed by a fresh CA, whose PEM is `{ca_pem}` (valid, or expired).
    Ca { expired: bool },
}

/// One run of the live check and what it must conclude.
///
/// Strings may name, in braces: `{url}` and `{port}` (the stand-in), `{closed}` (a port
/// nothing listens on), `{home}` (the home folder), `{ca_pem}` (the CA of `Tls::Ca`).
struct Case {
    name: &'static str,
    // The setup.
    api: Option<Reply>,
    tls: Tls,
    /// `ANTHROPIC_BASE_URL` (`{url}` when there is a stand-in, unless said otherwise).
    base: Option<String>,
    vars: Vec<(&'static str, String)>,
    /// Files written under the home folder.
    files: Vec<(&'static str, String)>,
    /// A valid login in ~/.claude/.credentials.json.
    login: bool,
    timeout: Duration,
    offline: bool,
    // What the check concludes.
    status: Vec<Status>,
    cause: Option<CauseId>,
    no_findings: bool,
    fixes_are: Option<Vec<FixId>>,
    fixes_include: Vec<FixId>,
    fixes_exclude: Vec<FixId>,
    summary_is: Option<&'static str>,
    summary_starts: Option<&'static str>,
    summary_has: Vec<&'static str>,
    /// At least one of each group.
    summary_has_any: Vec<Vec<&'static str>>,
    details_have: Vec<&'static str>,
    details_lack: Vec<&'static str>,
    /// Neither in the summary nor in the details.
    never_shown: Vec<&'static str>,
    // What the stand-in received.
    requests: Option<usize>,
    request_line_is: Option<&'static str>,
    request_line_starts: Option<&'static str>,
    /// Headers of the first request: the value, or `None` for absent.
    sent: Vec<(&'static str, Option<String>)>,
    sent_starts: Vec<(&'static str, &'static str)>,
    head_has: Vec<String>,
}

impl Case {
    fn new(name: &'static str) -> Self {
        Self {
            name,
            api: None,
            tls: Tls::None,
            base: None,
            vars: Vec::new(),
            files: Vec::new(),
            login: false,
            timeout: Duration::from_secs(5),
            offline: false,
            status: Vec::new(),
            cause: None,
            no_findings: false,
            fixes_are: None,
            fixes_include: Vec::new(),
            fixes_exclude: Vec::new(),
            summary_is: None,
            summary_starts: None,
            summary_has: Vec::new(),
            summary_has_any: Vec::new(),
            details_have: Vec::new(),
            details_lack: Vec::new(),
            never_shown: Vec::new(),
            requests: None,
            request_line_is: None,
            request_line_starts: None,
            sent: Vec::new(),
            sent_starts: Vec::new(),
            head_has: Vec::new(),
        }
    }

    // The setup.

    /// A plain stand-in answering `reply`; `ANTHROPIC_BASE_URL` points at it.
    fn api(mut self, reply: Reply) -> Self {
        self.api = Some(reply);
        self.base.get_or_insert_with(|| "{url}".into());
        self
    }

    fn tls(mut self, tls: Tls) -> Self {
        self.tls = tls;
        self
    }

    fn base(mut self, base: &str) -> Self {
        self.base = Some(base.into());
        self
    }

    fn var(mut self, name: &'static str, value: &str) -> Self {
        self.vars.push((name, value.into()));
        self
    }

    /// `ANTHROPIC_API_KEY` in this shell.
    fn key(self) -> Self {
        self.var("ANTHROPIC_API_KEY", FAKE_API_KEY)
    }

    /// `ANTHROPIC_AUTH_TOKEN` in this shell.
    fn auth_token(self) -> Self {
        self.var("ANTHROPIC_AUTH_TOKEN", FAKE_AUTH_TOKEN)
    }

    /// `CLAUDE_CODE_OAUTH_TOKEN` in this shell.
    fn oauth_token(self) -> Self {
        self.var("CLAUDE_CODE_OAUTH_TOKEN", FAKE_OAUTH_TOKEN)
    }

    fn file(mut self, rel: &'static str, content: &str) -> Self {
        self.files.push((rel, content.into()));
        self
    }

    fn login(mut self) -> Self {
        self.login = true;
        self
    }

    fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    fn offline(mut self) -> Self {
        self.offline = true;
        self
    }

    // The conclusion.

    fn status(mut self, status: Status) -> Self {
        self.status = vec![status];
        self
    }

    fn status_either(mut self, statuses: &[Status]) -> Self {
        self.status = statuses.to_vec();
        self
    }

    /// The worst finding's cause.
    fn cause(mut self, cause: CauseId) -> Self {
        self.cause = Some(cause);
        self
    }

    fn fails(self, cause: CauseId) -> Self {
        self.status(Status::Fail).cause(cause)
    }

    fn warns(self, cause: CauseId) -> Self {
        self.status(Status::Warn).cause(cause)
    }

    fn passes(self) -> Self {
        self.status(Status::Pass)
    }

    fn no_findings(mut self) -> Self {
        self.no_findings = true;
        self
    }

    fn fixes_are(mut self, fixes: &[FixId]) -> Self {
        self.fixes_are = Some(fixes.to_vec());
        self
    }

    fn fixes_include(mut self, fixes: &[FixId]) -> Self {
        self.fixes_include.extend_from_slice(fixes);
        self
    }

    fn fixes_exclude(mut self, fixes: &[FixId]) -> Self {
        self.fixes_exclude.extend_from_slice(fixes);
        self
    }

    fn summary_is(mut self, summary: &'static str) -> Self {
        self.summary_is = Some(summary);
        self
    }

    fn summary_starts(mut self, prefix: &'static str) -> Self {
        self.summary_starts = Some(prefix);
        self
    }

    fn summary_has(mut self, needles: &[&'static str]) -> Self {
        self.summary_has.extend_from_slice(needles);
        self
    }

    fn summary_has_any(mut self, needles: &[&'static str]) -> Self {
        self.summary_has_any.push(needles.to_vec());
        self
    }

    fn details_have(mut self, needles: &[&'static str]) -> Self {
        self.details_have.extend_from_slice(needles);
        self
    }

    fn details_lack(mut self, needle: &'static str) -> Self {
        self.details_lack.push(needle);
        self
    }

    fn never_shown(mut self, needle: &'static str) -> Self {
        self.never_shown.push(needle);
        self
    }

    // What the stand-in received.

    fn requests(mut self, count: usize) -> Self {
        self.requests = Some(count);
        self
    }

    fn request_line_is(mut self, line: &'static str) -> Self {
        self.request_line_is = Some(line);
        self
    }

    fn request_line_starts(mut self, prefix: &'static str) -> Self {
        self.request_line_starts = Some(prefix);
        self
    }

    /// The first request carried header `name` with this value.
    fn sent(mut self, name: &'static str, value: &str) -> Self {
        self.sent.push((name, Some(value.to_string())));
        self
    }

    /// The first request did not carry header `name`.
    fn not_sent(mut self, name: &'static str) -> Self {
        self.sent.push((name, None));
        self
    }

    fn sent_starts(mut self, name: &'static str, prefix: &'static str) -> Self {
        self.sent_starts.push((name, prefix));
        self
    }

    fn head_has(mut self, needle: &str) -> Self {
        self.head_has.push(needle.to_string());
        self
    }
}

// ---------------------------------------------------------------------------------------------
// Running a case.

async fn live(env: Environment, timeout: Duration, offline: bool) -> CheckOutcome {
    let ctx = Arc::new(CheckCtx::new(
        Arc::new(env),
        CheckOptions {
            offline,
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

fn has_detail(out: &CheckOutcome, needle: &str) -> bool {
    out.details.iter().any(|d| d.contains(needle))
}

/// Sets the case up, runs the check, and asserts what the case expects.
async fn run_case(case: &Case) {
    let home = TempHome::new();
    let mut ca_pem = String::new();
    let server = case.api.clone().map(|reply| match case.tls {
        Tls::None => Server::start(reply),
        Tls::SelfSigned => Server::start_tls(reply, self_signed()),
        Tls::Ca { expired } => {
            let (pem, tls) = ca_and_leaf_named("Test Corp Inspection CA", expired);
            ca_pem = pem;
            Server::start_tls(reply, tls)
        }
    });
    let (url, port) = server.as_ref().map_or((String::new(), String::new()), |s| {
        (s.url.clone(), s.port.to_string())
    });
    let closed = closed_port().to_string();
    let home_dir = home.home().display().to_string();
    let fill = |text: &str| {
        text.replace("{url}", &url)
            .replace("{port}", &port)
            .replace("{closed}", &closed)
            .replace("{home}", &home_dir)
            .replace("{ca_pem}", &ca_pem)
    };

    for (rel, content) in &case.files {
        home.write(rel, &fill(content));
    }
    if case.login {
        #[cfg(unix)]
        home.write_credentials(4_102_444_800_000); // 2100: the file itself looks fine
        #[cfg(not(unix))]
        panic!("a stored login is written on Unix only");
    }
    let mut env = home.env();
    if let Some(base) = &case.base {
        env = env.var("ANTHROPIC_BASE_URL", &fill(base));
    }
    for (name, value) in &case.vars {
        env = env.var(name, &fill(value));
    }
    let out = live(env.build(), case.timeout, case.offline).await;

    // The conclusion.
    assert!(case.status.contains(&out.status), "{out:#?}");
    if let Some(cause) = case.cause {
        assert_eq!(
            out.worst_finding().map(|f| f.cause),
            Some(cause),
            "{out:#?}"
        );
    }
    if case.no_findings {
        assert!(out.findings.is_empty(), "{out:#?}");
    }
    if let Some(fixes) = &case.fixes_are {
        assert_eq!(&out.fixes, fixes);
    }
    for fix in &case.fixes_include {
        assert!(out.fixes.contains(fix), "{fix:?} not in {:?}", out.fixes);
    }
    for fix in &case.fixes_exclude {
        assert!(!out.fixes.contains(fix), "{fix:?} in {:?}", out.fixes);
    }
    if let Some(summary) = case.summary_is {
        assert_eq!(out.summary, summary);
    }
    if let Some(prefix) = case.summary_starts {
        assert!(out.summary.starts_with(prefix), "{}", out.summary);
    }
    for needle in &case.summary_has {
        assert!(out.summary.contains(&fill(needle)), "{}", out.summary);
    }
    for any in &case.summary_has_any {
        assert!(
            any.iter().any(|needle| out.summary.contains(&fill(needle))),
            "none of {any:?} in: {}",
            out.summary
        );
    }
    for needle in &case.details_have {
        assert!(has_detail(&out, &fill(needle)), "{:#?}", out.details);
    }
    for needle in &case.details_lack {
        assert!(!has_detail(&out, needle), "{:#?}", out.details);
    }
    let shown = format!("{}\n{}", out.summary, out.details.join("\n"));
    for needle in &case.never_shown {
        assert!(!shown.contains(needle), "{shown}");
    }

    // What the stand-in received.
    let Some(server) = server else { return };
    if let Some(count) = case.requests {
        server.settle();
        assert_eq!(server.requests().len(), count, "{:?}", server.requests());
    }
    if let Some(line) = case.request_line_is {
        assert_eq!(request_line(&server.head()), line);
    }
    if let Some(prefix) = case.request_line_starts {
        assert!(
            request_line(&server.head()).starts_with(prefix),
            "{}",
            server.head()
        );
    }
    for (name, value) in &case.sent {
        assert_eq!(&header(&server.head(), name), value, "{name}");
    }
    for (name, prefix) in &case.sent_starts {
        let value = header(&server.head(), name).unwrap_or_default();
        assert!(value.starts_with(prefix), "{name}: {value}");
    }
    for needle in &case.head_has {
        assert!(server.head().contains(needle), "{}", server.head());
    }
}

/// Runs every case (each to its first failed assertion) and fails naming each failed case.
async fn run_table(cases: Vec<Case>) {
    let mut failed = Vec::new();
    for case in &cases {
        if let Err(panic) = AssertUnwindSafe(run_case(case)).catch_unwind().await {
            let why = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_string()))
                .unwrap_or_default();
            failed.push(format!("case `{}`: {why}", case.name));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failed.len(),
        cases.len(),
        failed.join("\n\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Answers.

#[tokio::test]
async fn answers() {
    run_table(vec![
        Case::new("ok_200_passes_and_sends_the_key_as_x_api_key")
            .api(ok_models())
            .key()
            .passes()
            .summary_starts("authenticated in ")
            .no_findings()
            .request_line_is("GET /v1/models?limit=1 HTTP/1.1")
            .sent("x-api-key", FAKE_API_KEY)
            .not_sent("authorization")
            .not_sent("anthropic-beta")
            .sent("anthropic-version", "2023-06-01")
            .sent_starts("user-agent", "claude-auth-tui/")
            .details_have(&[
                "HTTP 200",
                "request-id: req_ok",
                "sk-ant-api03-…AbCd",
                "ANTHROPIC_API_KEY from this shell",
                "{url}/v1/models",
            ]),
        Case::new("invalid_x_api_key_is_key_invalid")
            .api(api_error(401, "authentication_error", "invalid x-api-key"))
            .key()
            .fails(CauseId::KeyInvalid)
            .fixes_include(&[FixId::ExportKey, FixId::OpenConsole])
            .summary_has(&["invalid x-api-key"])
            .details_have(&[
                "authentication_error: invalid x-api-key",
                "request-id: req_011TEST",
                "HTTP 401",
            ]),
        Case::new("invalid_bearer_token_is_token_invalid")
            .api(api_error(
                401,
                "authentication_error",
                "Invalid bearer token",
            ))
            .auth_token()
            .fails(CauseId::TokenInvalid)
            // A gateway token is not fixed by logging in again.
            .fixes_exclude(&[FixId::Relogin])
            .sent("authorization", &format!("Bearer {FAKE_AUTH_TOKEN}"))
            .not_sent("anthropic-beta")
            .not_sent("x-api-key"),
        Case::new("other_401_is_blamed_by_method: a key")
            .api(api_error(
                401,
                "authentication_error",
                "authentication failed",
            ))
            .key()
            .fails(CauseId::KeyInvalid),
        Case::new("other_401_is_blamed_by_method: a gateway token")
            .api(api_error(
                401,
                "authentication_error",
                "authentication failed",
            ))
            .auth_token()
            .fails(CauseId::TokenInvalid),
        Case::new("revoked_login_token_over_env_is_token_invalid_with_relogin")
            .api(api_error(
                401,
                "authentication_error",
                "OAuth token has been revoked",
            ))
            .oauth_token()
            .fails(CauseId::TokenInvalid)
            .fixes_include(&[FixId::Relogin])
            .sent("anthropic-beta", "oauth-2025-04-20"),
        Case::new("auth_token_where_a_key_is_wanted_says_so")
            .api(api_error(401, "authentication_error", "invalid x-api-key"))
            .auth_token()
            .fails(CauseId::TokenInvalid)
            .summary_has(&["ANTHROPIC_API_KEY"]),
        Case::new("json_403_is_permission_denied")
            .api(api_error(
                403,
                "permission_error",
                "Your API key does not have permission to use the specified resource.",
            ))
            .key()
            .fails(CauseId::PermissionDenied)
            .summary_has(&["admin"]),
        Case::new("org_policy_403_says_only_an_admin_can_fix_it")
            .api(api_error(
                403,
                "permission_error",
                "OAuth authentication is currently not allowed for this organization.",
            ))
            .oauth_token()
            .fails(CauseId::OauthOrgDisabled)
            .summary_has(&["only an organization admin"]),
        Case::new("org_disabled_subscription_is_its_own_cause_and_relogin_is_not_offered")
            .api(api_error(
                403,
                "permission_error",
                "Your organization has disabled Claude subscription access for Claude Code.",
            ))
            .oauth_token()
            .fails(CauseId::OauthOrgDisabled)
            .summary_has(&["logging in again does not help", "API key"])
            .fixes_exclude(&[FixId::Relogin]),
        Case::new("html_403_is_a_gateway_not_anthropic")
            .api(html(403, "403 Forbidden"))
            .key()
            .fails(CauseId::GatewayBlocked)
            .summary_has(&["403 Forbidden"])
            .summary_has_any(&["not Anthropic", "not the Anthropic"]),
        Case::new("empty_403_is_a_gateway")
            .api(response(403, &[], ""))
            .key()
            .fails(CauseId::GatewayBlocked)
            .summary_has(&["no body"]),
        Case::new("non_anthropic_json_403_is_a_gateway")
            .api(response(
                403,
                &[("Content-Type", "application/json")],
                r#"{"message":"Forbidden"}"#,
            ))
            .key()
            .fails(CauseId::GatewayBlocked),
        Case::new("html_from_a_custom_base_url_is_a_gateway_whatever_the_status: 200")
            .api(html(200, "Sign in"))
            .key()
            .fails(CauseId::GatewayBlocked),
        Case::new("html_from_a_custom_base_url_is_a_gateway_whatever_the_status: 401")
            .api(html(401, "Sign in"))
            .key()
            .fails(CauseId::GatewayBlocked),
        Case::new("html_from_a_custom_base_url_is_a_gateway_whatever_the_status: 502")
            .api(html(502, "Sign in"))
            .key()
            .fails(CauseId::GatewayBlocked),
        Case::new("redirect_is_a_gateway_and_not_followed")
            .api(response(
                302,
                &[("Location", "https://sso.example.invalid/login")],
                "",
            ))
            .key()
            .fails(CauseId::GatewayBlocked)
            .summary_has(&["sso.example.invalid"])
            .requests(1),
        Case::new("low_credit_is_credit_low")
            .api(api_error(
                400,
                "invalid_request_error",
                "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.",
            ))
            .key()
            .fails(CauseId::CreditLow)
            .fixes_include(&[FixId::OpenConsole]),
        Case::new("claude_code_only_token_passes_because_it_authenticated")
            .api(api_error(
                400,
                "invalid_request_error",
                "This credential is only authorized for use with Claude Code and cannot be used for other API requests.",
            ))
            .oauth_token()
            .passes()
            .no_findings()
            .summary_has(&["authenticates"])
            .sent("authorization", &format!("Bearer {FAKE_OAUTH_TOKEN}"))
            .sent("anthropic-beta", "oauth-2025-04-20"),
        Case::new("base_url_ending_in_v1_is_base_url_invalid")
            .api(response(404, &[], "Not Found"))
            .base("{url}/v1")
            .key()
            .fails(CauseId::BaseUrlInvalid)
            .summary_has(&["/v1/v1/messages"])
            .request_line_is("GET /v1/v1/models?limit=1 HTTP/1.1"),
        Case::new("other_404_warns_without_a_cause")
            .api(api_error(404, "not_found_error", "Not found"))
            .key()
            .status(Status::Warn)
            .no_findings()
            .summary_has(&["could not be confirmed"]),
        Case::new("status_407_is_proxy_auth_required")
            .api(response(407, &[("Proxy-Authenticate", "Basic")], ""))
            .key()
            .fails(CauseId::ProxyAuthRequired),
        Case::new("status_429_warns_that_the_credential_works")
            .api(api_error(
                429,
                "rate_limit_error",
                "Number of request tokens has exceeded your per-minute rate limit",
            ))
            .key()
            .warns(CauseId::RateLimited)
            .summary_has(&["credential works"]),
        Case::new("status_500_and_529_are_server_errors: 500")
            .api(api_error(500, "api_error", "Internal server error"))
            .key()
            .warns(CauseId::ServerError),
        Case::new("status_500_and_529_are_server_errors: 529")
            .api(api_error(529, "overloaded_error", "Overloaded"))
            .key()
            .warns(CauseId::ServerError)
            .summary_has(&["overloaded"]),
    ])
    .await;
}

/// A login file in the home: the token goes out as a bearer with the OAuth beta.
#[cfg(unix)]
#[tokio::test]
async fn answers_to_a_stored_login() {
    run_table(vec![
        Case::new("expired_login_token_is_oauth_expired_and_sent_with_the_oauth_beta")
            .api(api_error(
                401,
                "authentication_error",
                "OAuth token has expired. Please obtain a new token or refresh your existing token.",
            ))
            .login()
            .fails(CauseId::OauthExpired)
            .fixes_are(&[FixId::Relogin])
            .sent("authorization", &format!("Bearer {FAKE_OAUTH_TOKEN}"))
            .sent("anthropic-beta", "oauth-2025-04-20")
            .not_sent("x-api-key"),
    ])
    .await;
}

// ---------------------------------------------------------------------------------------------
// No answer.

#[tokio::test]
async fn no_answer() {
    run_table(vec![
        Case::new("a_hung_server_is_bounded_by_the_timeout")
            .api(Reply::Hang)
            .key()
            .timeout(Duration::from_secs(1))
            .fails(CauseId::EndpointUnreachable)
            .summary_has(&["within 1 s"]),
        Case::new("a_closed_port_is_unreachable_naming_host_and_port")
            .base("http://127.0.0.1:{closed}")
            .key()
            .fails(CauseId::EndpointUnreachable)
            .summary_has(&["refused", "127.0.0.1:{closed}"]),
        Case::new("an_unknown_name_is_unreachable")
            .base("http://nonexistent.invalid")
            .key()
            .fails(CauseId::EndpointUnreachable)
            .summary_has(&["name not found"]),
        Case::new("garbage_instead_of_http_is_unreachable")
            .api(Reply::Raw(
                b"SSH-2.0-OpenSSH_9.6\r\n\x00\x01garbage".to_vec(),
            ))
            .key()
            .fails(CauseId::EndpointUnreachable),
        Case::new("a_connection_closed_mid_body_is_reported")
            .api(Reply::Raw(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"data\":["
                    .to_vec(),
            ))
            .key()
            .status_either(&[Status::Warn, Status::Fail])
            .cause(CauseId::EndpointUnreachable),
        Case::new("a_connection_closed_before_any_answer_is_reported")
            .api(Reply::Raw(Vec::new()))
            .key()
            .fails(CauseId::EndpointUnreachable),
    ])
    .await;
}

// ---------------------------------------------------------------------------------------------
// Proxies (the stand-in is the proxy).

#[tokio::test]
async fn proxies() {
    run_table(vec![
        Case::new("plain_http_through_a_proxy_that_wants_auth")
            .api(response(407, &[("Proxy-Authenticate", "Basic")], ""))
            .base("http://api.example.invalid")
            .key()
            .var("HTTPS_PROXY", "{url}")
            .fails(CauseId::ProxyAuthRequired)
            .summary_has(&["HTTPS_PROXY=http://127.0.0.1:{port}"])
            // Plain http through a proxy: absolute-form, not CONNECT.
            .request_line_is("GET http://api.example.invalid/v1/models?limit=1 HTTP/1.1")
            .details_have(&["through the proxy HTTPS_PROXY="]),
        Case::new("https_through_a_proxy_that_refuses_connect_is_a_gateway")
            .api(response(403, &[], ""))
            .base("https://api.example.invalid")
            .key()
            .var("https_proxy", "{url}")
            .fails(CauseId::GatewayBlocked)
            .request_line_starts("CONNECT api.example.invalid:443")
            // The key never reached the proxy: it would travel inside the tunnel.
            .not_sent("x-api-key"),
        Case::new("https_through_a_proxy_that_wants_auth_for_connect")
            .api(response(407, &[("Proxy-Authenticate", "Basic")], ""))
            .base("https://api.example.invalid")
            .key()
            .var("HTTPS_PROXY", "{url}")
            .fails(CauseId::ProxyAuthRequired),
        Case::new("a_dead_proxy_is_named")
            .base("http://api.example.invalid")
            .key()
            .var("HTTP_PROXY", "http://user:proxypass99@127.0.0.1:{closed}")
            .fails(CauseId::EndpointUnreachable)
            .summary_has(&["proxy", "127.0.0.1:{closed}"])
            .never_shown("proxypass99"),
        Case::new("no_proxy_exempts_the_endpoint")
            .api(ok_models())
            .key()
            .var("HTTPS_PROXY", "http://127.0.0.1:{closed}")
            .var("NO_PROXY", "localhost 127.0.0.1")
            .passes()
            .details_have(&["route: direct", "NO_PROXY exempts 127.0.0.1"]),
    ])
    .await;
}

// ---------------------------------------------------------------------------------------------
// Which credential goes out, and how.

#[tokio::test]
async fn what_is_sent() {
    let tail = &FAKE_API_KEY[FAKE_API_KEY.len() - 20..];
    let (head, rest) = FAKE_API_KEY.split_at(50);
    run_table(vec![
        Case::new("api_key_and_auth_token_are_both_sent")
            .api(ok_models())
            .key()
            .auth_token()
            .passes()
            .sent("x-api-key", FAKE_API_KEY)
            .sent("authorization", &format!("Bearer {FAKE_AUTH_TOKEN}"))
            .not_sent("anthropic-beta"),
        Case::new("a_settings_key_over_the_shell_key_is_the_root_cause")
            .api(api_error(401, "authentication_error", "invalid x-api-key"))
            .key()
            .file(
                ".claude/settings.json",
                &format!(
                    "{{\n  \"env\": {{\n    \"ANTHROPIC_API_KEY\": \"{FAKE_OTHER_KEY}\"\n  }}\n}}\n"
                ),
            )
            .fails(CauseId::SettingsOverride)
            .fixes_are(&[FixId::DropOverride])
            .summary_has(&[
                "~/.claude/settings.json:3",
                "this shell's ANTHROPIC_API_KEY",
            ])
            .sent("x-api-key", FAKE_OTHER_KEY),
        Case::new("a_settings_key_alone_is_just_key_invalid")
            .api(api_error(401, "authentication_error", "invalid x-api-key"))
            .file(
                ".claude/settings.json",
                &format!(r#"{{"env": {{"ANTHROPIC_API_KEY": "{FAKE_OTHER_KEY}"}}}}"#),
            )
            .fails(CauseId::KeyInvalid)
            .summary_has(&["settings.json"]),
        // Around the key, the CLI trims it (verified): sent trimmed, and it works.
        Case::new("a_key_with_a_newline_is_malformed_and_not_sent: around it, trimmed")
            .api(ok_models())
            .var("ANTHROPIC_API_KEY", &format!("{FAKE_API_KEY}\r\n"))
            .passes()
            .head_has(&format!("x-api-key: {FAKE_API_KEY}\r\n")),
        // Inside the key, it breaks the request: not sent.
        Case::new("a_key_with_a_newline_is_malformed_and_not_sent: inside it, not sent")
            .api(ok_models())
            .var("ANTHROPIC_API_KEY", &format!("{head}\n{rest}"))
            .fails(CauseId::KeyMalformed)
            .fixes_include(&[FixId::RepairKey])
            .details_lack("sent x-api-key")
            .requests(0),
        Case::new("a_key_declined_interactively_is_tested_as_claude_p_sends_it")
            .api(ok_models())
            .key()
            .file(
                ".claude.json",
                &format!(
                    r#"{{"customApiKeyResponses": {{"approved": [], "rejected": ["{tail}"]}}}}"#
                ),
            )
            .passes()
            .details_have(&["claude -p"])
            .sent("x-api-key", FAKE_API_KEY),
    ])
    .await;
}

/// An `apiKeyHelper` (a shell command) provides the key.
#[cfg(unix)]
#[tokio::test]
async fn what_is_sent_from_an_api_key_helper() {
    let helper = format!(r#"{{"apiKeyHelper": "printf %s {FAKE_OTHER_KEY}"}}"#);
    run_table(vec![
        Case::new("api_key_helper_output_goes_in_both_headers")
            .api(ok_models())
            .file(".claude/settings.json", &helper)
            .passes()
            .sent("x-api-key", FAKE_OTHER_KEY)
            .sent("authorization", &format!("Bearer {FAKE_OTHER_KEY}")),
        Case::new("a_rejected_helper_key_is_key_invalid")
            .api(api_error(401, "authentication_error", "invalid x-api-key"))
            .file(".claude/settings.json", &helper)
            .fails(CauseId::KeyInvalid)
            .summary_has(&["apiKeyHelper"]),
        Case::new("a_failing_helper_stops_before_any_request")
            .api(ok_models())
            .file(
                ".claude/settings.json",
                r#"{"apiKeyHelper": "echo vault is sealed >&2; exit 3"}"#,
            )
            .fails(CauseId::ApiKeyHelperFailed)
            .summary_has(&["exited 3", "vault is sealed"])
            .requests(0),
    ])
    .await;
}

// ---------------------------------------------------------------------------------------------
// Skips.

#[tokio::test]
async fn skips() {
    run_table(vec![
        Case::new("offline_skips")
            .base("http://nonexistent.invalid")
            .key()
            .offline()
            .status(Status::Skip)
            .summary_is("offline (--offline)"),
        Case::new("no_credential_skips")
            .base("http://nonexistent.invalid")
            .status(Status::Skip)
            .summary_is("no credential to test"),
        Case::new("cloud_providers_skip_with_a_command_to_run: Bedrock")
            .base("http://nonexistent.invalid")
            .key()
            .var("CLAUDE_CODE_USE_BEDROCK", "1")
            .status(Status::Skip)
            .summary_has(&["aws sts get-caller-identity"]),
        Case::new("cloud_providers_skip_with_a_command_to_run: Vertex")
            .base("http://nonexistent.invalid")
            .key()
            .var("CLAUDE_CODE_USE_VERTEX", "1")
            .status(Status::Skip)
            .summary_has(&["gcloud auth application-default print-access-token"]),
        Case::new("cloud_providers_skip_with_a_command_to_run: Foundry")
            .base("http://nonexistent.invalid")
            .key()
            .var("CLAUDE_CODE_USE_FOUNDRY", "1")
            .status(Status::Skip)
            .summary_has(&["az account get-access-token"]),
    ])
    .await;
}

// ---------------------------------------------------------------------------------------------
// TLS.

#[tokio::test]
async fn tls() {
    run_table(vec![
        Case::new("a_self_signed_certificate_is_untrusted")
            .api(ok_models())
            .tls(Tls::SelfSigned)
            .key()
            .fails(CauseId::TlsUntrusted)
            .summary_has(&["UnknownIssuer", "NODE_EXTRA_CA_CERTS"])
            // No request may pass an untrusted TLS.
            .requests(0),
        Case::new("a_corporate_ca_is_trusted_through_node_extra_ca_certs: without it")
            .api(ok_models())
            .tls(Tls::Ca { expired: false })
            .key()
            .fails(CauseId::TlsUntrusted),
        Case::new("a_corporate_ca_is_trusted_through_node_extra_ca_certs: with it")
            .api(ok_models())
            .tls(Tls::Ca { expired: false })
            .key()
            .file("corp-ca.pem", "{ca_pem}")
            .var("NODE_EXTRA_CA_CERTS", "{home}/corp-ca.pem")
            .passes()
            .details_have(&["1 certificate added"])
            .sent("x-api-key", FAKE_API_KEY),
        Case::new("extra_ca_only_in_settings_is_pointed_out")
            .api(ok_models())
            .tls(Tls::Ca { expired: false })
            .key()
            .file("corp-ca.pem", "{ca_pem}")
            .file(
                ".claude/settings.json",
                r#"{"env": {"NODE_EXTRA_CA_CERTS": "{home}/corp-ca.pem"}}"#,
            )
            .fails(CauseId::TlsUntrusted)
            .summary_has(&["has no effect"]),
        Case::new("tls_off_in_the_shell_downgrades_to_a_warning_and_sends_nothing")
            .api(ok_models())
            .tls(Tls::SelfSigned)
            .key()
            .var("NODE_TLS_REJECT_UNAUTHORIZED", "0")
            .warns(CauseId::TlsUntrusted)
            .summary_has(&["NODE_TLS_REJECT_UNAUTHORIZED=0"])
            .requests(0),
        Case::new("https_to_a_plain_http_server_fails_the_handshake")
            .api(Reply::Blurt(
                b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".to_vec(),
            ))
            .base("https://127.0.0.1:{port}")
            .key()
            .fails(CauseId::EndpointUnreachable)
            .summary_has(&["TLS"]),
        Case::new("an_expired_certificate_is_named")
            .api(ok_models())
            .tls(Tls::Ca { expired: true })
            .key()
            .file("corp-ca.pem", "{ca_pem}")
            .var("NODE_EXTRA_CA_CERTS", "{home}/corp-ca.pem")
            .fails(CauseId::TlsUntrusted)
            .summary_has(&["Expired"]),
    ])
    .await;
}
