//! A partner's level and status on a date (SPEC.md, "A partner's level and status").

use crate::model::{Item, Partner, Policy};
use crate::parse::Currency;
use chrono::{NaiveDate, TimeDelta};
use rust_decimal::Decimal;

/// A partner's follow-up status on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Nothing to chase, or nothing overdue.
    NoActionNeeded,
    /// Something is overdue but no reminder is due yet.
    WithOverdueInvoices,
    /// A reminder is due.
    InNeedOfAction,
}

impl Status {
    /// The status as SPEC.md writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::NoActionNeeded => "no_action_needed",
            Status::WithOverdueInvoices => "with_overdue_invoices",
            Status::InNeedOfAction => "in_need_of_action",
        }
    }
}

/// How one item stands on the date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ItemStanding {
    /// Takes part in the follow-up: residual > 0, not excluded, has a due date, and its
    /// currency's balance is > 0.
    pub chased: bool,
    /// Chased and its due date has passed.
    pub overdue: bool,
    /// Chased and calls for a reminder (`cur < level delay` and `due + cur < today`).
    pub in_need: bool,
}

/// How a partner stands on the date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    /// The partner's status.
    pub status: Status,
    /// The partner's level (position in the policy), if it has chased items and the
    /// policy has levels.
    pub level: Option<usize>,
    /// One entry per item, in the same order as the items.
    pub items: Vec<ItemStanding>,
    /// The earliest due date among the chased items.
    pub oldest_due: Option<NaiveDate>,
}

impl Standing {
    /// Whether the partner has anything to chase.
    pub fn has_chased(&self) -> bool {
        self.items.iter().any(|item| item.chased)
    }
}

/// `date + days`, saturating at the ends of the calendar.
pub fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    date.checked_add_signed(TimeDelta::days(days))
        .unwrap_or(if days < 0 {
            NaiveDate::MIN
        } else {
            NaiveDate::MAX
        })
}

/// The balance of each currency over the items that are not excluded.
fn balances(items: &[Item]) -> Vec<(Currency, Decimal)> {
    let mut balances: Vec<(Currency, Decimal)> = Vec::new();
    for item in items.iter().filter(|item| !item.excluded) {
        match balances.iter_mut().find(|(c, _)| *c == item.currency) {
            Some((_, sum)) => *sum += item.residual,
            None => balances.push((item.currency, item.residual)),
        }
    }
    balances
}

/// The delay of the item's level, or `d1 - 1` when it has none.
fn current_delay(policy: &Policy, item: &Item, first: i32) -> i32 {
    item.level
        .map_or(first - 1, |index| policy.level(index).delay_days)
}

/// Works out the partner's level and status on `today` from its open items.
pub fn assess(policy: &Policy, partner: &Partner, items: &[Item], today: NaiveDate) -> Standing {
    let positive: Vec<Currency> = balances(items)
        .into_iter()
        .filter(|(_, balance)| *balance > Decimal::ZERO)
        .map(|(currency, _)| currency)
        .collect();
    let mut standings: Vec<ItemStanding> = items
        .iter()
        .map(|item| {
            let chased = item.residual > Decimal::ZERO
                && !item.excluded
                && item.due_date.is_some()
                && positive.contains(&item.currency);
            ItemStanding {
                chased,
                overdue: chased && item.due_date.is_some_and(|due| due < today),
                in_need: false,
            }
        })
        .collect();
    let oldest_due = items
        .iter()
        .zip(&standings)
        .filter(|(_, standing)| standing.chased)
        .filter_map(|(item, _)| item.due_date)
        .min();

    let first = policy.levels().first().map(|level| level.delay_days);
    let level = first.and_then(|first| {
        items
            .iter()
            .zip(&standings)
            .filter(|(_, standing)| standing.chased)
            .map(|(item, _)| {
                let cur = current_delay(policy, item, first);
                policy
                    .first_after(cur)
                    .map_or(cur, |next| policy.level(next).delay_days)
            })
            .max()
            .and_then(|delay| policy.index_of_delay(delay))
    });

    if let (Some(first), Some(level)) = (first, level) {
        let level_delay = policy.level(level).delay_days;
        for (item, standing) in items.iter().zip(standings.iter_mut()) {
            let cur = current_delay(policy, item, first);
            standing.in_need = standing.chased
                && cur < level_delay
                && item
                    .due_date
                    .is_some_and(|due| add_days(due, i64::from(cur)) < today);
        }
    }

    let reminder_due = partner.next_reminder.is_none_or(|next| next <= today);
    let status = if !standings.iter().any(|s| s.chased) {
        Status::NoActionNeeded
    } else if reminder_due && standings.iter().any(|s| s.in_need) {
        Status::InNeedOfAction
    } else if standings.iter().any(|s| s.overdue) {
        Status::WithOverdueInvoices
    } else {
        Status::NoActionNeeded
    };
    Standing {
        status,
        level,
        items: standings,
        oldest_due,
    }
}
