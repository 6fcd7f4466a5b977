//! The dialogs that sit over the wizard: the fix menu, the masked key input, the confirm screen
//! with a plan's diff, messages, and the paste-an-error input and its verdict.
//!
//! Plain data like the rest of the state. The two text inputs wrap a `TextArea` so that `Debug`
//! never prints what was typed: one of them holds an API key.

use crate::classify::Classification;
use crate::ids::{CheckId, FixId};
use crate::secret;
use crate::tui::fix_results::{PlanView, UndoView};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;
use std::fmt;

/// Shortest input whose last 4 characters are shown (as `secret::mask` does).
const TAIL_MIN_CHARS: usize = 12;

/// How a message or the status line reads: plain news, a success, or a problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Info,
    Success,
    Problem,
}

/// The single-line input for an API key, drawn as `•`. Its text lives nowhere else until it is
/// submitted, when [`SecretInput::take`] moves it out and starts afresh (history included).
#[derive(Clone)]
pub struct SecretInput {
    area: TextArea<'static>,
}

impl Default for SecretInput {
    fn default() -> Self {
        Self::new()
    }
}

impl SecretInput {
    #[must_use]
    pub fn new() -> Self {
        let mut area = TextArea::default();
        area.set_mask_char('•');
        area.set_placeholder_text("sk-ant-api03-…");
        area.set_cursor_line_style(ratatui::style::Style::new());
        Self { area }
    }

    /// Feeds a key press to the input. Line breaks are refused: a key is one line.
    pub fn input(&mut self, ev: KeyEvent) {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let newline = matches!(ev.code, KeyCode::Enter | KeyCode::Char('\n' | '\r'))
            || (ctrl && matches!(ev.code, KeyCode::Char('m' | 'j')));
        if !newline {
            self.area.input(ev);
        }
    }

    /// Inserts pasted text: line breaks dropped (a key copied across a wrapped line), spaces
    /// around it trimmed. Spaces inside are kept so that the shape check can name them.
    pub fn paste(&mut self, text: &str) {
        let joined: String = text.chars().filter(|c| !matches!(c, '\n' | '\r')).collect();
        self.area.insert_str(joined.trim());
    }

    /// Characters entered.
    #[must_use]
    pub fn len(&self) -> usize {
        self.area.lines().iter().map(|l| l.chars().count()).sum()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The last 4 characters, once the input is long enough that they give nothing away.
    #[must_use]
    pub fn tail(&self) -> Option<String> {
        let text = self.area.lines().concat();
        let chars: Vec<char> = text.chars().collect();
        (chars.len() >= TAIL_MIN_CHARS).then(|| chars[chars.len() - 4..].iter().collect())
    }

    /// Moves the text out and leaves an empty input (no undo history of the old text).
    pub fn take(&mut self) -> String {
        let old = std::mem::take(self);
        old.area.into_lines().concat()
    }

    /// The widget, for the view.
    #[must_use]
    pub fn textarea(&self) -> &TextArea<'static> {
        &self.area
    }
}

impl fmt::Debug for SecretInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretInput")
            .field("chars", &self.len())
            .finish_non_exhaustive()
    }
}

/// The multi-line input for a pasted error message. Secret-shaped tokens in a paste are masked
/// as they arrive, so a key inside an error message is never held or drawn whole.
#[derive(Clone)]
pub struct PasteInput {
    area: TextArea<'static>,
}

impl Default for PasteInput {
    fn default() -> Self {
        Self::new()
    }
}

impl PasteInput {
    #[must_use]
    pub fn new() -> Self {
        Self {
            area: Self::styled(TextArea::default()),
        }
    }

    fn styled(mut area: TextArea<'static>) -> TextArea<'static> {
        area.set_placeholder_text("Paste the error message here (or type it)…");
        // A long error line wraps (at words, or mid-word for a long token) instead of running
        // off the box's right edge.
        area.set_wrap_mode(ratatui_textarea::WrapMode::WordOrGlyph);
        area.set_cursor_line_style(ratatui::style::Style::new());
        area
    }

    /// A key press. A key typed (or pasted by a terminal without bracketed paste, which
    /// arrives the same way) is hidden as it grows: see [`secret::mask_typed`].
    pub fn input(&mut self, ev: KeyEvent) {
        self.area.input(ev);
        self.remask();
    }

    /// Inserts pasted text with secrets masked and line ends made plain `\n`.
    pub fn paste(&mut self, text: &str) {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let found = secret::secrets_in(&text);
        let found: Vec<&str> = found.iter().map(String::as_str).collect();
        self.area.insert_str(secret::scrub(&text, &found));
        self.remask();
    }

    /// Hides what [`secret::mask_typed`] hides. The text area is rebuilt when anything
    /// changed, so its undo history and cut buffer cannot bring a secret back.
    fn remask(&mut self) {
        let masked: Vec<String> = self
            .area
            .lines()
            .iter()
            .map(|l| secret::mask_typed(l))
            .collect();
        if masked.as_slice() == self.area.lines() {
            return;
        }
        // Hidden characters are replaced one for one: the cursor keeps its place.
        let ratatui_textarea::DataCursor(row, col) = self.area.cursor();
        self.area = Self::styled(TextArea::new(masked));
        self.area.move_cursor(ratatui_textarea::CursorMove::Jump(
            u16::try_from(row).unwrap_or(u16::MAX),
            u16::try_from(col).unwrap_or(u16::MAX),
        ));
    }

    /// The whole text, lines joined with `\n`.
    #[must_use]
    pub fn text(&self) -> String {
        self.area.lines().join("\n")
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.area.is_empty()
    }

    #[must_use]
    pub fn textarea(&self) -> &TextArea<'static> {
        &self.area
    }
}

