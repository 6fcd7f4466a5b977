//! Shared test support, one file per purpose; every test crate includes all of it
//! (`mod support;`), so what one crate leaves unused is allowed.
//!
//! - `secrets`: the fake secrets and the leak assertions (re-exported here);
//! - `home`: a throwaway home, its environment and the real binary over it (re-exported here);
//! - `server`: the one stand-in HTTP server on 127.0.0.1 (`support::server::…`);
//! - `wizard`: builders of wizard states, messages and frames (`support::wizard::…`);
//! - `pty`: the real binary in a pseudo-terminal read through a vt100 screen (`support::pty::…`);
//! - `strategies`: proptest strategies (`support::strategies::…`);
//! - `fix_cycle`: the life of a fix as the fix tests check it (`support::fix_cycle::…`);
//! - `memory`: the test process's peak memory (`support::memory::…`).
#![allow(clippy::unwrap_used)] // support code for tests: a panic here fails the calling test
#![allow(dead_code)]

pub mod fix_cycle;
pub mod home;
pub mod memory;
pub mod pty;
pub mod secrets;
pub mod server;
pub mod strategies;
pub mod wizard;

// Re-exported for the many tests that use them; a crate that uses neither is no error.
#[allow(unused_imports)]
pub use home::*;
#[allow(unused_imports)]
pub use secrets::*;

/// Says, where a passing run shows it, that a test (or part of one) did not run and why.
/// Written to the process's stderr directly: the test harness captures `eprintln!` and shows
/// it only for failures, which would make a skip look like a pass. The test is named by its
/// thread, which the harness names after it.
pub fn skipped(why: &str) {
    use std::io::Write as _;
    let thread = std::thread::current();
    let test = thread.name().filter(|n| *n != "main").unwrap_or("a test");
    let _ = writeln!(std::io::stderr(), "{test}: skipped: {why}");
}
