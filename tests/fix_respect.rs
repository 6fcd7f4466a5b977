//! Fixes respect the file and the home they write into: read-only and foreign-owned profiles
//! are refused, hard links keep working, a symlinked credentials file comes back as a link, and
//! nothing is written when HOME is not a real home folder.
#![allow(clippy::unwrap_used)] // tests: a panic is a failed test

mod support;

use claude_auth_tui::env::Environment;
use claude_auth_tui::fixes::{self, FixError, FixInput};
use claude_auth_tui::ids::FixId;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::{Command, Stdio};
use support::fix_cycle::{mode, with_key, zsh};
use support::*;

fn export_key(env: &Environment) -> Result<fixes::UndoEntry, FixError> {
    let plan = fixes::plan(FixId::ExportKey, env, &with_key(FAKE_API_KEY))?;
    fixes::apply(&plan, env)
}

#[test]
fn a_read_only_profile_is_refused_and_left_alone() {
    let h = TempHome::new();
    let original = "export PATH=/x\n";
    let zshrc = h.write_mode(".zshrc", original, 0o444);
    let env = zsh(&h);
    let err = export_key(&env).unwrap_err();
    let FixError::Refused(why) = &err else {
        panic!("not refused: {err:?}");
    };
    assert!(why.contains("~/.zshrc is read-only (0444)"), "{why}");
    assert!(why.contains("Nothing was changed"), "{why}");
    assert_eq!(fs::read_to_string(&zshrc).unwrap(), original);
    assert_eq!(mode(&zshrc), 0o444);
    assert!(fixes::list_undo(&env).is_empty());
}

#[test]
fn a_profile_owned_by_someone_else_is_refused() {
    let h = TempHome::new();
    let original = "export PATH=/x\n";
    if !rustix::process::geteuid().is_root() {
        // Without root no file can be given away; a profile that is a link to a system file
        // (the check follows the link) belongs to another user all the same.
        let me = rustix::process::geteuid().as_raw();
        let foreign = ["/etc/hosts", "/etc/passwd"].into_iter().find(|p| {
            fs::metadata(p).is_ok_and(|m| m.is_file() && m.uid() != me) && fs::read(p).is_ok()
        });
        let Some(foreign) = foreign else {
            skipped(
                "giving a file to another user needs root, and no readable system file belongs to another user",
            );
            return;
        };
        let owner = fs::metadata(foreign).unwrap().uid();
        let before = fs::read(foreign).unwrap();
        std::os::unix::fs::symlink(foreign, h.home().join(".zshrc")).unwrap();
        let err = export_key(&zsh(&h)).unwrap_err();
        let FixError::Refused(why) = &err else {
            panic!("not refused: {err:?}");
        };
        assert!(
            why.contains(&format!("belongs to another user (uid {owner})")),
            "{why}"
        );
        assert_eq!(fs::read(foreign).unwrap(), before);
        skipped(
            "giving the profile to another user needs root (ran the variant with a link to a system file instead)",
        );
        return;
    }
    let zshrc = h.write_mode(".zshrc", original, 0o644);
    std::os::unix::fs::chown(&zshrc, Some(54_321), Some(54_321)).unwrap();
    let err = export_key(&zsh(&h)).unwrap_err();
    let FixError::Refused(why) = &err else {
        panic!("not refused: {err:?}");
    };
    assert!(why.contains("belongs to another user (uid 54321)"), "{why}");
    let meta = fs::metadata(&zshrc).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (54_321, 54_321));
    assert_eq!(fs::read_to_string(&zshrc).unwrap(), original);
}

