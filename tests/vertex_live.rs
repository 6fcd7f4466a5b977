//! The Vertex live check: one OAuth token exchange with the application-default credentials
//! file, as google-auth-library makes it, sent to the file's `token_uri` (a stand-in token
//! endpoint on 127.0.0.1 here: Google is never contacted). A user login posts its refresh
//! token; a service-account key signs a JWT that the stand-in verifies with the public key.
#![allow(clippy::unwrap_used)] // tests: a panic is a failed test

mod support;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use claude_auth_tui::checks::{CheckCtx, CheckOptions, run_check};
use claude_auth_tui::env::{Environment, EnvironmentBuilder};
use claude_auth_tui::ids::{CauseId, CheckId};
use claude_auth_tui::outcome::{CheckOutcome, Status};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use support::server::{Reply, Server, header, response};
use support::{TempHome, assert_no_leak, fragment_leaks};

const FAKE_GOOGLE_REFRESH: &str = "1//0gFAKEgoogleREFRESHtoken555555555555555555555-Gr05";
const FAKE_CLIENT_SECRET: &str = "GOCSPX-FAKEclientSECRET6666666666-Cs06";
const FAKE_ACCESS_TOKEN: &str = "ya29.FAKEgoogleACCESStoken777777777777777777777777-At07";
const CLIENT_ID: &str = "764086051850-fakeclient.apps.googleusercontent.com";
const SA_EMAIL: &str = "claude@proj.iam.gserviceaccount.com";
const ADC: &str = ".config/gcloud/application_default_credentials.json";
const SHOWN: &str = "~/.config/gcloud/application_default_credentials.json";

/// The shared stand-in as a token endpoint: every request's head and body recorded; one fixed
/// answer, or none at all (`None`: it reads the request and then says nothing).
struct TokenServer {
    server: Server,
}

impl TokenServer {
    fn requests(&self) -> Vec<(String, String)> {
        self.server
            .requests()
            .into_iter()
            .map(|r| match r.split_once("\r\n\r\n") {
                Some((head, body)) => (format!("{head}\r\n\r\n"), body.to_string()),
                None => (r, String::new()),
            })
            .collect()
    }

    fn token_uri(&self) -> String {
        format!("{}/token", self.server.url)
    }
}

#[allow(clippy::unused_async)] // kept async: every caller awaits it like the other stand-ins
async fn token_server(reply: Option<Reply>) -> TokenServer {
    TokenServer {
        server: Server::start(reply.unwrap_or(Reply::Hang)),
    }
}

fn json_reply(status: u16, body: &str) -> Reply {
    response(status, &[("Content-Type", "application/json")], body)
}

fn token_reply() -> Reply {
    json_reply(
        200,
        &format!(
            r#"{{"access_token":"{FAKE_ACCESS_TOKEN}","expires_in":3599,"scope":"https://www.googleapis.com/auth/cloud-platform","token_type":"Bearer"}}"#
        ),
    )
}

