//! Records → model. Every refusal is `invalid_data` and names the record and field.

use crate::error::Error;
use crate::model::{Company, Item, Partner, Policy};
use crate::parse::{self, Currency};
use crate::records::{CompanyRecord, Contact, ItemRecord, PartnerRecord, PostalAddress};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// The company's language when its record has none.
pub const DEFAULT_LANG: &str = "en";

/// Checks the company: id and name present, currency ISO 4217; language `en` by default.
pub fn company(record: &CompanyRecord) -> Result<Company, Error> {
    let label = Label::Company(&record.id);
    require(label, "id", &record.id)?;
    require(label, "name", &record.name)?;
    Ok(Company {
        id: record.id.clone(),
        name: record.name.clone(),
        currency: currency(label, "currency", &record.currency)?,
        lang: non_empty(record.lang.clone())
            .map(|lang| lang.trim().to_string())
            .unwrap_or_else(|| DEFAULT_LANG.to_string()),
        email: non_empty(record.email.clone()),
        phone: non_empty(record.phone.clone()),
        address: address(record.address.clone()),
    })
}

/// Names a record in refusals. Formatted only when a refusal is made, so checking a
/// valid record allocates nothing for it.
#[derive(Debug, Clone, Copy)]
enum Label<'a> {
    Company(&'a str),
    Partner(&'a str),
    Item { id: &'a str, partner: &'a str },
}

impl std::fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Label::Company(id) => write!(f, "company '{id}'"),
            Label::Partner(id) => write!(f, "partner '{id}'"),
            Label::Item { id: "", partner } => {
                write!(f, "an item of partner '{partner}'")
            }
            Label::Item { id, .. } => write!(f, "item '{id}'"),
        }
    }
}

/// Checks a partner: id and name present, next reminder a real date.
pub fn partner(record: PartnerRecord) -> Result<Partner, Error> {
    let label = Label::Partner(&record.id);
    require(label, "id", &record.id)?;
    require(label, "name", &record.name)?;
    let next_reminder = record
        .next_reminder
        .as_deref()
        .map(|text| date(label, "next_reminder", text))
        .transpose()?;
    Ok(Partner {
        own: Contact {
            name: record.name.clone(),
            email: non_empty(record.email),
            phone: non_empty(record.phone),
            address: address(record.address),
        },
        id: record.id,
        name: record.name,
        lang: non_empty(record.lang),
        trust: record.trust,
        reminders: record.reminders,
        followup_contact: record.followup_contact.map(contact),
        next_reminder,
    })
}

/// Checks an open item against the company (default currency) and the policy
/// (its level must exist).
pub fn item(record: ItemRecord, company: &Company, policy: &Policy) -> Result<Item, Error> {
    let label = Label::Item {
        id: &record.id,
        partner: &record.partner,
    };
    require(label, "id", &record.id)?;
    require(label, "partner", &record.partner)?;
    let invoice_date = date(label, "invoice_date", &record.invoice_date)?;
    let due_date = record
        .due_date
        .as_deref()
        .map(|text| date(label, "due_date", text))
        .transpose()?;
    let amount = decimal(label, "amount", &record.amount)?;
    let residual = decimal(label, "residual", &record.residual)?;
    if residual.abs() > amount.abs() {
        return Err(Error::invalid_data(format!(
            "{label}: field residual {residual} is larger than the amount {amount}"
        )));
    }
    if residual.is_sign_negative() != amount.is_sign_negative() && !residual.is_zero() {
        return Err(Error::invalid_data(format!(
            "{label}: field residual {residual} has the opposite sign of the amount {amount}"
        )));
    }
    let currency = match record.currency.as_deref() {
        Some(text) => currency(label, "currency", text)?,
        None => company.currency,
    };
    let level = match record.level.as_deref() {
        Some(id) => Some(policy.index_of(id).ok_or_else(|| {
            Error::invalid_data(format!(
                "{label}: field level '{id}' is not a level of the policy"
            ))
        })?),
        None => None,
    };
    Ok(Item {
        number: non_empty(record.number).unwrap_or_else(|| record.id.clone()),
        id: record.id,
        invoice_date,
        due_date,
        amount,
        residual,
        currency,
        excluded: record.excluded,
        level,
        contact: record.contact.map(|c| Box::new(contact(*c))),
    })
}

/// Parses an argument date such as `today`, naming the argument when it is not one.
pub fn argument_date(name: &str, text: &str) -> Result<NaiveDate, Error> {
    parse::date(text).ok_or_else(|| {
        Error::invalid_data(format!(
            "argument {name}: '{text}' is not a date (YYYY-MM-DD)"
        ))
    })
}

fn require(label: Label<'_>, field: &str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::invalid_data(format!(
            "{label}: field {field} is empty"
        )));
    }
    Ok(())
}

fn date(label: Label<'_>, field: &str, text: &str) -> Result<NaiveDate, Error> {
    parse::date(text).ok_or_else(|| {
        Error::invalid_data(format!(
            "{label}: field {field} '{text}' is not a date (YYYY-MM-DD)"
        ))
    })
}

fn decimal(label: Label<'_>, field: &str, text: &str) -> Result<Decimal, Error> {
    parse::decimal(text).ok_or_else(|| {
        Error::invalid_data(format!(
            "{label}: field {field} '{text}' is not a plain decimal (like 1234.50)"
        ))
    })
}

fn currency(label: Label<'_>, field: &str, text: &str) -> Result<Currency, Error> {
    Currency::parse(text).ok_or_else(|| {
        Error::invalid_data(format!(
            "{label}: field {field} '{text}' is not an ISO 4217 code (three capital letters)"
        ))
    })
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|text| !text.trim().is_empty())
}

fn address(value: Option<PostalAddress>) -> Option<PostalAddress> {
    value.filter(|a| {
        [&a.street, &a.city, &a.zip, &a.country]
            .iter()
            .any(|part| !part.trim().is_empty())
    })
}

fn contact(value: Contact) -> Contact {
    Contact {
        name: value.name,
        email: non_empty(value.email),
        phone: non_empty(value.phone),
        address: address(value.address),
    }
}
