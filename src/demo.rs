//! `--demo [NAME]`: the wizard over a made-up broken setup laid out in a throwaway home, so a new
//! user can watch it work without touching their own. Each setup is data in `assets/demos/`;
//! a demo with a stand-in API answer serves it from a tiny server on 127.0.0.1, so the live check
//! classifies a real HTTP answer. Nothing is read from the real environment.

use crate::checks::CheckOptions;
use crate::env::Environment;
use anyhow::{Context as _, bail};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// The demos, in the order `--demo list` shows them. The first is the default.
const DEMOS: &[(&str, &str)] = &[
    (
        "key-not-exported",
        include_str!("../assets/demos/key-not-exported.json"),
    ),
    (
        "oauth-expired",
        include_str!("../assets/demos/oauth-expired.json"),
    ),
    (
        "credentials-misplaced",
        include_str!("../assets/demos/credentials-misplaced.json"),
    ),
    (
        "credentials-corrupt",
        include_str!("../assets/demos/credentials-corrupt.json"),
    ),
    (
        "key-invalid",
        include_str!("../assets/demos/key-invalid.json"),
    ),
    (
        "settings-override",
        include_str!("../assets/demos/settings-override.json"),
    ),
    (
        "env-shadows-login",
        include_str!("../assets/demos/env-shadows-login.json"),
    ),
    (
        "base-url-invalid",
        include_str!("../assets/demos/base-url-invalid.json"),
    ),
    (
        "bedrock-credentials-missing",
        include_str!("../assets/demos/bedrock-credentials-missing.json"),
    ),
    (
        "key-not-approved",
        include_str!("../assets/demos/key-not-approved.json"),
    ),
    (
        "api-key-helper-failed",
        include_str!("../assets/demos/api-key-helper-failed.json"),
    ),
];

/// Files and variables every demo gets: a stand-in `claude` on PATH, a plain shell.
const COMMON: &str = include_str!("../assets/demos/_common.json");

/// The demo `--demo` runs without a name.
pub const DEFAULT_DEMO: &str = "key-not-exported";

/// One demo setup, as stored in `assets/demos/<name>.json`.
///
/// Strings in `vars` and file contents may use `{HOME}` (the throwaway home), `{PROJECT}` (the
/// working folder, `{HOME}/project`) and `{BASE_URL}` (the stand-in server).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoSpec {
    /// One line for `--demo list`.
    #[serde(default)]
    pub description: String,
    /// Variables of the made-up shell.
    #[serde(default)]
    pub vars: BTreeMap<String, String>,
    #[serde(default)]
    pub files: Vec<DemoFile>,
    /// The stand-in API's answers; without one, every request is answered 200 (the demo's
    /// problem is not the credential itself).
    #[serde(default)]
    pub api: Option<DemoApi>,
}

/// A file to write, relative to the home folder.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoFile {
    pub path: String,
    pub content: String,
    /// Octal permissions, such as `"0600"`.
    #[serde(default)]
    pub mode: Option<String>,
}

/// What the stand-in API answers. Requests that carry one of `failing_keys` or go to one of
/// `failing_paths` get `status`/`body`; every other request (the good credential: the key you
/// type, the other key of the demo, the token the stand-in `claude auth login` writes) gets a
/// 200 page of models, so a demo's fix can be seen to work. With neither list, every request
/// gets `status`/`body`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoApi {
    pub status: u16,
    /// A JSON value (sent as JSON) or a string (sent as is).
    pub body: serde_json::Value,
    /// Parts of the credentials that fail (matched in `x-api-key` and `authorization`).
    #[serde(default)]
    pub failing_keys: Vec<String>,
    /// Parts of request paths that fail (`/v1/v1/` for a base URL that ends in `/v1`).
    #[serde(default)]
    pub failing_paths: Vec<String>,
}

impl DemoApi {
    /// The answer of a working API: one page of models.
    fn ok() -> Self {
        Self {
            status: 200,
            body: serde_json::json!({
                "data": [{
                    "type": "model",
                    "id": "claude-sonnet-4-5",
                    "display_name": "Claude Sonnet 4.5",
                    "created_at": "2025-09-29T00:00:00Z"
                }],
                "has_more": true,
                "first_id": "claude-sonnet-4-5",
                "last_id": "claude-sonnet-4-5"
            }),
            failing_keys: Vec::new(),
            failing_paths: Vec::new(),
        }
    }

