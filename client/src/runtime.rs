//! What happens around every request, generated or hand-written: rate
//! limiting, retries, timeouts, tracing, and the context errors carry.
//!
//! Every operation method ends in [`call`] (generated `send()`s are rewritten
//! by the generator to do so), which sets up a per-call record and the overall
//! deadline; progenitor then runs the [`ClientHooks`] below around the HTTP
//! exchange, and `exec` performs the attempts.

use std::cell::RefCell;
use std::future::Future;
use std::sync::Arc;
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
    deadline: Option<Duration>,
    upload_deadline: Option<Duration>,
}

impl Default for Runtime {
    fn default() -> Self {
        Self::new(RetryPolicy::default(), Some(RateLimit::DRATA), Duration::from_secs(30), None, None)
    }
}

impl Runtime {
    pub(crate) fn new(
        retry: RetryPolicy,
        rate_limit: Option<RateLimit>,
        attempt_timeout: Duration,
        deadline: Option<Duration>,
        upload_deadline: Option<Duration>,
    ) -> Self {
        Self {
            shared: Arc::new(Shared {
                retry,
                limiter: rate_limit.map(TokenBucket::new),
                attempt_timeout,
                deadline,
                upload_deadline,
            }),
        }
    }

    pub(crate) fn retry(&self) -> &RetryPolicy {
        &self.shared.retry
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
}

tokio::task_local! {
    static CALL: RefCell<CallRecord>;
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
    // The exchange's future is large (about 7 KB: the attempts, the retry
    // sleeps, the body and its decoding). Boxed once here, before the first
    // await, it is not copied again each time the futures around it move.
    let request = Box::pin(request);
    async move {
        let record = RefCell::new(CallRecord::default());
        let deadline =
            if is_upload(op) { client.inner.shared.upload_deadline } else { client.inner.shared.deadline };
        let (result, record) = CALL
            .scope(record, async move {
                let result = match deadline {
                    Some(limit) => tokio::time::timeout(limit, request).await.map_err(|_| limit),
                    None => Ok(request.await),
                };
                (result, CALL.with(|r| r.borrow().clone()))
            })
            .await;
        match result {
            Ok(Ok(value)) => Ok(value),
            // Boxed: only failures pay for the room reading an error body takes.
            Ok(Err(error)) => Err(Box::pin(Error::from_operation::<T>(error, op, &record)).await),
            Err(after) => Err(Error::Deadline { operation: op, after, attempts: record.attempts }),
        }
    }
}

fn is_upload(op: &Operation) -> bool {
    op.path.ends_with("/upload/csv")
}

/// The header progenitor adds to every request (the spec's `info.version`).
/// Drata does not define it, so it is not sent.
const PROGENITOR_VERSION_HEADER: &str = "api-version";

impl ClientHooks<Runtime> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        request.headers_mut().remove(PROGENITOR_VERSION_HEADER);
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
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let shared = &self.inner.shared;
        let mut request = request;
        let streamed = request.body().is_some_and(|b| b.as_bytes().is_none());
        if !streamed && request.timeout().is_none() {
            *request.timeout_mut() = Some(shared.attempt_timeout);
        }
        let method = request.method().clone();
        let path = operation_path(info.operation_id);
        let mut attempt = 0;
        loop {
            attempt += 1;
            // A streamed body cannot be cloned: it is sent once here, and the
            // upload methods retry by rebuilding it.
            let (this, rest) = match if streamed { None } else { request.try_clone() } {
                Some(copy) => (copy, Some(request)),
                None => (request, None),
            };
            if let Some(limiter) = &shared.limiter {
                limiter.acquire().await;
            }
            record(|r| r.attempts += 1);
            let span = tracing::info_span!(
                "drata.request",
                operation = info.operation_id,
                method = %method,
                path,
                attempt,
                status = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
            );
            let started = Instant::now();
            // The body is read here, inside the attempt: a connection reset or
            // a stall in the middle of the body is then one more failed
            // attempt (within the attempt's timeout), retried like any other.
            let result = match self.client.execute(this).instrument(span.clone()).await {
                Ok(response) => buffered(response).instrument(span.clone()).await,
                Err(e) => Err(e),
            };
            span.record("latency_ms", started.elapsed().as_millis() as u64);
            let outcome = match &result {
                Ok(response) => {
                    span.record("status", response.status().as_u16());
                    record(|r| r.status = Some(response.status()));
                    Outcome::Answer(response.status(), response.headers())
                }
                Err(e) if e.is_connect() => Outcome::NotConnected,
                Err(_) => Outcome::Lost,
            };
            if let Ok(response) = &result {
                let wait = retry::retry_after(response.headers(), std::time::SystemTime::now());
                record(|r| r.retry_after = wait);
            }
            let delay = match rest {
                Some(_) => shared.retry.next_delay(&method, attempt, outcome, retry::jitter()),
                None => None,
            };
            match (delay, rest) {
                (Some(delay), Some(rest)) => {
                    request = rest;
                    span.in_scope(|| tracing::warn!(delay_ms = delay.as_millis() as u64, "retrying"));
                    tokio::time::sleep(delay).await;
                }
                _ => {
                    span.in_scope(|| match &result {
                        Ok(r) if r.status().is_success() => tracing::debug!("done"),
                        Ok(r) => tracing::info!(status = r.status().as_u16(), "failed"),
                        Err(e) => tracing::info!(error = %e, "failed"),
                    });
                    return result;
                }
            }
        }
    }
}

/// The response with its body read into memory (the generated code reads it
/// whole anyway).
async fn buffered(response: reqwest::Response) -> reqwest::Result<reqwest::Response> {
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    let mut buffered = http::Response::new(body);
    *buffered.status_mut() = status;
    *buffered.version_mut() = version;
    *buffered.headers_mut() = headers;
    Ok(reqwest::Response::from(buffered))
}

fn operation_path(operation_id: &str) -> &'static str {
    crate::operations::ALL.iter().find(|op| op.id == operation_id).map_or("", |op| op.path)
}
