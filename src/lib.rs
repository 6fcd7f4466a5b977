//! claude-auth-tui: diagnose and fix Claude Code authentication failures.
#![forbid(unsafe_code)]

pub mod checks;
pub mod classify;
pub mod demo;
pub mod env;
pub mod explain;
pub mod files;
pub mod fixes;
pub mod http;
pub mod ids;
pub mod knowledge;
pub mod outcome;
pub mod report;
pub mod resolve;
pub mod sanitize;
pub mod secret;
pub mod secrets;
pub mod sources;
pub mod state;
pub mod tui;
