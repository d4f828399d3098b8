//! `cargo xtask build-cost [FEATURES]...`: what a program that depends on
//! `drata` pays to build, beside a bare program with the same HTTP, TLS,
//! JSON and async stack (reqwest with rustls and aws-lc-rs, serde,
//! serde_json, tokio), measured in the same run on the same machine.
//!
//! Each crate is made outside the workspace and built clean, in release
//! mode, with a target directory of its own; the figure is the CPU time of
//! the whole build (user + system, every process cargo started), read from
//! `/proc/self/stat` once cargo has been waited for, and the size of the
//! stripped binary. FEATURES are the `drata` feature sets to build, each a
//! comma-separated list (default: `default`).

use std::path::Path;
use std::process::Command;

/// The bare program: one GET, its JSON decoded.
const BARE_MAIN: &str = r#"#[derive(serde::Deserialize, Debug)]
struct Page { total: i64 }

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).unwrap_or_else(|| "https://public-api.drata.com/public/connections".into());
    let page: Page = reqwest::Client::new().get(url).bearer_auth("key").send().await?.json().await?;
    println!("{page:?}");
    Ok(())
}
"#;

/// The consumer: the same call through `drata`, with each API version the
/// build has (v1's `list_connections`, v2's `list_vendors`), or, with
/// neither of those areas, the client made and its operations table read.
fn consumer_main(v1_call: bool, v2_call: bool) -> String {
    let mut calls = String::new();
    if v1_call {
        calls.push_str("    let page = client.list_connections().limit(2).send().await?;\n    println!(\"{}\", page.total);\n");
    }
    if v2_call {
        calls.push_str(
            "    let vendors = client.v2().list_vendors().size(2).send().await?;\n    println!(\"{}\", vendors.data.len());\n",
        );
    }
    if calls.is_empty() {
        calls.push_str(
            "    let first = drata::operations::ALL.first().map_or(\"none\", |op| op.id);\n    println!(\"{client:?}: {} operations, first {first}\", drata::operations::ALL.len());\n",
        );
    }
    format!(
        "#[tokio::main]\nasync fn main() -> Result<(), Box<dyn std::error::Error>> {{\n    let client = drata::Client::builder().api_key(\"key\").build()?;\n{calls}    Ok(())\n}}\n"
    )
}

/// One build's figures.
struct Cost {
    cpu_seconds: f64,
    binary_bytes: u64,
}

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let feature_sets: Vec<String> = if args.is_empty() { vec!["default".into()] } else { args.to_vec() };
    let dir = tempfile::tempdir().map_err(|e| format!("no temp dir: {e}"))?;
    let bare_manifest = "[dependencies]\n\
        reqwest = { version = \"0.13\", default-features = false, features = [\"json\", \"rustls\"] }\n\
        serde = { version = \"1\", features = [\"derive\"] }\nserde_json = \"1\"\n\
        tokio = { version = \"1\", features = [\"rt-multi-thread\", \"macros\"] }\n";
    let bare = build(root, &dir.path().join("bare"), bare_manifest, BARE_MAIN)?;
    println!(
        "bare reqwest + serde + tokio app: {:.0} s CPU, {:.1} MB stripped",
        bare.cpu_seconds,
        mb(bare.binary_bytes)
    );
    for features in &feature_sets {
        let (default, list) = if features == "default" {
            (true, String::new())
        } else {
            (false, features.split(',').map(|f| format!("\"{}\"", f.trim())).collect::<Vec<_>>().join(", "))
        };
        let manifest = format!(
            "[dependencies]\ndrata = {{ path = {:?}, default-features = {default}, features = [{list}] }}\n\
             tokio = {{ version = \"1\", features = [\"rt-multi-thread\", \"macros\"] }}\n",
            root.join("client")
        );
        let name = format!("consumer-{}", features.replace(',', "-"));
        let has = |names: &[&str]| features.split(',').any(|f| names.contains(&f.trim()));
        let main =
            consumer_main(has(&["default", "v1", "v1-connections"]), has(&["default", "v2", "v2-vendors"]));
        let cost = build(root, &dir.path().join(&name), &manifest, &main)?;
        println!(
            "drata ({features}) consumer: {:.0} s CPU ({:.2} x bare), {:.1} MB stripped",
            cost.cpu_seconds,
            cost.cpu_seconds / bare.cpu_seconds,
            mb(cost.binary_bytes)
        );
    }
    Ok(())
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

/// Makes the crate in `dir` and builds it clean in release mode.
fn build(root: &Path, dir: &Path, dependencies: &str, main: &str) -> Result<Cost, String> {
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    let manifest = format!(
        "[package]\nname = \"cost\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n{dependencies}\n\
         [profile.release]\nstrip = true\n\n[workspace]\n"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("src/main.rs"), main).map_err(|e| e.to_string())?;
    // The workspace's lock: the same versions of everything on both sides.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| e.to_string())?;
    let before = children_cpu_seconds()?;
    let mut cargo = Command::new(env!("CARGO"));
    cargo
        .args(["build", "--release", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env_remove("RUSTFLAGS");
    crate::status(cargo, "cargo build --release (a crate outside the workspace)")?;
    let cpu_seconds = children_cpu_seconds()? - before;
    let binary = dir.join("target/release/cost");
    let binary_bytes = std::fs::metadata(&binary).map_err(|e| format!("{}: {e}", binary.display()))?.len();
    Ok(Cost { cpu_seconds, binary_bytes })
}

/// The CPU time (user + system) of every child process waited for so far,
/// from `/proc/self/stat` (`cutime`, `cstime`, in the kernel's 100 ticks a
/// second).
fn children_cpu_seconds() -> Result<f64, String> {
    let stat = std::fs::read_to_string("/proc/self/stat")
        .map_err(|e| format!("cannot read /proc/self/stat: {e}"))?;
    // The fields after the command name, which is in parentheses.
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).ok_or("an unreadable /proc/self/stat")?;
    let fields: Vec<&str> = after.split_whitespace().collect();
    // cutime and cstime are fields 16 and 17 of the whole line (14 and 15 here).
    let ticks =
        |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).ok_or("an unreadable /proc/self/stat");
    Ok((ticks(13)? + ticks(14)?) / 100.0)
}
