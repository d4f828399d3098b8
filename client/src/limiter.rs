//! [`RateLimit`] and [`RateLimiter`]: at most N requests in any window of
//! the limit's period. The client waits on it (shared by every clone of a
//! client, and through a state file by every process of the user that
//! talks to the same Drata host); the fake server answers 429 from the same
//! window, and the bench paces with it: one window, three users.
//!
//! Why a window and not a token bucket: Drata counts requests per source
//! address in fixed windows of a minute (NestJS's throttler). A bucket with
//! a burst lets `burst + rate` requests through in its first minute (950 at
//! 450 + 500/min), and a fixed-window server answers 429 after seconds. A
//! log of the last N sends guarantees N in any window, from the first
//! request on, whichever way the server counts.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

/// A request rate: `requests` per `per`.
///
/// Drata allows 500 requests per minute per source address
/// ([`RateLimit::DRATA`]). The limiter lets no more than that go in any
/// window of a minute: a bulk job sends at the limit and is not answered
/// 429 by a server counting in fixed windows, sliding ones or a bucket.
///
/// ```
/// use std::time::Duration;
/// let limit = drata::RateLimit::new(50, Duration::from_secs(1));
/// assert_eq!((limit.requests(), limit.period()), (50, Duration::from_secs(1)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    requests: u32,
    per: Duration,
}

impl RateLimit {
    /// Drata's documented limit: 500 requests per minute.
    pub const DRATA: RateLimit = RateLimit { requests: 500, per: Duration::from_secs(60) };

    /// `requests` per `per` (at least 1 request per 1 ms).
    ///
    /// ```
    /// assert_eq!(drata::RateLimit::DRATA, drata::RateLimit::per_minute(500));
    /// ```
    pub const fn new(requests: u32, per: Duration) -> Self {
        let requests = if requests == 0 { 1 } else { requests };
        let per = if per.as_millis() == 0 { Duration::from_millis(1) } else { per };
        Self { requests, per }
    }

    /// How many requests it allows in any [`RateLimit::period`].
    pub fn requests(&self) -> u32 {
        self.requests
    }

    /// The window over which it allows [`RateLimit::requests`].
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

    /// The time between two requests at the steady rate.
    pub fn interval(&self) -> Duration {
        self.per / self.requests
    }
}

/// At most [`RateLimit::requests`] reservations in any window of
/// [`RateLimit::period`]: see the module's docs.
///
/// ```
/// use std::time::Duration;
/// let limiter = drata::RateLimiter::new(drata::RateLimit::per_second(2));
/// assert!(limiter.try_acquire().is_ok());
/// assert!(limiter.try_acquire().is_ok());
/// // Two went in this second: the next may go when the first is a second old.
/// let wait = limiter.try_acquire().unwrap_err();
/// assert!(wait > Duration::ZERO && wait <= Duration::from_secs(1));
/// ```
#[derive(Debug)]
pub struct RateLimiter {
    limit: RateLimit,
    /// This process's log (when there is no state file), in milliseconds
    /// since `started`.
    local: Mutex<VecDeque<u64>>,
    started: Instant,
    /// The state file shared with the user's other processes, if any.
    shared: Option<PathBuf>,
}

impl RateLimiter {
    /// A limiter at `limit` for this process alone (every clone of a client
    /// shares it).
    pub fn new(limit: RateLimit) -> Self {
        Self { limit, local: Mutex::new(VecDeque::new()), started: Instant::now(), shared: None }
    }

    /// A limiter at `limit` whose log is the state file `path`, shared by
    /// every process that uses the same file (under a lock, so that two
    /// processes never take the same slot). `None` when the file cannot be
    /// opened or locked: the caller falls back to [`RateLimiter::new`].
    pub fn shared(limit: RateLimit, path: impl Into<PathBuf>) -> Option<Self> {
        let path = path.into();
        // Opened and locked once now, so that a directory that cannot be
        // written is found at once, not on the first request.
        with_log_file(&path, |_| ()).ok()?;
        Some(Self { shared: Some(path), ..Self::new(limit) })
    }

    /// The state file, when the limiter shares its window with other processes.
    pub fn shared_path(&self) -> Option<&Path> {
        self.shared.as_deref()
    }

