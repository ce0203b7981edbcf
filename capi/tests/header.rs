//! The committed header: its version macros are Cargo.toml's, and the C test calls every
//! function it declares (with NULL or garbage arguments among others).

use std::collections::BTreeSet;
use std::path::PathBuf;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(workspace().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The value of `#define NAME VALUE` in the header.
fn define<'a>(header: &'a str, name: &str) -> &'a str {
    header
        .lines()
        .find_map(|l| l.strip_prefix(&format!("#define {name} ")))
        .unwrap_or_else(|| panic!("the header does not define {name}"))
        .trim()
}

/// `version = "..."` of the workspace's `[workspace.package]`.
fn cargo_toml_version() -> String {
    let toml = read("Cargo.toml");
    let section = toml
        .split("[workspace.package]")
        .nth(1)
        .expect("Cargo.toml has [workspace.package]");
    section
        .lines()
        .take_while(|l| !l.starts_with('['))
        .find_map(|l| l.trim().strip_prefix("version = "))
        .expect("[workspace.package] has a version")
        .trim_matches('"')
        .to_string()
}

#[test]
fn the_header_version_macros_are_cargo_tomls() {
    let header = read("include/followup.h");
    let version = cargo_toml_version();
    assert_eq!(version, env!("CARGO_PKG_VERSION"));
    let parts: Vec<&str> = version.split('.').collect();
    assert_eq!(define(&header, "FOLLOWUP_VERSION_MAJOR"), parts[0]);
    assert_eq!(define(&header, "FOLLOWUP_VERSION_MINOR"), parts[1]);
    assert_eq!(define(&header, "FOLLOWUP_VERSION_PATCH"), parts[2]);
    assert_eq!(
        define(&header, "FOLLOWUP_VERSION"),
        format!("\"{version}\"")
    );
    let library = unsafe { std::ffi::CStr::from_ptr(followup::version::followup_version()) };
    assert_eq!(library.to_str().unwrap(), version);
}

/// Every function the header declares.
fn declared_functions(header: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in header.lines().filter(|l| !l.trim_start().starts_with('*')) {
        let mut rest = line;
        while let Some(at) = rest.find("followup_") {
            let tail = &rest[at..];
            let end = tail
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(tail.len());
            let preceded_by_type =
                at > 0 && (rest[..at].ends_with(' ') || rest[..at].ends_with('*'));
            if preceded_by_type && tail[end..].starts_with('(') {
                names.insert(tail[..end].to_string());
            }
            rest = &tail[end..];
        }
    }
    names
}

#[test]
fn the_c_test_calls_every_declared_function() {
    let header = read("include/followup.h");
    let functions = declared_functions(&header);
    assert!(functions.len() >= 19, "{functions:?}");
    assert!(functions.contains("followup_engine_process_batch"));
    let c_test = read("tests/c/host_test.c");
    let missing: Vec<&String> = functions
        .iter()
        .filter(|f| !c_test.contains(&format!("{f}(")))
        .collect();
    assert!(
        missing.is_empty(),
        "tests/c/host_test.c never calls {missing:?}"
    );
}

#[test]
fn the_header_documents_the_contract() {
    let header = read("include/followup.h");
    for needle in [
        "THREADS",
        "OWNERSHIP",
        "typedef struct followup_host",
        "FOLLOWUP_RESULT_INVALID_DATA = 2",
        "FOLLOWUP_CALLBACK_RESULT_NOT_DELIVERED = 1",
        "Do not edit",
    ] {
        assert!(header.contains(needle), "the header lacks {needle:?}");
    }
}

#[test]
fn the_readme_shows_the_examples_ci_runs() {
    let readme = read("README.md");
    for example in ["tests/c/example.c", "tests/python/example.py"] {
        assert!(
            readme.contains(&read(example)),
            "README.md must show {example} as it is (copy it into \"Using the C ABI\")"
        );
    }
}
