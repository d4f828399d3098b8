//! `drata mock` and `drata demo`: the fake Drata server, alone or walked
//! through every operation.

use drata::types::{
    ConnectVersionControlIdentityRequest, ConnectionState, PersonnelImport, ProviderType,
    ServiceAccountRequest, ToggleField, ToggleVersionControlIdentityRequest,
};
use drata::{Client, ConnectionFilter, Tolerant};
use futures::TryStreamExt;

use crate::Failure;
use crate::commands::{Context, print_connections};
use crate::output::{self, Stdout};
use drata_cli::operations::command_name;

/// `drata mock`: serves the fake Drata until Ctrl-C. It accepts the key of
/// --api-key or DRATA_API_KEY when one is given (its banner says where the
/// key comes from, never the key), else `mock-api-key`.
pub async fn run_mock(
    context: &Context,
    out: &mut Stdout,
    serve: &drata_mock::ServeArgs,
) -> Result<(), Failure> {
    let keys: Vec<&str> = context.api_key().into_iter().collect();
    let started = drata_mock::start(serve, &keys, "--api-key or DRATA_API_KEY")
        .await
        .map_err(|e| Failure::Invalid(format!("cannot start the fake server: {e}")))?;
    out.line(&started.server.base_url())?;
    out.flush()?;
    output::eprint_line(&started.banner);
    // Until Ctrl-C or SIGTERM, which end every command the same way.
    std::future::pending::<()>().await;
    Ok(())
}

/// The workflow around the identities: find an engineer's identity by
/// name, revoke its push-to-production access, mark a CI bot a service
/// account, find a user by email and link an identity to them.
async fn workflow(out: &mut Stdout, client: &Client) -> Result<(), Failure> {
    let step = |out: &mut Stdout, title: &str| out.line(&format!("\n==> {title}"));

    step(out, "Find Ada's version-control identity by name (GET /user-identities/version-control?q=ada)")?;
    let found: Vec<_> = client.list_version_control_identities().q("ada").items().try_collect().await?;
    let Some(ada) = found.iter().filter_map(Tolerant::value).find(|i| i.username == "ada-lovelace") else {
        return Err(Failure::Api("ada-lovelace is not in the listing".into()));
    };
    let ada_id: i64 =
        ada.id.to_string().parse().map_err(|_| Failure::Api("an id that is not a number".into()))?;
    let linked_to = ada.user.as_ref().and_then(|u| u.email.clone()).unwrap_or_else(|| "nobody".into());
    out.line(&format!("{} is identity {ada_id}, linked to {linked_to}", ada.username))?;

    step(
        out,
        "Revoke its push-to-production access (drata vcs-identities toggle --username ada-lovelace …)",
    )?;
    let revoked = client
        .toggle_version_control_identity()
        .id(ada_id)
        .body(ToggleVersionControlIdentityRequest {
            toggle: false,
            toggle_field: Some(ToggleField::VersionControlPushProdCodeAccess),
        })
        .send()
        .await?;
    let state = if revoked.push_production_code_access.is_some() { "still on" } else { "off" };
    out.line(&format!("{}: push-to-production access {state}", revoked.username))?;

    step(out, "Mark the CI bot's AWS account a service account, with the reason")?;
    let bots: Vec<_> =
        client.list_infrastructure_identities().q("ci-deploy-bot").items().try_collect().await?;
    let Some(bot) = bots.iter().filter_map(Tolerant::value).next() else {
        return Err(Failure::Api("ci-deploy-bot is not in the listing".into()));
    };
    let bot_id: i64 =
        bot.id.to_string().parse().map_err(|_| Failure::Api("an id that is not a number".into()))?;
    let marked = client
        .set_infrastructure_identity_service_account()
        .id(bot_id)
        .body(ServiceAccountRequest {
            service_account: true,
            service_account_reason: "Deploys from CI; no person behind it".into(),
        })
        .send()
        .await?;
    let since = marked.service_account.as_ref().map(ToString::to_string).unwrap_or_default();
    out.line(&format!("{} is a service account since {since}", marked.username))?;

    step(out, "Find a user by email and link an unlinked identity to them")?;
    let grace = client.get_user_by_email().email("grace@example.com").send().await?;
    let grace_id: i64 = grace
        .id
        .as_ref()
        .and_then(|id| id.to_string().parse().ok())
        .ok_or_else(|| Failure::Api("the user has no id".into()))?;
    let linked = client
        .connect_version_control_identity()
        .id(5)
        .body(ConnectVersionControlIdentityRequest { user_id: Some(grace_id) })
        .send()
        .await?;
    out.line(&format!(
        "{} (user {grace_id}) now owns identity {}",
        grace.email.as_deref().unwrap_or_default(),
        linked.username
    ))
}