    /// Whether a request (its head, as text) gets the failing answer.
    fn fails(&self, head: &str) -> bool {
        if self.failing_keys.is_empty() && self.failing_paths.is_empty() {
            return true;
        }
        let path = head
            .lines()
            .next()
            .and_then(|line| line.split_whitespace().nth(1))
            .unwrap_or("");
        let credentials: Vec<&str> = head
            .lines()
            .filter_map(|line| line.split_once(':'))
            .filter(|(name, _)| {
                name.eq_ignore_ascii_case("x-api-key") || name.eq_ignore_ascii_case("authorization")
            })
            .map(|(_, value)| value.trim())
            .collect();
        self.failing_paths.iter().any(|p| path.contains(p.as_str()))
            || self
                .failing_keys
                .iter()
                .any(|k| credentials.iter().any(|c| c.contains(k.as_str())))
    }
}

struct Demo {
    name: &'static str,
    spec: DemoSpec,
}

fn demos() -> &'static [Demo] {
    static DEMOS_PARSED: OnceLock<Vec<Demo>> = OnceLock::new();
    DEMOS_PARSED.get_or_init(|| {
        DEMOS
            .iter()
            .map(|(name, json)| Demo {
                name,
                spec: serde_json::from_str(json)
                    .unwrap_or_else(|e| panic!("assets/demos/{name}.json: {e} (checked by tests)")),
            })
            .collect()
    })
}

fn common() -> &'static DemoSpec {
    static COMMON_PARSED: OnceLock<DemoSpec> = OnceLock::new();
    COMMON_PARSED.get_or_init(|| {
        serde_json::from_str(COMMON).expect("assets/demos/_common.json (checked by tests)")
    })
}

/// Every demo: name and one-line description.
#[must_use]
pub fn list() -> Vec<(&'static str, &'static str)> {
    demos()
        .iter()
        .map(|d| (d.name, d.spec.description.as_str()))
        .collect()
}

/// `--demo list` as text.
#[must_use]
pub fn list_text() -> String {
    let width = DEMOS.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    let mut out = String::from("Demos (claude-auth-tui --demo NAME):\n");
    for (name, description) in list() {
        let _ = writeln!(out, "  {name:<width$}  {description}");
    }
    out
}

/// A demo laid out and ready: the throwaway home (removed on drop), the stand-in server
/// (stopped on drop) and the environment to diagnose.
pub struct DemoSetup {
    pub name: &'static str,
    /// The made-up environment: built by hand, never from the real one.
    pub env: Environment,
    /// True when the demo has no stand-in API (the live check is skipped).
    pub offline: bool,
    /// The stand-in's URL, when it has one.
    pub base_url: Option<String>,
    server: Option<tokio::task::JoinHandle<()>>,
    dir: tempfile::TempDir,
}

impl std::fmt::Debug for DemoSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoSetup")
            .field("name", &self.name)
            .field("home", &self.env.home())
            .field("offline", &self.offline)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl DemoSetup {
    /// The throwaway root (`home/`, `etc/claude-code/` under it).
    #[must_use]
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The caller's options, offline when the demo has no stand-in API.
    #[must_use]
    pub fn options(&self, mut opts: CheckOptions) -> CheckOptions {
        opts.offline |= self.offline;
        opts
    }
}

