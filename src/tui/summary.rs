//! The short plain-text summary printed after the wizard closes.

use crate::knowledge;
use crate::outcome::Status;
use crate::sanitize;
use crate::secret;
use crate::tui::app::App;
use std::fmt::Write as _;

/// What was found, in a few lines of plain text (no colours, no secrets): the tally, the checks
/// that did not pass, the primary cause and its fixes.
#[must_use]
pub fn summary(app: &App) -> String {
    let mut out = String::new();
    if let Some(demo) = &app.demo {
        let _ = writeln!(
            out,
            "(demo \"{demo}\": a made-up setup in a throwaway folder; nothing of yours was touched)"
        );
    }
    let done = app.done_count();
    let total = app.rows.len();
    let count = |s: Status| app.rows.iter().filter(|r| r.status() == Some(s)).count();
    let tally: Vec<String> = [
        (Status::Fail, "failed"),
        (Status::Warn, "warned"),
        (Status::Pass, "passed"),
        (Status::Skip, "skipped"),
    ]
    .into_iter()
    .filter(|(s, _)| count(*s) > 0)
    .map(|(s, word)| format!("{} {word}", count(s)))
    .collect();
    let _ = write!(out, "claude-auth-tui: ");
    if done < total {
        let _ = write!(out, "stopped with {done} of {total} checks done");
        if !tally.is_empty() {
            let _ = write!(out, " ({})", tally.join(", "));
        }
        let _ = writeln!(out);
    } else {
        let _ = writeln!(out, "{}", tally.join(", "));
    }

    let width = app
        .rows
        .iter()
        .map(|r| r.id.title().chars().count())
        .max()
        .unwrap_or(0);
    for row in &app.rows {
        if let Some(o) = row.outcome().filter(|o| o.status >= Status::Warn) {
            let _ = writeln!(
                out,
                "  {} {:<width$}  {}",
                o.status.mark(),
                row.id.title(),
                o.summary
            );
        }
    }

    match &app.primary {
        Some(p) => {
            let label = if done < total {
                "Likely cause so far"
            } else {
                "Primary cause"
            };
            let _ = writeln!(
                out,
                "{label}: {} ({})",
                p.cause,
                knowledge::cause(p.cause).title
            );
            // A demo's commands would act on the real home, not on the demo's: none are given.
            if app.demo.is_none() {
                if let Some(outcome) = app.row(p.check).and_then(|r| r.outcome()) {
                    for fix in &outcome.fixes {
                        let _ = writeln!(out, "  Fix: claude-auth-tui fix {fix}");
                    }
                }
                let _ = writeln!(out, "Full report: claude-auth-tui check --verbose");
            }
        }
        None if done == total => {
            if count(Status::Fail) > 0 && app.demo.is_none() {
                let _ = writeln!(out, "Full report: claude-auth-tui check --verbose");
            } else {
                let _ = writeln!(out, "No problem found.");
            }
        }
        None => {}
    }
    applied(app, &mut out);
    if app.demo.is_some() {
        let _ = writeln!(
            out,
            "To check your own setup, run claude-auth-tui without --demo."
        );
    }
    // Check summaries quote servers, files and paths: masked and escaped like every output.
    sanitize::escape(&secret::scrub(&out, &[])).into_owned()
}

/// The fixes applied in the wizard, and how to take them back.
fn applied(app: &App, out: &mut String) {
    if app.applied.is_empty() {
        return;
    }
    let _ = writeln!(out, "Fixes applied in the wizard:");
    for fix in &app.applied {
        let mut line = format!("  {} ({})", fix.fix, fix.files.join(", "));
        if let Some(backup) = &fix.backup_dir {
            let _ = write!(line, ", backup in {backup}");
        }
        if fix.undone {
            line.push_str(", undone");
        }
        let _ = writeln!(out, "{line}");
    }
    if app.demo.is_some() {
        let _ = writeln!(
            out,
            "(made in the demo's throwaway folder, deleted on quit: there is nothing to undo)"
        );
    } else if app.applied.iter().any(|f| !f.undone) {
        let _ = writeln!(
            out,
            "To undo the last one: claude-auth-tui undo (claude-auth-tui undo --list shows them all)"
        );
    }
}
