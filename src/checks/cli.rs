//! `cli`: `claude` on PATH, which installation it is and its version, and several installs.
//! The version is read from the installation's files ([`cli_install`]); `claude --version` runs
//! only for a layout we do not know, and its answer is cached per binary ([`cli_cache`]).
//! `claude auth status --json` runs only when asked (`--cross-check`, [`cli_cross`]).
//!
//! [`cli_install`]: super::cli_install
//! [`cli_cache`]: super::cli_cache
//! [`cli_cross`]: super::cli_cross

use super::CheckCtx;
use super::child::{self, ChildError};
use super::{cli_cache, cli_cross, cli_install};
use crate::env::Environment;
use crate::ids::{CauseId, CheckId};
use crate::outcome::{CheckOutcome, CliInfo, CliInstall, InstallKind, Status, VersionSource};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Each `claude` invocation gets this long.
pub const CLI_TIMEOUT: Duration = Duration::from_secs(5);

/// Whether a `claude --version` answer may be written to the cache (`fix --dry-run` and other
/// read-only paths never write).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheWrite {
    Allowed,
    Never,
}

pub async fn run(ctx: &CheckCtx) -> CheckOutcome {
    let mut out = CheckOutcome::new(CheckId::Cli);
    let (env, from_home) = probe_env(ctx);
    let env: &Environment = &env;
    if from_home {
        out.detail(
            "`claude` was started from your home folder, not this untrusted folder, so that it \
             cannot run this folder's commands",
        );
    }
    let Some(info) = identify_all(env, CacheWrite::Allowed, &mut out).await else {
        out.find(
            CauseId::CliMissing,
            Status::Fail,
            "`claude` is not on PATH: install Claude Code (`npm install -g @anthropic-ai/claude-code`, or the native installer) or fix PATH",
        );
        return out.finish("");
    };
    let active = &info.active;
    out.detail(format!("claude: {}", describe(env, active)));
    if let Some(v) = &active.version {
        out.detail(format!("version: {v} ({})", source_words(active)));
    }
    if !info.shadowed.is_empty() {
        let list: Vec<String> = std::iter::once(active)
            .chain(&info.shadowed)
            .map(|i| describe(env, i))
            .collect();
        out.find(
            CauseId::MultipleInstalls,
            Status::Warn,
            format!(
                "{} different `claude` installs on PATH; the first wins: {}",
                list.len(),
                list.join(", ")
            ),
        );
    }
    let summary = match &active.version {
        Some(v) => format!("Claude Code {v} at {}", env.display_path(&active.path)),
        None => format!("found at {}", env.display_path(&active.path)),
    };
    out.cli = Some(info);
    if ctx.opts.cross_check {
        cli_cross::amend(ctx, &mut out).await;
    }
    out.finish(&summary)
}

/// The environment `claude` is started with: the snapshot's, but from the home folder when
/// this folder is untrusted (`claude` reads the working folder's settings, and a non-interactive
/// `claude` may run an untrusted folder's commands). True when moved.
pub(super) fn probe_env(ctx: &CheckCtx) -> (std::borrow::Cow<'_, Environment>, bool) {
    if super::trust::untrusted_commands(ctx).is_empty() {
        (std::borrow::Cow::Borrowed(&*ctx.env), false)
    } else {
        (
            std::borrow::Cow::Owned(ctx.env.with_cwd(ctx.env.home())),
            true,
        )
    }
}

/// Every `claude` on PATH identified (concurrently), the first one active; problems found on
/// the way (a placeholder binary, a `--version` that failed) go into `out`. `None`: no `claude`.
pub async fn identify_all(
    env: &Environment,
    cache: CacheWrite,
    out: &mut CheckOutcome,
) -> Option<CliInfo> {
    let found = find_installs(env);
    let identified =
        futures_util::future::join_all(found.iter().map(|p| identify(env, p, cache))).await;
    let mut installs = Vec::with_capacity(identified.len());
    for (install, problem) in identified {
        if let Some(problem) = problem {
            out.find(CauseId::CliUnresponsive, Status::Warn, problem);
        }
        installs.push(install);
    }
    let mut installs = installs.into_iter();
    let active = installs.next()?;
    Some(CliInfo {
        active,
        shadowed: installs.collect(),
    })
}

