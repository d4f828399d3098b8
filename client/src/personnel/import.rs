//! The JSON personnel list (`{"personnelData": [...]}`): validation, reading
//! a file, and conversion from a CSV.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::csv::walk;
use super::error::PersonnelError;
use super::fields::{control_problem, date_problem, quoted, untrimmed_problem};
use super::report::ValidationReport;
use super::seen::SeenKeys;
use crate::field_rules::PERSONNEL_RECORD;
use crate::types::{PersonnelImport, PersonnelRecord};

/// Validates a JSON import: every record, every field, exactly as it will
/// be sent (a value with spaces around it is a problem, not trimmed).
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
    let mut emails: HashMap<String, u64> = HashMap::new();
    for (i, person) in import.personnel_data.iter().enumerate() {
        let row = i as u64 + 1;
        for rule in PERSONNEL_RECORD {
            // An optional field that is absent has nothing to check.
            let Some(value) = text_field(person, rule.name) else { continue };
            let problem =
                control_problem(value).or_else(|| untrimmed_problem(value)).or_else(|| rule.problem(value));
            if let Some(message) = problem {
                report.push(row, Some(rule.name), message);
            }
        }
        match ids.get(person.id.as_str()) {
            Some(first) => report.push(
                row,
                Some("id"),
                format!("{} is already used by record {first}", quoted(&person.id)),
            ),
            None => {
                ids.insert(&person.id, row);
            }
        }
        if !person.email.is_empty() {
            match emails.get(&person.email.to_lowercase()) {
                Some(first) => report.push(
                    row,
                    Some("email"),
                    format!("{} is already used by record {first}", quoted(&person.email)),
                ),
                None => {
                    emails.insert(person.email.to_lowercase(), row);
                }
            }
        }
    }
    report.into_result(())
}

/// The text of a record's field, by its JSON name; `None` when it is absent.
/// Every text field of the spec's `PersonnelRecord` is here: a test holds
/// the generated rules to it.
fn text_field<'r>(person: &'r PersonnelRecord, name: &str) -> Option<&'r str> {
    match name {
        "id" => Some(&person.id),
        "firstName" => Some(&person.first_name),
        "lastName" => Some(&person.last_name),
        "email" => Some(&person.email),
        "date" => Some(&person.date),
        "avatarUrl" => person.avatar_url.as_deref(),
        "jobTitle" => person.job_title.as_deref(),
        "customerId" => person.customer_id.as_deref(),
        _ => None,
    }
}

/// Reads a personnel list file, `{"personnelData": [...]}`, and validates it
/// ([`validate_import`]). A UTF-8 byte-order mark is accepted.
///
/// ```no_run
/// let import = drata::personnel::read_json_file("people.json")?;
/// println!("{} people", import.personnel_data.len());
/// # Ok::<(), drata::personnel::PersonnelError>(())
/// ```
///
/// # Errors
/// [`PersonnelError::File`] if the file cannot be read; [`PersonnelError::NotAList`]
/// if it is not a personnel list (naming the JSON path at fault);
/// [`PersonnelError::Invalid`] if a record is invalid.
pub fn read_json_file(path: impl AsRef<Path>) -> Result<PersonnelImport, PersonnelError> {
    let path = path.as_ref();
    let file_error = |source: std::io::Error| PersonnelError::File { path: PathBuf::from(path), source };
    if std::fs::metadata(path).map_err(file_error)?.is_dir() {
        return Err(file_error(std::io::Error::other("it is a directory, not a file")));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut bytes)).map_err(file_error)?;
    let import = parse_import(&bytes)
        .map_err(|message| PersonnelError::NotAList { path: PathBuf::from(path), message })?;
    validate_import(&import).map_err(PersonnelError::Invalid)?;
    Ok(import)
}

/// Parses a personnel list: a JSON object `{"personnelData": [...]}`,
/// after an optional UTF-8 byte-order mark. The error names the JSON path.
pub(crate) fn parse_import(bytes: &[u8]) -> Result<PersonnelImport, String> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        return Err("the file must hold a JSON object `{\"personnelData\": [...]}`".into());
    }
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    // A key the list's schema does not name is refused, never dropped: the
    // list is sent as read, and `"jobtitle"` for `"jobTitle"` would lose
    // every job title without a word.
    let unknown: Vec<String> = crate::shapes::PERSONNEL_IMPORT
        .problems(&value)
        .into_iter()
        .filter(|p| p.kind == crate::shape::ProblemKind::UnknownField)
        .map(|p| p.to_string())
        .collect();
    if !unknown.is_empty() {
        return Err(unknown.join("; "));
    }
    serde_json::from_slice::<PersonnelImport>(bytes).map_err(|e| {
        let path = crate::json_path::of_error(bytes, &e).map(|path| crate::json_path::display(&path));
        let message = crate::json_path::message(&e);
        match path {
            Some(path) if !path.is_empty() => format!("{message} at `{path}`"),
            _ => message,
        }
    })
}

