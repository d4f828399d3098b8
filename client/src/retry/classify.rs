//! [`Outcome`]: what an attempt ended with, as far as retrying is concerned.

use std::time::{Duration, SystemTime};

/// How an attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// An answer: its status and the wait its `Retry-After` asks for.
    Answer { status: u16, retry_after: Option<Duration> },
    /// No answer: the connection was refused or could not be made, so the
    /// request cannot have reached the server.
    NotConnected,
    /// No answer, but the request may have reached the server (a timeout, a
    /// connection cut after sending).
    Lost,
}

impl Outcome {
    /// An answer; its `Retry-After` is read (once) only for an error status.
    pub(crate) fn answer(status: u16, headers: &reqwest::header::HeaderMap, now: SystemTime) -> Self {
        let retry_after = if status >= 400 { retry_after(headers, now) } else { None };
        Outcome::Answer { status, retry_after }
    }

    /// A failure with no answer.
    pub(crate) fn failure(error: &reqwest::Error) -> Self {
        if error.is_connect() { Outcome::NotConnected } else { Outcome::Lost }
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
        assert_eq!(retry_after(&headers(None), now), None);
    }

    #[test]
    fn retry_after_is_read_for_error_answers_only() {
        let now = SystemTime::UNIX_EPOCH;
        let h = headers(Some("3"));
        assert_eq!(
            Outcome::answer(429, &h, now),
            Outcome::Answer { status: 429, retry_after: Some(Duration::from_secs(3)) }
        );
        assert_eq!(Outcome::answer(200, &h, now), Outcome::Answer { status: 200, retry_after: None });
    }

    #[tokio::test]
    async fn a_refused_connection_is_not_a_lost_answer() {
        // Nothing listens on port 1 of loopback: the connection is refused.
        let Err(refused) = reqwest::Client::new().get("http://127.0.0.1:1/").send().await else {
            panic!("nothing listens on port 1")
        };
        assert_eq!(Outcome::failure(&refused), Outcome::NotConnected);
        // A server that takes the request and closes: the answer is lost.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            if let Ok((mut stream, _)) = listener.accept().await {
                let mut buffer = [0u8; 1024];
                let _ = tokio::io::AsyncReadExt::read(&mut stream, &mut buffer).await;
            }
        });
        let Err(lost) = reqwest::Client::new().get(format!("http://{address}/")).send().await else {
            panic!("the server closes without answering")
        };
        assert_eq!(Outcome::failure(&lost), Outcome::Lost);
    }
}
