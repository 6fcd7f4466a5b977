//! `check` without `--json`: status marks and summaries, like `flutter doctor`; evidence and
//! explanations with `-v`.

use super::Diagnosis;
use crate::knowledge;
use std::fmt::Write as _;

/// The readable report, without colour. Everything from outside is masked and escaped
/// (`crate::sanitize`).
#[must_use]
pub fn render(d: &Diagnosis, verbose: bool) -> String {
    render_styled(d, verbose, false)
}

/// The readable report; with `color`, status marks in the 16 basic ANSI colours.
#[must_use]
pub fn render_styled(d: &Diagnosis, verbose: bool, color: bool) -> String {
    let mut s = String::new();
    let env = &d.env;
    let _ = writeln!(
        s,
        "claude-auth-tui {} — Claude Code authentication check\n",
        env!("CARGO_PKG_VERSION")
    );
    match &d.auth.effective {
        Some(c) => {
            let _ = writeln!(
                s,
                "Credential: {} {}{}",
                c.method.as_str(),
                d.scrub(&c.describe(env)),
                c.masked()
                    .map(|m| format!("  {}", d.scrub(&m)))
                    .unwrap_or_default()
            );
            if d.auth.awaits_trust() {
                let _ = writeln!(
                    s,
                    "  (from this folder's settings: Claude Code uses it once you trust this \
                     folder, and `claude -p` already does)"
                );
            }
        }
        None => {
            let _ = writeln!(s, "Credential: none — Claude Code has nothing to send");
        }
    }
    if d.auth_print.effective != d.auth.effective {
        let _ = writeln!(
            s,
            "  (`claude -p` uses {})",
            d.auth_print
                .effective
                .as_ref()
                .map_or_else(|| "nothing".to_string(), |c| d.scrub(&c.describe(env)))
        );
    }
    for c in &d.auth.also_sent {
        let _ = writeln!(
            s,
            "  also sent: {} {}{}{}",
            c.method.as_str(),
            d.scrub(&c.describe(env)),
            c.masked().map(|m| format!("  {m}")).unwrap_or_default(),
            if d.auth.awaits_trust_for(c) {
                " (once you trust this folder; `claude -p` already)"
            } else {
                ""
            }
        );
    }
    for c in &d.auth.shadowed {
        let _ = writeln!(
            s,
            "  ignored: {} {}{}",
            c.method.as_str(),
            d.scrub(&c.describe(env)),
            c.masked()
                .map(|m| format!("  {}", d.scrub(&m)))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(
        s,
        "Endpoint:   {} ({}, {})\n",
        d.scrub(&d.endpoint.base_url),
        d.endpoint.provider.as_str(),
        d.scrub(&d.endpoint.source)
    );
    for o in &d.outcomes {
        let _ = writeln!(
            s,
            " {} {:<28} {}",
            paint_mark(o.status, color),
            o.id.title(),
            d.scrub(&o.summary)
        );
        if verbose {
            for line in &o.details {
                let _ = writeln!(s, "     · {}", d.scrub(line));
            }
            for f in &o.findings {
                let _ = writeln!(
                    s,
                    "     {} [{}] {}",
                    f.severity.mark(),
                    f.cause,
                    d.scrub(&f.summary)
                );
            }
        }
    }
    s.push('\n');
    match &d.primary {
        Some(p) => {
            let info = knowledge::cause(p.cause);
            let _ = writeln!(s, "Primary cause: {} — {}", p.cause, info.title);
            let _ = writeln!(s, "  {}", d.scrub(&p.summary));
            if verbose {
                let _ = writeln!(s, "\n  {}", info.explanation);
                if !info.verify.is_empty() {
                    let _ = writeln!(s, "\n  Check it yourself:");
                    for v in &info.verify {
                        let _ = writeln!(s, "    $ {v}");
                    }
                }
            }
            let fixes: Vec<_> = d
                .outcomes
                .iter()
                .find(|o| o.id == p.check)
                .map(|o| o.fixes.clone())
                .unwrap_or_default();
            for f in fixes {
                let _ = writeln!(s, "  Fix: claude-auth-tui fix {f}");
            }
        }
        None => {
            let _ = writeln!(s, "No problem found.");
        }
    }
    if !verbose {
        let _ = writeln!(
            s,
            "\nRun `claude-auth-tui check -v` for the evidence, or `claude-auth-tui` for the wizard."
        );
    }
    d.finish(&s)
}

/// A status mark, coloured when asked (green pass, yellow warn, red fail, plain skip).
fn paint_mark(status: crate::outcome::Status, color: bool) -> String {
    use crate::outcome::Status;
    let code = match status {
        Status::Pass => "32",
        Status::Warn => "33",
        Status::Fail => "31",
        Status::Skip => return status.mark().to_string(),
    };
    if color {
        format!("\x1b[{code}m{}\x1b[0m", status.mark())
    } else {
        status.mark().to_string()
    }
}
