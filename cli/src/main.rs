//! `drata`: Drata's public API from the shell.
//!
//! Exit codes: 0 success; 1 the API or the network failed; 2 usage or invalid
//! input, with nothing sent. The API key is never printed. Ctrl-C (130) and
//! SIGTERM (143) stop at once and clear the progress line; a write on its
//! way then is reported as an unknown outcome.

mod api;
mod auth;
mod commands;
mod demo;
mod failure;
mod inflight;
mod listing;
mod op;
mod output;
mod people;
mod prompt;
mod spec_table;
mod store;

use std::process::ExitCode;

use clap::{ArgMatches, FromArgMatches};

use drata_cli::args::{self, Cli, Command};
use drata_cli::operations::Version;
pub use failure::Failure;

fn main() -> ExitCode {
    // The derived command line, with one `op` subcommand per operation of the spec.
    let matches = match drata_cli::command().try_get_matches() {
        Ok(matches) => matches,
        Err(e) => {
            let hint = usage_hint(&e);
            // A script reading JSON gets a usage error as JSON too: clap's
            // whole message (the arguments it names, its tip, the usage),
            // as plain text (`StyledStr`'s `Display` writes no styling).
            let format = requested_format();
            if e.use_stderr() && format != output::Format::Table {
                let message = hint.clone().unwrap_or_else(|| {
                    let text = e.render().to_string();
                    text.trim_end().trim_start_matches("error: ").to_string()
                });
                output::print_json_line(
                    &Failure::Invalid(message).to_json(),
                    format == output::Format::Ndjson,
                );
            }
            if let Some(hint) = hint {
                output::eprint_line(&format!("error: {hint}"));
                return ExitCode::from(failure::EXIT_INVALID);
            }
            e.exit()
        }
    };
    // `idp create --json people.json` parses (`--json` is the output flag
    // and the file the argument), but it is the form older versions took
    // for a file: said, not guessed at.
    if let Some(hint) = json_file_hint() {
        output::eprint_line(&format!("error: {hint}"));
        return ExitCode::from(failure::EXIT_INVALID);
    }
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    // The operation chosen under `drata op` or `drata v2`.
    let operation = ["op", "v2"]
        .iter()
        .find_map(|command| matches.subcommand_matches(command))
        .and_then(ArgMatches::subcommand)
        .map(|(name, matches)| (name.to_string(), matches.clone()));
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            output::eprint_line(&format!("error: cannot start the async runtime: {e}"));
            return ExitCode::from(failure::EXIT_API);
        }
    };
    // Where a failure is also said as JSON on stdout (auto resolved as the commands resolve it).
    let format = output::Format::resolve(cli.output, cli.json);
    let json = format != output::Format::Table;
    let compact = format == output::Format::Ndjson;
    let outcome = runtime.block_on(async {
        tokio::select! {
            result = run(cli, &matches, operation) => Ok(result),
            code = stopped_by_signal() => Err(code),
        }
    });
    // A question still waiting for its answer on a blocking thread (Ctrl-C
    // at a prompt) is not waited for.
    runtime.shutdown_background();
    let failure = match outcome {
        Ok(Ok(())) => return ExitCode::SUCCESS,
        Ok(Err(failure)) => failure,
        Err(code) => {
            output::clear_progress_line();
            // Stopped at the key's prompt: the terminal shows what is typed again.
            prompt::restore();
            // A write on its way may have reached Drata: said as a lost answer is.
            let message = inflight::under_way().unwrap_or_else(|| "interrupted".to_string());
            if json {
                output::print_json_line(
                    &serde_json::json!({"error": {"kind": "interrupted", "message": message, "exitCode": code}}),
                    compact,
                );
            }
            output::eprint_line(&message);
            return ExitCode::from(code);
        }
    };
    match failure {
        // The reader went away (`drata … | head -1`): nothing is wrong.
        Failure::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        failure => {
            // A script reading stdout gets the error as JSON too.
            if json && !matches!(failure, Failure::Output(_)) {
                output::print_json_line(&failure.to_json(), compact);
            }
            output::eprint_line(&failure.stderr_text());
            ExitCode::from(failure.exit_code())
        }
    }
}

/// The command line's words as text (a word that is not UTF-8, such as a
/// file name, with its odd bytes replaced: these are only looked at).
pub fn arguments() -> Vec<String> {
    std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect()
}

