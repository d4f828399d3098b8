//! An operation's example request and answer, from the document alone: what
//! the generated contract tests send and expect, and what `drata demo`
//! sends to reach every operation.
//!
//! A parameter's value is its `example`, else the first of its values (an
//! enum), else its `default`, else its smallest value (`1` for an id), else
//! `example`. A JSON body is the first example of the request body, and an
//! answer the first example of the first success status; without one, a
//! value is made from the schema ([`example_of`]).

use serde_json::Value;

use crate::document;

/// An example request of an operation of the document.
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleRequest {
    /// The path with every path parameter filled in (not percent-encoded).
    pub path: String,
    /// Every parameter, path, query and header, by name, with its example as text.
    pub params: Vec<(String, String)>,
    /// The first example of its JSON body, if it has one.
    pub body: Option<Value>,
}

/// The example request of `method` `path` (a path template from the API
/// root: `/v2/…` for a v2 operation, see [`crate::locate`]), or `None` when
/// no document has such an operation. Its path is from the API root too.
///
/// ```
/// let request = drata_openapi::example_request("PUT", "/user-identities/version-control/{id}/toggle").unwrap();
/// assert_eq!(request.path, "/user-identities/version-control/1/toggle");
/// assert_eq!(request.params, [("id".to_string(), "1".to_string())]);
/// assert!(request.body.is_some());
/// ```
pub fn example_request(method: &str, full_path: &str) -> Option<ExampleRequest> {
    let (spec, path) = crate::locate(full_path);
    let entry = operation(spec, method, path)?;
    let mut filled = full_path.to_string();
    let mut params = Vec::new();
    for declared in parameters(spec, path, entry) {
        let (Some(name), Some(location)) =
            (declared.get("name").and_then(Value::as_str), declared.get("in").and_then(Value::as_str))
        else {
            continue;
        };
        if !matches!(location, "path" | "query" | "header") {
            continue;
        }
        let value = parameter_example(spec, declared);
        if location == "path" {
            filled = filled.replace(&format!("{{{name}}}"), &value);
        }
        params.push((name.to_string(), value));
    }
    let body = entry
        .get("requestBody")
        .map(|b| resolve(spec, b))
        .and_then(|b| b.pointer("/content/application~1json"))
        .map(|media| {
            first_example(spec, media).unwrap_or_else(|| {
                media.get("schema").map_or(Value::Null, |schema| made(spec, schema, Fields::Required, 0))
            })
        });
    Some(ExampleRequest { path: filled, params, body })
}

/// A skeleton of the JSON body of `method` `full_path` (from the API root;
/// v2's start `/v2`), made from its schema alone: every field, the
/// required ones first (where the JSON map keeps its order), each value
/// its schema's example, else its first enum value, else the smallest
/// value its type and bounds allow. `None` when it takes no JSON body.
///
/// ```
/// let body = drata_openapi::example_body("PUT", "/user-identities/version-control/{id}/toggle").unwrap();
/// assert_eq!(body["toggle"], true);
/// ```
pub fn example_body(method: &str, full_path: &str) -> Option<Value> {
    let (spec, path) = crate::locate(full_path);
    let entry = operation(spec, method, path)?;
    let schema = resolve(spec, entry.get("requestBody")?).pointer("/content/application~1json/schema")?;
    let made = made(spec, schema, Fields::All, 0);
    let Value::Object(fields) = made else { return Some(made) };
    let required = required_fields(resolve(spec, schema));
    let (first, rest): (Vec<_>, Vec<_>) =
        fields.into_iter().partition(|(name, _)| required.contains(&name.as_str()));
    Some(Value::Object(first.into_iter().chain(rest).collect()))
}

/// The status and first example of `method` `path`'s success answer
/// (`null` when it documents no body), or `None` without a success answer.
///
/// ```
/// let (status, answer) = drata_openapi::example_answer("GET", "/connections").unwrap();
/// assert_eq!(status, 200);
/// assert!(answer["data"].is_array());
/// ```
pub fn example_answer(method: &str, path: &str) -> Option<(u16, Value)> {
    let (spec, path) = crate::locate(path);
    let entry = operation(spec, method, path)?;
    let responses = entry.get("responses")?.as_object()?;
    let (status, response) = responses.iter().find(|(status, _)| status.starts_with('2'))?;
    let media = resolve(spec, response).pointer("/content/application~1json");
    let example = match media {
        Some(media) => first_example(spec, media).unwrap_or_else(|| {
            media.get("schema").map_or(Value::Null, |schema| made(spec, schema, Fields::All, 0))
        }),
        // No body documented: `null`, for none.
        None => Value::Null,
    };
    Some((status.parse().ok()?, example))
}

/// A value of `schema` (a schema of the document, or one that `$ref`s into
/// it) made from the schema alone: its first `example` or enum value where
/// it gives one, else the smallest value its type and bounds allow (`1`,
/// `true`, `example`, a timestamp, an email or a URL by its format), a list
/// of one item, an object with every field.
///
/// ```
/// let schema = serde_json::json!({"$ref": "#/components/schemas/ToggleVersionControlIdentityRequest"});
/// let value = drata_openapi::example_of(&schema);
/// assert_eq!(value["toggle"], true);
/// ```
pub fn example_of(schema: &Value) -> Value {
    made(document(), schema, Fields::All, 0)
}

