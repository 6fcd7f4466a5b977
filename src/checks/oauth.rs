//! `oauth`: the login credentials file the CLI reads (and the one it ignores), its shape, scopes,
//! expiry and permissions; the macOS keychain item where that is where the login lives.

use super::CheckCtx;
use crate::ids::{CauseId, CheckId, FixId};
use crate::outcome::{CheckOutcome, Status};
use crate::resolve::Method;
use crate::secret::mask;
use crate::sources::credentials::{CredentialsState, INFERENCE_SCOPE, OAuthTokens};
use crate::sources::global_config::GlobalState;
use crate::sources::keychain::KeychainState;

/// The CLI refreshes a token this close to its expiry.
const REFRESH_MARGIN_MS: i64 = 5 * 60 * 1000;
/// Warn when a token that cannot be refreshed expires within a day.
const SOON_MS: i64 = 24 * 60 * 60 * 1000;

#[must_use]
pub fn run(ctx: &CheckCtx) -> CheckOutcome {
    let env = &ctx.env;
    let creds = &ctx.facts.credentials;
    let path = env.display_path(&creds.path);
    let mut out = CheckOutcome::new(CheckId::Oauth);
    // Problems with the login matter most when nothing else authenticates.
    let login_needed = ctx.auth.effective.is_none()
        || ctx
            .auth
            .effective
            .as_ref()
            .is_some_and(|c| c.origin.is_stored_login());
    let severity = if login_needed {
        Status::Fail
    } else {
        Status::Warn
    };

    if let Some(problem) = config_dir_problem(ctx) {
        let (cause, summary) = problem;
        out.find(cause, Status::Fail, summary);
        if cause == CauseId::ConfigDirInvalid {
            out.offer(FixId::Relogin);
        }
        return out.finish("");
    }

    if env
        .raw_var("CLAUDE_CONFIG_DIR")
        .is_some_and(|v| !v.is_empty())
    {
        out.detail(format!(
            "CLAUDE_CONFIG_DIR is set: Claude Code keeps its login in {path}"
        ));
    }
    let misplaced = &ctx.facts.misplaced_credentials;
    if misplaced.state_exists() {
        let other = env.display_path(&misplaced.path);
        let summary = if creds.state_exists() {
            format!("{other} (no leading dot) is ignored by Claude Code; it reads {path}")
        } else {
            format!(
                "the login is in {other}, but Claude Code reads {path} (with a leading dot) and says \"Not logged in\""
            )
        };
        let misplaced_severity = if creds.state_exists() {
            Status::Warn
        } else {
            severity
        };
        out.find(CauseId::CredentialsMisplaced, misplaced_severity, summary);
        out.offer(FixId::RemoveCredentials);
        out.offer(FixId::Relogin);
    }

    // On macOS the Keychain item is the CLI's first choice; the file is its fallback.
    let keychain = keychain_part(&mut out, ctx, severity);
    if keychain == KeychainOutcome::HoldsLogin {
        out.detail(format!(
            "{path}: {} (only a fallback on macOS; the Keychain login is used)",
            if creds.state_exists() {
                "present"
            } else {
                "not present"
            }
        ));
    } else {
        file_part(&mut out, ctx, severity, &path, keychain);
    }

    if let Some(mode) = creds.mode.filter(|m| m & 0o077 != 0) {
        out.find(
            CauseId::CredentialsPermissions,
            Status::Warn,
            format!("{path} can be read by other users (mode {mode:o}; should be 600)"),
        );
        out.offer(FixId::TightenPermissions);
    }
    headless_part(&mut out, ctx);
    if let Some(email) = ctx.facts.global.account_email() {
        out.detail(format!("account recorded in ~/.claude.json: {email}"));
    }
    if let Some(token) = env.var("CLAUDE_CODE_OAUTH_TOKEN") {
        out.detail(format!(
            "CLAUDE_CODE_OAUTH_TOKEN = {} overrides the stored login when no API key or auth token is set",
            mask(token)
        ));
    }

    let default = match (&creds.state, keychain) {
        (_, KeychainOutcome::HoldsLogin) => {
            "logged in (macOS Keychain); the stored token looks valid".to_string()
        }
        (CredentialsState::Parsed(_), _) => "logged in; the stored token looks valid".to_string(),
        (_, _) => match ctx.auth.effective.as_ref() {
            Some(c) => format!(
                "no stored login (not needed: Claude Code uses {})",
                c.source
            ),
            None => "no stored login".to_string(),
        },
    };
    out.finish(&default)
}

