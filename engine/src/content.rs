//! What reminders say: subject, text, HTML and PDF per channel, in the partner's
//! language (see [`crate::templates`] for which template is used and
//! [`crate::document`] for the follow-up report), and the chatter wording.

use crate::document::{self, Document};
use crate::error::Error;
use crate::locale::Locale;
use crate::model::{Company, Item, Partner, Policy};
use crate::parse::Currency;
use crate::ports::Attachment;
use crate::records::{Channel, Contact, Level, PostalAddress, Tone};
use crate::report;
use crate::templates::{Field, STATEMENT_MARK, Wording};
use chrono::NaiveDate;
use minijinja::{Value, context};
use rust_decimal::Decimal;
use serde::Serialize;

/// MIME type of the PDF documents.
pub const PDF: &str = "application/pdf";

/// Subject, bodies and documents of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    /// Language tag the text is written in.
    pub lang: String,
    /// Subject line.
    pub subject: String,
    /// Plain text (the whole SMS).
    pub text: String,
    /// HTML body, for email.
    pub html: Option<String>,
    /// The PDF letter (letters) or statement (email).
    pub attachments: Vec<Attachment>,
}

/// Everything a reminder's text may mention.
#[derive(Debug, Clone, Copy)]
pub struct Scene<'a> {
    /// The company sending it.
    pub company: &'a Company,
    /// The customer.
    pub partner: &'a Partner,
    /// The level being executed.
    pub level: &'a Level,
    /// Who it is addressed to.
    pub recipient: &'a Contact,
    /// The items it covers.
    pub items: &'a [&'a Item],
    /// The day it is written.
    pub today: NaiveDate,
    /// The partner's next reminder date after this one.
    pub next_reminder: Option<NaiveDate>,
}

#[derive(Serialize)]
struct ItemView {
    id: String,
    number: String,
    invoice_date: String,
    due_date: String,
    amount: String,
    residual: String,
    currency: String,
    late: bool,
    days_late: i64,
}

#[derive(Serialize)]
struct TotalView {
    currency: String,
    due: String,
    overdue: String,
}

/// The variables of a template (see `docs/templates.md`).
pub fn context(scene: &Scene<'_>, locale: Locale, lang: &str, tone: Tone) -> Value {
    let today = scene.today;
    let items: Vec<ItemView> = document::ordered(scene.items)
        .into_iter()
        .map(|item| ItemView {
            id: item.id.clone(),
            number: item.number.clone(),
            invoice_date: locale.short_date(item.invoice_date),
            due_date: item
                .due_date
                .map(|d| locale.short_date(d))
                .unwrap_or_default(),
            amount: locale.money(item.amount, item.currency),
            residual: locale.money(item.residual, item.currency),
            currency: item.currency.to_string(),
            late: item.due_date.is_some_and(|due| due < today),
            days_late: item
                .due_date
                .map_or(0, |due| report::days_between(due, today)),
        })
        .collect();
    let owned: Vec<Item> = scene.items.iter().map(|item| (*item).clone()).collect();
    let totals = report::totals(&owned, today);
    let joined = |pick: fn(&report::CurrencyTotal) -> Decimal| -> String {
        let parts: Vec<String> = totals
            .iter()
            .filter(|t| !pick(t).is_zero())
            .map(|t| locale.money(pick(t), t.currency))
            .collect();
        if parts.is_empty() {
            locale.money(Decimal::ZERO, scene.company.currency)
        } else {
            parts.join(" + ")
        }
    };
    let total = joined(|t| t.due);
    let total_overdue = joined(|t| t.overdue);
    let totals: Vec<TotalView> = totals
        .iter()
        .map(|t| TotalView {
            currency: t.currency.to_string(),
            due: locale.money(t.due, t.currency),
            overdue: locale.money(t.overdue, t.currency),
        })
        .collect();
    let late_count = items.iter().filter(|item| item.late).count();
    let partner = scene.partner;
    let company = scene.company;
    let recipient = scene.recipient;
    let lines = |address: Option<&PostalAddress>| document::address_lines(address);
    context! {
        lang => lang,
        today => locale.long_date(today),
        next_reminder => scene.next_reminder.map(|d| locale.long_date(d)).unwrap_or_default(),
        partner => context! {
            id => &partner.id,
            name => &partner.name,
            lang => partner.lang.clone().unwrap_or_default(),
            email => partner.own.email.clone().unwrap_or_default(),
            phone => partner.own.phone.clone().unwrap_or_default(),
            address => lines(partner.own.address.as_ref()),
        },
        recipient => context! {
            name => &recipient.name,
            email => recipient.email.clone().unwrap_or_default(),
            phone => recipient.phone.clone().unwrap_or_default(),
            address => lines(recipient.address.as_ref()),
        },
        company => context! {
            id => &company.id,
            name => &company.name,
            currency => company.currency.to_string(),
            email => company.email.clone().unwrap_or_default(),
            phone => company.phone.clone().unwrap_or_default(),
            address => lines(company.address.as_ref()),
        },
        level => context! {
            id => &scene.level.id,
            name => &scene.level.name,
            tone => tone.as_str(),
            delay_days => scene.level.delay_days,
        },
        items => Value::from(minijinja::value::Serde(&items)),
        totals => Value::from(minijinja::value::Serde(&totals)),
        total => total,
        total_overdue => total_overdue,
        late_count => late_count,
        statement => STATEMENT_MARK,
    }
}

