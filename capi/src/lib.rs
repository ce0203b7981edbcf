//! # followup-capi: the followup engine as a C ABI
//!
//! `libfollowup` (cdylib and staticlib) with the header `include/followup.h`, which
//! `build.rs` generates with cbindgen. The third adapter of the engine, beside the WASM
//! guest: translation only, no business rule.
//!
//! - The host's ledger, messaging and chatter are C callbacks in a [`followup_host`]
//!   struct; [`host::CHost`] turns them into the engine's ports.
//! - Records cross the boundary as JSON documents of the engine's serde types
//!   (`docs/capi-schema.md`): policy, partners, items and pages in; reports, outcomes,
//!   messages, chatter entries and tasks out.
//! - Every export is `followup_<type>_<verb>`, runs behind a panic boundary, checks
//!   every pointer, returns a [`followup_result`] and writes its out-parameter only on
//!   success. The last error's kind and message are kept per thread ([`error`]).
//!
//! The names are C's (`followup_engine`, not `FollowupEngine`): they are the header's.

#![allow(non_camel_case_types)]
#![warn(missing_docs)]

pub mod buffer;
pub mod engine;
pub mod error;
pub mod host;
mod text;
pub mod version;

pub use buffer::followup_buffer;
pub use engine::followup_engine;
pub use error::{followup_callback_result, followup_result};
pub use host::followup_host;
