//! [`Wait`]: a pause the client makes inside a call, told to whoever asked
//! with [`crate::ClientBuilder::on_wait`] (the CLI says on stderr why it is
//! silent), before it begins.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::limiter::RateLimit;
use crate::operation::Operation;

/// A pause inside a call, before it begins: how long, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Wait {
    /// The call's operation.
    pub operation: &'static Operation,
    /// How long the pause lasts.
    pub duration: Duration,
    /// Why.
    pub reason: WaitReason,
}

/// Why the client pauses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitReason {
    /// The client's rate limiter has no token left: the call waits for one
    /// before sending.
    RateLimit(RateLimit),
    /// The last attempt failed with a failure worth retrying; the next one
    /// starts after the pause.
    Retry {
        /// The attempt that failed.
        attempt: u32,
        /// Its status, when an answer came (429, 5xx).
        status: Option<u16>,
        /// Whether the pause is the one the answer's `Retry-After` asked for.
        asked: bool,
    },
}

impl fmt::Display for Wait {
    /// `waiting 17 s for the rate limit (500 requests per 60 s) before GET /users/{id}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let how_long = crate::error::seconds(self.duration);
        let what = self.operation.describe();
        match self.reason {
            WaitReason::RateLimit(limit) => write!(
                f,
                "waiting {how_long} for the rate limit ({} requests per {}) before {what}",
                limit.requests(),
                crate::error::seconds(limit.period())
            ),
            WaitReason::Retry { attempt, status, asked } => {
                let failed = match status {
                    Some(status) => format!("answered {status}"),
                    None => "got no answer".to_string(),
                };
                let asked = if asked { ", as Drata asked" } else { "" };
                write!(f, "attempt {attempt} of {what} {failed}; waiting {how_long} before retrying{asked}")
            }
        }
    }
}

/// What [`crate::ClientBuilder::on_wait`] was given.
#[derive(Clone)]
pub(crate) struct WaitObserver(pub(crate) Arc<dyn Fn(&Wait) + Send + Sync>);

impl fmt::Debug for WaitObserver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WaitObserver")
    }
}
