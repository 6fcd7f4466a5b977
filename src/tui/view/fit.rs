//! Fitting one line of text into a width without losing what matters: a path is shortened from
//! the middle (`~/…/.claude/settings.json:3`), so the file name and line always show, and a cut
//! is always marked with `…`.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// `text` within `width` columns. When it is too long, the last path in it (a word with a `/`)
/// loses its middle folders first, then the words before the path are cut, then the path's
/// beginning; every cut shows `…`.
#[must_use]
pub fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let Some((start, end)) = last_path(text) else {
        return cut_end(text, width);
    };
    let (before, path, after) = (&text[..start], &text[start..end], &text[end..]);
    let short = shorten_path(path);
    let candidate = format!("{before}{short}{after}");
    if candidate.width() <= width {
        return candidate;
    }
    // The path and what follows it stay; the words before it are cut.
    let tail = format!("{short}{after}");
    let room = width.saturating_sub(tail.width());
    if room >= 2 {
        return format!("{}{tail}", cut_end(before.trim_end(), room - 1) + " ");
    }
    // Only the path's end fits.
    cut_start(&tail, width)
}

/// The byte range of the last word holding a `/`.
fn last_path(text: &str) -> Option<(usize, usize)> {
    let mut found = None;
    let mut start = None;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        match (c.is_whitespace() || c == '(' || c == ')', start) {
            (true, Some(s)) => {
                if text[s..i].contains('/') {
                    found = Some((s, i));
                }
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    found
}

/// `~/a/b/c/file:3` → `~/…/file:3` (unchanged when there is no middle to drop).
fn shorten_path(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    if parts.len() <= 3 {
        return path.to_string();
    }
    format!("{}/…/{}", parts[0], parts[parts.len() - 1])
}

/// The start of `text` within `width` columns, `…` at the end.
fn cut_end(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// The end of `text` within `width` columns, `…` at the start.
fn cut_start(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut kept: Vec<char> = Vec::new();
    let mut used = 0;
    for c in text.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        kept.push(c);
        used += w;
    }
    std::iter::once('…').chain(kept.into_iter().rev()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept() {
        assert_eq!(fit("a b", 10), "a b");
    }

    #[test]
    fn path_loses_its_middle_first() {
        let text = "apiKeyHelper from user settings ~/.config/x/.claude/settings.json:2";
        assert_eq!(
            fit(text, 60),
            "apiKeyHelper from user settings ~/…/settings.json:2"
        );
    }

    #[test]
    fn words_before_the_path_are_cut_with_an_ellipsis() {
        let text = "apiKeyHelper from user settings ~/.config/x/.claude/settings.json:2";
        let fitted = fit(text, 30);
        assert!(fitted.ends_with("~/…/settings.json:2"), "{fitted}");
        assert!(fitted.contains('…'));
        assert!(fitted.width() <= 30, "{fitted}");
    }

    #[test]
    fn text_without_a_path_is_cut_at_the_end() {
        assert_eq!(fit("abcdefghij", 5), "abcd…");
    }

    #[test]
    fn a_path_in_parentheses_is_found() {
        let text =
            "https://example.com  (ANTHROPIC_BASE_URL from /home/someone/very/long/.bashrc:2)";
        let fitted = fit(text, 60);
        assert!(fitted.contains("/…/.bashrc:2)"), "{fitted}");
    }
}
