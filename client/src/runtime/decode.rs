//! How a call ends: its last attempt's answer decoded into a
//! [`crate::Response`], or the [`Error`] it amounts to.

use serde::de::DeserializeOwned;

use super::attempt::Answer;
use super::context::CallContext;
use crate::error::{ApiError, Error, ErrorBody, NOT_JSON, TransportKind, excerpt, printable};
use crate::response::Response;

/// A success answer, not read yet.
pub(crate) struct Success {
    operation: &'static crate::Operation,
    request_path: String,
    status: u16,
    headers: http::HeaderMap,
    body: bytes::Bytes,
}

/// The answer read as `T` (the only generic step of a call).
///
/// # Errors
/// [`Error::Decode`] when the answer does not have the shape of `T`.
pub(crate) fn read<T: DeserializeOwned>(answer: Success) -> Result<Response<T>, Error> {
    // An answer without a body (a 204), or one documented without one
    // (whatever its body), reads as JSON `null`: `()` to a typed call.
    let empty = answer.body.iter().all(u8::is_ascii_whitespace);
    let text: &[u8] = if empty || !answer.operation.answer_content { b"null" } else { &answer.body };
    match serde_json::from_slice::<T>(text) {
        Ok(value) => {
            let Success { status, headers, body, .. } = answer;
            Ok(Response::new(value, status, headers, body))
        }
        Err(e) => Err(unreadable(answer, empty, &e)),
    }
}

/// The error of an answer `read` could not read as its type (apart from
/// `read`, so that it is compiled once, not once per answer type).
#[cold]
fn unreadable(answer: Success, empty: bool, e: &serde_json::Error) -> Error {
    let Success { operation, request_path, status, body, .. } = answer;
    if empty {
        // No body (another 2xx than the documented one) where one is documented.
        return Error::Decode {
            operation,
            request_path,
            status,
            path: "$".into(),
            message: "there is no body, where the operation documents one".into(),
            excerpt: excerpt(&body),
        };
    }
    let text: &[u8] = if operation.answer_content { &body } else { b"null" };
    let path = match serde_json::from_slice::<serde::de::IgnoredAny>(&body) {
        Ok(_) => match crate::json_path::of_error(text, e) {
            Some(path) if !path.is_empty() => crate::json_path::display(&path),
            _ => "$".into(),
        },
        Err(_) => NOT_JSON.to_string(),
    };
    Error::Decode { operation, request_path, status, path, message: e.to_string(), excerpt: excerpt(&body) }
}

/// The call's end from its last attempt: a success to read, or its error.
pub(crate) fn finish(context: CallContext, result: Result<Answer, reqwest::Error>) -> Result<Success, Error> {
    let CallContext { operation, request_path, attempts, retry_after, maybe_acted, timeout, .. } = context;
    let answer = match result {
        Ok(answer) => answer,
        Err(e) => {
            let kind = TransportKind::of(&e);
            let timeout =
                matches!(kind, TransportKind::Timeout | TransportKind::AnswerTimeout).then_some(timeout);
            let source = Box::new(e);
            return Err(if maybe_acted {
                Error::OutcomeUnknown { operation, request_path, attempts, kind, timeout, source }
            } else {
                Error::Transport { operation, request_path, attempts, kind, timeout, source }
            });
        }
    };
    let Answer { status, headers, body } = answer;
    if operation.is_success(status) {
        return Ok(Success { operation, request_path, status, headers, body });
    }
    if (400..600).contains(&status) {
        // Drata's error JSON when it is that; a proxy's page otherwise.
        let (body, excerpt) = match serde_json::from_slice::<ErrorBody>(&body) {
            Ok(body) => (Some(body), None),
            Err(_) => (None, Some(excerpt(&body))),
        };
        return Err(Error::Api(Box::new(ApiError {
            operation,
            request_path,
            status,
            body,
            excerpt,
            attempts,
            retry_after,
        })));
    }
    if (300..400).contains(&status)
        && let Some(location) = headers.get(http::header::LOCATION)
    {
        let location = printable(&String::from_utf8_lossy(location.as_bytes()));
        return Err(Error::Redirect { operation, request_path, status, location });
    }
    Err(Error::UnexpectedStatus { operation, request_path, status, attempts, excerpt: excerpt(&body) })
}
