//! The command line, as users script against it.
//!
//! Global options (`--profile`, `--api-key`, `--region`, `--base-url`,
//! `--timeout`, `--output`, `--allow-writes`, `--yes`, `--dry-run`,
//! `--verbose`) may come before or after the command.

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
    /// The stored profile to use (see `drata auth`) [env: DRATA_PROFILE;
    /// default: default]. A key given with --api-key comes before the
    /// profile's; this flag comes before DRATA_API_KEY, which comes before
    /// DRATA_PROFILE.
    #[arg(long, global = true, env = "DRATA_PROFILE", hide_env = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// API key [env: DRATA_API_KEY]. Never printed. Prefer `drata auth
    /// login`, which keeps it out of shell history.
    #[arg(long, global = true, env = "DRATA_API_KEY", hide_env = true, value_name = "KEY")]
    pub api_key: Option<String>,
    /// Region of the Drata account: us, eu or apac [env: DRATA_REGION; default: us].
    #[arg(long, global = true, env = "DRATA_REGION", hide_env = true, value_name = "REGION")]
    pub region: Option<String>,
    /// API root including `/public`, e.g. a local fake server's; overrides
    /// --region [env: DRATA_BASE_URL].
    #[arg(long, global = true, env = "DRATA_BASE_URL", hide_env = true, value_name = "URL")]
    pub base_url: Option<String>,
    /// The longest to wait for each answer, in seconds (default 30; an
    /// upload also gets the time its size needs). A call, with its retries
    /// and its waits for the rate limit, ends after four times as long (so
    /// 2 minutes by default) [env: DRATA_TIMEOUT].
    #[arg(long, global = true, env = "DRATA_TIMEOUT", hide_env = true, value_name = "SECONDS")]
    pub timeout: Option<String>,
    /// The most requests to send in any minute (default 500, Drata's limit
    /// per source address), shared by every drata of yours talking to the
    /// same host; 0 for no limit of the client's own [env: DRATA_RATE_LIMIT].
    #[arg(long, global = true, env = "DRATA_RATE_LIMIT", hide_env = true, value_name = "N")]
    pub rate_limit: Option<String>,
    /// What to print on stdout: `table`, `json` (Drata's answer as it came,
    /// or the command's result; a failure as `{"error": {...}}`), `ndjson`
    /// (one JSON value a line; a listing's items one a line, each page
    /// printed as it arrives) or `auto`: a table on a terminal, JSON
    /// otherwise [env: DRATA_OUTPUT; default: auto].
    #[arg(
        long,
        short = 'o',
        global = true,
        env = "DRATA_OUTPUT",
        hide_env = true,
        value_enum,
        value_name = "FORMAT"
    )]
    pub output: Option<OutputFormat>,
    /// The same as `--output json`.
    #[arg(long, global = true)]
    pub json: bool,
    /// Let this command write (POST, PUT, PATCH, DELETE) although the
    /// profile does not allow writes, or the key came from --api-key or
    /// DRATA_API_KEY. With `auth login`: the profile allows writes.
    #[arg(long, global = true)]
    pub allow_writes: bool,
    /// Send a write without asking for confirmation (needed when not on a
    /// terminal).
    #[arg(long, short = 'y', global = true)]
    pub yes: bool,
    /// Check a write and show what it would send; send nothing.
    #[arg(long, global = true)]
    pub dry_run: bool,
    /// Say on stderr where the key (its last 4 characters) and the API root
    /// the command uses come from: a flag, the environment or a profile.
    #[arg(long, global = true)]
    pub verbose: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// `--output`'s formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// A table on a terminal, JSON otherwise.
    Auto,
    /// Tables and lines of text.
    Table,
    /// JSON.
    Json,
    /// One JSON value a line.
    Ndjson,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Store an API key under a profile, check it, forget it.
    #[command(subcommand)]
    Auth(AuthCommand),
    /// Connections of the account.
    #[command(subcommand)]
    Connections(ConnectionsCommand),
    /// Version-control user identities (GitHub, GitLab… accounts).
    #[command(subcommand, name = "vcs-identities")]
    VcsIdentities(VcsCommand),
    /// Infrastructure user identities (AWS, GCP, Azure… accounts).
    #[command(subcommand, name = "infra-identities")]
    InfraIdentities(InfraCommand),
    /// Drata users.
    #[command(subcommand)]
    Users(UsersCommand),
    /// Any endpoint of Drata's API under the API root, through the same
    /// client (key, region, retries, rate limit, errors, exit codes); the
    /// answer printed as JSON.
    Api(ApiArgs),
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
    /// Any operation of Drata's v2 API, as `drata op` does v1's: `drata v2
    /// <operation> [--<param> VALUE]... [--body JSON|@FILE]`, the answer
    /// printed as JSON; `--all` on a listing follows its cursors to the
    /// last page. `drata v2 --list` lists them.
    #[command(arg_required_else_help = true)]
    V2(OpArgs),
    /// Print a shell completion script: `drata completion bash >
    /// ~/.local/share/bash-completion/completions/drata`.
    Completion {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// `drata auth …`
#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Store an API key under a profile (--profile, default `default`),
    /// with its region (--region, default us), an API root only when
    /// --base-url is given, and whether it may write (--allow-writes); it
    /// replaces the whole profile of that name. The key is read from
    /// standard input, or asked for without echo on a terminal; never from
    /// the command line. It is kept in the OS keychain where one is
    /// available, else in a file only you can read under your config
    /// directory.
    Login,
    /// The key the command line would use and its profile: the host it
    /// talks to, the region, whether it may write, where the key is kept,
    /// its last 4 characters, and whether the server (named: Drata, or a
    /// host that is not Drata's) accepts it (one read). Exits 0 when it does.
    Status,
    /// Forget the profile and its key.
    Logout,
    /// The stored profiles and the host each talks to, one a line (with
    /// `--output json`, an array).
    List,
}

