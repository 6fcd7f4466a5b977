//! `endpoint`: where requests go and what stands in the way: a custom or malformed base URL,
//! Bedrock / Vertex / Foundry credentials, proxies, extra CA certificates, disabled TLS checks.

use super::CheckCtx;
use crate::files::{self, FileRead};
use crate::ids::{CauseId, CheckId, FixId};
use crate::outcome::{CheckOutcome, ProfileLine, ProfileLineState, Status};
use crate::resolve::{self, EnvValue, Mode, Origin, Provider};
use crate::secret::mask;
use std::path::PathBuf;

#[must_use]
pub fn run(ctx: &CheckCtx) -> CheckOutcome {
    let mut out = CheckOutcome::new(CheckId::Endpoint);
    let ep = &ctx.endpoint;
    let env = &ctx.env;
    out.detail(format!(
        "{} endpoint: {} ({})",
        ep.provider.as_str(),
        crate::secret::scrub(&ep.base_url, &[]),
        if ep.is_custom() {
            format!("{} from {}", ep.source, ep.origin.describe(env))
        } else {
            "default".to_string()
        }
    ));
    check_base_url(&mut out, ctx);
    super::trust::flag_insecure_endpoint(&mut out, ctx);
    match ep.provider {
        Provider::Anthropic => {}
        Provider::Bedrock => check_bedrock(&mut out, ctx),
        Provider::Vertex => check_vertex(&mut out, ctx),
        Provider::Foundry => check_foundry(&mut out, ctx),
    }
    check_proxy(&mut out, ctx);
    check_tls(&mut out, ctx);
    super::custom_oauth::check(&mut out, ctx);

    let default = if ep.is_custom() {
        format!(
            "requests go to {} (custom {})",
            crate::secret::scrub(&ep.base_url, &[]),
            ep.source
        )
    } else {
        format!("requests go to {}", ep.base_url)
    };
    out.finish(&default)
}

fn var(ctx: &CheckCtx, name: &str) -> Option<EnvValue> {
    resolve::effective_var(name, &ctx.env, &ctx.facts, Mode::Interactive)
}

