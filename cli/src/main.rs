//! `drata`: Drata's public API from the shell.
//!
//! Exit codes: 0 success; 1 the API or the network failed; 2 usage or invalid
//! input, with nothing sent. The API key is never printed.

mod args;
mod commands;
mod demo;
mod output;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};

/// Exit code when the API or the network failed.
const EXIT_API: u8 = 1;
/// Exit code for usage errors and invalid input (nothing was sent).
const EXIT_INVALID: u8 = 2;

/// How a command failed.
#[derive(Debug)]
pub enum Failure {
    /// Usage or input error; nothing was sent.
    Invalid(String),
    /// The API or the network failed.
    Api(String),
}

impl From<drata::Error> for Failure {
    fn from(e: drata::Error) -> Self {
        if e.is_invalid_input() { Failure::Invalid(e.to_string()) } else { Failure::Api(e.to_string()) }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_API);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Invalid(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_INVALID)
        }
        Err(Failure::Api(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_API)
        }
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let context = commands::Context::new(&cli);
    match cli.command {
        Command::Connections(args::ConnectionsCommand::List(list)) => {
            commands::list_connections(&context, list).await
        }
        Command::VcsIdentities(command) => commands::vcs_identities(&context, command).await,
        Command::Idp(command) => commands::idp(&context, command).await,
        Command::Mock { port, api_keys } => demo::run_mock(port, api_keys).await,
        Command::Demo => demo::run_demo().await,
    }
}
