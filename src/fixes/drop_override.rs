//! drop-override: remove an overriding credential or endpoint (`env.ANTHROPIC_API_KEY`,
//! `env.ANTHROPIC_AUTH_TOKEN`, `env.ANTHROPIC_BASE_URL`, `apiKeyHelper`) from the settings files
//! the user may edit, structurally: other keys, their order and formatting stay.

use super::json_edit::{self, EditMethod, JsonOp};
use super::plan::{FileEdit, FixPlan};
use super::{FixError, FixInput, read_before};
use crate::env::Environment;
use crate::ids::FixId;
use crate::sources::settings::{self, Scope, SettingsFile, SettingsState};

/// Variables in a settings `env` block that override the credential or the endpoint.
pub const OVERRIDE_ENV_KEYS: &[&str] = &[
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_AUTH_TOKEN",
    "ANTHROPIC_BASE_URL",
];
/// The top-level key that overrides the credential.
pub const HELPER_KEY: &str = "apiKeyHelper";

fn is_set(file: &SettingsFile, key: &str) -> bool {
    let Some(object) = file.object() else {
        return false;
    };
    if key == HELPER_KEY {
        object.contains_key(key)
    } else {
        object
            .get("env")
            .and_then(|e| e.as_object())
            .is_some_and(|e| e.contains_key(key))
    }
}

fn op_for(key: &str) -> JsonOp {
    if key == HELPER_KEY {
        JsonOp::Remove(vec![key.to_string()])
    } else {
        JsonOp::Remove(vec!["env".to_string(), key.to_string()])
    }
}

pub(crate) fn plan(env: &Environment, input: &FixInput) -> Result<FixPlan, FixError> {
    let wanted: Vec<&str> = match input.var.as_deref() {
        Some(v) if OVERRIDE_ENV_KEYS.contains(&v) || v == HELPER_KEY => vec![v],
        Some(v) => {
            return Err(FixError::InvalidInput(format!(
                "drop-override removes one of {}, {HELPER_KEY}; not {v}.",
                OVERRIDE_ENV_KEYS.join(", ")
            )));
        }
        None => OVERRIDE_ENV_KEYS
            .iter()
            .copied()
            .chain([HELPER_KEY])
            .collect(),
    };
    let mut files = settings::load_all(env);
    // Run from the home folder, the project's settings file is the user's: edit it once.
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(f.path.clone()));
    if let Some(target) = &input.target {
        files.retain(|f| &f.path == target);
        if files.is_empty() {
            files.push(SettingsFile::load(Scope::User, target.clone()));
        }
    }

    let mut plan = FixPlan::new(FixId::DropOverride, String::new());
    let mut removed = Vec::new();
    let mut managed = Vec::new();
    // Highest precedence first, so the summary reads in the order that matters.
    for file in files.iter().rev() {
        let present: Vec<&str> = wanted.iter().copied().filter(|k| is_set(file, k)).collect();
        if present.is_empty() {
            continue;
        }
        let shown = env.display_path(&file.path);
        if file.scope == Scope::Managed {
            managed.push(format!("{} in {shown}", present.join(", ")));
            continue;
        }
        let Some(before) = read_before(env, &file.path)? else {
            continue;
        };
        let text = String::from_utf8(before.clone())
            .map_err(|_| FixError::Refused(format!("{shown} is not UTF-8 text.")))?;
        let ops: Vec<JsonOp> = present.iter().map(|k| op_for(k)).collect();
        let (after, method) =
            json_edit::edit(&text, &ops).map_err(|e| FixError::Refused(format!("{shown} {e}")))?;
        for key in ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"] {
            if let Some(v) = file.env_value(key) {
                plan.add_secret(&v);
            }
        }
        removed.push(format!(
            "{} from {} settings {shown}",
            present.join(", "),
            file.scope.label()
        ));
        if file.scope.needs_trust() {
            plan.notes.push(format!(
                "{shown} belongs to the project and may be committed to its repository: the \
                 change reaches everyone who uses it once committed."
            ));
        }
        if method == EditMethod::Reserialised {
            plan.notes.push(format!(
                "{shown} could not be edited in place, so it was rewritten with 2-space \
                 indentation (same keys, same order)."
            ));
        }
        plan.edits.push(FileEdit::rewrite(
            file.path.clone(),
            before,
            after.into_bytes(),
        ));
    }
    if !managed.is_empty() {
        plan.notes.push(format!(
            "Managed settings also set {}: only an administrator can change those, and they win \
             over every other file.",
            managed.join("; ")
        ));
    }
    if plan.edits.is_empty() {
        return Err(if managed.is_empty() {
            FixError::NothingToDo(format!(
                "no settings file you can edit sets {}.",
                wanted.join(", ")
            ))
        } else {
            FixError::Refused(format!(
                "only managed (administrator) settings set it: {}. Ask your administrator.",
                managed.join("; ")
            ))
        });
    }
    plan.summary = format!(
        "Remove {} so that Claude Code falls back to the next credential (your shell's key or \
         your login) and the default endpoint. Everything else in the file stays as it is.",
        removed.join("; ")
    );
    if files
        .iter()
        .any(|f| matches!(f.state, SettingsState::Corrupt(_)))
    {
        plan.notes.push(
            "A settings file is not valid JSON and was left alone; Claude Code ignores it \
             entirely."
                .to_string(),
        );
    }
    Ok(plan)
}
