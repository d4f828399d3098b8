//! The project's rules about the document, checked before generation.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::Value;

use super::{METHODS, NULL_REF, Spec, SpecError, item_schema_name, str_field};

/// `schema` without its extensions (`x-drata-departure` and the like).
fn without_notes(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => map
            .iter()
            .filter(|(k, _)| !k.starts_with("x-"))
            .map(|(k, v)| (k.clone(), without_notes(v)))
            .collect(),
        Value::Array(items) => items.iter().map(without_notes).collect(),
        other => other.clone(),
    }
}

/// The fields every error schema must have, with the JSON types allowed:
/// what the client's `ErrorBody` reads from any error answer of any
/// document (each document's schema may add its own).
pub const ERROR_CORE: &[(&str, &[&str])] =
    &[("statusCode", &["integer", "number"]), ("code", &["integer", "number"]), ("message", &["string"])];

impl Spec {
    /// Checks the project's rules: OpenAPI 3.0.x, unique operation ids that
    /// are camelCase, a Drata operation id and a description on every
    /// operation, one error schema for every error status.
    ///
    /// # Errors
    /// [`SpecError::Rules`] listing every broken rule.
    pub fn check_rules(&self) -> Result<(), SpecError> {
        let mut problems = Vec::new();
        if !self.openapi.openapi.starts_with("3.0.") {
            problems.push(format!(
                "`openapi: {}`: only OpenAPI 3.0.x is accepted (progenitor cannot read 3.1)",
                self.openapi.openapi
            ));
        }
        match self.raw.get("x-drata-api").and_then(Value::as_str) {
            None | Some("") => problems.push(
                "no `x-drata-api` (the API version, `v1`: the prefix of every area's Cargo feature \
                 and, after v1, the name of its module)"
                    .into(),
            ),
            Some(api)
                if !api.starts_with(|c: char| c.is_ascii_lowercase())
                    || !api.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()) =>
            {
                problems.push(format!(
                    "`x-drata-api: {api}`: must be lowercase letters and digits, starting with a letter \
                     (it names a Cargo feature and a module)"
                ))
            }
            Some(_) => {}
        }
        let mut seen = BTreeSet::new();
        let mut error_schemas: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let paths = self.raw.get("paths").and_then(Value::as_object);
        for (path, item) in paths.into_iter().flat_map(|m| m.iter()) {
            for method in METHODS {
                let Some(op) = item.get(*method) else { continue };
                let here = format!("{} {path}", method.to_uppercase());
                match str_field(op, "operationId") {
                    None => problems.push(format!("{here}: no operationId")),
                    Some(id) => {
                        if !seen.insert(id.clone()) {
                            problems.push(format!("{here}: operationId `{id}` is used twice"));
                        }
                        if id.to_snake_case().to_upper_camel_case() != id.to_upper_camel_case()
                            || id.contains('_')
                        {
                            problems.push(format!(
                                "{here}: operationId `{id}` should be camelCase (it names the Rust method)"
                            ));
                        }
                    }
                }
                if op.pointer("/tags/0").and_then(Value::as_str).is_none() {
                    problems.push(format!("{here}: no tag (its first tag names its area's Cargo feature)"));
                }
                if str_field(op, "x-drata-operation-id").is_none() {
                    problems.push(format!(
                        "{here}: no `x-drata-operation-id` (Drata's own operationId, so the operation traces back to its docs)"
                    ));
                }
                if let Some(form) = op
                    .get("requestBody")
                    .and_then(|b| self.resolve(b))
                    .and_then(|b| b.pointer("/content/multipart~1form-data/schema"))
                    && form.get("$ref").is_none()
                {
                    problems.push(format!(
                        "{here}: its multipart form must be a component schema ($ref): the client's upload builder is made from a component's parts"
                    ));
                }
                if str_field(op, "description").is_none_or(|d| d.trim().is_empty()) {
                    problems.push(format!("{here}: no description"));
                }
                let responses = op.get("responses").and_then(Value::as_object);
                // One answer type per operation: the success answers with a
                // body all have one schema (its notes, `x-…`, aside).
                let mut answers: Vec<Value> = Vec::new();
                for (status, response) in responses.into_iter().flat_map(|m| m.iter()) {
                    if let (true, Some(schema)) = (
                        status.starts_with('2'),
                        self.resolve(response).and_then(|r| r.pointer("/content/application~1json/schema")),
                    ) {
                        let schema = without_notes(schema);
                        if !answers.contains(&schema) {
                            answers.push(schema);
                        }
                    }
                }
                if answers.len() > 1 {
                    problems.push(format!(
                        "{here}: its success answers have {} different schemas; the client reads one type per operation (give them one, with a departure)",
                        answers.len()
                    ));
                }
                for (status, response) in responses.into_iter().flat_map(|m| m.iter()) {
                    if status == "default" {
                        problems.push(format!(
                            "{here}: a `default` response makes progenitor panic; declare the status"
                        ));
                        continue;
                    }
                    if status.starts_with('4') || status.starts_with('5') {
                        let schema = self.error_schema_of(response).unwrap_or_else(|| "(none)".into());
                        error_schemas.entry(here.clone()).or_default().insert(schema);
                    }
                }
            }
        }
        problems.extend(convention_problems(&self.raw));
        problems.extend(open_request_objects(self));
        let mut checked = BTreeSet::new();
        for (here, schemas) in &error_schemas {
            if schemas.len() > 1 {
                let found = schemas.iter().cloned().collect::<Vec<_>>().join(", ");
                problems.push(format!(
                    "{here}: every error status must use one error schema (progenitor panics otherwise); found {found}"
                ));
            }
            for schema in schemas {
                if checked.insert(schema.clone()) {
                    problems.extend(self.error_core_problems(schema));
                }
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(SpecError::Rules(problems)) }
    }

