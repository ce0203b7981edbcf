//! WIT records to and from table rows: the column lists, enums as names, contacts and
//! addresses as column groups, lists of ids as JSON arrays. Translation only.

use rusqlite::types::Value;
use rusqlite::{Row, ToSql};

use crate::fixture;
use crate::wit::chatter::{Entry, Target, Task};
use crate::wit::messaging::Message;
use crate::wit::types::{
    Channel, Company, Contact, Level, ManualAction, OpenItem, Partner, PostalAddress, ReminderMode,
    Template, Tone, Trust,
};

/// A value read from a column that this build cannot map back: the database was written
/// by hand or by another program. Reading it is a host failure (a trap).
fn bad(column: usize, what: &str, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        format!("not a {what}: {value:?}").into(),
    )
}

pub(crate) fn trust_name(trust: Trust) -> &'static str {
    fixture::Trust::name_of(trust)
}

fn trust_of(column: usize, name: &str) -> rusqlite::Result<Trust> {
    fixture::Trust::ALL
        .iter()
        .find(|t| t.as_str() == name)
        .map(|t| t.to_wit())
        .ok_or_else(|| bad(column, "trust", name))
}

fn reminders_name(mode: ReminderMode) -> &'static str {
    fixture::ReminderMode::name_of(mode)
}

fn reminders_of(column: usize, name: &str) -> rusqlite::Result<ReminderMode> {
    fixture::ReminderMode::ALL
        .iter()
        .find(|t| t.as_str() == name)
        .map(|t| t.to_wit())
        .ok_or_else(|| bad(column, "reminder mode", name))
}

pub(crate) fn channel_name(channel: Channel) -> &'static str {
    fixture::Channel::name_of(channel)
}

fn channel_of(column: usize, name: &str) -> rusqlite::Result<Channel> {
    fixture::Channel::ALL
        .iter()
        .find(|t| t.as_str() == name)
        .map(|t| t.to_wit())
        .ok_or_else(|| bad(column, "channel", name))
}

fn tone_name(tone: Tone) -> &'static str {
    match tone {
        Tone::Friendly => "friendly",
        Tone::Firm => "firm",
        Tone::Final => "final",
    }
}

fn tone_of(column: usize, name: &str) -> rusqlite::Result<Tone> {
    match name {
        "friendly" => Ok(Tone::Friendly),
        "firm" => Ok(Tone::Firm),
        "final" => Ok(Tone::Final),
        _ => Err(bad(column, "tone", name)),
    }
}

/// A list of ids as a JSON array.
pub(crate) fn ids_text(ids: &[String]) -> String {
    serde_json::to_string(ids).expect("a list of strings serialises")
}

fn ids_of(column: usize, text: &str) -> rusqlite::Result<Vec<String>> {
    serde_json::from_str(text).map_err(|_| bad(column, "JSON list of ids", text))
}

/// The four columns of an optional address.
fn address_values(address: Option<&PostalAddress>) -> [Value; 4] {
    match address {
        Some(a) => [
            a.street.clone().into(),
            a.city.clone().into(),
            a.zip.clone().into(),
            a.country.clone().into(),
        ],
        None => [Value::Null, Value::Null, Value::Null, Value::Null],
    }
}

/// An optional address from four columns starting at `at` (street NULL: none).
fn address_at(row: &Row<'_>, at: usize) -> rusqlite::Result<Option<PostalAddress>> {
    let street: Option<String> = row.get(at)?;
    Ok(match street {
        None => None,
        Some(street) => Some(PostalAddress {
            street,
            city: row.get(at + 1)?,
            zip: row.get(at + 2)?,
            country: row.get(at + 3)?,
        }),
    })
}

