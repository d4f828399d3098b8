//! [`RateLimit`] and [`RateLimiter`]: a token bucket. The client waits on
//! it (shared by every clone of a client); the fake server answers 429 from
//! the same bucket, and the bench paces with it: one bucket, three users.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// A request rate: `requests` per `per`.
///
/// Drata allows 500 requests per minute per source IP ([`RateLimit::DRATA`]).
/// The limiter lets a burst through, then spaces requests evenly, so a bulk
/// job runs at the limit without being answered 429.
///
/// The default burst is nine tenths of the allowance. The tenth held back is
/// the server's slack: requests leave evenly spaced but arrive with network
/// jitter, and two that arrive closer together than the server's own bucket
/// allows would be answered 429 if our bucket had used the whole allowance.
///
/// ```
/// use std::time::Duration;
/// let limit = drata::RateLimit::new(50, Duration::from_secs(1));
/// assert_eq!(limit.interval(), Duration::from_millis(20));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    requests: u32,
    per: Duration,
    burst: u32,
}

impl RateLimit {
    /// Drata's documented limit: 500 requests per minute.
    pub const DRATA: RateLimit = RateLimit { requests: 500, per: Duration::from_secs(60), burst: 450 };

    /// `requests` per `per` (both at least 1 / 1 ns), with a burst of nine
    /// tenths of `requests` (at least 1).
    ///
    /// ```
    /// use std::time::Duration;
    /// assert_eq!(drata::RateLimit::new(50, Duration::from_secs(1)).burst_size(), 45);
    /// assert_eq!(drata::RateLimit::DRATA, drata::RateLimit::per_minute(500));
    /// ```
    pub const fn new(requests: u32, per: Duration) -> Self {
        let requests = if requests == 0 { 1 } else { requests };
        let per = if per.is_zero() { Duration::from_nanos(1) } else { per };
        let burst = requests - requests / 10;
        Self { requests, per, burst }
    }

    /// How many requests it allows per [`RateLimit::period`].
    pub fn requests(&self) -> u32 {
        self.requests
    }

    /// The time over which it allows [`RateLimit::requests`].
    pub fn period(&self) -> Duration {
        self.per
    }

    /// `requests` per second.
    pub fn per_second(requests: u32) -> Self {
        Self::new(requests, Duration::from_secs(1))
    }

    /// `requests` per minute.
    pub fn per_minute(requests: u32) -> Self {
        Self::new(requests, Duration::from_secs(60))
    }

    /// How many requests may go at once before spacing starts (default:
    /// nine tenths of the allowance). A server whose window is shorter than
    /// ours, or a fixed window, is safer with a small burst.
    pub fn burst(mut self, burst: u32) -> Self {
        self.burst = burst.max(1);
        self
    }

    /// The burst: how many requests may go at once.
    pub fn burst_size(&self) -> u32 {
        self.burst
    }

    /// The time between two requests at the steady rate.
    pub fn interval(&self) -> Duration {
        self.per / self.requests
    }
}

/// A token bucket at a [`RateLimit`]: `tokens` available at `updated`.
///
/// ```
/// use std::time::Duration;
/// let limiter = drata::RateLimiter::new(drata::RateLimit::per_second(10).burst(2));
/// assert!(limiter.try_acquire().is_ok());
/// assert!(limiter.try_acquire().is_ok());
/// // The burst is spent: the next token is a tenth of a second away.
/// let wait = limiter.try_acquire().unwrap_err();
/// assert!(wait > Duration::ZERO && wait <= Duration::from_millis(100));
/// ```
#[derive(Debug)]
pub struct RateLimiter {
    limit: RateLimit,
    state: Mutex<(f64, Instant)>,
}

impl RateLimiter {
    /// A bucket at `limit`, full (its burst available at once).
    pub fn new(limit: RateLimit) -> Self {
        Self { limit, state: Mutex::new((f64::from(limit.burst), Instant::now())) }
    }

