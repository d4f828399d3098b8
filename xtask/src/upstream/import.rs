//! `cargo xtask upstream import ID[=NAME]...`: Drata's operations written
//! into our spec in its normalized form, with every schema they need, for
//! review. The normalization (the spec's header lists it):
//!
//! - facts kept: path, method, parameters (name, place, required, type,
//!   values, bounds), media types, statuses, schemas (fields, required,
//!   types, values, bounds), `x-drata-permissions`, `x-drata-entitlement`,
//!   tags, Drata's operation id (`x-drata-operation-id`) and schema name
//!   (`x-drata-schema`);
//! - Drata's words left out (descriptions, summaries, examples): the
//!   summary is made from the operation's name, the description says what
//!   it needs, and `externalDocs` links to Drata's page;
//! - whole numbers (ids, `page`, `limit`, `total`, codes, counts) are
//!   `integer` (an id in an answer is the `Id` schema, integer or text, and
//!   so is a path parameter that is a number or text);
//!   `format: date-time` and `date` are `x-drata-timestamp`; `nullable`
//!   beside a `$ref` or `allOf` is `anyOf: [X, JsonNull]`; a request
//!   body's objects are closed; an answer's enums are open components of
//!   their own; a `default` outside its enum is left out; every error
//!   status answers the one error schema, and 429 is added;
//! - an operation with a `page` parameter answering a page (`data`,
//!   `page`, `limit`, `total`) is a listing (`x-drata-pagination: page`),
//!   one with a `cursor` parameter answering `data` and `pagination` a
//!   cursor listing (`x-drata-pagination: cursor`); the page is named
//!   `…Page`, and items without a schema of their own get one (`…Item`);
//! - a form (`multipart/form-data`) is a component of its own (`…Form`).

use std::collections::BTreeMap;
use std::path::Path;

use heck::{ToTitleCase, ToUpperCamelCase};
use serde_json::{Map, Value, json};

use super::compare::operations;
use super::{parameters_of, resolve};

/// Which side of a call a schema is on: what a request sends (closed,
/// values checked) or what an answer holds (open, tolerant).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Answer,
}

/// The error answers of the spec, by status.
const ERROR_RESPONSES: &[(&str, &str)] = &[
    ("400", "BadRequest"),
    ("401", "Unauthorized"),
    ("402", "PaymentRequired"),
    ("403", "Forbidden"),
    ("404", "NotFound"),
    ("409", "Conflict"),
    ("412", "TermsNotAccepted"),
    ("413", "PayloadTooLarge"),
    ("422", "UnprocessableEntity"),
    ("429", "TooManyRequests"),
    ("500", "InternalServerError"),
    ("503", "ServiceUnavailable"),
];

pub fn run(root: &Path, drata: &Value, ids: &[String]) -> Result<(), String> {
    let spec = super::spec_of(drata)?;
    let version = super::version_of(drata)?;
    let spec_path = root.join(spec);
    let mut text = crate::read(&spec_path)?;
    let ours: Value = serde_yaml::from_str(&text).map_err(|e| format!("{spec} does not parse: {e}"))?;
    let mut importer = Importer::new(drata, &ours, version);
    let mut imported: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for id in ids {
        let (drata_id, name) = match id.split_once('=') {
            Some((id, name)) => (id, Some(name.to_string())),
            None => (id.as_str(), None),
        };
        let (method, path, operation) = operations(drata)
            .into_iter()
            .find(|(_, _, op)| op.get("operationId").and_then(Value::as_str) == Some(drata_id))
            .ok_or_else(|| format!("Drata's document has no operation `{drata_id}`"))?;
        if operations(&ours).iter().any(|(m, p, _)| *m == method && *p == path) {
            return Err(format!("{method} {path} ({drata_id}) is in the spec already"));
        }
        let name = name.unwrap_or_else(|| drata_id.rsplit('_').next().unwrap_or(drata_id).to_string());
        if importer.operation_ids.contains(&name) {
            return Err(format!("the operation name `{name}` is taken; name it: {drata_id}=otherName"));
        }
        importer.operation_ids.push(name.clone());
        let ours = importer.operation(&name, operation)?;
        imported.entry(path).or_default().insert(method.to_lowercase(), Value::Object(ours));
    }
    for (path, methods) in &imported {
        let item = Value::Object(methods.clone());
        text = insert_path(&text, path, &item)?;
    }
    let responses = importer.missing_responses();
    text = insert_components(&text, "responses", &responses)?;
    text = insert_components(&text, "schemas", &importer.schemas)?;
    let check: Value = serde_yaml::from_str(&text).map_err(|e| format!("the spec no longer parses: {e}"))?;
    let _ = check;
    std::fs::write(&spec_path, text).map_err(|e| e.to_string())?;
    println!(
        "imported {} operation(s) and {} schema(s) into {}; review, then `cargo xtask generate` and `cargo xtask upstream diff`",
        ids.len(),
        importer.schemas.len(),
        spec
    );
    Ok(())
}

