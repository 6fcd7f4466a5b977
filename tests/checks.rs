//! Every offline cause reproduced from real files in a temp home, and the CLI's credential
//! precedence, checked through the library.

mod support;

use claude_auth_tui::checks::{CheckCtx, CheckOptions, primary_cause, run_all};
use claude_auth_tui::env::Environment;
use claude_auth_tui::ids::{CauseId, CheckId};
use claude_auth_tui::outcome::{CheckOutcome, Status};
use claude_auth_tui::report::Diagnosis;
use claude_auth_tui::resolve::{Method, Mode, Origin};
use std::sync::Arc;
use support::*;

const NOW_MS: i64 = 1_800_000_000_000;

fn offline() -> CheckOptions {
    CheckOptions {
        offline: true,
        ..CheckOptions::default()
    }
}

fn ctx(env: Environment) -> Arc<CheckCtx> {
    Arc::new(CheckCtx::new(Arc::new(env), offline()))
}

async fn diagnose(env: Environment) -> Vec<CheckOutcome> {
    let outcomes = run_all(ctx(env)).await;
    for o in &outcomes {
        assert_no_leak(&format!(
            "{}\n{}\n{:?}",
            o.summary,
            o.details.join("\n"),
            o.findings
        ));
    }
    outcomes
}

fn outcome(outcomes: &[CheckOutcome], id: CheckId) -> &CheckOutcome {
    outcomes.iter().find(|o| o.id == id).expect("check ran")
}

fn has(outcomes: &[CheckOutcome], id: CheckId, cause: CauseId, severity: Status) -> bool {
    outcome(outcomes, id)
        .findings
        .iter()
        .any(|f| f.cause == cause && f.severity == severity)
}

#[track_caller]
fn assert_finding(outcomes: &[CheckOutcome], id: CheckId, cause: CauseId, severity: Status) {
    assert!(
        has(outcomes, id, cause, severity),
        "expected {cause} ({severity:?}) from {id}; got {:#?}",
        outcome(outcomes, id)
    );
}

fn base(home: &TempHome) -> claude_auth_tui::env::EnvironmentBuilder {
    home.fake_claude_standard();
    home.env().var("SHELL", "/bin/zsh").now_ms(NOW_MS)
}

#[tokio::test]
async fn empty_home_is_no_credentials() {
    let home = TempHome::new();
    let outcomes = diagnose(base(&home).build()).await;
    assert_finding(
        &outcomes,
        CheckId::ShellEnv,
        CauseId::NoCredentials,
        Status::Fail,
    );
    let primary = primary_cause(&outcomes).unwrap();
    assert_eq!(primary.cause, CauseId::NoCredentials);
    assert_eq!(outcome(&outcomes, CheckId::Live).status, Status::Skip);
}

#[tokio::test]
async fn key_in_zshrc_but_not_in_this_shell() {
    let home = TempHome::new();
    home.write(
        ".zshrc",
        &format!("alias ll='ls -l'\nexport ANTHROPIC_API_KEY=\"{FAKE_API_KEY}\"\n"),
    );
    let outcomes = diagnose(base(&home).build()).await;
    assert_finding(
        &outcomes,
        CheckId::ShellEnv,
        CauseId::KeyNotExported,
        Status::Fail,
    );
    let o = outcome(&outcomes, CheckId::ShellEnv);
    assert!(o.summary.contains("~/.zshrc:2"), "{}", o.summary);
    assert!(o.fixes.contains(&claude_auth_tui::ids::FixId::ExportKey));
    assert_eq!(
        primary_cause(&outcomes).unwrap().cause,
        CauseId::KeyNotExported
    );
}

#[tokio::test]
async fn key_set_without_export() {
    let home = TempHome::new();
    home.write(".zshrc", &format!("ANTHROPIC_API_KEY={FAKE_API_KEY}\n"));
    let outcomes = diagnose(base(&home).build()).await;
    let o = outcome(&outcomes, CheckId::ShellEnv);
    assert!(o.summary.contains("without `export`"), "{}", o.summary);
}

#[tokio::test]
async fn key_only_in_another_shells_profile() {
    let home = TempHome::new();
    home.write(
        ".bashrc",
        &format!("export ANTHROPIC_API_KEY={FAKE_API_KEY}\n"),
    );
    let outcomes = diagnose(base(&home).build()).await;
    let o = outcome(&outcomes, CheckId::ShellEnv);
    assert!(
        o.summary.contains("bash profile") && o.summary.contains("zsh does not read it"),
        "{}",
        o.summary
    );
}

#[tokio::test]
async fn fish_profile_is_read_for_fish_users() {
    let home = TempHome::new();
    home.write(
        ".config/fish/config.fish",
        &format!("set -gx ANTHROPIC_API_KEY {FAKE_API_KEY}\n"),
    );
    home.fake_claude_standard();
    let env = home.env().var("SHELL", "/usr/bin/fish").build();
    let outcomes = diagnose(env).await;
    let o = outcome(&outcomes, CheckId::ShellEnv);
    assert!(
        o.summary.contains("config.fish:1") && o.summary.contains("not in this shell"),
        "{}",
        o.summary
    );
}

