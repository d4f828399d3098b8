//! The API key never shows in a log line, at any level of any target, nor in
//! an error. A test binary of its own: tracing decides once per process
//! whether a log statement is listened to, so beside other suites' threads
//! (which call the same code with no subscriber) a scoped subscriber can miss
//! the client's spans.

use std::sync::{Arc, Mutex};

use drata::types::ToggleVersionControlIdentityRequest;
use drata_tests::{TEST_KEY, builder_for, client_for};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn error_body(status: u16, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_json(json!({"statusCode": status, "message": message, "code": 10000}))
}

fn toggle() -> ToggleVersionControlIdentityRequest {
    ToggleVersionControlIdentityRequest { toggle: true, toggle_field: None }
}

/// Collects every log line of every target at TRACE level.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn calls_log_how_they_ended_and_the_api_key_appears_in_no_line_and_no_error() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(error_body(401, "Invalid Authorization")).mount(&server).await;
    Mock::given(method("PUT")).respond_with(error_body(503, "down")).mount(&server).await;
    let client = client_for(&server.uri());
    let mut texts = vec![format!("{client:?}")];
    let err = client.list_connections().send().await.expect_err("401");
    texts.push(err.to_string());
    texts.push(format!("{err:?}"));
    let err = client.toggle_version_control_identity().id(1).body(toggle()).send().await.expect_err("503");
    texts.push(err.to_string());
    texts.push(format!("{err:?}"));
    let unreachable = builder_for("http://127.0.0.1:9").build().expect("client");
    let err = unreachable.list_connections().send().await.expect_err("refused");
    texts.push(err.to_string());
    texts.push(format!("{err:?}"));

    let answering = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": [], "page": 1, "limit": 20, "total": 0})),
        )
        .mount(&answering)
        .await;
    client_for(&answering.uri()).list_connections().send().await.expect("200");

    let logs = String::from_utf8_lossy(&captured.0.lock().expect("logs")).into_owned();
    // Each call's last attempt says how it ended: done, or failed with the status.
    assert!(logs.lines().any(|l| l.contains("drata.request") && l.ends_with(": done")), "{logs}");
    assert!(logs.lines().any(|l| l.contains("failed status=401")), "{logs}");
    assert!(!logs.lines().any(|l| l.contains("failed status=200")), "{logs}");
    assert!(logs.contains("drata.request") && logs.contains("attempt=3"), "spans are logged:\n{logs}");
    assert!(!logs.contains(TEST_KEY), "the key leaked into the logs:\n{logs}");
    for text in texts {
        assert!(!text.contains(TEST_KEY), "the key leaked: {text}");
    }
}
