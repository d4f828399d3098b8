//! `drata vcs-identities`, `drata infra-identities` and `drata users`: find
//! the identities and users the writes act on, and act on them, by id or
//! by name (`--username`, `--user-email`, looked up first).

use drata::types::{
    ConnectInfrastructureIdentityRequest, ConnectVersionControlIdentityRequest, InfrastructureClientType,
    InfrastructureIdentitySort, InfrastructureToggleField, ServiceAccountRequest, ToggleField,
    ToggleInfrastructureIdentityRequest, ToggleVersionControlIdentityRequest, UserRole,
    VersionControlClientType, VersionControlIdentitySort,
};
use drata::{Client, Tolerant, operations};
use drata_cli::args::{
    ConnectArgs, IdentityListArgs, IdentityRef, InfraCommand, InfraToggleFieldArg, ServiceAccountArgs,
    ToggleFieldArg, UsersCommand, VcsCommand,
};
use futures::{FutureExt, TryStreamExt};
use serde::Serialize;
use serde_json::Value;

use crate::Failure;
use crate::commands::{Context, open_value};
use crate::listing::{self, Column, Fetch, Show};
use crate::output::{Stdout, text};

const VCS_COLUMNS: [Column; 9] = [
    ("ID", "/id", Show::Text),
    ("USERNAME", "/username", Show::Text),
    ("EMAIL", "/email", Show::Text),
    ("CLIENT TYPE", "/connection/clientType", Show::Text),
    ("USER", "/user/email", Show::Text),
    ("MFA", "/hasMfa", Show::YesNo),
    ("WRITE", "/writeAccess", Show::Since),
    ("PUSH TO PROD", "/pushProductionCodeAccess", Show::Since),
    ("SERVICE ACCOUNT", "/serviceAccount", Show::Since),
];

const INFRA_COLUMNS: [Column; 9] = [
    ("ID", "/id", Show::Text),
    ("USERNAME", "/username", Show::Text),
    ("EMAIL", "/email", Show::Text),
    ("CLIENT TYPE", "/connection/clientType", Show::Text),
    ("USER", "/user/email", Show::Text),
    ("MFA", "/hasMfa", Show::YesNo),
    ("ADMIN", "/adminAccess", Show::Since),
    ("DATABASE", "/dbAccess", Show::Since),
    ("SERVICE ACCOUNT", "/serviceAccount", Show::Since),
];

const USER_COLUMNS: [Column; 5] = [
    ("ID", "/id", Show::Text),
    ("EMAIL", "/email", Show::Text),
    ("FIRST NAME", "/firstName", Show::Text),
    ("LAST NAME", "/lastName", Show::Text),
    ("ROLES", "/roles", Show::Text),
];

/// A closed sort list, checked before sending: the values from the spec.
fn sort_value<T: std::str::FromStr>(value: &str, known: &[&str]) -> Result<T, Failure> {
    value
        .trim()
        .to_ascii_uppercase()
        .parse()
        .map_err(|_| Failure::Invalid(format!("unknown --sort `{value}`; use one of {}", known.join(", "))))
}

