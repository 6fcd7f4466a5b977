//! Fixes from the wizard, as pure state changes: pick a fix → (export-key: type the key) → the
//! runtime plans it → confirm the preview → the runtime applies it → re-run the affected checks.
//! Undo goes the same way. Every result is tagged with the operation that asked for it, and a
//! result nobody waits for any more is dropped.
//!
//! Plans themselves stay in the runtime (an export-key plan holds the key): the state only ever
//! gets a [`PlanView`], whose texts are already scrubbed.

use crate::fixes::{self, FixError, FixInput};
use crate::ids::{CheckId, FixId};
use crate::outcome::{CheckOutcome, ProfileLineState};
use crate::tui::app::{App, AppliedFix, StatusLine};
use crate::tui::effect::Effect;
use crate::tui::modal::{Confirm, Confirming, KeyInput, Message, Modal, SecretInput, Tone};
use crate::tui::offers;
use std::fmt::Write as _;

// The results this flow consumes live with the messages that carry them; named here too, as
// the flow's functions take them.
pub use crate::tui::fix_results::{
    Applied, CommandRun, CommandStartError, PlanView, ReportError, UndoView, Undone,
};

/// `f`: one fix starts at once, several open the menu.
pub fn open_fixes(app: &mut App) -> Vec<Effect> {
    let fixes = offers::selected_fixes(app);
    match fixes.as_slice() {
        [] => Vec::new(),
        [only] => start(app, *only),
        _ => {
            app.modal = Some(Modal::FixMenu {
                check: app.selected_id(),
                fixes,
                selected: 0,
            });
            Vec::new()
        }
    }
}

/// A digit: fix number `n` (1-based) of the menu, or of the selected check.
pub fn pick(app: &mut App, n: usize) -> Vec<Effect> {
    let fixes = match &app.modal {
        Some(Modal::FixMenu { fixes, .. }) => fixes.clone(),
        _ => offers::selected_fixes(app),
    };
    match n.checked_sub(1).and_then(|i| fixes.get(i)) {
        Some(fix) => start(app, *fix),
        None => {
            let offered = match fixes.len() {
                1 => "one fix: 1".to_string(),
                k => format!("{k} fixes: 1 to {k}"),
            };
            app.status = Some(StatusLine::new(
                Tone::Info,
                format!("There is no fix {n} here; this check offers {offered}."),
            ));
            Vec::new()
        }
    }
}

