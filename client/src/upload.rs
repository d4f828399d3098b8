//! The multipart operations progenitor cannot generate: personnel CSV uploads.
//!
//! The generator sets aside every operation whose request body is
//! `multipart/form-data` (progenitor 0.15 has no multipart support);
//! `cargo xtask check` fails unless each has a method here. Like generated
//! operations, each returns a builder that ends in `.send()`, and the request
//! goes through the same attempt loop ([`crate::runtime`]): rate limit,
//! retries (the form rebuilt for each attempt), timeouts, tracing, and
//! [`Error`]. What is uploaded is the checked, rewritten copy of the file
//! ([`PersonnelCsv`]), streamed from disk.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::Error;
use crate::operation::Operation;
use crate::personnel::PersonnelCsv;
use crate::request::{Progress, Request, check_range, invalid, path_segment};
use crate::response::Response;
use crate::types::EmptyResponse;
use crate::{Client, operations};

/// What a CSV upload sends: a file to check first, or a checked copy.
enum Source {
    File(PathBuf),
    Checked(PersonnelCsv),
}

/// A personnel CSV upload: [`Client::create_idp_connection_from_csv`] or
/// [`Client::update_idp_connection_from_csv`]. Give the file with
/// [`CsvUpload::file`] (checked when sent) or [`CsvUpload::csv`] (checked
/// already), then [`CsvUpload::send`].
#[must_use = "an upload does nothing until `.send()` is awaited"]
pub struct CsvUpload<'a> {
    client: &'a Client,
    operation: &'static Operation,
    id: Option<i64>,
    source: Option<Source>,
    progress: Option<Progress>,
}

impl std::fmt::Debug for CsvUpload<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let source = match &self.source {
            Some(Source::File(path)) => format!("file {}", path.display()),
            Some(Source::Checked(csv)) => format!("checked CSV of {} row(s)", csv.rows()),
            None => "none".into(),
        };
        f.debug_struct("CsvUpload")
            .field("operation", &self.operation.id)
            .field("id", &self.id)
            .field("source", &source)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Creates an IdP connection from a personnel CSV file
    /// (`POST /connections/upload/csv`, answered `201`). Requires the
    /// Personnel: Import Personnel permission.
    ///
    /// The file is checked the way Drata documents it ([`PersonnelCsv`]):
    /// if any row is invalid, nothing is sent and the error lists every
    /// problem. Drata receives the checked copy, streamed from disk.
    ///
    /// ```no_run
    /// # async fn run() -> drata::Result<()> {
    /// let client = drata::Client::builder().build()?;
    /// client.create_idp_connection_from_csv().file("personnel.csv").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn create_idp_connection_from_csv(&self) -> CsvUpload<'_> {
        CsvUpload::new(self, &operations::CREATE_IDP_CONNECTION_FROM_CSV)
    }

    /// Replaces the personnel of IdP connection `id` with a CSV file
    /// (`PUT /connections/{id}/upload/csv`, answered `200`).
    ///
    /// ```no_run
    /// # async fn run() -> drata::Result<()> {
    /// let client = drata::Client::builder().build()?;
    /// client.update_idp_connection_from_csv().id(42).file("personnel.csv").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn update_idp_connection_from_csv(&self) -> CsvUpload<'_> {
        CsvUpload::new(self, &operations::UPDATE_IDP_CONNECTION_FROM_CSV)
    }
}

impl<'a> CsvUpload<'a> {
    fn new(client: &'a Client, operation: &'static Operation) -> Self {
        Self { client, operation, id: None, source: None, progress: None }
    }

    /// The IdP connection to update (required by the update, ignored by the create).
    pub fn id(mut self, id: i64) -> Self {
        self.id = Some(id);
        self
    }

    /// The personnel CSV file to check and upload (a pipe such as
    /// `/dev/stdin` works: it is read once).
    pub fn file(mut self, path: impl AsRef<Path>) -> Self {
        self.source = Some(Source::File(path.as_ref().to_path_buf()));
        self
    }

    /// A CSV checked already, e.g. to show its row count before sending.
    pub fn csv(mut self, csv: PersonnelCsv) -> Self {
        self.source = Some(Source::Checked(csv));
        self
    }

    /// Called as the file's bytes leave, with the bytes sent so far and the
    /// total (from 0 again if the upload is retried).
    pub fn on_progress(mut self, progress: impl Fn(u64, u64) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// Checks the file (unless given checked), then uploads it.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] without a file (or, for the update, an id
    /// from 1), [`Error::File`] when the file cannot be read and
    /// [`Error::Validation`] when it is invalid (nothing is sent), and the
    /// errors of any request.
    pub async fn send(self) -> Result<Response<EmptyResponse>, Error> {
        let Self { client, operation, id, source, progress } = self;
        let path = match (operation.path.contains("{id}"), id) {
            (false, _) => operation.path.to_string(),
            (true, Some(id)) => {
                check_range(operation, "id", &id, Some(1), None)?;
                operation.path.replace("{id}", &path_segment(operation, "id", &id)?)
            }
            (true, None) => return Err(invalid(operation, "the connection id is required: `.id(…)`".into())),
        };
        let csv = match source {
            None => return Err(invalid(operation, "no file to upload: `.file(path)` or `.csv(…)`".into())),
            Some(Source::Checked(csv)) => csv,
            // Checking reads the whole file: off the async threads.
            Some(Source::File(file)) => tokio::task::spawn_blocking(move || PersonnelCsv::from_path(file))
                .await
                .map_err(|e| invalid(operation, format!("the check of the file stopped: {e}")))??,
        };
        let request = Request::new(client, operation, path).csv(&csv, progress);
        crate::runtime::execute(client, request).await
    }
}
