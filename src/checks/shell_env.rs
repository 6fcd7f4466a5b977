//! `shell-env`: the credential variables in this shell, traced to the profile lines that set
//! them; keys in a profile but missing here; malformed values; a key that shadows a login; a
//! key declined at the CLI's "Detected a custom API key" prompt.

use super::CheckCtx;
use crate::env::{Environment, HomeState};
use crate::ids::{CauseId, CheckId, FixId};
use crate::outcome::{CheckOutcome, ProfileLine, ProfileLineState, Status};
use crate::resolve::{Method, Mode, Origin, Provider};
use crate::secret::mask;
use crate::sources::global_config::KeyApproval;
use crate::sources::profiles::Assignment;

/// The variables that carry a credential.
pub const CREDENTIAL_VARS: &[&str] = &[
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_AUTH_TOKEN",
    "CLAUDE_CODE_OAUTH_TOKEN",
];

#[must_use]
pub fn run(ctx: &CheckCtx) -> CheckOutcome {
    let env = &ctx.env;
    let mut out = CheckOutcome::new(CheckId::ShellEnv);
    let nothing_else_works =
        ctx.auth.effective.is_none() && ctx.auth.provider == Provider::Anthropic;
    let missing_severity = if nothing_else_works {
        Status::Fail
    } else {
        Status::Warn
    };
    let custom_endpoint = ctx.endpoint.is_custom();

    if let Some(problem) = home_problem(env) {
        out.find(CauseId::HomeMissing, Status::Fail, problem);
    }
    for (path, why) in &ctx.facts.unreadable_profiles {
        out.detail(format!(
            "{} was not read: it {why}; a key set there is not seen by this check",
            env.display_path(path)
        ));
    }

    for var in CREDENTIAL_VARS {
        let assignments: Vec<&Assignment> = ctx
            .facts
            .profile_assignments
            .iter()
            .filter(|a| a.var == *var)
            .collect();
        match env.raw_var(var) {
            Some(value) if !value.is_empty() => {
                let traced = assignments
                    .iter()
                    .find(|a| !a.commented && a.value == value)
                    .map(|a| format!(", set at {}:{}", env.display_path(&a.path), a.line))
                    .unwrap_or_default();
                out.detail(format!("{var} = {}{traced}", mask(value)));
                if let Some(origin) = crate::resolve::unset_by_settings(var, env, &ctx.facts) {
                    // The root cause of "nothing to send" when the shell has a key: a settings
                    // `env` block blanks it (verified: the CLI then says "Not logged in").
                    let severity = if ctx.auth.effective.is_none() {
                        Status::Fail
                    } else {
                        Status::Warn
                    };
                    out.find(
                        CauseId::SettingsOverride,
                        severity,
                        format!(
                            "{var} is set in this shell, but {} sets it to \"\", which unsets it: \
                             Claude Code does not send it",
                            origin.describe(env)
                        ),
                    );
                    out.offer(FixId::DropOverride);
                }
                if let Some(problem) = malformed(var, value, env.is_non_utf8(var), custom_endpoint)
                {
                    // Spaces, CR or LF around the value are trimmed by the CLI: at most a warning.
                    let severity = if only_surrounding_whitespace(var, value, custom_endpoint) {
                        Status::Warn
                    } else {
                        Status::Fail
                    };
                    out.find(
                        CauseId::KeyMalformed,
                        severity,
                        format!("{var} in this shell {problem}"),
                    );
                    if assignments.iter().any(|a| !a.commented) {
                        out.offer(FixId::RepairKey);
                    }
                    out.offer(FixId::ExportKey);
                }
                for a in assignments
                    .iter()
                    .filter(|a| !a.commented && !a.dynamic && a.value != value)
                {
                    out.detail(format!(
                        "{}:{} sets a different {var} ({}): this shell has not loaded it",
                        env.display_path(&a.path),
                        a.line,
                        mask(&a.value)
                    ));
                }
            }
            Some(_) => out.detail(format!(
                "{var} is set but empty (the CLI treats it as unset)"
            )),
            None => report_missing(&mut out, env, var, &assignments, missing_severity),
        }
    }

    check_profile_values(&mut out, ctx, custom_endpoint);
    check_approval(&mut out, ctx);
    check_shadowing(&mut out, ctx);

    if nothing_else_works
        && out.findings.is_empty()
        && !ctx.facts.credentials.state_exists()
        && !ctx.facts.misplaced_credentials.state_exists()
    {
        out.find(
            CauseId::NoCredentials,
            Status::Fail,
            "no credential anywhere: no API key in this shell or its profiles, and no login",
        );
        out.offer(FixId::Relogin);
        out.offer(FixId::ExportKey);
    }

    let default = match ctx.auth.effective.as_ref() {
        Some(c) if c.method == Method::ApiKey && c.origin == Origin::Shell => {
            format!(
                "ANTHROPIC_API_KEY is set ({})",
                c.masked().unwrap_or_default()
            )
        }
        Some(c) if c.origin == Origin::Shell => format!("{} is set", c.source),
        Some(c) => format!("no key needed here: Claude Code uses {}", c.describe(env)),
        None => "no credential variables in this shell".to_string(),
    };
    out.finish(&default)
}

