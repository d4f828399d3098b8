//! Project automation, in plain Rust: `cargo xtask <command>`.
//!
//! - `generate` — regenerate the committed copy of the generated client
//!   (`client/generated/drata.rs`) and the fixtures extracted from the spec's
//!   examples (`tests/fixtures/`).
//! - `check` — fail, naming the problem, unless the spec follows the
//!   project's rules, the committed files are current, every operation has a
//!   client method and a test, and every example of the spec validates against
//!   its schema and round-trips through the generated type.
//! - `conformance [N] [v1|v2|all]` — start the fake server and run schemathesis against it
//!   with the spec (N examples per operation).
//! - `bench [--json] [--with-build] [--only GROUP]` — build `drata-bench` in
//!   release mode and run it: the client against raw reqwest, decoding,
//!   upload memory, rate-limited bulk and generation (see `bench/`).
//! - `fuzz [CASES]` — the property tests of `tests/tests/fuzz.rs` with CASES
//!   cases each (default 20,000; CI runs them with 512).
//! - `mutants [PATHS]` — mutation testing of the hand-written runtime
//!   (`client/src`, `generator/src`) with cargo-mutants; see `mutants.rs`.
//! - `package` — package and verify `drata-openapi`, `drata-generator` and
//!   `drata`, then build and run a crate outside the workspace on the
//!   packaged `drata` against the fake server; see `package.rs`.
//! - `add-operation` — in a copy of the workspace, add an operation to the
//!   spec, regenerate, and call it through the client and `drata op`
//!   against the fake server; see `proof.rs`.
//! - `build-cost [FEATURES]...` — clean release builds of a crate that
//!   depends on `drata` (each feature set) beside a bare reqwest + serde +
//!   tokio program with the same TLS: CPU time and stripped size; see
//!   `build_cost.rs`.

mod areas;
mod build_cost;
mod check;
mod conformance;
mod docs;
mod examples;
mod fake;
mod features;
mod mutants;
mod package;
mod proof;
mod samples;
mod strict;
mod upstream;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub(crate) const SPEC: &str = "openapi/drata.yaml";
/// The spec of Drata's v2 API (`drata::v2`).
pub(crate) const SPEC_V2: &str = "openapi/drata-v2.yaml";
pub(crate) const GENERATED: &str = "client/generated/drata.rs";
/// The committed copy of `drata::v2`'s generated code.
pub(crate) const GENERATED_V2: &str = "client/generated/v2.rs";

/// Every spec of the project with the committed copy of its generated code.
pub(crate) const DOCUMENTS: &[(&str, &str)] = &[(SPEC, GENERATED), (SPEC_V2, GENERATED_V2)];

/// The generator's output for every spec (in [`DOCUMENTS`] order), and
/// their areas' features together.
fn generate_all(
    root: &Path,
) -> Result<
    (Vec<drata_generator::Generated>, std::collections::BTreeMap<String, drata_generator::Area>),
    String,
