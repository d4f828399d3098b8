//! Validates a personnel CSV the way Drata documents it, then creates an IdP
//! connection from it (or updates connection `ID` when given).
//!
//! ```sh
//! DRATA_API_KEY=... cargo run -p drata --example import_personnel_csv -- people.csv [ID]
//! ```

use drata::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: import_personnel_csv FILE.csv [CONNECTION_ID]");
        std::process::exit(2);
    };
    let mut builder = Client::builder();
    if let Ok(url) = std::env::var("DRATA_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;

    // The upload validates the file first: an invalid row stops it, with
    // every problem listed, before anything is sent.
    match args.next() {
        Some(id) => {
            client.update_idp_connection_from_csv().id(id.parse()?).file(&path).send().await?;
            println!("updated IdP connection {id} from {path}");
        }
        None => {
            client.create_idp_connection_from_csv().file(&path).send().await?;
            println!("created an IdP connection from {path}");
        }
    }
    Ok(())
}
