//! Reading a CSV file in bounded memory, whatever it holds.
//!
//! The `csv` crate keeps a whole record in memory, so one endless line (a
//! binary file, a file without line breaks, a quote that is never closed)
//! would cost as much memory as the file. [`Guarded`] sits between the file
//! and the CSV reader and refuses, with the line it happened on:
//! - a record longer than [`MAX_RECORD_BYTES`] (Drata's longest field is 768
//!   characters, a whole row about 2 KB);
//! - a quoted field still open at the end of the file;
//! - a NUL byte or a UTF-16 byte-order mark: the file is not UTF-8 text.
//!
//! It follows the quoting rules of the CSV reader (a `"` opens a quoted field
//! only at the start of a field; `""` inside is a quote; `\r`, `\n` and
//! `\r\n` end a record), so its idea of a record is the reader's.

use std::fmt;
use std::io::{self, Read};

/// The longest record (a line, or the lines of a quoted field that spans
/// several) a personnel CSV may have: 64 KiB.
pub const MAX_RECORD_BYTES: usize = 64 * 1024;

/// Why [`Guarded`] refused to read further.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The record starting on `line` is longer than the cap.
    TooLong { line: u64, cap: usize },
    /// The quoted field opened on `line` is never closed.
    UnclosedQuote { line: u64 },
    /// The file is not UTF-8 text: a NUL byte on `line`, or a UTF-16 mark.
    NotText { line: u64, utf16: bool },
}

impl Refusal {
    /// The line the problem is on.
    pub(crate) fn line(&self) -> u64 {
        match *self {
            Refusal::TooLong { line, .. }
            | Refusal::UnclosedQuote { line }
            | Refusal::NotText { line, .. } => line,
        }
    }

    /// The refusal carried by an error of the CSV reader, if it is one.
    pub(crate) fn of(error: &csv::Error) -> Option<Refusal> {
        match error.kind() {
            csv::ErrorKind::Io(io) => Refusal::of_io(io),
            _ => None,
        }
    }

    /// The refusal carried by an I/O error, if it is one.
    pub(crate) fn of_io(error: &io::Error) -> Option<Refusal> {
        error.get_ref().and_then(|e| e.downcast_ref::<Refusal>()).copied()
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Refusal::TooLong { cap, .. } => write!(
                f,
                "the line is longer than {} KiB, far more than a row of personnel takes (Drata's \
                 longest field is 768 characters); is this a CSV file, with a line break after each row?",
                cap / 1024
            ),
            Refusal::UnclosedQuote { .. } => f.write_str(
                "a quoted field starts here and is never closed: add the closing `\"` (a quote inside a \
                 quoted field is written `\"\"`)",
            ),
            Refusal::NotText { utf16: true, .. } => {
                f.write_str("the file is UTF-16 text; save it as CSV in UTF-8 (\"CSV UTF-8\" in Excel)")
            }
            Refusal::NotText { utf16: false, .. } => f.write_str(
                "the file has a NUL byte: it is not UTF-8 text (a UTF-16 or binary file?); save it as \
                 CSV in UTF-8",
            ),
        }
    }
}

impl std::error::Error for Refusal {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    FieldStart,
    InField,
    Quoted,
    QuoteInQuoted,
}

/// A reader that refuses what would make a CSV reader's memory grow with the
/// file; see the module's docs.
pub(crate) struct Guarded<R> {
    inner: R,
    cap: usize,
    state: State,
    /// The physical line being read (1-based).
    line: u64,
    record_line: u64,
    record_bytes: usize,
    quote_line: u64,
    started: bool,
}

impl<R: Read> Guarded<R> {
    pub(crate) fn new(inner: R) -> Self {
        Self::with_cap(inner, MAX_RECORD_BYTES)
    }

    pub(crate) fn with_cap(inner: R, cap: usize) -> Self {
        Self {
            inner,
            cap,
            state: State::FieldStart,
            line: 1,
            record_line: 1,
            record_bytes: 0,
            quote_line: 1,
            started: false,
        }
    }

    fn end_record(&mut self) {
        self.record_bytes = 0;
        self.record_line = self.line;
    }

