//! Typed builders of the `multipart/form-data` uploads, which progenitor
//! cannot generate: one per operation with a form, on the client's generic
//! [`Upload`](../../drata/struct.Upload.html) (which checks and sends it).
//!
//! `client.upload_vendor_document().id(7).file("soc2.pdf").r#type("COMPLIANCE_REPORT").send()`:
//! each path, query and header parameter and each part of the form is a
//! setter typed from the spec (a file part takes a path, a list part a
//! `Vec`, a number part a number), and `send()` returns the operation's
//! answer type. An operation whose only body is the form is the client
//! method of its name; one that also takes JSON (given to progenitor) has
//! its form as `<name>_multipart`.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use serde_json::Value;
use syn::Ident;

use crate::spec::{NULL_REF, Spec, rust_type_name};
use crate::{Error, Operation};

/// The client methods and the builders of every upload.
pub(crate) struct Uploads {
    /// Methods of `Client` (an `impl Client` block).
    pub(crate) methods: TokenStream,
    /// Builders, for `mod builder`.
    pub(crate) builders: TokenStream,
}

/// The uploads of `operations`.
///
/// # Errors
/// [`Error::Spec`] when a form's schema is not a component object.
pub(crate) fn generate(spec: &Spec, operations: &[Operation]) -> Result<Uploads, Error> {
    let mut methods = TokenStream::new();
    let mut builders = TokenStream::new();
    for op in operations.iter().filter(|op| op.form_schema.is_some()) {
        let (method, builder) = one(spec, op)?;
        methods.extend(method);
        builders.extend(builder);
    }
    Ok(Uploads { methods, builders })
}

/// The Rust method name of `op`'s upload.
pub(crate) fn method_name(op: &Operation) -> String {
    if op.body.as_deref() == Some("multipart/form-data") {
        op.method_name.clone()
    } else {
        format!("{}_multipart", op.method_name)
    }
}

fn rules(message: String) -> Error {
    Error::Spec(crate::SpecError::Rules(vec![message]))
}

/// A setter's name: snake case, keywords raw (`r#type`).
fn setter(name: &str) -> Ident {
    let snake = name.trim_end_matches("[]").to_snake_case();
    match syn::parse_str::<Ident>(&snake) {
        Ok(ident) => ident,
        Err(_) => Ident::new_raw(&snake, Span::call_site()),
    }
}