/// The seven columns of an optional contact: name, email, phone, address.
fn contact_values(contact: Option<&Contact>) -> Vec<Value> {
    let mut values = match contact {
        Some(c) => vec![
            c.name.clone().into(),
            c.email.clone().into(),
            c.phone.clone().into(),
        ],
        None => vec![Value::Null, Value::Null, Value::Null],
    };
    values.extend(address_values(contact.and_then(|c| c.address.as_ref())));
    values
}

/// An optional contact from seven columns starting at `at` (name NULL: none).
fn contact_at(row: &Row<'_>, at: usize) -> rusqlite::Result<Option<Contact>> {
    let name: Option<String> = row.get(at)?;
    Ok(match name {
        None => None,
        Some(name) => Some(Contact {
            name,
            email: row.get(at + 1)?,
            phone: row.get(at + 2)?,
            address: address_at(row, at + 3)?,
        }),
    })
}

/// A required contact from seven columns starting at `at`.
fn recipient_at(row: &Row<'_>, at: usize) -> rusqlite::Result<Contact> {
    Ok(Contact {
        name: row.get(at)?,
        email: row.get(at + 1)?,
        phone: row.get(at + 2)?,
        address: address_at(row, at + 3)?,
    })
}

/// Parameters as `ToSql` references.
pub(crate) fn params(values: &[Value]) -> Vec<&dyn ToSql> {
    values.iter().map(|v| v as &dyn ToSql).collect()
}

// ---- company ----

pub(crate) const COMPANY_COLUMNS: &str =
    "id, name, currency, lang, email, phone, street, city, zip, country";

pub(crate) fn company_values(c: &Company) -> Vec<Value> {
    let mut values: Vec<Value> = vec![
        c.id.clone().into(),
        c.name.clone().into(),
        c.currency.clone().into(),
        c.lang.clone().into(),
        c.email.clone().into(),
        c.phone.clone().into(),
    ];
    values.extend(address_values(c.address.as_ref()));
    values
}

pub(crate) fn company_of(row: &Row<'_>) -> rusqlite::Result<Company> {
    Ok(Company {
        id: row.get(0)?,
        name: row.get(1)?,
        currency: row.get(2)?,
        lang: row.get(3)?,
        email: row.get(4)?,
        phone: row.get(5)?,
        address: address_at(row, 6)?,
    })
}

// ---- levels ----

pub(crate) const LEVEL_COLUMNS: &str = "position, id, name, delay_days, email, sms, \
     print_letter, send_letter, action_note, action_responsible, auto_execute, \
     join_invoices, tone";

pub(crate) fn level_values(position: usize, l: &Level) -> Vec<Value> {
    vec![
        (position as i64).into(),
        l.id.clone().into(),
        l.name.clone().into(),
        i64::from(l.delay_days).into(),
        l.email.into(),
        l.sms.into(),
        l.print_letter.into(),
        l.send_letter.into(),
        l.manual_action.as_ref().map(|a| a.note.clone()).into(),
        l.manual_action
            .as_ref()
            .map(|a| a.responsible.clone())
            .into(),
        l.auto_execute.into(),
        l.join_invoices.into(),
        l.tone.map(|t| tone_name(t).to_string()).into(),
    ]
}

/// A level without its templates, and its position.
pub(crate) fn level_of(row: &Row<'_>) -> rusqlite::Result<(i64, Level)> {
    let note: Option<String> = row.get(8)?;
    let responsible: Option<String> = row.get(9)?;
    let tone: Option<String> = row.get(12)?;
    Ok((
        row.get(0)?,
        Level {
            id: row.get(1)?,
            name: row.get(2)?,
            delay_days: row.get(3)?,
            email: row.get(4)?,
            sms: row.get(5)?,
            print_letter: row.get(6)?,
            send_letter: row.get(7)?,
            manual_action: match (note, responsible) {
                (Some(note), Some(responsible)) => Some(ManualAction { note, responsible }),
                _ => None,
            },
            auto_execute: row.get(10)?,
            join_invoices: row.get(11)?,
            tone: tone.map(|t| tone_of(12, &t)).transpose()?,
            templates: Vec::new(),
        },
    ))
}

