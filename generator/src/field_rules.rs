//! `field_rules`: the checks of each field of the schemas marked
//! `x-drata-field-rules: true`, derived from the spec (required, `maxLength`,
//! `format`, and the accepted values of `x-drata-allowed-punctuation`,
//! `x-drata-boolean-spellings` and `x-drata-date-formats`), as constants of
//! the client's `personnel::FieldRule` type. The client checks personnel
//! with them, so the spec is the one place these rules are written.

use heck::ToShoutySnakeCase;
use proc_macro2::{Span, TokenStream};
use quote::quote;
use serde_json::Value;

use crate::{Error, Spec, SpecError};

/// The module, one constant per marked schema (e.g. `PERSONNEL_CSV_ROW`).
pub(crate) fn generate(spec: &Spec) -> Result<TokenStream, Error> {
    let mut constants = Vec::new();
    let mut problems = Vec::new();
    for (name, schema) in spec.schemas() {
        if schema.get("x-drata-field-rules").and_then(Value::as_bool) != Some(true) {
            continue;
        }
        match rules_of(schema) {
            Ok(rules) => {
                let ident = syn::Ident::new(&name.to_shouty_snake_case(), Span::call_site());
                let doc = format!("The fields of `{name}`, in the spec's order, and their checks.");
                constants.push(quote! {
                    #[doc = #doc]
                    pub const #ident: &[crate::personnel::FieldRule] = &[#(#rules),*];
                });
            }
            Err(problem) => problems.push(format!("schema `{name}`: {problem}")),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Spec(SpecError::Rules(problems)));
    }
    Ok(quote! {
        /// The checks of each field of the personnel schemas, derived from the
        /// spec (`x-drata-field-rules`).
        // Their type is the personnel checks': compiled with them.
        #[cfg(feature = "personnel")]
        pub mod field_rules {
            #(#constants)*
        }
    })
}

fn rules_of(schema: &Value) -> Result<Vec<TokenStream>, String> {
    let properties = schema.get("properties").and_then(Value::as_object).ok_or("no `properties`")?;
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut rules = Vec::new();
    for (field, property) in properties {
        if property.get("type").and_then(Value::as_str) != Some("string") {
            continue; // typed otherwise (a boolean): nothing to check in its text
        }
        let is_required = required.contains(&field.as_str());
        let max_length = match property.get("maxLength").map(Value::as_u64) {
            None => quote!(None),
            Some(Some(n)) => {
                let n = usize::try_from(n).map_err(|_| format!("`{field}`: maxLength too large"))?;
                quote!(Some(#n))
            }
            Some(None) => return Err(format!("`{field}`: maxLength is not a whole number")),
        };
        let kind = kind_of(field, property)?;
        rules.push(quote! {
            crate::personnel::FieldRule { name: #field, required: #is_required, max_length: #max_length, kind: #kind }
        });
    }
    Ok(rules)
}

fn kind_of(field: &str, property: &Value) -> Result<TokenStream, String> {
    let strings = |key: &str| -> Result<Vec<String>, String> {
        property
            .get(key)
            .and_then(Value::as_array)
            .ok_or_else(|| format!("`{field}`: `{key}` must be a list of strings"))?
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("`{field}`: `{key}` must be a list of strings"))
            })
            .collect()
    };
    if let Some(punctuation) = property.get("x-drata-allowed-punctuation") {
        let punctuation = punctuation
            .as_str()
            .ok_or_else(|| format!("`{field}`: x-drata-allowed-punctuation must be a string"))?;
        return Ok(quote!(crate::personnel::FieldKind::Name { punctuation: #punctuation }));
    }
    if let Some(spellings) = property.get("x-drata-boolean-spellings") {
        let list = |key: &str| -> Result<Vec<String>, String> {
            spellings
                .get(key)
                .and_then(Value::as_array)
                .ok_or_else(|| format!("`{field}`: x-drata-boolean-spellings needs `{key}`"))?
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_ascii_lowercase)
                        .ok_or_else(|| format!("`{field}`: spellings are strings"))
                })
                .collect()
        };
        let (yes, no) = (list("true")?, list("false")?);
        return Ok(quote!(crate::personnel::FieldKind::Boolean { yes: &[#(#yes),*], no: &[#(#no),*] }));
    }
    if property.get("x-drata-date-formats").is_some() {
        let formats = strings("x-drata-date-formats")?;
        return Ok(quote!(crate::personnel::FieldKind::Date { formats: &[#(#formats),*] }));
    }
    Ok(match property.get("format").and_then(Value::as_str) {
        Some("email") => quote!(crate::personnel::FieldKind::Email),
        Some("uri") => quote!(crate::personnel::FieldKind::Url),
        Some(other) => return Err(format!("`{field}`: the client has no check for `format: {other}`")),
        None => quote!(crate::personnel::FieldKind::Text),
    })
}
