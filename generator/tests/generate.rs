//! The generator on the project's spec and on shapes progenitor cannot take.

use drata_generator::{Error, generate};

const SPEC: &str = drata_openapi::SPEC_YAML;

fn minimal_spec(paths: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n{paths}\ncomponents:\n  schemas:\n    \
         Err: {{type: object, properties: {{message: {{type: string}}}}}}\n    \
         Other: {{type: object, properties: {{detail: {{type: string}}}}}}\n"
    )
}

#[test]
fn the_project_spec_generates_deterministically_and_sets_aside_the_multipart_uploads() {
    let first = generate(SPEC).expect("the spec generates");
    let second = generate(SPEC).expect("the spec generates");
    assert_eq!(first.code, second.code, "generation is deterministic");
    assert!(first.code.starts_with(drata_generator::GENERATED_HEADER));

    // The uploads whose only body is a form are set aside from progenitor;
    // every operation has its client method all the same.
    let set_aside: Vec<_> = first.set_aside.iter().map(|op| op.method_name.as_str()).collect();
    assert_eq!(
        set_aside,
        [
            "create_idp_connection_from_csv",
            "update_idp_connection_from_csv",
            "upload_vendor_document",
            "save_manual_questionnaire_files"
        ]
    );
    let spec = drata_generator::Spec::parse(SPEC).expect("parses");
    assert_eq!(first.generated.len() + first.set_aside.len(), spec.operations().len());
    for op in spec.operations() {
        assert!(first.client_methods.contains(&op.method_name), "{}", op.method_name);
    }
    // An operation that takes JSON or a form has both.
    assert!(first.client_methods.contains(&"create_evidence_multipart".to_string()));
    // Open enums are ours, with an Unknown variant; date-times are Timestamps.
    assert!(first.code.contains("pub enum ClientType {"));
    assert!(first.code.contains("Unknown(::std::string::String)"));
    assert!(first.code.contains("crate::Timestamp"));
}

#[test]
fn a_progenitor_panic_becomes_an_error_naming_the_operation() {
    // Two different error schemas make progenitor assert!-panic.
    let spec = minimal_spec(
        "  /a:\n    get:\n      operationId: fine\n      responses:\n        '200': {description: ok}\n  \
         /b:\n    get:\n      operationId: twoErrorSchemas\n      responses:\n        '200': {description: ok}\n        \
         '400': {description: e, content: {application/json: {schema: {$ref: '#/components/schemas/Err'}}}}\n        \
         '404': {description: e, content: {application/json: {schema: {$ref: '#/components/schemas/Other'}}}}\n",
    );
    match generate(&spec) {
        Err(Error::Panicked { operation, message }) => {
            assert_eq!(operation.as_deref(), Some("twoErrorSchemas"));
            assert!(message.contains("response_types.len() <= 1"), "{message}");
        }
        other => panic!("expected a caught panic, got {other:?}"),
    }
}

#[test]
fn an_unreadable_spec_is_a_parse_error() {
    let err = generate("openapi: [").expect_err("not YAML");
    assert!(matches!(err, Error::Spec(drata_generator::SpecError::Parse(_))), "{err:?}");
    assert!(err.to_string().starts_with("the OpenAPI document does not parse"));
}

#[test]
fn openapi_3_1_is_refused_by_the_rules() {
    let spec = drata_generator::Spec::parse(&minimal_spec("  {}").replace("3.0.3", "3.1.0")).expect("parses");
    let err = spec.check_rules().expect_err("3.1");
    assert!(err.to_string().contains("only OpenAPI 3.0.x"), "{err}");
}

#[test]
fn the_project_spec_follows_the_rules() {
    let spec = drata_generator::Spec::parse(SPEC).expect("parses");
    spec.check_rules().expect("rules hold");
    assert_eq!(spec.operations().len(), 116);
    assert!(spec.operations().iter().all(|op| op.drata_operation_id.is_some()));
}

