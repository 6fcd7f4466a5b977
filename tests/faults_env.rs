//! Environment faults through the real binary: HOME unset, empty, a file or missing; a home the
//! fixes cannot write to; non-UTF-8 variables; `CLAUDE_CONFIG_DIR` that is a FIFO or a file; a
//! credentials symlink loop; a settings file that is a directory; a 5 MB profile.
//!
//! Each run must finish (a 60 s wall-clock guard kills a hung child and fails the test; nothing
//! asserts a duration beyond that), exit 0, 1 or 2, print a clear message, and never panic.
//! The binary runs with a cleared environment (`TempHome::command()`, or `env_clear()` for HOME
//! itself), never against the real home.
//!
//! A test marked `#[ignore = "bug: …"]` fails today; its reason says what is wrong.
#![allow(clippy::unwrap_used)] // tests: a panic is a failed test

mod support;

use claude_auth_tui::checks::CheckOptions;
use claude_auth_tui::env::Environment;
use claude_auth_tui::fixes::{self, FixInput};
use claude_auth_tui::ids::{CauseId, FixId};
use claude_auth_tui::report::{self, Diagnosis};
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::*;

/// Generous: a run takes well under a second; only a hang comes near this.
const WALL_CLOCK_GUARD: Duration = Duration::from_secs(60);

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not one JSON object ({e}):\n{}", self.all()))
    }
}

/// Runs `cmd` to the end within the guard; stdout and stderr are read on their own threads so
/// a full pipe cannot block the child. Asserts no panic, no leak and an exit code of 0, 1 or 2.
fn run(mut cmd: Command, stdin: Option<&[u8]>) -> Run {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("start the binary");
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.map(<[u8]>::to_vec);
    let writer = std::thread::spawn(move || {
        if let Some(bytes) = stdin {
            let _ = input.write_all(&bytes);
        }
    });
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err.read_to_end(&mut buf);
        buf
    });
    let deadline = Instant::now() + WALL_CLOCK_GUARD;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not finish within {WALL_CLOCK_GUARD:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let _ = writer.join();
    let result = Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&out_reader.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err_reader.join().unwrap()).into_owned(),
    };
    assert!(
        !result.stderr.contains("panicked") && !result.stdout.contains("panicked"),
        "{cmd:?} panicked:\n{}",
        result.all()
    );
    assert!(
        matches!(result.code, Some(0..=2)),
        "{cmd:?} exited {:?} (a signal?):\n{}",
        result.code,
        result.all()
    );
    assert_no_leak(&result.all());
    result
}

fn run_args(home: &TempHome, args: &[&str], vars: &[(&str, &OsStr)], stdin: Option<&str>) -> Run {
    let mut cmd = home.command();
    cmd.args(args);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    run(cmd, stdin.map(str::as_bytes))
}

/// `check --json --offline`: one valid JSON object (schema 1), exit 0 or 1.
fn check_json(home: &TempHome, vars: &[(&str, &OsStr)]) -> serde_json::Value {
    let r = run_args(home, &["check", "--json", "--offline"], vars, None);
    assert!(matches!(r.code, Some(0 | 1)), "{}", r.all());
    let doc = r.json();
    assert_eq!(doc["schema"], 1, "{doc:#}");
    assert_eq!(doc["checks"].as_array().map(Vec::len), Some(6), "{doc:#}");
    doc
}

/// Every read-only mode, and every fix planned, over this environment.
fn every_read_only_mode(home: &TempHome, vars: &[(&str, &OsStr)]) {
    check_json(home, vars);
    for args in [
        &["check", "--offline"][..],
        &["check", "-v", "--offline"],
        &["report", "--offline"],
        &["report", "--json", "--offline"],
        &["undo", "--list"],
    ] {
        let r = run_args(home, args, vars, None);
        assert!(!r.all().trim().is_empty(), "{args:?} printed nothing");
    }
    for fix in FixId::ALL {
        let stdin = (*fix == FixId::ExportKey).then(|| format!("{FAKE_API_KEY}\n"));
        let r = run_args(
            home,
            &["fix", fix.as_str(), "--dry-run", "--offline"],
            vars,
            stdin.as_deref(),
        );
        assert!(!r.all().trim().is_empty(), "fix {fix} printed nothing");
    }
}

