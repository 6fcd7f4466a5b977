//! Property tests: no panic on arbitrary bytes in credentials, settings, `~/.claude.json` and
//! shell profiles, whether parsed directly or read from a temp home by the whole diagnosis.

mod support;

use claude_auth_tui::checks::{CheckCtx, CheckOptions, run_all};
use claude_auth_tui::sources::{credentials, global_config, profiles, settings};
use proptest::prelude::*;
use std::sync::Arc;
use support::*;

fn lossy(bytes: &[u8]) -> String {
    claude_auth_tui::files::decode(bytes).0
}

/// JSON-ish text: mostly structure characters, so the parsers get deep into their paths.
fn jsonish() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("{".to_string()),
            Just("}".to_string()),
            Just("[".to_string()),
            Just("]".to_string()),
            Just(",".to_string()),
            Just(":".to_string()),
            Just("\"claudeAiOauth\"".to_string()),
            Just("\"accessToken\"".to_string()),
            Just("\"expiresAt\"".to_string()),
            Just("\"scopes\"".to_string()),
            Just("\"env\"".to_string()),
            Just("\"ANTHROPIC_API_KEY\"".to_string()),
            Just("\"customApiKeyResponses\"".to_string()),
            Just("\"rejected\"".to_string()),
            Just("1e400".to_string()),
            Just("-1".to_string()),
            Just("null".to_string()),
            "\"[^\"]{0,12}\"",
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn credentials_parser_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512), text in jsonish()) {
        let _ = credentials::parse(&lossy(&bytes));
        if let credentials::CredentialsState::Parsed(t) = credentials::parse(&text) {
            let _ = (t.usable_token(), t.missing_fields(), t.is_blanked());
        }
    }

    #[test]
    fn settings_and_global_parsers_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512), text in jsonish()) {
        let _ = settings::parse(&lossy(&bytes));
        let _ = settings::parse(&text);
        let cfg = global_config::GlobalConfig { path: "/x".into(), state: global_config::parse(&text) };
        let _ = (cfg.primary_api_key(), cfg.key_approval("sk-ant-api03-x"), cfg.is_trusted(std::path::Path::new("/a/b")));
    }

    #[test]
    fn profile_lines_never_panic(line in "\\PC{0,200}", shell in 0usize..4) {
        let kind = [profiles::ShellKind::Bash, profiles::ShellKind::Zsh, profiles::ShellKind::Fish, profiles::ShellKind::Sh][shell];
        let _ = profiles::parse_line(&line, kind);
        let _ = profiles::parse_line(&format!("export ANTHROPIC_API_KEY={line}"), kind);
        let _ = profiles::parse_line(&format!("set -gx ANTHROPIC_API_KEY {line}"), kind);
    }
}

proptest! {
    // Each case builds a temp home and runs every offline check: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn whole_diagnosis_survives_arbitrary_files(
        creds in prop::collection::vec(any::<u8>(), 0..256),
        settings_bytes in prop::collection::vec(any::<u8>(), 0..256),
        profile in prop::collection::vec(any::<u8>(), 0..256),
        global in jsonish(),
    ) {
        let home = TempHome::new();
        std::fs::create_dir_all(home.home().join(".claude")).unwrap();
        std::fs::write(home.home().join(".claude/.credentials.json"), &creds).unwrap();
        std::fs::write(home.home().join(".claude/settings.json"), &settings_bytes).unwrap();
        std::fs::write(home.home().join(".zshrc"), &profile).unwrap();
        std::fs::write(home.home().join(".claude.json"), &global).unwrap();
        let env = home.env().var("SHELL", "/bin/zsh").build();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let outcomes = rt.block_on(async {
            let ctx = Arc::new(CheckCtx::new(Arc::new(env), CheckOptions { offline: true, ..CheckOptions::default() }));
            run_all(ctx).await
        });
        prop_assert_eq!(outcomes.len(), 6);
        for o in &outcomes {
            prop_assert!(!o.summary.is_empty());
        }
    }
}
