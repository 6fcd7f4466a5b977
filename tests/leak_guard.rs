//! The leak guard: every kind of home that holds the fake secrets, and every output mode over
//! each of them: `check` (text, `-v`, `--json`), `report` (Markdown, `--json`, `-o FILE`),
//! `fix <id> --dry-run` for every fix, real fixes with `undo --list` and `undo`, the wizard's
//! frames at 80x24 and 120x40 with every check selected and its detail scrolled through, its
//! dialogs (the fix menu, each fix with a pasted key and its preview, undo, paste-an-error and
//! its explanation, the clipboard text), the help overlay and the summary, and `explain` fed
//! text that holds secrets. No output may hold a secret.
//!
//! What counts as a leak: a fake secret whole, or any 16-character slice from its middle
//! (`support::assert_no_leak`), and also:
//! - the last 20 characters of an API key. The CLI stores exactly that in `~/.claude.json`
//!   (`customApiKeyResponses`), in plain text, to recognise an approved key; it is still a fifth
//!   of the key, five times what a masked value shows (the last 4), so our output must never
//!   print it, not even while moving it from `rejected` to `approved`;
//! - a proxy or endpoint password (`http://user:PASSWORD@proxy`).
//!
//! The binary runs through `TempHome::command()` (a cleared environment) with `--offline`, or
//! against a stand-in server on 127.0.0.1 that echoes every request header back in its error
//! body, so the live check and the key validation get a response full of secrets.
#![allow(clippy::unwrap_used)] // tests: a panic is a failed test

mod support;

use claude_auth_tui::checks::{self, CheckCtx, CheckOptions};
use claude_auth_tui::env::Environment;
use claude_auth_tui::ids::FixId;
use claude_auth_tui::sources::global_config::key_tail;
use claude_auth_tui::tui::app::{App, Header};
use claude_auth_tui::tui::effect::Effect;
use claude_auth_tui::tui::msg::Msg;
use claude_auth_tui::tui::msg::Pasted;
use claude_auth_tui::tui::theme::Theme;
use claude_auth_tui::tui::work::{self, PlanRequest, PlanSlot};
use claude_auth_tui::tui::{summary, update};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::Duration;
use support::server::{Reply, Server, http};
use support::wizard::{frame_text, press};
use support::*;

/// An API key whose last 20 characters are distinctive, to catch the stored tail.
const TAIL_KEY: &str = "sk-ant-api03-LeakGuardKEYmmmm5555555555555555555555555555555555555555555555555555555555555-Tail20xDistinctQ7zZ";
/// A proxy (and endpoint) password.
const PROXY_PASSWORD: &str = "pr0xyPASSleakGUARD5150";

/// Everything that must not appear, beyond `support::ALL_FAKE_SECRETS`.
fn extra_secrets() -> Vec<String> {
    vec![
        PROXY_PASSWORD.to_string(),
        TAIL_KEY.to_string(),
        TAIL_KEY[14..30].to_string(),
        key_tail(TAIL_KEY).to_string(),
        key_tail(FAKE_API_KEY).to_string(),
        key_tail(FAKE_OTHER_KEY).to_string(),
    ]
}

/// The secrets in `text`, each with the line that shows it: any run of 12 or more consecutive
/// characters of one (`support::fragment_leaks`) but the prefix its masked form shows.
fn leaks_in(text: &str) -> Vec<String> {
    let mut secrets: Vec<String> = ALL_FAKE_SECRETS.iter().map(|s| (*s).to_string()).collect();
    secrets.extend(extra_secrets());
    let found: Vec<String> = fragment_leaks(text, &secrets)
        .into_iter()
        .map(|piece| {
            let line = text
                .lines()
                .find(|l| l.contains(&piece))
                .unwrap_or_default();
            format!("{piece:?} in line {:?}", line.trim())
        })
        .collect();
    if found.is_empty() {
        // The shared rule agrees (it is a subset of the above).
        assert_no_leak(text);
    }
    found
}

/// Fails with `context` when `text` holds a secret.
fn guard(context: &str, text: &str) {
    let found = leaks_in(text);
    assert!(found.is_empty(), "{context}: {found:#?}\nin:\n{text}");
}

/// Leaks found over one home, reported together at the end of its test.
#[derive(Default)]
struct Leaks(std::sync::Mutex<Vec<String>>);

impl Leaks {
    fn check(&self, context: &str, text: &str) {
        let found = leaks_in(text);
        if !found.is_empty() {
            let mut all = self.0.lock().unwrap();
            for f in found {
                all.push(format!("{context}: {f}"));
            }
        }
    }

