//! Generates the Drata client from the OpenAPI document at build time.
//!
//! The generated code goes to `$OUT_DIR/drata.rs` and is included by
//! `src/lib.rs`. The same function writes the committed copy
//! (`client/generated/drata.rs`, via `cargo xtask generate`), so the two never
//! differ; `cargo xtask check` proves it.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let spec_path = manifest_dir.join("../openapi/drata.yaml");
    println!("cargo::rerun-if-changed={}", spec_path.display());

    let spec = match std::fs::read_to_string(&spec_path) {
        Ok(spec) => spec,
        Err(e) => {
            println!("cargo::error=cannot read the OpenAPI document {}: {e}", spec_path.display());
            return ExitCode::FAILURE;
        }
    };
    let generated = match drata_generator::generate(&spec) {
        Ok(generated) => generated,
        Err(e) => {
            for line in e.to_string().lines() {
                println!("cargo::error={line}");
            }
            return ExitCode::FAILURE;
        }
    };
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("drata.rs");
    if let Err(e) = std::fs::write(&out, generated.code) {
        println!("cargo::error=cannot write {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
