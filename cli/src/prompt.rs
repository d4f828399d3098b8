//! Questions asked on the terminal: the API key (typed without echo) and
//! the confirmation of a write.
//!
//! A question is read off the async threads, so that Ctrl-C still stops
//! the command at once (`main` waits for the signal beside it); the key's
//! prompt turns echo off, and [`restore`] turns it back on when the
//! command is stopped in the middle of it, so that the shell is not left
//! with a terminal that shows nothing typed.

use std::io::Write;

use crate::Failure;
use crate::output;

/// Asks `question` on stderr and reads one line of standard input (a
/// terminal), with its echo off when `hidden`. The line without its end.
pub async fn ask(question: String, hidden: bool) -> Result<String, Failure> {
    let asked = tokio::task::spawn_blocking(move || {
        let question = output::message(&question);
        // A hidden line's Enter still shows as a line break.
        if hidden { hidden_line(&question) } else { show(&question).and_then(|()| plain_line()) }
    })
    .await;
    let line = asked.map_err(std::io::Error::other).and_then(|read| read);
    line.map(|line| line.trim_end_matches(['\r', '\n']).to_string())
        .map_err(|e| Failure::Invalid(format!("cannot read the answer: {e}; nothing was done")))
}

/// Writes the question on stderr.
fn show(question: &str) -> std::io::Result<()> {
    let mut stderr = std::io::stderr();
    write!(stderr, "{question}")?;
    stderr.flush()
}

/// The longest line a question or a piped key may be: a key is a few dozen
/// characters; what is longer is not one, and is not read into memory.
pub const MAX_LINE: u64 = 64 * 1024;

/// One line of standard input, at most [`MAX_LINE`] bytes.
pub fn plain_line() -> std::io::Result<String> {
    use std::io::{BufRead, Read};
    let mut line = String::new();
    std::io::stdin().lock().take(MAX_LINE + 1).read_line(&mut line)?;
    if line.len() as u64 > MAX_LINE {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "the line is over 64 KiB"));
    }
    Ok(line)
}

#[cfg(unix)]
mod echo {
    use std::sync::Mutex;

    /// The terminal's settings before a hidden question turned echo off.
    pub static SAVED: Mutex<Option<libc::termios>> = Mutex::new(None);

    /// Turns standard input's echo off, saving the settings.
    pub fn off() -> std::io::Result<()> {
        let mut settings = std::mem::MaybeUninit::<libc::termios>::uninit();
        // SAFETY: tcgetattr fills `settings` when it returns 0.
        if unsafe { libc::tcgetattr(libc::STDIN_FILENO, settings.as_mut_ptr()) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: filled above.
        let saved = unsafe { settings.assume_init() };
        let mut quiet = saved;
        quiet.c_lflag &= !libc::ECHO;
        quiet.c_lflag |= libc::ECHONL;
        *SAVED.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(saved);
        // SAFETY: `quiet` is a valid termios, from tcgetattr.
        if unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &quiet) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(())
    }

    /// Puts back the settings saved by [`off`], if any.
    pub fn restore() {
        let saved = SAVED.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        if let Some(saved) = saved {
            // SAFETY: `saved` came from tcgetattr.
            unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &saved) };
        }
    }
}

/// Echo off before the question shows, so that nothing typed after it is seen.
#[cfg(unix)]
fn hidden_line(question: &str) -> std::io::Result<String> {
    echo::off()?;
    let line = show(question).and_then(|()| plain_line());
    echo::restore();
    line
}

#[cfg(not(unix))]
fn hidden_line(question: &str) -> std::io::Result<String> {
    show(question)?;
    console::Term::stderr().read_secure_line()
}

/// Turns the terminal's echo back on if a hidden question turned it off
/// (the command was stopped while it waited).
pub fn restore() {
    #[cfg(unix)]
    echo::restore();
}
