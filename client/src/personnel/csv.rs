//! Reading a personnel CSV: the header, each row, and the walk over a file.

use std::collections::HashMap;
use std::io::{self, Read};

use super::START_DATE_COLUMN;
use super::fields::{control_problem, date_problem, quoted};
use super::lines::{Guarded, Refusal};
use super::report::ValidationReport;
use super::rules::rule;
use super::seen::{Key, SeenKeys};
use crate::field_rules::PERSONNEL_CSV_ROW;

/// What a valid personnel CSV holds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CsvSummary {
    /// The number of people (data rows).
    pub rows: u64,
    /// Columns of the header that are not Drata's: they are not checked and
    /// not sent.
    pub ignored_columns: Vec<String>,
}

/// Where each known column is in a CSV file, and how many fields a row has.
pub(crate) struct Columns {
    index: HashMap<&'static str, usize>,
    width: usize,
    ignored: Vec<String>,
}

impl Columns {
    fn get<'r>(&self, record: &'r csv::ByteRecord, column: &str) -> Option<&'r [u8]> {
        self.index.get(column).and_then(|&i| record.get(i))
    }
}

/// Reads the header: every required column present, none twice.
fn read_header(header: &csv::ByteRecord, report: &mut ValidationReport) -> Columns {
    let mut index = HashMap::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut ignored = Vec::new();
    for (i, raw) in header.iter().enumerate() {
        let Ok(name) = std::str::from_utf8(raw) else {
            report.push(
                1,
                None,
                format!("column {} of the header is not UTF-8 text; {}", i + 1, ENCODING_HINT),
            );
            continue;
        };
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
        match PERSONNEL_CSV_ROW.iter().map(|r| r.name).chain([START_DATE_COLUMN]).find(|c| *c == name) {
            Some(known) => {
                index.insert(known, i);
            }
            None => ignored.push(name),
        }
    }
    let missing: Vec<&str> = PERSONNEL_CSV_ROW
        .iter()
        .filter(|r| r.required && !index.contains_key(r.name))
        .map(|r| r.name)
        .collect();
    let separator = header
        .iter()
        .flat_map(|field| field.iter())
        .find_map(|b| match b {
            b';' => Some("`;`"),
            b'\t' => Some("tabs"),
            _ => None,
        })
        .filter(|_| header.len() == 1 && !missing.is_empty());
    if let Some(separator) = separator {
        report.push(
            1,
            None,
            format!(
                "the header is one column separated by {separator}: Drata's CSV separates columns with commas (`,`); save the file as CSV with commas"
            ),
        );
    } else {
        for column in missing {
            report.push(1, Some(column), "required column missing from the header");
        }
    }
    Columns { index, width: header.len(), ignored }
}

const ENCODING_HINT: &str =
    "save the file as CSV in UTF-8 (a byte that is not UTF-8 often means Latin-1 or Windows-1252)";

/// One person read from a CSV row, validated: the values as they are sent.
pub(crate) struct CsvPerson {
    pub(crate) id: String,
    pub(crate) first_name: String,
    pub(crate) last_name: String,
    pub(crate) email: String,
    pub(crate) avatar_url: Option<String>,
    pub(crate) contractor: bool,
    pub(crate) mfa: bool,
    pub(crate) job_title: Option<String>,
    pub(crate) start_date: Option<String>,
}

/// Validates one CSV row against the spec's rules of each column; `None`
/// if it has a problem (reported).
fn check_row(
    line: u64,
    record: &csv::ByteRecord,
    columns: &Columns,
    report: &mut ValidationReport,
) -> Option<CsvPerson> {
    let before = report.total();
    let mut values: HashMap<&'static str, String> = HashMap::with_capacity(PERSONNEL_CSV_ROW.len() + 1);
    let rules = PERSONNEL_CSV_ROW.iter().map(|r| (r.name, Some(r))).chain([(START_DATE_COLUMN, None)]);
    for (column, rule) in rules {
        // An absent column was reported once, on line 1, if required.
        let Some(raw) = columns.get(record, column) else { continue };
        let value = match std::str::from_utf8(raw) {
            Ok(s) => s.trim(),
            Err(e) => {
                let at = e.valid_up_to() + 1;
                report.push(
                    line,
                    Some(column),
                    format!("not UTF-8 text (byte {at} of the value); {ENCODING_HINT}"),
                );
                continue;
            }
        };
        let problem = control_problem(value).or_else(|| match rule {
            Some(rule) => rule.problem(value),
            // Our own column: an optional start date.
            None => (!value.is_empty()).then(|| date_problem(value)).flatten(),
        });
        match problem {
            Some(message) => report.push(line, Some(column), message),
            None => {
                values.insert(column, value.to_string());
            }
        }
    }
    if report.total() != before {
        return None;
    }
    let mut take = |column: &str| values.remove(column).filter(|v| !v.is_empty());
    let flag = |column: &str, value: Option<String>| {
        rule(PERSONNEL_CSV_ROW, column).and_then(|r| r.boolean(value.as_deref()?).ok())
    };
    Some(CsvPerson {
        id: take("id")?,
        first_name: take("first_name")?,
        last_name: take("last_name")?,
        email: take("email")?,
        avatar_url: take("avatar_url"),
        contractor: flag("is_contractor", take("is_contractor"))?,
        mfa: flag("mfa", take("mfa"))?,
        job_title: take("job_title"),
        start_date: take(START_DATE_COLUMN),
    })
}

