//! The client's runtime against a local server: retries, Retry-After, what is
//! never retried, deadlines, pagination, decode errors. (That the API key
//! never shows in logs or errors is `logs.rs`.)

use std::time::{Duration, Instant};

use drata::types::{ConnectionState, Id, ToggleVersionControlIdentityRequest};
use drata::{ConnectionFilter, Error, RetryPolicy};
use drata_tests::{builder_for, client_for, client_without_retries, csv_file, csv_text};
use futures::TryStreamExt;
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn error_body(status: u16, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_json(json!({"statusCode": status, "message": message, "code": 10000}))
}

fn empty_page() -> serde_json::Value {
    json!({"data": [], "page": 1, "limit": 20, "total": 0})
}

async fn request_count(server: &MockServer) -> usize {
    server.received_requests().await.unwrap_or_default().len()
}

fn toggle() -> ToggleVersionControlIdentityRequest {
    ToggleVersionControlIdentityRequest { toggle: true, toggle_field: None }
}

#[tokio::test]
async fn a_429_with_retry_after_1_is_retried_after_a_second_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(error_body(429, "Too Many Requests").insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(empty_page()))
        .mount(&server)
        .await;

    let started = Instant::now();
    let page =
        client_for(&server.uri()).list_connections().send().await.expect("succeeds on the second attempt");
    let waited = started.elapsed();

    assert_eq!(page.total, 0);
    assert_eq!(request_count(&server).await, 2);
    assert!(waited >= Duration::from_millis(950), "Retry-After: 1 was not honoured: {waited:?}");
}

#[tokio::test]
async fn a_503_burst_is_retried_then_surfaced_with_the_attempt_count() {
    let server = MockServer::start().await;
    Mock::given(method("PUT")).respond_with(error_body(503, "Service Unavailable")).mount(&server).await;

    let client = builder_for(&server.uri())
        .retry(RetryPolicy::default().max_attempts(4).base_delay(Duration::from_millis(1)))
        .build()
        .expect("client");
    let err = client
        .toggle_version_control_identity()
        .id(1)
        .body(toggle())
        .send()
        .await
        .expect_err("503 every time");

    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!((api.status, api.attempts, api.message()), (503, 4, Some("Service Unavailable")));
    assert_eq!(request_count(&server).await, 4);
    assert!(err.to_string().contains("after 4 attempts"), "{err}");
}

#[tokio::test]
async fn client_errors_are_never_retried() {
    for status in [400, 401, 402, 403, 404, 412] {
        let server = MockServer::start().await;
        Mock::given(method("PUT")).respond_with(error_body(status, "no")).mount(&server).await;
        let err = client_for(&server.uri())
            .toggle_version_control_identity()
            .id(1)
            .body(toggle())
            .send()
            .await
            .expect_err("error");
        assert_eq!(err.status(), Some(status));
        assert_eq!(request_count(&server).await, 1, "{status} was retried");
    }
}

#[tokio::test]
async fn a_post_that_the_server_may_have_acted_on_is_not_retried_but_a_429_is() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/public/connections/upload/csv"))
        .respond_with(error_body(503, "busy"))
        .mount(&server)
        .await;
    let csv = csv_file("1,A,B,a@b.co,,no,no,\n");

    let err =
        client_for(&server.uri()).create_idp_connection_from_csv().file(&csv).send().await.expect_err("503");
    assert_eq!(err.status(), Some(503));
    assert_eq!(request_count(&server).await, 1, "a POST answered 503 may have created the connection");

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(error_body(429, "slow down").insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({})))
        .mount(&server)
        .await;
    let created = client_for(&server.uri())
        .create_idp_connection_from_csv()
        .file(&csv)
        .send()
        .await
        .expect("retried after 429");
    assert_eq!(created.status(), 201);
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        let body = String::from_utf8_lossy(&request.body);
        let sent = csv_text("1,A,B,a@b.co,,false,false,\n");
        assert!(body.contains(&format!("\r\n\r\n{sent}\r\n--")), "{body}");
    }
}

#[tokio::test]
async fn the_overall_deadline_ends_a_call_that_takes_too_long() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(empty_page()).set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let client =
        builder_for(&server.uri()).call_deadline(Some(Duration::from_millis(300))).build().expect("client");

    let err = client.list_connections().send().await.expect_err("deadline");

    assert!(
        matches!(err, Error::Deadline { after, attempts: 1, .. } if after == Duration::from_millis(300)),
        "{err:?}"
    );
}

