//! [`Error`]: everything that can go wrong, and the facts a program reads
//! of it (its operation, status, attempts, kind). What it says to a person
//! (its wording, the hints of an error answer) is in `wording`.

mod wording;

pub(crate) use wording::QUOTED_CHARS;
pub(crate) use wording::{cut, excerpt, printable, seconds};
use wording::{deadline_setting, decode_text, size_text, status_text, transport_reason};

use std::path::PathBuf;
use std::time::Duration;

use crate::operation::Operation;
#[cfg(feature = "personnel")]
use crate::personnel::{PersonnelError, ValidationReport};

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong when talking to Drata.
///
/// `Display` says what happened and what to do; it never contains the API key
/// nor more than 200 characters of a response body. [`Error::operation`],
/// [`Error::status`] and [`Error::attempts`] give the facts to a program.
///
/// ```
/// # async fn run(client: drata::Client) {
/// match client.list_connections().send().await {
///     Ok(page) => println!("{} connections", page.total),
///     Err(e) if e.status() == Some(401) => eprintln!("{e}"), // says to check the key
///     Err(e) => eprintln!("{e}"),
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client's configuration is invalid; nothing was sent.
    #[error("invalid client configuration: {message}")]
    Config {
        /// What is wrong and how to set it.
        message: String,
    },
    /// A parameter or a body is invalid; nothing was sent.
    #[error("invalid request, nothing was sent: {message}")]
    InvalidRequest {
        /// The operation, when the request was one's.
        operation: Option<&'static Operation>,
        /// What is wrong, naming the parameter.
        message: String,
    },
    /// What was to be sent failed a check the spec names for it (the
    /// personnel of an import, checked the way Drata documents them);
    /// nothing was sent. The finding is the source: for personnel, a
    /// [`ValidationReport`] ([`Error::validation_report`]).
    #[error("invalid {what}, nothing was sent: {source}")]
    Rejected {
        /// The operation, when the request was one's.
        operation: Option<&'static Operation>,
        /// What was checked, e.g. `personnel`.
        what: &'static str,
        /// What the check found.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
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
    #[error("{} {request_path}: {}; the body starts with: {excerpt}", operation.method, decode_text(*status, path, message))]
    Decode {
        /// The operation.
        operation: &'static Operation,
        /// The path the request went to, relative to the API root.
        request_path: String,
        /// The answer's status.
        status: u16,
        /// The JSON path of the value that did not match, e.g. `data[3].clientType`
        /// (`$` for the body itself); empty when the body is not JSON at all.
        path: String,
        /// What did not match.
        message: String,
        /// The start of the body, at most 200 characters.
        excerpt: String,
    },
    /// Drata answered with a status that is neither a success (2xx) nor an
    /// error (4xx, 5xx): an informational or redirect status.
    #[error(
        "{} {request_path}: Drata answered with the unexpected status {} after {attempts} attempt(s); the body starts with: {excerpt}",
        operation.method,
        status_text(*status)
    )]
    UnexpectedStatus {
        /// The operation.
        operation: &'static Operation,
        /// The path the request went to, relative to the API root.
        request_path: String,
        /// The status.
        status: u16,
        /// How many attempts were made.
        attempts: u32,
        /// The start of the body, at most 200 characters.
        excerpt: String,
    },
    /// The server answered with a redirect (a 3xx with a `Location`). Drata's
    /// API never redirects, so the client follows none: a redirect comes
    /// from a proxy or a wrong base URL, and following it would send the
    /// request, and a write's body, to a host nobody chose.
    #[error(
        "{} {request_path}: the server answered {}, a redirect to `{location}`; Drata's API does not redirect and the client follows no redirect: check the base URL, or a proxy between you and Drata",
        operation.method,
        status_text(*status)
    )]
    Redirect {
        /// The operation.
        operation: &'static Operation,
        /// The path the request went to, relative to the API root.
        request_path: String,
        /// The status (301, 302, 303, 307, 308, …).
        status: u16,
        /// The answer's `Location` header as sent (control characters
        /// escaped, at most 200 characters).
        location: String,
    },
    /// The answer was larger than the client reads
    /// ([`crate::ClientBuilder::max_answer_bytes`]); it was not read past
    /// the cap. Its status is known: for a write, the server's verdict.
    #[error(
        "{} {request_path}: the answer (status {status}) is larger than the {} the client reads{}; nothing of it was read past that. Raise the cap (`ClientBuilder::max_answer_bytes`) if an answer that large is expected",
        operation.method,
        size_text(*limit),
        announced.map_or_else(String::new, |n| format!(" (announced: {})", size_text(n)))
    )]
    AnswerTooLarge {
        /// The operation.
        operation: &'static Operation,
        /// The path the request went to, relative to the API root.
        request_path: String,
        /// The answer's status.
        status: u16,
        /// The cap, in bytes.
        limit: u64,
        /// The size the answer announced (`Content-Length`), if it did.
        announced: Option<u64>,
    },
    /// Drata could not be reached, or no answer came, and the request was
    /// one that is safe to repeat (or could not have reached Drata).
    #[error("{} {request_path}: {} ({attempts} attempt(s)){}", operation.method, transport_reason(*kind, source.as_ref(), *timeout), kind.advice())]
    Transport {
        /// The operation.
        operation: &'static Operation,
        /// The path the request went to, relative to the API root.
        request_path: String,
        /// How many attempts were made.
        attempts: u32,
        /// What went wrong.
        kind: TransportKind,
        /// How long the last attempt waited, when it timed out.
        timeout: Option<Duration>,
        /// The underlying error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A request that changes something (a `POST`) may have reached Drata,
    /// but its answer was lost: Drata may have acted on it. It is never
    /// retried; check before repeating it.
    #[error(
        "{} {request_path}: the request may have reached Drata, but its answer was lost ({}; attempt {attempts}): Drata may have acted on it. Do not simply repeat it; first check whether it took effect{}",
        operation.method,
        transport_reason(*kind, source.as_ref(), *timeout),
        operation.if_unanswered.map(|check| format!(": {check}")).unwrap_or_default()
    )]
    OutcomeUnknown {
        /// The operation.
        operation: &'static Operation,
        /// The path the request went to, relative to the API root.
        request_path: String,
        /// How many attempts were made (the last one's answer was lost;
        /// earlier ones failed before the request could have reached Drata,
        /// or were answered with a status worth retrying).
        attempts: u32,
        /// What went wrong.
        kind: TransportKind,
        /// How long the attempt waited, when it timed out.
        timeout: Option<Duration>,
        /// The underlying error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A listing did not end the way a paginated listing must.
    #[error("pagination stopped: {message}")]
    Pagination {
        /// The listing's operation.
        operation: &'static Operation,
        /// What happened.
        message: String,
    },
    /// The call's deadline passed before it finished, or would have passed
    /// during the pause before a retry or the wait for the rate limiter (then
    /// the call ends at once; `attempts` is 0 when nothing was sent).
    #[error(
        "{} {request_path}: {} ({attempts} attempt(s)); raise it with `ClientBuilder::{}` or retry later",
        operation.method,
        waiting.describe(*after),
        deadline_setting(operation)
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
        /// What the call was waiting for when the deadline ended it.
        waiting: Waiting,
    },
}

