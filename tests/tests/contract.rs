//! Every operation through the public client against a local server: the
//! exact request on the wire, the parsed answer, and every documented error.

use drata::types::{
    ClientType, ConnectVersionControlIdentityRequest, ConnectionProviderTypeEntry, ConnectionSort,
    ConnectionState, Id, PersonnelImport, ProviderType, SortDirection, ToggleField,
    ToggleVersionControlIdentityRequest, VersionControlIdentity,
};
use drata::{Error, TimestampFormat};
use drata_tests::{TEST_KEY, client_for, client_without_retries, csv_text, fixture, fixture_json};
use reqwest::StatusCode;
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn json_response(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), "application/json")
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}

fn assert_common_headers(request: &Request) {
    let h = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    assert_eq!(h("authorization").as_deref(), Some(format!("Bearer {TEST_KEY}").as_str()));
    assert_eq!(h("user-agent").as_deref(), Some(drata::USER_AGENT_VALUE));
    assert_eq!(h("accept").as_deref(), Some("application/json"));
    assert_eq!(h("api-version"), None, "progenitor's api-version header is not sent to Drata");
}

// ------------------------------------------------------------------ toggle

#[tokio::test]
async fn toggle_sends_the_documented_body_and_parses_the_documented_answer() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/public/user-identities/version-control/7/toggle"))
        .and(body_json(json!({"toggle": true, "toggleField": "VERSION_CONTROL_WRITE_ACCESS"})))
        .respond_with(json_response(200, &fixture("VersionControlIdentityToggled")))
        .expect(1)
        .mount(&server)
        .await;

    let identity: VersionControlIdentity = client_for(&server.uri())
        .toggle_version_control_identity()
        .id(7)
        .body(ToggleVersionControlIdentityRequest {
            toggle: true,
            toggle_field: Some(ToggleField::VersionControlWriteAccess),
        })
        .send()
        .await
        .expect("the documented answer parses")
        .into_inner();

    assert_common_headers(&only_request(&server).await);
    assert_eq!(identity.id, Id::Int64(1));
    assert_eq!(
        identity.email.as_deref(),
        Some("[email\u{a0}protected]"),
        "the sample's no-break space is kept"
    );
    let write_access = identity.write_access.as_ref().expect("set");
    assert_eq!(write_access.as_str(), "2020-07-06 12:00:00.000000");
    assert_eq!(write_access.format(), TimestampFormat::SqlUtc);
    assert_eq!(identity.connection.id, Some(Id::String("1".into())));
    assert_eq!(identity.connection.client_type, Some(ClientType::Google));
    assert_eq!(identity.connection.provider_types, Some(vec![ConnectionProviderTypeEntry::Int64(5)]));
    assert_eq!(identity.connection.product, Some(json!("")));
    let user = identity.user.as_ref().expect("linked");
    let nested = &user.identities.as_ref().expect("identities")[0];
    let started = nested.started_at.as_ref().expect("startedAt");
    assert_eq!(started.as_str(), "Fri Jan 31 2025");
    assert_eq!(started.to_utc().map(|t| t.to_rfc3339()).as_deref(), Some("2025-01-31T00:00:00+00:00"));
    assert_eq!(nested.user, drata::types::User::default(), "the `{{ }}` placeholder parses");
}

#[tokio::test]
async fn toggle_can_turn_push_to_production_off_without_naming_the_field_twice() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/public/user-identities/version-control/3/toggle"))
        .and(body_json(json!({"toggle": false, "toggleField": "VERSION_CONTROL_PUSH_PROD_CODE_ACCESS"})))
        .respond_with(json_response(200, &fixture("VersionControlIdentityConnected")))
        .expect(1)
        .mount(&server)
        .await;
    client_for(&server.uri())
        .toggle_version_control_identity()
        .id(3)
        .body(ToggleVersionControlIdentityRequest {
            toggle: false,
            toggle_field: Some(ToggleField::VersionControlPushProdCodeAccess),
        })
        .send()
        .await
        .expect("200");
}

