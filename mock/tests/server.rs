//! The fake server over HTTP: auth, validation, state, limits and faults.

use drata_mock::{DEFAULT_API_KEY, MockConfig, MockServer};
use serde_json::{Value, json};

async fn get(mock: &MockServer, path_and_query: &str, key: &str) -> (u16, Value, reqwest::header::HeaderMap) {
    let response = reqwest::Client::new()
        .get(format!("{}{path_and_query}", mock.base_url()))
        .bearer_auth(key)
        .send()
        .await
        .expect("answer");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, response.json().await.unwrap_or(Value::Null), headers)
}

async fn put_json(mock: &MockServer, path: &str, body: &Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .put(format!("{}{path}", mock.base_url()))
        .bearer_auth(DEFAULT_API_KEY)
        .json(body)
        .send()
        .await
        .expect("answer");
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn listing_filters_sorts_and_pages() {
    let mock = MockServer::start(MockConfig::default()).await.expect("start");
    let (status, page, _) = get(&mock, "/connections?providerTypes=MDM&providerTypes=EDR&sort=CONNECTION_CLIENT_TYPE&sortDir=ASC&limit=3&page=2", DEFAULT_API_KEY).await;
    assert_eq!(status, 200);
    let types: Vec<&str> =
        page["data"].as_array().expect("data").iter().filter_map(|c| c["clientType"].as_str()).collect();
    // MDM and EDR, by client type: CROWDSTRIKE INTUNE JAMF | KANDJI KOLIDE
    assert_eq!(types, ["KANDJI", "KOLIDE"]);
    assert_eq!(
        (page["page"].clone(), page["limit"].clone(), page["total"].clone()),
        (json!(2), json!(3), json!(5))
    );
    let (_, misconfigured, _) = get(&mock, "/connections?state=MISCONFIGURED", DEFAULT_API_KEY).await;
    assert_eq!(misconfigured["total"], 2);
}

#[tokio::test]
async fn parameters_and_bodies_are_validated_as_the_spec_says() {
    let mock = MockServer::start(MockConfig::default()).await.expect("start");
    for query in [
        "?limit=0",
        "?limit=51",
        "?page=0",
        "?page=x",
        "?sort=NAME",
        "?sortDir=UP",
        "?providerTypes=QUANTUM",
        "?state=PAUSED",
    ] {
        let (status, body, _) = get(&mock, &format!("/connections{query}"), DEFAULT_API_KEY).await;
        assert_eq!((status, body["statusCode"].clone()), (400, json!(400)), "{query}: {body}");
    }
    let toggle = "/user-identities/version-control/1/toggle";
    for body in [
        json!({}),
        json!({"toggle": "yes"}),
        json!({"toggle": true, "toggleField": null}),
        json!({"toggle": true, "toggleField": "EVERYTHING"}),
    ] {
        let (status, answer) = put_json(&mock, toggle, &body).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert!(answer["message"].as_str().is_some_and(|m| m.contains("invalid body")), "{answer}");
    }
    let (status, _) =
        put_json(&mock, "/user-identities/version-control/abc/toggle", &json!({"toggle": true})).await;
    assert_eq!(status, 400);
    let (status, answer) =
        put_json(&mock, "/user-identities/version-control/77/toggle", &json!({"toggle": true})).await;
    assert_eq!((status, answer["name"].clone()), (404, json!("NotFoundException")));
    assert_eq!(mock.write_count(), 0);
}

#[tokio::test]
async fn toggles_set_and_clear_timestamps_and_connect_links_and_unlinks() {
    let mock = MockServer::start(MockConfig::default()).await.expect("start");
    let (status, on) = put_json(
        &mock,
        "/user-identities/version-control/3/toggle",
        &json!({"toggle": true, "toggleField": "VERSION_CONTROL_PUSH_PROD_CODE_ACCESS"}),
    )
    .await;
    assert_eq!(status, 200);
    assert!(on["pushProductionCodeAccess"].as_str().is_some_and(|t| t.ends_with('Z')));
    let (_, off) = put_json(
        &mock,
        "/user-identities/version-control/3/toggle",
        &json!({"toggle": false, "toggleField": "VERSION_CONTROL_PUSH_PROD_CODE_ACCESS"}),
    )
    .await;
    assert_eq!(off["pushProductionCodeAccess"], Value::Null);

    let (_, linked) =
        put_json(&mock, "/user-identities/version-control/5/connect", &json!({"userId": 4})).await;
    assert_eq!(linked["user"]["email"], "grace@example.com");
    assert_eq!(linked["disconnectedAt"], Value::Null);
    let (_, unlinked) =
        put_json(&mock, "/user-identities/version-control/5/connect", &json!({"userId": null})).await;
    assert_eq!(unlinked["user"], Value::Null);
    assert!(unlinked["disconnectedAt"].is_string());
    let (status, _) =
        put_json(&mock, "/user-identities/version-control/5/connect", &json!({"userId": 99})).await;
    assert_eq!(status, 404);
    assert_eq!(mock.write_count(), 4);
    // Every answer parses into the client's types.
    let _: drata::types::VersionControlIdentity = serde_json::from_value(unlinked).expect("typed");
}

#[tokio::test]
async fn auth_and_forced_answers_per_key() {
    let config =
        MockConfig::default().key_status("plan", 402).key_status("scope", 403).key_status("terms", 412);
    let mock = MockServer::start(config).await.expect("start");
    for (key, status, message) in [
        ("wrong", 401, "Invalid Authorization"),
        ("plan", 402, "You must upgrade your plan to use this feature"),
        ("scope", 403, "You are not allowed to perform this action"),
        ("terms", 412, "You must accept the Drata terms and conditions to use the API"),
    ] {
        let (got, body, _) = get(&mock, "/connections", key).await;
        assert_eq!((got, body["message"].as_str()), (status, Some(message)), "{key}");
    }
    let spec = reqwest::get(format!("http://{}/openapi.yaml", mock.addr())).await.expect("spec");
    assert_eq!(spec.status().as_u16(), 200);
    assert_eq!(spec.text().await.expect("text"), drata_openapi::SPEC_YAML);
}

#[tokio::test]
async fn the_rate_limit_answers_429_with_retry_after() {
    let mock = MockServer::start(MockConfig::default().rate_limit_per_minute(Some(3))).await.expect("start");
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for _ in 0..5 {
        let (status, _, headers) = get(&mock, "/connections", DEFAULT_API_KEY).await;
        statuses.push(status);
        retry_after =
            retry_after.or(headers.get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_string));
    }
    assert_eq!(statuses, [200, 200, 200, 429, 429]);
    // At most 3 in any minute: the next may go when the first is a minute old.
    assert_eq!(retry_after.as_deref(), Some("60"));
}

