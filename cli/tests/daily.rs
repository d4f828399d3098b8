//! The command line people reach for every day, run piped as a script runs
//! it: stored profiles (`drata auth`), the write gate, `--output`, typed
//! operation flags and `--example`, the personnel file argument and shell
//! completion. What needs a terminal is in `terminal.rs`.

mod common;

use common::*;
use serde_json::{Value, json};

/// A config directory of its own, and a runner whose environment has it
/// and no key: the profile's key is the one used.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Self {
        Self { dir: tempfile::tempdir().expect("temp dir") }
    }

    fn config(&self) -> std::path::PathBuf {
        self.dir.path().join("config")
    }

    /// `drata <args>` with this config directory, `stdin` on standard
    /// input, nothing on the terminal (piped), the output choice left to `auto`.
    fn drata(&self, args: &[&str], stdin: &str) -> Run {
        self.drata_with(args, stdin, &[])
    }

    /// [`Home::drata`] with these environment variables set.
    fn drata_with(&self, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Run {
        finish(self.spawn(args, env), stdin)
    }

    /// `drata <args>` started in this home, its input, output and errors piped.
    fn spawn(&self, args: &[&str], env: &[(&str, &str)]) -> std::process::Child {
        use std::process::Stdio;
        let mut command = drata_command(args);
        command
            .env("HOME", self.dir.path())
            .env("DRATA_CONFIG_DIR", self.config())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in env {
            command.env(name, value);
        }
        command.spawn().expect("the drata binary runs")
    }
}

/// Gives a started `drata` its standard input and waits for its end.
fn finish(mut child: std::process::Child, stdin: &str) -> Run {
    use std::io::Write;
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(stdin.as_bytes());
    }
    let output = child.wait_with_output().expect("drata ends");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The key of the profiles these tests store: never to be seen in any output.
const STORED: &str = "stored-key-for-tests-7f3a";

fn assert_no_key(run: &Run) {
    assert!(
        !run.stdout.contains(STORED) && !run.stderr.contains(STORED),
        "the key leaked:\n{}\n{}",
        run.stdout,
        run.stderr
    );
}

/// The host of a fake server's API root, as the command line names it (`127.0.0.1:PORT`).
fn host_of(base: &str) -> String {
    base.trim_start_matches("http://").trim_end_matches("/public").to_string()
}

fn fake_with_stored_key() -> Fake {
    Fake::start(drata_mock::MockConfig::default().api_keys([STORED]))
}

#[test]
fn a_key_piped_to_auth_login_is_stored_for_its_owner_only_and_checked_by_status() {
    let fake = fake_with_stored_key();
    let home = Home::new();
    let base = fake.server.base_url();
    let login = home.drata(
        &["auth", "login", "--profile", "ci", "--allow-writes", "--base-url", &base],
        &format!("{STORED}\n"),
    );
    assert_eq!(login.code, 0, "{}", login.stderr);
    assert_no_key(&login);
    assert!(login.stderr.contains("readable by you only"), "{}", login.stderr);
    let file = home.config().join("profiles.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).expect("the profiles file").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the profiles file is its owner's only");
        let dir = std::fs::metadata(home.config()).expect("the config directory").permissions().mode();
        assert_eq!(dir & 0o777, 0o700);
    }
    assert_eq!(
        login.json(),
        json!({"profile": "ci", "region": "us", "allowWrites": true, "keyStore": "file", "key": "…7f3a"})
    );

    let status = home.drata(&["--profile", "ci", "auth", "status"], "");
    assert_eq!(status.code, 0, "{}", status.stderr);
    assert_no_key(&status);
    let shown = status.json();
    assert_eq!(shown["key"], "…7f3a");
    assert_eq!(shown["accepted"], true);
    assert_eq!(shown["allowWrites"], true);
    assert_eq!(shown["keyStore"], file.display().to_string());
    // DRATA_PROFILE chooses it too; the table says the same in words.
    let table = home.drata(&["auth", "status", "--output", "table"], "");
    assert_eq!(table.code, 2, "no profile `default`: {}", table.stderr);
    assert!(table.stderr.contains("no profile `default`"), "{}", table.stderr);

    let listed = home.drata(&["auth", "list"], "");
    assert_eq!(
        listed.json(),
        json!([{"profile": "ci", "region": "us", "host": host_of(&base), "baseUrl": base, "allowWrites": true, "keyStore": "file"}])
    );
    let lines = home.drata(&["auth", "list", "--output", "table"], "");
    assert_eq!(
        lines.stdout.lines().nth(1).map(|l| l.split_whitespace().take(3).collect::<Vec<_>>()),
        Some(vec!["ci", "us", "allowed"])
    );

    let logout = home.drata(&["--profile", "ci", "auth", "logout"], "");
    assert_eq!(logout.code, 0, "{}", logout.stderr);
    assert!(
        !std::fs::read_to_string(&file).expect("the file").contains(STORED),
        "the key is gone from the file"
    );
    assert_eq!(home.drata(&["auth", "list"], "").json(), json!([]));
}

