//! The exports as a Rust host calls them: every operation, every refusal, callback
//! failures, NULL and garbage arguments for each export, one engine shared by threads.

mod support;

use std::ptr::{null, null_mut};

use followup::buffer::{
    followup_buffer_data, followup_buffer_free, followup_buffer_len, followup_buffer_write,
};
use followup::engine::*;
use followup::error::{followup_error_kind, followup_error_message, followup_result_name};
use followup::version::followup_version;
use followup::{followup_buffer, followup_engine, followup_host, followup_result};
use serde_json::{Value, json};
use support::{Ledger, engine, last_message, policy, s, take};

use followup_result as R;

const T: &str = "2022-01-11";

/// Calls `f` with an out-parameter; the document on success, the code otherwise (and
/// then the out-parameter must be untouched).
fn out(f: impl FnOnce(*mut *mut followup_buffer) -> followup_result) -> Result<Value, R> {
    let sentinel = 0x5EED as *mut followup_buffer;
    let mut buf = sentinel;
    match f(&mut buf) {
        R::Ok => Ok(take(buf)),
        code => {
            assert_eq!(buf, sentinel, "out-parameter written on failure ({code:?})");
            assert_eq!(followup_error_kind(), code);
            Err(code)
        }
    }
}

fn report(
    e: *const followup_engine,
    h: &followup_host,
    today: &str,
    partner: &str,
) -> Result<Value, R> {
    out(|o| unsafe {
        followup_engine_report(e, h, s(today), today.len(), s(partner), partner.len(), o)
    })
}

fn process(
    e: *const followup_engine,
    h: &followup_host,
    today: &str,
    request: &Value,
) -> Result<Value, R> {
    let request = request.to_string();
    out(|o| unsafe {
        followup_engine_process(e, h, s(today), today.len(), s(&request), request.len(), o)
    })
}

fn batch(
    e: *const followup_engine,
    h: &followup_host,
    today: &str,
    partners: &Value,
) -> Result<Value, R> {
    let partners = partners.to_string();
    out(|o| unsafe {
        followup_engine_process_batch(e, h, s(today), today.len(), s(&partners), partners.len(), o)
    })
}

#[test]
fn every_operation_through_the_exports() {
    let e = engine(&policy()).unwrap();
    let mut ledger = Ledger::sample();
    let h = ledger.host();

    let summary = out(|o| unsafe { followup_engine_check(e, &h, o) }).unwrap();
    assert_eq!(summary, json!({"partners": 3, "items": 3, "levels": 3}));

    let r = report(e, &h, T, "bluebird").unwrap();
    assert_eq!(r["status"], "in_need_of_action");
    assert_eq!(r["level"], "first");
    assert_eq!(
        r["totals"],
        json!([{"currency": "EUR", "due": "500.00", "overdue": "500.00"}])
    );

    let lines = out(|o| unsafe { followup_engine_overview(e, &h, s(T), T.len(), o) }).unwrap();
    let ids: Vec<&str> = lines
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["partner"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["badmail", "bluebird", "nocontact"]);

    let outcome = process(e, &h, T, &json!({"partner": "bluebird"})).unwrap();
    assert_eq!(outcome["did_something"], true);
    assert_eq!(outcome["next_reminder"], "2022-01-16");
    assert_eq!(ledger.items["INV-1"]["level"], "first");
    assert_eq!(ledger.partners["bluebird"]["next_reminder"], "2022-01-16");
    assert_eq!(ledger.sent.len(), 1);
    assert_eq!(
        ledger.sent[0]["key"],
        "followup/1/main/bluebird/first/2022-01-11/email"
    );
    assert!(
        ledger
            .chatter
            .iter()
            .any(|c| c["target"] == json!({"item": "INV-1"}))
    );

    let b = batch(
        e,
        &h,
        "2022-01-16",
        &json!(["bluebird", "nocontact", "badmail", "ghost"]),
    )
    .unwrap();
    assert_eq!(b["processed"][0]["partner"], "bluebird");
    assert_eq!(b["skipped"][0]["reason"], "missing_contact");
    assert_eq!(b["failed"][0]["error"]["kind"], "delivery_failed");
    assert_eq!(b["failed"][1]["error"]["kind"], "not_found");
    assert_eq!(ledger.tasks.len(), 1);
    assert_eq!(ledger.tasks[0]["responsible"], "collections");

    let plan =
        out(|o| unsafe { followup_engine_plan_auto(e, &h, s("2022-01-16"), 10, o) }).unwrap();
    let auto = out(|o| unsafe { followup_engine_run_auto(e, &h, s("2022-01-16"), 10, o) }).unwrap();
    assert_eq!(auto["processed"], json!([]));
    // plan-auto names exactly the partners run-auto then tried, in its order.
    let mut tried: Vec<&Value> = ["processed", "skipped", "failed"]
        .iter()
        .flat_map(|list| auto[*list].as_array().unwrap())
        .map(|entry| &entry["partner"])
        .collect();
    tried.sort_by_key(|p| p.as_str().unwrap().to_owned());
    assert_eq!(plan, json!(["badmail", "nocontact"]));
    assert_eq!(plan.as_array().unwrap().iter().collect::<Vec<_>>(), tried);

    let code = unsafe {
        followup_engine_remind_later(e, &h, s(T), T.len(), s("nocontact"), 9, s("2022-03-01"), 10)
    };
    assert_eq!(code, R::Ok);
    assert_eq!(ledger.partners["nocontact"]["next_reminder"], "2022-03-01");
    let code = unsafe { followup_engine_set_excluded(e, &h, s(T), T.len(), s("INV-3"), 5, true) };
    assert_eq!(code, R::Ok);
    assert_eq!(ledger.items["INV-3"]["excluded"], true);
    let code =
        unsafe { followup_engine_set_trust(e, &h, s(T), T.len(), s("badmail"), 7, s("good"), 4) };
    assert_eq!(code, R::Ok);
    assert_eq!(ledger.partners["badmail"]["trust"], "good");
    unsafe { followup_engine_free(e) };
}

