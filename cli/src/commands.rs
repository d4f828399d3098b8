//! The API commands: `connections`, `vcs-identities`, `idp`.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use drata::personnel::{PersonnelCsv, PersonnelError, ValidationReport};
use drata::types::{CompactConnection, ConnectionState, PersonnelImport, ProviderType};
use drata::{Client, ConnectionFilter, Region, Tolerant};
use futures::TryStreamExt;
use serde_json::json;

use crate::Failure;
use crate::output::{self, Format, Stdout, text};
use crate::store::{Key, KeyStore, Profile, Store};
use clap::ArgMatches;
use clap::parser::ValueSource;
use drata_cli::args::{Cli, IdpCommand, ListArgs, Source};

/// The profile used when none is named.
pub const DEFAULT_PROFILE: &str = "default";

/// Where a setting came from: this command line, or the environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// A flag of this command line.
    Line,
    /// An environment variable.
    Env,
}

impl Origin {
    /// The setting's flag or variable, by where it came from.
    fn name(self, flag: &'static str, variable: &'static str) -> &'static str {
        match self {
            Origin::Line => flag,
            Origin::Env => variable,
        }
    }
}

/// Whose key a command uses, and what chose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Whose {
    /// The key given with --api-key (`Line`) or DRATA_API_KEY (`Env`): no profile.
    Given(Origin),
    /// The stored profile, named with --profile (`Line`), DRATA_PROFILE
    /// (`Env`) or neither (`default`).
    Profile(Option<Origin>),
}

/// The options every command shares, read once.
pub struct Context {
    /// Whose key the command uses: decided here, once, for every command.
    whose: Whose,
    /// The key given with --api-key or DRATA_API_KEY, when it is the one used.
    key_given: Option<String>,
    /// A key given with --api-key or DRATA_API_KEY, used or not (what
    /// `drata mock` accepts).
    api_key: Option<String>,
    /// The profile's name (`--profile`, `DRATA_PROFILE`, else `default`).
    profile_name: String,
    /// The stored profile, when its key is the one used and one is stored
    /// under that name.
    profile: Option<Profile>,
    /// Why the stored profiles could not be read, said when the key is needed.
    store_error: Option<String>,
    region: Region,
    /// The region given with --region or DRATA_REGION.
    region_given: Option<(Region, Origin)>,
    base_url: Option<String>,
    /// The API root given with --base-url or DRATA_BASE_URL.
    base_url_given: Option<(String, Origin)>,
    /// Whether the API root is the stored profile's base URL.
    root_from_profile: bool,
    /// What a command that uses the key says once on stderr (the warning
    /// of a profile's base URL that is not Drata's).
    said: std::sync::Once,
    /// The key used and where it came from, in words, once a client has it
    /// (for `--verbose` and the error of a key refused).
    told: std::sync::OnceLock<String>,
    verbose: bool,
    timeout: Option<Duration>,
    /// `--rate-limit`: requests in any minute; `Some(0)` for none.
    rate_limit: Option<u32>,
    /// What stdout gets (`--output`, `--json`; `auto` resolved).
    format: Format,
    allow_writes: bool,
    yes: bool,
    dry_run: bool,
}

