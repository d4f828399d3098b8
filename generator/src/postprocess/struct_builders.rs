//! Drops typify's struct builders (`types::builder::X` for every schema,
//! with `X::builder()` and the conversions between the two), which
//! progenitor's builder interface brings in: they were a third of the
//! generated code (35,000 of 105,000 lines with Drata's v1 operations),
//! compiled by every program that depends on the client, and a request
//! body is as plain a struct literal. Each operation builder's `body`
//! then holds the body's own type, and its `body_map` (which edited a
//! struct builder) goes.

use syn::visit_mut::VisitMut;
use syn::{ImplItem, Item};

use super::unknown_shape;
use crate::Error;

/// The pass; `types` and `builder` are the items of `mod types` and of the
/// top-level `mod builder` (the operations' builders).
///
/// # Errors
/// [`Error::UnknownShape`] when `mod types` has no `mod builder`.
pub(super) fn drop(types: &mut Vec<Item>, builder: &mut [Item]) -> Result<(), Error> {
    let before = types.len();
    types.retain(|item| !matches!(item, Item::Mod(m) if m.ident == "builder"));
    if types.len() + 1 != before {
        return Err(unknown_shape("`mod types` has no `mod builder` of struct builders"));
    }
    types.retain(|item| !matches!(item, Item::Impl(block) if names_struct_builder(block)));
    for item in builder.iter_mut() {
        match item {
            Item::Struct(s) => {
                for field in &mut s.fields {
                    if field.ident.as_ref().is_some_and(|i| i == "body") {
                        BuilderPaths.visit_type_mut(&mut field.ty);
                    }
                }
            }
            Item::Impl(block) => {
                block.items.retain(|i| !matches!(i, ImplItem::Fn(f) if f.sig.ident == "body_map"));
                for item in &mut block.items {
                    if let ImplItem::Fn(f) = item
                        && f.sig.ident == "new"
                    {
                        NoDefaultBody.visit_block_mut(&mut f.block);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Whether an `impl` is one of a struct builder's: it names `builder::…`
/// (`impl TryFrom<builder::X> for X`, `impl From<X> for builder::X`, `impl X
/// { fn builder() -> builder::X }`).
fn names_struct_builder(block: &syn::ItemImpl) -> bool {
    let mut finder = Finds::default();
    syn::visit::Visit::visit_item_impl(&mut finder, block);
    finder.found
}

#[derive(Default)]
struct Finds {
    found: bool,
}

impl<'ast> syn::visit::Visit<'ast> for Finds {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        if path.segments.first().is_some_and(|s| s.ident == "builder") && path.segments.len() > 1 {
            self.found = true;
        }
        syn::visit::visit_path(self, path);
    }
}

/// `types::builder::X` → `types::X`.
struct BuilderPaths;

impl VisitMut for BuilderPaths {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        let segments: Vec<_> = path.segments.iter().cloned().collect();
        if segments.len() >= 3 && segments[segments.len() - 2].ident == "builder" {
            path.segments = segments
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != segments.len() - 2)
                .map(|(_, s)| s.clone())
                .collect();
        }
        syn::visit_mut::visit_path_mut(self, path);
    }
}

/// `body: Ok(Default::default())` → `body: Err("…")`: a body has no default.
struct NoDefaultBody;

impl VisitMut for NoDefaultBody {
    fn visit_field_value_mut(&mut self, field: &mut syn::FieldValue) {
        if matches!(&field.member, syn::Member::Named(name) if name == "body") {
            field.expr = syn::parse_quote!(Err("no body was given: `.body(…)`".to_string()));
        }
        syn::visit_mut::visit_field_value_mut(self, field);
    }
}
