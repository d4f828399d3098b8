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

use heck::{ToShoutySnakeCase, ToSnakeCase};
use proc_macro2::{Span, TokenStream};
use quote::quote;
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
                    for item in items.iter_mut() {
                        if let Item::Impl(block) = item {
                            wrap_send(block)?;
                        }
                    }
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

fn wrap_send(block: &mut syn::ItemImpl) -> Result<(), Error> {
    let syn::Type::Path(builder) = &*block.self_ty else { return Ok(()) };
    let Some(builder_name) = builder.path.segments.last().map(|s| s.ident.to_string()) else {
        return Ok(());
    };
    let mut wrapper = None;
    for item in &mut block.items {
        let ImplItem::Fn(f) = item else { continue };
        if f.sig.ident != "send" {
            continue;
        }
        let ok_type = ok_type_of(&f.sig.output).ok_or_else(|| {
            Error::Unparsable(format!("`{builder_name}::send` does not return `Result<ResponseValue<_>, _>`"))
        })?;
        let docs: Vec<_> = f.attrs.iter().filter(|a| a.path().is_ident("doc")).cloned().collect();
        f.sig.ident = Ident::new("send_unwrapped", Span::call_site());
        f.vis = syn::Visibility::Inherited;
        f.attrs.retain(|a| !a.path().is_ident("doc"));
        let meta = Ident::new(&builder_name.to_snake_case().to_shouty_snake_case(), Span::call_site());
        wrapper = Some(quote! {
            #(#docs)*
            ///
            /// Failures are [`crate::Error`]s; the request goes through the
            /// client's retries, rate limiter and tracing.
            pub async fn send(self) -> ::std::result::Result<#ok_type, crate::Error> {
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
        let doc = format!("`{method} {path}`");
        quote! {
            #[doc = #doc]
            pub const #name: #ty = #ty {
                id: #id,
                method: #method,
                path: #path,
                permission: #permission,
                drata_operation_id: #drata,
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