    /// Takes a slot if one is free now; otherwise takes none and returns
    /// how long until one is (what a server answering 429 tells its caller).
    ///
    /// # Errors
    /// The wait for the next free slot.
    pub fn try_acquire(&self) -> Result<(), Duration> {
        match self.reserve_within(Some(Duration::ZERO)) {
            Ok(_) => Ok(()),
            Err(wait) => Err(wait),
        }
    }

    /// Takes a slot, waiting until it is due; waiters are served in the
    /// order they arrive. Takes none and returns `false` at once when the
    /// wait would be longer than `max_wait` (a call's deadline would pass
    /// while it waits).
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

    /// Reserves the next free slot (now or later) and returns how long to
    /// wait before it is due, without waiting: what a caller that reports
    /// its waits uses ([`RateLimiter::acquire_within`] waits itself).
    ///
    /// # Errors
    /// The wait, when it would be longer than `max_wait`; no slot is taken.
    pub fn reserve_within(&self, max_wait: Option<Duration>) -> Result<Duration, Duration> {
        let (requests, per) = (self.limit.requests as usize, millis(self.limit.per));
        if let Some(path) = &self.shared {
            let now = millis(SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default());
            match with_log_file(path, |log| reserve(log, now, requests, per, max_wait)) {
                Ok(result) => return result,
                // The file went away or broke: this process's own window.
                Err(e) => {
                    tracing::warn!(error = %e, "the rate limit's state file failed; limiting this process alone")
                }
            }
        }
        let now = millis(self.started.elapsed());
        let mut log = self.local.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        reserve(&mut log, now, requests, per, max_wait)
    }