#[test]
fn status_exits_1_when_drata_refuses_the_key_and_login_refuses_a_key_on_the_command_line() {
    let fake = Fake::new();
    let home = Home::new();
    let base = fake.server.base_url();
    let login = home.drata(&["auth", "login", "--base-url", &base], &format!("{STORED}\n"));
    assert_eq!(login.code, 0, "{}", login.stderr);
    let status = home.drata(&["auth", "status"], "");
    assert_eq!(status.code, 1, "{}", status.stdout);
    assert_eq!(status.json()["accepted"], false);
    assert_no_key(&status);

    let on_the_line = home.drata(&["auth", "login", "--api-key", STORED], "");
    assert_eq!(on_the_line.code, 2);
    assert!(on_the_line.stderr.contains("not from --api-key"), "{}", on_the_line.stderr);
    let odd = home.drata(&["auth", "login", "--profile", "a/b\u{1b}[31m"], &format!("{STORED}\n"));
    assert_eq!(odd.code, 2);
    assert!(odd.stderr.contains("`a/b\\u{1b}[31m` cannot name a profile"), "{}", odd.stderr);
    let unknown = home.drata(&["--profile", "nope", "users", "list"], "");
    assert_eq!(unknown.code, 2);
    assert!(
        unknown
            .stderr
            .contains("no profile `nope` is stored, so no API key: run `drata auth login --profile nope`"),
        "{}",
        unknown.stderr
    );
    let huge = home.drata(&["auth", "login", "--profile", "huge"], &"k".repeat(200_000));
    assert_eq!(huge.code, 2);
    assert!(huge.stderr.contains("the line is over 64 KiB"), "{}", huge.stderr);
    let empty = home.drata(&["auth", "login", "--profile", "empty"], "\n");
    assert_eq!(empty.code, 2);
    assert!(empty.stderr.contains("no key was given"), "{}", empty.stderr);
}

#[test]
fn a_login_replaces_the_whole_profile_and_keeps_a_base_url_only_when_given() {
    let fake = fake_with_stored_key();
    let home = Home::new();
    let base = fake.server.base_url();
    let first = home.drata(
        &["auth", "login", "--profile", "work", "--region", "eu", "--allow-writes", "--base-url", &base],
        &format!("{STORED}\n"),
    );
    assert_eq!(first.code, 0, "{}", first.stderr);
    // The real key, logged in again with nothing else said: the test
    // server's URL, the region and the writes of before are gone.
    let again = home.drata(&["auth", "login", "--profile", "work"], &format!("{STORED}\n"));
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(
        again.json(),
        json!({"profile": "work", "region": "us", "allowWrites": false, "keyStore": "file", "key": "…7f3a"})
    );
    let file = std::fs::read_to_string(home.config().join("profiles.json")).expect("the profiles file");
    assert_eq!(
        serde_json::from_str::<Value>(&file).expect("JSON"),
        json!({"profiles": {"work": {"region": "us", "allowWrites": false, "keyStore": "file", "key": STORED}}})
    );
}