/// The version of the `claude` that runs, for `fix` (nothing is written).
pub async fn installed_version(env: &Environment) -> Option<String> {
    let mut ignored = CheckOutcome::new(CheckId::Cli);
    identify_all(env, CacheWrite::Never, &mut ignored)
        .await?
        .active
        .version
}

/// One install: the layout first, then the cache, then `claude --version` (cached after).
async fn identify(
    env: &Environment,
    found: &Path,
    cache: CacheWrite,
) -> (CliInstall, Option<String>) {
    let layout = cli_install::read(found);
    let mut install = CliInstall {
        path: found.to_path_buf(),
        resolved: layout.resolved.clone(),
        kind: layout.kind,
        version: layout.version.clone(),
        version_from: layout.version.is_some().then_some(VersionSource::Layout),
    };
    let shown = env.display_path(found);
    if layout.npm_stub {
        let problem = format!(
            "{shown} is the npm package's placeholder, not Claude Code: its install step never put the binary in place (installed with --ignore-scripts or --omit=optional); reinstall with `npm install -g @anthropic-ai/claude-code`"
        );
        return (install, Some(problem));
    }
    if install.version.is_some() {
        return (install, None);
    }
    let key = cli_cache::BinaryKey::of(&layout.resolved);
    if let Some(version) = key.as_ref().and_then(|k| cli_cache::lookup(env, k)) {
        install.version = Some(version);
        install.version_from = Some(VersionSource::Cache);
        return (install, None);
    }
    match run_claude(env, found, &["--version"]).await {
        Ok(Answer {
            code: 0, stdout, ..
        }) => {
            let version = parse_version(&stdout).unwrap_or_else(|| first_line(&stdout).to_string());
            if let (Some(key), CacheWrite::Allowed) = (&key, cache)
                && !version.is_empty()
            {
                cli_cache::store(env, key, &version);
            }
            install.version = (!version.is_empty()).then_some(version);
            install.version_from = install.version.is_some().then_some(VersionSource::Command);
            (install, None)
        }
        Ok(Answer { code, stderr, .. }) => {
            let why = crate::secret::scrub(first_line(&stderr), &[]);
            (
                install,
                Some(format!("`{shown} --version` failed (exit {code}): {why}")),
            )
        }
        Err(why) => (install, Some(format!("`{shown} --version` {why}"))),
    }
}

/// `~/.local/bin/claude (2.1.197, native)`.
fn describe(env: &Environment, install: &CliInstall) -> String {
    let version = install.version.as_deref().unwrap_or("version unknown");
    format!(
        "{} ({version}, {})",
        env.display_path(&install.path),
        install.kind.as_str()
    )
}

fn source_words(install: &CliInstall) -> &'static str {
    match (install.version_from, install.kind) {
        (Some(VersionSource::Layout), InstallKind::Native) => {
            "read from the native installer's versions folder"
        }
        (Some(VersionSource::Layout), InstallKind::Npm) => "read from the npm package.json",
        (Some(VersionSource::Layout), _) => "read from the install folder's name",
        (Some(VersionSource::Cache), _) => "remembered `claude --version` for this binary",
        _ => "from `claude --version`",
    }
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

pub(super) fn first_line(text: &str) -> &str {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
}

pub(super) struct Answer {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Why `claude` gave no answer. `Display` follows "`claude --version` …".
#[derive(Debug, thiserror::Error)]
pub(super) enum RunError {
    #[error("did not answer within {0} s")]
    TimedOut(u64),
    #[error("could not start: {0}")]
    CouldNotStart(String),
    #[error("failed: {0}")]
    Failed(String),
}

/// Runs `claude ARGS` with the snapshot's environment, bounded in time and output.
pub(super) async fn run_claude(
    env: &Environment,
    program: &Path,
    args: &[&str],
) -> Result<Answer, RunError> {
    match child::run_bounded(env, program, args, CLI_TIMEOUT, 256 * 1024).await {
        Ok(o) => Ok(Answer {
            code: o.code.unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }),
        Err(ChildError::TimedOut) => Err(RunError::TimedOut(CLI_TIMEOUT.as_secs())),
        Err(ChildError::CouldNotStart(e)) => Err(RunError::CouldNotStart(e)),
        Err(ChildError::Failed(e)) => Err(RunError::Failed(e)),
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
