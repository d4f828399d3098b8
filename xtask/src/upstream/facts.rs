//! The facts of a Drata OpenAPI document: its structure without its prose.
//!
//! Kept: paths, methods, operation ids, tags, parameters (name, place,
//! required, schema), request and answer media types and schemas,
//! statuses, security, `x-drata-*` extensions, and every schema keyword
//! that says what a value is (type, format, enum, bounds, required,
//! properties, items, compositions, nullable, default, deprecated). Left
//! out: descriptions, summaries, titles, examples and other annotations,
//! which are Drata's words and not ours to keep.

use serde_json::{Map, Value};

/// Annotation keys, dropped wherever they annotate (not where they name a
/// property of a schema).
const PROSE: &[&str] =
    &["description", "summary", "title", "example", "examples", "externalDocs", "x-product-area"];

/// The facts of `document`.
pub fn of(document: &Value) -> Value {
    let mut facts = Map::new();
    for key in ["openapi", "servers", "paths", "components"] {
        if let Some(value) = document.get(key) {
            facts.insert(key.to_string(), stripped(value, false));
        }
    }
    if let Some(version) = document.pointer("/info/version") {
        facts.insert("info".into(), serde_json::json!({ "version": version }));
    }
    Value::Object(facts)
}

/// `value` without its prose; `names` when its keys are names (of
/// properties, paths, statuses, media types, schemas), not keywords.
fn stripped(value: &Value, names: bool) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| names || !PROSE.contains(&key.as_str()))
                .map(|(key, child)| {
                    // The maps whose keys are names, not keywords.
                    let child_names = !names
                        && matches!(
                            key.as_str(),
                            "properties"
                                | "paths"
                                | "responses"
                                | "content"
                                | "schemas"
                                | "securitySchemes"
                                | "parameters"
                                | "requestBodies"
                                | "headers"
                        )
                        && child.is_object();
                    (key.clone(), stripped(child, child_names))
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|item| stripped(item, false)).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn prose_goes_and_properties_named_like_it_stay() {
        let document = json!({"info": {"title": "T", "version": "V1", "description": "words"},
            "paths": {"/x": {"get": {"summary": "s", "description": "d", "operationId": "X_get",
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}}},
            "components": {"schemas": {"A": {"type": "object", "description": "words", "properties": {
                "description": {"type": "string", "example": "e", "description": "its words"},
                "title": {"type": "string", "enum": ["A"]}}}}}});
        assert_eq!(
            super::of(&document),
            json!({"info": {"version": "V1"},
                "paths": {"/x": {"get": {"operationId": "X_get",
                    "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}}},
                "components": {"schemas": {"A": {"type": "object", "properties": {
                    "description": {"type": "string"}, "title": {"type": "string", "enum": ["A"]}}}}}})
        );
    }
}
