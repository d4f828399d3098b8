//! The commands of `drata op`: every operation of the spec as a command, derived from the
//! generated operations table ([`drata::operations`]), so an operation added
//! to the spec is a command the moment the client is rebuilt. The
//! hand-written commands are porcelain on top.
//!
//! `drata op <operation> [--<param> VALUE]... [--body JSON|@FILE | --file PATH]`:
//! the operation is the client method's name in kebab-case (or Drata's
//! operation id), each parameter a kebab-case flag (or its name in the spec) (repeated for an array; the values of a closed list
//! offered and checked in any case), and the output the JSON answer.

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction};
use drata::{BodyKind, Operation, Parameter, ParameterKind};
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

fn subcommand(operation: &'static Operation) -> clap::Command {
    let permission = operation.permission.map(|p| format!("\nPermission: {p}.")).unwrap_or_default();
    let mut command = clap::Command::new(command_name(operation))
        // A parameter may be named `version` (v2's policy versions).
        .disable_version_flag(true)
        // Drata's own name for it works too: `drata op VendorsPublicController_listVendors`.
        .aliases(Some(operation.drata_operation_id).filter(|id| !id.is_empty()))
        .about(operation.summary)
        .long_about(format!("{}\n\n{}{permission}", operation.summary, operation.describe()));
    for parameter in operation.parameters {
        command = command.arg(argument(parameter));
    }
    match operation.body {
        BodyKind::Json => {
            // With a form beside it, the body is the JSON or the form.
            let form = operation.form_shape.is_some();
            command = command.arg(
                Arg::new("body")
                    .long("body")
                    .value_name("JSON|@FILE")
                    .required(!form)
                    .required_unless_present_any(if form { vec!["file", "field"] } else { vec![] })
                    .conflicts_with_all(if form { vec!["file", "field"] } else { vec![] })
                    .help(format!(
                        "The JSON body{}, inline or from a file (`@people.json`, `@-` for standard input){}",
                        operation.body_schema.map(|s| format!(" (`{s}`)")).unwrap_or_default(),
                        if form { "; or send the form with --file and --field" } else { "" }
                    )),
            );
        }
        BodyKind::Multipart | BodyKind::None => {}
    }
    if let Some(drata::Shape::Object(form)) = operation.form_shape {
        let parts: Vec<&str> = form.properties.iter().map(|p| p.name).collect();
        let only_json_too = operation.body == BodyKind::Json;
        command = command
            .arg(
                Arg::new("file")
                    .long("file")
                    .value_name("[PART=]PATH")
                    .action(ArgAction::Append)
                    .required(!only_json_too && form.properties.iter().any(|p| p.required && is_file(p.shape)))
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
                .help("Fetch every page, and print every item as one JSON array (`page` is ignored)"),
        );
    }
    command
}

fn argument(parameter: &'static Parameter) -> Arg {
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
        .required(parameter.required)
        .help(help)
        .action(if parameter.array { ArgAction::Append } else { ArgAction::Set });
    if !parameter.open && !parameter.values.is_empty() {
        arg = arg.value_parser(PossibleValuesParser::new(parameter.values)).ignore_case(true);
    }
    arg
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
