//! The document as progenitor is given it: the adaptations that let
//! progenitor and typify read the spec the way the project means it.

use openapiv3::{OpenAPI, ReferenceOr};
use serde_json::Value;

use super::{METHODS, NULL_REF, NULL_SCHEMA, Operation, Spec, SpecError, item_schema_name, tolerant_name};

impl Spec {
    /// The document as progenitor is given it, and the operations set aside.
    ///
    /// The adaptations, each a generation setting of the project:
    /// - `anyOf: [X, JsonNull]` becomes `nullable` + `allOf: [X]` and
    ///   `x-drata-timestamp` becomes `format: date-time` (the forms typify
    ///   reads as `Option<X>` and as the client's timestamp type), and the
    ///   bounds of strings and numbers are dropped, so that a field is a
    ///   plain `String` or `i64` (the client checks the bounds itself,
    ///   against the spec's `shapes`);
    /// - operations whose request body uses one of `unsupported_media_types`
    ///   are removed (progenitor cannot generate them; they are hand-written);
    /// - integer query and path parameters lose their bounds, so that the
    ///   builder takes a plain integer (`.limit(50)`, `.id(7)`) instead of a
    ///   `NonZeroU64`; the server still enforces them;
    /// - optional arrays become nullable, so that typify generates
    ///   `Option<Vec<T>>`: a missing list and an empty one stay distinct and
    ///   both round-trip unchanged.
    ///
    /// # Errors
    /// [`SpecError::Parse`] if the adapted document no longer parses.
    pub fn for_progenitor(
        &self,
        unsupported_media_types: &[&str],
    ) -> Result<(OpenAPI, Vec<Operation>), SpecError> {
        let mut raw = self.raw.clone();
        let content_of = |op: &Operation| {
            format!(
                "/paths/{}/{}/requestBody/content",
                op.path.replace('~', "~0").replace('/', "~1"),
                op.method.to_lowercase()
            )
        };
        // An operation whose every media type progenitor cannot take is set
        // aside; one that also takes JSON is given to progenitor as JSON
        // only (its form is generated beside, in `uploads`).
        let mut set_aside = Vec::new();
        for op in self.operations() {
            let Some(content) = raw.pointer_mut(&content_of(&op)).and_then(Value::as_object_mut) else {
                continue;
            };
            let unsupported = |m: &String| unsupported_media_types.contains(&m.as_str());
            if content.keys().all(unsupported) {
                set_aside.push(op);
            } else {
                content.retain(|m, _| !unsupported(m));
            }
        }
        if let Some(paths) = raw.get_mut("paths").and_then(Value::as_object_mut) {
            for op in &set_aside {
                if let Some(item) = paths.get_mut(&op.path).and_then(Value::as_object_mut) {
                    item.remove(&op.method.to_lowercase());
                    if !METHODS.iter().any(|m| item.contains_key(*m)) {
                        paths.remove(&op.path);
                    }
                }
            }
        }
        one_success_answer(&mut raw);
        relax_integer_parameter_bounds(&mut raw);
        let tolerant = self.tolerant_lists();
        if let Some(schemas) = raw.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
            schemas.remove(NULL_SCHEMA);
            tolerant_items_for_typify(schemas, &tolerant);
        }
        uuids_as_text(&mut raw);
        if let Some(components) = raw.get_mut("components") {
            nullable_for_typify(components);
            timestamps_for_typify(components);
            drop_value_constraints(components);
        }
        if let Some(schemas) = raw.pointer_mut("/components/schemas") {
            make_optional_arrays_nullable(schemas);
        }
        let openapi = serde_json::from_value(raw).map_err(|e| SpecError::Parse(e.to_string()))?;
        Ok((openapi, set_aside))
    }
}

