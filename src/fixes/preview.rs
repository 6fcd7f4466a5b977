//! The dry-run view of a plan: a unified diff per file (paths with `~`), the permissions it
//! sets, the command it runs. Every secret is masked: the plan's own, and any value on a line
//! that assigns a key, token or password.

use super::atomic;
use super::plan::{FileEdit, FixPlan};
use super::span_edit::SpanEdit;
use crate::env::Environment;
use crate::secret;
use regex::Regex;
use similar::{ChangeTag, TextDiff};
use std::fmt::Write as _;
use std::sync::OnceLock;

/// Renders the plan's changes, secrets masked.
#[must_use]
pub fn preview(plan: &FixPlan, env: &Environment) -> String {
    let mut out = String::new();
    for edit in &plan.edits {
        out.push_str(&file_preview(edit, env));
    }
    if let Some(span_edit) = &plan.span_edit {
        out.push_str(&span_preview(span_edit, env));
    }
    if let Some(removal) = &plan.keychain {
        let _ = writeln!(
            out,
            "Removes {} (its login is backed up first; undo puts it back)",
            removal.item.describe()
        );
    }
    if let Some(command) = &plan.command {
        let _ = write!(
            out,
            "Runs: {}\n  {}\n",
            command.display(),
            command.explanation
        );
    }
    let mut known: Vec<String> = plan.secrets.clone();
    for edit in &plan.edits {
        for bytes in [&edit.before, &edit.after].into_iter().flatten() {
            known.extend(secret_values(&String::from_utf8_lossy(bytes)));
        }
    }
    for span in plan.span_edit.iter().flat_map(|e| &e.spans) {
        for bytes in [&span.old, &span.new] {
            known.extend(secret_values(&String::from_utf8_lossy(bytes)));
        }
    }
    // Longest first, so a key is masked whole before any part of it could be.
    known.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let refs: Vec<&str> = known.iter().map(String::as_str).collect();
    secret::scrub(&out, &refs)
}

fn file_preview(edit: &FileEdit, env: &Environment) -> String {
    let shown = env.display_path(&edit.path);
    let current_mode = std::fs::metadata(&edit.path)
        .ok()
        .and_then(|m| atomic::mode_of(&m));
    match (&edit.before, &edit.after) {
        (Some(before), None) => {
            let text = String::from_utf8_lossy(before);
            format!(
                "--- {shown}\n+++ /dev/null\n(the file is removed: {} lines, {} bytes; a copy is \
                 kept in the backups)\n",
                text.lines().count(),
                before.len()
            )
        }
        (Some(_), Some(_)) if !edit.changes_content() => format!(
            "{shown}: permissions {} → {} (contents unchanged)\n",
            current_mode.map_or_else(|| "?".to_string(), |m| format!("{m:04o}")),
            edit.mode
                .map_or_else(|| "?".to_string(), |m| format!("{m:04o}")),
        ),
        (before, Some(after)) => {
            // Carriage returns are made visible (they are often what a fix is about) before
            // diffing, so that only `\n` separates lines.
            let visible = |b: &[u8]| String::from_utf8_lossy(b).replace('\r', "␍");
            let old = visible(before.as_deref().unwrap_or_default());
            let new = visible(after);
            let old_name = if before.is_some() {
                shown.clone()
            } else {
                "/dev/null".to_string()
            };
            let diff = TextDiff::from_lines(&old, &new);
            let mut text = diff
                .unified_diff()
                .context_radius(3)
                .header(&old_name, &shown)
                .to_string();
            if before.is_none() {
                let _ = writeln!(
                    text,
                    "(new file, permissions {:04o})",
                    edit.mode.unwrap_or(atomic::SECRET_MODE)
                );
            } else if let (Some(from), Some(to)) = (current_mode, edit.mode)
                && from != to
            {
                let _ = writeln!(text, "(permissions {from:04o} → {to:04o})");
            }
            text
        }
        (None, None) => String::new(),
    }
}

/// A big file's span edit: the changed spans as a diff of their own lines (the file is not
/// read again, so there are no file line numbers), and the size that stays.
fn span_preview(edit: &SpanEdit, env: &Environment) -> String {
    let shown = env.display_path(&edit.path);
    let mut text = format!(
        "--- {shown}\n+++ {shown}\n(a {} file: only its {} changes, as below; every other \
         byte is kept)\n",
        human_size(edit.before_len),
        edit.what
    );
    for span in &edit.spans {
        let old = String::from_utf8_lossy(&span.old).replace('\r', "␍");
        let new = String::from_utf8_lossy(&span.new).replace('\r', "␍");
        for change in TextDiff::from_lines(&old, &new).iter_all_changes() {
            let sign = match change.tag() {
                ChangeTag::Delete => '-',
                ChangeTag::Insert => '+',
                ChangeTag::Equal => ' ',
            };
            text.push(sign);
            text.push_str(change.value().trim_end_matches('\n'));
            text.push('\n');
        }
    }
    text
}

/// A byte count as people read it: "812 bytes", "4.2 MB".
fn human_size(bytes: u64) -> String {
    #[allow(clippy::cast_precision_loss)] // a size shown to one decimal
    let mb = bytes as f64 / 1_000_000.0;
    if bytes < 1_000_000 {
        format!("{bytes}-byte")
    } else {
        format!("{mb:.1} MB")
    }
}

/// Values on lines that assign something named like a secret: shell (`export X_KEY=…`,
/// `set -gx X_TOKEN …`) and JSON (`"apiKey": "…"`, `"accessToken": "…"`).
#[must_use]
pub fn secret_values(text: &str) -> Vec<String> {
    static SHELL: OnceLock<Regex> = OnceLock::new();
    static JSON: OnceLock<Regex> = OnceLock::new();
    let shell = SHELL.get_or_init(|| {
        Regex::new(
            r#"\b[A-Z0-9_]*(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD)[A-Z0-9_]*(?:=|\s+)\s*['"]?([^'"\s#$][^'"\s#]*)"#,
        )
        .expect("static regex")
    });
    let json = JSON.get_or_init(|| {
        Regex::new(
            r#""([A-Za-z0-9_]*(?:KEY|TOKEN|SECRET|PASSWORD|Key|Token|Secret|Password|key|token|secret|password)[A-Za-z0-9_]*)"\s*:\s*"((?:[^"\\]|\\.)*)""#,
        )
        .expect("static regex")
    });
    let mut out = Vec::new();
    for line in text.lines() {
        for caps in json.captures_iter(line) {
            if !caps[1].ends_with("Helper") {
                out.push(caps[2].to_string());
            }
        }
        if !line.trim_start().starts_with('"') {
            out.extend(shell.captures_iter(line).map(|c| c[1].to_string()));
        }
    }
    out.retain(|v| v.len() >= 8);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_values_of_secret_names() {
        let text = "export OPENAI_API_KEY=sk-proj-abcdefgh123\nset -gx GH_TOKEN 'ghp_zzzzzzzz'\n\
                    export PATH=$HOME/bin\nANTHROPIC_API_KEY=$(op read x)\n  \"accessToken\": \"tok-1234567890\",\n  \"apiKeyHelper\": \"~/bin/get-key\"";
        let found = secret_values(text);
        assert_eq!(
            found,
            vec!["sk-proj-abcdefgh123", "ghp_zzzzzzzz", "tok-1234567890"]
        );
    }
}
