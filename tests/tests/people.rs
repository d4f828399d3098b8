//! The identities and users operations through the client: streams across
//! pages, the wire form of Drata's bracketed array parameters and of an
//! address in the path, and `Call`/`raw`, the generic calls, refusing
//! invalid input before sending anything.

use drata::types::UserRole;
use drata::{Error, Method, Operation, operations};
use drata_tests::client_for;
use futures::TryStreamExt;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn users_page(page: usize, limit: usize, total: usize) -> Value {
    let first = (page - 1) * limit + 1;
    let data: Vec<Value> = (first..=(first + limit - 1).min(total))
        .map(|i| json!({"id": i, "email": format!("u{i}@example.com")}))
        .collect();
    json!({"data": data, "page": page, "limit": limit, "total": total})
}

async fn users_server(total: usize, limit: usize) -> MockServer {
    let server = MockServer::start().await;
    for page in 1..=total.div_ceil(limit) {
        Mock::given(method("GET"))
            .and(path("/public/users"))
            .and(query_param("page", page.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(users_page(page, limit, total)))
            .mount(&server)
            .await;
    }
    server
}

#[tokio::test]
async fn every_listing_streams_its_items_across_pages_once() {
    let server = users_server(5, 2).await;
    let client = client_for(&server.uri());
    let users: Vec<_> = client
        .list_users()
        .roles(vec![UserRole::Techgov, UserRole::Unknown("NEW_ROLE".into())])
        .exclude_user_ids(vec![9, 10])
        .limit(2)
        .items()
        .try_collect()
        .await
        .expect("three pages");
    let ids: Vec<String> = users.iter().map(drata::Tolerant::id_text).collect();
    assert_eq!(ids, ["1", "2", "3", "4", "5"]);
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 3);
    let query: Vec<(String, String)> = requests[0].url.query_pairs().into_owned().collect();
    assert_eq!(
        query,
        [
            ("excludeUserIds[]".into(), "9".into()),
            ("excludeUserIds[]".into(), "10".into()),
            ("limit".into(), "2".into()),
            ("page".into(), "1".into()),
            ("roles[]".into(), "TECHGOV".into()),
            ("roles[]".into(), "NEW_ROLE".into()),
        ]
    );
}

#[tokio::test]
async fn a_listing_that_repeats_a_page_ends_in_an_error_naming_the_operation() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(users_page(1, 2, 10)))
        .mount(&server)
        .await;
    let result: Result<Vec<_>, Error> = client_for(&server.uri()).list_users().items().try_collect().await;
    let error = result.expect_err("a loop");
    assert_eq!(error.operation(), Some(&operations::LIST_USERS));
    assert_eq!(
        error.to_string(),
        "pagination stopped: page 2 repeats page 1: the server ignores `page`; stopping instead of looping"
    );
}

/// The paths of the requests `server` received, in order.
async fn received_paths(server: &MockServer) -> Vec<String> {
    server.received_requests().await.unwrap_or_default().iter().map(|r| r.url.path().to_string()).collect()
}

#[tokio::test]
async fn an_address_is_one_path_segment_and_an_empty_one_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 1, "email": "a+b@x.com"})))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let user = client.get_user_by_email().email("a+b@x.com").send().await.expect("found");
    assert_eq!(user.email.as_deref(), Some("a+b@x.com"));
    client.get_user_by_email().email("a/b c@x.com").send().await.expect("found");
    let empty = client.get_user_by_email().email(" ").send().await.expect_err("empty");
    assert_eq!(
        empty.to_string(),
        "invalid request, nothing was sent: GET /users/{email}/email: `email` must not be empty"
    );
    let paths = received_paths(&server).await;
    assert_eq!(paths, ["/public/users/a+b@x.com/email", "/public/users/a%2Fb%20c@x.com/email"]);
}

#[tokio::test]
async fn a_dot_segment_in_any_encoding_is_refused_and_nothing_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 1})))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    for value in [".", "..", "%2e", ".%2E", "%2e%2e", "%252e%252E"] {
        let refused = client.get_user_by_email().email(value).send().await.expect_err(value);
        assert_eq!(
            refused.to_string(),
            format!(
                "invalid request, nothing was sent: GET /users/{{email}}/email: `email` must not be `{value}`: \
                 a path value is one record's id, never a step up or aside"
            ),
        );
    }
    // Dots within a value are an ordinary value, sent as one segment.
    client.get_user_by_email().email("...").send().await.expect("three dots");
    client.get_user_by_email().email("a.b@x.com").send().await.expect("an address");
    let paths = received_paths(&server).await;
    assert_eq!(paths, ["/public/users/.../email", "/public/users/a.b@x.com/email"]);
}