/// The value of a unique key in a row, as the duplicate check sees it: valid
/// UTF-8, trimmed, not empty, not too long (other problems of the value are
/// reported by [`check_row`]).
fn key_of<'r>(record: &'r csv::ByteRecord, columns: &Columns, key: Key) -> Option<&'r str> {
    let value = std::str::from_utf8(columns.get(record, key.column())?).ok()?.trim();
    let max = rule(PERSONNEL_CSV_ROW, key.column()).and_then(|r| r.max_length).unwrap_or(usize::MAX);
    (!value.is_empty() && value.chars().count() <= max).then_some(value)
}

/// Reports the repeats of a row's id and email; whether there was one.
fn report_repeats(
    line: u64,
    record: &csv::ByteRecord,
    columns: &Columns,
    seen: &mut SeenKeys,
    report: &mut ValidationReport,
) -> io::Result<bool> {
    let mut repeated = false;
    for key in [Key::Id, Key::Email] {
        if let Some(value) = key_of(record, columns, key)
            && let Some(first) = seen.repeat(key, value, line)?
        {
            report.push(
                line,
                Some(key.column()),
                format!("{} is already used on row {first}", quoted(value)),
            );
            repeated = true;
        }
    }
    Ok(repeated)
}

/// A reader of CSV records behind [`Guarded`]: the header is read as a
/// record, and rows may have any number of fields (a wrong count is
/// reported, not fatal).
fn csv_reader<R: Read>(reader: R) -> csv::Reader<Guarded<R>> {
    csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(Guarded::new(reader))
}

/// Whether a row holds nothing but whitespace (skipped, as Drata does).
fn is_blank(record: &csv::ByteRecord) -> bool {
    record.iter().all(|field| field.iter().all(u8::is_ascii_whitespace))
}

/// Reports an error of the CSV reader; `true` when reading must stop.
fn report_read_error(error: &csv::Error, report: &mut ValidationReport) -> bool {
    if let Some(refusal) = Refusal::of(error) {
        report.push(refusal.line(), None, refusal.to_string());
        return true;
    }
    match error.kind() {
        csv::ErrorKind::Io(e) => {
            report.push(0, None, format!("cannot read the file: {e}"));
            true
        }
        _ => {
            let line = error.position().map_or(0, csv::Position::line);
            report.push(line, None, format!("not valid CSV: {error}"));
            false
        }
    }
}

/// Streams a CSV, calling `each` for every valid row, and returns what the
/// file holds and the problems found. Memory holds the problems, one record
/// (at most [`super::MAX_RECORD_BYTES`]) and what `seen` keeps, not the rows.
///
/// # Errors
/// The errors of `each` and of `seen`'s spill file; problems of the file
/// are in the report.
pub(crate) fn walk<R: Read>(
    reader: R,
    seen: &mut SeenKeys,
    mut each: impl FnMut(&CsvPerson) -> io::Result<()>,
) -> io::Result<(CsvSummary, ValidationReport)> {
    let mut report = ValidationReport::default();
    let mut csv = csv_reader(reader);
    let mut records = csv.byte_records();
    let columns = match records.next() {
        None => {
            report.push(1, None, "the file is empty; it needs a header row and one row per person");
            return Ok((CsvSummary::default(), report));
        }
        Some(Err(e)) => {
            report_read_error(&e, &mut report);
            return Ok((CsvSummary::default(), report));
        }
        Some(Ok(header)) => read_header(&header, &mut report),
    };
    let mut rows = 0;
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(e) if report_read_error(&e, &mut report) => break,
            Err(_) => continue,
        };
        let line = record.position().map_or(0, csv::Position::line);
        if is_blank(&record) {
            continue;
        }
        rows += 1;
        let hint = match record.len().cmp(&columns.width) {
            std::cmp::Ordering::Equal => None,
            std::cmp::Ordering::Greater => Some("a value with a comma must be in double quotes"),
            std::cmp::Ordering::Less => Some("a missing comma?"),
        };
        if let Some(hint) = hint {
            report.push(
                line,
                None,
                format!("{} field(s), but the header has {} ({hint})", record.len(), columns.width),
            );
            continue;
        }
        let person = check_row(line, &record, &columns, &mut report);
        let repeated = report_repeats(line, &record, &columns, seen, &mut report)?;
        if let Some(person) = person.filter(|_| !repeated) {
            each(&person)?;
        }
    }
    if rows == 0 && report.is_empty() {
        report.push(1, None, "no personnel: the file has a header but no rows");
    }
    let summary = CsvSummary { rows, ignored_columns: columns.ignored };
    Ok((summary, report))
}

#[cfg(test)]
impl Columns {
    pub(crate) fn known(&self) -> usize {
        self.index.len()
    }
}

#[cfg(test)]
pub(crate) fn header_of(text: &str) -> (Columns, ValidationReport) {
    let mut report = ValidationReport::default();
    let mut reader = csv_reader(text.as_bytes());
    let header = reader.byte_records().next().and_then(Result::ok).unwrap_or_default();
    let columns = read_header(&header, &mut report);
    (columns, report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_semicolon_or_tab_separated_header_gets_one_problem_naming_the_separator() {
        let (_, report) = header_of("id;first_name;last_name;email;is_contractor;mfa\n");
        assert_eq!(
            report.problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
            [
                "row 1: the header is one column separated by `;`: Drata's CSV separates columns with commas (`,`); save the file as CSV with commas"
            ]
        );
        let (_, report) = header_of("id\tfirst_name\tlast_name\n");
        assert!(report.problems[0].message.contains("separated by tabs"), "{report}");
    }

    #[test]
    fn unknown_columns_are_listed_as_ignored() {
        let (columns, report) = header_of("id,first_name,last_name,email,is_contractor,mfa,Notes\n");
        assert!(report.is_empty(), "{report}");
        assert_eq!((columns.known(), columns.ignored), (6, vec!["notes".to_string()]));
    }
}
