//! Changes to progenitor's output that its settings cannot express.
//!
//! - Every builder's `send()` returns the client's own `crate::Error` instead
//!   of progenitor's: the generated `send` is renamed `send_unwrapped` (kept
//!   private) and a new `send` runs it through `crate::runtime::call`, which
//!   adds the context an error needs (operation, status, attempts).
//! - `Client::new` (which panics if TLS cannot start and skips the project's
//!   configuration checks) is removed, and `Client::new_with_client` becomes
//!   `pub(crate)`: clients are built with the hand-written builder.
//! - `operations`: one constant per operation of the spec (generated or set
//!   aside) with its method, path, permission and Drata operation id.
//! - Requests carry no `api-version` header (progenitor sends the spec's
//!   version under that name; Drata defines no such header), and an optional
//!   query parameter that is not set costs nothing: progenitor passes every
//!   one to `RequestBuilder::query`, which rewrites the URL even for `None`.
//! - The request is built in a block of its own, so that it takes no room in
//!   the future while the exchange is awaited.
//! - Answers are decoded by `crate::runtime::from_response`, which moves the
//!   headers where progenitor's `ResponseValue::from_response` copies them,
//!   and the error statuses that are decoded alike share one `match` arm.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use std::collections::{HashMap, HashSet};

use syn::visit_mut::VisitMut;
use syn::{Ident, ImplItem, Item};

use crate::{Error, Operation};

/// The type of the entries of the generated `operations` module.
const OPERATION_TYPE: &str = "crate::runtime::Operation";

pub(crate) fn apply(file: &mut syn::File, operations: &[Operation]) -> Result<(), Error> {
    for item in &mut file.items {
        match item {
            Item::Impl(block) if is_client(&block.self_ty) && block.trait_.is_none() => {
                restrict_constructors(block);
            }
            Item::Mod(module) if module.ident == "builder" => {
                if let Some((_, items)) = module.content.as_mut() {
                    let optional = optional_fields(items);
                    let all = struct_fields(items);
                    for item in items.iter_mut() {
                        if let Item::Impl(block) = item {
                            wrap_send(block, &optional, &all, operations)?;
                        }
                    }
                    items.insert(
                        0,
                        syn::parse_quote!(
                            use crate::runtime::OptionalQuery as _;
                        ),
                    );
                }
            }
            _ => {}
        }
    }
    let table: syn::File =
        syn::parse2(operations_module(operations)).map_err(|e| Error::Unparsable(e.to_string()))?;
    file.items.extend(table.items);
    Ok(())
}

fn is_client(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.is_ident("Client"))
}

fn restrict_constructors(block: &mut syn::ItemImpl) {
    block.items.retain(|item| !matches!(item, ImplItem::Fn(f) if f.sig.ident == "new"));
    for item in &mut block.items {
        if let ImplItem::Fn(f) = item
            && f.sig.ident == "new_with_client"
        {
            f.vis = syn::parse_quote!(pub(crate));
        }
    }
}

/// For each builder struct, its fields of type `Result<Option<_>, _>`: the
/// optional parameters.
fn optional_fields(items: &[Item]) -> HashMap<String, HashSet<String>> {
    let is_optional = |ty: &syn::Type| {
        let syn::Type::Path(path) = ty else { return false };
        let Some(last) = path.path.segments.last() else { return false };
        let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return false };
        last.ident == "Result"
            && matches!(args.args.first(), Some(syn::GenericArgument::Type(syn::Type::Path(inner)))
                if inner.path.segments.last().is_some_and(|s| s.ident == "Option"))
    };
    items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some((
                s.ident.to_string(),
                s.fields
                    .iter()
                    .filter(|f| is_optional(&f.ty))
                    .filter_map(|f| f.ident.as_ref().map(Ident::to_string))
                    .collect(),
            )),
            _ => None,
        })
        .collect()
}

/// For each builder struct, the names of all its fields.
fn struct_fields(items: &[Item]) -> HashMap<String, HashSet<String>> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some((
                s.ident.to_string(),
                s.fields.iter().filter_map(|f| f.ident.as_ref().map(Ident::to_string)).collect(),
            )),
            _ => None,
        })
        .collect()
}

