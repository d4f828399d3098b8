//! Each pass applied to progenitor's real output, and each refusing a shape
//! it does not know.

use quote::ToTokens;
use syn::visit::Visit;
use syn::{ImplItem, Item};

use super::apply;
use crate::spec::Spec;
use crate::{Error, Operation, UNSUPPORTED_MEDIA_TYPES, run_progenitor};

const SPEC: &str = drata_openapi::SPEC_YAML;

/// progenitor's output for the project's spec, before any pass, with the
/// spec's operations and the generated ones.
fn progenitor_output() -> (syn::File, Vec<Operation>, Vec<Operation>) {
    let spec = Spec::parse(SPEC).expect("the spec parses");
    let (openapi, set_aside) = spec.for_progenitor(UNSUPPORTED_MEDIA_TYPES).expect("adapts");
    let Ok(tokens) = run_progenitor(&spec, &openapi) else { panic!("progenitor runs") };
    let operations = spec.operations();
    let generated = operations.iter().filter(|op| !set_aside.contains(op)).cloned().collect::<Vec<_>>();
    (syn::parse2(tokens).expect("parses"), operations, generated)
}

fn passed() -> syn::File {
    let (mut file, operations, generated) = progenitor_output();
    apply(
        &mut file,
        &operations,
        &generated,
        &crate::pages::page_schemas(&Spec::parse(SPEC).expect("parses")).expect("pages"),
        &Default::default(),
        "crate",
    )
    .expect("every pass applies");
    file
}

fn unknown_shape(result: Result<(), Error>) -> String {
    match result {
        Err(Error::UnknownShape(what)) => what,
        other => panic!("expected an unknown shape, got {other:?}"),
    }
}

fn client_impls(file: &syn::File) -> Vec<&syn::ItemImpl> {
    file.items
        .iter()
        .filter_map(|item| match item {
            Item::Impl(block) if super::is_client(&block.self_ty) => Some(block),
            _ => None,
        })
        .collect()
}

fn module<'a>(file: &'a syn::File, name: &str) -> &'a [Item] {
    file.items
        .iter()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, items)| items.as_slice()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no `mod {name}`"))
}

#[derive(Default)]
struct Paths(Vec<String>);

impl<'ast> Visit<'ast> for Paths {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        self.0.push(path.segments.iter().map(|s| s.ident.to_string()).collect::<Vec<_>>().join("::"));
        syn::visit::visit_path(self, path);
    }
}

