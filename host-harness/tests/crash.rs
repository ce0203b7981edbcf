//! Crash and resume of `followup-host run`: the real binary over 100 tenant databases is
//! killed (SIGKILL) mid-run, then run again to completion. No idempotency key is ever
//! queued twice, and the outbox rows, delivered files and final ledgers equal those of
//! an uninterrupted run on copies of the same databases.

#![cfg(unix)]

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::process::ExitStatusExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use followup_host::MemLedger;
use followup_host::generate;
use followup_host::sqlite::{OutboxRow, SqliteLedger};

const TENANTS: u64 = 100;

fn run(tenants: &Path, outbox: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_followup-host"));
    cmd.arg("run")
        .arg("--tenants")
        .arg(tenants)
        .args(["--today", generate::TODAY, "--jobs", "2"])
        .arg("--outbox")
        .arg(outbox)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Makes the tenant databases in `dir`: small generated ledgers with distinct seeds.
fn make_tenants(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for n in 0..TENANTS {
        let ledger = generate::tenant(&format!("t{n:03}"), 5_000 + n, 80);
        SqliteLedger::create(&dir.join(format!("t{n:03}.db")), &ledger, false).unwrap();
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap();
        assert!(
            path.extension().is_some_and(|e| e == "db"),
            "only closed databases are copied: {}",
            path.display()
        );
        std::fs::copy(&path, to.join(name)).unwrap();
    }
}

/// Every tenant's ledger and outbox rows.
fn snapshot(dir: &Path) -> BTreeMap<String, (MemLedger, Vec<OutboxRow>)> {
    let mut all = BTreeMap::new();
    for n in 0..TENANTS {
        let name = format!("t{n:03}");
        let db = SqliteLedger::open(&dir.join(format!("{name}.db"))).unwrap();
        all.insert(name, (db.to_mem().unwrap(), db.outbox().unwrap()));
    }
    all
}

/// Every delivered file: tenant/name -> bytes (None for emails, whose MIME boundaries
/// are made afresh on each delivery).
fn delivered(outbox: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut files = BTreeMap::new();
    let Ok(tenants) = std::fs::read_dir(outbox) else {
        return files;
    };
    for tenant in tenants {
        let tenant = tenant.unwrap().path();
        for file in std::fs::read_dir(&tenant).unwrap() {
            let path = file.unwrap().path();
            let key = path.strip_prefix(outbox).unwrap().to_path_buf();
            let bytes = (path.extension().is_some_and(|e| e != "eml"))
                .then(|| std::fs::read(&path).unwrap());
            files.insert(key, bytes);
        }
    }
    files
}

/// Tenants with at least one delivered file.
fn delivered_tenants(outbox: &Path) -> u64 {
    let Ok(tenants) = std::fs::read_dir(outbox) else {
        return 0;
    };
    tenants
        .flatten()
        .filter(|t| std::fs::read_dir(t.path()).is_ok_and(|mut files| files.next().is_some()))
        .count() as u64
}

fn assert_same(a: &MemLedger, b: &MemLedger, what: &str) {
    assert!(
        a.state() == b.state(),
        "{what}: {}",
        b.state().first_difference(a.state()).unwrap_or_default()
    );
    assert!(a.sent() == b.sent(), "{what}: outbox messages");
    assert_eq!(a.tasks(), b.tasks(), "{what}: tasks");
    assert_eq!(a.chatter(), b.chatter(), "{what}: chatter");
}

#[test]
fn a_run_killed_mid_way_resumes_to_the_same_result_as_an_uninterrupted_run() {
    let root = tempfile::tempdir().unwrap();
    let originals = root.path().join("originals");
    make_tenants(&originals);
    let (crashed, reference) = (root.path().join("crashed"), root.path().join("reference"));
    copy_dir(&originals, &crashed);
    copy_dir(&originals, &reference);
    let (crashed_out, reference_out) = (
        root.path().join("crashed-out"),
        root.path().join("reference-out"),
    );

    // The uninterrupted run over 100 tenants completes.
    let output = run(&reference, &reference_out).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("total (100 tenants)"), "{stdout}");
    let want = snapshot(&reference);
    let messages: usize = want.values().map(|(_, rows)| rows.len()).sum();
    assert!(messages > 50, "the tenants had work: {messages}");

    // The same run, killed (SIGKILL) as soon as the first tenant's messages were
    // delivered; then resumed and killed again a few tenants further, twice.
    let mut killed = 0;
    for round in 0..3 {
        let before = delivered_tenants(&crashed_out);
        let mut child = run(&crashed, &crashed_out).spawn().unwrap();
        let start = Instant::now();
        let mut ended = false;
        while delivered_tenants(&crashed_out) < before + 1 + 3 * round {
            if child.try_wait().unwrap().is_some() {
                ended = true;
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(600), "no delivery");
            std::thread::sleep(Duration::from_millis(2));
        }
        if !ended {
            child.kill().unwrap(); // SIGKILL
        }
        let status = child.wait().unwrap();
        if !ended && status.signal() == Some(9) {
            killed += 1;
        }
        assert!(killed > 0, "the first run ended before it could be killed");
        let halfway = snapshot(&crashed);
        let differ = halfway
            .iter()
            .filter(|(name, (ledger, _))| ledger.state() != want[*name].0.state())
            .count();
        eprintln!("round {round}: killed with {differ} tenants still to do");
        for (name, (_, rows)) in &halfway {
            let keys: BTreeSet<&str> = rows.iter().map(|r| r.message.key.as_str()).collect();
            assert_eq!(keys.len(), rows.len(), "{name}: a key twice");
        }
    }

    // Run again to completion.
    let output = run(&crashed, &crashed_out).output().unwrap();
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let got = snapshot(&crashed);
    for (name, (ledger, rows)) in &got {
        let keys: BTreeSet<&str> = rows.iter().map(|r| r.message.key.as_str()).collect();
        assert_eq!(keys.len(), rows.len(), "{name}: a key twice in the outbox");
        let (want_ledger, want_rows) = &want[name];
        assert_eq!(rows, want_rows, "{name}: outbox rows");
        assert!(rows.iter().all(|r| r.delivered), "{name}: all delivered");
        assert_same(ledger, want_ledger, name);
    }
    assert_eq!(
        delivered(&crashed_out),
        delivered(&reference_out),
        "the delivered files"
    );
}
