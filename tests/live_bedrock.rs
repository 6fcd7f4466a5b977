//! The Bedrock live check: one signed (`SigV4`) or bearer request to the endpoint in
//! `ANTHROPIC_BEDROCK_BASE_URL` (a stand-in on 127.0.0.1 here), classified like the Anthropic one.

mod support;

use claude_auth_tui::checks::{CheckCtx, CheckOptions, run_check};
use claude_auth_tui::env::{Environment, EnvironmentBuilder};
use claude_auth_tui::ids::{CauseId, CheckId};
use claude_auth_tui::outcome::{CheckOutcome, Status};
use std::sync::Arc;
use std::time::Duration;
use support::server::{Reply, Server, header, ok_models, response};
use support::{FAKE_AUTH_TOKEN, TempHome, assert_no_leak};

const FAKE_AWS_KEY_ID: &str = "AKIAFAKEFAKEFAKE7777";
const FAKE_AWS_SECRET: &str = "FAKEsecretACCESSkey/0000000000000000000000x";
const FAKE_AWS_SESSION: &str = "FAKEsessionTOKEN9999999999999999999999999999";

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
    let text = format!("{out:?}");
    assert_no_leak(&text);
    for secret in [FAKE_AWS_SECRET, FAKE_AWS_SESSION, FAKE_AWS_KEY_ID] {
        assert!(!text.contains(secret), "leaked {secret}: {text}");
    }
    out
}

fn bedrock(home: &TempHome, base: &str) -> EnvironmentBuilder {
    home.env()
        .var("CLAUDE_CODE_USE_BEDROCK", "1")
        .var("AWS_REGION", "eu-west-1")
        .var("ANTHROPIC_BEDROCK_BASE_URL", base)
}

