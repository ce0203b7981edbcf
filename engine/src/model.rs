//! The checked model the rules work on: typed dates, decimals and currencies, levels
//! referenced by position in the policy.

use crate::error::Error;
use crate::parse::Currency;
use crate::records::{Contact, Level, PostalAddress, ReminderMode, Trust};
use crate::templates::PolicyTemplates;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// Largest accepted `delay_days`, in either direction (a hundred years).
pub const MAX_DELAY_DAYS: i32 = 36_500;

/// The ledger's owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Company {
    /// Company id.
    pub id: String,
    /// Name shown on reminders.
    pub name: String,
    /// Home currency.
    pub currency: Currency,
    /// Language of reminders to partners without one (`en` when the record has none).
    pub lang: String,
    /// Email address for the letterhead.
    pub email: Option<String>,
    /// Phone number for the letterhead.
    pub phone: Option<String>,
    /// Postal address for the letterhead and the return line.
    pub address: Option<PostalAddress>,
}

/// A valid follow-up policy: levels with unique ids and delays, ordered by delay, and
/// their templates compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    levels: Vec<Level>,
    by_id: HashMap<String, usize>,
    templates: PolicyTemplates,
}

impl Policy {
    /// Checks the levels (ids and names present, ids and delays unique, delays within
    /// ±[`MAX_DELAY_DAYS`], templates valid) and orders them by delay. Refusals are
    /// `invalid_policy`.
    pub fn new(mut levels: Vec<Level>) -> Result<Policy, Error> {
        let mut by_id: HashMap<String, usize> = HashMap::new();
        let mut by_delay: HashMap<i32, usize> = HashMap::new();
        for (pos, level) in levels.iter().enumerate() {
            let label = if level.id.trim().is_empty() {
                format!("level #{} (delay_days {})", pos + 1, level.delay_days)
            } else {
                format!("level '{}'", level.id)
            };
            if level.id.trim().is_empty() {
                return Err(Error::invalid_policy(format!("{label}: field id is empty")));
            }
            if level.name.trim().is_empty() {
                return Err(Error::invalid_policy(format!(
                    "{label}: field name is empty"
                )));
            }
            if level.delay_days.abs() > MAX_DELAY_DAYS {
                return Err(Error::invalid_policy(format!(
                    "{label}: field delay_days {} is outside ±{MAX_DELAY_DAYS}",
                    level.delay_days
                )));
            }
            if let Some(&other) = by_id.get(&level.id) {
                return Err(Error::invalid_policy(format!(
                    "{label}: field id is used by level #{} too",
                    other + 1
                )));
            }
            if let Some(&other) = by_delay.get(&level.delay_days) {
                return Err(Error::invalid_policy(format!(
                    "{label}: field delay_days {} is used by level '{}' too",
                    level.delay_days, levels[other].id
                )));
            }
            by_id.insert(level.id.clone(), pos);
            by_delay.insert(level.delay_days, pos);
        }
        levels.sort_by_key(|level| level.delay_days);
        let by_id = levels
            .iter()
            .enumerate()
            .map(|(pos, level)| (level.id.clone(), pos))
            .collect();
        let templates = PolicyTemplates::compile(&levels)?;
        Ok(Policy {
            levels,
            by_id,
            templates,
        })
    }

    /// The levels' own templates, compiled.
    pub fn templates(&self) -> &PolicyTemplates {
        &self.templates
    }

    /// The tone of the built-in texts of the level at `index`.
    pub fn tone(&self, index: usize) -> crate::records::Tone {
        crate::templates::tone_of(&self.levels[index], index, self.levels.len())
    }

    /// The levels, ordered by delay.
    pub fn levels(&self) -> &[Level] {
        &self.levels
    }

    /// The level at `index` (as returned by the other methods).
    pub fn level(&self, index: usize) -> &Level {
        &self.levels[index]
    }

    /// The position of the level with this id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The position of the first level whose delay is greater than `delay`.
    pub fn first_after(&self, delay: i32) -> Option<usize> {
        let pos = self
            .levels
            .partition_point(|level| level.delay_days <= delay);
        (pos < self.levels.len()).then_some(pos)
    }

    /// The position of the last level whose delay is at most `delay`.
    pub fn last_at_most(&self, delay: i64) -> Option<usize> {
        let pos = self
            .levels
            .partition_point(|level| i64::from(level.delay_days) <= delay);
        pos.checked_sub(1)
    }

    /// The position of the level with exactly this delay.
    pub fn index_of_delay(&self, delay: i32) -> Option<usize> {
        self.levels
            .binary_search_by_key(&delay, |level| level.delay_days)
            .ok()
    }
}

/// A customer, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partner {
    /// Partner id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Language tag, if any.
    pub lang: Option<String>,
    /// Trust level.
    pub trust: Trust,
    /// Reminder mode.
    pub reminders: ReminderMode,
    /// The partner's own contact data (named after the partner).
    pub own: Contact,
    /// Contact that overrides `own` for reminders.
    pub followup_contact: Option<Contact>,
    /// Do not remind before this date.
    pub next_reminder: Option<NaiveDate>,
}

/// An open item, checked. Its residual is never 0 (a fully reconciled item is not open).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Item id.
    pub id: String,
    /// Invoice number shown to the customer (the id when the ledger has none).
    pub number: String,
    /// Invoice date.
    pub invoice_date: NaiveDate,
    /// Due date, if any.
    pub due_date: Option<NaiveDate>,
    /// Original amount.
    pub amount: Decimal,
    /// Still unpaid; negative is owed to the customer.
    pub residual: Decimal,
    /// Currency.
    pub currency: Currency,
    /// "No follow-up".
    pub excluded: bool,
    /// Position of the level reached in the policy.
    pub level: Option<usize>,
    /// The item's own contact (boxed: rare, and large beside the rest of an item).
    pub contact: Option<Box<Contact>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    pub(crate) fn level(id: &str, delay: i32) -> Level {
        Level {
            id: id.into(),
            name: format!("Level {id}"),
            delay_days: delay,
            email: true,
            ..Level::default()
        }
    }

    #[test]
    fn levels_are_ordered_by_delay() {
        let policy = Policy::new(vec![level("c", 30), level("a", 10), level("b", 15)]).unwrap();
        let ids: Vec<_> = policy.levels().iter().map(|l| l.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(policy.index_of("b"), Some(1));
        assert_eq!(policy.first_after(9), Some(0));
        assert_eq!(policy.first_after(10), Some(1));
        assert_eq!(policy.first_after(30), None);
        assert_eq!(policy.last_at_most(9), None);
        assert_eq!(policy.last_at_most(29), Some(1));
        assert_eq!(policy.index_of_delay(15), Some(1));
    }

    #[test]
    fn invalid_policies_are_refused_naming_the_level() {
        let cases = [
            (vec![level("a", 7), level("b", 7)], "delay_days 7"),
            (vec![level("a", 7), level("a", 8)], "field id"),
            (vec![level("", 7)], "field id is empty"),
            (
                vec![Level {
                    name: " ".into(),
                    ..level("x", 1)
                }],
                "field name is empty",
            ),
            (vec![level("far", 40_000)], "delay_days 40000"),
        ];
        for (levels, needle) in cases {
            let err = Policy::new(levels).unwrap_err();
            assert_eq!(err.kind, ErrorKind::InvalidPolicy);
            assert!(err.message.contains(needle), "{err}");
        }
    }
}
