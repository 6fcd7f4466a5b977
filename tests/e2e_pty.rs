//! End to end: the real binary in a pseudo-terminal, with a temp home and a cleared
//! environment. A reader thread drains the terminal continuously into a vt100 screen.
#![cfg(unix)]
#![allow(clippy::unwrap_used)] // tests: a panic is a failed test

mod support;

use claude_auth_tui::ids::CheckId;
use std::time::{Duration, Instant};
use support::TempHome;
use support::pty::{COLS, LEAVE_ALT_SCREEN, ROWS, Session, checks_done};
use support::server::{Reply, Server};

/// The checklist row shown in reverse video.
fn selected(screen: &vt100::Screen) -> Option<usize> {
    screen.rows(0, COLS).enumerate().find_map(|(row, text)| {
        let index = CheckId::ALL
            .iter()
            .position(|id| text.contains(id.title()))?;
        let row = u16::try_from(row).ok()?;
        screen
            .cell(row, 2)
            .is_some_and(vt100::Cell::inverse)
            .then_some(index)
    })
}

fn position(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// Asserts a clean exit (status 0), the alternate screen left, and the summary printed after it.
fn assert_restored_with_summary(session: &mut Session) {
    assert_restored_with_status(session, 0);
}

/// Like `assert_restored_with_summary`, with the exit status shells expect (130 after Ctrl-C,
/// 143 after SIGTERM).
fn assert_restored_with_status(session: &mut Session, code: u32) {
    let status = session.wait_exit();
    let raw = session.raw();
    let text = String::from_utf8_lossy(&raw);
    assert_eq!(status.exit_code(), code, "exit {status:?}:\n{text}");
    let left = position(&raw, LEAVE_ALT_SCREEN).expect("the alternate screen was never left");
    let after = String::from_utf8_lossy(&raw[left..]);
    assert!(
        after.contains("claude-auth-tui: ")
            && (after.contains("Primary cause") || after.contains("No problem found")),
        "no summary after leaving the alternate screen:\n{after}"
    );
    let output = session.output.lock().unwrap();
    let screen = output.parser.screen();
    assert!(!screen.alternate_screen());
    assert!(!screen.hide_cursor(), "the cursor was left hidden");
    assert!(!screen.bracketed_paste(), "bracketed paste was left on");
    assert_eq!(
        screen.mouse_protocol_mode(),
        vt100::MouseProtocolMode::None,
        "mouse capture was left on"
    );
}

#[test]
fn wizard_moves_opens_help_and_quits_cleanly() {
    let home = TempHome::new();
    let mut session = Session::start(&home, &["--offline"]);
    session.wait_for("the checklist with every check done", checks_done);
    {
        let output = session.output.lock().unwrap();
        let screen = output.parser.screen();
        assert!(screen.alternate_screen());
        assert!(screen.bracketed_paste());
    }

    let first =
        selected(session.output.lock().unwrap().parser.screen()).expect("a selected checklist row");
    let (down, up) = if first + 1 < CheckId::ALL.len() {
        (first + 1, first)
    } else {
        (first, first - 1)
    };
    if first + 1 < CheckId::ALL.len() {
        session.send(b"\x1b[B"); // Down
        session.wait_for("Down to move the selection", |s| selected(s) == Some(down));
        session.send(b"k");
        session.wait_for("k to move it back", |s| selected(s) == Some(up));
    } else {
        session.send(b"k");
        session.wait_for("k to move up", |s| selected(s) == Some(up));
        session.send(b"j");
        session.wait_for("j to move down", |s| selected(s) == Some(down));
    }

    session.send(b"?");
    session.wait_for("the help overlay", |s| {
        s.contents().contains("show every key")
    });
    session.send(b"\x1b"); // Esc closes help, not the wizard
    session.wait_for("the help overlay to close", |s| {
        !s.contents().contains("show every key") && checks_done(s)
    });

    session.send(b"q");
    assert_restored_with_summary(&mut session);
}

#[test]
fn resizing_below_the_minimum_shows_a_message_and_back() {
    let home = TempHome::new();
    let mut session = Session::start(&home, &["--offline"]);
    session.wait_for("the checklist with every check done", checks_done);
    session.resize(12, 50);
    session.wait_for("the too-small message", |s| {
        s.contents().contains("Terminal too small")
    });
    session.resize(ROWS, COLS);
    session.wait_for("the checklist again", |s| {
        checks_done(s) && !s.contents().contains("Terminal too small")
    });
    session.send(b"q");
    assert_restored_with_summary(&mut session);
}

#[test]
fn ctrl_c_quits_cleanly() {
    let home = TempHome::new();
    let mut session = Session::start(&home, &["--offline"]);
    session.wait_for("the checklist with every check done", checks_done);
    session.send(b"\x03");
    assert_restored_with_status(&mut session, 130);
}

#[test]
fn sigterm_restores_the_terminal() {
    let home = TempHome::new();
    let mut session = Session::start(&home, &["--offline"]);
    session.wait_for("the checklist with every check done", checks_done);
    let pid = session.child.process_id().expect("pid");
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    assert_restored_with_status(&mut session, 143);
}

#[test]
fn demo_runs_the_wizard_over_a_made_up_setup() {
    let home = TempHome::new();
    let mut session = Session::start(&home, &["--demo", "key-invalid"]);
    session.wait_for("the demo's diagnosis", |s| {
        let text = s.contents();
        checks_done(s) && text.contains("DEMO: key-invalid") && text.contains("Primary cause")
    });
    assert!(session.screen_text().contains("key-invalid"));
    session.send(b"q");
    assert_restored_with_summary(&mut session);
    let raw = String::from_utf8_lossy(&session.raw()).into_owned();
    support::assert_no_leak(&raw);
    // The demo never touched the home it was started in.
    assert!(
        std::fs::read_dir(home.home())
            .unwrap()
            .all(|e| { e.unwrap().file_name() == "project" })
    );
}

/// The checklist row of `id`, as shown (the checklist is the left 36 columns at most).
fn row_of(screen: &vt100::Screen, id: CheckId) -> Option<String> {
    screen.rows(0, 36).find(|text| text.contains(id.title()))
}

/// The whole fix flow in a real terminal: a key that sits in ~/.bashrc while the shell is zsh;
/// `f`, the key pasted into the masked input, the diff, `y`; ~/.zshrc now exports it, a backup
/// exists, and the check turns green as a new terminal will see it. Then `u`, `y`: the exact
/// bytes come back.
#[test]
fn export_key_fix_then_undo_in_a_real_terminal() {
    let home = TempHome::new();
    home.fake_claude_standard();
    let zshrc_before = "# my zsh setup\nalias ll='ls -l'\n";
    let zshrc = home.write(".zshrc", zshrc_before);
    home.write(
        ".bashrc",
        &format!("export ANTHROPIC_API_KEY={}\n", support::FAKE_OTHER_KEY),
    );
    let mut session = Session::start_with(&home, &["--offline"], &[("SHELL", "/bin/zsh")]);
    session.wait_for("the diagnosis", |s| {
        checks_done(s) && s.contents().contains("key-not-exported")
    });
    session.wait_for("shell-env failing and selected", |s| {
        row_of(s, CheckId::ShellEnv).is_some_and(|r| r.contains('✗'))
            && selected(s) == CheckId::ALL.iter().position(|c| *c == CheckId::ShellEnv)
            && s.contents().contains("export-key")
    });

    session.send(b"f");
    session.wait_for("the key input", |s| {
        s.contents().contains("Paste your Anthropic API key")
    });
    // A bracketed paste, as a terminal sends it.
    session.send(format!("\x1b[200~{FAKE_KEY}\n\x1b[201~").as_bytes());
    session.wait_for("the key, masked", |s| {
        s.contents().contains("ends in …AbCd")
    });
    session.send(b"\r");
    session.wait_for("the confirm screen with the diff", |s| {
        let text = s.contents();
        text.contains("+export ANTHROPIC_API_KEY='sk-ant-api03-…AbCd'")
            && text.contains("yes, do it")
    });
    session.send(b"y");
    session.wait_for("the fix applied and shell-env green", |s| {
        let text = s.contents();
        text.contains("press u to undo")
            && text.contains("as a new terminal will see it")
            && row_of(s, CheckId::ShellEnv).is_some_and(|r| r.contains('✓'))
    });
    let after = std::fs::read_to_string(&zshrc).unwrap();
    assert!(
        after.starts_with(zshrc_before)
            && after.contains(&format!("export ANTHROPIC_API_KEY='{FAKE_KEY}'")),
        "{after}"
    );
    let backups: Vec<_> =
        std::fs::read_dir(home.home().join(".local/state/claude-auth-tui/backups"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert_eq!(
        std::fs::read_to_string(backups[0].join(".zshrc")).unwrap(),
        zshrc_before,
        "the backup holds the original"
    );

    session.send(b"u");
    session.wait_for("the undo confirmation", |s| {
        let text = s.contents();
        text.contains("Undo export-key") && text.contains("~/.zshrc: restored from")
    });
    session.send(b"y");
    session.wait_for("the undo done", |s| {
        let text = s.contents();
        text.contains("Undid export-key") && !text.contains("as a new terminal will see it")
    });
    assert_eq!(std::fs::read(&zshrc).unwrap(), zshrc_before.as_bytes());
    session.wait_for("the checks re-run", checks_done);

    session.send(b"q");
    assert_restored_with_summary(&mut session);
    let raw = String::from_utf8_lossy(&session.raw()).into_owned();
    support::assert_no_leak(&raw);
    assert!(
        raw.contains("export-key (~/.zshrc"),
        "the summary lists the fix"
    );
}

/// The key pasted in the end-to-end test (the support module's `FAKE_API_KEY`).
const FAKE_KEY: &str = support::FAKE_API_KEY;

/// `p`, an error pasted, Ctrl-S: the verdict; Enter jumps to the check behind it.
#[test]
fn paste_an_error_in_a_real_terminal() {
    let home = TempHome::new();
    let mut session = Session::start(&home, &["--offline"]);
    session.wait_for("the checklist with every check done", checks_done);
    session.send(b"p");
    session.wait_for("the paste input", |s| {
        s.contents().contains("Paste an error message")
    });
    session.send(b"\x1b[200~Error: 401 OAuth token has expired. Please obtain a new token or refresh your existing token.\x1b[201~");
    session.wait_for("the pasted text", |s| {
        s.contents().contains("OAuth token has expired")
    });
    session.send(b"\x13"); // Ctrl-S
    session.wait_for("the verdict", |s| {
        let text = s.contents();
        text.contains("What this error means") && text.contains("oauth-expired")
    });
    session.send(b"\r");
    let oauth = CheckId::ALL.iter().position(|c| *c == CheckId::Oauth);
    session.wait_for("the OAuth check selected", |s| {
        selected(s) == oauth && !s.contents().contains("What this error means")
    });
    session.send(b"q");
    assert_restored_with_summary(&mut session);
}

/// relogin hands the terminal to `claude auth login` and takes it back: a failed login keeps its
/// words on screen until Enter, a good one turns the OAuth check green.
#[test]
fn relogin_steps_aside_for_the_login_and_comes_back() {
    let home = TempHome::new();
    // A stand-in CLI whose login fails once, then writes a login that is valid for years.
    home.fake_claude(
        r#"case "$1 $2" in
  "--version "*) echo "2.1.197 (Claude Code)";;
  "auth status") echo '{"loggedIn": false, "authMethod": "none", "apiProvider": "firstParty"}'; exit 1;;
  "auth login")
    if [ -f "$HOME/.tried" ]; then
      mkdir -p "$HOME/.claude"
      printf '{"claudeAiOauth":{"accessToken":"sk-ant-oat01-E2EloginTOKEN5555555555555555555555555555555555555555-Ok01","refreshToken":"sk-ant-ort01-E2ErefreshTOKEN66666666666666666666666666666666666-Ok02","expiresAt":4102444800000,"scopes":["user:inference","user:profile"],"subscriptionType":"max"}}' > "$HOME/.claude/.credentials.json"
      chmod 600 "$HOME/.claude/.credentials.json"
      echo "LOGIN-OK"
    else
      touch "$HOME/.tried"
      echo "LOGIN-FAILED: the browser could not be opened" >&2
      exit 1
    fi;;
  *) exit 1;;
esac"#,
    );
    // A desktop session (a display): the browser login is the route; setup-token is the note.
    let mut session = Session::start_with(&home, &["--offline"], &[("DISPLAY", ":0")]);
    let oauth = CheckId::ALL.iter().position(|c| *c == CheckId::Oauth);
    session.wait_for("the diagnosis: no login", |s| {
        checks_done(s) && s.contents().contains("no-credentials")
    });
    // Select the OAuth check (the primary cause may sit on another check).
    for _ in 0..CheckId::ALL.len() {
        let now = selected(session.output.lock().unwrap().parser.screen());
        if now == oauth {
            break;
        }
        session.send(if now > oauth { b"k" } else { b"j" });
        session.wait_for("the selection to move", |s| selected(s) != now);
    }
    session.wait_for("the OAuth check selected", |s| selected(s) == oauth);

    session.send(b"f");
    session.wait_for("the relogin confirmation with the headless route", |s| {
        let text = s.contents();
        text.contains("Log in again (relogin)")
            && text.contains("claude auth login")
            && text.contains("claude setup-token")
    });
    session.send(b"y");
    session.wait_for("the failed login's words, outside the wizard", |s| {
        let text = s.contents();
        !s.alternate_screen()
            && text.contains("LOGIN-FAILED")
            && text.contains("Press Enter to go back")
    });
    session.send(b"\r");
    session.wait_for("the wizard back, with the exit status", |s| {
        s.alternate_screen() && s.contents().contains("ended with exit status: 1")
    });

    session.send(b"f");
    session.wait_for("the confirmation again", |s| {
        s.contents().contains("yes, do it")
    });
    session.send(b"y");
    session.wait_for("the login done and the OAuth check green", |s| {
        let text = s.contents();
        s.alternate_screen()
            && text.contains("`claude auth login` finished")
            && row_of(s, CheckId::Oauth).is_some_and(|r| r.contains('✓'))
            // The re-run done, so the summary on quitting has its verdict.
            && checks_done(s)
    });
    let raw = String::from_utf8_lossy(&session.raw()).into_owned();
    assert!(raw.contains("LOGIN-OK"), "the login ran in this terminal");

    session.wait_for("every check run again", checks_done);
    session.send(b"q");
    assert_restored_with_summary(&mut session);
    support::assert_no_leak(&String::from_utf8_lossy(&session.raw()));
}

