//! The command line, as users script against it.
//!
//! Global options (`--api-key`, `--region`, `--base-url`, `--timeout`) may
//! come before or after the command; so may `--json`, except after
//! `idp create` and `idp update`, whose `--json FILE` names a personnel list
//! (there, give it first: `drata --json idp create --json people.json`).

use std::path::PathBuf;
use std::str::FromStr;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};
use drata::types::{ConnectionSort, SortDirection};

/// Drata's public API from the shell.
///
/// Exit codes: 0 success; 1 the API or the network failed; 2 usage or
/// invalid input (nothing was sent).
#[derive(Debug, Parser)]
#[command(name = "drata", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// API key [env: DRATA_API_KEY]. Never printed.
    #[arg(long, global = true, env = "DRATA_API_KEY", hide_env = true, value_name = "KEY")]
    pub api_key: Option<String>,
    /// Region of the Drata account: us, eu or apac [env: DRATA_REGION; default: us].
    #[arg(long, global = true, env = "DRATA_REGION", hide_env = true, value_name = "REGION")]
    pub region: Option<String>,
    /// API root including `/public`, e.g. a local fake server's; overrides
    /// --region [env: DRATA_BASE_URL].
    #[arg(long, global = true, env = "DRATA_BASE_URL", hide_env = true, value_name = "URL")]
    pub base_url: Option<String>,
    /// The longest to wait for each answer, in seconds (default 30; uploads
    /// also get the time their size needs) [env: DRATA_TIMEOUT].
    #[arg(long, global = true, env = "DRATA_TIMEOUT", hide_env = true, value_name = "SECONDS")]
    pub timeout: Option<String>,
    /// Print JSON on stdout: the API's answer, or the command's result.
    #[arg(long)]
    pub json: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// `--json` after a command.
#[derive(Debug, Args, Clone, Copy)]
pub struct Output {
    /// Print JSON on stdout: the API's answer, or the command's result.
    #[arg(long)]
    pub json: bool,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Connections of the account.
    #[command(subcommand)]
    Connections(ConnectionsCommand),
    /// Version-control user identities (GitHub, GitLab… accounts).
    #[command(subcommand, name = "vcs-identities")]
    VcsIdentities(VcsCommand),
    /// Manual IdP personnel imports.
    #[command(subcommand)]
    Idp(IdpCommand),
    /// Run the fake Drata server until Ctrl-C. It accepts the key given with
    /// --api-key or DRATA_API_KEY, or else `mock-api-key`.
    Mock(#[command(flatten)] drata_mock::ServeArgs),
    /// Walk through every operation against an in-process fake server.
    Demo,
    /// Any operation of the spec: `drata op <operation> [--<param> VALUE]...
    /// [--body JSON|@FILE]`, the answer printed as JSON. `drata op --list`
    /// lists them; `drata op <operation> --help` shows its parameters.
    #[command(arg_required_else_help = true)]
    Op(OpArgs),
}

/// `drata op` options; each operation is a subcommand, added from the
/// operations table when the command line is built (`op.rs`).
#[derive(Debug, Args)]
pub struct OpArgs {
    /// List every operation with its method, path and summary.
    #[arg(long)]
    pub list: bool,
    #[command(flatten)]
    pub output: Output,
}

/// `drata connections …`
#[derive(Debug, Subcommand)]
pub enum ConnectionsCommand {
    /// List connections, one page or --all.
    List(ListArgs),
}

/// `drata connections list` options.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this provider type, e.g. MDM, IDENTITY (repeatable). A value
    /// this version does not know is sent anyway, with a warning: Drata
    /// adds provider types.
    #[arg(long = "provider-type", value_name = "T")]
    pub provider_types: Vec<String>,
    /// Only this state, e.g. ACTIVE, MISCONFIGURED (an unknown one is sent
    /// anyway, with a warning).
    #[arg(long, value_name = "S")]
    pub state: Option<String>,
    /// Order by this field (any case).
    #[arg(long, value_name = "F", ignore_case = true, value_parser = closed::<ConnectionSort>(ConnectionSort::KNOWN_VALUES))]
    pub sort: Option<ConnectionSort>,
    /// Order direction (any case).
    #[arg(long, value_name = "D", ignore_case = true, value_parser = closed::<SortDirection>(SortDirection::KNOWN_VALUES))]
    pub sort_dir: Option<SortDirection>,
    /// Page to fetch (from 1).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..), conflicts_with = "all")]
    pub page: Option<u32>,
    /// Items per page, 1 to 50.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=50))]
    pub limit: Option<u32>,
    /// Fetch every page.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub output: Output,
}

