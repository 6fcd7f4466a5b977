//! The pasted-error classifier behind `explain`: maps whatever a user copied out of a terminal
//! (colours, wrapped lines, prompts, stack traces, JSON or HTML bodies) to a root cause.
//!
//! The signatures are data, in `assets/signatures.json`. Nothing here panics on any input, and
//! the work is bounded: only the head and tail of a huge paste are read.

use crate::ids::CauseId;
use crate::secret;
use regex::{Regex, RegexSet};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::OnceLock;

const SIGNATURES_JSON: &str = include_str!("../assets/signatures.json");

/// Bytes read from the start of a huge input (the command that failed is usually there).
const HEAD_BYTES: usize = 64 * 1024;
/// Bytes read from the end of a huge input (the final error is usually there).
const TAIL_BYTES: usize = 448 * 1024;
/// Context kept on each side of a match in the excerpt.
const EXCERPT_CONTEXT: usize = 100;
/// Longest excerpt, in bytes (before the ellipses).
const EXCERPT_MAX: usize = 320;
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
    regex: Regex,
}

struct Hint {
    regex: Regex,
    causes: Vec<(CauseId, f32)>,
}

struct Table {
    signatures: Vec<Signature>,
    /// All signature patterns at once: one pass finds which ones match at all.
    set: RegexSet,
    hints: Vec<Hint>,
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

fn table() -> &'static Table {
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
        let set = RegexSet::new(signatures.iter().map(|s| s.regex.as_str()))
            .expect("the signature patterns compile one by one, so together too");
        Table {
            signatures,
            set,
            hints,
        }
    })
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
fn compile(pattern: &str) -> Result<Regex, regex::Error> {
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
            let (form, hay, range) = norm.find(&sig.regex)?;
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
            candidates: nearest(&norm, &table.hints, &secrets),
            signature: None,
        };
    }

    // Per cause: its strongest hit, and its strongest mention as another hit's alternative.
    #[derive(Default)]
    struct Tally {
        direct: Option<usize>,
        alternative: Option<(f32, usize)>,
    }
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
            .filter(|&i| hays.iter().any(|h| table.signatures[i].regex.is_match(h)))
            .collect();
    }
    let mut found: Vec<usize> = hays.iter().flat_map(|h| table.set.matches(h)).collect();
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

/// The input in two cleaned forms. `lines` keeps line breaks (one per line, whitespace
/// collapsed, frame characters trimmed); `joined` glues the lines together with nothing in
/// between, so that a message the terminal wrapped in the middle of a word still matches.
struct Normalized {
    lines: String,
    joined: String,
}

impl Normalized {
    fn new(input: &str) -> Self {
        let clean = clean(&bounded(input));
        let mut lines = String::with_capacity(clean.len());
        let mut joined = String::with_capacity(clean.len());
        for raw in clean.split('\n') {
            let line = tidy_line(raw);
            if line.is_empty() {
                continue;
            }
            if !lines.is_empty() {
                lines.push('\n');
            }
            lines.push_str(&line);
            joined.push_str(&line);
        }
        Self { lines, joined }
    }

    /// The joined form, when it differs from the other (the text has several lines).
    fn joined(&self) -> Option<&str> {
        self.lines.contains('\n').then_some(self.joined.as_str())
    }

    /// The first match, preferring the form with line breaks: (form, its text, where).
    fn find(&self, regex: &Regex) -> Option<(usize, &str, Range<usize>)> {
        std::iter::once(self.lines.as_str())
            .chain(self.joined())
            .enumerate()
            .find_map(|(form, hay)| regex.find(hay).map(|m| (form, hay, m.range())))
    }

    /// Secret-looking values in the text, and in its joined form: a key the terminal wrapped
    /// is whole there, so its pieces can be recognised in an excerpt of the other form.
    fn secrets(&self) -> Vec<String> {
        secret::secrets_in(&self.lines)
    }
}

/// Replaces every non-ASCII character with an ASCII stand-in: middle dots and dashes (which
/// patterns know as separators) with `-`, anything else with `~`. Used to pick the signatures
/// worth locating in the real text: automatons stay small on ASCII. No pattern names another
/// non-ASCII character (a test checks it) and `clean` already made all spaces ASCII, so a
/// pattern that matches the real text matches its fold too (the reverse need not hold).
fn ascii_fold(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() {
        return text.into();
    }
    text.chars()
        .map(|c| match c {
            c if c.is_ascii() => c,
            '·' | '•' | '∙' | '⋅' | '–' | '—' => '-',
            _ => '~',
        })
        .collect::<String>()
        .into()
}

