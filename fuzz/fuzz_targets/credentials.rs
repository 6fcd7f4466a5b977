//! `credentials::parse` on any bytes: never panics; a usable token is never empty.
#![no_main]

use claude_auth_tui::sources::credentials::{self, CredentialsState};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (text, _) = claude_auth_tui::files::decode(data);
    if let CredentialsState::Parsed(t) = credentials::parse(&text) {
        let _ = (t.missing_fields(), t.is_blanked());
        if let Some(token) = t.usable_token() {
            assert!(!token.is_empty() && t.has_inference_scope());
        }
    }
});
