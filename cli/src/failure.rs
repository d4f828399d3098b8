//! [`Failure`]: how a command failed, worded for the command line (its
//! flags, not the library's builder), with its exit code, and as the JSON
//! `{"error": {...}}` that `--json` prints on stdout.

use serde_json::{Map, Value, json};

/// Exit code when the API or the network failed.
pub const EXIT_API: u8 = 1;
/// Exit code for usage errors and invalid input (nothing was sent).
pub const EXIT_INVALID: u8 = 2;

/// How a command failed.
#[derive(Debug)]
pub enum Failure {
    /// Usage or input error; nothing was sent.
    Invalid(String),
    /// The API or the network failed.
    Api(String),
    /// A call of the client failed.
    Call(Box<drata::Error>),
    /// Invalid input whose finding is a JSON document of the command's own
    /// (a personnel file's problems): `--json` prints it instead of
    /// `{"error": …}`.
    Report(String, Value),
    /// The API's answer was not the one hoped for, and the command's own
    /// JSON document says so (`auth status` of a key Drata refuses):
    /// `--json` prints it instead of `{"error": …}`; exit 1.
    Finding(String, Value),
    /// Standard output could not be written: a reader that went away (a
    /// broken pipe, not an error) or a full disk.
    Output(std::io::Error),
    /// A failure with a word of what the command knows beside it (whose key
    /// a call refused for its key used), said after its message; the rest
    /// (kind, exit code, details) is the failure's.
    Noted(Box<Failure>, String),
    /// A listing of every page that failed after printing some: the
    /// failure, and where to go on from (`--page 3`, `--cursor C`), said
    /// in its message and as `resume` in its JSON.
    Resumable(Box<Failure>, String),
}

impl From<drata::Error> for Failure {
    fn from(e: drata::Error) -> Self {
        Failure::Call(Box::new(e))
    }
}

impl Failure {
    /// The exit code it calls for.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Invalid(_) | Failure::Report(..) => EXIT_INVALID,
            Failure::Call(e) if e.is_invalid_input() => EXIT_INVALID,
            Failure::Api(_) | Failure::Finding(..) | Failure::Call(_) | Failure::Output(_) => EXIT_API,
            Failure::Noted(failure, _) => failure.exit_code(),
            Failure::Resumable(failure, _) => failure.exit_code(),
        }
    }

    /// What happened and what to do, in the command line's words.
    pub fn message(&self) -> String {
        match self {
            Failure::Invalid(message)
            | Failure::Api(message)
            | Failure::Report(message, _)
            | Failure::Finding(message, _) => message.clone(),
            Failure::Call(e) => call_message(e),
            Failure::Output(e) => format!("cannot write the output: {e}"),
            Failure::Noted(failure, note) => {
                // A sentence of its own after one ended, else a clause.
                let message = failure.message();
                let mut letters = note.chars();
                match (message.ends_with('.'), letters.next()) {
                    (true, Some(first)) => format!("{message} {}{}.", first.to_uppercase(), letters.as_str()),
                    _ => format!("{message}; {note}"),
                }
            }
            Failure::Resumable(failure, resume) => format!(
                "{}\nthe items before it were printed; go on from there with {resume}",
                failure.message()
            ),
        }
    }

    /// What stderr says: `error: ` and the message, then, when the message
    /// quotes Drata's cut (the client quotes 200 characters of it), where
    /// it is whole: the `drataMessage` of the JSON error.
    pub fn stderr_text(&self) -> String {
        let message = format!("error: {}", self.message());
        match self {
            Failure::Call(e) if matches!(&**e, drata::Error::Api(api) if api.message_is_cut()) => format!(
                "{message}\nnote: Drata's message is shown cut; --json prints it whole, as `drataMessage`"
            ),
            _ => message,
        }
    }

    /// `{"error": {...}}`: the message, its kind and exit code, and what
    /// the client knows of the call (operation, status, Drata's message).
    pub fn to_json(&self) -> Value {
        if let Failure::Report(_, report) | Failure::Finding(_, report) = self {
            return report.clone();
        }
        if let Failure::Noted(failure, _) = self {
            let mut json = failure.to_json();
            if let Some(error) = json.get_mut("error").and_then(Value::as_object_mut) {
                error.insert("message".into(), json!(self.message()));
            }
            return json;
        }
        if let Failure::Resumable(failure, resume) = self {
            let mut json = failure.to_json();
            json["error"]["message"] = json!(self.message());
            json["error"]["resume"] = json!(resume);
            return json;
        }
        let mut error = Map::new();
        error.insert("kind".into(), json!(self.kind()));
        error.insert("message".into(), json!(self.message()));
        error.insert("exitCode".into(), json!(self.exit_code()));
        if let Failure::Call(e) = self {
            call_details(e, &mut error);
        }
        json!({ "error": error })
    }

    fn kind(&self) -> &'static str {
        match self {
            Failure::Invalid(_) | Failure::Report(..) => "invalid",
            Failure::Api(_) | Failure::Finding(..) => "failed",
            Failure::Output(_) => "output",
            Failure::Noted(failure, _) => failure.kind(),
            Failure::Resumable(failure, _) => failure.kind(),
            Failure::Call(e) => match &**e {
                e if e.is_invalid_input() => "invalid",
                drata::Error::Api(_) => "api",
                drata::Error::OutcomeUnknown { .. } => "outcome-unknown",
                e if e.is_timeout() => "timeout",
                drata::Error::Transport { .. } => "network",
                drata::Error::Decode { .. } | drata::Error::UnexpectedStatus { .. } => "unexpected-answer",
                drata::Error::Redirect { .. } => "redirect",
                drata::Error::AnswerTooLarge { .. } => "answer-too-large",
                drata::Error::Pagination { .. } => "pagination",
                _ => "failed",
            },
        }
    }
}

