//! The checks: each an async task over one run's [`CheckCtx`], with its own time limit, returning a
//! [`CheckOutcome`] value (a failure is a value, never an error or a panic).

pub mod adc;
pub mod child;
pub mod cli;
pub mod cli_cache;
pub mod cli_cross;
pub mod cli_install;
pub mod config_scope;
pub mod custom_oauth;
pub mod endpoint;
pub mod helper;
mod known_secrets;
pub mod live;
pub mod live_fallback;
pub mod oauth;
pub mod shell_env;
pub mod trust;

use crate::env::Environment;
use crate::ids::{CauseId, CheckId};
use crate::outcome::{CheckOutcome, Status};
use crate::resolve::{self, EffectiveAuth, Endpoint, Mode};
use crate::sources::Facts;
use helper::HelperRun;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Options shared by `check` and the wizard.
#[derive(Clone, Copy, Debug)]
pub struct CheckOptions {
    /// Skip the live request.
    pub offline: bool,
    /// Limit for the live request.
    pub timeout: Duration,
    /// Also ask the CLI itself (`claude auth status --json`) and report where it disagrees.
    pub cross_check: bool,
}

impl Default for CheckOptions {
    fn default() -> Self {
        Self {
            offline: false,
            timeout: Duration::from_secs(10),
            cross_check: false,
        }
    }
}

/// Everything one diagnosis run knows: the environment, the files read once, and the resolved
/// credential and endpoint.
#[derive(Debug)]
pub struct CheckCtx {
    pub env: Arc<Environment>,
    pub facts: Facts,
    pub opts: CheckOptions,
    /// What an interactive `claude` session uses.
    pub auth: EffectiveAuth,
    /// What `claude -p` uses (differs when a key was declined or the folder is untrusted).
    pub auth_print: EffectiveAuth,
    pub endpoint: Endpoint,
    helper: tokio::sync::OnceCell<Option<HelperRun>>,
    secrets: std::sync::OnceLock<crate::secrets::Secrets>,
}

impl CheckCtx {
    /// Reads the sources (blocking file I/O) and resolves credentials.
    #[must_use]
    pub fn new(env: Arc<Environment>, opts: CheckOptions) -> Self {
        let facts = Facts::gather(&env);
        Self::from_facts(env, facts, opts)
    }

    #[must_use]
    pub fn from_facts(env: Arc<Environment>, facts: Facts, opts: CheckOptions) -> Self {
        let auth = resolve::effective_auth(&env, &facts, Mode::Interactive);
        let auth_print = resolve::effective_auth(&env, &facts, Mode::Print);
        let endpoint = resolve::endpoint(&env, &facts, Mode::Interactive);
        Self {
            env,
            facts,
            opts,
            auth,
            auth_print,
            endpoint,
            helper: tokio::sync::OnceCell::new(),
            secrets: std::sync::OnceLock::new(),
        }
    }

    /// Every secret value this run can see (credential variables, profile and settings values,
    /// stored tokens), collected once: what every text of the run is masked with.
    pub fn secrets(&self) -> &crate::secrets::Secrets {
        self.secrets.get_or_init(|| known_secrets::collect(self))
    }

    /// Runs the effective `apiKeyHelper` once per run (shared by config-scope and live). A helper
    /// from an untrusted folder's settings is never run: [`HelperRun::NotRun`].
    pub async fn helper_run(&self) -> Option<&HelperRun> {
        self.helper
            .get_or_init(|| async {
                let spec = self
                    .auth
                    .helper
                    .as_ref()
                    .or(self.auth_print.helper.as_ref())?;
                if !spec.may_run {
                    return Some(HelperRun::NotRun);
                }
                Some(helper::run(&self.env, &spec.command).await)
            })
            .await
            .as_ref()
    }
}

