//! Rendered frames of the wizard on ratatui's `TestBackend`: snapshots at 80x24 and 120x40, the
//! too-small message, colour rules, and no secret on screen from a real diagnosis.
#![allow(clippy::unwrap_used)] // tests: a panic is a failed test

mod support;

use claude_auth_tui::checks::{self, CheckCtx, CheckOptions};
use claude_auth_tui::ids::{CauseId, CheckId, FixId};
use claude_auth_tui::outcome::{CheckOutcome, Status};
use claude_auth_tui::tui::app::{App, Header};
use claude_auth_tui::tui::msg::Msg;
use claude_auth_tui::tui::theme::Theme;
use claude_auth_tui::tui::{summary, update, view};
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use std::fmt::Write as _;
use std::sync::Arc;
use support::wizard::{draw, finish, finished_key_not_exported, press, running, sized, text};
use support::{FAKE_API_KEY, FAKE_OAUTH_TOKEN, FAKE_OTHER_KEY, TempHome, assert_no_leak};

#[test]
fn streaming_in_80x24() {
    let app = sized(running(), 80, 24);
    let terminal = draw(&app, 80, 24);
    let screen = text(terminal.backend().buffer());
    assert!(screen.contains("reading your setup"));
    assert!(screen.contains("1 of 6 done"));
    assert!(screen.contains(app.spinner_frame()));
    insta::assert_snapshot!("streaming_80x24", terminal.backend());
}

#[test]
fn finished_with_a_failure_80x24() {
    let app = sized(finished_key_not_exported(Theme::default()), 80, 24);
    assert_eq!(
        app.selected_id(),
        CheckId::ShellEnv,
        "opens on the primary cause"
    );
    let terminal = draw(&app, 80, 24);
    let screen = text(terminal.backend().buffer());
    for expected in [
        "Credential",
        "none",
        "https://api.anthropic.com",
        "API key in this shell",
        "Primary cause",
        "key-not-exported",
        "Evidence",
        "~/.zshrc:4",
        " ? more ",
        " p paste ",
        " s report ",
        " q quit ",
        " f fix ",
    ] {
        assert!(screen.contains(expected), "{expected:?} missing:\n{screen}");
    }
    assert_no_leak(&screen);
    insta::assert_snapshot!("finished_80x24", terminal.backend());
}

#[test]
fn finished_with_a_failure_120x40_shows_explanation_verify_and_fixes() {
    let app = sized(finished_key_not_exported(Theme::default()), 120, 40);
    let terminal = draw(&app, 120, 40);
    let screen = text(terminal.backend().buffer());
    let info = claude_auth_tui::knowledge::cause(CauseId::KeyNotExported);
    for expected in [
        "What this means",
        info.title.as_str(),
        "Check it yourself",
        "Fixes",
        " 1  export-key  Save an API key in your shell profile",
        "Press 1 or f",
    ] {
        assert!(screen.contains(expected), "{expected:?} missing:\n{screen}");
    }
    insta::assert_snapshot!("finished_120x40", terminal.backend());
}

#[test]
fn overflowing_detail_shows_a_scrollbar_and_scrolls() {
    let mut app = sized(finished_key_not_exported(Theme::default()), 80, 24);
    let before = text(draw(&app, 80, 24).backend().buffer());
    assert!(before.contains('▼'), "scrollbar expected:\n{before}");
    update(
        &mut app,
        Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::PageDown,
        )),
    );
    assert!(app.detail_scroll > 0);
    let after = text(draw(&app, 80, 24).backend().buffer());
    assert!(before.contains("✗ Fail"));
    assert!(
        !after.contains("✗ Fail"),
        "the first line scrolled away:\n{after}"
    );
}