struct Importer<'a> {
    drata: &'a Value,
    ours: &'a Value,
    /// Our operation ids, those of the spec and those imported.
    operation_ids: Vec<String>,
    /// The schemas imported, by our name.
    schemas: BTreeMap<String, Value>,
    /// Drata's schema name (and side) → ours.
    names: BTreeMap<(String, bool), String>,
    /// The API version (`v1`, `v2`): where Drata's pages are.
    version: String,
}

impl<'a> Importer<'a> {
    fn new(drata: &'a Value, ours: &'a Value, version: String) -> Self {
        let operation_ids = operations(ours)
            .iter()
            .filter_map(|(_, _, op)| op.get("operationId").and_then(Value::as_str).map(str::to_string))
            .collect();
        Self { drata, ours, operation_ids, schemas: BTreeMap::new(), names: BTreeMap::new(), version }
    }

    fn operation(&mut self, name: &str, drata: &Value) -> Result<Map<String, Value>, String> {
        let drata_id = drata.get("operationId").and_then(Value::as_str).unwrap_or_default();
        let tag = drata.pointer("/tags/0").and_then(Value::as_str).unwrap_or("");
        let mut op = Map::new();
        op.insert("operationId".into(), json!(name));
        op.insert("x-drata-operation-id".into(), json!(drata_id));
        for key in ["x-drata-permissions", "x-drata-entitlement"] {
            if let Some(value) = drata.get(key) {
                op.insert(key.into(), value.clone());
            }
        }
        if let Some(tags) = drata.get("tags") {
            op.insert("tags".into(), tags.clone());
        }
        if let Some(style) = listing_style(self.drata, drata) {
            op.insert("x-drata-pagination".into(), json!(style));
        }
        let summary = sentence(name);
        op.insert("summary".into(), json!(summary));
        op.insert("description".into(), json!(description(&summary, drata)));
        op.insert(
            "externalDocs".into(),
            json!({"description": "Drata's reference", "url": format!("https://developers.drata.com/openapi/reference/{}/tag/{}/#operation/{drata_id}", self.version, tag.replace(' ', "-"))}),
        );
        let parameters: Vec<Value> =
            parameters_of(self.drata, drata).map(|p| self.parameter(p)).collect::<Result<_, _>>()?;
        if !parameters.is_empty() {
            op.insert("parameters".into(), Value::Array(parameters));
        }
        if let Some(body) = drata.get("requestBody").map(|b| resolve(self.drata, b)) {
            let mut content = Map::new();
            for (media, value) in body.get("content").and_then(Value::as_object).into_iter().flatten() {
                let mut schema =
                    value.get("schema").map(|s| self.schema(s, Side::Request, "", "")).transpose()?;
                // A form is a component of its own (the client's upload
                // builder is made from a component's parts).
                if media == "multipart/form-data"
                    && let Some(inline) = schema.take_if(|s| s.get("$ref").is_none())
                {
                    let form = self.free_name(&format!("{}Form", name.to_upper_camel_case()));
                    self.schemas.insert(form.clone(), inline);
                    schema = Some(json!({"$ref": format!("#/components/schemas/{form}")}));
                }
                content.insert(media.clone(), schema.map_or_else(|| json!({}), |s| json!({ "schema": s })));
            }
            op.insert("requestBody".into(), json!({"required": body.get("required").and_then(Value::as_bool).unwrap_or(true), "content": content}));
        }
        let mut responses = Map::new();
        let mut statuses: Vec<String> = drata
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(s, _)| s.clone())
            .collect();
        if !statuses.iter().any(|s| s == "429") {
            statuses.push("429".into());
        }
        statuses.sort();
        for status in &statuses {
            if status.starts_with('2') {
                let response = drata.pointer(&format!("/responses/{status}")).map(|r| resolve(self.drata, r));
                let schema = response.and_then(|r| r.pointer("/content/application~1json/schema"));
                let mut answer = Map::new();
                answer
                    .insert("description".into(), json!(if status == "201" { "Created." } else { "Done." }));
                if let Some(schema) = schema {
                    let schema = self.schema(schema, Side::Answer, "", "")?;
                    answer.insert("content".into(), json!({"application/json": {"schema": schema}}));
                }
                responses.insert(status.clone(), Value::Object(answer));
            } else {
                let name =
                    ERROR_RESPONSES.iter().find(|(s, _)| *s == status).map(|(_, n)| *n).ok_or_else(|| {
                        format!("{drata_id}: no error answer of the spec for the status {status}")
                    })?;
                responses.insert(status.clone(), json!({"$ref": format!("#/components/responses/{name}")}));
            }
        }
        op.insert("responses".into(), Value::Object(responses));
        Ok(op)
    }

    fn parameter(&mut self, drata: &Value) -> Result<Value, String> {
        let name = drata.get("name").and_then(Value::as_str).unwrap_or_default();
        let place = drata.get("in").and_then(Value::as_str).unwrap_or_default();
        let schema = drata.get("schema").cloned().unwrap_or(json!({}));
        // The parameters every listing shares: the spec's own components
        // (v1 pages by `page` and `limit`, v2 by `cursor` and `size`).
        let shared = match (name, place) {
            ("page", "query") if is_default(&schema, 1) => Some("Page"),
            ("limit", "query") if schema.get("maximum") == Some(&json!(50)) && is_default(&schema, 20) => {
                Some("Limit")
            }
            ("cursor", "query") if schema.get("type") == Some(&json!("string")) => Some("Cursor"),
            ("size", "query") if schema.get("maximum") == Some(&json!(500)) && is_default(&schema, 50) => {
                Some("Size")
            }
            ("includeTotalCount", "query") => Some("IncludeTotalCount"),
            ("sortDir", "query") => Some("SortDir"),
            _ => None,
        };
        if let Some(shared) =
            shared.filter(|shared| self.ours.pointer(&format!("/components/parameters/{shared}")).is_some())
        {
            return Ok(json!({"$ref": format!("#/components/parameters/{shared}")}));
        }
        let mut out = Map::new();
        out.insert("name".into(), json!(name));
        out.insert("in".into(), json!(place));
        let required = drata.get("required").and_then(Value::as_bool).unwrap_or(place == "path");
        if required {
            out.insert("required".into(), json!(true));
        }
        if let Some(words) = parameter_words(name) {
            out.insert("description".into(), json!(words));
        }
        let mut schema = self.schema(&schema, Side::Request, name, "")?;
        // A path parameter that is a number or text (`37`, `code:DCF-37`,
        // `email:…`) is the `Id` schema: what a record's id is in answers,
        // so that one can be passed back as it came.
        if place == "path" && is_number_or_text(&schema) {
            schema = json!({"$ref": "#/components/schemas/Id"});
        }
        if place == "path"
            && is_whole(name)
            && let Some(map) = schema.as_object_mut()
            && map.get("type").and_then(Value::as_str) == Some("integer")
        {
            map.insert("minimum".into(), json!(1));
        }
        out.insert("schema".into(), schema);
        Ok(Value::Object(out))
    }

    /// Our form of a schema of Drata's, reached on `side` as the value of
    /// the field `field` (empty when it is none) of our component `context`.
    fn schema(&mut self, schema: &Value, side: Side, field: &str, context: &str) -> Result<Value, String> {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let name = reference.rsplit('/').next().unwrap_or_default().to_string();
            let ours = self.component(&name, side)?;
            let target = json!({"$ref": format!("#/components/schemas/{ours}")});
            return Ok(if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
                nullable(target)
            } else {
                target
            });
        }
        let mut map: Map<String, Value> = schema
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(k, _)| !matches!(k.as_str(), "description" | "example" | "examples" | "title"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        // `nullable` beside `allOf: [X]`: `anyOf: [X, JsonNull]`.
        if let Some(Value::Array(parts)) = map.get("allOf").cloned()
            && let [one] = parts.as_slice()
        {
            let inner = self.schema(one, side, field, context)?;
            let nullable_here = map.get("nullable").and_then(Value::as_bool) == Some(true);
            return Ok(if nullable_here { nullable(inner) } else { json!({ "allOf": [inner] }) });
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            if let Some(Value::Array(options)) = map.get(key).cloned() {
                let options = options.iter().map(|o| self.schema(o, side, field, context)).collect::<Result<
                    Vec<_>,
                    _,
                >>(
                )?;
                map.insert(key.into(), Value::Array(options));
            }
        }
        if matches!(map.get("format").and_then(Value::as_str), Some("date-time" | "date")) {
            map.remove("format");
            map.insert("x-drata-timestamp".into(), json!(true));
        }
        if map.get("type").and_then(Value::as_str) == Some("number") && is_whole(field) {
            if side == Side::Answer && is_id(field) {
                let id = json!({"$ref": "#/components/schemas/Id"});
                return Ok(if map.get("nullable").and_then(Value::as_bool) == Some(true) {
                    nullable(id)
                } else {
                    id
                });
            }
            map.insert("type".into(), json!("integer"));
            map.insert("format".into(), json!("int64"));
        }
        if let Some(values) = map.get("enum").and_then(Value::as_array).cloned()
            && let Some(default) = map.get("default").cloned()
            && !values.contains(&default)
        {
            map.remove("default");
            map.insert(
                "x-drata-departure".into(),
                json!(format!("Drata's default, {default}, is not one of its values; left out.")),
            );
        }
        if let Some(items) = map.get("items").cloned() {
            // An item of `ownerIds` (or `ownerIds[]`) is an `ownerId`.
            let singular = field.trim_end_matches("[]");
            let item_field = singular.strip_suffix('s').unwrap_or(singular).to_string();
            map.insert("items".into(), self.schema(&items, side, &item_field, context)?);
        }
        if let Some(properties) = map.get("properties").and_then(Value::as_object).cloned() {
            let mut out = Map::new();
            for (name, property) in &properties {
                out.insert(name.clone(), self.schema(property, side, name, context)?);
            }
            map.insert("properties".into(), Value::Object(out));
            if side == Side::Request && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), json!(false));
            }
        }
        // An answer's enum is an open component of its own.
        if side == Side::Answer
            && map.contains_key("enum")
            && map.get("type").and_then(Value::as_str) == Some("string")
        {
            let nullable_here = map.remove("nullable") == Some(json!(true));
            if let Some(Value::Array(values)) = map.get_mut("enum") {
                values.retain(|v| !v.is_null());
            }
            map.insert("x-drata-open-enum".into(), json!(true));
            let enum_schema = Value::Object(map);
            // The same values elsewhere are the same enum.
            let same = self
                .schemas
                .iter()
                .find(|(_, s)| s.get("enum") == enum_schema.get("enum"))
                .map(|(n, _)| n.clone());
            let name = match same {
                Some(name) => name,
                None => {
                    let name = self.free_name(&format!("{context}{}", field.to_upper_camel_case()));
                    self.schemas.insert(name.clone(), enum_schema);
                    name
                }
            };
            let target = json!({"$ref": format!("#/components/schemas/{name}")});
            return Ok(if nullable_here { nullable(target) } else { target });
        }
        Ok(Value::Object(map))
    }

    /// Our name of Drata's component `name` on `side`, imported (with what
    /// it needs) unless the spec or this import has it already.
    fn component(&mut self, name: &str, side: Side) -> Result<String, String> {
        let drata = self
            .drata
            .pointer(&format!("/components/schemas/{name}"))
            .ok_or_else(|| format!("Drata's document has no schema `{name}`"))?;
        let is_enum = drata.get("enum").is_some();
        // An enum is one component for both sides; an object one per side.
        let key = (name.to_string(), is_enum || side == Side::Answer);
        if let Some(ours) = self.names.get(&key) {
            return Ok(ours.clone());
        }
        if let Some(ours) = self.existing(name) {
            self.names.insert(key, ours.clone());
            return Ok(ours);
        }
        let ours = self.free_name(&our_name(name, drata, side));
        self.names.insert(key, ours.clone());
        let mut schema = if is_enum {
            // An enum component: open, on either side (Drata adds values).
            let mut map: Map<String, Value> = drata
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(k, _)| matches!(k.as_str(), "type" | "enum"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            map.insert("x-drata-open-enum".into(), json!(true));
            Value::Object(map)
        } else {
            // Placed first: a schema may refer to itself.
            self.schemas.insert(ours.clone(), json!({}));
            self.schema(drata, side, "", &ours)?
        };
        if let Some(map) = schema.as_object_mut() {
            map.insert("x-drata-schema".into(), json!(name));
            // A page's items without a schema of their own get one, so that
            // the listing keeps them one by one.
            if (is_page(drata) || is_cursor_page(drata))
                && let Some(data) =
                    map.get_mut("properties").and_then(|p| p.get_mut("data")).and_then(Value::as_object_mut)
                && data.get("items").is_some_and(|items| items.get("$ref").is_none())
            {
                let item_name = format!("{}Item", ours.trim_end_matches("Page"));
                let item = data.remove("items").unwrap_or(json!({}));
                data.remove("additionalProperties");
                data.insert("items".into(), json!({"$ref": format!("#/components/schemas/{item_name}")}));
                self.schemas.insert(item_name, item);
            }
        }
        self.schemas.insert(ours.clone(), schema);
        Ok(ours)
    }

    /// The spec's schema for Drata's `name` (its `x-drata-schema` names it).
    fn existing(&self, name: &str) -> Option<String> {
        if name.starts_with("ExceptionResponse") {
            return Some("ExceptionResponse".into());
        }
        let schemas = self.ours.pointer("/components/schemas").and_then(Value::as_object)?;
        schemas
            .iter()
            .find(|(_, s)| {
                s.get("x-drata-schema")
                    .and_then(Value::as_str)
                    .is_some_and(|names| names.split([',', ' ', '\n']).any(|n| n.trim() == name))
            })
            .map(|(ours, _)| ours.clone())
    }

    /// `wanted`, or `wanted2`… when the spec or this import has it.
    fn free_name(&self, wanted: &str) -> String {
        let taken = |n: &str| {
            self.schemas.contains_key(n) || self.ours.pointer(&format!("/components/schemas/{n}")).is_some()
        };
        if !taken(wanted) {
            return wanted.to_string();
        }
        (2..).map(|i| format!("{wanted}{i}")).find(|n| !taken(n)).unwrap_or_else(|| wanted.to_string())
    }

    /// The error answers the operations use that the spec lacks.
    fn missing_responses(&self) -> BTreeMap<String, Value> {
        let mut out = BTreeMap::new();
        for (status, name) in ERROR_RESPONSES {
            if self.ours.pointer(&format!("/components/responses/{name}")).is_none() {
                let reason = http_reason(status);
                out.insert(
                    (*name).to_string(),
                    json!({"description": reason, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ExceptionResponse"}}}}),
                );
            }
        }
        out
    }
}

fn http_reason(status: &str) -> &'static str {
    match status {
        "409" => "Conflict with the record's current state",
        "413" => "The file is too large",
        "422" => "The request cannot be processed",
        "503" => "Service unavailable",
        _ => "Error",
    }
}

/// Our name of Drata's schema `name`: its suffixes off, `…Page` for a
/// listing's page, `…Request` kept for a request's body.
fn our_name(name: &str, schema: &Value, side: Side) -> String {
    let mut base = name.to_string();
    for suffix in ["PublicV2Dto", "PublicDto", "Dto", "Public", "Enum"] {
        if let Some(stripped) = base.strip_suffix(suffix)
            && !stripped.is_empty()
        {
            base = stripped.to_string();
        }
    }
    if let Some(stripped) = base.strip_suffix("Response")
        && !stripped.is_empty()
    {
        base = stripped.to_string();
    }
    if is_page(schema) || is_cursor_page(schema) {
        return format!("{base}Page");
    }
    if side == Side::Request && !base.ends_with("Request") && schema.get("properties").is_some() {
        return format!("{base}Request");
    }
    base
}

/// How an operation of Drata's pages, if it is a listing: `page` for a
/// `page` query parameter and an answer that is a page (`data`, `page`,
/// `limit`, `total`), `cursor` for a `cursor` one and an answer with `data`
/// and `pagination` (v2; three of v2's single-record reads take `cursor`
/// too, and are no listings).
fn listing_style(document: &Value, operation: &Value) -> Option<&'static str> {
    let takes = |name: &str| {
        parameters_of(document, operation).any(|p| {
            p.get("name").and_then(Value::as_str) == Some(name)
                && p.get("in").and_then(Value::as_str) == Some("query")
        })
    };
    let answer = operation
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .find(|(status, _)| status.starts_with('2'))
        .and_then(|(_, r)| resolve(document, r).pointer("/content/application~1json/schema"))
        .map(|schema| resolve(document, schema));
    match answer {
        Some(answer) if takes("page") && is_page(answer) => Some("page"),
        Some(answer) if takes("cursor") && is_cursor_page(answer) => Some("cursor"),
        _ => None,
    }
}

