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
}