#[test]
fn help_overlay_80x24_lists_every_key() {
    let mut app = sized(finished_key_not_exported(Theme::default()), 80, 24);
    update(
        &mut app,
        Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Char('?'),
        )),
    );
    let terminal = draw(&app, 80, 24);
    let screen = text(terminal.backend().buffer());
    for binding in claude_auth_tui::tui::keys::BINDINGS
        .iter()
        .filter(|b| b.in_help)
    {
        assert!(
            screen.contains(binding.description),
            "{} missing:\n{screen}",
            binding.description
        );
    }
    assert!(screen.contains(" Esc close help "));
    insta::assert_snapshot!("help_80x24", terminal.backend());
}

#[test]
fn too_small_50x12_shows_a_message_instead_of_the_panes() {
    let app = sized(finished_key_not_exported(Theme::default()), 50, 12);
    let terminal = draw(&app, 50, 12);
    let screen = text(terminal.backend().buffer());
    assert!(screen.contains("Terminal too small"));
    assert!(screen.contains("50×12"));
    assert!(screen.contains("60×15"));
    assert!(!screen.contains("Checks"));
    insta::assert_snapshot!("too_small_50x12", terminal.backend());
}

#[test]
fn the_minimum_size_fits_every_check() {
    let app = sized(finished_key_not_exported(Theme::default()), 60, 15);
    let screen = text(draw(&app, 60, 15).backend().buffer());
    for id in CheckId::ALL {
        assert!(
            screen.contains(id.title()),
            "{} missing:\n{screen}",
            id.title()
        );
    }
}

fn colours(buffer: &Buffer) -> Vec<Color> {
    buffer
        .content()
        .iter()
        .flat_map(|c| [c.fg, c.bg])
        .filter(|c| *c != Color::Reset)
        .collect()
}

#[test]
fn colours_are_the_16_basic_ones_and_mean_something() {
    let app = sized(finished_key_not_exported(Theme::default()), 80, 24);
    let terminal = draw(&app, 80, 24);
    let buffer = terminal.backend().buffer();
    for colour in colours(buffer) {
        assert!(
            !matches!(colour, Color::Rgb(..) | Color::Indexed(_)),
            "{colour:?} needs more than 16 colours"
        );
    }
    // The fail mark of shell-env (row 2 of the list) is red, the CLI's pass mark green.
    let areas = view::layout(buffer.area).unwrap();
    let mark = |row: u16| &buffer[(areas.checklist.x + 2, areas.checklist.y + row)];
    assert_eq!(mark(1).symbol(), "✓");
    assert_eq!(mark(1).fg, Color::Green);
    assert_eq!(mark(2).symbol(), "✗");
    assert_eq!(mark(2).fg, Color::Red);
}

#[test]
fn no_color_uses_no_colour_at_all() {
    let app = sized(finished_key_not_exported(Theme::plain()), 80, 24);
    let mut help = app.clone();
    help.show_help = true;
    for app in [app, help, sized(running(), 80, 24)] {
        let mut app = app;
        app.theme = Theme::plain();
        let terminal = draw(&app, 80, 24);
        assert_eq!(colours(terminal.backend().buffer()), vec![]);
    }
    let tmp = TempHome::new();
    let env = tmp.env().var("NO_COLOR", "1").build();
    assert_eq!(Theme::from_env(&env), Theme::plain());
    let env = tmp.env().var("NO_COLOR", "").build();
    assert_eq!(Theme::from_env(&env), Theme::default());
}

#[test]
fn demo_badge_shows_in_the_header() {
    let app = sized(
        finished_key_not_exported(Theme::default()).with_demo("key-not-exported"),
        80,
        24,
    );
    let screen = text(draw(&app, 80, 24).backend().buffer());
    assert!(
        screen
            .lines()
            .next()
            .unwrap()
            .contains("DEMO: key-not-exported")
    );
}

#[test]
fn the_summary_gives_the_whole_backup_path() {
    // The backup folder's name is ours, not a token: it is printed whole, so it can be found.
    let mut app = finished_key_not_exported(Theme::default());
    let backup = "~/.local/state/claude-auth-tui/backups/20261130T115828Z-drop-override-1/";
    app.applied.push(claude_auth_tui::tui::app::AppliedFix {
        fix: FixId::DropOverride,
        entry_id: "20261130T115828Z-drop-override-1".into(),
        files: vec!["~/.claude/settings.json".into()],
        backup_dir: Some(backup.into()),
        undone: false,
    });
    let text = summary::summary(&app);
    assert!(text.contains(&format!("backup in {backup}")), "{text}");
}

