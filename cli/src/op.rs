//! `drata op`: runs the operation chosen among the commands of
//! `drata_cli::operations`, or lists them.

use clap::ArgMatches;
use futures::TryStreamExt;

use drata_cli::args::OpArgs;
use drata_cli::operations::command_name;

use crate::Failure;
use crate::commands::Context;
use crate::output::Stdout;

/// `drata op --list`, or an operation with its matches.
pub async fn run(
    context: &Context,
    out: &mut Stdout,
    args: &OpArgs,
    chosen: Option<(String, ArgMatches)>,
) -> Result<(), Failure> {
    match chosen {
        Some((name, matches)) => call(context, out, &name, &matches).await,
        None if args.list => list_operations(context.json(), out),
        None => Err(Failure::Invalid("name an operation, or list them with `drata op --list`".into())),
    }
}

fn list_operations(json: bool, out: &mut Stdout) -> Result<(), Failure> {
    let all = drata::operations::ALL;
    if json {
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
    if matches.try_get_one::<bool>("all").ok().flatten() == Some(&true) {
        let items: Vec<serde_json::Value> = call.items().try_collect().await?;
        return out.json(&items);
    }
    let answer = crate::inflight::call(operation, operation.path, call.send()).await?;
    out.raw_json(answer.bytes())
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
