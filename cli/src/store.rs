//! Stored profiles (`drata auth`): a profile's region, whether it may
//! write, and its API key, kept in the OS keychain where one is available,
//! else in the profiles file itself.
//!
//! - The profiles file is `profiles.json` in the config directory:
//!   `DRATA_CONFIG_DIR` when set, else `$XDG_CONFIG_HOME/drata` or
//!   `~/.config/drata` (`%APPDATA%\drata` on Windows). It is written whole
//!   through a temporary file that only its owner can read (0600), then
//!   renamed over the old one: a crash leaves the old file or the new one,
//!   never half of either. A directory drata creates for it is its owner's
//!   only (0700); one that exists is left as it is. On Unix, a file others
//!   may read or change (any group or other permission) is refused, as ssh
//!   refuses a key file, with the `chmod` that fixes it. A change (a login, a
//!   logout) reads, changes and replaces the file under an advisory lock
//!   on `profiles.json.lock` beside it, so that changes made at once each
//!   keep theirs.
//! - The keychain: macOS's Keychain and Windows' Credential Manager through
//!   the `keyring` crate; on Linux and the other Unixes the Secret Service
//!   (GNOME Keyring, KWallet) through its `secret-tool` command, when it is
//!   installed and a desktop session runs. `DRATA_KEY_STORE=file` keeps keys
//!   in the file even so (a server, a test).
//! - A key is never written to a log, an error or the output: [`Key`]'s
//!   `Debug` and [`Key::masked`] show its last 4 characters at most.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The keychain's service name for the keys of `drata`'s profiles.
const SERVICE: &str = "drata";

/// An API key, shown masked.
#[derive(Clone, PartialEq, Eq)]
pub struct Key(String);

impl Key {
    /// A key as given (trimmed); `None` when empty.
    pub fn new(text: &str) -> Option<Self> {
        let key = text.trim();
        (!key.is_empty()).then(|| Self(key.to_string()))
    }

    /// The key itself, for the client.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `…` and its last 4 characters (all hidden when it is 8 or shorter).
    pub fn masked(&self) -> String {
        let count = self.0.chars().count();
        if count <= 8 {
            return "…".to_string();
        }
        let last: String = self.0.chars().skip(count - 4).collect();
        format!("…{last}")
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key({})", self.masked())
    }
}

/// Where a profile's key is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyStore {
    /// The OS keychain.
    Keychain,
    /// The profiles file.
    File,
}

/// A stored profile.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// Its region: `us`, `eu` or `apac`.
    pub region: String,
    /// Whether its key may write.
    #[serde(default)]
    pub allow_writes: bool,
    /// An API root other than the region's (a fake server's), if given at login.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// Where its key is.
    pub key_store: KeyStore,
    /// The key, when it is kept in the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key: Option<String>,
}

impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Profile")
            .field("region", &self.region)
            .field("allow_writes", &self.allow_writes)
            .field("base_url", &self.base_url)
            .field("key_store", &self.key_store)
            .finish_non_exhaustive()
    }
}

/// The profiles file's content.
#[derive(Debug, Default, Serialize, Deserialize)]
struct File {
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

/// The stored profiles, and where they are.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    file: File,
}

/// What went wrong with the stored profiles, in words for the command line.
pub type StoreError = String;

/// The config directory of `drata`.
pub fn config_dir() -> Result<PathBuf, StoreError> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = var("DRATA_CONFIG_DIR") {
        return Ok(dir);
    }
    #[cfg(windows)]
    let base = var("APPDATA");
    #[cfg(not(windows))]
    let base = var("XDG_CONFIG_HOME").or_else(|| var("HOME").map(|home| home.join(".config")));
    base.map(|base| base.join("drata"))
        .ok_or_else(|| "cannot tell the config directory: set HOME, or DRATA_CONFIG_DIR".to_string())
}

/// The profiles file: `profiles.json` in [`config_dir`].
pub fn profiles_path() -> Result<PathBuf, StoreError> {
    Ok(config_dir()?.join("profiles.json"))
}

impl Store {
    /// The stored profiles (none when the file does not exist yet), to
    /// read: a change goes through [`Store::save`] or [`Store::remove`].
    pub fn open() -> Result<Self, StoreError> {
        Self::read(profiles_path()?)
    }

