//! The follow-up report as a document: what a reminder shows the customer, laid out as
//! plain text, as HTML (the body of an email) and as a PDF letter (A4, window envelope).
//!
//! A [`Document`] holds everything already formatted in the message's language: the
//! company's letterhead, the recipient's address, the date, the subject, the level's text
//! split around the table of items (where the template wrote `{{ statement }}`; after the
//! text when it did not), the rows of the table and the totals per currency. The three
//! renderings only lay it out, so they always agree.

mod helvetica;
pub mod pdf;

use crate::error::Error;
use crate::locale::{Labels, Locale};
use crate::model::{Company, Item};
use crate::records::{Contact, PostalAddress};
use crate::report;
use crate::templates::{self, STATEMENT_MARK};
use chrono::NaiveDate;
use minijinja::context;
use minijinja::value::Value;
use serde::Serialize;

/// One line of the table of items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// Invoice number.
    pub number: String,
    /// Invoice date, formatted.
    pub invoice_date: String,
    /// Due date, formatted (empty without one).
    pub due_date: String,
    /// Original amount, formatted with its currency.
    pub amount: String,
    /// What is still unpaid, formatted with its currency.
    pub residual: String,
    /// The due date has passed.
    pub late: bool,
    /// Days past the due date, when late (empty otherwise).
    pub days_late: String,
}

/// What the customer owes in one currency, formatted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TotalRow {
    /// ISO code.
    pub currency: String,
    /// Sum of the residuals.
    pub due: String,
    /// Sum of the residuals of late items.
    pub overdue: String,
    /// Some of it is overdue.
    pub has_overdue: bool,
}

/// A party on the letter: name and postal address lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Party {
    /// Name.
    pub name: String,
    /// Address lines: street, postcode and town, country (empty parts left out).
    pub address: Vec<String>,
    /// Email address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
}

impl Party {
    /// The company as the letterhead shows it.
    pub fn company(company: &Company) -> Party {
        Party {
            name: company.name.clone(),
            address: address_lines(company.address.as_ref()),
            email: company.email.clone(),
            phone: company.phone.clone(),
        }
    }

    /// The recipient as the address field shows it.
    pub fn contact(contact: &Contact) -> Party {
        Party {
            name: contact.name.clone(),
            address: address_lines(contact.address.as_ref()),
            email: contact.email.clone(),
            phone: contact.phone.clone(),
        }
    }
}

/// An address as lines: street, `zip city`, country; empty parts left out.
pub fn address_lines(address: Option<&PostalAddress>) -> Vec<String> {
    let Some(a) = address else {
        return Vec::new();
    };
    let town = [a.zip.trim(), a.city.trim()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    [a.street.trim(), town.as_str(), a.country.trim()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The follow-up report of one reminder, formatted and ready to lay out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Language tag of the text.
    pub lang: String,
    /// Language of the fixed words, dates and amounts.
    pub locale: Locale,
    /// The sender.
    pub company: Party,
    /// The recipient.
    pub recipient: Party,
    /// The customer's reference (partner id).
    pub customer: String,
    /// The letter's date, formatted.
    pub date: String,
    /// Subject line.
    pub subject: String,
    /// Paragraphs (each a list of lines) before the table.
    pub before: Vec<Vec<String>>,
    /// Paragraphs after the table.
    pub after: Vec<Vec<String>>,
    /// The table of items.
    pub rows: Vec<Row>,
    /// Totals per currency.
    pub totals: Vec<TotalRow>,
}

/// Items in the order the report shows them: by due date (none last), number, id.
pub fn ordered<'a>(items: &[&'a Item]) -> Vec<&'a Item> {
    let mut items = items.to_vec();
    items.sort_by(|a, b| {
        let due = match (a.due_date, b.due_date) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        due.then_with(|| a.number.cmp(&b.number))
            .then_with(|| a.id.cmp(&b.id))
    });
    items
}

/// The table rows of `items` on `today`.
pub fn rows(items: &[&Item], today: NaiveDate, locale: Locale) -> Vec<Row> {
    ordered(items)
        .into_iter()
        .map(|item| {
            let late = item.due_date.is_some_and(|due| due < today);
            Row {
                number: item.number.clone(),
                invoice_date: locale.short_date(item.invoice_date),
                due_date: item
                    .due_date
                    .map(|d| locale.short_date(d))
                    .unwrap_or_default(),
                amount: locale.money(item.amount, item.currency),
                residual: locale.money(item.residual, item.currency),
                late,
                days_late: match item.due_date {
                    Some(due) if late => report::days_between(due, today).to_string(),
                    _ => String::new(),
                },
            }
        })
        .collect()
}

/// The totals per currency of `items` on `today`.
pub fn totals(items: &[&Item], today: NaiveDate, locale: Locale) -> Vec<TotalRow> {
    let owned: Vec<Item> = items.iter().map(|item| (*item).clone()).collect();
    report::totals(&owned, today)
        .into_iter()
        .map(|t| TotalRow {
            currency: t.currency.to_string(),
            due: locale.money(t.due, t.currency),
            overdue: locale.money(t.overdue, t.currency),
            has_overdue: !t.overdue.is_zero(),
        })
        .collect()
}

