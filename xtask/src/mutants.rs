//! `cargo xtask mutants [PATHS] [-- ARGS]`: mutation testing of the
//! hand-written runtime with cargo-mutants (installed on first use, at a
//! pinned version); ARGS go to cargo-mutants (`-- --in-place` mutates and
//! builds in this tree, sharing its target directory: leave the tree alone
//! while it runs).
//!
//! Each path is a file or folder of `client/src` (crate `drata`) or
//! `generator/src` (crate `drata-generator`, whose passes shape the
//! generated client); default: both. In two rounds (see [`Round`]): every
//! mutant against the mutated crate's own tests, then what they did not
//! catch against every package that exercises it: the client's own tests
//! and the contract, runtime, fault, fuzz, sample and security suites (see
//! `TEST_PACKAGES` for why not the CLI's and the fake server's). The
//! summary gives caught, missed, unviable and timed-out mutants per file,
//! then every missed one.
//!
//! Mutants that cannot change behaviour are listed in `.cargo/mutants.toml`
//! (`exclude_re`), each with the reason it is equivalent.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// The cargo-mutants version the project's configuration is written for.
const VERSION: &str = "27.1.0";

/// The packages whose tests run for every mutant: the client's own and the
/// contract, runtime, fault, fuzz, sample and security suites. The fake
/// server's and the CLI's end-to-end tests are left out: each mutant would
/// relink two more binaries and their suites (three times the time on two
/// cores), and what they exercise of the client goes through the calls
/// these suites test directly; a mutant only they would catch is a test
/// missing here.
const TEST_PACKAGES: &[&str] = &["drata", "drata-tests"];

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    ensure_installed()?;
    // `cargo xtask mutants [PATHS] [-- CARGO-MUTANTS ARGS]`, e.g. `-- --in-place`.
    let (paths, extra) = match args.iter().position(|a| a == "--") {
        Some(at) => (&args[..at], &args[at + 1..]),
        None => (args, &[][..]),
    };
    let paths: Vec<String> =
        if paths.is_empty() { vec!["client/src".into(), "generator/src".into()] } else { paths.to_vec() };
    let mut packages = Vec::new();
    let mut files = Vec::new();
    for path in &paths {
        let path = path.trim_end_matches('/');
        let package = if path.starts_with("client/src") {
            "drata"
        } else if path.starts_with("generator/src") {
            "drata-generator"
        } else {
            return Err(format!("`{path}` is not under client/src or generator/src"));
        };
        if !packages.contains(&package) {
            packages.push(package);
        }
        let glob = if root.join(path).is_dir() { format!("{path}/**/*.rs") } else { path.to_string() };
        files.push(glob);
    }
    let test_packages = |round: Round| -> Vec<&str> {
        match round {
            Round::Own => packages.clone(),
            Round::Every => TEST_PACKAGES
                .iter()
                .copied()
                .chain(packages.iter().copied().filter(|p| *p == "drata-generator"))
                .collect(),
        }
    };
    let mutants = |round: Round| {
        let mut command = Command::new(env!("CARGO"));
        command.current_dir(root).args([
            "mutants",
            "--no-shuffle",
            "--colors",
            "never",
            "--minimum-test-timeout",
            "120",
        ]);
        // nextest runs the suites' tests side by side: most of their time is
        // waiting on sockets and timers, so a mutant's tests take seconds, not
        // the sum of every suite (doctests are left out; they are examples).
        if nextest_installed() {
            command.args(["--test-tool", "nextest"]);
        }
        for package in &packages {
            command.args(["--package", package]);
        }
        for package in test_packages(round) {
            command.args(["--test-package", package]);
        }
        for file in &files {
            command.args(["--file", file]);
        }
        // Test targets only: the client's examples are built by `cargo test`
        // but test nothing, and each mutant would rebuild and relink them.
        command.arg("--cargo-arg=--tests");
        if round == Round::Every {
            command.arg("--iterate");
        }
        command.args(extra);
        command.status().map_err(|e| format!("cannot run cargo mutants: {e}"))
    };
    println!("round 1: every mutant against the mutated crates' own tests");
    // cargo-mutants exits non-zero when a mutant is missed: the summary below says which.
    let first = mutants(Round::Own)?;
    let own = root.join("mutants.out/outcomes.json");
    let (status, outcomes) = if first.success() {
        (first, vec![own])
    } else {
        println!("round 2: what round 1 did not catch, against every test package");
        // `--iterate` skips what round 1 caught or found unviable, and moves
        // round 1's results to mutants.out.old.
        let second = mutants(Round::Every)?;
        (second, vec![root.join("mutants.out.old/outcomes.json"), own])
    };
    let summary = summarize(&outcomes)?;
    println!("{summary}");
    if status.success() { Ok(()) } else { Err(format!("cargo mutants: {status}; see mutants.out/")) }
}

