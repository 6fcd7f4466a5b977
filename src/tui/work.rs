//! The I/O behind the fix, undo and report effects, for the runtime: planning (after checking a
//! new key live), applying, undoing, writing the report. Everything blocking runs off the async
//! threads. What goes back to `update` is scrubbed text, never a plan or a key.

use crate::checks::CheckCtx;
use crate::env::Environment;
use crate::fixes::{self, CommandSpec, FixError, FixInput, FixPlan, KEYS_URL, atomic};
use crate::ids::FixId;
use crate::outcome::CheckOutcome;
use crate::report::{Diagnosis, markdown};
use crate::secret;
use crate::tui::fix_results::{
    Applied, CommandRun, CommandStartError, PlanView, ReportError, UndoView, Undone,
};
use crate::tui::msg::Msg;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// What the header says while the checks look at a new terminal's environment.
pub const NEW_TERMINAL: &str = "as a new terminal will see it";

/// A plan waiting for its confirmation. It may hold a key, so it has no `Debug` and never
/// leaves the runtime.
pub struct PendingPlan {
    pub op: u64,
    pub plan: FixPlan,
    pub key: Option<String>,
    pub var: Option<String>,
    /// The profile that already exports `key` (nothing to write): confirming looks at the
    /// setup as a new terminal, which reads it, will.
    pub exported_in: Option<PathBuf>,
}

/// The one plan waiting for confirmation, if any (a newer plan replaces it).
pub type PlanSlot = Arc<Mutex<Option<PendingPlan>>>;

/// The latest run's context, for the report.
pub type CtxSlot = Arc<Mutex<Option<(u64, Arc<CheckCtx>)>>>;

/// The environment the checks look at after a fix: what a new terminal will have.
pub struct View {
    /// The journal entry of the fix that made it; undoing that fix drops the view.
    pub entry_id: String,
    pub env: Arc<Environment>,
}

/// Takes the plan of `op` out of the slot (leaving any other plan there).
pub fn take_plan(slot: &PlanSlot, op: u64) -> Option<PendingPlan> {
    let mut guard = slot.lock().ok()?;
    if guard.as_ref().is_some_and(|p| p.op == op) {
        guard.take()
    } else {
        None
    }
}

/// Drops the plan of `op`, if it is the one waiting.
pub fn discard_plan(slot: &PlanSlot, op: u64) {
    drop(take_plan(slot, op));
}

/// The plan as the wizard shows it: every text scrubbed of the plan's secrets.
#[must_use]
pub fn plan_view(plan: &FixPlan, env: &Environment, key_check: Option<String>) -> PlanView {
    let secrets = plan.secret_refs();
    let clean = |s: &str| crate::sanitize::shown(s, &secrets);
    PlanView {
        fix: plan.fix,
        summary: clean(&plan.summary),
        preview: fixes::preview(plan, env),
        notes: plan.notes.iter().map(|n| clean(n)).collect(),
        command: plan.command.as_ref().map(CommandSpec::display),
        interactive: plan.command.as_ref().is_some_and(|c| c.interactive),
        files: plan.changed_paths().map(|p| env.display_path(p)).collect(),
        key_check,
        url: (plan.fix == FixId::OpenConsole).then(|| KEYS_URL.to_string()),
        view_only: false,
    }
}

/// What `Effect::PlanFix` asks for.
pub struct PlanRequest {
    pub op: u64,
    pub fix: FixId,
    pub input: FixInput,
    pub check_key: bool,
}

