//! The login host (where /login and token refresh go) is probed without a credential when an
//! OAuth login is in play, and a blocked one is named `login-host-unreachable`. The host is
//! always a stand-in on 127.0.0.1 (`CLAUDE_AUTH_TUI_OAUTH_URL`); no test reaches a real host.

mod support;

use claude_auth_tui::checks::live::login_host::OAUTH_URL_OVERRIDE;
use claude_auth_tui::checks::{CheckCtx, CheckOptions, run_check};
use claude_auth_tui::env::Environment;
use claude_auth_tui::ids::{CauseId, CheckId};
use claude_auth_tui::outcome::{CheckOutcome, Status};
use std::sync::Arc;
use std::time::Duration;
use support::server::{Server, closed_port, header, ok_models, response};
use support::{FAKE_API_KEY, FAKE_OAUTH_TOKEN, TempHome, assert_no_leak};

async fn live(env: Environment) -> CheckOutcome {
    let ctx = Arc::new(CheckCtx::new(
        Arc::new(env),
        CheckOptions {
            offline: false,
            timeout: Duration::from_secs(5),
            ..CheckOptions::default()
        },
    ));
    let out = run_check(CheckId::Live, ctx).await;
    assert_no_leak(&format!("{out:?}"));
    out
}

#[tokio::test]
async fn a_blocked_login_host_is_named_even_when_the_api_answers() {
    let api = Server::start(ok_models());
    let port = closed_port();
    let home = TempHome::new();
    let env = home
        .env()
        .var("CLAUDE_CODE_OAUTH_TOKEN", FAKE_OAUTH_TOKEN)
        .var("ANTHROPIC_BASE_URL", &api.url)
        .var(
            OAUTH_URL_OVERRIDE,
            &format!("http://127.0.0.1:{port}/v1/oauth/token"),
        )
        .build();
    let out = live(env).await;
    assert_eq!(out.status, Status::Warn, "{out:#?}");
    let f = out.worst_finding().unwrap();
    assert_eq!(f.cause, CauseId::LoginHostUnreachable, "{out:#?}");
    assert!(
        f.summary.contains("connection was refused") && f.summary.contains("refresh"),
        "{}",
        f.summary
    );
    assert!(out.summary.contains("authenticated"), "{}", out.summary);
}

#[tokio::test]
async fn a_reachable_login_host_gets_no_credential() {
    let api = Server::start(ok_models());
    let login = Server::start(response(405, &[], ""));
    let home = TempHome::new();
    let env = home
        .env()
        .var("CLAUDE_CODE_OAUTH_TOKEN", FAKE_OAUTH_TOKEN)
        .var("ANTHROPIC_BASE_URL", &api.url)
        .var(OAUTH_URL_OVERRIDE, &format!("{}/v1/oauth/token", login.url))
        .build();
    let out = live(env).await;
    assert_eq!(out.status, Status::Pass, "{out:#?}");
    assert!(
        out.details
            .iter()
            .any(|d| d.contains("login host") && d.contains("reachable (HTTP 405")),
        "{:#?}",
        out.details
    );
    let reqs = login.requests();
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    assert!(reqs[0].starts_with("GET /v1/oauth/token"), "{}", reqs[0]);
    assert_eq!(header(&reqs[0], "authorization"), None);
    assert_eq!(header(&reqs[0], "x-api-key"), None);
    assert!(!reqs[0].contains(FAKE_OAUTH_TOKEN));
}

#[tokio::test]
async fn an_api_key_setup_does_not_probe_the_login_host() {
    let api = Server::start(ok_models());
    let login = Server::start(response(405, &[], ""));
    let home = TempHome::new();
    let env = home
        .env()
        .var("ANTHROPIC_API_KEY", FAKE_API_KEY)
        .var("ANTHROPIC_BASE_URL", &api.url)
        .var(OAUTH_URL_OVERRIDE, &format!("{}/v1/oauth/token", login.url))
        .build();
    let out = live(env).await;
    assert_eq!(out.status, Status::Pass, "{out:#?}");
    login.settle();
    assert!(login.requests().is_empty(), "{:?}", login.requests());
    assert!(!out.details.iter().any(|d| d.contains("login host")));
}

#[tokio::test]
async fn offline_probes_nothing() {
    let login = Server::start(response(405, &[], ""));
    let home = TempHome::new();
    let env = home
        .env()
        .var("CLAUDE_CODE_OAUTH_TOKEN", FAKE_OAUTH_TOKEN)
        .var("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")
        .var(OAUTH_URL_OVERRIDE, &format!("{}/v1/oauth/token", login.url))
        .build();
    let ctx = Arc::new(CheckCtx::new(
        Arc::new(env),
        CheckOptions {
            offline: true,
            timeout: Duration::from_secs(5),
            ..CheckOptions::default()
        },
    ));
    let out = run_check(CheckId::Live, ctx).await;
    assert_eq!(out.status, Status::Skip);
    login.settle();
    assert!(login.requests().is_empty());
}