/// Whether a schema is a cursor listing's page: `data` and `pagination`.
fn is_cursor_page(schema: &Value) -> bool {
    ["data", "pagination"].iter().all(|f| schema.pointer(&format!("/properties/{f}")).is_some())
}

/// Whether a schema is a listing's page: `data`, `page`, `limit`, `total`.
fn is_page(schema: &Value) -> bool {
    ["data", "page", "limit", "total"].iter().all(|f| schema.pointer(&format!("/properties/{f}")).is_some())
}

fn is_default(schema: &Value, value: i64) -> bool {
    schema.get("default").and_then(Value::as_i64) == Some(value)
}

/// Whether a field of this name holds an id.
fn is_id(field: &str) -> bool {
    field == "id" || field.ends_with("Id") || field.ends_with("ID") || field.ends_with("_id")
}

/// Whether a field of this name holds a whole number: an id, a page's
/// numbers, a status or error code, a count.
fn is_whole(field: &str) -> bool {
    is_id(field)
        || matches!(field, "page" | "limit" | "total" | "statusCode" | "code" | "size")
        || field.ends_with("Count")
        || field.starts_with("total")
        || field.starts_with("num")
}

/// Whether a schema is `oneOf` a whole number (or number) and text.
fn is_number_or_text(schema: &Value) -> bool {
    let Some(Value::Array(options)) = schema.get("oneOf") else { return false };
    let types: Vec<&str> = options.iter().filter_map(|o| o.get("type").and_then(Value::as_str)).collect();
    options.len() == 2
        && types.contains(&"string")
        && (types.contains(&"integer") || types.contains(&"number"))
}