// ----------------------------------------------------------------- connect

#[tokio::test]
async fn connect_links_with_a_user_id_and_unlinks_with_null() {
    let server = MockServer::start().await;
    for (id, body) in [(5, json!({"userId": 12})), (6, json!({"userId": null}))] {
        Mock::given(method("PUT"))
            .and(path(format!("/public/user-identities/version-control/{id}/connect")))
            .and(body_json(body))
            .respond_with(json_response(200, &fixture("VersionControlIdentityConnected")))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client_for(&server.uri());
    let linked = client
        .connect_version_control_identity()
        .id(5)
        .body(ConnectVersionControlIdentityRequest { user_id: Some(12) })
        .send()
        .await
        .expect("link")
        .into_inner();
    client
        .connect_version_control_identity()
        .id(6)
        .body(ConnectVersionControlIdentityRequest { user_id: None })
        .send()
        .await
        .expect("unlink");

    // This sample omits `email` at the top level and in nested users.
    assert_eq!(linked.email, None);
    assert_eq!(linked.user.as_ref().and_then(|u| u.email.clone()), None);
    let workspace = &linked.connection.workspaces.as_ref().expect("workspaces")[0];
    assert_eq!(workspace.how_it_works, None);
    assert_eq!(workspace.name, "Drata");
}

// -------------------------------------------------------------------- list

#[tokio::test]
async fn list_encodes_every_query_parameter_and_repeats_provider_types() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/public/connections"))
        .respond_with(json_response(200, &fixture("ConnectionsPage")))
        .expect(1)
        .mount(&server)
        .await;

    let page = client_for(&server.uri())
        .list_connections()
        .page(2)
        .limit(50)
        .sort(ConnectionSort::ConnectedAt)
        .sort_dir(SortDirection::Desc)
        .provider_types(vec![ProviderType::Mdm, ProviderType::Identity])
        .state(ConnectionState::Active)
        .send()
        .await
        .expect("the documented page parses")
        .into_inner();

    let request = only_request(&server).await;
    assert_common_headers(&request);
    assert_eq!(
        request.url.query(),
        Some(
            "limit=50&page=2&providerTypes=MDM&providerTypes=IDENTITY&sort=CONNECTED_AT&sortDir=DESC&state=ACTIVE"
        )
    );
    assert_eq!((page.page, page.limit, page.total), (1, 10, 100));
    let connection = page.data[0].value().expect("an exact item");
    assert!(page.data[0].is_exact());
    assert_eq!(connection.id, Id::String("1".into()));
    assert_eq!(connection.client_type, ClientType::Google);
    assert_eq!(connection.state, ConnectionState::Active);
    assert_eq!(connection.code, Some(10010));
    assert_eq!(connection.group_label.as_deref(), Some("Everyone"));
    let provider = &connection.provider_types.as_ref().expect("providerTypes")[0];
    let provider = provider.provider_type().expect("an object, not a bare number");
    assert_eq!((provider.value.clone(), provider.is_enabled), (ProviderType::Mdm, true));
    assert_eq!(
        connection.connected_at.as_ref().and_then(|t| t.to_utc()).map(|t| t.to_rfc3339()).as_deref(),
        Some("2025-07-01T16:45:55.246+00:00")
    );
}

#[tokio::test]
async fn list_without_filters_sends_no_query() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/public/connections"))
        .respond_with(
            json_response(200, r#"{"data":[],"page":1,"limit":20,"total":0}"#)
                .insert_header("x-request-id", "req-7"),
        )
        .mount(&server)
        .await;
    let response = client_for(&server.uri()).list_connections().send().await.expect("ok");
    assert_eq!(only_request(&server).await.url.query(), None);
    // The answer's headers stay readable beside its body.
    assert_eq!((response.status(), response.header("x-request-id")), (200, Some("req-7")));
    assert_eq!(response.header("x-absent"), None);
    assert!(response.into_inner().data.is_empty());
}

