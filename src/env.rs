//! The `Environment` snapshot: the only place that reads the process environment.
//!
//! Everything downstream (checks, fixes, the wizard) takes an `Environment` so that tests can
//! build one by hand with a temp home and explicit variables, and never touch the real ones.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// The operating system family, which decides where credentials and managed settings live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Platform {
    Linux,
    MacOs,
    Windows,
    Other,
}

impl Platform {
    /// The platform this binary was built for.
    #[must_use]
    pub fn current() -> Self {
        if cfg!(target_os = "macos") {
            Self::MacOs
        } else if cfg!(target_os = "windows") {
            Self::Windows
        } else if cfg!(target_os = "linux") {
            Self::Linux
        } else {
            Self::Other
        }
    }

    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Linux => "linux",
            Self::MacOs => "macos",
            Self::Windows => "windows",
            Self::Other => "other",
        }
    }
}

/// What the home directory looks like, so a missing or odd HOME gets a clear message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HomeState {
    Ok,
    /// HOME is not set (or empty); `home` is the account's home from the password database, if
    /// any, which is where Claude Code falls back to.
    Unset,
    /// HOME does not exist or is not a directory.
    NotADirectory,
    /// HOME is a relative path: it would mean a different folder in every working folder.
    Relative,
    /// HOME is `/`: no user's home.
    Root,
}

impl HomeState {
    fn of(home: &Path) -> Self {
        use std::path::Component;
        if !home.is_absolute() {
            Self::Relative
        } else if home
            .components()
            .all(|c| matches!(c, Component::RootDir | Component::CurDir))
        {
            Self::Root
        } else if home.is_dir() {
            Self::Ok
        } else {
            Self::NotADirectory
        }
    }
}

/// An immutable picture of the process environment, taken once at start-up.
#[derive(Clone, Debug)]
pub struct Environment {
    vars: BTreeMap<String, String>,
    /// Names of variables whose value was not valid UTF-8 (kept lossily in `vars`).
    non_utf8: BTreeSet<String>,
    /// The exact bytes of non-UTF-8 values, so paths such as HOME are never misread.
    raw: BTreeMap<String, OsString>,
    home: PathBuf,
    home_state: HomeState,
    cwd: PathBuf,
    platform: Platform,
    now_ms: i64,
    /// Where `/etc/claude-code` (or the platform's managed-settings folder) is looked up; tests
    /// point it into a temp dir.
    managed_dir: PathBuf,
    /// The file-system root where machine facts are looked up (`/.dockerenv`, `/proc`); tests
    /// point it into a temp dir.
    system_root: PathBuf,
}

impl Environment {
    /// Captures the real process environment. Call once, in `main`.
    #[must_use]
    pub fn capture() -> Self {
        let mut vars = BTreeMap::new();
        let mut non_utf8 = BTreeSet::new();
        let mut raw_values = BTreeMap::new();
        for (key, value) in std::env::vars_os() {
            let key = os_lossy(key);
            match value.into_string() {
                Ok(v) => {
                    vars.insert(key, v);
                }
                Err(raw) => {
                    vars.insert(key.clone(), raw.to_string_lossy().into_owned());
                    non_utf8.insert(key.clone());
                    raw_values.insert(key, raw);
                }
            }
        }
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let platform = Platform::current();
        let fallback_home = dirs::home_dir();
        // An override for tests and for admins checking a staged policy folder.
        let managed_dir = vars
            .get("CLAUDE_AUTH_TUI_MANAGED_DIR")
            .filter(|d| !d.is_empty())
            .map_or_else(|| default_managed_dir(platform), PathBuf::from);
        let system_root = vars
            .get("CLAUDE_AUTH_TUI_SYSTEM_ROOT")
            .filter(|d| !d.is_empty())
            .map_or_else(|| PathBuf::from("/"), PathBuf::from);
        let mut env = Self::assemble(
            vars,
            non_utf8,
            raw_values,
            fallback_home,
            cwd,
            platform,
            now_ms(),
            managed_dir,
        );
        env.system_root = system_root;
        env.raw.retain(|k, _| env.non_utf8.contains(k));
        env
    }

