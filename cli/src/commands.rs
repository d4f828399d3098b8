//! The API commands: `connections`, `vcs-identities`, `idp`.

use std::io::IsTerminal;
use std::path::Path;

use drata::types::{
    ConnectVersionControlIdentityRequest, ConnectionSort, ConnectionState, PersonnelImport, ProviderType,
    SortDirection, ToggleField, ToggleVersionControlIdentityRequest,
};
use drata::{Client, ConnectionFilter, Region};
use futures::TryStreamExt;

use crate::Failure;
use crate::args::{Cli, IdpCommand, ListArgs, SortDir, Source, ToggleFieldArg, VcsCommand};
use crate::output;

/// The options every command shares.
pub struct Context {
    api_key: Option<String>,
    region: String,
    base_url: Option<String>,
    /// Print JSON instead of a table or summary.
    pub json: bool,
}

impl Context {
    pub fn new(cli: &Cli) -> Self {
        Self {
            api_key: cli.api_key.clone(),
            region: cli.region.clone(),
            base_url: cli.base_url.clone(),
            json: cli.json,
        }
    }

    /// A client for the chosen region or base URL; invalid settings fail
    /// before anything is sent.
    pub fn client(&self) -> Result<Client, Failure> {
        let mut builder = Client::builder().region(self.region.parse::<Region>()?);
        if let Some(key) = &self.api_key {
            builder = builder.api_key(key);
        }
        if let Some(url) = &self.base_url {
            builder = builder.base_url(url);
        }
        Ok(builder.build()?)
    }
}

fn invalid(message: impl Into<String>) -> Failure {
    Failure::Invalid(message.into())
}

/// Drata's enum values, in any case.
fn upper(value: &str) -> String {
    value.trim().to_ascii_uppercase()
}

fn closed_enum<T: std::str::FromStr>(value: &str, what: &str, known: &[&str]) -> Result<T, Failure> {
    upper(value)
        .parse()
        .map_err(|_| invalid(format!("unknown {what} `{value}`; use one of {}", known.join(", "))))
}

const SORTS: &[&str] =
    &["CREATED_AT", "CONNECTED_AT", "CONNECTION_PROVIDER_TYPE", "CONNECTION_CLIENT_TYPE", "CONNECTION_STATE"];

/// `drata connections list`
pub async fn list_connections(context: &Context, args: ListArgs) -> Result<(), Failure> {
    let provider_types: Vec<ProviderType> =
        args.provider_types.iter().map(|t| ProviderType::from(upper(t))).collect();
    let state = args.state.as_deref().map(|s| ConnectionState::from(upper(s)));
    let sort =
        args.sort.as_deref().map(|s| closed_enum::<ConnectionSort>(s, "sort field", SORTS)).transpose()?;
    let sort_dir = args.sort_dir.map(|d| match d {
        SortDir::Asc => SortDirection::Asc,
        SortDir::Desc => SortDirection::Desc,
    });
    let client = context.client()?;

    if args.all {
        let filter = ConnectionFilter {
            provider_types,
            state,
            sort,
            sort_dir,
            page_size: args.limit.unwrap_or(50),
            ..ConnectionFilter::default()
        };
        let progress = output::progress_bar("connections");
        let mut pages = client.connection_pages(filter);
        let mut all = Vec::new();
        while let Some(page) = pages.try_next().await? {
            progress.set_length(u64::try_from(page.total).unwrap_or(0));
            progress.inc(page.data.len() as u64);
            all.extend(page.data);
        }
        progress.finish_and_clear();
        if context.json {
            output::print_json(&all)
        } else {
            output::print_connections(&all);
            println!("{} connection(s)", all.len());
            Ok(())
        }
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
        let page = request.send().await?.into_inner();
        if context.json {
            output::print_json(&page)
        } else {
            output::print_connections(&page.data);
            let pages = if page.limit > 0 { (page.total + page.limit - 1) / page.limit } else { 0 };
            println!("page {} of {pages} ({} of {} connection(s))", page.page, page.data.len(), page.total);
            Ok(())
        }
    }
}

