//! silence-env-key: comment out (never delete) the profile lines that export a key which
//! shadows the subscription login, so that `claude` uses the login again.

use super::plan::{FileEdit, FixPlan};
use super::profile_edit::{self, Lines};
use super::{FixError, FixInput, read_before};
use crate::env::Environment;
use crate::ids::FixId;
use crate::sources::profiles::{self, ShellKind, TRACKED_VARS};
use crate::sources::settings;

/// Appended to a line we comment out, so the user knows who did it.
pub const MARK: &str = "# silenced by claude-auth-tui";

pub(crate) fn plan(env: &Environment, input: &FixInput) -> Result<FixPlan, FixError> {
    let var = input.var.as_deref().unwrap_or("ANTHROPIC_API_KEY");
    if !TRACKED_VARS.contains(&var) {
        return Err(FixError::InvalidInput(format!(
            "silence-env-key silences one of {}, not {var}.",
            TRACKED_VARS.join(", ")
        )));
    }
    let files = match &input.target {
        Some(path) => vec![(path.clone(), profile_edit::shell_for_path(path, env))],
        None => profile_edit::unique_paths(
            &profiles::scan_all(env)
                .into_iter()
                .filter(|a| a.var == var && !a.commented && a.exported && a.read_by_login_shell)
                .collect::<Vec<_>>(),
        ),
    };

    let mut plan = FixPlan::new(FixId::SilenceEnvKey, String::new());
    let mut places = Vec::new();
    for (path, shell) in files {
        let Some(before) = read_before(env, &path)? else {
            continue;
        };
        let mut lines = Lines::parse(&before);
        let found = lines.assignments(var, shell);
        if found.is_empty() {
            continue;
        }
        for (i, a) in found {
            plan.add_secret(&a.value);
            plan.add_secret(&a.raw_value);
            let Some(text) = lines.text(i).map(str::to_string) else {
                continue;
            };
            let indent = profile_edit::indent_of(&text);
            lines.replace(
                i,
                &format!("{indent}# {} {MARK}", &text[indent.len()..]),
                true,
            );
            places.push(format!("{} line {}", env.display_path(&path), i + 1));
        }
        plan.edits
            .push(FileEdit::rewrite(path, before, lines.join()));
    }

    if plan.edits.is_empty() {
        let reason = if env.var(var).is_some() {
            format!(
                "no profile your shell reads exports {var}, yet this shell has it: it comes from \
                 elsewhere (a parent program, direnv, a file outside your home folder). Run \
                 `{}` in this terminal, and find where it is set.",
                unset_command(env, var)
            )
        } else {
            format!("no profile your shell reads exports {var}.")
        };
        return Err(FixError::NothingToDo(reason));
    }
    plan.summary = format!(
        "Comment out {var} at {} so that `claude` stops using it and falls back to your login. \
         Nothing is deleted: remove the `# ` in front of the line to bring it back.",
        places.join(", ")
    );
    plan.notes.push(format!(
        "This terminal still has {var}: run `{}`, or open a new terminal.",
        unset_command(env, var)
    ));
    for file in settings::load_all(env) {
        if file.env_value(var).is_some_and(|v| !v.is_empty()) {
            plan.notes.push(format!(
                "{} also sets {var} in its env block, which beats the shell: see `claude-auth-tui \
                 fix drop-override`.",
                env.display_path(&file.path)
            ));
        }
    }
    Ok(plan)
}

fn unset_command(env: &Environment, var: &str) -> String {
    if profile_edit::login_shell(env) == Some(ShellKind::Fish) {
        format!("set -e {var}")
    } else {
        format!("unset {var}")
    }
}