#[test]
fn status_and_list_name_the_host_and_a_profile_whose_base_url_is_not_drata_s_says_so_on_every_use() {
    let fake = fake_with_stored_key();
    let home = Home::new();
    let base = fake.server.base_url();
    let host = host_of(&base);
    let test =
        home.drata(&["auth", "login", "--profile", "test", "--base-url", &base], &format!("{STORED}\n"));
    assert_eq!(test.code, 0, "{}", test.stderr);
    let real = home.drata(&["auth", "login", "--profile", "real", "--region", "eu"], &format!("{STORED}\n"));
    assert_eq!(real.code, 0, "{}", real.stderr);
    let file = home.config().join("profiles.json").display().to_string();
    let warning = format!(
        "warning: the profile `test` sends its key to {host}, not a Drata region host (its base URL `{base}`, given at login); `drata auth login --profile test` without --base-url sends it to Drata\n"
    );

    // The check names what answered: not Drata.
    let status = home.drata(&["--profile", "test", "auth", "status", "--output", "table"], "");
    assert_eq!(status.code, 0, "{}", status.stderr);
    assert_eq!(status.stderr, warning);
    assert_eq!(
        status.stdout,
        format!(
            "profile:       test\nhost:          {host} ({base})\nregion:        us\nwrites:        refused (give --allow-writes)\nkey stored in: {file}\nkey:           …7f3a\ncheck:         {host} (not a Drata region host) accepts the key\n"
        )
    );
    let shown = home.drata(&["--profile", "test", "auth", "status"], "").json();
    assert_eq!(
        (&shown["profile"], &shown["host"], &shown["baseUrl"]),
        (&json!("test"), &json!(host), &json!(base))
    );
    assert_eq!(shown["finding"], format!("{host} (not a Drata region host) accepts the key"));

    // Every command that uses the profile says it; one given --base-url is not the profile's.
    let used = home.drata(&["--profile", "test", "users", "list"], "");
    assert_eq!((used.code, used.stderr.as_str()), (0, warning.as_str()));
    let given = home.drata(&["--profile", "test", "--base-url", &base, "users", "list"], "");
    assert_eq!((given.code, given.stderr.as_str()), (0, ""));

    // The list names each profile's host.
    let listed = home.drata(&["auth", "list"], "");
    assert_eq!(listed.stderr, "");
    assert_eq!(
        listed.json(),
        json!([
            {"profile": "real", "region": "eu", "host": "public-api.eu.drata.com", "baseUrl": "https://public-api.eu.drata.com/public", "allowWrites": false, "keyStore": "file"},
            {"profile": "test", "region": "us", "host": host, "baseUrl": base, "allowWrites": false, "keyStore": "file"},
        ])
    );
    let table = home.drata(&["auth", "list", "--output", "table"], "");
    let rows: Vec<Vec<&str>> = table.stdout.lines().map(|l| l.split_whitespace().take(4).collect()).collect();
    assert_eq!(
        rows,
        [
            vec!["PROFILE", "REGION", "WRITES", "HOST"],
            vec!["real", "eu", "refused", "public-api.eu.drata.com"],
            vec!["test", "us", "refused", host.as_str()],
        ]
    );
}

#[test]
fn twelve_logins_at_once_keep_all_twelve_profiles() {
    let home = Home::new();
    let names: Vec<String> = (1..=12).map(|i| format!("p{i:02}")).collect();
    // All started before any gets its key, so that they change the file together.
    let mut started: Vec<_> =
        names.iter().map(|name| home.spawn(&["auth", "login", "--profile", name], &[])).collect();
    for child in &mut started {
        let mut input = child.stdin.take().expect("its standard input");
        std::io::Write::write_all(&mut input, format!("{STORED}\n").as_bytes()).expect("the key given");
    }
    let runs: Vec<Run> = started.into_iter().map(|child| finish(child, "")).collect();
    for (name, run) in names.iter().zip(&runs) {
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
    }
    let listed = home.drata(&["auth", "list"], "").json();
    let stored: Vec<&str> =
        listed.as_array().expect("a list").iter().filter_map(|p| p["profile"].as_str()).collect();
    assert_eq!(stored, names);
}

#[cfg(unix)]
#[test]
fn a_profiles_file_others_may_read_is_refused_with_the_chmod_that_fixes_it() {
    use std::os::unix::fs::PermissionsExt;
    let home = Home::new();
    let login = home.drata(&["auth", "login", "--profile", "ci"], &format!("{STORED}\n"));
    assert_eq!(login.code, 0, "{}", login.stderr);
    let file = home.config().join("profiles.json");
    let before = std::fs::read(&file).expect("the profiles file");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let path = file.display();
    let refused = format!(
        "error: `{path}` may be read or changed by others than you (its mode is 0640) and may hold API keys, so drata does not use it: run `chmod 600 {path}`\n"
    );
    // Every command that reads it, and a change, which leaves it as it was.
    for (args, stdin) in [
        (&["auth", "list"][..], String::new()),
        (&["--profile", "ci", "users", "list"], String::new()),
        (&["auth", "login", "--profile", "other"], format!("{STORED}\n")),
        (&["--profile", "ci", "auth", "logout"], String::new()),
    ] {
        let run = home.drata(args, &stdin);
        assert_eq!((run.code, run.stderr.as_str()), (2, refused.as_str()), "{args:?}");
    }
    assert_eq!(std::fs::read(&file).expect("the profiles file"), before);
    let mode = std::fs::metadata(&file).expect("the profiles file").permissions().mode();
    assert_eq!(mode & 0o777, 0o640);

    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let listed = home.drata(&["auth", "list"], "");
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert_eq!(listed.json()[0]["profile"], "ci");
}