#[tokio::test]
async fn unknown_enum_values_are_kept_and_sent_back_unchanged() {
    let server = MockServer::start().await;
    let body = json!({
        "data": [{
            "id": 9, "clientType": "BRAND_NEW_SERVICE", "state": "PAUSED", "connected": true,
            "connectedAt": null, "failedAt": null, "clientId": null, "clientAlias": null,
            "aliasUpdatedAt": null, "deletedAt": null, "code": null,
            "providerTypes": [{"value": "QUANTUM", "isEnabled": false}]
        }],
        "page": 1, "limit": 20, "total": 1
    });
    Mock::given(method("GET"))
        .and(path("/public/connections"))
        .respond_with(json_response(200, &body.to_string()))
        .mount(&server)
        .await;

    let page = client_for(&server.uri())
        .list_connections()
        .provider_types(vec![ProviderType::from("QUANTUM")])
        .send()
        .await
        .expect("unknown values do not fail the answer")
        .into_inner();

    assert_eq!(only_request(&server).await.url.query(), Some("providerTypes=QUANTUM"));
    let connection = page.data[0].value().expect("an exact item");
    assert!(page.data[0].is_exact());
    assert_eq!(connection.id, Id::Int64(9));
    assert_eq!(connection.client_type, ClientType::Unknown("BRAND_NEW_SERVICE".into()));
    assert_eq!(connection.state, ConnectionState::Unknown("PAUSED".into()));
    assert!(!connection.state.is_known());
    assert_eq!(serde_json::to_value(&page).expect("serializes"), body);
}

#[tokio::test]
async fn a_csv_import_without_a_file_is_the_call_drata_documents_with_no_body() {
    // Drata's document declares no body for the CSV imports; the file is
    // optional in the spec, and without it nothing but the request goes.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/public/connections/upload/csv"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({})))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    client.create_idp_connection_from_csv().send().await.expect("created");
    let request = only_request(&server).await;
    assert_eq!((request.body.len(), request.headers.get("content-type")), (0, None));
}

#[tokio::test]
async fn parameters_outside_the_documented_bounds_are_refused_and_nothing_is_sent() {
    let server = MockServer::start().await;
    let client = client_for(&server.uri());
    let toggle = ToggleVersionControlIdentityRequest { toggle: true, toggle_field: None };
    let errors = [
        client.toggle_version_control_identity().id(0).body(toggle.clone()).send().await.expect_err("id 0"),
        client
            .connect_version_control_identity()
            .id(-5)
            .body(ConnectVersionControlIdentityRequest { user_id: None })
            .send()
            .await
            .expect_err("id -5"),
        client.list_connections().limit(51).send().await.expect_err("limit 51"),
        client.list_connections().page(0).send().await.expect_err("page 0"),
        client.update_idp_connection_from_csv().id(0).file("x.csv").send().await.expect_err("id 0"),
    ];
    let texts: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        texts,
        [
            "invalid request, nothing was sent: PUT /user-identities/version-control/{id}/toggle: `id` must be a whole number from 1, not 0",
            "invalid request, nothing was sent: PUT /user-identities/version-control/{id}/connect: `id` must be a whole number from 1, not -5",
            "invalid request, nothing was sent: GET /connections: `limit` must be a whole number from 1 to 50, not 51",
            "invalid request, nothing was sent: GET /connections: `page` must be a whole number from 1, not 0",
            "invalid request, nothing was sent: PUT /connections/{id}/upload/csv: `id` must be a whole number from 1, not 0",
        ]
    );
    assert!(errors.iter().all(Error::is_invalid_input));
    assert_eq!(server.received_requests().await.unwrap_or_default().len(), 0);
}

// --------------------------------------------------------------- CSV upload

/// A file `name` holding `content`, in a directory removed when dropped.
fn temp_csv(name: &str, content: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, content).expect("temp file");
    (dir, path)
}

fn csv() -> String {
    csv_text("233,Neil,Armstrong,neil@example.com,,no,yes,Astronaut\n")
}