> {
    let mut out = Vec::new();
    let mut features = std::collections::BTreeMap::new();
    for (spec, _) in DOCUMENTS {
        let generated =
            drata_generator::generate(&read(&root.join(spec))?).map_err(|e| format!("{spec}: {e}"))?;
        features.extend(generated.features.clone());
        out.push(generated);
    }
    Ok((out, features))
}
pub(crate) const FIXTURES: &str = "tests/fixtures";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = project_root();
    let result = match args.first().map(String::as_str) {
        Some("generate") => generate(&root),
        Some("check") => check::run(&root),
        Some("conformance") => {
            let examples = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(50);
            conformance::run(&root, examples, args.get(2).map(String::as_str).unwrap_or("v1"))
        }
        Some("bench") => {
            cargo(&root, &["run", "--release", "--quiet", "-p", "drata-bench", "--"], &args[1..], &[])
        }
        Some("mutants") => mutants::run(&root, &args[1..]),
        Some("package") => package::run(&root, &args[1..]),
        Some("add-operation") => proof::run(&root),
        Some("build-cost") => build_cost::run(&root, &args[1..]),
        Some("upstream") => upstream::run(&root, &args[1..]),
        Some("areas") => areas::run(&root, &args[1..]),
        Some("fuzz") => {
            let cases = args.get(1).map_or("20000", String::as_str);
            if cases.parse::<u32>().is_err() {
                Err(format!("CASES must be a number, not `{cases}`"))
            } else {
                cargo(
                    &root,
                    &["test", "--release", "-p", "drata-tests", "--test", "suites", "fuzz::"],
                    &[],
                    &[("PROPTEST_CASES", cases)],
                )
            }
        }
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\n\
                 commands:\n  \
                 generate   regenerate client/generated/drata.rs, its features, tests/fixtures/ and the docs from the spec\n  \
                 check      check that spec, generated code, client and tests agree\n  \
                 conformance [N] [v1|v2|all]  run schemathesis against the fake server (N examples per operation, default 50)\n  \
                 bench [--json] [--with-build] [--only GROUP]  measure the client (release build)\n  \
                 fuzz [CASES]     run the property tests longer (default 20000 cases each)\n  \
                 mutants [PATHS]  mutation testing of client/src and generator/src (cargo-mutants)\n  \
                 package    package and verify the publishable crates; build a crate outside the workspace on them\n  \
                 add-operation  prove in a copy of the workspace that an operation added to the spec reaches everything\n  \
                 build-cost [FEATURES]...  clean release builds of a crate using drata beside a bare reqwest app (CPU time, size)\n  \
                 areas [AREA]...  the client builds with each area's feature alone, and with none\n  \
                 upstream snapshot FILE | diff [FILE] | import ID... | tour [FILE]  Drata's own document beside ours"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Runs `command`; an error naming `what` unless it succeeds.
fn status(mut command: std::process::Command, what: &str) -> Result<(), String> {
    let status = command.status().map_err(|e| format!("cannot run {what}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("`{what}` failed ({status})")) }
}

/// Runs cargo with `args` then `extra`, in the project root.
fn cargo(root: &Path, args: &[&str], extra: &[String], env: &[(&str, &str)]) -> Result<(), String> {
    let status = std::process::Command::new(env!("CARGO"))
        .args(args)
        .args(extra)
        .envs(env.iter().copied())
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("`cargo {}` failed ({status})", args.join(" "))) }
}

/// The workspace's target directory: `CARGO_TARGET_DIR` or `root/target`.
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), Into::into)
}

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// What `generate` writes: every file's path and content.
pub(crate) fn expected_files(root: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    let spec_text = read(&root.join(SPEC))?;
    let (generated, areas) = generate_all(root)?;
    let manifest = features::manifest(&read(&root.join(features::MANIFEST))?, &areas)?;
    let mut files: Vec<(PathBuf, String)> = DOCUMENTS
        .iter()
        .zip(generated)
        .map(|((_, code), generated)| (root.join(code), generated.code))
        .collect();
    files.push((root.join(features::MANIFEST), manifest));
    let spec = drata_generator::Spec::parse(&spec_text).map_err(|e| e.to_string())?;
    for (name, value) in examples::named_examples(&spec) {
        let text = serde_json::to_string_pretty(&value).map_err(|e| e.to_string())? + "\n";
        files.push((root.join(FIXTURES).join(format!("{name}.json")), text));
    }
    files.push((root.join(docs::README), docs::readme(&read(&root.join(docs::README))?)?));
    files.push((root.join(docs::CLI_REFERENCE), docs::cli_reference()));
    Ok(files)
}

fn generate(root: &Path) -> Result<(), String> {
    // The client's code first: the docs are written from the client this
    // program was built with, so a change of it builds and runs it again.
    let (generated, areas) = generate_all(root)?;
    let manifest_path = root.join(features::MANIFEST);
    let manifest = features::manifest(&read(&manifest_path)?, &areas)?;
    let stale = |path: &Path, content: &str| std::fs::read_to_string(path).ok().as_deref() != Some(content);
    let mut written = Vec::new();
    for ((_, code), generated) in DOCUMENTS.iter().zip(&generated) {
        let code_path = root.join(code);
        if stale(&code_path, &generated.code) {
            std::fs::write(&code_path, &generated.code)
                .map_err(|e| format!("cannot write {}: {e}", code_path.display()))?;
            written.push(*code);
        }
    }
    if stale(&manifest_path, &manifest) {
        std::fs::write(&manifest_path, &manifest)
            .map_err(|e| format!("cannot write {}: {e}", manifest_path.display()))?;
        written.push(features::MANIFEST);
    }
    if !written.is_empty() {
        println!("wrote {}; building the new client to write what derives from it", written.join(" and "));
        return cargo(root, &["run", "--quiet", "--package", "xtask", "--", "generate"], &[], &[]);
    }
    let files = expected_files(root)?;
    let fixtures = root.join(FIXTURES);
    // Drop fixtures whose example left the spec.
    if let Ok(entries) = std::fs::read_dir(&fixtures) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "json") && !files.iter().any(|(p, _)| *p == path) {
                std::fs::remove_file(&path).map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
                println!("removed {}", relative(root, &path));
            }
        }
    }
    for (path, content) in files {
        if std::fs::read_to_string(&path).ok().as_deref() == Some(content.as_str()) {
            continue;
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        std::fs::write(&path, content).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("wrote {}", relative(root, &path));
    }
    Ok(())
}

pub(crate) fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

pub(crate) fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}
