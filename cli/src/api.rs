//! `drata api METHOD PATH [--field KEY=VALUE]... [--input FILE] [--paginate]`:
//! any endpoint of Drata's API under the API root, through the same client
//! (`drata::Client::raw`), the way `gh api` works.

use std::collections::BTreeMap;

use drata::Method;
use drata_cli::args::ApiArgs;
use serde_json::Value;

use crate::Failure;
use crate::commands::Context;
use crate::output::Stdout;

pub async fn run(context: &Context, out: &mut Stdout, args: ApiArgs) -> Result<(), Failure> {
    let method = method(&args.method)?;
    let fields = fields(&args.fields, &args.raw_fields)?;
    let takes_query = matches!(method, Method::Get | Method::Delete);
    let body = match (&args.input, takes_query, fields.is_empty()) {
        (Some(file), true, _) => {
            return Err(Failure::Invalid(format!(
                "--input {}: a {method} request takes no body; give its parameters with --field",
                file.display()
            )));
        }
        (Some(file), false, _) => Some(read_input(file)?),
        (None, false, false) => {
            Some(Value::Object(fields.iter().map(|(k, v)| (k.clone(), v.clone())).collect()))
        }
        (None, _, _) => None,
    };
    if args.paginate && method != Method::Get {
        return Err(Failure::Invalid("--paginate follows the pages of a GET listing".into()));
    }
    let query: Vec<(String, String)> = if takes_query { query_pairs(&fields) } else { Vec::new() };
    let sends = match &body {
        Some(Value::Object(fields)) if !fields.is_empty() => {
            format!("a JSON body with {}", fields.keys().cloned().collect::<Vec<_>>().join(", "))
        }
        Some(_) => "a JSON body".to_string(),
        None if query.is_empty() => "no body".to_string(),
        None => format!(
            "no body; the query {}",
            query.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
        ),
    };
    let operation = drata::Operation::matching(method, &args.path);
    crate::op::check_body(operation, body.as_ref())?;
    let plan = serde_json::json!({"query": query.iter().map(|(k, v)| serde_json::json!([k, v])).collect::<Vec<_>>(), "body": body});
    if !context.permit_write(out, method.as_str(), &args.path, &sends, plan).await? {
        return Ok(());
    }
    let client = context.client()?;
    if !args.paginate {
        let mut call = client.raw(method, args.path.clone());
        for (name, value) in &query {
            call = call.param(name.clone(), value.clone());
        }
        if let Some(body) = body {
            call = call.body(body);
        }
        let answer = crate::inflight::call(operation, &args.path, call.send()).await?;
        return crate::op::print_answer(context, out, operation, answer.bytes());
    }
    // --paginate: every page, by the client's one paginator (it stops at
    // `total` or an empty page, and never loops on a repeated page).
    let mut call = client.raw(method, args.path.clone());
    for (name, value) in &query {
        call = call.param(name.clone(), value.clone());
    }
    // A path of the spec's listings: pages as large as the spec allows, unless told.
    let given: Vec<&str> = query.iter().map(|(name, _)| name.as_str()).collect();
    let call = crate::listing::largest_pages(call, operation, &given);
    crate::op::all_items(context, out, operation, call.pages()).await
}

fn method(text: &str) -> Result<Method, Failure> {
    match text.to_ascii_uppercase().as_str() {
        "GET" => Ok(Method::Get),
        "POST" => Ok(Method::Post),
        "PUT" => Ok(Method::Put),
        "PATCH" => Ok(Method::Patch),
        "DELETE" => Ok(Method::Delete),
        _ => Err(Failure::Invalid(format!("unknown method `{text}`; use GET, POST, PUT, PATCH or DELETE"))),
    }
}

/// `KEY=VALUE`s as `gh api` reads them: `typed` (`-F`) with `true`,
/// `false`, `null` and integers as JSON literals and anything else a
/// string, `raw` (`-f`) always strings; a repeated key an array. Keys keep
/// their brackets (`roles[]`).
fn fields(typed: &[String], raw: &[String]) -> Result<BTreeMap<String, Value>, Failure> {
    let mut out: BTreeMap<String, Value> = BTreeMap::new();
    let given =
        typed.iter().map(|f| (f, "--field", true)).chain(raw.iter().map(|f| (f, "--raw-field", false)));
    for (field, flag, is_typed) in given {
        let Some((key, value)) = field.split_once('=') else {
            return Err(Failure::Invalid(format!("{flag} `{field}` is not KEY=VALUE")));
        };
        if key.is_empty() {
            return Err(Failure::Invalid(format!("{flag} `{field}` has no key")));
        }
        let value = match value {
            text if !is_typed => Value::from(text),
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            number if number.parse::<i64>().is_ok() => Value::from(number.parse::<i64>().unwrap_or_default()),
            text => Value::from(text),
        };
        match out.get_mut(key) {
            Some(Value::Array(values)) => values.push(value),
            Some(first) => *first = Value::Array(vec![first.take(), value]),
            None => {
                out.insert(key.to_string(), value);
            }
        }
    }
    Ok(out)
}

/// The fields as query parameters: an array as the name repeated.
fn query_pairs(fields: &BTreeMap<String, Value>) -> Vec<(String, String)> {
    let text = |value: &Value| match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut out = Vec::new();
    for (key, value) in fields {
        match value {
            Value::Array(values) => out.extend(values.iter().map(|v| (key.clone(), text(v)))),
            one => out.push((key.clone(), text(one))),
        }
    }
    out
}

/// `--input FILE` (`-`: standard input) as JSON.
fn read_input(file: &std::path::Path) -> Result<Value, Failure> {
    let text = if file.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin().lock(), &mut text)
            .map_err(|e| Failure::Invalid(format!("cannot read standard input: {e}")))?;
        text
    } else {
        std::fs::read_to_string(file)
            .map_err(|e| Failure::Invalid(format!("cannot read `{}`: {e}", file.display())))?
    };
    serde_json::from_str::<Value>(&text)
        .map_err(|e| Failure::Invalid(format!("`{}` is not JSON: {e}; nothing was sent", file.display())))
}
