//! The C ABI driver: runs the engine's operations through the built `libfollowup`
//! shared library (loaded with `libloading`), with a [`MemLedger`] behind its host
//! callbacks. The second transport of the conformance runner, beside the component.
//!
//! It is a C ABI host written in Rust: it declares the header's types itself (as any
//! foreign host does), turns the ledger's WIT records into the JSON documents of
//! `docs/capi-schema.md` and back ([`json`]), and maps results as the component runtime
//! does: a refusal is `Ok(Err(error))`; a failure of the call itself
//! (`callback_failed`, `null_parameter`, `panic`) is the outer `Err`, like a trap, and
//! leaves the ledger as it was before the call.

pub mod json;

use std::ffi::{CStr, c_char, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow, bail};
use libloading::Library;

use crate::conformance::Driver;
use crate::ledger::MemLedger;
use crate::runtime::Outcome;
use crate::wit::api::{
    BatchOutcome, LedgerSummary, Letter, OverviewLine, PartnerReport, ProcessOutcome,
    ProcessRequest,
};
use crate::wit::chatter::{self, Host as _};
use crate::wit::ledger::Host as _;
use crate::wit::messaging::{self, Host as _};
use crate::wit::types;
use json::Document;

/// The environment variable naming the library to load (overrides the search).
pub const LIB_ENV: &str = "FOLLOWUP_CAPI_LIB";

/// `followup_buffer` (opaque).
#[repr(C)]
struct Buffer {
    _opaque: [u8; 0],
}

/// `followup_engine` (opaque).
#[repr(C)]
struct EngineHandle {
    _opaque: [u8; 0],
}

type GetFn = unsafe extern "C" fn(*mut c_void, *const c_char, usize, *mut Buffer) -> u32;
type ListPartnersFn =
    unsafe extern "C" fn(*mut c_void, *const c_char, usize, u32, *mut Buffer) -> u32;
type ListItemsFn = unsafe extern "C" fn(
    *mut c_void,
    *const c_char,
    usize,
    *const c_char,
    usize,
    u32,
    *mut Buffer,
) -> u32;
type SetTextFn =
    unsafe extern "C" fn(*mut c_void, *const c_char, usize, *const c_char, usize) -> u32;
type SetFlagFn = unsafe extern "C" fn(*mut c_void, *const c_char, usize, bool) -> u32;
type SendFn = unsafe extern "C" fn(*mut c_void, *const c_char, usize, *mut Buffer) -> u32;
type DocFn = unsafe extern "C" fn(*mut c_void, *const c_char, usize) -> u32;

/// `followup_host`, field for field.
#[repr(C)]
struct Host {
    userdata: *mut c_void,
    get_partner: Option<GetFn>,
    list_partners: Option<ListPartnersFn>,
    get_item: Option<GetFn>,
    list_items: Option<ListItemsFn>,
    set_item_level: Option<SetTextFn>,
    set_next_reminder: Option<SetTextFn>,
    set_excluded: Option<SetFlagFn>,
    set_trust: Option<SetTextFn>,
    send: Option<SendFn>,
    log: Option<DocFn>,
    schedule_task: Option<DocFn>,
}

type Out = *mut *mut Buffer;
type Str = *const c_char;
type E = *const EngineHandle;
type H = *const Host;

