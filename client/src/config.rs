//! Building a [`Client`]: API key, region or base URL, timeouts.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue, USER_AGENT};

use crate::runtime::{Runtime, Settings};
use crate::wait::{Wait, WaitObserver};
use crate::{Client, Error, RateLimit, RateLimiter, RetryPolicy};

/// The environment variable read for the API key when none is given.
pub const API_KEY_ENV: &str = "DRATA_API_KEY";

/// The `User-Agent` every request carries.
pub const USER_AGENT_VALUE: &str = concat!("drata-client/", env!("CARGO_PKG_VERSION"));

/// One of Drata's three documented regions; each has its own API host.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Region {
    /// United States: `https://public-api.drata.com/public`.
    #[default]
    Us,
    /// European Union: `https://public-api.eu.drata.com/public`.
    Eu,
    /// Asia-Pacific: `https://public-api.apac.drata.com/public`.
    Apac,
}

impl Region {
    /// Every region.
    pub const ALL: [Region; 3] = [Region::Us, Region::Eu, Region::Apac];

    /// The API root of the region, `/public` included.
    ///
    /// ```
    /// assert_eq!(drata::Region::Eu.base_url(), "https://public-api.eu.drata.com/public");
    /// ```
    pub fn base_url(self) -> &'static str {
        match self {
            Region::Us => "https://public-api.drata.com/public",
            Region::Eu => "https://public-api.eu.drata.com/public",
            Region::Apac => "https://public-api.apac.drata.com/public",
        }
    }

    /// The region's short name: `us`, `eu` or `apac`.
    pub fn as_str(self) -> &'static str {
        match self {
            Region::Us => "us",
            Region::Eu => "eu",
            Region::Apac => "apac",
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Region {
    type Err = Error;

    /// Reads `us`, `eu` or `apac`, in any case.
    fn from_str(s: &str) -> Result<Self, Error> {
        Region::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| Error::Config { message: format!("unknown region `{s}`: use us, eu or apac") })
    }
}

/// A Drata API key. Its `Debug` and `Display` never show it.
#[derive(Clone)]
pub(crate) struct ApiKey(String);

impl ApiKey {
    /// Wraps a key.
    pub(crate) fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    /// Reads the key from `DRATA_API_KEY`, if set and not empty.
    pub(crate) fn from_env() -> Option<Self> {
        std::env::var(API_KEY_ENV).ok().filter(|k| !k.trim().is_empty()).map(Self)
    }

    /// The `Authorization` header value, marked sensitive so that `http`
    /// never prints it.
    fn header_value(&self) -> Result<HeaderValue, Error> {
        let mut value =
            HeaderValue::from_str(&format!("Bearer {}", self.0.trim())).map_err(|_| Error::Config {
                message: "the API key contains characters that cannot be sent in a header (a newline \
                          or a control character?)"
                    .into(),
            })?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Builds a [`Client`]. Start with [`Client::builder`].
///
/// ```no_run
/// use std::time::Duration;
/// use drata::{Client, Region};
///
/// let client = Client::builder()
///     .api_key("my-key") // or set DRATA_API_KEY
///     .region(Region::Eu)
///     .connect_timeout(Duration::from_secs(5))
///     .build()?;
/// # Ok::<(), drata::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    api_key: Option<ApiKey>,
    region: Region,
    base_url: Option<String>,
    connect_timeout: Duration,
    upload_min_speed: u64,
    attempt_timeout: Duration,
    call_deadline: Option<Duration>,
    upload_call_deadline: Option<Duration>,
    retry: RetryPolicy,
    rate_limit: Option<RateLimit>,
    max_answer_bytes: u64,
    on_wait: Option<WaitObserver>,
}

/// The largest answer read by default: 64 MiB, some fifty times Drata's
/// largest page (a v2 page of 500 records of ~10 KiB is about 5 MiB).
pub const DEFAULT_MAX_ANSWER_BYTES: u64 = 64 << 20;

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            api_key: None,
            region: Region::Us,
            base_url: None,
            connect_timeout: Duration::from_secs(10),
            upload_min_speed: 64 * 1024,
            attempt_timeout: Duration::from_secs(30),
            call_deadline: Some(Duration::from_secs(120)),
            upload_call_deadline: None,
            retry: RetryPolicy::default(),
            rate_limit: Some(RateLimit::DRATA),
            max_answer_bytes: DEFAULT_MAX_ANSWER_BYTES,
            on_wait: None,
        }
    }
}

