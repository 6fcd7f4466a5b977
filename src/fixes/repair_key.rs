//! repair-key: a key in a profile with stray quotes, spaces, `\n` escapes or a Windows line
//! ending is rewritten in place, cleanly single-quoted. Nothing else on the line changes.

use super::plan::{FileEdit, FixPlan};
use super::profile_edit::{self, Lines, SECRET_VARS};
use super::{FixError, FixInput, read_before};
use crate::env::Environment;
use crate::ids::FixId;
use crate::sources::profiles::{self, Assignment, ShellKind};

/// Characters pasted around or inside keys that no key contains.
fn is_stray(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\'' | '"' | '`' | '‘' | '’' | '“' | '”' | '\u{200b}' | '\u{feff}'
        )
}

/// The value with stray characters and literal `\n`, `\r`, `\t` escapes removed.
#[must_use]
pub fn cleaned(value: &str) -> String {
    let mut out = value
        .replace("\\n", "")
        .replace("\\r", "")
        .replace("\\t", "");
    out.retain(|c| !is_stray(c));
    out
}

/// What is wrong with a line's value, in plain words; empty when nothing is.
fn problems(a: &Assignment, cr: bool, shell: ShellKind) -> Vec<&'static str> {
    let mut out = Vec::new();
    if cr {
        out.push("a Windows line ending (\\r) that becomes part of the value");
    }
    if shell != ShellKind::Fish && a.raw_value.starts_with(char::is_whitespace) {
        out.push("a space after `=`, which leaves the variable empty");
    }
    let v = &a.value;
    if v.contains(['\'', '"', '`', '‘', '’', '“', '”']) {
        out.push("quotes inside the value");
    }
    if v.contains("\\n") || v.contains("\\r") || v.contains("\\t") {
        out.push("a literal \\n escape");
    }
    if v.chars()
        .any(|c| c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}')
    {
        out.push("spaces or line breaks");
    }
    out
}

fn plausible(value: &str) -> bool {
    value.len() >= 8
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.~+/=:".contains(c))
}

pub(crate) fn plan(env: &Environment, input: &FixInput) -> Result<FixPlan, FixError> {
    let vars: Vec<&str> = match input.var.as_deref() {
        Some(v) if SECRET_VARS.contains(&v) => vec![v],
        Some(v) => {
            return Err(FixError::InvalidInput(format!(
                "repair-key repairs {}, not {v}.",
                SECRET_VARS.join(", ")
            )));
        }
        None => SECRET_VARS.to_vec(),
    };
    let files = match &input.target {
        Some(path) => vec![(path.clone(), profile_edit::shell_for_path(path, env))],
        None => profile_edit::unique_paths(
            &profiles::scan_all(env)
                .into_iter()
                .filter(|a| vars.contains(&a.var.as_str()) && !a.commented)
                .collect::<Vec<_>>(),
        ),
    };

    let mut plan = FixPlan::new(FixId::RepairKey, String::new());
    let mut repaired = Vec::new();
    let mut unrepairable = Vec::new();
    let mut crlf_files = Vec::new();
    for (path, shell) in files {
        let Some(before) = read_before(env, &path)? else {
            continue;
        };
        let shown = env.display_path(&path);
        let mut lines = Lines::parse(&before);
        let mut changed = false;
        for var in &vars {
            for (i, a) in lines.assignments(var, shell) {
                let why = problems(&a, lines.has_cr(i), shell);
                if a.dynamic || why.is_empty() {
                    continue;
                }
                let clean = cleaned(&a.value);
                for part in std::iter::once(a.raw_value.as_str()).chain(a.raw_value.split(is_stray))
                {
                    plan.add_secret(part);
                }
                plan.add_secret(&a.value);
                let Some(line) = lines.text(i).map(str::to_string) else {
                    continue;
                };
                let Some(start) =
                    profile_edit::value_start(&line, var, shell).filter(|_| plausible(&clean))
                else {
                    unrepairable.push(format!("{shown} line {} ({var})", i + 1));
                    continue;
                };
                plan.add_secret(&clean);
                let (_, comment) = profile_edit::split_comment(&line[start..]);
                let comment = if comment.is_empty() {
                    String::new()
                } else {
                    format!(" {comment}")
                };
                lines.replace(i, &format!("{}'{clean}'{comment}", &line[..start]), false);
                repaired.push(format!(
                    "{shown} line {} ({var}): {}",
                    i + 1,
                    why.join(", ")
                ));
                changed = true;
            }
        }
        if (0..lines.lines.len()).any(|i| lines.has_cr(i)) {
            crlf_files.push(shown);
        }
        if changed {
            plan.edits
                .push(FileEdit::rewrite(path, before, lines.join()));
        }
    }

    if plan.edits.is_empty() {
        return Err(if unrepairable.is_empty() {
            FixError::NothingToDo(format!(
                "no {} in your shell profiles has stray quotes, spaces or line endings.",
                vars.join(" / ")
            ))
        } else {
            FixError::Refused(format!(
                "the value at {} still has characters a key never has after removing quotes and \
                 spaces; set it again with `claude-auth-tui fix export-key`.",
                unrepairable.join(", ")
            ))
        });
    }
    plan.summary = format!(
        "Rewrite the malformed key in place, cleanly quoted, keeping everything else on the \
         line: {}.",
        repaired.join("; ")
    );
    for path in &crlf_files {
        plan.notes.push(format!(
            "{path} has other lines with Windows line endings too; shells read the \\r as part \
             of each value. `dos2unix {path}` converts the whole file."
        ));
    }
    for edit in &plan.edits {
        plan.notes.push(profile_edit::reload_hint(env, &edit.path));
    }
    if !unrepairable.is_empty() {
        plan.notes.push(format!(
            "Not repaired (set them again with export-key): {}.",
            unrepairable.join(", ")
        ));
    }
    Ok(plan)
}