#[tokio::test]
async fn a_raw_path_that_steps_up_or_holds_a_control_character_is_refused_and_nothing_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 1})))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let dots = "the path must not hold a `.` or `..` segment, in any encoding";
    let controls = "the path must not hold control characters (a tab, a line break…) or `\\`";
    for (path, why) in [
        ("/users/7/..", dots),
        ("/users/../connections", dots),
        ("/users/%2e%2e/connections", dots),
        ("/users/.%2E", dots),
        ("/users/%252e/email", dots),
        ("/users/./7", dots),
        ("/users/7\r\nX-Injected: 1", controls),
        ("/users/\t7", controls),
        ("/users/7\u{85}", controls),
        ("/users\\..\\connections", controls),
    ] {
        let refused = client.raw(drata::Method::Get, path).send().await.expect_err(path);
        assert!(refused.is_invalid_input(), "{path}: {refused:?}");
        assert!(refused.to_string().contains(why), "{path}: {refused}");
        assert!(!refused.to_string().contains(['\r', '\n', '\t']), "shown escaped: {refused}");
    }
    // Dots inside a segment are a value like another.
    client.raw(drata::Method::Get, "/users/a.b@x.com/email").send().await.expect("an address");
    assert_eq!(received_paths(&server).await, ["/public/users/a.b@x.com/email"]);
}

#[test]
fn a_prepared_call_is_the_request_send_makes_url_and_body_byte_for_byte() {
    let client = drata_tests::builder_for("http://127.0.0.1:9").build().expect("client");
    let get =
        client.call(&operations::GET_USER_BY_EMAIL).param("email", "a/b c@x.com").prepare().expect("valid");
    assert_eq!(
        (get.method, get.url.as_str(), get.path.as_str(), get.body),
        (
            drata::Method::Get,
            "http://127.0.0.1:9/public/users/a%2Fb%20c@x.com/email",
            "/users/a%2Fb%20c@x.com/email",
            None
        )
    );
    let refused = client.call(&operations::GET_USER_BY_EMAIL).param("email", "%2e%2e").prepare();
    assert!(refused.is_err_and(|e| e.to_string().contains("`email` must not be `%2e%2e`")));
    let v2 = client.call(&drata::v2::operations::LIST_VENDORS).param("size", "3").prepare().expect("valid");
    assert_eq!(v2.path, "/v2/vendors?size=3");
}

#[tokio::test]
async fn a_generic_call_checks_what_the_typed_builders_check_and_sends_nothing_else() {
    let server = MockServer::start().await;
    let client = client_for(&server.uri());
    let list = &operations::LIST_INFRASTRUCTURE_IDENTITIES;
    let toggle = &operations::TOGGLE_INFRASTRUCTURE_IDENTITY;
    let cases: Vec<(drata::Call<'_>, &str)> = vec![
        (
            client.call(list).param("color", "red"),
            "`color` is not one of its parameters; did you mean `sort`? (its parameters: page, limit, q, clientType, connectionId, sort, sortDir)",
        ),
        (client.call(list).param("limit", "0"), "`limit` must be a whole number from 1 to 50, not 0"),
        (client.call(list).param("limit", "ten"), "`limit` must be a whole number, not `ten`"),
        (client.call(list).param("limit", "1").param("limit", "2"), "`limit` takes one value"),
        (
            client.call(list).param("sort", "NAME"),
            "`sort` must be one of IDENTITY_ID, USERNAME, EMAIL, CONNECTED_AT, DISCONNECTED_AT, SERVICE_ACCOUNT, HAS_MFA, ADMIN_ACCESS, DB_ACCESS, USER, CLIENT_ID, CLIENT_ALIAS, CONNECTION_STATUS, CONNECTION_STATUS_MULTIVERSE, not `NAME`",
        ),
        (client.call(list).body(json!({})), "a GET request takes no body"),
        (client.call(toggle).body(json!({"toggle": true})), "`id` is required"),
        (client.call(toggle).param("id", "3"), "a JSON body is required"),
        (
            client.call(toggle).param("id", "3").body(json!({"toggle": "on"})),
            "the body: `toggle`: must be true or false, not `on`",
        ),
        // A misspelled field is refused, never dropped (issue: `toggleFeild`
        // sent as `{"toggle": true}` gave admin access instead of database access).
        (
            client
                .call(toggle)
                .param("id", "3")
                .body(json!({"toggle": true, "toggleFeild": "INFRASTRUCTURE_DB_ACCESS"})),
            "the body: `toggleFeild`: not a field of ToggleInfrastructureIdentityRequest; did you mean `toggleField`? (its fields: toggle, toggleField)",
        ),
        (
            client
                .call(&operations::CONNECT_INFRASTRUCTURE_IDENTITY)
                .param("id", "3")
                .body(json!({"userId": -5})),
            "the body: `userId`: must be a whole number from 1, not -5",
        ),
        (
            client
                .call(&operations::SET_INFRASTRUCTURE_IDENTITY_SERVICE_ACCOUNT)
                .param("id", "3")
                .body(json!({"serviceAccount": true, "serviceAccountReason": "x".repeat(30_001)})),
            "the body: `serviceAccountReason`: must be up to 30000 character(s) long, not 30001",
        ),
        (
            client.raw(Method::Get, "/users").param("rolse[]", "ADMIN"),
            "`rolse[]` is not one of its parameters; did you mean `roles[]`? (its parameters: page, limit, q, roles[], excludeUserIds[], excludeRoles[], includeUserIds[])",
        ),
        (client.raw(Method::Get, "/users/0"), "`id` must be a whole number from 1, not 0"),
        (
            client
                .raw(Method::Put, "/user-identities/infrastructure/3/toggle")
                .body(json!({"toggle": true, "extra": 1})),
            "the body: `extra`: not a field of ToggleInfrastructureIdentityRequest; did you mean `toggle`? (its fields: toggle, toggleField)",
        ),
        (client.call(toggle).param("id", "3").file("x.csv"), "a JSON body is required"),
        (
            client.call(&operations::CREATE_IDP_CONNECTION_FROM_CSV).body(json!({})),
            "a file to upload is required",
        ),
        (
            client.raw(Method::Get, "users"),
            "the path must start with `/`, relative to the API root, without `?` or `#` (give the query as parameters), not `users`",
        ),
        (
            client.raw(Method::Get, "/users/../admin"),
            "the path must not hold a `.` or `..` segment, in any encoding, as `/users/../admin` does: a path names one resource, never a step up or aside",
        ),
        (client.raw(Method::Get, "/users").body(json!({})), "a GET request takes no body"),
    ];
    for (call, says) in cases {
        let error = call.send().await.expect_err(says);
        assert!(error.is_invalid_input(), "{error}");
        assert!(error.to_string().ends_with(says), "{error}\n  expected it to end with: {says}");
    }
    let invalid = client
        .call(&operations::CREATE_IDP_CONNECTION_FROM_JSON)
        .body(json!({"personnelData": []}))
        .send()
        .await
        .expect_err("an empty list");
    assert!(matches!(invalid, Error::Rejected { .. }), "{invalid:?}");
    assert_eq!(server.received_requests().await.unwrap_or_default().len(), 0, "nothing was sent");
}

