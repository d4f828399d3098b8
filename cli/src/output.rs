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
use drata_cli::args::OutputFormat;

/// What stdout gets (`--output`, with `auto` resolved).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Tables and lines of text.
    Table,
    /// Pretty JSON.
    Json,
    /// One JSON value a line; a listing's items one a line.
    Ndjson,
}

impl Format {
    /// `--output` and `--json` as given: `--json` is `--output json`, and
    /// `auto` (the default) a table when stdout is a terminal, else JSON.
    pub fn resolve(output: Option<OutputFormat>, json: bool) -> Self {
        match (json, output.unwrap_or(OutputFormat::Auto)) {
            (true, _) | (false, OutputFormat::Json) => Format::Json,
            (false, OutputFormat::Ndjson) => Format::Ndjson,
            (false, OutputFormat::Table) => Format::Table,
            (false, OutputFormat::Auto) if std::io::stdout().is_terminal() => Format::Table,
            (false, OutputFormat::Auto) => Format::Json,
        }
    }
}

/// Standard output, buffered, with write errors as [`Failure`]s.
pub struct Stdout {
    out: std::io::BufWriter<Box<dyn Write + Send>>,
    /// JSON on one line (`--output ndjson`).
    compact: bool,
}

impl Stdout {
    pub fn new() -> Self {
        Self { out: std::io::BufWriter::new(Box::new(std::io::stdout())), compact: false }
    }

    /// The same writes, to standard error: a command's narrative when its
    /// standard output is one JSON document (`drata --json demo`).
    pub fn stderr() -> Self {
        Self { out: std::io::BufWriter::new(Box::new(std::io::stderr())), compact: false }
    }

    /// Writes JSON on one line from now on (`--output ndjson`).
    pub fn set_compact(&mut self, compact: bool) {
        self.compact = compact;
    }

    /// Writes one item of a streamed listing as a line of JSON, and sends
    /// it on at once (`--output ndjson --all`: each page as it arrives).
    pub fn item<T: serde::Serialize>(&mut self, value: &T) -> Result<(), Failure> {
        serde_json::to_writer(&mut self.out, value).map_err(json_failure)?;
        self.line("")
    }

    /// Writes a line (the text as given: callers pass server text through [`text`]).
    pub fn line(&mut self, line: &str) -> Result<(), Failure> {
        writeln!(self.out, "{line}").map_err(Failure::Output)
    }

    /// Writes a value as pretty JSON and a line break.
    pub fn json<T: serde::Serialize>(&mut self, value: &T) -> Result<(), Failure> {
        if self.compact {
            serde_json::to_writer(&mut self.out, value).map_err(json_failure)?;
        } else {
            serde_json::to_writer_pretty(&mut self.out, value).map_err(json_failure)?;
        }
        self.line("")
    }

