//! The contract test of one operation, from the spec alone: its example
//! parameters and body go out through the client ([`drata::Client::call`]),
//! and the test checks the exact request on the wire (method, path, query,
//! body, headers) and that the operation's documented answer decodes as its
//! type. `tests/build.rs` writes one test per operation of the spec
//! (`tests/tests/spec_contracts.rs`), so a new operation is tested the
//! moment it is in the spec.

use drata::{BodyKind, Operation, ParameterKind, ParameterLocation};
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{TEST_KEY, client_for, csv_file};

/// Runs the contract test of `operation`; panics naming what differs.
pub async fn check(operation: &'static Operation) {
    let spec = drata_openapi::document();
    let entry = spec
        .pointer(&format!(
            "/paths/{}/{}",
            pointer_token(operation.path),
            operation.method.as_str().to_lowercase()
        ))
        .unwrap_or_else(|| panic!("{} is not in the spec", operation.describe()));

    // The example of each parameter, as text and as sent.
    let mut sent_path = operation.path.to_string();
    let mut expected_query = Vec::new();
    let mut params = Vec::new();
    for parameter in operation.parameters {
        let declared = declared_parameter(spec, entry, parameter.name);
        let value = example_value(spec, declared, parameter);
        match parameter.location {
            ParameterLocation::Path => {
                sent_path = sent_path.replace(&format!("{{{}}}", parameter.name), &value);
            }
            ParameterLocation::Query => expected_query.push((parameter.name.to_string(), value.clone())),
        }
        params.push((parameter.name, value));
    }

    let answer = success_example(spec, entry).unwrap_or_else(|| Value::Object(Default::default()));
    let server = MockServer::start().await;
    Mock::given(method(operation.method.as_str()))
        .and(path(format!("/public{sent_path}")))
        .respond_with(ResponseTemplate::new(operation.success).set_body_json(&answer))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server.uri());
    let mut call = client.call(operation);
    for (name, value) in &params {
        call = call.param(*name, value.as_str());
    }
    let body = request_example(spec, entry);
    let csv = csv_file("1,Ada,Lovelace,ada@example.com,,no,yes,Engineer\n");
    match operation.body {
        BodyKind::Json => {
            let body =
                body.clone().unwrap_or_else(|| panic!("{}: the spec has no request example", operation.id));
            call = call.body(body);
        }
        BodyKind::Multipart => call = call.file(&*csv),
        BodyKind::None => {}
    }
    let received = call.send().await.unwrap_or_else(|e| panic!("{}: {e}", operation.id));

    // The request on the wire.
    let requests = server.received_requests().await.unwrap_or_default();
    let [request] = requests.as_slice() else { panic!("{}: {} requests", operation.id, requests.len()) };
    let query: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    assert_eq!(query, expected_query, "{}: the query", operation.id);
    let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    assert_eq!(header("authorization"), Some(format!("Bearer {TEST_KEY}")), "{}", operation.id);
    assert_eq!(header("accept").as_deref(), Some("application/json"), "{}", operation.id);
    match operation.body {
        BodyKind::Json => {
            assert_eq!(header("content-type").as_deref(), Some("application/json"), "{}", operation.id);
            let sent: Value = serde_json::from_slice(&request.body).expect("a JSON body");
            assert_eq!(Some(sent), body, "{}: the body is the example", operation.id);
        }
        BodyKind::Multipart => {
            let content_type = header("content-type").unwrap_or_default();
            assert!(
                content_type.starts_with("multipart/form-data; boundary="),
                "{}: {content_type}",
                operation.id
            );
            let sent = String::from_utf8_lossy(&request.body);
            assert!(sent.contains("name=\"file\""), "{}: the part is `file`", operation.id);
        }
        BodyKind::None => assert!(request.body.is_empty(), "{}: no body", operation.id),
    }

    // The answer, as sent and as its type reads it.
    assert_eq!((received.status(), &*received), (operation.success, &answer), "{}", operation.id);
    if let Some(schema) = operation.answer_schema {
        let typed = drata::types::schemas::roundtrip(schema, answer.clone());
        assert_eq!(
            typed.map(|r| r.map_err(|e| e.to_string())),
            Some(Ok(answer)),
            "{}: as `{schema}`",
            operation.id
        );
    }
}

fn pointer_token(text: &str) -> String {
    text.replace('~', "~0").replace('/', "~1")
}

fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
        Some(pointer) => spec.pointer(pointer).unwrap_or(value),
        None => value,
    }
}

/// The parameter's declaration in the spec (the operation's or the path's).
fn declared_parameter<'a>(spec: &'a Value, entry: &'a Value, name: &str) -> &'a Value {
    entry
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| resolve(spec, p))
        .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
        .unwrap_or(&Value::Null)
}

/// The parameter's `example`, or one its schema allows.
fn example_value(spec: &Value, declared: &Value, parameter: &drata::Parameter) -> String {
    if let Some(example) = declared.get("example") {
        return match example {
            Value::String(text) => text.clone(),
            Value::Array(items) => items.first().map(text_of).unwrap_or_default(),
            other => other.to_string(),
        };
    }
    let schema = declared.get("schema").map(|s| resolve(spec, s));
    let default = schema.and_then(|s| s.get("default")).map(text_of);
    match (parameter.values.first(), parameter.kind) {
        (Some(first), _) => first.to_string(),
        (None, ParameterKind::Integer) => {
            default.unwrap_or_else(|| parameter.minimum.unwrap_or(1).to_string())
        }
        (None, ParameterKind::Boolean) => "true".into(),
        (None, ParameterKind::String) => default.unwrap_or_else(|| "example".into()),
    }
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The first example of a JSON request body.
fn request_example(spec: &Value, entry: &Value) -> Option<Value> {
    let media = resolve(spec, entry.get("requestBody")?).pointer("/content/application~1json")?;
    first_example(spec, media)
}

/// The first example of the success answer.
fn success_example(spec: &Value, entry: &Value) -> Option<Value> {
    let responses = entry.get("responses")?.as_object()?;
    let (_, response) = responses.iter().find(|(status, _)| status.starts_with('2'))?;
    let media = resolve(spec, response).pointer("/content/application~1json")?;
    first_example(spec, media)
}

fn first_example(spec: &Value, media: &Value) -> Option<Value> {
    if let Some(example) = media.get("example") {
        return Some(example.clone());
    }
    let examples = media.get("examples")?.as_object()?;
    resolve(spec, examples.values().next()?).get("value").cloned()
}
