//! A typed client for [Drata](https://drata.com)'s public REST API (v1).
//!
//! Drata is a compliance-automation platform; its API lets a company push data
//! Drata cannot collect itself and manage what it has. This crate covers
//! every operation of Drata's v1 reference (116: controls, evidence,
//! vendors, risks, policies, personnel, devices, assets, monitors, events,
//! the trust center, users and their identities, connections and IdP
//! imports…), generated from the OpenAPI document of `drata-openapi`.
//!
//! # Quick example
//!
//! ```no_run
//! use drata::types::ProviderType;
//!
//! # async fn run() -> drata::Result<()> {
//! // The key comes from DRATA_API_KEY unless given with `.api_key(..)`.
//! let client = drata::Client::builder().region(drata::Region::Us).build()?;
//!
//! let page = client
//!     .list_connections()
//!     .provider_types(vec![ProviderType::Mdm])
//!     .limit(50)
//!     .send()
//!     .await?;
//! // Each item is kept even if it does not have the documented shape.
//! for connection in page.data.iter().filter_map(|item| item.value()) {
//!     println!("{} {} {}", connection.id, connection.client_type, connection.state);
//! }
//! # Ok(()) }
//! ```
//!
//! # What the client does around every request
//!
//! - **Retries** ([`RetryPolicy`]): connection failures, 408, 429 and 5xx,
//!   with exponential backoff and full jitter, honouring `Retry-After`;
//!   never 400/401/402/403/404/412, and never a `POST` the server may have
//!   acted on.
//! - **Rate limiting** ([`RateLimit`]): never more than Drata's 500
//!   requests in any minute (unless configured), shared by every clone of a
//!   client and by the user's processes talking to the same host.
//! - **Timeouts**: connect, per attempt (an upload's attempt also gets the
//!   time its size needs), and one deadline per call: a retry or a wait for
//!   the rate limiter that could not finish in time is not started
//!   ([`ClientBuilder`]).
//! - **Errors** ([`Error`]): one type for every method, with Drata's message,
//!   code, the attempt count and a hint ([`ApiError::hint`]), and the facts
//!   for a program ([`Error::operation`], [`Error::status`]); decode failures
//!   name the JSON path; a create whose answer was lost is
//!   [`Error::OutcomeUnknown`], never a plain failure. The API key never
//!   appears in `Debug`, errors or logs.
//! - **Tracing**: a `drata.request` span per attempt with the operation,
//!   method, path template, attempt, status and latency.
//! - **Pagination**: every listing's builder streams its items across pages
//!   (`.items()`, `.pages()`) by one mechanism that cannot loop forever
//!   ([`Page`]); [`Client::connections`] adds the connections filter.
//! - **Any operation, any path**: [`Client::call`] calls an operation from
//!   its table entry ([`operations`]) with text parameters and a JSON body,
//!   [`Client::raw`] any path under the API root; both check what they can
//!   and go through the same runtime.
//! - **Validation** ([`personnel`]): personnel are checked the way Drata
//!   documents them before any upload; nothing invalid is sent.
//!
//! # What is generated and what is not
//!
//! - [`types`], [`operations`], [`shapes`] and every operation method of
//!   [`Client`] (`client.list_connections()…send()`) are generated from the
//!   spec by `drata-generator` (progenitor plus passes of ours), into the
//!   committed `generated/drata.rs` this crate compiles (with the feature
//!   `generate`, at build time instead). Each generated `send()` checks the
//!   parameters and the body and hands a request to the one attempt loop
//!   every call goes through; [`Operation`] says what the loop needs to know
//!   of each operation. The `multipart/form-data` uploads progenitor cannot
//!   generate have typed builders generated beside its own, on the generic
//!   [`Upload`] (`client.upload_vendor_document().id(7).file("soc2.pdf")`).
//! - Hand-written, in this crate: the [`ClientBuilder`] (key, region, base
//!   URL, TLS, timeouts), the attempt loop (retries, rate limit, deadline),
//!   [`Upload`], [`Call`], [`Shape`], [`Client::connections`],
//!   [`personnel`], [`Timestamp`], [`Tolerant`] and [`Error`]. See
//!   ARCHITECTURE.md for the path of a request.
//!
//! # Finding an operation
//!
//! Every operation of Drata's v1 reference is a method of [`Client`], named
//! after it in snake case (`listVendors` → [`Client::list_vendors`]); the
//! README's table lists each with its method and path. From Drata's own
//! operation id (the last part of its reference's URLs), or from a path:
//!
//! ```
//! let op = drata::Operation::by_drata_id("VendorsPublicController_getVendor").unwrap();
//! assert_eq!((op.id, op.method, op.path), ("get_vendor", drata::Method::Get, "/vendors/{id}"));
//! let same = drata::Operation::matching(drata::Method::Get, "/vendors/7");
//! assert_eq!(same.id, "get_vendor");
//! ```
//!
//! # Tolerance
//!
//! Drata's answers do not always match its documentation, and the types
//! accept what it actually sends: timestamps in any of its renderings
//! ([`Timestamp`] keeps the text), ids as numbers or strings
//! ([`types::Id`]), enums that grow (an unknown value is kept in an
//! `Unknown(String)` variant and sent back unchanged), fields documented as
//! required that real answers omit. Each such departure is written in the
//! spec. Beyond what the spec foresees, one odd value never costs a whole
//! page: each item of a listing is a [`Tolerant`], read on its own, with
//! the parts that do not fit set aside and the item's JSON kept as sent.

