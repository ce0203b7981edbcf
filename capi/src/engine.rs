//! `followup_engine`: a checked policy, and the operations the component exports.
//!
//! Each operation reads its arguments (pointer + length UTF-8, JSON documents), builds
//! a [`CHost`] over the caller's callbacks, calls the one engine operation of the same
//! name and writes the result as a JSON document. No business rule lives here.

// The C signatures spell every string as pointer + length: two arguments each.
#![allow(clippy::too_many_arguments)]

use std::ffi::c_char;

use ::followup_engine::{CompanyRecord, Engine, Level, ProcessRequest, Trust};
use serde::de::IntoDeserializer;
use serde::{Deserialize, Serialize};

use crate::buffer::followup_buffer;
use crate::error::{Failure, boundary, followup_result, guard};
use crate::host::{CHost, followup_host};
use crate::text;

/// An engine: a company and its follow-up policy, checked. Made by
/// `followup_engine_new`, freed by `followup_engine_free`. Immutable: one engine may be
/// used by several threads at once (each call brings its own host).
#[derive(Debug)]
pub struct followup_engine {
    engine: Engine,
}

/// The policy document `followup_engine_new` reads.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyDocument {
    company: CompanyRecord,
    levels: Vec<Level>,
}

/// The engine and host arguments of an operation, NULL-checked.
///
/// # Safety
/// Each pointer is NULL or points to a live value for the length of the call.
unsafe fn handles<'a>(
    engine: *const followup_engine,
    host: *const followup_host,
) -> Result<(&'a Engine, &'a followup_host), Failure> {
    // SAFETY: NULL or live (the caller's contract).
    let engine = unsafe { engine.as_ref() }.ok_or_else(|| Failure::null("engine"))?;
    // SAFETY: NULL or live (the caller's contract).
    let host = unsafe { host.as_ref() }.ok_or_else(|| Failure::null("host"))?;
    Ok((&engine.engine, host))
}

/// The out-parameter of an operation, NULL-checked.
///
/// # Safety
/// `out` is NULL or points to a writable pointer.
unsafe fn out_param<'a>(
    out: *mut *mut followup_buffer,
) -> Result<&'a mut *mut followup_buffer, Failure> {
    // SAFETY: NULL or writable (the caller's contract).
    unsafe { out.as_mut() }.ok_or_else(|| Failure::null("out"))
}

/// The engine, host, out-parameter and `today` of a dated operation, checked in that
/// order.
///
/// # Safety
/// As [`handles`] and [`out_param`]; `today` points to `today_len` readable bytes.
unsafe fn dated<'a>(
    engine: *const followup_engine,
    host: *const followup_host,
    out: *mut *mut followup_buffer,
    today: *const c_char,
    today_len: usize,
) -> Result<
    (
        &'a Engine,
        &'a followup_host,
        &'a mut *mut followup_buffer,
        &'a str,
    ),
    Failure,
> {
    // SAFETY: forwarded contract.
    let (engine, host) = unsafe { handles(engine, host) }?;
    // SAFETY: forwarded contract.
    let out = unsafe { out_param(out) }?;
    // SAFETY: forwarded contract.
    let today = unsafe { text::text("today", today, today_len) }?;
    Ok((engine, host, out, today))
}

/// Runs `operation` over an adapter of the caller's callbacks: a failed callback or
/// the engine's refusal becomes the call's failure.
fn with_host<T>(
    host: &followup_host,
    operation: impl FnOnce(&mut CHost) -> Result<T, ::followup_engine::Error>,
) -> Result<T, Failure> {
    let mut host = CHost::new(host)?;
    let result = operation(&mut host);
    host.finish(result)
}

/// Writes `value` as a JSON document into a new buffer at `out`.
fn write_out(out: &mut *mut followup_buffer, value: &impl Serialize) -> Result<(), Failure> {
    let json = serde_json::to_vec(value)
        .map_err(|e| Failure::new(followup_result::Panic, format!("cannot write JSON: {e}")))?;
    *out = followup_buffer::into_raw(json);
    Ok(())
}

