//! A small in-memory host for the engine's tests: implements the ports over vectors and
//! records every message, task and chatter entry.
#![allow(dead_code)]

use followup_engine::{
    Chatter, ChatterEntry, CompanyRecord, Engine, ItemRecord, Ledger, Level, ManualAction, Message,
    Messaging, NaiveDate, Page, PartnerRecord, Task, Trust,
};

/// The fake host.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fake {
    pub partners: Vec<PartnerRecord>,
    pub items: Vec<ItemRecord>,
    pub sent: Vec<Message>,
    pub tasks: Vec<Task>,
    pub chatter: Vec<ChatterEntry>,
    /// Messages to these addresses fail.
    pub undeliverable: Vec<String>,
}

fn page<T: Clone>(all: Vec<T>, cursor: Option<&str>, limit: u32) -> Page<T> {
    let start: usize = cursor.map_or(0, |c| c.parse().unwrap());
    let end = (start + limit as usize).min(all.len());
    Page {
        records: all[start..end].to_vec(),
        next: (end < all.len()).then(|| end.to_string()),
    }
}

impl Ledger for Fake {
    fn partner(&mut self, id: &str) -> Option<PartnerRecord> {
        self.partners.iter().find(|p| p.id == id).cloned()
    }
    fn partners(&mut self, cursor: Option<&str>, limit: u32) -> Page<PartnerRecord> {
        page(self.partners.clone(), cursor, limit)
    }
    fn item(&mut self, id: &str) -> Option<ItemRecord> {
        self.items.iter().find(|i| i.id == id).cloned()
    }
    fn items(
        &mut self,
        partner: Option<&str>,
        cursor: Option<&str>,
        limit: u32,
    ) -> Page<ItemRecord> {
        let all: Vec<ItemRecord> = self
            .items
            .iter()
            .filter(|i| partner.is_none_or(|p| i.partner == p))
            .cloned()
            .collect();
        page(all, cursor, limit)
    }
    fn set_item_level(&mut self, item: &str, level: Option<&str>) {
        let item = self.items.iter_mut().find(|i| i.id == item).unwrap();
        item.level = level.map(str::to_string);
    }
    fn set_next_reminder(&mut self, partner: &str, date: Option<NaiveDate>) {
        let partner = self.partners.iter_mut().find(|p| p.id == partner).unwrap();
        partner.next_reminder = date.map(|d| d.to_string());
    }
    fn set_excluded(&mut self, item: &str, excluded: bool) {
        self.items
            .iter_mut()
            .find(|i| i.id == item)
            .unwrap()
            .excluded = excluded;
    }
    fn set_trust(&mut self, partner: &str, trust: Trust) {
        self.partners
            .iter_mut()
            .find(|p| p.id == partner)
            .unwrap()
            .trust = trust;
    }
}

impl Messaging for Fake {
    fn send(&mut self, message: &Message) -> Result<(), String> {
        if self.undeliverable.contains(&message.to) {
            return Err("mailbox unavailable".into());
        }
        self.sent.push(message.clone());
        Ok(())
    }
}

impl Chatter for Fake {
    fn log(&mut self, entry: &ChatterEntry) {
        self.chatter.push(entry.clone());
    }
    fn schedule_task(&mut self, task: &Task) {
        self.tasks.push(task.clone());
    }
}

pub fn company() -> CompanyRecord {
    CompanyRecord {
        id: "main".into(),
        name: "Acme Supplies".into(),
        currency: "EUR".into(),
        ..CompanyRecord::default()
    }
}

pub fn level(id: &str, delay: i32) -> Level {
    Level {
        id: id.into(),
        name: format!("Level {id}"),
        delay_days: delay,
        email: true,
        ..Level::default()
    }
}

pub fn task_level(id: &str, delay: i32, note: &str) -> Level {
    Level {
        manual_action: Some(ManualAction {
            note: note.into(),
            responsible: "ar-team".into(),
        }),
        ..level(id, delay)
    }
}

pub fn engine(levels: Vec<Level>) -> Engine {
    Engine::new(&company(), levels).expect("valid policy")
}

/// The worked example's policy: 10, 15, 30 days.
pub fn example_engine() -> Engine {
    engine(vec![
        level("first", 10),
        level("second", 15),
        level("final", 30),
    ])
}

pub fn partner(id: &str) -> PartnerRecord {
    PartnerRecord {
        id: id.into(),
        name: format!("Partner {id}"),
        lang: Some("en".into()),
        trust: Trust::Normal,
        email: Some(format!("ap@{id}.test")),
        phone: Some("+44 20 7946 0000".into()),
        address: Some(followup_engine::PostalAddress {
            street: "1 Harbour Road".into(),
            city: "Bristol".into(),
            zip: "BS1 4RN".into(),
            country: "GB".into(),
        }),
        followup_contact: None,
        reminders: Default::default(),
        next_reminder: None,
    }
}

pub fn item(id: &str, partner: &str, due: &str, residual: &str) -> ItemRecord {
    ItemRecord {
        id: id.into(),
        partner: partner.into(),
        number: Some(format!("INV/{id}")),
        invoice_date: due.into(),
        due_date: Some(due.into()),
        amount: residual.into(),
        residual: residual.into(),
        currency: None,
        excluded: false,
        level: None,
        contact: None,
    }
}

pub fn fake(partners: Vec<PartnerRecord>, items: Vec<ItemRecord>) -> Fake {
    Fake {
        partners,
        items,
        ..Fake::default()
    }
}

pub fn date(text: &str) -> NaiveDate {
    followup_engine::parse::date(text).unwrap()
}
