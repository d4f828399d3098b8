//! What the commands print: JSON, tables and lines on stdout; warnings,
//! errors and progress on stderr.
//!
//! - Every write to stdout goes through [`Stdout`]: a reader that closed the
//!   pipe early (`drata … | head -1`) ends the command quietly; any other
//!   write error (a full disk) is an error, never a panic.
//! - Text from the server or a user file is shown through [`text`], which
//!   makes control characters visible instead of letting the terminal act
//!   on them. JSON output is exact JSON, whose one writer escapes the same
//!   characters (`\u009b`, `\u202e`): a parser reads the value as sent.
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
        write_json(&mut self.out, value, true).map_err(json_failure)?;
        self.line("")
    }

    /// Writes a line (the text as given: callers pass server text through [`text`]).
    pub fn line(&mut self, line: &str) -> Result<(), Failure> {
        writeln!(self.out, "{line}").map_err(Failure::Output)
    }

    /// Writes a value as pretty JSON and a line break.
    pub fn json<T: serde::Serialize>(&mut self, value: &T) -> Result<(), Failure> {
        write_json(&mut self.out, value, self.compact).map_err(json_failure)?;
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

    /// Begins a JSON array written an item at a time as a listing's pages
    /// arrive (`--all` in JSON): `[` now, each item with
    /// [`JsonArray::item`], `]` with [`JsonArray::end`]. The bytes are those
    /// [`Stdout::json`] writes for the whole array at once, so memory stays
    /// that of one page whatever the listing's length.
    pub fn json_array(&mut self) -> Result<JsonArray, Failure> {
        write!(self.out, "[").map_err(Failure::Output)?;
        Ok(JsonArray { items: 0 })
    }

    /// Writes everything out.
    pub fn flush(&mut self) -> Result<(), Failure> {
        self.out.flush().map_err(Failure::Output)
    }
}

/// A JSON array on stdout under way ([`Stdout::json_array`]): how many
/// items it holds so far.
#[derive(Debug)]
#[must_use = "an array is closed with `end`"]
pub struct JsonArray {
    items: u64,
}

impl JsonArray {
    /// Writes one item of the array, laid out as it is inside the whole
    /// array (pretty: on its own lines, indented; `ndjson`'s compact form:
    /// after a comma), through the one JSON writer: an item kept as Drata
    /// sent it ([`drata::Tolerant`]) is written as its text came, escaped.
    pub fn item<T: serde::Serialize + ?Sized>(&mut self, out: &mut Stdout, value: &T) -> Result<(), Failure> {
        // The item as the writer lays out an array of one, without its brackets.
        let mut one = Vec::new();
        write_json(&mut one, &[value], out.compact).map_err(json_failure)?;
        let inner = one.strip_prefix(b"[").and_then(|rest| rest.strip_suffix(b"]")).unwrap_or(&one);
        let inner = if out.compact { inner } else { inner.strip_suffix(b"\n").unwrap_or(inner) };
        if self.items > 0 {
            out.out.write_all(b",").map_err(Failure::Output)?;
        }
        out.out.write_all(inner).map_err(Failure::Output)?;
        self.items += 1;
        Ok(())
    }

