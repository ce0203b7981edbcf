//! The library's version, as the header's `FOLLOWUP_VERSION_*` macros also give it.

use std::ffi::c_char;

use crate::error::guard;

/// The version as a C string: the crate's, `MAJOR.MINOR.PATCH`.
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

/// The library's version, `"MAJOR.MINOR.PATCH"` (the `FOLLOWUP_VERSION` macro of the
/// header it was built with). The string is static: never freed.
#[unsafe(no_mangle)]
pub extern "C" fn followup_version() -> *const c_char {
    guard(c"".as_ptr(), || VERSION.as_ptr().cast())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_version_is_the_crates() {
        let v = unsafe { std::ffi::CStr::from_ptr(super::followup_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }
}