/// `drata demo`: a tour of the operations against an in-process fake
/// server, then every operation of the spec the tour did not call, from the
/// spec's examples; it fails when one was not reached. With `--json`, the
/// tour goes to stderr and stdout gets `{"operations": [...], "every": true}`.
pub async fn run_demo(stdout: &mut Stdout, json: bool) -> Result<(), Failure> {
    let mut narrative = Stdout::stderr();
    let out: &mut Stdout = if json { &mut narrative } else { &mut *stdout };
    let server = drata_mock::MockServer::start(drata_mock::MockConfig::default())
        .await
        .map_err(|e| Failure::Api(format!("cannot start the fake server: {e}")))?;
    out.line(&format!("A fake Drata server runs at {}; no key, no network needed.", server.base_url()))?;
    let client = Client::builder().api_key(server.api_key()).base_url(server.base_url()).build()?;
    let step = |out: &mut Stdout, title: &str| out.line(&format!("\n==> {title}"));

    step(out, "List the first page of connections (GET /connections?limit=5)")?;
    let page = client.list_connections().limit(5).send().await?.into_inner();
    print_connections(out, &page.data)?;
    out.line(&format!("page {} ({} of {} connections)", page.page, page.data.len(), page.total))?;

    step(out, "Filter: active IDENTITY connections, newest first")?;
    let page = client
        .list_connections()
        .provider_types(vec![ProviderType::Identity])
        .state(ConnectionState::Active)
        .sort(drata::types::ConnectionSort::CreatedAt)
        .sort_dir(drata::types::SortDirection::Desc)
        .send()
        .await?
        .into_inner();
    print_connections(out, &page.data)?;

    step(out, "Page through every connection, 10 per page (a stream across pages)")?;
    let all: Vec<_> = client.connections(ConnectionFilter::default().page_size(10)).try_collect().await?;
    out.line(&format!("{} connections in all", all.len()))?;

    step(out, "Grant write access to version-control identity 1")?;
    let identity = client
        .toggle_version_control_identity()
        .id(1)
        .body(ToggleVersionControlIdentityRequest {
            toggle: true,
            toggle_field: Some(ToggleField::VersionControlWriteAccess),
        })
        .send()
        .await?;
    let since = identity.write_access.as_ref().map(ToString::to_string).unwrap_or_else(|| "-".into());
    out.line(&format!("{} has write access since {since}", identity.username))?;

    step(out, "Revoke its push-to-production access")?;
    let identity = client
        .toggle_version_control_identity()
        .id(1)
        .body(ToggleVersionControlIdentityRequest {
            toggle: false,
            toggle_field: Some(ToggleField::VersionControlPushProdCodeAccess),
        })
        .send()
        .await?;
    let state = if identity.push_production_code_access.is_some() { "on" } else { "off" };
    out.line(&format!("{}: push-to-production access {state}", identity.username))?;

    step(out, "Link identity 1 to Drata user 2, then unlink it")?;
    let linked = client
        .connect_version_control_identity()
        .id(1)
        .body(ConnectVersionControlIdentityRequest { user_id: Some(2) })
        .send()
        .await?;
    let email = linked.user.as_ref().and_then(|u| u.email.clone()).unwrap_or_default();
    out.line(&format!("{} linked to {email}", linked.username))?;
    let unlinked = client
        .connect_version_control_identity()
        .id(1)
        .body(ConnectVersionControlIdentityRequest { user_id: None })
        .send()
        .await?;
    let user = if unlinked.user.is_none() { "no Drata user" } else { "still linked" };
    out.line(&format!("{} unlinked: {user}", unlinked.username))?;

    workflow(out, &client).await?;

    let dir =
        tempfile::tempdir().map_err(|e| Failure::Api(format!("cannot create a temporary folder: {e}")))?;
    let write = |name: &str, text: &str| -> Result<std::path::PathBuf, Failure> {
        let path = dir.path().join(name);
        std::fs::write(&path, text)
            .map_err(|e| Failure::Api(format!("cannot write {}: {e}", path.display())))?;
        Ok(path)
    };
    let header = drata::personnel::csv_header();

    step(out, "Validate a personnel CSV with mistakes: every problem is reported, nothing is sent")?;
    let bad = write(
        "bad.csv",
        &format!(
            "{header}\n1,Ada,Lovelace,ada@example.com,,no,yes,Engineer\n2,,Turing,alan-at-example,,maybe,yes,\n"
        ),
    )?;
    match client.create_idp_connection_from_csv().file(&bad).send().await {
        Err(e) => out.line(&e.to_string())?,
        Ok(_) => out.line("unexpected: the invalid file was accepted")?,
    }

    step(out, "Import personnel from a CSV file: a new IdP connection")?;
    let good = write(
        "people.csv",
        &format!(
            "{header}\n1,Ada,Lovelace,ada@example.com,,no,yes,Engineer\n2,Alan,Turing,alan@example.com,,yes,true,Cryptanalyst\n"
        ),
    )?;
    let before = client.list_connections().send().await?.total;
    client.create_idp_connection_from_csv().file(&good).send().await?;
    let after = client.list_connections().send().await?.into_inner();
    out.line(&format!("connections: {before} before, {} after", after.total))?;
    let created = client
        .connections(ConnectionFilter::default().provider_type(ProviderType::Identity))
        .try_collect::<Vec<_>>()
        .await?
        .into_iter()
        .filter_map(drata::Tolerant::into_value)
        .max_by_key(|c| c.id.to_string().parse::<i64>().unwrap_or(0));
    let Some(created) = created else {
        return Err(Failure::Api("the new IdP connection is not in the listing".into()));
    };
    out.line(&format!("new IdP connection {} ({})", created.id, created.client_type))?;

    step(out, "Replace its personnel with a JSON list (PUT /connections/{id}/upload/json)")?;
    let import: PersonnelImport = serde_json::from_value(serde_json::json!({"personnelData": [
        {"id": "3", "firstName": "Grace", "lastName": "Hopper", "email": "grace@example.com",
         "contractor": false, "isMfaEnabled": true, "date": "1943-12-01T09:00:00", "jobTitle": "Rear Admiral"}
    ]}))
    .map_err(|e| Failure::Api(format!("demo personnel: {e}")))?;
    let id: i64 = created
        .id
        .to_string()
        .parse()
        .map_err(|_| Failure::Api("the new connection's id is not a number".into()))?;
    let answer = client.update_idp_connection_from_json().id(id).body(import).send().await?;
    out.line(&format!("updated: HTTP {}", answer.status()))?;

    step(out, "And back to the CSV's personnel (PUT /connections/{id}/upload/csv)")?;
    let answer = client.update_idp_connection_from_csv().id(id).file(&good).send().await?;
    out.line(&format!("updated: HTTP {}", answer.status()))?;

    step(out, "An error and its hint: toggling an identity that does not exist")?;
    match client
        .toggle_version_control_identity()
        .id(999_999)
        .body(ToggleVersionControlIdentityRequest {
            toggle: true,
            toggle_field: Some(ToggleField::VersionControlWriteAccess),
        })
        .send()
        .await
    {
        Err(e) => out.line(&e.to_string())?,
        Ok(_) => out.line("unexpected: identity 999999 exists")?,
    }

    step(out, "Every other operation of the spec, from its documented example")?;
    every_other_operation(out, &client, &server, &good, drata::operations::ALL).await?;
    let v1_served = server.served_operations();
    let missed: Vec<&str> =
        drata::operations::ALL.iter().map(|op| op.id).filter(|id| !v1_served.contains(id)).collect();
    if !missed.is_empty() {
        return Err(Failure::Api(format!("the demo did not reach every operation: {}", missed.join(", "))));
    }

    v2_tour(out, &client).await?;
    step(out, "Every other operation of v2, from its documented example")?;
    every_other_operation(out, &client, &server, &good, drata::v2::operations::ALL).await?;
    let served = server.served_operations();
    server.shutdown().await;
    let v2_missed: Vec<&str> =
        drata::v2::operations::ALL.iter().map(|op| op.id).filter(|id| !served.contains(id)).collect();
    if !v2_missed.is_empty() {
        return Err(Failure::Api(format!(
            "the demo did not reach every v2 operation: {}",
            v2_missed.join(", ")
        )));
    }
    let (v1, v2) = (drata::operations::ALL.len(), drata::v2::operations::ALL.len());
    out.line(&format!(
        "\nDone: all {v1} v1 and {v2} v2 operations ran against the fake server. Point --base-url at it with `drata mock`, or use your API key against Drata."
    ))?;
    out.flush()?;
    if json {
        // What the fake server answered, in each spec's order (v2's as `v2 <operation>`).
        let operations: Vec<String> = drata::operations::ALL
            .iter()
            .map(|op| command_name(op))
            .chain(drata::v2::operations::ALL.iter().map(|op| format!("v2 {}", command_name(op))))
            .collect();
        stdout.json(&serde_json::json!({"operations": operations, "every": true}))?;
    }
    Ok(())
}

