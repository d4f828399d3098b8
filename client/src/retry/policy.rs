//! [`RetryPolicy`]: whether to try again, and how long to wait first.

use std::time::Duration;

use super::Outcome;
use crate::operation::Method;

/// How failed requests are retried.
///
/// Retried: connection failures, and the statuses 408, 429, 500, 502, 503 and
/// 504, with exponential backoff and full jitter, or after the server's
/// `Retry-After` (seconds or an HTTP date, capped by
/// [`RetryPolicy::max_retry_after`]). Never retried: 400, 401, 402, 403, 404,
/// 412 and any other status. A `POST` (which creates a connection) is retried
/// only when the server cannot have acted on it: the connection was refused,
/// or it answered 429.
///
/// ```
/// use std::time::Duration;
/// let policy = drata::RetryPolicy::default().max_attempts(5).base_delay(Duration::from_millis(100));
/// assert_eq!(policy.attempts(), 5);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// 3 attempts, backoff from 250 ms up to 10 s, `Retry-After` honoured up to 60 s.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries: every request is attempted once.
    pub fn none() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    /// The maximum number of attempts, first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The first backoff delay; each retry doubles it, up to the maximum.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest backoff delay.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The longest wait a server's `Retry-After` may impose; a longer one
    /// ends the retries with the server's answer.
    pub fn max_retry_after(mut self, cap: Duration) -> Self {
        self.max_retry_after = cap;
        self
    }

    /// The maximum number of attempts.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// How long to wait before the next attempt, or `None` not to retry.
    /// `attempt` is the number of the attempt that just ended (1-based);
    /// `jitter` gives a random number in `[0, 1)`; it is only asked for
    /// when there is a backoff to spread.
    pub(crate) fn next_delay(
        &self,
        method: Method,
        attempt: u32,
        outcome: Outcome,
        jitter: impl FnOnce() -> f64,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let may_repeat_writes = method.is_idempotent();
        match outcome {
            Outcome::NotConnected => Some(self.backoff(attempt, jitter)),
            Outcome::Lost if may_repeat_writes => Some(self.backoff(attempt, jitter)),
            Outcome::Lost => None,
            Outcome::Answer { status, retry_after } => {
                let retryable = match status {
                    429 => true,
                    408 | 500 | 502 | 503 | 504 => may_repeat_writes,
                    _ => false,
                };
                if !retryable {
                    return None;
                }
                match retry_after {
                    Some(wait) if wait > self.max_retry_after => None,
                    Some(wait) => Some(wait),
                    None => Some(self.backoff(attempt, jitter)),
                }
            }
        }
    }

    /// Exponential backoff with full jitter: a random delay in
    /// `[0, min(max, base × 2^(attempt-1)))`.
    fn backoff(&self, attempt: u32, jitter: impl FnOnce() -> f64) -> Duration {
        let exp = self.base_delay.saturating_mul(1u32 << attempt.saturating_sub(1).min(20));
        exp.min(self.max_delay).mul_f64(jitter().clamp(0.0, 1.0))
    }
}

/// A random number in `[0, 1)` for jitter.
pub(crate) fn jitter() -> f64 {
    fastrand::f64()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, retry_after: Option<u64>) -> Outcome {
        Outcome::Answer { status, retry_after: retry_after.map(Duration::from_secs) }
    }

    #[test]
    fn retries_the_documented_statuses_and_not_the_others() {
        let p = RetryPolicy::default().base_delay(Duration::from_millis(100));
        for status in [408, 429, 500, 502, 503, 504] {
            assert!(p.next_delay(Method::Put, 1, answer(status, None), || 0.5).is_some(), "{status}");
        }
        for status in [200, 400, 401, 402, 403, 404, 412, 501] {
            assert_eq!(p.next_delay(Method::Get, 1, answer(status, None), || 0.5), None, "{status}");
        }
    }

    #[test]
    fn a_post_is_retried_only_when_the_server_cannot_have_acted() {
        let p = RetryPolicy::default();
        assert!(p.next_delay(Method::Post, 1, Outcome::NotConnected, || 0.5).is_some());
        assert!(p.next_delay(Method::Post, 1, answer(429, None), || 0.5).is_some());
        assert_eq!(p.next_delay(Method::Post, 1, Outcome::Lost, || 0.5), None);
        assert_eq!(p.next_delay(Method::Post, 1, answer(503, None), || 0.5), None);
        assert_eq!(p.next_delay(Method::Patch, 1, Outcome::Lost, || 0.5), None);
        assert!(p.next_delay(Method::Put, 1, Outcome::Lost, || 0.5).is_some());
        assert!(p.next_delay(Method::Delete, 1, answer(503, None), || 0.5).is_some());
    }

    #[test]
    fn stops_after_the_maximum_attempts() {
        let p = RetryPolicy::default().max_attempts(2);
        assert!(p.next_delay(Method::Get, 1, Outcome::NotConnected, || 0.5).is_some());
        assert_eq!(p.next_delay(Method::Get, 2, Outcome::NotConnected, || 0.5), None);
        assert_eq!(RetryPolicy::default().max_attempts(0).attempts(), 1, "at least one attempt");
        assert_eq!(RetryPolicy::none().attempts(), 1);
        assert_eq!((p.attempts(), RetryPolicy::default().max_attempts(5).attempts()), (2, 5));
    }

    #[test]
    fn backoff_is_exponential_with_full_jitter_and_capped() {
        let p = RetryPolicy::default()
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(350))
            .max_attempts(10);
        let d = |attempt, jitter: f64| p.next_delay(Method::Get, attempt, Outcome::NotConnected, || jitter);
        assert_eq!(d(1, 0.5), Some(Duration::from_millis(50)));
        assert_eq!(d(2, 0.5), Some(Duration::from_millis(100)));
        assert_eq!(d(3, 0.999_999), Some(Duration::from_millis(350).mul_f64(0.999_999)));
        assert_eq!(d(9, 0.0), Some(Duration::ZERO));
        assert_eq!(d(1, 7.0), Some(Duration::from_millis(100)), "jitter is clamped to 1");
    }

    #[test]
    fn retry_after_is_waited_up_to_the_cap_and_no_longer() {
        let p = RetryPolicy::default().max_retry_after(Duration::from_secs(30));
        let wait = |seconds| p.next_delay(Method::Get, 1, answer(429, Some(seconds)), || 0.5);
        assert_eq!(wait(2), Some(Duration::from_secs(2)));
        assert_eq!(wait(30), Some(Duration::from_secs(30)));
        assert_eq!(wait(31), None);
    }

    #[test]
    fn backoff_past_many_attempts_stays_at_the_maximum_without_overflowing() {
        let p = RetryPolicy::default()
            .max_attempts(100)
            .base_delay(Duration::from_millis(1))
            .max_delay(Duration::from_secs(3600));
        for attempt in [21, 33, 64, 99] {
            let delay = p.next_delay(Method::Get, attempt, Outcome::NotConnected, || 0.999_999);
            // 2^20 ms is the most the doubling goes to: about 17.5 minutes.
            assert_eq!(delay, Some(Duration::from_millis(1 << 20).mul_f64(0.999_999)), "attempt {attempt}");
        }
    }

    #[test]
    fn jitter_is_in_range_and_varies() {
        let values: Vec<f64> = (0..100).map(|_| jitter()).collect();
        assert!(values.iter().all(|v| (0.0..1.0).contains(v)));
        assert!(values.windows(2).any(|w| w[0] != w[1]));
    }
}