    fn read(path: PathBuf) -> Result<Self, StoreError> {
        let cannot = |e: std::io::Error| format!("cannot read `{}`: {e}", path.display());
        let mut opened = match std::fs::File::open(&path) {
            Ok(opened) => opened,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self { path, file: File::default() });
            }
            Err(e) => return Err(cannot(e)),
        };
        // The mode of the file opened, not of whatever is at the path later.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = opened.metadata().map_err(cannot)?.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(format!(
                    "`{0}` may be read or changed by others than you (its mode is {mode:04o}) and may hold API keys, so drata does not use it: run `chmod 600 {1}`",
                    path.display(),
                    shell_word(&path.display().to_string())
                ));
            }
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut opened, &mut bytes).map_err(cannot)?;
        let file = serde_json::from_slice(&bytes).map_err(|e| {
            format!(
                "`{}` is not a profiles file drata can read ({e}); move it away and log in again",
                path.display()
            )
        })?;
        Ok(Self { path, file })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The profile named `name`.
    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.file.profiles.get(name)
    }

    /// The profiles' names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.file.profiles.keys().map(String::as_str)
    }

    /// The key of profile `name`, wherever it is kept.
    pub fn key(&self, name: &str) -> Result<Key, StoreError> {
        let profile = self.profile(name).ok_or_else(|| not_found(name))?;
        let text = match profile.key_store {
            KeyStore::File => profile.key.clone().unwrap_or_default(),
            KeyStore::Keychain => keychain::get(name)?,
        };
        Key::new(&text).ok_or_else(|| {
            format!("the profile `{name}` has no key; log in again with `drata auth login --profile {name}`")
        })
    }

    /// Stores `profile` under `name` (replacing any profile of that name)
    /// with its key: in the keychain when one takes it (unless
    /// `DRATA_KEY_STORE=file`), else in the file. Says where it went.
    pub fn save(name: &str, mut profile: Profile, key: &Key) -> Result<KeyStore, StoreError> {
        Self::change(|store| {
            let use_keychain = std::env::var("DRATA_KEY_STORE").map_or(true, |v| v.trim() != "file");
            profile.key_store = if use_keychain && keychain::set(name, key).is_ok() {
                profile.key = None;
                KeyStore::Keychain
            } else {
                profile.key = Some(key.expose().to_string());
                KeyStore::File
            };
            let kept = profile.key_store;
            let old = store.file.profiles.insert(name.to_string(), profile);
            // A key the file kept before is gone from it; one the keychain kept
            // before is replaced or, when the file keeps it now, removed.
            if old.is_some_and(|old| old.key_store == KeyStore::Keychain) && kept == KeyStore::File {
                let _ = keychain::delete(name);
            }
            Ok(kept)
        })
    }

    /// Forgets profile `name` and its key.
    pub fn remove(name: &str) -> Result<(), StoreError> {
        Self::change(|store| {
            let profile = store.file.profiles.remove(name).ok_or_else(|| not_found(name))?;
            if profile.key_store == KeyStore::Keychain {
                keychain::delete(name)?;
            }
            Ok(())
        })
    }

    /// Reads the file, applies `change` and replaces the file, all under
    /// the lock (a `change` that fails leaves the file as it was).
    fn change<T>(change: impl FnOnce(&mut Self) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let path = profiles_path()?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let failed = |e: std::io::Error| format!("cannot write `{}`: {e}", path.display());
        // Created its owner's only when missing (with any parent missing);
        // an existing directory's mode is its owner's choice, not changed.
        let mut create = std::fs::DirBuilder::new();
        create.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut create, 0o700);
        create.create(dir).map_err(failed)?;
        let lock = dir.join("profiles.json.lock");
        let _held = lock::take(&lock).map_err(|e| format!("cannot lock `{}`: {e}", lock.display()))?;
        let mut store = Self::read(path)?;
        let changed = change(&mut store)?;
        store.write()?;
        Ok(changed)
    }

    /// Writes the file whole, readable by its owner only.
    fn write(&self) -> Result<(), StoreError> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let failed = |e: std::io::Error| format!("cannot write `{}`: {e}", self.path.display());
        // A temporary file is created readable by its owner only.
        let mut temporary = tempfile::NamedTempFile::new_in(dir).map_err(failed)?;
        serde_json::to_writer_pretty(&mut temporary, &self.file).map_err(|e| failed(e.into()))?;
        std::io::Write::write_all(&mut temporary, b"\n").map_err(failed)?;
        temporary.as_file().sync_all().map_err(failed)?;
        temporary.persist(&self.path).map_err(|e| failed(e.error))?;
        Ok(())
    }
}

impl Profile {
    /// A new profile (its key is given to [`Store::save`]).
    pub fn new(region: String, allow_writes: bool, base_url: Option<String>) -> Self {
        Self { region, allow_writes, base_url, key_store: KeyStore::File, key: None }
    }
}

/// `text` as one word of a POSIX shell: as it is when it holds nothing
/// the shell reads, else single-quoted.
#[cfg(unix)]
fn shell_word(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+,:@%=".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        return text.to_string();
    }
    format!("'{}'", text.replace('\'', r"'\''"))
}

