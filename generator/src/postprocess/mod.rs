//! Changes to progenitor's output that its settings cannot express. Each
//! pass looks for a syntax structure (an `impl` block, a function by name, a
//! struct's fields, a path) and fails with [`Error::UnknownShape`] when
//! progenitor's output has a shape it does not know, instead of silently not
//! applying; the tests (`tests.rs`) hold each pass to having applied.
//!
//! 1. `Client::new` (which panics if TLS cannot start and skips the
//!    project's configuration checks) is removed, and
//!    `Client::new_with_client` becomes `pub(crate)`: clients are built with
//!    the hand-written builder.
//! 2. Every builder's `send()` is replaced by one of ours (`send`), written
//!    from the builder's fields (progenitor's) and the operation's typed
//!    facts (the spec's): each parameter is read from its field, checked
//!    against the spec's bounds, put in the path or the query; the body is
//!    checked (the spec's `x-drata-check`) and serialized; and the request
//!    goes through the client's one attempt loop, `crate::runtime::execute`,
//!    which returns the client's `Response` or `Error`.
//! 3. progenitor's runtime is cut off: its imports, the `ClientInfo` and
//!    `ClientHooks` impls and the `prelude` go, and no path into
//!    `progenitor_client` may remain. Its request code, hooks and error type
//!    are not used; the client's public API is the client's own.
//! 4. `operations`: one constant per operation of the spec (generated or
//!    set aside) with its method, path, statuses, body, permission and Drata
//!    operation id (`operations`).

mod operations;
mod send;
mod struct_builders;
#[cfg(test)]
mod tests;

use heck::ToUpperCamelCase;
use syn::visit::Visit;
use syn::{ImplItem, Item};

use crate::{Error, Operation};

/// A check the client runs on a request body before sending it, as the
/// spec's `x-drata-check` names it.
pub struct Check {
    /// Its name in the spec.
    pub name: &'static str,
    /// The client function the generated `send()` calls on a JSON body
    /// before it is serialized; `None` for a check the hand-written upload
    /// runs (multipart bodies).
    pub json: Option<&'static str>,
    /// The client's Cargo feature that compiles the check: an area with an
    /// operation that runs it turns it on.
    pub feature: &'static str,
}

/// Every check the client has.
pub const CHECKS: &[Check] = &[
    Check { name: "personnel-list", json: Some("crate::checks::personnel_list"), feature: "personnel" },
    Check { name: "personnel-csv", json: None, feature: "personnel" },
];

/// The traits of progenitor's runtime that progenitor implements for `Client`.
const PROGENITOR_TRAITS: &[&str] = &["ClientInfo", "ClientHooks"];

/// Applies every pass to `file`, progenitor's output.
///
/// # Errors
/// [`Error::UnknownShape`] when a pass finds a shape it does not know;
/// [`Error::Spec`] when an operation names a check the client lacks.
pub(crate) fn apply(
    file: &mut syn::File,
    operations: &[Operation],
    generated: &[Operation],
    pages: &[crate::pages::PageSchema],
    keep_builders: &std::collections::BTreeSet<String>,
    module_root: &str,
) -> Result<(), Error> {
    check_names(operations)?;
    prune_struct_builders(file, keep_builders)?;
    let mut constructors = false;
    let mut sends = Vec::new();
    for item in &mut file.items {
        match item {
            Item::Impl(block) if is_client(&block.self_ty) && block.trait_.is_none() => {
                constructors |= restrict_constructors(block);
            }
            Item::Mod(module) if module.ident == "builder" => {
                let Some((_, items)) = module.content.as_mut() else {
                    return Err(unknown_shape("`mod builder` has no items"));
                };
                sends.extend(send::replace_all(items, generated, pages)?);
            }
            _ => {}
        }
    }
    if !constructors {
        return Err(unknown_shape("no `impl Client` with `new` and `new_with_client`"));
    }
    if module_root != "crate" {
        view_of_the_client(file)?;
    }
    for op in generated {
        if !sends.contains(&op.method_name) {
            return Err(unknown_shape(&format!(
                "no builder with a `send` for `{}` (expected `builder::{}`)",
                op.operation_id,
                op.method_name.to_upper_camel_case()
            )));
        }
    }
    cut_off_progenitor_runtime(file)?;
    let table: syn::File =
        syn::parse2(operations::module(operations)?).map_err(|e| Error::Unparsable(e.to_string()))?;
    file.items.extend(table.items);
    Ok(())
}

/// Pass 0: typify's struct builders of answers go (see `struct_builders`);
/// `keep` names the types whose builders stay.
fn prune_struct_builders(
    file: &mut syn::File,
    keep: &std::collections::BTreeSet<String>,
) -> Result<(), Error> {
    let types = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
            _ => None,
        })
        .ok_or_else(|| unknown_shape("no `mod types`"))?;
    struct_builders::prune(&mut types.1, keep)
}

/// Every `x-drata-check` must name a check the client has.
fn check_names(operations: &[Operation]) -> Result<(), Error> {
    for op in operations {
        if let Some(check) = &op.check
            && !CHECKS.iter().any(|known| known.name == check)
        {
            return Err(Error::Spec(crate::SpecError::Rules(vec![format!(
                "`{}`: the client has no check named `x-drata-check: {check}`",
                op.operation_id
            )])));
        }
    }
    Ok(())
}

fn unknown_shape(what: &str) -> Error {
    Error::UnknownShape(what.to_string())
}