/// Why the home folder cannot hold Claude Code's files, if it cannot.
#[must_use]
pub fn home_problem(env: &Environment) -> Option<String> {
    let home = env.home().display();
    match env.home_state() {
        HomeState::Ok => None,
        HomeState::Unset => Some(
            "HOME is not set, so Claude Code has no reliable home folder for its login, settings and ~/.claude.json"
                .to_string(),
        ),
        HomeState::Relative => Some(format!(
            "HOME ({home}) is a relative path, so Claude Code's login, settings and ~/.claude.json would be looked up in a different folder from every working folder"
        )),
        HomeState::Root => Some(
            "HOME is / (the root folder, nobody's home), so Claude Code would read and write its login, settings and ~/.claude.json at the top of the file system"
                .to_string(),
        ),
        HomeState::NotADirectory => Some(format!(
            "HOME ({home}) does not exist or is not a directory, so Claude Code cannot read or save its login, settings or ~/.claude.json"
        )),
    }
}

fn report_missing(
    out: &mut CheckOutcome,
    env: &Environment,
    var: &str,
    assignments: &[&Assignment],
    severity: Status,
) {
    let shell = env.shell_name().unwrap_or_else(|| "your shell".to_string());
    for a in assignments.iter().filter(|a| !a.commented) {
        let place = format!("{}:{}", env.display_path(&a.path), a.line);
        let (state, summary) = if let Some(why) = a.why_not_in_effect() {
            (
                ProfileLineState::NotInEffect,
                format!(
                    "{var} is set at {place}, but that line {why}, so the shell does not have it"
                ),
            )
        } else if !a.exported {
            (
                ProfileLineState::NotExported,
                format!(
                    "{var} is set without `export` at {place}, so programs like claude never see it"
                ),
            )
        } else if a.read_by_login_shell {
            (
                ProfileLineState::ExportedNotLoaded,
                format!(
                    "{var} is exported at {place}, but not in this shell: it was started before the line was added, or the line did not run"
                ),
            )
        } else {
            (
                ProfileLineState::OtherShell,
                format!(
                    "{var} is only in {place}, a {} profile; {shell} does not read it",
                    a.shell.name()
                ),
            )
        };
        if a.dynamic {
            out.detail(format!(
                "{place}: {var} is computed when the profile runs ({})",
                crate::secret::scrub(&a.raw_value, &[])
            ));
        }
        let line = ProfileLine {
            var: var.to_string(),
            file: env.display_path(&a.path),
            line: a.line,
            state,
        };
        out.find_in_profile(CauseId::KeyNotExported, severity, summary, line);
        if var == "ANTHROPIC_API_KEY" {
            out.offer(FixId::ExportKey);
        }
    }
}

/// Keys not loaded in this shell may still be broken where they are written (CRLF line ends,
/// quotes inside quotes, spaces).
fn check_profile_values(out: &mut CheckOutcome, ctx: &CheckCtx, custom_endpoint: bool) {
    let env = &ctx.env;
    for a in ctx
        .facts
        .profile_assignments
        .iter()
        .filter(|a| !a.commented && !a.dynamic && env.var(&a.var).is_none())
    {
        if let Some(problem) = malformed(&a.var, &a.value, false, custom_endpoint) {
            out.find(
                CauseId::KeyMalformed,
                Status::Warn,
                format!(
                    "{} at {}:{} {problem}",
                    a.var,
                    env.display_path(&a.path),
                    a.line
                ),
            );
            out.offer(FixId::RepairKey);
        }
    }
}

/// True when the value is fine once the spaces, CR and LF around it are trimmed, as the CLI
/// trims header values (verified).
#[must_use]
pub fn only_surrounding_whitespace(var: &str, value: &str, custom_endpoint: bool) -> bool {
    let trimmed = crate::resolve::trim_header_value(value);
    trimmed != value && malformed(var, trimmed, false, custom_endpoint).is_none()
}