fn not_found(name: &str) -> StoreError {
    format!(
        "no profile `{name}`: log in with `drata auth login --profile {name}`, or list them with `drata auth list`"
    )
}

/// The lock of the profiles file: an advisory lock on a file of its own
/// beside it (never removed, so that every process locks the same file),
/// released when dropped or when the process ends, however it ends (the
/// system closes the file).
mod lock {
    use std::fs::{File, OpenOptions};
    use std::path::Path;

    use crate::output;

    fn said_waiting(path: &Path) {
        output::eprint_line(&format!(
            "note: waiting for another drata that is changing the profiles (it holds `{}`)",
            path.display()
        ));
    }

    /// An exclusive lock on the lock file (std's, `flock` on Unix,
    /// `LockFileEx` on Windows: the one the rate limiter's state file uses
    /// too), after a note when another process holds it.
    pub fn take(path: &Path) -> std::io::Result<File> {
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                said_waiting(path);
                file.lock()?;
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
        }
        Ok(file)
    }
}

/// The OS keychain.
#[cfg(any(target_os = "macos", windows))]
mod keychain {
    use super::{Key, SERVICE, StoreError};

    fn entry(profile: &str) -> Result<keyring::Entry, StoreError> {
        keyring::Entry::new(SERVICE, profile).map_err(|e| format!("the keychain: {e}"))
    }

    pub fn set(profile: &str, key: &Key) -> Result<(), StoreError> {
        entry(profile)?.set_password(key.expose()).map_err(|e| format!("the keychain: {e}"))
    }

    pub fn get(profile: &str) -> Result<String, StoreError> {
        entry(profile)?
            .get_password()
            .map_err(|e| format!("the keychain has no key for the profile `{profile}` ({e}); log in again"))
    }

    pub fn delete(profile: &str) -> Result<(), StoreError> {
        match entry(profile)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(format!("the keychain: {e}")),
        }
    }
}

/// The Secret Service, through `secret-tool` (libsecret's command), when a
/// desktop session offers one.
#[cfg(not(any(target_os = "macos", windows)))]
mod keychain {
    use std::io::Write;
    use std::process::{Command, Stdio};

    use super::{Key, SERVICE, StoreError};

    fn secret_tool(args: &[&str], input: Option<&str>) -> Result<String, StoreError> {
        if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
            return Err("no desktop session".into());
        }
        let mut child = Command::new("secret-tool")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("secret-tool: {e}"))?;
        if let (Some(text), Some(mut stdin)) = (input, child.stdin.take()) {
            stdin.write_all(text.as_bytes()).map_err(|e| format!("secret-tool: {e}"))?;
        }
        let output = child.wait_with_output().map_err(|e| format!("secret-tool: {e}"))?;
        if !output.status.success() {
            return Err(format!("secret-tool {} failed", args[0]));
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }

    pub fn set(profile: &str, key: &Key) -> Result<(), StoreError> {
        let label = format!("drata profile {profile}");
        secret_tool(&["store", "--label", &label, "service", SERVICE, "profile", profile], Some(key.expose()))
            .map(drop)
    }

    pub fn get(profile: &str) -> Result<String, StoreError> {
        secret_tool(&["lookup", "service", SERVICE, "profile", profile], None).map_err(|_| {
            format!(
                "the keychain has no key for the profile `{profile}` (or cannot be reached); log in again"
            )
        })
    }

    pub fn delete(profile: &str) -> Result<(), StoreError> {
        secret_tool(&["clear", "service", SERVICE, "profile", profile], None).map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_shows_its_last_four_characters_at_most() {
        let key = Key::new("  sk_live_0123456789abcd \n").expect("a key");
        assert_eq!(key.expose(), "sk_live_0123456789abcd");
        assert_eq!(key.masked(), "…abcd");
        assert_eq!(format!("{key:?}"), "Key(…abcd)");
        assert_eq!(Key::new("short123").expect("a key").masked(), "…");
        assert!(Key::new(" \n").is_none());
    }

    #[cfg(unix)]
    #[test]
    fn a_path_in_a_shell_command_is_quoted_when_the_shell_would_read_it() {
        assert_eq!(
            shell_word("/home/ada/.config/drata/profiles.json"),
            "/home/ada/.config/drata/profiles.json"
        );
        assert_eq!(shell_word("/home/ada/my config/profiles.json"), "'/home/ada/my config/profiles.json'");
        assert_eq!(shell_word("/tmp/it's/profiles.json"), r"'/tmp/it'\''s/profiles.json'");
        // A leading `~` would be a home directory.
        assert_eq!(shell_word("~x/profiles.json"), "'~x/profiles.json'");
    }
}
