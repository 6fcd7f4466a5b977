//! `config-scope`: every settings file the CLI reads, in its precedence; each auth-relevant key
//! per scope with the winner; overrides; corrupt files; the workspace-trust rule; the
//! `apiKeyHelper` run; managed login policy.

use super::CheckCtx;
use super::helper::HelperRun;
use super::trust;
use crate::ids::{CauseId, CheckId, FixId};
use crate::outcome::{CheckOutcome, Status};
use crate::resolve::{self, Method, Mode, Origin};
use crate::secret::mask;
use crate::sources::global_config::GlobalState;
use crate::sources::settings::{AUTH_ENV_KEYS, AUTH_TOP_KEYS, Scope, SettingsState};

/// Variables whose override by a settings file changes which credential or endpoint is used.
const OVERRIDE_VARS: &[&str] = &[
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_AUTH_TOKEN",
    "ANTHROPIC_BASE_URL",
    "CLAUDE_CODE_OAUTH_TOKEN",
];

/// Variables holding secrets: shown masked.
const SECRET_VARS: &[&str] = &[
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_AUTH_TOKEN",
    "CLAUDE_CODE_OAUTH_TOKEN",
    "AWS_BEARER_TOKEN_BEDROCK",
    "ANTHROPIC_FOUNDRY_API_KEY",
];

pub async fn run(ctx: &CheckCtx) -> CheckOutcome {
    let env = &ctx.env;
    let mut out = CheckOutcome::new(CheckId::ConfigScope);

    // Highest precedence first, as a reader expects "who wins" at the top.
    for file in ctx.facts.settings.iter().rev() {
        let place = format!("{} {}", file.scope.label(), env.display_path(&file.path));
        match &file.state {
            SettingsState::Missing => {}
            SettingsState::Unreadable(problem) => {
                out.find(
                    CauseId::SettingsCorrupt,
                    Status::Warn,
                    format!("{place} {problem}; Claude Code cannot use it"),
                );
            }
            SettingsState::Corrupt(problem) => {
                out.find(
                    CauseId::SettingsCorrupt,
                    Status::Warn,
                    format!(
                        "{place} {problem}; Claude Code silently ignores the whole file, its env block with it"
                    ),
                );
            }
            SettingsState::Loaded { .. } => {
                let mut keys = Vec::new();
                for var in AUTH_ENV_KEYS {
                    if let Some(v) = file.env_value(var) {
                        keys.push(format!("env.{var}={}", shown(var, &v)));
                    }
                }
                for key in AUTH_TOP_KEYS {
                    if let Some(v) = file.top_value(key) {
                        keys.push(format!("{key}={}", crate::secret::scrub(&v, &[])));
                    }
                }
                if keys.is_empty() {
                    out.detail(format!("{place}: no auth settings"));
                } else {
                    out.detail(format!("{place}: {}", keys.join(", ")));
                }
            }
        }
    }

    match &ctx.facts.global.state {
        GlobalState::Corrupt(problem) | GlobalState::Unreadable(problem) => {
            out.find(
                CauseId::GlobalConfigCorrupt,
                Status::Fail,
                format!(
                    "{} {problem}: Claude Code stops at start-up with \"Configuration error\"",
                    env.display_path(&ctx.facts.global.path)
                ),
            );
        }
        GlobalState::Loaded { .. } => {
            if let Some(key) = ctx.facts.global.primary_api_key() {
                out.detail(format!(
                    "{}: primaryApiKey={} (the /login managed key)",
                    env.display_path(&ctx.facts.global.path),
                    mask(key)
                ));
            }
        }
        GlobalState::Missing => {}
    }

    check_overrides(&mut out, ctx);
    check_helper(&mut out, ctx).await;
    check_login_policy(&mut out, ctx);

    check_untrusted_folder(&mut out, ctx);

    let files = ctx
        .facts
        .settings
        .iter()
        .filter(|f| f.state != SettingsState::Missing)
        .count();
    out.finish(&format!(
        "{files} settings file{} read; no override of your key or endpoint",
        if files == 1 { "" } else { "s" }
    ))
}

fn shown(var: &str, value: &str) -> String {
    if SECRET_VARS.contains(&var) {
        mask(value)
    } else {
        crate::secret::scrub(value, &[])
    }
}

