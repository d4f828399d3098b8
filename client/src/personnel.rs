//! Personnel validation: check an IdP import the way Drata documents it,
//! before anything is sent, and convert a personnel CSV to a JSON list.
//!
//! Drata's CSV (article "Manual import connection for identity management"):
//!
//! | column | required | max length | accepted |
//! |---|---|---|---|
//! | `id` | yes | 191 | the person's primary id in the IdP |
//! | `first_name`, `last_name` | yes | 191 | letters, digits, space and `' - \| . , + : _ # & / ( [` |
//! | `email` | yes | 191 | an email address |
//! | `avatar_url` | no | 768 | a full `http(s)://` URL |
//! | `is_contractor`, `mfa` | yes | 16 | `1, 0, yes, no, true, false`, any case |
//! | `job_title` | no | 191 | text |
//!
//! The JSON list (`personnelData`) has the same fields under Drata's JSON
//! names, and a start `date` in ISO 8601 (`YYYY-MM-DDTHH:mm:ss`), American
//! (`MM/DD/YYYY`) or RFC 3339 form.
//!
//! Every problem is reported at once, with its row and column:
//!
//! ```
//! let csv = "id,first_name,last_name,email,avatar_url,is_contractor,mfa,job_title\n\
//!            1,Ada,Lovelace,ada@example.com,,no,yes,Engineer\n\
//!            2,,Turing,alan-at-example,,maybe,yes,\n";
//! let report = drata::personnel::validate_csv(csv.as_bytes()).unwrap_err();
//! let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
//! assert_eq!(problems, [
//!     "row 3, first_name: required, but empty",
//!     "row 3, email: \"alan-at-example\" is not an email address",
//!     "row 3, is_contractor: \"maybe\" is not a boolean; use 1, 0, yes, no, true or false",
//! ]);
//! ```

use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasher;
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, NaiveDateTime};

use crate::Error;
use crate::types::{PersonnelImport, PersonnelRecord};

/// Drata's CSV columns, in documented order.
pub const CSV_COLUMNS: [&str; 8] =
    ["id", "first_name", "last_name", "email", "avatar_url", "is_contractor", "mfa", "job_title"];

/// An optional extra CSV column of ours: a per-row start date for
/// [`csv_to_import`] (Drata's CSV has none).
pub const START_DATE_COLUMN: &str = "start_date";

/// The most problems a report lists; it counts the rest in
/// [`ValidationReport::omitted`].
pub const MAX_REPORTED_PROBLEMS: usize = 1000;

const MAX_ID: usize = 191;
const MAX_NAME: usize = 191;
const MAX_EMAIL: usize = 191;
const MAX_AVATAR_URL: usize = 768;
const MAX_BOOLEAN: usize = 16;
/// Drata documents no limit for the job title; 191 is our assumption, the
/// limit of its other text columns.
const MAX_JOB_TITLE: usize = 191;

/// One problem of a personnel import, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// For a CSV file, the 1-based line number (the header is line 1); for a
    /// JSON `personnelData` list, the 1-based position of the record.
    pub row: u64,
    /// The column (CSV) or field (JSON) at fault, when there is one.
    pub column: Option<String>,
    /// What is wrong, and what is accepted.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(f, "row {}, {column}: {}", self.row, self.message),
            None => write!(f, "row {}: {}", self.row, self.message),
        }
    }
}

/// Every problem found in a personnel import.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValidationReport {
    /// The problems, in file order, at most [`MAX_REPORTED_PROBLEMS`].
    pub problems: Vec<Problem>,
    /// How many more problems were found but not listed.
    pub omitted: u64,
}

impl ValidationReport {
    fn push(&mut self, row: u64, column: Option<&str>, message: impl Into<String>) {
        if self.problems.len() < MAX_REPORTED_PROBLEMS {
            self.problems.push(Problem { row, column: column.map(str::to_string), message: message.into() });
        } else {
            self.omitted += 1;
        }
    }

    fn is_empty(&self) -> bool {
        self.problems.is_empty() && self.omitted == 0
    }

    fn into_result<T>(self, value: T) -> Result<T, ValidationReport> {
        if self.is_empty() { Ok(value) } else { Err(self) }
    }
}