/// Which fields a made object has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fields {
    /// Every field (an answer: the fuller, the better it shows).
    All,
    /// The required fields only (a request: the least that is valid).
    Required,
}

/// How deep a made value goes before objects are left empty (schemas can
/// refer to each other in a cycle).
const MAX_DEPTH: usize = 6;

fn made(spec: &Value, schema: &Value, fields: Fields, depth: usize) -> Value {
    let schema = resolve(spec, schema);
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            // The first option that is not `JsonNull`.
            let option =
                options.iter().find(|o| resolve(spec, o).get("enum") != Some(&serde_json::json!([null])));
            if let Some(option) = option {
                return made(spec, option, fields, depth);
            }
        }
    }
    if let Some(first) =
        schema.get("enum").and_then(Value::as_array).and_then(|v| v.iter().find(|v| !v.is_null()))
    {
        return first.clone();
    }
    let number = |key: &str| schema.get(key).and_then(Value::as_f64);
    match schema.get("type").and_then(Value::as_str) {
        Some("boolean") => Value::Bool(true),
        Some("integer") => Value::from(
            number("minimum")
                .map_or(1, |m| m.ceil() as i64)
                .max(1)
                .min(number("maximum").map_or(i64::MAX, |m| m as i64)),
        ),
        Some("number") => Value::from(
            number("minimum")
                .map_or(1, |m| m.ceil() as i64)
                .max(1)
                .min(number("maximum").map_or(i64::MAX, |m| m as i64)),
        ),
        Some("string") => {
            let text = if schema.get("x-drata-timestamp").and_then(Value::as_bool) == Some(true) {
                "2025-07-01T16:45:55.246Z".to_string()
            } else {
                match schema.get("format").and_then(Value::as_str) {
                    Some("email") => "ada@example.com".into(),
                    Some("uri" | "url") => "https://example.com/".into(),
                    Some("uuid") => "aaaaaaaa-bbbb-4000-8000-dddddddddddd".into(),
                    Some("date-time") => "2025-07-01T16:45:55.246Z".into(),
                    Some("date") => "2025-07-01".into(),
                    _ => "example".into(),
                }
            };
            let shortest = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
            let longest = schema.get("maxLength").and_then(Value::as_u64).map_or(usize::MAX, |m| m as usize);
            let mut text = text;
            while text.chars().count() < shortest {
                text.push('x');
            }
            Value::String(text.chars().take(longest).collect())
        }
        Some("array") => {
            let count = schema.get("minItems").and_then(Value::as_u64).unwrap_or(1).max(1) as usize;
            let item = schema.get("items").map_or(Value::Null, |items| made(spec, items, fields, depth + 1));
            Value::Array(vec![item; count])
        }
        _ => {
            let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
                // A map with any keys: one entry shows it.
                return serde_json::json!({"key": "example"});
            };
            let required = required_fields(schema);
            let mut out = serde_json::Map::new();
            for (name, property) in properties {
                let wanted = fields == Fields::All || required.contains(&name.as_str());
                // Deep down, required fields only: a cycle ends.
                if wanted && (depth < MAX_DEPTH || required.contains(&name.as_str())) {
                    if depth >= 2 * MAX_DEPTH {
                        break;
                    }
                    out.insert(name.clone(), made(spec, property, fields, depth + 1));
                }
            }
            Value::Object(out)
        }
    }
}

/// The names of an object schema's required fields (its `required`), in
/// order; none when it has none.
///
/// ```
/// let schema = serde_json::json!({"type": "object", "required": ["name", "risk"]});
/// assert_eq!(drata_openapi::required_fields(&schema), ["name", "risk"]);
/// ```
pub fn required_fields(schema: &Value) -> Vec<&str> {
    schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect()
}

fn operation<'a>(spec: &'a Value, method: &str, path: &str) -> Option<&'a Value> {
    spec.get("paths")?.get(path)?.get(method.to_ascii_lowercase())
}

/// The parameters of an operation: its path item's, then its own.
fn parameters<'a>(spec: &'a Value, path: &str, entry: &'a Value) -> Vec<&'a Value> {
    let shared = spec.pointer(&format!("/paths/{}/parameters", path.replace('~', "~0").replace('/', "~1")));
    [shared, entry.get("parameters")]
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .map(|p| resolve(spec, p))
        .collect()
}

fn parameter_example(spec: &Value, declared: &Value) -> String {
    if let Some(example) = declared.get("example") {
        return match example {
            Value::Array(items) => items.first().map(text).unwrap_or_default(),
            other => text(other),
        };
    }
    // A value made from the schema: an array's first item.
    match declared.get("schema").map(|schema| made(spec, schema, Fields::Required, 0)) {
        Some(Value::Array(items)) => items.first().map(text).unwrap_or_default(),
        Some(Value::Null) | None => "example".into(),
        Some(other) => text(&other),
    }
}

fn first_example(spec: &Value, media: &Value) -> Option<Value> {
    if let Some(example) = media.get("example") {
        return Some(example.clone());
    }
    let examples = media.get("examples")?.as_object()?;
    resolve(spec, examples.values().next()?).get("value").cloned()
}

fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Follows a local `$ref`, if any.
fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
        Some(pointer) => spec.pointer(pointer).unwrap_or(value),
        None => value,
    }
}
