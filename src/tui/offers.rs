//! What the selected check offers: the fixes of its worst finding and the commands to check it
//! by hand. The detail pane lists them, the key table offers `f`, digits and `c` for them, and
//! the fix flow starts or copies them: one answer for all three.

use crate::ids::FixId;
use crate::knowledge;
use crate::outcome::{CheckOutcome, Status};
use crate::tui::app::{App, CheckState};

/// The fixes offered for a finished outcome: those of its worst finding (warn or fail), as the
/// detail pane lists them. At most 9, one per digit.
#[must_use]
pub fn fixes_for(outcome: &CheckOutcome) -> Vec<FixId> {
    let Some(finding) = outcome
        .worst_finding()
        .filter(|f| f.severity >= Status::Warn)
    else {
        return Vec::new();
    };
    let fixes = if outcome.fixes.is_empty() {
        knowledge::cause(finding.cause).fixes.clone()
    } else {
        outcome.fixes.clone()
    };
    fixes.into_iter().take(9).collect()
}

/// The fixes offered for the selected check (none while it runs).
#[must_use]
pub fn selected_fixes(app: &App) -> Vec<FixId> {
    match &app.selected_row().state {
        CheckState::Done(outcome) => fixes_for(outcome),
        _ => Vec::new(),
    }
}

/// A line of "Check it yourself" that tells rather than runs ("Check the balance at …").
#[must_use]
pub fn is_prose(item: &str) -> bool {
    item.chars().next().is_some_and(|c| c.is_ascii_uppercase())
}

/// The commands of the selected check's "Check it yourself", one a line: what `c` copies.
#[must_use]
pub fn commands_to_copy(app: &App) -> Option<String> {
    let outcome = app.selected_row().outcome()?;
    let finding = outcome
        .worst_finding()
        .filter(|f| f.severity >= Status::Warn)?;
    let commands: Vec<&str> = knowledge::cause(finding.cause)
        .verify
        .iter()
        .map(String::as_str)
        .filter(|c| !is_prose(c))
        .collect();
    (!commands.is_empty()).then(|| commands.join("\n"))
}
