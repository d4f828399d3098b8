//! `drata-bench` (run it with `cargo xtask bench [--json] [--with-build] [--only GROUP]`):
//! what the client costs and how it holds up, measured side by side in one run.
//!
//! The machines this runs on are shared and noisy, so every comparison is a
//! ratio of two things measured in the same round, rounds alternate which
//! side goes first, and the figure is the median over rounds. The measured
//! client runs on one runtime worker and each loopback server on a thread of
//! its own, so on two cores each has one.
//!
//! - `overhead_ratio_c1` / `_c32`: time of `client.list_connections().send()`
//!   over time of a minimal `reqwest` + `serde_json` call doing the same
//!   request into the same type, against the same loopback server, one at a
//!   time and 32 at a time. 1.00 means the client costs nothing extra.
//! - `decode_speedup_vs_value`: time to parse into `serde_json::Value` over
//!   time to parse into the generated types (the lower of two payloads).
//! - `upload_csv_peak_rss_mb`: peak RSS of a child process uploading a 200 MB
//!   CSV through the multipart method (the file is streamed, not loaded).
//! - `bulk_429_count`, `bulk_efficiency`: 2,000 calls through the client's
//!   limiter at 50/s against a server enforcing 50/s; efficiency is the ideal
//!   time over the actual one.
//! - `generate_ms`: the generator's time on the spec.

mod measure;
mod servers;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start tokio: {e}");
            return ExitCode::FAILURE;
        }
    };
    if args.first().map(String::as_str) == Some(measure::CHILD_COMMAND) {
        return match runtime.block_on(measure::upload_child(&args[1..])) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("upload child failed: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let json = args.iter().any(|a| a == "--json");
    let with_build = args.iter().any(|a| a == "--with-build");
    let only = args.iter().position(|a| a == "--only").and_then(|i| args.get(i + 1)).map(String::as_str);
    match runtime.block_on(measure::all(with_build, only)) {
        Ok(report) => {
            if json {
                println!("{}", serde_json::Value::Object(report.to_json()));
            } else {
                report.print_table();
            }
            if report.all_met() { ExitCode::SUCCESS } else { ExitCode::from(1) }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