/// Makes an engine from a policy document (`docs/capi-schema.md`, POLICY):
/// `{"company": {"id", "name", "currency"}, "levels": [LEVEL...]}`, UTF-8 JSON,
/// `policy_len` bytes at `policy`. On success writes the new engine to `*engine_out`
/// (free it with `followup_engine_free`); on failure leaves `*engine_out` unchanged.
/// Returns `FOLLOWUP_RESULT_INVALID_POLICY` for invalid levels,
/// `FOLLOWUP_RESULT_INVALID_DATA` for an invalid company or a document that is not a
/// policy (invalid UTF-8, malformed JSON, wrong types, unknown fields).
///
/// # Safety
/// `policy` must point to `policy_len` readable bytes; `engine_out` to a writable
/// pointer. Either may be NULL (refused).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn followup_engine_new(
    policy: *const c_char,
    policy_len: usize,
    engine_out: *mut *mut followup_engine,
) -> followup_result {
    boundary(|| {
        // SAFETY: NULL or writable (the caller's contract).
        let out = unsafe { engine_out.as_mut() }.ok_or_else(|| Failure::null("engine_out"))?;
        // SAFETY: `policy_len` readable bytes (the caller's contract).
        let doc: PolicyDocument =
            unsafe { text::json("policy", "a policy document", policy, policy_len) }?;
        let engine = Engine::new(&doc.company, doc.levels)?;
        *out = Box::into_raw(Box::new(followup_engine { engine }));
        Ok(())
    })
}

/// Frees an engine. NULL is ignored. No call may be using the engine.
///
/// # Safety
/// `engine`, when not NULL, must come from `followup_engine_new` and not be used
/// afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn followup_engine_free(engine: *mut followup_engine) {
    guard((), || {
        if !engine.is_null() {
            // SAFETY: from `Box::into_raw` in `followup_engine_new` (the caller's contract).
            drop(unsafe { Box::from_raw(engine) });
        }
    })
}

/// `check`: reads and validates every partner and item of the host's ledger; writes
/// nothing to the ledger. On success `*out` is a new buffer with a LEDGER_SUMMARY
/// document `{"partners", "items", "levels"}` (counts); free it with
/// `followup_buffer_free`.
///
/// # Safety
/// `engine` and `host` must be NULL or live; `out` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn followup_engine_check(
    engine: *const followup_engine,
    host: *const followup_host,
    out: *mut *mut followup_buffer,
) -> followup_result {
    boundary(|| {
        // SAFETY: forwarded contract.
        let (engine, host) = unsafe { handles(engine, host) }?;
        // SAFETY: forwarded contract.
        let out = unsafe { out_param(out) }?;
        write_out(out, &with_host(host, |host| engine.check(host))?)
    })
}

/// `report`: the follow-up report of `partner` on `today` (`YYYY-MM-DD`). On success
/// `*out` is a new buffer with a PARTNER_REPORT document.
///
/// # Safety
/// Pointers must be NULL or live; each string `*_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn followup_engine_report(
    engine: *const followup_engine,
    host: *const followup_host,
    today: *const c_char,
    today_len: usize,
    partner: *const c_char,
    partner_len: usize,
    out: *mut *mut followup_buffer,
) -> followup_result {
    boundary(|| {
        // SAFETY: forwarded contract.
        let (engine, host, out, today) = unsafe { dated(engine, host, out, today, today_len) }?;
        // SAFETY: forwarded contract.
        let partner = unsafe { text::text("partner", partner, partner_len) }?;
        write_out(
            out,
            &with_host(host, |host| engine.report(host, today, partner))?,
        )
    })
}