#[tokio::test]
async fn faults_give_5xx_answers_and_dropped_connections() {
    let mock = MockServer::start(MockConfig::default().error_rate(1.0)).await.expect("start");
    let (status, body, _) = get(&mock, "/connections", DEFAULT_API_KEY).await;
    assert!([500, 502, 503].contains(&status), "{status}");
    assert_eq!(body["statusCode"], json!(status));

    let mock = MockServer::start(MockConfig::default().drop_rate(1.0)).await.expect("start");
    let err = reqwest::Client::new()
        .get(format!("{}/connections", mock.base_url()))
        .bearer_auth(DEFAULT_API_KEY)
        .send()
        .await
        .expect_err("the connection is closed without an answer");
    // Connected, then closed before an answer: not refused, not timed out.
    assert!(!err.is_connect() && !err.is_status() && !err.is_timeout(), "{err:?}");
    let mut chain = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(s) = source {
        chain.push_str(&format!(": {s}"));
        source = s.source();
    }
    assert!(chain.contains("connection closed before message completed"), "{chain}");
}

#[tokio::test]
async fn imports_create_and_replace_idp_connections() {
    let mock = MockServer::start(MockConfig::default()).await.expect("start");
    let person = json!({"id": "1", "firstName": "Neil", "lastName": "Armstrong", "email": "neil@example.com",
                        "contractor": false, "isMfaEnabled": true, "date": "2024-10-18T01:28:40"});
    let created = reqwest::Client::new()
        .post(format!("{}/connections/upload/json", mock.base_url()))
        .bearer_auth(DEFAULT_API_KEY)
        .json(&json!({"personnelData": [person]}))
        .send()
        .await
        .expect("answer");
    assert_eq!(created.status().as_u16(), 201);
    let (_, page, _) = get(&mock, "/connections?providerTypes=IDENTITY", DEFAULT_API_KEY).await;
    let newest = page["data"].as_array().and_then(|d| d.last()).cloned().unwrap_or_default();
    assert_eq!((newest["id"].clone(), newest["clientType"].clone()), (json!(26), json!("CSV_IDP")));

    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"id,first_name,last_name,email,is_contractor,mfa\n7,Ada,Lovelace,ada@example.com,0,1\n8,Alan,Turing,alan@example.com,1,0\n".to_vec()).file_name("p.csv"),
    );
    let updated = reqwest::Client::new()
        .put(format!("{}/connections/26/upload/csv", mock.base_url()))
        .bearer_auth(DEFAULT_API_KEY)
        .multipart(form)
        .send()
        .await
        .expect("answer");
    assert_eq!(updated.status().as_u16(), 200);
    let names: Vec<String> =
        mock.personnel_of(26).unwrap_or_default().into_iter().map(|p| p.first_name).collect();
    assert_eq!(names, ["Ada", "Alan"]);
    let (status, _) = put_json(&mock, "/connections/3/upload/json", &json!({"personnelData": []})).await;
    assert_eq!(status, 404, "connection 3 is Jamf, not an IdP import");
    assert_eq!(mock.write_count(), 2);
}

