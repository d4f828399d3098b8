//! The strict check of examples and samples: openapi-schema-validator's
//! `OAS30Validator` with its format checker (Python), the reading any other
//! OpenAPI 3.0.3 tool has of the spec. Our own validator (the fake server's)
//! reads the spec the same way, but a second, independent reading is the
//! point: it is what a user of the spec elsewhere will run.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

/// What the strict validator needs installed, and how to get it.
const INSTALL: &str = "the strict check needs python3 with openapi-schema-validator 0.9: pip install 'openapi-spec-validator==0.9.0'";

/// One value to check against one schema.
pub struct Item {
    /// Where the value comes from, for messages.
    pub name: String,
    /// The schema, as written (a `$ref` into the spec, or inline).
    pub schema: Value,
    /// The value.
    pub value: Value,
}

/// The problems the strict validator finds, one line each (empty: all valid).
///
/// # Errors
/// When the validator cannot run (Python or the package missing).
pub fn validate(spec: &Value, items: &[Item]) -> Result<Vec<String>, String> {
    let input = json!({
        "components": spec.get("components").cloned().unwrap_or(Value::Null),
        "items": items.iter().map(|i| json!({"name": i.name, "schema": i.schema, "value": i.value})).collect::<Vec<_>>(),
    });
    let mut child = Command::new("python3")
        .args(["-c", include_str!("strict_validate.py")])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run python3 ({e}); {INSTALL}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(input.to_string().as_bytes())
            .map_err(|e| format!("cannot feed the strict validator: {e}"))?;
    }
    let output = child.wait_with_output().map_err(|e| format!("the strict validator did not finish: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let hint =
            if stderr.contains("ModuleNotFoundError") { format!("; {INSTALL}") } else { String::new() };
        return Err(format!("the strict validator failed{hint}:\n{}", stderr.trim_end()));
    }
    let report: Vec<Value> = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("the strict validator's report is not JSON: {e}"))?;
    Ok(report
        .iter()
        .map(|entry| {
            let errors: Vec<&str> =
                entry["errors"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            format!(
                "{} is not valid OpenAPI 3.0.3 for its schema (strict validator):\n  - {}",
                entry["name"].as_str().unwrap_or("?"),
                errors.join("\n  - ")
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Value {
        let spec = drata_generator::Spec::parse(
            &crate::read(&crate::project_root().join(crate::SPEC)).expect("spec"),
        )
        .expect("the spec parses");
        spec.raw
    }

    fn item(schema: Value, value: Value) -> Item {
        Item { name: format!("{value}"), schema, value }
    }

    #[test]
    fn the_strict_validator_reads_nulls_as_the_spec_writes_them() {
        let spec = spec();
        let user = spec
            .pointer("/components/schemas/VersionControlIdentity/properties/user")
            .cloned()
            .expect("user");
        let error = json!({"$ref": "#/components/schemas/ExceptionResponse"});
        let problems = validate(
            &spec,
            &[
                item(user.clone(), Value::Null),
                item(json!({"$ref": "#/components/schemas/User"}), json!({"id": 1})),
                item(error.clone(), json!({"statusCode": 404, "message": "m", "code": 1, "debugInfo": null})),
                item(user, json!(5)),
                item(error, json!({"statusCode": 404, "message": "m", "code": 1, "debugInfo": 7})),
            ],
        )
        .expect("the strict validator runs");
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(problems[0].starts_with("5 is not valid"), "{}", problems[0]);
    }

    #[test]
    fn nullable_beside_all_of_admits_no_null_in_3_0_3() {
        // Why the spec writes `anyOf: [X, JsonNull]`: the form Drata uses fails.
        let spec = spec();
        let drata_form = json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/User"}]});
        let problems = validate(&spec, &[item(drata_form, Value::Null)]).expect("the strict validator runs");
        assert_eq!(problems.len(), 1, "{problems:#?}");
    }
}