    fn assert_none(&self) {
        let all = self.0.lock().unwrap();
        assert!(all.is_empty(), "{} leaks:\n{}", all.len(), all.join("\n"));
    }
}

/// One home and the variables its shell has.
struct Case {
    home: TempHome,
    vars: Vec<(&'static str, String)>,
    /// Whether the live check runs, against the echoing stand-in; else everything is offline.
    live: bool,
    leaks: Leaks,
}

impl Case {
    fn new() -> Self {
        let home = TempHome::new();
        home.fake_claude_standard();
        Self {
            home,
            vars: vec![("SHELL", "/bin/zsh".to_string())],
            live: false,
            leaks: Leaks::default(),
        }
    }

    fn var(mut self, name: &'static str, value: &str) -> Self {
        self.vars.retain(|(k, _)| *k != name);
        self.vars.push((name, value.to_string()));
        self
    }

    fn file(self, rel: &str, content: &str) -> Self {
        self.home.write(rel, content);
        self
    }

    fn file_mode(self, rel: &str, content: &str, mode: u32) -> Self {
        self.home.write_mode(rel, content, mode);
        self
    }

    fn managed(self, rel: &str, content: &str) -> Self {
        let path = self.home.managed().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
        self
    }

    /// The live check and key validation go to a stand-in that echoes the request.
    fn live(self) -> Self {
        self.live_echoing(Echo::Whole)
    }

    fn live_echoing(mut self, echo: Echo) -> Self {
        let url = echo_server(echo);
        self.live = true;
        self.var("ANTHROPIC_BASE_URL", &url)
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = self.home.command();
        for (k, v) in &self.vars {
            cmd.env(k, v);
        }
        cmd.args(args);
        if self.live {
            cmd.args(["--timeout", "5"]);
        } else {
            cmd.arg("--offline");
        }
        cmd
    }

    /// Runs the binary; stdout and stderr together, checked for secrets and panics.
    fn run(&self, args: &[&str], stdin: Option<&str>) -> (Option<i32>, String) {
        let mut cmd = self.command(args);
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("start the binary");
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).unwrap();
        }
        drop(input);
        let out: Output = child.wait_with_output().unwrap();
        let text = format!(
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let context = format!("`{}`", args.join(" "));
        assert!(!text.contains("panicked"), "{context} panicked:\n{text}");
        self.leaks.check(&context, &text);
        (out.status.code(), text)
    }

    fn env(&self) -> claude_auth_tui::env::Environment {
        let mut builder = self.home.env();
        for (k, v) in &self.vars {
            builder = builder.var(k, v);
        }
        builder.build()
    }
}

/// How the stand-in repeats the request.
#[derive(Clone, Copy)]
enum Echo {
    /// As it came.
    Whole,
    /// Cut into 20-character pieces separated by spaces, so that no whole key is left for a
    /// scrubber that only knows whole values and shapes.
    InChunks,
}

/// A stand-in API on 127.0.0.1 that answers 401 with every request header in the error
/// message, as a careless gateway might.
fn echo_server(echo: Echo) -> String {
    Server::start_with(move |request| {
        let mut request = request.to_string();
        if matches!(echo, Echo::InChunks) {
            // One line, so the echo stays a valid header too.
            let chars: Vec<char> = request.replace(['\r', '\n'], " ").chars().collect();
            request = chars
                .chunks(20)
                .map(|c| c.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join(" ");
        }
        let message = format!("invalid x-api-key; you sent: {request}");
        let body = serde_json::json!({
            "type": "error",
            "error": {"type": "authentication_error", "message": message},
        })
        .to_string();
        let echoed = request
            .lines()
            .filter(|l| {
                l.to_ascii_lowercase().contains("key")
                    || l.to_ascii_lowercase().contains("authorization")
            })
            .collect::<Vec<_>>()
            .join(" | ");
        Reply::Raw(http(
            "401 Unauthorized",
            &[("content-type", "application/json"), ("x-echo", &echoed)],
            &body,
        ))
    })
    .url
}

fn credentials_json(access: &str, refresh: &str, expires_at: i64, scopes: &str) -> String {
    format!(
        r#"{{"claudeAiOauth":{{"accessToken":"{access}","refreshToken":"{refresh}","expiresAt":{expires_at},"scopes":{scopes},"subscriptionType":"max"}}}}"#
    )
}

fn settings_env(pairs: &[(&str, &str)]) -> String {
    let env: serde_json::Map<String, serde_json::Value> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), serde_json::Value::from(*v)))
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({ "env": env })).unwrap() + "\n"
}

fn far_future_ms() -> i64 {
    4_102_444_800_000 // 2100-01-01
}