fn aws_error(status: u16, kind: &str, message: &str) -> Reply {
    response(
        status,
        &[
            ("Content-Type", "application/json"),
            ("x-amzn-ErrorType", kind),
        ],
        &format!(r#"{{"message":"{message}"}}"#),
    )
}

#[tokio::test]
async fn an_invalid_bedrock_bearer_token_is_expired_or_wrong_credentials() {
    let server = Server::start(aws_error(
        403,
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    ));
    let home = TempHome::new();
    let env = bedrock(&home, &server.url)
        .var("AWS_BEARER_TOKEN_BEDROCK", FAKE_AUTH_TOKEN)
        .build();
    let out = live(env).await;
    assert_eq!(out.status, Status::Fail, "{out:#?}");
    let f = out.worst_finding().unwrap();
    assert_eq!(f.cause, CauseId::BedrockCredentialsMissing);
    assert!(f.summary.contains("expired or wrong"), "{}", f.summary);
    let head = &server.requests()[0];
    assert!(
        head.starts_with("GET /async-invoke?maxResults=1 "),
        "{head}"
    );
    assert_eq!(
        header(head, "authorization"),
        Some(format!("Bearer {FAKE_AUTH_TOKEN}"))
    );
}

#[tokio::test]
async fn static_keys_are_signed_with_sigv4_and_pass() {
    let server = Server::start(ok_models());
    let home = TempHome::new();
    let env = bedrock(&home, &server.url)
        .var("AWS_ACCESS_KEY_ID", FAKE_AWS_KEY_ID)
        .var("AWS_SECRET_ACCESS_KEY", FAKE_AWS_SECRET)
        .var("AWS_SESSION_TOKEN", FAKE_AWS_SESSION)
        .build();
    let out = live(env).await;
    assert_eq!(out.status, Status::Pass, "{out:#?}");
    let head = &server.requests()[0];
    let auth = header(head, "authorization").expect("signed");
    assert!(
        auth.starts_with(&format!("AWS4-HMAC-SHA256 Credential={FAKE_AWS_KEY_ID}/"))
            && auth.contains("/eu-west-1/bedrock/aws4_request")
            && auth.contains("SignedHeaders=host;x-amz-date;x-amz-security-token"),
        "{auth}"
    );
    assert!(!auth.contains(FAKE_AWS_SECRET));
    assert_eq!(
        header(head, "x-amz-security-token").as_deref(),
        Some(FAKE_AWS_SESSION)
    );
    assert!(header(head, "x-amz-date").is_some());
}

#[tokio::test]
async fn access_denied_still_proves_the_credentials() {
    let server = Server::start(aws_error(
        403,
        "AccessDeniedException",
        "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: bedrock:ListAsyncInvokes",
    ));
    let home = TempHome::new();
    let env = bedrock(&home, &server.url)
        .var("AWS_ACCESS_KEY_ID", FAKE_AWS_KEY_ID)
        .var("AWS_SECRET_ACCESS_KEY", FAKE_AWS_SECRET)
        .build();
    let out = live(env).await;
    assert_eq!(out.status, Status::Pass, "{out:#?}");
    assert!(out.summary.contains("authenticate"), "{}", out.summary);
}

#[tokio::test]
async fn an_html_page_is_a_gateway_and_a_dead_endpoint_is_unreachable() {
    let server = Server::start(response(
        403,
        &[("Content-Type", "text/html")],
        "<html><title>Blocked</title></html>",
    ));
    let home = TempHome::new();
    let out = live(
        bedrock(&home, &server.url)
            .var("AWS_BEARER_TOKEN_BEDROCK", FAKE_AUTH_TOKEN)
            .build(),
    )
    .await;
    assert_eq!(
        out.worst_finding().map(|f| f.cause),
        Some(CauseId::GatewayBlocked),
        "{out:#?}"
    );

    let out = live(
        bedrock(&home, "http://127.0.0.1:9")
            .var("AWS_BEARER_TOKEN_BEDROCK", FAKE_AUTH_TOKEN)
            .build(),
    )
    .await;
    assert_eq!(
        out.worst_finding().map(|f| f.cause),
        Some(CauseId::EndpointUnreachable),
        "{out:#?}"
    );
}

#[tokio::test]
async fn without_static_credentials_it_still_says_how_to_check() {
    let home = TempHome::new();
    let out = live(
        bedrock(&home, "http://127.0.0.1:9")
            .var("AWS_PROFILE", "work")
            .build(),
    )
    .await;
    assert_eq!(out.status, Status::Skip, "{out:#?}");
    assert!(out.summary.contains("aws sts get-caller-identity"));
}

#[tokio::test]
async fn an_untrusted_folder_choosing_the_bedrock_endpoint_gets_no_credential() {
    let server = Server::start(ok_models());
    let home = TempHome::new();
    home.write(
        "project/.claude/settings.json",
        &format!(
            r#"{{"env":{{"CLAUDE_CODE_USE_BEDROCK":"1","ANTHROPIC_BEDROCK_BASE_URL":"{}"}}}}"#,
            server.url
        ),
    );
    let env = home
        .env()
        .var("AWS_REGION", "eu-west-1")
        .var("AWS_BEARER_TOKEN_BEDROCK", FAKE_AUTH_TOKEN)
        .build();
    let out = live(env).await;
    server.settle();
    assert!(
        server.requests().is_empty(),
        "the folder's endpoint got a request: {:?}",
        server.requests()
    );
    let f = out.worst_finding().unwrap();
    assert_eq!(f.cause, CauseId::UntrustedFolder, "{out:#?}");
    assert!(f.summary.starts_with("not sent: "), "{}", f.summary);
}

/// Verified against the CLI: a set `ANTHROPIC_API_KEY` still goes out as `x-api-key` on the
/// Bedrock requests, so the probe sends it too and says so (masked).
#[tokio::test]
async fn a_stray_anthropic_key_goes_along_as_the_cli_sends_it() {
    let server = Server::start(ok_models());
    let home = TempHome::new();
    let env = bedrock(&home, &server.url)
        .var("AWS_BEARER_TOKEN_BEDROCK", FAKE_AUTH_TOKEN)
        .var("ANTHROPIC_API_KEY", support::FAKE_API_KEY)
        .build();
    let out = live(env).await;
    assert_eq!(out.status, Status::Pass, "{out:#?}");
    let head = &server.requests()[0];
    assert_eq!(
        header(head, "x-api-key").as_deref(),
        Some(support::FAKE_API_KEY)
    );
    assert!(
        out.details
            .iter()
            .any(|d| d.starts_with("also sent: x-api-key sk-ant-api03-…")
                && d.contains("ANTHROPIC_API_KEY")),
        "{:#?}",
        out.details
    );

    // Without one, nothing extra is sent.
    let server = Server::start(ok_models());
    let env = bedrock(&home, &server.url)
        .var("AWS_BEARER_TOKEN_BEDROCK", FAKE_AUTH_TOKEN)
        .build();
    live(env).await;
    assert_eq!(header(&server.requests()[0], "x-api-key"), None);
}
