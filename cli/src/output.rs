//! What the commands print: JSON, tables and lines on stdout; warnings,
//! errors and progress on stderr.
//!
//! - Every write to stdout goes through [`Stdout`]: a reader that closed the
//!   pipe early (`drata … | head -1`) ends the command quietly; any other
//!   write error (a full disk) is an error, never a panic.
//! - Text from the server or a user file is shown through [`text`], which
//!   makes control characters visible instead of letting the terminal act
//!   on them. JSON output is exact JSON (control characters escaped by the
//!   JSON writer).
//! - Progress is drawn on stderr, only when stderr is a terminal.

use std::borrow::Cow;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use unicode_width::UnicodeWidthStr;

use crate::Failure;

/// Standard output, buffered, with write errors as [`Failure`]s.
pub struct Stdout {
    out: std::io::BufWriter<std::io::Stdout>,
}

impl Stdout {
    pub fn new() -> Self {
        Self { out: std::io::BufWriter::new(std::io::stdout()) }
    }

    /// Writes a line (the text as given: callers pass server text through [`text`]).
    pub fn line(&mut self, line: &str) -> Result<(), Failure> {
        writeln!(self.out, "{line}").map_err(Failure::Output)
    }

    /// Writes a value as pretty JSON and a line break.
    pub fn json<T: serde::Serialize>(&mut self, value: &T) -> Result<(), Failure> {
        serde_json::to_writer_pretty(&mut self.out, value).map_err(|e| {
            if e.is_io() {
                Failure::Output(std::io::Error::from(e))
            } else {
                Failure::Api(format!("cannot print JSON: {e}"))
            }
        })?;
        self.line("")
    }

    /// Writes rows as a table: a header, then columns padded to their
    /// widest cell (as a terminal shows it: wide characters count twice).
    pub fn table<const N: usize>(&mut self, header: [&str; N], rows: &[[String; N]]) -> Result<(), Failure> {
        let mut widths = header.map(UnicodeWidthStr::width);
        for row in rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.width());
            }
        }
        let header = header.map(str::to_string);
        for row in std::iter::once(&header).chain(rows) {
            let mut line = String::new();
            for (i, (cell, width)) in row.iter().zip(widths).enumerate() {
                if i > 0 {
                    line.push_str("  ");
                }
                line.push_str(cell);
                line.extend(std::iter::repeat_n(' ', width.saturating_sub(cell.width())));
            }
            self.line(line.trim_end())?;
        }
        Ok(())
    }

    /// Writes everything out.
    pub fn flush(&mut self) -> Result<(), Failure> {
        self.out.flush().map_err(Failure::Output)
    }
}

/// Text for a terminal: control characters (and the bidirectional
/// overrides that reorder what is shown) written as visible escapes, so
/// that text from a server or a file cannot move the cursor, recolour,
/// retitle the terminal or fake a line.
pub fn text(value: &str) -> Cow<'_, str> {
    let unsafe_char =
        |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !value.chars().any(unsafe_char) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if unsafe_char(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A message for stderr: each of its lines through [`text`] (the message's
/// own line breaks stay).
pub fn message(value: &str) -> String {
    value.split('\n').map(text).collect::<Vec<_>>().join("\n")
}

/// Writes a line on stderr; a stderr that cannot be written is ignored.
pub fn eprint_line(line: &str) {
    let _ = writeln!(std::io::stderr(), "{}", message(line));
}

/// A warning on stderr.
pub fn warn(line: &str) {
    eprint_line(&format!("warning: {line}"));
}

/// Whether progress may be drawn: only on a terminal.
pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

fn draw_target() -> ProgressDrawTarget {
    if stderr_is_terminal() { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() }
}

/// A bar counting items of a listing; its length is set once known.
pub fn items_bar(what: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, draw_target());
    if let Ok(style) = ProgressStyle::with_template(&format!("{{spinner}} {{pos}} {what}")) {
        bar.set_style(style);
    }
    bar
}

/// Gives an items bar its length and a bar of that length.
pub fn set_items_total(bar: &ProgressBar, what: &str, total: u64) {
    if bar.length() == Some(total) || total == 0 {
        return;
    }
    bar.set_length(total);
    if let Ok(style) = ProgressStyle::with_template(&format!("{{bar:30}} {{pos}}/{{len}} {what}")) {
        bar.set_style(style);
    }
}

/// A bar of bytes sent, for an upload.
pub fn bytes_bar(what: &str, total: u64) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total), draw_target());
    if let Ok(style) = ProgressStyle::with_template(&format!(
        "{{bar:30}} {{bytes}}/{{total_bytes}} {{bytes_per_sec}} {what}"
    )) {
        bar.set_style(style);
    }
    bar
}

/// A spinner on stderr, drawn only on a terminal.
pub fn spinner(message: &str) -> ProgressBar {
    let spinner = ProgressBar::with_draw_target(None, draw_target());
    spinner.set_message(text(message).into_owned());
    spinner.enable_steady_tick(Duration::from_millis(120));
    spinner
}

/// Erases a progress line left on the terminal (after Ctrl-C) and shows
/// the cursor again.
pub fn clear_progress_line() {
    if stderr_is_terminal() {
        let _ = write!(std::io::stderr(), "\r\x1b[2K\x1b[?25h");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_not_acted_on() {
        assert_eq!(text("Okta production"), "Okta production");
        assert_eq!(text("evil\u{1b}]0;pwned\u{7}"), "evil\\u{1b}]0;pwned\\u{7}");
        assert_eq!(text("two\nlines\r\tand\u{7f}\u{9b}"), "two\\nlines\\r\\tand\\u{7f}\\u{9b}");
        assert_eq!(text("abc\u{202e}txt.exe"), "abc\\u{202e}txt.exe");
        assert_eq!(message("first\nsecond \u{1b}[31m"), "first\nsecond \\u{1b}[31m");
    }
}
