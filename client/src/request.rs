//! [`Request`]: a call described before anything is sent: its operation, URL
//! and query, and body. The generated `send()`s and the upload builders make
//! one; [`crate::runtime::execute`] sends it. Parameters are read and
//! checked here, so that an invalid one ends the call before it starts.

use std::fmt::Display;
use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};

use crate::Client;
use crate::error::Error;
use crate::operation::Operation;

/// Called as an upload's bytes leave: `(sent, total)`, from 0 again on a retry.
pub(crate) type Progress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// What a request carries.
pub(crate) enum Body {
    None,
    /// Serialized once; each attempt shares the bytes.
    Json(Bytes),
    /// A multipart form, its files streamed from disk, rebuilt for each attempt.
    Form(FormBody),
}

/// A multipart form: its parts, in order, and who hears of the bytes sent.
pub(crate) struct FormBody {
    pub(crate) parts: Vec<FormPart>,
    pub(crate) progress: Option<Progress>,
}

impl FormBody {
    /// The bytes of its files.
    pub(crate) fn file_bytes(&self) -> u64 {
        self.parts.iter().map(|p| if let PartValue::File { len, .. } = p.value { len } else { 0 }).sum()
    }
}

/// A part of a form: its name and what it holds.
pub(crate) struct FormPart {
    pub(crate) name: String,
    pub(crate) value: PartValue,
}

/// What a form part holds.
pub(crate) enum PartValue {
    /// A file, streamed from `path` (its size read before sending).
    File { path: std::path::PathBuf, file_name: String, media_type: &'static str, len: u64 },
    /// Text (a number or a flag as JSON writes it, an object as JSON).
    Text(String),
}

/// A call described: see the module's docs.
pub(crate) struct Request {
    pub(crate) operation: &'static Operation,
    /// The path, relative to the API root, as sent: `/connections/7/upload/csv`.
    path: String,
    http: reqwest::RequestBuilder,
    pub(crate) body: Body,
    /// A parameter that could not be written (the call ends before sending).
    unwritable: Option<String>,
}

impl Request {
    /// A request of `operation` to `path` (relative to the client's API root).
    pub(crate) fn new(client: &Client, operation: &'static Operation, path: String) -> Self {
        // The path from the region's API root: a v2 operation's starts `/v2`.
        let path = if operation.root.is_empty() { path } else { format!("{}{path}", operation.root) };
        let http = client
            .client
            .request(operation.method.to_http(), format!("{}{path}", client.baseurl))
            .header(ACCEPT, HeaderValue::from_static("application/json"));
        Self { operation, path, http, body: Body::None, unwritable: None }
    }

