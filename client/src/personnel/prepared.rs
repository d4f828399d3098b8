//! [`PersonnelCsv`]: a personnel CSV checked once and rewritten in Drata's
//! form, ready to upload.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use super::csv::{CsvPerson, CsvSummary, walk};
use super::error::PersonnelError;
use super::report::ValidationReport;
use super::seen::SeenKeys;

/// A personnel CSV, checked the way Drata documents it and rewritten in
/// Drata's form: the documented columns in the documented order, values
/// trimmed, booleans `true`/`false`, no byte-order mark, no blank lines, no
/// other columns. The rewritten copy is what an upload sends, so what was
/// checked is exactly what Drata receives.
///
/// The source is read once (a pipe such as `/dev/stdin` works), in memory
/// bounded whatever its size; the copy (and, for a large file, a spill of
/// its ids and emails) lives in temporary files removed when the value is
/// dropped.
///
/// ```
/// # fn main() -> Result<(), drata::personnel::PersonnelError> {
/// let text = "ID, First_Name,last_name,email,is_contractor,mfa,notes\n\
///             233,  Neil ,Armstrong,neil@example.com,No,YES,first man on the moon\n";
/// let csv = drata::personnel::PersonnelCsv::from_reader(text.as_bytes(), "people.csv")?;
/// assert_eq!(csv.rows(), 1);
/// assert_eq!(csv.ignored_columns(), ["notes"]);
/// assert_eq!(
///     std::fs::read_to_string(csv.path()).unwrap(),
///     "id,first_name,last_name,email,avatar_url,is_contractor,mfa,job_title\n\
///      233,Neil,Armstrong,neil@example.com,,false,true,\n"
/// );
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct PersonnelCsv {
    copy: super::temp::TempFile,
    bytes: u64,
    summary: CsvSummary,
    file_name: String,
}

impl PersonnelCsv {
    /// Reads, checks and rewrites the personnel CSV at `path`.
    ///
    /// # Errors
    /// [`PersonnelError::File`] when the file cannot be read (or is a directory) or
    /// the copy cannot be written; [`PersonnelError::Invalid`] with every problem
    /// when the file is invalid.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, PersonnelError> {
        Self::from_path_with_limit(path.as_ref(), SeenKeys::LIMIT)
    }

    pub(crate) fn from_path_with_limit(path: &Path, limit: usize) -> Result<Self, PersonnelError> {
        let file_error = |source: io::Error| PersonnelError::File { path: PathBuf::from(path), source };
        if std::fs::metadata(path).map_err(file_error)?.is_dir() {
            return Err(file_error(io::Error::other("it is a directory, not a file")));
        }
        let file = File::open(path).map_err(file_error)?;
        Self::read(BufReader::new(file), upload_file_name(path), limit)
    }

    /// Reads, checks and rewrites a personnel CSV from `reader`; `file_name`
    /// is the name the upload gives the file.
    ///
    /// # Errors
    /// As [`PersonnelCsv::from_path`].
    pub fn from_reader(reader: impl Read, file_name: &str) -> Result<Self, PersonnelError> {
        Self::read(reader, upload_file_name(Path::new(file_name)), SeenKeys::LIMIT)
    }

    /// The one read of the source: rows checked, the copy written, repeats
    /// looked for (in the spill of keys past what memory holds).
    fn read(source: impl Read, file_name: String, limit: usize) -> Result<Self, PersonnelError> {
        let copy = super::temp::TempFile::new().map_err(temp_error)?;
        let mut writer = csv::Writer::from_writer(BufWriter::new(copy.file().map_err(temp_error)?));
        writer.write_record(super::csv_columns()).map_err(csv_temp_error)?;
        let mut seen = SeenKeys::bounded(limit).map_err(temp_error)?;
        let (summary, mut report) =
            walk(source, &mut seen, |person| write_row(&mut writer, person)).map_err(temp_error)?;
        let mut buffered = writer.into_inner().map_err(|e| temp_error(e.into_error()))?;
        buffered.flush().map_err(temp_error)?;
        drop(buffered);
        seen.check_other_partitions(&mut report).map_err(temp_error)?;
        if !report.is_empty() {
            return Err(PersonnelError::Invalid(report));
        }
        let bytes = copy.file().and_then(File::metadata).map_err(temp_error)?.len();
        Ok(Self { copy, bytes, summary, file_name })
    }

    /// The number of people.
    pub fn rows(&self) -> u64 {
        self.summary.rows
    }

    /// The size of the rewritten file, in bytes: what an upload sends.
    pub fn len(&self) -> u64 {
        self.bytes
    }

    /// Whether the rewritten file is empty (never: it has a header and a row).
    pub fn is_empty(&self) -> bool {
        self.bytes == 0
    }

    /// Columns of the source that are not Drata's: not checked, not sent.
    pub fn ignored_columns(&self) -> &[String] {
        &self.summary.ignored_columns
    }

    /// What the file holds.
    pub fn summary(&self) -> &CsvSummary {
        &self.summary
    }

    /// The rewritten file, as it is uploaded.
    pub fn path(&self) -> &Path {
        self.copy.path()
    }

    /// The file name the upload gives the file: the source's, without
    /// characters a multipart header cannot carry.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }
}

