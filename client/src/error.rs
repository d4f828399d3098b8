//! [`Error`]: everything that can go wrong, with what to do about it.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::operation::{BodyKind, Operation};
use crate::personnel::{PersonnelError, ValidationReport};
use crate::types::ExceptionResponse;

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The longest part of a response body an error message quotes.
pub(crate) const BODY_EXCERPT_CHARS: usize = 200;

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
    /// The personnel to import are invalid; nothing was sent.
    #[error("invalid personnel, nothing was sent: {0}")]
    Validation(ValidationReport),
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
    /// Drata answered with a success or redirect status its documentation
    /// does not list for the operation.
    #[error(
        "{} {request_path}: Drata answered with the undocumented status {} after {attempts} attempt(s); the body starts with: {excerpt}",
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

impl Waiting {
    /// What happened, for a deadline of `after`.
    pub fn describe(self, after: Duration) -> String {
        let deadline = seconds(after);
        match self {
            Waiting::Answer => format!("no answer within the deadline of {deadline}"),
            Waiting::RateLimit(wait) => format!(
                "not sent: the rate limit's next free request is {} away, past the deadline of {deadline}",
                seconds(wait)
            ),
            Waiting::Retry(delay) => format!(
                "no answer within the deadline of {deadline}: the pause of {} before the next retry would pass it",
                seconds(delay)
            ),
        }
    }
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

    /// What to do after such a failure.
    fn advice(self) -> &'static str {
        match self {
            TransportKind::Timeout | TransportKind::AnswerTimeout => {
                "; Drata or the network is slow or down: allow more time or try later"
            }
            TransportKind::Connect => "; check the network, the base URL and the region",
            TransportKind::AnswerCut | TransportKind::Other => "; try again later",
        }
    }
}

