//! The checks a spec's `x-drata-check` names, run on a request's body
//! before it is sent: the generated `send()` of an operation with
//! `x-drata-check: personnel-list` calls [`personnel_list`], an upload
//! whose file the spec checks calls [`file`]. They sit between
//! [`crate::personnel`] (which knows nothing of requests) and
//! [`crate::Error`]. Each check is compiled with its feature (`personnel`),
//! which the area of the operations that run it turns on.

use std::path::PathBuf;

use crate::error::Error;
use crate::operation::Operation;
#[cfg(feature = "personnel")]
use crate::personnel::PersonnelCsv;
use crate::request::invalid;
#[cfg(feature = "personnel")]
use crate::types::PersonnelImport;

/// The check `operation`'s spec names, on a JSON body (for calls that are
/// not typed: [`crate::Call`]).
///
/// # Errors
/// The check's error, or [`Error::InvalidRequest`] when the client has no
/// check of that name.
pub(crate) fn by_name(operation: &'static Operation, body: &serde_json::Value) -> Result<(), Error> {
    let _ = body;
    match operation.check {
        None => Ok(()),
        #[cfg(feature = "personnel")]
        Some("personnel-list") => {
            let import: PersonnelImport = serde_json::from_value(body.clone())
                .map_err(|e| invalid(operation, format!("the body is not a personnel list: {e}")))?;
            personnel_list(&import)
        }
        Some(other) => Err(invalid(operation, format!("the client has no check named `{other}`"))),
    }
}

#[cfg(feature = "personnel")]
/// `x-drata-check: personnel-list`: the personnel of a JSON import, checked
/// the way Drata documents them.
///
/// # Errors
/// [`Error::Rejected`] listing every problem; nothing is sent.
pub(crate) fn personnel_list(import: &PersonnelImport) -> Result<(), Error> {
    crate::personnel::validate_import(import).map_err(|report| Error::rejected_personnel(None, report))
}

/// A file a check read and approved, sent in place of the file given: the
/// check's copy, kept (with whatever owns it) until the call ends.
pub(crate) struct CheckedFile {
    /// The check that made it, as the spec names it.
    pub(crate) check: &'static str,
    /// What it was checked as, for a person (`personnel CSV`).
    pub(crate) what: &'static str,
    pub(crate) path: PathBuf,
    pub(crate) file_name: String,
    pub(crate) media_type: &'static str,
    pub(crate) len: u64,
    /// What it is, for `Debug` (`checked CSV of 3 row(s)`).
    pub(crate) summary: String,
    /// The check's own value, which owns the copy.
    _owner: Box<dyn Send + Sync>,
}

#[cfg(feature = "personnel")]
impl From<PersonnelCsv> for CheckedFile {
    fn from(csv: PersonnelCsv) -> Self {
        CheckedFile {
            check: "personnel-csv",
            what: "personnel CSV",
            path: csv.path().to_path_buf(),
            file_name: csv.file_name().to_string(),
            media_type: "text/csv",
            len: csv.len(),
            summary: format!("checked CSV of {} row(s)", csv.rows()),
            _owner: Box::new(csv),
        }
    }
}

/// The check `operation`'s spec names on the file of its form (`file`, the
/// first file part given), off the async threads as it reads the whole
/// file: `None` when the spec names no file check or no file was given.
///
/// # Errors
/// The check's error (the file cannot be read, or is refused); nothing is
/// sent.
pub(crate) async fn file(
    operation: &'static Operation,
    file: Option<PathBuf>,
) -> Result<Option<CheckedFile>, Error> {
    match (operation.check, file) {
        #[cfg(feature = "personnel")]
        (Some("personnel-csv"), Some(file)) => {
            let csv = tokio::task::spawn_blocking(move || PersonnelCsv::from_path(file))
                .await
                .map_err(|e| invalid(operation, format!("the check of the file stopped: {e}")))??;
            Ok(Some(csv.into()))
        }
        // No file (the spec may leave it out), or no check of a file.
        _ => Ok(None),
    }
}
