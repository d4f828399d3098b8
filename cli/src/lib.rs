//! The `drata` command line's definition, shared by the binary and by
//! `cargo xtask generate`, which writes the CLI reference (`docs/cli.md`)
//! from it. What the commands do is in the binary (`main.rs`).

pub mod args;
pub mod operations;
mod reference;

pub use reference::reference;

/// The whole command line: the derived commands, with one `op` subcommand
/// per operation of the v1 spec and one `v2` subcommand per operation of
/// the v2 spec.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    args::Cli::command()
        .mut_subcommand("op", |op| operations::with_operations(op, operations::Version::V1))
        .mut_subcommand("v2", |v2| operations::with_operations(v2, operations::Version::V2))
}
