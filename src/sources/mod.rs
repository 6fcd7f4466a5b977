//! The files and variables the CLI reads, loaded once per run into [`Facts`].
//!
//! This is the I/O edge of the diagnosis: everything after it is a pure function of `Facts`.

pub mod credentials;
pub mod global_config;
pub mod profiles;
pub mod settings;
pub mod shell_syntax;

use crate::env::Environment;
use credentials::CredentialsFile;
use global_config::GlobalConfig;
use profiles::Assignment;
use settings::SettingsFile;

/// Everything read from disk for one diagnosis run.
#[derive(Clone, Debug)]
pub struct Facts {
    pub settings: Vec<SettingsFile>,
    pub global: GlobalConfig,
    pub credentials: CredentialsFile,
    /// `credentials.json` without the dot: the article's path, ignored by the CLI.
    pub misplaced_credentials: CredentialsFile,
    pub profile_assignments: Vec<Assignment>,
    /// Profiles the scan could not read (too large, unreadable).
    pub unreadable_profiles: Vec<(std::path::PathBuf, String)>,
}

impl Facts {
    /// Reads every source. Never fails: problems are recorded in the parts.
    #[must_use]
    pub fn gather(env: &Environment) -> Self {
        Self {
            settings: settings::load_all(env),
            global: GlobalConfig::load(env),
            credentials: CredentialsFile::load(env),
            misplaced_credentials: CredentialsFile::load_path(env.misplaced_credentials_path()),
            profile_assignments: profiles::scan_all(env),
            unreadable_profiles: profiles::unreadable_profiles(env),
        }
    }
}
