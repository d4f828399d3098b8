//! Every listing as a stream, across pages, by one mechanism per way of
//! paging: a listing paged by number (v1) answers a [`Page`] (its `data`
//! and `total`), one paged by cursor (v2) a [`CursorPage`] (its `data` and
//! the next page's cursor), each implemented by the generator for every
//! page schema of the spec; [`pages`] and [`cursor_pages`] fetch page after
//! page with the listing's own builder. Each list builder gets `.pages()`
//! and `.items()` (generated); `Client::connections` and its
//! `ConnectionFilter` (`connections.rs`) are the connections listing's on top.

use std::future::Future;

use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt, stream};

use crate::error::cut;
use crate::operation::Operation;
use crate::response::Response;
use crate::{Error, Tolerant};

/// The most pages a stream fetches before giving up with an error, unless
/// told otherwise (`ConnectionFilter::max_pages`).
pub const MAX_PAGES: u32 = 10_000;

/// One page of a listing: its items and the listing's total. The generator
/// implements it for every page schema of the spec.
pub trait Page {
    /// The type of the listing's items.
    type Item;
    /// The items of the page.
    fn items(&self) -> &[Tolerant<Self::Item>];
    /// The items, owned.
    fn into_items(self) -> Vec<Tolerant<Self::Item>>;
    /// How many items the whole listing holds.
    fn total(&self) -> i64;
}

/// An item of a listing: what tells it apart (its `id`). The generator
/// implements it for every item of a listing.
pub trait Item {
    /// The id, as text (empty when it has none).
    fn id_text(&self) -> String;
}

impl<T: Item> Tolerant<T> {
    /// The item's id as text, whether the item was typed or kept as sent
    /// (empty when it has none): what tells the items of a listing apart.
    ///
    /// ```
    /// let item: drata::Tolerant<drata::types::CompactConnection> =
    ///     serde_json::from_str(r#"{"id": "7", "odd": true}"#).unwrap();
    /// assert_eq!(item.id_text(), "7");
    /// ```
    pub fn id_text(&self) -> String {
        match (self.value(), self.raw_field("id")) {
            (Some(item), _) => item.id_text(),
            (None, Some(serde_json::Value::String(id))) => id,
            (None, Some(id)) => id.to_string(),
            (None, None) => String::new(),
        }
    }
}

/// What the paginator reads of a page: its items' ids (what tells a
/// repeated page), and the listing's total when the page says it. Typed
/// pages ([`Page`]) and pages read as JSON (`{"data": [...], "total": N}`,
/// what [`crate::Call::pages`] streams) both are one.
pub(crate) trait PageView {
    /// What tells each item apart, in order.
    fn item_ids(&self) -> Vec<String>;
    /// How many items the listing holds, when the page says it.
    fn listing_total(&self) -> Option<u64>;
}

impl<P: Page> PageView for P
where
    P::Item: Item,
{
    fn item_ids(&self) -> Vec<String> {
        self.items().iter().map(Tolerant::id_text).collect()
    }

    fn listing_total(&self) -> Option<u64> {
        u64::try_from(self.total()).ok()
    }
}

impl PageView for serde_json::Value {
    fn item_ids(&self) -> Vec<String> {
        let items =
            self.get("data").and_then(serde_json::Value::as_array).map(Vec::as_slice).unwrap_or_default();
        items
            .iter()
            .map(|item| match item.get("id") {
                Some(serde_json::Value::String(id)) => id.clone(),
                Some(id) => id.to_string(),
                // Without an id, the whole item tells it apart.
                None => item.to_string(),
            })
            .collect()
    }

    fn listing_total(&self) -> Option<u64> {
        self.get("total").and_then(serde_json::Value::as_u64)
    }
}