#[test]
fn a_hard_linked_profile_keeps_its_link_through_fix_and_undo() {
    let h = TempHome::new();
    let original = "export PATH=/x\n";
    let dotfiles = h.write_mode("dotfiles/zshrc", original, 0o640);
    let zshrc = h.home().join(".zshrc");
    fs::hard_link(&dotfiles, &zshrc).unwrap();
    let inode = fs::metadata(&zshrc).unwrap().ino();
    let env = zsh(&h);

    export_key(&env).unwrap();
    let after = fs::read_to_string(&dotfiles).unwrap();
    assert!(
        after.contains("ANTHROPIC_API_KEY"),
        "the dotfiles copy went stale"
    );
    assert_eq!(fs::read_to_string(&zshrc).unwrap(), after);
    let meta = fs::metadata(&zshrc).unwrap();
    assert_eq!((meta.ino(), meta.nlink()), (inode, 2));
    assert_eq!(mode(&zshrc), 0o640);

    fixes::undo_last(&env).unwrap();
    assert_eq!(fs::read_to_string(&dotfiles).unwrap(), original);
    assert_eq!(fs::metadata(&zshrc).unwrap().ino(), inode);
    assert_eq!(fs::metadata(&zshrc).unwrap().nlink(), 2);
}

fn symlinked_expired_credentials(h: &TempHome) -> (std::path::PathBuf, std::path::PathBuf) {
    let target = h.write_mode(
        "dotfiles/claude-credentials.json",
        &format!(
            r#"{{"claudeAiOauth":{{"accessToken":"{FAKE_OAUTH_TOKEN}","refreshToken":"{FAKE_REFRESH_TOKEN}","expiresAt":1000,"scopes":["user:inference"]}}}}"#
        ),
        0o600,
    );
    let link = h.home().join(".claude/.credentials.json");
    fs::create_dir_all(link.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink("../dotfiles/claude-credentials.json", &link).unwrap();
    (target, link)
}

#[test]
fn undo_of_remove_credentials_puts_a_symlink_back_as_a_symlink() {
    let h = TempHome::new();
    let (target, link) = symlinked_expired_credentials(&h);
    let original = fs::read(&target).unwrap();
    let env = zsh(&h);
    let plan = fixes::plan(FixId::RemoveCredentials, &env, &FixInput::default()).unwrap();
    fixes::apply(&plan, &env).unwrap();
    assert!(
        fs::symlink_metadata(&link).is_err(),
        "the link was not removed"
    );

    fixes::undo_last(&env).unwrap();
    let meta = fs::symlink_metadata(&link).unwrap();
    assert!(meta.file_type().is_symlink(), "undo left a regular file");
    assert_eq!(
        fs::read_link(&link).unwrap(),
        Path::new("../dotfiles/claude-credentials.json")
    );
    assert_eq!(fs::read(&target).unwrap(), original);

    // The link's target gone too by the time of the undo: the link comes back and the
    // original bytes are written where it points.
    let h = TempHome::new();
    let (target, link) = symlinked_expired_credentials(&h);
    let env = zsh(&h);
    let plan = fixes::plan(FixId::RemoveCredentials, &env, &FixInput::default()).unwrap();
    fixes::apply(&plan, &env).unwrap();
    fs::remove_file(&target).unwrap();
    fixes::undo_last(&env).unwrap();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read(&target).unwrap(), original);
    assert_eq!(mode(&target), 0o600);
}

// ---------- HOME must be a real home ----------

#[test]
fn fixes_and_undo_refuse_an_unusable_home_in_process() {
    let h = TempHome::new();
    let file = h.write("home-is-a-file", "x");
    let cases: Vec<(&str, Environment)> = vec![
        (
            "unset",
            h.env().without_home().var("SHELL", "/bin/zsh").build(),
        ),
        (
            "root",
            Environment::builder("/").var("SHELL", "/bin/zsh").build(),
        ),
        (
            "relative",
            Environment::builder("relative/home")
                .cwd(h.cwd())
                .var("SHELL", "/bin/zsh")
                .build(),
        ),
        (
            "missing",
            Environment::builder(h.root.path().join("no-such-home"))
                .var("SHELL", "/bin/zsh")
                .build(),
        ),
        (
            "a file",
            Environment::builder(&file).var("SHELL", "/bin/zsh").build(),
        ),
    ];
    for (what, env) in cases {
        for fix in [
            FixId::ExportKey,
            FixId::RemoveCredentials,
            FixId::ApproveKey,
        ] {
            let err = fixes::plan(fix, &env, &with_key(FAKE_API_KEY)).unwrap_err();
            let FixError::Refused(why) = &err else {
                panic!("{what}: {fix} not refused: {err:?}");
            };
            assert!(why.contains("HOME"), "{what}: {why}");
            assert!(why.contains("Nothing was changed"), "{what}: {why}");
        }
        let err = fixes::undo_last(&env).unwrap_err();
        assert!(matches!(err, FixError::Refused(_)), "{what}: {err:?}");
        // A plan made while HOME was fine is not applied into a bad one either.
        let plan = fixes::plan(FixId::ExportKey, &zsh(&h), &with_key(FAKE_API_KEY)).unwrap();
        assert!(
            matches!(fixes::apply(&plan, &env), Err(FixError::Refused(_))),
            "{what}"
        );
    }
    assert!(!h.root.path().join("no-such-home").exists());
    assert!(!h.cwd().join("relative").exists());
}

