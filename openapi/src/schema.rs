//! Validating a JSON value against an OpenAPI 3.0 schema of the spec, with
//! the `jsonschema` crate.
//!
//! An OpenAPI 3.0 schema is JSON Schema (draft 4's keywords, with
//! `exclusiveMinimum` as a boolean) plus `nullable`, which JSON Schema does
//! not have. The document's schemas are translated once: `nullable: true`
//! beside a `type` becomes that type or `"null"` (and `null` joins an
//! `enum`), exactly as OpenAPI 3.0.3 reads it (`nullable` without a `type`
//! admits nothing more). Annotations (`example`, `x-*`) are ignored; the
//! formats the document uses (`email`, `uri`) are checked.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use serde_json::{Map, Value};

use crate::request_schema;

/// A compiled schema of the spec.
pub struct SchemaValidator {
    validator: jsonschema::Validator,
}

impl std::fmt::Debug for SchemaValidator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchemaValidator").finish_non_exhaustive()
    }
}

impl SchemaValidator {
    /// Compiles `schema`, whose `$ref`s point into `spec` (`#/components/…`).
    ///
    /// # Errors
    /// The schema is not a valid JSON Schema once translated.
    pub fn new(spec: &Value, schema: &Value) -> Result<Self, String> {
        let mut root = Map::new();
        root.insert("allOf".into(), Value::Array(vec![translated(schema)]));
        if let Some(components) = spec.get("components") {
            root.insert("components".into(), translated(components));
        }
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .should_validate_formats(true)
            .build(&Value::Object(root))
            .map_err(|e| format!("the schema does not compile: {e}"))?;
        Ok(Self { validator })
    }

    /// Every problem of `value`, each with its JSON path (`$.a[0].b: …`),
    /// sorted; empty when `value` is valid.
    pub fn problems(&self, value: &Value) -> Vec<String> {
        let mut problems: Vec<String> = self
            .validator
            .iter_errors(value)
            .map(|e| format!("{}: {e}", json_path(&e.instance_path.to_string())))
            .collect();
        problems.sort();
        problems.dedup();
        problems
    }
}

/// Every problem of `value` against `schema` (which may `$ref` into `spec`),
/// each with its JSON path, sorted; empty when `value` is valid. A schema
/// that does not compile is one problem. A schema of the project's own
/// documents ([`crate::document`], [`crate::document_v2`]) is compiled once and kept (compiling reads every
/// component: a server checking each request would otherwise spend its time
/// there).
pub fn validate(spec: &Value, schema: &Value, value: &Value) -> Vec<String> {
    if let Some((root, document)) = crate::documents().into_iter().find(|(_, d)| std::ptr::eq(spec, *d)) {
        return match compiled(root, document, schema) {
            Ok(validator) => validator.problems(value),
            Err(problem) => vec![problem],
        };
    }
    match SchemaValidator::new(spec, schema) {
        Ok(validator) => validator.problems(value),
        Err(problem) => vec![problem],
    }
}

/// The validator of `schema` against the project's document, compiled on
/// first use and kept for the life of the process (one per schema of the
/// document, a bounded number).
fn compiled(
    root: &str,
    document: &'static Value,
    schema: &Value,
) -> Result<&'static SchemaValidator, String> {
    type Compiled = Mutex<HashMap<(String, String), &'static SchemaValidator>>;
    static COMPILED: OnceLock<Compiled> = OnceLock::new();
    // A `$ref` means another schema in another document.
    let key = (root.to_string(), schema.to_string());
    let mut compiled = COMPILED.get_or_init(Compiled::default).lock().unwrap_or_else(|p| p.into_inner());
    if let Some(validator) = compiled.get(&key) {
        return Ok(*validator);
    }
    let validator: &'static SchemaValidator = Box::leak(Box::new(SchemaValidator::new(document, schema)?));
    compiled.insert(key, validator);
    Ok(validator)
}