// ---------------------------------------------------------------------------------------------
// The homes.

/// Keys and tokens exported in this shell, shadowing a valid login.
fn env_credentials() -> Case {
    let case = Case::new()
        .var("ANTHROPIC_API_KEY", FAKE_API_KEY)
        .var("ANTHROPIC_AUTH_TOKEN", FAKE_AUTH_TOKEN)
        .var("CLAUDE_CODE_OAUTH_TOKEN", FAKE_OAUTH_TOKEN)
        .file(
            ".zshrc",
            &format!("export ANTHROPIC_API_KEY={FAKE_API_KEY}\n"),
        );
    case.home.write_credentials(far_future_ms());
    case
}

/// Keys in every kind of profile line: unexported, commented, CRLF, quoted, fish, sourced.
fn profiles_everywhere() -> Case {
    Case::new()
        .file(
            ".zshrc",
            &format!(
                "alias ll='ls -l'\nANTHROPIC_API_KEY={FAKE_API_KEY}\n# export ANTHROPIC_AUTH_TOKEN={FAKE_AUTH_TOKEN}\nsource ~/.secrets\n"
            ),
        )
        .file(
            ".secrets",
            &format!("export ANTHROPIC_API_KEY={FAKE_OTHER_KEY} # work key\n"),
        )
        .file(
            ".bashrc",
            &format!("export PATH=$PATH:/opt/bin\r\nexport ANTHROPIC_API_KEY=\"{FAKE_OTHER_KEY}\"\r\n"),
        )
        .file(
            ".profile",
            &format!("export CLAUDE_CODE_OAUTH_TOKEN='{FAKE_OAUTH_TOKEN}'\n"),
        )
        .file(
            ".config/fish/config.fish",
            &format!("set -gx ANTHROPIC_AUTH_TOKEN {FAKE_AUTH_TOKEN}\n"),
        )
}

/// bash with a CRLF profile: the exported key carries a carriage return (key-malformed).
fn crlf_key_in_bash() -> Case {
    Case::new()
        .var("SHELL", "/bin/bash")
        .var("ANTHROPIC_API_KEY", &format!("{FAKE_OTHER_KEY}\r"))
        .file(
            ".bashrc",
            &format!("export ANTHROPIC_API_KEY={FAKE_OTHER_KEY}\r\n# export ANTHROPIC_API_KEY={FAKE_API_KEY}\r\n"),
        )
}

/// Credentials in the env block of every settings scope, a trusted project, a drop-in.
fn settings_every_scope() -> Case {
    let case = Case::new()
        .var("ANTHROPIC_API_KEY", FAKE_API_KEY)
        .file(
            ".claude/settings.json",
            &settings_env(&[("ANTHROPIC_API_KEY", FAKE_OTHER_KEY)]),
        )
        .file(
            "project/.claude/settings.json",
            &settings_env(&[("ANTHROPIC_AUTH_TOKEN", FAKE_AUTH_TOKEN)]),
        )
        .file(
            "project/.claude/settings.local.json",
            &settings_env(&[("CLAUDE_CODE_OAUTH_TOKEN", FAKE_OAUTH_TOKEN)]),
        )
        .managed(
            "managed-settings.json",
            &settings_env(&[("ANTHROPIC_API_KEY", TAIL_KEY)]),
        )
        .managed(
            "managed-settings.d/10-bedrock.json",
            &settings_env(&[("AWS_BEARER_TOKEN_BEDROCK", FAKE_AUTH_TOKEN)]),
        );
    let cwd = case.home.cwd().display().to_string();
    case.file(
        ".claude.json",
        &serde_json::json!({"projects": {cwd: {"hasTrustDialogAccepted": true}}}).to_string(),
    )
}

/// An apiKeyHelper that prints a key read from a file.
fn helper_printing_a_key() -> Case {
    Case::new()
        .file(".anthropic-key", &format!("{FAKE_API_KEY}\n"))
        .file(
            ".claude/settings.json",
            "{\n  \"apiKeyHelper\": \"cat ~/.anthropic-key\"\n}\n",
        )
}

/// An apiKeyHelper with the key in the command itself.
fn helper_with_inline_key() -> Case {
    Case::new().file(
        ".claude/settings.json",
        &serde_json::to_string_pretty(
            &serde_json::json!({"apiKeyHelper": format!("echo {FAKE_OTHER_KEY}")}),
        )
        .unwrap(),
    )
}