    /// The bucket's tokens now, refilled for the time since the last look,
    /// and the wait for the next whole token (zero when one is there).
    fn refill(&self, tokens: &mut f64, updated: &mut Instant) -> Duration {
        let now = Instant::now();
        let rate = f64::from(self.limit.requests) / self.limit.per.as_secs_f64();
        *tokens =
            (*tokens + now.duration_since(*updated).as_secs_f64() * rate).min(f64::from(self.limit.burst));
        *updated = now;
        if *tokens >= 1.0 {
            Duration::ZERO
        } else {
            // A rate of one per centuries may not fit a Duration: wait "forever".
            Duration::try_from_secs_f64((1.0 - *tokens) / rate).unwrap_or(Duration::MAX)
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (f64, Instant)> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Takes a token if one is there now; otherwise takes none and returns
    /// how long until one is (what a server answering 429 tells its caller).
    ///
    /// # Errors
    /// The wait for the next token.
    pub fn try_acquire(&self) -> Result<(), Duration> {
        let mut state = self.lock();
        let (tokens, updated) = &mut *state;
        match self.refill(tokens, updated) {
            Duration::ZERO => {
                *tokens -= 1.0;
                Ok(())
            }
            wait => Err(wait),
        }
    }

    /// Takes a token, waiting until one is available; waiters are served in
    /// the order they arrive: each reserves its token (the count may go
    /// negative) and sleeps until it is due. Takes no token and returns
    /// `false` at once when the wait would be longer than `max_wait` (a
    /// call's deadline would pass while it waits).
    pub async fn acquire_within(&self, max_wait: Option<Duration>) -> bool {
        match self.reserve_within(max_wait) {
            Ok(wait) => {
                if !wait.is_zero() {
                    tokio::time::sleep(wait).await;
                }
                true
            }
            Err(_) => false,
        }
    }

    /// Reserves a token (the count may go negative) and returns how long to
    /// wait before it is due, without waiting: what a caller that reports
    /// its waits uses ([`RateLimiter::acquire_within`] waits itself).
    ///
    /// # Errors
    /// The wait, when it would be longer than `max_wait`; no token is taken.
    pub fn reserve_within(&self, max_wait: Option<Duration>) -> Result<Duration, Duration> {
        let mut state = self.lock();
        let (tokens, updated) = &mut *state;
        let wait = self.refill(tokens, updated);
        if max_wait.is_some_and(|max| wait > max) {
            return Err(wait);
        }
        *tokens -= 1.0;
        Ok(wait)
    }

    /// The limit it keeps.
    pub fn limit(&self) -> RateLimit {
        self.limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_burst_goes_at_once_then_requests_are_spaced_at_the_rate() {
        let bucket = RateLimiter::new(RateLimit::per_second(10).burst(3));
        let start = Instant::now();
        for _ in 0..3 {
            bucket.acquire_within(None).await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
        for _ in 0..10 {
            bucket.acquire_within(None).await;
        }
        let elapsed = start.elapsed();
        assert!(
            elapsed >= Duration::from_millis(999) && elapsed <= Duration::from_millis(1001),
            "{elapsed:?}"
        );
    }

    #[test]
    fn a_rate_of_zero_requests_or_zero_time_is_one_request_per_the_time() {
        let none = RateLimit::new(0, Duration::from_secs(1));
        assert_eq!((none.interval(), none.burst_size()), (Duration::from_secs(1), 1));
        let instant = RateLimit::new(10, Duration::ZERO);
        assert_eq!(instant.interval(), Duration::ZERO, "1 ns over 10 requests rounds down");
        assert_eq!(RateLimit::per_minute(500), RateLimit::DRATA);
        assert_eq!(RateLimit::per_second(50).burst(0).burst_size(), 1, "a burst is at least one request");
        assert_eq!(RateLimit::per_second(50).burst_size(), 45, "nine tenths of the allowance by default");
    }

    #[tokio::test(start_paused = true)]
    async fn try_acquire_takes_no_token_when_none_is_there() {
        let limiter = RateLimiter::new(RateLimit::per_second(2).burst(1));
        assert_eq!(limiter.try_acquire(), Ok(()));
        assert_eq!(limiter.try_acquire(), Err(Duration::from_millis(500)));
        tokio::time::advance(Duration::from_millis(250)).await;
        assert_eq!(limiter.try_acquire(), Err(Duration::from_millis(250)), "the refused try took nothing");
        tokio::time::advance(Duration::from_millis(250)).await;
        assert_eq!(limiter.try_acquire(), Ok(()));
        // Over a window other than a second: one request per two seconds.
        let slow = RateLimiter::new(RateLimit::new(1, Duration::from_secs(2)));
        assert_eq!((slow.try_acquire(), slow.try_acquire()), (Ok(()), Err(Duration::from_secs(2))));
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_longer_than_allowed_takes_no_token() {
        let bucket = RateLimiter::new(RateLimit::per_second(1).burst(1));
        assert!(bucket.acquire_within(Some(Duration::ZERO)).await, "the burst's token is there");
        assert!(!bucket.acquire_within(Some(Duration::from_millis(500))).await, "the next is 1 s away");
        // The refused caller took nothing: the next token is still due at 1 s.
        let start = Instant::now();
        assert!(bucket.acquire_within(Some(Duration::from_secs(2))).await);
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_waiters_share_the_rate() {
        let bucket = std::sync::Arc::new(RateLimiter::new(RateLimit::per_second(100).burst(1)));
        let start = Instant::now();
        let tasks: Vec<_> = (0..50)
            .map(|_| {
                let bucket = bucket.clone();
                tokio::spawn(async move { bucket.acquire_within(None).await })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        let elapsed = start.elapsed();
        assert!(
            elapsed >= Duration::from_millis(489) && elapsed <= Duration::from_millis(491),
            "{elapsed:?}"
        );
    }
}
