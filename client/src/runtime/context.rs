//! [`CallContext`]: what one call has been through so far, passed
//! explicitly from the attempt loop to the error it may end in.

use std::time::Duration;

use tokio::time::Instant;

use crate::operation::Operation;

/// A call's deadline: the instant it passes and the limit it came from.
///
/// It is enforced without a timer of its own: every wait (the rate limiter,
/// the pause before a retry) is checked against it first, and an attempt that
/// would outlive it gets the time left as its timeout.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline {
    at: Instant,
    pub(crate) limit: Duration,
}

impl Deadline {
    pub(crate) fn after(limit: Duration) -> Option<Self> {
        Some(Self { at: Instant::now().checked_add(limit)?, limit })
    }

    pub(crate) fn remaining(&self) -> Duration {
        self.at.saturating_duration_since(Instant::now())
    }
}

/// One call, as it goes.
#[derive(Debug)]
pub(crate) struct CallContext {
    pub(crate) operation: &'static Operation,
    /// The path the request goes to, relative to the API root.
    pub(crate) request_path: String,
    pub(crate) deadline: Option<Deadline>,
    /// Attempts started.
    pub(crate) attempts: u32,
    /// The timeout the last attempt was given.
    pub(crate) timeout: Duration,
    /// The wait the last answer asked for with `Retry-After`.
    pub(crate) retry_after: Option<Duration>,
    /// A request that is not safe to repeat may have reached the server, and
    /// its answer was lost.
    pub(crate) maybe_acted: bool,
}

impl CallContext {
    pub(crate) fn new(
        operation: &'static Operation,
        request_path: String,
        deadline: Option<Duration>,
    ) -> Self {
        Self {
            operation,
            request_path,
            deadline: deadline.and_then(Deadline::after),
            attempts: 0,
            timeout: Duration::ZERO,
            retry_after: None,
            maybe_acted: false,
        }
    }

    /// The time left before the deadline, if there is one.
    pub(crate) fn time_left(&self) -> Option<Duration> {
        self.deadline.map(|d| d.remaining())
    }

    /// The timeout of the next attempt: `timeout`, or the time left when
    /// that is shorter; and whether it was cut so.
    pub(crate) fn attempt_timeout(&mut self, timeout: Duration) -> (Duration, bool) {
        let (timeout, cut) = match self.time_left() {
            Some(left) if left < timeout => (left, true),
            _ => (timeout, false),
        };
        self.timeout = timeout;
        (timeout, cut)
    }

    /// Whether a pause of `delay` before the next attempt ends in time.
    pub(crate) fn fits(&self, delay: Duration) -> bool {
        self.time_left().is_none_or(|left| delay < left)
    }
}