/// What stdout gets, read from the arguments as given (for a command line
/// clap could not read), as [`output::Format::resolve`] decides it: JSON
/// for `--json` or `--output json`, one line of it for `--output ndjson`,
/// and for `auto` (the default, or DRATA_OUTPUT) JSON when stdout is not a
/// terminal.
fn requested_format() -> output::Format {
    let args = arguments();
    let given = args
        .windows(2)
        .find_map(|pair| matches!(pair[0].as_str(), "--output" | "-o").then(|| pair[1].clone()));
    let given = given
        .or_else(|| args.iter().find_map(|a| a.strip_prefix("--output=").map(str::to_string)))
        .or_else(|| std::env::var("DRATA_OUTPUT").ok().filter(|v| !v.trim().is_empty()));
    if args.iter().any(|a| a == "--json") {
        return output::Format::Json;
    }
    match given.as_deref().map(str::trim) {
        Some("json") => output::Format::Json,
        Some("ndjson") => output::Format::Ndjson,
        Some("table") => output::Format::Table,
        _ if std::io::IsTerminal::is_terminal(&std::io::stdout()) => output::Format::Table,
        _ => output::Format::Json,
    }
}

/// A clearer word than clap's for a usage error: `idp create --json
/// people.json`, the form older versions took; an operation misspelled
/// (the closest one, instead of clap's score of names).
fn usage_hint(error: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    match error.kind() {
        ErrorKind::UnknownArgument => json_file_hint(),
        ErrorKind::InvalidSubcommand => {
            let Some(ContextValue::String(word)) = error.get(ContextKind::InvalidSubcommand) else {
                return None;
            };
            // The word in an operation's place: the first after `op` or `v2`.
            let args = arguments();
            let version = args.windows(2).find_map(|pair| match pair[0].as_str() {
                "op" if pair[1] == *word => Some(Version::V1),
                "v2" if pair[1] == *word => Some(Version::V2),
                _ => None,
            })?;
            Some(drata_cli::operations::unknown_operation(version, word))
        }
        _ => None,
    }
}

/// `--json FILE` given to `idp create` or `idp update`: what to write instead.
fn json_file_hint() -> Option<String> {
    let args = arguments();
    let idp_import = args.iter().any(|a| a == "idp") && args.iter().any(|a| a == "create" || a == "update");
    let json_file = args.windows(2).any(|pair| {
        pair[0] == "--json" && !pair[1].starts_with('-') && std::path::Path::new(&pair[1]).is_file()
    });
    (idp_import && json_file).then(|| {
        "`--json` prints JSON on stdout and takes no file: name the personnel file as the argument, `drata idp create people.json` (CSV or JSON, told by its content)".to_string()
    })
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

async fn run(cli: Cli, matches: &ArgMatches, operation: Option<(String, ArgMatches)>) -> Result<(), Failure> {
    let mut out = output::Stdout::new();
    if let Command::Completion { shell } = cli.command {
        return completion(&mut out, shell);
    }
    let context = commands::Context::new(&cli, matches)?;
    out.set_compact(context.format() == output::Format::Ndjson);
    let result = match cli.command {
        Command::Auth(command) => auth::run(&context, &mut out, command).await,
        Command::Completion { .. } => Ok(()),
        Command::Connections(args::ConnectionsCommand::List(list)) => {
            commands::list_connections(&context, &mut out, list).await
        }
        Command::VcsIdentities(command) => people::vcs_identities(&context, &mut out, command).await,
        Command::InfraIdentities(command) => people::infra_identities(&context, &mut out, command).await,
        Command::Users(command) => people::users(&context, &mut out, command).await,
        Command::Api(args) => api::run(&context, &mut out, args).await,
        Command::Idp(command) => commands::idp(&context, &mut out, command).await,
        Command::Mock(serve) => demo::run_mock(&context, &mut out, &serve).await,
        Command::Demo => demo::run_demo(&mut out, context.json()).await,
        Command::Op(args) => op::run(&context, &mut out, &args, Version::V1, operation).await,
        Command::V2(args) => op::run(&context, &mut out, &args, Version::V2, operation).await,
    };
    // What was printed before a failure is still written out.
    let flushed = out.flush();
    result.map_err(|failure| context.name_the_key(failure)).and(flushed)
}

/// `drata completion SHELL`: the completion script of the whole command
/// line, every operation's flags and their values included.
fn completion(out: &mut output::Stdout, shell: clap_complete::Shell) -> Result<(), Failure> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut drata_cli::command(), "drata", &mut script);
    out.line(String::from_utf8_lossy(&script).trim_end())
}
