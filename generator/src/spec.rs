//! Reading the OpenAPI document and the project's rules about it.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};
use openapiv3::{OpenAPI, ReferenceOr};
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
    /// The documented success status (the first 2xx of `responses`).
    pub success: Option<u16>,
    /// The documented error statuses (4xx and 5xx), in order.
    pub errors: Vec<u16>,
    /// The request body's media type, if the operation has a body.
    pub body: Option<String>,
    /// The check the client runs on the body before sending it, from the
    /// request body's `x-drata-check`.
    pub check: Option<String>,
}

/// A path or query parameter of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parameter {
    /// The name on the wire, e.g. `sortDir`.
    pub name: String,
    /// `path` or `query`.
    pub location: String,
    /// Whether it must be given.
    pub required: bool,
    /// The smallest value of an integer parameter, if bounded.
    pub minimum: Option<i64>,
    /// The largest value of an integer parameter, if bounded.
    pub maximum: Option<i64>,
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

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The component schema of JSON `null`: a value that may be null is
/// `anyOf: [X, JsonNull]` in the spec (the form OpenAPI 3.0.3 validators
/// read), which the generator hands progenitor as `nullable` + `allOf: [X]`
/// (the form typify reads as `Option<X>`).
pub const NULL_SCHEMA: &str = "JsonNull";

