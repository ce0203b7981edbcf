//! A host written against the C ABI, in Rust: a ledger of JSON values behind the
//! `followup_host` callbacks, and helpers to call the exports.

#![allow(dead_code)] // each test file uses a part

use std::collections::BTreeMap;
use std::ffi::{c_char, c_void};
use std::ptr::null_mut;

use followup::buffer::{followup_buffer_data, followup_buffer_free, followup_buffer_len};
use followup::engine::followup_engine_new;
use followup::error::followup_error_message;
use followup::{followup_buffer, followup_callback_result, followup_engine, followup_host};
use serde_json::{Value, json};

/// The policy of the tests: levels 10 (email, automatic), 15 (email, task), 30
/// (email, letter).
pub fn policy() -> Value {
    json!({
        "company": {"id": "main", "name": "Acme Supplies", "currency": "EUR"},
        "levels": [
            {"id": "first", "name": "First reminder", "delay_days": 10, "email": true, "auto_execute": true},
            {"id": "second", "name": "Second reminder", "delay_days": 15, "email": true,
             "manual_action": {"note": "Call the customer", "responsible": "collections"}},
            {"id": "final", "name": "Final notice", "delay_days": 30, "email": true, "send_letter": true, "join_invoices": true}
        ]
    })
}

/// An in-memory ledger, and what the engine did through the callbacks.
#[derive(Default, Debug)]
pub struct Ledger {
    pub partners: BTreeMap<String, Value>,
    pub items: BTreeMap<String, Value>,
    pub sent: Vec<Value>,
    pub chatter: Vec<Value>,
    pub tasks: Vec<Value>,
    /// Every callback fails when set.
    pub fail: bool,
}

impl Ledger {
    /// Three partners (one reachable, one without contact data, one whose email
    /// bounces), one invoice of 500 each, due 2022-01-01.
    pub fn sample() -> Ledger {
        let address =
            json!({"street": "1 Wharf Rd", "city": "Leeds", "zip": "LS1", "country": "GB"});
        let mut l = Ledger::default();
        for p in [
            json!({"id": "bluebird", "name": "Bluebird Ltd", "email": "ap@bluebird.test", "address": address}),
            json!({"id": "nocontact", "name": "No Contact SA"}),
            json!({"id": "badmail", "name": "Badmail Co", "email": "ap@badmail.invalid"}),
        ] {
            l.partners.insert(p["id"].as_str().unwrap().into(), p);
        }
        for (id, partner) in [
            ("INV-1", "bluebird"),
            ("INV-2", "nocontact"),
            ("INV-3", "badmail"),
        ] {
            l.items.insert(
                id.into(),
                json!({"id": id, "partner": partner, "number": format!("2022/{id}"),
                       "invoice_date": "2021-12-01", "due_date": "2022-01-01",
                       "amount": "500.00", "residual": "500.00"}),
            );
        }
        l
    }

    /// The host struct over this ledger (valid while the ledger does not move).
    pub fn host(&mut self) -> followup_host {
        followup_host {
            userdata: (self as *mut Ledger).cast(),
            get_partner: Some(get_partner),
            list_partners: Some(list_partners),
            get_item: Some(get_item),
            list_items: Some(list_items),
            set_item_level: Some(set_item_level),
            set_next_reminder: Some(set_next_reminder),
            set_excluded: Some(set_excluded),
            set_trust: Some(set_trust),
            send: Some(send),
            log: Some(log),
            schedule_task: Some(schedule_task),
        }
    }
}

const OK: u32 = followup_callback_result::Ok as u32;
const FAILED: u32 = followup_callback_result::Failed as u32;

unsafe fn ledger<'a>(ud: *mut c_void) -> &'a mut Ledger {
    unsafe { &mut *ud.cast::<Ledger>() }
}

