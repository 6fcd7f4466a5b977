//! The files and variables the CLI reads, loaded once per run into [`Facts`].
//!
//! This is the I/O edge of the diagnosis: everything after it is a pure function of `Facts`.

pub mod credentials;
pub mod global_config;
pub mod global_stream;
pub mod keychain;
pub mod login_surface;
pub mod processes;
pub mod profiles;
pub mod settings;
pub mod shell_syntax;

use crate::env::Environment;
use credentials::CredentialsFile;
use global_config::GlobalConfig;
use keychain::KeychainLogin;
use profiles::Assignment;
use settings::SettingsFile;

/// Everything read from disk for one diagnosis run.
#[derive(Clone, Debug)]
pub struct Facts {
    pub settings: Vec<SettingsFile>,
    pub global: GlobalConfig,
    pub credentials: CredentialsFile,
    /// The macOS Keychain item (`None` on other platforms). On macOS it is the CLI's first
    /// choice and the file only a fallback.
    pub keychain: Option<KeychainLogin>,
    /// `credentials.json` without the dot: the article's path, ignored by the CLI.
    pub misplaced_credentials: CredentialsFile,
    pub profile_assignments: Vec<Assignment>,
    /// Running `claude` sessions that use this login (Linux: from /proc).
    pub claude_sessions: Vec<processes::ClaudeSession>,
    /// Where this session runs (SSH, WSL, container, no display), for the login advice.
    pub surface: login_surface::LoginSurface,
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
            keychain: KeychainLogin::load(env),
            misplaced_credentials: CredentialsFile::load_path(env.misplaced_credentials_path()),
            profile_assignments: profiles::scan_all(env),
            surface: login_surface::LoginSurface::detect(env),
            claude_sessions: processes::sessions_sharing_login(env),
            unreadable_profiles: profiles::unreadable_profiles(env),
        }
    }
}

/// Where the stored login the CLI uses was found.
#[derive(Clone, Copy, Debug)]
pub enum StoredLogin<'f> {
    Keychain(&'f KeychainLogin),
    File(&'f CredentialsFile),
}

impl Facts {
    /// The stored login the CLI reads: on macOS the Keychain item when it holds a login, else
    /// the credentials file (the CLI's fallback when the item is missing, locked or unreadable).
    #[must_use]
    pub fn stored_login(&self) -> StoredLogin<'_> {
        match &self.keychain {
            Some(item) if item.tokens().is_some() => StoredLogin::Keychain(item),
            _ => StoredLogin::File(&self.credentials),
        }
    }
}

impl StoredLogin<'_> {
    #[must_use]
    pub fn tokens(&self) -> Option<&credentials::OAuthTokens> {
        match self {
            Self::Keychain(item) => item.tokens(),
            Self::File(file) => file.tokens(),
        }
    }

    /// Where the login lives, as the credential's origin.
    #[must_use]
    pub fn origin(&self) -> crate::resolve::Origin {
        match self {
            Self::Keychain(item) => crate::resolve::Origin::Keychain(item.item.clone()),
            Self::File(file) => crate::resolve::Origin::CredentialsFile(file.path.clone()),
        }
    }
}