#[cfg(unix)]
#[test]
fn login_leaves_the_mode_of_a_directory_it_did_not_create_alone() {
    use std::os::unix::fs::PermissionsExt;
    let home = Home::new();
    std::fs::create_dir(home.config()).expect("the config directory");
    std::fs::set_permissions(home.config(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let login = home.drata(&["auth", "login", "--profile", "ci"], &format!("{STORED}\n"));
    assert_eq!(login.code, 0, "{}", login.stderr);
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).expect("it exists").permissions().mode() & 0o777;
    assert_eq!(mode(&home.config()), 0o755, "the directory is as it was");
    assert_eq!(mode(&home.config().join("profiles.json")), 0o600, "the file is its owner's only");
}

/// Neither key is in the output: the stored one, nor the test key given in the environment.
fn assert_no_keys(run: &Run) {
    assert_no_key(run);
    assert!(
        !run.stdout.contains(KEY) && !run.stderr.contains(KEY),
        "the key leaked:\n{}\n{}",
        run.stdout,
        run.stderr
    );
}

#[test]
fn an_empty_drata_api_key_counts_as_unset() {
    let fake = fake_with_stored_key();
    let home = Home::new();
    let base = fake.server.base_url();
    let login = home.drata(&["auth", "login", "--base-url", &base], &format!("{STORED}\n"));
    assert_eq!(login.code, 0, "{}", login.stderr);
    let empty = [("DRATA_API_KEY", "")];
    let status = home.drata_with(&["auth", "status"], "", &empty);
    assert_eq!(status.code, 0, "{}", status.stderr);
    let shown = status.json();
    assert_eq!((&shown["profile"], &shown["key"]), (&json!("default"), &json!("…7f3a")));
    let used = home.drata_with(&["users", "list"], "", &empty);
    assert_eq!(used.code, 0, "{}", used.stderr);
    assert_no_keys(&used);
}

#[test]
fn a_profile_named_on_the_command_line_beats_drata_api_key() {
    let fake = fake_with_stored_key();
    let home = Home::new();
    let base = fake.server.base_url();
    let login =
        home.drata(&["auth", "login", "--profile", "ci", "--base-url", &base], &format!("{STORED}\n"));
    assert_eq!(login.code, 0, "{}", login.stderr);
    // DRATA_API_KEY holds a key the server refuses: it is not the one used.
    let env = [("DRATA_API_KEY", KEY)];
    for args in [&["--profile", "ci", "auth", "status"][..], &["auth", "status", "--profile", "ci"]] {
        let run = home.drata_with(args, "", &env);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert_no_keys(&run);
        let shown = run.json();
        assert_eq!(
            (&shown["profile"], &shown["key"], &shown["accepted"]),
            (&json!("ci"), &json!("…7f3a"), &json!(true))
        );
    }
    // DRATA_PROFILE is the environment too: the key of DRATA_API_KEY comes first.
    let named = home.drata_with(&["auth", "status"], "", &[("DRATA_API_KEY", KEY), ("DRATA_PROFILE", "ci")]);
    assert_eq!(named.code, 1, "{}", named.stderr);
    let shown = named.json();
    assert_eq!(
        (&shown["profile"], &shown["keyStore"], &shown["key"]),
        (&json!(null), &json!("DRATA_API_KEY (no profile)"), &json!("…5b1e"))
    );
    // Both on the command line: the key given comes first, as before.
    let both = home.drata_with(&["--profile", "ci", "--api-key", KEY, "auth", "status"], "", &[]);
    assert_eq!(both.code, 1, "{}", both.stderr);
    assert_eq!(both.json()["keyStore"], "--api-key (no profile)");
}

#[test]
fn verbose_and_a_refused_key_s_error_say_where_the_key_came_from() {
    let fake = fake_with_stored_key();
    let home = Home::new();
    let base = fake.server.base_url();
    let host = host_of(&base);
    for (name, key) in [("ci", STORED), ("old", KEY)] {
        let login =
            home.drata(&["auth", "login", "--profile", name, "--base-url", &base], &format!("{key}\n"));
        assert_eq!(login.code, 0, "{}", login.stderr);
    }
    let file = home.config().join("profiles.json").display().to_string();
    let warning = |name: &str| {
        format!(
            "warning: the profile `{name}` sends its key to {host}, not a Drata region host (its base URL `{base}`, given at login); `drata auth login --profile {name}` without --base-url sends it to Drata\n"
        )
    };

    let profile =
        home.drata_with(&["--verbose", "--profile", "ci", "users", "list"], "", &[("DRATA_API_KEY", KEY)]);
    assert_eq!(profile.code, 0, "{}", profile.stderr);
    assert_no_keys(&profile);
    assert_eq!(
        profile.stderr,
        format!(
            "note: the key …7f3a comes from the profile `ci` (named by --profile), kept in `{file}`\nnote: requests go to {host} ({base}, the profile's base URL)\n{}",
            warning("ci")
        )
    );
    let given = home.drata_with(
        &["--verbose", "--base-url", &base, "users", "list"],
        "",
        &[("DRATA_API_KEY", STORED)],
    );
    assert_eq!(given.code, 0, "{}", given.stderr);
    assert_eq!(
        given.stderr,
        format!(
            "note: the key …7f3a comes from DRATA_API_KEY (no profile)\nnote: requests go to {host} ({base}, given with --base-url)\n"
        )
    );
    // A key refused, by its error: where it came from (never the key).
    let refused = home.drata_with(&["--base-url", &base, "users", "list"], "", &[("DRATA_API_KEY", KEY)]);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert_no_keys(&refused);
    let said = "the region matches your Drata account. The key …5b1e comes from DRATA_API_KEY.";
    assert!(refused.stderr.ends_with(&format!("{said}\n")), "{}", refused.stderr);
    let error = &refused.json()["error"];
    assert_eq!((&error["kind"], &error["status"]), (&json!("api"), &json!(401)));
    assert!(error["message"].as_str().is_some_and(|m| m.ends_with(said)), "{error}");
    let old = home.drata(&["--profile", "old", "users", "list"], "");
    assert_eq!(old.code, 1, "{}", old.stderr);
    assert!(
        old.stderr.ends_with(". The key …5b1e comes from the profile `old` (named by --profile).\n"),
        "{}",
        old.stderr
    );
}

#[test]
fn a_write_needs_allowing_and_yes_when_piped_and_a_dry_run_needs_neither() {
    let fake = fake_with_stored_key();
    let home = Home::new();
    let base = fake.server.base_url();
    let toggle = ["vcs-identities", "toggle", "1", "--field", "write-access", "--on"];
    let create = ["v2", "create-vendor", "--name", "Acme"];
    let api = ["api", "POST", "/v2/vendors", "-F", "name=Acme"];

    // A profile that does not allow writes: refused, with or without --yes.
    let login =
        home.drata(&["auth", "login", "--profile", "reader", "--base-url", &base], &format!("{STORED}\n"));
    assert_eq!(login.code, 0, "{}", login.stderr);
    for command in [&toggle[..], &create, &api] {
        for yes in [&[][..], &["--yes"]] {
            let run = home.drata(&[&["--profile", "reader"], yes, command].concat(), "");
            assert_eq!(run.code, 2, "{command:?} {yes:?}: {}", run.stdout);
            assert!(run.stderr.contains("--allow-writes"), "{}", run.stderr);
            assert!(run.stderr.contains("nothing was sent"), "{}", run.stderr);
        }
    }
    assert_eq!(fake.written(), Vec::<&str>::new());

    // Writes allowed, piped, no --yes: refused, naming --yes.
    let people = r#"{"personnelData": [{"id": "1", "firstName": "Neil", "lastName": "Armstrong", "email": "neil@example.com", "contractor": false, "isMfaEnabled": true, "date": "2024-10-18T01:28:40"}]}"#;
    for command in [&toggle[..], &create, &api, &["op", "create-idp-connection-from-json", "--body", people]]
    {
        let run = home.drata(&[&["--profile", "reader", "--allow-writes"], command].concat(), "");
        assert_eq!(run.code, 2, "{command:?}: {}", run.stdout);
        assert!(run.stderr.contains("give --yes"), "{}", run.stderr);
    }
    assert_eq!(fake.written(), Vec::<&str>::new());

    // A dry run: neither, and nothing is sent.
    let dry = home.drata(&[&["--profile", "reader", "--dry-run"], &create[..]].concat(), "");
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert_eq!(
        dry.json(),
        json!({"dryRun": true, "method": "POST", "path": "/v2/vendors", "request": {"parameters": {}, "body": {"name": "Acme"}}})
    );
    assert_eq!(fake.written(), Vec::<&str>::new());

    // --allow-writes --yes: sent, once each.
    for command in [&toggle[..], &create, &api] {
        let run = home.drata(&[&["--profile", "reader", "--allow-writes", "--yes"], command].concat(), "");
        assert_eq!(run.code, 0, "{command:?}: {}", run.stderr);
        assert_no_key(&run);
    }
    // The toggle, and the vendor created twice (by `v2` and by `api`).
    assert_eq!(fake.writes(), 1);
    assert_eq!(fake.written(), ["create_vendor", "toggle_version_control_identity"]);

    // A profile that allows writes needs only --yes; a key from the
    // environment has no profile, so it needs --allow-writes.
    let writer = home.drata(
        &["auth", "login", "--profile", "writer", "--allow-writes", "--base-url", &base],
        &format!("{STORED}\n"),
    );
    assert_eq!(writer.code, 0, "{}", writer.stderr);
    let toggled = home.drata(&[&["--profile", "writer", "--yes"], &toggle[..]].concat(), "");
    assert_eq!(toggled.code, 0, "{}", toggled.stderr);
    assert_eq!(fake.writes(), 2);
    let from_env = run(&[&["--base-url", &base, "--yes"], &create[..]].concat(), Some(KEY));
    assert_eq!(from_env.code, 2);
    assert!(from_env.stderr.contains("--api-key or DRATA_API_KEY"), "{}", from_env.stderr);
    assert_eq!(fake.writes(), 2);
}

#[test]
fn a_dry_run_of_a_read_sends_nothing_either() {
    let fake = Fake::new();
    let dry = fake.drata(&["--dry-run", "-o", "table", "v2", "list-vendors", "--size", "3"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert_eq!(
        dry.stdout,
        "dry run: would send GET /v2/vendors: no body; the query size=3\nnothing was sent\n"
    );
    assert_eq!(fake.server.served_operations(), Vec::<&str>::new());
}

#[test]
fn piped_listings_print_json_a_table_when_asked_and_ndjson_item_by_item() {
    let fake = Fake::new();
    let base = fake.server.base_url();
    let auto = |args: &[&str]| run_with(&[&["--base-url", base.as_str()], args].concat(), Some(KEY), &[]);

    // Every kind of listing prints JSON when piped.
    for listing in [
        &["connections", "list"][..],
        &["users", "list"],
        &["vcs-identities", "list"],
        &["infra-identities", "list"],
        &["op", "list-connections"],
        &["v2", "list-vendors"],
        &["api", "GET", "/connections"],
    ] {
        let piped = auto(listing);
        assert_eq!(piped.code, 0, "{listing:?}: {}", piped.stderr);
        assert!(serde_json::from_str::<Value>(&piped.stdout).is_ok(), "{listing:?}: {}", piped.stdout);
    }

    // A table when asked, its columns from the spec.
    let table = auto(&["op", "list-connections", "--limit", "3", "--output", "table"]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    let header: Vec<&str> = table
        .stdout
        .lines()
        .next()
        .unwrap_or_default()
        .split("  ")
        .filter(|c| !c.is_empty())
        .map(str::trim)
        .collect();
    assert_eq!(header.first(), Some(&"ID"), "{}", table.stdout);
    assert!(header.contains(&"CLIENT TYPE"), "{header:?}");
    assert_eq!(table.stdout.lines().last(), Some("page 1 of 9 (3 of 25 item(s))"));

    // ndjson with --all: one object a line, every item once.
    let all = auto(&["op", "list-connections", "--limit", "10", "--all", "--output", "ndjson"]);
    assert_eq!(all.code, 0, "{}", all.stderr);
    let ids: Vec<i64> = all
        .stdout
        .lines()
        .map(|line| {
            serde_json::from_str::<Value>(line).expect("a JSON object a line")["id"].as_i64().expect("an id")
        })
        .collect();
    assert_eq!(ids, (1..=25).collect::<Vec<_>>());
    let named = auto(&["connections", "list", "--limit", "7", "--all", "--output", "ndjson"]);
    assert_eq!(named.stdout.lines().count(), 25, "{}", named.stdout);
    let users = auto(&["users", "list", "--all", "-o", "ndjson"]);
    assert!(users.stdout.lines().all(|l| serde_json::from_str::<Value>(l).is_ok_and(|v| v.is_object())));

    // --json is --output json.
    let json = auto(&["--json", "op", "list-connections", "--limit", "1"]);
    assert_eq!(json.json()["data"].as_array().map(Vec::len), Some(1));
}

#[test]
fn operation_flags_have_their_types_and_body_fields_are_flags() {
    let fake = Fake::new();
    // A whole number within its bounds, one of a closed list's values.
    let text = fake.drata(&["op", "list-connections", "--limit", "ten"]);
    assert_eq!(text.code, 2);
    assert!(text.stderr.contains("invalid value 'ten' for '--limit <N>'"), "{}", text.stderr);
    let out_of_range = fake.drata(&["op", "list-connections", "--limit", "51"]);
    assert_eq!(out_of_range.code, 2);
    let closed = fake.drata(&["op", "list-connections", "--sort-dir", "sideways"]);
    assert_eq!(closed.code, 2);
    assert!(closed.stderr.contains("[possible values: ASC, DESC]"), "{}", closed.stderr);
    assert_eq!(fake.server.served_operations(), Vec::<&str>::new(), "nothing was sent");
    // Any case, sent as the spec writes it.
    let sorted = fake.drata(&["--json", "op", "list-connections", "--sort-dir", "desc", "--limit", "1"]);
    assert_eq!(sorted.code, 0, "{}", sorted.stderr);
    assert_eq!(sorted.json()["data"][0]["id"], 25);

    // The body's fields as flags, over --body; exactly what is sent.
    let created = fake.drata(&[
        "--json",
        "v2",
        "create-vendor",
        "--body",
        "name: Placeholder\ncritical: false\n",
        "--name",
        "Acme",
        "--risk",
        "high",
        "--data-accessed-or-processed-list",
        "general",
        "--data-accessed-or-processed-list",
        "financial",
    ]);
    assert_eq!(created.code, 0, "{}", created.stderr);
    let vendor = created.json();
    assert_eq!(
        (&vendor["name"], &vendor["risk"], &vendor["critical"], &vendor["dataAccessedOrProcessedList"]),
        (&json!("Acme"), &json!("HIGH"), &json!(false), &json!(["GENERAL", "FINANCIAL"]))
    );
    let not_an_object = fake.drata(&["v2", "create-vendor", "--body", "[1]", "--name", "Acme"]);
    assert_eq!(not_an_object.code, 2);
    assert!(not_an_object.stderr.contains("--body is not a JSON object"), "{}", not_an_object.stderr);
}

#[test]
fn example_prints_a_body_the_operations_schema_accepts() {
    let example = run(&["v2", "create-vendor", "--example"], None);
    assert_eq!(example.code, 0, "{}", example.stderr);
    let body: Value = serde_json::from_str(&example.stdout).expect("JSON");
    assert_eq!(
        body.as_object().and_then(|o| o.keys().next()).map(String::as_str),
        Some("name"),
        "required first"
    );
    assert!(example.stderr.contains("note: `category` is one of ENGINEERING, PRODUCT"), "{}", example.stderr);
    assert_eq!(Some(body), drata_openapi::example_body("POST", "/v2/vendors"));

    // Every write of both versions that takes a JSON body.
    let mut checked = 0;
    for operation in drata::operations::ALL.iter().chain(drata::v2::operations::ALL) {
        if operation.body != drata::BodyKind::Json {
            continue;
        }
        let template = format!("{}{}", operation.root, operation.path);
        let method = operation.method.as_str();
        let body = drata_openapi::example_body(method, &template)
            .unwrap_or_else(|| panic!("{template}: no example"));
        let (document, path) = drata_openapi::locate(&template);
        let schema =
            drata_openapi::request_schema(method, &template).unwrap_or_else(|| panic!("{path}: no schema"));
        assert_eq!(
            drata_openapi::validate(document, schema, &body),
            Vec::<String>::new(),
            "{}",
            operation.describe()
        );
        if let Some(shape) = operation.body_shape {
            assert_eq!(shape.problems(&body), vec![], "{}", operation.describe());
        }
        checked += 1;
    }
    assert!(checked > 80, "{checked}");
}

#[test]
fn idp_takes_the_personnel_file_as_an_argument_csv_or_json_by_content() {
    let fake = Fake::new();
    let csv = temp_file(
        "people.txt",
        &format!("{}\n1,Ada,Lovelace,ada@example.com,,no,yes,Engineer\n", drata::personnel::csv_header()),
    );
    let json_list = temp_file(
        "people.data",
        r#"  {"personnelData": [{"id": "233", "firstName": "Neil", "lastName": "Armstrong", "email": "neil@example.com",
            "contractor": false, "isMfaEnabled": true, "date": "2024-10-18T01:28:40"}]}"#,
    );
    let from_csv = fake.drata(&["--dry-run", "idp", "create", csv.to_str().expect("path")]);
    assert_eq!(from_csv.code, 0, "{}", from_csv.stderr);
    assert!(from_csv.stdout.contains("would send POST /connections/upload/csv"), "{}", from_csv.stdout);
    let from_json = fake.drata(&["--dry-run", "idp", "update", "26", json_list.to_str().expect("path")]);
    assert_eq!(from_json.code, 0, "{}", from_json.stderr);
    assert!(
        from_json.stdout.contains("would send PUT /connections/26/upload/json with 1 person(s)"),
        "{}",
        from_json.stdout
    );
    let created = fake.drata(&["--json", "idp", "create", json_list.to_str().expect("path")]);
    assert_eq!(created.code, 0, "{}", created.stderr);
    assert_eq!(created.json()["created"], true);

    let old_form = fake.drata(&["idp", "create", "--json", json_list.to_str().expect("path")]);
    assert_eq!(old_form.code, 2);
    assert!(old_form.stderr.contains("`drata idp create people.json`"), "{}", old_form.stderr);
}

#[cfg(unix)]
#[test]
fn a_word_that_is_not_utf8_is_refused_or_used_never_a_panic() {
    use std::os::unix::ffi::OsStrExt;
    let odd = std::ffi::OsStr::from_bytes(b"people-\xff.csv");
    let output = drata_command(&["idp", "validate"]).arg(odd).output().expect("drata runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("people-\u{fffd}.csv"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn completion_scripts_name_the_commands_and_every_operation() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = run(&["completion", shell], None);
        assert_eq!(script.code, 0, "{shell}: {}", script.stderr);
        assert!(script.stdout.contains("list-vendors"), "{shell}");
        assert!(script.stdout.contains("auth"), "{shell}");
    }
    let bash = run(&["completion", "bash"], None);
    // An enum's values complete.
    assert!(bash.stdout.contains("ASC DESC"), "the values of --sort-dir");
    assert_eq!(run(&["completion", "tcsh"], None).code, 2);
}

#[test]
fn a_misspelled_operation_is_answered_with_the_closest_one() {
    let said = |args: &[&str]| {
        let run = run(args, None);
        assert_eq!(run.code, 2, "{}", run.stderr);
        run.json()["error"]["message"].as_str().expect("a message").to_string()
    };
    assert_eq!(
        said(&["--json", "v2", "list-vendor"]),
        "`list-vendor` is not an operation of drata v2; did you mean `list-vendors`? (`drata v2 --list` lists them all)"
    );
    assert_eq!(
        said(&["--json", "op", "VendorsPublicController_listVendor"]),
        "`VendorsPublicController_listVendor` is not an operation of drata op; did you mean `VendorsPublicController_listVendors`? (`drata op --list` lists them all)"
    );
    assert_eq!(
        said(&["--json", "op", "VendorsPublicV2Controller_listVendors"]),
        "`VendorsPublicV2Controller_listVendors` is an operation of drata v2, not of drata op"
    );
    let long = "x".repeat(1_000);
    assert_eq!(
        said(&["--json", "v2", &long]),
        format!("`{}…` is not an operation of drata v2 (`drata v2 --list` lists them all)", "x".repeat(60))
    );
    // On stderr, the same words, and clap's score of names is gone.
    let run = run(&["--output", "table", "v2", "list-vendor"], None);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: `list-vendor` is not an operation of drata v2; did you mean `list-vendors`? (`drata v2 --list` lists them all)\n"
    );
}

