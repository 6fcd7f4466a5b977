//! The secret values one diagnosis run has seen, held so that they cannot be printed by
//! accident: there is no `Display`, `Debug` shows only how many there are, and the only ways
//! to use them are to mask them out of a text.

use std::fmt;
use std::sync::Arc;

/// Shorter values are not masked as known secrets (they would mask ordinary words); the
/// secret-shaped scan of [`crate::secret::scrub`] still applies.
const MIN_LEN: usize = 8;

/// Known secrets, longest first (so a key is masked whole before any part of it could be).
/// Cheap to clone: shared by every check of a run and the wizard's screens.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secrets(Arc<[String]>);

impl Secrets {
    /// The values worth masking among `values`, ordered and without duplicates.
    #[must_use]
    pub fn new(values: impl IntoIterator<Item = String>) -> Self {
        let mut out: Vec<String> = values
            .into_iter()
            .filter(|s| s.trim().len() >= MIN_LEN)
            .collect();
        out.sort_by_key(|s| std::cmp::Reverse(s.len()));
        out.dedup();
        Self(out.into())
    }

    /// These secrets and `more` (a helper's output, known only after it ran).
    #[must_use]
    pub fn with(&self, more: impl IntoIterator<Item = String>) -> Self {
        Self::new(self.0.iter().cloned().chain(more))
    }

    /// The values as `&str`, for [`crate::secret::scrub`] and [`crate::sanitize::shown`].
    #[must_use]
    pub fn refs(&self) -> Vec<&str> {
        self.0.iter().map(String::as_str).collect()
    }

    /// `text` with every known secret masked (whole and in fragments) and anything
    /// secret-shaped too.
    #[must_use]
    pub fn scrub(&self, text: &str) -> String {
        crate::secret::scrub(text, &self.refs())
    }

    /// [`Self::scrub`], then unsafe characters escaped: for every text from outside.
    #[must_use]
    pub fn shown(&self, text: &str) -> String {
        crate::sanitize::shown(text, &self.refs())
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secrets([{} redacted])", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk-ant-api03-FAKEsecretsTESTkey0000000000000000000000-AbCd";

    #[test]
    fn debug_never_shows_a_value_and_order_is_longest_first() {
        let s = Secrets::new([
            "short".to_string(),
            "FAKEsecretsTEST".to_string(),
            KEY.to_string(),
            KEY.to_string(),
        ]);
        assert_eq!(s.len(), 2, "too short and duplicates dropped");
        assert_eq!(s.refs()[0], KEY);
        let debug = format!("{s:?} {:?}", Some(&s));
        assert!(!debug.contains("FAKE"), "{debug}");
        assert_eq!(format!("{s:?}"), "Secrets([2 redacted])");
    }

    #[test]
    fn masks_values_whole_and_in_pieces() {
        let s = Secrets::new([KEY.to_string()]).with(["helper-output-1234".to_string()]);
        let text = format!(
            "key {KEY}, piece {}, helper helper-output-1234",
            &KEY[20..40]
        );
        let out = s.shown(&text);
        assert!(!out.contains(&KEY[20..40]), "{out}");
        assert!(!out.contains("helper-output-1234"), "{out}");
    }
}