#[test]
fn opening_the_wizard_in_an_untrusted_folder_runs_nothing_from_it() {
    let home = TempHome::new();
    let marker = home.root.path().join("ran");
    home.write(
        "project/.claude/settings.json",
        &format!(
            r#"{{"apiKeyHelper": "touch {}; echo sk-ant-api03-x"}}"#,
            marker.display()
        ),
    );
    // A closed loopback port: never a real API, whatever happens.
    let mut session = Session::start_with(
        &home,
        &["--offline"],
        &[("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")],
    );
    session.wait_for("the checklist with every check done", checks_done);
    session.send(b"q");
    assert_restored_with_summary(&mut session);
    assert!(
        !marker.exists(),
        "opening the wizard ran the folder's apiKeyHelper"
    );
}

// ---- issue 13: every demo's fix succeeds, and a demo leaves nothing behind ----

/// The lines of the header box (the first five rows).
fn header_text(screen: &vt100::Screen) -> String {
    screen.rows(0, COLS).take(5).collect::<Vec<_>>().join("\n")
}

/// Runs `--demo NAME` with its temp folder in a temp TMPDIR, applies a fix with `keys` (each
/// step waits for `wait` before sending the next), and waits for a clean bill of health whose
/// header agrees with it. Returns the session (still running) and the TMPDIR.
fn demo_fix_succeeds(name: &str, steps: &[(&str, &[u8])]) -> (Session, tempfile::TempDir) {
    let home = TempHome::new();
    let tmp = tempfile::tempdir().unwrap();
    let tmp_path = tmp.path().display().to_string();
    let mut session = Session::start_with(&home, &["--demo", name], &[("TMPDIR", &tmp_path)]);
    session.wait_for("the demo's diagnosis", |s| {
        checks_done(s) && s.contents().contains("Primary cause")
    });
    for (wait, keys) in steps {
        session.wait_for(wait, |s| s.contents().contains(wait));
        session.send(keys);
    }
    // Every check runs again after the fix; then the screen must be all green.
    session.wait_for("the fix applied and every check passing", |s| {
        let text = s.contents();
        checks_done(s) && text.contains("No problem found") && !text.contains("✗")
    });
    // Header, checklist and primary cause come from the same run: a credential is sent.
    let header = header_text(session.output.lock().unwrap().parser.screen());
    assert!(
        !header.contains("Credential  none"),
        "the checklist says no problem but the header says:\n{header}"
    );
    (session, tmp)
}