fn write_row<W: Write>(writer: &mut csv::Writer<W>, p: &CsvPerson) -> io::Result<()> {
    let flag = |b: bool| if b { "true" } else { "false" };
    writer
        .write_record([
            p.id.as_str(),
            &p.first_name,
            &p.last_name,
            &p.email,
            p.avatar_url.as_deref().unwrap_or(""),
            flag(p.contractor),
            flag(p.mfa),
            p.job_title.as_deref().unwrap_or(""),
        ])
        .map_err(|e| match e.into_kind() {
            csv::ErrorKind::Io(e) => e,
            other => io::Error::other(format!("{other:?}")),
        })
}

fn temp_error(source: io::Error) -> PersonnelError {
    PersonnelError::File { path: std::env::temp_dir().join("(temporary copy of the CSV)"), source }
}

fn csv_temp_error(error: csv::Error) -> PersonnelError {
    match error.into_kind() {
        csv::ErrorKind::Io(source) => temp_error(source),
        other => temp_error(io::Error::other(format!("{other:?}"))),
    }
}

/// The base name of `path` without control characters, quotes or
/// backslashes, which would break the multipart part's header.
fn upload_file_name(path: &Path) -> String {
    let name: String = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_control() || c == '"' || c == '\\' { '_' } else { c })
        .collect();
    if name.trim().is_empty() { "personnel.csv".to_string() } else { name }
}

/// Validates the personnel CSV at `path` (see [`PersonnelCsv`]), in memory
/// bounded whatever the file's size: past about 450,000 ids and emails,
/// repeats are looked for in passes over a spill of the keys.
///
/// ```no_run
/// let summary = drata::personnel::validate_csv_file("people.csv")?;
/// println!("{} people", summary.rows);
/// # Ok::<(), drata::personnel::PersonnelError>(())
/// ```
///
/// # Errors
/// [`PersonnelError::File`] if the file cannot be read, [`PersonnelError::Invalid`] if it is invalid.
pub fn validate_csv_file(path: impl AsRef<Path>) -> Result<CsvSummary, PersonnelError> {
    PersonnelCsv::from_path(path).map(|csv| csv.summary.clone())
}

/// Validates a personnel CSV, streaming it row by row. To find repeated
/// ids and emails it keeps about 20 bytes per row; for files of any size use
/// [`validate_csv_file`] or [`PersonnelCsv`], which can read the file again
/// instead.
///
/// ```
/// let csv = "id,first_name,last_name,email,avatar_url,is_contractor,mfa,job_title\n\
///            233,Neil,Armstrong,neil@example.com,,no,YES,Astronaut\n";
/// assert_eq!(drata::personnel::validate_csv(csv.as_bytes()).unwrap().rows, 1);
/// ```
///
/// # Errors
/// A [`ValidationReport`] with every problem found.
pub fn validate_csv<R: Read>(reader: R) -> Result<CsvSummary, ValidationReport> {
    let (summary, report) = match walk(reader, &mut SeenKeys::unbounded(), |_| Ok(())) {
        Ok(walked) => walked,
        Err(never) => return Err(unreachable_report(never)),
    };
    report.into_result(summary)
}

