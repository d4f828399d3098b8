//! [`FieldRule`]: the check of one personnel field, as the spec states it.
//!
//! The rules themselves are generated from the spec (`x-drata-field-rules`)
//! into `crate::field_rules`: `PERSONNEL_CSV_ROW` for the CSV's columns and
//! `PERSONNEL_RECORD` for the JSON list's text fields. This module says what
//! each kind of rule accepts and how a problem is worded.

use super::fields::{date_problem, email_problem, name_problem, quoted, too_long, url_problem};

/// One field of a personnel schema and its check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldRule {
    /// The field's name: a CSV column (`first_name`) or a JSON field (`firstName`).
    pub name: &'static str,
    /// Whether it must be given, not empty.
    pub required: bool,
    /// The most characters it may have.
    pub max_length: Option<usize>,
    /// What its text must be.
    pub kind: FieldKind,
}

/// What a field's text must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Any text.
    Text,
    /// Letters and digits, with space and this punctuation.
    Name {
        /// The punctuation accepted besides letters, digits and space.
        punctuation: &'static str,
    },
    /// An email address.
    Email,
    /// A full `http(s)://` URL.
    Url,
    /// One of these spellings, in any case.
    Boolean {
        /// The spellings of true, lower case.
        yes: &'static [&'static str],
        /// The spellings of false, lower case.
        no: &'static [&'static str],
    },
    /// A date in one of these documented formats.
    Date {
        /// The formats, as Drata words them.
        formats: &'static [&'static str],
    },
}

impl FieldRule {
    /// What is wrong with `value` (already trimmed for a CSV), if anything.
    pub fn problem(&self, value: &str) -> Option<String> {
        if value.is_empty() {
            return match self.kind {
                _ if !self.required => None,
                FieldKind::Boolean { .. } => Some(format!("required, but empty; use {}", self.spellings())),
                _ => Some("required, but empty".into()),
            };
        }
        if let Some(max) = self.max_length
            && let Some(problem) = too_long(value, max)
        {
            return Some(problem);
        }
        match self.kind {
            FieldKind::Text => None,
            FieldKind::Name { punctuation } => name_problem(value, punctuation),
            FieldKind::Email => email_problem(value),
            FieldKind::Url => url_problem(value),
            FieldKind::Boolean { .. } => self.boolean(value).err(),
            FieldKind::Date { .. } => date_problem(value),
        }
    }

    /// A boolean field's value; an error naming the accepted spellings
    /// otherwise. Any other kind of field is never a boolean.
    pub fn boolean(&self, value: &str) -> Result<bool, String> {
        let FieldKind::Boolean { yes, no } = self.kind else {
            return Err(format!("{} is not a boolean field", self.name));
        };
        let lower = value.to_ascii_lowercase();
        if yes.contains(&lower.as_str()) {
            Ok(true)
        } else if no.contains(&lower.as_str()) {
            Ok(false)
        } else {
            Err(format!("{} is not a boolean; use {}", quoted(value), self.spellings()))
        }
    }

    /// `1, 0, yes, no, true or false`: the spellings, true and false in turn.
    fn spellings(&self) -> String {
        let FieldKind::Boolean { yes, no } = self.kind else { return String::new() };
        let mut all: Vec<&str> = Vec::new();
        for i in 0..yes.len().max(no.len()) {
            all.extend(yes.get(i));
            all.extend(no.get(i));
        }
        match all.split_last() {
            Some((last, [])) => (*last).to_string(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        }
    }
}

/// The rule of `name` among `rules`.
pub(crate) fn rule<'r>(rules: &'r [FieldRule], name: &str) -> Option<&'r FieldRule> {
    rules.iter().find(|r| r.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field_rules::{PERSONNEL_CSV_ROW, PERSONNEL_RECORD};

    #[test]
    fn the_csv_rules_are_the_help_articles_table() {
        let table: Vec<(&str, bool, Option<usize>)> =
            PERSONNEL_CSV_ROW.iter().map(|r| (r.name, r.required, r.max_length)).collect();
        assert_eq!(
            table,
            [
                ("id", true, Some(191)),
                ("first_name", true, Some(191)),
                ("last_name", true, Some(191)),
                ("email", true, Some(191)),
                ("avatar_url", false, Some(768)),
                ("is_contractor", true, Some(16)),
                ("mfa", true, Some(16)),
                ("job_title", false, Some(191)),
            ]
        );
        let mfa = rule(PERSONNEL_CSV_ROW, "mfa").expect("mfa");
        assert_eq!(
            mfa.problem("maybe").as_deref(),
            Some("\"maybe\" is not a boolean; use 1, 0, yes, no, true or false")
        );
        assert_eq!((mfa.boolean("YES"), mfa.boolean("0")), (Ok(true), Ok(false)));
        let name = rule(PERSONNEL_CSV_ROW, "first_name").expect("first_name");
        assert_eq!(name.kind, FieldKind::Name { punctuation: " '-|.,+:_#&/()[]" });
    }

    #[test]
    fn the_json_rules_cover_its_text_fields() {
        let names: Vec<&str> = PERSONNEL_RECORD.iter().map(|r| r.name).collect();
        assert_eq!(
            names,
            ["id", "firstName", "lastName", "email", "date", "avatarUrl", "jobTitle", "customerId"]
        );
        assert_eq!(
            rule(PERSONNEL_RECORD, "date").map(|r| r.kind),
            Some(FieldKind::Date { formats: &["YYYY-MM-DDTHH:mm:ss", "MM/DD/YYYY", "RFC 3339"] })
        );
    }
}
