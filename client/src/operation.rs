//! [`Operation`]: what the client knows of each operation of the spec. The
//! generator writes one constant per operation into [`crate::operations`];
//! the runtime reads everything it needs about a call from it.

use std::fmt;

/// An HTTP method of the spec's operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `PUT`
    Put,
    /// `POST`
    Post,
    /// `DELETE`
    Delete,
    /// `PATCH`
    Patch,
}

impl Method {
    /// The method as HTTP writes it: `GET`, `PUT`…
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Patch => "PATCH",
        }
    }

    /// Whether repeating the request changes nothing more than sending it
    /// once did (RFC 9110): a request that is not may be acted on twice, so
    /// it is never repeated once it may have reached the server.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }

    pub(crate) fn to_http(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Put => reqwest::Method::PUT,
            Method::Post => reqwest::Method::POST,
            Method::Delete => reqwest::Method::DELETE,
            Method::Patch => reqwest::Method::PATCH,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an operation's request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyKind {
    /// No body.
    None,
    /// A JSON body.
    Json,
    /// A `multipart/form-data` body: a file, streamed (an upload).
    Multipart,
}

/// An operation of the spec: see the generated [`crate::operations`].
///
/// ```
/// let op = &drata::operations::LIST_CONNECTIONS;
/// assert_eq!((op.method.as_str(), op.path, op.success), ("GET", "/connections", 200));
/// assert!(op.errors.contains(&401));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operation {
    /// The client method's name, e.g. `list_connections`.
    pub id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template, relative to the API root, e.g. `/connections/{id}/upload/csv`.
    pub path: &'static str,
    /// The status of its documented success answer.
    pub success: u16,
    /// The error statuses the spec documents for it.
    pub errors: &'static [u16],
    /// What its request carries.
    pub body: BodyKind,
    /// The permission the API key needs, as Drata words it.
    pub permission: Option<&'static str>,
    /// Drata's own operation id (its documentation's URLs use it).
    pub drata_operation_id: &'static str,
    /// What to check before trying again when the request may have reached
    /// Drata but its answer was lost (see [`crate::Error::OutcomeUnknown`]).
    pub if_unanswered: Option<&'static str>,
}

impl Operation {
    /// `METHOD /path/template`.
    pub fn describe(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}
