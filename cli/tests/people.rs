//! The identities and users workflows and `drata api`, with the real
//! binary: against the fake server, and against a server that answers as
//! Drata's documentation shows (other renderings, odd values, pages, a
//! 429), checking the requests on the wire and the output.

mod common;

use common::*;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A server that plays Drata, on its own runtime.
struct Drata {
    server: MockServer,
    runtime: tokio::runtime::Runtime,
}

impl Drata {
    fn start() -> Self {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let server = runtime.block_on(MockServer::start());
        Self { server, runtime }
    }

    fn mount(&self, mock: Mock) {
        self.runtime.block_on(mock.mount(&self.server));
    }

    fn drata(&self, args: &[&str]) -> Run {
        let base = format!("{}/public", self.server.uri());
        run(&[&["--base-url", base.as_str(), "--allow-writes", "--yes"], args].concat(), Some(KEY))
    }

    fn requests(&self) -> Vec<Request> {
        self.runtime.block_on(self.server.received_requests()).unwrap_or_default()
    }
}

fn query(request: &Request) -> Vec<(String, String)> {
    request.url.query_pairs().into_owned().collect()
}

fn user(id: Value, email: &str) -> Value {
    json!({"id": id, "email": email, "firstName": "F", "lastName": "L", "roles": ["TECHGOV"], "identities": []})
}

/// Page `n` of a user listing of `total` users, `limit` per page, the ids as
/// Drata's samples print them (strings, then numbers).
fn users_page(page: usize, limit: usize, total: usize) -> Value {
    let first = (page - 1) * limit + 1;
    let data: Vec<Value> = (first..=(first + limit - 1).min(total))
        .map(|i| {
            if i % 2 == 0 {
                user(json!(i.to_string()), &format!("u{i}@example.com"))
            } else {
                user(json!(i), &format!("u{i}@example.com"))
            }
        })
        .collect();
    json!({"data": data, "page": page, "limit": limit, "total": total})
}

#[test]
fn users_list_all_fetches_every_page_once_retrying_a_429() {
    let drata = Drata::start();
    // Page 2 is refused once with Drata's throttling answer.
    drata.mount(
        Mock::given(method("GET"))
            .and(path("/public/users"))
            .and(query_param("page", "2"))
            .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0").set_body_json(
                json!({"statusCode": 429, "message": "ThrottlerException: Too Many Requests", "code": 10029}),
            ))
            .up_to_n_times(1)
            .with_priority(1),
    );
    for page in 1..=3 {
        drata.mount(
            Mock::given(method("GET"))
                .and(path("/public/users"))
                .and(query_param("page", page.to_string()))
                .respond_with(ResponseTemplate::new(200).set_body_json(users_page(page, 2, 5))),
        );
    }

    let run = drata.drata(&["--json", "users", "list", "--all", "--role", "techgov", "--limit", "2"]);

    assert_eq!(run.code, 0, "{}", run.stderr);
    let emails: Vec<String> = run
        .json()
        .as_array()
        .expect("an array")
        .iter()
        .map(|u| u["email"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        emails,
        (1..=5).map(|i| format!("u{i}@example.com")).collect::<Vec<_>>(),
        "every user exactly once"
    );
    let requests = drata.requests();
    let pages: Vec<String> = requests
        .iter()
        .map(|r| query(r).into_iter().find(|(k, _)| k == "page").map(|(_, v)| v).unwrap_or_default())
        .collect();
    assert_eq!(pages, ["1", "2", "2", "3"], "page 2 retried after the 429, no page fetched twice otherwise");
    for request in &requests {
        let query = query(request);
        assert!(query.contains(&("roles[]".into(), "TECHGOV".into())), "{query:?}");
        assert!(query.contains(&("limit".into(), "2".into())), "{query:?}");
    }
}