fn os(s: &str) -> &OsStr {
    OsStr::new(s)
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

// ---------------------------------------------------------------------------------------------
// HOME unset, empty, a file, missing.

/// Whether this process runs as root (`Uid:` in /proc/self/status).
fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .map(|u| u.split_whitespace().next() == Some("0"))
        })
        .unwrap_or(false)
}

/// With HOME unset (or empty), the binary falls back to the passwd entry's home: as root that
/// is the real /root, which a test must never read. So these runs switch to the `nobody` user
/// (home `/nonexistent`), with an environment cleared completely but for the managed-settings
/// override (so /etc/claude-code, which could hold an apiKeyHelper, is not read either). When
/// the tests do not run as root, they cannot switch user and are skipped.
fn as_nobody(
    home: &TempHome,
    args: &[&str],
    vars: &[(&str, &str)],
    stdin: Option<&str>,
) -> Option<Run> {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    if !is_root() {
        skipped("switching to `nobody` needs root (HOME would fall back to the real home)");
        return None;
    }
    // `nobody` must reach the working folder.
    for dir in [home.root.path(), &home.home(), &home.cwd(), &home.managed()] {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let nobody = || {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_claude-auth-tui"));
        cmd.env_clear()
            .env("CLAUDE_AUTH_TUI_MANAGED_DIR", home.managed())
            .current_dir(home.cwd())
            .uid(65534)
            .gid(65534);
        cmd
    };
    // Can `nobody` start the binary at all (a target folder closed to others)?
    let probe = nobody()
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if let Err(e) = probe {
        skipped(&format!("`nobody` cannot start the binary here ({e})"));
        return None;
    }
    let mut cmd = nobody();
    cmd.args(args);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    Some(run(cmd, stdin.map(str::as_bytes)))
}

#[test]
fn home_unset_in_the_library_gives_a_whole_diagnosis() {
    let tmp = TempHome::new();
    let env = Environment::builder(tmp.home())
        .without_home()
        .cwd(tmp.cwd())
        .managed_dir(tmp.managed())
        .build();
    assert!(env.var("HOME").is_none());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let env = Arc::new(env);
    let d = rt.block_on(Diagnosis::run(
        Arc::clone(&env),
        CheckOptions {
            offline: true,
            ..CheckOptions::default()
        },
    ));
    // Without a home the checks that read it fail, naming HOME: exit status 1.
    let causes: Vec<_> = d
        .outcomes
        .iter()
        .flat_map(|o| o.findings.iter().map(|f| (o.id, f.cause)))
        .collect();
    assert_eq!(d.exit_code(), 1, "{causes:?}");
    assert!(
        causes.iter().any(|(_, c)| *c == CauseId::HomeMissing),
        "{causes:?}"
    );
    let doc: serde_json::Value = serde_json::from_str(&report::json::render(&d)).unwrap();
    assert_eq!(doc["schema"], 1);
    assert!(!report::text::render(&d, true).is_empty());
    assert!(!report::markdown::render(&d).is_empty());
    // Every fix can be planned (or refused) without a home; nothing is applied.
    for fix in FixId::ALL {
        let input = FixInput {
            key: Some(FAKE_API_KEY.to_string()),
            ..FixInput::default()
        };
        let _ = fixes::plan(*fix, &env, &input);
    }
}

#[test]
fn home_unset_or_empty_in_a_cleared_environment() {
    let home = TempHome::new();
    for vars in [&[][..], &[("HOME", "")]] {
        let Some(r) = as_nobody(&home, &["check", "--json", "--offline"], vars, None) else {
            return;
        };
        // HOME unset or empty is a failure of its own (home-missing): exit status 1.
        assert_eq!(r.code, Some(1), "{vars:?}: {}", r.all());
        assert_eq!(r.json()["schema"], 1);
        for args in [
            &["check", "--offline"][..],
            &["report", "--offline"],
            &["undo", "--list"],
        ] {
            let r = as_nobody(&home, args, vars, None).unwrap();
            assert!(!r.all().trim().is_empty());
        }
        let key = format!("{FAKE_API_KEY}\n");
        as_nobody(&home, &["fix", "export-key", "--dry-run"], vars, Some(&key)).unwrap();
        // A real apply: `nobody` cannot create /nonexistent, so it must fail with a message.
        let r = as_nobody(
            &home,
            &["fix", "export-key", "--yes", "--offline"],
            vars,
            Some(&key),
        )
        .unwrap();
        assert_eq!(r.code, Some(1), "{}", r.all());
        assert!(
            r.all().contains("not applied") || r.all().contains("Not done"),
            "{}",
            r.all()
        );
    }
}

#[test]
fn home_is_a_file_or_missing() {
    let home = TempHome::new();
    let file = home.root.path().join("home-file");
    std::fs::write(&file, "not a folder").unwrap();
    let missing = home.root.path().join("no-such-home");
    for target in [&file, &missing] {
        let vars = [("HOME", target.as_os_str()), ("SHELL", os("/bin/zsh"))];
        every_read_only_mode(&home, &vars);
    }
    assert!(
        !missing.exists(),
        "a read-only mode created the missing home"
    );
    // A real fix into a home that is a file fails with a message and changes nothing.
    let vars = [("HOME", file.as_os_str()), ("SHELL", os("/bin/zsh"))];
    let r = run_args(
        &home,
        &["fix", "export-key", "--yes", "--offline"],
        &vars,
        Some(&format!("{FAKE_API_KEY}\n")),
    );
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(!r.all().trim().is_empty());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "not a folder");
}

