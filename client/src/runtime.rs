//! What happens around every request, generated or hand-written: rate
//! limiting, retries, timeouts, tracing, and the context errors carry.
//!
//! Every operation method ends in [`call`] (generated `send()`s are rewritten
//! by the generator to do so), which sets up a per-call record and the overall
//! deadline; progenitor then runs the [`ClientHooks`] below around the HTTP
//! exchange, and `exec` performs the attempts.

use std::cell::RefCell;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use progenitor_client::{ClientHooks, OperationInfo, ResponseValue};
use reqwest::StatusCode;
use tokio::time::Instant;
use tracing::Instrument;

use crate::error::{Error, OperationError};
use crate::limiter::{RateLimit, TokenBucket};
use crate::retry::{self, Outcome, RetryPolicy};
use crate::{Client, personnel};

/// An operation of the spec: see the generated [`crate::operations`] module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operation {
    /// The client method's name, e.g. `list_connections`.
    pub id: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// The path template, relative to the API root, e.g. `/connections/{id}/upload/csv`.
    pub path: &'static str,
    /// The permission the API key needs, as Drata words it.
    pub permission: Option<&'static str>,
    /// Drata's own operation id (its documentation's URLs use it).
    pub drata_operation_id: &'static str,
    /// What to check before trying again when the request may have reached
    /// Drata but its answer was lost (see [`crate::Error::OutcomeUnknown`]).
    pub if_unanswered: Option<&'static str>,
}

/// The settings the hooks apply; shared by every clone of a [`Client`].
#[derive(Debug, Clone)]
pub struct Runtime {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    retry: RetryPolicy,
    limiter: Option<TokenBucket>,
    attempt_timeout: Duration,
    upload_min_speed: u64,
    deadline: Option<Duration>,
    upload_deadline: Option<Duration>,
}

impl Runtime {
    pub(crate) fn new(
        retry: RetryPolicy,
        rate_limit: Option<RateLimit>,
        attempt_timeout: Duration,
        upload_min_speed: u64,
        deadline: Option<Duration>,
        upload_deadline: Option<Duration>,
    ) -> Self {
        Self {
            shared: Arc::new(Shared {
                retry,
                limiter: rate_limit.map(TokenBucket::new),
                attempt_timeout,
                upload_min_speed,
                deadline,
                upload_deadline,
            }),
        }
    }

    pub(crate) fn retry(&self) -> &RetryPolicy {
        &self.shared.retry
    }

    /// How long one attempt of uploading `bytes` may take: the attempt
    /// timeout plus the upload at the slowest speed waited for.
    pub(crate) fn upload_timeout(&self, bytes: u64) -> Duration {
        let shared = &self.shared;
        shared.attempt_timeout.saturating_add(Duration::from_secs(bytes / shared.upload_min_speed.max(1)))
    }
}

/// What one call went through, filled in by the hooks.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallRecord {
    pub(crate) attempts: u32,
    pub(crate) status: Option<StatusCode>,
    pub(crate) retry_after: Option<Duration>,
    /// Why the request was refused before it was sent, if it was.
    pub(crate) validation: Option<personnel::ValidationReport>,
    /// When the call must be over, if it has a deadline.
    pub(crate) deadline: Option<Deadline>,
    /// The call stopped because its deadline left no time for what came next.
    pub(crate) out_of_time: bool,
    /// The body of the last answer, read by `exec`; see [`take_read_body`].
    pub(crate) body: Option<bytes::Bytes>,
    /// The path the last failed attempt went to, relative to the API root.
    pub(crate) request_path: Option<String>,
    /// How long the last failed attempt was allowed.
    pub(crate) timeout: Option<Duration>,
    /// A request that is not safe to repeat may have reached the server,
    /// and its answer was lost.
    pub(crate) maybe_acted: bool,
}

/// A call's deadline: the instant it passes and the limit it came from.
///
/// It is enforced without a timer of its own: every wait (the rate limiter,
/// the pause before a retry) is checked against it first, and an attempt that
/// would outlive it gets the time left as its timeout.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline {
    at: Instant,
    limit: Duration,
}

impl Deadline {
    fn remaining(&self) -> Duration {
        self.at.saturating_duration_since(Instant::now())
    }
}

/// The current call's deadline, if any.
fn current_deadline() -> Option<Deadline> {
    CALL.try_with(|r| r.borrow().deadline).ok().flatten()
}

/// Whether the current call can still pause `delay` and try again before
/// its deadline; if not, the call is marked as out of time.
pub(crate) fn time_to_retry_after(delay: Duration) -> bool {
    let fits = current_deadline().is_none_or(|d| delay < d.remaining());
    if !fits {
        record(|r| r.out_of_time = true);
    }
    fits
}

