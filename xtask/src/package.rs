//! `cargo xtask package`: the three publishable crates packaged and
//! verified (`cargo package`, which builds each from its packaged files
//! alone), then used the way another project would: a crate outside the
//! workspace depends on the packaged `drata` and runs against the fake
//! server.

use std::path::Path;
use std::process::Command;

/// The publishable crates, in dependency order.
const CRATES: &[&str] = &["drata-openapi", "drata-generator", "drata"];

/// The outside crate's program: list the connections, as a user's first
/// call would.
const OUTSIDE_MAIN: &str = r#"#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The key and the API root from DRATA_API_KEY and the command line.
    let base_url = std::env::args().nth(1).ok_or("usage: outside BASE_URL")?;
    let client = drata::Client::builder().base_url(base_url).build()?;
    let page = client.list_connections().limit(2).send().await?;
    println!("status {} total {} first {}", page.status(), page.total, page.data.len());
    Ok(())
}
"#;

/// `extra`: arguments for `cargo package` (`--allow-dirty` while working).
pub fn run(root: &Path, extra: &[String]) -> Result<(), String> {
    let target = crate::target_dir(root);
    forget_packaged_builds(&target)?;
    let mut package = Command::new(env!("CARGO"));
    package.arg("package").arg("--locked").args(extra).current_dir(root);
    for name in CRATES {
        package.args(["-p", name]);
    }
    crate::status(package, "cargo package")?;

    let packaged = target.join("package");
    let dir = tempfile::tempdir().map_err(|e| format!("no temp dir: {e}"))?;
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(outside.join("src")).map_err(|e| e.to_string())?;
    let version = env!("CARGO_PKG_VERSION");
    let patches: String = CRATES
        .iter()
        .map(|name| format!("{name} = {{ path = {:?} }}\n", packaged.join(format!("{name}-{version}"))))
        .collect();
    let manifest = format!(
        "[package]\nname = \"outside\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\ndrata = \"{version}\"\ntokio = {{ version = \"1\", features = [\"rt-multi-thread\", \"macros\"] }}\n\n\
         # The crates as packaged, not as in the workspace.\n[patch.crates-io]\n{patches}\n[workspace]\n"
    );
    std::fs::write(outside.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::write(outside.join("src/main.rs"), OUTSIDE_MAIN).map_err(|e| e.to_string())?;
    // The workspace's lock pins the same versions of everything else.
    std::fs::copy(root.join("Cargo.lock"), outside.join("Cargo.lock")).map_err(|e| e.to_string())?;

    let server = crate::fake::start(root, &target, &[])?;
    let mut build = Command::new(env!("CARGO"));
    build
        .args(["run", "--quiet", "--manifest-path"])
        .arg(outside.join("Cargo.toml"))
        .arg("--")
        .arg(&server.base_url)
        // The workspace's target directory: its compiled dependencies are reused.
        .env("CARGO_TARGET_DIR", target.join("outside"))
        .env("DRATA_API_KEY", crate::fake::KEY);
    let output = build.output().map_err(|e| format!("cannot run cargo: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() || !stdout.starts_with("status 200 total ") {
        return Err(format!(
            "the crate outside the workspace did not run against the fake server ({}):\n{stdout}{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    println!(
        "ok: {} packaged and verified; a crate outside the workspace built on the packaged drata: {}",
        CRATES.join(", "),
        stdout.trim()
    );
    Ok(())
}

/// Cargo verifies each crate against the others as a registry would serve
/// them, and takes a registry crate of a given version as never changing:
/// its sources, unpacked once into cargo's home by an earlier run, and its
/// build in the target directory would be reused even after the crate
/// changed. Forgetting both for our publishable crates makes cargo unpack
/// and build them again from what was just packaged; everything else is
/// reused. (A fresh machine has neither.)
fn forget_packaged_builds(target: &Path) -> Result<(), String> {
    let ours = |name: &str| name.rsplit_once('-').is_some_and(|(package, _)| CRATES.contains(&package));
    let mut stale = Vec::new();
    for entry in std::fs::read_dir(target.join("debug/.fingerprint")).into_iter().flatten().flatten() {
        if entry.file_name().to_str().is_some_and(ours) {
            stale.push(entry.path());
        }
    }
    // The local registries `cargo package` makes have no host in their name.
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")));
    let sources = home.map(|h| h.join("registry/src"));
    for registry in sources.iter().flat_map(std::fs::read_dir).flatten().flatten() {
        if !registry.file_name().to_str().is_some_and(|n| n.starts_with('-')) {
            continue;
        }
        for entry in std::fs::read_dir(registry.path()).into_iter().flatten().flatten() {
            if entry.file_name().to_str().is_some_and(ours) {
                stale.push(entry.path());
            }
        }
    }
    for path in stale {
        std::fs::remove_dir_all(&path).map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
    }
    Ok(())
}
