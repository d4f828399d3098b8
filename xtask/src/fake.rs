//! The fake Drata server as a child process, for the steps that drive a
//! built binary against it (conformance, the packaged crate, the
//! add-an-operation proof).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A running `drata-mock`; killed when dropped, whatever happens.
pub struct FakeServer {
    child: Child,
    /// Its API root: `http://127.0.0.1:PORT/public`.
    pub base_url: String,
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The API key a fake server started here accepts.
pub const KEY: &str = "mock-api-key";

/// Builds `drata-mock` in the workspace at `root` into `target` and starts
/// it on a free port with `args`; returns once it prints its API root (it
/// listens by then).
pub fn start(root: &Path, target: &Path, args: &[&str]) -> Result<FakeServer, String> {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "-p", "drata-mock", "--bin", "drata-mock"])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("building drata-mock failed".into());
    }
    let binary = target.join("debug").join("drata-mock");
    let mut child = Command::new(&binary)
        .args(["--port", "0"])
        .args(args)
        .env_remove("DRATA_API_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let stdout = child.stdout.take().ok_or("the fake server has no stdout")?;
    let mut server = FakeServer { child, base_url: String::new() };
    BufReader::new(stdout)
        .read_line(&mut server.base_url)
        .map_err(|e| format!("the fake server did not say where it listens: {e}"))?;
    server.base_url = server.base_url.trim().to_string();
    if !server.base_url.starts_with("http://127.0.0.1:") {
        return Err(format!("the fake server printed `{}`, not its API root", server.base_url));
    }
    Ok(server)
}
