//! `docs/capi-schema.md` stays true: every document the library writes has exactly the
//! fields the page lists for it, and every document it reads accepts exactly the fields
//! listed (those of the engine's serde types).

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use ::followup_engine::{
    CompanyRecord, Contact, ItemRecord, Level, PartnerRecord, PostalAddress, ProcessRequest,
    Template,
};
use followup::engine::*;
use followup::followup_buffer;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use support::{Ledger, engine, policy, s, take};

/// Section name -> the fields its table lists.
fn documented() -> BTreeMap<String, BTreeSet<String>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/capi-schema.md");
    let page = std::fs::read_to_string(path).unwrap();
    let mut sections = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in page.lines() {
        if let Some(name) = line.strip_prefix("### ") {
            current = Some(name.trim().to_string());
            sections.insert(name.trim().to_string(), BTreeSet::new());
        } else if let (Some(name), Some(row)) = (&current, line.strip_prefix("| `")) {
            let field = row.split('`').next().unwrap().to_string();
            sections.get_mut(name).unwrap().insert(field);
        }
    }
    sections
}

fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .cloned()
        .collect()
}

/// The fields a record type has: a minimal document read, then written back.
fn fields_of<T: DeserializeOwned + Serialize>(minimal: Value) -> BTreeSet<String> {
    let record: T = serde_json::from_value(minimal).unwrap();
    keys(&serde_json::to_value(record).unwrap())
}

fn out(f: impl FnOnce(*mut *mut followup_buffer) -> followup::followup_result) -> Value {
    let mut buf = std::ptr::null_mut();
    assert_eq!(f(&mut buf), followup::followup_result::Ok);
    take(buf)
}

#[test]
fn documents_the_library_writes_have_the_documented_fields() {
    let e = engine(&policy()).unwrap();
    let mut ledger = Ledger::sample();
    let h = ledger.host();
    let t = "2022-01-31";
    let summary = out(|o| unsafe { followup_engine_check(e, &h, o) });
    let report = out(|o| unsafe { followup_engine_report(e, &h, s(t), 10, s("bluebird"), 8, o) });
    let overview = out(|o| unsafe { followup_engine_overview(e, &h, s(t), 10, o) });
    let ids = r#"["bluebird", "nocontact", "badmail"]"#;
    let batch =
        out(|o| unsafe { followup_engine_process_batch(e, &h, s(t), 10, s(ids), ids.len(), o) });
    let request =
        r#"{"partner": "bluebird", "manual": true, "channels": ["email", "send_letter"]}"#;
    let process =
        out(|o| unsafe { followup_engine_process(e, &h, s(t), 10, s(request), request.len(), o) });
    let printed =
        out(|o| unsafe { followup_engine_print_letter(e, &h, s(t), 10, s("bluebird"), 8, o) });
    unsafe { followup_engine_free(e) };

    let letter = ledger
        .sent
        .iter()
        .find(|m| m["channel"] == "send_letter")
        .expect("a letter");
    let written: Vec<(&str, &Value)> = vec![
        ("LEDGER_SUMMARY", &summary),
        ("PARTNER_REPORT", &report),
        ("REPORT_ITEM", &report["items"][0]),
        ("CURRENCY_TOTAL", &report["totals"][0]),
        ("OVERVIEW_LINE", &overview[0]),
        ("BATCH_OUTCOME", &batch),
        ("PROCESS_OUTCOME", &batch["processed"][0]),
        ("PROCESS_OUTCOME", &process),
        ("SKIPPED", &batch["skipped"][0]),
        ("FAILED", &batch["failed"][0]),
        ("ERROR", &batch["failed"][0]["error"]),
        ("MESSAGE", letter),
        ("ATTACHMENT", &letter["attachments"][0]),
        ("LETTER", &printed),
        ("ATTACHMENT", &printed["pdf"]),
        ("CONTACT", &letter["recipient"]),
        ("ADDRESS", &letter["recipient"]["address"]),
        ("ENTRY", &ledger.chatter[0]),
        ("TASK", &ledger.tasks[0]),
    ];
    let docs = documented();
    for (name, value) in written {
        let listed = docs
            .get(name)
            .unwrap_or_else(|| panic!("docs/capi-schema.md has no ### {name}"));
        assert_eq!(&keys(value), listed, "{name}: the library writes {value}");
    }
    assert_eq!(keys(&ledger.chatter[0]["target"]).len(), 1);
}

#[test]
fn documents_the_library_reads_have_the_documented_fields() {
    let docs = documented();
    let contact = json!({"name": "x"});
    let read: Vec<(&str, BTreeSet<String>)> = vec![
        (
            "COMPANY",
            fields_of::<CompanyRecord>(json!({"id": "m", "name": "M", "currency": "EUR"})),
        ),
        (
            "LEVEL",
            fields_of::<Level>(json!({"id": "a", "name": "A", "delay_days": 1})),
        ),
        (
            "PARTNER",
            fields_of::<PartnerRecord>(json!({"id": "p", "name": "P"})),
        ),
        (
            "ITEM",
            fields_of::<ItemRecord>(
                json!({"id": "i", "partner": "p", "invoice_date": "2022-01-01", "amount": "1", "residual": "1"}),
            ),
        ),
        ("ADDRESS", fields_of::<PostalAddress>(json!({}))),
        ("TEMPLATE", fields_of::<Template>(json!({"lang": "en"}))),
        ("CONTACT", fields_of::<Contact>(contact)),
        (
            "PROCESS_REQUEST",
            fields_of::<ProcessRequest>(json!({"partner": "p"})),
        ),
        ("POLICY", ["company", "levels"].map(String::from).into()),
        (
            "PARTNER_PAGE",
            ["partners", "next"].map(String::from).into(),
        ),
        ("ITEM_PAGE", ["items", "next"].map(String::from).into()),
    ];
    for (name, fields) in read {
        assert_eq!(
            docs.get(name),
            Some(&fields),
            "### {name} in docs/capi-schema.md"
        );
    }
    // And the pages and the policy really are read with those fields (unknown ones refused).
    let mut bad = policy();
    bad["extra"] = json!(1);
    assert_eq!(
        engine(&bad).err(),
        Some(followup::followup_result::InvalidData as u32)
    );
}
