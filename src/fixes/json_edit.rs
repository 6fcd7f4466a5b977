//! Structural JSON edits that keep the rest of the file byte for byte: a small span-aware scanner
//! finds the member or element in the original text and the edit cuts or inserts only there.
//! A missing member is inserted in its object's own layout; a duplicated key loses every copy.
//! The result is re-parsed and must equal the intended value; only if the scanner cannot do an
//! edit safely (a shape it does not know) is the value re-serialised (2-space indent, key order
//! kept), and the fix says so.

use serde_json::{Map, Value};

/// One change to a JSON document. Paths name object keys from the top.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JsonOp {
    /// Remove the member at `path` (its last element is the key).
    Remove(Vec<String>),
    /// Remove every occurrence of a string from the array at `path`.
    RemoveString(Vec<String>, String),
    /// Append a string to the array at `path`, creating objects and the array when missing.
    PushString(Vec<String>, String),
}

/// Why an edit could not be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum JsonEditError {
    #[error("is not valid JSON: {0}")]
    Invalid(String),
    #[error("does not have the expected shape: {0}")]
    Shape(String),
}

/// How the result was produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EditMethod {
    /// Only the edited spans changed.
    InPlace,
    /// The whole document was re-serialised.
    Reserialised,
}

/// Applies `ops` to JSON `text`. A leading BOM and the trailing newline are kept.
pub fn edit(text: &str, ops: &[JsonOp]) -> Result<(String, EditMethod), JsonEditError> {
    let (bom, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", text),
    };
    let original: Value =
        serde_json::from_str(body).map_err(|e| JsonEditError::Invalid(e.to_string()))?;
    let mut expected = original;
    for op in ops {
        apply_to_value(&mut expected, op)?;
    }
    let in_place = ops
        .iter()
        .try_fold(body.to_string(), |current, op| apply_to_text(&current, op));
    if let Some(result) = in_place
        && serde_json::from_str::<Value>(&result).ok().as_ref() == Some(&expected)
    {
        return Ok((format!("{bom}{result}"), EditMethod::InPlace));
    }
    let mut out =
        serde_json::to_string_pretty(&expected).map_err(|e| JsonEditError::Shape(e.to_string()))?;
    if body.ends_with('\n') {
        out.push('\n');
    }
    Ok((format!("{bom}{out}"), EditMethod::Reserialised))
}

// ---- the intended value ----

fn object_at<'v>(
    value: &'v mut Value,
    path: &[String],
    create: bool,
) -> Result<Option<&'v mut Map<String, Value>>, JsonEditError> {
    let mut current = value;
    for key in path {
        let Value::Object(map) = current else {
            return Err(JsonEditError::Shape(format!(
                "`{key}` is inside a non-object"
            )));
        };
        if !map.contains_key(key) {
            if !create {
                return Ok(None);
            }
            map.insert(key.clone(), Value::Object(Map::new()));
        }
        current = map.get_mut(key).expect("just checked");
    }
    match current {
        Value::Object(map) => Ok(Some(map)),
        _ => Err(JsonEditError::Shape(format!(
            "`{}` is not an object",
            path.join(".")
        ))),
    }
}

fn apply_to_value(value: &mut Value, op: &JsonOp) -> Result<(), JsonEditError> {
    match op {
        JsonOp::Remove(path) => {
            let (key, parent) = path.split_last().ok_or_else(|| shape("empty path"))?;
            if let Some(map) = object_at(value, parent, false)? {
                map.shift_remove(key);
            }
        }
        JsonOp::RemoveString(path, s) => {
            let (key, parent) = path.split_last().ok_or_else(|| shape("empty path"))?;
            if let Some(map) = object_at(value, parent, false)?
                && let Some(array) = map.get_mut(key)
            {
                let Value::Array(items) = array else {
                    return Err(shape(&format!("`{}` is not an array", path.join("."))));
                };
                items.retain(|v| v.as_str() != Some(s));
            }
        }
        JsonOp::PushString(path, s) => {
            let (key, parent) = path.split_last().ok_or_else(|| shape("empty path"))?;
            let map = object_at(value, parent, true)?.ok_or_else(|| shape("no parent"))?;
            let array = map
                .entry(key.clone())
                .or_insert_with(|| Value::Array(Vec::new()));
            let Value::Array(items) = array else {
                return Err(shape(&format!("`{}` is not an array", path.join("."))));
            };
            items.push(Value::String(s.clone()));
        }
    }
    Ok(())
}

fn shape(what: &str) -> JsonEditError {
    JsonEditError::Shape(what.to_string())
}

// ---- the span scanner ----