impl fmt::Display for ValidationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.problems.len() as u64 + self.omitted;
        write!(f, "{total} problem(s)")?;
        for problem in &self.problems {
            write!(f, "\n  {problem}")?;
        }
        if self.omitted > 0 {
            write!(f, "\n  … and {} more", self.omitted)?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationReport {}

/// What a valid CSV holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvSummary {
    /// The number of people (data rows).
    pub rows: u64,
}

/// Where each known column is in a CSV file.
struct Columns {
    index: HashMap<&'static str, usize>,
}

impl Columns {
    /// How many fields a row needs to reach every known column.
    fn width(&self) -> usize {
        self.index.values().max().map_or(0, |m| m + 1)
    }

    fn get<'r>(&self, record: &'r csv::ByteRecord, column: &str) -> Option<&'r [u8]> {
        self.index.get(column).and_then(|&i| record.get(i))
    }
}

/// Reads the header: every required column present, none twice.
fn read_header(header: &csv::ByteRecord, report: &mut ValidationReport) -> Columns {
    let mut index = HashMap::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, raw) in header.iter().enumerate() {
        let name = String::from_utf8_lossy(raw);
        let name = name.trim().trim_start_matches('\u{feff}').to_ascii_lowercase();
        if name.is_empty() {
            continue;
        }
        if let Some(first) = seen.insert(name.clone(), i) {
            report.push(
                1,
                Some(&name),
                format!("the column appears twice (positions {} and {})", first + 1, i + 1),
            );
            continue;
        }
        if let Some(known) = CSV_COLUMNS.iter().chain([&START_DATE_COLUMN]).find(|c| **c == name) {
            index.insert(*known, i);
        }
    }
    for required in ["id", "first_name", "last_name", "email", "is_contractor", "mfa"] {
        if !index.contains_key(required) {
            report.push(1, Some(required), "required column missing from the header");
        }
    }
    Columns { index }
}

/// One person read from a CSV row, validated.
struct CsvPerson {
    id: String,
    first_name: String,
    last_name: String,
    email: String,
    avatar_url: Option<String>,
    contractor: bool,
    mfa: bool,
    job_title: Option<String>,
    start_date: Option<String>,
}

/// Validates one CSV row; `None` if it has a problem (reported).
fn check_row(
    row: u64,
    record: &csv::ByteRecord,
    columns: &Columns,
    report: &mut ValidationReport,
) -> Option<CsvPerson> {
    let before = report.problems.len() as u64 + report.omitted;
    let mut text = |column: &str| -> Option<String> {
        let raw = columns.get(record, column)?;
        match std::str::from_utf8(raw) {
            Ok(s) => Some(s.trim().to_string()),
            Err(_) => {
                report.push(row, Some(column), "not valid UTF-8; save the file as UTF-8");
                None
            }
        }
    };
    let id = text("id").unwrap_or_default();
    let first_name = text("first_name").unwrap_or_default();
    let last_name = text("last_name").unwrap_or_default();
    let email = text("email").unwrap_or_default();
    let avatar_url = text("avatar_url").filter(|s| !s.is_empty());
    let is_contractor = text("is_contractor").unwrap_or_default();
    let mfa = text("mfa").unwrap_or_default();
    let job_title = text("job_title").filter(|s| !s.is_empty());
    let start_date = text(START_DATE_COLUMN).filter(|s| !s.is_empty());

    // A column missing from the header was reported once, on row 1.
    let mut check = |column: &str, problem: Option<String>| {
        if let Some(message) = problem.filter(|_| columns.index.contains_key(column)) {
            report.push(row, Some(column), message);
        }
    };
    check("id", required_text(&id, MAX_ID));
    check("first_name", name_problem(&first_name));
    check("last_name", name_problem(&last_name));
    check("email", email_problem(&email));
    check("avatar_url", avatar_url.as_deref().and_then(url_problem));
    let contractor = parse_boolean(&is_contractor);
    check("is_contractor", contractor.as_ref().err().cloned());
    let has_mfa = parse_boolean(&mfa);
    check("mfa", has_mfa.as_ref().err().cloned());
    check("job_title", job_title.as_deref().and_then(|t| too_long(t, MAX_JOB_TITLE)));
    check(START_DATE_COLUMN, start_date.as_deref().and_then(date_problem));

    if report.problems.len() as u64 + report.omitted != before {
        return None;
    }
    Some(CsvPerson {
        id,
        first_name,
        last_name,
        email,
        avatar_url,
        contractor: contractor.unwrap_or(false),
        mfa: has_mfa.unwrap_or(false),
        job_title,
        start_date,
    })
}