/// `drata vcs-identities …`
pub async fn vcs_identities(context: &Context, out: &mut Stdout, command: VcsCommand) -> Result<(), Failure> {
    let client = context.client()?;
    match command {
        VcsCommand::List(args) => {
            let sort = args
                .sort
                .as_deref()
                .map(|s| {
                    sort_value::<VersionControlIdentitySort>(s, VersionControlIdentitySort::KNOWN_VALUES)
                })
                .transpose()?;
            let client_type = args.client_type.as_deref().map(|t| {
                open_value(
                    t,
                    "version-control client type",
                    VersionControlClientType::KNOWN_VALUES,
                    VersionControlClientType::is_known,
                )
            });
            let mut query: Vec<(&str, String)> = Vec::new();
            let mut request = client.list_version_control_identities();
            if let Some(q) = &args.search {
                query.push(("q", q.clone()));
                request = request.q(q.clone());
            }
            if let Some(client_type) = client_type {
                query.push(("clientType", listing::wire(&client_type)));
                request = request.client_type(client_type);
            }
            if let Some(id) = args.connection_id {
                query.push(("connectionId", id.to_string()));
                request = request.connection_id(id);
            }
            if let Some(sort) = sort {
                query.push(("sort", listing::wire(&sort)));
                request = request.sort(sort);
            }
            if let Some(direction) = args.sort_dir {
                query.push(("sortDir", listing::wire(&direction)));
                request = request.sort_dir(direction);
            }
            let format = context.format();
            let (fetch, paging) = paged(
                &operations::LIST_VERSION_CONTROL_IDENTITIES,
                args.paging,
                request,
                |r, p| r.page(p),
                |r, l| r.limit(l),
                |r| r.send().boxed(),
                |r| r.pages(),
            );
            query.extend(paging);
            if !listing::gate(context, out, &operations::LIST_VERSION_CONTROL_IDENTITIES, &query).await? {
                return Ok(());
            }
            listing::print(out, format, "identities", &VCS_COLUMNS, fetch).await
        }
        VcsCommand::Toggle { identity, field, on, off: _ } => {
            let sends = format!("turn {} {}", value_name(&field), if on { "on" } else { "off" });
            if !gate(context, out, &operations::TOGGLE_VERSION_CONTROL_IDENTITY, &identity, &sends).await? {
                return Ok(());
            }
            let id = vcs_id(&client, &identity).await?;
            let (toggle_field, label) = match field {
                ToggleFieldArg::WriteAccess => (ToggleField::VersionControlWriteAccess, "write access"),
                ToggleFieldArg::PushProdCodeAccess => {
                    (ToggleField::VersionControlPushProdCodeAccess, "push-to-production access")
                }
            };
            let body = ToggleVersionControlIdentityRequest { toggle: on, toggle_field: Some(toggle_field) };
            let request = client.toggle_version_control_identity().id(id).body(body);
            let answer = write(&operations::TOGGLE_VERSION_CONTROL_IDENTITY, id, request.send()).await?;
            let since = match field {
                ToggleFieldArg::WriteAccess => answer.write_access.clone(),
                ToggleFieldArg::PushProdCodeAccess => answer.push_production_code_access.clone(),
            };
            let summary = toggled(id, &answer.username, label, since.as_ref());
            print(out, context.json(), &answer, &summary)
        }
        VcsCommand::Connect(args) => {
            if !gate(
                context,
                out,
                &operations::CONNECT_VERSION_CONTROL_IDENTITY,
                &args.identity,
                &link(&args),
            )
            .await?
            {
                return Ok(());
            }
            let id = vcs_id(&client, &args.identity).await?;
            let user = user_to_link(&client, &args).await?;
            let body = ConnectVersionControlIdentityRequest { user_id: user };
            let request = client.connect_version_control_identity().id(id).body(body);
            let answer = write(&operations::CONNECT_VERSION_CONTROL_IDENTITY, id, request.send()).await?;
            let summary = linked(id, &answer.username, answer.user.as_ref());
            print(out, context.json(), &answer, &summary)
        }
        VcsCommand::ServiceAccount(args) => {
            let body = service_account_body(&args)?;
            let operation = &operations::SET_VERSION_CONTROL_IDENTITY_SERVICE_ACCOUNT;
            if !gate(context, out, operation, &args.identity, &mark(&args)).await? {
                return Ok(());
            }
            let id = vcs_id(&client, &args.identity).await?;
            let request = client.set_version_control_identity_service_account().id(id).body(body);
            let answer =
                write(&operations::SET_VERSION_CONTROL_IDENTITY_SERVICE_ACCOUNT, id, request.send()).await?;
            let summary = marked(id, &answer.username, answer.service_account_reason.as_deref(), args.on);
            print(out, context.json(), &answer, &summary)
        }
    }
}

