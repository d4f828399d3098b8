//! Reading the OpenAPI document: its operations and the project's
//! extensions (`x-drata-*`).
//!
//! Modules: `rules` (the project's rules about the document), `adapt` (the
//! document as progenitor is given it).

mod adapt;
mod rules;

pub use adapt::single_operation_specs;

use heck::{ToSnakeCase, ToUpperCamelCase};
use openapiv3::OpenAPI;
use serde_json::Value;

/// The OpenAPI document, parsed twice: as [`OpenAPI`] for progenitor and as
/// raw JSON for the project's extensions (`x-drata-*`), which `openapiv3`
/// keeps only on some objects.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The typed document.
    pub openapi: OpenAPI,
    /// The same document as JSON.
    pub raw: Value,
}

/// One operation of the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// The spec's `operationId` (camelCase).
    pub operation_id: String,
    /// The Rust method name of the client, snake_case.
    pub method_name: String,
    /// Drata's own operationId, from `x-drata-operation-id`.
    pub drata_operation_id: Option<String>,
    /// The permission the API key needs, from `x-drata-permission`.
    pub permission: Option<String>,
    /// HTTP method, upper case.
    pub method: String,
    /// Path template relative to the server URL, e.g. `/connections/{id}/upload/csv`.
    pub path: String,
    /// The path and query parameters, in spec order.
    pub parameters: Vec<Parameter>,
    /// What to check before trying again when a request may have reached
    /// Drata but its answer was lost, from `x-drata-if-unanswered`.
    pub if_unanswered: Option<String>,
    /// The documented success statuses (the 2xx of `responses`).
    pub success: Vec<u16>,
    /// The documented error statuses (4xx and 5xx), in order.
    pub errors: Vec<u16>,
    /// The request body's media type, if the operation has a body.
    pub body: Option<String>,
    /// The check the client runs on the body before sending it, from the
    /// request body's `x-drata-check`.
    pub check: Option<String>,
    /// The one-line summary.
    pub summary: String,
    /// The component schema of a JSON request body, when it is one.
    pub body_schema: Option<String>,
    /// The component schema of a multipart form body, when it is one.
    pub form_schema: Option<String>,
    /// The component schema of the success answer, when it is one.
    pub answer_schema: Option<String>,
    /// The component schema of its error answers (the rules let an
    /// operation document one), when they have a JSON body.
    pub error_schema: Option<String>,
    /// How it pages, when it is a listing (`x-drata-pagination`: `page`).
    pub pagination: Option<String>,
    /// Whether its success answer documents a body.
    pub answer_content: bool,
    /// Whether another success status documents no body beside one that
    /// does (`200` with the record, or `204`): the answer is then an
    /// `Option`, `None` for the answer without a body.
    pub answer_optional: bool,
    /// The Cargo feature it is compiled under: the document's API version
    /// (`x-drata-api`) and its first tag, `v1-vendors`.
    pub feature: String,
    /// The Rust module its document's generated code is included in, as a
    /// path from the crate's root (see [`Spec::module_root`]).
    pub module: String,
    /// Where its document's paths start from the region's API root (see
    /// [`Spec::root_path`]): empty for v1, `/v2` for v2.
    pub root: String,
}

/// A path or query parameter of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parameter {
    /// The name on the wire, e.g. `sortDir`.
    pub name: String,
    /// `path`, `query` or `header`.
    pub location: String,
    /// Whether it must be given.
    pub required: bool,
    /// The smallest value of an integer parameter, if bounded.
    pub minimum: Option<i64>,
    /// The largest value of an integer parameter, if bounded.
    pub maximum: Option<i64>,
    /// The JSON type of a value (of each item, for an array): `integer`,
    /// `number`, `string` or `boolean`.
    pub kind: String,
    /// Whether it takes several values (an array, the name repeated).
    pub array: bool,
    /// The values it takes, when its schema (or its items') is an enum.
    pub values: Vec<String>,
    /// Whether Drata adds values over time (`x-drata-open-enum`).
    pub open: bool,
    /// The description, on one line.
    pub description: String,
}

/// Why the spec was refused.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// The text is not YAML/JSON, or not an OpenAPI 3.0 document.
    #[error("the OpenAPI document does not parse: {0}")]
    Parse(String),
    /// The document breaks one of the project's rules.
    #[error("the OpenAPI document breaks the project's rules:\n  - {}", .0.join("\n  - "))]
    Rules(Vec<String>),
}

pub(crate) const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The component schema of JSON `null`: a value that may be null is
/// `anyOf: [X, JsonNull]` in the spec (the form OpenAPI 3.0.3 validators
/// read), which the generator hands progenitor as `nullable` + `allOf: [X]`
/// (the form typify reads as `Option<X>`).
pub const NULL_SCHEMA: &str = "JsonNull";

/// The reference to [`NULL_SCHEMA`].
pub(crate) const NULL_REF: &str = "#/components/schemas/JsonNull";

