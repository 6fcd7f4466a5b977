//! `json_edit::edit` on any text with ops chosen by the first bytes: never panics; when it
//! succeeds the result is JSON (after an optional BOM).
#![no_main]

use claude_auth_tui::fixes::json_edit::{self, JsonOp};
use libfuzzer_sys::fuzz_target;

const KEYS: &[&str] = &[
    "env",
    "A",
    "customApiKeyResponses",
    "approved",
    "rejected",
    "",
];
const STRINGS: &[&str] = &["", "x", "a\"b", "}", "é😀"];

fuzz_target!(|data: &[u8]| {
    let (head, rest) = data.split_at(data.len().min(6));
    let (text, _) = claude_auth_tui::files::decode(rest);
    let mut ops = Vec::new();
    for pair in head.chunks(2) {
        let a = usize::from(pair[0]);
        let b = usize::from(*pair.get(1).unwrap_or(&0));
        let depth = a / 3 % 4;
        let path: Vec<String> = (0..depth)
            .map(|i| KEYS[(b + i * 7) % KEYS.len()].to_string())
            .collect();
        let s = STRINGS[b % STRINGS.len()].to_string();
        ops.push(match a % 3 {
            0 => JsonOp::Remove(path),
            1 => JsonOp::RemoveString(path, s),
            _ => JsonOp::PushString(path, s),
        });
    }
    if let Ok((out, _)) = json_edit::edit(&text, &ops) {
        let body = out.strip_prefix('\u{feff}').unwrap_or(&out);
        assert!(
            serde_json::from_str::<serde_json::Value>(body).is_ok(),
            "{out}"
        );
    }
});
