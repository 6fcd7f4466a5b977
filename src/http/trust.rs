//! Which certificates the CLI trusts, mirrored, and a verifier that says which store trusted or
//! refused a server's chain.
//!
//! The CLI's runtime (verified on 2.1.197) reads `CLAUDE_CODE_CERT_STORE`, a comma list of
//! `bundled` (its Mozilla roots) and `system` (the OS store); the default is both. Without that
//! variable, `NODE_OPTIONS=--use-system-ca` (or `--use-openssl-ca`) means the system store only.
//! `NODE_EXTRA_CA_CERTS` is added to whatever the stores gave.
//!
//! The system store is read as the OS has it, from the [`Environment`] snapshot (never the
//! process environment): on Linux and other Unix systems the `SSL_CERT_FILE` bundle (else the
//! distribution's bundle) and the `SSL_CERT_DIR` folders, as OpenSSL does; on macOS and Windows
//! the platform store (Keychain, certificate store) through `rustls-native-certs`.

use crate::env::Environment;
use crate::files::{self, FileRead};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The variable that picks the stores.
pub const CERT_STORE_VAR: &str = "CLAUDE_CODE_CERT_STORE";

/// Distribution bundles, in OpenSSL-probe order: the first that exists is the system bundle
/// when `SSL_CERT_FILE` is not set.
const DEFAULT_BUNDLES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/ca-bundle.pem",
    "/etc/ssl/cert.pem",
    "/etc/pki/tls/cacert.pem",
    "/usr/local/share/certs/ca-root-nss.crt",
];
/// The hashed-certificate folder read when neither `SSL_CERT_DIR` nor a bundle is found.
const DEFAULT_DIR: &str = "/etc/ssl/certs";
/// Largest bundle read.
const MAX_BUNDLE: u64 = 8 * 1024 * 1024;
/// Largest single file read from a certificate folder.
const MAX_DIR_FILE: u64 = 1024 * 1024;
/// Most files read from one certificate folder.
const MAX_DIR_FILES: usize = 4096;

/// One root store the runtime can trust.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrustStore {
    /// The runtime's bundled Mozilla roots.
    Bundled,
    /// The operating system's store.
    System,
}

impl TrustStore {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bundled => "bundled",
            Self::System => "system",
        }
    }
}

/// The stores the snapshot selects, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreChoice {
    pub stores: Vec<TrustStore>,
    /// "default", "`CLAUDE_CODE_CERT_STORE=system`", "NODE_OPTIONS=--use-system-ca".
    pub reason: String,
}

/// The stores `CLAUDE_CODE_CERT_STORE` (else `NODE_OPTIONS`, else the default) selects.
#[must_use]
pub fn cert_stores(env: &Environment) -> StoreChoice {
    let both = vec![TrustStore::Bundled, TrustStore::System];
    if let Some(raw) = env.var(CERT_STORE_VAR).filter(|v| !v.trim().is_empty()) {
        let mut stores = Vec::new();
        for part in raw.split(',').map(|p| p.trim().to_ascii_lowercase()) {
            let store = match part.as_str() {
                "bundled" => TrustStore::Bundled,
                "system" => TrustStore::System,
                _ => continue,
            };
            if !stores.contains(&store) {
                stores.push(store);
            }
        }
        if stores.is_empty() {
            return StoreChoice {
                stores: both,
                reason: format!("{CERT_STORE_VAR}={raw} names no known store: the default"),
            };
        }
        return StoreChoice {
            stores,
            reason: format!("{CERT_STORE_VAR}={}", raw.trim()),
        };
    }
    let flag = env.var("NODE_OPTIONS").and_then(|o| {
        o.split_whitespace()
            .find(|a| matches!(*a, "--use-system-ca" | "--use-openssl-ca"))
    });
    if let Some(flag) = flag {
        return StoreChoice {
            stores: vec![TrustStore::System],
            reason: format!("NODE_OPTIONS={flag}"),
        };
    }
    if env.truthy("NODE_USE_SYSTEM_CA") {
        return StoreChoice {
            stores: vec![TrustStore::System],
            reason: "NODE_USE_SYSTEM_CA".to_string(),
        };
    }
    StoreChoice {
        stores: both,
        reason: "default".to_string(),
    }
}

/// The OS store as read: the certificates and where they came from.
#[derive(Clone, Debug, Default)]
pub struct SystemStore {
    pub certs: Vec<CertificateDer<'static>>,
    /// "`SSL_CERT_FILE=/x` (2 certificates)", "/etc/ssl/certs/ca-certificates.crt (146)".
    pub sources: Vec<String>,
    /// What could not be read.
    pub problems: Vec<String>,
}

