//! `drata op` and `drata v2`: runs the operation chosen among the commands
//! of `drata_cli::operations` (v1's or v2's), or lists them.

use clap::ArgMatches;
use futures::TryStreamExt;

use drata_cli::args::OpArgs;
use drata_cli::operations::{Version, command_name};

use crate::Failure;
use crate::commands::Context;
use crate::output::Stdout;

/// `drata op --list` (or `drata v2 --list`), or an operation with its matches.
pub async fn run(
    context: &Context,
    out: &mut Stdout,
    args: &OpArgs,
    version: Version,
    chosen: Option<(String, ArgMatches)>,
) -> Result<(), Failure> {
    match chosen {
        Some((name, matches)) => call(context, out, version, &name, &matches).await,
        None if args.list => list_operations(version, context.json(), out),
        None => Err(Failure::Invalid(format!(
            "name an operation, or list them with `{} --list`",
            version.command()
        ))),
    }
}

fn list_operations(version: Version, json: bool, out: &mut Stdout) -> Result<(), Failure> {
    let all = version.operations();
    if json {
        let listed: Vec<_> = all
            .iter()
            .map(|op| {
                serde_json::json!({
                    "operation": command_name(op),
                    "drataOperationId": op.drata_operation_id,
                    "feature": op.feature,
                    "method": op.method.as_str(),
                    "path": format!("{}{}", op.root, op.path),
                    "summary": op.summary,
                })
            })
            .collect();
        return out.json(&listed);
    }
    let rows: Vec<[String; 4]> = all
        .iter()
        .map(|op| {
            [
                command_name(op),
                op.method.to_string(),
                format!("{}{}", op.root, op.path),
                op.summary.to_string(),
            ]
        })
        .collect();
    out.table(["OPERATION", "METHOD", "PATH", "SUMMARY"], &rows)
}

async fn call(
    context: &Context,
    out: &mut Stdout,
    version: Version,
    name: &str,
    matches: &ArgMatches,
) -> Result<(), Failure> {
    let operation = version.operation(name).ok_or_else(|| {
        Failure::Invalid(format!("no operation `{name}`; list them with `{} --list`", version.command()))
    })?;
    let path = format!("{}{}", operation.root, operation.path);
    let client = context.client()?;
    let params: Vec<(&str, &String)> = operation
        .parameters
        .iter()
        .flat_map(|p| matches.get_many::<String>(p.name).into_iter().flatten().map(|v| (p.name, v)))
        .collect();
    // A form: its files and fields, through the client's upload.
    let files: Vec<&String> =
        matches.try_get_many::<String>("file").ok().flatten().into_iter().flatten().collect();
    let fields: Vec<&String> =
        matches.try_get_many::<String>("field").ok().flatten().into_iter().flatten().collect();
    if !files.is_empty() || !fields.is_empty() {
        let mut upload = client.upload(operation);
        for (name, value) in &params {
            upload = upload.param(*name, value);
        }
        for file in files {
            let (part, path) = file_part(operation, file);
            upload = upload.file(part, path);
        }
        for field in fields {
            let (part, value) = form_field(operation, field)?;
            upload = upload.field(part, value);
        }
        let answer = crate::inflight::call(operation, &path, upload.send()).await?;
        return out.raw_json(answer.bytes());
    }
    let mut call = client.call(operation);
    for (name, value) in &params {
        call = call.param(*name, value.as_str());
    }
    // Only an operation with a body has `--body`.
    if let Ok(Some(body)) = matches.try_get_one::<String>("body") {
        call = call.body(read_body(body)?);
    }
    if matches.try_get_one::<bool>("all").ok().flatten() == Some(&true) {
        let items: Vec<serde_json::Value> = call.items().try_collect().await?;
        return out.json(&items);
    }
    let answer = crate::inflight::call(operation, &path, call.send()).await?;
    out.raw_json(answer.bytes())
}

/// `--file [PART=]PATH`: the part it names (when the form has such a
/// part), else the form's file part, and the path.
fn file_part<'a>(operation: &'static drata::Operation, given: &'a str) -> (String, &'a str) {
    let Some(drata::Shape::Object(form)) = operation.form_shape else { return ("file".into(), given) };
    if let Some((part, path)) = given.split_once('=')
        && form.properties.iter().any(|p| p.name == part)
    {
        return (part.to_string(), path);
    }
    let part =
        form.properties.iter().find(|p| drata_cli::operations::is_file(p.shape)).map_or("file", |p| p.name);
    (part.to_string(), given)
}

/// `--field PART=VALUE`: the value as the part takes it (a number, a flag,
/// JSON for an object part, text otherwise).
fn form_field(
    operation: &'static drata::Operation,
    given: &str,
) -> Result<(String, serde_json::Value), Failure> {
    let (part, text) = given.split_once('=').ok_or_else(|| {
        Failure::Invalid(format!("--field `{}` is not PART=VALUE", crate::output::text(given)))
    })?;
    let shape = match operation.form_shape {
        Some(drata::Shape::Object(form)) => form.properties.iter().find(|p| p.name == part).map(|p| p.shape),
        _ => None,
    };
    let mut shape = shape;
    while let Some(
        drata::Shape::Nullable(inner) | drata::Shape::Array(drata::shape::List { items: inner, .. }),
    ) = shape
    {
        shape = Some(inner);
    }
    let value = match shape {
        Some(drata::Shape::Integer(_) | drata::Shape::Number(_) | drata::Shape::Boolean) => {
            serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::from(text))
        }
        Some(drata::Shape::Object(_) | drata::Shape::Any) => serde_json::from_str(text)
            .map_err(|e| Failure::Invalid(format!("--field {part}: not JSON: {e}")))?,
        _ => serde_json::Value::from(text),
    };
    Ok((part.to_string(), value))
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
