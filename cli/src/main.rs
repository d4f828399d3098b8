//! `drata`: Drata's public API from the shell.
//!
//! Exit codes: 0 success; 1 the API or the network failed; 2 usage or invalid
//! input, with nothing sent. The API key is never printed. Ctrl-C (130) and
//! SIGTERM (143) stop at once and clear the progress line.

mod api;
mod commands;
mod demo;
mod listing;
mod op;
mod output;
mod people;

use std::process::ExitCode;

use clap::{ArgMatches, FromArgMatches};

use drata_cli::args::{self, Cli, Command};

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
    /// Standard output could not be written: a reader that went away (a
    /// broken pipe, not an error) or a full disk.
    Output(std::io::Error),
}

impl From<drata::Error> for Failure {
    fn from(e: drata::Error) -> Self {
        if e.is_invalid_input() {
            Failure::Invalid(e.to_string())
        } else if e.is_timeout() {
            Failure::Api(format!("{e} (wait longer with --timeout SECONDS)"))
        } else {
            Failure::Api(e.to_string())
        }
    }
}

fn main() -> ExitCode {
    // The derived command line, with one `op` subcommand per operation of the spec.
    let matches = drata_cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let operation = matches
        .subcommand_matches("op")
        .and_then(ArgMatches::subcommand)
        .map(|(name, matches)| (name.to_string(), matches.clone()));
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            output::eprint_line(&format!("error: cannot start the async runtime: {e}"));
            return ExitCode::from(EXIT_API);
        }
    };
    let outcome = runtime.block_on(async {
        tokio::select! {
            result = run(cli, operation) => Ok(result),
            code = stopped_by_signal() => Err(code),
        }
    });
    let result = match outcome {
        Ok(result) => result,
        Err(code) => {
            output::clear_progress_line();
            output::eprint_line("interrupted");
            return ExitCode::from(code);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`drata … | head -1`): nothing is wrong.
        Err(Failure::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Failure::Output(e)) => {
            output::eprint_line(&format!("error: cannot write the output: {e}"));
            ExitCode::from(EXIT_API)
        }
        Err(Failure::Invalid(message)) => {
            output::eprint_line(&format!("error: {message}"));
            ExitCode::from(EXIT_INVALID)
        }
        Err(Failure::Api(message)) => {
            output::eprint_line(&format!("error: {message}"));
            ExitCode::from(EXIT_API)
        }
    }
}

/// Waits for Ctrl-C or SIGTERM; the exit code they call for (128 + signal).
async fn stopped_by_signal() -> u8 {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut interrupt), Ok(mut terminate)) =
            (signal(SignalKind::interrupt()), signal(SignalKind::terminate()))
        else {
            return std::future::pending().await;
        };
        tokio::select! {
            _ = interrupt.recv() => 130,
            _ = terminate.recv() => 143,
        }
    }
    #[cfg(not(unix))]
    {
        match tokio::signal::ctrl_c().await {
            Ok(()) => 130,
            Err(_) => std::future::pending().await,
        }
    }
}

async fn run(cli: Cli, operation: Option<(String, ArgMatches)>) -> Result<(), Failure> {
    let mut out = output::Stdout::new();
    let context = commands::Context::new(&cli)?;
    let result = match cli.command {
        Command::Connections(args::ConnectionsCommand::List(list)) => {
            commands::list_connections(&context, &mut out, list).await
        }
        Command::VcsIdentities(command) => people::vcs_identities(&context, &mut out, command).await,
        Command::InfraIdentities(command) => people::infra_identities(&context, &mut out, command).await,
        Command::Users(command) => people::users(&context, &mut out, command).await,
        Command::Api(args) => api::run(&context, &mut out, args).await,
        Command::Idp(command) => commands::idp(&context, &mut out, command).await,
        Command::Mock(serve) => demo::run_mock(&context, &mut out, &serve).await,
        Command::Demo => demo::run_demo(&mut out).await,
        Command::Op(args) => op::run(&context, &mut out, &args, operation).await,
    };
    // What was printed before a failure is still written out.
    let flushed = out.flush();
    result.and(flushed)
}