impl fmt::Debug for PasteInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasteInput")
            .field("lines", &self.area.lines().len())
            .finish_non_exhaustive()
    }
}

/// The key input of export-key.
#[derive(Clone, Debug)]
pub struct KeyInput {
    pub fix: FixId,
    pub input: SecretInput,
    /// Why the last key was not accepted (its shape, or the API's answer).
    pub error: Option<String>,
    /// The operation checking and planning the submitted key, while it runs.
    pub pending: Option<u64>,
}

/// What a confirm screen is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Confirming {
    Fix(PlanView),
    Undo(UndoView),
}

/// A confirm screen: the plan (or the undo), scrollable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confirm {
    pub op: u64,
    pub what: Confirming,
    pub scroll: u16,
}

/// A message: a refusal, "nothing to do", a plan that only tells what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub title: String,
    pub tone: Tone,
    /// Paragraphs.
    pub lines: Vec<String>,
    /// What `c` copies (a URL, a command), if anything.
    pub copy: Option<String>,
    pub copied: bool,
    pub scroll: u16,
}

impl Message {
    #[must_use]
    pub fn new(title: impl Into<String>, tone: Tone, lines: Vec<String>) -> Self {
        Self {
            title: title.into(),
            tone,
            lines,
            copy: None,
            copied: false,
            scroll: 0,
        }
    }
}

/// The verdict on a pasted error.
#[derive(Clone, Debug, PartialEq)]
pub struct Explained {
    pub classification: Classification,
    pub scroll: u16,
}

/// The dialog on top, if any. Only one at a time.
#[derive(Clone, Debug)]
pub enum Modal {
    /// The selected check's fixes, to pick one.
    FixMenu {
        check: CheckId,
        fixes: Vec<FixId>,
        selected: usize,
    },
    KeyInput(KeyInput),
    /// Something runs in the background (planning, applying, undoing); Esc stops waiting.
    Working {
        op: u64,
        label: String,
    },
    Confirm(Confirm),
    Message(Message),
    PasteInput(PasteInput),
    Explained(Explained),
}

impl Modal {
    /// Whether key presses go to a text input.
    #[must_use]
    pub fn is_typing(&self) -> bool {
        match self {
            Self::KeyInput(k) => k.pending.is_none(),
            Self::PasteInput(_) => true,
            _ => false,
        }
    }

    /// Whether a spinner shows.
    #[must_use]
    pub fn is_waiting(&self) -> bool {
        match self {
            Self::Working { .. } => true,
            Self::KeyInput(k) => k.pending.is_some(),
            _ => false,
        }
    }

    /// The operation this dialog waits for, if any.
    #[must_use]
    pub fn waiting_for(&self) -> Option<u64> {
        match self {
            Self::Working { op, .. } => Some(*op),
            Self::KeyInput(k) => k.pending,
            _ => None,
        }
    }

    /// The scroll offset of a dialog with long content.
    #[must_use]
    pub fn scroll(&self) -> Option<u16> {
        match self {
            Self::Confirm(c) => Some(c.scroll),
            Self::Message(m) => Some(m.scroll),
            Self::Explained(e) => Some(e.scroll),
            _ => None,
        }
    }

    pub(crate) fn scroll_mut(&mut self) -> Option<&mut u16> {
        match self {
            Self::Confirm(c) => Some(&mut c.scroll),
            Self::Message(m) => Some(&mut m.scroll),
            Self::Explained(e) => Some(&mut e.scroll),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk-ant-api03-TESTtestTESTtestTESTtestTESTtest-WxYz";

    #[test]
    fn secret_input_masks_debug_and_takes_its_text() {
        let mut input = SecretInput::new();
        input.paste(&format!("  {KEY}\r\n"));
        assert_eq!(input.len(), KEY.len());
        assert_eq!(input.tail().as_deref(), Some("WxYz"));
        assert!(!format!("{input:?}").contains("TESTtest"));
        input.input(KeyEvent::from(KeyCode::Enter));
        assert_eq!(input.take(), KEY);
        assert!(input.is_empty());
    }

    #[test]
    fn short_input_shows_no_tail() {
        let mut input = SecretInput::new();
        input.paste("sk-ant-a");
        assert_eq!(input.tail(), None);
    }

    #[test]
    fn paste_input_masks_keys_on_the_way_in() {
        let mut input = PasteInput::new();
        input.paste(&format!("Error: 401\r\nkey {KEY} rejected"));
        let text = input.text();
        assert_eq!(text.lines().count(), 2);
        assert!(!text.contains("TESTtest"), "{text}");
        assert!(text.contains("…WxYz"), "{text}");
    }
}
