//! What an [`Error`] says: its wording for people (each variant's
//! `Display`, the hint of an error answer) and the helpers that make it
//! (a status with its reason, a duration, a cut value, a body's start).
//! The facts a program reads are in the parent module.

use std::fmt;
use std::time::Duration;

use super::{ApiError, NOT_JSON, TransportKind, Waiting};
use crate::operation::{BodyKind, Operation};

/// The longest part of a response body an error message quotes.
pub(crate) const BODY_EXCERPT_CHARS: usize = 200;

impl Waiting {
    /// What happened, for a deadline of `after`.
    pub fn describe(self, after: Duration) -> String {
        let deadline = seconds(after);
        match self {
            Waiting::Answer => format!("no answer within the deadline of {deadline}"),
            Waiting::RateLimit(wait) => format!(
                "not sent: the rate limit's next free request is {} away, past the deadline of {deadline}",
                seconds(wait)
            ),
            Waiting::Retry(delay) => format!(
                "no answer within the deadline of {deadline}: the pause of {} before the next retry would pass it",
                seconds(delay)
            ),
        }
    }
}

impl TransportKind {
    /// What to do after such a failure.
    pub(super) fn advice(self) -> &'static str {
        match self {
            TransportKind::Timeout | TransportKind::AnswerTimeout => {
                "; Drata or the network is slow or down: allow more time or try later"
            }
            TransportKind::Connect => "; check the network, the base URL and the region",
            TransportKind::AnswerCut | TransportKind::Other => "; try again later",
        }
    }
}

impl ApiError {
    /// Whether a 404 means the route, not a record, does not exist: the
    /// operation names no record, or the answer is not Drata's record error
    /// (a proxy's page, or a web framework's `Cannot GET /…`).
    fn is_unknown_route(&self) -> bool {
        let names_a_record = self.operation.path.contains('{');
        let framework_404 = self.message().is_none_or(|m| m.starts_with("Cannot "));
        !names_a_record || framework_404
    }

    /// Whether the body is not JSON at all: a web page, a proxy's or a
    /// gateway's, not Drata's API.
    fn is_not_json(&self) -> bool {
        self.body.is_none()
            && self.excerpt.as_deref().is_some_and(|e| {
                let start = e.trim_start();
                !start.is_empty() && start != "(empty)" && !start.starts_with(['{', '['])
            })
    }

    /// What a 404 of an unknown route means: a method the path does not
    /// have, or a path the API does not have.
    fn unknown_route_hint(&self) -> String {
        let methods: Vec<String> = Operation::methods_of_path(&self.request_path)
            .into_iter()
            .filter(|m| *m != self.operation.method)
            .map(|m| m.to_string())
            .collect();
        if methods.is_empty() {
            "Drata has no such route: check the path, the base URL (it ends in `/public`, e.g. https://public-api.drata.com/public) and the region.".to_string()
        } else {
            format!(
                "Drata's API has no {} on {}: that path takes {}.",
                self.operation.method,
                self.request_path,
                methods.join(", ")
            )
        }
    }

    /// What a 404 of a known operation means: no record with the values
    /// its path names (and, with a body, maybe an id the body names).
    fn no_record_hint(&self) -> String {
        let named: Vec<String> = self
            .operation
            .path_values(&self.request_path)
            .into_iter()
            .map(|(name, value)| format!("{name} `{}`", cut(&value)))
            .collect();
        let ids = self.operation.body_shape.map(body_ids).unwrap_or_default();
        let body = if ids.is_empty() {
            String::new()
        } else {
            format!(", or for the {} in the body", ids.join(", "))
        };
        format!("No such record: Drata found nothing for the {}{body}.", named.join(" and "))
    }

    /// Whether its `Display` quotes Drata's message cut, because it is
    /// longer than the 200 characters an error quotes of a body (the start
    /// is shown, then how long it is); [`ApiError::message`] has it whole.
    ///
    /// ```
    /// # fn show(api: &drata::ApiError) {
    /// if api.message_is_cut() {
    ///     eprintln!("Drata's whole message: {}", api.message().unwrap_or_default());
    /// }
    /// # }
    /// ```
    pub fn message_is_cut(&self) -> bool {
        self.message().is_some_and(|m| m.chars().nth(BODY_EXCERPT_CHARS).is_some())
    }