/// Quits, and checks the demo's temp folder is gone and the summary advises nothing about
/// the real home.
fn quit_demo(mut session: Session, tmp: &tempfile::TempDir) {
    session.send(b"q");
    assert_restored_with_summary(&mut session);
    let raw = session.raw();
    support::assert_no_leak(&String::from_utf8_lossy(&raw));
    let left = position(&raw, LEAVE_ALT_SCREEN).expect("the alternate screen was left");
    let summary = String::from_utf8_lossy(&raw[left..]).into_owned();
    for never in ["claude-auth-tui fix ", "claude-auth-tui undo", "--offline"] {
        assert!(
            !summary.contains(never),
            "{never:?} in a demo's summary:\n{summary}"
        );
    }
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "the demo left {left:?}");
}

const CONFIRM: &str = "yes, do it";

#[test]
fn demo_api_key_helper_failed_fix_succeeds_and_header_agrees() {
    let (session, tmp) = demo_fix_succeeds(
        "api-key-helper-failed",
        &[("Primary cause", b"f"), (CONFIRM, b"y")],
    );
    assert!(session.screen_text().contains("OAuth login"));
    quit_demo(session, &tmp);
}

#[test]
fn demo_key_not_exported_fix_adds_export_without_asking_for_the_key() {
    let (session, tmp) = demo_fix_succeeds(
        "key-not-exported",
        &[("Primary cause", b"1"), ("+export ANTHROPIC_API_KEY", b"y")],
    );
    assert!(
        session
            .screen_text()
            .contains("as a new terminal will see it")
    );
    quit_demo(session, &tmp);
}

