//! The one attempt loop every call goes through, generated operation or
//! upload alike: [`execute`]. Around each attempt: a token of the rate
//! limiter, the attempt's timeout (cut to the call's deadline), a tracing
//! span; after it, the retry decision. The call's state is a
//! [`CallContext`] the loop owns and hands to the decoding of the answer.
//!
//! Modules: `context` (the call's state and deadline), `attempt` (sending
//! one attempt and reading its answer), `decode` (the answer, or the error,
//! a call ends with).

mod attempt;
mod context;
mod decode;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde::de::DeserializeOwned;
use tokio::time::Instant;
use tracing::Instrument;

use crate::Client;
use crate::error::{Error, Waiting};
use crate::limiter::RateLimiter;
use crate::operation::BodyKind;
use crate::request::{Body, Request};
use crate::response::Response;
use crate::retry::{Outcome, RetryPolicy, policy};
use crate::wait::{Wait, WaitObserver, WaitReason};

use context::CallContext;

/// The settings every call of a client follows; shared by its clones.
#[derive(Debug, Clone)]
pub struct Runtime {
    shared: Arc<Settings>,
}

/// What every call of a client follows, as the builder set it.
#[derive(Debug)]
pub(crate) struct Settings {
    pub(crate) retry: RetryPolicy,
    pub(crate) limiter: Option<RateLimiter>,
    pub(crate) attempt_timeout: Duration,
    pub(crate) upload_min_speed: u64,
    pub(crate) call_deadline: Option<Duration>,
    pub(crate) upload_call_deadline: Option<Duration>,
    pub(crate) max_answer_bytes: u64,
    pub(crate) redactor: crate::redact::Redactor,
    pub(crate) on_wait: Option<WaitObserver>,
}

impl Runtime {
    pub(crate) fn new(settings: Settings) -> Self {
        Self { shared: Arc::new(settings) }
    }

    /// Tells the observer of waits, if any, that `wait` begins.
    fn tell(&self, wait: Wait) {
        if let Some(observer) = &self.shared.on_wait {
            (observer.0)(&wait);
        }
    }

    /// How long one attempt of `body` may take: the attempt timeout, plus,
    /// for an upload, its size at the slowest speed waited for.
    fn attempt_timeout(&self, body: &Body) -> Duration {
        let settings = &self.shared;
        match body {
            Body::Form(form) => settings
                .attempt_timeout
                .saturating_add(Duration::from_secs(form.file_bytes() / settings.upload_min_speed.max(1))),
            Body::None | Body::Json(_) => settings.attempt_timeout,
        }
    }
}

/// Runs one call: attempts until an answer that is not retried, the
/// retries run out, or the deadline leaves no time for the next; then reads
/// the answer as `T`.
///
/// Only the reading is generic: the attempt loop ([`attempts`]) is
/// compiled once for every operation, not once per answer type (with Drata's
/// 116 operations, that is most of what a program using the client compiles).
///
/// # Errors
/// Every [`Error`] a call can end in.
pub(crate) async fn execute<T: DeserializeOwned>(
    client: &Client,
    request: Request,
) -> Result<Response<T>, Error> {
    let answer = attempts(client, request).await?;
    decode::read(answer)
}

/// Runs a typed builder's call: its request as the builder made it (or the
/// reason it could not), then as [`execute`].
///
/// The builders' `send` is `#[inline]` and returns this future, so that
/// the reading of each answer type is compiled where a program calls the
/// operation, not for every operation in this crate: a program pays for
/// the operations it uses.
///
/// # Errors
/// The builder's own [`Error::InvalidRequest`], else as [`execute`].
#[cfg_attr(
    not(any(feature = "v1", feature = "api-v2")),
    allow(dead_code, reason = "used by the operations of the areas a build has")
)]
pub(crate) async fn send<T: DeserializeOwned>(
    client: &Client,
    request: Result<Request, Error>,
) -> Result<Response<T>, Error> {
    execute(client, request?).await
}

