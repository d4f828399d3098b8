//! Temporary files of the personnel checks (the checked copy an upload
//! sends, the spill of keys of a large file): a fresh name in the system's
//! temporary directory, created only if it does not exist (never a file or
//! a link someone else put there), readable by its owner alone, and removed
//! when the value is dropped. A few lines of our own instead of a crate
//! that would bring a system-call layer to every program using `drata`.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// How many fresh names are tried before giving up (each is 64 random bits:
/// a clash means someone is creating names in the way).
const ATTEMPTS: usize = 16;

/// A temporary file, open for reading and writing, removed on drop.
#[derive(Debug)]
pub(crate) struct TempFile {
    path: PathBuf,
    /// Closed (taken) before the file is removed: some systems cannot
    /// remove an open file.
    file: Option<File>,
}

impl TempFile {
    /// A new, empty temporary file.
    ///
    /// # Errors
    /// When the temporary directory cannot be written, or every name tried
    /// exists.
    pub(crate) fn new() -> io::Result<Self> {
        Self::new_in(&std::env::temp_dir())
    }

    fn new_in(dir: &Path) -> io::Result<Self> {
        for _ in 0..ATTEMPTS {
            let path = dir.join(format!(".drata-{:016x}.tmp", fastrand::u64(..)));
            let mut options = OpenOptions::new();
            options.read(true).write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            match options.open(&path) {
                Ok(file) => return Ok(Self { path, file: Some(file) }),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("no free name for a temporary file in {} after {ATTEMPTS} tries", dir.display()),
        ))
    }

    /// The open file.
    pub(crate) fn file(&self) -> io::Result<&File> {
        self.file.as_ref().ok_or_else(|| io::Error::other("the temporary file is closed"))
    }

    /// Where it is.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The file opened again, for reading from its start.
    pub(crate) fn reopen(&self) -> io::Result<File> {
        File::open(&self.path)
    }
}

impl Write for TempFile {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.file()?.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file()?.flush()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        drop(self.file.take());
        // Already gone (someone removed it) is what was wanted.
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn a_temporary_file_is_fresh_private_readable_again_and_removed_on_drop() {
        let dir = std::env::temp_dir();
        let mut first = TempFile::new_in(&dir).expect("a temporary file");
        let second = TempFile::new_in(&dir).expect("another");
        assert_ne!(first.path(), second.path());
        assert!(first.path().starts_with(&dir));
        first.write_all(b"kept").expect("written");
        first.flush().expect("flushed");
        let mut text = String::new();
        first.reopen().expect("reopened").read_to_string(&mut text).expect("read");
        assert_eq!(text, "kept");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(first.path()).expect("metadata").permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "only its owner reads it");
        }
        let path = first.path().to_path_buf();
        drop(first);
        assert!(!path.exists(), "removed on drop");
        assert!(second.path().exists());
    }

    #[test]
    fn an_unwritable_directory_is_an_error_not_a_file_elsewhere() {
        let missing = std::env::temp_dir().join(format!(".drata-missing-{:016x}", fastrand::u64(..)));
        let err = TempFile::new_in(&missing).expect_err("no such directory");
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
    }
}
