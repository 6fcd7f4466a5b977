//! Fixes through the real binary under stress: two at once, a held lock, `kill -9` at random
//! points, temp files left by killed runs, and state left by older versions. Every run has a
//! temp home and a cleared environment; `--offline` keeps the key away from any network.
#![allow(clippy::unwrap_used)] // tests: a panic is a failed test

mod support;

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use support::*;

fn state_dir(home: &TempHome) -> PathBuf {
    home.home().join(".local/state/claude-auth-tui")
}

/// Starts `fix export-key --yes --offline` with `key` on stdin.
fn start_export(home: &TempHome, key: &str) -> Child {
    let mut child = home
        .command()
        .args(["fix", "export-key", "--yes", "--offline"])
        .env("SHELL", "/bin/zsh")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{key}\n").as_bytes())
        .unwrap();
    child
}

fn finish(child: Child) -> (Option<i32>, String) {
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_no_leak(&text);
    (out.status.code(), text)
}

fn run(home: &TempHome, args: &[&str]) -> (Option<i32>, String) {
    let child = home
        .command()
        .args(args)
        .env("SHELL", "/bin/zsh")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    finish(child)
}

fn journal(home: &TempHome) -> Vec<serde_json::Value> {
    let path = state_dir(home).join("journal.json");
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["entries"].as_array().cloned().unwrap_or_default()
}

/// Undoes every fix, one `undo --yes` at a time; returns how many were undone.
fn undo_all(home: &TempHome) -> usize {
    let mut undone = 0;
    loop {
        let (code, text) = run(home, &["undo", "--yes"]);
        assert_eq!(code, Some(0), "{text}");
        if text.contains("Nothing to undo") {
            return undone;
        }
        undone += 1;
        assert!(undone < 500, "undo never ends");
    }
}

/// Every `.claude-auth-tui-*.tmp` under `dir`, recursively.
#[allow(clippy::case_sensitive_file_extension_comparisons)] // the tool's own temp names, exactly
fn temp_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().unwrap().is_dir() {
            found.extend(temp_files(&path));
        } else if name.starts_with(".claude-auth-tui-") && name.ends_with(".tmp") {
            found.push(path);
        }
    }
    found
}

#[test]
fn two_fixes_at_once_lose_no_edit_and_no_undo_entry() {
    let home = TempHome::new();
    let original = "export PATH=$PATH:/opt/bin\n# keep me\n";
    let zshrc = home.write(".zshrc", original);
    let mut applied = 0;
    for round in 0..30 {
        let a = start_export(&home, FAKE_API_KEY);
        let b = start_export(&home, FAKE_OTHER_KEY);
        let results = [finish(a), finish(b)];
        let done = |text: &str| text.contains("Done. The originals are backed up");
        let ok = results.iter().filter(|(_, text)| done(text)).count();
        for (code, text) in &results {
            // A loser says why and changed nothing; it never reports success it did not have.
            if text.contains("Nothing to do") {
                assert_eq!(*code, Some(0), "round {round}: {text}");
            } else if !done(text) {
                assert_eq!(*code, Some(1), "round {round}: {text}");
                assert!(
                    text.contains("changed since this fix was planned")
                        || text.contains("another fix or undo is running"),
                    "round {round}: {text}"
                );
            }
        }
        assert!(ok >= 1, "round {round}: neither fix applied: {results:?}");
        applied += ok;
        assert_eq!(
            journal(&home).len(),
            applied,
            "round {round}: journal entry lost"
        );
    }
    // The journal is one unbroken chain: each fix started from what the one before left.
    let entries = journal(&home);
    for pair in entries.windows(2) {
        assert_eq!(pair[0]["status"], "applied");
        assert_eq!(
            pair[0]["files"][0]["after_sha256"], pair[1]["files"][0]["before_sha256"],
            "an edit was lost between two journal entries"
        );
    }
    assert_eq!(undo_all(&home), applied);
    assert_eq!(std::fs::read_to_string(&zshrc).unwrap(), original);
}