/// The v2 tour: vendors created, listed by cursor, read, and deleted
/// through `client.v2()`, on the same client as v1's.
async fn v2_tour(out: &mut Stdout, client: &Client) -> Result<(), Failure> {
    let step = |out: &mut Stdout, title: &str| out.line(&format!("\n==> {title}"));
    let v2 = client.v2();

    step(out, "v2: create three vendors (POST /v2/vendors)")?;
    let mut created = Vec::new();
    for name in ["Acme Cloud", "Globex", "Initech"] {
        let vendor = v2.create_vendor().body_map(|body| body.name(name.to_string())).send().await?;
        out.line(&format!("vendor {} created: {}", vendor.id, crate::output::text(&vendor.name)))?;
        created.push(vendor.into_inner());
    }

    step(out, "v2: every vendor, 2 a page, following the cursors (GET /v2/vendors?size=2)")?;
    let first = v2.list_vendors().size(2).include_total_count(true).send().await?;
    let total = first.pagination.total_count.unwrap_or_default();
    let names: Vec<String> =
        v2.list_vendors().size(2).items().map_ok(|vendor| vendor.id_text()).try_collect().await?;
    out.line(&format!("{} vendors listed, {total} counted by Drata; ids {}", names.len(), names.join(", ")))?;

    let Some(last) = created.last() else { return Ok(()) };
    let id: i64 =
        last.id.to_string().parse().map_err(|_| Failure::Api("the vendor's id is not a number".into()))?;
    step(out, &format!("v2: read vendor {id}, then delete it (GET and DELETE /v2/vendors/{{vendorId}})"))?;
    let vendor = v2.get_vendor().vendor_id(id).send().await?;
    out.line(&format!("vendor {id}: {}", crate::output::text(&vendor.name)))?;
    v2.delete_vendor().vendor_id(id).send().await?;
    match v2.get_vendor().vendor_id(id).send().await {
        Err(e) => out.line(&format!("read again: {e}"))?,
        Ok(_) => out.line("unexpected: the deleted vendor is still there")?,
    }

    step(out, "v2: the risk registers, and the first page of personnel (cursor listings)")?;
    let registers = v2.list_risk_registers().send().await?;
    out.line(&format!("{} risk register(s)", registers.data.len()))?;
    let personnel = v2.list_personnel().size(5).send().await?;
    out.line(&format!(
        "{} person(s) on the first page{}",
        personnel.data.len(),
        if personnel.pagination.cursor.is_some() { "; more behind the cursor" } else { "" }
    ))
}

