//! `oneOf` schemas whose alternatives differ in JSON type (`Id`: integer or
//! string; `ConnectionProviderTypeEntry`: object or integer).
//!
//! typify makes them `#[serde(untagged)]` enums, whose `Deserialize` buffers
//! the value and tries each alternative in turn, building (and formatting) an
//! error for every miss: an id sent as a string cost three times a plain
//! string. Since the JSON type alone says which alternative a value is, the
//! enum is generated here with a `Deserialize` that looks at that type once;
//! progenitor is told to use it in place of its own. The Rust enum (variant
//! names and payloads) is the one typify would have made.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use serde_json::Value;

use crate::Spec;

/// The JSON type an alternative is told apart by.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Integer,
    String,
    Boolean,
    Object,
}

struct Alternative {
    variant: syn::Ident,
    ty: TokenStream,
    kind: Kind,
}

/// The schemas generated here (progenitor is told to use them instead of its
/// own), each with whether all its alternatives are scalars (the enum then
/// has `Display`, as typify gives it).
pub(crate) fn replacements(spec: &Spec) -> Vec<(String, bool)> {
    spec.schemas()
        .filter_map(|(name, schema)| {
            let alternatives = alternatives(spec, name, schema)?;
            Some((name.clone(), alternatives.iter().all(|a| a.kind != Kind::Object)))
        })
        .collect()
}

/// The tokens of every such enum.
pub(crate) fn generate_all(spec: &Spec) -> TokenStream {
    let mut out = TokenStream::new();
    for (name, schema) in spec.schemas() {
        if let Some(alternatives) = alternatives(spec, name, schema) {
            out.extend(generate_one(name, schema, &alternatives));
        }
    }
    out
}

/// The alternatives, if the schema's name is a Rust identifier as it stands
/// (typify's name is then the same), each alternative is a type this module
/// handles and no two share a JSON type. Anything else is left to typify.
fn alternatives(spec: &Spec, name: &str, schema: &Value) -> Option<Vec<Alternative>> {
    let one_of = schema.get("oneOf")?.as_array()?;
    syn::parse_str::<syn::Ident>(name).ok()?;
    let mut out: Vec<Alternative> = Vec::new();
    for alternative in one_of {
        let (variant, ty, kind) = if let Some(reference) = alternative.get("$ref").and_then(Value::as_str) {
            let target = reference.strip_prefix("#/components/schemas/")?;
            let (_, target_schema) = spec.schemas().find(|(n, _)| *n == target)?;
            if target_schema.get("type").and_then(Value::as_str) != Some("object") {
                return None;
            }
            let ident = syn::parse_str::<syn::Ident>(target).ok()?;
            (target.to_string(), quote!(#ident), Kind::Object)
        } else {
            match (
                alternative.get("type").and_then(Value::as_str)?,
                alternative.get("format").and_then(Value::as_str),
            ) {
                ("integer", Some("int64") | None) => ("Int64".into(), quote!(i64), Kind::Integer),
                ("string", None) => ("String".into(), quote!(::std::string::String), Kind::String),
                ("boolean", None) => ("Boolean".into(), quote!(bool), Kind::Boolean),
                _ => return None,
            }
        };
        if out.iter().any(|a| a.kind == kind) {
            return None;
        }
        out.push(Alternative { variant: syn::Ident::new(&variant, Span::call_site()), ty, kind });
    }
    (out.len() >= 2).then_some(out)
}

fn generate_one(name: &str, schema: &Value, alternatives: &[Alternative]) -> TokenStream {
    let ident = syn::Ident::new(name, Span::call_site());
    let doc = schema.get("description").and_then(Value::as_str).unwrap_or("").trim().to_string();
    let variants = alternatives.iter().map(|a| &a.variant);
    let types = alternatives.iter().map(|a| &a.ty);
    let expecting = alternatives
        .iter()
        .map(|a| match a.kind {
            Kind::Integer => "an integer",
            Kind::String => "a string",
            Kind::Boolean => "a boolean",
            Kind::Object => "an object",
        })
        .collect::<Vec<_>>()
        .join(" or ");

    let visits = alternatives.iter().map(|Alternative { variant, ty, kind }| match kind {
        Kind::Integer => quote! {
            fn visit_i64<E: ::serde::de::Error>(self, value: i64) -> ::std::result::Result<#ident, E> {
                Ok(#ident::#variant(value))
            }
            fn visit_u64<E: ::serde::de::Error>(self, value: u64) -> ::std::result::Result<#ident, E> {
                i64::try_from(value)
                    .map(#ident::#variant)
                    .map_err(|_| E::invalid_value(::serde::de::Unexpected::Unsigned(value), &self))
            }
        },
        Kind::String => quote! {
            fn visit_str<E: ::serde::de::Error>(self, value: &str) -> ::std::result::Result<#ident, E> {
                Ok(#ident::#variant(value.to_owned()))
            }
            fn visit_string<E: ::serde::de::Error>(self, value: ::std::string::String) -> ::std::result::Result<#ident, E> {
                Ok(#ident::#variant(value))
            }
        },
        Kind::Boolean => quote! {
            fn visit_bool<E: ::serde::de::Error>(self, value: bool) -> ::std::result::Result<#ident, E> {
                Ok(#ident::#variant(value))
            }
        },
        Kind::Object => quote! {
            fn visit_map<A: ::serde::de::MapAccess<'de>>(self, map: A) -> ::std::result::Result<#ident, A::Error> {
                <#ty as ::serde::Deserialize>::deserialize(::serde::de::value::MapAccessDeserializer::new(map))
                    .map(#ident::#variant)
            }
        },
    });

    let display = alternatives.iter().all(|a| a.kind != Kind::Object).then(|| {
        let variants = alternatives.iter().map(|a| &a.variant);
        quote! {
            impl ::std::fmt::Display for #ident {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match self {
                        #(Self::#variants(x) => x.fmt(f),)*
                    }
                }
            }
        }
    });
    let froms = alternatives.iter().map(|Alternative { variant, ty, kind }| {
        // Text given as `&str` too: `.control_id("code:DCF-37")`.
        let from_str = (*kind == Kind::String).then(|| {
            quote! {
                impl ::std::convert::From<&str> for #ident {
                    fn from(value: &str) -> Self {
                        Self::#variant(value.into())
                    }
                }
            }
        });
        quote! {
            impl ::std::convert::From<#ty> for #ident {
                fn from(value: #ty) -> Self {
                    Self::#variant(value)
                }
            }
            #from_str
        }
    });

    quote! {
        #[doc = #doc]
        #[derive(::serde::Serialize, Clone, Debug, PartialEq)]
        #[serde(untagged)]
        pub enum #ident {
            #(#variants(#types),)*
        }

        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct Visitor;
                impl<'de> ::serde::de::Visitor<'de> for Visitor {
                    type Value = #ident;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    #(#visits)*
                }
                deserializer.deserialize_any(Visitor)
            }
        }

        #display
        #(#froms)*
    }
}
