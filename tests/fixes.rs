//! The fix engine against throwaway homes, fix by fix: previews, apply, backups, idempotence,
//! undo (exact bytes and permissions), refusal over changed files, and applies interrupted by
//! injected faults. The commands (`relogin`, `open-console`, `fix` / `undo` on the command line)
//! and a really aborted apply are in `fixes_commands.rs`.
#![cfg(unix)]

mod support;

use claude_auth_tui::fixes::{self, FixError, FixInput, SILENCE_MARK};
use claude_auth_tui::ids::FixId;
use claude_auth_tui::sources::global_config::key_tail;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use support::fix_cycle::*;
use support::{
    FAKE_API_KEY, FAKE_AUTH_TOKEN, FAKE_OAUTH_TOKEN, FAKE_OTHER_KEY, TempHome, assert_no_leak,
};

// ---------- export-key ----------

#[test]
fn export_key_appends_to_zshrc_and_previews_masked() {
    let h = TempHome::new();
    let zshrc = h.write_mode(
        ".zshrc",
        "alias ll='ls -l'\nexport PATH=\"$HOME/bin:$PATH\"\n",
        0o644,
    );
    let env = zsh(&h);
    let (plan, preview) = full_cycle(&env, FixId::ExportKey, &with_key(FAKE_API_KEY));
    assert_eq!(
        preview,
        "--- ~/.zshrc\n+++ ~/.zshrc\n@@ -1,2 +1,4 @@\n alias ll='ls -l'\n export PATH=\"$HOME/bin:$PATH\"\n+# added by claude-auth-tui\n+export ANTHROPIC_API_KEY='sk-ant-api03-…AbCd'\n"
    );
    assert!(plan.summary.contains("~/.zshrc"), "{}", plan.summary);
    assert!(
        plan.notes
            .iter()
            .any(|n| n.contains("source ~/.zshrc") && n.contains("new terminal")),
        "{:?}",
        plan.notes
    );
    assert!(
        plan.notes.iter().any(|n| n.contains("0644")),
        "warns the profile is readable"
    );

    // Applied for real: the mode of an existing profile is kept.
    let plan = fixes::plan(FixId::ExportKey, &env, &with_key(FAKE_API_KEY)).unwrap();
    fixes::apply(&plan, &env).unwrap();
    assert_eq!(mode(&zshrc), 0o644);
    assert!(text(&zshrc).ends_with(&format!(
        "# added by claude-auth-tui\nexport ANTHROPIC_API_KEY='{FAKE_API_KEY}'\n"
    )));
    no_temp_files(&h.home());
}

#[test]
fn export_key_creates_a_private_profile_when_none_exists() {
    let h = TempHome::new();
    let env = zsh(&h);
    let (plan, preview) = full_cycle(&env, FixId::ExportKey, &with_key(FAKE_API_KEY));
    assert!(
        preview.starts_with("--- /dev/null\n+++ ~/.zshrc\n"),
        "{preview}"
    );
    assert!(
        preview.contains("(new file, permissions 0600)"),
        "{preview}"
    );
    assert_eq!(plan.edits[0].mode, Some(0o600));
    assert!(
        !h.home().join(".zshrc").exists(),
        "undo removed the file it created"
    );

    let plan = fixes::plan(FixId::ExportKey, &env, &with_key(FAKE_API_KEY)).unwrap();
    fixes::apply(&plan, &env).unwrap();
    assert_eq!(mode(&h.home().join(".zshrc")), 0o600);
}

#[test]
fn export_key_replaces_the_existing_line_in_place() {
    let h = TempHome::new();
    let bashrc = h.write_mode(
        ".bashrc",
        &format!("# mine\n  export ANTHROPIC_API_KEY=\"{FAKE_OTHER_KEY}\"\nalias x=y\n"),
        0o640,
    );
    let env = h.env().var("SHELL", "/bin/bash").build();
    let (_, preview) = full_cycle(&env, FixId::ExportKey, &with_key(FAKE_API_KEY));
    assert_eq!(
        preview,
        "--- ~/.bashrc\n+++ ~/.bashrc\n@@ -1,3 +1,3 @@\n # mine\n-  export ANTHROPIC_API_KEY=\"sk-ant-api03-…WxYz\"\n+  export ANTHROPIC_API_KEY='sk-ant-api03-…AbCd'\n alias x=y\n"
    );
    let plan = fixes::plan(FixId::ExportKey, &env, &with_key(FAKE_API_KEY)).unwrap();
    fixes::apply(&plan, &env).unwrap();
    assert_eq!(
        text(&bashrc),
        format!("# mine\n  export ANTHROPIC_API_KEY='{FAKE_API_KEY}'\nalias x=y\n")
    );
    assert_eq!(mode(&bashrc), 0o640, "permissions kept");
}

