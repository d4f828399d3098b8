//! The `drata` binary run as a user would: against a fake server, with the
//! test key in the environment, its output and exit code kept.

#![allow(dead_code)]

use std::process::{Command, Output};

use drata_mock::{MockConfig, MockServer};

pub const KEY: &str = "cli-test-key-5b1e";

/// A fake server running on its own runtime for the duration of a test.
pub struct Fake {
    pub server: MockServer,
    _runtime: tokio::runtime::Runtime,
}

impl Fake {
    pub fn start(config: MockConfig) -> Self {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let server = runtime.block_on(MockServer::start(config)).expect("fake server");
        Self { server, _runtime: runtime }
    }

    pub fn new() -> Self {
        Self::start(MockConfig::default().api_keys([KEY]))
    }

    /// Runs `drata --base-url <fake> --allow-writes --yes <args>` with the
    /// test key in the environment: the tests of what commands do run as a
    /// user who allowed writes (the write gate's own tests in `daily.rs`
    /// run without).
    pub fn drata(&self, args: &[&str]) -> Run {
        run(&[&["--base-url", &self.server.base_url(), "--allow-writes", "--yes"], args].concat(), Some(KEY))
    }

    pub fn writes(&self) -> u64 {
        self.server.write_count()
    }

    /// The writes of any operation, v1's or v2's, the fake server carried
    /// out, by operation, in name order.
    pub fn written(&self) -> Vec<&'static str> {
        let all = || drata::operations::ALL.iter().chain(drata::v2::operations::ALL);
        self.server
            .served_operations()
            .into_iter()
            .filter(|id| all().any(|op| op.id == *id && op.method != drata::Method::Get))
            .collect()
    }
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// Runs `drata <args>`, with `key` as DRATA_API_KEY, tables on stdout
/// (`DRATA_OUTPUT=table`: what a terminal shows; the choice `auto` makes
/// has its own tests) and no stored profile (an empty config directory).
pub fn run(args: &[&str], key: Option<&str>) -> Run {
    run_with(args, key, &[("DRATA_OUTPUT", "table")])
}

/// A config directory of no profiles, shared by the tests that store none.
pub fn no_profiles() -> std::path::PathBuf {
    std::env::temp_dir().join("drata-cli-tests-no-profiles")
}

/// The `drata` binary with `args`, in an environment of none of its
/// settings but these: no stored profile (an empty config directory), keys
/// kept in the file (never a keychain of the machine's).
pub fn drata_command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_drata"));
    command
        .args(args)
        .env_remove("DRATA_API_KEY")
        .env_remove("DRATA_BASE_URL")
        .env_remove("DRATA_REGION")
        .env_remove("DRATA_PROFILE")
        .env_remove("DRATA_OUTPUT")
        .env("DRATA_CONFIG_DIR", no_profiles())
        .env("DRATA_KEY_STORE", "file");
    command
}

/// [`run`] with these environment variables set (`DRATA_OUTPUT` only when given).
pub fn run_with(args: &[&str], key: Option<&str>, env: &[(&str, &str)]) -> Run {
    let mut command = drata_command(args);
    for (name, value) in env {
        command.env(name, value);
    }
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
pub fn temp_file(name: &str, content: &str) -> tempfile::TempPath {
    let mut file = tempfile::Builder::new()
        .prefix("drata-cli-")
        .suffix(&format!("-{name}"))
        .tempfile()
        .expect("temp file");
    std::io::Write::write_all(&mut file, content.as_bytes()).expect("write temp file");
    file.into_temp_path()
}

// ------------------------------------------------ answers the fake server never gives

pub use drata_tests::raw::Act;
use drata_tests::raw::{RawServer, json_answer};

/// A raw server on its own runtime, for answers the fake server never gives.
pub struct Raw {
    pub server: RawServer,
    _runtime: tokio::runtime::Runtime,
}

impl Raw {
    pub fn start(script: impl Fn(usize, &str) -> Act + Send + Sync + 'static) -> Self {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let server = runtime.block_on(RawServer::start_routed(script));
        Self { server, _runtime: runtime }
    }

    pub fn base_url(&self) -> String {
        format!("{}/public", self.server.uri)
    }

    pub fn drata(&self, args: &[&str]) -> Run {
        run(&[&["--base-url", &self.base_url(), "--allow-writes", "--yes"], args].concat(), Some(KEY))
    }
}

/// A page of the connections listing holding `connections`.
pub fn page_of(connections: &[serde_json::Value]) -> Vec<u8> {
    let body = serde_json::json!({"data": connections, "page": 1, "limit": 50, "total": connections.len()});
    json_answer(200, &body.to_string())
}

/// A manual IdP connection as the listing shows it.
pub fn connection(id: u32, alias: &str) -> serde_json::Value {
    serde_json::json!({"id": id, "clientType": "CSV_IDP", "state": "ACTIVE", "connected": true,
        "connectedAt": null, "failedAt": null, "clientId": null, "clientAlias": alias,
        "aliasUpdatedAt": null, "deletedAt": null, "code": null,
        "providerTypes": [{"value": "IDENTITY", "isEnabled": true}]})
}
