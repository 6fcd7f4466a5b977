//! The knowledge of causes (title, plain-words explanation, how to check by hand, fixes), kept as
//! data in `assets/causes.json` and embedded in the binary.

use crate::ids::{CauseId, CheckId, FixId};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

const CAUSES_JSON: &str = include_str!("../assets/causes.json");

/// What we know about one cause.
#[derive(Clone, Debug, Deserialize)]
pub struct CauseInfo {
    pub title: String,
    /// Plain words: what is wrong and why the CLI behaves as it does.
    pub explanation: String,
    /// Commands or steps to confirm it by hand.
    #[serde(default)]
    pub verify: Vec<String>,
    /// Fixes that address it, best first.
    #[serde(default)]
    pub fixes: Vec<FixId>,
    /// The check that diagnoses it.
    pub check: CheckId,
}

#[derive(Deserialize)]
struct CausesFile {
    causes: BTreeMap<CauseId, CauseInfo>,
}

fn table() -> &'static BTreeMap<CauseId, CauseInfo> {
    static TABLE: OnceLock<BTreeMap<CauseId, CauseInfo>> = OnceLock::new();
    TABLE.get_or_init(|| {
        serde_json::from_str::<CausesFile>(CAUSES_JSON)
            .map(|f| f.causes)
            .expect("assets/causes.json is valid (checked by tests)")
    })
}

/// The knowledge entry for a cause.
#[must_use]
pub fn cause(id: CauseId) -> &'static CauseInfo {
    table()
        .get(&id)
        .expect("every cause has an entry in assets/causes.json (checked by tests)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cause_has_knowledge() {
        for id in CauseId::ALL {
            let info = table().get(id);
            assert!(info.is_some(), "assets/causes.json lacks {id}");
            let info = info.unwrap();
            assert!(
                !info.title.is_empty() && !info.explanation.is_empty(),
                "{id}"
            );
        }
    }

    #[test]
    fn entries_are_complete_and_consistent() {
        for (id, info) in table() {
            let sentences = info.explanation.matches(". ").count() + 1;
            assert!(
                (2..=5).contains(&sentences),
                "{id}: explanation should be 2-5 sentences"
            );
            assert!(!info.verify.is_empty(), "{id}: nothing to verify by hand");
            let mut fixes = info.fixes.clone();
            fixes.sort();
            fixes.dedup();
            assert_eq!(fixes.len(), info.fixes.len(), "{id}: a fix is listed twice");
        }
    }

    #[test]
    fn facts_match_the_real_cli() {
        for (id, info) in table() {
            let all = format!(
                "{} {} {}",
                info.title,
                info.explanation,
                info.verify.join(" ")
            );
            // `claude login` is not a command in 2.x (it is taken as a prompt).
            assert!(!all.contains("claude login"), "{id}: says `claude login`");
            // The file has a leading dot; only the misplaced cause may name the wrong one.
            if *id != CauseId::CredentialsMisplaced {
                assert!(
                    !all.contains("/credentials.json"),
                    "{id}: credentials file without the leading dot"
                );
            }
        }
        // Causes only an administrator can fix say so.
        for id in [CauseId::PermissionDenied, CauseId::ManagedPolicyConflict] {
            assert!(cause(id).explanation.contains("administrator"), "{id}");
        }
    }
}
