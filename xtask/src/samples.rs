//! Drata's documented samples (`openapi/samples/`), each with the schema it
//! is a sample of: `<operationId>.<status or "request">[.<rendering>].json`,
//! or `error.any.<…>.json` for an error body.

use std::path::Path;

use drata_generator::Spec;
use serde_json::{Value, json};

/// Where the samples are.
pub const SAMPLES: &str = "openapi/samples";

/// One sample and its schema.
pub struct Sample {
    /// The file's name.
    pub file: String,
    /// The schema, as written in the spec.
    pub schema: Value,
    /// The sample.
    pub value: Value,
}

/// Every sample of the folder; a file whose name names no schema of the
/// spec is a problem.
pub fn load(root: &Path, spec: &Spec) -> (Vec<Sample>, Vec<String>) {
    let (mut samples, mut problems) = (Vec::new(), Vec::new());
    let dir = root.join(SAMPLES);
    let mut files: Vec<_> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect(),
        Err(e) => return (samples, vec![format!("cannot read {SAMPLES}: {e}")]),
    };
    files.sort();
    for path in files {
        let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let value = match std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
        {
            Ok(value) => value,
            Err(e) => {
                problems.push(format!("{SAMPLES}/{file} is not JSON: {e}"));
                continue;
            }
        };
        match schema_of(spec, &file) {
            Ok(schema) => samples.push(Sample { file, schema, value }),
            Err(e) => problems.push(format!("{SAMPLES}/{file}: {e}")),
        }
    }
    (samples, problems)
}

/// The schema a sample's file name names.
fn schema_of(spec: &Spec, file: &str) -> Result<Value, String> {
    let mut parts = file.trim_end_matches(".json").split('.');
    let (Some(operation), Some(kind)) = (parts.next(), parts.next()) else {
        return Err("name it `<operationId>.<status or request>[.<rendering>].json`".into());
    };
    if operation == "error" {
        return Ok(json!({"$ref": "#/components/schemas/ExceptionResponse"}));
    }
    let op =
        find_operation(spec, operation).ok_or_else(|| format!("no operation `{operation}` in the spec"))?;
    let holder = if kind == "request" {
        op.get("requestBody").and_then(|b| spec.resolve(b))
    } else {
        op.pointer(&format!("/responses/{kind}")).and_then(|r| spec.resolve(r))
    };
    holder
        .and_then(|h| h.pointer("/content/application~1json/schema"))
        .cloned()
        .ok_or_else(|| format!("`{operation}` has no JSON {kind} body"))
}

fn find_operation<'a>(spec: &'a Spec, operation_id: &str) -> Option<&'a Value> {
    spec.raw
        .get("paths")?
        .as_object()?
        .values()
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .find(|op| op.get("operationId").and_then(Value::as_str) == Some(operation_id))
}
