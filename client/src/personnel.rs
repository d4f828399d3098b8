//! Personnel validation: check an IdP import the way Drata documents it,
//! before anything is sent.

use std::fmt;

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
    /// The problems, in file order.
    pub problems: Vec<Problem>,
}

impl fmt::Display for ValidationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} problem(s)", self.problems.len())?;
        for problem in &self.problems {
            write!(f, "\n  {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationReport {}
