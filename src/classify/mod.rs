//! The pasted-error classifier behind `explain`: maps whatever a user copied out of a terminal
//! (colours, wrapped lines, prompts, stack traces, JSON or HTML bodies) to a root cause.
//!
//! The signatures are data, in `assets/signatures.json`. Nothing here panics on any input, and
//! the work is bounded: only the head and tail of a huge paste are read.

mod excerpt;
mod normalize;
mod table;

pub use table::{Reading, Signature, signature, signatures};

use crate::ids::CauseId;
use crate::secret;
use excerpt::{excerpt, sanitize};
use normalize::{Normalized, ascii_fold, bounded};
use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::Range;
use table::{Hint, table};

/// Above this many bytes, the combined set is used to pick the signatures to try.
const SET_THRESHOLD: usize = 16 * 1024;
/// Most candidates reported.
const MAX_CANDIDATES: usize = 6;
/// Extra score for each further signature for the same cause, found elsewhere in the text.
const CORROBORATION_BONUS: f32 = 0.03;
/// Keyword hints never add up to more than this: they are guesses, not matches.
const HINT_CAP: f32 = 0.3;

/// The verdict on a pasted text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Classification {
    /// The most likely root cause, or `None` when no known message was recognised.
    pub cause: Option<CauseId>,
    /// 0..=1: how specific the recognised text is. 0 when nothing was recognised.
    pub confidence: f32,
    /// The recognised part of the input, with secrets masked.
    pub matched: Option<String>,
    /// Every cause the text points to, best first (the chosen cause included); for
    /// unrecognised text, the nearest causes by keywords.
    pub candidates: Vec<Candidate>,
    /// Id of the signature that decided, to look up its note (not part of the JSON).
    #[serde(skip)]
    pub signature: Option<&'static str>,
}

/// One possible cause and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Candidate {
    pub cause: CauseId,
    pub score: f32,
    /// The part of the input that points to it, with secrets masked.
    pub matched: String,
}

/// A signature found in the text.
struct Hit {
    sig: &'static Signature,
    /// Which cleaned form it was found in (0: with line breaks, 1: joined), and where.
    form: usize,
    range: Range<usize>,
    excerpt: String,
}

impl Hit {
    /// Found somewhere else in the text: evidence of its own, not a rewording of the same words.
    fn apart_from(&self, other: &Hit) -> bool {
        self.form == other.form
            && (self.range.end <= other.range.start || other.range.end <= self.range.start)
    }
}

/// Per cause in [`classify`]: its strongest hit, and its strongest mention as another hit's
/// alternative.
#[derive(Default)]
struct Tally {
    direct: Option<usize>,
    alternative: Option<(f32, usize)>,
}

