//! relogin: run the CLI's own login command for its version. In 2.x that is `claude auth login`
//! (`claude login` is not a command there: it is sent to the model as the prompt "login").

use super::plan::{CommandSpec, FixPlan};
use super::{FixError, FixInput};
use crate::env::Environment;
use crate::ids::FixId;

/// The major version in `claude --version` output such as `2.1.197 (Claude Code)`.
fn major(version: &str) -> Option<u32> {
    version.trim().split(['.', ' ']).next()?.parse().ok()
}

pub(crate) fn plan(env: &Environment, input: &FixInput) -> Result<FixPlan, FixError> {
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
