//! `cargo xtask check`: spec, generated code, client and tests agree.

use std::path::Path;

use drata_generator::Spec;
use serde_json::Value;

use crate::{SPEC, examples, expected_files, read, relative, samples, strict};

pub fn run(root: &Path) -> Result<(), String> {
    let mut failures: Vec<String> = Vec::new();
    let spec_text = read(&root.join(SPEC))?;
    let spec = Spec::parse(&spec_text).map_err(|e| format!("{SPEC}: {e}"))?;

    if let Err(e) = spec.check_rules() {
        failures.push(format!("{SPEC}: {e}"));
    }
    failures.extend(stale_files(root));
    failures.extend(missing_methods(&spec_text));
    // Drata's v2 document: its rules and a method for each operation (it
    // has no examples or samples of its own yet).
    let v2_text = read(&root.join(crate::SPEC_V2))?;
    let v2 = Spec::parse(&v2_text).map_err(|e| format!("{}: {e}", crate::SPEC_V2))?;
    if let Err(e) = v2.check_rules() {
        failures.push(format!("{}: {e}", crate::SPEC_V2));
    }
    failures.extend(missing_methods(&v2_text));
    failures.extend(bad_examples(&spec));
    let (samples, sample_problems) = samples::load(root, &spec);
    failures.extend(sample_problems);
    failures.extend(undecodable_samples(&samples));
    match strict_problems(&spec, &samples) {
        Ok(problems) => failures.extend(problems),
        Err(e) => failures.push(e),
    }

    if failures.is_empty() {
        let operations = spec.operations().len();
        println!(
            "ok: {operations} v1 and {} v2 operations, each with a client method and a contract test; generated code and fixtures are current; \
             every example and documented sample ({}) validates strictly and decodes",
            v2.operations().len(),
            samples.len()
        );
        Ok(())
    } else {
        Err(format!("{} problem(s):\n\n{}", failures.len(), failures.join("\n\n")))
    }
}

/// Committed files that differ from what `cargo xtask generate` would write.
fn stale_files(root: &Path) -> Vec<String> {
    let files = match expected_files(root) {
        Ok(files) => files,
        Err(e) => return vec![format!("generation failed: {e}")],
    };
    let mut out = Vec::new();
    for (path, expected) in files {
        let name = relative(root, &path);
        match std::fs::read_to_string(&path) {
            Err(_) => out.push(format!("{name} is missing; run `cargo xtask generate` and commit it")),
            Ok(actual) if actual != expected => {
                let diff = similar::TextDiff::from_lines(&actual, &expected);
                let excerpt: String = diff
                    .unified_diff()
                    .context_radius(1)
                    .header(&format!("{name} (committed)"), &format!("{name} (from the spec)"))
                    .to_string()
                    .lines()
                    .take(30)
                    .collect::<Vec<_>>()
                    .join("\n");
                out.push(format!(
                    "{name} is stale: the spec changed since it was generated; run `cargo xtask generate` and commit the result.\n{excerpt}"
                ));
            }
            Ok(_) => {}
        }
    }
    out
}

/// Operations without a client method, read from the generated code's
/// syntax (`Generated::client_methods`): progenitor's, or the upload
/// generated for an operation set aside from it.
fn missing_methods(spec_text: &str) -> Vec<String> {
    let generated = match drata_generator::generate(spec_text) {
        Ok(g) => g,
        Err(e) => return vec![format!("generation failed: {e}")],
    };
    generated
        .generated
        .iter()
        .chain(&generated.set_aside)
        .filter(|op| !generated.client_methods.contains(&op.method_name))
        .map(|op| {
            format!(
                "operation `{}` ({} {}) has no method `Client::{}`",
                op.operation_id, op.method, op.path, op.method_name
            )
        })
        .collect()
}

/// Examples that do not validate against their schema, or do not round-trip
/// through the generated type of a component schema.
fn bad_examples(spec: &Spec) -> Vec<String> {
    let mut out = Vec::new();
    for example in examples::example_uses(spec) {
        let problems = drata_openapi::validate(&spec.raw, &example.schema, &example.value);
        if !problems.is_empty() {
            out.push(format!(
                "example at {} does not match its schema:\n  - {}",
                example.location,
                problems.join("\n  - ")
            ));
            continue;
        }
        let Some(name) = example
            .schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
        else {
            continue;
        };
        match drata::types::schemas::roundtrip(name, example.value.clone()) {
            None => out.push(format!("example at {}: no generated type for schema `{name}`", example.location)),
            Some(Err(e)) => out.push(format!(
                "example at {} does not deserialize into `drata::types::{name}`: {e}",
                example.location
            )),
            Some(Ok(back)) if !keeps(&example.value, &back) => out.push(format!(
                "example at {} changes when it goes through `drata::types::{name}` and back (data would be lost):\n  before: {}\n  after:  {}",
                example.location, example.value, back
            )),
            Some(Ok(_)) => {}
        }
    }
    out
}

