//! The `explain` command's output: what a pasted error means, how to confirm it, what fixes it.

use crate::classify::{self, Classification};
use crate::knowledge;
use crate::sanitize;
use crate::secret;
use std::fmt::Write as _;
use std::io::{self, Read};

/// Most input read: the head and tail of anything larger are kept.
pub const MAX_INPUT: usize = 16 * 1024 * 1024;
/// Of an over-long input, how much of its start is kept (the rest is its end).
const INPUT_HEAD: usize = 1024 * 1024;
/// Marks where an over-long input was cut.
const CUT: &str = "\n…\n";
/// Of an over-long input, how much of its end is kept.
const INPUT_TAIL: usize = MAX_INPUT - INPUT_HEAD - CUT.len();

const WIDTH: usize = 78;

/// The human-readable explanation: cause and title, confidence, the matched excerpt, the
/// knowledge entry (what is wrong, how to confirm, fixes), then the other candidates. For text
/// nothing recognises, an honest "no match" with the nearest causes by keyword.
#[must_use]
pub fn render_text(c: &Classification) -> String {
    let mut out = String::new();
    let Some(cause) = c.cause else {
        render_no_match(&mut out, c);
        return sanitize::escape(&out).into_owned();
    };
    let info = knowledge::cause(cause);
    let _ = writeln!(out, "{cause}: {}", info.title);
    let _ = writeln!(
        out,
        "confidence: {:.2} ({})",
        c.confidence,
        strength(c.confidence)
    );
    if let Some(matched) = &c.matched {
        let _ = writeln!(out, "matched: \"{}\"", safe(matched));
    }
    if let Some(note) = c
        .signature
        .and_then(classify::signature)
        .map(|s| s.note.as_str())
        .filter(|n| !n.is_empty())
    {
        wrap_into(&mut out, "note: ", "      ", note);
    }

    out.push_str("\nWhat is wrong:\n");
    wrap_into(&mut out, "  ", "  ", &info.explanation);

    if !info.verify.is_empty() {
        out.push_str("\nHow to confirm:\n");
        for step in &info.verify {
            let _ = writeln!(out, "  - {step}");
        }
    }

    out.push_str("\nFixes:\n");
    if info.fixes.is_empty() {
        out.push_str("  none this tool can apply; see \"What is wrong\" above.\n");
    } else {
        for fix in &info.fixes {
            let _ = writeln!(out, "  claude-auth-tui fix {fix}");
        }
    }

    let others: Vec<_> = c.candidates.iter().filter(|k| k.cause != cause).collect();
    if !others.is_empty() {
        out.push_str("\nOther possible causes:\n");
        for k in others {
            let _ = writeln!(
                out,
                "  - {} ({:.2}): {}",
                k.cause,
                k.score,
                knowledge::cause(k.cause).title
            );
        }
    }

    let _ = writeln!(
        out,
        "\nTo confirm on this machine: claude-auth-tui check (the \"{}\" check).",
        info.check.title()
    );
    sanitize::escape(&out).into_owned()
}

fn render_no_match(out: &mut String, c: &Classification) {
    out.push_str("No known Claude Code error message was recognised in this text.\n");
    if c.candidates.is_empty() {
        out.push_str("Nothing in it points to a particular cause.\n");
    } else {
        out.push_str("\nNearest causes, by keywords only (a guess, not a match):\n");
        for k in &c.candidates {
            let _ = writeln!(
                out,
                "  - {} ({:.2}): {}; from \"{}\"",
                k.cause,
                k.score,
                knowledge::cause(k.cause).title,
                safe(&k.matched)
            );
        }
    }
    out.push('\n');
    wrap_into(
        out,
        "",
        "",
        "Paste the complete output, including the line with \"API Error\", \"Failed to \
         authenticate\" or \"Please run /login\", or run `claude-auth-tui check` to diagnose \
         this machine directly.",
    );
}

/// The classification as exactly one JSON object and a newline.
#[must_use]
pub fn render_json(c: &Classification) -> String {
    // Scrub again: a Classification need not come from `classify`.
    let mut safe_c = c.clone();
    safe_c.matched = safe_c.matched.as_deref().map(safe);
    for k in &mut safe_c.candidates {
        k.matched = safe(&k.matched);
    }
    let mut json = serde_json::to_string(&safe_c).unwrap_or_else(|_| {
        // Serialising these types does not fail; the fallback keeps the one-object promise.
        r#"{"cause":null,"confidence":0.0,"matched":null,"candidates":[]}"#.to_string()
    });
    json.push('\n');
    json
}

/// The text to explain: the arguments joined by spaces, or else all of stdin. At most
/// [`MAX_INPUT`] bytes are kept: of a longer input, its first MiB and its end (where the final
/// error usually is). Invalid UTF-8 is replaced, never an error.
pub fn read_input(args: &[String], stdin: impl Read) -> io::Result<String> {
    if !args.is_empty() {
        let joined = args.join(" ");
        return Ok(keep_head_and_tail(joined.as_bytes()));
    }
    read_bounded(stdin)
}

