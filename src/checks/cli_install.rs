//! Which installation a `claude` on PATH belongs to, and its version, read from the
//! installation's own files: starting the CLI (a ~240 MB binary) costs hundreds of milliseconds,
//! reading a folder name or a `package.json` costs nothing.
//!
//! Layouts known (all as installed on a real machine):
//! - native installer: `~/.local/bin/claude` → `~/.local/share/claude/versions/2.1.197`;
//! - npm (also pnpm, yarn, bun, nvm, volta): `…/node_modules/@anthropic-ai/claude-code/bin/claude.exe`
//!   (or `cli.js` in older versions) with `package.json` beside `bin/`; a shell shim that names
//!   that path is followed too;
//! - Homebrew: `…/Caskroom/claude-code/2.1.197/claude` (and a `Cellar/claude-code/2.1.197/` formula);
//! - Nix: `/nix/store/<hash>-claude-code-2.1.197/bin/claude`;
//! - mise and asdf: `…/installs/claude…/2.1.197/…`.

use crate::outcome::InstallKind;
use regex::Regex;
use std::ffi::OsStr;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::LazyLock;

/// The npm package, and the prefix of its per-platform packages.
const NPM_PACKAGE: &str = "@anthropic-ai/claude-code";
/// Larger files are not a `package.json` we want to parse, nor a shim.
const MAX_SMALL_FILE: u64 = 256 * 1024;
/// What the npm package's placeholder says when its postinstall never put the binary in place.
const NPM_STUB_MARK: &str = "native binary not installed";

static VERSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[0-9]+\.[0-9]+\.[0-9]+(?:[-+][0-9A-Za-z.+-]+)?$").expect("valid regex")
});
static NIX_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[0-9a-z]{32}-claude-code-([0-9]+\.[0-9]+\.[0-9]+[0-9A-Za-z.+-]*)$")
        .expect("valid regex")
});
/// A path naming the npm package inside a shell or cmd shim (pnpm, volta's and npm's shims).
static SHIM_TARGET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"([^"'\s]*@anthropic-ai[/\\]claude-code[/\\][^"'\s]*)"#).expect("valid regex")
});

/// What the files around one `claude` tell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// The binary after following symlinks.
    pub resolved: PathBuf,
    pub kind: InstallKind,
    /// `None` when the layout does not say (then `claude --version` has to).
    pub version: Option<String>,
    /// The npm package is there but its binary is the placeholder: `claude` only prints an
    /// error (postinstall skipped, or the platform package not downloaded).
    pub npm_stub: bool,
}

/// True for `2.1.197`, `1.0.44`, `2.2.0-beta.1`.
#[must_use]
pub fn is_version(text: &str) -> bool {
    VERSION.is_match(text)
}

/// Reads the layout around `found` (a `claude` on PATH). Never starts anything.
#[must_use]
pub fn read(found: &Path) -> Layout {
    let resolved = std::fs::canonicalize(found).unwrap_or_else(|_| found.to_path_buf());
    if let Some(version) = native_version(&resolved) {
        return layout(resolved, InstallKind::Native, Some(version));
    }
    if let Some((version, stub)) = npm_package(&resolved) {
        let mut out = layout(resolved, InstallKind::Npm, version);
        out.npm_stub = stub;
        return out;
    }
    if let Some((kind, version)) = versioned_folder(&resolved) {
        return layout(resolved, kind, Some(version));
    }
    // A shim script (pnpm's global bin, volta) names the package's binary: follow it once.
    if let Some(target) = shim_target(found)
        && let Some((version, stub)) = npm_package(&target)
    {
        let mut out = layout(target, InstallKind::Npm, version);
        out.npm_stub = stub;
        return out;
    }
    layout(resolved, InstallKind::Unknown, None)
}

fn layout(resolved: PathBuf, kind: InstallKind, version: Option<String>) -> Layout {
    Layout {
        resolved,
        kind,
        version,
        npm_stub: false,
    }
}

fn name_of(path: &Path) -> Option<&str> {
    path.file_name().and_then(OsStr::to_str)
}

