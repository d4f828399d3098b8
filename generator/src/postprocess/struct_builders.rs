//! Keeps typify's struct builders (`types::builder::X`, with `X::builder()`
//! and the conversions between the two) only for the schemas a request
//! body holds (`crate::shapes::request_schemas`), which progenitor's
//! builder interface generates for every schema: a request body is built
//! field by field (`types::VendorCreateRequest::builder().name("Acme")`, or
//! an operation builder's `.body_map(|b| b.name("Acme"))`), but an answer
//! is only read, and its builders were most of the generated code (35,000
//! of 105,000 lines with Drata's v1 operations), compiled by every program
//! that depends on the client.

use std::collections::BTreeSet;

use syn::Item;

use super::unknown_shape;
use crate::Error;

/// The pass over the items of `mod types`: the builders of the schemas not
/// in `keep` (Rust type names) go.
///
/// # Errors
/// [`Error::UnknownShape`] when `mod types` has no `mod builder`.
pub(super) fn prune(types: &mut Vec<Item>, keep: &BTreeSet<String>) -> Result<(), Error> {
    let builder = types
        .iter_mut()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == "builder" => m.content.as_mut(),
            _ => None,
        })
        .ok_or_else(|| unknown_shape("`mod types` has no `mod builder` of struct builders"))?;
    builder.1.retain(|item| named(item).is_none_or(|name| keep.contains(&name)));
    types.retain(|item| match item {
        Item::Impl(block) if names_struct_builder(block) => {
            named(item).is_none_or(|name| keep.contains(&name))
        }
        _ => true,
    });
    Ok(())
}

/// The type an item is about: a struct's name, an `impl`'s type (or, for
/// `impl From<X> for builder::X`, `X`).
fn named(item: &Item) -> Option<String> {
    match item {
        Item::Struct(s) => Some(s.ident.to_string()),
        Item::Impl(block) => match &*block.self_ty {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        },
        _ => None,
    }
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