fn form(body: &str) -> HashMap<String, String> {
    form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

fn vertex(home: &TempHome) -> EnvironmentBuilder {
    home.env()
        .var("CLAUDE_CODE_USE_VERTEX", "1")
        .var("ANTHROPIC_VERTEX_PROJECT_ID", "proj")
        .var("CLOUD_ML_REGION", "us-east5")
}

fn user_login(token_uri: &str) -> String {
    serde_json::json!({
        "type": "authorized_user",
        "client_id": CLIENT_ID,
        "client_secret": FAKE_CLIENT_SECRET,
        "refresh_token": FAKE_GOOGLE_REFRESH,
        "token_uri": token_uri,
    })
    .to_string()
}

fn service_account(token_uri: &str, pem: &str) -> String {
    serde_json::json!({
        "type": "service_account",
        "project_id": "proj",
        "private_key_id": "0123456789abcdef0123456789abcdef01234567",
        "private_key": pem,
        "client_email": SA_EMAIL,
        "client_id": "100000000000000000001",
        "token_uri": token_uri,
    })
    .to_string()
}

/// Runs the live check; asserts that no secret (whole or in pieces) is in the outcome, neither
/// in its Debug form nor in its JSON.
async fn live_with(
    env: Environment,
    offline: bool,
    timeout: Duration,
    extra: &[&str],
) -> CheckOutcome {
    let ctx = Arc::new(CheckCtx::new(
        Arc::new(env),
        CheckOptions {
            offline,
            timeout,
            ..CheckOptions::default()
        },
    ));
    let out = run_check(CheckId::Live, ctx).await;
    let mut secrets = vec![FAKE_GOOGLE_REFRESH, FAKE_CLIENT_SECRET, FAKE_ACCESS_TOKEN];
    secrets.extend_from_slice(extra);
    for text in [format!("{out:?}"), serde_json::to_string(&out).unwrap()] {
        assert_no_leak(&text);
        let found = fragment_leaks(&text, &secrets);
        assert!(found.is_empty(), "leaked {found:?} in {text}");
    }
    out
}

async fn live(env: Environment) -> CheckOutcome {
    live_with(env, false, Duration::from_secs(5), &[]).await
}

#[tokio::test]
async fn a_user_login_is_exchanged_for_a_token_and_passes() {
    let server = token_server(Some(token_reply())).await;
    let home = TempHome::new();
    home.write(ADC, &user_login(&server.token_uri()));
    let out = live(vertex(&home).build()).await;
    assert_eq!(out.status, Status::Pass, "{out:#?}");
    assert_eq!(
        out.summary,
        format!("Google issued an access token from {SHOWN} (authorized_user)")
    );
    assert!(
        out.details
            .iter()
            .any(|d| d.contains("POST http://127.0.0.1"))
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "one exchange, no model call");
    let (head, body) = &requests[0];
    assert!(head.starts_with("POST /token "), "{head}");
    assert_eq!(
        header(head, "content-type").as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    let f = form(body);
    assert_eq!(f["grant_type"], "refresh_token");
    assert_eq!(f["client_id"], CLIENT_ID);
    assert_eq!(f["client_secret"], FAKE_CLIENT_SECRET);
    assert_eq!(f["refresh_token"], FAKE_GOOGLE_REFRESH);
    assert_eq!(f.len(), 4, "{f:?}");
}

#[tokio::test]
async fn a_revoked_refresh_token_is_rejected_with_the_command_to_log_in_again() {
    let server = token_server(Some(json_reply(
        400,
        r#"{"error":"invalid_grant","error_description":"Token has been expired or revoked."}"#,
    )))
    .await;
    let home = TempHome::new();
    home.write(ADC, &user_login(&server.token_uri()));
    let out = live(vertex(&home).build()).await;
    assert_eq!(out.status, Status::Fail, "{out:#?}");
    let f = out.worst_finding().unwrap();
    assert_eq!(f.cause, CauseId::VertexCredentialsRejected);
    assert!(
        f.summary
            .contains("invalid_grant: Token has been expired or revoked.")
            && f.summary.contains(SHOWN)
            && f.summary
                .contains("run `gcloud auth application-default login` again"),
        "{}",
        f.summary
    );
}

#[tokio::test]
async fn a_deleted_oauth_client_is_rejected_too() {
    let server = token_server(Some(json_reply(
        401,
        r#"{"error":"invalid_client","error_description":"The OAuth client was not found."}"#,
    )))
    .await;
    let home = TempHome::new();
    home.write(ADC, &user_login(&server.token_uri()));
    let out = live(vertex(&home).build()).await;
    let f = out.worst_finding().unwrap();
    assert_eq!(f.cause, CauseId::VertexCredentialsRejected, "{out:#?}");
    assert_eq!(f.severity, Status::Fail);
    assert!(
        f.summary
            .contains("the OAuth client in the file was deleted"),
        "{}",
        f.summary
    );
}

#[tokio::test]
async fn a_server_echoing_the_refresh_token_is_scrubbed() {
    let server = token_server(Some(json_reply(
        400,
        &format!(
            r#"{{"error":"invalid_grant","error_description":"Bad token {FAKE_GOOGLE_REFRESH} for {FAKE_CLIENT_SECRET}"}}"#
        ),
    )))
    .await;
    let home = TempHome::new();
    home.write(ADC, &user_login(&server.token_uri()));
    // `live` asserts that neither value is in the outcome.
    let out = live(vertex(&home).build()).await;
    assert_eq!(
        out.worst_finding().map(|f| f.cause),
        Some(CauseId::VertexCredentialsRejected)
    );
}

/// An RSA key made at run time (PKCS#8 PEM) and its public key (PKCS#1 `RSAPublicKey` DER), or
/// `None` without openssl.
fn rsa_key() -> Option<&'static (String, Vec<u8>)> {
    static KEY: OnceLock<Option<(String, Vec<u8>)>> = OnceLock::new();
    KEY.get_or_init(|| {
        let dir = tempfile::tempdir().ok()?;
        let pem_path = dir.path().join("key.pem");
        let made = std::process::Command::new("openssl")
            .args([
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                "rsa_keygen_bits:2048",
                "-out",
            ])
            .arg(&pem_path)
            .output()
            .ok()?;
        if !made.status.success() {
            return None;
        }
        let public = std::process::Command::new("openssl")
            .args(["rsa", "-RSAPublicKey_out", "-outform", "DER", "-in"])
            .arg(&pem_path)
            .output()
            .ok()?;
        if !public.status.success() {
            return None;
        }
        Some((std::fs::read_to_string(&pem_path).ok()?, public.stdout))
    })
    .as_ref()
}

fn b64_json(segment: &str) -> serde_json::Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(segment).expect("base64url")).expect("json")
}