#[test]
fn the_summary_names_the_problems_the_primary_cause_and_its_fix() {
    let app = finished_key_not_exported(Theme::default());
    let text = summary::summary(&app);
    assert!(
        text.starts_with("claude-auth-tui: 1 failed, 3 passed, 2 skipped\n"),
        "{text}"
    );
    assert!(text.contains("✗ API key in this shell"), "{text}");
    assert!(
        !text.contains("Settings scopes"),
        "passing checks are left out:\n{text}"
    );
    assert!(text.contains("Primary cause: key-not-exported"), "{text}");
    assert!(
        text.contains("Fix: claude-auth-tui fix export-key"),
        "{text}"
    );
    assert!(!text.contains('\x1b'), "plain text only");
    assert_no_leak(&text);
    insta::assert_snapshot!("summary_finished", text);
}

#[test]
fn the_summary_says_when_the_wizard_was_left_early() {
    let text = summary::summary(&running().with_demo("oauth-expired"));
    assert!(text.contains("demo \"oauth-expired\""), "{text}");
    assert!(
        text.contains("stopped with 1 of 6 checks done (1 passed)"),
        "{text}"
    );
    assert!(!text.contains("No problem found"), "{text}");
}

/// The real pipeline, minus the terminal: a home full of fake secrets, the real checks,
/// every row selected and drawn, and the summary: no secret anywhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_diagnosis_never_shows_a_secret() {
    let tmp = TempHome::new();
    tmp.fake_claude_standard();
    tmp.write(
        "project/.claude/settings.json",
        &format!(
            "{{\n  \"env\": {{\n    \"ANTHROPIC_API_KEY\": \"{}\"\n  }}\n}}\n",
            support::FAKE_OTHER_KEY
        ),
    );
    tmp.write(".zshrc", &format!("ANTHROPIC_API_KEY={FAKE_API_KEY}\n"));
    tmp.write_credentials(1_000);
    let env = Arc::new(
        tmp.env()
            .var("ANTHROPIC_API_KEY", FAKE_API_KEY)
            .var("ANTHROPIC_AUTH_TOKEN", support::FAKE_AUTH_TOKEN)
            .var("CLAUDE_CODE_OAUTH_TOKEN", FAKE_OAUTH_TOKEN)
            .var("SHELL", "/bin/zsh")
            .build(),
    );
    let opts = CheckOptions {
        offline: true,
        ..CheckOptions::default()
    };
    let ctx_env = Arc::clone(&env);
    let ctx = tokio::task::spawn_blocking(move || CheckCtx::new(ctx_env, opts))
        .await
        .unwrap();
    let ctx = Arc::new(ctx);

    let mut app = sized(App::new(Theme::default()), 120, 40);
    update(&mut app, Msg::Started);
    update(
        &mut app,
        Msg::Resolved {
            run_id: 1,
            header: Header::from_ctx(&ctx),
        },
    );
    for outcome in checks::run_all(Arc::clone(&ctx)).await {
        finish(&mut app, 1, outcome);
    }
    assert!(app.all_done());
    for i in 0..app.rows.len() {
        app.selected = i;
        for (w, h) in [(120, 40), (80, 24)] {
            let app = sized(app.clone(), w, h);
            let screen = text(draw(&app, w, h).backend().buffer());
            assert_no_leak(&screen);
        }
    }
    assert_no_leak(&summary::summary(&app));
    assert_no_leak(&format!("{:?}", app.header));
}

// ---- Dialogs: the fix menu, the masked key input, the confirm screen, paste an error ----

