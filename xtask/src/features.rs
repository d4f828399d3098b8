//! The areas' Cargo features in `client/Cargo.toml`, written from what the
//! generator gates (one feature per area of the spec, turning on the
//! runtime's features its checks need, and `v1` for them all), between two
//! marker comments.

use std::collections::BTreeMap;

use drata_generator::Area;

/// The client's manifest.
pub const MANIFEST: &str = "client/Cargo.toml";

const START: &str = "# areas: written by `cargo xtask generate` from the spec; do not edit";
const END: &str = "# end of areas";

/// `manifest` with its areas' features written anew from `features` (each
/// area's feature with its operations).
pub fn manifest(manifest: &str, features: &BTreeMap<String, Area>) -> Result<String, String> {
    let (Some(start), Some(end)) = (manifest.find(START), manifest.find(END)) else {
        return Err(format!("{MANIFEST} has no areas markers (`{START}` … `{END}`)"));
    };
    let mut by_api: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for feature in features.keys() {
        let api = feature.split('-').next().unwrap_or(feature);
        by_api.entry(api).or_default().push(feature);
    }
    let mut text = format!("{START}\n");
    for (api, areas) in &by_api {
        let listed: Vec<String> = areas.iter().map(|area| format!("\"{area}\"")).collect();
        text.push_str(&format!("# Every area of Drata's {api} API.\n{api} = [{}]\n", listed.join(", ")));
    }
    // The module of a version other than v1 (`drata::v2`), on with any of its areas.
    let modules: std::collections::BTreeSet<&String> =
        features.values().flat_map(|area| &area.enables).filter(|f| f.starts_with("api-")).collect();
    for module in modules {
        let api = module.trim_start_matches("api-");
        // Its `Client` is a view of `drata::Client` made with `ref-cast`.
        text.push_str(&format!(
            "# The module `drata::{api}`, on with any area of the {api} API.\n{module} = [\"dep:ref-cast\"]\n"
        ));
    }
    for (feature, area) in features {
        let enables: Vec<String> = area.enables.iter().map(|runtime| format!("\"{runtime}\"")).collect();
        text.push_str(&format!("# {}\n{feature} = [{}]\n", area.operations.join(", "), enables.join(", ")));
    }
    Ok(format!("{}{text}{}", &manifest[..start], &manifest[end..]))
}