/// The check must say that HOME itself is the problem (the `home-missing` cause exists for it),
/// not blame the files under it.
#[test]
fn home_problems_are_named() {
    let home = TempHome::new();
    let file = home.root.path().join("home-file");
    std::fs::write(&file, "not a folder").unwrap();
    let missing = home.root.path().join("no-such-home");
    for target in [&file, &missing] {
        let doc = check_json(&home, &[("HOME", target.as_os_str())]);
        let text = doc.to_string();
        assert!(text.contains("HOME"), "HOME is not named:\n{doc:#}");
        assert_eq!(doc["primary_cause"]["cause"], "home-missing", "{doc:#}");
    }
}

// ---------------------------------------------------------------------------------------------
// A home the fixes cannot write to.

#[test]
fn read_only_home_and_unwritable_profiles_fail_cleanly() {
    use std::os::unix::fs::PermissionsExt;
    let key = format!("{FAKE_API_KEY}\n");
    let zsh = [("SHELL", os("/bin/zsh"))];

    // Permission bits (root ignores them: then the fix may succeed, but never half-way).
    let home = TempHome::new();
    let zshrc = home.write_mode(".zshrc", "export PATH=/x\n", 0o444);
    std::fs::set_permissions(home.home(), std::fs::Permissions::from_mode(0o555)).unwrap();
    let dry = run_args(&home, &["fix", "export-key", "--dry-run"], &zsh, Some(&key));
    assert_eq!(dry.code, Some(0), "{}", dry.all());
    assert_eq!(std::fs::read_to_string(&zshrc).unwrap(), "export PATH=/x\n");
    let r = run_args(
        &home,
        &["fix", "export-key", "--yes", "--offline"],
        &zsh,
        Some(&key),
    );
    let now = std::fs::read_to_string(&zshrc).unwrap();
    match r.code {
        Some(0) => assert!(now.contains("ANTHROPIC_API_KEY"), "{now}"),
        _ => {
            assert_eq!(now, "export PATH=/x\n");
            assert!(r.all().contains("not applied"), "{}", r.all());
        }
    }
    std::fs::set_permissions(home.home(), std::fs::Permissions::from_mode(0o755)).unwrap();

    // The profile is a directory, or a dangling symlink: refused before anything is written.
    for make in [
        (|p: &Path| std::fs::create_dir_all(p).unwrap()) as fn(&Path),
        |p: &Path| std::os::unix::fs::symlink("/nonexistent/dir/zshrc", p).unwrap(),
    ] {
        let home = TempHome::new();
        let zshrc = home.home().join(".zshrc");
        make(&zshrc);
        for args in [
            &["fix", "export-key", "--dry-run"][..],
            &["fix", "export-key", "--yes", "--offline"],
        ] {
            let r = run_args(&home, args, &zsh, Some(&key));
            assert_eq!(r.code, Some(1), "{}", r.all());
            assert!(r.all().contains("~/.zshrc"), "{}", r.all());
            assert!(r.all().contains("Nothing was changed"), "{}", r.all());
        }
        assert!(!home.home().join(".local/state/claude-auth-tui").exists());
    }

    // The backup folder cannot be made (a file is in its way): the apply fails after planning,
    // with a message, and the profile is as it was; undo says why it cannot run.
    let home = TempHome::new();
    let zshrc = home.write(".zshrc", "export PATH=/x\n");
    home.write(".local/state/claude-auth-tui", "in the way");
    let r = run_args(
        &home,
        &["fix", "export-key", "--yes", "--offline"],
        &zsh,
        Some(&key),
    );
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(r.all().contains("The fix was not applied"), "{}", r.all());
    assert_eq!(std::fs::read_to_string(&zshrc).unwrap(), "export PATH=/x\n");
    run_args(&home, &["undo", "--list"], &zsh, None);
    let r = run_args(&home, &["undo", "--yes"], &zsh, None);
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(r.all().contains("Nothing was restored"), "{}", r.all());
}

