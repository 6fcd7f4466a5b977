//! `cli`: `claude` on PATH, whether `claude --version` answers, several installs, and what
//! `claude auth status --json` believes (it never calls the server, so it can say "logged in"
//! while every request fails).

use super::CheckCtx;
use super::child::{self, ChildError};
use crate::env::Environment;
use crate::ids::{CauseId, CheckId};
use crate::outcome::{CheckOutcome, Status};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Each `claude` invocation gets this long.
pub const CLI_TIMEOUT: Duration = Duration::from_secs(5);

pub async fn run(ctx: &CheckCtx) -> CheckOutcome {
    let mut out = CheckOutcome::new(CheckId::Cli);
    // `claude` reads the working folder's settings, and a non-interactive `claude` may run an
    // untrusted folder's commands: probe it from the home folder instead.
    let away;
    let env: &Environment = if super::trust::untrusted_commands(ctx).is_empty() {
        &ctx.env
    } else {
        away = ctx.env.with_cwd(ctx.env.home());
        out.detail(
            "`claude` was started from your home folder, not this untrusted folder, so that it \
             cannot run this folder's commands",
        );
        &away
    };
    let installs = find_installs(env);
    let Some(first) = installs.first() else {
        out.find(
            CauseId::CliMissing,
            Status::Fail,
            "`claude` is not on PATH: install Claude Code (`npm install -g @anthropic-ai/claude-code`, or the native installer) or fix PATH",
        );
        return out.finish("");
    };
    out.detail(format!("claude: {}", env.display_path(first)));
    if installs.len() > 1 {
        let list: Vec<String> = installs.iter().map(|p| env.display_path(p)).collect();
        out.find(
            CauseId::MultipleInstalls,
            Status::Warn,
            format!(
                "{} different `claude` installs on PATH; the first wins: {}",
                installs.len(),
                list.join(", ")
            ),
        );
    }

    let version = match run_claude(env, first, &["--version"]).await {
        Ok(Answer {
            code: 0, stdout, ..
        }) => {
            let v = parse_version(&stdout).unwrap_or_else(|| stdout.trim().to_string());
            out.detail(format!("version: {v}"));
            Some(v)
        }
        Ok(Answer { code, stderr, .. }) => {
            out.find(
                CauseId::CliUnresponsive,
                Status::Warn,
                format!(
                    "`claude --version` failed (exit {code}): {}",
                    crate::secret::scrub(first_line(&stderr), &[])
                ),
            );
            None
        }
        Err(why) => {
            out.find(
                CauseId::CliUnresponsive,
                Status::Warn,
                format!("`claude --version` {why}"),
            );
            None
        }
    };

    let major = version
        .as_deref()
        .and_then(|v| v.split('.').next())
        .and_then(|m| m.parse::<u32>().ok());
    if major.is_some_and(|m| m >= 2) {
        match run_claude(env, first, &["auth", "status", "--json"]).await {
            Ok(answer) => describe_auth_status(&mut out, ctx, &answer.stdout),
            Err(why) => out.detail(format!("`claude auth status --json` {why}")),
        }
    }

    let summary = match &version {
        Some(v) => format!("Claude Code {v} at {}", env.display_path(first)),
        None => format!("found at {}", env.display_path(first)),
    };
    out.finish(&summary)
}

/// Every distinct `claude` on the snapshot's PATH, in PATH order.
#[must_use]
pub fn find_installs(env: &Environment) -> Vec<PathBuf> {
    let path = std::env::join_paths(env.path_dirs()).unwrap_or_default();
    let Ok(found) = which::which_in_all("claude", Some(path), env.cwd()) else {
        return Vec::new();
    };
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut out = Vec::new();
    for p in found {
        let real = std::fs::canonicalize(&p).unwrap_or_else(|_| p.clone());
        if !seen.contains(&real) {
            seen.push(real);
            out.push(p);
        }
    }
    out
}

/// "2.1.197 (Claude Code)" → "2.1.197".
#[must_use]
pub fn parse_version(stdout: &str) -> Option<String> {
    stdout
        .split_whitespace()
        .find(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()) && w.contains('.'))
        .map(str::to_string)
}

fn first_line(text: &str) -> &str {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
}

struct Answer {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `claude ARGS` with the snapshot's environment, bounded in time and output.
async fn run_claude(env: &Environment, program: &Path, args: &[&str]) -> Result<Answer, String> {
    match child::run_bounded(env, program, args, CLI_TIMEOUT, 256 * 1024).await {
        Ok(o) => Ok(Answer {
            code: o.code.unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }),
        Err(ChildError::TimedOut) => {
            Err(format!("did not answer within {} s", CLI_TIMEOUT.as_secs()))
        }
        Err(ChildError::CouldNotStart(e)) => Err(format!("could not start: {e}")),
        Err(ChildError::Failed(e)) => Err(format!("failed: {e}")),
    }
}

fn describe_auth_status(out: &mut CheckOutcome, ctx: &CheckCtx, stdout: &str) {
    let Ok(status) = serde_json::from_str::<serde_json::Value>(stdout.trim()) else {
        out.detail("`claude auth status --json` printed no JSON");
        return;
    };
    let logged_in = status.get("loggedIn").and_then(serde_json::Value::as_bool);
    let method = status
        .get("authMethod")
        .and_then(|v| v.as_str())
        .unwrap_or("?");
    let provider = status
        .get("apiProvider")
        .and_then(|v| v.as_str())
        .unwrap_or("?");
    out.detail(format!(
        "Claude Code's own view (`claude auth status`): loggedIn={}, authMethod={method}, apiProvider={provider}; it never asks the server, so it can say logged in while every request fails",
        logged_in.map_or_else(|| "?".to_string(), |b| b.to_string())
    ));
    let ours = ctx.auth.method();
    if logged_in == Some(false) && ctx.auth.effective.is_some() {
        out.detail(format!(
            "we find a credential ({}) that Claude Code does not count as a login",
            ours.as_str()
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_parsing() {
        assert_eq!(
            parse_version("2.1.197 (Claude Code)\n").as_deref(),
            Some("2.1.197")
        );
        assert_eq!(parse_version("nothing"), None);
    }
}