impl SystemStore {
    /// One line: where the system store came from.
    #[must_use]
    pub fn describe(&self) -> String {
        let mut parts = self.sources.clone();
        parts.extend(self.problems.iter().cloned());
        if parts.is_empty() {
            "no system certificates found".to_string()
        } else {
            parts.join("; ")
        }
    }
}

/// Reads the system store the way the OS has it (see the module notes).
#[must_use]
pub fn load_system(env: &Environment) -> SystemStore {
    #[cfg(any(target_os = "macos", windows))]
    {
        // The platform store (Keychain / certificate store); no file paths to honour there.
        let _ = env;
        let found = rustls_native_certs::load_native_certs();
        let mut store = SystemStore::default();
        store.sources.push(format!(
            "the {} ({} certificates)",
            if cfg!(windows) {
                "Windows certificate store"
            } else {
                "macOS Keychain"
            },
            found.certs.len()
        ));
        store
            .problems
            .extend(found.errors.iter().map(ToString::to_string));
        store.certs = found.certs;
        store
    }
    #[cfg(not(any(target_os = "macos", windows)))]
    {
        load_openssl_paths(env)
    }
}

/// `SSL_CERT_FILE` (else the first distribution bundle) and `SSL_CERT_DIR` (a `:` list; else
/// the default folder, read only when no bundle exists: on distributions that have both they
/// hold the same roots).
#[cfg_attr(any(target_os = "macos", windows), allow(dead_code))]
fn load_openssl_paths(env: &Environment) -> SystemStore {
    let mut store = SystemStore::default();
    let file_var = env.var("SSL_CERT_FILE").filter(|v| !v.trim().is_empty());
    let bundle: Option<(PathBuf, String)> = match file_var {
        Some(v) => {
            let path = env.expand_home(v.trim());
            let shown = format!("SSL_CERT_FILE={}", env.display_path(&path));
            Some((path, shown))
        }
        None => DEFAULT_BUNDLES
            .iter()
            .map(PathBuf::from)
            .find(|p| p.is_file())
            .map(|p| {
                let shown = p.display().to_string();
                (p, shown)
            }),
    };
    if let Some((path, shown)) = &bundle {
        match read_pem_file(path, MAX_BUNDLE) {
            Ok(certs) => {
                store
                    .sources
                    .push(format!("{shown} ({})", count(certs.len())));
                store.certs.extend(certs);
            }
            Err(why) => store.problems.push(format!("{shown}: {why}")),
        }
    }
    let dirs: Vec<(PathBuf, String)> = match env.var("SSL_CERT_DIR").filter(|v| !v.is_empty()) {
        Some(list) => list
            .split(':')
            .filter(|d| !d.trim().is_empty())
            .map(|d| {
                let path = env.expand_home(d.trim());
                let shown = format!("SSL_CERT_DIR={}", env.display_path(&path));
                (path, shown)
            })
            .collect(),
        None if bundle.is_none() => vec![(PathBuf::from(DEFAULT_DIR), DEFAULT_DIR.to_string())],
        None => Vec::new(),
    };
    for (dir, shown) in dirs {
        match read_pem_dir(&dir) {
            Ok(certs) => {
                store
                    .sources
                    .push(format!("{shown} ({})", count(certs.len())));
                store.certs.extend(certs);
            }
            Err(why) => store.problems.push(format!("{shown}: {why}")),
        }
    }
    store
}

fn count(n: usize) -> String {
    format!("{n} certificate{}", if n == 1 { "" } else { "s" })
}

/// Every certificate in a PEM file (bad blocks skipped), read through the bounded reader.
fn read_pem_file(path: &Path, limit: u64) -> Result<Vec<CertificateDer<'static>>, String> {
    match files::read_text_limited(path, limit) {
        FileRead::Text(t) => Ok(pem_certificates(t.text.as_bytes())),
        FileRead::Missing => Err("does not exist".to_string()),
        FileRead::Problem(p) => Err(p.clone()),
    }
}

/// Every certificate in the regular files of a folder (OpenSSL's hashed links included).
fn read_pem_dir(dir: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| files::describe_io_error(&e))?;
    let mut certs = Vec::new();
    for entry in entries.flatten().take(MAX_DIR_FILES) {
        let path = entry.path();
        if !path.is_file() {
            continue;
        }
        if let Ok(found) = read_pem_file(&path, MAX_DIR_FILE) {
            for cert in found {
                if !certs.contains(&cert) {
                    certs.push(cert);
                }
            }
        }
    }
    Ok(certs)
}