// ---------------------------------------------------------------------------------------------
// Non-UTF-8 variables.

fn non_utf8(prefix: &str, suffix: &str) -> std::ffi::OsString {
    let mut bytes = prefix.as_bytes().to_vec();
    bytes.extend_from_slice(b"\xff\xfe");
    bytes.extend_from_slice(suffix.as_bytes());
    OsStr::from_bytes(&bytes).to_os_string()
}

#[test]
fn non_utf8_variables_are_survived() {
    let home = TempHome::new();
    home.fake_claude_standard();
    let path = {
        let mut bytes = format!("{}:/usr/bin:/bin:/opt/", home.bin().display()).into_bytes();
        bytes.extend_from_slice(b"\xffbin");
        OsStr::from_bytes(&bytes).to_os_string()
    };
    let shell = non_utf8("/bin/", "zsh");
    let config_dir = non_utf8(&format!("{}/", home.home().display()), "claude");
    let base_url = non_utf8("https://gw.", "example.com/v1");
    let key = non_utf8("sk-ant-api03-", "abcdefghijklmnopqrstuvwxyz0123456789");
    let cases: Vec<(&str, &OsStr)> = vec![
        ("PATH", &path),
        ("SHELL", &shell),
        ("CLAUDE_CONFIG_DIR", &config_dir),
        ("ANTHROPIC_BASE_URL", &base_url),
        ("ANTHROPIC_API_KEY", &key),
    ];
    for case in &cases {
        every_read_only_mode(&home, std::slice::from_ref(case));
    }
    // All at once.
    every_read_only_mode(&home, &cases);
    let doc = check_json(&home, &[("ANTHROPIC_API_KEY", &key)]);
    assert_eq!(doc["primary_cause"]["cause"], "key-malformed", "{doc:#}");
}

