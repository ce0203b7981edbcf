//! Reading the ledger through the [`Ledger`] port, a page at a time, and checking every
//! record on the way in.

use crate::error::Error;
use crate::model::{Company, Item, Partner, Policy};
use crate::ports::{Ledger, PAGE_SIZE, Page};
use crate::validate;
use std::collections::{HashMap, HashSet};

/// A partner and its open items (residual ≠ 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The partner.
    pub partner: Partner,
    /// Its open items, in the ledger's order.
    pub items: Vec<Item>,
}

/// Every partner of the ledger with its open items, ordered by partner id.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Book {
    /// The accounts, by partner id.
    pub accounts: Vec<Account>,
    /// How many item records the ledger returned (reconciled ones included).
    pub item_records: usize,
}

/// Reads one partner and its open items; `not_found` when the ledger lacks the partner.
pub fn account(
    ledger: &mut impl Ledger,
    company: &Company,
    policy: &Policy,
    partner_id: &str,
) -> Result<Account, Error> {
    let record = ledger
        .partner(partner_id)
        .ok_or_else(|| Error::not_found(format!("partner '{partner_id}' is not in the ledger")))?;
    let partner = validate::partner(&record)?;
    if partner.id != partner_id {
        return Err(Error::invalid_data(format!(
            "partner '{partner_id}': the ledger returned partner '{}' for it",
            partner.id
        )));
    }
    let mut items = Vec::new();
    let mut seen = HashSet::new();
    pages(
        |cursor| ledger.items(Some(partner_id), cursor, PAGE_SIZE),
        |record| {
            let item = validate::item(&record, company, policy)?;
            if item.partner != partner_id {
                return Err(Error::invalid_data(format!(
                    "item '{}': listed under partner '{partner_id}' but its field partner is '{}'",
                    item.id, item.partner
                )));
            }
            if !seen.insert(item.id.clone()) {
                return Err(repeated("item", &item.id));
            }
            if !item.residual.is_zero() {
                items.push(item);
            }
            Ok(())
        },
    )?;
    Ok(Account { partner, items })
}

/// Reads and checks the whole ledger: unique ids, every item's partner present.
pub fn book(ledger: &mut impl Ledger, company: &Company, policy: &Policy) -> Result<Book, Error> {
    let mut accounts = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    pages(
        |cursor| ledger.partners(cursor, PAGE_SIZE),
        |record| {
            let partner = validate::partner(&record)?;
            if index.insert(partner.id.clone(), accounts.len()).is_some() {
                return Err(repeated("partner", &partner.id));
            }
            accounts.push(Account {
                partner,
                items: Vec::new(),
            });
            Ok(())
        },
    )?;
    let mut seen = HashSet::new();
    let mut item_records = 0;
    pages(
        |cursor| ledger.items(None, cursor, PAGE_SIZE),
        |record| {
            item_records += 1;
            let item = validate::item(&record, company, policy)?;
            if !seen.insert(item.id.clone()) {
                return Err(repeated("item", &item.id));
            }
            let Some(&at) = index.get(&item.partner) else {
                return Err(Error::invalid_data(format!(
                    "item '{}': field partner '{}' is not a partner of the ledger",
                    item.id, item.partner
                )));
            };
            if !item.residual.is_zero() {
                accounts[at].items.push(item);
            }
            Ok(())
        },
    )?;
    accounts.sort_by(|a, b| a.partner.id.cmp(&b.partner.id));
    Ok(Book {
        accounts,
        item_records,
    })
}

fn repeated(record: &str, id: &str) -> Error {
    Error::invalid_data(format!("{record} '{id}': field id is repeated"))
}

/// Walks pages until the host says there are no more, handing each record to `each`.
fn pages<T>(
    mut fetch: impl FnMut(Option<&str>) -> Page<T>,
    mut each: impl FnMut(T) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut cursor: Option<String> = None;
    loop {
        let page = fetch(cursor.as_deref());
        for record in page.records {
            each(record)?;
        }
        match page.next {
            None => return Ok(()),
            Some(next) if cursor.as_deref() == Some(next.as_str()) => {
                return Err(Error::invalid_data(format!(
                    "ledger: paging did not advance past cursor '{next}'"
                )));
            }
            Some(next) => cursor = Some(next),
        }
    }
}
