//! Personnel validation: check an IdP import the way Drata documents it,
//! before anything is sent, and convert a personnel CSV to a JSON list.
//!
//! Drata's CSV (article "Manual import connection for identity management"),
//! as the spec's `PersonnelCsvRow` states it; the checks come from the spec
//! through the generated [`crate::field_rules`] ([`FieldRule`]):
//!
//! | column | required | max length | accepted |
//! |---|---|---|---|
//! | `id` | yes | 191 | the person's primary id in the IdP |
//! | `first_name`, `last_name` | yes | 191 | letters, digits, space and `' - \| . , + : _ # & / ( ) [ ]` |
//! | `email` | yes | 191 | an email address |
//! | `avatar_url` | no | 768 | a full `http(s)://` URL |
//! | `is_contractor`, `mfa` | yes | 16 | `1, 0, yes, no, true, false`, any case |
//! | `job_title` | no | 191 | text |
//!
//! The JSON list (`personnelData`) has the same fields under Drata's JSON
//! names, and a start `date` in ISO 8601 (`YYYY-MM-DDTHH:mm:ss`), American
//! (`MM/DD/YYYY`) or RFC 3339 form. Ids and emails (in any case) are unique.
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
//!
//! A CSV is read in memory bounded whatever the file holds: a record longer
//! than [`MAX_RECORD_BYTES`], a quote never closed, or bytes that are not
//! UTF-8 text end the reading with a problem on their line. An upload sends
//! the checked, rewritten copy ([`PersonnelCsv`]), never the raw file.
//!
//! Modules: `error` (why a file could not be used), `report` (problems), `rules` (what a field's rule accepts),
//! `fields` (the check of one value), `lines`
//! (the bounded reader), `csv` (header, rows, the walk over a file), `seen`
//! (repeated ids and emails in bounded memory), `prepared` (the checked copy
//! an upload sends), `import` (the JSON list).

mod csv;
mod error;
mod fields;
mod import;
mod lines;
mod prepared;
mod report;
mod rules;
mod seen;
mod temp;

pub use self::csv::CsvSummary;
pub use error::PersonnelError;
pub use import::{csv_file_to_import, csv_to_import, read_json_file, validate_import};
pub use lines::MAX_RECORD_BYTES;
pub use prepared::{PersonnelCsv, validate_csv, validate_csv_file};
pub use report::{MAX_REPORTED_PROBLEMS, Problem, ValidationReport};
pub use rules::{FieldKind, FieldRule};

/// Drata's CSV columns, in documented order (from the spec).
///
/// ```
/// let columns: Vec<&str> = drata::personnel::csv_columns().collect();
/// assert_eq!(columns[..4], ["id", "first_name", "last_name", "email"]);
/// ```
pub fn csv_columns() -> impl Iterator<Item = &'static str> {
    crate::field_rules::PERSONNEL_CSV_ROW.iter().map(|rule| rule.name)
}

/// The header row of Drata's CSV: its columns, comma-separated.
///
/// ```
/// assert_eq!(
///     drata::personnel::csv_header(),
///     "id,first_name,last_name,email,avatar_url,is_contractor,mfa,job_title"
/// );
/// ```
pub fn csv_header() -> String {
    csv_columns().collect::<Vec<_>>().join(",")
}

/// An optional extra CSV column of ours: a per-row start date for
/// [`csv_to_import`] (Drata's CSV has none; it is not uploaded).
pub const START_DATE_COLUMN: &str = "start_date";

#[cfg(test)]
mod tests {
    use super::*;

    /// Drata's header row, from the spec, and a line break.
    fn header() -> String {
        csv_header() + "\n"
    }

    fn problems(csv: &str) -> Vec<String> {
        problems_of(csv.as_bytes())
    }