/// `drata op` and `drata v2` options; each operation is a subcommand,
/// added from its version's operations table when the command line is
/// built (`operations.rs`).
#[derive(Debug, Args)]
pub struct OpArgs {
    /// List every operation with its method, path and summary.
    #[arg(long)]
    pub list: bool,
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

/// Which identity: its id, or its username (looked up first).
#[derive(Debug, Clone, Args)]
#[group(id = "identity", required = true, multiple = false)]
pub struct IdentityRef {
    /// The identity's id.
    #[arg(value_parser = clap::value_parser!(i64).range(1..), group = "identity")]
    pub id: Option<i64>,
    /// The identity's username instead of its id (exactly one identity
    /// must have it).
    #[arg(long, value_name = "NAME", group = "identity")]
    pub username: Option<String>,
}

/// Options of the identity listings.
#[derive(Debug, Args)]
pub struct IdentityListArgs {
    /// Only identities whose id, username or email contains Q.
    #[arg(long, value_name = "Q")]
    pub search: Option<String>,
    /// Only identities of this client type, e.g. GITHUB, AWS (any case; a
    /// value this version does not know is sent anyway, with a warning).
    #[arg(long, value_name = "T")]
    pub client_type: Option<String>,
    /// Only identities of this connection.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(1..))]
    pub connection_id: Option<i64>,
    /// Order by this field (any case): see `--help` for the values.
    #[arg(long, value_name = "F")]
    pub sort: Option<String>,
    /// Order direction (any case).
    #[arg(long, value_name = "D", ignore_case = true, value_parser = closed::<SortDirection>(SortDirection::KNOWN_VALUES))]
    pub sort_dir: Option<SortDirection>,
    #[command(flatten)]
    pub paging: Paging,
}

/// Which page of a listing, or all.
#[derive(Debug, Clone, Copy, Args)]
pub struct Paging {
    /// Page to fetch (from 1).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..), conflicts_with = "all")]
    pub page: Option<u32>,
    /// Items per page, 1 to 50.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=50))]
    pub limit: Option<u32>,
    /// Fetch every page.
    #[arg(long)]
    pub all: bool,
}

/// Mark a service account, or unmark it.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("mark").args(["on", "off"]).required(true)))]
pub struct ServiceAccountArgs {
    #[command(flatten)]
    pub identity: IdentityRef,
    /// Mark it a service account (give --reason).
    #[arg(long, requires = "reason")]
    pub on: bool,
    /// Unmark it.
    #[arg(long, conflicts_with = "reason")]
    pub off: bool,
    /// Why it is a service account (up to 30,000 characters).
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

/// Link an identity to a Drata user, or unlink it.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("link").args(["user", "user_email", "unlink"]).required(true)))]
pub struct ConnectArgs {
    #[command(flatten)]
    pub identity: IdentityRef,
    /// The Drata user to link to.
    #[arg(long = "user", value_name = "USER_ID", value_parser = clap::value_parser!(i64).range(1..))]
    pub user: Option<i64>,
    /// The Drata user to link to, by email (looked up first).
    #[arg(long, value_name = "EMAIL")]
    pub user_email: Option<String>,
    /// Unlink the identity.
    #[arg(long)]
    pub unlink: bool,
}

/// `drata infra-identities …`
#[derive(Debug, Subcommand)]
pub enum InfraCommand {
    /// List infrastructure identities, one page or --all.
    List(IdentityListArgs),
    /// Turn admin access or production database access on or off.
    #[command(group(ArgGroup::new("switch").args(["on", "off"]).required(true)))]
    Toggle {
        #[command(flatten)]
        identity: IdentityRef,
        /// Which access.
        #[arg(long, value_enum)]
        field: InfraToggleFieldArg,
        /// Turn it on.
        #[arg(long)]
        on: bool,
        /// Turn it off.
        #[arg(long)]
        off: bool,
    },
    /// Link the identity to a Drata user, or unlink it.
    Connect(ConnectArgs),
    /// Mark the identity a service account (with the reason), or unmark it.
    ServiceAccount(ServiceAccountArgs),
}

/// Which infrastructure access a toggle changes.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum InfraToggleFieldArg {
    /// INFRASTRUCTURE_ADMIN_ACCESS
    AdminAccess,
    /// INFRASTRUCTURE_DB_ACCESS
    DbAccess,
}

/// `drata users …`
#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// List users, one page or --all.
    List {
        /// Only users whose first, last or full name or email contains Q.
        #[arg(long, value_name = "Q")]
        search: Option<String>,
        /// Only users with this role, e.g. ADMIN, TECHGOV (repeatable; any case).
        #[arg(long = "role", value_name = "R")]
        roles: Vec<String>,
        #[command(flatten)]
        paging: Paging,
    },
    /// One user, by id or by email.
    #[command(group(ArgGroup::new("user").args(["id", "email"]).required(true)))]
    Get {
        /// The user's id.
        #[arg(value_parser = clap::value_parser!(i64).range(1..))]
        id: Option<i64>,
        /// The user's email address.
        #[arg(long, value_name = "EMAIL")]
        email: Option<String>,
    },
}

