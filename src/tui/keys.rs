//! The single key table: it dispatches keys, builds the action bar and fills the help overlay,
//! so what the bar shows is exactly what works right now. Whether something scrolls comes from
//! the geometry the view recorded: the table never lays out text itself.

use crate::tui::app::{App, Focus};
use crate::tui::modal::{Confirming, Modal};
use crate::tui::offers;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// What a key does. `update` applies it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    SelectPrev,
    SelectNext,
    Rerun,
    RerunAll,
    /// Page through the detail pane, or the dialog's content.
    ScrollUp,
    ScrollDown,
    ShowHelp,
    CloseHelp,
    /// `f`: the selected check's fixes (the only one at once, else a menu).
    OpenFixes,
    /// A digit: that fix of the menu or of the selected check.
    PickFix,
    MenuPrev,
    MenuNext,
    MenuChoose,
    /// Submit the text input (the key, or the pasted error).
    Submit,
    /// Yes on a confirm screen.
    Confirm,
    /// Close a dialog without doing anything.
    Cancel,
    /// Close a message or the verdict on a pasted error.
    CloseDialog,
    /// One line of the dialog's content.
    LineUp,
    LineDown,
    Undo,
    PasteError,
    SaveReport,
    Copy,
    Quit,
    /// Ctrl-C: leave with the exit status of an interrupt (130).
    Interrupt,
    /// `Tab`: the arrows act on the other pane.
    ToggleFocus,
    /// `g` / Home: the first check, or the top of the focused pane.
    First,
    /// `G` / End: the last check, or the bottom of the focused pane.
    Last,
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
    /// Listed in the help overlay (the main screen's keys; a dialog's keys are in the bar).
    pub in_help: bool,
    /// Whether the binding applies in this state.
    pub when: fn(&App) -> bool,
    pub action: Action,
}

/// The main screen, nothing on top.
fn browsing(app: &App) -> bool {
    !app.show_help && app.modal.is_none()
}

fn checklist_focused(app: &App) -> bool {
    browsing(app) && app.focus == Focus::Checklist
}

fn detail_focused(app: &App) -> bool {
    browsing(app) && app.focus == Focus::Detail
}

fn can_undo(app: &App) -> bool {
    browsing(app) && app.can_undo
}

