//! `followup_host`: the host's ledger, messaging and chatter as C callbacks, and
//! [`CHost`], which implements the engine's ports with them.
//!
//! Translation only: ids and dates go out as strings, records come in as JSON documents
//! of the engine's serde types and go out the same way. A callback that fails, or
//! returns a document that cannot be read, aborts the operation: no further callback
//! is called and the operation returns `callback_failed` or `invalid_data`.

use std::ffi::{c_char, c_void};

use followup_engine::{
    ChatterEntry, ItemRecord, Message, NaiveDate, Page, PartnerRecord, Task, Trust, format_date,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::buffer::followup_buffer;
use crate::error::{Failure, followup_callback_result, followup_result};
use crate::text::{CText, opt_parts};

/// Reads one partner: writes the partner document (`docs/capi-schema.md`, PARTNER)
/// into `out`, or `null` when the ledger has no partner `id`.
pub type followup_get_partner_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        id: *const c_char,
        id_len: usize,
        out: *mut followup_buffer,
    ) -> u32,
>;

/// Reads a page of partners: at most `limit` partners after `cursor` (NULL: from the
/// first), written into `out` as `{"partners": [PARTNER...], "next": CURSOR|null}`,
/// `next` being the cursor of the following page (null after the last page).
pub type followup_list_partners_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        cursor: *const c_char,
        cursor_len: usize,
        limit: u32,
        out: *mut followup_buffer,
    ) -> u32,
>;

/// Reads one open item: writes the item document (ITEM) into `out`, or `null` when the
/// ledger has no item `id`.
pub type followup_get_item_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        id: *const c_char,
        id_len: usize,
        out: *mut followup_buffer,
    ) -> u32,
>;

/// Reads a page of open items of `partner` (NULL: of every partner): at most `limit`
/// items after `cursor` (NULL: from the first), written into `out` as
/// `{"items": [ITEM...], "next": CURSOR|null}`.
pub type followup_list_items_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        partner: *const c_char,
        partner_len: usize,
        cursor: *const c_char,
        cursor_len: usize,
        limit: u32,
        out: *mut followup_buffer,
    ) -> u32,
>;

/// Records the follow-up level item `item` has reached (`level` NULL: none).
pub type followup_set_item_level_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        item: *const c_char,
        item_len: usize,
        level: *const c_char,
        level_len: usize,
    ) -> u32,
>;

/// Records a partner's next reminder date, `YYYY-MM-DD` (`date` NULL: none).
pub type followup_set_next_reminder_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        partner: *const c_char,
        partner_len: usize,
        date: *const c_char,
        date_len: usize,
    ) -> u32,
>;

/// Sets or clears an item's "No follow-up" flag.
pub type followup_set_excluded_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        item: *const c_char,
        item_len: usize,
        excluded: bool,
    ) -> u32,
>;

/// Sets a partner's trust level: `trust` is `good`, `normal` or `bad`.
pub type followup_set_trust_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        partner: *const c_char,
        partner_len: usize,
        trust: *const c_char,
        trust_len: usize,
    ) -> u32,
>;

/// Delivers one message (MESSAGE document: channel, recipient, `to`, subject, text,
/// html, items, attachments, and the idempotency `key`: drop a repeat of a key already
/// delivered). Return `FOLLOWUP_CALLBACK_RESULT_OK` when delivered, or
/// `FOLLOWUP_CALLBACK_RESULT_NOT_DELIVERED` with the reason written into `reason`
/// (the operation then fails with `FOLLOWUP_RESULT_DELIVERY_FAILED` and the partner
/// is not advanced).
pub type followup_send_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        message: *const c_char,
        message_len: usize,
        reason: *mut followup_buffer,
    ) -> u32,
>;

/// Logs one chatter entry (ENTRY document: `target` `{"partner": ID}` or
/// `{"item": ID}`, `date`, `body`).
pub type followup_log_callback = Option<
    unsafe extern "C" fn(userdata: *mut c_void, entry: *const c_char, entry_len: usize) -> u32,
>;

/// Schedules a task for a person (TASK document: `key`, partner, level, date, note,
/// responsible, items).
pub type followup_schedule_task_callback = Option<
    unsafe extern "C" fn(userdata: *mut c_void, task: *const c_char, task_len: usize) -> u32,
>;

