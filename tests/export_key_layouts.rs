//! export-key edits only lines the shell really runs at start-up. A line in a heredoc, a
//! multi-line string, a function, a false `if`, a subshell or above a later `unset` is left
//! alone and a top-level line is added after it; the profile is then run by the real shell to
//! prove the new key is what the shell ends up with. The check reads profiles the same way.
#![cfg(unix)]
#![allow(clippy::unwrap_used)] // tests: a panic is a failed test

mod support;

use claude_auth_tui::env::Environment;
use claude_auth_tui::fixes::{self, FixInput, FixPlan};
use claude_auth_tui::ids::FixId;
use claude_auth_tui::sources::profiles::{self, ShellKind};
use std::path::Path;
use std::process::Command;
use support::*;

const OLD: &str = FAKE_OTHER_KEY;

fn input() -> FixInput {
    FixInput {
        key: Some(FAKE_API_KEY.to_string()),
        ..FixInput::default()
    }
}

/// Writes `profile` (with `{OLD}` replaced) at `rel`, plans and applies export-key.
fn export(h: &TempHome, shell: &str, rel: &str, profile: &str) -> (FixPlan, String) {
    let path = h.write(rel, &profile.replace("{OLD}", OLD));
    let env = h.env().var("SHELL", shell).build();
    let plan = fixes::plan(FixId::ExportKey, &env, &input()).expect("plan");
    assert_eq!(plan.edits.len(), 1);
    assert_eq!(plan.edits[0].path, path, "{}", plan.summary);
    fixes::apply(&plan, &env).expect("apply");
    (plan, std::fs::read_to_string(&path).unwrap())
}

/// Runs the profile in the real shell (HOME = the temp home) and returns the key it exports;
/// `None` when that shell is not installed.
fn key_after_running(h: &TempHome, shell: &str, path: &Path) -> Option<String> {
    let bin = ["/usr/bin", "/bin"]
        .iter()
        .map(|d| Path::new(d).join(shell))
        .find(|p| p.exists());
    let Some(bin) = bin else {
        skipped(&format!("running the profile: {shell} is not installed"));
        return None;
    };
    let script = if shell == "fish" {
        "source $argv[1]; printf %s \"$ANTHROPIC_API_KEY\"".to_string()
    } else {
        ". \"$1\"; printf %s \"${ANTHROPIC_API_KEY-}\"".to_string()
    };
    let mut cmd = Command::new(bin);
    if shell == "fish" {
        cmd.args(["--no-config", "-c", &script, path.to_str().unwrap()]);
    } else {
        cmd.args(["-c", &script, "profile", path.to_str().unwrap()]);
    }
    let out = cmd
        .env_clear()
        .env("HOME", h.home())
        .env("PATH", "/usr/bin:/bin")
        .current_dir(h.home())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    Some(String::from_utf8(out.stdout).unwrap())
}

/// The layout is edited so that the shell ends up with the new key, the line at `kept` (1-based,
/// in the original) is byte-for-byte unchanged, and the plan names it as left alone.
fn assert_left_alone(profile: &str, kept_line: usize) {
    let h = TempHome::new();
    let (plan, after) = export(&h, "/bin/bash", ".bashrc", profile);
    let original: Vec<String> = profile
        .replace("{OLD}", OLD)
        .lines()
        .map(str::to_string)
        .collect();
    assert!(
        after.lines().any(|l| l == original[kept_line - 1]),
        "line {kept_line} was changed:\n{after}"
    );
    assert_eq!(
        after.lines().count(),
        original.len() + 2,
        "one comment and one export line added:\n{after}"
    );
    let notes = plan.notes.join("\n");
    assert!(
        notes.contains(&format!("line {kept_line} (")),
        "the plan names line {kept_line}: {notes}"
    );
    if let Some(key) = key_after_running(&h, "bash", &h.home().join(".bashrc")) {
        assert_eq!(key, FAKE_API_KEY, "the shell ends up with the new key");
    }
    let generated = h.home().join("generated.sh");
    if generated.exists() {
        let text = std::fs::read_to_string(&generated).unwrap();
        assert!(
            !text.contains(FAKE_API_KEY),
            "the key went into the heredoc"
        );
    }
}

#[test]
fn heredoc_line_is_data() {
    assert_left_alone(
        "cat > \"$HOME/generated.sh\" <<'EOF'\nexport ANTHROPIC_API_KEY={OLD}\nEOF\n",
        2,
    );
}

#[test]
fn multi_line_string_is_data() {
    assert_left_alone(
        "HELP=\"to use the API:\nexport ANTHROPIC_API_KEY={OLD}\n\"\nalias a=b\n",
        2,
    );
}

#[test]
fn function_body_does_not_run_at_start_up() {
    assert_left_alone(
        "work() {\n  export ANTHROPIC_API_KEY={OLD}\n}\nalias w=work\n",
        2,
    );
}

#[test]
fn false_if_does_not_run() {
    assert_left_alone("if false; then\n  export ANTHROPIC_API_KEY={OLD}\nfi\n", 2);
}