pub(crate) const TEMPLATE_COLUMNS: &str =
    "level, position, lang, email_subject, email_body, sms, letter";

pub(crate) fn template_values(level: usize, position: usize, t: &Template) -> Vec<Value> {
    vec![
        (level as i64).into(),
        (position as i64).into(),
        t.lang.clone().into(),
        t.email_subject.clone().into(),
        t.email_body.clone().into(),
        t.sms.clone().into(),
        t.letter.clone().into(),
    ]
}

/// A template and the position of its level.
pub(crate) fn template_of(row: &Row<'_>) -> rusqlite::Result<(i64, Template)> {
    Ok((
        row.get(0)?,
        Template {
            lang: row.get(2)?,
            email_subject: row.get(3)?,
            email_body: row.get(4)?,
            sms: row.get(5)?,
            letter: row.get(6)?,
        },
    ))
}

// ---- partners ----

pub(crate) const PARTNER_COLUMNS: &str = "id, dup, name, lang, email, phone, street, city, \
     zip, country, fc_name, fc_email, fc_phone, fc_street, fc_city, fc_zip, fc_country, \
     reminders, trust, next_reminder";

pub(crate) fn partner_values(dup: u32, p: &Partner) -> Vec<Value> {
    let mut values: Vec<Value> = vec![
        p.id.clone().into(),
        i64::from(dup).into(),
        p.name.clone().into(),
        p.lang.clone().into(),
        p.email.clone().into(),
        p.phone.clone().into(),
    ];
    values.extend(address_values(p.address.as_ref()));
    values.extend(contact_values(p.followup_contact.as_ref()));
    values.push(reminders_name(p.reminders).to_string().into());
    values.push(trust_name(p.trust).to_string().into());
    values.push(p.next_reminder.clone().into());
    values
}

/// A partner and its `dup`.
pub(crate) fn partner_of(row: &Row<'_>) -> rusqlite::Result<(u32, Partner)> {
    let reminders: String = row.get(17)?;
    let trust: String = row.get(18)?;
    Ok((
        row.get(1)?,
        Partner {
            id: row.get(0)?,
            name: row.get(2)?,
            lang: row.get(3)?,
            email: row.get(4)?,
            phone: row.get(5)?,
            address: address_at(row, 6)?,
            followup_contact: contact_at(row, 10)?,
            reminders: reminders_of(17, &reminders)?,
            trust: trust_of(18, &trust)?,
            next_reminder: row.get(19)?,
        },
    ))
}

// ---- items ----

pub(crate) const ITEM_COLUMNS: &str = "id, dup, partner, number, invoice_date, due_date, \
     amount, residual, currency, c_name, c_email, c_phone, c_street, c_city, c_zip, \
     c_country, excluded, level";

pub(crate) fn item_values(dup: u32, i: &OpenItem) -> Vec<Value> {
    let mut values: Vec<Value> = vec![
        i.id.clone().into(),
        i64::from(dup).into(),
        i.partner.clone().into(),
        i.number.clone().into(),
        i.invoice_date.clone().into(),
        i.due_date.clone().into(),
        i.amount.clone().into(),
        i.residual.clone().into(),
        i.currency.clone().into(),
    ];
    values.extend(contact_values(i.contact.as_ref()));
    values.push(i.excluded.into());
    values.push(i.level.clone().into());
    values
}

/// An open item and its `dup`.
pub(crate) fn item_of(row: &Row<'_>) -> rusqlite::Result<(u32, OpenItem)> {
    Ok((
        row.get(1)?,
        OpenItem {
            id: row.get(0)?,
            partner: row.get(2)?,
            number: row.get(3)?,
            invoice_date: row.get(4)?,
            due_date: row.get(5)?,
            amount: row.get(6)?,
            residual: row.get(7)?,
            currency: row.get(8)?,
            contact: contact_at(row, 9)?,
            excluded: row.get(16)?,
            level: row.get(17)?,
        },
    ))
}

