//! The `fix <fix-id>` and `undo` commands, without the wizard. Input and output are passed in,
//! so tests drive them with buffers. Every line printed is scrubbed of the secrets involved.
//!
//! Exit codes: 0 done, declined or nothing to do (said so); 1 the fix failed; 2 usage (no key
//! given, no terminal to confirm on and no `--yes`, an unusable key).

use super::{FixError, FixInput, FixPlan, JournalFile};
use crate::checks::live::KeyCheckError;
use crate::env::Environment;
use crate::files;
use crate::ids::FixId;
use crate::secret;
use std::io::{BufRead, Write};
use std::path::PathBuf;

/// Options of `claude-auth-tui fix <fix-id>`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FixCliOptions {
    /// Show the plan and change nothing.
    pub dry_run: bool,
    /// Do not ask for confirmation.
    pub yes: bool,
    /// export-key: do not check the key against the API before saving it.
    pub offline: bool,
    /// The file to change, when not the one the fix would pick.
    pub target: Option<PathBuf>,
    /// The variable or settings key to act on.
    pub var: Option<String>,
    /// `claude --version` output, for relogin (2.x when unknown).
    pub cli_version: Option<String>,
}

/// Checks a key live; the error's words must not contain the key.
pub type KeyValidator<'a> = &'a dyn Fn(&str) -> Result<(), KeyCheckError>;

/// Output that masks every known secret (and anything that looks like a key) before writing.
struct Out<'w> {
    w: &'w mut dyn Write,
    secrets: Vec<String>,
}

impl Out<'_> {
    fn line(&mut self, text: &str) -> std::io::Result<()> {
        self.text(&format!("{text}\n"))
    }

    fn text(&mut self, text: &str) -> std::io::Result<()> {
        let refs: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
        self.w.write_all(secret::scrub(text, &refs).as_bytes())?;
        self.w.flush()
    }

    /// Asks a yes/no question; only `y`/`yes` is yes.
    fn confirm(&mut self, question: &str, stdin: &mut dyn BufRead) -> std::io::Result<bool> {
        self.text(&format!("{question} [y/N] "))?;
        let mut answer = String::new();
        files::read_line_bounded(stdin, &mut answer)?;
        Ok(matches!(
            answer.trim().to_ascii_lowercase().as_str(),
            "y" | "yes"
        ))
    }
}