#[test]
fn subshell_does_not_reach_the_shell() {
    assert_left_alone("(\n  export ANTHROPIC_API_KEY={OLD}\n)\n", 2);
}

#[test]
fn a_later_unset_wins_over_a_replaced_line() {
    let h = TempHome::new();
    let (plan, after) = export(
        &h,
        "/bin/bash",
        ".bashrc",
        "export ANTHROPIC_API_KEY={OLD}\nunset ANTHROPIC_API_KEY\nalias a=b\n",
    );
    let lines: Vec<&str> = after.lines().collect();
    assert_eq!(lines[1], "unset ANTHROPIC_API_KEY");
    assert!(lines[3].starts_with("export ANTHROPIC_API_KEY="), "{after}");
    assert!(plan.notes.join("\n").contains("line 2 (unsets it"));
    if let Some(key) = key_after_running(&h, "bash", &h.home().join(".bashrc")) {
        assert_eq!(key, FAKE_API_KEY);
    }
}

#[test]
fn a_plain_top_level_line_is_still_replaced_in_place() {
    let h = TempHome::new();
    let (_, after) = export(
        &h,
        "/bin/bash",
        ".bashrc",
        "alias a=b\n  export ANTHROPIC_API_KEY={OLD}\nalias c=d\n",
    );
    assert_eq!(after.lines().count(), 3, "{after}");
    assert!(!after.contains(OLD));
    assert_eq!(
        key_after_running(&h, "bash", &h.home().join(".bashrc")).unwrap_or(FAKE_API_KEY.into()),
        FAKE_API_KEY
    );
}

#[test]
fn fish_function_and_if_blocks() {
    let h = TempHome::new();
    let profile = "function work\n  set -gx ANTHROPIC_API_KEY {OLD}\nend\nif false\n  set -gx ANTHROPIC_API_KEY {OLD}\nend\n";
    let (plan, after) = export(&h, "/usr/bin/fish", ".config/fish/config.fish", profile);
    let lines: Vec<&str> = after.lines().collect();
    assert_eq!(lines[1], format!("  set -gx ANTHROPIC_API_KEY {OLD}"));
    assert_eq!(lines[4], format!("  set -gx ANTHROPIC_API_KEY {OLD}"));
    assert!(
        lines[7].starts_with("set -gx ANTHROPIC_API_KEY '"),
        "{after}"
    );
    assert!(plan.notes.join("\n").contains("line 2 (inside a function"));
    let path = h.home().join(".config/fish/config.fish");
    if let Some(key) = key_after_running(&h, "fish", &path) {
        assert_eq!(key, FAKE_API_KEY);
    }
}

#[test]
fn an_unterminated_heredoc_at_the_end_is_refused() {
    let h = TempHome::new();
    let original = "cat > \"$HOME/generated.sh\" <<EOF\nexport PATH=/x\n";
    let path = h.write(".bashrc", original);
    let env = h.env().var("SHELL", "/bin/bash").build();
    assert!(fixes::plan(FixId::ExportKey, &env, &input()).is_err());
    assert_eq!(std::fs::read_to_string(path).unwrap(), original);
}

/// The check reads profiles with the same scanner: heredoc text is not an assignment, a
/// function body or a later `unset` means the profile does not export the key.
#[test]
fn the_scan_knows_what_the_profile_exports() {
    let h = TempHome::new();
    h.write(
        ".bashrc",
        &format!(
            "cat > x <<EOF\nexport ANTHROPIC_API_KEY={OLD}\nEOF\nf() {{\n export ANTHROPIC_AUTH_TOKEN={FAKE_AUTH_TOKEN}\n}}\nexport CLAUDE_CODE_OAUTH_TOKEN={FAKE_OAUTH_TOKEN}\nunset CLAUDE_CODE_OAUTH_TOKEN\nexport ANTHROPIC_BASE_URL=https://gw.example\n"
        ),
    );
    let env: Environment = h.env().var("SHELL", "/bin/bash").build();
    let found = profiles::scan_all(&env);
    assert!(
        !found.iter().any(|a| a.var == "ANTHROPIC_API_KEY"),
        "heredoc text is not an assignment"
    );
    let token = found
        .iter()
        .find(|a| a.var == "ANTHROPIC_AUTH_TOKEN")
        .unwrap();
    assert!(!token.takes_effect() && !token.at_startup);
    let oauth = found
        .iter()
        .find(|a| a.var == "CLAUDE_CODE_OAUTH_TOKEN")
        .unwrap();
    assert_eq!(oauth.unset_later, Some(8));
    assert!(!oauth.takes_effect());
    let url = found
        .iter()
        .find(|a| a.var == "ANTHROPIC_BASE_URL")
        .unwrap();
    assert!(url.takes_effect() && url.shell == ShellKind::Bash);

    // And the check says so, naming the place, without leaking the token.
    let out = h
        .command()
        .args(["check", "--offline", "--json"])
        .env("SHELL", "/bin/bash")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_no_leak(&text);
    assert!(text.contains("inside a function"), "{text}");
    assert!(text.contains("unset again at line 8"), "{text}");
}