#[derive(Debug)]
struct Node {
    start: usize,
    end: usize,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Object(Vec<Member>),
    Array(Vec<Node>),
    String(String),
    Other,
}

#[derive(Debug)]
struct Member {
    key: String,
    key_start: usize,
    value: Node,
}

struct Scanner<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
}

impl<'t> Scanner<'t> {
    fn parse_document(text: &'t str) -> Option<Node> {
        let mut s = Scanner {
            text,
            bytes: text.as_bytes(),
            pos: 0,
        };
        s.skip_ws();
        let node = s.value(0)?;
        s.skip_ws();
        (s.pos == s.bytes.len()).then_some(node)
    }

    fn skip_ws(&mut self) {
        while self
            .bytes
            .get(self.pos)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Option<Node> {
        if depth > 128 {
            return None;
        }
        let start = self.pos;
        let kind = match self.bytes.get(self.pos)? {
            b'{' => self.object(depth)?,
            b'[' => self.array(depth)?,
            b'"' => Kind::String(self.string()?),
            _ => {
                while self.bytes.get(self.pos).is_some_and(|b| {
                    !matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r')
                }) {
                    self.pos += 1;
                }
                if self.pos == start {
                    return None;
                }
                Kind::Other
            }
        };
        Some(Node {
            start,
            end: self.pos,
            kind,
        })
    }

    fn string(&mut self) -> Option<String> {
        let start = self.pos;
        self.pos += 1;
        loop {
            match self.bytes.get(self.pos)? {
                b'\\' => self.pos += 2,
                b'"' => {
                    self.pos += 1;
                    break;
                }
                _ => self.pos += 1,
            }
        }
        serde_json::from_str(self.text.get(start..self.pos)?).ok()
    }

    fn object(&mut self, depth: usize) -> Option<Kind> {
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Some(Kind::Object(members));
        }
        loop {
            self.skip_ws();
            let key_start = self.pos;
            if self.bytes.get(self.pos) != Some(&b'"') {
                return None;
            }
            let key = self.string()?;
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b':') {
                return None;
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value(depth + 1)?;
            members.push(Member {
                key,
                key_start,
                value,
            });
            self.skip_ws();
            match self.bytes.get(self.pos)? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    return Some(Kind::Object(members));
                }
                _ => return None,
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<Kind> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Some(Kind::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.bytes.get(self.pos)? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Some(Kind::Array(items));
                }
                _ => return None,
            }
        }
    }
}

/// The node at `path` (object keys only); the last member wins, as in `serde_json`.
fn node_at<'n>(root: &'n Node, path: &[String]) -> Option<&'n Node> {
    path.iter().try_fold(root, |node, key| match &node.kind {
        Kind::Object(members) => members
            .iter()
            .rev()
            .find(|m| &m.key == key)
            .map(|m| &m.value),
        _ => None,
    })
}

/// The byte range to cut so that item `i` of a container disappears with its comma.
/// `starts` and `ends` are the items' spans; `open`/`close` the container's brackets.
fn cut_range(
    starts: &[usize],
    ends: &[usize],
    i: usize,
    open: usize,
    close: usize,
) -> (usize, usize) {
    let n = starts.len();
    if n == 1 {
        (open + 1, close - 1)
    } else if i + 1 < n {
        (starts[i], starts[i + 1])
    } else {
        (ends[i - 1], ends[i])
    }
}

fn splice(text: &str, (from, to): (usize, usize), with: &str) -> String {
    format!("{}{with}{}", &text[..from], &text[to..])
}