#[test]
fn an_identity_page_in_another_rendering_prints_odd_values_and_nulls() {
    let drata = Drata::start();
    let page = json!({"data": [
        {
            // Drata's older rendering: a string id, `2020-07-06 12:00:00.000000` times,
            // a client type this version does not know, a null user.
            "id": "7", "identityId": "1a2b3c", "username": "old-style", "email": "email@email.com",
            "connectedAt": "2020-07-06 12:00:00.000000", "disconnectedAt": null,
            "serviceAccount": null, "serviceAccountReason": null, "user": null,
            "serviceAccountDesignator": null, "hasMfa": false,
            "connection": {"id": "1", "clientType": "AZURE_DEVOPS", "state": "ACTIVE"},
            "lastCheckedAt": null, "createdAt": "2020-07-06 12:00:00.000000", "updatedAt": "2020-07-06 12:00:00.000000",
            "writeAccess": "2020-07-06 12:00:00.000000", "pushProductionCodeAccess": null
        },
        {
            // A required field that does not have its documented type: the item is kept as sent.
            "id": 8, "identityId": "x", "username": "odd", "connectedAt": null, "disconnectedAt": null,
            "serviceAccount": null, "serviceAccountReason": null, "user": null, "serviceAccountDesignator": null,
            "hasMfa": "yes", "connection": {}, "lastCheckedAt": null,
            "createdAt": "2025-07-01T16:45:55.246Z", "updatedAt": "2025-07-01T16:45:55.246Z",
            "writeAccess": null, "pushProductionCodeAccess": null
        }
    ], "page": 1, "limit": 20, "total": 2});
    drata.mount(
        Mock::given(method("GET"))
            .and(path("/public/user-identities/version-control"))
            .respond_with(ResponseTemplate::new(200).set_body_json(&page)),
    );

    let run = drata.drata(&[
        "vcs-identities",
        "list",
        "--client-type",
        "github",
        "--sort",
        "username",
        "--sort-dir",
        "desc",
    ]);

    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0].split_whitespace().collect::<Vec<_>>()[..3], ["ID", "USERNAME", "EMAIL"]);
    assert!(
        lines[1].starts_with("7 ") && lines[1].contains("old-style") && lines[1].contains("AZURE_DEVOPS"),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains("since 2020-07-06 12:00 UTC"), "timestamps in one rendering: {}", lines[1]);
    assert!(lines[2].starts_with("8 ") && lines[2].contains("odd"), "the odd item is kept: {}", lines[2]);
    assert_eq!(
        lines[3],
        "note: item 8 does not have the documented shape: `hasMfa` (invalid type: string \"yes\", expected a boolean) is shown as sent: \"yes\""
    );
    assert_eq!(lines[4], "page 1 of 1 (2 of 2 identities)");
    let [request] =
        drata.requests().try_into().unwrap_or_else(|r: Vec<Request>| panic!("{} requests", r.len()));
    assert_eq!(
        query(&request),
        [
            ("clientType".to_string(), "GITHUB".to_string()),
            ("sort".into(), "USERNAME".into()),
            ("sortDir".into(), "DESC".into())
        ]
    );
}

