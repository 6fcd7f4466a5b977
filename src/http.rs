//! The HTTP client for the live check, built from the [`Environment`] snapshot only: never the
//! process environment, never the OS proxy settings.
//!
//! It mirrors what the CLI's runtime does with the shell's variables:
//! - **Proxy**: the first of `https_proxy`, `HTTPS_PROXY`, `http_proxy`, `HTTP_PROXY` (the CLI's
//!   lookup order), used for every request, minus the hosts in `NO_PROXY`/`no_proxy`. Only the
//!   shell's values count: a settings-file `env` proxy is not applied to the CLI's API calls
//!   (anthropics/claude-code#11660), so it is not applied here either.
//! - **Trust**: the stores `CLAUDE_CODE_CERT_STORE` selects (bundled Mozilla roots and the OS
//!   store by default; see [`trust`]) plus the PEM file in `NODE_EXTRA_CA_CERTS` (shell only; a
//!   settings-file value has no effect on API calls, #22512). The verifier records which store
//!   trusted or refused each server's chain.
//! - **Timeouts**: both the connect and the total time are bounded by the caller's limit.
//! - **Redirects** are not followed: the API never redirects, and following one would carry the
//!   `x-api-key` header to another host.

pub mod trust;

use crate::env::Environment;
use rustls::pki_types::CertificateDer;
use std::time::Duration;
pub use trust::{StoreChoice, Trust, TrustStore, TrustVerdict};

/// Our user agent.
pub const USER_AGENT: &str = concat!("claude-auth-tui/", env!("CARGO_PKG_VERSION"));

/// Proxy variables, in the CLI's lookup order.
pub const PROXY_VARS: &[&str] = &["https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY"];

/// Proxy exemption variables, in lookup order.
pub const NO_PROXY_VARS: &[&str] = &["NO_PROXY", "no_proxy"];

/// The extra-CA variable the runtime reads at start-up.
pub const EXTRA_CA_VAR: &str = "NODE_EXTRA_CA_CERTS";

/// Largest extra-CA file we read.
const MAX_CA_FILE: u64 = 8 * 1024 * 1024;

/// The proxy the shell sets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxySetting {
    /// The variable it came from.
    pub var: &'static str,
    /// The raw value: may hold a user name and password, so print [`ProxySetting::display`].
    pub url: String,
}

impl ProxySetting {
    /// The proxy URL with any password hidden: `http://user:***@proxy:3128`.
    #[must_use]
    pub fn display(&self) -> String {
        redact_url(&self.url)
    }

    /// `HTTPS_PROXY=http://proxy:3128`.
    #[must_use]
    pub fn describe(&self) -> String {
        format!("{}={}", self.var, self.display())
    }
}

/// The shell's proxy exemptions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoProxySetting {
    pub var: &'static str,
    pub value: String,
}

impl NoProxySetting {
    /// The list in the comma-separated form `reqwest::NoProxy` parses (the CLI also accepts
    /// spaces as separators).
    #[must_use]
    pub fn normalized(&self) -> String {
        self.value
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// The first proxy variable set in the snapshot, in the CLI's order.
#[must_use]
pub fn proxy_setting(env: &Environment) -> Option<ProxySetting> {
    PROXY_VARS.iter().find_map(|var| {
        env.var(var).map(|v| ProxySetting {
            var,
            url: v.trim().to_string(),
        })
    })
}

/// `NO_PROXY`, else `no_proxy`, from the snapshot.
#[must_use]
pub fn no_proxy_setting(env: &Environment) -> Option<NoProxySetting> {
    NO_PROXY_VARS.iter().find_map(|var| {
        env.var(var).map(|v| NoProxySetting {
            var,
            value: v.to_string(),
        })
    })
}

/// The proxy a request to `url` goes through, after the `NO_PROXY` rules (the same matcher
/// reqwest uses). `None` means a direct connection.
#[must_use]
pub fn proxy_for(env: &Environment, url: &str) -> Option<ProxySetting> {
    let proxy = proxy_setting(env)?;
    let no = no_proxy_setting(env).map(|n| n.normalized());
    let matcher = hyper_util::client::proxy::matcher::Matcher::builder()
        .all(proxy.url.clone())
        .no(no.unwrap_or_default())
        .build();
    let uri = url.parse().ok()?;
    matcher.intercept(&uri).map(|_| proxy)
}

/// What became of `NODE_EXTRA_CA_CERTS`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExtraCaState {
    /// This many certificates were added as roots.
    Loaded(usize),
    /// The file could not be read.
    Unreadable(String),
    /// The file holds no PEM certificate.
    NoCertificates,
}

/// `NODE_EXTRA_CA_CERTS` and its fate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtraCa {
    /// The path, as shown to the user (`~` for home).
    pub shown: String,
    pub state: ExtraCaState,
}