#[tokio::test]
async fn uploads_of_drata_size_are_taken_and_streamed() {
    let mock = MockServer::start(MockConfig::default()).await.expect("start");
    // 30,000 rows, about 2.2 MB: over the 2 MiB a web framework takes by default.
    let mut csv = String::from("id,first_name,last_name,email,is_contractor,mfa,job_title\n");
    for i in 0..30_000 {
        csv.push_str(&format!("{i},Ada,Lovelace,ada{i}@example.com,no,yes,Analytical engine programmer\n"));
    }
    assert!(csv.len() > 2 * 1024 * 1024);
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("big.csv"));
    let created = reqwest::Client::new()
        .post(format!("{}/connections/upload/csv", mock.base_url()))
        .bearer_auth(DEFAULT_API_KEY)
        .multipart(form)
        .send()
        .await
        .expect("answer");
    assert_eq!(created.status().as_u16(), 201, "{:?}", created.text().await);
    assert_eq!(mock.personnel_of(26).map(|p| p.len()), Some(30_000));

    let people: Vec<Value> = (0..30_000)
        .map(|i| json!({"id": i.to_string(), "firstName": "Ada", "lastName": "Lovelace", "email": format!("ada{i}@example.com"),
                        "contractor": false, "isMfaEnabled": true, "date": "2024-10-18T01:28:40", "jobTitle": "Analytical engine programmer"}))
        .collect();
    let (status, body) =
        put_json(&mock, "/connections/26/upload/json", &json!({"personnelData": people})).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn json_imports_are_checked_like_csv_ones() {
    let mock = MockServer::start(MockConfig::default()).await.expect("start");
    let person = |id: &str, date: &str| {
        json!({"id": id, "firstName": "Neil", "lastName": "Armstrong", "email": format!("n{id}@example.com"),
               "contractor": false, "isMfaEnabled": true, "date": date})
    };
    for (body, problem) in [
        (json!({"personnelData": []}), "invalid body: $.personnelData: [] has less than 1 item"),
        (json!({"personnelData": [person("1", "31/12/2024")]}), "row 1, date: \"31/12/2024\" is not a date"),
        (
            json!({"personnelData": [person("1", "10/18/2024"), {"id": "1", "firstName": "A", "lastName": "B", "email": "x@y.zz", "contractor": false, "isMfaEnabled": true, "date": "10/18/2024"}]}),
            "row 2, id: \"1\" is already used by record 1",
        ),
    ] {
        let response = reqwest::Client::new()
            .post(format!("{}/connections/upload/json", mock.base_url()))
            .bearer_auth(DEFAULT_API_KEY)
            .json(&body)
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status().as_u16(), 400);
        let error: Value = response.json().await.expect("Drata's error JSON");
        assert!(error["message"].as_str().is_some_and(|m| m.contains(problem)), "{error}");
    }
    assert_eq!(mock.write_count(), 0);
}