/// Every parseable certificate in a PEM bundle (bad blocks are skipped, as the runtime does).
#[must_use]
pub fn pem_certificates(bytes: &[u8]) -> Vec<CertificateDer<'static>> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let text = String::from_utf8_lossy(bytes);
    let mut out = Vec::new();
    let mut rest = text.as_ref();
    while let Some(start) = rest.find(BEGIN) {
        let Some(len) = rest[start..].find(END) else {
            break;
        };
        let block = &rest[start..start + len + END.len()];
        if let Ok(cert) = CertificateDer::from_pem_slice(block.as_bytes())
            && webpki_parses(&cert)
        {
            out.push(cert);
        }
        rest = &rest[start + len + END.len()..];
    }
    out
}

/// Whether a certificate can serve as a root (what `RootCertStore` accepts).
fn webpki_parses(cert: &CertificateDer<'_>) -> bool {
    RootCertStore::empty()
        .add_parsable_certificates([cert.clone()])
        .0
        == 1
}

/// What the verifier decided for one server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustVerdict {
    pub host: String,
    /// The store that trusted the chain, if one did.
    pub trusted_by: Option<String>,
    /// Each store that refused it, and why.
    pub refused: Vec<(String, String)>,
}

impl TrustVerdict {
    /// "trusted by the system store (`SSL_CERT_FILE`=…); refused by the bundled roots (`UnknownIssuer`)".
    #[must_use]
    pub fn describe(&self) -> String {
        let refused = self
            .refused
            .iter()
            .map(|(store, why)| format!("refused by {store} ({why})"))
            .collect::<Vec<_>>()
            .join("; ");
        match (&self.trusted_by, refused.is_empty()) {
            (Some(by), true) => format!("the certificate of {} is trusted by {by}", self.host),
            (Some(by), false) => {
                format!(
                    "the certificate of {} is trusted by {by}; {refused}",
                    self.host
                )
            }
            (None, false) => format!("the certificate of {}: {refused}", self.host),
            (None, true) => format!(
                "the certificate of {}: no store to check it against",
                self.host
            ),
        }
    }
}

/// The verdicts of one client, in handshake order.
pub type TrustLog = Arc<Mutex<Vec<TrustVerdict>>>;

/// The trust the snapshot selects, ready to verify.
#[derive(Clone, Debug)]
pub struct Trust {
    pub choice: StoreChoice,
    /// The system store, when selected.
    pub system: Option<SystemStore>,
    pub log: TrustLog,
    verifier: Arc<StoreVerifier>,
}

