//! [`Error`]: everything that can go wrong, with what to do about it.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use reqwest::StatusCode;

use crate::runtime::{CallRecord, Operation};
use crate::types::ExceptionResponse;

/// progenitor's error, which the generated code produces before the client
/// turns it into an [`Error`].
pub type OperationError = progenitor_client::Error<ExceptionResponse>;

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The longest part of a response body an error message quotes.
pub const BODY_EXCERPT_CHARS: usize = 200;

/// Everything that can go wrong when talking to Drata.
///
/// `Display` says what happened and what to do; it never contains the API key
/// nor more than [`BODY_EXCERPT_CHARS`] characters of a response body.
///
/// ```
/// # async fn run(client: drata::Client) {
/// match client.list_connections().send().await {
///     Ok(page) => println!("{} connections", page.total),
///     Err(drata::Error::Api(e)) if e.status.as_u16() == 401 => eprintln!("{e}"), // says to check the key
///     Err(e) => eprintln!("{e}"),
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client's configuration is invalid; nothing was sent.
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// The request is invalid (a parameter or a body); nothing was sent.
    #[error("invalid request, nothing was sent: {0}")]
    InvalidRequest(String),
    /// The personnel to import are invalid; nothing was sent.
    #[error("invalid personnel, nothing was sent: {0}")]
    Validation(crate::personnel::ValidationReport),
    /// A file to upload could not be read; nothing was sent.
    #[error("cannot read `{}`: {source}; nothing was sent", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Drata answered with an error status and its error body.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// Drata's answer did not have the documented shape.
    #[error(
        "{}Drata's answer{} does not have the documented shape at `{path}`: {message}; the body starts with: {excerpt}",
        operation_prefix(*.operation),
        status.map(|s| format!(" ({s})")).unwrap_or_default()
    )]
    Decode {
        /// The operation.
        operation: Option<&'static Operation>,
        /// The status, when known.
        status: Option<StatusCode>,
        /// The JSON path of the value that did not match, e.g. `data[3].clientType`.
        path: String,
        /// What did not match.
        message: String,
        /// The start of the body, at most [`BODY_EXCERPT_CHARS`] characters.
        excerpt: String,
    },
    /// Drata answered with a status its documentation does not list for the
    /// operation (often a proxy's page).
    #[error(
        "{}Drata answered with the undocumented status {status} after {attempts} attempt(s); the body starts with: {excerpt}",
        operation_prefix(*.operation)
    )]
    UnexpectedStatus {
        /// The operation.
        operation: Option<&'static Operation>,
        /// The status.
        status: StatusCode,
        /// How many attempts were made.
        attempts: u32,
        /// The start of the body, at most [`BODY_EXCERPT_CHARS`] characters.
        excerpt: String,
    },
    /// Drata could not be reached, or the connection failed.
    #[error("{}could not talk to Drata after {attempts} attempt(s): {}", operation_prefix(*.operation), transport_message(.source))]
    Transport {
        /// The operation.
        operation: Option<&'static Operation>,
        /// How many attempts were made.
        attempts: u32,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// A listing did not end the way a paginated listing must.
    #[error("pagination stopped: {0}")]
    Pagination(String),
    /// The call's overall deadline passed before it finished, or would have
    /// passed during the pause before a retry or the wait for the rate
    /// limiter (then the call ends at once; `attempts` is 0 when nothing was
    /// sent).
    #[error(
        "{}no answer within the deadline of {after:?} ({attempts} attempt(s)); raise it with `ClientBuilder::deadline` or retry later",
        operation_prefix(Some(*.operation))
    )]
    Deadline {
        /// The operation.
        operation: &'static Operation,
        /// The deadline.
        after: Duration,
        /// How many attempts were started.
        attempts: u32,
    },
}

/// Drata's error answer: status, message, code, and a hint for a person.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The operation that failed, when known.
    pub operation: Option<&'static Operation>,
    /// The HTTP status.
    pub status: StatusCode,
    /// Drata's error body.
    pub body: ExceptionResponse,
    /// How many attempts were made (retried statuses are 429 and 5xx).
    pub attempts: u32,
    /// The wait the server asked for with `Retry-After`, if any.
    pub retry_after: Option<Duration>,
}

impl ApiError {
    /// Drata's message.
    pub fn message(&self) -> &str {
        &self.body.message
    }

    /// Drata's numeric error code.
    pub fn code(&self) -> i64 {
        self.body.code
    }

    /// Drata's name of the error, when it sends one.
    pub fn name(&self) -> Option<&str> {
        self.body.name.as_deref()
    }

