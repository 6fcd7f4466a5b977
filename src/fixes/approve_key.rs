//! approve-key: a key declined at the CLI's "Do you want to use this API key?" prompt is moved
//! (by its last 20 characters) from `rejected` to `approved` in `~/.claude.json`.

use super::json_edit::{self, JsonOp};
use super::plan::{FileEdit, FixPlan};
use super::span_edit::{HashingReader, SPAN_EDIT_ABOVE, Span, SpanEdit};
use super::{FixError, FixInput, read_before};
use crate::env::Environment;
use crate::files;
use crate::ids::FixId;
use crate::resolve::{self, Mode};
use crate::secret::mask;
use crate::sources::Facts;
use crate::sources::global_config::{GlobalState, KeyApproval, key_tail};
use crate::sources::global_stream;
use std::path::Path;

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

    let mut plan = FixPlan::new(FixId::ApproveKey, summary(&key, &shown));
    let big = std::fs::metadata(&path).is_ok_and(|m| m.len() > SPAN_EDIT_ABOVE);
    if big {
        // Heavy users have tens of MB of history here: only the one member is read and edited.
        plan.span_edit = Some(plan_span_edit(env, &path, &tail)?);
    } else {
        let before = read_before(env, &path)?.unwrap_or_default();
        let text = String::from_utf8(before.clone())
            .map_err(|_| FixError::Refused(format!("{shown} is not UTF-8 text.")))?;
        let list = |name: &str| vec![RESPONSES.to_string(), name.to_string()];
        let (after, _) = json_edit::edit(&text, &move_ops(list, &tail))
            .map_err(|e| FixError::Refused(format!("{shown} {e}")))?;
        plan.edits
            .push(FileEdit::rewrite(path, before, after.into_bytes()));
    }

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
    Ok(plan)
}

fn summary(key: &str, shown: &str) -> String {
    format!(
        "Approve the API key {} for interactive sessions: in {shown}, move its last 20 \
         characters from customApiKeyResponses.rejected to .approved. This means `claude` \
         uses this key without asking again, instead of any subscription login you have, \
         and its usage is billed to the key's API account.",
        mask(key)
    )
}

/// The tail leaves `rejected` and joins `approved`; `list` names the arrays' paths.
fn move_ops(list: impl Fn(&str) -> Vec<String>, tail: &str) -> [JsonOp; 2] {
    [
        JsonOp::RemoveString(list("rejected"), tail.to_string()),
        JsonOp::PushString(list("approved"), tail.to_string()),
    ]
}

/// The edit of a big `~/.claude.json` as a span: one streaming pass finds the
/// `customApiKeyResponses` member (the last one, which every JSON reader uses) and fingerprints
/// the file; only that member's text is edited, in its own layout.
fn plan_span_edit(env: &Environment, path: &Path, tail: &str) -> Result<SpanEdit, FixError> {
    let shown = env.display_path(path);
    let open = files::open_regular(path)
        .map_err(|e| FixError::Refused(format!("{shown} {e}")))?
        .ok_or_else(|| FixError::Changed(format!("{shown} was removed meanwhile.")))?;
    let mut hashing = HashingReader::new(std::io::BufReader::new(open.file));
    let spans = global_stream::member_spans(&mut hashing, RESPONSES)
        .map_err(|e| FixError::Refused(format!("{shown} {e}")))?;
    let (before_len, before_sha256) = hashing
        .finish()
        .map_err(|e| FixError::Refused(format!("{shown} could not be read: {e}")))?;
    let member = spans.last().ok_or_else(|| {
        FixError::Changed(format!(
            "{shown} no longer has customApiKeyResponses; plan the fix again."
        ))
    })?;
    let text = std::str::from_utf8(&member.bytes).map_err(|_| {
        FixError::Refused(format!(
            "{shown} has customApiKeyResponses that is not UTF-8."
        ))
    })?;
    let (after, _) = json_edit::edit(text, &move_ops(|name| vec![name.to_string()], tail))
        .map_err(|e| FixError::Refused(format!("{shown} customApiKeyResponses {e}")))?;
    Ok(SpanEdit {
        path: path.to_path_buf(),
        what: RESPONSES.to_string(),
        before_len,
        before_sha256,
        spans: vec![Span {
            offset: member.offset,
            old: member.bytes.clone(),
            new: after.into_bytes(),
        }],
    })
}