/// The host: its ledger, messaging and chatter, as callbacks. Every callback must be
/// set (an operation given a NULL one returns `FOLLOWUP_RESULT_NULL_PARAMETER` and
/// calls nothing). Each receives `userdata` first, unchanged.
///
/// Callbacks run on the thread that called the operation, one at a time, before the
/// operation returns. Strings they receive are UTF-8, pointer + length, followed by a
/// NUL byte the length does not count; they are valid only during the callback. A read
/// callback writes its JSON answer into the `followup_buffer` it is given, with
/// `followup_buffer_write`; that buffer belongs to the library. Each callback returns a
/// `followup_callback_result`; anything but `FOLLOWUP_CALLBACK_RESULT_OK` (and, for
/// `send`, `FOLLOWUP_CALLBACK_RESULT_NOT_DELIVERED`) aborts the operation with
/// `FOLLOWUP_RESULT_CALLBACK_FAILED`. Callbacks must not unwind (C++ exceptions,
/// `longjmp`) through the library.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct followup_host {
    /// Passed as the first argument of every callback.
    pub userdata: *mut c_void,
    /// Ledger: one partner.
    pub get_partner: followup_get_partner_callback,
    /// Ledger: a page of partners.
    pub list_partners: followup_list_partners_callback,
    /// Ledger: one open item.
    pub get_item: followup_get_item_callback,
    /// Ledger: a page of open items.
    pub list_items: followup_list_items_callback,
    /// Ledger write: an item's level.
    pub set_item_level: followup_set_item_level_callback,
    /// Ledger write: a partner's next reminder date.
    pub set_next_reminder: followup_set_next_reminder_callback,
    /// Ledger write: an item's "No follow-up" flag.
    pub set_excluded: followup_set_excluded_callback,
    /// Ledger write: a partner's trust level.
    pub set_trust: followup_set_trust_callback,
    /// Messaging: deliver one message.
    pub send: followup_send_callback,
    /// Chatter: log one entry.
    pub log: followup_log_callback,
    /// Chatter: schedule one task.
    pub schedule_task: followup_schedule_task_callback,
}

/// Unwraps a callback field, naming it when it is NULL.
macro_rules! required {
    ($host:ident . $field:ident) => {
        $host
            .$field
            .ok_or_else(|| Failure::null(concat!("host->", stringify!($field))))?
    };
}

/// The callbacks, checked non-NULL.
struct Callbacks {
    get_partner:
        unsafe extern "C" fn(*mut c_void, *const c_char, usize, *mut followup_buffer) -> u32,
    list_partners:
        unsafe extern "C" fn(*mut c_void, *const c_char, usize, u32, *mut followup_buffer) -> u32,
    get_item: unsafe extern "C" fn(*mut c_void, *const c_char, usize, *mut followup_buffer) -> u32,
    list_items: unsafe extern "C" fn(
        *mut c_void,
        *const c_char,
        usize,
        *const c_char,
        usize,
        u32,
        *mut followup_buffer,
    ) -> u32,
    set_item_level:
        unsafe extern "C" fn(*mut c_void, *const c_char, usize, *const c_char, usize) -> u32,
    set_next_reminder:
        unsafe extern "C" fn(*mut c_void, *const c_char, usize, *const c_char, usize) -> u32,
    set_excluded: unsafe extern "C" fn(*mut c_void, *const c_char, usize, bool) -> u32,
    set_trust: unsafe extern "C" fn(*mut c_void, *const c_char, usize, *const c_char, usize) -> u32,
    send: unsafe extern "C" fn(*mut c_void, *const c_char, usize, *mut followup_buffer) -> u32,
    log: unsafe extern "C" fn(*mut c_void, *const c_char, usize) -> u32,
    schedule_task: unsafe extern "C" fn(*mut c_void, *const c_char, usize) -> u32,
}

/// A page of partners as `list_partners` writes it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PartnerPage {
    partners: Vec<PartnerRecord>,
    #[serde(default)]
    next: Option<String>,
}

/// A page of items as `list_items` writes it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemPage {
    items: Vec<ItemRecord>,
    #[serde(default)]
    next: Option<String>,
}

/// The page a failed read gives the engine (which the failure then overrides).
fn empty_page<T>() -> Page<T> {
    Page {
        records: Vec::new(),
        next: None,
    }
}

/// The engine's ports over a [`followup_host`], for the length of one operation.
pub struct CHost {
    userdata: *mut c_void,
    cb: Callbacks,
    /// The first callback failure; once set, no callback is called any more.
    failure: Option<Failure>,
}

