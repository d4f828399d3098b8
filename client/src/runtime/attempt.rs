//! One attempt: the request sent with its timeout, and the whole answer
//! read (a connection cut or stalled in the middle of the body is then a
//! failed attempt like any other).

use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use reqwest::multipart::{Form, Part};

use crate::error::Error;
use crate::request::{Body, Progress};

/// The multipart part that carries an uploaded file.
const FILE_PART: &str = "file";

/// A whole answer.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) body: Bytes,
}

/// Sends one attempt of `template` with `body` and reads the whole answer.
///
/// # Errors
/// The outer error when the attempt cannot be made (the upload's file
/// cannot be opened: nothing was sent); the inner one when it failed on
/// the way.
pub(crate) async fn send(
    http: &reqwest::Client,
    template: &reqwest::Request,
    body: &Body<'_>,
    timeout: Duration,
) -> Result<Result<Answer, reqwest::Error>, Error> {
    let mut request = match body {
        Body::None | Body::Json(_) => {
            let mut request = reqwest::Request::new(template.method().clone(), template.url().clone());
            *request.headers_mut() = template.headers().clone();
            if let Body::Json(bytes) = body {
                *request.body_mut() = Some(reqwest::Body::from(bytes.clone()));
            }
            request
        }
        Body::Csv { csv, progress } => {
            let form = csv_form(csv, progress.clone())
                .await
                .map_err(|source| Error::File { path: csv.path().to_path_buf(), source })?;
            let built = http
                .request(template.method().clone(), template.url().clone())
                .headers(template.headers().clone())
                .multipart(form)
                .build();
            match built {
                Ok(request) => request,
                Err(e) => return Ok(Err(e)),
            }
        }
    };
    *request.timeout_mut() = Some(timeout);
    Ok(match http.execute(request).await {
        Ok(response) => read(response).await,
        Err(e) => Err(e),
    })
}

/// Reads the whole answer.
async fn read(mut response: reqwest::Response) -> Result<Answer, reqwest::Error> {
    // Room for the announced length, up to a bound: a server's claim is not a
    // reason to reserve memory before the bytes arrive.
    const RESERVE_AT_MOST: u64 = 1 << 20;
    let status = response.status().as_u16();
    let headers = std::mem::take(response.headers_mut());
    let mut first = Bytes::new();
    let mut joined = bytes::BytesMut::new();
    while let Some(chunk) = response.chunk().await? {
        if first.is_empty() && joined.is_empty() {
            // Most answers arrive in one chunk, which is kept as it is.
            first = chunk;
            continue;
        }
        if joined.is_empty() {
            let announced = response.content_length().unwrap_or(0).min(RESERVE_AT_MOST);
            joined.reserve(usize::try_from(announced).unwrap_or(0).max(first.len() + chunk.len()));
            joined.extend_from_slice(&first);
        }
        joined.extend_from_slice(&chunk);
    }
    let body = if joined.is_empty() { first } else { joined.freeze() };
    Ok(Answer { status, headers, body })
}

/// A multipart form whose `file` part streams the checked copy of a CSV,
/// reporting the bytes sent.
async fn csv_form(csv: &crate::personnel::PersonnelCsv, progress: Option<Progress>) -> std::io::Result<Form> {
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
    Ok(Form::new().part(FILE_PART, part))
}
