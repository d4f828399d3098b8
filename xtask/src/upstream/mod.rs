//! `cargo xtask upstream …`: Drata's own OpenAPI document beside ours.
//!
//! - `snapshot FILE` — writes the facts of Drata's document FILE (its
//!   structure: paths, operations, parameters, schemas, enums, statuses,
//!   permissions; no descriptions, summaries or examples) to the committed
//!   snapshot of its version, `openapi/upstream/v1.json` (`v2.json` for
//!   Drata's v2 document, the baseline of v2's spec). Refreshing is this,
//!   then `diff`: the snapshot's own diff in git shows what Drata changed.
//! - `diff [FILE]` — every structural difference between Drata's document
//!   (FILE, or each committed snapshot) and our spec of the same version
//!   (`openapi/drata.yaml`, `openapi/drata-v2.yaml`) that no departure
//!   explains; exits 1 when there is one. `.ci/run` runs it on the snapshots.
//! - `import ID[=NAME]... [--from FILE]` — writes Drata's operations (by
//!   Drata's operation id; `=NAME` names ours) from FILE (default: the v1
//!   snapshot) into our spec of its version, in its normalized form, with
//!   every schema they need, for review.
//! - `tour [FILE]` — calls every operation of Drata's document (FILE, or
//!   each snapshot) with `drata op` (`drata v2` for v2's), by Drata's names, against a fake Drata
//!   built from that document alone (`tour.py`): what Drata documents, our
//!   command line sends and reads. `.ci/run` runs it on the snapshot.
//!
//! Modules: `facts` (the snapshot), `compare` (the diff), `import` (the
//! import and its normalization rules); `tour.py` (the tour's server and
//! calls, in Python beside the strict validator, whose packages it uses).

mod compare;
mod facts;
mod import;

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The committed facts of Drata's v1 document (what `import` and `tour`
/// read unless given a FILE).
pub(crate) const SNAPSHOT: &str = "openapi/upstream/v1.json";

/// The API versions whose documents the project follows: each with its
/// committed snapshot of Drata's document and our spec.
const VERSIONS: &[(&str, &str)] = &[("v1", crate::SPEC), ("v2", crate::SPEC_V2)];

/// The API version of a Drata document, by the version it gives itself
/// (`info.version`: `V1`, `V2`).
fn version_of(document: &serde_json::Value) -> Result<String, String> {
    let version = document.pointer("/info/version").and_then(serde_json::Value::as_str).unwrap_or("");
    let version = version.to_ascii_lowercase();
    match version.strip_prefix('v') {
        Some(number) if !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()) => Ok(version),
        _ => Err(format!(
            "the document's `info.version` is `{version}`, not an API version (`V1`, `V2`): which API it describes cannot be told"
        )),
    }
}

/// Where the facts of a Drata document are kept: `openapi/upstream/v1.json`
/// for its v1 document, `v2.json` for v2.
fn snapshot_of(document: &serde_json::Value) -> Result<String, String> {
    Ok(format!("openapi/upstream/{}.json", version_of(document)?))
}