/// What Drata receives for [`csv`] and for [`MESSY_CSV`]: the checked copy,
/// in Drata's column order, trimmed, with `true`/`false`.
fn sent_csv() -> String {
    csv_text("233,Neil,Armstrong,neil@example.com,,false,true,Astronaut\n")
}

/// [`csv`] as a spreadsheet may save it: a byte-order mark, columns in
/// another order and case, spaces, a blank line and a column of its own.
const MESSY_CSV: &str = "\u{feff}Email, ID ,first_name,last_name,MFA,is_contractor,job_title,notes\n\n\
                         neil@example.com , 233,Neil,Armstrong,yes,no,Astronaut,not sent\n\n";

fn assert_csv_multipart(request: &Request, file_name: &str) {
    assert_common_headers_except_accept(request);
    let content_type = request.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("not multipart: {content_type}"));
    let body = String::from_utf8_lossy(&request.body);
    let expected = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: text/csv\r\n\r\n{}\r\n--{boundary}--\r\n",
        sent_csv()
    );
    assert_eq!(body, expected);
}

fn assert_common_headers_except_accept(request: &Request) {
    assert_eq!(
        request.headers.get("authorization").and_then(|v| v.to_str().ok()),
        Some(format!("Bearer {TEST_KEY}").as_str())
    );
    assert_eq!(request.headers.get("api-version"), None);
}

#[tokio::test]
async fn create_from_csv_streams_the_checked_copy_as_the_multipart_part_file() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/public/connections/upload/csv"))
        .respond_with(json_response(201, &fixture("Empty")))
        .expect(1)
        .mount(&server)
        .await;
    let (_dir, file) = temp_csv("people.csv", MESSY_CSV);
    let progress = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = progress.clone();

    let answer = client_for(&server.uri())
        .create_idp_connection_from_csv()
        .file(&file)
        .on_progress(move |sent, total| seen.lock().expect("lock").push((sent, total)))
        .send()
        .await
        .expect("201");

    assert_eq!(answer.status(), StatusCode::CREATED);
    assert!(answer.into_inner().is_empty());
    assert_csv_multipart(&only_request(&server).await, "people.csv");
    // Progress in bytes of what is sent: the checked copy.
    let total = sent_csv().len() as u64;
    let progress = progress.lock().expect("lock").clone();
    assert_eq!((progress.first(), progress.last()), (Some(&(0, total)), Some(&(total, total))));
}

#[tokio::test]
async fn update_from_csv_puts_the_file_to_the_connection() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/public/connections/42/upload/csv"))
        .respond_with(json_response(200, "{}"))
        .expect(1)
        .mount(&server)
        .await;
    let (_dir, file) = temp_csv("update.csv", &csv());

    let answer = client_for(&server.uri())
        .update_idp_connection_from_csv()
        .id(42)
        .file(&file)
        .send()
        .await
        .expect("200");

    assert_eq!(answer.status(), StatusCode::OK);
    assert_csv_multipart(&only_request(&server).await, "update.csv");
}

#[test]
fn an_upload_shows_what_it_will_send_in_debug() {
    let client = client_for("http://127.0.0.1:9");
    let checked = drata::personnel::PersonnelCsv::from_reader(csv().as_bytes(), "people.csv").expect("valid");
    assert_eq!(
        format!("{:?}", client.update_idp_connection_from_csv().id(42).file("people.csv")),
        r#"UpdateIdpConnectionFromCsv(Upload { operation: "update_idp_connection_from_csv", params: [("id", "42")], parts: [("file", File("people.csv"))], checked: None, .. })"#
    );
    assert_eq!(
        format!("{:?}", client.create_idp_connection_from_csv().csv(checked)),
        r#"CreateIdpConnectionFromCsv(Upload { operation: "create_idp_connection_from_csv", params: [], parts: [], checked: Some("checked CSV of 1 row(s)"), .. })"#
    );
    assert_eq!(
        format!("{:?}", client.create_idp_connection_from_csv()),
        r#"CreateIdpConnectionFromCsv(Upload { operation: "create_idp_connection_from_csv", params: [], parts: [], checked: None, .. })"#
    );
}

