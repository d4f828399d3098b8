//! `cargo xtask areas [AREA]...`: the client builds with each area alone
//! (`--no-default-features --features tls-aws-lc-rs,AREA`; every area of
//! the spec by default), and with none, warnings as errors: what a
//! program enabling only the areas it uses compiles.

use std::path::Path;

/// The areas' features, read from the spec (each operation's), in order.
pub fn declared(root: &Path) -> Result<Vec<String>, String> {
    let spec =
        drata_generator::Spec::parse(&crate::read(&root.join(crate::SPEC))?).map_err(|e| e.to_string())?;
    let areas: std::collections::BTreeSet<String> =
        spec.operations().into_iter().map(|op| op.feature).collect();
    Ok(areas.into_iter().collect())
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
