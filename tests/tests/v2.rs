//! Drata's v2 API through `drata::v2`, against a local server: where its
//! requests go, cursor pagination (typed and as JSON), answers that may
//! have no body, and v2's error bodies.

use drata::Error;
use drata_tests::client_for;
use futures::TryStreamExt;
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// What the server was asked, as `path?query`, in order.
async fn asked(server: &MockServer) -> Vec<String> {
    let requests: Vec<Request> = server.received_requests().await.unwrap_or_default();
    requests
        .iter()
        .map(|r| match r.url.query() {
            Some(query) => format!("{}?{query}", r.url.path()),
            None => r.url.path().to_string(),
        })
        .collect()
}

/// A page of vendors (only their `id` and `name`: the items are kept as
/// sent even where a field the document requires is missing).
fn page(ids: &[i64], cursor: Option<&str>) -> ResponseTemplate {
    let data: Vec<_> = ids.iter().map(|id| json!({"id": id, "name": format!("Vendor {id}")})).collect();
    ResponseTemplate::new(200).set_body_json(json!({"data": data, "pagination": {"cursor": cursor}}))
}

/// Five vendors in three pages of two: the first page without a cursor,
/// then `c2` and `c3`; the last page's cursor is null (or, with
/// `repeat`, the second page gives `c2` again).
async fn five_vendors(server: &MockServer, repeat: bool) {
    Mock::given(method("GET"))
        .and(path("/public/v2/vendors"))
        .and(query_param_is_missing("cursor"))
        .respond_with(page(&[1, 2], Some("c2")))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/public/v2/vendors"))
        .and(query_param("cursor", "c2"))
        .respond_with(page(&[3, 4], Some(if repeat { "c2" } else { "c3" })))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/public/v2/vendors"))
        .and(query_param("cursor", "c3"))
        .respond_with(page(&[5], None))
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_three_page_cursor_listing_yields_every_item_once_following_the_cursors() {
    let server = MockServer::start().await;
    five_vendors(&server, false).await;

    let client = client_for(&server.uri());
    let items: Vec<_> = client.v2().list_vendors().size(2).items().try_collect().await.expect("every page");

    let ids: Vec<String> = items.iter().map(drata::Tolerant::id_text).collect();
    assert_eq!(ids, ["1", "2", "3", "4", "5"]);
    assert_eq!(
        asked(&server).await,
        // The parameters in the spec's order: `cursor` comes first.
        [
            "/public/v2/vendors?size=2",
            "/public/v2/vendors?cursor=c2&size=2",
            "/public/v2/vendors?cursor=c3&size=2"
        ]
    );
}

#[tokio::test]
async fn a_cursor_given_twice_ends_the_stream_with_an_error_after_the_pages_before_it() {
    let server = MockServer::start().await;
    five_vendors(&server, true).await;

    let client = client_for(&server.uri());
    let mut pages = client.v2().list_vendors().size(2).pages();
    let mut seen = Vec::new();
    let error = loop {
        match pages.try_next().await {
            Ok(Some(page)) => seen.extend(page.data.iter().map(drata::Tolerant::id_text)),
            Ok(None) => panic!("the stream ended without noticing the loop"),
            Err(error) => break error,
        }
    };

    assert_eq!(seen, ["1", "2", "3", "4"]);
    assert!(
        matches!(&error, Error::Pagination { message, .. }
            if message == "the server gave the cursor `c2` a second time: stopping instead of looping"),
        "{error:?}"
    );
    assert_eq!(asked(&server).await.len(), 2, "no request for a cursor already followed");
}

#[tokio::test]
async fn a_v2_listing_read_as_json_follows_the_cursors_too() {
    let server = MockServer::start().await;
    five_vendors(&server, false).await;

    let client = client_for(&server.uri());
    let items: Vec<serde_json::Value> = client
        .call(&drata::v2::operations::LIST_VENDORS)
        .param("size", "2")
        .items()
        .try_collect()
        .await
        .expect("every page");

    let ids: Vec<&serde_json::Value> = items.iter().map(|item| &item["id"]).collect();
    assert_eq!(ids, [&json!(1), &json!(2), &json!(3), &json!(4), &json!(5)]);
    assert_eq!(asked(&server).await.len(), 3);
}

#[tokio::test]
async fn an_answer_documented_with_and_without_a_body_reads_as_an_option() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/public/v2/assets/7"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;

    let client = client_for(&server.uri());
    let answer = client
        .v2()
        .update_asset()
        .asset_id(7)
        .body_map(|body| body.name("Laptop 7".to_string()))
        .send()
        .await
        .expect("a 204 is a success");

    assert_eq!(answer.status(), 204);
    assert_eq!(answer.into_inner(), None);
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests[0].body_json::<serde_json::Value>().expect("JSON"), json!({"name": "Laptop 7"}));
}

