//! Every listing as a stream, across pages, by one mechanism: a listing's
//! answer is a [`Page`] (its `data` and `total`, implemented by the
//! generator for every page schema of the spec), and [`pages`] fetches page
//! after page with the listing's own builder. Each list builder gets
//! `.pages()` and `.items()` (generated); `Client::connections` and its
//! `ConnectionFilter` (`connections.rs`) are the connections listing's on top.

use std::future::Future;

use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt, stream};

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
    let start = Cursor { next_page: 1, seen: 0, previous_ids: None, done: false };
    let fetch = std::sync::Arc::new(fetch);
    stream::try_unfold(start, move |mut cursor| {
        let fetch = fetch.clone();
        async move {
            if cursor.done {
                return Ok(None);
            }
            if cursor.next_page > max_pages {
                return Err(Error::Pagination {
                    operation,
                    message: format!(
                        "stopped after {max_pages} pages without reaching the end of the listing (raise `max_pages` if that many is expected)"
                    ),
                });
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

struct Cursor {
    next_page: u32,
    seen: u64,
    previous_ids: Option<Vec<String>>,
    done: bool,
}
