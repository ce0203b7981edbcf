//! The JSON documents of the C ABI (`docs/capi-schema.md`) ⇄ the WIT records the
//! [`MemLedger`](crate::MemLedger) stores and the [`Driver`](crate::conformance::Driver)
//! returns. Field for field, as any C ABI host would write it.
//!
//! Documents the driver reads are not checked for unknown fields: a field the library
//! adds later is ignored here, as a host that does not use it would.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::wit::api;
use crate::wit::chatter;
use crate::wit::messaging;
use crate::wit::types;

// ---- the host's records, as the library reads them ----

fn address(a: &types::PostalAddress) -> Value {
    json!({"street": a.street, "city": a.city, "zip": a.zip, "country": a.country})
}

fn contact(c: &types::Contact) -> Value {
    json!({
        "name": c.name,
        "email": c.email,
        "phone": c.phone,
        "address": c.address.as_ref().map(address),
    })
}

/// A trust level's name.
pub fn trust_name(t: types::Trust) -> &'static str {
    match t {
        types::Trust::Good => "good",
        types::Trust::Normal => "normal",
        types::Trust::Bad => "bad",
    }
}

/// A trust level from its name.
pub fn trust_of(name: &str) -> Option<types::Trust> {
    match name {
        "good" => Some(types::Trust::Good),
        "normal" => Some(types::Trust::Normal),
        "bad" => Some(types::Trust::Bad),
        _ => None,
    }
}

fn channel_name(c: types::Channel) -> &'static str {
    match c {
        types::Channel::Email => "email",
        types::Channel::Sms => "sms",
        types::Channel::PrintLetter => "print_letter",
        types::Channel::SendLetter => "send_letter",
    }
}

fn tone_name(t: types::Tone) -> &'static str {
    match t {
        types::Tone::Friendly => "friendly",
        types::Tone::Firm => "firm",
        types::Tone::Final => "final",
    }
}

fn template(t: &types::Template) -> Value {
    json!({
        "lang": t.lang,
        "email_subject": t.email_subject,
        "email_body": t.email_body,
        "sms": t.sms,
        "letter": t.letter,
    })
}

fn level(l: &types::Level) -> Value {
    json!({
        "tone": l.tone.map(tone_name),
        "templates": l.templates.iter().map(template).collect::<Vec<_>>(),
        "id": l.id,
        "name": l.name,
        "delay_days": l.delay_days,
        "email": l.email,
        "sms": l.sms,
        "print_letter": l.print_letter,
        "send_letter": l.send_letter,
        "manual_action": l.manual_action.as_ref().map(|m| json!({"note": m.note, "responsible": m.responsible})),
        "auto_execute": l.auto_execute,
        "join_invoices": l.join_invoices,
    })
}

/// The POLICY document: the company and its levels.
pub fn policy(company: &types::Company, levels: &[types::Level]) -> Value {
    json!({
        "company": {
            "id": company.id,
            "name": company.name,
            "currency": company.currency,
            "lang": company.lang,
            "email": company.email,
            "phone": company.phone,
            "address": company.address.as_ref().map(address),
        },
        "levels": levels.iter().map(level).collect::<Vec<_>>(),
    })
}

/// A PARTNER document.
pub fn partner(p: &types::Partner) -> Value {
    json!({
        "id": p.id,
        "name": p.name,
        "lang": p.lang,
        "trust": trust_name(p.trust),
        "email": p.email,
        "phone": p.phone,
        "address": p.address.as_ref().map(address),
        "followup_contact": p.followup_contact.as_ref().map(contact),
        "reminders": match p.reminders {
            types::ReminderMode::Automatic => "automatic",
            types::ReminderMode::Manual => "manual",
        },
        "next_reminder": p.next_reminder,
    })
}

/// An ITEM document.
pub fn item(i: &types::OpenItem) -> Value {
    json!({
        "id": i.id,
        "partner": i.partner,
        "number": i.number,
        "invoice_date": i.invoice_date,
        "due_date": i.due_date,
        "amount": i.amount,
        "residual": i.residual,
        "currency": i.currency,
        "excluded": i.excluded,
        "level": i.level,
        "contact": i.contact.as_ref().map(contact),
    })
}