/// `anyOf: [X, JsonNull]`.
fn nullable(schema: Value) -> Value {
    json!({"anyOf": [schema, {"$ref": "#/components/schemas/JsonNull"}]})
}

/// A summary from an operation's name: `listVendorQuestionnaires` →
/// `List vendor questionnaires`.
fn sentence(name: &str) -> String {
    let words = name.to_title_case().to_lowercase();
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// What an imported operation's description says: what it needs.
fn description(summary: &str, drata: &Value) -> String {
    let permissions: Vec<String> = drata
        .get("x-drata-permissions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|p| format!("`{p}`"))
        .collect();
    let mut out = format!("{summary}.");
    if !permissions.is_empty() {
        out.push_str(&format!(" The API key needs the permission {}.", permissions.join(" and ")));
    }
    if let Some(entitlement) = drata.get("x-drata-entitlement").and_then(Value::as_str) {
        out.push_str(&format!(" The account needs the `{entitlement}` feature (else 402)."));
    }
    out
}

/// Our words for the parameters every listing shares.
fn parameter_words(name: &str) -> Option<&'static str> {
    Some(match name {
        "q" => "Text to search for.",
        "sort" => "The field to order by.",
        _ => return None,
    })
}

/// `text` with a path item for `path` added: under the existing key when
/// the spec has the path, else before `components:`.
fn insert_path(text: &str, path: &str, item: &Value) -> Result<String, String> {
    let key = format!("  {path}:");
    let yaml = indented(item, 4)?;
    if let Some(at) = text.lines().position(|line| line == key) {
        let mut lines: Vec<&str> = text.lines().collect();
        lines.insert(at + 1, yaml.trim_end_matches('\n'));
        return Ok(lines.join("\n") + "\n");
    }
    let components =
        text.find("\ncomponents:\n").ok_or("the spec has no `components:` at the start of a line")?;
    let block = format!("\n\n{key}\n{}", yaml.trim_end());
    Ok(format!("{}{block}{}", &text[..components], &text[components..]))
}

/// `text` with `entries` added at the end of `components/<section>`.
fn insert_components(text: &str, section: &str, entries: &BTreeMap<String, Value>) -> Result<String, String> {
    if entries.is_empty() {
        return Ok(text.to_string());
    }
    let header = format!("\n  {section}:\n");
    let start =
        text.find(&header).ok_or_else(|| format!("the spec has no `components/{section}`"))? + header.len();
    // The section ends at the next key of `components` (two spaces in) or the end.
    let end = text[start..]
        .match_indices('\n')
        .map(|(i, _)| start + i + 1)
        .find(|&i| {
            let line = &text[i..];
            line.starts_with("  ") && !line.starts_with("   ") && !line.starts_with("  #")
        })
        .unwrap_or(text.len());
    let mut block = String::new();
    for (name, value) in entries {
        block.push_str(&format!("\n    {name}:\n{}", indented(value, 6)?));
    }
    Ok(format!("{}{block}\n{}", text[..end].trim_end_matches('\n').to_string() + "\n", &text[end..]))
}

/// `value` as YAML, every line indented by `spaces`.
fn indented(value: &Value, spaces: usize) -> Result<String, String> {
    let yaml = serde_yaml::to_string(value).map_err(|e| e.to_string())?;
    let pad = " ".repeat(spaces);
    Ok(yaml.lines().map(|line| format!("{pad}{line}\n")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_summaries_are_made_from_drata_s() {
        assert_eq!(sentence("listVendorQuestionnaires"), "List vendor questionnaires");
        let page = json!({"properties": {"data": {}, "page": {}, "limit": {}, "total": {}}});
        assert_eq!(our_name("VendorsResponsePublicDto", &page, Side::Answer), "VendorsPage");
        let object = json!({"properties": {"name": {}}});
        assert_eq!(our_name("VendorResponsePublicDto", &object, Side::Answer), "Vendor");
        assert_eq!(our_name("CreateVendorRequestPublicDto", &object, Side::Request), "CreateVendorRequest");
        assert_eq!(our_name("VendorRiskEnum", &json!({"enum": ["LOW"]}), Side::Answer), "VendorRisk");
        assert!(is_whole("ownerId") && is_whole("total") && is_whole("appsCount") && !is_whole("amount"));
    }

    #[test]
    fn a_v2_listing_pages_by_cursor_and_a_number_or_text_path_parameter_is_an_id() {
        let document = json!({"components": {"schemas": {
            "VendorsResponsePublicV2Dto": {"properties": {"data": {}, "pagination": {}}},
            "VendorResponsePublicV2Dto": {"properties": {"id": {}}}
        }}});
        let operation = |answer: &str| {
            json!({"parameters": [{"name": "cursor", "in": "query"}], "responses": {"200": {"content": {
                "application/json": {"schema": {"$ref": format!("#/components/schemas/{answer}")}}}}}})
        };
        assert_eq!(listing_style(&document, &operation("VendorsResponsePublicV2Dto")), Some("cursor"));
        // A single record read that takes `cursor` by mistake is no listing.
        assert_eq!(listing_style(&document, &operation("VendorResponsePublicV2Dto")), None);
        let page = document.pointer("/components/schemas/VendorsResponsePublicV2Dto").expect("page");
        assert_eq!(our_name("VendorsResponsePublicV2Dto", page, Side::Answer), "VendorsPage");
        assert!(is_number_or_text(&json!({"oneOf": [{"type": "number"}, {"type": "string"}]})));
        assert!(is_number_or_text(&json!({"oneOf": [{"type": "string"}, {"type": "integer"}]})));
        assert!(!is_number_or_text(&json!({"oneOf": [{"type": "string"}, {"type": "boolean"}]})));
        assert!(!is_number_or_text(&json!({"type": "string"})));
    }

    #[test]
    fn a_path_goes_before_the_components_and_a_schema_at_the_end_of_its_section() {
        let text = "paths:\n  /a:\n    get: {}\ncomponents:\n  schemas:\n    A: {}\n  examples:\n    E: {}\n";
        let with_path = insert_path(text, "/b", &json!({"get": {"operationId": "b"}})).expect("inserted");
        assert_eq!(
            with_path,
            "paths:\n  /a:\n    get: {}\n\n  /b:\n    get:\n      operationId: b\ncomponents:\n  schemas:\n    A: {}\n  examples:\n    E: {}\n"
        );
        let schemas = BTreeMap::from([("B".to_string(), json!({"type": "object"}))]);
        let with_schema = insert_components(text, "schemas", &schemas).expect("inserted");
        assert!(
            with_schema.contains("    A: {}\n\n    B:\n      type: object\n\n  examples:"),
            "{with_schema}"
        );
        let beside = insert_path(text, "/a", &json!({"put": {"operationId": "c"}})).expect("inserted");
        assert!(
            beside.starts_with("paths:\n  /a:\n    put:\n      operationId: c\n    get: {}\n"),
            "{beside}"
        );
    }
}