#[test]
fn a_body_is_checked_before_a_write_is_offered_and_an_unlisted_value_is_sent_with_a_warning() {
    let fake = Fake::new();
    let base = fake.server.base_url();
    // Writes allowed but not confirmed: the body's problem is what is said, not the missing --yes.
    for args in [
        vec!["v2", "create-vendor", "--body", r#"{"nmae": "Acme"}"#],
        vec!["api", "POST", "/v2/vendors", "-F", "nmae=Acme"],
    ] {
        let refused = run(
            &[&["--base-url", base.as_str(), "--allow-writes", "--output", "table"], &args[..]].concat(),
            Some(KEY),
        );
        assert_eq!(refused.code, 2, "{}", refused.stderr);
        assert!(
            refused.stderr.starts_with("error: the body: `name` is required; `nmae`: not a field of VendorCreateRequest; did you mean `name`?"),
            "{}",
            refused.stderr
        );
        assert!(refused.stderr.ends_with("; nothing was sent\n"), "{}", refused.stderr);
    }
    assert_eq!(fake.written(), Vec::<&str>::new());

    // A value outside an open list is sent as given, with a warning: here
    // the fake server, as Drata, refuses it.
    let sent = fake.drata(&["--output", "table", "v2", "create-vendor", "--name", "Acme", "--risk", "hihg"]);
    assert_eq!(sent.code, 1, "{}", sent.stderr);
    assert!(
        sent.stderr.starts_with(
            "warning: the body: `risk`: `hihg` is not one of the values the spec knows (NONE, LOW, MODERATE, HIGH); it is sent as given, in case Drata added it\n"
        ),
        "{}",
        sent.stderr
    );
    assert!(sent.stderr.contains("Drata answered 400 Bad Request"), "{}", sent.stderr);
    let listed = fake.drata(&["--output", "table", "op", "list-connections", "--provider-types", "FAX"]);
    assert!(
        listed.stderr.starts_with(
            "warning: `providerTypes`: `FAX` is not one of the values the spec knows (IDENTITY, "
        ),
        "{}",
        listed.stderr
    );
    // A known value, in any case, is the spec's and draws no warning.
    let known = fake.drata(&["--output", "json", "v2", "create-vendor", "--name", "Acme", "--risk", "high"]);
    assert_eq!(known.code, 0, "{}", known.stderr);
    assert_eq!(known.stderr, "");
    assert_eq!(known.json()["risk"], "HIGH");
}
