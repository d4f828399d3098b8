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

/// Drata's CSV header (from the spec, through the client) and `rows`.
pub fn csv_text(rows: &str) -> String {
    format!("{}\n{rows}", drata::personnel::csv_header())
}

/// A personnel CSV file of [`csv_text`], removed when dropped.
pub fn csv_file(rows: &str) -> tempfile::TempPath {
    let file = tempfile::Builder::new().suffix(".csv").tempfile().expect("a temp file");
    std::fs::write(file.path(), csv_text(rows)).expect("the temp file is written");
    file.into_temp_path()
}

/// A raw HTTP/1.1 server for faults an HTTP framework will not produce.
pub mod spec_contract;

pub mod raw {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    /// What the raw server does with one request.
    pub enum Act {
        /// Writes these bytes (a whole answer) and keeps the connection.
        Answer(Vec<u8>),
        /// Writes the head and part of the body, then resets the connection.
        ResetMidBody {
            /// The status line and headers.
            head: Vec<u8>,
            /// The part of the body sent.
            part: Vec<u8>,
        },
        /// Writes the head, then one body byte every `every`, forever.
        Trickle {
            /// The status line and headers.
            head: Vec<u8>,
            /// The pause between bytes.
            every: Duration,
        },
        /// Writes a chunked head, then 64 KiB chunks as fast as they are
        /// read, forever.
        Endless,
        /// Closes the connection without answering.
        Close,
        /// Keeps the connection open and never answers.
        Silent,
    }

    /// A raw HTTP/1.1 server on loopback; its script decides each request
    /// from its number (0-based, across all connections) and its request line
    /// (`GET /public/connections?limit=5 HTTP/1.1`).
    pub struct RawServer {
        /// The server's address, `http://127.0.0.1:PORT` (for [`crate::builder_for`]).
        pub uri: String,
        requests: Arc<AtomicUsize>,
    }

    impl RawServer {
        /// Starts the server on an ephemeral port; `script(n)` decides the
        /// n-th request.
        pub async fn start(script: impl Fn(usize) -> Act + Send + Sync + 'static) -> Self {
            Self::start_routed(move |n, _| script(n)).await
        }

        /// Starts the server on an ephemeral port; `script(n, request_line)`
        /// decides the n-th request.
        pub async fn start_routed(script: impl Fn(usize, &str) -> Act + Send + Sync + 'static) -> Self {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let addr = listener.local_addr().expect("address");
            let requests = Arc::new(AtomicUsize::new(0));
            let script = Arc::new(script);
            let count = requests.clone();
            tokio::spawn(async move {
                while let Ok((stream, _)) = listener.accept().await {
                    let (script, count) = (script.clone(), count.clone());
                    tokio::spawn(async move {
                        let _ = serve(stream, script.as_ref(), &count).await;
                    });
                }
            });
            Self { uri: format!("http://{addr}"), requests }
        }

        /// How many requests have been read so far.
        pub fn requests(&self) -> usize {
            self.requests.load(Ordering::SeqCst)
        }
    }

    async fn serve(
        mut stream: TcpStream,
        script: &(impl Fn(usize, &str) -> Act + ?Sized),
        count: &AtomicUsize,
    ) -> std::io::Result<()> {
        let mut buffer = Vec::new();
        loop {
            // Read one request: the head, then as many body bytes as it announces.
            let head_end = loop {
                if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                    break at + 4;
                }
                let mut chunk = [0u8; 8192];
                let n = stream.read(&mut chunk).await?;
                if n == 0 {
                    return Ok(());
                }
                buffer.extend_from_slice(&chunk[..n]);
            };
            let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
            let length = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string())
                })
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0);
            while buffer.len() < head_end + length {
                let mut chunk = [0u8; 65536];
                let n = stream.read(&mut chunk).await?;
                if n == 0 {
                    return Ok(());
                }
                buffer.extend_from_slice(&chunk[..n]);
            }
            buffer.drain(..head_end + length);
            let request_line = head.lines().next().unwrap_or_default();
            match script(count.fetch_add(1, Ordering::SeqCst), request_line) {
                Act::Answer(bytes) => stream.write_all(&bytes).await?,
                Act::ResetMidBody { head, part } => {
                    stream.write_all(&head).await?;
                    stream.write_all(&part).await?;
                    stream.flush().await?;
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    stream.set_zero_linger()?;
                    return Ok(());
                }
                Act::Trickle { head, every } => {
                    stream.write_all(&head).await?;
                    loop {
                        stream.write_all(b" ").await?;
                        tokio::time::sleep(every).await;
                    }
                }
                Act::Endless => {
                    stream
                        .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
                        .await?;
                    let chunk = [b"10000\r\n".as_slice(), &[b' '; 0x10000], b"\r\n"].concat();
                    loop {
                        stream.write_all(&chunk).await?;
                    }
                }
                Act::Close => return Ok(()),
                Act::Silent => {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    return Ok(());
                }
            }
        }
    }

    /// A whole answer: status line, headers, body.
    pub fn answer(status: u16, content_type: &str, extra_headers: &str, body: &[u8]) -> Vec<u8> {
        let mut bytes = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n{extra_headers}\r\n",
            body.len()
        )
        .into_bytes();
        bytes.extend_from_slice(body);
        bytes
    }

    /// A whole JSON answer.
    pub fn json_answer(status: u16, body: &str) -> Vec<u8> {
        answer(status, "application/json", "", body.as_bytes())
    }
}
