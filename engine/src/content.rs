//! What reminders say: subject and bodies per channel (rendered with minijinja from the
//! built-in English templates in `engine/templates/`), and the chatter wording.

use crate::error::Error;
use crate::model::{Company, Item};
use crate::parse::Currency;
use crate::records::{Channel, Contact, Level};
use crate::report::{self, CurrencyTotal};
use chrono::NaiveDate;
use minijinja::syntax::SyntaxConfig;
use minijinja::{Environment, UndefinedBehavior, Value, context};
use rust_decimal::Decimal;
use serde::Serialize;
use std::sync::OnceLock;

/// The language of the built-in texts.
pub const LANG: &str = "en";

/// Subject and bodies of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    /// Subject line.
    pub subject: String,
    /// Plain text (the whole SMS).
    pub text: String,
    /// HTML body, for email.
    pub html: Option<String>,
}

/// Everything a reminder's text may mention.
pub struct Letterhead<'a> {
    /// The company sending it.
    pub company: &'a Company,
    /// The level being executed.
    pub level: &'a Level,
    /// Who it is addressed to.
    pub recipient: &'a Contact,
    /// The items it covers.
    pub items: &'a [&'a Item],
    /// The day it is written.
    pub today: NaiveDate,
}

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        match SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
        {
            Ok(syntax) => env.set_syntax(syntax),
            Err(err) => panic!("template syntax settings: {err}"),
        }
        let templates = [
            (
                "email_subject.txt",
                include_str!("../templates/email_subject.txt"),
            ),
            ("email.txt", include_str!("../templates/email.txt")),
            ("email.html", include_str!("../templates/email.html")),
            ("sms.txt", include_str!("../templates/sms.txt")),
            ("letter.txt", include_str!("../templates/letter.txt")),
        ];
        for (name, source) in templates {
            // The built-in templates are part of the engine; tests render every one.
            if let Err(err) = env.add_template(name, source) {
                panic!("built-in template {name} does not parse: {err}");
            }
        }
        env
    })
}

/// An amount with its currency, at least two decimals: `1234.50 EUR`.
pub fn money(amount: Decimal, currency: Currency) -> String {
    let mut amount = amount;
    if amount.scale() < 2 {
        amount.rescale(2);
    }
    format!("{amount} {currency}")
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

fn context(head: &Letterhead<'_>, subject: &str) -> Value {
    let items: Vec<ItemView> = head
        .items
        .iter()
        .map(|item| ItemView {
            id: item.id.clone(),
            number: item.number.clone(),
            invoice_date: item.invoice_date.to_string(),
            due_date: item.due_date.map(|d| d.to_string()).unwrap_or_default(),
            amount: money(item.amount, item.currency),
            residual: money(item.residual, item.currency),
            currency: item.currency.to_string(),
            late: item.due_date.is_some_and(|due| due < head.today),
            days_late: item
                .due_date
                .map_or(0, |due| report::days_between(due, head.today)),
        })
        .collect();
    let owned: Vec<Item> = head.items.iter().map(|item| (*item).clone()).collect();
    let totals: Vec<CurrencyTotal> = report::totals(&owned, head.today);
    let total_line = totals
        .iter()
        .map(|t| money(t.due, t.currency))
        .collect::<Vec<_>>()
        .join(" + ");
    let totals: Vec<TotalView> = totals
        .iter()
        .map(|t| TotalView {
            currency: t.currency.to_string(),
            due: money(t.due, t.currency),
            overdue: money(t.overdue, t.currency),
        })
        .collect();
    let late_count = items.iter().filter(|item| item.late).count();
    let numbers = items
        .iter()
        .map(|item| item.number.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let address_lines: Vec<String> = head
        .recipient
        .address
        .as_ref()
        .map(|a| {
            [
                a.street.clone(),
                format!("{} {}", a.zip, a.city),
                a.country.clone(),
            ]
            .into_iter()
            .map(|line| line.trim().to_string())
            .filter(|line| !line.is_empty())
            .collect()
        })
        .unwrap_or_default();
    context! {
        company => context! { id => &head.company.id, name => &head.company.name },
        level => context! { id => &head.level.id, name => &head.level.name },
        recipient => context! { name => &head.recipient.name, address_lines => address_lines },
        items => Value::from(minijinja::value::Serde(&items)),
        totals => Value::from(minijinja::value::Serde(&totals)),
        total_line => total_line,
        late_count => late_count,
        numbers => numbers,
        today => head.today.to_string(),
        subject => subject,
    }
}

fn render(name: &str, ctx: &Value) -> Result<String, Error> {
    environment()
        .get_template(name)
        .and_then(|template| template.render(ctx))
        .map(|text| text.trim().to_string())
        .map_err(|err| Error::invalid_policy(format!("template {name}: {err}")))
}

/// Writes the message for `channel`.
pub fn message(channel: Channel, head: &Letterhead<'_>) -> Result<Content, Error> {
    let subject = render("email_subject.txt", &context(head, ""))?;
    let ctx = context(head, &subject);
    Ok(match channel {
        Channel::Email => Content {
            text: render("email.txt", &ctx)?,
            html: Some(render("email.html", &ctx)?),
            subject,
        },
        Channel::Sms => Content {
            text: render("sms.txt", &ctx)?,
            html: None,
            subject,
        },
        Channel::PrintLetter | Channel::SendLetter => Content {
            text: render("letter.txt", &ctx)?,
            html: None,
            subject,
        },
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