impl ClientBuilder {
    /// The API key. Without one, `build` reads `DRATA_API_KEY`.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(ApiKey::new(key));
        self
    }

    /// The region (default [`Region::Us`]). Ignored when a base URL is set.
    pub fn region(mut self, region: Region) -> Self {
        self.region = region;
        self
    }

    /// An explicit API root, `/public` included, e.g. a local fake server's
    /// `http://127.0.0.1:8080/public`. Must be `https://`, or `http://` to a
    /// loopback address.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// How long to wait for a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The timeout of one attempt: how long one attempt of a request may take in all, from connecting to
    /// the last byte of the answer (default 30 s). An upload's attempt gets
    /// more: see [`Self::upload_min_speed`].
    #[doc(alias = "timeout")]
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// The slowest upload, in bytes per second, that is waited for (default
    /// 64 KiB/s, half a megabit). One attempt of a CSV upload may take the
    /// [attempt timeout](Self::attempt_timeout) plus the file's size at this speed: 30 s +
    /// 53 min for a 200 MB file. A stalled upload ends then; a slow one
    /// above this speed is never cut short.
    pub fn upload_min_speed(mut self, bytes_per_second: u64) -> Self {
        self.upload_min_speed = bytes_per_second.max(1);
        self
    }

    /// The overall deadline (timeout) of a call, retries and waits included (default
    /// 120 s); `None` for no deadline. Uploads use
    /// [`Self::upload_call_deadline`].
    #[doc(alias = "timeout")]
    pub fn call_deadline(mut self, deadline: Option<Duration>) -> Self {
        self.call_deadline = deadline;
        self
    }

    /// The overall deadline of a CSV upload (default: none, so a large file
    /// on a slow link is not cut short; each attempt is still bounded, see
    /// [`Self::upload_min_speed`]).
    pub fn upload_call_deadline(mut self, deadline: Option<Duration>) -> Self {
        self.upload_call_deadline = deadline;
        self
    }

    /// How failed requests are retried (default: [`RetryPolicy::default`]);
    /// [`RetryPolicy::none`] turns retries off.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The client-side rate limit (default [`RateLimit::DRATA`], 500
    /// requests in any minute); `None` turns it off. It is shared by every
    /// clone of the client, and, for a host that is not on loopback, by
    /// every process of the user talking to that host (CLI or library),
    /// through a small locked state file in the user's runtime or cache
    /// directory ([`RateLimiter::shared`]); without such a directory, the
    /// process keeps its own window, and says so in a `tracing` warning.
    pub fn rate_limit(mut self, limit: Option<RateLimit>) -> Self {
        self.rate_limit = limit;
        self
    }

    /// The largest answer a call reads, in bytes (default
    /// [`DEFAULT_MAX_ANSWER_BYTES`], 64 MiB). A bigger one, announced or
    /// arriving, ends the call with [`Error::AnswerTooLarge`] as soon as it
    /// passes the cap, so a server that never stops sending costs no more
    /// than this much memory.
    pub fn max_answer_bytes(mut self, bytes: u64) -> Self {
        self.max_answer_bytes = bytes;
        self
    }

    /// Calls `observer` before every pause a call makes (a wait for the
    /// rate limiter, the pause before a retry), with how long and why: a
    /// program that should not fall silent can say so.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let client = drata::Client::builder()
    ///     .api_key("k")
    ///     .on_wait(|wait| {
    ///         if wait.duration > Duration::from_secs(1) {
    ///             eprintln!("{wait}");
    ///         }
    ///     })
    ///     .build()?;
    /// # Ok::<(), drata::Error>(())
    /// ```
    pub fn on_wait(mut self, observer: impl Fn(&Wait) + Send + Sync + 'static) -> Self {
        self.on_wait = Some(WaitObserver(std::sync::Arc::new(observer)));
        self
    }

    /// Checks the configuration and builds the client. Nothing is sent.
    ///
    /// # Errors
    /// [`Error::Config`] when there is no API key, the base URL is not
    /// `https://` (or `http://` to loopback), or TLS cannot be set up.
    pub fn build(self) -> Result<Client, Error> {
        // An empty key (`--api-key ""`, `DRATA_API_KEY=`) is no key: sending
        // `Bearer ` would only earn a 401.
        let given = self.api_key.filter(|k| !k.0.trim().is_empty());
        let key = given.or_else(ApiKey::from_env).ok_or_else(|| Error::Config {
            message: format!(
                "no API key: pass one to the builder or set {API_KEY_ENV} (create keys in Drata \
                 under Settings → API Keys)"
            ),
        })?;
        let base_url = match &self.base_url {
            Some(url) => checked_base_url(url)?,
            None => self.region.base_url().to_string(),
        };
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, key.header_value()?);
        headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
        let http = with_tls(reqwest::Client::builder(), &base_url)?
            .default_headers(headers)
            .connect_timeout(self.connect_timeout)
            .timeout(self.attempt_timeout)
            .https_only(!base_url.starts_with("http://"))
            // Drata's API never redirects: a redirect is an error naming its
            // `Location` (`Error::Redirect`), never a request to another host.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Config { message: format!("cannot set up the HTTP client: {e}") })?;
        let runtime = Runtime::new(Settings {
            retry: self.retry,
            limiter: self.rate_limit.map(|limit| limiter_for(limit, &base_url)),
            attempt_timeout: self.attempt_timeout,
            upload_min_speed: self.upload_min_speed,
            call_deadline: self.call_deadline,
            upload_call_deadline: self.upload_call_deadline,
            max_answer_bytes: self.max_answer_bytes,
            redactor: crate::redact::Redactor::new(&key.0),
            on_wait: self.on_wait,
        });
        Ok(Client::new_with_client(&base_url, http, runtime))
    }
}

