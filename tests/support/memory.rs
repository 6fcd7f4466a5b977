//! The test process's own memory, for tests that prove a reader or a fix stays flat.

/// The process's peak resident set (`VmHWM`), in KiB; `None` without `/proc`.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}