#[tokio::test]
async fn a_service_account_signs_a_jwt_the_public_key_verifies() {
    let Some((pem, public_der)) = rsa_key() else {
        eprintln!("skipped: no openssl");
        return;
    };
    let server = token_server(Some(token_reply())).await;
    let home = TempHome::new();
    let token_uri = server.token_uri();
    home.write("keys/sa.json", &service_account(&token_uri, pem));
    let env = vertex(&home)
        .var("GOOGLE_APPLICATION_CREDENTIALS", "~/keys/sa.json")
        .build();
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let out = live_with(env, false, Duration::from_secs(5), &[pem]).await;
    assert_eq!(out.status, Status::Pass, "{out:#?}");
    assert_eq!(
        out.summary,
        "Google issued an access token from ~/keys/sa.json (service_account)"
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let f = form(&requests[0].1);
    assert_eq!(
        f["grant_type"],
        "urn:ietf:params:oauth:grant-type:jwt-bearer"
    );
    assert_eq!(f.len(), 2, "{f:?}");
    let jwt = &f["assertion"];
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3, "{jwt}");
    assert_eq!(
        b64_json(parts[0]),
        serde_json::json!({"alg": "RS256", "typ": "JWT", "kid": "0123456789abcdef0123456789abcdef01234567"})
    );
    let claims = b64_json(parts[1]);
    assert_eq!(claims["iss"], SA_EMAIL);
    assert_eq!(
        claims["scope"],
        "https://www.googleapis.com/auth/cloud-platform"
    );
    assert_eq!(claims["aud"], token_uri.as_str());
    let iat = claims["iat"].as_u64().unwrap();
    assert!(iat.abs_diff(started) <= 5, "iat {iat}, now {started}");
    assert_eq!(claims["exp"].as_u64().unwrap(), iat + 3600);
    // What Google does with the assertion: RS256 over `header.claims` with the public key.
    let key = ring::signature::UnparsedPublicKey::new(
        &ring::signature::RSA_PKCS1_2048_8192_SHA256,
        public_der.as_slice(),
    );
    let signed = format!("{}.{}", parts[0], parts[1]);
    let sig = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
    key.verify(signed.as_bytes(), &sig)
        .expect("the JWT's signature verifies with the public key");
    assert!(
        key.verify(format!("{signed}x").as_bytes(), &sig).is_err(),
        "a changed JWT must not verify"
    );
    // The assertion is a credential for an hour: never shown either.
    for text in [format!("{out:?}"), serde_json::to_string(&out).unwrap()] {
        assert!(fragment_leaks(&text, &[jwt.as_str()]).is_empty(), "{text}");
    }
}

