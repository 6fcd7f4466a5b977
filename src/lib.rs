//! claude-auth-tui: diagnose and fix Claude Code authentication failures.
#![forbid(unsafe_code)]

pub mod checks;
pub mod env;
pub mod files;
pub mod ids;
pub mod knowledge;
pub mod outcome;
pub mod resolve;
pub mod secret;
pub mod sources;
