//! Shell profiles: which files each shell reads, and every line that sets a credential variable,
//! so a key can be traced to `file:line` (or found missing from this shell).

use super::shell_syntax::{self, Place};
use crate::env::Environment;
use crate::files::{self, FileRead};
use std::path::{Path, PathBuf};

/// The shells whose profiles we read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShellKind {
    Bash,
    Zsh,
    Fish,
    /// POSIX sh / dash / ksh: `~/.profile` only.
    Sh,
}

impl ShellKind {
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "bash" => Some(Self::Bash),
            "zsh" => Some(Self::Zsh),
            "fish" => Some(Self::Fish),
            "sh" | "dash" | "ksh" | "mksh" => Some(Self::Sh),
            _ => None,
        }
    }

    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Bash => "bash",
            Self::Zsh => "zsh",
            Self::Fish => "fish",
            Self::Sh => "sh",
        }
    }
}

/// Variables we trace through profiles.
pub const TRACKED_VARS: &[&str] = &[
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_AUTH_TOKEN",
    "CLAUDE_CODE_OAUTH_TOKEN",
    "ANTHROPIC_BASE_URL",
];

/// One line in a profile that sets a tracked variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    pub path: PathBuf,
    /// 1-based.
    pub line: usize,
    pub var: String,
    /// The value as the shell would see it (quotes removed), when it can be known statically.
    pub value: String,
    /// The value exactly as written after `=`.
    pub raw_value: String,
    pub exported: bool,
    /// The line is commented out (`# export …`).
    pub commented: bool,
    /// The value is computed at run time (`$(…)`, backticks, `$VAR`): we cannot know it.
    pub dynamic: bool,
    pub shell: ShellKind,
    /// Whether the user's current shell reads this file.
    pub read_by_login_shell: bool,
    /// Where the line stands (top level, inside a function, an `if`…).
    pub place: Place,
    /// The line runs whenever the profile runs (not in a function, an `if`, a subshell…).
    pub at_startup: bool,
    /// A later top-level line of the same file that unsets the variable again (1-based).
    pub unset_later: Option<usize>,
}

impl Assignment {
    /// Whether the shell ends up with this value when the profile runs: the line runs at
    /// start-up and nothing later in the file unsets it.
    #[must_use]
    pub fn takes_effect(&self) -> bool {
        self.at_startup && self.unset_later.is_none()
    }

    /// Why the line does not take effect, in plain words; `None` when it does.
    #[must_use]
    pub fn why_not_in_effect(&self) -> Option<String> {
        if self.at_startup {
            self.unset_later
                .map(|line| format!("is unset again at line {line}"))
        } else {
            Some(format!("is {}", self.place.describe()))
        }
    }
}

/// A profile file and the shell that reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    pub path: PathBuf,
    pub shell: ShellKind,
    pub read_by_login_shell: bool,
    pub exists: bool,
}

