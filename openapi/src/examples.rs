//! An operation's example request and answer, from the document alone: what
//! the generated contract tests send and expect, and what `drata demo`
//! sends to reach every operation.
//!
//! A parameter's value is its `example`, else the first of its values (an
//! enum), else its `default`, else its smallest value (`1` for an id), else
//! `example`. A JSON body is the first example of the request body. An
//! answer is the first example of the first success status.

use serde_json::Value;

use crate::document;

/// An example request of an operation of the document.
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleRequest {
    /// The path with every path parameter filled in (not percent-encoded).
    pub path: String,
    /// Every parameter, path and query, by name, with its example as text.
    pub params: Vec<(String, String)>,
    /// The first example of its JSON body, if it has one.
    pub body: Option<Value>,
}

/// The example request of `method` `path` (a path template of the document),
/// or `None` when the document has no such operation.
///
/// ```
/// let request = drata_openapi::example_request("PUT", "/user-identities/version-control/{id}/toggle").unwrap();
/// assert_eq!(request.path, "/user-identities/version-control/1/toggle");
/// assert_eq!(request.params, [("id".to_string(), "1".to_string())]);
/// assert!(request.body.is_some());
/// ```
pub fn example_request(method: &str, path: &str) -> Option<ExampleRequest> {
    let spec = document();
    let entry = operation(spec, method, path)?;
    let mut filled = path.to_string();
    let mut params = Vec::new();
    for declared in parameters(spec, path, entry) {
        let (Some(name), Some(location)) =
            (declared.get("name").and_then(Value::as_str), declared.get("in").and_then(Value::as_str))
        else {
            continue;
        };
        if location != "path" && location != "query" {
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
        .and_then(|media| first_example(spec, media));
    Some(ExampleRequest { path: filled, params, body })
}

/// The status and first example of `method` `path`'s success answer (`{}`
/// when the document gives none), or `None` without a success answer.
///
/// ```
/// let (status, answer) = drata_openapi::example_answer("GET", "/connections").unwrap();
/// assert_eq!(status, 200);
/// assert!(answer["data"].is_array());
/// ```
pub fn example_answer(method: &str, path: &str) -> Option<(u16, Value)> {
    let spec = document();
    let entry = operation(spec, method, path)?;
    let responses = entry.get("responses")?.as_object()?;
    let (status, response) = responses.iter().find(|(status, _)| status.starts_with('2'))?;
    let example = resolve(spec, response)
        .pointer("/content/application~1json")
        .and_then(|media| first_example(spec, media))
        .unwrap_or_else(|| Value::Object(serde_json::Map::new()));
    Some((status.parse().ok()?, example))
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
    let mut schema = declared.get("schema").map_or(&Value::Null, |s| resolve(spec, s));
    if schema.get("type").and_then(Value::as_str) == Some("array") {
        schema = schema.get("items").map_or(&Value::Null, |s| resolve(spec, s));
    }
    if let Some(first) = schema.get("enum").and_then(Value::as_array).and_then(|values| values.first()) {
        return text(first);
    }
    if let Some(default) = schema.get("default") {
        return text(default);
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("integer" | "number") => schema.get("minimum").map_or_else(|| "1".to_string(), text),
        Some("boolean") => "true".into(),
        _ => "example".into(),
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
