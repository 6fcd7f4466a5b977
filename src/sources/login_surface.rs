//! Where this session runs, as far as a browser login is concerned: over SSH, in WSL, in a
//! container, or on Linux without a display, `claude auth login` cannot open a browser here
//! and its callback cannot reach this machine, so the way in is `claude setup-token`.

use crate::env::{Environment, Platform};

/// Why a browser login cannot complete here (empty: it can).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoginSurface {
    pub ssh: bool,
    pub wsl: bool,
    pub container: bool,
    /// Linux (or another Unix) without DISPLAY or `WAYLAND_DISPLAY`.
    pub no_display: bool,
}

impl LoginSurface {
    /// Reads the snapshot's variables and the marker files under its system root.
    #[must_use]
    pub fn detect(env: &Environment) -> Self {
        let root = env.system_root();
        let ssh = env.var("SSH_CONNECTION").is_some() || env.var("SSH_TTY").is_some();
        let wsl = env.var("WSL_DISTRO_NAME").is_some()
            || env.var("WSL_INTEROP").is_some()
            || std::fs::read_to_string(root.join("proc/sys/kernel/osrelease"))
                .is_ok_and(|r| r.to_ascii_lowercase().contains("microsoft"));
        let container = env.var("container").is_some()
            || env.var("REMOTE_CONTAINERS").is_some()
            || env.var("CODESPACES").is_some()
            || env.var("DEVCONTAINER").is_some()
            || root.join(".dockerenv").exists()
            || root.join("run/.containerenv").exists();
        let no_display = matches!(env.platform(), Platform::Linux | Platform::Other)
            && env.var("DISPLAY").is_none()
            && env.var("WAYLAND_DISPLAY").is_none();
        Self {
            ssh,
            wsl,
            container,
            no_display,
        }
    }

    /// Whether a browser login cannot complete from here.
    #[must_use]
    pub fn is_headless(&self) -> bool {
        self.ssh || self.wsl || self.container || self.no_display
    }

    /// "an SSH session and a container", for messages.
    #[must_use]
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.ssh {
            parts.push("an SSH session");
        }
        if self.wsl {
            parts.push("WSL");
        }
        if self.container {
            parts.push("a container");
        }
        if self.no_display && !self.ssh && !self.container && !self.wsl {
            parts.push("a machine without a display (no DISPLAY or WAYLAND_DISPLAY)");
        }
        match parts.as_slice() {
            [] => "this session".to_string(),
            [one] => (*one).to_string(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_kind_from_variables_and_markers() {
        let tmp = tempfile::tempdir().unwrap();
        let desktop = Environment::builder(tmp.path())
            .platform(Platform::Linux)
            .var("DISPLAY", ":0")
            .build();
        assert!(!LoginSurface::detect(&desktop).is_headless());
        let ssh = Environment::builder(tmp.path())
            .platform(Platform::MacOs)
            .var("SSH_TTY", "/dev/pts/1")
            .build();
        assert_eq!(LoginSurface::detect(&ssh).describe(), "an SSH session");
        let root = tmp.path().join("root");
        std::fs::create_dir_all(root.join("proc/sys/kernel")).unwrap();
        std::fs::write(root.join(".dockerenv"), "").unwrap();
        std::fs::write(
            root.join("proc/sys/kernel/osrelease"),
            "5.15.0-microsoft-standard-WSL2",
        )
        .unwrap();
        let boxed = Environment::builder(tmp.path())
            .platform(Platform::Linux)
            .system_root(&root)
            .build();
        let surface = LoginSurface::detect(&boxed);
        assert!(surface.container && surface.wsl && surface.no_display);
        assert_eq!(surface.describe(), "WSL and a container");
    }
}