    /// Adds `name=value` to the query (an array as the name repeated).
    ///
    /// The value is rendered through JSON (a string as itself, a number or
    /// a flag as JSON writes it), so that the one function writing the
    /// query is compiled once, not once per parameter type.
    #[cfg_attr(
        not(feature = "v1"),
        allow(dead_code, reason = "used by the operations of the areas a build has")
    )]
    pub(crate) fn query<T: serde::Serialize>(self, name: &str, value: &T) -> Self {
        match serde_json::to_value(value) {
            Ok(serde_json::Value::Array(items)) => self.query_values(name, &items),
            Ok(one) => self.query_values(name, std::slice::from_ref(&one)),
            Err(e) => self.unwritable(name, e),
        }
    }

    /// Remembers that `name` could not be written (`into_parts` ends the call).
    #[cold]
    #[cfg_attr(
        not(feature = "v1"),
        allow(dead_code, reason = "used by the operations of the areas a build has")
    )]
    fn unwritable(mut self, name: &str, error: serde_json::Error) -> Self {
        self.unwritable.get_or_insert(format!("`{name}` cannot be written in the query: {error}"));
        self
    }

    /// Adds `name=value` to the query for each of `values` (a string as
    /// itself, anything else as JSON writes it).
    pub(crate) fn query_values(mut self, name: &str, values: &[serde_json::Value]) -> Self {
        let texts: Vec<std::borrow::Cow<'_, str>> = values
            .iter()
            .map(|value| match value {
                serde_json::Value::String(text) => text.as_str().into(),
                other => other.to_string().into(),
            })
            .collect();
        let pairs: Vec<(&str, &str)> = texts.iter().map(|text| (name, text.as_ref())).collect();
        self.http = self.http.query(&pairs);
        self
    }

    /// Adds `name=value` to the query when `value` is set.
    #[cfg_attr(
        not(feature = "v1"),
        allow(dead_code, reason = "used by the operations of the areas a build has")
    )]
    pub(crate) fn query_opt<T: serde::Serialize>(self, name: &str, value: &Option<T>) -> Self {
        match value {
            Some(value) => self.query(name, value),
            None => self,
        }
    }

    /// Adds the header `name: value`, when there is a value.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when the value cannot be a header's.
    pub(crate) fn header<T: Display>(mut self, name: &str, value: Option<&T>) -> Result<Self, Error> {
        let Some(value) = value else { return Ok(self) };
        let text = value.to_string();
        let header = HeaderValue::from_str(&text).map_err(|_| {
            invalid(
                self.operation,
                format!("`{name}` cannot be sent in a header: `{}`", crate::error::cut(&text)),
            )
        })?;
        self.http = self.http.header(name, header);
        Ok(self)
    }

    /// A JSON body, checked against the operation's [`crate::Shape`] (the
    /// bytes sent are those checked).
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when `body` does not serialize or does not
    /// have the shape the spec gives it, naming every problem.
    pub(crate) fn json<T: serde::Serialize>(mut self, body: &T) -> Result<Self, Error> {
        let operation = self.operation;
        let value = serde_json::to_value(body).map_err(|e| invalid(operation, format!("the body: {e}")))?;
        if let Some(shape) = operation.body_shape {
            let problems = shape.problems(&value);
            if !problems.is_empty() {
                let listed: Vec<String> = problems.iter().map(ToString::to_string).collect();
                return Err(invalid(operation, format!("the body: {}", listed.join("; "))));
            }
        }
        let bytes = serde_json::to_vec(&value).map_err(|e| invalid(operation, format!("the body: {e}")))?;
        self.http = self.http.header(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        self.body = Body::Json(Bytes::from(bytes));
        Ok(self)
    }

    /// A multipart form.
    pub(crate) fn form(mut self, form: FormBody) -> Self {
        self.body = Body::Form(form);
        self
    }

    /// The operation, the path, the request without its body (which each
    /// attempt adds), and the body.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when the URL cannot be made.
    pub(crate) fn into_parts(self) -> Result<(&'static Operation, String, reqwest::Request, Body), Error> {
        let Self { operation, path, http, body, unwritable } = self;
        if let Some(message) = unwritable {
            return Err(invalid(operation, message));
        }
        let http =
            http.build().map_err(|e| invalid(operation, format!("the request cannot be made: {e}")))?;
        let length = http.url().as_str().len();
        if length > MAX_URL_BYTES {
            return Err(invalid(
                operation,
                format!(
                    "its URL would be {length} bytes long, more than the {MAX_URL_BYTES} servers in front of web APIs accept; a value given is too long"
                ),
            ));
        }
        Ok((operation, cut_path(path), http, body))
    }
}

/// The longest URL sent: proxies and load balancers in front of web APIs
/// commonly refuse a request line longer than 16 KiB (a refusal that would
/// otherwise come back as an error page, or a dropped connection).
pub(crate) const MAX_URL_BYTES: usize = 16 * 1024;

/// A path as errors and logs show it: cut when a value made it long.
fn cut_path(path: String) -> String {
    if path.len() <= 2 * crate::error::QUOTED_CHARS { path } else { crate::error::cut(&path) }
}

/// [`Error::InvalidRequest`] of `operation`: `METHOD /path: message`.
pub(crate) fn invalid(operation: &'static Operation, message: String) -> Error {
    Error::InvalidRequest {
        operation: Some(operation),
        message: format!("{}: {message}", operation.describe()),
    }
}

/// A builder field's value: a setter's conversion that failed (or a
/// required value never given) ends the call.
///
/// # Errors
/// [`Error::InvalidRequest`] naming the parameter.
#[cfg_attr(not(feature = "v1"), allow(dead_code, reason = "used by the operations of the areas a build has"))]
pub(crate) fn field<T>(
    operation: &'static Operation,
    name: &str,
    value: Result<T, String>,
) -> Result<T, Error> {
    match value {
        Ok(value) => Ok(value),
        Err(message) => Err(field_error(operation, name, message)),
    }
}