/// An apiKeyHelper that fails and prints keys on stderr.
fn helper_failing_loudly() -> Case {
    Case::new().file(
        ".claude/settings.json",
        &serde_json::to_string_pretty(&serde_json::json!({
            "apiKeyHelper": format!("echo 'vault said: key {FAKE_API_KEY} expired, use {FAKE_OTHER_KEY}' >&2; exit 3")
        }))
        .unwrap(),
    )
}

/// An apiKeyHelper whose command holds a gateway token (not `sk-ant-` shaped), and prints it
/// on stderr as it fails.
fn helper_with_a_gateway_token() -> Case {
    Case::new().file(
        ".claude/settings.json",
        &serde_json::to_string_pretty(&serde_json::json!({
            "apiKeyHelper": format!("curl -sf -H 'Authorization: Bearer {FAKE_AUTH_TOKEN}' http://127.0.0.1:9/key || {{ echo 'vault refused token {FAKE_AUTH_TOKEN}' >&2; exit 3; }}")
        }))
        .unwrap(),
    )
}

/// `~/.claude.json` with primaryApiKey, and 20-character tails in customApiKeyResponses; the
/// shell's key was declined (approve-key has something to move).
fn global_config_with_tails() -> Case {
    Case::new().var("ANTHROPIC_API_KEY", TAIL_KEY).file(
        ".claude.json",
        &serde_json::to_string_pretty(&serde_json::json!({
            "numStartups": 12,
            "primaryApiKey": FAKE_API_KEY,
            "customApiKeyResponses": {
                "approved": [key_tail(FAKE_OTHER_KEY)],
                "rejected": [key_tail(FAKE_API_KEY), key_tail(TAIL_KEY)],
            },
            "oauthAccount": {"emailAddress": "someone@example.com"},
        }))
        .unwrap(),
    )
}

/// An expired login, and a misplaced copy of it (no leading dot).
fn credentials_expired_and_misplaced() -> Case {
    let case = Case::new().file_mode(
        ".claude/credentials.json",
        &credentials_json(
            FAKE_OAUTH_TOKEN,
            FAKE_REFRESH_TOKEN,
            far_future_ms(),
            "[\"user:inference\"]",
        ),
        0o644,
    );
    case.home.write_credentials(1_000);
    case
}

/// A truncated credentials file that still holds both tokens, readable by everyone.
fn credentials_corrupt() -> Case {
    let full = credentials_json(
        FAKE_OAUTH_TOKEN,
        FAKE_REFRESH_TOKEN,
        far_future_ms(),
        "[\"user:inference\"]",
    );
    let cut = full.find("\"expiresAt\"").unwrap();
    Case::new().file_mode(".claude/.credentials.json", &full[..cut], 0o644)
}

/// A login without the inference scope, world-readable, and a blanked one misplaced.
fn credentials_scopeless() -> Case {
    Case::new()
        .file_mode(
            ".claude/.credentials.json",
            &credentials_json(
                FAKE_OAUTH_TOKEN,
                FAKE_REFRESH_TOKEN,
                far_future_ms(),
                "\"user:profile\"",
            ),
            0o644,
        )
        .file_mode(
            ".claude/credentials.json",
            &credentials_json("", FAKE_REFRESH_TOKEN, 0, "[]"),
            0o600,
        )
}

/// Bedrock with a bearer token; Foundry's key too.
fn bedrock_and_foundry_tokens() -> Case {
    Case::new()
        .var("CLAUDE_CODE_USE_BEDROCK", "1")
        .var("AWS_BEARER_TOKEN_BEDROCK", FAKE_AUTH_TOKEN)
        .var("AWS_REGION", "us-east-1")
        .var("ANTHROPIC_FOUNDRY_API_KEY", FAKE_OTHER_KEY)
        .file(
            ".claude/settings.json",
            &settings_env(&[("AWS_BEARER_TOKEN_BEDROCK", FAKE_AUTH_TOKEN)]),
        )
}

/// A proxy URL with a password, in this shell.
fn proxy_with_password() -> Case {
    Case::new()
        .var("ANTHROPIC_API_KEY", FAKE_API_KEY)
        .var(
            "HTTPS_PROXY",
            &format!("http://alice:{PROXY_PASSWORD}@127.0.0.1:9/"),
        )
        .var("NO_PROXY", "localhost")
}

/// The endpoint URL carries a user name and password.
fn endpoint_url_with_password() -> Case {
    Case::new().var("ANTHROPIC_API_KEY", FAKE_API_KEY).var(
        "ANTHROPIC_BASE_URL",
        &format!("https://bob:{PROXY_PASSWORD}@gw.example.invalid"),
    )
}