#[test]
fn export_key_replaces_the_line_in_a_sourced_file() {
    let h = TempHome::new();
    h.write(".zshrc", "source ~/.secrets\n");
    let secrets = h.write(
        ".secrets",
        &format!("export ANTHROPIC_API_KEY={FAKE_OTHER_KEY}\n"),
    );
    let env = zsh(&h);
    let plan = fixes::plan(FixId::ExportKey, &env, &with_key(FAKE_API_KEY)).unwrap();
    assert_eq!(plan.edits[0].path, secrets);
    full_cycle(&env, FixId::ExportKey, &with_key(FAKE_API_KEY));
}

#[test]
fn export_key_handles_crlf_and_missing_final_newline() {
    let h = TempHome::new();
    let zshrc = h.write(
        ".zshrc",
        "a=1\r\nexport ANTHROPIC_API_KEY=old-value-1234\r\nb=2",
    );
    let env = zsh(&h);
    let (_, preview) = full_cycle(&env, FixId::ExportKey, &with_key(FAKE_API_KEY));
    assert!(
        preview.contains("-export ANTHROPIC_API_KEY=…1234␍"),
        "{preview}"
    );
    assert!(
        preview.contains("\\ No newline at end of file"),
        "{preview}"
    );
    let plan = fixes::plan(FixId::ExportKey, &env, &with_key(FAKE_API_KEY)).unwrap();
    fixes::apply(&plan, &env).unwrap();
    assert_eq!(
        text(&zshrc),
        format!("a=1\r\nexport ANTHROPIC_API_KEY='{FAKE_API_KEY}'\nb=2"),
        "the replaced line loses its \\r; other lines and the missing final newline stay"
    );

    let h = TempHome::new();
    let zshrc = h.write(".zshrc", "alias x=y");
    let env = zsh(&h);
    full_cycle(&env, FixId::ExportKey, &with_key(FAKE_API_KEY));
    let plan = fixes::plan(FixId::ExportKey, &env, &with_key(FAKE_API_KEY)).unwrap();
    fixes::apply(&plan, &env).unwrap();
    assert!(text(&zshrc).starts_with("alias x=y\n# added by claude-auth-tui\n"));
}

#[test]
fn export_key_targets_follow_the_shell() {
    // fish: config.fish, created with its folder, `set -gx`.
    let h = TempHome::new();
    let env = h.env().var("SHELL", "/usr/bin/fish").build();
    let (plan, _) = full_cycle(&env, FixId::ExportKey, &with_key(FAKE_API_KEY));
    assert_eq!(
        plan.edits[0].path,
        h.home().join(".config/fish/config.fish")
    );
    let after = String::from_utf8(plan.edits[0].after.clone().unwrap()).unwrap();
    assert!(after.contains(&format!("set -gx ANTHROPIC_API_KEY '{FAKE_API_KEY}'")));

    // bash with a .bash_profile that does not load .bashrc: the key goes there.
    let h = TempHome::new();
    h.write(".bash_profile", "export PATH=$PATH:~/bin\n");
    let env = h.env().var("SHELL", "/bin/bash").build();
    let plan = fixes::plan(FixId::ExportKey, &env, &with_key(FAKE_API_KEY)).unwrap();
    assert_eq!(plan.edits[0].path, h.home().join(".bash_profile"));
    // … and when it loads .bashrc, into .bashrc.
    h.write(".bash_profile", "[ -f ~/.bashrc ] && . ~/.bashrc\n");
    let plan = fixes::plan(FixId::ExportKey, &env, &with_key(FAKE_API_KEY)).unwrap();
    assert_eq!(plan.edits[0].path, h.home().join(".bashrc"));

    // Unknown or unset shell: ~/.profile.
    let h = TempHome::new();
    let env = h.env().build();
    let plan = fixes::plan(FixId::ExportKey, &env, &with_key(FAKE_API_KEY)).unwrap();
    assert_eq!(plan.edits[0].path, h.home().join(".profile"));
}