fn check_overrides(out: &mut CheckOutcome, ctx: &CheckCtx) {
    let env = &ctx.env;
    for var in OVERRIDE_VARS {
        let candidates = resolve::env_candidates(var, env, &ctx.facts);
        if let Some(origin) = resolve::unset_by_settings(var, env, &ctx.facts) {
            // An empty value in a settings `env` block unsets the variable (verified).
            out.find(
                CauseId::SettingsOverride,
                Status::Warn,
                format!(
                    "{var} is set to \"\" in {}, which unsets the {var} set elsewhere: Claude Code \
                     does not send it",
                    origin.describe(env)
                ),
            );
            out.offer(FixId::DropOverride);
            continue;
        }
        let Some(winner) = resolve::effective_var(var, env, &ctx.facts, Mode::Interactive) else {
            continue;
        };
        let shell = candidates.iter().find(|c| c.origin == Origin::Shell);
        if !winner.origin.is_settings() {
            continue;
        }
        let winner_place = winner.origin.describe(env);
        let pending = if resolve::from_untrusted_folder(&winner.origin, ctx.auth.folder_trusted) {
            " once you trust this folder (`claude -p` already does)"
        } else {
            ""
        };
        match shell {
            Some(shell) if shell.value != winner.value => {
                out.find(
                    CauseId::SettingsOverride,
                    Status::Warn,
                    format!(
                        "{var} from {winner_place} overrides the one in this shell{pending} ({} → {})",
                        shown(var, &shell.value),
                        shown(var, &winner.value)
                    ),
                );
                out.offer(FixId::DropOverride);
            }
            _ => out.detail(format!(
                "{var} = {} comes from {winner_place}",
                shown(var, &winner.value)
            )),
        }
        // Lower settings scopes that lose to the winner.
        for lost in candidates
            .iter()
            .filter(|c| c.origin.is_settings() && c.origin != winner.origin)
        {
            out.detail(format!(
                "{var} in {} is overridden by {winner_place}",
                lost.origin.describe(env)
            ));
        }
    }
}

async fn check_helper(out: &mut CheckOutcome, ctx: &CheckCtx) {
    let Some(spec) = ctx.auth.helper.as_ref().or(ctx.auth_print.helper.as_ref()) else {
        return;
    };
    let place = spec.origin.describe(&ctx.env);
    let Some(run) = ctx.helper_run().await else {
        return;
    };
    match run {
        HelperRun::Value(_) => out.detail(format!("apiKeyHelper from {place} {}", run.describe())),
        // Reported by the untrusted-folder finding.
        HelperRun::NotRun => {}
        _ => {
            let used = ctx.auth.method() == Method::ApiKeyHelper
                || ctx.auth_print.method() == Method::ApiKeyHelper;
            out.find(
                CauseId::ApiKeyHelperFailed,
                if used { Status::Fail } else { Status::Warn },
                format!(
                    "apiKeyHelper from {place} {}; Claude Code then sends a blank key (\"Invalid API key\")",
                    run.describe()
                ),
            );
            out.offer(FixId::DropOverride);
        }
    }
}

fn check_login_policy(out: &mut CheckOutcome, ctx: &CheckCtx) {
    let env = &ctx.env;
    for file in ctx.facts.settings.iter().rev() {
        let Some(method) = file.top_value("forceLoginMethod") else {
            continue;
        };
        let place = format!("{} {}", file.scope.label(), env.display_path(&file.path));
        let non_oauth = matches!(
            ctx.auth.method(),
            Method::ApiKey | Method::AuthToken | Method::ApiKeyHelper
        );
        if file.scope == Scope::Managed && method == "claudeai" && non_oauth {
            out.find(
                CauseId::ManagedPolicyConflict,
                Status::Fail,
                format!(
                    "managed settings {place} require a claude.ai login (forceLoginMethod=claudeai), but {} is configured: Claude Code refuses to start",
                    ctx.auth
                        .effective
                        .as_ref()
                        .map_or_else(String::new, |c| c.describe(env))
                ),
            );
        } else if file.scope != Scope::Managed {
            out.detail(format!(
                "{place} sets forceLoginMethod={method}: /login offers only that method"
            ));
        } else {
            out.detail(format!("{place} sets forceLoginMethod={method}"));
        }
        break;
    }
}

/// A folder not trusted yet whose settings set a credential, an endpoint or a command: what
/// Claude Code will use once it is trusted, and that this tool ran and sent nothing from it.
fn check_untrusted_folder(out: &mut CheckOutcome, ctx: &CheckCtx) {
    let commands = trust::untrusted_commands(ctx);
    let routing = trust::untrusted_routing(ctx);
    if commands.is_empty() && routing.is_empty() {
        if ctx.auth.folder_trusted {
            out.detail("this folder is trusted: its project and local settings apply");
        }
        return;
    }
    for c in &commands {
        out.detail(format!(
            "{} from {}: `{}` — not run (this folder is not trusted)",
            c.key, c.place, c.command
        ));
    }
    for r in &routing {
        out.detail(format!("sets {r}"));
    }
    let mut what: Vec<String> = commands.iter().map(|c| c.key.to_string()).collect();
    what.extend(
        routing
            .iter()
            .map(|r| r.split_whitespace().next().unwrap_or_default().to_string()),
    );
    what.dedup();
    out.find(
        CauseId::UntrustedFolder,
        Status::Warn,
        format!(
            "this folder is not trusted yet, and its settings set {}: Claude Code applies them once \
             you accept its trust dialog (and `claude -p` always does); this tool ran none of its \
             commands and sent no credential to an endpoint it chose",
            what.join(", ")
        ),
    );
}
