//! Reading the caller's pointer + length arguments, and handing strings to callbacks.

use std::ffi::c_char;

use serde::de::DeserializeOwned;

use crate::error::Failure;

/// The bytes of a pointer + length argument. NULL is refused even with a length of 0;
/// a length above `isize::MAX` is refused as `invalid_data`.
///
/// # Safety
/// `data`, when not NULL, must point to `len` readable bytes that stay valid and
/// unchanged for `'a`.
pub(crate) unsafe fn bytes<'a>(
    name: &str,
    data: *const c_char,
    len: usize,
) -> Result<&'a [u8], Failure> {
    if data.is_null() {
        return Err(Failure::null(name));
    }
    if len > isize::MAX as usize {
        return Err(Failure::invalid_data(format!(
            "argument `{name}`: length {len} is larger than any buffer"
        )));
    }
    // SAFETY: non-NULL, `len` readable bytes (the caller's contract), len ≤ isize::MAX.
    Ok(unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len) })
}

/// A pointer + length argument as UTF-8 text.
///
/// # Safety
/// As [`bytes`].
pub(crate) unsafe fn text<'a>(
    name: &str,
    data: *const c_char,
    len: usize,
) -> Result<&'a str, Failure> {
    // SAFETY: forwarded contract.
    let bytes = unsafe { bytes(name, data, len) }?;
    std::str::from_utf8(bytes)
        .map_err(|e| Failure::invalid_data(format!("argument `{name}` is not valid UTF-8: {e}")))
}

/// A pointer + length argument as a JSON document of type `T`.
///
/// # Safety
/// As [`bytes`].
pub(crate) unsafe fn json<T: DeserializeOwned>(
    name: &str,
    what: &str,
    data: *const c_char,
    len: usize,
) -> Result<T, Failure> {
    // SAFETY: forwarded contract.
    let text = unsafe { text(name, data, len) }?;
    serde_json::from_str(text)
        .map_err(|e| Failure::invalid_data(format!("argument `{name}` is not {what}: {e}")))
}

/// A string as a callback receives it: UTF-8 bytes followed by a NUL byte that the
/// length does not count.
pub(crate) struct CText(Vec<u8>);

impl CText {
    /// Copies `text` and appends the NUL byte.
    pub(crate) fn new(text: &[u8]) -> CText {
        let mut bytes = Vec::with_capacity(text.len() + 1);
        bytes.extend_from_slice(text);
        bytes.push(0);
        CText(bytes)
    }

    /// The pointer handed to the callback.
    pub(crate) fn ptr(&self) -> *const c_char {
        self.0.as_ptr().cast()
    }

    /// The length handed to the callback (without the NUL byte).
    pub(crate) fn len(&self) -> usize {
        self.0.len() - 1
    }
}

/// An optional string for a callback: NULL and 0 when absent.
pub(crate) fn opt_parts(text: Option<&CText>) -> (*const c_char, usize) {
    match text {
        Some(t) => (t.ptr(), t.len()),
        None => (std::ptr::null(), 0),
    }
}
