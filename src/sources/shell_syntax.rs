//! Which lines of a shell profile the shell really runs when it starts: a line inside a heredoc
//! or a multi-line string is data, a line inside a function, an `if`/`case`/loop block or a
//! subshell may never run (or runs apart from the shell). One scanner for both the check (what
//! a profile exports) and the fixes (which line may be edited).
//!
//! A line-by-line lexer, not a full parser: it tracks quotes, `\` continuations, heredocs and
//! the nesting of blocks, which is what decides where a line stands.

use super::profiles::ShellKind;

/// Where a line stands, from the state the shell is in when the line begins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// At the top level: runs when the profile runs.
    TopLevel,
    /// The body of a heredoc: text fed to a command, not code.
    Heredoc,
    /// The continuation of a multi-line string or of a line ending in `\`.
    Continued,
    /// Inside a block; the outermost one.
    Block(Block),
}

/// A construct that contains lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Block {
    Function,
    If,
    Case,
    Loop,
    /// `( … )`, `$( … )`, or fish's `( … )`: runs apart from the shell.
    Subshell,
    /// `{ … }` (fish: `begin … end`): runs in the shell, in order.
    Group,
}

impl Place {
    /// Plain words, to follow "line 12 is …".
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Self::TopLevel => "at the top level",
            Self::Heredoc => "inside a heredoc (text written out, not run)",
            Self::Continued => "inside a multi-line string or command",
            Self::Block(Block::Function) => "inside a function (runs only when it is called)",
            Self::Block(Block::If) => "inside an if block (runs only when its test passes)",
            Self::Block(Block::Case) => "inside a case block (runs only for one pattern)",
            Self::Block(Block::Loop) => "inside a loop",
            Self::Block(Block::Subshell) => {
                "inside a subshell (its variables do not reach the shell)"
            }
            Self::Block(Block::Group) => "inside a { } group",
        }
    }

    /// Whether the line is shell code at all (not heredoc text or part of a string).
    #[must_use]
    pub fn is_code(self) -> bool {
        matches!(self, Self::TopLevel | Self::Block(_))
    }
}

/// One line's standing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineInfo {
    pub place: Place,
    /// Runs, in the shell itself, every time the profile runs (top level, or only inside
    /// `{ }` groups).
    pub runs_at_startup: bool,
    /// A top-level line that also ends at the top level (opens no block, string or heredoc):
    /// the only kind of line a fix may rewrite.
    pub editable: bool,
}

/// Classifies every line of `text` (split on `\n`, as the shell does).
#[must_use]
pub fn classify(text: &str, shell: ShellKind) -> Vec<LineInfo> {
    let mut lexer = Lexer::new(shell);
    text.split('\n').map(|line| lexer.line(line)).collect()
}

/// Whether a file ending in `text` leaves the shell at the top level (no open block, string or
/// heredoc): only then does a line appended at the end run at start-up.
#[must_use]
pub fn ends_at_top_level(text: &str, shell: ShellKind) -> bool {
    let mut lexer = Lexer::new(shell);
    for line in text.split('\n') {
        lexer.line(line);
    }
    lexer.at_top_level()
}