#[tokio::test]
async fn a_generic_call_sends_values_as_drata_writes_them() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": [], "page": 1, "limit": 5, "total": 0})),
        )
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let answer = client
        .call(&operations::LIST_VERSION_CONTROL_IDENTITIES)
        .param("sortDir", "desc")
        .param("clientType", "github")
        .param("q", " ada ")
        .param("limit", "5")
        .send()
        .await
        .expect("sent");
    assert_eq!((answer.status(), answer["total"].clone()), (200, json!(0)));
    // An open list: a value this version does not know is sent as given.
    client
        .call(&operations::LIST_VERSION_CONTROL_IDENTITIES)
        .param("clientType", "AZURE_DEVOPS")
        .send()
        .await
        .expect("sent");
    let queries: Vec<Vec<(String, String)>> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| r.url.query_pairs().into_owned().collect())
        .collect();
    assert_eq!(
        queries,
        [
            vec![
                ("limit".into(), "5".into()),
                ("q".into(), "ada".into()),
                ("clientType".into(), "GITHUB".into()),
                ("sortDir".into(), "DESC".into())
            ],
            vec![("clientType".to_string(), "AZURE_DEVOPS".to_string())],
        ]
    );
}

#[test]
fn a_path_finds_the_operation_it_belongs_to() {
    assert_eq!(Operation::matching(Method::Get, "/users/7"), &operations::GET_USER);
    assert_eq!(Operation::matching(Method::Get, "/users/a@b.c/email"), &operations::GET_USER_BY_EMAIL);
    assert_eq!(
        Operation::matching(Method::Put, "/user-identities/infrastructure/3/toggle"),
        &operations::TOGGLE_INFRASTRUCTURE_IDENTITY
    );
    let elsewhere = Operation::matching(Method::Delete, "/users/7");
    assert_eq!((elsewhere.path, elsewhere.method), ("*", Method::Delete));
    assert!(elsewhere.is_success(204) && elsewhere.is_success(200) && !elsewhere.is_success(302));
    // Any 2xx ends a call well, documented or not; a redirect does not.
    assert!(operations::GET_USER.is_success(204) && !operations::GET_USER.is_success(302));
    assert_eq!(operations::GET_USER.success, [200]);
    assert_eq!(Operation::find("get_user"), Some(&operations::GET_USER));
    assert_eq!(Operation::find("nope"), None);
}

#[tokio::test]
async fn a_generic_call_repeats_an_array_parameter_and_sends_one_value_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": [], "page": 1, "limit": 5, "total": 0})),
        )
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    client
        .call(&operations::LIST_CONNECTIONS)
        .param("providerTypes", "mdm")
        .param("providerTypes", "IDENTITY")
        .param("state", "active")
        .send()
        .await
        .expect("sent");
    let requests = server.received_requests().await.unwrap_or_default();
    let query: Vec<(String, String)> = requests[0].url.query_pairs().into_owned().collect();
    assert_eq!(
        query,
        [
            ("providerTypes".into(), "MDM".into()),
            ("providerTypes".into(), "IDENTITY".into()),
            ("state".into(), "ACTIVE".into())
        ]
    );
}
