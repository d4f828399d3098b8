//! The multipart operations progenitor cannot generate: personnel CSV uploads.
//!
//! The generator sets aside every operation whose request body is
//! `multipart/form-data` (progenitor 0.15 has no multipart support);
//! `cargo xtask check` fails unless each has a method here. They go through
//! the same hooks as generated methods, and stream the file from disk instead
//! of reading it into memory.

use std::path::Path;

use progenitor_client::{ClientHooks, OperationInfo, ResponseValue};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};

use crate::error::{Error, OperationError};
use crate::retry::{self, Outcome};
use crate::runtime::Operation;
use crate::types::{EmptyResponse, ExceptionResponse};
use crate::{Client, operations};

/// The multipart part that carries the file.
pub const CSV_PART_NAME: &str = "file";

/// Error statuses the spec documents for the upload operations: their body is
/// Drata's error body.
const DOCUMENTED_ERRORS: &[u16] = &[400, 401, 402, 403, 404, 412, 429, 500];

impl Client {
    /// Creates an IdP connection from a personnel CSV file
    /// (`POST /connections/upload/csv`, answered `201`).
    ///
    /// The file is streamed from disk. Columns: `id, first_name, last_name,
    /// email, avatar_url, is_contractor, mfa, job_title`. Requires the
    /// Personnel: Import Personnel permission.
    ///
    /// ```no_run
    /// # async fn run() -> drata::Result<()> {
    /// let client = drata::Client::builder().build()?;
    /// client.create_idp_connection_from_csv("personnel.csv").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// The file is first validated the way Drata documents it
    /// ([`crate::personnel::validate_csv_file`]): if any row is invalid,
    /// nothing is sent and the error lists every problem.
    ///
    /// # Errors
    /// [`Error::File`] when the file cannot be read and [`Error::Validation`]
    /// when it is invalid (nothing is sent), and the errors of any request.
    pub async fn create_idp_connection_from_csv(
        &self,
        path: impl AsRef<Path>,
    ) -> Result<ResponseValue<EmptyResponse>, Error> {
        let url = format!("{}/connections/upload/csv", self.baseurl);
        self.upload_csv(&operations::CREATE_IDP_CONNECTION_FROM_CSV, url, path.as_ref(), StatusCode::CREATED)
            .await
    }

    /// Replaces the personnel of IdP connection `id` with a CSV file
    /// (`PUT /connections/{id}/upload/csv`, answered `200`).
    ///
    /// ```no_run
    /// # async fn run() -> drata::Result<()> {
    /// let client = drata::Client::builder().build()?;
    /// client.update_idp_connection_from_csv(42, "personnel.csv").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Client::create_idp_connection_from_csv`].
    pub async fn update_idp_connection_from_csv(
        &self,
        id: i64,
        path: impl AsRef<Path>,
    ) -> Result<ResponseValue<EmptyResponse>, Error> {
        let url = format!(
            "{}/connections/{}/upload/csv",
            self.baseurl,
            progenitor_client::encode_path(&id.to_string())
        );
        self.upload_csv(&operations::UPDATE_IDP_CONNECTION_FROM_CSV, url, path.as_ref(), StatusCode::OK).await
    }

    async fn upload_csv(
        &self,
        op: &'static Operation,
        url: String,
        path: &Path,
        success: StatusCode,
    ) -> Result<ResponseValue<EmptyResponse>, Error> {
        // Checked before anything is sent (a streaming pass over the file);
        // each attempt then reopens it.
        crate::personnel::validate_csv_file(path)?;
        crate::runtime::call(self, op, self.send_csv(op, url, path, success)).await
    }

    /// The exchange, the way generated methods do it, retried by rebuilding
    /// the streamed form for each attempt.
    async fn send_csv(
        &self,
        op: &'static Operation,
        url: String,
        path: &Path,
        success: StatusCode,
    ) -> Result<ResponseValue<EmptyResponse>, OperationError> {
        let method = Method::from_bytes(op.method.as_bytes()).unwrap_or(Method::POST);
        let info = OperationInfo { operation_id: op.id };
        let mut attempt = 0;
        let response = loop {
            attempt += 1;
            let (form, length) =
                csv_form(path).await.map_err(|e| OperationError::InvalidRequest(e.to_string()))?;
            let mut request = self
                .client
                .request(method.clone(), &url)
                .header(reqwest::header::ACCEPT, "application/json")
                .timeout(self.inner.upload_timeout(length))
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

/// A multipart form whose `file` part streams the file at `path`, and the
/// file's size.
async fn csv_form(path: &Path) -> std::io::Result<(Form, u64)> {
    let file = tokio::fs::File::open(path).await?;
    let length = file.metadata().await?.len();
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "personnel.csv".to_string());
    let body = reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::new(file));
    let part = Part::stream_with_length(body, length)
        .file_name(file_name)
        .mime_str("text/csv")
        .map_err(std::io::Error::other)?;
    Ok((Form::new().part(CSV_PART_NAME, part), length))
}
