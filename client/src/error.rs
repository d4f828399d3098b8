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
    /// Drata (or something in front of it, such as a proxy) answered with an
    /// error status.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// Drata's answer did not have the documented shape.
    #[error(
        "{}Drata's answer{} does not have the documented shape at `{path}`: {message}; the body starts with: {excerpt}",
        operation_prefix(*.operation, .request_path),
        status.map(|s| format!(" ({s})")).unwrap_or_default()
    )]
    Decode {
        /// The operation.
        operation: Option<&'static Operation>,
        /// The path the request went to, relative to the API root.
        request_path: String,
        /// The status, when known.
        status: Option<StatusCode>,
        /// The JSON path of the value that did not match, e.g. `data[3].clientType`.
        path: String,
        /// What did not match.
        message: String,
        /// The start of the body, at most [`BODY_EXCERPT_CHARS`] characters.
        excerpt: String,
    },
    /// Drata answered with a success or redirect status its documentation
    /// does not list for the operation.
    #[error(
        "{}Drata answered with the undocumented status {status} after {attempts} attempt(s); the body starts with: {excerpt}",
        operation_prefix(*.operation, .request_path)
    )]
    UnexpectedStatus {
        /// The operation.
        operation: Option<&'static Operation>,
        /// The path the request went to, relative to the API root.
        request_path: String,
        /// The status.
        status: StatusCode,
        /// How many attempts were made.
        attempts: u32,
        /// The start of the body, at most [`BODY_EXCERPT_CHARS`] characters.
        excerpt: String,
    },
    /// Drata could not be reached, or no answer came, and the request was
    /// one that is safe to repeat (or could not have reached Drata).
    #[error(
        "{}{} ({attempts} attempt(s)){}",
        operation_prefix(*.operation, .request_path),
        transport_reason(.source, *.timeout),
        transport_advice(.source)
    )]
    Transport {
        /// The operation.
        operation: Option<&'static Operation>,
        /// The path the request went to, relative to the API root.
        request_path: String,
        /// How many attempts were made.
        attempts: u32,
        /// How long the last attempt waited, when it timed out.
        timeout: Option<Duration>,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// A request that changes something (a `POST`) may have reached Drata,
    /// but its answer was lost: Drata may have acted on it. It is never
    /// retried; check before repeating it.
    #[error(
        "{}the request may have reached Drata, but its answer was lost ({}): Drata may have acted on it. Do not simply repeat it; first check whether it took effect{}",
        operation_prefix(Some(*.operation), .request_path),
        transport_reason(.source, *.timeout),
        operation.if_unanswered.map(|check| format!(": {check}")).unwrap_or_default()
    )]
    OutcomeUnknown {
        /// The operation.
        operation: &'static Operation,
        /// The path the request went to, relative to the API root.
        request_path: String,
        /// How long the attempt waited, when it timed out.
        timeout: Option<Duration>,
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
        "{}no answer within the deadline of {} ({attempts} attempt(s)); raise it with `ClientBuilder::deadline` or retry later",
        operation_prefix(Some(*.operation), .request_path),
        seconds(*.after)
    )]
    Deadline {
        /// The operation.
        operation: &'static Operation,
        /// The path the request went to, relative to the API root.
        request_path: String,
        /// The deadline.
        after: Duration,
        /// How many attempts were started.
        attempts: u32,
    },
}

/// An error answer: its status, Drata's error body when it sent one, and a
/// hint for a person.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The operation that failed, when known.
    pub operation: Option<&'static Operation>,
    /// The path the request went to, relative to the API root, e.g.
    /// `/user-identities/version-control/7/toggle`.
    pub request_path: String,
    /// The HTTP status.
    pub status: StatusCode,
    /// Drata's error body; `None` when the body is not Drata's error JSON
    /// (a proxy's HTML page, an empty body): see [`ApiError::excerpt`].
    pub body: Option<ExceptionResponse>,
    /// The start of a body that is not Drata's error JSON, at most
    /// [`BODY_EXCERPT_CHARS`] characters.
    pub excerpt: Option<String>,
    /// How many attempts were made (retried statuses are 429 and 5xx).
    pub attempts: u32,
    /// The wait the server asked for with `Retry-After`, if any.
    pub retry_after: Option<Duration>,
}

impl ApiError {
    /// Drata's message, when the body is Drata's error JSON.
    pub fn message(&self) -> Option<&str> {
        self.body.as_ref().map(|b| b.message.as_str())
    }

    /// Drata's numeric error code, when the body is Drata's error JSON.
    pub fn code(&self) -> Option<i64> {
        self.body.as_ref().map(|b| b.code)
    }

    /// Drata's name of the error, when it sends one.
    pub fn name(&self) -> Option<&str> {
        self.body.as_ref().and_then(|b| b.name.as_deref())
    }

    /// The start of a body that is not Drata's error JSON.
    pub fn excerpt(&self) -> Option<&str> {
        self.excerpt.as_deref()
    }

    /// Whether a 404 means the route, not a record, does not exist: the
    /// operation names no record, or the answer is not Drata's record error
    /// (a proxy's page, or a web framework's `Cannot GET /…`).
    fn is_unknown_route(&self) -> bool {
        let names_a_record = self.operation.is_none_or(|op| op.path.contains('{'));
        let framework_404 = self.message().is_none_or(|m| m.starts_with("Cannot "));
        !names_a_record || framework_404
    }