tokio::task_local! {
    // Boxed: the task-local moves its value in and out of the thread on
    // every poll, and a pointer moves faster than the record.
    static CALL: Box<RefCell<CallRecord>>;
}

/// Updates the current call's record (no-op outside a call).
pub(crate) fn record(update: impl FnOnce(&mut CallRecord)) {
    let _ = CALL.try_with(|r| update(&mut r.borrow_mut()));
}

/// Runs one operation: within its deadline, with a record of its attempts,
/// turning progenitor's error into the client's [`Error`].
pub fn call<'a, T, F>(
    client: &'a Client,
    op: &'static Operation,
    request: F,
) -> impl Future<Output = Result<ResponseValue<T>, Error>> + 'a
where
    T: serde::de::DeserializeOwned + 'a,
    F: Future<Output = Result<ResponseValue<T>, OperationError>> + 'a,
{
    let limit =
        if is_upload(op) { client.inner.shared.upload_deadline } else { client.inner.shared.deadline };
    let deadline = limit.and_then(|limit| Some(Deadline { at: Instant::now().checked_add(limit)?, limit }));
    let record = Box::new(RefCell::new(CallRecord { deadline, ..CallRecord::default() }));
    Call { exchange: CALL.scope(record, request), op, failing: None, output: PhantomData }
}

pin_project_lite::pin_project! {
    /// The future of [`call`], written out by hand: an `async` block would
    /// keep the exchange's future (about 2.5 KB) twice, once as the value it
    /// captured and once as the one it awaits.
    struct Call<'a, T, F> {
        #[pin]
        exchange: tokio::task::futures::TaskLocalFuture<Box<RefCell<CallRecord>>, F>,
        op: &'static Operation,
        // Turning a failure into an `Error` may read the rest of a body.
        failing: Option<Pin<Box<dyn Future<Output = Error> + Send + 'a>>>,
        output: PhantomData<fn() -> T>,
    }
}

impl<'a, T, F> Future for Call<'a, T, F>
where
    T: serde::de::DeserializeOwned + 'a,
    F: Future<Output = Result<ResponseValue<T>, OperationError>> + 'a,
{
    type Output = Result<ResponseValue<T>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        if let Some(failing) = this.failing.as_mut() {
            return failing.as_mut().poll(cx).map(Err);
        }
        let error = match std::task::ready!(this.exchange.as_mut().poll(cx)) {
            Ok(value) => return Poll::Ready(Ok(value)),
            Err(error) => error,
        };
        let record = this.exchange.take_value().map(|record| record.into_inner()).unwrap_or_default();
        let op = *this.op;
        if record.out_of_time && !record.maybe_acted {
            return Poll::Ready(Err(Error::Deadline {
                operation: op,
                request_path: record.request_path.clone().unwrap_or_else(|| op.path.to_string()),
                after: record.deadline.map_or(Duration::ZERO, |d| d.limit),
                attempts: record.attempts,
            }));
        }
        let failing = this
            .failing
            .insert(Box::pin(async move { Error::from_operation::<T>(error, op, &record).await }));
        failing.as_mut().poll(cx).map(Err)
    }
}

fn is_upload(op: &Operation) -> bool {
    op.path.ends_with("/upload/csv")
}

