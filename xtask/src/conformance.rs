//! `cargo xtask conformance`: schemathesis checks the fake server against the spec.

use std::path::Path;
use std::process::Command;

pub fn run(root: &Path, max_examples: u32) -> Result<(), String> {
    let server = crate::fake::start(root, &crate::target_dir(root), &["--rate-limit", "0"])?;
    println!(
        "fake server at {}; running schemathesis ({max_examples} examples per operation)",
        server.base_url
    );
    let status = Command::new("schemathesis")
        .args(["--config-file", "schemathesis.toml", "run", "openapi/drata.yaml"])
        .args(["--url", &server.base_url])
        .args(["-H", &format!("Authorization: Bearer {}", crate::fake::KEY)])
        .args(["--max-examples", &max_examples.to_string(), "--seed", "1", "--workers", "1"])
        .env("SCHEMATHESIS_TELEMETRY", "false")
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run schemathesis (install it with `pip install schemathesis`): {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("schemathesis found failures of the fake server against the spec".into())
    }
}
