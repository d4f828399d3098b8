//! `cargo xtask conformance`: schemathesis checks the fake server against
//! each spec (v1's at the API root, v2's at `/v2`).

use std::path::Path;
use std::process::Command;

pub fn run(root: &Path, max_examples: u32) -> Result<(), String> {
    let server = crate::fake::start(root, &crate::target_dir(root), &["--rate-limit", "0"])?;
    // Each spec at its root: v1's at the API root, v2's at `/v2`.
    let mut failed = Vec::new();
    for (spec, root_path) in [(crate::SPEC, ""), (crate::SPEC_V2, "/v2")] {
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
