//! A deterministic, seeded generator of realistic ledgers for benchmarks and exports.
//!
//! Same seed and sizes, same ledger, byte for byte. The shape follows what a wholesaler's
//! receivables look like: payment terms of 14, 30 and 60 days; about 15 % of the
//! invoices partly paid, 3 % credit notes, 2 % excluded (disputed); three currencies;
//! four levels at -5, 10, 25 and 45 days using different channels; some items already at
//! an earlier level; some partners with a next reminder date.
//!
//! The generator only makes data: which item is chased or in need is decided by the
//! engine when the data is run.

use chrono::{Days, NaiveDate};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

use crate::ledger::MemLedger;
use crate::wit::types::{
    Company, Contact, Level, ManualAction, OpenItem, Partner, PostalAddress, ReminderMode, Trust,
};

/// The date generated ledgers are "as of".
pub const TODAY: &str = "2025-06-30";

/// The default seed.
pub const SEED: u64 = 20_251_203;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// Number of partners.
    pub partners: usize,
    /// Number of open items, spread over the partners.
    pub items: usize,
    /// Seed of the random generator.
    pub seed: u64,
}

impl Spec {
    /// `items` open items over one partner per ten items (at least one), default seed.
    pub fn items(items: usize) -> Spec {
        Spec {
            partners: (items / 10).max(1),
            items,
            seed: SEED,
        }
    }
}

/// A generated ledger.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    /// The company (EUR).
    pub company: Company,
    /// The four levels.
    pub levels: Vec<Level>,
    /// The partners, by id.
    pub partners: Vec<Partner>,
    /// The open items, by id.
    pub items: Vec<OpenItem>,
    /// The date the ledger is meant to be run on ([`TODAY`]).
    pub today: String,
}

impl Generated {
    /// The ledger as the in-memory host stores it.
    pub fn ledger(&self) -> MemLedger {
        let mut ledger = MemLedger::new(self.company.clone(), self.levels.clone());
        for partner in &self.partners {
            ledger.insert_partner(partner.clone());
        }
        for item in &self.items {
            ledger.insert_item(item.clone());
        }
        ledger
    }
}

/// A tenant's ledger: `items` open items generated from `seed`, for a company whose id
/// is `company` (so that the tenant's idempotency keys are its own).
pub fn tenant(company: &str, seed: u64, items: usize) -> MemLedger {
    let mut generated = generate(Spec {
        seed,
        ..Spec::items(items)
    });
    generated.company.id = company.to_string();
    generated.ledger()
}

const LANGS: [&str; 5] = ["en", "fr", "de", "es", "nl"];
const CITIES: [(&str, &str, &str); 6] = [
    ("Bristol", "BS1 4RN", "GB"),
    ("Lyon", "69002", "FR"),
    ("Köln", "50667", "DE"),
    ("Valencia", "46001", "ES"),
    ("Utrecht", "3511 AB", "NL"),
    ("Boston", "02110", "US"),
];
const NAMES: [&str; 12] = [
    "Bluebird",
    "Kestrel",
    "Okapi",
    "Harbourline",
    "Vasseur",
    "Zeeland",
    "Turia",
    "Morel",
    "Rheinland",
    "Sanitas",
    "Thistle",
    "Redwood",
];
const KINDS: [&str; 6] = ["Ltd", "SARL", "GmbH", "S.L.", "B.V.", "Inc."];

/// The four levels every generated ledger uses.
pub fn levels() -> Vec<Level> {
    let level = |id: &str, name: &str, delay: i32| Level {
        id: id.into(),
        name: name.into(),
        delay_days: delay,
        email: false,
        sms: false,
        print_letter: false,
        send_letter: false,
        manual_action: None,
        auto_execute: false,
        join_invoices: false,
        tone: None,
        templates: Vec::new(),
    };
    vec![
        Level {
            email: true,
            auto_execute: true,
            ..level("courtesy", "Courtesy notice", -5)
        },
        Level {
            email: true,
            auto_execute: true,
            ..level("first", "First reminder", 10)
        },
        Level {
            email: true,
            sms: true,
            print_letter: true,
            join_invoices: true,
            ..level("second", "Second reminder", 25)
        },
        Level {
            email: true,
            send_letter: true,
            join_invoices: true,
            manual_action: Some(ManualAction {
                note: "Call the customer before handing over to collection".into(),
                responsible: "credit-control".into(),
            }),
            ..level("final", "Final notice", 45)
        },
    ]
}

/// Generates the ledger `spec` describes.
pub fn generate(spec: Spec) -> Generated {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let today = NaiveDate::from_ymd_opt(2025, 6, 30).expect("a real date");
    let partners: Vec<Partner> = (0..spec.partners.max(1))
        .map(|n| partner(&mut rng, n, today))
        .collect();
    let currencies: Vec<&str> = (0..partners.len())
        .map(|_| pick(&mut rng, &[(70, "EUR"), (20, "USD"), (10, "GBP")]))
        .collect();
    let levels = levels();
    let items = (0..spec.items)
        .map(|n| {
            let owner = rng.random_range(0..partners.len());
            let currency = if rng.random_bool(0.1) {
                pick(&mut rng, &[(1, "EUR"), (1, "USD"), (1, "GBP")])
            } else {
                currencies[owner]
            };
            item(&mut rng, n, &partners[owner].id, currency, &levels, today)
        })
        .collect();
    Generated {
        company: Company {
            id: "bench".into(),
            name: "Acme Wholesale".into(),
            currency: "EUR".into(),
            lang: Some("en".into()),
            email: Some("credit@acme-wholesale.example".into()),
            phone: None,
            address: None,
        },
        levels,
        partners,
        items,
        today: TODAY.into(),
    }
}

