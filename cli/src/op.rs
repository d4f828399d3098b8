//! `drata op` and `drata v2`: runs the operation chosen among the commands
//! of `drata_cli::operations` (v1's or v2's), or lists them.

use clap::ArgMatches;
use futures::TryStreamExt;
use heck::ToKebabCase;
use serde_json::Value;

use drata_cli::args::OpArgs;
use drata_cli::operations::{Version, command_name};

use crate::Failure;
use crate::commands::Context;
use crate::output::{Format, Stdout};
use crate::spec_table;

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
        None if args.list => list_operations(version, context.format(), out),
        None => Err(Failure::Invalid(format!(
            "name an operation, or list them with `{} --list`",
            version.command()
        ))),
    }
}

fn list_operations(version: Version, format: Format, out: &mut Stdout) -> Result<(), Failure> {
    let all = version.operations();
    if format != Format::Table {
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
        if format == Format::Ndjson {
            return listed.iter().try_for_each(|operation| out.item(operation));
        }
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
    let template = format!("{}{}", operation.root, operation.path);
    if flag(matches, "example") {
        return example(out, operation, &template);
    }
    let params: Vec<(&str, &String)> = operation
        .parameters
        .iter()
        .flat_map(|p| matches.get_many::<String>(p.name).into_iter().flatten().map(|v| (p.name, v)))
        .collect();
    // The path as sent, for what a write shows before it goes.
    let mut path = template.clone();
    for (name, value) in &params {
        path = path.replace(&format!("{{{name}}}"), value);
    }
    // A form: its files and fields, through the client's upload.
    let files: Vec<&String> =
        matches.try_get_many::<String>("file").ok().flatten().into_iter().flatten().collect();
    let fields: Vec<&String> =
        matches.try_get_many::<String>("field").ok().flatten().into_iter().flatten().collect();
    let query: serde_json::Map<String, Value> =
        params.iter().map(|(name, value)| ((*name).to_string(), Value::from(value.as_str()))).collect();
    if !files.is_empty() || !fields.is_empty() {
        let sends = format!(
            "a form: {}",
            files.iter().chain(&fields).map(|f| f.as_str()).collect::<Vec<_>>().join(", ")
        );
        let plan = serde_json::json!({"parameters": query, "files": files, "fields": fields});
        if !context.permit_write(out, operation.method.as_str(), &path, &sends, plan).await? {
            return Ok(());
        }
        let client = context.client()?;
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
        return print_answer(context, out, operation, answer.bytes());
    }
    let body = body(operation, matches)?;
    let sends = match &body {
        Some(Value::Object(fields)) => format!(
            "a JSON body with {}",
            if fields.is_empty() {
                "no fields".to_string()
            } else {
                fields.keys().cloned().collect::<Vec<_>>().join(", ")
            }
        ),
        Some(_) => "a JSON body".to_string(),
        None => "no body".to_string(),
    };
    let query_text: Vec<String> = params
        .iter()
        .filter(|(name, _)| {
            operation.parameter(name).is_some_and(|p| p.location != drata::ParameterLocation::Path)
        })
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    let sends =
        if query_text.is_empty() { sends } else { format!("{sends}; the query {}", query_text.join("&")) };
    check_body(operation, body.as_ref())?;
    for (name, value) in &params {
        if let Some(parameter) = operation.parameter(name)
            && parameter.open
            && !parameter.values.is_empty()
            && !parameter.values.contains(&value.as_str())
        {
            crate::output::warn(&format!(
                "`{name}`: `{value}` is not one of the values the spec knows ({}); it is sent as given, in case Drata added it",
                parameter.values.join(", ")
            ));
        }
    }
    let plan = serde_json::json!({"parameters": query, "body": body});
    if !context.permit_write(out, operation.method.as_str(), &path, &sends, plan).await? {
        return Ok(());
    }
    let client = context.client()?;
    let mut call = client.call(operation);
    for (name, value) in &params {
        call = call.param(*name, value.as_str());
    }
    if let Some(body) = body {
        call = call.body(body);
    }
    if flag(matches, "all") {
        let given: Vec<&str> = params.iter().map(|(name, _)| *name).collect();
        let call = crate::listing::largest_pages(call, operation, &given);
        return all_items(context, out, operation, call.pages()).await;
    }
    let answer = crate::inflight::call(operation, &path, call.send()).await?;
    print_answer(context, out, operation, answer.bytes())
}

/// `body` checked as the send checks it, before a dry run shows it or a
/// write asks to be confirmed: a body the client would refuse is never
/// offered. A value outside an open list is sent, with a warning.
pub fn check_body(operation: &'static drata::Operation, body: Option<&Value>) -> Result<(), Failure> {
    let (Some(shape), Some(body)) = (operation.body_shape, body) else {
        return Ok(());
    };
    let problems = shape.problems(body);
    if !problems.is_empty() {
        let listed: Vec<String> = problems.iter().map(ToString::to_string).collect();
        return Err(Failure::Invalid(format!("the body: {}; nothing was sent", listed.join("; "))));
    }
    for unlisted in shape.unlisted(body) {
        crate::output::warn(&format!("the body: {unlisted}"));
    }
    Ok(())
}

fn flag(matches: &ArgMatches, id: &str) -> bool {
    matches.try_get_one::<bool>(id).ok().flatten() == Some(&true)
}

/// The JSON body: `--body` (JSON or YAML), with the field flags set over it.
fn body(operation: &'static drata::Operation, matches: &ArgMatches) -> Result<Option<Value>, Failure> {
    let mut body = match matches.try_get_one::<String>("body") {
        Ok(Some(body)) => Some(read_body(body)?),
        _ => None,
    };
    for field in drata_cli::operations::body_flags(operation) {
        let Some(given) = matches.try_get_many::<String>(&field.id()).ok().flatten() else { continue };
        let values: Vec<Value> = given.map(|g| field.value(g)).collect();
        let value =
            if field.array { Value::Array(values) } else { values.into_iter().next().unwrap_or(Value::Null) };
        match body.get_or_insert_with(|| Value::Object(serde_json::Map::new())) {
            Value::Object(fields) => {
                fields.insert(field.name.to_string(), value);
            }
            _ => {
                return Err(Failure::Invalid(format!(
                    "--{} sets a field of the body, but --body is not a JSON object",
                    field.name.to_kebab_case()
                )));
            }
        }
    }
    Ok(body)
}

/// `--example`: a body made from the schema, on stdout; the values of its
/// fields' closed lists on stderr.
fn example(out: &mut Stdout, operation: &'static drata::Operation, template: &str) -> Result<(), Failure> {
    let body = drata_openapi::example_body(operation.method.as_str(), template)
        .ok_or_else(|| Failure::Invalid(format!("{} takes no JSON body", operation.describe())))?;
    if let Some(drata::Shape::Object(object)) = operation.body_shape {
        for property in object.properties {
            let mut shape = property.shape;
            while let drata::Shape::Nullable(inner)
            | drata::Shape::OneOf([inner])
            | drata::Shape::Array(drata::shape::List { items: inner, .. }) = shape
            {
                shape = inner;
            }
            if let drata::Shape::String(text) = shape
                && !text.values.is_empty()
            {
                crate::output::eprint_line(&format!(
                    "note: `{}` is one of {}{}",
                    property.name,
                    text.values.join(", "),
                    if text.open { " (others are sent too)" } else { "" }
                ));
            }
        }
    }
    out.json(&body)
}

/// The answer as `--output` asks: JSON as it came (`ndjson`: a listing's
/// items one a line), or a table.
pub fn print_answer(
    context: &Context,
    out: &mut Stdout,
    operation: &'static drata::Operation,
    bytes: &[u8],
) -> Result<(), Failure> {
    if context.format() == Format::Json {
        return out.raw_json(bytes);
    }
    let answer: Value = if bytes.trim_ascii().is_empty() {
        Value::Null
    } else {
        match serde_json::from_slice(bytes) {
            Ok(answer) => answer,
            Err(_) => return out.raw_json(bytes),
        }
    };
    let items = operation.pagination.and(answer.get("data")).and_then(Value::as_array);
    match (context.format(), items) {
        (Format::Ndjson, Some(items)) => items.iter().try_for_each(|item| out.item(item)),
        (Format::Ndjson, None) => out.item(&answer),
        (_, Some(items)) => {
            spec_table::print_items(out, &spec_table::columns(operation), items)?;
            out.line(&page_footer(&answer, items.len()))
        }
        (_, None) => spec_table::print_answer(out, &answer),
    }
}

/// The line under one page: where it is among the pages.
fn page_footer(answer: &Value, shown: usize) -> String {
    let number = |name: &str| answer.get(name).and_then(Value::as_i64);
    if let (Some(page), Some(limit), Some(total)) = (number("page"), number("limit"), number("total")) {
        return crate::listing::footer("item(s)", page, limit, total, shown);
    }
    match answer.pointer("/pagination/cursor").and_then(Value::as_str) {
        Some(cursor) => format!("{shown} item(s); the next page: --cursor {}", crate::output::text(cursor)),
        None => format!("{shown} item(s), the last page"),
    }
}

/// `--all`: every item of every page, as `--output` asks: one a line as
/// each page arrives (`ndjson`), one JSON array, or a table; a listing that
/// ends short of the count its pages give is said on stderr.
pub async fn all_items(
    context: &Context,
    out: &mut Stdout,
    operation: &'static drata::Operation,
    mut pages: futures::stream::BoxStream<'_, Result<Value, drata::Error>>,
) -> Result<(), Failure> {
    let mut tally = crate::listing::Tally::default();
    let mut stream = crate::listing::Streamed::begin(out, context.format())?;
    let mut all = Vec::new();
    loop {
        let mut page = match pages.try_next().await {
            Ok(Some(page)) => page,
            Ok(None) => break,
            Err(error) => return Err(stream.fail(out, error.into())),
        };
        // v1's count is the page's `total`; v2's, its `totalCount` when asked for.
        let counted =
            page.get("total").or_else(|| page.pointer("/pagination/totalCount")).and_then(Value::as_u64);
        let items = match page.get_mut("data").map(Value::take) {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        };
        tally.page(items.len(), counted);
        // Where the listing goes on: the next cursor (v2), else the next page.
        let next = match page.pointer("/pagination/cursor") {
            Some(Value::String(cursor)) => Some(format!("--cursor {}", crate::output::text(cursor))),
            Some(_) => None,
            None => page.get("page").and_then(Value::as_u64).map(|n| format!("--page {}", n + 1)),
        };
        stream.came(next);
        if !stream.page(out, &items)? {
            all.extend(items);
        }
    }
    tally.finish("item(s)");
    if stream.end(out)? {
        return Ok(());
    }
    spec_table::print_items(out, &spec_table::columns(operation), &all)?;
    out.line(&format!("{} item(s)", all.len()))
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
    serde_json::from_str(&text).or_else(|json_error| {
        // Not JSON: YAML, if it reads as YAML (JSON's error is the one said otherwise).
        // A YAML document of a mapping or a list; a lone word is a JSON mistake.
        serde_yaml::from_str::<Value>(&text)
            .ok()
            .filter(|value| value.is_object() || value.is_array())
            .ok_or_else(|| {
                Failure::Invalid(format!("{source} is not JSON (nor YAML): {json_error}; nothing was sent"))
            })
    })
}