/// `drata infra-identities …`
pub async fn infra_identities(
    context: &Context,
    out: &mut Stdout,
    command: InfraCommand,
) -> Result<(), Failure> {
    let client = context.client()?;
    match command {
        InfraCommand::List(args) => list_infrastructure(context, out, &client, args).await,
        InfraCommand::Toggle { identity, field, on, off: _ } => {
            let sends = format!("turn {} {}", value_name(&field), if on { "on" } else { "off" });
            if !gate(context, out, &operations::TOGGLE_INFRASTRUCTURE_IDENTITY, &identity, &sends).await? {
                return Ok(());
            }
            let id = infra_id(&client, &identity).await?;
            let (toggle_field, label) = match field {
                InfraToggleFieldArg::AdminAccess => {
                    (InfrastructureToggleField::InfrastructureAdminAccess, "admin access")
                }
                InfraToggleFieldArg::DbAccess => {
                    (InfrastructureToggleField::InfrastructureDbAccess, "database access")
                }
            };
            let body = ToggleInfrastructureIdentityRequest { toggle: on, toggle_field: Some(toggle_field) };
            let request = client.toggle_infrastructure_identity().id(id).body(body);
            let answer = write(&operations::TOGGLE_INFRASTRUCTURE_IDENTITY, id, request.send()).await?;
            let since = match field {
                InfraToggleFieldArg::AdminAccess => answer.admin_access.clone(),
                InfraToggleFieldArg::DbAccess => answer.db_access.clone(),
            };
            let summary = toggled(id, &answer.username, label, since.as_ref());
            print(out, context.json(), &answer, &summary)
        }
        InfraCommand::Connect(args) => {
            if !gate(context, out, &operations::CONNECT_INFRASTRUCTURE_IDENTITY, &args.identity, &link(&args))
                .await?
            {
                return Ok(());
            }
            let id = infra_id(&client, &args.identity).await?;
            let user = user_to_link(&client, &args).await?;
            let body = ConnectInfrastructureIdentityRequest { user_id: user };
            let request = client.connect_infrastructure_identity().id(id).body(body);
            let answer = write(&operations::CONNECT_INFRASTRUCTURE_IDENTITY, id, request.send()).await?;
            let summary = linked(id, &answer.username, answer.user.as_ref());
            print(out, context.json(), &answer, &summary)
        }
        InfraCommand::ServiceAccount(args) => {
            let body = service_account_body(&args)?;
            let operation = &operations::SET_INFRASTRUCTURE_IDENTITY_SERVICE_ACCOUNT;
            if !gate(context, out, operation, &args.identity, &mark(&args)).await? {
                return Ok(());
            }
            let id = infra_id(&client, &args.identity).await?;
            let request = client.set_infrastructure_identity_service_account().id(id).body(body);
            let answer =
                write(&operations::SET_INFRASTRUCTURE_IDENTITY_SERVICE_ACCOUNT, id, request.send()).await?;
            let summary = marked(id, &answer.username, answer.service_account_reason.as_deref(), args.on);
            print(out, context.json(), &answer, &summary)
        }
    }
}

async fn list_infrastructure(
    context: &Context,
    out: &mut Stdout,
    client: &Client,
    args: IdentityListArgs,
) -> Result<(), Failure> {
    let sort = args
        .sort
        .as_deref()
        .map(|s| sort_value::<InfrastructureIdentitySort>(s, InfrastructureIdentitySort::KNOWN_VALUES))
        .transpose()?;
    let client_type = args.client_type.as_deref().map(|t| {
        open_value(
            t,
            "infrastructure client type",
            InfrastructureClientType::KNOWN_VALUES,
            InfrastructureClientType::is_known,
        )
    });
    let mut query: Vec<(&str, String)> = Vec::new();
    let mut request = client.list_infrastructure_identities();
    if let Some(q) = &args.search {
        query.push(("q", q.clone()));
        request = request.q(q.clone());
    }
    if let Some(client_type) = client_type {
        query.push(("clientType", listing::wire(&client_type)));
        request = request.client_type(client_type);
    }
    if let Some(id) = args.connection_id {
        query.push(("connectionId", id.to_string()));
        request = request.connection_id(id);
    }
    if let Some(sort) = sort {
        query.push(("sort", listing::wire(&sort)));
        request = request.sort(sort);
    }
    if let Some(direction) = args.sort_dir {
        query.push(("sortDir", listing::wire(&direction)));
        request = request.sort_dir(direction);
    }
    let format = context.format();
    let (fetch, paging) = paged(
        &operations::LIST_INFRASTRUCTURE_IDENTITIES,
        args.paging,
        request,
        |r, p| r.page(p),
        |r, l| r.limit(l),
        |r| r.send().boxed(),
        |r| r.pages(),
    );
    query.extend(paging);
    if !listing::gate(context, out, &operations::LIST_INFRASTRUCTURE_IDENTITIES, &query).await? {
        return Ok(());
    }
    listing::print(out, format, "identities", &INFRA_COLUMNS, fetch).await
}