/// `print_letter`: the follow-up letter of `partner` on `today` as "Print Letter" makes
/// it from the report: the same text, HTML and PDF a `print_letter` reminder carries.
/// Reads only; nothing is sent, logged or written. On success `*out` is a new buffer
/// with a LETTER document.
///
/// # Safety
/// Pointers must be NULL or live; each string `*_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn followup_engine_print_letter(
    engine: *const followup_engine,
    host: *const followup_host,
    today: *const c_char,
    today_len: usize,
    partner: *const c_char,
    partner_len: usize,
    out: *mut *mut followup_buffer,
) -> followup_result {
    boundary(|| {
        // SAFETY: forwarded contract.
        let (engine, host, out, today) = unsafe { dated(engine, host, out, today, today_len) }?;
        // SAFETY: forwarded contract.
        let partner = unsafe { text::text("partner", partner, partner_len) }?;
        write_out(
            out,
            &with_host(host, |host| engine.print_letter(host, today, partner))?,
        )
    })
}

/// `overview`: every partner with open items on `today`, those in need of action
/// first. On success `*out` is a new buffer with a JSON array of OVERVIEW_LINE.
///
/// # Safety
/// Pointers must be NULL or live; each string `*_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn followup_engine_overview(
    engine: *const followup_engine,
    host: *const followup_host,
    today: *const c_char,
    today_len: usize,
    out: *mut *mut followup_buffer,
) -> followup_result {
    boundary(|| {
        // SAFETY: forwarded contract.
        let (engine, host, out, today) = unsafe { dated(engine, host, out, today, today_len) }?;
        write_out(out, &with_host(host, |host| engine.overview(host, today))?)
    })
}

/// `process`: executes the follow-up of one partner. `request` is a PROCESS_REQUEST
/// document `{"partner", "manual"?, "channels"?, "exclude"?}`. On success `*out` is a
/// new buffer with a PROCESS_OUTCOME document (`did_something` false when nothing was
/// due).
///
/// # Safety
/// Pointers must be NULL or live; each string `*_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn followup_engine_process(
    engine: *const followup_engine,
    host: *const followup_host,
    today: *const c_char,
    today_len: usize,
    request: *const c_char,
    request_len: usize,
    out: *mut *mut followup_buffer,
) -> followup_result {
    boundary(|| {
        // SAFETY: forwarded contract.
        let (engine, host, out, today) = unsafe { dated(engine, host, out, today, today_len) }?;
        // SAFETY: forwarded contract.
        let request: ProcessRequest = unsafe {
            text::json(
                "request",
                "a process request document",
                request,
                request_len,
            )
        }?;
        write_out(
            out,
            &with_host(host, |host| engine.process(host, today, &request))?,
        )
    })
}

/// `process_batch`: processes each partner of `partners`, a JSON array of partner ids;
/// one partner's failure never stops the others. On success `*out` is a new buffer
/// with a BATCH_OUTCOME document `{"processed", "skipped", "failed"}`.
///
/// # Safety
/// Pointers must be NULL or live; each string `*_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn followup_engine_process_batch(
    engine: *const followup_engine,
    host: *const followup_host,
    today: *const c_char,
    today_len: usize,
    partners: *const c_char,
    partners_len: usize,
    out: *mut *mut followup_buffer,
) -> followup_result {
    boundary(|| {
        // SAFETY: forwarded contract.
        let (engine, host, out, today) = unsafe { dated(engine, host, out, today, today_len) }?;
        // SAFETY: forwarded contract.
        let partners: Vec<String> = unsafe {
            text::json(
                "partners",
                "a JSON array of partner ids",
                partners,
                partners_len,
            )
        }?;
        write_out(
            out,
            &with_host(host, |host| engine.process_batch(host, today, &partners))?,
        )
    })
}

/// `run_auto`: the automatic run on `today`: processes every partner in need of action
/// whose level runs by itself and whose reminders are automatic. On success `*out` is
/// a new buffer with a BATCH_OUTCOME document.
///
/// # Safety
/// Pointers must be NULL or live; each string `*_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn followup_engine_run_auto(
    engine: *const followup_engine,
    host: *const followup_host,
    today: *const c_char,
    today_len: usize,
    out: *mut *mut followup_buffer,
) -> followup_result {
    boundary(|| {
        // SAFETY: forwarded contract.
        let (engine, host, out, today) = unsafe { dated(engine, host, out, today, today_len) }?;
        write_out(out, &with_host(host, |host| engine.run_auto(host, today))?)
    })
}

