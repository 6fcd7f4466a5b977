//! open-console: open the Console's API key page in a browser, or show its address where no
//! browser can open (SSH, no display).

use super::plan::{CommandSpec, FixPlan};
use super::{FixError, FixInput};
use crate::env::{Environment, Platform};
use crate::ids::FixId;

/// The page where API keys are created.
pub const KEYS_URL: &str = "https://console.anthropic.com/settings/keys";

/// Whether no browser can be opened from here.
#[must_use]
pub fn is_headless(env: &Environment) -> bool {
    let remote = env.var("SSH_CONNECTION").is_some() || env.var("SSH_TTY").is_some();
    let no_display = matches!(env.platform(), Platform::Linux | Platform::Other)
        && env.var("DISPLAY").is_none()
        && env.var("WAYLAND_DISPLAY").is_none();
    remote || no_display
}

fn opener(env: &Environment) -> Option<(String, Vec<String>)> {
    let (program, args): (&str, Vec<String>) = match env.platform() {
        Platform::MacOs => ("open", vec![KEYS_URL.to_string()]),
        Platform::Windows => (
            "cmd",
            vec!["/C".into(), "start".into(), String::new(), KEYS_URL.into()],
        ),
        Platform::Linux | Platform::Other => ("xdg-open", vec![KEYS_URL.to_string()]),
    };
    let path = std::env::join_paths(env.path_dirs()).ok()?;
    which::which_in(program, Some(path), env.cwd()).ok()?;
    Some((program.to_string(), args))
}

#[allow(clippy::unnecessary_wraps)] // every planner has this signature (fixes::plan)
pub(crate) fn plan(env: &Environment, _input: &FixInput) -> Result<FixPlan, FixError> {
    let mut plan = FixPlan::new(
        FixId::OpenConsole,
        format!("Open the Anthropic Console's API key page: {KEYS_URL}"),
    );
    match opener(env).filter(|_| !is_headless(env)) {
        Some((program, args)) => {
            plan.command = Some(CommandSpec {
                program,
                args,
                interactive: false,
                explanation: "Opens the page in your browser.".to_string(),
            });
        }
        None => plan.notes.push(format!(
            "No browser can be opened from this session: open {KEYS_URL} on any machine."
        )),
    }
    plan.notes.push(
        "Create a key there, then save it with `claude-auth-tui fix export-key` (it reads the \
         key from standard input)."
            .to_string(),
    );
    Ok(plan)
}
