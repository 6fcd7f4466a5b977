//! `global_config::parse` and its readers on any bytes: never panic.
#![no_main]

use claude_auth_tui::sources::global_config::{self, GlobalConfig};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let (text, _) = claude_auth_tui::files::decode(data);
    // The first line doubles as a key and a folder to ask about.
    let probe = text.lines().next().unwrap_or("");
    let cfg = GlobalConfig {
        path: "/x".into(),
        state: global_config::parse(&text),
    };
    let _ = (
        cfg.primary_api_key(),
        cfg.key_approval(probe),
        cfg.is_trusted(Path::new(probe)),
        cfg.is_trusted(Path::new("/a/b")),
        cfg.account_email(),
        cfg.legacy_env_value("ANTHROPIC_API_KEY"),
    );
    assert!(global_config::key_tail(probe).chars().count() <= 20);
});
