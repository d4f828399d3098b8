//! [`Error`]: everything that can go wrong, with what to do about it.

use std::fmt;
use std::path::PathBuf;

use reqwest::StatusCode;

use crate::types::ExceptionResponse;

/// What the generated operation methods return on failure. Convert it into
/// [`Error`] with `?` or `Error::from` for hints and a safe `Display`.
pub type OperationError = progenitor_client::Error<ExceptionResponse>;

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The longest part of a response body an error message quotes.
pub const BODY_EXCERPT_CHARS: usize = 200;

/// Everything that can go wrong when talking to Drata.
///
/// `Display` says what happened and what to do; it never contains the API key
/// nor a whole response body.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client's configuration is invalid; nothing was sent.
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// The request is invalid (a parameter, a body, a file); nothing was sent.
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
        "Drata's answer{} does not have the expected shape ({message}); the body starts with: {excerpt}",
        status.map(|s| format!(" ({s})")).unwrap_or_default()
    )]
    Decode {
        /// The status, when known.
        status: Option<StatusCode>,
        /// What did not match, with its line and column.
        message: String,
        /// The start of the body, at most [`BODY_EXCERPT_CHARS`] characters.
        excerpt: String,
    },
    /// Drata answered with a status its documentation does not list for the
    /// operation, without its error body (often a proxy's page).
    #[error("Drata answered with the undocumented status {status}; the body starts with: {excerpt}")]
    UnexpectedStatus {
        /// The status.
        status: StatusCode,
        /// The start of the body, at most [`BODY_EXCERPT_CHARS`] characters.
        excerpt: String,
    },
    /// Drata could not be reached, or the connection failed.
    #[error("could not talk to Drata: {}", transport_message(.0))]
    Transport(#[source] reqwest::Error),
}

/// Drata's error answer: status, message, code, and a hint for a person.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// Drata's error body.
    pub body: ExceptionResponse,
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

    /// What a person should do about it, when the status says.
    pub fn hint(&self) -> Option<&'static str> {
        hint_for(self.status)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Drata answered {}: {} (code {}", self.status, self.body.message, self.body.code)?;
        if let Some(name) = &self.body.name {
            write!(f, ", {name}")?;
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

/// The start of a body, cut at [`BODY_EXCERPT_CHARS`] characters.
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(BODY_EXCERPT_CHARS).collect();
    if text.chars().nth(BODY_EXCERPT_CHARS).is_some() {
        out.push('…');
    }
    if out.is_empty() { "(empty)".into() } else { out }
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

impl From<OperationError> for Error {
    fn from(e: OperationError) -> Self {
        use progenitor_client::Error as P;
        match e {
            P::ErrorResponse(response) => {
                let status = response.status();
                Error::Api(Box::new(ApiError { status, body: response.into_inner() }))
            }
            P::InvalidRequest(message) => Error::InvalidRequest(message),
            P::CommunicationError(e) | P::ResponseBodyError(e) | P::InvalidUpgrade(e) => Error::Transport(e),
            P::InvalidResponsePayload(body, e) => {
                Error::Decode { status: None, message: e.to_string(), excerpt: excerpt(&body) }
            }
            P::UnexpectedResponse(response) => {
                Error::UnexpectedStatus { status: response.status(), excerpt: String::new() }
            }
            P::Custom(message) => Error::InvalidRequest(message),
        }
    }
}