#[tokio::test]
async fn every_error_answer_is_drata_error_json() {
    let mock = MockServer::start(MockConfig::default()).await.expect("start");
    let response = reqwest::Client::new()
        .delete(format!("{}/connections", mock.base_url()))
        .bearer_auth(DEFAULT_API_KEY)
        .send()
        .await
        .expect("answer");
    // A method the path does not have: Drata's web framework answers 404.
    assert_eq!(response.status().as_u16(), 404);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(
        body,
        json!({"statusCode": 404, "message": "Cannot DELETE /public/connections", "code": 10004, "name": "NotFoundException"})
    );
    // A body the framework cannot read is answered with Drata's JSON too.
    let response = reqwest::Client::new()
        .post(format!("{}/connections/upload/csv", mock.base_url()))
        .bearer_auth(DEFAULT_API_KEY)
        .header("content-type", "multipart/form-data; boundary=x")
        .body("not multipart")
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!((body["statusCode"].clone(), body["code"].clone()), (json!(400), json!(10000)));
}

#[tokio::test]
async fn vendors_assets_and_evidence_are_created_read_listed_and_deleted() {
    use futures::TryStreamExt;
    let mock = MockServer::start(MockConfig::default()).await.expect("start");
    let client =
        drata::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build().expect("client");
    let id_of = |id: &drata::types::Id| id.to_string().parse::<i64>().expect("a numeric id");

    // A vendor: created, read, listed, deleted, then gone.
    let created = client.create_vendor().body_map(|b| b.name("Acme Cloud")).send().await.expect("created");
    assert_eq!(created.status(), 201);
    let id = id_of(&created.id);
    let read = client.get_vendor().id(id).send().await.expect("read");
    assert_eq!(read.name, "Acme Cloud");
    let listed: Vec<_> = client.list_vendors().items().try_collect().await.expect("listed");
    let names: Vec<String> = listed
        .iter()
        .filter_map(|item| item.raw_field("name").and_then(|n| n.as_str().map(str::to_string)))
        .collect();
    assert!(names.contains(&"Acme Cloud".to_string()), "{names:?}");
    client.delete_vendor().id(id).send().await.expect("deleted");
    let gone = client.get_vendor().id(id).send().await.expect_err("deleted");
    assert_eq!(gone.status(), Some(404));

    // An asset: created, listed, deleted; deleting it again is a 404.
    let asset = client
        .call(&drata::operations::CREATE_ASSET)
        .body(serde_json::json!({"name": "Laptop 7", "description": "A laptop", "assetType": "PHYSICAL",
            "assetClassTypes": ["HARDWARE"], "ownerId": 1}))
        .send()
        .await
        .expect("created");
    let asset_id = asset["id"].as_i64().expect("an id");
    let assets: Vec<serde_json::Value> =
        client.call(&drata::operations::LIST_ASSETS).items().try_collect().await.expect("listed");
    assert!(assets.iter().any(|a| a["name"] == "Laptop 7"), "{assets:?}");
    client.delete_asset().id(asset_id).send().await.expect("deleted");
    assert_eq!(client.delete_asset().id(asset_id).send().await.expect_err("gone").status(), Some(404));

    // Evidence of a workspace, uploaded as a form with its file.
    let file = tempfile::NamedTempFile::new().expect("a file");
    std::fs::write(file.path(), b"%PDF-1.4 training record").expect("written");
    let evidence = client
        .create_evidence_multipart()
        .workspace_id(1)
        .file(file.path())
        .name("Security training 2026".into())
        .renewal_date("2027-01-01".into())
        .renewal_schedule_type("ONE_YEAR".into())
        .source("S3_FILE".into())
        .filed_at("2026-01-01".into())
        .owner_id(1)
        .send()
        .await
        .expect("uploaded");
    let evidence_id = id_of(&evidence.id);
    let read = client.get_evidence().workspace_id(1).id(evidence_id).send().await.expect("read");
    assert_eq!(read.name, "Security training 2026");
    client.delete_library_evidence().workspace_id(1).id(evidence_id).send().await.expect("deleted");
    let gone = client.get_evidence().workspace_id(1).id(evidence_id).send().await.expect_err("deleted");
    assert_eq!(gone.status(), Some(404));
}
