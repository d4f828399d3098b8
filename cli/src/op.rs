//! `drata op`: every operation of the spec as a command, derived from the
//! generated operations table ([`drata::operations`]), so an operation added
//! to the spec is a command the moment the client is rebuilt. The
//! hand-written commands are porcelain on top.
//!
//! `drata op <operation> [--<param> VALUE]... [--body JSON|@FILE | --file PATH]`:
//! the operation is the client method's name in kebab-case, each parameter a
//! kebab-case flag (repeated for an array; the values of a closed list
//! offered and checked in any case), and the output the JSON answer.

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, ArgMatches};
use drata::{BodyKind, Operation, Parameter, ParameterKind};
use heck::ToKebabCase;

use crate::Failure;
use crate::commands::Context;
use crate::output::Stdout;

/// The `op` command with one subcommand per operation.
pub fn with_operations(op: clap::Command) -> clap::Command {
    op.subcommands(drata::operations::ALL.iter().map(|operation| subcommand(operation)))
}

/// The command of `operation`: `list-connections`.
fn command_name(operation: &Operation) -> String {
    operation.id.to_kebab_case()
}

/// The flag of `parameter`: `sortDir` → `sort-dir`, `roles[]` → `roles`.
fn flag(parameter: &Parameter) -> String {
    parameter.name.trim_end_matches("[]").to_kebab_case()
}

fn subcommand(operation: &'static Operation) -> clap::Command {
    let permission = operation.permission.map(|p| format!("\nPermission: {p}.")).unwrap_or_default();
    let mut command = clap::Command::new(command_name(operation))
        .about(operation.summary)
        .long_about(format!("{}\n\n{}{permission}", operation.summary, operation.describe()));
    for parameter in operation.parameters {
        command = command.arg(argument(parameter));
    }
    match operation.body {
        BodyKind::Json => {
            command = command.arg(
                Arg::new("body").long("body").value_name("JSON|@FILE").required(true).help(format!(
                    "The JSON body{}, inline or from a file (`@people.json`, `@-` for standard input)",
                    operation.body_schema.map(|s| format!(" (`{s}`)")).unwrap_or_default()
                )),
            );
        }
        BodyKind::Multipart => {
            command = command.arg(
                Arg::new("file")
                    .long("file")
                    .value_name("PATH")
                    .required(true)
                    .help("The file to upload (checked first; nothing is sent if it is invalid)"),
            );
        }
        BodyKind::None => {}
    }
    command.arg(Arg::new("json").long("json").action(ArgAction::SetTrue).hide(true))
}

fn argument(parameter: &'static Parameter) -> Arg {
    let mut help = parameter.description.to_string();
    if parameter.open && !parameter.values.is_empty() {
        help.push_str(&format!(" [known values: {}; others are sent too]", parameter.values.join(", ")));
    }
    let value_name = match parameter.kind {
        ParameterKind::Integer => "N",
        ParameterKind::Boolean => "true|false",
        ParameterKind::String => "VALUE",
    };
    let mut arg = Arg::new(parameter.name)
        .long(flag(parameter))
        .value_name(value_name)
        .required(parameter.required)
        .help(help)
        .action(if parameter.array { ArgAction::Append } else { ArgAction::Set });
    if !parameter.open && !parameter.values.is_empty() {
        arg = arg.value_parser(PossibleValuesParser::new(parameter.values)).ignore_case(true);
    }
    arg
}

/// `drata op --list`, or an operation with its matches.
pub async fn run(
    context: &Context,
    out: &mut Stdout,
    list: bool,
    chosen: Option<(String, ArgMatches)>,
) -> Result<(), Failure> {
    match chosen {
        Some((name, matches)) => call(context, out, &name, &matches).await,
        None if list => list_operations(context, out),
        None => Err(Failure::Invalid("name an operation, or list them with `drata op --list`".into())),
    }
}

fn list_operations(context: &Context, out: &mut Stdout) -> Result<(), Failure> {
    let all = drata::operations::ALL;
    if context.json(crate::args::Output { json: false }) {
        let listed: Vec<_> = all
            .iter()
            .map(|op| {
                serde_json::json!({
                    "operation": command_name(op),
                    "method": op.method.as_str(),
                    "path": op.path,
                    "summary": op.summary,
                })
            })
            .collect();
        return out.json(&listed);
    }
    let rows: Vec<[String; 4]> = all
        .iter()
        .map(|op| [command_name(op), op.method.to_string(), op.path.to_string(), op.summary.to_string()])
        .collect();
    out.table(["OPERATION", "METHOD", "PATH", "SUMMARY"], &rows)
}

async fn call(context: &Context, out: &mut Stdout, name: &str, matches: &ArgMatches) -> Result<(), Failure> {
    let operation =
        drata::operations::ALL.iter().copied().find(|op| command_name(op) == name).ok_or_else(|| {
            Failure::Invalid(format!("no operation `{name}`; list them with `drata op --list`"))
        })?;
    let client = context.client()?;
    let mut call = client.call(operation);
    for parameter in operation.parameters {
        for value in matches.get_many::<String>(parameter.name).into_iter().flatten() {
            call = call.param(parameter.name, value.as_str());
        }
    }
    // Only an operation with a body has `--body`, only an upload `--file`.
    if let Ok(Some(body)) = matches.try_get_one::<String>("body") {
        call = call.body(read_body(body)?);
    }
    if let Ok(Some(file)) = matches.try_get_one::<String>("file") {
        call = call.file(file);
    }
    let answer = call.send().await?;
    out.json(&*answer)
}

/// `--body`: JSON inline, or `@FILE` (`@-`: standard input).
fn read_body(body: &str) -> Result<serde_json::Value, Failure> {
    let (text, source) = match body.strip_prefix('@') {
        Some("-") => {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin().lock(), &mut text)
                .map_err(|e| Failure::Invalid(format!("cannot read the body from standard input: {e}")))?;
            (text, "standard input".to_string())
        }
        Some(path) => (
            std::fs::read_to_string(path)
                .map_err(|e| Failure::Invalid(format!("cannot read the body from `{path}`: {e}")))?,
            format!("`{path}`"),
        ),
        None => (body.to_string(), "--body".to_string()),
    };
    serde_json::from_str(&text)
        .map_err(|e| Failure::Invalid(format!("{source} is not JSON: {e}; nothing was sent")))
}
