//! The composition root: parse arguments, capture the environment once, run one mode.

mod cli;

use clap::CommandFactory;
use clap::Parser;
use claude_auth_tui::env::Environment;
use claude_auth_tui::report::{self, Diagnosis};
use claude_auth_tui::sanitize::{self, EscapingWriter};
use cli::{Cli, ColorChoice, Command};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("claude-auth-tui: cannot start: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(2)),
        Err(e) => {
            // An error may quote a path or a server's words: escaped like every output.
            let message = format!("claude-auth-tui: {e:#}");
            eprintln!("{}", sanitize::escape(&message));
            ExitCode::from(2)
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<i32> {
    let env = Arc::new(with_color_choice(Environment::capture(), cli.color));
    let opts = cli.check.options();
    match cli.command {
        Some(Command::Check { json, verbose }) => {
            let diagnosis = Diagnosis::run(Arc::clone(&env), opts).await;
            let text = if json {
                report::json::render(&diagnosis)
            } else {
                let color = wants_color(cli.color, &env, std::io::stdout().is_terminal());
                report::text::render_styled(&diagnosis, verbose, color)
            };
            print(&text)?;
            Ok(diagnosis.exit_code())
        }
        Some(Command::Explain { text, json }) => {
            let input = claude_auth_tui::explain::read_input(&text, std::io::stdin().lock())
                .map_err(|e| anyhow::anyhow!("cannot read the error text: {e}"))?;
            let result = claude_auth_tui::classify::classify(&input);
            print(&if json {
                claude_auth_tui::explain::render_json(&result)
            } else {
                claude_auth_tui::explain::render_text(&result)
            })?;
            // Like grep: 0 when a cause was named, 1 when nothing matched.
            Ok(i32::from(result.cause.is_none()))
        }
        Some(Command::Fix {
            fix,
            dry_run,
            yes,
            target,
            var,
        }) => {
            let fix_opts = claude_auth_tui::fixes::cli::FixCliOptions {
                dry_run,
                yes,
                offline: opts.offline,
                target,
                var,
                cli_version: claude_auth_tui::checks::cli::installed_version(&env).await,
            };
            let live_env = Arc::clone(&env);
            let timeout = opts.timeout;
            // run_fix is synchronous (it reads the terminal); the live check runs on this runtime.
            tokio::task::block_in_place(|| {
                let validate = |key: &str| {
                    tokio::runtime::Handle::current()
                        .block_on(claude_auth_tui::checks::live::validate_api_key(
                            Arc::clone(&live_env),
                            key,
                            timeout,
                        ))
                        .map(|_| ())
                };
                let stdin = std::io::stdin();
                let tty = stdin.is_terminal();
                claude_auth_tui::fixes::cli::run_fix(
                    &env,
                    fix,
                    fix_opts,
                    &mut stdin.lock(),
                    &mut EscapingWriter::new(std::io::stdout().lock()),
                    tty,
                    Some(&validate),
                )
            })
        }
        Some(Command::Undo { list, yes }) => {
            let stdin = std::io::stdin();
            let tty = stdin.is_terminal();
            claude_auth_tui::fixes::cli::run_undo(
                &env,
                list,
                yes,
                &mut stdin.lock(),
                &mut EscapingWriter::new(std::io::stdout().lock()),
                tty,
            )
        }
        Some(Command::Report { json, output }) => {
            let diagnosis = Diagnosis::run(env, opts).await;
            let text = if json {
                report::markdown::render_json(&diagnosis)
            } else {
                report::markdown::render(&diagnosis)
            };
            match output {
                Some(path) => {
                    std::fs::write(&path, text).map_err(|e| {
                        anyhow::anyhow!("cannot write the report to {}: {e}", path.display())
                    })?;
                    let note = format!("report written to {}", path.display());
                    eprintln!("{}", sanitize::escape(&note));
                }
                None => print(&text)?,
            }
            Ok(0)
        }
        Some(Command::Completions { shell }) => {
            let mut command = Cli::command();
            let mut script = Vec::new();
            clap_complete::generate(
                shell.generator(),
                &mut command,
                env!("CARGO_BIN_NAME"),
                &mut script,
            );
            let mut script = String::from_utf8_lossy(&script).into_owned();
            match shell {
                cli::Shell::Fish => script.push_str(&fish_fix_ids()),
                cli::Shell::Bash => script = mend_bash_case_labels(&script),
                _ => {}
            }
            print(&script)?;
            Ok(0)
        }
        Some(Command::Man { out_dir }) => {
            let page = man_page()?;
            match out_dir {
                Some(dir) => {
                    let path = dir.join(concat!(env!("CARGO_BIN_NAME"), ".1"));
                    std::fs::write(&path, page).map_err(|e| {
                        anyhow::anyhow!("cannot write the manual page to {}: {e}", path.display())
                    })?;
                    eprintln!("manual page written to {}", path.display());
                }
                None => print(&String::from_utf8_lossy(&page))?,
            }
            Ok(0)
        }
        None => {
            let finished = match cli.demo.as_deref() {
                Some("list") => {
                    print(&claude_auth_tui::demo::list_text())?;
                    return Ok(0);
                }
                Some(name) => {
                    let theme = claude_auth_tui::tui::theme::Theme::from_env(&env);
                    claude_auth_tui::demo::run(Some(name), opts, theme).await?
                }
                None => claude_auth_tui::tui::run(env, opts).await?,
            };
            // The terminal may be gone (SIGHUP): the summary then has nowhere to go.
            let _ = print(&finished.summary);
            Ok(i32::from(finished.exit_code))
        }
    }
}

/// `--color` folded into the snapshot the wizard reads: `never` is `NO_COLOR=1`, `always` drops
/// `NO_COLOR`; `auto` leaves the environment as it is.
fn with_color_choice(env: Environment, choice: ColorChoice) -> Environment {
    match choice {
        ColorChoice::Auto => env,
        ColorChoice::Always => env.without_var("NO_COLOR"),
        ColorChoice::Never => env.with_var("NO_COLOR", "1"),
    }
}

/// Whether plain-text output gets colour: `always`, or `auto` on a terminal without `NO_COLOR`.
fn wants_color(choice: ColorChoice, env: &Environment, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => is_terminal && env.var("NO_COLOR").is_none(),
    }
}

/// `clap_complete` 4.6 names the subcommand branches of a hyphenated binary
/// `claude__subcmd__auth__subcmd__tui__subcmd__fix` while its dispatch sets
/// `claude__auth__tui__subcmd__fix`, so no subcommand's values complete; align the labels.
fn mend_bash_case_labels(script: &str) -> String {
    let name = env!("CARGO_BIN_NAME");
    let wrong = format!("{}__subcmd__", name.replace('-', "__subcmd__"));
    let right = format!("{}__subcmd__", name.replace('-', "__"));
    script.replace(&wrong, &right)
}

/// `clap_complete`'s fish script completes flags but not positional values: add the fix ids.
fn fish_fix_ids() -> String {
    let ids: Vec<&str> = claude_auth_tui::ids::FixId::ALL
        .iter()
        .map(|f| f.as_str())
        .collect();
    format!(
        "complete -c {bin} -n \"__fish_{func}_using_subcommand fix\" -f -a \"{ids}\"\n",
        bin = env!("CARGO_BIN_NAME"),
        func = env!("CARGO_BIN_NAME").replace('-', "_"),
        ids = ids.join(" ")
    )
}

/// The roff manual page, generated from the same clap definition as `--help`.
fn man_page() -> anyhow::Result<Vec<u8>> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut page)?;
    Ok(page)
}

/// Prints, treating a closed pipe (`| head`) as success. The output boundary: whatever a
/// renderer let through, no control character or bidi override reaches the terminal raw; only
/// colour sequences pass (those of `check --color`: renderers escape every outside text).
fn print(text: &str) -> anyhow::Result<()> {
    let text = sanitize::escape_keeping_colors(text);
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
