//! `endpoint` check.
use super::CheckCtx;
use crate::ids::CheckId;
use crate::outcome::CheckOutcome;

#[must_use]
pub fn run(_ctx: &CheckCtx) -> CheckOutcome {
    CheckOutcome::skipped(CheckId::Endpoint, "not yet implemented")
}