/// Leaves progenitor one success answer per operation, the first with a
/// body (else the first): progenitor refuses an operation whose success
/// answers have more than one type, and a body beside none is two. The
/// statuses stay in the operations table (any 2xx is a success to the
/// runtime), the rules make every body one schema, and an answer that may
/// have no body is an `Option` (`Operation::answer_optional`).
fn one_success_answer(raw: &mut Value) {
    let Some(paths) = raw.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for item in paths.values_mut().filter_map(Value::as_object_mut) {
        for (_, op) in item.iter_mut().filter(|(method, _)| METHODS.contains(&method.as_str())) {
            let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else { continue };
            let successes: Vec<String> = responses.keys().filter(|s| s.starts_with('2')).cloned().collect();
            let kept = successes
                .iter()
                .find(|s| responses.get(*s).is_some_and(|r| r.get("content").is_some()))
                .or(successes.first())
                .cloned();
            responses.retain(|status, _| !status.starts_with('2') || Some(status) == kept.as_ref());
        }
    }
}

/// One document per operation, each holding that operation alone: used to
/// find which operation progenitor fails on.
pub fn single_operation_specs(spec: &OpenAPI) -> Vec<(String, OpenAPI)> {
    let mut out = Vec::new();
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else { continue };
        for (method, op) in item.iter() {
            let mut single = spec.clone();
            single.paths.paths.clear();
            let mut only = openapiv3::PathItem { parameters: item.parameters.clone(), ..Default::default() };
            match method {
                "get" => only.get = Some(op.clone()),
                "put" => only.put = Some(op.clone()),
                "post" => only.post = Some(op.clone()),
                "delete" => only.delete = Some(op.clone()),
                "options" => only.options = Some(op.clone()),
                "head" => only.head = Some(op.clone()),
                "patch" => only.patch = Some(op.clone()),
                _ => only.trace = Some(op.clone()),
            }
            single.paths.paths.insert(path.clone(), ReferenceOr::Item(only));
            let name = op.operation_id.clone().unwrap_or_else(|| format!("{} {path}", method.to_uppercase()));
            out.push((name, single));
        }
    }
    out
}

fn relax_integer_parameter_bounds(raw: &mut Value) {
    let mut parameters: Vec<&mut Value> = Vec::new();
    for (key, section) in raw.as_object_mut().into_iter().flat_map(|m| m.iter_mut()) {
        match key.as_str() {
            "components" => {
                if let Some(shared) = section.get_mut("parameters").and_then(Value::as_object_mut) {
                    parameters.extend(shared.values_mut());
                }
            }
            "paths" => {
                let items = section.as_object_mut().into_iter().flat_map(|m| m.values_mut());
                for item in items.filter_map(Value::as_object_mut) {
                    for (key, value) in item.iter_mut() {
                        let list =
                            if key == "parameters" { Some(value) } else { value.get_mut("parameters") };
                        if let Some(list) = list.and_then(Value::as_array_mut) {
                            parameters.extend(list.iter_mut());
                        }
                    }
                }
            }
            _ => {}
        }
    }
    for parameter in parameters {
        if !matches!(parameter.get("in").and_then(Value::as_str), Some("query" | "path")) {
            continue;
        }
        if let Some(schema) = parameter.get_mut("schema").and_then(Value::as_object_mut)
            && schema.get("type").and_then(Value::as_str) == Some("integer")
        {
            for bound in ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] {
                schema.remove(bound);
            }
        }
    }
}

/// `anyOf: [X, JsonNull]` → `nullable: true, allOf: [X]`, which typify reads
/// as `Option<X>`.
fn nullable_for_typify(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let nullable_any_of = map.get("anyOf").and_then(Value::as_array).and_then(|alternatives| {
                let is_null = |v: &Value| v.get("$ref").and_then(Value::as_str) == Some(NULL_REF);
                match alternatives.as_slice() {
                    [x, null] | [null, x] if is_null(null) && !is_null(x) => Some(x.clone()),
                    _ => None,
                }
            });
            if let Some(x) = nullable_any_of {
                map.remove("anyOf");
                map.insert("nullable".into(), Value::Bool(true));
                map.insert("allOf".into(), Value::Array(vec![x]));
            }
            map.values_mut().for_each(nullable_for_typify);
        }
        Value::Array(items) => items.iter_mut().for_each(nullable_for_typify),
        _ => {}
    }
}

