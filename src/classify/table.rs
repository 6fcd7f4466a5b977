//! The signature table: `assets/signatures.json` compiled once, and what a short text reads
//! as against it ([`Reading`], for the live check).

use super::normalize::Normalized;
use crate::ids::CauseId;
use regex::{Regex, RegexSet};
use serde::Deserialize;
use std::sync::OnceLock;

const SIGNATURES_JSON: &str = include_str!("../../assets/signatures.json");

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
    pub(super) regex: Regex,
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
    pub(super) hints: Vec<Hint>,
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
                regex: compile(&s.pattern)
                    .unwrap_or_else(|e| panic!("signature {}: bad pattern: {e}", s.id)),
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
            })
            .collect();
        let hints = file
            .hints
            .into_iter()
            .map(|h| Hint {
                regex: compile(&h.pattern)
                    .unwrap_or_else(|e| panic!("hint {}: bad pattern: {e}", h.pattern)),
                causes: h.causes.into_iter().map(|a| (a.cause, a.weight)).collect(),
            })
            .collect();
        Table {
            signatures,
            set: OnceLock::new(),
            hints,
        }
    })
}

impl Table {
    /// All signature patterns at once, in file order.
    pub(super) fn set(&self) -> &RegexSet {
        self.set.get_or_init(|| {
            RegexSet::new(self.signatures.iter().map(|s| s.regex.as_str()))
                .expect("the signature patterns compile one by one, so together too")
        })
    }
}

/// Compiles the table on a thread of its own, if nobody has yet: compiling every pattern takes
/// tens of milliseconds, which a caller about to wait on the network (the live check) can
/// overlap with the round trip instead of adding after it.
pub fn warm_up_in_background() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        let _ = std::thread::Builder::new()
            .name("signatures".into())
            .spawn(|| {
                table();
            });
    });
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
        let mut hits: Vec<&'static Signature> = signatures()
            .iter()
            .filter(|s| norm.find(&s.regex).is_some())
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
    Regex::new(&out)
}
