fn main() {
    let spec = std::fs::read_to_string("openapi/drata.yaml").unwrap();
    match drata_generator::generate(&spec) {
        Ok(g) => { std::fs::create_dir_all("client/generated").unwrap(); std::fs::write("client/generated/drata.rs", g.code).unwrap(); println!("{:?}", g.set_aside); }
        Err(e) => { eprintln!("{e}"); std::process::exit(1) }
    }
}
