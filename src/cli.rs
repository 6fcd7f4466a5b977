//! Command-line arguments.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use claude_auth_tui::ids::FixId;
use std::time::Duration;

/// Diagnose and fix Claude Code authentication failures.
///
/// With no command, opens the full-screen wizard.
#[derive(Debug, Parser)]
#[command(name = "claude-auth-tui", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub check: CheckArgs,

    /// Open the wizard over a built-in broken setup in a throwaway home (`--demo list` names them)
    #[arg(long, value_name = "NAME", num_args = 0..=1, default_missing_value = "key-not-exported",
          value_parser = demo_name_parser())]
    pub demo: Option<String>,

    /// When to colour the output: auto (a terminal, and `NO_COLOR` unset), always or never
    #[arg(long, value_name = "WHEN", value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
}

/// `--color`: the usual three answers, next to `NO_COLOR`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The shells `completions` writes a script for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
}

impl Shell {
    #[must_use]
    pub fn generator(self) -> clap_complete::Shell {
        match self {
            Self::Bash => clap_complete::Shell::Bash,
            Self::Zsh => clap_complete::Shell::Zsh,
            Self::Fish => clap_complete::Shell::Fish,
            Self::Elvish => clap_complete::Shell::Elvish,
            Self::Powershell => clap_complete::Shell::PowerShell,
        }
    }
}

/// Options shared by the wizard, `check` and `report`.
#[derive(Debug, Args, Clone, Copy)]
pub struct CheckArgs {
    /// Skip the live request to the API
    #[arg(long, global = true)]
    pub offline: bool,

    /// Time limit for the live request, in seconds
    #[arg(long, value_name = "SECS", default_value_t = 10.0, global = true, value_parser = parse_timeout)]
    pub timeout: f64,

    /// Also ask Claude Code itself (`claude auth status --json`) and report where it disagrees
    #[arg(long, global = true)]
    pub cross_check: bool,
}

impl CheckArgs {
    #[must_use]
    pub fn options(self) -> claude_auth_tui::checks::CheckOptions {
        claude_auth_tui::checks::CheckOptions {
            offline: self.offline,
            timeout: Duration::from_secs_f64(self.timeout),
            cross_check: self.cross_check,
        }
    }
}

/// Fix ids as clap possible values, so `--help`, errors and shell completions list them.
fn fix_id_parser() -> impl TypedValueParser<Value = FixId> {
    PossibleValuesParser::new(FixId::ALL.iter().map(|f| PossibleValue::new(f.as_str())))
        .try_map(|s| FixId::parse(&s).ok_or("not a fix id"))
}

/// Demo names (and `list`) as possible values, for completions and a clear error.
fn demo_name_parser() -> PossibleValuesParser {
    let names = claude_auth_tui::demo::list()
        .into_iter()
        .map(|(name, description)| PossibleValue::new(name).help(description));
    PossibleValuesParser::new(names.chain(std::iter::once(
        PossibleValue::new("list").help("list the demos"),
    )))
}

/// Why a `--timeout` value was refused (clap prints it).
#[derive(Debug, thiserror::Error)]
enum TimeoutError {
    #[error("`{0}` is not a number of seconds")]
    NotANumber(String),
    #[error("the timeout must be between 0 and 600 seconds")]
    OutOfRange,
}

fn parse_timeout(s: &str) -> Result<f64, TimeoutError> {
    let v: f64 = s
        .parse()
        .map_err(|_| TimeoutError::NotANumber(s.to_string()))?;
    if v.is_finite() && v > 0.0 && v <= 600.0 {
        Ok(v)
    } else {
        Err(TimeoutError::OutOfRange)
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run every check and print what is wrong (exit 0: no failure, 1: a check failed)
    Check {
        /// Print exactly one JSON object (schema 1)
        #[arg(long)]
        json: bool,
        /// Show the evidence and explanations
        #[arg(short, long)]
        verbose: bool,
    },
    /// Name the cause of an error message Claude Code printed (TEXT, or standard input)
    Explain {
        /// The error text; read from standard input when absent
        text: Vec<String>,
        /// Print one JSON object: {"cause", "confidence", "matched", "candidates"}
        #[arg(long)]
        json: bool,
    },
    /// Apply one fix: preview, confirm, back up, write atomically (undo with `undo`)
    Fix {
        /// The fix id
        #[arg(value_parser = fix_id_parser())]
        fix: FixId,
        /// Show the plan and change nothing
        #[arg(long)]
        dry_run: bool,
        /// Do not ask for confirmation
        #[arg(long, short)]
        yes: bool,
        /// The file to change, when not the one the fix would pick
        #[arg(long, value_name = "FILE")]
        target: Option<std::path::PathBuf>,
        /// The variable or settings key to act on (drop-override, repair-key)
        #[arg(long, value_name = "NAME")]
        var: Option<String>,
    },
    /// Undo the last fix (refuses when a file changed since)
    Undo {
        /// List the fixes that can be undone
        #[arg(long)]
        list: bool,
        /// Do not ask for confirmation
        #[arg(long, short)]
        yes: bool,
    },
    /// Write a redacted report to share (Markdown, or JSON with --json): secrets as fingerprints
    Report {
        /// JSON instead of Markdown
        #[arg(long)]
        json: bool,
        /// Write to this file instead of standard output
        #[arg(short, long, value_name = "FILE")]
        output: Option<std::path::PathBuf>,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions {
        /// The shell to complete for
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the manual page (roff) to standard output, or write it into a folder
    Man {
        /// Write `claude-auth-tui.1` into this folder instead of printing it
        #[arg(long, value_name = "DIR")]
        out_dir: Option<std::path::PathBuf>,
    },
}
