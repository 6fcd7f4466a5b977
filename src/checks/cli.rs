//! `cli`: is `claude` on PATH, does it answer, which version, what does it think of its login.
use super::CheckCtx;
use crate::ids::CheckId;
use crate::outcome::CheckOutcome;

pub async fn run(_ctx: &CheckCtx) -> CheckOutcome {
    CheckOutcome::skipped(CheckId::Cli, "not yet implemented")
}