/// Page after page of a listing, from page 1: `fetch(n)` sends the
/// listing's request for page `n` (the generated `.pages()` of a list
/// builder passes its own `send`).
///
/// The stream stops when it has yielded `total` items or a page comes back
/// empty. It ends with an [`Error::Pagination`] (instead of looping) when a
/// page repeats the previous one, or after `max_pages` pages.
pub(crate) fn pages<'a, P, F, Fut>(
    operation: &'static Operation,
    max_pages: u32,
    fetch: F,
) -> BoxStream<'a, Result<P, Error>>
where
    P: PageView + Send + 'a,
    F: Fn(u32) -> Fut + Send + Sync + 'a,
    Fut: Future<Output = Result<Response<P>, Error>> + Send + 'a,
{
    let start = Numbered { next_page: 1, seen: 0, previous_ids: None, done: false };
    let fetch = std::sync::Arc::new(fetch);
    stream::try_unfold(start, move |mut cursor| {
        let fetch = fetch.clone();
        async move {
            if cursor.done {
                return Ok(None);
            }
            if cursor.next_page > max_pages {
                return Err(page_cap_reached(operation, max_pages));
            }
            let page = fetch(cursor.next_page).await?.into_inner();
            let ids = page.item_ids();
            if ids.is_empty() {
                return Ok(None);
            }
            if cursor.previous_ids.as_ref() == Some(&ids) {
                return Err(Error::Pagination {
                    operation,
                    message: format!(
                        "page {} repeats page {}: the server ignores `page`; stopping instead of looping",
                        cursor.next_page,
                        cursor.next_page - 1
                    ),
                });
            }
            cursor.seen += ids.len() as u64;
            // Without a total, an empty page ends the listing.
            cursor.done = page.listing_total().is_some_and(|total| cursor.seen >= total);
            cursor.previous_ids = Some(ids);
            cursor.next_page += 1;
            Ok(Some((page, cursor)))
        }
    })
    .boxed()
}

/// Every item of every page of `pages`.
#[cfg_attr(not(feature = "v1"), allow(dead_code, reason = "used by the listings of the areas a build has"))]
pub fn items<'a, P>(pages: BoxStream<'a, Result<P, Error>>) -> BoxStream<'a, Result<Tolerant<P::Item>, Error>>
where
    P: Page + Send + 'a,
    P::Item: Send + 'a,
{
    pages.map_ok(|page| stream::iter(page.into_items().into_iter().map(Ok))).try_flatten().boxed()
}

/// Where a listing paged by number stands.
struct Numbered {
    next_page: u32,
    seen: u64,
    previous_ids: Option<Vec<String>>,
    done: bool,
}

/// One page of a listing paged by cursor (Drata's v2): its items and where
/// the next page starts. The generator implements it for every such page
/// schema of the spec.
pub trait CursorPage {
    /// The type of the listing's items.
    type Item;
    /// The items of the page.
    fn items(&self) -> &[Tolerant<Self::Item>];
    /// The items, owned.
    fn into_items(self) -> Vec<Tolerant<Self::Item>>;
    /// Where the next page starts (the `cursor` to send for it); `None`
    /// on the last page.
    fn next_cursor(&self) -> Option<&str>;
    /// How many items the whole listing holds, when the page says it (v2
    /// says it on the first page when asked, `includeTotalCount`).
    fn total_count(&self) -> Option<i64>;
}

/// What the cursor paginator reads of a page: the next page's cursor.
/// Typed pages ([`CursorPage`]) and pages read as JSON
/// (`{"data": [...], "pagination": {"cursor": …}}`) both are one.
pub(crate) trait CursorView {
    /// The next page's cursor; `None` (or empty) on the last page.
    fn next_cursor_text(&self) -> Option<&str>;
}

impl<P: CursorPage> CursorView for P {
    fn next_cursor_text(&self) -> Option<&str> {
        self.next_cursor()
    }
}

impl CursorView for serde_json::Value {
    fn next_cursor_text(&self) -> Option<&str> {
        self.pointer("/pagination/cursor").and_then(serde_json::Value::as_str)
    }
}

/// What the cursor paginator does next.
enum Next {
    /// Fetch the page at this cursor (`None`: as the builder says, the
    /// listing's start unless it sets a cursor).
    Fetch(Option<String>),
    /// End the stream with this error (after the page that caused it).
    Fail(Error),
    /// The last page has been yielded.
    Done,
}