    /// Closes the array (`[]` when it holds none) and ends the line.
    pub fn end(self, out: &mut Stdout) -> Result<(), Failure> {
        let close: &[u8] = if self.items == 0 || out.compact { b"]" } else { b"\n]" };
        out.out.write_all(close).map_err(Failure::Output)?;
        out.line("")
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

/// Writes `value` as JSON on stdout, outside any [`Stdout`]: the error
/// document of a failed command, pretty, or on one line when `compact`
/// (`--output ndjson`); what cannot be written is dropped.
pub fn print_json_line(value: &serde_json::Value, compact: bool) {
    let mut out = std::io::stdout().lock();
    if write_json(&mut out, value, compact).is_ok() {
        let _ = writeln!(out);
    }
}

/// Writes `value` as JSON, pretty or on one line (`compact`): the one
/// JSON writer of the command line's output, stdout's and stderr's alike.
/// Besides what JSON must escape, it escapes every character a terminal
/// would act on ([`acted_on`]: C1 controls, DEL, bidirectional controls)
/// as `\uXXXX`, so that the JSON a terminal shows cannot move the cursor
/// or reorder the line, and a parser reads the same value.
fn write_json<W: Write, T: serde::Serialize + ?Sized>(
    writer: W,
    value: &T,
    compact: bool,
) -> serde_json::Result<()> {
    if compact {
        value.serialize(&mut serde_json::Serializer::with_formatter(
            writer,
            Escaped(serde_json::ser::CompactFormatter),
        ))
    } else {
        value.serialize(&mut serde_json::Serializer::with_formatter(
            writer,
            Escaped(serde_json::ser::PrettyFormatter::new()),
        ))
    }
}

/// Writes `fragment` through `plain`, but each character `escaped` names
/// as JSON's `\uXXXX` (every such character is below U+10000).
fn escaping<W: ?Sized + Write>(
    writer: &mut W,
    fragment: &str,
    escaped: impl Fn(char) -> bool,
    mut plain: impl FnMut(&mut W, &str) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut start = 0;
    for (at, c) in fragment.char_indices() {
        if escaped(c) {
            plain(writer, &fragment[start..at])?;
            write!(writer, "\\u{:04x}", u32::from(c))?;
            start = at + c.len_utf8();
        }
    }
    plain(writer, &fragment[start..])
}

/// A JSON formatter that escapes, in strings (keys too), the characters
/// [`acted_on`] names that serde_json writes as they are (it escapes only
/// `"`, `\` and U+0000–U+001F), and leaves the rest to the formatter it
/// wraps. Only the layout of arrays and objects differs between the
/// compact and the pretty formatter, so those are delegated with strings;
/// numbers, `null` and booleans are written the same by both.
struct Escaped<F>(F);

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for Escaped<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        escaping(writer, fragment, acted_on, |writer, plain| self.0.write_string_fragment(writer, plain))
    }