/// Every candidate profile, with whether `$SHELL` reads it.
#[must_use]
pub fn candidate_profiles(env: &Environment) -> Vec<Profile> {
    let home = env.home();
    let login = env.shell_name().as_deref().and_then(ShellKind::from_name);
    let zdot = env
        .var("ZDOTDIR")
        .map_or_else(|| home.to_path_buf(), PathBuf::from);
    let fish_dir = env
        .var("XDG_CONFIG_HOME")
        .map_or_else(|| home.join(".config"), PathBuf::from)
        .join("fish");

    let mut list: Vec<(PathBuf, ShellKind)> = vec![
        (zdot.join(".zshenv"), ShellKind::Zsh),
        (zdot.join(".zprofile"), ShellKind::Zsh),
        (zdot.join(".zshrc"), ShellKind::Zsh),
        (zdot.join(".zlogin"), ShellKind::Zsh),
        (home.join(".bashrc"), ShellKind::Bash),
        (home.join(".bash_profile"), ShellKind::Bash),
        (home.join(".bash_login"), ShellKind::Bash),
        (home.join(".profile"), ShellKind::Sh),
        (fish_dir.join("config.fish"), ShellKind::Fish),
    ];
    if let Ok(entries) = std::fs::read_dir(fish_dir.join("conf.d")) {
        let mut extra: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "fish"))
            .collect();
        extra.sort();
        list.extend(extra.into_iter().take(64).map(|p| (p, ShellKind::Fish)));
    }

    let bash_login_file = [".bash_profile", ".bash_login", ".profile"]
        .iter()
        .map(|n| home.join(n))
        .find(|p| p.is_file());
    list.into_iter()
        .map(|(path, shell)| {
            let read = match login {
                Some(ShellKind::Zsh) => shell == ShellKind::Zsh,
                Some(ShellKind::Bash) => {
                    // Interactive bash reads .bashrc; a login bash reads the first of
                    // .bash_profile, .bash_login, .profile.
                    path.ends_with(".bashrc") || bash_login_file.as_deref() == Some(path.as_path())
                }
                Some(ShellKind::Fish) => shell == ShellKind::Fish,
                Some(ShellKind::Sh) => shell == ShellKind::Sh,
                None => false,
            };
            Profile {
                exists: path.is_file(),
                path,
                shell,
                read_by_login_shell: read,
            }
        })
        .collect()
}

/// Profiles that exist but could not be read (too large, unreadable), with why: the shell still
/// runs them, so a key in them is invisible to the scan and must be said so.
#[must_use]
pub fn unreadable_profiles(env: &Environment) -> Vec<(PathBuf, String)> {
    candidate_profiles(env)
        .into_iter()
        .filter(|p| p.exists)
        .filter_map(|p| match files::read_text(&p.path) {
            FileRead::Problem(why) => Some((p.path, why)),
            _ => None,
        })
        .collect()
}

/// Scans every existing profile (and files they `source` from the home folder) for tracked
/// variables.
#[must_use]
pub fn scan_all(env: &Environment) -> Vec<Assignment> {
    let mut out = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    for profile in candidate_profiles(env).into_iter().filter(|p| p.exists) {
        scan_file(
            env,
            &profile.path,
            profile.shell,
            profile.read_by_login_shell,
            0,
            &mut seen,
            &mut out,
        );
    }
    out
}

fn scan_file(
    env: &Environment,
    path: &Path,
    shell: ShellKind,
    read: bool,
    depth: usize,
    seen: &mut Vec<PathBuf>,
    out: &mut Vec<Assignment>,
) {
    if depth > 2 || seen.iter().any(|p| p == path) {
        return;
    }
    seen.push(path.to_path_buf());
    let FileRead::Text(file) = files::read_text(path) else {
        return;
    };
    // Split on \n only: `lines()` would hide the \r of a CRLF profile, which the shell keeps.
    let infos = shell_syntax::classify(&file.text, shell);
    let first_new = out.len();
    let mut exported_later: Vec<String> = Vec::new();
    let mut unsets: Vec<(usize, Vec<String>)> = Vec::new();
    for ((index, line), info) in file.text.split('\n').enumerate().zip(&infos) {
        // Heredoc text and the inside of multi-line strings are data, not assignments.
        if !info.place.is_code() {
            continue;
        }
        if info.runs_at_startup {
            let gone = shell_syntax::unset_vars(line.trim(), shell);
            if !gone.is_empty() {
                unsets.push((index + 1, gone));
            }
            // `VAR=x` followed later by `export VAR` is exported.
            if let Some(rest) = line.trim().strip_prefix("export ")
                && !rest.contains('=')
            {
                exported_later.extend(rest.split_whitespace().map(str::to_string));
            }
        }
        if let Some(mut a) = parse_line(line, shell) {
            a.path = path.to_path_buf();
            a.line = index + 1;
            a.read_by_login_shell = read;
            a.place = info.place;
            a.at_startup = info.runs_at_startup;
            out.push(a);
        } else if let Some(sourced) = sourced_file(line, env) {
            // Only follow files inside the home folder: that is where people keep secrets.
            if sourced.starts_with(env.home()) {
                scan_file(env, &sourced, shell, read, depth + 1, seen, out);
            }
        }
    }
    for a in out[first_new..].iter_mut().filter(|a| a.path == path) {
        if !a.exported && exported_later.contains(&a.var) {
            a.exported = true;
        }
        if !a.commented {
            a.unset_later = unsets
                .iter()
                .find(|(line, vars)| *line > a.line && vars.contains(&a.var))
                .map(|(line, _)| *line);
        }
    }
}