/// The checks of an operation's bounded integer parameters, run before the
/// request is built: a value outside the spec's bounds is refused with a
/// clear error and nothing is sent.
fn range_checks(
    builder_name: &str,
    fields: Option<&HashSet<String>>,
    operation: &Operation,
    meta: &Ident,
) -> Result<Vec<TokenStream>, Error> {
    let mut checks = Vec::new();
    for parameter in &operation.parameters {
        if parameter.minimum.is_none() && parameter.maximum.is_none() {
            continue;
        }
        let field = parameter.name.to_snake_case();
        if !fields.is_some_and(|f| f.contains(&field)) {
            return Err(Error::Unparsable(format!(
                "builder `{builder_name}` has no field `{field}` for the parameter `{}` of `{}`",
                parameter.name, operation.operation_id
            )));
        }
        let field = Ident::new(&field, Span::call_site());
        let name = &parameter.name;
        let bound = |b: Option<i64>| match b {
            Some(b) => quote!(Some(#b)),
            None => quote!(None),
        };
        let (min, max) = (bound(parameter.minimum), bound(parameter.maximum));
        checks.push(quote! {
            crate::runtime::check_range(&crate::operations::#meta, #name, &self.#field, #min, #max)?;
        });
    }
    Ok(checks)
}

/// Rewrites the request building of one `send`: see the module's docs.
struct RequestBuilding<'a> {
    optional: Option<&'a HashSet<String>>,
}

impl VisitMut for RequestBuilding<'_> {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        block.stmts.retain(|stmt| !quote!(#stmt).to_string().contains("\"api-version\""));
        syn::visit_mut::visit_block_mut(self, block);
    }

    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        if let syn::Expr::Match(by_status) = expr {
            merge_equal_arms(by_status);
            return;
        }
        // `ResponseValue::from_response(response)` copies the headers it could move.
        if let syn::Expr::Call(call) = expr
            && let syn::Expr::Path(func) = &*call.func
            && func.path.segments.len() == 2
            && func.path.segments.last().is_some_and(|s| s.ident == "from_response")
        {
            call.func = syn::parse_quote!(crate::runtime::from_response);
            return;
        }
        // `HeaderMap::with_capacity(n)`, where n counted the `api-version` header.
        if let syn::Expr::Call(call) = expr
            && let syn::Expr::Path(func) = &*call.func
            && func.path.segments.last().is_some_and(|s| s.ident == "with_capacity")
            && let Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(n), .. })) = call.args.first_mut()
            && let Ok(value) = n.base10_parse::<usize>()
        {
            *n = syn::LitInt::new(&format!("{}usize", value.saturating_sub(1)), n.span());
            return;
        }
        let syn::Expr::MethodCall(call) = expr else { return };
        if call.method != "query" {
            return;
        }
        // `.query(&progenitor_client::QueryParam::new("name", &field))`
        let Some(syn::Expr::Reference(param)) = call.args.first() else { return };
        let syn::Expr::Call(new) = &*param.expr else { return };
        let (Some(name), Some(syn::Expr::Reference(value))) = (new.args.first(), new.args.get(1)) else {
            return;
        };
        let syn::Expr::Path(field) = &*value.expr else { return };
        let optional =
            field.path.get_ident().is_some_and(|i| self.optional.is_some_and(|o| o.contains(&i.to_string())));
        if optional {
            let receiver = &call.receiver;
            let field = &field.path;
            *expr = syn::parse_quote!(#receiver.optional_query(#name, &#field));
        }
    }
}