use claude_auth_tui::classify::classify;
use claude_auth_tui::fixes::{self, FixInput};
use claude_auth_tui::tui::fix_flow::{Applied, PlanView};
use claude_auth_tui::tui::modal::{Confirm, Confirming, Explained, Message, Modal, Tone};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn with_modal(width: u16, height: u16, modal: Modal) -> App {
    let mut app = sized(finished_key_not_exported(Theme::default()), width, height);
    app.modal = Some(modal);
    app
}

/// Draws at every size the wizard supports and checks no secret shows; returns the text at
/// `width` × `height`.
fn screen_of(app: &App, width: u16, height: u16) -> String {
    for (w, h) in [(60, 15), (80, 24), (120, 40)] {
        let mut small = app.clone();
        update(
            &mut small,
            Msg::Resize {
                width: w,
                height: h,
            },
        );
        assert_no_leak(&text(draw(&small, w, h).backend().buffer()));
    }
    let screen = text(draw(app, width, height).backend().buffer());
    assert_no_leak(&screen);
    screen
}

#[test]
fn the_detail_pane_numbers_the_fixes_and_the_bar_offers_f() {
    let app = sized(finished_key_not_exported(Theme::default()), 120, 40);
    let screen = screen_of(&app, 120, 40);
    assert!(
        screen.contains(" 1  export-key  Save an API key in your shell profile"),
        "{screen}"
    );
    assert!(screen.contains(" f fix "), "{screen}");
}

#[test]
fn fix_menu_80x24() {
    let app = with_modal(
        80,
        24,
        Modal::FixMenu {
            check: CheckId::Live,
            fixes: vec![FixId::ExportKey, FixId::OpenConsole],
            selected: 1,
        },
    );
    let screen = screen_of(&app, 80, 24);
    for expected in [
        "Fixes for: Live check against the API",
        "export-key",
        "Open the Console's API key page",
        "Esc  cancel",
    ] {
        assert!(screen.contains(expected), "{expected:?} missing:\n{screen}");
    }
    insta::assert_snapshot!("fix_menu_80x24", draw(&app, 80, 24).backend());
}

#[test]
fn the_key_input_shows_dots_and_only_the_last_four() {
    let mut app = sized(finished_key_not_exported(Theme::default()), 80, 24);
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('f'), KeyModifiers::NONE)),
    );
    update(&mut app, Msg::Paste(FAKE_API_KEY.into()));
    let screen = screen_of(&app, 80, 24);
    assert!(screen.contains("••••••••••"), "{screen}");
    assert!(screen.contains("ends in …AbCd"), "{screen}");
    assert!(
        !screen.contains("FAKE"),
        "no character of the key but the last 4:\n{screen}"
    );
    assert!(screen.contains("Enter  save the key"), "{screen}");
    insta::assert_snapshot!("key_input_80x24", draw(&app, 80, 24).backend());
    // A refused key is explained under the input.
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    let Some(Modal::KeyInput(k)) = &app.modal else {
        panic!()
    };
    let op = k.pending.unwrap();
    update(
        &mut app,
        Msg::KeyRejected {
            op,
            reason: "the API key was rejected (401: invalid x-api-key)".into(),
        },
    );
    let screen = screen_of(&app, 80, 24);
    assert!(
        screen.contains("The API did not accept this key"),
        "{screen}"
    );
    assert!(screen.contains("nothing entered yet"), "{screen}");
}

/// A real export-key plan over a temp home, as the runtime turns it into a view.
fn real_export_key_plan() -> (TempHome, PlanView) {
    let tmp = TempHome::new();
    tmp.write(".zshrc", "# my zsh\nalias ll='ls -l'\n");
    tmp.write(
        ".bashrc",
        &format!("export ANTHROPIC_API_KEY={FAKE_OTHER_KEY}\n"),
    );
    let env = tmp.env().var("SHELL", "/bin/zsh").build();
    let input = FixInput {
        key: Some(FAKE_API_KEY.to_string()),
        ..FixInput::default()
    };
    let plan = fixes::plan(FixId::ExportKey, &env, &input).unwrap();
    let view = claude_auth_tui::tui::work::plan_view(&plan, &env, None);
    (tmp, view)
}

