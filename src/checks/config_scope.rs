//! `config-scope`: every settings file, in precedence, with the auth keys each sets.
use super::CheckCtx;
use crate::ids::CheckId;
use crate::outcome::CheckOutcome;

pub async fn run(_ctx: &CheckCtx) -> CheckOutcome {
    CheckOutcome::skipped(CheckId::ConfigScope, "not yet implemented")
}