/// `claude-auth-tui fix <fix-id> [--dry-run] [--yes] [--offline]`. export-key reads the key
/// from `stdin` (one line), never from the command line; `validator` checks it live unless
/// `--offline`.
#[allow(clippy::needless_pass_by_value)] // options are built for one call, as clap gives them
pub fn run_fix(
    env: &Environment,
    fix: FixId,
    opts: FixCliOptions,
    stdin: &mut dyn BufRead,
    stdout: &mut dyn Write,
    stdin_is_tty: bool,
    validator: Option<KeyValidator<'_>>,
) -> anyhow::Result<i32> {
    let mut out = Out {
        w: stdout,
        secrets: Vec::new(),
    };
    out.line(&format!("{} ({fix})", super::title(fix)))?;
    let mut input = FixInput {
        key: None,
        target: opts.target.clone(),
        var: opts.var.clone(),
        cli_version: opts.cli_version.clone(),
    };
    if fix == FixId::Relogin
        && !stdin_is_tty
        && crate::sources::login_surface::LoginSurface::detect(env).is_headless()
    {
        // Where no browser can open, a token from `claude setup-token` may come on stdin.
        let mut line = String::new();
        stdin.read_line(&mut line)?;
        input.key = Some(line.trim().to_string()).filter(|t| !t.is_empty());
        if let Some(token) = &input.key {
            out.secrets.push(token.clone());
        }
    }
    if fix == FixId::ExportKey {
        if stdin_is_tty {
            out.line(
                "Paste your API key and press Enter (it is shown as you paste; it is saved only \
                 in your shell profile):",
            )?;
        }
        let mut line = String::new();
        files::read_line_bounded(stdin, &mut line)?;
        let key = line.trim().to_string();
        if key.is_empty() {
            out.line(
                "No key was given. export-key reads the key from standard input, e.g. \
                 `claude-auth-tui fix export-key < keyfile`; it never takes it as an argument.",
            )?;
            return Ok(2);
        }
        out.secrets.push(key.clone());
        input.key = Some(key);
    }

    let plan = match super::plan(fix, env, &input) {
        Ok(plan) => plan,
        Err(e) => return report_error(&mut out, &e, "Nothing was changed."),
    };
    out.secrets.extend(plan.secrets.iter().cloned());
    out.line("")?;
    out.line(&plan.summary)?;
    out.line("")?;
    let preview = super::preview(&plan, env);
    if !preview.is_empty() {
        out.text(&preview)?;
        out.line("")?;
    }

    // Only an API key is checked live (a setup-token login token is not an API key).
    if let Some(key) = input
        .key
        .as_deref()
        .filter(|_| !opts.dry_run && fix == FixId::ExportKey)
    {
        match (opts.offline, validator) {
            (true, _) => out.line("The key was not checked against the API (--offline).")?,
            (false, None) => out.line("The key could not be checked against the API here.")?,
            (false, Some(check)) => {
                out.line("Checking the key against the API…")?;
                if let Err(why) = check(key) {
                    match why {
                        KeyCheckError::NotSent(_) => {
                            out.line(&format!("The key was not checked: {why}"))?;
                        }
                        KeyCheckError::Rejected(_) | KeyCheckError::Internal(_) => {
                            out.line(&format!("The API did not accept this key: {why}"))?;
                        }
                    }
                    out.line("Nothing was changed. (--offline saves it without this check.)")?;
                    return Ok(1);
                }
                out.line("The API accepted the key.")?;
            }
        }
    }

    if opts.dry_run {
        print_notes(&mut out, &plan, "After applying")?;
        out.line("Dry run: nothing was changed.")?;
        return Ok(0);
    }
    let question = match (&!plan.changes_storage(), &plan.command) {
        (false, _) => "Apply this change?".to_string(),
        (true, Some(command)) => format!("Run `{}` now?", command.display()),
        (true, None) => {
            print_notes(&mut out, &plan, "Next")?;
            return Ok(0);
        }
    };
    if !opts.yes {
        if !stdin_is_tty {
            out.line(
                "Not confirmed: there is no terminal to ask on. Run it in a terminal, or add \
                 --yes to apply without asking (--dry-run only shows it).",
            )?;
            return Ok(2);
        }
        if !out.confirm(&question, stdin)? {
            out.line("Nothing was changed.")?;
            return Ok(0);
        }
    }

    let mut code = 0;
    if plan.changes_storage() {
        match super::apply_with_notes(&plan, env) {
            Ok((entry, notes)) => {
                for note in &notes {
                    out.line(note)?;
                }
                out.line(&format!(
                    "Done. The originals are backed up in {}/",
                    env.display_path(&entry.backup_dir)
                ))?;
                out.line("To undo it: claude-auth-tui undo")?;
            }
            Err(e) => return report_error(&mut out, &e, "The fix was not applied."),
        }
    }
    if let Some(command) = &plan.command {
        out.line(&format!("Running `{}`…", command.display()))?;
        match super::run_command(command, env) {
            Ok(status) if status.success() => {}
            Ok(status) => {
                out.line(&format!("`{}` ended with {status}.", command.display()))?;
                code = 1;
            }
            Err(e) => {
                out.line(&format!("Could not start `{}`: {e}", command.display()))?;
                code = 1;
            }
        }
    }
    print_notes(&mut out, &plan, "Next")?;
    if code == 0 && fix != FixId::OpenConsole {
        out.line("Run `claude-auth-tui check` to confirm the problem is gone.")?;
    }
    Ok(code)
}