/// The library's exports this driver calls.
struct Api {
    version: unsafe extern "C" fn() -> *const c_char,
    result_name: unsafe extern "C" fn(u32) -> *const c_char,
    error_message: unsafe extern "C" fn(*mut c_char, usize) -> usize,
    buffer_data: unsafe extern "C" fn(*const Buffer) -> *const c_char,
    buffer_len: unsafe extern "C" fn(*const Buffer) -> usize,
    buffer_write: unsafe extern "C" fn(*mut Buffer, *const c_char, usize) -> u32,
    buffer_free: unsafe extern "C" fn(*mut Buffer),
    engine_new: unsafe extern "C" fn(Str, usize, *mut *mut EngineHandle) -> u32,
    engine_free: unsafe extern "C" fn(*mut EngineHandle),
    check: unsafe extern "C" fn(E, H, Out) -> u32,
    report: unsafe extern "C" fn(E, H, Str, usize, Str, usize, Out) -> u32,
    print_letter: unsafe extern "C" fn(E, H, Str, usize, Str, usize, Out) -> u32,
    overview: unsafe extern "C" fn(E, H, Str, usize, Out) -> u32,
    process: unsafe extern "C" fn(E, H, Str, usize, Str, usize, Out) -> u32,
    process_batch: unsafe extern "C" fn(E, H, Str, usize, Str, usize, Out) -> u32,
    run_auto: unsafe extern "C" fn(E, H, Str, usize, Out) -> u32,
    plan_auto: unsafe extern "C" fn(E, H, Str, usize, Out) -> u32,
    remind_later: unsafe extern "C" fn(E, H, Str, usize, Str, usize, Str, usize) -> u32,
    set_excluded: unsafe extern "C" fn(E, H, Str, usize, Str, usize, bool) -> u32,
    set_trust: unsafe extern "C" fn(E, H, Str, usize, Str, usize, Str, usize) -> u32,
}

/// `FOLLOWUP_RESULT_OK`.
const OK: u32 = 0;
/// `FOLLOWUP_CALLBACK_RESULT_OK`, `_NOT_DELIVERED`, `_FAILED`.
const CB_OK: u32 = 0;
const CB_NOT_DELIVERED: u32 = 1;
const CB_FAILED: u32 = 2;

/// The engine's operations through `libfollowup`.
pub struct CapiDriver {
    api: Api,
    path: PathBuf,
    // Last: the function pointers in `api` point into it.
    _lib: Library,
}

impl std::fmt::Debug for CapiDriver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CapiDriver")
            .field("path", &self.path)
            .finish()
    }
}

impl CapiDriver {
    /// Loads the library at `path`.
    pub fn load(path: &Path) -> anyhow::Result<CapiDriver> {
        // SAFETY: loading runs the library's initialisers; libfollowup has none beyond
        // Rust's standard ones.
        let lib = unsafe { Library::new(path) }
            .with_context(|| format!("cannot load the C ABI library {}", path.display()))?;
        macro_rules! sym {
            ($name:literal) => {
                // SAFETY: the type is the header's signature of that function.
                *unsafe { lib.get(concat!($name, "\0").as_bytes()) }
                    .with_context(|| format!("{} does not export {}", path.display(), $name))?
            };
        }
        let api = Api {
            version: sym!("followup_version"),
            result_name: sym!("followup_result_name"),
            error_message: sym!("followup_error_message"),
            buffer_data: sym!("followup_buffer_data"),
            buffer_len: sym!("followup_buffer_len"),
            buffer_write: sym!("followup_buffer_write"),
            buffer_free: sym!("followup_buffer_free"),
            engine_new: sym!("followup_engine_new"),
            engine_free: sym!("followup_engine_free"),
            check: sym!("followup_engine_check"),
            report: sym!("followup_engine_report"),
            print_letter: sym!("followup_engine_print_letter"),
            overview: sym!("followup_engine_overview"),
            process: sym!("followup_engine_process"),
            process_batch: sym!("followup_engine_process_batch"),
            run_auto: sym!("followup_engine_run_auto"),
            plan_auto: sym!("followup_engine_plan_auto"),
            remind_later: sym!("followup_engine_remind_later"),
            set_excluded: sym!("followup_engine_set_excluded"),
            set_trust: sym!("followup_engine_set_trust"),
        };
        Ok(CapiDriver {
            api,
            path: path.to_path_buf(),
            _lib: lib,
        })
    }

    /// Loads the library named by `FOLLOWUP_CAPI_LIB`, or found by [`find_library`].
    pub fn load_default() -> anyhow::Result<CapiDriver> {
        CapiDriver::load(&find_library()?)
    }

    /// The path the library was loaded from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The library's `followup_version()`.
    pub fn version(&self) -> String {
        // SAFETY: a static NUL-terminated string.
        unsafe { CStr::from_ptr((self.api.version)()) }
            .to_string_lossy()
            .into_owned()
    }

