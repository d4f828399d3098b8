//! [`Call`]: any operation of the spec from its entry in
//! [`crate::operations`], with its parameters as text and its body as JSON;
//! what a generic tool needs (the CLI's `drata op`). It checks what the
//! typed builders check (required parameters, bounds, the closed lists of
//! values, the body's shape and the spec's `x-drata-check`) before anything
//! is sent, then goes through the same attempt loop.

use std::path::PathBuf;

use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use serde_json::Value;

use crate::Client;
use crate::error::Error;
use crate::operation::{BodyKind, Operation, Parameter, ParameterKind, ParameterLocation};
use crate::request::{Request, check_range, invalid, is_dot_segment, path_segment};
use crate::response::Response;
use crate::upload::Upload;

/// A call of any operation: see the module's docs. Start with
/// [`Client::call`].
///
/// ```no_run
/// # async fn run(client: drata::Client) -> drata::Result<()> {
/// let page = client
///     .call(&drata::operations::LIST_CONNECTIONS)
///     .param("limit", "5")
///     .param("providerTypes", "MDM")
///     .param("providerTypes", "identity") // any case: sent as Drata writes it
///     .send()
///     .await?;
/// println!("{}", page["total"]);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a call does nothing until `.send()` is awaited"]
pub struct Call<'a> {
    client: &'a Client,
    operation: &'static Operation,
    /// A path given as is ([`Client::raw`]): no parameter table applies.
    raw_path: Option<String>,
    params: Vec<(String, String)>,
    body: Option<Value>,
    file: Option<PathBuf>,
}

impl Client {
    /// A call of `operation`, any operation of the spec ([`crate::operations`]).
    pub fn call(&self, operation: &'static Operation) -> Call<'_> {
        Call { client: self, operation, raw_path: None, params: Vec::new(), body: None, file: None }
    }

    /// A request to any path under the API root (`/users/7`), the way
    /// `gh api` does it: parameters go to the query as given, a body is any
    /// JSON, and the answer is any JSON. It goes through the same attempt
    /// loop; when the path is one of the spec's operations, that
    /// operation's facts (success status, permission, retry safety) apply,
    /// else any 2xx is a success.
    ///
    /// ```no_run
    /// # async fn run(client: drata::Client) -> drata::Result<()> {
    /// let user = client.raw(drata::Method::Get, "/users/7").send().await?;
    /// println!("{}", user["email"]);
    /// # Ok(()) }
    /// ```
    pub fn raw(&self, method: crate::Method, path: impl Into<String>) -> Call<'_> {
        let path = path.into();
        Call {
            client: self,
            operation: Operation::matching(method, path.split('?').next().unwrap_or("")),
            raw_path: Some(path),
            params: Vec::new(),
            body: None,
            file: None,
        }
    }
}

