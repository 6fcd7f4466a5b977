//! `live`: one cheap authenticated request to the effective endpoint, classified.
use super::CheckCtx;
use crate::ids::CheckId;
use crate::outcome::CheckOutcome;

pub async fn run(_ctx: &CheckCtx) -> CheckOutcome {
    CheckOutcome::skipped(CheckId::Live, "not yet implemented")
}
