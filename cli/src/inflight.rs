//! The write a command has under way, if any: an interrupt (Ctrl-C,
//! SIGTERM) while one is on its way is an unknown outcome, and says so as
//! a lost answer does, instead of a bare "interrupted".

use std::future::Future;
use std::sync::Mutex;

use drata::Operation;

/// The write under way: its operation and the path it goes to.
static UNDER_WAY: Mutex<Option<(&'static Operation, String)>> = Mutex::new(None);

/// Runs `call`, a request of `operation` to `path`, marked as under way when
/// it changes something (a method other than GET). The mark stays if the
/// call never ends (an interrupt drops it), which is what [`under_way`] reads.
pub async fn call<T>(operation: &'static Operation, path: &str, call: impl Future<Output = T>) -> T {
    if operation.method == drata::Method::Get {
        return call.await;
    }
    set(Some((operation, path.to_string())));
    let result = call.await;
    set(None);
    result
}

fn set(value: Option<(&'static Operation, String)>) {
    *UNDER_WAY.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = value;
}

/// What an interrupt means now: `None` when no write was under way, else
/// the unknown outcome of the write, worded as a lost answer is.
pub fn under_way() -> Option<String> {
    let under_way = UNDER_WAY.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
    let (operation, path) = under_way?;
    let check = operation.if_unanswered.map(|check| format!(": {check}")).unwrap_or_default();
    Some(format!(
        "interrupted while {} {path} was under way: the request may have reached Drata, and Drata may have acted on it. Do not simply repeat it; first check whether it took effect{check}",
        operation.method
    ))
}