impl ClientHooks<Runtime> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        // Personnel lists are validated before they are sent.
        if info.operation_id.ends_with("_from_json")
            && let Some(body) = request.body().and_then(reqwest::Body::as_bytes)
        {
            let import: crate::types::PersonnelImport = serde_json::from_slice(body)
                .map_err(|e| progenitor_client::Error::InvalidRequest(format!("personnel list: {e}")))?;
            if let Err(report) = personnel::validate_import(&import) {
                let message = format!("invalid personnel: {report}");
                record(|r| r.validation = Some(report));
                return Err(progenitor_client::Error::InvalidRequest(message));
            }
        }
        // The first attempt's token is taken here, where a wait that would
        // outlive the deadline can still end the call without sending it.
        if let Some(limiter) = &self.inner.shared.limiter
            && !token_in_time(limiter, current_deadline()).await
        {
            return Err(progenitor_client::Error::Custom(
                "the rate limiter's wait outlives the deadline".into(),
            ));
        }
        Ok(())
    }

    // Not an `async fn`: that would keep the request twice in the future,
    // once as the argument and once as the local the loop works on.
    fn exec(
        &self,
        mut request: reqwest::Request,
        info: &OperationInfo,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
        let shared = &self.inner.shared;
        let streamed = request.body().is_some_and(|b| b.as_bytes().is_none());
        let method = request.method().clone();
        let path = operation_path(info.operation_id);
        async move {
            let deadline = current_deadline();
            let mut attempt = 0;
            // The loop holds only what crosses an await; the rest is in plain
            // functions below, which keeps the code every call runs short.
            loop {
                attempt += 1;
                let (sending, rest, cut_to_deadline, timeout) =
                    start_attempt(&self.client, shared, request, streamed, deadline);
                record(|r| r.attempts += 1);
                let span = attempt_span(info.operation_id, &method, path, attempt);
                // The body is read here, inside the attempt: a connection reset or
                // a stall in the middle of the body is then one more failed
                // attempt (within the attempt's timeout), retried like any other.
                let exchange = async {
                    match sending.await {
                        Ok(response) => buffered(response).await,
                        Err(e) => Err(e),
                    }
                };
                // A span nobody listens to is neither entered nor timed.
                let result = if span.is_disabled() {
                    exchange.await
                } else {
                    let started = Instant::now();
                    let result = exchange.instrument(span.clone()).await;
                    span.record("latency_ms", started.elapsed().as_millis() as u64);
                    result
                };
                let retry = rest.is_some();
                let Some(delay) = settle(shared, &span, &method, attempt, &result, cut_to_deadline, retry)
                else {
                    note_failure(&self.baseurl, &result, timeout);
                    return result;
                };
                let Some(rest) = rest else { return result };
                // On the heap: only a call that is retried pays for the room
                // the pause and the wait for a token take.
                if !Box::pin(pause_before_retry(shared, delay, deadline)).await {
                    note_failure(&self.baseurl, &result, timeout);
                    return result;
                }
                request = rest;
            }
        }
    }
}

/// Waits `delay`, then for a token of the rate limiter; see [`token_in_time`].
async fn pause_before_retry(shared: &Shared, delay: Duration, deadline: Option<Deadline>) -> bool {
    tokio::time::sleep(delay).await;
    match &shared.limiter {
        Some(limiter) => token_in_time(limiter, deadline).await,
        None => true,
    }
}

/// Takes a token of the rate limiter; `false` (and the call marked out of
/// time) when the token would come after the deadline.
async fn token_in_time(limiter: &TokenBucket, deadline: Option<Deadline>) -> bool {
    let in_time = limiter.acquire_within(deadline.map(|d| d.remaining())).await;
    if !in_time {
        record(|r| r.out_of_time = true);
    }
    in_time
}

/// Starts one attempt: the request to send now, the copy kept for a retry
/// (none for a streamed body, which the upload methods rebuild instead),
/// whether the attempt's timeout was cut short by the call's deadline, and
/// the attempt's timeout.
#[inline(never)]
#[allow(clippy::type_complexity)]
fn start_attempt(
    http: &reqwest::Client,
    shared: &Shared,
    request: reqwest::Request,
    streamed: bool,
    deadline: Option<Deadline>,
) -> (
    impl Future<Output = reqwest::Result<reqwest::Response>> + use<>,
    Option<reqwest::Request>,
    bool,
    Duration,
) {
    let (mut this, rest) = match if streamed { None } else { request.try_clone() } {
        Some(copy) => (copy, Some(request)),
        None => (request, None),
    };
    // An attempt may not outlive the call: past the deadline, its timeout
    // (the client's, or the upload's own) is cut to the time left.
    let left = deadline.map(|d| d.remaining());
    let timeout = this.timeout().copied().unwrap_or(shared.attempt_timeout);
    let cut_to_deadline = left.is_some_and(|left| left < timeout);
    if cut_to_deadline {
        *this.timeout_mut() = left;
    }
    let timeout = left.filter(|_| cut_to_deadline).unwrap_or(timeout);
    (http.execute(this), rest, cut_to_deadline, timeout)
}

/// Records where a failed call's last attempt went and how long it was
/// allowed, for its error (not done for answers that succeed).
#[inline(never)]
fn note_failure(base_url: &str, result: &reqwest::Result<reqwest::Response>, timeout: Duration) {
    let url = match result {
        Ok(response) if response.status().is_success() => return,
        Ok(response) => Some(response.url()),
        Err(e) => e.url(),
    };
    let base_path = reqwest::Url::parse(base_url).map(|u| u.path().trim_end_matches('/').to_string());
    let path = url.map(|url| {
        let full = url.path();
        base_path.as_deref().ok().and_then(|base| full.strip_prefix(base)).unwrap_or(full).to_string()
    });
    record(|r| {
        r.request_path = path;
        r.timeout = Some(timeout);
    });
}

