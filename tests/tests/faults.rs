//! Fault injection: what a real API and the network do to a client, and what
//! the client makes of it. A raw TCP server plays the faults an HTTP server
//! framework will not produce (a reset in the middle of a body, a body slower
//! than the timeout, a server that never answers); the fake Drata server
//! plays dropped connections and 5xx answers with state, so duplicate writes
//! can be counted.
//!
//! Every case ends within its deadline in success after retries or in the
//! one right typed error, and never panics or hangs.

use std::time::{Duration, Instant};

use drata::types::{PersonnelImport, PersonnelRecord};
use drata::{Client, Error, RateLimit, RetryPolicy, TransportKind};
use drata_tests::builder_for;
use drata_tests::raw::{Act, RawServer, answer, json_answer};

/// Longer than any case here can take unless it hangs.
const HANG: Duration = Duration::from_secs(60);

const EMPTY_PAGE: &str = r#"{"data":[],"page":1,"limit":20,"total":0}"#;

fn error_json(status: u16) -> String {
    format!(r#"{{"statusCode":{status},"message":"failure {status}","code":10000}}"#)
}

/// A client for `server` retrying up to `attempts` times, 5 ms apart at first.
fn client(server: &RawServer, attempts: u32) -> Client {
    builder_for(&server.uri)
        .retry(RetryPolicy::default().max_attempts(attempts).base_delay(Duration::from_millis(5)))
        .build()
        .expect("loopback base URL")
}

/// The deadline and attempt count of an `Error::Deadline`.
/// The deadline and the attempts of a deadline error, checked against what
/// its accessors answer.
fn deadline_of(error: &Error) -> (Duration, u32) {
    match error {
        Error::Deadline { after, attempts, .. } => {
            assert!(error.is_timeout(), "a passed deadline is a timeout");
            assert_eq!(error.attempts(), Some(*attempts));
            (*after, *attempts)
        }
        other => panic!("expected the deadline, got {other:?}"),
    }
}

fn personnel() -> PersonnelImport {
    PersonnelImport {
        personnel_data: vec![PersonnelRecord {
            id: "233".into(),
            first_name: "Neil".into(),
            last_name: "Armstrong".into(),
            email: "neil@example.com".into(),
            contractor: false,
            is_mfa_enabled: true,
            date: "2024-10-18T01:28:40".into(),
            avatar_url: None,
            job_title: Some("Astronaut".into()),
            customer_id: None,
        }],
    }
}

#[tokio::test]
async fn a_429_with_an_http_date_retry_after_waits_until_that_date() {
    let server = RawServer::start(|n| {
        Act::Answer(if n == 0 {
            // Two seconds ahead, at one-second precision: a wait of 1 to 2 s.
            let date =
                (chrono::Utc::now() + chrono::Duration::seconds(2)).format("%a, %d %b %Y %H:%M:%S GMT");
            answer(429, "application/json", &format!("retry-after: {date}\r\n"), error_json(429).as_bytes())
        } else {
            json_answer(200, EMPTY_PAGE)
        })
    })
    .await;
    let started = Instant::now();
    let page = client(&server, 3).list_connections().send().await.expect("succeeds after the date");
    let waited = started.elapsed();
    assert_eq!((page.total, server.requests()), (0, 2));
    // It waited for the date (a retry at once would take milliseconds); the
    // upper bound only catches a hang.
    assert!(waited >= Duration::from_millis(900), "waited {waited:?}");
    assert!(waited < HANG, "waited {waited:?}");
}

#[tokio::test]
async fn a_burst_of_500_502_503_is_retried_until_the_answer() {
    let server = RawServer::start(|n| {
        Act::Answer(match n {
            0 => json_answer(500, &error_json(500)),
            1 => answer(502, "text/html", "", b"<html><body>Bad Gateway</body></html>"),
            2 => json_answer(503, &error_json(503)),
            _ => json_answer(200, EMPTY_PAGE),
        })
    })
    .await;
    let page = client(&server, 4).list_connections().send().await.expect("the fourth attempt succeeds");
    assert_eq!((page.total, server.requests()), (0, 4));
}

#[tokio::test]
async fn an_html_502_page_is_an_api_error_with_an_excerpt_after_every_attempt() {
    let page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let server = RawServer::start(move |_| Act::Answer(answer(502, "text/html", "", page.as_bytes()))).await;
    let error = client(&server, 3).list_connections().send().await.expect_err("502 every time");
    match &error {
        Error::Api(api) => {
            assert_eq!((api.status, api.attempts, api.body.as_ref()), (502, 3, None));
            assert_eq!(api.excerpt(), Some(page));
            assert_eq!(api.hint().as_deref(), Some("Drata had a server error; retry later."));
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn a_reset_in_the_middle_of_a_body_is_retried_for_a_get() {
    let server = RawServer::start(|n| {
        if n == 0 {
            let head =
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 4000\r\n\r\n".to_vec();
            Act::ResetMidBody { head, part: br#"{"data":[{"id":"1","clientType":"#.to_vec() }
        } else {
            Act::Answer(json_answer(200, EMPTY_PAGE))
        }
    })
    .await;
    let page = client(&server, 3).list_connections().send().await.expect("the retry succeeds");
    assert_eq!((page.total, server.requests()), (0, 2));
}

#[tokio::test]
async fn a_post_whose_connection_fails_after_sending_is_not_sent_twice() {
    // The server read the whole request, so it may have acted on it.
    for act in [0, 1] {
        let server = RawServer::start(move |_| {
            if act == 0 {
                Act::Close
            } else {
                let head =
                    b"HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n";
                Act::ResetMidBody { head: head.to_vec(), part: b"{".to_vec() }
            }
        })
        .await;
        let error = client(&server, 3)
            .create_idp_connection_from_json()
            .body(personnel())
            .send()
            .await
            .expect_err("the connection failed");
        assert!(matches!(&error, Error::OutcomeUnknown { .. }), "{error:?}");
        assert_eq!(server.requests(), 1, "the POST was sent again");
    }
}

#[tokio::test]
async fn a_create_whose_answer_never_comes_is_reported_as_possibly_done_and_not_repeated() {
    let server = RawServer::start(|_| Act::Silent).await;
    let client = builder_for(&server.uri)
        .attempt_timeout(Duration::from_millis(300))
        .retry(RetryPolicy::default().base_delay(Duration::from_millis(5)))
        .build()
        .expect("client");
    let error =
        client.create_idp_connection_from_json().body(personnel()).send().await.expect_err("no answer");
    let Error::OutcomeUnknown { operation, request_path, timeout, .. } = &error else {
        panic!("expected an unknown outcome, got {error:?}")
    };
    assert_eq!(
        (operation.id, request_path.as_str(), *timeout),
        ("create_idp_connection_from_json", "/connections/upload/json", Some(Duration::from_millis(300)))
    );
    // A create is never repeated: one attempt, and a timeout.
    assert_eq!((error.attempts(), error.is_timeout(), server.requests()), (Some(1), true, 1));
    let text = error.to_string();
    assert!(
        text.starts_with("POST /connections/upload/json: the request may have reached Drata, but its answer was lost (no answer within 300 ms: "),
        "{text}"
    );
    assert!(
        text.ends_with("Drata may have acted on it. Do not simply repeat it; first check whether it took effect: list the connections (GET /connections) and look for a new IdP connection."),
        "{text}"
    );
    assert!(!error.is_invalid_input() && error.is_timeout());
    assert_eq!(server.requests(), 1, "never sent twice");

    // The CSV create behaves alike; an update (a PUT) is safe to repeat and is retried.
    let csv = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(
        csv.path(),
        "id,first_name,last_name,email,is_contractor,mfa\n1,Ada,Lovelace,ada@example.com,no,yes\n",
    )
    .expect("write");
    let error = client.create_idp_connection_from_csv().file(csv.path()).send().await.expect_err("no answer");
    assert!(matches!(&error, Error::OutcomeUnknown { .. }), "{error:?}");
    assert_eq!(server.requests(), 2);
    let error =
        client.update_idp_connection_from_json().id(3).body(personnel()).send().await.expect_err("no answer");
    let Error::Transport { attempts: 3, timeout: Some(timeout), .. } = &error else { panic!("{error:?}") };
    assert_eq!(*timeout, Duration::from_millis(300));
    assert!(
        error.to_string().starts_with("PUT /connections/3/upload/json: no answer within 300 ms: "),
        "{error}"
    );
    assert_eq!(server.requests(), 5);
}

#[tokio::test]
async fn a_body_that_stops_arriving_is_worded_as_a_timeout_of_the_answer() {
    let server = RawServer::start(|_| Act::Trickle {
        head: b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n".to_vec(),
        every: Duration::from_secs(3600),
    })
    .await;
    let client = builder_for(&server.uri)
        .attempt_timeout(Duration::from_millis(200))
        .retry(RetryPolicy::none())
        .build()
        .expect("client");
    let error = client.list_connections().send().await.expect_err("stalled body");
    assert!(
        error
            .to_string()
            .starts_with("GET /connections: the answer stopped arriving: no whole answer within 200 ms: "),
        "{error}"
    );
    assert!(error.is_timeout());
}

#[tokio::test]
async fn a_body_slower_than_the_attempt_timeout_ends_in_a_timeout_after_every_attempt() {
    let server = RawServer::start(|_| Act::Trickle {
        head: b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n".to_vec(),
        every: Duration::from_millis(50),
    })
    .await;
    let client = builder_for(&server.uri)
        .attempt_timeout(Duration::from_millis(300))
        .call_deadline(Some(Duration::from_secs(5)))
        .retry(RetryPolicy::default().max_attempts(2).base_delay(Duration::from_millis(5)))
        .build()
        .expect("client");
    let error = client.list_connections().send().await.expect_err("too slow");
    match &error {
        Error::Transport { attempts, kind, .. } => {
            assert_eq!(*attempts, 2);
            assert_eq!(*kind, TransportKind::AnswerTimeout);
        }
        other => panic!("expected a timed-out transport error, got {other:?}"),
    }
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_and_is_not_retried() {
    let server =
        RawServer::start(|_| Act::Answer(json_answer(200, r#"{"data":[{"id":"1","clientType":"GOO"#))).await;
    let error = client(&server, 3).list_connections().send().await.expect_err("truncated");
    match &error {
        Error::Decode { status, excerpt, .. } => {
            assert_eq!(Some(*status), Some(200));
            assert!(excerpt.starts_with(r#"{"data":[{"id":"1""#), "{excerpt}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_50_mb_answer_is_read_and_decoded() {
    let alias = "a".repeat(50 * 1024 * 1024);
    let body = format!(
        r#"{{"data":[{{"id":"7","clientType":"GOOGLE","state":"ACTIVE","connected":true,"connectedAt":"2025-07-01T16:45:55.246Z","failedAt":null,"clientId":"abc123","clientAlias":"{alias}","aliasUpdatedAt":"2025-07-01T16:45:55.246Z","deletedAt":null,"providerTypes":[{{"value":"MDM","isEnabled":true}}],"code":10010,"groupLabel":"Everyone"}}],"page":1,"limit":20,"total":1}}"#
    );
    let bytes = json_answer(200, &body);
    let server = RawServer::start(move |_| Act::Answer(bytes.clone())).await;
    let page = client(&server, 1).list_connections().send().await.expect("a large answer decodes");
    let first = page.data.first().and_then(|c| c.value()).expect("one connection, typed");
    assert_eq!(first.client_alias.as_deref().map(str::len), Some(50 * 1024 * 1024));
}

#[tokio::test]
async fn an_endless_answer_ends_at_the_cap_with_its_size_named_and_is_not_retried() {
    let server = RawServer::start(|_| Act::Endless).await;
    let client = builder_for(&server.uri).max_answer_bytes(1 << 20).build().expect("client");
    let error = client.list_connections().send().await.expect_err("too large");
    assert!(
        matches!(error, Error::AnswerTooLarge { status: 200, limit: 1_048_576, announced: None, .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "GET /connections: the answer (status 200) is larger than the 1 MiB the client reads; nothing of it \
         was read past that. Raise the cap (`ClientBuilder::max_answer_bytes`) if an answer that large is expected"
    );
    assert_eq!((error.status(), server.requests()), (Some(200), 1));
}

#[tokio::test]
async fn an_answer_announcing_more_than_the_cap_is_refused_before_its_body_is_read() {
    let body = format!(r#"{{"data":[],"page":1,"limit":20,"total":0,"pad":"{}"}}"#, "x".repeat(3000));
    let bytes = json_answer(200, &body);
    let length = body.len() as u64;
    let server = RawServer::start(move |_| Act::Answer(bytes.clone())).await;
    let capped = builder_for(&server.uri).max_answer_bytes(2048).build().expect("client");
    let error = capped.list_connections().send().await.expect_err("too large");
    assert!(
        matches!(error, Error::AnswerTooLarge { limit: 2048, announced: Some(n), .. } if n == length),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("larger than the 2 KiB the client reads (announced: 3.0 KiB)"),
        "{error}"
    );
    // The same answer under a cap it fits is read.
    let roomy = builder_for(&server.uri).max_answer_bytes(length).build().expect("client");
    assert_eq!(roomy.list_connections().send().await.expect("fits").total, 0);
}

#[tokio::test]
async fn a_server_that_never_answers_ends_at_the_deadline() {
    let server = RawServer::start(|_| Act::Silent).await;
    let client = builder_for(&server.uri)
        .attempt_timeout(Duration::from_secs(30))
        .call_deadline(Some(Duration::from_millis(700)))
        .build()
        .expect("client");
    let started = Instant::now();
    let error = client.list_connections().send().await.expect_err("no answer");
    let took = started.elapsed();
    assert_eq!(deadline_of(&error), (Duration::from_millis(700), 1));
    // It waited out the deadline, not the 30 s attempt timeout (the upper
    // bound is that timeout, far away: it only catches a missed deadline).
    assert!(took >= Duration::from_millis(650) && took < Duration::from_secs(30), "took {took:?}");
}

#[tokio::test]
async fn a_create_cut_by_the_deadline_is_reported_as_possibly_done() {
    let server = RawServer::start(|_| Act::Silent).await;
    let client = builder_for(&server.uri)
        .attempt_timeout(Duration::from_secs(30))
        .call_deadline(Some(Duration::from_millis(300)))
        .build()
        .expect("client");
    let error =
        client.create_idp_connection_from_json().body(personnel()).send().await.expect_err("no answer");
    // The request went out whole: the deadline does not make its outcome known.
    let Error::OutcomeUnknown { timeout, .. } = &error else {
        panic!("expected an unknown outcome, got {error:?}")
    };
    assert_eq!((error.attempts(), server.requests()), (Some(1), 1));
    // The attempt was given what was left of the 300 ms, not its own 30 s.
    assert!(timeout.is_some_and(|t| t <= Duration::from_millis(300)), "{timeout:?}");
}

#[tokio::test]
async fn a_retry_whose_pause_would_pass_the_deadline_ends_the_call_at_once() {
    let server = RawServer::start(|_| {
        Act::Answer(answer(503, "application/json", "retry-after: 600\r\n", error_json(503).as_bytes()))
    })
    .await;
    let client = builder_for(&server.uri)
        .call_deadline(Some(Duration::from_secs(60)))
        .retry(RetryPolicy::default().max_retry_after(Duration::from_secs(3600)))
        .build()
        .expect("client");
    let started = Instant::now();
    let error = client.list_connections().send().await.expect_err("no time to retry");
    assert_eq!(deadline_of(&error), (Duration::from_secs(60), 1));
    // Waiting out the 60 s deadline first would change nothing: it ends now
    // (the bound is the deadline itself, not a speed).
    assert!(started.elapsed() < Duration::from_secs(60), "took {:?}", started.elapsed());
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_rate_limiter_wait_past_the_deadline_ends_the_call_without_sending_it() {
    let server = RawServer::start(|_| Act::Answer(json_answer(200, EMPTY_PAGE))).await;
    let client = builder_for(&server.uri)
        .rate_limit(Some(RateLimit::new(1, Duration::from_secs(3600))))
        .call_deadline(Some(Duration::from_secs(60)))
        .build()
        .expect("client");
    client.list_connections().send().await.expect("the first call has its token");
    let started = Instant::now();
    let error = client.list_connections().send().await.expect_err("the next token is an hour away");
    assert_eq!(deadline_of(&error), (Duration::from_secs(60), 0));
    // Waiting for the token until the deadline would take 60 s: it ends now.
    assert!(started.elapsed() < Duration::from_secs(60), "took {:?}", started.elapsed());
    assert_eq!(server.requests(), 1);
}

/// A server that reads uploads at about 320 KB/s, then answers `201 {}`;
/// returns its API root.
async fn slow_reading_server() -> String {
    async fn read_slowly(body: axum::body::Body) -> (axum::http::StatusCode, &'static str) {
        use futures::StreamExt;
        let mut stream = body.into_data_stream();
        while let Some(Ok(chunk)) = stream.next().await {
            tokio::time::sleep(Duration::from_micros(chunk.len() as u64 * 1_000_000 / (320 * 1024))).await;
        }
        (axum::http::StatusCode::CREATED, "{}")
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let router =
        axum::Router::new().route("/public/connections/upload/csv", axum::routing::post(read_slowly));
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{address}")
}

/// A valid personnel CSV of about 320 KB.
fn large_csv() -> tempfile::TempPath {
    let rows: String =
        (0..7000).map(|i| format!("{i},Ada,Lovelace,ada{i}@example.com,,no,yes,Engineer\n")).collect();
    drata_tests::csv_file(&rows)
}

#[tokio::test]
async fn an_upload_is_given_the_time_its_size_needs_and_no_more() {
    let server = slow_reading_server().await;
    let csv = large_csv();

    // At the slowest speed waited for by default (64 KiB/s), the ~1 s this
    // upload takes is well within its attempt's limit, though far beyond
    // the attempt timeout of JSON calls.
    let patient = builder_for(&server).attempt_timeout(Duration::from_millis(300)).build().expect("client");
    let started = Instant::now();
    patient.create_idp_connection_from_csv().file(&csv).send().await.expect("a slow upload is not cut short");
    // It took longer than the attempt timeout, and was not cut.
    assert!(started.elapsed() > Duration::from_millis(600), "took {:?}", started.elapsed());

    // Expecting 100 MB/s, the same upload is a stalled one: it ends at about
    // the attempt timeout, and a POST that may have reached the server is
    // not sent again.
    let hasty = builder_for(&server)
        .attempt_timeout(Duration::from_millis(300))
        .upload_min_speed(100 * 1024 * 1024)
        .build()
        .expect("client");
    match hasty.create_idp_connection_from_csv().file(&csv).send().await.expect_err("too slow for 100 MB/s") {
        Error::OutcomeUnknown { kind, .. } => assert_eq!(kind, TransportKind::Timeout),
        other => panic!("expected a timed-out upload of unknown outcome, got {other:?}"),
    }
}

#[tokio::test]
async fn dropped_connections_of_the_fake_server_never_duplicate_a_write() {
    use drata_mock::{MockConfig, MockServer};
    // Half the requests are dropped, a fifth answered 500: every create that
    // succeeded made one connection, and no other create made any.
    let mock = MockServer::start(
        MockConfig::default().drop_rate(0.3).error_rate(0.2).seed(7).rate_limit_per_minute(None),
    )
    .await
    .expect("fake server");
    let before = mock.inspect(|state| state.connections().len());
    let client = Client::builder()
        .api_key(mock.api_key())
        .base_url(mock.base_url())
        .retry(RetryPolicy::default().max_attempts(3).base_delay(Duration::from_millis(1)))
        .build()
        .expect("client");
    let mut created = 0;
    for _ in 0..40 {
        match client.create_idp_connection_from_json().body(personnel()).send().await {
            Ok(_) => created += 1,
            Err(Error::OutcomeUnknown { .. } | Error::Api(_)) => {}
            Err(other) => panic!("unexpected error: {other}"),
        }
    }
    let after = mock.inspect(|state| state.connections().len());
    assert!(created > 0 && created < 40, "{created} of 40 succeeded: the faults did not happen");
    assert_eq!(after - before, created, "connections created vs successful calls");
    assert_eq!(mock.write_count(), created as u64);
}

#[tokio::test]
async fn an_unknown_outcome_counts_every_attempt_made() {
    // The first attempt is throttled (a POST may be repeated then: Drata did
    // not act on it); the second is taken and never answered.
    let server = RawServer::start(|n| match n {
        0 => Act::Answer(answer(429, "application/json", "retry-after: 0\r\n", error_json(429).as_bytes())),
        _ => Act::Silent,
    })
    .await;
    let client =
        builder_for(&server.uri).attempt_timeout(Duration::from_millis(300)).build().expect("client");
    let error =
        client.create_idp_connection_from_json().body(personnel()).send().await.expect_err("no answer");
    assert!(matches!(&error, Error::OutcomeUnknown { attempts: 2, .. }), "{error:?}");
    assert_eq!((error.attempts(), server.requests()), (Some(2), 2));
    assert!(error.to_string().contains("; attempt 2): Drata may have acted on it"), "{error}");
}

#[tokio::test]
async fn every_pause_is_told_before_it_begins_with_how_long_and_why() {
    let server = RawServer::start(|n| match n {
        0 => Act::Answer(answer(429, "application/json", "retry-after: 1\r\n", error_json(429).as_bytes())),
        _ => Act::Answer(json_answer(200, EMPTY_PAGE)),
    })
    .await;
    let client_told = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let told = client_told.clone();
    let client = builder_for(&server.uri)
        .rate_limit(Some(RateLimit::new(1, Duration::from_millis(200))))
        .on_wait(move |wait| told.lock().expect("lock").push(wait.to_string()))
        .build()
        .expect("client");
    client.list_connections().send().await.expect("answered after the retry");
    let waits = told_waits(&client_told);
    assert_eq!(
        waits[0],
        "attempt 1 of GET /connections answered 429; waiting 1 s before retrying, as Drata asked"
    );
    assert_eq!(waits.len(), 1, "{waits:?}");
    // The retry spent the limiter's token: the next call waits for one.
    client.list_connections().send().await.expect("answered");
    let waits = told_waits(&client_told);
    assert_eq!(waits.len(), 2, "{waits:?}");
    assert!(
        waits[1].starts_with("waiting ")
            && waits[1].ends_with(" for the rate limit (1 requests per 200 ms) before GET /connections"),
        "{}",
        waits[1]
    );
}

#[tokio::test]
async fn a_success_that_is_not_json_is_named_a_web_page_not_a_shape() {
    let server =
        RawServer::start(|_| Act::Answer(answer(200, "text/html", "", b"<!DOCTYPE html><p>Sign in</p>")))
            .await;
    let error = client(&server, 1).list_connections().send().await.expect_err("not JSON");
    let Error::Decode { path, status, .. } = &error else { panic!("{error:?}") };
    assert_eq!((path.as_str(), *status), ("", 200));
    assert_eq!(
        error.to_string(),
        "GET /connections: the answer (200 OK) is not JSON, so it did not come from Drata's API: the base URL may point to a web page or a proxy (expected value at line 1 column 1); the body starts with: <!DOCTYPE html><p>Sign in</p>"
    );
    // JSON of another shape still names where it departs.
    let server = RawServer::start(|_| Act::Answer(json_answer(200, "[]"))).await;
    let error = client(&server, 1).list_connections().send().await.expect_err("a list");
    assert!(matches!(&error, Error::Decode { path, .. } if path == "$"), "{error:?}");
}

fn told_waits(told: &std::sync::Mutex<Vec<String>>) -> Vec<String> {
    told.lock().expect("lock").clone()
}
