//! `cargo xtask upstream …`: Drata's own OpenAPI document beside ours.
//!
//! - `snapshot FILE` — writes the facts of Drata's document FILE (its
//!   structure: paths, operations, parameters, schemas, enums, statuses,
//!   permissions; no descriptions, summaries or examples) to the committed
//!   snapshot of its version, `openapi/upstream/v1.json` (`v2.json` for
//!   Drata's v2 document, the baseline of v2's spec). Refreshing is this,
//!   then `diff`: the snapshot's own diff in git shows what Drata changed.
//! - `diff [FILE]` — every structural difference between Drata's document
//!   (FILE, or the snapshot) and our spec that no departure explains; exits
//!   1 when there is one. `.ci/run` runs it on the snapshot.
//! - `import ID[=NAME]... [--from FILE]` — writes Drata's operations (by
//!   Drata's operation id; `=NAME` names ours) into our spec in its
//!   normalized form, with every schema they need, for review.
//! - `tour [FILE]` — calls every operation of Drata's document (FILE, or
//!   the snapshot) with `drata op`, by Drata's names, against a fake Drata
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

/// The committed facts of Drata's v1 document.
pub(crate) const SNAPSHOT: &str = "openapi/upstream/v1.json";

/// Where the facts of a Drata document are kept: `openapi/upstream/v1.json`
/// for its v1 document, `v2.json` for v2, by the version the document gives
/// itself (`info.version`: `V1`, `V2`).
fn snapshot_of(document: &serde_json::Value) -> Result<String, String> {
    let version = document.pointer("/info/version").and_then(serde_json::Value::as_str).unwrap_or("");
    let version = version.to_ascii_lowercase();
    match version.strip_prefix('v') {
        Some(number) if !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()) => {
            Ok(format!("openapi/upstream/{version}.json"))
        }
        _ => Err(format!(
            "the document's `info.version` is `{version}`, not an API version (`V1`, `V2`): which snapshot it is cannot be told"
        )),
    }
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
            let drata = read_json(&args.get(1).map_or_else(|| root.join(SNAPSHOT), PathBuf::from))?;
            let ours = ours(root)?;
            let differences = compare::differences(&drata, &ours);
            for difference in &differences {
                println!("{difference}");
            }
            if differences.is_empty() {
                println!(
                    "ok: every operation of Drata's document is in the spec, and every difference is a departure with its evidence"
                );
                Ok(())
            } else {
                Err(format!("{} difference(s) that no departure explains", differences.len()))
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
            let document = args.get(1).map_or_else(|| root.join(SNAPSHOT), PathBuf::from);
            tour(root, &document)
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

/// Our spec, as JSON.
fn ours(root: &Path) -> Result<Value, String> {
    let text = crate::read(&root.join(crate::SPEC))?;
    serde_yaml::from_str(&text).map_err(|e| format!("{} does not parse: {e}", crate::SPEC))
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