#[test]
fn demo_key_invalid_fix_with_a_typed_key_succeeds() {
    let key = format!("\x1b[200~{FAKE_KEY}\x1b[201~");
    let (session, tmp) = demo_fix_succeeds(
        "key-invalid",
        &[
            ("Primary cause", b"1"),
            ("Paste your Anthropic API key", key.as_bytes()),
            ("ends in …AbCd", b"\r"),
            (CONFIRM, b"y"),
        ],
    );
    quit_demo(session, &tmp);
}

#[test]
fn demo_oauth_expired_relogin_succeeds() {
    let (session, tmp) =
        demo_fix_succeeds("oauth-expired", &[("Primary cause", b"1"), (CONFIRM, b"y")]);
    quit_demo(session, &tmp);
}

#[test]
fn demo_credentials_corrupt_relogin_succeeds() {
    let (session, tmp) = demo_fix_succeeds(
        "credentials-corrupt",
        &[("Primary cause", b"2"), (CONFIRM, b"y")],
    );
    quit_demo(session, &tmp);
}

#[test]
fn demo_settings_override_drop_override_succeeds() {
    let (session, tmp) = demo_fix_succeeds(
        "settings-override",
        &[("Primary cause", b"1"), (CONFIRM, b"y")],
    );
    quit_demo(session, &tmp);
}