#[tokio::test]
async fn a_missing_csv_file_is_an_error_and_nothing_is_sent() {
    let server = MockServer::start().await;
    let missing = std::env::temp_dir().join("drata-contract-no-such-file.csv");
    let err = client_for(&server.uri())
        .create_idp_connection_from_csv()
        .file(&missing)
        .send()
        .await
        .expect_err("no file");
    assert!(matches!(&err, Error::File { path, .. } if *path == missing), "{err:?}");
    assert!(err.to_string().contains("nothing was sent"), "{err}");
    assert!(server.received_requests().await.unwrap_or_default().is_empty());
}

// -------------------------------------------------------------- JSON upload

#[tokio::test]
async fn create_and_update_from_json_send_the_personnel_list() {
    let server = MockServer::start().await;
    let documented = fixture_json("PersonnelImport");
    Mock::given(method("POST"))
        .and(path("/public/connections/upload/json"))
        .and(header("content-type", "application/json"))
        .and(body_json(&documented))
        .respond_with(json_response(201, "{}"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/public/connections/8/upload/json"))
        .and(body_json(&documented))
        .respond_with(json_response(200, "{}"))
        .expect(1)
        .mount(&server)
        .await;
    let personnel: PersonnelImport = serde_json::from_value(documented.clone()).expect("sample");
    assert_eq!(personnel.personnel_data[0].first_name, "Neil");
    let client = client_for(&server.uri());

    let created = client.create_idp_connection_from_json().body(personnel.clone()).send().await.expect("201");
    let updated = client.update_idp_connection_from_json().id(8).body(personnel).send().await.expect("200");

    assert_eq!((created.status(), updated.status()), (201, 200));
}

// ------------------------------------------------------------------- errors

/// Each operation, called once with valid input.
async fn call(op: &str, client: &drata::Client) -> Result<u16, Error> {
    let (_dir, csv) = temp_csv("errors.csv", &csv());
    let personnel: PersonnelImport = serde_json::from_value(fixture_json("PersonnelImport")).expect("sample");
    let toggle = ToggleVersionControlIdentityRequest { toggle: true, toggle_field: None };
    Ok(match op {
        "toggle" => client.toggle_version_control_identity().id(1).body(toggle).send().await?.status(),
        "connect" => client
            .connect_version_control_identity()
            .id(1)
            .body(ConnectVersionControlIdentityRequest { user_id: Some(1) })
            .send()
            .await?
            .status(),
        "list" => client.list_connections().send().await?.status(),
        "create_csv" => client.create_idp_connection_from_csv().file(&csv).send().await?.status(),
        "update_csv" => client.update_idp_connection_from_csv().id(1).file(&csv).send().await?.status(),
        "create_json" => client.create_idp_connection_from_json().body(personnel).send().await?.status(),
        "update_json" => {
            client.update_idp_connection_from_json().id(1).body(personnel).send().await?.status()
        }
        other => panic!("unknown operation {other}"),
    })
}

/// Each operation [`call`] makes, with its facts from the spec (the
/// generated [`drata::operations`]): its documented error statuses.
const CALLS: &[(&str, &drata::Operation)] = &[
    ("toggle", &drata::operations::TOGGLE_VERSION_CONTROL_IDENTITY),
    ("connect", &drata::operations::CONNECT_VERSION_CONTROL_IDENTITY),
    ("list", &drata::operations::LIST_CONNECTIONS),
    ("create_csv", &drata::operations::CREATE_IDP_CONNECTION_FROM_CSV),
    ("update_csv", &drata::operations::UPDATE_IDP_CONNECTION_FROM_CSV),
    ("create_json", &drata::operations::CREATE_IDP_CONNECTION_FROM_JSON),
    ("update_json", &drata::operations::UPDATE_IDP_CONNECTION_FROM_JSON),
];

/// The hint a person reads for `status` on `op`, written out in full: the
/// texts users see are checked as they are, not against the code that makes them.
fn expected_hint(op: &str, status: u16) -> String {
    let permission = match op {
        "toggle" | "connect" => "Connections: Manage Version Control User Identities",
        "list" => "Connections: List Connections",
        _ => "Personnel: Import Personnel",
    };
    match status {
        400 => "Check the request against the operation's documentation.".into(),
        401 => {
            "Check the API key (Settings → API Keys in Drata) and that the region matches your Drata account."
                .into()
        }
        402 => "This feature needs a Drata plan upgrade.".into(),
        403 => format!(
            "The API key lacks the permission this operation requires: \"{permission}\". Add it to the key's scopes in Drata (Settings → API Keys)."
        ),
        // Written out: the record the path names, and the body's for an
        // operation that takes a JSON body.
        404 if op == "connect" => {
            "No such record: Drata found nothing for the id `1`, or for the `userId` in the body.".into()
        }
        404 => "No such record: Drata found nothing for the id `1`.".into(),
        412 => "The key's owner must accept Drata's terms and conditions in the Drata web app.".into(),
        429 => "Rate limited: Drata allows 500 requests per minute per IP; wait and retry.".into(),
        500 => "Drata had a server error; retry later.".into(),
        other => panic!("no hint expected for {other}"),
    }
}

#[tokio::test]
async fn every_documented_error_status_becomes_a_typed_error_with_message_and_code() {
    // Only operations that name a record document a 404.
    assert_eq!(drata::operations::LIST_CONNECTIONS.errors, [400, 401, 402, 403, 412, 429, 500]);
    assert_eq!(
        drata::operations::UPDATE_IDP_CONNECTION_FROM_CSV.errors,
        [400, 401, 402, 403, 404, 412, 429, 500]
    );
    for (op, operation) in CALLS {
        for &status in operation.errors {
            let server = MockServer::start().await;
            // Real error bodies sometimes lack `name` and carry `debugInfo: null`.
            let body = json!({"statusCode": status, "message": format!("{op} failed"), "code": 10000 + status, "debugInfo": null});
            Mock::given(wiremock::matchers::any())
                .respond_with(json_response(status, &body.to_string()))
                .mount(&server)
                .await;

            let err = call(op, &client_without_retries(&server.uri())).await.expect_err("an error status");

            let Error::Api(api) = &err else { panic!("{op} {status}: {err:?}") };
            assert_eq!(api.status, status, "{op}");
            assert_eq!(err.operation(), Some(*operation));
            assert_eq!(api.message(), Some(format!("{op} failed").as_str()));
            assert_eq!(api.code(), Some(10000 + i64::from(status)));
            assert_eq!(api.name(), None);
            assert_eq!(api.hint(), Some(expected_hint(op, status)), "{op} {status}");
            assert_eq!(api.attempts, 1);
            let text = err.to_string();
            assert!(text.contains(&format!("{op} failed")) && !text.contains(TEST_KEY), "{text}");
        }
    }
}

#[tokio::test]
async fn a_404_for_a_route_says_to_check_the_base_url_not_the_id() {
    let server = MockServer::start().await;
    // What a web framework answers for a route it does not have.
    let body = r#"{"statusCode":404,"message":"Cannot PUT /user-identities/version-control/1/toggle","error":"Not Found"}"#;
    Mock::given(wiremock::matchers::any()).respond_with(json_response(404, body)).mount(&server).await;
    let err = call("toggle", &client_without_retries(&server.uri())).await.expect_err("404");
    assert_eq!(
        err.to_string(),
        "PUT /user-identities/version-control/1/toggle: Drata answered 404 Not Found with a body that is not Drata's error JSON ({\"statusCode\":404,\"message\":\"Cannot PUT /user-identities/version-control/1/toggle\",\"error\":\"Not Found\"}). Drata has no such route: check the path, the base URL (it ends in `/public`, e.g. https://public-api.drata.com/public) and the region."
    );
    // A listing names no record: its 404 is always the route's.
    let server = MockServer::start().await;
    let body = json!({"statusCode": 404, "message": "Not Found", "code": 10004});
    Mock::given(wiremock::matchers::any())
        .respond_with(json_response(404, &body.to_string()))
        .mount(&server)
        .await;
    let err = call("list", &client_without_retries(&server.uri())).await.expect_err("404");
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!(
        api.hint().as_deref(),
        Some(
            "Drata has no such route: check the path, the base URL (it ends in `/public`, e.g. https://public-api.drata.com/public) and the region."
        )
    );
}

#[tokio::test]
async fn an_error_answer_that_is_not_drata_json_keeps_its_status_hint() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(502).set_body_raw("<html>Bad gateway</html>", "text/html"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_raw("<html>Unauthorized</html>", "text/html"))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(json_response(500, r#"{"statusCode":500,"message":"boom"}"#))
        .mount(&server)
        .await;
    let client = client_without_retries(&server.uri());

    let err = call("create_csv", &client).await.expect_err("502");
    assert_eq!(
        err.to_string(),
        "POST /connections/upload/csv: Drata answered 502 Bad Gateway with a body that is not Drata's error JSON (<html>Bad gateway</html>). Drata had a server error; retry later."
    );
    // A proxy's HTML 401 is not blamed on the key.
    let err = call("list", &client).await.expect_err("401 html");
    assert_eq!(
        err.to_string(),
        "GET /connections: Drata answered 401 Unauthorized with a body that is not Drata's error JSON (<html>Unauthorized</html>). The answer is not JSON, so it did not come from Drata's API but from something in front of it (a proxy, a gateway, a login page): check the base URL and any proxy between you and Drata."
    );
    assert_eq!(err.status(), Some(401));
    // A documented status whose body lacks `code`.
    let err = call("toggle", &client).await.expect_err("500 without code");
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!(
        (api.status, api.body.as_ref(), api.excerpt()),
        (500, None, Some(r#"{"statusCode":500,"message":"boom"}"#))
    );
    assert_eq!(api.hint().as_deref(), Some("Drata had a server error; retry later."));
}

#[tokio::test]
async fn an_error_body_keeps_every_field_and_reads_as_the_operations_documented_schema() {
    // What every error schema holds is read; what one adds (v2's list of
    // refused inputs) is kept, and the body reads as the documented schema.
    let server = MockServer::start().await;
    let body = json!({"statusCode": 400, "code": 10000, "message": "bad", "name": "BadRequestException",
        "debugInfo": {"name": "E", "message": "m"}, "invalidInputs": [{"field": "name"}]});
    Mock::given(wiremock::matchers::any())
        .respond_with(json_response(400, &body.to_string()))
        .mount(&server)
        .await;
    let err = call("list", &client_without_retries(&server.uri())).await.expect_err("400");
    let Error::Api(api) = &err else { panic!("{err:?}") };
    let read = api.body.as_ref().expect("Drata's error JSON");
    assert_eq!(
        (read.status_code, read.code, read.message.as_str(), read.name.as_deref()),
        (400, 10000, "bad", Some("BadRequestException"))
    );
    assert_eq!(read.debug_info, Some(json!({"name": "E", "message": "m"})));
    assert_eq!(read.other, json!({"invalidInputs": [{"field": "name"}]}).as_object().cloned().unwrap());
    assert_eq!(api.operation.error_schema, Some("ExceptionResponse"));
    let documented: drata::types::ExceptionResponse = api.body_as().expect("reads as the documented schema");
    assert_eq!((documented.code, documented.name.as_deref()), (10000, Some("BadRequestException")));
    // The whole body, as sent, whatever schema it is read as.
    assert_eq!(api.body_as::<serde_json::Value>(), Some(body));
    // A type the body does not fit reads as nothing.
    assert_eq!(api.body_as::<Vec<u8>>(), None);
}