/// What a call was waiting for when its deadline ended it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Waiting {
    /// An answer: the deadline passed during an attempt.
    Answer,
    /// The rate limiter: its next token was this far off, past the deadline.
    RateLimit(Duration),
    /// The pause before a retry, this long, which would have passed the deadline.
    Retry(Duration),
}

/// What went wrong when no answer (or no whole answer) came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// No connection could be made: the request cannot have reached Drata.
    Connect,
    /// No answer came within the timeout.
    Timeout,
    /// The answer began, then stopped arriving within the timeout.
    AnswerTimeout,
    /// The connection broke while the answer was arriving.
    AnswerCut,
    /// Anything else on the way.
    Other,
}

impl TransportKind {
    pub(crate) fn of(error: &reqwest::Error) -> Self {
        match (error.is_timeout(), error.is_connect(), error.is_body() || error.is_decode()) {
            (true, _, true) => TransportKind::AnswerTimeout,
            (true, _, false) => TransportKind::Timeout,
            (false, true, _) => TransportKind::Connect,
            (false, false, true) => TransportKind::AnswerCut,
            (false, false, false) => TransportKind::Other,
        }
    }

    fn is_timeout(self) -> bool {
        matches!(self, TransportKind::Timeout | TransportKind::AnswerTimeout)
    }
}

#[cfg(feature = "personnel")]
impl From<PersonnelError> for Error {
    fn from(e: PersonnelError) -> Self {
        match e {
            PersonnelError::File { path, source } => Error::File { path, source },
            PersonnelError::NotAList { path, message } => Error::InvalidRequest {
                operation: None,
                message: format!("`{}` is not a personnel list: {message}", path.display()),
            },
            PersonnelError::Invalid(report) => Error::rejected_personnel(None, report),
        }
    }
}

/// An error answer: its status, Drata's error body when it sent one, and a
/// hint for a person.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The operation that failed.
    pub operation: &'static Operation,
    /// The path the request went to, relative to the API root, e.g.
    /// `/user-identities/version-control/7/toggle`.
    pub request_path: String,
    /// The HTTP status.
    pub status: u16,
    /// Drata's error body; `None` when the body is not Drata's error JSON
    /// (a proxy's HTML page, an empty body): see [`ApiError::excerpt`].
    pub body: Option<ErrorBody>,
    /// The start of a body that is not Drata's error JSON, at most 200
    /// characters.
    pub excerpt: Option<String>,
    /// How many attempts were made (retried statuses are 429 and 5xx).
    pub attempts: u32,
    /// The wait the server asked for with `Retry-After`, if any.
    pub retry_after: Option<Duration>,
}

