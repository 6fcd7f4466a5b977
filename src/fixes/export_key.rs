//! export-key: write `export ANTHROPIC_API_KEY='…'` into the profile the user's shell reads,
//! replacing the line that sets it already rather than adding a second one.

use super::plan::{FileEdit, FixPlan};
use super::profile_edit::{self, Lines};
use super::{FixError, FixInput, read_before};
use crate::env::Environment;
use crate::ids::FixId;
use crate::secret::mask;
use crate::sources::credentials::CredentialsFile;
use crate::sources::global_config::{GlobalConfig, KeyApproval};
use crate::sources::profiles::{self, ShellKind};
use crate::sources::shell_syntax::{self, Place};

const VAR: &str = "ANTHROPIC_API_KEY";

/// Checks that a pasted value looks like a whole Anthropic API key. The message never repeats
/// the value.
pub fn validate_key_shape(key: &str) -> Result<(), FixError> {
    let bad = |why: &str| {
        Err(FixError::InvalidInput(format!(
            "This is not a usable API key: {why}."
        )))
    };
    if key.is_empty() {
        return bad("nothing was entered");
    }
    if key.chars().any(char::is_whitespace) {
        return bad("it contains spaces or line breaks; paste the key alone, on one line");
    }
    if key
        .chars()
        .any(|c| matches!(c, '\'' | '"' | '`' | '‘' | '’' | '“' | '”'))
    {
        return bad("it contains quotes; paste the key without quotes around it");
    }
    if !key.starts_with("sk-ant-") {
        return bad(
            "Anthropic API keys start with `sk-ant-api03-`; create one at https://console.anthropic.com/settings/keys",
        );
    }
    if key.starts_with("sk-ant-oat") || key.starts_with("sk-ant-ort") {
        return bad(
            "it is a Claude login (OAuth) token, not an API key; a login token belongs in CLAUDE_CODE_OAUTH_TOKEN (see `claude setup-token`)",
        );
    }
    if key.starts_with("sk-ant-admin") {
        return bad(
            "it is an Admin API key, which cannot send messages; create a normal API key in the Console",
        );
    }
    if !key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return bad("it contains characters an API key never has; copy it again from the Console");
    }
    let n = key.len();
    if n < 40 {
        return bad(&format!(
            "it is too short to be a whole key ({n} characters); copy all of it"
        ));
    }
    if n > 512 {
        return bad(&format!("it is too long to be one key ({n} characters)"));
    }
    Ok(())
}

pub(crate) fn plan(env: &Environment, input: &FixInput) -> Result<FixPlan, FixError> {
    let key = input.key.as_deref().map(str::trim).ok_or_else(|| {
        FixError::InvalidInput(
            "export-key needs the API key (the command line reads it from standard input)."
                .to_string(),
        )
    })?;
    validate_key_shape(key)?;

    let (path, shell, why) = target(env, input);
    let shown = env.display_path(&path);
    let before = read_before(env, &path)?;
    let mut lines = Lines::parse(before.as_deref().unwrap_or_default());
    let new_line = profile_edit::export_line(VAR, key, shell);

    let mut plan = FixPlan::new(FixId::ExportKey, String::new());
    plan.add_secret(key);
    let all = lines.all_assignments(VAR, shell);
    for (_, a) in &all {
        plan.add_secret(&a.value);
        plan.add_secret(&a.raw_value);
    }
    let decided = place_key(&lines, shell);
    let placement = match decided {
        Placement::Replace(i) => {
            let a = &all.iter().find(|(j, _)| *j == i).expect("an assignment").1;
            if a.value == key && a.exported && !a.dynamic && !lines.has_cr(i) {
                return Err(FixError::NothingToDo(format!(
                    "{shown} line {} already exports this key ({}).",
                    i + 1,
                    mask(key)
                )));
            }
            let old = lines.text(i).unwrap_or_default();
            let line = format!("{}{new_line}", profile_edit::indent_of(old));
            lines.replace(i, &line, false);
            format!("replacing line {} that set it before", i + 1)
        }
        Placement::After { at, last } => {
            lines.insert(at, &["# added by claude-auth-tui", &new_line]);
            format!(
                "as a new line {} after line {} (the last that sets or unsets it), so that it \
                 wins",
                at + 2,
                last + 1
            )
        }
        Placement::End => {
            lines.append(&["# added by claude-auth-tui", &new_line]);
            if before.is_some() {
                "at the end of the file".to_string()
            } else {
                "a new file, readable only by you".to_string()
            }
        }
        Placement::Nowhere => {
            return Err(FixError::Refused(format!(
                "{shown} ends inside an unfinished block, string or heredoc, so a line added at \
                 its end would not run when the shell starts; finish it, or name another file \
                 with --target"
            )));
        }
    };
    if let Some(note) = left_alone(&lines_before(before.as_deref()), shell, &decided) {
        plan.notes.push(note);
    }
    plan.summary = format!(
        "Save your API key ({}) as ANTHROPIC_API_KEY in {shown}, {placement}. {why}",
        mask(key)
    )
    .trim_end()
    .to_string();
    plan.notes.push(profile_edit::reload_hint(env, &path));
    plan.notes.extend(notes(env, &path, shell, key));
    plan.edits.push(FileEdit {
        mode: before.is_none().then_some(super::atomic::SECRET_MODE),
        path,
        before,
        after: Some(lines.join()),
    });
    Ok(plan)
}