/// Checks a new key live (when asked), then plans the fix; the plan goes into `slot` and only
/// its view is sent on.
pub async fn plan_fix(
    env: Arc<Environment>,
    timeout: Duration,
    request: PlanRequest,
    slot: PlanSlot,
    tx: UnboundedSender<Msg>,
) {
    let PlanRequest {
        op,
        fix,
        mut input,
        check_key,
    } = request;
    let mut from_profile = false;
    if fix == FixId::ExportKey && input.key.is_none() {
        match key_in_profile(&env) {
            ProfileKey::Unexported(key) => {
                input.key = Some(key);
                from_profile = true;
            }
            ProfileKey::Exported { file, line, key } => {
                let view = already_exported(&env, &file, line);
                if let Ok(mut guard) = slot.lock()
                    && guard.as_ref().is_none_or(|p| p.op < op)
                {
                    *guard = Some(PendingPlan {
                        op,
                        plan: FixPlan::new(fix, view.summary.clone()),
                        key: Some(key),
                        var: None,
                        exported_in: Some(file),
                    });
                }
                let _ = tx.send(Msg::FixPlanned {
                    op,
                    result: Ok(view),
                });
                return;
            }
            ProfileKey::None => {
                let _ = tx.send(Msg::FixPlanned {
                    op,
                    result: Err(FixError::NothingToDo(
                        "no profile line sets ANTHROPIC_API_KEY any more; run the checks again \
                         (r), or press f to paste a key"
                            .to_string(),
                    )),
                });
                return;
            }
        }
    }
    let key_check = match (&input.key, check_key) {
        // The key already in the profile: nothing new to check.
        _ if from_profile => None,
        (Some(key), true) => {
            match crate::checks::live::validate_api_key(Arc::clone(&env), key, timeout).await {
                Ok(summary) => Some(format!(
                    "Checked with the API: {}",
                    secret::scrub(&summary, &[key])
                )),
                Err(reason) => {
                    let reason = secret::scrub(&reason.to_string(), &[key]);
                    let _ = tx.send(Msg::KeyRejected { op, reason });
                    return;
                }
            }
        }
        (Some(_), false) => {
            Some("The key was not checked against the API (--offline).".to_string())
        }
        (None, _) => None,
    };
    let planned = tokio::task::spawn_blocking(move || {
        let result =
            fixes::plan(fix, &env, &input).map(|plan| (plan_view(&plan, &env, key_check), plan));
        (result, input)
    })
    .await;
    let result = match planned {
        Ok((Ok((view, plan)), input)) => {
            // A slow plan (a key checked for a while, then given up on) never replaces a newer one.
            if let Ok(mut guard) = slot.lock()
                && guard.as_ref().is_none_or(|p| p.op < op)
            {
                *guard = Some(PendingPlan {
                    op,
                    plan,
                    key: input.key,
                    var: input.var,
                    exported_in: None,
                });
            }
            Ok(view)
        }
        Ok((Err(e), _)) => Err(e),
        Err(e) => Err(FixError::Io(format!(
            "internal error while planning (a bug in claude-auth-tui; please report it): {e}"
        ))),
    };
    let _ = tx.send(Msg::FixPlanned { op, result });
}

/// The key a profile sets for `ANTHROPIC_API_KEY`, as the shell would read it.
enum ProfileKey {
    /// Set without `export`: the value, to write back with `export`.
    Unexported(String),
    /// Exported already: this shell was started before the line, or did not read the file.
    /// The value is what a new terminal will have.
    Exported {
        file: PathBuf,
        line: usize,
        key: String,
    },
    None,
}

/// The last static line of a profile that sets `ANTHROPIC_API_KEY`.
fn key_in_profile(env: &Environment) -> ProfileKey {
    let last = crate::sources::profiles::scan_all(env)
        .into_iter()
        .rev()
        .find(|a| {
            a.var == "ANTHROPIC_API_KEY"
                && !a.commented
                && !a.dynamic
                && a.takes_effect()
                && !a.value.is_empty()
                && (a.read_by_login_shell || !a.exported)
        });
    match last {
        Some(a) if a.exported => ProfileKey::Exported {
            file: a.path,
            line: a.line,
            key: a.value,
        },
        Some(a) => ProfileKey::Unexported(a.value),
        None => ProfileKey::None,
    }
}

/// Nothing to write: the line exports the key already; a new terminal (or `source`) has it.
fn already_exported(env: &Environment, file: &Path, line: usize) -> PlanView {
    let shown = env.display_path(file);
    PlanView {
        fix: FixId::ExportKey,
        summary: format!(
            "{shown} line {line} already exports ANTHROPIC_API_KEY: this shell was started \
             before that line was there (or did not read {shown}). Open a new terminal, or run \
             `source {shown}` here (c copies it), then start claude again. Press y to run the \
             checks as a new terminal will see your setup."
        ),
        preview: String::new(),
        notes: Vec::new(),
        command: None,
        interactive: false,
        files: Vec::new(),
        key_check: None,
        url: Some(format!("source {shown}")),
        view_only: true,
    }
}