impl Drop for DemoSetup {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

/// Lays out demo `name` in a new temp folder and starts its stand-in server, if any.
///
/// # Errors
/// An unknown name (the message lists the known ones), or a file that cannot be written.
pub async fn prepare(name: &str) -> anyhow::Result<DemoSetup> {
    let Some(demo) = demos().iter().find(|d| d.name == name) else {
        let names: Vec<&str> = DEMOS.iter().map(|(n, _)| *n).collect();
        bail!(
            "no demo called {name:?}; the demos are: {}",
            names.join(", ")
        );
    };
    let dir = tempfile::Builder::new()
        .prefix("claude-auth-tui-demo-")
        .tempdir()
        .context("creating a temp folder for the demo")?;
    let home = dir.path().join("home");
    let project = home.join("project");
    let managed = dir.path().join("etc/claude-code");
    for d in [&project, &managed] {
        std::fs::create_dir_all(d).with_context(|| format!("creating {}", d.display()))?;
    }

    // Every demo has a stand-in API, so the live check runs (a demo is never "offline").
    let api = demo.spec.api.clone().unwrap_or_else(DemoApi::ok);
    let (handle, url) = serve(api).await?;
    let (server, base_url) = (Some(handle), Some(url));
    let fill = |text: &str| {
        let mut out = text
            .replace("{HOME}", &home.display().to_string())
            .replace("{PROJECT}", &project.display().to_string());
        if let Some(url) = &base_url {
            out = out.replace("{BASE_URL}", url);
        }
        out
    };

    let spec = &demo.spec;
    for file in common().files.iter().chain(&spec.files) {
        write_file(&home, file, &fill(&file.content))?;
    }
    let mut vars: BTreeMap<String, String> = common().vars.clone();
    vars.extend(spec.vars.clone());
    let mentions_base = spec.vars.values().any(|v| v.contains("{BASE_URL}"))
        || spec.files.iter().any(|f| f.content.contains("{BASE_URL}"));
    if base_url.is_some() && !mentions_base {
        vars.insert("ANTHROPIC_BASE_URL".to_string(), "{BASE_URL}".to_string());
    }
    // A demo plays a desktop session with its login in files: the machine's own state (an SSH
    // session, no display, the macOS Keychain) must not leak into it.
    let mut builder = Environment::builder(&home)
        .cwd(&project)
        .managed_dir(&managed)
        .platform(crate::env::Platform::Linux)
        .var("DISPLAY", ":0");
    for (k, v) in &vars {
        builder = builder.var(k, &fill(v));
    }
    Ok(DemoSetup {
        name: demo.name,
        env: builder.build(),
        offline: false,
        base_url,
        server,
        dir,
    })
}

/// `--demo [NAME]`: prepares the demo, runs the wizard over it in `theme` (the user's colour
/// choice, read from the real environment), and cleans up. Returns the summary to print.
///
/// # Errors
/// An unknown demo, or a terminal that cannot be set up.
pub async fn run(
    name: Option<&str>,
    opts: CheckOptions,
    theme: crate::tui::theme::Theme,
) -> anyhow::Result<crate::tui::Finished> {
    let setup = prepare(name.unwrap_or(DEFAULT_DEMO)).await?;
    let opts = setup.options(opts);
    let env = Arc::new(setup.env.clone());
    let finished = crate::tui::runtime::run(env, opts, Some((setup.name.to_string(), theme))).await;
    drop(setup);
    finished
}

fn write_file(home: &Path, file: &DemoFile, content: &str) -> anyhow::Result<PathBuf> {
    let rel = Path::new(&file.path);
    if rel.is_absolute()
        || rel
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        bail!("demo file {} must stay inside the home folder", file.path);
    }
    let path = home.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    std::fs::write(&path, content).with_context(|| format!("writing {}", path.display()))?;
    if let Some(mode) = &file.mode {
        set_mode(&path, mode)?;
    }
    Ok(path)
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: &str) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let bits = u32::from_str_radix(mode.trim_start_matches("0o"), 8)
        .with_context(|| format!("mode {mode:?} of {}", path.display()))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(bits))
        .with_context(|| format!("chmod {}", path.display()))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: &str) -> anyhow::Result<()> {
    Ok(())
}

