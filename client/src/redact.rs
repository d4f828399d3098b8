//! The API key, masked wherever a server's answer holds it: a server or a
//! proxy that echoes the `Authorization` header into its body (an error
//! page, a debugging field) or a header must not get the key printed,
//! logged or written to a file by whoever reads that answer.
//!
//! Every answer goes through [`Redactor::answer`] once, as the attempt
//! loop receives it, before anything reads, logs or decodes it; so errors,
//! excerpts, [`crate::Response::bytes`] and the CLI's output all see the
//! masked text.

use bytes::Bytes;
use http::HeaderMap;
use http::header::HeaderValue;

/// What the key is replaced with.
pub(crate) const MASK: &str = "<redacted>";

/// Finds the key and masks it.
pub(crate) struct Redactor {
    key: memchr::memmem::Finder<'static>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Redactor(<redacted>)")
    }
}

impl Redactor {
    /// A redactor of `key` (trimmed, as it is sent).
    pub(crate) fn new(key: &str) -> Self {
        Self { key: memchr::memmem::Finder::new(key.trim().as_bytes()).into_owned() }
    }

    /// `bytes` with every occurrence of the key replaced by [`MASK`]; the
    /// same bytes, not copied, when it holds none.
    pub(crate) fn bytes(&self, bytes: Bytes) -> Bytes {
        let key_len = self.key.needle().len();
        if key_len == 0 || self.key.find(&bytes).is_none() {
            return bytes;
        }
        let mut out = Vec::with_capacity(bytes.len());
        let mut rest: &[u8] = &bytes;
        while let Some(at) = self.key.find(rest) {
            out.extend_from_slice(&rest[..at]);
            out.extend_from_slice(MASK.as_bytes());
            rest = &rest[at + key_len..];
        }
        out.extend_from_slice(rest);
        Bytes::from(out)
    }

    /// Every header value holding the key, masked there.
    pub(crate) fn headers(&self, headers: &mut HeaderMap) {
        for value in headers.values_mut() {
            if self.key.find(value.as_bytes()).is_some() {
                let masked = self.bytes(Bytes::copy_from_slice(value.as_bytes()));
                // The mask is visible ASCII, so what was a header value still is one.
                if let Ok(masked) = HeaderValue::from_maybe_shared(masked) {
                    *value = masked;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_occurrence_is_masked_and_other_bytes_are_kept() {
        let redactor = Redactor::new(" sk-123456 ");
        let masked = redactor
            .bytes(Bytes::from_static(b"{\"auth\":\"Bearer sk-123456\",\"again\":\"sk-123456sk-123456\"}"));
        assert_eq!(&masked[..], b"{\"auth\":\"Bearer <redacted>\",\"again\":\"<redacted><redacted>\"}");
        let clean = Bytes::from_static(b"{\"id\":7}");
        assert_eq!(redactor.bytes(clean.clone()).as_ptr(), clean.as_ptr(), "not copied");
        let mut headers = HeaderMap::new();
        headers.insert("x-echo", HeaderValue::from_static("Bearer sk-123456"));
        headers.insert("location", HeaderValue::from_static("/next"));
        redactor.headers(&mut headers);
        assert_eq!(
            (&headers["x-echo"], &headers["location"]),
            (&HeaderValue::from_static("Bearer <redacted>"), &HeaderValue::from_static("/next"))
        );
    }
}
