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
    /// A `multipart/form-data` body: files streamed from disk and fields
    /// (an upload; see [`Operation::form_shape`]).
    Multipart,
}

/// An operation of the spec: see the generated [`crate::operations`].
///
/// ```
/// let op = &drata::operations::LIST_CONNECTIONS;
/// assert_eq!((op.method.as_str(), op.path, op.success), ("GET", "/connections", &[200][..]));
/// assert!(op.errors.contains(&401));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operation {
    /// The client method's name, e.g. `list_connections`.
    pub id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// Where its API version's paths start, from the region's API root
    /// (`…/public`): empty for v1, `/v2` for v2.
    pub root: &'static str,
    /// The path template, relative to its version's root ([`Self::root`]),
    /// as its document writes it, e.g. `/connections/{id}/upload/csv`.
    pub path: &'static str,
    /// The statuses of its documented success answers (most have one; some
    /// answer 200 or 201).
    pub success: &'static [u16],
    /// The error statuses the spec documents for it.
    pub errors: &'static [u16],
    /// What its request carries.
    pub body: BodyKind,
    /// The permission the API key needs, as Drata words it.
    pub permission: Option<&'static str>,
    /// Drata's own operation id (its documentation's URLs use it).
    pub drata_operation_id: &'static str,
    /// The Cargo feature of its area, which compiles it: `v1-vendors`.
    pub feature: &'static str,
    /// What to check before trying again when the request may have reached
    /// Drata but its answer was lost (see [`crate::Error::OutcomeUnknown`]).
    pub if_unanswered: Option<&'static str>,
    /// The spec's one-line summary.
    pub summary: &'static str,
    /// Its path and query parameters, in spec order.
    pub parameters: &'static [Parameter],
    /// The component schema of its JSON body (a type of [`crate::types`]).
    pub body_schema: Option<&'static str>,
    /// What its JSON body may hold ([`crate::shapes`]): every body is
    /// checked against it before it is sent.
    pub body_shape: Option<&'static crate::Shape>,
    /// The parts of its `multipart/form-data` body, when it takes one (as
    /// its only body, or beside a JSON one): each part is a field of this
    /// object shape, a file part [`crate::Shape::File`].
    pub form_shape: Option<&'static crate::Shape>,
    /// How it pages, when it is a listing.
    pub pagination: Option<Pagination>,
    /// Whether its success answer has a documented body (without one,
    /// whatever body comes is not read).
    pub answer_content: bool,
    /// The check the client runs on its body before sending it (the spec's
    /// `x-drata-check`, e.g. `personnel-list`).
    pub check: Option<&'static str>,
    /// The component schema of its success answer (a type of [`crate::types`]).
    pub answer_schema: Option<&'static str>,
    /// The component schema of its error answers, as its document names it
    /// (v1's `ExceptionResponse`): [`crate::ErrorBody`] reads what every
    /// one holds, [`crate::ApiError::body_as`] the whole of it.
    pub error_schema: Option<&'static str>,
}

/// Every operation of every API version the build has, later versions
/// first (a `/v2/…` path is v2's before any v1 template could take it).
fn every_operation() -> impl Iterator<Item = &'static Operation> {
    #[cfg(feature = "api-v2")]
    let later = crate::v2::operations::ALL.iter().copied();
    #[cfg(not(feature = "api-v2"))]
    let later = std::iter::empty();
    later.chain(crate::operations::ALL.iter().copied())
}

/// The path of the operations that stand for requests outside the spec.
const RAW_PATH: &str = "*";