/// Removes `minLength`, `maxLength` and `pattern` from string schemas and
/// the bounds from number schemas: typify would turn each constrained
/// string into a newtype of its own, and a number from 1 into a
/// `NonZeroU64`. The client checks those constraints itself, from what the
/// generator derives from the same schemas (`shapes`, `field_rules`), with
/// a message a person can act on.
fn drop_value_constraints(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let dropped: &[&str] = match map.get("type").and_then(Value::as_str) {
                Some("string") => &["minLength", "maxLength", "pattern"],
                Some("integer" | "number") => &["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"],
                _ => &[],
            };
            for keyword in dropped {
                map.remove(*keyword);
            }
            map.values_mut().for_each(drop_value_constraints);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_value_constraints),
        _ => {}
    }
}

/// Points the items of every tolerant list at a stand-in schema of their
/// own (see [`Spec::tolerant_item_schemas`]).
fn tolerant_items_for_typify(schemas: &mut serde_json::Map<String, Value>, lists: &[(String, String)]) {
    let mut stand_ins = Vec::new();
    for (schema_name, schema) in schemas.iter_mut() {
        let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else { continue };
        for (property_name, property) in properties.iter_mut() {
            if !lists.iter().any(|(s, p)| s == schema_name && p == property_name) {
                continue;
            }
            if let Some(name) = item_schema_name(property) {
                let stand_in = tolerant_name(&name);
                if let Some(items) = property.get_mut("items") {
                    *items = serde_json::json!({ "$ref": format!("#/components/schemas/{stand_in}") });
                }
                stand_ins.push(stand_in);
            }
        }
    }
    for stand_in in stand_ins {
        schemas.insert(stand_in, serde_json::json!({ "type": "object" }));
    }
}

/// `x-drata-timestamp: true` → `format: date-time`, which the generation
/// settings map to the client's timestamp type.
fn timestamps_for_typify(value: &mut Value) {
    match value {
        Value::Object(map) => {
            // Every extension goes: the generation setting matches the schema
            // `{type: string, format: date-time}` as it is, extensions
            // included (a departure note beside it would hide it).
            if map.remove("x-drata-timestamp").and_then(|v| v.as_bool()) == Some(true) {
                map.retain(|key, _| !key.starts_with("x-"));
                map.insert("format".into(), Value::String("date-time".into()));
            }
            map.values_mut().for_each(timestamps_for_typify);
        }
        Value::Array(items) => items.iter_mut().for_each(timestamps_for_typify),
        _ => {}
    }
}

/// A `format: uuid` string is text to the client: typify would make it a
/// `uuid::Uuid`, a dependency for a value the client only carries (and a
/// reading that would refuse an id Drata writes otherwise). The spec keeps
/// the format.
fn uuids_as_text(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("format").and_then(Value::as_str) == Some("uuid") {
                map.remove("format");
            }
            map.values_mut().for_each(uuids_as_text);
        }
        Value::Array(items) => items.iter_mut().for_each(uuids_as_text),
        _ => {}
    }
}

fn make_optional_arrays_nullable(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let required: Vec<String> = map
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).map(str::to_string).collect())
                .unwrap_or_default();
            if let Some(props) = map.get_mut("properties").and_then(Value::as_object_mut) {
                for (name, prop) in props.iter_mut() {
                    if !required.contains(name)
                        && prop.get("type").and_then(Value::as_str) == Some("array")
                        && let Some(prop) = prop.as_object_mut()
                    {
                        prop.insert("nullable".into(), Value::Bool(true));
                    }
                }
            }
            map.values_mut().for_each(make_optional_arrays_nullable);
        }
        Value::Array(items) => items.iter_mut().for_each(make_optional_arrays_nullable),
        _ => {}
    }
}