    /// Starts a hand-built environment (tests, `--demo`): nothing is read from the process.
    #[must_use]
    pub fn builder(home: impl Into<PathBuf>) -> EnvironmentBuilder {
        let home = home.into();
        EnvironmentBuilder {
            vars: BTreeMap::new(),
            non_utf8: BTreeSet::new(),
            cwd: home.clone(),
            managed_dir: home.join("etc/claude-code"),
            system_root: home.join("system-root"),
            home: Some(home),
            platform: Platform::current(),
            now_ms: now_ms(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn assemble(
        mut vars: BTreeMap<String, String>,
        non_utf8: BTreeSet<String>,
        raw: BTreeMap<String, OsString>,
        fallback_home: Option<PathBuf>,
        cwd: PathBuf,
        platform: Platform,
        now_ms: i64,
        managed_dir: PathBuf,
    ) -> Self {
        let from_var = raw.get("HOME").map(PathBuf::from).or_else(|| {
            vars.get("HOME")
                .filter(|h| !h.is_empty())
                .map(PathBuf::from)
        });
        let (home, home_state) = match (from_var, fallback_home) {
            (Some(h), _) => {
                let state = HomeState::of(&h);
                (h, state)
            }
            // Read-only modes look where Claude Code falls back to; fixes refuse (HomeState).
            (None, Some(h)) => (h, HomeState::Unset),
            (None, None) => (PathBuf::from("/nonexistent-home"), HomeState::Unset),
        };
        vars.retain(|k, _| !k.is_empty());
        Self {
            vars,
            non_utf8,
            raw,
            home,
            home_state,
            cwd,
            platform,
            now_ms,
            managed_dir,
            system_root: PathBuf::from("/"),
        }
    }

    /// A variable's value; an empty value counts as unset, as it does for the CLI.
    #[must_use]
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A copy with one variable set: what a new terminal would see after a fix saved it to the
    /// profile. The wizard labels such a view; the real process environment is unchanged.
    #[must_use]
    pub fn with_var(&self, name: &str, value: &str) -> Self {
        let mut copy = self.clone();
        copy.vars.insert(name.to_string(), value.to_string());
        copy.non_utf8.remove(name);
        copy.raw.remove(name);
        copy
    }

    /// A copy with another working folder (to start a program away from an untrusted folder).
    #[must_use]
    pub fn with_cwd(&self, cwd: &Path) -> Self {
        let mut copy = self.clone();
        copy.cwd = cwd.to_path_buf();
        copy
    }

    /// A copy without one variable (after a fix commented out its profile line).
    #[must_use]
    pub fn without_var(&self, name: &str) -> Self {
        let mut copy = self.clone();
        copy.vars.remove(name);
        copy.non_utf8.remove(name);
        copy.raw.remove(name);
        copy
    }

    /// A variable's raw value, empty or not.
    #[must_use]
    pub fn raw_var(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// True for the CLI's truthy values: 1, true, yes, on (any case).
    #[must_use]
    pub fn truthy(&self, name: &str) -> bool {
        self.var(name).is_some_and(is_truthy)
    }

    /// Whether the variable's value was not valid UTF-8.
    #[must_use]
    pub fn is_non_utf8(&self, name: &str) -> bool {
        self.non_utf8.contains(name)
    }

    /// All variables, for passing to child processes.
    pub fn vars(&self) -> impl Iterator<Item = (&str, &str)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    #[must_use]
    pub fn home(&self) -> &Path {
        &self.home
    }

    #[must_use]
    pub fn home_state(&self) -> &HomeState {
        &self.home_state
    }

    #[must_use]
    pub fn cwd(&self) -> &Path {
        &self.cwd
    }

    #[must_use]
    pub fn platform(&self) -> Platform {
        self.platform
    }

    /// "Now" in epoch milliseconds, fixed at capture time so one run sees one clock.
    #[must_use]
    pub fn now_ms(&self) -> i64 {
        self.now_ms
    }

    /// The folder holding managed (enterprise) settings.
    #[must_use]
    pub fn managed_dir(&self) -> &Path {
        &self.managed_dir
    }

    /// Where machine facts (`/.dockerenv`, `/proc`) are looked up: `/` in real runs.
    #[must_use]
    pub fn system_root(&self) -> &Path {
        &self.system_root
    }

    /// The PATH entries, in order.
    #[must_use]
    pub fn path_dirs(&self) -> Vec<PathBuf> {
        self.var("PATH")
            .map(|p| std::env::split_paths(p).collect())
            .unwrap_or_default()
    }

    /// The CLI's config dir: `$CLAUDE_CONFIG_DIR`, else `~/.claude`.
    #[must_use]
    pub fn claude_config_dir(&self) -> PathBuf {
        match self.path_var("CLAUDE_CONFIG_DIR") {
            Some(dir) => dir,
            None => self.home.join(".claude"),
        }
    }

    /// A variable holding a path: its exact bytes when not UTF-8, `~/` expanded otherwise.
    #[must_use]
    pub fn path_var(&self, name: &str) -> Option<PathBuf> {
        if let Some(raw) = self.raw.get(name) {
            return Some(PathBuf::from(raw));
        }
        self.var(name).map(|v| self.expand_home(v))
    }

    /// The CLI's global state file: `$CLAUDE_CONFIG_DIR/.claude.json`, else `~/.claude.json`.
    #[must_use]
    pub fn global_config_path(&self) -> PathBuf {
        match self.path_var("CLAUDE_CONFIG_DIR") {
            Some(dir) => dir.join(".claude.json"),
            None => self.home.join(".claude.json"),
        }
    }

    /// The credentials file the CLI reads (leading dot).
    #[must_use]
    pub fn credentials_path(&self) -> PathBuf {
        self.claude_config_dir().join(".credentials.json")
    }

    /// The file the troubleshooting article names, which the CLI ignores.
    #[must_use]
    pub fn misplaced_credentials_path(&self) -> PathBuf {
        self.claude_config_dir().join("credentials.json")
    }

    /// Our own folder for backups, the undo journal and reports: [`crate::state::state_dir`].
    #[must_use]
    pub fn tool_dir(&self) -> PathBuf {
        crate::state::state_dir(self)
    }

    /// The user's login shell name (`zsh`, `bash`, `fish`, …) from `$SHELL`.
    #[must_use]
    pub fn shell_name(&self) -> Option<String> {
        self.var("SHELL").and_then(|s| {
            Path::new(s)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
    }

    /// `~/x` → `$HOME/x`; anything else unchanged.
    #[must_use]
    pub fn expand_home(&self, path: &str) -> PathBuf {
        if path == "~" {
            self.home.clone()
        } else if let Some(rest) = path.strip_prefix("~/") {
            self.home.join(rest)
        } else {
            PathBuf::from(path)
        }
    }

    /// Shows a path with the home folder as `~`, for messages and reports.
    #[must_use]
    pub fn display_path(&self, path: &Path) -> String {
        match path.strip_prefix(&self.home) {
            Ok(rest) if rest.as_os_str().is_empty() => "~".to_string(),
            Ok(rest) => format!("~/{}", rest.display()),
            Err(_) => path.display().to_string(),
        }
    }
}

/// Builds an `Environment` by hand.
#[derive(Debug)]
pub struct EnvironmentBuilder {
    vars: BTreeMap<String, String>,
    non_utf8: BTreeSet<String>,
    home: Option<PathBuf>,
    cwd: PathBuf,
    platform: Platform,
    now_ms: i64,
    managed_dir: PathBuf,
    system_root: PathBuf,
}

impl EnvironmentBuilder {
    #[must_use]
    pub fn var(mut self, name: &str, value: &str) -> Self {
        self.vars.insert(name.to_string(), value.to_string());
        self
    }

    /// Marks a variable as having had a non-UTF-8 value.
    #[must_use]
    pub fn non_utf8_var(mut self, name: &str, lossy: &str) -> Self {
        self.vars.insert(name.to_string(), lossy.to_string());
        self.non_utf8.insert(name.to_string());
        self
    }

    #[must_use]
    pub fn cwd(mut self, cwd: impl Into<PathBuf>) -> Self {
        self.cwd = cwd.into();
        self
    }

    #[must_use]
    pub fn platform(mut self, platform: Platform) -> Self {
        self.platform = platform;
        self
    }

    #[must_use]
    pub fn now_ms(mut self, now_ms: i64) -> Self {
        self.now_ms = now_ms;
        self
    }

    #[must_use]
    pub fn managed_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.managed_dir = dir.into();
        self
    }

    /// Where `/.dockerenv`, `/proc` and such are looked up (a temp dir in tests; by default a
    /// folder under the home that does not exist, so the host machine never leaks in).
    #[must_use]
    pub fn system_root(mut self, dir: impl Into<PathBuf>) -> Self {
        self.system_root = dir.into();
        self
    }

    /// Simulates an unset HOME.
    #[must_use]
    pub fn without_home(mut self) -> Self {
        self.home = None;
        self
    }

    #[must_use]
    pub fn build(mut self) -> Environment {
        if let Some(home) = &self.home {
            self.vars
                .entry("HOME".to_string())
                .or_insert_with(|| home.display().to_string());
        } else {
            self.vars.remove("HOME");
        }
        let mut env = Environment::assemble(
            self.vars,
            self.non_utf8,
            BTreeMap::new(),
            None,
            self.cwd,
            self.platform,
            self.now_ms,
            self.managed_dir,
        );
        env.system_root = self.system_root;
        env
    }
}

/// True for `1`, `true`, `yes`, `on`, case-insensitively.
#[must_use]
pub fn is_truthy(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "1" | "true" | "yes" | "on"
    )
}

fn os_lossy(s: OsString) -> String {
    s.into_string()
        .unwrap_or_else(|raw| raw.to_string_lossy().into_owned())
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn default_managed_dir(platform: Platform) -> PathBuf {
    match platform {
        Platform::MacOs => PathBuf::from("/Library/Application Support/ClaudeCode"),
        Platform::Windows => PathBuf::from(r"C:\Program Files\ClaudeCode"),
        Platform::Linux | Platform::Other => PathBuf::from("/etc/claude-code"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_dir_follows_claude_config_dir() {
        let tmp = tempfile::tempdir().unwrap();
        let env = Environment::builder(tmp.path())
            .var("CLAUDE_CONFIG_DIR", "~/work-claude")
            .build();
        assert_eq!(env.claude_config_dir(), tmp.path().join("work-claude"));
        assert_eq!(
            env.credentials_path(),
            tmp.path().join("work-claude/.credentials.json")
        );
        assert_eq!(
            env.global_config_path(),
            tmp.path().join("work-claude/.claude.json")
        );
    }

    #[test]
    fn default_paths_and_display() {
        let tmp = tempfile::tempdir().unwrap();
        let env = Environment::builder(tmp.path()).build();
        assert_eq!(env.global_config_path(), tmp.path().join(".claude.json"));
        assert_eq!(
            env.display_path(&env.credentials_path()),
            "~/.claude/.credentials.json"
        );
        assert_eq!(env.home_state(), &HomeState::Ok);
    }

    #[test]
    fn empty_values_count_as_unset_and_truthy_matches_cli() {
        let tmp = tempfile::tempdir().unwrap();
        let env = Environment::builder(tmp.path())
            .var("ANTHROPIC_API_KEY", "")
            .var("CLAUDE_CODE_USE_BEDROCK", "Yes")
            .build();
        assert_eq!(env.var("ANTHROPIC_API_KEY"), None);
        assert_eq!(env.raw_var("ANTHROPIC_API_KEY"), Some(""));
        assert!(env.truthy("CLAUDE_CODE_USE_BEDROCK"));
    }

    #[test]
    fn missing_home_is_reported() {
        let env = Environment::builder("/tmp").without_home().build();
        assert_eq!(env.home_state(), &HomeState::Unset);
        let file = tempfile::NamedTempFile::new().unwrap();
        let env = Environment::builder(file.path()).build();
        assert_eq!(env.home_state(), &HomeState::NotADirectory);
        let env = Environment::builder("/").build();
        assert_eq!(env.home_state(), &HomeState::Root);
        let env = Environment::builder("home/u").build();
        assert_eq!(env.home_state(), &HomeState::Relative);
    }
}
