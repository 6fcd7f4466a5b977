//! TLS trust follows `CLAUDE_CODE_CERT_STORE` (bundled and system by default; `--use-system-ca`
//! means system only), the system store honours `SSL_CERT_FILE` / `SSL_CERT_DIR` from the
//! snapshot, and the evidence names the store that trusted or refused the chain. Every server is
//! on 127.0.0.1 with a CA generated here.

mod support;

use claude_auth_tui::checks::{CheckCtx, CheckOptions, run_check};
use claude_auth_tui::env::{Environment, EnvironmentBuilder};
use claude_auth_tui::ids::{CauseId, CheckId};
use claude_auth_tui::outcome::{CheckOutcome, Status};
use std::sync::Arc;
use std::time::Duration;
use support::server::{Server, ca_and_leaf, header, ok_models};
use support::{FAKE_API_KEY, TempHome, assert_no_leak};

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

fn with_key(home: &TempHome, base: &str) -> EnvironmentBuilder {
    home.env()
        .var("ANTHROPIC_API_KEY", FAKE_API_KEY)
        .var("ANTHROPIC_BASE_URL", base)
}

fn detail<'a>(out: &'a CheckOutcome, prefix: &str) -> &'a str {
    out.details
        .iter()
        .find(|d| d.starts_with(prefix))
        .map_or("", String::as_str)
}

fn cause(out: &CheckOutcome) -> Option<CauseId> {
    out.worst_finding().map(|f| f.cause)
}

#[tokio::test]
async fn a_ca_only_in_ssl_cert_file_is_trusted_by_default_and_with_system() {
    let (ca_pem, tls) = ca_and_leaf();
    let server = Server::start_tls(ok_models(), tls);
    let home = TempHome::new();
    let bundle = home.write("corp/bundle.pem", &ca_pem);
    let bundle = bundle.display().to_string();

    for store in [None, Some("system"), Some("bundled,system")] {
        let mut env = with_key(&home, &server.url).var("SSL_CERT_FILE", &bundle);
        if let Some(s) = store {
            env = env.var("CLAUDE_CODE_CERT_STORE", s);
        }
        let out = live(env.build()).await;
        assert_eq!(out.status, Status::Pass, "{store:?}: {out:#?}");
        let tls = detail(&out, "TLS: ");
        assert!(
            tls.contains("trusted by the system store") && tls.contains("SSL_CERT_FILE="),
            "{store:?}: {tls}"
        );
        if store != Some("system") {
            assert!(
                tls.contains("refused by the bundled roots (UnknownIssuer)"),
                "{tls}"
            );
        }
    }
    assert_eq!(
        header(&server.requests()[0], "x-api-key").as_deref(),
        Some(FAKE_API_KEY)
    );
}

#[tokio::test]
async fn bundled_only_refuses_a_ca_from_the_system_store() {
    let (ca_pem, tls) = ca_and_leaf();
    let server = Server::start_tls(ok_models(), tls);
    let home = TempHome::new();
    let bundle = home.write("corp/bundle.pem", &ca_pem);
    let env = with_key(&home, &server.url)
        .var("SSL_CERT_FILE", &bundle.display().to_string())
        .var("CLAUDE_CODE_CERT_STORE", "bundled")
        .build();
    let out = live(env).await;
    assert_eq!(out.status, Status::Fail, "{out:#?}");
    assert_eq!(cause(&out), Some(CauseId::TlsUntrusted));
    assert!(
        out.summary.contains("the system store is not used")
            && out.summary.contains("CLAUDE_CODE_CERT_STORE=bundled"),
        "{}",
        out.summary
    );
    let tls = detail(&out, "TLS: ");
    assert!(tls.contains("refused by the bundled roots"), "{tls}");
    assert!(!tls.contains("system store"), "{tls}");
    server.settle();
    assert!(
        server.requests().is_empty(),
        "nothing passes an untrusted TLS"
    );
}

#[tokio::test]
async fn use_system_ca_means_the_system_store_only() {
    let (ca_pem, tls) = ca_and_leaf();
    let server = Server::start_tls(ok_models(), tls);
    let home = TempHome::new();
    let bundle = home.write("corp/bundle.pem", &ca_pem);
    let env = with_key(&home, &server.url)
        .var("SSL_CERT_FILE", &bundle.display().to_string())
        .var("NODE_OPTIONS", "--use-system-ca")
        .build();
    let out = live(env).await;
    assert_eq!(out.status, Status::Pass, "{out:#?}");
    let tls = detail(&out, "TLS: ");
    assert!(tls.contains("trusted by the system store"), "{tls}");
    assert!(!tls.contains("bundled"), "{tls}");
    assert!(
        detail(&out, "TLS trust: ").contains("NODE_OPTIONS=--use-system-ca"),
        "{:#?}",
        out.details
    );
}

#[tokio::test]
async fn a_ca_in_ssl_cert_dir_is_trusted_and_bundled_refuses_it() {
    let (ca_pem, tls) = ca_and_leaf();
    let server = Server::start_tls(ok_models(), tls);
    let home = TempHome::new();
    home.write("certs/corp-ca.pem", &ca_pem);
    home.write("certs/README", "not a certificate");
    let dir = home.home().join("certs").display().to_string();
    let out = live(
        with_key(&home, &server.url)
            .var("SSL_CERT_DIR", &format!("/nonexistent-cert-dir:{dir}"))
            .build(),
    )
    .await;
    assert_eq!(out.status, Status::Pass, "{out:#?}");
    let tls = detail(&out, "TLS: ");
    assert!(
        tls.contains("trusted by the system store") && tls.contains("SSL_CERT_DIR="),
        "{tls}"
    );

    let out = live(
        with_key(&home, &server.url)
            .var("SSL_CERT_DIR", &dir)
            .var("CLAUDE_CODE_CERT_STORE", "bundled")
            .build(),
    )
    .await;
    assert_eq!(cause(&out), Some(CauseId::TlsUntrusted), "{out:#?}");
}

#[tokio::test]
async fn a_ca_the_snapshot_does_not_name_is_refused_by_every_store() {
    // The CA file exists in the home, but no SSL_CERT_* variable of the snapshot names it.
    let (ca_pem, tls) = ca_and_leaf();
    let server = Server::start_tls(ok_models(), tls);
    let home = TempHome::new();
    home.write("corp/bundle.pem", &ca_pem);
    let out = live(with_key(&home, &server.url).build()).await;
    assert_eq!(cause(&out), Some(CauseId::TlsUntrusted), "{out:#?}");
    assert!(
        detail(&out, "TLS: ").contains("refused by the system store"),
        "{:#?}",
        out.details
    );
}
