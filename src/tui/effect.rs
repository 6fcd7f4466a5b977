//! What `update` asks the runtime to do: the only way the pure state machine causes I/O.

use crate::ids::CheckId;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Read the files afresh, then run these checks concurrently; every result comes back as
    /// `Msg::CheckFinished` tagged with `run_id`.
    RunChecks { run_id: u64, checks: Vec<CheckId> },
    /// Leave the wizard.
    Quit,
}