    /// The calling thread's last error message.
    fn last_message(&self) -> String {
        // SAFETY: NULL/0 asks for the length; then a buffer of that length + 1.
        let len = unsafe { (self.api.error_message)(std::ptr::null_mut(), 0) };
        let mut buf = vec![0u8; len + 1];
        unsafe { (self.api.error_message)(buf.as_mut_ptr().cast(), buf.len()) };
        buf.truncate(len);
        String::from_utf8_lossy(&buf).into_owned()
    }

    /// A result code as the driver returns it: a refusal, or a failure of the call.
    fn refusal(&self, export: &str, code: u32) -> anyhow::Result<types::Error> {
        // SAFETY: a static NUL-terminated string for any value.
        let name = unsafe { CStr::from_ptr((self.api.result_name)(code)) }
            .to_string_lossy()
            .into_owned();
        let message = self.last_message();
        json::error(&name, message.clone())
            .ok_or_else(|| anyhow!("`{export}` failed in the C ABI: {name} ({code}): {message}"))
    }

    /// Makes an engine from the ledger's company and levels, runs `op` with a host over
    /// `ledger`, frees the engine and reads the result document with `decode`.
    fn call<T>(
        &self,
        ledger: &mut MemLedger,
        export: &str,
        op: impl FnOnce(&Api, E, H, Out) -> u32,
        decode: impl FnOnce(&[u8]) -> serde_json::Result<T>,
    ) -> Outcome<T> {
        let policy = json::policy(ledger.company(), ledger.levels()).to_string();
        let mut engine: *mut EngineHandle = std::ptr::null_mut();
        // SAFETY: the policy text is live for the call; `engine` is writable.
        let code =
            unsafe { (self.api.engine_new)(policy.as_ptr().cast(), policy.len(), &mut engine) };
        if code != OK {
            return Ok(Err(self.refusal("engine_new", code)?));
        }
        let before = ledger.clone();
        let mut ctx = Ctx {
            ledger,
            write: self.api.buffer_write,
        };
        let host = ctx.host();
        let mut out: *mut Buffer = std::ptr::null_mut();
        let code = op(&self.api, engine, &host, &mut out);
        // SAFETY: made above, not used afterwards.
        unsafe { (self.api.engine_free)(engine) };
        let ledger = ctx.ledger;
        if code != OK {
            if !out.is_null() {
                *ledger = before;
                bail!("`{export}` wrote its out-parameter although it failed ({code})");
            }
            return match self.refusal(export, code) {
                Ok(error) => Ok(Err(error)),
                Err(failure) => {
                    *ledger = before;
                    Err(failure)
                }
            };
        }
        let document = if out.is_null() {
            Vec::new()
        } else {
            // SAFETY: a buffer the call returned; freed right after copying.
            unsafe {
                let data = (self.api.buffer_data)(out).cast::<u8>();
                let len = (self.api.buffer_len)(out);
                let bytes = std::slice::from_raw_parts(data, len).to_vec();
                (self.api.buffer_free)(out);
                bytes
            }
        };
        decode(&document)
            .map(Ok)
            .with_context(|| format!("`{export}` returned a document the driver cannot read"))
    }

    fn call_doc<T: Document>(
        &self,
        ledger: &mut MemLedger,
        export: &str,
        op: impl FnOnce(&Api, E, H, Out) -> u32,
    ) -> Outcome<T> {
        self.call(ledger, export, op, T::from_json)
    }

    fn call_unit(
        &self,
        ledger: &mut MemLedger,
        export: &str,
        op: impl FnOnce(&Api, E, H) -> u32,
    ) -> Outcome<()> {
        self.call(ledger, export, |api, e, h, _| op(api, e, h), |_| Ok(()))
    }
}

