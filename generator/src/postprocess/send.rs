//! Our `send()` for each operation builder, written from the builder's
//! fields (progenitor's) and the operation's facts (the spec's).

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Ident, ImplItem, Item};

use super::{CHECKS, unknown_shape};
use crate::{Error, Operation};

/// A builder's fields: name and type, in order, the client excluded.
type Fields = Vec<(Ident, syn::Type)>;

/// Replaces the `send` of every operation builder in `mod builder`'s
/// `items`; the method names of the operations whose `send` was replaced.
pub(super) fn replace_all(
    items: &mut [Item],
    generated: &[Operation],
    pages: &[crate::pages::PageSchema],
) -> Result<Vec<String>, Error> {
    let structs = builder_structs(items);
    let mut sends = Vec::new();
    for item in items.iter_mut() {
        if let Item::Impl(block) = item
            && let Some(name) = replace_send(block, &structs, generated, pages)?
        {
            sends.push(name);
        }
    }
    Ok(sends)
}

fn builder_structs(items: &[Item]) -> Vec<(String, Fields)> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some((
                s.ident.to_string(),
                s.fields
                    .iter()
                    .filter_map(|f| Some((f.ident.clone()?, f.ty.clone())))
                    .filter(|(name, _)| name != "client")
                    .collect(),
            )),
            _ => None,
        })
        .collect()
}

