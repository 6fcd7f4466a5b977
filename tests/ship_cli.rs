//! What ships beside the tool: shell completions, the man page and `--color`, driven through the
//! real binary in a throwaway home with a cleared environment.

mod support;

use claude_auth_tui::ids::FixId;
use std::path::Path;
use std::process::Command;
use support::{TempHome, skipped};

fn run_ok(home: &TempHome, args: &[&str]) -> String {
    let out = home.command().args(args).output().expect("run the binary");
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// A shell on the machine, or `None` with a printed reason (the test then checks what it can).
fn shell(name: &str) -> Option<String> {
    let found = which::which(name).ok().map(|p| p.display().to_string());
    if found.is_none() {
        skipped(&format!(
            "`{name}` is not installed here, so its completion script was not loaded"
        ));
    }
    found
}

/// Asks bash's completion function what it offers for `line` (the cursor at the end).
fn bash_complete(script: &Path, line: &str) -> Vec<String> {
    let words: Vec<&str> = line.split(' ').collect();
    let cword = words.len() - 1;
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let prev = if cword > 0 { words[cword - 1] } else { "" };
    let program = format!(
        "source '{}'\nCOMP_WORDS=({})\nCOMP_CWORD={cword}\nCOMP_LINE='{line}'\nCOMP_POINT=${{#COMP_LINE}}\n\
         _claude__auth__tui claude-auth-tui '{}' '{prev}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        script.display(),
        quoted.join(" "),
        words[cword],
    );
    let out = Command::new("bash")
        .arg("--noprofile")
        .arg("--norc")
        .arg("-c")
        .arg(program)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .output()
        .expect("run bash");
    assert!(
        out.status.success(),
        "bash completion failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completion_offers_every_fix_id_after_fix() {
    let Some(_) = shell("bash") else { return };
    let home = TempHome::new();
    let script = home.write("completion.bash", &run_ok(&home, &["completions", "bash"]));
    let offered = bash_complete(&script, "claude-auth-tui fix ");
    for fix in FixId::ALL {
        assert!(
            offered.iter().any(|o| o == fix.as_str()),
            "`fix <TAB>` should offer {}; offered {offered:?}",
            fix.as_str()
        );
    }
    // A prefix narrows the list to the matching ids.
    let narrowed = bash_complete(&script, "claude-auth-tui fix re");
    assert!(narrowed.iter().any(|o| o == "relogin"), "{narrowed:?}");
    assert!(
        narrowed.iter().any(|o| o == "remove-credentials"),
        "{narrowed:?}"
    );
    assert!(!narrowed.iter().any(|o| o == "export-key"), "{narrowed:?}");
}

#[test]
fn bash_completion_offers_demo_names_and_subcommands() {
    let Some(_) = shell("bash") else { return };
    let home = TempHome::new();
    let script = home.write("completion.bash", &run_ok(&home, &["completions", "bash"]));
    let demos = bash_complete(&script, "claude-auth-tui --demo ");
    for name in [
        "key-not-exported",
        "oauth-expired",
        "settings-override",
        "list",
    ] {
        assert!(demos.iter().any(|o| o == name), "{name} in {demos:?}");
    }
    let commands = bash_complete(&script, "claude-auth-tui ");
    for name in [
        "check",
        "explain",
        "fix",
        "undo",
        "report",
        "completions",
        "man",
    ] {
        assert!(commands.iter().any(|o| o == name), "{name} in {commands:?}");
    }
}

#[test]
fn every_completion_script_is_generated_and_loads_where_its_shell_exists() {
    let home = TempHome::new();
    for (shell_name, program, check_args) in [
        ("bash", "bash", vec!["--noprofile", "--norc", "-n"]),
        ("zsh", "zsh", vec!["-n"]),
        ("fish", "fish", vec!["--no-execute"]),
        ("elvish", "elvish", vec!["-compileonly"]),
        ("powershell", "pwsh", vec!["-NoProfile", "-File"]),
    ] {
        let script = run_ok(&home, &["completions", shell_name]);
        assert!(
            script.contains("claude-auth-tui"),
            "{shell_name} script names the binary"
        );
        // clap_complete writes positional values for these shells; elvish and PowerShell get
        // the commands and flags only.
        if ["bash", "zsh", "fish"].contains(&shell_name) {
            assert!(
                script.contains("remove-credentials"),
                "{shell_name} script knows the fix ids"
            );
        }
        let Some(path) = shell(program) else { continue };
        let file = home.write(&format!("completion.{shell_name}"), &script);
        let out = Command::new(path)
            .args(&check_args)
            .arg(&file)
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", home.home())
            .output()
            .expect("run the shell");
        assert!(
            out.status.success(),
            "{shell_name} rejects its script: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn an_unknown_shell_or_fix_is_refused_with_the_choices() {
    let home = TempHome::new();
    let out = home
        .command()
        .args(["completions", "tcsh"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bash") && err.contains("powershell"), "{err}");

    let out = home
        .command()
        .args(["fix", "make-it-work", "--dry-run"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("export-key") && err.contains("approve-key"),
        "{err}"
    );
}

#[test]
fn man_page_is_roff_and_lists_the_commands() {
    let home = TempHome::new();
    let page = run_ok(&home, &["man"]);
    assert!(
        page.starts_with(".ie") || page.contains(".TH claude-auth-tui"),
        "{page}"
    );
    for word in [
        "check",
        "explain",
        "fix",
        "undo",
        "report",
        "completions",
        "\\-\\-offline",
    ] {
        assert!(page.contains(word), "man page mentions {word}");
    }

    let out_dir = home.home().join("man1");
    std::fs::create_dir_all(&out_dir).expect("mkdir");
    run_ok(&home, &["man", "--out-dir", &out_dir.display().to_string()]);
    let written =
        std::fs::read_to_string(out_dir.join("claude-auth-tui.1")).expect("man page file");
    assert_eq!(written, page);

    if let Ok(man) = which::which("man") {
        let out = Command::new(man)
            .arg("-l")
            .arg(out_dir.join("claude-auth-tui.1"))
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .output()
            .expect("run man");
        if out.status.success() {
            let shown = String::from_utf8_lossy(&out.stdout);
            assert!(shown.contains("claude-auth-tui"), "{shown}");
        }
    } else {
        skipped("`man` is not installed here, so the page was not rendered");
    }
}

#[test]
fn color_always_paints_the_marks_and_never_or_no_color_does_not() {
    let home = TempHome::new();
    home.fake_claude_standard();
    let check = |args: &[&str], no_color: bool| {
        let mut cmd = home.command();
        cmd.args(["check", "--offline"]).args(args);
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        let out = cmd.output().expect("run");
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    let always = check(&["--color", "always"], false);
    assert!(
        always.contains("\x1b["),
        "--color always colours:\n{always}"
    );
    let always_over_no_color = check(&["--color", "always"], true);
    assert!(always_over_no_color.contains("\x1b["));
    for (args, no_color) in [
        (&["--color", "never"][..], false),
        (&["--color", "auto"][..], false),
        (&[][..], true),
    ] {
        let text = check(args, no_color);
        assert!(
            !text.contains('\x1b'),
            "{args:?} NO_COLOR={no_color} must be plain (not a terminal):\n{text}"
        );
    }
}
