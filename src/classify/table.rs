//! The signature table: `assets/signatures.json`, and what a short text reads as against it
//! ([`Reading`], for the live check).
//!
//! Each pattern is compiled when first needed, in one of two forms. The full `regex` engine
//! serves `explain` on pastes of any size. A `regex-lite` form, which compiles all patterns in
//! a few milliseconds instead of tens of them, reads the short answers of the live check,
//! whose run would otherwise pay for compiling every pattern.

use super::normalize::Normalized;
use crate::ids::CauseId;
use regex::{Regex, RegexSet};
use serde::Deserialize;
use std::sync::OnceLock;

const SIGNATURES_JSON: &str = include_str!("../../assets/signatures.json");
/// Texts up to this many bytes are read with `regex-lite` by [`Reading::of`].
const LITE_LIMIT: usize = 16 * 1024;

/// One known error text.
#[derive(Debug)]
pub struct Signature {
    pub id: String,
    pub cause: CauseId,
    /// How specific the text is, 0..=1.
    pub weight: f32,
    /// A real (or realistic) text it must recognise; tests hold it to that.
    pub example: String,
    /// Why the text means this cause, when that is not obvious.
    pub note: String,
    /// Other causes the same text can come from, with lower weights.
    pub alternatives: Vec<(CauseId, f32)>,
    /// The source pattern, as written in the asset.
    pub pattern: String,
    regex: OnceLock<Regex>,
    lite: OnceLock<regex_lite::Regex>,
}

impl Signature {
    /// The pattern for the full engine (compiled on first use; every pattern is proven to
    /// compile by a test).
    pub(super) fn regex(&self) -> &Regex {
        self.regex.get_or_init(|| {
            compile(&self.pattern)
                .unwrap_or_else(|e| panic!("signature {}: bad pattern: {e}", self.id))
        })
    }

    /// The same pattern for `regex-lite`: quick to compile, for short texts.
    pub(super) fn lite(&self) -> &regex_lite::Regex {
        self.lite.get_or_init(|| {
            regex_lite::Regex::new(&translate(&self.pattern))
                .unwrap_or_else(|e| panic!("signature {}: bad pattern: {e}", self.id))
        })
    }
}

pub(super) struct Hint {
    pub(super) regex: Regex,
    pub(super) causes: Vec<(CauseId, f32)>,
}

pub(super) struct Table {
    pub(super) signatures: Vec<Signature>,
    /// All signature patterns at once: one pass finds which ones match at all.
    /// Built on first use (only long pastes need it): as costly to build as every pattern.
    set: OnceLock<RegexSet>,
    hints: OnceLock<Vec<Hint>>,
    hint_specs: Vec<HintSpec>,
}

#[derive(Deserialize)]
struct SignaturesFile {
    signatures: Vec<SignatureSpec>,
    hints: Vec<HintSpec>,
}

#[derive(Deserialize)]
struct SignatureSpec {
    id: String,
    cause: CauseId,
    weight: f32,
    pattern: String,
    example: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    alternatives: Vec<Weighted>,
}

#[derive(Deserialize)]
struct HintSpec {
    pattern: String,
    causes: Vec<Weighted>,
}

#[derive(Deserialize)]
struct Weighted {
    cause: CauseId,
    weight: f32,
}

pub(super) fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let file: SignaturesFile = serde_json::from_str(SIGNATURES_JSON)
            .expect("assets/signatures.json is valid (checked by tests)");
        let signatures: Vec<Signature> = file
            .signatures
            .into_iter()
            .map(|s| Signature {
                id: s.id,
                cause: s.cause,
                weight: s.weight,
                example: s.example,
                note: s.note,
                alternatives: s
                    .alternatives
                    .into_iter()
                    .map(|a| (a.cause, a.weight))
                    .collect(),
                pattern: s.pattern,
                regex: OnceLock::new(),
                lite: OnceLock::new(),
            })
            .collect();
        Table {
            signatures,
            set: OnceLock::new(),
            hints: OnceLock::new(),
            hint_specs: file.hints,
        }
    })
}