/// Why a base URL will not work, if it will not.
#[must_use]
pub fn base_url_problem(url: &str) -> Option<String> {
    let parsed = match reqwest::Url::parse(url.trim()) {
        Ok(u) => u,
        Err(e) => return Some(format!("is not a valid URL ({e})")),
    };
    if url != url.trim() {
        return Some("has spaces around it".to_string());
    }
    if !matches!(parsed.scheme(), "http" | "https") {
        return Some(format!(
            "uses `{}:`; it must start with https:// (or http://)",
            parsed.scheme()
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Some("has no host".to_string());
    }
    let path = parsed.path().trim_end_matches('/');
    if path.ends_with("/v1") {
        return Some(
            "ends in /v1: Claude Code adds /v1/messages itself, so requests go to /v1/v1/messages and fail with \"There's an issue with the selected model\""
                .to_string(),
        );
    }
    None
}

/// The profile line this shell's custom base URL came from: the last exported, uncommented
/// line setting it to the same value.
#[must_use]
pub fn base_url_profile_line(ctx: &CheckCtx) -> Option<&crate::sources::profiles::Assignment> {
    let ep = &ctx.endpoint;
    if ep.origin != Origin::Shell || !ep.is_custom() {
        return None;
    }
    ctx.facts.profile_assignments.iter().rev().find(|a| {
        a.var == ep.source
            && !a.commented
            && a.exported
            && a.takes_effect()
            && a.value.trim() == ep.base_url.trim()
    })
}

fn check_base_url(out: &mut CheckOutcome, ctx: &CheckCtx) {
    let ep = &ctx.endpoint;
    if !ep.is_custom() {
        return;
    }
    if let Some(problem) = base_url_problem(&ep.base_url) {
        // From the shell: the profile line that set it is where it is wrong, and repaired.
        match base_url_profile_line(ctx) {
            Some(a) => {
                let file = ctx.env.display_path(&a.path);
                out.detail(format!("{} = {}, set at {file}:{}", a.var, a.value, a.line));
                out.find_in_profile(
                    CauseId::BaseUrlInvalid,
                    Status::Fail,
                    format!("{} (set at {file}:{}) {problem}", ep.source, a.line),
                    ProfileLine {
                        var: a.var.clone(),
                        file,
                        line: a.line,
                        state: ProfileLineState::Loaded,
                    },
                );
                if crate::fixes::repair_base_url::corrected(&a.value).is_some() {
                    out.offer(FixId::RepairBaseUrl);
                }
            }
            None => out.find(
                CauseId::BaseUrlInvalid,
                Status::Fail,
                format!("{} ({}) {problem}", ep.source, ep.origin.describe(&ctx.env)),
            ),
        }
        if ep.origin.is_settings() {
            out.offer(FixId::DropOverride);
        }
    } else if ep.provider == Provider::Anthropic {
        out.detail(
            "a custom base URL means a gateway or proxy answers instead of api.anthropic.com; it decides which credential header it accepts (x-api-key or Bearer)",
        );
    }
}

fn aws_file(ctx: &CheckCtx, var_name: &str, default: &str) -> (PathBuf, FileRead) {
    let path = var(ctx, var_name).map_or_else(
        || ctx.env.home().join(default),
        |v| ctx.env.expand_home(&v.value),
    );
    let read = files::read_text(&path);
    (path, read)
}

/// Finds `[name]` or `[profile name]` in an AWS ini file and returns its keys.
#[must_use]
pub fn ini_section(text: &str, name: &str) -> Option<Vec<(String, String)>> {
    let mut in_section = false;
    let mut found = false;
    let mut keys = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') && line.ends_with(']') {
            let header = line[1..line.len() - 1].trim();
            let header = header.strip_prefix("profile ").unwrap_or(header).trim();
            in_section = header == name;
            found |= in_section;
            continue;
        }
        if in_section && let Some((k, v)) = line.split_once('=') {
            keys.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    found.then_some(keys)
}

fn check_bedrock(out: &mut CheckOutcome, ctx: &CheckCtx) {
    let env = &ctx.env;
    let region = var(ctx, "AWS_REGION").or_else(|| var(ctx, "AWS_DEFAULT_REGION"));
    match &region {
        Some(r) => out.detail(format!("AWS region: {}", r.value)),
        None => out.detail("AWS region: not set, Claude Code uses us-east-1"),
    }
    if resolve::effective_truthy(
        "CLAUDE_CODE_SKIP_BEDROCK_AUTH",
        env,
        &ctx.facts,
        Mode::Interactive,
    ) {
        out.detail(
            "CLAUDE_CODE_SKIP_BEDROCK_AUTH is on: no AWS signature is sent (a gateway adds it)",
        );
        return;
    }
    if let Some(token) = var(ctx, "AWS_BEARER_TOKEN_BEDROCK") {
        out.detail(format!("AWS_BEARER_TOKEN_BEDROCK = {}", mask(&token.value)));
        return;
    }
    let key_id = var(ctx, "AWS_ACCESS_KEY_ID");
    let secret = var(ctx, "AWS_SECRET_ACCESS_KEY");
    match (&key_id, &secret) {
        (Some(id), Some(_)) => {
            out.detail(format!(
                "static AWS keys: AWS_ACCESS_KEY_ID = {}{}",
                mask(&id.value),
                if var(ctx, "AWS_SESSION_TOKEN").is_some() {
                    " with a session token (temporary: it expires)"
                } else {
                    ""
                }
            ));
            return;
        }
        (Some(_), None) | (None, Some(_)) => {
            out.find(
                CauseId::BedrockCredentialsMissing,
                Status::Fail,
                "only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set",
            );
            return;
        }
        (None, None) => {}
    }
    if var(ctx, "AWS_WEB_IDENTITY_TOKEN_FILE").is_some()
        || var(ctx, "AWS_CONTAINER_CREDENTIALS_FULL_URI").is_some()
        || var(ctx, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").is_some()
    {
        out.detail(
            "AWS credentials come from the container or web identity (checked by AWS at run time)",
        );
        return;
    }
    let profile = var(ctx, "AWS_PROFILE").map_or_else(|| "default".to_string(), |v| v.value);
    let (cred_path, creds) = aws_file(ctx, "AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials");
    let (config_path, config) = aws_file(ctx, "AWS_CONFIG_FILE", ".aws/config");
    let in_creds = creds.text().and_then(|t| ini_section(t, &profile));
    let in_config = config.text().and_then(|t| ini_section(t, &profile));
    let has = |keys: &Option<Vec<(String, String)>>, name: &str| {
        keys.as_ref()
            .is_some_and(|k| k.iter().any(|(key, _)| key == name))
    };
    if has(&in_creds, "aws_access_key_id") || has(&in_config, "aws_access_key_id") {
        out.detail(format!(
            "AWS profile `{profile}` has keys in {}",
            env.display_path(if in_creds.is_some() {
                &cred_path
            } else {
                &config_path
            })
        ));
    } else if has(&in_config, "sso_session") || has(&in_config, "sso_start_url") {
        out.detail(format!(
            "AWS profile `{profile}` uses SSO ({}): when its session expires, run `aws sso login --profile {profile}`; Claude Code can refresh it via the awsAuthRefresh setting",
            env.display_path(&config_path)
        ));
    } else if has(&in_config, "credential_process")
        || has(&in_config, "role_arn")
        || has(&in_config, "source_profile")
    {
        out.detail(format!(
            "AWS profile `{profile}` gets credentials from a process or role ({})",
            env.display_path(&config_path)
        ));
    } else {
        let why = if in_creds.is_none() && in_config.is_none() {
            format!(
                "AWS profile `{profile}` is in neither {} nor {}",
                env.display_path(&cred_path),
                env.display_path(&config_path)
            )
        } else {
            format!("AWS profile `{profile}` has no keys, SSO or credential process")
        };
        out.find(
            CauseId::BedrockCredentialsMissing,
            Status::Fail,
            format!(
                "Bedrock is on (CLAUDE_CODE_USE_BEDROCK) but no AWS credentials were found: {why}"
            ),
        );
    }
}

fn check_vertex(out: &mut CheckOutcome, ctx: &CheckCtx) {
    let env = &ctx.env;
    match var(ctx, "CLOUD_ML_REGION") {
        Some(r) => out.detail(format!("Vertex region: {}", r.value)),
        None => out.detail("CLOUD_ML_REGION not set: Claude Code uses us-east5"),
    }
    let project = var(ctx, "ANTHROPIC_VERTEX_PROJECT_ID")
        .or_else(|| var(ctx, "GOOGLE_CLOUD_PROJECT"))
        .or_else(|| var(ctx, "GCLOUD_PROJECT"));
    match &project {
        Some(p) => out.detail(format!("GCP project: {}", p.value)),
        None => out.find(
            CauseId::VertexCredentialsMissing,
            Status::Fail,
            "Vertex is on (CLAUDE_CODE_USE_VERTEX) but ANTHROPIC_VERTEX_PROJECT_ID is not set",
        ),
    }
    if resolve::effective_truthy(
        "CLAUDE_CODE_SKIP_VERTEX_AUTH",
        env,
        &ctx.facts,
        Mode::Interactive,
    ) {
        out.detail(
            "CLAUDE_CODE_SKIP_VERTEX_AUTH is on: no Google token is sent (a gateway adds it)",
        );
        return;
    }
    let adc = super::adc::locate(ctx);
    let (path, source) = (adc.path, adc.source);
    let shown = env.display_path(&path);
    match files::read_text(&path) {
        FileRead::Text(t) => match serde_json::from_str::<serde_json::Value>(&t.text) {
            Ok(v) => match super::adc::problem(&v) {
                None => out.detail(format!(
                    "{source}: {shown} ({})",
                    super::adc::kind(&v).unwrap_or("unknown type")
                )),
                Some(problem) => out.find(
                    CauseId::VertexCredentialsMissing,
                    Status::Fail,
                    format!(
                        "{source} {shown} {problem}: Google cannot mint a token from it (run \
                         `gcloud auth application-default login`, or point \
                         GOOGLE_APPLICATION_CREDENTIALS at a complete key file)"
                    ),
                ),
            },
            Err(_) => out.find(
                CauseId::VertexCredentialsMissing,
                Status::Fail,
                format!("{source} {shown} is not valid JSON"),
            ),
        },
        FileRead::Missing => out.find(
            CauseId::VertexCredentialsMissing,
            Status::Fail,
            format!(
                "Vertex is on but there are no Google credentials: {shown} does not exist (run `gcloud auth application-default login`)"
            ),
        ),
        FileRead::Problem(p) => out.find(
            CauseId::VertexCredentialsMissing,
            Status::Fail,
            format!("{source} {shown} {p}"),
        ),
    }
}

fn check_foundry(out: &mut CheckOutcome, ctx: &CheckCtx) {
    if var(ctx, "ANTHROPIC_FOUNDRY_RESOURCE").is_none()
        && var(ctx, "ANTHROPIC_FOUNDRY_BASE_URL").is_none()
    {
        out.find(
            CauseId::FoundryCredentialsMissing,
            Status::Fail,
            "Foundry is on (CLAUDE_CODE_USE_FOUNDRY) but neither ANTHROPIC_FOUNDRY_RESOURCE nor ANTHROPIC_FOUNDRY_BASE_URL is set",
        );
    }
    if let Some(key) = var(ctx, "ANTHROPIC_FOUNDRY_API_KEY") {
        out.detail(format!("ANTHROPIC_FOUNDRY_API_KEY = {}", mask(&key.value)));
    } else if resolve::effective_truthy(
        "CLAUDE_CODE_SKIP_FOUNDRY_AUTH",
        &ctx.env,
        &ctx.facts,
        Mode::Interactive,
    ) {
        out.detail("CLAUDE_CODE_SKIP_FOUNDRY_AUTH is on");
    } else if var(ctx, "AZURE_CLIENT_ID").is_some() || var(ctx, "AZURE_TENANT_ID").is_some() {
        out.detail(
            "no ANTHROPIC_FOUNDRY_API_KEY: Azure credentials from AZURE_* variables are used",
        );
    } else {
        out.detail(
            "no ANTHROPIC_FOUNDRY_API_KEY: Azure's default credential chain is used (`az login`)",
        );
    }
}

fn check_proxy(out: &mut CheckOutcome, ctx: &CheckCtx) {
    let env = &ctx.env;
    // The CLI honours proxies from the environment it starts in.
    for name in ["https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY"] {
        if let Some(value) = env.var(name) {
            match reqwest::Url::parse(value) {
                Ok(_) => out.detail(format!("{name} = {}", crate::http::redact_url(value))),
                Err(e) => out.find(
                    CauseId::EndpointUnreachable,
                    Status::Warn,
                    format!("{name} is not a valid proxy URL ({e}): requests will fail"),
                ),
            }
        }
    }
    if let Some(no_proxy) = env.var("NO_PROXY").or_else(|| env.var("no_proxy")) {
        out.detail(format!("NO_PROXY = {no_proxy}"));
    }
    for name in ["HTTPS_PROXY", "HTTP_PROXY"] {
        if env.var(name).is_none()
            && let Some(v) = resolve::env_candidates(name, env, &ctx.facts)
                .into_iter()
                .find(|c| c.origin.is_settings())
        {
            out.detail(format!(
                "{name} is set only in {}: users report it is not applied to API requests; export it in the shell instead",
                v.origin.describe(env)
            ));
        }
    }
}

fn check_tls(out: &mut CheckOutcome, ctx: &CheckCtx) {
    let env = &ctx.env;
    if let Some(v) = var(ctx, "NODE_TLS_REJECT_UNAUTHORIZED").filter(|v| v.value.trim() == "0") {
        out.find(
            CauseId::TlsVerificationDisabled,
            Status::Warn,
            format!(
                "NODE_TLS_REJECT_UNAUTHORIZED=0 ({}) turns off certificate checks: anyone on the network path can read your key; trust your proxy's CA with NODE_EXTRA_CA_CERTS instead",
                v.origin.describe(env)
            ),
        );
    }
    let Some(ca) = resolve::env_candidates("NODE_EXTRA_CA_CERTS", env, &ctx.facts).pop() else {
        return;
    };
    if ca.origin != Origin::Shell && env.var("NODE_EXTRA_CA_CERTS").is_none() {
        out.find(
            CauseId::TlsUntrusted,
            Status::Warn,
            format!(
                "NODE_EXTRA_CA_CERTS is set only in {}, where Claude Code does not apply it to API connections; export it in the shell that starts claude",
                ca.origin.describe(env)
            ),
        );
    }
    let path = env.expand_home(&ca.value);
    let shown = env.display_path(&path);
    match files::read_text(&path) {
        FileRead::Text(t) if t.text.contains("-----BEGIN CERTIFICATE-----") => {
            let count = t.text.matches("-----BEGIN CERTIFICATE-----").count();
            out.detail(format!(
                "NODE_EXTRA_CA_CERTS = {shown} ({count} certificate{})",
                if count == 1 { "" } else { "s" }
            ));
        }
        FileRead::Text(_) => out.find(
            CauseId::TlsUntrusted,
            Status::Warn,
            format!("NODE_EXTRA_CA_CERTS = {shown} holds no PEM certificate (-----BEGIN CERTIFICATE-----)"),
        ),
        FileRead::Missing => out.find(
            CauseId::TlsUntrusted,
            Status::Warn,
            format!("NODE_EXTRA_CA_CERTS points to {shown}, which does not exist"),
        ),
        FileRead::Problem(p) => out.find(
            CauseId::TlsUntrusted,
            Status::Warn,
            format!("NODE_EXTRA_CA_CERTS = {shown} {p}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_problems() {
        assert!(base_url_problem("https://api.anthropic.com").is_none());
        assert!(
            base_url_problem("https://gw.example/v1")
                .unwrap()
                .contains("/v1/v1")
        );
        assert!(base_url_problem("https://gw.example/v1/").is_some());
        assert!(base_url_problem("api.anthropic.com").is_some());
        assert!(base_url_problem("ftp://x").is_some());
    }

    #[test]
    fn ini_sections() {
        let text = "[default]\naws_access_key_id = A\n[profile work]\nsso_session = corp\n";
        assert_eq!(
            ini_section(text, "default").unwrap()[0].0,
            "aws_access_key_id"
        );
        assert_eq!(ini_section(text, "work").unwrap()[0].0, "sso_session");
        assert!(ini_section(text, "none").is_none());
    }
}
