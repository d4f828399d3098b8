//! Where the API key may go: only in the `Authorization` header of requests
//! to the configured host. (Logs at trace level and error texts are checked
//! in `logs.rs`, the CLI's output in the CLI's tests.)

use drata::Error;
use drata_tests::{TEST_KEY, builder_for, client_for};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn authorization(request: &wiremock::Request) -> Option<String> {
    request.headers.get("authorization").and_then(|v| v.to_str().ok()).map(str::to_string)
}

#[tokio::test]
async fn a_redirect_to_another_host_drops_the_authorization_header() {
    let other_host = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": [], "page": 1, "limit": 20, "total": 0})),
        )
        .mount(&other_host)
        .await;
    // Same machine, another host name: `localhost` instead of `127.0.0.1`.
    let port = other_host.address().port();
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", format!("http://localhost:{port}/public/connections").as_str()),
        )
        .mount(&api)
        .await;

    let page = client_for(&api.uri()).list_connections().send().await.expect("the redirect is followed");
    assert_eq!(page.total, 0);

    let to_api = api.received_requests().await.unwrap_or_default();
    let to_other = other_host.received_requests().await.unwrap_or_default();
    assert_eq!((to_api.len(), to_other.len()), (1, 1));
    assert_eq!(to_api.first().and_then(authorization), Some(format!("Bearer {TEST_KEY}")));
    assert_eq!(to_other.first().and_then(authorization), None, "the key was sent to another host");
}

#[test]
fn plain_http_off_loopback_is_refused_before_any_request() {
    for url in
        ["http://public-api.drata.com/public", "http://10.0.0.7:8080/public", "http://192.168.1.1/public"]
    {
        match drata::Client::builder().api_key(TEST_KEY).base_url(url).build() {
            Err(Error::Config { message }) => {
                assert!(message.contains(url.trim_end_matches("/public")), "{message}");
                assert!(!message.contains(TEST_KEY), "{message}");
            }
            other => panic!("{url}: expected a configuration error, got {other:?}"),
        }
    }
}

#[test]
fn debug_output_of_the_client_and_its_builder_hides_the_key() {
    let builder = builder_for("http://127.0.0.1:9");
    let builder_debug = format!("{builder:?}");
    let client = builder.build().expect("client");
    let client_debug = format!("{client:?} {client:#?}");
    for text in [builder_debug, client_debug] {
        assert!(!text.contains(TEST_KEY), "the key is in {text}");
        assert!(!text.contains("7f3a9c"), "part of the key is in {text}");
    }
}

#[tokio::test]
async fn https_speaks_tls_offering_http_1_1_and_sends_nothing_in_clear() {
    use tokio::io::AsyncReadExt;
    // A server that reads what the client sends first, then hangs up.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("a connection");
        let mut first = vec![0; 8192];
        let read = stream.read(&mut first).await.expect("the client speaks first");
        first.truncate(read);
        first
    });
    let client = drata::Client::builder()
        .api_key(TEST_KEY)
        .base_url(format!("https://127.0.0.1:{port}/public"))
        .retry(drata::RetryPolicy::none())
        .build()
        .expect("https to any host is accepted");

    let error = client.list_connections().send().await.expect_err("no TLS server");

    let hello = server.await.expect("the server ran");
    let has = |needle: &[u8]| hello.windows(needle.len()).any(|w| w == needle);
    assert_eq!(hello.first(), Some(&0x16), "a TLS handshake record");
    assert_eq!(hello.get(5), Some(&0x01), "a ClientHello");
    // HTTP/2 is the feature `http2`, off by default.
    assert!(has(b"\x08http/1.1") && !has(b"\x02h2"), "ALPN offers HTTP/1.1 alone");
    assert!(!has(TEST_KEY.as_bytes()) && !has(b"/connections"), "nothing of the request in clear");
    assert!(matches!(&error, Error::Transport { .. }), "{error:?}");
}