/// Starts the stand-in API on 127.0.0.1: the failing answer or a page of models, per request.
async fn serve(api: DemoApi) -> anyhow::Result<(tokio::task::JoinHandle<()>, String)> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .context("starting the demo's stand-in API on 127.0.0.1")?;
    let url = format!("http://{}", listener.local_addr()?);
    let failing = response_bytes(api.status, &api.body);
    let working = response_bytes(200, &DemoApi::ok().body);
    let api = Arc::new(api);
    let handle = tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                continue;
            };
            let api = Arc::clone(&api);
            let (failing, working) = (Arc::clone(&failing), Arc::clone(&working));
            tokio::spawn(async move {
                // Read the request head, then answer according to its path and credential.
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let response = if api.fails(&String::from_utf8_lossy(&head)) {
                    failing
                } else {
                    working
                };
                let _ = stream.write_all(&response).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    Ok((handle, url))
}

/// A whole HTTP response with this status and body.
fn response_bytes(status: u16, body: &serde_json::Value) -> Arc<[u8]> {
    let (content_type, body) = match body {
        serde_json::Value::String(s) => ("text/html; charset=utf-8", s.clone()),
        other => ("application/json", other.to_string()),
    };
    format!(
        "HTTP/1.1 {} {}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\
         request-id: req_DEMO0000000000000000000000\r\nx-should-retry: false\r\n\
         connection: close\r\n\r\n{body}",
        status,
        reason(status),
        body.len()
    )
    .into_bytes()
    .into()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        529 => "Overloaded",
        _ => "Status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_parses_and_has_a_description() {
        assert_eq!(demos().len(), DEMOS.len());
        let _ = common();
        for (name, description) in list() {
            assert!(!description.is_empty(), "{name}");
            assert!(
                crate::ids::CauseId::parse(name).is_some(),
                "{name} should be named after its cause"
            );
        }
    }

    #[test]
    fn demo_keys_are_fake() {
        for (name, json) in DEMOS.iter().chain([&("_common", COMMON)]) {
            for (i, _) in json.match_indices("sk-ant-") {
                let rest = &json[i..];
                let key: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                    .collect();
                assert!(
                    key.len() < 20 || key.contains("DEMO"),
                    "{name}: {key} is not an obvious fake"
                );
            }
        }
    }

    #[tokio::test]
    async fn prepare_lays_out_files_and_serves_the_answer() {
        let setup = prepare("key-invalid").await.unwrap();
        assert!(!setup.offline);
        let url = setup.base_url.clone().unwrap();
        assert_eq!(setup.env.var("ANTHROPIC_BASE_URL"), Some(url.as_str()));
        assert!(setup.env.home().starts_with(setup.root()));
        assert!(setup.env.home().join(".local/bin/claude").is_file());
        assert_eq!(setup.env.cwd(), setup.env.home().join("project"));

        let addr = url.trim_start_matches("http://");
        let ask = |key: &'static str| async move {
            let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
            stream
                .write_all(
                    format!(
                        "GET /v1/models?limit=1 HTTP/1.1\r\nhost: x\r\nx-api-key: {key}\r\n\r\n"
                    )
                    .as_bytes(),
                )
                .await
                .unwrap();
            let mut answer = String::new();
            stream.read_to_string(&mut answer).await.unwrap();
            answer
        };
        // The demo's revoked key fails; any other key (the one you type) works.
        let answer = ask("sk-ant-api03-DEMORevoked-REVOAA").await;
        assert!(answer.starts_with("HTTP/1.1 401 "), "{answer}");
        assert!(answer.contains("authentication_error"), "{answer}");
        let answer = ask("sk-ant-api03-DEMOTyped-TYPEAA").await;
        assert!(answer.starts_with("HTTP/1.1 200 "), "{answer}");
    }

    #[test]
    fn failing_paths_and_keys_choose_the_answer() {
        let api = DemoApi {
            status: 404,
            body: serde_json::json!({}),
            failing_keys: vec!["BADKEY".into()],
            failing_paths: vec!["/v1/v1/".into()],
        };
        assert!(api.fails("GET /v1/v1/models HTTP/1.1\r\nx-api-key: good\r\n\r\n"));
        assert!(api.fails("GET /v1/models HTTP/1.1\r\nAuthorization: Bearer x-BADKEY\r\n\r\n"));
        assert!(!api.fails("GET /v1/models HTTP/1.1\r\nx-api-key: good\r\n\r\n"));
        assert!(
            DemoApi {
                failing_keys: vec![],
                failing_paths: vec![],
                ..api
            }
            .fails("GET / HTTP/1.1")
        );
    }

    #[tokio::test]
    async fn every_demo_prepares_and_unknown_names_are_refused() {
        for (name, _) in list() {
            let setup = prepare(name).await.unwrap();
            assert_eq!(setup.offline, setup.base_url.is_none(), "{name}");
            assert!(setup.env.var("PATH").is_some(), "{name}");
        }
        let err = prepare("nope").await.unwrap_err().to_string();
        assert!(err.contains("key-not-exported"), "{err}");
    }
}

#[cfg(test)]
mod diagnosis {
    use super::*;
    use crate::checks::{self, CheckCtx};

    /// Each demo is diagnosed as the cause it is named after.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn demos_diagnose_their_cause() {
        let mut wrong = Vec::new();
        for (name, _) in list() {
            let setup = prepare(name).await.unwrap();
            let opts = setup.options(CheckOptions::default());
            let env = Arc::new(setup.env.clone());
            let ctx = tokio::task::spawn_blocking(move || CheckCtx::new(env, opts))
                .await
                .unwrap();
            let outcomes = checks::run_all(Arc::new(ctx)).await;
            let primary = checks::primary_cause(&outcomes).map(|p| p.cause.as_str());
            if primary != Some(name) {
                let found: Vec<String> = outcomes
                    .iter()
                    .map(|o| format!("{} {}: {}", o.id, o.status.as_str(), o.summary))
                    .collect();
                wrong.push(format!(
                    "{name}: primary {primary:?}\n    {}",
                    found.join("\n    ")
                ));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
