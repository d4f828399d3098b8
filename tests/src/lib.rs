//! Shared helpers of the contract tests: the documented samples and a client
//! pointed at a local server.

use std::path::PathBuf;

/// The API key the tests use; tests check it never leaks.
pub const TEST_KEY: &str = "test-key-7f3a9c";

/// A documented sample from `tests/fixtures/` (extracted from the spec's
/// examples by `cargo xtask generate`), as text.
pub fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(format!("{name}.json"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// A documented sample as JSON.
pub fn fixture_json(name: &str) -> serde_json::Value {
    serde_json::from_str(&fixture(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// A client builder for the server at `uri` (its `/public` root), with
/// [`TEST_KEY`] and retries that wait at most a few milliseconds.
pub fn builder_for(uri: &str) -> drata::ClientBuilder {
    drata::Client::builder()
        .api_key(TEST_KEY)
        .base_url(format!("{uri}/public"))
        .retry(drata::RetryPolicy::default().base_delay(std::time::Duration::from_millis(5)))
}

/// A client for the server at `uri` (its `/public` root), with [`TEST_KEY`].
pub fn client_for(uri: &str) -> drata::Client {
    builder_for(uri).build().expect("a loopback base URL is accepted")
}

/// As [`client_for`], without retries: each call makes exactly one request.
pub fn client_without_retries(uri: &str) -> drata::Client {
    builder_for(uri).retry(drata::RetryPolicy::none()).build().expect("a loopback base URL is accepted")
}
