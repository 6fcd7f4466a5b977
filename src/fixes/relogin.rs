//! relogin: run the CLI's own login command for its version. In 2.x that is `claude auth login`
//! (`claude login` is not a command there: it is sent to the model as the prompt "login").

use super::plan::{CommandSpec, FileEdit, FixPlan};
use super::profile_edit::{self, Lines};
use super::{FixError, FixInput, read_before};
use crate::env::Environment;
use crate::ids::FixId;
use crate::secret::mask;
use crate::sources::login_surface::LoginSurface;
use crate::sources::profiles;

/// Where a login token from `claude setup-token` goes.
const TOKEN_VAR: &str = "CLAUDE_CODE_OAUTH_TOKEN";

/// The major version in `claude --version` output such as `2.1.197 (Claude Code)`.
fn major(version: &str) -> Option<u32> {
    version.trim().split(['.', ' ']).next()?.parse().ok()
}

pub(crate) fn plan(env: &Environment, input: &FixInput) -> Result<FixPlan, FixError> {
    let surface = LoginSurface::detect(env);
    if surface.is_headless() {
        return headless_plan(env, input, &surface);
    }
    let major = input.cli_version.as_deref().and_then(major).unwrap_or(2);
    let command = if major >= 2 {
        CommandSpec {
            program: "claude".to_string(),
            args: vec!["auth".to_string(), "login".to_string()],
            interactive: true,
            explanation: "Opens the browser to sign in to your Claude account and stores a fresh \
                          login in ~/.claude/.credentials.json."
                .to_string(),
        }
    } else {
        CommandSpec {
            program: "claude".to_string(),
            args: Vec::new(),
            interactive: true,
            explanation: "Starts Claude Code; type /login in it to sign in again (this older \
                          version has no `auth login` command)."
                .to_string(),
        }
    };
    let mut plan = FixPlan::new(
        FixId::Relogin,
        format!(
            "Log in again with `{}`, the Claude Code CLI's own login.",
            command.display()
        ),
    );
    plan.command = Some(command);
    plan.notes.push(
        "On a machine without a browser (SSH, a container): run `claude setup-token` on a \
         machine that has one, then put `export CLAUDE_CODE_OAUTH_TOKEN=<the token>` in this \
         machine's shell profile (the token is valid for a year)."
            .to_string(),
    );
    for var in ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"] {
        if env.var(var).is_some() {
            plan.notes.push(format!(
                "{var} is set in this shell and wins over the login: see `claude-auth-tui fix \
                 silence-env-key`."
            ));
        }
    }
    Ok(plan)
}

/// Where no browser can open: `claude setup-token` (it shows an address to open on any device
/// and takes the code back), then the token it prints saved as `CLAUDE_CODE_OAUTH_TOKEN` in the
/// shell profile, with export-key's profile rules (the line that sets it already is replaced).
fn headless_plan(
    env: &Environment,
    input: &FixInput,
    surface: &LoginSurface,
) -> Result<FixPlan, FixError> {
    let where_ = surface.describe();
    let Some(token) = input
        .key
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    else {
        let mut plan = FixPlan::new(
            FixId::Relogin,
            format!(
                "A browser login cannot complete from {where_}: get a login token with `claude \
                 setup-token` instead. It shows an address to open on any device with a browser \
                 and asks for the code shown there, then prints a token valid for a year."
            ),
        );
        plan.command = Some(CommandSpec {
            program: "claude".to_string(),
            args: vec!["setup-token".to_string()],
            interactive: true,
            explanation: "Creates a long-lived login token without a browser on this machine."
                .to_string(),
        });
        plan.notes.push(format!(
            "Then save the token it prints: `claude-auth-tui fix relogin < token.txt` writes \
             `export {TOKEN_VAR}=…` into your shell profile (or add that line yourself)."
        ));
        return Ok(plan);
    };
    validate_token(token)?;
    let existing = profiles::scan_all(env)
        .into_iter()
        .rfind(|a| a.var == TOKEN_VAR && !a.commented && a.read_by_login_shell);
    let (path, shell) = match existing {
        Some(a) => (a.path, a.shell),
        None => profile_edit::default_profile(env),
    };
    let shown = env.display_path(&path);
    let before = read_before(env, &path)?;
    let mut lines = Lines::parse(before.as_deref().unwrap_or_default());
    let new_line = profile_edit::export_line(TOKEN_VAR, token, shell);
    let mut plan = FixPlan::new(FixId::Relogin, String::new());
    plan.add_secret(token);
    let placement = match lines.assignments(TOKEN_VAR, shell).pop() {
        Some((i, a)) if a.value == token && a.exported && !a.dynamic => {
            return Err(FixError::NothingToDo(format!(
                "{shown} line {} already exports this token ({}).",
                i + 1,
                mask(token)
            )));
        }
        Some((i, a)) => {
            plan.add_secret(&a.value);
            plan.add_secret(&a.raw_value);
            let old = lines.text(i).unwrap_or_default();
            let line = format!("{}{new_line}", profile_edit::indent_of(old));
            lines.replace(i, &line, false);
            format!("replacing line {} that set it before", i + 1)
        }
        None => {
            lines.append(&["# added by claude-auth-tui (claude setup-token)", &new_line]);
            "at the end of the file".to_string()
        }
    };
    plan.summary = format!(
        "Save the login token from `claude setup-token` ({}) as {TOKEN_VAR} in {shown}, \
         {placement}: a browser login cannot complete from {where_}.",
        mask(token)
    );
    plan.notes.push(profile_edit::reload_hint(env, &path));
    plan.notes.push(
        "An ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN, where set, still wins over this token."
            .to_string(),
    );
    plan.edits.push(FileEdit {
        mode: before.is_none().then_some(super::atomic::SECRET_MODE),
        path,
        before,
        after: Some(lines.join()),
    });
    Ok(plan)
}

/// A login token from `claude setup-token`: `sk-ant-oat…`, one line, no quotes.
fn validate_token(token: &str) -> Result<(), FixError> {
    let bad = |why: &str| {
        Err(FixError::InvalidInput(format!(
            "This is not a login token from `claude setup-token`: {why}."
        )))
    };
    if token.chars().any(char::is_whitespace) {
        return bad("it contains spaces or line breaks; paste the token alone, on one line");
    }
    if !token.starts_with("sk-ant-oat") {
        return bad("such tokens start with `sk-ant-oat`");
    }
    if !token
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return bad("it contains characters a token never has; copy it again");
    }
    if token.len() < 40 {
        return bad("it is too short to be a whole token; copy all of it");
    }
    Ok(())
}
