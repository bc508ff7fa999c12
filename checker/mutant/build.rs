//! Copies the mutant source named by `SYSKATA_MUTANT_SRC` into the build, or an empty crate without it.

fn main() {
    println!("cargo:rerun-if-env-changed=SYSKATA_MUTANT_SRC");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let source = match std::env::var("SYSKATA_MUTANT_SRC") {
        Ok(path) if !path.is_empty() => {
            println!("cargo:rerun-if-changed={path}");
            std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read the mutant source {path}: {e}"))
        }
        _ => String::from("// No mutant selected: `cargo xtask verify` sets SYSKATA_MUTANT_SRC.\n"),
    };
    // Inner attributes and inner doc comments cannot appear in an included file; the slot's lib.rs
    // carries the crate-level ones instead.
    let body: String = source
        .lines()
        .filter(|line| {
            !line.trim_start().starts_with("//!") && !line.trim_start().starts_with("#![")
        })
        .map(|line| format!("{line}\n"))
        .collect();
    std::fs::write(out.join("mutant.rs"), body).expect("write the mutant into OUT_DIR");
}