/// `drata users …`
pub async fn users(context: &Context, out: &mut Stdout, command: UsersCommand) -> Result<(), Failure> {
    let client = context.client()?;
    match command {
        UsersCommand::List { search, roles, paging } => {
            let roles: Vec<UserRole> = roles
                .iter()
                .map(|r| open_value(r, "user role", UserRole::KNOWN_VALUES, UserRole::is_known))
                .collect();
            let mut query: Vec<(&str, String)> = Vec::new();
            let mut request = client.list_users();
            if let Some(q) = search {
                query.push(("q", q.clone()));
                request = request.q(q);
            }
            if !roles.is_empty() {
                query.extend(roles.iter().map(|role| ("roles[]", listing::wire(role))));
                request = request.roles(roles);
            }
            let format = context.format();
            let (fetch, paging) = paged(
                &operations::LIST_USERS,
                paging,
                request,
                |r, p| r.page(p),
                |r, l| r.limit(l),
                |r| r.send().boxed(),
                |r| r.pages(),
            );
            query.extend(paging);
            if !listing::gate(context, out, &operations::LIST_USERS, &query).await? {
                return Ok(());
            }
            listing::print(out, format, "users", &USER_COLUMNS, fetch).await
        }
        UsersCommand::Get { id, email } => {
            let answer = match (id, email) {
                (Some(id), _) => client.get_user().id(id).send().await?,
                (None, Some(email)) => client.get_user_by_email().email(email).send().await?,
                (None, None) => return Err(Failure::Invalid("give a user id or --email".into())),
            };
            if context.json() {
                return out.raw_json(answer.bytes());
            }
            let user = answer.into_inner();
            let value = serde_json::to_value(&user).unwrap_or_default();
            let field = |name: &str| match value.get(name) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Array(items)) => {
                    items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(",")
                }
                Some(Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            };
            let identities = user.identities.as_ref().map_or(0, Vec::len);
            for (label, shown) in [
                ("id", field("id")),
                ("email", field("email")),
                ("name", format!("{} {}", field("firstName"), field("lastName")).trim().to_string()),
                ("job title", field("jobTitle")),
                ("roles", field("roles")),
                ("identities", identities.to_string()),
            ] {
                out.line(&text(&format!("{label:<11} {shown}")))?;
            }
            Ok(())
        }
    }
}

/// One page as the options say, or every page (pages of `--limit` items,
/// else of the largest `operation` allows), with the paging part of the
/// query it sends: `page`, `limit`, `send` and `pages` are the listing's
/// own builder's.
fn paged<'a, B, P>(
    operation: &'static drata::Operation,
    paging: drata_cli::args::Paging,
    request: B,
    page: impl FnOnce(B, u32) -> B,
    limit: impl Fn(B, u32) -> B,
    send: impl FnOnce(B) -> futures::future::BoxFuture<'a, Result<drata::Response<P>, drata::Error>>,
    pages: impl FnOnce(B) -> futures::stream::BoxStream<'a, Result<P, drata::Error>>,
) -> (Fetch<'a, P>, Vec<(&'static str, String)>) {
    let size = if paging.all { listing::page_size(operation, paging.limit) } else { paging.limit };
    let mut query = Vec::new();
    let request = match size {
        Some(l) => {
            query.push(("limit", l.to_string()));
            limit(request, l)
        }
        None => request,
    };
    if paging.all {
        return (Fetch::All(pages(request)), query);
    }
    let request = match paging.page {
        Some(p) => {
            query.push(("page", p.to_string()));
            page(request, p)
        }
        None => request,
    };
    (Fetch::One(send(request)), query)
}

/// The write gate ([`Context::permit_write`]) for a write to an identity
/// (by id, or by the username still to be looked up).
async fn gate(
    context: &Context,
    out: &mut Stdout,
    operation: &'static drata::Operation,
    identity: &IdentityRef,
    sends: &str,
) -> Result<bool, Failure> {
    let who = match (identity.id, &identity.username) {
        (Some(id), _) => id.to_string(),
        (None, username) => format!("(the identity `{}`)", username.as_deref().unwrap_or_default()),
    };
    let path = operation.path.replace("{id}", &who);
    let plan = serde_json::json!({"operation": operation.id, "identity": identity.id, "username": identity.username, "sends": sends});
    context.permit_write(out, operation.method.as_str(), &path, sends, plan).await
}

/// A flag's value as typed on the command line (`write-access`).
fn value_name(value: &impl clap::ValueEnum) -> String {
    value.to_possible_value().map(|v| v.get_name().to_string()).unwrap_or_default()
}

