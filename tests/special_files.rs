//! Every file the tool reads goes through one bounded reader: a FIFO, a symlink to /dev/zero or
//! /dev/urandom, or a directory in place of the CA bundle, a settings file, the credentials,
//! a profile, the undo journal, a backup or `~/.claude.json` is refused at once with a reason.
//! Each run has a deadline: a hang (a FIFO waiting for a writer, /dev/zero read forever) fails
//! the test instead of blocking it.
#![cfg(unix)]
#![allow(clippy::unwrap_used)] // tests: a panic is a failed test

mod support;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;
use support::*;

const DEADLINE: Duration = Duration::from_secs(30);

#[derive(Clone, Copy, Debug)]
enum Special {
    Fifo,
    DevZero,
    DevUrandom,
    Directory,
}

const ALL: [Special; 4] = [
    Special::Fifo,
    Special::DevZero,
    Special::DevUrandom,
    Special::Directory,
];

impl Special {
    /// Puts this special file at `path` (replacing what is there).
    fn make(self, path: &Path) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let _ = std::fs::remove_file(path);
        match self {
            Self::Fifo => {
                let ok = Command::new("mkfifo").arg(path).status().unwrap();
                assert!(ok.success(), "mkfifo");
            }
            Self::DevZero => std::os::unix::fs::symlink("/dev/zero", path).unwrap(),
            Self::DevUrandom => std::os::unix::fs::symlink("/dev/urandom", path).unwrap(),
            Self::Directory => std::fs::create_dir_all(path).unwrap(),
        }
    }

    /// The words the tool uses for it.
    fn words(self) -> &'static str {
        match self {
            Self::Fifo => "FIFO",
            Self::DevZero | Self::DevUrandom => "device",
            Self::Directory => "directory",
        }
    }
}

/// At most this much address space for the binary under test: a regression that reads
/// /dev/zero into memory fails here instead of exhausting the machine's memory.
const ADDRESS_SPACE: u64 = 3 << 30;

fn limit_memory(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: only a setrlimit system call between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let limit = rustix::process::Rlimit {
                current: Some(ADDRESS_SPACE),
                maximum: Some(ADDRESS_SPACE),
            };
            rustix::process::setrlimit(rustix::process::Resource::As, limit)
                .map_err(std::io::Error::from)
        });
    }
}

/// Runs the command to completion, or kills it and fails at the deadline.
fn run(mut cmd: Command, stdin: &str, what: &str) -> (Output, String) {
    limit_memory(&mut cmd);
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let pid = child.id();
    let mut input = child.stdin.take().unwrap();
    let _ = input.write_all(stdin.as_bytes());
    drop(input);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let Ok(out) = rx.recv_timeout(DEADLINE) else {
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        panic!("{what}: still running after {DEADLINE:?} (blocked or reading forever)");
    };
    let out = out.unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_no_leak(&text);
    (out, text)
}

/// `check --json` (live request to a closed port on 127.0.0.1 unless `offline`).
fn check(home: &TempHome, vars: &[(&str, &str)], offline: bool, what: &str) -> String {
    let mut cmd = home.command();
    cmd.args(["check", "--json", "--timeout", "5"]);
    if offline {
        cmd.arg("--offline");
    }
    cmd.env("SHELL", "/bin/zsh");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let (out, text) = run(cmd, "", what);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{what}: check ended badly: {text}"
    );
    text
}

/// A URL on 127.0.0.1 that nothing listens on.
fn closed_port() -> String {
    format!("http://127.0.0.1:{}", support::server::closed_port())
}

fn assert_named(text: &str, kind: Special, what: &str) {
    assert!(
        text.contains(kind.words()),
        "{what}: the {kind:?} is not named ({}):\n{text}",
        kind.words()
    );
}

#[test]
fn extra_ca_file() {
    for kind in ALL {
        let home = TempHome::new();
        let ca = home.home().join("corp-ca.pem");
        kind.make(&ca);
        let url = closed_port();
        let what = format!("NODE_EXTRA_CA_CERTS as {kind:?}");
        let text = check(
            &home,
            &[
                ("NODE_EXTRA_CA_CERTS", &ca.display().to_string()),
                ("ANTHROPIC_API_KEY", FAKE_API_KEY),
                ("ANTHROPIC_BASE_URL", &url),
            ],
            false,
            &what,
        );
        assert_named(&text, kind, &what);
    }
}

#[test]
fn settings_files() {
    for rel in [
        ".claude/settings.json",
        "project/.claude/settings.local.json",
    ] {
        for kind in ALL {
            let home = TempHome::new();
            kind.make(&home.home().join(rel));
            let what = format!("{rel} as {kind:?}");
            let text = check(&home, &[], true, &what);
            assert_named(&text, kind, &what);
        }
    }
}

