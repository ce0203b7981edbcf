//! Reading the ledger through the [`Ledger`] port, a page at a time, and checking every
//! record on the way in.

use crate::error::Error;
use crate::model::{Company, Item, Partner, Policy};
use crate::ports::{Ledger, PAGE_SIZE, Page};
use crate::validate;
use rustc_hash::{FxHashMap, FxHashSet};

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
    let partner = validate::partner(record)?;
    if partner.id != partner_id {
        return Err(Error::invalid_data(format!(
            "partner '{partner_id}': the ledger returned partner '{}' for it",
            partner.id
        )));
    }
    let mut items = Vec::new();
    let mut reconciled = Vec::new();
    pages(
        |cursor| ledger.items(Some(partner_id), cursor, PAGE_SIZE),
        |record| {
            let listed_partner = (record.partner != partner_id).then(|| record.partner.clone());
            let item = validate::item(record, company, policy)?;
            if let Some(other) = listed_partner {
                return Err(Error::invalid_data(format!(
                    "item '{}': listed under partner '{partner_id}' but its field partner is '{other}'",
                    item.id
                )));
            }
            keep(item, &mut items, &mut reconciled);
            Ok(())
        },
    )?;
    unique_items(items.iter().map(|i| i.id.as_str()), &reconciled)?;
    Ok(Account { partner, items })
}

/// Reads and checks the whole ledger: unique ids, every item's partner present.
pub fn book(ledger: &mut impl Ledger, company: &Company, policy: &Policy) -> Result<Book, Error> {
    let mut accounts = Vec::new();
    let mut index: FxHashMap<String, usize> = FxHashMap::default();
    pages(
        |cursor| ledger.partners(cursor, PAGE_SIZE),
        |record| {
            let partner = validate::partner(record)?;
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
    let mut reconciled = Vec::new();
    let mut item_records = 0;
    pages(
        |cursor| ledger.items(None, cursor, PAGE_SIZE),
        |record| {
            item_records += 1;
            let owner = index.get(record.partner.as_str()).copied();
            let partner = owner.is_none().then(|| record.partner.clone());
            let item = validate::item(record, company, policy)?;
            let Some(at) = owner else {
                return Err(Error::invalid_data(format!(
                    "item '{}': field partner '{}' is not a partner of the ledger",
                    item.id,
                    partner.unwrap_or_default()
                )));
            };
            keep(item, &mut accounts[at].items, &mut reconciled);
            Ok(())
        },
    )?;
    unique_items(
        accounts
            .iter()
            .flat_map(|a| a.items.iter().map(|i| i.id.as_str())),
        &reconciled,
    )?;
    // Hosts usually list partners by id already; sort only when they do not.
    if !accounts.is_sorted_by(|a, b| a.partner.id <= b.partner.id) {
        accounts.sort_by(|a, b| a.partner.id.cmp(&b.partner.id));
    }
    Ok(Book {
        accounts,
        item_records,
    })
}

/// Keeps an open item; of a fully reconciled one (residual 0) only its id, for the
/// uniqueness check.
fn keep(item: Item, open: &mut Vec<Item>, reconciled: &mut Vec<String>) {
    if item.residual.is_zero() {
        reconciled.push(item.id);
    } else {
        open.push(item);
    }
}

/// Refuses the first item id that appears twice.
fn unique_items<'a>(
    open: impl Iterator<Item = &'a str>,
    reconciled: &'a [String],
) -> Result<(), Error> {
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    for id in open.chain(reconciled.iter().map(String::as_str)) {
        if !seen.insert(id) {
            return Err(repeated("item", id));
        }
    }
    Ok(())
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