impl ExtraCa {
    /// One line for the report.
    #[must_use]
    pub fn describe(&self) -> String {
        match &self.state {
            ExtraCaState::Loaded(n) => format!(
                "{EXTRA_CA_VAR}={}: {n} certificate{} added",
                self.shown,
                if *n == 1 { "" } else { "s" }
            ),
            ExtraCaState::Unreadable(e) => {
                format!("{EXTRA_CA_VAR}={}: could not be read ({e})", self.shown)
            }
            ExtraCaState::NoCertificates => format!(
                "{EXTRA_CA_VAR}={}: no PEM certificate found in it",
                self.shown
            ),
        }
    }
}

/// A ready client and what went into it, for the report.
#[derive(Clone, Debug)]
pub struct HttpSetup {
    pub client: reqwest::Client,
    pub proxy: Option<ProxySetting>,
    pub no_proxy: Option<NoProxySetting>,
    pub extra_ca: Option<ExtraCa>,
    /// The stores trusted, and what each decided.
    pub trust: Trust,
    pub timeout: Duration,
}

/// Why no client could be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("{var} is not a usable proxy URL ({shown}): {reason}")]
    BadProxy {
        var: &'static str,
        shown: String,
        reason: String,
    },
    #[error("could not set up the HTTP client: {0}")]
    Client(String),
}

/// Builds the client from the snapshot. Reads the `NODE_EXTRA_CA_CERTS` file (blocking, small).
///
/// # Errors
/// A proxy variable that is not a URL, or a TLS set-up failure.
pub fn build(env: &Environment, timeout: Duration) -> Result<HttpSetup, BuildError> {
    let proxy = proxy_setting(env);
    let no_proxy = no_proxy_setting(env);
    let mut builder = reqwest::Client::builder()
        .no_proxy()
        .user_agent(USER_AGENT)
        .connect_timeout(timeout)
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none());

    if let Some(p) = &proxy {
        let rp = reqwest::Proxy::all(p.url.as_str()).map_err(|e| BuildError::BadProxy {
            var: p.var,
            shown: p.display(),
            reason: crate::secret::scrub(&e.to_string(), &[p.url.as_str()]),
        })?;
        let rp = rp.no_proxy(
            no_proxy
                .as_ref()
                .and_then(|n| reqwest::NoProxy::from_string(&n.normalized())),
        );
        builder = builder.proxy(rp);
    }

    let (extra_ca, extra_certs) = load_extra_ca(env);
    let trust = Trust::load(env, &extra_certs);
    builder = builder.tls_backend_preconfigured(trust.client_config());

    let client = builder
        .build()
        .map_err(|e| BuildError::Client(error_chain(&e)))?;
    Ok(HttpSetup {
        client,
        proxy,
        no_proxy,
        extra_ca,
        trust,
        timeout,
    })
}

fn load_extra_ca(env: &Environment) -> (Option<ExtraCa>, Vec<CertificateDer<'static>>) {
    let Some(raw) = env.var(EXTRA_CA_VAR) else {
        return (None, Vec::new());
    };
    let path = env.expand_home(raw.trim());
    let shown = env.display_path(&path);
    let read = match crate::files::read_bytes(&path, MAX_CA_FILE) {
        Ok(Some(file)) => Ok(file.bytes),
        Ok(None) => Err("does not exist".to_string()),
        Err(e) => Err(e.to_string()),
    };
    let (state, certs) = match read {
        Err(e) => (ExtraCaState::Unreadable(e), Vec::new()),
        Ok(bytes) => {
            let certs = trust::pem_certificates(&bytes);
            if certs.is_empty() {
                (ExtraCaState::NoCertificates, certs)
            } else {
                (ExtraCaState::Loaded(certs.len()), certs)
            }
        }
    };
    (Some(ExtraCa { shown, state }), certs)
}