#[test]
fn the_confirm_screen_shows_the_diff_masked_and_coloured() {
    let (_tmp, view) = real_export_key_plan();
    assert_no_leak(&format!("{view:?}"));
    let app = with_modal(
        100,
        30,
        Modal::Confirm(Confirm {
            op: 1,
            what: Confirming::Fix(view),
            scroll: 0,
        }),
    );
    let screen = screen_of(&app, 100, 30);
    for expected in [
        "Save an API key in your shell profile (export-key)",
        "--- ~/.zshrc",
        "+++ ~/.zshrc",
        "+export ANTHROPIC_API_KEY='sk-ant-api03-…AbCd'",
        "y  yes, do it",
        "n  no",
        "source ~/.zshrc",
    ] {
        assert!(screen.contains(expected), "{expected:?} missing:\n{screen}");
    }
    // Added lines are green.
    let terminal = draw(&app, 100, 30);
    let buffer = terminal.backend().buffer();
    let row = screen
        .lines()
        .position(|l| l.contains("+export ANTHROPIC_API_KEY"))
        .unwrap();
    let col = screen
        .lines()
        .nth(row)
        .unwrap()
        .chars()
        .position(|c| c == '+')
        .unwrap();
    let cell = &buffer[(u16::try_from(col).unwrap(), u16::try_from(row).unwrap())];
    assert_eq!(cell.fg, Color::Green);
}

#[test]
fn confirm_80x24_scrolls_a_long_plan() {
    let mut preview = String::new();
    for i in 0..40 {
        let _ = writeln!(preview, "+line {i}");
    }
    let view = PlanView {
        fix: FixId::ApproveKey,
        summary: "Approve the API key sk-ant-api03-…AbCd for interactive sessions.".into(),
        preview: format!("--- ~/.claude.json\n+++ ~/.claude.json\n@@ -1,2 +1,42 @@\n{preview}"),
        notes: vec!["To decline it again later, run `claude-auth-tui undo` now.".into()],
        command: None,
        interactive: false,
        files: vec!["~/.claude.json".into()],
        key_check: None,
        url: None,
        view_only: false,
    };
    let mut app = with_modal(
        80,
        24,
        Modal::Confirm(Confirm {
            op: 1,
            what: Confirming::Fix(view),
            scroll: 0,
        }),
    );
    let screen = screen_of(&app, 80, 24);
    assert!(screen.contains('▼'), "a scrollbar:\n{screen}");
    assert!(screen.contains("PgUp/Dn  scroll"), "{screen}");
    insta::assert_snapshot!("confirm_80x24", draw(&app, 80, 24).backend());
    press(&mut app, KeyCode::PageDown);
    let scrolled = screen_of(&app, 80, 24);
    assert!(!scrolled.contains("Approve the API key"), "{scrolled}");
}

#[test]
fn paste_input_and_its_verdict() {
    let mut app = sized(finished_key_not_exported(Theme::default()), 100, 30);
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('p'), KeyModifiers::NONE)),
    );
    update(
        &mut app,
        Msg::Paste(
            format!("$ claude -p hi\nInvalid API key · Fix external API key\nkey: {FAKE_API_KEY}")
                .into(),
        ),
    );
    let screen = screen_of(&app, 100, 30);
    assert!(screen.contains("Paste an error message"), "{screen}");
    assert!(
        screen.contains("Invalid API key · Fix external API key"),
        "{screen}"
    );
    assert!(screen.contains("Ctrl-S  explain"), "{screen}");
    assert!(screen.contains("Esc  cancel"), "{screen}");
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
    );
    let screen = screen_of(&app, 100, 30);
    let info = claude_auth_tui::knowledge::cause(CauseId::KeyInvalid);
    for expected in [
        "What this error means",
        "key-invalid",
        info.title.as_str(),
        "Confidence",
        "Matched",
        "“Invalid API key · Fix external API key”",
        "What this means",
        "Fixes",
        "export-key",
        "Enter  close",
    ] {
        assert!(screen.contains(expected), "{expected:?} missing:\n{screen}");
    }
    insta::assert_snapshot!("paste_verdict_100x30", draw(&app, 100, 30).backend());
}