/// Classifies a pasted text. Never panics; reads at most about 512 KiB of it.
#[must_use]
pub fn classify(text: &str) -> Classification {
    let norm = Normalized::new(text);
    // Secrets as written (an escape sequence may have eaten a character of one in `norm`),
    // and as normalised (a key the terminal wrapped is whole in the joined form).
    let mut secrets = norm.secrets();
    secrets.extend(secret::secrets_in(&bounded(text)));
    let table = table();

    let hits: Vec<Hit> = candidates_for(&norm)
        .into_iter()
        .filter_map(|i| {
            let sig = &table.signatures[i];
            let (form, hay, range) = norm.find(sig.regex())?;
            let excerpt = excerpt(hay, range.clone(), &secrets);
            Some(Hit {
                sig,
                form,
                range,
                excerpt,
            })
        })
        .collect();

    if hits.is_empty() {
        return Classification {
            cause: None,
            confidence: 0.0,
            matched: None,
            candidates: nearest(&norm, table.hints(), &secrets),
            signature: None,
        };
    }

    // Per cause: its strongest hit, and its strongest mention as another hit's alternative.
    let mut tally: BTreeMap<CauseId, Tally> = BTreeMap::new();
    for (i, hit) in hits.iter().enumerate() {
        let t = tally.entry(hit.sig.cause).or_default();
        if t.direct.is_none_or(|b| hit.sig.weight > hits[b].sig.weight) {
            t.direct = Some(i);
        }
        for &(cause, weight) in &hit.sig.alternatives {
            let t = tally.entry(cause).or_default();
            if t.alternative.is_none_or(|(w, _)| weight > w) {
                t.alternative = Some((weight, i));
            }
        }
    }

    // (candidate, index of the hit behind it, whether that hit names the cause itself)
    let mut ranked: Vec<(Candidate, usize, bool)> = tally
        .into_iter()
        .filter_map(|(cause, t)| {
            let direct = t.direct.map(|b| {
                // Other signatures for the same cause, found elsewhere, add a little.
                let others = hits
                    .iter()
                    .filter(|h| h.sig.cause == cause && h.apart_from(&hits[b]))
                    .count();
                #[allow(clippy::cast_precision_loss)] // a handful of hits
                let score = hits[b].sig.weight + CORROBORATION_BONUS * others as f32;
                (score.min(0.99), b)
            });
            let (score, i, is_direct) = match (direct, t.alternative) {
                (Some((d, b)), Some((a, _))) if d >= a => (d, b, true),
                (Some((d, b)), None) => (d, b, true),
                (_, Some((a, i))) => (a, i, false),
                (None, None) => return None,
            };
            let candidate = Candidate {
                cause,
                score: round2(score),
                matched: hits[i].excerpt.clone(),
            };
            Some((candidate, i, is_direct))
        })
        .collect();
    // Best first; a direct match beats an equal alternative; then the stable id order.
    ranked.sort_by(|(a, _, ad), (b, _, bd)| {
        b.score
            .total_cmp(&a.score)
            .then(bd.cmp(ad))
            .then(a.cause.cmp(&b.cause))
    });

    // Alternatives always weigh less than their own hit, so the first is a direct match.
    let (top, top_hit, _) = &ranked[0];
    Classification {
        cause: Some(top.cause),
        confidence: top.score,
        matched: Some(top.matched.clone()),
        signature: Some(hits[*top_hit].sig.id.as_str()),
        candidates: ranked
            .into_iter()
            .take(MAX_CANDIDATES)
            .map(|(c, _, _)| c)
            .collect(),
    }
}