/// `T` of `Outer<T, …>`: the first type argument of the last path segment.
fn first_type_argument(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = ty else { return None };
    let syn::PathArguments::AngleBracketed(args) = &path.path.segments.last()?.arguments else { return None };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

fn last_ident(ty: &syn::Type) -> Option<&Ident> {
    let syn::Type::Path(path) = ty else { return None };
    Some(&path.path.segments.last()?.ident)
}

/// Replaces the `send` of a builder's `impl` with ours; the operation's
/// method name, or `None` for an `impl` that is not an operation builder's.
fn replace_send(
    block: &mut syn::ItemImpl,
    structs: &[(String, Fields)],
    generated: &[Operation],
    pages: &[crate::pages::PageSchema],
) -> Result<Option<String>, Error> {
    let Some(builder) = last_ident(&block.self_ty).map(Ident::to_string) else { return Ok(None) };
    let Some(position) =
        block.items.iter().position(|i| matches!(i, ImplItem::Fn(f) if f.sig.ident == "send"))
    else {
        return Ok(None);
    };
    let op = generated
        .iter()
        .find(|op| op.method_name.to_upper_camel_case() == builder)
        .ok_or_else(|| unknown_shape(&format!("builder `{builder}` matches no operation of the spec")))?;
    let fields = structs
        .iter()
        .find(|(name, _)| *name == builder)
        .map(|(_, fields)| fields)
        .ok_or_else(|| unknown_shape(&format!("no struct `builder::{builder}`")))?;
    let ImplItem::Fn(progenitors) = block.items.remove(position) else {
        return Err(unknown_shape(&format!("`{builder}::send` is not a function")));
    };
    // `Result<ResponseValue<T>, Error<E>>` → `T`.
    let answer = match &progenitors.sig.output {
        syn::ReturnType::Type(_, ty) => first_type_argument(ty).and_then(first_type_argument),
        syn::ReturnType::Default => None,
    }
    .ok_or_else(|| {
        unknown_shape(&format!("`{builder}::send` does not return `Result<ResponseValue<T>, _>`"))
    })?;
    let docs: Vec<_> = progenitors.attrs.iter().filter(|a| a.path().is_ident("doc")).cloned().collect();
    // An answer that may come without a body (a 204 beside a 200 with one).
    let optional: syn::Type;
    let answer = if op.answer_optional {
        optional = syn::parse_quote!(::std::option::Option<#answer>);
        &optional
    } else {
        answer
    };
    let send = send_of(op, fields, answer)?;
    let send: syn::ItemImpl =
        syn::parse2(quote! { impl X { #(#docs)* #send } }).map_err(|e| Error::Unparsable(e.to_string()))?;
    block.items.extend(send.items);
    // A listing's builder streams its pages and items too.
    if let Some(methods) = crate::pages::builder_methods(op, pages)? {
        let methods: syn::ItemImpl =
            syn::parse2(quote! { impl X { #methods } }).map_err(|e| Error::Unparsable(e.to_string()))?;
        block.items.extend(methods.items);
    }
    Ok(Some(op.method_name.clone()))
}

/// Our `send`: parameters and body from the builder's fields, the request
/// from the operation's facts.
fn send_of(op: &Operation, fields: &Fields, answer: &syn::Type) -> Result<TokenStream, Error> {
    let meta = Ident::new(&op.method_name.to_shouty_snake_case(), Span::call_site());
    let module = crate::module_path(&op.module)?;
    let names: Vec<&Ident> = fields.iter().map(|(name, _)| name).collect();
    let mut reads = Vec::new();
    let mut path_args = Vec::new();
    let mut queries = Vec::new();
    let mut body = None;
    for (field, ty) in fields {
        let label = field.to_string();
        if field == "body" {
            // `Result<types::builder::X, String>` → `types::X`.
            let builder_type = first_type_argument(ty).ok_or_else(|| {
                unknown_shape(&format!("`{}`'s body field is not a `Result`", op.method_name))
            })?;
            let body_type = last_ident(builder_type)
                .ok_or_else(|| unknown_shape(&format!("`{}`'s body has no type name", op.method_name)))?;
            let built = matches!(builder_type, syn::Type::Path(p) if p.path.segments.iter().any(|s| s.ident == "builder"));
            reads.push(if built {
                quote! {
                    let body = crate::request::field(op, "body", body.and_then(|v| types::#body_type::try_from(v).map_err(|e| e.to_string())))?;
                }
            } else {
                // A body that is no struct (a list): taken as it is.
                quote! { let body = crate::request::field(op, "body", body)?; }
            });
            body = Some(body_type.clone());
            continue;
        }
        // progenitor writes a keyword's field with a `_` after it (`type_`).
        let parameter =
            op.parameters.iter().find(|p| p.name.to_snake_case() == label.trim_end_matches('_')).ok_or_else(
                || {
                    unknown_shape(&format!(
                        "`{}` has a field `{label}` that is no parameter of the spec",
                        op.method_name
                    ))
                },
            )?;
        let wire = &parameter.name;
        reads.push(quote! { let #field = crate::request::field(op, #wire, #field)?; });
        if parameter.minimum.is_some() || parameter.maximum.is_some() {
            let bound = |b: Option<i64>| match b {
                Some(b) => quote!(Some(#b)),
                None => quote!(None),
            };
            let (min, max) = (bound(parameter.minimum), bound(parameter.maximum));
            reads.push(quote! { crate::request::check_range(op, #wire, &#field, #min, #max)?; });
        }
        let optional = first_type_argument(ty).and_then(last_ident).is_some_and(|i| i == "Option");
        match (parameter.location.as_str(), optional) {
            ("path", _) => path_args.push((wire.clone(), field.clone())),
            ("header", true) => queries.push(quote! { .header(#wire, #field.as_ref())? }),
            ("header", false) => queries.push(quote! { .header(#wire, Some(&#field))? }),
            (_, true) => queries.push(quote! { .query_opt(#wire, &#field) }),
            (_, false) => queries.push(quote! { .query(#wire, &#field) }),
        }
    }
    // The path template with each `{name}` filled in, percent-encoded.
    let mut template = op.path.clone();
    let mut args = Vec::new();
    while let Some(start) = template.find('{') {
        let end = template[start..].find('}').map(|e| start + e).ok_or_else(|| {
            Error::Spec(crate::SpecError::Rules(vec![format!("`{}`: unclosed `{{` in its path", op.path)]))
        })?;
        let name = template[start + 1..end].to_string();
        let field = path_args
            .iter()
            .find(|(wire, _)| *wire == name)
            .map(|(_, field)| field.clone())
            .ok_or_else(|| {
                unknown_shape(&format!("`{}` has no field for the path parameter `{name}`", op.method_name))
            })?;
        args.push(quote! { crate::request::path_segment(op, #name, &#field)? });
        template.replace_range(start..=end, "\u{0}");
    }
    let template = template.replace('\u{0}', "{}");
    let check = match (&op.check, &body) {
        (Some(check), Some(_)) => {
            let function =
                CHECKS.iter().find(|known| known.name == check).and_then(|known| known.json).ok_or_else(
                    || {
                        Error::Spec(crate::SpecError::Rules(vec![format!(
                            "`{}`: no JSON check named `{check}`",
                            op.operation_id
                        )]))
                    },
                )?;
            let function: syn::Path =
                syn::parse_str(function).map_err(|e| Error::Unparsable(e.to_string()))?;
            quote! { #function(&body)?; }
        }
        _ => quote! {},
    };
    let attach_body = body.as_ref().map(|_| quote! { .json(&body)? });
    // The `drata::Client` the call is made on: the builder's client, or
    // the one a version's view holds (`drata::v2::Client`).
    let core = crate::client_core(&op.module, &quote!(self.client));
    let rebind = (op.module != "crate").then(|| {
        let core = crate::client_core(&op.module, &quote!(client));
        quote!(let client = #core;)
    });
    Ok(quote! {
        ///
        /// Checks every parameter and the body first (nothing is sent when
        /// one is invalid); the request then goes through the client's
        /// rate limiter, retries, timeouts and tracing. Failures are
        /// [`crate::Error`]s.
        #[inline]
        pub fn send(self) -> impl ::std::future::Future<Output = ::std::result::Result<crate::Response<#answer>, crate::Error>> + 'a {
            let client = #core;
            crate::runtime::send(client, self.into_request())
        }

        /// The request `send` makes: every parameter and the body checked.
        #[inline]
        fn into_request(self) -> ::std::result::Result<crate::request::Request, crate::Error> {
            let op = &#module::operations::#meta;
            let Self { client, #(#names),* } = self;
            #rebind
            #(#reads)*
            #check
            Ok(crate::request::Request::new(client, op, format!(#template #(, #args)*))
                #(#queries)*
                #attach_body)
        }
    })
}