/// Where the new `export` goes in a profile.
#[derive(Clone, Copy)]
enum Placement {
    /// Rewrite this line: it is the last to set or unset the key and runs at start-up.
    Replace(usize),
    /// Insert before line `at`, the first top-level line after `last` (the last line that sets
    /// or unsets the key, inside a block, heredoc or string, or a top-level `unset`).
    After {
        at: usize,
        last: usize,
    },
    End,
    /// The file ends inside a block, string or heredoc: no line added at the end would run.
    Nowhere,
}

/// Only a top-level line that the shell runs at start-up, and that nothing after it sets or
/// unsets again, is rewritten; otherwise the new line goes after the last line that touches
/// the key, at the top level.
fn place_key(lines: &Lines, shell: ShellKind) -> Placement {
    let infos = lines.infos(shell);
    let assigned = lines.assignments(VAR, shell).last().map(|(i, _)| *i);
    let unset = lines.unsets(VAR, shell).last().copied();
    let last = assigned.max(unset);
    if let Some(i) = assigned
        && last == Some(i)
        && infos[i].editable
    {
        return Placement::Replace(i);
    }
    let end_ok = shell_syntax::ends_at_top_level(&String::from_utf8_lossy(&lines.join()), shell);
    let Some(last) = last else {
        return if end_ok {
            Placement::End
        } else {
            Placement::Nowhere
        };
    };
    match (last + 1..lines.lines.len()).find(|&j| infos[j].place == Place::TopLevel) {
        Some(at) => Placement::After { at, last },
        None if end_ok => Placement::End,
        None => Placement::Nowhere,
    }
}

fn lines_before(before: Option<&[u8]>) -> Lines {
    Lines::parse(before.unwrap_or_default())
}

/// Names the lines that set or unset the key but were not edited, and where they stand.
fn left_alone(lines: &Lines, shell: ShellKind, placement: &Placement) -> Option<String> {
    let edited = match placement {
        Placement::Replace(i) => Some(*i),
        _ => None,
    };
    let infos = lines.infos(shell);
    let mut places: Vec<(usize, String)> = lines
        .all_assignments(VAR, shell)
        .into_iter()
        .filter(|(i, a)| Some(*i) != edited && a.place != Place::TopLevel)
        .map(|(i, a)| (i, format!("line {} ({})", i + 1, a.place.describe())))
        .collect();
    places.extend(lines.unsets(VAR, shell).into_iter().map(|i| {
        (
            i,
            format!("line {} (unsets it; {})", i + 1, infos[i].place.describe()),
        )
    }));
    if places.is_empty() {
        return None;
    }
    places.sort();
    let list: Vec<String> = places.into_iter().map(|(_, p)| p).collect();
    Some(format!(
        "Left alone: {}. Those lines do not decide what the shell has at start-up.",
        list.join(", ")
    ))
}

/// Where the key goes: the given file; else the file where the login shell already sets it
/// (its last such line wins in the shell); else the profile the shell reads.
fn target(env: &Environment, input: &FixInput) -> (std::path::PathBuf, ShellKind, String) {
    if let Some(path) = &input.target {
        let shell = profile_edit::shell_for_path(path, env);
        return (path.clone(), shell, String::new());
    }
    let existing = profiles::scan_all(env)
        .into_iter()
        .rfind(|a| a.var == VAR && !a.commented && a.read_by_login_shell);
    if let Some(a) = existing {
        return (
            a.path,
            a.shell,
            "Your shell already takes ANTHROPIC_API_KEY from this file.".to_string(),
        );
    }
    let (path, shell) = profile_edit::default_profile(env);
    let why = match (env.shell_name(), profile_edit::login_shell(env)) {
        (Some(name), Some(_)) => format!("Your shell ({name}) reads this file."),
        (Some(name), None) => format!(
            "Your shell ({name}) is not one this tool knows; check that it reads {}.",
            env.display_path(&path)
        ),
        (None, _) => "SHELL is not set, so the POSIX profile is used.".to_string(),
    };
    (path, shell, why)
}

fn notes(env: &Environment, path: &std::path::Path, shell: ShellKind, key: &str) -> Vec<String> {
    let mut notes = Vec::new();
    let shown = env.display_path(path);
    if shell == ShellKind::Bash && path.ends_with(".bash_profile") {
        notes.push(
            "Login shells read ~/.bash_profile, which does not load ~/.bashrc here, so the key \
             went there; terminals that start non-login shells read ~/.bashrc instead."
                .to_string(),
        );
    }
    if let Ok(meta) = std::fs::metadata(path)
        && let Some(mode) = super::atomic::mode_of(&meta)
        && mode & 0o077 != 0
    {
        notes.push(format!(
            "{shown} can be read by other accounts on this machine (permissions {mode:04o}); \
             `chmod 600 {shown}` keeps the key private."
        ));
    }
    if CredentialsFile::load(env)
        .tokens()
        .and_then(|t| t.usable_token())
        .is_some()
    {
        notes.push(
            "You are also logged in with a subscription: once approved, the API key wins over \
             that login and usage is billed to the key's API account."
                .to_string(),
        );
    }
    match GlobalConfig::load(env).key_approval(key) {
        KeyApproval::Rejected => notes.push(
            "Claude Code was told earlier not to use this key: run `claude-auth-tui fix \
             approve-key` if you want it used in interactive sessions."
                .to_string(),
        ),
        KeyApproval::Unasked => notes.push(
            "The first interactive `claude` asks \"Do you want to use this API key?\": answer \
             Yes, or it keeps ignoring the key."
                .to_string(),
        ),
        KeyApproval::Approved => {}
    }
    notes
}
