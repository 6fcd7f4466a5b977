//! Every style of the wizard in one place. Only the 16 basic ANSI colours are used, so
//! 16-colour terminals look right; with `NO_COLOR` set, emphasis is bold and reverse only.

use crate::env::Environment;
use crate::outcome::Status;
use ratatui::style::{Color, Modifier, Style};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    /// False when `NO_COLOR` is set (to anything non-empty).
    pub color: bool,
}

impl Default for Theme {
    fn default() -> Self {
        Self { color: true }
    }
}

impl Theme {
    /// Colours unless the snapshot has a non-empty `NO_COLOR` (<https://no-color.org>).
    #[must_use]
    pub fn from_env(env: &Environment) -> Self {
        Self {
            color: env.var("NO_COLOR").is_none(),
        }
    }

    #[must_use]
    pub fn plain() -> Self {
        Self { color: false }
    }

    fn fg(self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    /// The mark and status word of a finished check.
    #[must_use]
    pub fn status(self, status: Status) -> Style {
        match status {
            Status::Pass => self.fg(Color::Green),
            Status::Warn => self.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            Status::Fail => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            Status::Skip => self.fg(Color::DarkGray),
        }
    }

    /// The spinner of a running check.
    #[must_use]
    pub fn running(self) -> Style {
        self.fg(Color::Cyan)
    }

    /// A check that has not started.
    #[must_use]
    pub fn pending(self) -> Style {
        self.fg(Color::DarkGray)
    }

    /// The selected checklist row.
    #[must_use]
    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// The primary cause's marker and name.
    #[must_use]
    pub fn primary(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// Section headings in the detail pane.
    #[must_use]
    pub fn heading(self) -> Style {
        self.fg(Color::Blue).add_modifier(Modifier::BOLD)
    }

    /// Field labels in the header.
    #[must_use]
    pub fn label(self) -> Style {
        self.fg(Color::DarkGray)
    }

    /// Values that matter: the masked credential, the endpoint.
    #[must_use]
    pub fn value(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// Secondary text.
    #[must_use]
    pub fn dim(self) -> Style {
        self.fg(Color::DarkGray)
    }

    /// Commands to copy and fix ids.
    #[must_use]
    pub fn code(self) -> Style {
        if self.color {
            Style::new().fg(Color::Cyan)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }

    /// A key in the action bar and the help overlay.
    #[must_use]
    pub fn key(self) -> Style {
        if self.color {
            Style::new().fg(Color::Black).bg(Color::Cyan)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    /// Pane borders.
    #[must_use]
    pub fn border(self) -> Style {
        self.fg(Color::DarkGray)
    }

    /// Pane titles.
    #[must_use]
    pub fn title(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// The "demo" badge in the header.
    #[must_use]
    pub fn badge(self) -> Style {
        if self.color {
            Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }
}