fn apply_to_text(text: &str, op: &JsonOp) -> Option<String> {
    let root = Scanner::parse_document(text)?;
    match op {
        JsonOp::Remove(path) => {
            let (key, parent) = path.split_last()?;
            // Nothing there: nothing to remove (the re-parse check confirms it).
            let Some(node) = node_at(&root, parent) else {
                return Some(text.to_string());
            };
            let Kind::Object(members) = &node.kind else {
                return None;
            };
            let Some(i) = members.iter().position(|m| &m.key == key) else {
                return Some(text.to_string());
            };
            let starts: Vec<usize> = members.iter().map(|m| m.key_start).collect();
            let ends: Vec<usize> = members.iter().map(|m| m.value.end).collect();
            let once = splice(text, cut_range(&starts, &ends, i, node.start, node.end), "");
            // A duplicated key: every copy goes, as the value model says.
            apply_to_text(&once, op)
        }
        JsonOp::RemoveString(path, s) => {
            let Some(node) = node_at(&root, path) else {
                return Some(text.to_string());
            };
            let Kind::Array(items) = &node.kind else {
                return None;
            };
            let Some(i) = items
                .iter()
                .position(|n| matches!(&n.kind, Kind::String(v) if v == s))
            else {
                return Some(text.to_string());
            };
            let starts: Vec<usize> = items.iter().map(|n| n.start).collect();
            let ends: Vec<usize> = items.iter().map(|n| n.end).collect();
            let once = splice(text, cut_range(&starts, &ends, i, node.start, node.end), "");
            // Further occurrences: once more on the new text.
            apply_to_text(&once, op)
        }
        JsonOp::PushString(path, s) => {
            let Some(node) = node_at(&root, path) else {
                return insert_missing(text, &root, path, s);
            };
            let Kind::Array(items) = &node.kind else {
                return None;
            };
            let literal = serde_json::to_string(s).ok()?;
            match items.as_slice() {
                [] => Some(splice(text, (node.start + 1, node.end - 1), &literal)),
                [.., prev, last] => {
                    let sep = &text[prev.end..last.start];
                    Some(splice(
                        text,
                        (last.end, last.end),
                        &format!("{sep}{literal}"),
                    ))
                }
                [only] => {
                    let lead = &text[node.start + 1..only.start];
                    let sep = if lead.contains('\n') {
                        format!(",{lead}")
                    } else {
                        ", ".to_string()
                    };
                    Some(splice(
                        text,
                        (only.end, only.end),
                        &format!("{sep}{literal}"),
                    ))
                }
            }
        }
    }
}

