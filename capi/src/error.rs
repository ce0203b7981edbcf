//! Results, the per-thread last error, and the panic boundary every export runs behind.

use std::cell::RefCell;
use std::ffi::c_char;
use std::panic::{AssertUnwindSafe, catch_unwind};

use followup_engine::{Error, ErrorKind};

/// What a call returned. `FOLLOWUP_RESULT_OK` is success; the next five are the
/// engine's refusals (SPEC.md's error kinds, same names); the last three are failures
/// of the call itself. After any result, `followup_error_kind` and
/// `followup_error_message` tell the last error of the calling thread.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum followup_result {
    /// Success.
    Ok = 0,
    /// `invalid_policy`: the follow-up levels are not a valid policy.
    InvalidPolicy = 1,
    /// `invalid_data`: a record, date, amount, argument or document is not valid
    /// (this includes malformed JSON, invalid UTF-8 and wrong types, in arguments and
    /// in documents a callback returned).
    InvalidData = 2,
    /// `not_found`: the ledger has no such partner or item.
    NotFound = 3,
    /// `missing_contact`: a channel lacks its contact data.
    MissingContact = 4,
    /// `delivery_failed`: the host could not deliver a message; the partner was not
    /// advanced.
    DeliveryFailed = 5,
    /// A required pointer argument (or a callback of the host) was NULL.
    NullParameter = 100,
    /// A host callback returned a failure: the operation was aborted at that point (as
    /// a trap aborts a component call). Writes made before it are not undone by the
    /// library: roll back the host's transaction.
    CallbackFailed = 101,
    /// The library panicked (a bug); the operation was aborted.
    Panic = 102,
}

impl followup_result {
    /// The result's name: `ok`, an error kind of SPEC.md, `null_parameter`,
    /// `callback_failed` or `panic`.
    pub fn name(self) -> &'static str {
        match self {
            followup_result::Ok => "ok",
            followup_result::InvalidPolicy => "invalid_policy",
            followup_result::InvalidData => "invalid_data",
            followup_result::NotFound => "not_found",
            followup_result::MissingContact => "missing_contact",
            followup_result::DeliveryFailed => "delivery_failed",
            followup_result::NullParameter => "null_parameter",
            followup_result::CallbackFailed => "callback_failed",
            followup_result::Panic => "panic",
        }
    }

    /// Every result, in declaration order.
    pub fn all() -> [followup_result; 9] {
        RESULTS
    }

    /// The result of a raw value; `None` for a value that is no result.
    pub fn from_u32(value: u32) -> Option<followup_result> {
        RESULTS.into_iter().find(|r| *r as u32 == value)
    }

    /// The result for an engine error kind.
    pub fn of_kind(kind: ErrorKind) -> followup_result {
        match kind {
            ErrorKind::InvalidPolicy => followup_result::InvalidPolicy,
            ErrorKind::InvalidData => followup_result::InvalidData,
            ErrorKind::NotFound => followup_result::NotFound,
            ErrorKind::MissingContact => followup_result::MissingContact,
            ErrorKind::DeliveryFailed => followup_result::DeliveryFailed,
        }
    }
}

/// Every result (kept out of the `impl`, where cbindgen would emit it as a macro).
const RESULTS: [followup_result; 9] = [
    followup_result::Ok,
    followup_result::InvalidPolicy,
    followup_result::InvalidData,
    followup_result::NotFound,
    followup_result::MissingContact,
    followup_result::DeliveryFailed,
    followup_result::NullParameter,
    followup_result::CallbackFailed,
    followup_result::Panic,
];

/// What a host callback returns (as a `uint32_t`). Any value other than these counts
/// as `FOLLOWUP_CALLBACK_RESULT_FAILED`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum followup_callback_result {
    /// The callback did its work (for `send`: the message was delivered).
    Ok = 0,
    /// `send` only: the message was not delivered; the reason is what the callback
    /// wrote into its `reason` buffer. The operation fails with
    /// `FOLLOWUP_RESULT_DELIVERY_FAILED`. (From any other callback: a failure.)
    NotDelivered = 1,
    /// The callback could not do its work: the operation is aborted with
    /// `FOLLOWUP_RESULT_CALLBACK_FAILED` and no further callback is called.
    Failed = 2,
}

/// A failed call: the result to return and the message to keep as the last error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The result code (never `Ok`).
    pub result: followup_result,
    /// What went wrong, naming the argument, record or callback.
    pub message: String,
}

impl Failure {
    /// A failure with `result` and `message`.
    pub fn new(result: followup_result, message: impl Into<String>) -> Failure {
        Failure {
            result,
            message: message.into(),
        }
    }

    /// `FOLLOWUP_RESULT_NULL_PARAMETER` for the argument `name`.
    pub fn null(name: &str) -> Failure {
        Failure::new(
            followup_result::NullParameter,
            format!("argument `{name}` is NULL"),
        )
    }

    /// `FOLLOWUP_RESULT_INVALID_DATA`.
    pub fn invalid_data(message: impl Into<String>) -> Failure {
        Failure::new(followup_result::InvalidData, message)
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        Failure::new(followup_result::of_kind(error.kind), error.message)
    }
}

/// The last error of a thread.
struct Last {
    result: followup_result,
    message: String,
}

thread_local! {
    static LAST: RefCell<Last> = const {
        RefCell::new(Last { result: followup_result::Ok, message: String::new() })
    };
}

/// Records the outcome of a call as the thread's last error.
fn set_last(result: followup_result, message: String) {
    // `try_with`: during thread teardown there is no last error to keep.
    let _ = LAST.try_with(|last| {
        if let Ok(mut last) = last.try_borrow_mut() {
            *last = Last { result, message };
        }
    });
}

