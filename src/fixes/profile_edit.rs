//! Line-level editing of shell profiles, on bytes: a line that is not UTF-8 is kept untouched,
//! every line keeps its own ending, and a file without a final newline keeps lacking one.

use crate::env::Environment;
use crate::files;
use crate::sources::profiles::{self, Assignment, ShellKind};
use crate::sources::shell_syntax::{self, LineInfo};
use std::path::{Path, PathBuf};

/// Variables that hold a secret (`ANTHROPIC_BASE_URL` is tracked but is not one).
pub const SECRET_VARS: &[&str] = &[
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_AUTH_TOKEN",
    "CLAUDE_CODE_OAUTH_TOKEN",
];

/// A file split into lines, each with its terminator.
pub struct Lines {
    pub lines: Vec<Vec<u8>>,
}

impl Lines {
    #[must_use]
    pub fn parse(bytes: &[u8]) -> Self {
        Self {
            lines: bytes
                .split_inclusive(|&b| b == b'\n')
                .map(<[u8]>::to_vec)
                .collect(),
        }
    }

    #[must_use]
    pub fn join(&self) -> Vec<u8> {
        self.lines.concat()
    }

    /// Line `i` without its `\n` and without a `\r` before it, if it is UTF-8.
    #[must_use]
    pub fn text(&self, i: usize) -> Option<&str> {
        let line = &self.lines[i];
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        std::str::from_utf8(line).ok()
    }

    /// Whether line `i` ends in `\r\n` (or a bare `\r` at the end of the file).
    #[must_use]
    pub fn has_cr(&self, i: usize) -> bool {
        let line = &self.lines[i];
        line.strip_suffix(b"\n").unwrap_or(line).ends_with(b"\r")
    }

    /// Whether line `i` has a `\n`.
    #[must_use]
    pub fn has_nl(&self, i: usize) -> bool {
        self.lines[i].ends_with(b"\n")
    }

    /// Replaces line `i`'s text; `keep_cr` keeps a `\r` before its newline.
    pub fn replace(&mut self, i: usize, text: &str, keep_cr: bool) {
        let mut line = text.as_bytes().to_vec();
        if keep_cr && self.has_cr(i) {
            line.push(b'\r');
        }
        if self.has_nl(i) {
            line.push(b'\n');
        }
        self.lines[i] = line;
    }

    /// Appends lines (each given without terminator), first ending an unterminated last line.
    pub fn append(&mut self, texts: &[&str]) {
        if let Some(last) = self.lines.last_mut()
            && !last.ends_with(b"\n")
        {
            last.push(b'\n');
        }
        for text in texts {
            let mut line = text.as_bytes().to_vec();
            line.push(b'\n');
            self.lines.push(line);
        }
    }

    /// Inserts lines (each given without terminator) before line `at` (at the end when `at`
    /// is past the last line).
    pub fn insert(&mut self, at: usize, texts: &[&str]) {
        if at >= self.lines.len() {
            self.append(texts);
            return;
        }
        for (k, text) in texts.iter().enumerate() {
            let mut line = text.as_bytes().to_vec();
            line.push(b'\n');
            self.lines.insert(at + k, line);
        }
    }

    /// Where each line stands for the shell (the same scanner the check uses). Has one entry
    /// per line, plus one for the text after a final newline.
    #[must_use]
    pub fn infos(&self, shell: ShellKind) -> Vec<LineInfo> {
        shell_syntax::classify(&String::from_utf8_lossy(&self.join()), shell)
    }

    /// The uncommented lines of shell code that set `var`, parsed, with their index; lines of
    /// heredoc text or inside a multi-line string are data and never listed.
    #[must_use]
    pub fn assignments(&self, var: &str, shell: ShellKind) -> Vec<(usize, Assignment)> {
        let infos = self.infos(shell);
        self.all_assignments(var, shell)
            .into_iter()
            .filter(|(i, _)| infos[*i].place.is_code())
            .collect()
    }

    /// Like [`Self::assignments`], heredoc and string lines included, each with its place.
    #[must_use]
    pub fn all_assignments(&self, var: &str, shell: ShellKind) -> Vec<(usize, Assignment)> {
        let infos = self.infos(shell);
        (0..self.lines.len())
            .filter_map(|i| {
                let mut a = profiles::parse_line(self.text(i)?, shell)?;
                a.place = infos[i].place;
                a.at_startup = infos[i].runs_at_startup;
                (a.var == var && !a.commented).then_some((i, a))
            })
            .collect()
    }

    /// The lines of shell code that unset `var`, by index.
    #[must_use]
    pub fn unsets(&self, var: &str, shell: ShellKind) -> Vec<usize> {
        let infos = self.infos(shell);
        (0..self.lines.len())
            .filter(|&i| {
                infos[i].place.is_code()
                    && self.text(i).is_some_and(|t| {
                        shell_syntax::unset_vars(t.trim(), shell)
                            .iter()
                            .any(|v| v == var)
                    })
            })
            .collect()
    }
}

/// The syntax a profile is written in, from its name.
#[must_use]
pub fn shell_for_path(path: &Path, env: &Environment) -> ShellKind {
    if path.extension().is_some_and(|e| e == "fish") {
        return ShellKind::Fish;
    }
    profiles::candidate_profiles(env)
        .into_iter()
        .find(|p| p.path == path)
        .map_or(ShellKind::Sh, |p| p.shell)
}

/// The login shell, when it is one we know.
#[must_use]
pub fn login_shell(env: &Environment) -> Option<ShellKind> {
    env.shell_name().as_deref().and_then(ShellKind::from_name)
}

