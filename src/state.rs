//! Where claude-auth-tui keeps its own state (backups, the undo journal and its lock, saved
//! reports, caches): the platform's state folder, worked out from the [`Environment`] snapshot.
//!
//! `dirs` is not used on purpose: it reads the real process environment, and everything here
//! must follow the snapshot (tests point HOME and `XDG_STATE_HOME` into temp dirs).

use crate::env::{Environment, Platform};
use std::path::PathBuf;

/// The folder name under the platform's state or data folder.
const APP: &str = "claude-auth-tui";

/// The tool's state folder:
/// - Linux and other Unix: `$XDG_STATE_HOME/claude-auth-tui`, else `~/.local/state/claude-auth-tui`
///   (an XDG value that is not an absolute path is ignored, as the XDG spec says);
/// - macOS: `~/Library/Application Support/claude-auth-tui`;
/// - Windows: `%LOCALAPPDATA%\claude-auth-tui`, else `~\AppData\Local\claude-auth-tui`.
///
/// The one place that decides it: backups, the journal, the lock, reports and caches all live
/// under it. Nothing is created here.
#[must_use]
pub fn state_dir(env: &Environment) -> PathBuf {
    let absolute = |name: &str| env.path_var(name).filter(|p| p.is_absolute());
    match env.platform() {
        Platform::MacOs => env.home().join("Library/Application Support").join(APP),
        Platform::Windows => absolute("LOCALAPPDATA")
            .unwrap_or_else(|| env.home().join("AppData").join("Local"))
            .join(APP),
        Platform::Linux | Platform::Other => absolute("XDG_STATE_HOME")
            .unwrap_or_else(|| env.home().join(".local/state"))
            .join(APP),
    }
}

/// Where versions before 0.2 kept their state (`~/.claude-auth-tui`). Its contents are moved
/// into [`state_dir`] by the next fix or undo, so no backup or undo entry is lost.
#[must_use]
pub fn legacy_state_dir(env: &Environment) -> PathBuf {
    env.home().join(".claude-auth-tui")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_the_snapshot_per_platform() {
        let home = PathBuf::from("/home/u");
        let linux = Environment::builder(&home)
            .platform(Platform::Linux)
            .build();
        assert_eq!(state_dir(&linux), home.join(".local/state/claude-auth-tui"));
        let xdg = Environment::builder(&home)
            .platform(Platform::Linux)
            .var("XDG_STATE_HOME", "/var/state")
            .build();
        assert_eq!(state_dir(&xdg), PathBuf::from("/var/state/claude-auth-tui"));
        let relative_xdg = Environment::builder(&home)
            .platform(Platform::Linux)
            .var("XDG_STATE_HOME", "state")
            .build();
        assert_eq!(
            state_dir(&relative_xdg),
            home.join(".local/state/claude-auth-tui")
        );
        let mac = Environment::builder(&home)
            .platform(Platform::MacOs)
            .var("XDG_STATE_HOME", "/var/state")
            .build();
        assert_eq!(
            state_dir(&mac),
            home.join("Library/Application Support/claude-auth-tui")
        );
        assert_eq!(legacy_state_dir(&mac), home.join(".claude-auth-tui"));
    }
}