/// A proxy URL with a password in the user settings' env block.
fn proxy_password_in_settings() -> Case {
    Case::new().var("ANTHROPIC_API_KEY", FAKE_API_KEY).file(
        ".claude/settings.json",
        &settings_env(&[(
            "HTTPS_PROXY",
            &format!("http://carol:{PROXY_PASSWORD}@proxy.example.invalid:3128"),
        )]),
    )
}

/// A proxy URL with a password in the profile a fix edits (its diff shows nearby lines).
fn proxy_password_in_profile() -> Case {
    Case::new()
        .var("ANTHROPIC_API_KEY", FAKE_API_KEY)
        .var("CLAUDE_CODE_OAUTH_TOKEN", FAKE_OAUTH_TOKEN)
        .file(
            ".zshrc",
            &format!(
                "export HTTPS_PROXY=http://alice:{PROXY_PASSWORD}@127.0.0.1:9/
export ANTHROPIC_API_KEY={FAKE_API_KEY}
"
            ),
        )
}

/// Broken JSON that holds secrets: settings, `~/.claude.json`, a managed file.
fn corrupt_files_holding_secrets() -> Case {
    Case::new()
        .file(
            ".claude/settings.json",
            &format!("{{\"env\": {{\"ANTHROPIC_AUTH_TOKEN\": \"{FAKE_AUTH_TOKEN}\",, }}}}\n"),
        )
        .file(
            ".claude.json",
            &format!("{{\"primaryApiKey\": \"{FAKE_OTHER_KEY}\", \"customApiKeyResponses\": {{\"approved\": [\"{}\"]", key_tail(FAKE_API_KEY)),
        )
        .managed(
            "managed-settings.json",
            &format!("{{\"env\": {{\"ANTHROPIC_API_KEY\": {FAKE_API_KEY}}}}}"),
        )
}

/// The live check against a stand-in that echoes the key and token back.
fn live_echo() -> Case {
    Case::new()
        .var("ANTHROPIC_API_KEY", FAKE_API_KEY)
        .var("ANTHROPIC_AUTH_TOKEN", FAKE_AUTH_TOKEN)
        .live()
}

/// The live check against a stand-in that echoes the key and token in 20-character pieces.
fn live_echo_in_chunks() -> Case {
    Case::new()
        .var("ANTHROPIC_API_KEY", FAKE_API_KEY)
        .var("ANTHROPIC_AUTH_TOKEN", FAKE_AUTH_TOKEN)
        .live_echoing(Echo::InChunks)
}

/// The live check with only a login, against the echoing stand-in.
fn live_echo_login() -> Case {
    let case = Case::new().live();
    case.home.write_credentials(far_future_ms());
    case
}

// ---------------------------------------------------------------------------------------------
// Every mode over one home.

fn every_mode(case: &Case) {
    // check and report, in every format.
    for args in [
        &["check"][..],
        &["check", "-v"],
        &["check", "--json"],
        &["check", "--json", "-v"],
        &["report"],
        &["report", "--json"],
    ] {
        let (code, text) = case.run(args, None);
        assert!(
            matches!(code, Some(0 | 1)),
            "`{args:?}` exited {code:?}:\n{text}"
        );
    }
    let report_file = case.home.root.path().join("report.md");
    let file_arg = report_file.display().to_string();
    for args in [
        &["report", "-o", file_arg.as_str()][..],
        &["report", "--json", "-o", file_arg.as_str()],
    ] {
        case.run(args, None);
        let written = std::fs::read_to_string(&report_file).expect("report written");
        case.leaks.check(&format!("{args:?} (the file)"), &written);
    }

    // Every fix, planned only.
    for fix in FixId::ALL {
        let stdin = (*fix == FixId::ExportKey).then_some(FAKE_OTHER_KEY);
        let (code, text) = case.run(
            &["fix", fix.as_str(), "--dry-run"],
            stdin.map(|k| format!("{k}\n")).as_deref(),
        );
        assert!(
            matches!(code, Some(0..=2)),
            "fix {fix} --dry-run exited {code:?}:\n{text}"
        );
    }
    let (_, text) = case.run(&["undo", "--list"], None);
    assert!(!text.is_empty());

    // Every fix that edits files, applied for real; the undo list after each; then undo all.
    let mut applied = 0;
    for fix in FixId::ALL {
        if matches!(fix, FixId::Relogin | FixId::OpenConsole) {
            continue; // they run a login or a browser, not a file edit
        }
        let stdin = (*fix == FixId::ExportKey).then(|| format!("{TAIL_KEY}\n"));
        let (code, _) = case.run(&["fix", fix.as_str(), "--yes"], stdin.as_deref());
        if code == Some(0) {
            applied += 1;
        }
        case.run(&["undo", "--list"], None);
    }
    for _ in 0..applied {
        case.run(&["undo", "--yes"], None);
    }
    case.run(&["undo", "--list"], None);
}

