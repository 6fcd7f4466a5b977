//! A throwaway home with real files, explicit variables, a fake `claude` on a temp PATH, and the
//! real binary started with a cleared environment.

use claude_auth_tui::env::{Environment, EnvironmentBuilder};
use std::path::{Path, PathBuf};

use super::secrets::{FAKE_OAUTH_TOKEN, FAKE_REFRESH_TOKEN};

/// A temp dir laid out as `home/`, `home/project` (the working folder), `etc/` (managed
/// settings) and `bin/` (PATH).
pub struct TempHome {
    pub root: tempfile::TempDir,
}

impl TempHome {
    pub fn new() -> Self {
        let root = tempfile::tempdir().expect("tempdir");
        for dir in ["home/project", "etc/claude-code", "bin"] {
            std::fs::create_dir_all(root.path().join(dir)).expect("mkdir");
        }
        Self { root }
    }

    pub fn home(&self) -> PathBuf {
        self.root.path().join("home")
    }

    pub fn cwd(&self) -> PathBuf {
        self.home().join("project")
    }

    pub fn bin(&self) -> PathBuf {
        self.root.path().join("bin")
    }

    pub fn managed(&self) -> PathBuf {
        self.root.path().join("etc/claude-code")
    }

    /// Writes a file relative to the home folder, creating parents.
    pub fn write(&self, rel: &str, content: &str) -> PathBuf {
        let path = self.home().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, content).expect("write");
        path
    }

    /// Writes a file with Unix permissions.
    #[cfg(unix)]
    pub fn write_mode(&self, rel: &str, content: &str, mode: u32) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = self.write(rel, content);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
        path
    }

    /// Writes a valid login credentials file expiring at `expires_at_ms`.
    #[cfg(unix)]
    pub fn write_credentials(&self, expires_at_ms: i64) -> PathBuf {
        self.write_mode(
            ".claude/.credentials.json",
            &format!(
                r#"{{"claudeAiOauth":{{"accessToken":"{FAKE_OAUTH_TOKEN}","refreshToken":"{FAKE_REFRESH_TOKEN}","expiresAt":{expires_at_ms},"scopes":["user:inference","user:profile"],"subscriptionType":"max"}}}}"#
            ),
            0o600,
        )
    }

    /// Installs a fake `claude` on the temp PATH running `body` as a shell script.
    #[cfg(unix)]
    pub fn fake_claude(&self, body: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = self.bin().join("claude");
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        path
    }

    /// A fake `claude` that behaves like 2.1.197 for `--version` and `auth status --json`.
    #[cfg(unix)]
    pub fn fake_claude_standard(&self) -> PathBuf {
        self.fake_claude(
            r#"case "$1 $2" in
  "--version "*) echo "2.1.197 (Claude Code)";;
  "auth status") echo '{"loggedIn": true, "authMethod": "api_key", "apiProvider": "firstParty"}';;
  *) echo "fake claude: $*" >&2; exit 1;;
esac"#,
        )
    }

    /// An environment builder for this home: HOME, cwd, managed dir, PATH = the temp bin only.
    pub fn env(&self) -> EnvironmentBuilder {
        Environment::builder(self.home())
            .cwd(self.cwd())
            .managed_dir(self.managed())
            .var("PATH", &format!("{}:/usr/bin:/bin", self.bin().display()))
    }

    /// The real binary with a cleared environment, this home, this cwd and the temp PATH.
    /// `CLAUDE_AUTH_TUI_MANAGED_DIR` points managed settings into the temp dir.
    pub fn command(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_claude-auth-tui"));
        cmd.env_clear()
            .env("HOME", self.home())
            .env("PATH", format!("{}:/usr/bin:/bin", self.bin().display()))
            .env("CLAUDE_AUTH_TUI_MANAGED_DIR", self.managed())
            // Machine facts (/.dockerenv, /proc) from an empty folder: the host never leaks in.
            .env(
                "CLAUDE_AUTH_TUI_SYSTEM_ROOT",
                self.root.path().join("system-root"),
            )
            .env("LANG", "C.UTF-8")
            .current_dir(self.cwd());
        cmd
    }
}

/// Path helper for assertions.
pub fn display(path: &Path) -> String {
    path.display().to_string()
}

/// Runs `cmd` with `input` on its standard input; returns its output and stdout + stderr as text.
pub fn run_with_input(
    cmd: &mut std::process::Command,
    input: &str,
) -> (std::process::Output, String) {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the binary");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out, text)
}
