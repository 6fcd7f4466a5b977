//! The macOS Keychain login, run on any platform: a `MacOs` `Environment` and a stand-in
//! `security` on the temp PATH that keeps its "keychain" as files in a temp folder.
#![allow(clippy::unwrap_used)] // tests: a panic is a failed test

mod support;

use claude_auth_tui::checks::{CheckCtx, CheckOptions, run_all};
use claude_auth_tui::env::{Environment, Platform};
use claude_auth_tui::ids::{CauseId, CheckId, FixId};
use claude_auth_tui::outcome::{CheckOutcome, Status};
use claude_auth_tui::resolve::{Method, Origin};
use claude_auth_tui::sources::keychain::{self, KeychainState};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use support::*;

const NOW_MS: i64 = 1_800_000_000_000;

/// A stand-in for macOS `security`: items are files `<dir>/<service>__<account>` (printed as
/// is) or `.hex` (printed as hex, as `security -w` does for stored bytes); `<dir>/LOCKED` makes
/// every call fail like a locked keychain (exit 36).
const FAKE_SECURITY: &str = r#"#!/bin/sh
dir="$FAKE_KEYCHAIN_DIR"
echo "$*" >> "$dir/calls.log"
if [ -e "$dir/LOCKED" ]; then
  echo "security: SecKeychainItemCopyContent: User interaction is not allowed." >&2
  exit 36
fi
run() {
  cmd="$1"; shift
  acct=""; svc=""; hex=""
  while [ $# -gt 0 ]; do
    case "$1" in
      -a) acct="$2"; shift 2;;
      -s) svc="$2"; shift 2;;
      -X) hex="$2"; shift 2;;
      *) shift;;
    esac
  done
  item="$dir/${svc}__${acct}"
  case "$cmd" in
    find-generic-password)
      if [ -e "$item" ]; then cat "$item"; echo
      elif [ -e "$item.hex" ]; then cat "$item.hex"; echo
      else echo "security: SecKeychainSearchCopyNext: The specified item could not be found in the keychain." >&2; exit 44; fi;;
    delete-generic-password)
      if [ -e "$item" ] || [ -e "$item.hex" ]; then rm -f "$item" "$item.hex"; echo "password has been deleted."
      else echo "security: SecKeychainSearchCopyNext: The specified item could not be found in the keychain." >&2; exit 44; fi;;
    add-generic-password)
      rm -f "$item"; printf '%s' "$hex" > "$item.hex";;
    *) echo "fake security: $cmd" >&2; exit 2;;
  esac
}
if [ "$1" = "-i" ]; then
  while IFS= read -r line; do
    eval "set -- $line"
    run "$@" || exit $?
  done
  exit 0
fi
run "$@"
"#;

struct Mac {
    home: TempHome,
    keychain: PathBuf,
}

impl Mac {
    fn new() -> Self {
        use std::os::unix::fs::PermissionsExt;
        let home = TempHome::new();
        let security = home.bin().join("security");
        std::fs::write(&security, FAKE_SECURITY).unwrap();
        std::fs::set_permissions(&security, std::fs::Permissions::from_mode(0o755)).unwrap();
        let keychain = home.root.path().join("keychain");
        std::fs::create_dir_all(&keychain).unwrap();
        Self { home, keychain }
    }

    fn env(&self) -> claude_auth_tui::env::EnvironmentBuilder {
        self.home
            .env()
            .platform(Platform::MacOs)
            .now_ms(NOW_MS)
            .var("USER", "alice")
            .var("FAKE_KEYCHAIN_DIR", &self.keychain.display().to_string())
    }

    fn item_path(&self, service: &str) -> PathBuf {
        self.keychain.join(format!("{service}__alice"))
    }

    fn store(&self, service: &str, json: &str) {
        std::fs::write(self.item_path(service), json).unwrap();
    }

    fn lock(&self) {
        std::fs::write(self.keychain.join("LOCKED"), "").unwrap();
    }

    fn calls(&self) -> String {
        std::fs::read_to_string(self.keychain.join("calls.log")).unwrap_or_default()
    }
}

fn login_json(access: &str, refresh: &str, expires: i64, scopes: &str) -> String {
    format!(
        r#"{{"claudeAiOauth":{{"accessToken":"{access}","refreshToken":"{refresh}","expiresAt":{expires},"scopes":[{scopes}],"subscriptionType":"max"}}}}"#
    )
}

fn healthy() -> String {
    login_json(
        FAKE_OAUTH_TOKEN,
        FAKE_REFRESH_TOKEN,
        NOW_MS + 86_400_000 * 30,
        r#""user:inference","user:profile""#,
    )
}