    fn problems_of(bytes: &[u8]) -> Vec<String> {
        match validate_csv(bytes) {
            Ok(_) => Vec::new(),
            Err(report) => report.problems.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn every_problem_of_every_row_is_reported_with_row_and_column() {
        let header = header();
        let csv = format!(
            "{header}\
             1,Ada,Lovelace,ada@example.com,https://x.io/a.png,no,yes,Engineer\n\
             ,Al@n,Tur;ing,alan-at-example,ftp://x,maybe,,\n\
             3,Grace,Hopper,grace@example.com,,TRUE,2,\n\
             1,Dup,Licate,dup@example.com,,0,1,\n\
             5,Ada,Twice,ADA@example.com,,0,1,\n"
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
                "row 6, email: \"ADA@example.com\" is already used on row 2",
            ]
        );
    }

    #[test]
    fn header_order_case_bom_extra_columns_and_blank_lines_are_accepted() {
        let csv = "\u{feff}MFA, Email ,id,first_name,last_name,is_contractor,notes\n\nYes,a@b.co,7,Zoë,O'Brien-Smith (Jr.),0,hi\n\n";
        assert_eq!(
            validate_csv(csv.as_bytes()),
            Ok(CsvSummary { rows: 1, ignored_columns: vec!["notes".into()] })
        );
    }

    #[test]
    fn a_separator_inside_one_column_of_a_comma_separated_header_is_no_problem() {
        let csv = "id,first_name,last_name,email,is_contractor,mfa,notes;misc\n1,A,B,a@b.co,0,0,x\n";
        assert_eq!(problems(csv), Vec::<String>::new());
        // Several columns, some missing: the missing ones are named.
        assert_eq!(
            problems("id,first_name,last_name,email,is_contractor;mfa\n1,A,B,a@b.co,0\n"),
            [
                "row 1, is_contractor: required column missing from the header",
                "row 1, mfa: required column missing from the header",
            ]
        );
    }

    #[test]
    fn rows_of_whitespace_are_skipped_and_empty_keys_are_not_repeats() {
        let header = header();
        let csv = format!("{header}   \n1,A,B,a@b.co,,0,0,\n \t \n");
        assert_eq!(validate_csv(csv.as_bytes()), Ok(CsvSummary { rows: 1, ignored_columns: vec![] }));
        let csv = format!("{header},A,B,a@b.co,,0,0,\n,C,D,c@d.co,,0,0,\n");
        assert_eq!(problems(&csv), ["row 2, id: required, but empty", "row 3, id: required, but empty"]);
    }

    #[test]
    fn a_start_date_is_checked_when_given() {
        let given = "id,first_name,last_name,email,is_contractor,mfa,start_date\n1,A,B,a@b.co,0,0,someday\n";
        let problems_given = problems(given);
        assert_eq!(problems_given.len(), 1, "{problems_given:?}");
        assert!(problems_given[0].starts_with("row 2, start_date: \"someday\""), "{problems_given:?}");
        let blank = "id,first_name,last_name,email,is_contractor,mfa,start_date\n1,A,B,a@b.co,0,0,\n";
        assert_eq!(problems(blank), Vec::<String>::new());
    }

    #[test]
    fn a_file_that_fails_to_read_midway_stops_with_the_reason() {
        struct Failing;
        impl std::io::Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("the disk went away"))
            }
        }
        let header = header();
        let file = std::io::Read::chain(header.as_bytes(), Failing);
        let report = validate_csv(file).expect_err("unreadable");
        let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
        assert_eq!(problems, ["cannot read the file: the disk went away"]);
    }

    #[test]
    fn header_problems() {
        let header = header();
        assert_eq!(
            problems("id,first_name,email,is_contractor,mfa,mfa\n1,A,a@b.co,0,0,0\n"),
            [
                "row 1, mfa: the column appears twice (positions 5 and 6)",
                "row 1, last_name: required column missing from the header",
            ]
        );
        assert_eq!(problems(""), ["row 1: the file is empty; it needs a header row and one row per person"]);
        assert_eq!(problems(&header), ["row 1: no personnel: the file has a header but no rows"]);
    }

    #[test]
    fn length_limits_are_inclusive() {
        let header = header();
        let ok = format!(
            "{header}{},{},B,a@b.co,https://{},yes,no,{}\n",
            "i".repeat(191),
            "n".repeat(191),
            "u".repeat(760),
            "t".repeat(191)
        );
        assert_eq!(problems(&ok), Vec::<String>::new());
        let over = format!(
            "{header}{},A,B,a@b.co,https://{},yes,no,{}\n",
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
    fn rows_with_a_field_count_other_than_the_header_are_problems() {
        let header = header();
        assert_eq!(
            problems(&format!("{header}1,A,B\n2,Ada,Lovelace,ada@example.com,,no,yes,Engineer, Analyst\n")),
            [
                "row 2: 3 field(s), but the header has 8 (a missing comma?)",
                "row 3: 9 field(s), but the header has 8 (a value with a comma must be in double quotes)",
            ]
        );
    }

    #[test]
    fn a_byte_that_is_not_utf8_is_one_problem_naming_the_encoding() {
        let header = header();
        let mut bytes = format!("{header}2,Jos").into_bytes();
        bytes.extend_from_slice(b"\xe9,B,a@b.co,,no,no,\n");
        assert_eq!(
            problems_of(&bytes),
            [
                "row 2, first_name: not UTF-8 text (byte 4 of the value); save the file as CSV in UTF-8 (a byte that is not UTF-8 often means Latin-1 or Windows-1252)"
            ]
        );
    }

    #[test]
    fn files_that_are_not_csv_text_stop_with_one_problem_on_their_line() {
        let header = header();
        assert_eq!(
            problems_of(&vec![0u8; 4096]),
            [
                "row 1: the file has a NUL byte: it is not UTF-8 text (a UTF-16 or binary file?); save it as CSV in UTF-8"
            ]
        );
        let utf16: Vec<u8> =
            [0xFF, 0xFE].into_iter().chain(header.encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(
            problems_of(&utf16),
            ["row 1: the file is UTF-16 text; save it as CSV in UTF-8 (\"CSV UTF-8\" in Excel)"]
        );
        let endless = format!("{header}1,{}\n", "x".repeat(MAX_RECORD_BYTES));
        assert_eq!(
            problems(&endless),
            [
                "row 2: the line is longer than 64 KiB, far more than a row of personnel takes (Drata's longest field is 768 characters); is this a CSV file, with a line break after each row?"
            ]
        );
        assert_eq!(
            problems(&format!("{header}1,\"Ada,Lovelace,ada@example.com,,no,yes,\n2,A,B,b@c.de,,no,no,\n")),
            [
                "row 2: a quoted field starts here and is never closed: add the closing `\"` (a quote inside a quoted field is written `\"\"`)"
            ]
        );
    }

    #[test]
    fn control_characters_in_values_are_problems() {
        let header = header();
        assert_eq!(
            problems(&format!("{header}1,Ada,Lovelace,ada@example.com,,no,yes,\"Eng\u{1b}[31m\"\n")),
            [
                "row 2, job_title: \"Eng\\u{1b}[31m\" has a control character (a line break or a tab?); remove it"
            ]
        );
    }

    #[test]
    fn the_report_is_capped_and_counts_the_rest() {
        let header = header();
        let mut csv = header;
        for i in 0..1100 {
            csv.push_str(&format!("{i},A,B,bad{i},,no,no,\n"));
        }
        let report = validate_csv(csv.as_bytes()).unwrap_err();
        assert_eq!(
            (report.problems.len(), report.omitted, report.total()),
            (MAX_REPORTED_PROBLEMS, 100, 1100)
        );
        assert!(report.to_string().starts_with("1100 problem(s)\n  row 2, email:"), "{report}");
        assert!(report.to_string().ends_with("… and 100 more"));
    }
}
