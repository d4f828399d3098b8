//! `cargo xtask conformance`: schemathesis checks the fake server against the spec.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Kills the fake server when dropped, whatever happens.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn run(root: &Path, max_examples: u32) -> Result<(), String> {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "-p", "drata-mock", "--bin", "drata-mock"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("building drata-mock failed".into());
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("no free port: {e}"))?
        .port();
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), Into::into);
    let binary = target.join("debug").join("drata-mock");
    let _server = Server(
        Command::new(&binary)
            .args(["--port", &port.to_string(), "--rate-limit", "0"])
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?,
    );
    wait_for(port)?;
    println!("fake server on 127.0.0.1:{port}; running schemathesis ({max_examples} examples per operation)");
    let status = Command::new("schemathesis")
        .args(["--config-file", "schemathesis.toml", "run", "openapi/drata.yaml"])
        .args(["--url", &format!("http://127.0.0.1:{port}/public")])
        .args(["-H", "Authorization: Bearer mock-api-key"])
        .args(["--max-examples", &max_examples.to_string(), "--seed", "1", "--workers", "1"])
        .env("SCHEMATHESIS_TELEMETRY", "false")
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run schemathesis (install it with `pip install schemathesis`): {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("schemathesis found failures of the fake server against the spec".into())
    }
}

fn wait_for(port: u16) -> Result<(), String> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(20) {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!("the fake server did not listen on port {port} within 20 s"))
}