/// Whether `after` keeps everything of `before`: every field with its value,
/// every item (a field `after` adds, such as a default a type fills in, is
/// no loss).
fn keeps(before: &Value, after: &Value) -> bool {
    match (before, after) {
        (Value::Object(a), Value::Object(b)) => a.iter().all(|(k, v)| b.get(k).is_some_and(|w| keeps(v, w))),
        (Value::Array(a), Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(v, w)| keeps(v, w)),
        (a, b) => a == b,
    }
}

/// Every example of the spec and every documented sample, through the
/// strict OpenAPI 3.0.3 validator.
fn strict_problems(spec: &Spec, samples: &[samples::Sample]) -> Result<Vec<String>, String> {
    let mut items: Vec<strict::Item> = examples::example_uses(spec)
        .into_iter()
        .map(|e| strict::Item {
            name: format!("example at {}", e.location),
            schema: e.schema,
            value: e.value,
        })
        .collect();
    items.extend(samples.iter().map(|s| strict::Item {
        name: format!("sample {}/{}", samples::SAMPLES, s.file),
        schema: s.schema.clone(),
        value: s.value.clone(),
    }));
    strict::validate(&spec.raw, &items)
}

/// Documented samples that the generated type of their schema cannot read.
fn undecodable_samples(samples: &[samples::Sample]) -> Vec<String> {
    let mut out = Vec::new();
    for sample in samples {
        let Some(name) = sample
            .schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
        else {
            continue;
        };
        match drata::types::schemas::roundtrip(name, sample.value.clone()) {
            Some(Ok(_)) => {}
            Some(Err(e)) => out.push(format!(
                "sample {}/{} does not decode as `drata::types::{name}`: {e}",
                samples::SAMPLES,
                sample.file
            )),
            None => out.push(format!(
                "sample {}/{}: no generated type for `{name}`",
                samples::SAMPLES,
                sample.file
            )),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FIXTURES, GENERATED};

    /// A copy of the project's spec and committed files in a temp directory.
    fn copy_project() -> tempfile::TempDir {
        let root = crate::project_root();
        let dir = tempfile::tempdir().expect("temp dir");
        let tmp = dir.path();
        for file in [
            SPEC,
            GENERATED,
            crate::SPEC_V2,
            crate::GENERATED_V2,
            crate::features::MANIFEST,
            crate::docs::README,
            crate::docs::CLI_REFERENCE,
        ] {
            let to = tmp.join(file);
            std::fs::create_dir_all(to.parent().expect("parent")).expect("dir");
            std::fs::copy(root.join(file), &to).expect("copy");
        }
        std::fs::create_dir_all(tmp.join(FIXTURES)).expect("dir");
        for entry in std::fs::read_dir(root.join(FIXTURES)).expect("fixtures").flatten() {
            std::fs::copy(entry.path(), tmp.join(FIXTURES).join(entry.file_name())).expect("copy");
        }
        dir
    }

    #[test]
    fn current_files_are_not_stale() {
        let tmp = copy_project();
        assert_eq!(stale_files(tmp.path()), Vec::<String>::new());
    }

    #[test]
    fn a_spec_edit_without_regenerating_is_reported_with_what_to_run() {
        let tmp = copy_project();
        let spec_path = tmp.path().join(SPEC);
        let spec = std::fs::read_to_string(&spec_path).expect("spec");
        let edited =
            spec.replacen("description: External service username.", "description: The username.", 1);
        assert_ne!(spec, edited, "the edit applies");
        std::fs::write(&spec_path, edited).expect("write");

        let problems = stale_files(tmp.path());

        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("client/generated/drata.rs is stale"), "{}", problems[0]);
        assert!(problems[0].contains("run `cargo xtask generate`"));
        assert!(
            problems[0].contains("-        ///External service username.\n+        ///The username."),
            "{}",
            problems[0]
        );
    }
}
