//! Memory of the `~/.claude.json` reader does not grow with the file (alone in its own test
//! binary, so that no other test's allocations move the peak it measures).

mod support;

use claude_auth_tui::sources::global_stream;
use std::io::Read;
use support::memory::peak_rss_kib;
use support::skipped;

/// One project entry of realistic shape.
fn project(i: usize) -> String {
    format!(
        "    \"/home/u/src/repo-{i}\": {{\"history\": [{}], \"lastCost\": 0.{i}, \"hasTrustDialogAccepted\": false}}",
        (0..20)
            .map(|n| format!(
                "{{\"display\": \"fix the bug number {n} in {i}\", \"pastedContents\": {{}}}}"
            ))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// Generates `projects` entries on the fly: a stream of any length that is never in memory.
struct Generated {
    pending: Vec<u8>,
    emitted: usize,
    total: usize,
    i: usize,
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pending.is_empty() {
            self.pending = if self.emitted >= self.total {
                if self.i == usize::MAX {
                    return Ok(0);
                }
                self.i = usize::MAX;
                format!("{}\n  }},\n  \"primaryApiKey\": \"k\"\n}}\n", project(0)).into_bytes()
            } else if self.i == 0 {
                self.i = 1;
                b"{\n  \"projects\": {\n".to_vec()
            } else {
                self.i += 1;
                format!("{},\n", project(self.i)).into_bytes()
            };
        }
        let n = buf.len().min(self.pending.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        self.emitted += n;
        Ok(n)
    }
}

#[test]
fn memory_stays_flat_over_a_thirty_two_mb_stream() {
    let Some(before) = peak_rss_kib() else {
        skipped("no /proc/self/status here");
        return;
    };
    let stream = Generated {
        pending: Vec::new(),
        emitted: 0,
        total: 32 * 1024 * 1024,
        i: 0,
    };
    let captured = global_stream::scan(stream, Some(&["/x".to_string()])).expect("valid");
    assert_eq!(captured.members.len(), 1);
    let after = peak_rss_kib().unwrap();
    // A reader that kept the text would grow by 32 MB; the stream's buffer is 256 KiB.
    assert!(
        after.saturating_sub(before) < 16 * 1024,
        "peak RSS grew by {} KiB",
        after - before
    );
}