/// A listing of 5 connections served 2 per page.
async fn five_items_in_pages_of_two(server: &MockServer, repeat_first_page: bool) {
    let item = |id: u32| {
        json!({"id": id, "clientType": "OKTA", "state": "ACTIVE", "connected": true, "connectedAt": null,
               "failedAt": null, "clientId": null, "clientAlias": null, "aliasUpdatedAt": null,
               "deletedAt": null, "code": null})
    };
    for page in 1..=3u32 {
        let ids: Vec<u32> =
            if repeat_first_page { vec![1, 2] } else { ((page * 2 - 1)..=(page * 2).min(5)).collect() };
        let body = json!({"data": ids.iter().map(|&i| item(i)).collect::<Vec<_>>(), "page": page, "limit": 2, "total": 5});
        Mock::given(method("GET"))
            .and(path("/public/connections"))
            .and(query_param("page", page.to_string()))
            .and(query_param("limit", "2"))
            .and(query_param("state", "ACTIVE"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(server)
            .await;
    }
}

#[tokio::test]
async fn the_stream_yields_every_item_of_a_three_page_listing_and_stops_at_total() {
    let server = MockServer::start().await;
    five_items_in_pages_of_two(&server, false).await;
    let filter = ConnectionFilter::default().state(ConnectionState::Active).page_size(2);

    let all: Vec<_> = client_for(&server.uri()).connections(filter).try_collect().await.expect("5 items");

    let ids: Vec<Id> = all.into_iter().filter_map(|c| c.into_value()).map(|c| c.id).collect();
    assert_eq!(ids, (1..=5).map(Id::Int64).collect::<Vec<_>>());
    assert_eq!(request_count(&server).await, 3, "no request past `total`");
}

#[tokio::test]
async fn a_repeating_page_ends_the_stream_with_an_error() {
    let server = MockServer::start().await;
    five_items_in_pages_of_two(&server, true).await;
    let filter = ConnectionFilter::default().state(ConnectionState::Active).page_size(2);

    let result: Result<Vec<_>, _> = client_for(&server.uri()).connections(filter).try_collect().await;

    let err = result.expect_err("loop detected");
    assert!(
        matches!(&err, Error::Pagination { message: m, .. } if m.contains("page 2 repeats page 1")),
        "{err:?}"
    );
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn the_stream_stops_at_an_empty_page_and_at_max_pages() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": [], "page": 1, "limit": 50, "total": 10})),
        )
        .mount(&server)
        .await;
    let none: Vec<_> =
        client_for(&server.uri()).connections(ConnectionFilter::default()).try_collect().await.expect("ok");
    assert!(none.is_empty());

    let server = MockServer::start().await;
    five_items_in_pages_of_two(&server, false).await;
    let filter = ConnectionFilter::default().state(ConnectionState::Active).page_size(2).max_pages(2);
    let err = client_for(&server.uri()).connections(filter).try_collect::<Vec<_>>().await.expect_err("cap");
    assert!(matches!(&err, Error::Pagination { message: m, .. } if m.contains("after 2 pages")), "{err:?}");
}

#[tokio::test]
async fn a_decode_failure_names_the_status_and_json_path_with_a_short_excerpt() {
    let server = MockServer::start().await;
    // An odd item is kept (see the fuzz tests); an odd page is not a page.
    let mut body = json!({"data": [], "page": 1, "limit": 20, "total": "many"});
    body["padding"] = json!("x".repeat(5000));
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&body))
        .mount(&server)
        .await;

    let err = client_without_retries(&server.uri()).list_connections().send().await.expect_err("bad shape");

    let Error::Decode { status, path, excerpt, .. } = &err else { panic!("{err:?}") };
    assert_eq!(Some(*status), Some(200));
    assert_eq!(path, "total");
    assert_eq!(excerpt.chars().count(), 200 + 1, "an excerpt, not the body");
    assert!(err.to_string().len() < 600);
}

#[tokio::test]
async fn an_invalid_csv_reports_every_bad_row_and_the_server_receives_nothing() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({})))
        .mount(&server)
        .await;
    let csv = csv_file(
        "1,Ada,Lovelace,ada@example.com,,no,yes,\n\
         2,Alan,Turing,alan-at-example,,no,yes,\n\
         3,Grace,Hopper,grace@example.com,,perhaps,yes,\n\
         4,,Hamilton,mh@example.com,,no,maybe,\n",
    );
    let client = client_for(&server.uri());

    for err in [
        client.create_idp_connection_from_csv().file(&csv).send().await.expect_err("invalid"),
        client.update_idp_connection_from_csv().id(5).file(&csv).send().await.expect_err("invalid"),
    ] {
        let Some(report) = err.validation_report() else { panic!("{err:?}") };
        let rows: Vec<(u64, Option<&str>)> =
            report.problems.iter().map(|p| (p.row, p.column.as_deref())).collect();
        assert_eq!(
            rows,
            [(3, Some("email")), (4, Some("is_contractor")), (5, Some("first_name")), (5, Some("mfa"))]
        );
        assert!(err.is_invalid_input() && err.to_string().contains("nothing was sent"), "{err}");
    }
    assert_eq!(request_count(&server).await, 0);
}