#[test]
fn credentials_file() {
    for kind in ALL {
        let home = TempHome::new();
        kind.make(&home.home().join(".claude/.credentials.json"));
        let what = format!(".credentials.json as {kind:?}");
        let text = check(&home, &[], true, &what);
        assert_named(&text, kind, &what);
    }
}

#[test]
fn global_config() {
    for kind in ALL {
        let home = TempHome::new();
        kind.make(&home.home().join(".claude.json"));
        let what = format!("~/.claude.json as {kind:?}");
        let text = check(&home, &[], true, &what);
        assert_named(&text, kind, &what);
    }
}

#[test]
fn profiles_in_check_and_export_key() {
    for kind in ALL {
        let home = TempHome::new();
        let zshrc = home.home().join(".zshrc");
        kind.make(&zshrc);
        let what = format!("~/.zshrc as {kind:?}");
        check(&home, &[], true, &what);

        let mut cmd = home.command();
        cmd.args(["fix", "export-key", "--yes", "--offline"])
            .env("SHELL", "/bin/zsh");
        let (out, text) = run(cmd, &format!("{FAKE_API_KEY}\n"), &what);
        assert!(!out.status.success(), "{what}: export-key refused: {text}");
        assert_named(&text, kind, &what);
        assert!(
            !home
                .home()
                .join(".local/state/claude-auth-tui/journal.json")
                .exists(),
            "{what}: nothing journaled"
        );
    }
}

#[test]
fn undo_journal() {
    for kind in ALL {
        // The journal in the state folder, and an older version's journal still read in place.
        for rel in [
            ".local/state/claude-auth-tui/journal.json",
            ".claude-auth-tui/journal.json",
        ] {
            let home = TempHome::new();
            kind.make(&home.home().join(rel));
            // `undo --list` only has to finish; `undo` must refuse and say why.
            let mut cmd = home.command();
            cmd.args(["undo", "--list"]);
            run(cmd, "", &format!("{rel} as {kind:?}, undo --list"));
            let what = format!("{rel} as {kind:?}, undo --yes");
            let mut cmd = home.command();
            cmd.args(["undo", "--yes"]);
            let (out, text) = run(cmd, "", &what);
            assert!(!out.status.success(), "{what}: {text}");
            assert_named(&text, kind, &what);
        }
    }
}

#[test]
fn undo_backup() {
    for kind in [Special::Fifo, Special::DevZero, Special::DevUrandom] {
        let home = TempHome::new();
        let original = "alias a=b\n";
        let zshrc = home.write(".zshrc", original);
        let mut cmd = home.command();
        cmd.args(["fix", "export-key", "--yes", "--offline"])
            .env("SHELL", "/bin/zsh");
        let (out, text) = run(cmd, &format!("{FAKE_API_KEY}\n"), "export-key");
        assert!(out.status.success(), "{text}");
        let backup = std::fs::read_dir(home.home().join(".local/state/claude-auth-tui/backups"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path()
            .join(".zshrc");
        assert!(backup.is_file(), "{}", backup.display());
        kind.make(&backup);
        let what = format!("backup as {kind:?}");
        let mut cmd = home.command();
        cmd.args(["undo", "--yes"]).env("SHELL", "/bin/zsh");
        let (out, text) = run(cmd, "", &what);
        assert!(!out.status.success(), "{what}: {text}");
        assert!(
            std::fs::read_to_string(&zshrc)
                .unwrap()
                .contains("ANTHROPIC_API_KEY"),
            "{what}: the file was left as the fix wrote it"
        );
    }
}

#[test]
fn unbounded_standard_input() {
    // A key "typed" from /dev/zero: one bounded line, refused, nothing written.
    let home = TempHome::new();
    let zshrc = home.write(".zshrc", "alias a=b\n");
    let mut cmd = home.command();
    cmd.args(["fix", "export-key", "--yes", "--offline"])
        .env("SHELL", "/bin/zsh")
        .stdin(std::fs::File::open("/dev/zero").unwrap())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    limit_memory(&mut cmd);
    let child = cmd.spawn().unwrap();
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let Ok(out) = rx.recv_timeout(DEADLINE) else {
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        panic!("export-key reading /dev/zero as the key never ended");
    };
    let out = out.unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "refused, not crashed: {text}");
    assert!(text.contains("not a usable API key"), "{text}");
    assert_eq!(std::fs::read_to_string(&zshrc).unwrap(), "alias a=b\n");
}