#[tokio::test]
async fn a_deleted_service_account_key_says_to_create_a_new_one() {
    let Some((pem, _)) = rsa_key() else {
        eprintln!("skipped: no openssl");
        return;
    };
    let server = token_server(Some(json_reply(
        400,
        r#"{"error":"invalid_grant","error_description":"Invalid JWT Signature."}"#,
    )))
    .await;
    let home = TempHome::new();
    home.write(ADC, &service_account(&server.token_uri(), pem));
    let out = live_with(vertex(&home).build(), false, Duration::from_secs(5), &[pem]).await;
    let f = out.worst_finding().unwrap();
    assert_eq!(f.cause, CauseId::VertexCredentialsRejected, "{out:#?}");
    assert!(
        f.summary.contains("Invalid JWT Signature")
            && f.summary.contains(&format!(
                "the key was deleted or disabled: create a new key for {SA_EMAIL} or use another credential"
            )),
        "{}",
        f.summary
    );
}

#[tokio::test]
async fn an_unreadable_private_key_fails_without_a_request() {
    let server = token_server(Some(token_reply())).await;
    let home = TempHome::new();
    let broken = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n";
    home.write(ADC, &service_account(&server.token_uri(), broken));
    let out = live(vertex(&home).build()).await;
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    let f = out.worst_finding().unwrap();
    assert_eq!(f.cause, CauseId::VertexCredentialsMissing, "{out:#?}");
    assert_eq!(f.severity, Status::Fail);
    assert!(
        f.summary.contains("private_key") && f.summary.contains("unreadable"),
        "{}",
        f.summary
    );
    assert!(!f.summary.contains("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"));
}

#[tokio::test]
async fn a_silent_token_endpoint_hits_the_time_limit_and_a_dead_one_is_unreachable() {
    let server = token_server(None).await;
    let home = TempHome::new();
    home.write(ADC, &user_login(&server.token_uri()));
    let started = Instant::now();
    let out = live_with(vertex(&home).build(), false, Duration::from_secs(1), &[]).await;
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.requests().len(), 1, "the request was sent");
    let f = out.worst_finding().unwrap();
    assert_eq!(f.cause, CauseId::EndpointUnreachable, "{out:#?}");
    assert!(f.summary.contains("within 1 s"), "{}", f.summary);

    home.write(ADC, &user_login("http://127.0.0.1:9/token"));
    let out = live(vertex(&home).build()).await;
    let f = out.worst_finding().unwrap();
    assert_eq!(f.cause, CauseId::EndpointUnreachable, "{out:#?}");
    assert!(f.summary.contains("127.0.0.1:9"), "{}", f.summary);
}

#[tokio::test]
async fn a_plain_http_token_uri_on_another_host_gets_nothing_sent() {
    let home = TempHome::new();
    home.write(ADC, &user_login("http://oauth.example.invalid/token"));
    let out = live(vertex(&home).build()).await;
    let f = out.worst_finding().unwrap();
    assert_eq!(f.cause, CauseId::InsecureEndpoint, "{out:#?}");
    assert_eq!(f.severity, Status::Warn);
    assert!(f.summary.starts_with("not sent: "), "{}", f.summary);
}

