//! `cargo xtask add-operation`: proves that a spec change reaches
//! everything. In a copy of the workspace, one operation is added to the
//! spec (a GET with a query parameter whose answer is an existing schema,
//! with an example), `cargo xtask generate` is run, and nothing else is
//! edited; then the new operation is called through the client (its
//! generated contract test) and through `drata op` against the fake
//! server, and the docs list it.

use std::path::Path;
use std::process::Command;

/// The operation added to the spec, under `paths:`.
const ADDED: &str = r##"  /proof/connections:
    get:
      operationId: listProofConnections
      x-drata-operation-id: Proof_listConnections
      x-drata-permission: "Connections: List Connections"
      tags: [Connections]
      summary: List connections, added to prove that the spec drives everything
      description: Added to a copy of the spec by `cargo xtask add-operation`; not a Drata operation.
      parameters:
        - name: limit
          in: query
          description: How many items.
          schema: { type: integer, format: int64, minimum: 1, maximum: 50 }
          example: 3
      responses:
        "200":
          description: One page of connections.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/ConnectionsPage" }
              examples:
                documented: { $ref: "#/components/examples/ConnectionsPage" }
        "401": { $ref: "#/components/responses/Unauthorized" }
"##;

pub fn run(root: &Path) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| format!("no temp dir: {e}"))?;
    let copy = dir.path().join("workspace");
    copy_tracked_files(root, &copy)?;
    let spec_path = copy.join(crate::SPEC);
    let spec = crate::read(&spec_path)?;
    let at = spec.find("\npaths:\n").ok_or("the spec has no `paths:`")? + "\npaths:\n".len();
    std::fs::write(&spec_path, format!("{}{ADDED}{}", &spec[..at], &spec[at..]))
        .map_err(|e| e.to_string())?;

    // The copy builds in a target directory of its own under ours: its
    // crates live at other paths, and its binaries must not replace ours.
    let target = crate::target_dir(root).join("add-operation");
    let cargo = |args: &[&str]| {
        let mut command = Command::new(env!("CARGO"));
        command.args(args).current_dir(&copy).env("CARGO_TARGET_DIR", &target);
        command
    };
    crate::status(cargo(&["xtask", "generate"]), "cargo xtask generate (in the copy)")?;
    crate::status(cargo(&["xtask", "check"]), "cargo xtask check (in the copy)")?;
    crate::status(
        cargo(&[
            "test",
            "--quiet",
            "-p",
            "drata-tests",
            "--test",
            "suites",
            "spec_contracts::list_proof_connections",
        ]),
        "the new operation's contract test (in the copy)",
    )?;
    for (file, expected) in [
        ("client/generated/drata.rs", "pub fn list_proof_connections("),
        ("README.md", "`drata op list-proof-connections`"),
        ("docs/cli.md", "## `drata op list-proof-connections`"),
    ] {
        if !crate::read(&copy.join(file))?.contains(expected) {
            return Err(format!("{file} does not have `{expected}` after `cargo xtask generate`"));
        }
    }
    crate::status(
        cargo(&["build", "--quiet", "-p", "drata-cli", "-p", "drata-mock"]),
        "cargo build (in the copy)",
    )?;
    let server = crate::fake::start(&copy, &target, &[])?;
    let output = Command::new(target.join("debug").join("drata"))
        .args(["--base-url", &server.base_url, "--api-key", crate::fake::KEY])
        .args(["--output", "json", "op", "list-proof-connections", "--limit", "3"])
        .output()
        .map_err(|e| format!("cannot run drata: {e}"))?;
    let answer: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_default();
    if !output.status.success() || !answer["data"].is_array() {
        return Err(format!(
            "`drata op list-proof-connections` against the fake server failed ({}): {}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    println!(
        "ok: an operation added to the spec alone has a client method, a contract test, a `drata op` command, \
         the fake server's answer ({} items) and its line in the README and the CLI reference",
        answer["data"].as_array().map_or(0, Vec::len)
    );
    Ok(())
}

/// Copies the files git tracks or would (not ignored), as they are in the
/// working tree.
fn copy_tracked_files(root: &Path, to: &Path) -> Result<(), String> {
    let listed = Command::new("git")
        .args(["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !listed.status.success() {
        return Err("`git ls-files` failed: the workspace must be a git checkout".into());
    }
    for name in listed.stdout.split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let name = String::from_utf8_lossy(name);
        let (from, into) = (root.join(name.as_ref()), to.join(name.as_ref()));
        if !from.is_file() {
            continue;
        }
        if let Some(parent) = into.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::copy(&from, &into).map_err(|e| format!("cannot copy {name}: {e}"))?;
    }
    Ok(())
}
