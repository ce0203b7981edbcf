//! A ledger as a set of CSV files, for loading real data and for handing generated data
//! to other systems. The columns are documented in `docs/csv.md`.
//!
//! - `company.csv` (optional on reading; one row): `id,name,currency,lang,email,phone,street,city,zip,country`
//! - `levels.csv`: `id,name,delay_days,email,sms,print_letter,send_letter,auto_execute,join_invoices,manual_note,manual_responsible,tone`
//! - `partners.csv`: `id,name,lang,trust,reminders,email,phone,street,city,zip,country,next_reminder,followup_name,followup_email,followup_phone`
//! - `items.csv`: `id,partner,number,invoice_date,due_date,amount,residual,currency,excluded,level`
//!
//! Every file has a header row. An empty cell is "none"; booleans are `true`/`false`.
//! Values are copied as text: dates and amounts are checked by the engine, not here.
//! What CSV cannot hold is left out: level templates, item contacts, a follow-up
//! contact's address.

use std::fs;
use std::path::Path;

use anyhow::{Context as _, bail};
use serde::{Deserialize, Serialize};

use crate::ledger::MemLedger;
use crate::wit::types::{
    Company, Contact, Level, ManualAction, OpenItem, Partner, PostalAddress, ReminderMode, Tone,
    Trust,
};

/// The files of a CSV set.
pub const FILES: [&str; 4] = ["company.csv", "levels.csv", "partners.csv", "items.csv"];

#[derive(Serialize, Deserialize)]
struct CompanyRow {
    id: String,
    name: String,
    currency: String,
    lang: String,
    email: String,
    phone: String,
    street: String,
    city: String,
    zip: String,
    country: String,
}

#[derive(Serialize, Deserialize)]
struct LevelRow {
    id: String,
    name: String,
    delay_days: i32,
    email: bool,
    sms: bool,
    print_letter: bool,
    send_letter: bool,
    auto_execute: bool,
    join_invoices: bool,
    manual_note: String,
    manual_responsible: String,
    tone: String,
}

#[derive(Serialize, Deserialize)]
struct PartnerRow {
    id: String,
    name: String,
    lang: String,
    trust: String,
    reminders: String,
    email: String,
    phone: String,
    street: String,
    city: String,
    zip: String,
    country: String,
    next_reminder: String,
    followup_name: String,
    followup_email: String,
    followup_phone: String,
}

#[derive(Serialize, Deserialize)]
struct ItemRow {
    id: String,
    partner: String,
    number: String,
    invoice_date: String,
    due_date: String,
    amount: String,
    residual: String,
    currency: String,
    excluded: bool,
    level: String,
}

fn cell(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

fn opt(cell: String) -> Option<String> {
    (!cell.is_empty()).then_some(cell)
}

fn address_cells(address: &Option<PostalAddress>) -> [String; 4] {
    match address {
        Some(a) => [
            a.street.clone(),
            a.city.clone(),
            a.zip.clone(),
            a.country.clone(),
        ],
        None => Default::default(),
    }
}

fn address_of(street: String, city: String, zip: String, country: String) -> Option<PostalAddress> {
    let any = [&street, &city, &zip, &country]
        .iter()
        .any(|s| !s.is_empty());
    any.then_some(PostalAddress {
        street,
        city,
        zip,
        country,
    })
}

fn tone_name(tone: Option<Tone>) -> &'static str {
    match tone {
        None => "",
        Some(Tone::Friendly) => "friendly",
        Some(Tone::Firm) => "firm",
        Some(Tone::Final) => "final",
    }
}

fn named<T: Copy>(
    file: &str,
    id: &str,
    column: &str,
    text: &str,
    names: &[(&str, T)],
) -> anyhow::Result<T> {
    names
        .iter()
        .find(|(name, _)| *name == text)
        .map(|(_, value)| *value)
        .with_context(|| {
            let allowed: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
            format!("{file}: row '{id}': column {column}: '{text}' is not one of {allowed:?}")
        })
}

