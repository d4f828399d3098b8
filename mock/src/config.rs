//! [`MockConfig`]: keys, forced answers, rate limit and faults of a fake server.

use std::collections::BTreeMap;
use std::time::Duration;

/// The key a default fake server accepts.
pub const DEFAULT_API_KEY: &str = "mock-api-key";

/// How a fake server behaves. Start from [`MockConfig::default`]: one key
/// ([`DEFAULT_API_KEY`]), Drata's 500 requests per minute, no faults.
///
/// ```
/// use std::time::Duration;
/// let config = drata_mock::MockConfig::default()
///     .api_keys(["key-a", "key-b"])
///     .key_status("key-b", 412)          // key-b's owner has not accepted the terms
///     .rate_limit_per_minute(None)       // no rate limit
///     .latency(Duration::from_millis(5))
///     .error_rate(0.1)                   // 10% of answers are 500/502/503
///     .seed(7);
/// assert_eq!(config.keys(), ["key-a", "key-b"]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct MockConfig {
    pub(crate) api_keys: Vec<String>,
    pub(crate) key_status: BTreeMap<String, u16>,
    pub(crate) rate_limit_per_minute: Option<u32>,
    pub(crate) latency: Duration,
    pub(crate) error_rate: f64,
    pub(crate) drop_rate: f64,
    pub(crate) seed: u64,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            api_keys: vec![DEFAULT_API_KEY.to_string()],
            key_status: BTreeMap::new(),
            rate_limit_per_minute: Some(500),
            latency: Duration::ZERO,
            error_rate: 0.0,
            drop_rate: 0.0,
            seed: 1,
        }
    }
}

impl MockConfig {
    /// The keys the server accepts (replacing the default one).
    pub fn api_keys<I, S>(mut self, keys: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.api_keys = keys.into_iter().map(Into::into).collect();
        self
    }

    /// Makes every request with `key` answer `status`: 402 (plan), 403
    /// (permission) or 412 (terms not accepted). The key is accepted too.
    pub fn key_status(mut self, key: impl Into<String>, status: u16) -> Self {
        let key = key.into();
        if !self.api_keys.contains(&key) {
            self.api_keys.push(key.clone());
        }
        self.key_status.insert(key, status);
        self
    }

    /// Requests per minute before answering 429 (`None`: no limit).
    pub fn rate_limit_per_minute(mut self, limit: Option<u32>) -> Self {
        self.rate_limit_per_minute = limit.filter(|l| *l > 0);
        self
    }

    /// Time added before every answer.
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// Share (0 to 1) of requests answered 500, 502 or 503.
    pub fn error_rate(mut self, rate: f64) -> Self {
        self.error_rate = rate.clamp(0.0, 1.0);
        self
    }

    /// Share (0 to 1) of requests whose connection is closed without an answer.
    pub fn drop_rate(mut self, rate: f64) -> Self {
        self.drop_rate = rate.clamp(0.0, 1.0);
        self
    }

    /// Seed of the fault injection's random draws (the same seed, the same faults).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The accepted keys.
    pub fn keys(&self) -> &[String] {
        &self.api_keys
    }
}
