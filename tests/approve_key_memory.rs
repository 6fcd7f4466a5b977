//! approve-key's memory does not grow with `~/.claude.json` (alone in its own test binary, so
//! that no other test's allocations move the peak it measures): plan, preview, apply and undo
//! of a 64 MB file stay within a few MB of where they started.
#![allow(clippy::unwrap_used)] // tests: a panic is a failed test

mod support;

use claude_auth_tui::fixes::{self, FixInput};
use claude_auth_tui::ids::FixId;
use claude_auth_tui::sources::global_config::key_tail;
use std::io::Write;
use support::memory::peak_rss_kib;
use support::*;

/// Writes a `~/.claude.json` of about `bytes` bytes of history, streamed to disk.
fn write_big(path: &std::path::Path, bytes: usize, tail: &str) {
    let file = std::fs::File::create(path).unwrap();
    let mut out = std::io::BufWriter::new(file);
    write!(out, "{{\n  \"numStartups\": 3,\n  \"projects\": {{\n").unwrap();
    let mut written = 0;
    let mut i = 0;
    while written < bytes {
        let line = format!(
            "    \"/home/u/src/repo-{i}\": {{\"history\": [{{\"display\": \"fix bug {i}\"}}], \"lastCost\": 0.{i}}},\n"
        );
        out.write_all(line.as_bytes()).unwrap();
        written += line.len();
        i += 1;
    }
    write!(
        out,
        "    \"/last\": {{}}\n  }},\n  \"customApiKeyResponses\": {{\n    \"approved\": [],\n    \"rejected\": [\n      \"{tail}\"\n    ]\n  }}\n}}\n"
    )
    .unwrap();
    out.flush().unwrap();
}

#[test]
fn approve_key_memory_stays_flat_over_a_sixty_four_mb_file() {
    let Some(before) = peak_rss_kib() else {
        skipped("no /proc/self/status here");
        return;
    };
    let home = TempHome::new();
    let path = home.home().join(".claude.json");
    write_big(&path, 64 * 1024 * 1024, key_tail(FAKE_API_KEY));
    let env = home.env().var("ANTHROPIC_API_KEY", FAKE_API_KEY).build();

    let plan = fixes::plan(FixId::ApproveKey, &env, &FixInput::default()).expect("a plan");
    let preview = fixes::preview(&plan, &env);
    assert!(
        preview.contains("only its customApiKeyResponses changes"),
        "{preview}"
    );
    fixes::apply(&plan, &env).expect("applied");
    let applied = peak_rss_kib().unwrap();
    fixes::undo_last(&env).expect("undone");
    let after = peak_rss_kib().unwrap();

    // Holding the file would take 64 MB (a parsed document several times that); the streams
    // use buffers of 256 KiB.
    for (what, peak) in [("apply", applied), ("undo", after)] {
        assert!(
            peak.saturating_sub(before) < 16 * 1024,
            "peak RSS grew by {} KiB by the end of {what}",
            peak - before
        );
    }
}