/// Finds repeated ids in bounded memory.
///
/// It keeps a 64-bit hash of each id with the line it was first seen on.
/// When a file is validated ([`validate_csv_file`]), at most
/// [`SeenIds::LIMIT`] of them are kept (in 17 MB): past that, only the ids
/// of one partition (hash modulo `parts`) are tracked, and the file is read
/// again for each other partition. A reader that cannot be read again keeps
/// every id (about 20 bytes a row). Two different ids share a hash with a
/// probability of about n²/2⁶⁵ (n = 10 million rows: 3 in a million).
struct SeenIds {
    parts: u64,
    part: u64,
    limit: Option<usize>,
    first_line: HashMap<u64, u64>,
    /// The line after which `parts` became 2, 4, 8…: the first pass tracked
    /// an id whose hash has `z` trailing zero bits up to `splits[z]`, and
    /// reported its repeats up to there.
    splits: Vec<u64>,
}

impl SeenIds {
    /// Half of what a table of 2²⁰ buckets holds (17 MB): removing a
    /// partition leaves tombstones, and a table at most half full cleans
    /// them in place instead of doubling.
    const LIMIT: usize = 458_752;

    fn unbounded() -> Self {
        Self { parts: 1, part: 0, limit: None, first_line: HashMap::new(), splits: Vec::new() }
    }

    /// The table is allocated at its full size once: grown step by step,
    /// the freed smaller tables would stay in the process as fragments.
    fn bounded(limit: usize) -> Self {
        let limit = limit.max(1);
        Self { limit: Some(limit), first_line: HashMap::with_capacity(2 * limit), ..Self::unbounded() }
    }

    /// A later pass over partition `part` of the first pass's `parts`.
    fn partition(first: &SeenIds, part: u64) -> Self {
        let capacity = 2 * first.limit.unwrap_or(0);
        Self {
            parts: first.parts,
            part,
            splits: first.splits.clone(),
            first_line: HashMap::with_capacity(capacity),
            ..Self::unbounded()
        }
    }

    /// The line `id` was first seen on, if this is a repeat; otherwise
    /// records it. Ids outside this pass's partition are not looked at.
    fn repeat(&mut self, id: &str, line: u64) -> Option<u64> {
        let hash = std::hash::BuildHasherDefault::<std::hash::DefaultHasher>::default().hash_one(id);
        if hash % self.parts != self.part {
            return None;
        }
        if let Some(&first) = self.first_line.get(&hash) {
            // A later pass leaves out what the first pass already reported.
            let reported_up_to = self.splits.get(hash.trailing_zeros() as usize).copied();
            let already_reported = self.part != 0 && reported_up_to.is_some_and(|up_to| line <= up_to);
            return (!already_reported).then_some(first);
        }
        self.first_line.insert(hash, line);
        if self.limit.is_some_and(|limit| self.first_line.len() >= limit) && self.parts < 1 << 32 {
            // Keep partition 0 of twice as many: those ids were all tracked
            // from the start, so this pass still finds every repeat among them.
            self.parts *= 2;
            self.splits.push(line);
            let parts = self.parts;
            self.first_line.retain(|hash, _| hash % parts == 0);
        }
        None
    }
}

/// The id of a row as the duplicate check sees it: valid UTF-8, trimmed,
/// not empty, not too long (other problems of the id are reported by
/// [`check_row`]).
fn row_id<'r>(record: &'r csv::ByteRecord, columns: &Columns) -> Option<&'r str> {
    let id = std::str::from_utf8(columns.get(record, "id")?).ok()?.trim();
    (!id.is_empty() && id.chars().count() <= MAX_ID).then_some(id)
}

/// A reader of CSV records: the header is read as a record, and rows may
/// have any number of fields (short rows are reported, not fatal).
fn csv_reader<R: Read>(reader: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(reader)
}