#[test]
fn users_get_by_email_puts_the_address_in_the_path_as_one_segment() {
    let drata = Drata::start();
    drata.mount(
        Mock::given(method("GET"))
            .and(path("/public/users/a+b@example.com/email"))
            .respond_with(ResponseTemplate::new(200).set_body_json(user(json!(9), "a+b@example.com"))),
    );
    let run = drata.drata(&["users", "get", "--email", "a+b@example.com"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("id          9\nemail       a+b@example.com\n"), "{}", run.stdout);
    let slash = drata.drata(&["users", "get", "--email", "a/b@example.com"]);
    assert_eq!(slash.code, 1, "a `/` is encoded, so no route matches here: {}", slash.stderr);
    let requests = drata.requests();
    assert_eq!(requests[1].url.path(), "/public/users/a%2Fb@example.com/email");
}

#[test]
fn usage_errors_send_nothing_and_a_name_must_match_exactly_one_identity() {
    let drata = Drata::start();
    let identities = json!({"data": [
        {"id": 1, "identityId": "a", "username": "ci-bot", "connectedAt": null, "disconnectedAt": null, "serviceAccount": null,
         "serviceAccountReason": null, "user": null, "serviceAccountDesignator": null, "hasMfa": false,
         "connection": {"clientAlias": "AWS prod"}, "lastCheckedAt": null, "createdAt": "2025-01-01T00:00:00Z",
         "updatedAt": "2025-01-01T00:00:00Z", "adminAccess": null, "dbAccess": null},
        {"id": 2, "identityId": "b", "username": "CI-BOT", "connectedAt": null, "disconnectedAt": null, "serviceAccount": null,
         "serviceAccountReason": null, "user": null, "serviceAccountDesignator": null, "hasMfa": false,
         "connection": {"clientAlias": "AWS staging"}, "lastCheckedAt": null, "createdAt": "2025-01-01T00:00:00Z",
         "updatedAt": "2025-01-01T00:00:00Z", "adminAccess": null, "dbAccess": null}
    ], "page": 1, "limit": 50, "total": 2});
    drata.mount(
        Mock::given(method("GET"))
            .and(path("/public/user-identities/infrastructure"))
            .respond_with(ResponseTemplate::new(200).set_body_json(&identities)),
    );

    let several =
        drata.drata(&["infra-identities", "toggle", "--username", "ci-bot", "--field", "db-access", "--off"]);
    assert_eq!(several.code, 2);
    assert_eq!(
        several.stderr.trim(),
        "error: several infrastructure identities have the username `ci-bot`: ci-bot (id 1, AWS prod), CI-BOT (id 2, AWS staging); give the id instead; nothing was changed"
    );
    let none = drata.drata(&["infra-identities", "connect", "--username", "nobody", "--unlink"]);
    assert_eq!(none.code, 2, "{}", none.stderr);
    assert!(none.stderr.contains("no infrastructure identity has the username `nobody`"), "{}", none.stderr);
    // The lookups were the only requests: nothing was written.
    assert!(drata.requests().iter().all(|r| r.method.as_str() == "GET"));
    let lookups = drata.requests().len();

    for (args, says) in [
        (vec!["infra-identities", "service-account", "3", "--on"], "--reason <TEXT>"),
        (vec!["vcs-identities", "service-account", "3", "--off", "--reason", "x"], "cannot be used with"),
        (vec!["infra-identities", "toggle", "3", "--field", "root", "--on"], "invalid value 'root'"),
        (vec!["users", "get"], "<ID|--email <EMAIL>>"),
        (
            vec!["vcs-identities", "list", "--sort", "NAME"],
            "unknown --sort `NAME`; use one of CLIENT_ID, CONNECTED_AT",
        ),
        (vec!["api", "BREW", "/users"], "unknown method `BREW`"),
        (vec!["api", "GET", "users"], "the path must start with `/`"),
        (vec!["api", "GET", "/users", "-F", "novalue"], "--field `novalue` is not KEY=VALUE"),
        (vec!["api", "POST", "/x", "--paginate"], "--paginate follows the pages of a GET listing"),
    ] {
        let run = drata.drata(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
    }
    assert_eq!(drata.requests().len(), lookups, "nothing sent for invalid input");
}

#[test]
fn drata_api_sends_typed_fields_and_paginates() {
    let drata = Drata::start();
    drata.mount(
        Mock::given(method("PUT"))
            .and(path("/public/user-identities/version-control/3/service-account"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 3}))),
    );
    for page in 1..=2 {
        drata.mount(
            Mock::given(method("GET"))
                .and(path("/public/users"))
                .and(query_param("page", page.to_string()))
                .respond_with(ResponseTemplate::new(200).set_body_json(users_page(page, 2, 3))),
        );
    }

    drata.mount(
        Mock::given(method("POST"))
            .and(path("/public/not-in-the-spec"))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({"made": true}))),
    );
    // `-f` sends the text as given, `-F` reads `true` and numbers as JSON.
    let put = drata.drata(&[
        "--json",
        "api",
        "put",
        "/user-identities/version-control/3/service-account",
        "-F",
        "serviceAccount=true",
        "-f",
        "serviceAccountReason=2024",
    ]);
    assert_eq!(put.code, 0, "{}", put.stderr);
    assert_eq!(put.json(), json!({"id": 3}));
    // A field the operation does not have is refused before sending.
    let refused = drata.drata(&[
        "--json",
        "api",
        "put",
        "/user-identities/version-control/3/service-account",
        "-F",
        "serviceAccount=true",
        "-F",
        "serviceAccountReason=CI",
        "-F",
        "tags=a",
    ]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("`tags`: not a field of ServiceAccountRequest"), "{}", refused.stderr);
    // Outside the spec, anything goes: a repeated key is an array.
    let post = drata.drata(&["api", "POST", "/not-in-the-spec", "-F", "tags=a", "-F", "tags=7", "-f", "n=7"]);
    assert_eq!(post.code, 0, "{}", post.stderr);
    let all = drata.drata(&[
        "--json",
        "api",
        "GET",
        "/users",
        "--paginate",
        "-F",
        "limit=2",
        "-F",
        "roles[]=ADMIN",
    ]);
    assert_eq!(all.code, 0, "{}", all.stderr);
    assert_eq!(all.json().as_array().map(Vec::len), Some(3));

    let requests = drata.requests();
    let body: Value = serde_json::from_slice(&requests[0].body).expect("a JSON body");
    assert_eq!(body, json!({"serviceAccount": true, "serviceAccountReason": "2024"}));
    assert_eq!(
        requests[0].headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    let body: Value = serde_json::from_slice(&requests[1].body).expect("a JSON body");
    assert_eq!(body, json!({"n": "7", "tags": ["a", 7]}));
    let requests = &requests[1..];
    assert_eq!(
        query(&requests[1]),
        [("limit".into(), "2".into()), ("roles[]".into(), "ADMIN".into()), ("page".into(), "1".into())]
    );
    assert_eq!(query(&requests[2])[2], ("page".to_string(), "2".to_string()));
}

