//! What each error says and answers, exactly: the text a person reads, the
//! accessors a program reads, for every kind of failure.

use std::time::Duration;

use drata::types::ToggleVersionControlIdentityRequest;
use drata::{Error, RetryPolicy};
use drata_tests::raw::{Act, RawServer, answer, json_answer};
use drata_tests::{builder_for, client_without_retries};

fn toggle() -> ToggleVersionControlIdentityRequest {
    ToggleVersionControlIdentityRequest { toggle: true, toggle_field: None }
}

#[tokio::test]
async fn a_429_names_the_wait_drata_asks_for() {
    let body = r#"{"statusCode":429,"message":"ThrottlerException: Too Many Requests","code":10029}"#;
    let server = RawServer::start(move |_| {
        Act::Answer(answer(429, "application/json", "retry-after: 7\r\n", body.as_bytes()))
    })
    .await;
    let error = client_without_retries(&server.uri).list_connections().send().await.expect_err("429");
    let Error::Api(api) = &error else { panic!("{error:?}") };
    assert_eq!((api.status, api.retry_after, api.attempts), (429, Some(Duration::from_secs(7)), 1));
    assert_eq!(
        error.to_string(),
        "GET /connections: Drata answered 429 Too Many Requests: ThrottlerException: Too Many Requests (code 10029). Rate limited: Drata asks to wait 7 s before retrying (it allows 500 requests per minute per IP)."
    );
    assert_eq!((error.status(), error.attempts()), (Some(429), Some(1)));
    assert!(!error.is_invalid_input() && !error.is_timeout());
}

#[tokio::test]
async fn waits_are_worded_in_whole_seconds_from_one_second_up() {
    let body = r#"{"statusCode":429,"message":"slow down","code":10029}"#;
    let server = RawServer::start(move |_| {
        Act::Answer(answer(429, "application/json", "retry-after: 1\r\n", body.as_bytes()))
    })
    .await;
    let error = client_without_retries(&server.uri).list_connections().send().await.expect_err("429");
    let Error::Api(api) = &error else { panic!("{error:?}") };
    assert_eq!(
        api.hint().as_deref(),
        Some(
            "Rate limited: Drata asks to wait 1 s before retrying (it allows 500 requests per minute per IP)."
        )
    );
}