/// A request outside the spec, of `method`: any path, any 2xx a success.
fn raw(method: Method) -> &'static Operation {
    const fn of(method: Method, body: BodyKind) -> Operation {
        Operation {
            id: "api",
            method,
            root: "",
            path: RAW_PATH,
            success: &[200],
            errors: &[],
            body,
            permission: None,
            drata_operation_id: "",
            feature: "",
            if_unanswered: Some("list what the request creates and look for the new record"),
            summary: "A request outside the spec",
            parameters: &[],
            body_schema: None,
            body_shape: None,
            form_shape: None,
            pagination: None,
            answer_content: true,
            check: None,
            answer_schema: None,
            error_schema: None,
        }
    }
    static RAW: [Operation; 5] = [
        of(Method::Get, BodyKind::None),
        of(Method::Put, BodyKind::Json),
        of(Method::Post, BodyKind::Json),
        of(Method::Delete, BodyKind::None),
        of(Method::Patch, BodyKind::Json),
    ];
    match method {
        Method::Get => &RAW[0],
        Method::Put => &RAW[1],
        Method::Post => &RAW[2],
        Method::Delete => &RAW[3],
        Method::Patch => &RAW[4],
    }
}

/// How a listing pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Pagination {
    /// By number: the `page` (from 1) and `limit` parameters; each answer
    /// holds `data` and the listing's `total` (Drata's v1).
    Page,
    /// By cursor: the `cursor` parameter (none for the first page) and
    /// `size`; each answer holds `data` and `pagination.cursor`, where the
    /// next page starts, null on the last (Drata's v2).
    Cursor,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParameterLocation {
    /// In the path, in place of `{name}`.
    Path,
    /// In the query string.
    Query,
    /// In a request header.
    Header,
}

/// What a parameter's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParameterKind {
    /// A whole number.
    Integer,
    /// A number, whole or not.
    Number,
    /// Text (an enum's values are text).
    String,
    /// `true` or `false`.
    Boolean,
}

/// A path or query parameter of an operation, as the spec declares it.
///
/// ```
/// let limit = drata::operations::LIST_CONNECTIONS.parameter("limit").unwrap();
/// assert_eq!((limit.minimum, limit.maximum), (Some(1), Some(50)));
/// let types = drata::operations::LIST_CONNECTIONS.parameter("providerTypes").unwrap();
/// assert!(types.array && types.open && types.values.contains(&"MDM"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Parameter {
    /// The name on the wire, e.g. `sortDir` or `roles[]`.
    pub name: &'static str,
    /// Path or query.
    pub location: ParameterLocation,
    /// Whether it must be given.
    pub required: bool,
    /// What each value is.
    pub kind: ParameterKind,
    /// Whether it takes several values (the name repeated in the query).
    pub array: bool,
    /// The values it takes, when they are a list (empty: any).
    pub values: &'static [&'static str],
    /// Whether Drata adds values over time: an unknown one is still sent.
    pub open: bool,
    /// The smallest whole number it takes.
    pub minimum: Option<i64>,
    /// The largest whole number it takes.
    pub maximum: Option<i64>,
    /// What it means, on one line.
    pub description: &'static str,
}

impl Operation {
    /// `METHOD /path/template`.
    pub fn describe(&self) -> String {
        format!("{} {}{}", self.method, self.root, self.path)
    }

    /// Whether `status` ends this operation well: any 2xx. Drata's
    /// documents list one or two success statuses ([`Operation::success`]),
    /// but a server may choose another 2xx (a 204 for a delete documented as
    /// 200): the request was carried out all the same, and the answer is
    /// read as the operation's answer (no body reads as JSON `null`).
    pub fn is_success(&self, status: u16) -> bool {
        (200..300).contains(&status)
    }

    /// Whether this stands for a request to a path the spec does not have
    /// ([`crate::Client::raw`] to any other path).
    pub fn is_outside_spec(&self) -> bool {
        self.path == RAW_PATH
    }