impl<'a> Call<'a> {
    /// A parameter by its name on the wire (`sortDir`, `roles[]`); given
    /// again, an array parameter takes another value.
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.params.push((name.into(), value.into()));
        self
    }

    /// The JSON body of an operation that takes one.
    pub fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    /// The file an upload (a multipart operation) sends, checked first.
    pub fn file(mut self, path: impl Into<PathBuf>) -> Self {
        self.file = Some(path.into());
        self
    }

    /// Checks the parameters and the body, then sends the request; the answer
    /// is the JSON Drata sent ([`Response::bytes`] holds it as it came).
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] or [`Error::Rejected`] when something is
    /// invalid (nothing is sent), and the errors of any request.
    pub async fn send(self) -> Result<Response<Value>, Error> {
        match self.plan()? {
            (_, Some(upload)) => upload.send().await,
            (request, None) => crate::runtime::execute(self.client, request).await,
        }
    }

    /// The request as [`Call::send`] would send it, checked the same way
    /// and built by the same code, sending nothing: what a dry run shows and
    /// a confirmation names. An upload's files are checked when it is sent,
    /// not here.
    ///
    /// ```
    /// # fn run() -> drata::Result<()> {
    /// let client = drata::Client::builder().api_key("k").build()?;
    /// let prepared = client.call(&drata::operations::GET_USER).param("userId", "7").prepare()?;
    /// assert_eq!(prepared.url, "https://public-api.drata.com/public/users/7");
    /// assert_eq!(prepared.path, "/users/7");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Call::send`] before it sends anything.
    pub fn prepare(&self) -> Result<Prepared, Error> {
        let (request, upload) = self.plan()?;
        let (_, _, template, body) = request.into_parts()?;
        let url = template.url().as_str().to_string();
        let path = match url.strip_prefix(self.client.baseurl.as_str()) {
            Some(path) => path.to_string(),
            None => template.url()[url::Position::BeforePath..].to_string(),
        };
        let body = match (body, upload) {
            (crate::request::Body::Json(bytes), None) => Some(bytes),
            _ => None,
        };
        Ok(Prepared { method: self.operation.method, url, path, body })
    }

    /// What the call amounts to, every check made: the request to its URL
    /// (with its JSON body), and for a form, the upload that sends it (the
    /// request then only says where it goes).
    fn plan(&self) -> Result<(Request, Option<Upload<'a>>), Error> {
        let (client, operation) = (self.client, self.operation);
        let target = match &self.raw_path {
            Some(path) => raw_target(operation, path.clone(), self.params.clone())?,
            None => spec_target(operation, &self.params)?,
        };
        let request = target.request(client, operation)?;
        // A form goes through `Upload`: a file as the form's file part, or,
        // when no part is required, nothing (see `Upload::send`).
        let upload = || {
            let mut upload = client.upload(operation);
            for (name, value) in &self.params {
                upload = upload.param(name.clone(), value);
            }
            upload
        };
        if let (Some(file), None) = (&self.file, &self.body)
            && operation.form_shape.is_some()
        {
            return Ok((request, Some(upload().file(file_part(operation), file))));
        }
        match (operation.body, &self.body, &self.file) {
            (BodyKind::None, None, None) => Ok((request, None)),
            (BodyKind::Json, Some(body), None) => {
                // The body as given is what is checked and what is sent: the
                // spec's `x-drata-check` first, as the typed builders run it,
                // then its shape.
                crate::checks::by_name(operation, body)?;
                Ok((request.json(body)?, None))
            }
            (BodyKind::Json, None, None) if operation.is_outside_spec() => Ok((request, None)),
            (BodyKind::Json, None, _) => Err(invalid(operation, "a JSON body is required".into())),
            (BodyKind::Multipart, None, Some(_)) => {
                Err(invalid(operation, "its form is not one the client knows".into()))
            }
            (BodyKind::Multipart, None, None) if !requires_a_part(operation) => Ok((request, Some(upload()))),
            (BodyKind::Multipart, _, None) => Err(invalid(operation, "a file to upload is required".into())),
            (BodyKind::None, _, _) => {
                Err(invalid(operation, format!("a {} request takes no body", operation.method)))
            }
            (BodyKind::Json, _, Some(_)) => {
                Err(invalid(operation, "it takes a JSON body, not a file".into()))
            }
            (BodyKind::Multipart, Some(_), _) => {
                Err(invalid(operation, "it takes a file, not a JSON body".into()))
            }
        }
    }
}

/// A request as it would be sent: see [`Call::prepare`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Prepared {
    /// Its method.
    pub method: crate::Method,
    /// The whole URL: the API root, the path with each value
    /// percent-encoded as one segment, and the query.
    pub url: String,
    /// The URL from the API root on, query included (`/v2/vendors?size=3`).
    pub path: String,
    /// The JSON body, byte for byte as it is sent; `None` without one, and
    /// for a form (its files are read as it is sent).
    pub body: Option<bytes::Bytes>,
}

/// Whether the operation's form has a part that must be sent.
fn requires_a_part(operation: &Operation) -> bool {
    match operation.form_shape {
        Some(crate::Shape::Object(form)) => form.properties.iter().any(|part| part.required),
        _ => true,
    }
}