#[tokio::test]
async fn a_retried_error_counts_its_attempts_and_a_single_one_does_not_say_so() {
    let body = r#"{"statusCode":503,"message":"busy","code":10500}"#;
    let server = RawServer::start(move |_| Act::Answer(json_answer(503, body))).await;
    let client = builder_for(&server.uri)
        .retry(RetryPolicy::default().max_attempts(2).base_delay(Duration::from_millis(1)))
        .build()
        .expect("client");
    let twice = client.toggle_version_control_identity().id(3).body(toggle()).send().await.expect_err("503");
    assert_eq!(
        twice.to_string(),
        "PUT /user-identities/version-control/3/toggle: Drata answered 503 Service Unavailable: busy (code 10500, after 2 attempts). Drata had a server error; retry later."
    );
    let once = client_without_retries(&server.uri)
        .toggle_version_control_identity()
        .id(3)
        .body(toggle())
        .send()
        .await
        .expect_err("503");
    assert_eq!(
        once.to_string(),
        "PUT /user-identities/version-control/3/toggle: Drata answered 503 Service Unavailable: busy (code 10500). Drata had a server error; retry later."
    );
    assert_eq!((twice.attempts(), once.attempts()), (Some(2), Some(1)));
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn decode_and_unexpected_status_errors_keep_their_status() {
    let server = RawServer::start(|n| {
        Act::Answer(match n {
            0 => json_answer(200, r#"{"data":[],"page":"one","limit":20,"total":0}"#),
            1 => answer(204, "application/json", "", b""),
            _ => answer(304, "application/json", "", b""),
        })
    })
    .await;
    let client = client_without_retries(&server.uri);
    let decode = client.list_connections().send().await.expect_err("bad page");
    assert!(matches!(&decode, Error::Decode { path, .. } if path == "page"), "{decode:?}");
    assert_eq!(decode.status(), Some(200));
    assert!(
        decode.to_string().starts_with(
            "GET /connections: Drata's answer (200 OK) does not have the documented shape at `page`: "
        ),
        "{decode}"
    );
    // Any 2xx is a success, read as the operation's answer: no body is not a page.
    let empty = client.list_connections().send().await.expect_err("204");
    assert!(matches!(&empty, Error::Decode { status: 204, .. }), "{empty:?}");
    assert_eq!(
        empty.to_string(),
        "GET /connections: Drata's answer (204 No Content) does not have the documented shape at `$`: there is no body, where the operation documents one; the body starts with: (empty)"
    );
    let unexpected = client.list_connections().send().await.expect_err("304");
    assert_eq!((unexpected.status(), unexpected.attempts()), (Some(304), Some(1)));
    assert_eq!(
        unexpected.to_string(),
        "GET /connections: Drata answered with the unexpected status 304 Not Modified after 1 attempt(s); the body starts with: (empty)"
    );
    assert!(!decode.is_invalid_input() && !unexpected.is_invalid_input());
}

#[tokio::test]
async fn a_refused_connection_names_the_failure_and_has_no_status() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let client = builder_for(&format!("http://127.0.0.1:{port}"))
        .retry(RetryPolicy::default().max_attempts(2).base_delay(Duration::from_millis(1)))
        .build()
        .expect("client");
    let error = client.list_connections().send().await.expect_err("refused");
    let Error::Transport { attempts, timeout, .. } = &error else { panic!("{error:?}") };
    assert_eq!((*attempts, *timeout, error.attempts()), (2, None, Some(2)));
    let text = error.to_string();
    assert!(text.starts_with("GET /connections: could not connect to Drata: "), "{text}");
    assert!(text.ends_with("(2 attempt(s)); check the network, the base URL and the region"), "{text}");
    assert_eq!(error.status(), None);
    assert!(!error.is_invalid_input() && !error.is_timeout());

    // A create that could not connect cannot have been acted on: it is
    // retried, and it is a plain transport error, not an unknown outcome.
    let personnel: drata::types::PersonnelImport =
        serde_json::from_value(drata_tests::fixture_json("PersonnelImport")).expect("sample");
    let error = client.create_idp_connection_from_json().body(personnel).send().await.expect_err("refused");
    assert!(matches!(&error, Error::Transport { attempts: 2, .. }), "{error:?}");
}

#[tokio::test]
async fn a_403_outside_the_spec_gets_the_general_advice_and_drata_s_error_name() {
    let body =
        r#"{"statusCode":403,"message":"Forbidden resource","code":10403,"name":"ForbiddenException"}"#;
    let server = RawServer::start(move |_| Act::Answer(json_answer(403, body))).await;
    // No operation of the spec has this path: no documented permission to name.
    let error = client_without_retries(&server.uri)
        .raw(drata::Method::Get, "/controls")
        .send()
        .await
        .expect_err("403");
    let Error::Api(api) = &error else { panic!("{error:?}") };
    assert_eq!(api.name(), Some("ForbiddenException"));
    assert_eq!(
        api.hint().as_deref(),
        Some("The API key lacks the permission this operation requires; edit the key's scopes in Drata.")
    );
    assert_eq!(
        error.to_string(),
        "GET /controls: Drata answered 403 Forbidden: Forbidden resource (code 10403, ForbiddenException). The API key lacks the permission this operation requires; edit the key's scopes in Drata."
    );
    assert_eq!((error.status(), error.attempts(), error.is_timeout()), (Some(403), Some(1), false));
}

#[tokio::test]
async fn drata_s_message_is_quoted_to_200_characters_and_kept_whole() {
    let long = format!("{}é{}", "x".repeat(199), "y".repeat(300_000));
    let body = serde_json::json!({"statusCode": 400, "message": long, "code": 10400}).to_string();
    let server = RawServer::start(move |_| Act::Answer(json_answer(400, &body))).await;
    let error = client_without_retries(&server.uri).list_connections().send().await.expect_err("400");
    let Error::Api(api) = &error else { panic!("{error:?}") };
    assert_eq!(api.message(), Some(long.as_str()), "whole for a program");
    assert!(api.message_is_cut());
    assert_eq!(
        error.to_string(),
        format!(
            "GET /connections: Drata answered 400 Bad Request: {}é… (300200 characters) (code 10400). Check the request against the operation's documentation.",
            "x".repeat(199)
        )
    );

    let exactly = "z".repeat(200);
    let body = serde_json::json!({"statusCode": 400, "message": exactly, "code": 10400}).to_string();
    let server = RawServer::start(move |_| Act::Answer(json_answer(400, &body))).await;
    let error = client_without_retries(&server.uri).list_connections().send().await.expect_err("400");
    let Error::Api(api) = &error else { panic!("{error:?}") };
    assert!(!api.message_is_cut());
    assert!(error.to_string().contains(&format!(": {exactly} (code 10400)")), "{error}");
}
