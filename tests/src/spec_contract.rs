//! The contract test of one operation, from the spec alone: its example
//! parameters and body go out through the client ([`drata::Client::call`]),
//! and the test checks the exact request on the wire (method, path, query,
//! body, headers) and that the operation's documented answer decodes as its
//! type. `tests/build.rs` writes one test per operation of the spec
//! (`tests/tests/spec_contracts.rs`), so a new operation is tested the
//! moment it is in the spec.

use drata::{BodyKind, Operation, ParameterLocation};
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{TEST_KEY, client_for, csv_file};

/// Runs the contract test of `operation`; panics naming what differs.
pub async fn check(operation: &'static Operation) {
    // The path from the API root: a v2 operation's starts `/v2`.
    let template = format!("{}{}", operation.root, operation.path);
    let example = drata_openapi::example_request(operation.method.as_str(), &template)
        .unwrap_or_else(|| panic!("{} is not in the spec", operation.describe()));
    let expected_query: Vec<(String, String)> = example
        .params
        .iter()
        .filter(|(name, _)| operation.parameter(name).is_some_and(|p| p.location == ParameterLocation::Query))
        .cloned()
        .collect();
    let (_, answer) = drata_openapi::example_answer(operation.method.as_str(), &template)
        .unwrap_or_else(|| panic!("{}: no success answer", operation.id));
    let sent_path = example.path.clone();
    let server = MockServer::start().await;
    Mock::given(method(operation.method.as_str()))
        .and(path(format!("/public{sent_path}")))
        .respond_with(ResponseTemplate::new(operation.success[0]).set_body_json(&answer))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server.uri());
    let mut call = client.call(operation);
    for (name, value) in &example.params {
        call = call.param(name.as_str(), value.as_str());
    }
    let body = example.body.clone();
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
    for (name, value) in &example.params {
        if operation.parameter(name).is_some_and(|p| p.location == drata::ParameterLocation::Header) {
            assert_eq!(
                header(name).as_deref(),
                Some(value.as_str()),
                "{}: the header `{name}`",
                operation.id
            );
        }
    }
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
            // The file goes as the form's file part.
            let part = match operation.form_shape {
                Some(drata::Shape::Object(form)) => form
                    .properties
                    .iter()
                    .find(|p| matches!(p.shape, drata::Shape::File) || matches!(p.shape, drata::Shape::Array(list) if matches!(list.items, drata::Shape::File)))
                    .map_or("file", |p| p.name),
                _ => "file",
            };
            let sent = String::from_utf8_lossy(&request.body);
            assert!(sent.contains(&format!("name=\"{part}\"")), "{}: the part is `{part}`", operation.id);
        }
        BodyKind::None => assert!(request.body.is_empty(), "{}: no body", operation.id),
    }

    // The answer, as sent and as its type reads it.
    assert_eq!((received.status(), &*received), (operation.success[0], &answer), "{}", operation.id);
    if let Some(schema) = operation.answer_schema {
        let typed = match operation.root {
            "/v2" => drata::v2::types::schemas::roundtrip(schema, answer.clone()),
            _ => drata::types::schemas::roundtrip(schema, answer.clone()),
        };
        assert_eq!(
            typed.map(|r| r.map_err(|e| e.to_string())),
            Some(Ok(answer)),
            "{}: as `{schema}`",
            operation.id
        );
    }
}