    /// What a person should do about it.
    pub fn hint(&self) -> Option<String> {
        let permission = self.operation.and_then(|op| op.permission);
        match (self.status.as_u16(), permission) {
            (403, Some(permission)) => Some(format!(
                "The API key lacks the permission this operation requires: \"{permission}\". Add it to the key's scopes in Drata (Settings → API Keys)."
            )),
            (429, _) => Some(match self.retry_after {
                Some(wait) => format!(
                    "Rate limited: Drata asks to wait {} s before retrying (it allows 500 requests per minute per IP).",
                    wait.as_secs()
                ),
                None => hint_for(self.status).unwrap_or_default().to_string(),
            }),
            _ => hint_for(self.status).map(str::to_string),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&operation_prefix(self.operation))?;
        write!(f, "Drata answered {}: {} (code {}", self.status, self.body.message, self.body.code)?;
        if let Some(name) = &self.body.name {
            write!(f, ", {name}")?;
        }
        if self.attempts > 1 {
            write!(f, ", after {} attempts", self.attempts)?;
        }
        f.write_str(")")?;
        if let Some(hint) = self.hint() {
            write!(f, ". {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// The advice for a status.
pub fn hint_for(status: StatusCode) -> Option<&'static str> {
    Some(match status.as_u16() {
        400 => "Check the request against the operation's documentation.",
        401 => {
            "Check the API key (Settings → API Keys in Drata) and that the region matches your Drata account."
        }
        402 => "This feature needs a Drata plan upgrade.",
        403 => "The API key lacks the permission this operation requires; edit the key's scopes in Drata.",
        404 => "No such record: check the id.",
        412 => "The key's owner must accept Drata's terms and conditions in the Drata web app.",
        429 => "Rate limited: Drata allows 500 requests per minute per IP; wait and retry.",
        500..=599 => "Drata had a server error; retry later.",
        _ => return None,
    })
}

impl Error {
    /// The HTTP status of Drata's answer, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode { status, .. } => *status,
            Error::UnexpectedStatus { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether nothing was sent because the input or configuration is invalid.
    pub fn is_invalid_input(&self) -> bool {
        matches!(
            self,
            Error::Config(_) | Error::InvalidRequest(_) | Error::Validation(_) | Error::File { .. }
        )
    }

    /// Builds the error of a failed call from progenitor's error and what the
    /// hooks recorded. `T` is the success body's type, used to locate a
    /// decoding failure.
    pub(crate) async fn from_operation<T: serde::de::DeserializeOwned>(
        e: OperationError,
        op: &'static Operation,
        record: &CallRecord,
    ) -> Self {
        use progenitor_client::Error as P;
        let operation = Some(op);
        let attempts = record.attempts;
        match e {
            P::ErrorResponse(response) => Error::Api(Box::new(ApiError {
                operation,
                status: response.status(),
                body: response.into_inner(),
                attempts,
                retry_after: record.retry_after,
            })),
            P::InvalidRequest(message) | P::Custom(message) => match &record.validation {
                Some(report) => Error::Validation(report.clone()),
                None => Error::InvalidRequest(message),
            },
            P::CommunicationError(source) | P::ResponseBodyError(source) | P::InvalidUpgrade(source) => {
                Error::Transport { operation, attempts, source }
            }
            P::InvalidResponsePayload(body, e) => {
                let status = record.status;
                let path = if status.is_some_and(|s| s.is_success()) {
                    json_path::<T>(&body)
                } else {
                    json_path::<ExceptionResponse>(&body)
                };
                Error::Decode { operation, status, path, message: e.to_string(), excerpt: excerpt(&body) }
            }
            P::UnexpectedResponse(response) => {
                let status = response.status();
                let body = read_limited(record.body.as_deref(), response, UNEXPECTED_BODY_LIMIT).await;
                // An undocumented status may still carry Drata's error body.
                match serde_json::from_slice::<ExceptionResponse>(&body) {
                    Ok(body) if status.is_client_error() || status.is_server_error() => {
                        Error::Api(Box::new(ApiError {
                            operation,
                            status,
                            body,
                            attempts,
                            retry_after: record.retry_after,
                        }))
                    }
                    _ => Error::UnexpectedStatus { operation, status, attempts, excerpt: excerpt(&body) },
                }
            }
        }
    }
}

/// The most of an undocumented answer's body that is read.
const UNEXPECTED_BODY_LIMIT: usize = 64 * 1024;

/// The JSON path at which `body` fails to deserialize as `T` (`$` when it
/// is not JSON at all).
pub(crate) fn json_path<T: serde::de::DeserializeOwned>(body: &[u8]) -> String {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(_) => "$".into(),
        Err(e) => match e.path().to_string().as_str() {
            "." => "$".into(),
            path => path.to_string(),
        },
    }
}

/// Reads at most `limit` bytes of a body (more only if one chunk carries it).
/// The start of an answer's body: the one `exec` read (`read`), or else read
/// from the response.
async fn read_limited(read: Option<&[u8]>, mut response: reqwest::Response, limit: usize) -> Vec<u8> {
    if let Some(body) = read {
        return body.get(..limit).unwrap_or(body).to_vec();
    }
    let mut bytes = Vec::new();
    while bytes.len() < limit {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            _ => break,
        }
    }
    bytes.truncate(limit);
    bytes
}

/// The start of a body, cut at [`BODY_EXCERPT_CHARS`] characters.
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(BODY_EXCERPT_CHARS).collect();
    if text.chars().nth(BODY_EXCERPT_CHARS).is_some() {
        out.push('…');
    }
    if out.is_empty() { "(empty)".into() } else { out }
}

fn operation_prefix(op: Option<&Operation>) -> String {
    op.map(|op| format!("{} {}: ", op.method, op.path)).unwrap_or_default()
}

fn transport_message(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_body() || e.is_decode() {
        "the answer's body could not be read"
    } else {
        "request failed"
    };
    // reqwest's message names the URL, never headers: the key is not in it.
    let mut message = format!("{what}: {e}");
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(&format!(": {s}"));
        source = s.source();
    }
    message
}
