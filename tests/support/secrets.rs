//! The fake secrets of the tests, and the leak assertions over any output.

/// Fake secrets used by tests. None of them may ever appear unmasked in any output.
pub const FAKE_API_KEY: &str = "sk-ant-api03-FAKEtestKEYdoNOTuse0000000000000000000000000000000000000000000000000000000000000000-AbCd";
pub const FAKE_OTHER_KEY: &str = "sk-ant-api03-OTHERfakeKEY1111111111111111111111111111111111111111111111111111111111111111111-WxYz";
pub const FAKE_OAUTH_TOKEN: &str =
    "sk-ant-oat01-FAKEoauthTOKEN22222222222222222222222222222222222222222222222222222222222-Oa01";
pub const FAKE_REFRESH_TOKEN: &str =
    "sk-ant-ort01-FAKErefreshTOKEN333333333333333333333333333333333333333333333333333333-Rf02";
pub const FAKE_AUTH_TOKEN: &str = "gw-FAKEgatewayTOKEN4444444444444444-Gt03";

/// Every fake secret, for leak assertions.
pub const ALL_FAKE_SECRETS: &[&str] = &[
    FAKE_API_KEY,
    FAKE_OTHER_KEY,
    FAKE_OAUTH_TOKEN,
    FAKE_REFRESH_TOKEN,
    FAKE_AUTH_TOKEN,
];

/// Shortest run of a secret's characters that counts as a leak (`secret::FRAGMENT_MIN`).
pub const FRAGMENT_MIN: usize = 12;

/// Prefixes a masked value shows, longest first (as `secret::mask` keeps them).
const PUBLIC_PREFIXES: &[&str] = &[
    "sk-ant-admin01-",
    "sk-ant-api03-",
    "sk-ant-oat01-",
    "sk-ant-ort01-",
    "sk-ant-sid01-",
    "sk-ant-",
];

/// Every run of [`FRAGMENT_MIN`] characters of `secrets` found in `text` (but those wholly
/// inside the prefix a masked form shows), each once. One pass over `text`, so it stays cheap
/// on big outputs.
pub fn fragment_leaks<S: AsRef<str>>(text: &str, secrets: &[S]) -> Vec<String> {
    let mut windows: std::collections::HashSet<Vec<char>> = std::collections::HashSet::new();
    for secret in secrets {
        let secret = secret.as_ref();
        let chars: Vec<char> = secret.chars().collect();
        let public = PUBLIC_PREFIXES
            .iter()
            .find(|p| secret.starts_with(**p))
            .map_or(0, |p| p.len());
        if chars.len() < FRAGMENT_MIN {
            continue;
        }
        for start in 0..=chars.len() - FRAGMENT_MIN {
            if start + FRAGMENT_MIN > public {
                windows.insert(chars[start..start + FRAGMENT_MIN].to_vec());
            }
        }
    }
    let chars: Vec<char> = text.chars().collect();
    let mut found: Vec<String> = Vec::new();
    for start in 0..chars.len().saturating_sub(FRAGMENT_MIN - 1) {
        let window = &chars[start..start + FRAGMENT_MIN];
        if windows.contains(window) {
            let piece: String = window.iter().collect();
            if !found.contains(&piece) {
                found.push(piece);
            }
        }
    }
    found
}

/// Asserts no fake secret appears in `text`, whole or as any run of [`FRAGMENT_MIN`] or more
/// of its consecutive characters (only the prefix of its masked form, `sk-ant-api03-`, may).
pub fn assert_no_leak(text: &str) {
    for secret in ALL_FAKE_SECRETS {
        assert!(!text.contains(secret), "secret leaked whole in:\n{text}");
    }
    let found = fragment_leaks(text, ALL_FAKE_SECRETS);
    assert!(
        found.is_empty(),
        "secret fragments {found:?} leaked in:\n{text}"
    );
}
