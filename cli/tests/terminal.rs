//! What the command line does on a terminal, driven through a
//! pseudo-terminal as a person at a keyboard would: the key prompt that does
//! not echo, the confirmation a write asks for, and `auto` output printing
//! a table.
#![cfg(unix)]

mod common;

use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;

/// How long a step may take before the test gives up on a prompt that
/// never comes (a guard against hanging, not a measure of speed).
const PATIENCE: Duration = Duration::from_secs(60);

/// `drata` on a pseudo-terminal: what it shows, and a keyboard.
struct Session {
    child: Child,
    keyboard: std::fs::File,
    screen: Arc<Mutex<String>>,
}

impl Session {
    fn start(args: &[&str], config: &std::path::Path, key: Option<&str>) -> Self {
        let (mut main, mut side) = (-1, -1);
        let size = libc::winsize { ws_row: 40, ws_col: 200, ws_xpixel: 0, ws_ypixel: 0 };
        // SAFETY: openpty writes two descriptors it opened into the given places.
        let opened =
            unsafe { libc::openpty(&mut main, &mut side, std::ptr::null_mut(), std::ptr::null_mut(), &size) };
        assert_eq!(opened, 0, "a pseudo-terminal: {}", std::io::Error::last_os_error());
        // SAFETY: both descriptors are open and owned by nothing else.
        let (main, side) = unsafe { (OwnedFd::from_raw_fd(main), OwnedFd::from_raw_fd(side)) };
        let mut command = drata_command(args);
        command
            .env("DRATA_CONFIG_DIR", config)
            .env("TERM", "xterm")
            .stdin(Stdio::from(side.try_clone().expect("dup")))
            .stdout(Stdio::from(side.try_clone().expect("dup")))
            .stderr(Stdio::from(side));
        if let Some(key) = key {
            command.env("DRATA_API_KEY", key);
        }
        // The terminal is the program's own, as a shell's is: Ctrl-C typed
        // on it signals the program.
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            std::os::unix::process::CommandExt::pre_exec(&mut command, || {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command.spawn().expect("drata runs");
        let keyboard = std::fs::File::from(main.try_clone().expect("dup"));
        let mut reader = std::fs::File::from(main);
        let screen = Arc::new(Mutex::new(String::new()));
        let shown = Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            // Reading ends with an error (EIO) once the program has closed the terminal.
            while let Ok(read @ 1..) = reader.read(&mut buffer) {
                shown.lock().expect("screen").push_str(&String::from_utf8_lossy(&buffer[..read]));
            }
        });
        Self { child, keyboard, screen }
    }

    fn screen(&self) -> String {
        self.screen.lock().expect("screen").clone()
    }

    /// Waits until the screen shows `text`.
    fn expect(&self, text: &str) {
        let start = Instant::now();
        while !self.screen().contains(text) {
            assert!(start.elapsed() < PATIENCE, "never shown: {text:?}; the screen:\n{}", self.screen());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether the terminal echoes what is typed (its settings, read on
    /// the keyboard's side).
    fn echoes(&self) -> bool {
        use std::os::fd::AsRawFd;
        let mut settings = std::mem::MaybeUninit::<libc::termios>::uninit();
        // SAFETY: tcgetattr fills `settings` when it returns 0.
        let read = unsafe { libc::tcgetattr(self.keyboard.as_raw_fd(), settings.as_mut_ptr()) };
        assert_eq!(read, 0, "the terminal's settings: {}", std::io::Error::last_os_error());
        // SAFETY: filled above.
        unsafe { settings.assume_init() }.c_lflag & libc::ECHO != 0
    }

    fn type_line(&mut self, line: &str) {
        self.keyboard.write_all(format!("{line}\r").as_bytes()).expect("typed");
    }

    /// Waits for the end; its exit code and the whole screen.
    fn finish(mut self) -> (i32, String) {
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            assert!(start.elapsed() < PATIENCE, "drata did not end; the screen:\n{}", self.screen());
            std::thread::sleep(Duration::from_millis(20));
        };
        // The last output reaches the reader thread.
        std::thread::sleep(Duration::from_millis(100));
        (status.code().unwrap_or(-1), self.screen())
    }
}

const TYPED_KEY: &str = "typed-key-never-echoed-91c2";

#[test]
fn auth_login_asks_for_the_key_without_echoing_it() {
    let fake = Fake::start(drata_mock::MockConfig::default().api_keys([TYPED_KEY]));
    let home = tempfile::tempdir().expect("temp dir");
    let base = fake.server.base_url();
    let mut login =
        Session::start(&["auth", "login", "--profile", "desk", "--base-url", &base], home.path(), None);
    login.expect("API key for the profile `desk` (not shown as you type): ");
    login.type_line(TYPED_KEY);
    let (code, screen) = login.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains(TYPED_KEY), "the key was echoed:\n{screen}");
    assert!(screen.contains("logged in as the profile `desk`"), "{screen}");

    // On a terminal, status prints its fields as lines, the key masked.
    let (code, screen) = Session::start(&["--profile", "desk", "auth", "status"], home.path(), None).finish();
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("key:           …91c2"), "{screen}");
    assert!(!screen.contains(TYPED_KEY));
}

