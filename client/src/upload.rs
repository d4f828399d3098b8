//! [`Upload`]: a `multipart/form-data` request of any operation of the
//! spec that takes one, with its files streamed from disk and rebuilt for
//! each attempt. The generator gives each such operation a typed builder
//! on top (`client.upload_vendor_document().id(7).file("soc2.pdf")`); the
//! generic form is what `drata op` uses.
//!
//! Before anything is sent: the parameters are checked as a [`crate::Call`]
//! checks them; the parts against the form's shape (an unknown part named
//! with the closest the form has, a missing required one, a value of the
//! wrong type or out of bounds); every file is found and its size read; and
//! the check the spec names (`x-drata-check: personnel-csv`) runs on the
//! file, whose checked, rewritten copy is what is sent.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Client;
use crate::checks::CheckedFile;
use crate::error::Error;
use crate::operation::Operation;
#[cfg(feature = "personnel")]
use crate::personnel::PersonnelCsv;
use crate::request::{FormBody, FormPart, PartValue, Progress, invalid};
use crate::response::Response;
use crate::shape::Shape;

/// A multipart upload of an operation: see the module's docs. Start with
/// [`Client::upload`], or an operation's own builder.
///
/// ```no_run
/// # async fn run(client: drata::Client) -> drata::Result<()> {
/// let answer = client
///     .upload(&drata::operations::UPLOAD_VENDOR_DOCUMENT)
///     .param("id", 7)
///     .file("file", "soc2-report.pdf")
///     .field("type", "COMPLIANCE_REPORT")
///     .send()
///     .await?;
/// println!("{}", answer["id"]);
/// # Ok(()) }
/// ```
#[must_use = "an upload does nothing until `.send()` is awaited"]
pub struct Upload<'a> {
    client: &'a Client,
    operation: &'static Operation,
    params: Vec<(String, String)>,
    parts: Vec<(String, Given)>,
    checked: Option<CheckedFile>,
    progress: Option<Progress>,
}

/// What a part was given.
#[derive(Debug, Clone)]
enum Given {
    File(PathBuf),
    Value(Value),
}

impl std::fmt::Debug for Upload<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload")
            .field("operation", &self.operation.id)
            .field("params", &self.params)
            .field("parts", &self.parts)
            .field("checked", &self.checked.as_ref().map(|file| &file.summary))
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A multipart upload of `operation`, any operation of the spec that
    /// takes a form ([`Operation::form_shape`]).
    pub fn upload(&self, operation: &'static Operation) -> Upload<'_> {
        Upload {
            client: self,
            operation,
            params: Vec::new(),
            parts: Vec::new(),
            checked: None,
            progress: None,
        }
    }
}

impl<'a> Upload<'a> {
    /// A path, query or header parameter by its name on the wire.
    pub fn param(mut self, name: impl Into<String>, value: impl ToString) -> Self {
        self.params.push((name.into(), value.to_string()));
        self
    }

    /// A file for the part `part`, streamed from disk (given again, a part
    /// that takes several files takes another; `-` and pipes are read once).
    pub fn file(mut self, part: impl Into<String>, path: impl AsRef<Path>) -> Self {
        self.parts.push((part.into(), Given::File(path.as_ref().to_path_buf())));
        self
    }

    /// A value for the part `part`: text, a number, a flag, a list (each
    /// item a part of that name) or an object (sent as JSON).
    pub fn field(mut self, part: impl Into<String>, value: impl Into<Value>) -> Self {
        self.parts.push((part.into(), Given::Value(value.into())));
        self
    }

    /// A personnel CSV checked already (see [`PersonnelCsv`]), for an
    /// operation whose file the spec has checked as one
    /// (`x-drata-check: personnel-csv`): its checked copy is what is sent.
    #[cfg(feature = "personnel")]
    pub fn csv(mut self, csv: PersonnelCsv) -> Self {
        self.checked = Some(csv.into());
        self
    }