/// How long each check may take before it is reported as timed out.
#[must_use]
pub fn time_limit(id: CheckId, opts: &CheckOptions) -> Duration {
    match id {
        CheckId::Cli => Duration::from_secs(12),
        CheckId::Live => opts.timeout + helper::HELPER_TIMEOUT + Duration::from_secs(2),
        CheckId::ConfigScope => helper::HELPER_TIMEOUT + Duration::from_secs(2),
        CheckId::ShellEnv | CheckId::Oauth | CheckId::Endpoint => Duration::from_secs(5),
    }
}

async fn dispatch(id: CheckId, ctx: Arc<CheckCtx>) -> CheckOutcome {
    match id {
        CheckId::Cli => cli::run(&ctx).await,
        CheckId::ShellEnv => shell_env::run(&ctx),
        CheckId::Oauth => oauth::run(&ctx),
        CheckId::Live => live_fallback::run(&ctx).await,
        CheckId::ConfigScope => config_scope::run(&ctx).await,
        CheckId::Endpoint => endpoint::run(&ctx),
    }
}

/// Aborts a spawned task when dropped.
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs one check in its own task with its time limit. Never panics, never errs.
pub async fn run_check(id: CheckId, ctx: Arc<CheckCtx>) -> CheckOutcome {
    let started = Instant::now();
    let limit = time_limit(id, &ctx.opts);
    let task = tokio::spawn(dispatch(id, ctx));
    // The check stops with its caller (a re-run in the wizard cancels the one in flight) and
    // at its time limit, instead of running on in the background with its request open.
    let _stop = AbortOnDrop(task.abort_handle());
    let mut outcome = match tokio::time::timeout(limit, task).await {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(join_error)) => {
            let mut out = CheckOutcome::new(id);
            out.status = Status::Fail;
            out.summary = "this check crashed (a bug in claude-auth-tui; please report it)".into();
            out.detail(format!("internal error: {join_error}"));
            out
        }
        Err(_) => {
            let mut out = CheckOutcome::new(id);
            out.status = Status::Warn;
            out.summary = format!("did not finish within {} s", limit.as_secs());
            out
        }
    };
    outcome.elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    outcome
}

/// Runs every check concurrently; results come back in checklist order.
pub async fn run_all(ctx: Arc<CheckCtx>) -> Vec<CheckOutcome> {
    let handles: Vec<_> = CheckId::ALL
        .iter()
        .map(|&id| tokio::spawn(run_check(id, Arc::clone(&ctx))))
        .collect();
    let mut out = Vec::with_capacity(handles.len());
    for (handle, &id) in handles.into_iter().zip(CheckId::ALL) {
        out.push(handle.await.unwrap_or_else(|e| {
            let mut o = CheckOutcome::new(id);
            o.status = Status::Fail;
            o.summary = format!("internal error: {e}");
            o
        }));
    }
    out
}

/// The root cause of the trouble, as a stable id.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PrimaryCause {
    pub cause: CauseId,
    pub check: CheckId,
    pub summary: String,
}

/// Order in which checks' findings are weighed for the primary cause: the user's five causes
/// first, the CLI's presence last (a missing CLI matters only if nothing else explains it).
const CAUSE_ORDER: &[CheckId] = &[
    CheckId::ShellEnv,
    CheckId::Oauth,
    CheckId::Live,
    CheckId::ConfigScope,
    CheckId::Endpoint,
    CheckId::Cli,
];

/// Picks the primary cause: the first failure in diagnostic order, else the first warning.
/// Checks already report root causes (a live 401 on an overriding settings key is reported as
/// `settings-override` by the live check itself).
#[must_use]
pub fn primary_cause(outcomes: &[CheckOutcome]) -> Option<PrimaryCause> {
    for severity in [Status::Fail, Status::Warn] {
        for check in CAUSE_ORDER {
            let Some(outcome) = outcomes.iter().find(|o| o.id == *check) else {
                continue;
            };
            if let Some(f) = outcome.findings.iter().find(|f| f.severity == severity) {
                return Some(PrimaryCause {
                    cause: f.cause,
                    check: outcome.id,
                    summary: f.summary.clone(),
                });
            }
        }
    }
    None
}