#[test]
fn the_paste_box_wraps_long_lines() {
    // At 80 columns a 150-character error line is shown whole, over several rows.
    let mut app = sized(finished_key_not_exported(Theme::default()), 80, 24);
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('p'), KeyModifiers::NONE)),
    );
    let words: Vec<String> = (0..25).map(|i| format!("word{i:02}")).collect();
    let line = format!("API Error: {} tail-end-marker", words.join(" "));
    update(&mut app, Msg::Paste(line.clone().into()));
    let screen = screen_of(&app, 80, 24);
    for expected in ["API Error: word00", "word12", "word24", "tail-end-marker"] {
        assert!(
            screen.contains(expected),
            "{expected:?} not shown:\n{screen}"
        );
    }
}

#[test]
fn an_unrecognised_paste_says_so_with_the_nearest_causes() {
    let classification = classify("something about my proxy and a certificate went wrong");
    assert!(classification.cause.is_none());
    let app = with_modal(
        100,
        30,
        Modal::Explained(Explained {
            classification: classification.clone(),
            scroll: 0,
        }),
    );
    let screen = screen_of(&app, 100, 30);
    assert!(screen.contains("No match"), "{screen}");
    assert!(
        screen.contains("No known Claude Code error message was recognised"),
        "{screen}"
    );
    if let Some(nearest) = classification.candidates.first() {
        assert!(screen.contains(nearest.cause.as_str()), "{screen}");
    }
}

#[test]
fn after_a_fix_the_status_line_and_the_header_say_what_happened() {
    let mut app = sized(finished_key_not_exported(Theme::default()), 100, 30);
    update(
        &mut app,
        Msg::FixApplied {
            op: 1,
            result: Ok(Applied {
                fix: FixId::ExportKey,
                entry_id: "20261125T000000Z-export-key-1".into(),
                files: vec!["~/.zshrc".into()],
                backup_dir: Some(
                    "~/.claude-auth-tui/backups/20261125T000000Z-export-key-1/".into(),
                ),
                command: None,
                reload: Some("source ~/.zshrc".into()),
                url: None,
                view_label: Some("as a new terminal will see it".into()),
            }),
        },
    );
    let screen = screen_of(&app, 100, 30);
    let lines: Vec<&str> = screen.lines().collect();
    assert!(
        lines[0].contains("as a new terminal will see it"),
        "{screen}"
    );
    let bottom = lines[lines.len() - 5..].join("\n");
    for expected in ["press u to undo", "`source ~/.zshrc`", " c copy "] {
        assert!(bottom.contains(expected), "{expected:?} missing:\n{bottom}");
    }
    // The layout made room: the panes end above the status line.
    let areas = view::layout_for(&app, ratatui::layout::Rect::new(0, 0, 100, 30)).unwrap();
    assert!(areas.status.height >= 2);
    assert_eq!(areas.detail.bottom(), areas.status.y);
}

#[test]
fn messages_read_as_news_or_as_a_problem() {
    let app = with_modal(
        80,
        24,
        Modal::Message(Message::new(
            "Cannot undo",
            Tone::Problem,
            vec![
                "~/.zshrc changed after the fix; undo refuses so that your later edits are not lost."
                    .into(),
                "Nothing was restored.".into(),
            ],
        )),
    );
    let screen = screen_of(&app, 80, 24);
    assert!(screen.contains("Cannot undo"), "{screen}");
    assert!(screen.contains("Nothing was restored."), "{screen}");
    assert!(screen.contains("Enter  close"), "{screen}");
}

#[test]
fn no_color_dialogs_use_no_colour() {
    let (_tmp, view) = real_export_key_plan();
    let mut app = with_modal(
        100,
        30,
        Modal::Confirm(Confirm {
            op: 1,
            what: Confirming::Fix(view),
            scroll: 0,
        }),
    );
    app.theme = Theme::plain();
    assert_eq!(colours(draw(&app, 100, 30).backend().buffer()), vec![]);
}