    /// The limit it keeps.
    pub fn limit(&self) -> RateLimit {
        self.limit
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The slot for one more request in `log` (the times of the requests
/// reserved, ascending, in ms) at `now`: now when fewer than `requests`
/// fall in the last `per`, else when the oldest of the last `requests`
/// leaves the window. So any `requests + 1` slots in a row span at least
/// `per`, and no window of `per` ever holds more than `requests`.
fn reserve(
    log: &mut VecDeque<u64>,
    now: u64,
    requests: usize,
    per: u64,
    max_wait: Option<Duration>,
) -> Result<Duration, Duration> {
    // What left the window no longer counts (a slot reserved later always does).
    while log.front().is_some_and(|&t| t.saturating_add(per) <= now) {
        log.pop_front();
    }
    let mut slot = now.max(log.back().copied().unwrap_or(0));
    if log.len() >= requests {
        slot = slot.max(log[log.len() - requests].saturating_add(per));
    }
    let wait = Duration::from_millis(slot - now);
    if max_wait.is_some_and(|max| wait > max) {
        return Err(wait);
    }
    log.push_back(slot);
    Ok(wait)
}

/// Runs `change` on the log kept in the file at `path`, under an exclusive
/// lock held from reading to writing (released when the file closes, also
/// when a process dies, so nothing stays locked).
fn with_log_file<T>(path: &Path, change: impl FnOnce(&mut VecDeque<u64>) -> T) -> std::io::Result<T> {
    use std::io::{Read, Seek, Write};
    let mut file =
        std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path)?;
    file.lock()?;
    let mut text = String::new();
    file.read_to_string(&mut text)?;
    // A line that is not a time (a file written by something else) is dropped.
    let mut log: VecDeque<u64> = text.lines().filter_map(|line| line.trim().parse().ok()).collect();
    log.make_contiguous().sort_unstable();
    let result = change(&mut log);
    let mut out = String::with_capacity(log.len() * 14);
    for t in &log {
        out.push_str(&t.to_string());
        out.push('\n');
    }
    file.seek(std::io::SeekFrom::Start(0))?;
    file.set_len(0)?;
    file.write_all(out.as_bytes())?;
    Ok(result)
}

/// Where the rate limit of `host` is shared between the user's processes:
/// `drata/rate-limit-<host>` in the user's runtime directory
/// (`XDG_RUNTIME_DIR`), else in the cache directory (`XDG_CACHE_HOME`,
/// `~/.cache`, `%LOCALAPPDATA%`), created its owner's only. `None` when
/// there is none.
pub(crate) fn state_file(host: &str) -> Option<PathBuf> {
    let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    let base = env("XDG_RUNTIME_DIR")
        .or_else(|| env("XDG_CACHE_HOME"))
        .or_else(|| env("HOME").map(|home| home.join(".cache")))
        .or_else(|| env("LOCALAPPDATA"))?;
    let dir = base.join("drata");
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(&dir).ok()?;
    let name: String = host
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' })
        .collect();
    Some(dir.join(format!("rate-limit-{name}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The most slots of `log` in any window of `per` that starts at a slot.
    fn most_in_a_window(log: &[u64], per: u64) -> usize {
        log.iter()
            .map(|&start| log.iter().filter(|&&t| t >= start && t < start + per).count())
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn no_window_ever_holds_more_than_the_limit_from_the_first_request_on() {
        let mut log = VecDeque::new();
        let mut slots = Vec::new();
        // 1,200 requests asked for at once, then more over time.
        for n in 0..1_500u64 {
            let now = if n < 1_200 { 0 } else { n * 10 };
            let wait = reserve(&mut log, now, 500, 60_000, None).expect("no cap on the wait");
            slots.push(now + millis(wait));
        }
        assert_eq!(most_in_a_window(&slots, 60_000), 500);
        // The first 500 go at once, the next 500 a minute later: never 950 in the first minute.
        assert_eq!((slots[499], slots[500], slots[999], slots[1000]), (0, 60_000, 60_000, 120_000));
    }

    #[test]
    fn a_wait_longer_than_allowed_takes_no_slot() {
        let mut log = VecDeque::new();
        assert_eq!(reserve(&mut log, 0, 1, 1_000, Some(Duration::ZERO)), Ok(Duration::ZERO));
        assert_eq!(
            reserve(&mut log, 200, 1, 1_000, Some(Duration::from_millis(500))),
            Err(Duration::from_millis(800))
        );
        assert_eq!(log.len(), 1, "the refused caller took nothing");
        assert_eq!(reserve(&mut log, 1_000, 1, 1_000, Some(Duration::ZERO)), Ok(Duration::ZERO));
    }

    #[test]
    fn a_rate_of_zero_requests_or_zero_time_is_one_request_per_millisecond_at_least() {
        let none = RateLimit::new(0, Duration::from_secs(1));
        assert_eq!((none.requests(), none.interval()), (1, Duration::from_secs(1)));
        assert_eq!(RateLimit::new(10, Duration::ZERO).period(), Duration::from_millis(1));
        assert_eq!(RateLimit::per_minute(500), RateLimit::DRATA);
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_waiters_share_the_window() {
        let limiter = std::sync::Arc::new(RateLimiter::new(RateLimit::per_second(10)));
        let start = Instant::now();
        let tasks: Vec<_> = (0..50)
            .map(|_| {
                let limiter = limiter.clone();
                tokio::spawn(async move { limiter.acquire_within(None).await })
            })
            .collect();
        for task in tasks {
            task.await.expect("task");
        }
        // 10 at 0 s, 10 at 1 s, … the last 10 at 4 s.
        assert_eq!(start.elapsed(), Duration::from_secs(4));
    }

    #[test]
    fn processes_sharing_a_state_file_share_one_window() {
        let dir = tempfile_dir();
        let path = dir.join("rate-limit-test");
        let limit = RateLimit::new(3, Duration::from_secs(3600));
        let one = RateLimiter::shared(limit, &path).expect("a writable file");
        let other = RateLimiter::shared(limit, &path).expect("a writable file");
        assert_eq!(one.shared_path(), Some(path.as_path()));
        assert!(one.try_acquire().is_ok() && other.try_acquire().is_ok() && one.try_acquire().is_ok());
        assert!(other.try_acquire().is_err(), "three went through the file already");
        assert_eq!(std::fs::read_to_string(&path).expect("the log").lines().count(), 3);
        assert!(RateLimiter::shared(limit, dir.join("missing/dir/file")).is_none());
        let _ = std::fs::remove_dir_all(dir);
    }

    fn tempfile_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "drata-limiter-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }
}