/// Writes a plan's file edits (backup, journal, atomic writes) off the async threads.
pub async fn apply_edits(plan: &PendingPlan, env: &Arc<Environment>) -> Result<Applied, FixError> {
    let fix = plan.plan.fix;
    let mut applied = Applied {
        fix,
        entry_id: String::new(),
        files: plan
            .plan
            .edits
            .iter()
            .map(|e| {
                let shown = env.display_path(&e.path);
                if e.after.is_none() {
                    format!("{shown} (removed)")
                } else {
                    shown
                }
            })
            .chain(
                plan.plan
                    .span_edit
                    .iter()
                    .map(|s| env.display_path(&s.path)),
            )
            .collect(),
        backup_dir: None,
        command: None,
        reload: None,
        url: (fix == FixId::OpenConsole).then(|| KEYS_URL.to_string()),
        view_label: None,
    };
    if !plan.plan.changes_storage() {
        return Ok(applied);
    }
    let to_apply = plan.plan.clone();
    let apply_env = Arc::clone(env);
    let entry = tokio::task::spawn_blocking(move || fixes::apply(&to_apply, &apply_env))
        .await
        .map_err(|e| FixError::Io(format!("internal error while applying: {e}")))??;
    applied.entry_id.clone_from(&entry.id);
    applied.backup_dir = Some(format!("{}/", env.display_path(&entry.backup_dir)));
    Ok(applied)
}

/// The environment a new terminal will have after this fix, and the command that loads the
/// change into a shell that is already open. `None` when the fix changes no shell variable.
#[must_use]
pub fn after_fix(plan: &PendingPlan, env: &Environment) -> (Option<Environment>, Option<String>) {
    let file = plan
        .plan
        .edits
        .first()
        .map(|e| e.path.as_path())
        .or(plan.exported_in.as_deref())
        .map(|p| env.display_path(p));
    let fish = env.shell_name().as_deref() == Some("fish");
    match plan.plan.fix {
        FixId::ExportKey => (
            plan.key
                .as_deref()
                .map(|key| env.with_var("ANTHROPIC_API_KEY", key.trim())),
            file.map(|f| format!("source {f}")),
        ),
        FixId::RepairKey => (
            exported_by(plan, env, CREDENTIAL_VARS).map(|(var, value)| env.with_var(&var, &value)),
            file.map(|f| format!("source {f}")),
        ),
        FixId::RepairBaseUrl => (
            exported_by(plan, env, &["ANTHROPIC_BASE_URL"])
                .map(|(var, value)| env.with_var(&var, &value)),
            file.map(|f| format!("source {f}")),
        ),
        FixId::SilenceEnvKey => {
            let var = plan.var.as_deref().unwrap_or("ANTHROPIC_API_KEY");
            let unset = if fish {
                format!("set -e {var}")
            } else {
                format!("unset {var}")
            };
            (Some(env.without_var(var)), Some(unset))
        }
        _ => (None, None),
    }
}

const CREDENTIAL_VARS: &[&str] = &[
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_AUTH_TOKEN",
    "CLAUDE_CODE_OAUTH_TOKEN",
];

/// The value a new terminal gets from the profiles a repair rewrote (read after the write):
/// the last exported, static assignment of one of `vars` in them.
fn exported_by(plan: &PendingPlan, env: &Environment, vars: &[&str]) -> Option<(String, String)> {
    let edited: Vec<&Path> = plan.plan.edits.iter().map(|e| e.path.as_path()).collect();
    crate::sources::profiles::scan_all(env)
        .into_iter()
        .rev()
        .find(|a| {
            edited.contains(&a.path.as_path())
                && vars.contains(&a.var.as_str())
                && a.exported
                && !a.commented
                && !a.dynamic
                && !a.value.is_empty()
        })
        .map(|a| (a.var, a.value))
}