impl CHost {
    /// Checks that every callback is set.
    pub fn new(host: &followup_host) -> Result<CHost, Failure> {
        let cb = Callbacks {
            get_partner: required!(host.get_partner),
            list_partners: required!(host.list_partners),
            get_item: required!(host.get_item),
            list_items: required!(host.list_items),
            set_item_level: required!(host.set_item_level),
            set_next_reminder: required!(host.set_next_reminder),
            set_excluded: required!(host.set_excluded),
            set_trust: required!(host.set_trust),
            send: required!(host.send),
            log: required!(host.log),
            schedule_task: required!(host.schedule_task),
        };
        Ok(CHost {
            userdata: host.userdata,
            cb,
            failure: None,
        })
    }

    /// The operation's result: the first callback failure wins over whatever the
    /// engine made of the aborted call; otherwise the engine's result.
    pub fn finish<T>(self, result: Result<T, followup_engine::Error>) -> Result<T, Failure> {
        match self.failure {
            Some(failure) => Err(failure),
            None => result.map_err(Failure::from),
        }
    }

    /// Whether an earlier callback failed (then nothing more is called).
    fn aborted(&self) -> bool {
        self.failure.is_some()
    }

    fn fail(&mut self, result: followup_result, message: String) {
        if self.failure.is_none() {
            self.failure = Some(Failure::new(result, message));
        }
    }

    /// Checks a callback's return value; false (and the operation aborted) on failure.
    fn returned(&mut self, name: &str, code: u32) -> bool {
        if code == followup_callback_result::Ok as u32 {
            return true;
        }
        self.fail(
            followup_result::CallbackFailed,
            format!("the host's `{name}` callback failed (it returned {code})"),
        );
        false
    }

    /// Runs a read callback with a fresh buffer and decodes its JSON answer.
    fn read<T: DeserializeOwned>(
        &mut self,
        name: &str,
        what: &str,
        call: impl FnOnce(&Callbacks, *mut c_void, *mut followup_buffer) -> u32,
    ) -> Option<T> {
        if self.aborted() {
            return None;
        }
        let mut out = followup_buffer::lent();
        let code = call(&self.cb, self.userdata, &mut out);
        if !self.returned(name, code) {
            return None;
        }
        match serde_json::from_slice(out.content()) {
            Ok(value) => Some(value),
            Err(e) => {
                self.fail(
                    followup_result::InvalidData,
                    format!("the host's `{name}` callback did not write {what}: {e}"),
                );
                None
            }
        }
    }

    /// Runs a write callback.
    fn write(&mut self, name: &str, call: impl FnOnce(&Callbacks, *mut c_void) -> u32) {
        if self.aborted() {
            return;
        }
        let code = call(&self.cb, self.userdata);
        self.returned(name, code);
    }

    /// A record as a JSON document for a callback.
    fn document(&mut self, what: &str, value: &impl serde::Serialize) -> Option<CText> {
        match serde_json::to_vec(value) {
            Ok(json) => Some(CText::new(&json)),
            Err(e) => {
                self.fail(
                    followup_result::InvalidData,
                    format!("cannot write the {what} as JSON: {e}"),
                );
                None
            }
        }
    }
}

impl followup_engine::Ledger for CHost {
    fn partner(&mut self, id: &str) -> Option<PartnerRecord> {
        let id = CText::new(id.as_bytes());
        self.read::<Option<PartnerRecord>>(
            "get_partner",
            "a partner document or null",
            |cb, ud, out| unsafe { (cb.get_partner)(ud, id.ptr(), id.len(), out) },
        )
        .flatten()
    }

    fn partners(&mut self, cursor: Option<&str>, limit: u32) -> Page<PartnerRecord> {
        let cursor = cursor.map(|c| CText::new(c.as_bytes()));
        let (cursor_ptr, cursor_len) = opt_parts(cursor.as_ref());
        self.read::<PartnerPage>(
            "list_partners",
            "a page of partners ({\"partners\": [...], \"next\": ...})",
            |cb, ud, out| unsafe { (cb.list_partners)(ud, cursor_ptr, cursor_len, limit, out) },
        )
        .map_or_else(empty_page, |p| Page {
            records: p.partners,
            next: p.next,
        })
    }

