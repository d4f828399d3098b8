//! Cargo features per area: a program compiles only the areas of Drata's
//! API it enables.
//!
//! Each operation belongs to the feature of its area: the document's API
//! version (`x-drata-api`) and its first tag, `v1-vendors`. Every item the
//! generated file holds is compiled under the features of the operations
//! that reach it: the operation's `Client` method, builder and table entry
//! reach the types, shapes and other items their code names, and those the
//! items theirs. What the client itself has (its constructor) is in every
//! build; an item a feature of the hand-written runtime names is reached
//! from [`RUNTIME`] under that feature; an item nothing reaches is compiled
//! only with every area on.
//!
//! Reachability is read from the code itself (every path an item or its
//! impls name, by its last identifier), so it over-approximates and never
//! misses a use: an item is at worst compiled when it need not be.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use heck::{ToKebabCase, ToShoutySnakeCase};
use quote::quote;
use syn::visit::Visit;

use crate::Error;
use crate::postprocess::CHECKS;
use crate::spec::Operation;

/// The generated items a feature of the hand-written runtime names (a
/// check: see [`CHECKS`]), compiled with that feature.
pub const RUNTIME: &[(&str, &[(&str, &str)])] = &[(
    "personnel",
    &[("types", "PersonnelImport"), ("types", "PersonnelRecord"), ("shapes", "PERSONNEL_IMPORT")],
)];

/// An area's Cargo feature: its operations, and the runtime's features it
/// turns on (those of the checks its operations run).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Area {
    /// The operations of the area, by their spec ids, in the spec's order.
    pub operations: Vec<String>,
    /// The runtime's features the area needs, e.g. `personnel`.
    pub enables: BTreeSet<String>,
}

/// The feature of an operation of the API `api` tagged `tag`: `v1-vendors`.
pub fn feature_of(api: &str, tag: &str) -> String {
    format!("{api}-{}", tag.to_kebab_case())
}

/// The modules whose items are gated, as the generated file nests them.
const MODULES: &[&[&str]] = &[&["types"], &["types", "builder"], &["builder"], &["operations"], &["shapes"]];

/// An item that can be gated: where it is, and its name.
type Node = (String, String);

/// Whether, and under which features, an item is compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Gate {
    /// In every build.
    Always,
    /// When any of these features is on.
    Any(BTreeSet<String>),
    /// Only when every feature is on (no operation reaches it).
    Every,
}

