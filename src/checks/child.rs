//! Runs a child process (`claude --version`, an `apiKeyHelper`) with the snapshot's environment,
//! bounded in time and output. The child runs in its own process group, and the whole group (its
//! background jobs and grandchildren too) is ended at the time limit, when the child is
//! abandoned (the future dropped), and after it exits: nothing it started outlives the call.

use crate::env::Environment;
use std::ffi::OsStr;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How long a timed-out group gets between SIGTERM and SIGKILL.
const TERM_GRACE: Duration = Duration::from_millis(300);

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
    run_bounded_with_input(env, program, args, None, time_limit, max_output).await
}

/// Like [`run_bounded`], with `input` written to the child's stdin (then closed). Used for
/// `security -i`, so that a secret never appears on a command line.
pub async fn run_bounded_with_input(
    env: &Environment,
    program: impl AsRef<OsStr>,
    args: &[&str],
    input: Option<&[u8]>,
    time_limit: Duration,
    max_output: u64,
) -> Result<ChildOutput, ChildError> {
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(args)
        .env_clear()
        .envs(env.vars())
        .current_dir(env.cwd())
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    // Its own group, so that one signal reaches everything it starts (`sleep 300 &` included).
    #[cfg(unix)]
    cmd.process_group(0);
    let mut child = cmd
        .spawn()
        .map_err(|e| ChildError::CouldNotStart(e.to_string()))?;
    // Armed from here: dropping this future (a cancelled check) kills the group.
    let mut group = ProcessGroup::of(&child);
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let mut stdin = child.stdin.take();
    let work = async {
        if let (Some(pipe), Some(bytes)) = (stdin.as_mut(), input) {
            // A child that exits without reading gives a broken pipe: its exit code tells.
            let _ = pipe.write_all(bytes).await;
        }
        drop(stdin);
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
    let result = tokio::time::timeout(time_limit, work).await;
    match result {
        Err(_) => {
            // Ask politely first, then end whatever is left; reap the child either way.
            group.signal(Signal::Term);
            if tokio::time::timeout(TERM_GRACE, child.wait())
                .await
                .is_err()
            {
                group.signal(Signal::Kill);
            }
            group.signal(Signal::Kill);
            let _ = child.wait().await;
            Err(ChildError::TimedOut)
        }
        // Leftovers of a child that exited (background jobs) go with it: `group` is dropped.
        Ok((_, _, Err(e))) => Err(ChildError::Failed(e.to_string())),
        Ok((stdout, stderr, Ok(status))) => Ok(ChildOutput {
            code: status.code(),
            stdout,
            stderr,
        }),
    }
}

#[derive(Clone, Copy)]
enum Signal {
    Term,
    Kill,
}

/// The child's process group; `SIGKILLed` when dropped.
struct ProcessGroup {
    #[cfg(unix)]
    id: Option<rustix::process::Pid>,
}

impl ProcessGroup {
    fn of(child: &tokio::process::Child) -> Self {
        #[cfg(unix)]
        {
            Self {
                id: child
                    .id()
                    .and_then(|pid| i32::try_from(pid).ok())
                    .and_then(rustix::process::Pid::from_raw)
                    .filter(|pid| !pid.is_init()),
            }
        }
        #[cfg(not(unix))]
        {
            let _ = child;
            Self {}
        }
    }

    fn signal(&mut self, signal: Signal) {
        #[cfg(unix)]
        if let Some(id) = self.id {
            let sig = match signal {
                Signal::Term => rustix::process::Signal::TERM,
                Signal::Kill => rustix::process::Signal::KILL,
            };
            // `id` is our child's own group (never 0 or 1, which would mean our own group or
            // everything); a group that has ended already just gives ESRCH.
            let _ = rustix::process::kill_process_group(id, sig);
        }
        #[cfg(not(unix))]
        let _ = signal;
    }
}

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        self.signal(Signal::Kill);
    }
}
