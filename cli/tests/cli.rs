//! The real `drata` binary against the fake server: every command, its
//! output, its exit code, and that nothing is sent for invalid input.

use std::process::{Command, Output};

use drata_mock::{MockConfig, MockServer};

const KEY: &str = "cli-test-key-5b1e";

/// A fake server running on its own runtime for the duration of a test.
struct Fake {
    server: MockServer,
    _runtime: tokio::runtime::Runtime,
}

impl Fake {
    fn start(config: MockConfig) -> Self {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let server = runtime.block_on(MockServer::start(config)).expect("fake server");
        Self { server, _runtime: runtime }
    }

    fn new() -> Self {
        Self::start(MockConfig::default().api_keys([KEY]))
    }

    /// Runs `drata --base-url <fake> <args>` with the test key in the environment.
    fn drata(&self, args: &[&str]) -> Run {
        run(&[&["--base-url", &self.server.base_url()], args].concat(), Some(KEY))
    }

    fn writes(&self) -> u64 {
        self.server.write_count()
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

fn run(args: &[&str], key: Option<&str>) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_drata"));
    command.args(args).env_remove("DRATA_API_KEY").env_remove("DRATA_BASE_URL").env_remove("DRATA_REGION");
    if let Some(key) = key {
        command.env("DRATA_API_KEY", key);
    }
    let Output { status, stdout, stderr } = command.output().expect("the drata binary runs");
    let run = Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    };
    assert!(
        !run.stdout.contains(KEY) && !run.stderr.contains(KEY),
        "the key leaked:\n{}\n{}",
        run.stdout,
        run.stderr
    );
    run
}

/// Writes `content` to a new file of its own (tests run in parallel and must
/// never read each other's half-written files), removed when dropped.
fn temp_file(name: &str, content: &str) -> tempfile::TempPath {
    let mut file = tempfile::Builder::new()
        .prefix("drata-cli-")
        .suffix(&format!("-{name}"))
        .tempfile()
        .expect("temp file");
    std::io::Write::write_all(&mut file, content.as_bytes()).expect("write temp file");
    file.into_temp_path()
}

const HEADER: &str = "id,first_name,last_name,email,avatar_url,is_contractor,mfa,job_title\n";

fn valid_csv() -> tempfile::TempPath {
    temp_file(
        "people.csv",
        &format!(
            "{HEADER}1,Ada,Lovelace,ada@example.com,,no,yes,Engineer\n2,Alan,Turing,alan@example.com,,1,0,\n"
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
    assert!(on.stdout.starts_with("identity 3 (dev3): write access on since 20"), "{}", on.stdout);
    let off =
        fake.drata(&["--json", "vcs-identities", "toggle", "1", "--field", "push-prod-code-access", "--off"]);
    assert_eq!(off.code, 0, "{}", off.stderr);
    assert_eq!(off.json()["pushProductionCodeAccess"], serde_json::Value::Null);

    let linked = fake.drata(&["vcs-identities", "connect", "5", "--user", "3"]);
    assert_eq!(linked.stdout.trim(), "identity 5 (dev5) linked to user 3 alan@example.com");
    let unlinked = fake.drata(&["vcs-identities", "connect", "5", "--unlink"]);
    assert_eq!(unlinked.stdout.trim(), "identity 5 (dev5) unlinked");
    assert_eq!(fake.writes(), 4);
}

#[test]
fn idp_create_and_update_by_csv_and_json() {
    let fake = Fake::new();
    let created = fake.drata(&["idp", "create", "--csv", valid_csv().to_str().expect("path")]);
    assert_eq!(created.code, 0, "{}", created.stderr);
    assert!(
        created.stdout.contains("created an IdP connection from") && created.stdout.contains("(2 person(s))")
    );
    let new_id = fake.server.inspect(|s| s.connections().len()) as i64;
    assert_eq!(fake.server.personnel_of(new_id).map(|p| p.len()), Some(2));

    let updated =
        fake.drata(&["idp", "update", &new_id.to_string(), "--json", valid_json().to_str().expect("path")]);
    assert_eq!(updated.code, 0, "{}", updated.stderr);
    let personnel = fake.server.personnel_of(new_id).expect("personnel");
    assert_eq!(personnel.iter().map(|p| p.first_name.as_str()).collect::<Vec<_>>(), ["Neil"]);

    let by_csv =
        fake.drata(&["idp", "update", &new_id.to_string(), "--csv", valid_csv().to_str().expect("path")]);
    assert_eq!(by_csv.code, 0, "{}", by_csv.stderr);
    let created_json = fake.drata(&["idp", "create", "--json", valid_json().to_str().expect("path")]);
    assert_eq!(created_json.code, 0, "{}", created_json.stderr);
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
    let json =
        fake.drata(&["idp", "update", "26", "--json", valid_json().to_str().expect("path"), "--dry-run"]);
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
        &format!("{HEADER}1,Ada,,ada@x,,no,yes,\n2,Alan,Turing,alan@example.com,,perhaps,1,\n"),
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
    let create = fake.drata(&["idp", "create", "--json", bad_json.to_str().expect("path")]);
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
    let sort = fake.drata(&["connections", "list", "--sort", "NAME"]);
    assert_eq!(sort.code, 2);
    assert!(sort.stderr.contains("unknown sort field `NAME`"), "{}", sort.stderr);
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
    ] {
        assert!(run.stdout.contains(step), "missing step {step}:\n{}", run.stdout);
    }
    assert!(
        run.stdout
            .contains("No such record: check the id in /user-identities/version-control/999999/toggle.")
    );
}

#[test]
fn drata_mock_serves_until_stopped() {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_drata"))
        .args(["mock", "--port", "0", "--api-key", KEY])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("drata mock starts");
    let mut first = String::new();
    let stdout = child.stdout.take().expect("stdout");
    std::io::BufReader::new(stdout).read_line(&mut first).expect("the base URL");
    let base_url = first.trim().to_string();
    let listed = run(&["--base-url", &base_url, "--json", "connections", "list", "--limit", "1"], Some(KEY));
    let _ = child.kill();
    let _ = child.wait();
    assert!(base_url.starts_with("http://127.0.0.1:") && base_url.ends_with("/public"), "{base_url}");
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert_eq!(listed.json()["total"], 25);
}
