//! When to retry a request, and how long to wait first.

use std::time::{Duration, SystemTime};

use reqwest::{Method, StatusCode};

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

/// What the last attempt ended with, as far as retrying is concerned.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Outcome<'a> {
    /// An answer, with its status and headers.
    Answer(StatusCode, &'a reqwest::header::HeaderMap),
    /// No answer: the connection was refused or could not be made.
    NotConnected,
    /// No answer, but the request may have reached the server (timeout, reset).
    Lost,
}

impl<'a> Outcome<'a> {
    /// How an attempt ended: its answer, or why there was none.
    #[inline]
    pub(crate) fn of(result: &'a reqwest::Result<reqwest::Response>) -> Self {
        match result {
            Ok(response) => Outcome::Answer(response.status(), response.headers()),
            Err(e) if e.is_connect() => Outcome::NotConnected,
            Err(_) => Outcome::Lost,
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
        method: &Method,
        attempt: u32,
        outcome: Outcome<'_>,
        jitter: impl FnOnce() -> f64,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let may_repeat_writes = method != Method::POST;
        match outcome {
            Outcome::NotConnected => Some(self.backoff(attempt, jitter)),
            Outcome::Lost if may_repeat_writes => Some(self.backoff(attempt, jitter)),
            Outcome::Lost => None,
            Outcome::Answer(status, headers) => {
                let retryable = match status.as_u16() {
                    429 => true,
                    408 | 500 | 502 | 503 | 504 => may_repeat_writes,
                    _ => false,
                };
                if !retryable {
                    return None;
                }
                match retry_after(headers, SystemTime::now()) {
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

/// The wait a `Retry-After` header asks for: whole seconds, or an HTTP date.
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let date = SystemTime::from(date.with_timezone(&chrono::Utc));
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A random number in `[0, 1)` for jitter, without a random-number crate:
/// std's `RandomState` is seeded randomly per process, and hashing a counter
/// with it gives independent values.
pub(crate) fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};

    fn headers(retry_after: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(v) = retry_after {
            h.insert(RETRY_AFTER, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn retries_the_documented_statuses_and_not_the_others() {
        let p = RetryPolicy::default().base_delay(Duration::from_millis(100));
        let h = headers(None);
        for status in [408, 429, 500, 502, 503, 504] {
            let s = StatusCode::from_u16(status).unwrap();
            assert!(p.next_delay(&Method::PUT, 1, Outcome::Answer(s, &h), || 0.5).is_some(), "{status}");
        }
        for status in [400, 401, 402, 403, 404, 412, 501] {
            let s = StatusCode::from_u16(status).unwrap();
            assert_eq!(p.next_delay(&Method::GET, 1, Outcome::Answer(s, &h), || 0.5), None, "{status}");
        }
    }

    #[test]
    fn a_post_is_retried_only_when_the_server_cannot_have_acted() {
        let p = RetryPolicy::default();
        let h = headers(None);
        assert!(p.next_delay(&Method::POST, 1, Outcome::NotConnected, || 0.5).is_some());
        assert!(
            p.next_delay(&Method::POST, 1, Outcome::Answer(StatusCode::TOO_MANY_REQUESTS, &h), || 0.5)
                .is_some()
        );
        assert_eq!(p.next_delay(&Method::POST, 1, Outcome::Lost, || 0.5), None);
        assert_eq!(
            p.next_delay(&Method::POST, 1, Outcome::Answer(StatusCode::SERVICE_UNAVAILABLE, &h), || 0.5),
            None
        );
        assert!(p.next_delay(&Method::PUT, 1, Outcome::Lost, || 0.5).is_some());
    }

    #[test]
    fn stops_after_the_maximum_attempts() {
        let p = RetryPolicy::default().max_attempts(2);
        assert!(p.next_delay(&Method::GET, 1, Outcome::NotConnected, || 0.5).is_some());
        assert_eq!(p.next_delay(&Method::GET, 2, Outcome::NotConnected, || 0.5), None);
    }

    #[test]
    fn backoff_is_exponential_with_full_jitter_and_capped() {
        let p = RetryPolicy::default()
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(350));
        let d = |attempt, jitter: f64| p.next_delay(&Method::GET, attempt, Outcome::NotConnected, || jitter);
        let p = p.clone().max_attempts(10);
        let d10 =
            |attempt, jitter: f64| p.next_delay(&Method::GET, attempt, Outcome::NotConnected, || jitter);
        assert_eq!(d(1, 0.5), Some(Duration::from_millis(50)));
        assert_eq!(d(2, 0.5), Some(Duration::from_millis(100)));
        assert_eq!(d10(3, 0.999_999), Some(Duration::from_millis(350).mul_f64(0.999_999)));
        assert_eq!(d10(9, 0.0), Some(Duration::ZERO));
    }

    #[test]
    fn retry_after_in_seconds_and_as_an_http_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(retry_after(&headers(Some("2")), now), Some(Duration::from_secs(2)));
        // 1_700_000_005 = Tue, 14 Nov 2023 22:13:25 GMT
        assert_eq!(
            retry_after(&headers(Some("Tue, 14 Nov 2023 22:13:25 GMT")), now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(retry_after(&headers(Some("Tue, 14 Nov 2023 22:13:15 GMT")), now), Some(Duration::ZERO));
        assert_eq!(retry_after(&headers(Some("soon")), now), None);
        let p = RetryPolicy::default().max_retry_after(Duration::from_secs(1));
        let h = headers(Some("30"));
        assert_eq!(
            p.next_delay(&Method::GET, 1, Outcome::Answer(StatusCode::TOO_MANY_REQUESTS, &h), || 0.5),
            None
        );
    }

    #[test]
    fn a_retry_after_equal_to_the_cap_is_still_waited_for() {
        let p = RetryPolicy::default().max_retry_after(Duration::from_secs(30));
        let wait = |seconds: &str| {
            let h = headers(Some(seconds));
            p.next_delay(&Method::GET, 1, Outcome::Answer(StatusCode::TOO_MANY_REQUESTS, &h), || 0.5)
        };
        assert_eq!(wait("30"), Some(Duration::from_secs(30)));
        assert_eq!(wait("31"), None);
    }

    #[test]
    fn backoff_past_many_attempts_stays_at_the_maximum_without_overflowing() {
        let p = RetryPolicy::default()
            .max_attempts(100)
            .base_delay(Duration::from_millis(1))
            .max_delay(Duration::from_secs(3600));
        for attempt in [21, 33, 64, 99] {
            let delay = p.next_delay(&Method::GET, attempt, Outcome::NotConnected, || 0.999_999);
            // 2^20 ms is the most the doubling goes to: about 17.5 minutes.
            assert_eq!(delay, Some(Duration::from_millis(1 << 20).mul_f64(0.999_999)), "attempt {attempt}");
        }
    }

    #[tokio::test]
    async fn outcomes_tell_a_refused_connection_from_a_lost_answer() {
        // Nothing listens on port 1 of loopback: the connection is refused.
        let result = reqwest::Client::new().get("http://127.0.0.1:1/").send().await;
        assert!(matches!(Outcome::of(&result), Outcome::NotConnected), "{result:?}");
        // A server that takes the request and closes: the answer is lost.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            if let Ok((mut stream, _)) = listener.accept().await {
                let mut buffer = [0u8; 1024];
                let _ = tokio::io::AsyncReadExt::read(&mut stream, &mut buffer).await;
            }
        });
        let result = reqwest::Client::new().get(format!("http://{address}/")).send().await;
        assert!(matches!(Outcome::of(&result), Outcome::Lost), "{result:?}");
    }

    #[test]
    fn jitter_is_in_range_and_varies() {
        let values: Vec<f64> = (0..100).map(|_| jitter()).collect();
        assert!(values.iter().all(|v| (0.0..1.0).contains(v)));
        assert!(values.windows(2).any(|w| w[0] != w[1]));
    }
}
