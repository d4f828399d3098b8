//! The checks a spec's `x-drata-check` names, run on a request's body
//! before it is serialized: the generated `send()` of an operation with
//! `x-drata-check: personnel-list` calls [`personnel_list`]. They sit
//! between [`crate::personnel`] (which knows nothing of requests) and
//! [`crate::Error`].

use crate::error::Error;
use crate::operation::Operation;
use crate::request::invalid;
use crate::types::PersonnelImport;

/// The check `operation`'s spec names, on a JSON body (for calls that are
/// not typed: [`crate::Call`]).
///
/// # Errors
/// The check's error, or [`Error::InvalidRequest`] when the client has no
/// check of that name.
pub(crate) fn by_name(operation: &'static Operation, body: &serde_json::Value) -> Result<(), Error> {
    match operation.check {
        None => Ok(()),
        Some("personnel-list") => {
            let import: PersonnelImport = serde_json::from_value(body.clone())
                .map_err(|e| invalid(operation, format!("the body is not a personnel list: {e}")))?;
            personnel_list(&import)
        }
        Some(other) => Err(invalid(operation, format!("the client has no check named `{other}`"))),
    }
}

/// `x-drata-check: personnel-list`: the personnel of a JSON import, checked
/// the way Drata documents them.
///
/// # Errors
/// [`Error::Rejected`] listing every problem; nothing is sent.
pub(crate) fn personnel_list(import: &PersonnelImport) -> Result<(), Error> {
    crate::personnel::validate_import(import).map_err(|report| Error::rejected_personnel(None, report))
}