fn is_client(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(p) => p.path.is_ident("Client"),
        syn::Type::Reference(r) => is_client(&r.elem),
        _ => false,
    }
}

/// Removes `Client::new` and makes `new_with_client` crate-private; whether
/// both were there.
fn restrict_constructors(block: &mut syn::ItemImpl) -> bool {
    let has = |name: &str| block.items.iter().any(|i| matches!(i, ImplItem::Fn(f) if f.sig.ident == name));
    if !(has("new") && has("new_with_client")) {
        return false;
    }
    block.items.retain(|item| !matches!(item, ImplItem::Fn(f) if f.sig.ident == "new"));
    for item in &mut block.items {
        if let ImplItem::Fn(f) = item
            && f.sig.ident == "new_with_client"
        {
            f.vis = syn::parse_quote!(pub(crate));
        }
    }
    true
}

/// Pass 1b, for a document other than v1's: its `Client` is a view of
/// `drata::Client` (`{ core: drata::Client }`, transparent, reached as
/// `&v2::Client` by `drata::Client::v2()`), not a client of its own: both
/// versions share one key, one connection pool and one rate limiter. Its
/// constructor goes.
fn view_of_the_client(file: &mut syn::File) -> Result<(), Error> {
    let strukt = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            Item::Struct(s) if s.ident == "Client" => Some(s),
            _ => None,
        })
        .ok_or_else(|| unknown_shape("no `struct Client`"))?;
    strukt.fields = syn::Fields::Named(syn::parse_quote!({
        /// The client calls are made on.
        pub(crate) core: crate::Client
    }));
    // `drata::Client::v2(&self) -> &v2::Client`: a reference to the same
    // client, seen as this version's.
    strukt.attrs.push(syn::parse_quote!(#[derive(::ref_cast::RefCast)]));
    strukt.attrs.push(syn::parse_quote!(#[repr(transparent)]));
    file.items.retain(|item| match item {
        Item::Impl(block) if is_client(&block.self_ty) && block.trait_.is_none() => {
            !block.items.iter().any(|i| matches!(i, ImplItem::Fn(f) if f.sig.ident == "new_with_client"))
        }
        _ => true,
    });
    Ok(())
}

/// Pass 3: removes what ties the generated code to progenitor's runtime,
/// then checks that no path into `progenitor_client` is left.
fn cut_off_progenitor_runtime(file: &mut syn::File) -> Result<(), Error> {
    let before = file.items.len();
    file.items.retain(|item| match item {
        Item::Use(u) => !mentions_progenitor(u),
        Item::Impl(block) => !(is_client(&block.self_ty) && implements_progenitor_trait(block)),
        Item::Mod(module) => module.ident != "prelude",
        _ => true,
    });
    // Two imports, two impls and the prelude.
    if before - file.items.len() != 5 {
        return Err(unknown_shape(&format!(
            "expected progenitor's two `use progenitor_client::…`, its `ClientInfo` and `ClientHooks` impls and              `mod prelude` at the top level; removed {} item(s)",
            before - file.items.len()
        )));
    }
    for item in &mut file.items {
        if let Item::Mod(module) = item
            && module.ident == "builder"
            && let Some((_, items)) = module.content.as_mut()
        {
            // `use super::{encode_path, ByteStream, ClientInfo, …}`: what the
            // top-level imports brought in.
            items.retain(|item| !matches!(item, Item::Use(u) if is_super_group(u)));
        }
    }
    let mut finder = ProgenitorPaths::default();
    finder.visit_file(file);
    match finder.found.first() {
        None => Ok(()),
        Some(path) => Err(unknown_shape(&format!("a path into progenitor's runtime is left: `{path}`"))),
    }
}

fn implements_progenitor_trait(block: &syn::ItemImpl) -> bool {
    let Some((path, _)) = &block.trait_ else { return false };
    path.segments.last().is_some_and(|s| PROGENITOR_TRAITS.iter().any(|t| s.ident == t))
}

fn mentions_progenitor(item: &syn::ItemUse) -> bool {
    matches!(&item.tree, syn::UseTree::Path(p) if p.ident == "progenitor_client")
}

/// `use super::{…}` naming one of progenitor's runtime items.
fn is_super_group(item: &syn::ItemUse) -> bool {
    let syn::UseTree::Path(p) = &item.tree else { return false };
    let syn::UseTree::Group(group) = p.tree.as_ref() else { return false };
    p.ident == "super"
        && group
            .items
            .iter()
            .any(|t| matches!(t, syn::UseTree::Name(n) if PROGENITOR_TRAITS.iter().any(|x| n.ident == x)))
}

/// Finds paths that start with `progenitor_client` or name one of its traits.
#[derive(Default)]
struct ProgenitorPaths {
    found: Vec<String>,
}

impl<'ast> Visit<'ast> for ProgenitorPaths {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        let names_runtime = path
            .segments
            .iter()
            .any(|s| s.ident == "progenitor_client" || PROGENITOR_TRAITS.iter().any(|t| s.ident == t));
        if names_runtime {
            let text = path.segments.iter().map(|s| s.ident.to_string()).collect::<Vec<_>>().join("::");
            self.found.push(text);
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_use_tree(&mut self, tree: &'ast syn::UseTree) {
        if let syn::UseTree::Path(p) = tree
            && p.ident == "progenitor_client"
        {
            self.found.push("use progenitor_client::…".into());
        }
        syn::visit::visit_use_tree(self, tree);
    }
}