/// Enter in the menu.
pub fn choose(app: &mut App) -> Vec<Effect> {
    match &app.modal {
        Some(Modal::FixMenu {
            fixes, selected, ..
        }) => match fixes.get(*selected) {
            Some(fix) => start(app, *fix),
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Moves the menu selection by `delta`, within bounds.
pub fn move_menu(app: &mut App, delta: isize) {
    if let Some(Modal::FixMenu {
        fixes, selected, ..
    }) = &mut app.modal
    {
        let last = fixes.len().saturating_sub(1);
        *selected = selected.saturating_add_signed(delta).min(last);
    }
}

/// What every fix gets: the CLI version the `cli` check found (it decides the login command).
fn base_input(app: &App) -> FixInput {
    let cli_version = app
        .row(CheckId::Cli)
        .and_then(|r| r.outcome())
        .and_then(|o| o.cli.as_ref()?.version().map(str::to_string));
    FixInput {
        cli_version,
        ..FixInput::default()
    }
}

/// Whether the selected check found the key written in a profile the shell has not loaded
/// (key-not-exported): export-key then uses that line instead of asking for the key.
fn key_is_in_a_profile(app: &App) -> bool {
    app.selected_row()
        .outcome()
        .and_then(CheckOutcome::worst_finding)
        // A key only in another shell's profile (which this shell never reads) is not this
        // case: the key input asks for it and export-key saves it where this shell reads it.
        .and_then(|f| f.profile_line.as_ref())
        .is_some_and(|p| {
            p.var == "ANTHROPIC_API_KEY"
                && matches!(
                    p.state,
                    ProfileLineState::NotExported | ProfileLineState::ExportedNotLoaded
                )
        })
}

/// Starts a fix: export-key asks for the key first (unless a profile has it); every other fix
/// is planned at once.
pub fn start(app: &mut App, fix: FixId) -> Vec<Effect> {
    // The user is working on this check: its result stays in view when the fix re-runs it.
    app.manual_selection = true;
    if fix == FixId::ExportKey && key_is_in_a_profile(app) {
        // The key is written in a profile already: add `export` to that line (or say it is
        // there), without asking for the key again. The runtime reads it from the file.
        let op = app.next_op();
        app.modal = Some(Modal::Working {
            op,
            label: "Reading the line that sets the key…".to_string(),
        });
        return vec![Effect::PlanFix {
            op,
            fix,
            input: base_input(app),
            check_key: false,
        }];
    }
    if fix == FixId::ExportKey {
        app.modal = Some(Modal::KeyInput(KeyInput {
            fix,
            input: SecretInput::new(),
            error: None,
            pending: None,
        }));
        return Vec::new();
    }
    let op = app.next_op();
    app.modal = Some(Modal::Working {
        op,
        label: "Working out what to change…".to_string(),
    });
    vec![Effect::PlanFix {
        op,
        fix,
        input: base_input(app),
        check_key: false,
    }]
}

/// Enter in the key input: the text leaves the input for the effect that checks and plans it.
pub fn submit_key(app: &mut App) -> Vec<Effect> {
    let offline = app.offline;
    let mut input = base_input(app);
    let op = app.peek_op();
    let Some(Modal::KeyInput(state)) = &mut app.modal else {
        return Vec::new();
    };
    if state.pending.is_some() {
        return Vec::new();
    }
    let key = state.input.take().trim().to_string();
    if let Err(e) = fixes::validate_key_shape(&key) {
        state.error = Some(e.to_string());
        return Vec::new();
    }
    state.error = None;
    state.pending = Some(op);
    let fix = state.fix;
    app.next_op();
    input.key = Some(key);
    vec![Effect::PlanFix {
        op,
        fix,
        input,
        check_key: !offline,
    }]
}

/// Esc in a dialog: close it; a plan waiting in the runtime is dropped.
pub fn cancel(app: &mut App) -> Vec<Effect> {
    match app.modal.take() {
        Some(Modal::Confirm(Confirm {
            op,
            what: Confirming::Fix(_),
            ..
        })) => {
            app.status = Some(StatusLine::new(
                Tone::Info,
                "Cancelled: nothing was changed.",
            ));
            vec![Effect::DiscardPlan { op }]
        }
        Some(Modal::Working { op, .. }) => vec![Effect::DiscardPlan { op }],
        Some(Modal::KeyInput(KeyInput {
            pending: Some(op), ..
        })) => vec![Effect::DiscardPlan { op }],
        _ => Vec::new(),
    }
}

/// `y` on a confirm screen.
pub fn confirm(app: &mut App) -> Vec<Effect> {
    let Some(Modal::Confirm(c)) = &app.modal else {
        return Vec::new();
    };
    let op = c.op;
    let (label, effect) = match &c.what {
        Confirming::Fix(view) => (
            match (&view.command, view.interactive) {
                (Some(command), true) => format!("Running `{command}`…"),
                _ if view.view_only => "Checking as a new terminal will see it…".to_string(),
                _ => "Applying the fix…".to_string(),
            },
            Effect::ApplyFix { op },
        ),
        Confirming::Undo(view) => (
            "Undoing…".to_string(),
            Effect::Undo {
                op,
                entry_id: view.entry_id.clone(),
            },
        ),
    };
    app.modal = Some(Modal::Working { op, label });
    vec![effect]
}

/// `u`: find the fix to undo (the runtime reads the journal).
pub fn plan_undo(app: &mut App) -> Vec<Effect> {
    let op = app.next_op();
    app.modal = Some(Modal::Working {
        op,
        label: "Reading the undo journal…".to_string(),
    });
    vec![Effect::PlanUndo { op }]
}

/// A plan (or the reason there is none) came back.
pub fn planned(app: &mut App, op: u64, result: Result<PlanView, FixError>) -> Vec<Effect> {
    if app.modal.as_ref().and_then(Modal::waiting_for) != Some(op) {
        // Nobody waits for it any more (Esc, or a newer request): let the runtime drop it.
        return if result.is_ok() {
            vec![Effect::DiscardPlan { op }]
        } else {
            Vec::new()
        };
    }
    match result {
        Ok(view) if view.changes_nothing() => {
            let mut lines = vec![view.summary.clone()];
            lines.extend(view.notes.iter().cloned());
            let mut message = Message::new(fixes::title(view.fix), Tone::Info, lines);
            message.copy.clone_from(&view.url);
            app.modal = Some(Modal::Message(message));
            vec![Effect::DiscardPlan { op }]
        }
        Ok(view) => {
            app.modal = Some(Modal::Confirm(Confirm {
                op,
                what: Confirming::Fix(view),
                scroll: 0,
            }));
            Vec::new()
        }
        Err(FixError::InvalidInput(why)) if matches!(app.modal, Some(Modal::KeyInput(_))) => {
            if let Some(Modal::KeyInput(state)) = &mut app.modal {
                state.pending = None;
                state.error = Some(why);
            }
            Vec::new()
        }
        Err(e) => {
            app.modal = Some(Modal::Message(error_message(&e, "Nothing was changed.")));
            Vec::new()
        }
    }
}

/// The live check refused the new key: say why and let the user try another.
pub fn key_rejected(app: &mut App, op: u64, reason: &str) -> Vec<Effect> {
    if let Some(Modal::KeyInput(state)) = &mut app.modal
        && state.pending == Some(op)
    {
        state.pending = None;
        state.error = Some(format!(
            "The API did not accept this key: {reason}. Nothing was saved; paste another key, \
             or press Esc."
        ));
    }
    Vec::new()
}

/// "Nothing to do" is news, not an error; a refusal says so plainly.
fn error_message(e: &FixError, unchanged: &str) -> Message {
    match e {
        FixError::NothingToDo(why) => Message::new("Nothing to do", Tone::Info, vec![capital(why)]),
        FixError::Refused(why) => Message::new(
            "Not done",
            Tone::Problem,
            vec![capital(why), unchanged.to_string()],
        ),
        other => Message::new(
            "Not done",
            Tone::Problem,
            vec![capital(&other.to_string()), unchanged.to_string()],
        ),
    }
}

fn capital(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Closes the dialog if it waits for `op` (results of applying and undoing are facts: they are
/// recorded even when the dialog is gone).
fn finish_waiting(app: &mut App, op: u64) {
    if app.modal.as_ref().and_then(Modal::waiting_for) == Some(op) {
        app.modal = None;
    }
}

/// A fix was applied (or failed): record it, tell the user, re-run what it affects.
pub fn applied(app: &mut App, op: u64, result: Result<Applied, FixError>) -> Vec<Effect> {
    finish_waiting(app, op);
    let applied = match result {
        Ok(applied) => applied,
        Err(e) => {
            app.modal = Some(Modal::Message(error_message(
                &e,
                "The fix was not applied; your files are as they were.",
            )));
            return Vec::new();
        }
    };
    if !applied.entry_id.is_empty() {
        app.applied.push(AppliedFix {
            fix: applied.fix,
            entry_id: applied.entry_id.clone(),
            files: applied.files.clone(),
            backup_dir: applied.backup_dir.clone(),
            undone: false,
        });
    }
    if !applied.entry_id.is_empty() {
        app.can_undo = true;
    }
    app.view_label.clone_from(&applied.view_label);
    app.status = Some(applied_status(&applied));
    rerun_everything(app)
}

/// After a fix or an undo every check runs again, header included: which checks a change
/// touches is not always obvious (a dropped override can leave no credential at all), and the
/// header, checklist and primary cause must describe the same reading of the setup.
fn rerun_everything(app: &mut App) -> Vec<Effect> {
    vec![app.run_checks(CheckId::ALL.to_vec())]
}

/// "changed ~/.bashrc; removed ~/.claude/credentials.json": one verb per file.
fn changed_files(files: &[String]) -> String {
    files
        .iter()
        .map(|f| match f.strip_suffix(" (removed)") {
            Some(path) => format!("removed {path}"),
            None => format!("changed {f}"),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn applied_status(applied: &Applied) -> StatusLine {
    let mut tone = Tone::Success;
    let mut parts = Vec::new();
    if !applied.files.is_empty() {
        let backup = applied
            .backup_dir
            .as_deref()
            .map_or_else(String::new, |b| format!(" Backed up to {b};"));
        parts.push(format!(
            "✓ {} applied: {}.{backup} press u to undo.",
            applied.fix,
            changed_files(&applied.files)
        ));
    }
    if let Some(reload) = &applied.reload {
        let state = if reload.starts_with("unset") || reload.starts_with("set -e") {
            "still have it"
        } else {
            "don't have it yet"
        };
        parts.push(format!(
            "Shells that are already open {state}: run `{reload}` in them (c copies it), or \
             open a new terminal."
        ));
    }
    if let Some(run) = &applied.command {
        match (&run.result, run.success) {
            (Ok(_), true) if applied.fix == FixId::OpenConsole => parts.push(format!(
                "Opened {} in your browser: create a key there, then save it with export-key \
                 (c copies the address).",
                applied.url.as_deref().unwrap_or(fixes::KEYS_URL)
            )),
            (Ok(status), true) => {
                parts.push(format!("`{}` finished ({status}).", run.display));
            }
            (Ok(status), false) => {
                tone = Tone::Problem;
                parts.push(format!("`{}` ended with {status}.", run.display));
            }
            (Err(why), _) => {
                tone = Tone::Problem;
                parts.push(format!("Could not start `{}`: {why}.", run.display));
            }
        }
        if applied.fix == FixId::Relogin {
            parts.push("Every check runs again.".to_string());
        }
    }
    if parts.is_empty() {
        parts.push(format!("{} done.", applied.fix));
    }
    let mut status = StatusLine::new(tone, parts.join(" "));
    status.copy = applied.reload.clone().or_else(|| applied.url.clone());
    status
}

/// The fix to undo came back (or the reason nothing can be undone).
pub fn undo_planned(app: &mut App, op: u64, result: Result<UndoView, FixError>) -> Vec<Effect> {
    if app.modal.as_ref().and_then(Modal::waiting_for) != Some(op) {
        return Vec::new();
    }
    app.modal = Some(match result {
        Ok(view) => Modal::Confirm(Confirm {
            op,
            what: Confirming::Undo(view),
            scroll: 0,
        }),
        Err(FixError::NothingToDo(_)) => Modal::Message(Message::new(
            "Nothing to undo",
            Tone::Info,
            vec!["No fix has been applied yet, or every fix was undone already.".to_string()],
        )),
        Err(e) => Modal::Message(refusal(&e)),
    });
    Vec::new()
}

fn refusal(e: &FixError) -> Message {
    Message::new(
        "Cannot undo",
        Tone::Problem,
        vec![capital(&e.to_string()), "Nothing was restored.".to_string()],
    )
}

/// An undo was done (or refused).
pub fn undone(app: &mut App, op: u64, result: Result<Undone, FixError>) -> Vec<Effect> {
    finish_waiting(app, op);
    let undone = match result {
        Ok(undone) => undone,
        Err(e) => {
            app.modal = Some(Modal::Message(refusal(&e)));
            return Vec::new();
        }
    };
    for fix in app
        .applied
        .iter_mut()
        .filter(|a| a.entry_id == undone.entry_id)
    {
        fix.undone = true;
    }
    app.view_label.clone_from(&undone.view_label);
    let mut text = format!("✓ Undid {}", undone.fix);
    if !undone.restored.is_empty() {
        let _ = write!(text, ": restored {}", undone.restored.join(", "));
    }
    text.push('.');
    if !undone.unchanged.is_empty() {
        let _ = write!(text, " {} already as before.", undone.unchanged.join(", "));
    }
    app.status = Some(StatusLine::new(Tone::Success, text));
    rerun_everything(app)
}

/// `c`: copy what the dialog or the status line offers.
pub fn copy(app: &mut App) -> Vec<Effect> {
    if let Some(Modal::Confirm(Confirm {
        what: Confirming::Fix(view),
        ..
    })) = &app.modal
    {
        return view.url.clone().map(Effect::Copy).into_iter().collect();
    }
    if let Some(Modal::Message(message)) = &mut app.modal {
        return match &message.copy {
            Some(text) => {
                message.copied = true;
                vec![Effect::Copy(text.clone())]
            }
            None => Vec::new(),
        };
    }
    match &mut app.status {
        Some(status) if status.copy.is_some() => {
            status.copied = true;
            vec![Effect::Copy(status.copy.clone().unwrap_or_default())]
        }
        _ => match offers::commands_to_copy(app) {
            Some(commands) => {
                let n = commands.lines().count();
                let what = if n == 1 {
                    "the command".to_string()
                } else {
                    format!("the {n} commands")
                };
                app.status = Some(StatusLine::new(
                    Tone::Info,
                    format!("Copied {what} under \"Check it yourself\" to the clipboard."),
                ));
                vec![Effect::Copy(commands)]
            }
            None => Vec::new(),
        },
    }
}

/// The report was written (or not).
pub fn report_saved(app: &mut App, result: Result<String, ReportError>) -> Vec<Effect> {
    app.status = Some(match result {
        Ok(path) => {
            let mut s = StatusLine::new(
                Tone::Success,
                format!("✓ Report saved to {path} (secrets masked; c copies the path)."),
            );
            s.copy = Some(path);
            s
        }
        Err(why) => StatusLine::new(Tone::Problem, format!("Could not save the report: {why}")),
    });
    Vec::new()
}