    fn begin_string<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.0.begin_string(writer)
    }

    fn end_string<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.0.end_string(writer)
    }

    fn write_char_escape<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        char_escape: serde_json::ser::CharEscape,
    ) -> std::io::Result<()> {
        self.0.write_char_escape(writer, char_escape)
    }

    /// JSON kept as it came (an item of a listing, as Drata sent it): valid
    /// JSON, so a character from U+007F up is inside a string, where its
    /// escape is the same value; a C0 control there is white space between
    /// values, and stays.
    fn write_raw_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let in_a_string = |c: char| u32::from(c) >= 0x7f && acted_on(c);
        escaping(writer, fragment, in_a_string, |writer, plain| self.0.write_raw_fragment(writer, plain))
    }

    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.0.begin_array(writer)
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.0.end_array(writer)
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> std::io::Result<()> {
        self.0.begin_array_value(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(writer)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.0.begin_object(writer)
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.0.end_object(writer)
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> std::io::Result<()> {
        self.0.begin_object_key(writer, first)
    }

    fn end_object_key<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.0.end_object_key(writer)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(writer)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(writer)
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

/// Whether a terminal acts on `c` instead of showing it: a control
/// character (U+0000–U+001F, DEL, the C1 controls U+0080–U+009F, among them
/// U+009B, which opens an escape sequence as ESC [ does), or a
/// bidirectional control that reorders what is shown (U+061C, U+200E,
/// U+200F, U+202A–U+202E, U+2066–U+2069). [`text`] and the JSON writer
/// escape the same characters.
pub fn acted_on(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text for a terminal: the characters it would act on ([`acted_on`])
/// written as visible escapes, so that text from a server or a file cannot
/// move the cursor, recolour, retitle the terminal, reorder a line or fake
/// one.
pub fn text(value: &str) -> Cow<'_, str> {
    if !value.chars().any(acted_on) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if acted_on(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
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
        assert_eq!(text("\u{61c}a\u{200e}b\u{200f}c\u{2069}"), "\\u{61c}a\\u{200e}b\\u{200f}c\\u{2069}");
    }

    #[test]
    fn json_escapes_what_a_terminal_acts_on_and_parses_back_to_the_same_value() {
        let value =
            "csi\u{9b}31m rlo\u{202e}txt.exe del\u{7f} esc\u{1b} lrm\u{200e} isolate\u{2066} ok é 日本";
        let document = serde_json::json!({"alias\u{9b}": value, "list": [value]});
        for compact in [true, false] {
            let mut bytes = Vec::new();
            write_json(&mut bytes, &document, compact).expect("written");
            let written = String::from_utf8(bytes).expect("UTF-8");
            assert!(
                written.chars().all(|c| c == '\n' || !acted_on(c)),
                "nothing a terminal acts on: {written:?}"
            );
            assert!(
                written.contains(
                    r#""csi\u009b31m rlo\u202etxt.exe del\u007f esc\u001b lrm\u200e isolate\u2066 ok é 日本""#
                ),
                "{written}"
            );
            assert!(written.contains(r#""alias\u009b""#), "keys too: {written}");
            let read: serde_json::Value = serde_json::from_str(&written).expect("valid JSON");
            assert_eq!(read, document);
        }
        let mut compact = Vec::new();
        write_json(&mut compact, &document, true).expect("written");
        assert!(!compact.contains(&b'\n'), "one line");
        let mut pretty = Vec::new();
        write_json(&mut pretty, &document, false).expect("written");
        let mut expected = serde_json::to_string_pretty(&document).expect("pretty");
        for c in ['\u{9b}', '\u{202e}', '\u{7f}', '\u{200e}', '\u{2066}'] {
            expected = expected.replace(c, &format!("\\u{:04x}", u32::from(c)));
        }
        assert_eq!(String::from_utf8_lossy(&pretty), expected, "the layout of serde_json's pretty printer");
    }

    /// What `items` streamed through a [`JsonArray`] write, pretty or compact.
    fn streamed(items: &[serde_json::Value], compact: bool) -> String {
        let (sink, written) = Shared::new();
        let mut out = Stdout { out: std::io::BufWriter::new(Box::new(sink)), compact };
        let mut array = out.json_array().expect("begun");
        out.flush().expect("flushed");
        assert_eq!(written.text(), "[", "the bracket is out before any item");
        for item in items {
            array.item(&mut out, item).expect("item");
            out.flush().expect("flushed");
            assert!(written.text().ends_with('}'), "each item is out as it is written: {}", written.text());
        }
        array.end(&mut out).expect("ended");
        out.flush().expect("flushed");
        written.text()
    }

    /// A writer whose bytes the test can read while it is in use.
    #[derive(Clone)]
    struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl Shared {
        fn new() -> (Self, Self) {
            let shared = Self(std::sync::Arc::default());
            (shared.clone(), shared)
        }

        fn text(&self) -> String {
            String::from_utf8(self.0.lock().expect("bytes").clone()).expect("UTF-8")
        }
    }

    impl Write for Shared {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("bytes").extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_streamed_array_is_written_as_it_goes_and_is_the_whole_array_s_bytes() {
        let items = vec![
            serde_json::json!({"id": 1, "alias": "csi\u{9b}31m", "list": [1, {"a": null}]}),
            serde_json::json!({"id": 2, "nested": {"deep": ["x"]}}),
            serde_json::json!({"id": 3}),
        ];
        for compact in [false, true] {
            let mut whole = Vec::new();
            write_json(&mut whole, &items, compact).expect("written");
            whole.push(b'\n');
            assert_eq!(
                streamed(&items, compact),
                String::from_utf8(whole).expect("UTF-8"),
                "compact: {compact}"
            );
            assert_eq!(streamed(&[], compact), "[]\n", "an empty listing");
        }
    }

    #[test]
    fn json_kept_as_drata_sent_it_is_escaped_the_same_way() {
        // An item is written back as its text came: raw characters in its
        // strings, and its own white space between values.
        let sent = "{\n\t\"id\": 7, \"alias\": \"csi\u{9b}31m rlo\u{202e}txt\"\r\n}";
        let item: drata::Tolerant<drata::types::CompactConnection> =
            serde_json::from_str(sent).expect("an item");
        let mut bytes = Vec::new();
        write_json(&mut bytes, &[&item], true).expect("written");
        let written = String::from_utf8(bytes).expect("UTF-8");
        assert_eq!(written, "[{\n\t\"id\": 7, \"alias\": \"csi\\u009b31m rlo\\u202etxt\"\r\n}]");
        let read: serde_json::Value = serde_json::from_str(&written).expect("valid JSON");
        assert_eq!(read[0]["alias"], "csi\u{9b}31m rlo\u{202e}txt");
    }
}