impl<'a> Call<'a> {
    /// Every page of a listing, each as its JSON answer, by the paginator
    /// of the typed listings. A listing paged by number (see
    /// [`crate::Page`]) starts at page 1 (a `page` given is replaced) and
    /// stops when `total` items came or a page is empty; one paged by
    /// cursor (see [`crate::CursorPage`]) starts where the call says (no
    /// `cursor`: the start) and stops after the page whose cursor is null.
    /// Either ends with an error instead of looping (a page repeating the
    /// previous one, a cursor given twice) or after [`crate::MAX_PAGES`]
    /// pages. A path outside the spec ([`Client::raw`]) is paged as Drata's
    /// v1 listings are.
    ///
    /// # Errors
    /// The stream's first item is [`Error::Pagination`] when the operation
    /// is not a listing.
    pub fn pages(self) -> BoxStream<'a, Result<Value, Error>> {
        let operation = self.operation;
        if operation.pagination.is_none() && !operation.is_outside_spec() {
            let error = Error::Pagination {
                operation,
                message: format!("{} is not a listing: it has no pages", operation.describe()),
            };
            return futures::stream::once(async move { Err(error) }).boxed();
        }
        if operation.pagination == Some(crate::Pagination::Cursor) {
            return crate::pagination::cursor_pages(operation, crate::MAX_PAGES, move |cursor| {
                let mut call = self.clone();
                if let Some(cursor) = cursor {
                    call.params.retain(|(name, _)| name != "cursor");
                    call.params.push(("cursor".into(), cursor));
                }
                call.send()
            });
        }
        crate::pagination::pages(operation, crate::MAX_PAGES, move |page| {
            let mut call = self.clone();
            call.params.retain(|(name, _)| name != "page");
            call.params.push(("page".into(), page.to_string()));
            call.send()
        })
    }

    /// Every item of every page of a listing (see [`Call::pages`]), as sent.
    pub fn items(self) -> BoxStream<'a, Result<Value, Error>> {
        self.pages()
            .map_ok(|page| {
                let items = match page {
                    Value::Object(mut object) => match object.remove("data") {
                        Some(Value::Array(items)) => items,
                        _ => Vec::new(),
                    },
                    _ => Vec::new(),
                };
                futures::stream::iter(items.into_iter().map(Ok))
            })
            .try_flatten()
            .boxed()
    }
}

/// The query of a request: each parameter with its values.
type Query = Vec<(String, Vec<Value>)>;