/// The wizard over a real diagnosis of the home: every row selected, its detail scrolled to
/// the end, the help overlay, at 80x24 and 120x40; then the summary and the header.
fn every_frame(case: &Case, paste: &str) {
    let env = Arc::new(case.env());
    let opts = CheckOptions {
        offline: !case.live,
        timeout: Duration::from_secs(5),
        ..CheckOptions::default()
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (ctx, outcomes) = rt.block_on(async {
        let ctx_env = Arc::clone(&env);
        let ctx = tokio::task::spawn_blocking(move || CheckCtx::new(ctx_env, opts))
            .await
            .unwrap();
        let ctx = Arc::new(ctx);
        let outcomes = checks::run_all(Arc::clone(&ctx)).await;
        (ctx, outcomes)
    });
    for (width, height) in [(80u16, 24u16), (120, 40)] {
        let mut app = App::new(Theme::default());
        // No new key is checked against the real API: only the stand-in is ever asked.
        app.offline = !case.live;
        update(&mut app, Msg::Resize { width, height });
        update(&mut app, Msg::Started);
        update(
            &mut app,
            Msg::Resolved {
                run_id: 1,
                header: Header::from_ctx(&ctx),
            },
        );
        for outcome in &outcomes {
            update(
                &mut app,
                Msg::CheckFinished {
                    run_id: 1,
                    outcome: outcome.clone(),
                },
            );
        }
        assert!(app.all_done());
        let context = format!("wizard {width}x{height}");
        let leaks = &case.leaks;
        let wizard = Wizard {
            rt: &rt,
            env: &env,
            slot: PlanSlot::default(),
            leaks,
            size: (width, height),
            timeout: opts.timeout,
            live: case.live,
            paste: paste.to_string(),
        };
        leaks.check(&context, &frame_text(&app, width, height));
        for row in 0..app.rows.len() {
            app.selected = row;
            app.detail_scroll = 0;
            let context = format!("{context}, {} selected", app.rows[row].id);
            leaks.check(&context, &frame_text(&app, width, height));
            for _ in 0..50 {
                let before = app.detail_scroll;
                press(&mut app, KeyCode::PageDown);
                if app.detail_scroll == before {
                    break;
                }
                let context = format!("{context}, scrolled to {}", app.detail_scroll);
                leaks.check(&context, &frame_text(&app, width, height));
            }
            app.detail_scroll = 0;
            // The fix dialogs, at the larger size only: a narrow frame wraps long lines, which
            // could split a leaked secret where the substring check would miss it.
            if width >= 120 {
                wizard.every_fix_dialog(&app, &context);
            }
        }
        wizard.undo_and_paste_dialogs(&app, &context);
        press(&mut app, KeyCode::Char('?'));
        leaks.check(
            &format!("{context}, help"),
            &frame_text(&app, width, height),
        );
        leaks.check("wizard summary", &summary::summary(&app));
        leaks.check("wizard header", &format!("{:?}", app.header));
    }
    drop(rt);
}

/// Carries out the wizard's effects the way its runtime does (`tui::work`), except those that
/// change files, run commands or leave: enough to open every dialog over a real home.
struct Wizard<'a> {
    rt: &'a tokio::runtime::Runtime,
    env: &'a Arc<Environment>,
    slot: PlanSlot,
    leaks: &'a Leaks,
    size: (u16, u16),
    timeout: Duration,
    /// Whether a key may be checked live (against the stand-in on 127.0.0.1).
    live: bool,
    /// What is pasted into the paste-an-error dialog.
    paste: String,
}

