//! The C ABI driver: the same answers as the component, record for record, on the sample
//! ledger; failures of the call kept apart from refusals; paging; the CLI's `--via capi`.

use std::process::Command;

use followup_host::conformance::Driver;
use followup_host::demo::SAMPLE;
use followup_host::fixture::{self, parse_case};
use followup_host::wit::api::ProcessRequest;
use followup_host::wit::types;
use followup_host::{CapiDriver, MemLedger, Runtime};

fn capi() -> CapiDriver {
    CapiDriver::load_default().expect("the C ABI library loads")
}

fn sample() -> (MemLedger, String) {
    let case = parse_case(SAMPLE).expect("the sample ledger is a valid case");
    let today = case.last_date().expect("the sample has a step").to_string();
    (case.ledger(), today)
}

/// Every export through both transports on the same ledger: identical results, and
/// identical messages, tasks and chatter left in the ledger.
#[test]
fn the_c_abi_answers_exactly_as_the_component() {
    let rt = Runtime::shared().unwrap();
    let capi = capi();
    let (start, today) = sample();
    let (mut a, mut b) = (start.clone(), start);
    let drivers: [&dyn Driver; 2] = [rt, &capi];

    let same = |what: &str, x: &dyn std::fmt::Debug, y: &dyn std::fmt::Debug| {
        assert_eq!(format!("{x:?}"), format!("{y:?}"), "{what} differs");
    };
    let [d1, d2] = drivers;
    same(
        "check",
        &d1.check(&mut a).unwrap(),
        &d2.check(&mut b).unwrap(),
    );
    let overview = d1.overview(&mut a, &today).unwrap().unwrap();
    same(
        "overview",
        &overview,
        &d2.overview(&mut b, &today).unwrap().unwrap(),
    );
    for line in &overview {
        same(
            "report",
            &d1.report(&mut a, &today, &line.partner).unwrap(),
            &d2.report(&mut b, &today, &line.partner).unwrap(),
        );
        // The PDF letters are byte-identical both ways (`Debug` shows every byte).
        let letter = d1.print_letter(&mut a, &today, &line.partner).unwrap();
        assert!(
            letter
                .as_ref()
                .is_ok_and(|l| l.pdf.content.starts_with(b"%PDF-"))
        );
        same(
            "print_letter",
            &letter,
            &d2.print_letter(&mut b, &today, &line.partner).unwrap(),
        );
    }
    let partners: Vec<String> = overview.iter().map(|l| l.partner.clone()).collect();
    let first = ProcessRequest {
        partner: partners[0].clone(),
        manual: true,
        channels: Some(vec![types::Channel::Email, types::Channel::SendLetter]),
        exclude: vec![],
    };
    same(
        "process",
        &d1.process(&mut a, &today, &first).unwrap(),
        &d2.process(&mut b, &today, &first).unwrap(),
    );
    same(
        "process_batch",
        &d1.process_batch(&mut a, &today, &partners).unwrap(),
        &d2.process_batch(&mut b, &today, &partners).unwrap(),
    );
    let later = "2024-12-31";
    let plan = d1.plan_auto(&mut a, later).unwrap();
    assert!(plan.as_ref().is_ok_and(|p| !p.is_empty()), "{plan:?}");
    same("plan_auto", &plan, &d2.plan_auto(&mut b, later).unwrap());
    same(
        "run_auto",
        &d1.run_auto(&mut a, later).unwrap(),
        &d2.run_auto(&mut b, later).unwrap(),
    );
    same(
        "remind_later",
        &d1.remind_later(&mut a, &today, &partners[1], later)
            .unwrap(),
        &d2.remind_later(&mut b, &today, &partners[1], later)
            .unwrap(),
    );
    let item = a.items().next().unwrap().id.clone();
    same(
        "set_excluded",
        &d1.set_excluded(&mut a, &today, &item, true).unwrap(),
        &d2.set_excluded(&mut b, &today, &item, true).unwrap(),
    );
    same(
        "set_trust",
        &d1.set_trust(&mut a, &today, &partners[0], types::Trust::Bad)
            .unwrap(),
        &d2.set_trust(&mut b, &today, &partners[0], types::Trust::Bad)
            .unwrap(),
    );
    same(
        "a refusal",
        &d1.report(&mut a, "2024-02-30", &partners[0]).unwrap(),
        &d2.report(&mut b, "2024-02-30", &partners[0]).unwrap(),
    );

    assert!(!a.sent().is_empty());
    assert_eq!(a.state(), b.state(), "the ledgers differ");
    assert_eq!(a.sent(), b.sent(), "the messages differ");
    assert_eq!(a.tasks(), b.tasks(), "the tasks differ");
    assert_eq!(a.chatter(), b.chatter(), "the chatter differs");
}