/// Gates every item of `file` by the features of the operations reaching
/// it (see the module's docs); returns each feature with its operations.
///
/// # Errors
/// [`Error::UnknownShape`] when a `Client` method or an item of the
/// operations table matches no operation, or an impl's type is not an item.
pub fn gate(file: &mut syn::File, operations: &[Operation]) -> Result<BTreeMap<String, Area>, Error> {
    let mut features: BTreeMap<String, Area> = BTreeMap::new();
    for op in operations {
        let area = features.entry(op.feature.clone()).or_default();
        area.operations.push(op.operation_id.clone());
        // A document other than v1's is a module of its own (`drata::v2`),
        // compiled when any of its areas is on: `api-v2`.
        if let Some(api) = op.module.strip_prefix("crate::") {
            area.enables.insert(format!("api-{api}"));
        }
        if let Some(check) = &op.check {
            let known = CHECKS.iter().find(|known| known.name == check).ok_or_else(|| {
                Error::Spec(crate::SpecError::Rules(vec![format!(
                    "`{}`: the client has no check named `x-drata-check: {check}`",
                    op.operation_id
                )]))
            })?;
            area.enables.insert(known.feature.to_string());
        }
    }
    let all: BTreeSet<String> = features.keys().cloned().collect();

    // The nodes, what each names, and where each starts being needed.
    let mut names: BTreeMap<Node, BTreeSet<String>> = BTreeMap::new();
    for module in MODULES {
        let items = module_items(file, module)?;
        let path = module.join("::");
        for item in items.iter() {
            if let Some(ident) = defined(item) {
                names.entry((path.clone(), ident)).or_default().extend(named(item));
            }
        }
        for item in items.iter() {
            if let syn::Item::Impl(block) = item {
                let ident = impl_owner(block, &path, &names)?;
                names.entry((path.clone(), ident)).or_default().extend(named(item));
            }
        }
    }
    let mut roots: Vec<(Node, Option<String>)> = Vec::new();
    let by_method: HashMap<&str, &Operation> =
        operations.iter().map(|op| (op.method_name.as_str(), op)).collect();
    let by_const: HashMap<String, &Operation> =
        operations.iter().map(|op| (op.method_name.to_shouty_snake_case(), op)).collect();
    for method in client_methods(file) {
        let name = method.sig.ident.to_string();
        let op = by_method.get(name.as_str()).or_else(|| by_method.get(name.trim_end_matches("_multipart")));
        let node = ("Client".to_string(), name);
        names.entry(node.clone()).or_default().extend(named_in(&method));
        // `new` and the other methods of the client itself are in every build.
        roots.push((node, op.map(|op| op.feature.clone())));
    }
    for (path, ident) in names.keys().filter(|(path, _)| path == "operations") {
        let op = by_const.get(ident).ok_or_else(|| {
            Error::UnknownShape(format!("the operations table's `{ident}` matches no operation"))
        })?;
        roots.push(((path.clone(), ident.clone()), Some(op.feature.clone())));
    }
    for (feature, items) in RUNTIME {
        for (module, ident) in *items {
            roots.push((((*module).into(), (*ident).into()), Some((*feature).into())));
        }
    }

    // Each node's features: every root's, carried along what it names.
    let mut by_ident: HashMap<&str, Vec<&Node>> = HashMap::new();
    for node in names.keys() {
        by_ident.entry(node.1.as_str()).or_default().push(node);
    }
    let mut reached: HashMap<&Node, (bool, BTreeSet<String>)> = HashMap::new();
    for (root, feature) in &roots {
        let mut queue = VecDeque::from([root]);
        while let Some(node) = queue.pop_front() {
            let entry = reached.entry(node).or_default();
            let new = match feature {
                None => !std::mem::replace(&mut entry.0, true),
                Some(feature) => entry.1.insert(feature.clone()),
            };
            if !new {
                continue;
            }
            for ident in names.get(node).into_iter().flatten() {
                queue.extend(by_ident.get(ident.as_str()).into_iter().flatten().copied());
            }
        }
    }
    let gates: HashMap<Node, Gate> = names
        .keys()
        .map(|node| {
            let gate = match reached.get(node) {
                Some((true, _)) => Gate::Always,
                Some((false, set)) if set == &all => Gate::Any(all.clone()),
                Some((false, set)) if !set.is_empty() => Gate::Any(set.clone()),
                _ => Gate::Every,
            };
            (node.clone(), gate)
        })
        .collect();

    // The gates written on the items, their impls and their mentions in lists.
    let schema_types = schema_type_names(file)?;
    for module in MODULES {
        let path = module.join("::");
        let items = module_items(file, module)?;
        for item in items.iter_mut() {
            let ident = match &*item {
                syn::Item::Impl(block) => Some(impl_owner(block, &path, &names)?),
                other => defined(other),
            };
            if let Some(gate) = ident.and_then(|ident| gates.get(&(path.clone(), ident))) {
                push_attr(item, gate, &all);
            }
        }
        if path == "operations" {
            gate_all_list(items, &gates, &all)?;
        }
    }
    gate_schema_registry(file, &gates, &all, &schema_types)?;
    for block in client_blocks(file) {
        for item in &mut block.items {
            if let syn::ImplItem::Fn(method) = item {
                let node = ("Client".to_string(), method.sig.ident.to_string());
                if let Some(attr) = gates.get(&node).and_then(|gate| cfg(gate, &all)) {
                    method.attrs.push(attr);
                }
            }
        }
    }
    Ok(features)
}