impl Wizard<'_> {
    fn send(&self, app: &mut App, msg: Msg) {
        let mut queue: Vec<Effect> = update(app, msg);
        let mut steps = 0;
        while let Some(effect) = queue.pop() {
            steps += 1;
            assert!(steps < 100, "the wizard keeps asking for work");
            match effect {
                Effect::PlanFix {
                    op,
                    fix,
                    input,
                    check_key,
                } => {
                    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
                    let request = PlanRequest {
                        op,
                        fix,
                        input,
                        check_key: check_key && self.live,
                    };
                    self.rt.block_on(work::plan_fix(
                        Arc::clone(self.env),
                        self.timeout,
                        request,
                        Arc::clone(&self.slot),
                        tx,
                    ));
                    while let Ok(msg) = rx.try_recv() {
                        queue.extend(update(app, msg));
                    }
                }
                Effect::PlanUndo { op } => {
                    let result = self.rt.block_on(work::plan_undo(Arc::clone(self.env)));
                    queue.extend(update(app, Msg::UndoPlanned { op, result }));
                }
                Effect::DiscardPlan { op } => work::discard_plan(&self.slot, op),
                Effect::Copy(text) => self.leaks.check("wizard clipboard (OSC 52)", &text),
                // Applying, undoing, saving, re-running and quitting are not needed to show
                // every screen; files stay as they are for the modes that follow.
                _ => {}
            }
        }
    }

    /// Draws the current screen and every page of its scrollable content.
    fn frames(&self, app: &mut App, context: &str) -> String {
        let (w, h) = self.size;
        let first = frame_text(app, w, h);
        self.leaks.check(context, &first);
        let mut last = first.clone();
        for page in 1..30 {
            self.send(app, Msg::Key(KeyEvent::from(KeyCode::PageDown)));
            let next = frame_text(app, w, h);
            if next == last {
                break;
            }
            self.leaks.check(&format!("{context}, page {page}"), &next);
            last = next;
        }
        first
    }

    /// From `base` (a check selected): the fix menu, and each fix by its digit (pasting a key
    /// when asked, then its preview and confirmation).
    fn every_fix_dialog(&self, base: &App, context: &str) {
        let mut app = base.clone();
        self.send(&mut app, Msg::Key(KeyEvent::from(KeyCode::Char('f'))));
        self.frames(&mut app, &format!("{context}, fix menu"));
        let offered = base
            .rows
            .get(base.selected)
            .and_then(|row| row.outcome())
            .map_or(0, |o| o.fixes.len());
        for n in 1..=offered.min(9) {
            let digit = char::from_digit(u32::try_from(n).unwrap(), 10).unwrap();
            let mut app = base.clone();
            self.send(&mut app, Msg::Key(KeyEvent::from(KeyCode::Char(digit))));
            let context = format!("{context}, fix {digit}");
            self.frames(&mut app, &context);
            // A key asked for: paste it, look at the masked input, submit, see the preview.
            self.send(&mut app, Msg::Paste(Pasted::from(FAKE_OTHER_KEY)));
            self.frames(&mut app, &format!("{context}, key pasted"));
            self.send(&mut app, Msg::Key(KeyEvent::from(KeyCode::Enter)));
            self.frames(&mut app, &format!("{context}, submitted"));
        }
    }

    /// The undo screen, and the paste-an-error dialog fed text with secrets, then its verdict.
    fn undo_and_paste_dialogs(&self, base: &App, context: &str) {
        let mut app = base.clone();
        self.send(&mut app, Msg::Key(KeyEvent::from(KeyCode::Char('u'))));
        self.frames(&mut app, &format!("{context}, undo"));
        let mut app = base.clone();
        self.send(&mut app, Msg::Key(KeyEvent::from(KeyCode::Char('p'))));
        self.send(&mut app, Msg::Paste(Pasted::from(self.paste.as_str())));
        self.frames(&mut app, &format!("{context}, error pasted"));
        self.send(&mut app, Msg::Key(KeyEvent::from(KeyCode::Enter)));
        self.send(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
        );
        self.frames(&mut app, &format!("{context}, error explained"));
    }
}