impl Spec {
    /// Parses the document (YAML or JSON).
    ///
    /// # Errors
    /// [`SpecError::Parse`] when the text is not a readable OpenAPI document.
    pub fn parse(text: &str) -> Result<Self, SpecError> {
        let raw: Value = serde_yaml::from_str(text).map_err(|e| SpecError::Parse(e.to_string()))?;
        let openapi: OpenAPI =
            serde_json::from_value(raw.clone()).map_err(|e| SpecError::Parse(e.to_string()))?;
        Ok(Self { openapi, raw })
    }

    /// The API version the document describes (`x-drata-api`: `v1`).
    pub fn api(&self) -> &str {
        self.raw.get("x-drata-api").and_then(Value::as_str).unwrap_or("api")
    }

    /// The Rust module the document's generated code is included in, as a
    /// path from the crate's root: `crate` for v1, whose items have always
    /// been at the crate's root (`drata::types`) and stay there for its
    /// users; `crate::v2` for v2 and any later version (`drata::v2::types`).
    /// Every path the generated code writes to its own items starts here.
    pub fn module_root(&self) -> String {
        match self.api() {
            "v1" => "crate".into(),
            other => format!("crate::{other}"),
        }
    }

    /// Where the document's paths start, from the region's API root
    /// (`https://public-api.drata.com/public`): the path of its first
    /// server after `/public`, empty for v1, `/v2` for v2.
    pub fn root_path(&self) -> String {
        let url = self.raw.pointer("/servers/0/url").and_then(Value::as_str).unwrap_or("");
        let path = url.split_once("://").map_or(url, |(_, rest)| rest.find('/').map_or("", |at| &rest[at..]));
        path.strip_prefix("/public").unwrap_or(path).trim_end_matches('/').to_string()
    }

    /// Every operation, in path order then method order.
    pub fn operations(&self) -> Vec<Operation> {
        let mut out = Vec::new();
        let Some(paths) = self.raw.get("paths").and_then(Value::as_object) else {
            return out;
        };
        for (path, item) in paths {
            for method in METHODS {
                let Some(op) = item.get(*method) else { continue };
                let operation_id = str_field(op, "operationId").unwrap_or_default();
                let shared = item.get("parameters").and_then(Value::as_array).into_iter().flatten();
                let own = op.get("parameters").and_then(Value::as_array).into_iter().flatten();
                let parameters = shared
                    .chain(own)
                    .filter_map(|p| self.resolve(p))
                    .filter_map(|p| self.parameter(p))
                    .collect();
                let statuses: Vec<u16> = op
                    .get("responses")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flat_map(|r| r.keys())
                    .filter_map(|status| status.parse().ok())
                    .collect();
                // The first documented success answer: its schema and whether it has a body.
                let success = statuses
                    .iter()
                    .find(|s| (200..300).contains(*s))
                    .and_then(|s| op.pointer(&format!("/responses/{s}")))
                    .and_then(|r| self.resolve(r));
                let body = op.get("requestBody").and_then(|b| self.resolve(b));
                // A body that is JSON or a form is JSON first (the form is the
                // operation's upload, `form_schema`).
                let content = body.and_then(|b| b.get("content")).and_then(Value::as_object);
                let media = content.and_then(|content| {
                    if content.contains_key("application/json") {
                        Some("application/json".to_string())
                    } else {
                        content.keys().next().cloned()
                    }
                });
                out.push(Operation {
                    success: statuses.iter().copied().filter(|s| (200..300).contains(s)).collect(),
                    errors: statuses.iter().copied().filter(|s| *s >= 400).collect(),
                    body: media,
                    check: body.and_then(|b| str_field(b, "x-drata-check")),
                    method_name: operation_id.to_snake_case(),
                    operation_id,
                    drata_operation_id: str_field(op, "x-drata-operation-id"),
                    permission: str_field(op, "x-drata-permission"),
                    method: method.to_uppercase(),
                    path: path.clone(),
                    parameters,
                    if_unanswered: str_field(op, "x-drata-if-unanswered"),
                    summary: str_field(op, "summary").unwrap_or_default(),
                    body_schema: body
                        .and_then(|b| b.pointer("/content/application~1json/schema"))
                        .and_then(schema_name),
                    form_schema: body
                        .and_then(|b| b.pointer("/content/multipart~1form-data/schema"))
                        .and_then(schema_name),
                    answer_schema: success
                        .and_then(|r| r.pointer("/content/application~1json/schema"))
                        .and_then(schema_name),
                    error_schema: statuses
                        .iter()
                        .filter(|s| (400..600).contains(*s))
                        .filter_map(|s| op.pointer(&format!("/responses/{s}")))
                        .filter_map(|r| self.resolve(r))
                        .find_map(|r| r.pointer("/content/application~1json/schema"))
                        .and_then(schema_name),
                    answer_content: success.is_some_and(|r| r.get("content").is_some()),
                    answer_optional: {
                        let with_body = |wanted: bool| {
                            statuses
                                .iter()
                                .filter(|s| (200..300).contains(*s))
                                .filter_map(|s| op.pointer(&format!("/responses/{s}")))
                                .filter_map(|r| self.resolve(r))
                                .any(|r| r.get("content").is_some() == wanted)
                        };
                        with_body(true) && with_body(false)
                    },
                    pagination: str_field(op, "x-drata-pagination"),
                    feature: crate::features::feature_of(
                        self.api(),
                        op.pointer("/tags/0").and_then(Value::as_str).unwrap_or("untagged"),
                    ),
                    module: self.module_root(),
                    root: self.root_path(),
                });
            }
        }
        out
    }

