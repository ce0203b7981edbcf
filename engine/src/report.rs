//! The follow-up report of a partner and the overview of every partner
//! (SPEC.md, "Other operations").

use crate::load::Account;
use crate::model::{Item, Policy};
use crate::parse::Currency;
use crate::records::{ReminderMode, Trust};
use crate::standing::{self, Standing, Status};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// An open item as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReportItem {
    /// Item id.
    pub id: String,
    /// Invoice number.
    pub number: String,
    /// Invoice date.
    pub invoice_date: NaiveDate,
    /// Due date, if any.
    pub due_date: Option<NaiveDate>,
    /// Original amount.
    pub amount: Decimal,
    /// Still unpaid.
    pub residual: Decimal,
    /// Currency.
    pub currency: Currency,
    /// Due date before the report's date.
    pub late: bool,
    /// Days since the due date (negative before it, 0 without one).
    pub days_late: i32,
    /// "No follow-up".
    pub excluded: bool,
    /// Id of the level reached.
    pub level: Option<String>,
    /// Takes part in the follow-up.
    pub chased: bool,
    /// Calls for a reminder.
    pub in_need: bool,
}

/// What the customer owes in one currency.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CurrencyTotal {
    /// Currency.
    pub currency: Currency,
    /// Sum of every open item's residual, excluded ones included.
    pub due: Decimal,
    /// The same over the items whose due date has passed.
    pub overdue: Decimal,
}

/// The follow-up report of one partner on a date.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PartnerReport {
    /// Partner id.
    pub partner: String,
    /// Partner name.
    pub name: String,
    /// Status on the date.
    pub status: Status,
    /// Id of the partner's level.
    pub level: Option<String>,
    /// Next reminder date.
    pub next_reminder: Option<NaiveDate>,
    /// Trust level.
    pub trust: Trust,
    /// Reminder mode.
    pub reminders: ReminderMode,
    /// Every open item: by due date (none last), number, id.
    pub items: Vec<ReportItem>,
    /// Totals per currency, by currency code.
    pub totals: Vec<CurrencyTotal>,
}

/// One partner with open items, as the overview lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OverviewLine {
    /// Partner id.
    pub partner: String,
    /// Partner name.
    pub name: String,
    /// Status on the date.
    pub status: Status,
    /// Id of the partner's level.
    pub level: Option<String>,
    /// Next reminder date.
    pub next_reminder: Option<NaiveDate>,
    /// Trust level.
    pub trust: Trust,
    /// Earliest due date among the chased items.
    pub oldest_due: Option<NaiveDate>,
    /// Number of open items.
    pub open_items: u32,
    /// Totals per currency, by currency code.
    pub totals: Vec<CurrencyTotal>,
}

/// Days from `from` to `to`.
pub fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

/// Totals due and overdue per currency over all the given open items.
pub fn totals(items: &[Item], today: NaiveDate) -> Vec<CurrencyTotal> {
    let mut totals: Vec<CurrencyTotal> = Vec::new();
    for item in items {
        let late = item.due_date.is_some_and(|due| due < today);
        let at = match totals.iter().position(|t| t.currency == item.currency) {
            Some(at) => at,
            None => {
                // Zero at the items' scale, so an empty total reads `0.00`.
                let zero = Decimal::new(0, item.residual.scale());
                totals.push(CurrencyTotal {
                    currency: item.currency,
                    due: zero,
                    overdue: zero,
                });
                totals.len() - 1
            }
        };
        totals[at].due += item.residual;
        if late {
            totals[at].overdue += item.residual;
        }
    }
    totals.sort_by_key(|total| total.currency);
    totals
}

/// The report of one account on `today`.
pub fn report(policy: &Policy, account: &Account, today: NaiveDate) -> PartnerReport {
    let standing = standing::assess(policy, &account.partner, &account.items, today);
    let mut items: Vec<ReportItem> = account
        .items
        .iter()
        .zip(&standing.items)
        .map(|(item, s)| ReportItem {
            id: item.id.clone(),
            number: item.number.clone(),
            invoice_date: item.invoice_date,
            due_date: item.due_date,
            amount: item.amount,
            residual: item.residual,
            currency: item.currency,
            late: item.due_date.is_some_and(|due| due < today),
            days_late: item.due_date.map_or(0, |due| {
                days_between(due, today).clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
            }),
            excluded: item.excluded,
            level: item.level.map(|index| policy.level(index).id.clone()),
            chased: s.chased,
            in_need: s.in_need,
        })
        .collect();
    items.sort_by(|a, b| {
        by_due(a.due_date, b.due_date)
            .then_with(|| a.number.cmp(&b.number))
            .then_with(|| a.id.cmp(&b.id))
    });
    let partner = &account.partner;
    PartnerReport {
        partner: partner.id.clone(),
        name: partner.name.clone(),
        status: standing.status,
        level: level_id(policy, &standing),
        next_reminder: partner.next_reminder,
        trust: partner.trust,
        reminders: partner.reminders,
        items,
        totals: totals(&account.items, today),
    }
}

/// The overview line of one account on `today`, or `None` without open items.
pub fn overview_line(policy: &Policy, account: &Account, today: NaiveDate) -> Option<OverviewLine> {
    if account.items.is_empty() {
        return None;
    }
    let partner = &account.partner;
    let standing = standing::assess(policy, partner, &account.items, today);
    Some(OverviewLine {
        partner: partner.id.clone(),
        name: partner.name.clone(),
        status: standing.status,
        level: level_id(policy, &standing),
        next_reminder: partner.next_reminder,
        trust: partner.trust,
        oldest_due: standing.oldest_due,
        open_items: u32::try_from(account.items.len()).unwrap_or(u32::MAX),
        totals: totals(&account.items, today),
    })
}

/// Orders overview lines: in need of action first (oldest due date, then partner id),
/// then the others by partner id.
pub fn sort_overview(lines: &mut [OverviewLine]) {
    lines.sort_by(|a, b| {
        let a_need = a.status == Status::InNeedOfAction;
        let b_need = b.status == Status::InNeedOfAction;
        b_need.cmp(&a_need).then_with(|| {
            if a_need {
                need_order((a.oldest_due, &a.partner), (b.oldest_due, &b.partner))
            } else {
                a.partner.cmp(&b.partner)
            }
        })
    });
}

/// The order in which partners in need of action are worked: oldest due date first
/// (none last), then partner id.
pub fn need_order(a: (Option<NaiveDate>, &str), b: (Option<NaiveDate>, &str)) -> Ordering {
    by_due(a.0, b.0).then_with(|| a.1.cmp(b.1))
}

fn level_id(policy: &Policy, standing: &Standing) -> Option<String> {
    standing.level.map(|index| policy.level(index).id.clone())
}

/// Earlier dates first; no date last.
fn by_due(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}
