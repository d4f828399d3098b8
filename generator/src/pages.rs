//! Listings as streams: every operation the spec declares a listing
//! (`x-drata-pagination: page`, or `cursor`) has its answer's schema (its
//! `data` list, its `total`, or its `pagination.cursor`) implement the
//! client's `Page` (or `CursorPage`), the items its `Item` (their `id`),
//! and its builder `.pages()` and `.items()`, all through one hand-written
//! mechanism per way of paging (`crate::pagination::pages`, `cursor_pages`). A declared listing
//! that cannot be paged through, or an undeclared one, stops generation.

use heck::ToShoutySnakeCase;
use proc_macro2::{Span, TokenStream};
use quote::quote;
use serde_json::Value;
use syn::Ident;

use crate::spec::{Spec, rust_type_name};
use crate::{Error, Operation, SpecError};

/// A page schema: its name, its items' schema, whether its `data` is
/// required (else the generated field is an `Option`), and how the listing
/// pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PageSchema {
    pub(crate) name: String,
    pub(crate) item: String,
    pub(crate) data_required: bool,
    pub(crate) style: Style,
}

/// How a listing pages, with what the generated `impl` reads of its page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Style {
    /// By number: the page's `total`, and whether it is required.
    Page { total_required: bool },
    /// By cursor: the page's `pagination` object (whether it is required),
    /// its `cursor` (whether the field is a plain string: required and not
    /// nullable) and its `totalCount`, if it has one.
    Cursor { pagination_required: bool, cursor_plain: bool, total_count: bool },
}

/// Every page schema of the spec: the answers of its listings (the
/// operations with `x-drata-pagination`).
///
/// # Errors
/// [`Error::Spec`] for a listing the client cannot page through (a style
/// it does not know, no `page` parameter, an answer without `data` items of
/// a component schema and a `total`), and for an operation that looks like
/// one (a `page` parameter, an answer with `data` and `total`) but does not
/// say it is (it would silently get no `.pages()`).
pub(crate) fn page_schemas(spec: &Spec) -> Result<Vec<PageSchema>, Error> {
    let mut problems = Vec::new();
    let mut out: Vec<PageSchema> = Vec::new();
    for op in spec.operations() {
        let takes = |name: &str| op.parameters.iter().any(|p| p.name == name && p.location == "query");
        let answer = op.answer_schema.as_ref().and_then(|name| {
            spec.raw.pointer(&format!("/components/schemas/{name}")).map(|schema| (name, schema))
        });
        let has = |field: &str| {
            answer.is_some_and(|(_, schema)| schema.pointer(&format!("/properties/{field}")).is_some())
        };
        let Some(style) = &op.pagination else {
            for (parameter, field, style) in [("page", "total", "page"), ("cursor", "pagination", "cursor")] {
                if takes(parameter) && has("data") && has(field) {
                    problems.push(format!(
                        "`{}` takes `{parameter}` and answers a page: declare `x-drata-pagination: {style}`, so that it gets `.pages()`",
                        op.operation_id
                    ));
                }
            }
            continue;
        };
        let listing = match (style.as_str(), answer) {
            ("page" | "cursor", _) if !takes(style) => Err(format!("it has no `{style}` query parameter")),
            ("page", Some((name, schema))) => page_schema(name, schema),
            ("cursor", Some((name, schema))) => cursor_page_schema(spec, name, schema),
            ("page" | "cursor", None) => Err("its answer is not a component schema".to_string()),
            (other, _) => {
                Err(format!("the client pages no listing `{other}` (it knows `page` and `cursor`)"))
            }
        };
        match listing {
            Ok(page) if !out.contains(&page) => out.push(page),
            Ok(_) => {}
            Err(why) => problems.push(format!("`{}` cannot be paged through: {why}", op.operation_id)),
        }
    }
    if problems.is_empty() { Ok(out) } else { Err(Error::Spec(SpecError::Rules(problems))) }
}

/// Whether `schema` requires `field`.
fn requires(schema: &Value, field: &str) -> bool {
    schema
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|r| r.iter().any(|f| f.as_str() == Some(field)))
}

