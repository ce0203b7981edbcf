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
        &["tenant", "--help"],
        &["tenant", "import", "--help"],
        &["run", "--help"],
        &["report", "--help"],
    ] {
        let output = bin().args(args).output().unwrap();
        assert!(output.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("Usage"),
            "{args:?}"
        );
    }
}

#[test]
fn tenant_import_run_and_report() {
    let dir = tempfile::tempdir().unwrap();
    let tenants = dir.path().join("tenants");
    std::fs::create_dir(&tenants).unwrap();
    let sample = manifest().join("data/sample-ledger.json");
    let db = tenants.join("acme.db");
    let import = |db: &Path, extra: &[&str]| {
        bin()
            .args(["tenant", "import"])
            .arg(db)
            .arg(&sample)
            .args(extra)
            .output()
            .unwrap()
    };
    let output = import(&db, &[]);
    assert!(output.status.success(), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("imported 28 partners"),
        "{output:?}"
    );
    // Not over a ledger, unless asked.
    let output = import(&db, &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--replace"));
    assert!(import(&db, &["--replace"]).status.success());
    // A CSV set.
    let csv = dir.path().join("csv");
    let output = bin()
        .args(["bench", "--sizes", "100", "--export"])
        .arg(&csv)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let output = bin()
        .args(["tenant", "import"])
        .arg(tenants.join("generated.db"))
        .arg(&csv)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    // Without company.csv: the tenant's company is kept; a new tenant has none.
    std::fs::remove_file(csv.join("company.csv")).unwrap();
    let import_csv = |db: &Path| {
        bin()
            .args(["tenant", "import", "--replace"])
            .arg(db)
            .arg(&csv)
            .output()
            .unwrap()
    };
    let output = import_csv(&tenants.join("generated.db"));
    assert!(output.status.success(), "{output:?}");
    let output = import_csv(&dir.path().join("new.db"));
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("company.csv"));
    assert!(
        !dir.path().join("new.db").exists(),
        "a failed import creates nothing"
    );

    let outbox = dir.path().join("outbox");
    let run = || {
        bin()
            .arg("run")
            .arg("--tenants")
            .arg(&tenants)
            .args(["--today", "2024-06-14", "--outbox"])
            .arg(&outbox)
            .output()
            .unwrap()
    };
    let output = run();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("total (2 tenants)"), "{stdout}");
    assert!(!files_with_extension(&outbox.join("acme"), "eml").is_empty());

    let output = bin()
        .arg("report")
        .arg(&db)
        .args(["--today", "2024-06-14"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("vasseur"), "{stdout}");
    let output = bin()
        .arg("report")
        .arg(&db)
        .args(["--today", "2024-06-14", "--partner", "vasseur"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("INV/2024/0102"), "{stdout}");

    // A tenant with no ledger is an error of its own: the others run, the exit code is 1.
    drop(empty_file(&tenants.join("empty.db")));
    let output = run();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("empty: "), "{stdout}");
    assert!(stdout.contains("holds no ledger"), "{stdout}");
}

/// An empty database file (SQLite reads a zero-length file as an empty database).
fn empty_file(path: &Path) -> std::fs::File {
    std::fs::File::create(path).unwrap()
}

#[test]
fn run_takes_its_sandbox_limits_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("acme.db");
    let output = bin()
        .args(["tenant", "import"])
        .arg(&db)
        .arg(manifest().join("data/sample-ledger.json"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let run = |extra: &[&str]| {
        bin()
            .arg("run")
            .arg("--tenants")
            .arg(dir.path())
            .args(["--today", "2024-06-14"])
            .args(extra)
            .output()
            .unwrap()
    };
    // A fuel budget too small for any call: the tenant is stopped, named, and nothing
    // of its database changes (the next run still has the work to do).
    let output = run(&["--fuel", "1000", "--pool", "0"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("acme: `plan-auto` stopped: the call used up its fuel budget of 1000"),
        "{stdout}"
    );
    assert!(stdout.contains("on-demand allocation"), "{stdout}");
    assert!(
        !stdout.contains("wasm function"),
        "no backtrace noise: {stdout}"
    );
    // A memory limit below what the component needs to start is refused up front.
    let output = run(&["--memory-mib", "1"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("exceeds the limit"), "{stderr}");
    // The defaults then do the work.
    let output = run(&[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains("pooling allocator, 16 instances; 256 MiB of memory and 60s per call"),
        "{stdout}"
    );
    assert!(
        stdout.contains("│ acme ") && !stdout.contains("│ acme             ┆         0"),
        "the run processed partners: {stdout}"
    );
}