/// Adds the missing part of `path` (objects, then the array holding `s`) as one new member of
/// the deepest object that exists, in that object's own layout. Every other byte stays.
fn insert_missing(text: &str, root: &Node, path: &[String], s: &str) -> Option<String> {
    let existing = (0..path.len())
        .rev()
        .find(|&n| node_at(root, &path[..n]).is_some())?;
    let parent = node_at(root, &path[..existing])?;
    let Kind::Object(members) = &parent.kind else {
        return None;
    };
    // The new member's value: the remaining objects around a one-string array.
    let value = path[existing + 1..].iter().rev().fold(
        Value::Array(vec![Value::String(s.to_string())]),
        |inner, key| {
            let mut map = Map::new();
            map.insert(key.clone(), inner);
            Value::Object(map)
        },
    );
    let key = serde_json::to_string(&path[existing]).ok()?;
    let Some(first) = members.first() else {
        // `{}` (or only whitespace inside): the member goes in compactly.
        let compact = serde_json::to_string(&value).ok()?;
        return Some(splice(
            text,
            (parent.start + 1, parent.end - 1),
            &format!("{key}: {compact}"),
        ));
    };
    let last = members.last()?;
    let lead = &text[parent.start + 1..first.key_start];
    let colon = if text[..first.value.start].ends_with(": ") {
        ": "
    } else {
        ":"
    };
    // Between members: the object's own separator (", " or ",").
    let pretty = lead.contains('\n');
    let comma = match members.get(1) {
        Some(second) if !pretty => text[first.value.end..second.key_start].to_string(),
        None if !pretty && colon == ": " => ", ".to_string(),
        _ => ",".to_string(),
    };
    let rendered = match lead.rfind('\n') {
        // Pretty: the value is indented one level deeper than the member, as the CLI writes.
        Some(nl) => {
            let indent = &lead[nl + 1..];
            serde_json::to_string_pretty(&value)
                .ok()?
                .replace('\n', &format!("\n{indent}"))
        }
        None => {
            let compact = serde_json::to_string(&value).ok()?;
            if colon == ":" {
                compact
            } else {
                compact.replace("\":", "\": ").replace(",\"", ", \"")
            }
        }
    };
    Some(splice(
        text,
        (last.value.end, last.value.end),
        &format!("{comma}{lead}{key}{colon}{rendered}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &str) -> Vec<String> {
        p.split('.').map(str::to_string).collect()
    }

    #[test]
    fn removes_a_middle_first_last_and_only_member_in_place() {
        let text = "{\n  \"env\": {\n    \"A\": \"1\",\n    \"B\": \"2\",\n    \"C\": \"3\"\n  },\n  \"model\": \"x\"\n}\n";
        let (out, how) = edit(text, &[JsonOp::Remove(path("env.B"))]).unwrap();
        assert_eq!(how, EditMethod::InPlace);
        assert_eq!(
            out,
            "{\n  \"env\": {\n    \"A\": \"1\",\n    \"C\": \"3\"\n  },\n  \"model\": \"x\"\n}\n"
        );
        let (out, _) = edit(text, &[JsonOp::Remove(path("env.A"))]).unwrap();
        assert_eq!(
            out,
            "{\n  \"env\": {\n    \"B\": \"2\",\n    \"C\": \"3\"\n  },\n  \"model\": \"x\"\n}\n"
        );
        let (out, _) = edit(text, &[JsonOp::Remove(path("env.C"))]).unwrap();
        assert_eq!(
            out,
            "{\n  \"env\": {\n    \"A\": \"1\",\n    \"B\": \"2\"\n  },\n  \"model\": \"x\"\n}\n"
        );
        let one = "{\"env\": {\"A\": \"1\"}, \"x\": 1}";
        let (out, how) = edit(one, &[JsonOp::Remove(path("env.A"))]).unwrap();
        assert_eq!(
            (out.as_str(), how),
            ("{\"env\": {}, \"x\": 1}", EditMethod::InPlace)
        );
    }

    #[test]
    fn escaped_keys_nested_values_and_missing_members() {
        let text = r#"{"a\"b": {"k": [1, {"z": "}"}]}, "apiKeyHelper": "echo \"hi\"", "t": true}"#;
        let (out, how) = edit(text, &[JsonOp::Remove(path("apiKeyHelper"))]).unwrap();
        assert_eq!(how, EditMethod::InPlace);
        assert_eq!(out, r#"{"a\"b": {"k": [1, {"z": "}"}]}, "t": true}"#);
        let (out, _) = edit(text, &[JsonOp::Remove(path("nope.x"))]).unwrap();
        assert_eq!(out, text);
        assert!(matches!(edit("{", &[]), Err(JsonEditError::Invalid(_))));
    }

    #[test]
    fn moves_a_string_between_arrays() {
        let text = "{\n  \"customApiKeyResponses\": {\n    \"approved\": [\n      \"aaa\"\n    ],\n    \"rejected\": [\n      \"bbb\",\n      \"ccc\"\n    ]\n  }\n}";
        let ops = [
            JsonOp::RemoveString(path("customApiKeyResponses.rejected"), "bbb".into()),
            JsonOp::PushString(path("customApiKeyResponses.approved"), "bbb".into()),
        ];
        let (out, how) = edit(text, &ops).unwrap();
        assert_eq!(how, EditMethod::InPlace);
        assert_eq!(
            out,
            "{\n  \"customApiKeyResponses\": {\n    \"approved\": [\n      \"aaa\",\n      \"bbb\"\n    ],\n    \"rejected\": [\n      \"ccc\"\n    ]\n  }\n}"
        );
        let compact = r#"{"customApiKeyResponses":{"approved":[],"rejected":["bbb"]}}"#;
        let (out, _) = edit(compact, &ops).unwrap();
        assert_eq!(
            out,
            r#"{"customApiKeyResponses":{"approved":["bbb"],"rejected":[]}}"#
        );
    }

    #[test]
    fn missing_containers_are_inserted_as_a_minimal_edit() {
        // Big integers, duplicate keys and odd spacing elsewhere all survive byte for byte.
        let text = "{\n  \"numStartups\": 3,\n  \"userID\": 123456789012345678901234567890,\n  \"x\": 1, \"x\": 2,\n  \"tipsHistory\": {\"a\":1.50}\n}\n";
        let ops = [JsonOp::PushString(
            path("customApiKeyResponses.approved"),
            "k".into(),
        )];
        let (out, how) = edit(text, &ops).unwrap();
        assert_eq!(how, EditMethod::InPlace);
        assert_eq!(
            out,
            "{\n  \"numStartups\": 3,\n  \"userID\": 123456789012345678901234567890,\n  \"x\": 1, \"x\": 2,\n  \"tipsHistory\": {\"a\":1.50},\n  \"customApiKeyResponses\": {\n    \"approved\": [\n      \"k\"\n    ]\n  }\n}\n"
        );
        // Only the inner array missing, compact layout.
        let compact = r#"{"customApiKeyResponses":{"rejected":["a"]},"n":1}"#;
        let (out, how) = edit(compact, &ops).unwrap();
        assert_eq!(how, EditMethod::InPlace);
        assert_eq!(
            out,
            r#"{"customApiKeyResponses":{"rejected":["a"],"approved":["k"]},"n":1}"#
        );
        let (out, _) = edit("{}", &ops).unwrap();
        assert_eq!(out, r#"{"customApiKeyResponses": {"approved":["k"]}}"#);
    }

    #[test]
    fn duplicate_keys_are_all_removed_in_place() {
        let text = r#"{"env": {"A": "1", "B": 2, "A": "2"}}"#;
        let (out, how) = edit(text, &[JsonOp::Remove(path("env.A"))]).unwrap();
        assert_eq!(
            (out.as_str(), how),
            (r#"{"env": {"B": 2}}"#, EditMethod::InPlace)
        );
    }
}