/// `drata vcs-identities …`
pub async fn vcs_identities(context: &Context, command: VcsCommand) -> Result<(), Failure> {
    let client = context.client()?;
    let (identity, summary) = match command {
        VcsCommand::Toggle { id, field, on, off: _ } => {
            let (toggle_field, label) = match field {
                ToggleFieldArg::WriteAccess => (ToggleField::VersionControlWriteAccess, "write access"),
                ToggleFieldArg::PushProdCodeAccess => {
                    (ToggleField::VersionControlPushProdCodeAccess, "push-to-production access")
                }
            };
            let body = ToggleVersionControlIdentityRequest { toggle: on, toggle_field: Some(toggle_field) };
            let identity =
                client.toggle_version_control_identity().id(id).body(body).send().await?.into_inner();
            let since = match field {
                ToggleFieldArg::WriteAccess => identity.write_access.clone(),
                ToggleFieldArg::PushProdCodeAccess => identity.push_production_code_access.clone(),
            };
            let state = match since {
                Some(since) => format!("on since {since}"),
                None => "off".to_string(),
            };
            let summary = format!("identity {id} ({}): {label} {state}", identity.username);
            (identity, summary)
        }
        VcsCommand::Connect { id, user, unlink: _ } => {
            let body = ConnectVersionControlIdentityRequest { user_id: user };
            let identity =
                client.connect_version_control_identity().id(id).body(body).send().await?.into_inner();
            let summary = match &identity.user {
                Some(linked) => format!(
                    "identity {id} ({}) linked to user {} {}",
                    identity.username,
                    linked.id.as_ref().map(ToString::to_string).unwrap_or_default(),
                    linked.email.as_deref().unwrap_or("")
                ),
                None => format!("identity {id} ({}) unlinked", identity.username),
            };
            (identity, summary)
        }
    };
    if context.json { output::print_json(&identity) } else { output::line(summary.trim_end().to_string()) }
}

/// `drata idp …`
pub async fn idp(context: &Context, command: IdpCommand) -> Result<(), Failure> {
    match command {
        IdpCommand::Validate { file } => validate(context, &file),
        IdpCommand::Create { source, dry_run } => import(context, None, source, dry_run).await,
        IdpCommand::Update { connection_id, source, dry_run } => {
            import(context, Some(connection_id), source, dry_run).await
        }
    }
}

fn is_json_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// Reads and validates a `{"personnelData": [...]}` file.
fn read_json_import(path: &Path) -> Result<PersonnelImport, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| invalid(format!("cannot read `{}`: {e}; nothing was sent", path.display())))?;
    let import: PersonnelImport = serde_json::from_str(&text).map_err(|e| {
        invalid(format!(
            "`{}` is not a personnel list `{{\"personnelData\": [...]}}`: {e}; nothing was sent",
            path.display()
        ))
    })?;
    drata::personnel::validate_import(&import)
        .map_err(|report| invalid(format!("`{}`: {report}\nnothing was sent", path.display())))?;
    Ok(import)
}

fn validate(context: &Context, file: &Path) -> Result<(), Failure> {
    let rows = if is_json_file(file) {
        read_json_import(file)?.personnel_data.len() as u64
    } else {
        drata::personnel::validate_csv_file(file)?.rows
    };
    if context.json {
        output::print_json(
            &serde_json::json!({"file": file.display().to_string(), "valid": true, "rows": rows}),
        )
    } else {
        output::line(format!("{}: valid, {rows} person(s)", file.display()))
    }
}

async fn import(context: &Context, id: Option<i64>, source: Source, dry_run: bool) -> Result<(), Failure> {
    let (method, path) = match id {
        Some(id) => ("PUT", format!("/connections/{id}/upload")),
        None => ("POST", "/connections/upload".to_string()),
    };
    let verb = if id.is_some() { "updated IdP connection" } else { "created an IdP connection" };
    match (source.csv, source.json_file) {
        (Some(csv), _) => {
            let rows = drata::personnel::validate_csv_file(&csv)?.rows;
            if dry_run {
                let bytes = std::fs::metadata(&csv).map(|m| m.len()).unwrap_or(0);
                println!(
                    "dry run: would send {method} {path}/csv with `{}` ({rows} person(s), {bytes} bytes) as the multipart part `file`; nothing was sent",
                    csv.display()
                );
                return Ok(());
            }
            let client = context.client()?;
            let progress = output::spinner(&format!("uploading {}", csv.display()));
            let result = match id {
                Some(id) => client.update_idp_connection_from_csv().id(id).file(&csv).send().await,
                None => client.create_idp_connection_from_csv().file(&csv).send().await,
            };
            progress.finish_and_clear();
            let answer = result?.into_inner();
            if context.json {
                output::print_json(&answer)
            } else {
                output::line(format!("{verb} from {} ({rows} person(s))", csv.display()))
            }
        }
        (None, Some(json)) => {
            let import = read_json_import(&json)?;
            let rows = import.personnel_data.len();
            if dry_run {
                println!("dry run: would send {method} {path}/json with {rows} person(s); nothing was sent");
                return output::print_json(&import);
            }
            let client = context.client()?;
            let progress = output::spinner(&format!("uploading {}", json.display()));
            let result = match id {
                Some(id) => client.update_idp_connection_from_json().id(id).body(import).send().await,
                None => client.create_idp_connection_from_json().body(import).send().await,
            };
            progress.finish_and_clear();
            let answer = result?.into_inner();
            if context.json {
                output::print_json(&answer)
            } else {
                output::line(format!("{verb} from {} ({rows} person(s))", json.display()))
            }
        }
        (None, None) => Err(invalid("give --csv FILE or --json FILE")),
    }
}

/// Whether progress may be drawn: only on a terminal.
pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}