unsafe fn text(p: *const c_char, len: usize) -> Option<String> {
    if p.is_null() {
        return None;
    }
    // The library also NUL-terminates what it hands over.
    assert_eq!(
        unsafe { *p.add(len) },
        0,
        "strings handed to callbacks end with NUL"
    );
    let bytes = unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len) };
    Some(String::from_utf8(bytes.to_vec()).unwrap())
}

unsafe fn answer(out: *mut followup_buffer, value: &Value) -> u32 {
    let text = value.to_string();
    unsafe { followup::buffer::followup_buffer_write(out, text.as_ptr().cast(), text.len()) as u32 }
}

/// Up to `limit` records after `cursor` (ids in order), and the next cursor.
fn page(
    records: &BTreeMap<String, Value>,
    keep: impl Fn(&Value) -> bool,
    cursor: Option<String>,
    limit: u32,
) -> (Vec<Value>, Value) {
    let limit = limit.clamp(1, 2) as usize; // small pages, so the engine pages
    let mut ids = records
        .iter()
        .filter(|(id, v)| cursor.as_ref().is_none_or(|c| *id > c) && keep(v));
    let page: Vec<(&String, &Value)> = ids.by_ref().take(limit).collect();
    let next = match (ids.next(), page.last()) {
        (Some(_), Some((id, _))) => json!(id),
        _ => Value::Null,
    };
    (page.into_iter().map(|(_, v)| v.clone()).collect(), next)
}

unsafe extern "C" fn get_partner(
    ud: *mut c_void,
    id: *const c_char,
    len: usize,
    out: *mut followup_buffer,
) -> u32 {
    let l = unsafe { ledger(ud) };
    if l.fail {
        return FAILED;
    }
    let id = unsafe { text(id, len) }.unwrap();
    unsafe { answer(out, l.partners.get(&id).unwrap_or(&Value::Null)) }
}

unsafe extern "C" fn list_partners(
    ud: *mut c_void,
    cursor: *const c_char,
    len: usize,
    limit: u32,
    out: *mut followup_buffer,
) -> u32 {
    let l = unsafe { ledger(ud) };
    if l.fail {
        return FAILED;
    }
    let (records, next) = page(&l.partners, |_| true, unsafe { text(cursor, len) }, limit);
    unsafe { answer(out, &json!({"partners": records, "next": next})) }
}

unsafe extern "C" fn get_item(
    ud: *mut c_void,
    id: *const c_char,
    len: usize,
    out: *mut followup_buffer,
) -> u32 {
    let l = unsafe { ledger(ud) };
    if l.fail {
        return FAILED;
    }
    let id = unsafe { text(id, len) }.unwrap();
    unsafe { answer(out, l.items.get(&id).unwrap_or(&Value::Null)) }
}

unsafe extern "C" fn list_items(
    ud: *mut c_void,
    partner: *const c_char,
    partner_len: usize,
    cursor: *const c_char,
    cursor_len: usize,
    limit: u32,
    out: *mut followup_buffer,
) -> u32 {
    let l = unsafe { ledger(ud) };
    if l.fail {
        return FAILED;
    }
    let partner = unsafe { text(partner, partner_len) };
    let keep = |v: &Value| partner.as_ref().is_none_or(|p| v["partner"] == *p);
    let (records, next) = page(&l.items, keep, unsafe { text(cursor, cursor_len) }, limit);
    unsafe { answer(out, &json!({"items": records, "next": next})) }
}

unsafe fn set(
    ud: *mut c_void,
    map: fn(&mut Ledger) -> &mut BTreeMap<String, Value>,
    id: *const c_char,
    id_len: usize,
    field: &str,
    value: Value,
) -> u32 {
    let l = unsafe { ledger(ud) };
    if l.fail {
        return FAILED;
    }
    let id = unsafe { text(id, id_len) }.unwrap();
    match map(l).get_mut(&id) {
        Some(record) => {
            record[field] = value;
            OK
        }
        None => FAILED,
    }
}

unsafe extern "C" fn set_item_level(
    ud: *mut c_void,
    item: *const c_char,
    item_len: usize,
    level: *const c_char,
    level_len: usize,
) -> u32 {
    let level = json!(unsafe { text(level, level_len) });
    unsafe { set(ud, |l| &mut l.items, item, item_len, "level", level) }
}

