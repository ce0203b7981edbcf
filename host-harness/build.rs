//! Builds the `followup-guest` component and puts it into `OUT_DIR` so the host embeds
//! it with `include_bytes!`.
//!
//! The guest is built by a nested `cargo build --target wasm32-wasip2 --profile guest`
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
    let wasm = match env::var_os("FOLLOWUP_GUEST_WASM") {
        Some(path) if !path.is_empty() => {
            // A relative path is taken from the workspace root.
            let path = workspace.join(PathBuf::from(path));
            println!("cargo:rerun-if-changed={}", path.display());
            path
        }
        _ => build_guest(&workspace),
    };
    let dest = out_dir.join("followup_guest.wasm");
    fs::copy(&wasm, &dest).unwrap_or_else(|e| {
        panic!(
            "cannot copy the guest component {} to {}: {e}",
            wasm.display(),
            dest.display()
        )
    });
}

/// Runs the nested cargo build of the guest and returns the path of the component.
fn build_guest(workspace: &Path) -> PathBuf {
    for dir in ["guest", "engine", "wit"] {
        println!("cargo:rerun-if-changed={}", workspace.join(dir).display());
    }
    for file in ["Cargo.lock", "Cargo.toml"] {
        println!("cargo:rerun-if-changed={}", workspace.join(file).display());
    }

    let target_dir = workspace.join("target").join("guest");
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(workspace)
        .args([
            "build",
            "-p",
            "followup-guest",
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
        .unwrap_or_else(|e| panic!("cannot run cargo to build the guest: {e}"));
    if !output.status.success() {
        panic!(
            "building the guest component failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let wasm = target_dir
        .join("wasm32-wasip2")
        .join("guest")
        .join("followup_guest.wasm");
    if !wasm.is_file() {
        panic!(
            "the guest build succeeded but {} is missing",
            wasm.display()
        );
    }
    wasm
}