/// Whether a row holds nothing but whitespace (skipped, as Drata does).
fn is_blank(record: &csv::ByteRecord) -> bool {
    record.iter().all(|field| field.iter().all(u8::is_ascii_whitespace))
}

/// Streams a CSV, calling `each` for every valid row, and returns the number
/// of data rows and the problems found. Memory holds the problems and what
/// `seen` keeps, not the rows.
fn walk_csv<R: Read>(
    reader: R,
    seen: &mut SeenIds,
    mut each: impl FnMut(CsvPerson),
) -> (u64, ValidationReport) {
    let mut report = ValidationReport::default();
    let mut csv = csv_reader(reader);
    let mut records = csv.byte_records();
    let columns = match records.next() {
        None => {
            report.push(1, None, "the file is empty; it needs a header row and one row per person");
            return (0, report);
        }
        Some(Err(e)) => {
            report.push(1, None, format!("the header is not valid CSV: {e}"));
            return (0, report);
        }
        Some(Ok(header)) => read_header(&header, &mut report),
    };
    let width = columns.width();
    let mut rows = 0;
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                report.push(line, None, format!("not valid CSV: {e}"));
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        if is_blank(&record) {
            continue;
        }
        rows += 1;
        if record.len() < width {
            report.push(line, None, format!("{} field(s), but the header has {width}", record.len()));
            continue;
        }
        let person = check_row(line, &record, &columns, &mut report);
        let repeat = row_id(&record, &columns).and_then(|id| seen.repeat(id, line).map(|first| (id, first)));
        if let Some((id, first)) = repeat {
            report.push(line, Some("id"), format!("\"{id}\" is already used on row {first}"));
        } else if let Some(person) = person {
            each(person);
        }
    }
    if rows == 0 && report.is_empty() {
        report.push(1, None, "no personnel: the file has a header but no rows");
    }
    (rows, report)
}

/// Reads the CSV again looking only for repeated ids of one partition
/// (see [`SeenIds`]); adds them to `report`.
fn repeats_in_partition<R: Read>(reader: R, first: &SeenIds, part: u64, report: &mut ValidationReport) {
    let mut csv = csv_reader(reader);
    let mut records = csv.byte_records();
    let Some(Ok(header)) = records.next() else { return };
    let columns = read_header(&header, &mut ValidationReport::default());
    let width = columns.width();
    let mut seen = SeenIds::partition(first, part);
    for record in records.flatten() {
        if is_blank(&record) || record.len() < width {
            continue;
        }
        let line = record.position().map_or(0, csv::Position::line);
        if let Some(id) = row_id(&record, &columns)
            && let Some(first) = seen.repeat(id, line)
        {
            report.push(line, Some("id"), format!("\"{id}\" is already used on row {first}"));
        }
    }
}

/// Validates a personnel CSV, streaming it row by row. To find repeated
/// ids it keeps about 20 bytes per row; for files of any size use
/// [`validate_csv_file`], which can read the file again instead.
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
    let (rows, report) = walk_csv(reader, &mut SeenIds::unbounded(), |_| {});
    report.into_result(CsvSummary { rows })
}

/// Validates the personnel CSV at `path` (see [`validate_csv`]), in memory
/// bounded whatever the file's size: past about 450,000 rows, repeated ids
/// are looked for in further passes over the file instead of in one table.
///
/// ```no_run
/// let summary = drata::personnel::validate_csv_file("people.csv")?;
/// println!("{} people", summary.rows);
/// # Ok::<(), drata::Error>(())
/// ```
///
/// # Errors
/// [`Error::File`] if the file cannot be read, [`Error::Validation`] if it is invalid.
pub fn validate_csv_file(path: impl AsRef<Path>) -> Result<CsvSummary, Error> {
    validate_csv_path(path.as_ref(), SeenIds::LIMIT)
}

/// [`validate_csv_file`], keeping at most `limit` ids in memory at once.
fn validate_csv_path(path: &Path, limit: usize) -> Result<CsvSummary, Error> {
    let open = || match std::fs::File::open(path) {
        Ok(file) => Ok(std::io::BufReader::new(file)),
        Err(source) => Err(Error::File { path: PathBuf::from(path), source }),
    };
    let mut seen = SeenIds::bounded(limit);
    let (rows, mut report) = walk_csv(open()?, &mut seen, |_| {});
    if seen.parts > 1 {
        // Only one pass's table is held at a time.
        seen.first_line = HashMap::new();
        for part in 1..seen.parts {
            repeats_in_partition(open()?, &seen, part, &mut report);
        }
        report.problems.sort_by_key(|problem| problem.row);
    }
    report.into_result(CsvSummary { rows }).map_err(Error::Validation)
}

