//! The `shapes` module: one `crate::Shape` static per component schema a
//! JSON request body uses (directly or through its fields), written from
//! the spec's schemas, so that the client checks every body against what
//! the spec says before sending it (`client/src/shape.rs`).
//!
//! A schema becomes: `$ref` → the referenced static; `anyOf: [X, JsonNull]`
//! or `nullable: true` → `Nullable`; `allOf: [X]` → `X`; `oneOf` → `OneOf`;
//! `type` → its kind with the spec's bounds (`minimum`, `maximum`,
//! `minLength`, `maxLength`, `minItems`, `maxItems`), values (`enum`,
//! open with `x-drata-open-enum`) and fields (`properties`, `required`,
//! closed by `additionalProperties: false`); anything else → `Any`.

use std::collections::BTreeSet;

use heck::ToShoutySnakeCase;
use proc_macro2::{Span, TokenStream};
use quote::quote;
use serde_json::Value;
use syn::Ident;

use crate::spec::{NULL_REF, Spec, str_field};
use crate::{Error, SpecError};

/// The static of component schema `name`: `ToggleField` → `TOGGLE_FIELD`.
pub(crate) fn static_name(name: &str) -> Ident {
    Ident::new(&name.to_shouty_snake_case(), Span::call_site())
}

/// `&crate::shapes::NAME` (from the root `module` of the document's code),
/// the reference an operation's `body_shape` holds.
pub(crate) fn reference(module: &TokenStream, name: &str) -> TokenStream {
    let ident = static_name(name);
    quote!(&#module::shapes::#ident)
}

/// The component schemas JSON request bodies use, directly or through
/// their fields, sorted.
pub(crate) fn request_schemas(spec: &Spec) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut pending: Vec<String> = spec
        .operations()
        .into_iter()
        .flat_map(|op| op.body_schema.into_iter().chain(op.form_schema))
        .collect();
    while let Some(name) = pending.pop() {
        if !found.insert(name.clone()) {
            continue;
        }
        if let Some(schema) = spec.raw.pointer(&format!("/components/schemas/{name}")) {
            references(schema, &mut pending);
        }
    }
    found
}

