//! A typed client for [Drata](https://drata.com)'s public REST API (v1).
//!
//! Drata is a compliance-automation platform; its API lets a company push data
//! Drata cannot collect itself and manage what it has. This crate covers the
//! version-control identity operations, the connections listing and IdP
//! personnel imports, generated from the OpenAPI document in `openapi/`.
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
//! for connection in &page.data {
//!     println!("{} {} {}", connection.id, connection.client_type, connection.state);
//! }
//! # Ok(()) }
//! ```
//!
//! # What is generated and what is not
//!
//! - [`types`] and every operation method of [`Client`] that returns a
//!   builder (`client.list_connections()…send()`) are generated at build
//!   time by progenitor from the spec. Their failures are [`OperationError`];
//!   `?` turns them into [`Error`].
//! - Hand-written, in this crate: the [`ClientBuilder`] (key, region, base URL,
//!   TLS, timeouts), the request hooks ([`runtime`]), the multipart CSV
//!   uploads progenitor cannot generate
//!   ([`Client::create_idp_connection_from_csv`],
//!   [`Client::update_idp_connection_from_csv`]), [`Timestamp`] and [`Error`].
//!
//! # Tolerance
//!
//! Drata's answers do not always match its documentation, and the types
//! accept what it actually sends: timestamps in any of its renderings
//! ([`Timestamp`] keeps the text), ids as numbers or strings
//! ([`types::Id`]), enums that grow (an unknown value is kept in an
//! `Unknown(String)` variant and sent back unchanged), fields documented as
//! required that real answers omit. Each such departure is written in the spec.

#![warn(missing_docs)]

mod generated {
    #![allow(missing_docs, unused_imports, dead_code, clippy::all, clippy::pedantic, rustdoc::all)]
    include!(concat!(env!("OUT_DIR"), "/drata.rs"));
}

mod config;
mod error;
mod limiter;
mod pagination;
pub mod personnel;
mod retry;
pub mod runtime;
mod timestamp;
mod upload;

pub use config::{API_KEY_ENV, ApiKey, ClientBuilder, Region, USER_AGENT_VALUE};
pub use error::{ApiError, BODY_EXCERPT_CHARS, Error, OperationError, Result, hint_for};
pub use generated::{ByteStream, Client, ClientInfo, ResponseValue, builder, operations, types};
pub use limiter::RateLimit;
pub use pagination::ConnectionFilter;
pub use retry::RetryPolicy;
pub use timestamp::{Timestamp, TimestampFormat};
pub use upload::CSV_PART_NAME;
