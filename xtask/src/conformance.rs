//! `cargo xtask conformance [N] [v1|v2|all]`: schemathesis checks the fake
//! server against a spec (v1's at the API root, the default and what CI
//! runs; v2's at `/v2`).
//!
//! Every check runs on every operation but where `schemathesis.toml` says
//! otherwise, each time with the reason the check cannot hold there: rules
//! of Drata's beyond what OpenAPI states (the personnel imports), a list
//! of files that is empty is no part of a form at all (v1's manual
//! questionnaire; v2's risk documents and security questionnaires), a list
//! in a form is its parts (a single part is a list of one), a method a
//! path does not have is Drata's framework's 404, and v2's `targetId` of
//! up to 30000 characters can make a URI longer than an HTTP server
//! reads (414). A v2 cursor the server did not write is no refusal: the
//! schema takes any text, so the server answers it with an empty last
//! page, as v1's any page number is a page.

use std::path::Path;
use std::process::Command;

pub fn run(root: &Path, max_examples: u32, which: &str) -> Result<(), String> {
    let specs: Vec<(&str, &str)> = [(crate::SPEC, "", "v1"), (crate::SPEC_V2, "/v2", "v2")]
        .into_iter()
        .filter(|(_, _, version)| which == "all" || which == *version)
        .map(|(spec, root_path, _)| (spec, root_path))
        .collect();
    if specs.is_empty() {
        return Err(format!("`{which}`: conformance of v1, v2 or all"));
    }
    let server = crate::fake::start(root, &crate::target_dir(root), &["--server-rate-limit", "0"])?;
    // Each spec at its root: v1's at the API root, v2's at `/v2`.
    let mut failed = Vec::new();
    for (spec, root_path) in specs {
        let url = format!("{}{root_path}", server.base_url);
        println!(
            "fake server at {url}; running schemathesis on {spec} ({max_examples} examples per operation)"
        );
        let status = Command::new("schemathesis")
            .args(["--config-file", "schemathesis.toml", "run", spec])
            .args(["--url", &url])
            .args(["-H", &format!("Authorization: Bearer {}", crate::fake::KEY)])
            .args(["--max-examples", &max_examples.to_string(), "--seed", "1", "--workers", "1"])
            .env("SCHEMATHESIS_TELEMETRY", "false")
            .current_dir(root)
            .status()
            .map_err(|e| {
                format!("cannot run schemathesis (install it with `pip install schemathesis`): {e}")
            })?;
        if !status.success() {
            failed.push(spec);
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("schemathesis found failures of the fake server against {}", failed.join(" and ")))
    }
}
