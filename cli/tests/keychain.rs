//! A key stored in the OS keychain: on Linux, the Secret Service of a
//! desktop session (GNOME Keyring here), through `secret-tool`. The test
//! needs such a session, so it is ignored in a plain `cargo test`; `.ci/run`
//! starts one and runs it (`cargo test --workspace --test keychain --
//! --ignored`).
#![cfg(all(unix, not(target_os = "macos")))]

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::*;

const SECRET: &str = "keychain-test-key-5e0d";

fn drata(config: &std::path::Path, args: &[&str], stdin: &str) -> Run {
    let mut child = drata_command(args)
        .env_remove("DRATA_KEY_STORE")
        .env("DRATA_CONFIG_DIR", config)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("drata runs");
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin.as_bytes()).expect("stdin");
    }
    let output = child.wait_with_output().expect("drata ends");
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(!run.stdout.contains(SECRET) && !run.stderr.contains(SECRET), "the key leaked: {}", run.stderr);
    run
}

fn looked_up(profile: &str) -> Option<String> {
    let output = Command::new("secret-tool")
        .args(["lookup", "service", "drata", "profile", profile])
        .output()
        .expect("secret-tool runs");
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
#[ignore = "needs a desktop session's Secret Service; `.ci/run` starts one"]
fn a_key_goes_to_the_secret_service_when_a_session_has_one() {
    let fake = Fake::start(drata_mock::MockConfig::default().api_keys([SECRET]));
    let home = tempfile::tempdir().expect("temp dir");
    let base = fake.server.base_url();
    let login = drata(
        home.path(),
        &["auth", "login", "--profile", "desk", "--base-url", &base],
        &format!("{SECRET}\n"),
    );
    assert_eq!(login.code, 0, "{}", login.stderr);
    assert!(login.stderr.contains("is stored in the OS keychain"), "{}", login.stderr);
    assert_eq!(login.json()["keyStore"], "keychain");
    let file = std::fs::read_to_string(home.path().join("profiles.json")).expect("the profiles file");
    assert!(!file.contains(SECRET), "the file does not hold the key: {file}");
    assert_eq!(looked_up("desk").as_deref(), Some(SECRET));

    let status = drata(home.path(), &["--profile", "desk", "auth", "status"], "");
    assert_eq!(status.code, 0, "{}", status.stderr);
    assert_eq!(
        (status.json()["keyStore"].as_str(), status.json()["key"].as_str()),
        (Some("the OS keychain"), Some("…5e0d"))
    );

    let logout = drata(home.path(), &["--profile", "desk", "auth", "logout"], "");
    assert_eq!(logout.code, 0, "{}", logout.stderr);
    assert_eq!(looked_up("desk"), None, "the keychain forgot it");
}