/// The two rounds of a run. Round 1 builds only the mutated crate and runs
/// its own unit tests: a build there is the client twice, against the
/// client, the fake server and every suite in round 2, and the pure parts
/// (personnel checks, timestamps, the limiter) are caught there. Round 2
/// runs every test package over what round 1 did not catch, so a mutant
/// counts as missed only when no test notices it.
#[derive(Clone, Copy, PartialEq)]
enum Round {
    Own,
    Every,
}

fn nextest_installed() -> bool {
    Command::new(env!("CARGO")).args(["nextest", "--version"]).output().is_ok_and(|o| o.status.success())
}

fn ensure_installed() -> Result<(), String> {
    let installed = Command::new(env!("CARGO"))
        .args(["mutants", "--version"])
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains(VERSION));
    if installed {
        return Ok(());
    }
    println!("installing cargo-mutants {VERSION} (once)");
    let status = Command::new(env!("CARGO"))
        .args(["install", "cargo-mutants", "--locked", "--version", VERSION])
        .status()
        .map_err(|e| format!("cannot run cargo install: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("cargo install cargo-mutants failed: {status}")) }
}

/// Caught, missed, unviable and timed-out mutants per file, and each missed
/// one, from the rounds' reports: a mutant's last outcome counts.
fn summarize(reports: &[std::path::PathBuf]) -> Result<String, String> {
    let mut last: BTreeMap<String, Value> = BTreeMap::new();
    for path in reports {
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let report: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        for outcome in report["outcomes"].as_array().into_iter().flatten() {
            if let Some(mutant) = outcome.pointer("/scenario/Mutant") {
                last.insert(mutant.to_string(), outcome.clone());
            }
        }
    }
    let mut by_file: BTreeMap<String, [u32; 4]> = BTreeMap::new();
    let mut missed = Vec::new();
    for outcome in last.values() {
        let Some(mutant) = outcome.pointer("/scenario/Mutant") else { continue };
        let file = mutant["file"].as_str().unwrap_or("?").to_string();
        let column = match outcome["summary"].as_str().unwrap_or("") {
            "CaughtMutant" => 0,
            "MissedMutant" => 1,
            "Unviable" => 2,
            "Timeout" => 3,
            _ => continue,
        };
        if let Some(counts) = by_file.get_mut(&file) {
            counts[column] += 1;
        } else {
            let mut counts = [0; 4];
            counts[column] = 1;
            by_file.insert(file.clone(), counts);
        }
        if column == 1 {
            let line = mutant.pointer("/span/start/line").and_then(Value::as_u64).unwrap_or(0);
            let name = mutant["name"].as_str().unwrap_or("?");
            missed.push(format!("  {file}:{line}: {name}"));
        }
    }
    let mut out =
        format!("{:<44} {:>7} {:>7} {:>9} {:>8}\n", "file", "caught", "missed", "unviable", "timeout");
    let mut total = [0; 4];
    for (file, counts) in &by_file {
        out.push_str(&format!(
            "{file:<44} {:>7} {:>7} {:>9} {:>8}\n",
            counts[0], counts[1], counts[2], counts[3]
        ));
        for (sum, n) in total.iter_mut().zip(counts) {
            *sum += n;
        }
    }
    out.push_str(&format!("{:<44} {:>7} {:>7} {:>9} {:>8}\n", "all", total[0], total[1], total[2], total[3]));
    if !missed.is_empty() {
        out.push_str("\nmissed (a test should notice, or .cargo/mutants.toml should say why it cannot):\n");
        out.push_str(&missed.join("\n"));
    }
    Ok(out)
}