#[test]
fn every_refusal_is_its_result_code_and_changes_nothing() {
    let e = engine(&policy()).unwrap();
    let mut ledger = Ledger::sample();
    let h = ledger.host();
    assert_eq!(
        process(e, &h, T, &json!({"partner": "nocontact"})),
        Err(R::MissingContact)
    );
    assert!(last_message().contains("nocontact"), "{}", last_message());
    assert_eq!(
        process(e, &h, T, &json!({"partner": "badmail"})),
        Err(R::DeliveryFailed)
    );
    assert!(
        last_message().contains("mailbox unavailable"),
        "{}",
        last_message()
    );
    assert_eq!(
        process(e, &h, T, &json!({"partner": "ghost"})),
        Err(R::NotFound)
    );
    assert_eq!(report(e, &h, "2022-02-30", "bluebird"), Err(R::InvalidData));
    assert_eq!(
        process(
            e,
            &h,
            T,
            &json!({"partner": "bluebird", "exclude": ["INV-9"]})
        ),
        Err(R::NotFound)
    );
    assert!(ledger.sent.is_empty() && ledger.chatter.is_empty());
    assert_eq!(ledger.items["INV-2"].get("level"), None);

    let mut levels = policy();
    levels["levels"][1]["delay_days"] = json!(10);
    assert_eq!(engine(&levels).err(), Some(R::InvalidPolicy as u32));
    let mut company = policy();
    company["company"]["currency"] = json!("euro");
    assert_eq!(engine(&company).err(), Some(R::InvalidData as u32));
    assert!(last_message().contains("currency"), "{}", last_message());
    unsafe { followup_engine_free(e) };
}

#[test]
fn a_failing_callback_aborts_and_garbage_is_invalid_data() {
    let e = engine(&policy()).unwrap();
    let mut ledger = Ledger::sample();
    ledger.fail = true;
    let h = ledger.host();
    assert_eq!(report(e, &h, T, "bluebird"), Err(R::CallbackFailed));
    assert!(
        last_message().contains("`get_partner`"),
        "{}",
        last_message()
    );

    // A partner document with a wrong type, and one with an unknown field.
    let mut ledger = Ledger::sample();
    ledger.partners.get_mut("bluebird").unwrap()["name"] = json!(7);
    ledger.partners.get_mut("nocontact").unwrap()["colour"] = json!("red");
    let h = ledger.host();
    assert_eq!(report(e, &h, T, "bluebird"), Err(R::InvalidData));
    assert!(last_message().contains("get_partner"), "{}", last_message());
    assert_eq!(report(e, &h, T, "nocontact"), Err(R::InvalidData));
    assert!(last_message().contains("colour"), "{}", last_message());
    // A whole-ledger read stops at the first broken page.
    assert_eq!(
        out(|o| unsafe { followup_engine_check(e, &h, o) }),
        Err(R::InvalidData)
    );
    assert!(
        last_message().contains("list_partners"),
        "{}",
        last_message()
    );
    unsafe { followup_engine_free(e) };
}