/// The variables on made-up data, to try a policy's templates when the engine is made.
pub fn sample_context(level: &Level) -> Value {
    let eur = Currency::parse("EUR").unwrap_or_else(|| unreachable!("EUR is a currency"));
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
    let address = PostalAddress {
        street: "1 Sample Street".into(),
        city: "Sampleton".into(),
        zip: "12345".into(),
        country: "Samplia".into(),
    };
    let company = Company {
        id: "sample".into(),
        name: "Sample Company".into(),
        currency: eur,
        lang: "en".into(),
        email: Some("accounts@sample.example".into()),
        phone: Some("+1 555 0100".into()),
        address: Some(address.clone()),
    };
    let own = Contact {
        name: "Sample Customer".into(),
        email: Some("ap@customer.example".into()),
        phone: Some("+1 555 0199".into()),
        address: Some(address),
    };
    let partner = Partner {
        id: "customer".into(),
        name: own.name.clone(),
        lang: Some("en".into()),
        trust: Default::default(),
        reminders: Default::default(),
        own: own.clone(),
        followup_contact: None,
        next_reminder: None,
    };
    let item = |id: &str, due: NaiveDate, amount: i64| Item {
        id: id.into(),
        number: id.into(),
        invoice_date: day(2024, 1, 2),
        due_date: Some(due),
        amount: Decimal::new(amount, 2),
        residual: Decimal::new(amount, 2),
        currency: eur,
        excluded: false,
        level: None,
        contact: None,
    };
    let items = [
        item("INV/0001", day(2024, 2, 1), 123_456),
        item("INV/0002", day(2024, 3, 15), 50_000),
    ];
    let covered: Vec<&Item> = items.iter().collect();
    let scene = Scene {
        company: &company,
        partner: &partner,
        level,
        recipient: &own,
        items: &covered,
        today: day(2024, 3, 1),
        next_reminder: Some(day(2024, 3, 16)),
    };
    context(
        &scene,
        Locale::En,
        "en",
        level.tone.unwrap_or(Tone::Friendly),
    )
}

