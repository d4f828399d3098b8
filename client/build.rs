//! With the feature `generate`, generates the Drata client from the OpenAPI
//! document at build time; without it (the default), the crate compiles the
//! committed copies, `generated/drata.rs` and `generated/v2.rs`, and this
//! script does nothing.
//!
//! Both are the output of the same function, `drata_generator::generate`,
//! on `drata_openapi::SPEC_YAML` (and `SPEC_V2_YAML`): `cargo xtask generate` writes the copy and
//! `cargo xtask check` fails when it differs from what the generator writes,
//! so the two cannot drift. The copy spares every program that depends on
//! `drata` the generator's own build (progenitor, typify, syn), the larger
//! part of what it would otherwise pay (see the README's build figures).
//! Within the workspace, `xtask` turns the feature on, so that the project's
//! own builds always compile what the spec says now (and `cargo xtask
//! generate` can run whatever state the committed copy is in).

fn main() -> std::process::ExitCode {
    #[cfg(feature = "generate")]
    for (spec, file) in [(drata_openapi::SPEC_YAML, "drata.rs"), (drata_openapi::SPEC_V2_YAML, "v2.rs")] {
        let generated = match drata_generator::generate(spec) {
            Ok(generated) => generated,
            Err(e) => {
                println!("cargo::error=the spec of {file}:");
                for line in e.to_string().lines() {
                    println!("cargo::error={line}");
                }
                return std::process::ExitCode::FAILURE;
            }
        };
        let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join(file);
        if let Err(e) = std::fs::write(&out, generated.code) {
            println!("cargo::error=cannot write {}: {e}", out.display());
            return std::process::ExitCode::FAILURE;
        }
    }
    #[cfg(not(feature = "generate"))]
    println!("cargo::rerun-if-changed=build.rs");
    std::process::ExitCode::SUCCESS
}
