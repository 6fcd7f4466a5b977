//! The full-screen wizard: a checklist of the checks running live, a detail pane for the
//! selected one, and an action bar generated from the same key table that dispatches keys.
//!
//! Elm-style: [`app::App`] is the state, [`update::update`] turns a [`msg::Msg`] into state
//! changes plus [`effect::Effect`]s without any I/O, [`view::view`] only reads the state (and
//! records the geometry it drew, which the key table reads), and [`runtime`] owns the terminal,
//! the event stream and the spawned checks.
//!
//! Imports point one way: the runtime uses `update` and `view`; `update` uses the flows
//! (`fix_flow`, `paste`), `keys` and `view::measure`; `view` uses `keys` for the action bar; all
//! of them use the state (`app`, `modal`, `offers`) and the data it carries (`msg`,
//! `fix_results`, `effect`, `geometry`), none of which imports a flow, the keys or the view.

pub mod app;
pub mod clipboard;
pub mod effect;
pub mod fix_flow;
pub mod fix_results;
pub mod geometry;
pub mod keys;
pub mod modal;
pub mod msg;
pub mod offers;
pub mod paste;
pub mod runtime;
pub mod summary;
pub mod terminal;
pub mod theme;
pub mod update;
pub mod view;
pub mod work;

use crate::checks::CheckOptions;
use crate::env::Environment;
use std::sync::Arc;

pub use app::App;
pub use effect::Effect;
pub use msg::Msg;
pub use runtime::Finished;
pub use update::update;
pub use view::view;

/// Opens the wizard over `env`, runs every check, and returns the plain-text summary to print
/// once the terminal is restored (the caller prints it) with the exit status.
///
/// # Errors
/// When the terminal cannot be put into raw mode / the alternate screen, or drawing fails.
pub async fn run(env: Arc<Environment>, opts: CheckOptions) -> anyhow::Result<Finished> {
    runtime::run(env, opts, None).await
}
