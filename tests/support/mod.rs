//! Shared test fixtures: a throwaway home with real files, explicit variables, a fake `claude`
//! on a temp PATH, and the real binary started with a cleared environment.
#![allow(dead_code)]

use claude_auth_tui::env::{Environment, EnvironmentBuilder};
use std::path::{Path, PathBuf};

/// Fake secrets used by tests. None of them may ever appear unmasked in any output.
pub const FAKE_API_KEY: &str = "sk-ant-api03-FAKEtestKEYdoNOTuse0000000000000000000000000000000000000000000000000000000000000000-AbCd";
pub const FAKE_OTHER_KEY: &str = "sk-ant-api03-OTHERfakeKEY1111111111111111111111111111111111111111111111111111111111111111111-WxYz";
pub const FAKE_OAUTH_TOKEN: &str =
    "sk-ant-oat01-FAKEoauthTOKEN22222222222222222222222222222222222222222222222222222222222-Oa01";
pub const FAKE_REFRESH_TOKEN: &str =
    "sk-ant-ort01-FAKErefreshTOKEN333333333333333333333333333333333333333333333333333333-Rf02";
pub const FAKE_AUTH_TOKEN: &str = "gw-FAKEgatewayTOKEN4444444444444444-Gt03";

/// Every fake secret, for leak assertions.
pub const ALL_FAKE_SECRETS: &[&str] = &[
    FAKE_API_KEY,
    FAKE_OTHER_KEY,
    FAKE_OAUTH_TOKEN,
    FAKE_REFRESH_TOKEN,
    FAKE_AUTH_TOKEN,
];

/// Shortest run of a secret's characters that counts as a leak (`secret::FRAGMENT_MIN`).
pub const FRAGMENT_MIN: usize = 12;

/// Prefixes a masked value shows, longest first (as `secret::mask` keeps them).
const PUBLIC_PREFIXES: &[&str] = &[
    "sk-ant-admin01-",
    "sk-ant-api03-",
    "sk-ant-oat01-",
    "sk-ant-ort01-",
    "sk-ant-sid01-",
    "sk-ant-",
];

/// Every run of [`FRAGMENT_MIN`] characters of `secrets` found in `text` (but those wholly
/// inside the prefix a masked form shows), each once. One pass over `text`, so it stays cheap
/// on big outputs.
pub fn fragment_leaks<S: AsRef<str>>(text: &str, secrets: &[S]) -> Vec<String> {
    let mut windows: std::collections::HashSet<Vec<char>> = std::collections::HashSet::new();
    for secret in secrets {
        let secret = secret.as_ref();
        let chars: Vec<char> = secret.chars().collect();
        let public = PUBLIC_PREFIXES
            .iter()
            .find(|p| secret.starts_with(**p))
            .map_or(0, |p| p.len());
        if chars.len() < FRAGMENT_MIN {
            continue;
        }
        for start in 0..=chars.len() - FRAGMENT_MIN {
            if start + FRAGMENT_MIN > public {
                windows.insert(chars[start..start + FRAGMENT_MIN].to_vec());
            }
        }
    }
    let chars: Vec<char> = text.chars().collect();
    let mut found: Vec<String> = Vec::new();
    for start in 0..chars.len().saturating_sub(FRAGMENT_MIN - 1) {
        let window = &chars[start..start + FRAGMENT_MIN];
        if windows.contains(window) {
            let piece: String = window.iter().collect();
            if !found.contains(&piece) {
                found.push(piece);
            }
        }
    }
    found
}

/// Asserts no fake secret appears in `text`, whole or as any run of [`FRAGMENT_MIN`] or more
/// of its consecutive characters (only the prefix of its masked form, `sk-ant-api03-`, may).
pub fn assert_no_leak(text: &str) {
    for secret in ALL_FAKE_SECRETS {
        assert!(!text.contains(secret), "secret leaked whole in:\n{text}");
    }
    let found = fragment_leaks(text, ALL_FAKE_SECRETS);
    assert!(
        found.is_empty(),
        "secret fragments {found:?} leaked in:\n{text}"
    );
}

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