/// Converts a valid personnel CSV to the JSON import body. The CSV has no
/// start date, so `start_date` is every person's `date`, unless the file has
/// the extra column [`START_DATE_COLUMN`], whose non-empty cells win.
///
/// ```
/// let csv = "id,first_name,last_name,email,avatar_url,is_contractor,mfa,job_title\n\
///            233,Neil,Armstrong,neil@example.com,,false,true,painter\n";
/// let import = drata::personnel::csv_to_import(csv.as_bytes(), "2024-10-18T01:28:40").unwrap();
/// let neil = &import.personnel_data[0];
/// assert_eq!((neil.id.as_str(), neil.contractor, neil.is_mfa_enabled), ("233", false, true));
/// assert_eq!(neil.date, "2024-10-18T01:28:40");
/// ```
///
/// # Errors
/// A [`ValidationReport`] if the CSV or `start_date` is invalid.
pub fn csv_to_import<R: Read>(reader: R, start_date: &str) -> Result<PersonnelImport, ValidationReport> {
    let mut personnel = Vec::new();
    let (_, mut report) = walk_csv(reader, &mut SeenIds::unbounded(), |p| personnel.push(p));
    let needs_default = personnel.iter().any(|p| p.start_date.is_none());
    if let Some(problem) = date_problem(start_date).filter(|_| needs_default) {
        report.push(1, Some("start date"), problem);
    }
    let records = personnel
        .into_iter()
        .map(|p| PersonnelRecord {
            id: p.id,
            first_name: p.first_name,
            last_name: p.last_name,
            email: p.email,
            contractor: p.contractor,
            is_mfa_enabled: p.mfa,
            date: p.start_date.unwrap_or_else(|| start_date.to_string()),
            avatar_url: p.avatar_url,
            job_title: p.job_title,
            customer_id: None,
        })
        .collect();
    report.into_result(PersonnelImport { personnel_data: records })
}

/// Converts the personnel CSV at `path` (see [`csv_to_import`]).
///
/// ```no_run
/// let import = drata::personnel::csv_file_to_import("people.csv", "2024-01-01T00:00:00")?;
/// # Ok::<(), drata::Error>(())
/// ```
///
/// # Errors
/// [`Error::File`] if the file cannot be read, [`Error::Validation`] if it is invalid.
pub fn csv_file_to_import(path: impl AsRef<Path>, start_date: &str) -> Result<PersonnelImport, Error> {
    let path = path.as_ref();
    let file =
        std::fs::File::open(path).map_err(|source| Error::File { path: PathBuf::from(path), source })?;
    csv_to_import(std::io::BufReader::new(file), start_date).map_err(Error::Validation)
}

/// Validates a JSON import: every record, every field.
///
/// ```
/// use drata::types::{PersonnelImport, PersonnelRecord};
/// let import = PersonnelImport { personnel_data: vec![PersonnelRecord {
///     id: "233".into(), first_name: "Neil".into(), last_name: "Armstrong".into(),
///     email: "neil@example.com".into(), contractor: false, is_mfa_enabled: true,
///     date: "10/18/2024".into(), avatar_url: None, job_title: None, customer_id: None,
/// }]};
/// assert!(drata::personnel::validate_import(&import).is_ok());
/// ```
///
/// # Errors
/// A [`ValidationReport`]; `row` is the record's 1-based position.
pub fn validate_import(import: &PersonnelImport) -> Result<(), ValidationReport> {
    let mut report = ValidationReport::default();
    if import.personnel_data.is_empty() {
        report.push(1, Some("personnelData"), "no personnel: the list is empty");
    }
    let mut ids: HashMap<&str, u64> = HashMap::new();
    for (i, person) in import.personnel_data.iter().enumerate() {
        let row = i as u64 + 1;
        let mut check = |column: &str, problem: Option<String>| {
            if let Some(message) = problem {
                report.push(row, Some(column), message);
            }
        };
        check("id", required_text(person.id.trim(), MAX_ID));
        check("firstName", name_problem(person.first_name.trim()));
        check("lastName", name_problem(person.last_name.trim()));
        check("email", email_problem(person.email.trim()));
        check(
            "avatarUrl",
            person.avatar_url.as_deref().map(str::trim).filter(|u| !u.is_empty()).and_then(url_problem),
        );
        check("jobTitle", person.job_title.as_deref().and_then(|t| too_long(t, MAX_JOB_TITLE)));
        check("date", date_problem(person.date.trim()));
        if let Some(first) = ids.get(person.id.trim()) {
            report.push(
                row,
                Some("id"),
                format!("\"{}\" is already used by record {first}", person.id.trim()),
            );
        } else {
            ids.insert(person.id.trim(), row);
        }
    }
    report.into_result(())
}

