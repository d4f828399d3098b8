//! Generates the Drata client from the OpenAPI document at build time.
//!
//! The document is `drata_openapi::SPEC_YAML` (a build dependency, so the
//! packaged crate builds from what it depends on, and a change of the spec
//! reruns this script). The generated code goes to `$OUT_DIR/drata.rs` and
//! is included by `src/lib.rs`. The same function writes the committed copy
//! (`client/generated/drata.rs`, via `cargo xtask generate`), so the two
//! never differ; `cargo xtask check` proves it.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let generated = match drata_generator::generate(drata_openapi::SPEC_YAML) {
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