/// `walk` fails only when its callback does; a callback that cannot fail
/// never gets here, but the report still says something sensible.
fn unreachable_report(e: io::Error) -> ValidationReport {
    let mut report = ValidationReport::default();
    report.push(0, None, format!("cannot read the file: {e}"));
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Drata's header row, from the spec, and a line break.
    fn header() -> String {
        super::super::csv_header() + "\n"
    }

    #[test]
    fn the_checked_copy_is_described_by_its_accessors() {
        let text = "ID, First_Name,last_name,email,is_contractor,mfa,notes\n\
                    233,  Neil ,Armstrong,neil@example.com,No,YES,first man on the moon\n\
                    234,Buzz,Aldrin,buzz@example.com,no,yes,\n";
        let csv = PersonnelCsv::from_reader(text.as_bytes(), "people.csv").unwrap();
        let copy = std::fs::read_to_string(csv.path()).unwrap();
        assert_eq!(
            copy,
            "id,first_name,last_name,email,avatar_url,is_contractor,mfa,job_title\n\
             233,Neil,Armstrong,neil@example.com,,false,true,\n\
             234,Buzz,Aldrin,buzz@example.com,,false,true,\n"
        );
        assert_eq!((csv.rows(), csv.len(), csv.is_empty()), (2, copy.len() as u64, false));
        assert_eq!(csv.ignored_columns(), ["notes"]);
        assert_eq!(csv.summary(), &CsvSummary { rows: 2, ignored_columns: vec!["notes".into()] });
    }

    /// Files too big for the key table are checked in several passes and
    /// report exactly what one unbounded pass reports.
    #[test]
    fn repeated_keys_are_found_across_partitions_with_a_tiny_table() {
        let mut csv = header();
        for i in 0..300 {
            // Every 7th row repeats an earlier id, every 11th an earlier
            // email (in other letters); row 100 is also invalid.
            let id = if i % 7 == 6 { i / 3 } else { i };
            let email = match i {
                100 => "nope".to_string(),
                _ if i % 11 == 10 => format!("P{}@Example.com", i / 2),
                _ => format!("p{i}@example.com"),
            };
            csv += &format!("{id},First,Last,{email},,no,yes,\n");
        }
        let source = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(source.path(), &csv).unwrap();
        let expected = validate_csv(csv.as_bytes()).unwrap_err();
        // 28 repeated ids, 14 repeated emails, 1 invalid email (counted by brute force).
        assert_eq!(expected.problems.len(), 43, "{expected}");
        for limit in [2, 3, 8, 50, SeenKeys::LIMIT] {
            let mut first = SeenKeys::bounded(limit).unwrap();
            let _ = walk(csv.as_bytes(), &mut first, |_| Ok(())).unwrap();
            match PersonnelCsv::from_path_with_limit(source.path(), limit) {
                Err(PersonnelError::Invalid(report)) => assert_eq!(report, expected, "limit {limit}"),
                other => panic!("expected a validation error, got {other:?}"),
            }
            // The small tables really split the work into passes.
            assert_eq!(first.passes() > 1, limit < 300, "limit {limit}: {} passes", first.passes());
        }
    }

    #[test]
    fn a_pipe_is_read_once_and_checked_like_a_file() {
        let header = header();
        let csv = format!("{header}1,Ada,Lovelace,ada@example.com,,no,yes,Engineer\n");
        let prepared = PersonnelCsv::from_reader(csv.as_bytes(), "in\"put\n.csv").unwrap();
        assert_eq!((prepared.rows(), prepared.file_name()), (1, "in_put_.csv"));
        assert_eq!(
            std::fs::read_to_string(prepared.path()).unwrap(),
            format!("{header}1,Ada,Lovelace,ada@example.com,,false,true,Engineer\n")
        );
    }

    #[test]
    fn a_one_gib_file_without_line_breaks_is_refused_at_its_first_line() {
        // `truncate -s 1G x.csv`: a sparse file of NUL bytes, read only as far
        // as the first refusal.
        let file = tempfile::NamedTempFile::new().unwrap();
        file.as_file().set_len(1 << 30).unwrap();
        let Err(PersonnelError::Invalid(report)) = PersonnelCsv::from_path(file.path()) else {
            panic!("a file of NUL bytes is not a CSV")
        };
        assert_eq!(
            report.to_string(),
            "1 problem(s)\n  row 1: the file has a NUL byte: it is not UTF-8 text (a UTF-16 or binary file?); save it as CSV in UTF-8"
        );
        // One endless line of text is refused after 64 KiB.
        let mut text = std::fs::File::create(file.path()).unwrap();
        let line = vec![b'a'; 1 << 20];
        for _ in 0..16 {
            std::io::Write::write_all(&mut text, &line).unwrap();
        }
        let Err(PersonnelError::Invalid(report)) = PersonnelCsv::from_path(file.path()) else {
            panic!("a 16 MiB line is not a row")
        };
        assert!(report.problems[0].message.starts_with("the line is longer than 64 KiB"), "{report}");
    }

    #[test]
    fn a_directory_is_named_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let error = PersonnelCsv::from_path(dir.path()).unwrap_err();
        assert!(error.to_string().contains("it is a directory, not a file"), "{error}");
    }

    #[test]
    fn a_file_is_validated_with_what_it_holds_or_every_problem() {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), header() + "7,Ada,Lovelace,ada@example.com,,no,yes,\n").unwrap();
        assert_eq!(validate_csv_file(file.path()).unwrap(), CsvSummary { rows: 1, ignored_columns: vec![] });
        std::fs::write(file.path(), header() + "7,Ada,Lovelace,ada,,no,yes,\n").unwrap();
        match validate_csv_file(file.path()) {
            Err(PersonnelError::Invalid(report)) => {
                assert_eq!(
                    report.to_string(),
                    "1 problem(s)\n  row 2, email: \"ada\" is not an email address"
                );
            }
            other => panic!("expected the problem, got {other:?}"),
        }
    }
}
