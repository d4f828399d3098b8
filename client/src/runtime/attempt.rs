//! One attempt: the request sent with its timeout, and the whole answer
//! read (a connection cut or stalled in the middle of the body is then a
//! failed attempt like any other).

use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use reqwest::multipart::{Form, Part};

use crate::error::Error;
use crate::request::{Body, FormBody, PartValue};

/// A whole answer.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) body: Bytes,
}

/// Why an attempt ends the call at once, whatever the retry policy says.
pub(crate) enum Stop {
    /// The attempt cannot be made (the upload's file cannot be opened):
    /// nothing was sent.
    Unsendable(Error),
    /// The answer is larger than the cap; it was read no further.
    TooLarge {
        /// The answer's status.
        status: u16,
        /// What it announced with `Content-Length`, if anything.
        announced: Option<u64>,
    },
}

/// Sends one attempt of `template` with `body` and reads the whole answer,
/// at most `max_answer` bytes of it.
///
/// # Errors
/// The outer error when the attempt cannot be made or its answer is too
/// large; the inner one when it failed on the way.
pub(crate) async fn send(
    http: &reqwest::Client,
    template: &reqwest::Request,
    body: &Body,
    timeout: Duration,
    max_answer: u64,
) -> Result<Result<Answer, reqwest::Error>, Stop> {
    let mut request = match body {
        Body::None | Body::Json(_) => {
            let mut request = reqwest::Request::new(template.method().clone(), template.url().clone());
            *request.headers_mut() = template.headers().clone();
            if let Body::Json(bytes) = body {
                *request.body_mut() = Some(reqwest::Body::from(bytes.clone()));
            }
            request
        }
        Body::Form(form) => {
            let form = multipart(form).await.map_err(Stop::Unsendable)?;
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
    match http.execute(request).await {
        Ok(response) => read(response, max_answer).await,
        Err(e) => Ok(Err(e)),
    }
}

/// Reads the whole answer, refusing it once it passes `max_answer` bytes
/// (or announces more).
async fn read(
    mut response: reqwest::Response,
    max_answer: u64,
) -> Result<Result<Answer, reqwest::Error>, Stop> {
    // Room for the announced length, up to a bound: a server's claim is not a
    // reason to reserve memory before the bytes arrive.
    const RESERVE_AT_MOST: u64 = 1 << 20;
    let status = response.status().as_u16();
    let announced = response.content_length();
    if announced.is_some_and(|n| n > max_answer) {
        return Err(Stop::TooLarge { status, announced });
    }
    let headers = std::mem::take(response.headers_mut());
    let mut first = Bytes::new();
    let mut joined = bytes::BytesMut::new();
    loop {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(e) => return Ok(Err(e)),
        };
        let read = if joined.is_empty() { first.len() } else { joined.len() };
        if (read + chunk.len()) as u64 > max_answer {
            return Err(Stop::TooLarge { status, announced });
        }
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
    Ok(Ok(Answer { status, headers, body }))
}

/// The reqwest form of `form`, made anew for each attempt: each file
/// opened and streamed from disk, the bytes sent told to `form.progress`
/// (all files together, from 0 again on a retry).
///
/// # Errors
/// [`Error::File`] when a file cannot be opened: nothing was sent.
async fn multipart(form: &FormBody) -> Result<Form, Error> {
    let total = form.file_bytes();
    let sent = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    if let Some(progress) = &form.progress {
        progress(0, total);
    }
    let mut out = Form::new();
    for part in &form.parts {
        let made = match &part.value {
            PartValue::Text(text) => Part::text(text.clone()),
            PartValue::File { path, file_name, media_type, len } => {
                let file = tokio::fs::File::open(path)
                    .await
                    .map_err(|source| Error::File { path: path.clone(), source })?;
                let chunks = tokio_util::io::ReaderStream::new(file);
                let body = match form.progress.clone() {
                    None => reqwest::Body::wrap_stream(chunks),
                    Some(progress) => {
                        let sent = sent.clone();
                        reqwest::Body::wrap_stream(chunks.map(move |chunk| {
                            if let Ok(bytes) = &chunk {
                                let now = sent
                                    .fetch_add(bytes.len() as u64, std::sync::atomic::Ordering::Relaxed)
                                    + bytes.len() as u64;
                                progress(now, total);
                            }
                            chunk
                        }))
                    }
                };
                Part::stream_with_length(body, *len)
                    .file_name(file_name.clone())
                    .mime_str(media_type)
                    .map_err(|e| Error::File { path: path.clone(), source: std::io::Error::other(e) })?
            }
        };
        out = out.part(part.name.clone(), made);
    }
    Ok(out)
}