/// The reference to [`NULL_SCHEMA`].
const NULL_REF: &str = "#/components/schemas/JsonNull";

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
                let parameters =
                    shared.chain(own).filter_map(|p| self.resolve(p)).filter_map(parameter).collect();
                let statuses: Vec<u16> = op
                    .get("responses")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flat_map(|r| r.keys())
                    .filter_map(|status| status.parse().ok())
                    .collect();
                let body = op.get("requestBody").and_then(|b| self.resolve(b));
                let media = body
                    .and_then(|b| b.get("content"))
                    .and_then(Value::as_object)
                    .and_then(|content| content.keys().next().cloned());
                out.push(Operation {
                    success: statuses.iter().copied().find(|s| (200..300).contains(s)),
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
                });
            }
        }
        out
    }

    /// The document as progenitor is given it, and the operations set aside.
    ///
    /// The adaptations, each a generation setting of the project:
    /// - `anyOf: [X, JsonNull]` becomes `nullable` + `allOf: [X]` and
    ///   `x-drata-timestamp` becomes `format: date-time` (the forms typify
    ///   reads as `Option<X>` and as the client's timestamp type), and string
    ///   lengths and patterns are dropped (the client checks them itself);
    /// - operations whose request body uses one of `unsupported_media_types`
    ///   are removed (progenitor cannot generate them; they are hand-written);
    /// - integer query and path parameters lose their bounds, so that the
    ///   builder takes a plain integer (`.limit(50)`, `.id(7)`) instead of a
    ///   `NonZeroU64`; the server still enforces them;
    /// - optional arrays become nullable, so that typify generates
    ///   `Option<Vec<T>>`: a missing list and an empty one stay distinct and
    ///   both round-trip unchanged.
    ///
    /// # Errors
    /// [`SpecError::Parse`] if the adapted document no longer parses.
    pub fn for_progenitor(
        &self,
        unsupported_media_types: &[&str],
    ) -> Result<(OpenAPI, Vec<Operation>), SpecError> {
        let mut raw = self.raw.clone();
        let set_aside: Vec<Operation> = self
            .operations()
            .into_iter()
            .filter(|op| {
                let pointer = format!(
                    "/paths/{}/{}/requestBody/content",
                    op.path.replace('~', "~0").replace('/', "~1"),
                    op.method.to_lowercase()
                );
                self.raw.pointer(&pointer).and_then(Value::as_object).is_some_and(|content| {
                    content.keys().any(|m| unsupported_media_types.contains(&m.as_str()))
                })
            })
            .collect();
        if let Some(paths) = raw.get_mut("paths").and_then(Value::as_object_mut) {
            for op in &set_aside {
                if let Some(item) = paths.get_mut(&op.path).and_then(Value::as_object_mut) {
                    item.remove(&op.method.to_lowercase());
                    if !METHODS.iter().any(|m| item.contains_key(*m)) {
                        paths.remove(&op.path);
                    }
                }
            }
        }
        relax_integer_parameter_bounds(&mut raw);
        if let Some(schemas) = raw.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
            schemas.remove(NULL_SCHEMA);
            tolerant_items_for_typify(schemas);
        }
        if let Some(components) = raw.get_mut("components") {
            nullable_for_typify(components);
            timestamps_for_typify(components);
            drop_string_constraints(components);
        }
        if let Some(schemas) = raw.pointer_mut("/components/schemas") {
            make_optional_arrays_nullable(schemas);
        }
        let openapi = serde_json::from_value(raw).map_err(|e| SpecError::Parse(e.to_string()))?;
        Ok((openapi, set_aside))
    }

    /// The component schemas whose lists are marked
    /// `x-drata-tolerant-items: true` hold items of these schemas: each gets
    /// a stand-in schema, [`tolerant_name`], that the generation settings
    /// replace with `crate::Tolerant<X>`.
    pub fn tolerant_item_schemas(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .schemas()
            .flat_map(|(_, schema)| schema.get("properties").and_then(Value::as_object).into_iter().flatten())
            .filter(|(_, property)| {
                property.get("x-drata-tolerant-items").and_then(Value::as_bool) == Some(true)
            })
            .filter_map(|(_, property)| item_schema_name(property))
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
    /// [`NULL_SCHEMA`]).
    pub fn schema_names(&self) -> Vec<String> {
        self.schemas().map(|(name, _)| name.clone()).filter(|name| name != NULL_SCHEMA).collect()
    }

    /// The raw JSON of every component schema, by name.
    pub fn schemas(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.raw.pointer("/components/schemas").and_then(Value::as_object).into_iter().flat_map(|m| m.iter())
    }

    /// Checks the project's rules: OpenAPI 3.0.x, unique operation ids that
    /// are camelCase, a Drata operation id and a description on every
    /// operation, one error schema for every error status.
    ///
    /// # Errors
    /// [`SpecError::Rules`] listing every broken rule.
    pub fn check_rules(&self) -> Result<(), SpecError> {
        let mut problems = Vec::new();
        if !self.openapi.openapi.starts_with("3.0.") {
            problems.push(format!(
                "`openapi: {}`: only OpenAPI 3.0.x is accepted (progenitor cannot read 3.1)",
                self.openapi.openapi
            ));
        }
        let mut seen = BTreeSet::new();
        let mut error_schemas: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let paths = self.raw.get("paths").and_then(Value::as_object);
        for (path, item) in paths.into_iter().flat_map(|m| m.iter()) {
            for method in METHODS {
                let Some(op) = item.get(*method) else { continue };
                let here = format!("{} {path}", method.to_uppercase());
                match str_field(op, "operationId") {
                    None => problems.push(format!("{here}: no operationId")),
                    Some(id) => {
                        if !seen.insert(id.clone()) {
                            problems.push(format!("{here}: operationId `{id}` is used twice"));
                        }
                        if id.to_snake_case().to_upper_camel_case() != id.to_upper_camel_case()
                            || id.contains('_')
                        {
                            problems.push(format!(
                                "{here}: operationId `{id}` should be camelCase (it names the Rust method)"
                            ));
                        }
                    }
                }
                if str_field(op, "x-drata-operation-id").is_none() {
                    problems.push(format!(
                        "{here}: no `x-drata-operation-id` (Drata's own operationId, so the operation traces back to its docs)"
                    ));
                }
                if str_field(op, "description").is_none_or(|d| d.trim().is_empty()) {
                    problems.push(format!("{here}: no description"));
                }
                let responses = op.get("responses").and_then(Value::as_object);
                for (status, response) in responses.into_iter().flat_map(|m| m.iter()) {
                    if status == "default" {
                        problems.push(format!(
                            "{here}: a `default` response makes progenitor panic; declare the status"
                        ));
                        continue;
                    }
                    if status.starts_with('4') || status.starts_with('5') {
                        let schema = self.error_schema_of(response).unwrap_or_else(|| "(none)".into());
                        error_schemas.entry(schema).or_default().push(format!("{here} {status}"));
                    }
                }
            }
        }
        problems.extend(convention_problems(&self.raw));
        if error_schemas.len() > 1 {
            let detail = error_schemas
                .iter()
                .map(|(schema, uses)| format!("{schema} ({})", uses.len()))
                .collect::<Vec<_>>()
                .join(", ");
            problems.push(format!(
                "every error status must use one error schema (progenitor panics otherwise); found {detail}"
            ));
        }
        if problems.is_empty() { Ok(()) } else { Err(SpecError::Rules(problems)) }
    }

    /// The `$ref` (or `inline`) of the JSON schema of an error response.
    fn error_schema_of(&self, response: &Value) -> Option<String> {
        let response = self.resolve(response)?;
        let schema = response.pointer("/content/application~1json/schema")?;
        Some(str_field(schema, "$ref").unwrap_or_else(|| "(inline schema)".into()))
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

/// One document per operation, each holding that operation alone: used to
/// find which operation progenitor fails on.
pub fn single_operation_specs(spec: &OpenAPI) -> Vec<(String, OpenAPI)> {
    let mut out = Vec::new();
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else { continue };
        for (method, op) in item.iter() {
            let mut single = spec.clone();
            single.paths.paths.clear();
            let mut only = openapiv3::PathItem { parameters: item.parameters.clone(), ..Default::default() };
            match method {
                "get" => only.get = Some(op.clone()),
                "put" => only.put = Some(op.clone()),
                "post" => only.post = Some(op.clone()),
                "delete" => only.delete = Some(op.clone()),
                "options" => only.options = Some(op.clone()),
                "head" => only.head = Some(op.clone()),
                "patch" => only.patch = Some(op.clone()),
                _ => only.trace = Some(op.clone()),
            }
            single.paths.paths.insert(path.clone(), ReferenceOr::Item(only));
            let name = op.operation_id.clone().unwrap_or_else(|| format!("{} {path}", method.to_uppercase()));
            out.push((name, single));
        }
    }
    out
}

fn relax_integer_parameter_bounds(raw: &mut Value) {
    let mut parameters: Vec<&mut Value> = Vec::new();
    for (key, section) in raw.as_object_mut().into_iter().flat_map(|m| m.iter_mut()) {
        match key.as_str() {
            "components" => {
                if let Some(shared) = section.get_mut("parameters").and_then(Value::as_object_mut) {
                    parameters.extend(shared.values_mut());
                }
            }
            "paths" => {
                let items = section.as_object_mut().into_iter().flat_map(|m| m.values_mut());
                for item in items.filter_map(Value::as_object_mut) {
                    for (key, value) in item.iter_mut() {
                        let list =
                            if key == "parameters" { Some(value) } else { value.get_mut("parameters") };
                        if let Some(list) = list.and_then(Value::as_array_mut) {
                            parameters.extend(list.iter_mut());
                        }
                    }
                }
            }
            _ => {}
        }
    }
    for parameter in parameters {
        if !matches!(parameter.get("in").and_then(Value::as_str), Some("query" | "path")) {
            continue;
        }
        if let Some(schema) = parameter.get_mut("schema").and_then(Value::as_object_mut)
            && schema.get("type").and_then(Value::as_str) == Some("integer")
        {
            for bound in ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] {
                schema.remove(bound);
            }
        }
    }
}