/// An option given as an empty string (`DRATA_REGION=`) is not given.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl Context {
    /// The settings of `cli`, and which key, profile and API root the
    /// command uses: a flag given on this command line beats the
    /// environment, which beats a stored profile, which beats the defaults
    /// (`matches` tells a flag from its variable). So `--api-key` comes
    /// first, then `--profile`, then `DRATA_API_KEY` (when not empty), then
    /// the profile of `DRATA_PROFILE`, else `default`.
    pub fn new(cli: &Cli, matches: &ArgMatches) -> Result<Self, Failure> {
        let source = |id: &str| match matches.value_source(id) {
            Some(ValueSource::CommandLine) => Some(Origin::Line),
            Some(ValueSource::EnvVariable) => Some(Origin::Env),
            _ => None,
        };
        // An empty key, given either way, is unset.
        let key_source = source("api_key").filter(|_| given(&cli.api_key).is_some());
        let profile_source = source("profile").filter(|_| given(&cli.profile).is_some());
        let whose = match (key_source, profile_source) {
            (Some(Origin::Line), _) => Whose::Given(Origin::Line),
            (_, Some(Origin::Line)) => Whose::Profile(Some(Origin::Line)),
            (Some(Origin::Env), _) => Whose::Given(Origin::Env),
            (None, named) => Whose::Profile(named),
        };
        let key_given = given(&cli.api_key).filter(|_| matches!(whose, Whose::Given(_))).map(str::to_string);
        let profile_name = given(&cli.profile).unwrap_or(DEFAULT_PROFILE).to_string();
        // The profile serves when its key is the one used; a profile named
        // that is not stored is an error then (see `key`).
        let (profile, store_error) = match whose {
            Whose::Given(_) => (None, None),
            Whose::Profile(_) => match Store::open() {
                Ok(store) => (store.profile(&profile_name).cloned(), None),
                Err(e) => (None, Some(e)),
            },
        };
        let region_given = given(&cli.region)
            .map(|region| {
                Ok::<_, Failure>((region.parse::<Region>()?, source("region").unwrap_or(Origin::Line)))
            })
            .transpose()?;
        let region = match (region_given, &profile) {
            (Some((region, _)), _) => region,
            (None, Some(profile)) => profile.region.parse::<Region>()?,
            (None, None) => Region::default(),
        };
        let timeout = given(&cli.timeout)
            .map(|t| {
                t.parse::<f64>()
                    .ok()
                    .filter(|s| s.is_finite() && *s > 0.0)
                    .and_then(|s| Duration::try_from_secs_f64(s).ok())
                    .ok_or_else(|| {
                        invalid(format!("--timeout must be a number of seconds above 0, not `{t}`"))
                    })
            })
            .transpose()?;
        let rate_limit = given(&cli.rate_limit)
            .map(|n| {
                n.parse::<u32>().map_err(|_| {
                    invalid(format!(
                        "--rate-limit must be a whole number of requests per minute (0: no limit), not `{n}`"
                    ))
                })
            })
            .transpose()?;
        let base_url_given =
            given(&cli.base_url).map(|url| (url.to_string(), source("base_url").unwrap_or(Origin::Line)));
        let base_url = match &base_url_given {
            Some((url, _)) => Some(url.clone()),
            None if region_given.is_some() => None,
            None => profile.as_ref().and_then(|p| p.base_url.clone()),
        };
        let root_from_profile = base_url.is_some() && base_url_given.is_none();
        Ok(Self {
            whose,
            key_given,
            api_key: given(&cli.api_key).map(str::to_string),
            profile_name,
            profile,
            store_error,
            region,
            region_given,
            base_url,
            base_url_given,
            root_from_profile,
            said: std::sync::Once::new(),
            told: std::sync::OnceLock::new(),
            verbose: cli.verbose,
            timeout,
            rate_limit,
            format: Format::resolve(cli.output, cli.json),
            allow_writes: cli.allow_writes,
            yes: cli.yes,
            dry_run: cli.dry_run,
        })
    }

    /// Whether stdout gets JSON (`--output json` or `ndjson`, or `auto`
    /// when it is not a terminal).
    pub fn json(&self) -> bool {
        self.format != Format::Table
    }

    /// What stdout gets.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Whether `--dry-run` was given.
    pub fn dry_run(&self) -> bool {
        self.dry_run
    }

    /// The profile's name, and the profile when it is the key's.
    pub fn profile(&self) -> (&str, Option<&Profile>) {
        (&self.profile_name, self.profile.as_ref())
    }

    /// What a login stores: the region and API root given on this command
    /// (or in the environment), never a stored profile's.
    pub fn given_root(&self) -> (Region, Option<&str>) {
        (
            self.region_given.map(|(region, _)| region).unwrap_or_default(),
            self.base_url_given.as_ref().map(|(url, _)| url.as_str()),
        )
    }

    /// Whether the key used is a stored profile's (else one given with
    /// --api-key or DRATA_API_KEY).
    pub fn uses_profile(&self) -> bool {
        matches!(self.whose, Whose::Profile(_))
    }

    /// Where the key used comes from, in words: `DRATA_API_KEY`, `the
    /// profile `ci` (named by --profile)`…
    pub fn key_origin(&self) -> String {
        let name = text(&self.profile_name);
        match self.whose {
            Whose::Given(source) => source.name("--api-key", drata::API_KEY_ENV).to_string(),
            Whose::Profile(Some(source)) => {
                format!("the profile `{name}` (named by {})", source.name("--profile", "DRATA_PROFILE"))
            }
            Whose::Profile(None) => format!("the profile `{name}` (none named)"),
        }
    }

    /// What chose the API root, in words.
    fn root_origin(&self) -> String {
        match (&self.base_url_given, self.root_from_profile, self.region_given) {
            (Some((_, source)), ..) => format!("given with {}", source.name("--base-url", "DRATA_BASE_URL")),
            (None, true, _) => "the profile's base URL".to_string(),
            (None, false, Some((region, source))) => {
                format!("the region {region}, given with {}", source.name("--region", "DRATA_REGION"))
            }
            (None, false, None) if self.profile.is_some() => {
                format!("the region {} of the profile", self.region)
            }
            (None, false, None) => format!("the region {}, the default", self.region),
        }
    }

    /// Whether `--allow-writes` was given.
    pub fn allow_writes_given(&self) -> bool {
        self.allow_writes
    }

    /// The API root the command talks to: the base URL given, else the
    /// profile's, else the region's.
    pub fn root(&self) -> &str {
        self.base_url.as_deref().unwrap_or(self.region.base_url())
    }

    /// Whose key the command uses, in words: `as the profile `ci``, or
    /// `with the key of …` given otherwise.
    pub fn whose_key(&self) -> String {
        match self.whose {
            Whose::Given(_) => format!("with the key of {} (no profile)", self.key_origin()),
            Whose::Profile(_) => format!("as the profile `{}`", text(&self.profile_name)),
        }
    }

    /// The region (given, or the profile's, or `us`).
    pub fn region(&self) -> Region {
        self.region
    }

    /// A key given with --api-key or DRATA_API_KEY, if any, whether or not
    /// it is the one used (what `drata mock` accepts).
    pub fn api_key(&self) -> Option<&str> {
        self.api_key.as_deref()
    }

    /// The key to use: the one given, else the profile's.
    pub fn key(&self) -> Result<Key, Failure> {
        if let Some(key) = &self.key_given {
            return Key::new(key).ok_or_else(|| invalid("the API key is empty"));
        }
        if let Some(error) = &self.store_error {
            return Err(invalid(error.clone()));
        }
        if self.profile.is_some() {
            return Store::open().and_then(|store| store.key(&self.profile_name)).map_err(Failure::Invalid);
        }
        let login = if self.profile_name == DEFAULT_PROFILE {
            "no API key: run `drata auth login`".to_string()
        } else {
            format!(
                "no profile `{0}` is stored, so no API key: run `drata auth login --profile {0}`",
                self.profile_name
            )
        };
        Err(invalid(format!(
            "{login}, give --api-key KEY or set {} (create keys in Drata under Settings → API Keys)",
            drata::API_KEY_ENV
        )))
    }

    /// A client for the chosen region or base URL; invalid settings fail
    /// before anything is sent. A pause of over a second (the rate limit, a
    /// retry) is said on stderr, so that the command never falls silent.
    pub fn client(&self) -> Result<Client, Failure> {
        let key = self.key()?;
        self.told.get_or_init(|| {
            let told = format!("the key {} comes from {}", key.masked(), self.key_origin());
            if self.verbose {
                let kept = match (&self.profile, crate::store::profiles_path()) {
                    (Some(profile), _) if profile.key_store == KeyStore::Keychain => {
                        ", kept in the OS keychain".to_string()
                    }
                    (Some(_), Ok(path)) => format!(", kept in `{}`", path.display()),
                    (Some(_), Err(_)) => String::new(),
                    (None, _) => " (no profile)".to_string(),
                };
                output::eprint_line(&format!("note: {told}{kept}"));
                output::eprint_line(&format!(
                    "note: requests go to {} ({}, {})",
                    host(self.root()),
                    text(self.root()),
                    self.root_origin()
                ));
            }
            told
        });
        self.say_once();
        let mut builder = Client::builder().region(self.region).api_key(key.expose()).on_wait(|wait| {
            if wait.duration > Duration::from_secs(1) {
                output::eprint_line(&format!("note: {wait}"));
            }
        });
        if let Some(url) = &self.base_url {
            builder = builder.base_url(url);
        }
        if let Some(timeout) = self.timeout {
            // Each answer may take `timeout`; the call as a whole, its
            // retries and waits for the rate limit included, four times as
            // long, as the defaults do (30 s and 2 minutes).
            builder = builder.attempt_timeout(timeout).call_deadline(Some(timeout.saturating_mul(4)));
        }
        if let Some(n) = self.rate_limit {
            builder = builder.rate_limit((n > 0).then(|| drata::RateLimit::per_minute(n)));
        }
        if let Some(mib) = max_answer_mib()? {
            builder = builder.max_answer_bytes(mib.saturating_mul(1 << 20));
        }
        Ok(builder.build()?)
    }

    /// Says once on stderr what a command that uses the key should know
    /// before anything is sent: a profile's key sent elsewhere than Drata
    /// (a test server's URL given at login), on every use, not only at login.
    fn say_once(&self) {
        self.said.call_once(|| {
            if self.uses_profile() && self.root_from_profile && !is_drata_host(self.root()) {
                output::warn(&format!(
                    "the profile `{0}` sends its key to {1}, not a Drata region host (its base URL `{2}`, given at login); `drata auth login --profile {0}` without --base-url sends it to Drata",
                    self.profile_name,
                    host(self.root()),
                    self.root()
                ));
            }
        });
    }

    /// Whether writes are allowed: `--allow-writes`, or a profile that
    /// allows them and whose key this is.
    fn writes_allowed(&self) -> bool {
        self.allow_writes || (self.uses_profile() && self.profile.as_ref().is_some_and(|p| p.allow_writes))
    }

    /// The gate every write passes before anything is sent (`method` and
    /// `path` from the API root, `sends` what it sends in one line, `plan`
    /// what `--dry-run` prints as JSON): `Ok(true)` to send, `Ok(false)`
    /// after a dry run printed the plan (of a read too), an error (exit 2)
    /// when writes are not allowed or not confirmed. A GET needs neither.
    pub async fn permit_write(
        &self,
        out: &mut Stdout,
        method: &str,
        path: &str,
        sends: &str,
        plan: serde_json::Value,
    ) -> Result<bool, Failure> {
        self.say_once();
        let what = format!("{} {}", method.to_ascii_uppercase(), text(path));
        // A dry run sends nothing, a read neither.
        if self.dry_run {
            if self.json() {
                out.json(&json!({"dryRun": true, "method": method.to_ascii_uppercase(), "path": path, "request": plan}))?;
            } else {
                out.line(&format!("dry run: would send {what}: {}", text(sends)))?;
                out.line("nothing was sent")?;
            }
            return Ok(false);
        }
        if method.eq_ignore_ascii_case("GET") {
            return Ok(true);
        }
        if !self.writes_allowed() {
            let whose = match self.whose {
                Whose::Given(_) => {
                    "a key given with --api-key or DRATA_API_KEY has no profile that allows writes"
                        .to_string()
                }
                Whose::Profile(_) => format!("the profile `{}` does not allow writes", self.profile_name),
            };
            return Err(invalid(format!(
                "{what} is a write and {whose}: give --allow-writes to send it (or log in with `drata auth login --allow-writes`); nothing was sent"
            )));
        }
        if self.yes {
            return Ok(true);
        }
        if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
            return Err(invalid(format!(
                "{what} is a write and there is no terminal to confirm it on: give --yes to send it; nothing was sent"
            )));
        }
        let answer = crate::prompt::ask(
            format!(
                "{what}\n  to {}, {}\n  sends {sends}\nSend it? [y/N] ",
                host(self.root()),
                self.whose_key()
            ),
            false,
        )
        .await?;
        match answer.trim().to_ascii_lowercase().as_str() {
            "y" | "yes" => Ok(true),
            _ => Err(invalid("not confirmed; nothing was sent")),
        }
    }
}