async fn diagnose(env: Environment) -> (Arc<CheckCtx>, Vec<CheckOutcome>) {
    let opts = CheckOptions {
        offline: true,
        ..CheckOptions::default()
    };
    let env = Arc::new(env);
    let ctx = Arc::new(
        tokio::task::spawn_blocking(move || CheckCtx::new(env, opts))
            .await
            .unwrap(),
    );
    let outcomes = run_all(Arc::clone(&ctx)).await;
    for o in &outcomes {
        assert_no_leak(&format!(
            "{}\n{}\n{:?}",
            o.summary,
            o.details.join("\n"),
            o.findings
        ));
    }
    (ctx, outcomes)
}

fn oauth(outcomes: &[CheckOutcome]) -> &CheckOutcome {
    outcomes.iter().find(|o| o.id == CheckId::Oauth).unwrap()
}

fn causes(o: &CheckOutcome) -> Vec<(CauseId, Status)> {
    o.findings.iter().map(|f| (f.cause, f.severity)).collect()
}

#[tokio::test]
async fn a_healthy_keychain_login_is_the_effective_credential() {
    let mac = Mac::new();
    mac.store(keychain::BASE_SERVICE, &healthy());
    let (ctx, outcomes) = diagnose(mac.env().build()).await;
    let eff = ctx.auth.effective.as_ref().expect("a credential");
    assert_eq!(eff.method, Method::Oauth);
    assert!(
        matches!(&eff.origin, Origin::Keychain(item) if item.service == "Claude Code-credentials" && item.account == "alice")
    );
    let o = oauth(&outcomes);
    assert_eq!(o.status, Status::Pass, "{o:#?}");
    assert!(causes(o).is_empty(), "{o:#?}");
    assert!(o.summary.contains("macOS Keychain"), "{}", o.summary);
    assert!(
        o.details.iter().any(|d| d.contains(
            "login found in the macOS Keychain item \"Claude Code-credentials\" (account alice)"
        )),
        "{:#?}",
        o.details
    );
    assert!(
        mac.calls()
            .contains("find-generic-password -a alice -w -s Claude Code-credentials")
    );
}

#[tokio::test]
async fn the_config_dir_suffix_picks_the_item() {
    let mac = Mac::new();
    // The unsuffixed item is not the one the CLI reads when CLAUDE_CONFIG_DIR is set.
    mac.store(keychain::BASE_SERVICE, &healthy());
    let cfg = mac.home.home().join("work-claude");
    std::fs::create_dir_all(&cfg).unwrap();
    let env = mac
        .env()
        .var("CLAUDE_CONFIG_DIR", &cfg.display().to_string())
        .build();
    let service = keychain::service_name(&env);
    assert_ne!(service, keychain::BASE_SERVICE);
    let (ctx, outcomes) = diagnose(env.clone()).await;
    assert!(ctx.auth.effective.is_none());
    assert!(causes(oauth(&outcomes)).contains(&(CauseId::NoCredentials, Status::Fail)));
    mac.store(&service, &healthy());
    let (ctx, _) = diagnose(env).await;
    assert!(
        matches!(&ctx.auth.effective.as_ref().unwrap().origin, Origin::Keychain(i) if i.service == service)
    );
}