/// `drata api METHOD PATH …`
#[derive(Debug, Args)]
pub struct ApiArgs {
    /// GET, POST, PUT, PATCH or DELETE (any case).
    #[arg(value_name = "METHOD")]
    pub method: String,
    /// The path under the API root, e.g. `/users/7`.
    #[arg(value_name = "PATH")]
    pub path: String,
    /// A typed parameter: the query's for GET and DELETE, the JSON body's
    /// otherwise. `true`, `false`, `null` and integers are JSON literals,
    /// anything else a string; a repeated key is an array (repeatable).
    #[arg(long = "field", short = 'F', value_name = "KEY=VALUE")]
    pub fields: Vec<String>,
    /// A parameter sent as the text given, always a string (`-f reason=2024`
    /// sends `"2024"`); repeatable, and a repeated key is an array.
    #[arg(long = "raw-field", short = 'f', value_name = "KEY=VALUE")]
    pub raw_fields: Vec<String>,
    /// The JSON body from a file (`-`: standard input).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["fields", "raw_fields"])]
    pub input: Option<PathBuf>,
    /// Follow page/limit/total to the end and print one JSON array of every
    /// `data` item (GET).
    #[arg(long)]
    pub paginate: bool,
}

/// `drata vcs-identities …`
#[derive(Debug, Subcommand)]
pub enum VcsCommand {
    /// List version-control identities, one page or --all.
    List(IdentityListArgs),
    /// Turn write access or push-to-production access on or off.
    #[command(group(ArgGroup::new("switch").args(["on", "off"]).required(true)))]
    Toggle {
        #[command(flatten)]
        identity: IdentityRef,
        /// Which access.
        #[arg(long, value_enum)]
        field: ToggleFieldArg,
        /// Turn it on.
        #[arg(long)]
        on: bool,
        /// Turn it off.
        #[arg(long)]
        off: bool,
    },
    /// Link the identity to a Drata user, or unlink it.
    Connect(ConnectArgs),
    /// Mark the identity a service account (with the reason), or unmark it.
    ServiceAccount(ServiceAccountArgs),
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
    },
    /// Replace the personnel of an IdP connection.
    Update {
        /// The IdP connection's id.
        #[arg(value_parser = clap::value_parser!(i64).range(1..))]
        connection_id: i64,
        /// The personnel.
        #[command(flatten)]
        source: Source,
    },
    /// Check a personnel file (CSV, or JSON `{"personnelData": [...]}`) without sending it.
    Validate {
        /// The file; `.json` files are read as JSON, any other as CSV (`-` or
        /// `/dev/stdin` for standard input).
        file: PathBuf,
    },
}

/// A personnel file: CSV (uploaded as the file) or JSON (`{"personnelData": [...]}`).
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct Source {
    /// The personnel file: CSV, or JSON `{"personnelData": [...]}`, told
    /// apart by its content (`-` for standard input).
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Drata's personnel CSV, uploaded as the file (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// A JSON file holding `{"personnelData": [...]}` (the FILE argument
    /// tells JSON by its content).
    #[arg(long = "json-file", value_name = "FILE", hide = true)]
    pub json_file: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        super::Cli::command().debug_assert();
        // With one subcommand per operation, whose flags must not clash with the global ones.
        crate::command().debug_assert();
    }
}