#[test]
fn export_key_rejects_malformed_keys_without_echoing_them() {
    let h = TempHome::new();
    let env = zsh(&h);
    for (bad, why) in [
        (String::new(), "nothing"),
        (
            format!("{} {}", &FAKE_API_KEY[..40], &FAKE_API_KEY[40..]),
            "spaces",
        ),
        (format!("'{FAKE_API_KEY}'"), "quotes"),
        (FAKE_OAUTH_TOKEN.to_string(), "login (OAuth) token"),
        ("sk-ant-api03-short".to_string(), "too short"),
        (FAKE_AUTH_TOKEN.to_string(), "sk-ant-api03-"),
        (format!("{FAKE_API_KEY}é"), "characters"),
    ] {
        let input = FixInput {
            key: Some(bad),
            ..FixInput::default()
        };
        match fixes::plan(FixId::ExportKey, &env, &input) {
            Err(FixError::InvalidInput(msg)) => {
                assert!(msg.contains(why), "{msg}");
                assert_no_leak(&msg);
            }
            other => panic!("{why}: {other:?}"),
        }
    }
    assert!(matches!(
        fixes::plan(FixId::ExportKey, &env, &FixInput::default()),
        Err(FixError::InvalidInput(_))
    ));
}

#[test]
fn export_key_undo_refuses_after_change_and_survives_faults() {
    let setup = |h: &TempHome| {
        h.write(".zshrc", "alias a=b\n");
    };
    failure_paths(setup, &[], FixId::ExportKey, &with_key(FAKE_API_KEY));

    let h = TempHome::new();
    setup(&h);
    let env = with_fault(&h, "/bin/zsh", "before-rename");
    interrupted_apply_loses_nothing(&env, FixId::ExportKey, &with_key(FAKE_API_KEY));
    no_temp_files(&h.home());
}