/// The host of an API root as a person reads it: its name, and its port
/// when it is not the scheme's (`127.0.0.1:8080`); the URL itself when it
/// names no host.
pub fn host(root: &str) -> String {
    let Ok(url) = url::Url::parse(root) else { return text(root).into_owned() };
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_string(),
        (None, _) => text(root).into_owned(),
    }
}

/// Whether an API root's host is one of Drata's regions' (us, eu, apac).
pub fn is_drata_host(root: &str) -> bool {
    let name = |root: &str| url::Url::parse(root).ok().and_then(|url| url.host_str().map(str::to_string));
    name(root)
        .is_some_and(|host| Region::ALL.iter().any(|region| name(region.base_url()).as_ref() == Some(&host)))
}

impl Context {
    /// A call refused for its key (401) or its permissions (403) says where
    /// the key came from, which the key itself (never shown) cannot.
    pub fn name_the_key(&self, failure: Failure) -> Failure {
        match (&failure, self.told.get()) {
            (Failure::Call(e), Some(told)) if matches!(e.status(), Some(401 | 403)) => {
                Failure::Noted(Box::new(failure), told.clone())
            }
            _ => failure,
        }
    }
}

fn invalid(message: impl Into<String>) -> Failure {
    Failure::Invalid(message.into())
}

