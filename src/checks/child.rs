//! Runs a child process (`claude --version`, an `apiKeyHelper`) with the snapshot's environment,
//! bounded in time and output, and killed when abandoned.

use crate::env::Environment;
use std::ffi::OsStr;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::AsyncReadExt;

/// What a finished child produced.
#[derive(Debug)]
pub struct ChildOutput {
    /// The exit code; `None` when a signal ended it.
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Why there is no output.
#[derive(Debug, PartialEq, Eq)]
pub enum ChildError {
    CouldNotStart(String),
    TimedOut,
    Failed(String),
}

/// Runs `program args` in the snapshot's working folder with only the snapshot's variables,
/// stdin closed, at most `max_output` bytes kept from each stream.
pub async fn run_bounded(
    env: &Environment,
    program: impl AsRef<OsStr>,
    args: &[&str],
    time_limit: Duration,
    max_output: u64,
) -> Result<ChildOutput, ChildError> {
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(args)
        .env_clear()
        .envs(env.vars())
        .current_dir(env.cwd())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = cmd
        .spawn()
        .map_err(|e| ChildError::CouldNotStart(e.to_string()))?;
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let work = async {
        let mut out = Vec::new();
        let mut err = Vec::new();
        // Read both pipes at once: a child filling stderr must not block on a full pipe.
        let read_out = async {
            if let Some(s) = stdout.as_mut() {
                let _ = s.take(max_output).read_to_end(&mut out).await;
            }
        };
        let read_err = async {
            if let Some(s) = stderr.as_mut() {
                let _ = s.take(max_output).read_to_end(&mut err).await;
            }
        };
        tokio::join!(read_out, read_err);
        (out, err, child.wait().await)
    };
    match tokio::time::timeout(time_limit, work).await {
        Err(_) => Err(ChildError::TimedOut),
        Ok((_, _, Err(e))) => Err(ChildError::Failed(e.to_string())),
        Ok((stdout, stderr, Ok(status))) => Ok(ChildOutput {
            code: status.code(),
            stdout,
            stderr,
        }),
    }
}