/// `plan_auto`: the partners `followup_engine_run_auto` would process on `today`, in
/// its order; reads only. A host that commits each partner on its own calls
/// `followup_engine_process` (not manual) for each of them. On success `*out` is a new
/// buffer with a JSON array of partner ids.
///
/// # Safety
/// Pointers must be NULL or live; each string `*_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn followup_engine_plan_auto(
    engine: *const followup_engine,
    host: *const followup_host,
    today: *const c_char,
    today_len: usize,
    out: *mut *mut followup_buffer,
) -> followup_result {
    boundary(|| {
        // SAFETY: forwarded contract.
        let (engine, host, out, today) = unsafe { dated(engine, host, out, today, today_len) }?;
        write_out(out, &with_host(host, |host| engine.plan_auto(host, today))?)
    })
}

/// `remind_later`: do not remind `partner` before `date` (`YYYY-MM-DD`, not before
/// `today`).
///
/// # Safety
/// Pointers must be NULL or live; each string `*_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn followup_engine_remind_later(
    engine: *const followup_engine,
    host: *const followup_host,
    today: *const c_char,
    today_len: usize,
    partner: *const c_char,
    partner_len: usize,
    date: *const c_char,
    date_len: usize,
) -> followup_result {
    boundary(|| {
        // SAFETY: forwarded contract.
        let (engine, host) = unsafe { handles(engine, host) }?;
        // SAFETY: forwarded contract.
        let today = unsafe { text::text("today", today, today_len) }?;
        // SAFETY: forwarded contract.
        let partner = unsafe { text::text("partner", partner, partner_len) }?;
        // SAFETY: forwarded contract.
        let date = unsafe { text::text("date", date, date_len) }?;
        with_host(host, |host| engine.remind_later(host, today, partner, date))
    })
}

/// `set_excluded`: sets (`excluded` true) or clears an item's "No follow-up" flag.
///
/// # Safety
/// Pointers must be NULL or live; each string `*_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn followup_engine_set_excluded(
    engine: *const followup_engine,
    host: *const followup_host,
    today: *const c_char,
    today_len: usize,
    item: *const c_char,
    item_len: usize,
    excluded: bool,
) -> followup_result {
    boundary(|| {
        // SAFETY: forwarded contract.
        let (engine, host) = unsafe { handles(engine, host) }?;
        // SAFETY: forwarded contract.
        let today = unsafe { text::text("today", today, today_len) }?;
        // SAFETY: forwarded contract.
        let item = unsafe { text::text("item", item, item_len) }?;
        with_host(host, |host| {
            engine.set_excluded(host, today, item, excluded)
        })
    })
}

/// `set_trust`: sets a partner's trust level; `trust` is `good`, `normal` or `bad`.
///
/// # Safety
/// Pointers must be NULL or live; each string `*_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn followup_engine_set_trust(
    engine: *const followup_engine,
    host: *const followup_host,
    today: *const c_char,
    today_len: usize,
    partner: *const c_char,
    partner_len: usize,
    trust: *const c_char,
    trust_len: usize,
) -> followup_result {
    boundary(|| {
        // SAFETY: forwarded contract.
        let (engine, host) = unsafe { handles(engine, host) }?;
        // SAFETY: forwarded contract.
        let today = unsafe { text::text("today", today, today_len) }?;
        // SAFETY: forwarded contract.
        let partner = unsafe { text::text("partner", partner, partner_len) }?;
        // SAFETY: forwarded contract.
        let trust_text = unsafe { text::text("trust", trust, trust_len) }?;
        let trust = Trust::deserialize(trust_text.into_deserializer()).map_err(
            |e: serde::de::value::Error| {
                Failure::invalid_data(format!("argument `trust` is not a trust level: {e}"))
            },
        )?;
        with_host(host, |host| engine.set_trust(host, today, partner, trust))
    })
}
