//! Command-line arguments.

use clap::{Args, Parser, Subcommand};
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
    #[arg(long, value_name = "NAME", num_args = 0..=1, default_missing_value = "key-not-exported")]
    pub demo: Option<String>,
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
}

impl CheckArgs {
    #[must_use]
    pub fn options(self) -> claude_auth_tui::checks::CheckOptions {
        claude_auth_tui::checks::CheckOptions {
            offline: self.offline,
            timeout: Duration::from_secs_f64(self.timeout),
        }
    }
}

fn parse_fix_id(s: &str) -> Result<claude_auth_tui::ids::FixId, String> {
    claude_auth_tui::ids::FixId::parse(s).ok_or_else(|| {
        let ids: Vec<&str> = claude_auth_tui::ids::FixId::ALL
            .iter()
            .map(|f| f.as_str())
            .collect();
        format!("unknown fix `{s}`; the fixes are: {}", ids.join(", "))
    })
}

fn parse_timeout(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .parse()
        .map_err(|_| format!("`{s}` is not a number of seconds"))?;
    if v.is_finite() && v > 0.0 && v <= 600.0 {
        Ok(v)
    } else {
        Err("the timeout must be between 0 and 600 seconds".to_string())
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
        #[arg(value_parser = parse_fix_id)]
        fix: claude_auth_tui::ids::FixId,
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
}