macro_rules! homes {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {
        $(
            #[test]
            $(#[$meta])*
            fn $name() {
                let case = super::$name();
                super::every_frame(&case, &super::safe_paste());
                super::every_mode(&case);
                case.leaks.assert_none();
            }
        )+
    };
}

/// One test per home: every mode and every frame. A test marked `bug:` fails today; its reason
/// says what leaks where.
mod home {
    homes!(
        env_credentials,
        profiles_everywhere,
        crlf_key_in_bash,
        settings_every_scope,
        helper_printing_a_key,
        helper_with_inline_key,
        helper_failing_loudly,
        helper_with_a_gateway_token,
        global_config_with_tails,
        credentials_expired_and_misplaced,
        credentials_corrupt,
        credentials_scopeless,
        bedrock_and_foundry_tokens,
        proxy_with_password,
        endpoint_url_with_password,
        proxy_password_in_settings,
        proxy_password_in_profile,
        corrupt_files_holding_secrets,
        live_echo,
        live_echo_in_chunks,
        live_echo_login,
    );
}

// ---------------------------------------------------------------------------------------------
// explain, fed text that holds secrets.

fn pasted_texts() -> Vec<String> {
    let wrapped_key = format!("{}\n{}", &FAKE_API_KEY[..50], &FAKE_API_KEY[50..]);
    vec![
        format!(
            "$ ANTHROPIC_API_KEY={FAKE_API_KEY} claude -p hi\nInvalid API key · Fix external API key"
        ),
        format!(
            r#"API Error: 401 {{"type":"error","error":{{"type":"authentication_error","message":"invalid x-api-key {FAKE_OTHER_KEY}"}}}}"#
        ),
        format!(
            "Authorization: Bearer {FAKE_OAUTH_TOKEN}\nAPI Error: 401 OAuth token has expired. Please obtain a new token or refresh your existing token."
        ),
        format!(
            "POST /v1/oauth/token refresh_token={FAKE_REFRESH_TOKEN}\n{{\"error\": \"invalid_grant\"}}"
        ),
        format!("API Error: 401 Invalid bearer token {FAKE_AUTH_TOKEN}"),
        format!(
            "\u{1b}[31m{FAKE_API_KEY}\u{1b}[0m\n\u{1b}[1mInvalid API key · Fix external API key\u{1b}[0m"
        ),
        format!("x-api-key: {wrapped_key}\nInvalid API key · Fix external API key"),
        format!(
            "{{\"customApiKeyResponses\":{{\"rejected\":[\"{}\"]}}}}\nDetected a custom API key in your environment",
            key_tail(TAIL_KEY)
        ),
        format!(
            "export ANTHROPIC_AUTH_TOKEN=\"{FAKE_AUTH_TOKEN}\"\nexport ANTHROPIC_API_KEY='{TAIL_KEY}'\nAPI Error: 403 Forbidden"
        ),
        format!(
            "\\u001b[31mx-api-key: {FAKE_API_KEY}\\u001b[0m\\nInvalid API key \\u00b7 Fix external API key"
        ),
    ]
}

/// The pasted texts whose secrets the paste box masks today: whole `sk-ant-` keys and tokens.
/// `wizard_paste_box_masks_every_pasted_secret` pastes them all.
fn safe_paste() -> String {
    let all = pasted_texts();
    [0, 1, 2, 3, 5, 9].map(|i| all[i].clone()).join("\n")
}

/// The paste-an-error box echoes what was pasted; it masks `sk-ant-` keys, and must mask the
/// rest too.
#[test]
fn wizard_paste_box_masks_every_pasted_secret() {
    let case = env_credentials();
    every_frame(&case, &pasted_texts().join("\n"));
    case.leaks.assert_none();
}

fn explain_run(args: &[&str], stdin: Option<&str>) -> String {
    let home = TempHome::new();
    let mut cmd = home.command();
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    let out = child.wait_with_output().unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn explain_never_repeats_a_pasted_secret() {
    use claude_auth_tui::{classify, explain};
    // The library, for every text: the classification and both renderings.
    for text in pasted_texts() {
        let c = classify::classify(&text);
        let shown = format!(
            "{}\n{}\n{:?}",
            explain::render_text(&c),
            explain::render_json(&c),
            c
        );
        guard(&format!("explain of {text:?}"), &shown);
    }
    // The binary (each run compiles every signature, slow in a debug build): the text on
    // standard input, and the JSON with the text as arguments.
    let all = pasted_texts().join("\n");
    let out = explain_run(&["explain"], Some(&all));
    guard("explain (stdin)", &out);
    let out = explain_run(&["explain", "--json", &all], None);
    guard("explain --json (argument)", &out);
}

/// A gateway token (not an `sk-ant-` key) that the terminal wrapped, or that is glued to a path,
/// must not be repeated by `explain`.
#[test]
fn explain_masks_a_wrapped_gateway_token() {
    let texts = [
        format!(
            "API Error: 401 {{\"type\":\"error\",\"error\":{{\"type\":\"authentication_error\",\"message\":\"Invalid bearer token {}\n{}\"}}}}",
            &FAKE_AUTH_TOKEN[..30],
            &FAKE_AUTH_TOKEN[30..]
        ),
        format!(
            "Failed to connect to https://gw.example.com/{FAKE_AUTH_TOKEN}/v1/messages: API Error: 401 Invalid bearer token"
        ),
        format!(
            "HTTPS_PROXY=http://alice:{PROXY_PASSWORD}@proxy:3128\nAPI Error: 407 Proxy Authentication Required"
        ),
        // A broken escape sequence eats the `s` of `sk-ant-`; the rest is glued to `/login`.
        format!("Not logged in · Please run /login\u{1b}[{FAKE_API_KEY}"),
    ];
    for text in texts {
        for args in [&["explain"][..], &["explain", "--json"]] {
            let out = explain_run(args, Some(&text));
            guard(&format!("explain of {text:?}"), &out);
        }
    }
}
