//! `check --json`: exactly one JSON object, schema 1. The shape is a public contract: fields are
//! only ever added.

use super::Diagnosis;
use crate::outcome::{CliInfo, CliInstall, VersionSource};
use crate::resolve::{Credential, EffectiveAuth};
use serde_json::{Value, json};

fn credential_json(d: &Diagnosis, c: &Credential) -> Value {
    json!({
        "method": c.method.as_str(),
        "source": c.source,
        "origin": d.scrub(&c.origin.describe(&d.env)),
        "masked": c.masked(),
    })
}

fn auth_json(d: &Diagnosis, auth: &EffectiveAuth) -> Value {
    let (method, source, origin, masked) = match &auth.effective {
        Some(c) => (
            c.method.as_str(),
            c.source.clone(),
            Some(d.scrub(&c.origin.describe(&d.env))),
            c.masked(),
        ),
        None => ("none", "none".to_string(), None, None),
    };
    json!({
        "method": method,
        "source": source,
        "origin": origin,
        "masked": masked,
        // True when the credential comes from this folder's settings and applies once the
        // folder is trusted (interactive use requires trusting it; `claude -p` applies it now).
        "awaits_folder_trust": auth.awaits_trust(),
        "also_sent": auth.also_sent.iter().map(|c| credential_json(d, c)).collect::<Vec<_>>(),
        "shadowed": auth.shadowed.iter().map(|c| credential_json(d, c)).collect::<Vec<_>>(),
    })
}

fn install_json(d: &Diagnosis, i: &CliInstall) -> Value {
    json!({
        "path": d.scrub(&d.env.display_path(&i.path)),
        "install": i.kind.as_str(),
        "version": i.version,
        "version_from": i.version_from.map(|v| match v {
            VersionSource::Layout => "layout",
            VersionSource::Cache => "cache",
            VersionSource::Command => "command",
        }),
    })
}

/// The `cli` check's typed result: the `claude` that runs, then the ones it shadows.
fn cli_json(d: &Diagnosis, cli: &CliInfo) -> Value {
    let mut active = install_json(d, &cli.active);
    if let Value::Object(map) = &mut active {
        map.insert(
            "shadowed".to_string(),
            cli.shadowed.iter().map(|i| install_json(d, i)).collect(),
        );
    }
    active
}

/// The `check --json` document.
#[must_use]
pub fn to_value(d: &Diagnosis) -> Value {
    let mut effective = auth_json(d, &d.auth);
    if d.auth_print.effective != d.auth.effective
        && let Value::Object(map) = &mut effective
    {
        // `claude -p` differs (declined key, untrusted folder): say what it would use.
        map.insert("print_mode".to_string(), auth_json(d, &d.auth_print));
    }
    let checks: Vec<Value> = d
        .outcomes
        .iter()
        .map(|o| {
            let mut check = json!({
                "id": o.id.as_str(),
                "status": o.status.as_str(),
                "title": o.id.title(),
                "summary": d.scrub(&o.summary),
                "details": o.details.iter().map(|l| d.scrub(l)).collect::<Vec<_>>(),
                "fixes": o.fixes.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
                "findings": o.findings.iter().map(|f| json!({
                    "cause": f.cause.as_str(),
                    "severity": f.severity.as_str(),
                    "summary": d.scrub(&f.summary),
                })).collect::<Vec<_>>(),
                "elapsed_ms": o.elapsed_ms,
            });
            if let (Some(cli), Value::Object(map)) = (&o.cli, &mut check) {
                map.insert("cli".to_string(), cli_json(d, cli));
            }
            check
        })
        .collect();
    let mut doc = json!({
        "schema": 1,
        "tool_version": env!("CARGO_PKG_VERSION"),
        "effective_auth": effective,
        "endpoint": {
            "base_url": d.scrub(&d.endpoint.base_url),
            "provider": d.endpoint.provider.as_str(),
            "source": d.endpoint.source,
        },
        "checks": checks,
        "primary_cause": d.primary.as_ref().map(|p| json!({
            "cause": p.cause.as_str(),
            "check": p.check.as_str(),
            "summary": d.scrub(&p.summary),
        })),
    });
    // Every value masked, then escaped inside the values: `jq -r` would turn a JSON `\u001b`
    // back into ESC.
    d.scrub_json(&mut doc);
    crate::sanitize::escape_json(&mut doc);
    doc
}

/// One line of JSON plus a newline.
#[must_use]
pub fn render(d: &Diagnosis) -> String {
    let mut s = serde_json::to_string_pretty(&to_value(d)).unwrap_or_else(|_| "{}".to_string());
    s.push('\n');
    s
}