/// The component schema `data`'s items are, if they are one.
fn data_item(properties: &Value) -> Result<String, String> {
    let data = properties.get("data").ok_or("its answer has no `data`")?;
    data.pointer("/items/$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .map(str::to_string)
        .ok_or_else(|| "its `data` items are not a component schema".to_string())
}

/// A page schema, if `schema` is one: `data` a list of a component
/// schema's items, and a `total`.
fn page_schema(name: &str, schema: &Value) -> Result<PageSchema, String> {
    let properties = schema.get("properties").ok_or("its answer has no fields")?;
    let item = data_item(properties)?;
    properties.get("total").ok_or("its answer has no `total`")?;
    Ok(PageSchema {
        name: name.to_string(),
        item,
        data_required: requires(schema, "data"),
        style: Style::Page { total_required: requires(schema, "total") },
    })
}

/// A cursor listing's page schema, if `schema` is one: `data` a list of a
/// component schema's items, and `pagination` a component schema with a
/// string `cursor` (and maybe a whole-number `totalCount`).
fn cursor_page_schema(spec: &Spec, name: &str, schema: &Value) -> Result<PageSchema, String> {
    let properties = schema.get("properties").ok_or("its answer has no fields")?;
    let item = data_item(properties)?;
    let pagination = properties
        .pointer("/pagination/$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .and_then(|r| spec.raw.pointer(&format!("/components/schemas/{r}")))
        .ok_or("its `pagination` is not a component schema")?;
    let cursor = pagination.pointer("/properties/cursor").ok_or("its `pagination` has no `cursor`")?;
    if cursor.get("type").and_then(Value::as_str) != Some("string") {
        return Err("its `pagination.cursor` is not a string".into());
    }
    let total_count = match pagination.pointer("/properties/totalCount") {
        None => false,
        Some(count) if count.get("type").and_then(Value::as_str) == Some("integer") => true,
        Some(_) => return Err("its `pagination.totalCount` is not an integer".into()),
    };
    let nullable = cursor.get("nullable").and_then(Value::as_bool) == Some(true);
    Ok(PageSchema {
        name: name.to_string(),
        item,
        data_required: requires(schema, "data"),
        style: Style::Cursor {
            pagination_required: requires(schema, "pagination"),
            cursor_plain: requires(pagination, "cursor") && !nullable,
            total_count,
        },
    })
}

/// `impl Page` for each page schema and `impl Item` for each item schema,
/// for the generated `types` module.
pub(crate) fn impls(spec: &Spec) -> Result<TokenStream, Error> {
    let mut out = TokenStream::new();
    let mut items_done: Vec<String> = Vec::new();
    for page in page_schemas(spec)? {
        let (name, item) = (ident(&page.name), ident(&page.item));
        let (items, into_items) = if page.data_required {
            (quote!(&self.data), quote!(self.data))
        } else {
            (quote!(self.data.as_deref().unwrap_or_default()), quote!(self.data.unwrap_or_default()))
        };
        out.extend(match page.style {
            Style::Page { total_required } => {
                let total =
                    if total_required { quote!(self.total) } else { quote!(self.total.unwrap_or_default()) };
                quote! {
                    impl crate::Page for #name {
                        type Item = #item;
                        fn items(&self) -> &[crate::Tolerant<#item>] { #items }
                        fn into_items(self) -> ::std::vec::Vec<crate::Tolerant<#item>> { #into_items }
                        fn total(&self) -> i64 { #total }
                    }
                }
            }
            Style::Cursor { pagination_required, cursor_plain, total_count } => {
                let cursor =
                    if cursor_plain { quote!(Some(p.cursor.as_str())) } else { quote!(p.cursor.as_deref()) };
                let next_cursor = if pagination_required {
                    quote!({ let p = &self.pagination; #cursor })
                } else {
                    quote!(self.pagination.as_ref().and_then(|p| #cursor))
                };
                let total_count = match (total_count, pagination_required) {
                    (false, _) => quote!(None),
                    (true, true) => quote!(self.pagination.total_count),
                    (true, false) => quote!(self.pagination.as_ref().and_then(|p| p.total_count)),
                };
                quote! {
                    impl crate::CursorPage for #name {
                        type Item = #item;
                        fn items(&self) -> &[crate::Tolerant<#item>] { #items }
                        fn into_items(self) -> ::std::vec::Vec<crate::Tolerant<#item>> { #into_items }
                        fn next_cursor(&self) -> ::std::option::Option<&str> { #next_cursor }
                        fn total_count(&self) -> ::std::option::Option<i64> { #total_count }
                    }
                }
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
pub(crate) fn builder_methods(op: &Operation, pages: &[PageSchema]) -> Result<Option<TokenStream>, Error> {
    let (Some(_), Some(answer)) = (&op.pagination, &op.answer_schema) else { return Ok(None) };
    let Some(page) = pages.iter().find(|p| p.name == *answer) else { return Ok(None) };
    let (page_type, item_type) = (ident(&page.name), ident(&page.item));
    let meta = Ident::new(&op.method_name.to_shouty_snake_case(), Span::call_site());
    let module = crate::module_path(&op.module)?;
    if let Style::Cursor { .. } = page.style {
        return Ok(Some(quote! {
            /// Every page of the listing, from where the builder starts (its
            /// `cursor`, else the first page), each fetched as `send()` does
            /// with the cursor the previous page gave. The stream stops after
            /// the page whose cursor is null, and ends with an error instead
            /// of looping when the server gives a cursor twice, or after
            /// [`crate::MAX_PAGES`] pages.
            #[inline]
            pub fn pages(self) -> ::futures::stream::BoxStream<'a, ::std::result::Result<types::#page_type, crate::Error>> {
                crate::pagination::cursor_pages(&#module::operations::#meta, crate::MAX_PAGES, move |cursor| match cursor {
                    Some(cursor) => self.clone().cursor(cursor).send(),
                    None => self.clone().send(),
                })
            }

            /// Every item of every page (see [`Self::pages`]); an item that does
            /// not have the documented shape is kept (a [`crate::Tolerant`]).
            #[inline]
            pub fn items(self) -> ::futures::stream::BoxStream<'a, ::std::result::Result<crate::Tolerant<types::#item_type>, crate::Error>> {
                crate::pagination::cursor_items(self.pages())
            }
        }));
    }
    Ok(Some(quote! {
        /// Every page of the listing, from page 1 (a `page` set on the
        /// builder is ignored), each fetched as `send()` does. The stream
        /// stops when it has yielded `total` items or a page comes back
        /// empty, and ends with an error instead of looping when a page
        /// repeats the previous one or after [`crate::MAX_PAGES`] pages.
        #[inline]
        pub fn pages(self) -> ::futures::stream::BoxStream<'a, ::std::result::Result<types::#page_type, crate::Error>> {
            crate::pagination::pages(&#module::operations::#meta, crate::MAX_PAGES, move |page| self.clone().page(page).send())
        }

        /// Every item of every page (see [`Self::pages`]); an item that does
        /// not have the documented shape is kept (a [`crate::Tolerant`]).
        #[inline]
        pub fn items(self) -> ::futures::stream::BoxStream<'a, ::std::result::Result<crate::Tolerant<types::#item_type>, crate::Error>> {
            crate::pagination::items(self.pages())
        }
    }))
}

fn ident(schema: &str) -> Ident {
    Ident::new(&rust_type_name(schema), Span::call_site())
}
