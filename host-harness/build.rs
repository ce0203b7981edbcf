//! Builds the `followup-guest` component and puts it into `OUT_DIR` so the host embeds
//! it with `include_bytes!`; builds the hostile test component
//! (`tests/hostile-guest`) beside it for the sandbox tests, whose path the crate gets as
//! `FOLLOWUP_HOSTILE_WASM`.
//!
//! The guests are built by one nested `cargo build --target wasm32-wasip2 --profile guest`
//! (release, LTO, stripped; see the workspace Cargo.toml) with its own target dir (`<workspace>/target/guest`): sharing the outer target dir deadlocks on
//! its lock. Set `FOLLOWUP_GUEST_WASM=/path/to/component.wasm` (relative: from the
//! workspace root) to embed a prebuilt component instead.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let workspace = manifest_dir
        .parent()
        .expect("host-harness lives inside the workspace")
        .to_path_buf();

    println!("cargo:rerun-if-env-changed=FOLLOWUP_GUEST_WASM");
    let prebuilt = env::var_os("FOLLOWUP_GUEST_WASM")
        .filter(|path| !path.is_empty())
        .map(|path| {
            // A relative path is taken from the workspace root.
            let path = workspace.join(PathBuf::from(path));
            println!("cargo:rerun-if-changed={}", path.display());
            path
        });
    let mut packages = vec!["followup-hostile-guest"];
    if prebuilt.is_none() {
        packages.push("followup-guest");
    }
    let built = build_guests(&workspace, &packages);
    let wasm = prebuilt.unwrap_or_else(|| built.join("followup_guest.wasm"));
    copy(&wasm, &out_dir.join("followup_guest.wasm"));
    let hostile = out_dir.join("followup_hostile_guest.wasm");
    copy(&built.join("followup_hostile_guest.wasm"), &hostile);
    println!(
        "cargo:rustc-env=FOLLOWUP_HOSTILE_WASM={}",
        hostile.display()
    );
}

fn copy(from: &Path, to: &Path) {
    fs::copy(from, to).unwrap_or_else(|e| {
        panic!(
            "cannot copy the component {} to {}: {e}",
            from.display(),
            to.display()
        )
    });
}

/// Runs the nested cargo build of `packages` and returns the folder of the components.
fn build_guests(workspace: &Path, packages: &[&str]) -> PathBuf {
    for dir in ["guest", "engine", "wit", "tests/hostile-guest"] {
        println!("cargo:rerun-if-changed={}", workspace.join(dir).display());
    }
    for file in ["Cargo.lock", "Cargo.toml"] {
        println!("cargo:rerun-if-changed={}", workspace.join(file).display());
    }

    let target_dir = workspace.join("target").join("guest");
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(workspace).arg("build");
    for package in packages {
        command.args(["-p", package]);
    }
    let output = command
        .args([
            "--target",
            "wasm32-wasip2",
            "--profile",
            "guest",
            "--target-dir",
        ])
        .arg(&target_dir)
        // The outer build's flags and target are for the host, not for wasm32-wasip2;
        // clippy's wrapper (set by `cargo clippy`) must not lint or rebuild the guest.
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTC_WORKSPACE_WRAPPER")
        .env_remove("CLIPPY_ARGS")
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo to build the guest components: {e}"));
    if !output.status.success() {
        panic!(
            "building the guest components failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let dir = target_dir.join("wasm32-wasip2").join("guest");
    for package in packages {
        let wasm = dir.join(format!("{}.wasm", package.replace('-', "_")));
        if !wasm.is_file() {
            panic!(
                "the guest build succeeded but {} is missing",
                wasm.display()
            );
        }
    }
    dir
}
