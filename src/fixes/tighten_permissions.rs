//! tighten-permissions: credentials files to 0600 (owner only). Contents are not touched.

use super::atomic::{self, SECRET_MODE};
use super::plan::{FileEdit, FixPlan};
use super::{FixError, FixInput, read_before};
use crate::env::Environment;
use crate::ids::FixId;

pub(crate) fn plan(env: &Environment, input: &FixInput) -> Result<FixPlan, FixError> {
    if !cfg!(unix) {
        return Err(FixError::NothingToDo(
            "file permissions are managed differently on this platform.".to_string(),
        ));
    }
    let paths = match &input.target {
        Some(p) => vec![p.clone()],
        None => vec![env.credentials_path(), env.misplaced_credentials_path()],
    };
    let mut plan = FixPlan::new(FixId::TightenPermissions, String::new());
    let mut changed = Vec::new();
    for path in paths {
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        let Some(mode) = atomic::mode_of(&meta).filter(|m| m & 0o077 != 0) else {
            continue;
        };
        let Some(bytes) = read_before(env, &path)? else {
            continue;
        };
        changed.push(format!(
            "{} ({mode:04o} → {SECRET_MODE:04o})",
            env.display_path(&path)
        ));
        plan.edits.push(FileEdit {
            path,
            before: Some(bytes.clone()),
            after: Some(bytes),
            mode: Some(SECRET_MODE),
        });
    }
    if plan.edits.is_empty() {
        return Err(FixError::NothingToDo(
            "the credentials files are readable by you alone already (or absent).".to_string(),
        ));
    }
    plan.summary = format!(
        "Make {} readable and writable by you alone, as Claude Code itself creates it. The \
         contents do not change.",
        changed.join(", ")
    );
    Ok(plan)
}