fn print_notes(out: &mut Out<'_>, plan: &FixPlan, heading: &str) -> std::io::Result<()> {
    if plan.notes.is_empty() {
        return Ok(());
    }
    out.line(&format!("{heading}:"))?;
    for note in &plan.notes {
        out.line(&format!("  - {note}"))?;
    }
    Ok(())
}

fn report_error(out: &mut Out<'_>, e: &FixError, unchanged: &str) -> anyhow::Result<i32> {
    out.line(&e.to_string())?;
    Ok(match e {
        FixError::NothingToDo(_) => 0,
        FixError::InvalidInput(_) => {
            out.line(unchanged)?;
            2
        }
        _ => {
            out.line(unchanged)?;
            1
        }
    })
}

/// `claude-auth-tui undo [--list] [--yes]`: undoes the most recent fix, after showing what it
/// restores and asking (unless `--yes`).
pub fn run_undo(
    env: &Environment,
    list: bool,
    yes: bool,
    stdin: &mut dyn BufRead,
    stdout: &mut dyn Write,
    stdin_is_tty: bool,
) -> anyhow::Result<i32> {
    let mut out = Out {
        w: stdout,
        secrets: Vec::new(),
    };
    if list {
        let entries = super::list_undo(env);
        if entries.is_empty() {
            out.line("No fixes have been applied yet.")?;
        }
        for entry in entries {
            out.line(&format!(
                "{}  {:<20} {:<8} {}",
                entry.time,
                entry.fix.as_str(),
                format!("{:?}", entry.status).to_lowercase(),
                entry
                    .files
                    .iter()
                    .map(|f| env.display_path(&f.path))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))?;
        }
        return Ok(0);
    }
    let entry = match super::pending_undo(env) {
        Ok(entry) => entry,
        Err(FixError::NothingToDo(_)) => {
            out.line("Nothing to undo.")?;
            return Ok(0);
        }
        Err(e) => return report_error(&mut out, &e, "Nothing was restored."),
    };
    out.line(&format!(
        "Undo {} ({}), applied {}:",
        entry.fix,
        super::title(entry.fix),
        entry.time
    ))?;
    for file in &entry.files {
        out.line(&format!("  - {}", describe_restore(env, file)))?;
    }
    if !yes {
        if !stdin_is_tty {
            out.line(
                "Not confirmed: there is no terminal to ask on. Add --yes to undo without asking.",
            )?;
            return Ok(2);
        }
        if !out.confirm("Undo it?", stdin)? {
            out.line("Nothing was restored.")?;
            return Ok(0);
        }
    }
    match super::undo_confirmed(env, &entry.id) {
        Ok(report) => {
            for note in &report.notes {
                out.line(note)?;
            }
            for path in &report.restored {
                out.line(&format!("Restored {}.", env.display_path(path)))?;
            }
            for path in &report.unchanged {
                out.line(&format!(
                    "{} was already as before the fix.",
                    env.display_path(path)
                ))?;
            }
            out.line("Undone.")?;
            Ok(0)
        }
        Err(e) => report_error(&mut out, &e, "Nothing was restored."),
    }
}

/// What undo does to one file, in plain words (also shown by the wizard).
#[must_use]
pub fn describe_restore(env: &Environment, file: &JournalFile) -> String {
    let shown = env.display_path(&file.path);
    match (&file.before_sha256, &file.backup) {
        (None, _) => format!("{shown}: removed (the fix created it)"),
        (Some(_), Some(backup)) if file.after_sha256.is_none() => {
            format!("{shown}: put back from {}", env.display_path(backup))
        }
        (Some(_), Some(backup)) => {
            format!("{shown}: restored from {}", env.display_path(backup))
        }
        (Some(_), None) => format!(
            "{shown}: permissions back to {}",
            file.mode_before
                .map_or_else(|| "what they were".to_string(), |m| format!("{m:04o}"))
        ),
    }
}