#[test]
fn a_held_lock_makes_a_second_fix_and_undo_wait_then_refuse_naming_the_holder() {
    use std::os::unix::fs::OpenOptionsExt;
    let home = TempHome::new();
    let original = "export PATH=/x\n";
    let zshrc = home.write(".zshrc", original);
    let dir = state_dir(&home);
    std::fs::create_dir_all(&dir).unwrap();
    let mut lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(dir.join("lock"))
        .unwrap();
    rustix::fs::flock(&lock, rustix::fs::FlockOperation::LockExclusive).unwrap();
    lock.write_all(b"pid 4242\nclaude-auth-tui fix relogin\x1b[2J\n")
        .unwrap();

    let started = std::time::Instant::now();
    let (code, text) = finish(start_export(&home, FAKE_API_KEY));
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(3),
        "did not wait"
    );
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("another fix or undo is running"), "{text}");
    assert!(text.contains("4242"), "the holder is not named: {text}");
    assert!(text.contains("claude-auth-tui fix relogin"), "{text}");
    assert!(
        !text.contains('\x1b'),
        "raw control character from the lock file: {text:?}"
    );
    assert_eq!(std::fs::read_to_string(&zshrc).unwrap(), original);
    assert!(journal(&home).is_empty());

    // Released: the fix goes through; an undo then waits for a held lock the same way.
    drop(lock);
    let (code, text) = finish(start_export(&home, FAKE_API_KEY));
    assert_eq!(code, Some(0), "{text}");
    let lock = std::fs::File::open(dir.join("lock")).unwrap();
    rustix::fs::flock(&lock, rustix::fs::FlockOperation::LockExclusive).unwrap();
    let (code, text) = run(&home, &["undo", "--yes"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("another fix or undo is running"), "{text}");
    assert_ne!(std::fs::read_to_string(&zshrc).unwrap(), original);
    drop(lock);
    assert_eq!(undo_all(&home), 1);
    assert_eq!(std::fs::read_to_string(&zshrc).unwrap(), original);
}

/// A run that dies with its temp file written, synced and not yet renamed (the fault hook
/// aborts there, as `kill -9` would): the temp file holds the whole new profile, key included.
#[test]
#[cfg_attr(
    not(feature = "fault-injection"),
    ignore = "needs the fault-injection feature: cargo test --all-features"
)]
fn a_run_killed_before_the_rename_leaves_only_a_private_temp_file_which_the_next_run_removes() {
    let home = TempHome::new();
    let original = "export PATH=$PATH:/opt/bin\n";
    let zshrc = home.write_mode(".zshrc", original, 0o644);
    let mut child = home
        .command()
        .args(["fix", "export-key", "--yes", "--offline"])
        .env("SHELL", "/bin/zsh")
        .env(claude_auth_tui::fixes::FAULT_VAR, "abort-before-rename")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{FAKE_API_KEY}\n").as_bytes())
        .unwrap();
    let (code, _) = finish(child);
    assert_ne!(code, Some(0));
    let temps = temp_files(&home.home());
    assert_eq!(temps.len(), 1, "{temps:?}");
    let mode = std::fs::metadata(&temps[0]).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        mode, 0o600,
        "the leftover holding the key is readable by others"
    );
    assert!(
        std::fs::read_to_string(&temps[0])
            .unwrap()
            .contains("ANTHROPIC_API_KEY")
    );
    assert_eq!(std::fs::read_to_string(&zshrc).unwrap(), original);

    let (code, text) = finish(start_export(&home, FAKE_OTHER_KEY));
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("left by an interrupted claude-auth-tui run"),
        "{text}"
    );
    assert_eq!(temp_files(home.root.path()), Vec::<PathBuf>::new());
    // The aborted fix's pending entry and the new one both undo, back to the original.
    undo_all(&home);
    assert_eq!(std::fs::read_to_string(&zshrc).unwrap(), original);
    assert_eq!(
        std::fs::metadata(&zshrc).unwrap().permissions().mode() & 0o777,
        0o644
    );
}

