//! `settings::parse` on any bytes: never panics; `Loaded` exactly when the text is an object.
#![no_main]

use claude_auth_tui::sources::settings::{self, Scope, SettingsFile, SettingsState};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (text, _) = claude_auth_tui::files::decode(data);
    let state = settings::parse(&text);
    let is_object = serde_json::from_str::<serde_json::Value>(&text).is_ok_and(|v| v.is_object());
    assert_eq!(matches!(state, SettingsState::Loaded { .. }), is_object);
    let file = SettingsFile {
        scope: Scope::User,
        path: "/s.json".into(),
        state,
    };
    let _ = (
        file.env_value("ANTHROPIC_API_KEY"),
        file.top_value("apiKeyHelper"),
        file.line_of_key("env"),
    );
});
