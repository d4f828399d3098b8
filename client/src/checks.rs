//! The checks a spec's `x-drata-check` names, run on a request's body
//! before it is serialized: the generated `send()` of an operation with
//! `x-drata-check: personnel-list` calls [`personnel_list`]. They sit
//! between [`crate::personnel`] (which knows nothing of requests) and
//! [`crate::Error`].

use crate::error::Error;
use crate::types::PersonnelImport;

/// `x-drata-check: personnel-list`: the personnel of a JSON import, checked
/// the way Drata documents them.
///
/// # Errors
/// [`Error::Validation`] listing every problem; nothing is sent.
pub(crate) fn personnel_list(import: &PersonnelImport) -> Result<(), Error> {
    crate::personnel::validate_import(import).map_err(Error::Validation)
}