#[test]
fn kill_9_at_random_points_leaves_no_readable_secret_and_loses_nothing() {
    let home = TempHome::new();
    let mut original = String::from("export PATH=$PATH:/opt/bin\n");
    while original.len() < 64 * 1024 {
        original.push_str("# a comment line that pads the profile\n");
    }
    let zshrc = home.write_mode(".zshrc", &original, 0o644);
    // How long a whole run takes here, so the kills spread over all of it.
    let started = std::time::Instant::now();
    let (code, text) = finish(start_export(&home, FAKE_OTHER_KEY));
    assert_eq!(code, Some(0), "{text}");
    let whole_us = u64::try_from(started.elapsed().as_micros())
        .unwrap()
        .max(1_000);
    // A small deterministic generator: the same "random" points on every run.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut left_temp = 0;
    for round in 0..30 {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let delay_us = (seed >> 33) % whole_us;
        let key = if round % 2 == 0 {
            FAKE_API_KEY
        } else {
            FAKE_OTHER_KEY
        };
        let mut child = start_export(&home, key);
        std::thread::sleep(std::time::Duration::from_micros(delay_us));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let temps = temp_files(home.root.path());
        left_temp += usize::from(!temps.is_empty());
        for temp in temps {
            let mode = std::fs::metadata(&temp).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "round {round}: {} is {mode:o}", temp.display());
        }
    }
    // The next complete run (a third key, so it has something to do) removes every leftover.
    let third_key = format!("sk-ant-api03-{}-Zz00", "N".repeat(86));
    let (code, text) = finish(start_export(&home, &third_key));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("Done."), "{text}");
    assert_eq!(temp_files(home.root.path()), Vec::<PathBuf>::new());
    // Every fix that got as far as the journal is undone, down to the original bytes and mode.
    undo_all(&home);
    assert_eq!(std::fs::read_to_string(&zshrc).unwrap(), original);
    assert_eq!(
        std::fs::metadata(&zshrc).unwrap().permissions().mode() & 0o777,
        0o644
    );
    eprintln!("{left_temp} of 30 kills left a temp file (a run takes {whole_us} µs)");
}

#[test]
fn leftover_temp_files_of_dead_runs_are_removed_and_a_live_runs_are_kept() {
    let home = TempHome::new();
    home.write(".zshrc", "export PATH=/x\n");
    let dead = {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        child.wait().unwrap();
        child.id()
    };
    let secret = format!("export ANTHROPIC_API_KEY={FAKE_API_KEY}\n");
    let stale = home.write_mode(
        &format!(".claude-auth-tui-{dead}-AbC123.tmp"),
        &secret,
        0o644,
    );
    let old_style = home.write_mode(".claude-auth-tui-Zz9yX8.tmp", &secret, 0o644);
    let in_backups = home.write_mode(
        &format!(".local/state/claude-auth-tui/backups/20260101T000000Z-export-key-1/.claude-auth-tui-{dead}-q.tmp"),
        &secret,
        0o644,
    );
    let live = home.write_mode(
        &format!(".claude-auth-tui-{}-LiVe00.tmp", std::process::id()),
        "another run is writing this",
        0o600,
    );
    let (code, text) = finish(start_export(&home, FAKE_API_KEY));
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("Removed 3 temp file(s) left by an interrupted claude-auth-tui run"),
        "{text}"
    );
    for gone in [&stale, &old_style, &in_backups] {
        assert!(!gone.exists(), "{} was not removed", gone.display());
    }
    assert!(
        live.exists(),
        "the temp file of a running process was removed"
    );
}

