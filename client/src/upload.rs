//! The multipart operations progenitor cannot generate: personnel CSV uploads.
//!
//! The generator sets aside every operation whose request body is
//! `multipart/form-data` (progenitor 0.15 has no multipart support);
//! `cargo xtask check` fails unless each has a method here. They go through
//! the same hooks as generated methods, and stream the file from disk instead
//! of reading it into memory.

use std::path::{Path, PathBuf};

use progenitor_client::{ClientHooks, OperationInfo, ResponseValue};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};

use crate::Client;
use crate::error::{ApiError, Error, excerpt};
use crate::types::{EmptyResponse, ExceptionResponse};

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
    /// # Errors
    /// [`Error::File`] when the file cannot be opened (nothing is sent), and
    /// the errors of any request.
    pub async fn create_idp_connection_from_csv(
        &self,
        path: impl AsRef<Path>,
    ) -> Result<ResponseValue<EmptyResponse>, Error> {
        let url = format!("{}/connections/upload/csv", self.baseurl);
        self.upload_csv(
            Method::POST,
            url,
            path.as_ref(),
            StatusCode::CREATED,
            "create_idp_connection_from_csv",
        )
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
        self.upload_csv(Method::PUT, url, path.as_ref(), StatusCode::OK, "update_idp_connection_from_csv")
            .await
    }

    async fn upload_csv(
        &self,
        method: Method,
        url: String,
        path: &Path,
        success: StatusCode,
        operation_id: &'static str,
    ) -> Result<ResponseValue<EmptyResponse>, Error> {
        let form = csv_form(path).await?;
        let mut request = self
            .client
            .request(method, url)
            .header(reqwest::header::ACCEPT, "application/json")
            .multipart(form)
            .build()
            .map_err(|e| Error::InvalidRequest(e.to_string()))?;
        let info = OperationInfo { operation_id };
        self.pre::<ExceptionResponse>(&mut request, &info).await?;
        let result = self.exec(request, &info).await;
        self.post::<ExceptionResponse>(&result, &info).await?;
        let response = result.map_err(Error::Transport)?;
        decode(response, success).await
    }
}

/// A multipart form whose `file` part streams the file at `path`.
async fn csv_form(path: &Path) -> Result<Form, Error> {
    let file_error = |source| Error::File { path: PathBuf::from(path), source };
    let file = tokio::fs::File::open(path).await.map_err(file_error)?;
    let length = file.metadata().await.map_err(file_error)?.len();
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "personnel.csv".to_string());
    let body = reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::new(file));
    let part = Part::stream_with_length(body, length)
        .file_name(file_name)
        .mime_str("text/csv")
        .map_err(|e| Error::InvalidRequest(e.to_string()))?;
    Ok(Form::new().part(CSV_PART_NAME, part))
}

/// Maps an answer the way generated methods do: the documented success
/// status decodes the body, a documented error status decodes Drata's error
/// body, anything else is unexpected.
async fn decode(
    response: reqwest::Response,
    success: StatusCode,
) -> Result<ResponseValue<EmptyResponse>, Error> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(Error::Transport)?;
    let decode_error = |e: serde_json::Error| Error::Decode {
        status: Some(status),
        message: e.to_string(),
        excerpt: excerpt(&body),
    };
    if status == success {
        let value = serde_json::from_slice(&body).map_err(decode_error)?;
        Ok(ResponseValue::new(value, status, headers))
    } else if DOCUMENTED_ERRORS.contains(&status.as_u16()) {
        let body: ExceptionResponse = serde_json::from_slice(&body).map_err(decode_error)?;
        Err(Error::Api(Box::new(ApiError { status, body })))
    } else {
        Err(Error::UnexpectedStatus { status, excerpt: excerpt(&body) })
    }
}
