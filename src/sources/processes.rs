//! Running `claude` sessions that share this login, read from `/proc` under the snapshot's
//! system root (tests build a fake one). Only the user's own processes can be read in full,
//! which is exactly the set that can share the login.

use crate::env::Environment;
use std::io::Read;
use std::path::{Path, PathBuf};

/// No real machine has more; bounds the scan.
const MAX_PROCESSES: usize = 8192;
/// `cmdline` and `environ` are small; a huge one is cut.
const MAX_PROC_FILE: u64 = 256 * 1024;

/// A running Claude Code session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaudeSession {
    pub pid: u32,
    /// The config dir it uses (its `CLAUDE_CONFIG_DIR`, else `$HOME/.claude`).
    pub config_dir: PathBuf,
}

/// The `claude` sessions whose config dir (and so login) is this environment's.
#[must_use]
pub fn sessions_sharing_login(env: &Environment) -> Vec<ClaudeSession> {
    let proc_dir = env.system_root().join("proc");
    let Ok(entries) = std::fs::read_dir(&proc_dir) else {
        return Vec::new();
    };
    let own = std::process::id();
    let mine = env.claude_config_dir();
    let mut out: Vec<ClaudeSession> = entries
        .flatten()
        .take(MAX_PROCESSES)
        .filter_map(|e| {
            let pid: u32 = e.file_name().to_str()?.parse().ok()?;
            (pid != own).then_some(())?;
            let dir = e.path();
            if !is_claude(&dir) {
                return None;
            }
            // Another account's process: its environment cannot be read, nor its login shared.
            let environ = read_nul_separated(&dir.join("environ"))?;
            let config_dir = config_dir_of(&environ)?;
            (config_dir == mine).then_some(ClaudeSession { pid, config_dir })
        })
        .collect();
    out.sort_by_key(|s| s.pid);
    out
}

fn read_nul_separated(path: &Path) -> Option<Vec<String>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(MAX_PROC_FILE)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(
        bytes
            .split(|b| *b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect(),
    )
}

/// `claude` itself (the native build), or node/bun running the CLI's script.
fn is_claude(dir: &Path) -> bool {
    let comm = std::fs::read_to_string(dir.join("comm")).unwrap_or_default();
    let comm = comm.trim();
    if comm == "claude" {
        return true;
    }
    if !matches!(comm, "node" | "bun" | "MainThread") && !comm.starts_with("claude") {
        return false;
    }
    let Some(argv) = read_nul_separated(&dir.join("cmdline")) else {
        return false;
    };
    argv.iter().take(2).any(|a| {
        Path::new(a).file_name().is_some_and(|n| n == "claude")
            || a.contains("@anthropic-ai/claude-code")
    })
}

fn config_dir_of(environ: &[String]) -> Option<PathBuf> {
    let var = |name: &str| {
        environ
            .iter()
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
            .filter(|v| !v.is_empty())
    };
    match var("CLAUDE_CONFIG_DIR") {
        Some(dir) => Some(match dir.strip_prefix("~/") {
            Some(rest) => PathBuf::from(var("HOME")?).join(rest),
            None => PathBuf::from(dir),
        }),
        None => Some(PathBuf::from(var("HOME")?).join(".claude")),
    }
}
