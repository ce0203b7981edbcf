//! Every conformance case, run through the WASM component and through the C ABI.
//!
//! Cases: the workspace's `tests/conformance/`, the shared `conformance/cases/` when it
//! sits beside the workspace, and the demo's sample ledger when it exists. The C ABI
//! library is the `libfollowup` cargo builds beside this test (host-harness depends on
//! followup-capi), or `FOLLOWUP_CAPI_LIB`.

use std::path::PathBuf;

use followup_host::conformance::Driver;
use followup_host::{CapiDriver, Runtime, conformance};

/// The case folders and files this test runs.
fn case_paths() -> Vec<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        manifest.join("../tests/conformance"),
        manifest.join("../../shared/conformance/cases"),
        manifest.join("data/sample-ledger.json"),
    ];
    candidates.into_iter().filter(|p| p.exists()).collect()
}

#[test]
fn every_case_passes_through_the_component() {
    every_case_passes(Runtime::shared().expect("the component loads"));
}

#[test]
fn every_case_passes_through_the_c_abi() {
    let capi = CapiDriver::load_default().expect("the C ABI library loads");
    assert_eq!(
        capi.version(),
        env!("CARGO_PKG_VERSION"),
        "{}",
        capi.path().display()
    );
    every_case_passes(&capi);
}

fn every_case_passes(driver: &dyn Driver) {
    let files = conformance::collect_files(&case_paths()).expect("case folders are readable");
    assert!(
        !files.is_empty(),
        "no conformance case found in {:?}",
        case_paths()
    );
    let results: Vec<_> = files
        .iter()
        .map(|f| (f, conformance::run_file(driver, f)))
        .collect();
    let failures: Vec<String> = results
        .iter()
        .filter(|(_, r)| r.result.is_err())
        .map(|(f, r)| format!("{r}\n     ({})", f.display()))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} conformance cases failed:\n{}",
        failures.len(),
        results.len(),
        failures.join("\n")
    );
}

#[test]
fn the_runner_prints_one_line_per_case_and_a_count() {
    let rt = Runtime::shared().expect("the component loads");
    let mut out = Vec::new();
    let summary = conformance::run_paths(rt, &case_paths(), &mut out).expect("cases run");
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), summary.passed + summary.failed + 1, "{text}");
    assert!(
        lines
            .iter()
            .take(lines.len() - 1)
            .all(|l| l.starts_with("ok   ") || l.starts_with("FAIL ")),
        "{text}"
    );
    assert_eq!(lines.last().copied(), Some(summary.to_string().as_str()));
}
