//! Lists every MDM connection of the account, across all pages.
//!
//! ```sh
//! DRATA_API_KEY=... cargo run -p drata --example list_mdm_connections
//! ```
//! `DRATA_REGION` (us, eu, apac) picks the region; `DRATA_BASE_URL` points
//! the example at another server, such as the fake one.

use drata::types::ProviderType;
use drata::{Client, ConnectionFilter, Region};
use futures::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = Client::builder();
    if let Ok(region) = std::env::var("DRATA_REGION") {
        builder = builder.region(region.parse::<Region>()?);
    }
    if let Ok(url) = std::env::var("DRATA_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;

    let filter = ConnectionFilter::default().provider_type(ProviderType::Mdm);
    let mut connections = client.connections(filter);
    let mut count = 0;
    while let Some(item) = connections.try_next().await? {
        count += 1;
        // A connection that does not have the documented shape is kept as sent.
        let Some(connection) = item.value() else {
            println!("{:>6}  (not in the documented shape: {})", item.id_text(), item.unreadable()[0].reason);
            continue;
        };
        println!(
            "{:>6}  {:<24} {:<12} {}",
            connection.id.to_string(),
            connection.client_type.to_string(),
            connection.state.to_string(),
            connection.client_alias.as_deref().unwrap_or("-")
        );
    }
    println!("{count} MDM connection(s)");
    Ok(())
}