#[tokio::test]
async fn offline_sends_nothing() {
    let server = token_server(Some(token_reply())).await;
    let home = TempHome::new();
    home.write(ADC, &user_login(&server.token_uri()));
    let out = live_with(vertex(&home).build(), true, Duration::from_secs(5), &[]).await;
    assert_eq!(out.status, Status::Skip, "{out:#?}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn skip_vertex_auth_keeps_the_advice_to_check_by_hand() {
    let server = token_server(Some(token_reply())).await;
    let home = TempHome::new();
    home.write(ADC, &user_login(&server.token_uri()));
    let out = live(
        vertex(&home)
            .var("CLAUDE_CODE_SKIP_VERTEX_AUTH", "1")
            .build(),
    )
    .await;
    assert_eq!(out.status, Status::Skip, "{out:#?}");
    assert!(
        out.summary
            .contains("gcloud auth application-default print-access-token")
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn other_types_and_missing_files_are_checked_offline_only() {
    let home = TempHome::new();
    home.write(
        ADC,
        r#"{"type":"external_account","audience":"//iam.googleapis.com/x","subject_token_type":"urn:ietf:params:oauth:token-type:jwt","token_url":"http://127.0.0.1:9/token"}"#,
    );
    let out = live(vertex(&home).build()).await;
    assert_eq!(out.status, Status::Skip, "{out:#?}");
    assert!(
        out.details[0].contains("credential of type external_account: checked offline only"),
        "{out:#?}"
    );

    let home = TempHome::new();
    let out = live(vertex(&home).build()).await;
    assert_eq!(out.status, Status::Skip, "{out:#?}");
    assert!(out.details[0].contains("missing or incomplete"), "{out:#?}");
}

#[tokio::test]
async fn an_untrusted_folder_choosing_the_credentials_file_gets_nothing_sent() {
    let server = token_server(Some(token_reply())).await;
    let home = TempHome::new();
    let file = home.write("project/adc.json", &user_login(&server.token_uri()));
    home.write(
        "project/.claude/settings.json",
        &serde_json::json!({"env": {"GOOGLE_APPLICATION_CREDENTIALS": file}}).to_string(),
    );
    let out = live(vertex(&home).build()).await;
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    let f = out.worst_finding().unwrap();
    assert_eq!(f.cause, CauseId::UntrustedFolder, "{out:#?}");
    assert_eq!(f.severity, Status::Warn);
    assert!(f.summary.starts_with("not sent: "), "{}", f.summary);
    // The settings check names the variable among what the folder would change.
    let ctx = Arc::new(CheckCtx::new(
        Arc::new(vertex(&home).build()),
        CheckOptions {
            offline: true,
            ..CheckOptions::default()
        },
    ));
    let scope = run_check(CheckId::ConfigScope, ctx).await;
    assert!(
        scope
            .findings
            .iter()
            .any(|f| f.cause == CauseId::UntrustedFolder
                && f.summary.contains("GOOGLE_APPLICATION_CREDENTIALS")),
        "{scope:#?}"
    );

    // Once trusted, the same file is exchanged.
    home.write(
        ".claude.json",
        &serde_json::json!({"projects": {home.cwd().display().to_string(): {"hasTrustDialogAccepted": true}}})
            .to_string(),
    );
    let out = live(vertex(&home).build()).await;
    assert_eq!(out.status, Status::Pass, "{out:#?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn an_untrusted_folder_moving_the_gcloud_folder_gets_nothing_sent_either() {
    let server = token_server(Some(token_reply())).await;
    let home = TempHome::new();
    home.write(
        "project/gcloud/application_default_credentials.json",
        &user_login(&server.token_uri()),
    );
    home.write(
        "project/.claude/settings.json",
        &serde_json::json!({"env": {"CLOUDSDK_CONFIG": home.cwd().join("gcloud")}}).to_string(),
    );
    let out = live(vertex(&home).build()).await;
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    let f = out.worst_finding().unwrap();
    assert_eq!(f.cause, CauseId::UntrustedFolder, "{out:#?}");
    assert!(
        f.summary.starts_with("not sent: CLOUDSDK_CONFIG"),
        "{}",
        f.summary
    );
}

#[tokio::test]
async fn validating_a_key_for_export_key_does_not_ask_google() {
    let server = token_server(Some(json_reply(
        400,
        r#"{"error":"invalid_grant","error_description":"Token has been expired or revoked."}"#,
    )))
    .await;
    let home = TempHome::new();
    home.write(ADC, &user_login(&server.token_uri()));
    let verdict = claude_auth_tui::checks::live::validate_api_key(
        Arc::new(vertex(&home).build()),
        support::FAKE_API_KEY,
        Duration::from_secs(5),
    )
    .await;
    assert!(verdict.is_ok(), "{verdict:?}");
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_json_from_the_binary_holds_no_google_secret() {
    let server = token_server(Some(token_reply())).await;
    let home = TempHome::new();
    home.write(ADC, &user_login(&server.token_uri()));
    let mut cmd = home.command();
    cmd.args(["check", "--json", "--timeout", "5"])
        .env("CLAUDE_CODE_USE_VERTEX", "1")
        .env("ANTHROPIC_VERTEX_PROJECT_ID", "proj");
    let out = tokio::process::Command::from(cmd).output().await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for text in [&stdout, &stderr] {
        assert_no_leak(text);
        let found = fragment_leaks(
            text,
            &[FAKE_GOOGLE_REFRESH, FAKE_CLIENT_SECRET, FAKE_ACCESS_TOKEN],
        );
        assert!(found.is_empty(), "leaked {found:?} in {text}");
    }
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
    let live = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "live")
        .expect("the live check");
    assert_eq!(live["status"], "pass", "{live:#}");
    assert_eq!(server.requests().len(), 1);
}