/// The limiter of a client of `base_url`: shared through a state file with
/// the user's other processes, unless the host is on loopback (a fake
/// server is no one's shared budget) or no state file can be kept.
fn limiter_for(limit: RateLimit, base_url: &str) -> RateLimiter {
    let host = url::Url::parse(base_url).ok().and_then(|url| {
        let loopback = match url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
            None => true,
        };
        (!loopback).then(|| url.host_str().unwrap_or_default().to_string())
    });
    let Some(host) = host else { return RateLimiter::new(limit) };
    match crate::limiter::state_file(&host).and_then(|path| RateLimiter::shared(limit, path)) {
        Some(shared) => shared,
        None => {
            tracing::warn!(host, "no state file for the rate limit: this process keeps its own window");
            RateLimiter::new(limit)
        }
    }
}

/// TLS as the crate's features chose it: reqwest's own rustls with aws-lc-rs
/// (`tls-aws-lc-rs`, the default, which wins when both are on), or rustls
/// with ring (`tls-ring`), given to reqwest as a ready configuration so that
/// nothing process-wide (rustls's default provider) is touched. Either way
/// certificates are checked by the operating system's verifier.
///
/// # Errors
/// [`Error::Config`] when TLS cannot be set up, or for an `https://` API
/// root in a build without TLS.
fn with_tls(builder: reqwest::ClientBuilder, base_url: &str) -> Result<reqwest::ClientBuilder, Error> {
    #[cfg(all(feature = "tls-ring", not(feature = "tls-aws-lc-rs")))]
    {
        use rustls_platform_verifier::BuilderVerifierExt;
        let _ = base_url;
        let tls_error = |e: rustls::Error| Error::Config { message: format!("cannot set up TLS: {e}") };
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(tls_error)?
            .with_platform_verifier()
            .map_err(tls_error)?
            .with_no_client_auth();
        // What reqwest offers with its own configuration: HTTP/2 when this
        // build speaks it (the feature `http2`), else HTTP/1.1 alone. A server
        // must never be offered a protocol the client cannot speak.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        #[cfg(feature = "http2")]
        config.alpn_protocols.insert(0, b"h2".to_vec());
        Ok(builder.tls_backend_preconfigured(config))
    }
    #[cfg(feature = "tls-aws-lc-rs")]
    {
        let _ = base_url;
        Ok(builder)
    }
    #[cfg(not(any(feature = "tls-ring", feature = "tls-aws-lc-rs")))]
    {
        if base_url.starts_with("https://") {
            return Err(Error::Config {
                message:
                    "this build of `drata` has no TLS: enable its feature `tls-aws-lc-rs` (the default) or \
                          `tls-ring`"
                        .into(),
            });
        }
        Ok(builder)
    }
}

/// Accepts `https://…`, or `http://` to a loopback address; strips a trailing `/`.
fn checked_base_url(url: &str) -> Result<String, Error> {
    let parsed = reqwest::Url::parse(url.trim())
        .map_err(|e| Error::Config { message: format!("base URL `{url}` is not a URL: {e}") })?;
    let loopback = match parsed.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    };
    match parsed.scheme() {
        "https" if parsed.host().is_some() => {}
        "http" if loopback => {}
        "http" => {
            return Err(Error::Config {
                message: format!(
                    "base URL `{url}` is plain http to a host that is not loopback; the API key would \
                 travel unencrypted. Use https:// (plain http is only for local servers on \
                 127.0.0.1, ::1 or localhost)"
                ),
            });
        }
        other => {
            return Err(Error::Config {
                message: format!("base URL `{url}` has scheme `{other}`; use https://"),
            });
        }
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Error::Config { message: "the base URL must not carry credentials".into() });
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::Config {
            message: format!(
                "base URL `{url}` has a query or a fragment (`?…`, `#…`); give the API root alone, e.g. https://public-api.drata.com/public"
            ),
        });
    }
    Ok(parsed.as_str().trim_end_matches('/').to_string())
}

impl Client {
    /// Starts building a client: see [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The API root requests go to, `/public` included, without a trailing `/`.
    ///
    /// ```
    /// let client = drata::Client::builder().api_key("k").region(drata::Region::Eu).build()?;
    /// assert_eq!(client.base_url(), "https://public-api.eu.drata.com/public");
    /// # Ok::<(), drata::Error>(())
    /// ```
    pub fn base_url(&self) -> &str {
        &self.baseurl
    }