/// The `#[cfg]` of a gate; none for [`Gate::Always`].
fn cfg(gate: &Gate, all: &BTreeSet<String>) -> Option<syn::Attribute> {
    let list = |set: &BTreeSet<String>| set.iter().map(|f| quote! { feature = #f }).collect::<Vec<_>>();
    match gate {
        Gate::Always => None,
        Gate::Any(set) => {
            let set = list(set);
            Some(syn::parse_quote! { #[cfg(any(#(#set),*))] })
        }
        Gate::Every => {
            let set = list(all);
            Some(syn::parse_quote! { #[cfg(all(#(#set),*))] })
        }
    }
}

fn push_attr(item: &mut syn::Item, gate: &Gate, all: &BTreeSet<String>) {
    let Some(attr) = cfg(gate, all) else { return };
    match item {
        syn::Item::Struct(i) => i.attrs.push(attr),
        syn::Item::Enum(i) => i.attrs.push(attr),
        syn::Item::Type(i) => i.attrs.push(attr),
        syn::Item::Const(i) => i.attrs.push(attr),
        syn::Item::Static(i) => i.attrs.push(attr),
        syn::Item::Impl(i) => i.attrs.push(attr),
        _ => {}
    }
}

/// The name an item defines, for the items that can be gated.
fn defined(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(i) => Some(i.ident.to_string()),
        syn::Item::Enum(i) => Some(i.ident.to_string()),
        syn::Item::Type(i) => Some(i.ident.to_string()),
        syn::Item::Const(i) if i.ident != "ALL" => Some(i.ident.to_string()),
        syn::Item::Static(i) => Some(i.ident.to_string()),
        _ => None,
    }
}

/// The type an impl is for, by its last identifier.
fn self_ident(block: &syn::ItemImpl) -> Result<String, Error> {
    match &*block.self_ty {
        syn::Type::Path(path) => path
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .ok_or_else(|| Error::UnknownShape("an impl for an empty path".into())),
        _ => Err(Error::UnknownShape("an impl for a type that is not a path".into())),
    }
}

/// The item of module `path` an impl goes with: its type (`impl X`,
/// `impl Trait for X`), or, for a trait impl on a type from elsewhere
/// (`impl From<X> for serde_json::Map<…>`), the one item of the module its
/// trait names.
fn impl_owner(
    block: &syn::ItemImpl,
    path: &str,
    names: &BTreeMap<Node, BTreeSet<String>>,
) -> Result<String, Error> {
    let ident = self_ident(block)?;
    if names.contains_key(&(path.to_string(), ident.clone())) {
        return Ok(ident);
    }
    let mut visitor = Names::default();
    if let Some((trait_path, _)) = &block.trait_ {
        visitor.visit_path(trait_path);
    }
    let owners: Vec<String> =
        visitor.0.into_iter().filter(|name| names.contains_key(&(path.to_string(), name.clone()))).collect();
    match owners.as_slice() {
        [owner] => Ok(owner.clone()),
        _ => Err(Error::UnknownShape(format!(
            "an impl in `{path}` for `{ident}`, which is not an item of the module, naming {} of its items",
            owners.len()
        ))),
    }
}

/// Every identifier a path in `item` ends with.
fn named(item: &syn::Item) -> BTreeSet<String> {
    let mut visitor = Names::default();
    visitor.visit_item(item);
    visitor.0
}

fn named_in(method: &syn::ImplItemFn) -> BTreeSet<String> {
    let mut visitor = Names::default();
    visitor.visit_impl_item_fn(method);
    visitor.0
}

#[derive(Default)]
struct Names(BTreeSet<String>);

impl<'ast> Visit<'ast> for Names {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        if let Some(last) = path.segments.last() {
            self.0.insert(last.ident.to_string());
        }
        syn::visit::visit_path(self, path);
    }
}

/// The items of the module at `path` (`["types", "builder"]`).
fn module_items<'a>(file: &'a mut syn::File, path: &[&str]) -> Result<&'a mut Vec<syn::Item>, Error> {
    let mut items = &mut file.items;
    for name in path {
        items = items
            .iter_mut()
            .find_map(|item| match item {
                syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
                _ => None,
            })
            .ok_or_else(|| {
                Error::UnknownShape(format!("no module `{}` in the generated file", path.join("::")))
            })?;
    }
    Ok(items)
}

fn client_blocks(file: &mut syn::File) -> impl Iterator<Item = &mut syn::ItemImpl> {
    file.items.iter_mut().filter_map(|item| match item {
        syn::Item::Impl(block)
            if block.trait_.is_none()
                && matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client")) =>
        {
            Some(block)
        }
        _ => None,
    })
}

fn client_methods(file: &mut syn::File) -> Vec<syn::ImplItemFn> {
    client_blocks(file)
        .flat_map(|block| block.items.iter())
        .filter_map(|item| match item {
            syn::ImplItem::Fn(f) => Some(f.clone()),
            _ => None,
        })
        .collect()
}

/// `operations::ALL`: each entry under its operation's gate.
fn gate_all_list(
    items: &mut [syn::Item],
    gates: &HashMap<Node, Gate>,
    all: &BTreeSet<String>,
) -> Result<(), Error> {
    let list = items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Const(c) if c.ident == "ALL" => Some(c),
            _ => None,
        })
        .ok_or_else(|| Error::UnknownShape("no `operations::ALL`".into()))?;
    let syn::Expr::Reference(reference) = &mut *list.expr else {
        return Err(Error::UnknownShape("`operations::ALL` is not `&[...]`".into()));
    };
    let syn::Expr::Array(array) = &mut *reference.expr else {
        return Err(Error::UnknownShape("`operations::ALL` is not `&[...]`".into()));
    };
    for element in &mut array.elems {
        let syn::Expr::Reference(entry) = element else {
            return Err(Error::UnknownShape("an entry of `operations::ALL` is not `&NAME`".into()));
        };
        let syn::Expr::Path(path) = &*entry.expr else {
            return Err(Error::UnknownShape("an entry of `operations::ALL` is not `&NAME`".into()));
        };
        let ident = path.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        if let Some(attr) = gates.get(&("operations".to_string(), ident)).and_then(|gate| cfg(gate, all)) {
            entry.attrs.push(attr);
        }
    }
    Ok(())
}