/// The `drata.request` span of one attempt.
#[inline(never)]
fn attempt_span(operation: &str, method: &reqwest::Method, path: &str, attempt: u32) -> tracing::Span {
    tracing::info_span!(
        "drata.request",
        operation,
        method = %method,
        path,
        attempt,
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    )
}

/// Records how an attempt ended and decides what follows: `Some(pause)`
/// before a retry, or `None` to return this result.
#[inline(never)]
fn settle(
    shared: &Shared,
    span: &tracing::Span,
    method: &reqwest::Method,
    attempt: u32,
    result: &reqwest::Result<reqwest::Response>,
    cut_to_deadline: bool,
    can_retry: bool,
) -> Option<Duration> {
    // A request that is not safe to repeat and got no answer may have been
    // acted on: it is never retried, and its error says so.
    if *method == reqwest::Method::POST && matches!(Outcome::of(result), Outcome::Lost) {
        record(|r| r.maybe_acted = true);
    }
    if cut_to_deadline && result.as_ref().is_err_and(reqwest::Error::is_timeout) {
        record(|r| r.out_of_time = true);
        return None;
    }
    let outcome = match result {
        Ok(response) => {
            let status = response.status();
            span.record("status", status.as_u16());
            record(|r| r.status = Some(status));
            if !status.is_success() {
                let wait = retry::retry_after(response.headers(), std::time::SystemTime::now());
                record(|r| r.retry_after = wait);
            }
            Outcome::Answer(status, response.headers())
        }
        Err(_) => Outcome::of(result),
    };
    let delay =
        if can_retry { shared.retry.next_delay(method, attempt, outcome, retry::jitter) } else { None };
    let Some(delay) = delay else {
        span.in_scope(|| match result {
            Ok(r) if r.status().is_success() => tracing::debug!("done"),
            Ok(r) => tracing::info!(status = r.status().as_u16(), "failed"),
            Err(e) => tracing::info!(error = %e, "failed"),
        });
        return None;
    };
    if !time_to_retry_after(delay) {
        span.in_scope(|| tracing::info!(delay_ms = delay.as_millis() as u64, "no time left to retry"));
        return None;
    }
    span.in_scope(|| tracing::warn!(delay_ms = delay.as_millis() as u64, "retrying"));
    Some(delay)
}

/// Reads the response's body into memory (the generated code reads it whole
/// anyway) and keeps it in the call's record: the response itself is passed
/// on as it came, its body consumed.
///
/// Not an `async fn`: that would keep the response twice in the future.
#[allow(clippy::manual_async_fn)]
fn buffered(mut response: reqwest::Response) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
    async move {
        // Room for the announced length, up to a bound: a server's claim is not
        // a reason to reserve memory before the bytes arrive.
        const RESERVE_AT_MOST: u64 = 1 << 20;
        let mut body = bytes::Bytes::new();
        let mut joined = bytes::BytesMut::new();
        while let Some(chunk) = response.chunk().await? {
            if body.is_empty() && joined.is_empty() {
                // Most answers arrive in one chunk, which is kept as it is.
                body = chunk;
                continue;
            }
            if joined.is_empty() {
                let announced = response.content_length().unwrap_or(0).min(RESERVE_AT_MOST);
                joined.reserve(usize::try_from(announced).unwrap_or(0).max(body.len() + chunk.len()));
                joined.extend_from_slice(&body);
            }
            joined.extend_from_slice(&chunk);
        }
        let body = if joined.is_empty() { body } else { joined.freeze() };
        record(|r| r.body = Some(body));
        Ok(response)
    }
}

/// The body of the answer `exec` passed on last in the current call: `exec`
/// reads it (the response's own body is then empty) and keeps it in the
/// call's record.
fn take_read_body() -> Option<bytes::Bytes> {
    CALL.try_with(|r| r.borrow_mut().body.take()).ok().flatten()
}

/// `ResponseValue::from_response` for the generated code and the uploads:
/// the same result, with the headers moved instead of copied.
///
/// # Errors
/// `ResponseBodyError` when the body cannot be read, `InvalidResponsePayload`
/// when it is not the JSON of `T`.
pub async fn from_response<T: serde::de::DeserializeOwned, E>(
    mut response: reqwest::Response,
) -> Result<ResponseValue<T>, progenitor_client::Error<E>> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let body = match take_read_body() {
        Some(body) => body,
        // Not read by `exec` (not sent through a call): read it now, on the
        // heap so that the common case does not carry the room it takes.
        None => Box::pin(response.bytes()).await.map_err(progenitor_client::Error::ResponseBodyError)?,
    };
    decode(status, headers, body)
}