/// Runs an export that returns a `followup_result`: catches panics, turns a
/// [`Failure`] into its code and records the thread's last error (cleared on success).
pub(crate) fn boundary(body: impl FnOnce() -> Result<(), Failure>) -> followup_result {
    let failure = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => {
            set_last(followup_result::Ok, String::new());
            return followup_result::Ok;
        }
        Ok(Err(failure)) => failure,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            Failure::new(followup_result::Panic, format!("followup panicked: {what}"))
        }
    };
    set_last(failure.result, failure.message);
    failure.result
}

/// Runs an export that returns a plain value: catches panics (giving `fallback`) and
/// leaves the last error alone.
pub(crate) fn guard<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// The name of a result value: `"ok"`, `"invalid_policy"`, `"invalid_data"`,
/// `"not_found"`, `"missing_contact"`, `"delivery_failed"`, `"null_parameter"`,
/// `"callback_failed"`, `"panic"`, or `"unknown"` for a value that is no
/// `followup_result`. The string is static (NUL-terminated, never freed).
#[unsafe(no_mangle)]
pub extern "C" fn followup_result_name(result: u32) -> *const c_char {
    guard(c"unknown".as_ptr(), || {
        let name = match followup_result::from_u32(result) {
            Some(followup_result::Ok) => c"ok",
            Some(followup_result::InvalidPolicy) => c"invalid_policy",
            Some(followup_result::InvalidData) => c"invalid_data",
            Some(followup_result::NotFound) => c"not_found",
            Some(followup_result::MissingContact) => c"missing_contact",
            Some(followup_result::DeliveryFailed) => c"delivery_failed",
            Some(followup_result::NullParameter) => c"null_parameter",
            Some(followup_result::CallbackFailed) => c"callback_failed",
            Some(followup_result::Panic) => c"panic",
            None => c"unknown",
        };
        name.as_ptr()
    })
}

/// The result of the calling thread's last call that returns a `followup_result`
/// (`FOLLOWUP_RESULT_OK` when it succeeded, or before any call).
#[unsafe(no_mangle)]
pub extern "C" fn followup_error_kind() -> followup_result {
    guard(followup_result::Ok, || {
        LAST.try_with(|last| last.try_borrow().map_or(followup_result::Ok, |l| l.result))
            .unwrap_or(followup_result::Ok)
    })
}

/// Copies the message of the calling thread's last error into `buf`, like `snprintf`:
/// at most `len - 1` bytes (cut at a UTF-8 character boundary) and a NUL byte. Returns
/// the message's full length in bytes (0 when the last call succeeded), so a caller
/// can pass `buf = NULL, len = 0` to learn the size. With `buf == NULL` nothing is
/// written. The message names the offending argument, record, field or callback.
///
/// # Safety
/// `buf`, when not NULL, must point to `len` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn followup_error_message(buf: *mut c_char, len: usize) -> usize {
    guard(0, || {
        LAST.try_with(|last| {
            let Ok(last) = last.try_borrow() else {
                return 0;
            };
            let message = last.message.as_bytes();
            if !buf.is_null() && len > 0 {
                let mut n = message.len().min(len - 1);
                while !last.message.is_char_boundary(n) {
                    n -= 1;
                }
                // SAFETY: the caller gives `len` writable bytes at `buf`; n < len.
                unsafe {
                    std::ptr::copy_nonoverlapping(message.as_ptr(), buf.cast::<u8>(), n);
                    *buf.add(n) = 0;
                }
            }
            message.len()
        })
        .unwrap_or(0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn names_cover_every_value_and_garbage() {
        for result in followup_result::all() {
            let name = unsafe { CStr::from_ptr(followup_result_name(result as u32)) };
            assert_eq!(name.to_str().unwrap(), result.name());
            assert_eq!(followup_result::from_u32(result as u32), Some(result));
        }
        for garbage in [6, 99, 103, 7000, u32::MAX] {
            let name = unsafe { CStr::from_ptr(followup_result_name(garbage)) };
            assert_eq!(name.to_str().unwrap(), "unknown");
        }
    }

    #[test]
    fn the_last_error_follows_each_call_and_panics_are_caught() {
        let code = boundary(|| Err(Failure::invalid_data("argument `today`: 2022-02-30")));
        assert_eq!(code, followup_result::InvalidData);
        assert_eq!(followup_error_kind(), followup_result::InvalidData);
        let full = unsafe { followup_error_message(std::ptr::null_mut(), 0) };
        assert_eq!(full, "argument `today`: 2022-02-30".len());
        let mut small = [0x55 as c_char; 9];
        let n = unsafe { followup_error_message(small.as_mut_ptr(), small.len()) };
        assert_eq!(n, full);
        let text = unsafe { CStr::from_ptr(small.as_ptr()) };
        assert_eq!(text.to_str().unwrap(), "argument");

        let code = boundary(|| panic!("boom"));
        assert_eq!(code, followup_result::Panic);
        assert_eq!(followup_error_kind(), followup_result::Panic);

        assert_eq!(boundary(|| Ok(())), followup_result::Ok);
        assert_eq!(followup_error_kind(), followup_result::Ok);
        assert_eq!(
            unsafe { followup_error_message(std::ptr::null_mut(), 0) },
            0
        );
        assert_eq!(guard(7, || panic!("boom")), 7);
    }

    #[test]
    fn messages_are_cut_at_a_character_boundary() {
        boundary(|| Err(Failure::invalid_data("é€")));
        let mut buf = [0 as c_char; 4];
        let n = unsafe { followup_error_message(buf.as_mut_ptr(), buf.len()) };
        assert_eq!(n, "é€".len());
        let text = unsafe { CStr::from_ptr(buf.as_ptr()) };
        assert_eq!(text.to_str().unwrap(), "é");
    }
}
