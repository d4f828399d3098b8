//! The CLI reference in Markdown, from the command line's definition: every
//! command with its usage, what it does and its options.

use std::fmt::Write;

/// `docs/cli.md`: every command of [`crate::command`], depth first.
pub fn reference() -> String {
    let mut command = crate::command().bin_name("drata");
    command.build();
    let mut out = String::from(
        "# The `drata` command line\n\n\
         Generated from the command line's definition by `cargo xtask generate`; \
         `cargo xtask check` fails when it is stale. `drata <command> --help` prints the same.\n",
    );
    section(&mut out, &command, "drata", 2);
    out
}

fn section(out: &mut String, command: &clap::Command, path: &str, depth: usize) {
    let heading = "#".repeat(depth.min(4));
    let _ = writeln!(out, "\n{heading} `{path}`\n");
    if let Some(about) = command.get_long_about().or_else(|| command.get_about()) {
        let _ = writeln!(out, "{}\n", about.to_string().trim());
    }
    let usage = command.clone().render_usage().to_string();
    let usage = usage.trim_start_matches("Usage: ").trim();
    let _ = writeln!(out, "```\n{usage}\n```\n");
    let options: Vec<&clap::Arg> = command
        .get_arguments()
        .filter(|a| !a.is_hide_set() && (depth == 2 || !a.is_global_set()))
        .filter(|a| !matches!(a.get_id().as_str(), "help" | "version"))
        .collect();
    for arg in options {
        let name = match (arg.get_long(), arg.get_value_names()) {
            (Some(long), Some(values)) if arg.get_num_args().is_none_or(|n| n.takes_values()) => {
                format!("--{long} <{}>", values.iter().map(ToString::to_string).collect::<Vec<_>>().join(" "))
            }
            (Some(long), _) => format!("--{long}"),
            (None, Some(values)) => {
                format!("<{}>", values.iter().map(ToString::to_string).collect::<Vec<_>>().join(" "))
            }
            (None, None) => format!("<{}>", arg.get_id()),
        };
        let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
        let values: Vec<String> =
            arg.get_possible_values().iter().map(|v| v.get_name().to_string()).collect();
        let values =
            if values.is_empty() { String::new() } else { format!(" Values: {}.", values.join(", ")) };
        let _ = writeln!(out, "- `{name}`: {}{values}", help.trim().replace('\n', " "));
    }
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set() && s.get_name() != "help") {
        section(out, sub, &format!("{path} {}", sub.get_name()), depth + 1);
    }
}