#[test]
fn demo_env_shadows_login_silence_succeeds() {
    let (session, tmp) = demo_fix_succeeds(
        "env-shadows-login",
        &[("Primary cause", b"1"), (CONFIRM, b"y")],
    );
    quit_demo(session, &tmp);
}

#[test]
fn demo_key_not_approved_approve_succeeds() {
    let (session, tmp) = demo_fix_succeeds(
        "key-not-approved",
        &[("Primary cause", b"1"), (CONFIRM, b"y")],
    );
    quit_demo(session, &tmp);
}

#[test]
fn demo_base_url_invalid_repair_in_bashrc_succeeds() {
    // The bad URL is exported by ~/.bashrc: the evidence names that line, the fix rewrites it,
    // and the checks (over a new terminal's environment) still talk only to the stand-in.
    let (session, tmp) = demo_fix_succeeds(
        "base-url-invalid",
        &[
            (".bashrc:2", b""),
            ("Primary cause", b"1"),
            ("repair-base-url", b""),
            (CONFIRM, b"y"),
        ],
    );
    let header = header_text(session.output.lock().unwrap().parser.screen());
    assert!(header.contains("127.0.0.1"), "{header}");
    quit_demo(session, &tmp);
}

#[test]
fn a_demo_cleans_up_after_sighup() {
    let home = TempHome::new();
    let tmp = tempfile::tempdir().unwrap();
    let tmp_path = tmp.path().display().to_string();
    let mut session = Session::start_with(
        &home,
        &["--demo", "oauth-expired"],
        &[("TMPDIR", &tmp_path)],
    );
    session.wait_for("the demo's diagnosis", checks_done);
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        1,
        "the demo's folder"
    );
    let pid = session.child.process_id().expect("pid");
    let status = std::process::Command::new("kill")
        .args(["-HUP", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let status = session.wait_exit();
    assert_eq!(status.exit_code(), 129, "{status:?}");
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "the demo left {left:?}");
}

