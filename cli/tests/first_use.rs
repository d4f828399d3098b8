//! What a new user met the first time round, each reproduced against the
//! real binary: a misspelled field, a silent wait, an interrupt during a
//! create, `--json` output that was not Drata's answer, hints that named
//! the wrong thing, limits only the server checked.

mod common;

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::*;
use drata_tests::raw::json_answer;
use serde_json::{Value, json};

fn personnel_json(record: Value) -> tempfile::TempPath {
    temp_file("people.json", &json!({ "personnelData": [record] }).to_string())
}

fn neil() -> Value {
    json!({"id": "233", "firstName": "Neil", "lastName": "Armstrong", "email": "neil@example.com",
        "contractor": false, "isMfaEnabled": true, "date": "2024-10-18T01:28:40"})
}

#[test]
fn an_unknown_key_in_a_personnel_json_file_is_refused_naming_the_closest_field() {
    let fake = Fake::new();
    let mut record = neil();
    record["jobtitle"] = json!("painter");
    let file = personnel_json(record);
    let path = file.to_str().expect("path");
    for args in [
        vec!["idp", "validate", path],
        vec!["idp", "create", "--json-file", path, "--dry-run"],
        vec!["idp", "create", "--json-file", path],
    ] {
        let run = fake.drata(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains(
                "`personnelData[0].jobtitle`: not a field of PersonnelRecord; did you mean `jobTitle`?"
            ),
            "{args:?}: {}",
            run.stderr
        );
    }
    assert_eq!(fake.writes(), 0);
}

