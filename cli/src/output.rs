//! What the commands print: JSON, tables, progress.

use std::time::Duration;

use drata::types::CompactConnection;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::Failure;
use crate::commands::stderr_is_terminal;

/// Prints a value as pretty JSON on stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Failure> {
    let text =
        serde_json::to_string_pretty(value).map_err(|e| Failure::Api(format!("cannot print JSON: {e}")))?;
    println!("{text}");
    Ok(())
}

/// Prints a line of text on stdout.
pub fn line(text: String) -> Result<(), Failure> {
    println!("{text}");
    Ok(())
}

/// Prints connections as a table.
pub fn print_connections(connections: &[CompactConnection]) {
    let rows: Vec<[String; 6]> = connections
        .iter()
        .map(|c| {
            let providers = c
                .provider_types
                .iter()
                .flatten()
                .map(|p| if p.is_enabled { p.value.to_string() } else { format!("{} (off)", p.value) })
                .collect::<Vec<_>>()
                .join(",");
            [
                c.id.to_string(),
                c.client_type.to_string(),
                c.state.to_string(),
                if c.connected { "yes".into() } else { "no".into() },
                providers,
                c.client_alias.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let header = ["ID", "CLIENT TYPE", "STATE", "CONNECTED", "PROVIDER TYPES", "ALIAS"].map(String::from);
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let line: Vec<String> = row.iter().zip(widths).map(|(cell, w)| format!("{cell:<w$}")).collect();
        println!("{}", line.join("  ").trim_end());
    }
}

/// A progress bar on stderr, drawn only on a terminal.
pub fn progress_bar(what: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(0), draw_target());
    if let Ok(style) = ProgressStyle::with_template(&format!("{{bar:30}} {{pos}}/{{len}} {what}")) {
        bar.set_style(style);
    }
    bar
}

/// A spinner on stderr, drawn only on a terminal.
pub fn spinner(message: &str) -> ProgressBar {
    let spinner = ProgressBar::with_draw_target(None, draw_target());
    spinner.set_message(message.to_string());
    spinner.enable_steady_tick(Duration::from_millis(120));
    spinner
}

fn draw_target() -> ProgressDrawTarget {
    if stderr_is_terminal() { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() }
}