impl Trust {
    /// Loads the selected stores (blocking, bounded reads) with the extra CA certificates
    /// appended.
    #[must_use]
    pub fn load(env: &Environment, extra: &[CertificateDer<'static>]) -> Self {
        let choice = cert_stores(env);
        let system = choice
            .stores
            .contains(&TrustStore::System)
            .then(|| load_system(env));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let log: TrustLog = Arc::default();
        let mut candidates = Vec::new();
        let mut union: Vec<CertificateDer<'static>> = Vec::new();
        for store in &choice.stores {
            let (label, certs): (String, Vec<CertificateDer<'static>>) = match store {
                TrustStore::Bundled => (
                    "the bundled roots".to_string(),
                    webpki_root_certs::TLS_SERVER_ROOT_CERTS.to_vec(),
                ),
                TrustStore::System => {
                    let sys = system.as_ref().map(|s| s.certs.clone()).unwrap_or_default();
                    let from = system
                        .as_ref()
                        .map(SystemStore::describe)
                        .unwrap_or_default();
                    (format!("the system store ({from})"), sys)
                }
            };
            union.extend(certs.iter().cloned());
            if let Some(v) = verifier_for(&certs, &provider) {
                candidates.push((label, v));
            }
        }
        if !extra.is_empty() {
            union.extend(extra.iter().cloned());
            if let Some(v) = verifier_for(&union, &provider) {
                candidates.push(("NODE_EXTRA_CA_CERTS (added to the stores)".to_string(), v));
            }
        }
        let verifier = Arc::new(StoreVerifier {
            candidates,
            log: Arc::clone(&log),
            provider,
        });
        Self {
            choice,
            system,
            log,
            verifier,
        }
    }

    /// One line for the report: which stores, and where the system one came from.
    #[must_use]
    pub fn describe(&self) -> String {
        let names: Vec<String> = self
            .choice
            .stores
            .iter()
            .map(|s| match s {
                TrustStore::Bundled => "bundled Mozilla roots".to_string(),
                TrustStore::System => format!(
                    "the system store ({})",
                    self.system
                        .as_ref()
                        .map(SystemStore::describe)
                        .unwrap_or_default()
                ),
            })
            .collect();
        format!("{} ({})", names.join(" + "), self.choice.reason)
    }

    /// The rustls configuration for the HTTP client.
    #[must_use]
    pub fn client_config(&self) -> rustls::ClientConfig {
        let mut config =
            rustls::ClientConfig::builder_with_provider(Arc::clone(&self.verifier.provider))
                .with_safe_default_protocol_versions()
                .expect("the default provider supports the default versions")
                .dangerous()
                .with_custom_certificate_verifier(
                    Arc::clone(&self.verifier) as Arc<dyn ServerCertVerifier>
                )
                .with_no_client_auth();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        config
    }

    /// The verdict for `host`, once a handshake with it was tried.
    #[must_use]
    pub fn verdict(&self, host: &str) -> Option<TrustVerdict> {
        self.log
            .lock()
            .ok()?
            .iter()
            .rev()
            .find(|v| v.host == host)
            .cloned()
    }
}

fn verifier_for(
    certs: &[CertificateDer<'static>],
    provider: &Arc<CryptoProvider>,
) -> Option<Arc<WebPkiServerVerifier>> {
    let mut roots = RootCertStore::empty();
    roots.add_parsable_certificates(certs.iter().cloned());
    if roots.is_empty() {
        return None;
    }
    WebPkiServerVerifier::builder_with_provider(Arc::new(roots), Arc::clone(provider))
        .build()
        .ok()
}

/// Tries each store in turn and records which one trusted (or every one that refused) the
/// chain.
#[derive(Debug)]
struct StoreVerifier {
    candidates: Vec<(String, Arc<WebPkiServerVerifier>)>,
    log: TrustLog,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for StoreVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let mut verdict = TrustVerdict {
            host: server_name.to_str().into_owned(),
            trusted_by: None,
            refused: Vec::new(),
        };
        // The most telling error: "expired" from a store that knows the issuer beats
        // "unknown issuer" from one that does not.
        let mut error: Option<rustls::Error> = None;
        let mut result = None;
        for (label, verifier) in &self.candidates {
            match verifier.verify_server_cert(
                end_entity,
                intermediates,
                server_name,
                ocsp_response,
                now,
            ) {
                Ok(ok) => {
                    verdict.trusted_by = Some(label.clone());
                    result = Some(ok);
                    break;
                }
                Err(e) => {
                    verdict.refused.push((label.clone(), short_reason(&e)));
                    let unknown = matches!(
                        e,
                        rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer)
                    );
                    if error.is_none() || !unknown {
                        error = Some(e);
                    }
                }
            }
        }
        if let Ok(mut log) = self.log.lock() {
            log.push(verdict);
        }
        result.ok_or_else(|| {
            error.unwrap_or(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer,
            ))
        })
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// "`UnknownIssuer`", "Expired", …: the rustls reason without its context.
fn short_reason(e: &rustls::Error) -> String {
    match e {
        rustls::Error::InvalidCertificate(c) => {
            let text = format!("{c:?}");
            text.split(['{', '(', ' '])
                .next()
                .unwrap_or("invalid")
                .to_string()
        }
        other => other.to_string(),
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
    fn the_default_is_both_stores() {
        let c = cert_stores(&env_with(&[]));
        assert_eq!(c.stores, vec![TrustStore::Bundled, TrustStore::System]);
        assert_eq!(c.reason, "default");
    }

    #[test]
    fn cert_store_variable_wins_over_node_options() {
        let c = cert_stores(&env_with(&[
            (CERT_STORE_VAR, " Bundled "),
            ("NODE_OPTIONS", "--use-system-ca"),
        ]));
        assert_eq!(c.stores, vec![TrustStore::Bundled]);
        let c = cert_stores(&env_with(&[(CERT_STORE_VAR, "system,bundled,system")]));
        assert_eq!(c.stores, vec![TrustStore::System, TrustStore::Bundled]);
        let c = cert_stores(&env_with(&[(CERT_STORE_VAR, "nonsense")]));
        assert_eq!(c.stores.len(), 2, "{c:?}");
    }

    #[test]
    fn system_ca_flags_mean_system_only() {
        for opts in [
            "--max-old-space-size=4096 --use-system-ca",
            "--use-openssl-ca",
        ] {
            let c = cert_stores(&env_with(&[("NODE_OPTIONS", opts)]));
            assert_eq!(c.stores, vec![TrustStore::System], "{opts}");
        }
        let c = cert_stores(&env_with(&[("NODE_USE_SYSTEM_CA", "1")]));
        assert_eq!(c.stores, vec![TrustStore::System]);
    }

    #[test]
    fn bad_pem_blocks_are_skipped() {
        let text = b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
        assert!(pem_certificates(text).is_empty());
    }
}
