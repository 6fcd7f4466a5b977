//! Google application-default credentials (Vertex AI): where the CLI's google-auth-library finds
//! the file, and the fields its `type` needs. Shared by the offline check (`endpoint`) and the
//! token exchange (`live::vertex`), so both read the same file.

use super::CheckCtx;
use crate::resolve::{self, EnvValue, Mode};
use std::path::PathBuf;

/// The variable that names the file.
pub const CREDENTIALS_VAR: &str = "GOOGLE_APPLICATION_CREDENTIALS";
/// The variable that moves gcloud's folder (and the file gcloud writes in it).
pub const CLOUDSDK_CONFIG_VAR: &str = "CLOUDSDK_CONFIG";

/// Where the application-default credentials are read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdcLocation {
    pub path: PathBuf,
    /// `GOOGLE_APPLICATION_CREDENTIALS`, or `gcloud application default credentials`.
    pub source: &'static str,
    /// The variable that chose the file and its value, when one did (the trust rule needs to
    /// know whether an untrusted folder's settings chose it).
    pub chosen_by: Option<(&'static str, EnvValue)>,
}

/// `GOOGLE_APPLICATION_CREDENTIALS`, else gcloud's own file:
/// `$CLOUDSDK_CONFIG/application_default_credentials.json`, by default under `~/.config/gcloud`.
#[must_use]
pub fn locate(ctx: &CheckCtx) -> AdcLocation {
    let env = &ctx.env;
    let var = |name| resolve::effective_var(name, env, &ctx.facts, Mode::Interactive);
    if let Some(v) = var(CREDENTIALS_VAR) {
        return AdcLocation {
            path: env.expand_home(&v.value),
            source: CREDENTIALS_VAR,
            chosen_by: Some((CREDENTIALS_VAR, v)),
        };
    }
    let config = var(CLOUDSDK_CONFIG_VAR);
    let base = config.as_ref().map_or_else(
        || env.home().join(".config/gcloud"),
        |v| env.expand_home(&v.value),
    );
    AdcLocation {
        path: base.join("application_default_credentials.json"),
        source: "gcloud application default credentials",
        chosen_by: config.map(|v| (CLOUDSDK_CONFIG_VAR, v)),
    }
}

/// The file's `type`, when it has one.
#[must_use]
pub fn kind(v: &serde_json::Value) -> Option<&str> {
    v.get("type").and_then(|t| t.as_str())
}

/// What is wrong with an application-default credentials file, by its `type` (field names
/// only; values are secrets and never shown).
#[must_use]
pub fn problem(v: &serde_json::Value) -> Option<String> {
    let Some(kind) = kind(v) else {
        return Some("has no \"type\"".to_string());
    };
    let required: &[&str] = match kind {
        "authorized_user" => &["client_id", "client_secret", "refresh_token"],
        "service_account" => &["client_email", "private_key", "token_uri"],
        "external_account" => &["audience", "subject_token_type", "token_url"],
        "impersonated_service_account" => {
            &["service_account_impersonation_url", "source_credentials"]
        }
        "external_account_authorized_user" => &["refresh_token", "token_url"],
        other => return Some(format!("has an unknown \"type\": \"{other}\"")),
    };
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|f| {
            v.get(*f)
                .is_none_or(|x| x.is_null() || x.as_str().is_some_and(|s| s.trim().is_empty()))
        })
        .collect();
    (!missing.is_empty()).then(|| format!("({kind}) lacks {}", missing.join(", ")))
}