/// Finds `libfollowup`: `FOLLOWUP_CAPI_LIB` when set; else beside the running
/// executable (the `followup-host` binary sits in `target/<profile>/`, test binaries in
/// `target/<profile>/deps/`, the library in `target/<profile>/`).
pub fn find_library() -> anyhow::Result<PathBuf> {
    if let Some(path) = std::env::var_os(LIB_ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let name = libloading::library_filename("followup");
    let exe = std::env::current_exe().context("cannot locate the running executable")?;
    let mut tried = Vec::new();
    for dir in exe.ancestors().skip(1).take(2) {
        for candidate in [dir.join(&name), dir.join("deps").join(&name)] {
            if candidate.is_file() {
                return Ok(candidate);
            }
            tried.push(candidate);
        }
    }
    bail!(
        "cannot find the C ABI library (build it with `cargo build -p followup-capi`, or set {LIB_ENV}); tried {}",
        tried
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )
}

impl Driver for CapiDriver {
    fn check(&self, ledger: &mut MemLedger) -> Outcome<LedgerSummary> {
        self.call_doc(ledger, "check", |api, e, h, out| unsafe {
            (api.check)(e, h, out)
        })
    }

    fn report(&self, ledger: &mut MemLedger, today: &str, partner: &str) -> Outcome<PartnerReport> {
        self.call_doc(ledger, "report", |api, e, h, out| unsafe {
            (api.report)(e, h, s(today), today.len(), s(partner), partner.len(), out)
        })
    }

    fn print_letter(&self, ledger: &mut MemLedger, today: &str, partner: &str) -> Outcome<Letter> {
        self.call_doc(ledger, "print_letter", |api, e, h, out| unsafe {
            (api.print_letter)(e, h, s(today), today.len(), s(partner), partner.len(), out)
        })
    }

    fn overview(&self, ledger: &mut MemLedger, today: &str) -> Outcome<Vec<OverviewLine>> {
        self.call_doc(ledger, "overview", |api, e, h, out| unsafe {
            (api.overview)(e, h, s(today), today.len(), out)
        })
    }

    fn process(
        &self,
        ledger: &mut MemLedger,
        today: &str,
        request: &ProcessRequest,
    ) -> Outcome<ProcessOutcome> {
        let request = json::request(request).to_string();
        self.call_doc(ledger, "process", |api, e, h, out| unsafe {
            (api.process)(e, h, s(today), today.len(), s(&request), request.len(), out)
        })
    }

    fn process_batch(
        &self,
        ledger: &mut MemLedger,
        today: &str,
        partners: &[String],
    ) -> Outcome<BatchOutcome> {
        let partners = serde_json::to_string(partners)?;
        self.call_doc(ledger, "process_batch", |api, e, h, out| unsafe {
            (api.process_batch)(
                e,
                h,
                s(today),
                today.len(),
                s(&partners),
                partners.len(),
                out,
            )
        })
    }

    fn run_auto(&self, ledger: &mut MemLedger, today: &str) -> Outcome<BatchOutcome> {
        self.call_doc(ledger, "run_auto", |api, e, h, out| unsafe {
            (api.run_auto)(e, h, s(today), today.len(), out)
        })
    }

    fn plan_auto(&self, ledger: &mut MemLedger, today: &str) -> Outcome<Vec<String>> {
        self.call_doc(ledger, "plan_auto", |api, e, h, out| unsafe {
            (api.plan_auto)(e, h, s(today), today.len(), out)
        })
    }

    fn remind_later(
        &self,
        ledger: &mut MemLedger,
        today: &str,
        partner: &str,
        date: &str,
    ) -> Outcome<()> {
        self.call_unit(ledger, "remind_later", |api, e, h| unsafe {
            (api.remind_later)(
                e,
                h,
                s(today),
                today.len(),
                s(partner),
                partner.len(),
                s(date),
                date.len(),
            )
        })
    }

    fn set_excluded(
        &self,
        ledger: &mut MemLedger,
        today: &str,
        item: &str,
        excluded: bool,
    ) -> Outcome<()> {
        self.call_unit(ledger, "set_excluded", |api, e, h| unsafe {
            (api.set_excluded)(e, h, s(today), today.len(), s(item), item.len(), excluded)
        })
    }

    fn set_trust(
        &self,
        ledger: &mut MemLedger,
        today: &str,
        partner: &str,
        trust: types::Trust,
    ) -> Outcome<()> {
        let trust = json::trust_name(trust);
        self.call_unit(ledger, "set_trust", |api, e, h| unsafe {
            (api.set_trust)(
                e,
                h,
                s(today),
                today.len(),
                s(partner),
                partner.len(),
                s(trust),
                trust.len(),
            )
        })
    }
}

/// A Rust string as the pointer of a pointer + length argument.
fn s(text: &str) -> *const c_char {
    text.as_ptr().cast()
}

// ---- the host callbacks, over a MemLedger ----

/// What the callbacks' `userdata` points to during one call.
struct Ctx<'a> {
    ledger: &'a mut MemLedger,
    write: unsafe extern "C" fn(*mut Buffer, *const c_char, usize) -> u32,
}

