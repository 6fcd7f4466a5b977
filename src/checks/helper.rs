//! Runs an `apiKeyHelper` command the way the CLI does (`sh -c`, 10 s limit here), capturing its
//! output without ever printing it whole.

use super::child::{self, ChildError};
use crate::env::Environment;
use crate::secret;
use std::time::Duration;

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
    /// Not run: it comes from a folder the user has not trusted.
    NotRun,
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
            Self::NotRun => "was not run: it comes from a folder you have not trusted".to_string(),
        }
    }
}

/// Runs `sh -c COMMAND` with the snapshot's environment, in its working folder.
pub async fn run(env: &Environment, command: &str) -> HelperRun {
    let (out, err, code) =
        match child::run_bounded(env, "sh", &["-c", command], HELPER_TIMEOUT, MAX_OUTPUT).await {
            Ok(o) => (o.stdout, o.stderr, o.code),
            Err(ChildError::TimedOut) => return HelperRun::TimedOut,
            Err(ChildError::CouldNotStart(e) | ChildError::Failed(e)) => {
                return HelperRun::CouldNotStart(e);
            }
        };
    let out = String::from_utf8_lossy(&out).trim().to_string();
    match code {
        Some(0) if out.is_empty() => HelperRun::Empty,
        Some(0) => HelperRun::Value(out),
        _ => {
            let stderr = String::from_utf8_lossy(&err);
            let shown: String = stderr.trim().chars().take(400).collect();
            HelperRun::Failed {
                status: code.map_or_else(
                    || "killed by a signal".to_string(),
                    |c| format!("exited {c}"),
                ),
                stderr: secret::scrub(&shown, &[&out]),
            }
        }
    }
}
