//! AWS Signature Version 4 for one GET request without a body: what the Bedrock live check
//! needs, and nothing more.
//!
//! Why not the `aws-sigv4` crate: it brings the `aws-smithy-*` runtime crates (not otherwise in
//! this build) for what is here a canonical request and four HMACs. The hashing and HMAC are
//! `ring`'s (already the TLS provider); the test below holds this code to AWS's published
//! `get-vanilla` test vector.

use ring::{digest, hmac};
use std::fmt::Write as _;

/// Static AWS credentials.
pub(super) struct AwsKeys<'a> {
    pub access_key_id: &'a str,
    pub secret_access_key: &'a str,
    pub session_token: Option<&'a str>,
}

/// The headers to add: `x-amz-date`, maybe `x-amz-security-token`, and `authorization`.
pub(super) fn sign_get(
    url: &reqwest::Url,
    keys: &AwsKeys<'_>,
    region: &str,
    service: &str,
    amz_date: &str,
) -> Vec<(&'static str, String)> {
    let date = &amz_date[..8.min(amz_date.len())];
    let host = match url.port() {
        Some(p) => format!("{}:{p}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_string(),
    };
    let mut headers: Vec<(&'static str, String)> =
        vec![("host", host), ("x-amz-date", amz_date.to_string())];
    if let Some(token) = keys.session_token {
        headers.push(("x-amz-security-token", token.to_string()));
    }
    let signed: Vec<&str> = headers.iter().map(|(k, _)| *k).collect();
    let signed = signed.join(";");
    let mut canonical_headers = String::new();
    for (k, v) in &headers {
        let _ = writeln!(canonical_headers, "{k}:{}", v.trim());
    }
    let canonical = format!(
        "GET\n{}\n{}\n{canonical_headers}\n{signed}\n{}",
        canonical_uri(url.path()),
        canonical_query(url),
        hex(digest::digest(&digest::SHA256, b"").as_ref())
    );
    let scope = format!("{date}/{region}/{service}/aws4_request");
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        hex(digest::digest(&digest::SHA256, canonical.as_bytes()).as_ref())
    );
    let k_date = mac(
        format!("AWS4{}", keys.secret_access_key).as_bytes(),
        date.as_bytes(),
    );
    let k_region = mac(&k_date, region.as_bytes());
    let k_service = mac(&k_region, service.as_bytes());
    let k_signing = mac(&k_service, b"aws4_request");
    let signature = hex(&mac(&k_signing, to_sign.as_bytes()));
    headers.remove(0); // reqwest sends `host` itself
    headers.push((
        "authorization",
        format!(
            "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed}, Signature={signature}",
            keys.access_key_id
        ),
    ));
    headers
}

fn mac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let key = hmac::Key::new(hmac::HMAC_SHA256, key);
    hmac::sign(&key, data).as_ref().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The path, each segment URI-encoded (already-encoded `%XX` kept), `/` when empty.
fn canonical_uri(path: &str) -> String {
    if path.is_empty() {
        return "/".to_string();
    }
    path.split('/')
        .map(|seg| encode(&percent_decode(seg)))
        .collect::<Vec<_>>()
        .join("/")
}

/// The query, pairs sorted, keys and values URI-encoded.
fn canonical_query(url: &reqwest::Url) -> String {
    let mut pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (encode(&k), encode(&v)))
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// RFC 3986 unreserved characters kept, everything else `%XX` (upper case).
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn percent_decode(seg: &str) -> String {
    let bytes = seg.as_bytes();
    let hexval = |b: u8| char::from(b).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).and_then(|&b| hexval(b)),
                bytes.get(i + 2).and_then(|&b| hexval(b)),
            )
        {
            out.push(u8::try_from(hi * 16 + lo).unwrap_or(b'?'));
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_aws_get_vanilla_test_vector() {
        // aws-sig-v4-test-suite/get-vanilla: GET / on example.amazonaws.com.
        let url = reqwest::Url::parse("https://example.amazonaws.com/").unwrap();
        let keys = AwsKeys {
            access_key_id: "AKIDEXAMPLE",
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            session_token: None,
        };
        let headers = sign_get(&url, &keys, "us-east-1", "service", "20150830T123600Z");
        let auth = &headers
            .iter()
            .find(|(k, _)| *k == "authorization")
            .unwrap()
            .1;
        assert_eq!(
            auth,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date, \
             Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
    }

    #[test]
    fn query_and_path_are_canonical() {
        let url = reqwest::Url::parse("https://h/a b/async-invoke?z=1&maxResults=1").unwrap();
        assert_eq!(canonical_uri(url.path()), "/a%20b/async-invoke");
        assert_eq!(canonical_query(&url), "maxResults=1&z=1");
    }
}