/// The Rust type of each name of `types::schemas::NAMES`, as the registry's
/// `roundtrip` arms pair them.
fn schema_type_names(file: &mut syn::File) -> Result<HashMap<String, String>, Error> {
    let mut pairs = HashMap::new();
    let items = module_items(file, &["types", "schemas"])?;
    for item in items.iter() {
        if let syn::Item::Fn(f) = item
            && f.sig.ident == "roundtrip"
        {
            for statement in &f.block.stmts {
                if let syn::Stmt::Expr(syn::Expr::Match(m), _) = statement {
                    for arm in &m.arms {
                        if let (syn::Pat::Lit(lit), Some(ident)) = (&arm.pat, last_type_in(&arm.body))
                            && let syn::Lit::Str(name) = &lit.lit
                        {
                            pairs.insert(name.value(), ident);
                        }
                    }
                }
            }
        }
    }
    Ok(pairs)
}

/// The last identifier of the first `super::X` path in `expr` (the type a
/// `roundtrip_as::<super::X>` arm names).
fn last_type_in(expr: &syn::Expr) -> Option<String> {
    #[derive(Default)]
    struct Supers(Option<String>);
    impl<'ast> Visit<'ast> for Supers {
        fn visit_path(&mut self, path: &'ast syn::Path) {
            if self.0.is_none() && path.segments.first().is_some_and(|s| s.ident == "super") {
                self.0 = path.segments.last().map(|s| s.ident.to_string());
            }
            syn::visit::visit_path(self, path);
        }
    }
    let mut visitor = Supers::default();
    visitor.visit_expr(expr);
    visitor.0
}

/// `types::schemas`: each name of `NAMES` and each `roundtrip` arm under
/// its type's gate.
fn gate_schema_registry(
    file: &mut syn::File,
    gates: &HashMap<Node, Gate>,
    all: &BTreeSet<String>,
    types: &HashMap<String, String>,
) -> Result<(), Error> {
    let gate_of = |name: &str| -> Option<syn::Attribute> {
        let ident = types.get(name)?;
        gates.get(&("types".to_string(), ident.clone())).and_then(|gate| cfg(gate, all))
    };
    for item in module_items(file, &["types", "schemas"])?.iter_mut() {
        match item {
            syn::Item::Const(c) if c.ident == "NAMES" => {
                let syn::Expr::Reference(reference) = &mut *c.expr else { continue };
                let syn::Expr::Array(array) = &mut *reference.expr else { continue };
                for element in &mut array.elems {
                    if let syn::Expr::Lit(lit) = element
                        && let syn::Lit::Str(name) = &lit.lit
                        && let Some(attr) = gate_of(&name.value())
                    {
                        lit.attrs.push(attr);
                    }
                }
            }
            syn::Item::Fn(f) if f.sig.ident == "roundtrip" => {
                for statement in &mut f.block.stmts {
                    if let syn::Stmt::Expr(syn::Expr::Match(m), _) = statement {
                        for arm in &mut m.arms {
                            if let syn::Pat::Lit(lit) = &arm.pat
                                && let syn::Lit::Str(name) = &lit.lit
                                && let Some(attr) = gate_of(&name.value())
                            {
                                arm.attrs.push(attr);
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}
