//! The project's OpenAPI document (`drata.yaml`): the source the `drata`
//! client is generated from ([`SPEC_YAML`]), and, with the feature
//! `validate`, a validator of JSON values against its schemas (the
//! `jsonschema` crate, with OpenAPI 3.0's `nullable` translated).
//!
//! The client's build script generates from [`SPEC_YAML`]; the fake server
//! validates request bodies against it, exactly as the spec says; `cargo
//! xtask check` validates the spec's examples with it.
//!
//! ```
//! assert!(drata_openapi::SPEC_YAML.contains("\nopenapi: 3.0.3\n"));
//! ```
//!
#![cfg_attr(feature = "validate", doc = "```")]
#![cfg_attr(not(feature = "validate"), doc = "```ignore")]
//! let spec = drata_openapi::document();
//! let schema = serde_json::json!({"$ref": "#/components/schemas/ToggleVersionControlIdentityRequest"});
//! assert!(drata_openapi::validate(spec, &schema, &serde_json::json!({"toggle": true})).is_empty());
//! assert_eq!(
//!     drata_openapi::validate(spec, &schema, &serde_json::json!({"toggle": "yes"})),
//!     ["$.toggle: \"yes\" is not of type \"boolean\""]
//! );
//! ```

mod examples;
#[cfg(feature = "validate")]
mod schema;

use std::sync::OnceLock;

use serde_json::Value;

pub use examples::{
    ExampleRequest, example_answer, example_body, example_of, example_request, required_fields,
};
#[cfg(feature = "validate")]
pub use schema::{SchemaValidator, request_validator, validate};

/// The OpenAPI document, as written.
pub const SPEC_YAML: &str = include_str!("../drata.yaml");

/// The OpenAPI document of Drata's v2 API (`drata::v2`), as written.
pub const SPEC_V2_YAML: &str = include_str!("../drata-v2.yaml");

/// The OpenAPI document as JSON (parsed once). An unreadable document gives
/// `Value::Null`; `cargo xtask check` and the tests make sure it is readable.
pub fn document() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| serde_yaml::from_str(SPEC_YAML).unwrap_or(Value::Null))
}

/// The v2 document as JSON (parsed once), as [`document`] is v1's.
pub fn document_v2() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| serde_yaml::from_str(SPEC_V2_YAML).unwrap_or(Value::Null))
}

/// Every document with where its paths start from the API root (`/public`):
/// v2's at `/v2`, v1's at the root itself.
pub fn documents() -> [(&'static str, &'static Value); 2] {
    [("/v2", document_v2()), ("", document())]
}

/// The document a path from the API root is in, and the path within it:
/// `/v2/vendors/{vendorId}` is v2's `/vendors/{vendorId}`; any other
/// path is v1's, as it is.
///
/// ```
/// let (document, path) = drata_openapi::locate("/v2/vendors");
/// assert!(std::ptr::eq(document, drata_openapi::document_v2()));
/// assert_eq!(path, "/vendors");
/// assert_eq!(drata_openapi::locate("/vendors").1, "/vendors");
/// ```
pub fn locate(path: &str) -> (&'static Value, &str) {
    for (root, document) in documents() {
        if let Some(rest) = path.strip_prefix(root).filter(|rest| !root.is_empty() && rest.starts_with('/')) {
            return (document, rest);
        }
    }
    (document(), path)
}

/// The JSON schema of the request body of `method` `path` (a path template
/// from the API root, e.g. `/connections/{id}/upload/json`, or
/// `/v2/vendors/{vendorId}` for v2), if it has one.
pub fn request_schema(method: &str, path: &str) -> Option<&'static Value> {
    let (document, path) = locate(path);
    let item = document.get("paths")?.get(path)?;
    item.get(method.to_ascii_lowercase())?.pointer("/requestBody/content/application~1json/schema")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_document_parses_and_has_every_operation_of_drata_s_v1() {
        let paths = super::document().get("paths").and_then(|p| p.as_object()).expect("paths");
        let operations: usize = paths.values().filter_map(|i| i.as_object()).map(|i| i.len()).sum();
        assert_eq!(operations, 116);
        assert!(super::request_schema("PUT", "/connections/{id}/upload/json").is_some());
        assert!(super::request_schema("GET", "/connections").is_none());
    }

    #[cfg(feature = "validate")]
    #[test]
    fn every_json_request_body_has_a_validator() {
        for (method, path) in [("PUT", "/connections/{id}/upload/json"), ("POST", "/connections/upload/json")]
        {
            let validator = super::request_validator(method, path).expect("a JSON body").expect("compiles");
            assert_eq!(
                validator.problems(&serde_json::json!({"personnelData": []})),
                ["$.personnelData: [] has less than 1 item"]
            );
        }
    }
}