/// `…/claude/versions/2.1.197` (Windows: `2.1.197.exe`) → `2.1.197`.
fn native_version(resolved: &Path) -> Option<String> {
    let file = name_of(resolved)?;
    let file = file.strip_suffix(".exe").unwrap_or(file);
    let versions = resolved.parent()?;
    let claude = versions.parent()?;
    (name_of(versions) == Some("versions") && name_of(claude) == Some("claude") && is_version(file))
        .then(|| file.to_string())
}

/// The npm package holding `resolved` (`<pkg>/bin/claude.exe`, `<pkg>/cli.js`, or a platform
/// package's `claude`): its `package.json` version, and whether the binary is the placeholder.
fn npm_package(resolved: &Path) -> Option<(Option<String>, bool)> {
    let mut dir = resolved.parent();
    for _ in 0..2 {
        let here = dir?;
        if let Some(manifest) = read_small(&here.join("package.json"))
            && let Ok(json) = serde_json::from_str::<serde_json::Value>(&manifest)
            && json
                .get("name")
                .and_then(|n| n.as_str())
                .is_some_and(|n| n.starts_with(NPM_PACKAGE))
        {
            let version = json
                .get("version")
                .and_then(|v| v.as_str())
                .filter(|v| is_version(v))
                .map(str::to_string);
            return Some((version, is_npm_stub(resolved)));
        }
        dir = here.parent();
    }
    None
}

/// The placeholder is a few hundred bytes of `echo`; the real binary is hundreds of MB.
fn is_npm_stub(resolved: &Path) -> bool {
    read_small(resolved).is_some_and(|text| text.contains(NPM_STUB_MARK))
}

/// A version folder right under a package manager's folder for Claude Code.
fn versioned_folder(resolved: &Path) -> Option<(InstallKind, String)> {
    let parts: Vec<&str> = resolved
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect();
    for (i, part) in parts.iter().enumerate() {
        if let Some(caps) = NIX_NAME.captures(part) {
            return Some((InstallKind::Nix, caps[1].to_string()));
        }
        let (Some(name), Some(version)) = (parts.get(i + 1), parts.get(i + 2)) else {
            continue;
        };
        if !is_version(version) {
            continue;
        }
        let kind = match *part {
            "Caskroom" | "Cellar" if name.starts_with("claude-code") => InstallKind::Homebrew,
            "installs" if name.contains("claude") => InstallKind::VersionManager,
            _ => continue,
        };
        return Some((kind, (*version).to_string()));
    }
    None
}

/// The package binary a small shim script points at, resolved against the shim's folder.
fn shim_target(found: &Path) -> Option<PathBuf> {
    let text = read_small(found)?;
    let named = SHIM_TARGET.captures(&text)?.get(1)?.as_str();
    let base = found.parent()?;
    let relative = named
        .trim_start_matches("$basedir")
        .trim_start_matches("%~dp0")
        .trim_start_matches("%dp0%")
        .trim_start_matches(['/', '\\']);
    let candidate = if Path::new(named).is_absolute() {
        PathBuf::from(named)
    } else {
        base.join(relative.replace('\\', "/"))
    };
    std::fs::canonicalize(candidate).ok()
}

