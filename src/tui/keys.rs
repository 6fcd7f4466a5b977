//! The single key table: it dispatches keys, builds the action bar and fills the help overlay,
//! so what the bar shows is exactly what works right now.

use crate::tui::app::App;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// What a key does. `update` applies it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    SelectPrev,
    SelectNext,
    Rerun,
    RerunAll,
    ScrollUp,
    ScrollDown,
    ShowHelp,
    CloseHelp,
    Quit,
}

/// One key, with Ctrl or without. Shift is ignored (`?` arrives shifted on most layouts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

impl Key {
    #[must_use]
    pub const fn plain(code: KeyCode) -> Self {
        Self { code, ctrl: false }
    }

    #[must_use]
    pub const fn ch(c: char) -> Self {
        Self::plain(KeyCode::Char(c))
    }

    #[must_use]
    pub const fn ctrl(c: char) -> Self {
        Self {
            code: KeyCode::Char(c),
            ctrl: true,
        }
    }

    /// Whether a key press is this key.
    #[must_use]
    pub fn matches(self, ev: &KeyEvent) -> bool {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        if ev.modifiers.contains(KeyModifiers::ALT) || ctrl != self.ctrl {
            return false;
        }
        match (self.code, ev.code) {
            (KeyCode::Char(a), KeyCode::Char(b)) if self.ctrl => a.eq_ignore_ascii_case(&b),
            (a, b) => a == b,
        }
    }

    /// A key event for this key, as a terminal would send it (tests use it too).
    #[must_use]
    pub fn event(self) -> KeyEvent {
        let modifiers = if self.ctrl {
            KeyModifiers::CONTROL
        } else {
            KeyModifiers::NONE
        };
        KeyEvent::new(self.code, modifiers)
    }
}

/// One row of the key table.
pub struct Binding {
    pub keys: &'static [Key],
    /// The keys as the help overlay shows them.
    pub keys_label: &'static str,
    /// What it does, for the help overlay.
    pub description: &'static str,
    /// `(keys, label)` in the action bar; `None` when a neighbour's entry covers it.
    pub bar: Option<(&'static str, &'static str)>,
    /// Which bar entries survive on a narrow terminal: higher stays longer.
    pub priority: u8,
    /// Whether the binding applies in this state.
    pub when: fn(&App) -> bool,
    pub action: Action,
}

fn browsing(app: &App) -> bool {
    !app.show_help
}

fn help_open(app: &App) -> bool {
    app.show_help
}

fn always(_: &App) -> bool {
    true
}

fn can_rerun_selected(app: &App) -> bool {
    browsing(app) && !app.selected_row().is_running()
}

fn can_scroll(app: &App) -> bool {
    browsing(app) && crate::tui::view::detail::max_scroll(app) > 0
}

// Later issues add: f (apply a fix), u (undo the last fix), p (paste an error message),
// s (save a report). Their rows go here, in the order the bar should show them.
/// The key table, in dispatch order: the first row whose condition holds and whose key
/// matches wins (so Esc closes the help overlay before it quits).
pub static BINDINGS: &[Binding] = &[
    Binding {
        keys: &[Key::plain(KeyCode::Up), Key::ch('k')],
        keys_label: "↑ k",
        description: "select the previous check",
        bar: Some(("↑↓", "select")),
        priority: 3,
        when: browsing,
        action: Action::SelectPrev,
    },
    Binding {
        keys: &[Key::plain(KeyCode::Down), Key::ch('j')],
        keys_label: "↓ j",
        description: "select the next check",
        bar: None,
        priority: 3,
        when: browsing,
        action: Action::SelectNext,
    },
    Binding {
        keys: &[Key::plain(KeyCode::Enter)],
        keys_label: "Enter",
        description: "re-run the selected check",
        bar: Some(("Enter", "re-run")),
        priority: 4,
        when: can_rerun_selected,
        action: Action::Rerun,
    },
    Binding {
        keys: &[Key::ch('r')],
        keys_label: "r",
        description: "re-run every check",
        bar: Some(("r", "re-run all")),
        priority: 2,
        when: browsing,
        action: Action::RerunAll,
    },
    Binding {
        keys: &[Key::plain(KeyCode::PageUp)],
        keys_label: "PgUp",
        description: "scroll the details up (or the mouse wheel)",
        bar: Some(("PgUp/Dn", "scroll")),
        priority: 1,
        when: can_scroll,
        action: Action::ScrollUp,
    },
    Binding {
        keys: &[Key::plain(KeyCode::PageDown)],
        keys_label: "PgDn",
        description: "scroll the details down (or the mouse wheel)",
        bar: None,
        priority: 1,
        when: can_scroll,
        action: Action::ScrollDown,
    },
    Binding {
        keys: &[Key::plain(KeyCode::Esc), Key::ch('?')],
        keys_label: "Esc ?",
        description: "close this help",
        bar: Some(("Esc", "close help")),
        priority: 5,
        when: help_open,
        action: Action::CloseHelp,
    },
    Binding {
        keys: &[Key::ch('?')],
        keys_label: "?",
        description: "show every key",
        bar: Some(("?", "help")),
        priority: 5,
        when: browsing,
        action: Action::ShowHelp,
    },
    Binding {
        keys: &[Key::ch('q'), Key::plain(KeyCode::Esc), Key::ctrl('c')],
        keys_label: "q Esc Ctrl-C",
        description: "quit and print a short summary",
        bar: Some(("q", "quit")),
        priority: 6,
        when: always,
        action: Action::Quit,
    },
];

/// The binding a key press triggers in this state, if any.
#[must_use]
pub fn lookup(app: &App, ev: &KeyEvent) -> Option<&'static Binding> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    BINDINGS
        .iter()
        .find(|b| (b.when)(app) && b.keys.iter().any(|k| k.matches(ev)))
}

/// The action bar's entries for this state, in table order, dropping the lowest priorities
/// until they fit in `width` columns. Each entry takes `" key "` plus `" label "`.
#[must_use]
pub fn bar_entries(app: &App, width: u16) -> Vec<(&'static str, &'static str)> {
    let mut entries: Vec<(&Binding, (&'static str, &'static str))> = BINDINGS
        .iter()
        .filter(|b| (b.when)(app))
        .filter_map(|b| b.bar.map(|e| (b, e)))
        .collect();
    let width_of = |entries: &[(&Binding, (&str, &str))]| -> usize {
        entries
            .iter()
            .map(|(_, (k, l))| k.chars().count() + l.chars().count() + 4)
            .sum()
    };
    while width_of(&entries) > usize::from(width) && !entries.is_empty() {
        let lowest = entries
            .iter()
            .enumerate()
            .min_by_key(|(i, (b, _))| (b.priority, std::cmp::Reverse(*i)))
            .map(|(i, _)| i)
            .unwrap_or(0);
        entries.remove(lowest);
    }
    entries.into_iter().map(|(_, e)| e).collect()
}
