//! Speed and memory figures for the README: `cargo bench --bench perf`.
//!
//! (a) `check --json --offline`, whole process, and its peak RSS; (b) `check --json` with the live
//! check against a stand-in server on 127.0.0.1; (c) the wizard's time to first frame in a
//! pseudo-terminal; (d) CPU used by the idle wizard over 10 s. Then (r1–r6) the same with the real
//! Claude Code installed from npm into a temp folder (or `CLAUDE_BIN`) and on PATH: `check --json`
//! live against one `curl` of the same request and one `claude -p hi` against the same stand-in,
//! peak memory of the tool and its children, the wizard's first complete verdict; skipped with a
//! message when it cannot be installed; (f) (a) with a 100 MB `~/.claude.json`. Medians with min and max. Everything runs in a throwaway home with a cleared
//! environment; nothing leaves 127.0.0.1. Targets are printed beside the figures, never asserted.

// The stand-in server (tests/support/server.rs) unwraps: a panic fails the run.
#![allow(clippy::unwrap_used)]
// Figures for display only: byte counts, ticks and durations far below 2^52, rounded on print.
#![allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]

#[path = "../tests/support/server.rs"]
mod server;

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_claude-auth-tui");
const FAKE_KEY: &str = "sk-ant-api03-BENCHfakeKEY000000000000000000000000000000000000000000000000000000000000000000000000-Bnch";

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list` expects no error
    }
    let home = tempfile::tempdir().expect("tempdir");
    let home_path = home.path().to_path_buf();
    std::fs::create_dir_all(home_path.join(".claude")).expect("mkdir");
    std::fs::write(
        home_path.join(".zshrc"),
        format!("export ANTHROPIC_API_KEY={FAKE_KEY}\n"),
    )
    .expect("write");
    std::fs::write(home_path.join(".claude/settings.json"), "{\"env\":{}}\n").expect("write");
    let server = stand_in();

    let mut rows: Vec<(String, Stats, String)> = Vec::new();

    let offline = time_runs(30, || {
        run_check(&home_path, &["check", "--json", "--offline"], &[]);
    });
    rows.push((
        "(a) check --json --offline".into(),
        offline,
        "≤ 10 ms".into(),
    ));
    if let Some(rss) = peak_rss_kib(&home_path) {
        println!(
            "peak RSS of check --json --offline: {:.1} MB",
            rss as f64 / 1024.0
        );
        rows.push((
            "(a) peak RSS".into(),
            Stats::single_mb(rss),
            "≤ 20 MB".into(),
        ));
    }

    big_global_config(&mut rows);

    let url = server.url.clone();
    let live = time_runs(30, || {
        run_check(
            &home_path,
            &["check", "--json"],
            &[
                ("ANTHROPIC_API_KEY", FAKE_KEY),
                ("ANTHROPIC_BASE_URL", &url),
            ],
        );
    });
    rows.push((
        "(b) check --json, live on 127.0.0.1".into(),
        live.clone(),
        "≤ 30 ms".into(),
    ));

    match first_frame_times(&home_path, 10) {
        Some(s) => rows.push((
            "(c) wizard: time to first frame".into(),
            s,
            "≤ 20 ms".into(),
        )),
        None => println!("(c) skipped: the wizard did not draw in a pseudo-terminal"),
    }
    match idle_cpu_percent(&home_path) {
        Some(p) => rows.push((
            "(d) idle wizard CPU over 10 s".into(),
            Stats::single_percent(p),
            "≤ 1 % of a core".into(),
        )),
        None => println!("(d) skipped: /proc not available"),
    }
    rows.extend(real_cli_rows(&home_path, &url, &live));

    println!();
    println!("| measure | median | min | max | target |");
    println!("|---|---|---|---|---|");
    for (name, s, target) in &rows {
        println!(
            "| {name} | {} | {} | {} | {target} |",
            s.fmt(s.median),
            s.fmt(s.min),
            s.fmt(s.max)
        );
    }
    println!(
        "\nmachine: {} cores, {}",
        std::thread::available_parallelism().map_or(0, usize::from),
        cpu_model()
    );
}

#[derive(Clone)]
struct Stats {
    median: Duration,
    min: Duration,
    max: Duration,
    unit: Unit,
}

#[derive(Clone, Copy)]
enum Unit {
    Time,
    Megabytes,
    Percent,
}

impl Stats {
    fn of(mut samples: Vec<Duration>) -> Self {
        samples.sort();
        Self {
            median: samples[samples.len() / 2],
            min: samples[0],
            max: samples[samples.len() - 1],
            unit: Unit::Time,
        }
    }
    /// Non-time figures reuse the Duration slots as plain numbers (micro-units).
    fn single_mb(kib: u64) -> Self {
        let d = Duration::from_micros(kib);
        Self {
            median: d,
            min: d,
            max: d,
            unit: Unit::Megabytes,
        }
    }
    fn single_percent(p: f64) -> Self {
        let d = Duration::from_nanos((p * 1000.0) as u64);
        Self {
            median: d,
            min: d,
            max: d,
            unit: Unit::Percent,
        }
    }
    fn fmt(&self, d: Duration) -> String {
        match self.unit {
            Unit::Time => format!("{:.1} ms", d.as_secs_f64() * 1000.0),
            Unit::Megabytes => format!("{:.1} MB", d.as_micros() as f64 / 1024.0),
            Unit::Percent => format!("{:.2} %", d.as_nanos() as f64 / 1000.0),
        }
    }
}

fn time_runs(n: usize, mut f: impl FnMut()) -> Stats {
    f(); // warm the page cache
    let samples = (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    Stats::of(samples)
}

fn base_command(home: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("HOME", home)
        .env("PATH", "/usr/bin:/bin")
        .env("SHELL", "/bin/zsh")
        .env("CLAUDE_AUTH_TUI_MANAGED_DIR", home.join("etc"))
        .current_dir(home);
    cmd
}

fn run_check(home: &Path, args: &[&str], vars: &[(&str, &str)]) {
    let mut cmd = base_command(home);
    cmd.args(args).stdout(Stdio::null()).stderr(Stdio::null());
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let _ = cmd.status();
}

fn peak_rss_kib(home: &Path) -> Option<u64> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return None;
    }
    let out = Command::new(time)
        .args(["-f", "%M", BIN, "check", "--json", "--offline"])
        .env_clear()
        .env("HOME", home)
        .env("PATH", "/usr/bin:/bin")
        .stdout(Stdio::null())
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .last()?
        .trim()
        .parse()
        .ok()
}

/// (f) `check --json --offline` with a 100 MB `~/.claude.json` (heavy users have tens of MB of
/// project history there): time and peak RSS, in a home of its own.
fn big_global_config(rows: &mut Vec<(String, Stats, String)>) {
    let home = tempfile::tempdir().expect("tempdir");
    let home_path = home.path().to_path_buf();
    std::fs::create_dir_all(home_path.join(".claude")).expect("mkdir");
    let entry = |i: usize| {
        format!(
            "    \"/home/u/src/repo-{i}\": {{\n      \"history\": [{}],\n      \"lastCost\": 0.{i},\n      \"hasTrustDialogAccepted\": false\n    }}",
            (0..20)
                .map(|n| format!(
                    "{{\"display\": \"fix the bug number {n} in {i}\", \"pastedContents\": {{}}}}"
                ))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let mut text = String::from("{\n  \"numStartups\": 812,\n  \"projects\": {\n");
    let mut i = 0;
    while text.len() < 100 * 1024 * 1024 {
        text.push_str(&entry(i));
        text.push_str(",\n");
        i += 1;
    }
    text.push_str(&entry(i));
    // The shell's key was declined once: approve-key has something to move.
    let tail = &FAKE_KEY[FAKE_KEY.len() - 20..];
    let _ = write!(
        text,
        "\n  }},\n  \"hasCompletedOnboarding\": true,\n  \"customApiKeyResponses\": {{\"approved\": [], \"rejected\": [\"{tail}\"]}},\n  \"primaryApiKey\": \"{FAKE_KEY}\"\n}}\n"
    );
    std::fs::write(home_path.join(".claude.json"), &text).expect("write");
    drop(text);
    let stats = time_runs(10, || {
        run_check(&home_path, &["check", "--json", "--offline"], &[]);
    });
    rows.push((
        "(f) check --json --offline, 100 MB ~/.claude.json".into(),
        stats,
        "≤ 150 ms".into(),
    ));
    if let Some(rss) = peak_rss_kib(&home_path) {
        rows.push((
            "(f) peak RSS, 100 MB ~/.claude.json".into(),
            Stats::single_mb(rss),
            "≤ 32 MB".into(),
        ));
    }
    approve_key_big(&home_path, rows);
}

/// (g) `fix approve-key --yes` on the same 100 MB file (a streamed span edit with its backup),
/// each run undone before the next; time and peak RSS.
fn approve_key_big(home: &Path, rows: &mut Vec<(String, Stats, String)>) {
    let key = [("ANTHROPIC_API_KEY", FAKE_KEY)];
    let stats = time_runs(3, || {
        run_check(home, &["fix", "approve-key", "--yes", "--offline"], &key);
        run_check(home, &["undo", "--yes", "--offline"], &[]);
    });
    rows.push((
        "(g) fix approve-key + undo, 100 MB ~/.claude.json".into(),
        stats,
        "(no target)".into(),
    ));
    if let Some(rss) = peak_rss_kib_of(home, &["fix", "approve-key", "--yes", "--offline"], &key) {
        rows.push((
            "(g) peak RSS of fix approve-key, 100 MB ~/.claude.json".into(),
            Stats::single_mb(rss),
            "≤ 32 MB".into(),
        ));
    }
}

/// A stand-in API on 127.0.0.1 (the tests' one) answering every request with 401 "invalid
/// x-api-key" and `x-should-retry: false`, so the CLI reference stops after one request too;
/// the connection is kept alive, as the CLI expects.
fn stand_in() -> server::Server {
    server::Server::start(server::Reply::KeepAlive(server::http_keep_alive(
        "401 Unauthorized",
        &[
            ("content-type", "application/json"),
            ("x-should-retry", "false"),
        ],
        server::INVALID_KEY_BODY,
    )))
}

/// A wizard running in a pty: the child, its output so far, the keyboard, and its start time.
type Wizard = (
    Box<dyn portable_pty::Child + Send + Sync>,
    Arc<Mutex<Vec<u8>>>,
    Box<dyn Write + Send>,
    Instant,
);

/// Starts the wizard in a pty.
fn spawn_wizard(home: &Path) -> Option<Wizard> {
    spawn_wizard_with(home, "/usr/bin:/bin")
}

/// Starts the wizard in a pty with this PATH.
fn spawn_wizard_with(home: &Path, path: &str) -> Option<Wizard> {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 30,
            cols: 100,
            pixel_width: 0,
            pixel_height: 0,
        })
        .ok()?;
    let mut cmd = CommandBuilder::new(BIN);
    cmd.arg("--offline");
    cmd.env_clear();
    cmd.env("HOME", home);
    cmd.env("PATH", path);
    cmd.env("TERM", "xterm-256color");
    cmd.env("SHELL", "/bin/zsh");
    cmd.env("CLAUDE_AUTH_TUI_MANAGED_DIR", home.join("etc"));
    cmd.cwd(home);
    let started = Instant::now();
    let child = pty.slave.spawn_command(cmd).ok()?;
    let mut reader = pty.master.try_clone_reader().ok()?;
    let writer = pty.master.take_writer().ok()?;
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&buffer);
    std::thread::spawn(move || {
        let mut chunk = [0u8; 8192];
        while let Ok(n) = reader.read(&mut chunk) {
            if n == 0 {
                break;
            }
            sink.lock()
                .map(|mut b| b.extend_from_slice(&chunk[..n]))
                .ok();
        }
    });
    std::mem::forget(pty.master); // keep the pty open while the child runs
    Some((child, buffer, writer, started))
}

fn wait_for(buffer: &Arc<Mutex<Vec<u8>>>, needle: &str, limit: Duration) -> Option<Instant> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if buffer
            .lock()
            .ok()
            .is_some_and(|b| String::from_utf8_lossy(&b).contains(needle))
        {
            return Some(Instant::now());
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    None
}

fn first_frame_times(home: &Path, n: usize) -> Option<Stats> {
    let mut samples = Vec::new();
    for _ in 0..n {
        let (mut child, buffer, mut writer, started) = spawn_wizard(home)?;
        let drawn = wait_for(&buffer, "Claude Code CLI", Duration::from_secs(10));
        let _ = writer.write_all(b"q");
        let _ = writer.flush();
        let _ = child.wait();
        samples.push(drawn?.duration_since(started));
    }
    Some(Stats::of(samples))
}

fn proc_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the `)`.
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

fn idle_cpu_percent(home: &Path) -> Option<f64> {
    let (mut child, buffer, mut writer, _) = spawn_wizard(home)?;
    wait_for(&buffer, "Claude Code CLI", Duration::from_secs(10))?;
    std::thread::sleep(Duration::from_secs(2)); // let every check finish
    let pid = child.process_id()?;
    let before = proc_ticks(pid)?;
    let t = Instant::now();
    std::thread::sleep(Duration::from_secs(10));
    let after = proc_ticks(pid)?;
    let elapsed = t.elapsed().as_secs_f64();
    let _ = writer.write_all(b"q");
    let _ = child.wait();
    // Linux reports in clock ticks of 1/100 s.
    Some((after - before) as f64 / 100.0 / elapsed * 100.0)
}

/// The real Claude Code, installed from the npm registry into a temp folder (`CLAUDE_BIN` names
/// one already installed instead). `None`, with the reason printed, when it cannot be had.
fn install_real_cli() -> Option<(Option<tempfile::TempDir>, PathBuf)> {
    if let Some(p) = std::env::var_os("CLAUDE_BIN") {
        return Some((None, PathBuf::from(p)));
    }
    let dir = tempfile::tempdir().ok()?;
    println!("installing @anthropic-ai/claude-code from npm into a temp folder…");
    let status = Command::new("npm")
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            "--prefix",
        ])
        .arg(dir.path())
        .arg("@anthropic-ai/claude-code")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status();
    let claude = dir.path().join("node_modules/.bin/claude");
    match status {
        Ok(s) if s.success() && claude.is_file() => Some((Some(dir), claude)),
        Ok(s) => {
            println!(
                "real-CLI rows skipped: `npm install @anthropic-ai/claude-code` ended with {s}"
            );
            None
        }
        Err(e) => {
            println!("real-CLI rows skipped: npm could not be started ({e})");
            None
        }
    }
}

/// The figures with the real CLI on PATH: `check --json` live on loopback against one `curl` of
/// the same request and one `claude -p hi` against the same stand-in; peak memory of the tool
/// and its children (with and without `--cross-check`); the wizard's first complete verdict.
fn real_cli_rows(home: &Path, url: &str, stand_in_live: &Stats) -> Vec<(String, Stats, String)> {
    let mut rows = Vec::new();
    let Some((_keep, claude)) = install_real_cli() else {
        return rows;
    };
    let version = Command::new(&claude)
        .arg("--version")
        .env_clear()
        .env("HOME", home)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    println!("real CLI: {} ({version})", claude.display());
    let bin_dir = claude.parent().map(Path::to_path_buf).unwrap_or_default();
    let path = format!("{}:/usr/bin:/bin", bin_dir.display());
    let live_vars = [
        ("ANTHROPIC_API_KEY", FAKE_KEY),
        ("ANTHROPIC_BASE_URL", url),
        ("PATH", path.as_str()),
    ];

    let live = time_runs(30, || run_check(home, &["check", "--json"], &live_vars));
    let curl = time_runs(30, || {
        let _ = Command::new("curl")
            .args(["-s", "-o", "/dev/null", "-H"])
            .arg(format!("x-api-key: {FAKE_KEY}"))
            .args(["-H", "anthropic-version: 2023-06-01"])
            .arg(format!("{url}/v1/models?limit=1"))
            .env_clear()
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    });
    // Claude Code in its own empty home: nothing of this machine, only the fake key.
    let claude_home = tempfile::tempdir().expect("tempdir");
    let reference = time_runs(5, || {
        let _ = Command::new(&claude)
            .args(["-p", "hi"])
            .env_clear()
            .env("HOME", claude_home.path())
            .env("PATH", "/usr/bin:/bin")
            .env("ANTHROPIC_API_KEY", FAKE_KEY)
            .env("ANTHROPIC_BASE_URL", url)
            .env("CLAUDE_CODE_MAX_RETRIES", "0")
            .env("DISABLE_AUTOUPDATER", "1")
            .env("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")
            .current_dir(claude_home.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    });
    let secs = |s: &Stats| s.median.as_secs_f64().max(1e-9);
    let vs_curl = secs(&live) / secs(&curl);
    let vs_claude = secs(&reference) / secs(&live);
    println!(
        "real CLI: check --json is {vs_curl:.1}× one curl (target ≤ 3×) and {vs_claude:.0}× faster than claude -p hi (target ≥ 20×); stand-in row: {:.1} ms",
        secs(stand_in_live) * 1000.0
    );
    rows.push((
        "(r1) check --json, live on 127.0.0.1, real CLI on PATH".into(),
        live.clone(),
        format!("≤ 3× (r2): {vs_curl:.1}×; ≥ 20× faster than (r3): {vs_claude:.0}×"),
    ));
    rows.push((
        "(r2) one curl of the same request".into(),
        curl,
        "reference".into(),
    ));
    rows.push((
        format!("(r3) claude -p hi ({version}) against the same stand-in"),
        reference,
        "reference".into(),
    ));
    let cross = time_runs(10, || {
        run_check(home, &["check", "--json", "--cross-check"], &live_vars);
    });
    rows.push((
        "(r4) the same with --cross-check (starts `claude auth status`)".into(),
        cross,
        "on request only".into(),
    ));
    for (label, extra, target) in [
        ("(r5) peak memory, tool and children", &[][..], "≤ 32 MB"),
        (
            "(r5) peak memory with --cross-check",
            &["--cross-check"][..],
            "on request only",
        ),
    ] {
        let mut args = vec!["check", "--json"];
        args.extend_from_slice(extra);
        if let Some(kib) = peak_rss_kib_of(home, &args, &live_vars) {
            rows.push((label.into(), Stats::single_mb(kib), target.into()));
        }
    }
    match verdict_times(home, &path, 10) {
        Some(s) => rows.push((
            "(r6) wizard: first complete verdict (every check reported)".into(),
            s,
            "≤ 50 ms".into(),
        )),
        None => println!("(r6) skipped: the wizard did not reach a verdict in a pseudo-terminal"),
    }
    rows
}

/// Peak resident memory of `BIN args` and every child it waited for (GNU time's %M).
fn peak_rss_kib_of(home: &Path, args: &[&str], vars: &[(&str, &str)]) -> Option<u64> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        println!("peak memory skipped: no /usr/bin/time");
        return None;
    }
    let mut cmd = Command::new(time);
    cmd.args(["-f", "%M", BIN])
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("PATH", "/usr/bin:/bin")
        .env("CLAUDE_AUTH_TUI_MANAGED_DIR", home.join("etc"))
        .current_dir(home)
        .stdout(Stdio::null());
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().ok()?;
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .last()?
        .trim()
        .parse()
        .ok()
}

/// Time from start until the wizard shows its verdict with every check reported.
fn verdict_times(home: &Path, path: &str, n: usize) -> Option<Stats> {
    let mut samples = Vec::new();
    for _ in 0..n {
        let (mut child, buffer, mut writer, started) = spawn_wizard_with(home, path)?;
        // "Primary cause" replaces "Likely cause so far" once every check has reported.
        let done = wait_for(&buffer, "Primary cause", Duration::from_secs(10));
        let _ = writer.write_all(b"q");
        let _ = writer.flush();
        let _ = child.wait();
        samples.push(done?.duration_since(started));
    }
    Some(Stats::of(samples))
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string())
}