/// Where a request goes: its path, query and header parameters.
pub(crate) struct Target {
    pub(crate) path: String,
    pub(crate) query: Query,
    pub(crate) headers: Vec<(&'static str, String)>,
}

impl Target {
    /// The request of `operation` to this target, without a body: the one
    /// place a call's or an upload's target becomes its URL and headers.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when a header value cannot be sent.
    pub(crate) fn request(self, client: &Client, operation: &'static Operation) -> Result<Request, Error> {
        let mut request = Request::new(client, operation, self.path);
        for (name, values) in &self.query {
            // A list is the name repeated; a single value is a list of one.
            request = request.query_values(name, values);
        }
        for (name, value) in &self.headers {
            request = request.header(name, Some(value))?;
        }
        Ok(request)
    }
}

/// The name of the file part of `operation`'s form (`file` when it names none).
fn file_part(operation: &'static Operation) -> String {
    match operation.form_shape {
        Some(crate::Shape::Object(form)) => form
            .properties
            .iter()
            .find(|p| matches!(p.shape, crate::Shape::File | crate::Shape::Nullable(crate::Shape::File)) || matches!(p.shape, crate::Shape::Array(list) if matches!(list.items, crate::Shape::File)))
            .map_or("file", |p| p.name)
            .to_string(),
        _ => "file".to_string(),
    }
}

/// The path and query of a call of the spec's `operation`: each parameter
/// checked as the spec declares it, the path template filled.
pub(crate) fn spec_target(
    operation: &'static Operation,
    params: &[(String, String)],
) -> Result<Target, Error> {
    for (name, _) in params {
        if operation.parameter(name).is_none() {
            return Err(unknown_parameter(operation, name));
        }
    }
    let mut path = operation.path.to_string();
    let mut query = Vec::new();
    let mut headers = Vec::new();
    for parameter in operation.parameters {
        let given: Vec<&str> =
            params.iter().filter(|(name, _)| name == parameter.name).map(|(_, v)| v.as_str()).collect();
        let values = given
            .iter()
            .map(|value| parsed(operation, parameter, value))
            .collect::<Result<Vec<Value>, Error>>()?;
        match (values.as_slice(), parameter.location) {
            ([], _) if parameter.required => {
                return Err(invalid(operation, format!("`{}` is required", parameter.name)));
            }
            ([], _) => {}
            ([_, _, ..], _) if !parameter.array => {
                return Err(invalid(operation, format!("`{}` takes one value", parameter.name)));
            }
            ([value], ParameterLocation::Path) => {
                let text = match value {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                let segment = path_segment(operation, parameter.name, &text)?;
                path = path.replace(&format!("{{{}}}", parameter.name), &segment);
            }
            ([value], ParameterLocation::Header) => {
                let text = match value {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                headers.push((parameter.name, text));
            }
            (_, _) => query.push((parameter.name.to_string(), values)),
        }
    }
    Ok(Target { path, query, headers })
}

/// The path and query of a request to a path given as is ([`Client::raw`]):
/// when the path is one of the spec's operations, its path parameters and
/// query are checked as that operation declares them; else they go as given.
fn raw_target(
    operation: &'static Operation,
    path: String,
    params: Vec<(String, String)>,
) -> Result<Target, Error> {
    let shown = || crate::error::printable(&path);
    if !path.starts_with('/') || path.contains(['?', '#']) {
        return Err(invalid(
            operation,
            format!(
                "the path must start with `/`, relative to the API root, without `?` or `#` (give the query as parameters), not `{}`",
                shown()
            ),
        ));
    }
    // The URL parser drops tabs and line breaks, reads `\` as `/` and
    // resolves dot segments: each would make the path sent another than the
    // one given and checked.
    if path.chars().any(|c| c.is_control() || c == '\\') {
        return Err(invalid(
            operation,
            format!(
                "the path must not hold control characters (a tab, a line break…) or `\\`, as `{}` does",
                shown()
            ),
        ));
    }
    if path.split('/').any(is_dot_segment) {
        return Err(invalid(
            operation,
            format!(
                "the path must not hold a `.` or `..` segment, in any encoding, as `{}` does: a path names one resource, never a step up or aside",
                shown()
            ),
        ));
    }
    if operation.is_outside_spec() {
        let query = params.into_iter().map(|(name, value)| (name, vec![Value::String(value)])).collect();
        return Ok(Target { path, query, headers: Vec::new() });
    }
    for (name, value) in operation.path_values(&path) {
        if let Some(parameter) = operation.parameter(name) {
            parsed(operation, parameter, &value)?;
        }
    }
    // The path from the operation's version root (`/v2/vendors` → `/vendors`):
    // the request adds the root back.
    let path = match path.strip_prefix(operation.root) {
        Some(rest) => rest.to_string(),
        None => path,
    };
    let mut query: Query = Vec::new();
    for (name, value) in &params {
        let parameter = operation
            .parameter(name)
            .filter(|p| p.location == ParameterLocation::Query)
            .ok_or_else(|| unknown_parameter(operation, name))?;
        let value = parsed(operation, parameter, value)?;
        match query.iter_mut().find(|(known, _)| known == parameter.name) {
            Some((_, values)) if parameter.array => values.push(value),
            Some(_) => return Err(invalid(operation, format!("`{name}` takes one value"))),
            None => query.push((parameter.name.to_string(), vec![value])),
        }
    }
    Ok(Target { path, query, headers: Vec::new() })
}

/// A parameter the operation does not have: named, with the closest it has.
fn unknown_parameter(operation: &'static Operation, name: &str) -> Error {
    let known: Vec<&str> = operation.parameters.iter().map(|p| p.name).collect();
    let message = match crate::shape::closest(name, &known) {
        Some(close) => format!(
            "`{}` is not one of its parameters; did you mean `{close}`? (its parameters: {})",
            crate::error::cut(name),
            known.join(", ")
        ),
        None => format!("`{}` is not one of its parameters (it has none)", crate::error::cut(name)),
    };
    invalid(operation, message)
}

/// `value` read as `parameter` takes it.
fn parsed(operation: &'static Operation, parameter: &Parameter, value: &str) -> Result<Value, Error> {
    let name = parameter.name;
    let value = value.trim();
    let shown = crate::error::cut(value);
    match parameter.kind {
        ParameterKind::Integer => {
            let number: i64 = value
                .parse()
                .map_err(|_| invalid(operation, format!("`{name}` must be a whole number, not `{shown}`")))?;
            check_range(operation, name, &number, parameter.minimum, parameter.maximum)?;
            Ok(Value::from(number))
        }
        ParameterKind::Number => {
            let number = value
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .and_then(serde_json::Number::from_f64)
                .ok_or_else(|| invalid(operation, format!("`{name}` must be a number, not `{shown}`")))?;
            let below = parameter.minimum.is_some_and(|min| number.as_f64() < Some(min as f64));
            let above = parameter.maximum.is_some_and(|max| number.as_f64() > Some(max as f64));
            if below || above {
                return Err(invalid(operation, format!("`{name}` is out of its range: {value}")));
            }
            // A whole number is sent as one (`5`, not `5.0`).
            Ok(value.parse::<i64>().map_or(Value::Number(number), Value::from))
        }
        ParameterKind::Boolean => match value.to_ascii_lowercase().as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(invalid(operation, format!("`{name}` must be true or false, not `{shown}`"))),
        },
        ParameterKind::String if parameter.values.is_empty() => Ok(Value::from(value)),
        ParameterKind::String => {
            // Any case; sent as Drata writes it.
            match parameter.values.iter().find(|known| known.eq_ignore_ascii_case(value)) {
                Some(known) => Ok(Value::from(*known)),
                // Drata adds values to an open list faster than clients follow.
                None if parameter.open => Ok(Value::from(value)),
                None => Err(invalid(
                    operation,
                    format!("`{name}` must be one of {}, not `{shown}`", parameter.values.join(", ")),
                )),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::operations::LIST_CONNECTIONS as OP;

    const fn parameter(kind: ParameterKind, values: &'static [&'static str], open: bool) -> Parameter {
        Parameter {
            name: "p",
            location: ParameterLocation::Query,
            required: false,
            kind,
            array: false,
            values,
            open,
            minimum: Some(1),
            maximum: Some(9),
            description: "",
        }
    }

    fn error(result: Result<Value, Error>) -> String {
        result.expect_err("refused").to_string()
    }

    #[test]
    fn values_are_read_as_their_parameter_takes_them() {
        let boolean = parameter(ParameterKind::Boolean, &[], false);
        assert_eq!(parsed(&OP, &boolean, "TRUE").ok(), Some(json!(true)));
        assert_eq!(parsed(&OP, &boolean, " false ").ok(), Some(json!(false)));
        assert!(error(parsed(&OP, &boolean, "yes")).ends_with("`p` must be true or false, not `yes`"));
        let integer = parameter(ParameterKind::Integer, &[], false);
        assert_eq!(parsed(&OP, &integer, "9").ok(), Some(json!(9)));
        assert!(
            error(parsed(&OP, &integer, "10")).ends_with("`p` must be a whole number from 1 to 9, not 10")
        );
        let closed = parameter(ParameterKind::String, &["ASC", "DESC"], false);
        assert_eq!(parsed(&OP, &closed, "desc").ok(), Some(json!("DESC")));
        assert!(error(parsed(&OP, &closed, "up")).ends_with("`p` must be one of ASC, DESC, not `up`"));
        let open = parameter(ParameterKind::String, &["MDM"], true);
        assert_eq!(parsed(&OP, &open, "mdm").ok(), Some(json!("MDM")));
        assert_eq!(parsed(&OP, &open, "Brand_New").ok(), Some(json!("Brand_New")));
        let free = parameter(ParameterKind::String, &[], false);
        assert_eq!(parsed(&OP, &free, " any text ").ok(), Some(json!("any text")));
    }
}