#[test]
fn a_second_version_is_generated_into_its_own_module() {
    // The same document as v2: every path the code writes to its own items
    // (types, operations table, shapes) starts at `crate::v2`, none at the
    // crate's root, which v1 keeps.
    let as_v2 = SPEC.replacen("x-drata-api: v1", "x-drata-api: v2", 1);
    assert_ne!(as_v2, SPEC, "the spec names its version");
    let v1 = generate(SPEC).expect("v1 generates").code;
    let v2 = generate(&as_v2).expect("v2 generates").code;
    for module in ["types", "operations", "shapes"] {
        let (root, nested) = (format!("crate::{module}::"), format!("crate::v2::{module}::"));
        assert!(v1.contains(&root) && !v1.contains(&nested), "v1 at the root: {module}");
        assert!(!v2.contains(&root), "v2 names `{root}`");
        assert!(v2.contains(&nested), "v2 names no `{nested}`");
    }
    // What the runtime shares stays where it is.
    assert!(v2.contains("crate::Error") && v2.contains("crate::request::"));
    // Each version's features are its own.
    let features = generate(&as_v2).expect("v2 generates").features;
    assert!(features.keys().all(|feature| feature.starts_with("v2-")), "{:?}", features.keys());
}

#[test]
fn the_api_version_must_name_a_module() {
    for bad in ["V1", "2", "v-2", "v2 beta"] {
        let text = format!("x-drata-api: '{bad}'\n{}", minimal_spec("  {}"));
        let spec = drata_generator::Spec::parse(&text).expect("parses");
        let err = spec.check_rules().expect_err(bad).to_string();
        assert!(
            err.contains(&format!("`x-drata-api: {bad}`: must be lowercase letters and digits")),
            "{err}"
        );
    }
}

#[test]
fn each_operation_documents_one_error_schema_holding_what_the_client_reads() {
    let core = "statusCode: {type: number}, code: {type: integer}, message: {type: string}";
    let spec = |err: &str, other: &str, b_errors: &str| {
        format!(
            "x-drata-api: v2\nopenapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  \
             /a:\n    get:\n      operationId: a\n      responses:\n        '200': {{description: ok}}\n        \
             '400': {{description: e, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Err'}}}}}}}}\n  \
             /b:\n    get:\n      operationId: b\n      responses:\n        '200': {{description: ok}}\n{b_errors}\
             components:\n  schemas:\n    Err: {{type: object, properties: {{{err}}}}}\n    \
             Other: {{type: object, properties: {{{other}}}}}\n"
        )
    };
    let other_errors = "        '404': {description: e, content: {application/json: {schema: {$ref: '#/components/schemas/Other'}}}}\n";
    let problems = |text: &str| match drata_generator::Spec::parse(text).expect("parses").check_rules() {
        Ok(()) => Vec::new(),
        Err(drata_generator::SpecError::Rules(problems)) => problems,
        Err(other) => panic!("{other}"),
    };
    let rule = |found: &[String], wanted: &str| found.iter().any(|p| p.contains(wanted));

    // Two operations, two error schemas (v2 has four): each has the core.
    let both = problems(&spec(core, &format!("{core}, invalidInputs: {{type: array}}"), other_errors));
    assert!(!rule(&both, "error"), "{both:?}");
    // A schema without the core is refused, naming what it lacks.
    let lacking = problems(&spec("message: {type: string}", core, other_errors));
    assert!(
        rule(
            &lacking,
            "error schema `Err`: `code` must be a property of type integer or number (the client reads it from every error body)"
        ),
        "{lacking:?}"
    );
    assert!(rule(&lacking, "error schema `Err`: `statusCode` must be"), "{lacking:?}");
    assert!(!rule(&lacking, "error schema `Other`"), "{lacking:?}");
    // One operation, two error schemas: progenitor cannot take it.
    let two = format!(
        "{other_errors}        '400': {{description: e, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Err'}}}}}}}}\n"
    );
    let mixed = problems(&spec(core, core, &two));
    assert!(rule(&mixed, "GET /b: every error status must use one error schema"), "{mixed:?}");
    assert!(!rule(&mixed, "GET /a: every error"), "{mixed:?}");

    // The operation's entry names its error schema.
    let generated = generate(&spec(core, core, other_errors)).expect("generates").code;
    assert!(generated.contains("error_schema: Some(\"Other\")"), "b's table entry");
}
