//! The one front end of the fake server, behind `drata-mock` and `drata
//! mock`: the options both take ([`ServeArgs`], a clap `Args` each flattens
//! into its command line) and the start that both print the same way
//! ([`start`]).

use std::time::Duration;

use crate::{DEFAULT_API_KEY, MockConfig, MockServer};

/// How the fake server serves: its port, rate limit and faults.
///
/// ```
/// use clap::Parser;
/// #[derive(Parser)]
/// struct Cli {
///     #[command(flatten)]
///     serve: drata_mock::ServeArgs,
/// }
/// let cli = Cli::parse_from(["x", "--port", "0", "--error-rate", "0.1"]);
/// assert_eq!((cli.serve.port, cli.serve.error_rate), (0, 0.1));
/// ```
#[derive(Debug, Clone, PartialEq, clap::Args)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Requests in any minute before the server answers 429 (0: no limit).
    /// Named apart from the client's own `--rate-limit`, a global option.
    #[arg(long, default_value_t = 500)]
    pub server_rate_limit: u32,
    /// Milliseconds added before every answer.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Share (0 to 1) of requests answered 500/502/503.
    #[arg(long, default_value_t = 0.0)]
    pub error_rate: f64,
    /// Share (0 to 1) of connections closed without an answer.
    #[arg(long, default_value_t = 0.0)]
    pub drop_rate: f64,
    /// Seed of the fault injection (the same seed, the same faults).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

impl ServeArgs {
    /// The server's configuration, accepting `keys` (blank ones ignored;
    /// none: [`DEFAULT_API_KEY`]).
    pub fn config<S: AsRef<str>>(&self, keys: &[S]) -> MockConfig {
        let config = MockConfig::default()
            .rate_limit_per_minute(Some(self.server_rate_limit))
            .latency(Duration::from_millis(self.latency_ms))
            .error_rate(self.error_rate)
            .drop_rate(self.drop_rate)
            .seed(self.seed);
        let keys: Vec<&str> = keys.iter().map(AsRef::as_ref).filter(|k| !k.trim().is_empty()).collect();
        if keys.is_empty() { config } else { config.api_keys(keys) }
    }
}

/// A started server and the line that tells a person how to use it.
#[derive(Debug)]
pub struct Started {
    /// The server.
    pub server: MockServer,
    /// `fake Drata listening; it accepts …`: which key it accepts (the
    /// default one by name, a given one never shown) and how to stop it.
    pub banner: String,
}

/// Starts the fake server of `args`, accepting `keys` (`key_source` says
/// where they came from, e.g. `--api-key or DRATA_API_KEY`).
///
/// # Errors
/// The port cannot be bound; the message names it.
pub async fn start<S: AsRef<str>>(args: &ServeArgs, keys: &[S], key_source: &str) -> Result<Started, String> {
    let config = args.config(keys);
    let given = match config.keys() {
        [only] if only == DEFAULT_API_KEY => None,
        [_] => Some("key"),
        _ => Some("keys"),
    };
    let server = MockServer::start_on(config, args.port)
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", args.port))?;
    let accepts = match given {
        Some(keys) => format!("the API {keys} of {key_source} (not shown)"),
        None => format!("the API key `{DEFAULT_API_KEY}`"),
    };
    let banner = format!(
        "fake Drata listening; it accepts {accepts}. Use --base-url {}. Ctrl-C stops it.",
        server.base_url()
    );
    Ok(Started { server, banner })
}
