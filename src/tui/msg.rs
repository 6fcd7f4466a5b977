//! Everything that can happen to the wizard, as one message type fed to `update`.

use crate::outcome::CheckOutcome;
use crate::tui::app::Header;
use crossterm::event::{KeyEvent, MouseEvent};

#[derive(Clone, Debug)]
pub enum Msg {
    /// The wizard opened: start every check.
    Started,
    Key(KeyEvent),
    Mouse(MouseEvent),
    /// Bracketed paste. Nothing takes text yet; the text is dropped, never stored.
    Paste(String),
    Resize {
        width: u16,
        height: u16,
    },
    /// Advances the spinner; the runtime sends it only while a check runs.
    Tick,
    /// A run read the files and resolved what the CLI will send.
    Resolved {
        run_id: u64,
        header: Header,
    },
    /// A check of run `run_id` finished. Results of a stale run are dropped.
    CheckFinished {
        run_id: u64,
        outcome: CheckOutcome,
    },
}
