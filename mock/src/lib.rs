//! A stateful fake Drata server that follows the project's OpenAPI document.
//!
//! It serves every operation of `openapi/drata.yaml` under `/public`, and
//! every one of `openapi/drata-v2.yaml` under `/public/v2` (cursor
//! listings paged by cursor; vendors, a risk register and its risks,
//! evidence, personnel and users seeded with an account's records, in the
//! v2 schemas' shapes),
//! built on the client's generated types so it cannot drift from the spec,
//! with an in-memory account: connections (filters, sort, pages),
//! version-control and infrastructure identities (listings with Drata's
//! filters, toggles set or clear their timestamps, connect links or unlinks
//! a user, service-account marks), users (roles and id filters, by id, by
//! email), and IdP connections created or updated by personnel imports. An
//! operation without a handler of its own is served from the spec alone
//! (`generic`): parameters and body checked, its example answered. It checks `Authorization: Bearer` (401), validates
//! bodies and parameters (400 with Drata's error body), answers 404 for
//! unknown ids, can force 402/403/412 for chosen keys, enforces a rate limit
//! (429 with `Retry-After`), and injects faults on demand: latency, a share of
//! 5xx answers, dropped connections. `GET /openapi.yaml` serves the spec.
//!
//! In a test, one call starts it on an ephemeral loopback port:
//!
//! ```
//! # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mock = drata_mock::MockServer::start(drata_mock::MockConfig::default()).await?;
//! let client = drata::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build()?;
//!
//! let page = client.list_connections().limit(5).send().await?;
//! assert_eq!(page.data.len(), 5);
//! assert_eq!(mock.write_count(), 0);
//! mock.shutdown().await;
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod collections;
mod config;
mod front;
mod generic;
mod people;
mod people_routes;
mod routes;
mod seed;
mod seed_v2;
mod state;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use drata::{RateLimit, RateLimiter};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;

pub use config::{DEFAULT_API_KEY, MockConfig};
pub use front::{ServeArgs, Started, start};
pub use people::{IdentityQuery, UserQuery};
pub use state::{ListQuery, Refusal, State};

/// What every request handler shares.
pub(crate) struct Shared {
    pub(crate) config: MockConfig,
    state: Mutex<State>,
    /// Drata's limit, enforced with the client's own window.
    limiter: Option<RateLimiter>,
    rng: Mutex<fastrand::Rng>,
}

impl Shared {
    pub(crate) fn new(config: MockConfig) -> Self {
        // Drata's limit: at most N requests in any minute.
        let limiter = config.rate_limit_per_minute.map(|n| RateLimiter::new(RateLimit::per_minute(n)));
        let rng = Mutex::new(fastrand::Rng::with_seed(config.seed));
        Self { config, state: Mutex::new(seed::seed()), limiter, rng }
    }

    /// The account (a poisoned lock is recovered: the state stays usable).
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A pseudo-random number in `[0, 1)`, from the configured seed.
    pub(crate) fn draw(&self) -> f64 {
        self.rng.lock().unwrap_or_else(|p| p.into_inner()).f64()
    }

    /// Takes a request token; `Some(wait)` when the limit is exceeded.
    pub(crate) fn take_token(&self) -> Option<Duration> {
        self.limiter.as_ref()?.try_acquire().err()
    }
}

/// A running fake server. Dropping it (or [`MockServer::shutdown`]) stops it.
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl MockServer {
    /// Starts a server on an ephemeral port of 127.0.0.1.
    ///
    /// # Errors
    /// When no port can be bound.
    pub async fn start(config: MockConfig) -> std::io::Result<Self> {
        Self::start_on(config, 0).await
    }

    /// Starts a server on `port` of 127.0.0.1 (0: any free port).
    ///
    /// # Errors
    /// When the port cannot be bound.
    pub async fn start_on(config: MockConfig, port: u16) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(config));
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(serve(shared.clone(), listener, stopped));
        Ok(Self { addr, shared, stop, task: Some(task) })
    }

    /// The API root, `/public` included: `http://127.0.0.1:PORT/public`.
    pub fn base_url(&self) -> String {
        format!("http://{}/public", self.addr)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The first accepted key.
    pub fn api_key(&self) -> &str {
        self.shared.config.api_keys.first().map_or(DEFAULT_API_KEY, String::as_str)
    }

    /// How many writes (toggles, links, imports) succeeded so far.
    pub fn write_count(&self) -> u64 {
        self.shared.state().writes
    }

    /// The operations of the spec answered with a success so far, by their
    /// client method's name (`list_connections`), in name order.
    pub fn served_operations(&self) -> Vec<&'static str> {
        self.shared.state().served.iter().copied().collect()
    }

    /// Reads the account: `mock.inspect(|state| state.list(&query))`.
    pub fn inspect<T>(&self, read: impl FnOnce(&State) -> T) -> T {
        read(&self.shared.state())
    }

    /// The personnel imported into IdP connection `id`, if it is one.
    pub fn personnel_of(&self, id: i64) -> Option<Vec<drata::types::PersonnelRecord>> {
        self.shared.state().personnel.get(&id).cloned()
    }

    /// Stops the server and waits for it.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer").field("addr", &self.addr).finish_non_exhaustive()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

impl State {
    /// Every connection, in id order.
    pub fn connections(&self) -> &[drata::types::CompactConnection] {
        &self.connections
    }

    /// Every version-control identity, in id order.
    pub fn identities(&self) -> &[drata::types::VersionControlIdentity] {
        &self.identities
    }
}

/// Accepts connections until `stopped` turns true. A request drawn for a
/// dropped connection makes the service fail, and hyper closes the
/// connection without an answer.
async fn serve(shared: Arc<Shared>, listener: TcpListener, mut stopped: watch::Receiver<bool>) {
    let router = routes::router(shared.clone());
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    continue;
                }
            },
            _ = stopped.changed() => break,
        };
        let router = router.clone();
        let shared = shared.clone();
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let service =
                hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                    let router = router.clone();
                    let drop_it = shared.config.drop_rate > 0.0 && shared.draw() < shared.config.drop_rate;
                    async move {
                        if drop_it {
                            return Err(std::io::Error::other("dropped by fault injection"));
                        }
                        router
                            .oneshot(request.map(axum::body::Body::new))
                            .await
                            .map_err(|never| match never {})
                    }
                });
            let connection =
                hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
            tokio::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = stopped.changed() => connection.as_mut().graceful_shutdown(),
            }
        });
    }
}

/// Serves on an already bound listener until the process ends (for binaries).
///
/// # Errors
/// When the listener's address cannot be read.
pub async fn serve_forever(config: MockConfig, listener: TcpListener) -> std::io::Result<()> {
    listener.local_addr()?;
    let (_stop, stopped) = watch::channel(false);
    serve(Arc::new(Shared::new(config)), listener, stopped).await;
    Ok(())
}
