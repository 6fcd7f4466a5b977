//! Vertex: the application-default credentials file is checked offline, by its type and the
//! fields that type needs (never showing their values).

mod support;

use claude_auth_tui::checks::{CheckCtx, CheckOptions, run_check};
use claude_auth_tui::ids::{CauseId, CheckId};
use claude_auth_tui::outcome::{CheckOutcome, Status};
use std::sync::Arc;
use std::time::Duration;
use support::TempHome;

async fn endpoint_with_adc(adc: &str) -> CheckOutcome {
    let home = TempHome::new();
    home.write(".config/gcloud/application_default_credentials.json", adc);
    let env = home
        .env()
        .var("CLAUDE_CODE_USE_VERTEX", "1")
        .var("ANTHROPIC_VERTEX_PROJECT_ID", "proj")
        .var("CLOUD_ML_REGION", "us-east5")
        .build();
    let ctx = Arc::new(CheckCtx::new(
        Arc::new(env),
        CheckOptions {
            offline: true,
            timeout: Duration::from_secs(5),
            ..CheckOptions::default()
        },
    ));
    run_check(CheckId::Endpoint, ctx).await
}

fn vertex_finding(out: &CheckOutcome) -> Option<String> {
    out.findings
        .iter()
        .find(|f| f.cause == CauseId::VertexCredentialsMissing)
        .map(|f| f.summary.clone())
}

#[tokio::test]
async fn a_complete_user_login_passes() {
    let out = endpoint_with_adc(
        r#"{"type":"authorized_user","client_id":"id.apps","client_secret":"FAKEclientSECRET","refresh_token":"1//FAKErefresh"}"#,
    )
    .await;
    assert_eq!(vertex_finding(&out), None, "{out:#?}");
    assert!(out.details.iter().any(|d| d.contains("authorized_user")));
}

#[tokio::test]
async fn a_user_login_without_refresh_token_is_named_without_values() {
    let out = endpoint_with_adc(
        r#"{"type":"authorized_user","client_id":"id.apps","client_secret":"FAKEclientSECRET","refresh_token":""}"#,
    )
    .await;
    let f = vertex_finding(&out).expect("a finding");
    assert!(f.contains("lacks refresh_token"), "{f}");
    assert!(!f.contains("FAKEclientSECRET"), "{f}");
    assert_eq!(out.status, Status::Fail);
}

#[tokio::test]
async fn a_service_account_without_its_key_and_an_unknown_type_fail() {
    let out = endpoint_with_adc(
        r#"{"type":"service_account","client_email":"a@b.iam.gserviceaccount.com","token_uri":"https://oauth2.googleapis.com/token"}"#,
    )
    .await;
    let f = vertex_finding(&out).expect("a finding");
    assert!(f.contains("lacks private_key"), "{f}");

    let out = endpoint_with_adc(r#"{"type":"mystery"}"#).await;
    let f = vertex_finding(&out).expect("a finding");
    assert!(f.contains("unknown \"type\""), "{f}");

    let out = endpoint_with_adc(r#"{"client_id":"x"}"#).await;
    assert!(vertex_finding(&out).unwrap().contains("no \"type\""));
}
