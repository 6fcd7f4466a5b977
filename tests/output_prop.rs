//! Property tests of the two output guards: the sanitiser (no control character, escape
//! sequence or bidi override passes raw) and the secret scrubber (no run of 12 or more
//! consecutive characters of a known secret survives, however the secret is cut up).

mod support;

use claude_auth_tui::sanitize::{self, EscapingWriter};
use claude_auth_tui::secret::{self, FRAGMENT_MIN};
use proptest::prelude::*;
use std::io::Write;
use support::strategies::hostile_text;

fn dangerous(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

proptest! {
    #[test]
    fn escape_lets_no_dangerous_character_through(text in hostile_text()) {
        let out = sanitize::escape(&text);
        prop_assert!(!out.chars().any(dangerous), "{:?}", out);
        // Line breaks and tabs are kept, so the text keeps its shape.
        prop_assert_eq!(out.matches('\n').count(), text.matches('\n').count());
        // Idempotent: escaping twice changes nothing more.
        prop_assert_eq!(sanitize::escape(&out), out.clone());
        let line = sanitize::escape_line(&text);
        prop_assert!(!line.chars().any(|c| dangerous(c) || c == '\n' || c == '\t'));
    }

    /// With colours allowed, what is left once the colour sequences are taken out is inert,
    /// and nothing but a colour sequence starts with a raw ESC.
    #[test]
    fn only_colour_sequences_survive_escape_keeping_colors(text in hostile_text()) {
        let out = sanitize::escape_keeping_colors(&text);
        let sgr = regex::Regex::new("\u{1b}\\[[0-9;]*m").unwrap();
        let rest = sgr.replace_all(&out, "");
        prop_assert!(!rest.chars().any(dangerous), "{:?}", out);
    }

    #[test]
    fn escape_keeps_safe_text_as_is(text in "[^\\p{Cc}\\u{61c}\\u{200e}\\u{200f}\\u{202a}-\\u{202e}\\u{2066}-\\u{2069}\\u{2028}\\u{2029}]*") {
        prop_assert_eq!(sanitize::escape(&text), text.clone());
    }

    #[test]
    fn json_values_print_safely_with_jq_r(key in hostile_text(), value in hostile_text()) {
        fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
            match v {
                serde_json::Value::String(s) => out.push(s.clone()),
                serde_json::Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
                serde_json::Value::Object(m) => m.iter().for_each(|(k, v)| {
                    out.push(k.clone());
                    strings(v, out);
                }),
                _ => {}
            }
        }
        let mut doc = serde_json::json!({ key.clone(): [value.clone(), {"v": value}] });
        sanitize::escape_json(&mut doc);
        let text = serde_json::to_string(&doc).unwrap();
        prop_assert!(!text.chars().any(dangerous));
        let mut all = Vec::new();
        strings(&doc, &mut all);
        for s in all {
            prop_assert!(!s.chars().any(|c| dangerous(c) || c == '\n'), "{:?}", s);
        }
    }

    #[test]
    fn the_writer_matches_escape_however_the_output_is_cut(
        text in hostile_text(),
        cuts in prop::collection::vec(1usize..7, 0..50),
    ) {
        let bytes = text.as_bytes();
        let mut out = EscapingWriter::new(Vec::new());
        let mut at = 0;
        for n in cuts {
            let end = (at + n).min(bytes.len());
            out.write_all(&bytes[at..end]).unwrap();
            at = end;
        }
        out.write_all(&bytes[at..]).unwrap();
        out.flush().unwrap();
        let written = out.into_inner();
        prop_assert_eq!(String::from_utf8(written).unwrap(), sanitize::escape(&text).into_owned());
    }

    /// A secret echoed in pieces (any cut, any separators, pieces repeated or out of order)
    /// never shows 12 consecutive characters of itself beyond the prefix its mask shows.
    #[test]
    fn no_fragment_of_a_known_secret_survives(
        body in "[A-Za-z0-9_-]{24,96}",
        prefix in prop::sample::select(vec!["sk-ant-api03-", "sk-ant-oat01-", "", "gw-"]),
        cuts in prop::collection::vec((0usize..120, 1usize..40), 1..8),
        sep in prop::sample::select(vec![" ", "\n", ", ", "\u{1b}[0m", "…", "|"]),
    ) {
        let secret = format!("{prefix}{body}");
        let chars: Vec<char> = secret.chars().collect();
        let pieces: Vec<String> = cuts
            .iter()
            .map(|&(start, len)| {
                let start = start % chars.len();
                let end = (start + len).min(chars.len());
                chars[start..end].iter().collect()
            })
            .collect();
        let echoed = format!("you sent: {} (and {secret})", pieces.join(sep));
        let out = secret::scrub(&echoed, &[&secret]);
        let public = secret::mask(&secret)
            .split('…')
            .next()
            .unwrap_or_default()
            .chars()
            .count();
        for start in 0..=chars.len() - FRAGMENT_MIN {
            if start + FRAGMENT_MIN <= public {
                continue;
            }
            let window: String = chars[start..start + FRAGMENT_MIN].iter().collect();
            prop_assert!(!out.contains(&window), "{:?} survives in {:?}", window, out);
        }
    }
}