    /// What a person should do about it.
    pub fn hint(&self) -> Option<String> {
        let permission = self.operation.and_then(|op| op.permission);
        Some(match (self.status.as_u16(), permission) {
            (403, Some(permission)) => format!(
                "The API key lacks the permission this operation requires: \"{permission}\". Add it to the key's scopes in Drata (Settings → API Keys)."
            ),
            (404, _) if self.is_unknown_route() => "Drata has no such route: check the base URL (it ends in `/public`, e.g. https://public-api.drata.com/public) and the region.".to_string(),
            (404, _) => format!("No such record: check the id in {}.", self.request_path),
            (429, _) if self.retry_after.is_some() => format!(
                "Rate limited: Drata asks to wait {} before retrying (it allows 500 requests per minute per IP).",
                seconds(self.retry_after.unwrap_or_default())
            ),
            _ => status_hint(self.status)?.to_string(),
        })
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&operation_prefix(self.operation, &self.request_path))?;
        write!(f, "Drata answered {}", self.status)?;
        match &self.body {
            Some(body) => {
                write!(f, ": {} (code {}", body.message, body.code)?;
                if let Some(name) = &body.name {
                    write!(f, ", {name}")?;
                }
            }
            None => {
                let excerpt = self.excerpt.as_deref().unwrap_or("(empty)");
                write!(f, " with a body that is not Drata's error JSON ({excerpt}")?;
            }
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

/// The advice for an error status, whatever the operation.
fn status_hint(status: StatusCode) -> Option<&'static str> {
    Some(match status.as_u16() {
        400 => "Check the request against the operation's documentation.",
        401 => {
            "Check the API key (Settings → API Keys in Drata) and that the region matches your Drata account."
        }
        402 => "This feature needs a Drata plan upgrade.",
        403 => "The API key lacks the permission this operation requires; edit the key's scopes in Drata.",
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
        let request_path = record.request_path.clone().unwrap_or_else(|| op.path.to_string());
        let api = |status: StatusCode, body: Option<ExceptionResponse>, excerpt: Option<String>| {
            Error::Api(Box::new(ApiError {
                operation,
                request_path: request_path.clone(),
                status,
                body,
                excerpt,
                attempts,
                retry_after: record.retry_after,
            }))
        };
        match e {
            P::ErrorResponse(response) => api(response.status(), Some(response.into_inner()), None),
            P::InvalidRequest(message) | P::Custom(message) => match &record.validation {
                Some(report) => Error::Validation(report.clone()),
                None => Error::InvalidRequest(message),
            },
            P::CommunicationError(source) | P::ResponseBodyError(source) | P::InvalidUpgrade(source) => {
                let timeout = source.is_timeout().then_some(record.timeout).flatten();
                if record.maybe_acted {
                    Error::OutcomeUnknown { operation: op, request_path, timeout, source }
                } else {
                    Error::Transport { operation, request_path, attempts, timeout, source }
                }
            }
            P::InvalidResponsePayload(body, e) => match record.status {
                // An error status whose body is not Drata's error JSON keeps
                // what the status says.
                Some(status) if status.is_client_error() || status.is_server_error() => {
                    api(status, None, Some(excerpt(&body)))
                }
                status => Error::Decode {
                    operation,
                    request_path,
                    status,
                    path: json_path::<T>(&body),
                    message: e.to_string(),
                    excerpt: excerpt(&body),
                },
            },
            P::UnexpectedResponse(response) => {
                let status = response.status();
                let body = read_limited(record.body.as_deref(), response, UNEXPECTED_BODY_LIMIT).await;
                if status.is_client_error() || status.is_server_error() {
                    // An undocumented error status may still carry Drata's error body.
                    match serde_json::from_slice::<ExceptionResponse>(&body) {
                        Ok(body) => api(status, Some(body), None),
                        Err(_) => api(status, None, Some(excerpt(&body))),
                    }
                } else {
                    Error::UnexpectedStatus {
                        operation,
                        request_path,
                        status,
                        attempts,
                        excerpt: excerpt(&body),
                    }
                }
            }
        }
    }

    /// Whether the error is a timeout: no answer, or no whole answer, came
    /// within the time allowed.
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Transport { source, .. } | Error::OutcomeUnknown { source, .. } => source.is_timeout(),
            Error::Deadline { .. } => true,
            _ => false,
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

fn operation_prefix(op: Option<&Operation>, request_path: &str) -> String {
    match op {
        Some(op) if request_path.is_empty() => format!("{} {}: ", op.method, op.path),
        Some(op) => format!("{} {request_path}: ", op.method),
        None => String::new(),
    }
}

/// A duration for a person: `2 s`, `1.5 s`, `250 ms`.
pub(crate) fn seconds(duration: Duration) -> String {
    if duration < Duration::from_secs(1) {
        format!("{} ms", duration.as_millis())
    } else if duration.subsec_millis() == 0 {
        format!("{} s", duration.as_secs())
    } else {
        format!("{:.1} s", duration.as_secs_f64())
    }
}

/// What went wrong on the way, in words: what timed out or broke, then
/// reqwest's own chain of causes (which names the URL, never headers: the
/// key is not in it).
fn transport_reason(e: &reqwest::Error, timeout: Option<Duration>) -> String {
    let what = if e.is_timeout() {
        let within = timeout.map(|t| format!(" within {}", seconds(t))).unwrap_or_default();
        if e.is_body() || e.is_decode() {
            format!("the answer stopped arriving: no whole answer{within}")
        } else {
            format!("no answer{within}")
        }
    } else if e.is_connect() {
        "could not connect to Drata".to_string()
    } else if e.is_body() || e.is_decode() {
        "the connection broke while the answer was arriving".to_string()
    } else {
        "the request failed".to_string()
    };
    let mut message = format!("{what}: {e}");
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(&format!(": {s}"));
        source = s.source();
    }
    message
}

/// What to do after a transport failure.
fn transport_advice(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "; Drata or the network is slow or down: allow more time (`ClientBuilder::timeout`) or try later"
    } else if e.is_connect() {
        "; check the network, the base URL and the region"
    } else {
        "; try again later"
    }
}
