//! `profiles::parse_line` for every shell on any line: never panics; only tracked variables;
//! a CRLF line keeps its carriage return.
#![no_main]

use claude_auth_tui::sources::profiles::{self, ShellKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (text, _) = claude_auth_tui::files::decode(data);
    for line in text.split('\n') {
        for shell in [
            ShellKind::Bash,
            ShellKind::Zsh,
            ShellKind::Fish,
            ShellKind::Sh,
        ] {
            let _ = profiles::unquote(line);
            if let Some(a) = profiles::parse_line(line, shell) {
                assert!(profiles::TRACKED_VARS.contains(&a.var.as_str()));
                assert_eq!(a.commented, line.trim_start().starts_with('#'));
                if line.ends_with('\r') {
                    assert!(a.value.ends_with('\r'));
                }
            }
        }
    }
});
