//! `drata auth login|status|logout|list`: API keys stored under profiles
//! ([`crate::store`]), so that a key is typed once and never given on a
//! command line.

use std::io::IsTerminal;

use serde_json::json;

use crate::Failure;
use crate::commands::{Context, host, is_drata_host};
use crate::output::{self, Stdout, text};
use crate::store::{Key, KeyStore, Profile, Store};
use drata::Region;
use drata_cli::args::AuthCommand;

pub async fn run(context: &Context, out: &mut Stdout, command: AuthCommand) -> Result<(), Failure> {
    let (name, _) = context.profile();
    let name = name.to_string();
    match command {
        AuthCommand::Login => login(context, out, &name).await,
        AuthCommand::Status => status(context, out, &name).await,
        AuthCommand::Logout => {
            Store::remove(&name).map_err(Failure::Invalid)?;
            if context.json() {
                return out.json(&json!({"profile": name, "removed": true}));
            }
            out.line(&text(&format!("removed the profile `{name}` and its key")))
        }
        AuthCommand::List => {
            let store = Store::open().map_err(Failure::Invalid)?;
            let profiles: Vec<(&str, &Profile)> =
                store.names().filter_map(|n| Some((n, store.profile(n)?))).collect();
            if context.json() {
                let listed: Vec<_> = profiles
                    .iter()
                    .map(|(name, p)| {
                        json!({"profile": name, "region": p.region, "host": host(&root(p)), "baseUrl": root(p),
                            "allowWrites": p.allow_writes, "keyStore": p.key_store})
                    })
                    .collect();
                if context.format() == crate::output::Format::Ndjson {
                    return listed.iter().try_for_each(|profile| out.item(profile));
                }
                return out.json(&listed);
            }
            let rows: Vec<[String; 5]> = profiles
                .iter()
                .map(|(name, p)| {
                    [
                        text(name).into_owned(),
                        text(&p.region).into_owned(),
                        if p.allow_writes { "allowed" } else { "refused" }.to_string(),
                        host(&root(p)),
                        where_kept(&store, p),
                    ]
                })
                .collect();
            out.table(["PROFILE", "REGION", "WRITES", "HOST", "KEY"], &rows)
        }
    }
}

/// The API root a profile's commands talk to: its base URL, else its region's.
fn root(profile: &Profile) -> String {
    match (&profile.base_url, profile.region.parse::<Region>()) {
        (Some(url), _) => url.clone(),
        (None, Ok(region)) => region.base_url().to_string(),
        (None, Err(_)) => format!("(the unknown region `{}`)", profile.region),
    }
}

/// Where a profile's key is, in words.
fn where_kept(store: &Store, profile: &Profile) -> String {
    match profile.key_store {
        KeyStore::Keychain => "the OS keychain".to_string(),
        KeyStore::File => store.path().display().to_string(),
    }
}

/// Reads the key: without echo on a terminal, else the first line of
/// standard input.
async fn read_key(name: &str) -> Result<Key, Failure> {
    let text = if std::io::stdin().is_terminal() {
        crate::prompt::ask(format!("API key for the profile `{name}` (not shown as you type): "), true)
            .await?
    } else {
        crate::prompt::plain_line()
            .map_err(|e| Failure::Invalid(format!("cannot read the key from standard input: {e}")))?
    };
    Key::new(&text).ok_or_else(|| {
        Failure::Invalid("no key was given: type it at the prompt, or pipe it: `printf '%s\\n' \"$KEY\" | drata auth login`".into())
    })
}

