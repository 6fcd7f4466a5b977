//! `report`: a redacted, shareable account of the setup (Markdown or JSON). Secrets appear only
//! as fingerprints (masked form plus a short SHA-256 prefix), so two machines can be compared
//! without revealing a key; the home folder is shown as `~`.

use super::Diagnosis;
use crate::resolve::Credential;
use crate::secret;
use crate::sources::settings::{AUTH_ENV_KEYS, AUTH_TOP_KEYS, SettingsState};
use serde_json::{Value, json};
use std::fmt::Write as _;

fn fingerprint(c: &Credential) -> Option<String> {
    c.secret.as_deref().map(secret::describe)
}

fn credential_rows(d: &Diagnosis) -> Vec<(&'static str, &Credential)> {
    let mut rows: Vec<(&'static str, &Credential)> = Vec::new();
    if let Some(c) = &d.auth.effective {
        rows.push(if d.auth.awaits_trust() {
            ("used once this folder is trusted", c)
        } else {
            ("used", c)
        });
    }
    rows.extend(d.auth.also_sent.iter().map(|c| ("also sent", c)));
    rows.extend(d.auth.shadowed.iter().map(|c| ("ignored", c)));
    rows
}

/// One line per settings file: scope, path, state, the auth keys it sets (values fingerprinted).
fn scope_lines(d: &Diagnosis) -> Vec<(String, String, String)> {
    d.facts
        .settings
        .iter()
        .rev()
        .map(|f| {
            let state = match &f.state {
                SettingsState::Missing => "absent".to_string(),
                SettingsState::Unreadable(p) | SettingsState::Corrupt(p) => p.clone(),
                SettingsState::Loaded { .. } => {
                    let mut keys: Vec<String> = AUTH_ENV_KEYS
                        .iter()
                        .filter_map(|k| {
                            f.env_value(k).map(|v| {
                                if k.contains("KEY") || k.contains("TOKEN") {
                                    format!("env.{k} {}", secret::describe(&v))
                                } else {
                                    format!("env.{k}={v}")
                                }
                            })
                        })
                        .collect();
                    keys.extend(AUTH_TOP_KEYS.iter().filter_map(|k| {
                        f.top_value(k)
                            .map(|v| format!("{k}={}", secret::scrub(&v, &[])))
                    }));
                    if keys.is_empty() {
                        "no auth settings".to_string()
                    } else {
                        keys.join(", ")
                    }
                }
            };
            (
                f.scope.label().to_string(),
                d.env.display_path(&f.path),
                d.redact(&state),
            )
        })
        .collect()
}

fn os_line() -> String {
    format!("{} {}", std::env::consts::OS, std::env::consts::ARCH)
}

/// The Markdown report.
#[must_use]
pub fn render(d: &Diagnosis) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Claude Code authentication report\n");
    let _ = writeln!(s, "| | |\n|---|---|");
    let _ = writeln!(s, "| claude-auth-tui | {} |", env!("CARGO_PKG_VERSION"));
    let _ = writeln!(
        s,
        "| Claude Code | {} |",
        d.cli_version().unwrap_or_else(|| "not found".to_string())
    );
    let _ = writeln!(s, "| OS | {} |", os_line());
    let _ = writeln!(
        s,
        "| Shell | {} |",
        d.env.shell_name().unwrap_or_else(|| "unknown".to_string())
    );
    let _ = writeln!(
        s,
        "| Endpoint | {} ({}, {}) |",
        d.redact(&d.endpoint.base_url),
        d.endpoint.provider.as_str(),
        d.endpoint.source
    );
    match &d.primary {
        Some(p) => {
            let _ = writeln!(s, "| Primary cause | `{}` ({}) |", p.cause, p.check);
        }
        None => {
            let _ = writeln!(s, "| Primary cause | none found |");
        }
    }

    let _ = writeln!(s, "\n## Credentials\n");
    let _ = writeln!(
        s,
        "| role | method | source | from | fingerprint |\n|---|---|---|---|---|"
    );
    let rows = credential_rows(d);
    if rows.is_empty() {
        let _ = writeln!(s, "| used | none | | | |");
    }
    for (role, c) in rows {
        let _ = writeln!(
            s,
            "| {role} | {} | {} | {} | {} |",
            c.method.as_str(),
            c.source,
            d.redact(&c.origin.describe(&d.env)),
            fingerprint(c).unwrap_or_else(|| "—".to_string())
        );
    }

    let _ = writeln!(s, "\n## Settings scopes (highest precedence first)\n");
    let _ = writeln!(s, "| scope | file | contents |\n|---|---|---|");
    for (scope, path, state) in scope_lines(d) {
        let _ = writeln!(s, "| {scope} | {path} | {state} |");
    }

    let _ = writeln!(s, "\n## Checks\n");
    for o in &d.outcomes {
        let _ = writeln!(
            s,
            "### {} `{}` {} — {}\n",
            o.status.mark(),
            o.id,
            o.id.title(),
            d.redact(&o.summary)
        );
        for line in &o.details {
            let _ = writeln!(s, "- {}", d.redact(line));
        }
        for f in &o.findings {
            let _ = writeln!(
                s,
                "- **{}** `{}`: {}",
                f.severity.as_str(),
                f.cause,
                d.redact(&f.summary)
            );
        }
        s.push('\n');
    }
    let _ = writeln!(
        s,
        "_Secrets appear only as fingerprints: the masked form and the first 8 hex digits of their SHA-256._"
    );
    // No colours in a report: any escape sequence left is escaped too.
    crate::sanitize::escape(&d.finish(&s)).into_owned()
}

/// The same report as one JSON object.
#[must_use]
pub fn render_json(d: &Diagnosis) -> String {
    let mut doc = super::json::to_value(d);
    let credentials: Vec<Value> = credential_rows(d)
        .into_iter()
        .map(|(role, c)| {
            json!({
                "role": role,
                "method": c.method.as_str(),
                "source": c.source,
                "origin": d.redact(&c.origin.describe(&d.env)),
                "fingerprint": fingerprint(c),
            })
        })
        .collect();
    let scopes: Vec<Value> = scope_lines(d)
        .into_iter()
        .map(|(scope, path, contents)| json!({"scope": scope, "path": path, "contents": contents}))
        .collect();
    if let Value::Object(map) = &mut doc {
        map.insert("cli_version".into(), json!(d.cli_version()));
        map.insert("os".into(), json!(os_line()));
        map.insert("credentials".into(), json!(credentials));
        map.insert("settings_scopes".into(), json!(scopes));
    }
    // Secrets are masked in the values (not the serialised text: a JSON escape inside a key
    // would hide it from the scrubber), then unsafe characters escaped in every value.
    d.redact_json(&mut doc);
    crate::sanitize::escape_json(&mut doc);
    let text = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_string());
    format!("{}\n", d.redact(&text))
}
