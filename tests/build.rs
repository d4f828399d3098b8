//! Writes one contract test per operation of each spec, v1's and v2's (in
//! `mod v2`) (`$OUT_DIR/spec_contracts.rs`, included by `tests/spec_contracts.rs`):
//! an operation added to the spec is tested the moment it is in it.

use std::fmt::Write;
use std::path::PathBuf;

use heck::{ToShoutySnakeCase, ToSnakeCase};
use serde_json::Value;

fn main() {
    let mut code = String::new();
    // v1's operations at the top, v2's in `mod v2`.
    for (spec, module) in [(drata_openapi::SPEC_YAML, ""), (drata_openapi::SPEC_V2_YAML, "v2")] {
        let spec: Value = serde_yaml::from_str(spec).unwrap_or(Value::Null);
        let table = if module.is_empty() {
            "drata::operations".to_string()
        } else {
            format!("drata::{module}::operations")
        };
        if !module.is_empty() {
            let _ = writeln!(code, "mod {module} {{");
        }
        let paths = spec.get("paths").and_then(Value::as_object);
        for item in paths.into_iter().flat_map(|p| p.values()) {
            for operation in item.as_object().into_iter().flat_map(|i| i.values()) {
                let Some(id) = operation.get("operationId").and_then(Value::as_str) else { continue };
                let (test, constant) = (id.to_snake_case(), id.to_snake_case().to_shouty_snake_case());
                let _ = writeln!(
                    code,
                    "#[tokio::test]\nasync fn {test}() {{\n    drata_tests::spec_contract::check(&{table}::{constant}).await;\n}}\n"
                );
            }
        }
        if !module.is_empty() {
            let _ = writeln!(code, "}}");
        }
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("spec_contracts.rs");
    if let Err(e) = std::fs::write(&out, code) {
        println!("cargo::error=cannot write {}: {e}", out.display());
    }
}
