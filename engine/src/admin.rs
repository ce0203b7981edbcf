//! The small operations a person performs from the report: remind me later, exclude an
//! item, set a partner's trust; and the whole-ledger check.

use crate::content;
use crate::error::Error;
use crate::load;
use crate::model::{Company, Policy};
use crate::ports::{ChatterEntry, Host, Ledger, Target};
use crate::records::Trust;
use crate::validate;
use chrono::NaiveDate;

/// Counts of a ledger that passed [`check`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LedgerSummary {
    /// Partners.
    pub partners: usize,
    /// Item records (fully reconciled ones included).
    pub items: usize,
    /// Levels of the policy.
    pub levels: usize,
}

/// Reads and checks every partner and item.
pub fn check(
    company: &Company,
    policy: &Policy,
    ledger: &mut impl Ledger,
) -> Result<LedgerSummary, Error> {
    let book = load::book(ledger, company, policy)?;
    Ok(LedgerSummary {
        partners: book.accounts.len(),
        items: book.item_records,
        levels: policy.levels().len(),
    })
}

/// Sets the partner's next reminder date to `date`, which may not be before `today`.
pub fn remind_later(
    host: &mut impl Host,
    today: NaiveDate,
    partner: &str,
    date: NaiveDate,
) -> Result<(), Error> {
    let record = host
        .partner(partner)
        .ok_or_else(|| Error::not_found(format!("partner '{partner}' is not in the ledger")))?;
    validate::partner(record)?;
    if date < today {
        return Err(Error::invalid_data(format!(
            "partner '{partner}': field next_reminder {date} is before today ({today})"
        )));
    }
    host.set_next_reminder(partner, Some(date));
    host.log(&ChatterEntry {
        target: Target::Partner(partner.to_string()),
        date: today,
        body: content::remind_later_log(date),
    });
    Ok(())
}

/// Sets or clears an item's "No follow-up" flag.
pub fn set_excluded(
    company: &Company,
    policy: &Policy,
    host: &mut impl Host,
    today: NaiveDate,
    item: &str,
    excluded: bool,
) -> Result<(), Error> {
    let record = host
        .item(item)
        .ok_or_else(|| Error::not_found(format!("item '{item}' is not in the ledger")))?;
    validate::item(record, company, policy)?;
    host.set_excluded(item, excluded);
    host.log(&ChatterEntry {
        target: Target::Item(item.to_string()),
        date: today,
        body: content::excluded_log(excluded),
    });
    Ok(())
}

/// Sets a partner's trust level.
pub fn set_trust(
    host: &mut impl Host,
    today: NaiveDate,
    partner: &str,
    trust: Trust,
) -> Result<(), Error> {
    let record = host
        .partner(partner)
        .ok_or_else(|| Error::not_found(format!("partner '{partner}' is not in the ledger")))?;
    validate::partner(record)?;
    host.set_trust(partner, trust);
    host.log(&ChatterEntry {
        target: Target::Partner(partner.to_string()),
        date: today,
        body: content::trust_log(trust.as_str()),
    });
    Ok(())
}
