//! The real `drata` binary against the fake server: every command, its
//! output, its exit code, and that nothing is sent for invalid input.

mod common;

use std::process::Command;

use common::*;
use drata_mock::MockConfig;

fn valid_csv() -> tempfile::TempPath {
    temp_file(
        "people.csv",
        &format!(
            "{}\n1,Ada,Lovelace,ada@example.com,,no,yes,Engineer\n2,Alan,Turing,alan@example.com,,1,0,\n",
            drata::personnel::csv_header()
        ),
    )
}

fn valid_json() -> tempfile::TempPath {
    temp_file(
        "people.json",
        r#"{"personnelData": [{"id": "233", "firstName": "Neil", "lastName": "Armstrong", "email": "neil@example.com",
            "contractor": false, "isMfaEnabled": true, "jobTitle": "painter", "customerId": "A232-23983", "date": "2024-10-18T01:28:40"}]}"#,
    )
}

#[test]
fn connections_list_prints_a_table_and_the_page() {
    let fake = Fake::new();
    let run = fake.drata(&["connections", "list", "--limit", "3", "--page", "2"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "ID  CLIENT TYPE  STATE   CONNECTED  PROVIDER TYPES   ALIAS");
    assert_eq!(lines[1], "4   KANDJI       ACTIVE  yes        MDM              Kandji");
    assert_eq!(lines.last().copied(), Some("page 2 of 9 (3 of 25 connection(s))"));
}

#[test]
fn connections_list_filters_case_insensitively_and_prints_json() {
    let fake = Fake::new();
    let run = fake.drata(&[
        "--json",
        "connections",
        "list",
        "--provider-type",
        "mdm",
        "--state",
        "active",
        "--sort",
        "connection_client_type",
        "--sort-dir",
        "desc",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = run.json();
    let types: Vec<&str> =
        page["data"].as_array().expect("data").iter().filter_map(|c| c["clientType"].as_str()).collect();
    assert_eq!(types, ["KOLIDE", "KANDJI", "JAMF", "INTUNE"]);
    assert_eq!(page["total"], 4);
}

#[test]
fn connections_list_all_prints_one_array_of_every_item() {
    let fake = Fake::new();
    let run = fake.drata(&["--json", "connections", "list", "--all", "--limit", "4"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ids: Vec<i64> =
        run.json().as_array().expect("array").iter().filter_map(|c| c["id"].as_i64()).collect();
    assert_eq!(ids, (1..=25).collect::<Vec<_>>());
}

#[test]
fn vcs_identities_toggle_and_connect() {
    let fake = Fake::new();
    let on = fake.drata(&["vcs-identities", "toggle", "3", "--field", "write-access", "--on"]);
    assert_eq!(on.code, 0, "{}", on.stderr);
    assert!(on.stdout.starts_with("identity 3 (aturing): write access on since 20"), "{}", on.stdout);
    let off =
        fake.drata(&["--json", "vcs-identities", "toggle", "1", "--field", "push-prod-code-access", "--off"]);
    assert_eq!(off.code, 0, "{}", off.stderr);
    assert_eq!(off.json()["pushProductionCodeAccess"], serde_json::Value::Null);

    let linked = fake.drata(&["vcs-identities", "connect", "5", "--user", "3"]);
    assert_eq!(linked.stdout.trim(), "identity 5 (unlinked-dev) linked to user 3 alan@example.com");
    let unlinked = fake.drata(&["vcs-identities", "connect", "5", "--unlink"]);
    assert_eq!(unlinked.stdout.trim(), "identity 5 (unlinked-dev) unlinked");
    assert_eq!(fake.writes(), 4);
}

#[test]
fn idp_create_and_update_by_csv_and_json() {
    let fake = Fake::new();
    let created = fake.drata(&["idp", "create", "--csv", valid_csv().to_str().expect("path")]);
    assert_eq!(created.code, 0, "{}", created.stderr);
    let new_id = fake.server.inspect(|s| s.connections().len()) as i64;
    assert_eq!(new_id, 26);
    assert!(created.stdout.starts_with("created IdP connection 26 from "), "{}", created.stdout);
    assert!(created.stdout.trim_end().ends_with("(2 person(s))"), "{}", created.stdout);
    assert_eq!(fake.server.personnel_of(new_id).map(|p| p.len()), Some(2));

    let updated = fake.drata(&[
        "idp",
        "update",
        &new_id.to_string(),
        "--json-file",
        valid_json().to_str().expect("path"),
    ]);
    assert_eq!(updated.code, 0, "{}", updated.stderr);
    let personnel = fake.server.personnel_of(new_id).expect("personnel");
    assert_eq!(personnel.iter().map(|p| p.first_name.as_str()).collect::<Vec<_>>(), ["Neil"]);

    let by_csv =
        fake.drata(&["idp", "update", &new_id.to_string(), "--csv", valid_csv().to_str().expect("path")]);
    assert_eq!(by_csv.code, 0, "{}", by_csv.stderr);
    let created_json =
        fake.drata(&["--json", "idp", "create", "--json-file", valid_json().to_str().expect("path")]);
    assert_eq!(created_json.code, 0, "{}", created_json.stderr);
    assert_eq!(created_json.json(), serde_json::json!({"created": true, "connectionId": 27, "rows": 1}));
    assert_eq!(fake.writes(), 4);
}

#[test]
fn dry_runs_validate_and_send_nothing() {
    let fake = Fake::new();
    let csv = fake.drata(&["idp", "create", "--csv", valid_csv().to_str().expect("path"), "--dry-run"]);
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    assert!(
        csv.stdout.starts_with("dry run: would send POST /connections/upload/csv with"),
        "{}",
        csv.stdout
    );
    let json = fake.drata(&[
        "idp",
        "update",
        "26",
        "--json-file",
        valid_json().to_str().expect("path"),
        "--dry-run",
    ]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    assert!(json.stdout.contains("would send PUT /connections/26/upload/json with 1 person(s)"));
    assert!(json.stdout.contains("\"firstName\": \"Neil\""));
    assert_eq!(fake.writes(), 0);
    assert!(fake.server.inspect(|s| s.connections().len()) == 25);
}

#[test]
fn idp_validate_reports_every_problem_with_exit_2() {
    let fake = Fake::new();
    let ok = fake.drata(&["idp", "validate", valid_csv().to_str().expect("path")]);
    assert_eq!((ok.code, ok.stdout.trim_end().ends_with(": valid, 2 person(s)")), (0, true), "{}", ok.stdout);
    let bad = temp_file(
        "bad.csv",
        &format!(
            "{}\n1,Ada,,ada@x,,no,yes,\n2,Alan,Turing,alan@example.com,,perhaps,1,\n",
            drata::personnel::csv_header()
        ),
    );
    let run = fake.drata(&["idp", "validate", bad.to_str().expect("path")]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("row 2, last_name: required, but empty"), "{}", run.stderr);
    assert!(run.stderr.contains("row 2, email: \"ada@x\" is not an email address"), "{}", run.stderr);
    assert!(run.stderr.contains("row 3, is_contractor: \"perhaps\" is not a boolean"), "{}", run.stderr);

    let create = fake.drata(&["idp", "create", "--csv", bad.to_str().expect("path")]);
    assert_eq!(create.code, 2, "{}", create.stderr);
    assert!(create.stderr.contains("nothing was sent"));
    let bad_json = temp_file("bad.json", r#"{"personnelData": [{"id": "1"}]}"#);
    let create = fake.drata(&["idp", "create", "--json-file", bad_json.to_str().expect("path")]);
    assert_eq!(create.code, 2, "{}", create.stderr);
    assert!(create.stderr.contains("missing field"), "{}", create.stderr);
    assert_eq!(fake.writes(), 0);
}

#[test]
fn api_failures_exit_1_with_status_message_and_hint() {
    let fake = Fake::start(MockConfig::default().api_keys([KEY]).key_status("terms-key", 412));
    let missing = fake.drata(&["vcs-identities", "toggle", "999", "--field", "write-access", "--on"]);
    assert_eq!(missing.code, 1);
    assert!(
        missing.stderr.contains("404 Not Found") && missing.stderr.contains("No such record"),
        "{}",
        missing.stderr
    );

    let terms = run(&["--base-url", &fake.server.base_url(), "connections", "list"], Some("terms-key"));
    assert_eq!(terms.code, 1);
    assert!(
        terms.stderr.contains("412") && terms.stderr.contains("accept Drata's terms"),
        "{}",
        terms.stderr
    );

    let wrong_key = run(&["--base-url", &fake.server.base_url(), "connections", "list"], Some("not-the-key"));
    assert_eq!(wrong_key.code, 1);
    assert!(
        wrong_key.stderr.contains("401") && wrong_key.stderr.contains("Check the API key"),
        "{}",
        wrong_key.stderr
    );
}

#[test]
fn invalid_settings_exit_2_before_anything_is_sent() {
    let fake = Fake::new();
    let plain_http = run(&["--base-url", "http://10.1.2.3/public", "connections", "list"], Some(KEY));
    assert_eq!(plain_http.code, 2);
    assert!(plain_http.stderr.contains("plain http"), "{}", plain_http.stderr);
    let no_key = run(&["--base-url", &fake.server.base_url(), "connections", "list"], None);
    assert_eq!(no_key.code, 2);
    assert!(no_key.stderr.contains("no API key"), "{}", no_key.stderr);
    let region = run(&["--region", "mars", "connections", "list"], Some(KEY));
    assert_eq!(region.code, 2);
    let usage = run(&["vcs-identities", "toggle", "1", "--field", "write-access"], Some(KEY));
    assert_eq!(usage.code, 2, "neither --on nor --off");
    assert!(usage.stderr.contains("<--on|--off>"), "the error names both: {}", usage.stderr);
    let sort = fake.drata(&["connections", "list", "--sort", "NAME"]);
    assert_eq!(sort.code, 2);
    assert!(sort.stderr.contains("invalid value 'NAME' for '--sort <F>'"), "{}", sort.stderr);
    assert!(sort.stderr.contains("[possible values: CREATED_AT, CONNECTED_AT,"), "{}", sort.stderr);
    assert_eq!(fake.writes(), 0);
}

#[test]
fn the_demo_runs_every_operation_and_exits_0() {
    let run = run(&["demo"], None);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    for step in [
        "List the first page",
        "Grant write access",
        "Link identity 1",
        "Import personnel from a CSV",
        "Replace its personnel with a JSON list",
        "An error and its hint",
        "v2: create three vendors (POST /v2/vendors)",
        "v2: every vendor, 2 a page, following the cursors",
        "Every other operation of v2",
    ] {
        assert!(run.stdout.contains(step), "missing step {step}:\n{}", run.stdout);
    }
    assert!(
        run.stdout.contains("No such record: Drata found nothing for the id `999999`."),
        "{}",
        run.stdout
    );
    let done = format!(
        "Done: all {} v1 and {} v2 operations ran against the fake server.",
        drata::operations::ALL.len(),
        drata::v2::operations::ALL.len()
    );
    assert!(run.stdout.contains(&done), "{}", run.stdout);
    // With --json: one JSON document naming every operation the fake server
    // answered (each of the spec's) on stdout, the tour on stderr.
    let json = self::run(&["--json", "demo"], None);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let name = drata_cli::operations::command_name;
    let every: Vec<String> = drata::operations::ALL
        .iter()
        .map(|op| name(op))
        .chain(drata::v2::operations::ALL.iter().map(|op| format!("v2 {}", name(op))))
        .collect();
    assert_eq!(json.json(), serde_json::json!({"operations": every, "every": true}));
    assert!(json.stderr.contains("==> List the first page"), "{}", json.stderr);
}

#[test]
fn drata_mock_serves_until_stopped() {
    use std::io::BufRead;
    // The key given to `drata` (here after the command) is the one the fake
    // server accepts; its banner says where the key comes from, not the key.
    let mut child = Command::new(env!("CARGO_BIN_EXE_drata"))
        .args(["mock", "--port", "0", "--api-key", KEY])
        .env_remove("DRATA_API_KEY")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("drata mock starts");
    let mut first = String::new();
    let stdout = child.stdout.take().expect("stdout");
    std::io::BufReader::new(stdout).read_line(&mut first).expect("the base URL");
    let mut banner = String::new();
    std::io::BufReader::new(child.stderr.take().expect("stderr")).read_line(&mut banner).expect("banner");
    let base_url = first.trim().to_string();
    let listed = run(&["--base-url", &base_url, "--json", "connections", "list", "--limit", "1"], Some(KEY));
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        banner.starts_with(
            "fake Drata listening; it accepts the API key of --api-key or DRATA_API_KEY (not shown)"
        ),
        "{banner}"
    );
    assert!(!banner.contains(KEY));
    assert!(base_url.starts_with("http://127.0.0.1:") && base_url.ends_with("/public"), "{base_url}");
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert_eq!(listed.json()["total"], 25);
}

// ------------------------------------------------ found by using it as a new user

use drata_tests::raw::{Act, json_answer};

#[test]
fn a_create_whose_answer_is_lost_says_drata_may_have_acted_and_finds_the_new_connection() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let posted = std::sync::Arc::new(AtomicBool::new(false));
    let seen = posted.clone();
    // Lists connection 1; takes the POST and never answers; lists 1 and 2 after.
    let raw = Raw::start(move |_, line| {
        if line.starts_with("POST") {
            seen.store(true, Ordering::SeqCst);
            return Act::Silent;
        }
        let mut connections = vec![connection(1, "Okta")];
        if seen.load(Ordering::SeqCst) {
            connections.push(connection(2, "Manual IdP import"));
        }
        Act::Answer(page_of(&connections))
    });
    let run =
        raw.drata(&["--timeout", "1", "idp", "create", "--json-file", valid_json().to_str().expect("path")]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(posted.load(Ordering::SeqCst));
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert!(
        lines[0].starts_with("error: POST /connections/upload/json: the request may have reached Drata, but its answer was lost (no answer within 1 s: "),
        "{}",
        run.stderr
    );
    assert!(
        lines[0].contains("Do not simply repeat it; first check whether it took effect"),
        "{}",
        run.stderr
    );
    assert_eq!(
        lines[1],
        "A new connection appeared since: 2. Drata probably created it; do not create it again."
    );
    assert_eq!(run.stdout, "");
    // One listing before, one POST, one listing after: the POST was not repeated.
    assert_eq!(raw.server.requests(), 3);
}

#[test]
fn text_from_the_server_is_shown_escaped_never_interpreted() {
    let raw = Raw::start(|_, _| {
        Act::Answer(page_of(&[
            connection(1, "evil\u{1b}]0;pwned\u{7}"),
            connection(2, "fake\nrow 3  X"),
            connection(3, "日本語 alias"),
        ]))
    });
    let table = raw.drata(&["connections", "list"]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(!table.stdout.contains('\u{1b}') && !table.stdout.contains('\u{7}'), "{:?}", table.stdout);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines.len(), 5, "a newline in an alias does not make a row: {:?}", table.stdout);
    assert_eq!(lines[1], r"1   CSV_IDP      ACTIVE  yes        IDENTITY        evil\u{1b}]0;pwned\u{7}");
    assert_eq!(lines[2], r"2   CSV_IDP      ACTIVE  yes        IDENTITY        fake\nrow 3  X");
    // JSON keeps the exact value, escaped the JSON way.
    let json = raw.drata(&["connections", "list", "--json"]);
    assert!(json.stdout.contains(r#""clientAlias": "evil\u001b]0;pwned\u0007""#), "{}", json.stdout);
    assert_eq!(json.json()["data"][2]["clientAlias"], "日本語 alias");
}

#[test]
fn json_output_escapes_c1_controls_and_bidi_overrides_and_keeps_the_value() {
    let alias = "csi\u{9b}31m rlo\u{202e}txt.exe";
    let raw = Raw::start(move |_, _| Act::Answer(page_of(&[connection(1, alias)])));
    for format in
        [&["--json"][..], &["--output", "ndjson"], &["--output", "ndjson", "--all"], &["--json", "--all"]]
    {
        let run = raw.drata(&[&["connections", "list"], format].concat());
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            !run.stdout.contains('\u{9b}') && !run.stdout.contains('\u{202e}'),
            "{format:?}: {:?}",
            run.stdout
        );
        assert!(run.stdout.contains(r#""csi\u009b31m rlo\u202etxt.exe""#), "{format:?}: {}", run.stdout);
        let first = run.stdout.lines().next().filter(|_| format.contains(&"ndjson")).map(str::to_string);
        let value: serde_json::Value =
            serde_json::from_str(first.as_deref().unwrap_or(&run.stdout)).expect("valid JSON");
        let item =
            if value.is_array() { &value[0] } else { value.get("data").map_or(&value, |data| &data[0]) };
        assert_eq!(item["clientAlias"], alias, "{format:?}");
    }
    // The table shows the same characters escaped, the error document too.
    let table = raw.drata(&["connections", "list"]);
    assert!(table.stdout.contains(r"csi\u{9b}31m rlo\u{202e}txt.exe"), "{}", table.stdout);
    let refused = Raw::start(|_, _| {
        Act::Answer(drata_tests::raw::json_answer(
            400,
            r#"{"statusCode": 400, "code": 1, "message": "bad \u009b2J\u202e name"}"#,
        ))
    });
    let run = refused.drata(&["--json", "connections", "list"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        !run.stdout.contains('\u{9b}') && !run.stderr.contains('\u{9b}'),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    assert!(run.stdout.contains(r#""drataMessage": "bad \u009b2J\u202e name""#), "{}", run.stdout);
    assert_eq!(run.json()["error"]["drataMessage"], "bad \u{9b}2J\u{202e} name");
    assert!(run.stderr.contains(r"bad \u{9b}2J\u{202e} name"), "{}", run.stderr);
}

#[test]
fn wide_characters_keep_the_table_aligned() {
    let raw = Raw::start(|_, _| Act::Answer(page_of(&[connection(1, "日本語"), connection(22, "ab")])));
    let run = raw.drata(&["connections", "list"]);
    let lines: Vec<&str> = run.stdout.lines().collect();
    // The ID column is as wide as "ID" and "22"; every row starts its
    // second column at the same terminal column.
    assert_eq!(lines[1], "1   CSV_IDP      ACTIVE  yes        IDENTITY        日本語");
    assert_eq!(lines[2], "22  CSV_IDP      ACTIVE  yes        IDENTITY        ab");
}

#[test]
fn json_means_json_on_stdout_for_dry_runs_and_failed_validations() {
    let fake = Fake::new();
    let csv = valid_csv();
    let dry = fake.drata(&["--json", "idp", "create", "--csv", csv.to_str().expect("path"), "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    let answer = dry.json();
    assert_eq!(
        (
            answer["dryRun"].as_bool(),
            answer["method"].as_str(),
            answer["path"].as_str(),
            answer["rows"].as_u64()
        ),
        (Some(true), Some("POST"), Some("/connections/upload/csv"), Some(2))
    );
    let dry = fake.drata(&[
        "--json",
        "idp",
        "update",
        "7",
        "--json-file",
        valid_json().to_str().expect("path"),
        "--dry-run",
    ]);
    assert_eq!(dry.json()["body"]["personnelData"][0]["firstName"], "Neil");

    let bad = temp_file("bad.csv", &format!("{}\n1,Ada,,ada@x,,no,yes,\n", drata::personnel::csv_header()));
    let run = fake.drata(&["idp", "validate", "--json", bad.to_str().expect("path")]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.json(),
        serde_json::json!({"file": bad.to_str(), "valid": false, "omitted": 0, "problems": [
            {"row": 2, "column": "last_name", "message": "required, but empty"},
            {"row": 2, "column": "email", "message": "\"ada@x\" is not an email address"},
        ]})
    );
    assert!(run.stderr.starts_with("error: "), "errors stay on stderr: {}", run.stderr);
    let create = fake.drata(&["--json", "idp", "create", "--csv", bad.to_str().expect("path")]);
    assert_eq!((create.code, create.json()["valid"].as_bool()), (2, Some(false)));
    let ok = fake.drata(&["idp", "validate", csv.to_str().expect("path"), "--json"]);
    assert_eq!(ok.json()["valid"], true);
    assert_eq!(fake.writes(), 0);
}

#[test]
fn a_piped_csv_is_read_once_checked_and_uploaded() {
    let fake = Fake::new();
    let csv = std::fs::read(valid_csv()).expect("read");
    for path in ["-", "/dev/stdin"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_drata"))
            .args(["--base-url", &fake.server.base_url(), "--allow-writes", "--yes", "--output", "table"])
            .args(["idp", "create", "--csv", path])
            .env("DRATA_API_KEY", KEY)
            .env("DRATA_CONFIG_DIR", no_profiles())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("drata runs");
        std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), &csv).expect("write");
        let output = child.wait_with_output().expect("drata ends");
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
        assert!(String::from_utf8_lossy(&output.stdout).contains("(2 person(s))"));
    }
    assert_eq!(fake.writes(), 2);
}

#[test]
fn a_closed_pipe_ends_quietly_and_a_full_disk_is_an_error() {
    let fake = Fake::new();
    let mut child = Command::new(env!("CARGO_BIN_EXE_drata"))
        .args(["--base-url", &fake.server.base_url(), "connections", "list", "--all"])
        .env("DRATA_API_KEY", KEY)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("drata runs");
    drop(child.stdout.take()); // the reader goes away at once, as `| head -0` would
    let output = child.wait_with_output().expect("drata ends");
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");

    if std::path::Path::new("/dev/full").exists() {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
        let output = Command::new(env!("CARGO_BIN_EXE_drata"))
            .args(["--base-url", &fake.server.base_url(), "--json", "connections", "list"])
            .env("DRATA_API_KEY", KEY)
            .stdout(full)
            .output()
            .expect("drata runs");
        assert_eq!(output.status.code(), Some(1));
        assert!(
            String::from_utf8_lossy(&output.stderr)
                .starts_with("error: cannot write the output: No space left on device"),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn empty_settings_are_unset_and_out_of_range_ids_are_usage_errors() {
    let fake = Fake::new();
    let empty_key =
        run(&["--base-url", &fake.server.base_url(), "--api-key", "", "connections", "list"], None);
    assert_eq!(empty_key.code, 2);
    assert!(empty_key.stderr.contains("no API key"), "{}", empty_key.stderr);
    // DRATA_REGION= and DRATA_TIMEOUT= are unset, not errors.
    let output = Command::new(env!("CARGO_BIN_EXE_drata"))
        .args(["connections", "list"])
        .env("DRATA_API_KEY", KEY)
        .env("DRATA_BASE_URL", fake.server.base_url())
        .env("DRATA_REGION", "")
        .env("DRATA_TIMEOUT", "")
        .output()
        .expect("drata runs");
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    for args in [
        &["vcs-identities", "toggle", "0", "--field", "write-access", "--on"][..],
        &["vcs-identities", "connect", "1", "--user=-5"],
        &["idp", "update", "0", "--csv", "x.csv"],
        &["connections", "list", "--limit", "51"],
    ] {
        let run = fake.drata(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
    }
    let timeout = fake.drata(&["--timeout", "soon", "connections", "list"]);
    assert_eq!(timeout.code, 2);
    assert!(timeout.stderr.contains("--timeout must be a number of seconds above 0, not `soon`"));
    assert_eq!(fake.writes(), 0);
}

#[test]
fn unknown_filter_values_are_sent_with_a_warning_as_drata_adds_them() {
    let raw = Raw::start(|_, _| Act::Answer(page_of(&[])));
    let run = raw.drata(&["connections", "list", "--provider-type", "quantum", "--state", "paused"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("warning: `quantum` is not a provider type this version of drata knows ("),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("warning: `paused` is not a connection state this version of drata knows"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout.trim(), "ID  CLIENT TYPE  STATE  CONNECTED  PROVIDER TYPES  ALIAS\nno connections");
    assert_eq!(raw.server.requests(), 1);
}

#[test]
fn a_hung_server_ends_after_the_timeout_with_what_timed_out() {
    let raw = Raw::start(|_, _| Act::Silent);
    let run = raw.drata(&["connections", "list", "--timeout", "1"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.starts_with("error: GET /connections: no answer within 1 s: "), "{}", run.stderr);
    assert!(run.stderr.trim_end().ends_with("(wait longer with --timeout SECONDS)"), "{}", run.stderr);
    assert_eq!(raw.server.requests(), 3, "three attempts of a second each");
}

#[test]
fn global_options_are_accepted_after_the_command() {
    let fake = Fake::new();
    let run = run(
        &["connections", "list", "--limit", "2", "--json", "--base-url", &fake.server.base_url()],
        Some(KEY),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["limit"], 2);
}

#[test]
fn file_problems_say_what_the_file_is() {
    let fake = Fake::new();
    let dir = tempfile::tempdir().expect("dir");
    let run = fake.drata(&["idp", "validate", dir.path().to_str().expect("path")]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("it is a directory, not a file"), "{}", run.stderr);
    let nested = temp_file("nested.json", r#"[[{"id": "1"}]]"#);
    let run = fake.drata(&["idp", "validate", nested.to_str().expect("path")]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("must hold a JSON object"), "{}", run.stderr);
    let bom = std::fs::read_to_string(valid_json()).expect("read");
    let bom = temp_file("bom.json", &format!("\u{feff}{bom}"));
    let run = fake.drata(&["idp", "validate", bom.to_str().expect("path")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let semicolons =
        temp_file("semi.csv", "id;first_name;last_name;email;is_contractor;mfa\n1;A;B;a@b.co;no;no\n");
    let run = fake.drata(&["idp", "validate", semicolons.to_str().expect("path")]);
    assert!(run.stderr.contains("separated by `;`"), "{}", run.stderr);
}

#[test]
fn the_help_shows_no_empty_env_values_or_internal_names() {
    let help = run(&["--help"], None);
    assert!(!help.stdout.contains("[env:") || !help.stdout.contains("=]"), "{}", help.stdout);
    assert!(help.stdout.contains("--timeout <SECONDS>"), "{}", help.stdout);
    let mock = run(&["mock", "--help"], None);
    assert!(!mock.stdout.contains("mock_api_key"), "{}", mock.stdout);
}

#[cfg(unix)]
#[test]
fn ctrl_c_and_sigterm_stop_at_once_with_their_exit_codes() {
    for (signal, code) in [("-INT", 130), ("-TERM", 143)] {
        let raw = Raw::start(|_, _| Act::Silent);
        let child = Command::new(env!("CARGO_BIN_EXE_drata"))
            .args(["--base-url", &format!("{}/public", raw.server.uri), "connections", "list"])
            .env("DRATA_API_KEY", KEY)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("drata runs");
        // Once the request is waiting on the server, the signal arrives
        // (the bound only catches a drata that never sends it).
        for _ in 0..6000 {
            if raw.server.requests() > 0 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert_eq!(raw.server.requests(), 1, "the request was sent");
        let killed = Command::new("kill").args([signal, &child.id().to_string()]).status().expect("kill");
        assert!(killed.success());
        let output = child.wait_with_output().expect("drata ends");
        assert_eq!(output.status.code(), Some(code), "{signal}");
        assert_eq!(String::from_utf8_lossy(&output.stderr), "interrupted\n");
    }
}

#[test]
fn a_page_with_an_older_rendering_item_and_an_odd_one_is_listed_whole() {
    let sample = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../openapi/samples/listConnections.200.full-assembled.json"
    ))
    .expect("sample");
    let mut page: serde_json::Value = serde_json::from_str(&sample).expect("JSON");
    // Beside Drata's older full rendering: a compact item, and one whose
    // required `code` has an odd shape.
    let mut odd = connection(3, "Odd one");
    odd["code"] = serde_json::json!("E42");
    page["data"].as_array_mut().expect("data").extend([connection(2, "Compact"), odd]);
    page["total"] = serde_json::json!(3);
    let body = page.to_string();
    let raw = Raw::start(move |_, _| Act::Answer(json_answer(200, &body)));

    let run = raw.drata(&["connections", "list", "--all"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "ID  CLIENT TYPE  STATE   CONNECTED  PROVIDER TYPES  ALIAS",
            "1   GOOGLE       ACTIVE  no         5               My-connection-alias-1",
            "2   CSV_IDP      ACTIVE  yes        IDENTITY        Compact",
            "3   CSV_IDP      ACTIVE  yes        IDENTITY        Odd one",
            "note: connection 3 does not have the documented shape: `code` (invalid type: string \"E42\", expected i64) is shown as sent: \"E42\"",
            "3 connection(s)",
        ]
    );
    // As JSON, every item as Drata sent it.
    let json = raw.drata(&["connections", "list", "--all", "--json"]);
    let items = json.json();
    assert_eq!(items[0]["providerTypes"], serde_json::json!([5]));
    assert_eq!(items[2]["code"], "E42");
}

#[test]
fn drata_op_lists_and_calls_every_operation_of_the_spec() {
    let fake = Fake::new();
    let list = fake.drata(&["op", "--list", "--json"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let listed = list.json();
    let names: Vec<&str> =
        listed.as_array().expect("a list").iter().filter_map(|o| o["operation"].as_str()).collect();
    assert_eq!(names.len(), drata::operations::ALL.len());
    assert!(
        names.contains(&"list-connections") && names.contains(&"update-idp-connection-from-json"),
        "{names:?}"
    );
    let listing = listed.as_array().and_then(|all| all.iter().find(|o| o["operation"] == "list-connections"));
    assert_eq!(
        listing,
        Some(
            &serde_json::json!({"operation": "list-connections", "drataOperationId": "ConnectionsPublicController_getConnections", "feature": "v1-connections", "method": "GET", "path": "/connections", "summary": "List the connections, filtered by provider and state"})
        )
    );

    // Parameters as kebab-case flags, closed values in any case, an array repeated.
    let page = fake.drata(&[
        "--json",
        "op",
        "list-connections",
        "--limit",
        "2",
        "--sort-dir",
        "desc",
        "--provider-types",
        "mdm",
        "--provider-types",
        "IDENTITY",
    ]);
    assert_eq!(page.code, 0, "{}", page.stderr);
    assert_eq!(page.json()["limit"], 2);

    // A body inline; the answer printed as JSON.
    let toggled = fake.drata(&[
        "--json",
        "op",
        "toggle-version-control-identity",
        "--id",
        "1",
        "--body",
        r#"{"toggle": false, "toggleField": "VERSION_CONTROL_WRITE_ACCESS"}"#,
    ]);
    assert_eq!(toggled.code, 0, "{}", toggled.stderr);
    assert_eq!(
        toggled.json()["writeAccess"],
        serde_json::Value::Null,
        "turning write access off clears its timestamp"
    );
    assert_eq!(fake.writes(), 1);

    // Invalid input: exit 2, nothing sent.
    for (args, says) in [
        (
            vec!["op", "list-connections", "--limit", "51"],
            "invalid value '51' for '--limit <N>': 51 is not in 1..=50",
        ),
        (
            vec!["op", "toggle-version-control-identity", "--id", "1", "--body", r#"{"toggle": "yes"}"#],
            "the body: `toggle`: must be true or false, not `yes`",
        ),
        (
            vec![
                "op",
                "toggle-infrastructure-identity",
                "--id",
                "2",
                "--body",
                r#"{"toggle":true,"toggleFeild":"INFRASTRUCTURE_DB_ACCESS"}"#,
            ],
            "`toggleFeild`: not a field of ToggleInfrastructureIdentityRequest; did you mean `toggleField`?",
        ),
        (
            vec![
                "op",
                "set-version-control-identity-service-account",
                "--id",
                "1",
                "--body",
                r#"{"serviceAccount":true,"serviceAccountReason":"ci","extra":1}"#,
            ],
            "`extra`: not a field of ServiceAccountRequest",
        ),
        (
            vec!["op", "connect-infrastructure-identity", "--id", "2", "--body", r#"{"userId":-5}"#],
            "`userId`: must be a whole number from 1, not -5",
        ),
        (
            vec!["op", "toggle-version-control-identity", "--id", "1", "--body", "not json"],
            "--body is not JSON",
        ),
        (
            vec!["op", "create-idp-connection-from-json", "--body", r#"{"personnelData": []}"#],
            "the body: `personnelData`: must hold from 1 item(s), not 0; nothing was sent",
        ),
        (vec!["op", "list-connections", "--sort", "NAME"], "invalid value 'NAME' for '--sort <VALUE>'"),
        (vec!["op", "toggle-version-control-identity", "--body", "{}"], "--id <N>"),
    ] {
        let run = fake.drata(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
    }
    assert_eq!(fake.writes(), 1, "nothing more was sent");
    let help = fake.drata(&["op", "list-connections", "--help"]);
    assert_eq!(help.code, 0);
    assert!(
        help.stdout.contains("GET /connections")
            && help.stdout.contains("Permission: Connections: List Connections."),
        "{}",
        help.stdout
    );
}

#[test]
fn drata_op_takes_dratas_names_and_prints_an_empty_answer_as_null() {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let record = seen.clone();
    let raw = Raw::start(move |_, line| {
        record.lock().expect("lock").push(line.to_string());
        if line.starts_with("DELETE") {
            Act::Answer(drata_tests::raw::answer(204, "application/json", "", b""))
        } else {
            Act::Answer(page_of(&[]))
        }
    });

    // Drata's operation id names the operation; the spec's spelling of a
    // parameter is its flag too.
    let deleted = raw.drata(&["--json", "op", "VendorsPublicController_deleteVendor", "--id", "7"]);
    assert_eq!((deleted.code, deleted.stdout.as_str()), (0, "null\n"), "{}", deleted.stderr);
    let listed = raw.drata(&[
        "--json",
        "op",
        "ConnectionsPublicController_getConnections",
        "--sortDir",
        "DESC",
        "--provider-types",
        "MDM",
    ]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert_eq!(listed.json()["total"], 0);
    assert_eq!(
        *seen.lock().expect("lock"),
        [
            "DELETE /public/vendors/7 HTTP/1.1",
            "GET /public/connections?sortDir=DESC&providerTypes=MDM HTTP/1.1"
        ]
    );
}

/// A page of v2's vendors holding `ids`, whose next cursor is `cursor`.
fn vendors_page(ids: &[u32], cursor: Option<&str>) -> Vec<u8> {
    let data: Vec<_> =
        ids.iter().map(|id| serde_json::json!({"id": id, "name": format!("Vendor {id}")})).collect();
    let body = serde_json::json!({"data": data, "pagination": {"cursor": cursor}});
    drata_tests::raw::json_answer(200, &body.to_string())
}

#[test]
fn drata_v2_lists_its_operations_and_follows_a_cursor_listing_to_the_end() {
    let fake = Fake::new();
    let list = fake.drata(&["v2", "--list", "--json"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let listed = list.json();
    assert_eq!(listed.as_array().map(Vec::len), Some(drata::v2::operations::ALL.len()));
    let listing = listed.as_array().and_then(|all| all.iter().find(|o| o["operation"] == "list-vendors"));
    assert_eq!(
        listing,
        Some(
            &serde_json::json!({"operation": "list-vendors", "drataOperationId": "VendorsPublicV2Controller_listVendors", "feature": "v2-vendors", "method": "GET", "path": "/v2/vendors", "summary": "List vendors"})
        )
    );

    // Three pages: no cursor, then `c2`, then `c3`, whose cursor is null.
    let raw = Raw::start(|_, request| {
        let line = request.lines().next().unwrap_or("").to_string();
        Act::Answer(if line.contains("cursor=c3") {
            vendors_page(&[5], None)
        } else if line.contains("cursor=c2") {
            vendors_page(&[3, 4], Some("c3"))
        } else if line.starts_with("GET /public/v2/vendors?") {
            vendors_page(&[1, 2], Some("c2"))
        } else {
            drata_tests::raw::json_answer(404, "{\"message\": \"not here\"}")
        })
    });
    let run = raw.drata(&["--json", "v2", "list-vendors", "--size", "2", "--all"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ids: Vec<i64> =
        run.json().as_array().expect("a list").iter().filter_map(|v| v["id"].as_i64()).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5], "every item once");
    assert_eq!(raw.server.requests(), 3);
}

#[test]
fn drata_v2_stops_at_a_cursor_given_twice() {
    let raw = Raw::start(|_, request| {
        let line = request.lines().next().unwrap_or("").to_string();
        Act::Answer(if line.contains("cursor=c2") {
            vendors_page(&[3], Some("c2"))
        } else {
            vendors_page(&[1, 2], Some("c2"))
        })
    });
    let run = raw.drata(&["v2", "list-vendors", "--all"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stderr.contains("the server gave the cursor `c2` a second time"), "{}", run.stderr);
    assert_eq!(raw.server.requests(), 2, "no loop");
}

#[test]
fn a_redirect_and_an_answer_over_the_cap_are_errors_that_say_what_to_do() {
    let redirect = Raw::start(|_, _| {
        Act::Answer(drata_tests::raw::answer(
            307,
            "text/plain",
            "location: https://elsewhere.example/x\r\n",
            b"",
        ))
    });
    let run = redirect.drata(&["--json", "connections", "list"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let error: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(
        (&error["error"]["kind"], &error["error"]["status"], &error["error"]["location"]),
        (
            &serde_json::json!("redirect"),
            &serde_json::json!(307),
            &serde_json::json!("https://elsewhere.example/x")
        )
    );
    assert_eq!(redirect.server.requests(), 1);

    let endless = Raw::start(|_, _| Act::Endless);
    let capped = run_with(
        &["--base-url", &endless.base_url(), "connections", "list"],
        Some(KEY),
        &[("DRATA_MAX_ANSWER_MIB", "1")],
    );
    assert_eq!(capped.code, 1, "{}", capped.stderr);
    assert!(
        capped.stderr.contains(
            "GET /connections: the answer (status 200) is larger than the 1 MiB a command reads; nothing of it \
             was read past that. Set DRATA_MAX_ANSWER_MIB=MIB to read larger answers"
        ),
        "{}",
        capped.stderr
    );
    let refused = run_with(&["connections", "list"], Some(KEY), &[("DRATA_MAX_ANSWER_MIB", "lots")]);
    assert_eq!(refused.code, 2);
    assert!(
        refused.stderr.contains("DRATA_MAX_ANSWER_MIB must be a whole number of MiB above 0, not `lots`"),
        "{}",
        refused.stderr
    );
}

#[test]
fn a_key_the_server_echoes_is_never_printed() {
    // `run` fails the test if the key is anywhere in stdout or stderr.
    let echo = Raw::start(|_, _| {
        let body = format!(
            r#"{{"statusCode":400,"code":1,"message":"bad header Bearer {KEY}","debugInfo":{{"authorization":"Bearer {KEY}"}}}}"#
        );
        Act::Answer(json_answer(400, &body))
    });
    for output in ["table", "json"] {
        let run = echo.drata(&["--output", output, "connections", "list"]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(
            format!("{}{}", run.stdout, run.stderr).contains("bad header Bearer <redacted>"),
            "{}{}",
            run.stdout,
            run.stderr
        );
    }
}

/// The page a request asks for (`page=N` of its query; 1 when none).
fn page_asked(request: &str) -> u32 {
    let line = request.lines().next().unwrap_or("");
    let query = line.split_whitespace().nth(1).and_then(|target| target.split_once('?')).map_or("", |q| q.1);
    query.split('&').find_map(|pair| pair.strip_prefix("page=")).and_then(|n| n.parse().ok()).unwrap_or(1)
}

#[test]
fn a_listing_that_ends_short_of_its_total_says_so_on_stderr_and_exits_0() {
    // Drata counts 20 connections and 20 users, but page 2 comes back empty
    // after 12 of them; v2 counts 5 vendors and its last page comes after 3.
    let raw = Raw::start(|_, request| {
        let line = request.lines().next().unwrap_or("").to_string();
        let page = page_asked(request);
        Act::Answer(if line.starts_with("GET /public/v2/vendors") {
            let data: Vec<_> =
                (1..=3).map(|id| serde_json::json!({"id": id, "name": format!("Vendor {id}")})).collect();
            let body = serde_json::json!({"data": data, "pagination": {"cursor": null, "totalCount": 5}});
            drata_tests::raw::json_answer(200, &body.to_string())
        } else if line.starts_with("GET /public/users") {
            let data: Vec<_> = if page == 1 {
                (1..=12).map(|id| serde_json::json!({"id": id, "email": format!("u{id}@example.com"), "firstName": "F", "lastName": "L", "roles": [], "identities": []})).collect()
            } else {
                Vec::new()
            };
            let body = serde_json::json!({"data": data, "page": page, "limit": 50, "total": 20});
            drata_tests::raw::json_answer(200, &body.to_string())
        } else {
            let data: Vec<_> =
                if page == 1 { (1..=12).map(|id| connection(id, "IdP")).collect() } else { Vec::new() };
            let body = serde_json::json!({"data": data, "page": page, "limit": 50, "total": 20});
            drata_tests::raw::json_answer(200, &body.to_string())
        })
    });
    let short = |what: &str, listed: usize, counted: usize| {
        format!(
            "warning: the listing ended after {listed} of the {counted} {what} Drata counted (some may have gone while it was read, or the pages stopped early)\n"
        )
    };
    for (args, what, listed, counted) in [
        (&["--json", "connections", "list", "--all"][..], "connections", 12, 20),
        (&["--output", "ndjson", "connections", "list", "--all"], "connections", 12, 20),
        (&["connections", "list", "--all"], "connections", 12, 20),
        (&["--json", "users", "list", "--all"], "users", 12, 20),
        (&["--json", "op", "list-connections", "--all"], "item(s)", 12, 20),
        (&["--output", "ndjson", "api", "GET", "/connections", "--paginate"], "item(s)", 12, 20),
        (&["--json", "v2", "list-vendors", "--include-total-count", "true", "--all"], "item(s)", 3, 5),
    ] {
        let run = raw.drata(args);
        assert_eq!((run.code, run.stderr.as_str()), (0, short(what, listed, counted).as_str()), "{args:?}");
        let shown = if args.contains(&"ndjson") {
            run.stdout.lines().count()
        } else if args.contains(&"--json") {
            run.json().as_array().map_or(0, Vec::len)
        } else {
            run.stdout.lines().count() - 2 // the header and the count
        };
        assert_eq!(shown, listed, "{args:?}: {}", run.stdout);
    }
}

#[test]
fn a_listing_that_reaches_its_total_says_nothing_on_stderr() {
    let fake = Fake::new();
    for args in [
        &["connections", "list", "--all", "--limit", "4"][..],
        &["--json", "op", "list-connections", "--all"],
    ] {
        let run = fake.drata(args);
        assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{args:?}");
    }
}

#[test]
fn rate_limit_sets_the_requests_in_any_minute() {
    // Every page says there are more: a listing asks for page after page.
    let body =
        serde_json::json!({"data": [connection(1, "a")], "page": 1, "limit": 1, "total": 1000}).to_string();
    let raw = Raw::start(move |_, _| Act::Answer(json_answer(200, &body)));
    let one =
        raw.drata(&["--rate-limit", "1", "--timeout", "1", "connections", "list", "--all", "--limit", "1"]);
    assert_eq!(one.code, 1, "{}", one.stderr);
    assert!(one.stderr.contains("rate limit"), "{}", one.stderr);
    assert_eq!(raw.server.requests(), 1, "the second page's slot is a minute away: not sent");
    let refused = raw.drata(&["--rate-limit", "lots", "connections", "list"]);
    assert_eq!(refused.code, 2);
    assert!(
        refused
            .stderr
            .contains("--rate-limit must be a whole number of requests per minute (0: no limit), not `lots`"),
        "{}",
        refused.stderr
    );
    assert_eq!(raw.server.requests(), 1);
}

#[test]
fn a_listing_s_dry_run_prints_the_get_and_sends_nothing() {
    let raw = Raw::start(|_, _| Act::Answer(json_answer(500, "{\"message\": \"nothing should come\"}")));
    for (args, expected) in [
        (&["users", "list", "--dry-run"][..], "dry run: would send GET /users: no body\nnothing was sent\n"),
        (
            &["users", "list", "--search", "ada", "--limit", "5", "--page", "2", "--dry-run"],
            "dry run: would send GET /users: no body; the query q=ada&limit=5&page=2\nnothing was sent\n",
        ),
        (
            &["connections", "list", "--state", "active", "--dry-run"],
            "dry run: would send GET /connections: no body; the query state=ACTIVE\nnothing was sent\n",
        ),
        (
            &["vcs-identities", "list", "--all", "--dry-run"],
            "dry run: would send GET /user-identities/version-control: no body; the query limit=50\nnothing was sent\n",
        ),
    ] {
        let run = raw.drata(args);
        assert_eq!((run.code, run.stdout.as_str(), run.stderr.as_str()), (0, expected, ""), "{args:?}");
    }
    let json = raw.drata(&["--json", "connections", "list", "--all", "--dry-run"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    assert_eq!(
        json.json(),
        serde_json::json!({"dryRun": true, "method": "GET", "path": "/connections",
            "request": {"parameters": {"limit": "50"}, "body": null}})
    );
    assert_eq!(raw.server.requests(), 0, "a dry run sends nothing");
}

/// A user as the users listing shows it.
fn user(id: u64) -> serde_json::Value {
    serde_json::json!({"id": id, "email": format!("u{id}@example.com"), "firstName": "F", "lastName": "L", "roles": [], "identities": []})
}

/// The value of `name` in a request's query, if it has it.
fn query_value(request: &str, name: &str) -> Option<String> {
    let line = request.lines().next().unwrap_or("");
    let query = line.split_whitespace().nth(1).and_then(|target| target.split_once('?')).map_or("", |q| q.1);
    query.split('&').find_map(|pair| pair.strip_prefix(&format!("{name}="))).map(str::to_string)
}

/// A raw server holding `total` users, paged by number as Drata pages
/// them (`limit` a page, 20 when not asked), that keeps each request's
/// `limit` (or v2's `size`).
fn users_server(total: u64) -> (Raw, std::sync::Arc<std::sync::Mutex<Vec<Option<String>>>>) {
    let sizes = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = sizes.clone();
    let raw = Raw::start(move |_, request| {
        let line = request.lines().next().unwrap_or("").to_string();
        if line.starts_with("GET /public/v2/vendors") {
            log.lock().expect("log").push(query_value(request, "size"));
            return Act::Answer(vendors_page(&[1, 2], None));
        }
        let limit: u64 = query_value(request, "limit").and_then(|l| l.parse().ok()).unwrap_or(20);
        log.lock().expect("log").push(query_value(request, "limit"));
        let page = u64::from(page_asked(request));
        let data: Vec<_> = ((page - 1) * limit + 1..=(page * limit).min(total)).map(user).collect();
        let body = serde_json::json!({"data": data, "page": page, "limit": limit, "total": total});
        Act::Answer(json_answer(200, &body.to_string()))
    });
    (raw, sizes)
}

#[test]
fn a_full_listing_asks_for_the_largest_page_the_spec_allows() {
    let (raw, sizes) = users_server(1234);
    for args in [
        &["--output", "ndjson", "users", "list", "--all"][..],
        &["--output", "ndjson", "op", "list-users", "--all"],
        &["--output", "ndjson", "api", "GET", "/users", "--paginate"],
    ] {
        sizes.lock().expect("log").clear();
        let run = raw.drata(args);
        assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{args:?}");
        assert_eq!(run.stdout.lines().count(), 1234, "{args:?}");
        let asked = sizes.lock().expect("log").clone();
        assert_eq!(asked, vec![Some("50".to_string()); 25], "{args:?}: 25 pages of 50");
    }
    // A size given is the size asked.
    sizes.lock().expect("log").clear();
    let run = raw.drata(&["--output", "ndjson", "users", "list", "--all", "--limit", "40"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(sizes.lock().expect("log").clone(), vec![Some("40".to_string()); 31]);
    // v2: the spec allows pages of 500.
    sizes.lock().expect("log").clear();
    let run = raw.drata(&["--json", "v2", "list-vendors", "--all"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(sizes.lock().expect("log").clone(), [Some("500".to_string())]);
}

#[test]
fn all_in_json_is_the_same_array_written_as_the_pages_arrive() {
    // 1,234 users in pages of 50: the array of every item, in order, each as sent.
    let (raw, _) = users_server(1234);
    let expected = serde_json::Value::Array((1..=1234).map(user).collect());
    for args in [
        &["--json", "users", "list", "--all"][..],
        &["--json", "op", "list-users", "--all"],
        &["--json", "api", "GET", "/users", "--paginate"],
    ] {
        let run = raw.drata(args);
        assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{args:?}");
        assert_eq!(run.json(), expected, "{args:?}");
    }
    let connections = Fake::new();
    let run = connections.drata(&["--json", "connections", "list", "--all", "--limit", "4"]);
    let whole = connections.drata(&["--json", "connections", "list", "--limit", "25"]);
    assert_eq!(run.json(), whole.json()["data"], "the items of the one page that holds them all");
    // An empty listing is an empty array.
    let (empty, _) = users_server(0);
    let run = empty.drata(&["--json", "users", "list", "--all"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, "[]\n"));

    // The second page never comes: the first page's items were written
    // before it was asked for, and the array is closed over them.
    let hung = Raw::start(|_, request| {
        if page_asked(request) > 1 {
            return Act::Silent;
        }
        let data: Vec<_> = (1..=50).map(user).collect();
        Act::Answer(json_answer(
            200,
            &serde_json::json!({"data": data, "page": 1, "limit": 50, "total": 60}).to_string(),
        ))
    });
    let run = hung.drata(&["--json", "--timeout", "1", "users", "list", "--all"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let mut documents = serde_json::Deserializer::from_str(&run.stdout).into_iter::<serde_json::Value>();
    let listed = documents.next().expect("the array").expect("valid JSON");
    assert_eq!(listed, serde_json::Value::Array((1..=50).map(user).collect()));
    let error = documents.next().expect("the error").expect("valid JSON");
    assert_eq!(error["error"]["kind"], "timeout", "{error}");
    assert!(documents.next().is_none());
}

#[test]
fn a_listing_that_fails_part_way_names_where_to_go_on_from() {
    // Pages 1 and 2 come; page 3 is refused. v2: the page at cursor `c2` is.
    let raw = Raw::start(|_, request| {
        let line = request.lines().next().unwrap_or("").to_string();
        let refused = json_answer(400, "{\"message\": \"no\"}");
        if line.starts_with("GET /public/v2/vendors") {
            return Act::Answer(if line.contains("cursor=c2") {
                refused
            } else {
                vendors_page(&[1, 2], Some("c2"))
            });
        }
        let page = u64::from(page_asked(request));
        if page == 3 {
            return Act::Answer(refused);
        }
        let data: Vec<_> = ((page - 1) * 50 + 1..=page * 50).map(user).collect();
        Act::Answer(json_answer(
            200,
            &serde_json::json!({"data": data, "page": page, "limit": 50, "total": 500}).to_string(),
        ))
    });
    for (args, resume, listed) in [
        (&["--json", "users", "list", "--all"][..], "--page 3", 100),
        (&["--json", "op", "list-users", "--all"], "--page 3", 100),
        (&["--json", "v2", "list-vendors", "--all"], "--cursor c2", 2),
    ] {
        let run = raw.drata(args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        let hint = format!("\nthe items before it were printed; go on from there with {resume}\n");
        assert!(run.stderr.ends_with(&hint), "{args:?}: {}", run.stderr);
        let mut documents = serde_json::Deserializer::from_str(&run.stdout).into_iter::<serde_json::Value>();
        let items = documents.next().expect("the array").expect("valid JSON");
        assert_eq!(items.as_array().map(Vec::len), Some(listed), "{args:?}");
        let error = documents.next().expect("the error").expect("valid JSON");
        assert_eq!(
            (&error["error"]["resume"], &error["error"]["status"]),
            (&serde_json::json!(resume), &serde_json::json!(400)),
            "{args:?}"
        );
    }
}