// ---- issue 13: 80x24 first, 60x15 after it, and the selection without colour ----

/// The api-key-helper-failed setup with its file deep in the home: the header must keep the
/// file name and line at every size.
fn deep_path_app(width: u16, height: u16) -> App {
    let mut app = finished_key_not_exported(Theme::default());
    update(
        &mut app,
        Msg::Resolved {
            run_id: 1,
            header: Header {
                method: Some("apiKeyHelper"),
                masked: None,
                source:
                    "apiKeyHelper from user settings ~/work/clients/acme/.claude/settings.json:3"
                        .into(),
                endpoint: "https://gateway.internal.example.com/anthropic".into(),
                endpoint_source: "ANTHROPIC_BASE_URL from ~/work/clients/acme/.bashrc:2".into(),
            },
        },
    );
    sized(app, width, height)
}

fn header_lines(screen: &str) -> Vec<&str> {
    screen.lines().take(5).collect()
}

#[test]
fn header_keeps_file_name_and_line_at_80x24() {
    let app = deep_path_app(80, 24);
    let terminal = draw(&app, 80, 24);
    let screen = text(terminal.backend().buffer());
    let header = header_lines(&screen).join("\n");
    assert!(header.contains("settings.json:3"), "{header}");
    assert!(header.contains(".bashrc:2"), "{header}");
    insta::assert_snapshot!("header_deep_path_80x24", terminal.backend());
}

#[test]
fn header_keeps_file_name_and_line_and_the_bar_hints_at_more_at_60x15() {
    let app = deep_path_app(60, 15);
    let terminal = draw(&app, 60, 15);
    let screen = text(terminal.backend().buffer());
    let header = header_lines(&screen).join("\n");
    assert!(header.contains("settings.json:3"), "{header}");
    assert!(header.contains('…'), "a cut is marked:\n{header}");
    let bar = screen.lines().last().unwrap();
    assert!(
        bar.contains(" ? more "),
        "keys were dropped silently: {bar:?}"
    );
    assert!(bar.contains(" q quit "), "{bar:?}");
    insta::assert_snapshot!("header_deep_path_60x15", terminal.backend());
}

#[test]
fn the_detail_title_is_cut_with_an_ellipsis_at_60x15() {
    let mut app = deep_path_app(60, 15);
    app.selected = app.rows.iter().position(|r| r.id == CheckId::Live).unwrap();
    let screen = text(draw(&app, 60, 15).backend().buffer());
    let top = screen
        .lines()
        .find(|l| l.contains("┐┌"))
        .expect("the panes' top border");
    let title = top.split("┐┌").nth(1).unwrap();
    assert!(
        title.contains("Live check against the API") || title.contains("…"),
        "the title is cut silently: {title:?}"
    );
}

#[test]
fn the_bar_keeps_every_key_or_says_there_are_more() {
    for (width, height) in [(60, 15), (80, 24), (120, 40)] {
        let app = sized(finished_key_not_exported(Theme::default()), width, height);
        let all = claude_auth_tui::tui::keys::bar_entries(&app, u16::MAX);
        let shown = claude_auth_tui::tui::keys::bar_entries(&app, width);
        let fits_all = shown.len() == all.len();
        assert!(
            fits_all || shown.contains(&("?", claude_auth_tui::tui::keys::MORE)),
            "{width}x{height}: {shown:?} of {all:?}"
        );
    }
    // At 120 columns nothing needs to go.
    let app = sized(finished_key_not_exported(Theme::default()), 120, 40);
    let shown = claude_auth_tui::tui::keys::bar_entries(&app, 120);
    assert!(shown.contains(&("p", "paste")) && shown.contains(&("s", "report")));
}

