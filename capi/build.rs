//! Generates `include/followup.h` (at the workspace root) from this crate's `extern
//! "C"` items with cbindgen and `cbindgen.toml`, adding the version macros from
//! Cargo.toml. The header is committed; the file is rewritten only when its content
//! changes, and CI fails when a build changes it (`git diff --exit-code include/`).

use std::env;
use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let header = crate_dir
        .parent()
        .expect("capi lives inside the workspace")
        .join("include")
        .join("followup.h");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed={}", header.display());

    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .unwrap_or_else(|e| panic!("capi/cbindgen.toml: {e}"));
    config.after_includes = Some(version_macros(env!("CARGO_PKG_VERSION")));
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(crate_dir.join("src").join("lib.rs"))
        .generate()
        .unwrap_or_else(|e| panic!("cbindgen cannot generate include/followup.h: {e}"));
    bindings.write_to_file(&header);
}

/// `FOLLOWUP_VERSION_MAJOR` ... for `version` (`MAJOR.MINOR.PATCH`).
fn version_macros(version: &str) -> String {
    let parts: Vec<u32> = version
        .split(['.', '-', '+'])
        .take(3)
        .map(|p| {
            p.parse()
                .unwrap_or_else(|_| panic!("version {version} is not MAJOR.MINOR.PATCH"))
        })
        .collect();
    let [major, minor, patch] = parts[..] else {
        panic!("version {version} is not MAJOR.MINOR.PATCH");
    };
    format!(
        r#"
/* The version of this header; followup_version() gives the library's. Both come from
   the workspace's Cargo.toml. */
#define FOLLOWUP_VERSION_MAJOR {major}
#define FOLLOWUP_VERSION_MINOR {minor}
#define FOLLOWUP_VERSION_PATCH {patch}
#define FOLLOWUP_VERSION "{major}.{minor}.{patch}"
/* One number that orders versions: 8 bits for each part. */
#define FOLLOWUP_VERSION_NUMBER ((FOLLOWUP_VERSION_MAJOR << 16) | (FOLLOWUP_VERSION_MINOR << 8) | FOLLOWUP_VERSION_PATCH)
"#
    )
}
