//! The `operations` module: one constant per operation of the spec.

use heck::{ToShoutySnakeCase, ToUpperCamelCase};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::Ident;

use crate::{Error, Operation};

/// The type of the entries of the generated `operations` module.
const OPERATION_TYPE: &str = "crate::Operation";

/// The `operations` module of `operations`.
pub(super) fn module(operations: &[Operation]) -> Result<TokenStream, Error> {
    let ty: syn::Path = syn::parse_str(OPERATION_TYPE).map_err(|e| Error::Unparsable(e.to_string()))?;
    let mut consts = Vec::new();
    for op in operations {
        let name = Ident::new(&op.method_name.to_shouty_snake_case(), Span::call_site());
        let id = &op.method_name;
        let method = Ident::new(&op.method.to_lowercase().to_upper_camel_case(), Span::call_site());
        let path = &op.path;
        let option = |value: &Option<String>| match value {
            Some(text) => {
                let text = text.trim();
                quote!(Some(#text))
            }
            None => quote!(None),
        };
        let (permission, if_unanswered) = (option(&op.permission), option(&op.if_unanswered));
        let drata = op.drata_operation_id.clone().unwrap_or_default();
        let success = op.success.ok_or_else(|| {
            Error::Spec(crate::SpecError::Rules(vec![format!(
                "`{}` documents no 2xx answer",
                op.operation_id
            )]))
        })?;
        let errors = &op.errors;
        let body = match op.body.as_deref() {
            None => quote!(crate::BodyKind::None),
            Some("application/json") => quote!(crate::BodyKind::Json),
            Some("multipart/form-data") => quote!(crate::BodyKind::Multipart),
            Some(other) => {
                return Err(Error::Spec(crate::SpecError::Rules(vec![format!(
                    "`{}`: the client sends no `{other}` body",
                    op.operation_id
                )])));
            }
        };
        let doc = format!("`{} {path}`", op.method);
        consts.push(quote! {
            #[doc = #doc]
            pub const #name: #ty = #ty {
                id: #id,
                method: crate::Method::#method,
                path: #path,
                success: #success,
                errors: &[#(#errors),*],
                body: #body,
                permission: #permission,
                drata_operation_id: #drata,
                if_unanswered: #if_unanswered,
            };
        });
    }
    let names =
        operations.iter().map(|op| Ident::new(&op.method_name.to_shouty_snake_case(), Span::call_site()));
    Ok(quote! {
        /// Every operation of the spec: method, path, documented statuses,
        /// body, required permission and Drata's operation id.
        pub mod operations {
            #(#consts)*

            /// All of them, in spec order.
            pub const ALL: &[&#ty] = &[#(&#names),*];
        }
    })
}