    /// The lists whose items are kept one by one, as `(schema, property)`:
    /// every list marked `x-drata-tolerant-items: true`, and, by default, the
    /// `data` of every listing's answer (`x-drata-pagination`).
    pub fn tolerant_lists(&self) -> Vec<(String, String)> {
        let mut lists: Vec<(String, String)> = self
            .schemas()
            .flat_map(|(name, schema)| {
                let properties = schema.get("properties").and_then(Value::as_object).into_iter().flatten();
                properties
                    .filter(|(_, p)| p.get("x-drata-tolerant-items").and_then(Value::as_bool) == Some(true))
                    .map(move |(property, _)| (name.clone(), property.clone()))
            })
            .collect();
        for op in self.operations() {
            if let (Some(_), Some(answer)) = (&op.pagination, &op.answer_schema) {
                lists.push((answer.clone(), "data".into()));
            }
        }
        lists.sort();
        lists.dedup();
        lists
    }

    /// The item schemas of the lists of [`Spec::tolerant_lists`]: each gets
    /// a stand-in schema, `tolerant_name`, that the generation settings
    /// replace with `crate::Tolerant<X>`.
    pub fn tolerant_item_schemas(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .tolerant_lists()
            .iter()
            .filter_map(|(schema, property)| {
                self.raw.pointer(&format!("/components/schemas/{schema}/properties/{property}"))
            })
            .filter_map(item_schema_name)
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Names of the component schemas marked `x-drata-open-enum: true`.
    pub fn open_enum_names(&self) -> Vec<String> {
        self.schemas()
            .filter(|(_, s)| s.get("x-drata-open-enum").and_then(Value::as_bool) == Some(true))
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// Names of every component schema that becomes a Rust type (all but
    /// `NULL_SCHEMA`).
    pub fn schema_names(&self) -> Vec<String> {
        self.schemas().map(|(name, _)| name.clone()).filter(|name| name != NULL_SCHEMA).collect()
    }

    /// The raw JSON of every component schema, by name.
    pub fn schemas(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.raw.pointer("/components/schemas").and_then(Value::as_object).into_iter().flat_map(|m| m.iter())
    }

    /// Follows a local `$ref`, if any.
    pub fn resolve<'a>(&'a self, value: &'a Value) -> Option<&'a Value> {
        match str_field(value, "$ref") {
            Some(reference) => self.raw.pointer(reference.strip_prefix('#')?),
            None => Some(value),
        }
    }
}

/// The Rust type name progenitor gives a component schema.
pub fn rust_type_name(schema_name: &str) -> String {
    schema_name.to_upper_camel_case()
}

/// The name of the stand-in schema of a tolerant list's items of `schema`.
pub fn tolerant_name(schema: &str) -> String {
    format!("Tolerant{schema}")
}

/// The component schema an array's items `$ref`, if they do.
pub(crate) fn item_schema_name(array: &Value) -> Option<String> {
    array.pointer("/items/$ref")?.as_str()?.strip_prefix("#/components/schemas/").map(str::to_string)
}

/// A path or query parameter of the spec (others are not generated).
impl Spec {
    /// A path or query parameter of the spec (others are not generated).
    fn parameter(&self, value: &Value) -> Option<Parameter> {
        let location = str_field(value, "in").filter(|l| l == "path" || l == "query" || l == "header")?;
        let schema = value.get("schema").and_then(|s| self.resolve(s));
        let bound = |key: &str| schema.and_then(|s| s.get(key)).and_then(Value::as_i64);
        let array = schema.and_then(|s| s.get("type")).and_then(Value::as_str) == Some("array");
        // An array's items say what each value is.
        let values_schema =
            if array { schema.and_then(|s| s.get("items")).and_then(|i| self.resolve(i)) } else { schema };
        let of = |key: &str| values_schema.and_then(|s| s.get(key));
        Some(Parameter {
            name: str_field(value, "name")?,
            required: value.get("required").and_then(Value::as_bool).unwrap_or(location == "path"),
            location,
            minimum: bound("minimum"),
            maximum: bound("maximum"),
            kind: of("type").and_then(Value::as_str).unwrap_or("string").to_string(),
            array,
            values: of("enum")
                .and_then(Value::as_array)
                .map(|values| values.iter().filter_map(Value::as_str).map(str::to_string).collect())
                .unwrap_or_default(),
            open: of("x-drata-open-enum").and_then(Value::as_bool) == Some(true),
            description: str_field(value, "description")
                .unwrap_or_default()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        })
    }
}

/// The component schema a schema `$ref`s, if it does.
fn schema_name(schema: &Value) -> Option<String> {
    str_field(schema, "$ref")?.strip_prefix("#/components/schemas/").map(str::to_string)
}

pub(crate) fn str_field(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_string)
}
