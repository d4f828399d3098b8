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

/// A server on another host name (`localhost`, not `127.0.0.1`) that would
/// answer anything, and an API whose every answer redirects there with `status`.
async fn redirecting(status: u16) -> (MockServer, MockServer, String) {
    let other_host = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": [], "page": 1, "limit": 20, "total": 0})),
        )
        .mount(&other_host)
        .await;
    let location = format!("http://localhost:{}/public/connections", other_host.address().port());
    let api = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(status).insert_header("location", location.as_str()))
        .mount(&api)
        .await;
    (api, other_host, location)
}

#[tokio::test]
async fn a_redirect_is_an_error_naming_its_location_and_is_never_followed() {
    for status in [301u16, 302, 303, 307, 308] {
        let (api, other_host, location) = redirecting(status).await;
        let error = client_for(&api.uri()).list_connections().send().await.expect_err("a redirect");
        match &error {
            Error::Redirect { status: s, location: l, request_path, .. } => {
                assert_eq!(
                    (*s, l.as_str(), request_path.as_str()),
                    (status, location.as_str(), "/connections")
                );
            }
            other => panic!("{status}: expected a redirect error, got {other:?}"),
        }
        assert!(error.to_string().contains(&format!("a redirect to `{location}`")), "{error}");
        assert_eq!(error.status(), Some(status));
        let to_other = other_host.received_requests().await.unwrap_or_default();
        assert_eq!((api.received_requests().await.unwrap_or_default().len(), to_other.len()), (1, 0));
    }
}

#[tokio::test]
async fn a_write_redirected_elsewhere_sends_its_body_nowhere_else() {
    let (api, other_host, _) = redirecting(307).await;
    let client = client_for(&api.uri());
    let error = client
        .raw(drata::Method::Post, "/not-in-the-spec")
        .body(json!({"name": "Ada Lovelace", "email": "ada@example.com"}))
        .send()
        .await
        .expect_err("a redirect");
    assert!(matches!(error, Error::Redirect { status: 307, .. }), "{error:?}");
    assert_eq!(other_host.received_requests().await.unwrap_or_default().len(), 0, "the body went elsewhere");
    let to_api = api.received_requests().await.unwrap_or_default();
    assert_eq!(to_api.first().and_then(authorization), Some(format!("Bearer {TEST_KEY}")));
}

#[tokio::test]
async fn a_redirect_location_that_would_turn_text_around_is_shown_escaped() {
    use drata_tests::raw::{Act, RawServer, answer};
    // U+202E (right-to-left override) as raw UTF-8 bytes of the header.
    let server =
        RawServer::start(|_| Act::Answer(answer(302, "text/plain", "location: /x\u{202e}gpj.exe\r\n", b"")))
            .await;
    let error = client_for(&server.uri).list_connections().send().await.expect_err("a redirect");
    assert!(error.to_string().contains("a redirect to `/x\\u{202e}gpj.exe`"), "{error}");
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

/// Answers with the request's `Authorization` header echoed in the body and
/// in a header, the way a debugging proxy may.
struct Echo(u16);

impl wiremock::Respond for Echo {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let auth = authorization(request).unwrap_or_default();
        let body = json!({"statusCode": self.0, "code": 1, "message": format!("bad header {auth}"),
            "debugInfo": {"headers": {"authorization": auth}}, "data": [], "page": 1, "limit": 20, "total": 0});
        ResponseTemplate::new(self.0).set_body_json(body).insert_header("x-echo", auth.as_str())
    }
}

#[tokio::test]
async fn a_key_a_server_echoes_is_masked_in_errors_bodies_and_headers() {
    let api = MockServer::start().await;
    Mock::given(method("GET")).respond_with(Echo(400)).mount(&api).await;
    let error = client_for(&api.uri()).list_connections().send().await.expect_err("a 400");
    let Error::Api(api_error) = &error else { panic!("expected Drata's error, got {error:?}") };
    assert_eq!(api_error.message(), Some("bad header Bearer <redacted>"));
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(TEST_KEY), "{shown}");

    let ok = MockServer::start().await;
    Mock::given(method("GET")).respond_with(Echo(200)).mount(&ok).await;
    let page = client_for(&ok.uri()).raw(drata::Method::Get, "/connections").send().await.expect("a page");
    let bytes = String::from_utf8_lossy(page.bytes()).into_owned();
    assert!(bytes.contains(r#""authorization":"Bearer <redacted>""#) && !bytes.contains(TEST_KEY), "{bytes}");
    assert_eq!(page.header("x-echo"), Some("Bearer <redacted>"));
}