    fn refuse(refusal: Refusal) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, refusal)
    }
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let Some(bytes) = buf.get(..n).filter(|b| !b.is_empty()) else {
            if self.state == State::Quoted {
                return Err(Self::refuse(Refusal::UnclosedQuote { line: self.quote_line }));
            }
            return Ok(0);
        };
        if !self.started {
            self.started = true;
            if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
                return Err(Self::refuse(Refusal::NotText { line: 1, utf16: true }));
            }
        }
        for &byte in bytes {
            if byte == 0 {
                return Err(Self::refuse(Refusal::NotText { line: self.line, utf16: false }));
            }
            self.record_bytes += 1;
            self.state = match (self.state, byte) {
                (State::Quoted, b'"') => State::QuoteInQuoted,
                (State::Quoted, b'\n') => {
                    self.line += 1;
                    State::Quoted
                }
                (State::Quoted, _) => State::Quoted,
                (State::QuoteInQuoted, b'"') => State::Quoted,
                (State::FieldStart, b'"') => {
                    self.quote_line = self.line;
                    State::Quoted
                }
                (_, b',') => State::FieldStart,
                (_, b'\n') => {
                    self.line += 1;
                    self.end_record();
                    State::FieldStart
                }
                (_, b'\r') => {
                    self.end_record();
                    State::FieldStart
                }
                _ => State::InField,
            };
            if self.record_bytes > self.cap {
                return Err(Self::refuse(Refusal::TooLong { line: self.record_line, cap: self.cap }));
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8], cap: usize) -> Result<Vec<u8>, Refusal> {
        let mut out = Vec::new();
        Guarded::with_cap(bytes, cap)
            .read_to_end(&mut out)
            .map(|_| out)
            .map_err(|e| Refusal::of_io(&e).expect("a refusal"))
    }

    #[test]
    fn short_records_pass_unchanged_whatever_their_quoting() {
        let text = b"a,\"b,\nc\"\"d\",e\r\nf,g\"h,i\n\"j\"k,l\n";
        assert_eq!(read_all(text, 16).as_deref(), Ok(&text[..]));
    }

    #[test]
    fn a_record_over_the_cap_is_refused_with_the_line_it_starts_on() {
        assert_eq!(read_all(b"ab\ncdefgh\n", 5), Err(Refusal::TooLong { line: 2, cap: 5 }));
        assert_eq!(read_all(b"ab\ncdefg\n", 5).map(|b| b.len()), Ok(9), "a record of exactly the cap passes");
        // A quoted field spanning lines is one record, counted from its first line.
        assert_eq!(read_all(b"x\n\"a\nb\nc\nd\"\n", 5), Err(Refusal::TooLong { line: 2, cap: 5 }));
    }

    #[test]
    fn lines_are_counted_inside_quoted_fields_and_records_end_at_any_line_break() {
        // Line 2 opens a quoted field over two lines; the NUL is on line 4.
        assert_eq!(read_all(b"h\n\"a\nb\",c\nd\0\n", 100), Err(Refusal::NotText { line: 4, utf16: false }));
        // An escaped quote keeps the field open: its line break is inside the record.
        assert_eq!(read_all(b"x\n\"a\"\"b\nc\"\n", 5), Err(Refusal::TooLong { line: 2, cap: 5 }));
        // A lone carriage return ends a record, as for the CSV reader.
        assert_eq!(read_all(b"abc\rdef\rghi\r", 5).map(|b| b.len()), Ok(12));
    }

    #[test]
    fn a_quote_in_the_middle_of_a_field_is_a_character_as_for_the_csv_reader() {
        // `5" tall` does not open a quoted field: the record ends at the line break.
        assert_eq!(read_all(b"1,5\" tall\n2,x\n", 9).map(|b| b.len()), Ok(14));
    }

    #[test]
    fn an_unclosed_quote_is_refused_with_the_line_it_opens_on() {
        assert_eq!(read_all(b"h\n1,\"open\n2,x\n", 100), Err(Refusal::UnclosedQuote { line: 2 }));
    }

    #[test]
    fn nul_bytes_and_utf16_are_not_text() {
        assert_eq!(read_all(b"a\nb\0c\n", 100), Err(Refusal::NotText { line: 2, utf16: false }));
        assert_eq!(read_all(b"\xff\xfei\0d\0", 100), Err(Refusal::NotText { line: 1, utf16: true }));
    }
}
