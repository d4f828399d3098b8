//! Grants (or, with `--off`, revokes) write access of a version-control
//! identity, and prints since when it has it.
//!
//! ```sh
//! DRATA_API_KEY=... cargo run -p drata --example toggle_write_access -- IDENTITY_ID [--off]
//! ```

use drata::Client;
use drata::types::{ToggleField, ToggleVersionControlIdentityRequest};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(id) = args.first() else {
        eprintln!("usage: toggle_write_access IDENTITY_ID [--off]");
        std::process::exit(2);
    };
    let on = !args.iter().any(|a| a == "--off");
    let mut builder = Client::builder();
    if let Ok(url) = std::env::var("DRATA_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;

    let identity = client
        .toggle_version_control_identity()
        .id(id.parse::<i64>()?)
        .body(ToggleVersionControlIdentityRequest {
            toggle: on,
            toggle_field: Some(ToggleField::VersionControlWriteAccess),
        })
        .send()
        .await?;
    match &identity.write_access {
        Some(since) => {
            println!("{} ({}) has write access since {since}", identity.username, identity.identity_id)
        }
        None => println!("{} ({}) has no write access", identity.username, identity.identity_id),
    }
    Ok(())
}