#![warn(missing_docs)]

/// A module of the generator's output for one spec (`$file`): written at
/// build time with the feature `generate`, else the committed copy under
/// `generated/` (`cargo xtask check` proves the two are the same). One
/// place for what generated code is allowed, for every version's module.
macro_rules! generated_module {
    ($(#[$outer:meta])* $vis:vis mod $name:ident = $file:literal;) => {
        $(#[$outer])*
        $vis mod $name {
            #![allow(
                missing_docs,
                unused_imports,
                unused_mut,
                dead_code,
                clippy::all,
                clippy::pedantic,
                rustdoc::all
            )]
            #[cfg(feature = "generate")]
            include!(concat!(env!("OUT_DIR"), "/", $file));
            #[cfg(not(feature = "generate"))]
            include!(concat!("../generated/", $file));
        }
    };
}

generated_module! {
    /// The generator's output for `openapi/drata.yaml` (v1), re-exported
    /// at the crate's root.
    mod generated = "drata.rs";
}

generated_module! {
    /// Drata's v2 API: every operation of Drata's v2 document, typed, on the
    /// same [`Client`] as v1 (one key, one region, one rate limiter, the same
    /// retries, deadlines and [`Error`]), reached with [`Client::v2`].
    ///
    /// Its listings page by cursor ([`CursorPage`]): `.pages()` and `.items()`
    /// follow `pagination.cursor` to the last page.
    ///
    /// ```no_run
    /// # async fn run(client: drata::Client) -> drata::Result<()> {
    /// use futures::TryStreamExt;
    ///
    /// let v2 = client.v2();
    /// let vendors: Vec<_> = v2.list_vendors().size(100).items().try_collect().await?;
    /// println!("{} vendors", vendors.len());
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "api-v2")]
    pub mod v2 = "v2.rs";
}

mod call;
mod checks;
mod config;
#[cfg(feature = "v1-connections")]
mod connections;
mod error;
mod json_path;
mod limiter;
mod operation;
mod pagination;
#[cfg(feature = "personnel")]
pub mod personnel;
mod redact;
mod request;
mod response;
mod retry;
mod runtime;
pub mod shape;
mod timestamp;
mod tolerant;
#[cfg(feature = "v1-connections")]
mod types_ext;
mod upload;
mod wait;

pub use call::{Call, Prepared};
pub use config::{API_KEY_ENV, ClientBuilder, DEFAULT_MAX_ANSWER_BYTES, Region, USER_AGENT_VALUE};
#[cfg(feature = "v1-connections")]
pub use connections::ConnectionFilter;
pub use error::{ApiError, Error, ErrorBody, Result, TransportKind, Waiting};
#[cfg(feature = "personnel")]
pub use generated::field_rules;
pub use generated::{Client, builder, operations, shapes, types};
pub use limiter::{RateLimit, RateLimiter};
pub use operation::{BodyKind, Method, Operation, Pagination, Parameter, ParameterKind, ParameterLocation};
pub use pagination::{CursorPage, Item, MAX_PAGES, Page};
pub use response::Response;
pub use retry::RetryPolicy;
pub use shape::Shape;
pub use timestamp::{Timestamp, TimestampFormat};
pub use tolerant::{Tolerant, Unreadable};
pub use upload::Upload;
pub use wait::{Wait, WaitReason};
