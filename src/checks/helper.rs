//! Runs an `apiKeyHelper` command the way the CLI does (`sh -c`, 10 s limit here), capturing its
//! output without ever printing it whole.

use crate::env::Environment;
use crate::secret;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::AsyncReadExt;

/// How long a helper may run before we give up on it.
pub const HELPER_TIMEOUT: Duration = Duration::from_secs(10);

/// Output limit: a key is short; anything bigger is not a key.
const MAX_OUTPUT: u64 = 64 * 1024;

/// What a helper run produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HelperRun {
    /// Printed a value (trimmed).
    Value(String),
    /// Exited 0 but printed nothing.
    Empty,
    /// Exited non-zero; stderr is scrubbed of secrets.
    Failed {
        status: String,
        stderr: String,
    },
    TimedOut,
    CouldNotStart(String),
}

impl HelperRun {
    #[must_use]
    pub fn value(&self) -> Option<&str> {
        match self {
            Self::Value(v) => Some(v),
            _ => None,
        }
    }

    /// One line for the report, never showing the value whole.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Value(v) => format!("printed a value: {}", secret::mask(v)),
            Self::Empty => "exited 0 but printed nothing".to_string(),
            Self::Failed { status, stderr } if stderr.is_empty() => format!("failed: {status}"),
            Self::Failed { status, stderr } => format!("failed: {status}: {stderr}"),
            Self::TimedOut => format!("did not finish within {} s", HELPER_TIMEOUT.as_secs()),
            Self::CouldNotStart(e) => format!("could not be started: {e}"),
        }
    }
}

/// Runs `sh -c COMMAND` with the snapshot's environment, in its working folder.
pub async fn run(env: &Environment, command: &str) -> HelperRun {
    let mut cmd = tokio::process::Command::new("sh");
    cmd.arg("-c")
        .arg(command)
        .env_clear()
        .envs(env.vars())
        .current_dir(env.cwd())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return HelperRun::CouldNotStart(e.to_string()),
    };
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let work = async {
        let mut out = Vec::new();
        let mut err = Vec::new();
        // Read both pipes at once: a child filling stderr must not block on a full pipe.
        let read_out = async {
            if let Some(s) = stdout.as_mut() {
                let _ = s.take(MAX_OUTPUT).read_to_end(&mut out).await;
            }
        };
        let read_err = async {
            if let Some(s) = stderr.as_mut() {
                let _ = s.take(MAX_OUTPUT).read_to_end(&mut err).await;
            }
        };
        tokio::join!(read_out, read_err);
        let status = child.wait().await;
        (out, err, status)
    };
    let Ok((out, err, status)) = tokio::time::timeout(HELPER_TIMEOUT, work).await else {
        return HelperRun::TimedOut;
    };
    let out = String::from_utf8_lossy(&out).trim().to_string();
    match status {
        Ok(s) if s.success() => {
            if out.is_empty() {
                HelperRun::Empty
            } else {
                HelperRun::Value(out)
            }
        }
        Ok(s) => {
            let stderr = String::from_utf8_lossy(&err);
            let stderr = stderr.trim();
            let shown: String = stderr.chars().take(400).collect();
            HelperRun::Failed {
                status: s.code().map_or_else(
                    || "killed by a signal".to_string(),
                    |c| format!("exited {c}"),
                ),
                stderr: secret::scrub(&shown, &[&out]),
            }
        }
        Err(e) => HelperRun::CouldNotStart(e.to_string()),
    }
}
