//! `cargo xtask areas [AREA]...`: the client builds with each area alone
//! (`--no-default-features --features tls-aws-lc-rs,AREA`; every area of
//! both specs by default), and with none, warnings as errors: what a
//! program enabling only the areas it uses compiles.

use std::path::Path;

/// The areas' features, read from the specs (each operation's), in order:
/// v1's, then v2's.
pub fn declared(root: &Path) -> Result<Vec<String>, String> {
    let mut areas = std::collections::BTreeSet::new();
    for (spec, _) in crate::DOCUMENTS {
        let spec = drata_generator::Spec::parse(&crate::read(&root.join(spec))?)
            .map_err(|e| format!("{spec}: {e}"))?;
        areas.extend(spec.operations().into_iter().map(|op| op.feature));
    }
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