/// Drata's enum values, in any case.
fn upper(value: &str) -> String {
    value.trim().to_ascii_uppercase()
}

/// A value of one of Drata's growing enums: an unknown one is sent anyway
/// (Drata adds values faster than clients follow), with a warning.
pub fn open_value<T: From<String>>(
    value: &str,
    what: &str,
    known: &[&str],
    is_known: impl Fn(&T) -> bool,
) -> T {
    let parsed = T::from(upper(value));
    if !is_known(&parsed) {
        output::warn(&format!(
            "`{value}` is not a {what} this version of drata knows ({}); sending it anyway, as Drata adds new ones",
            known.join(", ")
        ));
    }
    parsed
}

/// `drata connections list`
pub async fn list_connections(context: &Context, out: &mut Stdout, args: ListArgs) -> Result<(), Failure> {
    let provider_types: Vec<ProviderType> = args
        .provider_types
        .iter()
        .map(|t| open_value(t, "provider type", ProviderType::KNOWN_VALUES, ProviderType::is_known))
        .collect();
    let state = args
        .state
        .as_deref()
        .map(|s| open_value(s, "connection state", ConnectionState::KNOWN_VALUES, ConnectionState::is_known));
    // The sort order is a closed list: clap refused an unknown one.
    let (sort, sort_dir) = (args.sort, args.sort_dir);
    let format = context.format();
    let operation = &drata::operations::LIST_CONNECTIONS;
    // Every page: as many connections a page as the spec allows, unless told.
    let page_size = if args.all { crate::listing::page_size(operation, args.limit) } else { args.limit };
    let mut query: Vec<(&str, String)> = Vec::new();
    query.extend(provider_types.iter().map(|t| ("providerTypes", crate::listing::wire(t))));
    query.extend(state.iter().map(|s| ("state", crate::listing::wire(s))));
    query.extend(sort.iter().map(|s| ("sort", crate::listing::wire(s))));
    query.extend(sort_dir.iter().map(|d| ("sortDir", crate::listing::wire(d))));
    query.extend(args.page.filter(|_| !args.all).map(|p| ("page", p.to_string())));
    query.extend(page_size.map(|l| ("limit", l.to_string())));
    if !crate::listing::gate(context, out, operation, &query).await? {
        return Ok(());
    }
    let client = context.client()?;

    if args.all {
        let filter = ConnectionFilter {
            provider_types,
            state,
            sort,
            sort_dir,
            page_size: page_size.unwrap_or(ConnectionFilter::default().page_size),
            ..ConnectionFilter::default()
        };
        let progress = output::items_bar("connections");
        let mut pages = client.connection_pages(filter);
        let mut tally = crate::listing::Tally::default();
        let mut stream = crate::listing::Streamed::begin(out, format)?;
        let mut all = Vec::new();
        loop {
            let page = match pages.try_next().await {
                Ok(Some(page)) => page,
                Ok(None) => break,
                Err(error) => {
                    progress.finish_and_clear();
                    return Err(stream.fail(out, error.into()));
                }
            };
            output::set_items_total(&progress, "connections", u64::try_from(page.total).unwrap_or(0));
            progress.inc(page.data.len() as u64);
            tally.page(page.data.len(), u64::try_from(page.total).ok());
            stream.came(Some(format!("--page {}", page.page.saturating_add(1))));
            if !stream.page(out, &page.data)? {
                all.extend(page.data);
            }
        }
        progress.finish_and_clear();
        tally.finish("connections");
        if stream.end(out)? {
            return Ok(());
        }
        print_connections(out, &all)?;
        out.line(&format!("{} connection(s)", all.len()))
    } else {
        let mut request = client.list_connections();
        if let Some(page) = args.page {
            request = request.page(page);
        }
        if let Some(limit) = args.limit {
            request = request.limit(limit);
        }
        if !provider_types.is_empty() {
            request = request.provider_types(provider_types);
        }
        if let Some(state) = state {
            request = request.state(state);
        }
        if let Some(sort) = sort {
            request = request.sort(sort);
        }
        if let Some(direction) = sort_dir {
            request = request.sort_dir(direction);
        }
        let answer = request.send().await?;
        if format == Format::Json {
            return out.raw_json(answer.bytes());
        }
        let page = answer.into_inner();
        if format == Format::Ndjson {
            return page.data.iter().try_for_each(|item| out.item(item));
        }
        print_connections(out, &page.data)?;
        out.line(&crate::listing::footer("connection(s)", page.page, page.limit, page.total, page.data.len()))
    }
}

