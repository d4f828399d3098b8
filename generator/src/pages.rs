//! Listings as streams: the spec's page schemas (an object with a list
//! marked `x-drata-tolerant-items` as its `data`, and a `total`) implement
//! the client's `Page`, their items its `Item` (their `id`), and every list
//! operation's builder (an operation with a `page` query parameter whose
//! answer is a page) gets `.pages()` and `.items()`, all through one
//! hand-written mechanism (`crate::pagination::pages`).

use heck::ToShoutySnakeCase;
use proc_macro2::{Span, TokenStream};
use quote::quote;
use serde_json::Value;
use syn::Ident;

use crate::spec::{Spec, rust_type_name};
use crate::{Error, Operation, SpecError};

/// A page schema: its name, its items' schema, and whether its `data` and
/// `total` are required (else the generated fields are `Option`s).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PageSchema {
    pub(crate) name: String,
    pub(crate) item: String,
    pub(crate) data_required: bool,
    pub(crate) total_required: bool,
}

/// Every page schema of the spec.
pub(crate) fn page_schemas(spec: &Spec) -> Vec<PageSchema> {
    spec.schemas()
        .filter_map(|(name, schema)| {
            let properties = schema.get("properties")?;
            let data = properties.get("data")?;
            properties.get("total")?;
            if data.get("x-drata-tolerant-items").and_then(Value::as_bool) != Some(true) {
                return None;
            }
            let item = data.pointer("/items/$ref")?.as_str()?.strip_prefix("#/components/schemas/")?;
            let required = |field: &str| {
                schema
                    .get("required")
                    .and_then(Value::as_array)
                    .is_some_and(|r| r.iter().any(|f| f.as_str() == Some(field)))
            };
            Some(PageSchema {
                name: name.clone(),
                item: item.to_string(),
                data_required: required("data"),
                total_required: required("total"),
            })
        })
        .collect()
}

/// `impl Page` for each page schema and `impl Item` for each item schema,
/// for the generated `types` module.
pub(crate) fn impls(spec: &Spec) -> Result<TokenStream, Error> {
    let mut out = TokenStream::new();
    let mut items_done: Vec<String> = Vec::new();
    for page in page_schemas(spec) {
        let (name, item) = (ident(&page.name), ident(&page.item));
        let (items, into_items) = if page.data_required {
            (quote!(&self.data), quote!(self.data))
        } else {
            (quote!(self.data.as_deref().unwrap_or_default()), quote!(self.data.unwrap_or_default()))
        };
        let total =
            if page.total_required { quote!(self.total) } else { quote!(self.total.unwrap_or_default()) };
        out.extend(quote! {
            impl crate::Page for #name {
                type Item = #item;
                fn items(&self) -> &[crate::Tolerant<#item>] { #items }
                fn into_items(self) -> ::std::vec::Vec<crate::Tolerant<#item>> { #into_items }
                fn total(&self) -> i64 { #total }
            }
        });
        if items_done.contains(&page.item) {
            continue;
        }
        items_done.push(page.item.clone());
        let schema = spec
            .schemas()
            .find(|(name, _)| **name == page.item)
            .map(|(_, schema)| schema)
            .ok_or_else(|| Error::Spec(SpecError::Rules(vec![format!("no schema `{}`", page.item)])))?;
        let required = schema
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|f| f.as_str() == Some("id")));
        // What tells the items of a page apart: their id, or, for items
        // without one, their whole JSON.
        let id_text = match (schema.pointer("/properties/id").is_some(), required) {
            (true, true) => quote!(self.id.to_string()),
            (true, false) => {
                quote!(self.id.as_ref().map(::std::string::ToString::to_string).unwrap_or_default())
            }
            (false, _) => quote!(::serde_json::to_string(self).unwrap_or_default()),
        };
        out.extend(quote! {
            impl crate::Item for #item {
                fn id_text(&self) -> ::std::string::String { #id_text }
            }
        });
    }
    Ok(out)
}

/// `pages()` and `items()` for the builder of `op`, if it is a listing.
pub(crate) fn builder_methods(op: &Operation, pages: &[PageSchema]) -> Option<TokenStream> {
    let answer = op.answer_schema.as_ref()?;
    let page = pages.iter().find(|p| p.name == *answer)?;
    op.parameters.iter().find(|p| p.name == "page" && p.location == "query")?;
    let (page_type, item_type) = (ident(&page.name), ident(&page.item));
    let meta = Ident::new(&op.method_name.to_shouty_snake_case(), Span::call_site());
    Some(quote! {
        /// Every page of the listing, from page 1 (a `page` set on the
        /// builder is ignored), each fetched as `send()` does. The stream
        /// stops when it has yielded `total` items or a page comes back
        /// empty, and ends with an error instead of looping when a page
        /// repeats the previous one or after [`crate::MAX_PAGES`] pages.
        pub fn pages(self) -> ::futures::stream::BoxStream<'a, ::std::result::Result<types::#page_type, crate::Error>> {
            crate::pagination::pages(&crate::operations::#meta, crate::MAX_PAGES, move |page| self.clone().page(page).send())
        }

        /// Every item of every page (see [`Self::pages`]); an item that does
        /// not have the documented shape is kept (a [`crate::Tolerant`]).
        pub fn items(self) -> ::futures::stream::BoxStream<'a, ::std::result::Result<crate::Tolerant<types::#item_type>, crate::Error>> {
            crate::pagination::items(self.pages())
        }
    })
}

fn ident(schema: &str) -> Ident {
    Ident::new(&rust_type_name(schema), Span::call_site())
}
