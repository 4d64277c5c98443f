//! Build script: the number of mimalloc's `mi_option_purge_delay`, which `main` sets. The
//! binding (libmimalloc-sys 0.1.49) names no constant for it, so it is read from the
//! `mimalloc.h` the binding compiles (`DEP_MIMALLOC_INCLUDE_DIR`: v3 by default, v2 with
//! its feature): the option's place in `enum mi_option_e`. The build fails if the header
//! has no such option, rather than setting another option by a stale number.

use std::path::Path;

const OPTION: &str = "mi_option_purge_delay";

fn main() {
    println!("cargo:rerun-if-env-changed=DEP_MIMALLOC_INCLUDE_DIR");
    let include = std::env::var("DEP_MIMALLOC_INCLUDE_DIR")
        .expect("libmimalloc-sys names the directory of the mimalloc.h it compiles");
    let header = Path::new(&include).join("mimalloc.h");
    println!("cargo:rerun-if-changed={}", header.display());
    let text = std::fs::read_to_string(&header)
        .unwrap_or_else(|e| panic!("reading {}: {e}", header.display()));
    let number = option_number(&text, OPTION)
        .unwrap_or_else(|| panic!("{} has no {OPTION} in enum mi_option_e", header.display()));
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("mimalloc_options.rs");
    let code = format!(
        "/// `{OPTION}` in the bundled mimalloc's `mimalloc.h` (see `build.rs`).\n\
         const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = {number};\n"
    );
    std::fs::write(&out, code).unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));
}

/// The value of `name` in `typedef enum mi_option_e { ... }`: its place among the entries,
/// counting from 0. Entries with an explicit value (`=`, the legacy aliases after
/// `_mi_option_last`) end the count: places after them would not be values.
fn option_number(header: &str, name: &str) -> Option<usize> {
    let body = header.split("typedef enum mi_option_e {").nth(1)?;
    let body = body.split('}').next()?;
    body.lines()
        .map(|l| l.split("//").next().unwrap_or_default().trim())
        .flat_map(|l| l.split(','))
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .take_while(|e| !e.contains('='))
        .position(|e| e == name)
}