/// Our spec of the API a Drata document describes.
fn spec_of(document: &serde_json::Value) -> Result<&'static str, String> {
    let version = version_of(document)?;
    VERSIONS
        .iter()
        .find(|(v, _)| *v == version)
        .map(|(_, spec)| *spec)
        .ok_or_else(|| format!("the project has no spec of Drata's {version} API"))
}

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("snapshot") => {
            let file = args.get(1).ok_or("usage: cargo xtask upstream snapshot FILE")?;
            let drata = read_json(Path::new(file))?;
            let facts = facts::of(&drata);
            let text = serde_json::to_string_pretty(&facts).map_err(|e| e.to_string())? + "\n";
            let snapshot = snapshot_of(&drata)?;
            let path = root.join(&snapshot);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
            }
            std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            println!("wrote {snapshot} ({} operations)", compare::operations(&facts).len());
            Ok(())
        }
        Some("diff") => {
            let documents: Vec<PathBuf> = match args.get(1) {
                Some(file) => vec![PathBuf::from(file)],
                None => VERSIONS.iter().map(|(v, _)| root.join(format!("openapi/upstream/{v}.json"))).collect(),
            };
            let mut unexplained = 0;
            for document in &documents {
                let drata = read_json(document)?;
                let spec = spec_of(&drata)?;
                let differences = compare::differences(&drata, &ours(root, spec)?);
                for difference in &differences {
                    println!("{spec}: {difference}");
                }
                if differences.is_empty() {
                    println!(
                        "ok: every operation of {} is in {spec}, and every difference is a departure with its evidence",
                        document.display()
                    );
                }
                unexplained += differences.len();
            }
            if unexplained == 0 {
                Ok(())
            } else {
                Err(format!("{unexplained} difference(s) that no departure explains"))
            }
        }
        Some("import") => {
            let mut from = root.join(SNAPSHOT);
            let mut ids = Vec::new();
            let mut rest = args[1..].iter();
            while let Some(arg) = rest.next() {
                match arg.as_str() {
                    "--from" => from = PathBuf::from(rest.next().ok_or("--from takes a FILE")?),
                    id => ids.push(id.to_string()),
                }
            }
            if ids.is_empty() {
                return Err("usage: cargo xtask upstream import ID[=NAME]... [--from FILE]".into());
            }
            import::run(root, &read_json(&from)?, &ids)
        }
        Some("tour") => {
            let documents: Vec<PathBuf> = match args.get(1) {
                Some(file) => vec![PathBuf::from(file)],
                None => VERSIONS.iter().map(|(v, _)| root.join(format!("openapi/upstream/{v}.json"))).collect(),
            };
            documents.iter().try_for_each(|document| tour(root, document))
        }
        _ => Err(
            "usage: cargo xtask upstream snapshot FILE | diff [FILE] | import ID[=NAME]... [--from FILE] | tour [FILE]"
                .into(),
        ),
    }
}

/// `tour`: builds `drata`, then runs `tour.py` on `document` with it.
fn tour(root: &Path, document: &Path) -> Result<(), String> {
    crate::cargo(root, &["build", "--quiet", "-p", "drata-cli", "--bin", "drata"], &[], &[])?;
    let drata = crate::target_dir(root).join("debug").join("drata");
    let mut python = std::process::Command::new("python3");
    python.args(["-c", include_str!("tour.py")]).arg(document).arg(drata).current_dir(root);
    crate::status(python, "python3 tour.py (the tour of Drata's document)")
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = crate::read(path)?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))
}

/// Follows a local `$ref` in `document`, if any.
fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
        Some(pointer) => document.pointer(pointer).unwrap_or(value),
        None => value,
    }
}

/// An operation's parameters, each `$ref` followed.
fn parameters_of<'a>(document: &'a Value, operation: &'a Value) -> impl Iterator<Item = &'a Value> {
    operation
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(move |p| resolve(document, p))
}

/// Our spec `spec`, as JSON.
fn ours(root: &Path, spec: &str) -> Result<Value, String> {
    let text = crate::read(&root.join(spec))?;
    serde_yaml::from_str(&text).map_err(|e| format!("{spec} does not parse: {e}"))
}

#[cfg(test)]
mod snapshot_tests {
    use serde_json::json;

    #[test]
    fn a_document_is_filed_by_the_version_it_gives_itself() {
        let of = |version: &str| super::snapshot_of(&json!({"info": {"version": version}}));
        assert_eq!(of("V1").as_deref(), Ok("openapi/upstream/v1.json"));
        assert_eq!(of("V2").as_deref(), Ok("openapi/upstream/v2.json"));
        for odd in ["1.0", "v", "V2-beta", ""] {
            let err = of(odd).expect_err(odd);
            assert!(err.contains("not an API version"), "{err}");
        }
    }
}
