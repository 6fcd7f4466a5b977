//! repair-base-url: an `ANTHROPIC_BASE_URL` in a shell profile that ends in `/v1` (Claude Code
//! adds `/v1/messages` itself) is rewritten in place without it, so the same gateway is still
//! used. Nothing else on the line changes; the original is backed up and undoable.

use super::plan::{FileEdit, FixPlan};
use super::profile_edit::{self, Lines};
use super::{FixError, FixInput, read_before};
use crate::env::Environment;
use crate::ids::FixId;
use crate::sources::profiles;

const VAR: &str = "ANTHROPIC_BASE_URL";

/// The URL without the `/v1` Claude Code adds itself, if it ends in one.
#[must_use]
pub fn corrected(url: &str) -> Option<String> {
    let trimmed = url.trim().trim_end_matches('/');
    let base = trimmed.strip_suffix("/v1")?;
    let parsed = reqwest::Url::parse(base).ok()?;
    matches!(parsed.scheme(), "http" | "https").then(|| base.to_string())
}

pub(crate) fn plan(env: &Environment, input: &FixInput) -> Result<FixPlan, FixError> {
    if let Some(v) = input.var.as_deref().filter(|v| *v != VAR) {
        return Err(FixError::InvalidInput(format!(
            "repair-base-url repairs {VAR}, not {v}."
        )));
    }
    let files = match &input.target {
        Some(path) => vec![(path.clone(), profile_edit::shell_for_path(path, env))],
        None => profile_edit::unique_paths(
            &profiles::scan_all(env)
                .into_iter()
                .filter(|a| a.var == VAR && !a.commented && !a.dynamic)
                .collect::<Vec<_>>(),
        ),
    };
    let mut plan = FixPlan::new(FixId::RepairBaseUrl, String::new());
    let mut repaired = Vec::new();
    for (path, shell) in files {
        let Some(before) = read_before(env, &path)? else {
            continue;
        };
        let mut lines = Lines::parse(&before);
        let mut changed = false;
        for (i, a) in lines.assignments(VAR, shell) {
            let Some(fixed) = corrected(&a.value).filter(|_| !a.dynamic) else {
                continue;
            };
            let Some(line) = lines.text(i).map(str::to_string) else {
                continue;
            };
            let Some(start) = profile_edit::value_start(&line, VAR, shell) else {
                continue;
            };
            let (_, comment) = profile_edit::split_comment(&line[start..]);
            let comment = if comment.is_empty() {
                String::new()
            } else {
                format!(" {comment}")
            };
            let keep_cr = lines.has_cr(i);
            lines.replace(i, &format!("{}'{fixed}'{comment}", &line[..start]), keep_cr);
            repaired.push(format!(
                "{} line {}: {} → {fixed}",
                env.display_path(&path),
                i + 1,
                a.value
            ));
            changed = true;
        }
        if changed {
            plan.edits
                .push(FileEdit::rewrite(path, before, lines.join()));
        }
    }
    if plan.edits.is_empty() {
        return Err(FixError::NothingToDo(format!(
            "no {VAR} in your shell profiles ends in /v1."
        )));
    }
    plan.summary = format!(
        "Remove the /v1 that Claude Code adds itself from {VAR}, keeping the same gateway: {}.",
        repaired.join("; ")
    );
    for edit in &plan.edits {
        plan.notes.push(profile_edit::reload_hint(env, &edit.path));
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::corrected;

    #[test]
    fn only_a_trailing_v1_is_removed() {
        assert_eq!(
            corrected("https://gw.example/v1").as_deref(),
            Some("https://gw.example")
        );
        assert_eq!(
            corrected("http://127.0.0.1:8080/proxy/v1/").as_deref(),
            Some("http://127.0.0.1:8080/proxy")
        );
        assert_eq!(corrected("https://gw.example/v1beta"), None);
        assert_eq!(corrected("https://gw.example"), None);
        assert_eq!(corrected("ftp://gw.example/v1"), None);
    }
}