#[test]
fn apply_refuses_a_file_changed_since_the_plan() {
    let h = TempHome::new();
    let zshrc = h.write(".zshrc", "alias a=b\n");
    let env = zsh(&h);
    let plan = fixes::plan(FixId::ExportKey, &env, &with_key(FAKE_API_KEY)).unwrap();
    fs::write(&zshrc, "alias a=c\n").unwrap();
    match fixes::apply(&plan, &env) {
        Err(FixError::Changed(msg)) => assert!(msg.contains("~/.zshrc"), "{msg}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(text(&zshrc), "alias a=c\n");
    assert!(fixes::list_undo(&env).is_empty());
}

// ---------- repair-key ----------

#[test]
fn repair_key_rewrites_malformed_values_in_place() {
    let h = TempHome::new();
    let zshrc = h.write(
        ".zshrc",
        &format!(
            "alias x=y\nexport ANTHROPIC_API_KEY=\"'{FAKE_API_KEY}'\" # work\nexport ANTHROPIC_AUTH_TOKEN={FAKE_AUTH_TOKEN}\r\nexport CLAUDE_CODE_OAUTH_TOKEN= {FAKE_OAUTH_TOKEN}\nexport ANTHROPIC_BASE_URL=\" http://x \"\n"
        ),
    );
    let env = zsh(&h);
    let (plan, preview) = full_cycle(&env, FixId::RepairKey, &FixInput::default());
    assert_eq!(
        preview,
        "--- ~/.zshrc\n+++ ~/.zshrc\n@@ -1,5 +1,5 @@\n alias x=y\n-export ANTHROPIC_API_KEY=\"'sk-ant-api03-…AbCd'\" # work\n-export ANTHROPIC_AUTH_TOKEN=…Gt03␍\n-export CLAUDE_CODE_OAUTH_TOKEN= sk-ant-oat01-…Oa01\n+export ANTHROPIC_API_KEY='sk-ant-api03-…AbCd' # work\n+export ANTHROPIC_AUTH_TOKEN='…Gt03'\n+export CLAUDE_CODE_OAUTH_TOKEN='sk-ant-oat01-…Oa01'\n export ANTHROPIC_BASE_URL=\" http://x \"\n"
    );
    assert!(
        plan.summary.contains("quotes inside the value"),
        "{}",
        plan.summary
    );
    assert!(
        plan.summary.contains("Windows line ending"),
        "{}",
        plan.summary
    );
    assert!(plan.summary.contains("space after `=`"), "{}", plan.summary);

    let plan = fixes::plan(FixId::RepairKey, &env, &FixInput::default()).unwrap();
    fixes::apply(&plan, &env).unwrap();
    assert_eq!(
        text(&zshrc),
        format!(
            "alias x=y\nexport ANTHROPIC_API_KEY='{FAKE_API_KEY}' # work\nexport ANTHROPIC_AUTH_TOKEN='{FAKE_AUTH_TOKEN}'\nexport CLAUDE_CODE_OAUTH_TOKEN='{FAKE_OAUTH_TOKEN}'\nexport ANTHROPIC_BASE_URL=\" http://x \"\n"
        )
    );
}

#[test]
fn repair_key_fish_escapes_and_nothing_to_do() {
    let h = TempHome::new();
    let config = h.write(
        ".config/fish/config.fish",
        &format!("set -gx ANTHROPIC_API_KEY \"{FAKE_API_KEY}\\n\""),
    );
    let env = h.env().var("SHELL", "/usr/bin/fish").build();
    full_cycle(&env, FixId::RepairKey, &FixInput::default());
    let plan = fixes::plan(FixId::RepairKey, &env, &FixInput::default()).unwrap();
    fixes::apply(&plan, &env).unwrap();
    assert_eq!(
        text(&config),
        format!("set -gx ANTHROPIC_API_KEY '{FAKE_API_KEY}'"),
        "no final newline added"
    );

    let h = TempHome::new();
    h.write(
        ".zshrc",
        &format!("export ANTHROPIC_API_KEY='{FAKE_API_KEY}'\n"),
    );
    nothing_to_do(&zsh(&h), FixId::RepairKey, &FixInput::default());
}

#[test]
fn repair_key_undo_refusal_and_fault() {
    let setup = |h: &TempHome| {
        h.write(
            ".zshrc",
            &format!("export ANTHROPIC_API_KEY=\" {FAKE_API_KEY}\"\n"),
        );
    };
    failure_paths(setup, &[], FixId::RepairKey, &FixInput::default());
}

// ---------- silence-env-key ----------

#[test]
fn silence_env_key_comments_out_the_login_shells_line() {
    let h = TempHome::new();
    h.write_credentials(i64::MAX / 2);
    let zshrc = h.write(
        ".zshrc",
        &format!("alias x=y\n  export ANTHROPIC_API_KEY={FAKE_API_KEY}\n"),
    );
    let bashrc_text = format!("export ANTHROPIC_API_KEY={FAKE_OTHER_KEY}\n");
    let bashrc = h.write(".bashrc", &bashrc_text);
    let env = h
        .env()
        .var("SHELL", "/bin/zsh")
        .var("ANTHROPIC_API_KEY", FAKE_API_KEY)
        .build();
    let (plan, preview) = full_cycle(&env, FixId::SilenceEnvKey, &FixInput::default());
    assert_eq!(
        preview,
        "--- ~/.zshrc\n+++ ~/.zshrc\n@@ -1,2 +1,2 @@\n alias x=y\n-  export ANTHROPIC_API_KEY=sk-ant-api03-…AbCd\n+  # export ANTHROPIC_API_KEY=sk-ant-api03-…AbCd # silenced by claude-auth-tui\n"
    );
    assert!(
        plan.notes
            .iter()
            .any(|n| n.contains("unset ANTHROPIC_API_KEY"))
    );
    let plan = fixes::plan(FixId::SilenceEnvKey, &env, &FixInput::default()).unwrap();
    fixes::apply(&plan, &env).unwrap();
    assert!(text(&zshrc).contains(SILENCE_MARK));
    assert_eq!(
        text(&bashrc),
        bashrc_text,
        "zsh does not read .bashrc: left alone"
    );
}

#[test]
fn silence_env_key_explains_a_key_from_elsewhere() {
    let h = TempHome::new();
    let env = h
        .env()
        .var("SHELL", "/usr/bin/fish")
        .var("ANTHROPIC_API_KEY", FAKE_API_KEY)
        .build();
    let why = nothing_to_do(&env, FixId::SilenceEnvKey, &FixInput::default());
    assert!(why.contains("set -e ANTHROPIC_API_KEY"), "{why}");
}

#[test]
fn silence_env_key_undo_refusal_and_fault() {
    let setup = |h: &TempHome| {
        h.write(
            ".zshrc",
            &format!("export ANTHROPIC_API_KEY={FAKE_API_KEY}\r\n"),
        );
    };
    failure_paths(setup, &[], FixId::SilenceEnvKey, &FixInput::default());
}

// ---------- remove-credentials ----------

#[test]
fn remove_credentials_misplaced_file_first() {
    let h = TempHome::new();
    let content = format!(r#"{{"claudeAiOauth":{{"accessToken":"{FAKE_OAUTH_TOKEN}"}}}}"#);
    let misplaced = h.write_mode(".claude/credentials.json", &content, 0o600);
    let env = zsh(&h);
    let (plan, preview) = full_cycle(&env, FixId::RemoveCredentials, &FixInput::default());
    assert_eq!(
        preview,
        format!(
            "--- ~/.claude/credentials.json\n+++ /dev/null\n(the file is removed: 1 lines, {} bytes; a copy is kept in the backups)\n",
            content.len()
        )
    );
    assert!(plan.summary.contains("no leading dot"), "{}", plan.summary);
    assert!(plan.notes.iter().any(|n| n.contains("claude auth login")));
    assert_eq!(mode(&misplaced), 0o600, "undo restored the mode");
}

#[test]
fn remove_credentials_corrupt_blanked_expired_and_valid() {
    let now = 1_800_000_000_000;
    for (content, expect) in [
        (r#"{"claudeAiOauth":{"accessTo"#.to_string(), "truncated"),
        (
            r#"{"claudeAiOauth":{"accessToken":"","refreshToken":"","expiresAt":0,"scopes":["user:inference"]}}"#
                .to_string(),
            "blanked",
        ),
        (
            format!(
                r#"{{"claudeAiOauth":{{"accessToken":"{FAKE_OAUTH_TOKEN}","refreshToken":"r","expiresAt":{},"scopes":["user:inference"]}}}}"#,
                now - 1
            ),
            "expired",
        ),
    ] {
        let h = TempHome::new();
        h.write_mode(".claude/.credentials.json", &content, 0o600);
        let env = h.env().now_ms(now).build();
        let (plan, _) = full_cycle(&env, FixId::RemoveCredentials, &FixInput::default());
        assert!(plan.summary.contains(expect), "{}", plan.summary);
    }
    let h = TempHome::new();
    h.write_credentials(now + 3_600_000);
    let env = h.env().now_ms(now).build();
    let why = nothing_to_do(&env, FixId::RemoveCredentials, &FixInput::default());
    assert!(why.contains("fine"), "{why}");
}

#[test]
fn remove_credentials_undo_refuses_over_a_new_login_and_survives_faults() {
    let setup = |h: &TempHome| {
        h.write_mode(".claude/.credentials.json", "not json", 0o600);
    };
    failure_paths(setup, &[], FixId::RemoveCredentials, &FixInput::default());
}

// ---------- tighten-permissions ----------

#[test]
fn tighten_permissions_sets_0600_and_undo_restores_0644() {
    let h = TempHome::new();
    let creds = h.write_credentials(i64::MAX / 2);
    fs::set_permissions(&creds, fs::Permissions::from_mode(0o644)).unwrap();
    let env = zsh(&h);
    let (_, preview) = full_cycle(&env, FixId::TightenPermissions, &FixInput::default());
    assert_eq!(
        preview,
        "~/.claude/.credentials.json: permissions 0644 → 0600 (contents unchanged)\n"
    );
    assert_eq!(mode(&creds), 0o644, "undo put 0644 back");

    let plan = fixes::plan(FixId::TightenPermissions, &env, &FixInput::default()).unwrap();
    let entry = fixes::apply(&plan, &env).unwrap();
    assert_eq!(mode(&creds), 0o600);
    assert!(
        entry.files[0].backup.is_none(),
        "no copy of the tokens for a chmod"
    );
    // A later chmod by the user makes undo refuse.
    fs::set_permissions(&creds, fs::Permissions::from_mode(0o640)).unwrap();
    assert!(matches!(fixes::undo_last(&env), Err(FixError::Changed(_))));
}

// ---------- approve-key ----------

#[test]
fn approve_key_moves_the_tail_structurally() {
    let h = TempHome::new();
    let path = claude_json_with_rejected(&h);
    let env = h.env().var("ANTHROPIC_API_KEY", FAKE_API_KEY).build();
    let (plan, preview) = full_cycle(&env, FixId::ApproveKey, &FixInput::default());
    assert!(!preview.contains(key_tail(FAKE_API_KEY)), "{preview}");
    assert!(!preview.contains(key_tail(FAKE_OTHER_KEY)), "{preview}");
    assert!(plan.summary.contains("billed"), "says what approving means");
    assert_eq!(
        preview,
        "--- ~/.claude.json\n+++ ~/.claude.json\n@@ -2,11 +2,10 @@\n   \"numStartups\": 4,\n   \"customApiKeyResponses\": {\n     \"approved\": [\n-      \"…WxYz\"\n-    ],\n-    \"rejected\": [\n+      \"…WxYz\",\n       \"…AbCd\"\n-    ]\n+    ],\n+    \"rejected\": []\n   },\n   \"theme\": \"dark\"\n }\n"
    );
    let plan = fixes::plan(FixId::ApproveKey, &env, &FixInput::default()).unwrap();
    fixes::apply(&plan, &env).unwrap();
    assert_eq!(
        text(&path),
        format!(
            "{{\n  \"numStartups\": 4,\n  \"customApiKeyResponses\": {{\n    \"approved\": [\n      \"{}\",\n      \"{}\"\n    ],\n    \"rejected\": []\n  }},\n  \"theme\": \"dark\"\n}}\n",
            key_tail(FAKE_OTHER_KEY),
            key_tail(FAKE_API_KEY)
        )
    );
    assert_eq!(mode(&path), 0o644);
}

#[test]
fn approve_key_nothing_to_do_cases_undo_refusal_and_fault() {
    let h = TempHome::new();
    h.write(".claude.json", "{\"numStartups\": 1}");
    let env = h.env().var("ANTHROPIC_API_KEY", FAKE_API_KEY).build();
    let why = nothing_to_do(&env, FixId::ApproveKey, &FixInput::default());
    assert!(why.contains("answering Yes"), "{why}");
    nothing_to_do(&h.env().build(), FixId::ApproveKey, &FixInput::default());

    failure_paths(
        |h| {
            claude_json_with_rejected(h);
        },
        &[("ANTHROPIC_API_KEY", FAKE_API_KEY)],
        FixId::ApproveKey,
        &FixInput::default(),
    );
}

// ---------- drop-override ----------

#[test]
fn drop_override_edits_every_editable_file_structurally() {
    let h = TempHome::new();
    let (user, local) = two_settings_files(&h);
    let env = zsh(&h);
    let (plan, preview) = full_cycle(&env, FixId::DropOverride, &FixInput::default());
    assert_eq!(plan.edits.len(), 2);
    assert_eq!(plan.edits[0].path, local, "highest precedence first");
    assert!(
        preview.contains(
            "-{\"apiKeyHelper\": \"~/bin/key.sh\", \"env\": {\"ANTHROPIC_AUTH_TOKEN\": \"…Gt03\"}}"
        ),
        "{preview}"
    );
    assert!(preview.contains("+{\"env\": {}}"), "{preview}");
    assert!(plan.notes.iter().any(|n| n.contains("repository")));

    let plan = fixes::plan(FixId::DropOverride, &env, &FixInput::default()).unwrap();
    fixes::apply(&plan, &env).unwrap();
    assert_eq!(
        text(&local),
        "{\"env\": {}}",
        "an emptied env block stays as {{}}"
    );
    assert_eq!(
        text(&user),
        "{\n  \"model\": \"opus\",\n  \"env\": {\n    \"DISABLE_TELEMETRY\": \"1\"\n  },\n  \"permissions\": {\"allow\": []}\n}\n",
        "other keys, order and formatting kept"
    );
}

#[test]
fn drop_override_one_key_managed_refusal_and_rollback() {
    let h = TempHome::new();
    let (user, _) = two_settings_files(&h);
    let env = zsh(&h);
    let input = FixInput {
        var: Some("ANTHROPIC_API_KEY".to_string()),
        ..FixInput::default()
    };
    let (plan, _) = full_cycle(&env, FixId::DropOverride, &input);
    assert_eq!(plan.edits.len(), 1);
    assert_eq!(plan.edits[0].path, user);
    assert!(matches!(
        fixes::plan(
            FixId::DropOverride,
            &env,
            &FixInput {
                var: Some("PATH".into()),
                ..FixInput::default()
            }
        ),
        Err(FixError::InvalidInput(_))
    ));

    // The second file fails to be written: the first one is put back.
    let env = with_fault(&h, "/bin/zsh", "after-first-write");
    interrupted_apply_loses_nothing(&env, FixId::DropOverride, &FixInput::default());

    let h = TempHome::new();
    fs::write(
        h.managed().join("managed-settings.json"),
        "{\"env\": {\"ANTHROPIC_BASE_URL\": \"https://gw.example\"}}",
    )
    .unwrap();
    match fixes::plan(FixId::DropOverride, &zsh(&h), &FixInput::default()) {
        Err(FixError::Refused(msg)) => assert!(msg.contains("administrator"), "{msg}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn drop_override_from_the_home_folder_edits_the_file_once() {
    // Run from the home folder, project settings and user settings are one file.
    let h = TempHome::new();
    h.write(
        ".claude/settings.json",
        &format!("{{\"env\": {{\"ANTHROPIC_API_KEY\": \"{FAKE_API_KEY}\"}}}}"),
    );
    let env = h.env().cwd(h.home()).build();
    let (plan, _) = full_cycle(&env, FixId::DropOverride, &FixInput::default());
    assert_eq!(plan.edits.len(), 1);
    assert!(plan.summary.contains("user settings"), "{}", plan.summary);
}

#[test]
fn preview_shows_a_carriage_return_inside_a_value_on_its_line() {
    let h = TempHome::new();
    h.write(
        ".zshrc",
        &format!("export ANTHROPIC_API_KEY=\"{FAKE_API_KEY}\r\"\n"),
    );
    let (_, preview) = full_cycle(&zsh(&h), FixId::RepairKey, &FixInput::default());
    assert_eq!(
        preview,
        "--- ~/.zshrc\n+++ ~/.zshrc\n@@ -1 +1 @@\n-export ANTHROPIC_API_KEY=\"sk-ant-api03-…AbCd␍\"\n+export ANTHROPIC_API_KEY='sk-ant-api03-…AbCd'\n"
    );
}

#[test]
fn drop_override_undo_refusal() {
    failure_paths(
        |h| {
            two_settings_files(h);
        },
        &[],
        FixId::DropOverride,
        &FixInput::default(),
    );
}

// ---------- properties ----------

mod properties {
    use super::*;
    use proptest::prelude::*;
    use support::strategies::profile_bytes;

    fn split(bytes: &[u8]) -> Vec<Vec<u8>> {
        bytes
            .split_inclusive(|&b| b == b'\n')
            .map(|l| l.strip_suffix(b"\n").unwrap_or(l).to_vec())
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        #[test]
        fn export_key_keeps_every_other_line_and_undo_restores(original in profile_bytes()) {
            let h = TempHome::new();
            let zshrc = h.home().join(".zshrc");
            fs::write(&zshrc, &original).unwrap();
            let env = zsh(&h);
            let input = with_key(FAKE_API_KEY);
            let plan = match fixes::plan(FixId::ExportKey, &env, &input) {
                // The random text left a block, string or heredoc open at the end: refused.
                Err(FixError::Refused(why)) => {
                    prop_assert!(why.contains("unfinished"), "{}", why);
                    return Ok(());
                }
                other => other.unwrap(),
            };
            prop_assert_eq!(&plan.edits[0].path, &zshrc);
            assert_no_leak(&fixes::preview(&plan, &env));
            fixes::apply(&plan, &env).unwrap();
            let after = fs::read(&zshrc).unwrap();

            let (old, new) = (split(&original), split(&after));
            let export = format!("export ANTHROPIC_API_KEY='{FAKE_API_KEY}'").into_bytes();
            if new.len() == old.len() {
                // One line replaced, and it was an ANTHROPIC_API_KEY line.
                let changed: Vec<usize> = (0..old.len()).filter(|&i| old[i] != new[i]).collect();
                prop_assert_eq!(changed.len(), 1);
                let i = changed[0];
                prop_assert!(String::from_utf8_lossy(&old[i]).contains("ANTHROPIC_API_KEY="));
                prop_assert!(new[i].ends_with(&export));
            } else {
                // Two lines added (at the end, or after the block holding the last line that
                // sets the key): every old line is still there, in order.
                prop_assert_eq!(new.len(), old.len() + 2);
                let at = (0..new.len()).find(|&i| new[i] == export).unwrap() - 1;
                let mut kept = new.clone();
                kept.drain(at..at + 2);
                // An unterminated last line gains its newline; compare the text only.
                prop_assert_eq!(&kept, &old);
            }

            // Apply twice = apply once.
            prop_assert!(matches!(fixes::plan(FixId::ExportKey, &env, &input), Err(FixError::NothingToDo(_))));
            // undo(apply(x)) == x
            fixes::undo_last(&env).unwrap();
            prop_assert_eq!(fs::read(&zshrc).unwrap(), original);
        }

        #[test]
        fn json_edit_keeps_other_members(keys in proptest::collection::btree_set("[a-zA-Z_]{1,8}", 1..6), pretty in any::<bool>()) {
            let mut map = serde_json::Map::new();
            for (i, k) in keys.iter().enumerate() {
                map.insert(k.clone(), serde_json::json!(i));
            }
            map.insert("ANTHROPIC_API_KEY".into(), serde_json::json!("x"));
            let doc = serde_json::json!({"env": map, "z": [1, 2]});
            let text = if pretty { serde_json::to_string_pretty(&doc).unwrap() } else { doc.to_string() };
            let (out, how) = fixes::json_edit::edit(
                &text,
                &[fixes::json_edit::JsonOp::Remove(vec!["env".into(), "ANTHROPIC_API_KEY".into()])],
            ).unwrap();
            prop_assert_eq!(how, fixes::json_edit::EditMethod::InPlace);
            let mut expected = doc.clone();
            expected["env"].as_object_mut().unwrap().shift_remove("ANTHROPIC_API_KEY");
            prop_assert_eq!(serde_json::from_str::<serde_json::Value>(&out).unwrap(), expected);
        }
    }
}

#[test]
fn repair_base_url_drops_the_extra_v1_in_the_profile_line() {
    let h = TempHome::new();
    let bashrc = h.write(
        ".bashrc",
        "alias x=y\nexport ANTHROPIC_BASE_URL=https://gw.example/v1 # team gateway\n",
    );
    let env = h
        .env()
        .var("SHELL", "/bin/bash")
        .var("ANTHROPIC_BASE_URL", "https://gw.example/v1")
        .build();
    let (plan, preview) = full_cycle(&env, FixId::RepairBaseUrl, &FixInput::default());
    assert!(
        plan.summary.contains("~/.bashrc line 2"),
        "{}",
        plan.summary
    );
    assert!(
        preview.contains("+export ANTHROPIC_BASE_URL='https://gw.example' # team gateway"),
        "{preview}"
    );
    let plan = fixes::plan(FixId::RepairBaseUrl, &env, &FixInput::default()).unwrap();
    fixes::apply(&plan, &env).unwrap();
    assert_eq!(
        text(&bashrc),
        "alias x=y\nexport ANTHROPIC_BASE_URL='https://gw.example' # team gateway\n"
    );
    // A URL without the extra /v1 is left alone.
    let why = nothing_to_do(&env, FixId::RepairBaseUrl, &FixInput::default());
    assert!(why.contains("/v1"), "{why}");
}