fn link(args: &ConnectArgs) -> String {
    match (args.user, &args.user_email) {
        (Some(user), _) => format!("link it to the user {user}"),
        (None, Some(email)) => format!("link it to the user {email}"),
        (None, None) => "unlink it from its user".to_string(),
    }
}

fn mark(args: &ServiceAccountArgs) -> String {
    match &args.reason {
        Some(reason) if args.on => format!("mark it a service account: {reason}"),
        _ => "unmark it as a service account".to_string(),
    }
}

/// The answer as Drata sent it (`--json`), or the summary of what changed.
fn print<T>(out: &mut Stdout, json: bool, answer: &drata::Response<T>, summary: &str) -> Result<(), Failure> {
    if json { out.raw_json(answer.bytes()) } else { out.line(&text(summary.trim_end())) }
}

/// Sends a write of `operation` to the identity `id`, marked as under way
/// (an interrupt then says its outcome is unknown).
async fn write<T>(
    operation: &'static drata::Operation,
    id: i64,
    send: impl std::future::Future<Output = Result<drata::Response<T>, drata::Error>>,
) -> Result<drata::Response<T>, Failure> {
    let path = format!("{} (identity {id})", operation.path);
    Ok(crate::inflight::call(operation, &path, send).await?)
}

fn toggled(id: i64, username: &str, label: &str, since: Option<&drata::Timestamp>) -> String {
    let state = match since {
        Some(since) => format!("on since {since}"),
        None => "off".to_string(),
    };
    format!("identity {id} ({username}): {label} {state}")
}

fn linked(id: i64, username: &str, user: Option<&drata::types::User>) -> String {
    match user {
        Some(linked) => format!(
            "identity {id} ({username}) linked to user {} {}",
            linked.id.as_ref().map(ToString::to_string).unwrap_or_default(),
            linked.email.as_deref().unwrap_or("")
        ),
        None => format!("identity {id} ({username}) unlinked"),
    }
}

fn marked(id: i64, username: &str, reason: Option<&str>, on: bool) -> String {
    if on {
        format!("identity {id} ({username}) marked a service account: {}", reason.unwrap_or(""))
    } else {
        format!("identity {id} ({username}) is no longer a service account")
    }
}

/// `--on --reason TEXT` or `--off` (Drata requires the reason even then:
/// an empty one is sent). A reason must say something, and fit the
/// length the spec allows.
fn service_account_body(args: &ServiceAccountArgs) -> Result<ServiceAccountRequest, Failure> {
    let reason = args.reason.clone().unwrap_or_default();
    if args.on && reason.trim().is_empty() {
        return Err(Failure::Invalid("--reason must say why it is a service account; it is empty".into()));
    }
    let most = reason_limit();
    let length = reason.chars().count() as u64;
    if most.is_some_and(|most| length > most) {
        return Err(Failure::Invalid(format!(
            "--reason is {length} characters long; Drata takes at most {}",
            most.unwrap_or_default()
        )));
    }
    Ok(ServiceAccountRequest { service_account: args.on, service_account_reason: reason })
}

/// The longest reason the spec allows (its `maxLength`).
fn reason_limit() -> Option<u64> {
    let drata::Shape::Object(body) = &drata::shapes::SERVICE_ACCOUNT_REQUEST else { return None };
    let reason = body.properties.iter().find(|p| p.name == "serviceAccountReason")?;
    match reason.shape {
        drata::Shape::String(text) => text.max_length,
        _ => None,
    }
}

/// The user `connect` links: `--user` (looked up, so that a user who does
/// not exist is named as such, not taken for a missing identity),
/// `--user-email` (looked up), or none.
async fn user_to_link(client: &Client, args: &ConnectArgs) -> Result<Option<i64>, Failure> {
    match (&args.user, &args.user_email) {
        (Some(id), _) => match client.get_user().id(*id).send().await {
            Ok(_) => Ok(Some(*id)),
            Err(e) if e.status() == Some(404) => {
                Err(Failure::Invalid(format!("no Drata user has the id {id}; nothing was changed")))
            }
            Err(e) => Err(e.into()),
        },
        (None, Some(email)) => match client.get_user_by_email().email(email.clone()).send().await {
            Ok(user) => user
                .id
                .as_ref()
                .and_then(|id| id.to_string().parse().ok())
                .map(Some)
                .ok_or_else(|| Failure::Api(format!("Drata's user for `{email}` has no id"))),
            Err(e) if e.status() == Some(404) => {
                Err(Failure::Invalid(format!("no Drata user has the email `{email}`; nothing was changed")))
            }
            Err(e) => Err(e.into()),
        },
        (None, None) => Ok(None),
    }
}