#[tokio::test]
async fn whitespace_around_a_key_is_a_warning_and_masked_trimmed() {
    // Verified: the CLI trims spaces, CR and LF around header values; the key works.
    for value in [
        format!("{FAKE_API_KEY}\n"),
        format!("{FAKE_API_KEY}\r\n"),
        format!(" {FAKE_API_KEY} "),
    ] {
        let home = TempHome::new();
        let ctx = ctx(base(&home).var("ANTHROPIC_API_KEY", &value).build());
        let eff = ctx.auth_print.effective.clone().unwrap();
        assert_eq!(eff.secret.as_deref(), Some(FAKE_API_KEY));
        assert_eq!(eff.masked().as_deref(), Some("sk-ant-api03-…AbCd"));
        let outcomes = diagnose(base(&home).var("ANTHROPIC_API_KEY", &value).build()).await;
        assert_finding(
            &outcomes,
            CheckId::ShellEnv,
            CauseId::KeyMalformed,
            Status::Warn,
        );
        assert!(
            !has(
                &outcomes,
                CheckId::ShellEnv,
                CauseId::KeyMalformed,
                Status::Fail
            ),
            "{value:?}"
        );
    }
    // A line break inside the value breaks the request.
    let home = TempHome::new();
    let (head, tail) = FAKE_API_KEY.split_at(50);
    let outcomes = diagnose(
        base(&home)
            .var("ANTHROPIC_API_KEY", &format!("{head}\n{tail}"))
            .build(),
    )
    .await;
    assert_finding(
        &outcomes,
        CheckId::ShellEnv,
        CauseId::KeyMalformed,
        Status::Fail,
    );
}

#[tokio::test]
async fn empty_settings_value_unsets_the_shells_key() {
    // Verified: "ANTHROPIC_API_KEY": "" in a settings env block unsets the shell's key; with a
    // login present, the login is used.
    let home = TempHome::new();
    home.write_credentials(NOW_MS + 3_600_000);
    home.write(
        ".claude/settings.json",
        r#"{"env":{"ANTHROPIC_API_KEY":""}}"#,
    );
    let ctx = ctx(base(&home).var("ANTHROPIC_API_KEY", FAKE_API_KEY).build());
    for auth in [&ctx.auth, &ctx.auth_print] {
        assert_eq!(auth.method(), Method::Oauth);
        assert_eq!(auth.effective.as_ref().unwrap().source, "login credentials");
    }
    let outcomes = run_all(ctx).await;
    let o = outcome(&outcomes, CheckId::ConfigScope);
    assert!(
        o.findings
            .iter()
            .any(|f| f.cause == CauseId::SettingsOverride && f.summary.contains("unsets")),
        "{o:#?}"
    );
}

#[tokio::test]
async fn malformed_keys() {
    for (value, needle) in [
        (
            format!("{}\n{}", &FAKE_API_KEY[..40], &FAKE_API_KEY[40..]),
            "line break",
        ),
        (format!("\"{FAKE_API_KEY}\""), "quote"),
        (
            format!("{} {}", &FAKE_API_KEY[..40], &FAKE_API_KEY[40..]),
            "spaces",
        ),
        ("sk-ant-api03-short".to_string(), "characters long"),
        (
            "not-a-key-at-all-but-long-enough-to-pass-length-checks-0000".to_string(),
            "sk-ant-",
        ),
    ] {
        let home = TempHome::new();
        let outcomes = diagnose(base(&home).var("ANTHROPIC_API_KEY", &value).build()).await;
        assert_finding(
            &outcomes,
            CheckId::ShellEnv,
            CauseId::KeyMalformed,
            Status::Fail,
        );
        let o = outcome(&outcomes, CheckId::ShellEnv);
        assert!(o.summary.contains(needle), "{needle}: {}", o.summary);
    }
}

#[tokio::test]
async fn crlf_profile_line_is_malformed() {
    let home = TempHome::new();
    home.write(
        ".zshrc",
        &format!("export ANTHROPIC_API_KEY={FAKE_API_KEY}\r\n"),
    );
    let outcomes = diagnose(base(&home).build()).await;
    assert!(has(
        &outcomes,
        CheckId::ShellEnv,
        CauseId::KeyMalformed,
        Status::Warn
    ));
}

#[tokio::test]
async fn non_utf8_key_is_malformed() {
    let home = TempHome::new();
    let env = base(&home)
        .non_utf8_var("ANTHROPIC_API_KEY", "sk-ant-api03-\u{FFFD}\u{FFFD}")
        .build();
    let outcomes = diagnose(env).await;
    assert_finding(
        &outcomes,
        CheckId::ShellEnv,
        CauseId::KeyMalformed,
        Status::Fail,
    );
}

