//! Owning the terminal: raw mode, the alternate screen, mouse capture and bracketed paste on the
//! way in, and all of it undone on the way out: normal exit, error, panic, Ctrl-C or SIGTERM.
//!
//! The panic hook restores the terminal only for a panic in the wizard's own code: a panicking
//! check task is caught by tokio (and reported by `run_check` as a crashed check), so its message
//! is kept back instead of being printed over the screen.

use crossterm::cursor::Show;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use ratatui::backend::CrosstermBackend;
use ratatui::{DefaultTerminal, Terminal};
use std::cell::Cell;
use std::io::{IsTerminal as _, Write as _, stdout};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once};

static ACTIVE: AtomicBool = AtomicBool::new(false);
static HELD_BACK: Mutex<Vec<String>> = Mutex::new(Vec::new());

thread_local! {
    static IN_UI: Cell<bool> = const { Cell::new(false) };
}

/// Restores the terminal when dropped (also while unwinding).
#[must_use = "the terminal is restored when the guard is dropped"]
pub struct Guard(());

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
        if std::thread::panicking()
            && let Ok(mut held) = HELD_BACK.lock()
        {
            // Not `eprintln!`: a second panic (stderr gone with the terminal) would abort, and
            // skip the clean-up of whoever is unwinding (a demo's throwaway folder).
            let mut err = std::io::stderr();
            for message in held.drain(..) {
                let _ = writeln!(err, "{message}");
            }
        }
    }
}

/// Enters the full-screen mode. Nothing may write to stdout or stderr until the guard drops.
///
/// # Errors
/// When stdout is not a terminal or the terminal refuses a mode.
pub fn enter() -> std::io::Result<(DefaultTerminal, Guard)> {
    if !stdout().is_terminal() {
        return Err(std::io::Error::other(
            "the wizard needs a terminal; for plain output use `claude-auth-tui check`",
        ));
    }
    install_panic_hook();
    // Set before anything is switched on, so that a failure half-way still restores.
    ACTIVE.store(true, Ordering::SeqCst);
    let guard = Guard(());
    // `ratatui::try_init` minus its panic hook, which would restore the terminal for a panic in
    // any thread, including a check's task that tokio catches.
    crossterm::terminal::enable_raw_mode()?;
    execute!(
        stdout(),
        crossterm::terminal::EnterAlternateScreen,
        EnableBracketedPaste,
        EnableMouseCapture
    )?;
    let terminal = Terminal::new(CrosstermBackend::new(stdout()))?;
    Ok((terminal, guard))
}

/// The terminal hung up: there is nothing to restore, and trying would only report errors
/// on a stderr that is gone.
pub fn abandon() {
    ACTIVE.store(false, Ordering::SeqCst);
}

/// Undoes everything `enter` did. Safe to call twice.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        undo_modes();
    }
}

fn undo_modes() {
    let _ = execute!(stdout(), DisableMouseCapture, DisableBracketedPaste, Show);
    let _ = ratatui::try_restore();
}

/// Panic messages of background tasks kept back while the screen was up.
#[must_use]
pub fn take_held_back() -> Vec<String> {
    HELD_BACK
        .lock()
        .map(|mut held| held.drain(..).collect())
        .unwrap_or_default()
}

/// Runs `f` as the wizard's own code: a panic inside restores the terminal before the message.
pub fn ui_section<R>(f: impl FnOnce() -> R) -> R {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            IN_UI.with(|c| c.set(self.0));
        }
    }
    let _reset = Reset(IN_UI.with(|c| c.replace(true)));
    f()
}

/// Hands the terminal to a child process (e.g. `claude auth login`): leaves raw mode and the
/// alternate screen. Call [`resume`] afterwards; the event stream must be dropped meanwhile.
pub fn suspend() {
    restore();
}

/// Call after dropping the `EventStream`, before [`suspend`]: dropping it wakes crossterm's
/// reader, and a wake nobody consumed would end the next read from the terminal at once. Keys
/// typed ahead are discarded.
pub fn settle_input() {
    use crossterm::event::{poll, read};
    while let Ok(true) = poll(std::time::Duration::ZERO) {
        if read().is_err() {
            break;
        }
    }
}

/// Takes the terminal back after [`suspend`].
///
/// # Errors
/// When the terminal refuses a mode.
pub fn resume(terminal: &mut DefaultTerminal) -> std::io::Result<()> {
    ACTIVE.store(true, Ordering::SeqCst);
    crossterm::terminal::enable_raw_mode()?;
    execute!(
        stdout(),
        crossterm::terminal::EnterAlternateScreen,
        EnableBracketedPaste,
        EnableMouseCapture
    )?;
    // `resize` clears the screen and makes the next draw complete, without `clear`'s query of
    // the cursor position, which some terminals (and test emulators) never answer.
    let size = terminal.size()?;
    terminal.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
}

fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !ACTIVE.load(Ordering::SeqCst) {
                previous(info);
            } else if IN_UI.with(Cell::get) {
                restore();
                previous(info);
            } else if let Ok(mut held) = HELD_BACK.lock() {
                held.push(format!("claude-auth-tui: internal error: {info}"));
            }
        }));
    });
}