fn read_bounded(mut input: impl Read) -> io::Result<String> {
    let tail_cap = INPUT_TAIL;
    let mut head: Vec<u8> = Vec::new();
    let mut tail: Vec<u8> = Vec::new();
    let mut dropped = false;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let mut chunk = &buf[..n];
        if head.len() < INPUT_HEAD {
            let take = chunk.len().min(INPUT_HEAD - head.len());
            head.extend_from_slice(&chunk[..take]);
            chunk = &chunk[take..];
        }
        tail.extend_from_slice(chunk);
        // Drop the oldest bytes in batches, so a long stream costs linear time.
        if tail.len() > 2 * tail_cap {
            tail.drain(..tail.len() - tail_cap);
            dropped = true;
        }
    }
    if tail.len() > tail_cap {
        tail.drain(..tail.len() - tail_cap);
        dropped = true;
    }
    if !dropped {
        // One conversion, so a character split between the two buffers survives.
        head.append(&mut tail);
        return Ok(String::from_utf8_lossy(&head).into_owned());
    }
    Ok(format!(
        "{}{CUT}{}",
        String::from_utf8_lossy(&head),
        String::from_utf8_lossy(&tail)
    ))
}

fn keep_head_and_tail(bytes: &[u8]) -> String {
    if bytes.len() <= MAX_INPUT {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let tail_start = bytes.len() - INPUT_TAIL;
    format!(
        "{}{CUT}{}",
        String::from_utf8_lossy(&bytes[..INPUT_HEAD]),
        String::from_utf8_lossy(&bytes[tail_start..])
    )
}

/// A quoted piece of the pasted text: secrets masked, unsafe characters escaped (one line).
fn safe(text: &str) -> String {
    sanitize::escape_line(&secret::scrub(text, &[])).into_owned()
}

fn strength(confidence: f32) -> &'static str {
    if confidence >= 0.85 {
        "a specific message"
    } else if confidence >= 0.6 {
        "likely, but the same words have other causes"
    } else {
        "weak: a generic message"
    }
}

/// Appends `text` word-wrapped at [`WIDTH`], the first line after `first`, the rest after
/// `rest`.
fn wrap_into(out: &mut String, first: &str, rest: &str, text: &str) {
    let mut line = String::from(first);
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > WIDTH {
            out.push_str(&line);
            out.push('\n');
            line = String::from(rest);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(&line);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::classify;

    #[test]
    fn text_names_cause_title_fixes_and_check() {
        let c = classify("Failed to authenticate. API Error: 401 OAuth token has expired.");
        let text = render_text(&c);
        assert!(text.starts_with("oauth-expired: "), "{text}");
        assert!(text.contains("confidence: 0.9"), "{text}");
        assert!(text.contains("claude-auth-tui fix relogin"), "{text}");
        assert!(text.contains("How to confirm:"), "{text}");
        assert!(
            text.contains("matched: \"Failed to authenticate."),
            "{text}"
        );
        assert!(text.lines().all(|l| l.chars().count() <= 400), "{text}");
    }

    #[test]
    fn text_for_admin_only_cause_says_no_fix() {
        let c =
            classify("Your organization has disabled Claude subscription access for Claude Code");
        let text = render_text(&c);
        assert!(text.contains("none this tool can apply"), "{text}");
        assert!(text.contains("administrator"), "{text}");
    }

    #[test]
    fn text_for_no_match_is_honest() {
        let text = render_text(&classify("weird 403 from somewhere"));
        assert!(
            text.starts_with("No known Claude Code error message"),
            "{text}"
        );
        assert!(text.contains("permission-denied"), "{text}");
        let text = render_text(&classify("hello"));
        assert!(text.contains("Nothing in it points"), "{text}");
    }

    #[test]
    fn json_is_one_object_and_a_newline() {
        let json = render_json(&classify("Credit balance is too low"));
        assert!(json.ends_with("}\n"));
        assert_eq!(json.matches('\n').count(), 1);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["cause"], "credit-low");
        assert_eq!(
            v["confidence"].as_f64().map(|x| (x * 100.0).round()),
            Some(95.0)
        );
        assert!(v["candidates"].is_array());
        assert!(v.get("signature").is_none());
        let none: serde_json::Value = serde_json::from_str(&render_json(&classify("hi"))).unwrap();
        assert!(none["cause"].is_null() && none["matched"].is_null());
    }

    #[test]
    fn read_input_prefers_args_then_stdin() {
        let args = vec!["Not".to_string(), "logged".to_string(), "in".to_string()];
        assert_eq!(read_input(&args, &b"ignored"[..]).unwrap(), "Not logged in");
        assert_eq!(read_input(&[], &b"from stdin"[..]).unwrap(), "from stdin");
        assert_eq!(
            read_input(&[], &b"bad \xff byte"[..]).unwrap(),
            "bad \u{fffd} byte"
        );
    }

    #[test]
    fn read_input_is_bounded_and_keeps_the_end() {
        let mut big = vec![b'x'; MAX_INPUT * 2];
        big.extend_from_slice(b"\nCredit balance is too low\n");
        let text = read_input(&[], big.as_slice()).unwrap();
        assert!(text.len() <= MAX_INPUT, "{}", text.len());
        assert!(text.ends_with("Credit balance is too low\n"));
        assert!(text.starts_with("xxx"));
    }

    #[test]
    fn read_input_keeps_a_character_split_across_its_buffers() {
        let mut text = "a".repeat(INPUT_HEAD - 1);
        text.push('é');
        text.push_str("tail");
        assert_eq!(read_input(&[], text.as_bytes()).unwrap(), text);
    }

    #[test]
    fn wrap_respects_width() {
        let mut out = String::new();
        wrap_into(&mut out, "  ", "  ", &"word ".repeat(60));
        assert!(out.lines().all(|l| l.chars().count() <= WIDTH), "{out}");
        assert!(out.lines().count() > 3);
    }
}