#[tokio::test]
async fn corrupt_truncated_and_sectionless_credentials() {
    for content in [
        "{\"claudeAiOauth\": {\"accessTok",
        "not json at all",
        "",
        "{\"other\": 1}",
    ] {
        let home = TempHome::new();
        home.write_mode(".claude/.credentials.json", content, 0o600);
        let outcomes = diagnose(base(&home).build()).await;
        assert_finding(
            &outcomes,
            CheckId::Oauth,
            CauseId::CredentialsCorrupt,
            Status::Fail,
        );
        assert_eq!(
            primary_cause(&outcomes).unwrap().cause,
            CauseId::CredentialsCorrupt,
            "{content:?}"
        );
    }
}

#[tokio::test]
async fn unreadable_credentials_is_reported_not_fatal() {
    let home = TempHome::new();
    std::fs::create_dir_all(home.home().join(".claude/.credentials.json")).unwrap();
    let outcomes = diagnose(base(&home).build()).await;
    let o = outcome(&outcomes, CheckId::Oauth);
    assert!(o.summary.contains("directory"), "{}", o.summary);
}

#[tokio::test]
async fn credentials_at_the_articles_path_are_misplaced() {
    let home = TempHome::new();
    let good = TempHome::new();
    let path = good.write_credentials(NOW_MS + 3_600_000);
    let content = std::fs::read_to_string(path).unwrap();
    home.write_mode(".claude/credentials.json", &content, 0o600);
    let outcomes = diagnose(base(&home).build()).await;
    assert_finding(
        &outcomes,
        CheckId::Oauth,
        CauseId::CredentialsMisplaced,
        Status::Fail,
    );
    assert_eq!(
        primary_cause(&outcomes).unwrap().cause,
        CauseId::CredentialsMisplaced
    );
}

