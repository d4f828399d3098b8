//! [`PersonnelError`]: why a personnel file could not be used.

use std::path::PathBuf;

use super::report::ValidationReport;

/// Why a personnel file could not be used; nothing was sent. It converts
/// into [`crate::Error`] (`?` does it).
#[derive(Debug, thiserror::Error)]
pub enum PersonnelError {
    /// The file (or the temporary copy of a CSV) could not be read or written.
    #[error("cannot read `{}`: {source}; nothing was sent", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a personnel list (`{"personnelData": [...]}`).
    #[error("`{}` is not a personnel list: {message}; nothing was sent", path.display())]
    NotAList {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the JSON path at fault.
        message: String,
    },
    /// The personnel are invalid: every problem, with its row and field.
    #[error("invalid personnel, nothing was sent: {0}")]
    Invalid(ValidationReport),
}