#[tokio::test]
async fn an_invalid_personnel_list_is_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({})))
        .mount(&server)
        .await;
    let import: drata::types::PersonnelImport = serde_json::from_value(json!({"personnelData": [
        {"id": "1", "firstName": "Neil", "lastName": "Armstrong", "email": "neil@example.com",
         "contractor": false, "isMfaEnabled": true, "date": "2024-10-18T01:28:40"},
        {"id": "2", "firstName": "Buzz", "lastName": "Aldrin", "email": "buzz",
         "contractor": false, "isMfaEnabled": true, "date": "1969-07-20"}
    ]}))
    .expect("shape");

    let err = client_for(&server.uri())
        .create_idp_connection_from_json()
        .body(import)
        .send()
        .await
        .expect_err("invalid");

    let Some(report) = err.validation_report() else { panic!("{err:?}") };
    let rows: Vec<(u64, Option<&str>)> =
        report.problems.iter().map(|p| (p.row, p.column.as_deref())).collect();
    assert_eq!(rows, [(2, Some("email")), (2, Some("date"))]);
    assert_eq!(request_count(&server).await, 0);
}

#[tokio::test]
async fn every_streamed_page_sends_the_whole_filter() {
    let server = MockServer::start().await;
    five_items_in_pages_of_two(&server, false).await;
    let filter = ConnectionFilter::default()
        .state(ConnectionState::Active)
        .provider_type(drata::types::ProviderType::Mdm)
        .provider_type(drata::types::ProviderType::Edr)
        .sort(drata::types::ConnectionSort::ConnectionClientType, drata::types::SortDirection::Desc)
        .page_size(2);
    let all: Vec<_> = client_for(&server.uri()).connections(filter).try_collect().await.expect("5 items");
    assert_eq!(all.len(), 5);
    let queries: Vec<String> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| r.url.query().unwrap_or("").to_string())
        .collect();
    let expected = |page: u32| {
        format!(
            "limit=2&page={page}&providerTypes=MDM&providerTypes=EDR&sort=CONNECTION_CLIENT_TYPE&sortDir=DESC&state=ACTIVE"
        )
    };
    assert_eq!(queries, [expected(1), expected(2), expected(3)]);
}

#[tokio::test]
async fn max_pages_is_the_number_of_pages_fetched() {
    for (max_pages, requests, items, ends_in_error) in [(3, 3, 5, false), (2, 2, 4, true), (0, 0, 0, true)] {
        let server = MockServer::start().await;
        five_items_in_pages_of_two(&server, false).await;
        let filter =
            ConnectionFilter::default().state(ConnectionState::Active).page_size(2).max_pages(max_pages);
        let client = client_for(&server.uri());
        let mut stream = client.connections(filter);
        let mut got = 0;
        let mut error = None;
        while let Some(item) = stream.try_next().await.transpose() {
            match item {
                Ok(_) => got += 1,
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        assert_eq!(
            (request_count(&server).await, got, error.is_some()),
            (requests, items, ends_in_error),
            "max {max_pages}"
        );
        if let Some(error) = error {
            assert_eq!(
                error.to_string(),
                format!(
                    "pagination stopped: stopped after {max_pages} pages without reaching the end of the listing (raise `max_pages` if that many is expected)"
                )
            );
        }
    }
}

#[tokio::test]
async fn uploads_have_their_own_deadline_and_the_calls_deadline_does_not_cut_them() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({})).set_delay(Duration::from_millis(400)),
        )
        .mount(&server)
        .await;
    let csv = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(
        csv.path(),
        format!("{}\n1,Ada,Lovelace,ada@example.com,,no,yes,\n", drata::personnel::csv_header()),
    )
    .expect("write");
    // The call deadline (100 ms) is not the upload's: no upload deadline by default.
    let patient =
        builder_for(&server.uri()).call_deadline(Some(Duration::from_millis(100))).build().expect("client");
    patient.update_idp_connection_from_csv().id(5).file(csv.path()).send().await.expect("not cut");
    // An upload deadline shorter than the answer ends the call.
    let hasty = builder_for(&server.uri())
        .upload_call_deadline(Some(Duration::from_millis(150)))
        .build()
        .expect("client");
    let error = hasty.update_idp_connection_from_csv().id(5).file(csv.path()).send().await.expect_err("cut");
    assert!(
        matches!(&error, Error::Deadline { after, attempts: 1, .. } if *after == Duration::from_millis(150)),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "PUT /connections/5/upload/csv: no answer within the deadline of 150 ms (1 attempt(s)); raise it with `ClientBuilder::upload_call_deadline` or retry later"
    );
}