/// The error of [`field`], apart: compiled once, not once per field type.
#[cold]
fn field_error(operation: &'static Operation, name: &str, message: String) -> Error {
    invalid(operation, format!("`{name}`: {message}"))
}

/// A path parameter of `operation`, percent-encoded as one segment; an
/// empty one would change which route the request goes to, and so would a
/// dot segment: the URL parser resolves `.` and `..` (and `%2e`, `.%2E`,
/// `%2e%2e`) away, so `/custom-connections/7/identities/..` would address
/// the connection itself.
///
/// # Errors
/// [`Error::InvalidRequest`] naming the parameter when it is empty or a dot
/// segment in any encoding.
pub(crate) fn path_segment(
    operation: &'static Operation,
    name: &str,
    value: &impl Display,
) -> Result<String, Error> {
    let text = value.to_string();
    if text.trim().is_empty() {
        return Err(invalid(operation, format!("`{name}` must not be empty")));
    }
    if is_dot_segment(&text) {
        return Err(invalid(
            operation,
            format!(
                "`{name}` must not be `{text}`: a path value is one record's id, never a step up or aside"
            ),
        ));
    }
    Ok(percent_encoding::utf8_percent_encode(&text, PATH_SEGMENT).to_string())
}

/// Whether `text` is `.` or `..` once percent-decoded, as many times as a
/// server might decode it (`%2e`, `%252e`, …).
pub(crate) fn is_dot_segment(text: &str) -> bool {
    let mut current = text.to_string();
    // Each decoding shortens a text that holds an escape, so this ends.
    loop {
        if current == "." || current == ".." {
            return true;
        }
        let decoded = percent_encoding::percent_decode_str(&current).decode_utf8_lossy().into_owned();
        if decoded == current {
            return false;
        }
        current = decoded;
    }
}

/// What a path segment percent-encodes: controls, space, `"#<>?`{}/%`, and
/// every byte past ASCII; `@`, `+` and the other sub-delimiters stay.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'%');

/// Checks a bounded number parameter against the spec's bounds.
///
/// # Errors
/// [`Error::InvalidRequest`] naming the parameter, its bounds and the value.
pub(crate) fn check_range<V: BoundedParameter>(
    operation: &'static Operation,
    name: &str,
    value: &V,
    min: Option<i64>,
    max: Option<i64>,
) -> Result<(), Error> {
    let Some(value) = value.outside(min, max) else { return Ok(()) };
    let range = match (min, max) {
        (Some(min), Some(max)) => format!("from {min} to {max}"),
        (Some(min), None) => format!("from {min}"),
        (None, Some(max)) => format!("up to {max}"),
        (None, None) => String::new(),
    };
    Err(invalid(operation, format!("`{name}` must be {} {range}, not {value}", V::KIND)))
}

/// A parameter value [`check_range`] can check: a whole number or a
/// number, set or not.
pub(crate) trait BoundedParameter {
    /// What the parameter takes, in words.
    const KIND: &'static str;
    /// The value as a message writes it, when it is set and outside the bounds.
    fn outside(&self, min: Option<i64>, max: Option<i64>) -> Option<String>;
}

impl BoundedParameter for i64 {
    const KIND: &'static str = "a whole number";
    fn outside(&self, min: Option<i64>, max: Option<i64>) -> Option<String> {
        (min.is_some_and(|min| *self < min) || max.is_some_and(|max| *self > max)).then(|| self.to_string())
    }
}

impl BoundedParameter for f64 {
    const KIND: &'static str = "a number";
    #[allow(clippy::cast_precision_loss, reason = "the spec's bounds are small whole numbers")]
    fn outside(&self, min: Option<i64>, max: Option<i64>) -> Option<String> {
        let below = min.is_some_and(|min| *self < min as f64);
        let above = max.is_some_and(|max| *self > max as f64);
        (below || above || self.is_nan()).then(|| self.to_string())
    }
}

impl<T: BoundedParameter> BoundedParameter for Option<T> {
    const KIND: &'static str = T::KIND;
    fn outside(&self, min: Option<i64>, max: Option<i64>) -> Option<String> {
        self.as_ref()?.outside(min, max)
    }
}