/// A config folder that cannot hold a login: `CLAUDE_CONFIG_DIR` pointing at a file or FIFO, or
/// (without it) a HOME that is not a folder.
fn config_dir_problem(ctx: &CheckCtx) -> Option<(CauseId, String)> {
    let env = &ctx.env;
    if env
        .raw_var("CLAUDE_CONFIG_DIR")
        .is_some_and(|v| !v.is_empty())
    {
        let dir = env.claude_config_dir();
        let shown = env.display_path(&dir);
        let note = if env.is_non_utf8("CLAUDE_CONFIG_DIR") {
            " (its value is not valid UTF-8)"
        } else {
            ""
        };
        return match std::fs::metadata(&dir) {
            Ok(m) if !m.is_dir() => Some((
                CauseId::ConfigDirInvalid,
                format!(
                    "CLAUDE_CONFIG_DIR ({shown}){note} is not a directory: Claude Code can neither read nor save a login there"
                ),
            )),
            _ => None,
        };
    }
    super::shell_env::home_problem(env).map(|p| (CauseId::HomeMissing, p))
}

fn check_tokens(
    out: &mut CheckOutcome,
    ctx: &CheckCtx,
    tokens: &OAuthTokens,
    severity: Status,
    path: &str,
) {
    let now = ctx.env.now_ms();
    if let Some(kind) = &tokens.subscription_type {
        out.detail(format!("subscription: {kind}"));
    }
    if let Some(token) = tokens.access_token.as_deref().filter(|t| !t.is_empty()) {
        out.detail(format!("access token: {}", mask(token)));
    }
    out.detail(format!(
        "refresh token: {}",
        if tokens
            .refresh_token
            .as_deref()
            .is_some_and(|t| !t.is_empty())
        {
            "present"
        } else {
            "absent"
        }
    ));
    if let Some(scopes) = &tokens.scopes {
        out.detail(format!("scopes: {}", scopes.join(" ")));
    }

    let sessions = &ctx.facts.claude_sessions;
    if is_logged_out_stub(tokens) && !sessions.is_empty() {
        out.find(
            CauseId::SessionsShareLogin,
            severity,
            format!(
                "{path} holds a logged-out copy of the login (empty tokens, expiresAt 0) while {} \
                 other `claude` session{} on this login {} running (pid {}): the sessions renewed \
                 the login at the same moment, its refresh token works only once, and the one \
                 that lost wrote this copy over the shared login. Log in again once; to keep it \
                 from recurring, run fewer sessions on one login or give long-running ones their \
                 own CLAUDE_CONFIG_DIR",
                sessions.len(),
                if sessions.len() == 1 { "" } else { "s" },
                if sessions.len() == 1 { "is" } else { "are" },
                pid_list(sessions)
            ),
        );
        out.offer(FixId::Relogin);
        return;
    }
    if sessions.len() >= 2 {
        out.detail(format!(
            "{} `claude` sessions use this login right now (pid {}): they take turns renewing \
             it; if two renew at once, the loser logs all of them out (\"Login expired\")",
            sessions.len(),
            pid_list(sessions)
        ));
    }
    if tokens.access_token.is_some() && tokens.is_blanked() {
        out.find(
            CauseId::OauthRefreshDead,
            severity,
            format!(
                "{path} exists but its access token is empty: the refresh token was refused and Claude Code blanked the login"
            ),
        );
        out.offer(FixId::Relogin);
        out.offer(FixId::RemoveCredentials);
        return;
    }
    let missing = tokens.missing_fields();
    if missing.contains(&"accessToken") {
        out.find(
            CauseId::CredentialsCorrupt,
            severity,
            format!("{path} lacks {}", missing.join(", ")),
        );
        out.offer(FixId::RemoveCredentials);
        out.offer(FixId::Relogin);
        return;
    }
    if !missing.is_empty() {
        out.detail(format!("missing fields: {}", missing.join(", ")));
    }
    if !tokens.has_inference_scope() {
        out.find(
            CauseId::OauthScopeMissing,
            severity,
            format!(
                "the stored login lacks the `{INFERENCE_SCOPE}` scope, so Claude Code ignores it"
            ),
        );
        out.offer(FixId::Relogin);
    }
    let can_refresh = tokens
        .refresh_token
        .as_deref()
        .is_some_and(|t| !t.is_empty());
    if let Some(expires) = tokens.expires_at_ms {
        let when = describe_time(expires, now);
        out.detail(format!("expires: {when}"));
        // Until `expiresAt` passes the CLI sends the token (verified 2 minutes before, refresh
        // server unreachable): only a token past its expiry is `oauth-expired`.
        if now >= expires {
            if can_refresh {
                out.find(
                    CauseId::OauthExpired,
                    Status::Warn,
                    format!(
                        "the login token expired {when}; Claude Code will try to renew it with the refresh token, which fails if platform.claude.com is unreachable or the refresh token was revoked"
                    ),
                );
            } else {
                out.find(
                    CauseId::OauthExpired,
                    severity,
                    format!("the login token expired {when} and there is no refresh token"),
                );
            }
            out.offer(FixId::Relogin);
        } else if !can_refresh && expires - now < SOON_MS {
            out.find(
                CauseId::OauthExpiringSoon,
                Status::Warn,
                format!("the login token expires {when} and cannot be renewed"),
            );
            out.offer(FixId::Relogin);
        } else if expires - now <= REFRESH_MARGIN_MS {
            out.find(
                CauseId::OauthExpiringSoon,
                Status::Warn,
                format!(
                    "the login token expires {when}: it still works, and Claude Code renews it \
                     with the refresh token (which needs platform.claude.com reachable)"
                ),
            );
        }
    }
    let shadowed_by = ctx
        .auth
        .effective
        .as_ref()
        .filter(|c| !c.origin.is_stored_login() && c.method != Method::None);
    if let Some(winner) = shadowed_by {
        out.detail(format!(
            "this login is not used: {} wins",
            winner.describe(&ctx.env)
        ));
    }
}