/// Indices of the signatures that match the ASCII fold of the text, and so may match the text.
/// A short text is tried with each pattern; a long one goes through the combined set, one pass
/// instead of one per pattern but costlier to start.
fn candidates_for(norm: &Normalized) -> Vec<usize> {
    let table = table();
    let lines = ascii_fold(&norm.lines);
    let joined = norm.joined().map(ascii_fold);
    let hays: Vec<&str> = std::iter::once(lines.as_ref())
        .chain(joined.as_deref())
        .collect();
    if norm.lines.len() < SET_THRESHOLD {
        return (0..table.signatures.len())
            .filter(|&i| hays.iter().any(|h| table.signatures[i].regex().is_match(h)))
            .collect();
    }
    let mut found: Vec<usize> = hays.iter().flat_map(|h| table.set().matches(h)).collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// For text no signature knows: causes named by its keywords, weakly scored.
fn nearest(norm: &Normalized, hints: &[Hint], secrets: &[String]) -> Vec<Candidate> {
    let mut scores: BTreeMap<CauseId, (f32, String)> = BTreeMap::new();
    for hint in hints {
        let Some(m) = hint.regex.find(&norm.lines) else {
            continue;
        };
        let word = sanitize(m.as_str(), secrets);
        for &(cause, weight) in &hint.causes {
            let entry = scores.entry(cause).or_insert((0.0, String::new()));
            entry.0 = (entry.0 + weight).min(HINT_CAP);
            if !entry.1.is_empty() {
                entry.1.push_str(", ");
            }
            entry.1.push_str(&word);
        }
    }
    let mut out: Vec<Candidate> = scores
        .into_iter()
        .map(|(cause, (score, matched))| Candidate {
            cause,
            score: round2(score),
            matched,
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.cause.cmp(&b.cause)));
    out.truncate(MAX_CANDIDATES);
    out
}

fn round2(x: f32) -> f32 {
    (x.clamp(0.0, 1.0) * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::table::compile;
    use super::*;

    #[test]
    fn every_pattern_compiles_and_weights_are_sane() {
        let sigs = signatures();
        assert!(sigs.len() >= 100, "{}", sigs.len());
        let mut ids = std::collections::BTreeSet::new();
        for s in sigs {
            assert!(ids.insert(s.id.as_str()), "duplicate signature id {}", s.id);
            assert!(s.weight > 0.0 && s.weight < 1.0, "{}", s.id);
            assert!(!s.example.is_empty(), "{}", s.id);
            for (cause, w) in &s.alternatives {
                assert!(
                    *w < s.weight,
                    "{}: alternative {cause} must weigh less",
                    s.id
                );
                assert_ne!(*cause, s.cause, "{}", s.id);
            }
        }
        assert!(!table().hints().is_empty());
    }

    #[test]
    fn both_engines_compile_every_pattern_and_read_every_example_alike() {
        for s in signatures() {
            // Compiling panics on a bad pattern, naming the signature.
            let (full, lite) = (s.regex(), s.lite());
            let norm = Normalized::new(&s.example);
            let in_full = norm.forms().any(|h| full.is_match(h));
            let in_lite = norm.forms().any(|h| lite.is_match(h));
            assert!(in_full, "{}: its example does not match", s.id);
            assert_eq!(
                in_full, in_lite,
                "{}: the engines disagree on its example",
                s.id
            );
            assert!(Reading::of(&s.example).has(&s.id), "{}", s.id);
            // And on every other signature's example (texts they must not confuse).
            for other in signatures() {
                let norm = Normalized::new(&other.example);
                assert_eq!(
                    norm.forms().any(|h| full.is_match(h)),
                    norm.forms().any(|h| lite.is_match(h)),
                    "{} on the example of {}",
                    s.id,
                    other.id
                );
            }
        }
    }

    #[test]
    fn patterns_are_ascii_but_for_the_middle_dot() {
        // The prefilter runs on an ASCII fold of the text; see `ascii_fold`.
        for s in signatures() {
            assert!(s.pattern.replace('·', "").is_ascii(), "{}", s.id);
        }
    }

    #[test]
    fn binary_looking_unicode_is_classified() {
        // How fast is a benchmark's question (this machine is shared): here only that it ends
        // with the right answer.
        let text: String = (0..200_000u32)
            .map(|i| char::from_u32(0x20 + (i.wrapping_mul(2_654_435_761) % 0x2000)).unwrap_or('x'))
            .collect();
        let c = classify(&format!("{text}\nInvalid bearer token"));
        assert_eq!(c.cause, Some(CauseId::TokenInvalid));
    }

    #[test]
    fn compile_handles_spaces_dots_and_classes() {
        let re = compile("not logged in · please run /login").unwrap();
        for text in [
            "Not logged in · Please run /login",
            "Not logged in - Please run /login",
            "not logged in | please run /login",
            "Not logged inPlease run/login",
            "Not logged in. Please run /login",
        ] {
            assert!(re.is_match(text), "{text}");
        }
        let re = compile("status[=: ]+401").unwrap();
        assert!(re.is_match("status: 401"));
        assert!(!re.is_match("status\t401"));
        let re = compile(r"[]a] b\ c").unwrap();
        assert!(re.is_match("] b c"));
    }

    #[test]
    fn ansi_and_frames_are_removed() {
        let n = Normalized::new(
            "\u{1b}[31m\u{1b}[1mError:\u{1b}[0m Not logged in\u{1b}]0;title\u{7} │\r\n│ · Please run /login │",
        );
        assert_eq!(n.lines, "Error: Not logged in\n· Please run /login");
        assert_eq!(n.joined, "Error: Not logged in· Please run /login");
    }

    #[test]
    fn textual_escapes_are_undone() {
        let n = Normalized::new(
            r#"{"result":"Invalid API key \u00b7 Fix external API key\n","x":"\u001b[31mred"}"#,
        );
        assert!(
            n.lines.contains("Invalid API key · Fix external API key"),
            "{}",
            n.lines
        );
        assert!(n.lines.contains("\"x\":\"red\""), "{}", n.lines);
    }

    #[test]
    fn word_wrapped_mid_word_still_matches() {
        let c = classify(
            "Failed to authenticate. API Error: 401 OAuth token has exp\n  ired. Please obtain a new token",
        );
        assert_eq!(c.cause, Some(CauseId::OauthExpired));
    }

    #[test]
    fn stronger_signature_wins_and_alternatives_follow() {
        let c = classify(
            "apiKeyHelper failed: exited 3: locked\nInvalid API key · Fix external API key",
        );
        assert_eq!(c.cause, Some(CauseId::ApiKeyHelperFailed));
        assert!(c.candidates.iter().any(|k| k.cause == CauseId::KeyInvalid));
        let scores: Vec<f32> = c.candidates.iter().map(|k| k.score).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
        assert_eq!(c.candidates[0].cause, CauseId::ApiKeyHelperFailed);
        assert_eq!(Some(c.confidence), c.candidates.first().map(|k| k.score));
    }

    #[test]
    fn corroboration_raises_confidence_a_little() {
        let one = classify("There's an issue with the selected model (claude-x).");
        let two = classify(
            "export ANTHROPIC_BASE_URL=https://gw.example.com/v1\nThere's an issue with the selected model (claude-x).",
        );
        assert_eq!(two.cause, Some(CauseId::BaseUrlInvalid));
        assert!(two.confidence > one.confidence);
        // A generic signature on the same words is not a second witness.
        let same = classify("Invalid API key · Fix external API key");
        assert!((same.confidence - 0.9).abs() < 1e-6, "{}", same.confidence);
    }

    #[test]
    #[allow(clippy::float_cmp)] // exact: no match scores exactly zero, not "about zero"
    fn unknown_text_is_an_honest_no_match() {
        let c = classify("segmentation fault (core dumped) after 401 from the proxy");
        assert_eq!(c.cause, None);
        assert_eq!(c.confidence, 0.0);
        assert_eq!(c.matched, None);
        assert!(!c.candidates.is_empty());
        assert!(c.candidates.iter().all(|k| k.score <= HINT_CAP));
        let empty = classify("   \n\t ");
        assert_eq!(empty.cause, None);
        assert!(empty.candidates.is_empty());
    }

    #[test]
    fn excerpt_keeps_the_line_and_masks_keys() {
        let key = "sk-ant-api03-FAKEFAKEFAKEFAKEFAKEFAKE-abcd";
        let c = classify(&format!(
            "$ ANTHROPIC_API_KEY={key} claude -p hi\nInvalid API key · Fix external API key\n$ "
        ));
        assert_eq!(
            c.matched.as_deref(),
            Some("Invalid API key · Fix external API key")
        );
        let c = classify(&format!("x-api-key: {key} rejected: invalid x-api-key"));
        let m = c.matched.unwrap();
        assert!(!m.contains("FAKEFAKE"), "{m}");
    }

    #[test]
    fn wrapped_key_pieces_are_masked() {
        let text = "Invalid API key · Fix external API key sk-ant-api03-AAAAAAAA\nBBBBBBBBCCCCCCCC-zz invalid x-api-key";
        let c = classify(text);
        let all = serde_json::to_string(&c).unwrap();
        assert!(!all.contains("BBBBBBBBCCCCCCCC"), "{all}");
    }

    #[test]
    fn line_numbers_are_not_status_codes() {
        let c = classify(
            "    at Ab.run (file:///opt/claude/cli.js:407:12)\n    at cli.js:429:3\n    at cli.js:401:9",
        );
        assert_eq!(c.cause, None, "{:?}", c.candidates);
    }

    #[test]
    fn huge_input_is_bounded_and_the_tail_is_read() {
        let mut text = "noise line\n".repeat(2_000_000);
        text.push_str("Credit balance is too low\n");
        let c = classify(&text);
        assert_eq!(c.cause, Some(CauseId::CreditLow));
    }

    #[test]
    fn long_random_tokens_are_masked() {
        let out = sanitize(
            "token=gw-FAKEgatewayTOKEN4444444444444444-Gt03 path=/usr/lib/node_modules/x",
            &[],
        );
        assert!(!out.contains("FAKEgateway"), "{out}");
        assert!(out.contains("/usr/lib/node_modules/x"));
    }
}