    /// Writes the JSON `body` Drata sent, exactly as it came (every field,
    /// unknown and null ones included), pretty-printed; `null` for none.
    pub fn raw_json(&mut self, body: &[u8]) -> Result<(), Failure> {
        // An answer without a body (a 204, an empty 200) is JSON's `null`,
        // as the client reads it, so a script's JSON parser always has a value.
        if body.trim_ascii().is_empty() {
            return self.json(&serde_json::Value::Null);
        }
        match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(value) => self.json(&value),
            // Only a body the client decoded comes here; keep it as it is.
            Err(_) => self.line(&text(&String::from_utf8_lossy(body))),
        }
    }

    /// Writes rows as a table: a header, then columns padded to their
    /// widest cell (as a terminal shows it: wide characters count twice),
    /// narrowed to the terminal's width when it is one (or to `COLUMNS`):
    /// the widest columns first, their long cells cut with `…`.
    pub fn table<const N: usize>(&mut self, header: [&str; N], rows: &[[String; N]]) -> Result<(), Failure> {
        let header = header.map(str::to_string);
        self.rows(&header, rows.iter().map(|row| row.as_slice()))
    }

    /// [`Stdout::table`] with columns known when the program runs (a
    /// listing's, from the spec).
    pub fn rows<'a>(
        &mut self,
        header: &'a [String],
        rows: impl Iterator<Item = &'a [String]> + Clone,
    ) -> Result<(), Failure> {
        let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
        for row in rows.clone() {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.width());
            }
        }
        if let Some(limit) = table_width() {
            fit(&mut widths, limit);
        }
        for row in std::iter::once(header).chain(rows) {
            let mut line = String::new();
            for (i, (cell, &width)) in row.iter().zip(&widths).enumerate() {
                if i > 0 {
                    line.push_str("  ");
                }
                let cell = cut_to(cell, width);
                line.push_str(&cell);
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

/// The narrowest a column is cut to.
const MIN_COLUMN: usize = 6;

/// The width tables fit: the terminal's when stdout is one, else `COLUMNS`
/// when set (a script or a test that wants a width), else none.
fn table_width() -> Option<usize> {
    if std::io::stdout().is_terminal() {
        let (_, columns) = console::Term::stdout().size_checked()?;
        return Some(usize::from(columns));
    }
    std::env::var("COLUMNS").ok()?.trim().parse().ok().filter(|w| *w > 0)
}

fn json_failure(e: serde_json::Error) -> Failure {
    if e.is_io() {
        Failure::Output(std::io::Error::from(e))
    } else {
        Failure::Api(format!("cannot print JSON: {e}"))
    }
}

/// Narrows `widths` (with two spaces between columns) to `limit`, taking a
/// character at a time from the widest column, none below [`MIN_COLUMN`].
fn fit(widths: &mut [usize], limit: usize) {
    let count = widths.len();
    let total = |widths: &[usize]| widths.iter().sum::<usize>() + 2 * count.saturating_sub(1);
    while total(widths) > limit {
        let Some(widest) = widths.iter_mut().filter(|w| **w > MIN_COLUMN).max_by_key(|w| **w) else { break };
        *widest -= 1;
    }
}

/// `cell` cut to `width` columns, ending in `…` when cut.
fn cut_to(cell: &str, width: usize) -> Cow<'_, str> {
    if cell.width() <= width {
        return Cow::Borrowed(cell);
    }
    let mut out = String::new();
    let mut used = 0;
    for c in cell.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    Cow::Owned(out)
}

/// Writes `value` as pretty JSON on stdout, outside any [`Stdout`]: the
/// error document of a failed command (what cannot be written is dropped).
pub fn print_json_line(value: &serde_json::Value) {
    let mut out = std::io::stdout().lock();
    if serde_json::to_writer_pretty(&mut out, value).is_ok() {
        let _ = writeln!(out);
    }
}

/// A timestamp as tables show every one, whatever Drata's rendering:
/// `2025-07-01 16:45 UTC`, or `2025-01-31` for a calendar day; as sent
/// when it is none of Drata's renderings.
pub fn timestamp(text: &str) -> String {
    let stamp = drata::Timestamp::from(text);
    match (stamp.format(), stamp.to_utc()) {
        (drata::TimestampFormat::DateString | drata::TimestampFormat::Date, Some(t)) => {
            t.format("%Y-%m-%d").to_string()
        }
        (_, Some(t)) => t.format("%Y-%m-%d %H:%M UTC").to_string(),
        (_, None) => text.to_string(),
    }
}

/// A list of plain values as one cell: `A,B,7` (an item that is not text
/// as its JSON).
pub fn joined(items: &[serde_json::Value]) -> String {
    items
        .iter()
        .map(|v| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(",")
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
    fn tables_narrow_their_widest_columns_and_cut_long_cells() {
        let mut widths = [2, 40, 10];
        fit(&mut widths, 30);
        assert_eq!(widths, [2, 14, 10]);
        let mut narrow = [10, 10];
        fit(&mut narrow, 5);
        assert_eq!(narrow, [MIN_COLUMN, MIN_COLUMN], "never below the narrowest column");
        assert_eq!(cut_to("ada-lovelace@example.com", 10), "ada-lovel…");
        assert_eq!(cut_to("short", 10), "short");
        assert_eq!(cut_to("日本語のテキスト", 7), "日本語…");
    }

    #[test]
    fn every_timestamp_rendering_shows_the_same_way() {
        assert_eq!(timestamp("2025-07-01T16:45:55.246Z"), "2025-07-01 16:45 UTC");
        assert_eq!(timestamp("2020-07-06 12:00:00.000000"), "2020-07-06 12:00 UTC");
        assert_eq!(timestamp("Fri Jan 31 2025"), "2025-01-31");
        assert_eq!(timestamp("soon"), "soon");
    }

    #[test]
    fn control_characters_are_shown_not_acted_on() {
        assert_eq!(text("Okta production"), "Okta production");
        assert_eq!(text("evil\u{1b}]0;pwned\u{7}"), "evil\\u{1b}]0;pwned\\u{7}");
        assert_eq!(text("two\nlines\r\tand\u{7f}\u{9b}"), "two\\nlines\\r\\tand\\u{7f}\\u{9b}");
        assert_eq!(text("abc\u{202e}txt.exe"), "abc\\u{202e}txt.exe");
        assert_eq!(message("first\nsecond \u{1b}[31m"), "first\nsecond \\u{1b}[31m");
    }
}