/// `scheme://host:port/path` with any user info replaced: `user:***@`.
#[must_use]
pub fn redact_url(raw: &str) -> String {
    match reqwest::Url::parse(raw) {
        Ok(mut url) if url.has_host() => {
            if url.password().is_some() {
                let _ = url.set_password(Some("***"));
            }
            let text = url.to_string();
            match text.strip_suffix('/') {
                Some(bare) if url.path() == "/" && url.query().is_none() => bare.to_string(),
                _ => text,
            }
        }
        _ => match raw.rfind('@') {
            // Not a URL: still never show what precedes an `@`.
            Some(at) => format!("***@{}", &raw[at + 1..]),
            None => raw.to_string(),
        },
    }
}

/// An error and all its sources, joined with `: ` (io errors' inner errors included).
#[must_use]
pub fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    for e in ErrorChain::new(err) {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

/// Walks an error's sources. Unlike `source()` alone, it also steps into the error wrapped by an
/// `io::Error` (whose `source()` skips it), where rustls and hyper put the real cause.
pub struct ErrorChain<'a> {
    next: Option<&'a (dyn std::error::Error + 'static)>,
}

impl<'a> ErrorChain<'a> {
    #[must_use]
    pub fn new(err: &'a (dyn std::error::Error + 'static)) -> Self {
        Self { next: Some(err) }
    }
}

impl<'a> Iterator for ErrorChain<'a> {
    type Item = &'a (dyn std::error::Error + 'static);

    fn next(&mut self) -> Option<Self::Item> {
        let current = self.next?;
        self.next = match current.downcast_ref::<std::io::Error>() {
            Some(io) => match io.get_ref() {
                Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
                None => None,
            },
            None => current.source(),
        };
        Some(current)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_with(vars: &[(&str, &str)]) -> Environment {
        let mut b = Environment::builder("/nonexistent-home-for-test");
        for (k, v) in vars {
            b = b.var(k, v);
        }
        b.build()
    }

    #[test]
    fn proxy_lookup_follows_the_cli_order() {
        let env = env_with(&[
            ("HTTP_PROXY", "http://d:1"),
            ("http_proxy", "http://c:1"),
            ("HTTPS_PROXY", "http://b:1"),
        ]);
        assert_eq!(proxy_setting(&env).unwrap().var, "HTTPS_PROXY");
        let env = env_with(&[("HTTP_PROXY", "http://d:1"), ("http_proxy", "http://c:1")]);
        assert_eq!(proxy_setting(&env).unwrap().var, "http_proxy");
        let env = env_with(&[("https_proxy", "http://a:1"), ("HTTPS_PROXY", "http://b:1")]);
        assert_eq!(proxy_setting(&env).unwrap().url, "http://a:1");
        assert!(proxy_setting(&env_with(&[("HTTPS_PROXY", "")])).is_none());
    }

    #[test]
    fn no_proxy_exempts_hosts_with_commas_or_spaces() {
        let env = env_with(&[
            ("HTTPS_PROXY", "http://proxy.corp:3128"),
            ("NO_PROXY", "localhost 127.0.0.1, .internal"),
        ]);
        assert!(proxy_for(&env, "http://127.0.0.1:9/").is_none());
        assert!(proxy_for(&env, "https://api.internal/").is_none());
        assert_eq!(
            proxy_for(&env, "https://api.anthropic.com/")
                .unwrap()
                .display(),
            "http://proxy.corp:3128"
        );
        let env = env_with(&[("HTTPS_PROXY", "http://p:1"), ("no_proxy", "*")]);
        assert!(proxy_for(&env, "https://api.anthropic.com/").is_none());
    }

    #[test]
    fn proxy_passwords_are_hidden() {
        let p = ProxySetting {
            var: "HTTPS_PROXY",
            url: "http://alice:s3cretpass@proxy:3128".into(),
        };
        assert_eq!(p.display(), "http://alice:***@proxy:3128");
        assert!(!p.describe().contains("s3cret"));
        assert_eq!(redact_url("alice:pw@proxy:1"), "***@proxy:1");
    }

    #[test]
    fn builds_with_and_without_extras() {
        let env = env_with(&[
            ("HTTPS_PROXY", "http://user:pw@127.0.0.1:9"),
            ("NO_PROXY", "localhost"),
            ("NODE_EXTRA_CA_CERTS", "/nonexistent/ca.pem"),
        ]);
        let setup = build(&env, Duration::from_secs(1)).expect("client");
        assert_eq!(setup.proxy.unwrap().var, "HTTPS_PROXY");
        let ca = setup.extra_ca.unwrap();
        assert!(matches!(ca.state, ExtraCaState::Unreadable(_)), "{ca:?}");
        assert!(build(&env_with(&[]), Duration::from_secs(1)).is_ok());
    }
}