/// The compiled validator of the request body of `method` `path`, if it
/// has a JSON one (compiled once per operation, then kept).
///
/// # Errors
/// The schema does not compile (the tests make sure every one does).
pub fn request_validator(method: &str, path: &str) -> Option<Result<&'static SchemaValidator, String>> {
    type Compiled = Mutex<HashMap<(String, String), &'static SchemaValidator>>;
    static COMPILED: OnceLock<Compiled> = OnceLock::new();
    let schema = request_schema(method, path)?;
    let key = (method.to_ascii_uppercase(), path.to_string());
    let mut compiled = COMPILED.get_or_init(Compiled::default).lock().unwrap_or_else(|p| p.into_inner());
    if let Some(validator) = compiled.get(&key) {
        return Some(Ok(*validator));
    }
    // One per operation of the spec, for the life of the process.
    let validator: &'static SchemaValidator = match SchemaValidator::new(crate::locate(path).0, schema) {
        Ok(validator) => Box::leak(Box::new(validator)),
        Err(e) => return Some(Err(e)),
    };
    compiled.insert(key, validator);
    Some(Ok(validator))
}

/// The OpenAPI 3.0 schema `value` (or a tree of them) as JSON Schema.
fn translated(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut out: Map<String, Value> = map.iter().map(|(k, v)| (k.clone(), translated(v))).collect();
            // OpenAPI's integer formats are bounds (JSON Schema's are only notes).
            let bounds = match out.get("format").and_then(Value::as_str) {
                Some("int64") => Some((Value::from(i64::MIN), Value::from(i64::MAX))),
                Some("int32") => Some((Value::from(i32::MIN), Value::from(i32::MAX))),
                _ => None,
            };
            if let Some((low, high)) = bounds {
                out.entry("minimum").or_insert(low);
                out.entry("maximum").or_insert(high);
            }
            if out.remove("nullable") == Some(Value::Bool(true))
                && let Some(Value::String(ty)) = out.get("type").cloned()
            {
                out.insert(
                    "type".into(),
                    Value::Array(vec![Value::String(ty), Value::String("null".into())]),
                );
                if let Some(Value::Array(values)) = out.get_mut("enum")
                    && !values.contains(&Value::Null)
                {
                    values.push(Value::Null);
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(translated).collect()),
        other => other.clone(),
    }
}

/// A JSON pointer (`/a/0/b`) as a JSON path (`$.a[0].b`).
fn json_path(pointer: &str) -> String {
    let mut out = String::from("$");
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        if token.parse::<usize>().is_ok() {
            out.push_str(&format!("[{token}]"));
        } else {
            out.push('.');
            out.push_str(&token);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn nullable_admits_null_only_beside_a_type() {
        let spec = json!({"components": {"schemas": {
            "N": {"type": "string", "nullable": true},
            "E": {"type": "string", "nullable": true, "enum": ["A"]},
            "Bare": {"nullable": true, "allOf": [{"type": "string"}]},
        }}});
        let of = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
        assert_eq!(validate(&spec, &of("N"), &Value::Null), Vec::<String>::new());
        assert_eq!(validate(&spec, &of("E"), &Value::Null), Vec::<String>::new());
        assert_eq!(validate(&spec, &of("E"), &json!("B")).len(), 1);
        assert_eq!(validate(&spec, &of("Bare"), &Value::Null), ["$: null is not of type \"string\""]);
    }

    #[test]
    fn integer_formats_are_bounds() {
        let spec = json!({});
        let schema = json!({"type": "integer", "format": "int64"});
        assert_eq!(validate(&spec, &schema, &json!(i64::MAX)), Vec::<String>::new());
        assert_eq!(validate(&spec, &schema, &json!(i64::MIN)), Vec::<String>::new());
        let over: Value = serde_json::from_str("9223372036854775808").expect("a u64");
        assert_eq!(
            validate(&spec, &schema, &over),
            ["$: 9223372036854775808 is greater than the maximum of 9223372036854775807"]
        );
        let small = json!({"type": "integer", "format": "int32", "minimum": 1});
        assert_eq!(validate(&spec, &small, &json!(2147483648_i64)).len(), 1);
        assert_eq!(validate(&spec, &small, &json!(0)), ["$: 0 is less than the minimum of 1"]);
    }

    #[test]
    fn problems_name_their_json_path() {
        let spec = json!({});
        let schema =
            json!({"type": "object", "properties": {"a": {"type": "array", "items": {"type": "integer"}}}});
        assert_eq!(
            validate(&spec, &schema, &json!({"a": [1, "x"]})),
            ["$.a[1]: \"x\" is not of type \"integer\""]
        );
        assert_eq!(json_path("/a~1b/0/c~0"), "$.a/b[0].c~");
    }
}
