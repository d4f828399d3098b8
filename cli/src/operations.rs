//! The commands of `drata op`: every operation of the spec as a command, derived from the
//! generated operations table ([`drata::operations`]), so an operation added
//! to the spec is a command the moment the client is rebuilt. The
//! hand-written commands are porcelain on top.
//!
//! `drata op <operation> [--<param> VALUE]... [--<field> VALUE]... [--body JSON|@FILE | --file PATH]`:
//! the operation is the client method's name in kebab-case (or Drata's
//! operation id), each parameter a kebab-case flag (or its name in the
//! spec) of its type: a whole number within its bounds, `true` or `false`,
//! one of a closed list's values (offered by `--help` and completion,
//! taken in any case), repeated for an array. Each plain field of a JSON
//! body is a flag too ([`body_flags`]), next to `--body`; `--example`
//! prints a body to start from.

use clap::builder::{PossibleValuesParser, TypedValueParser, ValueParser};
use clap::{Arg, ArgAction};
use drata::{BodyKind, Operation, Parameter, ParameterKind, Shape};
use heck::ToKebabCase;

/// An API version's operations, and the command that reaches them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// `drata op`: the v1 spec's operations.
    V1,
    /// `drata v2`: the v2 spec's operations.
    V2,
}

impl Version {
    /// The command's words: `drata op`, `drata v2`.
    pub fn command(self) -> &'static str {
        match self {
            Version::V1 => "drata op",
            Version::V2 => "drata v2",
        }
    }

    /// Its operations table.
    pub fn operations(self) -> &'static [&'static Operation] {
        match self {
            Version::V1 => drata::operations::ALL,
            Version::V2 => drata::v2::operations::ALL,
        }
    }

    /// The operation whose command is `name`.
    pub fn operation(self, name: &str) -> Option<&'static Operation> {
        self.operations().iter().copied().find(|op| command_name(op) == name)
    }
}

/// What to say of `word`, given to `drata op` (or `drata v2`) where an
/// operation goes and naming none: the operation whose name (ours or
/// Drata's operation id) is the fewest edits from it, and where they are
/// all listed. (clap's own suggestion names up to a score of operations
/// that share a word with it, the likeliest not first.)
pub fn unknown_operation(version: Version, word: &str) -> String {
    let names: Vec<String> = version
        .operations()
        .iter()
        .flat_map(|op| [command_name(op), op.drata_operation_id.to_string()])
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let command = version.command();
    // No operation's name is this long: not compared, and shown cut.
    if word.chars().count() > 120 {
        let start: String = word.chars().take(60).collect();
        return format!("`{start}…` is not an operation of {command} (`{command} --list` lists them all)");
    }
    let other = match version {
        Version::V1 => Version::V2,
        Version::V2 => Version::V1,
    };
    let names_it = |op: &&Operation| command_name(op) == word || op.drata_operation_id == word;
    if other.operations().iter().any(names_it) {
        return format!("`{word}` is an operation of {}, not of {command}", other.command());
    }
    match drata::shape::closest(word, &names) {
        Some(close) => {
            format!(
                "`{word}` is not an operation of {command}; did you mean `{close}`? (`{command} --list` lists them all)"
            )
        }
        None => format!("`{word}` is not an operation of {command} (`{command} --list` lists them all)"),
    }
}

/// The `op` (or `v2`) command with one subcommand per operation of `version`.
pub fn with_operations(command: clap::Command, version: Version) -> clap::Command {
    command.subcommands(version.operations().iter().map(|operation| subcommand(operation)))
}

/// The command of `operation`: `list-connections`.
pub fn command_name(operation: &Operation) -> String {
    operation.id.to_kebab_case()
}

/// The flag of `parameter`: `sortDir` → `sort-dir`, `roles[]` → `roles`.
fn flag(parameter: &Parameter) -> String {
    parameter.name.trim_end_matches("[]").to_kebab_case()
}

/// The flags every operation's command may have besides its parameters,
/// and the global ones: a body field of the same name is left to `--body`.
const RESERVED: &[&str] = &[
    "body",
    "example",
    "all",
    "file",
    "field",
    "help",
    "profile",
    "api-key",
    "region",
    "base-url",
    "timeout",
    "output",
    "json",
    "allow-writes",
    "yes",
    "dry-run",
];

/// A plain field of an operation's JSON body, given as a flag.
#[derive(Debug, Clone, Copy)]
pub struct BodyFlag {
    /// The field's name in JSON.
    pub name: &'static str,
    /// Its value's shape (a list's: each item's).
    pub shape: &'static Shape,
    /// Whether it is a list (the flag repeated).
    pub array: bool,
    /// Its description.
    pub description: &'static str,
}

impl BodyFlag {
    /// The argument's id in the matches (apart from the parameters').
    pub fn id(&self) -> String {
        format!("body:{}", self.name)
    }