    /// What an error schema lacks of what the client reads from every error
    /// body ([`ERROR_CORE`]): nothing for an answer with no JSON body.
    fn error_core_problems(&self, schema: &str) -> Vec<String> {
        let Some(name) = schema.strip_prefix("#/components/schemas/") else {
            return match schema {
                "(none)" => Vec::new(),
                other => vec![format!("error schema {other}: must be a component schema ($ref)")],
            };
        };
        let Some(properties) =
            self.raw.pointer(&format!("/components/schemas/{name}/properties")).and_then(Value::as_object)
        else {
            return vec![format!("error schema `{name}`: has no properties")];
        };
        ERROR_CORE
            .iter()
            .filter(|(field, types)| {
                let ty = properties.get(*field).and_then(|p| p.get("type")).and_then(Value::as_str);
                !ty.is_some_and(|ty| types.contains(&ty))
            })
            .map(|(field, types)| {
                format!(
                    "error schema `{name}`: `{field}` must be a property of type {} (the client reads it from every error body)",
                    types.join(" or ")
                )
            })
            .collect()
    }

    /// The `$ref` (or `inline`) of the JSON schema of an error response.
    fn error_schema_of(&self, response: &Value) -> Option<String> {
        let response = self.resolve(response)?;
        let schema = response.pointer("/content/application~1json/schema")?;
        Some(str_field(schema, "$ref").unwrap_or_else(|| "(inline schema)".into()))
    }
}

/// Every schema object of `value`, with its JSON pointer, depth first.
fn visit_schemas<'a>(value: &'a Value, at: &str, out: &mut Vec<(String, &'a Value)>) {
    match value {
        Value::Object(map) => {
            out.push((at.to_string(), value));
            for (key, child) in map {
                visit_schemas(child, &format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                visit_schemas(child, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// Every object a JSON request body holds is closed
/// (`additionalProperties: false`): a field it does not name is refused,
/// never dropped (see the document's `x-drata-departure`).
fn open_request_objects(spec: &Spec) -> Vec<String> {
    let mut problems = Vec::new();
    for name in crate::shapes::request_schemas(spec) {
        let at = format!("#/components/schemas/{name}");
        let Some(schema) = spec.raw.pointer(&at[1..]) else { continue };
        let mut objects = Vec::new();
        visit_schemas(schema, &at, &mut objects);
        for (at, object) in objects {
            let is_object = object.get("type").and_then(Value::as_str) == Some("object")
                && object.get("properties").is_some();
            if is_object && object.get("additionalProperties") != Some(&Value::Bool(false)) {
                problems.push(format!(
                    "{at}: an object of a request body must be closed (`additionalProperties: false`), so that a misspelled field is refused"
                ));
            }
        }
    }
    problems
}

/// The spec's own conventions, which keep it readable by every OpenAPI
/// 3.0.3 tool: no `nullable` without a `type` beside it (3.0.3 ignores it;
/// write `anyOf: [X, JsonNull]`), and no `format: date-time` (Drata's
/// timestamps are not all RFC 3339; write `x-drata-timestamp: true`).
fn convention_problems(raw: &Value) -> Vec<String> {
    let mut objects = Vec::new();
    for section in ["paths", "components"] {
        if let Some(value) = raw.get(section) {
            visit_schemas(value, &format!("#/{section}"), &mut objects);
        }
    }
    let mut problems = Vec::new();
    for (at, object) in objects {
        if at.contains("/examples/") || at.contains("/example/") {
            continue;
        }
        if object.get("nullable").and_then(Value::as_bool) == Some(true) && object.get("type").is_none() {
            problems.push(format!(
                "{at}: `nullable: true` without a `type` admits no null in OpenAPI 3.0.3; write `anyOf: [X, {{$ref: \"{NULL_REF}\"}}]`"
            ));
        }
        if object.get("x-drata-tolerant-items").and_then(Value::as_bool) == Some(true)
            && (object.get("type").and_then(Value::as_str) != Some("array")
                || item_schema_name(object).is_none())
        {
            problems.push(format!(
                "{at}: `x-drata-tolerant-items` needs an array whose items are a `$ref` to a component schema"
            ));
        }
        if object.get("format").and_then(Value::as_str) == Some("date-time") {
            problems.push(format!(
                "{at}: `format: date-time` would make Drata's non-RFC 3339 timestamps invalid; write `x-drata-timestamp: true`"
            ));
        }
    }
    problems
}
