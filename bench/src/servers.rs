//! Loopback servers the benchmarks talk to.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures::StreamExt;

/// A server on 127.0.0.1, on its own thread and single-threaded runtime so
/// that its work is not scheduled among the measured client's tasks; returns
/// the API root (`…/public`). The thread ends with the process.
pub async fn spawn(router: Router) -> Result<String, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    std::thread::Builder::new()
        .name("bench-server".into())
        .spawn(move || {
            runtime.block_on(async move {
                if let Ok(listener) = tokio::net::TcpListener::from_std(listener) {
                    let _ = axum::serve(listener, router).await;
                }
            });
        })
        .map_err(|e| e.to_string())?;
    Ok(format!("http://{addr}/public"))
}

/// `GET /public/connections` answering `body`.
pub fn fixed_page(body: &'static [u8]) -> Router {
    Router::new().route(
        "/public/connections",
        get(move || async move { ([(header::CONTENT_TYPE, "application/json")], body) }),
    )
}

/// The upload endpoints, reading and discarding the body.
pub fn discarding_uploads() -> Router {
    async fn discard(body: Body) -> Response {
        let mut stream = body.into_data_stream();
        while let Some(chunk) = stream.next().await {
            if chunk.is_err() {
                return StatusCode::BAD_REQUEST.into_response();
            }
        }
        (StatusCode::CREATED, [(header::CONTENT_TYPE, "application/json")], "{}").into_response()
    }
    Router::new()
        .route("/public/connections/upload/csv", post(discard))
        .route("/public/connections/upload/json", post(discard))
}

/// A server allowing `rate` requests in any second, answering 429 with
/// `Retry-After: 1` beyond it; counts the 429s. The window is the client's
/// own ([`drata::RateLimiter`]), as in the fake server.
pub fn rate_limited(rate: u32, rejected: Arc<AtomicU64>) -> Router {
    let bucket = Arc::new(drata::RateLimiter::new(drata::RateLimit::per_second(rate)));
    Router::new().route(
        "/public/connections",
        get(move || {
            let bucket = bucket.clone();
            let rejected = rejected.clone();
            async move {
                if bucket.try_acquire().is_ok() {
                    (
                        [(header::CONTENT_TYPE, "application/json")],
                        r#"{"data":[],"page":1,"limit":20,"total":0}"#,
                    )
                        .into_response()
                } else {
                    rejected.fetch_add(1, Ordering::Relaxed);
                    (
                        StatusCode::TOO_MANY_REQUESTS,
                        [(header::RETRY_AFTER, "1"), (header::CONTENT_TYPE, "application/json")],
                        r#"{"statusCode":429,"message":"Too Many Requests","code":10029}"#,
                    )
                        .into_response()
                }
            }
        }),
    )
}