fn sourced_file(line: &str, env: &Environment) -> Option<PathBuf> {
    let line = line.trim();
    let rest = line
        .strip_prefix("source ")
        .or_else(|| line.strip_prefix(". "))?;
    let target = shlex::split(rest)?.into_iter().next()?;
    let target = target
        .replace("$HOME", &env.home().to_string_lossy())
        .replace("${HOME}", &env.home().to_string_lossy());
    Some(env.expand_home(&target))
}

/// Parses one line; `None` unless it sets a tracked variable. Path and line are filled later.
#[must_use]
pub fn parse_line(line: &str, shell: ShellKind) -> Option<Assignment> {
    let trimmed = line.trim_start();
    let (commented, body) = match trimmed.strip_prefix('#') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, trimmed),
    };
    let (var, raw_value, exported) = if shell == ShellKind::Fish {
        parse_fish(body)?
    } else {
        parse_posix(body)?
    };
    let dynamic = raw_value.contains("$(") || raw_value.contains('`') || {
        // `$VAR` inside double quotes or bare is expanded at run time; single quotes are literal.
        !raw_value.starts_with('\'') && raw_value.contains('$')
    };
    let mut value = unquote(&raw_value);
    // A CRLF profile: the shell keeps the carriage return as part of the value.
    if line.ends_with('\r') && !value.ends_with('\r') {
        value.push('\r');
    }
    Some(Assignment {
        path: PathBuf::new(),
        line: 0,
        var,
        value,
        raw_value,
        exported,
        commented,
        dynamic,
        shell,
        read_by_login_shell: false,
        place: Place::TopLevel,
        at_startup: true,
        unset_later: None,
    })
}

fn parse_posix(body: &str) -> Option<(String, String, bool)> {
    let mut rest = body;
    let mut exported = false;
    for prefix in [
        "export ",
        "declare -x ",
        "typeset -x ",
        "declare -gx ",
        "typeset -gx ",
    ] {
        if let Some(r) = rest.strip_prefix(prefix) {
            rest = r.trim_start();
            exported = true;
            break;
        }
    }
    if let Some(r) = rest.strip_prefix("setenv ") {
        // csh style: setenv VAR value
        let mut parts = r.trim_start().splitn(2, char::is_whitespace);
        let var = parts.next()?.to_string();
        if !TRACKED_VARS.contains(&var.as_str()) {
            return None;
        }
        return Some((var, parts.next().unwrap_or("").trim().to_string(), true));
    }
    let eq = rest.find('=')?;
    let var = &rest[..eq];
    if !TRACKED_VARS.contains(&var) {
        return None;
    }
    let value = strip_trailing_comment(rest[eq + 1..].trim_end());
    Some((var.to_string(), value.to_string(), exported))
}

fn parse_fish(body: &str) -> Option<(String, String, bool)> {
    let rest = body.strip_prefix("set ")?;
    let mut words = rest.split_whitespace();
    let mut exported = false;
    let mut var = None;
    for w in words.by_ref() {
        if w.starts_with("--") {
            exported |= w == "--export";
        } else if let Some(flags) = w.strip_prefix('-') {
            exported |= flags.contains('x');
        } else {
            var = Some(w.to_string());
            break;
        }
    }
    let var = var?;
    if !TRACKED_VARS.contains(&var.as_str()) {
        return None;
    }
    let value: Vec<&str> = words.collect();
    Some((
        var,
        strip_trailing_comment(&value.join(" ")).to_string(),
        exported,
    ))
}

