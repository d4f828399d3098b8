//! `cargo xtask areas [AREA]...`: the client builds with each area alone
//! (`--no-default-features --features tls-aws-lc-rs,AREA`; every area of
//! the manifest by default), and with none, warnings as errors: what a
//! program enabling only the areas it uses compiles.

use std::path::Path;

/// The areas' features the client's manifest declares (`v1-vendors`, …).
pub fn declared(root: &Path) -> Result<Vec<String>, String> {
    let manifest = crate::read(&root.join(crate::features::MANIFEST))?;
    Ok(manifest
        .lines()
        .filter_map(|line| line.strip_suffix(" = []"))
        .filter(|name| name.starts_with('v') && name.contains('-'))
        .map(str::to_string)
        .collect())
}

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let areas = if args.is_empty() { declared(root)? } else { args.to_vec() };
    let mut builds: Vec<String> = vec![String::new()];
    builds.extend(areas);
    for area in &builds {
        let features =
            if area.is_empty() { "tls-aws-lc-rs".to_string() } else { format!("tls-aws-lc-rs,{area}") };
        println!("{}", if area.is_empty() { "no area".to_string() } else { area.clone() });
        crate::cargo(
            root,
            &[
                "rustc",
                "--quiet",
                "--profile",
                "check",
                "-p",
                "drata",
                "--lib",
                "--no-default-features",
                "--features",
            ],
            &[features, "--".into(), "-D".into(), "warnings".into()],
            &[],
        )?;
    }
    println!("ok: the client builds with each of {} area(s) alone, and with none", builds.len() - 1);
    Ok(())
}
