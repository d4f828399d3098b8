//! The client's request hooks: what happens around every request, generated
//! or hand-written.
//!
//! progenitor calls [`ClientHooks`] around each request it sends; the
//! hand-written upload methods call the same hooks, so every request gets the
//! same treatment.

use progenitor_client::{ClientHooks, OperationInfo};

use crate::Client;

/// The client's per-instance state, reachable from the hooks. Cloning a
/// [`Client`] shares it.
#[derive(Clone, Debug, Default)]
pub struct Runtime {
    _private: (),
}

/// The header progenitor adds to every request (the spec's `info.version`).
/// Drata does not define it, so it is not sent.
const PROGENITOR_VERSION_HEADER: &str = "api-version";

impl ClientHooks<Runtime> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        request.headers_mut().remove(PROGENITOR_VERSION_HEADER);
        Ok(())
    }
}
