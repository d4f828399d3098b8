//! `drata-mock`: runs the fake Drata server until Ctrl-C.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

/// A stateful fake Drata server that follows the project's OpenAPI document.
#[derive(Debug, Parser)]
#[command(name = "drata-mock", version, about)]
struct Args {
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// An accepted API key (repeatable) [env: DRATA_API_KEY; default: mock-api-key].
    #[arg(long = "api-key", value_name = "KEY", env = "DRATA_API_KEY", hide_env = true, value_delimiter = None)]
    api_keys: Vec<String>,
    /// Requests per minute before 429 (0: no limit).
    #[arg(long, default_value_t = 500)]
    rate_limit: u32,
    /// Milliseconds added before every answer.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Share (0 to 1) of requests answered 500/502/503.
    #[arg(long, default_value_t = 0.0)]
    error_rate: f64,
    /// Share (0 to 1) of connections closed without an answer.
    #[arg(long, default_value_t = 0.0)]
    drop_rate: f64,
    /// Seed of the fault injection.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let mut config = drata_mock::MockConfig::default()
        .rate_limit_per_minute(Some(args.rate_limit))
        .latency(Duration::from_millis(args.latency_ms))
        .error_rate(args.error_rate)
        .drop_rate(args.drop_rate)
        .seed(args.seed);
    let keys: Vec<String> = args.api_keys.into_iter().filter(|k| !k.trim().is_empty()).collect();
    let key_note = if keys.is_empty() {
        format!("the API key `{}`", drata_mock::DEFAULT_API_KEY)
    } else {
        config = config.api_keys(keys);
        "the API key(s) of --api-key or DRATA_API_KEY (not shown)".to_string()
    };
    let server = match drata_mock::MockServer::start_on(config, args.port).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("error: cannot listen on 127.0.0.1:{}: {e}", args.port);
            return ExitCode::from(2);
        }
    };
    println!("{}", server.base_url());
    eprintln!("fake Drata listening; it accepts {key_note}. Ctrl-C stops it.");
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("error: cannot wait for Ctrl-C: {e}");
    }
    server.shutdown().await;
    ExitCode::SUCCESS
}