fn candidate(env: &Environment, shell: ShellKind, name: &str) -> PathBuf {
    profiles::candidate_profiles(env)
        .into_iter()
        .find(|p| p.shell == shell && p.path.file_name().is_some_and(|n| n == name))
        .map_or_else(|| env.home().join(name), |p| p.path)
}

/// The profile the user's shell reads, where a new `export` goes: zsh `~/.zshrc` (in
/// `$ZDOTDIR`), bash `~/.bashrc` (or `~/.bash_profile` when that exists and does not load
/// `~/.bashrc`), fish `config.fish`, anything else `~/.profile`.
#[must_use]
pub fn default_profile(env: &Environment) -> (PathBuf, ShellKind) {
    match login_shell(env) {
        Some(ShellKind::Zsh) => (candidate(env, ShellKind::Zsh, ".zshrc"), ShellKind::Zsh),
        Some(ShellKind::Bash) => {
            let bash_profile = env.home().join(".bash_profile");
            let loads_bashrc = files::read_bytes(&bash_profile, files::MAX_FILE_BYTES)
                .ok()
                .flatten()
                .is_some_and(|file| {
                    let lines = Lines::parse(&file.bytes);
                    (0..lines.lines.len()).any(|i| {
                        lines.text(i).is_some_and(|l| {
                            !l.trim_start().starts_with('#') && l.contains(".bashrc")
                        })
                    })
                });
            if bash_profile.is_file() && !loads_bashrc {
                (bash_profile, ShellKind::Bash)
            } else {
                (env.home().join(".bashrc"), ShellKind::Bash)
            }
        }
        Some(ShellKind::Fish) => (
            candidate(env, ShellKind::Fish, "config.fish"),
            ShellKind::Fish,
        ),
        Some(ShellKind::Sh) | None => (env.home().join(".profile"), ShellKind::Sh),
    }
}

/// The command that makes the running shell read a profile again.
#[must_use]
pub fn reload_hint(env: &Environment, path: &Path) -> String {
    format!(
        "The running shell does not see this yet: run `source {}` in it, or open a new terminal.",
        env.display_path(path)
    )
}

/// `export VAR='value'` (or fish's `set -gx VAR 'value'`). `value` must not contain `'`.
#[must_use]
pub fn export_line(var: &str, value: &str, shell: ShellKind) -> String {
    debug_assert!(!value.contains('\''));
    match shell {
        ShellKind::Fish => format!("set -gx {var} '{value}'"),
        _ => format!("export {var}='{value}'"),
    }
}

/// Leading whitespace of a line.
#[must_use]
pub fn indent_of(line: &str) -> &str {
    &line[..line.len() - line.trim_start().len()]
}

/// Splits a value as written into the value and a trailing ` # comment` (outside quotes).
#[must_use]
pub fn split_comment(rest: &str) -> (&str, &str) {
    let mut in_single = false;
    let mut in_double = false;
    let bytes = rest.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\'' if !in_double => in_single = !in_single,
            b'"' if !in_single => in_double = !in_double,
            b'#' if !in_single && !in_double && i > 0 && bytes[i - 1].is_ascii_whitespace() => {
                return (rest[..i].trim_end(), &rest[i..]);
            }
            _ => {}
        }
    }
    (rest.trim_end(), "")
}

/// Where the value starts in a line that assigns `var` (after `VAR=`, or after the name in
/// fish's `set … VAR value` and csh's `setenv VAR value`).
#[must_use]
pub fn value_start(line: &str, var: &str, shell: ShellKind) -> Option<usize> {
    let posix = format!("{var}=");
    if shell != ShellKind::Fish
        && let Some(at) = line.find(&posix)
    {
        return Some(at + posix.len());
    }
    let at = line
        .match_indices(var)
        .map(|(i, _)| i)
        .find(|&i| line[i + var.len()..].starts_with(char::is_whitespace))?;
    let after = &line[at + var.len()..];
    Some(at + var.len() + (after.len() - after.trim_start().len()))
}

/// The unique files, in order, of some assignments.
#[must_use]
pub fn unique_paths(assignments: &[Assignment]) -> Vec<(PathBuf, ShellKind)> {
    let mut out: Vec<(PathBuf, ShellKind)> = Vec::new();
    for a in assignments {
        if !out.iter().any(|(p, _)| p == &a.path) {
            out.push((a.path.clone(), a.shell));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_keep_endings_and_missing_final_newline() {
        let bytes = b"a\r\nb\n\xffc";
        let mut lines = Lines::parse(bytes);
        assert_eq!(lines.join(), bytes);
        assert_eq!(lines.text(0), Some("a"));
        assert!(lines.has_cr(0) && !lines.has_cr(1));
        assert_eq!(lines.text(2), None);
        lines.replace(0, "x", false);
        lines.append(&["y"]);
        assert_eq!(lines.join(), b"x\nb\n\xffc\ny\n");
    }

    #[test]
    fn values_and_comments() {
        assert_eq!(split_comment("'a b' # note"), ("'a b'", "# note"));
        assert_eq!(split_comment("\"x#y\""), ("\"x#y\"", ""));
        let line = "  export ANTHROPIC_API_KEY=\"k\"";
        assert_eq!(
            &line[value_start(line, "ANTHROPIC_API_KEY", ShellKind::Bash).unwrap()..],
            "\"k\""
        );
        let fish = "set -gx ANTHROPIC_API_KEY  k";
        assert_eq!(
            &fish[value_start(fish, "ANTHROPIC_API_KEY", ShellKind::Fish).unwrap()..],
            "k"
        );
    }
}
