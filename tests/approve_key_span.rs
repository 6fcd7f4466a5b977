//! approve-key edits `~/.claude.json` as spans: when `customApiKeyResponses.approved` is
//! missing it is inserted, and every other byte (big integers, duplicate keys, spacing) stays.

mod support;

use claude_auth_tui::fixes::{self, FixInput};
use claude_auth_tui::ids::FixId;
use claude_auth_tui::sources::global_config::key_tail;
use support::*;

#[test]
fn a_missing_approved_list_is_inserted_and_nothing_else_moves() {
    let home = TempHome::new();
    let tail = key_tail(FAKE_API_KEY);
    let original = format!(
        "{{\n  \"numStartups\": 7,\n  \"userID\": 98765432109876543210987654321,\n  \"firstStartTime\": \"2026-01-01\",\n  \"firstStartTime\": \"2026-02-02\",\n  \"cost\":1.50,\n  \"customApiKeyResponses\": {{\n    \"rejected\": [\n      \"{tail}\"\n    ]\n  }}\n}}\n"
    );
    let path = home.write(".claude.json", &original);
    let env = home.env().build();
    let input = FixInput {
        key: Some(FAKE_API_KEY.to_string()),
        ..FixInput::default()
    };
    let plan = fixes::plan(FixId::ApproveKey, &env, &input).expect("a plan");
    fixes::apply(&plan, &env).expect("applied");
    let after = std::fs::read_to_string(&path).unwrap();
    let expected = format!(
        "{{\n  \"numStartups\": 7,\n  \"userID\": 98765432109876543210987654321,\n  \"firstStartTime\": \"2026-01-01\",\n  \"firstStartTime\": \"2026-02-02\",\n  \"cost\":1.50,\n  \"customApiKeyResponses\": {{\n    \"rejected\": [],\n    \"approved\": [\n      \"{tail}\"\n    ]\n  }}\n}}\n"
    );
    assert_eq!(after, expected);
    fixes::undo_last(&env).expect("undone");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), original);
}
