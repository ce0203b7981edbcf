//! WIT records ⇄ engine records. Field for field; no decisions.

use crate::exports::followup::engine::followup as x;
use crate::followup::engine::{chatter, messaging, types as w};
use followup_engine as e;
use followup_engine::format_date;

/// A count as WIT's `u32`, saturating.
pub fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

// ---- into the engine ----

pub fn company(c: w::Company) -> e::CompanyRecord {
    e::CompanyRecord {
        id: c.id,
        name: c.name,
        currency: c.currency,
        lang: c.lang,
        email: c.email,
        phone: c.phone,
        address: c.address.map(address_in),
    }
}

fn tone_in(t: w::Tone) -> e::Tone {
    match t {
        w::Tone::Friendly => e::Tone::Friendly,
        w::Tone::Firm => e::Tone::Firm,
        w::Tone::Final => e::Tone::Final,
    }
}

fn template_in(t: w::Template) -> e::Template {
    e::Template {
        lang: t.lang,
        email_subject: t.email_subject,
        email_body: t.email_body,
        sms: t.sms,
        letter: t.letter,
    }
}

pub fn level(l: w::Level) -> e::Level {
    e::Level {
        id: l.id,
        name: l.name,
        delay_days: l.delay_days,
        email: l.email,
        sms: l.sms,
        print_letter: l.print_letter,
        send_letter: l.send_letter,
        manual_action: l.manual_action.map(|m| e::ManualAction {
            note: m.note,
            responsible: m.responsible,
        }),
        auto_execute: l.auto_execute,
        join_invoices: l.join_invoices,
        tone: l.tone.map(tone_in),
        templates: l.templates.into_iter().map(template_in).collect(),
    }
}

fn address_in(a: w::PostalAddress) -> e::PostalAddress {
    e::PostalAddress {
        street: a.street,
        city: a.city,
        zip: a.zip,
        country: a.country,
    }
}

fn contact_in(c: w::Contact) -> e::Contact {
    e::Contact {
        name: c.name,
        email: c.email,
        phone: c.phone,
        address: c.address.map(address_in),
    }
}

pub fn trust_in(t: w::Trust) -> e::Trust {
    match t {
        w::Trust::Good => e::Trust::Good,
        w::Trust::Normal => e::Trust::Normal,
        w::Trust::Bad => e::Trust::Bad,
    }
}

pub fn partner(p: w::Partner) -> e::PartnerRecord {
    e::PartnerRecord {
        id: p.id,
        name: p.name,
        lang: p.lang,
        trust: trust_in(p.trust),
        email: p.email,
        phone: p.phone,
        address: p.address.map(address_in),
        followup_contact: p.followup_contact.map(contact_in),
        reminders: match p.reminders {
            w::ReminderMode::Automatic => e::ReminderMode::Automatic,
            w::ReminderMode::Manual => e::ReminderMode::Manual,
        },
        next_reminder: p.next_reminder,
    }
}

pub fn item(i: w::OpenItem) -> e::ItemRecord {
    e::ItemRecord {
        id: i.id,
        partner: i.partner,
        number: i.number,
        invoice_date: i.invoice_date,
        due_date: i.due_date,
        amount: i.amount,
        residual: i.residual,
        currency: i.currency,
        excluded: i.excluded,
        level: i.level,
        contact: i.contact.map(|c| Box::new(contact_in(c))),
    }
}

fn channel_in(c: w::Channel) -> e::Channel {
    match c {
        w::Channel::Email => e::Channel::Email,
        w::Channel::Sms => e::Channel::Sms,
        w::Channel::PrintLetter => e::Channel::PrintLetter,
        w::Channel::SendLetter => e::Channel::SendLetter,
    }
}

pub fn request(r: x::ProcessRequest) -> e::ProcessRequest {
    e::ProcessRequest {
        partner: r.partner,
        manual: r.manual,
        channels: r
            .channels
            .map(|cs| cs.into_iter().map(channel_in).collect()),
        exclude: r.exclude,
    }
}

// ---- out of the engine ----

pub fn error(err: e::Error) -> w::Error {
    let e::Error { kind, message } = err;
    match kind {
        e::ErrorKind::InvalidPolicy => w::Error::InvalidPolicy(message),
        e::ErrorKind::InvalidData => w::Error::InvalidData(message),
        e::ErrorKind::NotFound => w::Error::NotFound(message),
        e::ErrorKind::MissingContact => w::Error::MissingContact(message),
        e::ErrorKind::DeliveryFailed => w::Error::DeliveryFailed(message),
    }
}

pub fn trust_out(t: e::Trust) -> w::Trust {
    match t {
        e::Trust::Good => w::Trust::Good,
        e::Trust::Normal => w::Trust::Normal,
        e::Trust::Bad => w::Trust::Bad,
    }
}

fn status(s: e::Status) -> w::Status {
    match s {
        e::Status::NoActionNeeded => w::Status::NoActionNeeded,
        e::Status::WithOverdueInvoices => w::Status::WithOverdueInvoices,
        e::Status::InNeedOfAction => w::Status::InNeedOfAction,
    }
}