#[tokio::test]
async fn expired_login_with_and_without_refresh_token() {
    let home = TempHome::new();
    home.write_credentials(NOW_MS - 86_400_000);
    let outcomes = diagnose(base(&home).build()).await;
    assert_finding(
        &outcomes,
        CheckId::Oauth,
        CauseId::OauthExpired,
        Status::Warn,
    );
    assert_no_nested_parentheses(&outcomes);

    let home = TempHome::new();
    home.write_mode(
        ".claude/.credentials.json",
        &format!(r#"{{"claudeAiOauth":{{"accessToken":"{FAKE_OAUTH_TOKEN}","expiresAt":{},"scopes":["user:inference"]}}}}"#, NOW_MS - 1000),
        0o600,
    );
    let outcomes = diagnose(base(&home).build()).await;
    assert_finding(
        &outcomes,
        CheckId::Oauth,
        CauseId::OauthExpired,
        Status::Fail,
    );
    assert_eq!(
        primary_cause(&outcomes).unwrap().cause,
        CauseId::OauthExpired
    );
    assert_no_nested_parentheses(&outcomes);
}

/// Times read "2026-11-25 14:00 UTC (2 days ago)": never inside another pair of parentheses.
fn assert_no_nested_parentheses(outcomes: &[CheckOutcome]) {
    for o in outcomes {
        let texts = std::iter::once(&o.summary)
            .chain(&o.details)
            .chain(o.findings.iter().map(|f| &f.summary));
        for text in texts {
            let mut depth = 0i32;
            for c in text.chars() {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                assert!(depth <= 1, "nested parentheses in {text:?}");
            }
        }
    }
}

#[tokio::test]
async fn token_about_to_expire_is_a_warning_not_expired() {
    // Verified: 2 minutes before expiresAt (refresh server unreachable) the CLI sends the token
    // and it works. Only after expiresAt is it oauth-expired.
    for with_refresh in [true, false] {
        let home = TempHome::new();
        let refresh = if with_refresh {
            format!(r#""refreshToken":"{FAKE_REFRESH_TOKEN}","#)
        } else {
            String::new()
        };
        home.write_mode(
            ".claude/.credentials.json",
            &format!(
                r#"{{"claudeAiOauth":{{"accessToken":"{FAKE_OAUTH_TOKEN}",{refresh}"expiresAt":{},"scopes":["user:inference"]}}}}"#,
                NOW_MS + 120_000
            ),
            0o600,
        );
        let outcomes = diagnose(base(&home).build()).await;
        let o = outcome(&outcomes, CheckId::Oauth);
        assert!(
            o.findings.iter().all(|f| f.cause != CauseId::OauthExpired),
            "{o:#?}"
        );
        assert_finding(
            &outcomes,
            CheckId::Oauth,
            CauseId::OauthExpiringSoon,
            Status::Warn,
        );
        assert_ne!(o.status, Status::Fail);
    }
}

#[tokio::test]
async fn dead_refresh_signature() {
    let home = TempHome::new();
    home.write_mode(
        ".claude/.credentials.json",
        r#"{"claudeAiOauth":{"accessToken":"","refreshToken":"","expiresAt":0,"scopes":["user:inference"],"subscriptionType":"pro"}}"#,
        0o600,
    );
    let outcomes = diagnose(base(&home).build()).await;
    assert_finding(
        &outcomes,
        CheckId::Oauth,
        CauseId::OauthRefreshDead,
        Status::Fail,
    );
}

#[tokio::test]
async fn login_without_inference_scope_is_ignored() {
    let home = TempHome::new();
    home.write_mode(
        ".claude/.credentials.json",
        &format!(r#"{{"claudeAiOauth":{{"accessToken":"{FAKE_OAUTH_TOKEN}","refreshToken":"{FAKE_REFRESH_TOKEN}","expiresAt":{},"scopes":["user:profile"]}}}}"#, NOW_MS + 3_600_000),
        0o600,
    );
    let ctx = ctx(base(&home).build());
    assert_eq!(ctx.auth.method(), Method::None);
    let outcomes = run_all(ctx).await;
    assert_finding(
        &outcomes,
        CheckId::Oauth,
        CauseId::OauthScopeMissing,
        Status::Fail,
    );
}

#[tokio::test]
async fn world_readable_credentials() {
    use std::os::unix::fs::PermissionsExt;
    let home = TempHome::new();
    let path = home.write_credentials(NOW_MS + 3_600_000);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let outcomes = diagnose(base(&home).build()).await;
    assert_finding(
        &outcomes,
        CheckId::Oauth,
        CauseId::CredentialsPermissions,
        Status::Warn,
    );
    assert_eq!(outcome(&outcomes, CheckId::ShellEnv).status, Status::Pass);
}

#[tokio::test]
async fn healthy_login_passes_offline() {
    let home = TempHome::new();
    home.write_credentials(NOW_MS + 3_600_000);
    let outcomes = diagnose(base(&home).build()).await;
    assert_eq!(outcome(&outcomes, CheckId::Oauth).status, Status::Pass);
    assert!(
        primary_cause(&outcomes).is_none(),
        "{:?}",
        primary_cause(&outcomes)
    );
}

#[tokio::test]
async fn env_key_shadows_login() {
    let home = TempHome::new();
    home.write_credentials(NOW_MS + 3_600_000);
    home.write(
        ".zshrc",
        &format!("export ANTHROPIC_API_KEY={FAKE_API_KEY}\n"),
    );
    let env = base(&home).var("ANTHROPIC_API_KEY", FAKE_API_KEY).build();
    let ctx = ctx(env);
    assert_eq!(ctx.auth_print.method(), Method::ApiKey);
    assert!(
        ctx.auth_print
            .shadowed
            .iter()
            .any(|c| c.method == Method::Oauth)
    );
    let outcomes = run_all(ctx).await;
    assert_finding(
        &outcomes,
        CheckId::ShellEnv,
        CauseId::EnvShadowsLogin,
        Status::Warn,
    );
    assert!(
        outcome(&outcomes, CheckId::ShellEnv)
            .fixes
            .contains(&claude_auth_tui::ids::FixId::SilenceEnvKey)
    );
    assert_eq!(
        primary_cause(&outcomes).unwrap().cause,
        CauseId::EnvShadowsLogin
    );
}

#[tokio::test]
async fn declined_key_is_not_approved() {
    let home = TempHome::new();
    let tail = &FAKE_API_KEY[FAKE_API_KEY.len() - 20..];
    home.write(
        ".claude.json",
        &format!(r#"{{"customApiKeyResponses":{{"approved":[],"rejected":["{tail}"]}}}}"#),
    );
    let ctx = ctx(base(&home).var("ANTHROPIC_API_KEY", FAKE_API_KEY).build());
    assert_eq!(
        ctx.auth.method(),
        Method::None,
        "interactive ignores a declined key"
    );
    assert_eq!(ctx.auth_print.method(), Method::ApiKey, "-p uses it");
    let outcomes = run_all(ctx).await;
    assert_finding(
        &outcomes,
        CheckId::ShellEnv,
        CauseId::KeyNotApproved,
        Status::Fail,
    );
    assert_eq!(
        primary_cause(&outcomes).unwrap().cause,
        CauseId::KeyNotApproved
    );
}

#[tokio::test]
async fn user_settings_override_shell_key() {
    let home = TempHome::new();
    home.write(
        ".claude/settings.json",
        &format!("{{\n  \"env\": {{\n    \"ANTHROPIC_API_KEY\": \"{FAKE_OTHER_KEY}\"\n  }}\n}}\n"),
    );
    let ctx = ctx(base(&home).var("ANTHROPIC_API_KEY", FAKE_API_KEY).build());
    let eff = ctx.auth.effective.clone().unwrap();
    assert_eq!(eff.secret.as_deref(), Some(FAKE_OTHER_KEY));
    assert!(matches!(eff.origin, Origin::Settings { line: Some(3), .. }));
    let outcomes = run_all(ctx).await;
    assert_finding(
        &outcomes,
        CheckId::ConfigScope,
        CauseId::SettingsOverride,
        Status::Warn,
    );
}

#[tokio::test]
async fn settings_precedence_managed_local_project_user() {
    let home = TempHome::new();
    let key = |n: u8| format!("sk-ant-api03-PRECEDENCE{}{}", n, "x".repeat(80));
    home.write(
        ".claude/settings.json",
        &format!(r#"{{"env":{{"ANTHROPIC_API_KEY":"{}"}}}}"#, key(1)),
    );
    home.write(
        "project/.claude/settings.json",
        &format!(r#"{{"env":{{"ANTHROPIC_API_KEY":"{}"}}}}"#, key(2)),
    );
    home.write(
        "project/.claude/settings.local.json",
        &format!(r#"{{"env":{{"ANTHROPIC_API_KEY":"{}"}}}}"#, key(3)),
    );
    // Trusted folder: project and local apply interactively.
    home.write(
        ".claude.json",
        &format!(
            r#"{{"projects":{{"{}":{{"hasTrustDialogAccepted":true}}}}}}"#,
            home.cwd().display()
        ),
    );
    let env = base(&home).build();
    let facts = claude_auth_tui::sources::Facts::gather(&env);
    let winner = |mode| {
        claude_auth_tui::resolve::effective_var("ANTHROPIC_API_KEY", &env, &facts, mode)
            .unwrap()
            .value
    };
    assert_eq!(winner(Mode::Interactive), key(3));
    std::fs::write(
        home.managed().join("managed-settings.json"),
        format!(r#"{{"env":{{"ANTHROPIC_API_KEY":"{}"}}}}"#, key(4)),
    )
    .unwrap();
    let facts = claude_auth_tui::sources::Facts::gather(&env);
    assert_eq!(
        claude_auth_tui::resolve::effective_var(
            "ANTHROPIC_API_KEY",
            &env,
            &facts,
            Mode::Interactive
        )
        .unwrap()
        .value,
        key(4)
    );
}

#[tokio::test]
async fn untrusted_project_key_is_what_the_cli_sends_once_trusted() {
    // Interactive use of a folder requires accepting its trust dialog, after which the project's
    // key overrides the shell's: report that one, saying so (`claude -p` uses it already).
    let home = TempHome::new();
    home.write(
        "project/.claude/settings.json",
        &format!("{{\n  \"env\": {{\n    \"ANTHROPIC_API_KEY\": \"{FAKE_OTHER_KEY}\"\n  }}\n}}\n"),
    );
    let ctx = ctx(base(&home).var("ANTHROPIC_API_KEY", FAKE_API_KEY).build());
    for auth in [&ctx.auth, &ctx.auth_print] {
        let eff = auth.effective.as_ref().unwrap();
        assert_eq!(eff.secret.as_deref(), Some(FAKE_OTHER_KEY));
        assert!(auth.awaits_trust());
    }
    let outcomes = run_all(Arc::clone(&ctx)).await;
    let o = outcome(&outcomes, CheckId::ConfigScope);
    let f = o
        .findings
        .iter()
        .find(|f| f.cause == CauseId::SettingsOverride)
        .expect("settings-override");
    assert!(
        f.summary.contains("once you trust this folder"),
        "{}",
        f.summary
    );
    assert_finding(
        &outcomes,
        CheckId::ConfigScope,
        CauseId::UntrustedFolder,
        Status::Warn,
    );
    let d = Diagnosis::from_parts(&ctx, outcomes, None);
    let json = claude_auth_tui::report::json::to_value(&d);
    assert_eq!(json["effective_auth"]["awaits_folder_trust"], true);
    assert_eq!(json["effective_auth"]["masked"], "sk-ant-api03-…WxYz");
    let text = claude_auth_tui::report::text::render(&d, true);
    assert!(text.contains("once you trust this folder"), "{text}");
    assert_no_leak(&text);
}

#[tokio::test]
async fn credential_precedence_matches_the_cli() {
    let home = TempHome::new();
    home.write_credentials(NOW_MS + 3_600_000);
    // Auth token + login: only the token.
    let c = ctx(base(&home)
        .var("ANTHROPIC_AUTH_TOKEN", FAKE_AUTH_TOKEN)
        .build());
    assert_eq!(c.auth.method(), Method::AuthToken);
    assert!(c.auth.shadowed.iter().any(|s| s.method == Method::Oauth));
    // API key + auth token: both sent.
    let c = ctx(base(&home)
        .var("ANTHROPIC_AUTH_TOKEN", FAKE_AUTH_TOKEN)
        .var("ANTHROPIC_API_KEY", FAKE_API_KEY)
        .build());
    assert_eq!(c.auth_print.method(), Method::ApiKey);
    assert_eq!(c.auth_print.also_sent[0].method, Method::AuthToken);
    // OAuth env token + API key: only the key (in -p).
    let c = ctx(base(&home)
        .var("CLAUDE_CODE_OAUTH_TOKEN", FAKE_OAUTH_TOKEN)
        .var("ANTHROPIC_API_KEY", FAKE_API_KEY)
        .build());
    assert_eq!(c.auth_print.method(), Method::ApiKey);
    // OAuth env token + login: the env token.
    let c = ctx(base(&home)
        .var("CLAUDE_CODE_OAUTH_TOKEN", FAKE_OAUTH_TOKEN)
        .build());
    assert_eq!(
        c.auth.effective.as_ref().unwrap().source,
        "CLAUDE_CODE_OAUTH_TOKEN"
    );
    // primaryApiKey alone.
    let bare = TempHome::new();
    bare.write(
        ".claude.json",
        &format!(r#"{{"primaryApiKey":"{FAKE_API_KEY}"}}"#),
    );
    let c = ctx(base(&bare).build());
    assert_eq!(c.auth.method(), Method::ApiKey);
    assert!(
        c.auth
            .effective
            .as_ref()
            .unwrap()
            .source
            .contains("primaryApiKey")
    );
    // Bedrock wins over everything Anthropic.
    let c = ctx(base(&home)
        .var("CLAUDE_CODE_USE_BEDROCK", "1")
        .var("ANTHROPIC_API_KEY", FAKE_API_KEY)
        .build());
    assert_eq!(c.auth.method(), Method::Bedrock);
}

#[tokio::test]
async fn failing_api_key_helper() {
    let home = TempHome::new();
    home.write(
        ".claude/settings.json",
        r#"{"apiKeyHelper": "echo vault is locked >&2; exit 3"}"#,
    );
    let outcomes = diagnose(base(&home).build()).await;
    assert_finding(
        &outcomes,
        CheckId::ConfigScope,
        CauseId::ApiKeyHelperFailed,
        Status::Fail,
    );
    let o = outcome(&outcomes, CheckId::ConfigScope);
    assert!(
        o.summary.contains("exited 3") && o.summary.contains("vault is locked"),
        "{}",
        o.summary
    );
}

#[tokio::test]
async fn working_api_key_helper_is_masked() {
    let home = TempHome::new();
    home.write(
        ".claude/settings.json",
        &format!(r#"{{"apiKeyHelper": "echo {FAKE_API_KEY}"}}"#),
    );
    let env = Arc::new(base(&home).build());
    let d = Diagnosis::run(env, offline()).await;
    let text = claude_auth_tui::report::text::render(&d, true);
    assert!(text.contains("sk-ant-api03-…AbCd"), "{text}");
    assert_no_leak(&text);
    assert_no_leak(&claude_auth_tui::report::json::render(&d));
}

#[tokio::test]
async fn corrupt_settings_and_global_config() {
    let home = TempHome::new();
    home.write(
        ".claude/settings.json",
        "{\"env\": {\"ANTHROPIC_API_KEY\": ",
    );
    home.write(".claude.json", "{ oops");
    let outcomes = diagnose(base(&home).build()).await;
    assert_finding(
        &outcomes,
        CheckId::ConfigScope,
        CauseId::SettingsCorrupt,
        Status::Warn,
    );
    assert_finding(
        &outcomes,
        CheckId::ConfigScope,
        CauseId::GlobalConfigCorrupt,
        Status::Fail,
    );
}

#[tokio::test]
async fn managed_policy_conflict() {
    let home = TempHome::new();
    std::fs::write(
        home.managed().join("managed-settings.json"),
        r#"{"forceLoginMethod":"claudeai"}"#,
    )
    .unwrap();
    let outcomes = diagnose(base(&home).var("ANTHROPIC_API_KEY", FAKE_API_KEY).build()).await;
    assert_finding(
        &outcomes,
        CheckId::ConfigScope,
        CauseId::ManagedPolicyConflict,
        Status::Fail,
    );
}

#[tokio::test]
async fn base_url_ending_in_v1() {
    let home = TempHome::new();
    let outcomes = diagnose(
        base(&home)
            .var("ANTHROPIC_API_KEY", FAKE_API_KEY)
            .var("ANTHROPIC_BASE_URL", "https://gateway.example/v1")
            .build(),
    )
    .await;
    assert_finding(
        &outcomes,
        CheckId::Endpoint,
        CauseId::BaseUrlInvalid,
        Status::Fail,
    );
    let home = TempHome::new();
    let outcomes = diagnose(
        base(&home)
            .var("ANTHROPIC_API_KEY", FAKE_API_KEY)
            .var("ANTHROPIC_BASE_URL", "gateway.example")
            .build(),
    )
    .await;
    assert_finding(
        &outcomes,
        CheckId::Endpoint,
        CauseId::BaseUrlInvalid,
        Status::Fail,
    );
}

#[tokio::test]
async fn bedrock_without_credentials_and_with_profiles() {
    let home = TempHome::new();
    let outcomes = diagnose(
        base(&home)
            .var("CLAUDE_CODE_USE_BEDROCK", "1")
            .var("AWS_REGION", "eu-west-1")
            .build(),
    )
    .await;
    assert_finding(
        &outcomes,
        CheckId::Endpoint,
        CauseId::BedrockCredentialsMissing,
        Status::Fail,
    );
    assert_eq!(
        primary_cause(&outcomes).unwrap().cause,
        CauseId::BedrockCredentialsMissing
    );

    let home = TempHome::new();
    home.write(
        ".aws/config",
        "[profile work]\nsso_session = corp\nregion = us-west-2\n",
    );
    let outcomes = diagnose(
        base(&home)
            .var("CLAUDE_CODE_USE_BEDROCK", "1")
            .var("AWS_PROFILE", "work")
            .build(),
    )
    .await;
    assert_ne!(outcome(&outcomes, CheckId::Endpoint).status, Status::Fail);
    assert!(
        outcome(&outcomes, CheckId::Endpoint)
            .details
            .iter()
            .any(|d| d.contains("aws sso login"))
    );
}

#[tokio::test]
async fn vertex_and_foundry_missing_credentials() {
    let home = TempHome::new();
    let outcomes = diagnose(
        base(&home)
            .var("CLAUDE_CODE_USE_VERTEX", "1")
            .var("ANTHROPIC_VERTEX_PROJECT_ID", "p")
            .build(),
    )
    .await;
    assert_finding(
        &outcomes,
        CheckId::Endpoint,
        CauseId::VertexCredentialsMissing,
        Status::Fail,
    );
    let home = TempHome::new();
    home.write(
        ".config/gcloud/application_default_credentials.json",
        r#"{"type":"authorized_user","client_id":"c","client_secret":"s","refresh_token":"r"}"#,
    );
    let outcomes = diagnose(
        base(&home)
            .var("CLAUDE_CODE_USE_VERTEX", "1")
            .var("ANTHROPIC_VERTEX_PROJECT_ID", "p")
            .build(),
    )
    .await;
    assert_eq!(outcome(&outcomes, CheckId::Endpoint).status, Status::Pass);
    let home = TempHome::new();
    let outcomes = diagnose(base(&home).var("CLAUDE_CODE_USE_FOUNDRY", "1").build()).await;
    assert_finding(
        &outcomes,
        CheckId::Endpoint,
        CauseId::FoundryCredentialsMissing,
        Status::Fail,
    );
}

#[tokio::test]
async fn tls_settings() {
    let home = TempHome::new();
    let outcomes = diagnose(
        base(&home)
            .var("ANTHROPIC_API_KEY", FAKE_API_KEY)
            .var("NODE_TLS_REJECT_UNAUTHORIZED", "0")
            .var("NODE_EXTRA_CA_CERTS", "~/corp-ca.pem")
            .build(),
    )
    .await;
    assert_finding(
        &outcomes,
        CheckId::Endpoint,
        CauseId::TlsVerificationDisabled,
        Status::Warn,
    );
    assert_finding(
        &outcomes,
        CheckId::Endpoint,
        CauseId::TlsUntrusted,
        Status::Warn,
    );
    let home = TempHome::new();
    home.write(
        ".claude/settings.json",
        r#"{"env":{"NODE_EXTRA_CA_CERTS":"/etc/ssl/corp.pem"}}"#,
    );
    let outcomes = diagnose(base(&home).build()).await;
    let o = outcome(&outcomes, CheckId::Endpoint);
    assert!(
        o.findings
            .iter()
            .any(|f| f.summary.contains("only in user settings")),
        "{o:#?}"
    );
}

#[tokio::test]
async fn cli_missing_multiple_and_hung() {
    let home = TempHome::new();
    let env = home
        .env()
        .var("PATH", &home.bin().display().to_string())
        .build();
    let outcomes = diagnose(env).await;
    assert_finding(&outcomes, CheckId::Cli, CauseId::CliMissing, Status::Fail);

    let home = TempHome::new();
    home.fake_claude_standard();
    let second = home.root.path().join("bin2");
    std::fs::create_dir_all(&second).unwrap();
    std::fs::copy(home.bin().join("claude"), second.join("claude")).unwrap();
    let env = home
        .env()
        .var(
            "PATH",
            &format!(
                "{}:{}:/usr/bin:/bin",
                home.bin().display(),
                second.display()
            ),
        )
        .build();
    let outcomes = diagnose(env).await;
    assert_finding(
        &outcomes,
        CheckId::Cli,
        CauseId::MultipleInstalls,
        Status::Warn,
    );
    let o = outcome(&outcomes, CheckId::Cli);
    assert!(o.details.iter().any(|d| d.contains("2.1.197")), "{o:#?}");
    assert_eq!(o.cli.as_ref().and_then(|c| c.version()), Some("2.1.197"));
    // `claude auth status` is a cross-check, asked for with --cross-check only (tests/cli_speed.rs).
    assert!(!o.details.iter().any(|d| d.contains("loggedIn")), "{o:#?}");

    let home = TempHome::new();
    home.fake_claude("sleep 30");
    let outcomes = diagnose(home.env().build()).await;
    assert_finding(
        &outcomes,
        CheckId::Cli,
        CauseId::CliUnresponsive,
        Status::Warn,
    );
}

#[tokio::test]
async fn claude_config_dir_is_honoured() {
    let home = TempHome::new();
    let good = TempHome::new();
    let content = std::fs::read_to_string(good.write_credentials(NOW_MS + 3_600_000)).unwrap();
    home.write_mode("work-claude/.credentials.json", &content, 0o600);
    let c = ctx(base(&home)
        .var(
            "CLAUDE_CONFIG_DIR",
            &home.home().join("work-claude").display().to_string(),
        )
        .build());
    assert_eq!(c.auth.method(), Method::Oauth);
}

#[tokio::test]
async fn huge_and_binary_files_do_not_break_anything() {
    let home = TempHome::new();
    let big = "x".repeat(5 * 1024 * 1024);
    home.write(".claude/settings.json", &big);
    home.write(".zshrc", &big);
    std::fs::write(
        home.home().join(".claude/.credentials.json"),
        [0xFFu8, 0x00, 0xFE, 0x12],
    )
    .unwrap();
    let outcomes = diagnose(base(&home).build()).await;
    assert_finding(
        &outcomes,
        CheckId::Oauth,
        CauseId::CredentialsCorrupt,
        Status::Fail,
    );
    assert!(has(
        &outcomes,
        CheckId::ConfigScope,
        CauseId::SettingsCorrupt,
        Status::Warn
    ));
}

/// Verified against the real CLI: `"ANTHROPIC_API_KEY": ""` in a settings `env` block unsets a
/// good shell key and the CLI says "Not logged in". The root cause is that override, not a
/// missing key, and the fix is to drop it.
#[tokio::test]
async fn a_settings_value_blanking_the_shell_key_is_the_primary_cause() {
    let home = TempHome::new();
    home.write(
        ".claude/settings.json",
        r#"{"env":{"ANTHROPIC_API_KEY":""}}"#,
    );
    let env = home
        .env()
        .var("ANTHROPIC_API_KEY", FAKE_API_KEY)
        .now_ms(NOW_MS)
        .build();
    let outcomes = diagnose(env).await;
    let primary = primary_cause(&outcomes).unwrap();
    assert_eq!(primary.cause, CauseId::SettingsOverride, "{outcomes:#?}");
    assert!(primary.summary.contains("unsets it"), "{}", primary.summary);
    let shell = outcomes.iter().find(|o| o.id == CheckId::ShellEnv).unwrap();
    assert_eq!(shell.status, Status::Fail);
    assert!(
        shell
            .fixes
            .contains(&claude_auth_tui::ids::FixId::DropOverride)
    );
    assert!(
        !shell
            .findings
            .iter()
            .any(|f| f.cause == CauseId::NoCredentials),
        "the shell has a key: {shell:#?}"
    );
}

#[tokio::test]
async fn a_key_missing_here_carries_its_profile_line_as_a_typed_fact() {
    // The wizard acts on why the key is missing (add `export`, or open a new terminal, or
    // nothing here) from this fact, not from the summary's words.
    use claude_auth_tui::outcome::ProfileLineState;
    let home = TempHome::new();
    home.write(".bashrc", &format!("ANTHROPIC_API_KEY={FAKE_API_KEY}\n"));
    home.write(
        ".zshrc",
        &format!("export ANTHROPIC_AUTH_TOKEN={FAKE_OTHER_KEY}\n"),
    );
    home.write(
        ".profile",
        &format!("export CLAUDE_CODE_OAUTH_TOKEN={FAKE_OAUTH_TOKEN}\n"),
    );
    let outcomes = diagnose(base(&home).var("SHELL", "/bin/bash").build()).await;
    let facts: Vec<(String, String, ProfileLineState)> = outcome(&outcomes, CheckId::ShellEnv)
        .findings
        .iter()
        .filter_map(|f| f.profile_line.clone())
        .map(|p| (p.var, p.file, p.state))
        .collect();
    for expected in [
        (
            "ANTHROPIC_API_KEY",
            "~/.bashrc",
            ProfileLineState::NotExported,
        ),
        (
            "ANTHROPIC_AUTH_TOKEN",
            "~/.zshrc",
            ProfileLineState::OtherShell,
        ),
        (
            "CLAUDE_CODE_OAUTH_TOKEN",
            "~/.profile",
            ProfileLineState::ExportedNotLoaded,
        ),
    ] {
        assert!(
            facts
                .iter()
                .any(|(v, f, s)| (v.as_str(), f.as_str(), *s) == expected),
            "{expected:?} not in {facts:?}"
        );
    }
}

#[tokio::test]
async fn a_bad_base_url_from_a_profile_names_the_line_and_offers_its_repair() {
    use claude_auth_tui::ids::FixId;
    use claude_auth_tui::outcome::ProfileLineState;
    let home = TempHome::new();
    home.write(
        ".bashrc",
        "export ANTHROPIC_BASE_URL=http://127.0.0.1:9/v1\n",
    );
    let outcomes = diagnose(
        base(&home)
            .var("SHELL", "/bin/bash")
            .var("ANTHROPIC_BASE_URL", "http://127.0.0.1:9/v1")
            .build(),
    )
    .await;
    let endpoint = outcome(&outcomes, CheckId::Endpoint);
    let finding = endpoint
        .findings
        .iter()
        .find(|f| f.cause == CauseId::BaseUrlInvalid)
        .expect("base-url-invalid");
    assert!(
        finding.summary.contains("~/.bashrc:1"),
        "{}",
        finding.summary
    );
    let line = finding.profile_line.as_ref().expect("the profile line");
    assert_eq!((line.file.as_str(), line.line), ("~/.bashrc", 1));
    assert_eq!(line.state, ProfileLineState::Loaded);
    assert!(
        endpoint.fixes.contains(&FixId::RepairBaseUrl),
        "{endpoint:?}"
    );
    assert!(
        !endpoint.fixes.contains(&FixId::DropOverride),
        "{endpoint:?}"
    );
}
