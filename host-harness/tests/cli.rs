//! The `followup-host` binary: the demo writes an outbox, the runner's exit code.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_followup-host"))
}

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files_with_extension(dir: &Path, ext: &str) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect()
}

#[test]
fn demo_writes_emails_into_the_outbox() {
    let sample = manifest().join("data/sample-ledger.json");
    let shared = manifest().join("../../shared/conformance/cases/escalation-single-invoice.json");
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox");
    let mut cmd = bin();
    cmd.arg("demo").arg("--outbox").arg(&outbox);
    if !sample.exists() {
        // No embedded sample yet: run on a shared case, on a date a reminder is due.
        assert!(
            shared.exists(),
            "neither {} nor {} exists",
            sample.display(),
            shared.display()
        );
        cmd.arg("--data")
            .arg(&shared)
            .args(["--today", "2022-01-11"]);
    }
    let output = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "demo failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("Overview before the run"), "{stdout}");
    assert!(stdout.contains("processed:"), "{stdout}");
    let emails = files_with_extension(&outbox, "eml");
    assert!(!emails.is_empty(), "no .eml in the outbox:\n{stdout}");
    let eml = std::fs::read_to_string(&emails[0]).unwrap();
    assert!(eml.contains("X-Idempotency-Key: followup/"), "{eml}");
    assert!(eml.contains("text/html"), "{eml}");
}

#[test]
fn conformance_exits_non_zero_on_a_failing_case() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("wrong.json");
    std::fs::write(
        &case,
        r#"{"format": "followup-conformance/1", "name": "wrong-load-error",
            "company": {"id": "main", "name": "Acme", "currency": "EUR"},
            "policy": {"levels": [{"id": "a", "name": "A", "delay_days": 5, "email": true}]},
            "partners": [], "items": [], "expect_load_error": "invalid_policy"}"#,
    )
    .unwrap();
    let output = bin().arg("conformance").arg(dir.path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(
            "FAIL wrong-load-error: load, field error: expected invalid_policy, got accepted"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("0 passed, 1 failed"), "{stdout}");
}

#[test]
fn every_command_has_help() {
    for args in [
        &["--help"][..],
        &["conformance", "--help"],
        &["demo", "--help"],
    ] {
        let output = bin().args(args).output().unwrap();
        assert!(output.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("Usage"),
            "{args:?}"
        );
    }
}
