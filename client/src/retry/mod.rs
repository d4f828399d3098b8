//! Retrying, in two small parts (as smithy-rs splits it): `classify` says
//! what an attempt ended with, `policy` decides whether and when to try
//! again. The retry budget is the rate limiter's (`crate::limiter`).

mod classify;
pub(crate) mod policy;

pub(crate) use classify::Outcome;
pub use policy::RetryPolicy;