/// Page after page of a listing paged by cursor: `fetch(None)` sends the
/// builder's request as it is, `fetch(Some(cursor))` the same with `cursor`.
///
/// The stream ends after the page whose cursor is null, missing or empty.
/// It ends with an [`Error::Pagination`] (instead of looping) when the
/// server gives a cursor it gave before, or when another page would be
/// more than `max_pages`.
pub(crate) fn cursor_pages<'a, P, F, Fut>(
    operation: &'static Operation,
    max_pages: u32,
    fetch: F,
) -> BoxStream<'a, Result<P, Error>>
where
    P: CursorView + Send + 'a,
    F: Fn(Option<String>) -> Fut + Send + Sync + 'a,
    Fut: Future<Output = Result<Response<P>, Error>> + Send + 'a,
{
    let fetch = std::sync::Arc::new(fetch);
    let start = (Next::Fetch(None), std::collections::HashSet::<String>::new(), 0_u32);
    stream::try_unfold(start, move |(next, mut seen, fetched)| {
        let fetch = fetch.clone();
        async move {
            let cursor = match next {
                Next::Done => return Ok(None),
                Next::Fail(error) => return Err(error),
                Next::Fetch(cursor) => cursor,
            };
            let page = fetch(cursor).await?.into_inner();
            let fetched = fetched.saturating_add(1);
            let next = match page.next_cursor_text().filter(|c| !c.is_empty()) {
                None => Next::Done,
                Some(cursor) if seen.contains(cursor) => Next::Fail(Error::Pagination {
                    operation,
                    message: format!(
                        "the server gave the cursor `{}` a second time: stopping instead of looping",
                        cut(cursor)
                    ),
                }),
                Some(_) if fetched >= max_pages => Next::Fail(page_cap_reached(operation, max_pages)),
                Some(cursor) => {
                    seen.insert(cursor.to_string());
                    Next::Fetch(Some(cursor.to_string()))
                }
            };
            Ok(Some((page, (next, seen, fetched))))
        }
    })
    .boxed()
}

/// The error that ends a listing at its page cap, paged by number or by
/// cursor alike.
fn page_cap_reached(operation: &'static Operation, max_pages: u32) -> Error {
    Error::Pagination {
        operation,
        message: format!(
            "stopped after {max_pages} pages without reaching the end of the listing (raise `max_pages` if that many is expected)"
        ),
    }
}

/// Every item of every page of `pages`, a listing paged by cursor.
#[cfg_attr(
    not(feature = "v2"),
    allow(dead_code, reason = "used by the cursor listings of the areas a build has")
)]
pub fn cursor_items<'a, P>(
    pages: BoxStream<'a, Result<P, Error>>,
) -> BoxStream<'a, Result<Tolerant<P::Item>, Error>>
where
    P: CursorPage + Send + 'a,
    P::Item: Send + 'a,
{
    pages.map_ok(|page| stream::iter(page.into_items().into_iter().map(Ok))).try_flatten().boxed()
}

#[cfg(test)]
mod tests {
    use futures::TryStreamExt;
    use serde_json::{Value, json};

    use super::*;

    /// A page read as JSON whose next cursor is `next`.
    fn page(n: u32, next: Value) -> Result<Response<Value>, Error> {
        let value = json!({"data": [{"id": n}], "pagination": {"cursor": next}});
        Ok(Response::new(value, 200, http::HeaderMap::new(), bytes::Bytes::new()))
    }

    /// Every page `cursor_pages` fetches with `fetch`, at most `max_pages`,
    /// with the cursors it was asked for, and how it ended.
    async fn run(
        max_pages: u32,
        next: impl Fn(Option<&str>) -> Value + Send + Sync + 'static,
    ) -> (Vec<Option<String>>, Result<usize, Error>) {
        let asked = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = asked.clone();
        let operation = Operation::matching(crate::Method::Get, "/not-in-the-spec");
        let pages = cursor_pages(operation, max_pages, move |cursor: Option<String>| {
            log.lock().expect("log").push(cursor.clone());
            let answer = page(0, next(cursor.as_deref()));
            async move { answer }
        });
        let ended = pages.try_collect::<Vec<Value>>().await.map(|pages| pages.len());
        let asked = asked.lock().expect("log").clone();
        (asked, ended)
    }

    #[tokio::test]
    async fn a_null_missing_or_empty_cursor_ends_the_listing() {
        for last in [Value::Null, json!(""), json!(7)] {
            let (asked, ended) = run(10, move |cursor| match cursor {
                None => json!("c1"),
                Some(_) => last.clone(),
            })
            .await;
            assert_eq!(asked, [None, Some("c1".to_string())]);
            assert_eq!(ended.expect("two pages"), 2);
        }
    }

    #[tokio::test]
    async fn the_page_cap_ends_the_stream_with_an_error_after_that_many_pages() {
        let (asked, ended) = run(3, |cursor| json!(format!("{}x", cursor.unwrap_or("c")))).await;

        assert_eq!(asked.len(), 3, "no page past the cap is fetched");
        let error = ended.expect_err("the cap is reached");
        assert!(
            matches!(&error, Error::Pagination { message, .. } if message.starts_with("stopped after 3 pages")),
            "{error:?}"
        );
    }
}