/// The binary with HOME unset, `/`, relative or missing, run only inside a private mount
/// namespace with a tmpfs over the account's home (where an unset HOME would lead), so a broken
/// build can never write into a real home. `/` is only tried with `--dry-run`.
#[test]
fn the_binary_refuses_an_unusable_home_inside_a_private_mount_namespace() {
    let probe = Command::new("unshare")
        .args(["--mount", "--propagation", "private", "true"])
        .stderr(Stdio::null())
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        skipped("`unshare --mount` is not available here (needs root or user namespaces)");
        return;
    }
    let h = TempHome::new();
    let key_file = h.root.path().join("key");
    fs::write(&key_file, format!("{FAKE_API_KEY}\n")).unwrap();
    let bin = env!("CARGO_BIN_EXE_claude-auth-tui");
    let missing = h.root.path().join("no-such-home");
    let cases: [(&str, Option<String>, &str); 4] = [
        ("unset", None, "--yes"),
        ("relative", Some("relative/home".into()), "--yes"),
        ("missing", Some(missing.display().to_string()), "--yes"),
        ("root", Some("/".into()), "--dry-run"),
    ];
    for (what, home, mode_flag) in cases {
        let home_assignment = home.map_or_else(String::new, |v| format!("HOME='{v}'"));
        let script = format!(
            r#"set -u
account_home=$(getent passwd "$(id -u)" | cut -d: -f6)
[ -d "$account_home" ] || exit 90
mount -t tmpfs tmpfs "$account_home" || exit 91
cd '{cwd}'
env -i PATH=/usr/bin:/bin SHELL=/bin/zsh CLAUDE_AUTH_TUI_MANAGED_DIR='{managed}' {home_assignment} \
  '{bin}' fix export-key {mode_flag} --offline < '{key}'
echo "exit=$?"
env -i PATH=/usr/bin:/bin CLAUDE_AUTH_TUI_MANAGED_DIR='{managed}' {home_assignment} \
  '{bin}' check --json --offline | grep -o '"cause": *"home-missing"' | head -1
echo "files-in-account-home=$(ls -A "$account_home" | wc -l)"
"#,
            cwd = h.cwd().display(),
            managed = h.managed().display(),
            key = key_file.display(),
        );
        let out = Command::new("unshare")
            .args(["--mount", "--propagation", "private", "sh", "-c", &script])
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_no_leak(&text);
        if matches!(out.status.code(), Some(90 | 91)) {
            skipped(&format!(
                "cannot put a tmpfs over the account's home here: {text}"
            ));
            return;
        }
        assert!(text.contains("exit=1"), "{what}: {text}");
        assert!(text.contains("Not done: HOME"), "{what}: {text}");
        assert!(
            text.contains("home-missing"),
            "{what}: check does not say so: {text}"
        );
        assert!(
            text.contains("files-in-account-home=0"),
            "{what}: wrote a home: {text}"
        );
    }
    assert!(!missing.exists(), "the missing home was created");
    assert!(
        !h.cwd().join("relative").exists(),
        "a relative home was written"
    );
}

#[test]
fn the_check_names_a_relative_or_root_home() {
    use claude_auth_tui::checks::shell_env::home_problem;
    let h = TempHome::new();
    let relative = Environment::builder("relative/home").cwd(h.cwd()).build();
    assert!(home_problem(&relative).unwrap().contains("relative path"));
    let root = Environment::builder("/").build();
    assert!(home_problem(&root).unwrap().contains("HOME is /"));
    assert_eq!(home_problem(&zsh(&h)), None);
}