/// Splits rendered text into paragraphs (blank lines between them), each a list of
/// lines with trailing spaces removed.
pub fn paragraphs(text: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line.to_string());
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

impl Document {
    /// A document whose text is `prose` (a rendered template, possibly holding the
    /// statement mark). The other parts come from the arguments as given.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        lang: &str,
        locale: Locale,
        company: &Company,
        recipient: &Contact,
        customer: &str,
        today: NaiveDate,
        subject: &str,
        prose: &str,
        items: &[&Item],
    ) -> Document {
        let (before, after) = match prose.split_once(STATEMENT_MARK) {
            Some((before, after)) => (before, after.replace(STATEMENT_MARK, "")),
            None => (prose, String::new()),
        };
        Document {
            lang: lang.to_string(),
            locale,
            company: Party::company(company),
            recipient: Party::contact(recipient),
            customer: customer.to_string(),
            date: locale.long_date(today),
            subject: subject.to_string(),
            before: paragraphs(before),
            after: paragraphs(&after),
            rows: rows(items, today, locale),
            totals: totals(items, today, locale),
        }
    }

    /// The fixed words in the document's language.
    pub fn labels(&self) -> &'static Labels {
        self.locale.labels()
    }

    /// The footer line: company name, address, phone, email.
    pub fn footer(&self) -> String {
        let labels = self.labels();
        let mut parts = vec![self.company.name.clone()];
        parts.extend(self.company.address.iter().cloned());
        if let Some(phone) = &self.company.phone {
            parts.push(format!("{} {phone}", labels.phone));
        }
        if let Some(email) = &self.company.email {
            parts.push(email.clone());
        }
        parts.join(" · ")
    }

    /// The table and totals as monospaced text.
    pub fn statement_text(&self) -> String {
        let l = self.labels();
        let header = [
            l.invoice,
            l.invoice_date,
            l.due_date,
            l.amount,
            l.residual,
            l.days_late,
        ];
        let cells: Vec<[&str; 6]> = self
            .rows
            .iter()
            .map(|r| {
                [
                    r.number.as_str(),
                    r.invoice_date.as_str(),
                    r.due_date.as_str(),
                    r.amount.as_str(),
                    r.residual.as_str(),
                    r.days_late.as_str(),
                ]
            })
            .collect();
        let mut widths = header.map(|h| h.chars().count());
        for row in &cells {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let right = [false, false, false, true, true, true];
        let line = |row: &[&str; 6]| -> String {
            let parts: Vec<String> = row
                .iter()
                .zip(widths)
                .zip(right)
                .map(|((cell, width), right)| {
                    let pad = " ".repeat(width - cell.chars().count());
                    if right {
                        format!("{pad}{cell}")
                    } else {
                        format!("{cell}{pad}")
                    }
                })
                .collect();
            parts.join("  ").trim_end().to_string()
        };
        let mut out = vec![line(&header)];
        out.push("-".repeat(widths.iter().sum::<usize>() + 2 * (widths.len() - 1)));
        out.extend(cells.iter().map(line));
        out.push(String::new());
        for total in &self.totals {
            let mut text = format!("{}: {}", l.total_due, total.due);
            if total.has_overdue {
                text.push_str(&format!(" ({} {})", l.overdue, total.overdue));
            }
            out.push(text);
        }
        out.join("\n")
    }

    /// The document as plain text: the text, with the statement where it belongs.
    pub fn text(&self) -> String {
        let join = |paragraphs: &[Vec<String>]| -> String {
            paragraphs
                .iter()
                .map(|p| p.join("\n"))
                .collect::<Vec<_>>()
                .join("\n\n")
        };
        [join(&self.before), self.statement_text(), join(&self.after)]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    /// The document as an HTML page (for an email body): letterhead, subject, text,
    /// table with late due dates in red, totals, footer.
    pub fn html(&self) -> Result<String, Error> {
        let labels = self.labels();
        let ctx = context! {
            lang => &self.lang,
            subject => &self.subject,
            date => &self.date,
            customer => &self.customer,
            company => Value::from(minijinja::value::Serde(&self.company)),
            before => &self.before,
            after => &self.after,
            rows => Value::from(minijinja::value::Serde(&self.rows)),
            totals => Value::from(minijinja::value::Serde(&self.totals)),
            footer => self.footer(),
            labels => context! {
                invoice => labels.invoice,
                invoice_date => labels.invoice_date,
                due_date => labels.due_date,
                amount => labels.amount,
                residual => labels.residual,
                days_late => labels.days_late,
                total_due => labels.total_due,
                overdue => labels.overdue,
                date => labels.date,
                customer => labels.customer,
                phone => labels.phone,
                email => labels.email,
            },
        };
        templates::builtins()
            .get_template("report.html")
            .and_then(|template| template.render(ctx))
            .map_err(|err| Error::invalid_policy(format!("built-in template report.html: {err}")))
    }

    /// The document as a PDF letter (see [`pdf`]).
    pub fn pdf(&self) -> Vec<u8> {
        pdf::letter(self)
    }
}