// ---- history ----

pub(crate) const CHATTER_COLUMNS: &str = "target_kind, target, date, body";

pub(crate) fn entry_values(e: &Entry) -> Vec<Value> {
    let (kind, target) = match &e.target {
        Target::Partner(id) => ("partner", id),
        Target::Item(id) => ("item", id),
    };
    vec![
        kind.to_string().into(),
        target.clone().into(),
        e.date.clone().into(),
        e.body.clone().into(),
    ]
}

pub(crate) fn entry_of(row: &Row<'_>) -> rusqlite::Result<Entry> {
    let kind: String = row.get(0)?;
    let target: String = row.get(1)?;
    Ok(Entry {
        target: match kind.as_str() {
            "partner" => Target::Partner(target),
            "item" => Target::Item(target),
            other => return Err(bad(0, "chatter target", other)),
        },
        date: row.get(2)?,
        body: row.get(3)?,
    })
}

pub(crate) const TASK_COLUMNS: &str = "key, partner, level, date, note, responsible, items";

pub(crate) fn task_values(t: &Task) -> Vec<Value> {
    vec![
        t.key.clone().into(),
        t.partner.clone().into(),
        t.level.clone().into(),
        t.date.clone().into(),
        t.note.clone().into(),
        t.responsible.clone().into(),
        ids_text(&t.items).into(),
    ]
}

pub(crate) fn task_of(row: &Row<'_>) -> rusqlite::Result<Task> {
    task_of_at(row, 0)
}

/// A task from the [`TASK_COLUMNS`] starting at column `at`.
pub(crate) fn task_of_at(row: &Row<'_>, at: usize) -> rusqlite::Result<Task> {
    let items: String = row.get(at + 6)?;
    Ok(Task {
        key: row.get(at)?,
        partner: row.get(at + 1)?,
        level: row.get(at + 2)?,
        date: row.get(at + 3)?,
        note: row.get(at + 4)?,
        responsible: row.get(at + 5)?,
        items: ids_of(at + 6, &items)?,
    })
}

/// The outbox columns of a message (its attachments have a table of their own).
pub(crate) const MESSAGE_COLUMNS: &str = "key, channel, partner, level, date, lang, r_name, \
     r_email, r_phone, r_street, r_city, r_zip, r_country, to_address, subject, text, html, \
     items, attach";

pub(crate) fn message_values(m: &Message) -> Vec<Value> {
    let mut values: Vec<Value> = vec![
        m.key.clone().into(),
        channel_name(m.channel).to_string().into(),
        m.partner.clone().into(),
        m.level.clone().into(),
        m.date.clone().into(),
        m.lang.clone().into(),
    ];
    values.extend(contact_values(Some(&m.recipient)));
    values.extend([
        m.to.clone().into(),
        m.subject.clone().into(),
        m.text.clone().into(),
        m.html.clone().into(),
        ids_text(&m.items).into(),
        ids_text(&m.attach).into(),
    ]);
    values
}

/// A message without its attachments.
pub(crate) fn message_of(row: &Row<'_>) -> rusqlite::Result<Message> {
    let channel: String = row.get(1)?;
    let items: String = row.get(17)?;
    let attach: String = row.get(18)?;
    Ok(Message {
        key: row.get(0)?,
        channel: channel_of(1, &channel)?,
        partner: row.get(2)?,
        level: row.get(3)?,
        date: row.get(4)?,
        lang: row.get(5)?,
        recipient: recipient_at(row, 6)?,
        to: row.get(13)?,
        subject: row.get(14)?,
        text: row.get(15)?,
        html: row.get(16)?,
        items: ids_of(17, &items)?,
        attach: ids_of(18, &attach)?,
        attachments: Vec::new(),
    })
}

/// `?1, ?2, … ?n`.
pub(crate) fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}