/// A PROCESS_REQUEST document.
pub fn request(r: &api::ProcessRequest) -> Value {
    json!({
        "partner": r.partner,
        "manual": r.manual,
        "channels": r.channels.as_ref().map(|cs| cs.iter().map(|c| channel_name(*c)).collect::<Vec<_>>()),
        "exclude": r.exclude,
    })
}

// ---- what the library hands out ----

/// A document the library wrote, read into the WIT record it stands for.
pub trait Document: Sized {
    /// Reads the document.
    fn from_json(text: &[u8]) -> serde_json::Result<Self>;
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum Channel {
    Email,
    Sms,
    PrintLetter,
    SendLetter,
}

impl From<Channel> for types::Channel {
    fn from(c: Channel) -> Self {
        match c {
            Channel::Email => types::Channel::Email,
            Channel::Sms => types::Channel::Sms,
            Channel::PrintLetter => types::Channel::PrintLetter,
            Channel::SendLetter => types::Channel::SendLetter,
        }
    }
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum Trust {
    Good,
    Normal,
    Bad,
}

impl From<Trust> for types::Trust {
    fn from(t: Trust) -> Self {
        match t {
            Trust::Good => types::Trust::Good,
            Trust::Normal => types::Trust::Normal,
            Trust::Bad => types::Trust::Bad,
        }
    }
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum ReminderMode {
    Automatic,
    Manual,
}

impl From<ReminderMode> for types::ReminderMode {
    fn from(m: ReminderMode) -> Self {
        match m {
            ReminderMode::Automatic => types::ReminderMode::Automatic,
            ReminderMode::Manual => types::ReminderMode::Manual,
        }
    }
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum Status {
    NoActionNeeded,
    WithOverdueInvoices,
    InNeedOfAction,
}

impl From<Status> for types::Status {
    fn from(s: Status) -> Self {
        match s {
            Status::NoActionNeeded => types::Status::NoActionNeeded,
            Status::WithOverdueInvoices => types::Status::WithOverdueInvoices,
            Status::InNeedOfAction => types::Status::InNeedOfAction,
        }
    }
}

#[derive(Deserialize)]
struct Address {
    street: String,
    city: String,
    zip: String,
    country: String,
}

impl From<Address> for types::PostalAddress {
    fn from(a: Address) -> Self {
        types::PostalAddress {
            street: a.street,
            city: a.city,
            zip: a.zip,
            country: a.country,
        }
    }
}

#[derive(Deserialize)]
struct Contact {
    name: String,
    email: Option<String>,
    phone: Option<String>,
    address: Option<Address>,
}

impl From<Contact> for types::Contact {
    fn from(c: Contact) -> Self {
        types::Contact {
            name: c.name,
            email: c.email,
            phone: c.phone,
            address: c.address.map(Into::into),
        }
    }
}

/// An error as a BATCH_OUTCOME's `failed` entries carry it.
#[derive(Deserialize)]
struct Error {
    kind: String,
    message: String,
}

/// A refusal of the kind named `kind`; `None` for a name that is no error kind.
pub fn error(kind: &str, message: String) -> Option<types::Error> {
    Some(match kind {
        "invalid_policy" => types::Error::InvalidPolicy(message),
        "invalid_data" => types::Error::InvalidData(message),
        "not_found" => types::Error::NotFound(message),
        "missing_contact" => types::Error::MissingContact(message),
        "delivery_failed" => types::Error::DeliveryFailed(message),
        _ => return None,
    })
}

#[derive(Deserialize)]
struct Message {
    key: String,
    channel: Channel,
    partner: String,
    level: String,
    date: String,
    lang: String,
    recipient: Contact,
    to: String,
    subject: String,
    text: String,
    html: Option<String>,
    items: Vec<String>,
    attach: Vec<String>,
    attachments: Vec<Attachment>,
}

/// An attachment; `content` is base64 (standard alphabet, padded).
#[derive(Deserialize)]
struct Attachment {
    name: String,
    mime_type: String,
    content: String,
}

impl Attachment {
    fn into_wit(self) -> serde_json::Result<types::Attachment> {
        use base64::Engine as _;
        let content = base64::engine::general_purpose::STANDARD
            .decode(&self.content)
            .map_err(serde::de::Error::custom)?;
        Ok(types::Attachment {
            name: self.name,
            mime_type: self.mime_type,
            content,
        })
    }
}

impl Document for messaging::Message {
    fn from_json(text: &[u8]) -> serde_json::Result<Self> {
        let m: Message = serde_json::from_slice(text)?;
        Ok(messaging::Message {
            key: m.key,
            channel: m.channel.into(),
            partner: m.partner,
            level: m.level,
            date: m.date,
            lang: m.lang,
            recipient: m.recipient.into(),
            to: m.to,
            subject: m.subject,
            text: m.text,
            html: m.html,
            items: m.items,
            attach: m.attach,
            attachments: m
                .attachments
                .into_iter()
                .map(Attachment::into_wit)
                .collect::<serde_json::Result<_>>()?,
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Target {
    Partner(String),
    Item(String),
}

#[derive(Deserialize)]
struct Entry {
    target: Target,
    date: String,
    body: String,
}

impl Document for chatter::Entry {
    fn from_json(text: &[u8]) -> serde_json::Result<Self> {
        let e: Entry = serde_json::from_slice(text)?;
        Ok(chatter::Entry {
            target: match e.target {
                Target::Partner(id) => chatter::Target::Partner(id),
                Target::Item(id) => chatter::Target::Item(id),
            },
            date: e.date,
            body: e.body,
        })
    }
}

#[derive(Deserialize)]
struct Task {
    key: String,
    partner: String,
    level: String,
    date: String,
    note: String,
    responsible: String,
    items: Vec<String>,
}

impl Document for chatter::Task {
    fn from_json(text: &[u8]) -> serde_json::Result<Self> {
        let t: Task = serde_json::from_slice(text)?;
        Ok(chatter::Task {
            key: t.key,
            partner: t.partner,
            level: t.level,
            date: t.date,
            note: t.note,
            responsible: t.responsible,
            items: t.items,
        })
    }
}

#[derive(Deserialize)]
struct CurrencyTotal {
    currency: String,
    due: String,
    overdue: String,
}

impl From<CurrencyTotal> for api::CurrencyTotal {
    fn from(t: CurrencyTotal) -> Self {
        api::CurrencyTotal {
            currency: t.currency,
            due: t.due,
            overdue: t.overdue,
        }
    }
}

#[derive(Deserialize)]
struct ReportItem {
    id: String,
    number: String,
    invoice_date: String,
    due_date: Option<String>,
    amount: String,
    residual: String,
    currency: String,
    late: bool,
    days_late: i32,
    excluded: bool,
    level: Option<String>,
    chased: bool,
    in_need: bool,
}

#[derive(Deserialize)]
struct Letter {
    partner: String,
    level: String,
    lang: String,
    subject: String,
    text: String,
    html: String,
    items: Vec<String>,
    pdf: Attachment,
}

impl Document for api::Letter {
    fn from_json(text: &[u8]) -> serde_json::Result<Self> {
        let l: Letter = serde_json::from_slice(text)?;
        Ok(api::Letter {
            partner: l.partner,
            level: l.level,
            lang: l.lang,
            subject: l.subject,
            text: l.text,
            html: l.html,
            items: l.items,
            pdf: l.pdf.into_wit()?,
        })
    }
}

#[derive(Deserialize)]
struct PartnerReport {
    partner: String,
    name: String,
    status: Status,
    level: Option<String>,
    next_reminder: Option<String>,
    trust: Trust,
    reminders: ReminderMode,
    items: Vec<ReportItem>,
    totals: Vec<CurrencyTotal>,
}

impl Document for api::PartnerReport {
    fn from_json(text: &[u8]) -> serde_json::Result<Self> {
        let r: PartnerReport = serde_json::from_slice(text)?;
        Ok(api::PartnerReport {
            partner: r.partner,
            name: r.name,
            status: r.status.into(),
            level: r.level,
            next_reminder: r.next_reminder,
            trust: r.trust.into(),
            reminders: r.reminders.into(),
            items: r
                .items
                .into_iter()
                .map(|i| api::ReportItem {
                    id: i.id,
                    number: i.number,
                    invoice_date: i.invoice_date,
                    due_date: i.due_date,
                    amount: i.amount,
                    residual: i.residual,
                    currency: i.currency,
                    late: i.late,
                    days_late: i.days_late,
                    excluded: i.excluded,
                    level: i.level,
                    chased: i.chased,
                    in_need: i.in_need,
                })
                .collect(),
            totals: r.totals.into_iter().map(Into::into).collect(),
        })
    }
}

#[derive(Deserialize)]
struct OverviewLine {
    partner: String,
    name: String,
    status: Status,
    level: Option<String>,
    next_reminder: Option<String>,
    trust: Trust,
    oldest_due: Option<String>,
    open_items: u32,
    totals: Vec<CurrencyTotal>,
}

impl Document for Vec<api::OverviewLine> {
    fn from_json(text: &[u8]) -> serde_json::Result<Self> {
        let lines: Vec<OverviewLine> = serde_json::from_slice(text)?;
        Ok(lines
            .into_iter()
            .map(|l| api::OverviewLine {
                partner: l.partner,
                name: l.name,
                status: l.status.into(),
                level: l.level,
                next_reminder: l.next_reminder,
                trust: l.trust.into(),
                oldest_due: l.oldest_due,
                open_items: l.open_items,
                totals: l.totals.into_iter().map(Into::into).collect(),
            })
            .collect())
    }
}

#[derive(Deserialize)]
struct ProcessOutcome {
    partner: String,
    did_something: bool,
    level: Option<String>,
    messages: Vec<String>,
    task: Option<String>,
    items: Vec<String>,
    next_reminder: Option<String>,
    note: String,
}

impl From<ProcessOutcome> for api::ProcessOutcome {
    fn from(o: ProcessOutcome) -> Self {
        api::ProcessOutcome {
            partner: o.partner,
            did_something: o.did_something,
            level: o.level,
            messages: o.messages,
            task: o.task,
            items: o.items,
            next_reminder: o.next_reminder,
            note: o.note,
        }
    }
}

impl Document for api::ProcessOutcome {
    fn from_json(text: &[u8]) -> serde_json::Result<Self> {
        serde_json::from_slice::<ProcessOutcome>(text).map(Into::into)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum SkipReason {
    NothingToDo,
    MissingContact,
}

#[derive(Deserialize)]
struct Skipped {
    partner: String,
    reason: SkipReason,
    message: String,
}

#[derive(Deserialize)]
struct Failed {
    partner: String,
    error: Error,
}

#[derive(Deserialize)]
struct BatchOutcome {
    processed: Vec<ProcessOutcome>,
    skipped: Vec<Skipped>,
    failed: Vec<Failed>,
}

impl Document for api::BatchOutcome {
    fn from_json(text: &[u8]) -> serde_json::Result<Self> {
        let b: BatchOutcome = serde_json::from_slice(text)?;
        let failed = b
            .failed
            .into_iter()
            .map(|f| {
                let kind = f.error.kind;
                error(&kind, f.error.message)
                    .map(|error| api::Failed {
                        partner: f.partner,
                        error,
                    })
                    .ok_or_else(|| {
                        <serde_json::Error as serde::de::Error>::custom(format!(
                            "unknown error kind {kind:?}"
                        ))
                    })
            })
            .collect::<serde_json::Result<Vec<_>>>()?;
        Ok(api::BatchOutcome {
            processed: b.processed.into_iter().map(Into::into).collect(),
            skipped: b
                .skipped
                .into_iter()
                .map(|s| api::Skipped {
                    partner: s.partner,
                    reason: match s.reason {
                        SkipReason::NothingToDo => api::SkipReason::NothingToDo,
                        SkipReason::MissingContact => api::SkipReason::MissingContact,
                    },
                    message: s.message,
                })
                .collect(),
            failed,
        })
    }
}

#[derive(Deserialize)]
struct LedgerSummary {
    partners: u32,
    items: u32,
    levels: u32,
}

/// `plan_auto`'s answer: a JSON array of partner ids.
impl Document for Vec<String> {
    fn from_json(text: &[u8]) -> serde_json::Result<Self> {
        serde_json::from_slice(text)
    }
}

impl Document for api::LedgerSummary {
    fn from_json(text: &[u8]) -> serde_json::Result<Self> {
        let s: LedgerSummary = serde_json::from_slice(text)?;
        Ok(api::LedgerSummary {
            partners: s.partners,
            items: s.items,
            levels: s.levels,
        })
    }
}