impl Table {
    /// All signature patterns at once, in file order.
    pub(super) fn set(&self) -> &RegexSet {
        self.set.get_or_init(|| {
            RegexSet::new(self.signatures.iter().map(|s| s.regex().as_str()))
                .expect("the signature patterns compile one by one, so together too")
        })
    }

    /// The keyword hints, compiled on first use.
    pub(super) fn hints(&self) -> &[Hint] {
        self.hints.get_or_init(|| {
            self.hint_specs
                .iter()
                .map(|h| Hint {
                    regex: compile(&h.pattern)
                        .unwrap_or_else(|e| panic!("hint {}: bad pattern: {e}", h.pattern)),
                    causes: h.causes.iter().map(|a| (a.cause, a.weight)).collect(),
                })
                .collect()
        })
    }
}

/// Every signature, in file order.
#[must_use]
pub fn signatures() -> &'static [Signature] {
    &table().signatures
}

/// The signature with this id.
#[must_use]
pub fn signature(id: &str) -> Option<&'static Signature> {
    signatures().iter().find(|s| s.id == id)
}

/// What a short text (a server's error message, a transport error) says, for the live check:
/// every signature it matches, strongest first. The live check branches on these instead of
/// keeping its own substrings, so one table decides what a text means for `check` and `explain`.
#[derive(Debug, Default)]
pub struct Reading {
    hits: Vec<&'static Signature>,
}

impl Reading {
    /// The signatures `text` matches (cleaned the same way as a paste).
    #[must_use]
    pub fn of(text: &str) -> Self {
        let norm = Normalized::new(text);
        // Server answers and error chains are short: the quick-to-compile engine. A long text
        // goes to the full one, whose matching time does not depend on the pattern.
        let short = norm.lines.len() <= LITE_LIMIT;
        let mut hits: Vec<&'static Signature> = signatures()
            .iter()
            .filter(|s| {
                if short {
                    norm.forms().any(|hay| s.lite().is_match(hay))
                } else {
                    norm.find(s.regex()).is_some()
                }
            })
            .collect();
        hits.sort_by(|a, b| b.weight.total_cmp(&a.weight));
        Self { hits }
    }

    /// Whether the signature with this id matched.
    #[must_use]
    pub fn has(&self, id: &str) -> bool {
        debug_assert!(signature(id).is_some(), "unknown signature id {id}");
        self.hits.iter().any(|s| s.id == id)
    }

    /// Whether any of these signatures matched.
    #[must_use]
    pub fn any(&self, ids: &[&str]) -> bool {
        ids.iter().any(|id| self.has(id))
    }

    /// The cause of the strongest match.
    #[must_use]
    pub fn cause(&self) -> Option<CauseId> {
        self.hits.first().map(|s| s.cause)
    }

    /// Whether some match names this cause.
    #[must_use]
    pub fn names(&self, cause: CauseId) -> bool {
        self.hits.iter().any(|s| s.cause == cause)
    }
}

/// Compiles a signature pattern: case-insensitive, `.` crosses lines, a space matches any
/// whitespace or none (wrapped lines lose or keep it), `·` matches any separator the CLI's
/// middle dot turns into when copied.
pub(super) fn compile(pattern: &str) -> Result<Regex, regex::Error> {
    Regex::new(&translate(pattern))
}

/// The pattern as a regular expression for either engine (see [`compile`]).
fn translate(pattern: &str) -> String {
    let mut out = String::from("(?is)");
    let mut in_class = false;
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push(c);
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
                // A `]` right after `[` or `[^` is a literal, not the end of the class.
                let rest = chars.as_str();
                let skip = if rest.starts_with("^]") {
                    2
                } else {
                    usize::from(rest.starts_with(']'))
                };
                for _ in 0..skip {
                    if let Some(n) = chars.next() {
                        out.push(n);
                    }
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            ' ' if !in_class => out.push_str(r"(?:\s*)"),
            '·' if !in_class => out.push_str(r"(?:\s*[·•∙⋅|:.\-–—]?\s*)"),
            _ => out.push(c),
        }
    }
    out
}