#[tokio::test]
async fn expiry_scope_and_dead_refresh_are_checked_on_the_keychain_login() {
    let mac = Mac::new();
    mac.store(
        keychain::BASE_SERVICE,
        &login_json(
            FAKE_OAUTH_TOKEN,
            "",
            NOW_MS - 3_600_000,
            r#""user:inference""#,
        ),
    );
    let (_, outcomes) = diagnose(mac.env().build()).await;
    assert!(
        causes(oauth(&outcomes)).contains(&(CauseId::OauthExpired, Status::Fail)),
        "{:#?}",
        oauth(&outcomes)
    );

    mac.store(
        keychain::BASE_SERVICE,
        &login_json(
            FAKE_OAUTH_TOKEN,
            FAKE_REFRESH_TOKEN,
            NOW_MS + 86_400_000 * 30,
            r#""user:profile""#,
        ),
    );
    let (_, outcomes) = diagnose(mac.env().build()).await;
    assert!(causes(oauth(&outcomes)).contains(&(CauseId::OauthScopeMissing, Status::Fail)));

    mac.store(
        keychain::BASE_SERVICE,
        &login_json("", "", 0, r#""user:inference""#),
    );
    let (_, outcomes) = diagnose(mac.env().build()).await;
    let o = oauth(&outcomes);
    assert!(
        causes(o).contains(&(CauseId::OauthRefreshDead, Status::Fail)),
        "{o:#?}"
    );
    assert!(
        o.findings[0].summary.contains("macOS Keychain item"),
        "{o:#?}"
    );
}

#[tokio::test]
async fn a_locked_keychain_is_its_own_cause_with_the_fix_in_plain_words() {
    let mac = Mac::new();
    mac.store(keychain::BASE_SERVICE, &healthy());
    mac.lock();
    let (ctx, outcomes) = diagnose(
        mac.env()
            .var("SSH_CONNECTION", "10.0.0.1 5 10.0.0.2 22")
            .build(),
    )
    .await;
    assert!(ctx.auth.effective.is_none());
    let o = oauth(&outcomes);
    // Over SSH no browser opens either: the login advice says so.
    assert_eq!(
        causes(o),
        vec![
            (CauseId::KeychainLocked, Status::Fail),
            (CauseId::LoginNeedsBrowser, Status::Warn)
        ],
        "{o:#?}"
    );
    let summary = &o.findings[0].summary;
    assert!(summary.contains("security unlock-keychain"), "{summary}");
    assert!(summary.contains("claude setup-token"), "{summary}");
    assert!(o.fixes.contains(&FixId::Relogin));
    // With a usable fallback file the CLI still works: a warning only.
    mac.home.write_credentials(NOW_MS + 86_400_000);
    let (ctx, outcomes) = diagnose(mac.env().build()).await;
    assert!(matches!(
        ctx.auth.effective.as_ref().unwrap().origin,
        Origin::CredentialsFile(_)
    ));
    assert_eq!(
        causes(oauth(&outcomes)),
        vec![(CauseId::KeychainLocked, Status::Warn)]
    );
}

#[tokio::test]
async fn without_an_item_the_file_is_the_fallback() {
    let mac = Mac::new();
    let (_, outcomes) = diagnose(mac.env().build()).await;
    let o = oauth(&outcomes);
    assert_eq!(causes(o), vec![(CauseId::NoCredentials, Status::Fail)]);
    assert!(
        o.findings[0]
            .summary
            .contains("no login in the macOS Keychain")
    );
    mac.home.write_credentials(NOW_MS + 86_400_000);
    let (ctx, outcomes) = diagnose(mac.env().build()).await;
    assert!(matches!(
        ctx.auth.effective.as_ref().unwrap().origin,
        Origin::CredentialsFile(_)
    ));
    assert_eq!(oauth(&outcomes).status, Status::Pass);
}

#[test]
fn linux_never_runs_security() {
    let mac = Mac::new();
    mac.store(keychain::BASE_SERVICE, &healthy());
    let env = mac.env().platform(Platform::Linux).build();
    let facts = claude_auth_tui::sources::Facts::gather(&env);
    assert!(facts.keychain.is_none());
    assert_eq!(mac.calls(), "");
    let env = mac.env().build();
    let facts = claude_auth_tui::sources::Facts::gather(&env);
    assert!(matches!(
        facts.keychain.unwrap().state,
        KeychainState::Found(_)
    ));
}

fn read_hex_item(path: &Path) -> Vec<u8> {
    let hex = std::fs::read_to_string(path.with_extension("hex")).unwrap_or_default();
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn remove_credentials_backs_up_removes_and_undo_restores_the_keychain_item() {
    use claude_auth_tui::fixes::{self, FixInput};
    use std::os::unix::fs::PermissionsExt;
    let mac = Mac::new();
    let dead = login_json("", "", 0, r#""user:inference""#);
    mac.store(keychain::BASE_SERVICE, &dead);
    let env = mac.env().build();
    let plan = fixes::plan(FixId::RemoveCredentials, &env, &FixInput::default()).expect("a plan");
    assert!(plan.summary.contains("macOS Keychain"), "{}", plan.summary);
    let entry = fixes::apply(&plan, &env).expect("applied");
    let item = mac.item_path(keychain::BASE_SERVICE);
    assert!(
        !item.exists() && !item.with_extension("hex").exists(),
        "item removed"
    );
    let backup = entry.keychain.as_ref().expect("journaled").backup.clone();
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), dead);
    assert_eq!(
        std::fs::metadata(&backup).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // The secret never went on a command line.
    fixes::undo_last(&env).expect("undone");
    assert_eq!(read_hex_item(&item), dead.as_bytes());
    assert!(
        !mac.calls().contains(&dead),
        "password on argv: {}",
        mac.calls()
    );
    assert!(mac.calls().contains("delete-generic-password"));
}

#[test]
fn explain_maps_the_keychain_and_race_messages() {
    use claude_auth_tui::classify::classify;
    let locked = classify(
        "security: SecKeychainItemCopyContent: User interaction is not allowed.\nNot logged in · Please run /login",
    );
    assert_eq!(locked.cause, Some(CauseId::KeychainLocked));
    let expired = classify("Login expired · Please run /login");
    assert!(
        expired
            .candidates
            .iter()
            .any(|c| c.cause == CauseId::SessionsShareLogin),
        "{expired:?}"
    );
}