/// Runs a plan's command off the async threads (an interactive one shares the terminal: the
/// caller has suspended the screen).
pub async fn run_command(spec: CommandSpec, env: Arc<Environment>) -> CommandRun {
    let display = spec.display();
    let status = tokio::task::spawn_blocking(move || fixes::run_command(&spec, &env)).await;
    match status {
        Ok(Ok(status)) => CommandRun {
            display,
            result: Ok(status.to_string()),
            success: status.success(),
        },
        Ok(Err(e)) => CommandRun {
            display,
            result: Err(CommandStartError::Spawn(e.to_string())),
            success: false,
        },
        Err(e) => CommandRun {
            display,
            result: Err(CommandStartError::Internal(e.to_string())),
            success: false,
        },
    }
}

/// What `undo` would take back.
pub async fn plan_undo(env: Arc<Environment>) -> Result<UndoView, FixError> {
    tokio::task::spawn_blocking(move || {
        let entry = fixes::pending_undo(&env)?;
        Ok(UndoView {
            restores: entry
                .files
                .iter()
                .map(|f| crate::fixes::cli::describe_restore(&env, f))
                .collect(),
            entry_id: entry.id,
            fix: entry.fix,
            time: entry.time,
        })
    })
    .await
    .map_err(|e| FixError::Io(format!("internal error: {e}")))?
}

/// Undoes the last fix if it is still `entry_id` (what the user confirmed).
pub async fn undo(env: Arc<Environment>, entry_id: String) -> Result<Undone, FixError> {
    tokio::task::spawn_blocking(move || {
        let entry = fixes::pending_undo(&env)?;
        if entry.id != entry_id {
            return Err(FixError::Changed(
                "the undo journal changed since you asked (another fix or undo ran); press u \
                 again to see what it would undo now"
                    .to_string(),
            ));
        }
        let report = fixes::undo_confirmed(&env, &entry_id)?;
        let shown = |paths: &[PathBuf]| paths.iter().map(|p| env.display_path(p)).collect();
        Ok(Undone {
            restored: shown(&report.restored),
            unchanged: shown(&report.unchanged),
            entry_id: report.entry.id,
            fix: report.entry.fix,
            view_label: None,
        })
    })
    .await
    .map_err(|e| FixError::Io(format!("internal error: {e}")))?
}

/// Writes the Markdown report of `outcomes` over the latest run's context to the tool folder
/// (created 0700; the report 0600); returns its `~`-relative path.
pub async fn save_report(
    ctx: Option<Arc<CheckCtx>>,
    outcomes: Vec<CheckOutcome>,
    view_label: Option<String>,
    home_env: Arc<Environment>,
) -> Result<String, ReportError> {
    let ctx = ctx.ok_or(ReportError::NothingToReport)?;
    let helper_value = ctx
        .helper_run()
        .await
        .and_then(|h| h.value().map(str::to_string));
    let diagnosis = Diagnosis::from_parts(&ctx, outcomes, helper_value);
    let mut text = markdown::render(&diagnosis);
    if view_label.is_some() {
        text = text.replacen(
            "\n\n",
            "\n\n> Saved from the wizard after a fix in this session: the checks ran as a new \
             terminal will see your setup, with the fix's change to the shell environment.\n\n",
            1,
        );
    }
    let dir = crate::state::state_dir(&home_env);
    tokio::task::spawn_blocking(move || write_report(&dir, &text))
        .await
        .map_err(|e| ReportError::Internal(e.to_string()))?
        .map(|path| home_env.display_path(&path))
}

fn write_report(dir: &Path, text: &str) -> Result<PathBuf, ReportError> {
    let shown = dir.display();
    atomic::create_private_dir(dir)
        .map_err(|e| ReportError::Io(format!("cannot create {shown}: {e}")))?;
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let stamp = time::OffsetDateTime::now_utc()
        .format(&format)
        .unwrap_or_else(|_| "report".to_string());
    let mut path = dir.join(format!("claude-auth-report-{stamp}.md"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("claude-auth-report-{stamp}-{n}.md"));
        n += 1;
    }
    atomic::write_atomic(&path, text.as_bytes(), atomic::SECRET_MODE, false)
        .map_err(|e| ReportError::Io(format!("cannot write {}: {e}", path.display())))?;
    Ok(path)
}