/// Converts a valid personnel CSV to the JSON import body. The CSV has no
/// start date, so `start_date` is every person's `date`, unless the file has
/// the extra column [`super::START_DATE_COLUMN`], whose non-empty cells win.
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
    let mut records = Vec::new();
    let mut needs_default = false;
    let walked = walk(reader, &mut SeenKeys::unbounded(), |p| {
        needs_default |= p.start_date.is_none();
        records.push(PersonnelRecord {
            id: p.id.clone(),
            first_name: p.first_name.clone(),
            last_name: p.last_name.clone(),
            email: p.email.clone(),
            contractor: p.contractor,
            is_mfa_enabled: p.mfa,
            date: p.start_date.clone().unwrap_or_else(|| start_date.to_string()),
            avatar_url: p.avatar_url.clone(),
            job_title: p.job_title.clone(),
            customer_id: None,
        });
        Ok(())
    });
    let (_, mut report) = walked.unwrap_or_else(|e| {
        let mut report = ValidationReport::default();
        report.push(0, None, format!("cannot read the file: {e}"));
        (Default::default(), report)
    });
    if let Some(problem) = date_problem(start_date).filter(|_| needs_default) {
        report.push(1, Some("start date"), problem);
    }
    report.into_result(PersonnelImport { personnel_data: records })
}

/// Converts the personnel CSV at `path` (see [`csv_to_import`]).
///
/// ```no_run
/// let import = drata::personnel::csv_file_to_import("people.csv", "2024-01-01T00:00:00")?;
/// # Ok::<(), drata::personnel::PersonnelError>(())
/// ```
///
/// # Errors
/// [`PersonnelError::File`] if the file cannot be read, [`PersonnelError::Invalid`] if it is invalid.
pub fn csv_file_to_import(
    path: impl AsRef<Path>,
    start_date: &str,
) -> Result<PersonnelImport, PersonnelError> {
    let path = path.as_ref();
    let file = std::fs::File::open(path)
        .map_err(|source| PersonnelError::File { path: PathBuf::from(path), source })?;
    csv_to_import(std::io::BufReader::new(file), start_date).map_err(PersonnelError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: &str, email: &str, date: &str) -> PersonnelRecord {
        PersonnelRecord {
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
        }
    }

    fn problems(import: &PersonnelImport) -> Vec<String> {
        match validate_import(import) {
            Ok(()) => Vec::new(),
            Err(report) => report.problems.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn every_field_of_the_generated_rules_is_read() {
        let person = person("1", "a@b.co", "10/18/2024");
        let person = PersonnelRecord {
            avatar_url: Some("u".into()),
            job_title: Some("j".into()),
            customer_id: Some("c".into()),
            ..person
        };
        for rule in PERSONNEL_RECORD {
            assert!(text_field(&person, rule.name).is_some(), "`{}` of the spec is not read", rule.name);
        }
    }

    #[test]
    fn json_records_are_validated_by_position() {
        let import = PersonnelImport {
            personnel_data: vec![
                person("1", "n@a.sa", "2024-10-18T01:28:40"),
                person("1", "nope", "31/12/2024"),
                person("3", "N@A.sa", "10/18/2024"),
            ],
        };
        assert_eq!(
            problems(&import),
            [
                "row 2, email: \"nope\" is not an email address",
                "row 2, date: \"31/12/2024\" is not a date Drata accepts; use YYYY-MM-DDTHH:mm:ss, MM/DD/YYYY or RFC 3339 (YYYY-MM-DDTHH:mm:ssZ)",
                "row 2, id: \"1\" is already used by record 1",
                "row 3, email: \"N@A.sa\" is already used by record 1",
            ]
        );
        assert_eq!(
            problems(&PersonnelImport { personnel_data: vec![] }),
            ["row 1, personnelData: no personnel: the list is empty"]
        );
    }

    #[test]
    fn what_is_checked_is_what_is_sent_so_surrounding_spaces_are_problems() {
        let import = PersonnelImport { personnel_data: vec![person(" 1", "n@a.sa ", "10/18/2024")] };
        assert_eq!(
            problems(&import),
            [
                "row 1, id: \" 1\" has spaces around it; remove them",
                "row 1, email: \"n@a.sa \" has spaces around it; remove them",
            ]
        );
    }

    #[test]
    fn a_list_must_be_an_object_and_a_byte_order_mark_is_accepted() {
        let record = r#"{"id":"1","firstName":"A","lastName":"B","email":"a@b.co","contractor":false,"isMfaEnabled":true,"date":"10/18/2024"}"#;
        assert!(parse_import(format!("\u{feff}{{\"personnelData\":[{record}]}}").as_bytes()).is_ok());
        assert_eq!(
            parse_import(format!("[[{record}]]").as_bytes()).unwrap_err(),
            "the file must hold a JSON object `{\"personnelData\": [...]}`"
        );
        let wrong = parse_import(br#"{"personnelData":[{"id":1}]}"#).unwrap_err();
        assert!(wrong.ends_with("at `personnelData[0].id`"), "{wrong}");
        assert!(parse_import(br#"{"personnelData":[]} trailing"#).is_err());
    }

    #[test]
    fn drata_sample_converts_to_the_documented_json() {
        let csv = "id,first_name,last_name,email,avatar_url,is_contractor,mfa,job_title\n\
                   233,Neil,Armstrong,neil@example.com,,false,true,painter\n";
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
}