/// The attempt loop: the call's last answer, a success's, or the error it
/// ends in.
///
/// # Errors
/// Every [`Error`] a call can end in but one of decoding.
async fn attempts(client: &Client, request: Request) -> Result<decode::Success, Error> {
    let settings = &client.inner.shared;
    let (operation, request_path, template, body) = request.into_parts()?;
    let deadline = match operation.body {
        BodyKind::Multipart => settings.upload_call_deadline,
        BodyKind::None | BodyKind::Json => settings.call_deadline,
    };
    let mut context = CallContext::new(operation, request_path, deadline);
    loop {
        // The attempt's token, taken within the deadline: a wait that would
        // outlive it ends the call without sending anything more.
        if let Some(limiter) = &settings.limiter {
            match limiter.reserve_within(context.time_left()) {
                Ok(wait) if wait.is_zero() => {}
                Ok(wait) => {
                    client.inner.tell(Wait {
                        operation,
                        duration: wait,
                        reason: WaitReason::RateLimit(limiter.limit()),
                    });
                    tracing::debug!(wait_ms = wait.as_millis() as u64, "rate limiter: waiting for a token");
                    tokio::time::sleep(wait).await;
                }
                Err(wait) => return Err(out_of_time(context, Waiting::RateLimit(wait))),
            }
        }
        context.attempts += 1;
        let (timeout, cut) = context.attempt_timeout(client.inner.attempt_timeout(&body));
        let span = attempt_span(&context);
        let sending = attempt::send(&client.client, &template, &body, timeout, settings.max_answer_bytes);
        let sent = if span.is_disabled() {
            sending.await
        } else {
            let started = Instant::now();
            let sent = sending.instrument(span.clone()).await;
            span.record("latency_ms", started.elapsed().as_millis() as u64);
            sent
        };
        let result = match sent {
            Ok(result) => result,
            Err(attempt::Stop::Unsendable(e)) => return Err(e),
            Err(attempt::Stop::TooLarge { status, announced }) => {
                span.in_scope(|| tracing::info!(status, "the answer is too large"));
                return Err(Error::AnswerTooLarge {
                    operation,
                    request_path: context.request_path,
                    status,
                    limit: settings.max_answer_bytes,
                    announced,
                });
            }
        };
        // The key masked in whatever the server sent, before anything reads it.
        let result = result.map(|mut answer| {
            settings.redactor.headers(&mut answer.headers);
            answer.body = settings.redactor.bytes(answer.body);
            answer
        });
        let outcome = match &result {
            Ok(answer) => {
                span.record("status", answer.status);
                Outcome::answer(answer.status, &answer.headers, SystemTime::now())
            }
            Err(e) => Outcome::failure(e),
        };
        if let Outcome::Answer { retry_after, .. } = outcome {
            context.retry_after = retry_after;
        }
        // A request that is not safe to repeat and got no answer may have
        // been acted on: it is never retried, and its error says so.
        if outcome == Outcome::Lost && !operation.method.is_idempotent() {
            context.maybe_acted = true;
        }
        if let Err(e) = &result
            && e.is_builder()
        {
            // reqwest could not make the request: nothing left, and nothing
            // would change on a retry.
            return Err(crate::request::invalid(operation, format!("the request cannot be made: {e}")));
        }
        if cut && result.as_ref().is_err_and(reqwest::Error::is_timeout) && !context.maybe_acted {
            span.in_scope(|| tracing::info!("the deadline passed"));
            return Err(out_of_time(context, Waiting::Answer));
        }
        let Some(delay) =
            settings.retry.next_delay(operation.method, context.attempts, outcome, policy::jitter)
        else {
            span.in_scope(|| match &result {
                Ok(answer) if operation.is_success(answer.status) => tracing::debug!("done"),
                Ok(answer) => tracing::info!(status = answer.status, "failed"),
                Err(e) => tracing::info!(error = %e, "failed"),
            });
            return decode::finish(context, result);
        };
        if !context.fits(delay) {
            span.in_scope(|| tracing::info!(delay_ms = delay.as_millis() as u64, "no time left to retry"));
            return Err(out_of_time(context, Waiting::Retry(delay)));
        }
        span.in_scope(|| tracing::warn!(delay_ms = delay.as_millis() as u64, "retrying"));
        let (status, asked) = match outcome {
            Outcome::Answer { status, retry_after } => (Some(status), retry_after.is_some()),
            Outcome::NotConnected | Outcome::Lost => (None, false),
        };
        let reason = WaitReason::Retry { attempt: context.attempts, status, asked };
        client.inner.tell(Wait { operation, duration: delay, reason });
        tokio::time::sleep(delay).await;
    }
}

/// The call's deadline passed, or would during what came next.
fn out_of_time(context: CallContext, waiting: Waiting) -> Error {
    Error::Deadline {
        operation: context.operation,
        request_path: context.request_path,
        after: context.deadline.map_or(Duration::ZERO, |d| d.limit),
        attempts: context.attempts,
        waiting,
    }
}

/// The `drata.request` span of one attempt.
fn attempt_span(context: &CallContext) -> tracing::Span {
    tracing::info_span!(
        "drata.request",
        operation = context.operation.id,
        method = context.operation.method.as_str(),
        path = context.operation.path,
        attempt = context.attempts,
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    )
}