/// A client error in the command line's words: the library's message,
/// with the flag to use where the library names a builder setting.
fn call_message(e: &drata::Error) -> String {
    match e {
        drata::Error::Deadline { operation, request_path, after, attempts, waiting, .. } => format!(
            "{} {request_path}: {} ({attempts} attempt(s)); allow more time with --timeout SECONDS, or try again later",
            operation.method,
            waiting.describe(*after)
        ),
        e if e.is_timeout() => format!("{e} (wait longer with --timeout SECONDS)"),
        drata::Error::AnswerTooLarge { operation, request_path, status, limit, .. } => format!(
            "{} {request_path}: the answer (status {status}) is larger than the {} MiB a command reads; nothing of it was read past that. Set {}=MIB to read larger answers",
            operation.method,
            limit >> 20,
            crate::commands::MAX_ANSWER_ENV
        ),
        e => e.to_string(),
    }
}

/// What a program can read of a client error, beside its message.
fn call_details(e: &drata::Error, error: &mut Map<String, Value>) {
    if let Some(operation) = e.operation() {
        error.insert("operation".into(), json!(drata_cli::operations::command_name(operation)));
        error.insert("method".into(), json!(operation.method.as_str()));
    }
    if let Some(status) = e.status() {
        error.insert("status".into(), json!(status));
    }
    if let Some(attempts) = e.attempts() {
        error.insert("attempts".into(), json!(attempts));
    }
    match e {
        drata::Error::Api(api) => {
            error.insert("path".into(), json!(api.request_path));
            if let Some(message) = api.message() {
                error.insert("drataMessage".into(), json!(message));
            }
            if let Some(code) = api.code() {
                error.insert("code".into(), json!(code));
            }
            if let Some(name) = api.name() {
                error.insert("name".into(), json!(name));
            }
            if let Some(hint) = api.hint() {
                error.insert("hint".into(), json!(hint));
            }
        }
        drata::Error::Rejected { .. } => {
            if let Some(report) = e.validation_report() {
                let problems: Vec<Value> = report
                    .problems
                    .iter()
                    .map(|p| json!({"row": p.row, "column": p.column, "message": p.message}))
                    .collect();
                error.insert("problems".into(), Value::Array(problems));
            }
        }
        drata::Error::OutcomeUnknown { request_path, .. }
        | drata::Error::Transport { request_path, .. }
        | drata::Error::Decode { request_path, .. }
        | drata::Error::UnexpectedStatus { request_path, .. }
        | drata::Error::AnswerTooLarge { request_path, .. }
        | drata::Error::Deadline { request_path, .. } => {
            error.insert("path".into(), json!(request_path));
        }
        drata::Error::Redirect { request_path, location, .. } => {
            error.insert("path".into(), json!(request_path));
            error.insert("location".into(), json!(location));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_say_their_kind_and_exit_code_in_json() {
        let invalid = Failure::Invalid("give a user id or --email".into());
        assert_eq!(
            invalid.to_json(),
            json!({"error": {"kind": "invalid", "message": "give a user id or --email", "exitCode": 2}})
        );
        let failed = Failure::Api("the listing stopped".into());
        assert_eq!(failed.exit_code(), 1);
        assert_eq!(failed.to_json()["error"]["kind"], "failed");
        let config = Failure::from(drata::Error::Config { message: "bad URL".into() });
        assert_eq!((config.exit_code(), config.kind()), (2, "invalid"));
        let noted = Failure::Noted(Box::new(invalid), "the key …abcd comes from DRATA_API_KEY".into());
        assert_eq!(
            noted.to_json(),
            json!({"error": {"kind": "invalid", "message": "give a user id or --email; the key …abcd comes from DRATA_API_KEY", "exitCode": 2}})
        );
        let sentence = Failure::Noted(
            Box::new(Failure::Api("Check the API key.".into())),
            "the key …abcd comes from --api-key".into(),
        );
        assert_eq!(sentence.message(), "Check the API key. The key …abcd comes from --api-key.");
    }
}