#[tokio::test]
async fn a_v2_error_body_is_read_with_its_name_and_the_path_names_v2() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/public/v2/vendors/7"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "name": "NotFoundException", "statusCode": 404, "message": "Vendor not found", "code": 40400
        })))
        .mount(&server)
        .await;

    let client = client_for(&server.uri());
    let error = client.v2().get_vendor().vendor_id(7).send().await.expect_err("404");

    let Error::Api(api) = &error else { panic!("{error:?}") };
    assert_eq!(api.status, 404);
    let body = api.body.as_ref().expect("the body is read");
    assert_eq!(
        (body.name.as_deref(), body.message.as_str(), body.code),
        (Some("NotFoundException"), "Vendor not found", 40400)
    );
    assert!(error.to_string().contains("GET /v2/vendors/7"), "{error}");
    let hint = api.hint().expect("a 404 says what was not found");
    assert_eq!(hint, "No such record: Drata found nothing for the vendorId `7`.");
}

#[tokio::test]
async fn a_raw_v2_path_is_the_v2_operation_it_names_checked_as_the_spec_says() {
    let server = MockServer::start().await;
    five_vendors(&server, false).await;
    let client = client_for(&server.uri());

    let call = client.raw(drata::Method::Get, "/v2/vendors").param("size", "2");
    let page = call.send().await.expect("the first page");
    assert_eq!(page.into_inner()["pagination"]["cursor"], "c2");
    assert_eq!(asked(&server).await, ["/public/v2/vendors?size=2"]);

    let refused = client.raw(drata::Method::Get, "/v2/vendors").param("size", "501").send().await;
    let error = refused.expect_err("over the spec's bound");
    assert!(error.to_string().contains("`size` must be a whole number from 1 to 500, not 501"), "{error}");
    assert_eq!(asked(&server).await.len(), 1, "nothing sent");
}

#[tokio::test]
async fn the_fake_server_keeps_v2_vendors_and_pages_them_by_cursor() {
    use drata_mock::{MockConfig, MockServer};
    let mock =
        MockServer::start(MockConfig::default().rate_limit_per_minute(None)).await.expect("fake server");
    let client =
        drata::Client::builder().api_key(mock.api_key()).base_url(mock.base_url()).build().expect("client");
    let v2 = client.v2();

    let mut created = Vec::new();
    for name in ["Acme Cloud", "Globex", "Initech"] {
        let vendor = v2.create_vendor().body_map(|b| b.name(name.to_string())).send().await.expect("created");
        assert_eq!(vendor.name, name);
        created.push(vendor.id.to_string());
    }
    let first = v2.list_vendors().size(2).include_total_count(true).send().await.expect("the first page");
    let total = first.pagination.total_count.expect("asked for");
    assert_eq!(first.data.len(), 2);
    let listed: Vec<String> = v2
        .list_vendors()
        .size(2)
        .items()
        .map_ok(|vendor| vendor.id_text())
        .try_collect()
        .await
        .expect("every page");
    assert_eq!(i64::try_from(listed.len()).ok(), Some(total), "each vendor once");
    assert_eq!(listed[listed.len() - 3..], created[..]);

    let id: i64 = created[0].parse().expect("a whole number");
    v2.delete_vendor().vendor_id(id).send().await.expect("deleted");
    let error = v2.get_vendor().vendor_id(id).send().await.expect_err("gone");
    assert_eq!(error.status(), Some(404), "{error}");
    mock.shutdown().await;
}

#[tokio::test]
async fn a_path_parameter_that_is_a_number_or_text_takes_either_as_the_record_id_type() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "statusCode": 404, "message": "Control not found", "code": 40400
        })))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let v2 = client.v2();

    let by_code = v2.get_control_by_id().workspace_id(1).control_id("code:DCF-37").send().await;
    let by_id =
        v2.get_control_by_id().workspace_id(1).control_id(drata::v2::types::Id::Int64(37)).send().await;

    for (result, expected) in
        [(by_code, "/v2/workspaces/1/controls/code:DCF-37"), (by_id, "/v2/workspaces/1/controls/37")]
    {
        let error = result.expect_err("404");
        let Error::Api(api) = &error else { panic!("{error:?}") };
        assert_eq!(api.request_path, expected);
    }
    assert_eq!(
        asked(&server).await,
        ["/public/v2/workspaces/1/controls/code:DCF-37", "/public/v2/workspaces/1/controls/37"]
    );
}
