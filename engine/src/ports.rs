//! The ports: what the engine needs from its host. Adapters (the WASM guest, the C ABI)
//! implement them; the engine never does I/O itself and keeps nothing between calls.

use crate::records::{Channel, Contact, ItemRecord, PartnerRecord, Trust};
use chrono::NaiveDate;

/// One page of records and the cursor of the next page (none at the end).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Page<T> {
    /// The records of this page.
    pub records: Vec<T>,
    /// Cursor of the following page, or `None` after the last one.
    pub next: Option<String>,
}

/// How many records the engine asks for per page.
pub const PAGE_SIZE: u32 = 1000;

/// The host's ledger: reads in pages and the few writes the engine makes.
pub trait Ledger {
    /// One partner, if the ledger has it.
    fn partner(&mut self, id: &str) -> Option<PartnerRecord>;
    /// A page of partners from `cursor` (none: the first page).
    fn partners(&mut self, cursor: Option<&str>, limit: u32) -> Page<PartnerRecord>;
    /// One open item, if the ledger has it.
    fn item(&mut self, id: &str) -> Option<ItemRecord>;
    /// A page of open items of `partner` (none: of every partner) from `cursor`.
    fn items(
        &mut self,
        partner: Option<&str>,
        cursor: Option<&str>,
        limit: u32,
    ) -> Page<ItemRecord>;
    /// Records the level an item has reached.
    fn set_item_level(&mut self, item: &str, level: Option<&str>);
    /// Records a partner's next reminder date.
    fn set_next_reminder(&mut self, partner: &str, date: Option<NaiveDate>);
    /// Sets or clears an item's "No follow-up" flag.
    fn set_excluded(&mut self, item: &str, excluded: bool);
    /// Sets a partner's trust level.
    fn set_trust(&mut self, partner: &str, trust: Trust);
}

/// One reminder on one channel, ready to deliver.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Message {
    /// Idempotency key: the same reminder always has the same key.
    pub key: String,
    /// Channel.
    pub channel: Channel,
    /// Partner id.
    pub partner: String,
    /// Level id.
    pub level: String,
    /// The day it was written for.
    pub date: NaiveDate,
    /// Language of the text.
    pub lang: String,
    /// Resolved recipient.
    pub recipient: Contact,
    /// The address used on this channel (email, phone, or postal address on one line).
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain text body.
    pub text: String,
    /// HTML body (email only).
    pub html: Option<String>,
    /// Ids of the covered items.
    pub items: Vec<String>,
    /// Ids of the invoices whose documents the host should attach (`join_invoices`).
    pub attach: Vec<String>,
    /// Documents the engine made for this message: the PDF letter (letters) or the PDF
    /// statement (email).
    pub attachments: Vec<Attachment>,
}

/// A document carried by a message.
///
/// In serde's data model the content is a base64 string (RFC 4648, standard alphabet,
/// padded), so the JSON form stays compact.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Attachment {
    /// File name, such as `reminder-bluebird-2024-06-14.pdf`.
    pub name: String,
    /// MIME type, such as `application/pdf`.
    pub mime_type: String,
    /// The bytes.
    #[serde(with = "base64_bytes")]
    pub content: Vec<u8>,
}

/// Serializes bytes as a base64 string.
mod base64_bytes {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;

    pub fn serialize<S: serde::Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<u8>, D::Error> {
        let text = <String as serde::Deserialize>::deserialize(deserializer)?;
        STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
}

/// Sending messages.
pub trait Messaging {
    /// Delivers one message; `Err(reason)` when it could not be delivered.
    fn send(&mut self, message: &Message) -> Result<(), String>;
}

/// What a chatter entry is logged on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// A partner, by id.
    Partner(String),
    /// An open item (invoice), by id.
    Item(String),
}

/// One line of history.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChatterEntry {
    /// What it is logged on.
    pub target: Target,
    /// The day it happened.
    pub date: NaiveDate,
    /// The text.
    pub body: String,
}

/// A to-do for a person.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Task {
    /// Idempotency key (channel `task`).
    pub key: String,
    /// Partner id.
    pub partner: String,
    /// Level id.
    pub level: String,
    /// Due date of the task.
    pub date: NaiveDate,
    /// What to do.
    pub note: String,
    /// Who should do it.
    pub responsible: String,
    /// Ids of the items it is about.
    pub items: Vec<String>,
}

/// History and tasks.
pub trait Chatter {
    /// Logs an entry on a partner or an item.
    fn log(&mut self, entry: &ChatterEntry);
    /// Schedules a task for a person.
    fn schedule_task(&mut self, task: &Task);
}

/// Everything an operation with side effects needs.
pub trait Host: Ledger + Messaging + Chatter {}

impl<T: Ledger + Messaging + Chatter> Host for T {}