/// Every schema object of `value`, with its JSON pointer, depth first.
fn visit_schemas<'a>(value: &'a Value, at: &str, out: &mut Vec<(String, &'a Value)>) {
    match value {
        Value::Object(map) => {
            out.push((at.to_string(), value));
            for (key, child) in map {
                visit_schemas(child, &format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                visit_schemas(child, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// The spec's own conventions, which keep it readable by every OpenAPI
/// 3.0.3 tool: no `nullable` without a `type` beside it (3.0.3 ignores it;
/// write `anyOf: [X, JsonNull]`), and no `format: date-time` (Drata's
/// timestamps are not all RFC 3339; write `x-drata-timestamp: true`).
fn convention_problems(raw: &Value) -> Vec<String> {
    let mut objects = Vec::new();
    for section in ["paths", "components"] {
        if let Some(value) = raw.get(section) {
            visit_schemas(value, &format!("#/{section}"), &mut objects);
        }
    }
    let mut problems = Vec::new();
    for (at, object) in objects {
        if at.contains("/examples/") || at.contains("/example/") {
            continue;
        }
        if object.get("nullable").and_then(Value::as_bool) == Some(true) && object.get("type").is_none() {
            problems.push(format!(
                "{at}: `nullable: true` without a `type` admits no null in OpenAPI 3.0.3; write `anyOf: [X, {{$ref: \"{NULL_REF}\"}}]`"
            ));
        }
        if object.get("x-drata-tolerant-items").and_then(Value::as_bool) == Some(true)
            && (object.get("type").and_then(Value::as_str) != Some("array")
                || item_schema_name(object).is_none())
        {
            problems.push(format!(
                "{at}: `x-drata-tolerant-items` needs an array whose items are a `$ref` to a component schema"
            ));
        }
        if object.get("format").and_then(Value::as_str) == Some("date-time") {
            problems.push(format!(
                "{at}: `format: date-time` would make Drata's non-RFC 3339 timestamps invalid; write `x-drata-timestamp: true`"
            ));
        }
    }
    problems
}

/// `anyOf: [X, JsonNull]` → `nullable: true, allOf: [X]`, which typify reads
/// as `Option<X>`.
fn nullable_for_typify(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let nullable_any_of = map.get("anyOf").and_then(Value::as_array).and_then(|alternatives| {
                let is_null = |v: &Value| v.get("$ref").and_then(Value::as_str) == Some(NULL_REF);
                match alternatives.as_slice() {
                    [x, null] | [null, x] if is_null(null) && !is_null(x) => Some(x.clone()),
                    _ => None,
                }
            });
            if let Some(x) = nullable_any_of {
                map.remove("anyOf");
                map.insert("nullable".into(), Value::Bool(true));
                map.insert("allOf".into(), Value::Array(vec![x]));
            }
            map.values_mut().for_each(nullable_for_typify);
        }
        Value::Array(items) => items.iter_mut().for_each(nullable_for_typify),
        _ => {}
    }
}

/// Removes `minLength`, `maxLength` and `pattern` from string schemas:
/// typify would turn each constrained string into a newtype of its own. The
/// client checks those constraints itself, from the rules the generator
/// derives from the same schemas (`personnel_rules`), with a message a
/// person can act on.
fn drop_string_constraints(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("type").and_then(Value::as_str) == Some("string") {
                for keyword in ["minLength", "maxLength", "pattern"] {
                    map.remove(keyword);
                }
            }
            map.values_mut().for_each(drop_string_constraints);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_string_constraints),
        _ => {}
    }
}

/// The name of the stand-in schema of a tolerant list's items of `schema`.
pub fn tolerant_name(schema: &str) -> String {
    format!("Tolerant{schema}")
}

/// The component schema an array's items `$ref`, if they do.
fn item_schema_name(array: &Value) -> Option<String> {
    array.pointer("/items/$ref")?.as_str()?.strip_prefix("#/components/schemas/").map(str::to_string)
}

/// Points the items of every tolerant list at a stand-in schema of their
/// own (see [`Spec::tolerant_item_schemas`]).
fn tolerant_items_for_typify(schemas: &mut serde_json::Map<String, Value>) {
    let mut stand_ins = Vec::new();
    for schema in schemas.values_mut() {
        let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else { continue };
        for property in properties.values_mut() {
            if property.get("x-drata-tolerant-items").and_then(Value::as_bool) != Some(true) {
                continue;
            }
            if let Some(name) = item_schema_name(property) {
                let stand_in = tolerant_name(&name);
                if let Some(items) = property.get_mut("items") {
                    *items = serde_json::json!({ "$ref": format!("#/components/schemas/{stand_in}") });
                }
                stand_ins.push(stand_in);
            }
        }
    }
    for stand_in in stand_ins {
        schemas.insert(stand_in, serde_json::json!({ "type": "object" }));
    }
}

/// `x-drata-timestamp: true` → `format: date-time`, which the generation
/// settings map to the client's timestamp type.
fn timestamps_for_typify(value: &mut Value) {
    match value {
        Value::Object(map) => {
            // The extension goes: the generation setting matches the schema
            // `{type: string, format: date-time}` as it is, extensions included.
            if map.remove("x-drata-timestamp").and_then(|v| v.as_bool()) == Some(true) {
                map.insert("format".into(), Value::String("date-time".into()));
            }
            map.values_mut().for_each(timestamps_for_typify);
        }
        Value::Array(items) => items.iter_mut().for_each(timestamps_for_typify),
        _ => {}
    }
}

fn make_optional_arrays_nullable(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let required: Vec<String> = map
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).map(str::to_string).collect())
                .unwrap_or_default();
            if let Some(props) = map.get_mut("properties").and_then(Value::as_object_mut) {
                for (name, prop) in props.iter_mut() {
                    if !required.contains(name)
                        && prop.get("type").and_then(Value::as_str) == Some("array")
                        && let Some(prop) = prop.as_object_mut()
                    {
                        prop.insert("nullable".into(), Value::Bool(true));
                    }
                }
            }
            map.values_mut().for_each(make_optional_arrays_nullable);
        }
        Value::Array(items) => items.iter_mut().for_each(make_optional_arrays_nullable),
        _ => {}
    }
}

/// A path or query parameter of the spec (others are not generated).
fn parameter(value: &Value) -> Option<Parameter> {
    let location = str_field(value, "in").filter(|l| l == "path" || l == "query")?;
    let schema = value.get("schema");
    let bound = |key: &str| schema.and_then(|s| s.get(key)).and_then(Value::as_i64);
    Some(Parameter {
        name: str_field(value, "name")?,
        required: value.get("required").and_then(Value::as_bool).unwrap_or(location == "path"),
        location,
        minimum: bound("minimum"),
        maximum: bound("maximum"),
    })
}

fn str_field(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_string)
}