/// The values of one of the spec's closed enums (`values`, its generated
/// `KNOWN_VALUES`), as clap offers and checks them, parsed into its type.
fn closed<T>(values: &'static [&'static str]) -> impl TypedValueParser<Value = T>
where
    T: FromStr + Clone + Send + Sync + 'static,
{
    // With `ignore_case`, clap accepts any case and passes the value on as typed.
    PossibleValuesParser::new(values).try_map(|value| {
        value.to_ascii_uppercase().parse::<T>().map_err(|_| format!("`{value}` is not a value of the spec"))
    })
}

/// `drata vcs-identities …`
#[derive(Debug, Subcommand)]
pub enum VcsCommand {
    /// Turn write access or push-to-production access on or off.
    #[command(group(ArgGroup::new("switch").args(["on", "off"]).required(true)))]
    Toggle {
        /// The identity's id.
        #[arg(value_parser = clap::value_parser!(i64).range(1..))]
        id: i64,
        /// Which access.
        #[arg(long, value_enum)]
        field: ToggleFieldArg,
        /// Turn it on.
        #[arg(long)]
        on: bool,
        /// Turn it off.
        #[arg(long)]
        off: bool,
        #[command(flatten)]
        output: Output,
    },
    /// Link the identity to a Drata user, or unlink it.
    #[command(group(ArgGroup::new("link").args(["user", "unlink"]).required(true)))]
    Connect {
        /// The identity's id.
        #[arg(value_parser = clap::value_parser!(i64).range(1..))]
        id: i64,
        /// The Drata user to link to.
        #[arg(long = "user", value_name = "USER_ID", value_parser = clap::value_parser!(i64).range(1..))]
        user: Option<i64>,
        /// Unlink the identity.
        #[arg(long)]
        unlink: bool,
        #[command(flatten)]
        output: Output,
    },
}

/// Which access a toggle changes.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ToggleFieldArg {
    /// VERSION_CONTROL_WRITE_ACCESS
    WriteAccess,
    /// VERSION_CONTROL_PUSH_PROD_CODE_ACCESS
    PushProdCodeAccess,
}

/// `drata idp …`
#[derive(Debug, Subcommand)]
pub enum IdpCommand {
    /// Create an IdP connection from a personnel file, and report its id.
    Create {
        /// The personnel.
        #[command(flatten)]
        source: Source,
        /// Validate and show what would be sent; send nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Replace the personnel of an IdP connection.
    Update {
        /// The IdP connection's id.
        #[arg(value_parser = clap::value_parser!(i64).range(1..))]
        connection_id: i64,
        /// The personnel.
        #[command(flatten)]
        source: Source,
        /// Validate and show what would be sent; send nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Check a personnel file (CSV, or JSON `{"personnelData": [...]}`) without sending it.
    Validate {
        /// The file; `.json` files are read as JSON, any other as CSV (`-` or
        /// `/dev/stdin` for standard input).
        file: PathBuf,
        #[command(flatten)]
        output: Output,
    },
}

/// A personnel file: CSV (uploaded as the file) or JSON (`{"personnelData": [...]}`).
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct Source {
    /// Drata's personnel CSV, uploaded as the file (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// A JSON file holding `{"personnelData": [...]}`.
    #[arg(long = "json", value_name = "FILE", id = "json_file")]
    pub json_file: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