#[test]
fn state_of_an_older_version_is_moved_and_its_undo_still_works() {
    let home = TempHome::new();
    let original = "export PATH=/x\n";
    let zshrc = home.write(".zshrc", original);
    let (code, text) = finish(start_export(&home, FAKE_API_KEY));
    assert_eq!(code, Some(0), "{text}");
    // Lay it out as versions before 0.2 did: everything in ~/.claude-auth-tui, absolute paths
    // in the journal pointing there, a saved report beside it.
    let legacy = home.home().join(".claude-auth-tui");
    std::fs::rename(state_dir(&home), &legacy).unwrap();
    let journal_path = legacy.join("journal.json");
    let text = std::fs::read_to_string(&journal_path).unwrap().replace(
        &state_dir(&home).display().to_string(),
        &legacy.display().to_string(),
    );
    std::fs::write(&journal_path, text).unwrap();
    std::fs::write(
        legacy.join("claude-auth-report-20260101T000000Z.md"),
        "# r\n",
    )
    .unwrap();

    // Listing reads the old journal where it is.
    let (code, text) = run(&home, &["undo", "--list"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("export-key"), "{text}");

    let (code, text) = run(&home, &["undo", "--yes"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("Moved claude-auth-tui's backups, undo history and reports from ~/.claude-auth-tui/ to ~/.local/state/claude-auth-tui/"),
        "{text}"
    );
    assert_eq!(std::fs::read_to_string(&zshrc).unwrap(), original);
    assert!(!legacy.exists(), "the old folder was not emptied");
    assert!(
        state_dir(&home)
            .join("claude-auth-report-20260101T000000Z.md")
            .exists()
    );
    let moved = journal(&home);
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0]["status"], "undone");
    assert!(
        moved[0]["backup_dir"]
            .as_str()
            .unwrap()
            .starts_with(&state_dir(&home).display().to_string())
    );
}

#[test]
fn xdg_state_home_is_followed() {
    let home = TempHome::new();
    home.write(".zshrc", "export PATH=/x\n");
    let xdg = home.root.path().join("xdg-state");
    let mut child = home
        .command()
        .args(["fix", "export-key", "--yes", "--offline"])
        .env("SHELL", "/bin/zsh")
        .env("XDG_STATE_HOME", &xdg)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{FAKE_API_KEY}\n").as_bytes())
        .unwrap();
    let (code, text) = finish(child);
    assert_eq!(code, Some(0), "{text}");
    assert!(xdg.join("claude-auth-tui/journal.json").exists());
    assert!(xdg.join("claude-auth-tui/lock").exists());
    assert!(!state_dir(&home).exists());
    assert!(!home.home().join(".claude-auth-tui").exists());
}

/// An undo confirmed for one fix never takes back another that ran in between.
#[test]
fn undo_takes_back_only_the_fix_that_was_confirmed() {
    use claude_auth_tui::fixes::{self, FixError, FixInput};
    use claude_auth_tui::ids::FixId;
    let home = TempHome::new();
    let zshrc = home.write(".zshrc", "export PATH=/x\n");
    let env = home.env().var("SHELL", "/bin/zsh").build();
    let export = |key: &str| {
        let input = FixInput {
            key: Some(key.to_string()),
            ..FixInput::default()
        };
        let plan = fixes::plan(FixId::ExportKey, &env, &input).unwrap();
        fixes::apply(&plan, &env).unwrap()
    };
    let first = export(FAKE_API_KEY);
    let shown = fixes::pending_undo(&env).unwrap();
    assert_eq!(shown.id, first.id);
    // Another fix lands while the user reads the undo question.
    let second = export(FAKE_OTHER_KEY);
    let after_second = std::fs::read(&zshrc).unwrap();
    let err = fixes::undo_confirmed(&env, &shown.id).unwrap_err();
    assert!(matches!(err, FixError::Changed(_)), "{err:?}");
    assert_eq!(std::fs::read(&zshrc).unwrap(), after_second);
    fixes::undo_confirmed(&env, &second.id).unwrap();
    fixes::undo_confirmed(&env, &first.id).unwrap();
    assert_eq!(std::fs::read_to_string(&zshrc).unwrap(), "export PATH=/x\n");
}

/// A damaged journal left by an older version does not block fixes: it is kept, moved aside.
#[test]
fn a_damaged_old_journal_is_kept_aside_and_fixes_go_on() {
    let home = TempHome::new();
    home.write(".zshrc", "export PATH=/x\n");
    home.write(".claude-auth-tui/journal.json", "{ not json");
    let (code, text) = finish(start_export(&home, FAKE_API_KEY));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("Moved claude-auth-tui's"), "{text}");
    let aside: Vec<_> = std::fs::read_dir(state_dir(&home))
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("journal.damaged-")
        })
        .collect();
    assert_eq!(aside.len(), 1);
    assert_eq!(
        std::fs::read_to_string(aside[0].path()).unwrap(),
        "{ not json"
    );
    assert_eq!(journal(&home).len(), 1);
    assert!(!home.home().join(".claude-auth-tui").exists());
}
