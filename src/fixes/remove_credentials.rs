//! remove-credentials: back up and remove a misplaced `credentials.json` (the CLI ignores it),
//! else a corrupt, blanked or expired `.credentials.json`, so that a fresh login starts clean.

use super::keychain_store::{self, KeychainRemoval};
use super::plan::{FileEdit, FixPlan};
use super::{FixError, FixInput, read_before};
use crate::env::Environment;
use crate::ids::FixId;
use crate::sources::credentials::{CredentialsFile, CredentialsState};
use crate::sources::keychain::{self, KeychainLogin, KeychainState};
use std::path::PathBuf;

/// Why a credentials file should go, or `None` if it is fine (or absent).
fn reason(file: &CredentialsFile, misplaced: bool, now_ms: i64) -> Option<String> {
    if misplaced {
        return (file.state != CredentialsState::Missing).then(|| {
            "it is at the path an old article gives (no leading dot), which Claude Code never \
             reads; it only causes confusion"
                .to_string()
        });
    }
    match &file.state {
        CredentialsState::Missing | CredentialsState::Unreadable(_) => None,
        CredentialsState::NotJson { reason, .. } => Some(format!(
            "it {reason}; Claude Code silently treats it as no login at all"
        )),
        CredentialsState::NoOauthSection => {
            Some("it has no `claudeAiOauth` login in it".to_string())
        }
        CredentialsState::Parsed(t) if t.is_blanked() => Some(
            "its tokens were blanked after the login was revoked or its refresh failed".to_string(),
        ),
        CredentialsState::Parsed(t) if t.expires_at_ms.is_some_and(|at| at <= now_ms) => Some(
            "its login token has expired (Claude Code normally refreshes it by itself; remove it \
             when that keeps failing)"
                .to_string(),
        ),
        CredentialsState::Parsed(_) => None,
    }
}

pub(crate) fn plan(env: &Environment, input: &FixInput) -> Result<FixPlan, FixError> {
    let real = env.credentials_path();
    let misplaced = env.misplaced_credentials_path();
    let candidates: Vec<(PathBuf, bool)> = match &input.target {
        Some(p) if p == &misplaced => vec![(misplaced, true)],
        Some(p) if p == &real => vec![(real, false)],
        Some(p) => {
            return Err(FixError::InvalidInput(format!(
                "remove-credentials removes only {} or {}, not {}.",
                env.display_path(&real),
                env.display_path(&misplaced),
                env.display_path(p)
            )));
        }
        None => {
            if let Some(plan) = keychain_plan(env)? {
                return Ok(plan);
            }
            vec![(misplaced, true), (real, false)]
        }
    };
    for (path, is_misplaced) in candidates {
        let file = CredentialsFile::load_path(path.clone());
        if let CredentialsState::Unreadable(problem) = &file.state {
            return Err(FixError::Refused(format!(
                "{} {problem}; look at it by hand.",
                env.display_path(&path)
            )));
        }
        let Some(why) = reason(&file, is_misplaced, env.now_ms()) else {
            continue;
        };
        let Some(before) = read_before(env, &path)? else {
            continue;
        };
        let shown = env.display_path(&path);
        let mut plan = FixPlan::new(
            FixId::RemoveCredentials,
            format!("Remove {shown}: {why}. A copy is kept in the backups, and undo puts it back."),
        );
        if let Some(t) = file.tokens() {
            for token in [&t.access_token, &t.refresh_token].into_iter().flatten() {
                plan.add_secret(token);
            }
        }
        plan.notes.push(
            "Log in again: `claude auth login` (or /login inside claude); on a machine without \
             a browser, `claude setup-token` and CLAUDE_CODE_OAUTH_TOKEN."
                .to_string(),
        );
        plan.edits.push(FileEdit {
            path,
            before: Some(before),
            after: None,
            mode: None,
        });
        return Ok(plan);
    }
    Err(FixError::NothingToDo(format!(
        "there is no misplaced, corrupt, blanked or expired credentials file ({} is {}).",
        env.display_path(&env.credentials_path()),
        if env.credentials_path().exists() {
            "fine"
        } else {
            "absent"
        }
    )))
}

/// On macOS the login lives in the Keychain: a blanked, corrupt or expired item goes (backed
/// up first), so that the next login starts clean.
fn keychain_plan(env: &Environment) -> Result<Option<FixPlan>, FixError> {
    let Some(login) = KeychainLogin::load(env) else {
        return Ok(None);
    };
    let KeychainState::Found(state) = &login.state else {
        return Ok(None);
    };
    let as_file = CredentialsFile {
        path: PathBuf::new(),
        state: state.clone(),
        mode: None,
    };
    let Some(why) = reason(&as_file, false, env.now_ms()) else {
        return Ok(None);
    };
    let Some(before) = keychain_store::current(env, &login.item)? else {
        return Ok(None);
    };
    let shown = login.item.describe();
    let mut plan = FixPlan::new(
        FixId::RemoveCredentials,
        format!(
            "Remove {shown}: {why}. A copy is kept (readable by you only) in the backups, and \
             undo puts it back."
        ),
    );
    if let Some(t) = as_file.tokens() {
        for token in [&t.access_token, &t.refresh_token].into_iter().flatten() {
            plan.add_secret(token);
        }
    }
    plan.notes.push(format!(
        "Log in again: `claude auth login` (or /login inside claude). The command run is `{} \
         delete-generic-password -a {} -s \"{}\"`.",
        keychain::security_program(env).display(),
        login.item.account,
        login.item.service
    ));
    plan.keychain = Some(KeychainRemoval {
        item: login.item,
        before,
    });
    Ok(Some(plan))
}