/// The version-control identity `reference` names.
async fn vcs_id(client: &Client, reference: &IdentityRef) -> Result<i64, Failure> {
    let Some(username) = username(reference)? else { return given_id(reference) };
    let found: Vec<_> =
        client.list_version_control_identities().q(username.clone()).limit(50).items().try_collect().await?;
    one_by_username("version-control identity", username, &found)
}

/// The infrastructure identity `reference` names.
async fn infra_id(client: &Client, reference: &IdentityRef) -> Result<i64, Failure> {
    let Some(username) = username(reference)? else { return given_id(reference) };
    let found: Vec<_> =
        client.list_infrastructure_identities().q(username.clone()).limit(50).items().try_collect().await?;
    one_by_username("infrastructure identity", username, &found)
}

/// `--username`, when given; an empty one names nobody and is refused
/// (it would match every identity).
fn username(reference: &IdentityRef) -> Result<Option<&String>, Failure> {
    match &reference.username {
        Some(name) if name.trim().is_empty() => {
            Err(Failure::Invalid("--username is empty; give the identity's username or its id".into()))
        }
        other => Ok(other.as_ref()),
    }
}

fn given_id(reference: &IdentityRef) -> Result<i64, Failure> {
    reference.id.ok_or_else(|| Failure::Invalid("give the identity's id or --username".into()))
}

/// The id of the one identity of `found` whose username is `username`
/// (any case); none or several is a usage error naming the candidates.
fn one_by_username<T: Serialize>(kind: &str, username: &str, found: &[Tolerant<T>]) -> Result<i64, Failure> {
    let candidates: Vec<(String, String, String)> = found
        .iter()
        .map(|item| {
            let value = serde_json::to_value(item).unwrap_or_default();
            let text = |pointer: &str| match value.pointer(pointer) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            };
            (text("/id"), text("/username"), text("/connection/clientAlias"))
        })
        .collect();
    let exact: Vec<&(String, String, String)> =
        candidates.iter().filter(|(_, name, _)| name.eq_ignore_ascii_case(username)).collect();
    let describe = |list: &[&(String, String, String)]| {
        list.iter()
            .map(|(id, name, connection)| {
                if connection.is_empty() {
                    format!("{name} (id {id})")
                } else {
                    format!("{name} (id {id}, {connection})")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    match exact.as_slice() {
        [(id, _, _)] => id
            .parse()
            .map_err(|_| Failure::Api(format!("the {kind} `{username}` has the id `{id}`, not a number"))),
        [] => {
            // Drata's search also matches ids and emails: only usernames
            // that contain the name are offered.
            let wanted = username.to_lowercase();
            let close: Vec<&(String, String, String)> =
                candidates.iter().filter(|(_, name, _)| name.to_lowercase().contains(&wanted)).collect();
            let hint = if close.is_empty() {
                String::new()
            } else {
                format!("; usernames that contain it: {}", describe(&close))
            };
            Err(Failure::Invalid(
                text(&format!("no {kind} has the username `{username}`{hint}; nothing was changed"))
                    .into_owned(),
            ))
        }
        several => Err(Failure::Invalid(
            text(&format!(
                "several {} have the username `{username}`: {}; give the id instead; nothing was changed",
                kind.replace("identity", "identities"),
                describe(several)
            ))
            .into_owned(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_named_listings_columns_are_fields_of_their_items_in_the_spec() {
        for (operation, columns) in [
            (&operations::LIST_VERSION_CONTROL_IDENTITIES, &VCS_COLUMNS[..]),
            (&operations::LIST_INFRASTRUCTURE_IDENTITIES, &INFRA_COLUMNS),
            (&operations::LIST_USERS, &USER_COLUMNS),
        ] {
            for (header, pointer, _) in columns {
                assert!(crate::spec_table::has_field(operation, pointer), "{header}: {pointer}");
            }
        }
        assert!(!crate::spec_table::has_field(&operations::LIST_USERS, "/nickname"));
    }
}