/// The decoding half of [`from_response`], out of line: it is the same for
/// every state the generated futures can be in.
#[inline(never)]
#[allow(clippy::result_large_err)] // progenitor's error type, as the generated code expects
fn decode<T: serde::de::DeserializeOwned, E>(
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: bytes::Bytes,
) -> Result<ResponseValue<T>, progenitor_client::Error<E>> {
    let inner = serde_json::from_slice(&body)
        .map_err(|e| progenitor_client::Error::InvalidResponsePayload(body, e))?;
    Ok(ResponseValue::new(inner, status, headers))
}

/// Checks a bounded integer parameter before anything is sent; used by the
/// generated `send()`s with the bounds of the spec.
///
/// # Errors
/// [`Error::InvalidRequest`] naming the parameter, its bounds and the value.
pub fn check_range<V: IntegerParameter>(
    op: &'static Operation,
    name: &str,
    value: &Result<V, String>,
    min: Option<i64>,
    max: Option<i64>,
) -> Result<(), Error> {
    let Some(value) = value.as_ref().ok().and_then(IntegerParameter::value) else { return Ok(()) };
    if min.is_some_and(|min| value < min) || max.is_some_and(|max| value > max) {
        let range = match (min, max) {
            (Some(min), Some(max)) => format!("from {min} to {max}"),
            (Some(min), None) => format!("from {min}"),
            (None, Some(max)) => format!("up to {max}"),
            (None, None) => String::new(),
        };
        return Err(Error::InvalidRequest(format!(
            "{} {}: `{name}` must be a whole number {range}, not {value}",
            op.method, op.path
        )));
    }
    Ok(())
}

/// A parameter value [`check_range`] can check: an integer, set or not.
pub trait IntegerParameter {
    /// The value, if set.
    fn value(&self) -> Option<i64>;
}

impl IntegerParameter for i64 {
    fn value(&self) -> Option<i64> {
        Some(*self)
    }
}

impl IntegerParameter for Option<i64> {
    fn value(&self) -> Option<i64> {
        *self
    }
}

/// `RequestBuilder::query` for an optional parameter, used by the generated
/// builders: an unset parameter is skipped instead of costing a rewrite of
/// the URL.
pub trait OptionalQuery {
    /// Adds `name=value` to the query when `value` is set, the way
    /// progenitor's `QueryParam` writes it (arrays as repeated names).
    fn optional_query<T: serde::Serialize>(self, name: &str, value: &Option<T>) -> Self;
}

impl OptionalQuery for reqwest::RequestBuilder {
    #[inline]
    fn optional_query<T: serde::Serialize>(self, name: &str, value: &Option<T>) -> Self {
        match value {
            Some(value) => self.query(&progenitor_client::QueryParam::new(name, value)),
            None => self,
        }
    }
}

fn operation_path(operation_id: &str) -> &'static str {
    crate::operations::ALL.iter().find(|op| op.id == operation_id).map_or("", |op| op.path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upload_attempt_may_take_the_timeout_plus_the_file_at_the_slowest_speed() {
        let runtime =
            |speed| Runtime::new(RetryPolicy::none(), None, Duration::from_secs(30), speed, None, None);
        assert_eq!(runtime(64 * 1024).upload_timeout(0), Duration::from_secs(30));
        assert_eq!(runtime(64 * 1024).upload_timeout(200 * 1024 * 1024), Duration::from_secs(30 + 3200));
        assert_eq!(runtime(0).upload_timeout(10), Duration::from_secs(40), "a speed of 0 counts as 1 B/s");
        assert_eq!(runtime(1).upload_timeout(u64::MAX), Duration::MAX, "saturates instead of overflowing");
    }

    #[test]
    fn an_unset_optional_query_parameter_leaves_the_url_alone() {
        let http = reqwest::Client::new();
        let url = |builder: reqwest::RequestBuilder| builder.build().map(|r| r.url().to_string()).ok();
        let base = "https://example.com/public/connections";
        assert_eq!(url(http.get(base).optional_query("limit", &None::<i64>)).as_deref(), Some(base));
        assert_eq!(
            url(http
                .get(base)
                .optional_query("limit", &Some(5))
                .optional_query("providerTypes", &Some(["MDM", "IDP"]))),
            url(http
                .get(base)
                .query(&progenitor_client::QueryParam::new("limit", &5))
                .query(&progenitor_client::QueryParam::new("providerTypes", &["MDM", "IDP"]))),
        );
    }
}
