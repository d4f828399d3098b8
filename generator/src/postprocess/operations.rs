//! The `operations` module: one constant per operation of the spec.

use heck::{ToShoutySnakeCase, ToUpperCamelCase};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::Ident;

use crate::{Error, Operation};

/// The type of the entries of the generated `operations` module.
const OPERATION_TYPE: &str = "crate::Operation";

/// A `crate::Parameter` of the table.
fn parameter(p: &crate::Parameter) -> Result<TokenStream, Error> {
    let location = match p.location.as_str() {
        "path" => quote!(crate::ParameterLocation::Path),
        "header" => quote!(crate::ParameterLocation::Header),
        _ => quote!(crate::ParameterLocation::Query),
    };
    let kind = match p.kind.as_str() {
        "integer" => quote!(crate::ParameterKind::Integer),
        "number" => quote!(crate::ParameterKind::Number),
        "boolean" => quote!(crate::ParameterKind::Boolean),
        "string" => quote!(crate::ParameterKind::String),
        other => {
            return Err(Error::Spec(crate::SpecError::Rules(vec![format!(
                "parameter `{}`: the client sends no parameter of type `{other}`",
                p.name
            )])));
        }
    };
    let bound = |b: Option<i64>| match b {
        Some(b) => quote!(Some(#b)),
        None => quote!(None),
    };
    let (name, required, array, open, description) = (&p.name, p.required, p.array, p.open, &p.description);
    let (minimum, maximum, values) = (bound(p.minimum), bound(p.maximum), &p.values);
    Ok(quote! {
        crate::Parameter {
            name: #name,
            location: #location,
            required: #required,
            kind: #kind,
            array: #array,
            values: &[#(#values),*],
            open: #open,
            minimum: #minimum,
            maximum: #maximum,
            description: #description,
        }
    })
}

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
        let success = &op.success;
        if success.is_empty() {
            return Err(Error::Spec(crate::SpecError::Rules(vec![format!(
                "`{}` documents no 2xx answer",
                op.operation_id
            )])));
        }
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
        let summary = op.summary.trim();
        let module = crate::module_path(&op.module)?;
        let (body_schema, answer_schema) = (option(&op.body_schema), option(&op.answer_schema));
        let error_schema = option(&op.error_schema);
        let check = option(&op.check);
        let body_shape = match (&op.body_schema, op.body.as_deref()) {
            (Some(schema), Some("application/json")) => {
                let reference = crate::shapes::reference(&module, schema);
                quote!(Some(#reference))
            }
            _ => quote!(None),
        };
        let pagination = match op.pagination.as_deref() {
            None => quote!(None),
            Some("page") => quote!(Some(crate::Pagination::Page)),
            Some("cursor") => quote!(Some(crate::Pagination::Cursor)),
            Some(other) => {
                return Err(Error::Spec(crate::SpecError::Rules(vec![format!(
                    "`{}`: the client pages no listing `{other}`",
                    op.operation_id
                )])));
            }
        };
        let answer_content = op.answer_content;
        let form_shape = match &op.form_schema {
            Some(schema) => {
                let reference = crate::shapes::reference(&module, schema);
                quote!(Some(#reference))
            }
            None => quote!(None),
        };
        let parameters = op.parameters.iter().map(parameter).collect::<Result<Vec<_>, _>>()?;
        let doc = format!("`{} {path}`: {summary}", op.method);
        let feature = &op.feature;
        let root = &op.root;
        consts.push(quote! {
            #[doc = #doc]
            pub const #name: #ty = #ty {
                id: #id,
                method: crate::Method::#method,
                root: #root,
                path: #path,
                success: &[#(#success),*],
                errors: &[#(#errors),*],
                body: #body,
                permission: #permission,
                drata_operation_id: #drata,
                feature: #feature,
                if_unanswered: #if_unanswered,
                summary: #summary,
                parameters: &[#(#parameters),*],
                body_schema: #body_schema,
                body_shape: #body_shape,
                form_shape: #form_shape,
                pagination: #pagination,
                answer_content: #answer_content,
                check: #check,
                answer_schema: #answer_schema,
                error_schema: #error_schema,
            };
        });
    }
    let names =
        operations.iter().map(|op| Ident::new(&op.method_name.to_shouty_snake_case(), Span::call_site()));
    Ok(quote! {
        /// Every operation of the spec: method, path, parameters, documented
        /// statuses, body, required permission and Drata's operation id.
        pub mod operations {
            #(#consts)*

            /// All of them, in spec order.
            pub const ALL: &[&#ty] = &[#(&#names),*];
        }
    })
}