/// The variables a line unsets: `unset [-v] A B`, `export -n A` (bash), fish `set -e A`.
#[must_use]
pub fn unset_vars(line: &str, shell: ShellKind) -> Vec<String> {
    let words: Vec<&str> = line
        .split('#')
        .next()
        .unwrap_or_default()
        .split(|c: char| c.is_whitespace() || c == ';')
        .filter(|w| !w.is_empty())
        .collect();
    let names = |rest: &[&str]| -> Vec<String> {
        rest.iter()
            .filter(|w| !w.starts_with('-'))
            .map(|w| (*w).to_string())
            .collect()
    };
    match (shell, words.as_slice()) {
        (ShellKind::Fish, ["set", rest @ ..]) => {
            let erase = rest.iter().any(|w| {
                *w == "--erase" || (w.starts_with('-') && !w.starts_with("--") && w.contains('e'))
            });
            if erase { names(rest) } else { Vec::new() }
        }
        (ShellKind::Fish, _) => Vec::new(),
        (_, ["unset", rest @ ..]) if !rest.contains(&"-f") => names(rest),
        (_, ["export", "-n", rest @ ..]) => names(rest),
        _ => Vec::new(),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quote {
    Single,
    Double,
    /// `$'…'`: backslash escapes inside.
    Ansi,
    Backtick,
}

struct Lexer {
    shell: ShellKind,
    stack: Vec<Block>,
    quote: Option<Quote>,
    continued: bool,
    /// Heredocs opened on the current line, read after it: (delimiter, strip leading tabs).
    pending: Vec<(String, bool)>,
    heredocs: std::collections::VecDeque<(String, bool)>,
    /// `name()` or `function name` was seen: the next block is the function's body.
    function_next: bool,
    command_position: bool,
    /// fish: the previous word was `else`.
    after_else: bool,
}

impl Lexer {
    fn new(shell: ShellKind) -> Self {
        Self {
            shell,
            stack: Vec::new(),
            quote: None,
            continued: false,
            pending: Vec::new(),
            heredocs: std::collections::VecDeque::new(),
            function_next: false,
            command_position: true,
            after_else: false,
        }
    }

    fn at_top_level(&self) -> bool {
        self.stack.is_empty() && self.quote.is_none() && !self.continued && self.heredocs.is_empty()
    }

    fn line(&mut self, line: &str) -> LineInfo {
        if let Some((delimiter, strip_tabs)) = self.heredocs.front() {
            let mut body = line.strip_suffix('\r').unwrap_or(line);
            if *strip_tabs {
                body = body.trim_start_matches('\t');
            }
            if body == delimiter {
                self.heredocs.pop_front();
            }
            return LineInfo {
                place: Place::Heredoc,
                runs_at_startup: false,
                editable: false,
            };
        }
        let place = if self.quote.is_some() || self.continued {
            Place::Continued
        } else if let Some(outer) = self.stack.first() {
            Place::Block(*outer)
        } else {
            Place::TopLevel
        };
        let runs_at_startup = match place {
            Place::TopLevel => true,
            Place::Block(_) => self.stack.iter().all(|b| *b == Block::Group),
            _ => false,
        };
        if !self.continued {
            self.command_position = true;
        }
        self.continued = false;
        self.scan(line);
        self.heredocs.extend(self.pending.drain(..));
        LineInfo {
            place,
            runs_at_startup,
            editable: place == Place::TopLevel && self.at_top_level(),
        }
    }

    fn scan(&mut self, line: &str) {
        let chars: Vec<char> = line.chars().collect();
        let fish = self.shell == ShellKind::Fish;
        let mut word = String::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            if let Some(q) = self.quote {
                match (q, c) {
                    (Quote::Single, '\\') if fish => i += 1,
                    (Quote::Double | Quote::Ansi | Quote::Backtick, '\\') => i += 1,
                    (Quote::Single | Quote::Ansi, '\'') | (Quote::Double, '"') => {
                        self.quote = None;
                    }
                    (Quote::Backtick, '`') => self.quote = None,
                    _ => {}
                }
                i += 1;
                continue;
            }
            match c {
                '\\' if next.is_none() || next == Some('\r') && i + 2 == chars.len() => {
                    self.continued = true;
                    break;
                }
                '\\' => {
                    word.push('x');
                    i += 1;
                }
                '\'' => {
                    word.push('q');
                    self.quote = Some(Quote::Single);
                }
                '"' => {
                    word.push('q');
                    self.quote = Some(Quote::Double);
                }
                '`' if !fish => {
                    word.push('q');
                    self.quote = Some(Quote::Backtick);
                }
                '$' if next == Some('\'') && !fish => {
                    word.push('q');
                    self.quote = Some(Quote::Ansi);
                    i += 1;
                }
                '$' if next == Some('(') => {
                    word.push('$');
                    self.stack.push(Block::Subshell);
                    self.command_position = true;
                    i += 1;
                }
                '#' if word.is_empty() => break,
                ' ' | '\t' | '\r' => self.word(&mut word),
                ';' | '&' | '|' => {
                    self.word(&mut word);
                    self.command_position = true;
                }
                '(' => {
                    let was_name = !word.is_empty() && !fish;
                    self.word(&mut word);
                    let rest: String = chars[i + 1..].iter().collect();
                    if was_name && rest.trim_start().starts_with(')') {
                        // `name()`: a function definition; its body follows.
                        self.function_next = true;
                        self.command_position = true;
                        i += 1 + rest.find(')').unwrap_or(0);
                    } else if self.function_next {
                        self.function_next = false;
                        self.stack.push(Block::Function);
                        self.command_position = true;
                    } else {
                        // In a case block `(pattern)` opens and closes here too.
                        self.stack.push(Block::Subshell);
                        self.command_position = true;
                    }
                }
                ')' => {
                    self.word(&mut word);
                    if matches!(self.stack.last(), Some(Block::Subshell | Block::Function)) {
                        self.stack.pop();
                    }
                    self.command_position = true;
                }
                '<' if !fish && next == Some('<') && chars.get(i + 2) != Some(&'<') => {
                    self.word(&mut word);
                    i = self.heredoc(&chars, i + 2);
                    continue;
                }
                '<' if next == Some('<') => {
                    // `<<<` here-string: one word, no body.
                    self.word(&mut word);
                    i += 2;
                }
                '<' | '>' => self.word(&mut word),
                _ => word.push(c),
            }
            i += 1;
        }
        if self.quote.is_none() {
            self.word(&mut word);
        }
    }

    /// Reads a heredoc's delimiter starting at `i` (just after `<<`); returns where to go on.
    fn heredoc(&mut self, chars: &[char], mut i: usize) -> usize {
        let strip_tabs = chars.get(i) == Some(&'-');
        if strip_tabs {
            i += 1;
        }
        while chars.get(i).is_some_and(|c| *c == ' ' || *c == '\t') {
            i += 1;
        }
        let mut delimiter = String::new();
        let mut quote: Option<char> = None;
        while let Some(&c) = chars.get(i) {
            match (quote, c) {
                (None, '\'' | '"') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, '\\') => {}
                (None, c) if c.is_whitespace() || ";&|<>()".contains(c) => break,
                (_, c) => delimiter.push(c),
            }
            i += 1;
        }
        if !delimiter.is_empty() {
            self.pending.push((delimiter, strip_tabs));
        }
        self.command_position = false;
        i
    }

    /// A finished word: a keyword in command position opens or closes a block.
    fn word(&mut self, word: &mut String) {
        if word.is_empty() {
            return;
        }
        let w = std::mem::take(word);
        if !self.command_position {
            self.after_else = false;
            return;
        }
        let mut next_is_command = false;
        if self.shell == ShellKind::Fish {
            let after_else = std::mem::take(&mut self.after_else);
            match w.as_str() {
                "function" => self.stack.push(Block::Function),
                // `else if` continues the same block.
                "if" if after_else => {}
                "if" => self.stack.push(Block::If),
                "while" | "for" => self.stack.push(Block::Loop),
                "switch" => self.stack.push(Block::Case),
                "begin" => {
                    self.stack.push(Block::Group);
                    next_is_command = true;
                }
                "end" => {
                    self.stack.pop();
                }
                "else" => {
                    self.after_else = true;
                    next_is_command = true;
                }
                "case" | "and" | "or" | "not" | "command" | "builtin" => {
                    next_is_command = true;
                }
                _ => {}
            }
            if w == "if" || w == "while" {
                next_is_command = true;
            }
        } else {
            match w.as_str() {
                "if" => {
                    self.stack.push(Block::If);
                    next_is_command = true;
                }
                "then" | "else" | "elif" | "do" | "!" | "time" => next_is_command = true,
                "fi" => self.pop_to(&[Block::If]),
                "case" => self.stack.push(Block::Case),
                "esac" => self.pop_to(&[Block::Case]),
                "for" | "select" => self.stack.push(Block::Loop),
                "while" | "until" => {
                    self.stack.push(Block::Loop);
                    next_is_command = true;
                }
                "done" => self.pop_to(&[Block::Loop]),
                "{" => {
                    let block = if std::mem::take(&mut self.function_next) {
                        Block::Function
                    } else {
                        Block::Group
                    };
                    self.stack.push(block);
                    next_is_command = true;
                }
                "}" => self.pop_to(&[Block::Group, Block::Function]),
                "function" => {
                    self.function_next = true;
                    // `function name {`: the name is not a command, the `{` is.
                    self.command_position = true;
                    return;
                }
                _ if self.function_next => {
                    // The name after `function`; the body comes next.
                    return;
                }
                _ => {}
            }
        }
        self.command_position = next_is_command;
    }

    fn pop_to(&mut self, kinds: &[Block]) {
        if let Some(at) = self.stack.iter().rposition(|b| kinds.contains(b)) {
            self.stack.truncate(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places(text: &str, shell: ShellKind) -> Vec<Place> {
        classify(text, shell).iter().map(|l| l.place).collect()
    }

    use Place::{Block as In, Continued, Heredoc, TopLevel};

    #[test]
    fn posix_layouts() {
        let text = "export A=1\ncat > f <<'EOF'\nexport A=2\nEOF\nf() {\n  export A=3\n}\nif false; then\n  export A=4\nfi\nB=\"x\nexport A=5\"\n( export A=6 )\n(\n export A=7\n)\ncase $x in\n a) export A=8;;\nesac\nfor i in 1; do\n export A=9\ndone\nfunction g {\n export A=10\n}\n{\n export A=11\n}\necho a \\\n export A=12\nexport A=13";
        assert_eq!(
            places(text, ShellKind::Bash),
            vec![
                TopLevel,
                TopLevel,
                Heredoc,
                Heredoc,
                TopLevel,
                In(Block::Function),
                In(Block::Function),
                TopLevel,
                In(Block::If),
                In(Block::If),
                TopLevel,
                Continued,
                TopLevel,
                TopLevel,
                In(Block::Subshell),
                In(Block::Subshell),
                TopLevel,
                In(Block::Case),
                In(Block::Case),
                TopLevel,
                In(Block::Loop),
                In(Block::Loop),
                TopLevel,
                In(Block::Function),
                In(Block::Function),
                TopLevel,
                In(Block::Group),
                In(Block::Group),
                TopLevel,
                Continued,
                TopLevel,
            ]
        );
        let info = classify(text, ShellKind::Bash);
        assert!(info[0].editable && !info[10].editable && info[26].runs_at_startup);
    }

    #[test]
    fn heredoc_variants_and_herestrings() {
        let text = "cat <<-  \"END\" >x\n\texport A=1\n\tEND\ncat <<< \"$A\"\nexport A=2";
        assert_eq!(
            places(text, ShellKind::Zsh),
            vec![TopLevel, Heredoc, Heredoc, TopLevel, TopLevel]
        );
        assert!(!ends_at_top_level("cat <<EOF\nexport A=1\n", ShellKind::Sh));
        assert!(ends_at_top_level("x=$(echo ')')\n", ShellKind::Sh));
    }

    #[test]
    fn fish_layouts() {
        let text = "set -gx A 1\nfunction f\n  set -gx A 2\nend\nif false\n  set -gx A 3\nend\nbegin\n  set -gx A 4\nend\nset -l s 'a\nset -gx A 5'\nset -gx A 6";
        assert_eq!(
            places(text, ShellKind::Fish),
            vec![
                TopLevel,
                TopLevel,
                In(Block::Function),
                In(Block::Function),
                TopLevel,
                In(Block::If),
                In(Block::If),
                TopLevel,
                In(Block::Group),
                In(Block::Group),
                TopLevel,
                Continued,
                TopLevel,
            ]
        );
    }

    #[test]
    fn unsets() {
        assert_eq!(
            unset_vars("unset -v A B # x", ShellKind::Bash),
            vec!["A", "B"]
        );
        assert_eq!(unset_vars("export -n A", ShellKind::Bash), vec!["A"]);
        assert!(unset_vars("unset -f A", ShellKind::Bash).is_empty());
        assert_eq!(unset_vars("set -e A", ShellKind::Fish), vec!["A"]);
        assert_eq!(
            unset_vars("set --erase --global A", ShellKind::Fish),
            vec!["A"]
        );
        assert!(unset_vars("set -gx A 1", ShellKind::Fish).is_empty());
    }
}