    /// The value given as text, as JSON of the field's type (the flag's
    /// parser took only such text).
    pub fn value(&self, given: &str) -> serde_json::Value {
        match plain(self.shape) {
            Some(Shape::Integer(_) | Shape::Number(_) | Shape::Boolean) => {
                serde_json::from_str(given).unwrap_or_else(|_| serde_json::Value::from(given))
            }
            _ => serde_json::Value::from(given),
        }
    }
}

/// The shape under `null`: a plain one (text, a number, a flag) or none.
fn plain(shape: &'static Shape) -> Option<&'static Shape> {
    match shape {
        Shape::Nullable(inner) | Shape::OneOf([inner]) => plain(inner),
        Shape::Boolean | Shape::Integer(_) | Shape::Number(_) | Shape::String(_) => Some(shape),
        _ => None,
    }
}

/// The fields of `operation`'s JSON body that are flags: those of plain
/// values or lists of them, whose flag no parameter or reserved flag has.
pub fn body_flags(operation: &'static Operation) -> Vec<BodyFlag> {
    let Some(Shape::Object(body)) = operation.body_shape else { return Vec::new() };
    let mut taken: Vec<String> = RESERVED.iter().map(|r| (*r).to_string()).collect();
    taken.extend(operation.parameters.iter().map(flag));
    let mut flags = Vec::new();
    for property in body.properties {
        let (shape, array) = match property.shape {
            Shape::Array(list) => (list.items, true),
            Shape::Nullable(Shape::Array(list)) => (list.items, true),
            shape => (shape, false),
        };
        let long = property.name.to_kebab_case();
        if plain(shape).is_none() || taken.contains(&long) {
            continue;
        }
        taken.push(long);
        flags.push(BodyFlag { name: property.name, shape, array, description: property.description });
    }
    flags
}

fn subcommand(operation: &'static Operation) -> clap::Command {
    let permission = operation.permission.map(|p| format!("\nPermission: {p}.")).unwrap_or_default();
    let json_body = operation.body == BodyKind::Json;
    let mut command = clap::Command::new(command_name(operation))
        // A parameter may be named `version` (v2's policy versions).
        .disable_version_flag(true)
        // Drata's own name for it works too: `drata op VendorsPublicController_listVendors`.
        .aliases(Some(operation.drata_operation_id).filter(|id| !id.is_empty()))
        .about(operation.summary)
        .long_about(format!("{}\n\n{}{permission}", operation.summary, operation.describe()));
    for parameter in operation.parameters {
        command = command.arg(argument(parameter, json_body));
    }
    let fields = body_flags(operation);
    for field in &fields {
        let long = field.name.to_kebab_case();
        let mut arg = Arg::new(field.id())
            .long(long.clone())
            .aliases(Some(field.name).filter(|name| *name != long))
            .value_name(value_name(field.shape))
            .help(format!(
                "The body's `{}`: {}{}{}",
                field.name,
                if field.array { "each item " } else { "" },
                if field.description.is_empty() {
                    field.shape.describe()
                } else {
                    field.description.to_string()
                },
                match plain(field.shape) {
                    Some(Shape::String(text)) if text.open && !text.values.is_empty() =>
                        format!(" [known values: {}; others are sent too]", text.values.join(", ")),
                    _ => String::new(),
                }
            ))
            .help_heading("Body fields")
            .ignore_case(true)
            .action(if field.array { ArgAction::Append } else { ArgAction::Set });
        if let Some(parser) = parser(field.shape) {
            arg = arg.value_parser(parser);
        }
        command = command.arg(arg);
    }
    match operation.body {
        BodyKind::Json => {
            // With a form beside it, the body is the JSON or the form; with
            // field flags, the fields may make the body.
            let form = operation.form_shape.is_some();
            let mut others: Vec<String> = vec!["example".to_string()];
            if form {
                others.extend(["file".to_string(), "field".to_string()]);
            }
            others.extend(fields.iter().map(BodyFlag::id));
            command = command
                .arg(
                    Arg::new("body")
                        .long("body")
                        .value_name("JSON|@FILE")
                        .required_unless_present_any(others)
                        .conflicts_with_all(if form { vec!["file", "field"] } else { vec![] })
                        .help(format!(
                            "The JSON body{}, inline or from a file (`@body.json`, `@-` for standard input), as JSON or YAML; field flags given too are set over it{}",
                            operation.body_schema.map(|s| format!(" (`{s}`)")).unwrap_or_default(),
                            if form { "; or send the form with --file and --field" } else { "" }
                        )),
                )
                .arg(
                    Arg::new("example")
                        .long("example")
                        .action(ArgAction::SetTrue)
                        .help("Print a body to start from, made from the schema (required fields first; the values of closed lists named on stderr), and send nothing"),
                );
        }
        BodyKind::Multipart | BodyKind::None => {}
    }
    if let Some(drata::Shape::Object(form)) = operation.form_shape {
        let parts: Vec<&str> = form.properties.iter().map(|p| p.name).collect();
        command = command
            .arg(
                Arg::new("file")
                    .long("file")
                    .value_name("[PART=]PATH")
                    .action(ArgAction::Append)
                    .required(!json_body && form.properties.iter().any(|p| p.required && is_file(p.shape)))
                    .help(format!(
                        "A file to upload: PATH for the form's file part, PART=PATH for another (repeatable; parts: {}). Checked before anything is sent",
                        parts.join(", ")
                    )),
            )
            .arg(
                Arg::new("field")
                    .long("field")
                    .value_name("PART=VALUE")
                    .action(ArgAction::Append)
                    .help("A value of the form's other parts (repeatable; a list part takes the flag again)"),
            );
    }
    if operation.pagination.is_some() {
        command = command.arg(
            Arg::new("all")
                .long("all")
                .action(ArgAction::SetTrue)
                .help("Fetch every page and print every item (`--output ndjson`: each page as it arrives)"),
        );
    }
    command
}

fn argument(parameter: &'static Parameter, has_example: bool) -> Arg {
    let mut help = parameter.description.to_string();
    if parameter.open && !parameter.values.is_empty() {
        help.push_str(&format!(" [known values: {}; others are sent too]", parameter.values.join(", ")));
    }
    let value_name = match parameter.kind {
        ParameterKind::Integer | ParameterKind::Number => "N",
        ParameterKind::Boolean => "true|false",
        ParameterKind::String => "VALUE",
    };
    let mut arg = Arg::new(parameter.name)
        .long(flag(parameter))
        // The spec's spelling works too: `--workspaceId` as `--workspace-id`,
        // `--controlIds` (for `controlIds[]`) as `--control-ids`.
        .aliases(Some(parameter.name.trim_end_matches("[]")).filter(|name| *name != flag(parameter)))
        .value_name(value_name)
        .help(help)
        .ignore_case(true)
        .action(if parameter.array { ArgAction::Append } else { ArgAction::Set });
    // `--example` needs no parameter.
    arg = match (parameter.required, has_example) {
        (true, true) => arg.required_unless_present("example"),
        (required, _) => arg.required(required),
    };
    let parser = match parameter.kind {
        _ if !parameter.open && !parameter.values.is_empty() => Some(one_of(parameter.values)),
        _ if !parameter.values.is_empty() => Some(known(parameter.values)),
        ParameterKind::Integer => Some(whole(parameter.minimum, parameter.maximum)),
        ParameterKind::Number => Some(number()),
        ParameterKind::Boolean => Some(one_of(&["true", "false"])),
        ParameterKind::String => None,
    };
    if let Some(parser) = parser {
        arg = arg.value_parser(parser);
    }
    arg
}

/// What a body field's flag takes, in its `--help`.
fn value_name(shape: &'static Shape) -> &'static str {
    match plain(shape) {
        Some(Shape::Integer(_) | Shape::Number(_)) => "N",
        Some(Shape::Boolean) => "true|false",
        _ => "VALUE",
    }
}

/// The parser of a body field's flag, from its shape.
fn parser(shape: &'static Shape) -> Option<ValueParser> {
    match plain(shape)? {
        Shape::Integer(bounds) => Some(whole(bounds.minimum, bounds.maximum)),
        Shape::Number(_) => Some(number()),
        Shape::Boolean => Some(one_of(&["true", "false"])),
        Shape::String(text) if !text.values.is_empty() && !text.open => Some(one_of(text.values)),
        Shape::String(text) if !text.values.is_empty() => Some(known(text.values)),
        _ => None,
    }
}

/// The values of an open list (Drata adds values): a known one in any
/// case, passed on as the spec writes it; any other as given.
fn known(values: &'static [&'static str]) -> ValueParser {
    ValueParser::new(move |given: &str| {
        Ok::<_, std::convert::Infallible>(
            values.iter().find(|v| v.eq_ignore_ascii_case(given)).map_or(given, |v| *v).to_string(),
        )
    })
}

/// One of `values`, in any case, passed on as the spec writes it.
fn one_of(values: &'static [&'static str]) -> ValueParser {
    ValueParser::new(PossibleValuesParser::new(values).map(move |given| {
        values.iter().find(|v| v.eq_ignore_ascii_case(&given)).map_or(given, |v| (*v).to_string())
    }))
}

/// A whole number within the bounds, passed on as text.
fn whole(minimum: Option<i64>, maximum: Option<i64>) -> ValueParser {
    let range = minimum.unwrap_or(i64::MIN)..=maximum.unwrap_or(i64::MAX);
    ValueParser::new(clap::value_parser!(i64).range(range).map(|n| n.to_string()))
}

/// A number, passed on as given.
fn number() -> ValueParser {
    ValueParser::new(|given: &str| {
        given
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(|_| given.trim().to_string())
            .ok_or_else(|| format!("`{given}` is not a number"))
    })
}

/// Whether a form part takes files.
pub fn is_file(shape: &drata::Shape) -> bool {
    match shape {
        drata::Shape::File => true,
        drata::Shape::Nullable(inner) => is_file(inner),
        drata::Shape::Array(list) => is_file(list.items),
        _ => false,
    }
}