/// A small text file's contents; `None` when missing, large, or not UTF-8.
fn read_small(path: &Path) -> Option<String> {
    let file = std::fs::File::open(path).ok()?;
    if file.metadata().ok()?.len() > MAX_SMALL_FILE {
        return None;
    }
    let mut text = String::new();
    file.take(MAX_SMALL_FILE).read_to_string(&mut text).ok()?;
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn exe(path: &Path, body: &str) {
        use std::os::unix::fs::PermissionsExt;
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, body).unwrap();
        fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn versions() {
        for good in ["2.1.197", "1.0.44", "2.2.0-beta.1"] {
            assert!(is_version(good), "{good}");
        }
        for bad in ["2.1", "latest", "v2.1.197", "2.1.197 (Claude Code)", ""] {
            assert!(!is_version(bad), "{bad}");
        }
    }

    #[test]
    fn native_installer_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join(".local/share/claude/versions/2.1.197");
        exe(&target, "binary");
        let link = dir.path().join(".local/bin/claude");
        fs::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let got = read(&link);
        assert_eq!(got.kind, InstallKind::Native);
        assert_eq!(got.version.as_deref(), Some("2.1.197"));
        assert_eq!(got.resolved, fs::canonicalize(&target).unwrap());
    }

    #[test]
    fn npm_package_json_beside_the_binary_and_its_placeholder() {
        let dir = tempfile::tempdir().unwrap();
        let pkg = dir
            .path()
            .join("lib/node_modules/@anthropic-ai/claude-code");
        fs::create_dir_all(&pkg).unwrap();
        fs::write(
            pkg.join("package.json"),
            r#"{"name":"@anthropic-ai/claude-code","version":"2.1.197","bin":{"claude":"bin/claude.exe"}}"#,
        )
        .unwrap();
        exe(&pkg.join("bin/claude.exe"), "\x7fELF not really");
        let link = dir.path().join("bin/claude");
        fs::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(
            "../lib/node_modules/@anthropic-ai/claude-code/bin/claude.exe",
            &link,
        )
        .unwrap();
        let got = read(&link);
        assert_eq!(
            (got.kind, got.version.as_deref(), got.npm_stub),
            (InstallKind::Npm, Some("2.1.197"), false)
        );

        exe(
            &pkg.join("bin/claude.exe"),
            "echo \"Error: claude native binary not installed.\" >&2\nexit 1\n",
        );
        assert!(read(&link).npm_stub);
    }

    #[test]
    fn older_npm_cli_js_and_a_pnpm_shim() {
        let dir = tempfile::tempdir().unwrap();
        let pkg = dir
            .path()
            .join("pnpm/global/5/node_modules/.pnpm/@anthropic-ai+claude-code@1.0.44/node_modules/@anthropic-ai/claude-code");
        fs::create_dir_all(&pkg).unwrap();
        fs::write(
            pkg.join("package.json"),
            r#"{"name":"@anthropic-ai/claude-code","version":"1.0.44"}"#,
        )
        .unwrap();
        exe(&pkg.join("cli.js"), "#!/usr/bin/env node\n");
        let shim = dir.path().join("pnpm/claude");
        exe(
            &shim,
            "#!/bin/sh\nbasedir=$(dirname \"$0\")\nexec node \"$basedir/global/5/node_modules/.pnpm/@anthropic-ai+claude-code@1.0.44/node_modules/@anthropic-ai/claude-code/cli.js\" \"$@\"\n",
        );
        let got = read(&shim);
        assert_eq!(
            (got.kind, got.version.as_deref()),
            (InstallKind::Npm, Some("1.0.44"))
        );
    }

    #[test]
    fn homebrew_nix_and_version_managers() {
        let dir = tempfile::tempdir().unwrap();
        for (rel, kind, version) in [
            (
                "opt/homebrew/Caskroom/claude-code/2.1.197/claude",
                InstallKind::Homebrew,
                "2.1.197",
            ),
            (
                "nix/store/0123456789abcdefghijklmnopqrstuv-claude-code-2.1.190/bin/claude",
                InstallKind::Nix,
                "2.1.190",
            ),
            (
                ".local/share/mise/installs/claude/2.1.150/bin/claude",
                InstallKind::VersionManager,
                "2.1.150",
            ),
            (
                ".asdf/installs/claude-code/2.0.1/bin/claude",
                InstallKind::VersionManager,
                "2.0.1",
            ),
        ] {
            let path = dir.path().join(rel);
            exe(&path, "x");
            let got = read(&path);
            assert_eq!(
                (got.kind, got.version.as_deref()),
                (kind, Some(version)),
                "{rel}"
            );
        }
    }

    #[test]
    fn unknown_layouts_say_nothing() {
        let dir = tempfile::tempdir().unwrap();
        for rel in [
            "bin/claude",
            // A versions folder not under `claude`, a package.json of another package.
            "other/versions/2.1.197",
            "node_modules/other/bin/claude",
        ] {
            let path = dir.path().join(rel);
            exe(&path, "#!/bin/sh\n");
            fs::write(
                dir.path().join("node_modules/other/package.json"),
                r#"{"name":"other","version":"9.9.9"}"#,
            )
            .ok();
            let got = read(&path);
            assert_eq!(
                (got.kind, got.version),
                (InstallKind::Unknown, None),
                "{rel}"
            );
        }
    }
}