impl Ctx<'_> {
    /// The host struct whose `userdata` is this context.
    fn host(&mut self) -> Host {
        Host {
            userdata: (self as *mut Ctx<'_>).cast(),
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

    /// Writes a JSON document into a buffer the library lent.
    fn answer(&self, out: *mut Buffer, value: &serde_json::Value) -> Result<(), ()> {
        self.answer_text(out, &value.to_string())
    }

    /// Writes text into a buffer the library lent.
    fn answer_text(&self, out: *mut Buffer, text: &str) -> Result<(), ()> {
        // SAFETY: `out` is the live buffer of this callback; the text is live.
        match unsafe { (self.write)(out, text.as_ptr().cast(), text.len()) } {
            OK => Ok(()),
            _ => Err(()),
        }
    }
}

/// Runs a callback body with the context: a panic or an `Err` is a failed callback.
fn callback(userdata: *mut c_void, body: impl FnOnce(&mut Ctx<'_>) -> Result<u32, ()>) -> u32 {
    catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: `userdata` is the `Ctx` of the call in progress (see `CapiDriver::call`).
        let ctx = unsafe { userdata.cast::<Ctx<'_>>().as_mut() }.ok_or(())?;
        body(ctx)
    }))
    .ok()
    .and_then(Result::ok)
    .unwrap_or(CB_FAILED)
}

/// A string argument of a callback: `None` for NULL; `Err` when not UTF-8.
///
/// # Safety
/// `data`, when not NULL, points to `len` readable bytes for the callback's length.
unsafe fn arg<'a>(data: *const c_char, len: usize) -> Result<Option<&'a str>, ()> {
    if data.is_null() {
        return Ok(None);
    }
    // SAFETY: the library's contract for callback strings.
    let bytes = unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len) };
    std::str::from_utf8(bytes).map(Some).map_err(|_| ())
}

/// A required string argument.
///
/// # Safety
/// As [`arg`].
unsafe fn req<'a>(data: *const c_char, len: usize) -> Result<&'a str, ()> {
    // SAFETY: forwarded.
    unsafe { arg(data, len) }?.ok_or(())
}

/// A write import's result: a trap (the ledger refused) is a failed callback.
fn stored(result: wasmtime::Result<()>) -> Result<u32, ()> {
    result.map(|()| CB_OK).map_err(|_| ())
}

unsafe extern "C" fn get_partner(
    ud: *mut c_void,
    id: *const c_char,
    id_len: usize,
    out: *mut Buffer,
) -> u32 {
    callback(ud, |ctx| {
        let id = unsafe { req(id, id_len) }?;
        let doc = ctx
            .ledger
            .partner(id)
            .map_or(serde_json::Value::Null, json::partner);
        ctx.answer(out, &doc).map(|()| CB_OK)
    })
}

unsafe extern "C" fn list_partners(
    ud: *mut c_void,
    cursor: *const c_char,
    cursor_len: usize,
    limit: u32,
    out: *mut Buffer,
) -> u32 {
    callback(ud, |ctx| {
        let cursor = unsafe { arg(cursor, cursor_len) }?.map(str::to_string);
        let page = ctx.ledger.list_partners(cursor, limit).map_err(|_| ())?;
        let doc = serde_json::json!({
            "partners": page.partners.iter().map(json::partner).collect::<Vec<_>>(),
            "next": page.next,
        });
        ctx.answer(out, &doc).map(|()| CB_OK)
    })
}

