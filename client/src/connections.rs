//! The connections listing as a stream with a filter: [`Client::connections`]
//! and [`ConnectionFilter`], on top of the generated `list_connections`
//! (the area `v1-connections`).

use futures::stream::BoxStream;

use crate::pagination::{MAX_PAGES, items, pages};
use crate::types::{
    CompactConnection, ConnectionSort, ConnectionState, ConnectionsPage, ProviderType, SortDirection,
};
use crate::{Client, Error, Tolerant};

/// Which connections to list, and how. Every field is optional.
///
/// ```
/// use drata::ConnectionFilter;
/// use drata::types::{ConnectionState, ProviderType};
///
/// let filter = ConnectionFilter::default()
///     .provider_type(ProviderType::Mdm)
///     .state(ConnectionState::Active)
///     .page_size(50);
/// assert_eq!(filter.provider_types, vec![ProviderType::Mdm]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionFilter {
    /// Only connections with one of these provider types (none: all).
    pub provider_types: Vec<ProviderType>,
    /// Only connections in this state.
    pub state: Option<ConnectionState>,
    /// The order.
    pub sort: Option<ConnectionSort>,
    /// The direction of the order.
    pub sort_dir: Option<SortDirection>,
    /// Items per page, 1 to 50 (default 50, Drata's maximum).
    pub page_size: u32,
    /// The most pages to fetch before giving up with an error (default 10,000).
    pub max_pages: u32,
}

impl Default for ConnectionFilter {
    fn default() -> Self {
        Self {
            provider_types: Vec::new(),
            state: None,
            sort: None,
            sort_dir: None,
            page_size: 50,
            max_pages: MAX_PAGES,
        }
    }
}

impl ConnectionFilter {
    /// Adds a provider type to match.
    pub fn provider_type(mut self, provider_type: ProviderType) -> Self {
        self.provider_types.push(provider_type);
        self
    }

    /// Only connections in this state.
    pub fn state(mut self, state: ConnectionState) -> Self {
        self.state = Some(state);
        self
    }

    /// Orders by this field, in this direction.
    pub fn sort(mut self, sort: ConnectionSort, direction: SortDirection) -> Self {
        self.sort = Some(sort);
        self.sort_dir = Some(direction);
        self
    }

    /// Items per page (1 to 50).
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = size;
        self
    }

    /// The most pages to fetch.
    pub fn max_pages(mut self, pages: u32) -> Self {
        self.max_pages = pages;
        self
    }
}

impl Client {
    /// Every connection matching `filter`, page after page. The stream
    /// stops when it has yielded `total` items or a page comes back empty,
    /// and ends with an error (instead of looping) when a page repeats the
    /// previous one, or after `filter.max_pages` pages. Each connection is a [`Tolerant`]: one
    /// that does not have the documented shape is kept (its odd parts set
    /// aside, or the whole item raw), and the others are read as usual.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// use drata::types::ProviderType;
    ///
    /// # async fn run() -> drata::Result<()> {
    /// let client = drata::Client::builder().build()?;
    /// let filter = drata::ConnectionFilter::default().provider_type(ProviderType::Mdm);
    /// let all: Vec<_> = client.connections(filter).try_collect().await?;
    /// for connection in all.iter().filter_map(|c| c.value()) {
    ///     println!("{} {}", connection.id, connection.client_type);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn connections(
        &self,
        filter: ConnectionFilter,
    ) -> BoxStream<'_, Result<Tolerant<CompactConnection>, Error>> {
        items(self.connection_pages(filter))
    }

    /// The pages of the listing matching `filter`, with the same stopping
    /// rules as [`Client::connections`].
    pub fn connection_pages(
        &self,
        filter: ConnectionFilter,
    ) -> BoxStream<'_, Result<ConnectionsPage, Error>> {
        let mut request = self.list_connections().limit(filter.page_size);
        if !filter.provider_types.is_empty() {
            request = request.provider_types(filter.provider_types.clone());
        }
        if let Some(state) = filter.state.clone() {
            request = request.state(state);
        }
        if let Some(sort) = filter.sort {
            request = request.sort(sort);
        }
        if let Some(direction) = filter.sort_dir {
            request = request.sort_dir(direction);
        }
        pages(&crate::operations::LIST_CONNECTIONS, filter.max_pages, move |page| {
            request.clone().page(page).send()
        })
    }
}