async fn login(context: &Context, out: &mut Stdout, name: &str) -> Result<(), Failure> {
    if crate::arguments().iter().any(|a| a == "--api-key" || a.starts_with("--api-key=")) {
        return Err(Failure::Invalid(
            "`auth login` reads the key from standard input or a prompt, not from --api-key (a command line is kept in shell history and seen by other processes)".into(),
        ));
    }
    // A name that is safe in a file, a keychain entry and a terminal.
    if name.is_empty()
        || name.len() > 64
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(Failure::Invalid(format!(
            "`{}` cannot name a profile: use up to 64 letters, digits, `-`, `_` or `.`",
            text(name)
        )));
    }
    // A login replaces the whole profile: the region given, else `us`; an
    // API root only when given; writes as --allow-writes says. Nothing of
    // the profile before is kept (a test server's URL kept would get the
    // real key).
    let (region, base_url) = context.given_root();
    let (base_url, allow_writes) = (base_url.map(str::to_string), context.allow_writes_given());
    let key = read_key(name).await?;
    let profile = Profile::new(region.as_str().to_string(), allow_writes, base_url);
    let kept = Store::save(name, profile, &key).map_err(Failure::Invalid)?;
    let place = match kept {
        KeyStore::Keychain => "the OS keychain".to_string(),
        KeyStore::File => format!(
            "`{}`, readable by you only (no keychain was available)",
            crate::store::profiles_path().map_err(Failure::Invalid)?.display()
        ),
    };
    output::eprint_line(&format!("note: the key of the profile `{name}` is stored in {place}"));
    if context.json() {
        return out.json(&json!({
            "profile": name, "region": region.as_str(), "allowWrites": allow_writes,
            "keyStore": kept, "key": key.masked(),
        }));
    }
    out.line(&text(&format!(
        "logged in as the profile `{name}` (region {}, writes {}); check the key with `drata auth status{}`",
        region.as_str(),
        if allow_writes { "allowed" } else { "refused" },
        if name == crate::commands::DEFAULT_PROFILE { String::new() } else { format!(" --profile {name}") }
    )))
}

async fn status(context: &Context, out: &mut Stdout, name: &str) -> Result<(), Failure> {
    // Which key: the one the command uses (see `Context::new`).
    let (profile_shown, writes, kept, key) = match context.uses_profile() {
        false => (None, false, format!("{} (no profile)", context.key_origin()), context.key()?),
        true => {
            let store = Store::open().map_err(Failure::Invalid)?;
            let profile = store.profile(name).ok_or_else(|| {
                Failure::Invalid(format!(
                    "no profile `{name}`: log in with `drata auth login --profile {name}`, or list them with `drata auth list`"
                ))
            })?;
            let key = store.key(name).map_err(Failure::Invalid)?;
            (Some(name), profile.allow_writes, where_kept(&store, profile), key)
        }
    };
    // One cheap read: the first connection. A 403 means the key is valid
    // but may not list connections. What answered is named: Drata, or the
    // host of a base URL that is not Drata's.
    let client = context.client()?;
    let (root, host) = (context.root(), host(context.root()));
    let server =
        if is_drata_host(root) { "Drata".to_string() } else { format!("{host} (not a Drata region host)") };
    let (accepted, finding) = match client.list_connections().limit(1).send().await {
        Ok(_) => (true, format!("{server} accepts the key")),
        Err(e) if e.status() == Some(403) => {
            (true, format!("{server} accepts the key (it may not list connections, which this check reads)"))
        }
        Err(e) if e.status() == Some(401) => {
            (false, format!("{server} refuses the key (401): log in again with a valid key"))
        }
        Err(e) => (false, format!("the key could not be checked: {}", Failure::from(e).message())),
    };
    let shown = json!({
        "profile": profile_shown, "host": host, "baseUrl": root, "region": context.region().as_str(),
        "allowWrites": writes, "keyStore": kept, "key": key.masked(), "accepted": accepted, "finding": finding,
    });
    if context.json() {
        // One document either way: a refused key's is the failure's.
        return if accepted { out.json(&shown) } else { Err(Failure::Finding(finding, shown)) };
    } else {
        let rows = [
            ["profile".to_string(), profile_shown.map_or("(none)".to_string(), |p| text(p).into_owned())],
            ["host".to_string(), format!("{host} ({})", text(root))],
            ["region".to_string(), context.region().as_str().to_string()],
            [
                "writes".to_string(),
                if writes { "allowed" } else { "refused (give --allow-writes)" }.to_string(),
            ],
            ["key stored in".to_string(), kept],
            ["key".to_string(), key.masked()],
            ["check".to_string(), finding.clone()],
        ];
        for [name, value] in rows {
            out.line(&format!("{:<15}{value}", format!("{name}:")))?;
        }
    }
    if accepted { Ok(()) } else { Err(Failure::Api(finding)) }
}