/// Drops a ` # comment` after an unquoted value.
fn strip_trailing_comment(value: &str) -> &str {
    let mut in_single = false;
    let mut in_double = false;
    let bytes = value.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\'' if !in_double => in_single = !in_single,
            b'"' if !in_single => in_double = !in_double,
            b'#' if !in_single && !in_double && i > 0 && bytes[i - 1].is_ascii_whitespace() => {
                return value[..i].trim_end();
            }
            _ => {}
        }
    }
    value
}

/// Removes shell quoting the way the shell would; falls back to the raw text.
#[must_use]
pub fn unquote(raw: &str) -> String {
    match shlex::split(raw) {
        Some(words) if words.len() == 1 => words.into_iter().next().unwrap_or_default(),
        Some(words) if words.is_empty() => String::new(),
        _ => raw.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posix_forms() {
        let a = parse_line(
            "export ANTHROPIC_API_KEY=\"sk-ant-api03-abc\"",
            ShellKind::Zsh,
        )
        .unwrap();
        assert_eq!(a.var, "ANTHROPIC_API_KEY");
        assert_eq!(a.value, "sk-ant-api03-abc");
        assert!(a.exported && !a.commented && !a.dynamic);

        let a = parse_line("ANTHROPIC_API_KEY=sk-ant-x # work key", ShellKind::Bash).unwrap();
        assert!(!a.exported);
        assert_eq!(a.value, "sk-ant-x");

        let a = parse_line("  # export ANTHROPIC_API_KEY='k'", ShellKind::Bash).unwrap();
        assert!(a.commented);

        let a = parse_line("export ANTHROPIC_API_KEY=$(op read x)", ShellKind::Bash).unwrap();
        assert!(a.dynamic);

        assert!(parse_line("export PATH=/bin", ShellKind::Bash).is_none());
        assert!(parse_line("echo ANTHROPIC_API_KEY=x", ShellKind::Bash).is_none());
    }

    #[test]
    fn fish_forms() {
        let a = parse_line("set -gx ANTHROPIC_API_KEY sk-ant-fish", ShellKind::Fish).unwrap();
        assert!(a.exported);
        assert_eq!(a.value, "sk-ant-fish");
        let a = parse_line("set -g ANTHROPIC_API_KEY 'sk-ant-fish'", ShellKind::Fish).unwrap();
        assert!(!a.exported);
        assert_eq!(a.value, "sk-ant-fish");
        let a = parse_line(
            "set --global --export ANTHROPIC_BASE_URL http://x",
            ShellKind::Fish,
        )
        .unwrap();
        assert!(a.exported);
    }

    #[test]
    fn scan_follows_login_shell_and_sourced_files() {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path();
        std::fs::write(
            home.join(".zshrc"),
            "alias x=y\nsource ~/.secrets\nexport ANTHROPIC_BASE_URL=http://gw\n",
        )
        .unwrap();
        std::fs::write(
            home.join(".secrets"),
            "ANTHROPIC_API_KEY=sk-ant-s\nexport ANTHROPIC_API_KEY\n",
        )
        .unwrap();
        std::fs::write(home.join(".bashrc"), "export ANTHROPIC_AUTH_TOKEN=tok\n").unwrap();
        let env = Environment::builder(home).var("SHELL", "/bin/zsh").build();
        let found = scan_all(&env);
        let key = found.iter().find(|a| a.var == "ANTHROPIC_API_KEY").unwrap();
        assert!(key.exported, "export VAR later in the file exports it");
        assert!(key.read_by_login_shell);
        assert_eq!(key.line, 1);
        let tok = found
            .iter()
            .find(|a| a.var == "ANTHROPIC_AUTH_TOKEN")
            .unwrap();
        assert!(!tok.read_by_login_shell, "zsh does not read .bashrc");
        let url = found
            .iter()
            .find(|a| a.var == "ANTHROPIC_BASE_URL")
            .unwrap();
        assert_eq!(url.line, 3);
    }
}
