//! The shipped build has no fault injection: `CLAUDE_AUTH_TUI_FAULT` is ignored and the fault
//! names are not in the binary. Only meaningful without the `fault-injection` feature, so this
//! file is empty in `cargo test --all-features`; .ci/run also runs it with default features.
#![cfg(not(feature = "fault-injection"))]

mod support;

use support::*;

#[test]
fn the_fault_variable_is_ignored_by_a_default_build() {
    let home = TempHome::new();
    let zshrc = home.write(".zshrc", "alias a=b\n");
    let (out, text) = run_with_input(
        home.command()
            .args(["fix", "export-key", "--yes", "--offline"])
            .env("SHELL", "/bin/zsh")
            .env("CLAUDE_AUTH_TUI_FAULT", "abort-after-backup"),
        &format!("{FAKE_API_KEY}\n"),
    );
    assert_no_leak(&text);
    assert!(out.status.success(), "the fix ran normally: {text}");
    let saved = std::fs::read_to_string(&zshrc).unwrap();
    assert!(saved.contains("export ANTHROPIC_API_KEY="), "{saved}");
}

#[test]
fn the_fault_names_are_not_in_the_default_binary() {
    let binary = std::fs::read(env!("CARGO_BIN_EXE_claude-auth-tui")).unwrap();
    for needle in [
        "CLAUDE_AUTH_TUI_FAULT",
        "abort-after-backup",
        "after-first-write",
    ] {
        assert!(
            !binary.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{needle} is in the shipped binary"
        );
    }
}