/// Moves the building of the request into a block that ends before the
/// exchange is awaited: the request, its URL and headers then take no room in
/// the future while it waits (a local moved away still keeps its place until
/// its scope ends). Code of another shape is left as it is.
fn scope_request_building(block: &mut syn::Block) {
    let text = |stmt: &syn::Stmt| quote!(#stmt).to_string();
    let position = |needle: &str| block.stmts.iter().position(|s| text(s).starts_with(needle));
    let (Some(url), Some(info), Some(pre), Some(exec)) = (
        position("let url ="),
        position("let info = OperationInfo"),
        position("client . pre ("),
        position("let result = client . exec (request , & info) . await ;"),
    ) else {
        return;
    };
    if !(url < info && info < pre && pre + 1 == exec) {
        return;
    }
    let info_stmt = block.stmts.remove(info);
    // Indices after `info` moved down by one.
    let building: Vec<syn::Stmt> = block.stmts.drain(url..exec - 1).collect();
    block.stmts.remove(url); // the `let result = … exec … .await;`
    let scoped: syn::Stmt = syn::parse_quote! {
        let result = {
            #(#building)*
            client.exec(request, &info)
        }
        .await;
    };
    block.stmts.insert(url, scoped);
    block.stmts.insert(url, info_stmt);
}

/// Joins the arms of a `match` on literals that do the same thing into one
/// (`400u16 | 401u16 | … => …`): progenitor writes one arm per documented
/// error status, each with its own copy of the decoding code.
fn merge_equal_arms(by_status: &mut syn::ExprMatch) {
    let mut merged: Vec<syn::Arm> = Vec::new();
    for arm in std::mem::take(&mut by_status.arms) {
        let mergeable = |a: &syn::Arm| matches!(a.pat, syn::Pat::Lit(_) | syn::Pat::Or(_));
        let body = &arm.body;
        let same = merged.iter_mut().find(|m| {
            let other = &m.body;
            mergeable(m) && mergeable(&arm) && quote!(#other).to_string() == quote!(#body).to_string()
        });
        match same {
            Some(m) => {
                let mut cases = match std::mem::replace(&mut m.pat, syn::Pat::Verbatim(TokenStream::new())) {
                    syn::Pat::Or(or) => or.cases,
                    single => std::iter::once(single).collect(),
                };
                cases.push(arm.pat);
                m.pat = syn::Pat::Or(syn::PatOr { attrs: Vec::new(), leading_vert: None, cases });
            }
            None => merged.push(arm),
        }
    }
    by_status.arms = merged;
}

fn wrap_send(
    block: &mut syn::ItemImpl,
    optional: &HashMap<String, HashSet<String>>,
    all_fields: &HashMap<String, HashSet<String>>,
    operations: &[Operation],
) -> Result<(), Error> {
    let syn::Type::Path(builder) = &*block.self_ty else { return Ok(()) };
    let Some(builder_name) = builder.path.segments.last().map(|s| s.ident.to_string()) else {
        return Ok(());
    };
    let operation =
        operations.iter().find(|op| op.method_name.to_upper_camel_case() == builder_name).ok_or_else(
            || Error::Unparsable(format!("builder `{builder_name}` matches no operation of the spec")),
        )?;
    let meta = Ident::new(&builder_name.to_snake_case().to_shouty_snake_case(), Span::call_site());
    let checks = range_checks(&builder_name, all_fields.get(&builder_name), operation, &meta)?;
    let mut wrapper = None;
    for item in &mut block.items {
        let ImplItem::Fn(f) = item else { continue };
        if f.sig.ident != "send" {
            continue;
        }
        RequestBuilding { optional: optional.get(&builder_name) }.visit_block_mut(&mut f.block);
        scope_request_building(&mut f.block);
        let ok_type = ok_type_of(&f.sig.output).ok_or_else(|| {
            Error::Unparsable(format!("`{builder_name}::send` does not return `Result<ResponseValue<_>, _>`"))
        })?;
        let docs: Vec<_> = f.attrs.iter().filter(|a| a.path().is_ident("doc")).cloned().collect();
        f.sig.ident = Ident::new("send_unwrapped", Span::call_site());
        f.vis = syn::Visibility::Inherited;
        f.attrs.retain(|a| !a.path().is_ident("doc"));
        wrapper = Some(quote! {
            #(#docs)*
            ///
            /// Failures are [`crate::Error`]s; the request goes through the
            /// client's retries, rate limiter and tracing.
            pub async fn send(self) -> ::std::result::Result<#ok_type, crate::Error> {
                #(#checks)*
                let client = self.client;
                crate::runtime::call(client, &crate::operations::#meta, self.send_unwrapped()).await
            }
        });
    }
    if let Some(wrapper) = wrapper {
        block.items.push(syn::parse2(wrapper).map_err(|e| Error::Unparsable(e.to_string()))?);
    }
    Ok(())
}

/// `T` of a `Result<T, _>` return type.
fn ok_type_of(output: &syn::ReturnType) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = output else { return None };
    let syn::Type::Path(path) = &**ty else { return None };
    let last = path.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    match args.args.first()? {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

fn operations_module(operations: &[Operation]) -> TokenStream {
    let ty: syn::Path = syn::parse_str(OPERATION_TYPE).unwrap_or_else(|_| syn::parse_quote!(Operation));
    let consts = operations.iter().map(|op| {
        let name = Ident::new(&op.method_name.to_shouty_snake_case(), Span::call_site());
        let id = &op.method_name;
        let method = &op.method;
        let path = &op.path;
        let permission = match &op.permission {
            Some(p) => quote!(Some(#p)),
            None => quote!(None),
        };
        let drata = op.drata_operation_id.clone().unwrap_or_default();
        let if_unanswered = match &op.if_unanswered {
            Some(text) => {
                let text = text.trim();
                quote!(Some(#text))
            }
            None => quote!(None),
        };
        let doc = format!("`{method} {path}`");
        quote! {
            #[doc = #doc]
            pub const #name: #ty = #ty {
                id: #id,
                method: #method,
                path: #path,
                permission: #permission,
                drata_operation_id: #drata,
                if_unanswered: #if_unanswered,
            };
        }
    });
    let names =
        operations.iter().map(|op| Ident::new(&op.method_name.to_shouty_snake_case(), Span::call_site()));
    quote! {
        /// Every operation of the spec: method, path, required permission and
        /// Drata's operation id.
        pub mod operations {
            #(#consts)*

            /// All of them, in spec order.
            pub const ALL: &[&#ty] = &[#(&#names),*];
        }
    }
}