/// A file name made of ASCII letters, digits, `-` and `_`.
fn file_part(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Writes the message for `channel`, for the level at `level_index` of `policy`.
pub fn message(
    policy: &Policy,
    level_index: usize,
    channel: Channel,
    scene: &Scene<'_>,
) -> Result<Content, Error> {
    compose(policy, level_index, channel, scene, false)
}

/// Writes the letter of the level at `level_index` as "Print Letter" shows it: the
/// same text and PDF as a `print_letter` message, and the letter as HTML too.
pub fn letter(policy: &Policy, level_index: usize, scene: &Scene<'_>) -> Result<Content, Error> {
    compose(policy, level_index, Channel::PrintLetter, scene, true)
}

fn compose(
    policy: &Policy,
    level_index: usize,
    channel: Channel,
    scene: &Scene<'_>,
    letter_html: bool,
) -> Result<Content, Error> {
    let tone = policy.tone(level_index);
    let wording = Wording::new(
        policy.templates(),
        scene.level,
        level_index,
        tone,
        scene.partner.lang.as_deref(),
        &scene.company.lang,
    );
    let main = match channel {
        Channel::Email => Field::EmailBody,
        Channel::Sms => Field::Sms,
        Channel::PrintLetter | Channel::SendLetter => Field::Letter,
    };
    let lang = wording.language(main);
    let locale = Locale::of_tag(&lang).unwrap_or(Locale::En);
    let ctx = context(scene, locale, &lang, tone);
    let subject = wording.render(Field::EmailSubject, &lang, &ctx)?;
    let subject = subject.split_whitespace().collect::<Vec<_>>().join(" ");
    let body = wording.render(main, &lang, &ctx)?;
    let doc = |prose: &str| {
        Document::new(
            &lang,
            locale,
            scene.company,
            scene.recipient,
            &scene.partner.id,
            scene.today,
            &subject,
            prose,
            scene.items,
        )
    };
    let pdf = |doc: &Document| Attachment {
        name: format!(
            "{}-{}-{}.pdf",
            file_part(&scene.level.id),
            file_part(&scene.partner.id),
            scene.today
        ),
        mime_type: PDF.to_string(),
        content: doc.pdf(),
    };
    Ok(match channel {
        Channel::Email => {
            let email = doc(&body);
            let letter = doc(&wording.render(Field::Letter, &lang, &ctx)?);
            Content {
                text: email.text(),
                html: Some(email.html()?),
                attachments: vec![pdf(&letter)],
                subject,
                lang,
            }
        }
        Channel::Sms => {
            let statement = doc("").statement_text();
            let text = body.replace(STATEMENT_MARK, &statement);
            Content {
                text: text.trim().to_string(),
                html: None,
                attachments: Vec::new(),
                subject,
                lang,
            }
        }
        Channel::PrintLetter | Channel::SendLetter => {
            let letter = doc(&body);
            Content {
                text: letter.text(),
                html: letter_html.then(|| letter.html()).transpose()?,
                attachments: vec![pdf(&letter)],
                subject,
                lang,
            }
        }
    })
}

/// Chatter on the partner: which level went out, how, to whom, covering what.
pub fn partner_log(
    level: &Level,
    sent: &[(Channel, String)],
    task: Option<&str>,
    items: &[&Item],
) -> String {
    let how = if sent.is_empty() {
        "no message".to_string()
    } else {
        sent.iter()
            .map(|(channel, to)| format!("{} to {to}", channel.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let numbers = items
        .iter()
        .map(|item| item.number.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let task = task.map_or(String::new(), |who| format!("; task for {who}"));
    format!(
        "Follow-up '{}' executed: {how}{task}. Covers {numbers}.",
        level.name
    )
}

/// Chatter on each covered invoice.
pub fn item_log(level: &Level, channels: &[Channel], today: NaiveDate) -> String {
    let channels = if channels.is_empty() {
        "no message".to_string()
    } else {
        channels
            .iter()
            .map(|channel| channel.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "Included in follow-up '{}' of {today} ({channels}).",
        level.name
    )
}

/// Chatter on the partner: the next reminder date after processing.
pub fn next_reminder_log(next: NaiveDate) -> String {
    format!("Next reminder on {next}.")
}

/// Chatter on the partner: a person postponed the next reminder.
pub fn remind_later_log(date: NaiveDate) -> String {
    format!("Reminder postponed: next reminder on {date}.")
}

/// Chatter on an item whose "No follow-up" flag was set or cleared.
pub fn excluded_log(excluded: bool) -> String {
    if excluded {
        "Excluded from follow-up (No follow-up).".to_string()
    } else {
        "Included in follow-up again.".to_string()
    }
}

/// Chatter on a partner whose trust level changed.
pub fn trust_log(trust: &str) -> String {
    format!("Trust level set to {trust}.")
}
