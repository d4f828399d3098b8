//! Writes one contract test per operation of the spec
//! (`$OUT_DIR/spec_contracts.rs`, included by `tests/spec_contracts.rs`):
//! an operation added to the spec is tested the moment it is in it.

use std::fmt::Write;
use std::path::PathBuf;

use heck::{ToShoutySnakeCase, ToSnakeCase};
use serde_json::Value;

fn main() {
    let spec: Value = serde_yaml::from_str(drata_openapi::SPEC_YAML).unwrap_or(Value::Null);
    let mut code = String::new();
    let paths = spec.get("paths").and_then(Value::as_object);
    for item in paths.into_iter().flat_map(|p| p.values()) {
        for operation in item.as_object().into_iter().flat_map(|i| i.values()) {
            let Some(id) = operation.get("operationId").and_then(Value::as_str) else { continue };
            let (test, constant) = (id.to_snake_case(), id.to_snake_case().to_shouty_snake_case());
            let _ = writeln!(
                code,
                "#[tokio::test]\nasync fn {test}() {{\n    drata_tests::spec_contract::check(&drata::operations::{constant}).await;\n}}\n"
            );
        }
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("spec_contracts.rs");
    if let Err(e) = std::fs::write(&out, code) {
        println!("cargo::error=cannot write {}: {e}", out.display());
    }
}