    /// Called as the files' bytes leave, with the bytes sent so far and the
    /// total (from 0 again if the upload is retried).
    pub fn on_progress(mut self, progress: impl Fn(u64, u64) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// Checks everything, then sends the form; the answer is the JSON Drata
    /// sent. With no part given, when the spec requires none, the request
    /// goes without a body (as Drata documents its CSV imports).
    ///
    /// # Errors
    /// [`Error::InvalidRequest`], [`Error::File`] or [`Error::Rejected`]
    /// when something is invalid or cannot be read (nothing is sent), and
    /// the errors of any request.
    pub async fn send(self) -> Result<Response<Value>, Error> {
        self.send_as().await
    }

    /// [`Upload::send`], its answer read as `T` (what a typed builder returns).
    pub(crate) async fn send_as<T: DeserializeOwned>(self) -> Result<Response<T>, Error> {
        let Self { client, operation, params, parts, checked, progress } = self;
        let Some(shape) = operation.form_shape else {
            return Err(invalid(operation, "it takes no multipart form (no file to upload)".into()));
        };
        let target = crate::call::spec_target(operation, &params)?;
        check_parts(operation, shape, &parts, checked.is_some())?;
        // The spec's check of the file (the personnel CSV). The checked copy
        // is kept until the call ends: it is the file sent.
        let checked = match checked {
            Some(given) if operation.check == Some(given.check) => Some(given),
            Some(given) => return Err(invalid(operation, format!("its file is not a {}", given.what))),
            None => {
                let file = parts.iter().find_map(|(_, given)| match given {
                    Given::File(path) => Some(path.clone()),
                    Given::Value(_) => None,
                });
                crate::checks::file(operation, file).await?
            }
        };
        // A form with no part given (the spec requires none) is sent as no
        // body at all: the call Drata documents for its CSV imports.
        let form = match parts.is_empty() && checked.is_none() {
            true => None,
            false => Some(form(operation, parts, checked.as_ref(), progress).await?),
        };
        let request = target.request(client, operation)?;
        let request = match form {
            Some(form) => request.form(form),
            None => request,
        };
        let answer = crate::runtime::execute(client, request).await;
        drop(checked);
        answer
    }
}

/// The parts against the form's shape: a file where a file goes, values
/// elsewhere, every required part there, nothing the form does not have.
fn check_parts(
    operation: &'static Operation,
    shape: &'static Shape,
    parts: &[(String, Given)],
    checked_file: bool,
) -> Result<(), Error> {
    let Shape::Object(form) = shape else {
        return Err(invalid(operation, "its form has no parts the client knows".into()));
    };
    // The form as JSON: a file stands as its path, a repeated part as a list.
    let mut object = serde_json::Map::new();
    for (name, given) in parts {
        let part = form.properties.iter().find(|p| p.name == name);
        let takes_file = part.is_some_and(|p| is_file(p.shape));
        let value = match given {
            Given::File(path) if part.is_none() || takes_file => Value::String(path.display().to_string()),
            Given::File(_) => {
                return Err(invalid(operation, format!("`{name}` is not a file part: give it a value")));
            }
            Given::Value(_) if takes_file => {
                return Err(invalid(operation, format!("`{name}` is a file part: give it a file")));
            }
            Given::Value(value) => value.clone(),
        };
        let repeated = part.is_some_and(|p| matches!(strip_null(p.shape), Shape::Array(_)));
        match object.get_mut(name) {
            Some(Value::Array(items)) if repeated => items.push(value),
            Some(_) => return Err(invalid(operation, format!("`{name}` takes one value"))),
            None if repeated && !value.is_array() => {
                object.insert(name.clone(), Value::Array(vec![value]));
            }
            None => {
                object.insert(name.clone(), value);
            }
        }
    }
    // A file checked already stands for the form's file part.
    if checked_file && let Some(part) = form.properties.iter().find(|p| is_file(p.shape)) {
        object.entry(part.name.to_string()).or_insert_with(|| Value::String("(checked)".into()));
    }
    let problems = shape.problems(&Value::Object(object));
    if problems.is_empty() {
        return Ok(());
    }
    let listed: Vec<String> = problems.iter().map(ToString::to_string).collect();
    Err(invalid(operation, format!("the form: {}", listed.join("; "))))
}

/// The shape inside a `Nullable`.
fn strip_null(shape: &'static Shape) -> &'static Shape {
    match shape {
        Shape::Nullable(inner) => strip_null(inner),
        other => other,
    }
}

/// Whether a part takes files: a file, or a list of files.
fn is_file(shape: &'static Shape) -> bool {
    match strip_null(shape) {
        Shape::File => true,
        Shape::Array(list) => matches!(strip_null(list.items), Shape::File),
        _ => false,
    }
}

/// The form sent: each file found and measured (`checked` stands for the
/// file when the spec checked it), each value as text.
async fn form(
    operation: &'static Operation,
    parts: Vec<(String, Given)>,
    checked: Option<&CheckedFile>,
    progress: Option<Progress>,
) -> Result<FormBody, Error> {
    let mut out = Vec::new();
    let mut checked = checked;
    for (name, given) in parts {
        match given {
            Given::File(path) => {
                if let Some(file) = checked.take() {
                    let value = PartValue::File {
                        path: file.path.clone(),
                        file_name: file.file_name.clone(),
                        media_type: file.media_type,
                        len: file.len,
                    };
                    out.push(FormPart { name, value });
                    continue;
                }
                let metadata = tokio::fs::metadata(&path)
                    .await
                    .map_err(|source| Error::File { path: path.clone(), source })?;
                if metadata.is_dir() {
                    return Err(Error::File {
                        path,
                        source: std::io::Error::other("it is a directory, not a file"),
                    });
                }
                let file_name =
                    path.file_name().map_or_else(|| "file".to_string(), |n| n.to_string_lossy().into_owned());
                let media_type = media_type(&path);
                out.push(FormPart {
                    name,
                    value: PartValue::File { path, file_name, media_type, len: metadata.len() },
                });
            }
            Given::Value(Value::Array(items)) => {
                out.extend(
                    items
                        .into_iter()
                        .map(|item| FormPart { name: name.clone(), value: PartValue::Text(text(item)) }),
                );
            }
            Given::Value(value) => out.push(FormPart { name, value: PartValue::Text(text(value)) }),
        }
    }
    if let (Some(file), Some(shape)) = (checked, operation.form_shape) {
        // Given with `.csv(…)` alone: the form's file part carries it.
        let Shape::Object(form) = shape else {
            return Err(invalid(operation, "its form has no file part".into()));
        };
        let name = form.properties.iter().find(|p| is_file(p.shape)).map_or("file", |p| p.name).to_string();
        let value = PartValue::File {
            path: file.path.clone(),
            file_name: file.file_name.clone(),
            media_type: file.media_type,
            len: file.len,
        };
        out.push(FormPart { name, value });
    }
    Ok(FormBody { parts: out, progress })
}

/// A value as a form part's text: strings as they are, anything else as JSON.
fn text(value: Value) -> String {
    match value {
        Value::String(text) => text,
        other => other.to_string(),
    }
}

/// The media type of a file, from its extension (what Drata's upload pages
/// accept); `application/octet-stream` otherwise.
fn media_type(path: &Path) -> &'static str {
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("pdf") => "application/pdf",
        Some("csv") => "text/csv",
        Some("txt") => "text/plain",
        Some("json") => "application/json",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("doc") => "application/msword",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("pptx") => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        Some("odt") => "application/vnd.oasis.opendocument.text",
        Some("ods") => "application/vnd.oasis.opendocument.spreadsheet",
        Some("odp") => "application/vnd.oasis.opendocument.presentation",
        Some("zip") => "application/zip",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_come_from_the_extension() {
        assert_eq!(media_type(Path::new("a/report.PDF")), "application/pdf");
        assert_eq!(media_type(Path::new("people.csv")), "text/csv");
        assert_eq!(media_type(Path::new("noext")), "application/octet-stream");
    }

    #[test]
    fn values_are_sent_as_text() {
        assert_eq!(text(Value::from("x")), "x");
        assert_eq!(text(Value::from(7)), "7");
        assert_eq!(text(serde_json::json!({"a": 1})), r#"{"a":1}"#);
    }
}