unsafe extern "C" fn set_next_reminder(
    ud: *mut c_void,
    partner: *const c_char,
    partner_len: usize,
    date: *const c_char,
    date_len: usize,
) -> u32 {
    let date = json!(unsafe { text(date, date_len) });
    unsafe {
        set(
            ud,
            |l| &mut l.partners,
            partner,
            partner_len,
            "next_reminder",
            date,
        )
    }
}

unsafe extern "C" fn set_excluded(
    ud: *mut c_void,
    item: *const c_char,
    item_len: usize,
    excluded: bool,
) -> u32 {
    unsafe {
        set(
            ud,
            |l| &mut l.items,
            item,
            item_len,
            "excluded",
            json!(excluded),
        )
    }
}

unsafe extern "C" fn set_trust(
    ud: *mut c_void,
    partner: *const c_char,
    partner_len: usize,
    trust: *const c_char,
    trust_len: usize,
) -> u32 {
    let trust = json!(unsafe { text(trust, trust_len) });
    unsafe {
        set(
            ud,
            |l| &mut l.partners,
            partner,
            partner_len,
            "trust",
            trust,
        )
    }
}

unsafe extern "C" fn send(
    ud: *mut c_void,
    message: *const c_char,
    len: usize,
    reason: *mut followup_buffer,
) -> u32 {
    let l = unsafe { ledger(ud) };
    if l.fail {
        return FAILED;
    }
    let message: Value = serde_json::from_str(&unsafe { text(message, len) }.unwrap()).unwrap();
    if message["to"].as_str().unwrap().ends_with(".invalid") {
        let why = "mailbox unavailable";
        unsafe { followup::buffer::followup_buffer_write(reason, why.as_ptr().cast(), why.len()) };
        return followup_callback_result::NotDelivered as u32;
    }
    l.sent.push(message);
    OK
}

unsafe extern "C" fn log(ud: *mut c_void, entry: *const c_char, len: usize) -> u32 {
    let l = unsafe { ledger(ud) };
    if l.fail {
        return FAILED;
    }
    l.chatter
        .push(serde_json::from_str(&unsafe { text(entry, len) }.unwrap()).unwrap());
    OK
}

unsafe extern "C" fn schedule_task(ud: *mut c_void, task: *const c_char, len: usize) -> u32 {
    let l = unsafe { ledger(ud) };
    if l.fail {
        return FAILED;
    }
    l.tasks
        .push(serde_json::from_str(&unsafe { text(task, len) }.unwrap()).unwrap());
    OK
}

/// An engine over `policy`, or the result code.
pub fn engine(policy: &Value) -> Result<*mut followup_engine, u32> {
    let text = policy.to_string();
    let mut engine = null_mut();
    let code = unsafe { followup_engine_new(text.as_ptr().cast(), text.len(), &mut engine) } as u32;
    if code == 0 { Ok(engine) } else { Err(code) }
}

/// The content of a result buffer, which is freed.
pub fn take(buf: *mut followup_buffer) -> Value {
    assert!(!buf.is_null());
    let value = unsafe {
        let bytes = std::slice::from_raw_parts(
            followup_buffer_data(buf).cast::<u8>(),
            followup_buffer_len(buf),
        );
        serde_json::from_slice(bytes).unwrap()
    };
    unsafe { followup_buffer_free(buf) };
    value
}

/// The calling thread's last error message.
pub fn last_message() -> String {
    let len = unsafe { followup_error_message(null_mut(), 0) };
    let mut buf = vec![0u8; len + 1];
    unsafe { followup_error_message(buf.as_mut_ptr().cast(), buf.len()) };
    buf.truncate(len);
    String::from_utf8(buf).unwrap()
}

/// A Rust string as a pointer + length pair's pointer.
pub fn s(text: &str) -> *const c_char {
    text.as_ptr().cast()
}