fn pick<'a>(rng: &mut ChaCha8Rng, weighted: &[(u32, &'a str)]) -> &'a str {
    let total: u32 = weighted.iter().map(|(w, _)| w).sum();
    let mut roll = rng.random_range(0..total);
    for (weight, value) in weighted {
        if roll < *weight {
            return value;
        }
        roll -= weight;
    }
    weighted[0].1
}

fn partner(rng: &mut ChaCha8Rng, n: usize, today: NaiveDate) -> Partner {
    let id = format!("P{n:07}");
    let name = format!(
        "{} {} {}",
        NAMES[rng.random_range(0..NAMES.len())],
        n,
        KINDS[rng.random_range(0..KINDS.len())]
    );
    let (city, zip, country) = CITIES[rng.random_range(0..CITIES.len())];
    let slug = id.to_ascii_lowercase();
    Partner {
        lang: Some(LANGS[rng.random_range(0..LANGS.len())].into()),
        trust: match rng.random_range(0..10) {
            0..=1 => Trust::Good,
            2..=8 => Trust::Normal,
            _ => Trust::Bad,
        },
        email: rng.random_bool(0.97).then(|| format!("ap@{slug}.test")),
        phone: rng
            .random_bool(0.8)
            .then(|| format!("+44 20 7946 {:04}", n % 10_000)),
        address: rng.random_bool(0.95).then(|| PostalAddress {
            street: format!("{} Market Street", 1 + n % 200),
            city: city.into(),
            zip: zip.into(),
            country: country.into(),
        }),
        followup_contact: rng.random_bool(0.05).then(|| Contact {
            name: "Accounts payable".into(),
            email: Some(format!("payables@{slug}.test")),
            phone: None,
            address: None,
        }),
        reminders: if rng.random_bool(0.1) {
            ReminderMode::Manual
        } else {
            ReminderMode::Automatic
        },
        next_reminder: rng
            .random_bool(0.1)
            .then(|| date(today + Days::new(rng.random_range(1..15)))),
        id,
        name,
    }
}

fn item(
    rng: &mut ChaCha8Rng,
    n: usize,
    partner: &str,
    currency: &str,
    levels: &[Level],
    today: NaiveDate,
) -> OpenItem {
    let invoice_date = today - Days::new(rng.random_range(0..150));
    let credit = rng.random_bool(0.03);
    let term = [14, 30, 60][rng.random_range(0..3)];
    let due = if credit {
        invoice_date
    } else {
        invoice_date + Days::new(term)
    };
    let cents: i64 = rng.random_range(2_000..2_500_000);
    let residual_cents = if !credit && rng.random_bool(0.15) {
        cents * rng.random_range(10..90) / 100
    } else {
        cents
    };
    let sign = if credit { "-" } else { "" };
    let age = (today - due).num_days();
    // Some items already carry an earlier level: one they could have reached before.
    let level = (!credit && rng.random_bool(0.4))
        .then(|| {
            levels
                .iter()
                .filter(|l| i64::from(l.delay_days) < age - 3)
                .nth_back(rng.random_range(0..2))
                .map(|l| l.id.clone())
        })
        .flatten();
    OpenItem {
        id: format!("I{n:08}"),
        partner: partner.into(),
        number: Some(format!(
            "{}/{}/{n:07}",
            if credit { "RINV" } else { "INV" },
            invoice_date.format("%Y")
        )),
        invoice_date: date(invoice_date),
        due_date: Some(date(due)),
        amount: format!("{sign}{}", money(cents)),
        residual: format!("{sign}{}", money(residual_cents)),
        currency: Some(currency.into()),
        excluded: rng.random_bool(0.02),
        level,
        contact: None,
    }
}

fn money(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_ledger() {
        let spec = Spec::items(500);
        assert_eq!(generate(spec), generate(spec));
        let other = generate(Spec { seed: 7, ..spec });
        assert_ne!(generate(spec).items, other.items);
    }

    #[test]
    fn the_ledger_has_the_promised_shape() {
        let g = generate(Spec::items(20_000));
        assert_eq!(g.items.len(), 20_000);
        assert_eq!(g.partners.len(), 2_000);
        let share = |f: &dyn Fn(&OpenItem) -> bool| {
            g.items.iter().filter(|i| f(i)).count() as f64 / g.items.len() as f64
        };
        let credit = share(&|i| i.amount.starts_with('-'));
        let partly = share(&|i| i.residual != i.amount);
        let excluded = share(&|i| i.excluded);
        let levelled = share(&|i| i.level.is_some());
        assert!((0.02..0.04).contains(&credit), "credit notes {credit}");
        assert!((0.12..0.18).contains(&partly), "partly paid {partly}");
        assert!((0.01..0.03).contains(&excluded), "excluded {excluded}");
        assert!(levelled > 0.1, "items at a level {levelled}");
        for currency in ["EUR", "USD", "GBP"] {
            assert!(
                g.items
                    .iter()
                    .any(|i| i.currency.as_deref() == Some(currency))
            );
        }
        let terms: std::collections::BTreeSet<i64> = g
            .items
            .iter()
            .filter(|i| !i.amount.starts_with('-'))
            .map(|i| {
                let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
                (d(i.due_date.as_deref().unwrap()) - d(&i.invoice_date)).num_days()
            })
            .collect();
        assert_eq!(terms, [14, 30, 60].into());
        assert!(g.partners.iter().any(|p| p.next_reminder.is_some()));
    }
}
