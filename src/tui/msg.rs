//! Everything that can happen to the wizard, as one message type fed to `update`.

use crate::fixes::FixError;
use crate::outcome::CheckOutcome;
use crate::tui::app::Header;
use crate::tui::fix_results::{Applied, PlanView, ReportError, UndoView, Undone};
use crossterm::event::{KeyEvent, MouseEvent};
use std::fmt;

#[derive(Clone, Debug)]
pub enum Msg {
    /// The wizard opened: start every check.
    Started,
    Key(KeyEvent),
    Mouse(MouseEvent),
    /// Bracketed paste: goes into the open text input (an API key, or an error message), else
    /// is dropped.
    Paste(Pasted),
    Resize {
        width: u16,
        height: u16,
    },
    /// Advances the spinner; the runtime sends it only while something runs.
    Tick,
    /// A run read the files and resolved what the CLI will send.
    Resolved {
        run_id: u64,
        header: Header,
    },
    /// Whether the undo journal has a fix to take back (read with every run).
    UndoAvailable(bool),
    /// A check of run `run_id` finished. Results of a stale run are dropped.
    CheckFinished {
        run_id: u64,
        outcome: CheckOutcome,
    },
    /// The CLI's own opinion (`claude auth status`) arrived after every check of run `run_id`
    /// reported: the `cli` row's finished outcome, amended. Dropped unless that row is done in
    /// that run.
    CrossChecked {
        run_id: u64,
        outcome: CheckOutcome,
    },
    /// The plan of operation `op`, or why there is none.
    FixPlanned {
        op: u64,
        result: Result<PlanView, FixError>,
    },
    /// The API refused the key of operation `op` (the reason never holds the key).
    KeyRejected {
        op: u64,
        reason: String,
    },
    /// Operation `op` applied its fix (or failed to).
    FixApplied {
        op: u64,
        result: Result<Applied, FixError>,
    },
    /// The fix `undo` would take back, or why nothing can be undone.
    UndoPlanned {
        op: u64,
        result: Result<UndoView, FixError>,
    },
    /// Operation `op` undid a fix (or was refused).
    Undone {
        op: u64,
        result: Result<Undone, FixError>,
    },
    /// Where the report was saved, or why it was not.
    ReportSaved(Result<String, ReportError>),
}

/// Pasted text. It may be an API key, so `Debug` shows only its length.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Pasted(String);

impl Pasted {
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for Pasted {
    fn from(text: String) -> Self {
        Self(text)
    }
}

impl From<&str> for Pasted {
    fn from(text: &str) -> Self {
        Self(text.to_string())
    }
}

impl fmt::Debug for Pasted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pasted({} chars)", self.0.chars().count())
    }
}