#[test]
fn a_failed_callback_is_a_failure_of_the_call_and_changes_nothing() {
    let capi = capi();
    let (mut ledger, today) = sample();
    let rt = Runtime::shared().unwrap();
    let overview = rt.overview(&mut ledger.clone(), &today).unwrap().unwrap();
    let partner = overview[0].partner.clone();
    ledger.set_fail_writes(true);
    let before = ledger.clone();
    let failure = capi
        .process_batch(&mut ledger, &today, std::slice::from_ref(&partner))
        .unwrap_err();
    assert!(
        format!("{failure:#}").contains("callback_failed"),
        "{failure:#}"
    );
    assert_eq!(ledger.state(), before.state());
    assert_eq!(ledger.chatter().len(), before.chatter().len());
    ledger.set_fail_writes(false);
    let batch = capi
        .process_batch(&mut ledger, &today, &[partner])
        .unwrap()
        .unwrap();
    assert_eq!(batch.processed.len(), 1);
}

#[test]
fn refusals_are_values_and_an_invalid_policy_refuses_every_call() {
    let capi = capi();
    let (mut ledger, today) = sample();
    let err = capi
        .report(&mut ledger, &today, "nobody")
        .unwrap()
        .unwrap_err();
    assert!(matches!(err, types::Error::NotFound(_)), "{err:?}");
    let case = parse_case(
        r#"{"format": "followup-conformance/1", "name": "t",
            "company": {"id": "m", "name": "M", "currency": "EUR"},
            "policy": {"levels": [{"id": "a", "name": "A", "delay_days": 5},
                                  {"id": "a", "name": "B", "delay_days": 6}]},
            "partners": [], "items": []}"#,
    )
    .unwrap();
    let err = capi
        .overview(&mut case.ledger(), &today)
        .unwrap()
        .unwrap_err();
    assert!(matches!(err, types::Error::InvalidPolicy(_)), "{err:?}");
}

#[test]
fn a_large_ledger_is_read_through_every_page() {
    let capi = capi();
    let (mut ledger, today) = sample();
    let template = parse_case(SAMPLE).unwrap().items[0].clone();
    let count = 2 * followup_host::ledger::MAX_PAGE as usize + 7;
    let before = ledger.items().count();
    for n in 0..count {
        let item = fixture::Item {
            id: format!("BULK-{n:05}"),
            ..template.clone()
        };
        ledger.insert_item(item.to_wit());
    }
    let summary = capi.check(&mut ledger).unwrap().unwrap();
    assert_eq!(summary.items as usize, before + count);
    let lines = capi.overview(&mut ledger, &today).unwrap().unwrap();
    let total: u32 = lines.iter().map(|l| l.open_items).sum();
    assert!(total as usize >= count, "{total}");
}

#[test]
fn the_cli_runs_conformance_via_capi() {
    let cases = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance");
    let output = Command::new(env!("CARGO_BIN_EXE_followup-host"))
        .args(["conformance", "--via", "capi"])
        .arg(&cases)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout
            .lines()
            .last()
            .unwrap()
            .ends_with(" passed, 0 failed"),
        "{stdout}"
    );

    let missing = Command::new(env!("CARGO_BIN_EXE_followup-host"))
        .args([
            "conformance",
            "--via",
            "capi",
            "--capi-lib",
            "/nonexistent/libfollowup.so",
        ])
        .arg(&cases)
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot load the C ABI library"));
}