fn one(spec: &Spec, op: &Operation) -> Result<(TokenStream, TokenStream), Error> {
    let name = method_name(op);
    let method = Ident::new(&name, Span::call_site());
    let builder = Ident::new(&name.to_upper_camel_case(), Span::call_site());
    let meta = Ident::new(
        &heck::ToShoutySnakeCase::to_shouty_snake_case(op.method_name.as_str()),
        Span::call_site(),
    );
    let module = crate::module_path(&op.module)?;
    let form_name = op.form_schema.as_deref().unwrap_or_default();
    let form = spec.raw.pointer(&format!("/components/schemas/{form_name}")).ok_or_else(|| {
        rules(format!("`{}`: no component schema `{form_name}` for its form", op.operation_id))
    })?;
    let mut setters = Vec::new();
    let mut taken: Vec<String> = Vec::new();
    for parameter in &op.parameters {
        let ident = setter(&parameter.name);
        taken.push(ident.to_string());
        let wire = &parameter.name;
        let value_type = match parameter.kind.as_str() {
            "integer" => quote!(i64),
            "number" => quote!(::serde_json::Number),
            "boolean" => quote!(bool),
            _ => quote!(impl ::std::string::ToString),
        };
        let doc = format!("The {} parameter `{wire}`.", parameter.location);
        setters.push(if parameter.array {
            quote! {
                #[doc = #doc]
                pub fn #ident(mut self, values: ::std::vec::Vec<#value_type>) -> Self {
                    for value in values {
                        self.0 = self.0.param(#wire, value);
                    }
                    self
                }
            }
        } else {
            quote! {
                #[doc = #doc]
                pub fn #ident(self, value: #value_type) -> Self {
                    Self(self.0.param(#wire, value))
                }
            }
        });
    }
    let properties = form.get("properties").and_then(Value::as_object).into_iter().flatten();
    for (part, schema) in properties {
        let mut ident = setter(part);
        if taken.contains(&ident.to_string()) {
            ident = Ident::new(&format!("{}_part", part.to_snake_case()), Span::call_site());
        }
        let kind = kind(spec, schema);
        let doc = format!("The part `{part}` ({}).", kind.words());
        setters.push(match kind {
            Kind::File => quote! {
                #[doc = #doc]
                pub fn #ident(self, path: impl ::std::convert::AsRef<::std::path::Path>) -> Self {
                    Self(self.0.file(#part, path))
                }
            },
            Kind::Files => quote! {
                #[doc = #doc]
                ///
                /// Given again, it takes another file.
                pub fn #ident(self, path: impl ::std::convert::AsRef<::std::path::Path>) -> Self {
                    Self(self.0.file(#part, path))
                }
            },
            Kind::List(item) => {
                let item = item.rust();
                quote! {
                    #[doc = #doc]
                    pub fn #ident(self, values: ::std::vec::Vec<#item>) -> Self {
                        let values: ::std::vec::Vec<::serde_json::Value> = values.into_iter().map(::serde_json::Value::from).collect();
                        Self(self.0.field(#part, values))
                    }
                }
            }
            Kind::Scalar(scalar) => {
                let value_type = scalar.rust();
                quote! {
                    #[doc = #doc]
                    pub fn #ident(self, value: #value_type) -> Self {
                        Self(self.0.field(#part, ::serde_json::Value::from(value)))
                    }
                }
            }
            Kind::Json => quote! {
                #[doc = #doc]
                pub fn #ident(self, value: ::serde_json::Value) -> Self {
                    Self(self.0.field(#part, value))
                }
            },
        });
    }
    if op.check.as_deref() == Some("personnel-csv") {
        setters.push(quote! {
            /// A personnel CSV checked already ([`crate::personnel::PersonnelCsv`],
            /// e.g. to show its row count first): its checked copy is what is sent.
            pub fn csv(self, csv: crate::personnel::PersonnelCsv) -> Self {
                Self(self.0.csv(csv))
            }
        });
    }
    let answer = match &op.answer_schema {
        Some(schema) => {
            let ident = Ident::new(&rust_type_name(schema), Span::call_site());
            quote!(#module::types::#ident)
        }
        None => quote!(::serde_json::Value),
    };
    let summary = op.summary.trim();
    let method_doc = format!("`{} {}`: {summary}, as a `multipart/form-data` upload.", op.method, op.path);
    let builder_doc =
        format!("The upload of `{} {}` (see [`{}::Client::{name}`]).", op.method, op.path, op.module);
    // The `drata::Client` whose `upload` makes the form (see `client_core`).
    let core = if op.module == "crate" { quote!(self) } else { quote!(self.core) };
    let method_tokens = quote! {
        #[doc = #method_doc]
        ///
        /// Its files are streamed from disk; everything is checked before
        /// anything is sent (see [`crate::Upload`]).
        pub fn #method(&self) -> builder::#builder<'_> {
            builder::#builder(#core.upload(&#module::operations::#meta))
        }
    };
    let builder_tokens = quote! {
        #[doc = #builder_doc]
        #[derive(Debug)]
        #[must_use = "an upload does nothing until `.send()` is awaited"]
        pub struct #builder<'a>(pub(crate) crate::Upload<'a>);

        impl<'a> #builder<'a> {
            #(#setters)*

            /// Called as the files' bytes leave, with the bytes sent so far
            /// and the total (from 0 again if the upload is retried).
            pub fn on_progress(self, progress: impl Fn(u64, u64) + Send + Sync + 'static) -> Self {
                Self(self.0.on_progress(progress))
            }

            /// Checks everything (nothing is sent when something is
            /// invalid), then uploads the form through the client's rate
            /// limiter, retries, timeouts and tracing.
            pub async fn send(self) -> ::std::result::Result<crate::Response<#answer>, crate::Error> {
                self.0.send_as().await
            }
        }
    };
    Ok((method_tokens, builder_tokens))
}

/// What a form part takes.
enum Kind {
    File,
    Files,
    List(Scalar),
    Scalar(Scalar),
    Json,
}

#[derive(Clone, Copy)]
enum Scalar {
    Integer,
    Number,
    Boolean,
    Text,
}

impl Scalar {
    fn rust(self) -> TokenStream {
        match self {
            Scalar::Integer => quote!(i64),
            Scalar::Number => quote!(::serde_json::Number),
            Scalar::Boolean => quote!(bool),
            Scalar::Text => quote!(::std::string::String),
        }
    }

    fn words(self) -> &'static str {
        match self {
            Scalar::Integer => "a whole number",
            Scalar::Number => "a number",
            Scalar::Boolean => "true or false",
            Scalar::Text => "text",
        }
    }
}

impl Kind {
    fn words(&self) -> String {
        match self {
            Kind::File => "a file".into(),
            Kind::Files => "files".into(),
            Kind::List(scalar) => format!("a list of {}", scalar.words()),
            Kind::Scalar(scalar) => scalar.words().into(),
            Kind::Json => "JSON".into(),
        }
    }
}

/// What a part's schema takes, wrappers (`$ref`, `allOf: [X]`,
/// `anyOf: [X, JsonNull]`) taken off.
fn kind(spec: &Spec, schema: &Value) -> Kind {
    let schema = unwrap(spec, schema);
    let scalar = |schema: &Value| match schema.get("type").and_then(Value::as_str) {
        Some("integer") => Some(Scalar::Integer),
        Some("number") => Some(Scalar::Number),
        Some("boolean") => Some(Scalar::Boolean),
        Some("string") => Some(Scalar::Text),
        _ => None,
    };
    let binary = |schema: &Value| schema.get("format").and_then(Value::as_str) == Some("binary");
    match schema.get("type").and_then(Value::as_str) {
        _ if binary(schema) => Kind::File,
        Some("array") => {
            let item = schema.get("items").map_or(&Value::Null, |i| unwrap(spec, i));
            match scalar(item) {
                _ if binary(item) => Kind::Files,
                Some(scalar) => Kind::List(scalar),
                None => Kind::Json,
            }
        }
        _ => scalar(schema).map_or(Kind::Json, Kind::Scalar),
    }
}

fn unwrap<'a>(spec: &'a Spec, schema: &'a Value) -> &'a Value {
    let schema = spec.resolve(schema).unwrap_or(schema);
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            let real: Vec<&Value> =
                options.iter().filter(|o| o.get("$ref").and_then(Value::as_str) != Some(NULL_REF)).collect();
            if let [one] = real.as_slice() {
                return unwrap(spec, one);
            }
        }
    }
    schema
}
