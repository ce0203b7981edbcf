//! Refusals: every error has a kind (SPEC.md's list) and a message that names the
//! offending record and field.

use std::fmt;

/// The kinds of refusal SPEC.md defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The follow-up levels are not a valid policy.
    InvalidPolicy,
    /// A record, date, amount or argument is not valid.
    InvalidData,
    /// The ledger has no such partner or item.
    NotFound,
    /// A channel lacks its contact data (email address, phone number, postal address).
    MissingContact,
    /// The host could not deliver a message.
    DeliveryFailed,
}

impl ErrorKind {
    /// The kind's name as SPEC.md writes it (`invalid_policy`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidPolicy => "invalid_policy",
            ErrorKind::InvalidData => "invalid_data",
            ErrorKind::NotFound => "not_found",
            ErrorKind::MissingContact => "missing_contact",
            ErrorKind::DeliveryFailed => "delivery_failed",
        }
    }

    /// Every kind, in SPEC.md's order.
    pub const ALL: [ErrorKind; 5] = [
        ErrorKind::InvalidPolicy,
        ErrorKind::InvalidData,
        ErrorKind::NotFound,
        ErrorKind::MissingContact,
        ErrorKind::DeliveryFailed,
    ];
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A refusal: nothing was changed (except, for `delivery_failed`, messages already
/// handed to the host in the same attempt).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Error {
    /// What kind of refusal this is.
    pub kind: ErrorKind,
    /// A sentence naming the record and field at fault.
    pub message: String,
}

impl Error {
    /// An error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
        }
    }

    /// An `invalid_policy` error.
    pub fn invalid_policy(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidPolicy, message)
    }

    /// An `invalid_data` error.
    pub fn invalid_data(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidData, message)
    }

    /// A `not_found` error.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl std::error::Error for Error {}
