//! [`ValidationReport`]: every problem of a personnel import, with where it is.

use std::fmt;

/// The most problems a report lists; it counts the rest in
/// [`ValidationReport::omitted`].
pub const MAX_REPORTED_PROBLEMS: usize = 1000;

/// One problem of a personnel import, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// For a CSV file, the 1-based line number (the header is line 1); for a
    /// JSON `personnelData` list, the 1-based position of the record; 0
    /// for the file as a whole (it could not be read; no column then).
    pub row: u64,
    /// The column (CSV) or field (JSON) at fault, when there is one.
    pub column: Option<String>,
    /// What is wrong, and what is accepted.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.row, &self.column) {
            // The file as a whole (it could not be read): no row, no column.
            (0, _) => f.write_str(&self.message),
            (row, Some(column)) => write!(f, "row {row}, {column}: {}", self.message),
            (row, None) => write!(f, "row {row}: {}", self.message),
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
    pub(crate) fn push(&mut self, row: u64, column: Option<&str>, message: impl Into<String>) {
        if self.problems.len() < MAX_REPORTED_PROBLEMS {
            self.problems.push(Problem { row, column: column.map(str::to_string), message: message.into() });
        } else {
            self.omitted += 1;
        }
    }

    /// How many problems were found, listed or not.
    pub fn total(&self) -> u64 {
        self.problems.len() as u64 + self.omitted
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.total() == 0
    }

    pub(crate) fn into_result<T>(self, value: T) -> Result<T, ValidationReport> {
        if self.is_empty() { Ok(value) } else { Err(self) }
    }
}

impl fmt::Display for ValidationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} problem(s)", self.total())?;
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