#[test]
fn a_host_without_a_callback_is_refused_before_any_call() {
    let e = engine(&policy()).unwrap();
    let mut ledger = Ledger::sample();
    let full = ledger.host();
    for field in 0..11 {
        let mut h = full;
        match field {
            0 => h.get_partner = None,
            1 => h.list_partners = None,
            2 => h.get_item = None,
            3 => h.list_items = None,
            4 => h.set_item_level = None,
            5 => h.set_next_reminder = None,
            6 => h.set_excluded = None,
            7 => h.set_trust = None,
            8 => h.send = None,
            9 => h.log = None,
            _ => h.schedule_task = None,
        }
        assert_eq!(
            process(e, &h, T, &json!({"partner": "bluebird"})),
            Err(R::NullParameter)
        );
        assert!(last_message().contains("host->"), "{}", last_message());
    }
    assert!(ledger.sent.is_empty());
    unsafe { followup_engine_free(e) };
}

/// Every export with each pointer argument NULL, and garbage where it takes data.
#[test]
fn null_and_garbage_arguments_give_error_codes() {
    let e = engine(&policy()).unwrap();
    let mut ledger = Ledger::sample();
    let h = ledger.host();
    let hp: *const followup_host = &h;
    let (d, dl) = (s(T), T.len());
    let bad = b"2022-01-\xff";
    let (b, bl) = (bad.as_ptr().cast(), bad.len());
    let huge = usize::MAX;
    let mut o: *mut followup_buffer = null_mut();
    let o: *mut *mut followup_buffer = &mut o;
    let req = r#"{"partner": "bluebird"}"#;
    let ids = r#"["bluebird"]"#;
    let n = null();
    unsafe {
        let cases: Vec<(&str, followup_result, followup_result)> = vec![
            (
                "new policy",
                followup_engine_new(n, 0, &mut null_mut()),
                R::NullParameter,
            ),
            (
                "new out",
                followup_engine_new(s("{}"), 2, null_mut()),
                R::NullParameter,
            ),
            (
                "new utf8",
                followup_engine_new(b, bl, &mut null_mut()),
                R::InvalidData,
            ),
            (
                "new huge",
                followup_engine_new(s("{}"), huge, &mut null_mut()),
                R::InvalidData,
            ),
            (
                "check engine",
                followup_engine_check(null(), hp, o),
                R::NullParameter,
            ),
            (
                "check host",
                followup_engine_check(e, null(), o),
                R::NullParameter,
            ),
            (
                "check out",
                followup_engine_check(e, hp, null_mut()),
                R::NullParameter,
            ),
            (
                "report engine",
                followup_engine_report(null(), hp, d, dl, s("x"), 1, o),
                R::NullParameter,
            ),
            (
                "report host",
                followup_engine_report(e, null(), d, dl, s("x"), 1, o),
                R::NullParameter,
            ),
            (
                "report today",
                followup_engine_report(e, hp, n, 0, s("x"), 1, o),
                R::NullParameter,
            ),
            (
                "report partner",
                followup_engine_report(e, hp, d, dl, n, 1, o),
                R::NullParameter,
            ),
            (
                "report out",
                followup_engine_report(e, hp, d, dl, s("x"), 1, null_mut()),
                R::NullParameter,
            ),
            (
                "report utf8",
                followup_engine_report(e, hp, b, bl, s("x"), 1, o),
                R::InvalidData,
            ),
            (
                "report date",
                followup_engine_report(e, hp, s("11/01/2022"), 10, s("x"), 1, o),
                R::InvalidData,
            ),
            (
                "print_letter engine",
                followup_engine_print_letter(null(), hp, d, dl, s("x"), 1, o),
                R::NullParameter,
            ),
            (
                "print_letter host",
                followup_engine_print_letter(e, null(), d, dl, s("x"), 1, o),
                R::NullParameter,
            ),
            (
                "print_letter today",
                followup_engine_print_letter(e, hp, n, 0, s("x"), 1, o),
                R::NullParameter,
            ),
            (
                "print_letter partner",
                followup_engine_print_letter(e, hp, d, dl, n, 1, o),
                R::NullParameter,
            ),
            (
                "print_letter out",
                followup_engine_print_letter(e, hp, d, dl, s("x"), 1, null_mut()),
                R::NullParameter,
            ),
            (
                "print_letter utf8",
                followup_engine_print_letter(e, hp, b, bl, s("x"), 1, o),
                R::InvalidData,
            ),
            (
                "print_letter date",
                followup_engine_print_letter(e, hp, s("11/01/2022"), 10, s("x"), 1, o),
                R::InvalidData,
            ),
            (
                "overview engine",
                followup_engine_overview(null(), hp, d, dl, o),
                R::NullParameter,
            ),
            (
                "overview host",
                followup_engine_overview(e, null(), d, dl, o),
                R::NullParameter,
            ),
            (
                "overview today",
                followup_engine_overview(e, hp, n, dl, o),
                R::NullParameter,
            ),
            (
                "overview out",
                followup_engine_overview(e, hp, d, dl, null_mut()),
                R::NullParameter,
            ),
            (
                "overview utf8",
                followup_engine_overview(e, hp, b, bl, o),
                R::InvalidData,
            ),
            (
                "process engine",
                followup_engine_process(null(), hp, d, dl, s(req), req.len(), o),
                R::NullParameter,
            ),
            (
                "process host",
                followup_engine_process(e, null(), d, dl, s(req), req.len(), o),
                R::NullParameter,
            ),
            (
                "process today",
                followup_engine_process(e, hp, n, dl, s(req), req.len(), o),
                R::NullParameter,
            ),
            (
                "process request",
                followup_engine_process(e, hp, d, dl, n, req.len(), o),
                R::NullParameter,
            ),
            (
                "process out",
                followup_engine_process(e, hp, d, dl, s(req), req.len(), null_mut()),
                R::NullParameter,
            ),
            (
                "process json",
                followup_engine_process(e, hp, d, dl, s(req), req.len() - 1, o),
                R::InvalidData,
            ),
            (
                "process type",
                followup_engine_process(e, hp, d, dl, s("[1]"), 3, o),
                R::InvalidData,
            ),
            (
                "batch engine",
                followup_engine_process_batch(null(), hp, d, dl, s(ids), ids.len(), o),
                R::NullParameter,
            ),
            (
                "batch host",
                followup_engine_process_batch(e, null(), d, dl, s(ids), ids.len(), o),
                R::NullParameter,
            ),
            (
                "batch today",
                followup_engine_process_batch(e, hp, n, dl, s(ids), ids.len(), o),
                R::NullParameter,
            ),
            (
                "batch partners",
                followup_engine_process_batch(e, hp, d, dl, n, ids.len(), o),
                R::NullParameter,
            ),
            (
                "batch out",
                followup_engine_process_batch(e, hp, d, dl, s(ids), ids.len(), null_mut()),
                R::NullParameter,
            ),
            (
                "batch type",
                followup_engine_process_batch(e, hp, d, dl, s(req), req.len(), o),
                R::InvalidData,
            ),
            (
                "auto engine",
                followup_engine_run_auto(null(), hp, d, dl, o),
                R::NullParameter,
            ),
            (
                "auto host",
                followup_engine_run_auto(e, null(), d, dl, o),
                R::NullParameter,
            ),
            (
                "auto today",
                followup_engine_run_auto(e, hp, n, dl, o),
                R::NullParameter,
            ),
            (
                "auto out",
                followup_engine_run_auto(e, hp, d, dl, null_mut()),
                R::NullParameter,
            ),
            (
                "auto date",
                followup_engine_run_auto(e, hp, s("2022-1-1"), 8, o),
                R::InvalidData,
            ),
            (
                "plan engine",
                followup_engine_plan_auto(null(), hp, d, dl, o),
                R::NullParameter,
            ),
            (
                "plan host",
                followup_engine_plan_auto(e, null(), d, dl, o),
                R::NullParameter,
            ),
            (
                "plan today",
                followup_engine_plan_auto(e, hp, n, dl, o),
                R::NullParameter,
            ),
            (
                "plan out",
                followup_engine_plan_auto(e, hp, d, dl, null_mut()),
                R::NullParameter,
            ),
            (
                "plan date",
                followup_engine_plan_auto(e, hp, s("2022-1-1"), 8, o),
                R::InvalidData,
            ),
            (
                "plan utf8",
                followup_engine_plan_auto(e, hp, b, bl, o),
                R::InvalidData,
            ),
            (
                "later engine",
                followup_engine_remind_later(null(), hp, d, dl, s("x"), 1, d, dl),
                R::NullParameter,
            ),
            (
                "later host",
                followup_engine_remind_later(e, null(), d, dl, s("x"), 1, d, dl),
                R::NullParameter,
            ),
            (
                "later today",
                followup_engine_remind_later(e, hp, n, dl, s("x"), 1, d, dl),
                R::NullParameter,
            ),
            (
                "later partner",
                followup_engine_remind_later(e, hp, d, dl, n, 1, d, dl),
                R::NullParameter,
            ),
            (
                "later date",
                followup_engine_remind_later(e, hp, d, dl, s("x"), 1, n, dl),
                R::NullParameter,
            ),
            (
                "later utf8",
                followup_engine_remind_later(e, hp, d, dl, s("x"), 1, b, bl),
                R::InvalidData,
            ),
            (
                "excluded engine",
                followup_engine_set_excluded(null(), hp, d, dl, s("x"), 1, true),
                R::NullParameter,
            ),
            (
                "excluded host",
                followup_engine_set_excluded(e, null(), d, dl, s("x"), 1, true),
                R::NullParameter,
            ),
            (
                "excluded today",
                followup_engine_set_excluded(e, hp, n, dl, s("x"), 1, true),
                R::NullParameter,
            ),
            (
                "excluded item",
                followup_engine_set_excluded(e, hp, d, dl, n, 1, true),
                R::NullParameter,
            ),
            (
                "excluded utf8",
                followup_engine_set_excluded(e, hp, d, dl, b, bl, true),
                R::InvalidData,
            ),
            (
                "trust engine",
                followup_engine_set_trust(null(), hp, d, dl, s("x"), 1, s("bad"), 3),
                R::NullParameter,
            ),
            (
                "trust host",
                followup_engine_set_trust(e, null(), d, dl, s("x"), 1, s("bad"), 3),
                R::NullParameter,
            ),
            (
                "trust today",
                followup_engine_set_trust(e, hp, n, dl, s("x"), 1, s("bad"), 3),
                R::NullParameter,
            ),
            (
                "trust partner",
                followup_engine_set_trust(e, hp, d, dl, n, 1, s("bad"), 3),
                R::NullParameter,
            ),
            (
                "trust trust",
                followup_engine_set_trust(e, hp, d, dl, s("x"), 1, n, 3),
                R::NullParameter,
            ),
            (
                "trust value",
                followup_engine_set_trust(e, hp, d, dl, s("x"), 1, s("Bad"), 3),
                R::InvalidData,
            ),
            (
                "write buffer",
                followup_buffer_write(null_mut(), s("x"), 1),
                R::NullParameter,
            ),
        ];
        for (what, got, want) in cases {
            assert_eq!(got, want, "{what}");
        }
        assert!((*o).is_null(), "no out-parameter written");
        assert!(followup_buffer_data(null()).is_null());
        assert_eq!(followup_buffer_len(null()), 0);
        followup_buffer_free(null_mut());
        followup_engine_free(null_mut());
        assert!(followup_error_message(null_mut(), 5) > 0);
        assert!(!followup_result_name(u32::MAX).is_null());
        assert!(!followup_version().is_null());
    }
    assert!(ledger.sent.is_empty() && ledger.chatter.is_empty());
    unsafe { followup_engine_free(e) };
}

#[test]
fn one_engine_serves_several_threads() {
    let e = engine(&policy()).unwrap() as usize;
    let threads: Vec<_> = (0..4)
        .map(|n| {
            std::thread::spawn(move || {
                let e = e as *const followup_engine;
                let mut ledger = Ledger::sample();
                let h = ledger.host();
                for _ in 0..20 {
                    assert_eq!(
                        report(e, &h, T, "bluebird").unwrap()["status"],
                        "in_need_of_action"
                    );
                    // The last error is per thread.
                    if n % 2 == 0 {
                        assert_eq!(report(e, &h, T, "ghost"), Err(R::NotFound));
                        assert_eq!(followup_error_kind(), R::NotFound);
                    } else {
                        assert_eq!(followup_error_kind(), R::Ok);
                    }
                }
                process(e, &h, T, &json!({"partner": "bluebird"})).unwrap();
                ledger.sent.len()
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), 1);
    }
    unsafe { followup_engine_free(e as *mut followup_engine) };
}
