//! Finding every example of the spec, and what it is an example of.

use drata_generator::Spec;
use serde_json::Value;

/// One example and the schema it must match.
pub struct ExampleUse {
    /// Where it is, for messages: `PUT /… 200 application/json (documented)`.
    pub location: String,
    /// The schema, as written (possibly a `$ref`).
    pub schema: Value,
    /// The example.
    pub value: Value,
}

/// `components/examples`, by name.
pub fn named_examples(spec: &Spec) -> Vec<(String, Value)> {
    spec.raw
        .pointer("/components/examples")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.iter())
        .filter_map(|(name, ex)| Some((name.clone(), ex.get("value")?.clone())))
        .collect()
}

/// Every example of a request body, a response body, a parameter or a
/// schema property, with its schema.
pub fn example_uses(spec: &Spec) -> Vec<ExampleUse> {
    let mut out = Vec::new();
    let paths = spec.raw.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flat_map(|m| m.iter()) {
        let Some(item) = item.as_object() else { continue };
        for (method, op) in item {
            let here = format!("{} {path}", method.to_uppercase());
            if let Some(body) = op.get("requestBody").and_then(|b| spec.resolve(b)) {
                media_examples(spec, &format!("{here} request"), body, &mut out);
                // Without an example, the one made from the schema (what the
                // contract test and `drata demo` send) is held to it too.
                let schema = body.pointer("/content/application~1json/schema");
                let documented = body.pointer("/content/application~1json").is_some_and(has_examples);
                if let (Some(schema), false) = (schema, documented)
                    && let Some(request) = drata_openapi::example_request(method, path)
                    && let Some(value) = request.body
                {
                    out.push(ExampleUse {
                        location: format!("{here} request (made from its schema)"),
                        schema: schema.clone(),
                        value,
                    });
                }
            }
            let responses = op.get("responses").and_then(Value::as_object);
            for (status, response) in responses.into_iter().flat_map(|m| m.iter()) {
                if let Some(response) = spec.resolve(response) {
                    media_examples(spec, &format!("{here} {status}"), response, &mut out);
                    let media = response.pointer("/content/application~1json");
                    if status.starts_with('2')
                        && let Some(schema) = media.filter(|m| !has_examples(m)).and_then(|m| m.get("schema"))
                        && let Some((_, value)) = drata_openapi::example_answer(method, path)
                    {
                        out.push(ExampleUse {
                            location: format!("{here} {status} (made from its schema)"),
                            schema: schema.clone(),
                            value,
                        });
                    }
                }
            }
            let params = op.get("parameters").and_then(Value::as_array);
            for param in params.into_iter().flatten().filter_map(|p| spec.resolve(p)) {
                if let (Some(example), Some(schema)) = (param.get("example"), param.get("schema")) {
                    let name = param.get("name").and_then(Value::as_str).unwrap_or("?");
                    out.push(ExampleUse {
                        location: format!("{here} parameter `{name}`"),
                        schema: schema.clone(),
                        value: example.clone(),
                    });
                }
            }
        }
    }
    for (name, schema) in spec.schemas() {
        let props = schema.get("properties").and_then(Value::as_object);
        for (prop, prop_schema) in props.into_iter().flat_map(|m| m.iter()) {
            if let Some(example) = prop_schema.get("example") {
                out.push(ExampleUse {
                    location: format!("schema {name}.{prop}"),
                    schema: prop_schema.clone(),
                    value: example.clone(),
                });
            }
        }
    }
    out
}

/// Whether a media object documents an example.
fn has_examples(media: &Value) -> bool {
    media.get("example").is_some() || media.get("examples").is_some()
}

fn media_examples(spec: &Spec, here: &str, holder: &Value, out: &mut Vec<ExampleUse>) {
    let content = holder.get("content").and_then(Value::as_object);
    for (media, body) in content.into_iter().flat_map(|m| m.iter()) {
        let Some(schema) = body.get("schema") else { continue };
        if let Some(example) = body.get("example") {
            out.push(ExampleUse {
                location: format!("{here} {media} (example)"),
                schema: schema.clone(),
                value: example.clone(),
            });
        }
        let examples = body.get("examples").and_then(Value::as_object);
        for (name, example) in examples.into_iter().flat_map(|m| m.iter()) {
            if let Some(value) = spec.resolve(example).and_then(|e| e.get("value")) {
                out.push(ExampleUse {
                    location: format!("{here} {media} (examples.{name})"),
                    schema: schema.clone(),
                    value: value.clone(),
                });
            }
        }
    }
}