/// When `operation` acts on an item of a listing (`/vendors/{id}` below
/// the listing `/vendors`), the example's id becomes that of the listing's
/// first item: one that exists.
async fn existing_item(
    client: &Client,
    operation: &'static drata::Operation,
    table: &[&'static drata::Operation],
    example: &mut drata_openapi::ExampleRequest,
) -> Result<(), Failure> {
    let Some((parent, last)) = operation.path.rsplit_once('/') else { return Ok(()) };
    let Some(name) = last.strip_prefix('{').and_then(|l| l.strip_suffix('}')) else { return Ok(()) };
    let listing = table
        .iter()
        .copied()
        .find(|op| op.path == parent && op.method == drata::Method::Get && op.pagination.is_some());
    let Some(listing) = listing else { return Ok(()) };
    let mut call = client.call(listing);
    for (param, value) in &example.params {
        if listing.parameter(param).is_some_and(|p| p.location == drata::ParameterLocation::Path) {
            call = call.param(param.as_str(), value.as_str());
        }
    }
    let page = call.send().await?;
    let id = match page.pointer("/data/0/id") {
        Some(serde_json::Value::String(id)) => id.clone(),
        Some(id) => id.to_string(),
        None => return Ok(()),
    };
    for (param, value) in &mut example.params {
        if param == name {
            *value = id.clone();
        }
    }
    Ok(())
}

/// Calls each operation of the spec the fake server has not answered yet,
/// with the spec's example parameters and body (`csv` for an upload); the
/// deletions last, since a record deleted is gone for what reads it (and
/// what is below it).
async fn every_other_operation(
    out: &mut Stdout,
    client: &Client,
    server: &drata_mock::MockServer,
    csv: &std::path::Path,
    table: &[&'static drata::Operation],
) -> Result<(), Failure> {
    let served = server.served_operations();
    let (deletions, others): (Vec<&drata::Operation>, Vec<_>) = table
        .iter()
        .copied()
        .filter(|op| !served.contains(&op.id))
        .partition(|op| op.method == drata::Method::Delete);
    // A record's parts are deleted before the record (deepest paths first).
    let mut deletions = deletions;
    deletions.sort_by_key(|op| std::cmp::Reverse(op.path.matches('/').count()));
    for operation in others.into_iter().chain(deletions) {
        let template = format!("{}{}", operation.root, operation.path);
        let mut example = drata_openapi::example_request(operation.method.as_str(), &template)
            .ok_or_else(|| Failure::Api(format!("{} is not in the spec", operation.describe())))?;
        existing_item(client, operation, table, &mut example).await?;
        let mut call = client.call(operation);
        for (name, value) in &example.params {
            call = call.param(name.as_str(), value.as_str());
        }
        call = match (operation.body, example.body) {
            (drata::BodyKind::Json, Some(body)) => call.body(body),
            (drata::BodyKind::Multipart, _) => call.file(csv),
            _ => call,
        };
        let answer = call.send().await?;
        out.line(&format!(
            "{} {}: {} {} answered {}",
            if operation.root.is_empty() { "drata op" } else { "drata v2" },
            command_name(operation),
            operation.method,
            example.path,
            answer.status()
        ))?;
    }
    Ok(())
}