/// Writes the ledger's company, levels, partners and items as a CSV set into `dir`
/// (created if missing).
pub fn write(ledger: &MemLedger, dir: &Path) -> anyhow::Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let c = ledger.company();
    let [street, city, zip, country] = address_cells(&c.address);
    write_rows(
        &dir.join("company.csv"),
        [CompanyRow {
            id: c.id.clone(),
            name: c.name.clone(),
            currency: c.currency.clone(),
            lang: cell(&c.lang),
            email: cell(&c.email),
            phone: cell(&c.phone),
            street,
            city,
            zip,
            country,
        }],
    )?;
    write_rows(
        &dir.join("levels.csv"),
        ledger.levels().iter().map(|l| LevelRow {
            id: l.id.clone(),
            name: l.name.clone(),
            delay_days: l.delay_days,
            email: l.email,
            sms: l.sms,
            print_letter: l.print_letter,
            send_letter: l.send_letter,
            auto_execute: l.auto_execute,
            join_invoices: l.join_invoices,
            manual_note: l
                .manual_action
                .as_ref()
                .map(|m| m.note.clone())
                .unwrap_or_default(),
            manual_responsible: l
                .manual_action
                .as_ref()
                .map(|m| m.responsible.clone())
                .unwrap_or_default(),
            tone: tone_name(l.tone).into(),
        }),
    )?;
    write_rows(
        &dir.join("partners.csv"),
        ledger.partners().map(|p| {
            let [street, city, zip, country] = address_cells(&p.address);
            let fc = p.followup_contact.as_ref();
            PartnerRow {
                id: p.id.clone(),
                name: p.name.clone(),
                lang: cell(&p.lang),
                trust: match p.trust {
                    Trust::Good => "good",
                    Trust::Normal => "normal",
                    Trust::Bad => "bad",
                }
                .into(),
                reminders: match p.reminders {
                    ReminderMode::Automatic => "automatic",
                    ReminderMode::Manual => "manual",
                }
                .into(),
                email: cell(&p.email),
                phone: cell(&p.phone),
                street,
                city,
                zip,
                country,
                next_reminder: cell(&p.next_reminder),
                followup_name: fc.map(|c| c.name.clone()).unwrap_or_default(),
                followup_email: fc.and_then(|c| c.email.clone()).unwrap_or_default(),
                followup_phone: fc.and_then(|c| c.phone.clone()).unwrap_or_default(),
            }
        }),
    )?;
    write_rows(
        &dir.join("items.csv"),
        ledger.items().map(|i| ItemRow {
            id: i.id.clone(),
            partner: i.partner.clone(),
            number: cell(&i.number),
            invoice_date: i.invoice_date.clone(),
            due_date: cell(&i.due_date),
            amount: i.amount.clone(),
            residual: i.residual.clone(),
            currency: cell(&i.currency),
            excluded: i.excluded,
            level: cell(&i.level),
        }),
    )
}