/// A folder whose name is not UTF-8 is a real folder: the tool must read it, or say it cannot,
/// and a fix must never write into the lossily decoded name (a different, new folder).
#[test]
fn non_utf8_paths_are_not_misread() {
    let home = TempHome::new();
    home.fake_claude_standard();
    // CLAUDE_CONFIG_DIR: a real folder holding a valid login.
    let config_dir = non_utf8(&format!("{}/cfg", home.home().display()), "");
    let config_path = PathBuf::from(&config_dir);
    std::fs::create_dir_all(&config_path).unwrap();
    std::fs::write(
        config_path.join(".credentials.json"),
        format!(
            r#"{{"claudeAiOauth":{{"accessToken":"{FAKE_OAUTH_TOKEN}","refreshToken":"{FAKE_REFRESH_TOKEN}","expiresAt":4102444800000,"scopes":["user:inference"]}}}}"#
        ),
    )
    .unwrap();
    let doc = check_json(&home, &[("CLAUDE_CONFIG_DIR", &config_dir)]);
    let named = doc.to_string().contains("CLAUDE_CONFIG_DIR");
    assert!(
        doc["effective_auth"]["method"] == "oauth" || named,
        "the login in the non-UTF-8 CLAUDE_CONFIG_DIR was neither read nor the variable named:\n{doc:#}"
    );

    // HOME: a real folder with a non-UTF-8 name.
    let real_home = PathBuf::from(non_utf8(&format!("{}/h", home.root.path().display()), ""));
    std::fs::create_dir_all(&real_home).unwrap();
    let before: Vec<_> = std::fs::read_dir(home.root.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    let r = run_args(
        &home,
        &["fix", "export-key", "--yes", "--offline"],
        &[("HOME", real_home.as_os_str()), ("SHELL", os("/bin/zsh"))],
        Some(&format!("{FAKE_API_KEY}\n")),
    );
    let after: Vec<_> = std::fs::read_dir(home.root.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        before,
        after,
        "a new folder appeared next to HOME:\n{}",
        r.all()
    );
    if r.code == Some(0) {
        assert!(real_home.join(".zshrc").is_file(), "{}", r.all());
    }
}

// ---------------------------------------------------------------------------------------------
// CLAUDE_CONFIG_DIR, credentials and settings that are not files.

#[test]
fn claude_config_dir_is_a_fifo_or_a_file() {
    let home = TempHome::new();
    home.fake_claude_standard();
    let fifo = home.home().join("fifo");
    mkfifo(&fifo);
    let file = home.write("plain-file", "x");
    for (target, shown) in [(&fifo, "~/fifo"), (&file, "~/plain-file")] {
        let vars = [("CLAUDE_CONFIG_DIR", target.as_os_str())];
        every_read_only_mode(&home, &vars);
        let doc = check_json(&home, &vars);
        let text = doc.to_string();
        assert!(text.contains(shown), "{shown} not named:\n{doc:#}");
        assert!(
            text.to_lowercase().contains("not a directory"),
            "no reason given:\n{doc:#}"
        );
        // remove-credentials has nothing it can safely remove there.
        let r = run_args(&home, &["fix", "remove-credentials", "--yes"], &vars, None);
        assert_ne!(r.code, Some(0), "{}", r.all());
    }
    assert!(fifo.exists() && file.is_file());
}

#[test]
fn claude_config_dir_not_a_directory_is_named() {
    let home = TempHome::new();
    let file = home.write("plain-file", "x");
    let doc = check_json(&home, &[("CLAUDE_CONFIG_DIR", file.as_os_str())]);
    assert!(doc.to_string().contains("CLAUDE_CONFIG_DIR"), "{doc:#}");
    assert_ne!(
        doc["primary_cause"]["cause"], "credentials-corrupt",
        "{doc:#}"
    );
}

#[test]
fn credentials_symlink_loop_and_settings_directory() {
    let home = TempHome::new();
    home.fake_claude_standard();
    let claude = home.home().join(".claude");
    std::fs::create_dir_all(&claude).unwrap();
    std::os::unix::fs::symlink(claude.join("loop-b"), claude.join(".credentials.json")).unwrap();
    std::os::unix::fs::symlink(claude.join(".credentials.json"), claude.join("loop-b")).unwrap();
    std::fs::create_dir_all(claude.join("settings.json")).unwrap();
    std::fs::create_dir_all(home.cwd().join(".claude/settings.local.json")).unwrap();
    let vars = [("SHELL", os("/bin/zsh"))];
    every_read_only_mode(&home, &vars);
    let doc = check_json(&home, &vars);
    let oauth = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "oauth")
        .unwrap()
        .to_string();
    assert!(oauth.contains("symbolic links"), "{oauth}");
    let all = doc.to_string();
    assert!(all.contains("directory"), "{doc:#}");
    // Nothing is removed or rewritten through the loop or into the directory.
    for fix in ["remove-credentials", "tighten-permissions", "drop-override"] {
        run_args(&home, &["fix", fix, "--yes"], &vars, None);
    }
    assert!(std::fs::symlink_metadata(claude.join(".credentials.json")).is_ok());
    assert!(claude.join("settings.json").is_dir());
}

