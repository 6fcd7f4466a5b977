//! What came back: the status, a few headers and at most 64 KiB of body, read once and then
//! asked questions (an Anthropic error? an HTML page? empty?).

use crate::http::{self, HttpSetup};
use reqwest::header::HeaderMap;
use std::time::Instant;

/// How much of an answer's body we read: the errors are small; a page is not worth more.
const MAX_BODY: usize = 64 * 1024;

/// What the server said, as far as we read it.
#[derive(Debug, Default)]
pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) latency_ms: u128,
    pub(super) content_type: Option<String>,
    pub(super) request_id: Option<String>,
    pub(super) should_retry: Option<String>,
    pub(super) location: Option<String>,
    pub(super) body: String,
    /// The body cut short: the connection broke while reading it.
    pub(super) body_error: Option<String>,
    pub(super) json: Option<serde_json::Value>,
}

impl Answer {
    pub(super) fn error_type(&self) -> Option<&str> {
        let j = self.json.as_ref()?;
        j.pointer("/error/type")
            .and_then(|v| v.as_str())
            .or_else(|| {
                j.get("type")
                    .and_then(|v| v.as_str())
                    .filter(|t| *t != "error")
            })
    }

    pub(super) fn error_message(&self) -> Option<&str> {
        let j = self.json.as_ref()?;
        j.pointer("/error/message")
            .and_then(|v| v.as_str())
            .or_else(|| j.get("message").and_then(|v| v.as_str()))
            .or_else(|| j.get("error").and_then(|v| v.as_str()))
    }

    /// The body has the shape of an Anthropic error: `{"type":"error","error":{"type":…}}`.
    pub(super) fn is_api_error(&self) -> bool {
        self.json.as_ref().is_some_and(|j| {
            j.pointer("/error/type")
                .is_some_and(serde_json::Value::is_string)
                || j.pointer("/error/message")
                    .is_some_and(serde_json::Value::is_string)
        })
    }

    pub(super) fn is_html(&self) -> bool {
        let ct = self
            .content_type
            .as_deref()
            .unwrap_or("")
            .to_ascii_lowercase();
        let head = self
            .body
            .trim_start()
            .get(..64)
            .unwrap_or(self.body.trim_start());
        let head = head.to_ascii_lowercase();
        ct.contains("html") || head.starts_with("<!doctype") || head.starts_with("<html")
    }

    pub(super) fn is_empty(&self) -> bool {
        self.body.trim().is_empty()
    }

    /// A non-empty body that is not JSON (an HTML page, plain text).
    pub(super) fn is_foreign(&self) -> bool {
        !self.is_empty() && self.json.is_none()
    }

    /// The lower-cased text to search: the JSON message, else the raw body.
    pub(super) fn text(&self) -> String {
        self.error_message()
            .map_or_else(|| self.body.clone(), str::to_string)
            .to_ascii_lowercase()
    }

    /// "an HTML page (title: 403 Forbidden)", "no body", "a non-Anthropic JSON body".
    pub(super) fn body_kind(&self) -> String {
        if self.is_empty() {
            "no body".to_string()
        } else if self.is_html() {
            match html_title(&self.body) {
                Some(t) => format!("an HTML page (\"{t}\")"),
                None => "an HTML page".to_string(),
            }
        } else if self.json.is_some() {
            "a JSON body that is not an Anthropic API error".to_string()
        } else {
            "a non-JSON body".to_string()
        }
    }
}

pub(super) fn html_title(body: &str) -> Option<String> {
    let lower = body.to_ascii_lowercase();
    let start = lower.find("<title")?;
    let open_end = start + lower[start..].find('>')? + 1;
    let end = open_end + lower[open_end..].find("</title")?;
    let title: String = body
        .get(open_end..end)?
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (!title.is_empty()).then(|| title.chars().take(80).collect())
}

/// One line of the body for the report: whitespace collapsed, cut to 160 characters.
pub(super) fn snippet(body: &str) -> String {
    let one: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() > 160 {
        format!("{}…", one.chars().take(160).collect::<String>())
    } else {
        one
    }
}

pub(super) async fn fetch(
    setup: &HttpSetup,
    url: &reqwest::Url,
    headers: HeaderMap,
    started: Instant,
) -> Result<Answer, reqwest::Error> {
    let resp = setup
        .client
        .get(url.clone())
        .headers(headers)
        .send()
        .await?;
    Ok(read(resp, started).await)
}

/// POSTs an `application/x-www-form-urlencoded` body (an OAuth token request) and reads the
/// answer like [`fetch`].
pub(super) async fn post_form(
    setup: &HttpSetup,
    url: &reqwest::Url,
    form: String,
    started: Instant,
) -> Result<Answer, reqwest::Error> {
    let resp = setup
        .client
        .post(url.clone())
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(form)
        .send()
        .await?;
    Ok(read(resp, started).await)
}

async fn read(mut resp: reqwest::Response, started: Instant) -> Answer {
    let latency_ms = started.elapsed().as_millis();
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let mut answer = Answer {
        status: resp.status().as_u16(),
        latency_ms,
        content_type: header("content-type"),
        request_id: header("request-id").or_else(|| header("x-request-id")),
        should_retry: header("x-should-retry"),
        location: header("location"),
        ..Answer::default()
    };
    let mut bytes: Vec<u8> = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                let room = MAX_BODY.saturating_sub(bytes.len());
                bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if bytes.len() >= MAX_BODY {
                    break;
                }
            }
            Ok(None) => break,
            Err(e) => {
                answer.body_error = Some(http::error_chain(&e));
                break;
            }
        }
    }
    answer.body = String::from_utf8_lossy(&bytes).into_owned();
    answer.json = serde_json::from_str(&answer.body).ok();
    if answer.request_id.is_none() {
        answer.request_id = answer
            .json
            .as_ref()
            .and_then(|j| j.get("request_id"))
            .and_then(|v| v.as_str())
            .map(str::to_string);
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str, ct: Option<&str>) -> Answer {
        Answer {
            status,
            body: body.to_string(),
            content_type: ct.map(str::to_string),
            json: serde_json::from_str(body).ok(),
            ..Answer::default()
        }
    }

    #[test]
    fn recognises_api_errors_html_and_empty_bodies() {
        let a = answer(
            401,
            r#"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#,
            Some("application/json"),
        );
        assert!(a.is_api_error());
        assert_eq!(a.error_type(), Some("authentication_error"));
        assert_eq!(a.text(), "invalid x-api-key");
        let h = answer(
            403,
            "<html><head><title>403\n Forbidden</title></head></html>",
            None,
        );
        assert!(h.is_html() && h.is_foreign() && !h.is_api_error());
        assert_eq!(h.body_kind(), "an HTML page (\"403 Forbidden\")");
        let e = answer(403, "", None);
        assert!(e.is_empty() && !e.is_foreign());
        assert_eq!(e.body_kind(), "no body");
        let j = answer(403, r#"{"message":"Forbidden"}"#, None);
        assert!(!j.is_api_error());
    }

    #[test]
    fn snippets_are_short_and_single_line() {
        let s = snippet(&format!("a\n  b {}", "x".repeat(400)));
        assert!(s.starts_with("a b x"));
        assert!(s.chars().count() <= 161);
    }
}