/// Logging in where no browser can open (SSH, WSL, containers, no display), and a container
/// whose `~/.claude.json` lost its onboarding record.
fn headless_part(out: &mut CheckOutcome, ctx: &CheckCtx) {
    let surface = &ctx.facts.surface;
    if !surface.is_headless() {
        return;
    }
    let where_ = surface.describe();
    if out.fixes.contains(&FixId::Relogin) {
        out.find(
            CauseId::LoginNeedsBrowser,
            Status::Warn,
            format!(
                "logging in again with `claude auth login` needs a browser, which {where_} cannot \
                 open here; run `claude setup-token` instead (it shows an address to open on any \
                 device) and put the token it prints in CLAUDE_CODE_OAUTH_TOKEN"
            ),
        );
    }
    let global = &ctx.facts.global;
    let readable = matches!(global.state, GlobalState::Loaded(_) | GlobalState::Missing);
    // A missing file matters when a login is there to be used (the devcontainer case: the
    // mounted ~/.claude survived, the ~/.claude.json next to it did not).
    let has_login = ctx.facts.stored_login().tokens().is_some()
        || ctx.env.var("CLAUDE_CODE_OAUTH_TOKEN").is_some();
    let lacks = match global.state {
        GlobalState::Missing => has_login,
        _ => readable && global.has_completed_onboarding() != Some(true),
    };
    if surface.container && lacks {
        let shown = ctx.env.display_path(&global.path);
        let what = if matches!(global.state, GlobalState::Missing) {
            format!("there is no {shown}")
        } else {
            format!("{shown} lacks \"hasCompletedOnboarding\"")
        };
        out.find(
            CauseId::OnboardingIncomplete,
            Status::Warn,
            format!(
                "in this container {what}, so Claude Code starts with its first-run screens and \
                 login picker again, even with a login or CLAUDE_CODE_OAUTH_TOKEN; keep that file \
                 on the volume too (or set CLAUDE_CONFIG_DIR to a folder on the volume)"
            ),
        );
    }
}

/// What the macOS Keychain said, which decides how the file is judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeychainOutcome {
    /// Not macOS: only the file counts.
    NotApplicable,
    /// The item holds a login: it is the one the CLI uses.
    HoldsLogin,
    /// Locked: the CLI cannot read the login (already reported).
    Locked,
    /// No item, or it could not be read: the CLI falls back to the file.
    FallsBackToFile,
}

fn keychain_part(out: &mut CheckOutcome, ctx: &CheckCtx, severity: Status) -> KeychainOutcome {
    let Some(login) = &ctx.facts.keychain else {
        return KeychainOutcome::NotApplicable;
    };
    let item = login.item.describe();
    match &login.state {
        KeychainState::Found(CredentialsState::Parsed(tokens)) => {
            out.detail(format!("login found in {item}"));
            check_tokens(out, ctx, tokens, severity, &item);
            KeychainOutcome::HoldsLogin
        }
        KeychainState::Found(_) => {
            out.find(
                CauseId::CredentialsCorrupt,
                Status::Warn,
                format!("{item} does not hold a readable login (not the JSON Claude Code writes)"),
            );
            out.offer(FixId::RemoveCredentials);
            out.offer(FixId::Relogin);
            KeychainOutcome::FallsBackToFile
        }
        KeychainState::Locked => {
            let file_usable = ctx
                .facts
                .credentials
                .tokens()
                .and_then(OAuthTokens::usable_token)
                .is_some();
            let over_ssh =
                ctx.env.var("SSH_CONNECTION").is_some() || ctx.env.var("SSH_TTY").is_some();
            out.find(
                CauseId::KeychainLocked,
                if file_usable { Status::Warn } else { severity },
                format!(
                    "the macOS Keychain is locked (`security` said \"User interaction is not allowed\"), so Claude Code cannot read the login in {item}{}; unlock it with `security unlock-keychain ~/Library/Keychains/login.keychain-db`, or {}",
                    if over_ssh { " (usual over SSH)" } else { "" },
                    "over SSH use `claude setup-token` and put the token in CLAUDE_CODE_OAUTH_TOKEN"
                ),
            );
            out.offer(FixId::Relogin);
            KeychainOutcome::Locked
        }
        KeychainState::NotFound => {
            out.detail(format!("{item}: not present"));
            KeychainOutcome::FallsBackToFile
        }
        KeychainState::Failed(why) => {
            out.detail(format!("{item}: could not be read: {why}"));
            KeychainOutcome::FallsBackToFile
        }
    }
}