unsafe extern "C" fn get_item(
    ud: *mut c_void,
    id: *const c_char,
    id_len: usize,
    out: *mut Buffer,
) -> u32 {
    callback(ud, |ctx| {
        let id = unsafe { req(id, id_len) }?;
        let doc = ctx
            .ledger
            .item(id)
            .map_or(serde_json::Value::Null, json::item);
        ctx.answer(out, &doc).map(|()| CB_OK)
    })
}

unsafe extern "C" fn list_items(
    ud: *mut c_void,
    partner: *const c_char,
    partner_len: usize,
    cursor: *const c_char,
    cursor_len: usize,
    limit: u32,
    out: *mut Buffer,
) -> u32 {
    callback(ud, |ctx| {
        let partner = unsafe { arg(partner, partner_len) }?.map(str::to_string);
        let cursor = unsafe { arg(cursor, cursor_len) }?.map(str::to_string);
        let page = ctx
            .ledger
            .list_items(partner, cursor, limit)
            .map_err(|_| ())?;
        let doc = serde_json::json!({
            "items": page.items.iter().map(json::item).collect::<Vec<_>>(),
            "next": page.next,
        });
        ctx.answer(out, &doc).map(|()| CB_OK)
    })
}

unsafe extern "C" fn set_item_level(
    ud: *mut c_void,
    item: *const c_char,
    item_len: usize,
    level: *const c_char,
    level_len: usize,
) -> u32 {
    callback(ud, |ctx| {
        let item = unsafe { req(item, item_len) }?.to_string();
        let level = unsafe { arg(level, level_len) }?.map(str::to_string);
        stored(ctx.ledger.set_item_level(item, level))
    })
}

unsafe extern "C" fn set_next_reminder(
    ud: *mut c_void,
    partner: *const c_char,
    partner_len: usize,
    date: *const c_char,
    date_len: usize,
) -> u32 {
    callback(ud, |ctx| {
        let partner = unsafe { req(partner, partner_len) }?.to_string();
        let date = unsafe { arg(date, date_len) }?.map(str::to_string);
        stored(ctx.ledger.set_next_reminder(partner, date))
    })
}

unsafe extern "C" fn set_excluded(
    ud: *mut c_void,
    item: *const c_char,
    item_len: usize,
    excluded: bool,
) -> u32 {
    callback(ud, |ctx| {
        let item = unsafe { req(item, item_len) }?.to_string();
        stored(ctx.ledger.set_excluded(item, excluded))
    })
}

unsafe extern "C" fn set_trust(
    ud: *mut c_void,
    partner: *const c_char,
    partner_len: usize,
    trust: *const c_char,
    trust_len: usize,
) -> u32 {
    callback(ud, |ctx| {
        let partner = unsafe { req(partner, partner_len) }?.to_string();
        let trust = json::trust_of(unsafe { req(trust, trust_len) }?).ok_or(())?;
        stored(ctx.ledger.set_trust(partner, trust))
    })
}

unsafe extern "C" fn send(
    ud: *mut c_void,
    message: *const c_char,
    message_len: usize,
    reason: *mut Buffer,
) -> u32 {
    callback(ud, |ctx| {
        let text = unsafe { req(message, message_len) }?;
        let message = messaging::Message::from_json(text.as_bytes()).map_err(|_| ())?;
        match ctx.ledger.send(message).map_err(|_| ())? {
            Ok(()) => Ok(CB_OK),
            Err(why) => {
                ctx.answer_text(reason, &why)?;
                Ok(CB_NOT_DELIVERED)
            }
        }
    })
}

unsafe extern "C" fn log(ud: *mut c_void, entry: *const c_char, entry_len: usize) -> u32 {
    callback(ud, |ctx| {
        let text = unsafe { req(entry, entry_len) }?;
        let entry = chatter::Entry::from_json(text.as_bytes()).map_err(|_| ())?;
        stored(ctx.ledger.log(entry))
    })
}

unsafe extern "C" fn schedule_task(ud: *mut c_void, task: *const c_char, task_len: usize) -> u32 {
    callback(ud, |ctx| {
        let text = unsafe { req(task, task_len) }?;
        let task = chatter::Task::from_json(text.as_bytes()).map_err(|_| ())?;
        stored(ctx.ledger.schedule_task(task))
    })
}