#[test]
fn the_workflow_against_the_fake_server() {
    let fake = Fake::new();
    let listed = fake.drata(&["--json", "vcs-identities", "list", "--search", "ADA"]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert_eq!(listed.json()["data"][0]["username"], "ada-lovelace");

    let revoked = fake.drata(&[
        "vcs-identities",
        "toggle",
        "--username",
        "ada-lovelace",
        "--field",
        "push-prod-code-access",
        "--off",
    ]);
    assert_eq!(
        revoked.stdout.trim(),
        "identity 2 (ada-lovelace): push-to-production access off",
        "{}",
        revoked.stderr
    );

    let marked = fake.drata(&[
        "infra-identities",
        "service-account",
        "--username",
        "ci-deploy-bot",
        "--on",
        "--reason",
        "Deploys from CI",
    ]);
    assert_eq!(
        marked.stdout.trim(),
        "identity 3 (ci-deploy-bot) marked a service account: Deploys from CI",
        "{}",
        marked.stderr
    );
    let unmarked = fake.drata(&["--json", "infra-identities", "service-account", "3", "--off"]);
    assert_eq!(unmarked.json()["serviceAccount"], Value::Null);

    let linked = fake.drata(&[
        "infra-identities",
        "connect",
        "--username",
        "ci-deploy-bot",
        "--user-email",
        "GRACE@example.com",
    ]);
    assert_eq!(
        linked.stdout.trim(),
        "identity 3 (ci-deploy-bot) linked to user 4 grace@example.com",
        "{}",
        linked.stderr
    );
    let toggled = fake.drata(&["infra-identities", "toggle", "1", "--field", "admin-access", "--off"]);
    assert_eq!(toggled.stdout.trim(), "identity 1 (ada.lovelace): admin access off");
    assert_eq!(fake.writes(), 5);

    let users = fake.drata(&["users", "list", "--role", "TECHGOV"]);
    assert_eq!(users.stdout.lines().last(), Some("page 1 of 1 (2 of 2 users)"), "{}", users.stdout);
    let unknown = fake.drata(&["users", "get", "--email", "nobody@example.com"]);
    assert_eq!(unknown.code, 1);
    assert!(unknown.stderr.contains("404 Not Found"), "{}", unknown.stderr);
    let no_user = fake.drata(&["vcs-identities", "connect", "5", "--user-email", "nobody@example.com"]);
    assert_eq!(
        (no_user.code, no_user.stderr.trim()),
        (2, "error: no Drata user has the email `nobody@example.com`; nothing was changed")
    );
    assert_eq!(fake.writes(), 5, "nothing more was written");
}