    /// What a person should do about it.
    pub fn hint(&self) -> Option<String> {
        // A 4xx page that is not JSON (a 5xx one is a gateway's answer for
        // Drata, a 404 and a 429 have hints of their own).
        if self.is_not_json() && (400..500).contains(&self.status) && !matches!(self.status, 404 | 429) {
            return Some(
                "The answer is not JSON, so it did not come from Drata's API but from something in front of it (a proxy, a gateway, a login page): check the base URL and any proxy between you and Drata.".to_string(),
            );
        }
        Some(match (self.status, self.operation.permission) {
            (403, Some(permission)) => format!(
                "The API key lacks the permission this operation requires: \"{permission}\". Add it to the key's scopes in Drata (Settings → API Keys)."
            ),
            (404, _) if self.is_unknown_route() => self.unknown_route_hint(),
            (404, _) => self.no_record_hint(),
            (429, _) if self.retry_after.is_some() => format!(
                "Rate limited: Drata asks to wait {} before retrying (it allows 500 requests per minute per IP).",
                seconds(self.retry_after.unwrap_or_default())
            ),
            _ => status_hint(self.status)?.to_string(),
        })
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: Drata answered {}",
            self.operation.method,
            self.request_path,
            status_text(self.status)
        )?;
        match &self.body {
            Some(body) => {
                write!(f, ": {} (code {}", quoted_message(&body.message), body.code)?;
                if let Some(name) = &body.name {
                    write!(f, ", {name}")?;
                }
            }
            None => {
                let excerpt = self.excerpt.as_deref().unwrap_or("(empty)");
                write!(f, " with a body that is not Drata's error JSON ({excerpt}")?;
            }
        }
        if self.attempts > 1 {
            write!(f, ", after {} attempts", self.attempts)?;
        }
        f.write_str(")")?;
        if let Some(hint) = self.hint() {
            write!(f, ". {hint}")?;
        }
        Ok(())
    }
}

/// The fields of a body that name records (`userId`, `controlIds`): what
/// else a 404 may be about.
fn body_ids(shape: &'static crate::Shape) -> Vec<String> {
    let crate::Shape::Object(object) = shape else { return Vec::new() };
    object
        .properties
        .iter()
        .filter(|p| p.name.ends_with("Id") || p.name.ends_with("Ids"))
        .map(|p| format!("`{}`", p.name))
        .collect()
}

/// The advice for an error status, whatever the operation.
fn status_hint(status: u16) -> Option<&'static str> {
    Some(match status {
        400 => "Check the request against the operation's documentation.",
        401 => {
            "Check the API key (Settings → API Keys in Drata) and that the region matches your Drata account."
        }
        402 => "This feature needs a Drata plan upgrade.",
        403 => "The API key lacks the permission this operation requires; edit the key's scopes in Drata.",
        412 => "The key's owner must accept Drata's terms and conditions in the Drata web app.",
        429 => "Rate limited: Drata allows 500 requests per minute per IP; wait and retry.",
        500..=599 => "Drata had a server error; retry later.",
        _ => return None,
    })
}

/// What a [`Error::Decode`] says happened.
pub(super) fn decode_text(status: u16, path: &str, message: &str) -> String {
    if path == NOT_JSON {
        format!(
            "the answer ({}) is not JSON, so it did not come from Drata's API: the base URL may point to a web page or a proxy ({message})",
            status_text(status)
        )
    } else {
        format!(
            "Drata's answer ({}) does not have the documented shape at `{path}`: {message}",
            status_text(status)
        )
    }
}

/// The builder setting of an operation's deadline.
pub(super) fn deadline_setting(operation: &Operation) -> &'static str {
    match operation.body {
        BodyKind::Multipart => "upload_call_deadline",
        BodyKind::None | BodyKind::Json => "call_deadline",
    }
}