/// Prints connections as a table; server text is shown, never acted on. A
/// connection that does not have the documented shape is printed from what
/// Drata sent, and a note under the table says what did not fit.
pub fn print_connections(
    out: &mut Stdout,
    connections: &[Tolerant<CompactConnection>],
) -> Result<(), Failure> {
    let rows: Vec<[String; 6]> = connections.iter().map(connection_row).collect();
    out.table(["ID", "CLIENT TYPE", "STATE", "CONNECTED", "PROVIDER TYPES", "ALIAS"], &rows)?;
    for (row, item) in rows.iter().zip(connections) {
        // The parts set aside; the item itself only when nothing narrower is named.
        let parts = item.unreadable();
        let named: Vec<_> = parts.iter().filter(|p| !p.path.is_empty()).collect();
        let shown = if named.is_empty() { parts.iter().collect() } else { named };
        for part in shown {
            let what = if part.path.is_empty() { "it".to_string() } else { format!("`{}`", part.path) };
            let shown = if item.value().is_some() { "left out" } else { "shown as sent" };
            out.line(&text(&format!(
                "note: connection {} does not have the documented shape: {what} ({}) is {shown}: {}",
                row[0], part.reason, part.value
            )))?;
        }
    }
    Ok(())
}

fn connection_row(item: &Tolerant<CompactConnection>) -> [String; 6] {
    let yes_no = |b: bool| if b { "yes".to_string() } else { "no".to_string() };
    let cells = match item.value() {
        Some(c) => [
            c.id.to_string(),
            c.client_type.to_string(),
            c.state.to_string(),
            yes_no(c.connected),
            c.provider_types.iter().flatten().map(ToString::to_string).collect::<Vec<_>>().join(","),
            c.client_alias.clone().unwrap_or_default(),
        ],
        None => {
            // What the item holds, as sent.
            let field = |name: &str| match item.raw_field(name) {
                Some(serde_json::Value::String(s)) => s,
                Some(serde_json::Value::Null) | None => String::new(),
                Some(serde_json::Value::Array(items)) => items
                    .iter()
                    .map(|v| match v.get("value").unwrap_or(v) {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(","),
                Some(other) => other.to_string(),
            };
            let connected = match item.raw_field("connected") {
                Some(serde_json::Value::Bool(b)) => yes_no(b),
                _ => field("connected"),
            };
            [
                field("id"),
                field("clientType"),
                field("state"),
                connected,
                field("providerTypes"),
                field("clientAlias"),
            ]
        }
    };
    cells.map(|cell| text(&cell).into_owned())
}

/// `drata idp …`
pub async fn idp(context: &Context, out: &mut Stdout, command: IdpCommand) -> Result<(), Failure> {
    match command {
        IdpCommand::Validate { file } => validate(out, &file, context.json()).await,
        IdpCommand::Create { source } => import(context, out, None, source).await,
        IdpCommand::Update { connection_id, source } => {
            import(context, out, Some(connection_id), source).await
        }
    }
}

fn is_json_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// A personnel file that could not be used: its problems as text, and as
/// the JSON report `--json` prints.
fn file_failure(file: &Path, error: PersonnelError) -> Failure {
    let PersonnelError::Invalid(report) = error else { return drata::Error::from(error).into() };
    Failure::Report(format!("`{}`: {report}\nnothing was sent", file.display()), report_json(file, &report))
}

fn report_json(file: &Path, report: &ValidationReport) -> serde_json::Value {
    let problems: Vec<_> = report
        .problems
        .iter()
        .map(|p| json!({"row": p.row, "column": p.column, "message": p.message}))
        .collect();
    json!({"file": file.display().to_string(), "valid": false, "problems": problems, "omitted": report.omitted})
}

/// Checks a personnel CSV (off the async threads: it reads the whole file).
async fn checked_csv(path: &Path) -> Result<PersonnelCsv, PersonnelError> {
    let path = path.to_path_buf();
    let file = path.clone();
    let checked = tokio::task::spawn_blocking(move || {
        if is_stdin(&path) {
            PersonnelCsv::from_reader(std::io::stdin().lock(), "personnel.csv")
        } else {
            PersonnelCsv::from_path(&path)
        }
    })
    .await;
    checked.map_err(|e| PersonnelError::File { path: file, source: std::io::Error::other(e) })?
}

async fn validate(out: &mut Stdout, file: &Path, json: bool) -> Result<(), Failure> {
    let (rows, ignored) = if is_json_file(file) {
        let import = drata::personnel::read_json_file(file).map_err(|e| file_failure(file, e))?;
        (import.personnel_data.len() as u64, Vec::new())
    } else {
        let csv = checked_csv(file).await.map_err(|e| file_failure(file, e))?;
        (csv.rows(), csv.ignored_columns().to_vec())
    };
    if json {
        return out.json(
            &json!({"file": file.display().to_string(), "valid": true, "rows": rows, "ignoredColumns": ignored}),
        );
    }
    out.line(&text(&format!("{}: valid, {rows} person(s)", file.display())))?;
    warn_ignored(&ignored);
    Ok(())
}

fn warn_ignored(columns: &[String]) {
    if !columns.is_empty() {
        output::warn(&format!("columns not sent (not in Drata's CSV): {}", columns.join(", ")));
    }
}

/// The ids of every connection, to tell which one an import created.
async fn connection_ids(client: &Client) -> Result<BTreeSet<String>, drata::Error> {
    let all: Vec<_> = client.connections(ConnectionFilter::default()).try_collect().await?;
    Ok(all.iter().map(Tolerant::id_text).collect())
}

/// The connections before a create, to tell which one it made: `None` (with
/// a warning) when the key may not list them (403). Any other failure stops
/// the command before it creates anything: a create whose result could not
/// be told apart would otherwise follow a listing that timed out.
async fn connections_before(client: &Client) -> Result<Option<BTreeSet<String>>, Failure> {
    match connection_ids(client).await {
        Ok(ids) => Ok(Some(ids)),
        Err(e) if e.status() == Some(403) => {
            output::warn(&format!("cannot list the connections to find the new one's id: {e}"));
            Ok(None)
        }
        Err(e) => Err(Failure::Api(format!(
            "{}\nthe connections could not be listed before the import, so nothing was created; try again",
            Failure::from(e).message()
        ))),
    }
}

/// What an import sends: a checked CSV or a checked personnel list.
enum Personnel {
    Csv(PersonnelCsv, PathBuf),
    Json(PersonnelImport, PathBuf),
}

/// Whether a personnel file holds JSON: its first character that is not
/// white space opens an object.
fn holds_json(head: &[u8]) -> bool {
    head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

/// The personnel of `drata idp create FILE`: JSON or CSV by its content.
async fn personnel_file(file: PathBuf) -> Result<Personnel, Failure> {
    if is_stdin(&file) {
        // Standard input is read whole to tell which it is.
        let bytes = tokio::task::spawn_blocking(|| {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes).map(|_| bytes)
        })
        .await
        .map_err(|e| invalid(format!("cannot read standard input: {e}")))?
        .map_err(|e| invalid(format!("cannot read standard input: {e}")))?;
        if holds_json(&bytes) {
            let import = serde_json::from_slice::<PersonnelImport>(&bytes).map_err(|e| {
                invalid(format!("standard input is not a personnel list: {e}; nothing was sent"))
            })?;
            drata::personnel::validate_import(&import)
                .map_err(|report| file_failure(&file, PersonnelError::Invalid(report)))?;
            return Ok(Personnel::Json(import, file));
        }
        let csv = PersonnelCsv::from_reader(std::io::Cursor::new(bytes), "personnel.csv")
            .map_err(|e| file_failure(&file, e))?;
        return Ok(Personnel::Csv(csv, file));
    }
    let mut head = [0u8; 512];
    let read = std::fs::File::open(&file)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .map_err(|e| invalid(format!("cannot read `{}`: {e}", file.display())))?;
    if holds_json(&head[..read]) {
        let import = drata::personnel::read_json_file(&file).map_err(|e| file_failure(&file, e))?;
        return Ok(Personnel::Json(import, file));
    }
    Ok(Personnel::Csv(checked_csv(&file).await.map_err(|e| file_failure(&file, e))?, file))
}

async fn import(context: &Context, out: &mut Stdout, id: Option<i64>, source: Source) -> Result<(), Failure> {
    let json = context.json();
    let personnel = match (source.file, source.csv, source.json_file) {
        (Some(file), _, _) => personnel_file(file).await?,
        (None, Some(file), _) => {
            Personnel::Csv(checked_csv(&file).await.map_err(|e| file_failure(&file, e))?, file)
        }
        (None, None, Some(file)) => Personnel::Json(
            drata::personnel::read_json_file(&file).map_err(|e| file_failure(&file, e))?,
            file,
        ),
        (None, None, None) => return Err(invalid("name the personnel file: `drata idp create people.csv`")),
    };
    let (method, kind) = if id.is_some() { ("PUT", "update") } else { ("POST", "create") };
    let path = |format: &str| match id {
        Some(id) => format!("/connections/{id}/upload/{format}"),
        None => format!("/connections/upload/{format}"),
    };
    if context.dry_run() {
        return match &personnel {
            Personnel::Csv(csv, file) => {
                let path = path("csv");
                if json {
                    return out.json(&json!({
                        "dryRun": true, "method": method, "path": path, "file": file.display().to_string(),
                        "rows": csv.rows(), "bytes": csv.len(), "ignoredColumns": csv.ignored_columns(),
                    }));
                }
                out.line(&text(&format!(
                    "dry run: would send {method} {path} with `{}` ({} person(s), {} bytes, checked and rewritten in Drata's form) as the multipart part `file`; nothing was sent",
                    file.display(),
                    csv.rows(),
                    csv.len()
                )))?;
                warn_ignored(csv.ignored_columns());
                Ok(())
            }
            Personnel::Json(import, _) => {
                let path = path("json");
                let rows = import.personnel_data.len();
                if json {
                    return out
                        .json(&json!({"dryRun": true, "method": method, "path": path, "rows": rows, "body": import}));
                }
                out.line(&format!(
                    "dry run: would send {method} {path} with {rows} person(s); nothing was sent"
                ))?;
                out.json(import)
            }
        };
    }

    let (sends, target) = match &personnel {
        Personnel::Csv(csv, file) => (
            format!("the CSV `{}` ({} person(s), {} bytes)", file.display(), csv.rows(), csv.len()),
            path("csv"),
        ),
        Personnel::Json(import, file) => (
            format!("the JSON list `{}` ({} person(s))", file.display(), import.personnel_data.len()),
            path("json"),
        ),
    };
    context.permit_write(out, method, &target, &sends, json!(null)).await?;
    let client = context.client()?;
    let before = if id.is_none() { connections_before(&client).await? } else { None };
    let (rows, file) = match &personnel {
        Personnel::Csv(csv, file) => (csv.rows(), file.clone()),
        Personnel::Json(import, file) => (import.personnel_data.len() as u64, file.clone()),
    };
    let operation = match (&personnel, id) {
        (Personnel::Csv(..), None) => &drata::operations::CREATE_IDP_CONNECTION_FROM_CSV,
        (Personnel::Csv(..), Some(_)) => &drata::operations::UPDATE_IDP_CONNECTION_FROM_CSV,
        (Personnel::Json(..), None) => &drata::operations::CREATE_IDP_CONNECTION_FROM_JSON,
        (Personnel::Json(..), Some(_)) => &drata::operations::UPDATE_IDP_CONNECTION_FROM_JSON,
    };
    let target = path(if matches!(personnel, Personnel::Csv(..)) { "csv" } else { "json" });
    let (client_ref, shown) = (&client, file.display().to_string());
    let sending = async move {
        let client = client_ref;
        match personnel {
            Personnel::Csv(csv, _) => {
                let bar = output::bytes_bar(&format!("uploading {}", text(&shown)), csv.len());
                let progress = bar.clone();
                let mut upload = client.upload(operation);
                if let Some(id) = id {
                    upload = upload.param("id", id);
                }
                let result =
                    upload.csv(csv).on_progress(move |sent, _| progress.set_position(sent)).send().await;
                bar.finish_and_clear();
                result.map(|_| ())
            }
            Personnel::Json(import, _) => {
                let spinner = output::spinner(&format!("uploading {shown}"));
                let result = match id {
                    Some(id) => client.update_idp_connection_from_json().id(id).body(import).send().await,
                    None => client.create_idp_connection_from_json().body(import).send().await,
                };
                spinner.finish_and_clear();
                result.map(|_| ())
            }
        }
    };
    let sent = crate::inflight::call(operation, &target, sending).await;
    if let Err(error) = sent {
        return Err(match (&error, before) {
            (drata::Error::OutcomeUnknown { .. }, Some(before)) => {
                let new = new_ids(&client, &before).await;
                let finding = match new.as_deref() {
                    Some([]) => "No new connection appears in the listing yet: Drata probably did not create it, but list the connections again before trying again.".to_string(),
                    Some([one]) => format!("A new connection appeared since: {one}. Drata probably created it; do not create it again."),
                    Some(several) => format!("{} new connections appeared since: {}. Check which is yours before trying again.", several.len(), several.join(", ")),
                    None => String::new(),
                };
                Failure::Api(format!("{error}\n{finding}").trim_end().to_string())
            }
            _ => error.into(),
        });
    }
    let new = match (id, before) {
        (None, Some(before)) => new_ids(&client, &before).await,
        _ => None,
    };
    let connection_id: Option<String> = match (id, new.as_deref()) {
        (Some(id), _) => Some(id.to_string()),
        (None, Some([one])) => Some(one.clone()),
        _ => None,
    };
    if json {
        let mut answer = serde_json::Map::new();
        answer.insert(format!("{kind}d"), json!(true));
        let id_value = connection_id.as_deref().map(|id| id.parse::<i64>().map_or(json!(id), |n| json!(n)));
        answer.insert("connectionId".into(), json!(id_value));
        answer.insert("rows".into(), json!(rows));
        return out.json(&answer);
    }
    let file = file.display().to_string();
    let line = match (id, connection_id, new.as_deref()) {
        (Some(id), _, _) => format!("updated IdP connection {id} from {file} ({rows} person(s))"),
        (None, Some(new_id), _) => format!("created IdP connection {new_id} from {file} ({rows} person(s))"),
        (None, None, Some(several)) if !several.is_empty() => format!(
            "created an IdP connection from {file} ({rows} person(s)); {} new connections appeared ({}), so which one is it cannot be told",
            several.len(),
            several.join(", ")
        ),
        (None, None, Some(_)) => format!(
            "created an IdP connection from {file} ({rows} person(s)); it does not appear in the listing yet, so its id is not known"
        ),
        (None, None, None) => format!(
            "created an IdP connection from {file} ({rows} person(s)); its id is not known (the connections could not be listed)"
        ),
    };
    out.line(&text(&line))
}

/// Connection ids listed now that were not in `before`; `None` (with a
/// warning) if the listing failed.
async fn new_ids(client: &Client, before: &BTreeSet<String>) -> Option<Vec<String>> {
    match connection_ids(client).await {
        Ok(after) => Some(after.difference(before).cloned().collect()),
        Err(e) => {
            output::warn(&format!("cannot list the connections to find the new one's id: {e}"));
            None
        }
    }
}

/// The environment variable that raises (or lowers) the largest answer a
/// command reads, in MiB (default 64).
pub const MAX_ANSWER_ENV: &str = "DRATA_MAX_ANSWER_MIB";

/// `DRATA_MAX_ANSWER_MIB`, when set (empty counts as unset).
fn max_answer_mib() -> Result<Option<u64>, Failure> {
    match std::env::var(MAX_ANSWER_ENV) {
        Ok(text) if text.trim().is_empty() => Ok(None),
        Ok(text) => match text.trim().parse::<u64>() {
            Ok(mib) if mib > 0 => Ok(Some(mib)),
            _ => Err(invalid(format!(
                "{MAX_ANSWER_ENV} must be a whole number of MiB above 0, not `{}`",
                text.trim()
            ))),
        },
        Err(_) => Ok(None),
    }
}
