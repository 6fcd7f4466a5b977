//! `CLAUDE_CODE_CUSTOM_OAUTH_URL`: the CLI accepts only a few OAuth hosts and stops with "…is not
//! an approved endpoint." for any other; the endpoint check names that, and `explain` knows the
//! text.
#![allow(clippy::unwrap_used)] // tests: a panic is a failed test

mod support;

use claude_auth_tui::checks::{CheckCtx, CheckOptions, run_check};
use claude_auth_tui::classify::classify;
use claude_auth_tui::env::Environment;
use claude_auth_tui::ids::{CauseId, CheckId};
use claude_auth_tui::outcome::{CheckOutcome, Status};
use std::sync::Arc;
use support::{FAKE_API_KEY, TempHome};

const HOUR_MS: i64 = 3_600_000;

async fn endpoint(env: Environment) -> CheckOutcome {
    let ctx = Arc::new(CheckCtx::new(
        Arc::new(env),
        CheckOptions {
            offline: true,
            ..CheckOptions::default()
        },
    ));
    run_check(CheckId::Endpoint, ctx).await
}

fn rejected(out: &CheckOutcome) -> Option<(Status, String)> {
    out.findings
        .iter()
        .find(|f| f.cause == CauseId::CustomOauthUrlRejected)
        .map(|f| (f.severity, f.summary.clone()))
}

fn now_ms() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

#[tokio::test]
async fn an_unapproved_host_fails_a_subscription_login() {
    let home = TempHome::new();
    home.write_credentials(now_ms() + HOUR_MS);
    let env = home
        .env()
        .var("CLAUDE_CODE_CUSTOM_OAUTH_URL", "https://login.corp.example")
        .build();
    let out = endpoint(env).await;
    let (status, summary) = rejected(&out).expect("named");
    assert_eq!(status, Status::Fail, "{out:#?}");
    assert!(summary.contains("is not an approved endpoint"), "{summary}");
    assert!(summary.contains("https://claude.fedstart.com"), "{summary}");
    assert_eq!(out.status, Status::Fail);
}

#[tokio::test]
async fn with_an_api_key_it_is_a_warning_and_an_approved_host_is_fine() {
    let home = TempHome::new();
    let env = home
        .env()
        .var("ANTHROPIC_API_KEY", FAKE_API_KEY)
        .var(
            "CLAUDE_CODE_CUSTOM_OAUTH_URL",
            "https://claude.fedstart.com/v1",
        )
        .build();
    let (status, _) = rejected(&endpoint(env).await).expect("named");
    assert_eq!(status, Status::Warn);

    home.write_credentials(now_ms() + HOUR_MS);
    let env = home
        .env()
        .var(
            "CLAUDE_CODE_CUSTOM_OAUTH_URL",
            "https://claude.fedstart.com/",
        )
        .build();
    let out = endpoint(env).await;
    assert_eq!(rejected(&out), None, "{out:#?}");
    assert!(
        out.details
            .iter()
            .any(|d| d.contains("https://claude.fedstart.com/v1/oauth/token")),
        "{:#?}",
        out.details
    );
}

#[test]
fn explain_knows_the_message() {
    let c = classify(
        "$ claude auth login\nLogin failed: CLAUDE_CODE_CUSTOM_OAUTH_URL is not an approved endpoint.\n$ echo $?\n1",
    );
    assert_eq!(c.cause, Some(CauseId::CustomOauthUrlRejected));
}