#[test]
fn ctrl_c_at_the_key_prompt_stops_at_once_and_gives_the_terminal_its_echo_back() {
    let home = tempfile::tempdir().expect("temp dir");
    let mut login = Session::start(&["auth", "login", "--profile", "desk"], home.path(), None);
    login.expect("(not shown as you type): ");
    assert!(!login.echoes(), "the key is typed without echo");
    // Ctrl-C, as the terminal sends it: SIGINT to the program.
    login.keyboard.write_all(b"\x03").expect("typed");
    let start = Instant::now();
    while login.child.try_wait().expect("wait").is_none() {
        assert!(start.elapsed() < PATIENCE, "Ctrl-C did not stop it; the screen:\n{}", login.screen());
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(login.echoes(), "echo is back on");
    let (code, screen) = login.finish();
    assert_eq!(code, 130, "{screen}");
    assert!(!home.path().join("profiles.json").exists(), "nothing was stored");
}

#[test]
fn a_write_on_a_terminal_shows_what_it_sends_and_waits_for_yes() {
    let fake = Fake::new();
    let home = tempfile::tempdir().expect("temp dir");
    let base = fake.server.base_url();
    let write =
        ["--base-url", base.as_str(), "--allow-writes", "api", "POST", "/v2/vendors", "-F", "name=Acme"];
    let vendors = || {
        let listed = run_with(
            &["--base-url", base.as_str(), "--json", "v2", "list-vendors", "--size", "500"],
            Some(KEY),
            &[],
        );
        listed.json()["data"].as_array().map_or(0, Vec::len)
    };
    let before = vendors();

    let mut declined = Session::start(&write, home.path(), Some(KEY));
    let host = base.trim_start_matches("http://").trim_end_matches("/public");
    declined.expect(&format!(
        "POST /v2/vendors\r\n  to {host}, with the key of DRATA_API_KEY (no profile)\r\n  sends a JSON body with name\r\nSend it? [y/N] "
    ));
    declined.type_line("n");
    let (code, screen) = declined.finish();
    assert_eq!(code, 2, "{screen}");
    assert!(screen.contains("not confirmed; nothing was sent"), "{screen}");
    assert_eq!(fake.written(), Vec::<&str>::new());

    let mut confirmed = Session::start(&write, home.path(), Some(KEY));
    confirmed.expect("Send it? [y/N] ");
    confirmed.type_line("y");
    let (code, screen) = confirmed.finish();
    assert_eq!(code, 0, "{screen}");
    assert_eq!(fake.written(), ["create_vendor"]);
    assert_eq!(vendors(), before + 1);

    // --yes asks nothing.
    let (code, screen) = Session::start(&[&write[..], &["--yes"]].concat(), home.path(), Some(KEY)).finish();
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains("Send it?"), "{screen}");
    assert_eq!(vendors(), before + 2);

    // A stored profile's write names the profile, after the warning of
    // its base URL that is not Drata's.
    let mut login =
        drata_command(&["auth", "login", "--profile", "desk", "--allow-writes", "--base-url", &base])
            .env("DRATA_CONFIG_DIR", home.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("drata runs");
    login.stdin.take().expect("stdin").write_all(format!("{KEY}\n").as_bytes()).expect("the key piped");
    assert!(login.wait().expect("drata ends").success());
    let mut profile = Session::start(
        &["--profile", "desk", "api", "POST", "/v2/vendors", "-F", "name=Acme"],
        home.path(),
        None,
    );
    profile.expect(&format!(
        "warning: the profile `desk` sends its key to {host}, not a Drata region host (its base URL `{base}`, given at login); `drata auth login --profile desk` without --base-url sends it to Drata\r\nPOST /v2/vendors\r\n  to {host}, as the profile `desk`\r\n  sends a JSON body with name\r\nSend it? [y/N] "
    ));
    profile.type_line("n");
    let (code, screen) = profile.finish();
    assert_eq!(code, 2, "{screen}");
    assert_eq!(vendors(), before + 2);
}

#[test]
fn auto_output_is_a_table_on_a_terminal_and_json_when_piped() {
    let fake = Fake::new();
    let home = tempfile::tempdir().expect("temp dir");
    let base = fake.server.base_url();
    let listing = ["--base-url", base.as_str(), "op", "list-connections", "--limit", "2"];
    let (code, screen) = Session::start(&listing, home.path(), Some(KEY)).finish();
    assert_eq!(code, 0, "{screen}");
    let first = screen.lines().next().unwrap_or_default();
    assert!(first.starts_with("ID  ") && first.contains("CLIENT TYPE"), "{screen}");
    assert!(screen.contains("page 1 of 13 (2 of 25 item(s))"), "{screen}");

    let piped = run_with(&listing, Some(KEY), &[]);
    assert_eq!(piped.json()["data"].as_array().map(Vec::len), Some(2));
}
