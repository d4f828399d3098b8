//! `drata-mock`: runs the fake Drata server until Ctrl-C (the same server
//! and options as `drata mock`).

use std::process::ExitCode;

use clap::Parser;

/// A stateful fake Drata server that follows the project's OpenAPI document.
#[derive(Debug, Parser)]
#[command(name = "drata-mock", version, about)]
struct Args {
    /// An accepted API key (repeatable) [env: DRATA_API_KEY; default: mock-api-key].
    #[arg(long = "api-key", value_name = "KEY", env = "DRATA_API_KEY", hide_env = true, value_delimiter = None)]
    api_keys: Vec<String>,
    #[command(flatten)]
    serve: drata_mock::ServeArgs,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let started = match drata_mock::start(&args.serve, &args.api_keys, "--api-key or DRATA_API_KEY").await {
        Ok(started) => started,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    println!("{}", started.server.base_url());
    eprintln!("{}", started.banner);
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("error: cannot wait for Ctrl-C: {e}");
    }
    started.server.shutdown().await;
    ExitCode::SUCCESS
}