fn too_long(value: &str, max: usize) -> Option<String> {
    let length = value.chars().count();
    (length > max).then(|| format!("{length} characters; at most {max} are accepted"))
}

fn required_text(value: &str, max: usize) -> Option<String> {
    if value.is_empty() { Some("required, but empty".into()) } else { too_long(value, max) }
}

/// Drata accepts letters and digits with space and `' - | . , + : _ # & / ( [`;
/// we also accept the closing `)` and `]` of the pairs it allows to open.
fn name_problem(value: &str) -> Option<String> {
    required_text(value, MAX_NAME).or_else(|| {
        let bad: String = value
            .chars()
            .filter(|c| !c.is_alphanumeric() && !" '-|.,+:_#&/()[]".contains(*c))
            .take(5)
            .collect();
        (!bad.is_empty()).then(|| {
            format!("\"{value}\" has characters Drata does not accept ({bad}); use letters, digits, space and ' - | . , + : _ # & / ( ) [ ]")
        })
    })
}

fn email_problem(value: &str) -> Option<String> {
    required_text(value, MAX_EMAIL).or_else(|| {
        let valid = value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.split('.').count() >= 2
                && domain.split('.').all(|part| !part.is_empty())
        }) && !value.chars().any(char::is_whitespace);
        (!valid).then(|| format!("\"{value}\" is not an email address"))
    })
}

fn url_problem(value: &str) -> Option<String> {
    too_long(value, MAX_AVATAR_URL).or_else(|| {
        let valid = ["http://", "https://"].iter().any(|scheme| {
            value.get(..scheme.len()).is_some_and(|s| s.eq_ignore_ascii_case(scheme))
                && value.len() > scheme.len()
        }) && !value.chars().any(char::is_whitespace);
        (!valid).then(|| format!("\"{value}\" is not a full http(s):// URL"))
    })
}

fn parse_boolean(value: &str) -> Result<bool, String> {
    if value.is_empty() {
        return Err("required, but empty; use 1, 0, yes, no, true or false".into());
    }
    if let Some(problem) = too_long(value, MAX_BOOLEAN) {
        return Err(problem);
    }
    match value.to_ascii_lowercase().as_str() {
        "1" | "yes" | "true" => Ok(true),
        "0" | "no" | "false" => Ok(false),
        _ => Err(format!("\"{value}\" is not a boolean; use 1, 0, yes, no, true or false")),
    }
}

