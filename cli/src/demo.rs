//! `drata mock` and `drata demo`: the fake Drata server, alone or walked
//! through every operation.

use drata::types::{
    ConnectVersionControlIdentityRequest, ConnectionState, PersonnelImport, ProviderType, ToggleField,
    ToggleVersionControlIdentityRequest,
};
use drata::{Client, ConnectionFilter};
use futures::TryStreamExt;

use crate::Failure;
use crate::output;

/// `drata mock`: serves the fake Drata until Ctrl-C.
pub async fn run_mock(port: u16, api_keys: Vec<String>) -> Result<(), Failure> {
    let mut config = drata_mock::MockConfig::default();
    if !api_keys.is_empty() {
        config = config.api_keys(api_keys);
    }
    let server = drata_mock::MockServer::start_on(config, port)
        .await
        .map_err(|e| Failure::Invalid(format!("cannot start the fake server on port {port}: {e}")))?;
    println!("{}", server.base_url());
    eprintln!(
        "fake Drata listening; use --base-url {} and a configured key. Ctrl-C stops it.",
        server.base_url()
    );
    tokio::signal::ctrl_c().await.map_err(|e| Failure::Api(format!("cannot wait for Ctrl-C: {e}")))?;
    server.shutdown().await;
    Ok(())
}

fn step(title: &str) {
    println!("\n==> {title}");
}

/// `drata demo`: every operation against an in-process fake server.
pub async fn run_demo() -> Result<(), Failure> {
    let server = drata_mock::MockServer::start(drata_mock::MockConfig::default())
        .await
        .map_err(|e| Failure::Api(format!("cannot start the fake server: {e}")))?;
    println!("A fake Drata server runs at {}; no key, no network needed.", server.base_url());
    let client = Client::builder().api_key(server.api_key()).base_url(server.base_url()).build()?;

    step("List the first page of connections (GET /connections?limit=5)");
    let page = client.list_connections().limit(5).send().await?.into_inner();
    output::print_connections(&page.data);
    println!("page {} ({} of {} connections)", page.page, page.data.len(), page.total);

    step("Filter: active IDENTITY connections, newest first");
    let page = client
        .list_connections()
        .provider_types(vec![ProviderType::Identity])
        .state(ConnectionState::Active)
        .sort(drata::types::ConnectionSort::CreatedAt)
        .sort_dir(drata::types::SortDirection::Desc)
        .send()
        .await?
        .into_inner();
    output::print_connections(&page.data);

    step("Page through every connection, 10 per page (a stream across pages)");
    let all: Vec<_> = client.connections(ConnectionFilter::default().page_size(10)).try_collect().await?;
    println!("{} connections in all", all.len());

    step("Grant write access to version-control identity 1");
    let identity = client
        .toggle_version_control_identity()
        .id(1)
        .body(ToggleVersionControlIdentityRequest {
            toggle: true,
            toggle_field: Some(ToggleField::VersionControlWriteAccess),
        })
        .send()
        .await?;
    println!(
        "{} has write access since {}",
        identity.username,
        identity.write_access.as_ref().map(ToString::to_string).unwrap_or_else(|| "-".into())
    );

    step("Revoke its push-to-production access");
    let identity = client
        .toggle_version_control_identity()
        .id(1)
        .body(ToggleVersionControlIdentityRequest {
            toggle: false,
            toggle_field: Some(ToggleField::VersionControlPushProdCodeAccess),
        })
        .send()
        .await?;
    println!(
        "{}: push-to-production access {}",
        identity.username,
        if identity.push_production_code_access.is_some() { "on" } else { "off" }
    );

    step("Link identity 1 to Drata user 2, then unlink it");
    let linked = client
        .connect_version_control_identity()
        .id(1)
        .body(ConnectVersionControlIdentityRequest { user_id: Some(2) })
        .send()
        .await?;
    let email = linked.user.as_ref().and_then(|u| u.email.clone()).unwrap_or_default();
    println!("{} linked to {email}", linked.username);
    let unlinked = client
        .connect_version_control_identity()
        .id(1)
        .body(ConnectVersionControlIdentityRequest { user_id: None })
        .send()
        .await?;
    println!(
        "{} unlinked: {}",
        unlinked.username,
        if unlinked.user.is_none() { "no Drata user" } else { "still linked" }
    );

    let dir = std::env::temp_dir().join(format!("drata-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failure::Api(format!("cannot create {}: {e}", dir.display())))?;
    let write = |name: &str, text: &str| -> Result<std::path::PathBuf, Failure> {
        let path = dir.join(name);
        std::fs::write(&path, text)
            .map_err(|e| Failure::Api(format!("cannot write {}: {e}", path.display())))?;
        Ok(path)
    };
    let header = "id,first_name,last_name,email,avatar_url,is_contractor,mfa,job_title\n";

    step("Validate a personnel CSV with mistakes: every problem is reported, nothing is sent");
    let bad = write(
        "bad.csv",
        &format!(
            "{header}1,Ada,Lovelace,ada@example.com,,no,yes,Engineer\n2,,Turing,alan-at-example,,maybe,yes,\n"
        ),
    )?;
    match client.create_idp_connection_from_csv().file(&bad).send().await {
        Err(e) => println!("{e}"),
        Ok(_) => println!("unexpected: the invalid file was accepted"),
    }

    step("Import personnel from a CSV file: a new IdP connection");
    let good = write(
        "people.csv",
        &format!(
            "{header}1,Ada,Lovelace,ada@example.com,,no,yes,Engineer\n2,Alan,Turing,alan@example.com,,yes,true,Cryptanalyst\n"
        ),
    )?;
    let before = client.list_connections().send().await?.total;
    client.create_idp_connection_from_csv().file(&good).send().await?;
    let after = client.list_connections().send().await?.into_inner();
    println!("connections: {before} before, {} after", after.total);
    let created = client
        .connections(ConnectionFilter::default().provider_type(ProviderType::Identity))
        .try_collect::<Vec<_>>()
        .await?
        .into_iter()
        .max_by_key(|c| c.id.to_string().parse::<i64>().unwrap_or(0));
    let Some(created) = created else {
        return Err(Failure::Api("the new IdP connection is not in the listing".into()));
    };
    println!("new IdP connection {} ({})", created.id, created.client_type);

    step("Replace its personnel with a JSON list (PUT /connections/{id}/upload/json)");
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
    println!("updated: HTTP {}", answer.status());

    step("An error and its hint: toggling an identity that does not exist");
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
        Err(e) => println!("{e}"),
        Ok(_) => println!("unexpected: identity 999999 exists"),
    }

    let _ = std::fs::remove_dir_all(&dir);
    server.shutdown().await;
    println!(
        "\nDone: every operation ran against the fake server. Point --base-url at it with `drata mock`, or use your API key against Drata."
    );
    Ok(())
}