#[test]
fn pass_1_leaves_only_the_crate_private_constructor() {
    let file = passed();
    let functions: Vec<(String, String)> = client_impls(&file)
        .iter()
        .flat_map(|block| &block.items)
        .filter_map(|item| match item {
            ImplItem::Fn(f) if f.sig.ident.to_string().starts_with("new") => {
                Some((f.sig.ident.to_string(), f.vis.to_token_stream().to_string()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(functions, [("new_with_client".to_string(), "pub (crate)".to_string())]);
}

#[test]
fn pass_2_gives_every_generated_operation_a_send_through_the_attempt_loop() {
    let (_, _, generated) = progenitor_output();
    let file = passed();
    let mut sends = Vec::new();
    for item in module(&file, "builder") {
        let Item::Impl(block) = item else { continue };
        let function = |name: &str| {
            block.items.iter().find_map(|item| match item {
                ImplItem::Fn(f) if f.sig.ident == name => Some(f),
                _ => None,
            })
        };
        let Some(send) = function("send") else { continue };
        // `send` is inline and hands the checked request to the attempt
        // loop: the answer's reading is compiled where the operation is used.
        let mut paths = Paths::default();
        paths.visit_block(&send.block);
        assert!(paths.0.iter().any(|p| p == "crate::runtime::send"), "{:?}", paths.0);
        assert!(send.attrs.iter().any(|a| a.path().is_ident("inline")), "`send` is #[inline]");
        let output = send.sig.output.to_token_stream().to_string();
        assert!(output.contains("crate :: Response <") && output.contains("crate :: Error"), "{output}");
        let request = function("into_request").expect("`send`'s request is made by `into_request`");
        let mut paths = Paths::default();
        paths.visit_block(&request.block);
        assert!(paths.0.iter().any(|p| p.starts_with("crate::operations::")), "{:?}", paths.0);
        assert!(paths.0.iter().any(|p| p == "crate::request::Request::new"), "{:?}", paths.0);
        sends.push(block.self_ty.to_token_stream().to_string());
    }
    sends.sort();
    let mut expected: Vec<String> = generated
        .iter()
        .map(|op| format!("{} < 'a >", heck::ToUpperCamelCase::to_upper_camel_case(op.method_name.as_str())))
        .collect();
    expected.sort();
    assert_eq!(sends, expected);
}

#[test]
fn pass_2_checks_a_personnel_list_before_it_is_serialized() {
    let file = passed();
    let text = module(&file, "builder").iter().map(|i| i.to_token_stream().to_string()).collect::<String>();
    let check = text.find("crate :: checks :: personnel_list (& body) ?").expect("the check is called");
    let json = text[check..].find(". json (& body)").expect("then the body is serialized");
    assert!(json > 0);
    assert_eq!(text.matches("crate :: checks :: personnel_list").count(), 2, "create and update from JSON");
}

#[test]
fn pass_3_leaves_no_path_into_progenitors_runtime() {
    let (before, _, _) = progenitor_output();
    let mut paths = Paths::default();
    paths.visit_file(&before);
    assert!(
        paths.0.iter().any(|p| p.starts_with("progenitor_client")),
        "progenitor's output uses its runtime"
    );

    let file = passed();
    let mut paths = Paths::default();
    paths.visit_file(&file);
    let left: Vec<_> =
        paths.0.iter().filter(|p| p.contains("progenitor_client") || p.contains("ClientInfo")).collect();
    assert!(left.is_empty(), "{left:?}");
    assert!(client_impls(&file).iter().all(|block| block.trait_.is_none()), "no progenitor trait impls");
    assert!(!file.items.iter().any(|i| matches!(i, Item::Mod(m) if m.ident == "prelude")));
}

#[test]
fn pass_4_lists_every_operation_of_the_spec() {
    let (_, operations, _) = progenitor_output();
    let file = passed();
    let consts: Vec<String> = module(&file, "operations")
        .iter()
        .filter_map(|item| match item {
            Item::Const(c) => Some(c.ident.to_string()),
            _ => None,
        })
        .collect();
    let mut expected: Vec<String> = operations
        .iter()
        .map(|op| heck::ToShoutySnakeCase::to_shouty_snake_case(op.method_name.as_str()))
        .collect();
    expected.push("ALL".into());
    assert_eq!(consts, expected);
}

#[test]
fn a_missing_constructor_is_an_unknown_shape() {
    let (mut file, operations, generated) = progenitor_output();
    for block in file.items.iter_mut().filter_map(|i| match i {
        Item::Impl(b) if super::is_client(&b.self_ty) && b.trait_.is_none() => Some(b),
        _ => None,
    }) {
        block.items.retain(|i| !matches!(i, ImplItem::Fn(f) if f.sig.ident == "new"));
    }
    let what = unknown_shape(apply(
        &mut file,
        &operations,
        &generated,
        &crate::pages::page_schemas(&Spec::parse(SPEC).expect("parses")).expect("pages"),
        &Default::default(),
        "crate",
    ));
    assert_eq!(what, "no `impl Client` with `new` and `new_with_client`");
}

#[test]
fn a_builder_without_send_is_an_unknown_shape() {
    let (mut file, operations, generated) = progenitor_output();
    for item in file.items.iter_mut() {
        if let Item::Mod(m) = item
            && m.ident == "builder"
            && let Some((_, items)) = m.content.as_mut()
        {
            for item in items.iter_mut() {
                if let Item::Impl(block) = item
                    && block.self_ty.to_token_stream().to_string().starts_with("ListConnections")
                {
                    block.items.retain(|i| !matches!(i, ImplItem::Fn(f) if f.sig.ident == "send"));
                }
            }
        }
    }
    let what = unknown_shape(apply(
        &mut file,
        &operations,
        &generated,
        &crate::pages::page_schemas(&Spec::parse(SPEC).expect("parses")).expect("pages"),
        &Default::default(),
        "crate",
    ));
    assert_eq!(what, "no builder with a `send` for `listConnections` (expected `builder::ListConnections`)");
}

#[test]
fn a_send_of_another_signature_is_an_unknown_shape() {
    let (mut file, operations, generated) = progenitor_output();
    for item in file.items.iter_mut() {
        if let Item::Mod(m) = item
            && m.ident == "builder"
            && let Some((_, items)) = m.content.as_mut()
        {
            for item in items.iter_mut() {
                if let Item::Impl(block) = item {
                    for item in block.items.iter_mut() {
                        if let ImplItem::Fn(f) = item
                            && f.sig.ident == "send"
                        {
                            f.sig.output = syn::parse_quote!(-> u8);
                        }
                    }
                }
            }
        }
    }
    let what = unknown_shape(apply(
        &mut file,
        &operations,
        &generated,
        &crate::pages::page_schemas(&Spec::parse(SPEC).expect("parses")).expect("pages"),
        &Default::default(),
        "crate",
    ));
    assert!(what.ends_with("::send` does not return `Result<ResponseValue<T>, _>`"), "{what}");
}

#[test]
fn a_progenitor_runtime_path_left_behind_is_an_unknown_shape() {
    let (mut file, operations, generated) = progenitor_output();
    file.items.push(syn::parse_quote!(
        fn stray() -> usize {
            ::std::mem::size_of::<progenitor_client::ByteStream>()
        }
    ));
    let what = unknown_shape(apply(
        &mut file,
        &operations,
        &generated,
        &crate::pages::page_schemas(&Spec::parse(SPEC).expect("parses")).expect("pages"),
        &Default::default(),
        "crate",
    ));
    assert_eq!(what, "a path into progenitor's runtime is left: `progenitor_client::ByteStream`");
}

#[test]
fn a_runtime_import_that_is_not_there_is_an_unknown_shape() {
    let (mut file, operations, generated) = progenitor_output();
    file.items.retain(|item| !matches!(item, Item::Mod(m) if m.ident == "prelude"));
    let what = unknown_shape(apply(
        &mut file,
        &operations,
        &generated,
        &crate::pages::page_schemas(&Spec::parse(SPEC).expect("parses")).expect("pages"),
        &Default::default(),
        "crate",
    ));
    assert!(what.ends_with("removed 4 item(s)"), "{what}");
}

#[test]
fn an_unknown_check_is_a_spec_error() {
    let (mut file, mut operations, generated) = progenitor_output();
    operations[0].check = Some("telepathy".into());
    match apply(
        &mut file,
        &operations,
        &generated,
        &crate::pages::page_schemas(&Spec::parse(SPEC).expect("parses")).expect("pages"),
        &Default::default(),
        "crate",
    ) {
        Err(Error::Spec(e)) => assert!(
            e.to_string().ends_with("the client has no check named `x-drata-check: telepathy`"),
            "{e}"
        ),
        other => panic!("{other:?}"),
    }
}