/// ISO 8601 `YYYY-MM-DDTHH:mm:ss` (fractional seconds allowed), RFC 3339,
/// or American `MM/DD/YYYY`; a real calendar date.
fn date_problem(value: &str) -> Option<String> {
    let ok = DateTime::parse_from_rfc3339(value).is_ok()
        || NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%.f").is_ok()
        || (value.len() == 10 && NaiveDate::parse_from_str(value, "%m/%d/%Y").is_ok());
    (!ok).then(|| {
        if value.is_empty() {
            "required, but empty".to_string()
        } else {
            format!(
                "\"{value}\" is not a date Drata accepts; use YYYY-MM-DDTHH:mm:ss, MM/DD/YYYY or RFC 3339 (YYYY-MM-DDTHH:mm:ssZ)"
            )
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "id,first_name,last_name,email,avatar_url,is_contractor,mfa,job_title\n";

    /// Files too big for the id table are checked in several passes and
    /// report exactly what one unbounded pass reports.
    #[test]
    fn repeated_ids_are_found_across_partitions_with_a_tiny_table() {
        let mut csv = HEADER.to_string();
        for i in 0..300 {
            // Every 7th row repeats an earlier id; row 100 is also invalid.
            let id = if i % 7 == 6 { i / 3 } else { i };
            let email = if i == 100 { "nope".to_string() } else { format!("p{i}@example.com") };
            csv += &format!("{id},First,Last,{email},,no,yes,\n");
        }
        let path = std::env::temp_dir().join(format!("drata-partition-test-{}.csv", std::process::id()));
        std::fs::write(&path, &csv).unwrap();
        let results: Vec<_> =
            [2, 3, 8, 50, SeenIds::LIMIT].map(|limit| validate_csv_path(&path, limit)).into();
        std::fs::remove_file(&path).unwrap();
        let expected = validate_csv(csv.as_bytes()).unwrap_err();
        assert_eq!(expected.problems.len(), 29, "{expected}");
        for result in results {
            match result {
                Err(Error::Validation(report)) => assert_eq!(report, expected),
                other => panic!("expected a validation error, got {other:?}"),
            }
        }
    }

    fn problems(csv: &str) -> Vec<String> {
        match validate_csv(csv.as_bytes()) {
            Ok(_) => Vec::new(),
            Err(report) => report.problems.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn every_problem_of_every_row_is_reported_with_row_and_column() {
        let csv = format!(
            "{HEADER}\
             1,Ada,Lovelace,ada@example.com,https://x.io/a.png,no,yes,Engineer\n\
             ,Al@n,Tur;ing,alan-at-example,ftp://x,maybe,,\n\
             3,Grace,Hopper,grace@example.com,,TRUE,2,\n\
             1,Dup,Licate,dup@example.com,,0,1,\n"
        );
        assert_eq!(
            problems(&csv),
            [
                "row 3, id: required, but empty",
                "row 3, first_name: \"Al@n\" has characters Drata does not accept (@); use letters, digits, space and ' - | . , + : _ # & / ( ) [ ]",
                "row 3, last_name: \"Tur;ing\" has characters Drata does not accept (;); use letters, digits, space and ' - | . , + : _ # & / ( ) [ ]",
                "row 3, email: \"alan-at-example\" is not an email address",
                "row 3, avatar_url: \"ftp://x\" is not a full http(s):// URL",
                "row 3, is_contractor: \"maybe\" is not a boolean; use 1, 0, yes, no, true or false",
                "row 3, mfa: required, but empty; use 1, 0, yes, no, true or false",
                "row 4, mfa: \"2\" is not a boolean; use 1, 0, yes, no, true or false",
                "row 5, id: \"1\" is already used on row 2",
            ]
        );
    }

    #[test]
    fn header_order_case_bom_extra_columns_and_blank_lines_are_accepted() {
        let csv = "\u{feff}MFA, Email ,id,first_name,last_name,is_contractor,notes\n\nYes,a@b.co,7,Zoë,O'Brien-Smith (Jr.),0,hi\n\n";
        assert_eq!(validate_csv(csv.as_bytes()), Ok(CsvSummary { rows: 1 }));
    }

    #[test]
    fn header_problems() {
        assert_eq!(
            problems("id,first_name,email,is_contractor,mfa,mfa\n1,A,a@b.co,0,0,0\n"),
            [
                "row 1, mfa: the column appears twice (positions 5 and 6)",
                "row 1, last_name: required column missing from the header",
            ]
        );
        assert_eq!(problems(""), ["row 1: the file is empty; it needs a header row and one row per person"]);
        assert_eq!(problems(HEADER), ["row 1: no personnel: the file has a header but no rows"]);
    }

    #[test]
    fn length_limits_are_inclusive() {
        let ok = format!(
            "{HEADER}{},{},B,a@b.co,https://{},yes,no,{}\n",
            "i".repeat(191),
            "n".repeat(191),
            "u".repeat(760),
            "t".repeat(191)
        );
        assert_eq!(problems(&ok), Vec::<String>::new());
        let over = format!(
            "{HEADER}{},A,B,a@b.co,https://{},yes,no,{}\n",
            "i".repeat(192),
            "u".repeat(761),
            "t".repeat(192)
        );
        assert_eq!(
            problems(&over),
            [
                "row 2, id: 192 characters; at most 191 are accepted",
                "row 2, avatar_url: 769 characters; at most 768 are accepted",
                "row 2, job_title: 192 characters; at most 191 are accepted",
            ]
        );
    }

    #[test]
    fn short_rows_and_invalid_utf8_are_problems_on_their_line() {
        let mut bytes = format!("{HEADER}1,A,B\n2,A,B,a@b.co,,no,no,").into_bytes();
        bytes.extend_from_slice(b"\xff\n");
        let report = validate_csv(bytes.as_slice()).unwrap_err();
        let texts: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            texts,
            [
                "row 2: 3 field(s), but the header has 8",
                "row 3, job_title: not valid UTF-8; save the file as UTF-8"
            ]
        );
    }

    #[test]
    fn dates() {
        for ok in [
            "2024-10-18T01:28:40",
            "2024-10-18T01:28:40.123",
            "2024-10-18T01:28:40Z",
            "2024-10-18T01:28:40+02:00",
            "10/18/2024",
        ] {
            assert_eq!(date_problem(ok), None, "{ok}");
        }
        for bad in ["2024-13-01T00:00:00", "31/12/2024", "2024-02-30", "2024-02-30T00:00:00", "", "1/2/2024"]
        {
            assert!(date_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn drata_sample_converts_to_the_documented_json() {
        let csv = format!("{HEADER}233,Neil,Armstrong,neil@example.com,,false,true,painter\n");
        let import = csv_to_import(csv.as_bytes(), "2024-10-18T01:28:40").unwrap();
        assert_eq!(
            serde_json::to_value(&import).unwrap(),
            serde_json::json!({"personnelData": [{
                "id": "233", "firstName": "Neil", "lastName": "Armstrong", "email": "neil@example.com",
                "contractor": false, "isMfaEnabled": true, "jobTitle": "painter", "date": "2024-10-18T01:28:40"
            }]})
        );
        let with_dates =
            "id,first_name,last_name,email,is_contractor,mfa,start_date\n1,A,B,a@b.co,1,1,01/02/2023\n";
        assert_eq!(
            csv_to_import(with_dates.as_bytes(), "not a date").unwrap().personnel_data[0].date,
            "01/02/2023"
        );
        let report = csv_to_import(csv.as_bytes(), "18.10.2024").unwrap_err();
        assert_eq!(report.problems[0].column.as_deref(), Some("start date"));
    }

    #[test]
    fn json_records_are_validated_by_position() {
        let person = |id: &str, email: &str, date: &str| PersonnelRecord {
            id: id.into(),
            first_name: "Neil".into(),
            last_name: "Armstrong".into(),
            email: email.into(),
            contractor: false,
            is_mfa_enabled: true,
            date: date.into(),
            avatar_url: None,
            job_title: None,
            customer_id: None,
        };
        let import = PersonnelImport {
            personnel_data: vec![
                person("1", "n@a.sa", "2024-10-18T01:28:40"),
                person("1", "nope", "31/12/2024"),
            ],
        };
        let texts: Vec<String> =
            validate_import(&import).unwrap_err().problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            texts,
            [
                "row 2, email: \"nope\" is not an email address",
                "row 2, date: \"31/12/2024\" is not a date Drata accepts; use YYYY-MM-DDTHH:mm:ss, MM/DD/YYYY or RFC 3339 (YYYY-MM-DDTHH:mm:ssZ)",
                "row 2, id: \"1\" is already used by record 1",
            ]
        );
        assert!(validate_import(&PersonnelImport { personnel_data: vec![] }).is_err());
    }

    #[test]
    fn the_report_is_capped_and_counts_the_rest() {
        let mut csv = HEADER.to_string();
        for i in 0..1100 {
            csv.push_str(&format!("{i},A,B,bad,,no,no,\n"));
        }
        let report = validate_csv(csv.as_bytes()).unwrap_err();
        assert_eq!((report.problems.len(), report.omitted), (MAX_REPORTED_PROBLEMS, 100));
        assert!(report.to_string().ends_with("… and 100 more"));
    }
}
