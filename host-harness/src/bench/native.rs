//! The baseline of the benchmark: the engine called natively, on the same records, with
//! an in-memory host that hands out pages the way the component's host does.

use followup_engine::{
    Chatter, ChatterEntry, CompanyRecord, Engine, ItemRecord, Ledger, Level, Message, Messaging,
    NaiveDate, Page, PartnerRecord, Task, Trust,
};

use std::collections::HashMap;

use crate::capi_driver::json;
use crate::ledger::MemLedger;

/// An in-memory host over engine records; records sent messages, tasks and chatter.
#[derive(Debug, Clone, Default)]
pub struct NativeHost {
    /// By id.
    partners: Vec<PartnerRecord>,
    items: Vec<ItemRecord>,
    item_at: HashMap<String, usize>,
    /// Positions of each partner's items.
    items_of: HashMap<String, Vec<usize>>,
    /// Messages delivered.
    pub sent: usize,
    /// Tasks scheduled.
    pub tasks: usize,
    /// Chatter entries logged.
    pub chatter: usize,
}

/// The engine and a host holding the same ledger as `ledger` (converted once through the
/// C ABI's JSON documents, which are the engine's serde form).
pub fn from_ledger(ledger: &MemLedger) -> anyhow::Result<(Engine, NativeHost)> {
    let policy = json::policy(ledger.company(), ledger.levels());
    let company: CompanyRecord = serde_json::from_value(policy["company"].clone())?;
    let levels: Vec<Level> = serde_json::from_value(policy["levels"].clone())?;
    let engine = Engine::new(&company, levels).map_err(|e| anyhow::anyhow!("{e}"))?;
    let partners = ledger
        .partners()
        .map(|p| serde_json::from_value(json::partner(p)))
        .collect::<Result<_, _>>()?;
    let items: Vec<ItemRecord> = ledger
        .items()
        .map(|i| serde_json::from_value(json::item(i)))
        .collect::<Result<_, _>>()?;
    let mut item_at = HashMap::new();
    let mut items_of: HashMap<String, Vec<usize>> = HashMap::new();
    for (at, item) in items.iter().enumerate() {
        item_at.insert(item.id.clone(), at);
        items_of.entry(item.partner.clone()).or_default().push(at);
    }
    Ok((
        engine,
        NativeHost {
            partners,
            items,
            item_at,
            items_of,
            ..NativeHost::default()
        },
    ))
}

fn page<T: Clone>(all: &[T], cursor: Option<&str>, limit: u32) -> Page<T> {
    let start = cursor
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
        .min(all.len());
    let end = (start + limit as usize).min(all.len());
    Page {
        records: all[start..end].to_vec(),
        next: (end < all.len()).then(|| end.to_string()),
    }
}

impl NativeHost {
    fn partner_mut(&mut self, id: &str) -> Option<&mut PartnerRecord> {
        let at = self
            .partners
            .binary_search_by(|p| p.id.as_str().cmp(id))
            .ok()?;
        Some(&mut self.partners[at])
    }
}

impl Ledger for NativeHost {
    fn partner(&mut self, id: &str) -> Option<PartnerRecord> {
        let at = self
            .partners
            .binary_search_by(|p| p.id.as_str().cmp(id))
            .ok()?;
        Some(self.partners[at].clone())
    }
    fn partners(&mut self, cursor: Option<&str>, limit: u32) -> Page<PartnerRecord> {
        page(&self.partners, cursor, limit)
    }
    fn item(&mut self, id: &str) -> Option<ItemRecord> {
        self.item_at.get(id).map(|&at| self.items[at].clone())
    }
    fn items(
        &mut self,
        partner: Option<&str>,
        cursor: Option<&str>,
        limit: u32,
    ) -> Page<ItemRecord> {
        match partner {
            None => page(&self.items, cursor, limit),
            Some(p) => {
                let of: Vec<ItemRecord> = self
                    .items_of
                    .get(p)
                    .map(|at| at.iter().map(|&i| self.items[i].clone()).collect())
                    .unwrap_or_default();
                page(&of, cursor, limit)
            }
        }
    }
    fn set_item_level(&mut self, item: &str, level: Option<&str>) {
        if let Some(&at) = self.item_at.get(item) {
            self.items[at].level = level.map(str::to_string);
        }
    }
    fn set_next_reminder(&mut self, partner: &str, date: Option<NaiveDate>) {
        if let Some(p) = self.partner_mut(partner) {
            p.next_reminder = date.map(followup_engine::format_date);
        }
    }
    fn set_excluded(&mut self, item: &str, excluded: bool) {
        if let Some(&at) = self.item_at.get(item) {
            self.items[at].excluded = excluded;
        }
    }
    fn set_trust(&mut self, partner: &str, trust: Trust) {
        if let Some(p) = self.partner_mut(partner) {
            p.trust = trust;
        }
    }
}

impl Messaging for NativeHost {
    fn send(&mut self, _message: &Message) -> Result<(), String> {
        self.sent += 1;
        Ok(())
    }
}

impl Chatter for NativeHost {
    fn log(&mut self, _entry: &ChatterEntry) {
        self.chatter += 1;
    }
    fn schedule_task(&mut self, _task: &Task) {
        self.tasks += 1;
    }
}