fn write_rows<T: Serialize>(path: &Path, rows: impl IntoIterator<Item = T>) -> anyhow::Result<()> {
    let mut out =
        csv::Writer::from_path(path).with_context(|| format!("writing {}", path.display()))?;
    for row in rows {
        out.serialize(row)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    out.flush()
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

fn read_rows<T: for<'de> Deserialize<'de>>(path: &Path) -> anyhow::Result<Vec<T>> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let mut input =
        csv::Reader::from_path(path).with_context(|| format!("reading {}", path.display()))?;
    input
        .deserialize()
        .enumerate()
        .map(|(n, row)| row.with_context(|| format!("{name}: row {}", n + 2)))
        .collect()
}

/// Reads a CSV set from `dir` into a ledger. Without `company.csv`, `company` is used.
pub fn read(dir: &Path, company: Option<Company>) -> anyhow::Result<MemLedger> {
    let company_file = dir.join("company.csv");
    let company = if company_file.is_file() {
        let mut rows: Vec<CompanyRow> = read_rows(&company_file)?;
        if rows.len() != 1 {
            bail!("company.csv: expected one row, found {}", rows.len());
        }
        let c = rows.remove(0);
        Company {
            address: address_of(c.street, c.city, c.zip, c.country),
            id: c.id,
            name: c.name,
            currency: c.currency,
            lang: opt(c.lang),
            email: opt(c.email),
            phone: opt(c.phone),
        }
    } else {
        company
            .with_context(|| format!("{}: missing, and no company given", company_file.display()))?
    };
    let tones = [
        ("", None),
        ("friendly", Some(Tone::Friendly)),
        ("firm", Some(Tone::Firm)),
        ("final", Some(Tone::Final)),
    ];
    let levels = read_rows::<LevelRow>(&dir.join("levels.csv"))?
        .into_iter()
        .map(|l| {
            let tone = named("levels.csv", &l.id, "tone", &l.tone, &tones)?;
            Ok(Level {
                manual_action: (!l.manual_note.is_empty() || !l.manual_responsible.is_empty())
                    .then_some(ManualAction {
                        note: l.manual_note,
                        responsible: l.manual_responsible,
                    }),
                id: l.id,
                name: l.name,
                delay_days: l.delay_days,
                email: l.email,
                sms: l.sms,
                print_letter: l.print_letter,
                send_letter: l.send_letter,
                auto_execute: l.auto_execute,
                join_invoices: l.join_invoices,
                tone,
                templates: Vec::new(),
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut ledger = MemLedger::new(company, levels);
    for p in read_rows::<PartnerRow>(&dir.join("partners.csv"))? {
        let trust = named(
            "partners.csv",
            &p.id,
            "trust",
            &p.trust,
            &[
                ("", Trust::Normal),
                ("good", Trust::Good),
                ("normal", Trust::Normal),
                ("bad", Trust::Bad),
            ],
        )?;
        let reminders = named(
            "partners.csv",
            &p.id,
            "reminders",
            &p.reminders,
            &[
                ("", ReminderMode::Automatic),
                ("automatic", ReminderMode::Automatic),
                ("manual", ReminderMode::Manual),
            ],
        )?;
        let followup_contact = (!p.followup_name.is_empty()
            || !p.followup_email.is_empty()
            || !p.followup_phone.is_empty())
        .then(|| Contact {
            name: p.followup_name.clone(),
            email: opt(p.followup_email.clone()),
            phone: opt(p.followup_phone.clone()),
            address: None,
        });
        ledger.insert_partner(Partner {
            address: address_of(p.street, p.city, p.zip, p.country),
            id: p.id,
            name: p.name,
            lang: opt(p.lang),
            trust,
            email: opt(p.email),
            phone: opt(p.phone),
            followup_contact,
            reminders,
            next_reminder: opt(p.next_reminder),
        });
    }
    for i in read_rows::<ItemRow>(&dir.join("items.csv"))? {
        ledger.insert_item(OpenItem {
            id: i.id,
            partner: i.partner,
            number: opt(i.number),
            invoice_date: i.invoice_date,
            due_date: opt(i.due_date),
            amount: i.amount,
            residual: i.residual,
            currency: opt(i.currency),
            excluded: i.excluded,
            level: opt(i.level),
            contact: None,
        });
    }
    Ok(ledger)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;

    #[test]
    fn a_ledger_survives_a_round_trip_through_csv() {
        let case = fixture::parse_case(include_str!("../data/sample-ledger.json")).unwrap();
        let ledger = case.ledger();
        let dir = tempfile::tempdir().unwrap();
        write(&ledger, dir.path()).unwrap();
        for file in FILES {
            let text = fs::read_to_string(dir.path().join(file)).unwrap();
            assert!(text.lines().count() >= 2, "{file} has a header and rows");
        }
        let back = read(dir.path(), None).unwrap();
        assert_eq!(back.company(), ledger.company());
        assert_eq!(back.levels(), ledger.levels());
        let without_item_contacts: Vec<OpenItem> = ledger
            .items()
            .map(|i| OpenItem {
                contact: None,
                ..i.clone()
            })
            .collect();
        assert_eq!(
            back.items().cloned().collect::<Vec<_>>(),
            without_item_contacts
        );
        let strip = |p: &Partner| Partner {
            followup_contact: p.followup_contact.as_ref().map(|c| Contact {
                address: None,
                ..c.clone()
            }),
            ..p.clone()
        };
        assert_eq!(
            back.partners().map(strip).collect::<Vec<_>>(),
            ledger.partners().map(strip).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_bad_enumeration_names_file_row_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let case = fixture::parse_case(include_str!("../data/sample-ledger.json")).unwrap();
        write(&case.ledger(), dir.path()).unwrap();
        let path = dir.path().join("partners.csv");
        let text = fs::read_to_string(&path)
            .unwrap()
            .replacen(",normal,", ",excellent,", 1);
        fs::write(&path, text).unwrap();
        let err = read(dir.path(), None).unwrap_err().to_string();
        assert!(
            err.contains("partners.csv") && err.contains("trust") && err.contains("excellent"),
            "{err}"
        );
    }
}
