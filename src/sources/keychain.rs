//! The macOS Keychain item where Claude Code keeps its login (the file is only a fallback there).
//!
//! Read exactly as the CLI reads it: `security find-generic-password -a ACCOUNT -w -s SERVICE`,
//! with the service name and account worked out by the CLI's rules. `security` is run through
//! the bounded child runner and looked up on the snapshot's PATH, so tests put a stand-in there.

use crate::checks::child::{self, ChildError, ChildOutput};
use crate::env::{Environment, Platform};
use crate::sources::credentials::{self, CredentialsState, OAuthTokens};
use icu_normalizer::ComposingNormalizerBorrowed;
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::time::Duration;

/// The service name without the per-config-dir suffix.
pub const BASE_SERVICE: &str = "Claude Code-credentials";
/// The account used when the user name has characters the CLI does not accept.
pub const FALLBACK_ACCOUNT: &str = "claude-code-user";
/// `security`'s exit code for "User interaction is not allowed" (a locked keychain).
pub const EXIT_LOCKED: i32 = 36;
/// `security`'s exit code for "The specified item could not be found in the keychain".
pub const EXIT_NOT_FOUND: i32 = 44;

/// A Keychain read never takes long; a locked keychain answers at once with exit 36.
const TIME_LIMIT: Duration = Duration::from_secs(5);
/// A login is a few hundred bytes.
const MAX_OUTPUT: u64 = 256 * 1024;

/// Which Keychain item holds the login.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeychainItem {
    pub service: String,
    pub account: String,
}

impl KeychainItem {
    /// The item the CLI uses in this environment.
    #[must_use]
    pub fn for_env(env: &Environment) -> Self {
        Self {
            service: service_name(env),
            account: account_name(env),
        }
    }

    /// "the macOS Keychain item \"Claude Code-credentials\" (account bob)".
    #[must_use]
    pub fn describe(&self) -> String {
        format!(
            "the macOS Keychain item \"{}\" (account {})",
            self.service, self.account
        )
    }
}

/// What reading the item gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeychainState {
    /// No such item (exit 44): the CLI falls back to the credentials file.
    NotFound,
    /// The keychain is locked (exit 36, typical over SSH): the CLI cannot read the login.
    Locked,
    /// `security` could not be run or failed another way.
    Failed(String),
    /// The item's password, parsed like `.credentials.json`.
    Found(CredentialsState),
}

/// The login as stored in the Keychain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeychainLogin {
    pub item: KeychainItem,
    pub state: KeychainState,
}

impl KeychainLogin {
    /// Reads the item on macOS; `None` on other platforms (the CLI uses only the file there).
    #[must_use]
    pub fn load(env: &Environment) -> Option<Self> {
        if env.platform() != Platform::MacOs {
            return None;
        }
        let item = KeychainItem::for_env(env);
        let state = match read_password(env, &item) {
            Ok(bytes) => KeychainState::Found(parse_password(&bytes)),
            Err(state) => state,
        };
        Some(Self { item, state })
    }

    /// The parsed login, when the item holds one.
    #[must_use]
    pub fn tokens(&self) -> Option<&OAuthTokens> {
        match &self.state {
            KeychainState::Found(CredentialsState::Parsed(t)) => Some(t),
            _ => None,
        }
    }
}

/// `Claude Code-credentials`, plus `-` and 8 hex digits of sha256(NFC config dir) when the
/// config dir is moved. `CLAUDE_SECURESTORAGE_CONFIG_DIR` replaces `CLAUDE_CONFIG_DIR` here; set
/// but empty, it means no suffix.
#[must_use]
pub fn service_name(env: &Environment) -> String {
    let dir = match env.raw_var("CLAUDE_SECURESTORAGE_CONFIG_DIR") {
        Some(value) => value,
        None => env.raw_var("CLAUDE_CONFIG_DIR").unwrap_or(""),
    };
    if dir.is_empty() {
        return BASE_SERVICE.to_string();
    }
    let normalized = ComposingNormalizerBorrowed::new_nfc().normalize(dir);
    let digest = Sha256::digest(normalized.as_bytes());
    let hex = crate::secret::lower_hex(&digest[..4]);
    format!("{BASE_SERVICE}-{hex}")
}

/// `$USER`, else the OS user name, and `claude-code-user` when that is not `[A-Za-z0-9._-]+`.
/// Without `$USER`, the OS user name is taken from `LOGNAME`, else the home folder's name (on
/// macOS `/Users/<name>`): the snapshot holds no password-database lookup.
#[must_use]
pub fn account_name(env: &Environment) -> String {
    let home_name = env
        .home()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    let name = env
        .var("USER")
        .map(str::to_string)
        .or_else(|| env.var("LOGNAME").map(str::to_string))
        .or(home_name)
        .unwrap_or_default();
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if valid {
        name
    } else {
        FALLBACK_ACCOUNT.to_string()
    }
}

/// The `security` program: the snapshot's PATH first (tests put a stand-in there), else the
/// system one.
#[must_use]
pub fn security_program(env: &Environment) -> PathBuf {
    env.var("PATH")
        .and_then(|path| which::which_in("security", Some(path), env.cwd()).ok())
        .unwrap_or_else(|| PathBuf::from("/usr/bin/security"))
}

/// Runs `security ARGS` (bounded) from synchronous code, on its own small runtime in a scoped
/// thread so that it works both inside and outside an async context.
pub fn run_security(env: &Environment, args: &[&str]) -> Result<ChildOutput, ChildError> {
    run_security_with_input(env, args, None)
}