// ---------------------------------------------------------------------------------------------
// A 5 MB profile.

fn five_mb_zshrc(home: &TempHome) -> PathBuf {
    let mut text = format!("export ANTHROPIC_API_KEY={FAKE_API_KEY}\n");
    while text.len() < 5 * 1024 * 1024 {
        text.push_str("# a long, long history of aliases and prompts\n");
    }
    home.write(".zshrc", &text)
}

#[test]
fn a_five_megabyte_profile_is_survived() {
    let home = TempHome::new();
    home.fake_claude_standard();
    five_mb_zshrc(&home);
    let vars = [("SHELL", os("/bin/zsh"))];
    every_read_only_mode(&home, &vars);
    let key = format!("{FAKE_OTHER_KEY}\n");
    let r = run_args(
        &home,
        &["fix", "export-key", "--yes", "--offline"],
        &vars,
        Some(&key),
    );
    assert_eq!(r.code, Some(0), "{}", r.all());
}

/// A profile over the 4 MiB read limit still runs in the shell: the check must say it skipped
/// it, not that there is no key in any profile.
#[test]
fn a_five_megabyte_profile_is_mentioned() {
    let home = TempHome::new();
    home.fake_claude_standard();
    five_mb_zshrc(&home);
    let doc = check_json(&home, &[("SHELL", os("/bin/zsh"))]);
    let text = doc.to_string();
    assert!(
        text.contains(".zshrc") && text.contains("too large"),
        "the skipped profile is not mentioned:\n{doc:#}"
    );
}

// ---------------------------------------------------------------------------------------------
// A real-world ~/.claude.json holds floats; editing it must not change them.

/// A float in `~/.claude.json` (the CLI stores costs and durations as JavaScript prints them)
/// must survive an edit that falls back to re-serialising the document (here: approve-key's
/// edit when `customApiKeyResponses` does not exist yet).
#[test]
fn json_edit_fallback_keeps_every_number() {
    use claude_auth_tui::fixes::json_edit::{self, EditMethod, JsonOp};
    let text = "{\"lastCost\": 2.1963605259460954, \"lastDuration\": 1.6330183533338927}\n";
    let ops = [JsonOp::PushString(
        vec!["customApiKeyResponses".into(), "approved".into()],
        "0123456789abcdefghij".into(),
    )];
    let (out, method) = json_edit::edit(text, &ops).unwrap();
    // Inserted as a span edit now: every existing byte stays.
    assert_eq!(method, EditMethod::InPlace);
    assert_eq!(
        out,
        "{\"lastCost\": 2.1963605259460954, \"lastDuration\": 1.6330183533338927, \"customApiKeyResponses\": {\"approved\": [\"0123456789abcdefghij\"]}}\n"
    );
}