#[test]
fn an_interrupt_while_a_create_is_under_way_says_its_outcome_is_unknown() {
    let posted = Arc::new(AtomicUsize::new(0));
    let seen = posted.clone();
    // Lists the connections, then takes the POST and never answers.
    let raw = Raw::start(move |_, line| {
        if line.starts_with("POST") {
            seen.fetch_add(1, Ordering::SeqCst);
            return Act::Silent;
        }
        Act::Answer(page_of(&[connection(1, "Okta")]))
    });
    let file = personnel_json(neil());
    for json in [false, true] {
        let before = posted.load(Ordering::SeqCst);
        let mut args =
            vec!["--base-url".to_string(), raw.base_url(), "--allow-writes".into(), "--yes".into()];
        if json {
            args.push("--json".into());
        }
        args.extend(["idp", "create", "--json-file", file.to_str().expect("path")].map(String::from));
        let child = Command::new(env!("CARGO_BIN_EXE_drata"))
            .args(&args)
            .env("DRATA_API_KEY", KEY)
            .env("DRATA_CONFIG_DIR", no_profiles())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("drata runs");
        // A hang catcher only: the POST arrives long before.
        for _ in 0..600 {
            if posted.load(Ordering::SeqCst) > before {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(posted.load(Ordering::SeqCst) > before, "the POST was sent");
        let killed = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill");
        assert!(killed.success());
        let output = child.wait_with_output().expect("drata ends");
        let (stdout, stderr) =
            (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        assert_eq!(output.status.code(), Some(130), "{stderr}");
        assert!(
            stderr.contains(
                "interrupted while POST /connections/upload/json was under way: the request may have reached Drata, and Drata may have acted on it. Do not simply repeat it; first check whether it took effect: list the connections"
            ),
            "{stderr}"
        );
        if json {
            let error: Value = serde_json::from_str(&stdout).expect("an error document");
            assert_eq!(
                (error["error"]["kind"].as_str(), error["error"]["exitCode"].as_u64()),
                (Some("interrupted"), Some(130))
            );
        }
    }
}

/// A server that answers every request with `body` (a JSON answer of 200).
fn answering(body: Value) -> Raw {
    let text = body.to_string();
    Raw::start(move |_, _| Act::Answer(json_answer(200, &text)))
}

#[test]
fn json_output_is_drata_s_answer_as_sent_unknown_and_null_fields_included() {
    let connections = json!({"data": [{"id": 1, "clientType": "GUSTO", "state": "ACTIVE", "connected": true,
        "connectedAt": null, "failedAt": null, "clientId": null, "clientAlias": "Gusto",
        "aliasUpdatedAt": null, "deletedAt": null, "code": null, "user": {"id": 4}, "companyId": "12341234",
        "assignmentId": "FLk12AsS", "newerField": [1, 2]}], "page": 1, "limit": 50, "total": 1, "extra": true});
    let raw = answering(connections.clone());
    let run = raw.drata(&["--json", "connections", "list"]);
    assert_eq!((run.code, run.json()), (0, connections.clone()), "{}", run.stderr);
    let all = raw.drata(&["connections", "list", "--all", "--json"]);
    assert_eq!((all.code, all.json()), (0, json!([connections["data"][0]])), "{}", all.stderr);

    let user = json!({"id": 7, "email": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace",
        "roles": ["ADMIN"], "managerId": null, "secondaryEmail": "a@b.c", "createdAt": "2025-01-01T00:00:00.000Z"});
    let raw = answering(user.clone());
    let run = raw.drata(&["users", "get", "7", "--json"]);
    assert_eq!((run.code, run.json()), (0, user), "{}", run.stderr);
}

#[test]
fn a_long_wait_is_said_on_stderr_and_timeout_bounds_the_whole_call() {
    // The first answer is Drata's 429 asking for 2 s.
    let raw = Raw::start(|n, _| match n {
        0 => Act::Answer(drata_tests::raw::answer(
            429,
            "application/json",
            "retry-after: 2\r\n",
            br#"{"statusCode":429,"message":"ThrottlerException: Too Many Requests","code":10029}"#,
        )),
        _ => Act::Answer(json_answer(200, r#"{"id": 1, "email": "ada@example.com"}"#)),
    });
    let run = raw.drata(&["users", "get", "1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr.trim(),
        "note: attempt 1 of GET /users/{id} answered 429; waiting 2 s before retrying, as Drata asked"
    );

    // With a limit of 3 requests in any minute, the fourth must wait until
    // the first is a minute old, as Drata asks: past what --timeout 2 allows
    // a call (8 s), so the command ends at once.
    let fake = Fake::start(drata_mock::MockConfig::default().api_keys([KEY]).rate_limit_per_minute(Some(3)));
    for _ in 0..3 {
        assert_eq!(fake.drata(&["users", "get", "1"]).code, 0);
    }
    let run = fake.drata(&["--timeout", "2", "users", "get", "1"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("error: GET /users/1: no answer within the deadline of 8 s: the pause of 60 s before the next retry would pass it (1 attempt(s)); allow more time with --timeout SECONDS"),
        "{}",
        run.stderr
    );
}

#[test]
fn hints_name_what_was_wrong() {
    let fake = Fake::new();
    let run = fake.drata(&["users", "get", "--email", "nobody@example.com"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("No such record: Drata found nothing for the email `nobody@example.com`."),
        "{}",
        run.stderr
    );
    let run = fake.drata(&["infra-identities", "connect", "2", "--user", "999"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stderr.trim(), "error: no Drata user has the id 999; nothing was changed");
    let run = fake.drata(&["api", "DELETE", "/users/2"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("Drata's API has no DELETE on /users/2: that path takes GET."),
        "{}",
        run.stderr
    );
    assert_eq!(fake.writes(), 0);

    // No key: the command line's words, not the library's.
    let run = run_without_key(&["users", "get", "1"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.trim(),
        "error: no API key: run `drata auth login`, give --api-key KEY or set DRATA_API_KEY (create keys in Drata under Settings → API Keys)"
    );
}

fn run_without_key(args: &[&str]) -> Run {
    run(args, None)
}

#[test]
fn a_page_that_is_not_json_is_named_as_such() {
    let raw = Raw::start(|_, _| {
        Act::Answer(drata_tests::raw::answer(200, "text/html", "", b"<!DOCTYPE html><html>Sign in</html>"))
    });
    let run = raw.drata(&["users", "get", "1"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("the answer (200 OK) is not JSON, so it did not come from Drata's API: the base URL may point to a web page or a proxy"),
        "{}",
        run.stderr
    );
}

#[test]
fn limits_the_spec_states_are_checked_before_sending() {
    let fake = Fake::new();
    for (args, says) in [
        (
            vec!["vcs-identities", "service-account", "1", "--on", "--reason", "  "],
            "--reason must say why it is a service account; it is empty",
        ),
        (
            vec!["vcs-identities", "service-account", "1", "--on", "--reason", &"x".repeat(30_001)],
            "--reason is 30001 characters long; Drata takes at most 30000",
        ),
        (
            vec!["vcs-identities", "toggle", "--username", "", "--field", "write-access", "--on"],
            "--username is empty",
        ),
    ] {
        let run = fake.drata(&args);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains(says), "{}", run.stderr);
        assert!(run.stderr.len() < 500, "the long value is not echoed: {}", run.stderr.len());
    }
    // A 100,000-character email cannot make a URL: a usage error, said
    // briefly, sent nowhere and never retried.
    let email = format!("{}@x.com", "a".repeat(100_000));
    let run = fake.drata(&["users", "get", "--email", &email]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("its URL would be 100"), "{}", run.stderr);
    assert!(run.stderr.len() < 1000, "{}", run.stderr.len());
    assert_eq!(fake.writes(), 0);
}

#[test]
fn a_username_matches_usernames_only() {
    let fake = Fake::new();
    // `example` matches identities by their email only: none is offered as a username.
    let run =
        fake.drata(&["vcs-identities", "toggle", "--username", "example", "--field", "write-access", "--on"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr.trim(),
        "error: no version-control identity has the username `example`; nothing was changed"
    );
    let run =
        fake.drata(&["vcs-identities", "toggle", "--username", "ada", "--field", "write-access", "--on"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("usernames that contain it: ada-lovelace (id "), "{}", run.stderr);
    assert_eq!(fake.writes(), 0);
}

#[test]
fn a_failure_is_json_on_stdout_with_json_wherever_the_flag_is() {
    let fake = Fake::new();
    for args in [vec!["--json", "users", "get", "999"], vec!["users", "get", "999", "--json"]] {
        let run = fake.drata(&args);
        assert_eq!(run.code, 1);
        let error = &run.json()["error"];
        assert_eq!(
            (
                error["kind"].as_str(),
                error["status"].as_u64(),
                error["operation"].as_str(),
                error["exitCode"].as_u64()
            ),
            (Some("api"), Some(404), Some("get-user"), Some(1)),
            "{error}"
        );
        assert!(run.stderr.starts_with("error: GET /users/999: Drata answered 404"), "{}", run.stderr);
    }
    let run = fake.drata(&["api", "GET", "/users/2", "--json"]);
    assert_eq!((run.code, run.json()["id"].as_i64()), (0, Some(2)), "{}", run.stderr);
    let run = fake.drata(&["--json", "op", "list-connections", "--limit", "0"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.json()["error"]["kind"], "invalid");
}

#[test]
fn a_usage_error_in_json_is_clap_s_whole_message_and_in_ndjson_one_line() {
    // Colours forced: the JSON message is plain text all the same.
    let colours = [("CLICOLOR_FORCE", "1")];
    let missing = run_with(&["--json", "vcs-identities", "toggle", "1", "--on"], None, &colours);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert_eq!(
        missing.json(),
        json!({"error": {"kind": "invalid", "exitCode": 2, "message": "the following required arguments were not provided:\n  --field <FIELD>\n\nUsage: drata vcs-identities toggle --field <FIELD> <ID|--username <NAME>> <--on|--off>\n\nFor more information, try '--help'."}})
    );
    let misspelt = run_with(&["--output", "ndjson", "connections", "list", "--limt", "3"], None, &colours);
    assert_eq!(misspelt.code, 2, "{}", misspelt.stderr);
    assert_eq!(
        misspelt.stdout,
        "{\"error\":{\"kind\":\"invalid\",\"message\":\"unexpected argument '--limt' found\\n\\n  tip: a similar argument exists: '--limit'\\n\\nUsage: drata connections list --limit <N>\\n\\nFor more information, try '--help'.\",\"exitCode\":2}}\n",
        "one line of JSON"
    );
    // A failure of a command is one line too.
    let fake = Fake::new();
    let failed = fake.drata(&["--output", "ndjson", "users", "get", "999"]);
    assert_eq!(failed.code, 1, "{}", failed.stderr);
    assert_eq!(failed.stdout.lines().count(), 1, "{}", failed.stdout);
    assert_eq!(failed.json()["error"]["status"], 404);
}

#[test]
fn a_long_message_of_drata_s_is_cut_on_stderr_and_whole_in_json() {
    let long = "x".repeat(300_000);
    let body = json!({"statusCode": 400, "code": 10400, "message": long}).to_string();
    let raw = Raw::start(move |_, _| Act::Answer(json_answer(400, &body)));
    let said = format!(
        "error: GET /connections: Drata answered 400 Bad Request: {}… (300000 characters) (code 10400). Check the request against the operation's documentation.\nnote: Drata's message is shown cut; --json prints it whole, as `drataMessage`\n",
        "x".repeat(200)
    );
    let table = raw.drata(&["connections", "list"]);
    assert_eq!((table.code, table.stdout.as_str(), table.stderr.as_str()), (1, "", said.as_str()));
    let json = raw.drata(&["--json", "connections", "list"]);
    assert_eq!((json.code, json.stderr.as_str()), (1, said.as_str()));
    let error = &json.json()["error"];
    assert_eq!(error["drataMessage"].as_str(), Some(long.as_str()), "whole in JSON");
    assert_eq!((error["status"].as_u64(), error["code"].as_i64()), (Some(400), Some(10400)));
}

#[test]
fn tables_fit_the_width_they_are_given() {
    let fake = Fake::new();
    let wide = fake.drata(&["vcs-identities", "list"]);
    let widest = wide.stdout.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(widest > 100, "{widest}");
    let narrow = Command::new(env!("CARGO_BIN_EXE_drata"))
        .args(["--base-url", &fake.server.base_url(), "--output", "table", "vcs-identities", "list"])
        .env("DRATA_API_KEY", KEY)
        .env("DRATA_CONFIG_DIR", no_profiles())
        .env("COLUMNS", "80")
        .output()
        .expect("drata runs");
    let stdout = String::from_utf8_lossy(&narrow.stdout);
    let table: Vec<&str> = stdout.lines().filter(|l| !l.starts_with("page ")).collect();
    assert!(table.iter().all(|l| l.chars().count() <= 80), "{stdout}");
    assert!(table.iter().any(|l| l.contains('…')), "long cells are cut: {stdout}");
}

#[test]
fn a_create_stops_before_sending_when_the_connections_cannot_be_listed_first() {
    let posts = Arc::new(AtomicUsize::new(0));
    let seen = posts.clone();
    let raw = Raw::start(move |_, line| {
        if line.starts_with("POST") {
            seen.fetch_add(1, Ordering::SeqCst);
        }
        Act::Silent
    });
    let run = raw.drata(&[
        "--timeout",
        "1",
        "idp",
        "create",
        "--json-file",
        personnel_json(neil()).to_str().expect("path"),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("the connections could not be listed before the import, so nothing was created"),
        "{}",
        run.stderr
    );
    // Only the listing went out (with its retries), never the POST.
    assert!(raw.server.requests() >= 1);
    assert_eq!(posts.load(Ordering::SeqCst), 0);
}