/// Like [`run_security`], with bytes written to its standard input (for `security -i`, so that
/// a secret never appears on a command line).
pub fn run_security_with_input(
    env: &Environment,
    args: &[&str],
    input: Option<&[u8]>,
) -> Result<ChildOutput, ChildError> {
    let program = security_program(env);
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| ChildError::Failed(e.to_string()))?;
                runtime.block_on(child::run_bounded_with_input(
                    env, &program, args, input, TIME_LIMIT, MAX_OUTPUT,
                ))
            })
            .join()
            .unwrap_or_else(|_| Err(ChildError::Failed("the runner crashed".to_string())))
    })
}

/// The item's password bytes, or the state that explains why there are none.
pub fn read_password(env: &Environment, item: &KeychainItem) -> Result<Vec<u8>, KeychainState> {
    let args = [
        "find-generic-password",
        "-a",
        item.account.as_str(),
        "-w",
        "-s",
        item.service.as_str(),
    ];
    let output = run_security(env, &args).map_err(|e| {
        KeychainState::Failed(match e {
            ChildError::CouldNotStart(why) => format!("`security` could not be started ({why})"),
            ChildError::TimedOut => "`security` did not answer within 5 s".to_string(),
            ChildError::Failed(why) => format!("`security` failed ({why})"),
        })
    })?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    match output.code {
        Some(0) => Ok(output.stdout),
        Some(EXIT_LOCKED) => Err(KeychainState::Locked),
        _ if stderr.contains("User interaction is not allowed") => Err(KeychainState::Locked),
        Some(EXIT_NOT_FOUND) => Err(KeychainState::NotFound),
        _ if stderr.contains("could not be found") => Err(KeychainState::NotFound),
        code => Err(KeychainState::Failed(format!(
            "`security` ended with {}{}",
            code.map_or_else(|| "a signal".to_string(), |c| format!("exit code {c}")),
            first_line(&stderr)
                .map(|l| format!(": {l}"))
                .unwrap_or_default()
        ))),
    }
}

fn first_line(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(|l| l.chars().take(200).collect())
}

/// The password as `security -w` prints it: the JSON itself, or its hex form when the stored
/// bytes are not all printable.
#[must_use]
pub fn parse_password(bytes: &[u8]) -> CredentialsState {
    let text = String::from_utf8_lossy(bytes);
    let trimmed = text.trim_end_matches(['\n', '\r']);
    let parsed = credentials::parse(trimmed);
    if matches!(parsed, CredentialsState::NotJson { .. })
        && let Some(decoded) = decode_hex(trimmed)
    {
        let again = credentials::parse(&String::from_utf8_lossy(&decoded));
        if !matches!(again, CredentialsState::NotJson { .. }) {
            return again;
        }
    }
    parsed
}

/// The password bytes as `security -w` printed them (hex decoded when it printed hex).
#[must_use]
pub fn password_bytes(printed: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(printed);
    let trimmed = text.trim_end_matches(['\n', '\r']);
    if serde_json::from_str::<serde_json::Value>(trimmed).is_err()
        && let Some(decoded) = decode_hex(trimmed)
    {
        return decoded;
    }
    trimmed.as_bytes().to_vec()
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if text.is_empty()
        || !text.len().is_multiple_of(2)
        || !text.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

/// Hex form of bytes, as `security add-generic-password -X` takes them.
#[must_use]
pub fn encode_hex(bytes: &[u8]) -> String {
    crate::secret::lower_hex(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_with(vars: &[(&str, &str)]) -> Environment {
        let mut b = Environment::builder("/Users/alice").platform(Platform::MacOs);
        for (k, v) in vars {
            b = b.var(k, v);
        }
        b.build()
    }

    #[test]
    fn service_name_follows_the_config_dir_rules() {
        assert_eq!(service_name(&env_with(&[])), BASE_SERVICE);
        // `printf %s /tmp/cfg | sha256sum` starts with 519e587f.
        let expected = format!("{BASE_SERVICE}-519e587f");
        assert_eq!(
            service_name(&env_with(&[("CLAUDE_CONFIG_DIR", "/tmp/cfg")])),
            expected
        );
        assert_eq!(
            service_name(&env_with(&[
                ("CLAUDE_CONFIG_DIR", "/elsewhere"),
                ("CLAUDE_SECURESTORAGE_CONFIG_DIR", "/tmp/cfg")
            ])),
            expected
        );
        assert_eq!(
            service_name(&env_with(&[
                ("CLAUDE_CONFIG_DIR", "/elsewhere"),
                ("CLAUDE_SECURESTORAGE_CONFIG_DIR", "")
            ])),
            BASE_SERVICE
        );
        // NFC: a decomposed "é" hashes like the composed one.
        assert_eq!(
            service_name(&env_with(&[("CLAUDE_CONFIG_DIR", "/tmp/cafe\u{301}")])),
            format!("{BASE_SERVICE}-0873cca0")
        );
    }

    #[test]
    fn account_rules() {
        assert_eq!(
            account_name(&env_with(&[("USER", "bob.s_1-x")])),
            "bob.s_1-x"
        );
        assert_eq!(
            account_name(&env_with(&[("USER", "bob smith")])),
            FALLBACK_ACCOUNT
        );
        assert_eq!(account_name(&env_with(&[])), "alice");
    }

    #[test]
    fn hex_printed_passwords_are_decoded() {
        let json = r#"{"claudeAiOauth":{"accessToken":"a","scopes":["user:inference"]}}"#;
        let printed = format!("{}\n", encode_hex(json.as_bytes()));
        assert!(matches!(
            parse_password(printed.as_bytes()),
            CredentialsState::Parsed(_)
        ));
        assert_eq!(password_bytes(printed.as_bytes()), json.as_bytes());
        assert_eq!(
            password_bytes(format!("{json}\n").as_bytes()),
            json.as_bytes()
        );
    }
}