    /// This client as Drata's v2 API ([`crate::v2`]): the same client (key,
    /// region, connection pool, rate limiter, retries and deadlines), with
    /// v2's operations, whose paths start at `/v2` from the same API root.
    ///
    /// ```
    /// let client = drata::Client::builder().api_key("k").build()?;
    /// let v2 = client.v2();
    /// let _listing = v2.list_vendors().size(100);
    /// # Ok::<(), drata::Error>(())
    /// ```
    #[cfg(feature = "api-v2")]
    pub fn v2(&self) -> &crate::v2::Client {
        ref_cast::RefCast::ref_cast(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_must_be_https_or_loopback_http() {
        assert_eq!(
            checked_base_url("https://public-api.drata.com/public/").unwrap(),
            "https://public-api.drata.com/public"
        );
        for ok in ["http://127.0.0.1:8080/public", "http://[::1]:9/public", "http://localhost/public"] {
            assert!(checked_base_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://10.0.0.1/public",
            "http://example.com/public",
            "ftp://x/y",
            "not a url",
            "https://u:p@x.com",
            "https://u@x.com",
            "https://:p@x.com",
            "https://public-api.drata.com/public?x=1",
            "https://public-api.drata.com/public#top",
        ] {
            assert!(matches!(checked_base_url(bad), Err(Error::Config { .. })), "{bad}");
        }
    }

    #[test]
    fn the_region_chooses_the_api_root_unless_a_base_url_is_given() {
        for region in Region::ALL {
            let client = Client::builder().api_key("k").region(region).build().unwrap();
            assert_eq!(client.base_url(), region.base_url());
            assert_eq!(region.to_string(), region.as_str());
        }
        let local = Client::builder().api_key("k").region(Region::Eu).base_url("http://127.0.0.1:9/public/");
        assert_eq!(local.build().unwrap().base_url(), "http://127.0.0.1:9/public");
    }

    #[test]
    fn every_setting_of_the_builder_is_kept() {
        let builder = Client::builder()
            .api_key("k")
            .region(Region::Apac)
            .base_url("http://127.0.0.1:9/public")
            .connect_timeout(Duration::from_secs(3))
            .attempt_timeout(Duration::from_secs(4))
            .upload_min_speed(5)
            .call_deadline(Some(Duration::from_secs(6)))
            .upload_call_deadline(Some(Duration::from_secs(7)))
            .retry(RetryPolicy::none())
            .rate_limit(Some(RateLimit::per_second(8)));
        let text = format!("{builder:?}");
        for setting in [
            "region: Apac",
            "base_url: Some(\"http://127.0.0.1:9/public\")",
            "connect_timeout: 3s",
            "upload_min_speed: 5",
            "attempt_timeout: 4s",
            "call_deadline: Some(6s)",
            "upload_call_deadline: Some(7s)",
            "retry: RetryPolicy { max_attempts: 1,",
            "rate_limit: Some(RateLimit { requests: 8, per: 1s })",
        ] {
            assert!(text.contains(setting), "{setting} not in {text}");
        }
        let zero = format!("{:?}", Client::builder().upload_min_speed(0));
        assert!(zero.contains("upload_min_speed: 1,"), "a speed of 0 is 1 B/s: {zero}");
    }

    #[test]
    fn regions_parse_in_any_case() {
        assert_eq!("EU".parse::<Region>().unwrap(), Region::Eu);
        assert_eq!("apac".parse::<Region>().unwrap().base_url(), "https://public-api.apac.drata.com/public");
        assert!("mars".parse::<Region>().is_err());
    }

    #[test]
    fn an_empty_or_blank_key_is_no_key() {
        for key in ["", "   "] {
            let error = Client::builder().api_key(key).build().expect_err("no key");
            assert!(error.to_string().starts_with("invalid client configuration: no API key"), "{error}");
            assert!(error.is_invalid_input());
        }
    }

    #[test]
    fn the_key_never_shows_in_debug_output() {
        let builder = Client::builder().api_key("sk_live_SECRET");
        let client = builder.clone().build().unwrap();
        for text in
            [format!("{builder:?}"), format!("{client:?}"), format!("{}", ApiKey::new("sk_live_SECRET"))]
        {
            assert!(!text.contains("SECRET"), "{text}");
        }
        assert_eq!(format!("{:?}", ApiKey::new("sk_live_SECRET")), "ApiKey(<redacted>)");
        assert_eq!(ApiKey::new("sk_live_SECRET").to_string(), "<redacted>");
        assert!(format!("{builder:?}").contains("api_key: Some(ApiKey(<redacted>))"), "{builder:?}");
    }
}
