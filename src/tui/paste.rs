//! Paste an error: `p` opens a text input, Ctrl-S classifies the text (pure, here), a dialog
//! explains the verdict, and closing it selects the check that diagnoses that cause.

use crate::classify;
use crate::knowledge;
use crate::tui::app::App;
use crate::tui::effect::Effect;
use crate::tui::modal::{Explained, Modal, PasteInput};

/// `p`.
pub fn open(app: &mut App) -> Vec<Effect> {
    app.modal = Some(Modal::PasteInput(PasteInput::new()));
    Vec::new()
}

/// Ctrl-S: classify what was pasted. An empty input stays open and the status line says why.
pub fn submit(app: &mut App) -> Vec<Effect> {
    let Some(Modal::PasteInput(input)) = &app.modal else {
        return Vec::new();
    };
    let text = input.text();
    if text.trim().is_empty() {
        app.status = Some(crate::tui::app::StatusLine::new(
            crate::tui::modal::Tone::Info,
            "Nothing to explain yet: paste or type the error message, then press Ctrl-S.",
        ));
        return Vec::new();
    }
    let classification = classify::classify(&text);
    app.modal = Some(Modal::Explained(Explained {
        classification,
        scroll: 0,
    }));
    Vec::new()
}

/// Closing the verdict: select the check behind the cause, if one was named.
pub fn close(app: &mut App) -> Vec<Effect> {
    if let Some(Modal::Explained(explained)) = app.modal.take()
        && let Some(cause) = explained.classification.cause
    {
        let check = knowledge::cause(cause).check;
        if let Some(index) = app.rows.iter().position(|r| r.id == check) {
            app.manual_selection = true;
            if index != app.selected {
                app.selected = index;
                app.detail_scroll = 0;
            }
        }
    }
    Vec::new()
}
