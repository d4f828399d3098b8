//! Open enums: string enums that keep values they do not know.
//!
//! typify turns a string `enum` into a closed Rust enum, and one value Drata
//! adds later then fails the whole response. A schema marked
//! `x-drata-open-enum: true` is generated here instead, with a final
//! `Unknown(String)` variant that keeps any other value and serializes it back
//! unchanged; progenitor is told to use it in place of its own type.
//!
//! Every other string enum (closed: its values are all there is, e.g. a sort
//! order) keeps typify's type and gains the same `KNOWN_VALUES`, so that a
//! command line or a check lists the values from the spec instead of typing
//! them again.

use std::collections::BTreeSet;

use heck::ToUpperCamelCase;
use proc_macro2::{Span, TokenStream};
use quote::quote;
use serde_json::Value;

use crate::{Error, Spec, SpecError};

/// The tokens of every open enum of the spec.
pub(crate) fn generate_all(spec: &Spec) -> Result<TokenStream, Error> {
    let mut out = TokenStream::new();
    let mut problems = Vec::new();
    for (name, schema) in spec.schemas() {
        if schema.get("x-drata-open-enum").and_then(Value::as_bool) != Some(true) {
            out.extend(closed_values(name, schema));
            continue;
        }
        match generate_one(name, schema) {
            Ok(tokens) => out.extend(tokens),
            Err(problem) => problems.push(format!("schema `{name}`: {problem}")),
        }
    }
    if problems.is_empty() { Ok(out) } else { Err(Error::Spec(SpecError::Rules(problems))) }
}

/// `KNOWN_VALUES` of a closed string enum; nothing for other schemas.
fn closed_values(name: &str, schema: &Value) -> Option<TokenStream> {
    if schema.get("type").and_then(Value::as_str) != Some("string") {
        return None;
    }
    let values: Vec<&str> = schema.get("enum")?.as_array()?.iter().filter_map(Value::as_str).collect();
    let ident = syn::Ident::new(&crate::spec::rust_type_name(name), Span::call_site());
    Some(quote! {
        impl #ident {
            /// Every value, as Drata spells it.
            pub const KNOWN_VALUES: &'static [&'static str] = &[#(#values),*];
        }
    })
}

fn generate_one(name: &str, schema: &Value) -> Result<TokenStream, String> {
    if schema.get("type").and_then(Value::as_str) != Some("string") {
        return Err("`x-drata-open-enum` needs `type: string`".into());
    }
    let values: Vec<&str> = schema
        .get("enum")
        .and_then(Value::as_array)
        .ok_or("`x-drata-open-enum` needs an `enum` list")?
        .iter()
        .map(|v| v.as_str().ok_or("enum values must be strings"))
        .collect::<Result<_, _>>()?;
    let mut seen = BTreeSet::new();
    let mut variants = Vec::new();
    for value in &values {
        let mut variant = value.to_upper_camel_case();
        if variant.starts_with(|c: char| c.is_ascii_digit()) {
            variant.insert(0, 'V');
        }
        // `Unknown(String)` holds the values the client does not know: a
        // value spelled `UNKNOWN` is the variant `UnknownValue`, and `SELF` (a keyword as `Self`) is `SelfValue`.
        if variant == "Unknown" || variant == "Self" {
            variant.push_str("Value");
        }
        if variant.is_empty() {
            return Err(format!("value `{value}` cannot be a variant name"));
        }
        if !seen.insert(variant.clone()) {
            return Err(format!("two values map to the variant `{variant}`"));
        }
        variants.push(syn::Ident::new(&variant, Span::call_site()));
    }

    let ident = syn::Ident::new(name, Span::call_site());
    let description = schema.get("description").and_then(Value::as_str).unwrap_or("").trim().to_string();
    let doc = format!(
        "{description}\n\nDrata adds values over time: a value this version of the client does \
         not know is kept in [`{name}::Unknown`] and sent back unchanged."
    );
    let variant_docs = values.iter().map(|v| format!("`{v}`"));
    // The known values sorted, each with its variant: a value is found by a
    // binary search (a `match` on hundreds of strings compiles to pages of
    // machine code in every function that has one).
    let mut by_value: Vec<(&str, &syn::Ident)> = values.iter().copied().zip(&variants).collect();
    by_value.sort_by(|a, b| a.0.cmp(b.0));
    let (sorted_values, sorted_variants): (Vec<_>, Vec<_>) = by_value.into_iter().unzip();

    Ok(quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #ident {
            #(
                #[doc = #variant_docs]
                #variants,
            )*
            /// A value this version of the client does not know, kept as Drata sent it.
            Unknown(::std::string::String),
        }

        impl #ident {
            /// Every value this version of the client knows, as Drata spells it.
            pub const KNOWN_VALUES: &'static [&'static str] = &[#(#values),*];

            /// The value as Drata spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #values,)*
                    Self::Unknown(value) => value.as_str(),
                }
            }

            /// Whether this version of the client knows the value.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }

            /// The known values by value, sorted, for [`Self::known`].
            const BY_VALUE: &'static [(&'static str, Self)] = &[#((#sorted_values, Self::#sorted_variants)),*];

            /// The variant of a known value.
            fn known(value: &str) -> Option<Self> {
                let at = Self::BY_VALUE.binary_search_by(|(known, _)| (*known).cmp(value)).ok()?;
                Self::BY_VALUE.get(at).map(|(_, variant)| variant.clone())
            }
        }

        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for #ident {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::known(value).unwrap_or_else(|| Self::Unknown(value.to_string())))
            }
        }

        impl ::std::convert::From<&str> for #ident {
            fn from(value: &str) -> Self {
                match value.parse() {
                    Ok(v) => v,
                    Err(never) => match never {},
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for #ident {
            fn from(value: ::std::string::String) -> Self {
                Self::known(&value).unwrap_or(Self::Unknown(value))
            }
        }

        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct Visitor;
                impl ::serde::de::Visitor<'_> for Visitor {
                    type Value = #ident;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_str<E: ::serde::de::Error>(self, value: &str) -> ::std::result::Result<#ident, E> {
                        Ok(#ident::from(value))
                    }
                    fn visit_string<E: ::serde::de::Error>(self, value: ::std::string::String) -> ::std::result::Result<#ident, E> {
                        Ok(#ident::from(value))
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    })
}
