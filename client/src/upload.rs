//! The multipart operations progenitor cannot generate: personnel CSV uploads.
//!
//! The generator sets aside every operation whose request body is
//! `multipart/form-data` (progenitor 0.15 has no multipart support);
//! `cargo xtask check` fails unless each has a method here. Like generated
//! operations, each returns a builder that ends in `.send()`, goes through
//! the same hooks (rate limit, retries, tracing), and fails with [`Error`].
//! What is uploaded is the checked, rewritten copy of the file
//! ([`PersonnelCsv`]), streamed from disk and rebuilt for each attempt.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures::StreamExt;
use progenitor_client::{ClientHooks, OperationInfo, ResponseValue};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};

use crate::error::{Error, OperationError};
use crate::personnel::PersonnelCsv;
use crate::retry::{self, Outcome};
use crate::runtime::Operation;
use crate::types::{EmptyResponse, ExceptionResponse};
use crate::{Client, operations};

/// The multipart part that carries the file.
pub const CSV_PART_NAME: &str = "file";

/// Error statuses the spec documents for the upload operations: their body is
/// Drata's error body.
const DOCUMENTED_ERRORS: &[u16] = &[400, 401, 402, 403, 404, 412, 429, 500];

/// Called as an upload's bytes leave: `(sent, total)`, from 0 again on a retry.
type Progress = Arc<dyn Fn(u64, u64) + Send + Sync>;

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
    pub async fn send(self) -> Result<ResponseValue<EmptyResponse>, Error> {
        let Self { client, operation, id, source, progress } = self;
        let path = match (operation.path.contains("{id}"), id) {
            (false, _) => operation.path.to_string(),
            (true, Some(id)) => {
                crate::runtime::check_range(operation, "id", &Ok::<_, String>(id), Some(1), None)?;
                operation.path.replace("{id}", &progenitor_client::encode_path(&id.to_string()))
            }
            (true, None) => {
                return Err(Error::InvalidRequest("the connection id is required: `.id(…)`".into()));
            }
        };
        let csv = match source {
            None => {
                return Err(Error::InvalidRequest("no file to upload: `.file(path)` or `.csv(…)`".into()));
            }
            Some(Source::Checked(csv)) => csv,
            // Checking reads the whole file: off the async threads.
            Some(Source::File(file)) => tokio::task::spawn_blocking(move || PersonnelCsv::from_path(file))
                .await
                .map_err(|e| Error::InvalidRequest(format!("the check of the file stopped: {e}")))??,
        };
        let url = format!("{}{path}", client.baseurl);
        crate::runtime::call(client, operation, client.send_csv(operation, url, &csv, progress)).await
    }
}

impl Client {
    /// The exchange, the way generated methods do it, retried by rebuilding
    /// the streamed form for each attempt.
    async fn send_csv(
        &self,
        op: &'static Operation,
        url: String,
        csv: &PersonnelCsv,
        progress: Option<Progress>,
    ) -> Result<ResponseValue<EmptyResponse>, OperationError> {
        let method = Method::from_bytes(op.method.as_bytes()).unwrap_or(Method::POST);
        let success = if method == Method::POST { StatusCode::CREATED } else { StatusCode::OK };
        let info = OperationInfo { operation_id: op.id };
        let mut attempt = 0;
        let response = loop {
            attempt += 1;
            let form = csv_form(csv, progress.clone())
                .await
                .map_err(|e| OperationError::InvalidRequest(e.to_string()))?;
            let mut request = self
                .client
                .request(method.clone(), &url)
                .header(reqwest::header::ACCEPT, "application/json")
                .timeout(self.inner.upload_timeout(csv.len()))
                .multipart(form)
                .build()?;
            self.pre::<ExceptionResponse>(&mut request, &info).await?;
            let result = self.exec(request, &info).await;
            self.post::<ExceptionResponse>(&result, &info).await?;
            match self.inner.retry().next_delay(&method, attempt, Outcome::of(&result), retry::jitter) {
                Some(delay) if crate::runtime::time_to_retry_after(delay) => {
                    tracing::warn!(
                        operation = op.id,
                        attempt,
                        delay_ms = delay.as_millis() as u64,
                        "retrying"
                    );
                    tokio::time::sleep(delay).await;
                }
                _ => break result?,
            }
        };
        match response.status() {
            status if status == success => crate::runtime::from_response(response).await,
            status if DOCUMENTED_ERRORS.contains(&status.as_u16()) => {
                Err(OperationError::ErrorResponse(crate::runtime::from_response(response).await?))
            }
            _ => Err(OperationError::UnexpectedResponse(response)),
        }
    }
}

/// A multipart form whose `file` part streams the checked copy.
async fn csv_form(csv: &PersonnelCsv, progress: Option<Progress>) -> std::io::Result<Form> {
    let file = tokio::fs::File::open(csv.path()).await?;
    let total = csv.len();
    let chunks = tokio_util::io::ReaderStream::new(file);
    let body = match progress {
        None => reqwest::Body::wrap_stream(chunks),
        Some(progress) => {
            let mut sent = 0;
            progress(0, total);
            reqwest::Body::wrap_stream(chunks.map(move |chunk| {
                if let Ok(bytes) = &chunk {
                    sent += bytes.len() as u64;
                    progress(sent, total);
                }
                chunk
            }))
        }
    };
    let part = Part::stream_with_length(body, total)
        .file_name(csv.file_name().to_string())
        .mime_str("text/csv")
        .map_err(std::io::Error::other)?;
    Ok(Form::new().part(CSV_PART_NAME, part))
}
