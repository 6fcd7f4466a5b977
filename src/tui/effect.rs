//! What `update` asks the runtime to do: the only way the pure state machine causes I/O.

use crate::fixes::FixInput;
use crate::ids::{CheckId, FixId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Read the files afresh, then run these checks concurrently; every result comes back as
    /// `Msg::CheckFinished` tagged with `run_id`.
    RunChecks { run_id: u64, checks: Vec<CheckId> },
    /// Work out a fix (after checking `input.key` against the API when `check_key`); the plan
    /// stays in the runtime and `Msg::FixPlanned` (or `Msg::KeyRejected`) comes back. `input`
    /// may hold a key: its `Debug` masks it. export-key without a key takes the key from the
    /// profile line that sets it without `export` (key-not-exported).
    PlanFix {
        op: u64,
        fix: FixId,
        input: FixInput,
        check_key: bool,
    },
    /// Apply the plan of `op` (back up, write, or run its command); `Msg::FixApplied` comes back.
    ApplyFix { op: u64 },
    /// Forget the plan of `op` (cancelled, or nobody waits for it).
    DiscardPlan { op: u64 },
    /// Find the fix `undo` would take back; `Msg::UndoPlanned` comes back.
    PlanUndo { op: u64 },
    /// Undo the journal entry `entry_id` if it is still the last one; `Msg::Undone` comes back.
    Undo { op: u64, entry_id: String },
    /// Write the Markdown report of the current results; `Msg::ReportSaved` comes back.
    SaveReport,
    /// Put this text on the clipboard through the terminal (OSC 52). Never a secret.
    Copy(String),
    /// Leave the wizard.
    Quit,
}
