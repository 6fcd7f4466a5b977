//! approve-key: a key declined at the CLI's "Do you want to use this API key?" prompt is moved
//! (by its last 20 characters) from `rejected` to `approved` in `~/.claude.json`.

use super::json_edit::{self, JsonOp};
use super::plan::{FileEdit, FixPlan};
use super::{FixError, FixInput, read_before};
use crate::env::Environment;
use crate::ids::FixId;
use crate::resolve::{self, Mode};
use crate::secret::mask;
use crate::sources::Facts;
use crate::sources::global_config::{GlobalState, KeyApproval, key_tail};

const RESPONSES: &str = "customApiKeyResponses";

pub(crate) fn plan(env: &Environment, input: &FixInput) -> Result<FixPlan, FixError> {
    let facts = Facts::gather(env);
    let key = match &input.key {
        Some(k) => k.trim().to_string(),
        None => resolve::effective_var("ANTHROPIC_API_KEY", env, &facts, Mode::Print)
            .map(|v| v.value)
            .ok_or_else(|| {
                FixError::NothingToDo(
                    "no ANTHROPIC_API_KEY is set here, so there is no key to approve.".to_string(),
                )
            })?,
    };
    let path = facts.global.path.clone();
    let shown = env.display_path(&path);
    match &facts.global.state {
        GlobalState::Loaded { .. } => {}
        GlobalState::Missing => {
            return Err(FixError::NothingToDo(format!(
                "{shown} does not exist, so Claude Code has not declined any key yet."
            )));
        }
        GlobalState::Corrupt(why) | GlobalState::Unreadable(why) => {
            return Err(FixError::Refused(format!(
                "{shown} {why}; it has to be repaired before anything is changed in it."
            )));
        }
    }
    let tail = key_tail(&key).to_string();
    match facts.global.key_approval(&key) {
        KeyApproval::Rejected => {}
        KeyApproval::Approved => {
            return Err(FixError::NothingToDo(format!(
                "the key {} is already approved in {shown}.",
                mask(&key)
            )));
        }
        KeyApproval::Unasked => {
            return Err(FixError::NothingToDo(format!(
                "Claude Code has not been asked about the key {} yet: the first interactive \
                 `claude` asks, and answering Yes approves it.",
                mask(&key)
            )));
        }
    }

    let before = read_before(env, &path)?.unwrap_or_default();
    let text = String::from_utf8(before.clone())
        .map_err(|_| FixError::Refused(format!("{shown} is not UTF-8 text.")))?;
    let list = |name: &str| vec![RESPONSES.to_string(), name.to_string()];
    let ops = [
        JsonOp::RemoveString(list("rejected"), tail.clone()),
        JsonOp::PushString(list("approved"), tail),
    ];
    let (after, _) =
        json_edit::edit(&text, &ops).map_err(|e| FixError::Refused(format!("{shown} {e}")))?;

    let mut plan = FixPlan::new(
        FixId::ApproveKey,
        format!(
            "Approve the API key {} for interactive sessions: in {shown}, move its last 20 \
             characters from customApiKeyResponses.rejected to .approved. This means `claude` \
             uses this key without asking again, instead of any subscription login you have, \
             and its usage is billed to the key's API account.",
            mask(&key)
        ),
    );
    plan.add_secret(&key);
    // Every stored tail is part of some key: mask them all in the preview.
    for tail in facts.global.response_tails() {
        plan.add_secret(&tail);
    }
    plan.notes.push(
        "To decline it again later, run `claude-auth-tui undo` now, or remove it from \
         customApiKeyResponses.approved."
            .to_string(),
    );
    plan.edits
        .push(FileEdit::rewrite(path, before, after.into_bytes()));
    Ok(plan)
}