/// A dialog that takes no typing: `q` cancels it like Esc.
fn dialog_not_typing(app: &App) -> bool {
    app.modal.is_some() && !app.is_typing() && !app.show_help
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

fn has_fixes(app: &App) -> bool {
    browsing(app) && !offers::selected_fixes(app).is_empty()
}

fn menu_open(app: &App) -> bool {
    matches!(app.modal, Some(Modal::FixMenu { .. }))
}

fn key_editable(app: &App) -> bool {
    matches!(&app.modal, Some(Modal::KeyInput(k)) if k.pending.is_none())
}

fn pasting(app: &App) -> bool {
    matches!(app.modal, Some(Modal::PasteInput(_)))
}

fn confirming(app: &App) -> bool {
    matches!(app.modal, Some(Modal::Confirm(_)))
}

fn closable(app: &App) -> bool {
    matches!(app.modal, Some(Modal::Message(_) | Modal::Explained(_)))
}

fn cancellable(app: &App) -> bool {
    matches!(
        app.modal,
        Some(
            Modal::FixMenu { .. }
                | Modal::KeyInput(_)
                | Modal::Working { .. }
                | Modal::PasteInput(_)
        )
    )
}

/// A dialog whose text can scroll (a plan, a message, the verdict on a pasted error): the
/// arrows move it a line, and stop at its ends (while it fits, they do nothing). Decided by the
/// kind of dialog, not its length, so it holds for a dialog not drawn yet.
fn dialog_scrollable(app: &App) -> bool {
    !app.show_help && app.modal.as_ref().is_some_and(|m| m.scroll().is_some())
}

/// The dialog's text is longer than the dialog, as last drawn.
fn dialog_overflows(app: &App) -> bool {
    !app.show_help && app.geometry().dialog.max_scroll > 0
}

/// The detail pane or the dialog has more than it shows: PgUp/PgDn are offered.
fn can_scroll(app: &App) -> bool {
    (browsing(app) && app.geometry().detail.max_scroll > 0) || dialog_overflows(app)
}

fn can_copy(app: &App) -> bool {
    match &app.modal {
        Some(Modal::Message(m)) => m.copy.is_some(),
        Some(Modal::Confirm(c)) => {
            matches!(&c.what, Confirming::Fix(v) if v.url.is_some())
        }
        Some(_) => false,
        None => {
            !app.show_help
                && (app.status.as_ref().is_some_and(|s| s.copy.is_some())
                    || offers::commands_to_copy(app).is_some())
        }
    }
}

fn can_save(app: &App) -> bool {
    browsing(app) && app.all_done()
}

const DIGITS: &[Key] = &[
    Key::ch('1'),
    Key::ch('2'),
    Key::ch('3'),
    Key::ch('4'),
    Key::ch('5'),
    Key::ch('6'),
    Key::ch('7'),
    Key::ch('8'),
    Key::ch('9'),
];

/// The key table, in dispatch order: the first row whose condition holds and whose key
/// matches wins (so Esc closes a dialog or the help overlay before it quits). While a text
/// input is open, keys no row takes are typed into it.
pub static BINDINGS: &[Binding] = &[
    // The fix menu.
    Binding {
        keys: &[Key::plain(KeyCode::Up), Key::ch('k')],
        keys_label: "↑ k",
        description: "previous fix",
        bar: Some(("↑↓", "choose")),
        priority: 3,
        in_help: false,
        when: menu_open,
        action: Action::MenuPrev,
    },
    Binding {
        keys: &[Key::plain(KeyCode::Down), Key::ch('j')],
        keys_label: "↓ j",
        description: "next fix",
        bar: None,
        priority: 3,
        in_help: false,
        when: menu_open,
        action: Action::MenuNext,
    },
    Binding {
        keys: &[Key::plain(KeyCode::Enter)],
        keys_label: "Enter",
        description: "start the chosen fix",
        bar: Some(("Enter", "start")),
        priority: 4,
        in_help: false,
        when: menu_open,
        action: Action::MenuChoose,
    },
    Binding {
        keys: DIGITS,
        keys_label: "1–9",
        description: "start that fix (numbered under Fixes)",
        bar: Some(("1–9", "fix")),
        priority: 2,
        in_help: false,
        when: menu_open,
        action: Action::PickFix,
    },
    // The key input and the paste input.
    Binding {
        keys: &[Key::plain(KeyCode::Enter)],
        keys_label: "Enter",
        description: "check and save the key",
        bar: Some(("Enter", "save the key")),
        priority: 4,
        in_help: false,
        when: key_editable,
        action: Action::Submit,
    },
    Binding {
        keys: &[Key::ctrl('s')],
        keys_label: "Ctrl-S",
        description: "explain the pasted error",
        bar: Some(("Ctrl-S", "explain")),
        priority: 4,
        in_help: false,
        when: pasting,
        action: Action::Submit,
    },
    // Confirm screens.
    Binding {
        keys: &[Key::ch('y'), Key::plain(KeyCode::Enter)],
        keys_label: "y Enter",
        description: "yes, do it",
        bar: Some(("y", "yes, do it")),
        priority: 5,
        in_help: false,
        when: confirming,
        action: Action::Confirm,
    },
    Binding {
        keys: &[Key::ch('n'), Key::plain(KeyCode::Esc), Key::ch('q')],
        keys_label: "n Esc q",
        description: "no, change nothing",
        bar: Some(("n", "no")),
        priority: 5,
        in_help: false,
        when: confirming,
        action: Action::Cancel,
    },
    Binding {
        keys: &[
            Key::plain(KeyCode::Enter),
            Key::plain(KeyCode::Esc),
            Key::ch('q'),
        ],
        keys_label: "Enter Esc q",
        description: "close",
        bar: Some(("Enter", "close")),
        priority: 5,
        in_help: false,
        when: closable,
        action: Action::CloseDialog,
    },
    Binding {
        keys: &[Key::plain(KeyCode::Esc)],
        keys_label: "Esc",
        description: "cancel",
        bar: Some(("Esc", "cancel")),
        priority: 5,
        in_help: false,
        when: cancellable,
        action: Action::Cancel,
    },
    Binding {
        keys: &[Key::ch('q')],
        keys_label: "q",
        description: "cancel",
        bar: None,
        priority: 5,
        in_help: false,
        when: dialog_not_typing,
        action: Action::Cancel,
    },
    Binding {
        keys: &[Key::plain(KeyCode::Up), Key::ch('k')],
        keys_label: "↑ k",
        description: "scroll up a line",
        bar: None,
        priority: 1,
        in_help: false,
        when: dialog_scrollable,
        action: Action::LineUp,
    },
    Binding {
        keys: &[Key::plain(KeyCode::Down), Key::ch('j')],
        keys_label: "↓ j",
        description: "scroll down a line",
        bar: None,
        priority: 1,
        in_help: false,
        when: dialog_scrollable,
        action: Action::LineDown,
    },
    // The main screen.
    Binding {
        keys: &[Key::plain(KeyCode::Up), Key::ch('k')],
        keys_label: "↑↓ k j",
        description: "select a check; after Tab, scroll details",
        bar: Some(("↑↓", "select")),
        priority: 3,
        in_help: true,
        when: checklist_focused,
        action: Action::SelectPrev,
    },
    Binding {
        keys: &[Key::plain(KeyCode::Down), Key::ch('j')],
        keys_label: "↓ j",
        description: "select the next check",
        bar: None,
        priority: 3,
        in_help: false,
        when: checklist_focused,
        action: Action::SelectNext,
    },
    Binding {
        keys: &[Key::plain(KeyCode::Up), Key::ch('k')],
        keys_label: "↑ k",
        description: "scroll the details up a line",
        bar: Some(("↑↓", "scroll")),
        priority: 3,
        in_help: false,
        when: detail_focused,
        action: Action::LineUp,
    },
    Binding {
        keys: &[Key::plain(KeyCode::Down), Key::ch('j')],
        keys_label: "↓ j",
        description: "scroll the details down a line",
        bar: None,
        priority: 3,
        in_help: false,
        when: detail_focused,
        action: Action::LineDown,
    },
    Binding {
        keys: &[Key::plain(KeyCode::Tab), Key::plain(KeyCode::BackTab)],
        keys_label: "Tab",
        description: "arrows move in the checks or the details",
        bar: None,
        priority: 1,
        in_help: true,
        when: browsing,
        action: Action::ToggleFocus,
    },
    Binding {
        keys: &[Key::ch('g'), Key::plain(KeyCode::Home)],
        keys_label: "g G Home End",
        description: "first / last check, or top / end of details",
        bar: None,
        priority: 1,
        in_help: true,
        when: browsing,
        action: Action::First,
    },
    Binding {
        keys: &[Key::ch('G'), Key::plain(KeyCode::End)],
        keys_label: "G End",
        description: "last check (or bottom of the details)",
        bar: None,
        priority: 1,
        in_help: false,
        when: browsing,
        action: Action::Last,
    },
    Binding {
        keys: &[Key::ch('f')],
        keys_label: "f",
        description: "fix the selected check (a menu if several)",
        bar: Some(("f", "fix")),
        priority: 4,
        in_help: true,
        when: has_fixes,
        action: Action::OpenFixes,
    },
    Binding {
        keys: DIGITS,
        keys_label: "1–9",
        description: "start that fix (numbered under Fixes)",
        bar: None,
        priority: 2,
        in_help: true,
        when: has_fixes,
        action: Action::PickFix,
    },
    Binding {
        keys: &[Key::plain(KeyCode::Enter)],
        keys_label: "Enter",
        description: "re-run the selected check",
        bar: Some(("Enter", "rerun")),
        priority: 4,
        in_help: true,
        when: can_rerun_selected,
        action: Action::Rerun,
    },
    Binding {
        keys: &[Key::ch('r')],
        keys_label: "r",
        description: "re-run every check",
        bar: Some(("r", "rerun all")),
        priority: 2,
        in_help: true,
        when: browsing,
        action: Action::RerunAll,
    },
    Binding {
        keys: &[Key::ch('u')],
        keys_label: "u",
        description: "undo the last fix (asks first)",
        bar: Some(("u", "undo")),
        priority: 2,
        in_help: true,
        when: can_undo,
        action: Action::Undo,
    },
    Binding {
        keys: &[Key::ch('p')],
        keys_label: "p",
        description: "paste an error message to explain it",
        bar: Some(("p", "paste")),
        priority: 2,
        in_help: true,
        when: browsing,
        action: Action::PasteError,
    },
    Binding {
        keys: &[Key::ch('s')],
        keys_label: "s",
        description: "save a Markdown report (secrets masked)",
        bar: Some(("s", "report")),
        priority: 2,
        in_help: true,
        when: can_save,
        action: Action::SaveReport,
    },
    Binding {
        keys: &[Key::ch('c')],
        keys_label: "c",
        description: "copy the offered command or address",
        bar: Some(("c", "copy")),
        priority: 1,
        in_help: true,
        when: can_copy,
        action: Action::Copy,
    },
    Binding {
        keys: &[Key::plain(KeyCode::PageUp)],
        keys_label: "PgUp PgDn",
        description: "scroll the details (or the mouse wheel)",
        bar: Some(("PgUp/Dn", "scroll")),
        priority: 1,
        in_help: true,
        when: can_scroll,
        action: Action::ScrollUp,
    },
    Binding {
        keys: &[Key::plain(KeyCode::PageDown)],
        keys_label: "PgDn",
        description: "scroll the details down",
        bar: None,
        priority: 1,
        in_help: false,
        when: can_scroll,
        action: Action::ScrollDown,
    },
    Binding {
        keys: &[Key::plain(KeyCode::Esc)],
        keys_label: "Esc",
        description: "go back: close a dialog or help, never quit",
        bar: Some(("Esc", "close help")),
        priority: 5,
        in_help: true,
        when: help_open,
        action: Action::CloseHelp,
    },
    Binding {
        keys: &[Key::ch('?'), Key::ch('q')],
        keys_label: "? q",
        description: "close this help",
        bar: None,
        priority: 5,
        in_help: false,
        when: help_open,
        action: Action::CloseHelp,
    },
    Binding {
        keys: &[Key::ch('?')],
        keys_label: "?",
        description: "show every key (this help)",
        bar: Some(("?", "help")),
        priority: 5,
        in_help: true,
        when: browsing,
        action: Action::ShowHelp,
    },
    Binding {
        keys: &[Key::ch('q')],
        keys_label: "q",
        description: "quit, print a summary (in a dialog: cancel)",
        bar: Some(("q", "quit")),
        priority: 6,
        in_help: true,
        when: browsing,
        action: Action::Quit,
    },
    Binding {
        keys: &[Key::ctrl('c')],
        keys_label: "Ctrl-C",
        description: "quit from anywhere (exit status 130)",
        bar: None,
        priority: 6,
        in_help: true,
        when: always,
        action: Action::Interrupt,
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

/// Columns one bar entry takes: `" key "` then `"label "`.
#[must_use]
pub fn entry_width(key: &str, label: &str) -> usize {
    use unicode_width::UnicodeWidthStr;
    key.width() + label.width() + 3
}

/// What the `?` entry says once other entries had to go: the rest are in the help.
pub const MORE: &str = "more";

/// The action bar's entries for this state, in table order, dropping the lowest priorities
/// until they fit in `width` columns. A key is never hidden silently: when one is dropped, the
/// help entry (kept to the last) says `? more`.
#[must_use]
pub fn bar_entries(app: &App, width: u16) -> Vec<(&'static str, &'static str)> {
    let mut entries: Vec<(&Binding, (&'static str, &'static str))> = BINDINGS
        .iter()
        .filter(|b| (b.when)(app))
        .filter_map(|b| b.bar.map(|e| (b, e)))
        .collect();
    let width_of = |entries: &[(&Binding, (&str, &str))]| -> usize {
        entries.iter().map(|(_, (k, l))| entry_width(k, l)).sum()
    };
    let help = |b: &Binding| b.action == Action::ShowHelp;
    while width_of(&entries) > usize::from(width) && !entries.is_empty() {
        let lowest = entries
            .iter()
            .enumerate()
            .min_by_key(|(i, (b, _))| (help(b), b.priority, std::cmp::Reverse(*i)))
            .map_or(0, |(i, _)| i);
        entries.remove(lowest);
        if let Some((_, entry)) = entries.iter_mut().find(|(b, _)| help(b)) {
            entry.1 = MORE;
        }
    }
    entries.into_iter().map(|(_, e)| e).collect()
}