/// Every component schema `schema` refers to, at any depth (`JsonNull` aside).
fn references(schema: &Value, out: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref")
                && reference != NULL_REF
                && let Some(name) = reference.strip_prefix("#/components/schemas/")
            {
                out.push(name.to_string());
            }
            for (key, value) in map {
                // Examples and extensions hold data, not schemas.
                if key != "example" && key != "examples" && !key.starts_with("x-") {
                    references(value, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| references(item, out)),
        _ => {}
    }
}

/// The `shapes` module.
///
/// # Errors
/// [`Error::Spec`] when a schema has a shape the client cannot check (a
/// `$ref` outside the components, a bound that is not a number).
pub(crate) fn module(spec: &Spec) -> Result<TokenStream, Error> {
    let mut statics = Vec::new();
    for name in request_schemas(spec) {
        let schema = spec
            .raw
            .pointer(&format!("/components/schemas/{name}"))
            .ok_or_else(|| rules(format!("no component schema `{name}`")))?;
        let shape = shape(schema, &name, &name)?;
        let ident = static_name(&name);
        let doc = format!("The shape of `{name}`.");
        statics.push(quote! {
            #[doc = #doc]
            pub static #ident: crate::Shape = #shape;
        });
    }
    Ok(quote! {
        /// What the spec says each request body may hold: one [`crate::Shape`]
        /// per schema a JSON body uses, checked before the body is sent.
        pub mod shapes {
            #(#statics)*
        }
    })
}

fn rules(message: String) -> Error {
    Error::Spec(SpecError::Rules(vec![message]))
}

/// A `&'static crate::Shape` expression of `schema`: the static of a
/// component `$ref`, else the shape written in place.
fn shape_ref(schema: &Value, here: &str) -> Result<TokenStream, Error> {
    match str_field(schema, "$ref") {
        Some(reference) => {
            let target = reference
                .strip_prefix("#/components/schemas/")
                .ok_or_else(|| rules(format!("{here}: `$ref: {reference}` is not a component schema")))?;
            // A static of the same module.
            let ident = static_name(target);
            Ok(quote!(&#ident))
        }
        None => {
            let value = shape(schema, "", here)?;
            Ok(quote!(&#value))
        }
    }
}

/// The `crate::Shape` expression of `schema`; `name` names a component
/// schema's object, `here` says where it is for errors.
fn shape(schema: &Value, name: &str, here: &str) -> Result<TokenStream, Error> {
    let inner = |schema: &Value, at: &str| shape_ref(schema, &format!("{here}{at}"));
    if str_field(schema, "$ref").is_some() {
        // A schema that is another: the same checks, as a choice of one.
        let one = inner(schema, "")?;
        return Ok(quote!(crate::Shape::OneOf(&[#one])));
    }
    if let Some(Value::Array(options)) = schema.get("anyOf") {
        let (nulls, others): (Vec<&Value>, Vec<&Value>) =
            options.iter().partition(|o| str_field(o, "$ref").as_deref() == Some(NULL_REF));
        let alternatives = others.iter().map(|o| inner(o, ".anyOf")).collect::<Result<Vec<_>, _>>()?;
        let any_of = match alternatives.as_slice() {
            [one] if !nulls.is_empty() => return Ok(quote!(crate::Shape::Nullable(#one))),
            several => quote!(crate::Shape::OneOf(&[#(#several),*])),
        };
        return Ok(if nulls.is_empty() { any_of } else { quote!(crate::Shape::Nullable(&#any_of)) });
    }
    let nullable = schema.get("nullable").and_then(Value::as_bool) == Some(true);
    let core = core(schema, name, here, &inner)?;
    Ok(if nullable { quote!(crate::Shape::Nullable(&#core)) } else { core })
}

/// The shape of `schema` without its nullability.
fn core(
    schema: &Value,
    name: &str,
    here: &str,
    inner: &dyn Fn(&Value, &str) -> Result<TokenStream, Error>,
) -> Result<TokenStream, Error> {
    if let Some(Value::Array(parts)) = schema.get("allOf")
        && let [one] = parts.as_slice()
    {
        return shape(one, name, here);
    }
    if let Some(Value::Array(options)) = schema.get("oneOf") {
        let alternatives = options.iter().map(|o| inner(o, ".oneOf")).collect::<Result<Vec<_>, _>>()?;
        return Ok(quote!(crate::Shape::OneOf(&[#(#alternatives),*])));
    }
    let integer = |key: &str| -> Result<TokenStream, Error> {
        match schema.get(key) {
            None => Ok(quote!(None)),
            Some(value) => {
                let n =
                    value.as_u64().ok_or_else(|| rules(format!("{here}: `{key}` is not a whole number")))?;
                Ok(quote!(Some(#n)))
            }
        }
    };
    Ok(match schema.get("type").and_then(Value::as_str) {
        Some("boolean") => quote!(crate::Shape::Boolean),
        Some("integer") => {
            let bound = |key: &str| -> Result<TokenStream, Error> {
                match schema.get(key) {
                    None => Ok(quote!(None)),
                    Some(value) => {
                        let n = value.as_i64().ok_or_else(|| {
                            rules(format!("{here}: `{key}` of an integer is not a whole number"))
                        })?;
                        Ok(quote!(Some(#n)))
                    }
                }
            };
            let (minimum, maximum) = (bound("minimum")?, bound("maximum")?);
            quote!(crate::Shape::Integer(crate::shape::Bounds { minimum: #minimum, maximum: #maximum }))
        }
        Some("number") => {
            let bound = |key: &str| -> Result<TokenStream, Error> {
                match schema.get(key) {
                    None => Ok(quote!(None)),
                    Some(value) => {
                        let n = value
                            .as_f64()
                            .ok_or_else(|| rules(format!("{here}: `{key}` is not a number")))?;
                        Ok(quote!(Some(#n)))
                    }
                }
            };
            let (minimum, maximum) = (bound("minimum")?, bound("maximum")?);
            quote!(crate::Shape::Number(crate::shape::Bounds { minimum: #minimum, maximum: #maximum }))
        }
        Some("string") if schema.get("format").and_then(Value::as_str) == Some("binary") => {
            quote!(crate::Shape::File)
        }
        Some("string") => {
            let (min, max) = (integer("minLength")?, integer("maxLength")?);
            let values: Vec<&str> = schema
                .get("enum")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let open = schema.get("x-drata-open-enum").and_then(Value::as_bool) == Some(true);
            quote!(crate::Shape::String(crate::shape::Text {
                min_length: #min, max_length: #max, values: &[#(#values),*], open: #open
            }))
        }
        Some("array") => {
            let items = match schema.get("items") {
                Some(items) => inner(items, "[]")?,
                None => quote!(&crate::Shape::Any),
            };
            let (min, max) = (integer("minItems")?, integer("maxItems")?);
            quote!(crate::Shape::Array(crate::shape::List { items: #items, min_items: #min, max_items: #max }))
        }
        Some("object")
            if schema.get("properties").is_some() || schema.get("additionalProperties").is_some() =>
        {
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let mut properties = Vec::new();
            for (field, property) in schema.get("properties").and_then(Value::as_object).into_iter().flatten()
            {
                let value = inner(property, &format!(".{field}"))?;
                let is_required = required.contains(&field.as_str());
                let description = one_line(&str_field(property, "description").unwrap_or_default());
                properties.push(quote! {
                    crate::shape::Property { name: #field, required: #is_required, shape: #value, description: #description }
                });
            }
            let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
            quote!(crate::Shape::Object(crate::shape::Object { name: #name, properties: &[#(#properties),*], closed: #closed }))
        }
        _ => quote!(crate::Shape::Any),
    })
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
