//! The error classifier and `explain`'s renderings on any text: never panic; the confidence
//! agrees with the candidates.
#![no_main]

use claude_auth_tui::{classify, explain};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (text, _) = claude_auth_tui::files::decode(data);
    let c = classify::classify(&text);
    assert!((0.0..=1.0).contains(&c.confidence));
    assert!(c.candidates.len() <= 6);
    assert!(c.candidates.windows(2).all(|w| w[0].score >= w[1].score));
    match c.cause {
        None => assert!(c.confidence == 0.0 && c.matched.is_none()),
        Some(cause) => assert_eq!(c.candidates.first().map(|k| k.cause), Some(cause)),
    }
    let _ = (explain::render_text(&c), explain::render_json(&c));
});
