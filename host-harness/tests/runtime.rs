//! The runtime: traps and refusals are told apart, a trapped call changes nothing, and
//! the engine reads a large ledger through the paged imports.

use followup_host::fixture::parse_case;
use followup_host::runtime::{Limits, Runtime};
use followup_host::wit::api::ProcessRequest;
use followup_host::wit::types::{self, Status};
use followup_host::{MemLedger, fixture};

const CASE: &str = r#"{
  "format": "followup-conformance/1", "name": "runtime",
  "company": {"id": "main", "name": "Acme Supplies", "currency": "EUR"},
  "policy": {"levels": [
    {"id": "first", "name": "First reminder", "delay_days": 10, "email": true},
    {"id": "second", "name": "Second reminder", "delay_days": 15, "email": true}
  ]},
  "partners": [{"id": "bluebird", "name": "Bluebird Ltd", "email": "ap@bluebird.test"}],
  "items": [{"id": "INV-0001", "partner": "bluebird", "invoice_date": "2022-01-01",
             "due_date": "2022-01-01", "amount": "500.00", "residual": "500.00"}]
}"#;

fn ledger() -> MemLedger {
    parse_case(CASE).unwrap().ledger()
}

fn request() -> ProcessRequest {
    ProcessRequest {
        partner: "bluebird".into(),
        manual: false,
        channels: None,
        exclude: vec![],
    }
}

#[test]
fn a_trapped_call_changes_nothing() {
    let rt = Runtime::shared().unwrap();
    let mut ledger = ledger();
    rt.check(&mut ledger).unwrap().unwrap();
    ledger.set_fail_writes(true);
    let before = ledger.clone();
    let trap = rt
        .process(&mut ledger, "2022-01-11", &request())
        .unwrap_err();
    assert!(
        format!("{trap:#}").contains("cannot store writes"),
        "{trap:#}"
    );
    assert_eq!(ledger.state(), before.state());
    assert!(ledger.sent().is_empty() && ledger.chatter().is_empty());

    ledger.set_fail_writes(false);
    let outcome = rt
        .process(&mut ledger, "2022-01-11", &request())
        .unwrap()
        .unwrap();
    assert!(outcome.did_something);
    assert_eq!(ledger.sent().len(), 1);
    assert_eq!(
        ledger.item("INV-0001").unwrap().level.as_deref(),
        Some("first")
    );
}

#[test]
fn refusals_are_values_not_traps() {
    let rt = Runtime::shared().unwrap();
    let mut ledger = ledger();
    let err = rt
        .report(&mut ledger, "2022-01-11", "nobody")
        .unwrap()
        .unwrap_err();
    assert!(matches!(err, types::Error::NotFound(_)), "{err:?}");
    let err = rt.overview(&mut ledger, "2022-02-30").unwrap().unwrap_err();
    assert!(matches!(err, types::Error::InvalidData(_)), "{err:?}");
    assert_eq!(ledger.state(), self::ledger().state());
}

#[test]
fn a_large_ledger_is_read_through_every_page() {
    let rt = Runtime::shared().unwrap();
    let mut ledger = ledger();
    let case = parse_case(CASE).unwrap();
    let template = &case.items[0];
    let count = 2 * followup_host::ledger::MAX_PAGE as usize + 7;
    for n in 2..=count {
        let item = fixture::Item {
            id: format!("INV-{n:04}"),
            ..template.clone()
        };
        ledger.insert_item(item.to_wit());
    }
    let summary = rt.check(&mut ledger).unwrap().unwrap();
    assert_eq!(summary.items as usize, count);
    let lines = rt.overview(&mut ledger, "2022-01-11").unwrap().unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].open_items as usize, count);
    assert_eq!(lines[0].status, Status::InNeedOfAction);
}

#[test]
fn a_module_that_is_not_the_component_is_refused() {
    assert!(Runtime::new(b"\0asm\x01\0\0\0", Limits::default()).is_err());
    assert!(Runtime::new(b"not wasm", Limits::default()).is_err());
}