/// The credentials file, judged as the login (Linux, Windows) or as the macOS fallback.
fn file_part(
    out: &mut CheckOutcome,
    ctx: &CheckCtx,
    severity: Status,
    path: &str,
    keychain: KeychainOutcome,
) {
    let creds = &ctx.facts.credentials;
    let misplaced = &ctx.facts.misplaced_credentials;
    match &creds.state {
        CredentialsState::Missing => {
            out.detail(format!("{path}: not present"));
            if keychain == KeychainOutcome::Locked {
                // The locked keychain is the reason; nothing more to say about the file.
            } else if ctx.auth.effective.is_none() && !misplaced.state_exists() {
                let also = if keychain == KeychainOutcome::FallsBackToFile {
                    " and no login in the macOS Keychain"
                } else {
                    ""
                };
                out.find(
                    CauseId::NoCredentials,
                    Status::Fail,
                    format!("not logged in: there is no {path}{also}"),
                );
                out.offer(FixId::Relogin);
            } else if !misplaced.state_exists() {
                out.status = Status::Skip;
            }
        }
        CredentialsState::Unreadable(problem) => {
            out.find(
                CauseId::CredentialsCorrupt,
                severity,
                format!("{path} {problem}"),
            );
            out.offer(FixId::RemoveCredentials);
        }
        CredentialsState::NotJson { reason, .. } => {
            out.find(
                CauseId::CredentialsCorrupt,
                severity,
                format!("{path} {reason}: Claude Code silently treats it as no login"),
            );
            out.offer(FixId::RemoveCredentials);
            out.offer(FixId::Relogin);
        }
        CredentialsState::NoOauthSection => {
            out.find(
                CauseId::CredentialsCorrupt,
                severity,
                format!("{path} has no \"claudeAiOauth\" section, so it holds no login"),
            );
            out.offer(FixId::RemoveCredentials);
            out.offer(FixId::Relogin);
        }
        CredentialsState::Parsed(tokens) => {
            if keychain != KeychainOutcome::NotApplicable {
                out.detail(format!("login found in {path} (the macOS fallback)"));
            }
            check_tokens(out, ctx, tokens, severity, path);
        }
    }
}

/// What the session that loses a refresh race writes: empty tokens and `expiresAt` 0.
fn is_logged_out_stub(tokens: &OAuthTokens) -> bool {
    tokens.access_token.as_deref() == Some("")
        && tokens.refresh_token.as_deref().is_none_or(str::is_empty)
        && tokens.expires_at_ms.is_none_or(|at| at == 0)
}

fn pid_list(sessions: &[crate::sources::processes::ClaudeSession]) -> String {
    let pids: Vec<String> = sessions.iter().take(8).map(|s| s.pid.to_string()).collect();
    let more = if sessions.len() > 8 { ", …" } else { "" };
    format!("{}{more}", pids.join(", "))
}

/// "2026-11-25 14:00 UTC (in 3 h)" / "(2 days ago)".
#[must_use]
pub fn describe_time(epoch_ms: i64, now_ms: i64) -> String {
    let absolute = time::OffsetDateTime::from_unix_timestamp(epoch_ms / 1000)
        .ok()
        .and_then(|t| {
            t.format(&time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute] UTC"
            ))
            .ok()
        })
        .unwrap_or_else(|| format!("{epoch_ms} ms"));
    let delta = epoch_ms - now_ms;
    let abs = delta.unsigned_abs() / 1000;
    let span = if abs < 120 {
        format!("{abs} s")
    } else if abs < 7200 {
        format!("{} min", abs / 60)
    } else if abs < 172_800 {
        format!("{} h", abs / 3600)
    } else {
        format!("{} days", abs / 86_400)
    };
    if delta >= 0 {
        format!("{absolute} (in {span})")
    } else {
        format!("{absolute} ({span} ago)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_past_and_future() {
        let now = 1_800_000_000_000;
        assert!(describe_time(now + 3 * 3_600_000, now).ends_with("(in 3 h)"));
        assert!(describe_time(now - 3 * 86_400_000, now).ends_with("(3 days ago)"));
    }
}
