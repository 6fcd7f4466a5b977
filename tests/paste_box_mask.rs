//! The paste-an-error box hides a key however it arrives: pasted (bracketed paste), or typed
//! one character at a time, which is also how a terminal without bracketed paste delivers a
//! paste. After every key press, neither the drawn frame nor the text held shows 12 or more
//! consecutive characters of a secret; undo and the cut buffer cannot bring one back; the
//! error's own words stay readable, so it is still recognised.

mod support;

use claude_auth_tui::ids::CauseId;
use claude_auth_tui::tui::app::App;
use claude_auth_tui::tui::modal::Modal;
use claude_auth_tui::tui::msg::Msg;
use claude_auth_tui::tui::theme::Theme;
use claude_auth_tui::tui::update;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use support::wizard::frame_text;
use support::*;

/// The last 20 characters of a key, as `~/.claude.json` keeps them.
const KEY_TAIL: &str = "-Tail20xDistinctQ7zZ";

fn press(app: &mut App, code: KeyCode, modifiers: KeyModifiers) {
    update(app, Msg::Key(KeyEvent::new(code, modifiers)));
}

fn held_text(app: &App) -> String {
    match &app.modal {
        Some(Modal::PasteInput(input)) => input.text(),
        other => panic!("the paste box is not open: {other:?}"),
    }
}

/// Fails when the frame or the text held shows a secret (whole or 12+ characters of one).
fn assert_hidden(app: &App, context: &str) {
    let frame = frame_text(app, 120, 40);
    let held = held_text(app);
    for (what, text) in [("frame", &frame), ("text held", &held)] {
        let found = fragment_leaks(text, &[FAKE_API_KEY, FAKE_AUTH_TOKEN, FAKE_OAUTH_TOKEN]);
        assert!(
            found.is_empty(),
            "{context}: {what} shows {found:?}:\n{text}"
        );
        let tail_shown = fragment_leaks(text, &[KEY_TAIL]);
        assert!(
            tail_shown.is_empty(),
            "{context}: {what} shows the key tail:\n{text}"
        );
    }
}

fn error_text() -> String {
    format!(
        "$ ANTHROPIC_API_KEY={FAKE_API_KEY} claude -p hi\n\
         x-api-key {FAKE_OAUTH_TOKEN}\n\
         {{\"customApiKeyResponses\":{{\"rejected\":[\"{KEY_TAIL}\"]}}}}\n\
         Invalid API key · Fix external API key"
    )
}

fn open_paste_box() -> App {
    let mut app = App::new(Theme::default());
    update(
        &mut app,
        Msg::Resize {
            width: 120,
            height: 40,
        },
    );
    press(&mut app, KeyCode::Char('p'), KeyModifiers::NONE);
    assert!(matches!(app.modal, Some(Modal::PasteInput(_))));
    app
}

/// Typed one character at a time (a terminal without bracketed paste delivers a paste so).
#[test]
fn a_key_typed_or_pasted_without_bracketed_paste_is_hidden_as_it_grows() {
    let mut app = open_paste_box();
    for (i, c) in error_text().chars().enumerate() {
        let code = if c == '\n' {
            KeyCode::Enter
        } else {
            KeyCode::Char(c)
        };
        press(&mut app, code, KeyModifiers::NONE);
        assert_hidden(&app, &format!("after character {i} ({c:?})"));
    }
    let held = held_text(&app);
    assert!(held.contains("sk-ant-api03-•"), "{held}");
    assert!(
        held.contains("Invalid API key · Fix external API key"),
        "{held}"
    );
    // Undo, redo and the cut buffer hold nothing of the key.
    for _ in 0..300 {
        press(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
        assert_hidden(&app, "after undo");
    }
    for _ in 0..300 {
        press(&mut app, KeyCode::Char('r'), KeyModifiers::CONTROL);
    }
    press(&mut app, KeyCode::Char('y'), KeyModifiers::CONTROL);
    assert_hidden(&app, "after redo and yank");
}

/// The verdict still comes: the words of the error are left alone.
#[test]
fn a_typed_error_is_still_recognised() {
    let mut app = open_paste_box();
    for c in error_text().chars() {
        let code = if c == '\n' {
            KeyCode::Enter
        } else {
            KeyCode::Char(c)
        };
        press(&mut app, code, KeyModifiers::NONE);
    }
    press(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    let Some(Modal::Explained(e)) = &app.modal else {
        panic!("{:?}", app.modal)
    };
    assert_eq!(e.classification.cause, Some(CauseId::KeyInvalid));
    assert_no_leak(&frame_text(&app, 120, 40));
}

/// A bracketed paste, then more typed into the middle of the masked key: still hidden.
#[test]
fn a_pasted_key_stays_hidden_when_typed_into() {
    let mut app = open_paste_box();
    update(&mut app, Msg::Paste(error_text().into()));
    assert_hidden(&app, "after the paste");
    // Cursor to the start, then type a token piece by piece at the front of the text.
    press(&mut app, KeyCode::Up, KeyModifiers::NONE);
    press(&mut app, KeyCode::Up, KeyModifiers::NONE);
    press(&mut app, KeyCode::Up, KeyModifiers::NONE);
    press(&mut app, KeyCode::Home, KeyModifiers::NONE);
    for c in FAKE_OAUTH_TOKEN.chars().chain(" ".chars()) {
        press(&mut app, KeyCode::Char(c), KeyModifiers::NONE);
        assert_hidden(&app, &format!("typing {c:?} before the paste"));
    }
}
