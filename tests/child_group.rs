//! A child (an `apiKeyHelper`, `claude --version`) never outlives its limit: its background
//! jobs and grandchildren are ended with it at the time limit, when the run is abandoned, and
//! when it exits leaving them behind.
#![cfg(unix)]

mod support;

use claude_auth_tui::checks::child::{ChildError, run_bounded};
use std::path::Path;
use std::time::{Duration, Instant};
use support::TempHome;

/// A script that starts a background `sleep`, a grandchild via a subshell, records every pid
/// (its own last) in `pids`, then runs `tail`.
fn script(pids: &Path, tail: &str) -> String {
    let pids = pids.display();
    format!(
        "sleep 300 >/dev/null 2>&1 &\necho $! >> '{pids}'\n\
         sh -c 'echo $$ >> \"$0\"; exec sleep 300' '{pids}' >/dev/null 2>&1 &\n\
         while [ \"$(wc -l < '{pids}')\" -lt 2 ]; do sleep 0.05; done\n\
         echo $$ >> '{pids}'\n{tail}\n"
    )
}

fn recorded(pids: &Path) -> Vec<u32> {
    std::fs::read_to_string(pids)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect()
}

/// Alive and not a zombie (a zombie has ended; only its parent has not collected it).
fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X"),
        Err(_) => false,
    }
}

/// Waits (up to 10 s) for every recorded process to be gone; returns those still alive.
fn survivors(pids: &[u32]) -> Vec<u32> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left: Vec<u32> = pids.iter().copied().filter(|&p| alive(p)).collect();
        if left.is_empty() || Instant::now() > deadline {
            return left;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Kills what a failing test would leave behind.
fn cleanup(pids: &[u32]) {
    for pid in pids {
        let _ = std::process::Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status();
    }
}

fn assert_all_gone(pids_file: &Path) {
    let pids = recorded(pids_file);
    assert_eq!(pids.len(), 3, "the script recorded its pids: {pids:?}");
    let left = survivors(&pids);
    cleanup(&left);
    assert!(left.is_empty(), "processes outlived the child: {left:?}");
}

#[tokio::test]
async fn a_hung_child_and_its_background_jobs_end_at_the_limit() {
    let h = TempHome::new();
    let pids = h.root.path().join("pids");
    let env = h.env().build();
    let started = Instant::now();
    let result = run_bounded(
        &env,
        "sh",
        &["-c", &script(&pids, "sleep 300")],
        Duration::from_secs(2),
        1024,
    )
    .await;
    assert_eq!(result.unwrap_err(), ChildError::TimedOut);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_all_gone(&pids);
}

#[tokio::test]
async fn an_abandoned_child_takes_its_group_with_it() {
    let h = TempHome::new();
    let pids = h.root.path().join("pids");
    let env = h.env().build();
    let body = script(&pids, "sleep 300");
    let args = ["-c", body.as_str()];
    let run = run_bounded(&env, "sh", &args, Duration::from_secs(300), 1024);
    let pids_written = async {
        while recorded(&pids).len() < 3 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    // The run is dropped (cancelled) as soon as every pid is known.
    tokio::select! {
        _ = run => panic!("the child cannot finish on its own"),
        () = pids_written => {}
    }
    assert_all_gone(&pids);
}

#[tokio::test]
async fn background_jobs_left_by_a_finished_child_are_ended() {
    let h = TempHome::new();
    let pids = h.root.path().join("pids");
    let env = h.env().build();
    let out = run_bounded(
        &env,
        "sh",
        &["-c", &script(&pids, "echo sk-ant-from-helper")],
        Duration::from_secs(30),
        1024,
    )
    .await
    .expect("the helper exits by itself");
    assert_eq!(out.code, Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "sk-ant-from-helper\n");
    assert_all_gone(&pids);
}