/// A status with its reason phrase: `404 Not Found`.
pub(super) fn status_text(status: u16) -> String {
    let reason = http::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason());
    match reason {
        Some(reason) => format!("{status} {reason}"),
        None => status.to_string(),
    }
}

/// A duration for a person: `2 s`, `1.5 s`, `250 ms`.
pub(crate) fn seconds(duration: Duration) -> String {
    if duration < Duration::from_secs(1) {
        format!("{} ms", duration.as_millis())
    } else if duration.subsec_millis() == 0 {
        format!("{} s", duration.as_secs())
    } else {
        format!("{:.1} s", duration.as_secs_f64())
    }
}

/// What went wrong on the way, in words, then the underlying error's chain
/// of causes (reqwest's names the URL, never headers: the key is not in it).
pub(super) fn transport_reason(
    kind: TransportKind,
    source: &(dyn std::error::Error + 'static),
    timeout: Option<Duration>,
) -> String {
    let within = timeout.map(|t| format!(" within {}", seconds(t))).unwrap_or_default();
    let what = match kind {
        TransportKind::Timeout => format!("no answer{within}"),
        TransportKind::AnswerTimeout => format!("the answer stopped arriving: no whole answer{within}"),
        TransportKind::Connect => "could not connect to Drata".to_string(),
        TransportKind::AnswerCut => "the connection broke while the answer was arriving".to_string(),
        TransportKind::Other => "the request failed".to_string(),
    };
    let mut message = format!("{what}: {source}");
    let mut cause = source.source();
    while let Some(c) = cause {
        message.push_str(&format!(": {c}"));
        cause = c.source();
    }
    message
}

/// The longest part of a value a message quotes (a user's or a server's).
pub(crate) const QUOTED_CHARS: usize = 100;

/// A value for a message: its first 100 characters, then how long it is.
pub(crate) fn cut(value: &str) -> String {
    let mut chars = value.char_indices();
    match chars.nth(QUOTED_CHARS) {
        Some((end, _)) => format!("{}… ({} characters)", &value[..end], value.chars().count()),
        None => value.to_string(),
    }
}

/// Drata's message as an error quotes it: whole up to 200 characters
/// (what it quotes of any body), else its first 200 and how long it is,
/// `… (300130 characters)`. [`ApiError::message`] has it whole.
pub(crate) fn quoted_message(message: &str) -> std::borrow::Cow<'_, str> {
    match message.char_indices().nth(BODY_EXCERPT_CHARS) {
        Some((end, _)) => format!("{}… ({} characters)", &message[..end], message.chars().count()).into(),
        None => message.into(),
    }
}

/// The start of a body, cut at 200 characters.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(BODY_EXCERPT_CHARS).collect();
    if text.chars().nth(BODY_EXCERPT_CHARS).is_some() {
        out.push('…');
    }
    if out.is_empty() { "(empty)".into() } else { out }
}

/// A size in bytes for a message: `64 MiB`, `1.5 KiB`, `300 bytes`.
pub(super) fn size_text(bytes: u64) -> String {
    const KIB: u64 = 1 << 10;
    const MIB: u64 = 1 << 20;
    const GIB: u64 = 1 << 30;
    let (unit, name) = match bytes {
        b if b >= GIB => (GIB, "GiB"),
        b if b >= MIB => (MIB, "MiB"),
        b if b >= KIB => (KIB, "KiB"),
        _ => return format!("{bytes} bytes"),
    };
    if bytes.is_multiple_of(unit) {
        format!("{} {name}", bytes / unit)
    } else {
        format!("{:.1} {name}", bytes as f64 / unit as f64)
    }
}

/// A header a server sent, for a message: control characters and bidi
/// overrides shown as escapes (a server's text never moves a terminal's
/// cursor or turns text around), cut at 200
/// characters.
pub(crate) fn printable(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == BODY_EXCERPT_CHARS {
            out.push('…');
            break;
        }
        if c.is_control()
            || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}