impl From<PersonnelError> for Error {
    fn from(e: PersonnelError) -> Self {
        match e {
            PersonnelError::File { path, source } => Error::File { path, source },
            PersonnelError::NotAList { path, message } => Error::InvalidRequest {
                operation: None,
                message: format!("`{}` is not a personnel list: {message}", path.display()),
            },
            PersonnelError::Invalid(report) => Error::Validation(report),
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
    pub body: Option<ExceptionResponse>,
    /// The start of a body that is not Drata's error JSON, at most 200
    /// characters.
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
        let names_a_record = self.operation.path.contains('{');
        let framework_404 = self.message().is_none_or(|m| m.starts_with("Cannot "));
        !names_a_record || framework_404
    }

    /// Whether the body is not JSON at all: a web page, a proxy's or a
    /// gateway's, not Drata's API.
    fn is_not_json(&self) -> bool {
        self.body.is_none()
            && self.excerpt.as_deref().is_some_and(|e| {
                let start = e.trim_start();
                !start.is_empty() && start != "(empty)" && !start.starts_with(['{', '['])
            })
    }

    /// What a 404 of an unknown route means: a method the path does not
    /// have, or a path the API does not have.
    fn unknown_route_hint(&self) -> String {
        let methods: Vec<String> = Operation::methods_of_path(&self.request_path)
            .into_iter()
            .filter(|m| *m != self.operation.method)
            .map(|m| m.to_string())
            .collect();
        if methods.is_empty() {
            "Drata has no such route: check the path, the base URL (it ends in `/public`, e.g. https://public-api.drata.com/public) and the region.".to_string()
        } else {
            format!(
                "Drata's API has no {} on {}: that path takes {}.",
                self.operation.method,
                self.request_path,
                methods.join(", ")
            )
        }
    }

    /// What a 404 of a known operation means: no record with the values
    /// its path names (and, with a body, maybe an id the body names).
    fn no_record_hint(&self) -> String {
        let named: Vec<String> = self
            .operation
            .path_values(&self.request_path)
            .into_iter()
            .map(|(name, value)| format!("{name} `{}`", cut(&value)))
            .collect();
        let ids = self.operation.body_shape.map(body_ids).unwrap_or_default();
        let body = if ids.is_empty() {
            String::new()
        } else {
            format!(", or for the {} in the body", ids.join(", "))
        };
        format!("No such record: Drata found nothing for the {}{body}.", named.join(" and "))
    }

    /// What a person should do about it.
    pub fn hint(&self) -> Option<String> {
        // A 4xx page that is not JSON (a 5xx one is a gateway's answer for
        // Drata, a 404 and a 429 have hints of their own).
        if self.is_not_json() && (400..500).contains(&self.status) && !matches!(self.status, 404 | 429) {
            return Some(
                "The answer is not JSON, so it did not come from Drata's API but from something in front of it (a proxy, a gateway, a login page): check the base URL and any proxy between you and Drata.".to_string(),
            );
        }
        Some(match (self.status, self.operation.permission) {
            (403, Some(permission)) => format!(
                "The API key lacks the permission this operation requires: \"{permission}\". Add it to the key's scopes in Drata (Settings → API Keys)."
            ),
            (404, _) if self.is_unknown_route() => self.unknown_route_hint(),
            (404, _) => self.no_record_hint(),
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
        write!(
            f,
            "{} {}: Drata answered {}",
            self.operation.method,
            self.request_path,
            status_text(self.status)
        )?;
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

/// The fields of a body that name records (`userId`, `controlIds`): what
/// else a 404 may be about.
fn body_ids(shape: &'static crate::Shape) -> Vec<String> {
    let crate::Shape::Object(object) = shape else { return Vec::new() };
    object
        .properties
        .iter()
        .filter(|p| p.name.ends_with("Id") || p.name.ends_with("Ids"))
        .map(|p| format!("`{}`", p.name))
        .collect()
}

/// The advice for an error status, whatever the operation.
fn status_hint(status: u16) -> Option<&'static str> {
    Some(match status {
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
    /// The operation of the call that failed, when the error is a call's.
    pub fn operation(&self) -> Option<&'static Operation> {
        match self {
            Error::InvalidRequest { operation, .. } => *operation,
            Error::Api(e) => Some(e.operation),
            Error::Decode { operation, .. }
            | Error::UnexpectedStatus { operation, .. }
            | Error::Transport { operation, .. }
            | Error::OutcomeUnknown { operation, .. }
            | Error::Pagination { operation, .. }
            | Error::Deadline { operation, .. } => Some(operation),
            Error::Config { .. } | Error::Validation(_) | Error::File { .. } => None,
        }
    }

    /// The HTTP status of Drata's answer, if there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode { status, .. } | Error::UnexpectedStatus { status, .. } => Some(*status),
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

    /// Whether nothing was sent because the input or configuration is invalid.
    pub fn is_invalid_input(&self) -> bool {
        matches!(
            self,
            Error::Config { .. } | Error::InvalidRequest { .. } | Error::Validation(_) | Error::File { .. }
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

/// What a [`Error::Decode`] says happened.
fn decode_text(status: u16, path: &str, message: &str) -> String {
    if path == NOT_JSON {
        format!(
            "the answer ({}) is not JSON, so it did not come from Drata's API: the base URL may point to a web page or a proxy ({message})",
            status_text(status)
        )
    } else {
        format!(
            "Drata's answer ({}) does not have the documented shape at `{path}`: {message}",
            status_text(status)
        )
    }
}

/// The path of a [`Error::Decode`] whose body is not JSON at all.
pub(crate) const NOT_JSON: &str = "";

/// The builder setting of an operation's deadline.
fn deadline_setting(operation: &Operation) -> &'static str {
    match operation.body {
        BodyKind::Multipart => "upload_call_deadline",
        BodyKind::None | BodyKind::Json => "call_deadline",
    }
}

/// A status with its reason phrase: `404 Not Found`.
fn status_text(status: u16) -> String {
    let reason = http::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason());
    match reason {
        Some(reason) => format!("{status} {reason}"),
        None => status.to_string(),
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

/// What went wrong on the way, in words, then the underlying error's chain
/// of causes (reqwest's names the URL, never headers: the key is not in it).
fn transport_reason(
    kind: TransportKind,
    source: &(dyn std::error::Error + 'static),
    timeout: Option<Duration>,
) -> String {
    let within = timeout.map(|t| format!(" within {}", seconds(t))).unwrap_or_default();
    let what = match kind {
        TransportKind::Timeout => format!("no answer{within}"),
        TransportKind::AnswerTimeout => format!("the answer stopped arriving: no whole answer{within}"),
        TransportKind::Connect => "could not connect to Drata".to_string(),
        TransportKind::AnswerCut => "the connection broke while the answer was arriving".to_string(),
        TransportKind::Other => "the request failed".to_string(),
    };
    let mut message = format!("{what}: {source}");
    let mut cause = source.source();
    while let Some(c) = cause {
        message.push_str(&format!(": {c}"));
        cause = c.source();
    }
    message
}

/// The longest part of a value a message quotes (a user's or a server's).
pub(crate) const QUOTED_CHARS: usize = 100;

/// A value for a message: its first 100 characters, then how long it is.
pub(crate) fn cut(value: &str) -> String {
    let mut chars = value.char_indices();
    match chars.nth(QUOTED_CHARS) {
        Some((end, _)) => format!("{}… ({} characters)", &value[..end], value.chars().count()),
        None => value.to_string(),
    }
}

/// The start of a body, cut at 200 characters.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(BODY_EXCERPT_CHARS).collect();
    if text.chars().nth(BODY_EXCERPT_CHARS).is_some() {
        out.push('…');
    }
    if out.is_empty() { "(empty)".into() } else { out }
}

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
