//! Validating a JSON value against an OpenAPI 3.0 schema of the spec.
//!
//! It covers the keywords the spec uses (`type`, `nullable` as OpenAPI
//! 3.0.3 reads it, `enum`, `properties`, `required`, `items`, `anyOf`,
//! `oneOf`, `allOf`, `$ref`, bounds and lengths) and refuses any other, so
//! that a new keyword cannot be silently ignored.

use serde_json::Value;

/// Keywords that do not constrain a value.
const ANNOTATIONS: &[&str] = &["description", "example", "default", "format", "title"];

/// Every problem of `value` against `schema` (which may `$ref` into `spec`),
/// each with its JSON path, sorted (whatever the order of the maps); empty
/// when `value` is valid.
pub fn validate(spec: &Value, schema: &Value, value: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    check(spec, schema, value, "$", &mut problems);
    problems.sort();
    problems
}

fn check(spec: &Value, schema: &Value, value: &Value, at: &str, problems: &mut Vec<String>) {
    let Some(schema) = schema.as_object() else {
        problems.push(format!("{at}: the schema is not an object"));
        return;
    };
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        match reference.strip_prefix('#').and_then(|p| spec.pointer(p)) {
            Some(target) => check(spec, target, value, at, problems),
            None => problems.push(format!("{at}: unresolvable $ref `{reference}`")),
        }
        return;
    }
    for (keyword, rule) in schema {
        match keyword.as_str() {
            // OpenAPI 3.0.3: `nullable: true` admits null only beside a `type`.
            "type" if value.is_null() => {
                if schema.get("nullable").and_then(Value::as_bool) != Some(true) {
                    problems.push(format!("{at}: null, but the schema is not nullable"));
                }
            }
            "type" => check_type(rule.as_str().unwrap_or(""), value, at, problems),
            "enum" => {
                if !rule.as_array().is_some_and(|values| values.contains(value)) {
                    problems.push(format!("{at}: {value} is not one of the enum's values"));
                }
            }
            "properties" => {
                let (Some(props), Some(object)) = (rule.as_object(), value.as_object()) else { continue };
                for (name, prop_schema) in props {
                    if let Some(v) = object.get(name) {
                        check(spec, prop_schema, v, &format!("{at}.{name}"), problems);
                    }
                }
            }
            "required" => {
                let Some(object) = value.as_object() else { continue };
                for name in rule.as_array().into_iter().flatten().filter_map(Value::as_str) {
                    if !object.contains_key(name) {
                        problems.push(format!("{at}: the required field `{name}` is missing"));
                    }
                }
            }
            "items" => {
                for (i, item) in value.as_array().into_iter().flatten().enumerate() {
                    check(spec, rule, item, &format!("{at}[{i}]"), problems);
                }
            }
            "allOf" => {
                for sub in rule.as_array().into_iter().flatten() {
                    check(spec, sub, value, at, problems);
                }
            }
            "anyOf" => {
                let any = rule
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|sub| validate_at(spec, sub, value, at).is_empty());
                if !any {
                    problems.push(format!("{at}: {value} matches none of the anyOf schemas"));
                }
            }
            "oneOf" => {
                let matching = rule
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|sub| validate_at(spec, sub, value, at).is_empty())
                    .count();
                if matching != 1 {
                    problems.push(format!(
                        "{at}: {value} matches {matching} of the oneOf schemas, not exactly one"
                    ));
                }
            }
            "minimum" | "maximum" => {
                let (Some(bound), Some(n)) = (rule.as_f64(), value.as_f64()) else { continue };
                if (keyword == "minimum" && n < bound) || (keyword == "maximum" && n > bound) {
                    problems.push(format!("{at}: {n} breaks {keyword} {bound}"));
                }
            }
            "maxLength" | "minLength" => {
                let (Some(bound), Some(s)) = (rule.as_u64(), value.as_str()) else { continue };
                let len = s.chars().count() as u64;
                if (keyword == "maxLength" && len > bound) || (keyword == "minLength" && len < bound) {
                    problems.push(format!("{at}: length {len} breaks {keyword} {bound}"));
                }
            }
            "nullable" | "additionalProperties" => {}
            k if k.starts_with("x-") || ANNOTATIONS.contains(&k) => {}
            other => problems.push(format!("{at}: the validator does not know the keyword `{other}`")),
        }
    }
}

fn validate_at(spec: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    let mut problems = Vec::new();
    check(spec, schema, value, at, &mut problems);
    problems
}

fn check_type(expected: &str, value: &Value, at: &str, problems: &mut Vec<String>) {
    let ok = match expected {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    };
    if !ok {
        problems.push(format!("{at}: expected {expected}, found {value}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Value {
        json!({"components": {"schemas": {"Id": {"oneOf": [{"type": "integer"}, {"type": "string"}]}}}})
    }

    #[test]
    fn finds_each_kind_of_problem() {
        let spec = spec();
        let schema = json!({
            "type": "object",
            "required": ["id", "n"],
            "properties": {
                "id": {"$ref": "#/components/schemas/Id"},
                "n": {"type": "integer", "maximum": 50},
                "s": {"type": "string", "enum": ["A"]},
                "t": {"type": "string", "nullable": true},
                "u": {"anyOf": [{"$ref": "#/components/schemas/Id"}, {"type": "object", "nullable": true, "enum": [null]}]},
                "list": {"type": "array", "items": {"type": "boolean"}}
            }
        });
        assert!(validate(&spec, &schema, &json!({"id": "1", "n": 3, "t": null, "u": null})).is_empty());
        assert!(validate(&spec, &schema, &json!({"id": "1", "n": 3, "u": 7})).is_empty());
        let problems =
            validate(&spec, &schema, &json!({"id": true, "n": 51, "s": "B", "list": [1], "u": false}));
        assert_eq!(
            problems,
            vec![
                "$.id: true matches 0 of the oneOf schemas, not exactly one",
                "$.list[0]: expected boolean, found 1",
                "$.n: 51 breaks maximum 50",
                "$.s: \"B\" is not one of the enum's values",
                "$.u: false matches none of the anyOf schemas",
            ]
        );
        assert_eq!(validate(&spec, &schema, &json!({"n": 1})), vec!["$: the required field `id` is missing"]);
    }
}
