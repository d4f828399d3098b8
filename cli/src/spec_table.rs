//! Any operation's answer as a table (`--output table`, or a terminal): a
//! listing's items in columns taken from the spec (the scalar fields of its
//! item schema: `id` first, then the required ones, in spec order), any
//! other answer as its fields and values. Nothing here names a field by
//! hand: an operation added to the spec prints as a table at once.

use drata::Operation;
use heck::ToShoutySnakeCase;
use serde_json::Value;

use crate::Failure;
use crate::output::{Stdout, text};

/// The most columns a listing's table has (the terminal's width narrows
/// them further).
const MAX_COLUMNS: usize = 7;

/// A column of a listing: the field, and whether it holds timestamps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The item's field.
    pub field: String,
    /// Whether the spec says it is a time (shown as every table shows one).
    pub timestamp: bool,
}

/// The columns of `operation`'s listing, from the schema of its answer's
/// `data` items; empty when it is not a listing of objects.
pub fn columns(operation: &Operation) -> Vec<Column> {
    let full_path = format!("{}{}", operation.root, operation.path);
    let (spec, path) = drata_openapi::locate(&full_path);
    let method = operation.method.as_str().to_ascii_lowercase();
    let Some(responses) = spec.pointer(&format!("/paths/{}/{method}/responses", escape(path))) else {
        return Vec::new();
    };
    let answer = responses
        .as_object()
        .into_iter()
        .flatten()
        .find(|(status, _)| status.starts_with('2'))
        .and_then(|(_, answer)| resolve(spec, answer).pointer("/content/application~1json/schema"));
    let item = answer.and_then(|schema| properties(spec, schema)?.get("data")).and_then(|data| {
        let data = resolve(spec, data);
        data.get("items")
    });
    let Some(item) = item else { return Vec::new() };
    let Some(fields) = properties(spec, item) else { return Vec::new() };
    let required: Vec<&str> = object_schema(spec, item)
        .and_then(|o| o.get("required"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut scalars: Vec<(&String, bool)> = fields
        .iter()
        .filter_map(|(name, schema)| scalar(spec, schema).map(|timestamp| (name, timestamp)))
        .collect();
    // `id` first, then the required fields, each group in spec order.
    scalars.sort_by_key(|(name, _)| (name.as_str() != "id", !required.contains(&name.as_str())));
    scalars
        .into_iter()
        .take(MAX_COLUMNS)
        .map(|(field, timestamp)| Column { field: field.clone(), timestamp })
        .collect()
}

/// Whether the items of `operation`'s listing have the field at `pointer`
/// (`/connection/clientType`) in the spec: the named commands' curated
/// columns are checked against it (in the tests).
#[cfg(test)]
pub fn has_field(operation: &Operation, pointer: &str) -> bool {
    let full_path = format!("{}{}", operation.root, operation.path);
    let (spec, path) = drata_openapi::locate(&full_path);
    let method = operation.method.as_str().to_ascii_lowercase();
    let answer = spec
        .pointer(&format!("/paths/{}/{method}/responses", escape(path)))
        .and_then(Value::as_object)
        .and_then(|responses| responses.iter().find(|(status, _)| status.starts_with('2')))
        .and_then(|(_, answer)| resolve(spec, answer).pointer("/content/application~1json/schema"));
    let Some(mut schema) = answer
        .and_then(|schema| properties(spec, schema)?.get("data"))
        .and_then(|data| resolve(spec, data).get("items"))
    else {
        return false;
    };
    for field in pointer.trim_start_matches('/').split('/') {
        match properties(spec, schema).and_then(|fields| fields.get(field)) {
            Some(next) => schema = next,
            None => return false,
        }
    }
    true
}

/// The columns of items the spec says nothing of (a path outside it): the
/// first item's fields that hold text, numbers or flags.
pub fn columns_of(items: &[Value]) -> Vec<Column> {
    let Some(Value::Object(first)) = items.first() else { return Vec::new() };
    let mut fields: Vec<&String> =
        first.iter().filter(|(_, v)| !v.is_object() && !v.is_array()).map(|(k, _)| k).collect();
    fields.sort_by_key(|name| name.as_str() != "id");
    fields
        .into_iter()
        .take(MAX_COLUMNS)
        .map(|field| Column { field: field.clone(), timestamp: false })
        .collect()
}

/// Prints `items` as a table of `columns`.
pub fn print_items(out: &mut Stdout, columns: &[Column], items: &[Value]) -> Result<(), Failure> {
    let columns = if columns.is_empty() { columns_of(items) } else { columns.to_vec() };
    if columns.is_empty() {
        // Items without fields to show (text, numbers): one a line.
        for item in items {
            out.line(&cell(item, false))?;
        }
        return Ok(());
    }
    let header: Vec<String> =
        columns.iter().map(|c| c.field.to_shouty_snake_case().replace('_', " ")).collect();
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|item| {
            columns.iter().map(|c| cell(item.get(&c.field).unwrap_or(&Value::Null), c.timestamp)).collect()
        })
        .collect();
    out.rows(&header, rows.iter().map(Vec::as_slice))
}

/// Prints an answer that is not a listing: an object's fields and values,
/// a list's items one a line; nothing for none (a 204).
pub fn print_answer(out: &mut Stdout, answer: &Value) -> Result<(), Failure> {
    match answer {
        Value::Null => Ok(()),
        Value::Object(fields) => {
            let rows: Vec<Vec<String>> = fields
                .iter()
                .map(|(name, value)| vec![text(name).into_owned(), cell(value, looks_like_time(value))])
                .collect();
            out.rows(&["FIELD".to_string(), "VALUE".to_string()], rows.iter().map(Vec::as_slice))
        }
        Value::Array(items) => print_items(out, &[], items),
        other => out.line(&cell(other, false)),
    }
}

/// A value as a cell: text as it is (through [`text`]), a time as every
/// table shows one, a list of plain values joined by commas, anything
/// else as compact JSON.
fn cell(value: &Value, timestamp: bool) -> String {
    let shown = match value {
        Value::Null => String::new(),
        Value::String(s) if timestamp => crate::output::timestamp(s),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.iter().all(|v| !v.is_object() && !v.is_array()) => {
            crate::output::joined(items)
        }
        other => other.to_string(),
    };
    text(&shown).into_owned()
}

/// Whether a value of an answer shown field by field reads as a time.
fn looks_like_time(value: &Value) -> bool {
    value.as_str().is_some_and(|s| drata::Timestamp::from(s).to_utc().is_some())
}

/// Whether `schema` holds one plain value (text, a number, a flag, an enum,
/// or any of them or null): `Some(is a time)`; `None` otherwise.
fn scalar(spec: &Value, schema: &Value) -> Option<bool> {
    let schema = resolve(spec, schema);
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            // Plain when every option but `null` is (an id of a number or text).
            let found: Option<Vec<bool>> = options
                .iter()
                .filter(|o| resolve(spec, o).get("enum") != Some(&serde_json::json!([null])))
                .map(|o| scalar(spec, o))
                .collect();
            return found.filter(|f| !f.is_empty()).map(|f| f.contains(&true));
        }
    }
    if schema.get("enum").is_some() {
        return Some(false);
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => Some(
            schema.get("x-drata-timestamp").and_then(Value::as_bool) == Some(true)
                || matches!(schema.get("format").and_then(Value::as_str), Some("date-time" | "date")),
        ),
        Some("integer" | "number" | "boolean") => Some(false),
        _ => None,
    }
}

