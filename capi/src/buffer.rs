//! `followup_buffer`: the bytes of one JSON document, owned by the library.
//!
//! Two uses: an operation's result (the caller owns it and frees it with
//! `followup_buffer_free`), and the place a read callback writes its answer into (the
//! library owns it; it is valid only during the callback, and freeing it is a no-op).

use std::ffi::c_char;

use crate::error::{Failure, boundary, followup_result, guard};
use crate::text;

/// A growable byte buffer holding one UTF-8 JSON document. Opaque: read it with
/// `followup_buffer_data` and `followup_buffer_len`, fill it (in a callback) with
/// `followup_buffer_write`, free an operation's result with `followup_buffer_free`.
/// Not thread-safe: use one buffer from one thread at a time.
#[derive(Debug)]
pub struct followup_buffer {
    /// The content followed by one NUL byte (not part of the content).
    bytes: Vec<u8>,
    /// Lent to a callback: the library frees it, `followup_buffer_free` ignores it.
    lent: bool,
}

impl followup_buffer {
    /// A buffer holding `content`, owned by whoever receives it.
    pub(crate) fn owned(mut content: Vec<u8>) -> followup_buffer {
        content.push(0);
        followup_buffer {
            bytes: content,
            lent: false,
        }
    }

    /// An empty buffer to lend to a callback.
    pub(crate) fn lent() -> followup_buffer {
        followup_buffer {
            bytes: vec![0],
            lent: true,
        }
    }

    /// The content (without the trailing NUL byte).
    pub fn content(&self) -> &[u8] {
        &self.bytes[..self.bytes.len() - 1]
    }

    /// Appends `data` to the content.
    pub(crate) fn append(&mut self, data: &[u8]) {
        self.bytes.pop();
        self.bytes.extend_from_slice(data);
        self.bytes.push(0);
    }

    /// Moves `content` into a new heap buffer for the caller.
    pub(crate) fn into_raw(content: Vec<u8>) -> *mut followup_buffer {
        Box::into_raw(Box::new(followup_buffer::owned(content)))
    }
}

/// The buffer's content: `followup_buffer_len(buf)` bytes of UTF-8 followed by a NUL
/// byte (so it can be read as a C string). Valid until the buffer is written to or
/// freed. NULL when `buf` is NULL.
///
/// # Safety
/// `buf`, when not NULL, must be a live buffer from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn followup_buffer_data(buf: *const followup_buffer) -> *const c_char {
    guard(std::ptr::null(), || {
        // SAFETY: NULL or a live buffer (the caller's contract).
        match unsafe { buf.as_ref() } {
            Some(b) => b.bytes.as_ptr().cast(),
            None => std::ptr::null(),
        }
    })
}

/// The length of the buffer's content in bytes (the NUL byte not counted); 0 when
/// `buf` is NULL.
///
/// # Safety
/// `buf`, when not NULL, must be a live buffer from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn followup_buffer_len(buf: *const followup_buffer) -> usize {
    guard(0, || {
        // SAFETY: NULL or a live buffer (the caller's contract).
        unsafe { buf.as_ref() }.map_or(0, |b| b.content().len())
    })
}

/// Appends `len` bytes at `data` to the buffer: how a read callback gives its answer
/// (it may write in several pieces). The bytes are copied. Returns
/// `FOLLOWUP_RESULT_NULL_PARAMETER` when `buf` or `data` is NULL (even with `len` 0),
/// `FOLLOWUP_RESULT_INVALID_DATA` when `len` exceeds `PTRDIFF_MAX`. The content is
/// checked (UTF-8, JSON) when the library reads it, not here.
///
/// # Safety
/// `buf`, when not NULL, must be a live buffer from this library; `data`, when not
/// NULL, must point to `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn followup_buffer_write(
    buf: *mut followup_buffer,
    data: *const c_char,
    len: usize,
) -> followup_result {
    boundary(|| {
        // SAFETY: NULL or a live buffer (the caller's contract).
        let buf = unsafe { buf.as_mut() }.ok_or_else(|| Failure::null("buf"))?;
        // SAFETY: `len` readable bytes at `data` (the caller's contract).
        let data = unsafe { text::bytes("data", data, len) }?;
        buf.append(data);
        Ok(())
    })
}

/// Frees a buffer an operation returned. NULL is ignored, and so is a buffer the
/// library lent to a callback (the library frees that one itself).
///
/// # Safety
/// `buf`, when not NULL, must be a live buffer from this library, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn followup_buffer_free(buf: *mut followup_buffer) {
    guard((), || {
        // SAFETY: NULL or a live buffer (the caller's contract).
        let Some(b) = (unsafe { buf.as_ref() }) else {
            return;
        };
        if !b.lent {
            // SAFETY: an owned buffer comes from `Box::into_raw` in `into_raw`.
            drop(unsafe { Box::from_raw(buf) });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ptr::{null, null_mut};

    #[test]
    fn writes_append_and_keep_a_nul_byte() {
        let mut buf = followup_buffer::lent();
        let b: *mut followup_buffer = &mut buf;
        unsafe {
            assert_eq!(followup_buffer_len(b), 0);
            assert_eq!(*followup_buffer_data(b), 0);
            assert_eq!(
                followup_buffer_write(b, c"{\"a\":".as_ptr(), 5),
                followup_result::Ok
            );
            assert_eq!(
                followup_buffer_write(b, c"1}".as_ptr(), 2),
                followup_result::Ok
            );
            assert_eq!(followup_buffer_len(b), 7);
            let text = std::ffi::CStr::from_ptr(followup_buffer_data(b));
            assert_eq!(text.to_str().unwrap(), "{\"a\":1}");
            // A lent buffer is not freed by the caller.
            followup_buffer_free(b);
        }
        assert_eq!(buf.content(), b"{\"a\":1}");
    }

    #[test]
    fn null_arguments_are_refused_or_ignored() {
        let mut buf = followup_buffer::lent();
        unsafe {
            assert_eq!(followup_buffer_data(null()), null());
            assert_eq!(followup_buffer_len(null()), 0);
            assert_eq!(
                followup_buffer_write(null_mut(), c"x".as_ptr(), 1),
                followup_result::NullParameter
            );
            assert_eq!(
                followup_buffer_write(&mut buf, null(), 0),
                followup_result::NullParameter
            );
            assert_eq!(
                followup_buffer_write(&mut buf, c"x".as_ptr(), usize::MAX),
                followup_result::InvalidData
            );
            followup_buffer_free(null_mut());
        }
        assert_eq!(buf.content(), b"");
    }

    #[test]
    fn owned_buffers_are_freed() {
        let raw = followup_buffer::into_raw(b"[]".to_vec());
        unsafe {
            assert_eq!(followup_buffer_len(raw), 2);
            followup_buffer_free(raw);
        }
    }
}