fn channel_out(c: e::Channel) -> w::Channel {
    match c {
        e::Channel::Email => w::Channel::Email,
        e::Channel::Sms => w::Channel::Sms,
        e::Channel::PrintLetter => w::Channel::PrintLetter,
        e::Channel::SendLetter => w::Channel::SendLetter,
    }
}

fn total(t: &e::CurrencyTotal) -> x::CurrencyTotal {
    x::CurrencyTotal {
        currency: t.currency.to_string(),
        due: t.due.to_string(),
        overdue: t.overdue.to_string(),
    }
}

pub fn report(r: e::PartnerReport) -> x::PartnerReport {
    x::PartnerReport {
        partner: r.partner,
        name: r.name,
        status: status(r.status),
        level: r.level,
        next_reminder: r.next_reminder.map(format_date),
        trust: trust_out(r.trust),
        reminders: match r.reminders {
            e::ReminderMode::Automatic => w::ReminderMode::Automatic,
            e::ReminderMode::Manual => w::ReminderMode::Manual,
        },
        items: r
            .items
            .into_iter()
            .map(|i| x::ReportItem {
                id: i.id,
                number: i.number,
                invoice_date: format_date(i.invoice_date),
                due_date: i.due_date.map(format_date),
                amount: i.amount.to_string(),
                residual: i.residual.to_string(),
                currency: i.currency.to_string(),
                late: i.late,
                days_late: i.days_late,
                excluded: i.excluded,
                level: i.level,
                chased: i.chased,
                in_need: i.in_need,
            })
            .collect(),
        totals: r.totals.iter().map(total).collect(),
    }
}

pub fn ovl(l: e::OverviewLine) -> x::OverviewLine {
    x::OverviewLine {
        partner: l.partner,
        name: l.name,
        status: status(l.status),
        level: l.level,
        next_reminder: l.next_reminder.map(format_date),
        trust: trust_out(l.trust),
        oldest_due: l.oldest_due.map(format_date),
        open_items: l.open_items,
        totals: l.totals.iter().map(total).collect(),
    }
}

pub fn outcome(o: e::ProcessOutcome) -> x::ProcessOutcome {
    x::ProcessOutcome {
        partner: o.partner,
        did_something: o.did_something,
        level: o.level,
        messages: o.messages,
        task: o.task,
        items: o.items,
        next_reminder: o.next_reminder.map(format_date),
        note: o.note,
    }
}

pub fn batch(b: e::BatchOutcome) -> x::BatchOutcome {
    x::BatchOutcome {
        processed: b.processed.into_iter().map(outcome).collect(),
        skipped: b
            .skipped
            .into_iter()
            .map(|s| x::Skipped {
                partner: s.partner,
                reason: match s.reason {
                    e::SkipReason::NothingToDo => x::SkipReason::NothingToDo,
                    e::SkipReason::MissingContact => x::SkipReason::MissingContact,
                },
                message: s.message,
            })
            .collect(),
        failed: b
            .failed
            .into_iter()
            .map(|f| x::Failed {
                partner: f.partner,
                error: error(f.error),
            })
            .collect(),
    }
}

fn address_out(a: &e::PostalAddress) -> w::PostalAddress {
    w::PostalAddress {
        street: a.street.clone(),
        city: a.city.clone(),
        zip: a.zip.clone(),
        country: a.country.clone(),
    }
}

pub fn message(m: &e::Message) -> messaging::Message {
    messaging::Message {
        key: m.key.clone(),
        channel: channel_out(m.channel),
        partner: m.partner.clone(),
        level: m.level.clone(),
        date: format_date(m.date),
        lang: m.lang.clone(),
        recipient: w::Contact {
            name: m.recipient.name.clone(),
            email: m.recipient.email.clone(),
            phone: m.recipient.phone.clone(),
            address: m.recipient.address.as_ref().map(address_out),
        },
        to: m.to.clone(),
        subject: m.subject.clone(),
        text: m.text.clone(),
        html: m.html.clone(),
        items: m.items.clone(),
        attach: m.attach.clone(),
        attachments: m.attachments.iter().map(attachment).collect(),
    }
}

fn attachment(a: &e::Attachment) -> w::Attachment {
    w::Attachment {
        name: a.name.clone(),
        mime_type: a.mime_type.clone(),
        content: a.content.clone(),
    }
}

pub fn letter(l: e::Letter) -> x::Letter {
    x::Letter {
        pdf: attachment(&l.pdf),
        partner: l.partner,
        level: l.level,
        lang: l.lang,
        subject: l.subject,
        text: l.text,
        html: l.html,
        items: l.items,
    }
}

pub fn entry(en: &e::ChatterEntry) -> chatter::Entry {
    chatter::Entry {
        target: match &en.target {
            e::Target::Partner(id) => chatter::Target::Partner(id.clone()),
            e::Target::Item(id) => chatter::Target::Item(id.clone()),
        },
        date: format_date(en.date),
        body: en.body.clone(),
    }
}

pub fn task(t: &e::Task) -> chatter::Task {
    chatter::Task {
        key: t.key.clone(),
        partner: t.partner.clone(),
        level: t.level.clone(),
        date: format_date(t.date),
        note: t.note.clone(),
        responsible: t.responsible.clone(),
        items: t.items.clone(),
    }
}
