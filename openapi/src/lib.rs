//! The project's OpenAPI document (`openapi/drata.yaml`), and a validator of
//! JSON values against its schemas (the `jsonschema` crate, with OpenAPI
//! 3.0's `nullable` translated).
//!
//! The fake server validates request bodies with it, exactly as the spec
//! says; `cargo xtask check` validates the spec's examples with it.
//!
//! ```
//! let spec = drata_openapi::document();
//! let schema = serde_json::json!({"$ref": "#/components/schemas/ToggleVersionControlIdentityRequest"});
//! assert!(drata_openapi::validate(spec, &schema, &serde_json::json!({"toggle": true})).is_empty());
//! assert_eq!(
//!     drata_openapi::validate(spec, &schema, &serde_json::json!({"toggle": "yes"})),
//!     ["$.toggle: \"yes\" is not of type \"boolean\""]
//! );
//! ```

mod schema;

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use serde_json::Value;

pub use schema::{SchemaValidator, validate};

/// The OpenAPI document, as written.
pub const SPEC_YAML: &str = include_str!("../drata.yaml");

/// The OpenAPI document as JSON (parsed once). An unreadable document gives
/// `Value::Null`; `cargo xtask check` and the tests make sure it is readable.
pub fn document() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| serde_yaml::from_str(SPEC_YAML).unwrap_or(Value::Null))
}

/// The JSON schema of the request body of `method` `path` (a path template
/// of the spec, e.g. `/connections/{id}/upload/json`), if it has one.
pub fn request_schema(method: &str, path: &str) -> Option<&'static Value> {
    let item = document().get("paths")?.get(path)?;
    item.get(method.to_ascii_lowercase())?.pointer("/requestBody/content/application~1json/schema")
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
    let validator: &'static SchemaValidator = match SchemaValidator::new(document(), schema) {
        Ok(validator) => Box::leak(Box::new(validator)),
        Err(e) => return Some(Err(e)),
    };
    compiled.insert(key, validator);
    Some(Ok(validator))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_document_parses_and_has_the_seven_operations() {
        let paths = super::document().get("paths").and_then(|p| p.as_object()).expect("paths");
        let operations: usize = paths.values().filter_map(|i| i.as_object()).map(|i| i.len()).sum();
        assert_eq!(operations, 7);
        assert!(super::request_schema("PUT", "/connections/{id}/upload/json").is_some());
        assert!(super::request_schema("GET", "/connections").is_none());
        for (method, path) in [("PUT", "/connections/{id}/upload/json"), ("POST", "/connections/upload/json")]
        {
            let validator = super::request_validator(method, path).expect("a JSON body").expect("compiles");
            assert_eq!(validator.problems(&serde_json::json!({"personnelData": []})), Vec::<String>::new());
        }
    }
}
