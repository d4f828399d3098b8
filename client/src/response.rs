//! [`Response`]: a successful answer, typed, with its status and headers.

use std::ops::{Deref, DerefMut};

/// A successful answer: the decoded body, its status and its headers. It
/// dereferences to the body.
///
/// ```no_run
/// # async fn run(client: drata::Client) -> drata::Result<()> {
/// let page = client.list_connections().send().await?;
/// assert_eq!(page.status(), 200);
/// println!("{} connections", page.total); // the body's fields, through Deref
/// let page = page.into_inner();
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Response<T> {
    value: T,
    status: u16,
    headers: http::HeaderMap,
    body: bytes::Bytes,
}

impl<T> Response<T> {
    pub(crate) fn new(value: T, status: u16, headers: http::HeaderMap, body: bytes::Bytes) -> Self {
        Self { value, status, headers, body }
    }

    /// The body exactly as Drata sent it: every field, those the typed value
    /// leaves out (unknown to this version, or null) included.
    ///
    /// ```no_run
    /// # async fn run(client: drata::Client) -> drata::Result<()> {
    /// let user = client.get_user().id(7).send().await?;
    /// let sent: serde_json::Value = serde_json::from_slice(user.bytes()).unwrap_or_default();
    /// println!("{sent}");
    /// # Ok(()) }
    /// ```
    pub fn bytes(&self) -> &[u8] {
        &self.body
    }

    /// The body.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// A header of the answer, when it is there and is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> DerefMut for Response<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}