#[test]
fn a_waiting_check_names_its_address_and_limit_and_r_never_piles_up_requests() {
    let home = TempHome::new();
    // A stand-in API that never answers.
    let api = Server::start(Reply::Hang);
    let url = api.url.clone();
    let mut session = Session::start_with(
        &home,
        &[],
        &[
            ("ANTHROPIC_API_KEY", FAKE_KEY),
            ("ANTHROPIC_BASE_URL", &url),
        ],
    );
    session.wait_for("the live check waiting", |s| {
        row_of(s, CheckId::Live).is_some()
    });
    let live = CheckId::ALL
        .iter()
        .position(|c| *c == CheckId::Live)
        .unwrap();
    for _ in 0..CheckId::ALL.len() {
        session.send(b"k");
    }
    for _ in 0..live {
        session.send(b"j");
    }
    session.wait_for("the address, the time so far and the limit", |s| {
        let text = s.contents();
        text.contains(&format!("Waiting for {url} to answer")) && text.contains("of 10 s")
    });
    let waited = |what: &str, done: &dyn Fn() -> bool| {
        let start = Instant::now();
        while !done() {
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "{what}: {} open, {} in all",
                api.open_connections(),
                api.connections()
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    };
    waited("the first request", &|| api.open_connections() >= 1);
    for _ in 0..20 {
        session.send(b"r");
    }
    // Each `r` cancels the run in flight: the re-run's request arrives and the old ones close
    // (without cancelling, all of them stay open until the 10 s limit).
    waited("one request at a time", &|| {
        api.connections() >= 2 && api.open_connections() <= 1
    });
    session.send(b"q");
    let status = session.wait_exit();
    assert_eq!(status.exit_code(), 0);
}

#[test]
fn a_demo_honours_no_color_and_still_shows_the_selection() {
    let home = TempHome::new();
    let mut session = Session::start_with(&home, &["--demo", "key-invalid"], &[("NO_COLOR", "1")]);
    session.wait_for("the demo's diagnosis, a row selected", |s| {
        checks_done(s) && selected(s).is_some()
    });
    session.send(b"q");
    assert_restored_with_summary(&mut session);
    let raw = String::from_utf8_lossy(&session.raw()).into_owned();
    assert!(
        !raw.contains("38;5;") && !raw.contains("48;5;"),
        "colour codes with NO_COLOR set"
    );
}

/// The CLI's own opinion (`claude auth status`) is a background cross-check: with a stand-in
/// whose `auth status` sleeps for seconds, every check and the primary cause are on screen
/// while it still sleeps; its disagreement arrives afterwards as a finding of its own.
#[test]
fn a_slow_auth_status_never_delays_the_verdict() {
    use std::os::unix::fs::PermissionsExt;
    let home = TempHome::new();
    let started = home.root.path().join("auth-status-started");
    let finished = home.root.path().join("auth-status-finished");
    // The native installer's layout: the version is read from the folder, nothing is started.
    let target = home.home().join(".local/share/claude/versions/2.1.197");
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::write(
        &target,
        format!(
            r#"#!/bin/sh
case "$1 $2" in
  "auth status")
    touch '{}'
    sleep 3
    touch '{}'
    echo '{{"loggedIn": true, "authMethod": "claude.ai", "apiProvider": "firstParty"}}';;
  *) echo "2.1.197 (Claude Code)";;
esac"#,
            started.display(),
            finished.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::os::unix::fs::symlink(&target, home.bin().join("claude")).unwrap();

    let mut session = Session::start(&home, &["--offline"]);
    session.wait_for("every check and the primary cause", |s| {
        checks_done(s) && s.contents().contains("no-credentials")
    });
    assert!(
        !finished.exists(),
        "the verdict waited for `claude auth status`:\n{}",
        session.screen_text()
    );
    // Look at the cli row while the cross-check runs, then see its finding arrive.
    let cli = CheckId::ALL.iter().position(|c| *c == CheckId::Cli);
    for _ in 0..CheckId::ALL.len() {
        let now = selected(session.output.lock().unwrap().parser.screen());
        if now == cli {
            break;
        }
        session.send(if now > cli { b"k" } else { b"j" });
        session.wait_for("the selection to move", |s| selected(s) != now);
    }
    session.wait_for("the cross-check's disagreement", |s| {
        s.contents().contains("disagrees")
    });
    assert!(started.exists() && finished.exists());
    session.send(b"q");
    assert_restored_with_summary(&mut session);
}
