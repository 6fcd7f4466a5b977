//! Shared test support, one file per purpose; every test crate includes all of it
//! (`mod support;`), so what one crate leaves unused is allowed.
//!
//! - `secrets`: the fake secrets and the leak assertions (re-exported here);
//! - `home`: a throwaway home, its environment and the real binary over it (re-exported here);
//! - `server`: the one stand-in HTTP server on 127.0.0.1 (`support::server::…`);
//! - `wizard`: builders of wizard states, messages and frames (`support::wizard::…`);
//! - `pty`: the real binary in a pseudo-terminal read through a vt100 screen (`support::pty::…`);
//! - `strategies`: proptest strategies (`support::strategies::…`).
#![allow(dead_code)]

pub mod home;
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