/// The object schema of `schema` (through `$ref`s and a one-option `allOf`).
fn object_schema<'a>(spec: &'a Value, schema: &'a Value) -> Option<&'a Value> {
    let schema = resolve(spec, schema);
    if schema.get("properties").is_some() {
        return Some(schema);
    }
    let options = schema.get("allOf").or_else(|| schema.get("anyOf"))?.as_array()?;
    options.iter().find_map(|o| object_schema(spec, o))
}

fn properties<'a>(spec: &'a Value, schema: &'a Value) -> Option<&'a serde_json::Map<String, Value>> {
    object_schema(spec, schema)?.get("properties")?.as_object()
}

/// Follows a local `$ref`, if any.
fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
        Some(pointer) => spec.pointer(pointer).unwrap_or(value),
        None => value,
    }
}

/// A path as one JSON pointer token.
fn escape(path: &str) -> String {
    path.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(operation: &Operation) -> Vec<String> {
        columns(operation).into_iter().map(|c| c.field).collect()
    }

    #[test]
    fn a_listings_columns_are_its_item_schemas_plain_fields_id_first() {
        // v1's connections: every plain field of `CompactConnection`, `id` first.
        let connections = fields(&drata::operations::LIST_CONNECTIONS);
        assert_eq!(connections.first().map(String::as_str), Some("id"));
        assert!(connections.iter().any(|f| f == "clientType"), "{connections:?}");
        assert!(connections.len() <= MAX_COLUMNS);
        // v2's vendors, a cursor listing.
        let vendors = fields(&drata::v2::operations::LIST_VENDORS);
        assert_eq!(vendors.first().map(String::as_str), Some("id"));
        assert!(vendors.iter().any(|f| f == "name"), "{vendors:?}");
        // Not a listing: no columns.
        assert!(fields(&drata::operations::GET_USER).is_empty());
    }

    #[test]
    fn every_listing_of_both_versions_has_columns_from_its_spec() {
        let without: Vec<String> = drata::operations::ALL
            .iter()
            .chain(drata::v2::operations::ALL)
            .filter(|operation| operation.pagination.is_some() && columns(operation).is_empty())
            .map(|operation| operation.describe())
            .collect();
        // Its items are objects the spec names no field of: their own first
        // item's fields are the columns.
        assert_eq!(without, ["GET /sessions/{sessionId}/evidence"]);
    }

    #[test]
    fn cells_show_times_lists_and_escape_server_text() {
        assert_eq!(cell(&serde_json::json!("2025-07-01T16:45:55.246Z"), true), "2025-07-01 16:45 UTC");
        assert_eq!(cell(&serde_json::json!(["A", 2]), false), "A,2");
        assert_eq!(cell(&serde_json::json!({"a": 1}), false), r#"{"a":1}"#);
        assert_eq!(cell(&Value::Null, false), "");
        assert_eq!(cell(&serde_json::json!("x\u{1b}[2J"), false), r"x\u{1b}[2J");
    }
}