    fn item(&mut self, id: &str) -> Option<ItemRecord> {
        let id = CText::new(id.as_bytes());
        self.read::<Option<ItemRecord>>(
            "get_item",
            "an item document or null",
            |cb, ud, out| unsafe { (cb.get_item)(ud, id.ptr(), id.len(), out) },
        )
        .flatten()
    }

    fn items(
        &mut self,
        partner: Option<&str>,
        cursor: Option<&str>,
        limit: u32,
    ) -> Page<ItemRecord> {
        let partner = partner.map(|p| CText::new(p.as_bytes()));
        let cursor = cursor.map(|c| CText::new(c.as_bytes()));
        let (partner_ptr, partner_len) = opt_parts(partner.as_ref());
        let (cursor_ptr, cursor_len) = opt_parts(cursor.as_ref());
        self.read::<ItemPage>(
            "list_items",
            "a page of items ({\"items\": [...], \"next\": ...})",
            |cb, ud, out| unsafe {
                (cb.list_items)(
                    ud,
                    partner_ptr,
                    partner_len,
                    cursor_ptr,
                    cursor_len,
                    limit,
                    out,
                )
            },
        )
        .map_or_else(empty_page, |p| Page {
            records: p.items,
            next: p.next,
        })
    }

    fn set_item_level(&mut self, item: &str, level: Option<&str>) {
        let item = CText::new(item.as_bytes());
        let level = level.map(|l| CText::new(l.as_bytes()));
        let (level_ptr, level_len) = opt_parts(level.as_ref());
        self.write("set_item_level", |cb, ud| unsafe {
            (cb.set_item_level)(ud, item.ptr(), item.len(), level_ptr, level_len)
        });
    }

    fn set_next_reminder(&mut self, partner: &str, date: Option<NaiveDate>) {
        let partner = CText::new(partner.as_bytes());
        let date = date.map(|d| CText::new(format_date(d).as_bytes()));
        let (date_ptr, date_len) = opt_parts(date.as_ref());
        self.write("set_next_reminder", |cb, ud| unsafe {
            (cb.set_next_reminder)(ud, partner.ptr(), partner.len(), date_ptr, date_len)
        });
    }

    fn set_excluded(&mut self, item: &str, excluded: bool) {
        let item = CText::new(item.as_bytes());
        self.write("set_excluded", |cb, ud| unsafe {
            (cb.set_excluded)(ud, item.ptr(), item.len(), excluded)
        });
    }

    fn set_trust(&mut self, partner: &str, trust: Trust) {
        let partner = CText::new(partner.as_bytes());
        let trust = CText::new(trust.as_str().as_bytes());
        self.write("set_trust", |cb, ud| unsafe {
            (cb.set_trust)(ud, partner.ptr(), partner.len(), trust.ptr(), trust.len())
        });
    }
}

impl followup_engine::Messaging for CHost {
    fn send(&mut self, message: &Message) -> Result<(), String> {
        const ABORTED: &str = "not sent: an earlier callback failed";
        if self.aborted() {
            return Err(ABORTED.into());
        }
        let Some(doc) = self.document("message", message) else {
            return Err(ABORTED.into());
        };
        let mut reason = followup_buffer::lent();
        // SAFETY: the callback receives live pointers for the length of the call.
        let code = unsafe { (self.cb.send)(self.userdata, doc.ptr(), doc.len(), &mut reason) };
        if code == followup_callback_result::NotDelivered as u32 {
            let reason = String::from_utf8_lossy(reason.content());
            let reason = reason.trim();
            return Err(if reason.is_empty() {
                "the host did not deliver the message".to_string()
            } else {
                reason.to_string()
            });
        }
        if self.returned("send", code) {
            Ok(())
        } else {
            Err(ABORTED.into())
        }
    }
}

impl followup_engine::Chatter for CHost {
    fn log(&mut self, entry: &ChatterEntry) {
        if self.aborted() {
            return;
        }
        if let Some(doc) = self.document("chatter entry", entry) {
            self.write("log", |cb, ud| unsafe {
                (cb.log)(ud, doc.ptr(), doc.len())
            });
        }
    }

    fn schedule_task(&mut self, task: &Task) {
        if self.aborted() {
            return;
        }
        if let Some(doc) = self.document("task", task) {
            self.write("schedule_task", |cb, ud| unsafe {
                (cb.schedule_task)(ud, doc.ptr(), doc.len())
            });
        }
    }
}
