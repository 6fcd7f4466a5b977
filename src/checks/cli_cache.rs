//! `claude --version` answers remembered per binary, for installs whose layout does not tell the
//! version: a second run does not start the CLI again. An entry holds only while the binary is
//! the same file (same resolved path, size and modification time), so an update or a reinstall
//! asks again. A cache that cannot be read or written is simply not used.

use crate::env::Environment;
use crate::fixes::atomic;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// The cache file's name inside the tool's state folder.
pub const FILE_NAME: &str = "cli-versions.json";
/// Kept entries, newest first (a few installs per machine at most).
const MAX_ENTRIES: usize = 16;
/// A larger file is not ours: ignored, and replaced on the next write.
const MAX_FILE: u64 = 64 * 1024;

/// The folder the tool keeps its own state in.
fn state_dir(env: &Environment) -> PathBuf {
    crate::state::state_dir(env)
}

/// Where the cache lives for this environment.
#[must_use]
pub fn path(env: &Environment) -> PathBuf {
    state_dir(env).join(FILE_NAME)
}

/// What identifies one binary file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BinaryKey {
    pub path: PathBuf,
    pub size: u64,
    pub mtime_ns: u64,
}

impl BinaryKey {
    /// The key of the file at `resolved` as it is now; `None` when it cannot be read.
    #[must_use]
    pub fn of(resolved: &Path) -> Option<Self> {
        let meta = std::fs::metadata(resolved).ok()?;
        let mtime_ns = meta
            .modified()
            .ok()?
            .duration_since(UNIX_EPOCH)
            .ok()?
            .as_nanos();
        // u64 nanoseconds last until 2554; JSON numbers beyond u64 are not portable.
        let mtime_ns = u64::try_from(mtime_ns).ok()?;
        Some(Self {
            path: resolved.to_path_buf(),
            size: meta.len(),
            mtime_ns,
        })
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    entries: Vec<Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    #[serde(flatten)]
    key: BinaryKey,
    version: String,
}

fn load(file: &Path) -> CacheFile {
    let fits = std::fs::metadata(file).is_ok_and(|m| m.len() <= MAX_FILE);
    fits.then(|| std::fs::read(file).ok())
        .flatten()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// The remembered version of this very binary, if any.
#[must_use]
pub fn lookup(env: &Environment, key: &BinaryKey) -> Option<String> {
    load(&path(env))
        .entries
        .into_iter()
        .find(|e| e.key == *key)
        .map(|e| e.version)
}

/// Remembers `version` for this binary (replacing what was known about its path). Best effort:
/// an unwritable home only means the next run asks again.
pub fn store(env: &Environment, key: &BinaryKey, version: &str) {
    let file = path(env);
    let mut cache = load(&file);
    cache.entries.retain(|e| e.key.path != key.path);
    cache.entries.insert(
        0,
        Entry {
            key: key.clone(),
            version: version.to_string(),
        },
    );
    cache.entries.truncate(MAX_ENTRIES);
    let Ok(bytes) = serde_json::to_vec_pretty(&cache) else {
        return;
    };
    if atomic::create_private_dir(&state_dir(env)).is_ok() {
        let _ = atomic::write_atomic(&file, &bytes, atomic::SECRET_MODE, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_binary_misses_and_a_corrupt_cache_is_ignored() {
        let home = tempfile::tempdir().unwrap();
        let env = Environment::builder(home.path().to_path_buf()).build();
        let bin = home.path().join("claude");
        std::fs::write(&bin, "one").unwrap();
        let key = BinaryKey::of(&bin).unwrap();
        assert_eq!(lookup(&env, &key), None);
        store(&env, &key, "2.1.197");
        assert_eq!(lookup(&env, &key).as_deref(), Some("2.1.197"));

        std::fs::write(&bin, "a longer binary").unwrap();
        let changed = BinaryKey::of(&bin).unwrap();
        assert_ne!(changed, key);
        assert_eq!(lookup(&env, &changed), None);
        store(&env, &changed, "2.1.198");
        assert_eq!(lookup(&env, &changed).as_deref(), Some("2.1.198"));
        assert_eq!(lookup(&env, &key), None, "the old entry was replaced");

        std::fs::write(path(&env), "{not json").unwrap();
        assert_eq!(lookup(&env, &changed), None);
        store(&env, &changed, "2.1.198");
        assert_eq!(lookup(&env, &changed).as_deref(), Some("2.1.198"));
    }
}