/// Why a credential value will not work as written, if it will not.
#[must_use]
pub fn malformed(var: &str, value: &str, non_utf8: bool, custom_endpoint: bool) -> Option<String> {
    if non_utf8 {
        return Some("contains bytes that are not text (not valid UTF-8)".to_string());
    }
    let trimmed = crate::resolve::trim_header_value(value);
    if trimmed.contains('\n') || trimmed.contains('\r') {
        return Some(
            "contains a line break inside it (pasted across two lines?): the request fails"
                .to_string(),
        );
    }
    if value != trimmed {
        if malformed(var, trimmed, false, custom_endpoint).is_none() {
            return Some(
                "has a space or line break before or after it: Claude Code trims it, so it works \
                 (the masked key shown is the trimmed one)"
                    .to_string(),
            );
        }
        return malformed(var, trimmed, false, custom_endpoint);
    }
    if value.starts_with(['"', '\'']) || value.ends_with(['"', '\'']) {
        return Some("includes quote characters as part of the value".to_string());
    }
    if value.chars().any(char::is_whitespace) {
        return Some("contains spaces".to_string());
    }
    if var == "ANTHROPIC_API_KEY" && !custom_endpoint {
        if value.starts_with("sk-ant-oat") {
            return Some(
                "holds a login (OAuth) token, not an API key: use CLAUDE_CODE_OAUTH_TOKEN for that"
                    .to_string(),
            );
        }
        if !value.starts_with("sk-ant-") {
            return Some("does not start with `sk-ant-` like Anthropic API keys do".to_string());
        }
        let n = value.chars().count();
        if !(40..=300).contains(&n) {
            return Some(format!(
                "is {n} characters long; Anthropic API keys are about 108 (truncated?)"
            ));
        }
    }
    if var == "CLAUDE_CODE_OAUTH_TOKEN" && !value.starts_with("sk-ant-oat") {
        return Some("does not look like a `claude setup-token` token (sk-ant-oat…)".to_string());
    }
    None
}

fn check_approval(out: &mut CheckOutcome, ctx: &CheckCtx) {
    let Some(approval) = ctx.auth.api_key_approval else {
        return;
    };
    match approval {
        KeyApproval::Rejected => {
            let (severity, rest) = if ctx.auth.effective.is_none() {
                (
                    Status::Fail,
                    "so interactive sessions have no credential (`claude -p` still uses it)",
                )
            } else {
                (
                    Status::Warn,
                    "so interactive sessions ignore it while `claude -p` uses it",
                )
            };
            out.find(
                CauseId::KeyNotApproved,
                severity,
                format!(
                    "ANTHROPIC_API_KEY was declined at Claude Code's \"Detected a custom API key\" prompt, {rest}"
                ),
            );
            out.offer(FixId::ApproveKey);
        }
        KeyApproval::Unasked => out.detail(
            "Claude Code has not asked about this ANTHROPIC_API_KEY yet: on the next interactive start it asks \"Do you want to use this API key?\" and the default answer is No",
        ),
        KeyApproval::Approved => out.detail("ANTHROPIC_API_KEY was approved for interactive use"),
    }
}

fn check_shadowing(out: &mut CheckOutcome, ctx: &CheckCtx) {
    // A key that wins over a subscription login bills the API account (`claude -p` always
    // uses the key; interactive sessions once it is approved).
    let login = ctx
        .auth_print
        .shadowed
        .iter()
        .find(|c| c.method == Method::Oauth);
    let Some(login) = login else { return };
    let Some(winner) = ctx.auth_print.effective.as_ref() else {
        return;
    };
    if !matches!(winner.method, Method::ApiKey | Method::AuthToken) {
        return;
    }
    let interactive_too = ctx.auth.mode == Mode::Interactive
        && ctx
            .auth
            .effective
            .as_ref()
            .is_some_and(|c| c.method == winner.method);
    out.find(
        CauseId::EnvShadowsLogin,
        Status::Warn,
        format!(
            "{} wins over your login ({}){}: requests bill the API account, not your subscription",
            winner.describe(&ctx.env),
            login.source,
            if interactive_too {
                ""
            } else {
                " in `claude -p`"
            },
        ),
    );
    if ctx
        .facts
        .profile_assignments
        .iter()
        .any(|a| a.var == winner.source && a.exported && !a.commented)
    {
        out.offer(FixId::SilenceEnvKey);
    }
}