    /// The values `path` (from the API root, `/v2/…` for a v2 operation)
    /// gives the path parameters of this operation's template, by name
    /// (`/users/7` of `/users/{id}`: `id` = `7`), decoded; empty when `path`
    /// does not fit the template.
    pub fn path_values(&self, path: &str) -> Vec<(&'static str, String)> {
        let Some(path) = path.strip_prefix(self.root) else { return Vec::new() };
        let (template, given): (Vec<&'static str>, Vec<&str>) =
            (self.path.split('/').collect(), path.split('/').collect());
        if template.len() != given.len() {
            return Vec::new();
        }
        let mut values = Vec::new();
        for (want, got) in template.iter().zip(&given) {
            match want.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                Some(name) => values.push((name, percent_decoded(got))),
                None if want == got => {}
                None => return Vec::new(),
            }
        }
        values
    }

    /// The other methods the spec has on the path template `path` fits,
    /// when it has none of `method`'s: what a 404 of an unknown route means.
    pub fn methods_of_path(path: &str) -> Vec<Method> {
        every_operation().filter(|op| op.fits(path)).map(|op| op.method).collect()
    }

    /// Whether `path` (from the region's API root, `/v2/…` for v2) is one
    /// of this operation's.
    fn fits(&self, path: &str) -> bool {
        path.strip_prefix(self.root).is_some_and(|rest| fits(self.path, rest))
    }

    /// The operation a request outside the typed methods goes to: the
    /// spec's operation whose method and path template match `path`
    /// (`/users/7` → `GET /users/{id}`), else one that stands for any path.
    pub fn matching(method: Method, path: &str) -> &'static Operation {
        every_operation().find(|op| op.method == method && op.fits(path)).unwrap_or_else(|| raw(method))
    }

    /// The parameter that sets how many items a page of this listing
    /// holds: `limit` for a listing paged by number, `size` for one paged
    /// by cursor (see [`Pagination`]); `None` when it is not a listing.
    pub fn page_size_parameter(&self) -> Option<&'static Parameter> {
        match self.pagination? {
            Pagination::Page => self.parameter("limit"),
            Pagination::Cursor => self.parameter("size"),
        }
    }

    /// The largest page the listing serves: the `maximum` the spec gives
    /// its page-size parameter ([`Operation::page_size_parameter`]), what a
    /// full listing asks for so that it takes the fewest requests; `None`
    /// when it is not a listing or the spec states no bound.
    ///
    /// ```
    /// assert_eq!(drata::operations::LIST_USERS.largest_page(), Some(50));
    /// assert_eq!(drata::operations::GET_USER.largest_page(), None);
    /// ```
    pub fn largest_page(&self) -> Option<u32> {
        self.page_size_parameter()?.maximum.and_then(|most| u32::try_from(most).ok()).filter(|most| *most > 0)
    }

    /// The parameter named `name` on the wire.
    pub fn parameter(&self, name: &str) -> Option<&'static Parameter> {
        self.parameters.iter().find(|p| p.name == name)
    }

    /// The operation Drata's documentation names `drata_id` (its operation
    /// id, as its reference's URLs and `x-drata-operation-id` write it).
    ///
    /// ```
    /// let op = drata::Operation::by_drata_id("VendorsPublicController_listVendors").unwrap();
    /// assert_eq!((op.id, op.path), ("list_vendors", "/vendors"));
    /// ```
    pub fn by_drata_id(drata_id: &str) -> Option<&'static Operation> {
        crate::operations::ALL.iter().copied().find(|op| op.drata_operation_id == drata_id)
    }

    /// The operation whose client method is `id` (`list_connections`).
    ///
    /// ```
    /// assert_eq!(drata::Operation::find("list_connections").map(|op| op.path), Some("/connections"));
    /// ```
    pub fn find(id: &str) -> Option<&'static Operation> {
        crate::operations::ALL.iter().copied().find(|op| op.id == id)
    }
}

/// Whether `path` fits the path `template` (`/users/7` fits `/users/{id}`).
fn fits(template: &str, path: &str) -> bool {
    let (want, got): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    want.len() == got.len()
        && want.iter().zip(&got).all(|(w, g)| (w.starts_with('{') && !g.is_empty()) || w == g)
}

/// A path segment with its `%XX` escapes decoded (invalid ones kept as written).
fn percent_decoded(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