/// The part of a huge input worth reading: its head and its tail.
fn bounded(input: &str) -> std::borrow::Cow<'_, str> {
    if input.len() <= HEAD_BYTES + TAIL_BYTES {
        return input.into();
    }
    let mut head_end = HEAD_BYTES;
    while !input.is_char_boundary(head_end) {
        head_end -= 1;
    }
    let mut tail_start = input.len() - TAIL_BYTES;
    while !input.is_char_boundary(tail_start) {
        tail_start += 1;
    }
    format!("{}\n{}", &input[..head_end], &input[tail_start..]).into()
}

/// Strips terminal escapes and control characters, turns escaped text (`\u001b[31m`, `\"`,
/// `\u00b7`, `\n` inside JSON strings, a few HTML entities) into what it stands for, and
/// folds typographic quotes and odd spaces into plain ones.
fn clean(input: &str) -> String {
    let unescaped = unescape(input);
    let mut out = String::with_capacity(unescaped.len());
    let mut chars = unescaped.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            '\u{9b}' => skip_csi(&mut chars),
            '\r' => {
                // A lone CR (progress output) starts a new line too.
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            // Every Unicode space becomes an ASCII one, so `\s` needs no Unicode (see
            // `ascii_fold`).
            '\n' | '\u{85}' | '\u{2028}' | '\u{2029}' => out.push('\n'),
            '\t'
            | '\u{b}'
            | '\u{c}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}' => out.push(' '),
            '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' => {}
            '‘' | '’' | '‚' | '‛' | '′' => out.push('\''),
            '“' | '”' | '„' | '‟' => out.push('"'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// Skips an escape sequence after ESC: CSI, OSC/DCS-like strings, or a short one.
fn skip_escape(chars: &mut Chars<'_>) {
    match chars.peek() {
        Some('[') => {
            chars.next();
            skip_csi(chars);
        }
        Some(']' | 'P' | 'X' | '^' | '_') => {
            chars.next();
            // Ends at BEL or ESC \; bounded, and never past a line break, so a stray ESC ]
            // cannot eat the rest of the paste.
            for _ in 0..4096 {
                match chars.peek() {
                    None | Some('\n') => return,
                    Some('\u{7}') => {
                        chars.next();
                        return;
                    }
                    Some('\u{1b}') => {
                        chars.next();
                        if chars.peek() == Some(&'\\') {
                            chars.next();
                        }
                        return;
                    }
                    Some(_) => {
                        chars.next();
                    }
                }
            }
        }
        _ => {
            while chars
                .peek()
                .is_some_and(|c| ('\u{20}'..='\u{2f}').contains(c))
            {
                chars.next();
            }
            if chars
                .peek()
                .is_some_and(|c| ('\u{30}'..='\u{7e}').contains(c))
            {
                chars.next();
            }
        }
    }
}

/// Skips the rest of a CSI sequence: parameters, intermediates, one final byte.
fn skip_csi(chars: &mut Chars<'_>) {
    for _ in 0..64 {
        match chars.peek() {
            Some(c) if ('\u{20}'..='\u{3f}').contains(c) => {
                chars.next();
            }
            Some(c) if ('\u{40}'..='\u{7e}').contains(c) => {
                chars.next();
                return;
            }
            _ => return,
        }
    }
}

/// Undoes the escaping of text that went through JSON, logs or HTML.
fn unescape(input: &str) -> String {
    const PAIRS: &[(&str, &str)] = &[
        ("\\u001b", "\u{1b}"),
        ("\\u001B", "\u{1b}"),
        ("\\x1b", "\u{1b}"),
        ("\\x1B", "\u{1b}"),
        ("\\033", "\u{1b}"),
        ("\\e[", "\u{1b}["),
        ("^[[", "\u{1b}["),
        ("\\u00b7", "·"),
        ("\\u00B7", "·"),
        ("\\u2019", "'"),
        ("\\u2014", "—"),
        ("\\u003c", "<"),
        ("\\u003e", ">"),
        ("\\u0026", "&"),
        ("\\\"", "\""),
        ("\\r\\n", "\n"),
        ("\\n", "\n"),
        ("\\t", " "),
        ("&#39;", "'"),
        ("&#x27;", "'"),
        ("&quot;", "\""),
        ("&amp;", "&"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&nbsp;", " "),
    ];
    // One pass: only `\`, `^` and `&` can start a pair.
    let mut out = String::with_capacity(input.len());
    let mut rest = input;
    while let Some(pos) = rest.find(['\\', '^', '&']) {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        if let Some((from, to)) = PAIRS.iter().find(|(from, _)| rest.starts_with(from)) {
            out.push_str(to);
            rest = &rest[from.len()..];
        } else {
            // The special character is ASCII, so slicing after it stays on a boundary.
            out.push_str(&rest[..1]);
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// Characters that frame terminal output (boxes, tree branches, bullets, prompt marks): noise
/// at the edges of a line, and in the way of joining a wrapped message.
fn is_frame(c: char) -> bool {
    c.is_whitespace()
        || ('\u{2500}'..='\u{257f}').contains(&c)
        || matches!(
            c,
            '⎿' | '⏺'
                | '●'
                | '•'
                | '✗'
                | '✘'
                | '✔'
                | '✓'
                | '⚠'
                | '❯'
                | '›'
                | '>'
                | '|'
                | '▌'
                | '▐'
        )
}

fn tidy_line(line: &str) -> String {
    let trimmed = line.trim_matches(is_frame);
    let mut out = String::with_capacity(trimmed.len());
    let mut space = false;
    for c in trimmed.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// The matched text with some context from its line, secrets masked, at most ~320 bytes.
fn excerpt(hay: &str, m: Range<usize>, secrets: &[String]) -> String {
    let line_start = hay[..m.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = hay[m.end..].find('\n').map_or(hay.len(), |i| m.end + i);
    // Context shrinks as the match grows; a match longer than the limit is cut.
    let context = EXCERPT_MAX.saturating_sub(m.len()) / 2;
    let context = context.min(EXCERPT_CONTEXT);
    let mut start = line_start.max(m.start.saturating_sub(context));
    let mut end = line_end.min(m.end + context).min(start + EXCERPT_MAX);
    while !hay.is_char_boundary(start) {
        start += 1;
    }
    while !hay.is_char_boundary(end) {
        end -= 1;
    }
    // Do not cut a word (or a key) in half at the edges of the window.
    if start > line_start
        && !hay[..start].ends_with(char::is_whitespace)
        && let Some(i) = hay[start..m.start.max(start)].find(char::is_whitespace)
    {
        start += i + 1;
    }
    let mut end = end.max(start);
    if end < line_end && !hay[end..].starts_with(char::is_whitespace) {
        let keep = m.start.max(start);
        if let Some(i) = hay[keep..end].rfind(char::is_whitespace) {
            end = keep + i;
        }
    }
    let mut text = hay[start..end].trim().replace('\n', " ⏎ ");
    if start > line_start {
        text.insert(0, '…');
    }
    if end < line_end {
        text.push('…');
    }
    sanitize(&text, secrets)
}

/// Masks secrets: the shared scrubber with the secrets found in the input (whole and every
/// piece of 12 or more characters), then long random-looking tokens it does not know (AWS
/// secret keys, gateway tokens, JWTs), judged with `+` and `/` as part of a token.
fn sanitize(text: &str, secrets: &[String]) -> String {
    let known: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let scrubbed = secret::scrub(text, &known);
    let mut out = String::with_capacity(scrubbed.len());
    let mut rest = scrubbed.as_str();
    while !rest.is_empty() {
        let token_len = rest.find(|c: char| !is_token_char(c)).unwrap_or(rest.len());
        if token_len == 0 {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let token = &rest[..token_len];
        if looks_random(token) {
            out.push_str(&secret::mask(token));
        } else {
            out.push_str(token);
        }
        rest = &rest[token_len..];
    }
    out
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '/')
}

/// A long token mixing upper case, lower case and digits, and not a path, URL or UUID.
fn looks_random(token: &str) -> bool {
    token.len() >= 32
        && !token.contains("//")
        && !token.starts_with('/')
        && token.chars().any(|c| c.is_ascii_uppercase())
        && token.chars().any(|c| c.is_ascii_lowercase())
        && token.chars().any(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
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
        assert!(!table().hints.is_empty());
    }

    #[test]
    fn patterns_are_ascii_but_for_the_middle_dot() {
        // The prefilter runs on an ASCII fold of the text; see `ascii_fold`.
        for s in signatures() {
            assert!(s.pattern.replace('·', "").is_ascii(), "{}", s.id);
        }
    }

    #[test]
    fn binary_looking_unicode_is_fast_enough() {
        let text: String = (0..200_000u32)
            .map(|i| char::from_u32(0x20 + (i.wrapping_mul(2_654_435_761) % 0x2000)).unwrap_or('x'))
            .collect();
        let started = std::time::Instant::now();
        let c = classify(&format!("{text}\nInvalid bearer token"));
        assert_eq!(c.cause, Some(CauseId::TokenInvalid));
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
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