#[test]
fn commands_to_check_by_hand_are_never_broken_across_lines() {
    for width in [30u16, 44, 60, 100] {
        let app = finished_key_not_exported(Theme::default());
        let lines: Vec<String> = view::detail::lines(&app, width)
            .iter()
            .map(ToString::to_string)
            .collect();
        let start = lines
            .iter()
            .position(|l| l == "Check it yourself")
            .expect("a verify section");
        let mut commands = 0;
        for (i, line) in lines.iter().enumerate().skip(start + 1) {
            if line.is_empty() {
                break;
            }
            if let Some(command) = line.strip_prefix("  $ ") {
                commands += 1;
                // Whole, or cut with an ellipsis: never continued on the next line.
                let next = lines.get(i + 1).map_or("", String::as_str);
                assert!(
                    next.starts_with("  $ ") || !next.starts_with("    "),
                    "width {width}: {command:?} continues on {next:?}"
                );
            }
        }
        assert!(commands > 0, "{lines:#?}");
    }
}

#[test]
fn prose_under_check_it_yourself_is_not_shown_as_a_command() {
    let mut app = finished_key_not_exported(Theme::default());
    let mut o = CheckOutcome::new(CheckId::Live);
    o.find(
        CauseId::CreditLow,
        Status::Fail,
        "credit balance is too low",
    );
    let o = o.finish("");
    let index = app.rows.iter().position(|r| r.id == CheckId::Live).unwrap();
    app.rows[index].state = claude_auth_tui::tui::app::CheckState::Done(o);
    app.selected = index;
    let lines: Vec<String> = view::detail::lines(&app, 100)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        !lines.iter().any(|l| l.starts_with("  $ Check")),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("  Check the balance")),
        "{lines:#?}"
    );
}

/// The frame as text, with `>` before each line whose checklist row is drawn in reverse video
/// (the selection, which must show without colour).
fn text_with_reverse_marks(buffer: &Buffer) -> String {
    use ratatui::style::Modifier;
    let width = usize::from(buffer.area.width);
    buffer
        .content()
        .chunks(width)
        .map(|row| {
            let reversed = row[0].symbol() == "│"
                && row[1..20]
                    .iter()
                    .any(|c| c.modifier.contains(Modifier::REVERSED));
            let line: String = row.iter().map(ratatui::buffer::Cell::symbol).collect();
            format!("{}{line}", if reversed { ">" } else { " " })
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn no_color_shows_the_selection_in_reverse_and_the_primary_cause_in_words() {
    let mut app = sized(finished_key_not_exported(Theme::plain()), 80, 24);
    // Select a row that is not the primary cause: both must be told apart without colour.
    app.selected = 0;
    let terminal = draw(&app, 80, 24);
    let marked = text_with_reverse_marks(terminal.backend().buffer());
    let selected: Vec<&str> = marked.lines().filter(|l| l.starts_with('>')).collect();
    assert_eq!(selected.len(), 1, "{marked}");
    assert!(selected[0].contains("Claude Code CLI"), "{marked}");
    let primary = marked
        .lines()
        .find(|l| l.contains("API key in this shell") && l.contains("│ ✗"))
        .unwrap();
    assert!(
        primary.contains("cause"),
        "the primary cause is named: {primary}"
    );
    assert!(
        !marked.contains('◀'),
        "no arrow that reads as a cursor:\n{marked}"
    );
    assert_eq!(colours(terminal.backend().buffer()), vec![]);
    insta::assert_snapshot!("no_color_selection_80x24", marked);
}

#[test]
fn the_key_input_counts_one_character() {
    use claude_auth_tui::tui::modal::{KeyInput, Modal, SecretInput};
    let mut app = sized(finished_key_not_exported(Theme::default()), 80, 24);
    let mut input = SecretInput::new();
    input.paste("x");
    app.modal = Some(Modal::KeyInput(KeyInput {
        fix: FixId::ExportKey,
        input,
        error: None,
        pending: None,
    }));
    let screen = text(draw(&app, 80, 24).backend().buffer());
    assert!(screen.contains("1 character"), "{screen}");
    assert!(!screen.contains("1 characters"), "{screen}");
}