impl ApiError {
    /// Drata's message, whole, when the body is Drata's error JSON (the
    /// error's `Display` quotes at most 200 characters of it:
    /// [`ApiError::message_is_cut`]).
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

    /// The error body read as `T`: the operation's documented error schema
    /// ([`Operation::error_schema`], a type of [`crate::types`]), to reach
    /// what only that schema holds. `None` when there is no error JSON or
    /// it does not read as `T`.
    ///
    /// ```
    /// # fn show(api: &drata::ApiError) {
    /// let documented: Option<drata::types::ExceptionResponse> = api.body_as();
    /// # }
    /// ```
    pub fn body_as<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        let body = serde_json::to_value(self.body.as_ref()?).ok()?;
        serde_json::from_value(body).ok()
    }
}

/// The body of an error answer: what every error schema of Drata's
/// documents holds (the generator refuses one without it), and whatever
/// else the answer had. Read for every operation, whichever document it
/// is from; [`ApiError::body_as`] reads it as the operation's own schema.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
#[non_exhaustive]
pub struct ErrorBody {
    /// The HTTP status, as Drata wrote it in the body.
    #[serde(rename = "statusCode")]
    pub status_code: i64,
    /// Drata's numeric error code.
    pub code: i64,
    /// What went wrong, in Drata's words.
    pub message: String,
    /// The name of the error, e.g. `NotFoundException`, when Drata sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Drata's debugging details, when it sends them, as sent.
    #[serde(rename = "debugInfo", default, skip_serializing_if = "Option::is_none")]
    pub debug_info: Option<serde_json::Value>,
    /// Every other field of the body (what one schema adds, e.g. a list of
    /// the inputs refused), as sent.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

impl std::error::Error for ApiError {}

impl Error {
    /// The operation of the call that failed, when the error is a call's.
    pub fn operation(&self) -> Option<&'static Operation> {
        match self {
            Error::InvalidRequest { operation, .. } => *operation,
            Error::Api(e) => Some(e.operation),
            Error::Decode { operation, .. }
            | Error::UnexpectedStatus { operation, .. }
            | Error::Redirect { operation, .. }
            | Error::AnswerTooLarge { operation, .. }
            | Error::Transport { operation, .. }
            | Error::OutcomeUnknown { operation, .. }
            | Error::Pagination { operation, .. }
            | Error::Deadline { operation, .. } => Some(operation),
            Error::Rejected { operation, .. } => *operation,
            Error::Config { .. } | Error::File { .. } => None,
        }
    }

    /// The HTTP status of Drata's answer, if there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode { status, .. }
            | Error::UnexpectedStatus { status, .. }
            | Error::Redirect { status, .. }
            | Error::AnswerTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// How many attempts the call made, when it made any.
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Error::Api(e) => Some(e.attempts),
            Error::UnexpectedStatus { attempts, .. }
            | Error::Transport { attempts, .. }
            | Error::OutcomeUnknown { attempts, .. }
            | Error::Deadline { attempts, .. } => Some(*attempts),
            _ => None,
        }
    }

    /// The personnel an import found invalid, every problem with its row
    /// and column, when that is why nothing was sent.
    #[cfg(feature = "personnel")]
    pub fn validation_report(&self) -> Option<&ValidationReport> {
        match self {
            Error::Rejected { source, .. } => source.downcast_ref::<ValidationReport>(),
            _ => None,
        }
    }

    /// A personnel list or file found invalid.
    #[cfg(feature = "personnel")]
    pub(crate) fn rejected_personnel(
        operation: Option<&'static Operation>,
        report: ValidationReport,
    ) -> Self {
        Error::Rejected { operation, what: "personnel", source: Box::new(report) }
    }

    /// Whether nothing was sent because the input or configuration is invalid.
    pub fn is_invalid_input(&self) -> bool {
        matches!(
            self,
            Error::Config { .. } | Error::InvalidRequest { .. } | Error::Rejected { .. } | Error::File { .. }
        )
    }

    /// Whether the error is a timeout: no answer, or no whole answer, came
    /// within the time allowed.
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Transport { kind, .. } | Error::OutcomeUnknown { kind, .. } => kind.is_timeout(),
            Error::Deadline { .. } => true,
            _ => false,
        }
    }
}

/// The path of a [`Error::Decode`] whose body is not JSON at all.
pub(crate) const NOT_JSON: &str = "";
